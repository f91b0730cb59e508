/*
 * export / verify-bundle: write a case's file bundle (电子卷宗) and check one
 * offline (app/bundle.h, ledger/bundle.h). verify-bundle opens no database.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "app/bundle.h"
#include "app/files.h"
#include "app/ledger.h"
#include "cli.h"
#include "ledger/bundle.h"
#include "ledger/crypto.h"
#include "sx_arena.h"
#include "sx_buf.h"

static const char export_usage[] =
    "用法: sanxiang export 案号或案件编号 --out 文件 [--db URL] [--key PEM]\n"
    "      sanxiang export --list [--db URL]\n"
    "  把一个案件导出为可离线校验的电子卷宗（tar 归档）：案件信息、全部记录（含哈希链）、\n"
    "  每条记录在全局账本中的包含证明、覆盖全部记录的签名检查点、实例公钥、文书和音像记录\n"
    "  （或其哈希）以及中文校验说明 README.txt。同一案件状态导出的字节相同。\n"
    "  没有覆盖该案件全部记录的检查点时，用账本私钥（--key，默认同 sanxiang init）新签一个。\n"
    "  --list  列出可导出的案号，每行一个。\n";

static const char verify_usage[] =
    "用法: sanxiang verify-bundle 文件 [--public-key PEM]\n"
    "  离线校验电子卷宗（不连数据库、不联网）：清单中每个文件的 SM3、案件哈希链、\n"
    "  每条记录的包含证明、检查点的 SM2 签名。--public-key 指定从其他渠道取得的实例公钥；\n"
    "  不指定时只能用卷宗自带的公钥，该公钥仅为卷宗自称。\n"
    "  退出码: 0 完整, 1 卷宗被改动（列出每一处）, 2 用法错误, 3 文件无法读取（截断或损坏）。\n";

static int print_number(void *arg, const char *number)
{
    (void)arg;
    printf("%s\n", number);
    return 0;
}

int cli_export(int argc, char **argv)
{
    struct cli_common common;
    struct app *app = NULL;
    struct app_ctx ctx;
    struct sx_err err;
    struct sx_buf tar;
    struct lg_sm2_key *key = NULL;
    const char *out = NULL, *key_opt = NULL;
    int list = 0, rc;
    argc = cli_take_common(argc, argv, &common);
    if (argc < 0)
        return CLI_EXIT_USAGE;
    const struct cli_opt opts[] = {{"--out", &out, NULL},
                                   {"--key", &key_opt, NULL},
                                   {"--list", NULL, &list},
                                   {NULL, NULL, NULL}};
    int npos = cli_parse_opts(argc, argv, 1, opts, export_usage);
    if (npos == -2)
        return CLI_EXIT_OK;
    if (npos < 0)
        return CLI_EXIT_USAGE;
    if (list ? npos != 0 : (npos != 1 || out == NULL)) {
        fputs(export_usage, stderr);
        return CLI_EXIT_USAGE;
    }
    rc = cli_open(&common, &app, &ctx);
    if (rc != 0)
        return rc;
    sx_buf_init(&tar, APP_BUNDLE_MAX);
    rc = cli_check_schema(&ctx);
    if (rc != 0)
        goto done;
    sx_err_clear(&err);
    if (list) {
        rc = app_bundle_list(&ctx, print_number, NULL, &err);
        if (rc != 0)
            rc = cli_report(&err);
        goto done;
    }
    int64_t id = 0;
    struct app_bundle_info info;
    char key_path[4096];
    app_ledger_key_path(common.db, key_opt, key_path, sizeof(key_path));
    rc = app_bundle_find_case(&ctx, argv[1], &id, &err);
    if (rc == 0)
        rc = app_ledger_key_load(key_path, 0, &key, NULL, &err);
    if (rc == 0)
        rc = app_bundle_build(&ctx, NULL, key, id, &tar, &info, &err);
    if (rc != 0) {
        rc = cli_report(&err);
        goto done;
    }
    /* written beside the target and renamed: an interrupted export leaves no half bundle */
    char tmp[4200];
    snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", out, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    int ok = f != NULL && fwrite(tar.data, 1, tar.len, f) == tar.len && fflush(f) == 0 &&
             fsync(fileno(f)) == 0;
    if (f != NULL && fclose(f) != 0)
        ok = 0;
    if (!ok || rename(tmp, out) != 0) {
        fprintf(stderr, "sanxiang: 无法写出文件: %s\n", out);
        (void)unlink(tmp);
        rc = CLI_EXIT_STORE;
        goto done;
    }
    printf("已导出电子卷宗: %s（案号 %s，%" PRId64 " 条记录，检查点树大小 %" PRId64
           "，%zu 字节，SM3 %s",
           out, info.number, info.record_count, info.tree_size, info.size, info.sm3);
    if (info.hash_only > 0)
        printf("；%" PRId64 " 个文书或音像文件只列出哈希", info.hash_only);
    printf("）\n");
done:
    lg_sm2_key_free(key);
    sx_buf_free(&tar);
    cli_close(app, &ctx);
    return rc;
}

int cli_verify_bundle(int argc, char **argv)
{
    const char *pub = NULL;
    struct sx_buf file, pem;
    struct sx_arena arena;
    struct sx_err err;
    struct lg_bundle_file *files = NULL;
    struct lg_bundle_report rep;
    size_t n = 0;
    int rc;
    const struct cli_opt opts[] = {{"--public-key", &pub, NULL}, {NULL, NULL, NULL}};
    int npos = cli_parse_opts(argc, argv, 1, opts, verify_usage);
    if (npos == -2)
        return CLI_EXIT_OK;
    if (npos != 1) {
        if (npos >= 0)
            fputs(verify_usage, stderr);
        return CLI_EXIT_USAGE;
    }
    sx_buf_init(&file, APP_BUNDLE_MAX);
    sx_buf_init(&pem, 64 * 1024);
    sx_arena_init(&arena, 1u << 20);
    lg_bundle_report_init(&rep);
    sx_err_clear(&err);
    rc = app_file_read(argv[1], &file, &err);
    if (rc == 0 && pub != NULL)
        rc = app_file_read(pub, &pem, &err);
    if (rc != 0) {
        cli_report(&err);
        rc = CLI_EXIT_INPUT;
        goto done;
    }
    rc = app_bundle_read(file.data, file.len, &arena, &files, &n, &err);
    if (rc != 0) {
        cli_report(&err);
        rc = CLI_EXIT_INPUT;
        goto done;
    }
    rc = lg_bundle_verify(files, n, pub != NULL ? pem.data : NULL, &rep, &err);
    if (rc == 0) {
        printf("电子卷宗完整: 案号 %s，%" PRId64 " 条记录的哈希链与 %" PRId64
               " 个包含证明均通过，检查点（树大小 %" PRId64 "）签名有效，%" PRId64
               " 个文件与清单一致",
               rep.case_number, rep.records, rep.proofs, rep.tree_size, rep.files);
        if (rep.hash_only > 0)
            printf("，%" PRId64 " 个文件只有哈希", rep.hash_only);
        printf("。\n");
        if (rep.key_pinned)
            printf("签名公钥为指定的公钥（key_id %s）。\n", rep.key_id);
        else
            printf("注意: 签名只用卷宗自带的公钥（key_id %s）验证，该公钥仅为卷宗自称；"
                   "请与医保部门公开的公钥比对，或用 --public-key 指定。\n",
                   rep.key_id);
        rc = CLI_EXIT_OK;
    } else if (rc == SX_E_TAMPER) {
        fprintf(stderr, "sanxiang: 电子卷宗未通过校验，发现 %" PRId64 " 处问题:\n%s", rep.problems,
                rep.findings.data != NULL ? rep.findings.data : "");
        if (rep.problems > LG_BUNDLE_MAX_FINDINGS)
            fprintf(stderr, "（另有 %" PRId64 " 处未列出）\n",
                    rep.problems - LG_BUNDLE_MAX_FINDINGS);
        rc = CLI_EXIT_CHECK_FAILED;
    } else {
        cli_report(&err);
        rc = err.code == SX_E_INVALID ? CLI_EXIT_INPUT : CLI_EXIT_STORE;
    }
done:
    lg_bundle_report_free(&rep);
    sx_arena_free(&arena);
    sx_buf_free(&pem);
    sx_buf_free(&file);
    return rc;
}
