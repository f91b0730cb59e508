/*
 * migrations_sqlite: the SQLite schema, as numbered migrations embedded in the binary.
 *
 * st_migrate applies the ones a database lacks, in order, in one transaction, and records each
 * in schema_migrations. Never edit a released migration: add the next number. Each migration
 * here has a PostgreSQL twin with the same version and name in migrations_pg.c (the unit test
 * checks); the two must give the same tables, columns, constraints and triggers.
 *
 * Kinds, levels and states are not CHECKed here: core validates them, and SQLite cannot alter a
 * CHECK without rebuilding the table, so a new act kind must not need a migration.
 */
#include "store/store_int.h"

/* A CHECK for "YYYY-MM-DDTHH:MM:SSZ". */
#define TS_GLOB "'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'"
#define HEX64_CHECK(col) "length(" col ") = 64 AND " col " NOT GLOB '*[^0-9a-f]*'"

/* Migration 001: one string per table (with its indexes and triggers). */
/* clang-format off */
static const char *const m001_init[] = {
    "CREATE TABLE orgs (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  parent_id INTEGER REFERENCES orgs(id),\n"
    "  code TEXT NOT NULL UNIQUE,\n"
    "  name TEXT NOT NULL,\n"
    "  short_name TEXT NOT NULL,\n"
    "  level TEXT NOT NULL,\n"
    "  region TEXT,\n"
    "  address TEXT,\n"
    "  head TEXT,\n"
    "  phone TEXT,\n"
    "  supervise_phone TEXT,\n"
    "  categories TEXT,\n"
    "  policy TEXT NOT NULL DEFAULT 'national',\n"
    "  qualification TEXT,\n"
    "  created_at TEXT NOT NULL\n"
    ");\n"
    "CREATE INDEX orgs_parent ON orgs(parent_id);\n",

    "CREATE TABLE users (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  org_id INTEGER NOT NULL REFERENCES orgs(id),\n"
    "  username TEXT NOT NULL UNIQUE,\n"
    "  display_name TEXT NOT NULL,\n"
    "  password_hash TEXT NOT NULL,\n"
    "  roles TEXT NOT NULL DEFAULT '',\n"
    "  cert_no TEXT,\n"
    "  cert_valid_from TEXT,\n"
    "  cert_valid_to TEXT,\n"
    "  legal_qualification TEXT,\n"
    "  post TEXT,\n"
    "  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),\n"
    "  created_at TEXT NOT NULL\n"
    ");\n"
    "CREATE INDEX users_org ON users(org_id);\n",

    "CREATE TABLE sessions (\n"
    "  token_hash TEXT PRIMARY KEY,\n"
    "  user_id INTEGER NOT NULL REFERENCES users(id),\n"
    "  csrf_token TEXT NOT NULL,\n"
    "  created_at TEXT NOT NULL,\n"
    "  expires_at TEXT NOT NULL\n"
    ");\n"
    "CREATE INDEX sessions_user ON sessions(user_id);\n"
    "CREATE INDEX sessions_expires ON sessions(expires_at);\n",

    "CREATE TABLE api_tokens (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  user_id INTEGER NOT NULL REFERENCES users(id),\n"
    "  name TEXT NOT NULL,\n"
    "  token_hash TEXT NOT NULL UNIQUE,\n"
    "  created_at TEXT NOT NULL,\n"
    "  revoked_at TEXT\n"
    ");\n"
    "CREATE INDEX api_tokens_user ON api_tokens(user_id);\n",

    "CREATE TABLE audit_log (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  at TEXT NOT NULL CHECK (at GLOB " TS_GLOB "),\n"
    "  user_id INTEGER REFERENCES users(id),\n"
    "  username TEXT,\n"
    "  action TEXT NOT NULL,\n"
    "  target TEXT,\n"
    "  outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'denied', 'failed')),\n"
    "  ip TEXT,\n"
    "  detail TEXT\n"
    ");\n"
    "CREATE INDEX audit_log_username ON audit_log(username, at);\n"
    "CREATE INDEX audit_log_ip ON audit_log(ip, at);\n"
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log\n"
    "BEGIN SELECT RAISE(ABORT, 'append-only: audit_log'); END;\n"
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log\n"
    "BEGIN SELECT RAISE(ABORT, 'append-only: audit_log'); END;\n",

    "CREATE TABLE counters (\n"
    "  org_id INTEGER NOT NULL REFERENCES orgs(id),\n"
    "  year INTEGER NOT NULL,\n"
    "  kind TEXT NOT NULL,\n"
    "  last_seq INTEGER NOT NULL CHECK (last_seq >= 1),\n"
    "  PRIMARY KEY (org_id, year, kind)\n"
    ");\n",

    "CREATE TABLE cases (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  org_id INTEGER NOT NULL REFERENCES orgs(id),\n"
    "  kind TEXT NOT NULL,\n"
    "  number TEXT UNIQUE,\n"
    "  number_year INTEGER,\n"
    "  number_seq INTEGER,\n"
    "  state TEXT NOT NULL,\n"
    "  source TEXT,\n"
    "  cause TEXT,\n"
    "  summary TEXT,\n"
    "  fine_fen INTEGER NOT NULL DEFAULT 0 CHECK (fine_fen >= 0),\n"
    "  confiscation_fen INTEGER NOT NULL DEFAULT 0 CHECK (confiscation_fen >= 0),\n"
    "  fund_recovery_fen INTEGER NOT NULL DEFAULT 0 CHECK (fund_recovery_fen >= 0),\n"
    "  payment_refusal_fen INTEGER NOT NULL DEFAULT 0 CHECK (payment_refusal_fen >= 0),\n"
    "  flags TEXT NOT NULL DEFAULT '{}',\n"
    "  created_at TEXT NOT NULL,\n"
    "  created_by INTEGER NOT NULL REFERENCES users(id),\n"
    "  head_hash TEXT NOT NULL DEFAULT "
    "'0000000000000000000000000000000000000000000000000000000000000000'\n"
    "    CHECK (" HEX64_CHECK("head_hash") "),\n"
    "  record_count INTEGER NOT NULL DEFAULT 0 CHECK (record_count >= 0)\n"
    ");\n"
    "CREATE INDEX cases_org ON cases(org_id, id);\n",

    /* DESIGN §3: the case number is issued once and never reused; the chain head never
     * moves backwards. */
    "CREATE TRIGGER cases_number_immutable BEFORE UPDATE ON cases\n"
    "WHEN OLD.number IS NOT NULL AND (NEW.number IS NOT OLD.number\n"
    "  OR NEW.number_year IS NOT OLD.number_year OR NEW.number_seq IS NOT OLD.number_seq)\n"
    "BEGIN SELECT RAISE(ABORT, 'immutable: cases.number'); END;\n"
    "CREATE TRIGGER cases_head_forward BEFORE UPDATE ON cases\n"
    "WHEN NEW.record_count < OLD.record_count\n"
    "  OR (NEW.record_count = OLD.record_count AND NEW.head_hash IS NOT OLD.head_hash)\n"
    "BEGIN SELECT RAISE(ABORT, 'immutable: cases.head_hash'); END;\n",

    "CREATE TABLE parties (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  case_id INTEGER NOT NULL REFERENCES cases(id),\n"
    "  kind TEXT NOT NULL CHECK (kind IN ('person', 'org')),\n"
    "  name TEXT NOT NULL,\n"
    "  id_number TEXT,\n"
    "  uscc TEXT,\n"
    "  legal_rep TEXT,\n"
    "  address TEXT,\n"
    "  phone TEXT,\n"
    "  birth_date TEXT\n"
    ");\n"
    "CREATE INDEX parties_case ON parties(case_id);\n",

    "CREATE TABLE case_officers (\n"
    "  case_id INTEGER NOT NULL REFERENCES cases(id),\n"
    "  user_id INTEGER NOT NULL REFERENCES users(id),\n"
    "  PRIMARY KEY (case_id, user_id)\n"
    ");\n"
    "CREATE INDEX case_officers_user ON case_officers(user_id);\n",

    /* YN-2-20, HB-2-25: records are never edited or deleted. */
    "CREATE TABLE records (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  case_id INTEGER NOT NULL REFERENCES cases(id),\n"
    "  seq INTEGER NOT NULL CHECK (seq >= 1),\n"
    "  type TEXT NOT NULL,\n"
    "  action TEXT NOT NULL CHECK (action <> ''),\n"
    "  at TEXT NOT NULL CHECK (at GLOB " TS_GLOB "),\n"
    "  recorded_at TEXT NOT NULL CHECK (recorded_at GLOB " TS_GLOB "),\n"
    "  actor_id INTEGER REFERENCES users(id),\n"
    "  corrects INTEGER,\n"
    "  body TEXT NOT NULL,\n"
    "  prev_hash TEXT NOT NULL CHECK (" HEX64_CHECK("prev_hash") "),\n"
    "  hash TEXT NOT NULL CHECK (" HEX64_CHECK("hash") "),\n"
    "  UNIQUE (case_id, seq)\n"
    ");\n"
    "CREATE TRIGGER records_no_update BEFORE UPDATE ON records\n"
    "BEGIN SELECT RAISE(ABORT, 'append-only: records'); END;\n"
    "CREATE TRIGGER records_no_delete BEFORE DELETE ON records\n"
    "BEGIN SELECT RAISE(ABORT, 'append-only: records'); END;\n",

    "CREATE TABLE calendar_days (\n"
    "  day TEXT PRIMARY KEY,\n"
    "  off_day INTEGER NOT NULL CHECK (off_day IN (0, 1)),\n"
    "  name TEXT NOT NULL,\n"
    "  year INTEGER NOT NULL\n"
    ");\n"
    "CREATE INDEX calendar_days_year ON calendar_days(year);\n",

    "CREATE TABLE calendar_years (\n"
    "  year INTEGER PRIMARY KEY,\n"
    "  source TEXT NOT NULL,\n"
    "  imported_at TEXT NOT NULL\n"
    ");\n",

    /* installation-wide settings, e.g. the default policy chosen at init */
    "CREATE TABLE settings (\n"
    "  key TEXT PRIMARY KEY,\n"
    "  value TEXT NOT NULL,\n"
    "  updated_at TEXT NOT NULL\n"
    ");\n",

    NULL,
};
/* clang-format on */

/* Migration 002 (prepub: pre-publicity versions and 双随机 draws, issue 4 points 1-3). Every
 * table is append-only: a change is a new version or a new event row (YN-1-14, HB-1-17). */
/* clang-format off */
#define SQ_NO_CHANGE(t)                                                                            \
    "CREATE TRIGGER " t "_no_update BEFORE UPDATE ON " t "\n"                                      \
    "BEGIN SELECT RAISE(ABORT, 'append-only: " t "'); END;\n"                                      \
    "CREATE TRIGGER " t "_no_delete BEFORE DELETE ON " t "\n"                                      \
    "BEGIN SELECT RAISE(ABORT, 'append-only: " t "'); END;\n"
static const char *const m002_prepub[] = {
    "CREATE TABLE prepub_versions (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  org_id INTEGER NOT NULL REFERENCES orgs(id),\n"
    "  version INTEGER NOT NULL CHECK (version >= 1),\n"
    "  content TEXT NOT NULL,\n"
    "  content_hash TEXT NOT NULL CHECK (" HEX64_CHECK("content_hash") "),\n"
    "  created_at TEXT NOT NULL CHECK (created_at GLOB " TS_GLOB "),\n"
    "  created_by INTEGER REFERENCES users(id),\n"
    "  UNIQUE (org_id, version)\n"
    ");\n" SQ_NO_CHANGE("prepub_versions"),

    "CREATE TABLE prepub_events (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  version_id INTEGER NOT NULL REFERENCES prepub_versions(id),\n"
    "  event TEXT NOT NULL CHECK (event IN ('approve', 'publish')),\n"
    "  at TEXT NOT NULL CHECK (at GLOB " TS_GLOB "),\n"
    "  actor_id INTEGER REFERENCES users(id),\n"
    "  UNIQUE (version_id, event)\n"
    ");\n" SQ_NO_CHANGE("prepub_events"),

    "CREATE TABLE draw_pools (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  org_id INTEGER NOT NULL REFERENCES orgs(id),\n"
    "  seq INTEGER NOT NULL CHECK (seq >= 1),\n"
    "  content TEXT NOT NULL,\n"
    "  content_hash TEXT NOT NULL CHECK (" HEX64_CHECK("content_hash") "),\n"
    "  created_at TEXT NOT NULL CHECK (created_at GLOB " TS_GLOB "),\n"
    "  created_by INTEGER REFERENCES users(id),\n"
    "  UNIQUE (org_id, seq)\n"
    ");\n" SQ_NO_CHANGE("draw_pools"),

    "CREATE TABLE draws (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  org_id INTEGER NOT NULL REFERENCES orgs(id),\n"
    "  seq INTEGER NOT NULL CHECK (seq >= 1),\n"
    "  pool_id INTEGER NOT NULL REFERENCES draw_pools(id),\n"
    "  title TEXT NOT NULL,\n"
    "  k INTEGER NOT NULL CHECK (k >= 1),\n"
    "  m INTEGER NOT NULL CHECK (m >= 1),\n"
    "  pool_hash TEXT NOT NULL CHECK (" HEX64_CHECK("pool_hash") "),\n"
    "  public_value TEXT NOT NULL CHECK (" HEX64_CHECK("public_value") "),\n"
    "  public_source TEXT NOT NULL,\n"
    "  seed TEXT NOT NULL CHECK (" HEX64_CHECK("seed") "),\n"
    "  result TEXT NOT NULL,\n"
    "  created_at TEXT NOT NULL CHECK (created_at GLOB " TS_GLOB "),\n"
    "  created_by INTEGER REFERENCES users(id),\n"
    "  UNIQUE (org_id, seq)\n"
    ");\n"
    "CREATE INDEX draws_org ON draws(org_id, id);\n" SQ_NO_CHANGE("draws"),

    NULL,
};
/* clang-format on */

/* ledger: migration 003, the global Merkle log (DESIGN §5). Leaves and checkpoints are
 * append-only; a leaf is a record's hash, leaf_hash = SM3(0x00 || record hash). record_id has
 * no FOREIGN KEY: on PostgreSQL it would make TRUNCATE records fail before the append-only
 * trigger can refuse it; `sanxiang verify` checks that every leaf's record exists instead. */
/* clang-format off */
static const char *const m003_ledger[] = {
    "CREATE TABLE ledger_leaves (\n"
    "  idx INTEGER PRIMARY KEY CHECK (idx >= 0),\n"
    "  record_id INTEGER NOT NULL UNIQUE,\n"
    "  leaf_hash TEXT NOT NULL CHECK (" HEX64_CHECK("leaf_hash") ")\n"
    ");\n"
    "CREATE TRIGGER ledger_leaves_no_update BEFORE UPDATE ON ledger_leaves\n"
    "BEGIN SELECT RAISE(ABORT, 'append-only: ledger_leaves'); END;\n"
    "CREATE TRIGGER ledger_leaves_no_delete BEFORE DELETE ON ledger_leaves\n"
    "BEGIN SELECT RAISE(ABORT, 'append-only: ledger_leaves'); END;\n",

    "CREATE TABLE ledger_checkpoints (\n"
    "  tree_size INTEGER PRIMARY KEY CHECK (tree_size >= 1),\n"
    "  root TEXT NOT NULL CHECK (" HEX64_CHECK("root") "),\n"
    "  made_at TEXT NOT NULL CHECK (made_at GLOB " TS_GLOB "),\n"
    "  signature TEXT NOT NULL CHECK (length(signature) BETWEEN 2 AND 160),\n"
    "  key_id TEXT NOT NULL CHECK (" HEX64_CHECK("key_id") ")\n"
    ");\n"
    "CREATE TRIGGER ledger_checkpoints_no_update BEFORE UPDATE ON ledger_checkpoints\n"
    "BEGIN SELECT RAISE(ABORT, 'append-only: ledger_checkpoints'); END;\n"
    "CREATE TRIGGER ledger_checkpoints_no_delete BEFORE DELETE ON ledger_checkpoints\n"
    "BEGIN SELECT RAISE(ABORT, 'append-only: ledger_checkpoints'); END;\n",

    NULL,
};
/* clang-format on */

/*
 * Migration 004 (documents, issue 5 point 4): the PDF of every issued document, content-addressed
 * by its SM3 (hex) and kept as base64 text (the store binds text only), append-only like the
 * records that point at it (document_issued carries the same SM3 and the signature).
 */
/* clang-format off */
static const char *const m004_documents[] = {
    "CREATE TABLE document_blobs (\n"
    "  sm3 TEXT PRIMARY KEY CHECK (" HEX64_CHECK("sm3") "),\n"
    "  size INTEGER NOT NULL CHECK (size > 0),\n"
    "  content TEXT NOT NULL,\n"
    "  created_at TEXT NOT NULL CHECK (created_at GLOB " TS_GLOB ")\n"
    ");\n"
    "CREATE TRIGGER document_blobs_no_update BEFORE UPDATE ON document_blobs\n"
    "BEGIN SELECT RAISE(ABORT, 'append-only: document_blobs'); END;\n"
    "CREATE TRIGGER document_blobs_no_delete BEFORE DELETE ON document_blobs\n"
    "BEGIN SELECT RAISE(ABORT, 'append-only: document_blobs'); END;\n",
    NULL,
};
/* clang-format on */

/* Migration 005 (results publicity, issue 4): items, correction requests, search. */
/* clang-format off */
/*
 * Record ids here carry no foreign key: records are append-only and never deleted, and on
 * PostgreSQL a foreign key would make TRUNCATE records fail on the reference before the
 * append-only trigger can refuse it as what it is.
 */
static const char *const m005_publicity[] = {
    "CREATE TABLE publicity_items (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  case_id INTEGER NOT NULL REFERENCES cases(id),\n"
    "  org_id INTEGER NOT NULL REFERENCES orgs(id),\n"
    "  case_kind TEXT NOT NULL,\n"
    "  decision_record_id INTEGER NOT NULL UNIQUE,\n"
    "  decision_no TEXT,\n"
    "  case_number TEXT,\n"
    "  decided_on TEXT NOT NULL,\n"
    "  deadline_key TEXT NOT NULL,\n"
    "  due_on TEXT NOT NULL,\n"
    "  state TEXT NOT NULL CHECK (state IN ('pending', 'drafted', 'approved', 'published', 'exempt', 'withdrawn')),\n"
    "  form TEXT CHECK (form IS NULL OR form IN ('full', 'summary')),\n"
    "  title TEXT,\n"
    "  party_label TEXT,\n"
    "  draft_text TEXT,\n"
    "  draft_record_id INTEGER,\n"
    "  approval_record_id INTEGER,\n"
    "  published_text TEXT,\n"
    "  published_on TEXT,\n"
    "  published_record_id INTEGER,\n"
    "  override_reason TEXT,\n"
    "  exempt_reason TEXT,\n"
    "  exempt_explanation TEXT,\n"
    "  change_json TEXT,\n"
    "  withdrawn_on TEXT,\n"
    "  withdraw_due TEXT,\n"
    "  search_text TEXT,\n"
    "  created_at TEXT NOT NULL,\n"
    "  updated_at TEXT NOT NULL\n"
    ");\n"
    "CREATE INDEX publicity_items_org ON publicity_items(org_id, state, id);\n"
    "CREATE INDEX publicity_items_state ON publicity_items(state, id);\n"
    "CREATE INDEX publicity_items_case ON publicity_items(case_id);\n"
    "CREATE INDEX publicity_items_number ON publicity_items(case_number);\n"
    "CREATE INDEX publicity_items_docno ON publicity_items(decision_no);\n",

    "CREATE TABLE publicity_corrections (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  item_id INTEGER NOT NULL REFERENCES publicity_items(id),\n"
    "  case_id INTEGER NOT NULL REFERENCES cases(id),\n"
    "  request_record_id INTEGER NOT NULL UNIQUE,\n"
    "  submitted_on TEXT NOT NULL,\n"
    "  due_on TEXT NOT NULL,\n"
    "  content TEXT NOT NULL,\n"
    "  state TEXT NOT NULL CHECK (state IN ('pending', 'corrected', 'refused')),\n"
    "  reply TEXT,\n"
    "  replied_on TEXT,\n"
    "  reply_record_id INTEGER,\n"
    "  created_at TEXT NOT NULL\n"
    ");\n"
    "CREATE INDEX publicity_corrections_item ON publicity_corrections(item_id);\n"
    "CREATE INDEX publicity_corrections_state ON publicity_corrections(state, id);\n",

    /* the published text for portal search: FTS5 trigram (substring search in Chinese) */
    "CREATE VIRTUAL TABLE publicity_fts USING fts5(body, tokenize = 'trigram');\n"
    "CREATE TRIGGER publicity_fts_insert AFTER INSERT ON publicity_items\n"
    "WHEN NEW.search_text IS NOT NULL\n"
    "BEGIN INSERT INTO publicity_fts(rowid, body) VALUES (NEW.id, NEW.search_text); END;\n"
    "CREATE TRIGGER publicity_fts_update AFTER UPDATE OF search_text ON publicity_items\n"
    "BEGIN\n"
    "  DELETE FROM publicity_fts WHERE rowid = OLD.id;\n"
    "  INSERT INTO publicity_fts(rowid, body) SELECT NEW.id, NEW.search_text WHERE NEW.search_text IS NOT NULL;\n"
    "END;\n",

    NULL,
};
/* clang-format on */

/* Migration 006 (media: tus uploads, content-addressed audio-video evidence, access requests
 * and the access log; issue 5 points 1-2). Every table is append-only: an upload's outcome,
 * a request's decision and each view are rows of their own (YN-2-20, HB-2-25). media_links is
 * the projection of the cases' media_attach records, written with the record. */
/* clang-format off */
static const char *const m006_media[] = {
    "CREATE TABLE media_uploads (\n"
    "  id TEXT PRIMARY KEY CHECK (length(id) = 32),\n"
    "  org_id INTEGER NOT NULL REFERENCES orgs(id),\n"
    "  user_id INTEGER NOT NULL REFERENCES users(id),\n"
    "  length INTEGER NOT NULL CHECK (length >= 1),\n"
    "  declared_sm3 TEXT CHECK (declared_sm3 IS NULL OR " HEX64_CHECK("declared_sm3") "),\n"
    "  filename TEXT NOT NULL,\n"
    "  mime TEXT NOT NULL,\n"
    "  created_at TEXT NOT NULL CHECK (created_at GLOB " TS_GLOB ")\n"
    ");\n" SQ_NO_CHANGE("media_uploads"),

    "CREATE TABLE media_upload_results (\n"
    "  upload_id TEXT PRIMARY KEY REFERENCES media_uploads(id),\n"
    "  outcome TEXT NOT NULL CHECK (outcome IN ('stored', 'rejected')),\n"
    "  sm3 TEXT CHECK (sm3 IS NULL OR " HEX64_CHECK("sm3") "),\n"
    "  at TEXT NOT NULL CHECK (at GLOB " TS_GLOB "),\n"
    "  detail TEXT\n"
    ");\n" SQ_NO_CHANGE("media_upload_results"),

    "CREATE TABLE media_blobs (\n"
    "  sm3 TEXT PRIMARY KEY CHECK (" HEX64_CHECK("sm3") "),\n"
    "  size INTEGER NOT NULL CHECK (size >= 1),\n"
    "  stored_at TEXT NOT NULL CHECK (stored_at GLOB " TS_GLOB "),\n"
    "  upload_id TEXT NOT NULL REFERENCES media_uploads(id)\n"
    ");\n" SQ_NO_CHANGE("media_blobs"),

    /* record_id has no foreign key: on PostgreSQL one would make TRUNCATE records fail on the
     * reference before the append-only trigger speaks; the link is written with its record */
    "CREATE TABLE media_links (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  case_id INTEGER NOT NULL REFERENCES cases(id),\n"
    "  record_id INTEGER NOT NULL UNIQUE,\n"
    "  sm3 TEXT NOT NULL REFERENCES media_blobs(sm3),\n"
    "  captured_from TEXT NOT NULL,\n"
    "  captured_to TEXT NOT NULL\n"
    ");\n"
    "CREATE INDEX media_links_case ON media_links(case_id, id);\n"
    "CREATE INDEX media_links_sm3 ON media_links(sm3);\n" SQ_NO_CHANGE("media_links"),

    "CREATE TABLE access_requests (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  kind TEXT NOT NULL CHECK (kind IN ('case', 'media', 'party')),\n"
    "  requester_id INTEGER NOT NULL REFERENCES users(id),\n"
    "  requester_org INTEGER NOT NULL REFERENCES orgs(id),\n"
    "  case_id INTEGER NOT NULL REFERENCES cases(id),\n"
    "  target_org INTEGER NOT NULL REFERENCES orgs(id),\n"
    "  sm3 TEXT CHECK (sm3 IS NULL OR " HEX64_CHECK("sm3") "),\n"
    "  party_name TEXT,\n"
    "  reason TEXT NOT NULL,\n"
    "  valid_seconds INTEGER NOT NULL CHECK (valid_seconds >= 1),\n"
    "  created_at TEXT NOT NULL CHECK (created_at GLOB " TS_GLOB ")\n"
    ");\n"
    "CREATE INDEX access_requests_target ON access_requests(target_org, id);\n"
    "CREATE INDEX access_requests_requester ON access_requests(requester_id, id);\n"
    SQ_NO_CHANGE("access_requests"),

    "CREATE TABLE access_decisions (\n"
    "  request_id INTEGER PRIMARY KEY REFERENCES access_requests(id),\n"
    "  decision TEXT NOT NULL CHECK (decision IN ('approved', 'refused')),\n"
    "  decided_by INTEGER NOT NULL REFERENCES users(id),\n"
    "  at TEXT NOT NULL CHECK (at GLOB " TS_GLOB "),\n"
    "  valid_until TEXT,\n"
    "  note TEXT\n"
    ");\n" SQ_NO_CHANGE("access_decisions"),

    "CREATE TABLE access_log (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  at TEXT NOT NULL CHECK (at GLOB " TS_GLOB "),\n"
    "  user_id INTEGER NOT NULL REFERENCES users(id),\n"
    "  request_id INTEGER REFERENCES access_requests(id),\n"
    "  case_id INTEGER REFERENCES cases(id),\n"
    "  sm3 TEXT,\n"
    "  action TEXT NOT NULL CHECK (action IN ('view', 'download')),\n"
    "  ip TEXT\n"
    ");\n"
    "CREATE INDEX access_log_request ON access_log(request_id, id);\n" SQ_NO_CHANGE("access_log"),

    /* a file deleted after its retention ended: the deletion is a row of its own (HB-2-21) */
    "CREATE TABLE media_deletions (\n"
    "  sm3 TEXT PRIMARY KEY REFERENCES media_blobs(sm3),\n"
    "  at TEXT NOT NULL CHECK (at GLOB " TS_GLOB "),\n"
    "  deleted_by INTEGER NOT NULL REFERENCES users(id),\n"
    "  reason TEXT NOT NULL\n"
    ");\n" SQ_NO_CHANGE("media_deletions"),

    NULL,
};
/* clang-format on */

/* stats: migration 007, annual statistics reports (issue 4 point 7, HB-1-15). Append-only like
 * prepub: a recomputation is a new version, approval and publication are event rows. */
/* clang-format off */
static const char *const m007_annual[] = {
    "CREATE TABLE annual_reports (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  org_id INTEGER NOT NULL REFERENCES orgs(id),\n"
    "  year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2999),\n"
    "  version INTEGER NOT NULL CHECK (version >= 1),\n"
    "  content TEXT NOT NULL,\n"
    "  content_hash TEXT NOT NULL CHECK (" HEX64_CHECK("content_hash") "),\n"
    "  created_at TEXT NOT NULL CHECK (created_at GLOB " TS_GLOB "),\n"
    "  created_by INTEGER REFERENCES users(id),\n"
    "  UNIQUE (org_id, year, version)\n"
    ");\n" SQ_NO_CHANGE("annual_reports"),

    "CREATE TABLE annual_report_events (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  report_id INTEGER NOT NULL REFERENCES annual_reports(id),\n"
    "  event TEXT NOT NULL CHECK (event IN ('approve', 'publish')),\n"
    "  at TEXT NOT NULL CHECK (at GLOB " TS_GLOB "),\n"
    "  actor_id INTEGER REFERENCES users(id),\n"
    "  UNIQUE (report_id, event)\n"
    ");\n" SQ_NO_CHANGE("annual_report_events"),

    NULL,
};
/* clang-format on */

const struct st_migration st_sqlite_migrations[] = {
    {1, "init", m001_init},
    {2, "prepub", m002_prepub}, /* prepub */
    {3, "ledger", m003_ledger}, /* ledger */
    {4, "documents", m004_documents},
    {5, "publicity", m005_publicity}, /* results publicity (issue 4) */
    {6, "media", m006_media}, /* media */
    {7, "annual", m007_annual}, /* stats: annual statistics reports */
};
const size_t st_sqlite_migrations_n =
    sizeof(st_sqlite_migrations) / sizeof(st_sqlite_migrations[0]);
