/*
 * bundle (app): build, read and store case-file bundles, and the archive step
 * that records a bundle's SM3 (see bundle.h). libarchive is called only here.
 */
#include "bundle.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app/documents.h"
#include "app/ledger.h"
#include "core/canon.h"
#include "ledger/checkpoint.h"
#include "ledger/merkle.h"
#include "store/store.h"

#define SRC_ARCHIVE "汶上 第二十三条 (WS-23); DESIGN §5"
#define FILE_MAX (512u * 1024 * 1024)
#define MAX_FILES 4096

/* ---- finding the case ---- */

int app_bundle_find_case(struct app_ctx *ctx, const char *arg, int64_t *id, struct sx_err *err)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll(arg, &end, 10);
    *id = 0;
    if (arg[0] >= '0' && arg[0] <= '9' && end != NULL && *end == '\0' && errno == 0 && v > 0) {
        struct st_case c;
        int rc = st_case_get(ctx->db, v, ctx->arena, &c, err);
        if (rc == 0)
            *id = c.id;
        return rc;
    }
    struct st_case_filter f = {.any_org = 1, .q = arg, .limit = 100};
    for (;;) {
        struct st_case *cs = NULL;
        size_t n = 0;
        int more = 0;
        int rc = st_case_list(ctx->db, &f, ctx->arena, &cs, &n, &more, err);
        if (rc != 0)
            return rc;
        for (size_t i = 0; i < n; i++) {
            if (cs[i].number != NULL && strcmp(cs[i].number, arg) == 0) {
                *id = cs[i].id;
                return 0;
            }
        }
        if (!more || n == 0)
            break;
        f.after_id = cs[n - 1].id;
    }
    char clip[128];
    return SX_FAIL(err, SX_E_NOTFOUND, "case-not-found", "没有这个案件", "", "case",
                   "没有案号或编号为“%s”的案件", sx_clip(clip, sizeof(clip), arg));
}

int app_bundle_list(struct app_ctx *ctx, int (*fn)(void *arg, const char *number), void *arg,
                    struct sx_err *err)
{
    struct st_case_filter f = {.any_org = 1, .limit = 100};
    for (;;) {
        struct st_case *cs = NULL;
        size_t n = 0;
        int more = 0;
        int rc = st_case_list(ctx->db, &f, ctx->arena, &cs, &n, &more, err);
        if (rc != 0)
            return rc;
        for (size_t i = 0; i < n; i++) {
            if (cs[i].number == NULL || cs[i].record_count < 1)
                continue;
            rc = fn(arg, cs[i].number);
            if (rc != 0)
                return rc;
        }
        if (!more || n == 0)
            return 0;
        f.after_id = cs[n - 1].id;
    }
}

/* ---- documents (their stored PDFs) and media (by hash only) ---- */

static int not_available(struct sx_err *err, const char *what, const char *sm3)
{
    return SX_FAIL(err, SX_E_NOTFOUND, "bytes-not-available", "文件内容不可用", "DESIGN §5", "sm3",
                   "%s %.16s… 的内容尚不能读取，卷宗只列出其哈希", what, sm3);
}

int app_bundle_document_bytes(struct app_ctx *ctx, const char *sm3, struct sx_buf *out,
                              struct sx_err *err)
{
    /* the PDF as stored with its document_issued record, checked against its SM3 */
    return app_document_blob(ctx, sm3, -1, out, err);
}

int app_bundle_media_bytes(struct app_ctx *ctx, const char *sm3, struct sx_buf *out,
                           struct sx_err *err)
{
    /*
     * Media travel by hash ("or their hashes, by choice", issue 5): a recording may be gigabytes
     * and a bundle is built in memory; the manifest names each one with the SM3 its
     * media_attach record holds, and the bytes stay in the media store, where verify checks them.
     */
    (void)ctx;
    (void)out;
    return not_available(err, "音像记录", sm3);
}

/* ---- building ---- */

/* One file being put in the bundle; data owned by buf. */
struct bfile {
    const char *path;
    struct sx_buf buf;
};

struct builder {
    struct bfile files[MAX_FILES];
    size_t n;
    struct lg_bundle_ref refs[MAX_FILES];
    size_t n_refs;
};

static struct sx_buf *add_file(struct builder *b, const char *path, struct sx_err *err)
{
    if (b->n >= MAX_FILES) {
        (void)SX_FAIL(err, SX_E_TOOBIG, "bundle-too-many-files", "卷宗文件过多", "", "",
                      "一个卷宗最多 %d 个文件", MAX_FILES);
        return NULL;
    }
    b->files[b->n].path = path;
    sx_buf_init(&b->files[b->n].buf, FILE_MAX);
    return &b->files[b->n++].buf;
}

static int cmp_bfile(const void *a, const void *b)
{
    return strcmp(((const struct bfile *)a)->path, ((const struct bfile *)b)->path);
}

static int nomem(struct sx_err *err)
{
    return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "电子卷宗");
}

static json_t *jstr_or_null(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}

/* case.json: the projection, its org, parties and officers. */
static json_t *case_json(const struct st_case *c, const struct st_org *org,
                         const struct st_party *parties, size_t np, const struct st_user *officers,
                         size_t no)
{
    json_t *cj = json_object(), *ps = json_array(), *os = json_array();
    json_object_set_new(cj, "id", json_integer(c->id));
    json_object_set_new(cj, "number", jstr_or_null(c->number));
    json_object_set_new(cj, "kind", json_string(c->kind));
    json_object_set_new(cj, "state", json_string(c->state));
    json_object_set_new(cj, "source", jstr_or_null(c->source));
    json_object_set_new(cj, "cause", jstr_or_null(c->cause));
    json_object_set_new(cj, "summary", jstr_or_null(c->summary));
    json_object_set_new(cj, "fine_fen", json_integer(c->fine_fen));
    json_object_set_new(cj, "confiscation_fen", json_integer(c->confiscation_fen));
    json_object_set_new(cj, "fund_recovery_fen", json_integer(c->fund_recovery_fen));
    json_object_set_new(cj, "payment_refusal_fen", json_integer(c->payment_refusal_fen));
    json_object_set_new(cj, "created_at", json_string(c->created_at));
    json_object_set_new(cj, "head_hash", json_string(c->head_hash));
    json_object_set_new(cj, "record_count", json_integer(c->record_count));
    json_object_set_new(
        cj, "org",
        json_pack("{sI ss ss}", "id", (json_int_t)org->id, "code", org->code, "name", org->name));
    for (size_t i = 0; i < np; i++) {
        const struct st_party *p = &parties[i];
        json_t *pj = json_object();
        json_object_set_new(pj, "kind", json_string(p->kind));
        json_object_set_new(pj, "name", json_string(p->name));
        json_object_set_new(pj, "id_number", jstr_or_null(p->id_number));
        json_object_set_new(pj, "uscc", jstr_or_null(p->uscc));
        json_object_set_new(pj, "legal_rep", jstr_or_null(p->legal_rep));
        json_object_set_new(pj, "address", jstr_or_null(p->address));
        json_array_append_new(ps, pj);
    }
    for (size_t i = 0; i < no; i++) {
        const struct st_user *u = &officers[i];
        json_array_append_new(os, json_pack("{sI ss so}", "id", (json_int_t)u->id, "name",
                                            u->display_name, "cert_no", jstr_or_null(u->cert_no)));
    }
    return json_pack("{so so so}", "case", cj, "parties", ps, "officers", os);
}

static json_t *record_json(const struct st_record *r)
{
    json_t *body = json_loads(r->body, JSON_REJECT_DUPLICATES, NULL);
    if (body == NULL)
        return NULL;
    json_t *o = json_object();
    json_object_set_new(o, "action", jstr_or_null(r->action));
    json_object_set_new(o, "actor", json_integer(r->actor_id));
    json_object_set_new(o, "at", json_string(r->at));
    json_object_set_new(o, "body", body);
    json_object_set_new(o, "case", json_integer(r->case_id));
    json_object_set_new(o, "corrects", r->corrects != 0 ? json_integer(r->corrects) : json_null());
    json_object_set_new(o, "hash", json_string(r->hash));
    json_object_set_new(o, "id", json_integer(r->id));
    json_object_set_new(o, "prev_hash", json_string(r->prev_hash));
    json_object_set_new(o, "recorded_at", jstr_or_null(r->recorded_at));
    json_object_set_new(o, "seq", json_integer(r->seq));
    json_object_set_new(o, "type", json_string(r->type));
    return o;
}

/* The leaves of the first size leaves, from the table (the CLI has no tree). */
struct treeload {
    struct lg_tree *tree;
    struct lg_hasher h;
    int64_t size;
};

static int treeload_leaf(void *p, const struct st_ledger_leaf *l, struct sx_err *err)
{
    struct treeload *tl = p;
    uint8_t leaf[LG_HASH_LEN];
    int64_t have = (int64_t)lg_tree_size(tl->tree);
    if (have >= tl->size)
        return 1; /* enough: stop the scan */
    if (l->idx != have ||
        lg_hex_decode(l->leaf_hash, strlen(l->leaf_hash), leaf, LG_HASH_LEN, NULL) != 0)
        return SX_FAIL(err, SX_E_TAMPER, "ledger-leaf-tampered", "全局账本叶子缺失或被篡改",
                       "DESIGN §5", "leaf", "叶子 %" PRId64 " 不可用，请运行 sanxiang verify",
                       have);
    return lg_tree_append(tl->tree, &tl->h, leaf, err);
}

/* The smallest checkpoint covering leaf max_idx; made on demand when none does. */
static int covering_checkpoint(struct app_ctx *ctx, struct app_ledger *lg,
                               const struct lg_sm2_key *key, int64_t max_idx,
                               struct st_ledger_checkpoint *cp, struct sx_err *err)
{
    struct st_ledger_checkpoint *list = NULL;
    size_t n = 0;
    int more = 0, made = 0;
    int rc = st_ledger_checkpoint_list(ctx->db, max_idx, 1, ctx->arena, &list, &n, &more, err);
    if (rc != 0)
        return rc;
    if (n == 1) {
        *cp = list[0];
        return 0;
    }
    if (lg != NULL)
        rc = app_ledger_checkpoint(lg, ctx->arena, cp, &made, err);
    else if (key != NULL)
        rc = app_ledger_checkpoint_db(ctx, key, app_now(ctx), cp, &made, err);
    else
        return SX_FAIL(err, SX_E_NOTFOUND, "no-checkpoint", "没有覆盖该案件全部记录的签名检查点",
                       "DESIGN §5", "checkpoint",
                       "请先运行 sanxiang ledger checkpoint，或提供账本私钥（--key）");
    if (rc == 0 && cp->tree_size <= max_idx)
        rc = SX_FAIL(err, SX_E_NOTFOUND, "no-checkpoint", "没有覆盖该案件全部记录的签名检查点",
                     "DESIGN §5", "checkpoint", "最新检查点只覆盖 %" PRId64 " 个叶子",
                     cp->tree_size);
    return rc;
}

static const char readme_fmt[] =
    "电子卷宗（案件材料包） — 三项 Sanxiang\n"
    "================================\n\n"
    "案号: %s\n记录数: %" PRId64 "\n链头哈希: %s\n检查点: 树大小 %" PRId64 "，根哈希 %s\n\n"
    "本卷宗可离线校验：sanxiang verify-bundle 本文件 [--public-key 公钥.pem]\n\n"
    "手工校验步骤（只需 OpenSSL 3 与任意 JSON 工具）：\n"
    "1. manifest.json 列出除它以外的每个文件及其 SM3 与大小：\n"
    "     openssl dgst -sm3 records.jsonl\n"
    "   逐一比对。included 为 false 的条目只给出哈希（文书或音像内容未放入卷宗）。\n"
    "2. records.jsonl 每行一条记录。去掉 hash、id、prev_hash 三个字段后，按键的字节序排列、\n"
    "   无空白地写出（规范 JSON），即为“信封”；hash = SM3(prev_hash 的 32 字节 || 信封)。\n"
    "   第一条记录的 prev_hash 为 64 个 0，其后每条的 prev_hash 等于上一条的 hash，\n"
    "   seq 从 1 连续递增；最后一条的 hash 等于 manifest.json 中的 head_hash。\n"
    "3. proofs.jsonl 每行是一条记录的 RFC 6962 包含证明（哈希函数为 SM3）：\n"
    "   叶子哈希 = SM3(0x00 || 记录哈希的 32 字节)，节点哈希 = SM3(0x01 || 左 || 右)；\n"
    "   按 RFC 9162 §2.1.3.2 由 leaf_index、tree_size 与 path 推算出根哈希，\n"
    "   应等于 checkpoint.txt 中的 root。\n"
    "4. checkpoint.txt 是被签名的原文，checkpoint.sig 是 SM2 签名（DER 的十六进制），\n"
    "   用户标识为 1234567812345678：\n"
    "     xxd -r -p checkpoint.sig > sig.der\n"
    "     openssl pkeyutl -verify -pubin -inkey public-key.pem -rawin -digest sm3 \\\n"
    "         -pkeyopt distid:1234567812345678 -in checkpoint.txt -sigfile sig.der\n"
    "5. public-key.pem 随卷宗提供，只是卷宗“自称”的公钥：应与从医保部门公开渠道\n"
    "   （GET /api/v1/ledger/public-key）取得的公钥比对，或用 --public-key 指定后再校验。\n\n"
    "依据：汶上县医疗保障局行政执法全过程记录制度 第二十三条（执行完毕后三十日内归档）；\n"
    "      云南 附件2 第二十条、湖北 附件2 第二十五条（记录不得删改）。\n";

static time_t iso_time(const char *s)
{
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    if (s == NULL || strptime(s, "%Y-%m-%dT%H:%M:%S", &tm) == NULL)
        return 0;
    return timegm(&tm);
}

static la_ssize_t tar_write(struct archive *a, void *p, const void *buf, size_t len)
{
    struct sx_buf *out = p;
    if (sx_buf_append(out, buf, len) != 0) {
        archive_set_error(a, ENOMEM, "bundle over the size limit");
        return -1;
    }
    return (la_ssize_t)len;
}

static int tar_error(struct sx_err *err, struct archive *a)
{
    return SX_FAIL(err, SX_E_IO, "bundle-write-failed", "无法写出电子卷宗", "", "",
                   "libarchive: %s",
                   archive_error_string(a) != NULL ? archive_error_string(a) : "?");
}

static int tar_entry(struct archive *a, const char *path, const void *data, size_t len,
                     time_t mtime, struct sx_err *err)
{
    struct archive_entry *e = archive_entry_new();
    int rc = 0;
    if (e == NULL)
        return nomem(err);
    archive_entry_set_pathname(e, path);
    archive_entry_set_size(e, (la_int64_t)len);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_mtime(e, mtime, 0);
    archive_entry_set_uid(e, 0);
    archive_entry_set_gid(e, 0);
    if (archive_write_header(a, e) != ARCHIVE_OK ||
        (len > 0 && archive_write_data(a, data, len) != (la_ssize_t)len))
        rc = tar_error(err, a);
    archive_entry_free(e);
    return rc;
}

/* Write manifest (first) and the sorted files as a ustar archive into out. */
static int write_tar(const struct builder *b, const struct sx_buf *manifest, time_t mtime,
                     struct sx_buf *out, struct sx_err *err)
{
    struct archive *a = archive_write_new();
    int rc = 0;
    if (a == NULL)
        return nomem(err);
    if (archive_write_set_format_ustar(a) != ARCHIVE_OK ||
        archive_write_open(a, out, NULL, tar_write, NULL) != ARCHIVE_OK) {
        rc = tar_error(err, a);
        goto cleanup;
    }
    rc = tar_entry(a, LG_BUNDLE_MANIFEST, manifest->data, manifest->len, mtime, err);
    for (size_t i = 0; rc == 0 && i < b->n; i++)
        rc = tar_entry(a, b->files[i].path, b->files[i].buf.data, b->files[i].buf.len, mtime, err);
    if (rc == 0 && archive_write_close(a) != ARCHIVE_OK)
        rc = tar_error(err, a);
cleanup:
    archive_write_free(a);
    return rc;
}

static int put_canon(struct sx_buf *out, json_t *v, struct sx_err *err)
{
    int rc;
    if (v == NULL)
        return nomem(err);
    rc = canon_json(v, out, err);
    if (rc == 0 && sx_buf_putc(out, '\n') != 0)
        rc = nomem(err);
    json_decref(v);
    return rc;
}

/* Documents and media of the records: a ref each, the bytes when available. */
static int add_refs(struct app_ctx *ctx, struct builder *b, const struct st_record *recs, size_t n,
                    struct app_bundle_info *info, struct sx_err *err)
{
    for (size_t i = 0; i < n; i++) {
        int is_doc = strcmp(recs[i].type, "document_issued") == 0;
        int is_media = strcmp(recs[i].type, "media_attach") == 0;
        if (!is_doc && !is_media)
            continue;
        json_t *body = json_loads(recs[i].body, 0, NULL);
        const char *sm3 = json_string_value(json_object_get(body, "sm3"));
        json_int_t size = json_integer_value(json_object_get(body, "size"));
        if (sm3 == NULL || strlen(sm3) != LG_SM3_HEX_LEN || b->n_refs >= MAX_FILES) {
            json_decref(body);
            continue; /* nothing to list: the record itself is in records.jsonl */
        }
        struct lg_bundle_ref *ref = &b->refs[b->n_refs++];
        ref->kind = is_doc ? "document" : "media";
        ref->sm3 = sx_arena_strdup(ctx->arena, sm3);
        ref->path = sx_arena_printf(ctx->arena, "%s/%s%s", is_doc ? "documents" : "media", sm3,
                                    is_doc ? ".pdf" : "");
        ref->size = size;
        ref->record_seq = recs[i].seq;
        json_decref(body);
        if (ref->sm3 == NULL || ref->path == NULL)
            return nomem(err);
        /* a file named twice (the same PDF issued again) goes in once */
        int dup = 0;
        for (size_t k = 0; k < b->n; k++)
            dup |= strcmp(b->files[k].path, ref->path) == 0;
        struct sx_err e2;
        sx_err_clear(&e2);
        struct sx_buf tmp;
        sx_buf_init(&tmp, FILE_MAX);
        int got = dup ? 0
                      : (is_doc ? app_bundle_document_bytes(ctx, ref->sm3, &tmp, &e2)
                                : app_bundle_media_bytes(ctx, ref->sm3, &tmp, &e2));
        if (!dup && got == 0) {
            struct sx_buf *fb = add_file(b, ref->path, err);
            if (fb == NULL) {
                sx_buf_free(&tmp);
                return SX_E_TOOBIG;
            }
            *fb = tmp;
            ref->included = 1;
        } else {
            sx_buf_free(&tmp);
            ref->included = dup;
        }
        if (is_doc)
            info->documents++;
        else
            info->media++;
        info->hash_only += !ref->included;
    }
    return 0;
}

int app_bundle_build(struct app_ctx *ctx, struct app_ledger *lg, const struct lg_sm2_key *key,
                     int64_t case_id, struct sx_buf *out, struct app_bundle_info *info,
                     struct sx_err *err)
{
    struct builder *b = calloc(1, sizeof(*b));
    struct st_case c;
    struct st_org org;
    struct st_party *parties = NULL;
    struct st_user *officers = NULL;
    struct st_record *recs = NULL;
    struct st_ledger_checkpoint cp;
    struct lg_tree *tree = NULL;
    struct sx_buf manifest;
    size_t np = 0, no = 0, n = 0;
    int64_t *idx = NULL, max_idx = -1;
    int rc;
    sx_buf_init(&manifest, 64u * 1024 * 1024);
    memset(info, 0, sizeof(*info));
    if (b == NULL)
        return nomem(err);
    /* one snapshot: the projection and exactly the records it counts */
    rc = st_begin_read(ctx->db, err);
    if (rc == 0)
        rc = st_case_page(ctx->db, case_id, ctx->arena, &c, &parties, &np, &officers, &no, err);
    if (rc == 0)
        rc = st_record_list(ctx->db, case_id, ctx->arena, &recs, &n, err);
    if (rc == 0)
        rc = st_org_get(ctx->db, c.org_id, ctx->arena, &org, err);
    (void)st_rollback(ctx->db, NULL);
    if (rc != 0)
        goto cleanup;
    if (n == 0 || (int64_t)n != c.record_count) {
        rc = SX_FAIL(err, SX_E_NOTFOUND, "case-not-exportable", "该案件没有可导出的记录",
                     "DESIGN §5", "case", "案件 %" PRId64 " 有 %zu 条记录", case_id, n);
        goto cleanup;
    }
    /* every record a leaf, then a checkpoint covering them all */
    struct app_ledger_sync_stats ss;
    rc = lg != NULL ? app_ledger_sync(lg, &ss, err) : app_ledger_sync_db(ctx, &ss, err);
    idx = calloc(n, sizeof(*idx));
    if (rc == 0 && idx == NULL)
        rc = nomem(err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        rc = st_ledger_leaf_of_record(ctx->db, recs[i].id, &idx[i], err);
        if (rc == 0 && idx[i] > max_idx)
            max_idx = idx[i];
    }
    if (rc == 0)
        rc = covering_checkpoint(ctx, lg, key, max_idx, &cp, err);
    if (rc != 0)
        goto cleanup;
    /* the public key: must be the one that signed the checkpoint */
    struct sx_buf *pem = add_file(b, LG_BUNDLE_PUBKEY, err);
    char kid[LG_SM3_HEX_LEN + 1];
    if (pem == NULL) {
        rc = SX_E_TOOBIG;
        goto cleanup;
    }
    if (lg != NULL) {
        rc = sx_buf_puts(pem, app_ledger_public_pem(lg)) == 0 ? 0 : nomem(err);
        snprintf(kid, sizeof(kid), "%s", app_ledger_key_id(lg));
    } else if (key != NULL) {
        rc = lg_sm2_key_to_pem(key, 0, pem, err);
        if (rc == 0)
            rc = lg_checkpoint_key_id(key, kid, err);
    } else {
        rc = SX_FAIL(err, SX_E_NOTFOUND, "no-key", "没有账本公钥", "DESIGN §5", "key",
                     "导出卷宗需要实例的账本密钥（--key）");
    }
    if (rc == 0 && strcmp(kid, cp.key_id) != 0)
        rc = SX_FAIL(err, SX_E_CONFLICT, "checkpoint-key-mismatch", "检查点不是由当前账本密钥签名",
                     "DESIGN §5", "key",
                     "检查点（树大小 %" PRId64 "）的签名密钥为 %.16s…，当前密钥为 %.16s…",
                     cp.tree_size, cp.key_id, kid);
    if (rc != 0)
        goto cleanup;
    /* proofs: from the server's tree when it has the checkpoint's size, else from the table */
    struct lg_hasher h = lg_hasher_sm3(NULL);
    if (lg == NULL || app_ledger_size(lg) < (uint64_t)cp.tree_size) {
        struct treeload tl = {.h = h, .size = cp.tree_size};
        rc = lg_tree_new(&tree, err);
        if (rc == 0) {
            tl.tree = tree;
            rc = st_begin_read(ctx->db, err);
            if (rc == 0)
                rc = st_ledger_leaf_scan(ctx->db, 0, treeload_leaf, &tl, err);
            (void)st_rollback(ctx->db, NULL);
            if (rc == 1)
                rc = 0;
            if (rc == 0 && (int64_t)lg_tree_size(tree) != cp.tree_size)
                rc = SX_FAIL(err, SX_E_TAMPER, "ledger-leaf-missing", "全局账本缺少叶子",
                             "DESIGN §5", "leaf", "检查点有 %" PRId64 " 个叶子，表中只有 %" PRIu64,
                             cp.tree_size, lg_tree_size(tree));
        }
        uint8_t root[LG_HASH_LEN];
        char root_hex[LG_SM3_HEX_LEN + 1];
        if (rc == 0)
            rc = lg_tree_root(tree, &h, (uint64_t)cp.tree_size, root, err);
        if (rc == 0) {
            lg_hex_encode(root, LG_HASH_LEN, root_hex);
            if (strcmp(root_hex, cp.root) != 0)
                rc = SX_FAIL(err, SX_E_TAMPER, "checkpoint-root-mismatch", "检查点根哈希与叶子不符",
                             "DESIGN §5", "checkpoint", "请运行 sanxiang verify");
        }
        if (rc != 0)
            goto cleanup;
    }
    struct sx_buf *pf = add_file(b, LG_BUNDLE_PROOFS, err);
    struct sx_buf *rf = add_file(b, LG_BUNDLE_RECORDS, err);
    if (pf == NULL || rf == NULL) {
        rc = SX_E_TOOBIG;
        goto cleanup;
    }
    for (size_t i = 0; rc == 0 && i < n; i++) {
        json_t *path = json_array();
        if (tree != NULL) {
            uint8_t p[LG_MERKLE_PATH_MAX][LG_HASH_LEN];
            size_t cnt = 0;
            rc =
                lg_tree_inclusion(tree, &h, (uint64_t)idx[i], (uint64_t)cp.tree_size, p, &cnt, err);
            for (size_t k = 0; rc == 0 && k < cnt; k++) {
                char hx[LG_SM3_HEX_LEN + 1];
                lg_hex_encode(p[k], LG_HASH_LEN, hx);
                json_array_append_new(path, json_string(hx));
            }
        } else {
            struct app_ledger_inclusion inc;
            rc = app_ledger_inclusion(lg, ctx, recs[i].id, cp.tree_size, &inc, err);
            for (size_t k = 0; rc == 0 && k < inc.count; k++)
                json_array_append_new(path, json_string(inc.path[k]));
        }
        if (rc != 0) {
            json_decref(path);
            break;
        }
        rc = put_canon(pf,
                       json_pack("{sI so ss sI sI}", "leaf_index", (json_int_t)idx[i], "path", path,
                                 "record_hash", recs[i].hash, "seq", (json_int_t)recs[i].seq,
                                 "tree_size", (json_int_t)cp.tree_size),
                       err);
        if (rc == 0)
            rc = put_canon(rf, record_json(&recs[i]), err);
    }
    if (rc != 0)
        goto cleanup;
    /* checkpoint, signature, case, readme, documents and media */
    struct sx_buf *ct = add_file(b, LG_BUNDLE_CHECKPOINT, err);
    struct sx_buf *cs = add_file(b, LG_BUNDLE_SIGNATURE, err);
    struct sx_buf *cj = add_file(b, LG_BUNDLE_CASE, err);
    struct sx_buf *rd = add_file(b, LG_BUNDLE_README, err);
    if (ct == NULL || cs == NULL || cj == NULL || rd == NULL) {
        rc = SX_E_TOOBIG;
        goto cleanup;
    }
    rc = lg_checkpoint_text(cp.tree_size, cp.root, cp.made_at, ct, err);
    if (rc == 0 && sx_buf_printf(cs, "%s\n", cp.signature) != 0)
        rc = nomem(err);
    if (rc == 0)
        rc = put_canon(cj, case_json(&c, &org, parties, np, officers, no), err);
    if (rc == 0 && sx_buf_printf(rd, readme_fmt, c.number != NULL ? c.number : "（未编号）",
                                 c.record_count, c.head_hash, cp.tree_size, cp.root) != 0)
        rc = nomem(err);
    if (rc == 0)
        rc = add_refs(ctx, b, recs, n, info, err);
    if (rc != 0)
        goto cleanup;
    qsort(b->files, b->n, sizeof(b->files[0]), cmp_bfile);
    /* the manifest over all of them */
    struct lg_bundle_file *lf = calloc(b->n + 1, sizeof(*lf));
    if (lf == NULL) {
        rc = nomem(err);
        goto cleanup;
    }
    for (size_t i = 0; i < b->n; i++)
        lf[i] = (struct lg_bundle_file){.path = b->files[i].path,
                                        .data = (const uint8_t *)b->files[i].buf.data,
                                        .len = b->files[i].buf.len};
    json_t *mcase =
        json_pack("{sI so ss sI}", "id", (json_int_t)c.id, "number", jstr_or_null(c.number),
                  "head_hash", c.head_hash, "record_count", (json_int_t)c.record_count);
    json_t *mcp = json_pack("{sI ss ss ss}", "tree_size", (json_int_t)cp.tree_size, "root", cp.root,
                            "made_at", cp.made_at, "key_id", cp.key_id);
    if (mcase == NULL || mcp == NULL)
        rc = nomem(err);
    else
        rc = lg_bundle_manifest(mcase, mcp, lf, b->n, b->refs, b->n_refs, &manifest, err);
    json_decref(mcase);
    json_decref(mcp);
    free(lf);
    size_t start = out->len;
    if (rc == 0)
        rc = write_tar(b, &manifest, iso_time(cp.made_at), out, err);
    if (rc == 0) {
        uint8_t hh[LG_SM3_LEN];
        rc = lg_sm3(out->data + start, out->len - start, hh, err);
        if (rc == 0)
            lg_hex_encode(hh, LG_SM3_LEN, info->sm3);
        info->size = out->len - start;
        info->case_id = c.id;
        snprintf(info->number, sizeof(info->number), "%s", c.number != NULL ? c.number : "");
        info->record_count = c.record_count;
        snprintf(info->head_hash, sizeof(info->head_hash), "%s", c.head_hash);
        info->tree_size = cp.tree_size;
    }
cleanup:
    for (size_t i = 0; i < b->n; i++)
        sx_buf_free(&b->files[i].buf);
    free(b);
    free(idx);
    lg_tree_free(tree);
    sx_buf_free(&manifest);
    return rc;
}

/* ---- reading ---- */

__attribute__((format(printf, 2, 3))) static int unreadable(struct sx_err *err, const char *fmt,
                                                            ...)
{
    char detail[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    return SX_FAIL(err, SX_E_INVALID, "bundle-unreadable", "电子卷宗文件无法读取（截断或损坏）",
                   "DESIGN §5", "bundle", "%s", detail);
}

static int path_ok(const char *p)
{
    size_t n = strlen(p);
    if (n == 0 || n > 255 || p[0] == '/' || strstr(p, "..") != NULL)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f || p[i] == '\\')
            return 0;
    return 1;
}

int app_bundle_read(const void *data, size_t len, struct sx_arena *arena,
                    struct lg_bundle_file **files, size_t *n, struct sx_err *err)
{
    struct archive *a = archive_read_new();
    struct archive_entry *e = NULL;
    size_t cap = 64;
    int rc = 0;
    *files = NULL;
    *n = 0;
    if (a == NULL)
        return nomem(err);
    struct lg_bundle_file *fs = sx_arena_alloc(arena, cap * sizeof(*fs));
    if (fs == NULL) {
        rc = nomem(err);
        goto cleanup;
    }
    if (archive_read_support_format_tar(a) != ARCHIVE_OK ||
        archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
        rc = unreadable(err, "不是 tar 归档");
        goto cleanup;
    }
    for (;;) {
        int r = archive_read_next_header(a, &e);
        if (r == ARCHIVE_EOF)
            break;
        if (r != ARCHIVE_OK) {
            const char *es = archive_error_string(a);
            rc = unreadable(err, "读取归档出错: %s", es != NULL ? es : "?");
            goto cleanup;
        }
        const char *p = archive_entry_pathname(e);
        if (p == NULL || !path_ok(p) || archive_entry_filetype(e) != AE_IFREG) {
            rc = unreadable(err, "归档中有不允许的条目%s%s", p != NULL ? ": " : "",
                            p != NULL && path_ok(p) ? p : "");
            goto cleanup;
        }
        for (size_t i = 0; i < *n; i++) {
            if (strcmp(fs[i].path, p) == 0) {
                rc = unreadable(err, "文件 %s 出现两次", p);
                goto cleanup;
            }
        }
        la_int64_t sz = archive_entry_size(e);
        if (sz < 0 || (uint64_t)sz > APP_BUNDLE_MAX) {
            rc = unreadable(err, "文件 %s 大小无效", p);
            goto cleanup;
        }
        if (*n == cap) {
            struct lg_bundle_file *nf = sx_arena_alloc(arena, 2 * cap * sizeof(*nf));
            if (nf == NULL) {
                rc = nomem(err);
                goto cleanup;
            }
            memcpy(nf, fs, cap * sizeof(*nf));
            fs = nf;
            cap *= 2;
        }
        uint8_t *buf = sx_arena_alloc_raw(arena, (size_t)sz + 1);
        char *pc = sx_arena_strdup(arena, p);
        if (buf == NULL || pc == NULL) {
            rc = nomem(err);
            goto cleanup;
        }
        size_t got = 0;
        while (got < (size_t)sz) {
            la_ssize_t k = archive_read_data(a, buf + got, (size_t)sz - got);
            if (k <= 0) {
                const char *es = archive_error_string(a);
                rc = unreadable(err, "文件 %s 不完整（归档被截断？）: %s", pc,
                                es != NULL ? es : "数据提前结束");
                goto cleanup;
            }
            got += (size_t)k;
        }
        buf[sz] = '\0';
        fs[*n].path = pc;
        fs[*n].data = buf;
        fs[*n].len = (size_t)sz;
        (*n)++;
    }
    *files = fs;
cleanup:
    archive_read_free(a);
    if (rc != 0)
        *n = 0;
    return rc;
}

/* ---- storing and archiving ---- */

void app_bundle_dir(const char *db_url, char *out, size_t cap)
{
    char key[4096];
    app_ledger_key_path(db_url, NULL, key, sizeof(key));
    const char *slash = strrchr(key, '/');
    if (slash == NULL)
        snprintf(out, cap, "bundles");
    else
        snprintf(out, cap, "%.*s/bundles", (int)(slash - key), key);
}

static int store_bundle(const char *dir, const struct sx_buf *tar, const char *sm3,
                        struct sx_err *err)
{
    char path[4096], tmp[4200];
    struct stat st;
    int fd = -1, rc = 0;
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return SX_FAIL(err, SX_E_IO, "bundle-store-failed", "无法保存电子卷宗", "", "dir",
                       "无法创建目录 %s: %s", dir, strerror(errno));
    snprintf(path, sizeof(path), "%s/%s.tar", dir, sm3);
    if (stat(path, &st) == 0 && (size_t)st.st_size == tar->len)
        return 0; /* content-addressed: the same bytes are there */
    snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return SX_FAIL(err, SX_E_IO, "bundle-store-failed", "无法保存电子卷宗", "", "path",
                       "%s: %s", tmp, strerror(errno));
    size_t off = 0;
    while (off < tar->len) {
        ssize_t k = write(fd, tar->data + off, tar->len - off);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            rc = SX_FAIL(err, SX_E_IO, "bundle-store-failed", "无法保存电子卷宗", "", "path",
                         "%s: %s", tmp, strerror(errno));
            break;
        }
        off += (size_t)k;
    }
    if (rc == 0 && fsync(fd) != 0)
        rc = SX_FAIL(err, SX_E_IO, "bundle-store-failed", "无法保存电子卷宗", "", "path",
                     "fsync %s: %s", tmp, strerror(errno));
    close(fd);
    if (rc == 0 && rename(tmp, path) != 0)
        rc = SX_FAIL(err, SX_E_IO, "bundle-store-failed", "无法保存电子卷宗", "", "path", "%s: %s",
                     path, strerror(errno));
    if (rc != 0)
        unlink(tmp);
    return rc;
}

int app_bundle_archive(struct app_ctx *ctx, struct app_ledger *lg, const struct lg_sm2_key *key,
                       const char *dir, const struct app_principal *actor, int64_t case_id,
                       const struct app_step *step, struct app_step_result *out,
                       struct app_bundle_info *info, struct sx_err *err)
{
    int rc = SX_E_CONFLICT;
    if (step->action == NULL || strcmp(step->action, "archive") != 0)
        return SX_FAIL(err, SX_E_INTERNAL, "not-archive", "内部错误", "", "action",
                       "app_bundle_archive 只用于归档");
    for (int attempt = 0; attempt < 3; attempt++) {
        struct sx_buf tar;
        struct st_case c;
        struct st_party *ps;
        struct st_user *us;
        size_t np, nu;
        sx_buf_init(&tar, APP_BUNDLE_MAX);
        rc = app_bundle_build(ctx, lg, key, case_id, &tar, info, err);
        if (rc == 0)
            rc = store_bundle(dir, &tar, info->sm3, err);
        sx_buf_free(&tar);
        if (rc != 0)
            return rc;
        json_t *body = json_deep_copy(step->body != NULL ? step->body : json_null());
        if (!json_is_object(body)) {
            json_decref(body);
            body = json_object();
        }
        json_object_set_new(body, "bundle_sm3", json_string(info->sm3));
        json_object_set_new(body, "bundle_size", json_integer((json_int_t)info->size));
        json_object_set_new(body, "bundle_records", json_integer(info->record_count));
        struct app_step s2 = *step;
        s2.body = body;
        rc = st_begin(ctx->db, err);
        if (rc == 0)
            rc = st_case_page_for_update(ctx->db, case_id, ctx->arena, &c, &ps, &np, &us, &nu, err);
        if (rc == 0 &&
            (c.record_count != info->record_count || strcmp(c.head_hash, info->head_hash) != 0)) {
            /* a record came in after the bundle was built: build again */
            (void)st_rollback(ctx->db, NULL);
            json_decref(body);
            rc = SX_FAIL(err, SX_E_CONFLICT, "case-moved-on", "案件在归档时有新记录", SRC_ARCHIVE,
                         "case", "卷宗生成期间案件追加了新记录，请重试归档");
            continue;
        }
        if (rc == 0)
            rc = app_case_step_tx(ctx, actor, case_id, &s2, out, err);
        if (rc == 0)
            rc = st_commit(ctx->db, err);
        if (rc != 0)
            (void)st_rollback(ctx->db, NULL);
        json_decref(body);
        return rc;
    }
    return rc;
}
