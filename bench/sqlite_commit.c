/*
 * sqlite_commit: the ceiling for durable record appends on SQLite — one
 * client inserting one row per transaction, as fast as the disk allows, with
 * the settings Sanxiang's store uses (WAL, synchronous=FULL: every COMMIT
 * waits for fsync of the WAL, so a committed record survives power loss).
 * The table is shaped like `records` (same columns, ~400-byte body, 64-hex
 * hashes, UNIQUE (case_id, seq)) but has no triggers, no foreign keys, no
 * hash computation and no other statement in the transaction.
 *
 * Usage: sqlite_commit DB_PATH [SECONDS=3]
 * Prints one line: "<commits> commits in <s> s: <rate> commits/s".
 * DB_PATH is created (and any old file of that name removed) — give it a
 * path on the same file system as the database being benchmarked.
 */
#include <errno.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define N_CASES 16

static const char schema[] = "PRAGMA journal_mode = WAL;"
                             "PRAGMA synchronous = FULL;"
                             "CREATE TABLE records ("
                             "  id INTEGER PRIMARY KEY,"
                             "  case_id INTEGER NOT NULL,"
                             "  seq INTEGER NOT NULL,"
                             "  type TEXT NOT NULL,"
                             "  action TEXT NOT NULL,"
                             "  at TEXT NOT NULL,"
                             "  recorded_at TEXT NOT NULL,"
                             "  actor_id INTEGER,"
                             "  corrects INTEGER,"
                             "  body TEXT NOT NULL,"
                             "  prev_hash TEXT NOT NULL,"
                             "  hash TEXT NOT NULL,"
                             "  UNIQUE (case_id, seq));";

static const char insert_sql[] =
    "INSERT INTO records (case_id, seq, type, action, at, recorded_at, actor_id, corrects, body, "
    "prev_hash, hash) VALUES (?1, ?2, 'note', 'note', '2026-11-02T08:00:00Z', "
    "'2026-11-02T08:00:00Z', 1, NULL, ?3, ?4, ?5)";

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(sqlite3 *db, const char *what)
{
    fprintf(stderr, "sqlite_commit: %s: %s\n", what, db != NULL ? sqlite3_errmsg(db) : "");
    return 1;
}

/* A 64-hex pseudo hash that differs per row. */
static void fake_hash(uint64_t n, char out[65])
{
    for (int i = 0; i < 4; i++)
        snprintf(out + 16 * i, 17, "%016" PRIx64, n * (uint64_t)0x9e3779b97f4a7c15 + (uint64_t)i);
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : NULL;
    double secs = argc > 2 ? strtod(argv[2], NULL) : 3.0;
    char body[512];
    char prev[65];
    char hash[65];
    sqlite3 *db = NULL;
    sqlite3_stmt *ins = NULL;
    int64_t seq[N_CASES] = {0};
    uint64_t n = 0;
    double t0;
    double t;
    int rc = 1;

    if (path == NULL || secs <= 0) {
        fprintf(stderr, "usage: sqlite_commit DB_PATH [SECONDS=3]\n");
        return 2;
    }
    static const char *const suffixes[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        char p[4096];
        snprintf(p, sizeof(p), "%s%s", path, suffixes[i]);
        if (unlink(p) != 0 && errno != ENOENT)
            return fail(NULL, "cannot remove an old database file");
    }
    if (sqlite3_open(path, &db) != SQLITE_OK)
        return fail(db, "open");
    if (sqlite3_exec(db, schema, NULL, NULL, NULL) != SQLITE_OK) {
        fail(db, "schema");
        goto cleanup;
    }
    if (sqlite3_prepare_v2(db, insert_sql, -1, &ins, NULL) != SQLITE_OK) {
        fail(db, "prepare");
        goto cleanup;
    }
    /* a canonical note body of the size the API benchmark appends */
    snprintf(body, sizeof(body), "{\"content\":\"%s\",\"title\":\"基准\"}",
             "执法人员与当事人电话沟通，告知其补充提交结算明细及进销存台账。"
             "执法人员与当事人电话沟通，告知其补充提交结算明细及进销存台账。"
             "执法人员与当事人电话沟通，告知其补充提交结算明细及进销存台账。"
             "执法人员与当事人电话沟通，告知其补充提交结算明细及进销存台账。");
    memset(prev, '0', 64);
    prev[64] = '\0';
    t0 = now_s();
    do {
        int c = (int)(n % N_CASES);
        fake_hash(n, hash);
        seq[c]++;
        if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
            fail(db, "begin");
            goto cleanup;
        }
        sqlite3_bind_int64(ins, 1, c + 1);
        sqlite3_bind_int64(ins, 2, seq[c]);
        sqlite3_bind_text(ins, 3, body, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 4, prev, 64, SQLITE_STATIC);
        sqlite3_bind_text(ins, 5, hash, 64, SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE) {
            fail(db, "insert");
            goto cleanup;
        }
        sqlite3_reset(ins);
        if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
            fail(db, "commit");
            goto cleanup;
        }
        memcpy(prev, hash, sizeof(prev));
        n++;
        t = now_s() - t0;
    } while (t < secs);
    printf("%" PRIu64 " commits in %.2f s: %.0f commits/s\n", n, t, (double)n / t);
    rc = 0;
cleanup:
    sqlite3_finalize(ins);
    sqlite3_close(db);
    return rc;
}
