/*
 * Group commit (src/app/writer.c): jobs from many threads are committed in
 * groups, a job refused before writing or failing after it is undone alone (the
 * optimistic group without savepoints, or its rerun with them), every acknowledged
 * record is in the database and the case's chain stays intact.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "app/verify.h"
#include "app/writer.h"
#include "store/store.h"

#define THREADS 8
#define PER_THREAD 40

struct job {
    struct app_job base; /* first */
    struct sx_arena arena;
    int64_t case_id;
    int fail; /* 1: fails after writing (the group is rerun with savepoints and this one is
                 undone alone); 2: refused before writing (the group goes on without a rerun) */
    int done;
    pthread_mutex_t *lock;
    pthread_cond_t *cond;
};

static int run_job(struct app_ctx *ctx, struct app_job *base, struct sx_err *err)
{
    struct job *j = (struct job *)base;
    struct st_record_new in = {.case_id = j->case_id,
                               .type = "note",
                               .action = "note",
                               .at = "2026-11-02T03:00:00Z",
                               .recorded_at = "2026-11-02T03:00:00Z",
                               .actor_id = 1,
                               .body = j->fail ? "{\"title\":\"undone\"}" : "{\"title\":\"kept\"}"};
    int rc;
    if (j->fail == 2)
        return SX_FAIL(err, SX_E_GATE, "test-refusal", "测试拒绝", NULL, NULL, "planned");
    rc = st_record_append(ctx->db, &in, ctx->arena, NULL, err);
    if (rc == 0 && j->fail)
        rc = SX_FAIL(err, SX_E_INVALID, "test-failure", "测试失败", NULL, NULL, "planned");
    return rc;
}

static void job_done(struct app_job *base)
{
    struct job *j = (struct job *)base;
    pthread_mutex_lock(j->lock);
    j->done = 1;
    pthread_cond_broadcast(j->cond);
    pthread_mutex_unlock(j->lock);
}

struct fixture {
    char dir[64];
    char db[128];
    struct app *app;
    struct app_ctx ctx;
    int64_t case_id;
};

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof(*fx));
    struct sx_err err;
    const char *root = getenv("SANXIANG_ROOT");
    int64_t org = 0;
    int64_t user = 0;
    snprintf(fx->dir, sizeof(fx->dir), "/tmp/sx-writer-XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    snprintf(fx->db, sizeof(fx->db), "%s/w.db", fx->dir);
    sx_err_clear(&err);
    assert_int_equal(app_open(root != NULL ? root : ".", &fx->app, &err), 0);
    assert_int_equal(app_ctx_open(fx->app, fx->db, &fx->ctx, &err), 0);
    assert_int_equal(st_migrate(fx->ctx.db, NULL, &err), 0);
    assert_int_equal(st_begin(fx->ctx.db, &err), 0);
    struct st_org o = {.code = "T",
                       .name = "测试局",
                       .short_name = "测",
                       .level = "province",
                       .created_at = "2026-11-01T00:00:00Z"};
    assert_int_equal(st_org_insert(fx->ctx.db, &o, &org, &err), 0);
    struct st_user u = {.org_id = org,
                        .username = "u",
                        .display_name = "用户",
                        .password_hash = "x",
                        .roles = "officer",
                        .created_at = "2026-11-01T00:00:00Z"};
    assert_int_equal(st_user_insert(fx->ctx.db, &u, &user, &err), 0);
    struct st_case c = {.org_id = org,
                        .kind = "penalty",
                        .state = "clue",
                        .created_at = "2026-11-01T00:00:00Z",
                        .created_by = user};
    assert_int_equal(st_case_insert(fx->ctx.db, &c, &fx->case_id, &err), 0);
    assert_int_equal(st_commit(fx->ctx.db, &err), 0);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    char cmd[200];
    app_ctx_close(&fx->ctx);
    app_close(fx->app);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", fx->dir);
    if (system(cmd) != 0)
        return -1;
    free(fx);
    return 0;
}

struct submitter {
    struct app_writer *w;
    struct job *jobs;
    int n;
};

static void *submit_all(void *arg)
{
    struct submitter *s = arg;
    for (int i = 0; i < s->n; i++)
        app_writer_submit(s->w, &s->jobs[i].base);
    return NULL;
}

static void test_groups_commit_and_failures_are_undone_alone(void **state)
{
    struct fixture *fx = *state;
    struct app_writer *w = NULL;
    struct sx_err err;
    static struct job jobs[THREADS * PER_THREAD];
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
    pthread_t threads[THREADS];
    struct submitter subs[THREADS];
    int failing = 0;
    sx_err_clear(&err);
    assert_int_equal(app_writer_start(fx->app, fx->db, &w, &err), 0);
    for (int i = 0; i < THREADS * PER_THREAD; i++) {
        memset(&jobs[i], 0, sizeof(jobs[i]));
        sx_arena_init(&jobs[i].arena, 1024);
        jobs[i].base.run = run_job;
        jobs[i].base.done = job_done;
        jobs[i].base.arena = &jobs[i].arena;
        jobs[i].case_id = fx->case_id;
        jobs[i].fail = i % 17 == 5 ? 1 : i % 13 == 7 ? 2 : 0;
        failing += jobs[i].fail != 0;
        jobs[i].lock = &lock;
        jobs[i].cond = &cond;
    }
    for (int t = 0; t < THREADS; t++) {
        subs[t] = (struct submitter){w, &jobs[t * PER_THREAD], PER_THREAD};
        assert_int_equal(pthread_create(&threads[t], NULL, submit_all, &subs[t]), 0);
    }
    for (int t = 0; t < THREADS; t++)
        pthread_join(threads[t], NULL);
    pthread_mutex_lock(&lock);
    for (int i = 0; i < THREADS * PER_THREAD; i++) {
        while (!jobs[i].done)
            pthread_cond_wait(&cond, &lock);
    }
    pthread_mutex_unlock(&lock);
    uint64_t groups = 0, njobs = 0;
    app_writer_stats(w, &groups, &njobs);
    app_writer_stop(w);

    int ok = 0;
    for (int i = 0; i < THREADS * PER_THREAD; i++) {
        if (jobs[i].fail)
            assert_int_equal(jobs[i].base.rc, jobs[i].fail == 1 ? SX_E_INVALID : SX_E_GATE);
        else
            assert_int_equal(jobs[i].base.rc, 0);
        ok += jobs[i].base.rc == 0;
        sx_arena_free(&jobs[i].arena);
    }
    assert_int_equal(njobs, THREADS * PER_THREAD);
    /* grouping happened: fewer commits than jobs */
    assert_true(groups < njobs);

    struct st_record *recs = NULL;
    size_t n = 0;
    assert_int_equal(st_record_list(fx->ctx.db, fx->case_id, fx->ctx.arena, &recs, &n, &err), 0);
    assert_int_equal((int)n, ok);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(recs[i].body, "{\"title\":\"kept\"}");
    struct app_verify_stats stats;
    assert_int_equal(app_verify_all(&fx->ctx, &stats, &err), 0);
    assert_int_equal(stats.records, ok);
    assert_true(failing > 0);
}

static void test_submit_after_stop_fails_cleanly(void **state)
{
    struct fixture *fx = *state;
    struct app_writer *w = NULL;
    struct sx_err err;
    struct job j;
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
    sx_err_clear(&err);
    assert_int_equal(app_writer_start(fx->app, fx->db, &w, &err), 0);
    memset(&j, 0, sizeof(j));
    sx_arena_init(&j.arena, 1024);
    j.base.run = run_job;
    j.base.done = job_done;
    j.base.arena = &j.arena;
    j.case_id = 999999; /* no such case: the job fails, the writer goes on */
    j.lock = &lock;
    j.cond = &cond;
    app_writer_submit(w, &j.base);
    pthread_mutex_lock(&lock);
    while (!j.done)
        pthread_cond_wait(&cond, &lock);
    pthread_mutex_unlock(&lock);
    assert_int_equal(j.base.rc, SX_E_NOTFOUND);
    app_writer_stop(w);
    sx_arena_free(&j.arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_groups_commit_and_failures_are_undone_alone, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_submit_after_stop_fails_cleanly, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
