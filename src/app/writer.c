/* writer: one thread, one connection, one commit per group of jobs. */
#include "writer.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"
#include "sx_log.h"

/*
 * One writer thread with its own connection and queue. SQLite has one
 * shard (it has one write lock anyway); PostgreSQL several, each job going
 * to the shard of its case, so one case's steps stay in order on one
 * connection while different cases commit in parallel.
 */
struct shard {
    struct app_ctx ctx;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    struct app_job *head; /* FIFO */
    struct app_job *tail;
    int stopping;
    uint64_t groups;
    uint64_t jobs;
};

struct app_writer {
    size_t n;
    struct shard shards[APP_WRITER_MAX_SHARDS];
};

static struct app_job *take_batch(struct shard *w, int *stop)
{
    struct app_job *batch;
    struct app_job *last;
    int n = 1;
    pthread_mutex_lock(&w->lock);
    while (w->head == NULL && !w->stopping)
        pthread_cond_wait(&w->wake, &w->lock);
    batch = w->head;
    last = batch;
    while (last != NULL && last->next != NULL && n < APP_WRITER_MAX_BATCH) {
        last = last->next;
        n++;
    }
    if (last != NULL) {
        w->head = last->next;
        if (w->head == NULL)
            w->tail = NULL;
        last->next = NULL;
    }
    *stop = w->stopping && batch == NULL;
    pthread_mutex_unlock(&w->lock);
    return batch;
}

static void fail_all(struct app_job *batch, const struct sx_err *err)
{
    for (struct app_job *j = batch; j != NULL; j = j->next) {
        if (j->rc == 0) {
            j->rc = err->code != 0 ? err->code : SX_E_DB;
            j->err = *err;
        }
    }
}

/* Begin, retrying while another connection holds SQLite's write lock. */
static int begin_group(struct shard *w, struct sx_err *err)
{
    int rc = SX_E_DB;
    for (int attempt = 0; attempt < 5; attempt++) {
        sx_err_clear(err);
        rc = st_begin(w->ctx.db, err);
        if (rc == 0)
            return 0;
        (void)st_rollback(w->ctx.db, NULL);
    }
    return rc;
}

/*
 * Run a batch in one transaction. Careful: each job of a multi-job batch under its own
 * savepoint, so a refused job is undone alone. Optimistic (the default for a batch): no
 * savepoints — two round trips fewer per job on PostgreSQL — which holds as long as a job
 * that fails wrote nothing (its checks come before its writes) and no statement failed;
 * otherwise the transaction is dropped and the batch is run again carefully.
 * Returns 0 when the group is settled, 1 when it failed as a whole (retry), 2 for "again,
 * carefully".
 */
static int run_group(struct shard *w, struct app_job *batch, bool careful)
{
    struct sx_err err;
    int rc;
    sx_err_clear(&err);
    rc = begin_group(w, &err);
    if (rc != 0) {
        fail_all(batch, &err);
        return 1;
    }
    /* a lone job needs no savepoint: if it fails, the transaction is its alone to undo */
    bool single = batch->next == NULL;
    bool savepoints = careful && !single;
    for (struct app_job *j = batch; j != NULL; j = j->next) {
        uint64_t writes = st_writes(w->ctx.db);
        sx_err_clear(&j->err);
        w->ctx.arena = j->arena;
        j->rc = savepoints ? st_savepoint(w->ctx.db, &j->err) : 0;
        if (j->rc == 0)
            j->rc = j->run(&w->ctx, j, &j->err);
        if (j->rc == 0) {
            if (savepoints)
                j->rc = st_release(w->ctx.db, &j->err);
        } else if (single) {
            w->ctx.arena = &w->ctx.own_arena;
            (void)st_rollback(w->ctx.db, NULL);
            return 0; /* the job's own refusal: nothing to retry */
        } else if (!savepoints) {
            if (st_writes(w->ctx.db) == writes && j->rc != SX_E_DB)
                continue; /* refused before writing: the transaction is as it was */
            w->ctx.arena = &w->ctx.own_arena;
            (void)st_rollback(w->ctx.db, NULL);
            return 2;
        } else {
            struct sx_err undo;
            sx_err_clear(&undo);
            if (st_rollback_to(w->ctx.db, &undo) != 0) {
                /* the transaction is unusable: everything in it fails */
                w->ctx.arena = &w->ctx.own_arena;
                (void)st_rollback(w->ctx.db, NULL);
                fail_all(batch, &undo);
                return 1;
            }
        }
    }
    w->ctx.arena = &w->ctx.own_arena;
    rc = st_commit(w->ctx.db, &err);
    if (rc != 0) {
        (void)st_rollback(w->ctx.db, NULL);
        fail_all(batch, &err);
        return 1;
    }
    return 0;
}

static void reset_jobs(struct app_job *batch)
{
    for (struct app_job *j = batch; j != NULL; j = j->next) {
        j->rc = 0;
        sx_err_clear(&j->err);
    }
}

/*
 * A batch whose optimistic run met a job that failed after writing runs again with savepoints;
 * a group that failed as a whole (a PostgreSQL deadlock between shards, a busy database) is
 * run once more, carefully.
 */
static void run_group_retrying(struct shard *w, struct app_job *batch)
{
    int first = run_group(w, batch, false);
    if (first == 0)
        return;
    reset_jobs(batch);
    if (run_group(w, batch, true) == 1 && first == 2) {
        reset_jobs(batch);
        (void)run_group(w, batch, true);
    }
}

static void *writer_main(void *arg)
{
    struct shard *w = arg;
    for (;;) {
        int stop = 0;
        struct app_job *batch = take_batch(w, &stop);
        if (stop)
            break;
        run_group_retrying(w, batch);
        uint64_t n = 0;
        for (struct app_job *j = batch; j != NULL; j = j->next)
            n++;
        /* count before done: a submitter woken by done may read the stats at once */
        pthread_mutex_lock(&w->lock);
        w->groups++;
        w->jobs += n;
        pthread_mutex_unlock(&w->lock);
        while (batch != NULL) {
            struct app_job *next = batch->next;
            batch->next = NULL;
            batch->done(batch); /* may free the job */
            batch = next;
        }
        sx_arena_reset(&w->ctx.own_arena);
    }
    return NULL;
}

static int shard_start(struct shard *w, const struct app *app, const char *db_url,
                       struct sx_err *err)
{
    int rc = app_ctx_open(app, db_url, &w->ctx, err);
    if (rc != 0) {
        app_ctx_close(&w->ctx);
        return rc;
    }
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->wake, NULL);
    if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
        pthread_cond_destroy(&w->wake);
        pthread_mutex_destroy(&w->lock);
        app_ctx_close(&w->ctx);
        return SX_FAIL(err, SX_E_IO, "thread-failed", "无法启动写入线程", NULL, NULL, "writer");
    }
    return 0;
}

static void shard_stop(struct shard *w)
{
    pthread_mutex_lock(&w->lock);
    w->stopping = 1;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->lock);
    app_ctx_close(&w->ctx);
}

int app_writer_start(const struct app *app, const char *db_url, struct app_writer **out,
                     struct sx_err *err)
{
    struct app_writer *w = calloc(1, sizeof(*w));
    size_t want = 1;
    int rc;
    if (w == NULL)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", NULL, NULL, "writer");
    rc = shard_start(&w->shards[0], app, db_url, err);
    if (rc != 0) {
        free(w);
        return rc;
    }
    w->n = 1;
    if (strcmp(st_backend(w->shards[0].ctx.db), "postgresql") == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        want = cpus < 2 ? 2 : cpus > APP_WRITER_MAX_SHARDS ? APP_WRITER_MAX_SHARDS : (size_t)cpus;
    }
    while (rc == 0 && w->n < want) {
        rc = shard_start(&w->shards[w->n], app, db_url, err);
        if (rc == 0)
            w->n++;
    }
    if (rc != 0) {
        app_writer_stop(w);
        return rc;
    }
    *out = w;
    return 0;
}

void app_writer_submit(struct app_writer *w, struct app_job *job)
{
    struct shard *sh = &w->shards[(uint64_t)job->shard_key % w->n];
    job->next = NULL;
    pthread_mutex_lock(&sh->lock);
    if (sh->stopping) {
        pthread_mutex_unlock(&sh->lock);
        job->rc = SX_FAIL(&job->err, SX_E_DB, "shutting-down", "服务正在停止，请稍后重试", NULL,
                          NULL, "写入线程已停止");
        job->err.status = 503;
        job->done(job);
        return;
    }
    if (sh->tail != NULL)
        sh->tail->next = job;
    else
        sh->head = job;
    sh->tail = job;
    pthread_cond_signal(&sh->wake);
    pthread_mutex_unlock(&sh->lock);
}

void app_writer_stop(struct app_writer *w)
{
    if (w == NULL)
        return;
    for (size_t i = 0; i < w->n; i++)
        shard_stop(&w->shards[i]);
    free(w);
}

void app_writer_stats(struct app_writer *w, uint64_t *groups, uint64_t *jobs)
{
    *groups = 0;
    *jobs = 0;
    for (size_t i = 0; i < w->n; i++) {
        pthread_mutex_lock(&w->shards[i].lock);
        *groups += w->shards[i].groups;
        *jobs += w->shards[i].jobs;
        pthread_mutex_unlock(&w->shards[i].lock);
    }
}
