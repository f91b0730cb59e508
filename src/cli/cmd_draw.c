/*
 * draw: `sanxiang draw verify ID` re-runs a published 双随机 draw from its stored pool and
 * public value with core/draw and compares the result with what was published (the same
 * check as GET /api/v1/portal/draws/{id}/verify; scripts/draw_verify.py does it without us).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app/app.h"
#include "app/prepub.h"
#include "cli.h"

static const char usage[] = "用法: sanxiang draw verify <抽取编号> [--db URL]\n"
                            "  用已公开的名录和公开随机值重新进行双随机抽取，与公布的结果比对。\n"
                            "  一致时输出种子和抽取结果并以 0 退出；不一致时以 1 退出。\n";

int cli_draw(int argc, char **argv)
{
    struct cli_common common;
    struct app *app = NULL;
    struct app_ctx ctx;
    struct sx_err err;
    json_t *out = NULL;
    char *end = NULL;
    long long id;
    int rc;
    argc = cli_take_common(argc, argv, &common);
    if (argc < 0)
        return CLI_EXIT_USAGE;
    const struct cli_opt opts[] = {{NULL, NULL, NULL}};
    int npos = cli_parse_opts(argc, argv, 1, opts, usage);
    if (npos == -2)
        return CLI_EXIT_OK;
    if (npos != 2 || strcmp(argv[1], "verify") != 0) {
        fputs(usage, stderr);
        return CLI_EXIT_USAGE;
    }
    errno = 0;
    id = strtoll(argv[2], &end, 10);
    if (errno != 0 || end == argv[2] || *end != '\0' || id < 1) {
        fprintf(stderr, "sanxiang: 抽取编号无效: 应为正整数\n");
        return CLI_EXIT_USAGE;
    }
    rc = cli_open(&common, &app, &ctx);
    if (rc != 0)
        return rc;
    rc = cli_check_schema(&ctx);
    if (rc == 0) {
        sx_err_clear(&err);
        rc = app_draw_verify(&ctx, (int64_t)id, &out, &err);
        if (rc != 0) {
            rc = cli_report(&err);
        } else {
            size_t i;
            json_t *t;
            int match = json_is_true(json_object_get(out, "match"));
            printf("抽取 %lld 复算%s: 种子 %s（公布 %s）\n", id, match ? "一致" : "不一致",
                   json_string_value(json_object_get(out, "seed")),
                   json_string_value(json_object_get(out, "stored_seed")));
            json_array_foreach(json_object_get(json_object_get(out, "result"), "targets"), i, t)
            {
                size_t j;
                json_t *p;
                printf("  %s（%s）:", json_string_value(json_object_get(t, "name")),
                       json_string_value(json_object_get(t, "uscc")));
                json_array_foreach(json_object_get(t, "inspectors"), j, p)
                    printf(" %s", json_string_value(json_object_get(p, "name")));
                printf("\n");
            }
            rc = match ? CLI_EXIT_OK : CLI_EXIT_CHECK_FAILED;
        }
    }
    json_decref(out);
    cli_close(app, &ctx);
    return rc;
}
