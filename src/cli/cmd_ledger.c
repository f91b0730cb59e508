/*
 * ledger: the global Merkle log from the command line — sequence records into
 * leaves, sign a checkpoint, show the state and the public key, and check a
 * proof the API returned, offline.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app/app.h"
#include "app/files.h"
#include "app/ledger.h"
#include "cli.h"
#include "ledger/checkpoint.h"
#include "ledger/crypto.h"
#include "ledger/merkle.h"
#include "store/store.h"
#include "sx_buf.h"

static const char usage[] =
    "用法: sanxiang ledger <子命令> [--db URL] [--key PEM]\n"
    "  sync          把尚未进入全局账本的记录依次排为 Merkle 树叶子（服务运行时也每秒自动进行）\n"
    "  checkpoint    同步后，用本实例的 SM2 "
    "密钥对当前树（大小、根哈希、时间）签名（树未增长则不新签）\n"
    "  status        叶子数和最新签名检查点\n"
    "  public-key    输出本实例账本公钥（PEM）\n"
    "  verify-proof FILE [--public-key PEM]\n"
    "                离线校验 API 返回的包含证明或一致性证明（JSON "
    "文件）；给出公钥时也校验检查点签名\n"
    "  --key  账本私钥文件（默认：SQLite 数据库同目录的 ledger-key.pem；PostgreSQL 为 "
    "var/ledger-key.pem）\n";

static int print_checkpoint(const struct st_ledger_checkpoint *cp, int made)
{
    printf("%s: tree_size=%" PRId64 " root=%s made_at=%s key_id=%s\n",
           made ? "已签署新的检查点" : "最新检查点已覆盖全部叶子", cp->tree_size, cp->root,
           cp->made_at, cp->key_id);
    return CLI_EXIT_OK;
}

static int run_db(const char *sub, struct cli_common *common, const char *key_opt)
{
    struct app *app = NULL;
    struct app_ctx ctx;
    struct sx_err err;
    char key_path[4096];
    int rc = cli_open(common, &app, &ctx);
    if (rc != 0)
        return rc;
    rc = cli_check_schema(&ctx);
    if (rc != 0)
        goto done;
    sx_err_clear(&err);
    app_ledger_key_path(common->db, key_opt, key_path, sizeof(key_path));
    if (strcmp(sub, "sync") == 0) {
        struct app_ledger_sync_stats st;
        rc = app_ledger_sync_db(&ctx, &st, &err);
        if (rc == 0)
            printf("账本已同步: 新增叶子 %" PRId64 " 个，共 %" PRId64 " 个\n", st.added,
                   st.tree_size);
    } else if (strcmp(sub, "checkpoint") == 0) {
        struct lg_sm2_key *key = NULL;
        struct st_ledger_checkpoint cp;
        int made = 0;
        rc = app_ledger_key_load(key_path, 1, &key, NULL, &err);
        if (rc == 0)
            rc = app_ledger_checkpoint_db(&ctx, key, app_now(&ctx), &cp, &made, &err);
        lg_sm2_key_free(key);
        if (rc == 0)
            print_checkpoint(&cp, made);
    } else if (strcmp(sub, "status") == 0) {
        struct st_ledger_horizon h;
        struct st_ledger_checkpoint cp;
        rc = st_begin_read(ctx.db, &err);
        if (rc == 0)
            rc = st_ledger_horizon(ctx.db, &h, &err);
        if (rc == 0) {
            printf("全局账本: 叶子 %" PRId64 " 个\n", h.next_index);
            struct sx_err e2;
            sx_err_clear(&e2);
            if (st_ledger_checkpoint_latest(ctx.db, ctx.arena, &cp, &e2) == 0)
                printf("最新签名检查点: tree_size=%" PRId64 " root=%s made_at=%s\n", cp.tree_size,
                       cp.root, cp.made_at);
            else
                printf("尚无签名检查点\n");
        }
        (void)st_rollback(ctx.db, NULL);
    } else {
        struct lg_sm2_key *key = NULL;
        struct sx_buf pem;
        sx_buf_init(&pem, 8192);
        rc = app_ledger_key_load(key_path, 0, &key, NULL, &err);
        if (rc == 0)
            rc = lg_sm2_key_to_pem(key, 0, &pem, &err);
        if (rc == 0)
            fputs(pem.data, stdout);
        sx_buf_free(&pem);
        lg_sm2_key_free(key);
    }
    if (rc != 0)
        rc = cli_report(&err);
done:
    cli_close(app, &ctx);
    return rc;
}

/* ---- verify-proof ---- */

static int hex32(const json_t *v, uint8_t out[LG_HASH_LEN])
{
    const char *s = json_string_value(v);
    return s != NULL && lg_hex_decode(s, strlen(s), out, LG_HASH_LEN, NULL) == 0;
}

static int bad_proof(struct sx_err *err, const char *what)
{
    return SX_FAIL(err, SX_E_TAMPER, "proof-invalid", "Merkle 证明校验未通过", "RFC 6962 §2.1", "",
                   "%s", what);
}

/* A checkpoint object of the proof (may be JSON null): roots and, with a key, the signature. */
static int check_cp(const json_t *cp, int64_t size, const uint8_t root[LG_HASH_LEN],
                    const struct lg_sm2_key *key, int *signed_ok, struct sx_err *err)
{
    uint8_t r[LG_HASH_LEN];
    if (cp == NULL || json_is_null(cp))
        return 0;
    if (json_integer_value(json_object_get(cp, "tree_size")) != size ||
        !hex32(json_object_get(cp, "root"), r) || memcmp(r, root, LG_HASH_LEN) != 0)
        return bad_proof(err, "检查点的树大小或根哈希与证明不符");
    if (key == NULL)
        return 0;
    int rc = lg_checkpoint_verify(key, size, json_string_value(json_object_get(cp, "root")),
                                  json_string_value(json_object_get(cp, "made_at")),
                                  json_string_value(json_object_get(cp, "signature")), err);
    if (rc == 0)
        (*signed_ok)++;
    return rc;
}

static int path_of(const json_t *arr, uint8_t path[][LG_HASH_LEN], size_t *count)
{
    size_t i;
    json_t *v;
    if (!json_is_array(arr) || json_array_size(arr) > LG_MERKLE_PATH_MAX)
        return 0;
    *count = json_array_size(arr);
    json_array_foreach(arr, i, v)
    {
        if (!hex32(v, path[i]))
            return 0;
    }
    return 1;
}

static int verify_proof(const char *file, const char *pub)
{
    struct sx_err err;
    struct sx_buf text;
    json_t *j = NULL;
    json_error_t je;
    struct lg_sm2_key *key = NULL;
    struct lg_hasher h = lg_hasher_sm3(NULL);
    uint8_t path[LG_MERKLE_PATH_MAX][LG_HASH_LEN];
    size_t count = 0;
    int signed_ok = 0;
    int rc;
    sx_err_clear(&err);
    sx_buf_init(&text, 16u << 20);
    rc = app_file_read(file, &text, &err);
    if (rc == 0 && pub != NULL)
        rc = lg_sm2_key_load(pub, &key, &err);
    if (rc == 0) {
        j = json_loadb(text.data, text.len, 0, &je);
        if (j == NULL || !json_is_object(j))
            rc = SX_FAIL(&err, SX_E_INVALID, "invalid-json", "证明文件不是有效的 JSON", "", "",
                         "%s: %s", file, j == NULL ? je.text : "不是对象");
    }
    if (rc != 0)
        goto done;
    if (!path_of(json_object_get(j, "path"), path, &count)) {
        rc = bad_proof(&err, "path 须为 64 位十六进制哈希的数组");
        goto done;
    }
    if (json_object_get(j, "leaf_index") != NULL) {
        uint8_t rh[LG_HASH_LEN], leaf[LG_HASH_LEN], given_leaf[LG_HASH_LEN], root[LG_HASH_LEN];
        int64_t idx = json_integer_value(json_object_get(j, "leaf_index"));
        int64_t size = json_integer_value(json_object_get(j, "tree_size"));
        if (!hex32(json_object_get(j, "record_hash"), rh) ||
            !hex32(json_object_get(j, "root"), root) || idx < 0 || size < 1) {
            rc = bad_proof(&err, "record_hash、root、leaf_index 或 tree_size 缺失或无效");
            goto done;
        }
        rc = lg_merkle_leaf_hash(&h, rh, LG_SM3_LEN, leaf, &err);
        if (rc != 0)
            goto done;
        if (json_object_get(j, "leaf_hash") != NULL &&
            (!hex32(json_object_get(j, "leaf_hash"), given_leaf) ||
             memcmp(given_leaf, leaf, LG_HASH_LEN) != 0)) {
            rc = bad_proof(&err, "leaf_hash 不等于 SM3(0x00 || record_hash)");
            goto done;
        }
        rc = lg_merkle_verify_inclusion(&h, (uint64_t)idx, (uint64_t)size, leaf, path[0], count,
                                        root, &err);
        if (rc == 0)
            rc = check_cp(json_object_get(j, "checkpoint"), size, root, key, &signed_ok, &err);
        if (rc == 0)
            printf("包含证明有效: 记录哈希 %.16s… 是大小为 %" PRId64 " 的树的第 %" PRId64
                   " 个叶子%s\n",
                   json_string_value(json_object_get(j, "record_hash")), size, idx,
                   signed_ok ? "，检查点签名有效" : "");
    } else {
        uint8_t r1[LG_HASH_LEN], r2[LG_HASH_LEN];
        int64_t first = json_integer_value(json_object_get(j, "first"));
        int64_t second = json_integer_value(json_object_get(j, "second"));
        const json_t *cps = json_object_get(j, "checkpoints");
        if (!hex32(json_object_get(j, "root1"), r1) || !hex32(json_object_get(j, "root2"), r2) ||
            first < 1 || second < first) {
            rc = bad_proof(&err, "first、second、root1 或 root2 缺失或无效");
            goto done;
        }
        rc = lg_merkle_verify_consistency(&h, (uint64_t)first, (uint64_t)second, r1, r2, path[0],
                                          count, &err);
        if (rc == 0 && cps != NULL)
            rc = check_cp(json_object_get(cps, "first"), first, r1, key, &signed_ok, &err);
        if (rc == 0 && cps != NULL)
            rc = check_cp(json_object_get(cps, "second"), second, r2, key, &signed_ok, &err);
        if (rc == 0)
            printf("一致性证明有效: 大小 %" PRId64 " 的树是大小 %" PRId64 " 的树的前缀%s\n", first,
                   second, signed_ok ? "，检查点签名有效" : "");
    }
done:
    json_decref(j);
    lg_sm2_key_free(key);
    sx_buf_free(&text);
    if (rc == 0)
        return CLI_EXIT_OK;
    rc = cli_report(&err);
    return err.code == SX_E_TAMPER ? CLI_EXIT_CHECK_FAILED : rc;
}

int cli_ledger(int argc, char **argv)
{
    struct cli_common common;
    const char *key = NULL;
    const char *pub = NULL;
    argc = cli_take_common(argc, argv, &common);
    if (argc < 0)
        return CLI_EXIT_USAGE;
    const struct cli_opt opts[] = {
        {"--key", &key, NULL}, {"--public-key", &pub, NULL}, {NULL, NULL, NULL}};
    int npos = cli_parse_opts(argc, argv, 1, opts, usage);
    if (npos == -2)
        return CLI_EXIT_OK;
    if (npos < 1) {
        if (npos == 0)
            fputs(usage, stderr);
        return CLI_EXIT_USAGE;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "verify-proof") == 0) {
        if (npos != 2) {
            fprintf(stderr, "sanxiang: ledger verify-proof 需要一个证明文件\n%s", usage);
            return CLI_EXIT_USAGE;
        }
        return verify_proof(argv[2], pub);
    }
    if (npos != 1 || (strcmp(sub, "sync") != 0 && strcmp(sub, "checkpoint") != 0 &&
                      strcmp(sub, "status") != 0 && strcmp(sub, "public-key") != 0)) {
        fprintf(stderr, "sanxiang: ledger: 未知子命令或多余参数 %s\n%s", sub, usage);
        return CLI_EXIT_USAGE;
    }
    return run_db(sub, &common, key);
}
