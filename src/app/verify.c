/* verify: walk every stored record through the ledger's chain walker. */
#include "verify.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ledger/chain.h"
#include "store/store.h"
#include "sx_buf.h"

struct head {
    int64_t id;
    int64_t count;
    char hash[ST_HASH_HEX_LEN + 1];
    int seen;
};

struct walk_state {
    struct app_ctx *ctx;
    struct lg_chain chain;
    struct lg_chain_walk walk;
    struct head *heads;
    size_t n_heads;
    size_t cap_heads;
    size_t cur;        /* index of the case being walked, n_heads when none */
    int64_t only_case; /* 0: all */
    struct app_verify_stats *stats;
};

static int collect_head(void *p, const struct st_case_head *c, struct sx_err *err)
{
    struct walk_state *w = p;
    if (w->only_case != 0 && c->id != w->only_case)
        return 0;
    if (w->n_heads == w->cap_heads) {
        size_t cap = w->cap_heads == 0 ? 1024 : w->cap_heads * 2;
        struct head *h = realloc(w->heads, cap * sizeof(*h));
        if (h == NULL)
            return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", NULL, NULL, "verify");
        w->heads = h;
        w->cap_heads = cap;
    }
    struct head *h = &w->heads[w->n_heads++];
    h->id = c->id;
    h->count = c->record_count;
    h->seen = 0;
    snprintf(h->hash, sizeof(h->hash), "%s", c->head_hash != NULL ? c->head_hash : "");
    return 0;
}

static int find_head(const struct walk_state *w, int64_t case_id, size_t *at)
{
    size_t lo = 0;
    size_t hi = w->n_heads;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (w->heads[mid].id < case_id)
            lo = mid + 1;
        else
            hi = mid;
    }
    *at = lo;
    return lo < w->n_heads && w->heads[lo].id == case_id;
}

static int finish_current(struct walk_state *w, struct sx_err *err)
{
    if (w->cur == w->n_heads)
        return 0;
    struct head *h = &w->heads[w->cur];
    h->seen = 1;
    w->stats->cases++;
    w->cur = w->n_heads;
    return lg_chain_walk_finish(&w->walk, h->hash, h->count, err);
}

static int visit_record(void *p, const struct st_record *rec, struct sx_err *err)
{
    struct walk_state *w = p;
    int rc;
    if (w->only_case != 0 && rec->case_id != w->only_case)
        return 0;
    if (w->cur == w->n_heads || w->heads[w->cur].id != rec->case_id) {
        size_t at;
        rc = finish_current(w, err);
        if (rc != 0)
            return rc;
        if (!find_head(w, rec->case_id, &at)) {
            w->walk.case_id = 0; /* no case to name beside the message */
            return SX_FAIL(err, SX_E_TAMPER, "record-tampered", "记录与案件不符",
                           "云南 附件2 第二十条 (YN-2-20)", "case_id",
                           "记录 id %lld 属于不存在的案件 %lld", (long long)rec->id,
                           (long long)rec->case_id);
        }
        w->cur = at;
        lg_chain_walk_init(&w->walk, &w->chain, rec->case_id);
    }
    struct lg_record lr = {
        .id = rec->id,
        .case_id = rec->case_id,
        .seq = rec->seq,
        .actor_id = rec->actor_id,
        .corrects = rec->corrects,
        .type = rec->type,
        .at = rec->at,
        .body = rec->body,
        .prev_hash_hex = rec->prev_hash,
        .hash_hex = rec->hash,
        .action = rec->action,
        .recorded_at = rec->recorded_at,
    };
    rc = lg_chain_walk_step(&w->walk, &lr, err);
    if (rc == 0) {
        w->stats->records++;
        /* the step left this record's envelope in the chain's buffer */
        w->stats->bytes_hashed += LG_SM3_LEN + w->chain.env.len;
    }
    return rc;
}

/* A case whose records were all deleted was never visited: its head must say so. */
static int check_unvisited(struct walk_state *w, struct sx_err *err)
{
    for (size_t i = 0; i < w->n_heads; i++) {
        struct head *h = &w->heads[i];
        if (h->seen)
            continue;
        w->stats->cases++;
        lg_chain_walk_init(&w->walk, &w->chain, h->id);
        int rc = lg_chain_walk_finish(&w->walk, h->hash, h->count, err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* Put the case number beside the id in a tamper message, for people. */
static void name_case(struct app_ctx *ctx, int64_t case_id, struct sx_err *err)
{
    struct st_case c;
    struct sx_err ignored;
    struct sx_buf detail;
    if (case_id == 0 || st_case_get(ctx->db, case_id, ctx->arena, &c, &ignored) != 0 ||
        c.number == NULL)
        return;
    /* keep the original detail if the number does not fit */
    sx_buf_init(&detail, sizeof(err->detail) - 1);
    if (sx_buf_printf(&detail, "%s（案件编号 %s）", err->detail, c.number) == 0)
        memcpy(err->detail, detail.data, detail.len + 1);
    sx_buf_free(&detail);
}

static int verify(struct app_ctx *ctx, int64_t only_case, struct app_verify_stats *stats,
                  struct sx_err *err)
{
    struct walk_state w;
    struct timespec t0, t1;
    int rc;
    memset(&w, 0, sizeof(w));
    memset(stats, 0, sizeof(*stats));
    w.ctx = ctx;
    w.stats = stats;
    w.only_case = only_case;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rc = lg_chain_open(&w.chain, err);
    if (rc != 0)
        return rc;
    rc = st_begin_read(ctx->db, err);
    if (rc == 0 && only_case != 0) {
        /* one case: read just its head and records */
        struct st_case c;
        struct st_record *recs = NULL;
        size_t n = 0;
        rc = st_case_get(ctx->db, only_case, ctx->arena, &c, err);
        if (rc == 0) {
            struct st_case_head h = {c.id, c.head_hash, c.record_count};
            rc = collect_head(&w, &h, err);
        }
        w.cur = w.n_heads;
        if (rc == 0)
            rc = st_record_list(ctx->db, only_case, ctx->arena, &recs, &n, err);
        for (size_t i = 0; rc == 0 && i < n; i++)
            rc = visit_record(&w, &recs[i], err);
    } else if (rc == 0) {
        rc = st_case_iter(ctx->db, collect_head, &w, err);
        w.cur = w.n_heads;
        if (rc == 0)
            rc = st_record_iter(ctx->db, visit_record, &w, err);
    }
    if (rc == 0)
        rc = finish_current(&w, err);
    if (rc == 0)
        rc = check_unvisited(&w, err);
    if (rc == SX_E_TAMPER)
        name_case(ctx, w.walk.case_id, err);
    (void)st_rollback(ctx->db, NULL);
    lg_chain_close(&w.chain);
    free(w.heads);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    stats->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    return rc;
}

int app_verify_all(struct app_ctx *ctx, struct app_verify_stats *stats, struct sx_err *err)
{
    return verify(ctx, 0, stats, err);
}

int app_verify_case(struct app_ctx *ctx, int64_t case_id, struct app_verify_stats *stats,
                    struct sx_err *err)
{
    return verify(ctx, case_id, stats, err);
}
