/*
 * store: Sanxiang's storage adapter. One SQL layer over SQLite (the embedded default) and
 * PostgreSQL 15 (the multi-node store), with embedded numbered migrations and typed functions.
 *
 * A struct st_db is one connection plus all its prepared statements. It is not thread-safe:
 * each worker thread opens its own. Every statement is prepared when the connection opens (or,
 * on a database that is not yet migrated, right after st_migrate) and bound with parameters;
 * no SQL is built by string formatting, and no SQL text exists outside src/store/.
 *
 * Transactions: typed functions do not open transactions unless their comment says so; the
 * app layer groups them between st_begin and st_commit (st_rollback on any error). On SQLite
 * st_begin is BEGIN IMMEDIATE, so write transactions are serialised up front; on PostgreSQL it
 * is READ COMMITTED and the functions that need serialisation lock rows themselves
 * (st_counter_next, st_record_append). A busy database (SQLite lock wait longer than 5 s) or a
 * PostgreSQL serialization failure / deadlock gives SX_E_DB with status 503: roll back and retry.
 *
 * Values: timestamps are ISO-8601 UTC text "YYYY-MM-DDTHH:MM:SSZ", dates "YYYY-MM-DD" (TEXT in
 * both backends, so canonical JSON is byte-identical); money is integer fen; ids are 64-bit
 * integers, and an id field of 0 means SQL NULL ("none"). A NULL char pointer is SQL NULL.
 * records and audit_log are append-only: triggers in both backends refuse UPDATE and DELETE
 * (and TRUNCATE on PostgreSQL), and the store has no function that would try.
 *
 * The generic layer underneath (one statement enum, st_exec, the two statement tables) is in
 * store_int.h, private to src/store/ and its unit test.
 *
 * Ownership: st_open / st_close are a pair; the caller owns the st_db. Every struct or string
 * a function returns is allocated in the caller's struct sx_arena and lives until that arena
 * is reset. Input structs and strings are borrowed for the duration of the call.
 *
 * Errors (all functions return 0 or a negative SX_E_* and fill err): SX_E_DB for database
 * failures (the detail names the statement and quotes the database's message), SX_E_NOTFOUND
 * when a get/update names a row that does not exist, SX_E_CONFLICT for a duplicate unique key
 * ("duplicate") or a change to an issued case number, SX_E_INVALID for a bad argument, a
 * missing referenced row or a failed CHECK, SX_E_FORBIDDEN when an append-only table refused a
 * change, SX_E_NOMEM when the arena is exhausted.
 */
#ifndef ST_STORE_H
#define ST_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "sx_arena.h"
#include "sx_err.h"

struct st_db;

/* Length of the hex hashes kept in cases.head_hash and records.{prev_hash,hash}. */
#define ST_HASH_HEX_LEN 64

/* Longest page a list function returns; larger limits are clamped to it. */
#define ST_LIST_MAX 1000

/* ---- connection ---- */

/*
 * Open a connection. A url starting with "postgresql://" or "postgres://" goes to libpq
 * (client encoding UTF8); anything else is a SQLite file path, created if missing, whose
 * directory must exist (it is not created). SQLite connections use WAL, foreign_keys=ON,
 * synchronous=FULL and a 5 s busy timeout. If the schema is current, every statement is
 * prepared here; on an empty or older database only what st_migrate needs is. Returns 0 and
 * *out (free with st_close); SX_E_IO when the SQLite directory is missing, SX_E_DB otherwise.
 */
int st_open(const char *url, struct st_db **out, struct sx_err *err) SX_WUR;

/*
 * Open another connection to the database db is connected to (the same URL), e.g. one per
 * worker thread. As st_open; db itself is not touched, so this may run on any thread as long
 * as db is not being closed.
 */
int st_open_sibling(const struct st_db *db, struct st_db **out, struct sx_err *err) SX_WUR;

/* Close the connection, rolling back an open transaction. NULL is a no-op. */
void st_close(struct st_db *db);

/* "sqlite" or "postgresql". */
const char *st_backend(const struct st_db *db);

/* ---- transactions ---- */

/* Start a write transaction (SQLite: BEGIN IMMEDIATE). SX_E_DB (503) when busy. */
int st_begin(struct st_db *db, struct sx_err *err) SX_WUR;

/*
 * Start a read-only snapshot transaction (SQLite: deferred BEGIN, PostgreSQL: REPEATABLE
 * READ READ ONLY), so that several reads (e.g. st_case_scan then st_record_scan in verify)
 * see one consistent state while writers go on. End it with st_commit or st_rollback.
 */
int st_begin_read(struct st_db *db, struct sx_err *err) SX_WUR;

/*
 * Commit. On PostgreSQL, committing a transaction that an earlier error aborted is reported
 * as SX_E_DB "db-tx-aborted" (PostgreSQL would silently roll it back). SX_E_INTERNAL
 * "tx-none" without an open transaction. After a failed commit call st_rollback.
 */
int st_commit(struct st_db *db, struct sx_err *err) SX_WUR;

/* Roll back the open transaction; a no-op (0) when none is open. */
int st_rollback(struct st_db *db, struct sx_err *err);

/*
 * Savepoints inside a write transaction, one level (the group-commit writer runs each job
 * between st_savepoint and st_release, and undoes a failed job with st_rollback_to, which
 * also releases it, leaving the transaction usable — on PostgreSQL too).
 */
int st_savepoint(struct st_db *db, struct sx_err *err) SX_WUR;
int st_release(struct st_db *db, struct sx_err *err) SX_WUR;
int st_rollback_to(struct st_db *db, struct sx_err *err) SX_WUR;

/* 1 if a transaction is open on db, else 0 (a held read snapshot does not count). */
int st_in_tx(const struct st_db *db);

/*
 * Held reads, for a connection that answers many short reads (an HTTP event loop): with on,
 * statements outside a transaction read from one shared read transaction, opened by the first
 * such read and ended by st_read_release (the loop calls it after each batch of events), by a
 * write outside a transaction, by st_begin/st_begin_read, or when any connection of this
 * process has committed since it began — so a read never misses what this process has
 * acknowledged. Another process's commit is seen from the next batch on. Only where a read
 * transaction costs less than the locking of each statement (SQLite: the WAL read lock);
 * elsewhere it changes nothing. Off by default; on=0 also ends the snapshot.
 */
void st_read_hold(struct st_db *db, int on);
void st_read_release(struct st_db *db);

/*
 * How many data-changing statements (INSERT, UPDATE, DELETE) this connection has run, failed
 * ones included. The group-commit writer compares it around a job: a job that was refused
 * before it wrote anything leaves the transaction as it found it.
 */
uint64_t st_writes(const struct st_db *db);

/* ---- schema ---- */

/*
 * Apply every embedded migration the database lacks, in order, inside one transaction of its
 * own (PostgreSQL also takes an advisory lock, so concurrent migrators queue), each recorded
 * in schema_migrations(version, name, applied_at). A current database is a no-op. Sets
 * *applied (may be NULL) to the number applied. SX_E_DB when the database is ahead of this
 * binary or a migration fails (nothing is applied then); SX_E_INTERNAL inside a transaction.
 */
int st_migrate(struct st_db *db, int *applied, struct sx_err *err) SX_WUR;

/*
 * 0 when the database schema is exactly the one this binary embeds. SX_E_DB with a zh-CN
 * explanation when it is not initialised, behind (run `sanxiang init`) or ahead (upgrade the
 * program), or its migration names differ.
 */
int st_schema_check(struct st_db *db, struct sx_err *err) SX_WUR;

/* Highest migration version this binary embeds. */
int st_schema_version_latest(void);

/* ---- orgs (执法主体) ---- */

struct st_org {
    int64_t id;
    int64_t parent_id; /* 0: top of the tree */
    const char *code;  /* unique */
    const char *name;
    const char *short_name;      /* e.g. "京", used in case numbers */
    const char *level;           /* province | city | county | unit (checked by core) */
    const char *region;          /* may be NULL */
    const char *address;         /* may be NULL */
    const char *head;            /* 负责人, may be NULL */
    const char *phone;           /* may be NULL */
    const char *supervise_phone; /* 监督电话, may be NULL */
    const char *categories;      /* enforcement categories, free text, may be NULL */
    const char *policy;          /* policy preset name; NULL on insert means "national" */
    const char *qualification;   /* 主体资格依据, may be NULL */
    const char *created_at;
};

/* Insert o (o->id ignored); sets *id. SX_E_CONFLICT on a duplicate code. */
int st_org_insert(struct st_db *db, const struct st_org *o, int64_t *id, struct sx_err *err) SX_WUR;

/*
 * Update every field of the org o->id except id, code and created_at (HB-1-08b: basic
 * information is kept current). SX_E_NOTFOUND if there is no such org.
 */
int st_org_update(struct st_db *db, const struct st_org *o, struct sx_err *err) SX_WUR;

/* Fetch one org into *out. SX_E_NOTFOUND. */
int st_org_get(struct st_db *db, int64_t id, struct sx_arena *arena, struct st_org *out,
               struct sx_err *err) SX_WUR;
int st_org_get_by_code(struct st_db *db, const char *code, struct sx_arena *arena,
                       struct st_org *out, struct sx_err *err) SX_WUR;

/*
 * Orgs with id > after_id in id order, at most limit (clamped to 1..ST_LIST_MAX). Sets *out
 * (arena array), *n and *more (1 if another page follows; pass the last id as after_id).
 */
int st_org_list(struct st_db *db, int64_t after_id, int limit, struct sx_arena *arena,
                struct st_org **out, size_t *n, int *more, struct sx_err *err) SX_WUR;

/*
 * Ids of org_id and all orgs below it in the tree (its own id first, then in id order), for
 * building a scope filter for st_case_list. Sets *ids (arena) and *n; SX_E_NOTFOUND.
 */
int st_org_subtree(struct st_db *db, int64_t org_id, struct sx_arena *arena, int64_t **ids,
                   size_t *n, struct sx_err *err) SX_WUR;

/* ---- users (执法人员 and staff) ---- */

struct st_user {
    int64_t id;
    int64_t org_id;
    const char *username; /* unique */
    const char *display_name;
    const char *password_hash;       /* Argon2id encoded; NULL in joined results */
    const char *roles;               /* comma-separated subset of officer,reviewer,head,... */
    const char *cert_no;             /* 执法证号, may be NULL */
    const char *cert_valid_from;     /* date, may be NULL */
    const char *cert_valid_to;       /* date, may be NULL */
    const char *legal_qualification; /* 法律职业资格, may be NULL */
    const char *post;                /* 职务/岗位, may be NULL */
    int disabled;                    /* 0 or 1 */
    const char *created_at;
};

/* Insert u (u->id ignored); sets *id. SX_E_CONFLICT on a duplicate username. */
int st_user_insert(struct st_db *db, const struct st_user *u, int64_t *id,
                   struct sx_err *err) SX_WUR;

/*
 * Update the profile of user u->id: org_id, display_name, roles, cert_no, cert_valid_from,
 * cert_valid_to, legal_qualification, post (not username, password, disabled). SX_E_NOTFOUND.
 */
int st_user_update(struct st_db *db, const struct st_user *u, struct sx_err *err) SX_WUR;

int st_user_get(struct st_db *db, int64_t id, struct sx_arena *arena, struct st_user *out,
                struct sx_err *err) SX_WUR;
int st_user_get_by_username(struct st_db *db, const char *username, struct sx_arena *arena,
                            struct st_user *out, struct sx_err *err) SX_WUR;

/* Users with id > after_id, of org_id only unless org_id is 0; paging as st_org_list. */
int st_user_list(struct st_db *db, int64_t org_id, int64_t after_id, int limit,
                 struct sx_arena *arena, struct st_user **out, size_t *n, int *more,
                 struct sx_err *err) SX_WUR;

/*
 * Enabled users of org_id whose roles include role (e.g. "officer" lists the org's 执法人员),
 * in id order, at most ST_LIST_MAX.
 */
int st_user_list_by_role(struct st_db *db, int64_t org_id, const char *role, struct sx_arena *arena,
                         struct st_user **out, size_t *n, struct sx_err *err) SX_WUR;

/* Set disabled (0/1). SX_E_NOTFOUND. The caller also deletes the user's sessions. */
int st_user_set_disabled(struct st_db *db, int64_t id, int disabled, struct sx_err *err) SX_WUR;

/* Replace the password hash. SX_E_NOTFOUND. */
int st_user_set_password(struct st_db *db, int64_t id, const char *password_hash,
                         struct sx_err *err) SX_WUR;

/* ---- sessions and API tokens ---- */

struct st_session {
    const char *token_hash; /* hash of the cookie token; the token itself is never stored */
    int64_t user_id;
    const char *csrf_token;
    const char *created_at;
    const char *expires_at;
    struct st_user user; /* joined; password_hash NULL */
};

/* Insert s (s->user ignored). SX_E_CONFLICT on a duplicate token hash. */
int st_session_insert(struct st_db *db, const struct st_session *s, struct sx_err *err) SX_WUR;

/*
 * The session with token_hash that expires after now, joined with its user, if that user is
 * not disabled. SX_E_NOTFOUND otherwise (unknown, expired or disabled alike).
 */
int st_session_get(struct st_db *db, const char *token_hash, const char *now,
                   struct sx_arena *arena, struct st_session *out, struct sx_err *err) SX_WUR;

/* Delete one session (logout). Deleting a missing session is not an error. */
int st_session_delete(struct st_db *db, const char *token_hash, struct sx_err *err) SX_WUR;

/* Delete all sessions of a user (disable, password change). Sets *deleted (may be NULL). */
int st_session_delete_user(struct st_db *db, int64_t user_id, int64_t *deleted,
                           struct sx_err *err) SX_WUR;

/* Delete sessions with expires_at <= now. Sets *deleted (may be NULL). */
int st_session_delete_expired(struct st_db *db, const char *now, int64_t *deleted,
                              struct sx_err *err) SX_WUR;

struct st_api_token {
    int64_t id;
    int64_t user_id;
    const char *name;
    const char *token_hash;
    const char *created_at;
    const char *revoked_at; /* NULL while active */
    struct st_user user;    /* joined by st_api_token_get_by_hash only; password_hash NULL */
};

/* Insert t (t->id, t->revoked_at, t->user ignored); sets *id. SX_E_CONFLICT. */
int st_api_token_insert(struct st_db *db, const struct st_api_token *t, int64_t *id,
                        struct sx_err *err) SX_WUR;

/* The active (not revoked) token with token_hash whose user is enabled. SX_E_NOTFOUND. */
int st_api_token_get_by_hash(struct st_db *db, const char *token_hash, struct sx_arena *arena,
                             struct st_api_token *out, struct sx_err *err) SX_WUR;

/* A user's tokens (active and revoked) in id order, at most ST_LIST_MAX. */
int st_api_token_list(struct st_db *db, int64_t user_id, struct sx_arena *arena,
                      struct st_api_token **out, size_t *n, struct sx_err *err) SX_WUR;

/* Revoke an active token at time now. SX_E_NOTFOUND if missing or already revoked. */
int st_api_token_revoke(struct st_db *db, int64_t id, const char *now, struct sx_err *err) SX_WUR;

/* ---- audit log (append-only) ---- */

struct st_audit {
    int64_t id;
    const char *at;
    int64_t user_id;      /* 0: anonymous / unknown */
    const char *username; /* as given (e.g. a failed login's name), may be NULL */
    const char *action;   /* e.g. "login", "case.create" */
    const char *target;   /* e.g. "case:42", may be NULL */
    const char *outcome;  /* ok | denied | failed */
    const char *ip;       /* may be NULL */
    const char *detail;   /* may be NULL; never ID numbers or names of parties */
};

/* Append a (a->id ignored); sets *id (may be NULL). */
int st_audit_append(struct st_db *db, const struct st_audit *a, int64_t *id,
                    struct sx_err *err) SX_WUR;

/*
 * Count entries of action with outcome other than "ok" at or after since, whose username is
 * username (if non-NULL) or whose ip is ip (if non-NULL): login rate limiting calls it once
 * per key. Both NULL counts nothing.
 */
int st_audit_count_failures(struct st_db *db, const char *action, const char *username,
                            const char *ip, const char *since, int64_t *count,
                            struct sx_err *err) SX_WUR;

/* Audit entries with id > after_id in id order; paging as st_org_list. */
int st_audit_list(struct st_db *db, int64_t after_id, int limit, struct sx_arena *arena,
                  struct st_audit **out, size_t *n, int *more, struct sx_err *err) SX_WUR;

/* ---- gap-free counters ---- */

/*
 * Next number of the (org_id, year, kind) sequence: 1, 2, 3, ... with no gaps and no reuse
 * as long as the surrounding transaction commits (a rollback returns the number). Must be
 * called inside st_begin's transaction (SX_E_INTERNAL otherwise); the counter row stays
 * locked until commit, so concurrent callers on any node queue behind it.
 */
int st_counter_next(struct st_db *db, int64_t org_id, int year, const char *kind, int64_t *seq,
                    struct sx_err *err) SX_WUR;

/* ---- cases (a projection; the truth is the records) ---- */

struct st_case {
    int64_t id;
    int64_t org_id;
    const char *kind;   /* penalty | inspection | coercion | ... (checked by core) */
    const char *number; /* case number, NULL until issued; never changes once set */
    int number_year;    /* 0 while number is NULL */
    int64_t number_seq; /* 0 while number is NULL */
    const char *state;
    const char *source;  /* 投诉/举报/检查/移送/交办/依申请 code, may be NULL */
    const char *cause;   /* 案由, may be NULL */
    const char *summary; /* may be NULL */
    int64_t fine_fen;
    int64_t confiscation_fen;
    int64_t fund_recovery_fen;
    int64_t payment_refusal_fen;
    const char *flags; /* JSON object text; NULL on insert means "{}" */
    const char *created_at;
    int64_t created_by;
    const char *head_hash; /* hex; 64 zeros before the first record */
    int64_t record_count;
};

/* Insert c (id, head_hash, record_count ignored: a new case has no records); sets *id. */
int st_case_insert(struct st_db *db, const struct st_case *c, int64_t *id,
                   struct sx_err *err) SX_WUR;

int st_case_get(struct st_db *db, int64_t id, struct sx_arena *arena, struct st_case *out,
                struct sx_err *err) SX_WUR;

/*
 * Write the projection fields of case c->id: state, number, number_year, number_seq, cause,
 * summary, flags and the four amounts (not org, kind, creator, head or count). Changing a
 * number once issued is refused by a trigger (SX_E_CONFLICT). SX_E_NOTFOUND.
 */
int st_case_update_projection(struct st_db *db, const struct st_case *c, struct sx_err *err) SX_WUR;

struct st_case_filter {
    int any_org;            /* 1: no org filter (admin tools only); else org_ids is the scope */
    const int64_t *org_ids; /* cases of these orgs only; n_org_ids == 0 matches nothing */
    size_t n_org_ids;
    const char *kind;   /* NULL: any */
    const char *state;  /* NULL: any */
    const char *q;      /* NULL: any; else substring of number, cause or a party's name */
    int64_t officer_id; /* 0: any; else cases this user is an officer of */
    int64_t after_id;   /* cursor: cases with a larger id */
    int limit;          /* clamped to 1..ST_LIST_MAX */
};

/* Cases matching f in id order; paging as st_org_list. */
int st_case_list(struct st_db *db, const struct st_case_filter *f, struct sx_arena *arena,
                 struct st_case **out, size_t *n, int *more, struct sx_err *err) SX_WUR;

/*
 * Every case matching f after f->after_id (f->limit unused), in id order, handed to fn one by
 * one, streamed in one statement. c and
 * its strings are borrowed until fn returns; fn must not use db. A non-zero return from fn
 * stops the scan and is returned.
 */
int st_case_each(struct st_db *db, const struct st_case_filter *f,
                 int (*fn)(void *ctx, const struct st_case *c, struct sx_err *err), void *ctx,
                 struct sx_err *err) SX_WUR;

/* ---- parties (当事人) ---- */

struct st_party {
    int64_t id;
    int64_t case_id;
    const char *kind; /* person | org */
    const char *name;
    const char *id_number;  /* 身份证号, person, may be NULL */
    const char *uscc;       /* 统一社会信用代码, org, may be NULL */
    const char *legal_rep;  /* 法定代表人, org, may be NULL */
    const char *address;    /* may be NULL */
    const char *phone;      /* may be NULL */
    const char *birth_date; /* date, may be NULL */
};

int st_party_insert(struct st_db *db, const struct st_party *p, int64_t *id,
                    struct sx_err *err) SX_WUR;

/* Parties of a case in id order. */
int st_party_list(struct st_db *db, int64_t case_id, struct sx_arena *arena, struct st_party **out,
                  size_t *n, struct sx_err *err) SX_WUR;

/* ---- case officers ---- */

/* Add user_id as an officer of case_id. SX_E_CONFLICT if already one. */
int st_case_officer_add(struct st_db *db, int64_t case_id, int64_t user_id,
                        struct sx_err *err) SX_WUR;

/* The case's officers as users (with cert fields, password_hash NULL) in user id order. */
int st_case_officer_list(struct st_db *db, int64_t case_id, struct sx_arena *arena,
                         struct st_user **out, size_t *n, struct sx_err *err) SX_WUR;

/*
 * A case with its parties and officers, as st_case_get + st_party_list + st_case_officer_list
 * would give them, read by one statement (one round trip; one consistent view without a
 * transaction). SX_E_NOTFOUND when there is no such case. Everything lives in arena.
 */
int st_case_page(struct st_db *db, int64_t id, struct sx_arena *arena, struct st_case *c,
                 struct st_party **parties, size_t *n_parties, struct st_user **officers,
                 size_t *n_officers, struct sx_err *err) SX_WUR;

/*
 * st_case_page inside the caller's write transaction, locking the case row until commit
 * (PostgreSQL FOR UPDATE; SQLite's IMMEDIATE transaction holds the write lock already): what a
 * workflow step reads first. SX_E_INTERNAL outside a write transaction.
 */
int st_case_page_for_update(struct st_db *db, int64_t id, struct sx_arena *arena,
                            struct st_case *c, struct st_party **parties, size_t *n_parties,
                            struct st_user **officers, size_t *n_officers,
                            struct sx_err *err) SX_WUR;

/* ---- records (append-only, hash-chained per case) ---- */

struct st_record {
    int64_t id;
    int64_t case_id;
    int64_t seq; /* 1, 2, ... within the case */
    const char *type;
    const char *at;          /* when the step happened */
    const char *recorded_at; /* when it was recorded */
    int64_t actor_id;
    int64_t corrects; /* 0, or the id of an earlier record of the same case it corrects */
    const char *body; /* canonical JSON text */
    const char *prev_hash;
    const char *hash;
    const char *action; /* the workflow action that made it (one type serves several actions) */
};

struct st_record_new {
    int64_t case_id;
    const char *type;
    const char *action; /* workflow action key, required; part of the hashed envelope */
    const char *at;
    const char *recorded_at;
    int64_t actor_id;
    int64_t corrects; /* 0: none */
    const char *body; /* canonical JSON (the caller canonicalises) */
    /*
     * Optional, to save round trips in a workflow step: the chain head as read under the
     * case's row lock earlier in this transaction (st_case_page_for_update), so it is not
     * locked and read again; and the case's new projection (st_case_update_projection's
     * columns), written by the same statement that moves the head.
     */
    const struct st_case *locked; /* NULL: lock and read the head here */
    const struct st_case *projection;
    /* Optional: the audit row that goes with this append, written with it (st_audit_append) */
    const struct st_audit *audit;
};

/*
 * Append a record to its case's chain inside the caller's st_begin transaction (SX_E_INTERNAL
 * otherwise): lock the case row (PostgreSQL SELECT ... FOR UPDATE; SQLite's IMMEDIATE
 * transaction already serialises writers), take seq = record_count + 1, compute the hash with
 * the ledger's chain API from the case's head hash, insert, and move the case's head_hash and
 * record_count. Fills *out (strings in arena; may be NULL). SX_E_NOTFOUND for a missing case,
 * SX_E_INVALID when corrects names a record of another case, SX_E_CRYPTO from the hash.
 */
int st_record_append(struct st_db *db, const struct st_record_new *in, struct sx_arena *arena,
                     struct st_record *out, struct sx_err *err) SX_WUR;

int st_record_get(struct st_db *db, int64_t id, struct sx_arena *arena, struct st_record *out,
                  struct sx_err *err) SX_WUR;

/* All records of a case in seq order. */
int st_record_list(struct st_db *db, int64_t case_id, struct sx_arena *arena,
                   struct st_record **out, size_t *n, struct sx_err *err) SX_WUR;

/*
 * Visit every record ordered by (case_id, seq), calling fn once per record; memory stays
 * bounded (pages of ST_ITER_PAGE rows by keyset, each page in a private arena freed before the
 * next, so rec is valid only during the call). The connection is free during fn, which may use
 * db. A non-zero return from fn stops the walk and is returned (fn fills err). Wrap the walk in
 * st_begin_read for one consistent snapshot.
 */
#define ST_ITER_PAGE 10000
int st_record_iter(struct st_db *db,
                   int (*fn)(void *ctx, const struct st_record *rec, struct sx_err *err), void *ctx,
                   struct sx_err *err) SX_WUR;

struct st_case_head {
    int64_t id;
    const char *head_hash;
    int64_t record_count;
};

/* Visit every case's (id, head_hash, record_count) in id order; as st_record_iter. */
int st_case_iter(struct st_db *db,
                 int (*fn)(void *ctx, const struct st_case_head *c, struct sx_err *err), void *ctx,
                 struct sx_err *err) SX_WUR;

/*
 * For reading disjoint ranges of cases on several connections at once (verify): visit the
 * records with first_case <= case_id <= last_case, ordered by (case_id, seq), as
 * st_record_iter — except that fn must not use db, and rec (strings included) is valid only
 * during the call: the rows stream from one statement, copying nothing (SQLite: straight out
 * of its buffers; PostgreSQL: a cursor fetched a page ahead of the rows being visited, in a
 * read-only transaction of its own when none is open). Nothing is visited when first_case > last_case. Wrap in st_begin_read for a snapshot.
 */
int st_record_scan(struct st_db *db, int64_t first_case, int64_t last_case,
                   int (*fn)(void *ctx, const struct st_record *rec, struct sx_err *err), void *ctx,
                   struct sx_err *err) SX_WUR;

/* The case heads with first_case <= id <= last_case in id order; as st_record_scan. */
int st_case_scan(struct st_db *db, int64_t first_case, int64_t last_case,
                 int (*fn)(void *ctx, const struct st_case_head *c, struct sx_err *err), void *ctx,
                 struct sx_err *err) SX_WUR;

/*
 * For the deadline scans (issue 3): st_record_scan's rows of the record types named in types
 * only (a JSON array of strings, e.g. ["decision","service_direct"]), with case_id, seq, type,
 * action, at and body; the other fields of rec are 0/NULL. The rows the caller does not read
 * (transcripts, evidence, notes) never leave the database, which keeps a province-wide scan
 * cheap. As st_record_scan otherwise.
 */
int st_record_scan_brief(struct st_db *db, int64_t first_case, int64_t last_case, const char *types,
                         int (*fn)(void *ctx, const struct st_record *rec, struct sx_err *err),
                         void *ctx, struct sx_err *err) SX_WUR;

/* ---- calendar (working days) ---- */

struct st_cal_day {
    const char *day; /* date */
    int off_day;     /* 1 holiday, 0 adjusted working day (调休上班) */
    const char *name;
    int year; /* the year of the notice (file) it came from; may differ from the date's year */
};

struct st_cal_year {
    int year;
    const char *source;
    const char *imported_at;
};

/*
 * Replace all rows of year (calendar_days with that year, and its calendar_years entry) by
 * days[0..n). Runs in its own transaction when none is open, else inside the caller's.
 * SX_E_CONFLICT when a day already belongs to another year.
 */
int st_calendar_import(struct st_db *db, const struct st_cal_year *year,
                       const struct st_cal_day *days, size_t n, struct sx_err *err) SX_WUR;

/* All calendar days in date order. */
int st_calendar_load(struct st_db *db, struct sx_arena *arena, struct st_cal_day **out, size_t *n,
                     struct sx_err *err) SX_WUR;

/* Imported years in order. */
int st_calendar_years(struct st_db *db, struct sx_arena *arena, struct st_cal_year **out, size_t *n,
                      struct sx_err *err) SX_WUR;

/* ---- settings ---- */

/* The value of an installation setting (in arena). SX_E_NOTFOUND when unset. */
int st_setting_get(struct st_db *db, const char *key, struct sx_arena *arena, const char **value,
                   struct sx_err *err) SX_WUR;

/* Set (insert or replace) an installation setting at time now. */
int st_setting_set(struct st_db *db, const char *key, const char *value, const char *now,
                   struct sx_err *err) SX_WUR;

/* ---- metrics ---- */

struct st_counts {
    int64_t orgs;
    int64_t users;
    int64_t cases;
    int64_t records;
    int64_t audit_entries;
    int64_t sessions_active; /* expires_at > now */
};

/* Row counts for /metrics (full counts: cheap on SQLite, an index scan on PostgreSQL). */
int st_counts(struct st_db *db, const char *now, struct st_counts *out, struct sx_err *err) SX_WUR;

struct st_case_count {
    const char *kind;
    const char *state;
    int64_t count;
};

/* Number of cases per (kind, state), ordered by kind then state. */
int st_case_counts(struct st_db *db, struct sx_arena *arena, struct st_case_count **out, size_t *n,
                   struct sx_err *err) SX_WUR;

/* ---- prepub: pre-publicity versions, 双随机 pools and draws (append-only) ---- */

/*
 * One version of an org's pre-publicity (事前公开). The content never changes; approval and
 * publication are events of their own (prepub_events), joined in here (HB-1-17, YN-1-14).
 */
struct st_prepub_version {
    int64_t id;
    int64_t org_id;
    int64_t version; /* 1, 2, ... per org */
    const char *content;      /* canonical JSON */
    const char *content_hash; /* hex SM3 of content */
    const char *created_at;
    int64_t created_by;       /* 0: CLI/demo */
    const char *approved_at;  /* NULL until a head approved it */
    int64_t approved_by;
    const char *published_at; /* NULL until published */
    int64_t published_by;
};

/*
 * Insert the next version of org_id (number = highest + 1) with content and its hash; sets
 * *id and *version. SX_E_CONFLICT when another writer took the number at the same time.
 */
int st_prepub_version_insert(struct st_db *db, int64_t org_id, const char *content,
                             const char *content_hash, const char *created_at, int64_t created_by,
                             int64_t *id, int64_t *version, struct sx_err *err) SX_WUR;

/* One version by id, or by (org_id, version number). SX_E_NOTFOUND. */
int st_prepub_version_get(struct st_db *db, int64_t id, struct sx_arena *arena,
                          struct st_prepub_version *out, struct sx_err *err) SX_WUR;
int st_prepub_version_by_number(struct st_db *db, int64_t org_id, int64_t version,
                                struct sx_arena *arena, struct st_prepub_version *out,
                                struct sx_err *err) SX_WUR;

/* The org's versions, newest first, at most ST_LIST_MAX; only published ones if published. */
int st_prepub_version_list(struct st_db *db, int64_t org_id, int published,
                           struct sx_arena *arena, struct st_prepub_version **out, size_t *n,
                           struct sx_err *err) SX_WUR;

/* The most recently published version of the org. SX_E_NOTFOUND when none is. */
int st_prepub_version_current(struct st_db *db, int64_t org_id, struct sx_arena *arena,
                              struct st_prepub_version *out, struct sx_err *err) SX_WUR;

/* Record event ("approve" | "publish") of a version. SX_E_CONFLICT if it already happened. */
int st_prepub_event_insert(struct st_db *db, int64_t version_id, const char *event,
                           const char *at, int64_t actor_id, struct sx_err *err) SX_WUR;

/* A published pool of inspection targets and inspectors (双随机 名录), one version per row. */
struct st_draw_pool {
    int64_t id;
    int64_t org_id;
    int64_t seq;
    const char *content;      /* canonical JSON {"targets": [...], "inspectors": [...]} */
    const char *content_hash; /* hex SM3 of content: the draw's pool_hash */
    const char *created_at;
    int64_t created_by;
};

/* Insert p as the org's next pool (p->id, p->seq ignored); sets *id and *seq. */
int st_draw_pool_insert(struct st_db *db, const struct st_draw_pool *p, int64_t *id, int64_t *seq,
                        struct sx_err *err) SX_WUR;
int st_draw_pool_get(struct st_db *db, int64_t id, struct sx_arena *arena,
                     struct st_draw_pool *out, struct sx_err *err) SX_WUR;
/* The org's newest pool. SX_E_NOTFOUND when it has none. */
int st_draw_pool_latest(struct st_db *db, int64_t org_id, struct sx_arena *arena,
                        struct st_draw_pool *out, struct sx_err *err) SX_WUR;
/* The org's pools, newest first, at most ST_LIST_MAX. */
int st_draw_pool_list(struct st_db *db, int64_t org_id, struct sx_arena *arena,
                      struct st_draw_pool **out, size_t *n, struct sx_err *err) SX_WUR;

/* A 双随机 draw with everything needed to re-run it. */
struct st_draw {
    int64_t id;
    int64_t org_id;
    int64_t seq;
    int64_t pool_id;
    const char *title;
    int64_t k, m;
    const char *pool_hash;
    const char *public_value;  /* hex, fixed before the draw */
    const char *public_source; /* where it came from, e.g. "record:42" */
    const char *seed;          /* hex */
    const char *result;        /* canonical JSON */
    const char *created_at;
    int64_t created_by;
};

/* Insert d as the org's next draw (d->id, d->seq ignored); sets *id and *seq. */
int st_draw_insert(struct st_db *db, const struct st_draw *d, int64_t *id, int64_t *seq,
                   struct sx_err *err) SX_WUR;
int st_draw_get(struct st_db *db, int64_t id, struct sx_arena *arena, struct st_draw *out,
                struct sx_err *err) SX_WUR;
/* Draws of org_id (0: every org) with id > after_id; paging as st_org_list. */
int st_draw_list(struct st_db *db, int64_t org_id, int64_t after_id, int limit,
                 struct sx_arena *arena, struct st_draw **out, size_t *n, int *more,
                 struct sx_err *err) SX_WUR;

/*
 * The newest record of all cases (largest id): *record_id and *hash (arena), or 0 and NULL
 * when there are no records yet.
 */
int st_record_latest_head(struct st_db *db, struct sx_arena *arena, int64_t *record_id,
                          const char **hash, struct sx_err *err) SX_WUR;

/* ---- ledger: the global Merkle log (DESIGN §5; see app/ledger.h) ---- */

/*
 * Serialise sequencers inside the caller's st_begin transaction (PostgreSQL: a transaction-level
 * advisory lock; SQLite: BEGIN IMMEDIATE already did). Record appends never take it.
 */
int st_ledger_lock(struct st_db *db, struct sx_err *err) SX_WUR;

/* What one sequencer pass sees. */
struct st_ledger_horizon {
    int64_t xmin; /* PostgreSQL snapshot xmin/xmax (transaction ids); 0 on SQLite */
    int64_t xmax;
    int64_t max_record_id; /* highest record id visible */
    int64_t next_index;    /* the next leaf index (number of leaves when none is missing) */
};

int st_ledger_horizon(struct st_db *db, struct st_ledger_horizon *out, struct sx_err *err) SX_WUR;

/* A record with no leaf yet. */
struct st_ledger_pending {
    int64_t record_id;
    const char *hash; /* the record's hash, hex */
};

/*
 * Records with id > after_id that have no leaf, in id order, at most limit (1..ST_LIST_MAX * 10).
 * *out in arena.
 */
int st_ledger_pending(struct st_db *db, int64_t after_id, int limit, struct sx_arena *arena,
                      struct st_ledger_pending **out, size_t *n, struct sx_err *err) SX_WUR;

/* One leaf to append (st_ledger_leaves_insert). */
struct st_ledger_leaf_new {
    int64_t idx;
    int64_t record_id;
    const char *leaf_hash; /* 64 hex */
};

/*
 * Append leaves[0..n) inside the caller's write transaction, several per round trip
 * (st_exec_batch). SX_E_CONFLICT when an index or a record already has a leaf; stops at the
 * first failure.
 */
int st_ledger_leaves_insert(struct st_db *db, const struct st_ledger_leaf_new *leaves, size_t n,
                            struct sx_err *err) SX_WUR;

struct st_ledger_leaf {
    int64_t idx;
    int64_t record_id;
    const char *leaf_hash;
    const char *record_hash; /* the record's stored hash; NULL when no such record */
};

/*
 * Visit the leaves with idx >= from_idx in idx order (keyset pages of ST_ITER_PAGE in a private
 * arena: leaf is valid only during the call; fn may use db). A non-zero return stops and is
 * returned.
 */
int st_ledger_leaf_scan(struct st_db *db, int64_t from_idx,
                        int (*fn)(void *ctx, const struct st_ledger_leaf *leaf, struct sx_err *err),
                        void *ctx, struct sx_err *err) SX_WUR;

/* The leaf index of a record. SX_E_NOTFOUND ("ledger-leaf-missing") when it has none yet. */
int st_ledger_leaf_of_record(struct st_db *db, int64_t record_id, int64_t *idx,
                             struct sx_err *err) SX_WUR;

struct st_ledger_checkpoint {
    int64_t tree_size;
    const char *root;      /* hex */
    const char *made_at;   /* ISO 8601 UTC */
    const char *signature; /* hex of the DER SM2 signature */
    const char *key_id;    /* hex SM3 of the signing key's DER SubjectPublicKeyInfo */
};

/* Append a checkpoint. SX_E_CONFLICT when one of that size exists. */
int st_ledger_checkpoint_insert(struct st_db *db, const struct st_ledger_checkpoint *cp,
                                struct sx_err *err) SX_WUR;

/* The checkpoint of tree_size. SX_E_NOTFOUND. */
int st_ledger_checkpoint_get(struct st_db *db, int64_t tree_size, struct sx_arena *arena,
                             struct st_ledger_checkpoint *out, struct sx_err *err) SX_WUR;

/* The largest checkpoint. SX_E_NOTFOUND when there is none. */
int st_ledger_checkpoint_latest(struct st_db *db, struct sx_arena *arena,
                                struct st_ledger_checkpoint *out, struct sx_err *err) SX_WUR;

/* Checkpoints with tree_size > after_size in size order; paging as st_org_list. */
int st_ledger_checkpoint_list(struct st_db *db, int64_t after_size, int limit,
                              struct sx_arena *arena, struct st_ledger_checkpoint **out, size_t *n,
                              int *more, struct sx_err *err) SX_WUR;

/* ---- document PDFs (issue 5 point 4): content-addressed, append-only ---- */

/*
 * Keep a document's bytes, base64-encoded (content_b64), under sm3_hex (64 lowercase hex chars,
 * the SM3 of the raw bytes; size their count) at time now. Storing bytes already stored is a
 * no-op (same SM3, same bytes). Call inside the transaction that appends the document_issued
 * record, so the record never points at bytes that are not there. SX_E_INVALID on a bad hash.
 */
int st_doc_blob_put(struct st_db *db, const char *sm3_hex, int64_t size, const char *content_b64,
                    const char *now, struct sx_err *err) SX_WUR;

/*
 * The last number st_counter_next gave for (org_id, year, kind), 0 if none yet; no lock, no
 * transaction needed. A document is rendered with the number after it outside any transaction,
 * then st_counter_next inside one confirms it (or the caller renders again): the write lock is
 * held for the inserts only, not for the rendering.
 */
int st_counter_peek(struct st_db *db, int64_t org_id, int year, const char *kind, int64_t *seq,
                    struct sx_err *err) SX_WUR;

/* The base64 bytes and size stored under sm3_hex (in arena). SX_E_NOTFOUND. */
int st_doc_blob_get(struct st_db *db, const char *sm3_hex, struct sx_arena *arena,
                    const char **content_b64, int64_t *size, struct sx_err *err) SX_WUR;
/* ---- media: uploads, content-addressed blobs, case links, access control (append-only) ---- */

/* A tus upload as created (media_uploads) with its outcome once finished (media_upload_results). */
struct st_media_upload {
    const char *id; /* 32 lower-case hex characters (random) */
    int64_t org_id;
    int64_t user_id;
    int64_t length;           /* Upload-Length in bytes */
    const char *declared_sm3; /* hex SM3 the client declared, or NULL */
    const char *filename;
    const char *mime;
    const char *created_at;
    const char *outcome; /* NULL while in progress; "stored" | "rejected" */
    const char *sm3;     /* stored: the bytes' SM3 */
    const char *finished_at;
    const char *detail; /* rejected: why */
};

/* Insert u (outcome fields ignored). SX_E_CONFLICT on a duplicate id. */
int st_media_upload_insert(struct st_db *db, const struct st_media_upload *u,
                           struct sx_err *err) SX_WUR;
/* The upload id with its outcome. SX_E_NOTFOUND. */
int st_media_upload_get(struct st_db *db, const char *id, struct sx_arena *arena,
                        struct st_media_upload *out, struct sx_err *err) SX_WUR;
/* Record an upload's outcome ("stored" with sm3, or "rejected" with detail). SX_E_CONFLICT twice. */
int st_media_upload_finish(struct st_db *db, const char *id, const char *outcome, const char *sm3,
                           const char *at, const char *detail, struct sx_err *err) SX_WUR;

/* One stored file, named by the SM3 of its bytes. */
struct st_media_blob {
    const char *sm3;
    int64_t size;
    const char *stored_at; /* when the first upload of these bytes finished */
    const char *upload_id; /* that upload */
    const char *deleted_at;     /* NULL unless deleted after its retention (media_deletions) */
    const char *deleted_reason; /* why, when deleted */
};

/* Insert the blob unless a blob with that sm3 exists; *inserted (may be NULL) 1 or 0. */
int st_media_blob_insert(struct st_db *db, const struct st_media_blob *b, int *inserted,
                         struct sx_err *err) SX_WUR;
int st_media_blob_get(struct st_db *db, const char *sm3, struct sx_arena *arena,
                      struct st_media_blob *out, struct sx_err *err) SX_WUR;
/*
 * Visit every stored blob in sm3 order (keyset pages of ST_ITER_PAGE rows in a private arena;
 * b is valid during the call only): the hook for `verify` to re-hash every media file.
 */
int st_media_blob_iter(struct st_db *db,
                       int (*fn)(void *ctx, const struct st_media_blob *b, struct sx_err *err),
                       void *ctx, struct sx_err *err) SX_WUR;

/* Record that the file sm3 was deleted (after its retention). SX_E_CONFLICT when it was already. */
int st_media_deletion_insert(struct st_db *db, const char *sm3, const char *at, int64_t by,
                             const char *reason, struct sx_err *err) SX_WUR;

/* A media_attach record of a case, projected (media_links) and joined with its blob and record. */
struct st_media_link {
    int64_t id;
    int64_t case_id;
    int64_t record_id;
    const char *sm3;
    const char *captured_from;
    const char *captured_to;
    int64_t size;
    const char *stored_at;
    const char *body; /* the record's canonical body (metadata) */
    const char *at;   /* the record's at */
    int64_t actor_id;
};

/* Project a media_attach record (in the record's transaction). */
int st_media_link_insert(struct st_db *db, int64_t case_id, int64_t record_id, const char *sm3,
                         const char *captured_from, const char *captured_to,
                         struct sx_err *err) SX_WUR;
/* Links of a case, or (case_id 0) of an sm3 in any case, in id order, at most ST_LIST_MAX. */
int st_media_link_list(struct st_db *db, int64_t case_id, const char *sm3, struct sx_arena *arena,
                       struct st_media_link **out, size_t *n, struct sx_err *err) SX_WUR;

/* A request to view a case or media (调阅), with the head's decision once made. */
struct st_access_request {
    int64_t id;
    const char *kind; /* case | media | party */
    int64_t requester_id;
    int64_t requester_org;
    int64_t case_id;
    int64_t target_org;     /* the org that holds the case: its head decides */
    const char *sm3;        /* media: the file asked for; else NULL */
    const char *party_name; /* party: who asks (当事人); else NULL */
    const char *reason;
    int64_t valid_seconds;
    const char *created_at;
    const char *decision; /* NULL while pending; approved | refused */
    int64_t decided_by;
    const char *decided_at;
    const char *valid_until; /* approved: end of the window */
    const char *note;
};

/* Insert q (id and decision fields ignored); sets *id. */
int st_access_request_insert(struct st_db *db, const struct st_access_request *q, int64_t *id,
                             struct sx_err *err) SX_WUR;
int st_access_request_get(struct st_db *db, int64_t id, struct sx_arena *arena,
                          struct st_access_request *out, struct sx_err *err) SX_WUR;
/* Requests made by user_id or aimed at org_id, id > after_id; paging as st_org_list. */
int st_access_request_list(struct st_db *db, int64_t user_id, int64_t org_id, int64_t after_id,
                           int limit, struct sx_arena *arena, struct st_access_request **out,
                           size_t *n, int *more, struct sx_err *err) SX_WUR;
/* Record the decision (once: SX_E_CONFLICT when decided already). valid_until may be NULL. */
int st_access_decision_insert(struct st_db *db, int64_t request_id, const char *decision,
                              int64_t decided_by, const char *at, const char *valid_until,
                              const char *note, struct sx_err *err) SX_WUR;

/* One view or download (access_log). */
struct st_access_log {
    int64_t id;
    const char *at;
    int64_t user_id;
    int64_t request_id; /* 0: none */
    int64_t case_id;    /* 0: none */
    const char *sm3;    /* download: the file */
    const char *action; /* view | download */
    const char *ip;
};

int st_access_log_insert(struct st_db *db, const struct st_access_log *l, int64_t *id,
                         struct sx_err *err) SX_WUR;
/* Entries of a request in id order, at most ST_LIST_MAX. */
int st_access_log_list(struct st_db *db, int64_t request_id, struct sx_arena *arena,
                       struct st_access_log **out, size_t *n, struct sx_err *err) SX_WUR;

/* ---- results publicity (issue 4): items and correction requests ---- */

/*
 * One results-publicity item (公示事项): the projection of the publicity records of one decision
 * in its case's chain (publicity_item, publicity_draft, publicity_approval, publication,
 * publicity_exempt, publicity_withdrawal). Ids of 0 and NULL strings are "none".
 */
struct st_pub_item {
    int64_t id;
    int64_t case_id;
    int64_t org_id;
    const char *case_kind; /* penalty | coercion */
    int64_t decision_record_id;
    const char *decision_no;  /* 决定书文号 */
    const char *case_number;  /* 案件编号 */
    const char *decided_on;   /* date */
    const char *deadline_key; /* publish_penalty | publish_other */
    const char *due_on;       /* date */
    const char *state;        /* core/publicity.h state names */
    const char *form;         /* full | summary */
    const char *title;
    const char *party_label; /* organisation name or masked person (张某) */
    const char *draft_text;  /* redacted draft */
    int64_t draft_record_id;
    int64_t approval_record_id;
    const char *published_text;
    const char *published_on; /* date */
    int64_t published_record_id;
    const char *override_reason;
    const char *exempt_reason;
    const char *exempt_explanation;
    const char *change_json; /* the withdrawal's change, JSON object text */
    const char *withdrawn_on;
    const char *withdraw_due;
    const char *search_text; /* what portal search sees: set only while published */
    const char *created_at;
    const char *updated_at;
};

/* Insert a new item (its creation columns; the rest NULL). *id gets its id. */
int st_pub_insert(struct st_db *db, const struct st_pub_item *it, int64_t *id,
                  struct sx_err *err) SX_WUR;
/* SX_E_NOTFOUND when there is no such item. */
int st_pub_get(struct st_db *db, int64_t id, struct sx_arena *arena, struct st_pub_item *out,
               struct sx_err *err) SX_WUR;
/* Write the mutable columns (state ... search_text, updated_at) of it->id. */
int st_pub_update(struct st_db *db, const struct st_pub_item *it, struct sx_err *err) SX_WUR;
/* Items of the orgs org_ids (state NULL: any), ascending id after after_id. */
int st_pub_list(struct st_db *db, const int64_t *org_ids, size_t n_org_ids, const char *state,
                int64_t after_id, int limit, struct sx_arena *arena, struct st_pub_item **out,
                size_t *n, int *more, struct sx_err *err) SX_WUR;

/* Portal search over published items, newest first. */
struct st_pub_query {
    const char *q;         /* substring of the published text, title, party, number; NULL: any */
    int64_t org_id;        /* 0: any */
    const char *kind;      /* penalty | coercion | NULL */
    const char *from, *to; /* published_on range, inclusive; NULL: open */
    int64_t before_id;     /* 0: from the newest; else ids below it (the cursor) */
    int limit;
};
int st_pub_search(struct st_db *db, const struct st_pub_query *q, struct sx_arena *arena,
                  struct st_pub_item **out, size_t *n, int *more, struct sx_err *err) SX_WUR;
/* Withdrawn items, newest first, ids below before_id (0: from the newest). */
int st_pub_withdrawn(struct st_db *db, int64_t before_id, int limit, struct sx_arena *arena,
                     struct st_pub_item **out, size_t *n, int *more, struct sx_err *err) SX_WUR;
/* Published or withdrawn items whose case number or decision number is number (at most 10). */
int st_pub_find(struct st_db *db, const char *number, struct sx_arena *arena,
                struct st_pub_item **out, size_t *n, struct sx_err *err) SX_WUR;
/* Every item of a case. */
int st_pub_by_case(struct st_db *db, int64_t case_id, struct sx_arena *arena,
                   struct st_pub_item **out, size_t *n, struct sx_err *err) SX_WUR;

/* A party's correction request (更正申请), projection of its request and reply records. */
struct st_pub_correction {
    int64_t id;
    int64_t item_id;
    int64_t case_id;
    int64_t request_record_id;
    const char *submitted_on;
    const char *due_on;
    const char *content;
    const char *state; /* pending | corrected | refused */
    const char *reply;
    const char *replied_on;
    int64_t reply_record_id;
    const char *created_at;
};

int st_pub_corr_insert(struct st_db *db, const struct st_pub_correction *c, int64_t *id,
                       struct sx_err *err) SX_WUR;
int st_pub_corr_get(struct st_db *db, int64_t id, struct sx_arena *arena,
                    struct st_pub_correction *out, struct sx_err *err) SX_WUR;
/* Write state, reply, replied_on, reply_record_id of c->id. */
int st_pub_corr_update(struct st_db *db, const struct st_pub_correction *c,
                       struct sx_err *err) SX_WUR;
/* Requests on items of org_ids (state NULL: any), ascending id after after_id. */
int st_pub_corr_list(struct st_db *db, const int64_t *org_ids, size_t n_org_ids, const char *state,
                     int64_t after_id, int limit, struct sx_arena *arena,
                     struct st_pub_correction **out, size_t *n, int *more,
                     struct sx_err *err) SX_WUR;

/* ---- stats: annual statistics reports (append-only versions with events, HB-1-15) ---- */

/* One computed version of an org's annual report for a year; approval/publication joined in. */
struct st_annual {
    int64_t id;
    int64_t org_id;
    int year;
    int64_t version;          /* 1, 2, ... per (org, year) */
    const char *content;      /* canonical JSON of the report */
    const char *content_hash; /* hex SM3 of content */
    const char *created_at;
    int64_t created_by;      /* 0: CLI */
    const char *approved_at; /* NULL until a head approved it */
    int64_t approved_by;
    const char *published_at; /* NULL until published */
    int64_t published_by;
};

/* Insert the next version of (org_id, year); sets *id and *version. SX_E_CONFLICT on a race. */
int st_annual_insert(struct st_db *db, int64_t org_id, int year, const char *content,
                     const char *content_hash, const char *created_at, int64_t created_by,
                     int64_t *id, int64_t *version, struct sx_err *err) SX_WUR;
/* One version by id. SX_E_NOTFOUND. */
int st_annual_get(struct st_db *db, int64_t id, struct sx_arena *arena, struct st_annual *out,
                  struct sx_err *err) SX_WUR;
/* Versions of (org_id, year), newest first, at most ST_LIST_MAX. */
int st_annual_list(struct st_db *db, int64_t org_id, int year, struct sx_arena *arena,
                   struct st_annual **out, size_t *n, struct sx_err *err) SX_WUR;
/*
 * Published versions (org_id 0: any org; year 0: any year), by year descending, org, version
 * descending; at most ST_LIST_MAX.
 */
int st_annual_published(struct st_db *db, int64_t org_id, int year, struct sx_arena *arena,
                        struct st_annual **out, size_t *n, struct sx_err *err) SX_WUR;
/* Record event ("approve" | "publish") of a version. SX_E_CONFLICT if it already happened. */
int st_annual_event_insert(struct st_db *db, int64_t report_id, const char *event, const char *at,
                           int64_t actor_id, struct sx_err *err) SX_WUR;

#endif
