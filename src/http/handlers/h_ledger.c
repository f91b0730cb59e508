/*
 * h_ledger: the global Merkle log over HTTP — signed checkpoints, the public
 * key, inclusion and consistency proofs (app/ledger.h). Hashes are lowercase
 * hex; every checkpoint carries the exact text that was signed, so a client
 * can check the SM2 signature with nothing but the public key.
 */
#include <inttypes.h>
#include <string.h>

#include "api.h"
#include "app/ledger.h"
#include "ledger/checkpoint.h"
#include "ledger/crypto.h"

static int no_ledger(struct sx_err *err)
{
    int rc = SX_FAIL(err, SX_E_DB, "ledger-unavailable", "全局账本暂不可用", "DESIGN §5", "",
                     "本服务未加载全局账本");
    err->status = 503;
    return rc;
}

static struct app_ledger *ledger_of(struct http_req *r)
{
    return ((struct api_app *)r->app)->ledger;
}

/* The checkpoint as JSON, with the signed text. NULL on failure. */
static json_t *checkpoint_json(const struct st_ledger_checkpoint *cp)
{
    struct sx_buf text;
    json_t *out = NULL;
    sx_buf_init(&text, 1024);
    if (lg_checkpoint_text(cp->tree_size, cp->root, cp->made_at, &text, NULL) == 0)
        out =
            json_pack("{sI ss ss ss ss ss ss ss}", "tree_size", (json_int_t)cp->tree_size, "root",
                      cp->root, "made_at", cp->made_at, "signature", cp->signature, "key_id",
                      cp->key_id, "signed_text", text.data, "signature_algorithm",
                      "SM2-with-SM3, DER, distid " LG_SM2_DEFAULT_ID, "hash", "SM3, RFC 6962 §2.1");
    sx_buf_free(&text);
    return out;
}

static int send_checkpoint(struct http_req *r, int status, const struct st_ledger_checkpoint *cp,
                           struct sx_err *err)
{
    json_t *j = checkpoint_json(cp);
    if (j == NULL)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "检查点");
    return http_send_json(r, status, j, err);
}

int api_ledger_checkpoint_latest(struct http_req *r, struct sx_err *err)
{
    struct app_ctx *ctx = api_ctx(r);
    struct st_ledger_checkpoint cp;
    int rc = st_ledger_checkpoint_latest(ctx->db, ctx->arena, &cp, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return send_checkpoint(r, 200, &cp, err);
}

int api_ledger_checkpoint_get(struct http_req *r, struct sx_err *err)
{
    struct app_ctx *ctx = api_ctx(r);
    struct st_ledger_checkpoint cp;
    int64_t size = 0;
    int rc = http_param_id(r, "size", &size, err);
    if (rc == 0)
        rc = st_ledger_checkpoint_get(ctx->db, size, ctx->arena, &cp, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return send_checkpoint(r, 200, &cp, err);
}

int api_ledger_checkpoint_create(struct http_req *r, struct sx_err *err)
{
    struct app_ledger *lg = ledger_of(r);
    struct st_ledger_checkpoint cp;
    int made = 0;
    int rc;
    if (lg == NULL)
        return api_done(r, no_ledger(err), err);
    rc = app_ledger_checkpoint(lg, r->arena, &cp, &made, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return send_checkpoint(r, made ? 201 : 200, &cp, err);
}

int api_ledger_public_key(struct http_req *r, struct sx_err *err)
{
    struct app_ledger *lg = ledger_of(r);
    if (lg == NULL)
        return api_done(r, no_ledger(err), err);
    json_t *j = json_pack("{ss ss ss ss}", "algorithm", "SM2", "distid", LG_SM2_DEFAULT_ID,
                          "key_id", app_ledger_key_id(lg), "pem", app_ledger_public_pem(lg));
    return http_send_json(r, 200, j, err);
}

static json_t *path_json(char (*path)[LG_SM3_HEX_LEN + 1], size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a != NULL && i < n; i++) {
        if (json_array_append_new(a, json_string(path[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

/* The checkpoint of size as JSON, or JSON null when there is none. */
static json_t *checkpoint_or_null(struct app_ctx *ctx, int64_t size)
{
    struct st_ledger_checkpoint cp;
    struct sx_err ignored;
    if (st_ledger_checkpoint_get(ctx->db, size, ctx->arena, &cp, &ignored) != 0)
        return json_null();
    json_t *j = checkpoint_json(&cp);
    return j != NULL ? j : json_null();
}

int api_ledger_inclusion(struct http_req *r, struct sx_err *err)
{
    struct app_ctx *ctx = api_ctx(r);
    struct app_ledger *lg = ledger_of(r);
    struct app_ledger_inclusion p;
    int64_t record = 0, size = 0;
    int rc;
    if (lg == NULL)
        return api_done(r, no_ledger(err), err);
    rc = http_query_int(r, "record", 1, INT64_MAX, 0, &record, err);
    if (rc == 0 && record == 0)
        rc = SX_FAIL(err, SX_E_INVALID, "missing-field", "缺少必填项", "", "record",
                     "须以 record=记录编号 指定记录");
    if (rc == 0)
        rc = http_query_int(r, "size", 1, INT64_MAX, 0, &size, err);
    if (rc == 0)
        rc = app_ledger_inclusion(lg, ctx, record, size, &p, err);
    if (rc != 0)
        return api_done(r, rc, err);
    json_t *j = json_pack("{sI ss sI ss sI ss so so ss}", "record_id", (json_int_t)p.record_id,
                          "record_hash", p.record_hash, "leaf_index", (json_int_t)p.leaf_index,
                          "leaf_hash", p.leaf_hash, "tree_size", (json_int_t)p.tree_size, "root",
                          p.root, "path", path_json(p.path, p.count), "checkpoint",
                          checkpoint_or_null(ctx, p.tree_size), "hash", "SM3, RFC 6962 §2.1");
    return http_send_json(r, 200, j, err);
}

int api_ledger_consistency(struct http_req *r, struct sx_err *err)
{
    struct app_ctx *ctx = api_ctx(r);
    struct app_ledger *lg = ledger_of(r);
    struct app_ledger_consistency p;
    int64_t first = 0, second = 0;
    int rc;
    if (lg == NULL)
        return api_done(r, no_ledger(err), err);
    rc = http_query_int(r, "first", 1, INT64_MAX, 0, &first, err);
    if (rc == 0)
        rc = http_query_int(r, "second", 1, INT64_MAX, 0, &second, err);
    if (rc == 0 && (first == 0 || second == 0))
        rc = SX_FAIL(err, SX_E_INVALID, "missing-field", "缺少必填项", "", "first",
                     "须以 first=N&second=M 指定两个树大小");
    if (rc == 0)
        rc = app_ledger_consistency(lg, ctx->arena, first, second, &p, err);
    if (rc != 0)
        return api_done(r, rc, err);
    json_t *j = json_pack("{sI sI ss ss so s{so so} ss}", "first", (json_int_t)p.first, "second",
                          (json_int_t)p.second, "root1", p.root1, "root2", p.root2, "path",
                          path_json(p.path, p.count), "checkpoints", "first",
                          checkpoint_or_null(ctx, p.first), "second",
                          checkpoint_or_null(ctx, p.second), "hash", "SM3, RFC 6962 §2.1");
    return http_send_json(r, 200, j, err);
}
