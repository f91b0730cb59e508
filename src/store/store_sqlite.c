/*
 * store_sqlite: the SQLite backend of the store, and the one place SQLite SQL text lives.
 *
 * st_sqlite_sql is indexed by enum st_stmt; its twin st_pg_sql in store_pg.c must take the
 * same parameters (same type strings, checked by the unit test) and return the same columns in
 * the same order, because store.c decodes both alike. Parameters are numbered (?1, ?2, ...) so
 * one may be used twice. Every statement is prepared once per connection
 * (SQLITE_PREPARE_PERSISTENT) and reset after each use so no read transaction stays open.
 *
 * Connections: WAL (readers never block the writer), foreign_keys=ON, synchronous=FULL (a
 * commit survives power loss: these are legal records), busy_timeout 5 s, defensive mode (no
 * writable_schema tricks around the append-only triggers).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <pthread.h>
#include <sqlite3.h>

#include "store/store_int.h"
#include "sx_buf.h"

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
    "SELECT q.id, q.kind, q.requester_id, q.requester_org, q.case_id, q.target_org, q.sm3, "      \
    "q.party_name, q.reason, q.valid_seconds, q.created_at, d.decision, d.decided_by, d.at, "      \
    "d.valid_until, d.note FROM access_requests q "                                               \
    "LEFT JOIN access_decisions d ON d.request_id = q.id"
#define DRAW_COLS                                                                                  \
    "id, org_id, seq, pool_id, title, k, m, pool_hash, public_value, public_source, seed, "        \
    "result, created_at, created_by"

/* stats: columns of the annual report statements (store.c reads this order) */
#define ANNUAL_SELECT                                                                              \
    "SELECT r.id, r.org_id, r.year, r.version, r.content, r.content_hash, r.created_at, "         \
    "r.created_by, a.at, a.actor_id, p.at, p.actor_id FROM annual_reports r "                    \
    "LEFT JOIN annual_report_events a ON a.report_id = r.id AND a.event = 'approve' "            \
    "LEFT JOIN annual_report_events p ON p.report_id = r.id AND p.event = 'publish'"

/* clang-format off */
const struct st_sql st_sqlite_sql[ST__COUNT] = {
    [ST_BEGIN] = {"BEGIN IMMEDIATE", ""},
    [ST_BEGIN_READ] = {"BEGIN DEFERRED", ""},
    [ST_COMMIT] = {"COMMIT", ""},
    [ST_ROLLBACK] = {"ROLLBACK", ""},
    [ST_SAVEPOINT] = {"SAVEPOINT sx_job", ""},
    [ST_RELEASE] = {"RELEASE SAVEPOINT sx_job", ""},
    [ST_ROLLBACK_TO] = {"ROLLBACK TO SAVEPOINT sx_job", ""},
    [ST_MIGRATION_TABLE_EXISTS] = {
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
        ""},
    /* BEGIN IMMEDIATE already excludes other migrators */
    [ST_MIGRATION_LOCK] = {"SELECT 1", ""},
    [ST_MIGRATION_CREATE] = {
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
        "name TEXT NOT NULL, applied_at TEXT NOT NULL)", ""},
    [ST_MIGRATION_LIST] = {"SELECT version, name FROM schema_migrations ORDER BY version", ""},
    [ST_MIGRATION_INSERT] = {
        "INSERT INTO schema_migrations (version, name, applied_at) "
        "VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))", "it"},

    [ST_ORG_INSERT] = {
        "INSERT INTO orgs (parent_id, code, name, short_name, level, region, address, head, "
        "phone, supervise_phone, categories, policy, qualification, created_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, coalesce(?12, 'national'), ?13, ?14) "
        "RETURNING id", "ittttttttttttt"},
    [ST_ORG_UPDATE] = {
        "UPDATE orgs SET parent_id = ?1, name = ?2, short_name = ?3, level = ?4, region = ?5, "
        "address = ?6, head = ?7, phone = ?8, supervise_phone = ?9, categories = ?10, "
        "policy = coalesce(?11, 'national'), qualification = ?12 WHERE id = ?13",
        "ittttttttttti"},
    [ST_ORG_GET] = {"SELECT " ORG_COLS " FROM orgs WHERE id = ?1", "i"},
    [ST_ORG_GET_BY_CODE] = {"SELECT " ORG_COLS " FROM orgs WHERE code = ?1", "t"},
    [ST_ORG_LIST] = {"SELECT " ORG_COLS " FROM orgs WHERE id > ?1 ORDER BY id LIMIT ?2", "ii"},
    /* UNION (not UNION ALL) ends the walk even if a bad parent_id made a cycle */
    [ST_ORG_SUBTREE] = {
        "WITH RECURSIVE sub(id) AS (SELECT id FROM orgs WHERE id = ?1 "
        "UNION SELECT o.id FROM orgs o JOIN sub ON o.parent_id = sub.id) "
        "SELECT id FROM sub ORDER BY id <> ?1, id", "i"},

    [ST_USER_INSERT] = {
        "INSERT INTO users (org_id, username, display_name, password_hash, roles, cert_no, "
        "cert_valid_from, cert_valid_to, legal_qualification, post, disabled, created_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) RETURNING id",
        "itttttttttit"},
    [ST_USER_UPDATE] = {
        "UPDATE users SET org_id = ?1, display_name = ?2, roles = ?3, cert_no = ?4, "
        "cert_valid_from = ?5, cert_valid_to = ?6, legal_qualification = ?7, post = ?8 "
        "WHERE id = ?9", "ittttttti"},
    [ST_USER_GET] = {"SELECT " USER_COLS " FROM users WHERE id = ?1", "i"},
    [ST_USER_GET_BY_USERNAME] = {"SELECT " USER_COLS " FROM users WHERE username = ?1", "t"},
    [ST_USER_LIST] = {
        "SELECT " USER_COLS " FROM users WHERE (?1 IS NULL OR org_id = ?1) AND id > ?2 "
        "ORDER BY id LIMIT ?3", "iii"},
    [ST_USER_LIST_BY_ROLE] = {
        "SELECT " USER_COLS " FROM users WHERE org_id = ?1 AND disabled = 0 "
        "AND instr(',' || roles || ',', ',' || ?2 || ',') > 0 ORDER BY id LIMIT ?3", "iti"},
    [ST_USER_SET_DISABLED] = {"UPDATE users SET disabled = ?1 WHERE id = ?2", "ii"},
    [ST_USER_SET_PASSWORD] = {"UPDATE users SET password_hash = ?1 WHERE id = ?2", "ti"},

    [ST_SESSION_INSERT] = {
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5)", "tittt"},
    [ST_SESSION_GET] = {
        "SELECT s.token_hash, s.user_id, s.csrf_token, s.created_at, s.expires_at, "
        USER_COLS_NOPW("u.") " FROM sessions s JOIN users u ON u.id = s.user_id "
        "WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND u.disabled = 0", "tt"},
    [ST_SESSION_DELETE] = {"DELETE FROM sessions WHERE token_hash = ?1", "t"},
    [ST_SESSION_DELETE_USER] = {"DELETE FROM sessions WHERE user_id = ?1", "i"},
    [ST_SESSION_DELETE_EXPIRED] = {"DELETE FROM sessions WHERE expires_at <= ?1", "t"},

    [ST_TOKEN_INSERT] = {
        "INSERT INTO api_tokens (user_id, name, token_hash, created_at) "
        "VALUES (?1, ?2, ?3, ?4) RETURNING id", "ittt"},
    [ST_TOKEN_GET_BY_HASH] = {
        "SELECT " TOKEN_COLS ", " USER_COLS_NOPW("u.") " FROM api_tokens t "
        "JOIN users u ON u.id = t.user_id "
        "WHERE t.token_hash = ?1 AND t.revoked_at IS NULL AND u.disabled = 0", "t"},
    [ST_TOKEN_LIST] = {
        "SELECT " TOKEN_COLS " FROM api_tokens t WHERE t.user_id = ?1 ORDER BY t.id LIMIT 1000",
        "i"},
    [ST_TOKEN_REVOKE] = {
        "UPDATE api_tokens SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL", "ti"},

    [ST_AUDIT_APPEND] = {
        "INSERT INTO audit_log (at, user_id, username, action, target, outcome, ip, detail) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id", "titttttt"},
    [ST_AUDIT_COUNT_FAILURES] = {
        "SELECT count(*) FROM audit_log WHERE action = ?1 AND outcome <> 'ok' AND at >= ?4 "
        "AND ((?2 IS NOT NULL AND username = ?2) OR (?3 IS NOT NULL AND ip = ?3))", "tttt"},
    [ST_AUDIT_LIST] = {
        "SELECT " AUDIT_COLS " FROM audit_log WHERE id > ?1 ORDER BY id LIMIT ?2", "ii"},

    /* The row stays write-locked (the whole database, on SQLite) until commit. */
    [ST_COUNTER_NEXT] = {
        "INSERT INTO counters (org_id, year, kind, last_seq) VALUES (?1, ?2, ?3, 1) "
        "ON CONFLICT (org_id, year, kind) DO UPDATE SET last_seq = last_seq + 1 "
        "RETURNING last_seq", "iit"},

    [ST_CASE_INSERT] = {
        "INSERT INTO cases (org_id, kind, number, number_year, number_seq, state, source, cause, "
        "summary, fine_fen, confiscation_fen, fund_recovery_fen, payment_refusal_fen, flags, "
        "created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
        "coalesce(?14, '{}'), ?15, ?16) RETURNING id", "ittiittttiiiitti"},
    [ST_CASE_GET] = {"SELECT " CASE_COLS("") " FROM cases WHERE id = ?1", "i"},
    /* ?2 is a JSON array of org ids; ?5 a LIKE pattern with \ as escape */
    [ST_CASE_LIST] = {
        "SELECT " CASE_COLS("c.") " FROM cases c WHERE c.id > ?7 "
        "AND (?1 = 1 OR c.org_id IN (SELECT value FROM json_each(?2))) "
        "AND (?3 IS NULL OR c.kind = ?3) AND (?4 IS NULL OR c.state = ?4) "
        "AND (?5 IS NULL OR c.number LIKE ?5 ESCAPE '\\' OR c.cause LIKE ?5 ESCAPE '\\' "
        "  OR EXISTS (SELECT 1 FROM parties p WHERE p.case_id = c.id "
        "             AND p.name LIKE ?5 ESCAPE '\\')) "
        "AND (?6 IS NULL OR EXISTS (SELECT 1 FROM case_officers o WHERE o.case_id = c.id "
        "                           AND o.user_id = ?6)) "
        "ORDER BY c.id LIMIT ?8", "ittttiii"},
    [ST_CASE_UPDATE_PROJECTION] = {
        "UPDATE cases SET state = ?1, number = ?2, number_year = ?3, number_seq = ?4, "
        "cause = ?5, summary = ?6, flags = coalesce(?7, '{}'), fine_fen = ?8, "
        "confiscation_fen = ?9, fund_recovery_fen = ?10, payment_refusal_fen = ?11 "
        "WHERE id = ?12", "ttiitttiiiii"},
    /* BEGIN IMMEDIATE already holds the write lock: a plain read is a locked read */
    [ST_CASE_LOCK_HEAD] = {"SELECT head_hash, record_count FROM cases WHERE id = ?1", "i"},
    [ST_CASE_SET_HEAD] = {
        "UPDATE cases SET head_hash = ?1, record_count = ?2 WHERE id = ?3 AND record_count = ?4",
        "tiii"},
    [ST_CASE_SET_HEAD_PROJECTION] = {
        "UPDATE cases SET head_hash = ?1, record_count = ?2, state = ?5, number = ?6, "
        "number_year = ?7, number_seq = ?8, cause = ?9, summary = ?10, "
        "flags = coalesce(?11, '{}'), fine_fen = ?12, confiscation_fen = ?13, "
        "fund_recovery_fen = ?14, payment_refusal_fen = ?15 "
        "WHERE id = ?3 AND record_count = ?4", "tiiittiitttiiii"},
    [ST_CASE_ITER] = {
        "SELECT id, head_hash, record_count FROM cases WHERE id > ?1 ORDER BY id LIMIT ?2", "ii"},
    /* one range of case ids (inclusive), keyset-paged from ?1: verify's parallel scans */
    [ST_CASE_RANGE] = {
        "SELECT id, head_hash, record_count FROM cases WHERE id >= ?1 AND id <= ?2 "
        "ORDER BY id LIMIT ?3", "iii"},

    [ST_PARTY_INSERT] = {
        "INSERT INTO parties (case_id, kind, name, id_number, uscc, legal_rep, address, phone, "
        "birth_date) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id", "itttttttt"},
    [ST_PARTY_LIST] = {"SELECT " PARTY_COLS " FROM parties WHERE case_id = ?1 ORDER BY id", "i"},

    [ST_OFFICER_ADD] = {"INSERT INTO case_officers (case_id, user_id) VALUES (?1, ?2)", "ii"},
    [ST_OFFICER_LIST] = {
        "SELECT " USER_COLS_NOPW("u.") " FROM case_officers o JOIN users u ON u.id = o.user_id "
        "WHERE o.case_id = ?1 ORDER BY u.id", "i"},
    /* the case page in one statement: part 0 the case, 1 its parties, 2 its officers (no
     * ORDER BY: it would build two temporary b-trees per call; store.c orders each part) */
    [ST_CASE_PAGE] = {
        "SELECT 0, id, " CASE_COLS("") " FROM cases WHERE id = ?1 "
        "UNION ALL SELECT 1, id, " PARTY_COLS ", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
        "NULL FROM parties WHERE case_id = ?1 "
        "UNION ALL SELECT 2, u.id, " USER_COLS_NOPW("u.") ", NULL, NULL, NULL, NULL, NULL, NULL "
        "FROM case_officers o JOIN users u ON u.id = o.user_id WHERE o.case_id = ?1", "i"},
    /* inside BEGIN IMMEDIATE the write lock is held already */
    [ST_CASE_PAGE_LOCK] = {
        "SELECT 0, id, " CASE_COLS("") " FROM cases WHERE id = ?1 "
        "UNION ALL SELECT 1, id, " PARTY_COLS ", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
        "NULL FROM parties WHERE case_id = ?1 "
        "UNION ALL SELECT 2, u.id, " USER_COLS_NOPW("u.") ", NULL, NULL, NULL, NULL, NULL, NULL "
        "FROM case_officers o JOIN users u ON u.id = o.user_id WHERE o.case_id = ?1", "i"},

    [ST_RECORD_INSERT] = {
        "INSERT INTO records (case_id, seq, type, at, recorded_at, actor_id, corrects, body, "
        "prev_hash, hash, action) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
        "RETURNING id",
        "iitttiitttt"},
    [ST_RECORD_GET] = {"SELECT " RECORD_COLS " FROM records WHERE id = ?1", "i"},
    [ST_RECORD_CASE_OF] = {"SELECT case_id FROM records WHERE id = ?1", "i"},
    [ST_RECORD_LIST] = {"SELECT " RECORD_COLS " FROM records WHERE case_id = ?1 ORDER BY seq",
                        "i"},
    /* keyset paging on the (case_id, seq) unique index */
    [ST_RECORD_ITER] = {
        "SELECT " RECORD_COLS " FROM records WHERE (case_id, seq) > (?1, ?2) "
        "ORDER BY case_id, seq LIMIT ?3", "iii"},
    /* the records of one range of case ids (inclusive ?3), keyset-paged from (?1, ?2) */
    [ST_RECORD_RANGE] = {
        "SELECT " RECORD_COLS " FROM records WHERE (case_id, seq) >= (?1, ?2) AND case_id <= ?3 "
        "ORDER BY case_id, seq LIMIT ?4", "iiii"},

    [ST_CAL_DELETE_DAYS] = {"DELETE FROM calendar_days WHERE year = ?1", "i"},
    [ST_CAL_DELETE_YEAR] = {"DELETE FROM calendar_years WHERE year = ?1", "i"},
    [ST_CAL_INSERT_DAY] = {
        "INSERT INTO calendar_days (day, off_day, name, year) VALUES (?1, ?2, ?3, ?4)", "titi"},
    [ST_CAL_INSERT_YEAR] = {
        "INSERT INTO calendar_years (year, source, imported_at) VALUES (?1, ?2, ?3)", "itt"},
    [ST_CAL_LOAD] = {"SELECT day, off_day, name, year FROM calendar_days ORDER BY day", ""},
    [ST_CAL_YEARS] = {"SELECT year, source, imported_at FROM calendar_years ORDER BY year", ""},

    [ST_SETTING_GET] = {"SELECT value FROM settings WHERE key = ?1", "t"},
    /* documents (issue 5 point 4): content-addressed PDFs */
    [ST_DOC_BLOB_PUT] = {
        "INSERT INTO document_blobs (sm3, size, content, created_at) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (sm3) DO NOTHING", "titt"},
    [ST_DOC_BLOB_GET] = {"SELECT size, content FROM document_blobs WHERE sm3 = ?1", "t"},
    [ST_COUNTER_PEEK] = {
        "SELECT coalesce(max(last_seq), 0) FROM counters WHERE org_id = ?1 AND year = ?2 "
        "AND kind = ?3", "iit"},
    [ST_SETTING_SET] = {
        "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        "ttt"},

    [ST_COUNTS] = {
        "SELECT (SELECT count(*) FROM orgs), (SELECT count(*) FROM users), "
        "(SELECT count(*) FROM cases), (SELECT count(*) FROM records), "
        "(SELECT count(*) FROM audit_log), "
        "(SELECT count(*) FROM sessions WHERE expires_at > ?1)", "t"},
    [ST_CASE_COUNTS] = {
        "SELECT kind, state, count(*) FROM cases GROUP BY kind, state ORDER BY kind, state", ""},
    /* prepub: pre-publicity versions (with their approve/publish events), pools, draws */
    [ST_PREPUB_VERSION_INSERT] = {
        "INSERT INTO prepub_versions (org_id, version, content, content_hash, created_at, "
        "created_by) SELECT ?1, coalesce(max(version), 0) + 1, ?2, ?3, ?4, ?5 "
        "FROM prepub_versions WHERE org_id = ?1 RETURNING id, version", "ittti"},
    [ST_PREPUB_VERSION_GET] = {PREPUB_SELECT " WHERE v.id = ?1", "i"},
    [ST_PREPUB_VERSION_BY_NUMBER] = {
        PREPUB_SELECT " WHERE v.org_id = ?1 AND v.version = ?2", "ii"},
    [ST_PREPUB_VERSION_LIST] = {
        PREPUB_SELECT " WHERE v.org_id = ?1 ORDER BY v.version DESC LIMIT ?2", "ii"},
    [ST_PREPUB_VERSION_CURRENT] = {
        PREPUB_SELECT " WHERE v.org_id = ?1 AND p.id IS NOT NULL ORDER BY p.id DESC LIMIT 1",
        "i"},
    [ST_PREPUB_PUBLISHED_LIST] = {
        PREPUB_SELECT " WHERE v.org_id = ?1 AND p.id IS NOT NULL ORDER BY v.version DESC "
        "LIMIT ?2", "ii"},
    [ST_PREPUB_EVENT_INSERT] = {
        "INSERT INTO prepub_events (version_id, event, at, actor_id) VALUES (?1, ?2, ?3, ?4)",
        "itti"},
    [ST_POOL_INSERT] = {
        "INSERT INTO draw_pools (org_id, seq, content, content_hash, created_at, created_by) "
        "SELECT ?1, coalesce(max(seq), 0) + 1, ?2, ?3, ?4, ?5 FROM draw_pools WHERE org_id = ?1 "
        "RETURNING id, seq", "ittti"},
    [ST_POOL_GET] = {"SELECT " POOL_COLS " FROM draw_pools WHERE id = ?1", "i"},
    [ST_POOL_LATEST] = {
        "SELECT " POOL_COLS " FROM draw_pools WHERE org_id = ?1 ORDER BY seq DESC LIMIT 1", "i"},
    [ST_POOL_LIST] = {
        "SELECT " POOL_COLS " FROM draw_pools WHERE org_id = ?1 ORDER BY seq DESC LIMIT ?2", "ii"},
    [ST_DRAW_INSERT] = {
        "INSERT INTO draws (org_id, seq, pool_id, title, k, m, pool_hash, public_value, "
        "public_source, seed, result, created_at, created_by) "
        "SELECT ?1, coalesce(max(seq), 0) + 1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12 "
        "FROM draws WHERE org_id = ?1 RETURNING id, seq", "iitiitttttti"},
    [ST_DRAW_GET] = {"SELECT " DRAW_COLS " FROM draws WHERE id = ?1", "i"},
    [ST_DRAW_LIST] = {
        "SELECT " DRAW_COLS " FROM draws WHERE (?1 = 0 OR org_id = ?1) AND id > ?2 "
        "ORDER BY id LIMIT ?3", "iii"},
    /* the newest record of any case: a public value fixed before a draw */
    [ST_RECORD_LATEST_HEAD] = {"SELECT id, hash FROM records ORDER BY id DESC LIMIT 1", ""},
    /* deadline scans: RECORD_RANGE's rows of the types in ?5 only, six columns */
    [ST_RECORD_BRIEF_RANGE] = {
        "SELECT case_id, seq, type, action, at, body "
        "FROM records WHERE (case_id, seq) >= (?1, ?2) AND case_id <= ?3 "
        "AND type IN (SELECT value FROM json_each(?5)) "
        "ORDER BY case_id, seq LIMIT ?4", "iiiit"},
    /* ledger: the global Merkle log */
    /* BEGIN IMMEDIATE already serialises sequencers */
    [ST_LEDGER_LOCK] = {"SELECT 1", ""},
    [ST_LEDGER_HORIZON] = {"SELECT 0, 0, (SELECT coalesce(max(id), 0) FROM records), "
        "(SELECT coalesce(max(idx) + 1, 0) FROM ledger_leaves)", ""},
    /* an anti-join, so that a record committed late (PostgreSQL) is not skipped */
    [ST_LEDGER_PENDING] = {
        "SELECT r.id, r.hash FROM records r WHERE r.id > ?1 AND NOT EXISTS "
        "(SELECT 1 FROM ledger_leaves l WHERE l.record_id = r.id) ORDER BY r.id LIMIT ?2", "ii"},
    [ST_LEDGER_LEAF_INSERT] = {
        "INSERT INTO ledger_leaves (idx, record_id, leaf_hash) VALUES (?1, ?2, ?3)", "iit"},
    [ST_LEDGER_LEAF_RANGE] = {
        "SELECT l.idx, l.record_id, l.leaf_hash, r.hash FROM ledger_leaves l "
        "LEFT JOIN records r ON r.id = l.record_id WHERE l.idx >= ?1 ORDER BY l.idx LIMIT ?2",
        "ii"},
    [ST_LEDGER_LEAF_OF_RECORD] = {"SELECT idx FROM ledger_leaves WHERE record_id = ?1", "i"},
    [ST_LEDGER_CP_INSERT] = {
        "INSERT INTO ledger_checkpoints (tree_size, root, made_at, signature, key_id) "
        "VALUES (?1, ?2, ?3, ?4, ?5)", "itttt"},
    [ST_LEDGER_CP_GET] = {"SELECT " CP_COLS " FROM ledger_checkpoints WHERE tree_size = ?1", "i"},
    [ST_LEDGER_CP_LATEST] = {
        "SELECT " CP_COLS " FROM ledger_checkpoints ORDER BY tree_size DESC LIMIT 1", ""},
    [ST_LEDGER_CP_LIST] = {
        "SELECT " CP_COLS " FROM ledger_checkpoints WHERE tree_size > ?1 ORDER BY tree_size "
        "LIMIT ?2", "ii"},
    /* results publicity (issue 4) */
    [ST_PUB_INSERT] = {
        "INSERT INTO publicity_items (case_id, org_id, case_kind, decision_record_id, "
        "decision_no, case_number, decided_on, deadline_key, due_on, state, party_label, "
        "exempt_reason, exempt_explanation, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, "
        "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) RETURNING id",
        "iitittttttttttt"},
    [ST_PUB_GET] = {
        "SELECT id, case_id, org_id, case_kind, decision_record_id, decision_no, case_number, "
        "decided_on, deadline_key, due_on, state, form, title, party_label, draft_text, "
        "draft_record_id, approval_record_id, published_text, published_on, published_record_id, "
        "override_reason, exempt_reason, exempt_explanation, change_json, withdrawn_on, "
        "withdraw_due, search_text, created_at, updated_at FROM publicity_items WHERE id = ?1",
        "i"},
    [ST_PUB_UPDATE] = {
        "UPDATE publicity_items SET state = ?1, form = ?2, title = ?3, draft_text = ?4, "
        "draft_record_id = ?5, approval_record_id = ?6, published_text = ?7, published_on = ?8, "
        "published_record_id = ?9, override_reason = ?10, exempt_reason = ?11, "
        "exempt_explanation = ?12, change_json = ?13, withdrawn_on = ?14, withdraw_due = ?15, "
        "search_text = ?16, updated_at = ?17 WHERE id = ?18",
        "ttttiittitttttttti"},
    [ST_PUB_LIST] = {
        "SELECT id, case_id, org_id, case_kind, decision_record_id, decision_no, case_number, "
        "decided_on, deadline_key, due_on, state, form, title, party_label, draft_text, "
        "draft_record_id, approval_record_id, published_text, published_on, published_record_id, "
        "override_reason, exempt_reason, exempt_explanation, change_json, withdrawn_on, "
        "withdraw_due, search_text, created_at, updated_at FROM publicity_items WHERE org_id IN "
        "(SELECT value FROM json_each(?1)) AND (?2 IS NULL OR state = ?2) AND id > ?3 ORDER BY "
        "id LIMIT ?4",
        "ttii"},
    [ST_PUB_SEARCH] = {
        "SELECT i.id, i.case_id, i.org_id, i.case_kind, i.decision_record_id, i.decision_no, "
        "i.case_number, i.decided_on, i.deadline_key, i.due_on, i.state, i.form, i.title, "
        "i.party_label, i.draft_text, i.draft_record_id, i.approval_record_id, i.published_text, "
        "i.published_on, i.published_record_id, i.override_reason, i.exempt_reason, "
        "i.exempt_explanation, i.change_json, i.withdrawn_on, i.withdraw_due, i.search_text, "
        "i.created_at, i.updated_at FROM publicity_items i WHERE i.state = 'published' AND (?2 "
        "IS NULL OR ?1 IS NULL OR instr(i.search_text, ?1) > 0) AND (?3 IS NULL OR i.org_id = "
        "?3) AND (?4 IS NULL OR i.case_kind = ?4) AND (?5 IS NULL OR i.published_on >= ?5) AND "
        "(?6 IS NULL OR i.published_on <= ?6) AND (?7 = 0 OR i.id < ?7) ORDER BY i.id DESC LIMIT "
        "?8",
        "ttitttii"},
    [ST_PUB_SEARCH_TEXT] = {
        "SELECT i.id, i.case_id, i.org_id, i.case_kind, i.decision_record_id, i.decision_no, "
        "i.case_number, i.decided_on, i.deadline_key, i.due_on, i.state, i.form, i.title, "
        "i.party_label, i.draft_text, i.draft_record_id, i.approval_record_id, i.published_text, "
        "i.published_on, i.published_record_id, i.override_reason, i.exempt_reason, "
        "i.exempt_explanation, i.change_json, i.withdrawn_on, i.withdraw_due, i.search_text, "
        "i.created_at, i.updated_at FROM publicity_fts f JOIN publicity_items i ON i.id = "
        "f.rowid WHERE publicity_fts MATCH ?2 AND ?1 IS NOT NULL AND i.state = 'published' AND "
        "(?3 IS NULL OR i.org_id = ?3) AND (?4 IS NULL OR i.case_kind = ?4) AND (?5 IS NULL OR "
        "i.published_on >= ?5) AND (?6 IS NULL OR i.published_on <= ?6) "
        /* FTS5 hands out rowids in descending order itself, so LIMIT stops early */
        "AND (?7 = 0 OR f.rowid < ?7) ORDER BY f.rowid DESC LIMIT ?8",
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
        "'published' AND (?3 IS NULL OR w.org_id = ?3) AND (?4 IS NULL OR w.case_kind = ?4) AND "
        "(?5 IS NULL OR w.published_on >= ?5) AND (?6 IS NULL OR w.published_on <= ?6) AND (?7 = "
        "0 OR w.id < ?7) ORDER BY w.id DESC LIMIT 2000) i WHERE (?2 IS NULL OR ?1 IS NULL OR "
        "instr(i.search_text, ?1) > 0) ORDER BY i.id DESC LIMIT ?8",
        "ttitttii"},
    [ST_PUB_WITHDRAWN] = {
        "SELECT id, case_id, org_id, case_kind, decision_record_id, decision_no, case_number, "
        "decided_on, deadline_key, due_on, state, form, title, party_label, draft_text, "
        "draft_record_id, approval_record_id, published_text, published_on, published_record_id, "
        "override_reason, exempt_reason, exempt_explanation, change_json, withdrawn_on, "
        "withdraw_due, search_text, created_at, updated_at FROM publicity_items WHERE state = "
        "'withdrawn' AND (?1 = 0 OR id < ?1) ORDER BY id DESC LIMIT ?2",
        "ii"},
    [ST_PUB_FIND] = {
        "SELECT id, case_id, org_id, case_kind, decision_record_id, decision_no, case_number, "
        "decided_on, deadline_key, due_on, state, form, title, party_label, draft_text, "
        "draft_record_id, approval_record_id, published_text, published_on, published_record_id, "
        "override_reason, exempt_reason, exempt_explanation, change_json, withdrawn_on, "
        "withdraw_due, search_text, created_at, updated_at FROM publicity_items WHERE "
        "(case_number = ?1 OR decision_no = ?1) AND state IN ('published', 'withdrawn') ORDER BY "
        "id LIMIT 10",
        "t"},
    [ST_PUB_BY_CASE] = {
        "SELECT id, case_id, org_id, case_kind, decision_record_id, decision_no, case_number, "
        "decided_on, deadline_key, due_on, state, form, title, party_label, draft_text, "
        "draft_record_id, approval_record_id, published_text, published_on, published_record_id, "
        "override_reason, exempt_reason, exempt_explanation, change_json, withdrawn_on, "
        "withdraw_due, search_text, created_at, updated_at FROM publicity_items WHERE case_id = "
        "?1 ORDER BY id",
        "i"},
    [ST_CORR_INSERT] = {
        "INSERT INTO publicity_corrections (item_id, case_id, request_record_id, submitted_on, "
        "due_on, content, state, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
        "iiittttt"},
    [ST_CORR_GET] = {
        "SELECT c.id, c.item_id, c.case_id, c.request_record_id, c.submitted_on, c.due_on, "
        "c.content, c.state, c.reply, c.replied_on, c.reply_record_id, c.created_at FROM "
        "publicity_corrections c WHERE c.id = ?1",
        "i"},
    [ST_CORR_UPDATE] = {
        "UPDATE publicity_corrections SET state = ?1, reply = ?2, replied_on = ?3, "
        "reply_record_id = ?4 WHERE id = ?5",
        "tttii"},
    [ST_CORR_LIST] = {
        "SELECT c.id, c.item_id, c.case_id, c.request_record_id, c.submitted_on, c.due_on, "
        "c.content, c.state, c.reply, c.replied_on, c.reply_record_id, c.created_at FROM "
        "publicity_corrections c JOIN publicity_items i ON i.id = c.item_id WHERE i.org_id IN "
        "(SELECT value FROM json_each(?1)) AND (?2 IS NULL OR c.state = ?2) AND c.id > ?3 ORDER "
        "BY c.id LIMIT ?4",
        "ttii"},
    /* stats: annual statistics reports (with their approve/publish events) */
    [ST_ANNUAL_INSERT] = {
        "INSERT INTO annual_reports (org_id, year, version, content, content_hash, created_at, "
        "created_by) SELECT ?1, ?2, coalesce(max(version), 0) + 1, ?3, ?4, ?5, ?6 "
        "FROM annual_reports WHERE org_id = ?1 AND year = ?2 RETURNING id, version", "iittti"},
    [ST_ANNUAL_GET] = {ANNUAL_SELECT " WHERE r.id = ?1", "i"},
    [ST_ANNUAL_LIST] = {
        ANNUAL_SELECT " WHERE r.org_id = ?1 AND r.year = ?2 ORDER BY r.version DESC LIMIT ?3",
        "iii"},
    [ST_ANNUAL_PUBLISHED] = {
        ANNUAL_SELECT " WHERE p.id IS NOT NULL AND (?1 = 0 OR r.org_id = ?1) AND (?2 = 0 OR r.year = ?2) "
        "ORDER BY r.year DESC, r.org_id, r.version DESC LIMIT ?3", "iii"},
    [ST_ANNUAL_EVENT_INSERT] = {
        "INSERT INTO annual_report_events (report_id, event, at, actor_id) "
        "VALUES (?1, ?2, ?3, ?4)", "itti"},
    /* media: uploads, blobs, case links, access requests and the access log */
    [ST_MEDIA_UPLOAD_INSERT] = {
        "INSERT INTO media_uploads (id, org_id, user_id, length, declared_sm3, filename, mime, "
        "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", "tiiitttt"},
    [ST_MEDIA_UPLOAD_GET] = {
        "SELECT u.id, u.org_id, u.user_id, u.length, u.declared_sm3, u.filename, u.mime, "
        "u.created_at, r.outcome, r.sm3, r.at, r.detail FROM media_uploads u "
        "LEFT JOIN media_upload_results r ON r.upload_id = u.id WHERE u.id = ?1", "t"},
    [ST_MEDIA_UPLOAD_RESULT_INSERT] = {
        "INSERT INTO media_upload_results (upload_id, outcome, sm3, at, detail) "
        "VALUES (?1, ?2, ?3, ?4, ?5)", "ttttt"},
    [ST_MEDIA_BLOB_INSERT] = {
        "INSERT INTO media_blobs (sm3, size, stored_at, upload_id) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (sm3) DO NOTHING", "titt"},
    [ST_MEDIA_BLOB_GET] = {
        "SELECT b.sm3, b.size, b.stored_at, b.upload_id, d.at, d.reason FROM media_blobs b "
        "LEFT JOIN media_deletions d ON d.sm3 = b.sm3 WHERE b.sm3 = ?1", "t"},
    [ST_MEDIA_BLOB_ITER] = {
        "SELECT b.sm3, b.size, b.stored_at, b.upload_id, d.at, d.reason FROM media_blobs b "
        "LEFT JOIN media_deletions d ON d.sm3 = b.sm3 WHERE b.sm3 > ?1 ORDER BY b.sm3 "
        "LIMIT ?2", "ti"},
    [ST_MEDIA_LINK_INSERT] = {
        "INSERT INTO media_links (case_id, record_id, sm3, captured_from, captured_to) "
        "VALUES (?1, ?2, ?3, ?4, ?5)", "iittt"},
    [ST_MEDIA_LINK_LIST_CASE] = {
        "SELECT l.id, l.case_id, l.record_id, l.sm3, l.captured_from, l.captured_to, b.size, "
        "b.stored_at, r.body, r.at, r.actor_id FROM media_links l "
        "JOIN media_blobs b ON b.sm3 = l.sm3 JOIN records r ON r.id = l.record_id "
        "WHERE l.case_id = ?1 ORDER BY l.id LIMIT ?2", "ii"},
    [ST_MEDIA_LINK_LIST_SM3] = {
        "SELECT l.id, l.case_id, l.record_id, l.sm3, l.captured_from, l.captured_to, b.size, "
        "b.stored_at, r.body, r.at, r.actor_id FROM media_links l "
        "JOIN media_blobs b ON b.sm3 = l.sm3 JOIN records r ON r.id = l.record_id "
        "WHERE l.sm3 = ?1 ORDER BY l.id LIMIT ?2", "ti"},
    [ST_ACCESS_REQUEST_INSERT] = {
        "INSERT INTO access_requests (kind, requester_id, requester_org, case_id, target_org, sm3, "
        "party_name, reason, valid_seconds, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
        "?8, ?9, ?10) RETURNING id", "tiiiitttit"},
    [ST_ACCESS_REQUEST_GET] = {
        ACCESS_SELECT " WHERE q.id = ?1", "i"},
    [ST_ACCESS_REQUEST_LIST] = {
        ACCESS_SELECT " WHERE (q.requester_id = ?1 OR q.target_org = ?2) AND q.id > ?3 "
        "ORDER BY q.id LIMIT ?4", "iiii"},
    [ST_ACCESS_DECISION_INSERT] = {
        "INSERT INTO access_decisions (request_id, decision, decided_by, at, valid_until, note) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)", "itittt"},
    [ST_ACCESS_LOG_INSERT] = {
        "INSERT INTO access_log (at, user_id, request_id, case_id, sm3, action, ip) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id", "tiiittt"},
    [ST_MEDIA_DELETION_INSERT] = {
        "INSERT INTO media_deletions (sm3, at, deleted_by, reason) VALUES (?1, ?2, ?3, ?4)",
        "ttit"},
    [ST_ACCESS_LOG_LIST] = {
        "SELECT id, at, user_id, request_id, case_id, sm3, action, ip FROM access_log "
        "WHERE request_id = ?1 ORDER BY id LIMIT ?2", "ii"},
};
/* clang-format on */

struct st_sqlite {
    sqlite3 *conn;
    sqlite3_stmt *stmt[ST__COUNT];
};

static struct st_sqlite *be_of(const struct st_db *db)
{
    return (struct st_sqlite *)db->be;
}

static enum st_fail_kind classify(int ext)
{
    switch (ext & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return ST_FAIL_BUSY;
    case SQLITE_CONSTRAINT:
        switch (ext) {
        case SQLITE_CONSTRAINT_UNIQUE:
        case SQLITE_CONSTRAINT_PRIMARYKEY:
            return ST_FAIL_UNIQUE;
        case SQLITE_CONSTRAINT_FOREIGNKEY:
            return ST_FAIL_FOREIGN;
        case SQLITE_CONSTRAINT_CHECK:
        case SQLITE_CONSTRAINT_NOTNULL:
            return ST_FAIL_CHECK;
        case SQLITE_CONSTRAINT_TRIGGER:
            return ST_FAIL_TRIGGER;
        default:
            return ST_FAIL_CHECK;
        }
    default:
        return ST_FAIL_OTHER;
    }
}

static int fail_conn(struct st_db *db, enum st_stmt s, struct sx_err *err)
{
    sqlite3 *c = be_of(db)->conn;
    return st_fail(err, classify(sqlite3_extended_errcode(c)), s, sqlite3_errmsg(c));
}

static int sq_prepare(struct st_db *db, enum st_stmt s, struct sx_err *err)
{
    struct st_sqlite *be = be_of(db);
    const struct st_sql *q = &st_sqlite_sql[s];
    const char *tail = NULL;
    sqlite3_stmt *st = NULL;
    int rc;

    if (be->stmt[s] != NULL) {
        sqlite3_finalize(be->stmt[s]);
        be->stmt[s] = NULL;
    }
    rc = sqlite3_prepare_v3(be->conn, q->sql, -1, SQLITE_PREPARE_PERSISTENT, &st, &tail);
    if (rc != SQLITE_OK)
        return fail_conn(db, s, err);
    while (tail != NULL && (*tail == ' ' || *tail == '\n' || *tail == ';'))
        tail++;
    if (tail != NULL && *tail != '\0') {
        sqlite3_finalize(st);
        return SX_FAIL(err, SX_E_INTERNAL, "db-statement", "数据库语句定义错误", "", "",
                       "语句 %s 含有多条 SQL", st_stmt_name(s));
    }
    if ((size_t)sqlite3_bind_parameter_count(st) != strlen(q->types)) {
        sqlite3_finalize(st);
        return SX_FAIL(err, SX_E_INTERNAL, "db-statement", "数据库语句定义错误", "", "",
                       "语句 %s 的参数个数与类型串不符", st_stmt_name(s));
    }
    be->stmt[s] = st;
    return 0;
}

static int parse_i64(const char *s, sqlite3_int64 *out)
{
    char *end = NULL;
    long long v;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0')
        return -1;
    *out = v;
    return 0;
}

/* Bind params[0..n) to s by its type string. The caller resets s afterwards. */
static int sq_bind(struct st_db *db, enum st_stmt s, const char *const *params, size_t n,
                   struct sx_err *err)
{
    sqlite3_stmt *st = be_of(db)->stmt[s];
    const char *types = st_sqlite_sql[s].types;
    int src;

    for (size_t i = 0; i < n; i++) {
        if (params[i] == NULL) {
            src = sqlite3_bind_null(st, (int)i + 1);
        } else if (types[i] == 'i') {
            sqlite3_int64 v;
            if (parse_i64(params[i], &v) != 0)
                return SX_FAIL(err, SX_E_INTERNAL, "db-param", "数据库参数错误", "", "",
                               "语句 %s 的第 %zu 个参数不是整数", st_stmt_name(s), i + 1);
            src = sqlite3_bind_int64(st, (int)i + 1, v);
        } else {
            src = sqlite3_bind_text(st, (int)i + 1, params[i], -1, SQLITE_STATIC);
        }
        if (src != SQLITE_OK)
            return fail_conn(db, s, err);
    }
    return 0;
}

/* Cells gathered on the stack before a result needs the heap (a case page has ~130). */
#define SQ_STACK_CELLS 256

/* One cell as text in arena: integers formatted here (not by SQLite's printf), text copied. */
static char *cell_text(sqlite3_stmt *st, int c, int type, struct sx_arena *arena)
{
    if (type == SQLITE_INTEGER) {
        char tmp[24];
        char *p = tmp + sizeof(tmp);
        int64_t v = sqlite3_column_int64(st, c);
        uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
        do {
            *--p = (char)('0' + u % 10);
            u /= 10;
        } while (u != 0);
        if (v < 0)
            *--p = '-';
        return sx_arena_strndup(arena, p, (size_t)(tmp + sizeof(tmp) - p));
    }
    const unsigned char *t = sqlite3_column_text(st, c);
    return t != NULL ? sx_arena_strndup(arena, (const char *)t, (size_t)sqlite3_column_bytes(st, c))
                     : NULL;
}

static int sq_exec(struct st_db *db, enum st_stmt s, const char *const *params, size_t n,
                   struct sx_arena *arena, struct st_rows *rows, struct sx_err *err)
{
    struct st_sqlite *be = be_of(db);
    sqlite3_stmt *st = be->stmt[s];
    char *stack_cells[SQ_STACK_CELLS];
    char **cells = stack_cells;
    size_t ncells = 0, cap = SQ_STACK_CELLS, ncols, nrows = 0;
    int rc, src;

    rc = sq_bind(db, s, params, n, err);
    if (rc != 0)
        goto cleanup;

    ncols = (size_t)sqlite3_column_count(st);
    for (;;) {
        src = sqlite3_step(st);
        if (src == SQLITE_DONE)
            break;
        if (src != SQLITE_ROW) {
            rc = fail_conn(db, s, err);
            goto cleanup;
        }
        if (rows == NULL)
            continue;
        if (ncells + ncols > cap) {
            size_t ncap = cap * 2;
            while (ncap < ncells + ncols)
                ncap *= 2;
            char **nc = cells == stack_cells ? malloc(ncap * sizeof(*nc))
                                              : realloc(cells, ncap * sizeof(*nc));
            if (nc == NULL) {
                rc = SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "读取查询结果时");
                goto cleanup;
            }
            if (cells == stack_cells)
                memcpy(nc, stack_cells, ncells * sizeof(*nc));
            cells = nc;
            cap = ncap;
        }
        for (size_t c = 0; c < ncols; c++) {
            char *v = NULL;
            int type = sqlite3_column_type(st, (int)c);
            if (type != SQLITE_NULL) {
                v = cell_text(st, (int)c, type, arena);
                if (v == NULL) {
                    rc =
                        SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "读取查询结果时");
                    goto cleanup;
                }
            }
            cells[ncells++] = v;
        }
        nrows++;
    }

    if (rows != NULL) {
        rows->nrows = nrows;
        rows->ncols = ncols;
        rows->changes = sqlite3_changes64(be->conn);
        rows->cells = NULL;
        if (ncells > 0) {
            rows->cells = sx_arena_alloc_raw(arena, ncells * sizeof(char *)); /* memcpy'd */
            if (rows->cells == NULL) {
                rc = SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "读取查询结果时");
                goto cleanup;
            }
            memcpy(rows->cells, cells, ncells * sizeof(char *));
        }
    }

cleanup:
    /* reset ends the statement (outside a transaction, its read snapshot too); the bindings
       point at the caller's strings */
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (cells != stack_cells)
        free(cells);
    return rc;
}

/* Cells of one streamed row; CASE_COLS is the widest streamed statement. */
#define SQ_STREAM_COLS 32

/*
 * Step s and hand each row to row() straight from SQLite's buffers: integers as integers,
 * everything else as SQLite's text of it (what sq_exec would copy), NULL as NULL.
 */
static int sq_stream(struct st_db *db, enum st_stmt s, const char *const *params, size_t n,
                     int (*row)(void *ctx, const struct st_cell *cells, size_t ncols,
                                struct sx_err *err),
                     void *ctx, struct sx_err *err)
{
    sqlite3_stmt *st = be_of(db)->stmt[s];
    struct st_cell cells[SQ_STREAM_COLS];
    size_t ncols;
    int rc, src;

    rc = sq_bind(db, s, params, n, err);
    if (rc != 0)
        goto cleanup;
    ncols = (size_t)sqlite3_column_count(st);
    if (ncols > SQ_STREAM_COLS) {
        rc = SX_FAIL(err, SX_E_INTERNAL, "db-call", "数据库调用错误", "", "",
                     "语句 %s 的结果列过多，无法逐行读取", st_stmt_name(s));
        goto cleanup;
    }
    for (;;) {
        src = sqlite3_step(st);
        if (src == SQLITE_DONE)
            break;
        if (src != SQLITE_ROW) {
            rc = fail_conn(db, s, err);
            goto cleanup;
        }
        for (size_t c = 0; c < ncols; c++) {
            struct st_cell *cell = &cells[c];
            int type = sqlite3_column_type(st, (int)c);
            if (type == SQLITE_NULL) {
                cell->kind = ST_CELL_NULL;
            } else if (type == SQLITE_INTEGER) {
                cell->kind = ST_CELL_INT;
                cell->i = sqlite3_column_int64(st, (int)c);
            } else {
                const unsigned char *t = sqlite3_column_text(st, (int)c);
                if (t == NULL) {
                    rc =
                        SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "读取查询结果时");
                    goto cleanup;
                }
                cell->kind = ST_CELL_TEXT;
                cell->text = (const char *)t;
                cell->len = (size_t)sqlite3_column_bytes(st, (int)c);
            }
        }
        rc = row(ctx, cells, ncols, err);
        if (rc != 0)
            goto cleanup;
    }

cleanup:
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

static int sq_exec_script(struct st_db *db, const char *sql, struct sx_err *err)
{
    char *msg = NULL;
    int rc = sqlite3_exec(be_of(db)->conn, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        int r = SX_FAIL(err, SX_E_DB, "db-migration", "数据库迁移失败", "", "", "%s",
                        msg != NULL ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return r;
    }
    return 0;
}

static int sq_in_tx(const struct st_db *db)
{
    return sqlite3_get_autocommit(be_of(db)->conn) == 0;
}

static int sq_param_count(struct st_db *db, enum st_stmt s, int *count, struct sx_err *err)
{
    if (be_of(db)->stmt[s] == NULL) {
        int rc = sq_prepare(db, s, err);
        if (rc != 0)
            return rc;
    }
    *count = sqlite3_bind_parameter_count(be_of(db)->stmt[s]);
    return 0;
}

static void sq_close(struct st_db *db)
{
    struct st_sqlite *be = be_of(db);
    if (be == NULL)
        return;
    for (size_t i = 0; i < ST__COUNT; i++)
        sqlite3_finalize(be->stmt[i]);
    /* closing with an open transaction rolls it back */
    sqlite3_close_v2(be->conn);
    free(be);
    db->be = NULL;
}

static const struct st_ops sqlite_ops = {
    .name = "sqlite",
    /* each statement outside a transaction takes and drops the WAL read lock (fcntl) */
    .hold_reads = 1,
    .sql = st_sqlite_sql,
    .close = sq_close,
    .prepare = sq_prepare,
    .exec = sq_exec,
    .exec_script = sq_exec_script,
    .in_tx = sq_in_tx,
    .param_count = sq_param_count,
    .reconnect = NULL,
    .stream = sq_stream,
};

/* Connection settings, run once at open (constants, no parameters). */
static const char *const setup_pragmas[] = {
    "PRAGMA foreign_keys = ON",
    "PRAGMA synchronous = FULL",
};

static pthread_once_t sqlite_configured = PTHREAD_ONCE_INIT;

static void configure_sqlite(void)
{
    /* SQLITE_MISUSE if SQLite was already initialised: then the default stays, harmlessly */
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int st_sqlite_open(struct st_db *db, const char *path, struct sx_err *err)
{
    struct st_sqlite *be = NULL;
    struct sx_buf dir;
    struct stat sb;
    const char *slash;
    sqlite3_stmt *st = NULL;
    int rc = 0, src;

    sx_buf_init(&dir, 4096);
    if (path == NULL || path[0] == '\0') {
        rc = SX_FAIL(err, SX_E_INVALID, "db-path", "未指定数据库", "", "db",
                     "请给出 SQLite 数据库文件路径或 postgresql:// 连接串");
        goto cleanup;
    }
    /* The directory must exist: creating it would hide a mistyped path. */
    slash = strrchr(path, '/');
    if (slash != NULL && slash != path) {
        if (sx_buf_append(&dir, path, (size_t)(slash - path)) != 0) {
            rc = SX_FAIL(err, SX_E_INVALID, "db-path", "数据库路径过长", "", "db", "路径过长");
            goto cleanup;
        }
        if (stat(dir.data, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
            rc = SX_FAIL(err, SX_E_IO, "db-dir-missing", "数据库目录不存在", "", "db",
                         "目录 %s 不存在，请先创建该目录", dir.data);
            goto cleanup;
        }
    }

    be = calloc(1, sizeof(*be));
    if (be == NULL) {
        rc = SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "打开数据库时");
        goto cleanup;
    }
    db->be = be;
    db->ops = &sqlite_ops;

    /* before SQLite initialises: no global memory statistics (a process-wide mutex per malloc) */
    pthread_once(&sqlite_configured, configure_sqlite);
    /* NOMUTEX: one connection per thread, never shared */
    src = sqlite3_open_v2(path, &be->conn,
                          SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (src != SQLITE_OK) {
        rc = SX_FAIL(err, SX_E_DB, "db-open", "无法打开数据库", "", "db", "%s: %s", path,
                     be->conn != NULL ? sqlite3_errmsg(be->conn) : sqlite3_errstr(src));
        goto cleanup;
    }
    sqlite3_extended_result_codes(be->conn, 1);
    if (sqlite3_busy_timeout(be->conn, 5000) != SQLITE_OK ||
        sqlite3_db_config(be->conn, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL) != SQLITE_OK) {
        rc = SX_FAIL(err, SX_E_DB, "db-open", "无法设置数据库连接", "", "db", "%s",
                     sqlite3_errmsg(be->conn));
        goto cleanup;
    }
    for (size_t i = 0; i < sizeof(setup_pragmas) / sizeof(setup_pragmas[0]); i++) {
        if (sqlite3_exec(be->conn, setup_pragmas[i], NULL, NULL, NULL) != SQLITE_OK) {
            rc = SX_FAIL(err, SX_E_DB, "db-open", "无法设置数据库连接", "", "db", "%s: %s",
                         setup_pragmas[i], sqlite3_errmsg(be->conn));
            goto cleanup;
        }
    }
    /* journal_mode answers with the mode in force; anything but wal is a failure */
    if (sqlite3_prepare_v2(be->conn, "PRAGMA journal_mode = WAL", -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW ||
        sqlite3_stricmp((const char *)sqlite3_column_text(st, 0), "wal") != 0) {
        rc = SX_FAIL(err, SX_E_DB, "db-open", "无法启用数据库 WAL 模式", "", "db", "%s: %s", path,
                     sqlite3_errmsg(be->conn));
        goto cleanup;
    }

cleanup:
    sqlite3_finalize(st);
    sx_buf_free(&dir);
    return rc;
}
