/*
 * bundle: the manifest of a case-file bundle and its offline verifier (see
 * bundle.h for the format). Pure: files come in as bytes, findings go out as
 * text lines.
 */
#include "bundle.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chain.h"
#include "checkpoint.h"
#include "core/canon.h"
#include "crypto.h"
#include "merkle.h"

#define FINDINGS_MAX (256u * 1024)
#define SRC_BUNDLE "DESIGN §5; 汶上 第二十三条 (WS-23)"

/* ---- manifest ---- */

static int sm3_hex(const uint8_t *data, size_t len, char out[LG_SM3_HEX_LEN + 1],
                   struct sx_err *err)
{
    uint8_t h[LG_SM3_LEN];
    int rc = lg_sm3(data, len, h, err);
    if (rc == 0)
        lg_hex_encode(h, LG_SM3_LEN, out);
    return rc;
}

static int nomem(struct sx_err *err)
{
    return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "电子卷宗");
}

int lg_bundle_manifest(const json_t *case_obj, const json_t *checkpoint_obj,
                       const struct lg_bundle_file *files, size_t n_files,
                       const struct lg_bundle_ref *refs, size_t n_refs, struct sx_buf *out,
                       struct sx_err *err)
{
    json_t *m = json_object(), *arr = json_array();
    int rc = 0;
    if (m == NULL || arr == NULL) {
        rc = nomem(err);
        goto cleanup;
    }
    for (size_t i = 0; i < n_files; i++) {
        char hex[LG_SM3_HEX_LEN + 1];
        for (size_t j = 0; j < i; j++) {
            if (strcmp(files[j].path, files[i].path) == 0) {
                rc = SX_FAIL(err, SX_E_INVALID, "bundle-duplicate-path", "电子卷宗文件重名",
                             SRC_BUNDLE, "path", "文件 %s 出现两次", files[i].path);
                goto cleanup;
            }
        }
        rc = sm3_hex(files[i].data, files[i].len, hex, err);
        if (rc != 0)
            goto cleanup;
        json_t *e = json_pack("{ss ss sI}", "path", files[i].path, "sm3", hex, "size",
                              (json_int_t)files[i].len);
        if (e == NULL) {
            rc = nomem(err);
            goto cleanup;
        }
        for (size_t k = 0; k < n_refs; k++) {
            if (refs[k].included && strcmp(refs[k].path, files[i].path) == 0) {
                json_object_set_new(e, "kind", json_string(refs[k].kind));
                json_object_set_new(e, "record_seq", json_integer(refs[k].record_seq));
                json_object_set_new(e, "included", json_true());
            }
        }
        json_array_append_new(arr, e);
    }
    for (size_t k = 0; k < n_refs; k++) {
        int found = 0;
        for (size_t i = 0; i < n_files && refs[k].included; i++)
            found |= strcmp(refs[k].path, files[i].path) == 0;
        if (refs[k].included && !found) {
            rc = SX_FAIL(err, SX_E_INVALID, "bundle-missing-file", "电子卷宗缺少文件", SRC_BUNDLE,
                         "path", "记录 seq %" PRId64 " 引用的文件 %s 未放入卷宗",
                         refs[k].record_seq, refs[k].path);
            goto cleanup;
        }
        if (refs[k].included)
            continue;
        json_t *e = json_pack("{ss ss sI ss sI sb}", "path", refs[k].path, "sm3", refs[k].sm3,
                              "size", (json_int_t)refs[k].size, "kind", refs[k].kind, "record_seq",
                              (json_int_t)refs[k].record_seq, "included", 0);
        if (e == NULL) {
            rc = nomem(err);
            goto cleanup;
        }
        json_array_append_new(arr, e);
    }
    json_object_set_new(m, "format", json_string(LG_BUNDLE_FORMAT));
    json_object_set(m, "case", (json_t *)case_obj);
    json_object_set(m, "checkpoint", (json_t *)checkpoint_obj);
    json_object_set(m, "files", arr);
    rc = canon_json(m, out, err);
    if (rc == 0)
        rc = sx_buf_putc(out, '\n') == 0 ? 0 : nomem(err);
cleanup:
    json_decref(arr);
    json_decref(m);
    return rc;
}

/* ---- verifier ---- */

void lg_bundle_report_init(struct lg_bundle_report *rep)
{
    memset(rep, 0, sizeof(*rep));
    sx_buf_init(&rep->findings, FINDINGS_MAX);
}

void lg_bundle_report_free(struct lg_bundle_report *rep)
{
    sx_buf_free(&rep->findings);
}

struct vctx {
    const struct lg_bundle_file *files;
    size_t n_files;
    struct lg_bundle_report *rep;
    struct sx_err *err;
    int first_done;
    json_t *manifest; /* may be NULL */
    json_t **records; /* parsed records.jsonl lines (NULL where unparseable) */
    size_t n_records;
    int64_t case_id;
    int64_t tree_size;
    uint8_t root[LG_HASH_LEN];
    int have_checkpoint;
};

/* Record one finding: a report line, and err for the first. */
__attribute__((format(printf, 3, 4))) static void finding(struct vctx *v, const char *where,
                                                          const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    v->rep->problems++;
    if (v->rep->problems <= LG_BUNDLE_MAX_FINDINGS) {
        if (sx_buf_printf(&v->rep->findings, "%s: %s\n", where, line) != 0) {
            /* the report is capped; the count still says how many there were */
        }
    }
    if (!v->first_done) {
        v->first_done = 1;
        (void)SX_FAIL(v->err, SX_E_TAMPER, "bundle-altered", "电子卷宗已被改动或不完整", SRC_BUNDLE,
                      where, "%s: %s", where, line);
    }
}

static const struct lg_bundle_file *find_file(const struct vctx *v, const char *path)
{
    for (size_t i = 0; i < v->n_files; i++)
        if (strcmp(v->files[i].path, path) == 0)
            return &v->files[i];
    return NULL;
}

static const char *jstr(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static int64_t jint(const json_t *o, const char *key, int64_t def)
{
    const json_t *x = json_object_get(o, key);
    return json_is_integer(x) ? (int64_t)json_integer_value(x) : def;
}

static void check_manifest(struct vctx *v)
{
    const struct lg_bundle_file *mf = find_file(v, LG_BUNDLE_MANIFEST);
    json_error_t je;
    if (mf == NULL) {
        finding(v, LG_BUNDLE_MANIFEST, "清单文件缺失，无法核对各文件的哈希");
        return;
    }
    v->manifest = json_loadb((const char *)mf->data, mf->len, JSON_REJECT_DUPLICATES, &je);
    if (v->manifest == NULL || !json_is_object(v->manifest)) {
        finding(v, LG_BUNDLE_MANIFEST, "不是有效的 JSON（第 %d 行第 %d 列: %s）", je.line,
                je.column, je.text);
        json_decref(v->manifest);
        v->manifest = NULL;
        return;
    }
    const char *fmt = jstr(v->manifest, "format");
    if (fmt == NULL || strcmp(fmt, LG_BUNDLE_FORMAT) != 0)
        finding(v, LG_BUNDLE_MANIFEST, "格式版本为 %s，应为 %s", fmt != NULL ? fmt : "（无）",
                LG_BUNDLE_FORMAT);
    const json_t *c = json_object_get(v->manifest, "case");
    v->case_id = jint(c, "id", 0);
    const char *num = jstr(c, "number");
    snprintf(v->rep->case_number, sizeof(v->rep->case_number), "%s", num != NULL ? num : "");
    const json_t *files = json_object_get(v->manifest, "files");
    if (!json_is_array(files)) {
        finding(v, LG_BUNDLE_MANIFEST, "缺少文件列表 files");
        return;
    }
    size_t i;
    const json_t *e;
    json_array_foreach(files, i, e)
    {
        const char *path = jstr(e, "path"), *sm3 = jstr(e, "sm3");
        int64_t size = jint(e, "size", -1);
        const json_t *inc = json_object_get(e, "included");
        if (path == NULL || sm3 == NULL || size < 0) {
            finding(v, LG_BUNDLE_MANIFEST, "files 第 %zu 项缺少 path、sm3 或 size", i + 1);
            continue;
        }
        if (json_is_false(inc)) {
            v->rep->hash_only++;
            continue;
        }
        const struct lg_bundle_file *f = find_file(v, path);
        if (f == NULL) {
            finding(v, path, "清单列出的文件缺失（被删除）");
            continue;
        }
        char hex[LG_SM3_HEX_LEN + 1];
        if (sm3_hex(f->data, f->len, hex, NULL) != 0) {
            finding(v, path, "无法计算 SM3");
            continue;
        }
        if (strcmp(hex, sm3) != 0) {
            finding(v, path, "SM3 与清单不符（清单 %.16s…，实际 %.16s…）：文件或清单被改动", sm3,
                    hex);
            continue;
        }
        if ((uint64_t)size != (uint64_t)f->len) {
            finding(v, path, "大小与清单不符（清单 %" PRId64 " 字节，实际 %zu 字节）", size,
                    f->len);
            continue;
        }
        v->rep->files++;
    }
    /* files present but not listed: added */
    for (size_t k = 0; k < v->n_files; k++) {
        const char *p = v->files[k].path;
        int listed = strcmp(p, LG_BUNDLE_MANIFEST) == 0;
        json_array_foreach(files, i, e)
        {
            const char *path = jstr(e, "path");
            if (path != NULL && strcmp(path, p) == 0 &&
                !json_is_false(json_object_get(e, "included")))
                listed = 1;
        }
        if (!listed)
            finding(v, p, "文件不在清单中（被添加）");
    }
}

/* Split data into lines; calls fn(line, len, lineno) for each non-empty line. */
static size_t count_lines(const uint8_t *d, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += d[i] == '\n';
    if (len > 0 && d[len - 1] != '\n')
        n++;
    return n;
}

static const char *next_line(const uint8_t *d, size_t len, size_t *pos, size_t *line_len)
{
    if (*pos >= len)
        return NULL;
    const uint8_t *s = d + *pos;
    const uint8_t *nl = memchr(s, '\n', len - *pos);
    size_t l = nl != NULL ? (size_t)(nl - s) : len - *pos;
    *pos += l + (nl != NULL);
    *line_len = l;
    return (const char *)s;
}

static void check_records(struct vctx *v)
{
    const struct lg_bundle_file *f = find_file(v, LG_BUNDLE_RECORDS);
    struct lg_chain chain;
    struct lg_chain_walk walk;
    struct sx_buf body;
    struct sx_err e;
    int broken = 0;
    memset(&chain, 0, sizeof(chain));
    sx_buf_init(&body, LG_ENVELOPE_MAX);
    if (f == NULL) {
        finding(v, LG_BUNDLE_RECORDS, "记录文件缺失");
        goto cleanup;
    }
    v->n_records = count_lines(f->data, f->len);
    v->records = calloc(v->n_records + 1, sizeof(json_t *));
    if (v->records == NULL) {
        finding(v, LG_BUNDLE_RECORDS, "内存不足");
        goto cleanup;
    }
    sx_err_clear(&e);
    if (lg_chain_open(&chain, &e) != 0) {
        finding(v, LG_BUNDLE_RECORDS, "%s", e.detail);
        goto cleanup;
    }
    size_t pos = 0, ll = 0, i = 0;
    const char *line;
    json_error_t je;
    while ((line = next_line(f->data, f->len, &pos, &ll)) != NULL && i < v->n_records) {
        json_t *r = json_loadb(line, ll, JSON_REJECT_DUPLICATES, &je);
        v->records[i++] = r;
        char where[64];
        snprintf(where, sizeof(where), "%s 第 %zu 行", LG_BUNDLE_RECORDS, i);
        if (broken)
            continue;
        if (r == NULL || !json_is_object(r)) {
            finding(v, where, "不是有效的 JSON（%s）：记录被改动，其后的记录无法再校验", je.text);
            broken = 1;
            continue;
        }
        if (v->case_id == 0)
            v->case_id = jint(r, "case", 0);
        if (i == 1)
            lg_chain_walk_init(&walk, &chain, v->case_id);
        sx_buf_reset(&body);
        sx_err_clear(&e);
        const json_t *b = json_object_get(r, "body");
        if (b == NULL || canon_json(b, &body, &e) != 0) {
            finding(v, where, "记录 seq %" PRId64 " 的 body 缺失或无法规范化", jint(r, "seq", 0));
            broken = 1;
            continue;
        }
        struct lg_record rec = {
            .id = jint(r, "id", 0),
            .case_id = jint(r, "case", 0),
            .seq = jint(r, "seq", 0),
            .actor_id = jint(r, "actor", 0),
            .corrects = jint(r, "corrects", 0),
            .type = jstr(r, "type"),
            .at = jstr(r, "at"),
            .body = body.data,
            .prev_hash_hex = jstr(r, "prev_hash"),
            .hash_hex = jstr(r, "hash"),
            .action = jstr(r, "action"),
            .recorded_at = jstr(r, "recorded_at"),
        };
        if (rec.type == NULL || rec.at == NULL || rec.prev_hash_hex == NULL ||
            rec.hash_hex == NULL) {
            finding(v, where, "记录 seq %" PRId64 " 缺少 type、at、prev_hash 或 hash", rec.seq);
            broken = 1;
            continue;
        }
        if (rec.case_id != v->case_id) {
            finding(v, where,
                    "记录 seq %" PRId64 " 属于案件 %" PRId64 "，不是本卷宗的案件 %" PRId64, rec.seq,
                    rec.case_id, v->case_id);
            broken = 1;
            continue;
        }
        if (lg_chain_walk_step(&walk, &rec, &e) != 0) {
            finding(v, where, "记录 seq %" PRId64 " 未通过哈希链校验: %s", rec.seq, e.detail);
            broken = 1;
            continue;
        }
        v->rep->records++;
    }
    if (!broken && v->manifest != NULL) {
        const json_t *c = json_object_get(v->manifest, "case");
        sx_err_clear(&e);
        if (i == 0)
            lg_chain_walk_init(&walk, &chain, v->case_id);
        if (lg_chain_walk_finish(&walk, jstr(c, "head_hash"), jint(c, "record_count", -1), &e) != 0)
            finding(v, LG_BUNDLE_RECORDS, "记录与清单的案件链头不符（%s）：记录被删除或追加",
                    e.detail);
    }
cleanup:
    lg_chain_close(&chain);
    sx_buf_free(&body);
}

/* Parse checkpoint.txt strictly: it must be exactly the text lg_checkpoint_text gives. */
static void check_checkpoint(struct vctx *v, const char *pinned_pem, struct lg_sm2_key *pinned)
{
    const struct lg_bundle_file *f = find_file(v, LG_BUNDLE_CHECKPOINT);
    const struct lg_bundle_file *sf = find_file(v, LG_BUNDLE_SIGNATURE);
    const struct lg_bundle_file *kf = find_file(v, LG_BUNDLE_PUBKEY);
    struct lg_sm2_key *bundled = NULL;
    struct sx_buf text;
    struct sx_err e;
    char root_hex[LG_SM3_HEX_LEN + 1] = "", made_at[64] = "", sig[LG_SIG_HEX_MAX + 2] = "";
    sx_buf_init(&text, 4096);
    (void)pinned_pem;
    if (f == NULL) {
        finding(v, LG_BUNDLE_CHECKPOINT, "检查点文件缺失");
        goto cleanup;
    }
    /* fields from the 4 lines */
    char buf[512];
    if (f->len >= sizeof(buf)) {
        finding(v, LG_BUNDLE_CHECKPOINT, "检查点文本过长");
        goto cleanup;
    }
    memcpy(buf, f->data, f->len);
    buf[f->len] = '\0';
    long long size = -1;
    char *save = NULL, *l1 = strtok_r(buf, "\n", &save), *l2 = strtok_r(NULL, "\n", &save),
         *l3 = strtok_r(NULL, "\n", &save), *l4 = strtok_r(NULL, "\n", &save);
    if (l1 == NULL || l2 == NULL || l3 == NULL || l4 == NULL ||
        strncmp(l2, "tree_size ", 10) != 0 || strncmp(l3, "root ", 5) != 0 ||
        strncmp(l4, "made_at ", 8) != 0) {
        finding(v, LG_BUNDLE_CHECKPOINT, "检查点文本格式不对");
        goto cleanup;
    }
    char *end = NULL;
    size = strtoll(l2 + 10, &end, 10);
    snprintf(root_hex, sizeof(root_hex), "%s", l3 + 5);
    snprintf(made_at, sizeof(made_at), "%s", l4 + 8);
    sx_err_clear(&e);
    if (end == NULL || *end != '\0' || size < 1 ||
        lg_checkpoint_text(size, root_hex, made_at, &text, &e) != 0 || text.len != f->len ||
        memcmp(text.data, f->data, f->len) != 0 ||
        lg_hex_decode(root_hex, strlen(root_hex), v->root, LG_HASH_LEN, NULL) != 0) {
        finding(v, LG_BUNDLE_CHECKPOINT, "检查点文本格式不对（应为 %s 的四行文本）",
                LG_CHECKPOINT_HEADER);
        goto cleanup;
    }
    v->tree_size = size;
    v->rep->tree_size = size;
    v->have_checkpoint = 1;
    if (v->manifest != NULL) {
        const json_t *c = json_object_get(v->manifest, "checkpoint");
        const char *mroot = jstr(c, "root");
        if (jint(c, "tree_size", -1) != size || mroot == NULL || strcmp(mroot, root_hex) != 0)
            finding(v, LG_BUNDLE_MANIFEST, "清单中的检查点与 checkpoint.txt 不符");
    }
    /* the key */
    if (kf == NULL) {
        finding(v, LG_BUNDLE_PUBKEY, "公钥文件缺失");
    } else {
        sx_err_clear(&e);
        if (lg_sm2_key_from_pem((const char *)kf->data, kf->len, &bundled, &e) != 0) {
            finding(v, LG_BUNDLE_PUBKEY, "不是有效的 SM2 公钥 PEM");
            bundled = NULL;
        }
    }
    const struct lg_sm2_key *use = pinned != NULL ? pinned : bundled;
    if (pinned != NULL) {
        v->rep->key_pinned = 1;
        char kid_b[LG_SM3_HEX_LEN + 1], kid_p[LG_SM3_HEX_LEN + 1];
        if (bundled != NULL && lg_checkpoint_key_id(bundled, kid_b, NULL) == 0 &&
            lg_checkpoint_key_id(pinned, kid_p, NULL) == 0 && strcmp(kid_b, kid_p) != 0)
            finding(v, LG_BUNDLE_PUBKEY,
                    "卷宗内的公钥（key_id %.16s…）不是指定的公钥（key_id %.16s…）：公钥被替换",
                    kid_b, kid_p);
    }
    if (use != NULL && lg_checkpoint_key_id(use, v->rep->key_id, NULL) != 0)
        v->rep->key_id[0] = '\0';
    if (sf == NULL) {
        finding(v, LG_BUNDLE_SIGNATURE, "检查点签名文件缺失");
        goto cleanup;
    }
    size_t sl = sf->len;
    while (sl > 0 && (sf->data[sl - 1] == '\n' || sf->data[sl - 1] == '\r'))
        sl--;
    if (sl >= sizeof(sig)) {
        finding(v, LG_BUNDLE_SIGNATURE, "签名过长");
        goto cleanup;
    }
    memcpy(sig, sf->data, sl);
    sig[sl] = '\0';
    if (use == NULL)
        goto cleanup;
    sx_err_clear(&e);
    if (lg_checkpoint_verify(use, size, root_hex, made_at, sig, &e) != 0) {
        finding(v, LG_BUNDLE_SIGNATURE, "检查点签名无法用%s公钥验证: %s",
                pinned != NULL ? "指定的" : "卷宗内的", e.detail);
        goto cleanup;
    }
    v->rep->signature_ok = 1;
cleanup:
    lg_sm2_key_free(bundled);
    sx_buf_free(&text);
}

static const json_t *record_of_seq(const struct vctx *v, int64_t seq)
{
    if (seq >= 1 && (size_t)seq <= v->n_records && v->records[seq - 1] != NULL &&
        jint(v->records[seq - 1], "seq", 0) == seq)
        return v->records[seq - 1];
    for (size_t i = 0; i < v->n_records; i++)
        if (v->records[i] != NULL && jint(v->records[i], "seq", 0) == seq)
            return v->records[i];
    return NULL;
}

static void check_proofs(struct vctx *v)
{
    const struct lg_bundle_file *f = find_file(v, LG_BUNDLE_PROOFS);
    struct lg_hasher h = lg_hasher_sm3(NULL);
    uint8_t *proved = calloc(v->n_records + 1, 1);
    uint8_t(*path)[LG_HASH_LEN] = malloc(LG_MERKLE_PATH_MAX * LG_HASH_LEN);
    if (proved == NULL || path == NULL) {
        finding(v, LG_BUNDLE_PROOFS, "内存不足");
        goto cleanup;
    }
    if (f == NULL) {
        finding(v, LG_BUNDLE_PROOFS, "包含证明文件缺失");
        goto cleanup;
    }
    size_t pos = 0, ll = 0, lineno = 0;
    const char *line;
    json_error_t je;
    while ((line = next_line(f->data, f->len, &pos, &ll)) != NULL) {
        char where[64];
        lineno++;
        snprintf(where, sizeof(where), "%s 第 %zu 行", LG_BUNDLE_PROOFS, lineno);
        json_t *p = json_loadb(line, ll, JSON_REJECT_DUPLICATES, &je);
        if (p == NULL || !json_is_object(p)) {
            finding(v, where, "不是有效的 JSON（%s）：证明被改动", je.text);
            json_decref(p);
            continue;
        }
        int64_t seq = jint(p, "seq", 0), idx = jint(p, "leaf_index", -1),
                size = jint(p, "tree_size", -1);
        const char *rh = jstr(p, "record_hash");
        const json_t *arr = json_object_get(p, "path");
        const json_t *rec = record_of_seq(v, seq);
        if (seq >= 1 && (size_t)seq <= v->n_records)
            proved[seq - 1] = 1; /* has a proof line; whether it verifies is reported here */
        uint8_t rbytes[LG_HASH_LEN], leaf[LG_HASH_LEN];
        size_t n = json_array_size(arr);
        int ok = rh != NULL && json_is_array(arr) && n <= LG_MERKLE_PATH_MAX && idx >= 0 &&
                 lg_hex_decode(rh, strlen(rh), rbytes, LG_HASH_LEN, NULL) == 0;
        for (size_t k = 0; ok && k < n; k++) {
            const char *s = json_string_value(json_array_get(arr, k));
            ok = s != NULL && lg_hex_decode(s, strlen(s), path[k], LG_HASH_LEN, NULL) == 0;
        }
        if (!ok) {
            finding(v, where, "记录 seq %" PRId64 " 的包含证明格式不对", seq);
        } else if (rec == NULL) {
            finding(v, where, "包含证明指向不存在的记录 seq %" PRId64, seq);
        } else if (jstr(rec, "hash") == NULL || strcmp(jstr(rec, "hash"), rh) != 0) {
            finding(v, where, "记录 seq %" PRId64 " 的包含证明所证明的哈希与记录的哈希不符", seq);
        } else if (!v->have_checkpoint) {
            /* reported with the checkpoint */
        } else if (size != v->tree_size) {
            finding(v, where,
                    "记录 seq %" PRId64 " 的包含证明针对树大小 %" PRId64 "，检查点为 %" PRId64, seq,
                    size, v->tree_size);
        } else if (lg_merkle_leaf_hash(&h, rbytes, LG_HASH_LEN, leaf, NULL) != 0 ||
                   lg_merkle_verify_inclusion(&h, (uint64_t)idx, (uint64_t)size, leaf,
                                              (const uint8_t *)path, n, v->root, NULL) != 0) {
            finding(v, where,
                    "记录 seq %" PRId64 " 的包含证明（叶子 %" PRId64
                    "）无法推算出检查点的根哈希：证明或记录被改动",
                    seq, idx);
        } else {
            v->rep->proofs++;
        }
        json_decref(p);
    }
    for (size_t i = 0; i < v->n_records; i++) {
        if (!proved[i] && v->records[i] != NULL && v->have_checkpoint) {
            int64_t seq = jint(v->records[i], "seq", 0);
            if (seq == (int64_t)i + 1) {
                char where[64];
                snprintf(where, sizeof(where), "%s", LG_BUNDLE_PROOFS);
                finding(v, where, "记录 seq %" PRId64 " 没有包含证明（证明被删除）", seq);
            }
        }
    }
cleanup:
    free(path);
    free(proved);
}

static void check_case(struct vctx *v)
{
    const struct lg_bundle_file *f = find_file(v, LG_BUNDLE_CASE);
    json_error_t je;
    if (f == NULL || v->manifest == NULL)
        return; /* a missing case.json is reported against the manifest */
    json_t *c = json_loadb((const char *)f->data, f->len, JSON_REJECT_DUPLICATES, &je);
    const json_t *mc = json_object_get(v->manifest, "case");
    const json_t *cc = json_object_get(c, "case");
    const char *keys[] = {"id", "number", "head_hash", "record_count"};
    if (c == NULL || !json_is_object(cc)) {
        finding(v, LG_BUNDLE_CASE, "不是有效的案件 JSON");
    } else {
        for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
            if (!json_equal(json_object_get(cc, keys[i]), json_object_get(mc, keys[i]))) {
                finding(v, LG_BUNDLE_CASE, "案件的 %s 与清单不符", keys[i]);
                break;
            }
        }
    }
    json_decref(c);
}

/* 1 when the string s appears as a string value anywhere in j. */
static int holds_string(const json_t *j, const char *s, int depth)
{
    if (depth > CANON_MAX_DEPTH)
        return 0;
    if (json_is_string(j))
        return strcmp(json_string_value(j), s) == 0;
    const char *k;
    const json_t *x;
    size_t i;
    if (json_is_object(j)) {
        json_object_foreach((json_t *)j, k, x) if (holds_string(x, s, depth + 1)) return 1;
    } else if (json_is_array(j)) {
        json_array_foreach(j, i, x) if (holds_string(x, s, depth + 1)) return 1;
    }
    return 0;
}

/* Each document/media entry's SM3 must be the one its record holds: that binds the file to the
 * chain, so replacing a PDF and its manifest entry together is still caught. */
static void check_refs(struct vctx *v)
{
    const json_t *files = json_object_get(v->manifest, "files"), *e;
    size_t i;
    json_array_foreach(files, i, e)
    {
        const json_t *rs = json_object_get(e, "record_seq");
        const char *sm3 = jstr(e, "sm3"), *path = jstr(e, "path");
        if (rs == NULL || sm3 == NULL || path == NULL)
            continue;
        const json_t *rec = record_of_seq(v, json_integer_value(rs));
        if (rec == NULL || !holds_string(json_object_get(rec, "body"), sm3, 0))
            finding(v, path, "记录 seq %" PRId64 " 中没有该文件的 SM3 %.16s…：文件不属于该记录",
                    (int64_t)json_integer_value(rs), sm3);
    }
}

int lg_bundle_verify(const struct lg_bundle_file *files, size_t n_files, const char *pinned_pem,
                     struct lg_bundle_report *rep, struct sx_err *err)
{
    struct vctx v;
    struct lg_sm2_key *pinned = NULL;
    int rc = 0;
    memset(&v, 0, sizeof(v));
    v.files = files;
    v.n_files = n_files;
    v.rep = rep;
    v.err = err;
    if (pinned_pem != NULL) {
        rc = lg_sm2_key_from_pem(pinned_pem, strlen(pinned_pem), &pinned, err);
        if (rc != 0)
            return rc;
    }
    check_manifest(&v);
    check_records(&v);
    check_checkpoint(&v, pinned_pem, pinned);
    check_proofs(&v);
    check_case(&v);
    if (v.manifest != NULL)
        check_refs(&v);
    if (rep->problems > 0)
        rc = SX_E_TAMPER;
    for (size_t i = 0; i < v.n_records; i++)
        json_decref(v.records[i]);
    free(v.records);
    json_decref(v.manifest);
    lg_sm2_key_free(pinned);
    return rc;
}
