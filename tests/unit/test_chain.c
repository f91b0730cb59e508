/*
 * Unit tests for src/ledger/chain: the per-case hash chain of DESIGN §5.
 * Records may never be deleted, cut or edited (云南 附件2 第二十条 YN-2-20,
 * 湖北 附件2 第二十五条 HB-2-25): each tamper row below is one way to try, and
 * names where the walk must stop and which field it must blame.
 * Known answers were computed outside Sanxiang with `openssl dgst -sm3` over
 * 32 zero bytes (or the previous hash) followed by the envelope text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "ledger/chain.h"
#include "ledger/crypto.h"
#include "sx_buf.h"
#include "sx_err.h"

#define NREC 6
#define CASE_ID 7

/* A stored record with its own string storage. */
struct stored {
    struct lg_record r;
    char type[64];
    char at[40];
    char body[512];
    char prev[LG_SM3_HEX_LEN + 1];
    char hash[LG_SM3_HEX_LEN + 1];
};

static void point(struct stored *s)
{
    s->r.type = s->type;
    s->r.at = s->at;
    s->r.body = s->body;
    s->r.prev_hash_hex = s->prev;
    s->r.hash_hex = s->hash;
}

static struct lg_chain chain;

static int setup(void **state)
{
    (void)state;
    return lg_chain_open(&chain, NULL);
}

static int teardown(void **state)
{
    (void)state;
    lg_chain_close(&chain);
    return 0;
}

/* ---- known answers ---- */

static const struct {
    struct lg_record r;
    const char *envelope;
    const char *hash; /* openssl dgst -sm3 over prev || envelope */
    const char *why;
} known_rows[] = {
    {{101, 7, 1, 3, 0, "filing", "2026-03-02T08:15:00Z",
      "{\"cause\":\"虚构医疗服务\",\"fine_fen\":500000}", NULL, NULL, NULL, NULL},
     "{\"actor\":3,\"at\":\"2026-03-02T08:15:00Z\",\"body\":{\"cause\":\"虚构医疗服务\",\"fine_"
     "fen\":"
     "500000},\"case\":7,\"corrects\":null,\"seq\":1,\"type\":\"filing\"}",
     "73c0a58fa7c6e55947d5a72ef0d09c11d265054c2173f29d81a1225620220ad5",
     "first record: prev = 32 zero bytes, corrects null"},
    {{102, 7, 2, 4, 101, "correction", "2026-03-03T09:00:00.250Z",
      "{\"note\":\"更正：\\\"金额\\\"有误\\n\"}", NULL, NULL, NULL, NULL},
     "{\"actor\":4,\"at\":\"2026-03-03T09:00:00.250Z\",\"body\":{\"note\":"
     "\"更正：\\\"金额\\\"有误\\n\"},"
     "\"case\":7,\"corrects\":101,\"seq\":2,\"type\":\"correction\"}",
     "d9e26bfe3c41bce2a0a125336122d7a9333e456587b96a4b13e4c331443d05b3",
     "second record: prev = first hash, corrects 101, escapes in body"},
    {{103, 7, 1, 3, 0, "filing_approval", "2026-03-02T08:15:00Z", "{\"cause\":\"虚构医疗服务\"}",
      NULL, NULL, "file", "2026-03-02T08:20:00Z"},
     "{\"action\":\"file\",\"actor\":3,\"at\":\"2026-03-02T08:15:00Z\",\"body\":{\"cause\":"
     "\"虚构医疗服务\"},\"case\":7,\"corrects\":null,\"recorded_at\":\"2026-03-02T08:20:00Z\","
     "\"seq\":1,\"type\":\"filing_approval\"}",
     "c2ec7af91e523f6cc9d6371609e413c42935884ad021263b8e59f3548054df2e",
     "record made by a workflow action: \"action\" first, \"recorded_at\" after \"corrects\""},
};

static void test_known_answers(void **state)
{
    char prev[LG_SM3_HEX_LEN + 1] = "";
    (void)state;
    for (size_t i = 0; i < sizeof(known_rows) / sizeof(known_rows[0]); i++) {
        struct sx_buf env;
        char hash[LG_SM3_HEX_LEN + 1];
        struct sx_err e;
        sx_buf_init(&env, 4096);
        sx_err_clear(&e);
        assert_int_equal(lg_chain_envelope(&known_rows[i].r, &env, &e), 0);
        if (strcmp(env.data, known_rows[i].envelope) != 0)
            fail_msg("row %zu (%s): envelope\n%s\nwant\n%s", i, known_rows[i].why, env.data,
                     known_rows[i].envelope);
        if (known_rows[i].r.seq == 1)
            prev[0] = '\0'; /* a new chain starts from 32 zero bytes */
        if (lg_chain_seal(&chain, prev, &known_rows[i].r, hash, &e) != 0)
            fail_msg("row %zu (%s): %s", i, known_rows[i].why, e.detail);
        if (strcmp(hash, known_rows[i].hash) != 0)
            fail_msg("row %zu (%s): hash %s want %s", i, known_rows[i].why, hash,
                     known_rows[i].hash);
        memcpy(prev, hash, sizeof(prev));
        sx_buf_free(&env);
    }
}

/* ---- envelope == canon_json of the same object, on many rows ---- */

static uint32_t rng = 2026;

static uint32_t rnd(void)
{
    rng = rng * 1664525u + 1013904223u;
    return rng >> 8;
}

static void random_text(char *out, size_t cap)
{
    static const char *const atoms[] = {"a",    "Z",    "检查", "\"", "\\", "/", "\n", "\t",
                                        "\x01", "\x1f", "é",    "😀",  " ",  "0", "_",  "〔"};
    size_t n = 0;
    for (int k = (int)(rnd() % 6); k > 0; k--) {
        const char *a = atoms[rnd() % (sizeof(atoms) / sizeof(atoms[0]))];
        if (n + strlen(a) + 1 >= cap)
            break;
        memcpy(out + n, a, strlen(a));
        n += strlen(a);
    }
    out[n] = '\0';
}

static void test_envelope_equals_canon_json(void **state)
{
    (void)state;
    for (int i = 0; i < 1000; i++) {
        char type[64], at[64], btxt[64];
        struct lg_record r;
        json_t *body = json_object();
        json_t *obj;
        struct sx_buf bodytxt, env, canon;
        random_text(type, sizeof(type));
        random_text(at, sizeof(at));
        random_text(btxt, sizeof(btxt));
        json_object_set_new(body, btxt, json_integer((json_int_t)rnd() - 100000));
        json_object_set_new(body, "k", json_string(type));
        if (i % 3 == 0)
            json_object_set_new(body, "list", json_pack("[i,b,n,{s:s}]", i, i % 2, "z", at));
        sx_buf_init(&bodytxt, 1 << 16);
        sx_buf_init(&env, 1 << 16);
        sx_buf_init(&canon, 1 << 16);
        assert_int_equal(canon_json(body, &bodytxt, NULL), 0);
        memset(&r, 0, sizeof(r));
        r.id = i + 1;
        r.case_id = (int64_t)(rnd() % 100000) + (i == 7 ? INT64_MAX / 2 : 0);
        r.seq = 1 + (int64_t)(rnd() % 5000);
        r.actor_id = (int64_t)(rnd() % 3000);
        r.corrects = i % 4 == 0 ? 0 : (int64_t)(rnd() % 9999) + 1;
        r.type = type;
        r.at = at;
        r.body = bodytxt.data;
        assert_int_equal(lg_chain_envelope(&r, &env, NULL), 0);
        obj = json_pack("{s:I,s:s,s:O,s:I,s:o,s:I,s:s}", "actor", (json_int_t)r.actor_id, "at", at,
                        "body", body, "case", (json_int_t)r.case_id, "corrects",
                        r.corrects == 0 ? json_null() : json_integer(r.corrects), "seq",
                        (json_int_t)r.seq, "type", type);
        assert_non_null(obj);
        if (i % 2 == 1) {
            /* half the rows carry the workflow action that made them */
            r.action = at;
            r.recorded_at = type;
            json_object_set_new(obj, "action", json_string(at));
            json_object_set_new(obj, "recorded_at", json_string(type));
            sx_buf_reset(&env);
            assert_int_equal(lg_chain_envelope(&r, &env, NULL), 0);
        }
        assert_int_equal(canon_json(obj, &canon, NULL), 0);
        if (env.len != canon.len || memcmp(env.data, canon.data, env.len) != 0)
            fail_msg("row %d: envelope\n%s\ncanon_json\n%s", i, env.data, canon.data);
        json_decref(obj);
        json_decref(body);
        sx_buf_free(&bodytxt);
        sx_buf_free(&env);
        sx_buf_free(&canon);
    }
}

/* ---- a stored chain and ways to tamper with it ---- */

static const char *const bodies[NREC] = {
    "{\"cause\":\"虚构医疗服务\",\"source\":\"举报\"}",
    "{\"officers\":[11,12],\"place\":\"某医院住院部\"}",
    "{\"fine_fen\":500000,\"items\":[{\"code\":\"A1\",\"fen\":250000}]}",
    "{\"party_heard\":true,\"statement\":\"对事实无异议\"}",
    "{\"decision_no\":\"京医保罚〔2026〕12号\",\"fine_fen\":500000}",
    "{\"mode\":\"direct\",\"receipt\":\"送达回证\"}",
};

static const char *const types[NREC] = {"filing",    "inspection", "investigation_end",
                                        "statement", "decision",   "service"};

/* Seal NREC records of CASE_ID into s; head hash into head. */
static void make_chain(struct stored *s, char head[LG_SM3_HEX_LEN + 1])
{
    const char *prev = "";
    for (int i = 0; i < NREC; i++) {
        struct sx_err e;
        memset(&s[i], 0, sizeof(s[i]));
        point(&s[i]);
        s[i].r.id = 1000 + i;
        s[i].r.case_id = CASE_ID;
        s[i].r.seq = i + 1;
        s[i].r.actor_id = 11 + i % 2;
        s[i].r.corrects = 0;
        snprintf(s[i].type, sizeof(s[i].type), "%s", types[i]);
        snprintf(s[i].at, sizeof(s[i].at), "2026-03-%02dT0%d:00:00Z", 2 + i, i);
        snprintf(s[i].body, sizeof(s[i].body), "%s", bodies[i]);
        snprintf(s[i].prev, sizeof(s[i].prev), "%s", prev);
        sx_err_clear(&e);
        if (lg_chain_seal(&chain, prev, &s[i].r, s[i].hash, &e) != 0)
            fail_msg("seal %d: %s", i, e.detail);
        prev = s[i].hash;
    }
    /* The first record's stored prev_hash is 64 zeros, as the store keeps it. */
    memset(s[0].prev, '0', LG_SM3_HEX_LEN);
    s[0].prev[LG_SM3_HEX_LEN] = '\0';
    snprintf(head, LG_SM3_HEX_LEN + 1, "%s", s[NREC - 1].hash);
}

enum tamper {
    T_NONE,
    T_EDIT_BODY,       /* change a value in record 3's body, keep it canonical */
    T_EDIT_AT,         /* change record 2's time */
    T_EDIT_TYPE,       /* change record 4's type */
    T_EDIT_ACTOR,      /* change record 5's actor */
    T_EDIT_CORRECTS,   /* mark record 3 as correcting record 1000 */
    T_EDIT_SEQ_FIELD,  /* record 4 claims seq 5 */
    T_BODY_WHITESPACE, /* insert a space into record 3's body */
    T_BODY_KEY_ORDER,  /* swap two keys of record 2's body */
    T_DELETE_MIDDLE,   /* drop record 3 */
    T_DELETE_FIRST,    /* drop record 1 */
    T_DELETE_RENUMBER, /* drop record 3 and renumber 4..6 as 3..5, head adjusted */
    T_DUPLICATE,       /* record 3 twice */
    T_SWAP,            /* records 3 and 4 in swapped order */
    T_REHASH_ONE,      /* edit record 3 and recompute its hash only */
    T_REHASH_REST,     /* edit record 3 and re-seal 3..6 without updating the head */
    T_DELETE_TAIL,     /* drop record 6, head unchanged */
    T_APPEND,          /* a validly sealed record 7 the head does not count */
    T_PREV_NOT_HEX,    /* record 4's prev_hash has a non-hex char */
    T_HASH_MISSING,    /* record 2's hash is empty */
    T_HASH_UPPERCASE,  /* record 2's hash in uppercase hex: same bytes, accepted */
    T_PREV_UPPERCASE,  /* record 4's prev_hash in uppercase hex: same bytes, accepted */
    T_HASH_SHORT,      /* record 2's hash cut to 63 hex digits */
    T_TYPE_BAD_UTF8,   /* record 2's type bytes corrupted into invalid UTF-8 */
    T_OTHER_CASE,      /* record 3 belongs to another case: caller bug */
};

static const struct {
    enum tamper t;
    int rc;
    int stop_seq;      /* seq of the record whose step fails; 0 = finish fails; -1 = all ok */
    const char *field; /* err.field */
    const char *why;
} tamper_rows[] = {
    {T_NONE, 0, -1, "", "untouched chain verifies"},
    {T_EDIT_BODY, SX_E_TAMPER, 3, "hash", "edited body (YN-2-20: no editing)"},
    {T_EDIT_AT, SX_E_TAMPER, 2, "hash", "edited time"},
    {T_EDIT_TYPE, SX_E_TAMPER, 4, "hash", "edited type"},
    {T_EDIT_ACTOR, SX_E_TAMPER, 5, "hash", "edited actor"},
    {T_EDIT_CORRECTS, SX_E_TAMPER, 3, "hash", "edited corrects link"},
    {T_EDIT_SEQ_FIELD, SX_E_TAMPER, 5, "seq", "record 4 renumbered 5: gap"},
    {T_BODY_WHITESPACE, SX_E_TAMPER, 3, "body", "body no longer canonical"},
    {T_BODY_KEY_ORDER, SX_E_TAMPER, 2, "hash", "keys reordered: quick check passes, hash fails"},
    {T_DELETE_MIDDLE, SX_E_TAMPER, 4, "seq", "deleted record (YN-2-20: no deleting)"},
    {T_DELETE_FIRST, SX_E_TAMPER, 2, "seq", "deleted first record"},
    {T_DELETE_RENUMBER, SX_E_TAMPER, 3, "prev_hash", "deleted and renumbered"},
    {T_DUPLICATE, SX_E_TAMPER, 3, "seq", "duplicated record"},
    {T_SWAP, SX_E_TAMPER, 4, "seq", "records out of order"},
    {T_REHASH_ONE, SX_E_TAMPER, 4, "prev_hash", "edited and rehashed one record"},
    {T_REHASH_REST, SX_E_TAMPER, 0, "head_hash", "rewrote the rest of the chain; head catches it"},
    {T_DELETE_TAIL, SX_E_TAMPER, 0, "record_count", "deleted last record (cut)"},
    {T_APPEND, SX_E_TAMPER, 0, "record_count", "record appended beyond the head"},
    {T_PREV_NOT_HEX, SX_E_TAMPER, 4, "prev_hash", "prev_hash not hex"},
    {T_HASH_MISSING, SX_E_TAMPER, 2, "hash", "hash missing"},
    {T_HASH_UPPERCASE, 0, -1, "", "uppercase hex is the same hash"},
    {T_PREV_UPPERCASE, 0, -1, "", "uppercase prev_hash is the same hash"},
    {T_HASH_SHORT, SX_E_TAMPER, 2, "hash", "hash one digit short"},
    {T_TYPE_BAD_UTF8, SX_E_TAMPER, 2, "hash", "type corrupted to invalid UTF-8"},
    {T_OTHER_CASE, SX_E_INTERNAL, 3, "case_id", "record of another case fed to the walk"},
};

struct scenario {
    struct stored recs[NREC + 1];
    const struct lg_record *feed[NREC + 2];
    size_t n;
    char head[LG_SM3_HEX_LEN + 1];
    int64_t head_count;
};

/* Re-seal s[from..n) after an edit, as an attacker with the code would. */
static void reseal(struct scenario *sc, size_t from)
{
    for (size_t i = from; i < sc->n; i++) {
        struct stored *s =
            (struct stored *)((const char *)sc->feed[i] - offsetof(struct stored, r));
        const char *prev = i == 0 ? "" : sc->feed[i - 1]->hash_hex;
        snprintf(s->prev, sizeof(s->prev), "%s", i == 0 ? "" : prev);
        assert_int_equal(lg_chain_seal(&chain, prev, &s->r, s->hash, NULL), 0);
    }
}

static void build_scenario(struct scenario *sc, enum tamper t)
{
    struct stored *r = sc->recs;
    make_chain(r, sc->head);
    sc->head_count = NREC;
    sc->n = 0;
    for (int i = 0; i < NREC; i++)
        sc->feed[sc->n++] = &r[i].r;
    switch (t) {
    case T_NONE:
        break;
    case T_EDIT_BODY:
        snprintf(r[2].body, sizeof(r[2].body), "%s",
                 "{\"fine_fen\":50000,\"items\":[{\"code\":\"A1\",\"fen\":250000}]}");
        break;
    case T_EDIT_AT:
        r[1].at[18] = '1';
        break;
    case T_EDIT_TYPE:
        snprintf(r[3].type, sizeof(r[3].type), "waiver");
        break;
    case T_EDIT_ACTOR:
        r[4].r.actor_id = 99;
        break;
    case T_EDIT_CORRECTS:
        r[2].r.corrects = 1000;
        break;
    case T_EDIT_SEQ_FIELD:
        r[3].r.seq = 5;
        break;
    case T_BODY_WHITESPACE:
        snprintf(r[2].body, sizeof(r[2].body), "%s",
                 "{\"fine_fen\": 500000,\"items\":[{\"code\":\"A1\",\"fen\":250000}]}");
        break;
    case T_BODY_KEY_ORDER:
        snprintf(r[1].body, sizeof(r[1].body), "%s",
                 "{\"place\":\"某医院住院部\",\"officers\":[11,12]}");
        break;
    case T_DELETE_MIDDLE:
        memmove(&sc->feed[2], &sc->feed[3], 3 * sizeof(sc->feed[0]));
        sc->n--;
        break;
    case T_DELETE_FIRST:
        memmove(&sc->feed[0], &sc->feed[1], 5 * sizeof(sc->feed[0]));
        sc->n--;
        break;
    case T_DELETE_RENUMBER:
        memmove(&sc->feed[2], &sc->feed[3], 3 * sizeof(sc->feed[0]));
        sc->n--;
        for (int i = 3; i < NREC; i++)
            r[i].r.seq--;
        sc->head_count = NREC - 1;
        break;
    case T_DUPLICATE:
        memmove(&sc->feed[3], &sc->feed[2], 4 * sizeof(sc->feed[0]));
        sc->n++;
        break;
    case T_SWAP:
        sc->feed[2] = &r[3].r;
        sc->feed[3] = &r[2].r;
        break;
    case T_REHASH_ONE:
        snprintf(r[2].body, sizeof(r[2].body), "%s", "{\"fine_fen\":1}");
        assert_int_equal(lg_chain_seal(&chain, r[2].prev, &r[2].r, r[2].hash, NULL), 0);
        break;
    case T_REHASH_REST:
        snprintf(r[2].body, sizeof(r[2].body), "%s", "{\"fine_fen\":1}");
        reseal(sc, 2);
        break;
    case T_DELETE_TAIL:
        sc->n--;
        break;
    case T_APPEND:
        memset(&r[NREC], 0, sizeof(r[NREC]));
        point(&r[NREC]);
        r[NREC].r.id = 1000 + NREC;
        r[NREC].r.case_id = CASE_ID;
        r[NREC].r.seq = NREC + 1;
        r[NREC].r.actor_id = 11;
        snprintf(r[NREC].type, sizeof(r[NREC].type), "closing");
        snprintf(r[NREC].at, sizeof(r[NREC].at), "2026-04-01T00:00:00Z");
        snprintf(r[NREC].body, sizeof(r[NREC].body), "{}");
        snprintf(r[NREC].prev, sizeof(r[NREC].prev), "%s", r[NREC - 1].hash);
        assert_int_equal(lg_chain_seal(&chain, r[NREC - 1].hash, &r[NREC].r, r[NREC].hash, NULL),
                         0);
        sc->feed[sc->n++] = &r[NREC].r;
        break;
    case T_PREV_NOT_HEX:
        r[3].prev[10] = 'x';
        break;
    case T_HASH_MISSING:
        r[1].hash[0] = '\0';
        break;
    case T_HASH_UPPERCASE:
        for (char *c = r[1].hash; *c != '\0'; c++)
            if (*c >= 'a' && *c <= 'f')
                *c = (char)(*c - 'a' + 'A');
        break;
    case T_PREV_UPPERCASE:
        for (char *c = r[3].prev; *c != '\0'; c++)
            if (*c >= 'a' && *c <= 'f')
                *c = (char)(*c - 'a' + 'A');
        break;
    case T_HASH_SHORT:
        r[1].hash[LG_SM3_HEX_LEN - 1] = '\0';
        break;
    case T_TYPE_BAD_UTF8:
        r[1].type[0] = '\xff';
        break;
    case T_OTHER_CASE:
        r[2].r.case_id = CASE_ID + 1;
        break;
    }
}

static void test_tamper_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(tamper_rows) / sizeof(tamper_rows[0]); i++) {
        static struct scenario sc;
        struct lg_chain_walk w;
        struct sx_err e;
        int rc = 0;
        int stop_seq = -1;
        int64_t stop_id = 0;
        build_scenario(&sc, tamper_rows[i].t);
        sx_err_clear(&e);
        lg_chain_walk_init(&w, &chain, CASE_ID);
        for (size_t k = 0; k < sc.n && rc == 0; k++) {
            rc = lg_chain_walk_step(&w, sc.feed[k], &e);
            if (rc != 0) {
                stop_seq = (int)sc.feed[k]->seq;
                stop_id = sc.feed[k]->id;
            }
        }
        if (rc == 0) {
            rc = lg_chain_walk_finish(&w, sc.head, sc.head_count, &e);
            if (rc != 0)
                stop_seq = 0;
        }
        if (rc != tamper_rows[i].rc || stop_seq != tamper_rows[i].stop_seq)
            fail_msg("row %zu (%s): rc %d stop at seq %d, want rc %d at %d (%s)", i,
                     tamper_rows[i].why, rc, stop_seq, tamper_rows[i].rc, tamper_rows[i].stop_seq,
                     e.detail);
        assert_string_equal(e.field, tamper_rows[i].field);
        if (rc == SX_E_TAMPER) {
            char id[32];
            assert_string_equal(e.type, "record-tampered");
            assert_non_null(strstr(e.source, "YN-2-20"));
            assert_non_null(strstr(e.detail, "案件 7"));
            if (stop_seq > 0) { /* the message names the record */
                snprintf(id, sizeof(id), "记录 id %lld", (long long)stop_id);
                if (strstr(e.detail, id) == NULL)
                    fail_msg("row %zu: detail \"%s\" lacks \"%s\"", i, e.detail, id);
            }
        }
    }
}

/* A failed step leaves the walk as it was: the next correct record still fits. */
static void test_failed_step_leaves_walk(void **state)
{
    static struct scenario sc;
    struct lg_chain_walk w;
    (void)state;
    build_scenario(&sc, T_NONE);
    lg_chain_walk_init(&w, &chain, CASE_ID);
    assert_int_equal(lg_chain_walk_step(&w, sc.feed[0], NULL), 0);
    assert_int_equal(lg_chain_walk_step(&w, sc.feed[2], NULL), SX_E_TAMPER);
    assert_int_equal(lg_chain_walk_step(&w, sc.feed[0], NULL), SX_E_TAMPER);
    /* the head, as bytes and as the hex stored hashes are compared with, did not move */
    assert_string_equal(w.head_hex, sc.feed[0]->hash_hex);
    for (size_t k = 1; k < sc.n; k++)
        assert_int_equal(lg_chain_walk_step(&w, sc.feed[k], NULL), 0);
    assert_string_equal(w.head_hex, sc.head);
    assert_int_equal(lg_chain_walk_finish(&w, sc.head, NREC, NULL), 0);
    /* The same chain state verifies a second case after init. */
    lg_chain_walk_init(&w, &chain, CASE_ID);
    for (size_t k = 0; k < sc.n; k++)
        assert_int_equal(lg_chain_walk_step(&w, sc.feed[k], NULL), 0);
    assert_int_equal(lg_chain_walk_finish(&w, sc.head, NREC, NULL), 0);
}

static void test_empty_case(void **state)
{
    struct lg_chain_walk w;
    char zeros[LG_SM3_HEX_LEN + 1];
    struct sx_err e;
    (void)state;
    memset(zeros, '0', LG_SM3_HEX_LEN);
    zeros[LG_SM3_HEX_LEN] = '\0';
    lg_chain_walk_init(&w, &chain, 9);
    assert_int_equal(lg_chain_walk_finish(&w, NULL, 0, NULL), 0);
    assert_int_equal(lg_chain_walk_finish(&w, "", 0, NULL), 0);
    assert_int_equal(lg_chain_walk_finish(&w, zeros, 0, NULL), 0);
    sx_err_clear(&e);
    assert_int_equal(lg_chain_walk_finish(&w, known_rows[0].hash, 0, &e), SX_E_TAMPER);
    assert_string_equal(e.field, "head_hash");
    assert_int_equal(lg_chain_walk_finish(&w, NULL, 1, &e), SX_E_TAMPER);
    assert_string_equal(e.field, "record_count");
}

/* lg_chain_seal refuses records that could not be verified later. */
static const struct {
    const char *prev;
    int64_t seq, actor, corrects;
    const char *type, *at, *body;
    const char *field;
    const char *why;
} seal_rows[] = {
    {"", 1, 3, 0, "filing", "2026-03-02 08:15:00", "{}", "at", "space instead of T"},
    {"", 1, 3, 0, "filing", "2026-03-02T08:15:00+08:00", "{}", "at", "offset instead of Z"},
    {"", 1, 3, 0, "filing", "2026-03-02T08:15:00.Z", "{}", "at", "empty fraction"},
    {"", 1, 3, 0, "filing", "2026-03-02T08:15:00.1234567890Z", "{}", "at", "10-digit fraction"},
    {"", 0, 3, 0, "filing", "2026-03-02T08:15:00Z", "{}", "seq", "seq 0"},
    {"", 1, -1, 0, "filing", "2026-03-02T08:15:00Z", "{}", "seq", "negative actor"},
    {"", 1, 3, -5, "filing", "2026-03-02T08:15:00Z", "{}", "seq", "negative corrects"},
    {"", 1, 3, 0, "", "2026-03-02T08:15:00Z", "{}", "type", "empty type"},
    {"", 2, 3, 0, "filing", "2026-03-02T08:15:00Z", "{}", "prev_hash", "seq 2 without prev"},
    {"73c0a58fa7c6e55947d5a72ef0d09c11d265054c2173f29d81a1225620220ad5", 1, 3, 0, "filing",
     "2026-03-02T08:15:00Z", "{}", "prev_hash", "seq 1 with prev"},
    {"73c0", 2, 3, 0, "filing", "2026-03-02T08:15:00Z", "{}", "", "short prev hex"},
    {"", 1, 3, 0, "filing", "2026-03-02T08:15:00Z", "{\"b\":1,\"a\":2}", "body",
     "keys out of order (full check on seal)"},
    {"", 1, 3, 0, "filing", "2026-03-02T08:15:00Z", "{\"fen\":1.5}", "body", "real number"},
    {"", 1, 3, 0, "filing", "2026-03-02T08:15:00Z", "", "body", "empty body"},
    {"", 1, 3, 0, NULL, "2026-03-02T08:15:00Z", "{}", "type", "missing type"},
};

static void test_seal_rejects(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(seal_rows) / sizeof(seal_rows[0]); i++) {
        struct lg_record r = {500,
                              7,
                              seal_rows[i].seq,
                              seal_rows[i].actor,
                              seal_rows[i].corrects,
                              seal_rows[i].type,
                              seal_rows[i].at,
                              seal_rows[i].body,
                              NULL,
                              NULL,
                              NULL,
                              NULL};
        char hash[LG_SM3_HEX_LEN + 1];
        struct sx_err e;
        int rc;
        sx_err_clear(&e);
        rc = lg_chain_seal(&chain, seal_rows[i].prev, &r, hash, &e);
        if (rc != SX_E_INVALID)
            fail_msg("row %zu (%s): rc %d", i, seal_rows[i].why, rc);
        if (strcmp(e.field, seal_rows[i].field) != 0)
            fail_msg("row %zu (%s): field %s want %s", i, seal_rows[i].why, e.field,
                     seal_rows[i].field);
        assert_string_equal(hash, "");
    }
}

/* Accepted time forms: whole seconds and 1..9 fraction digits. */
static void test_seal_accepts_fractions(void **state)
{
    static const char *const ats[] = {"2026-03-02T08:15:00Z", "2026-03-02T08:15:00.5Z",
                                      "2026-03-02T08:15:00.123456789Z"};
    (void)state;
    for (size_t i = 0; i < sizeof(ats) / sizeof(ats[0]); i++) {
        struct lg_record r = {1, 7, 1, 3, 0, "filing", ats[i], "{}", NULL, NULL, NULL, NULL};
        char hash[LG_SM3_HEX_LEN + 1];
        assert_int_equal(lg_chain_seal(&chain, NULL, &r, hash, NULL), 0);
        assert_int_equal(strlen(hash), LG_SM3_HEX_LEN);
    }
}

/* lg_chain_hash with prev NULL equals seal of a first record. */
static void test_hash_matches_seal(void **state)
{
    uint8_t h[LG_SM3_LEN];
    char hex[LG_SM3_HEX_LEN + 1];
    (void)state;
    assert_int_equal(lg_chain_hash(&chain, NULL, &known_rows[0].r, h, NULL), 0);
    lg_hex_encode(h, sizeof(h), hex);
    assert_string_equal(hex, known_rows[0].hash);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_answers),
        cmocka_unit_test(test_envelope_equals_canon_json),
        cmocka_unit_test(test_tamper_table),
        cmocka_unit_test(test_failed_step_leaves_walk),
        cmocka_unit_test(test_empty_case),
        cmocka_unit_test(test_seal_rejects),
        cmocka_unit_test(test_seal_accepts_fractions),
        cmocka_unit_test(test_hash_matches_seal),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
