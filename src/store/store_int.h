/*
 * store_int: what store.c shares with the two backends (store_sqlite.c, store_pg.c) and with
 * the store's unit test: the one statement enum, the backend operations, the generic
 * st_exec, and the embedded migrations. Nothing outside src/store/ and tests/unit/test_store.c
 * includes it; the rest of Sanxiang calls the typed functions of store.h.
 *
 * Statements: ST_STMTS lists every statement once. Each backend holds a table indexed by
 * enum st_stmt giving its SQL text and the parameter type string: one char per parameter,
 * 'i' a 64-bit integer, 't' text. Parameters travel as text (NULL = SQL NULL) and each backend
 * binds them by type; result cells come back as arena text (NULL = SQL NULL).
 *
 * Ownership: the tables and migrations are static constants. st_exec's rows live in the
 * arena passed to it.
 */
#ifndef ST_STORE_INT_H
#define ST_STORE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "ledger/chain.h"
#include "store.h"
#include "sx_arena.h"
#include "sx_err.h"

/*
 * X(name, boot): boot statements touch no application table, so they are prepared as soon as
 * a connection opens, even on an empty database; the others when the schema is current.
 */
#define ST_STMTS(X)                                                                                \
    X(BEGIN, 1)                                                                                    \
    X(BEGIN_READ, 1)                                                                               \
    X(COMMIT, 1)                                                                                   \
    X(ROLLBACK, 1)                                                                                 \
    X(SAVEPOINT, 1)                                                                                \
    X(RELEASE, 1)                                                                                  \
    X(ROLLBACK_TO, 1)                                                                              \
    X(MIGRATION_TABLE_EXISTS, 1)                                                                   \
    X(MIGRATION_LOCK, 1)                                                                           \
    X(MIGRATION_CREATE, 1)                                                                         \
    X(MIGRATION_LIST, 0)                                                                           \
    X(MIGRATION_INSERT, 0)                                                                         \
    X(ORG_INSERT, 0)                                                                               \
    X(ORG_UPDATE, 0)                                                                               \
    X(ORG_GET, 0)                                                                                  \
    X(ORG_GET_BY_CODE, 0)                                                                          \
    X(ORG_LIST, 0)                                                                                 \
    X(ORG_SUBTREE, 0)                                                                              \
    X(USER_INSERT, 0)                                                                              \
    X(USER_UPDATE, 0)                                                                              \
    X(USER_GET, 0)                                                                                 \
    X(USER_GET_BY_USERNAME, 0)                                                                     \
    X(USER_LIST, 0)                                                                                \
    X(USER_LIST_BY_ROLE, 0)                                                                        \
    X(USER_SET_DISABLED, 0)                                                                        \
    X(USER_SET_PASSWORD, 0)                                                                        \
    X(SESSION_INSERT, 0)                                                                           \
    X(SESSION_GET, 0)                                                                              \
    X(SESSION_DELETE, 0)                                                                           \
    X(SESSION_DELETE_USER, 0)                                                                      \
    X(SESSION_DELETE_EXPIRED, 0)                                                                   \
    X(TOKEN_INSERT, 0)                                                                             \
    X(TOKEN_GET_BY_HASH, 0)                                                                        \
    X(TOKEN_LIST, 0)                                                                               \
    X(TOKEN_REVOKE, 0)                                                                             \
    X(AUDIT_APPEND, 0)                                                                             \
    X(AUDIT_COUNT_FAILURES, 0)                                                                     \
    X(AUDIT_LIST, 0)                                                                               \
    X(COUNTER_NEXT, 0)                                                                             \
    X(CASE_INSERT, 0)                                                                              \
    X(CASE_GET, 0)                                                                                 \
    X(CASE_LIST, 0)                                                                                \
    X(CASE_UPDATE_PROJECTION, 0)                                                                   \
    X(CASE_LOCK_HEAD, 0)                                                                           \
    X(CASE_SET_HEAD, 0)                                                                            \
    X(CASE_ITER, 0)                                                                                \
    X(CASE_RANGE, 0)                                                                               \
    X(PARTY_INSERT, 0)                                                                             \
    X(PARTY_LIST, 0)                                                                               \
    X(OFFICER_ADD, 0)                                                                              \
    X(OFFICER_LIST, 0)                                                                             \
    X(CASE_PAGE, 0)                                                                                \
    X(CASE_PAGE_LOCK, 0)                                                                           \
    X(CASE_SET_HEAD_PROJECTION, 0)                                                                 \
    X(RECORD_INSERT, 0)                                                                            \
    X(RECORD_GET, 0)                                                                               \
    X(RECORD_CASE_OF, 0)                                                                           \
    X(RECORD_LIST, 0)                                                                              \
    X(RECORD_ITER, 0)                                                                              \
    X(RECORD_RANGE, 0)                                                                             \
    X(CAL_DELETE_DAYS, 0)                                                                          \
    X(CAL_DELETE_YEAR, 0)                                                                          \
    X(CAL_INSERT_DAY, 0)                                                                           \
    X(CAL_INSERT_YEAR, 0)                                                                          \
    X(CAL_LOAD, 0)                                                                                 \
    X(CAL_YEARS, 0)                                                                                \
    X(SETTING_GET, 0)                                                                              \
    X(SETTING_SET, 0)                                                                              \
    X(COUNTS, 0)                                                                                   \
    X(CASE_COUNTS, 0)                                                                              \
    /* prepub: pre-publicity versions, draw pools, draws */                                        \
    X(PREPUB_VERSION_INSERT, 0)                                                                    \
    X(PREPUB_VERSION_GET, 0)                                                                       \
    X(PREPUB_VERSION_BY_NUMBER, 0)                                                                 \
    X(PREPUB_VERSION_LIST, 0)                                                                      \
    X(PREPUB_VERSION_CURRENT, 0)                                                                   \
    X(PREPUB_PUBLISHED_LIST, 0)                                                                    \
    X(PREPUB_EVENT_INSERT, 0)                                                                      \
    X(POOL_INSERT, 0)                                                                              \
    X(POOL_GET, 0)                                                                                 \
    X(POOL_LATEST, 0)                                                                              \
    X(POOL_LIST, 0)                                                                                \
    X(DRAW_INSERT, 0)                                                                              \
    X(DRAW_GET, 0)                                                                                 \
    X(DRAW_LIST, 0)                                                                                \
    X(RECORD_LATEST_HEAD, 0)                                                                       \
    /* deadline scans (issue 3): records of a case range, bodies of the types asked for only */    \
    X(RECORD_BRIEF_RANGE, 0)                                                                       \
    /* ledger: the global Merkle log */                                                            \
    X(LEDGER_LOCK, 0)                                                                              \
    X(LEDGER_HORIZON, 0)                                                                           \
    X(LEDGER_PENDING, 0)                                                                           \
    X(LEDGER_LEAF_INSERT, 0)                                                                       \
    X(LEDGER_LEAF_RANGE, 0)                                                                        \
    X(LEDGER_LEAF_OF_RECORD, 0)                                                                    \
    X(LEDGER_CP_INSERT, 0)                                                                         \
    X(LEDGER_CP_GET, 0)                                                                            \
    X(LEDGER_CP_LATEST, 0)                                                                         \
    X(LEDGER_CP_LIST, 0)                                                                           \
    /* documents (issue 5 point 4) */                                                              \
    X(DOC_BLOB_PUT, 0)                                                                             \
    X(DOC_BLOB_GET, 0)                                                                             \
    X(COUNTER_PEEK, 0)                                                                             \
    /* results publicity (issue 4) */                                                              \
    X(PUB_INSERT, 0)                                                                               \
    X(PUB_GET, 0)                                                                                  \
    X(PUB_UPDATE, 0)                                                                               \
    X(PUB_LIST, 0)                                                                                 \
    X(PUB_SEARCH, 0)                                                                               \
    X(PUB_SEARCH_TEXT, 0)                                                                          \
    X(PUB_SEARCH_RECENT, 0)                                                                        \
    X(PUB_WITHDRAWN, 0)                                                                            \
    X(PUB_FIND, 0)                                                                                 \
    X(PUB_BY_CASE, 0)                                                                              \
    X(CORR_INSERT, 0)                                                                              \
    X(CORR_GET, 0)                                                                                 \
    X(CORR_UPDATE, 0)                                                                              \
    X(CORR_LIST, 0)                                                                                \
    /* media: uploads, blobs, case links, access requests and the access log */                    \
    X(MEDIA_UPLOAD_INSERT, 0)                                                                      \
    X(MEDIA_UPLOAD_GET, 0)                                                                         \
    X(MEDIA_UPLOAD_RESULT_INSERT, 0)                                                               \
    X(MEDIA_BLOB_INSERT, 0)                                                                        \
    X(MEDIA_BLOB_GET, 0)                                                                           \
    X(MEDIA_BLOB_ITER, 0)                                                                          \
    X(MEDIA_LINK_INSERT, 0)                                                                        \
    X(MEDIA_LINK_LIST_CASE, 0)                                                                     \
    X(MEDIA_LINK_LIST_SM3, 0)                                                                      \
    X(ACCESS_REQUEST_INSERT, 0)                                                                    \
    X(ACCESS_REQUEST_GET, 0)                                                                       \
    X(ACCESS_REQUEST_LIST, 0)                                                                      \
    X(ACCESS_DECISION_INSERT, 0)                                                                   \
    X(ACCESS_LOG_INSERT, 0)                                                                        \
    X(ACCESS_LOG_LIST, 0)                                                                          \
    X(MEDIA_DELETION_INSERT, 0)                                                                    \
    /* stats: annual statistics reports */                                                         \
    X(ANNUAL_INSERT, 0)                                                                            \
    X(ANNUAL_GET, 0)                                                                               \
    X(ANNUAL_LIST, 0)                                                                              \
    X(ANNUAL_PUBLISHED, 0)                                                                         \
    X(ANNUAL_EVENT_INSERT, 0)

#define ST_ENUM_ITEM(name, boot) ST_##name,
enum st_stmt { ST_STMTS(ST_ENUM_ITEM) ST__COUNT };
#undef ST_ENUM_ITEM

/* One statement of a backend's table. */
struct st_sql {
    const char *sql;
    const char *types; /* one char per parameter: 'i' int64, 't' text */
};

/* The backends' tables, each indexed by enum st_stmt, ST__COUNT entries. */
extern const struct st_sql st_sqlite_sql[ST__COUNT];
extern const struct st_sql st_pg_sql[ST__COUNT];

/* "ORG_INSERT" etc., for messages. */
const char *st_stmt_name(enum st_stmt s);

/* 1 if s is a boot statement (see ST_STMTS). */
int st_stmt_is_boot(enum st_stmt s);

/* Result of st_exec: nrows x ncols cells, row-major, arena text or NULL. */
struct st_rows {
    size_t nrows;
    size_t ncols;
    char **cells;
    int64_t changes; /* rows changed by an INSERT/UPDATE/DELETE */
};

static inline const char *st_cell(const struct st_rows *r, size_t row, size_t col)
{
    return r->cells[row * r->ncols + col];
}

/*
 * One result cell handed to a stream callback, borrowed from the backend until the callback
 * returns. A backend that knows a value is an integer may pass it as one (no text round trip);
 * otherwise it is text (len bytes, NUL-terminated).
 */
enum st_cell_kind { ST_CELL_NULL, ST_CELL_INT, ST_CELL_TEXT };
struct st_cell {
    enum st_cell_kind kind;
    int64_t i;        /* ST_CELL_INT */
    const char *text; /* ST_CELL_TEXT */
    size_t len;
};

/* One statement of a batch (st_exec_batch): its parameters, and where its rows go (or NULL). */
struct st_call {
    enum st_stmt s;
    const char *const *params;
    size_t n;
    struct st_rows *rows;
};

/* A backend: the functions store.c calls through struct st_db. */
struct st_ops {
    const char *name; /* "sqlite" | "postgresql" */
    /* a read transaction is cheaper than the locking of one read statement (st_read_hold) */
    int hold_reads;
    const struct st_sql *sql;
    void (*close)(struct st_db *db);
    int (*prepare)(struct st_db *db, enum st_stmt s, struct sx_err *err);
    /* rows may be NULL (results discarded); arena is then unused */
    int (*exec)(struct st_db *db, enum st_stmt s, const char *const *params, size_t n,
                struct sx_arena *arena, struct st_rows *rows, struct sx_err *err);
    /*
     * NULL, or: run calls[0..count) (all prepared) in one round trip, inside a transaction;
     * rows in arena. The first failure is returned.
     */
    int (*exec_batch)(struct st_db *db, size_t count, const struct st_call *calls,
                      struct sx_arena *arena, struct sx_err *err);
    /* run a constant multi-statement script (migrations only) */
    int (*exec_script)(struct st_db *db, const char *sql, struct sx_err *err);
    int (*in_tx)(const struct st_db *db);
    /* number of parameters the server sees in s (prepares it); for the unit test */
    int (*param_count)(struct st_db *db, enum st_stmt s, int *count, struct sx_err *err);
    /*
     * NULL, or: if the connection was lost, try to re-establish it; returns 0 (healthy), 1
     * (reconnected: every statement must be prepared again), -1 (still down).
     */
    int (*reconnect)(struct st_db *db);
    /*
     * Run s and call row for each result row as the backend steps through it, copying
     * nothing (for long scans). The connection is busy until it returns: row must not use db.
     */
    int (*stream)(struct st_db *db, enum st_stmt s, const char *const *params, size_t n,
                  int (*row)(void *ctx, const struct st_cell *cells, size_t ncols,
                             struct sx_err *err),
                  void *ctx, struct sx_err *err);
};

struct st_db {
    const struct st_ops *ops;
    void *be; /* backend state */
    unsigned char prepared[ST__COUNT];
    int tx_open;           /* st_begin/st_begin_read succeeded, no commit/rollback yet */
    int tx_write;          /* ... and it was st_begin */
    int tx_lost;           /* the connection was re-established under an open transaction */
    struct lg_chain chain; /* hashing state for st_record_append, opened on first use */
    int chain_open;
    char *url;       /* as given to st_open (malloc'd), for st_open_sibling */
    uint64_t writes; /* statements run that may change rows (st_writes) */
    /* st_read_hold: reads outside transactions share one read transaction (SQLite only) */
    int hold;          /* enabled */
    int held;          /* the shared read transaction is open */
    uint64_t held_gen; /* the process's commit generation when it began */
};

/* Backend constructors: fill db->ops and db->be. */
int st_sqlite_open(struct st_db *db, const char *path, struct sx_err *err) SX_WUR;
int st_pg_open(struct st_db *db, const char *url, struct sx_err *err) SX_WUR;

/*
 * Run statement s with params[0..n) (text or NULL, n must equal the length of its type
 * string). Prepares s first if it is not yet. When rows is non-NULL, fills it with the
 * result (cells in arena). Errors as described in store.h.
 */
int st_exec(struct st_db *db, enum st_stmt s, const char *const *params, size_t n,
            struct sx_arena *arena, struct st_rows *rows, struct sx_err *err) SX_WUR;

/*
 * Run calls[0..count) in order as st_exec would, inside the caller's write transaction, in
 * one round trip where the backend can (PostgreSQL's pipeline mode): for writes whose results
 * are only checked afterwards. Stops at the first failure and returns it.
 */
int st_exec_batch(struct st_db *db, size_t count, const struct st_call *calls,
                  struct sx_arena *arena, struct sx_err *err) SX_WUR;

/*
 * Run statement s as st_exec does, but hand each row to row(ctx, cells, ncols, err) as it
 * comes, through the backend's stream operation; a non-zero return from row stops the
 * statement and is returned. SX_E_INTERNAL when the backend has no stream operation.
 */
int st_stream(struct st_db *db, enum st_stmt s, const char *const *params, size_t n,
              int (*row)(void *ctx, const struct st_cell *cells, size_t ncols, struct sx_err *err),
              void *ctx, struct sx_err *err) SX_WUR;

/* Prepare every statement not yet prepared. SX_E_DB naming the first that fails. */
int st_prepare_all(struct st_db *db, struct sx_err *err) SX_WUR;

/*
 * Fill err from a database failure, mapping the kind of failure (busy, duplicate, foreign key,
 * check, append-only trigger, immutable number) to a code; msg is the database's message.
 */
enum st_fail_kind {
    ST_FAIL_OTHER,
    ST_FAIL_BUSY, /* lock wait timed out, serialization failure, deadlock */
    ST_FAIL_UNIQUE,
    ST_FAIL_FOREIGN,
    ST_FAIL_CHECK,   /* CHECK or NOT NULL */
    ST_FAIL_TRIGGER, /* raised by one of our triggers; msg says which */
    ST_FAIL_CONNECTION,
};
int st_fail(struct sx_err *err, enum st_fail_kind kind, enum st_stmt s, const char *msg);

/*
 * One embedded migration: its SQL as a NULL-terminated list of scripts run in order (one per
 * table keeps each literal under the 4095 bytes ISO C guarantees).
 */
struct st_migration {
    int version;
    const char *name;
    const char *const *sql;
};

extern const struct st_migration st_sqlite_migrations[];
extern const size_t st_sqlite_migrations_n;
extern const struct st_migration st_pg_migrations[];
extern const size_t st_pg_migrations_n;

#endif
