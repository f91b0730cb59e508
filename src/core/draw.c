/*
 * draw: the reproducible 双随机 draw (see draw.h for the generator's specification). The
 * stream is SM3 in counter mode; numbers in a range come from rejection sampling; picks are
 * partial Fisher-Yates shuffles, so a draw is a pure function of its published inputs.
 */
#include <stdio.h>
#include <string.h>

#include "draw.h"

static int is_hex64(const char *s)
{
    if (s == NULL || strlen(s) != DRAW_HEX_LEN)
        return 0;
    for (size_t i = 0; i < DRAW_HEX_LEN; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return 0;
    }
    return 1;
}

static void hex_encode(const uint8_t *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

int draw_seed(draw_hash_fn hash, const char *pool_hash, const char *public_value, size_t k,
              size_t m, uint8_t out[DRAW_HASH_LEN], struct sx_err *err)
{
    char text[256];
    int n;
    if (!is_hex64(pool_hash))
        return SX_FAIL(err, SX_E_INVALID, "draw-bad-input", "抽取依据的数值格式不正确", DRAW_SOURCE,
                       "pool_hash", "名录哈希应为 64 位小写十六进制");
    if (!is_hex64(public_value))
        return SX_FAIL(err, SX_E_INVALID, "draw-bad-input", "抽取依据的数值格式不正确", DRAW_SOURCE,
                       "public_value", "公开随机值应为 64 位小写十六进制");
    n = snprintf(text, sizeof(text), "%s\n%s\n%s\n%zu\n%zu", DRAW_DOMAIN, pool_hash, public_value,
                 k, m);
    if (n < 0 || (size_t)n >= sizeof(text))
        return SX_FAIL(err, SX_E_INTERNAL, "draw-seed", "抽取种子计算失败", DRAW_SOURCE, "",
                       "种子输入过长");
    return hash(text, (size_t)n, out, err);
}

void draw_rng_init(struct draw_rng *r, draw_hash_fn hash, const uint8_t seed[DRAW_HASH_LEN])
{
    memset(r, 0, sizeof(*r));
    r->hash = hash;
    memcpy(r->seed, seed, DRAW_HASH_LEN);
    r->pos = DRAW_HASH_LEN;
}

int draw_rng_u32(struct draw_rng *r, uint32_t *out, struct sx_err *err)
{
    if (r->pos + 4 > DRAW_HASH_LEN) {
        uint8_t in[DRAW_HASH_LEN + 4];
        int rc;
        memcpy(in, r->seed, DRAW_HASH_LEN);
        in[DRAW_HASH_LEN] = (uint8_t)(r->counter >> 24);
        in[DRAW_HASH_LEN + 1] = (uint8_t)(r->counter >> 16);
        in[DRAW_HASH_LEN + 2] = (uint8_t)(r->counter >> 8);
        in[DRAW_HASH_LEN + 3] = (uint8_t)r->counter;
        rc = r->hash(in, sizeof(in), r->block, err);
        if (rc != 0)
            return rc;
        r->counter++;
        r->pos = 0;
    }
    *out = ((uint32_t)r->block[r->pos] << 24) | ((uint32_t)r->block[r->pos + 1] << 16) |
           ((uint32_t)r->block[r->pos + 2] << 8) | (uint32_t)r->block[r->pos + 3];
    r->pos += 4;
    return 0;
}

int draw_rng_below(struct draw_rng *r, uint32_t n, uint32_t *out, struct sx_err *err)
{
    uint64_t span = (uint64_t)1 << 32;
    uint64_t limit;
    if (n == 0)
        return SX_FAIL(err, SX_E_INVALID, "draw-empty-range", "抽取范围为空", DRAW_SOURCE, "",
                       "不能从空集合中抽取");
    /* the largest multiple of n not above 2^32: words at or above it are thrown away */
    limit = span - span % n;
    for (;;) {
        uint32_t u;
        int rc = draw_rng_u32(r, &u, err);
        if (rc != 0)
            return rc;
        if ((uint64_t)u < limit) {
            *out = u % n;
            return 0;
        }
    }
}

/* Partial Fisher-Yates: move k random elements of a[0..n) to a[0..k), in draw order. */
static int pick(struct draw_rng *r, size_t *a, size_t n, size_t k, struct sx_err *err)
{
    for (size_t i = 0; i < k; i++) {
        uint32_t j;
        size_t t;
        int rc = draw_rng_below(r, (uint32_t)(n - i), &j, err);
        if (rc != 0)
            return rc;
        t = a[i];
        a[i] = a[i + j];
        a[i + j] = t;
    }
    return 0;
}

static int recused(const struct draw_input *in, size_t target, size_t inspector)
{
    for (size_t i = 0; i < in->n_recusals; i++)
        if (in->recusals[i].target == target && in->recusals[i].inspector == inspector)
            return 1;
    return 0;
}

static int check_input(const struct draw_input *in, struct sx_err *err)
{
    if (in->k == 0 || in->m == 0)
        return SX_FAIL(err, SX_E_INVALID, "draw-bad-count", "抽取数量不正确", DRAW_SOURCE,
                       in->k == 0 ? "k" : "m", "抽取的检查对象数和每个对象的检查人员数都至少为 1");
    if (in->n_targets > DRAW_POOL_MAX || in->n_inspectors > DRAW_POOL_MAX)
        return SX_FAIL(err, SX_E_INVALID, "draw-pool-too-large", "名录过大", DRAW_SOURCE, "",
                       "检查对象名录和执法检查人员名录各不超过 %d 项", DRAW_POOL_MAX);
    if (in->k > in->n_targets)
        return SX_FAIL(err, SX_E_INVALID, "draw-too-many-targets", "抽取数量超过检查对象名录",
                       DRAW_SOURCE, "k", "要抽取 %zu 个检查对象，名录中只有 %zu 个", in->k,
                       in->n_targets);
    if (in->m > in->n_inspectors || in->k * in->m > DRAW_PICK_MAX)
        return SX_FAIL(err, SX_E_INVALID, "draw-too-few-inspectors", "执法检查人员不足",
                       DRAW_SOURCE, "m", "每个对象需要 %zu 名检查人员，名录中只有 %zu 名", in->m,
                       in->n_inspectors);
    for (size_t i = 0; i < in->n_recusals; i++)
        if (in->recusals[i].target >= in->n_targets ||
            in->recusals[i].inspector >= in->n_inspectors)
            return SX_FAIL(err, SX_E_INVALID, "draw-bad-recusal", "回避关系不正确", DRAW_SOURCE,
                           "recusals", "第 %zu 条回避关系指向名录外的对象或人员", i + 1);
    return 0;
}

int draw_run(draw_hash_fn hash, const struct draw_input *in, struct sx_arena *arena,
             struct draw_result *out, struct sx_err *err)
{
    uint8_t seed[DRAW_HASH_LEN];
    struct draw_rng r;
    size_t *all, *elig;
    int rc = check_input(in, err);
    if (rc != 0)
        return rc;
    rc = draw_seed(hash, in->pool_hash, in->public_value, in->k, in->m, seed, err);
    if (rc != 0)
        return rc;
    memset(out, 0, sizeof(*out));
    hex_encode(seed, DRAW_HASH_LEN, out->seed_hex);
    out->k = in->k;
    out->m = in->m;
    all = sx_arena_alloc(arena, in->n_targets * sizeof(size_t));
    elig = sx_arena_alloc(arena, in->n_inspectors * sizeof(size_t));
    out->targets = sx_arena_alloc(arena, in->k * sizeof(size_t));
    out->inspectors = sx_arena_alloc(arena, in->k * in->m * sizeof(size_t));
    if (all == NULL || elig == NULL || out->targets == NULL || out->inspectors == NULL)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "抽取时内存不足");
    draw_rng_init(&r, hash, seed);
    for (size_t i = 0; i < in->n_targets; i++)
        all[i] = i;
    rc = pick(&r, all, in->n_targets, in->k, err);
    if (rc != 0)
        return rc;
    memcpy(out->targets, all, in->k * sizeof(size_t));
    for (size_t t = 0; t < in->k; t++) {
        size_t target = out->targets[t], n = 0;
        for (size_t i = 0; i < in->n_inspectors; i++)
            if (!recused(in, target, i))
                elig[n++] = i;
        if (n < in->m)
            return SX_FAIL(err, SX_E_INVALID, "draw-too-few-inspectors", "回避后执法检查人员不足",
                           DRAW_SOURCE, "recusals",
                           "检查对象第 %zu 项回避后只剩 %zu 名检查人员，需要 %zu 名", target + 1, n,
                           in->m);
        rc = pick(&r, elig, n, in->m, err);
        if (rc != 0)
            return rc;
        memcpy(out->inspectors + t * in->m, elig, in->m * sizeof(size_t));
    }
    return 0;
}
