/*
 * store_pg: the PostgreSQL backend of the store, and the one place PostgreSQL SQL text lives.
 *
 * st_pg_sql is the twin of st_sqlite_sql (store_sqlite.c): indexed by enum st_stmt, same type
 * strings, same result columns in the same order. Statements are prepared once per connection
 * by name ("sx_<index>") with declared parameter types (int8 for 'i', text for 't') and run
 * with text parameters and text results, so both backends hand store.c the same cells.
 *
 * Concurrency: transactions are READ COMMITTED; st_counter_next's upsert and
 * st_record_append's SELECT ... FOR UPDATE lock the one row they depend on, so two processes
 * on one cluster serialise on it. lock_timeout is 5 s, like SQLite's busy timeout; a lock
 * timeout, serialization failure or deadlock is reported as busy (SX_E_DB, 503, retry).
 * A connection lost between transactions (server restart, failover) is re-established on the
 * next statement; one lost inside a transaction fails every statement until st_rollback.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "store/store_int.h"
#include "sx_log.h"

/* pg_type OIDs (catalog/pg_type_d.h is a server header): int8 and text */
#define OID_INT8 20
#define OID_TEXT 25

/* Column lists; their order is what store.c's decoders read. */
#define ORG_COLS                                                                                   \
    "id, parent_id, code, name, short_name, level, region, address, head, phone, "                 \
    "supervise_phone, categories, policy, qualification, created_at"
#define USER_COLS_NOPW(p)                                                                          \
    p "id, " p "org_id, " p "username, " p "display_name, NULL, " p "roles, " p "cert_no, " p      \
      "cert_valid_from, " p "cert_valid_to, " p "legal_qualification, " p "post, " p               \
      "disabled, " p "created_at"
#define USER_COLS                                                                                  \
    "id, org_id, username, display_name, password_hash, roles, cert_no, cert_valid_from, "         \
    "cert_valid_to, legal_qualification, post, disabled, created_at"
#define TOKEN_COLS "t.id, t.user_id, t.name, t.token_hash, t.created_at, t.revoked_at"
#define AUDIT_COLS "id, at, user_id, username, action, target, outcome, ip, detail"
#define CASE_COLS(p)                                                                               \
    p "id, " p "org_id, " p "kind, " p "number, " p "number_year, " p "number_seq, " p "state, " p \
      "source, " p "cause, " p "summary, " p "fine_fen, " p "confiscation_fen, " p                 \
      "fund_recovery_fen, " p "payment_refusal_fen, " p "flags, " p "created_at, " p               \
      "created_by, " p "head_hash, " p "record_count"
#define PARTY_COLS "id, case_id, kind, name, id_number, uscc, legal_rep, address, phone, birth_date"
#define CP_COLS "tree_size, root, made_at, signature, key_id" /* ledger */
#define RECORD_COLS                                                                                \
    "id, case_id, seq, type, at, recorded_at, actor_id, corrects, body, prev_hash, hash, action"

/* prepub: columns of the pre-publicity, pool and draw statements (store.c reads this order) */
#define PREPUB_SELECT                                                                              \
    "SELECT v.id, v.org_id, v.version, v.content, v.content_hash, v.created_at, v.created_by, "    \
    "a.at, a.actor_id, p.at, p.actor_id FROM prepub_versions v "                                   \
    "LEFT JOIN prepub_events a ON a.version_id = v.id AND a.event = 'approve' "                    \
    "LEFT JOIN prepub_events p ON p.version_id = v.id AND p.event = 'publish'"
#define POOL_COLS "id, org_id, seq, content, content_hash, created_at, created_by"
/* media: columns of an access request with its decision (store.c reads this order) */
#define ACCESS_SELECT                                                                              \
    "SELECT q.id, q.kind, q.requester_id, q.requester_org, q.case_id, q.target_org, q.sm3, "       \
    "q.party_name, q.reason, q.valid_seconds, q.created_at, d.decision, d.decided_by, d.at, "      \
    "d.valid_until, d.note FROM access_requests q "                                                \
    "LEFT JOIN access_decisions d ON d.request_id = q.id"
#define DRAW_COLS                                                                                  \
    "id, org_id, seq, pool_id, title, k, m, pool_hash, public_value, public_source, seed, "        \
    "result, created_at, created_by"

/* stats: columns of the annual report statements (store.c reads this order) */
#define ANNUAL_SELECT                                                                              \
    "SELECT r.id, r.org_id, r.year, r.version, r.content, r.content_hash, r.created_at, "          \
    "r.created_by, a.at, a.actor_id, p.at, p.actor_id FROM annual_reports r "                      \
    "LEFT JOIN annual_report_events a ON a.report_id = r.id AND a.event = 'approve' "              \
    "LEFT JOIN annual_report_events p ON p.report_id = r.id AND p.event = 'publish'"

/* clang-format off */
const struct st_sql st_pg_sql[ST__COUNT] = {
    /* READ COMMITTED: the functions that need serialisation lock their rows */
    [ST_BEGIN] = {"BEGIN", ""},
    [ST_BEGIN_READ] = {"BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", ""},
    [ST_COMMIT] = {"COMMIT", ""},
    [ST_ROLLBACK] = {"ROLLBACK", ""},
    [ST_SAVEPOINT] = {"SAVEPOINT sx_job", ""},
    [ST_RELEASE] = {"RELEASE SAVEPOINT sx_job", ""},
    [ST_ROLLBACK_TO] = {"ROLLBACK TO SAVEPOINT sx_job", ""},
    [ST_MIGRATION_TABLE_EXISTS] = {
        "SELECT CASE WHEN to_regclass('schema_migrations') IS NULL THEN 0 ELSE 1 END", ""},
    /* queue concurrent migrators (lock released at commit); the key spells "SANX" */
    [ST_MIGRATION_LOCK] = {"SELECT pg_advisory_xact_lock(1396788824)", ""},
    [ST_MIGRATION_CREATE] = {
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
        "name TEXT NOT NULL, applied_at TEXT NOT NULL)", ""},
    [ST_MIGRATION_LIST] = {"SELECT version, name FROM schema_migrations ORDER BY version", ""},
    [ST_MIGRATION_INSERT] = {
        "INSERT INTO schema_migrations (version, name, applied_at) "
        "VALUES ($1, $2, "
        "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))", "it"},

    [ST_ORG_INSERT] = {
        "INSERT INTO orgs (parent_id, code, name, short_name, level, region, address, head, "
        "phone, supervise_phone, categories, policy, qualification, created_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, coalesce($12, 'national'), $13, $14) "
        "RETURNING id", "ittttttttttttt"},
    [ST_ORG_UPDATE] = {
        "UPDATE orgs SET parent_id = $1, name = $2, short_name = $3, level = $4, region = $5, "
        "address = $6, head = $7, phone = $8, supervise_phone = $9, categories = $10, "
        "policy = coalesce($11, 'national'), qualification = $12 WHERE id = $13",
        "ittttttttttti"},
    [ST_ORG_GET] = {"SELECT " ORG_COLS " FROM orgs WHERE id = $1", "i"},
    [ST_ORG_GET_BY_CODE] = {"SELECT " ORG_COLS " FROM orgs WHERE code = $1", "t"},
    [ST_ORG_LIST] = {"SELECT " ORG_COLS " FROM orgs WHERE id > $1 ORDER BY id LIMIT $2", "ii"},
    /* UNION (not UNION ALL) ends the walk even if a bad parent_id made a cycle */
    [ST_ORG_SUBTREE] = {
        "WITH RECURSIVE sub(id) AS (SELECT id FROM orgs WHERE id = $1 "
        "UNION SELECT o.id FROM orgs o JOIN sub ON o.parent_id = sub.id) "
        "SELECT id FROM sub ORDER BY id <> $1, id", "i"},

    [ST_USER_INSERT] = {
        "INSERT INTO users (org_id, username, display_name, password_hash, roles, cert_no, "
        "cert_valid_from, cert_valid_to, legal_qualification, post, disabled, created_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        "itttttttttit"},
    [ST_USER_UPDATE] = {
        "UPDATE users SET org_id = $1, display_name = $2, roles = $3, cert_no = $4, "
        "cert_valid_from = $5, cert_valid_to = $6, legal_qualification = $7, post = $8 "
        "WHERE id = $9", "ittttttti"},
    [ST_USER_GET] = {"SELECT " USER_COLS " FROM users WHERE id = $1", "i"},
    [ST_USER_GET_BY_USERNAME] = {"SELECT " USER_COLS " FROM users WHERE username = $1", "t"},
    [ST_USER_LIST] = {
        "SELECT " USER_COLS " FROM users WHERE ($1 IS NULL OR org_id = $1) AND id > $2 "
        "ORDER BY id LIMIT $3", "iii"},
    [ST_USER_LIST_BY_ROLE] = {
        "SELECT " USER_COLS " FROM users WHERE org_id = $1 AND disabled = 0 "
        "AND strpos(',' || roles || ',', ',' || $2 || ',') > 0 ORDER BY id LIMIT $3", "iti"},
    [ST_USER_SET_DISABLED] = {"UPDATE users SET disabled = $1 WHERE id = $2", "ii"},
    [ST_USER_SET_PASSWORD] = {"UPDATE users SET password_hash = $1 WHERE id = $2", "ti"},

    [ST_SESSION_INSERT] = {
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) "
        "VALUES ($1, $2, $3, $4, $5)", "tittt"},
    [ST_SESSION_GET] = {
        "SELECT s.token_hash, s.user_id, s.csrf_token, s.created_at, s.expires_at, "
        USER_COLS_NOPW("u.") " FROM sessions s JOIN users u ON u.id = s.user_id "
        "WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0", "tt"},
    [ST_SESSION_DELETE] = {"DELETE FROM sessions WHERE token_hash = $1", "t"},
    [ST_SESSION_DELETE_USER] = {"DELETE FROM sessions WHERE user_id = $1", "i"},
    [ST_SESSION_DELETE_EXPIRED] = {"DELETE FROM sessions WHERE expires_at <= $1", "t"},

    [ST_TOKEN_INSERT] = {
        "INSERT INTO api_tokens (user_id, name, token_hash, created_at) "
        "VALUES ($1, $2, $3, $4) RETURNING id", "ittt"},
    [ST_TOKEN_GET_BY_HASH] = {
        "SELECT " TOKEN_COLS ", " USER_COLS_NOPW("u.") " FROM api_tokens t "
        "JOIN users u ON u.id = t.user_id "
        "WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled = 0", "t"},
    [ST_TOKEN_LIST] = {
        "SELECT " TOKEN_COLS " FROM api_tokens t WHERE t.user_id = $1 ORDER BY t.id LIMIT 1000",
        "i"},
    [ST_TOKEN_REVOKE] = {
        "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL", "ti"},

    [ST_AUDIT_APPEND] = {
        "INSERT INTO audit_log (at, user_id, username, action, target, outcome, ip, detail) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id", "titttttt"},
    [ST_AUDIT_COUNT_FAILURES] = {
        "SELECT count(*) FROM audit_log WHERE action = $1 AND outcome <> 'ok' AND at >= $4 "
        "AND (($2 IS NOT NULL AND username = $2) OR ($3 IS NOT NULL AND ip = $3))", "tttt"},
    [ST_AUDIT_LIST] = {
        "SELECT " AUDIT_COLS " FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2", "ii"},

    /* The conflicting row is locked until commit, so a second caller on any node waits and
     * then increments the committed value (READ COMMITTED re-reads it). */
    [ST_COUNTER_NEXT] = {
        "INSERT INTO counters (org_id, year, kind, last_seq) VALUES ($1, $2, $3, 1) "
        "ON CONFLICT (org_id, year, kind) DO UPDATE SET last_seq = counters.last_seq + 1 "
        "RETURNING last_seq", "iit"},

    [ST_CASE_INSERT] = {
        "INSERT INTO cases (org_id, kind, number, number_year, number_seq, state, source, cause, "
        "summary, fine_fen, confiscation_fen, fund_recovery_fen, payment_refusal_fen, flags, "
        "created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
        "coalesce($14, '{}'), $15, $16) RETURNING id", "ittiittttiiiitti"},
    [ST_CASE_GET] = {"SELECT " CASE_COLS("") " FROM cases WHERE id = $1", "i"},
    /* $2 is a JSON array of org ids; $5 a LIKE pattern with \ as escape; ILIKE matches
     * SQLite's ASCII-case-insensitive LIKE */
    [ST_CASE_LIST] = {
        "SELECT " CASE_COLS("c.") " FROM cases c WHERE c.id > $7 "
        "AND ($1 = 1 OR c.org_id IN (SELECT jsonb_array_elements_text($2::jsonb)::bigint)) "
        "AND ($3 IS NULL OR c.kind = $3) AND ($4 IS NULL OR c.state = $4) "
        "AND ($5 IS NULL OR c.number ILIKE $5 ESCAPE '\\' OR c.cause ILIKE $5 ESCAPE '\\' "
        "  OR EXISTS (SELECT 1 FROM parties p WHERE p.case_id = c.id "
        "             AND p.name ILIKE $5 ESCAPE '\\')) "
        "AND ($6 IS NULL OR EXISTS (SELECT 1 FROM case_officers o WHERE o.case_id = c.id "
        "                           AND o.user_id = $6)) "
        "ORDER BY c.id LIMIT $8", "ittttiii"},
    [ST_CASE_UPDATE_PROJECTION] = {
        "UPDATE cases SET state = $1, number = $2, number_year = $3, number_seq = $4, "
        "cause = $5, summary = $6, flags = coalesce($7, '{}'), fine_fen = $8, "
        "confiscation_fen = $9, fund_recovery_fen = $10, payment_refusal_fen = $11 "
        "WHERE id = $12", "ttiitttiiiii"},
    /* serialises appends to one case across connections and nodes until commit */
    [ST_CASE_LOCK_HEAD] = {
        "SELECT head_hash, record_count FROM cases WHERE id = $1 FOR UPDATE", "i"},
    [ST_CASE_SET_HEAD] = {
        "UPDATE cases SET head_hash = $1, record_count = $2 WHERE id = $3 AND record_count = $4",
        "tiii"},
    [ST_CASE_SET_HEAD_PROJECTION] = {
        "UPDATE cases SET head_hash = $1, record_count = $2, state = $5, number = $6, "
        "number_year = $7, number_seq = $8, cause = $9, summary = $10, "
        "flags = coalesce($11, '{}'), fine_fen = $12, confiscation_fen = $13, "
        "fund_recovery_fen = $14, payment_refusal_fen = $15 "
        "WHERE id = $3 AND record_count = $4", "tiiittiitttiiii"},
    [ST_CASE_ITER] = {
        "SELECT id, head_hash, record_count FROM cases WHERE id > $1 ORDER BY id LIMIT $2", "ii"},
    /* one range of case ids (inclusive), keyset-paged from $1: verify's parallel scans */
    [ST_CASE_RANGE] = {
        "SELECT id, head_hash, record_count FROM cases WHERE id >= $1 AND id <= $2 "
        "ORDER BY id LIMIT $3", "iii"},

    [ST_PARTY_INSERT] = {
        "INSERT INTO parties (case_id, kind, name, id_number, uscc, legal_rep, address, phone, "
        "birth_date) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id", "itttttttt"},
    [ST_PARTY_LIST] = {"SELECT " PARTY_COLS " FROM parties WHERE case_id = $1 ORDER BY id", "i"},

    [ST_OFFICER_ADD] = {"INSERT INTO case_officers (case_id, user_id) VALUES ($1, $2)", "ii"},
    [ST_OFFICER_LIST] = {
        "SELECT " USER_COLS_NOPW("u.") " FROM case_officers o JOIN users u ON u.id = o.user_id "
        "WHERE o.case_id = $1 ORDER BY u.id", "i"},
    /* the case page in one round trip: part 0 the case, 1 its parties, 2 its officers; a
     * UNION needs one type per column, so numbers travel as text (as libpq returns them) */
    [ST_CASE_PAGE] = {
        "SELECT 0, id, id::text, org_id::text, kind, number, number_year::text, "
        "number_seq::text, state, source, cause, summary, fine_fen::text, confiscation_fen::text, "
        "fund_recovery_fen::text, payment_refusal_fen::text, flags, created_at, created_by::text, "
        "head_hash, record_count::text FROM cases WHERE id = $1 "
        "UNION ALL SELECT 1, id, id::text, case_id::text, kind, name, id_number, uscc, legal_rep, "
        "address, phone, birth_date, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL "
        "FROM parties WHERE case_id = $1 "
        "UNION ALL SELECT 2, u.id, u.id::text, u.org_id::text, u.username, u.display_name, NULL, "
        "u.roles, u.cert_no, u.cert_valid_from, u.cert_valid_to, u.legal_qualification, u.post, "
        "u.disabled::text, u.created_at, NULL, NULL, NULL, NULL, NULL, NULL "
        "FROM case_officers o JOIN users u ON u.id = o.user_id WHERE o.case_id = $1", "i"},
    /* the same, locking the case row first (a CTE with FOR UPDATE is materialised) */
    [ST_CASE_PAGE_LOCK] = {
        "WITH c AS MATERIALIZED (SELECT * FROM cases WHERE id = $1 FOR UPDATE) "
        "SELECT 0, id, id::text, org_id::text, kind, number, number_year::text, "
        "number_seq::text, state, source, cause, summary, fine_fen::text, confiscation_fen::text, "
        "fund_recovery_fen::text, payment_refusal_fen::text, flags, created_at, created_by::text, "
        "head_hash, record_count::text FROM c "
        "UNION ALL SELECT 1, id, id::text, case_id::text, kind, name, id_number, uscc, legal_rep, "
        "address, phone, birth_date, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL "
        "FROM parties WHERE case_id = $1 "
        "UNION ALL SELECT 2, u.id, u.id::text, u.org_id::text, u.username, u.display_name, NULL, "
        "u.roles, u.cert_no, u.cert_valid_from, u.cert_valid_to, u.legal_qualification, u.post, "
        "u.disabled::text, u.created_at, NULL, NULL, NULL, NULL, NULL, NULL "
        "FROM case_officers o JOIN users u ON u.id = o.user_id WHERE o.case_id = $1", "i"},

    [ST_RECORD_INSERT] = {
        "INSERT INTO records (case_id, seq, type, at, recorded_at, actor_id, corrects, body, "
        "prev_hash, hash, action) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
        "RETURNING id",
        "iitttiitttt"},
    [ST_RECORD_GET] = {"SELECT " RECORD_COLS " FROM records WHERE id = $1", "i"},
    [ST_RECORD_CASE_OF] = {"SELECT case_id FROM records WHERE id = $1", "i"},
    [ST_RECORD_LIST] = {"SELECT " RECORD_COLS " FROM records WHERE case_id = $1 ORDER BY seq",
                        "i"},
    /* keyset paging on the (case_id, seq) unique index */
    [ST_RECORD_ITER] = {
        "SELECT " RECORD_COLS " FROM records WHERE (case_id, seq) > ($1, $2) "
        "ORDER BY case_id, seq LIMIT $3", "iii"},
    /* the records of one range of case ids (inclusive $3), keyset-paged from ($1, $2) */
    [ST_RECORD_RANGE] = {
        "SELECT " RECORD_COLS " FROM records WHERE (case_id, seq) >= ($1, $2) AND case_id <= $3 "
        "ORDER BY case_id, seq LIMIT $4", "iiii"},

    [ST_CAL_DELETE_DAYS] = {"DELETE FROM calendar_days WHERE year = $1", "i"},
    [ST_CAL_DELETE_YEAR] = {"DELETE FROM calendar_years WHERE year = $1", "i"},
    [ST_CAL_INSERT_DAY] = {
        "INSERT INTO calendar_days (day, off_day, name, year) VALUES ($1, $2, $3, $4)", "titi"},
    [ST_CAL_INSERT_YEAR] = {
        "INSERT INTO calendar_years (year, source, imported_at) VALUES ($1, $2, $3)", "itt"},
    [ST_CAL_LOAD] = {"SELECT day, off_day, name, year FROM calendar_days ORDER BY day", ""},
    [ST_CAL_YEARS] = {"SELECT year, source, imported_at FROM calendar_years ORDER BY year", ""},

    [ST_SETTING_GET] = {"SELECT value FROM settings WHERE key = $1", "t"},
    /* documents (issue 5 point 4): content-addressed PDFs */
    [ST_DOC_BLOB_PUT] = {
        "INSERT INTO document_blobs (sm3, size, content, created_at) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (sm3) DO NOTHING", "titt"},
    [ST_DOC_BLOB_GET] = {"SELECT size, content FROM document_blobs WHERE sm3 = $1", "t"},
    [ST_COUNTER_PEEK] = {
        "SELECT coalesce(max(last_seq), 0) FROM counters WHERE org_id = $1 AND year = $2 "
        "AND kind = $3", "iit"},
    [ST_SETTING_SET] = {
        "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        "ttt"},

    [ST_COUNTS] = {
        "SELECT (SELECT count(*) FROM orgs), (SELECT count(*) FROM users), "
        "(SELECT count(*) FROM cases), (SELECT count(*) FROM records), "
        "(SELECT count(*) FROM audit_log), "
        "(SELECT count(*) FROM sessions WHERE expires_at > $1)", "t"},
    [ST_CASE_COUNTS] = {
        "SELECT kind, state, count(*) FROM cases GROUP BY kind, state ORDER BY kind, state", ""},
    /* prepub: pre-publicity versions (with their approve/publish events), pools, draws */
    [ST_PREPUB_VERSION_INSERT] = {
        "INSERT INTO prepub_versions (org_id, version, content, content_hash, created_at, "
        "created_by) SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4, $5 "
        "FROM prepub_versions WHERE org_id = $1 RETURNING id, version", "ittti"},
    [ST_PREPUB_VERSION_GET] = {PREPUB_SELECT " WHERE v.id = $1", "i"},
    [ST_PREPUB_VERSION_BY_NUMBER] = {
        PREPUB_SELECT " WHERE v.org_id = $1 AND v.version = $2", "ii"},
    [ST_PREPUB_VERSION_LIST] = {
        PREPUB_SELECT " WHERE v.org_id = $1 ORDER BY v.version DESC LIMIT $2", "ii"},
    [ST_PREPUB_VERSION_CURRENT] = {
        PREPUB_SELECT " WHERE v.org_id = $1 AND p.id IS NOT NULL ORDER BY p.id DESC LIMIT 1",
        "i"},
    [ST_PREPUB_PUBLISHED_LIST] = {
        PREPUB_SELECT " WHERE v.org_id = $1 AND p.id IS NOT NULL ORDER BY v.version DESC "
        "LIMIT $2", "ii"},
    [ST_PREPUB_EVENT_INSERT] = {
        "INSERT INTO prepub_events (version_id, event, at, actor_id) VALUES ($1, $2, $3, $4)",
        "itti"},
    [ST_POOL_INSERT] = {
        "INSERT INTO draw_pools (org_id, seq, content, content_hash, created_at, created_by) "
        "SELECT $1, coalesce(max(seq), 0) + 1, $2, $3, $4, $5 FROM draw_pools WHERE org_id = $1 "
        "RETURNING id, seq", "ittti"},
    [ST_POOL_GET] = {"SELECT " POOL_COLS " FROM draw_pools WHERE id = $1", "i"},
    [ST_POOL_LATEST] = {
        "SELECT " POOL_COLS " FROM draw_pools WHERE org_id = $1 ORDER BY seq DESC LIMIT 1", "i"},
    [ST_POOL_LIST] = {
        "SELECT " POOL_COLS " FROM draw_pools WHERE org_id = $1 ORDER BY seq DESC LIMIT $2", "ii"},
    [ST_DRAW_INSERT] = {
        "INSERT INTO draws (org_id, seq, pool_id, title, k, m, pool_hash, public_value, "
        "public_source, seed, result, created_at, created_by) "
        "SELECT $1, coalesce(max(seq), 0) + 1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12 "
        "FROM draws WHERE org_id = $1 RETURNING id, seq", "iitiitttttti"},
    [ST_DRAW_GET] = {"SELECT " DRAW_COLS " FROM draws WHERE id = $1", "i"},
    [ST_DRAW_LIST] = {
        "SELECT " DRAW_COLS " FROM draws WHERE ($1::bigint = 0 OR org_id = $1) AND id > $2 "
        "ORDER BY id LIMIT $3", "iii"},
    /* the newest record of any case: a public value fixed before a draw */
    [ST_RECORD_LATEST_HEAD] = {"SELECT id, hash FROM records ORDER BY id DESC LIMIT 1", ""},
    /* deadline scans: RECORD_RANGE's rows of the types in $5 only, six columns */
    [ST_RECORD_BRIEF_RANGE] = {
        "SELECT case_id, seq, type, action, at, body "
        "FROM records WHERE (case_id, seq) >= ($1, $2) AND case_id <= $3 "
        "AND type = ANY (ARRAY(SELECT json_array_elements_text($5::json))) "
        "ORDER BY case_id, seq LIMIT $4", "iiiit"},
    /* ledger: the global Merkle log */
    /* one sequencer at a time, without touching the record-append transactions */
    [ST_LEDGER_LOCK] = {"SELECT pg_advisory_xact_lock(5362023)", ""},
    /* the snapshot's xmin/xmax tell the sequencer when no earlier id can still appear */
    [ST_LEDGER_HORIZON] = {"SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint, "
        "pg_snapshot_xmax(pg_current_snapshot())::text::bigint, "
        "(SELECT coalesce(max(id), 0) FROM records), "
        "(SELECT coalesce(max(idx) + 1, 0) FROM ledger_leaves)", ""},
    /* an anti-join, so that a record committed late (PostgreSQL) is not skipped */
    [ST_LEDGER_PENDING] = {
        "SELECT r.id, r.hash FROM records r WHERE r.id > $1 AND NOT EXISTS "
        "(SELECT 1 FROM ledger_leaves l WHERE l.record_id = r.id) ORDER BY r.id LIMIT $2", "ii"},
    [ST_LEDGER_LEAF_INSERT] = {
        "INSERT INTO ledger_leaves (idx, record_id, leaf_hash) VALUES ($1, $2, $3)", "iit"},
    [ST_LEDGER_LEAF_RANGE] = {
        "SELECT l.idx, l.record_id, l.leaf_hash, r.hash FROM ledger_leaves l "
        "LEFT JOIN records r ON r.id = l.record_id WHERE l.idx >= $1 ORDER BY l.idx LIMIT $2",
        "ii"},
    [ST_LEDGER_LEAF_OF_RECORD] = {"SELECT idx FROM ledger_leaves WHERE record_id = $1", "i"},
    [ST_LEDGER_CP_INSERT] = {
        "INSERT INTO ledger_checkpoints (tree_size, root, made_at, signature, key_id) "
        "VALUES ($1, $2, $3, $4, $5)", "itttt"},
    [ST_LEDGER_CP_GET] = {"SELECT " CP_COLS " FROM ledger_checkpoints WHERE tree_size = $1", "i"},
    [ST_LEDGER_CP_LATEST] = {
        "SELECT " CP_COLS " FROM ledger_checkpoints ORDER BY tree_size DESC LIMIT 1", ""},
    [ST_LEDGER_CP_LIST] = {
        "SELECT " CP_COLS " FROM ledger_checkpoints WHERE tree_size > $1 ORDER BY tree_size "
        "LIMIT $2", "ii"},
    /* results publicity (issue 4) */
    [ST_PUB_INSERT] = {
        "INSERT INTO publicity_items (case_id, org_id, case_kind, decision_record_id, "
        "decision_no, case_number, decided_on, deadline_key, due_on, state, party_label, "
        "exempt_reason, exempt_explanation, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, "
        "$6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
        "iitittttttttttt"},
    [ST_PUB_GET] = {
        "SELECT id, case_id, org_id, case_kind, decision_record_id, decision_no, case_number, "
        "decided_on, deadline_key, due_on, state, form, title, party_label, draft_text, "
        "draft_record_id, approval_record_id, published_text, published_on, published_record_id, "
        "override_reason, exempt_reason, exempt_explanation, change_json, withdrawn_on, "
        "withdraw_due, search_text, created_at, updated_at FROM publicity_items WHERE id = $1",
        "i"},
    [ST_PUB_UPDATE] = {
        "UPDATE publicity_items SET state = $1, form = $2, title = $3, draft_text = $4, "
        "draft_record_id = $5, approval_record_id = $6, published_text = $7, published_on = $8, "
        "published_record_id = $9, override_reason = $10, exempt_reason = $11, "
        "exempt_explanation = $12, change_json = $13, withdrawn_on = $14, withdraw_due = $15, "
        "search_text = $16, updated_at = $17 WHERE id = $18",
        "ttttiittitttttttti"},
    [ST_PUB_LIST] = {
        "SELECT id, case_id, org_id, case_kind, decision_record_id, decision_no, case_number, "
        "decided_on, deadline_key, due_on, state, form, title, party_label, draft_text, "
        "draft_record_id, approval_record_id, published_text, published_on, published_record_id, "
        "override_reason, exempt_reason, exempt_explanation, change_json, withdrawn_on, "
        "withdraw_due, search_text, created_at, updated_at FROM publicity_items WHERE org_id IN "
        "(SELECT jsonb_array_elements_text($1::jsonb)::bigint) AND ($2::text IS NULL OR state = "
        "$2) AND id > $3 ORDER BY id LIMIT $4",
        "ttii"},
    [ST_PUB_SEARCH] = {
        "SELECT i.id, i.case_id, i.org_id, i.case_kind, i.decision_record_id, i.decision_no, "
        "i.case_number, i.decided_on, i.deadline_key, i.due_on, i.state, i.form, i.title, "
        "i.party_label, i.draft_text, i.draft_record_id, i.approval_record_id, i.published_text, "
        "i.published_on, i.published_record_id, i.override_reason, i.exempt_reason, "
        "i.exempt_explanation, i.change_json, i.withdrawn_on, i.withdraw_due, i.search_text, "
        "i.created_at, i.updated_at FROM publicity_items i WHERE i.state = 'published' AND "
        "($1::text IS NULL OR i.search_text ILIKE $2) AND ($3::bigint IS NULL OR i.org_id = $3) "
        "AND ($4::text IS NULL OR i.case_kind = $4) AND ($5::text IS NULL OR i.published_on >= "
        "$5) AND ($6::text IS NULL OR i.published_on <= $6) AND ($7 = 0 OR i.id < $7) ORDER BY "
        "i.id DESC LIMIT $8",
        "ttitttii"},
    [ST_PUB_SEARCH_TEXT] = {
        "SELECT i.id, i.case_id, i.org_id, i.case_kind, i.decision_record_id, i.decision_no, "
        "i.case_number, i.decided_on, i.deadline_key, i.due_on, i.state, i.form, i.title, "
        "i.party_label, i.draft_text, i.draft_record_id, i.approval_record_id, i.published_text, "
        "i.published_on, i.published_record_id, i.override_reason, i.exempt_reason, "
        "i.exempt_explanation, i.change_json, i.withdrawn_on, i.withdraw_due, i.search_text, "
        /* no "IS NULL OR" around the pattern, so the planner can take the pg_trgm index */
        "i.created_at, i.updated_at FROM publicity_items i WHERE i.search_text ILIKE $2 AND "
        "$1::text IS NOT NULL AND i.state = 'published' AND ($3::bigint IS NULL OR i.org_id = $3) "
        "AND ($4::text IS NULL OR i.case_kind = $4) AND ($5::text IS NULL OR i.published_on >= "
        "$5) AND ($6::text IS NULL OR i.published_on <= $6) AND ($7 = 0 OR i.id < $7) ORDER BY "
        "i.id DESC LIMIT $8",
        "ttitttii"},
    /* the newest 2,000 published items that pass the filters: a page of common words is
       found here without touching the text index (store.c, st_pub_search) */
    [ST_PUB_SEARCH_RECENT] = {
        "SELECT i.id, i.case_id, i.org_id, i.case_kind, i.decision_record_id, i.decision_no, "
        "i.case_number, i.decided_on, i.deadline_key, i.due_on, i.state, i.form, i.title, "
        "i.party_label, i.draft_text, i.draft_record_id, i.approval_record_id, i.published_text, "
        "i.published_on, i.published_record_id, i.override_reason, i.exempt_reason, "
        "i.exempt_explanation, i.change_json, i.withdrawn_on, i.withdraw_due, i.search_text, "
        "i.created_at, i.updated_at FROM (SELECT * FROM publicity_items w WHERE w.state = "
        "'published' AND ($3::bigint IS NULL OR w.org_id = $3) AND ($4::text IS NULL OR "
        "w.case_kind = $4) AND ($5::text IS NULL OR w.published_on >= $5) AND ($6::text IS NULL "
        "OR w.published_on <= $6) AND ($7 = 0 OR w.id < $7) ORDER BY w.id DESC LIMIT 2000) i "
        "WHERE ($1::text IS NULL OR i.search_text ILIKE $2) ORDER BY i.id DESC LIMIT $8",
        "ttitttii"},
    [ST_PUB_WITHDRAWN] = {
        "SELECT id, case_id, org_id, case_kind, decision_record_id, decision_no, case_number, "
        "decided_on, deadline_key, due_on, state, form, title, party_label, draft_text, "
        "draft_record_id, approval_record_id, published_text, published_on, published_record_id, "
        "override_reason, exempt_reason, exempt_explanation, change_json, withdrawn_on, "
        "withdraw_due, search_text, created_at, updated_at FROM publicity_items WHERE state = "
        "'withdrawn' AND ($1 = 0 OR id < $1) ORDER BY id DESC LIMIT $2",
        "ii"},
    [ST_PUB_FIND] = {
        "SELECT id, case_id, org_id, case_kind, decision_record_id, decision_no, case_number, "
        "decided_on, deadline_key, due_on, state, form, title, party_label, draft_text, "
        "draft_record_id, approval_record_id, published_text, published_on, published_record_id, "
        "override_reason, exempt_reason, exempt_explanation, change_json, withdrawn_on, "
        "withdraw_due, search_text, created_at, updated_at FROM publicity_items WHERE "
        "(case_number = $1 OR decision_no = $1) AND state IN ('published', 'withdrawn') ORDER BY "
        "id LIMIT 10",
        "t"},
    [ST_PUB_BY_CASE] = {
        "SELECT id, case_id, org_id, case_kind, decision_record_id, decision_no, case_number, "
        "decided_on, deadline_key, due_on, state, form, title, party_label, draft_text, "
        "draft_record_id, approval_record_id, published_text, published_on, published_record_id, "
        "override_reason, exempt_reason, exempt_explanation, change_json, withdrawn_on, "
        "withdraw_due, search_text, created_at, updated_at FROM publicity_items WHERE case_id = "
        "$1 ORDER BY id",
        "i"},
    [ST_CORR_INSERT] = {
        "INSERT INTO publicity_corrections (item_id, case_id, request_record_id, submitted_on, "
        "due_on, content, state, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        "iiittttt"},
    [ST_CORR_GET] = {
        "SELECT c.id, c.item_id, c.case_id, c.request_record_id, c.submitted_on, c.due_on, "
        "c.content, c.state, c.reply, c.replied_on, c.reply_record_id, c.created_at FROM "
        "publicity_corrections c WHERE c.id = $1",
        "i"},
    [ST_CORR_UPDATE] = {
        "UPDATE publicity_corrections SET state = $1, reply = $2, replied_on = $3, "
        "reply_record_id = $4 WHERE id = $5",
        "tttii"},
    [ST_CORR_LIST] = {
        "SELECT c.id, c.item_id, c.case_id, c.request_record_id, c.submitted_on, c.due_on, "
        "c.content, c.state, c.reply, c.replied_on, c.reply_record_id, c.created_at FROM "
        "publicity_corrections c JOIN publicity_items i ON i.id = c.item_id WHERE i.org_id IN "
        "(SELECT jsonb_array_elements_text($1::jsonb)::bigint) AND ($2::text IS NULL OR c.state "
        "= $2) AND c.id > $3 ORDER BY c.id LIMIT $4",
        "ttii"},
    /* stats: annual statistics reports (with their approve/publish events) */
    [ST_ANNUAL_INSERT] = {
        "INSERT INTO annual_reports (org_id, year, version, content, content_hash, created_at, "
        "created_by) SELECT $1::bigint, $2::int, coalesce(max(version), 0) + 1, $3, $4, $5, $6 "
        "FROM annual_reports WHERE org_id = $1::bigint AND year = $2::int RETURNING id, version", "iittti"},
    [ST_ANNUAL_GET] = {ANNUAL_SELECT " WHERE r.id = $1", "i"},
    [ST_ANNUAL_LIST] = {
        ANNUAL_SELECT " WHERE r.org_id = $1 AND r.year = $2 ORDER BY r.version DESC LIMIT $3",
        "iii"},
    [ST_ANNUAL_PUBLISHED] = {
        ANNUAL_SELECT " WHERE p.id IS NOT NULL AND ($1::bigint = 0 OR r.org_id = $1::bigint) AND "
        "($2::int = 0 OR r.year = $2::int) "
        "ORDER BY r.year DESC, r.org_id, r.version DESC LIMIT $3", "iii"},
    [ST_ANNUAL_EVENT_INSERT] = {
        "INSERT INTO annual_report_events (report_id, event, at, actor_id) "
        "VALUES ($1, $2, $3, $4)", "itti"},
    /* media: uploads, blobs, case links, access requests and the access log */
    [ST_MEDIA_UPLOAD_INSERT] = {
        "INSERT INTO media_uploads (id, org_id, user_id, length, declared_sm3, filename, mime, "
        "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", "tiiitttt"},
    [ST_MEDIA_UPLOAD_GET] = {
        "SELECT u.id, u.org_id, u.user_id, u.length, u.declared_sm3, u.filename, u.mime, "
        "u.created_at, r.outcome, r.sm3, r.at, r.detail FROM media_uploads u "
        "LEFT JOIN media_upload_results r ON r.upload_id = u.id WHERE u.id = $1", "t"},
    [ST_MEDIA_UPLOAD_RESULT_INSERT] = {
        "INSERT INTO media_upload_results (upload_id, outcome, sm3, at, detail) "
        "VALUES ($1, $2, $3, $4, $5)", "ttttt"},
    [ST_MEDIA_BLOB_INSERT] = {
        "INSERT INTO media_blobs (sm3, size, stored_at, upload_id) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (sm3) DO NOTHING", "titt"},
    [ST_MEDIA_BLOB_GET] = {
        "SELECT b.sm3, b.size, b.stored_at, b.upload_id, d.at, d.reason FROM media_blobs b "
        "LEFT JOIN media_deletions d ON d.sm3 = b.sm3 WHERE b.sm3 = $1", "t"},
    [ST_MEDIA_BLOB_ITER] = {
        "SELECT b.sm3, b.size, b.stored_at, b.upload_id, d.at, d.reason FROM media_blobs b "
        "LEFT JOIN media_deletions d ON d.sm3 = b.sm3 WHERE b.sm3 > $1 ORDER BY b.sm3 "
        "LIMIT $2", "ti"},
    [ST_MEDIA_LINK_INSERT] = {
        "INSERT INTO media_links (case_id, record_id, sm3, captured_from, captured_to) "
        "VALUES ($1, $2, $3, $4, $5)", "iittt"},
    [ST_MEDIA_LINK_LIST_CASE] = {
        "SELECT l.id, l.case_id, l.record_id, l.sm3, l.captured_from, l.captured_to, b.size, "
        "b.stored_at, r.body, r.at, r.actor_id FROM media_links l "
        "JOIN media_blobs b ON b.sm3 = l.sm3 JOIN records r ON r.id = l.record_id "
        "WHERE l.case_id = $1 ORDER BY l.id LIMIT $2", "ii"},
    [ST_MEDIA_LINK_LIST_SM3] = {
        "SELECT l.id, l.case_id, l.record_id, l.sm3, l.captured_from, l.captured_to, b.size, "
        "b.stored_at, r.body, r.at, r.actor_id FROM media_links l "
        "JOIN media_blobs b ON b.sm3 = l.sm3 JOIN records r ON r.id = l.record_id "
        "WHERE l.sm3 = $1 ORDER BY l.id LIMIT $2", "ti"},
    [ST_ACCESS_REQUEST_INSERT] = {
        "INSERT INTO access_requests (kind, requester_id, requester_org, case_id, target_org, sm3, "
        "party_name, reason, valid_seconds, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, "
        "$8, $9, $10) RETURNING id", "tiiiitttit"},
    [ST_ACCESS_REQUEST_GET] = {
        ACCESS_SELECT " WHERE q.id = $1", "i"},
    [ST_ACCESS_REQUEST_LIST] = {
        ACCESS_SELECT " WHERE (q.requester_id = $1 OR q.target_org = $2) AND q.id > $3 "
        "ORDER BY q.id LIMIT $4", "iiii"},
    [ST_ACCESS_DECISION_INSERT] = {
        "INSERT INTO access_decisions (request_id, decision, decided_by, at, valid_until, note) "
        "VALUES ($1, $2, $3, $4, $5, $6)", "itittt"},
    [ST_ACCESS_LOG_INSERT] = {
        "INSERT INTO access_log (at, user_id, request_id, case_id, sm3, action, ip) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id", "tiiittt"},
    [ST_MEDIA_DELETION_INSERT] = {
        "INSERT INTO media_deletions (sm3, at, deleted_by, reason) VALUES ($1, $2, $3, $4)",
        "ttit"},
    [ST_ACCESS_LOG_LIST] = {
        "SELECT id, at, user_id, request_id, case_id, sm3, action, ip FROM access_log "
        "WHERE request_id = $1 ORDER BY id LIMIT $2", "ii"},
};
/* clang-format on */

struct st_pg {
    PGconn *conn;
};

static PGconn *conn_of(const struct st_db *db)
{
    return ((const struct st_pg *)db->be)->conn;
}

static void stmt_label(enum st_stmt s, char *buf, size_t n)
{
    snprintf(buf, n, "sx_%d", (int)s);
}

/* Notices (e.g. "relation already exists, skipping") go to the debug log, not stderr. */
static void notice_processor(void *arg, const char *message)
{
    (void)arg;
    sx_log(SX_LOG_DEBUG, "store", "postgresql notice: %s", message);
}

static enum st_fail_kind classify(const PGresult *res, const char *msg)
{
    const char *state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    if (state == NULL)
        return ST_FAIL_CONNECTION;
    if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0 ||
        strcmp(state, "57014") == 0)
        return ST_FAIL_BUSY;
    if (strcmp(state, "23505") == 0)
        return ST_FAIL_UNIQUE;
    if (strcmp(state, "23503") == 0)
        return ST_FAIL_FOREIGN;
    if (strcmp(state, "23514") == 0 || strcmp(state, "23502") == 0 || strncmp(state, "22", 2) == 0)
        return ST_FAIL_CHECK;
    if (strcmp(state, "P0001") == 0 && msg != NULL &&
        (strncmp(msg, "append-only:", 12) == 0 || strncmp(msg, "immutable:", 10) == 0))
        return ST_FAIL_TRIGGER;
    if (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0)
        return ST_FAIL_CONNECTION;
    return ST_FAIL_OTHER;
}

/* Fill err from a failed result (res may be NULL: out of memory or connection lost). */
static int fail_res(struct st_db *db, enum st_stmt s, const PGresult *res, struct sx_err *err)
{
    const char *msg = res != NULL ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    enum st_fail_kind kind = classify(res, msg);
    if (msg == NULL)
        msg = PQerrorMessage(conn_of(db));
    if (PQstatus(conn_of(db)) == CONNECTION_BAD)
        kind = ST_FAIL_CONNECTION;
    return st_fail(err, kind, s, msg);
}

/* The server-side types of s's parameters, from its type string ('i' int8, 't' text). */
#define PG_MAX_PARAMS 32
static int param_types(enum st_stmt s, Oid *types, size_t *n, struct sx_err *err)
{
    const char *t = st_pg_sql[s].types;
    *n = strlen(t);
    if (*n > PG_MAX_PARAMS)
        return SX_FAIL(err, SX_E_INTERNAL, "db-statement", "数据库语句定义错误", "", "",
                       "语句 %s 参数过多", st_stmt_name(s));
    for (size_t i = 0; i < *n; i++)
        types[i] = t[i] == 'i' ? OID_INT8 : OID_TEXT;
    return 0;
}

static int pg_prepare(struct st_db *db, enum st_stmt s, struct sx_err *err)
{
    const struct st_sql *q = &st_pg_sql[s];
    Oid types[PG_MAX_PARAMS];
    size_t n = 0;
    char name[16];
    PGresult *res;
    int rc = param_types(s, types, &n, err);

    if (rc != 0)
        return rc;
    stmt_label(s, name, sizeof(name));
    res = PQprepare(conn_of(db), name, q->sql, (int)n, types);
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        rc = fail_res(db, s, res, err);
    PQclear(res);
    return rc;
}

/* Check one statement's result and copy its rows (when wanted) into arena. */
static int take_result(struct st_db *db, enum st_stmt s, PGresult *res, struct sx_arena *arena,
                       struct st_rows *rows, struct sx_err *err)
{
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        return fail_res(db, s, res, err);
    /* COMMIT of a transaction an earlier error aborted "succeeds" as ROLLBACK */
    if (s == ST_COMMIT && strcmp(PQcmdStatus(res), "COMMIT") != 0)
        return SX_FAIL(err, SX_E_DB, "db-tx-aborted", "事务因先前的错误已中止，未能提交", "", "",
                       "数据库回答 %s", PQcmdStatus(res));
    if (rows == NULL)
        return 0;
    size_t nrows = (size_t)PQntuples(res), ncols = (size_t)PQnfields(res);
    const char *ct = PQcmdTuples(res);
    rows->nrows = nrows;
    rows->ncols = ncols;
    rows->changes = (ct != NULL && ct[0] != '\0') ? strtoll(ct, NULL, 10) : 0;
    rows->cells = NULL;
    if (nrows * ncols > 0) {
        rows->cells = sx_arena_alloc(arena, nrows * ncols * sizeof(char *));
        if (rows->cells == NULL)
            return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "读取查询结果时");
    }
    for (size_t r = 0; r < nrows; r++) {
        for (size_t c = 0; c < ncols; c++) {
            char *v = NULL;
            if (!PQgetisnull(res, (int)r, (int)c)) {
                v = sx_arena_strndup(arena, PQgetvalue(res, (int)r, (int)c),
                                     (size_t)PQgetlength(res, (int)r, (int)c));
                if (v == NULL)
                    return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "",
                                   "读取查询结果时");
            }
            rows->cells[r * ncols + c] = v;
        }
    }
    return 0;
}

static int pg_exec(struct st_db *db, enum st_stmt s, const char *const *params, size_t n,
                   struct sx_arena *arena, struct st_rows *rows, struct sx_err *err)
{
    char name[16];
    PGresult *res;
    int rc;

    stmt_label(s, name, sizeof(name));
    res = PQexecPrepared(conn_of(db), name, (int)n, params, NULL, NULL, 0);
    rc = take_result(db, s, res, arena, rows, err);
    PQclear(res);
    return rc;
}

/*
 * Several statements in one round trip (libpq's pipeline mode, one Sync): inside a
 * transaction block, as st_exec_batch requires. The first failure is returned; the statements
 * after it are skipped by the server (the transaction is aborted, as it would be anyway).
 */
static int pg_exec_batch(struct st_db *db, size_t count, const struct st_call *calls,
                         struct sx_arena *arena, struct sx_err *err)
{
    PGconn *conn = conn_of(db);
    size_t sent = 0;
    bool synced = false;
    int rc = 0;

    if (PQenterPipelineMode(conn) != 1)
        return fail_res(db, calls[0].s, NULL, err);
    for (; sent < count; sent++) {
        char name[16];
        stmt_label(calls[sent].s, name, sizeof(name));
        if (PQsendQueryPrepared(conn, name, (int)calls[sent].n, calls[sent].params, NULL, NULL,
                                0) != 1)
            break;
    }
    synced = PQpipelineSync(conn) == 1;
    if (sent < count || !synced)
        rc = fail_res(db, calls[sent < count ? sent : 0].s, NULL, err);
    /* each statement sent: its result, then NULL; then the Sync's own result */
    for (size_t i = 0; i < sent; i++) {
        PGresult *res = PQgetResult(conn), *extra;
        int one = take_result(db, calls[i].s, res, arena, calls[i].rows, rc == 0 ? err : NULL);
        if (rc == 0)
            rc = one;
        PQclear(res);
        while ((extra = PQgetResult(conn)) != NULL)
            PQclear(extra);
    }
    if (synced) {
        PGresult *res;
        while ((res = PQgetResult(conn)) != NULL) {
            bool sync = PQresultStatus(res) == PGRES_PIPELINE_SYNC;
            PQclear(res);
            if (sync)
                break;
        }
    }
    if (PQexitPipelineMode(conn) != 1 && rc == 0)
        rc = fail_res(db, calls[0].s, NULL, err);
    return rc;
}

/*
 * Streaming on PostgreSQL: the statement's text as a cursor (DECLARE with the parameters,
 * planned for their values), fetched in pages of PG_STREAM_FETCH rows with the next FETCH
 * already sent while the rows of the one before go to row(): the server produces a page
 * while the client works through the last, and no cell is copied. A cursor needs a
 * transaction: when none is open, the stream runs in a read-only one of its own.
 */
#define PG_STREAM_FETCH 4096
#define PG_STREAM_FETCH_TEXT "4096"
#define PG_STREAM_COLS 32
static const char stream_fetch[] = "FETCH " PG_STREAM_FETCH_TEXT " FROM sx_stream";

/* The one result of the command in flight (PQgetResult until NULL); NULL when it failed. */
static PGresult *stream_result(PGconn *conn, ExecStatusType want)
{
    PGresult *res = NULL, *r;
    while ((r = PQgetResult(conn)) != NULL) {
        if (res == NULL && PQresultStatus(r) == want)
            res = r;
        else
            PQclear(r);
    }
    return res;
}

static int stream_cmd(struct st_db *db, enum st_stmt s, const char *sql, struct sx_err *err)
{
    PGresult *res = PQexec(conn_of(db), sql);
    int rc = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : fail_res(db, s, res, err);
    PQclear(res);
    return rc;
}

static int stream_rows(const PGresult *res,
                       int (*row)(void *ctx, const struct st_cell *cells, size_t ncols,
                                  struct sx_err *err),
                       void *ctx, struct sx_err *err)
{
    struct st_cell cells[PG_STREAM_COLS];
    int nrows = PQntuples(res), ncols = PQnfields(res);
    if (ncols > PG_STREAM_COLS)
        return SX_FAIL(err, SX_E_INTERNAL, "db-call", "数据库调用错误", "", "",
                       "结果列过多（%d），无法逐行读取", ncols);
    for (int r = 0; r < nrows; r++) {
        int rc;
        for (int c = 0; c < ncols; c++) {
            if (PQgetisnull(res, r, c)) {
                cells[c].kind = ST_CELL_NULL;
                continue;
            }
            cells[c].kind = ST_CELL_TEXT;
            cells[c].text = PQgetvalue(res, r, c);
            cells[c].len = (size_t)PQgetlength(res, r, c);
        }
        rc = row(ctx, cells, (size_t)ncols, err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int pg_stream(struct st_db *db, enum st_stmt s, const char *const *params, size_t n,
                     int (*row)(void *ctx, const struct st_cell *cells, size_t ncols,
                                struct sx_err *err),
                     void *ctx, struct sx_err *err)
{
    static const char declare[] = "DECLARE sx_stream NO SCROLL CURSOR FOR ";
    const struct st_sql *q = &st_pg_sql[s];
    PGconn *conn = conn_of(db);
    bool own_tx = PQtransactionStatus(conn) == PQTRANS_IDLE;
    bool in_flight = false, declared = false;
    PGresult *res = NULL;
    Oid types[PG_MAX_PARAMS];
    size_t ntypes = 0;
    char *sql = NULL;
    int rc = param_types(s, types, &ntypes, err);

    if (rc != 0)
        return rc;
    sql = malloc(sizeof(declare) + strlen(q->sql));
    if (sql == NULL)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "读取查询结果时");
    memcpy(sql, declare, sizeof(declare) - 1);
    strcpy(sql + sizeof(declare) - 1, q->sql);
    if (own_tx) {
        rc = stream_cmd(db, s, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err);
        if (rc != 0)
            goto cleanup;
    }
    res = PQexecParams(conn, sql, (int)ntypes, types, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        rc = fail_res(db, s, res, err);
        goto cleanup;
    }
    PQclear(res);
    res = NULL;
    declared = true;
    in_flight = PQsendQuery(conn, stream_fetch) == 1;
    if (!in_flight) {
        rc = fail_res(db, s, NULL, err);
        goto cleanup;
    }
    while (in_flight) {
        res = stream_result(conn, PGRES_TUPLES_OK);
        in_flight = false;
        if (res == NULL) {
            rc = fail_res(db, s, NULL, err);
            goto cleanup;
        }
        if (PQntuples(res) == PG_STREAM_FETCH) {
            in_flight = PQsendQuery(conn, stream_fetch) == 1;
            if (!in_flight) {
                rc = fail_res(db, s, NULL, err);
                goto cleanup;
            }
        }
        rc = stream_rows(res, row, ctx, err);
        PQclear(res);
        res = NULL;
        if (rc != 0)
            goto cleanup;
    }

cleanup:
    PQclear(res);
    if (in_flight)
        PQclear(stream_result(conn, PGRES_TUPLES_OK));
    if (own_tx) {
        /* nothing was written: ending the transaction either way closes the cursor */
        PGresult *end = PQexec(conn, "ROLLBACK");
        PQclear(end);
    } else if (declared && PQtransactionStatus(conn) == PQTRANS_INTRANS) {
        PGresult *end = PQexec(conn, "CLOSE sx_stream");
        PQclear(end);
    }
    free(sql);
    return rc;
}

static int pg_exec_script(struct st_db *db, const char *sql, struct sx_err *err)
{
    PGresult *res = PQexec(conn_of(db), sql);
    ExecStatusType st = PQresultStatus(res);
    int rc = 0;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        const char *msg = res != NULL ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
        rc = SX_FAIL(err, SX_E_DB, "db-migration", "数据库迁移失败", "", "", "%s",
                     msg != NULL ? msg : PQerrorMessage(conn_of(db)));
    }
    PQclear(res);
    return rc;
}

static int pg_in_tx(const struct st_db *db)
{
    PGTransactionStatusType t = PQtransactionStatus(conn_of(db));
    return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

static int pg_param_count(struct st_db *db, enum st_stmt s, int *count, struct sx_err *err)
{
    char name[16];
    PGresult *res;
    int rc = 0;
    if (!db->prepared[s]) {
        rc = pg_prepare(db, s, err);
        if (rc != 0)
            return rc;
        db->prepared[s] = 1;
    }
    stmt_label(s, name, sizeof(name));
    res = PQdescribePrepared(conn_of(db), name);
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        rc = fail_res(db, s, res, err);
    else
        *count = PQnparams(res);
    PQclear(res);
    return rc;
}

/*
 * Session settings, run at connect and reconnect (constants, no parameters). lock_timeout
 * mirrors SQLite's 5 s busy timeout so a stuck lock becomes an error, not a hung worker.
 */
static const char session_setup[] = "SET lock_timeout = '5s'; SET TIME ZONE 'UTC'";

static int setup_session(PGconn *conn)
{
    PGresult *res;
    int ok;
    PQsetNoticeProcessor(conn, notice_processor, NULL);
    if (PQsetClientEncoding(conn, "UTF8") != 0)
        return -1;
    res = PQexec(conn, session_setup);
    ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    return ok ? 0 : -1;
}

static int pg_reconnect(struct st_db *db)
{
    PGconn *conn = conn_of(db);
    if (PQstatus(conn) != CONNECTION_BAD)
        return 0;
    PQreset(conn);
    if (PQstatus(conn) != CONNECTION_OK || setup_session(conn) != 0)
        return -1;
    sx_log(SX_LOG_WARN, "store", "postgresql connection re-established");
    return 1;
}

static void pg_close(struct st_db *db)
{
    struct st_pg *be = db->be;
    if (be == NULL)
        return;
    PQfinish(be->conn);
    free(be);
    db->be = NULL;
}

static const struct st_ops pg_ops = {
    .name = "postgresql",
    .sql = st_pg_sql,
    .close = pg_close,
    .prepare = pg_prepare,
    .exec = pg_exec,
    .exec_batch = pg_exec_batch,
    .exec_script = pg_exec_script,
    .in_tx = pg_in_tx,
    .param_count = pg_param_count,
    .reconnect = pg_reconnect,
    .stream = pg_stream,
};

int st_pg_open(struct st_db *db, const char *url, struct sx_err *err)
{
    struct st_pg *be = calloc(1, sizeof(*be));
    if (be == NULL)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "打开数据库时");
    db->be = be;
    db->ops = &pg_ops;
    be->conn = PQconnectdb(url);
    if (be->conn == NULL)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "连接数据库时");
    if (PQstatus(be->conn) != CONNECTION_OK)
        /* libpq's message names host/socket and the reason, never the password */
        return SX_FAIL(err, SX_E_DB, "db-open", "无法连接 PostgreSQL 数据库", "", "db", "%s",
                       PQerrorMessage(be->conn));
    if (PQserverVersion(be->conn) < 120000)
        return SX_FAIL(err, SX_E_DB, "db-version", "PostgreSQL 版本过低", "", "db",
                       "需要 PostgreSQL 12 或更高版本（建议 15），服务器为 %d",
                       PQserverVersion(be->conn));
    if (setup_session(be->conn) != 0)
        return SX_FAIL(err, SX_E_DB, "db-open", "无法设置数据库连接", "", "db", "%s",
                       PQerrorMessage(be->conn));
    return 0;
}
