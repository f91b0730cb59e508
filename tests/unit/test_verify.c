/*
 * verify (src/app/verify.c) in parallel: for every tampering below, 1, 2, 3
 * and 8 threads give the same answer (code, field, detail), and that answer
 * names the lowest bad case — as one thread walking every case in id order
 * would (records are never edited or deleted: 云南 附件2 第二十条 (YN-2-20),
 * 湖北 附件2 第二十五条 (HB-2-25)). The edits bypass the store with plain
 * SQL on the SQLite file, as tests/tamper does, after dropping the
 * append-only triggers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "app/verify.h"
#include "store/store.h"

#define NCASES 48

/* Records of case number i (1-based): 0 for i = 23 and 46, up to 22. */
static int records_of(int i)
{
    return (i * 7) % 23;
}

/* Records of case number 1 when it is made big (test_lowest_wins_over_fastest). */
#define BIG 4000

struct fixture {
    char dir[64];
    char db[128];
    struct app *app;
    struct app_ctx ctx;
    int64_t cases[NCASES + 1]; /* cases[i]: id of case number i */
    int64_t total;
};

/* A fresh database of NCASES cases; case number 1 gets BIG records when big_first. */
static void build(struct fixture *fx, int big_first)
{
    struct sx_err err;
    const char *root = getenv("SANXIANG_ROOT");
    int64_t org = 0, user = 0;
    snprintf(fx->dir, sizeof(fx->dir), "/tmp/sx-verify-XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    snprintf(fx->db, sizeof(fx->db), "%s/v.db", fx->dir);
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
    fx->total = 0;
    for (int i = 1; i <= NCASES; i++) {
        struct st_case c = {.org_id = org,
                            .kind = "penalty",
                            .state = "clue",
                            .created_at = "2026-11-01T00:00:00Z",
                            .created_by = user};
        assert_int_equal(st_case_insert(fx->ctx.db, &c, &fx->cases[i], &err), 0);
        int n = i == 1 && big_first ? BIG : records_of(i);
        for (int k = 0; k < n; k++) {
            char body[64];
            snprintf(body, sizeof(body), "{\"n\":%d,\"title\":\"第%d条\"}", k, k);
            struct st_record_new in = {.case_id = fx->cases[i],
                                       .type = "note",
                                       .action = "note",
                                       .at = "2026-11-02T03:00:00Z",
                                       .recorded_at = "2026-11-02T03:00:00Z",
                                       .actor_id = user,
                                       .body = body};
            assert_int_equal(st_record_append(fx->ctx.db, &in, fx->ctx.arena, NULL, &err), 0);
            fx->total++;
            if ((k & 255) == 255)
                sx_arena_reset(fx->ctx.arena);
        }
        sx_arena_reset(fx->ctx.arena);
    }
    assert_int_equal(st_commit(fx->ctx.db, &err), 0);
}

static void unbuild(struct fixture *fx)
{
    char cmd[200];
    app_ctx_close(&fx->ctx);
    app_close(fx->app);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", fx->dir);
    assert_int_equal(system(cmd), 0);
}

/* Run sql on the database file as an attacker who has it, the append-only triggers dropped. */
static void tamper(struct fixture *fx, const char *sql)
{
    sqlite3 *c = NULL;
    char *msg = NULL;
    assert_int_equal(sqlite3_open(fx->db, &c), SQLITE_OK);
    assert_int_equal(sqlite3_exec(c,
                                  "DROP TRIGGER records_no_update; DROP TRIGGER records_no_delete;"
                                  "DROP TRIGGER cases_head_forward;",
                                  NULL, NULL, &msg),
                     SQLITE_OK);
    if (sqlite3_exec(c, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
    sqlite3_close(c);
}

/*
 * Each row: SQL edits naming cases by number (CASE(i): the id of case number
 * i) and records by case (MIDREC(i): the third record of case number i), and
 * the case number whose id the message must name as "案件 <id>：", 0 for an
 * intact database, -1 for a record of no case.
 */
#define CASE(i) "(SELECT id FROM cases ORDER BY id LIMIT 1 OFFSET " #i " - 1)"
#define MIDREC(i)                                                                                  \
    "(SELECT id FROM records WHERE case_id = " CASE(i) " ORDER BY seq LIMIT 1 OFFSET 2)"
static const struct {
    const char *why;
    const char *sql;
    int want_case;       /* case number named, 0: intact, -1: orphan */
    const char *field;   /* err.field */
    const char *message; /* a part of err.detail */
} rows[] = {
    {"untouched database passes", "SELECT 1", 0, "", ""},
    {"one body edited (YN-2-20)", "UPDATE records SET body = '{\"n\":9}' WHERE id = " MIDREC(40),
     40, "hash", "内容与其哈希值不符"},
    {"two cases edited: the lower one is reported",
     "UPDATE records SET body = '{\"n\":9}' WHERE id = " MIDREC(
         40) ";"
             "UPDATE records SET prev_hash = hash WHERE id = " MIDREC(5),
     5, "prev_hash", "前序哈希"},
    {"every record of a lower case deleted: reported before a higher edited case",
     "UPDATE records SET body = '{\"n\":9}' WHERE id = " MIDREC(
         30) ";"
             "DELETE FROM records WHERE case_id = " CASE(3),
     3, "record_count", "已被删除"},
    {"an empty case given a count", "UPDATE cases SET record_count = 2 WHERE id = " CASE(23), 23,
     "record_count", "已被删除"},
    {"the highest case's head replaced",
     "UPDATE cases SET head_hash = (SELECT prev_hash FROM records WHERE case_id = " CASE(
         48) " ORDER BY seq DESC LIMIT 1) WHERE id = " CASE(48),
     48, "head_hash", "链头哈希"},
    {"a record moved to a case id below every case, beside a higher edit",
     "UPDATE records SET body = '{\"n\":9}' WHERE id = " MIDREC(
         2) ";"
            "UPDATE records SET case_id = -5 WHERE id = " MIDREC(44),
     -1, "case_id", "不存在的案件 -5"},
    {"a record moved past the last case",
     "UPDATE records SET case_id = 999999 WHERE id = " MIDREC(47), 47, "seq", "的序号"},
    {"a tail cut in the first case and an edit in the last",
     "DELETE FROM records WHERE id = (SELECT max(id) FROM records WHERE case_id = " CASE(
         1) ");"
            "UPDATE records SET body = '{\"n\":9}' WHERE id = " MIDREC(48),
     1, "record_count", "已被删除"},
};

static void test_same_answer_for_any_thread_count(void **state)
{
    static const int threads[] = {1, 2, 3, 8};
    (void)state;
    for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
        struct fixture fx;
        struct app_verify_stats first_stats;
        struct sx_err first;
        int first_rc = 0;
        memset(&fx, 0, sizeof(fx));
        build(&fx, 0);
        tamper(&fx, rows[r].sql);
        for (size_t t = 0; t < sizeof(threads) / sizeof(threads[0]); t++) {
            struct app_verify_stats stats;
            struct sx_err err;
            sx_err_clear(&err);
            int rc = app_verify_all_threads(&fx.ctx, threads[t], &stats, &err);
            if (t == 0) {
                first_rc = rc;
                first = err;
                first_stats = stats;
                if (rows[r].want_case == 0) {
                    if (rc != 0)
                        fail_msg("%s: %s", rows[r].why, err.detail);
                    assert_int_equal(stats.cases, NCASES);
                    assert_int_equal(stats.records, fx.total);
                    assert_true(stats.bytes_hashed > (uint64_t)fx.total * 32);
                    continue;
                }
                char want[64];
                if (rows[r].want_case > 0)
                    snprintf(want, sizeof(want), "案件 %" PRId64 "：", fx.cases[rows[r].want_case]);
                else
                    want[0] = '\0';
                if (rc != SX_E_TAMPER || strstr(err.detail, want) == NULL ||
                    strstr(err.detail, rows[r].message) == NULL ||
                    strcmp(err.field, rows[r].field) != 0)
                    fail_msg("%s: rc %d, field %s, detail %s; want %s … %s in field %s",
                             rows[r].why, rc, err.field, err.detail, want, rows[r].message,
                             rows[r].field);
                continue;
            }
            /* the same answer with more threads */
            if (rc != first_rc || strcmp(err.detail, first.detail) != 0 ||
                strcmp(err.field, first.field) != 0)
                fail_msg("%s: %d threads said rc %d \"%s\", 1 thread rc %d \"%s\"", rows[r].why,
                         threads[t], rc, err.detail, first_rc, first.detail);
            if (rc == 0) {
                assert_int_equal(stats.cases, first_stats.cases);
                assert_int_equal(stats.records, first_stats.records);
                assert_true(stats.bytes_hashed == first_stats.bytes_hashed);
                assert_true(stats.threads >= 1 && stats.threads <= threads[t]);
            }
        }
        unbuild(&fx);
    }
}

/* One case alone: its own verdict, other cases' damage unseen; a missing case is not found. */
static void test_one_case(void **state)
{
    struct fixture fx;
    struct app_verify_stats stats;
    struct sx_err err;
    (void)state;
    memset(&fx, 0, sizeof(fx));
    build(&fx, 0);
    tamper(&fx, "UPDATE records SET body = '{\"n\":9}' WHERE id = " MIDREC(40));
    sx_err_clear(&err);
    assert_int_equal(app_verify_case(&fx.ctx, fx.cases[39], &stats, &err), 0);
    assert_int_equal(stats.cases, 1);
    assert_int_equal(stats.records, records_of(39));
    assert_int_equal(app_verify_case(&fx.ctx, fx.cases[40], &stats, &err), SX_E_TAMPER);
    assert_string_equal(err.field, "hash");
    assert_int_equal(app_verify_case(&fx.ctx, fx.cases[23], &stats, &err), 0);
    assert_int_equal(stats.records, 0);
    assert_int_equal(app_verify_case(&fx.ctx, fx.cases[NCASES] + 1000, &stats, &err),
                     SX_E_NOTFOUND);
    unbuild(&fx);
}

/*
 * The lowest bad case wins even when a higher one is found first: case 1 is
 * big and damaged at its end, so the threads past it meet case 40's damage
 * long before case 1's walk gets there.
 */
static void test_lowest_wins_over_fastest(void **state)
{
    static const int threads[] = {1, 2, 8};
    struct fixture fx;
    (void)state;
    memset(&fx, 0, sizeof(fx));
    build(&fx, 1);
    tamper(&fx,
           "UPDATE records SET body = '{\"n\":9}' WHERE id = " MIDREC(
               40) ";"
                   "UPDATE records SET body = '{\"n\":9}' WHERE id = (SELECT max(id) FROM records"
                   " WHERE case_id = " CASE(1) ")");
    for (size_t t = 0; t < sizeof(threads) / sizeof(threads[0]); t++) {
        struct app_verify_stats stats;
        struct sx_err err;
        char want[64];
        sx_err_clear(&err);
        snprintf(want, sizeof(want), "案件 %" PRId64 "：", fx.cases[1]);
        assert_int_equal(app_verify_all_threads(&fx.ctx, threads[t], &stats, &err), SX_E_TAMPER);
        if (strstr(err.detail, want) == NULL)
            fail_msg("%d threads: %s; want %s", threads[t], err.detail, want);
    }
    unbuild(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_answer_for_any_thread_count),
        cmocka_unit_test(test_one_case),
        cmocka_unit_test(test_lowest_wins_over_fastest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
