/*
 * Unit tests for src/store: every test runs on SQLite (a fresh file in a temp dir) and, when
 * SANXIANG_TEST_PG_URL is set, on PostgreSQL (a database of its own, created for this process
 * and dropped at the end; each test starts from an empty schema). The concurrency tests run two
 * processes x 4 threads, each thread with its own connection.
 *
 * Raw SQLite/libpq connections appear only here, to do what the store refuses to offer:
 * tamper with append-only tables and schema_migrations.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "ledger/chain.h"
#include "store/store.h"
#include "store/store_int.h"
#include "sx_arena.h"
#include "sx_err.h"

/* ---- fixture ---- */

static char g_pg_url[2048];   /* this process's own database, "" when PG is not tested */
static char g_pg_admin[2048]; /* SANXIANG_TEST_PG_URL as given */
static char g_pg_dbname[64];

struct fx {
    int pg;
    char dir[256];
    char url[2048];
    struct st_db *db;
    struct sx_arena a;
    struct sx_err err;
};

static void pg_notice_ignore(void *arg, const char *m)
{
    (void)arg;
    (void)m;
}

/* Run sql on a raw connection; 0 or -1 with the message in msg. */
static int raw_exec(const struct fx *fx, const char *url, const char *sql, char *msg, size_t n)
{
    int rc = 0;
    if (msg != NULL && n > 0)
        msg[0] = '\0';
    if (fx->pg) {
        PGconn *c = PQconnectdb(url);
        PGresult *r;
        if (PQstatus(c) != CONNECTION_OK) {
            if (msg != NULL)
                snprintf(msg, n, "%s", PQerrorMessage(c));
            PQfinish(c);
            return -1;
        }
        PQsetNoticeProcessor(c, pg_notice_ignore, NULL);
        r = PQexec(c, sql);
        if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
            if (msg != NULL)
                snprintf(msg, n, "%s", PQresultErrorMessage(r));
            rc = -1;
        }
        PQclear(r);
        PQfinish(c);
    } else {
        sqlite3 *c = NULL;
        char *e = NULL;
        if (sqlite3_open(url, &c) != SQLITE_OK) {
            sqlite3_close(c);
            return -1;
        }
        sqlite3_busy_timeout(c, 5000);
        if (sqlite3_exec(c, sql, NULL, NULL, &e) != SQLITE_OK) {
            if (msg != NULL)
                snprintf(msg, n, "%s", e != NULL ? e : "?");
            rc = -1;
        }
        sqlite3_free(e);
        sqlite3_close(c);
    }
    return rc;
}

/* Empty the PostgreSQL test database (drop and recreate the public schema). */
static int pg_reset(void)
{
    PGconn *c = PQconnectdb(g_pg_url);
    PGresult *r;
    int ok;
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "pg reset: %s", PQerrorMessage(c));
        PQfinish(c);
        return -1;
    }
    PQsetNoticeProcessor(c, pg_notice_ignore, NULL);
    r = PQexec(c, "DROP SCHEMA public CASCADE; CREATE SCHEMA public");
    ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        fprintf(stderr, "pg reset: %s", PQresultErrorMessage(r));
    PQclear(r);
    PQfinish(c);
    return ok ? 0 : -1;
}

static int teardown(void **state);

/* Create the fixture's empty database; migrate it unless migrate is 0. */
static int fx_open(void **state, int pg, int migrate)
{
    struct fx *fx = calloc(1, sizeof(*fx));
    if (fx == NULL)
        return -1;
    *state = fx;
    fx->pg = pg;
    sx_arena_init(&fx->a, 1 << 16);
    if (pg) {
        if (g_pg_url[0] == '\0')
            return 0; /* the test skips itself */
        snprintf(fx->url, sizeof(fx->url), "%s", g_pg_url);
        if (pg_reset() != 0)
            return -1;
    } else {
        snprintf(fx->dir, sizeof(fx->dir), "/tmp/sx-store-XXXXXX");
        if (mkdtemp(fx->dir) == NULL)
            return -1;
        snprintf(fx->url, sizeof(fx->url), "%s/test.db", fx->dir);
    }
    if (st_open(fx->url, &fx->db, &fx->err) != 0) {
        fprintf(stderr, "st_open: %s: %s\n", fx->err.title, fx->err.detail);
        return -1;
    }
    if (migrate && st_migrate(fx->db, NULL, &fx->err) != 0) {
        fprintf(stderr, "st_migrate: %s: %s\n", fx->err.title, fx->err.detail);
        return -1;
    }
    return 0;
}

/* cmocka skips teardown when setup fails: clean up here then. */
static int fx_new(void **state, int pg, int migrate)
{
    if (fx_open(state, pg, migrate) == 0)
        return 0;
    teardown(state);
    *state = NULL;
    return -1;
}

static int setup_sqlite(void **state)
{
    return fx_new(state, 0, 1);
}

static int setup_pg(void **state)
{
    return fx_new(state, 1, 1);
}

static int setup_sqlite_empty(void **state)
{
    return fx_new(state, 0, 0);
}

static int setup_pg_empty(void **state)
{
    return fx_new(state, 1, 0);
}

static int teardown(void **state)
{
    struct fx *fx = *state;
    if (fx == NULL)
        return 0;
    st_close(fx->db);
    sx_arena_free(&fx->a);
    if (!fx->pg && fx->dir[0] != '\0') {
        static const char *const suffix[] = {"/test.db", "/test.db-wal", "/test.db-shm"};
        char p[512];
        for (size_t i = 0; i < 3; i++) {
            snprintf(p, sizeof(p), "%s%s", fx->dir, suffix[i]);
            unlink(p);
        }
        rmdir(fx->dir);
    }
    free(fx);
    return 0;
}

/* Start a test: skip PostgreSQL runs when no server was given. */
static struct fx *fx_get(void **state)
{
    struct fx *fx = *state;
    if (fx->pg && g_pg_url[0] == '\0')
        skip();
    sx_err_clear(&fx->err);
    return fx;
}

#define OK(fx, call)                                                                               \
    do {                                                                                           \
        int rc_ = (call);                                                                          \
        if (rc_ != 0)                                                                              \
            fail_msg("%s -> %d %s: %s: %s", #call, rc_, (fx)->err.type, (fx)->err.title,           \
                     (fx)->err.detail);                                                            \
    } while (0)

#define FAILS(fx, call, code, type_)                                                               \
    do {                                                                                           \
        sx_err_clear(&(fx)->err);                                                                  \
        int rc_ = (call);                                                                          \
        if (rc_ != (code) || strcmp((fx)->err.type, (type_)) != 0)                                 \
            fail_msg("%s -> %d (%s: %s), expected %d (%s)", #call, rc_, (fx)->err.type,            \
                     (fx)->err.detail, (code), (type_));                                           \
    } while (0)

/* ---- shared test data ---- */

#define T0 "2026-03-02T08:00:00Z"

static int64_t add_org(struct fx *fx, int64_t parent, const char *code, const char *name,
                       const char *short_name, const char *level)
{
    struct st_org o = {
        .parent_id = parent,
        .code = code,
        .name = name,
        .short_name = short_name,
        .level = level,
        .region = "北京市",
        .address = "北京市西城区",
        .head = "王局长",
        .phone = "010-12345678",
        .supervise_phone = "010-12393",
        .categories = "医疗保障基金使用监管",
        .qualification = "《医疗保障基金使用监督管理条例》第二十二条",
        .created_at = T0,
    };
    int64_t id = 0;
    OK(fx, st_org_insert(fx->db, &o, &id, &fx->err));
    assert_true(id > 0);
    return id;
}

static int64_t add_user(struct fx *fx, int64_t org, const char *username, const char *roles)
{
    struct st_user u = {
        .org_id = org,
        .username = username,
        .display_name = "张执法",
        .password_hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
        .roles = roles,
        .cert_no = "11010020240001",
        .cert_valid_from = "2024-01-01",
        .cert_valid_to = "2028-12-31",
        .post = "科员",
        .created_at = T0,
    };
    int64_t id = 0;
    OK(fx, st_user_insert(fx->db, &u, &id, &fx->err));
    return id;
}

static int64_t add_case(struct fx *fx, int64_t org, int64_t by, const char *kind, const char *state,
                        const char *cause)
{
    struct st_case c = {
        .org_id = org,
        .kind = kind,
        .state = state,
        .source = "举报",
        .cause = cause,
        .summary = "经查，该机构存在串换药品行为。",
        .created_at = T0,
        .created_by = by,
    };
    int64_t id = 0;
    OK(fx, st_case_insert(fx->db, &c, &id, &fx->err));
    return id;
}

/* Append one record in its own transaction. */
static struct st_record append(struct fx *fx, int64_t case_id, int64_t actor, const char *type,
                               const char *body, int64_t corrects)
{
    struct st_record_new in = {
        .action = "note",
        .case_id = case_id,
        .type = type,
        .at = T0,
        .recorded_at = "2026-03-02T08:00:05Z",
        .actor_id = actor,
        .corrects = corrects,
        .body = body,
    };
    struct st_record out;
    OK(fx, st_begin(fx->db, &fx->err));
    OK(fx, st_record_append(fx->db, &in, &fx->a, &out, &fx->err));
    OK(fx, st_commit(fx->db, &fx->err));
    return out;
}

static struct lg_record to_lg(const struct st_record *r)
{
    return (struct lg_record){
        .id = r->id,
        .case_id = r->case_id,
        .seq = r->seq,
        .actor_id = r->actor_id,
        .corrects = r->corrects,
        .type = r->type,
        .at = r->at,
        .body = r->body,
        .prev_hash_hex = r->prev_hash,
        .hash_hex = r->hash,
        .action = r->action,
        .recorded_at = r->recorded_at,
    };
}

/* Walk a case's stored chain with the ledger's verifier; returns its result code. */
static int verify_chain(struct fx *fx, int64_t case_id, size_t *n_out)
{
    struct st_record *recs = NULL;
    struct st_case c;
    struct lg_chain ch = {0};
    struct lg_chain_walk w;
    size_t n = 0;
    int rc;
    OK(fx, st_record_list(fx->db, case_id, &fx->a, &recs, &n, &fx->err));
    OK(fx, st_case_get(fx->db, case_id, &fx->a, &c, &fx->err));
    OK(fx, lg_chain_open(&ch, &fx->err));
    lg_chain_walk_init(&w, &ch, case_id);
    rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        struct lg_record lr = to_lg(&recs[i]);
        rc = lg_chain_walk_step(&w, &lr, &fx->err);
    }
    if (rc == 0)
        rc = lg_chain_walk_finish(&w, c.head_hash, c.record_count, &fx->err);
    lg_chain_close(&ch);
    if (n_out != NULL)
        *n_out = n;
    return rc;
}

/* ---- statement tables and migrations ---- */

static void test_statement_tables_cover_enum(void **state)
{
    struct fx *fx = fx_get(state);
    const struct st_sql *mine = fx->pg ? st_pg_sql : st_sqlite_sql;
    for (int s = 0; s < ST__COUNT; s++) {
        const struct st_sql *a = &st_sqlite_sql[s], *b = &st_pg_sql[s];
        int count = -1;
        if (a->sql == NULL || b->sql == NULL || a->types == NULL || b->types == NULL)
            fail_msg("statement %s is missing from a backend table", st_stmt_name(s));
        if (strcmp(a->types, b->types) != 0)
            fail_msg("statement %s: sqlite types \"%s\" != pg types \"%s\"", st_stmt_name(s),
                     a->types, b->types);
        if (strspn(a->types, "it") != strlen(a->types))
            fail_msg("statement %s: bad type string \"%s\"", st_stmt_name(s), a->types);
        assert_string_not_equal(st_stmt_name(s), "?");
        /* the server agrees on the number of parameters (also prepares every statement) */
        OK(fx, fx->db->ops->param_count(fx->db, (enum st_stmt)s, &count, &fx->err));
        if ((size_t)count != strlen(mine[s].types))
            fail_msg("statement %s: server sees %d parameters, type string has %zu",
                     st_stmt_name(s), count, strlen(mine[s].types));
    }
    assert_string_equal(st_stmt_name(ST__COUNT), "?");
    /* st_exec refuses a call whose parameter count does not match the type string */
    {
        struct st_rows rows;
        FAILS(fx, st_exec(fx->db, ST_ORG_GET, NULL, 0, &fx->a, &rows, &fx->err), SX_E_INTERNAL,
              "db-call");
    }
}

static void test_migrations_are_twins(void **state)
{
    (void)state;
    assert_int_equal(st_sqlite_migrations_n, st_pg_migrations_n);
    for (size_t i = 0; i < st_sqlite_migrations_n; i++) {
        /* versions are 1, 2, 3 …: a gap would be a migration lost in a merge */
        assert_int_equal(st_sqlite_migrations[i].version, (int)i + 1);
        assert_int_equal(st_pg_migrations[i].version, (int)i + 1);
        assert_string_equal(st_sqlite_migrations[i].name, st_pg_migrations[i].name);
        assert_non_null(st_sqlite_migrations[i].sql[0]);
        assert_non_null(st_pg_migrations[i].sql[0]);
    }
    assert_int_equal(st_schema_version_latest(), (int)st_sqlite_migrations_n);
}

static void test_migrate_twice_is_noop(void **state)
{
    struct fx *fx = fx_get(state);
    struct st_db *db2 = NULL;
    int applied = -1;
    assert_string_equal(st_backend(fx->db), fx->pg ? "postgresql" : "sqlite");
    OK(fx, st_schema_check(fx->db, &fx->err));
    OK(fx, st_migrate(fx->db, &applied, &fx->err));
    assert_int_equal(applied, 0);
    OK(fx, st_schema_check(fx->db, &fx->err));
    /* a second connection sees the current schema and prepares everything at open */
    OK(fx, st_open(fx->url, &db2, &fx->err));
    OK(fx, st_schema_check(db2, &fx->err));
    OK(fx, st_migrate(db2, &applied, &fx->err));
    assert_int_equal(applied, 0);
    for (int s = 0; s < ST__COUNT; s++)
        assert_true(db2->prepared[s]);
    st_close(db2);
}

/* On an empty database: open works, schema check explains, migrate applies everything. */
static void test_empty_database(void **state)
{
    struct fx *fx = fx_get(state);
    struct st_org o;
    int applied = 0;
    FAILS(fx, st_schema_check(fx->db, &fx->err), SX_E_DB, "schema-missing");
    assert_non_null(strstr(fx->err.detail, "sanxiang init"));
    /* typed functions fail cleanly instead of crashing */
    sx_err_clear(&fx->err);
    assert_int_equal(st_org_get(fx->db, 1, &fx->a, &o, &fx->err), SX_E_DB);
    OK(fx, st_migrate(fx->db, &applied, &fx->err));
    assert_int_equal(applied, st_schema_version_latest());
    OK(fx, st_schema_check(fx->db, &fx->err));
    add_org(fx, 0, "110000", "北京市医疗保障局", "京", "province");
}

/*
 * SQL that puts schema_migrations back as `init` left it: every embedded migration with its
 * name (recreate: the table was dropped or emptied; else: the names were changed).
 */
static void undo_all_migrations(char *sql, size_t cap, int recreate)
{
    size_t n = 0;
    n += (size_t)snprintf(sql + n, cap - n, "%s",
                          recreate ? "CREATE TABLE IF NOT EXISTS schema_migrations (version "
                                     "INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT "
                                     "NOT NULL); DELETE FROM schema_migrations; "
                                   : "");
    for (size_t i = 0; i < st_sqlite_migrations_n && n < cap; i++) {
        if (recreate)
            n += (size_t)snprintf(sql + n, cap - n,
                                  "INSERT INTO schema_migrations VALUES (%d, '%s', "
                                  "'2026-01-01T00:00:00Z'); ",
                                  st_sqlite_migrations[i].version, st_sqlite_migrations[i].name);
        else
            n += (size_t)snprintf(sql + n, cap - n,
                                  "UPDATE schema_migrations SET name = '%s' WHERE version = %d; ",
                                  st_sqlite_migrations[i].name, st_sqlite_migrations[i].version);
    }
    assert_true(n < cap);
}

static void test_schema_check_states(void **state)
{
    static const struct {
        const char *what;
        const char *sql; /* run on a raw connection to a migrated database */
        const char *type;
    } rows[] = {
        {"ahead", "INSERT INTO schema_migrations VALUES (999, 'future', '2030-01-01T00:00:00Z')",
         "schema-ahead"},
        {"behind", "DELETE FROM schema_migrations", "schema-behind"},
        {"renamed", "UPDATE schema_migrations SET name = 'other'", "schema-mismatch"},
        {"uninitialised", "DROP TABLE schema_migrations", "schema-missing"},
    };
    struct fx *fx = fx_get(state);
    char msg[512];
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char undo[4096];
        OK(fx, st_schema_check(fx->db, &fx->err));
        if (raw_exec(fx, fx->url, rows[i].sql, msg, sizeof(msg)) != 0)
            fail_msg("%s: %s", rows[i].what, msg);
        FAILS(fx, st_schema_check(fx->db, &fx->err), SX_E_DB, rows[i].type);
        if (strcmp(rows[i].type, "schema-ahead") == 0) {
            /* a newer database is never "migrated" by an older binary */
            FAILS(fx, st_migrate(fx->db, NULL, &fx->err), SX_E_DB, "schema-ahead");
            snprintf(undo, sizeof(undo), "DELETE FROM schema_migrations WHERE version = 999");
        } else if (strcmp(rows[i].type, "schema-mismatch") == 0) {
            FAILS(fx, st_migrate(fx->db, NULL, &fx->err), SX_E_DB, "schema-mismatch");
            undo_all_migrations(undo, sizeof(undo), 0);
        } else {
            undo_all_migrations(undo, sizeof(undo), 1);
        }
        if (raw_exec(fx, fx->url, undo, msg, sizeof(msg)) != 0)
            fail_msg("undo %s: %s", rows[i].what, msg);
    }
    OK(fx, st_schema_check(fx->db, &fx->err));
}

static void test_open_errors(void **state)
{
    struct fx *fx = fx_get(state);
    struct st_db *db = NULL;
    /* SQLite: the directory is not created for you */
    FAILS(fx, st_open("/tmp/sx-no-such-dir-4711/x/sanxiang.db", &db, &fx->err), SX_E_IO,
          "db-dir-missing");
    assert_null(db);
    FAILS(fx, st_open("", &db, &fx->err), SX_E_INVALID, "db-path");
    if (fx->pg) {
        FAILS(fx, st_open("postgresql:///nope?host=/tmp/sx-no-such-socket-dir", &db, &fx->err),
              SX_E_DB, "db-open");
        assert_null(db);
    }
}

/* ---- orgs, users ---- */

static void test_orgs_roundtrip_and_paging(void **state)
{
    struct fx *fx = fx_get(state);
    struct st_org o, *list = NULL;
    int64_t *ids = NULL;
    size_t n = 0;
    int more = 0;
    int64_t prov = add_org(fx, 0, "110000", "北京市医疗保障局", "京", "province");
    int64_t city = add_org(fx, prov, "110100", "北京市医疗保障局西城分局", "京西", "city");
    int64_t unit = add_org(fx, city, "110102", "西城区医疗保障基金监督检查所", "京西监", "unit");
    int64_t other = add_org(fx, 0, "530000", "云南省医疗保障局", "云", "province");
    add_org(fx, other, "530100", "昆明市医疗保障局", "昆", "city");

    OK(fx, st_org_get(fx->db, city, &fx->a, &o, &fx->err));
    assert_int_equal(o.id, city);
    assert_int_equal(o.parent_id, prov);
    assert_string_equal(o.name, "北京市医疗保障局西城分局");
    assert_string_equal(o.short_name, "京西");
    assert_string_equal(o.policy, "national"); /* default */
    assert_string_equal(o.qualification, "《医疗保障基金使用监督管理条例》第二十二条");
    assert_string_equal(o.created_at, T0);
    OK(fx, st_org_get_by_code(fx->db, "530000", &fx->a, &o, &fx->err));
    assert_int_equal(o.id, other);
    assert_int_equal(o.parent_id, 0);

    /* cursor paging: 5 orgs in pages of 2 */
    {
        int64_t after = 0, seen = 0;
        int pages = 0;
        do {
            OK(fx, st_org_list(fx->db, after, 2, &fx->a, &list, &n, &more, &fx->err));
            for (size_t i = 0; i < n; i++) {
                assert_true(list[i].id > after);
                after = list[i].id;
                seen++;
            }
            pages++;
        } while (more);
        assert_int_equal(seen, 5);
        assert_int_equal(pages, 3);
        assert_int_equal(n, 1);
    }

    OK(fx, st_org_subtree(fx->db, prov, &fx->a, &ids, &n, &fx->err));
    assert_int_equal(n, 3);
    assert_int_equal(ids[0], prov);
    assert_int_equal(ids[1], city);
    assert_int_equal(ids[2], unit);

    OK(fx, st_org_get(fx->db, unit, &fx->a, &o, &fx->err));
    o.name = "西城区医疗保障基金监管中心";
    o.policy = "beijing";
    OK(fx, st_org_update(fx->db, &o, &fx->err));
    OK(fx, st_org_get(fx->db, unit, &fx->a, &o, &fx->err));
    assert_string_equal(o.name, "西城区医疗保障基金监管中心");
    assert_string_equal(o.policy, "beijing");
    assert_string_equal(o.code, "110102");

    FAILS(fx, st_org_get(fx->db, 9999, &fx->a, &o, &fx->err), SX_E_NOTFOUND, "not-found");
    o.id = 9999;
    FAILS(fx, st_org_update(fx->db, &o, &fx->err), SX_E_NOTFOUND, "not-found");
    {
        struct st_org dup = {.code = "110000",
                             .name = "重复",
                             .short_name = "重",
                             .level = "province",
                             .created_at = T0};
        int64_t id;
        FAILS(fx, st_org_insert(fx->db, &dup, &id, &fx->err), SX_E_CONFLICT, "duplicate");
        dup.code = "999999";
        dup.created_at = "2026-03-02 08:00:00";
        FAILS(fx, st_org_insert(fx->db, &dup, &id, &fx->err), SX_E_INVALID, "invalid-timestamp");
        dup.created_at = T0;
        dup.parent_id = 424242;
        FAILS(fx, st_org_insert(fx->db, &dup, &id, &fx->err), SX_E_INVALID, "missing-reference");
    }
}

static void test_users(void **state)
{
    struct fx *fx = fx_get(state);
    struct st_user u, *list = NULL;
    size_t n = 0;
    int more = 0;
    int64_t org = add_org(fx, 0, "110000", "北京市医疗保障局", "京", "province");
    int64_t org2 = add_org(fx, 0, "530000", "云南省医疗保障局", "云", "province");
    int64_t a = add_user(fx, org, "zhangsan", "officer");
    int64_t b = add_user(fx, org, "lisi", "reviewer,officer");
    int64_t c = add_user(fx, org, "wangwu", "reviewer");
    int64_t d = add_user(fx, org, "zhaoliu", "officers,head"); /* not "officer" */
    add_user(fx, org2, "yunnan1", "officer");

    OK(fx, st_user_get_by_username(fx->db, "lisi", &fx->a, &u, &fx->err));
    assert_int_equal(u.id, b);
    assert_string_equal(u.display_name, "张执法");
    assert_string_equal(u.roles, "reviewer,officer");
    assert_string_equal(u.cert_no, "11010020240001");
    assert_string_equal(u.cert_valid_to, "2028-12-31");
    assert_non_null(u.password_hash);
    assert_null(u.legal_qualification);
    assert_int_equal(u.disabled, 0);

    /* role lists: exact role names, enabled users, one org */
    {
        static const struct {
            const char *role;
            size_t n;
        } rows[] = {{"officer", 2}, {"reviewer", 2}, {"head", 1}, {"admin", 0}};
        for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
            OK(fx, st_user_list_by_role(fx->db, org, rows[i].role, &fx->a, &list, &n, &fx->err));
            if (n != rows[i].n)
                fail_msg("role %s: %zu users, expected %zu", rows[i].role, n, rows[i].n);
        }
    }
    OK(fx, st_user_set_disabled(fx->db, a, 1, &fx->err));
    OK(fx, st_user_list_by_role(fx->db, org, "officer", &fx->a, &list, &n, &fx->err));
    assert_int_equal(n, 1);
    assert_int_equal(list[0].id, b);

    OK(fx, st_user_list(fx->db, org, 0, 3, &fx->a, &list, &n, &more, &fx->err));
    assert_int_equal(n, 3);
    assert_true(more);
    OK(fx, st_user_list(fx->db, org, list[2].id, 3, &fx->a, &list, &n, &more, &fx->err));
    assert_int_equal(n, 1);
    assert_int_equal(list[0].id, d);
    assert_false(more);
    OK(fx, st_user_list(fx->db, 0, 0, 100, &fx->a, &list, &n, &more, &fx->err));
    assert_int_equal(n, 5);

    OK(fx, st_user_get(fx->db, c, &fx->a, &u, &fx->err));
    u.display_name = "王审核";
    u.legal_qualification = "A20201100000001";
    u.roles = "reviewer,head";
    OK(fx, st_user_update(fx->db, &u, &fx->err));
    OK(fx, st_user_set_password(fx->db, c, "$argon2id$new", &fx->err));
    OK(fx, st_user_get(fx->db, c, &fx->a, &u, &fx->err));
    assert_string_equal(u.display_name, "王审核");
    assert_string_equal(u.legal_qualification, "A20201100000001");
    assert_string_equal(u.password_hash, "$argon2id$new");
    assert_string_equal(u.username, "wangwu");

    FAILS(fx, st_user_set_disabled(fx->db, 9999, 1, &fx->err), SX_E_NOTFOUND, "not-found");
    {
        struct st_user dup = {.org_id = org,
                              .username = "lisi",
                              .display_name = "李四",
                              .password_hash = "x",
                              .created_at = T0};
        int64_t id;
        FAILS(fx, st_user_insert(fx->db, &dup, &id, &fx->err), SX_E_CONFLICT, "duplicate");
        dup.username = "nobody";
        dup.org_id = 9999;
        FAILS(fx, st_user_insert(fx->db, &dup, &id, &fx->err), SX_E_INVALID, "missing-reference");
        dup.org_id = org;
        dup.cert_valid_to = "2028/12/31";
        FAILS(fx, st_user_insert(fx->db, &dup, &id, &fx->err), SX_E_INVALID, "invalid-date");
    }
}

static void test_sessions_and_tokens(void **state)
{
    struct fx *fx = fx_get(state);
    struct st_session s;
    struct st_api_token t, *tl = NULL;
    size_t n = 0;
    int64_t deleted = -1, tid = 0, tid2 = 0;
    int64_t org = add_org(fx, 0, "110000", "北京市医疗保障局", "京", "province");
    int64_t u = add_user(fx, org, "zhangsan", "officer");
    int64_t v = add_user(fx, org, "lisi", "officer");
    struct st_session in = {.token_hash = "th-1",
                            .user_id = u,
                            .csrf_token = "csrf-1",
                            .created_at = T0,
                            .expires_at = "2026-03-02T16:00:00Z"};

    OK(fx, st_session_insert(fx->db, &in, &fx->err));
    in.token_hash = "th-2";
    in.expires_at = "2026-03-02T09:00:00Z";
    OK(fx, st_session_insert(fx->db, &in, &fx->err));
    in.token_hash = "th-3";
    in.user_id = v;
    OK(fx, st_session_insert(fx->db, &in, &fx->err));
    FAILS(fx, st_session_insert(fx->db, &in, &fx->err), SX_E_CONFLICT, "duplicate");

    OK(fx, st_session_get(fx->db, "th-1", "2026-03-02T10:00:00Z", &fx->a, &s, &fx->err));
    assert_int_equal(s.user_id, u);
    assert_string_equal(s.csrf_token, "csrf-1");
    assert_int_equal(s.user.id, u);
    assert_string_equal(s.user.username, "zhangsan");
    assert_string_equal(s.user.display_name, "张执法");
    assert_null(s.user.password_hash);
    /* expired */
    FAILS(fx, st_session_get(fx->db, "th-2", "2026-03-02T10:00:00Z", &fx->a, &s, &fx->err),
          SX_E_NOTFOUND, "not-found");
    /* disabled user */
    OK(fx, st_user_set_disabled(fx->db, v, 1, &fx->err));
    FAILS(fx, st_session_get(fx->db, "th-3", "2026-03-02T08:30:00Z", &fx->a, &s, &fx->err),
          SX_E_NOTFOUND, "not-found");
    OK(fx, st_session_delete_expired(fx->db, "2026-03-02T10:00:00Z", &deleted, &fx->err));
    assert_int_equal(deleted, 2);
    OK(fx, st_session_delete(fx->db, "th-1", &fx->err));
    OK(fx, st_session_delete(fx->db, "th-1", &fx->err)); /* idempotent */
    FAILS(fx, st_session_get(fx->db, "th-1", "2026-03-02T10:00:00Z", &fx->a, &s, &fx->err),
          SX_E_NOTFOUND, "not-found");
    in.token_hash = "th-4";
    in.user_id = u;
    OK(fx, st_session_insert(fx->db, &in, &fx->err));
    OK(fx, st_session_delete_user(fx->db, u, &deleted, &fx->err));
    assert_int_equal(deleted, 1);

    {
        struct st_api_token ti = {
            .user_id = u, .name = "省平台数据对接", .token_hash = "tok-1", .created_at = T0};
        OK(fx, st_api_token_insert(fx->db, &ti, &tid, &fx->err));
        ti.token_hash = "tok-2";
        ti.name = "备用";
        OK(fx, st_api_token_insert(fx->db, &ti, &tid2, &fx->err));
        FAILS(fx, st_api_token_insert(fx->db, &ti, &tid2, &fx->err), SX_E_CONFLICT, "duplicate");
    }
    OK(fx, st_api_token_get_by_hash(fx->db, "tok-1", &fx->a, &t, &fx->err));
    assert_int_equal(t.id, tid);
    assert_string_equal(t.name, "省平台数据对接");
    assert_null(t.revoked_at);
    assert_string_equal(t.user.username, "zhangsan");
    OK(fx, st_api_token_revoke(fx->db, tid, "2026-03-03T00:00:00Z", &fx->err));
    FAILS(fx, st_api_token_revoke(fx->db, tid, "2026-03-03T00:00:00Z", &fx->err), SX_E_NOTFOUND,
          "not-found");
    FAILS(fx, st_api_token_get_by_hash(fx->db, "tok-1", &fx->a, &t, &fx->err), SX_E_NOTFOUND,
          "not-found");
    OK(fx, st_api_token_list(fx->db, u, &fx->a, &tl, &n, &fx->err));
    assert_int_equal(n, 2);
    assert_string_equal(tl[0].revoked_at, "2026-03-03T00:00:00Z");
    assert_null(tl[1].revoked_at);
    OK(fx, st_user_set_disabled(fx->db, u, 1, &fx->err));
    FAILS(fx, st_api_token_get_by_hash(fx->db, "tok-2", &fx->a, &t, &fx->err), SX_E_NOTFOUND,
          "not-found");
}

/* ---- audit ---- */

static void test_audit_and_rate_limit_counts(void **state)
{
    static const struct {
        const char *at, *username, *ip, *outcome;
    } log[] = {
        {"2026-03-02T08:00:00Z", "zhangsan", "10.0.0.1", "failed"},
        {"2026-03-02T08:01:00Z", "zhangsan", "10.0.0.2", "failed"},
        {"2026-03-02T08:02:00Z", "zhangsan", "10.0.0.1", "ok"},
        {"2026-03-02T08:03:00Z", "lisi", "10.0.0.1", "denied"},
        {"2026-03-02T08:04:00Z", "张三", "10.0.0.3", "failed"},
    };
    static const struct {
        const char *username, *ip, *since;
        int64_t n;
    } counts[] = {
        {"zhangsan", NULL, "2026-03-02T00:00:00Z", 2},
        {"zhangsan", NULL, "2026-03-02T08:01:00Z", 1}, /* since is inclusive */
        {NULL, "10.0.0.1", "2026-03-02T00:00:00Z", 2}, /* ok entries do not count */
        {"张三", NULL, "2026-03-02T00:00:00Z", 1},
        {"zhangsan", "10.0.0.3", "2026-03-02T00:00:00Z", 3}, /* username or ip */
        {NULL, NULL, "2026-03-02T00:00:00Z", 0},
        {"nobody", NULL, "2026-03-02T00:00:00Z", 0},
    };
    struct fx *fx = fx_get(state);
    struct st_audit *list = NULL;
    size_t n = 0;
    int more = 0;
    int64_t org = add_org(fx, 0, "110000", "北京市医疗保障局", "京", "province");
    int64_t u = add_user(fx, org, "zhangsan", "officer");

    for (size_t i = 0; i < sizeof(log) / sizeof(log[0]); i++) {
        struct st_audit a = {.at = log[i].at,
                             .user_id = i == 2 ? u : 0,
                             .username = log[i].username,
                             .action = "login",
                             .outcome = log[i].outcome,
                             .ip = log[i].ip,
                             .detail = "密码错误"};
        int64_t id = 0;
        OK(fx, st_audit_append(fx->db, &a, &id, &fx->err));
        assert_true(id > 0);
    }
    {
        struct st_audit other = {.at = T0,
                                 .username = "zhangsan",
                                 .action = "case.create",
                                 .outcome = "denied",
                                 .target = "case:1"};
        OK(fx, st_audit_append(fx->db, &other, NULL, &fx->err));
        other.outcome = "maybe";
        FAILS(fx, st_audit_append(fx->db, &other, NULL, &fx->err), SX_E_INVALID, "db-check");
    }
    for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
        int64_t c = -1;
        OK(fx, st_audit_count_failures(fx->db, "login", counts[i].username, counts[i].ip,
                                       counts[i].since, &c, &fx->err));
        if (c != counts[i].n)
            fail_msg("row %zu: %" PRId64 " failures, expected %" PRId64, i, c, counts[i].n);
    }
    OK(fx, st_audit_list(fx->db, 0, 4, &fx->a, &list, &n, &more, &fx->err));
    assert_int_equal(n, 4);
    assert_true(more);
    assert_string_equal(list[3].username, "lisi");
    assert_int_equal(list[2].user_id, u);
    assert_int_equal(list[0].user_id, 0);
    OK(fx, st_audit_list(fx->db, list[3].id, 4, &fx->a, &list, &n, &more, &fx->err));
    assert_int_equal(n, 2);
    assert_false(more);
    assert_string_equal(list[0].username, "张三");
    assert_string_equal(list[0].detail, "密码错误");
}

/* ---- cases, parties, officers ---- */

static void assert_str_same(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        assert_ptr_equal(a, b);
    else
        assert_string_equal(a, b);
}

/* st_case_page gives what st_case_get + st_party_list + st_case_officer_list give. */
static void check_case_page(struct fx *fx, int64_t id, size_t want_officers)
{
    struct st_case a, b;
    struct st_party *pa = NULL, *pb = NULL;
    struct st_user *oa = NULL, *ob = NULL;
    size_t npa = 0, npb = 0, noa = 0, nob = 0;
    OK(fx, st_case_page(fx->db, id, &fx->a, &a, &pa, &npa, &oa, &noa, &fx->err));
    OK(fx, st_case_get(fx->db, id, &fx->a, &b, &fx->err));
    OK(fx, st_party_list(fx->db, id, &fx->a, &pb, &npb, &fx->err));
    OK(fx, st_case_officer_list(fx->db, id, &fx->a, &ob, &nob, &fx->err));
    assert_int_equal(a.id, b.id);
    assert_int_equal(a.org_id, b.org_id);
    assert_int_equal(a.number_year, b.number_year);
    assert_int_equal(a.fine_fen, b.fine_fen);
    assert_int_equal(a.created_by, b.created_by);
    assert_int_equal(a.record_count, b.record_count);
    assert_str_same(a.kind, b.kind);
    assert_str_same(a.number, b.number);
    assert_str_same(a.state, b.state);
    assert_str_same(a.cause, b.cause);
    assert_str_same(a.summary, b.summary);
    assert_str_same(a.flags, b.flags);
    assert_str_same(a.head_hash, b.head_hash);
    assert_int_equal(npa, npb);
    for (size_t i = 0; i < npa; i++) {
        assert_int_equal(pa[i].id, pb[i].id);
        assert_str_same(pa[i].name, pb[i].name);
        assert_str_same(pa[i].id_number, pb[i].id_number);
        assert_str_same(pa[i].uscc, pb[i].uscc);
        assert_str_same(pa[i].birth_date, pb[i].birth_date);
    }
    assert_int_equal(noa, want_officers);
    assert_int_equal(noa, nob);
    for (size_t i = 0; i < noa; i++) {
        assert_int_equal(oa[i].id, ob[i].id);
        assert_int_equal(oa[i].disabled, ob[i].disabled);
        assert_str_same(oa[i].display_name, ob[i].display_name);
        assert_str_same(oa[i].cert_no, ob[i].cert_no);
        assert_str_same(oa[i].cert_valid_to, ob[i].cert_valid_to);
        assert_null(oa[i].password_hash);
    }
}

/* st_case_each's callback: compares each case with list[] (st_case_list's answer). */
struct each_state {
    const struct st_case *list; /* NULL: count only */
    size_t n_list, n;
    size_t stop_at; /* > 0: fail at this many */
    int mismatch;
};

static int each_case(void *ctx, const struct st_case *c, struct sx_err *err)
{
    struct each_state *es = ctx;
    if (es->stop_at > 0 && es->n == es->stop_at)
        return SX_FAIL(err, SX_E_TAMPER, "stop", "停止", "", "", "test");
    if (es->list != NULL) {
        const struct st_case *w = es->n < es->n_list ? &es->list[es->n] : NULL;
        if (w == NULL || w->id != c->id || w->org_id != c->org_id ||
            strcmp(w->kind, c->kind) != 0 || strcmp(w->state, c->state) != 0 ||
            strcmp(w->cause, c->cause) != 0 || strcmp(w->flags, c->flags) != 0 ||
            w->fine_fen != c->fine_fen || (w->number == NULL) != (c->number == NULL) ||
            (w->number != NULL && strcmp(w->number, c->number) != 0))
            es->mismatch = 1;
    }
    es->n++;
    return 0;
}

static void test_cases_roundtrip_and_filters(void **state)
{
    struct fx *fx = fx_get(state);
    struct st_case c, *list = NULL;
    struct st_party *parties = NULL;
    struct st_user *officers = NULL;
    size_t n = 0;
    int more = 0;
    int64_t bj = add_org(fx, 0, "110000", "北京市医疗保障局", "京", "province");
    int64_t xc = add_org(fx, bj, "110102", "西城分局", "京西", "county");
    int64_t yn = add_org(fx, 0, "530000", "云南省医疗保障局", "云", "province");
    int64_t u1 = add_user(fx, bj, "zhangsan", "officer");
    int64_t u2 = add_user(fx, bj, "lisi", "officer");
    int64_t c1 = add_case(fx, bj, u1, "penalty", "filed", "涉嫌串换药品");
    int64_t c2 = add_case(fx, xc, u1, "inspection", "clue", "日常检查");
    int64_t c3 = add_case(fx, yn, u2, "penalty", "filed", "虚假住院 100%报销");
    int64_t c4 = add_case(fx, bj, u2, "coercion", "decided", "查封账册_a");
    int64_t pid = 0;

    {
        struct st_party p = {.case_id = c1,
                             .kind = "org",
                             .name = "北京某某大药房有限公司",
                             .uscc = "91110102MA01ABCD3X",
                             .legal_rep = "赵某",
                             .address = "北京市西城区某街1号"};
        OK(fx, st_party_insert(fx->db, &p, &pid, &fx->err));
        p = (struct st_party){.case_id = c3,
                              .kind = "person",
                              .name = "李某某",
                              .id_number = "53010219900101123X",
                              .birth_date = "1990-01-01",
                              .phone = "13800000000"};
        OK(fx, st_party_insert(fx->db, &p, &pid, &fx->err));
        p.kind = "robot";
        FAILS(fx, st_party_insert(fx->db, &p, &pid, &fx->err), SX_E_INVALID, "db-check");
    }
    OK(fx, st_party_list(fx->db, c3, &fx->a, &parties, &n, &fx->err));
    assert_int_equal(n, 1);
    assert_string_equal(parties[0].name, "李某某");
    assert_string_equal(parties[0].id_number, "53010219900101123X");
    assert_null(parties[0].uscc);

    OK(fx, st_case_officer_add(fx->db, c1, u1, &fx->err));
    OK(fx, st_case_officer_add(fx->db, c1, u2, &fx->err));
    OK(fx, st_case_officer_add(fx->db, c2, u2, &fx->err));
    FAILS(fx, st_case_officer_add(fx->db, c1, u2, &fx->err), SX_E_CONFLICT, "duplicate");
    OK(fx, st_case_officer_list(fx->db, c1, &fx->a, &officers, &n, &fx->err));
    assert_int_equal(n, 2);
    assert_string_equal(officers[0].cert_no, "11010020240001");
    assert_string_equal(officers[1].cert_valid_from, "2024-01-01");
    assert_null(officers[0].password_hash);
    check_case_page(fx, c1, 2);
    check_case_page(fx, c3, 0);
    check_case_page(fx, c4, 0);
    {
        struct st_case pc;
        struct st_party *pp;
        struct st_user *po;
        size_t npp, npo;
        FAILS(fx, st_case_page(fx->db, c4 + 100, &fx->a, &pc, &pp, &npp, &po, &npo, &fx->err),
              SX_E_NOTFOUND, "not-found");
    }

    OK(fx, st_case_get(fx->db, c1, &fx->a, &c, &fx->err));
    assert_string_equal(c.cause, "涉嫌串换药品");
    assert_string_equal(c.summary, "经查，该机构存在串换药品行为。");
    assert_null(c.number);
    assert_int_equal(c.number_year, 0);
    assert_string_equal(c.flags, "{}");
    assert_int_equal(c.record_count, 0);
    assert_string_equal(c.head_hash,
                        "0000000000000000000000000000000000000000000000000000000000000000");

    /* issue a number and set the projection */
    c.state = "investigating";
    c.number = "京医保罚〔2026〕1号";
    c.number_year = 2026;
    c.number_seq = 1;
    c.fine_fen = 1234567;
    c.fund_recovery_fen = 890000;
    c.flags = "{\"hearing\":true}";
    OK(fx, st_case_update_projection(fx->db, &c, &fx->err));
    OK(fx, st_case_get(fx->db, c1, &fx->a, &c, &fx->err));
    assert_string_equal(c.number, "京医保罚〔2026〕1号");
    assert_int_equal(c.number_seq, 1);
    assert_int_equal(c.fine_fen, 1234567);
    assert_int_equal(c.fund_recovery_fen, 890000);
    assert_string_equal(c.state, "investigating");
    assert_string_equal(c.flags, "{\"hearing\":true}");
    /* DESIGN §3: issued once, never changed */
    c.number = "京医保罚〔2026〕2号";
    FAILS(fx, st_case_update_projection(fx->db, &c, &fx->err), SX_E_CONFLICT,
          "case-number-immutable");
    /* ... and never reused */
    {
        struct st_case d;
        OK(fx, st_case_get(fx->db, c2, &fx->a, &d, &fx->err));
        d.number = "京医保罚〔2026〕1号";
        d.number_year = 2026;
        d.number_seq = 1;
        FAILS(fx, st_case_update_projection(fx->db, &d, &fx->err), SX_E_CONFLICT, "duplicate");
        d.number = NULL;
        d.fine_fen = -1;
        FAILS(fx, st_case_update_projection(fx->db, &d, &fx->err), SX_E_INVALID, "invalid-amount");
    }

    /* list filters, one row per case */
    {
        int64_t bj_scope[] = {bj, xc};
        int64_t yn_scope[] = {yn};
        const struct {
            const char *what;
            struct st_case_filter f;
            int64_t want[4];
        } rows[] = {
            {"all orgs", {.any_org = 1, .limit = 50}, {c1, c2, c3, c4}},
            {"beijing scope", {.org_ids = bj_scope, .n_org_ids = 2, .limit = 50}, {c1, c2, c4}},
            {"empty scope", {.org_ids = bj_scope, .n_org_ids = 0, .limit = 50}, {0}},
            {"yunnan scope", {.org_ids = yn_scope, .n_org_ids = 1, .limit = 50}, {c3}},
            {"kind", {.any_org = 1, .kind = "penalty", .limit = 50}, {c1, c3}},
            {"state", {.any_org = 1, .state = "filed", .limit = 50}, {c3}},
            {"q number", {.any_org = 1, .q = "〔2026〕1", .limit = 50}, {c1}},
            {"q cause", {.any_org = 1, .q = "检查", .limit = 50}, {c2}},
            {"q party", {.any_org = 1, .q = "大药房", .limit = 50}, {c1}},
            {"q party person", {.any_org = 1, .q = "李某", .limit = 50}, {c3}},
            {"q percent literal", {.any_org = 1, .q = "100%", .limit = 50}, {c3}},
            {"q percent alone", {.any_org = 1, .q = "%", .limit = 50}, {c3}},
            {"q underscore literal", {.any_org = 1, .q = "_a", .limit = 50}, {c4}},
            {"officer", {.any_org = 1, .officer_id = u2, .limit = 50}, {c1, c2}},
            {"scope and officer",
             {.org_ids = bj_scope, .n_org_ids = 1, .officer_id = u2, .limit = 50},
             {c1}},
            {"cursor", {.any_org = 1, .after_id = c2, .limit = 50}, {c3, c4}},
            {"no match", {.any_org = 1, .q = "不存在的案由", .limit = 50}, {0}},
        };
        for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
            size_t want_n = 0;
            while (want_n < 4 && rows[i].want[want_n] != 0)
                want_n++;
            OK(fx, st_case_list(fx->db, &rows[i].f, &fx->a, &list, &n, &more, &fx->err));
            if (n != want_n)
                fail_msg("%s: %zu cases, expected %zu", rows[i].what, n, want_n);
            for (size_t k = 0; k < n; k++)
                if (list[k].id != rows[i].want[k])
                    fail_msg("%s: case %zu is %" PRId64 ", expected %" PRId64, rows[i].what, k,
                             list[k].id, rows[i].want[k]);
            assert_false(more);
            /* st_case_each: the same cases and columns, streamed in one statement */
            struct each_state es = {.list = list, .n_list = n};
            OK(fx, st_case_each(fx->db, &rows[i].f, each_case, &es, &fx->err));
            if (es.n != want_n || es.mismatch)
                fail_msg("%s: st_case_each gave %zu cases (mismatch %d), expected %zu",
                         rows[i].what, es.n, es.mismatch, want_n);
        }
        /* a callback error stops it and comes back unchanged; the connection stays usable */
        struct each_state es = {.list = NULL, .stop_at = 2};
        struct st_case_filter all = {.any_org = 1};
        FAILS(fx, st_case_each(fx->db, &all, each_case, &es, &fx->err), SX_E_TAMPER, "stop");
        assert_int_equal(es.n, 2);
        es = (struct each_state){.list = NULL};
        OK(fx, st_case_each(fx->db, &all, each_case, &es, &fx->err));
        assert_int_equal(es.n, 4);
    }
    /* paging */
    {
        struct st_case_filter f = {.any_org = 1, .limit = 3};
        OK(fx, st_case_list(fx->db, &f, &fx->a, &list, &n, &more, &fx->err));
        assert_int_equal(n, 3);
        assert_true(more);
        f.after_id = list[2].id;
        OK(fx, st_case_list(fx->db, &f, &fx->a, &list, &n, &more, &fx->err));
        assert_int_equal(n, 1);
        assert_int_equal(list[0].id, c4);
        assert_false(more);
    }
    /* metrics */
    {
        struct st_counts k;
        struct st_case_count *cc = NULL;
        OK(fx, st_counts(fx->db, T0, &k, &fx->err));
        assert_int_equal(k.orgs, 3);
        assert_int_equal(k.users, 2);
        assert_int_equal(k.cases, 4);
        assert_int_equal(k.records, 0);
        OK(fx, st_case_counts(fx->db, &fx->a, &cc, &n, &fx->err));
        assert_int_equal(n, 4);
        assert_string_equal(cc[0].kind, "coercion");
        assert_string_equal(cc[2].kind, "penalty");
        assert_string_equal(cc[2].state, "filed");
        assert_int_equal(cc[2].count, 1);
    }
    FAILS(fx, st_case_get(fx->db, 4242, &fx->a, &c, &fx->err), SX_E_NOTFOUND, "not-found");
}

/* ---- records ---- */

static void test_record_append_chain(void **state)
{
    struct fx *fx = fx_get(state);
    struct st_record r1, r2, r3, got, *recs = NULL;
    struct st_case c;
    size_t n = 0;
    int64_t org = add_org(fx, 0, "110000", "北京市医疗保障局", "京", "province");
    int64_t u = add_user(fx, org, "zhangsan", "officer");
    int64_t c1 = add_case(fx, org, u, "penalty", "clue", "涉嫌串换药品");
    int64_t c2 = add_case(fx, org, u, "penalty", "clue", "其他案件");

    r1 = append(fx, c1, u, "filing", "{\"opinion\":\"同意立案\"}", 0);
    r2 = append(fx, c1, u, "inquiry", "{\"persons\":[\"张三\",\"李四\"],\"place\":\"药房\"}", 0);
    r3 = append(fx, c1, u, "correction", "{\"reason\":\"笔误\"}", r2.id);
    assert_int_equal(r1.seq, 1);
    assert_int_equal(r2.seq, 2);
    assert_int_equal(r3.seq, 3);
    assert_string_equal(r1.prev_hash,
                        "0000000000000000000000000000000000000000000000000000000000000000");
    assert_string_equal(r2.prev_hash, r1.hash);
    assert_string_equal(r3.prev_hash, r2.hash);
    assert_int_equal(r3.corrects, r2.id);

    /* the stored hash is the ledger's: SM3(prev || envelope) */
    {
        struct lg_chain ch = {0};
        struct lg_record lr = to_lg(&r2);
        char hex[LG_SM3_HEX_LEN + 1];
        OK(fx, lg_chain_open(&ch, &fx->err));
        OK(fx, lg_chain_seal(&ch, r1.hash, &lr, hex, &fx->err));
        lg_chain_close(&ch);
        assert_string_equal(hex, r2.hash);
    }

    OK(fx, st_record_get(fx->db, r2.id, &fx->a, &got, &fx->err));
    assert_int_equal(got.case_id, c1);
    assert_string_equal(got.body, "{\"persons\":[\"张三\",\"李四\"],\"place\":\"药房\"}");
    assert_string_equal(got.hash, r2.hash);
    assert_string_equal(got.recorded_at, "2026-03-02T08:00:05Z");
    OK(fx, st_case_get(fx->db, c1, &fx->a, &c, &fx->err));
    assert_int_equal(c.record_count, 3);
    assert_string_equal(c.head_hash, r3.hash);
    assert_int_equal(verify_chain(fx, c1, &n), 0);
    assert_int_equal(n, 3);

    /* a workflow step: the case read under its lock, then the record and the projection */
    {
        struct st_case locked, proj;
        struct st_party *pp;
        struct st_user *po;
        size_t npp, npo;
        struct st_record r4;
        struct st_record_new in = {.action = "file",
                                   .case_id = c1,
                                   .type = "filing",
                                   .at = T0,
                                   .recorded_at = T0,
                                   .actor_id = u,
                                   .body = "{}"};
        FAILS(fx, st_case_page_for_update(fx->db, c1, &fx->a, &locked, &pp, &npp, &po, &npo,
                                          &fx->err),
              SX_E_INTERNAL, "tx-required");
        OK(fx, st_begin(fx->db, &fx->err));
        OK(fx, st_case_page_for_update(fx->db, c1, &fx->a, &locked, &pp, &npp, &po, &npo,
                                       &fx->err));
        assert_string_equal(locked.head_hash, r3.hash);
        proj = locked;
        proj.state = "filed";
        proj.flags = "{\"wf\":{}}";
        proj.fine_fen = 500000;
        in.locked = &locked;
        in.projection = &proj;
        in.locked = &(struct st_case){.id = c2, .head_hash = r3.hash};
        FAILS(fx, st_record_append(fx->db, &in, &fx->a, &r4, &fx->err), SX_E_INTERNAL,
              "bad-locked-case");
        in.locked = &locked;
        OK(fx, st_record_append(fx->db, &in, &fx->a, &r4, &fx->err));
        /* a stale locked head (the case moved on) is refused (seq taken, or the head moved) */
        assert_int_not_equal(st_record_append(fx->db, &in, &fx->a, &r4, &fx->err), 0);
        OK(fx, st_rollback(fx->db, &fx->err));
        OK(fx, st_begin(fx->db, &fx->err));
        OK(fx, st_case_page_for_update(fx->db, c1, &fx->a, &locked, &pp, &npp, &po, &npo,
                                       &fx->err));
        in.locked = &locked;
        OK(fx, st_record_append(fx->db, &in, &fx->a, &r4, &fx->err));
        OK(fx, st_commit(fx->db, &fx->err));
        assert_int_equal(r4.seq, 4);
        assert_string_equal(r4.prev_hash, r3.hash);
        OK(fx, st_case_get(fx->db, c1, &fx->a, &c, &fx->err));
        assert_int_equal(c.record_count, 4);
        assert_string_equal(c.head_hash, r4.hash);
        assert_string_equal(c.state, "filed");
        assert_string_equal(c.flags, "{\"wf\":{}}");
        assert_int_equal(c.fine_fen, 500000);
        assert_int_equal(verify_chain(fx, c1, &n), 0);
        assert_int_equal(n, 4);
    }

    /* refusals: outside a transaction, in a read transaction, bad references, bad body */
    {
        struct st_record_new in = {.action = "note",
                                   .case_id = c1,
                                   .type = "note",
                                   .at = T0,
                                   .recorded_at = T0,
                                   .actor_id = u,
                                   .body = "{}"};
        struct st_record out;
        FAILS(fx, st_record_append(fx->db, &in, &fx->a, &out, &fx->err), SX_E_INTERNAL,
              "tx-required");
        OK(fx, st_begin_read(fx->db, &fx->err));
        FAILS(fx, st_record_append(fx->db, &in, &fx->a, &out, &fx->err), SX_E_INTERNAL,
              "tx-required");
        OK(fx, st_rollback(fx->db, &fx->err));

        OK(fx, st_begin(fx->db, &fx->err));
        in.corrects = r1.id;
        in.case_id = c2;
        FAILS(fx, st_record_append(fx->db, &in, &fx->a, &out, &fx->err), SX_E_INVALID,
              "corrects-other-case");
        in.corrects = 0;
        in.case_id = 4242;
        FAILS(fx, st_record_append(fx->db, &in, &fx->a, &out, &fx->err), SX_E_NOTFOUND,
              "not-found");
        OK(fx, st_rollback(fx->db, &fx->err));

        OK(fx, st_begin(fx->db, &fx->err));
        in.case_id = c2;
        in.body = "{\"b\":1,\"a\":2}"; /* not canonical: keys out of order */
        sx_err_clear(&fx->err);
        assert_int_equal(st_record_append(fx->db, &in, &fx->a, &out, &fx->err), SX_E_INVALID);
        in.body = "{}";
        in.at = "2026-03-02T08:00:00+08:00";
        FAILS(fx, st_record_append(fx->db, &in, &fx->a, &out, &fx->err), SX_E_INVALID,
              "invalid-timestamp");
        /* an appended record rolled back leaves no trace */
        in.at = T0;
        OK(fx, st_record_append(fx->db, &in, &fx->a, &out, &fx->err));
        assert_int_equal(out.seq, 1);
        OK(fx, st_rollback(fx->db, &fx->err));
        OK(fx, st_record_list(fx->db, c2, &fx->a, &recs, &n, &fx->err));
        assert_int_equal(n, 0);
        OK(fx, st_case_get(fx->db, c2, &fx->a, &c, &fx->err));
        assert_int_equal(c.record_count, 0);
    }
}

/* Append-only: raw UPDATE/DELETE (and TRUNCATE on PostgreSQL) are refused by triggers. */
static void test_append_only_triggers(void **state)
{
    struct fx *fx = fx_get(state);
    int64_t org = add_org(fx, 0, "110000", "北京市医疗保障局", "京", "province");
    int64_t u = add_user(fx, org, "zhangsan", "officer");
    int64_t c1 = add_case(fx, org, u, "penalty", "clue", "涉嫌串换药品");
    struct st_record r = append(fx, c1, u, "filing", "{\"opinion\":\"同意立案\"}", 0);
    struct st_audit a = {.at = T0, .username = "zhangsan", .action = "login", .outcome = "ok"};
    struct st_record got;
    struct st_counts k;
    char msg[512];
    const char *sqls[] = {
        "UPDATE records SET body = '{}'",
        "UPDATE records SET hash = prev_hash WHERE seq = 1",
        "DELETE FROM records",
        "DELETE FROM records WHERE seq = 1",
        "UPDATE audit_log SET outcome = 'failed'",
        "DELETE FROM audit_log",
        "TRUNCATE records",       /* PostgreSQL only */
        "TRUNCATE audit_log",     /* PostgreSQL only */
        "TRUNCATE cases CASCADE", /* PostgreSQL only: reaches records */
    };
    OK(fx, st_audit_append(fx->db, &a, NULL, &fx->err));
    for (size_t i = 0; i < sizeof(sqls) / sizeof(sqls[0]); i++) {
        if (!fx->pg && strncmp(sqls[i], "TRUNCATE", 8) == 0)
            continue;
        if (raw_exec(fx, fx->url, sqls[i], msg, sizeof(msg)) == 0)
            fail_msg("\"%s\" was allowed", sqls[i]);
        if (strstr(msg, "append-only") == NULL)
            fail_msg("\"%s\" failed for another reason: %s", sqls[i], msg);
    }
    OK(fx, st_record_get(fx->db, r.id, &fx->a, &got, &fx->err));
    assert_string_equal(got.body, "{\"opinion\":\"同意立案\"}");
    assert_string_equal(got.hash, r.hash);
    OK(fx, st_counts(fx->db, T0, &k, &fx->err));
    assert_int_equal(k.records, 1);
    assert_int_equal(k.audit_entries, 1);

    /* the chain head cannot move backwards either */
    if (raw_exec(fx, fx->url, "UPDATE cases SET record_count = 0", msg, sizeof(msg)) == 0)
        fail_msg("moving the chain head back was allowed");
    assert_non_null(strstr(msg, "immutable"));

    /* and the hash chain catches what a trigger cannot: an edit with triggers disabled */
    if (raw_exec(fx, fx->url,
                 fx->pg ? "ALTER TABLE records DISABLE TRIGGER records_append_only; "
                          "UPDATE records SET body = '{\"opinion\":\"不予立案\"}'"
                        : "DROP TRIGGER records_no_update; "
                          "UPDATE records SET body = '{\"opinion\":\"不予立案\"}'",
                 msg, sizeof(msg)) != 0)
        fail_msg("tampering setup: %s", msg);
    sx_err_clear(&fx->err);
    assert_int_equal(verify_chain(fx, c1, NULL), SX_E_TAMPER);
}

/* st_fail maps each kind of database failure to one code and problem type. */
static void test_failure_mapping(void **state)
{
    static const struct {
        enum st_fail_kind kind;
        const char *msg;
        int code;
        const char *type;
        int status;
    } rows[] = {
        {ST_FAIL_BUSY, "database is locked", SX_E_DB, "db-busy", 503},
        {ST_FAIL_UNIQUE, "UNIQUE constraint failed", SX_E_CONFLICT, "duplicate", 409},
        {ST_FAIL_FOREIGN, "FOREIGN KEY constraint failed", SX_E_INVALID, "missing-reference", 0},
        {ST_FAIL_CHECK, "CHECK constraint failed", SX_E_INVALID, "db-check", 0},
        {ST_FAIL_TRIGGER, "append-only: records", SX_E_FORBIDDEN, "append-only", 403},
        {ST_FAIL_TRIGGER, "immutable: cases.number", SX_E_CONFLICT, "case-number-immutable", 409},
        {ST_FAIL_TRIGGER, "immutable: cases.head_hash", SX_E_INTERNAL, "chain-head", 500},
        {ST_FAIL_CONNECTION, "server closed the connection", SX_E_DB, "db-connection", 503},
        {ST_FAIL_OTHER, "syntax error", SX_E_DB, "db-error", 500},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct sx_err err;
        sx_err_clear(&err);
        assert_int_equal(st_fail(&err, rows[i].kind, ST_RECORD_INSERT, rows[i].msg), rows[i].code);
        assert_string_equal(err.type, rows[i].type);
        if (rows[i].status != 0)
            assert_int_equal(err.status, rows[i].status);
        assert_true(err.title[0] != '\0');
    }
}

/* ---- transactions ---- */

static void test_transactions(void **state)
{
    struct fx *fx = fx_get(state);
    struct st_org o;
    int64_t org, seq = 0, id = 0;
    struct st_org dup = {.code = "110000",
                         .name = "重复",
                         .short_name = "重",
                         .level = "province",
                         .created_at = T0};

    OK(fx, st_rollback(fx->db, &fx->err)); /* nothing open: no-op */
    FAILS(fx, st_counter_next(fx->db, 1, 2026, "penalty", &seq, &fx->err), SX_E_INTERNAL,
          "tx-required");
    OK(fx, st_begin(fx->db, &fx->err));
    assert_true(st_in_tx(fx->db));
    FAILS(fx, st_begin(fx->db, &fx->err), SX_E_INTERNAL, "tx-nested");
    org = add_org(fx, 0, "110000", "北京市医疗保障局", "京", "province");
    OK(fx, st_counter_next(fx->db, org, 2026, "penalty", &seq, &fx->err));
    assert_int_equal(seq, 1);
    OK(fx, st_rollback(fx->db, &fx->err));
    assert_false(st_in_tx(fx->db));
    FAILS(fx, st_org_get(fx->db, org, &fx->a, &o, &fx->err), SX_E_NOTFOUND, "not-found");
    OK(fx, st_migrate(fx->db, NULL, &fx->err)); /* a current schema: no-op */
    FAILS(fx, st_commit(fx->db, &fx->err), SX_E_INTERNAL, "tx-none");

    OK(fx, st_begin(fx->db, &fx->err));
    org = add_org(fx, 0, "110000", "北京市医疗保障局", "京", "province");
    OK(fx, st_counter_next(fx->db, org, 2026, "penalty", &seq, &fx->err));
    assert_int_equal(seq, 1); /* the rolled-back number is given again: no gap */
    OK(fx, st_counter_next(fx->db, org, 2026, "penalty", &seq, &fx->err));
    assert_int_equal(seq, 2);
    OK(fx, st_counter_next(fx->db, org, 2026, "inspection", &seq, &fx->err));
    assert_int_equal(seq, 1);
    OK(fx, st_counter_next(fx->db, org, 2027, "penalty", &seq, &fx->err));
    assert_int_equal(seq, 1);
    OK(fx, st_commit(fx->db, &fx->err));
    OK(fx, st_org_get(fx->db, org, &fx->a, &o, &fx->err));

    /* PostgreSQL aborts a transaction at its first error; committing it must not look fine */
    OK(fx, st_begin(fx->db, &fx->err));
    FAILS(fx, st_org_insert(fx->db, &dup, &id, &fx->err), SX_E_CONFLICT, "duplicate");
    if (fx->pg) {
        FAILS(fx, st_commit(fx->db, &fx->err), SX_E_DB, "db-tx-aborted");
        OK(fx, st_rollback(fx->db, &fx->err));
    } else {
        OK(fx, st_commit(fx->db, &fx->err));
    }
    assert_false(st_in_tx(fx->db));
    OK(fx, st_migrate(fx->db, NULL, &fx->err));
}

/* A second writer waits 5 s, then gets a clear "busy" error (SQLite busy / PG lock_timeout). */
static void test_busy_is_reported(void **state)
{
    struct fx *fx = fx_get(state);
    struct st_db *db2 = NULL;
    int64_t org = add_org(fx, 0, "110000", "北京市医疗保障局", "京", "province");
    int64_t seq = 0;
    OK(fx, st_open(fx->url, &db2, &fx->err));
    OK(fx, st_begin(fx->db, &fx->err));
    OK(fx, st_counter_next(fx->db, org, 2026, "penalty", &seq, &fx->err));
    if (fx->pg) {
        OK(fx, st_begin(db2, &fx->err));
        FAILS(fx, st_counter_next(db2, org, 2026, "penalty", &seq, &fx->err), SX_E_DB, "db-busy");
    } else {
        FAILS(fx, st_begin(db2, &fx->err), SX_E_DB, "db-busy");
    }
    assert_int_equal(fx->err.status, 503);
    OK(fx, st_rollback(db2, &fx->err));
    OK(fx, st_commit(fx->db, &fx->err));
    /* after the first commits, the second goes on */
    OK(fx, st_begin(db2, &fx->err));
    OK(fx, st_counter_next(db2, org, 2026, "penalty", &seq, &fx->err));
    assert_int_equal(seq, 2);
    OK(fx, st_commit(db2, &fx->err));
    st_close(db2);
}

/*
 * PostgreSQL: a connection the server dropped (restart, failover) is re-established on the
 * next statement; one dropped inside a transaction fails until st_rollback.
 */
static void test_pg_reconnect(void **state)
{
    struct fx *fx = fx_get(state);
    struct st_org o;
    char msg[512];
    int64_t org;
    const char *kill = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()";
    org = add_org(fx, 0, "110000", "北京市医疗保障局", "京", "province");

    if (raw_exec(fx, fx->url, kill, msg, sizeof(msg)) != 0)
        fail_msg("%s", msg);
    FAILS(fx, st_org_get(fx->db, org, &fx->a, &o, &fx->err), SX_E_DB, "db-connection");
    assert_int_equal(fx->err.status, 503);
    OK(fx, st_org_get(fx->db, org, &fx->a, &o, &fx->err));
    assert_string_equal(o.short_name, "京");

    OK(fx, st_begin(fx->db, &fx->err));
    if (raw_exec(fx, fx->url, kill, msg, sizeof(msg)) != 0)
        fail_msg("%s", msg);
    FAILS(fx, st_org_get(fx->db, org, &fx->a, &o, &fx->err), SX_E_DB, "db-connection");
    /* reconnected, but the transaction is gone: refuse to go on outside it */
    FAILS(fx, st_org_get(fx->db, org, &fx->a, &o, &fx->err), SX_E_DB, "db-connection");
    FAILS(fx, st_commit(fx->db, &fx->err), SX_E_DB, "db-connection");
    OK(fx, st_rollback(fx->db, &fx->err));
    assert_false(st_in_tx(fx->db));
    OK(fx, st_org_get(fx->db, org, &fx->a, &o, &fx->err));
    OK(fx, st_begin(fx->db, &fx->err));
    OK(fx, st_commit(fx->db, &fx->err));
}

/* ---- concurrency: 2 processes x 4 threads, one connection each ---- */

#define N_THREADS 4
#define N_ITERS 40

struct worker {
    const char *url;
    int append; /* 0: st_counter_next, 1: st_record_append */
    int64_t org_id, case_id, actor_id;
    int64_t got[N_ITERS];
    int busy_retries;
    char error[600];
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct st_db *db = NULL;
    struct sx_arena a;
    struct sx_err err;
    int done = 0;

    sx_arena_init(&a, 4096);
    if (st_open(w->url, &db, &err) != 0) {
        snprintf(w->error, sizeof(w->error), "open: %s", err.detail);
        goto out;
    }
    while (done < N_ITERS) {
        int64_t v = 0;
        int rc = st_begin(db, &err);
        if (rc == 0 && !w->append) {
            rc = st_counter_next(db, w->org_id, 2026, "penalty", &v, &err);
        } else if (rc == 0) {
            struct st_record out;
            char body[64];
            struct st_record_new in = {.action = "note",
                                       .case_id = w->case_id,
                                       .type = "note",
                                       .at = T0,
                                       .recorded_at = T0,
                                       .actor_id = w->actor_id,
                                       .body = body};
            snprintf(body, sizeof(body), "{\"n\":%d,\"pid\":%d}", done, (int)getpid());
            rc = st_record_append(db, &in, &a, &out, &err);
            if (rc == 0)
                v = out.seq;
        }
        if (rc == 0)
            rc = st_commit(db, &err);
        if (rc != 0) {
            st_rollback(db, NULL);
            /* the app layer retries a 503 busy; so does the test, boundedly */
            if (strcmp(err.type, "db-busy") == 0 && w->busy_retries < 1000) {
                w->busy_retries++;
                continue;
            }
            snprintf(w->error, sizeof(w->error), "%s: %s", err.type, err.detail);
            goto out;
        }
        w->got[done++] = v;
        sx_arena_reset(&a);
    }
out:
    st_close(db);
    sx_arena_free(&a);
    return NULL;
}

/* Run N_THREADS workers here; returns the number that failed, messages to stderr. */
static int run_workers(struct worker *tmpl, struct worker *ws)
{
    pthread_t th[N_THREADS];
    int failed = 0;
    for (int i = 0; i < N_THREADS; i++) {
        ws[i] = *tmpl;
        if (pthread_create(&th[i], NULL, worker_main, &ws[i]) != 0)
            abort();
    }
    for (int i = 0; i < N_THREADS; i++) {
        pthread_join(th[i], NULL);
        if (ws[i].error[0] != '\0') {
            fprintf(stderr, "worker %d (pid %d): %s\n", i, (int)getpid(), ws[i].error);
            failed++;
        }
    }
    return failed;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Fork a second process; both run N_THREADS workers; returns all values in got (sorted). */
static void hammer(struct fx *fx, struct worker *tmpl, int64_t *got, size_t *n_got)
{
    static struct worker ws[N_THREADS];
    int pipefd[2];
    pid_t pid;
    int status = 0, failed;
    size_t n = 0;

    /* no SQLite connection may cross a fork, even an unused one: close ours meanwhile */
    st_close(fx->db);
    fx->db = NULL;
    assert_int_equal(pipe(pipefd), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* child: never touch the parent's connection; report through the pipe */
        close(pipefd[0]);
        failed = run_workers(tmpl, ws);
        for (int i = 0; i < N_THREADS && failed == 0; i++) {
            if (write(pipefd[1], ws[i].got, sizeof(ws[i].got)) != (ssize_t)sizeof(ws[i].got))
                failed = 1;
        }
        close(pipefd[1]);
        _exit(failed == 0 ? 0 : 1);
    }
    close(pipefd[1]);
    failed = run_workers(tmpl, ws);
    for (int i = 0; i < N_THREADS; i++) {
        memcpy(got + n, ws[i].got, sizeof(ws[i].got));
        n += N_ITERS;
    }
    {
        size_t want = sizeof(int64_t) * N_ITERS * N_THREADS, have = 0;
        char *p = (char *)(got + n);
        while (have < want) {
            ssize_t r = read(pipefd[0], p + have, want - have);
            if (r <= 0)
                break;
            have += (size_t)r;
        }
        close(pipefd[0]);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
        assert_int_equal(have, want);
        n += N_ITERS * N_THREADS;
    }
    assert_int_equal(failed, 0);
    OK(fx, st_open(fx->url, &fx->db, &fx->err));
    qsort(got, n, sizeof(*got), cmp_i64);
    *n_got = n;
}

static void test_counter_gap_free_concurrent(void **state)
{
    struct fx *fx = fx_get(state);
    static int64_t got[2 * N_THREADS * N_ITERS];
    struct worker tmpl = {.url = fx->url, .append = 0};
    size_t n = 0;
    int64_t seq = 0;
    tmpl.org_id = add_org(fx, 0, "110000", "北京市医疗保障局", "京", "province");
    hammer(fx, &tmpl, got, &n);
    assert_int_equal(n, 2 * N_THREADS * N_ITERS);
    for (size_t i = 0; i < n; i++)
        if (got[i] != (int64_t)i + 1)
            fail_msg("counter values are not exactly 1..%zu: position %zu holds %" PRId64, n, i,
                     got[i]);
    OK(fx, st_begin(fx->db, &fx->err));
    OK(fx, st_counter_next(fx->db, tmpl.org_id, 2026, "penalty", &seq, &fx->err));
    OK(fx, st_commit(fx->db, &fx->err));
    assert_int_equal(seq, (int64_t)n + 1);
}

static void test_record_append_concurrent(void **state)
{
    struct fx *fx = fx_get(state);
    static int64_t got[2 * N_THREADS * N_ITERS];
    struct worker tmpl = {.url = fx->url, .append = 1};
    size_t n = 0, walked = 0;
    int64_t org = add_org(fx, 0, "110000", "北京市医疗保障局", "京", "province");
    tmpl.actor_id = add_user(fx, org, "zhangsan", "officer");
    tmpl.case_id = add_case(fx, org, tmpl.actor_id, "penalty", "investigating", "并发追加");
    hammer(fx, &tmpl, got, &n);
    for (size_t i = 0; i < n; i++)
        if (got[i] != (int64_t)i + 1)
            fail_msg("record seqs are not exactly 1..%zu: position %zu holds %" PRId64, n, i,
                     got[i]);
    OK(fx, verify_chain(fx, tmpl.case_id, &walked));
    assert_int_equal(walked, n);
}

/* ---- iterators ---- */

struct iter_state {
    int64_t last_case, last_seq, n, stop_at;
    int64_t per_case[4];
};

static int iter_record(void *ctx, const struct st_record *r, struct sx_err *err)
{
    struct iter_state *s = ctx;
    if (r->case_id < s->last_case || (r->case_id == s->last_case && r->seq != s->last_seq + 1) ||
        (r->case_id > s->last_case && r->seq != 1))
        return SX_FAIL(err, SX_E_INTERNAL, "order", "顺序错误", "", "",
                       "case %" PRId64 " seq %" PRId64 " after case %" PRId64 " seq %" PRId64,
                       r->case_id, r->seq, s->last_case, s->last_seq);
    s->last_case = r->case_id;
    s->last_seq = r->seq;
    s->n++;
    if (s->stop_at != 0 && s->n == s->stop_at)
        return SX_FAIL(err, SX_E_TAMPER, "stop", "停止", "", "", "stop");
    return 0;
}

static int iter_case(void *ctx, const struct st_case_head *c, struct sx_err *err)
{
    struct iter_state *s = ctx;
    (void)err;
    if (c->id <= s->last_case || strlen(c->head_hash) != ST_HASH_HEX_LEN)
        return -1;
    s->last_case = c->id;
    s->per_case[s->n++ % 4] = c->record_count;
    return 0;
}

/* What a ranged scan saw: iter_state's order checks, plus its range and the strings. */
struct scan_state {
    struct iter_state it;
    int64_t first, last; /* the range asked for */
    int bad_row;
};

static int scan_record(void *ctx, const struct st_record *r, struct sx_err *err)
{
    struct scan_state *s = ctx;
    /* the strings point into the backend's row: they must be whole while fn runs */
    if (r->case_id < s->first || r->case_id > s->last ||
        strcmp(r->body, "{\"k\":\"批量记录\"}") != 0 || strcmp(r->type, "note") != 0 ||
        strcmp(r->action, "note") != 0 || strcmp(r->at, T0) != 0 ||
        strlen(r->hash) != ST_HASH_HEX_LEN || strlen(r->prev_hash) != ST_HASH_HEX_LEN ||
        r->corrects != 0 || r->actor_id <= 0)
        s->bad_row = 1;
    return iter_record(&s->it, r, err);
}

static int scan_case(void *ctx, const struct st_case_head *c, struct sx_err *err)
{
    struct scan_state *s = ctx;
    if (c->id < s->first || c->id > s->last)
        s->bad_row = 1;
    return iter_case(&s->it, c, err);
}

/* st_record_scan / st_case_scan over [first, last]: how many records and cases they visit. */
static void scan_counts(struct fx *fx, struct st_db *db, int64_t first, int64_t last,
                        int64_t *records, int64_t *cases)
{
    struct scan_state s = {.first = first, .last = last};
    OK(fx, st_record_scan(db, first, last, scan_record, &s, &fx->err));
    assert_false(s.bad_row);
    *records = s.it.n;
    s = (struct scan_state){.first = first, .last = last};
    OK(fx, st_case_scan(db, first, last, scan_case, &s, &fx->err));
    assert_false(s.bad_row);
    *cases = s.it.n;
}

/* More than one ST_ITER_PAGE of records over three cases, appended interleaved. */
static void test_iterators(void **state)
{
    struct fx *fx = fx_get(state);
    struct iter_state s = {0};
    int64_t org = add_org(fx, 0, "110000", "北京市医疗保障局", "京", "province");
    int64_t u = add_user(fx, org, "zhangsan", "officer");
    int64_t cs[3];
    const int64_t total = ST_ITER_PAGE + 57;
    for (int i = 0; i < 3; i++)
        cs[i] = add_case(fx, org, u, "penalty", "investigating", "批量");
    OK(fx, st_begin(fx->db, &fx->err));
    for (int64_t i = 0; i < total; i++) {
        struct st_record out;
        /* case 0 gets half, the others a quarter each, interleaved */
        struct st_record_new in = {.action = "note",
                                   .case_id = cs[i % 4 < 2    ? 0
                                                 : i % 4 == 2 ? 1
                                                              : 2],
                                   .type = "note",
                                   .at = T0,
                                   .recorded_at = T0,
                                   .actor_id = u,
                                   .body = "{\"k\":\"批量记录\"}"};
        OK(fx, st_record_append(fx->db, &in, &fx->a, &out, &fx->err));
        if ((i & 1023) == 0)
            sx_arena_reset(&fx->a);
    }
    OK(fx, st_commit(fx->db, &fx->err));

    OK(fx, st_begin_read(fx->db, &fx->err));
    s.last_case = 0;
    OK(fx, st_record_iter(fx->db, iter_record, &s, &fx->err));
    assert_int_equal(s.n, total);
    assert_int_equal(s.last_case, cs[2]);
    OK(fx, st_commit(fx->db, &fx->err));

    /* a callback error stops the walk and comes back unchanged */
    s = (struct iter_state){.stop_at = ST_ITER_PAGE + 3};
    FAILS(fx, st_record_iter(fx->db, iter_record, &s, &fx->err), SX_E_TAMPER, "stop");
    assert_int_equal(s.n, ST_ITER_PAGE + 3);

    s = (struct iter_state){0};
    OK(fx, st_case_iter(fx->db, iter_case, &s, &fx->err));
    assert_int_equal(s.n, 3);
    assert_int_equal(s.per_case[0] + s.per_case[1] + s.per_case[2], total);
    for (int i = 0; i < 3; i++) {
        size_t walked = 0;
        OK(fx, verify_chain(fx, cs[i], &walked));
        assert_int_equal((int64_t)walked, s.per_case[i]);
    }

    /* ranged scans (verify's parallel reads), on this connection and on a sibling */
    struct st_db *dbs[2] = {fx->db, NULL};
    OK(fx, st_open_sibling(fx->db, &dbs[1], &fx->err));
    for (int d = 0; d < 2; d++) {
        /* one row per range: first, last case id; records and cases inside */
        const struct {
            int64_t first, last, records, cases;
        } ranges[] = {
            {INT64_MIN, INT64_MAX, total, 3},
            {cs[0], cs[0], s.per_case[0], 1},
            {cs[1], cs[2], s.per_case[1] + s.per_case[2], 2},
            {INT64_MIN, cs[0] - 1, 0, 0},
            {cs[2] + 1, INT64_MAX, 0, 0},
            {cs[2], cs[0], 0, 0}, /* first > last: nothing */
        };
        OK(fx, st_begin_read(dbs[d], &fx->err));
        for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
            int64_t nrec = -1, ncase = -1;
            scan_counts(fx, dbs[d], ranges[i].first, ranges[i].last, &nrec, &ncase);
            if (nrec != ranges[i].records || ncase != ranges[i].cases)
                fail_msg("connection %d, range %zu: %" PRId64 " records, %" PRId64
                         " cases; want %" PRId64 ", %" PRId64,
                         d, i, nrec, ncase, ranges[i].records, ranges[i].cases);
        }
        /* a callback error stops the scan and comes back unchanged */
        struct scan_state ss = {.first = INT64_MIN, .last = INT64_MAX};
        ss.it.stop_at = ST_ITER_PAGE + 5;
        FAILS(fx, st_record_scan(dbs[d], INT64_MIN, INT64_MAX, scan_record, &ss, &fx->err),
              SX_E_TAMPER, "stop");
        assert_int_equal(ss.it.n, ST_ITER_PAGE + 5);
        /* the connection is usable afterwards */
        int64_t nrec = -1, ncase = -1;
        scan_counts(fx, dbs[d], INT64_MIN, INT64_MAX, &nrec, &ncase);
        assert_int_equal(nrec, total);
        OK(fx, st_commit(dbs[d], &fx->err));
        /* outside a transaction (PostgreSQL's cursor then runs in one of its own) */
        nrec = ncase = -1;
        scan_counts(fx, dbs[d], INT64_MIN, INT64_MAX, &nrec, &ncase);
        assert_int_equal(nrec, total);
        assert_int_equal(ncase, 3);
        ss = (struct scan_state){.first = INT64_MIN, .last = INT64_MAX};
        ss.it.stop_at = 2 * 4096 + 1; /* in PostgreSQL's third fetch, the fourth in flight */
        FAILS(fx, st_record_scan(dbs[d], INT64_MIN, INT64_MAX, scan_record, &ss, &fx->err),
              SX_E_TAMPER, "stop");
        assert_int_equal(ss.it.n, 2 * 4096 + 1);
        assert_false(st_in_tx(dbs[d]));
    }
    st_close(dbs[1]);
}

/*
 * st_read_hold: reads outside a transaction share one snapshot (SQLite) until released; a
 * commit by any connection of this process is seen by the next read, a write outside a
 * transaction commits at once, st_begin still works; a foreign commit (another process) is
 * seen after st_read_release. On PostgreSQL holding changes nothing.
 */
static void test_read_hold(void **state)
{
    struct fx *fx = fx_get(state);
    struct st_db *other = NULL;
    struct st_case c, seen;
    char sql[160];
    int64_t org = add_org(fx, 0, "110000", "北京市医疗保障局", "京", "province");
    int64_t u = add_user(fx, org, "zhangsan", "officer");
    int64_t id = add_case(fx, org, u, "penalty", "investigating", "串换药品");

    OK(fx, st_open_sibling(fx->db, &other, &fx->err));
    st_read_hold(fx->db, 1);
    OK(fx, st_case_get(fx->db, id, &fx->a, &c, &fx->err));
    assert_string_equal(c.state, "investigating");
    assert_false(st_in_tx(fx->db)); /* a held snapshot is not a transaction */

    /* committed on another connection of this process: the next read sees it */
    c.state = "filed";
    OK(fx, st_case_update_projection(other, &c, &fx->err));
    OK(fx, st_case_get(fx->db, id, &fx->a, &seen, &fx->err));
    assert_string_equal(seen.state, "filed");

    /* a write outside a transaction on the holding connection is committed at once */
    seen.state = "decided";
    OK(fx, st_case_update_projection(fx->db, &seen, &fx->err));
    OK(fx, st_case_get(other, id, &fx->a, &c, &fx->err));
    assert_string_equal(c.state, "decided");

    /* a transaction can begin on a holding connection (the snapshot ends first) */
    OK(fx, st_case_get(fx->db, id, &fx->a, &c, &fx->err));
    OK(fx, st_begin(fx->db, &fx->err));
    assert_true(st_in_tx(fx->db));
    c.state = "served";
    OK(fx, st_case_update_projection(fx->db, &c, &fx->err));
    OK(fx, st_commit(fx->db, &fx->err));
    assert_false(st_in_tx(fx->db));
    OK(fx, st_case_get(other, id, &fx->a, &c, &fx->err));
    assert_string_equal(c.state, "served");

    /* another process's commit: seen at once on PostgreSQL, after the release on SQLite */
    OK(fx, st_case_get(fx->db, id, &fx->a, &c, &fx->err));
    snprintf(sql, sizeof(sql), "UPDATE cases SET summary = 'foreign' WHERE id = %lld",
             (long long)id);
    assert_int_equal(raw_exec(fx, fx->url, sql, NULL, 0), 0);
    OK(fx, st_case_get(fx->db, id, &fx->a, &c, &fx->err));
    assert_string_equal(c.summary, fx->pg ? "foreign" : "经查，该机构存在串换药品行为。");
    st_read_release(fx->db);
    OK(fx, st_case_get(fx->db, id, &fx->a, &c, &fx->err));
    assert_string_equal(c.summary, "foreign");

    /* a rollback outside a transaction just ends the snapshot; off ends it too */
    OK(fx, st_rollback(fx->db, &fx->err));
    OK(fx, st_case_get(fx->db, id, &fx->a, &c, &fx->err));
    st_read_hold(fx->db, 0);
    assert_int_equal(fx->db->ops->in_tx(fx->db), 0);
    st_close(other);
}

/*
 * st_exec_batch (one round trip on PostgreSQL) and st_record_append with its audit row:
 * the writes land together; a failing statement fails the batch, and after the rollback none
 * of its writes remain; outside a write transaction it is refused.
 */
static void test_exec_batch(void **state)
{
    struct fx *fx = fx_get(state);
    int64_t org = add_org(fx, 0, "110000", "北京市医疗保障局", "京", "province");
    int64_t u = add_user(fx, org, "zhangsan", "officer");
    int64_t cid = add_case(fx, org, u, "penalty", "investigating", "串换药品");
    struct st_audit a = {.at = T0, .user_id = u, .username = "zhangsan", .action = "note",
                         .target = "case:1", .outcome = "ok"};
    struct st_audit *list = NULL;
    struct st_record rec;
    struct st_rows rows[3];
    size_t n = 0;
    int more = 0;

    /* a record with its audit row */
    struct st_record_new in = {.case_id = cid, .type = "note", .action = "note", .at = T0,
                               .recorded_at = T0, .actor_id = u, .body = "{\"k\":1}",
                               .audit = &a};
    OK(fx, st_begin(fx->db, &fx->err));
    OK(fx, st_record_append(fx->db, &in, &fx->a, &rec, &fx->err));
    OK(fx, st_commit(fx->db, &fx->err));
    assert_int_equal(rec.seq, 1);
    assert_true(rec.id > 0);
    OK(fx, st_audit_list(fx->db, 0, 50, &fx->a, &list, &n, &more, &fx->err));
    assert_int_equal(n, 1);
    assert_string_equal(list[0].action, "note");
    assert_string_equal(list[0].target, "case:1");

    /* three statements; the second violates the unique org code: all undone */
    const char *p_audit[] = {T0, NULL, "x", "batch", NULL, "ok", NULL, NULL};
    const char *p_org[] = {NULL, "110000", "重复的机构", "重", "province", NULL, NULL,
                           NULL, NULL, NULL, NULL, NULL, NULL, T0}; /* code taken above */
    size_t n_org = strlen(fx->db->ops->sql[ST_ORG_INSERT].types);
    assert_true(n_org <= sizeof(p_org) / sizeof(p_org[0]));
    const struct st_call calls[3] = {
        {ST_AUDIT_APPEND, p_audit, 8, &rows[0]},
        {ST_ORG_INSERT, p_org, n_org, &rows[1]},
        {ST_AUDIT_APPEND, p_audit, 8, &rows[2]},
    };
    OK(fx, st_begin(fx->db, &fx->err));
    FAILS(fx, st_exec_batch(fx->db, 3, calls, &fx->a, &fx->err), SX_E_CONFLICT, "duplicate");
    OK(fx, st_rollback(fx->db, &fx->err));
    OK(fx, st_audit_list(fx->db, 0, 50, &fx->a, &list, &n, &more, &fx->err));
    assert_int_equal(n, 1);

    /* a good batch: both rows, each with its result */
    const struct st_call good[2] = {
        {ST_AUDIT_APPEND, p_audit, 8, &rows[0]},
        {ST_AUDIT_APPEND, p_audit, 8, &rows[1]},
    };
    OK(fx, st_begin(fx->db, &fx->err));
    OK(fx, st_exec_batch(fx->db, 2, good, &fx->a, &fx->err));
    OK(fx, st_commit(fx->db, &fx->err));
    assert_int_equal(rows[0].nrows, 1);
    assert_int_equal(rows[1].nrows, 1);
    assert_string_not_equal(st_cell(&rows[0], 0, 0), st_cell(&rows[1], 0, 0));
    OK(fx, st_audit_list(fx->db, 0, 50, &fx->a, &list, &n, &more, &fx->err));
    assert_int_equal(n, 3);

    /* not in a write transaction */
    FAILS(fx, st_exec_batch(fx->db, 2, good, &fx->a, &fx->err), SX_E_INTERNAL, "tx-required");
}

/* st_ledger_leaves_insert: more leaves than one round trip carries; a taken index fails all. */
static void test_ledger_leaves_insert(void **state)
{
    struct fx *fx = fx_get(state);
    enum { N = 150 };
    int64_t org = add_org(fx, 0, "110000", "北京市医疗保障局", "京", "province");
    int64_t u = add_user(fx, org, "zhangsan", "officer");
    int64_t cid = add_case(fx, org, u, "penalty", "investigating", "串换药品");
    struct st_ledger_leaf_new leaves[N + 1];
    static const char hash[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    int64_t ids[N + 1];

    OK(fx, st_begin(fx->db, &fx->err));
    for (int i = 0; i < N + 1; i++) {
        struct st_record out;
        struct st_record_new in = {.case_id = cid, .type = "note", .action = "note", .at = T0,
                                   .recorded_at = T0, .actor_id = u, .body = "{}"};
        OK(fx, st_record_append(fx->db, &in, &fx->a, &out, &fx->err));
        ids[i] = out.id;
        leaves[i] = (struct st_ledger_leaf_new){i, out.id, hash};
    }
    OK(fx, st_ledger_leaves_insert(fx->db, leaves, N, &fx->err));
    OK(fx, st_commit(fx->db, &fx->err));
    for (int i = 0; i < N; i += 37) {
        int64_t idx = -1;
        OK(fx, st_ledger_leaf_of_record(fx->db, ids[i], &idx, &fx->err));
        assert_int_equal(idx, i);
    }
    /* the last record's leaf, then one at a taken index: the whole call is undone */
    struct st_ledger_leaf_new more[2] = {{N, ids[N], hash}, {N - 1, ids[N], hash}};
    OK(fx, st_begin(fx->db, &fx->err));
    FAILS(fx, st_ledger_leaves_insert(fx->db, more, 2, &fx->err), SX_E_CONFLICT, "duplicate");
    OK(fx, st_rollback(fx->db, &fx->err));
    sx_err_clear(&fx->err);
    int64_t idx = -1;
    assert_int_equal(st_ledger_leaf_of_record(fx->db, ids[N], &idx, &fx->err), SX_E_NOTFOUND);
}

/* ---- calendar ---- */

static void test_calendar(void **state)
{
    /* 2024 excerpt of /work/shared/data/holidays-cn/2024.csv (State Council notice) */
    static const struct st_cal_day y2024[] = {
        {"2024-01-01", 1, "元旦", 0},   {"2024-02-04", 0, "春节", 0},
        {"2024-02-10", 1, "春节", 0},   {"2024-02-18", 0, "春节", 0},
        {"2024-10-01", 1, "国庆节", 0}, {"2024-10-12", 0, "国庆节", 0},
    };
    /* 2023.csv starts with a day of 2022 */
    static const struct st_cal_day y2023[] = {
        {"2022-12-31", 1, "元旦", 0},
        {"2023-01-02", 1, "元旦", 0},
    };
    struct fx *fx = fx_get(state);
    struct st_cal_year year = {.year = 2024, .source = "holiday-cn 2024.csv", .imported_at = T0};
    struct st_cal_day *days = NULL;
    struct st_cal_year *years = NULL;
    size_t n = 0;

    OK(fx, st_calendar_import(fx->db, &year, y2024, 6, &fx->err));
    OK(fx, st_calendar_import(fx->db, &year, y2024, 6, &fx->err)); /* replace: same rows */
    year.year = 2023;
    year.source = "holiday-cn 2023.csv";
    OK(fx, st_calendar_import(fx->db, &year, y2023, 2, &fx->err));
    OK(fx, st_calendar_load(fx->db, &fx->a, &days, &n, &fx->err));
    assert_int_equal(n, 8);
    assert_string_equal(days[0].day, "2022-12-31");
    assert_int_equal(days[0].year, 2023);
    assert_string_equal(days[3].day, "2024-02-04");
    assert_int_equal(days[3].off_day, 0);
    assert_string_equal(days[6].name, "国庆节");
    OK(fx, st_calendar_years(fx->db, &fx->a, &years, &n, &fx->err));
    assert_int_equal(n, 2);
    assert_int_equal(years[1].year, 2024);
    assert_string_equal(years[1].source, "holiday-cn 2024.csv");

    /* a day that belongs to another year's file is refused, and the import is all or nothing */
    year.year = 2025;
    FAILS(fx, st_calendar_import(fx->db, &year, y2023, 2, &fx->err), SX_E_CONFLICT, "duplicate");
    OK(fx, st_calendar_years(fx->db, &fx->a, &years, &n, &fx->err));
    assert_int_equal(n, 2);
    /* replacing a year with fewer rows drops the rest */
    year.year = 2024;
    OK(fx, st_calendar_import(fx->db, &year, y2024, 2, &fx->err));
    OK(fx, st_calendar_load(fx->db, &fx->a, &days, &n, &fx->err));
    assert_int_equal(n, 4);
    {
        struct st_cal_day bad[] = {{"2024-1-1", 1, "元旦", 0}};
        FAILS(fx, st_calendar_import(fx->db, &year, bad, 1, &fx->err), SX_E_INVALID,
              "invalid-calendar-day");
    }
}

/* ---- main ---- */

/* Replace the database name in a libpq URL: scheme://authority/dbname?params. */
static int url_with_db(const char *url, const char *db, char *out, size_t n)
{
    const char *auth = strstr(url, "://");
    const char *path, *query;
    if (auth == NULL)
        return -1;
    auth += 3;
    path = strchr(auth, '/');
    query = strchr(auth, '?');
    if (path == NULL || (query != NULL && path > query)) {
        size_t alen = query != NULL ? (size_t)(query - url) : strlen(url);
        return snprintf(out, n, "%.*s/%s%s", (int)alen, url, db, query != NULL ? query : "") <
                       (int)n
                   ? 0
                   : -1;
    }
    return snprintf(out, n, "%.*s/%s%s", (int)(path - url), url, db, query != NULL ? query : "") <
                   (int)n
               ? 0
               : -1;
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

#define BOTH(fn)                                                                                   \
    {#fn " [sqlite]", fn, setup_sqlite, teardown, NULL},                                           \
    {                                                                                              \
#fn " [postgresql]", fn, setup_pg, teardown, NULL                                          \
    }
#define BOTH_EMPTY(fn)                                                                             \
    {#fn " [sqlite]", fn, setup_sqlite_empty, teardown, NULL},                                     \
    {                                                                                              \
#fn " [postgresql]", fn, setup_pg_empty, teardown, NULL                                    \
    }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_migrations_are_twins),
        cmocka_unit_test(test_failure_mapping),
        BOTH(test_statement_tables_cover_enum),
        BOTH(test_migrate_twice_is_noop),
        BOTH_EMPTY(test_empty_database),
        BOTH(test_schema_check_states),
        BOTH(test_open_errors),
        BOTH(test_orgs_roundtrip_and_paging),
        BOTH(test_users),
        BOTH(test_sessions_and_tokens),
        BOTH(test_audit_and_rate_limit_counts),
        BOTH(test_cases_roundtrip_and_filters),
        BOTH(test_record_append_chain),
        BOTH(test_append_only_triggers),
        BOTH(test_transactions),
        BOTH(test_busy_is_reported),
        {"test_pg_reconnect [postgresql]", test_pg_reconnect, setup_pg, teardown, NULL},
        BOTH(test_counter_gap_free_concurrent),
        BOTH(test_record_append_concurrent),
        BOTH(test_iterators),
        BOTH(test_read_hold),
        BOTH(test_exec_batch),
        BOTH(test_ledger_leaves_insert),
        BOTH(test_calendar),
    };
    const char *pg = getenv("SANXIANG_TEST_PG_URL");
    int failed;

    if (pg != NULL && pg[0] != '\0') {
        char sql[256];
        snprintf(g_pg_admin, sizeof(g_pg_admin), "%s", pg);
        snprintf(g_pg_dbname, sizeof(g_pg_dbname), "sx_store_test_%d", (int)getpid());
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
        fprintf(stderr, "SANXIANG_TEST_PG_URL not set: PostgreSQL runs are skipped\n");
    }
    failed = cmocka_run_group_tests(tests, NULL, NULL);
    if (g_pg_url[0] != '\0') {
        char sql[256];
        snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", g_pg_dbname);
        if (pg_admin(sql) != 0)
            failed++;
    }
    return failed;
}
