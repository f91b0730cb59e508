/* calendar: import a newly announced year of holidays, list the imported years. */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "app/calendar.h"
#include "app/files.h"
#include "cli.h"
#include "core/cal.h"
#include "store/store.h"

static const char usage[] =
    "用法: sanxiang calendar import 文件 [--source 来源] [--db URL]\n"
    "      sanxiang calendar list [--db URL]\n"
    "  每年的节假日安排由国务院办公厅于上一年 11–12 月公布。文件名须为 YYYY.csv，\n"
    "  格式同 data/calendar/（表头 date,off_day,name；off_day 1 为放假，0 为调休上班）。\n"
    "  文件先整体校验（出错时指出行号），通过后替换该年份的全部数据。\n";

static int calendar_import(struct app_ctx *ctx, const char *file, const char *source)
{
    struct sx_buf text;
    struct sx_err err;
    size_t days = 0;
    int rc;
    sx_err_clear(&err);
    sx_buf_init(&text, CAL_CSV_MAX);
    rc = app_file_read(file, &text, &err);
    if (rc == 0)
        rc = app_calendar_import(ctx, file, text.data, text.len,
                                 source != NULL ? source : CAL_SOURCE_NOTICE, &days, &err);
    sx_buf_free(&text);
    if (rc != 0)
        return cli_report(&err);
    printf("已导入 %s（%zu 天）\n", file, days);
    return CLI_EXIT_OK;
}

static int calendar_list(struct app_ctx *ctx)
{
    struct st_cal_year *years = NULL;
    size_t n = 0;
    struct sx_err err;
    sx_err_clear(&err);
    if (st_calendar_years(ctx->db, ctx->arena, &years, &n, &err) != 0)
        return cli_report(&err);
    for (size_t i = 0; i < n; i++)
        printf("%d\t%s\t%s\n", years[i].year, years[i].imported_at, years[i].source);
    return CLI_EXIT_OK;
}

int cli_calendar(int argc, char **argv)
{
    struct cli_common common;
    struct app_ctx ctx;
    const char *source = NULL;
    int rc;
    argc = cli_take_common(argc, argv, &common);
    if (argc < 0)
        return CLI_EXIT_USAGE;
    const struct cli_opt opts[] = {{"--source", &source, NULL}, {NULL, NULL, NULL}};
    int npos = cli_parse_opts(argc, argv, 1, opts, usage);
    if (npos == -2)
        return CLI_EXIT_OK;
    if (npos < 0)
        return CLI_EXIT_USAGE;
    int is_import = npos == 2 && strcmp(argv[1], "import") == 0;
    int is_list = npos == 1 && strcmp(argv[1], "list") == 0;
    if (!is_import && !is_list) {
        fputs(usage, stderr);
        return CLI_EXIT_USAGE;
    }
    struct sx_err err;
    sx_err_clear(&err);
    rc = app_ctx_open(NULL, common.db, &ctx, &err);
    if (rc != 0) {
        rc = cli_report(&err);
        app_ctx_close(&ctx);
        return rc;
    }
    rc = cli_check_schema(&ctx);
    if (rc == 0)
        rc = is_import ? calendar_import(&ctx, argv[2], source) : calendar_list(&ctx);
    app_ctx_close(&ctx);
    return rc;
}
