/*
 * Unit tests for src/app/demo: the generator runs on a fresh SQLite database
 * (and on PostgreSQL when SANXIANG_TEST_PG_URL is set, in a database of its
 * own created for this process) with a small number of cases, and the data
 * must be what the issue asks for: every state of every workflow reached,
 * every chain intact, valid party IDs, staff of every role, an officer with
 * an expired credential whose case shows the refusal, the same data for the
 * same seed, and a second run refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "app/app.h"
#include "app/calendar.h"
#include "app/cases.h"
#include "app/demo.h"
#include "app/identity.h"
#include "app/verify.h"
#include "core/cal.h"
#include "core/ids.h"
#include "core/wf.h"
#include "store/store.h"

#define N_CASES 40
#define SEED 7u

static struct app *g_app;
static char g_pg_admin[2048];
static char g_pg_url[2048];
static char g_pg_dbname[64];

/* ---- fixtures ---- */

/* A fresh database as `sanxiang init` leaves it. */
static void open_fresh(const char *url, struct app_ctx *ctx)
{
    struct sx_err err;
    int years = 0;
    sx_err_clear(&err);
    assert_int_equal(app_ctx_open(g_app, url, ctx, &err), 0);
    assert_int_equal(st_migrate(ctx->db, NULL, &err), 0);
    assert_int_equal(app_calendar_import_bundled(ctx, g_app->data_dir, &years, &err), 0);
}

static void sqlite_url(char *dir, size_t dn, char *url, size_t un)
{
    snprintf(dir, dn, "/tmp/sx-demo-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(url, un, "%s/demo.db", dir);
}

static void sqlite_remove(const char *dir)
{
    static const char *const files[] = {"demo.db", "demo.db-wal", "demo.db-shm"};
    char path[512];
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        (void)unlink(path);
    }
    (void)rmdir(dir);
}

static void generate(struct app_ctx *ctx, struct app_demo_result *res)
{
    struct sx_err err;
    struct app_demo_options opt = {.n_cases = N_CASES, .seed = SEED};
    sx_err_clear(&err);
    int rc = app_demo_generate(ctx, &opt, res, &err);
    if (rc != 0)
        fail_msg("demo failed at %s: %s: %s", res->where, err.title, err.detail);
}

/* ---- checks ---- */

/* Every state of every workflow is some case's current state. */
static void check_states(struct app_ctx *ctx)
{
    struct st_case_count *counts = NULL;
    size_t n = 0;
    struct sx_err err;
    sx_err_clear(&err);
    assert_int_equal(st_case_counts(ctx->db, ctx->arena, &counts, &n, &err), 0);
    for (int k = 0; k < APP_KIND_COUNT; k++) {
        const struct wf_def *def = g_app->workflows[k];
        for (size_t i = 0; i < wf_state_count(def); i++) {
            const char *state = wf_state_at(def, i)->key;
            int64_t found = 0;
            for (size_t j = 0; j < n; j++) {
                if (strcmp(counts[j].kind, wf_kind(def)) == 0 &&
                    strcmp(counts[j].state, state) == 0)
                    found = counts[j].count;
            }
            if (found == 0)
                fail_msg("no %s case in state %s", wf_kind(def), state);
        }
    }
}

/* Resident IDs and USCCs of every party pass their checksums. */
static void check_parties(struct app_ctx *ctx)
{
    struct st_case *cases = NULL;
    size_t n = 0;
    int more = 0;
    int32_t today = 0;
    size_t persons = 0, orgs = 0;
    struct sx_err err;
    sx_err_clear(&err);
    struct st_case_filter f = {.any_org = 1, .limit = ST_LIST_MAX};
    assert_int_equal(st_case_list(ctx->db, &f, ctx->arena, &cases, &n, &more, &err), 0);
    assert_int_equal(n, N_CASES);
    assert_int_equal(cal_date_parse(app_today(ctx), &today, &err), 0);
    for (size_t i = 0; i < n; i++) {
        struct st_party *p = NULL;
        size_t np = 0;
        assert_int_equal(st_party_list(ctx->db, cases[i].id, ctx->arena, &p, &np, &err), 0);
        assert_true(np >= 1);
        for (size_t j = 0; j < np; j++) {
            if (strcmp(p[j].kind, "person") == 0) {
                struct ids_resident r;
                if (ids_resident_validate(p[j].id_number, today, &r, &err) != 0)
                    fail_msg("case %lld: %s: %s", (long long)cases[i].id, p[j].id_number,
                             err.detail);
                assert_true(r.birth_year >= 1950 && r.birth_year <= 2000);
                assert_memory_equal(r.region, "53", 2); /* Yunnan */
                persons++;
            } else {
                struct ids_uscc u;
                if (ids_uscc_validate(p[j].uscc, &u, &err) != 0)
                    fail_msg("case %lld: %s: %s", (long long)cases[i].id, p[j].uscc, err.detail);
                assert_non_null(p[j].legal_rep);
                orgs++;
            }
        }
        /* created within the demo window, never in the future */
        assert_true(strcmp(cases[i].created_at, "2025-01-01") > 0);
        assert_true(strcmp(cases[i].created_at, app_now(ctx)) < 0);
    }
    assert_true(persons > 0);
    assert_true(orgs > 0);
}

static const struct {
    const char *username;
    const char *role;
} expected_users[] = {
    {"admin", "admin"},
    {"yn.head", "head"},
    {"yn.reviewer", "reviewer"},
    {"yn.publisher", "publisher"},
    {"yn.archivist", "archivist"},
    {"yn.supervisor", "supervisor"},
    {"zd.officer1", "officer"},
    {"km.officer1", "officer"},
    {"km.officer2", "officer"},
    {"km.head", "head"},
    {"km.reviewer", "reviewer"},
    {"wh.officer3", "officer"},
    {"qj.head", "head"},
    {"jc.reviewer", "reviewer"},
};

/* Staff of every role, and every org can run a case (three officers, a head, a reviewer). */
static void check_users(struct app_ctx *ctx, const struct app_demo_result *res)
{
    struct st_org *orgs = NULL;
    size_t n = 0;
    int more = 0;
    struct sx_err err;
    sx_err_clear(&err);
    for (size_t i = 0; i < sizeof(expected_users) / sizeof(expected_users[0]); i++) {
        struct st_user u;
        unsigned roles = 0, want = 0;
        if (st_user_get_by_username(ctx->db, expected_users[i].username, ctx->arena, &u, &err) != 0)
            fail_msg("no user %s", expected_users[i].username);
        assert_int_equal(app_roles_parse(u.roles, &roles, &err), 0);
        assert_int_equal(app_roles_parse(expected_users[i].role, &want, &err), 0);
        assert_true((roles & want) != 0);
    }
    assert_int_equal(st_org_list(ctx->db, 0, ST_LIST_MAX, ctx->arena, &orgs, &n, &more, &err), 0);
    assert_int_equal(n, res->n_orgs);
    for (size_t i = 0; i < n; i++) {
        static const struct {
            const char *role;
            size_t min;
        } need[] = {{"officer", 3}, {"head", 1}, {"reviewer", 1}};
        for (size_t k = 0; k < sizeof(need) / sizeof(need[0]); k++) {
            struct st_user *u = NULL;
            size_t nu = 0;
            assert_int_equal(
                st_user_list_by_role(ctx->db, orgs[i].id, need[k].role, ctx->arena, &u, &nu, &err),
                0);
            if (nu < need[k].min)
                fail_msg("org %s has %zu %s", orgs[i].code, nu, need[k].role);
        }
        assert_non_null(orgs[i].head);
        assert_non_null(orgs[i].supervise_phone);
    }
    /* the shared password works */
    struct app_login_result lr;
    assert_int_equal(app_login(ctx, "km.officer1", APP_DEMO_PASSWORD, "127.0.0.1", &lr, &err), 0);
}

/* The expired credential exists and a live case of its holder shows on-site acts refused. */
static void check_expired_refusal(struct app_ctx *ctx)
{
    struct st_user expired, viewer;
    struct st_case *cases = NULL;
    struct app_case_view v;
    struct app_principal p;
    size_t n = 0;
    int more = 0;
    int refused = 0;
    struct sx_err err;
    sx_err_clear(&err);
    assert_int_equal(st_user_get_by_username(ctx->db, "km.officer4", ctx->arena, &expired, &err),
                     0);
    assert_non_null(expired.cert_valid_to);
    assert_true(strcmp(expired.cert_valid_to, app_today(ctx)) < 0);
    struct st_case_filter f = {.any_org = 1,
                               .state = "investigating",
                               .kind = "penalty",
                               .officer_id = expired.id,
                               .limit = ST_LIST_MAX};
    assert_int_equal(st_case_list(ctx->db, &f, ctx->arena, &cases, &n, &more, &err), 0);
    assert_true(n >= 1);
    assert_int_equal(st_user_get_by_username(ctx->db, "km.officer1", ctx->arena, &viewer, &err), 0);
    memset(&p, 0, sizeof(p));
    p.user_id = viewer.id;
    p.org_id = viewer.org_id;
    p.username = viewer.username;
    p.display_name = viewer.display_name;
    assert_int_equal(app_roles_parse(viewer.roles, &p.roles, &err), 0);
    assert_int_equal(app_case_view(ctx, &p, cases[0].id, 1, &v, &err), 0);
    for (size_t i = 0; i < v.n_next; i++) {
        if (strcmp(v.next[i].key, "inquire") == 0) {
            assert_false(v.next[i].allowed);
            assert_non_null(strstr(v.next[i].blocked_title, "执法证"));
            refused = 1;
        }
    }
    assert_true(refused);
}

static void check_all(struct app_ctx *ctx, const struct app_demo_result *res)
{
    struct app_verify_stats stats;
    struct sx_err err;
    size_t sum = 0;
    sx_err_clear(&err);
    assert_int_equal(res->n_cases, N_CASES);
    for (int k = 0; k < APP_KIND_COUNT; k++) {
        assert_true(res->cases_by_kind[k] > 0);
        sum += res->cases_by_kind[k];
    }
    assert_int_equal(sum, N_CASES);
    assert_true(res->n_users >= 40);
    {
        /* the printed logins: admin among them, and the expired credential flagged */
        int admin = 0, expired = 0;
        for (size_t i = 0; i < res->n_users; i++) {
            admin += strcmp(res->logins[i].username, "admin") == 0;
            expired +=
                res->logins[i].note != NULL && strcmp(res->logins[i].username, "km.officer4") == 0;
        }
        assert_int_equal(admin, 1);
        assert_int_equal(expired, 1);
    }
    check_states(ctx);
    memset(&stats, 0, sizeof(stats));
    if (app_verify_all(ctx, &stats, &err) != 0)
        fail_msg("verify: %s: %s", err.title, err.detail);
    assert_int_equal(stats.cases, N_CASES);
    assert_int_equal(stats.records, (int64_t)res->n_records);
    check_parties(ctx);
    check_users(ctx, res);
    check_expired_refusal(ctx);
}

/* ---- tests ---- */

static void test_demo_sqlite(void **state)
{
    char dir[64], url[128];
    struct app_ctx ctx;
    struct app_demo_result res;
    (void)state;
    sqlite_url(dir, sizeof(dir), url, sizeof(url));
    open_fresh(url, &ctx);
    generate(&ctx, &res);
    check_all(&ctx, &res);
    app_ctx_close(&ctx);
    sqlite_remove(dir);
}

/* The same seed gives the same cases: numbers, states, causes and parties. */
static void test_demo_reproducible(void **state)
{
    char dir[2][64], url[2][128];
    struct app_ctx ctx[2];
    struct app_demo_result res[2];
    struct st_case *cases[2];
    size_t n[2];
    int more = 0;
    struct sx_err err;
    (void)state;
    sx_err_clear(&err);
    for (int i = 0; i < 2; i++) {
        sqlite_url(dir[i], sizeof(dir[i]), url[i], sizeof(url[i]));
        open_fresh(url[i], &ctx[i]);
        generate(&ctx[i], &res[i]);
        struct st_case_filter f = {.any_org = 1, .limit = ST_LIST_MAX};
        assert_int_equal(st_case_list(ctx[i].db, &f, ctx[i].arena, &cases[i], &n[i], &more, &err),
                         0);
    }
    assert_int_equal(n[0], n[1]);
    assert_int_equal(res[0].n_records, res[1].n_records);
    for (size_t j = 0; j < n[0]; j++) {
        struct st_party *p[2];
        size_t np[2];
        assert_string_equal(cases[0][j].kind, cases[1][j].kind);
        assert_string_equal(cases[0][j].state, cases[1][j].state);
        assert_string_equal(cases[0][j].cause, cases[1][j].cause);
        assert_string_equal(cases[0][j].created_at, cases[1][j].created_at);
        assert_int_equal(cases[0][j].fine_fen, cases[1][j].fine_fen);
        assert_int_equal(cases[0][j].number == NULL, cases[1][j].number == NULL);
        if (cases[0][j].number != NULL)
            assert_string_equal(cases[0][j].number, cases[1][j].number);
        for (int i = 0; i < 2; i++)
            assert_int_equal(
                st_party_list(ctx[i].db, cases[i][j].id, ctx[i].arena, &p[i], &np[i], &err), 0);
        assert_int_equal(np[0], np[1]);
        assert_string_equal(p[0][0].name, p[1][0].name);
    }
    for (int i = 0; i < 2; i++) {
        app_ctx_close(&ctx[i]);
        sqlite_remove(dir[i]);
    }
}

/* A database that has data is refused, and so are case counts out of range. */
static void test_demo_refuses(void **state)
{
    static const struct {
        int n_cases;
        int code;
        const char *type;
    } rows[] = {
        {N_CASES, SX_E_CONFLICT, "demo-not-empty"}, /* second run on the same database */
        {1, SX_E_INVALID, "demo-cases"},            /* fewer than one case per state */
        {APP_DEMO_CASES_MAX + 1, SX_E_INVALID, "demo-cases"},
    };
    char dir[64], url[128];
    struct app_ctx ctx;
    struct app_demo_result res;
    struct st_counts before, after;
    struct sx_err err;
    (void)state;
    sx_err_clear(&err);
    sqlite_url(dir, sizeof(dir), url, sizeof(url));
    open_fresh(url, &ctx);
    generate(&ctx, &res);
    assert_int_equal(st_counts(ctx.db, app_now(&ctx), &before, &err), 0);
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct app_demo_options opt = {.n_cases = rows[i].n_cases, .seed = SEED};
        sx_err_clear(&err);
        assert_int_equal(app_demo_generate(&ctx, &opt, &res, &err), rows[i].code);
        assert_string_equal(err.type, rows[i].type);
    }
    assert_int_equal(st_counts(ctx.db, app_now(&ctx), &after, &err), 0);
    assert_int_equal(before.orgs, after.orgs);
    assert_int_equal(before.users, after.users);
    assert_int_equal(before.cases, after.cases);
    assert_int_equal(before.records, after.records);
    app_ctx_close(&ctx);
    sqlite_remove(dir);
}

static void test_demo_postgresql(void **state)
{
    struct app_ctx ctx;
    struct app_demo_result res;
    (void)state;
    if (g_pg_url[0] == '\0')
        skip();
    open_fresh(g_pg_url, &ctx);
    generate(&ctx, &res);
    check_all(&ctx, &res);
    app_ctx_close(&ctx);
}

/* ---- main ---- */

/* Replace the database name in a libpq URL: scheme://authority/dbname?params. */
static int url_with_db(const char *url, const char *db, char *out, size_t n)
{
    const char *auth = strstr(url, "://");
    const char *path, *query;
    int k;
    if (auth == NULL)
        return -1;
    auth += 3;
    path = strchr(auth, '/');
    query = strchr(auth, '?');
    if (path == NULL || (query != NULL && path > query))
        path = query != NULL ? query : url + strlen(url);
    k = snprintf(out, n, "%.*s/%s%s", (int)(path - url), url, db, query != NULL ? query : "");
    return k >= 0 && (size_t)k < n ? 0 : -1;
}

static void pg_notice_ignore(void *arg, const char *m)
{
    (void)arg;
    (void)m;
}

static int pg_admin(const char *sql)
{
    PGconn *c = PQconnectdb(g_pg_admin);
    PGresult *r;
    int ok;
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "PostgreSQL: %s", PQerrorMessage(c));
        PQfinish(c);
        return -1;
    }
    PQsetNoticeProcessor(c, pg_notice_ignore, NULL);
    r = PQexec(c, sql);
    ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        fprintf(stderr, "PostgreSQL: %s", PQresultErrorMessage(r));
    PQclear(r);
    PQfinish(c);
    return ok ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_demo_sqlite),
        cmocka_unit_test(test_demo_reproducible),
        cmocka_unit_test(test_demo_refuses),
        cmocka_unit_test(test_demo_postgresql),
    };
    const char *root = getenv("SANXIANG_ROOT");
    const char *pg = getenv("SANXIANG_TEST_PG_URL");
    struct sx_err err;
    char sql[256];
    int failed;
    sx_err_clear(&err);
    if (app_open(root != NULL && root[0] != '\0' ? root : ".", &g_app, &err) != 0) {
        fprintf(stderr, "app_open: %s: %s\n", err.title, err.detail);
        return 1;
    }
    if (pg != NULL && pg[0] != '\0') {
        snprintf(g_pg_admin, sizeof(g_pg_admin), "%s", pg);
        snprintf(g_pg_dbname, sizeof(g_pg_dbname), "sx_demo_test_%d", (int)getpid());
        snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s", g_pg_dbname);
        if (pg_admin(sql) != 0)
            return 1;
        snprintf(sql, sizeof(sql), "CREATE DATABASE %s ENCODING 'UTF8' TEMPLATE template0",
                 g_pg_dbname);
        if (pg_admin(sql) != 0 || url_with_db(pg, g_pg_dbname, g_pg_url, sizeof(g_pg_url)) != 0) {
            fprintf(stderr, "cannot create the PostgreSQL test database\n");
            return 1;
        }
    } else {
        fprintf(stderr, "SANXIANG_TEST_PG_URL not set: the PostgreSQL run is skipped\n");
    }
    failed = cmocka_run_group_tests(tests, NULL, NULL);
    if (g_pg_url[0] != '\0') {
        snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", g_pg_dbname);
        if (pg_admin(sql) != 0)
            failed++;
    }
    app_close(g_app);
    return failed;
}
