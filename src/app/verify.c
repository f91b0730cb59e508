/*
 * verify: walk every stored record through the ledger's chain walker, range
 * of cases by range, on as many threads as there are CPUs (see verify.h).
 */
#include "verify.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ledger/chain.h"
#include "store/store.h"
#include "sx_buf.h"
#include "sx_log.h"

/*
 * Ranges per thread: enough that a thread slowed by something else on the
 * machine leaves its later ranges to the others, few enough that the two
 * queries each range costs stay invisible.
 */
#define CHUNKS_PER_THREAD 8

/* A case head as the walk needs it. */
struct head {
    int64_t id;
    int64_t count;
    /* one char more than a hash, so that a longer stored value stays longer (and fails) */
    char hash[ST_HASH_HEX_LEN + 2];
};

/* One range of case ids and what verifying it gave. */
struct chunk {
    int64_t first; /* case ids, inclusive */
    int64_t last;
    int rc;
    struct sx_err err;
    int64_t bad_case; /* the case a tamper message is about, 0 = none to name */
    int64_t cases;
    int64_t records;
    uint64_t bytes;
};

/* One thread's walking state, reused from chunk to chunk. */
struct walker {
    struct lg_chain chain;
    struct lg_chain_walk walk;
    struct head *heads; /* the current chunk's heads in id order */
    size_t n_heads;
    size_t cap_heads;
    size_t next; /* heads[next..] not reached yet */
    int in_case; /* walking heads[next - 1] */
    struct chunk *ck;
};

/* The chunks and who takes which; shared by the threads under mu. */
struct pool {
    pthread_mutex_t mu;
    struct chunk *chunks;
    size_t n;
    size_t next;      /* the next chunk to hand out */
    size_t failed;    /* lowest chunk that failed, n when none */
    struct st_db *db; /* the caller's connection, for st_open_sibling */
};

static int collect_head(void *p, const struct st_case_head *c, struct sx_err *err)
{
    struct walker *w = p;
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
    snprintf(h->hash, sizeof(h->hash), "%s", c->head_hash != NULL ? c->head_hash : "");
    return 0;
}

/* Compare the case being walked with its head. */
static int leave_case(struct walker *w, struct sx_err *err)
{
    struct head *h;
    if (!w->in_case)
        return 0;
    h = &w->heads[w->next - 1];
    w->in_case = 0;
    w->ck->cases++;
    return lg_chain_walk_finish(&w->walk, h->hash, h->count, err);
}

/*
 * Heads before case id `before` (all when all != 0) that no record reached:
 * a case whose records were all deleted must say it has none. Checked in id
 * order with the walked cases, so the first bad case is the lowest.
 */
static int pass_heads(struct walker *w, int64_t before, int all, struct sx_err *err)
{
    while (w->next < w->n_heads && (all || w->heads[w->next].id < before)) {
        struct head *h = &w->heads[w->next++];
        w->ck->cases++;
        lg_chain_walk_init(&w->walk, &w->chain, h->id);
        int rc = lg_chain_walk_finish(&w->walk, h->hash, h->count, err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int visit_record(void *p, const struct st_record *rec, struct sx_err *err)
{
    struct walker *w = p;
    int rc;
    if (!w->in_case || w->walk.case_id != rec->case_id) {
        rc = leave_case(w, err);
        if (rc == 0)
            rc = pass_heads(w, rec->case_id, 0, err);
        if (rc != 0)
            return rc;
        if (w->next == w->n_heads || w->heads[w->next].id != rec->case_id) {
            w->walk.case_id = 0; /* no case to name beside the message */
            return SX_FAIL(err, SX_E_TAMPER, "record-tampered", "记录与案件不符",
                           "云南 附件2 第二十条 (YN-2-20)", "case_id",
                           "记录 id %lld 属于不存在的案件 %lld", (long long)rec->id,
                           (long long)rec->case_id);
        }
        w->next++;
        w->in_case = 1;
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
        w->ck->records++;
        /* the step left this record's envelope in the chain's buffer */
        w->ck->bytes += LG_SM3_LEN + w->chain.env.len;
    }
    return rc;
}

/* Verify one chunk on db (inside a read transaction) into ck. */
static void walk_chunk(struct st_db *db, struct walker *w, struct chunk *ck)
{
    int rc;
    w->ck = ck;
    w->n_heads = 0;
    w->next = 0;
    w->in_case = 0;
    w->walk.case_id = 0;
    sx_err_clear(&ck->err);
    rc = st_case_scan(db, ck->first, ck->last, collect_head, w, &ck->err);
    if (rc == 0)
        rc = st_record_scan(db, ck->first, ck->last, visit_record, w, &ck->err);
    if (rc == 0)
        rc = leave_case(w, &ck->err);
    if (rc == 0)
        rc = pass_heads(w, 0, 1, &ck->err);
    ck->rc = rc;
    ck->bad_case = rc == SX_E_TAMPER ? w->walk.case_id : 0;
}

/* Take and verify chunks in order until none is left or a lower one failed. */
static void run_chunks(struct pool *pool, struct st_db *db, struct walker *w)
{
    for (;;) {
        size_t i;
        pthread_mutex_lock(&pool->mu);
        /* chunks past a failed one cannot change the report: leave them */
        if (pool->next >= pool->n || pool->next > pool->failed) {
            pthread_mutex_unlock(&pool->mu);
            return;
        }
        i = pool->next++;
        pthread_mutex_unlock(&pool->mu);
        walk_chunk(db, w, &pool->chunks[i]);
        if (pool->chunks[i].rc != 0) {
            pthread_mutex_lock(&pool->mu);
            if (i < pool->failed)
                pool->failed = i;
            pthread_mutex_unlock(&pool->mu);
        }
    }
}

/* A worker thread: its own connection and snapshot, then chunks until done. */
struct worker {
    pthread_t tid;
    struct pool *pool;
    int took_part; /* its connection opened and it ran */
};

static void *worker_main(void *arg)
{
    struct worker *wk = arg;
    struct walker w;
    struct st_db *db = NULL;
    struct sx_err err;
    memset(&w, 0, sizeof(w));
    /* a connection that cannot be had leaves this thread's share to the others */
    if (st_open_sibling(wk->pool->db, &db, &err) != 0 || st_begin_read(db, &err) != 0 ||
        lg_chain_open(&w.chain, &err) != 0) {
        sx_log(SX_LOG_WARN, "verify",
               "a worker thread could not start (%s: %s); the others take its share", err.type,
               err.title);
        goto cleanup;
    }
    wk->took_part = 1;
    run_chunks(wk->pool, db, &w);
cleanup:
    if (db != NULL)
        (void)st_rollback(db, NULL);
    st_close(db);
    lg_chain_close(&w.chain);
    free(w.heads);
    return NULL;
}

/* Case ids and weights (records + 1) read to cut the ranges. */
struct weights {
    int64_t *id;
    int64_t *weight;
    size_t n;
    size_t cap;
    int64_t total;
};

static int collect_weight(void *p, const struct st_case_head *c, struct sx_err *err)
{
    struct weights *ws = p;
    /* a tampered count only skews the balance; keep it sane for the sums */
    int64_t wt = 1 + (c->record_count < 0             ? 0
                      : c->record_count > (1LL << 40) ? (1LL << 40)
                                                      : c->record_count);
    if (ws->n == ws->cap) {
        size_t cap = ws->cap == 0 ? 1024 : ws->cap * 2;
        int64_t *id = realloc(ws->id, cap * sizeof(*id));
        if (id != NULL)
            ws->id = id;
        int64_t *weight = id == NULL ? NULL : realloc(ws->weight, cap * sizeof(*weight));
        if (weight == NULL)
            return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", NULL, NULL, "verify");
        ws->weight = weight;
        ws->cap = cap;
    }
    ws->id[ws->n] = c->id;
    ws->weight[ws->n++] = wt;
    ws->total += wt;
    return 0;
}

/*
 * Cut the id space into about want ranges of similar record counts, each
 * ending at a case id, the first starting at INT64_MIN and the last ending at
 * INT64_MAX so that every record (of a case or not) is in exactly one.
 * *out (free it) gets *n chunks.
 */
static int make_chunks(struct st_db *db, size_t want, struct chunk **out, size_t *n,
                       struct sx_err *err)
{
    struct weights ws;
    struct chunk *ck = NULL;
    size_t k = 0;
    int rc;
    memset(&ws, 0, sizeof(ws));
    *out = NULL;
    *n = 0;
    rc = st_case_scan(db, INT64_MIN, INT64_MAX, collect_weight, &ws, err);
    if (rc != 0)
        goto cleanup;
    if (want > ws.n)
        want = ws.n;
    if (want < 1)
        want = 1;
    ck = calloc(want, sizeof(*ck));
    if (ck == NULL) {
        rc = SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", NULL, NULL, "verify");
        goto cleanup;
    }
    ck[0].first = INT64_MIN;
    int64_t acc = 0;
    for (size_t i = 0; i < ws.n && k + 1 < want; i++) {
        acc += ws.weight[i];
        /* close range k after this case once it holds its share of the weight */
        if ((double)acc >= (double)ws.total * (double)(k + 1) / (double)want &&
            ws.id[i] < INT64_MAX) {
            ck[k].last = ws.id[i];
            ck[++k].first = ws.id[i] + 1;
        }
    }
    ck[k].last = INT64_MAX;
    *out = ck;
    *n = k + 1;
    ck = NULL;
cleanup:
    free(ck);
    free(ws.id);
    free(ws.weight);
    return rc;
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

static int online_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > APP_VERIFY_THREADS_MAX ? APP_VERIFY_THREADS_MAX : (int)n;
}

/*
 * Verify case ids first..last (one case, on ctx->db alone) or, when all,
 * every case on up to threads threads.
 */
static int verify(struct app_ctx *ctx, int all, int64_t only_case, int threads,
                  struct app_verify_stats *stats, struct sx_err *err)
{
    struct pool pool;
    struct worker workers[APP_VERIFY_THREADS_MAX];
    struct walker w;
    struct chunk one;
    struct timespec t0, t1;
    int nworkers = 0;
    int rc;

    memset(&w, 0, sizeof(w));
    memset(&pool, 0, sizeof(pool));
    memset(stats, 0, sizeof(*stats));
    memset(&one, 0, sizeof(one));
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (pthread_mutex_init(&pool.mu, NULL) != 0)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", NULL, NULL, "verify");
    pool.db = ctx->db;
    rc = lg_chain_open(&w.chain, err);
    if (rc != 0)
        goto cleanup;
    rc = st_begin_read(ctx->db, err);
    if (rc != 0)
        goto cleanup;
    if (!all) {
        struct st_case c;
        rc = st_case_get(ctx->db, only_case, ctx->arena, &c, err);
        if (rc != 0)
            goto cleanup;
        one.first = one.last = only_case;
        pool.chunks = &one;
        pool.n = 1;
        threads = 1;
    } else if (threads == 1) {
        one.first = INT64_MIN;
        one.last = INT64_MAX;
        pool.chunks = &one;
        pool.n = 1;
    } else {
        rc = make_chunks(ctx->db, (size_t)threads * CHUNKS_PER_THREAD, &pool.chunks, &pool.n, err);
        if (rc != 0)
            goto cleanup;
        if (pool.n < (size_t)threads)
            threads = (int)pool.n;
    }
    pool.failed = pool.n;

    memset(workers, 0, sizeof(workers));
    for (int i = 0; i < threads - 1; i++) {
        workers[i].pool = &pool;
        if (pthread_create(&workers[i].tid, NULL, worker_main, &workers[i]) != 0)
            break; /* the threads there are share the work */
        nworkers++;
    }
    run_chunks(&pool, ctx->db, &w);
    stats->threads = 1;
    for (int i = 0; i < nworkers; i++) {
        pthread_join(workers[i].tid, NULL);
        stats->threads += workers[i].took_part;
    }

    for (size_t i = 0; i < pool.n; i++) {
        stats->cases += pool.chunks[i].cases;
        stats->records += pool.chunks[i].records;
        stats->bytes_hashed += pool.chunks[i].bytes;
    }
    if (pool.failed < pool.n) {
        const struct chunk *bad = &pool.chunks[pool.failed];
        rc = bad->rc;
        if (err != NULL)
            *err = bad->err;
        if (rc == SX_E_TAMPER && err != NULL)
            name_case(ctx, bad->bad_case, err);
    }
cleanup:
    (void)st_rollback(ctx->db, NULL);
    if (pool.chunks != &one)
        free(pool.chunks);
    lg_chain_close(&w.chain);
    free(w.heads);
    pthread_mutex_destroy(&pool.mu);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    stats->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    return rc;
}

int app_verify_all_threads(struct app_ctx *ctx, int threads, struct app_verify_stats *stats,
                           struct sx_err *err)
{
    if (threads <= 0)
        threads = online_cpus();
    if (threads > APP_VERIFY_THREADS_MAX)
        threads = APP_VERIFY_THREADS_MAX;
    return verify(ctx, 1, 0, threads, stats, err);
}

int app_verify_all(struct app_ctx *ctx, struct app_verify_stats *stats, struct sx_err *err)
{
    return app_verify_all_threads(ctx, 0, stats, err);
}

int app_verify_case(struct app_ctx *ctx, int64_t case_id, struct app_verify_stats *stats,
                    struct sx_err *err)
{
    return verify(ctx, 0, case_id, 1, stats, err);
}
