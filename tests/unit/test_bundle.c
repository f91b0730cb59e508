/*
 * Unit tests for src/ledger/bundle: the case-file bundle's manifest and its
 * offline verifier (DESIGN §5; issue 5 point 5: "a bundle with one byte
 * changed" is a clear error). A bundle is built here from first principles —
 * records sealed with the chain API, a Merkle tree with other cases' leaves
 * around them, a checkpoint signed with a fresh SM2 key — then each table row
 * alters it one way (as an attacker who may also rewrite the manifest) and
 * names what the report must blame.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/canon.h"
#include "ledger/bundle.h"
#include "ledger/chain.h"
#include "ledger/checkpoint.h"
#include "ledger/crypto.h"
#include "ledger/merkle.h"
#include "sx_buf.h"
#include "sx_err.h"

#define CASE_ID 7
#define NREC 5
#define OTHER_LEAVES 4 /* leaves of other cases before ours: tree size NREC + OTHER_LEAVES + 2 */
#define MAXF 16
#define MADE_AT "2026-11-20T08:00:00Z"

static const char PDF[] = "%PDF-1.7 not really a PDF, but bytes with a hash";

struct fx {
    const char *names[MAXF];
    struct sx_buf bufs[MAXF];
    size_t n;
    struct lg_sm2_key *key;
    char head[LG_SM3_HEX_LEN + 1];
    char pdf_sm3[LG_SM3_HEX_LEN + 1];
    char media_sm3[LG_SM3_HEX_LEN + 1];
    int64_t tree_size;
    char root[LG_SM3_HEX_LEN + 1];
};

static struct sx_buf *file(struct fx *f, const char *name)
{
    for (size_t i = 0; i < f->n; i++)
        if (f->names[i] != NULL && strcmp(f->names[i], name) == 0)
            return &f->bufs[i];
    assert_true(f->n < MAXF);
    f->names[f->n] = name;
    sx_buf_init(&f->bufs[f->n], 1u << 24);
    return &f->bufs[f->n++];
}

static void drop(struct fx *f, const char *name)
{
    for (size_t i = 0; i < f->n; i++)
        if (f->names[i] != NULL && strcmp(f->names[i], name) == 0)
            f->names[i] = NULL;
}

static void put_canon(struct sx_buf *b, json_t *v)
{
    assert_non_null(v);
    assert_int_equal(canon_json(v, b, NULL), 0);
    assert_int_equal(sx_buf_putc(b, '\n'), 0);
    json_decref(v);
}

/* The manifest over the current files, as an exporter (or an attacker) would write it. */
static void write_manifest(struct fx *f)
{
    struct lg_bundle_file lf[MAXF];
    struct lg_bundle_ref refs[2] = {
        {.path = "documents/x.pdf",
         .kind = "document",
         .sm3 = f->pdf_sm3,
         .size = sizeof(PDF) - 1,
         .record_seq = 3,
         .included = 1},
        {.path = "media/y",
         .kind = "media",
         .sm3 = f->media_sm3,
         .size = 1234,
         .record_seq = 4,
         .included = 0},
    };
    size_t n = 0;
    for (size_t i = 0; i < f->n; i++)
        if (f->names[i] != NULL && strcmp(f->names[i], LG_BUNDLE_MANIFEST) != 0)
            lf[n++] = (struct lg_bundle_file){.path = f->names[i],
                                              .data = (const uint8_t *)f->bufs[i].data,
                                              .len = f->bufs[i].len};
    json_t *c =
        json_pack("{sI ss ss sI}", "id", (json_int_t)CASE_ID, "number", "昆医保罚〔2026〕1号",
                  "head_hash", f->head, "record_count", (json_int_t)NREC);
    json_t *cp = json_pack("{sI ss ss}", "tree_size", (json_int_t)f->tree_size, "root", f->root,
                           "made_at", MADE_AT);
    struct sx_buf *m = file(f, LG_BUNDLE_MANIFEST);
    sx_buf_reset(m);
    int have_pdf = 0;
    for (size_t i = 0; i < n; i++)
        have_pdf |= strcmp(lf[i].path, "documents/x.pdf") == 0;
    assert_int_equal(
        lg_bundle_manifest(c, cp, lf, n, have_pdf ? refs : refs + 1, have_pdf ? 2 : 1, m, NULL), 0);
    json_decref(c);
    json_decref(cp);
}

static void case_json(struct fx *f)
{
    struct sx_buf *b = file(f, LG_BUNDLE_CASE);
    sx_buf_reset(b);
    put_canon(b, json_pack("{s{sI ss ss sI}}", "case", "id", (json_int_t)CASE_ID, "number",
                           "昆医保罚〔2026〕1号", "head_hash", f->head, "record_count",
                           (json_int_t)NREC));
}

/* Records 1..NREC of case CASE_ID; record 3 names the PDF, record 4 the media item. */
static void build(struct fx *f)
{
    struct lg_chain ch;
    struct lg_tree *tree = NULL;
    struct lg_hasher h = lg_hasher_sm3(NULL);
    uint8_t leaf[LG_HASH_LEN], hb[LG_HASH_LEN], root[LG_HASH_LEN];
    char prev[LG_SM3_HEX_LEN + 1] = "";
    char hashes[NREC][LG_SM3_HEX_LEN + 1];
    memset(f, 0, sizeof(*f));
    assert_int_equal(lg_chain_open(&ch, NULL), 0);
    assert_int_equal(lg_tree_new(&tree, NULL), 0);
    assert_int_equal(lg_sm2_key_generate(&f->key, NULL), 0);
    assert_int_equal(lg_sm3(PDF, sizeof(PDF) - 1, hb, NULL), 0);
    lg_hex_encode(hb, LG_SM3_LEN, f->pdf_sm3);
    assert_int_equal(lg_sm3("video", 5, hb, NULL), 0);
    lg_hex_encode(hb, LG_SM3_LEN, f->media_sm3);
    /* other cases' leaves first */
    for (int i = 0; i < OTHER_LEAVES; i++) {
        uint8_t other[LG_HASH_LEN];
        memset(other, 0xa0 + i, sizeof(other));
        assert_int_equal(lg_merkle_leaf_hash(&h, other, LG_HASH_LEN, leaf, NULL), 0);
        assert_int_equal(lg_tree_append(tree, &h, leaf, NULL), 0);
    }
    struct sx_buf *rf = file(f, LG_BUNDLE_RECORDS);
    int64_t idx[NREC];
    for (int i = 0; i < NREC; i++) {
        char body[256], at[32];
        if (i == 2)
            snprintf(body, sizeof(body), "{\"sm3\":\"%s\",\"title\":\"处罚决定书\"}", f->pdf_sm3);
        else if (i == 3)
            snprintf(body, sizeof(body), "{\"size\":1234,\"sm3\":\"%s\"}", f->media_sm3);
        else
            snprintf(body, sizeof(body), "{\"content\":\"第%d步\",\"n\":%d}", i + 1, i + 1);
        snprintf(at, sizeof(at), "2026-11-0%dT02:00:00Z", i + 1);
        struct lg_record r = {.id = 100 + i,
                              .case_id = CASE_ID,
                              .seq = i + 1,
                              .actor_id = 3,
                              .type = "note",
                              .at = at,
                              .body = body,
                              .action = "note",
                              .recorded_at = at};
        assert_int_equal(lg_chain_seal(&ch, i == 0 ? NULL : prev, &r, hashes[i], NULL), 0);
        json_t *o = json_pack(
            "{ss sI ss so sI so ss sI ss ss sI ss}", "action", "note", "actor", (json_int_t)3, "at",
            at, "body", json_loads(body, 0, NULL), "case", (json_int_t)CASE_ID, "corrects",
            json_null(), "hash", hashes[i], "id", (json_int_t)(100 + i), "prev_hash",
            i == 0 ? "0000000000000000000000000000000000000000000000000000000000000000" : prev,
            "recorded_at", at, "seq", (json_int_t)(i + 1), "type", "note");
        put_canon(rf, o);
        memcpy(prev, hashes[i], sizeof(prev));
        assert_int_equal(lg_hex_decode(hashes[i], LG_SM3_HEX_LEN, hb, LG_SM3_LEN, NULL), 0);
        assert_int_equal(lg_merkle_leaf_hash(&h, hb, LG_SM3_LEN, leaf, NULL), 0);
        idx[i] = (int64_t)lg_tree_size(tree);
        assert_int_equal(lg_tree_append(tree, &h, leaf, NULL), 0);
    }
    snprintf(f->head, sizeof(f->head), "%s", prev);
    /* two leaves after ours */
    for (int i = 0; i < 2; i++) {
        memset(hb, 0xc0 + i, sizeof(hb));
        assert_int_equal(lg_merkle_leaf_hash(&h, hb, LG_HASH_LEN, leaf, NULL), 0);
        assert_int_equal(lg_tree_append(tree, &h, leaf, NULL), 0);
    }
    f->tree_size = (int64_t)lg_tree_size(tree);
    assert_int_equal(lg_tree_root(tree, &h, (uint64_t)f->tree_size, root, NULL), 0);
    lg_hex_encode(root, LG_HASH_LEN, f->root);
    struct sx_buf *pf = file(f, LG_BUNDLE_PROOFS);
    for (int i = 0; i < NREC; i++) {
        uint8_t path[LG_MERKLE_PATH_MAX][LG_HASH_LEN];
        size_t cnt = 0;
        assert_int_equal(
            lg_tree_inclusion(tree, &h, (uint64_t)idx[i], (uint64_t)f->tree_size, path, &cnt, NULL),
            0);
        json_t *arr = json_array();
        for (size_t k = 0; k < cnt; k++) {
            char hx[LG_SM3_HEX_LEN + 1];
            lg_hex_encode(path[k], LG_HASH_LEN, hx);
            json_array_append_new(arr, json_string(hx));
        }
        put_canon(pf, json_pack("{sI so ss sI sI}", "leaf_index", (json_int_t)idx[i], "path", arr,
                                "record_hash", hashes[i], "seq", (json_int_t)(i + 1), "tree_size",
                                (json_int_t)f->tree_size));
    }
    char sig[LG_SIG_HEX_MAX + 1];
    assert_int_equal(
        lg_checkpoint_text(f->tree_size, f->root, MADE_AT, file(f, LG_BUNDLE_CHECKPOINT), NULL), 0);
    assert_int_equal(lg_checkpoint_sign(f->key, f->tree_size, f->root, MADE_AT, sig, NULL), 0);
    assert_int_equal(sx_buf_printf(file(f, LG_BUNDLE_SIGNATURE), "%s\n", sig), 0);
    assert_int_equal(lg_sm2_key_to_pem(f->key, 0, file(f, LG_BUNDLE_PUBKEY), NULL), 0);
    assert_int_equal(sx_buf_puts(file(f, LG_BUNDLE_README), "校验说明\n"), 0);
    assert_int_equal(sx_buf_puts(file(f, "documents/x.pdf"), PDF), 0);
    case_json(f);
    write_manifest(f);
    lg_tree_free(tree);
    lg_chain_close(&ch);
}

static void fx_free(struct fx *f)
{
    for (size_t i = 0; i < f->n; i++)
        sx_buf_free(&f->bufs[i]);
    lg_sm2_key_free(f->key);
}

/* Verify; returns rc, the report's findings copied to out. */
static int verify(struct fx *f, const char *pinned, char *out, size_t cap, int64_t *records)
{
    struct lg_bundle_file lf[MAXF];
    struct lg_bundle_report rep;
    struct sx_err err;
    size_t n = 0;
    for (size_t i = 0; i < f->n; i++)
        if (f->names[i] != NULL)
            lf[n++] = (struct lg_bundle_file){.path = f->names[i],
                                              .data = (const uint8_t *)f->bufs[i].data,
                                              .len = f->bufs[i].len};
    lg_bundle_report_init(&rep);
    sx_err_clear(&err);
    int rc = lg_bundle_verify(lf, n, pinned, &rep, &err);
    snprintf(out, cap, "%s", rep.findings.data != NULL ? rep.findings.data : "");
    if (records != NULL)
        *records = rep.records;
    if (rc == SX_E_TAMPER)
        assert_string_equal(err.type, "bundle-altered");
    lg_bundle_report_free(&rep);
    return rc;
}

/* Replace the first occurrence of a in file name by b (same length or not). */
static void replace(struct fx *f, const char *name, const char *a, const char *b)
{
    struct sx_buf *buf = file(f, name);
    char *p = strstr(buf->data, a);
    if (p == NULL)
        fail_msg("%s not in %s:\n%s", a, name, buf->data);
    struct sx_buf nb;
    sx_buf_init(&nb, buf->max);
    assert_int_equal(sx_buf_append(&nb, buf->data, (size_t)(p - buf->data)), 0);
    assert_int_equal(sx_buf_puts(&nb, b), 0);
    assert_int_equal(sx_buf_puts(&nb, p + strlen(a)), 0);
    sx_buf_free(buf);
    *buf = nb;
}

/* Cut line k (1-based) of a file, or swap lines k and k+1. */
static void lines_op(struct fx *f, const char *name, int k, int swap)
{
    struct sx_buf *buf = file(f, name);
    char *lines[64];
    int n = 0;
    char *save = NULL, *copy = strdup(buf->data);
    for (char *l = strtok_r(copy, "\n", &save); l != NULL && n < 64;
         l = strtok_r(NULL, "\n", &save))
        lines[n++] = l;
    if (swap) {
        char *t = lines[k - 1];
        lines[k - 1] = lines[k];
        lines[k] = t;
    }
    sx_buf_reset(buf);
    for (int i = 0; i < n; i++)
        if (swap || i != k - 1)
            assert_int_equal(sx_buf_printf(buf, "%s\n", lines[i]), 0);
    free(copy);
}

/* ---- the rows ---- */

static void t_none(struct fx *f)
{
    (void)f;
}

static void t_record_byte(struct fx *f)
{
    replace(f, LG_BUNDLE_RECORDS, "第2步", "第8步");
}

static void t_record_byte_remanifest(struct fx *f)
{
    replace(f, LG_BUNDLE_RECORDS, "第2步", "第8步");
    write_manifest(f);
}

static void t_record_removed(struct fx *f)
{
    lines_op(f, LG_BUNDLE_RECORDS, 3, 0);
    write_manifest(f);
}

static void t_tail_removed(struct fx *f)
{
    lines_op(f, LG_BUNDLE_RECORDS, NREC, 0);
    lines_op(f, LG_BUNDLE_PROOFS, NREC, 0);
    write_manifest(f);
}

static void t_swapped(struct fx *f)
{
    lines_op(f, LG_BUNDLE_RECORDS, 2, 1);
    write_manifest(f);
}

static void t_proof_byte(struct fx *f)
{
    struct sx_buf *b = file(f, LG_BUNDLE_PROOFS);
    /* line 2's first path hash: flip its first hex digit */
    char *l2 = strchr(b->data, '\n') + 1;
    char *p = strstr(l2, "\"path\":[\"") + 9;
    *p = *p == '0' ? '1' : '0';
    write_manifest(f);
}

static void t_proof_removed(struct fx *f)
{
    lines_op(f, LG_BUNDLE_PROOFS, 4, 0);
    write_manifest(f);
}

static void t_sig(struct fx *f)
{
    struct sx_buf *b = file(f, LG_BUNDLE_SIGNATURE);
    b->data[20] = b->data[20] == '0' ? '1' : '0';
    write_manifest(f);
}

static void t_checkpoint_root(struct fx *f)
{
    struct sx_buf *b = file(f, LG_BUNDLE_CHECKPOINT);
    char *p = strstr(b->data, "root ") + 5;
    *p = *p == '0' ? '1' : '0';
    write_manifest(f);
}

static void t_manifest_hash(struct fx *f)
{
    struct sx_buf *m = file(f, LG_BUNDLE_MANIFEST);
    char *p = strstr(strstr(m->data, "\"path\":\"case.json\""), "\"sm3\":\"") + 7;
    *p = *p == '0' ? '1' : '0';
}

static void t_file_removed(struct fx *f)
{
    drop(f, LG_BUNDLE_CASE);
}

static void t_file_added(struct fx *f)
{
    assert_int_equal(sx_buf_puts(file(f, "extra.txt"), "x"), 0);
}

static void t_pdf_replaced(struct fx *f)
{
    /* new bytes and a manifest that lists them: the record still names the old SM3 */
    replace(f, "documents/x.pdf", "not really", "NOT really");
    uint8_t hb[LG_SM3_LEN];
    struct sx_buf *pdf = file(f, "documents/x.pdf");
    assert_int_equal(lg_sm3(pdf->data, pdf->len, hb, NULL), 0);
    lg_hex_encode(hb, LG_SM3_LEN, f->pdf_sm3);
    write_manifest(f);
}

/* An attacker who recomputes the whole chain after editing the last record: only the proofs
 * (and the signed root) can tell. */
static void t_rechained(struct fx *f)
{
    struct lg_chain ch;
    char h5[LG_SM3_HEX_LEN + 1];
    struct sx_buf *b = file(f, LG_BUNDLE_RECORDS);
    char *l5 = b->data;
    for (int i = 0; i < NREC - 1; i++)
        l5 = strchr(l5, '\n') + 1;
    json_t *r = json_loads(l5, JSON_DISABLE_EOF_CHECK, NULL);
    assert_non_null(r);
    json_object_set_new(r, "body", json_pack("{ss si}", "content", "第5步（改）", "n", 5));
    struct sx_buf body;
    sx_buf_init(&body, 4096);
    assert_int_equal(canon_json(json_object_get(r, "body"), &body, NULL), 0);
    struct lg_record rec = {.id = 104,
                            .case_id = CASE_ID,
                            .seq = 5,
                            .actor_id = 3,
                            .type = "note",
                            .at = json_string_value(json_object_get(r, "at")),
                            .body = body.data,
                            .action = "note",
                            .recorded_at = json_string_value(json_object_get(r, "recorded_at"))};
    assert_int_equal(lg_chain_open(&ch, NULL), 0);
    assert_int_equal(
        lg_chain_seal(&ch, json_string_value(json_object_get(r, "prev_hash")), &rec, h5, NULL), 0);
    lg_chain_close(&ch);
    json_object_set_new(r, "hash", json_string(h5));
    *l5 = '\0';
    b->len = (size_t)(l5 - b->data);
    put_canon(b, r);
    sx_buf_free(&body);
    replace(f, LG_BUNDLE_PROOFS, f->head, h5);
    snprintf(f->head, sizeof(f->head), "%s", h5);
    case_json(f);
    write_manifest(f);
}

struct row {
    const char *what; /* and where it comes from */
    void (*tamper)(struct fx *f);
    int pin_other; /* verify pinned to a different key */
    int pin_own;   /* verify pinned to the bundle's own key */
    int want_rc;
    const char *needle1, *needle2;
    int64_t want_records; /* -1: don't check */
};

static const struct row rows[] = {
    {"intact bundle (DESIGN §5)", t_none, 0, 0, 0, NULL, NULL, NREC},
    {"intact, pinned to its own key", t_none, 0, 1, 0, NULL, NULL, NREC},
    {"one byte in records.jsonl (issue 5: one byte changed)", t_record_byte, 0, 0, SX_E_TAMPER,
     "records.jsonl: SM3", "seq 2", 1},
    {"one byte, manifest rewritten to match", t_record_byte_remanifest, 0, 0, SX_E_TAMPER,
     "records.jsonl 第 2 行", "seq 2", 1},
    {"a record removed (YN-2-20)", t_record_removed, 0, 0, SX_E_TAMPER, "seq 4", "缺失", 2},
    {"the last record and its proof removed", t_tail_removed, 0, 0, SX_E_TAMPER, "链头",
     "records.jsonl", NREC - 1},
    {"two records swapped", t_swapped, 0, 0, SX_E_TAMPER, "records.jsonl 第 2 行", "seq 3", 1},
    {"a proof byte changed", t_proof_byte, 0, 0, SX_E_TAMPER, "proofs.jsonl 第 2 行", "seq 2",
     NREC},
    {"a proof removed", t_proof_removed, 0, 0, SX_E_TAMPER, "seq 4", "没有包含证明", NREC},
    {"the checkpoint signature changed", t_sig, 0, 0, SX_E_TAMPER, "checkpoint.sig", "签名", NREC},
    {"the checkpoint root changed", t_checkpoint_root, 0, 0, SX_E_TAMPER, "checkpoint.sig",
     "包含证明", NREC},
    {"the public key is not the pinned one", t_none, 1, 0, SX_E_TAMPER, "public-key.pem", "被替换",
     NREC},
    {"a manifest hash edited", t_manifest_hash, 0, 0, SX_E_TAMPER, "case.json", "清单", NREC},
    {"a file removed", t_file_removed, 0, 0, SX_E_TAMPER, "case.json", "缺失", NREC},
    {"a file added", t_file_added, 0, 0, SX_E_TAMPER, "extra.txt", "被添加", NREC},
    {"a document replaced, manifest rewritten", t_pdf_replaced, 0, 0, SX_E_TAMPER,
     "documents/x.pdf", "seq 3", NREC},
    {"whole chain recomputed after an edit", t_rechained, 0, 0, SX_E_TAMPER, "seq 5", "包含证明",
     NREC},
};

static void test_rows(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const struct row *r = &rows[i];
        struct fx f;
        struct sx_buf pem;
        struct lg_sm2_key *other = NULL;
        char out[8192];
        int64_t recs = 0;
        build(&f);
        r->tamper(&f);
        sx_buf_init(&pem, 8192);
        if (r->pin_other) {
            assert_int_equal(lg_sm2_key_generate(&other, NULL), 0);
            assert_int_equal(lg_sm2_key_to_pem(other, 0, &pem, NULL), 0);
        } else if (r->pin_own) {
            assert_int_equal(lg_sm2_key_to_pem(f.key, 0, &pem, NULL), 0);
        }
        int rc = verify(&f, pem.len > 0 ? pem.data : NULL, out, sizeof(out), &recs);
        if (rc != r->want_rc || (r->needle1 != NULL && strstr(out, r->needle1) == NULL) ||
            (r->needle2 != NULL && strstr(out, r->needle2) == NULL) ||
            (r->want_records >= 0 && recs != r->want_records))
            fail_msg("row %zu (%s): rc %d, %lld records, findings:\n%s", i, r->what, rc,
                     (long long)recs, out);
        lg_sm2_key_free(other);
        sx_buf_free(&pem);
        fx_free(&f);
    }
}

static void test_manifest(void **state)
{
    (void)state;
    struct fx f;
    build(&f);
    struct sx_buf *m = file(&f, LG_BUNDLE_MANIFEST);
    json_t *j = json_loads(m->data, 0, NULL);
    assert_non_null(j);
    assert_true(canon_is_canonical(m->data, m->len - 1));
    assert_string_equal(json_string_value(json_object_get(j, "format")), LG_BUNDLE_FORMAT);
    json_t *files = json_object_get(j, "files"), *e;
    size_t i;
    int listed = 0, hash_only = 0;
    json_array_foreach(files, i, e)
    {
        const char *p = json_string_value(json_object_get(e, "path"));
        assert_string_not_equal(p, LG_BUNDLE_MANIFEST); /* the manifest never lists itself */
        listed++;
        if (json_is_false(json_object_get(e, "included"))) {
            hash_only++;
            assert_string_equal(json_string_value(json_object_get(e, "sm3")), f.media_sm3);
            assert_int_equal(json_integer_value(json_object_get(e, "record_seq")), 4);
        }
        if (strcmp(p, "documents/x.pdf") == 0) {
            assert_string_equal(json_string_value(json_object_get(e, "sm3")), f.pdf_sm3);
            assert_string_equal(json_string_value(json_object_get(e, "kind")), "document");
        }
    }
    assert_int_equal(listed, (int)f.n - 1 + 1); /* every file but the manifest, plus media */
    assert_int_equal(hash_only, 1);
    json_decref(j);
    /* refusals: a duplicate path, an included ref without its file */
    struct lg_bundle_file dup[2] = {{"a", (const uint8_t *)"x", 1}, {"a", (const uint8_t *)"y", 1}};
    struct lg_bundle_ref missing = {.path = "documents/z.pdf",
                                    .kind = "document",
                                    .sm3 = f.pdf_sm3,
                                    .record_seq = 1,
                                    .included = 1};
    struct sx_buf out;
    struct sx_err err;
    sx_buf_init(&out, 1 << 20);
    json_t *c = json_object(), *cp = json_object();
    sx_err_clear(&err);
    assert_int_equal(lg_bundle_manifest(c, cp, dup, 2, NULL, 0, &out, &err), SX_E_INVALID);
    assert_string_equal(err.type, "bundle-duplicate-path");
    sx_err_clear(&err);
    assert_int_equal(lg_bundle_manifest(c, cp, dup, 1, &missing, 1, &out, &err), SX_E_INVALID);
    assert_string_equal(err.type, "bundle-missing-file");
    json_decref(c);
    json_decref(cp);
    sx_buf_free(&out);
    fx_free(&f);
}

static void test_bad_pinned_key(void **state)
{
    (void)state;
    struct fx f;
    struct lg_bundle_report rep;
    struct lg_bundle_file lf[1] = {{"x", (const uint8_t *)"", 0}};
    struct sx_err err;
    build(&f);
    lg_bundle_report_init(&rep);
    sx_err_clear(&err);
    assert_int_equal(lg_bundle_verify(lf, 1, "not a pem", &rep, &err), SX_E_INVALID);
    /* an empty set of files: everything missing, no crash */
    assert_int_equal(lg_bundle_verify(lf, 0, NULL, &rep, &err), SX_E_TAMPER);
    assert_non_null(strstr(rep.findings.data, "manifest.json"));
    lg_bundle_report_free(&rep);
    fx_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_manifest),
        cmocka_unit_test(test_bad_pinned_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
