/*
 * ledger (app): the sequencer, the server's in-memory Merkle tree and its
 * thread, signed checkpoints, the SM2 key file, proofs and verify (see
 * ledger.h for the design).
 */
#include "ledger.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "ledger/checkpoint.h"
#include "ledger/crypto.h"
#include "store/store.h"
#include "sx_log.h"

#define PENDING_BATCH 10000
/* most leaves one pass (one transaction) gives: keeps SQLite's write lock short (~0.3 s) when a
   backlog is sequenced, so record appends are not starved; more passes follow at once */
#define PASS_MAX 50000
#define HORIZON_KEEP 64
/* the time a sequence id may be taken before its transaction gets an xid is microseconds;
   one second is the margin the watermark waits (see ledger.h) */
#define HORIZON_MARGIN_MS 1000

/* ---- key ---- */

void app_ledger_key_path(const char *db_url, const char *given, char *out, size_t cap)
{
    const char *slash;
    if (given != NULL && given[0] != '\0') {
        snprintf(out, cap, "%s", given);
        return;
    }
    if (strncmp(db_url, "postgresql://", 13) == 0 || strncmp(db_url, "postgres://", 11) == 0) {
        snprintf(out, cap, "var/%s", APP_LEDGER_KEY_FILE);
        return;
    }
    slash = strrchr(db_url, '/');
    if (slash == NULL)
        snprintf(out, cap, "%s", APP_LEDGER_KEY_FILE);
    else
        snprintf(out, cap, "%.*s/%s", (int)(slash - db_url), db_url, APP_LEDGER_KEY_FILE);
}

int app_ledger_key_load(const char *path, int create, struct lg_sm2_key **out, int *created,
                        struct sx_err *err)
{
    struct stat st;
    struct lg_sm2_key *key = NULL;
    int rc;
    *out = NULL;
    if (created != NULL)
        *created = 0;
    if (stat(path, &st) == 0 || errno != ENOENT || !create)
        return lg_sm2_key_load(path, out, err);
    /* the key's directory (var/ by default for PostgreSQL), one level, like the default DB's */
    const char *slash = strrchr(path, '/');
    if (slash != NULL && slash != path) {
        char dir[4096];
        snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
        if (mkdir(dir, 0750) != 0 && errno != EEXIST)
            return SX_FAIL(err, SX_E_IO, "key-dir", "无法创建账本密钥目录", "", "key", "%s：%s",
                           dir, strerror(errno));
    }
    rc = lg_sm2_key_generate(&key, err);
    if (rc == 0)
        rc = lg_sm2_key_save(key, 1, path, err);
    if (rc != 0) {
        lg_sm2_key_free(key);
        return rc;
    }
    sx_log(SX_LOG_INFO, "ledger", "generated the ledger's SM2 key at %s", path);
    *out = key;
    if (created != NULL)
        *created = 1;
    return 0;
}

/* ---- the sequencer ---- */

struct horizon {
    int64_t max_id;
    int64_t xmax;
    struct timespec t;
};

/* The watermark W and the snapshots that may move it (ledger.h). */
struct seq_state {
    int64_t w;
    struct horizon q[HORIZON_KEEP];
    size_t n;
};

static int64_t ms_between(const struct timespec *a, const struct timespec *b)
{
    return (int64_t)(b->tv_sec - a->tv_sec) * 1000 + (b->tv_nsec - a->tv_nsec) / 1000000;
}

/*
 * After a pass whose snapshot had xmin_now, and whose anti-join gave a leaf to every record that
 * snapshot could see: move W to the highest max_id below which no transaction can still add a
 * record. An id below q[i].max_id was taken before snapshot i; its transaction had its xid a few
 * microseconds later, so before snapshot j (>= 1 s after i), so below q[j].xmax; if that is
 * <= xmin_now, the transaction has ended, and its record was visible to this pass.
 */
static void seq_advance(struct seq_state *s, int64_t xmin_now)
{
    size_t best = SIZE_MAX;
    for (size_t i = 0; i < s->n; i++) {
        for (size_t j = i + 1; j < s->n; j++) {
            if (ms_between(&s->q[i].t, &s->q[j].t) >= HORIZON_MARGIN_MS &&
                s->q[j].xmax <= xmin_now) {
                best = i;
                break;
            }
        }
    }
    if (best == SIZE_MAX)
        return;
    if (s->q[best].max_id > s->w)
        s->w = s->q[best].max_id;
    memmove(s->q, s->q + best + 1, (s->n - best - 1) * sizeof(s->q[0]));
    s->n -= best + 1;
}

static void seq_push(struct seq_state *s, const struct st_ledger_horizon *h)
{
    if (s->n == HORIZON_KEEP) {
        /* losing the oldest only makes W move later, never wrongly */
        memmove(s->q, s->q + 1, (s->n - 1) * sizeof(s->q[0]));
        s->n--;
    }
    s->q[s->n].max_id = h->max_record_id;
    s->q[s->n].xmax = h->xmax;
    clock_gettime(CLOCK_MONOTONIC, &s->q[s->n].t);
    s->n++;
}

/* Leaf hashes gathered in a pass, appended to the in-memory tree after the commit. */
struct leafbuf {
    uint8_t (*h)[LG_HASH_LEN];
    size_t n, cap;
};

static int leafbuf_push(struct leafbuf *b, const uint8_t h[LG_HASH_LEN], struct sx_err *err)
{
    if (b->n == b->cap) {
        size_t cap = b->cap == 0 ? 1024 : b->cap * 2;
        void *p = realloc(b->h, cap * LG_HASH_LEN);
        if (p == NULL)
            return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "账本叶子");
        b->h = p;
        b->cap = cap;
    }
    memcpy(b->h[b->n++], h, LG_HASH_LEN);
    return 0;
}

static int bad_leaf(struct sx_err *err, const char *type, const char *title, int64_t idx,
                    const char *fmt_detail, int64_t a)
{
    return SX_FAIL(err, SX_E_TAMPER, type, title, "DESIGN §5；云南 附件2 第二十条 (YN-2-20)",
                   "ledger_leaves", "全局账本叶子 %" PRId64 "：%s（%" PRId64 "）", idx, fmt_detail,
                   a);
}

/* Catch-up scan: leaves other sequencers appended, into a leafbuf, checking the order. */
struct catchup {
    int64_t next;
    struct leafbuf *out;
};

static int catchup_leaf(void *p, const struct st_ledger_leaf *l, struct sx_err *err)
{
    struct catchup *c = p;
    uint8_t h[LG_HASH_LEN];
    if (l->idx != c->next)
        return bad_leaf(err, "ledger-leaf-missing", "全局账本缺少叶子", c->next, "下一个叶子序号为",
                        l->idx);
    if (lg_hex_decode(l->leaf_hash, strlen(l->leaf_hash), h, LG_HASH_LEN, NULL) != 0)
        return bad_leaf(err, "ledger-leaf-tampered", "全局账本叶子被篡改", l->idx,
                        "叶子哈希不是十六进制，记录", l->record_id);
    c->next++;
    return c->out != NULL ? leafbuf_push(c->out, h, err) : 0;
}

/*
 * One pass in one transaction: catch up on leaves [tree_size, next_index) into add (when add is
 * non-NULL) and give the pending records above w a leaf, at most PASS_MAX of them, appending
 * their hashes to add too; *last gets the last record id given a leaf (w when none). seq (may be
 * NULL) learns this pass's snapshot only when w is its watermark: only then did the anti-join
 * cover everything the snapshot could see.
 */
static int sync_pass(struct st_db *db, struct lg_sm3 *sm3, struct seq_state *seq, int64_t w,
                     uint64_t tree_size, struct leafbuf *add, struct app_ledger_sync_stats *stats,
                     int64_t *last, struct sx_err *err)
{
    int full = seq != NULL && w == seq->w;
    struct st_ledger_horizon h;
    struct sx_arena a;
    struct lg_hasher hs = lg_hasher_sm3(sm3);
    int64_t next;
    int rc;
    memset(stats, 0, sizeof(*stats));
    *last = w;
    sx_arena_init(&a, 1 << 20);
    rc = st_begin(db, err);
    if (rc == 0)
        rc = st_ledger_lock(db, err);
    if (rc == 0)
        rc = st_ledger_horizon(db, &h, err);
    if (rc != 0)
        goto cleanup;
    if (add != NULL && (uint64_t)h.next_index < tree_size) {
        rc = SX_FAIL(err, SX_E_TAMPER, "ledger-leaf-missing", "全局账本缺少叶子", "DESIGN §5",
                     "ledger_leaves",
                     "数据库中的账本只有 %" PRId64 " 个叶子，少于内存中的 %" PRIu64 " 个",
                     h.next_index, tree_size);
        goto cleanup;
    }
    if (add != NULL && (uint64_t)h.next_index > tree_size) {
        struct catchup c = {.next = (int64_t)tree_size, .out = add};
        rc = st_ledger_leaf_scan(db, (int64_t)tree_size, catchup_leaf, &c, err);
        if (rc != 0)
            goto cleanup;
    }
    next = h.next_index;
    while (stats->added < PASS_MAX) {
        struct st_ledger_pending *p = NULL;
        size_t n = 0;
        sx_arena_reset(&a);
        rc = st_ledger_pending(db, w, PENDING_BATCH, &a, &p, &n, err);
        if (rc != 0)
            goto cleanup;
        /* the batch's leaves, hashed, then written several per round trip */
        struct st_ledger_leaf_new *leaves = sx_arena_alloc(&a, (n > 0 ? n : 1) * sizeof(*leaves));
        uint8_t(*raw)[LG_HASH_LEN] = sx_arena_alloc(&a, (n > 0 ? n : 1) * LG_HASH_LEN);
        if (leaves == NULL || raw == NULL) {
            rc = SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", NULL, NULL, "账本排序");
            goto cleanup;
        }
        for (size_t i = 0; i < n; i++) {
            uint8_t rh[LG_SM3_LEN];
            char *hex = sx_arena_alloc(&a, LG_SM3_HEX_LEN + 1);
            rc = hex != NULL ? lg_hex_decode(p[i].hash, strlen(p[i].hash), rh, LG_SM3_LEN, err)
                             : SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", NULL, NULL,
                                       "账本排序");
            if (rc == 0)
                rc = lg_merkle_leaf_hash(&hs, rh, LG_SM3_LEN, raw[i], err);
            if (rc != 0)
                goto cleanup;
            lg_hex_encode(raw[i], LG_HASH_LEN, hex);
            leaves[i] = (struct st_ledger_leaf_new){next + (int64_t)i, p[i].record_id, hex};
        }
        rc = st_ledger_leaves_insert(db, leaves, n, err);
        for (size_t i = 0; rc == 0 && add != NULL && i < n; i++)
            rc = leafbuf_push(add, raw[i], err);
        if (rc != 0)
            goto cleanup;
        if (n > 0)
            *last = p[n - 1].record_id;
        next += (int64_t)n;
        stats->added += n;
        if (n < PENDING_BATCH)
            break;
        w = p[n - 1].record_id;
    }
    rc = st_commit(db, err);
    /*
     * Only now may W move: every id this pass's snapshot could see has just been given a leaf
     * (the anti-join ran after the horizon, so it saw at least as much). Moving W before the
     * anti-join would skip an id that became visible since the last pass.
     */
    if (rc == 0 && full && stats->added < PASS_MAX) {
        seq_push(seq, &h);
        seq_advance(seq, h.xmin);
    }
    stats->tree_size = next;
cleanup:
    if (rc != 0)
        (void)st_rollback(db, NULL);
    sx_arena_free(&a);
    return rc;
}

int app_ledger_sync_db(struct app_ctx *ctx, struct app_ledger_sync_stats *stats, struct sx_err *err)
{
    struct lg_sm3 *sm3 = NULL;
    struct app_ledger_sync_stats one;
    int64_t w = 0;
    int rc = lg_sm3_new(&sm3, err);
    memset(stats, 0, sizeof(*stats));
    /* a backlog goes in passes of PASS_MAX, each continuing above the last id given a leaf */
    while (rc == 0) {
        rc = sync_pass(ctx->db, sm3, NULL, w, 0, NULL, &one, &w, err);
        if (rc == 0) {
            stats->added += one.added;
            stats->tree_size = one.tree_size;
        }
        if (one.added < PASS_MAX)
            break;
    }
    lg_sm3_free(sm3);
    return rc;
}

/* ---- checkpoints ---- */

/* Root of the first size leaves streamed from the table (the CLI has no tree). */
struct rootscan {
    struct lg_compact c;
    struct lg_hasher h;
    int64_t size;
};

static int rootscan_leaf(void *p, const struct st_ledger_leaf *l, struct sx_err *err)
{
    struct rootscan *rs = p;
    uint8_t h[LG_HASH_LEN];
    if (l->idx != (int64_t)rs->c.size)
        return bad_leaf(err, "ledger-leaf-missing", "全局账本缺少叶子", (int64_t)rs->c.size,
                        "下一个叶子序号为", l->idx);
    if ((int64_t)rs->c.size >= rs->size)
        return 0;
    if (lg_hex_decode(l->leaf_hash, strlen(l->leaf_hash), h, LG_HASH_LEN, NULL) != 0)
        return bad_leaf(err, "ledger-leaf-tampered", "全局账本叶子被篡改", l->idx,
                        "叶子哈希不是十六进制，记录", l->record_id);
    return lg_compact_push(&rs->c, &rs->h, h, err);
}

/*
 * Sign and store a checkpoint of size leaves with root, unless the latest one covers size
 * already. *out and *made as app_ledger_checkpoint_db.
 */
static int store_checkpoint(struct st_db *db, struct sx_arena *arena, const struct lg_sm2_key *key,
                            int64_t size, const uint8_t *root, const char *now,
                            struct st_ledger_checkpoint *out, int *made, struct sx_err *err)
{
    char root_hex[LG_SM3_HEX_LEN + 1], sig[LG_SIG_HEX_MAX + 1], key_id[LG_SM3_HEX_LEN + 1];
    struct st_ledger_checkpoint cp;
    int rc;
    lg_hex_encode(root, LG_HASH_LEN, root_hex);
    rc = lg_checkpoint_key_id(key, key_id, err);
    if (rc == 0)
        rc = lg_checkpoint_sign(key, size, root_hex, now, sig, err);
    if (rc != 0)
        return rc;
    cp = (struct st_ledger_checkpoint){
        .tree_size = size, .root = root_hex, .made_at = now, .signature = sig, .key_id = key_id};
    rc = st_begin(db, err);
    if (rc == 0)
        rc = st_ledger_checkpoint_insert(db, &cp, err);
    if (rc == 0)
        rc = st_commit(db, err);
    if (rc != 0) {
        (void)st_rollback(db, NULL);
        if (rc != SX_E_CONFLICT)
            return rc;
        /* another node signed this size first: theirs stands */
        *made = 0;
        return st_ledger_checkpoint_get(db, size, arena, out, err);
    }
    *made = 1;
    return st_ledger_checkpoint_get(db, size, arena, out, err);
}

static int ledger_empty(struct sx_err *err)
{
    return SX_FAIL(err, SX_E_NOTFOUND, "ledger-empty", "全局账本为空", "DESIGN §5", "",
                   "还没有任何记录进入全局账本，无法生成签名检查点");
}

/* 1 when the latest checkpoint covers size leaves already (it is in *out). */
static int covered(struct st_db *db, struct sx_arena *arena, int64_t size,
                   struct st_ledger_checkpoint *out, int *rc, struct sx_err *err)
{
    struct sx_err e2;
    sx_err_clear(&e2);
    *rc = st_ledger_checkpoint_latest(db, arena, out, &e2);
    if (*rc == SX_E_NOTFOUND) {
        *rc = 0;
        return 0;
    }
    if (*rc != 0) {
        if (err != NULL)
            *err = e2;
        return 1;
    }
    return out->tree_size >= size;
}

int app_ledger_checkpoint_db(struct app_ctx *ctx, const struct lg_sm2_key *key, const char *now,
                             struct st_ledger_checkpoint *out, int *made, struct sx_err *err)
{
    struct app_ledger_sync_stats st;
    struct rootscan rs;
    uint8_t root[LG_HASH_LEN];
    int rc;
    *made = 0;
    rc = app_ledger_sync_db(ctx, &st, err);
    if (rc != 0)
        return rc;
    if (st.tree_size == 0)
        return ledger_empty(err);
    if (covered(ctx->db, ctx->arena, st.tree_size, out, &rc, err))
        return rc;
    if (rc != 0)
        return rc;
    memset(&rs, 0, sizeof(rs));
    lg_compact_init(&rs.c);
    rs.h = lg_hasher_sm3(NULL);
    rs.size = st.tree_size;
    rc = st_begin_read(ctx->db, err);
    if (rc == 0)
        rc = st_ledger_leaf_scan(ctx->db, 0, rootscan_leaf, &rs, err);
    (void)st_rollback(ctx->db, NULL);
    if (rc == 0 && (int64_t)rs.c.size != st.tree_size)
        rc = bad_leaf(err, "ledger-leaf-missing", "全局账本缺少叶子", (int64_t)rs.c.size,
                      "账本应有叶子数", st.tree_size);
    if (rc == 0)
        rc = lg_compact_root(&rs.c, &rs.h, root, err);
    if (rc == 0)
        rc = store_checkpoint(ctx->db, ctx->arena, key, st.tree_size, root, now, out, made, err);
    return rc;
}

/* ---- the server's ledger ---- */

struct app_ledger {
    struct app_ctx ctx; /* own connection, used under seq_mu */
    pthread_mutex_t seq_mu;
    pthread_rwlock_t tree_lock; /* readers: proofs; writer: appends (under seq_mu too) */
    struct lg_tree *tree;
    struct lg_sm3 *sm3; /* under seq_mu */
    struct seq_state seq;
    struct lg_sm2_key *key;
    char key_id[LG_SM3_HEX_LEN + 1];
    struct sx_buf pub_pem;
    unsigned sync_ms;
    unsigned checkpoint_s;
    int64_t last_cp_size;
    struct timespec last_cp;
    pthread_t thread;
    int thread_started;
    pthread_mutex_t stop_mu;
    pthread_cond_t stop_cv;
    int stopping;
    int inited; /* mutexes initialised */
};

uint64_t app_ledger_size(struct app_ledger *lg)
{
    uint64_t n;
    pthread_rwlock_rdlock(&lg->tree_lock);
    n = lg_tree_size(lg->tree);
    pthread_rwlock_unlock(&lg->tree_lock);
    return n;
}

const char *app_ledger_public_pem(const struct app_ledger *lg)
{
    return lg->pub_pem.data;
}

const char *app_ledger_key_id(const struct app_ledger *lg)
{
    return lg->key_id;
}

/* Append add's hashes to the tree under the write lock. */
static int tree_append(struct app_ledger *lg, const struct leafbuf *add, struct sx_err *err)
{
    struct lg_hasher h = lg_hasher_sm3(lg->sm3);
    int rc = 0;
    pthread_rwlock_wrlock(&lg->tree_lock);
    for (size_t i = 0; rc == 0 && i < add->n; i++)
        rc = lg_tree_append(lg->tree, &h, add->h[i], err);
    pthread_rwlock_unlock(&lg->tree_lock);
    return rc;
}

static int sync_locked(struct app_ledger *lg, struct app_ledger_sync_stats *stats,
                       struct sx_err *err)
{
    struct leafbuf add = {0};
    struct app_ledger_sync_stats one;
    int64_t w = lg->seq.w;
    int rc = 0;
    memset(stats, 0, sizeof(*stats));
    /* the first pass starts at the watermark; a backlog continues above the last id (a record
       committed late below it is found by the next regular pass, which starts at W again) */
    while (rc == 0) {
        add.n = 0;
        rc = sync_pass(lg->ctx.db, lg->sm3, &lg->seq, w, lg_tree_size(lg->tree), &add, &one, &w,
                       err);
        if (rc == 0)
            rc = tree_append(lg, &add, err);
        if (rc == 0) {
            stats->added += one.added;
            stats->tree_size = one.tree_size;
        }
        if (one.added < PASS_MAX)
            break;
    }
    free(add.h);
    return rc;
}

int app_ledger_sync(struct app_ledger *lg, struct app_ledger_sync_stats *stats, struct sx_err *err)
{
    int rc;
    pthread_mutex_lock(&lg->seq_mu);
    rc = sync_locked(lg, stats, err);
    pthread_mutex_unlock(&lg->seq_mu);
    return rc;
}

static int checkpoint_locked(struct app_ledger *lg, struct sx_arena *arena,
                             struct st_ledger_checkpoint *out, int *made, struct sx_err *err)
{
    struct app_ledger_sync_stats st;
    uint8_t root[LG_HASH_LEN];
    struct lg_hasher h = lg_hasher_sm3(lg->sm3);
    int64_t size;
    int rc;
    *made = 0;
    rc = sync_locked(lg, &st, err);
    if (rc != 0)
        return rc;
    /* only this thread (holding seq_mu) appends, so the tree can be read without its lock */
    size = (int64_t)lg_tree_size(lg->tree);
    if (size == 0)
        return ledger_empty(err);
    if (covered(lg->ctx.db, arena, size, out, &rc, err))
        return rc;
    if (rc != 0)
        return rc;
    rc = lg_tree_root(lg->tree, &h, (uint64_t)size, root, err);
    if (rc == 0) {
        const char *now = app_now(&lg->ctx);
        char stamp[24];
        snprintf(stamp, sizeof(stamp), "%s", now != NULL ? now : "");
        rc = store_checkpoint(lg->ctx.db, arena, lg->key, size, root, stamp, out, made, err);
    }
    if (rc == 0) {
        lg->last_cp_size = out->tree_size;
        clock_gettime(CLOCK_MONOTONIC, &lg->last_cp);
    }
    return rc;
}

int app_ledger_checkpoint(struct app_ledger *lg, struct sx_arena *arena,
                          struct st_ledger_checkpoint *out, int *made, struct sx_err *err)
{
    int rc;
    pthread_mutex_lock(&lg->seq_mu);
    rc = checkpoint_locked(lg, arena, out, made, err);
    sx_arena_reset(&lg->ctx.own_arena);
    pthread_mutex_unlock(&lg->seq_mu);
    return rc;
}

static void *ledger_main(void *arg)
{
    struct app_ledger *lg = arg;
    struct sx_arena scratch;
    sx_arena_init(&scratch, 16 * 1024);
    pthread_mutex_lock(&lg->stop_mu);
    while (!lg->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += lg->sync_ms / 1000;
        until.tv_nsec += (long)(lg->sync_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        while (!lg->stopping && pthread_cond_timedwait(&lg->stop_cv, &lg->stop_mu, &until) == 0) {
        }
        if (lg->stopping)
            break;
        pthread_mutex_unlock(&lg->stop_mu);

        struct sx_err err;
        struct app_ledger_sync_stats st;
        struct timespec now;
        sx_err_clear(&err);
        pthread_mutex_lock(&lg->seq_mu);
        if (sync_locked(lg, &st, &err) != 0)
            sx_log(SX_LOG_WARN, "ledger", "sequencer pass failed (%s): %s", err.type, err.detail);
        clock_gettime(CLOCK_MONOTONIC, &now);
        if ((int64_t)lg_tree_size(lg->tree) > lg->last_cp_size &&
            ms_between(&lg->last_cp, &now) >= (int64_t)lg->checkpoint_s * 1000) {
            struct st_ledger_checkpoint cp;
            int made = 0;
            sx_err_clear(&err);
            if (checkpoint_locked(lg, &scratch, &cp, &made, &err) != 0)
                sx_log(SX_LOG_WARN, "ledger", "checkpoint failed (%s): %s", err.type, err.detail);
            else if (made)
                sx_log(SX_LOG_INFO, "ledger", "checkpoint tree_size=%" PRId64, cp.tree_size);
            sx_arena_reset(&scratch);
        }
        sx_arena_reset(&lg->ctx.own_arena);
        pthread_mutex_unlock(&lg->seq_mu);
        pthread_mutex_lock(&lg->stop_mu);
    }
    pthread_mutex_unlock(&lg->stop_mu);
    sx_arena_free(&scratch);
    return NULL;
}

/* Rebuild the tree from the table at start. */
static int load_leaf(void *p, const struct st_ledger_leaf *l, struct sx_err *err)
{
    struct app_ledger *lg = p;
    struct lg_hasher h = lg_hasher_sm3(lg->sm3);
    uint8_t leaf[LG_HASH_LEN];
    if (l->idx != (int64_t)lg_tree_size(lg->tree))
        return bad_leaf(err, "ledger-leaf-missing", "全局账本缺少叶子",
                        (int64_t)lg_tree_size(lg->tree), "下一个叶子序号为", l->idx);
    if (lg_hex_decode(l->leaf_hash, strlen(l->leaf_hash), leaf, LG_HASH_LEN, NULL) != 0)
        return bad_leaf(err, "ledger-leaf-tampered", "全局账本叶子被篡改", l->idx,
                        "叶子哈希不是十六进制，记录", l->record_id);
    return lg_tree_append(lg->tree, &h, leaf, err);
}

int app_ledger_open(const struct app *app, const char *db_url, const char *key_path,
                    unsigned sync_ms, unsigned checkpoint_s, struct app_ledger **out,
                    struct sx_err *err)
{
    struct app_ledger *lg = calloc(1, sizeof(*lg));
    struct st_ledger_checkpoint cp;
    struct sx_err ignored;
    int rc;
    *out = NULL;
    if (lg == NULL)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "账本");
    lg->sync_ms = sync_ms != 0 ? sync_ms : APP_LEDGER_SYNC_MS;
    lg->checkpoint_s = checkpoint_s != 0 ? checkpoint_s : APP_LEDGER_CHECKPOINT_S;
    sx_buf_init(&lg->pub_pem, 4096);
    pthread_mutex_init(&lg->seq_mu, NULL);
    pthread_rwlock_init(&lg->tree_lock, NULL);
    pthread_mutex_init(&lg->stop_mu, NULL);
    pthread_cond_init(&lg->stop_cv, NULL);
    lg->inited = 1;
    rc = app_ctx_open(app, db_url, &lg->ctx, err);
    if (rc == 0)
        rc = lg_tree_new(&lg->tree, err);
    if (rc == 0)
        rc = lg_sm3_new(&lg->sm3, err);
    if (rc == 0)
        rc = app_ledger_key_load(key_path, 1, &lg->key, NULL, err);
    if (rc == 0)
        rc = lg_checkpoint_key_id(lg->key, lg->key_id, err);
    if (rc == 0)
        rc = lg_sm2_key_to_pem(lg->key, 0, &lg->pub_pem, err);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (rc == 0) {
        rc = st_begin_read(lg->ctx.db, err);
        if (rc == 0)
            rc = st_ledger_leaf_scan(lg->ctx.db, 0, load_leaf, lg, err);
        (void)st_rollback(lg->ctx.db, NULL);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (rc == 0) {
        sx_err_clear(&ignored);
        if (st_ledger_checkpoint_latest(lg->ctx.db, lg->ctx.arena, &cp, &ignored) == 0)
            lg->last_cp_size = cp.tree_size;
        clock_gettime(CLOCK_MONOTONIC, &lg->last_cp);
        sx_arena_reset(&lg->ctx.own_arena);
        if (pthread_create(&lg->thread, NULL, ledger_main, lg) != 0)
            rc = SX_FAIL(err, SX_E_IO, "thread-failed", "无法启动账本线程", NULL, NULL, "ledger");
        else
            lg->thread_started = 1;
    }
    if (rc != 0) {
        app_ledger_close(lg);
        return rc;
    }
    sx_log(SX_LOG_INFO, "ledger", "ledger open: %" PRIu64 " leaves loaded in %.2f s, key %.16s",
           lg_tree_size(lg->tree), (double)ms_between(&t0, &t1) / 1000.0, lg->key_id);
    *out = lg;
    return 0;
}

void app_ledger_close(struct app_ledger *lg)
{
    if (lg == NULL)
        return;
    if (lg->thread_started) {
        pthread_mutex_lock(&lg->stop_mu);
        lg->stopping = 1;
        pthread_cond_signal(&lg->stop_cv);
        pthread_mutex_unlock(&lg->stop_mu);
        pthread_join(lg->thread, NULL);
    }
    if (lg->ctx.db != NULL || lg->ctx.arena != NULL)
        app_ctx_close(&lg->ctx);
    lg_tree_free(lg->tree);
    lg_sm3_free(lg->sm3);
    lg_sm2_key_free(lg->key);
    sx_buf_free(&lg->pub_pem);
    if (lg->inited) {
        pthread_cond_destroy(&lg->stop_cv);
        pthread_mutex_destroy(&lg->stop_mu);
        pthread_rwlock_destroy(&lg->tree_lock);
        pthread_mutex_destroy(&lg->seq_mu);
    }
    free(lg);
}

/* ---- proofs ---- */

static char (*hex_path(struct sx_arena *arena, uint8_t path[][LG_HASH_LEN],
                       size_t n))[LG_SM3_HEX_LEN + 1]
{
    char(*out)[LG_SM3_HEX_LEN + 1] = sx_arena_alloc(arena, (n + 1) * (LG_SM3_HEX_LEN + 1));
    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++)
        lg_hex_encode(path[i], LG_HASH_LEN, out[i]);
    return out;
}

static int not_in_tree_yet(struct sx_err *err, int64_t record_id)
{
    return SX_FAIL(err, SX_E_NOTFOUND, "ledger-leaf-missing", "该记录尚未进入全局账本", "DESIGN §5",
                   "record", "记录 %" PRId64 " 尚未排入全局 Merkle 账本，请稍后重试", record_id);
}

int app_ledger_inclusion(struct app_ledger *lg, struct app_ctx *ctx, int64_t record_id,
                         int64_t size, struct app_ledger_inclusion *out, struct sx_err *err)
{
    struct st_record rec;
    struct lg_hasher h = lg_hasher_sm3(NULL);
    uint8_t path[LG_MERKLE_PATH_MAX][LG_HASH_LEN], root[LG_HASH_LEN], leaf[LG_HASH_LEN];
    size_t count = 0;
    int64_t idx;
    int rc;
    memset(out, 0, sizeof(*out));
    rc = st_record_get(ctx->db, record_id, ctx->arena, &rec, err);
    if (rc == 0)
        rc = st_ledger_leaf_of_record(ctx->db, record_id, &idx, err);
    if (rc != 0)
        return rc;
    int from_cp = size == 0;
    if (size == 0) {
        struct st_ledger_checkpoint cp;
        rc = st_ledger_checkpoint_latest(ctx->db, ctx->arena, &cp, err);
        if (rc == 0 && cp.tree_size <= idx)
            rc = SX_E_NOTFOUND;
        if (rc == SX_E_NOTFOUND)
            return SX_FAIL(
                err, SX_E_NOTFOUND, "record-not-checkpointed", "该记录尚未包含在签名检查点中",
                "DESIGN §5", "record",
                "记录 %" PRId64 " 的叶子序号为 %" PRId64
                "，最新的签名检查点尚未覆盖它；请等待下一个检查点，或用 size 参数指定树大小",
                record_id, idx);
        if (rc != 0)
            return rc;
        size = cp.tree_size;
    }
    pthread_rwlock_rdlock(&lg->tree_lock);
    uint64_t n = lg_tree_size(lg->tree);
    if ((uint64_t)idx >= n || (from_cp && (uint64_t)size > n)) {
        /* another node or the CLI moved on; this node's next pass (within a second) catches up */
        rc = not_in_tree_yet(err, record_id);
    } else if (size <= idx || (uint64_t)size > n) {
        rc = SX_FAIL(err, SX_E_INVALID, "ledger-out-of-range", "账本范围无效", "RFC 6962 §2.1.1",
                     "size", "树大小须大于叶子序号 %" PRId64 " 且不超过当前的 %" PRIu64, idx, n);
    } else {
        memcpy(leaf, lg_tree_leaf(lg->tree, (uint64_t)idx), LG_HASH_LEN);
        rc = lg_tree_inclusion(lg->tree, &h, (uint64_t)idx, (uint64_t)size, path, &count, err);
        if (rc == 0)
            rc = lg_tree_root(lg->tree, &h, (uint64_t)size, root, err);
    }
    pthread_rwlock_unlock(&lg->tree_lock);
    if (rc != 0)
        return rc;
    out->record_id = record_id;
    out->leaf_index = idx;
    out->tree_size = size;
    snprintf(out->record_hash, sizeof(out->record_hash), "%s", rec.hash);
    lg_hex_encode(leaf, LG_HASH_LEN, out->leaf_hash);
    lg_hex_encode(root, LG_HASH_LEN, out->root);
    out->count = count;
    out->path = hex_path(ctx->arena, path, count);
    if (out->path == NULL)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "证明");
    return 0;
}

int app_ledger_consistency(struct app_ledger *lg, struct sx_arena *arena, int64_t first,
                           int64_t second, struct app_ledger_consistency *out, struct sx_err *err)
{
    struct lg_hasher h = lg_hasher_sm3(NULL);
    uint8_t path[LG_MERKLE_PATH_MAX][LG_HASH_LEN], r1[LG_HASH_LEN], r2[LG_HASH_LEN];
    size_t count = 0;
    int rc;
    memset(out, 0, sizeof(*out));
    if (first < 1 || second < first)
        return SX_FAIL(err, SX_E_INVALID, "ledger-out-of-range", "账本范围无效", "RFC 6962 §2.1.2",
                       "first", "须满足 1 ≤ first ≤ second");
    pthread_rwlock_rdlock(&lg->tree_lock);
    rc = lg_tree_consistency(lg->tree, &h, (uint64_t)first, (uint64_t)second, path, &count, err);
    if (rc == 0)
        rc = lg_tree_root(lg->tree, &h, (uint64_t)first, r1, err);
    if (rc == 0)
        rc = lg_tree_root(lg->tree, &h, (uint64_t)second, r2, err);
    pthread_rwlock_unlock(&lg->tree_lock);
    if (rc != 0)
        return rc;
    out->first = first;
    out->second = second;
    lg_hex_encode(r1, LG_HASH_LEN, out->root1);
    lg_hex_encode(r2, LG_HASH_LEN, out->root2);
    out->count = count;
    out->path = hex_path(arena, path, count);
    if (out->path == NULL)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "证明");
    return 0;
}

/* ---- verify ---- */

/*
 * Verify's state: the compact range of the leaves read so far, and the checkpoints read page by
 * page in size order beside them (one page in memory at a time: a checkpoint a minute is half a
 * million a year).
 */
struct vstate {
    struct st_db *db;
    struct lg_compact c;
    struct lg_hasher h;
    struct sx_arena cpa; /* the current page of checkpoints */
    struct st_ledger_checkpoint *page;
    size_t n, at;    /* page[at..n) not checked yet */
    int more;        /* pages after this one */
    int64_t checked; /* checkpoints checked */
    const char *key_path;
    struct lg_sm2_key *key; /* loaded at the first checkpoint */
    char key_id[LG_SM3_HEX_LEN + 1];
};

/* The next checkpoint not yet checked, or NULL when none is left. */
static int next_checkpoint(struct vstate *v, const struct st_ledger_checkpoint **out,
                           struct sx_err *err)
{
    *out = NULL;
    if (v->at == v->n && v->more) {
        int64_t after = v->n > 0 ? v->page[v->n - 1].tree_size : 0;
        sx_arena_reset(&v->cpa);
        v->at = v->n = 0;
        int rc = st_ledger_checkpoint_list(v->db, after, ST_LIST_MAX, &v->cpa, &v->page, &v->n,
                                           &v->more, err);
        if (rc != 0)
            return rc;
    }
    if (v->at < v->n)
        *out = &v->page[v->at];
    return 0;
}

static int check_checkpoints(struct vstate *v, struct sx_err *err)
{
    for (;;) {
        const struct st_ledger_checkpoint *cp;
        uint8_t root[LG_HASH_LEN];
        char hex[LG_SM3_HEX_LEN + 1];
        int rc = next_checkpoint(v, &cp, err);
        if (rc != 0)
            return rc;
        if (cp == NULL || cp->tree_size != (int64_t)v->c.size)
            return 0;
        if (v->key == NULL) {
            rc = app_ledger_key_load(v->key_path, 0, &v->key, NULL, err);
            if (rc == 0)
                rc = lg_checkpoint_key_id(v->key, v->key_id, err);
            if (rc != 0)
                return rc;
        }
        rc = lg_compact_root(&v->c, &v->h, root, err);
        if (rc != 0)
            return rc;
        lg_hex_encode(root, LG_HASH_LEN, hex);
        if (cp->root == NULL || strcmp(hex, cp->root) != 0)
            return SX_FAIL(err, SX_E_TAMPER, "checkpoint-root-mismatch",
                           "签名检查点的根哈希与账本叶子不符", "DESIGN §5", "root",
                           "树大小 %" PRId64
                           " 的检查点记载的根哈希 %.16s… 与由叶子重算的 %.16s… 不同",
                           cp->tree_size, cp->root != NULL ? cp->root : "", hex);
        if (cp->key_id == NULL || strcmp(cp->key_id, v->key_id) != 0)
            return SX_FAIL(err, SX_E_TAMPER, "checkpoint-key-mismatch",
                           "签名检查点不是由本实例的密钥签署", "DESIGN §5", "key_id",
                           "树大小 %" PRId64 " 的检查点记载的密钥 %.16s… 不是本实例的密钥 %.16s…",
                           cp->tree_size, cp->key_id != NULL ? cp->key_id : "", v->key_id);
        rc = lg_checkpoint_verify(v->key, cp->tree_size, cp->root, cp->made_at, cp->signature, err);
        if (rc != 0)
            return rc;
        v->at++;
        v->checked++;
    }
}

static int verify_leaf(void *p, const struct st_ledger_leaf *l, struct sx_err *err)
{
    struct vstate *v = p;
    uint8_t rh[LG_SM3_LEN], leaf[LG_HASH_LEN];
    char hex[LG_SM3_HEX_LEN + 1];
    int rc;
    if (l->idx != (int64_t)v->c.size)
        return bad_leaf(err, "ledger-leaf-missing", "全局账本缺少叶子", (int64_t)v->c.size,
                        "此序号的叶子不存在，下一个为", l->idx);
    if (l->record_hash == NULL)
        return bad_leaf(err, "ledger-leaf-tampered", "全局账本叶子被篡改", l->idx,
                        "叶子指向不存在的记录", l->record_id);
    if (lg_hex_decode(l->record_hash, strlen(l->record_hash), rh, LG_SM3_LEN, NULL) != 0)
        return bad_leaf(err, "ledger-leaf-tampered", "全局账本叶子被篡改", l->idx,
                        "记录哈希不是十六进制，记录", l->record_id);
    rc = lg_merkle_leaf_hash(&v->h, rh, LG_SM3_LEN, leaf, err);
    if (rc != 0)
        return rc;
    lg_hex_encode(leaf, LG_HASH_LEN, hex);
    if (strcmp(hex, l->leaf_hash) != 0)
        return bad_leaf(err, "ledger-leaf-tampered", "全局账本叶子被篡改", l->idx,
                        "叶子哈希与记录的哈希不符，记录", l->record_id);
    rc = lg_compact_push(&v->c, &v->h, leaf, err);
    if (rc == 0)
        rc = check_checkpoints(v, err);
    return rc;
}

int app_ledger_verify(struct app_ctx *ctx, const char *key_path,
                      struct app_ledger_verify_stats *stats, struct sx_err *err)
{
    struct vstate v;
    struct lg_sm3 *sm3 = NULL;
    struct sx_arena a;
    const struct st_ledger_checkpoint *cp = NULL;
    int rc;
    memset(&v, 0, sizeof(v));
    memset(stats, 0, sizeof(*stats));
    sx_arena_init(&a, 1 << 20);
    sx_arena_init(&v.cpa, 1 << 18);
    lg_compact_init(&v.c);
    v.db = ctx->db;
    v.more = 1;
    v.key_path = key_path;
    rc = lg_sm3_new(&sm3, err);
    if (rc != 0)
        goto cleanup;
    v.h = lg_hasher_sm3(sm3);
    rc = st_begin_read(ctx->db, err);
    if (rc == 0)
        rc = check_checkpoints(&v, err); /* a checkpoint of size 0 cannot exist; reads page 1 */
    if (rc == 0)
        rc = st_ledger_leaf_scan(ctx->db, 0, verify_leaf, &v, err);
    if (rc == 0)
        rc = next_checkpoint(&v, &cp, err);
    if (rc == 0 && cp != NULL)
        rc = SX_FAIL(err, SX_E_TAMPER, "ledger-leaf-missing", "全局账本缺少叶子", "DESIGN §5",
                     "ledger_leaves",
                     "签名检查点记载树大小为 %" PRId64 "，但账本只有 %" PRIu64 " 个叶子",
                     cp->tree_size, v.c.size);
    /* records still waiting for the sequencer: information, not an error */
    for (int64_t w = 0; rc == 0;) {
        struct st_ledger_pending *p = NULL;
        size_t n = 0;
        sx_arena_reset(&a);
        rc = st_ledger_pending(ctx->db, w, PENDING_BATCH, &a, &p, &n, err);
        if (rc != 0)
            break;
        stats->unsequenced += (int64_t)n;
        if (n < PENDING_BATCH)
            break;
        w = p[n - 1].record_id;
    }
    /* hook: media files' SM3 hashes are checked here once the media feature lands */
    stats->leaves = (int64_t)v.c.size;
    stats->checkpoints = v.checked;
cleanup:
    (void)st_rollback(ctx->db, NULL);
    lg_sm2_key_free(v.key);
    lg_sm3_free(sm3);
    sx_arena_free(&v.cpa);
    sx_arena_free(&a);
    return rc;
}
