/*
 * Unit tests for the ledger's checkpoints (src/ledger/checkpoint) and the app layer's ledger
 * (src/app/ledger: sequencer, server tree, checkpoints, proofs, verify), on SQLite and, when
 * SANXIANG_TEST_PG_URL is set, on PostgreSQL (a database of its own, dropped at the end):
 *   - the checkpoint text; a signature made by the openssl CLI with the gm-vectors test key
 *     (tests/data/ledger-checkpoint) verifies, and fails with any field changed;
 *   - the key path rules (table);
 *   - sync gives every record one leaf, in id order, once; a second pass adds nothing; the server
 *     tree agrees with the table; every record's inclusion proof and the consistency proofs
 *     verify against signed checkpoints; checkpoints are made only when the tree grew;
 *   - a record committed AFTER a higher id (PostgreSQL: two writers) still gets its leaf, also
 *     after several sequencer passes ran while its transaction was open (the watermark);
 *   - verify accepts all of it; an empty ledger has no checkpoint to make.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "app/app.h"
#include "app/ledger.h"
#include "ledger/checkpoint.h"
#include "ledger/crypto.h"
#include "ledger/merkle.h"
#include "store/store.h"
#include "sx_buf.h"

static char g_pg_admin[2048];
static char g_pg_url[2048];
static char g_pg_db[64];

/* ---- checkpoint text and signatures ---- */

static char *slurp(const char *rel, size_t *len)
{
    char path[1024];
    const char *root = getenv("SANXIANG_ROOT");
    snprintf(path, sizeof(path), "%s/%s", root != NULL ? root : ".", rel);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("cannot open %s", path);
    char *buf = malloc(1 << 16);
    assert_non_null(buf);
    size_t n = fread(buf, 1, (1 << 16) - 1, f);
    fclose(f);
    buf[n] = '\0';
    if (len != NULL)
        *len = n;
    return buf;
}

static void test_checkpoint_openssl_vector(void **state)
{
    (void)state;
    const char *root = "ce20501aacd5afef89ed758835154783d5860b346571c9b2a77c158f5af18e8b";
    const char *at = "2026-11-29T14:34:46Z";
    char *pub = slurp("tests/data/gm-vectors/sm2-test-pub.pem", NULL);
    char *signed_txt = slurp("tests/data/ledger-checkpoint/signed.txt", NULL);
    char *sig = slurp("tests/data/ledger-checkpoint/signature.hex", NULL);
    struct lg_sm2_key *key = NULL;
    struct sx_buf text;
    struct sx_err err;
    sig[strcspn(sig, "\n")] = '\0';
    assert_int_equal(lg_sm2_key_from_pem(pub, strlen(pub), &key, NULL), 0);
    sx_buf_init(&text, 1024);
    assert_int_equal(lg_checkpoint_text(1000000, root, at, &text, NULL), 0);
    assert_string_equal(text.data, signed_txt); /* our text is byte for byte the signed file */
    assert_int_equal(lg_checkpoint_verify(key, 1000000, root, at, sig, NULL), 0);
    /* one field changed at a time: each must fail as a tamper */
    char root2[65], sig2[200];
    snprintf(root2, sizeof(root2), "%s", root);
    root2[63] = root2[63] == '0' ? '1' : '0';
    snprintf(sig2, sizeof(sig2), "%s", sig);
    sig2[strlen(sig2) - 1] = sig2[strlen(sig2) - 1] == '0' ? '1' : '0';
    static const struct {
        const char *what;
        int64_t size;
        int root_changed, at_changed, sig_changed;
        const char *sig_text;
    } rows[] = {
        {"size", 999999, 0, 0, 0, NULL},
        {"root", 1000000, 1, 0, 0, NULL},
        {"made_at", 1000000, 0, 1, 0, NULL},
        {"signature bit", 1000000, 0, 0, 1, NULL},
        {"signature not hex", 1000000, 0, 0, 0, "zz"},
        {"signature empty", 1000000, 0, 0, 0, ""},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        sx_err_clear(&err);
        int rc = lg_checkpoint_verify(key, rows[i].size, rows[i].root_changed ? root2 : root,
                                      rows[i].at_changed ? "2026-11-29T14:34:47Z" : at,
                                      rows[i].sig_text != NULL ? rows[i].sig_text
                                      : rows[i].sig_changed    ? sig2
                                                               : sig,
                                      &err);
        if (rc != SX_E_TAMPER || strcmp(err.type, "checkpoint-signature-invalid") != 0)
            fail_msg("%s changed: rc %d %s", rows[i].what, rc, err.type);
    }
    /* our own signature round-trips and is bound to the key */
    struct lg_sm2_key *mine = NULL;
    char mysig[LG_SIG_HEX_MAX + 1];
    assert_int_equal(lg_sm2_key_generate(&mine, NULL), 0);
    assert_int_equal(lg_checkpoint_sign(mine, 7, root, at, mysig, NULL), 0);
    assert_int_equal(lg_checkpoint_verify(mine, 7, root, at, mysig, NULL), 0);
    assert_int_equal(lg_checkpoint_verify(key, 7, root, at, mysig, NULL), SX_E_TAMPER);
    /* malformed fields are refused before signing */
    assert_int_equal(lg_checkpoint_sign(mine, 0, root, at, mysig, NULL), SX_E_INVALID);
    assert_int_equal(lg_checkpoint_sign(mine, 7, "ABC", at, mysig, NULL), SX_E_INVALID);
    lg_sm2_key_free(mine);
    lg_sm2_key_free(key);
    sx_buf_free(&text);
    free(pub);
    free(signed_txt);
    free(sig);
}

static void test_key_path(void **state)
{
    (void)state;
    static const struct {
        const char *db, *given, *want;
    } rows[] = {
        {"var/sanxiang.db", NULL, "var/ledger-key.pem"},
        {"/srv/sx/data.db", NULL, "/srv/sx/ledger-key.pem"},
        {"data.db", NULL, "ledger-key.pem"},
        {"postgresql:///sx?host=/run/pg", NULL, "var/ledger-key.pem"},
        {"postgres://u@h/sx", NULL, "var/ledger-key.pem"},
        {"var/sanxiang.db", "/etc/sx/key.pem", "/etc/sx/key.pem"},
        {"var/sanxiang.db", "", "var/ledger-key.pem"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char out[256];
        app_ledger_key_path(rows[i].db, rows[i].given, out, sizeof(out));
        if (strcmp(out, rows[i].want) != 0)
            fail_msg("%s / %s: got %s, want %s", rows[i].db, rows[i].given ? rows[i].given : "-",
                     out, rows[i].want);
    }
}

/* ---- the app layer on a store ---- */

struct fx {
    int pg;
    char dir[64];
    char url[2048];
    char key[128];
    struct app *app;
    struct app_ctx ctx;
    int64_t org, user, cases[4];
    struct sx_err err;
};

static int pg_admin(const char *sql)
{
    PGconn *c = PQconnectdb(g_pg_admin);
    int ok = PQstatus(c) == CONNECTION_OK;
    if (ok) {
        PGresult *r = PQexec(c, sql);
        ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        if (!ok)
            fprintf(stderr, "PostgreSQL: %s", PQresultErrorMessage(r));
        PQclear(r);
    }
    PQfinish(c);
    return ok ? 0 : -1;
}

#define OK(fx, call)                                                                               \
    do {                                                                                           \
        sx_err_clear(&(fx)->err);                                                                  \
        int rc_ = (call);                                                                          \
        if (rc_ != 0)                                                                              \
            fail_msg("%s -> %d %s: %s", #call, rc_, (fx)->err.type, (fx)->err.detail);             \
    } while (0)

static void fx_open(struct fx *fx, int pg)
{
    const char *root = getenv("SANXIANG_ROOT");
    memset(fx, 0, sizeof(*fx));
    fx->pg = pg;
    snprintf(fx->dir, sizeof(fx->dir), "/tmp/sx-ledger-XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    snprintf(fx->key, sizeof(fx->key), "%s/key.pem", fx->dir);
    if (pg) {
        char sql[256];
        snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", g_pg_db);
        assert_int_equal(pg_admin(sql), 0);
        snprintf(sql, sizeof(sql), "CREATE DATABASE %s ENCODING 'UTF8' TEMPLATE template0",
                 g_pg_db);
        assert_int_equal(pg_admin(sql), 0);
        snprintf(fx->url, sizeof(fx->url), "%s", g_pg_url);
    } else {
        snprintf(fx->url, sizeof(fx->url), "%s/l.db", fx->dir);
    }
    OK(fx, app_open(root != NULL ? root : ".", &fx->app, &fx->err));
    OK(fx, app_ctx_open(fx->app, fx->url, &fx->ctx, &fx->err));
    OK(fx, st_migrate(fx->ctx.db, NULL, &fx->err));
    OK(fx, st_begin(fx->ctx.db, &fx->err));
    struct st_org o = {.code = "T",
                       .name = "测试局",
                       .short_name = "测",
                       .level = "province",
                       .created_at = "2026-11-01T00:00:00Z"};
    OK(fx, st_org_insert(fx->ctx.db, &o, &fx->org, &fx->err));
    struct st_user u = {.org_id = fx->org,
                        .username = "u",
                        .display_name = "用户",
                        .password_hash = "x",
                        .roles = "officer",
                        .created_at = "2026-11-01T00:00:00Z"};
    OK(fx, st_user_insert(fx->ctx.db, &u, &fx->user, &fx->err));
    for (int i = 0; i < 4; i++) {
        struct st_case c = {.org_id = fx->org,
                            .kind = "penalty",
                            .state = "clue",
                            .created_at = "2026-11-01T00:00:00Z",
                            .created_by = fx->user};
        OK(fx, st_case_insert(fx->ctx.db, &c, &fx->cases[i], &fx->err));
    }
    OK(fx, st_commit(fx->ctx.db, &fx->err));
}

static void fx_close(struct fx *fx)
{
    char cmd[128];
    app_ctx_close(&fx->ctx);
    app_close(fx->app);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", fx->dir);
    assert_int_equal(system(cmd), 0);
}

/* Append one record to case i on db (inside the caller's transaction when in_tx). */
static int64_t append(struct fx *fx, struct st_db *db, int i, int n, int in_tx)
{
    char body[64];
    struct st_record out;
    snprintf(body, sizeof(body), "{\"n\":%d,\"title\":\"第%d条\"}", n, n);
    struct st_record_new in = {.case_id = fx->cases[i],
                               .type = "note",
                               .action = "note",
                               .at = "2026-11-02T03:00:00Z",
                               .recorded_at = "2026-11-02T03:00:00Z",
                               .actor_id = fx->user,
                               .body = body};
    if (!in_tx)
        OK(fx, st_begin(db, &fx->err));
    OK(fx, st_record_append(db, &in, fx->ctx.arena, &out, &fx->err));
    if (!in_tx)
        OK(fx, st_commit(db, &fx->err));
    return out.id;
}

static void check_inclusion(struct fx *fx, struct app_ledger *lg, int64_t record_id,
                            const struct st_ledger_checkpoint *cp, int64_t want_index)
{
    struct app_ledger_inclusion p;
    struct lg_hasher h = lg_hasher_sm3(NULL);
    uint8_t path[LG_MERKLE_PATH_MAX][LG_HASH_LEN], leaf[LG_HASH_LEN], root[LG_HASH_LEN];
    uint8_t rh[LG_SM3_LEN];
    OK(fx, app_ledger_inclusion(lg, &fx->ctx, record_id, 0, &p, &fx->err));
    assert_int_equal(p.tree_size, cp->tree_size);
    assert_string_equal(p.root, cp->root);
    if (want_index >= 0)
        assert_int_equal(p.leaf_index, want_index);
    for (size_t i = 0; i < p.count; i++)
        assert_int_equal(lg_hex_decode(p.path[i], 64, path[i], LG_HASH_LEN, NULL), 0);
    assert_int_equal(lg_hex_decode(p.record_hash, 64, rh, LG_SM3_LEN, NULL), 0);
    assert_int_equal(lg_merkle_leaf_hash(&h, rh, LG_SM3_LEN, leaf, NULL), 0);
    assert_int_equal(lg_hex_decode(cp->root, 64, root, LG_HASH_LEN, NULL), 0);
    assert_int_equal(lg_merkle_verify_inclusion(&h, (uint64_t)p.leaf_index, (uint64_t)p.tree_size,
                                                leaf, path[0], p.count, root, NULL),
                     0);
}

static void run_sync_proofs(int pg)
{
    struct fx fx;
    struct app_ledger_sync_stats st;
    struct st_ledger_checkpoint cp1, cp2, again;
    struct app_ledger *lg = NULL;
    struct app_ledger_verify_stats vs;
    int64_t ids[64];
    int made = 0;
    fx_open(&fx, pg);

    /* nothing to sign yet */
    struct lg_sm2_key *key = NULL;
    OK(&fx, app_ledger_key_load(fx.key, 1, &key, NULL, &fx.err));
    sx_err_clear(&fx.err);
    assert_int_equal(
        app_ledger_checkpoint_db(&fx.ctx, key, "2026-11-02T04:00:00Z", &cp1, &made, &fx.err),
        SX_E_NOTFOUND);
    assert_string_equal(fx.err.type, "ledger-empty");

    /* 37 records over 4 cases, interleaved: leaves follow record ids */
    for (int n = 0; n < 37; n++)
        ids[n] = append(&fx, fx.ctx.db, n % 4, n, 0);
    OK(&fx, app_ledger_sync_db(&fx.ctx, &st, &fx.err));
    assert_int_equal(st.added, 37);
    assert_int_equal(st.tree_size, 37);
    OK(&fx, app_ledger_sync_db(&fx.ctx, &st, &fx.err));
    assert_int_equal(st.added, 0);
    for (int n = 0; n < 37; n++) {
        int64_t idx = -1;
        OK(&fx, st_ledger_leaf_of_record(fx.ctx.db, ids[n], &idx, &fx.err));
        assert_int_equal(idx, n);
    }

    /* the server's ledger: tree rebuilt from the table; its thread stays idle (1 h) */
    OK(&fx, app_ledger_open(fx.app, fx.url, fx.key, 3600 * 1000, 3600, &lg, &fx.err));
    assert_int_equal(app_ledger_size(lg), 37);
    OK(&fx, app_ledger_checkpoint(lg, fx.ctx.arena, &cp1, &made, &fx.err));
    assert_true(made);
    assert_int_equal(cp1.tree_size, 37);
    OK(&fx, app_ledger_checkpoint(lg, fx.ctx.arena, &again, &made, &fx.err));
    assert_false(made); /* no growth, no new checkpoint */
    assert_int_equal(again.tree_size, 37);
    OK(&fx,
       lg_checkpoint_verify(key, cp1.tree_size, cp1.root, cp1.made_at, cp1.signature, &fx.err));
    for (int n = 0; n < 37; n++)
        check_inclusion(&fx, lg, ids[n], &cp1, n);

    /* more records; the CLI-style checkpoint (root from the table) agrees with the tree */
    for (int n = 37; n < 64; n++)
        ids[n] = append(&fx, fx.ctx.db, n % 4, n, 0);
    sx_err_clear(&fx.err);
    struct app_ledger_inclusion p;
    assert_int_equal(app_ledger_inclusion(lg, &fx.ctx, ids[50], 0, &p, &fx.err), SX_E_NOTFOUND);
    OK(&fx, app_ledger_checkpoint_db(&fx.ctx, key, "2026-11-02T05:00:00Z", &cp2, &made, &fx.err));
    assert_true(made);
    assert_int_equal(cp2.tree_size, 64);
    OK(&fx, app_ledger_sync(lg, &st, &fx.err)); /* the server catches up on the CLI's leaves */
    assert_int_equal(st.added, 0);
    assert_int_equal(app_ledger_size(lg), 64);
    for (int n = 0; n < 64; n++)
        check_inclusion(&fx, lg, ids[n], &cp2, n);
    struct app_ledger_consistency c;
    OK(&fx, app_ledger_consistency(lg, fx.ctx.arena, 37, 64, &c, &fx.err));
    assert_string_equal(c.root1, cp1.root);
    assert_string_equal(c.root2, cp2.root);
    {
        struct lg_hasher h = lg_hasher_sm3(NULL);
        uint8_t path[LG_MERKLE_PATH_MAX][LG_HASH_LEN], r1[32], r2[32];
        for (size_t i = 0; i < c.count; i++)
            assert_int_equal(lg_hex_decode(c.path[i], 64, path[i], 32, NULL), 0);
        assert_int_equal(lg_hex_decode(cp1.root, 64, r1, 32, NULL), 0);
        assert_int_equal(lg_hex_decode(cp2.root, 64, r2, 32, NULL), 0);
        assert_int_equal(lg_merkle_verify_consistency(&h, 37, 64, r1, r2, path[0], c.count, NULL),
                         0);
    }
    sx_err_clear(&fx.err);
    assert_int_equal(app_ledger_consistency(lg, fx.ctx.arena, 37, 65, &c, &fx.err), SX_E_INVALID);
    sx_err_clear(&fx.err);
    assert_int_equal(app_ledger_inclusion(lg, &fx.ctx, ids[0], 65, &p, &fx.err), SX_E_INVALID);
    sx_err_clear(&fx.err);
    assert_int_equal(app_ledger_inclusion(lg, &fx.ctx, 999999, 0, &p, &fx.err), SX_E_NOTFOUND);

    OK(&fx, app_ledger_verify(&fx.ctx, fx.key, &vs, &fx.err));
    assert_int_equal(vs.leaves, 64);
    assert_int_equal(vs.checkpoints, 2);
    assert_int_equal(vs.unsequenced, 0);
    append(&fx, fx.ctx.db, 0, 99, 0);
    OK(&fx, app_ledger_verify(&fx.ctx, fx.key, &vs, &fx.err));
    assert_int_equal(vs.unsequenced, 1);

    app_ledger_close(lg);
    lg_sm2_key_free(key);
    fx_close(&fx);
}

static void test_sync_proofs_sqlite(void **state)
{
    (void)state;
    run_sync_proofs(0);
}

static void test_sync_proofs_pg(void **state)
{
    (void)state;
    if (g_pg_admin[0] == '\0')
        skip();
    run_sync_proofs(1);
}

/*
 * PostgreSQL: writer A takes record id X and stays open while writer B commits X + 1 and the
 * sequencer runs pass after pass (more than a second apart, so the watermark could move); once
 * A commits, X must still get its leaf.
 */
static void test_late_commit_pg(void **state)
{
    (void)state;
    struct fx fx;
    struct st_db *a = NULL;
    struct app_ledger *lg = NULL;
    struct app_ledger_sync_stats st;
    int64_t idx;
    if (g_pg_admin[0] == '\0')
        skip();
    fx_open(&fx, 1);
    append(&fx, fx.ctx.db, 0, 0, 0);
    OK(&fx, app_ledger_open(fx.app, fx.url, fx.key, 3600 * 1000, 3600, &lg, &fx.err));
    OK(&fx, st_open(fx.url, &a, &fx.err));
    OK(&fx, st_begin(a, &fx.err));
    int64_t late = append(&fx, a, 1, 1, 1);
    int64_t early = append(&fx, fx.ctx.db, 2, 2, 0);
    assert_true(early > late);
    for (int pass = 0; pass < 3; pass++) {
        OK(&fx, app_ledger_sync(lg, &st, &fx.err));
        assert_int_equal(st.added, pass == 0 ? 2 : 0); /* the first record and `early` */
        sx_err_clear(&fx.err);
        assert_int_equal(st_ledger_leaf_of_record(fx.ctx.db, late, &idx, &fx.err), SX_E_NOTFOUND);
        usleep(1100 * 1000);
    }
    OK(&fx, st_commit(a, &fx.err));
    OK(&fx, app_ledger_sync(lg, &st, &fx.err));
    assert_int_equal(st.added, 1);
    OK(&fx, st_ledger_leaf_of_record(fx.ctx.db, late, &idx, &fx.err));
    assert_int_equal(idx, 2); /* after the two that committed first */
    assert_int_equal(app_ledger_size(lg), 3);
    st_close(a);
    app_ledger_close(lg);
    fx_close(&fx);
}

/*
 * More checkpoints than one page of the store (ST_LIST_MAX): verify walks them all beside the
 * leaves, and names a bad one on a later page by its size.
 */
static void test_verify_many_checkpoints(void **state)
{
    (void)state;
    struct fx fx;
    struct app_ledger_sync_stats st;
    struct app_ledger_verify_stats vs;
    struct lg_sm2_key *key = NULL;
    struct lg_hasher h = lg_hasher_sm3(NULL);
    struct lg_compact c;
    const int n = ST_LIST_MAX + 205;
    fx_open(&fx, 0);
    OK(&fx, app_ledger_key_load(fx.key, 1, &key, NULL, &fx.err));
    OK(&fx, st_begin(fx.ctx.db, &fx.err));
    for (int i = 0; i < n; i++) {
        append(&fx, fx.ctx.db, i % 4, i, 1);
        sx_arena_reset(fx.ctx.arena);
    }
    OK(&fx, st_commit(fx.ctx.db, &fx.err));
    OK(&fx, app_ledger_sync_db(&fx.ctx, &st, &fx.err));
    assert_int_equal(st.added, n);
    /* a checkpoint at every size, signed here from roots computed from the records */
    lg_compact_init(&c);
    char key_id[LG_SM3_HEX_LEN + 1];
    OK(&fx, lg_checkpoint_key_id(key, key_id, &fx.err));
    OK(&fx, st_begin(fx.ctx.db, &fx.err));
    for (int i = 0; i < n; i++) {
        int64_t idx;
        struct st_record rec;
        uint8_t rh[LG_SM3_LEN], leaf[LG_HASH_LEN], root[LG_HASH_LEN];
        char root_hex[LG_SM3_HEX_LEN + 1], sig[LG_SIG_HEX_MAX + 1];
        OK(&fx, st_record_get(fx.ctx.db, i + 1, fx.ctx.arena, &rec, &fx.err));
        OK(&fx, st_ledger_leaf_of_record(fx.ctx.db, rec.id, &idx, &fx.err));
        assert_int_equal(idx, i);
        assert_int_equal(lg_hex_decode(rec.hash, 64, rh, LG_SM3_LEN, NULL), 0);
        assert_int_equal(lg_merkle_leaf_hash(&h, rh, LG_SM3_LEN, leaf, NULL), 0);
        assert_int_equal(lg_compact_push(&c, &h, leaf, NULL), 0);
        assert_int_equal(lg_compact_root(&c, &h, root, NULL), 0);
        lg_hex_encode(root, LG_HASH_LEN, root_hex);
        const char *at = "2026-11-02T06:00:00Z";
        OK(&fx, lg_checkpoint_sign(key, i + 1, root_hex, at, sig, &fx.err));
        if (i + 1 == n - 3) /* one bad signature, on the second page */
            sig[strlen(sig) - 1] = sig[strlen(sig) - 1] == '0' ? '1' : '0';
        struct st_ledger_checkpoint cp = {.tree_size = i + 1,
                                          .root = root_hex,
                                          .made_at = at,
                                          .signature = sig,
                                          .key_id = key_id};
        OK(&fx, st_ledger_checkpoint_insert(fx.ctx.db, &cp, &fx.err));
        sx_arena_reset(fx.ctx.arena);
    }
    OK(&fx, st_commit(fx.ctx.db, &fx.err));
    sx_err_clear(&fx.err);
    assert_int_equal(app_ledger_verify(&fx.ctx, fx.key, &vs, &fx.err), SX_E_TAMPER);
    assert_string_equal(fx.err.type, "checkpoint-signature-invalid");
    char want[64];
    snprintf(want, sizeof(want), "树大小 %d 的检查点", n - 3);
    if (strstr(fx.err.detail, want) == NULL)
        fail_msg("want %s in: %s", want, fx.err.detail);
    lg_sm2_key_free(key);
    fx_close(&fx);
}

static void test_verify_many_checkpoints_good(void **state)
{
    (void)state;
    struct fx fx;
    struct app_ledger_sync_stats st;
    struct app_ledger_verify_stats vs;
    struct lg_sm2_key *key = NULL;
    struct lg_hasher h = lg_hasher_sm3(NULL);
    struct lg_compact c;
    const int n = ST_LIST_MAX + 205;
    char key_id[LG_SM3_HEX_LEN + 1];
    fx_open(&fx, 0);
    OK(&fx, app_ledger_key_load(fx.key, 1, &key, NULL, &fx.err));
    OK(&fx, lg_checkpoint_key_id(key, key_id, &fx.err));
    OK(&fx, st_begin(fx.ctx.db, &fx.err));
    for (int i = 0; i < n; i++) {
        append(&fx, fx.ctx.db, i % 4, i, 1);
        sx_arena_reset(fx.ctx.arena);
    }
    OK(&fx, st_commit(fx.ctx.db, &fx.err));
    OK(&fx, app_ledger_sync_db(&fx.ctx, &st, &fx.err));
    lg_compact_init(&c);
    OK(&fx, st_begin(fx.ctx.db, &fx.err));
    for (int i = 0; i < n; i++) {
        struct st_record rec;
        uint8_t rh[LG_SM3_LEN], leaf[LG_HASH_LEN], root[LG_HASH_LEN];
        char root_hex[LG_SM3_HEX_LEN + 1], sig[LG_SIG_HEX_MAX + 1];
        OK(&fx, st_record_get(fx.ctx.db, i + 1, fx.ctx.arena, &rec, &fx.err));
        assert_int_equal(lg_hex_decode(rec.hash, 64, rh, LG_SM3_LEN, NULL), 0);
        assert_int_equal(lg_merkle_leaf_hash(&h, rh, LG_SM3_LEN, leaf, NULL), 0);
        assert_int_equal(lg_compact_push(&c, &h, leaf, NULL), 0);
        assert_int_equal(lg_compact_root(&c, &h, root, NULL), 0);
        lg_hex_encode(root, LG_HASH_LEN, root_hex);
        OK(&fx, lg_checkpoint_sign(key, i + 1, root_hex, "2026-11-02T06:00:00Z", sig, &fx.err));
        struct st_ledger_checkpoint cp = {.tree_size = i + 1,
                                          .root = root_hex,
                                          .made_at = "2026-11-02T06:00:00Z",
                                          .signature = sig,
                                          .key_id = key_id};
        OK(&fx, st_ledger_checkpoint_insert(fx.ctx.db, &cp, &fx.err));
        sx_arena_reset(fx.ctx.arena);
    }
    OK(&fx, st_commit(fx.ctx.db, &fx.err));
    OK(&fx, app_ledger_verify(&fx.ctx, fx.key, &vs, &fx.err));
    assert_int_equal(vs.leaves, n);
    assert_int_equal(vs.checkpoints, n);
    lg_sm2_key_free(key);
    fx_close(&fx);
}

static int group_setup(void **state)
{
    (void)state;
    const char *url = getenv("SANXIANG_TEST_PG_URL");
    if (url == NULL || url[0] == '\0')
        return 0;
    snprintf(g_pg_admin, sizeof(g_pg_admin), "%s", url);
    snprintf(g_pg_db, sizeof(g_pg_db), "sx_ledger_test_%d", (int)getpid());
    /* the same URL with our database's name in place of the admin one */
    const char *auth = strstr(url, "://");
    const char *path = auth != NULL ? strchr(auth + 3, '/') : NULL;
    const char *query = strchr(url, '?');
    if (path == NULL || (query != NULL && path > query))
        return -1;
    snprintf(g_pg_url, sizeof(g_pg_url), "%.*s/%s%s", (int)(path - url), url, g_pg_db,
             query != NULL ? query : "");
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (g_pg_admin[0] != '\0') {
        char sql[256];
        snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", g_pg_db);
        (void)pg_admin(sql);
    }
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_checkpoint_openssl_vector),
        cmocka_unit_test(test_key_path),
        cmocka_unit_test(test_sync_proofs_sqlite),
        cmocka_unit_test(test_sync_proofs_pg),
        cmocka_unit_test(test_late_commit_pg),
        cmocka_unit_test(test_verify_many_checkpoints),
        cmocka_unit_test(test_verify_many_checkpoints_good),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
