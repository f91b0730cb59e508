/* verify: recompute every case's hash chain and report the first altered record. */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "app/ledger.h"
#include "app/media.h"
#include "app/verify.h"
#include "cli.h"

static const char usage[] =
    "用法: sanxiang verify [--db URL] [--key PEM] [--media DIR]\n"
    "  重新计算每个案件的 SM3 哈希链，与库中保存的哈希和案件链头比对。\n"
    "  完整时输出一行摘要并以 0 退出；发现任何记录被修改、删除、调换、插入或哈希被替换时，\n"
    "  指出第一个出问题的案件和记录并以 1 退出。\n"
    "  随后校验全局 Merkle 账本：叶子序号连续、每个叶子等于其记录的哈希、每个签名检查点的根哈希\n"
    "  可由叶子重算、签名可用本实例公钥验证（--key：账本私钥或公钥 PEM，默认同 sanxiang init）。\n"
    "  最后重新计算每个已存储音像文件的 SM3，与入库时的哈希比对（--media：音像存储目录，\n"
    "  默认 var/media，同 sanxiang serve）。\n";

/* media: count the stored files; remember the first whose bytes no longer match its SM3. */
struct media_tally {
    long long ok;
    long long bad;
    char first_bad[72];
};

static int media_seen(void *arg, const char *sm3, int64_t size, int ok, struct sx_err *err)
{
    struct media_tally *t = arg;
    (void)size;
    (void)err;
    if (ok) {
        t->ok++;
    } else if (t->bad++ == 0) {
        snprintf(t->first_bad, sizeof(t->first_bad), "%s", sm3);
    }
    return 0;
}

int cli_verify(int argc, char **argv)
{
    struct cli_common common;
    struct app *app = NULL;
    struct app_ctx ctx;
    struct app_verify_stats stats;
    struct sx_err err;
    int rc;
    argc = cli_take_common(argc, argv, &common);
    if (argc < 0)
        return CLI_EXIT_USAGE;
    const char *key_opt = NULL;
    const char *media_dir = "var/media"; /* media */
    const struct cli_opt opts[] = {
        {"--key", &key_opt, NULL}, {"--media", &media_dir, NULL}, {NULL, NULL, NULL}};
    int npos = cli_parse_opts(argc, argv, 1, opts, usage);
    if (npos == -2)
        return CLI_EXIT_OK;
    if (npos != 0)
        return CLI_EXIT_USAGE;
    rc = cli_open(&common, &app, &ctx);
    if (rc != 0)
        return rc;
    rc = cli_check_schema(&ctx);
    if (rc == 0) {
        sx_err_clear(&err);
        rc = app_verify_all(&ctx, &stats, &err);
        if (rc == 0) {
            double mb = (double)stats.bytes_hashed / 1e6;
            /* one line for both checks: the ledger's summary follows on it */
            printf("哈希链完整: %lld 个案件，%lld 条记录，SM3 计算 %.1f MB，用时 %.2f 秒（%.0f "
                   "MB/s）",
                   (long long)stats.cases, (long long)stats.records, mb, stats.seconds,
                   stats.seconds > 0 ? mb / stats.seconds : 0.0);
        } else {
            rc = cli_report(&err);
            if (err.code == SX_E_TAMPER)
                rc = CLI_EXIT_CHECK_FAILED;
        }
    }
    /* ledger: the global Merkle log and its signed checkpoints (media hashes: later, same place) */
    if (rc == 0) {
        struct app_ledger_verify_stats ls;
        char key_path[4096];
        app_ledger_key_path(common.db, key_opt, key_path, sizeof(key_path));
        sx_err_clear(&err);
        rc = app_ledger_verify(&ctx, key_path, &ls, &err);
        if (rc == 0) {
            printf("；全局账本完整: %lld 个叶子，%lld 个签名检查点均可由叶子重算且签名有效",
                   (long long)ls.leaves, (long long)ls.checkpoints);
            if (ls.unsequenced > 0)
                printf("（另有 %lld 条记录尚待排入账本）", (long long)ls.unsequenced);
        } else {
            printf("\n");
            fflush(stdout);
            rc = cli_report(&err);
            if (err.code == SX_E_TAMPER)
                rc = CLI_EXIT_CHECK_FAILED;
        }
    }
    /* media: every stored audio-video file still has the SM3 it was stored under */
    if (rc == 0) {
        struct media_tally mt = {0, 0, ""};
        sx_err_clear(&err);
        rc = app_media_verify(&ctx, media_dir, media_seen, &mt, &err);
        if (rc == 0 && mt.bad == 0) {
            printf("；音像文件完整: %lld 个文件的 SM3 均与入库时相符\n", mt.ok);
        } else {
            printf("\n");
            fflush(stdout);
            if (rc == 0) {
                rc = SX_FAIL(&err, SX_E_TAMPER, "media-altered", "音像文件与入库时的哈希不符",
                             "云南 附件2 第二十条 (YN-2-20)", "sm3",
                             "%lld 个文件缺失或被改动，第一个: %s（目录 %s）", mt.bad, mt.first_bad,
                             media_dir);
            }
            rc = cli_report(&err);
            if (err.code == SX_E_TAMPER)
                rc = CLI_EXIT_CHECK_FAILED;
        }
    }
    cli_close(app, &ctx);
    return rc;
}
