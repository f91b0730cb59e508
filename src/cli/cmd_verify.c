/* verify: recompute every case's hash chain and report the first altered record. */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "app/verify.h"
#include "cli.h"

static const char usage[] =
    "用法: sanxiang verify [--db URL]\n"
    "  重新计算每个案件的 SM3 哈希链，与库中保存的哈希和案件链头比对。\n"
    "  完整时输出一行摘要并以 0 退出；发现任何记录被修改、删除、调换、插入或哈希被替换时，\n"
    "  指出第一个出问题的案件和记录并以 1 退出。\n";

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
    const struct cli_opt opts[] = {{NULL, NULL, NULL}};
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
            printf("哈希链完整: %lld 个案件，%lld 条记录，SM3 计算 %.1f MB，用时 %.2f 秒（%.0f "
                   "MB/s）\n",
                   (long long)stats.cases, (long long)stats.records, mb, stats.seconds,
                   stats.seconds > 0 ? mb / stats.seconds : 0.0);
        } else {
            rc = cli_report(&err);
            if (err.code == SX_E_TAMPER)
                rc = CLI_EXIT_CHECK_FAILED;
        }
    }
    cli_close(app, &ctx);
    return rc;
}
