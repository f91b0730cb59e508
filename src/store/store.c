/*
 * store: the backend-independent half of the store. Opening, the generic st_exec, error
 * mapping, transactions, migrations and every typed function of store.h live here; they reach
 * the database only through st_exec and the backend's struct st_ops, so SQLite and PostgreSQL
 * run the same code and differ only in their statement tables.
 *
 * Parameters are passed as text: integers are formatted here and bound by type in the
 * backend; result cells are decoded here with checked parsers.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store/store_int.h"
#include "sx_buf.h"

/* ---- statement names ---- */

#define ST_NAME_ITEM(name, boot) #name,
static const char *const stmt_names[ST__COUNT] = {ST_STMTS(ST_NAME_ITEM)};
#undef ST_NAME_ITEM

#define ST_BOOT_ITEM(name, boot) boot,
static const unsigned char stmt_boot[ST__COUNT] = {ST_STMTS(ST_BOOT_ITEM)};
#undef ST_BOOT_ITEM

const char *st_stmt_name(enum st_stmt s)
{
    return (unsigned)s < ST__COUNT ? stmt_names[s] : "?";
}

int st_stmt_is_boot(enum st_stmt s)
{
    return (unsigned)s < ST__COUNT && stmt_boot[s];
}

/* ---- errors ---- */

int st_fail(struct sx_err *err, enum st_fail_kind kind, enum st_stmt s, const char *msg)
{
    const char *name = st_stmt_name(s);
    int rc;
    if (msg == NULL)
        msg = "";
    switch (kind) {
    case ST_FAIL_BUSY:
        rc = SX_FAIL(err, SX_E_DB, "db-busy", "数据库繁忙或并发冲突，请稍后重试", "", "",
                     "语句 %s：%s", name, msg);
        if (err != NULL)
            err->status = 503;
        return rc;
    case ST_FAIL_UNIQUE:
        return SX_FAIL(err, SX_E_CONFLICT, "duplicate", "数据重复", "", "",
                       "已存在相同的数据（%s）", msg);
    case ST_FAIL_FOREIGN:
        return SX_FAIL(err, SX_E_INVALID, "missing-reference", "关联的数据不存在", "", "",
                       "语句 %s 引用的数据不存在（%s）", name, msg);
    case ST_FAIL_CHECK:
        return SX_FAIL(err, SX_E_INVALID, "db-check", "数据不符合格式要求", "", "", "语句 %s：%s",
                       name, msg);
    case ST_FAIL_TRIGGER:
        if (strstr(msg, "append-only") != NULL)
            return SX_FAIL(err, SX_E_FORBIDDEN, "append-only",
                           "执法记录和审计日志只能追加，不得修改或删除",
                           "云南 附件2 第二十条 (YN-2-20)；湖北 附件2 第二十五条 (HB-2-25)", "",
                           "数据库拒绝了修改：%s", msg);
        if (strstr(msg, "cases.number") != NULL)
            return SX_FAIL(err, SX_E_CONFLICT, "case-number-immutable", "案件编号一经生成不得更改",
                           "", "number", "数据库拒绝了修改：%s", msg);
        return SX_FAIL(err, SX_E_INTERNAL, "chain-head", "案件记录链头不能回退", "", "",
                       "数据库拒绝了修改：%s", msg);
    case ST_FAIL_CONNECTION:
        rc = SX_FAIL(err, SX_E_DB, "db-connection", "数据库连接中断", "", "", "语句 %s：%s", name,
                     msg);
        if (err != NULL)
            err->status = 503;
        return rc;
    case ST_FAIL_OTHER:
    default:
        return SX_FAIL(err, SX_E_DB, "db-error", "数据库错误", "", "", "语句 %s：%s", name, msg);
    }
}

static int fail_nomem(struct sx_err *err)
{
    return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "处理数据库数据时内存不足");
}

static int fail_notfound(struct sx_err *err, const char *what, int64_t id)
{
    if (id != 0)
        return SX_FAIL(err, SX_E_NOTFOUND, "not-found", "数据不存在", "", "",
                       "%s不存在（编号 %" PRId64 "）", what, id);
    return SX_FAIL(err, SX_E_NOTFOUND, "not-found", "数据不存在", "", "", "%s不存在", what);
}

static int fail_bad_result(struct sx_err *err, enum st_stmt s)
{
    return SX_FAIL(err, SX_E_DB, "db-result", "数据库返回了无法识别的数据", "", "",
                   "语句 %s 的结果列与预期不符", st_stmt_name(s));
}

/* ---- generic execution ---- */

int st_prepare_all(struct st_db *db, struct sx_err *err)
{
    for (int s = 0; s < ST__COUNT; s++) {
        if (db->prepared[s])
            continue;
        int rc = db->ops->prepare(db, (enum st_stmt)s, err);
        if (rc != 0)
            return rc;
        db->prepared[s] = 1;
    }
    return 0;
}

/* What st_exec and st_stream do before running s: reconnect if needed, prepare s. */
static int ready(struct st_db *db, enum st_stmt s, struct sx_err *err)
{
    int rc;
    if (db->tx_lost && s != ST_ROLLBACK)
        return st_fail(err, ST_FAIL_CONNECTION, s, "连接在事务中断开，事务已丢失，请回滚后重试");
    if (db->ops->reconnect != NULL) {
        int r = db->ops->reconnect(db);
        if (r == 1) {
            memset(db->prepared, 0, sizeof(db->prepared));
            if (db->tx_open) {
                db->tx_lost = 1;
                if (s != ST_ROLLBACK)
                    return st_fail(err, ST_FAIL_CONNECTION, s,
                                   "连接在事务中断开，事务已丢失，请回滚后重试");
            }
        }
    }
    if (!db->prepared[s]) {
        rc = db->ops->prepare(db, s, err);
        if (rc != 0)
            return rc;
        db->prepared[s] = 1;
    }
    return 0;
}

/* A data-changing statement: INSERT, UPDATE or DELETE (a CTE never writes here). */
static bool may_write(const char *sql)
{
    return strncasecmp(sql, "INSERT", 6) == 0 || strncasecmp(sql, "UPDATE", 6) == 0 ||
           strncasecmp(sql, "DELETE", 6) == 0;
}

/*
 * Commits made by this process on any of its connections (st_commit, and writes outside a
 * transaction). A held read snapshot older than the latest is not read again: whatever this
 * process has acknowledged is visible to its next read (st_read_hold).
 */
static atomic_uint_fast64_t commit_generation;

static void note_commit(void)
{
    atomic_fetch_add_explicit(&commit_generation, 1, memory_order_release);
}

static bool is_tx_control(enum st_stmt s)
{
    return s == ST_BEGIN || s == ST_BEGIN_READ || s == ST_COMMIT || s == ST_ROLLBACK;
}

/* Run a constant statement without parameters or rows, past the hold logic. */
static int exec_plain(struct st_db *db, enum st_stmt s, struct sx_err *err)
{
    int rc = ready(db, s, err);
    return rc != 0 ? rc : db->ops->exec(db, s, NULL, 0, NULL, NULL, err);
}

/* End the held read snapshot, if one is open (nothing was written in it). */
static void hold_end(struct st_db *db)
{
    struct sx_err ignored;
    if (!db->held)
        return;
    db->held = 0;
    if (exec_plain(db, ST_COMMIT, &ignored) != 0)
        (void)exec_plain(db, ST_ROLLBACK, &ignored);
}

/*
 * Before statement s outside a transaction on a connection that holds reads: a write ends
 * the held snapshot (it must commit on its own); a read joins it, or opens a new one when
 * there is none or this process committed since it began.
 */
static int hold_before(struct st_db *db, enum st_stmt s, bool writes, struct sx_err *err)
{
    uint_fast64_t gen;
    int rc;
    if (!db->hold || db->tx_open || is_tx_control(s))
        return 0;
    if (writes) {
        hold_end(db);
        return 0;
    }
    gen = atomic_load_explicit(&commit_generation, memory_order_acquire);
    if (db->held && db->held_gen == gen)
        return 0;
    hold_end(db);
    rc = exec_plain(db, ST_BEGIN_READ, err);
    if (rc != 0)
        return rc;
    db->held = 1;
    db->held_gen = gen;
    return 0;
}

void st_read_hold(struct st_db *db, int on)
{
    if (!on)
        hold_end(db);
    db->hold = on && db->ops->hold_reads;
}

void st_read_release(struct st_db *db)
{
    hold_end(db);
}

/*
 * What st_exec and st_exec_batch do before handing s to the backend: check the call, mind a
 * held snapshot, prepare s, clear its rows, count it if it writes. *writes says whether it does.
 */
static int exec_begin(struct st_db *db, enum st_stmt s, size_t n, struct sx_arena *arena,
                      struct st_rows *rows, bool *writes, struct sx_err *err)
{
    int rc;
    if ((unsigned)s >= ST__COUNT || n != strlen(db->ops->sql[s].types) ||
        (rows != NULL && arena == NULL))
        return SX_FAIL(err, SX_E_INTERNAL, "db-call", "数据库调用错误", "", "",
                       "语句 %s 的参数个数不符或缺少 arena", st_stmt_name(s));
    *writes = may_write(db->ops->sql[s].sql);
    rc = hold_before(db, s, *writes, err);
    if (rc == 0)
        rc = ready(db, s, err);
    if (rc != 0)
        return rc;
    if (rows != NULL)
        memset(rows, 0, sizeof(*rows));
    if (*writes)
        db->writes++;
    return 0;
}

int st_exec(struct st_db *db, enum st_stmt s, const char *const *params, size_t n,
            struct sx_arena *arena, struct st_rows *rows, struct sx_err *err)
{
    bool writes = false;
    int rc = exec_begin(db, s, n, arena, rows, &writes, err);
    if (rc != 0)
        return rc;
    rc = db->ops->exec(db, s, params, n, arena, rows, err);
    if (rc == 0 && writes && !db->tx_open)
        note_commit();
    return rc;
}

static int need_write_tx(struct st_db *db, const char *what, struct sx_err *err);

int st_exec_batch(struct st_db *db, size_t count, const struct st_call *calls,
                  struct sx_arena *arena, struct sx_err *err)
{
    int rc = need_write_tx(db, "st_exec_batch", err);
    if (rc != 0)
        return rc;
    if (db->ops->exec_batch == NULL || count < 2) {
        for (size_t i = 0; rc == 0 && i < count; i++)
            rc = st_exec(db, calls[i].s, calls[i].params, calls[i].n, arena, calls[i].rows, err);
        return rc;
    }
    for (size_t i = 0; rc == 0 && i < count; i++) {
        bool writes = false;
        rc = exec_begin(db, calls[i].s, calls[i].n, arena, calls[i].rows, &writes, err);
    }
    return rc != 0 ? rc : db->ops->exec_batch(db, count, calls, arena, err);
}

uint64_t st_writes(const struct st_db *db)
{
    return db->writes;
}

int st_stream(struct st_db *db, enum st_stmt s, const char *const *params, size_t n,
              int (*row)(void *ctx, const struct st_cell *cells, size_t ncols, struct sx_err *err),
              void *ctx, struct sx_err *err)
{
    int rc;
    if ((unsigned)s >= ST__COUNT || n != strlen(db->ops->sql[s].types) || db->ops->stream == NULL)
        return SX_FAIL(err, SX_E_INTERNAL, "db-call", "数据库调用错误", "", "",
                       "语句 %s 的参数个数不符，或 %s 不支持逐行读取", st_stmt_name(s),
                       db->ops->name);
    rc = hold_before(db, s, false, err);
    if (rc == 0)
        rc = ready(db, s, err);
    if (rc != 0)
        return rc;
    return db->ops->stream(db, s, params, n, row, ctx, err);
}

/* Parameters under construction: text pointers, integers formatted into ibuf. */
#define MAX_PARAMS 20
struct params {
    const char *v[MAX_PARAMS];
    char ibuf[MAX_PARAMS][24];
    size_t n;
};

static void p_text(struct params *p, const char *s)
{
    if (p->n >= MAX_PARAMS)
        abort(); /* a statement with more parameters than MAX_PARAMS: fix MAX_PARAMS */
    p->v[p->n++] = s;
}

static void p_int(struct params *p, int64_t v)
{
    if (p->n >= MAX_PARAMS)
        abort();
    snprintf(p->ibuf[p->n], sizeof(p->ibuf[0]), "%" PRId64, v);
    p->v[p->n] = p->ibuf[p->n];
    p->n++;
}

/* An id where 0 means SQL NULL. */
static void p_id(struct params *p, int64_t id)
{
    if (id == 0)
        p_text(p, NULL);
    else
        p_int(p, id);
}

static int run(struct st_db *db, enum st_stmt s, const struct params *p, struct sx_arena *arena,
               struct st_rows *rows, struct sx_err *err)
{
    return st_exec(db, s, p->v, p->n, arena, rows, err);
}

/* Run a statement whose results are not wanted; *changes (may be NULL) gets the row count. */
static int run_void(struct st_db *db, enum st_stmt s, const struct params *p, int64_t *changes,
                    struct sx_err *err)
{
    struct sx_arena a;
    struct st_rows rows;
    int rc;
    sx_arena_init(&a, 1024);
    rc = st_exec(db, s, p->v, p->n, &a, &rows, err);
    if (rc == 0 && changes != NULL)
        *changes = rows.changes;
    sx_arena_free(&a);
    return rc;
}

/* Run a statement that returns one integer in one row (RETURNING id, count(*)). */
static int run_int(struct st_db *db, enum st_stmt s, const struct params *p, int64_t *out,
                   struct sx_err *err);

static int parse_i64(const char *s, int64_t *out)
{
    char *end = NULL;
    long long v;
    if (s == NULL) {
        *out = 0;
        return 0;
    }
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0')
        return -1;
    *out = (int64_t)v;
    return 0;
}

static int run_int(struct st_db *db, enum st_stmt s, const struct params *p, int64_t *out,
                   struct sx_err *err)
{
    struct sx_arena a;
    struct st_rows rows;
    int rc;
    sx_arena_init(&a, 1024);
    rc = st_exec(db, s, p->v, p->n, &a, &rows, err);
    if (rc == 0) {
        if (rows.nrows != 1 || rows.ncols < 1 || st_cell(&rows, 0, 0) == NULL ||
            parse_i64(st_cell(&rows, 0, 0), out) != 0)
            rc = fail_bad_result(err, s);
    }
    sx_arena_free(&a);
    return rc;
}

/*
 * Reading one row's cells left to right: row `row` of r, or (r NULL) a streamed row of
 * ncells cells, whose integer cells read as text are formatted into ibuf[col].
 */
#define RD_INT_TEXT 24
/* Widest row a streamed read takes (CASE_COLS). */
#define SCAN_MAX_COLS 32
struct rd {
    const struct st_rows *r;
    size_t row;
    size_t col;
    int bad;
    const struct st_cell *cells;
    size_t ncells;
    char (*ibuf)[RD_INT_TEXT];
};

static const char *rd_text(struct rd *d)
{
    if (d->r == NULL) {
        const struct st_cell *c;
        if (d->col >= d->ncells) {
            d->bad = 1;
            return NULL;
        }
        c = &d->cells[d->col++];
        if (c->kind == ST_CELL_TEXT)
            return c->text;
        if (c->kind == ST_CELL_NULL)
            return NULL;
        snprintf(d->ibuf[d->col - 1], RD_INT_TEXT, "%" PRId64, c->i);
        return d->ibuf[d->col - 1];
    }
    if (d->col >= d->r->ncols) {
        d->bad = 1;
        return NULL;
    }
    return st_cell(d->r, d->row, d->col++);
}

static int64_t rd_i64(struct rd *d)
{
    int64_t v = 0;
    if (d->r == NULL && d->col < d->ncells && d->cells[d->col].kind == ST_CELL_INT)
        return d->cells[d->col++].i;
    if (parse_i64(rd_text(d), &v) != 0)
        d->bad = 1;
    return v;
}

static int rd_int(struct rd *d)
{
    int64_t v = rd_i64(d);
    if (v < INT32_MIN || v > INT32_MAX)
        d->bad = 1;
    return (int)v;
}

/* ---- input checks ---- */

static int digits(const char *s, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* "YYYY-MM-DDTHH:MM:SSZ" */
static int is_ts(const char *s)
{
    return s != NULL && strlen(s) == 20 && digits(s, 0, 4) && s[4] == '-' && digits(s, 5, 7) &&
           s[7] == '-' && digits(s, 8, 10) && s[10] == 'T' && digits(s, 11, 13) && s[13] == ':' &&
           digits(s, 14, 16) && s[16] == ':' && digits(s, 17, 19) && s[19] == 'Z';
}

/* "YYYY-MM-DD" */
static int is_date(const char *s)
{
    return s != NULL && strlen(s) == 10 && digits(s, 0, 4) && s[4] == '-' && digits(s, 5, 7) &&
           s[7] == '-' && digits(s, 8, 10);
}

static int need_ts(const char *v, const char *field, struct sx_err *err)
{
    if (is_ts(v))
        return 0;
    return SX_FAIL(err, SX_E_INVALID, "invalid-timestamp", "时间格式不正确", "", field,
                   "%s 应为 UTC 时间，格式 YYYY-MM-DDTHH:MM:SSZ", field);
}

static int need_date_opt(const char *v, const char *field, struct sx_err *err)
{
    if (v == NULL || is_date(v))
        return 0;
    return SX_FAIL(err, SX_E_INVALID, "invalid-date", "日期格式不正确", "", field,
                   "%s 应为日期，格式 YYYY-MM-DD", field);
}

static int need_text(const char *v, const char *field, struct sx_err *err)
{
    if (v != NULL && v[0] != '\0')
        return 0;
    return SX_FAIL(err, SX_E_INVALID, "missing-field", "缺少必填项", "", field, "%s 不能为空",
                   field);
}

static int clamp_limit(int limit)
{
    if (limit < 1)
        return 1;
    if (limit > ST_LIST_MAX)
        return ST_LIST_MAX;
    return limit;
}

static void *alloc_array(struct sx_arena *arena, size_t n, size_t size)
{
    if (n == 0)
        return NULL;
    if (n > SIZE_MAX / size)
        return NULL;
    return sx_arena_alloc(arena, n * size);
}

/* ---- open, close, transactions ---- */

static int is_pg_url(const char *url)
{
    return url != NULL &&
           (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0);
}

enum schema_state { SCHEMA_EMPTY, SCHEMA_BEHIND, SCHEMA_CURRENT, SCHEMA_AHEAD, SCHEMA_MISMATCH };

static const struct st_migration *migrations_of(const struct st_db *db, size_t *n)
{
    if (db->ops->sql == st_pg_sql) {
        *n = st_pg_migrations_n;
        return st_pg_migrations;
    }
    *n = st_sqlite_migrations_n;
    return st_sqlite_migrations;
}

/*
 * Compare the database's schema_migrations with the embedded list. *db_version is the highest
 * applied version (0 if none), *applied the number of rows.
 */
static int schema_compare(struct st_db *db, enum schema_state *state, int *db_version,
                          size_t *applied, struct sx_err *err)
{
    struct params p = {.n = 0};
    struct sx_arena a;
    struct st_rows rows;
    size_t nbin;
    const struct st_migration *bin = migrations_of(db, &nbin);
    int64_t exists = 0;
    int rc;

    *db_version = 0;
    *applied = 0;
    rc = run_int(db, ST_MIGRATION_TABLE_EXISTS, &p, &exists, err);
    if (rc != 0)
        return rc;
    if (exists == 0) {
        *state = SCHEMA_EMPTY;
        return 0;
    }
    sx_arena_init(&a, 4096);
    rc = run(db, ST_MIGRATION_LIST, &p, &a, &rows, err);
    if (rc != 0)
        goto cleanup;
    *state = rows.nrows < nbin ? SCHEMA_BEHIND : SCHEMA_CURRENT;
    for (size_t i = 0; i < rows.nrows; i++) {
        int64_t v = 0;
        const char *name = st_cell(&rows, i, 1);
        if (parse_i64(st_cell(&rows, i, 0), &v) != 0) {
            rc = fail_bad_result(err, ST_MIGRATION_LIST);
            goto cleanup;
        }
        if (v > *db_version)
            *db_version = (int)v;
        if (i >= nbin) {
            *state = SCHEMA_AHEAD;
        } else if (v != bin[i].version || name == NULL || strcmp(name, bin[i].name) != 0) {
            *state = v > bin[nbin - 1].version ? SCHEMA_AHEAD : SCHEMA_MISMATCH;
            break;
        }
    }
    *applied = rows.nrows;
cleanup:
    sx_arena_free(&a);
    return rc;
}

int st_open(const char *url, struct st_db **out, struct sx_err *err)
{
    struct st_db *db = calloc(1, sizeof(*db));
    enum schema_state state;
    int version;
    size_t applied;
    int rc;

    *out = NULL;
    if (db == NULL)
        return fail_nomem(err);
    db->url = strdup(url != NULL ? url : "");
    if (db->url == NULL) {
        free(db);
        return fail_nomem(err);
    }
    if (is_pg_url(url))
        rc = st_pg_open(db, url, err);
    else
        rc = st_sqlite_open(db, url, err);
    if (rc != 0)
        goto fail;
    for (int s = 0; s < ST__COUNT; s++) {
        if (!stmt_boot[s])
            continue;
        rc = db->ops->prepare(db, (enum st_stmt)s, err);
        if (rc != 0)
            goto fail;
        db->prepared[s] = 1;
    }
    rc = schema_compare(db, &state, &version, &applied, err);
    if (rc != 0)
        goto fail;
    /* On a current schema every statement is prepared now, so a broken one fails at start. */
    if (state == SCHEMA_CURRENT) {
        rc = st_prepare_all(db, err);
        if (rc != 0)
            goto fail;
    }
    *out = db;
    return 0;
fail:
    st_close(db);
    return rc;
}

void st_close(struct st_db *db)
{
    if (db == NULL)
        return;
    if (db->chain_open)
        lg_chain_close(&db->chain);
    if (db->ops != NULL && db->be != NULL)
        hold_end(db);
    if (db->ops != NULL)
        db->ops->close(db);
    free(db->be); /* only if a backend failed before installing its close */
    free(db->url);
    free(db);
}

int st_open_sibling(const struct st_db *db, struct st_db **out, struct sx_err *err)
{
    return st_open(db->url, out, err);
}

const char *st_backend(const struct st_db *db)
{
    return db->ops->name;
}

int st_in_tx(const struct st_db *db)
{
    return db->tx_open || (!db->held && db->ops->in_tx(db));
}

static int begin(struct st_db *db, enum st_stmt s, struct sx_err *err)
{
    struct params p = {.n = 0};
    int rc;
    if (st_in_tx(db))
        return SX_FAIL(err, SX_E_INTERNAL, "tx-nested", "数据库事务嵌套", "", "",
                       "已有未结束的事务");
    hold_end(db);
    rc = run_void(db, s, &p, NULL, err);
    if (rc != 0)
        return rc;
    db->tx_open = 1;
    db->tx_write = s == ST_BEGIN;
    return 0;
}

int st_begin(struct st_db *db, struct sx_err *err)
{
    return begin(db, ST_BEGIN, err);
}

int st_begin_read(struct st_db *db, struct sx_err *err)
{
    return begin(db, ST_BEGIN_READ, err);
}

int st_commit(struct st_db *db, struct sx_err *err)
{
    struct params p = {.n = 0};
    int rc;
    if (!db->tx_open)
        return SX_FAIL(err, SX_E_INTERNAL, "tx-none", "没有可提交的事务", "", "",
                       "st_commit 之前没有 st_begin");
    rc = run_void(db, ST_COMMIT, &p, NULL, err);
    if (rc != 0)
        return rc;
    if (db->tx_write)
        note_commit();
    db->tx_open = 0;
    db->tx_write = 0;
    return 0;
}

int st_rollback(struct st_db *db, struct sx_err *err)
{
    struct params p = {.n = 0};
    int rc = 0;
    if (!db->tx_open && db->held) {
        hold_end(db);
        return 0;
    }
    if (db->tx_lost) {
        /* the server already dropped it with the old connection */
        db->tx_lost = 0;
    } else if (db->ops->in_tx(db)) {
        rc = run_void(db, ST_ROLLBACK, &p, NULL, err);
    }
    db->tx_open = 0;
    db->tx_write = 0;
    return rc;
}

int st_savepoint(struct st_db *db, struct sx_err *err)
{
    struct params p = {.n = 0};
    if (!db->tx_open || !db->tx_write)
        return SX_FAIL(err, SX_E_INTERNAL, "tx-required", "必须在写事务中调用", "", "",
                       "st_savepoint 必须在 st_begin 开启的事务中调用");
    return run_void(db, ST_SAVEPOINT, &p, NULL, err);
}

int st_release(struct st_db *db, struct sx_err *err)
{
    struct params p = {.n = 0};
    return run_void(db, ST_RELEASE, &p, NULL, err);
}

int st_rollback_to(struct st_db *db, struct sx_err *err)
{
    struct params p = {.n = 0};
    int rc = run_void(db, ST_ROLLBACK_TO, &p, NULL, err);
    if (rc == 0)
        rc = run_void(db, ST_RELEASE, &p, NULL, err);
    return rc;
}

static int need_write_tx(struct st_db *db, const char *what, struct sx_err *err)
{
    if (db->tx_open && db->tx_write && db->ops->in_tx(db))
        return 0;
    return SX_FAIL(err, SX_E_INTERNAL, "tx-required", "必须在写事务中调用", "", "",
                   "%s 必须在 st_begin 开启的事务中调用", what);
}

/* ---- schema ---- */

int st_schema_version_latest(void)
{
    return st_sqlite_migrations[st_sqlite_migrations_n - 1].version;
}

int st_migrate(struct st_db *db, int *applied_out, struct sx_err *err)
{
    struct params p = {.n = 0};
    enum schema_state state;
    int version, rc;
    size_t applied, nbin;
    const struct st_migration *bin = migrations_of(db, &nbin);

    if (applied_out != NULL)
        *applied_out = 0;
    rc = st_begin(db, err);
    if (rc != 0)
        return rc;
    rc = run_void(db, ST_MIGRATION_LOCK, &p, NULL, err);
    if (rc != 0)
        goto fail;
    rc = run_void(db, ST_MIGRATION_CREATE, &p, NULL, err);
    if (rc != 0)
        goto fail;
    rc = schema_compare(db, &state, &version, &applied, err);
    if (rc != 0)
        goto fail;
    if (state == SCHEMA_AHEAD) {
        rc = SX_FAIL(err, SX_E_DB, "schema-ahead", "数据库版本比程序新", "", "",
                     "数据库结构版本为 %d，本程序只支持到 %d，请升级 sanxiang 程序", version,
                     bin[nbin - 1].version);
        goto fail;
    }
    if (state == SCHEMA_MISMATCH) {
        rc = SX_FAIL(err, SX_E_DB, "schema-mismatch", "数据库结构与程序不一致", "", "",
                     "数据库中已记录的迁移与本程序内置的迁移编号或名称不同");
        goto fail;
    }
    for (size_t i = applied; i < nbin; i++) {
        struct params mp = {.n = 0};
        for (size_t k = 0; bin[i].sql[k] != NULL; k++) {
            rc = db->ops->exec_script(db, bin[i].sql[k], err);
            if (rc != 0) {
                /* name the migration, keep the database's message */
                char msg[sizeof(err->detail)] = "";
                if (err != NULL)
                    memcpy(msg, err->detail, sizeof(msg));
                rc = SX_FAIL(err, SX_E_DB, "db-migration", "数据库迁移失败", "", "",
                             "迁移 %03d_%s 第 %zu 段：%s", bin[i].version, bin[i].name, k + 1, msg);
                goto fail;
            }
        }
        p_int(&mp, bin[i].version);
        p_text(&mp, bin[i].name);
        rc = run_void(db, ST_MIGRATION_INSERT, &mp, NULL, err);
        if (rc != 0)
            goto fail;
    }
    rc = st_commit(db, err);
    if (rc != 0)
        goto fail;
    if (applied_out != NULL)
        *applied_out = (int)(nbin - applied);
    return st_prepare_all(db, err);
fail:
    st_rollback(db, NULL);
    return rc;
}

int st_schema_check(struct st_db *db, struct sx_err *err)
{
    enum schema_state state;
    int version, rc;
    size_t applied, nbin;
    const struct st_migration *bin = migrations_of(db, &nbin);
    int latest = bin[nbin - 1].version;

    rc = schema_compare(db, &state, &version, &applied, err);
    if (rc != 0)
        return rc;
    switch (state) {
    case SCHEMA_CURRENT:
        return 0;
    case SCHEMA_EMPTY:
        return SX_FAIL(err, SX_E_DB, "schema-missing", "数据库尚未初始化", "", "",
                       "数据库中没有 schema_migrations 表，请先运行 sanxiang init 初始化数据库");
    case SCHEMA_BEHIND:
        return SX_FAIL(err, SX_E_DB, "schema-behind", "数据库版本过旧", "", "",
                       "数据库结构版本为 %d，本程序需要 %d，请运行 sanxiang init 升级数据库",
                       version, latest);
    case SCHEMA_AHEAD:
        return SX_FAIL(err, SX_E_DB, "schema-ahead", "数据库版本比程序新", "", "",
                       "数据库结构版本为 %d，本程序只支持到 %d，请升级 sanxiang 程序", version,
                       latest);
    case SCHEMA_MISMATCH:
    default:
        return SX_FAIL(err, SX_E_DB, "schema-mismatch", "数据库结构与程序不一致", "", "",
                       "数据库中已记录的迁移与本程序内置的迁移编号或名称不同");
    }
}

/* ---- orgs ---- */

static void read_org(struct rd *d, struct st_org *o)
{
    o->id = rd_i64(d);
    o->parent_id = rd_i64(d);
    o->code = rd_text(d);
    o->name = rd_text(d);
    o->short_name = rd_text(d);
    o->level = rd_text(d);
    o->region = rd_text(d);
    o->address = rd_text(d);
    o->head = rd_text(d);
    o->phone = rd_text(d);
    o->supervise_phone = rd_text(d);
    o->categories = rd_text(d);
    o->policy = rd_text(d);
    o->qualification = rd_text(d);
    o->created_at = rd_text(d);
}

static int check_org(const struct st_org *o, int insert, struct sx_err *err)
{
    int rc = 0;
    if (insert) {
        if (rc == 0)
            rc = need_text(o->code, "code", err);
        if (rc == 0)
            rc = need_ts(o->created_at, "created_at", err);
    }
    if (rc == 0)
        rc = need_text(o->name, "name", err);
    if (rc == 0)
        rc = need_text(o->short_name, "short_name", err);
    if (rc == 0)
        rc = need_text(o->level, "level", err);
    return rc;
}

int st_org_insert(struct st_db *db, const struct st_org *o, int64_t *id, struct sx_err *err)
{
    struct params p = {.n = 0};
    int rc = check_org(o, 1, err);
    if (rc != 0)
        return rc;
    p_id(&p, o->parent_id);
    p_text(&p, o->code);
    p_text(&p, o->name);
    p_text(&p, o->short_name);
    p_text(&p, o->level);
    p_text(&p, o->region);
    p_text(&p, o->address);
    p_text(&p, o->head);
    p_text(&p, o->phone);
    p_text(&p, o->supervise_phone);
    p_text(&p, o->categories);
    p_text(&p, o->policy);
    p_text(&p, o->qualification);
    p_text(&p, o->created_at);
    return run_int(db, ST_ORG_INSERT, &p, id, err);
}

int st_org_update(struct st_db *db, const struct st_org *o, struct sx_err *err)
{
    struct params p = {.n = 0};
    int64_t changes = 0;
    int rc = check_org(o, 0, err);
    if (rc != 0)
        return rc;
    if (o->parent_id == o->id)
        return SX_FAIL(err, SX_E_INVALID, "org-parent", "上级机构不能是自己", "", "parent_id",
                       "机构 %" PRId64 " 的上级不能是它自己", o->id);
    p_id(&p, o->parent_id);
    p_text(&p, o->name);
    p_text(&p, o->short_name);
    p_text(&p, o->level);
    p_text(&p, o->region);
    p_text(&p, o->address);
    p_text(&p, o->head);
    p_text(&p, o->phone);
    p_text(&p, o->supervise_phone);
    p_text(&p, o->categories);
    p_text(&p, o->policy);
    p_text(&p, o->qualification);
    p_int(&p, o->id);
    rc = run_void(db, ST_ORG_UPDATE, &p, &changes, err);
    if (rc == 0 && changes == 0)
        rc = fail_notfound(err, "机构", o->id);
    return rc;
}

static int org_get(struct st_db *db, enum st_stmt s, const struct params *p, int64_t id,
                   struct sx_arena *arena, struct st_org *out, struct sx_err *err)
{
    struct st_rows rows;
    struct rd d;
    int rc = run(db, s, p, arena, &rows, err);
    if (rc != 0)
        return rc;
    if (rows.nrows == 0)
        return fail_notfound(err, "机构", id);
    d = (struct rd){.r = &rows};
    read_org(&d, out);
    return d.bad ? fail_bad_result(err, s) : 0;
}

int st_org_get(struct st_db *db, int64_t id, struct sx_arena *arena, struct st_org *out,
               struct sx_err *err)
{
    struct params p = {.n = 0};
    p_int(&p, id);
    return org_get(db, ST_ORG_GET, &p, id, arena, out, err);
}

int st_org_get_by_code(struct st_db *db, const char *code, struct sx_arena *arena,
                       struct st_org *out, struct sx_err *err)
{
    struct params p = {.n = 0};
    p_text(&p, code);
    return org_get(db, ST_ORG_GET_BY_CODE, &p, 0, arena, out, err);
}

/*
 * Run a paged list statement (its last two parameters are after_id and limit+1, added here)
 * and decode up to limit rows with read_row into an arena array of elements of size elsize.
 */
static int list_paged(struct st_db *db, enum st_stmt s, struct params *p, int64_t after_id,
                      int limit, struct sx_arena *arena, size_t elsize,
                      void (*read_row)(struct rd *d, void *el), void **out, size_t *n, int *more,
                      struct sx_err *err)
{
    struct st_rows rows;
    char *arr;
    size_t take;
    int rc;

    limit = clamp_limit(limit);
    if (after_id != INT64_MIN)
        p_int(p, after_id);
    p_int(p, (int64_t)limit + 1);
    rc = run(db, s, p, arena, &rows, err);
    if (rc != 0)
        return rc;
    take = rows.nrows > (size_t)limit ? (size_t)limit : rows.nrows;
    if (more != NULL)
        *more = rows.nrows > (size_t)limit;
    arr = alloc_array(arena, take, elsize);
    if (take > 0 && arr == NULL)
        return fail_nomem(err);
    for (size_t i = 0; i < take; i++) {
        struct rd d = {.r = &rows, .row = i};
        read_row(&d, arr + i * elsize);
        if (d.bad)
            return fail_bad_result(err, s);
    }
    *out = arr;
    *n = take;
    return 0;
}

static void read_org_el(struct rd *d, void *el)
{
    read_org(d, el);
}

int st_org_list(struct st_db *db, int64_t after_id, int limit, struct sx_arena *arena,
                struct st_org **out, size_t *n, int *more, struct sx_err *err)
{
    struct params p = {.n = 0};
    void *arr = NULL;
    int rc = list_paged(db, ST_ORG_LIST, &p, after_id, limit, arena, sizeof(struct st_org),
                        read_org_el, &arr, n, more, err);
    *out = arr;
    return rc;
}

int st_org_subtree(struct st_db *db, int64_t org_id, struct sx_arena *arena, int64_t **ids,
                   size_t *n, struct sx_err *err)
{
    struct params p = {.n = 0};
    struct st_rows rows;
    int64_t *arr;
    int rc;
    p_int(&p, org_id);
    rc = run(db, ST_ORG_SUBTREE, &p, arena, &rows, err);
    if (rc != 0)
        return rc;
    if (rows.nrows == 0)
        return fail_notfound(err, "机构", org_id);
    arr = alloc_array(arena, rows.nrows, sizeof(*arr));
    if (arr == NULL)
        return fail_nomem(err);
    for (size_t i = 0; i < rows.nrows; i++) {
        if (parse_i64(st_cell(&rows, i, 0), &arr[i]) != 0)
            return fail_bad_result(err, ST_ORG_SUBTREE);
    }
    *ids = arr;
    *n = rows.nrows;
    return 0;
}

/* ---- users ---- */

static void read_user(struct rd *d, struct st_user *u)
{
    u->id = rd_i64(d);
    u->org_id = rd_i64(d);
    u->username = rd_text(d);
    u->display_name = rd_text(d);
    u->password_hash = rd_text(d);
    u->roles = rd_text(d);
    u->cert_no = rd_text(d);
    u->cert_valid_from = rd_text(d);
    u->cert_valid_to = rd_text(d);
    u->legal_qualification = rd_text(d);
    u->post = rd_text(d);
    u->disabled = rd_int(d);
    u->created_at = rd_text(d);
}

static void read_user_el(struct rd *d, void *el)
{
    read_user(d, el);
}

static int check_user_profile(const struct st_user *u, struct sx_err *err)
{
    int rc = need_text(u->display_name, "display_name", err);
    if (rc == 0 && u->org_id <= 0)
        rc = SX_FAIL(err, SX_E_INVALID, "missing-field", "缺少必填项", "", "org_id",
                     "用户必须属于一个机构");
    if (rc == 0)
        rc = need_date_opt(u->cert_valid_from, "cert_valid_from", err);
    if (rc == 0)
        rc = need_date_opt(u->cert_valid_to, "cert_valid_to", err);
    return rc;
}

int st_user_insert(struct st_db *db, const struct st_user *u, int64_t *id, struct sx_err *err)
{
    struct params p = {.n = 0};
    int rc = check_user_profile(u, err);
    if (rc == 0)
        rc = need_text(u->username, "username", err);
    if (rc == 0)
        rc = need_text(u->password_hash, "password_hash", err);
    if (rc == 0)
        rc = need_ts(u->created_at, "created_at", err);
    if (rc != 0)
        return rc;
    p_int(&p, u->org_id);
    p_text(&p, u->username);
    p_text(&p, u->display_name);
    p_text(&p, u->password_hash);
    p_text(&p, u->roles != NULL ? u->roles : "");
    p_text(&p, u->cert_no);
    p_text(&p, u->cert_valid_from);
    p_text(&p, u->cert_valid_to);
    p_text(&p, u->legal_qualification);
    p_text(&p, u->post);
    p_int(&p, u->disabled ? 1 : 0);
    p_text(&p, u->created_at);
    return run_int(db, ST_USER_INSERT, &p, id, err);
}

int st_user_update(struct st_db *db, const struct st_user *u, struct sx_err *err)
{
    struct params p = {.n = 0};
    int64_t changes = 0;
    int rc = check_user_profile(u, err);
    if (rc != 0)
        return rc;
    p_int(&p, u->org_id);
    p_text(&p, u->display_name);
    p_text(&p, u->roles != NULL ? u->roles : "");
    p_text(&p, u->cert_no);
    p_text(&p, u->cert_valid_from);
    p_text(&p, u->cert_valid_to);
    p_text(&p, u->legal_qualification);
    p_text(&p, u->post);
    p_int(&p, u->id);
    rc = run_void(db, ST_USER_UPDATE, &p, &changes, err);
    if (rc == 0 && changes == 0)
        rc = fail_notfound(err, "用户", u->id);
    return rc;
}

static int user_get(struct st_db *db, enum st_stmt s, const struct params *p, int64_t id,
                    struct sx_arena *arena, struct st_user *out, struct sx_err *err)
{
    struct st_rows rows;
    struct rd d;
    int rc = run(db, s, p, arena, &rows, err);
    if (rc != 0)
        return rc;
    if (rows.nrows == 0)
        return fail_notfound(err, "用户", id);
    d = (struct rd){.r = &rows};
    read_user(&d, out);
    return d.bad ? fail_bad_result(err, s) : 0;
}

int st_user_get(struct st_db *db, int64_t id, struct sx_arena *arena, struct st_user *out,
                struct sx_err *err)
{
    struct params p = {.n = 0};
    p_int(&p, id);
    return user_get(db, ST_USER_GET, &p, id, arena, out, err);
}

int st_user_get_by_username(struct st_db *db, const char *username, struct sx_arena *arena,
                            struct st_user *out, struct sx_err *err)
{
    struct params p = {.n = 0};
    p_text(&p, username);
    return user_get(db, ST_USER_GET_BY_USERNAME, &p, 0, arena, out, err);
}

int st_user_list(struct st_db *db, int64_t org_id, int64_t after_id, int limit,
                 struct sx_arena *arena, struct st_user **out, size_t *n, int *more,
                 struct sx_err *err)
{
    struct params p = {.n = 0};
    void *arr = NULL;
    int rc;
    p_id(&p, org_id);
    rc = list_paged(db, ST_USER_LIST, &p, after_id, limit, arena, sizeof(struct st_user),
                    read_user_el, &arr, n, more, err);
    *out = arr;
    return rc;
}

int st_user_list_by_role(struct st_db *db, int64_t org_id, const char *role, struct sx_arena *arena,
                         struct st_user **out, size_t *n, struct sx_err *err)
{
    struct params p = {.n = 0};
    void *arr = NULL;
    int rc = need_text(role, "role", err);
    if (rc != 0)
        return rc;
    p_int(&p, org_id);
    p_text(&p, role);
    rc = list_paged(db, ST_USER_LIST_BY_ROLE, &p, INT64_MIN, ST_LIST_MAX, arena,
                    sizeof(struct st_user), read_user_el, &arr, n, NULL, err);
    *out = arr;
    return rc;
}

int st_user_set_disabled(struct st_db *db, int64_t id, int disabled, struct sx_err *err)
{
    struct params p = {.n = 0};
    int64_t changes = 0;
    int rc;
    p_int(&p, disabled ? 1 : 0);
    p_int(&p, id);
    rc = run_void(db, ST_USER_SET_DISABLED, &p, &changes, err);
    if (rc == 0 && changes == 0)
        rc = fail_notfound(err, "用户", id);
    return rc;
}

int st_user_set_password(struct st_db *db, int64_t id, const char *password_hash,
                         struct sx_err *err)
{
    struct params p = {.n = 0};
    int64_t changes = 0;
    int rc = need_text(password_hash, "password_hash", err);
    if (rc != 0)
        return rc;
    p_text(&p, password_hash);
    p_int(&p, id);
    rc = run_void(db, ST_USER_SET_PASSWORD, &p, &changes, err);
    if (rc == 0 && changes == 0)
        rc = fail_notfound(err, "用户", id);
    return rc;
}

/* ---- sessions, API tokens ---- */

int st_session_insert(struct st_db *db, const struct st_session *s, struct sx_err *err)
{
    struct params p = {.n = 0};
    int rc = need_text(s->token_hash, "token_hash", err);
    if (rc == 0)
        rc = need_text(s->csrf_token, "csrf_token", err);
    if (rc == 0)
        rc = need_ts(s->created_at, "created_at", err);
    if (rc == 0)
        rc = need_ts(s->expires_at, "expires_at", err);
    if (rc != 0)
        return rc;
    p_text(&p, s->token_hash);
    p_int(&p, s->user_id);
    p_text(&p, s->csrf_token);
    p_text(&p, s->created_at);
    p_text(&p, s->expires_at);
    return run_void(db, ST_SESSION_INSERT, &p, NULL, err);
}

int st_session_get(struct st_db *db, const char *token_hash, const char *now,
                   struct sx_arena *arena, struct st_session *out, struct sx_err *err)
{
    struct params p = {.n = 0};
    struct st_rows rows;
    struct rd d;
    int rc = need_ts(now, "now", err);
    if (rc != 0)
        return rc;
    p_text(&p, token_hash);
    p_text(&p, now);
    rc = run(db, ST_SESSION_GET, &p, arena, &rows, err);
    if (rc != 0)
        return rc;
    if (rows.nrows == 0)
        return fail_notfound(err, "会话", 0);
    d = (struct rd){.r = &rows};
    out->token_hash = rd_text(&d);
    out->user_id = rd_i64(&d);
    out->csrf_token = rd_text(&d);
    out->created_at = rd_text(&d);
    out->expires_at = rd_text(&d);
    read_user(&d, &out->user);
    return d.bad ? fail_bad_result(err, ST_SESSION_GET) : 0;
}

int st_session_delete(struct st_db *db, const char *token_hash, struct sx_err *err)
{
    struct params p = {.n = 0};
    p_text(&p, token_hash);
    return run_void(db, ST_SESSION_DELETE, &p, NULL, err);
}

int st_session_delete_user(struct st_db *db, int64_t user_id, int64_t *deleted, struct sx_err *err)
{
    struct params p = {.n = 0};
    p_int(&p, user_id);
    return run_void(db, ST_SESSION_DELETE_USER, &p, deleted, err);
}

int st_session_delete_expired(struct st_db *db, const char *now, int64_t *deleted,
                              struct sx_err *err)
{
    struct params p = {.n = 0};
    int rc = need_ts(now, "now", err);
    if (rc != 0)
        return rc;
    p_text(&p, now);
    return run_void(db, ST_SESSION_DELETE_EXPIRED, &p, deleted, err);
}

static void read_token(struct rd *d, struct st_api_token *t)
{
    t->id = rd_i64(d);
    t->user_id = rd_i64(d);
    t->name = rd_text(d);
    t->token_hash = rd_text(d);
    t->created_at = rd_text(d);
    t->revoked_at = rd_text(d);
}

static void read_token_el(struct rd *d, void *el)
{
    read_token(d, el);
}

int st_api_token_insert(struct st_db *db, const struct st_api_token *t, int64_t *id,
                        struct sx_err *err)
{
    struct params p = {.n = 0};
    int rc = need_text(t->name, "name", err);
    if (rc == 0)
        rc = need_text(t->token_hash, "token_hash", err);
    if (rc == 0)
        rc = need_ts(t->created_at, "created_at", err);
    if (rc != 0)
        return rc;
    p_int(&p, t->user_id);
    p_text(&p, t->name);
    p_text(&p, t->token_hash);
    p_text(&p, t->created_at);
    return run_int(db, ST_TOKEN_INSERT, &p, id, err);
}

int st_api_token_get_by_hash(struct st_db *db, const char *token_hash, struct sx_arena *arena,
                             struct st_api_token *out, struct sx_err *err)
{
    struct params p = {.n = 0};
    struct st_rows rows;
    struct rd d;
    int rc;
    p_text(&p, token_hash);
    rc = run(db, ST_TOKEN_GET_BY_HASH, &p, arena, &rows, err);
    if (rc != 0)
        return rc;
    if (rows.nrows == 0)
        return fail_notfound(err, "访问令牌", 0);
    d = (struct rd){.r = &rows};
    read_token(&d, out);
    read_user(&d, &out->user);
    return d.bad ? fail_bad_result(err, ST_TOKEN_GET_BY_HASH) : 0;
}

int st_api_token_list(struct st_db *db, int64_t user_id, struct sx_arena *arena,
                      struct st_api_token **out, size_t *n, struct sx_err *err)
{
    struct params p = {.n = 0};
    struct st_rows rows;
    struct st_api_token *arr;
    int rc;
    p_int(&p, user_id);
    rc = run(db, ST_TOKEN_LIST, &p, arena, &rows, err);
    if (rc != 0)
        return rc;
    arr = alloc_array(arena, rows.nrows, sizeof(*arr));
    if (rows.nrows > 0 && arr == NULL)
        return fail_nomem(err);
    for (size_t i = 0; i < rows.nrows; i++) {
        struct rd d = {.r = &rows, .row = i};
        read_token_el(&d, &arr[i]);
        if (d.bad)
            return fail_bad_result(err, ST_TOKEN_LIST);
    }
    *out = arr;
    *n = rows.nrows;
    return 0;
}

int st_api_token_revoke(struct st_db *db, int64_t id, const char *now, struct sx_err *err)
{
    struct params p = {.n = 0};
    int64_t changes = 0;
    int rc = need_ts(now, "now", err);
    if (rc != 0)
        return rc;
    p_text(&p, now);
    p_int(&p, id);
    rc = run_void(db, ST_TOKEN_REVOKE, &p, &changes, err);
    if (rc == 0 && changes == 0)
        rc = fail_notfound(err, "有效的访问令牌", id);
    return rc;
}

/* ---- audit ---- */

static void read_audit_el(struct rd *d, void *el)
{
    struct st_audit *a = el;
    a->id = rd_i64(d);
    a->at = rd_text(d);
    a->user_id = rd_i64(d);
    a->username = rd_text(d);
    a->action = rd_text(d);
    a->target = rd_text(d);
    a->outcome = rd_text(d);
    a->ip = rd_text(d);
    a->detail = rd_text(d);
}

/* Check an audit row and build ST_AUDIT_APPEND's parameters. */
static int audit_params(const struct st_audit *a, struct params *p, struct sx_err *err)
{
    int rc = need_ts(a->at, "at", err);
    if (rc == 0)
        rc = need_text(a->action, "action", err);
    if (rc == 0)
        rc = need_text(a->outcome, "outcome", err);
    if (rc != 0)
        return rc;
    p_text(p, a->at);
    p_id(p, a->user_id);
    p_text(p, a->username);
    p_text(p, a->action);
    p_text(p, a->target);
    p_text(p, a->outcome);
    p_text(p, a->ip);
    p_text(p, a->detail);
    return 0;
}

int st_audit_append(struct st_db *db, const struct st_audit *a, int64_t *id, struct sx_err *err)
{
    struct params p = {.n = 0};
    int64_t dummy;
    int rc = audit_params(a, &p, err);
    return rc != 0 ? rc : run_int(db, ST_AUDIT_APPEND, &p, id != NULL ? id : &dummy, err);
}

int st_audit_count_failures(struct st_db *db, const char *action, const char *username,
                            const char *ip, const char *since, int64_t *count, struct sx_err *err)
{
    struct params p = {.n = 0};
    int rc = need_ts(since, "since", err);
    if (rc == 0)
        rc = need_text(action, "action", err);
    if (rc != 0)
        return rc;
    p_text(&p, action);
    p_text(&p, username);
    p_text(&p, ip);
    p_text(&p, since);
    return run_int(db, ST_AUDIT_COUNT_FAILURES, &p, count, err);
}

int st_audit_list(struct st_db *db, int64_t after_id, int limit, struct sx_arena *arena,
                  struct st_audit **out, size_t *n, int *more, struct sx_err *err)
{
    struct params p = {.n = 0};
    void *arr = NULL;
    int rc = list_paged(db, ST_AUDIT_LIST, &p, after_id, limit, arena, sizeof(struct st_audit),
                        read_audit_el, &arr, n, more, err);
    *out = arr;
    return rc;
}

/* ---- counters ---- */

int st_counter_next(struct st_db *db, int64_t org_id, int year, const char *kind, int64_t *seq,
                    struct sx_err *err)
{
    struct params p = {.n = 0};
    int rc = need_write_tx(db, "st_counter_next", err);
    if (rc == 0)
        rc = need_text(kind, "kind", err);
    if (rc != 0)
        return rc;
    p_int(&p, org_id);
    p_int(&p, year);
    p_text(&p, kind);
    return run_int(db, ST_COUNTER_NEXT, &p, seq, err);
}

/* ---- cases ---- */

static void read_case(struct rd *d, struct st_case *c)
{
    c->id = rd_i64(d);
    c->org_id = rd_i64(d);
    c->kind = rd_text(d);
    c->number = rd_text(d);
    c->number_year = rd_int(d);
    c->number_seq = rd_i64(d);
    c->state = rd_text(d);
    c->source = rd_text(d);
    c->cause = rd_text(d);
    c->summary = rd_text(d);
    c->fine_fen = rd_i64(d);
    c->confiscation_fen = rd_i64(d);
    c->fund_recovery_fen = rd_i64(d);
    c->payment_refusal_fen = rd_i64(d);
    c->flags = rd_text(d);
    c->created_at = rd_text(d);
    c->created_by = rd_i64(d);
    c->head_hash = rd_text(d);
    c->record_count = rd_i64(d);
}

static void read_case_el(struct rd *d, void *el)
{
    read_case(d, el);
}

static int check_amounts(const struct st_case *c, struct sx_err *err)
{
    if (c->fine_fen < 0 || c->confiscation_fen < 0 || c->fund_recovery_fen < 0 ||
        c->payment_refusal_fen < 0)
        return SX_FAIL(err, SX_E_INVALID, "invalid-amount", "金额不能为负数", "", "",
                       "罚款、没收、追回和拒付金额均以分为单位，不能为负数");
    return 0;
}

/* The number and its year/seq come together or not at all. */
static void p_number(struct params *p, const struct st_case *c)
{
    p_text(p, c->number);
    if (c->number != NULL) {
        p_int(p, c->number_year);
        p_int(p, c->number_seq);
    } else {
        p_text(p, NULL);
        p_text(p, NULL);
    }
}

/* The projection columns, in the order the projection statements take them. */
static void p_projection(struct params *p, const struct st_case *c)
{
    p_text(p, c->state);
    p_number(p, c);
    p_text(p, c->cause);
    p_text(p, c->summary);
    p_text(p, c->flags);
    p_int(p, c->fine_fen);
    p_int(p, c->confiscation_fen);
    p_int(p, c->fund_recovery_fen);
    p_int(p, c->payment_refusal_fen);
}

int st_case_insert(struct st_db *db, const struct st_case *c, int64_t *id, struct sx_err *err)
{
    struct params p = {.n = 0};
    int rc = need_text(c->kind, "kind", err);
    if (rc == 0)
        rc = need_text(c->state, "state", err);
    if (rc == 0)
        rc = need_ts(c->created_at, "created_at", err);
    if (rc == 0)
        rc = check_amounts(c, err);
    if (rc != 0)
        return rc;
    p_int(&p, c->org_id);
    p_text(&p, c->kind);
    p_number(&p, c);
    p_text(&p, c->state);
    p_text(&p, c->source);
    p_text(&p, c->cause);
    p_text(&p, c->summary);
    p_int(&p, c->fine_fen);
    p_int(&p, c->confiscation_fen);
    p_int(&p, c->fund_recovery_fen);
    p_int(&p, c->payment_refusal_fen);
    p_text(&p, c->flags);
    p_text(&p, c->created_at);
    p_int(&p, c->created_by);
    return run_int(db, ST_CASE_INSERT, &p, id, err);
}

int st_case_get(struct st_db *db, int64_t id, struct sx_arena *arena, struct st_case *out,
                struct sx_err *err)
{
    struct params p = {.n = 0};
    struct st_rows rows;
    struct rd d;
    int rc;
    p_int(&p, id);
    rc = run(db, ST_CASE_GET, &p, arena, &rows, err);
    if (rc != 0)
        return rc;
    if (rows.nrows == 0)
        return fail_notfound(err, "案件", id);
    d = (struct rd){.r = &rows};
    read_case(&d, out);
    return d.bad ? fail_bad_result(err, ST_CASE_GET) : 0;
}

int st_case_update_projection(struct st_db *db, const struct st_case *c, struct sx_err *err)
{
    struct params p = {.n = 0};
    int64_t changes = 0;
    int rc = need_text(c->state, "state", err);
    if (rc == 0)
        rc = check_amounts(c, err);
    if (rc != 0)
        return rc;
    p_projection(&p, c);
    p_int(&p, c->id);
    rc = run_void(db, ST_CASE_UPDATE_PROJECTION, &p, &changes, err);
    if (rc == 0 && changes == 0)
        rc = fail_notfound(err, "案件", c->id);
    return rc;
}

/* "%q%" for LIKE with \ escaping %, _ and \ in q. */
static int like_pattern(const char *q, struct sx_buf *b)
{
    int rc = sx_buf_putc(b, '%');
    for (const char *s = q; rc == 0 && *s != '\0'; s++) {
        if (*s == '%' || *s == '_' || *s == '\\')
            rc = sx_buf_putc(b, '\\');
        if (rc == 0)
            rc = sx_buf_putc(b, *s);
    }
    if (rc == 0)
        rc = sx_buf_putc(b, '%');
    return rc;
}

/* The filter's parameters before the cursor and limit; orgs and pat hold their texts. */
static int case_filter_params(const struct st_case_filter *f, struct params *p,
                              struct sx_buf *orgs, struct sx_buf *pat, struct sx_err *err)
{
    int rc = 0;
    /* the org scope travels as one JSON array parameter, e.g. [3,7,9] */
    if (!f->any_org) {
        rc = sx_buf_putc(orgs, '[');
        for (size_t i = 0; rc == 0 && i < f->n_org_ids; i++)
            rc = sx_buf_printf(orgs, "%s%" PRId64, i > 0 ? "," : "", f->org_ids[i]);
        if (rc == 0)
            rc = sx_buf_putc(orgs, ']');
        if (rc != 0)
            return SX_FAIL(err, SX_E_TOOBIG, "scope-too-large", "查询范围过大", "", "org_ids",
                           "机构数量过多");
    }
    if (f->q != NULL && f->q[0] != '\0' && like_pattern(f->q, pat) != 0)
        return SX_FAIL(err, SX_E_TOOBIG, "query-too-long", "查询词过长", "", "q",
                       "查询词不能超过 4000 字节");
    p_int(p, f->any_org ? 1 : 0);
    p_text(p, f->any_org ? NULL : orgs->data);
    p_text(p, f->kind);
    p_text(p, f->state);
    p_text(p, pat->len > 0 ? pat->data : NULL);
    p_id(p, f->officer_id);
    return 0;
}

int st_case_list(struct st_db *db, const struct st_case_filter *f, struct sx_arena *arena,
                 struct st_case **out, size_t *n, int *more, struct sx_err *err)
{
    struct params p = {.n = 0};
    struct sx_buf orgs, pat;
    void *arr = NULL;
    int rc;

    *out = NULL;
    *n = 0;
    if (more != NULL)
        *more = 0;
    sx_buf_init(&orgs, 1 << 20);
    sx_buf_init(&pat, 4096);
    rc = case_filter_params(f, &p, &orgs, &pat, err);
    if (rc == 0)
        rc = list_paged(db, ST_CASE_LIST, &p, f->after_id, f->limit, arena,
                        sizeof(struct st_case), read_case_el, &arr, n, more, err);
    *out = arr;
    sx_buf_free(&orgs);
    sx_buf_free(&pat);
    return rc;
}

struct case_each {
    int (*fn)(void *ctx, const struct st_case *c, struct sx_err *err);
    void *ctx;
};

static int case_each_row(void *p, const struct st_cell *cells, size_t ncols, struct sx_err *err)
{
    struct case_each *ce = p;
    char ibuf[SCAN_MAX_COLS][RD_INT_TEXT];
    struct rd d = {.cells = cells, .ncells = ncols, .ibuf = ibuf};
    struct st_case c;
    if (ncols > SCAN_MAX_COLS)
        return fail_bad_result(err, ST_CASE_LIST);
    read_case_el(&d, &c);
    if (d.bad)
        return fail_bad_result(err, ST_CASE_LIST);
    return ce->fn(ce->ctx, &c, err);
}

int st_case_each(struct st_db *db, const struct st_case_filter *f,
                 int (*fn)(void *ctx, const struct st_case *c, struct sx_err *err), void *ctx,
                 struct sx_err *err)
{
    struct case_each ce = {.fn = fn, .ctx = ctx};
    struct params p = {.n = 0};
    struct sx_buf orgs, pat;
    int rc;

    sx_buf_init(&orgs, 1 << 20);
    sx_buf_init(&pat, 4096);
    rc = case_filter_params(f, &p, &orgs, &pat, err);
    if (rc == 0) {
        p_int(&p, f->after_id);
        p_int(&p, INT64_MAX);
        rc = st_stream(db, ST_CASE_LIST, p.v, p.n, case_each_row, &ce, err);
    }
    sx_buf_free(&orgs);
    sx_buf_free(&pat);
    return rc;
}

/* ---- parties, officers ---- */

static void read_party_el(struct rd *d, void *el)
{
    struct st_party *p = el;
    p->id = rd_i64(d);
    p->case_id = rd_i64(d);
    p->kind = rd_text(d);
    p->name = rd_text(d);
    p->id_number = rd_text(d);
    p->uscc = rd_text(d);
    p->legal_rep = rd_text(d);
    p->address = rd_text(d);
    p->phone = rd_text(d);
    p->birth_date = rd_text(d);
}

int st_party_insert(struct st_db *db, const struct st_party *pa, int64_t *id, struct sx_err *err)
{
    struct params p = {.n = 0};
    int rc = need_text(pa->kind, "kind", err);
    if (rc == 0)
        rc = need_text(pa->name, "name", err);
    if (rc == 0)
        rc = need_date_opt(pa->birth_date, "birth_date", err);
    if (rc != 0)
        return rc;
    p_int(&p, pa->case_id);
    p_text(&p, pa->kind);
    p_text(&p, pa->name);
    p_text(&p, pa->id_number);
    p_text(&p, pa->uscc);
    p_text(&p, pa->legal_rep);
    p_text(&p, pa->address);
    p_text(&p, pa->phone);
    p_text(&p, pa->birth_date);
    return run_int(db, ST_PARTY_INSERT, &p, id, err);
}

/* Run a by-id statement returning many rows and decode all of them. */
static int list_all(struct st_db *db, enum st_stmt s, int64_t key, struct sx_arena *arena,
                    size_t elsize, void (*read_row)(struct rd *d, void *el), void **out, size_t *n,
                    struct sx_err *err)
{
    struct params p = {.n = 0};
    struct st_rows rows;
    char *arr;
    int rc;
    p_int(&p, key);
    rc = run(db, s, &p, arena, &rows, err);
    if (rc != 0)
        return rc;
    arr = alloc_array(arena, rows.nrows, elsize);
    if (rows.nrows > 0 && arr == NULL)
        return fail_nomem(err);
    for (size_t i = 0; i < rows.nrows; i++) {
        struct rd d = {.r = &rows, .row = i};
        read_row(&d, arr + i * elsize);
        if (d.bad)
            return fail_bad_result(err, s);
    }
    *out = arr;
    *n = rows.nrows;
    return 0;
}

int st_party_list(struct st_db *db, int64_t case_id, struct sx_arena *arena, struct st_party **out,
                  size_t *n, struct sx_err *err)
{
    void *arr = NULL;
    int rc = list_all(db, ST_PARTY_LIST, case_id, arena, sizeof(struct st_party), read_party_el,
                      &arr, n, err);
    *out = arr;
    return rc;
}

int st_case_officer_add(struct st_db *db, int64_t case_id, int64_t user_id, struct sx_err *err)
{
    struct params p = {.n = 0};
    p_int(&p, case_id);
    p_int(&p, user_id);
    return run_void(db, ST_OFFICER_ADD, &p, NULL, err);
}

int st_case_officer_list(struct st_db *db, int64_t case_id, struct sx_arena *arena,
                         struct st_user **out, size_t *n, struct sx_err *err)
{
    void *arr = NULL;
    int rc = list_all(db, ST_OFFICER_LIST, case_id, arena, sizeof(struct st_user), read_user_el,
                      &arr, n, err);
    *out = arr;
    return rc;
}

static int party_id_cmp(const void *a, const void *b)
{
    const struct st_party *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

static int user_id_cmp(const void *a, const void *b)
{
    const struct st_user *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

static bool parties_sorted(const struct st_party *p, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (p[i - 1].id > p[i].id)
            return false;
    return true;
}

static bool users_sorted(const struct st_user *u, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (u[i - 1].id > u[i].id)
            return false;
    return true;
}

static int case_page(struct st_db *db, enum st_stmt stmt, int64_t id, struct sx_arena *arena,
                     struct st_case *c, struct st_party **parties, size_t *n_parties,
                     struct st_user **officers, size_t *n_officers, struct sx_err *err)
{
    struct params p = {.n = 0};
    struct st_rows rows;
    size_t np = 0, no = 0, ip = 0, io = 0;
    int seen_case = 0;
    int rc;
    p_int(&p, id);
    rc = run(db, stmt, &p, arena, &rows, err);
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < rows.nrows; i++) {
        const char *part = st_cell(&rows, i, 0);
        np += part != NULL && part[0] == '1';
        no += part != NULL && part[0] == '2';
    }
    *parties = alloc_array(arena, np, sizeof(**parties));
    *officers = alloc_array(arena, no, sizeof(**officers));
    if ((np > 0 && *parties == NULL) || (no > 0 && *officers == NULL))
        return fail_nomem(err);
    for (size_t i = 0; i < rows.nrows; i++) {
        const char *part = st_cell(&rows, i, 0);
        struct rd d = {.r = &rows, .row = i, .col = 2}; /* after part and its sort key */
        if (part != NULL && part[0] == '0' && !seen_case) {
            read_case(&d, c);
            seen_case = 1;
        } else if (part != NULL && part[0] == '1') {
            read_party_el(&d, &(*parties)[ip++]);
        } else if (part != NULL && part[0] == '2') {
            read_user_el(&d, &(*officers)[io++]);
        } else {
            d.bad = 1;
        }
        if (d.bad)
            return fail_bad_result(err, stmt);
    }
    if (!seen_case)
        return fail_notfound(err, "案件", id);
    /* each part in id order (the statement has no ORDER BY; its branches usually are) */
    if (!parties_sorted(*parties, np))
        qsort(*parties, np, sizeof(**parties), party_id_cmp);
    if (!users_sorted(*officers, no))
        qsort(*officers, no, sizeof(**officers), user_id_cmp);
    *n_parties = np;
    *n_officers = no;
    return 0;
}

int st_case_page(struct st_db *db, int64_t id, struct sx_arena *arena, struct st_case *c,
                 struct st_party **parties, size_t *n_parties, struct st_user **officers,
                 size_t *n_officers, struct sx_err *err)
{
    return case_page(db, ST_CASE_PAGE, id, arena, c, parties, n_parties, officers, n_officers,
                     err);
}

int st_case_page_for_update(struct st_db *db, int64_t id, struct sx_arena *arena,
                            struct st_case *c, struct st_party **parties, size_t *n_parties,
                            struct st_user **officers, size_t *n_officers, struct sx_err *err)
{
    int rc = need_write_tx(db, "st_case_page_for_update", err);
    return rc != 0 ? rc
                   : case_page(db, ST_CASE_PAGE_LOCK, id, arena, c, parties, n_parties, officers,
                               n_officers, err);
}

/* ---- records ---- */

static void read_record(struct rd *d, struct st_record *r)
{
    r->id = rd_i64(d);
    r->case_id = rd_i64(d);
    r->seq = rd_i64(d);
    r->type = rd_text(d);
    r->at = rd_text(d);
    r->recorded_at = rd_text(d);
    r->actor_id = rd_i64(d);
    r->corrects = rd_i64(d);
    r->body = rd_text(d);
    r->prev_hash = rd_text(d);
    r->hash = rd_text(d);
    r->action = rd_text(d);
}

static void read_record_el(struct rd *d, void *el)
{
    read_record(d, el);
}

static const char zero_hash[ST_HASH_HEX_LEN + 1] =
    "0000000000000000000000000000000000000000000000000000000000000000";

/*
 * The case's chain head and record count: from in->locked when the caller read the case under
 * its row lock in this transaction, else read here under a fresh lock (PostgreSQL FOR UPDATE).
 */
static int chain_head(struct st_db *db, const struct st_record_new *in, struct sx_arena *tmp,
                      char head[ST_HASH_HEX_LEN + 1], int64_t *count, struct sx_err *err)
{
    struct params p = {.n = 0};
    struct st_rows rows;
    const char *h;
    int rc;
    if (in->locked != NULL) {
        if (in->locked->id != in->case_id || in->locked->head_hash == NULL ||
            strlen(in->locked->head_hash) != ST_HASH_HEX_LEN || in->locked->record_count < 0)
            return SX_FAIL(err, SX_E_INTERNAL, "bad-locked-case", "内部错误：案件链头无效", "",
                           "", "案件 %" PRId64, in->case_id);
        memcpy(head, in->locked->head_hash, ST_HASH_HEX_LEN + 1);
        *count = in->locked->record_count;
        return 0;
    }
    p_int(&p, in->case_id);
    rc = run(db, ST_CASE_LOCK_HEAD, &p, tmp, &rows, err);
    if (rc != 0)
        return rc;
    if (rows.nrows == 0)
        return fail_notfound(err, "案件", in->case_id);
    h = rows.ncols == 2 ? st_cell(&rows, 0, 0) : NULL;
    if (h == NULL || strlen(h) != ST_HASH_HEX_LEN || parse_i64(st_cell(&rows, 0, 1), count) != 0 ||
        *count < 0)
        return fail_bad_result(err, ST_CASE_LOCK_HEAD);
    memcpy(head, h, ST_HASH_HEX_LEN + 1);
    return 0;
}

/*
 * The writes of an append, sent together (one round trip on PostgreSQL): the record row, the
 * case's new head (and projection), and the audit row that goes with it. *id is the record's
 * id, *changes the number of case rows the head update moved (1 unless the chain raced).
 */
static int append_writes(struct st_db *db, const struct st_record_new *in, int64_t count,
                         const char *prev, const char *hash, struct sx_arena *tmp, int64_t *id,
                         int64_t *changes, struct sx_err *err)
{
    struct params rec = {.n = 0}, head = {.n = 0}, audit = {.n = 0};
    struct st_rows rows[3];
    struct st_call calls[3];
    size_t n = 0;
    int rc = 0;

    p_int(&rec, in->case_id);
    p_int(&rec, count + 1);
    p_text(&rec, in->type);
    p_text(&rec, in->at);
    p_text(&rec, in->recorded_at);
    p_id(&rec, in->actor_id);
    p_id(&rec, in->corrects);
    p_text(&rec, in->body);
    p_text(&rec, prev);
    p_text(&rec, hash);
    p_text(&rec, in->action);
    calls[n++] = (struct st_call){ST_RECORD_INSERT, rec.v, rec.n, &rows[0]};

    p_text(&head, hash);
    p_int(&head, count + 1);
    p_int(&head, in->case_id);
    p_int(&head, count);
    if (in->projection != NULL)
        p_projection(&head, in->projection);
    calls[n++] = (struct st_call){
        in->projection != NULL ? ST_CASE_SET_HEAD_PROJECTION : ST_CASE_SET_HEAD, head.v, head.n,
        &rows[1]};
    if (in->audit != NULL) {
        rc = audit_params(in->audit, &audit, err);
        calls[n++] = (struct st_call){ST_AUDIT_APPEND, audit.v, audit.n, &rows[2]};
    }
    if (rc == 0)
        rc = st_exec_batch(db, n, calls, tmp, err);
    if (rc != 0)
        return rc;
    if (rows[0].nrows != 1 || rows[0].ncols < 1 || parse_i64(st_cell(&rows[0], 0, 0), id) != 0)
        return fail_bad_result(err, ST_RECORD_INSERT);
    *changes = rows[1].changes;
    return 0;
}

int st_record_append(struct st_db *db, const struct st_record_new *in, struct sx_arena *arena,
                     struct st_record *out, struct sx_err *err)
{
    struct params p = {.n = 0};
    struct sx_arena tmp;
    struct st_rows rows;
    struct lg_record rec;
    char hash[LG_SM3_HEX_LEN + 1];
    char head[ST_HASH_HEX_LEN + 1];
    int64_t count = 0, id = 0, changes = 0;
    int rc;

    sx_arena_init(&tmp, 1024);
    rc = need_write_tx(db, "st_record_append", err);
    if (rc == 0)
        rc = need_text(in->type, "type", err);
    if (rc == 0)
        rc = need_text(in->action, "action", err);
    if (rc == 0)
        rc = need_ts(in->at, "at", err);
    if (rc == 0)
        rc = need_ts(in->recorded_at, "recorded_at", err);
    if (rc == 0 && in->body == NULL)
        rc = need_text(in->body, "body", err);
    if (rc == 0 && in->projection != NULL)
        rc = need_text(in->projection->state, "state", err);
    if (rc == 0 && in->projection != NULL)
        rc = check_amounts(in->projection, err);
    if (rc != 0)
        goto cleanup;

    rc = chain_head(db, in, &tmp, head, &count, err);
    if (rc != 0)
        goto cleanup;

    /* A correction must point at an earlier record of the same case. */
    if (in->corrects != 0) {
        int64_t owner = 0;
        p = (struct params){.n = 0};
        p_int(&p, in->corrects);
        rc = run(db, ST_RECORD_CASE_OF, &p, &tmp, &rows, err);
        if (rc != 0)
            goto cleanup;
        if (rows.nrows != 1 || parse_i64(st_cell(&rows, 0, 0), &owner) != 0 ||
            owner != in->case_id) {
            rc = SX_FAIL(err, SX_E_INVALID, "corrects-other-case", "更正的记录不属于本案件", "",
                         "corrects", "记录 %" PRId64 " 不是案件 %" PRId64 " 的记录", in->corrects,
                         in->case_id);
            goto cleanup;
        }
    }

    if (!db->chain_open) {
        rc = lg_chain_open(&db->chain, err);
        if (rc != 0)
            goto cleanup;
        db->chain_open = 1;
    }
    rec = (struct lg_record){
        .id = 0,
        .case_id = in->case_id,
        .seq = count + 1,
        .actor_id = in->actor_id,
        .corrects = in->corrects,
        .type = in->type,
        .at = in->at,
        .body = in->body,
        .action = in->action,
        .recorded_at = in->recorded_at,
    };
    rc = lg_chain_seal(&db->chain, count == 0 ? NULL : head, &rec, hash, err);
    if (rc != 0)
        goto cleanup;

    rc = append_writes(db, in, count, count == 0 ? zero_hash : head, hash, &tmp, &id, &changes,
                       err);
    if (rc != 0)
        goto cleanup;
    if (changes != 1) {
        /* cannot happen while the row is locked: someone moved the head under us */
        rc = SX_FAIL(err, SX_E_INTERNAL, "chain-race", "案件记录链被并发修改", "", "",
                     "案件 %" PRId64 " 的记录数在加锁期间发生变化", in->case_id);
        goto cleanup;
    }

    if (out != NULL) {
        *out = (struct st_record){
            .id = id,
            .case_id = in->case_id,
            .seq = count + 1,
            .type = sx_arena_strdup(arena, in->type),
            .action = sx_arena_strdup(arena, in->action),
            .at = sx_arena_strdup(arena, in->at),
            .recorded_at = sx_arena_strdup(arena, in->recorded_at),
            .actor_id = in->actor_id,
            .corrects = in->corrects,
            .body = sx_arena_strdup(arena, in->body),
            .prev_hash = sx_arena_strdup(arena, count == 0 ? zero_hash : head),
            .hash = sx_arena_strdup(arena, hash),
        };
        if (out->type == NULL || out->action == NULL || out->at == NULL ||
            out->recorded_at == NULL || out->body == NULL || out->prev_hash == NULL ||
            out->hash == NULL)
            rc = fail_nomem(err);
    }

cleanup:
    sx_arena_free(&tmp);
    return rc;
}

int st_record_get(struct st_db *db, int64_t id, struct sx_arena *arena, struct st_record *out,
                  struct sx_err *err)
{
    struct params p = {.n = 0};
    struct st_rows rows;
    struct rd d;
    int rc;
    p_int(&p, id);
    rc = run(db, ST_RECORD_GET, &p, arena, &rows, err);
    if (rc != 0)
        return rc;
    if (rows.nrows == 0)
        return fail_notfound(err, "记录", id);
    d = (struct rd){.r = &rows};
    read_record(&d, out);
    return d.bad ? fail_bad_result(err, ST_RECORD_GET) : 0;
}

int st_record_list(struct st_db *db, int64_t case_id, struct sx_arena *arena,
                   struct st_record **out, size_t *n, struct sx_err *err)
{
    void *arr = NULL;
    int rc = list_all(db, ST_RECORD_LIST, case_id, arena, sizeof(struct st_record), read_record_el,
                      &arr, n, err);
    *out = arr;
    return rc;
}

/*
 * Keyset paging instead of one long-running statement or a server cursor: the same code on
 * both backends, memory bounded by one page, and the connection free while fn runs.
 */
int st_record_iter(struct st_db *db,
                   int (*fn)(void *ctx, const struct st_record *rec, struct sx_err *err), void *ctx,
                   struct sx_err *err)
{
    struct sx_arena page;
    int64_t after_case = 0, after_seq = 0;
    int rc = 0;

    sx_arena_init(&page, 1 << 20);
    for (;;) {
        struct params p = {.n = 0};
        struct st_rows rows;
        sx_arena_reset(&page);
        p_int(&p, after_case);
        p_int(&p, after_seq);
        p_int(&p, ST_ITER_PAGE);
        rc = run(db, ST_RECORD_ITER, &p, &page, &rows, err);
        if (rc != 0)
            goto cleanup;
        for (size_t i = 0; i < rows.nrows; i++) {
            struct st_record r;
            struct rd d = {.r = &rows, .row = i};
            read_record(&d, &r);
            if (d.bad) {
                rc = fail_bad_result(err, ST_RECORD_ITER);
                goto cleanup;
            }
            rc = fn(ctx, &r, err);
            if (rc != 0)
                goto cleanup;
            after_case = r.case_id;
            after_seq = r.seq;
        }
        if (rows.nrows < ST_ITER_PAGE)
            break;
    }
cleanup:
    sx_arena_free(&page);
    return rc;
}

int st_case_iter(struct st_db *db,
                 int (*fn)(void *ctx, const struct st_case_head *c, struct sx_err *err), void *ctx,
                 struct sx_err *err)
{
    struct sx_arena page;
    int64_t after_id = 0;
    int rc = 0;

    sx_arena_init(&page, 1 << 20);
    for (;;) {
        struct params p = {.n = 0};
        struct st_rows rows;
        sx_arena_reset(&page);
        p_int(&p, after_id);
        p_int(&p, ST_ITER_PAGE);
        rc = run(db, ST_CASE_ITER, &p, &page, &rows, err);
        if (rc != 0)
            goto cleanup;
        for (size_t i = 0; i < rows.nrows; i++) {
            struct st_case_head c;
            struct rd d = {.r = &rows, .row = i};
            c.id = rd_i64(&d);
            c.head_hash = rd_text(&d);
            c.record_count = rd_i64(&d);
            if (d.bad) {
                rc = fail_bad_result(err, ST_CASE_ITER);
                goto cleanup;
            }
            rc = fn(ctx, &c, err);
            if (rc != 0)
                goto cleanup;
            after_id = c.id;
        }
        if (rows.nrows < ST_ITER_PAGE)
            break;
    }
cleanup:
    sx_arena_free(&page);
    return rc;
}

/*
 * A ranged scan (st_record_scan, st_case_scan): one streamed statement over the whole range
 * of case ids with no limit and nothing copied. row() reads one row and hands it on.
 */
struct range_scan {
    enum st_stmt s;
    int64_t first, last; /* case ids, inclusive */
    int (*row)(struct range_scan *sc, struct rd *d, struct sx_err *err);
    /* the caller's callback: one of the two, as row() expects */
    int (*record_fn)(void *ctx, const struct st_record *rec, struct sx_err *err);
    int (*case_fn)(void *ctx, const struct st_case_head *c, struct sx_err *err);
    void *ctx;
    const char *types; /* RECORD_BRIEF_RANGE: the JSON array of types whose bodies are read */
};

static int range_stream_row(void *p, const struct st_cell *cells, size_t ncols, struct sx_err *err)
{
    struct range_scan *sc = p;
    char ibuf[SCAN_MAX_COLS][RD_INT_TEXT];
    struct rd d = {.cells = cells, .ncells = ncols, .ibuf = ibuf};
    if (ncols > SCAN_MAX_COLS)
        return fail_bad_result(err, sc->s);
    return sc->row(sc, &d, err);
}

static int range_scan(struct st_db *db, struct range_scan *sc, struct sx_err *err)
{
    struct params p = {.n = 0};
    if (sc->first > sc->last)
        return 0;
    /* the statements are keyset-shaped ((case_id, seq) >= key ... LIMIT); one call covers all */
    p_int(&p, sc->first);
    if (sc->s == ST_RECORD_RANGE || sc->s == ST_RECORD_BRIEF_RANGE)
        p_int(&p, INT64_MIN);
    p_int(&p, sc->last);
    p_int(&p, INT64_MAX);
    if (sc->s == ST_RECORD_BRIEF_RANGE)
        p_text(&p, sc->types);
    return st_stream(db, sc->s, p.v, p.n, range_stream_row, sc, err);
}

static int record_scan_row(struct range_scan *sc, struct rd *d, struct sx_err *err)
{
    struct st_record r;
    read_record(d, &r);
    if (d->bad)
        return fail_bad_result(err, sc->s);
    return sc->record_fn(sc->ctx, &r, err);
}

int st_record_scan(struct st_db *db, int64_t first_case, int64_t last_case,
                   int (*fn)(void *ctx, const struct st_record *rec, struct sx_err *err), void *ctx,
                   struct sx_err *err)
{
    struct range_scan sc = {.s = ST_RECORD_RANGE,
                            .first = first_case,
                            .last = last_case,
                            .row = record_scan_row,
                            .record_fn = fn,
                            .ctx = ctx};
    return range_scan(db, &sc, err);
}

/* st_record_scan_brief: six columns of the rows of the types asked for. */
static int record_brief_row(struct range_scan *sc, struct rd *d, struct sx_err *err)
{
    struct st_record r;
    memset(&r, 0, sizeof(r));
    r.case_id = rd_i64(d);
    r.seq = rd_i64(d);
    r.type = rd_text(d);
    r.action = rd_text(d);
    r.at = rd_text(d);
    r.body = rd_text(d);
    if (d->bad)
        return fail_bad_result(err, sc->s);
    return sc->record_fn(sc->ctx, &r, err);
}

int st_record_scan_brief(struct st_db *db, int64_t first_case, int64_t last_case, const char *types,
                         int (*fn)(void *ctx, const struct st_record *rec, struct sx_err *err),
                         void *ctx, struct sx_err *err)
{
    struct range_scan sc = {.s = ST_RECORD_BRIEF_RANGE,
                            .first = first_case,
                            .last = last_case,
                            .row = record_brief_row,
                            .record_fn = fn,
                            .ctx = ctx,
                            .types = types != NULL ? types : "[]"};
    return range_scan(db, &sc, err);
}

static int case_scan_row(struct range_scan *sc, struct rd *d, struct sx_err *err)
{
    struct st_case_head c;
    c.id = rd_i64(d);
    c.head_hash = rd_text(d);
    c.record_count = rd_i64(d);
    if (d->bad)
        return fail_bad_result(err, sc->s);
    return sc->case_fn(sc->ctx, &c, err);
}

int st_case_scan(struct st_db *db, int64_t first_case, int64_t last_case,
                 int (*fn)(void *ctx, const struct st_case_head *c, struct sx_err *err), void *ctx,
                 struct sx_err *err)
{
    struct range_scan sc = {.s = ST_CASE_RANGE,
                            .first = first_case,
                            .last = last_case,
                            .row = case_scan_row,
                            .case_fn = fn,
                            .ctx = ctx};
    return range_scan(db, &sc, err);
}

/* ---- calendar ---- */

int st_calendar_import(struct st_db *db, const struct st_cal_year *year,
                       const struct st_cal_day *days, size_t n, struct sx_err *err)
{
    struct params p = {.n = 0};
    int own = !st_in_tx(db);
    int rc = need_text(year->source, "source", err);
    if (rc == 0)
        rc = need_ts(year->imported_at, "imported_at", err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (!is_date(days[i].day) || (days[i].off_day != 0 && days[i].off_day != 1) ||
            days[i].name == NULL)
            rc = SX_FAIL(err, SX_E_INVALID, "invalid-calendar-day", "节假日数据格式不正确", "",
                         "day",
                         "%d 年第 %zu 行：日期应为 YYYY-MM-DD，off_day 为 0 或 1，名称不能为空",
                         year->year, i + 1);
    }
    if (rc != 0)
        return rc;
    if (own) {
        rc = st_begin(db, err);
        if (rc != 0)
            return rc;
    }
    p_int(&p, year->year);
    rc = run_void(db, ST_CAL_DELETE_DAYS, &p, NULL, err);
    if (rc == 0)
        rc = run_void(db, ST_CAL_DELETE_YEAR, &p, NULL, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        struct params dp = {.n = 0};
        p_text(&dp, days[i].day);
        p_int(&dp, days[i].off_day);
        p_text(&dp, days[i].name);
        p_int(&dp, year->year);
        rc = run_void(db, ST_CAL_INSERT_DAY, &dp, NULL, err);
    }
    if (rc == 0) {
        p = (struct params){.n = 0};
        p_int(&p, year->year);
        p_text(&p, year->source);
        p_text(&p, year->imported_at);
        rc = run_void(db, ST_CAL_INSERT_YEAR, &p, NULL, err);
    }
    if (own) {
        if (rc == 0)
            rc = st_commit(db, err);
        if (rc != 0)
            st_rollback(db, NULL);
    }
    return rc;
}

int st_calendar_load(struct st_db *db, struct sx_arena *arena, struct st_cal_day **out, size_t *n,
                     struct sx_err *err)
{
    struct params p = {.n = 0};
    struct st_rows rows;
    struct st_cal_day *arr;
    int rc = run(db, ST_CAL_LOAD, &p, arena, &rows, err);
    if (rc != 0)
        return rc;
    arr = alloc_array(arena, rows.nrows, sizeof(*arr));
    if (rows.nrows > 0 && arr == NULL)
        return fail_nomem(err);
    for (size_t i = 0; i < rows.nrows; i++) {
        struct rd d = {.r = &rows, .row = i};
        arr[i].day = rd_text(&d);
        arr[i].off_day = rd_int(&d);
        arr[i].name = rd_text(&d);
        arr[i].year = rd_int(&d);
        if (d.bad)
            return fail_bad_result(err, ST_CAL_LOAD);
    }
    *out = arr;
    *n = rows.nrows;
    return 0;
}

int st_calendar_years(struct st_db *db, struct sx_arena *arena, struct st_cal_year **out, size_t *n,
                      struct sx_err *err)
{
    struct params p = {.n = 0};
    struct st_rows rows;
    struct st_cal_year *arr;
    int rc = run(db, ST_CAL_YEARS, &p, arena, &rows, err);
    if (rc != 0)
        return rc;
    arr = alloc_array(arena, rows.nrows, sizeof(*arr));
    if (rows.nrows > 0 && arr == NULL)
        return fail_nomem(err);
    for (size_t i = 0; i < rows.nrows; i++) {
        struct rd d = {.r = &rows, .row = i};
        arr[i].year = rd_int(&d);
        arr[i].source = rd_text(&d);
        arr[i].imported_at = rd_text(&d);
        if (d.bad)
            return fail_bad_result(err, ST_CAL_YEARS);
    }
    *out = arr;
    *n = rows.nrows;
    return 0;
}

/* ---- settings ---- */

int st_setting_get(struct st_db *db, const char *key, struct sx_arena *arena, const char **value,
                   struct sx_err *err)
{
    struct params p = {.n = 0};
    struct st_rows rows;
    int rc;
    p_text(&p, key);
    rc = run(db, ST_SETTING_GET, &p, arena, &rows, err);
    if (rc != 0)
        return rc;
    if (rows.nrows == 0)
        return SX_FAIL(err, SX_E_NOTFOUND, "setting-missing", "设置项不存在", "", "key",
                       "没有设置项 %s", sx_clip((char[65]){0}, 65, key));
    *value = st_cell(&rows, 0, 0);
    return *value != NULL ? 0 : fail_bad_result(err, ST_SETTING_GET);
}

int st_setting_set(struct st_db *db, const char *key, const char *value, const char *now,
                   struct sx_err *err)
{
    struct params p = {.n = 0};
    int rc = need_text(value, "value", err);
    if (rc == 0)
        rc = need_ts(now, "now", err);
    if (rc != 0)
        return rc;
    p_text(&p, key);
    p_text(&p, value);
    p_text(&p, now);
    return run_void(db, ST_SETTING_SET, &p, NULL, err);
}

/* ---- metrics ---- */

int st_counts(struct st_db *db, const char *now, struct st_counts *out, struct sx_err *err)
{
    struct params p = {.n = 0};
    struct sx_arena a;
    struct st_rows rows;
    int rc = need_ts(now, "now", err);
    if (rc != 0)
        return rc;
    sx_arena_init(&a, 1024);
    p_text(&p, now);
    rc = run(db, ST_COUNTS, &p, &a, &rows, err);
    if (rc == 0) {
        struct rd d = {.r = &rows};
        if (rows.nrows != 1) {
            d.bad = 1;
        } else {
            out->orgs = rd_i64(&d);
            out->users = rd_i64(&d);
            out->cases = rd_i64(&d);
            out->records = rd_i64(&d);
            out->audit_entries = rd_i64(&d);
            out->sessions_active = rd_i64(&d);
        }
        if (d.bad)
            rc = fail_bad_result(err, ST_COUNTS);
    }
    sx_arena_free(&a);
    return rc;
}

int st_case_counts(struct st_db *db, struct sx_arena *arena, struct st_case_count **out, size_t *n,
                   struct sx_err *err)
{
    struct params p = {.n = 0};
    struct st_rows rows;
    struct st_case_count *arr;
    int rc = run(db, ST_CASE_COUNTS, &p, arena, &rows, err);
    if (rc != 0)
        return rc;
    arr = alloc_array(arena, rows.nrows, sizeof(*arr));
    if (rows.nrows > 0 && arr == NULL)
        return fail_nomem(err);
    for (size_t i = 0; i < rows.nrows; i++) {
        struct rd d = {.r = &rows, .row = i};
        arr[i].kind = rd_text(&d);
        arr[i].state = rd_text(&d);
        arr[i].count = rd_i64(&d);
        if (d.bad)
            return fail_bad_result(err, ST_CASE_COUNTS);
    }
    *out = arr;
    *n = rows.nrows;
    return 0;
}

/* ---- prepub: pre-publicity versions, pools, draws ---- */

static void read_prepub(struct rd *d, struct st_prepub_version *v)
{
    v->id = rd_i64(d);
    v->org_id = rd_i64(d);
    v->version = rd_i64(d);
    v->content = rd_text(d);
    v->content_hash = rd_text(d);
    v->created_at = rd_text(d);
    v->created_by = rd_i64(d);
    v->approved_at = rd_text(d);
    v->approved_by = rd_i64(d);
    v->published_at = rd_text(d);
    v->published_by = rd_i64(d);
}

static void read_prepub_el(struct rd *d, void *el)
{
    read_prepub(d, el);
}

/* Run s (one row expected) and decode it with read_row into out; what names the row. */
static int get_one(struct st_db *db, enum st_stmt s, const struct params *p, const char *what,
                   int64_t id, struct sx_arena *arena, void (*read_row)(struct rd *d, void *el),
                   void *out, struct sx_err *err)
{
    struct st_rows rows;
    struct rd d;
    int rc = run(db, s, p, arena, &rows, err);
    if (rc != 0)
        return rc;
    if (rows.nrows == 0)
        return fail_notfound(err, what, id);
    d = (struct rd){.r = &rows};
    read_row(&d, out);
    return d.bad ? fail_bad_result(err, s) : 0;
}

/* Run s (all rows) and decode them into an arena array. */
static int get_all(struct st_db *db, enum st_stmt s, const struct params *p,
                   struct sx_arena *arena, size_t elsize, void (*read_row)(struct rd *d, void *el),
                   void **out, size_t *n, struct sx_err *err)
{
    struct st_rows rows;
    char *arr;
    int rc = run(db, s, p, arena, &rows, err);
    if (rc != 0)
        return rc;
    arr = alloc_array(arena, rows.nrows, elsize);
    if (rows.nrows > 0 && arr == NULL)
        return fail_nomem(err);
    for (size_t i = 0; i < rows.nrows; i++) {
        struct rd d = {.r = &rows, .row = i};
        read_row(&d, arr + i * elsize);
        if (d.bad)
            return fail_bad_result(err, s);
    }
    *out = arr;
    *n = rows.nrows;
    return 0;
}

/* Run an INSERT ... RETURNING id, number. */
static int insert_numbered(struct st_db *db, enum st_stmt s, const struct params *p, int64_t *id,
                           int64_t *number, struct sx_err *err)
{
    struct sx_arena a;
    struct st_rows rows;
    int rc;
    sx_arena_init(&a, 1024);
    rc = st_exec(db, s, p->v, p->n, &a, &rows, err);
    if (rc == 0 && (rows.nrows != 1 || rows.ncols != 2 ||
                    parse_i64(st_cell(&rows, 0, 0), id) != 0 ||
                    parse_i64(st_cell(&rows, 0, 1), number) != 0))
        rc = fail_bad_result(err, s);
    sx_arena_free(&a);
    return rc;
}

int st_prepub_version_insert(struct st_db *db, int64_t org_id, const char *content,
                             const char *content_hash, const char *created_at, int64_t created_by,
                             int64_t *id, int64_t *version, struct sx_err *err)
{
    struct params p = {.n = 0};
    int rc = need_text(content, "content", err);
    if (rc == 0)
        rc = need_ts(created_at, "created_at", err);
    if (rc != 0)
        return rc;
    p_int(&p, org_id);
    p_text(&p, content);
    p_text(&p, content_hash);
    p_text(&p, created_at);
    p_id(&p, created_by);
    return insert_numbered(db, ST_PREPUB_VERSION_INSERT, &p, id, version, err);
}

int st_prepub_version_get(struct st_db *db, int64_t id, struct sx_arena *arena,
                          struct st_prepub_version *out, struct sx_err *err)
{
    struct params p = {.n = 0};
    p_int(&p, id);
    return get_one(db, ST_PREPUB_VERSION_GET, &p, "事前公开版本", id, arena, read_prepub_el, out,
                   err);
}

int st_prepub_version_by_number(struct st_db *db, int64_t org_id, int64_t version,
                                struct sx_arena *arena, struct st_prepub_version *out,
                                struct sx_err *err)
{
    struct params p = {.n = 0};
    p_int(&p, org_id);
    p_int(&p, version);
    return get_one(db, ST_PREPUB_VERSION_BY_NUMBER, &p, "事前公开版本", version, arena,
                   read_prepub_el, out, err);
}

int st_prepub_version_list(struct st_db *db, int64_t org_id, int published,
                           struct sx_arena *arena, struct st_prepub_version **out, size_t *n,
                           struct sx_err *err)
{
    struct params p = {.n = 0};
    void *arr = NULL;
    int rc;
    p_int(&p, org_id);
    p_int(&p, ST_LIST_MAX);
    *n = 0;
    rc = get_all(db, published ? ST_PREPUB_PUBLISHED_LIST : ST_PREPUB_VERSION_LIST, &p, arena,
                 sizeof(struct st_prepub_version), read_prepub_el, &arr, n, err);
    *out = arr;
    return rc;
}

int st_prepub_version_current(struct st_db *db, int64_t org_id, struct sx_arena *arena,
                              struct st_prepub_version *out, struct sx_err *err)
{
    struct params p = {.n = 0};
    p_int(&p, org_id);
    return get_one(db, ST_PREPUB_VERSION_CURRENT, &p, "已公开的事前公开信息", 0, arena,
                   read_prepub_el, out, err);
}

int st_prepub_event_insert(struct st_db *db, int64_t version_id, const char *event,
                           const char *at, int64_t actor_id, struct sx_err *err)
{
    struct params p = {.n = 0};
    int rc = need_ts(at, "at", err);
    if (rc != 0)
        return rc;
    p_int(&p, version_id);
    p_text(&p, event);
    p_text(&p, at);
    p_id(&p, actor_id);
    return run_void(db, ST_PREPUB_EVENT_INSERT, &p, NULL, err);
}

static void read_pool_el(struct rd *d, void *el)
{
    struct st_draw_pool *o = el;
    o->id = rd_i64(d);
    o->org_id = rd_i64(d);
    o->seq = rd_i64(d);
    o->content = rd_text(d);
    o->content_hash = rd_text(d);
    o->created_at = rd_text(d);
    o->created_by = rd_i64(d);
}

int st_draw_pool_insert(struct st_db *db, const struct st_draw_pool *in, int64_t *id,
                        int64_t *seq, struct sx_err *err)
{
    struct params p = {.n = 0};
    int rc = need_text(in->content, "content", err);
    if (rc == 0)
        rc = need_ts(in->created_at, "created_at", err);
    if (rc != 0)
        return rc;
    p_int(&p, in->org_id);
    p_text(&p, in->content);
    p_text(&p, in->content_hash);
    p_text(&p, in->created_at);
    p_id(&p, in->created_by);
    return insert_numbered(db, ST_POOL_INSERT, &p, id, seq, err);
}

int st_draw_pool_get(struct st_db *db, int64_t id, struct sx_arena *arena,
                     struct st_draw_pool *out, struct sx_err *err)
{
    struct params p = {.n = 0};
    p_int(&p, id);
    return get_one(db, ST_POOL_GET, &p, "双随机名录", id, arena, read_pool_el, out, err);
}

int st_draw_pool_latest(struct st_db *db, int64_t org_id, struct sx_arena *arena,
                        struct st_draw_pool *out, struct sx_err *err)
{
    struct params p = {.n = 0};
    p_int(&p, org_id);
    return get_one(db, ST_POOL_LATEST, &p, "双随机名录", 0, arena, read_pool_el, out, err);
}

int st_draw_pool_list(struct st_db *db, int64_t org_id, struct sx_arena *arena,
                      struct st_draw_pool **out, size_t *n, struct sx_err *err)
{
    struct params p = {.n = 0};
    void *arr = NULL;
    int rc;
    p_int(&p, org_id);
    p_int(&p, ST_LIST_MAX);
    *n = 0;
    rc = get_all(db, ST_POOL_LIST, &p, arena, sizeof(struct st_draw_pool), read_pool_el, &arr, n,
                 err);
    *out = arr;
    return rc;
}

static void read_draw_el(struct rd *d, void *el)
{
    struct st_draw *o = el;
    o->id = rd_i64(d);
    o->org_id = rd_i64(d);
    o->seq = rd_i64(d);
    o->pool_id = rd_i64(d);
    o->title = rd_text(d);
    o->k = rd_i64(d);
    o->m = rd_i64(d);
    o->pool_hash = rd_text(d);
    o->public_value = rd_text(d);
    o->public_source = rd_text(d);
    o->seed = rd_text(d);
    o->result = rd_text(d);
    o->created_at = rd_text(d);
    o->created_by = rd_i64(d);
}

int st_draw_insert(struct st_db *db, const struct st_draw *in, int64_t *id, int64_t *seq,
                   struct sx_err *err)
{
    struct params p = {.n = 0};
    int rc = need_text(in->title, "title", err);
    if (rc == 0)
        rc = need_text(in->result, "result", err);
    if (rc == 0)
        rc = need_ts(in->created_at, "created_at", err);
    if (rc != 0)
        return rc;
    p_int(&p, in->org_id);
    p_int(&p, in->pool_id);
    p_text(&p, in->title);
    p_int(&p, in->k);
    p_int(&p, in->m);
    p_text(&p, in->pool_hash);
    p_text(&p, in->public_value);
    p_text(&p, in->public_source);
    p_text(&p, in->seed);
    p_text(&p, in->result);
    p_text(&p, in->created_at);
    p_id(&p, in->created_by);
    return insert_numbered(db, ST_DRAW_INSERT, &p, id, seq, err);
}

int st_draw_get(struct st_db *db, int64_t id, struct sx_arena *arena, struct st_draw *out,
                struct sx_err *err)
{
    struct params p = {.n = 0};
    p_int(&p, id);
    return get_one(db, ST_DRAW_GET, &p, "双随机抽取", id, arena, read_draw_el, out, err);
}

int st_draw_list(struct st_db *db, int64_t org_id, int64_t after_id, int limit,
                 struct sx_arena *arena, struct st_draw **out, size_t *n, int *more,
                 struct sx_err *err)
{
    struct params p = {.n = 0};
    void *arr = NULL;
    int rc;
    p_int(&p, org_id);
    rc = list_paged(db, ST_DRAW_LIST, &p, after_id, limit, arena, sizeof(struct st_draw),
                    read_draw_el, &arr, n, more, err);
    *out = arr;
    return rc;
}

int st_record_latest_head(struct st_db *db, struct sx_arena *arena, int64_t *record_id,
                          const char **hash, struct sx_err *err)
{
    struct params p = {.n = 0};
    struct st_rows rows;
    int rc = run(db, ST_RECORD_LATEST_HEAD, &p, arena, &rows, err);
    if (rc != 0)
        return rc;
    *record_id = 0;
    *hash = NULL;
    if (rows.nrows == 0)
        return 0;
    if (rows.ncols != 2 || parse_i64(st_cell(&rows, 0, 0), record_id) != 0 ||
        st_cell(&rows, 0, 1) == NULL)
        return fail_bad_result(err, ST_RECORD_LATEST_HEAD);
    *hash = st_cell(&rows, 0, 1);
    return 0;
}

/* ---- ledger: the global Merkle log ---- */

int st_ledger_lock(struct st_db *db, struct sx_err *err)
{
    struct params p = {.n = 0};
    if (!st_in_tx(db))
        return SX_FAIL(err, SX_E_INTERNAL, "tx-none", "内部错误：未开启事务", "", "",
                       "st_ledger_lock 须在 st_begin 的事务中调用");
    return run_void(db, ST_LEDGER_LOCK, &p, NULL, err);
}

int st_ledger_horizon(struct st_db *db, struct st_ledger_horizon *out, struct sx_err *err)
{
    struct params p = {.n = 0};
    struct st_rows rows;
    struct sx_arena a;
    int rc;
    sx_arena_init(&a, 1024);
    rc = run(db, ST_LEDGER_HORIZON, &p, &a, &rows, err);
    if (rc == 0) {
        struct rd d = {.r = &rows, .row = 0};
        if (rows.nrows != 1) {
            rc = fail_bad_result(err, ST_LEDGER_HORIZON);
        } else {
            out->xmin = rd_i64(&d);
            out->xmax = rd_i64(&d);
            out->max_record_id = rd_i64(&d);
            out->next_index = rd_i64(&d);
            if (d.bad)
                rc = fail_bad_result(err, ST_LEDGER_HORIZON);
        }
    }
    sx_arena_free(&a);
    return rc;
}

int st_ledger_pending(struct st_db *db, int64_t after_id, int limit, struct sx_arena *arena,
                      struct st_ledger_pending **out, size_t *n, struct sx_err *err)
{
    struct params p = {.n = 0};
    struct st_rows rows;
    struct st_ledger_pending *arr;
    int rc;
    if (limit < 1)
        limit = 1;
    if (limit > ST_LIST_MAX * 10)
        limit = ST_LIST_MAX * 10;
    p_int(&p, after_id);
    p_int(&p, limit);
    rc = run(db, ST_LEDGER_PENDING, &p, arena, &rows, err);
    if (rc != 0)
        return rc;
    arr = alloc_array(arena, rows.nrows, sizeof(*arr));
    if (rows.nrows > 0 && arr == NULL)
        return fail_nomem(err);
    for (size_t i = 0; i < rows.nrows; i++) {
        struct rd d = {.r = &rows, .row = i};
        arr[i].record_id = rd_i64(&d);
        arr[i].hash = rd_text(&d);
        if (d.bad || arr[i].hash == NULL)
            return fail_bad_result(err, ST_LEDGER_PENDING);
    }
    *out = arr;
    *n = rows.nrows;
    return 0;
}

/* Leaves sent per round trip: enough to amortise it, few enough to keep the pipeline short. */
#define LEAF_BATCH 64

int st_ledger_leaves_insert(struct st_db *db, const struct st_ledger_leaf_new *leaves, size_t n,
                            struct sx_err *err)
{
    struct params p[LEAF_BATCH];
    struct st_call calls[LEAF_BATCH];
    struct sx_arena a;
    int rc = 0;
    sx_arena_init(&a, 4096);
    for (size_t from = 0; rc == 0 && from < n; from += LEAF_BATCH) {
        size_t k = n - from < LEAF_BATCH ? n - from : LEAF_BATCH;
        for (size_t i = 0; i < k; i++) {
            p[i] = (struct params){.n = 0};
            p_int(&p[i], leaves[from + i].idx);
            p_int(&p[i], leaves[from + i].record_id);
            p_text(&p[i], leaves[from + i].leaf_hash);
            calls[i] = (struct st_call){ST_LEDGER_LEAF_INSERT, p[i].v, p[i].n, NULL};
        }
        sx_arena_reset(&a);
        rc = st_exec_batch(db, k, calls, &a, err);
    }
    sx_arena_free(&a);
    return rc;
}

int st_ledger_leaf_scan(struct st_db *db, int64_t from_idx,
                        int (*fn)(void *ctx, const struct st_ledger_leaf *leaf, struct sx_err *err),
                        void *ctx, struct sx_err *err)
{
    struct sx_arena page;
    int64_t next = from_idx;
    int rc = 0;
    sx_arena_init(&page, 1 << 20);
    for (;;) {
        struct params p = {.n = 0};
        struct st_rows rows;
        sx_arena_reset(&page);
        p_int(&p, next);
        p_int(&p, ST_ITER_PAGE);
        rc = run(db, ST_LEDGER_LEAF_RANGE, &p, &page, &rows, err);
        if (rc != 0)
            break;
        for (size_t i = 0; rc == 0 && i < rows.nrows; i++) {
            struct rd d = {.r = &rows, .row = i};
            struct st_ledger_leaf l;
            l.idx = rd_i64(&d);
            l.record_id = rd_i64(&d);
            l.leaf_hash = rd_text(&d);
            l.record_hash = rd_text(&d);
            if (d.bad || l.leaf_hash == NULL || l.idx == INT64_MAX) {
                rc = fail_bad_result(err, ST_LEDGER_LEAF_RANGE);
                break;
            }
            next = l.idx + 1;
            rc = fn(ctx, &l, err);
        }
        if (rc != 0 || rows.nrows < ST_ITER_PAGE)
            break;
    }
    sx_arena_free(&page);
    return rc;
}

int st_ledger_leaf_of_record(struct st_db *db, int64_t record_id, int64_t *idx, struct sx_err *err)
{
    struct params p = {.n = 0};
    struct st_rows rows;
    struct sx_arena a;
    int rc;
    sx_arena_init(&a, 512);
    p_int(&p, record_id);
    rc = run(db, ST_LEDGER_LEAF_OF_RECORD, &p, &a, &rows, err);
    if (rc == 0 && rows.nrows == 0)
        rc = SX_FAIL(err, SX_E_NOTFOUND, "ledger-leaf-missing", "该记录尚未进入全局账本",
                     "DESIGN §5", "record", "记录 %" PRId64 " 尚未排入全局 Merkle 账本，请稍后重试",
                     record_id);
    if (rc == 0 && parse_i64(st_cell(&rows, 0, 0), idx) != 0)
        rc = fail_bad_result(err, ST_LEDGER_LEAF_OF_RECORD);
    sx_arena_free(&a);
    return rc;
}

static void read_checkpoint(struct rd *d, struct st_ledger_checkpoint *c)
{
    c->tree_size = rd_i64(d);
    c->root = rd_text(d);
    c->made_at = rd_text(d);
    c->signature = rd_text(d);
    c->key_id = rd_text(d);
}

static void read_checkpoint_el(struct rd *d, void *el)
{
    read_checkpoint(d, el);
}

int st_ledger_checkpoint_insert(struct st_db *db, const struct st_ledger_checkpoint *cp,
                                struct sx_err *err)
{
    struct params p = {.n = 0};
    int rc = need_ts(cp->made_at, "made_at", err);
    if (rc != 0)
        return rc;
    p_int(&p, cp->tree_size);
    p_text(&p, cp->root);
    p_text(&p, cp->made_at);
    p_text(&p, cp->signature);
    p_text(&p, cp->key_id);
    return run_void(db, ST_LEDGER_CP_INSERT, &p, NULL, err);
}

static int checkpoint_one(struct st_db *db, enum st_stmt s, struct params *p,
                          struct sx_arena *arena, struct st_ledger_checkpoint *out,
                          struct sx_err *err)
{
    struct st_rows rows;
    struct rd d;
    int rc = run(db, s, p, arena, &rows, err);
    if (rc != 0)
        return rc;
    if (rows.nrows == 0)
        return SX_FAIL(err, SX_E_NOTFOUND, "checkpoint-missing", "没有该签名检查点", "DESIGN §5",
                       "size", "全局账本中没有这一大小的签名检查点");
    d = (struct rd){.r = &rows};
    read_checkpoint(&d, out);
    return d.bad ? fail_bad_result(err, s) : 0;
}

int st_ledger_checkpoint_get(struct st_db *db, int64_t tree_size, struct sx_arena *arena,
                             struct st_ledger_checkpoint *out, struct sx_err *err)
{
    struct params p = {.n = 0};
    p_int(&p, tree_size);
    return checkpoint_one(db, ST_LEDGER_CP_GET, &p, arena, out, err);
}

int st_ledger_checkpoint_latest(struct st_db *db, struct sx_arena *arena,
                                struct st_ledger_checkpoint *out, struct sx_err *err)
{
    struct params p = {.n = 0};
    return checkpoint_one(db, ST_LEDGER_CP_LATEST, &p, arena, out, err);
}

int st_ledger_checkpoint_list(struct st_db *db, int64_t after_size, int limit,
                              struct sx_arena *arena, struct st_ledger_checkpoint **out, size_t *n,
                              int *more, struct sx_err *err)
{
    struct params p = {.n = 0};
    void *arr = NULL;
    int rc =
        list_paged(db, ST_LEDGER_CP_LIST, &p, after_size, limit, arena,
                   sizeof(struct st_ledger_checkpoint), read_checkpoint_el, &arr, n, more, err);
    *out = arr;
    return rc;
}

/* ---- document PDFs (issue 5 point 4) ---- */

static int need_hex64(const char *v, const char *field, struct sx_err *err)
{
    size_t n = v != NULL ? strlen(v) : 0;
    int ok = n == ST_HASH_HEX_LEN;
    for (size_t i = 0; ok && i < n; i++)
        ok = (v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'f');
    if (ok)
        return 0;
    return SX_FAIL(err, SX_E_INVALID, "invalid-hash", "哈希值格式无效", "", field,
                   "%s 须为 64 位小写十六进制", field);
}

int st_doc_blob_put(struct st_db *db, const char *sm3_hex, int64_t size, const char *content_b64,
                    const char *now, struct sx_err *err)
{
    struct params p = {.n = 0};
    int rc = need_hex64(sm3_hex, "sm3", err);
    if (rc == 0)
        rc = need_text(content_b64, "content", err);
    if (rc == 0)
        rc = need_ts(now, "now", err);
    if (rc == 0 && size <= 0)
        rc = SX_FAIL(err, SX_E_INVALID, "invalid-size", "文件大小无效", "", "size",
                     "文件大小须为正数");
    if (rc != 0)
        return rc;
    p_text(&p, sm3_hex);
    p_int(&p, size);
    p_text(&p, content_b64);
    p_text(&p, now);
    return run_void(db, ST_DOC_BLOB_PUT, &p, NULL, err);
}

int st_doc_blob_get(struct st_db *db, const char *sm3_hex, struct sx_arena *arena,
                    const char **content_b64, int64_t *size, struct sx_err *err)
{
    struct params p = {.n = 0};
    struct st_rows rows;
    int rc = need_hex64(sm3_hex, "sm3", err);
    if (rc != 0)
        return rc;
    p_text(&p, sm3_hex);
    rc = run(db, ST_DOC_BLOB_GET, &p, arena, &rows, err);
    if (rc != 0)
        return rc;
    if (rows.nrows == 0)
        return SX_FAIL(err, SX_E_NOTFOUND, "document-missing", "文书文件不存在", "", "sm3",
                       "没有 SM3 为 %s 的文书文件", sm3_hex);
    struct rd d = {.r = &rows, .row = 0};
    *size = rd_i64(&d);
    *content_b64 = rd_text(&d);
    if (d.bad || *content_b64 == NULL)
        return fail_bad_result(err, ST_DOC_BLOB_GET);
    return 0;
}

int st_counter_peek(struct st_db *db, int64_t org_id, int year, const char *kind, int64_t *seq,
                    struct sx_err *err)
{
    struct params p = {.n = 0};
    int rc = need_text(kind, "kind", err);
    if (rc != 0)
        return rc;
    p_int(&p, org_id);
    p_int(&p, year);
    p_text(&p, kind);
    return run_int(db, ST_COUNTER_PEEK, &p, seq, err);
}

/* ---- results publicity (issue 4) ---- */

static void read_pub_el(struct rd *d, void *el)
{
    struct st_pub_item *it = el;
    it->id = rd_i64(d);
    it->case_id = rd_i64(d);
    it->org_id = rd_i64(d);
    it->case_kind = rd_text(d);
    it->decision_record_id = rd_i64(d);
    it->decision_no = rd_text(d);
    it->case_number = rd_text(d);
    it->decided_on = rd_text(d);
    it->deadline_key = rd_text(d);
    it->due_on = rd_text(d);
    it->state = rd_text(d);
    it->form = rd_text(d);
    it->title = rd_text(d);
    it->party_label = rd_text(d);
    it->draft_text = rd_text(d);
    it->draft_record_id = rd_i64(d);
    it->approval_record_id = rd_i64(d);
    it->published_text = rd_text(d);
    it->published_on = rd_text(d);
    it->published_record_id = rd_i64(d);
    it->override_reason = rd_text(d);
    it->exempt_reason = rd_text(d);
    it->exempt_explanation = rd_text(d);
    it->change_json = rd_text(d);
    it->withdrawn_on = rd_text(d);
    it->withdraw_due = rd_text(d);
    it->search_text = rd_text(d);
    it->created_at = rd_text(d);
    it->updated_at = rd_text(d);
}

static void read_corr_el(struct rd *d, void *el)
{
    struct st_pub_correction *c = el;
    c->id = rd_i64(d);
    c->item_id = rd_i64(d);
    c->case_id = rd_i64(d);
    c->request_record_id = rd_i64(d);
    c->submitted_on = rd_text(d);
    c->due_on = rd_text(d);
    c->content = rd_text(d);
    c->state = rd_text(d);
    c->reply = rd_text(d);
    c->replied_on = rd_text(d);
    c->reply_record_id = rd_i64(d);
    c->created_at = rd_text(d);
}

/* The org scope as one JSON array parameter, e.g. [3,7,9], into b. */
static int org_ids_json(const int64_t *ids, size_t n, struct sx_buf *b, struct sx_err *err)
{
    int rc = sx_buf_putc(b, '[');
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = sx_buf_printf(b, "%s%" PRId64, i > 0 ? "," : "", ids[i]);
    if (rc == 0)
        rc = sx_buf_putc(b, ']');
    if (rc != 0)
        return SX_FAIL(err, SX_E_TOOBIG, "scope-too-large", "查询范围过大", "", "org_ids",
                       "机构数量过多");
    return 0;
}

int st_pub_insert(struct st_db *db, const struct st_pub_item *it, int64_t *id, struct sx_err *err)
{
    struct params p = {.n = 0};
    int rc = need_text(it->state, "state", err);
    if (rc == 0)
        rc = need_date_opt(it->decided_on, "decided_on", err);
    if (rc == 0)
        rc = need_date_opt(it->due_on, "due_on", err);
    if (rc != 0)
        return rc;
    p_int(&p, it->case_id);
    p_int(&p, it->org_id);
    p_text(&p, it->case_kind);
    p_int(&p, it->decision_record_id);
    p_text(&p, it->decision_no);
    p_text(&p, it->case_number);
    p_text(&p, it->decided_on);
    p_text(&p, it->deadline_key);
    p_text(&p, it->due_on);
    p_text(&p, it->state);
    p_text(&p, it->party_label);
    p_text(&p, it->exempt_reason);
    p_text(&p, it->exempt_explanation);
    p_text(&p, it->created_at);
    p_text(&p, it->updated_at);
    return run_int(db, ST_PUB_INSERT, &p, id, err);
}

int st_pub_get(struct st_db *db, int64_t id, struct sx_arena *arena, struct st_pub_item *out,
               struct sx_err *err)
{
    struct params p = {.n = 0};
    p_int(&p, id);
    return get_one(db, ST_PUB_GET, &p, "公示事项", id, arena, read_pub_el, out, err);
}

int st_pub_update(struct st_db *db, const struct st_pub_item *it, struct sx_err *err)
{
    struct params p = {.n = 0};
    int64_t changes = 0;
    int rc = need_date_opt(it->published_on, "published_on", err);
    if (rc == 0)
        rc = need_date_opt(it->withdrawn_on, "withdrawn_on", err);
    if (rc != 0)
        return rc;
    p_text(&p, it->state);
    p_text(&p, it->form);
    p_text(&p, it->title);
    p_text(&p, it->draft_text);
    p_id(&p, it->draft_record_id);
    p_id(&p, it->approval_record_id);
    p_text(&p, it->published_text);
    p_text(&p, it->published_on);
    p_id(&p, it->published_record_id);
    p_text(&p, it->override_reason);
    p_text(&p, it->exempt_reason);
    p_text(&p, it->exempt_explanation);
    p_text(&p, it->change_json);
    p_text(&p, it->withdrawn_on);
    p_text(&p, it->withdraw_due);
    p_text(&p, it->search_text);
    p_text(&p, it->updated_at);
    p_int(&p, it->id);
    rc = run_void(db, ST_PUB_UPDATE, &p, &changes, err);
    if (rc == 0 && changes == 0)
        rc = fail_notfound(err, "公示事项", it->id);
    return rc;
}

int st_pub_list(struct st_db *db, const int64_t *org_ids, size_t n_org_ids, const char *state,
                int64_t after_id, int limit, struct sx_arena *arena, struct st_pub_item **out,
                size_t *n, int *more, struct sx_err *err)
{
    struct params p = {.n = 0};
    struct sx_buf orgs;
    void *arr = NULL;
    int rc;
    *out = NULL;
    *n = 0;
    sx_buf_init(&orgs, 1 << 20);
    rc = org_ids_json(org_ids, n_org_ids, &orgs, err);
    if (rc == 0) {
        p_text(&p, orgs.data);
        p_text(&p, state);
        rc = list_paged(db, ST_PUB_LIST, &p, after_id, limit, arena, sizeof(struct st_pub_item),
                        read_pub_el, &arr, n, more, err);
        *out = arr;
    }
    sx_buf_free(&orgs);
    return rc;
}

/* An FTS5 phrase: the query in double quotes, inner quotes doubled (no operators). */
static int fts_phrase(const char *q, struct sx_buf *b)
{
    int rc = sx_buf_putc(b, '"');
    for (const char *s = q; rc == 0 && *s != '\0'; s++) {
        if (*s == '"')
            rc = sx_buf_putc(b, '"');
        if (rc == 0)
            rc = sx_buf_putc(b, *s);
    }
    if (rc == 0)
        rc = sx_buf_putc(b, '"');
    return rc;
}

/* Characters (code points) of UTF-8 text. */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s != '\0'; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

int st_pub_search(struct st_db *db, const struct st_pub_query *q, struct sx_arena *arena,
                  struct st_pub_item **out, size_t *n, int *more, struct sx_err *err)
{
    struct params p = {.n = 0};
    struct sx_buf pat;
    void *arr = NULL;
    enum st_stmt s = ST_PUB_SEARCH;
    const char *text = q->q != NULL && q->q[0] != '\0' ? q->q : NULL;
    int rc = 0;
    *out = NULL;
    *n = 0;
    sx_buf_init(&pat, 4096);
    if (text != NULL) {
        /*
         * SQLite: three or more characters go through the FTS5 trigram index as a phrase;
         * shorter ones (a trigram index cannot serve them) scan with instr. PostgreSQL: an
         * ILIKE pattern, which the pg_trgm GIN index serves from three characters (when the
         * database's LC_CTYPE is a UTF-8 locale: under C, pg_trgm sees no Chinese trigrams).
         */
        if (strcmp(st_backend(db), "sqlite") == 0) {
            if (utf8_chars(text) >= 3) {
                s = ST_PUB_SEARCH_TEXT;
                rc = fts_phrase(text, &pat);
            } else {
                rc = sx_buf_puts(&pat, text);
            }
        } else {
            rc = like_pattern(text, &pat);
        }
        if (rc != 0) {
            rc = SX_FAIL(err, SX_E_TOOBIG, "query-too-long", "查询词过长", "", "q",
                         "查询词不能超过 4000 字节");
            goto cleanup;
        }
    }
    p_text(&p, text);
    p_text(&p, text != NULL ? pat.data : NULL);
    p_id(&p, q->org_id);
    p_text(&p, q->kind);
    p_text(&p, q->from);
    p_text(&p, q->to);
    if (text != NULL && strcmp(st_backend(db), "sqlite") != 0) {
        /*
         * PostgreSQL's planner cannot tell a common word (a third of all items: walking the
         * primary key backwards finds a page at once, the trigram index would fetch them all)
         * from a rare one (the index finds the few at once, the walk reads the whole table).
         * So look among the newest 2,000 candidates first; a full page there is the answer,
         * else the index query below gives it. Short words (no trigram) walk the table.
         */
        struct params w = p;
        rc = list_paged(db, ST_PUB_SEARCH_RECENT, &w, q->before_id, q->limit, arena,
                        sizeof(struct st_pub_item), read_pub_el, &arr, n, more, err);
        if (rc != 0 || *more)
            goto done;
        s = utf8_chars(text) >= 3 ? ST_PUB_SEARCH_TEXT : ST_PUB_SEARCH;
    }
    rc = list_paged(db, s, &p, q->before_id, q->limit, arena, sizeof(struct st_pub_item),
                    read_pub_el, &arr, n, more, err);
done:
    *out = arr;
cleanup:
    sx_buf_free(&pat);
    return rc;
}

int st_pub_withdrawn(struct st_db *db, int64_t before_id, int limit, struct sx_arena *arena,
                     struct st_pub_item **out, size_t *n, int *more, struct sx_err *err)
{
    struct params p = {.n = 0};
    void *arr = NULL;
    int rc = list_paged(db, ST_PUB_WITHDRAWN, &p, before_id, limit, arena,
                        sizeof(struct st_pub_item), read_pub_el, &arr, n, more, err);
    *out = arr;
    return rc;
}

int st_pub_find(struct st_db *db, const char *number, struct sx_arena *arena,
                struct st_pub_item **out, size_t *n, struct sx_err *err)
{
    struct params p = {.n = 0};
    struct st_rows rows;
    char *arr;
    int rc;
    *out = NULL;
    *n = 0;
    p_text(&p, number);
    rc = run(db, ST_PUB_FIND, &p, arena, &rows, err);
    if (rc != 0)
        return rc;
    arr = alloc_array(arena, rows.nrows, sizeof(struct st_pub_item));
    if (rows.nrows > 0 && arr == NULL)
        return fail_nomem(err);
    for (size_t i = 0; i < rows.nrows; i++) {
        struct rd d = {.r = &rows, .row = i};
        read_pub_el(&d, arr + i * sizeof(struct st_pub_item));
        if (d.bad)
            return fail_bad_result(err, ST_PUB_FIND);
    }
    *out = (struct st_pub_item *)(void *)arr;
    *n = rows.nrows;
    return 0;
}

int st_pub_by_case(struct st_db *db, int64_t case_id, struct sx_arena *arena,
                   struct st_pub_item **out, size_t *n, struct sx_err *err)
{
    void *arr = NULL;
    int rc = list_all(db, ST_PUB_BY_CASE, case_id, arena, sizeof(struct st_pub_item), read_pub_el,
                      &arr, n, err);
    *out = arr;
    return rc;
}

int st_pub_corr_insert(struct st_db *db, const struct st_pub_correction *c, int64_t *id,
                       struct sx_err *err)
{
    struct params p = {.n = 0};
    int rc = need_text(c->content, "content", err);
    if (rc != 0)
        return rc;
    p_int(&p, c->item_id);
    p_int(&p, c->case_id);
    p_int(&p, c->request_record_id);
    p_text(&p, c->submitted_on);
    p_text(&p, c->due_on);
    p_text(&p, c->content);
    p_text(&p, c->state);
    p_text(&p, c->created_at);
    return run_int(db, ST_CORR_INSERT, &p, id, err);
}

int st_pub_corr_get(struct st_db *db, int64_t id, struct sx_arena *arena,
                    struct st_pub_correction *out, struct sx_err *err)
{
    struct params p = {.n = 0};
    p_int(&p, id);
    return get_one(db, ST_CORR_GET, &p, "更正申请", id, arena, read_corr_el, out, err);
}

int st_pub_corr_update(struct st_db *db, const struct st_pub_correction *c, struct sx_err *err)
{
    struct params p = {.n = 0};
    int64_t changes = 0;
    int rc;
    p_text(&p, c->state);
    p_text(&p, c->reply);
    p_text(&p, c->replied_on);
    p_id(&p, c->reply_record_id);
    p_int(&p, c->id);
    rc = run_void(db, ST_CORR_UPDATE, &p, &changes, err);
    if (rc == 0 && changes == 0)
        rc = fail_notfound(err, "更正申请", c->id);
    return rc;
}

int st_pub_corr_list(struct st_db *db, const int64_t *org_ids, size_t n_org_ids, const char *state,
                     int64_t after_id, int limit, struct sx_arena *arena,
                     struct st_pub_correction **out, size_t *n, int *more, struct sx_err *err)
{
    struct params p = {.n = 0};
    struct sx_buf orgs;
    void *arr = NULL;
    int rc;
    *out = NULL;
    *n = 0;
    sx_buf_init(&orgs, 1 << 20);
    rc = org_ids_json(org_ids, n_org_ids, &orgs, err);
    if (rc == 0) {
        p_text(&p, orgs.data);
        p_text(&p, state);
        rc = list_paged(db, ST_CORR_LIST, &p, after_id, limit, arena,
                        sizeof(struct st_pub_correction), read_corr_el, &arr, n, more, err);
        *out = arr;
    }
    sx_buf_free(&orgs);
    return rc;
}

/* ---- media: uploads, blobs, case links, access requests, access log ---- */

int st_media_upload_insert(struct st_db *db, const struct st_media_upload *u, struct sx_err *err)
{
    struct params p = {.n = 0};
    int rc = need_text(u->id, "id", err);
    if (rc == 0)
        rc = need_ts(u->created_at, "created_at", err);
    if (rc != 0)
        return rc;
    p_text(&p, u->id);
    p_int(&p, u->org_id);
    p_int(&p, u->user_id);
    p_int(&p, u->length);
    p_text(&p, u->declared_sm3);
    p_text(&p, u->filename);
    p_text(&p, u->mime);
    p_text(&p, u->created_at);
    return run_void(db, ST_MEDIA_UPLOAD_INSERT, &p, NULL, err);
}

static void read_upload_el(struct rd *d, void *el)
{
    struct st_media_upload *o = el;
    o->id = rd_text(d);
    o->org_id = rd_i64(d);
    o->user_id = rd_i64(d);
    o->length = rd_i64(d);
    o->declared_sm3 = rd_text(d);
    o->filename = rd_text(d);
    o->mime = rd_text(d);
    o->created_at = rd_text(d);
    o->outcome = rd_text(d);
    o->sm3 = rd_text(d);
    o->finished_at = rd_text(d);
    o->detail = rd_text(d);
}

int st_media_upload_get(struct st_db *db, const char *id, struct sx_arena *arena,
                        struct st_media_upload *out, struct sx_err *err)
{
    struct params p = {.n = 0};
    p_text(&p, id);
    return get_one(db, ST_MEDIA_UPLOAD_GET, &p, "上传", 0, arena, read_upload_el, out, err);
}

int st_media_upload_finish(struct st_db *db, const char *id, const char *outcome, const char *sm3,
                           const char *at, const char *detail, struct sx_err *err)
{
    struct params p = {.n = 0};
    int rc = need_ts(at, "at", err);
    if (rc != 0)
        return rc;
    p_text(&p, id);
    p_text(&p, outcome);
    p_text(&p, sm3);
    p_text(&p, at);
    p_text(&p, detail);
    return run_void(db, ST_MEDIA_UPLOAD_RESULT_INSERT, &p, NULL, err);
}

int st_media_blob_insert(struct st_db *db, const struct st_media_blob *b, int *inserted,
                         struct sx_err *err)
{
    struct params p = {.n = 0};
    int64_t changes = 0;
    int rc = need_ts(b->stored_at, "stored_at", err);
    if (rc != 0)
        return rc;
    p_text(&p, b->sm3);
    p_int(&p, b->size);
    p_text(&p, b->stored_at);
    p_text(&p, b->upload_id);
    rc = run_void(db, ST_MEDIA_BLOB_INSERT, &p, &changes, err);
    if (rc == 0 && inserted != NULL)
        *inserted = changes > 0;
    return rc;
}

static void read_blob_el(struct rd *d, void *el)
{
    struct st_media_blob *o = el;
    o->sm3 = rd_text(d);
    o->size = rd_i64(d);
    o->stored_at = rd_text(d);
    o->upload_id = rd_text(d);
    o->deleted_at = rd_text(d);
    o->deleted_reason = rd_text(d);
}

int st_media_deletion_insert(struct st_db *db, const char *sm3, const char *at, int64_t by,
                             const char *reason, struct sx_err *err)
{
    struct params p = {.n = 0};
    int rc = need_ts(at, "at", err);
    if (rc == 0)
        rc = need_text(reason, "reason", err);
    if (rc != 0)
        return rc;
    p_text(&p, sm3);
    p_text(&p, at);
    p_int(&p, by);
    p_text(&p, reason);
    return run_void(db, ST_MEDIA_DELETION_INSERT, &p, NULL, err);
}

int st_media_blob_get(struct st_db *db, const char *sm3, struct sx_arena *arena,
                      struct st_media_blob *out, struct sx_err *err)
{
    struct params p = {.n = 0};
    p_text(&p, sm3);
    return get_one(db, ST_MEDIA_BLOB_GET, &p, "音像文件", 0, arena, read_blob_el, out, err);
}

int st_media_blob_iter(struct st_db *db,
                       int (*fn)(void *ctx, const struct st_media_blob *b, struct sx_err *err),
                       void *ctx, struct sx_err *err)
{
    char after[ST_HASH_HEX_LEN + 1] = "";
    int rc = 0;
    for (;;) {
        struct sx_arena a;
        struct st_media_blob *arr = NULL;
        size_t n = 0;
        struct params p = {.n = 0};
        void *v = NULL;
        sx_arena_init(&a, 64 * 1024);
        p_text(&p, after);
        p_int(&p, ST_ITER_PAGE);
        rc = get_all(db, ST_MEDIA_BLOB_ITER, &p, &a, sizeof(struct st_media_blob), read_blob_el,
                     &v, &n, err);
        arr = v;
        for (size_t i = 0; rc == 0 && i < n; i++)
            rc = fn(ctx, &arr[i], err);
        if (rc == 0 && n > 0)
            snprintf(after, sizeof(after), "%s", arr[n - 1].sm3 != NULL ? arr[n - 1].sm3 : "");
        sx_arena_free(&a);
        if (rc != 0 || n < ST_ITER_PAGE)
            break;
    }
    return rc;
}

int st_media_link_insert(struct st_db *db, int64_t case_id, int64_t record_id, const char *sm3,
                         const char *captured_from, const char *captured_to, struct sx_err *err)
{
    struct params p = {.n = 0};
    p_int(&p, case_id);
    p_int(&p, record_id);
    p_text(&p, sm3);
    p_text(&p, captured_from);
    p_text(&p, captured_to);
    return run_void(db, ST_MEDIA_LINK_INSERT, &p, NULL, err);
}

static void read_link_el(struct rd *d, void *el)
{
    struct st_media_link *o = el;
    o->id = rd_i64(d);
    o->case_id = rd_i64(d);
    o->record_id = rd_i64(d);
    o->sm3 = rd_text(d);
    o->captured_from = rd_text(d);
    o->captured_to = rd_text(d);
    o->size = rd_i64(d);
    o->stored_at = rd_text(d);
    o->body = rd_text(d);
    o->at = rd_text(d);
    o->actor_id = rd_i64(d);
}

int st_media_link_list(struct st_db *db, int64_t case_id, const char *sm3, struct sx_arena *arena,
                       struct st_media_link **out, size_t *n, struct sx_err *err)
{
    struct params p = {.n = 0};
    void *arr = NULL;
    int rc;
    if (case_id != 0)
        p_int(&p, case_id);
    else
        p_text(&p, sm3);
    p_int(&p, ST_LIST_MAX);
    *n = 0;
    rc = get_all(db, case_id != 0 ? ST_MEDIA_LINK_LIST_CASE : ST_MEDIA_LINK_LIST_SM3, &p, arena,
                 sizeof(struct st_media_link), read_link_el, &arr, n, err);
    *out = arr;
    return rc;
}

int st_access_request_insert(struct st_db *db, const struct st_access_request *q, int64_t *id,
                             struct sx_err *err)
{
    struct params p = {.n = 0};
    int rc = need_text(q->reason, "reason", err);
    if (rc == 0)
        rc = need_ts(q->created_at, "created_at", err);
    if (rc != 0)
        return rc;
    p_text(&p, q->kind);
    p_int(&p, q->requester_id);
    p_int(&p, q->requester_org);
    p_int(&p, q->case_id);
    p_int(&p, q->target_org);
    p_text(&p, q->sm3);
    p_text(&p, q->party_name);
    p_text(&p, q->reason);
    p_int(&p, q->valid_seconds);
    p_text(&p, q->created_at);
    return run_int(db, ST_ACCESS_REQUEST_INSERT, &p, id, err);
}

static void read_access_el(struct rd *d, void *el)
{
    struct st_access_request *o = el;
    o->id = rd_i64(d);
    o->kind = rd_text(d);
    o->requester_id = rd_i64(d);
    o->requester_org = rd_i64(d);
    o->case_id = rd_i64(d);
    o->target_org = rd_i64(d);
    o->sm3 = rd_text(d);
    o->party_name = rd_text(d);
    o->reason = rd_text(d);
    o->valid_seconds = rd_i64(d);
    o->created_at = rd_text(d);
    o->decision = rd_text(d);
    o->decided_by = rd_i64(d);
    o->decided_at = rd_text(d);
    o->valid_until = rd_text(d);
    o->note = rd_text(d);
}

int st_access_request_get(struct st_db *db, int64_t id, struct sx_arena *arena,
                          struct st_access_request *out, struct sx_err *err)
{
    struct params p = {.n = 0};
    p_int(&p, id);
    return get_one(db, ST_ACCESS_REQUEST_GET, &p, "调阅申请", id, arena, read_access_el, out,
                   err);
}

int st_access_request_list(struct st_db *db, int64_t user_id, int64_t org_id, int64_t after_id,
                           int limit, struct sx_arena *arena, struct st_access_request **out,
                           size_t *n, int *more, struct sx_err *err)
{
    struct params p = {.n = 0};
    void *arr = NULL;
    int rc;
    p_int(&p, user_id);
    p_int(&p, org_id);
    rc = list_paged(db, ST_ACCESS_REQUEST_LIST, &p, after_id, limit, arena,
                    sizeof(struct st_access_request), read_access_el, &arr, n, more, err);
    *out = arr;
    return rc;
}

int st_access_decision_insert(struct st_db *db, int64_t request_id, const char *decision,
                              int64_t decided_by, const char *at, const char *valid_until,
                              const char *note, struct sx_err *err)
{
    struct params p = {.n = 0};
    int rc = need_ts(at, "at", err);
    if (rc != 0)
        return rc;
    p_int(&p, request_id);
    p_text(&p, decision);
    p_int(&p, decided_by);
    p_text(&p, at);
    p_text(&p, valid_until);
    p_text(&p, note);
    return run_void(db, ST_ACCESS_DECISION_INSERT, &p, NULL, err);
}

int st_access_log_insert(struct st_db *db, const struct st_access_log *l, int64_t *id,
                         struct sx_err *err)
{
    struct params p = {.n = 0};
    int64_t dummy = 0;
    int rc = need_ts(l->at, "at", err);
    if (rc != 0)
        return rc;
    p_text(&p, l->at);
    p_int(&p, l->user_id);
    p_id(&p, l->request_id);
    p_id(&p, l->case_id);
    p_text(&p, l->sm3);
    p_text(&p, l->action);
    p_text(&p, l->ip);
    return run_int(db, ST_ACCESS_LOG_INSERT, &p, id != NULL ? id : &dummy, err);
}

static void read_log_el(struct rd *d, void *el)
{
    struct st_access_log *o = el;
    o->id = rd_i64(d);
    o->at = rd_text(d);
    o->user_id = rd_i64(d);
    o->request_id = rd_i64(d);
    o->case_id = rd_i64(d);
    o->sm3 = rd_text(d);
    o->action = rd_text(d);
    o->ip = rd_text(d);
}

int st_access_log_list(struct st_db *db, int64_t request_id, struct sx_arena *arena,
                       struct st_access_log **out, size_t *n, struct sx_err *err)
{
    struct params p = {.n = 0};
    void *arr = NULL;
    int rc;
    p_int(&p, request_id);
    p_int(&p, ST_LIST_MAX);
    *n = 0;
    rc = get_all(db, ST_ACCESS_LOG_LIST, &p, arena, sizeof(struct st_access_log), read_log_el,
                 &arr, n, err);
    *out = arr;
    return rc;
}

/* ---- stats: annual statistics reports ---- */

static void read_annual_el(struct rd *d, void *el)
{
    struct st_annual *v = el;
    v->id = rd_i64(d);
    v->org_id = rd_i64(d);
    v->year = (int)rd_i64(d);
    v->version = rd_i64(d);
    v->content = rd_text(d);
    v->content_hash = rd_text(d);
    v->created_at = rd_text(d);
    v->created_by = rd_i64(d);
    v->approved_at = rd_text(d);
    v->approved_by = rd_i64(d);
    v->published_at = rd_text(d);
    v->published_by = rd_i64(d);
}

int st_annual_insert(struct st_db *db, int64_t org_id, int year, const char *content,
                     const char *content_hash, const char *created_at, int64_t created_by,
                     int64_t *id, int64_t *version, struct sx_err *err)
{
    struct params p = {.n = 0};
    int rc = need_text(content, "content", err);
    if (rc == 0)
        rc = need_ts(created_at, "created_at", err);
    if (rc != 0)
        return rc;
    p_int(&p, org_id);
    p_int(&p, year);
    p_text(&p, content);
    p_text(&p, content_hash);
    p_text(&p, created_at);
    p_id(&p, created_by);
    return insert_numbered(db, ST_ANNUAL_INSERT, &p, id, version, err);
}

int st_annual_get(struct st_db *db, int64_t id, struct sx_arena *arena, struct st_annual *out,
                  struct sx_err *err)
{
    struct params p = {.n = 0};
    p_int(&p, id);
    return get_one(db, ST_ANNUAL_GET, &p, "统计年报", id, arena, read_annual_el, out, err);
}

static int annual_all(struct st_db *db, enum st_stmt s, int64_t org_id, int year,
                      struct sx_arena *arena, struct st_annual **out, size_t *n,
                      struct sx_err *err)
{
    struct params p = {.n = 0};
    void *arr = NULL;
    int rc;
    p_int(&p, org_id);
    p_int(&p, year);
    p_int(&p, ST_LIST_MAX);
    *n = 0;
    rc = get_all(db, s, &p, arena, sizeof(struct st_annual), read_annual_el, &arr, n, err);
    *out = arr;
    return rc;
}

int st_annual_list(struct st_db *db, int64_t org_id, int year, struct sx_arena *arena,
                   struct st_annual **out, size_t *n, struct sx_err *err)
{
    return annual_all(db, ST_ANNUAL_LIST, org_id, year, arena, out, n, err);
}

int st_annual_published(struct st_db *db, int64_t org_id, int year, struct sx_arena *arena,
                        struct st_annual **out, size_t *n, struct sx_err *err)
{
    return annual_all(db, ST_ANNUAL_PUBLISHED, org_id, year, arena, out, n, err);
}

int st_annual_event_insert(struct st_db *db, int64_t report_id, const char *event, const char *at,
                           int64_t actor_id, struct sx_err *err)
{
    struct params p = {.n = 0};
    int rc = need_ts(at, "at", err);
    if (rc != 0)
        return rc;
    p_int(&p, report_id);
    p_text(&p, event);
    p_text(&p, at);
    p_id(&p, actor_id);
    return run_void(db, ST_ANNUAL_EVENT_INSERT, &p, NULL, err);
}
