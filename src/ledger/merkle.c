/*
 * merkle: RFC 6962 tree head, audit paths and consistency proofs over an
 * in-memory tree of cached complete subtrees, a streaming compact range, and
 * the RFC 9162 verifiers (see merkle.h).
 */
#include "merkle.h"

#include <stdlib.h>
#include <string.h>

/* ---- hashers ---- */

static int sm3_digest(void *ctx, const void *data, size_t len, uint8_t out[LG_HASH_LEN],
                      struct sx_err *err)
{
    struct lg_sm3 *c = ctx;
    int rc;
    if (c == NULL)
        return lg_sm3(data, len, out, err);
    rc = lg_sm3_reset(c, err);
    if (rc == 0)
        rc = lg_sm3_update(c, data, len, err);
    if (rc == 0)
        rc = lg_sm3_final(c, out, err);
    return rc;
}

static int sha256_digest(void *ctx, const void *data, size_t len, uint8_t out[LG_HASH_LEN],
                         struct sx_err *err)
{
    (void)ctx;
    return lg_sha256(data, len, out, err);
}

struct lg_hasher lg_hasher_sm3(struct lg_sm3 *c)
{
    struct lg_hasher h = {.digest = sm3_digest, .ctx = c};
    return h;
}

struct lg_hasher lg_hasher_sha256(void)
{
    struct lg_hasher h = {.digest = sha256_digest, .ctx = NULL};
    return h;
}

int lg_merkle_leaf_hash(const struct lg_hasher *h, const void *leaf, size_t len,
                        uint8_t out[LG_HASH_LEN], struct sx_err *err)
{
    uint8_t small[1 + 64];
    uint8_t *buf = small;
    int rc;
    /* leaves are record hashes (32 bytes); longer ones only come from tests */
    if (len + 1 > sizeof(small)) {
        buf = malloc(len + 1);
        if (buf == NULL)
            return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "Merkle 叶子");
    }
    buf[0] = 0x00;
    if (len > 0)
        memcpy(buf + 1, leaf, len);
    rc = h->digest(h->ctx, buf, len + 1, out, err);
    if (buf != small)
        free(buf);
    return rc;
}

int lg_merkle_node_hash(const struct lg_hasher *h, const uint8_t left[LG_HASH_LEN],
                        const uint8_t right[LG_HASH_LEN], uint8_t out[LG_HASH_LEN],
                        struct sx_err *err)
{
    uint8_t buf[1 + 2 * LG_HASH_LEN];
    buf[0] = 0x01;
    memcpy(buf + 1, left, LG_HASH_LEN);
    memcpy(buf + 1 + LG_HASH_LEN, right, LG_HASH_LEN);
    return h->digest(h->ctx, buf, sizeof(buf), out, err);
}

static int empty_root(const struct lg_hasher *h, uint8_t out[LG_HASH_LEN], struct sx_err *err)
{
    return h->digest(h->ctx, "", 0, out, err);
}

/* Largest power of two strictly below n (n >= 2). */
static uint64_t split_point(uint64_t n)
{
    return (uint64_t)1 << (63 - __builtin_clzll(n - 1));
}

static int is_pow2(uint64_t n)
{
    return n != 0 && (n & (n - 1)) == 0;
}

static int out_of_range(struct sx_err *err, const char *what, uint64_t a, uint64_t b)
{
    return SX_FAIL(err, SX_E_INVALID, "ledger-out-of-range", "账本范围无效", "RFC 6962 §2.1", what,
                   "%s：%llu 超出范围（上限 %llu）", what, (unsigned long long)a,
                   (unsigned long long)b);
}

/* ---- compact range ---- */

void lg_compact_init(struct lg_compact *c)
{
    memset(c, 0, sizeof(*c));
}

int lg_compact_push(struct lg_compact *c, const struct lg_hasher *h,
                    const uint8_t leaf_hash[LG_HASH_LEN], struct sx_err *err)
{
    uint8_t cur[LG_HASH_LEN];
    uint64_t s = c->size;
    unsigned n = c->n;
    memcpy(cur, leaf_hash, LG_HASH_LEN);
    /* each trailing one bit of the size is a perfect subtree this leaf completes */
    while (s & 1) {
        int rc = lg_merkle_node_hash(h, c->stack[--n], cur, cur, err);
        if (rc != 0)
            return rc;
        s >>= 1;
    }
    memcpy(c->stack[n++], cur, LG_HASH_LEN);
    c->n = n;
    c->size++;
    return 0;
}

int lg_compact_root(const struct lg_compact *c, const struct lg_hasher *h, uint8_t out[LG_HASH_LEN],
                    struct sx_err *err)
{
    uint8_t r[LG_HASH_LEN];
    if (c->n == 0)
        return empty_root(h, out, err);
    memcpy(r, c->stack[c->n - 1], LG_HASH_LEN);
    /* the subtrees from the right: MTH(D[n]) nests its incomplete right part */
    for (unsigned i = c->n - 1; i-- > 0;) {
        int rc = lg_merkle_node_hash(h, c->stack[i], r, r, err);
        if (rc != 0)
            return rc;
    }
    memcpy(out, r, LG_HASH_LEN);
    return 0;
}

/* ---- tree ---- */

struct level {
    uint8_t (*h)[LG_HASH_LEN];
    uint64_t n;
    uint64_t cap;
};

struct lg_tree {
    uint64_t size;
    struct level lv[64]; /* lv[j]: hashes of the aligned complete subtrees of 2^j leaves */
};

int lg_tree_new(struct lg_tree **out, struct sx_err *err)
{
    *out = calloc(1, sizeof(**out));
    if (*out == NULL)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "Merkle 树");
    return 0;
}

void lg_tree_free(struct lg_tree *t)
{
    if (t == NULL)
        return;
    for (int j = 0; j < 64; j++)
        free(t->lv[j].h);
    free(t);
}

uint64_t lg_tree_size(const struct lg_tree *t)
{
    return t->size;
}

const uint8_t *lg_tree_leaf(const struct lg_tree *t, uint64_t i)
{
    return i < t->size ? t->lv[0].h[i] : NULL;
}

static int level_reserve(struct level *l, struct sx_err *err)
{
    if (l->n < l->cap)
        return 0;
    uint64_t cap = l->cap == 0 ? 1024 : l->cap * 2;
    void *p = realloc(l->h, cap * LG_HASH_LEN);
    if (p == NULL)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "Merkle 树");
    l->h = p;
    l->cap = cap;
    return 0;
}

int lg_tree_append(struct lg_tree *t, const struct lg_hasher *h,
                   const uint8_t leaf_hash[LG_HASH_LEN], struct sx_err *err)
{
    uint8_t made[64][LG_HASH_LEN];
    unsigned closes = (unsigned)__builtin_ctzll(t->size + 1); /* subtrees completed */
    int rc;
    if (t->size == UINT64_MAX >> 1)
        return out_of_range(err, "tree_size", t->size, UINT64_MAX >> 1);
    /* hash and reserve first, so that a failure leaves the tree as it was */
    memcpy(made[0], leaf_hash, LG_HASH_LEN);
    for (unsigned j = 0; j < closes; j++) {
        rc = lg_merkle_node_hash(h, t->lv[j].h[t->lv[j].n - 1], made[j], made[j + 1], err);
        if (rc != 0)
            return rc;
    }
    for (unsigned j = 0; j <= closes; j++) {
        rc = level_reserve(&t->lv[j], err);
        if (rc != 0)
            return rc;
    }
    for (unsigned j = 0; j <= closes; j++)
        memcpy(t->lv[j].h[t->lv[j].n++], made[j], LG_HASH_LEN);
    t->size++;
    return 0;
}

/* MTH(D[lo:hi]) for 0 <= lo < hi <= size, with lo aligned as the RFC's recursion leaves it. */
static int range_hash(const struct lg_tree *t, const struct lg_hasher *h, uint64_t lo, uint64_t hi,
                      uint8_t out[LG_HASH_LEN], struct sx_err *err)
{
    uint64_t n = hi - lo;
    if (is_pow2(n) && lo % n == 0) {
        unsigned j = (unsigned)__builtin_ctzll(n);
        memcpy(out, t->lv[j].h[lo >> j], LG_HASH_LEN);
        return 0;
    }
    uint64_t k = split_point(n);
    uint8_t left[LG_HASH_LEN], right[LG_HASH_LEN];
    int rc = range_hash(t, h, lo, lo + k, left, err);
    if (rc == 0)
        rc = range_hash(t, h, lo + k, hi, right, err);
    if (rc == 0)
        rc = lg_merkle_node_hash(h, left, right, out, err);
    return rc;
}

int lg_tree_root(const struct lg_tree *t, const struct lg_hasher *h, uint64_t size,
                 uint8_t out[LG_HASH_LEN], struct sx_err *err)
{
    if (size > t->size)
        return out_of_range(err, "tree_size", size, t->size);
    if (size == 0)
        return empty_root(h, out, err);
    return range_hash(t, h, 0, size, out, err);
}

/* Reverse path[0..n): the proofs are built root side first. */
static void reverse(uint8_t path[][LG_HASH_LEN], size_t n)
{
    uint8_t tmp[LG_HASH_LEN];
    for (size_t i = 0; i < n / 2; i++) {
        memcpy(tmp, path[i], LG_HASH_LEN);
        memcpy(path[i], path[n - 1 - i], LG_HASH_LEN);
        memcpy(path[n - 1 - i], tmp, LG_HASH_LEN);
    }
}

int lg_tree_inclusion(const struct lg_tree *t, const struct lg_hasher *h, uint64_t index,
                      uint64_t size, uint8_t path[][LG_HASH_LEN], size_t *count, struct sx_err *err)
{
    uint64_t lo = 0, hi = size;
    size_t n = 0;
    *count = 0;
    if (size > t->size)
        return out_of_range(err, "tree_size", size, t->size);
    if (index >= size)
        return out_of_range(err, "leaf_index", index, size == 0 ? 0 : size - 1);
    /* RFC 6962 §2.1.1 PATH, walked from the root down */
    while (hi - lo > 1) {
        uint64_t k = split_point(hi - lo);
        int rc;
        if (index < lo + k) {
            rc = range_hash(t, h, lo + k, hi, path[n], err);
            hi = lo + k;
        } else {
            rc = range_hash(t, h, lo, lo + k, path[n], err);
            lo = lo + k;
        }
        if (rc != 0)
            return rc;
        n++;
    }
    reverse(path, n);
    *count = n;
    return 0;
}

int lg_tree_consistency(const struct lg_tree *t, const struct lg_hasher *h, uint64_t first,
                        uint64_t second, uint8_t path[][LG_HASH_LEN], size_t *count,
                        struct sx_err *err)
{
    uint64_t lo = 0, hi = second, m = first;
    int whole = 1; /* RFC 6962 §2.1.2 SUBPROOF's b: D[0:m] is the whole old tree */
    size_t n = 0;
    *count = 0;
    if (second > t->size)
        return out_of_range(err, "second", second, t->size);
    if (first == 0 || first > second)
        return out_of_range(err, "first", first, second);
    if (first == second)
        return 0;
    for (;;) {
        int rc;
        if (m == hi - lo) {
            if (!whole) {
                rc = range_hash(t, h, lo, hi, path[n], err);
                if (rc != 0)
                    return rc;
                n++;
            }
            break;
        }
        uint64_t k = split_point(hi - lo);
        if (m <= k) {
            rc = range_hash(t, h, lo + k, hi, path[n], err);
            hi = lo + k;
        } else {
            rc = range_hash(t, h, lo, lo + k, path[n], err);
            lo = lo + k;
            m -= k;
            whole = 0;
        }
        if (rc != 0)
            return rc;
        n++;
    }
    reverse(path, n);
    *count = n;
    return 0;
}

/* ---- verifiers ---- */

static int proof_invalid(struct sx_err *err, const char *what)
{
    return SX_FAIL(err, SX_E_TAMPER, "proof-invalid", "Merkle 证明校验未通过",
                   "RFC 6962 §2.1; RFC 9162 §2.1.3–2.1.4", "path", "%s", what);
}

int lg_merkle_verify_inclusion(const struct lg_hasher *h, uint64_t index, uint64_t size,
                               const uint8_t leaf_hash[LG_HASH_LEN], const uint8_t *path,
                               size_t count, const uint8_t root[LG_HASH_LEN], struct sx_err *err)
{
    uint8_t r[LG_HASH_LEN];
    uint64_t fn = index, sn;
    int rc;
    if (index >= size)
        return proof_invalid(err, "叶子序号不小于树的大小");
    sn = size - 1;
    memcpy(r, leaf_hash, LG_HASH_LEN);
    for (size_t i = 0; i < count; i++) {
        if (sn == 0)
            return proof_invalid(err, "包含证明的路径过长");
        if ((fn & 1) || fn == sn) {
            rc = lg_merkle_node_hash(h, path + i * LG_HASH_LEN, r, r, err);
            if (rc != 0)
                return rc;
            if (!(fn & 1)) {
                while (!(fn & 1) && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            rc = lg_merkle_node_hash(h, r, path + i * LG_HASH_LEN, r, err);
            if (rc != 0)
                return rc;
        }
        fn >>= 1;
        sn >>= 1;
    }
    if (sn != 0)
        return proof_invalid(err, "包含证明的路径过短");
    if (memcmp(r, root, LG_HASH_LEN) != 0)
        return proof_invalid(err, "由包含证明算出的根哈希与给定的根哈希不符");
    return 0;
}

int lg_merkle_verify_consistency(const struct lg_hasher *h, uint64_t first, uint64_t second,
                                 const uint8_t root1[LG_HASH_LEN], const uint8_t root2[LG_HASH_LEN],
                                 const uint8_t *path, size_t count, struct sx_err *err)
{
    uint8_t fr[LG_HASH_LEN], sr[LG_HASH_LEN];
    const uint8_t *first_node;
    size_t i = 0;
    uint64_t fn, sn;
    int rc;
    if (first == 0 || first > second)
        return proof_invalid(err, "一致性证明的树大小无效");
    if (first == second) {
        if (count != 0)
            return proof_invalid(err, "相同大小的树不应有一致性证明路径");
        if (memcmp(root1, root2, LG_HASH_LEN) != 0)
            return proof_invalid(err, "相同大小的两棵树根哈希不同");
        return 0;
    }
    if (count == 0)
        return proof_invalid(err, "一致性证明为空");
    /* RFC 9162 §2.1.4.2 step 2: a power-of-two old tree is itself the first node */
    if (is_pow2(first)) {
        first_node = root1;
    } else {
        first_node = path;
        i = 1;
    }
    fn = first - 1;
    sn = second - 1;
    while (fn & 1) {
        fn >>= 1;
        sn >>= 1;
    }
    memcpy(fr, first_node, LG_HASH_LEN);
    memcpy(sr, first_node, LG_HASH_LEN);
    for (; i < count; i++) {
        if (sn == 0)
            return proof_invalid(err, "一致性证明的路径过长");
        if ((fn & 1) || fn == sn) {
            rc = lg_merkle_node_hash(h, path + i * LG_HASH_LEN, fr, fr, err);
            if (rc == 0)
                rc = lg_merkle_node_hash(h, path + i * LG_HASH_LEN, sr, sr, err);
            if (rc != 0)
                return rc;
            if (!(fn & 1)) {
                while (!(fn & 1) && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            rc = lg_merkle_node_hash(h, sr, path + i * LG_HASH_LEN, sr, err);
            if (rc != 0)
                return rc;
        }
        fn >>= 1;
        sn >>= 1;
    }
    if (sn != 0)
        return proof_invalid(err, "一致性证明的路径过短");
    if (memcmp(fr, root1, LG_HASH_LEN) != 0)
        return proof_invalid(err, "由一致性证明算出的旧根哈希与给定的不符");
    if (memcmp(sr, root2, LG_HASH_LEN) != 0)
        return proof_invalid(err, "由一致性证明算出的新根哈希与给定的不符");
    return 0;
}
