/*
 * writer: group commit. One writer thread per process owns a database
 * connection; request threads hand it write jobs. It takes every job that is
 * waiting, runs each inside one transaction under its own savepoint (a
 * failing job is undone alone), commits once — one fsync for the whole group
 * — and then reports each job's outcome through its done callback. So every
 * acknowledged record is durable, and the commit cost is shared.
 *
 * Threading: app_writer_submit may be called from any thread; run and done
 * are called on a writer thread. On PostgreSQL there are several writers,
 * each with its own connection; jobs with the same shard_key (a case) always
 * go to the same one, so one case's steps keep their order. A job's memory (and its arena) must stay
 * valid until done has been called; done may free it.
 */
#ifndef APP_WRITER_H
#define APP_WRITER_H

#include "app.h"

/* Most jobs in one transaction: bounds latency and the transaction's size. */
#define APP_WRITER_MAX_BATCH 256
/*
 * Writer threads (connections) on PostgreSQL: one per CPU, at least 2 (one works while the
 * other waits for its commit's flush), at most APP_WRITER_MAX_SHARDS. More shards than CPUs
 * made smaller groups and more round trips for the same CPUs (docs/benchmarks.md). SQLite has
 * one write lock, so one writer.
 */
#define APP_WRITER_MAX_SHARDS 8

struct app_writer;

struct app_job {
    /*
     * The write itself, inside the writer's open transaction: use ctx->db
     * (the writer's connection) and ctx->arena (== job->arena). Must not
     * begin, commit or roll back. Returns 0 or SX_E_* with err filled.
     */
    int (*run)(struct app_ctx *ctx, struct app_job *job, struct sx_err *err);
    /* Called once after the commit (or the failure): job->rc and job->err are final. */
    void (*done)(struct app_job *job);
    struct sx_arena *arena; /* where run allocates what done reads */
    int64_t shard_key;      /* jobs with the same key run in order on one writer (the case id) */
    int rc;
    struct sx_err err;
    struct app_job *next; /* private */
};

/* Open the writer's own connection to db_url and start its thread. */
int app_writer_start(const struct app *app, const char *db_url, struct app_writer **out,
                     struct sx_err *err) SX_WUR;

/* Queue a job; returns at once. After app_writer_stop began, the job fails (SX_E_DB, 503). */
void app_writer_submit(struct app_writer *w, struct app_job *job);

/* Finish every queued job, stop the thread, close the connection, free w. */
void app_writer_stop(struct app_writer *w);

/* Groups committed and jobs run so far (for /metrics and benchmarks). */
void app_writer_stats(struct app_writer *w, uint64_t *groups, uint64_t *jobs);

#endif
