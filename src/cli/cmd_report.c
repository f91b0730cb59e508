/*
 * report: `sanxiang report annual --org CODE --year Y [--format json|csv|xlsx] --out FILE`
 * computes the annual statistics report (HB-1-15) of an org and its subtree from the records,
 * exactly as GET /api/v1/reports/annual does, and writes it in the chosen format. It stores
 * nothing: filing, approval and publication go through the API.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app/annual.h"
#include "app/app.h"
#include "cli.h"
#include "store/store.h"

static const char usage[] =
    "用法: sanxiang report annual --org 机构代码 --year 年度 [--format json|csv|xlsx] "
    "--out 文件 [--db URL]\n"
    "  按记录计算本机关及下级机关的行政执法统计年报（湖北 附件1 第十五条），写入文件。\n"
    "  --out - 写到标准输出（仅 json、csv）。\n";

static int write_out(const char *path, const struct sx_buf *b)
{
    FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "wb");
    int ok;
    if (f == NULL) {
        fprintf(stderr, "sanxiang: 无法写入文件: %s: %s\n", path, strerror(errno));
        return CLI_EXIT_STORE;
    }
    ok = fwrite(b->data, 1, b->len, f) == b->len;
    if (f != stdout)
        ok = fclose(f) == 0 && ok;
    if (!ok) {
        fprintf(stderr, "sanxiang: 写入失败: %s\n", path);
        return CLI_EXIT_STORE;
    }
    return CLI_EXIT_OK;
}

int cli_report_annual(int argc, char **argv)
{
    struct cli_common common;
    struct app *app = NULL;
    struct app_ctx ctx;
    struct sx_err err;
    struct st_org org;
    struct sx_buf b;
    json_t *report = NULL;
    const char *code = NULL, *year_s = NULL, *format = "json", *out = NULL;
    enum app_annual_format fmt;
    char *end = NULL;
    long year;
    int rc;
    argc = cli_take_common(argc, argv, &common);
    if (argc < 0)
        return CLI_EXIT_USAGE;
    const struct cli_opt opts[] = {{"--org", &code, NULL},
                                   {"--year", &year_s, NULL},
                                   {"--format", &format, NULL},
                                   {"--out", &out, NULL},
                                   {NULL, NULL, NULL}};
    int npos = cli_parse_opts(argc, argv, 1, opts, usage);
    if (npos == -2)
        return CLI_EXIT_OK;
    if (npos != 1 || strcmp(argv[1], "annual") != 0 || code == NULL || year_s == NULL ||
        out == NULL) {
        fputs(usage, stderr);
        return CLI_EXIT_USAGE;
    }
    errno = 0;
    year = strtol(year_s, &end, 10);
    if (errno != 0 || end == year_s || *end != '\0' || year < 2000 || year > 2999) {
        fprintf(stderr, "sanxiang: 年度无效: 应为 2000–2999\n");
        return CLI_EXIT_USAGE;
    }
    if (strcmp(format, "json") == 0)
        fmt = APP_ANNUAL_JSON;
    else if (strcmp(format, "csv") == 0)
        fmt = APP_ANNUAL_CSV;
    else if (strcmp(format, "xlsx") == 0 && strcmp(out, "-") != 0)
        fmt = APP_ANNUAL_XLSX;
    else {
        fputs(usage, stderr);
        return CLI_EXIT_USAGE;
    }
    rc = cli_open(&common, &app, &ctx);
    if (rc != 0)
        return rc;
    sx_buf_init(&b, (size_t)64 << 20);
    rc = cli_check_schema(&ctx);
    if (rc == 0) {
        sx_err_clear(&err);
        rc = st_org_get_by_code(ctx.db, code, ctx.arena, &org, &err);
        if (rc == 0)
            rc = app_annual_compute(&ctx, org.id, (int)year, &report, &err);
        if (rc == 0)
            rc = app_annual_render(report, fmt, &b, &err);
        rc = rc != 0 ? cli_report(&err) : write_out(out, &b);
    }
    sx_buf_free(&b);
    json_decref(report);
    cli_close(app, &ctx);
    return rc;
}
