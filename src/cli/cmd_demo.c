/* demo: fill a freshly initialised database with synthetic demonstration data. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/app.h"
#include "app/demo.h"
#include "cli.h"

static const char usage[] =
    "用法: sanxiang demo [--db URL] [--cases N] [--seed S] [--root DIR]\n"
    "  在刚初始化（sanxiang init）的空数据库中生成演示数据：云南省医疗保障局及执法总队、\n"
    "  3 个市、6 个县区的执法主体，各角色的演示账号，以及覆盖各类案件全部流程状态的\n"
    "  虚构案件（当事人姓名、身份证号码、统一社会信用代码均为虚构，校验位有效）。\n"
    "  所有记录均经正常的校验、流程关口和哈希链写入。\n"
    "  --cases N  案件数（默认 320，至少为流程状态脚本数）\n"
    "  --seed S   随机种子（默认 20260101；相同种子生成相同数据）\n";

/* Parse a non-negative decimal integer; -1 if text is not one or exceeds max. */
static int parse_u64(const char *text, uint64_t max, uint64_t *out)
{
    char *end = NULL;
    unsigned long long v;
    if (text == NULL || text[0] < '0' || text[0] > '9')
        return -1;
    errno = 0;
    v = strtoull(text, &end, 10);
    if (errno != 0 || end == NULL || *end != '\0' || v > max)
        return -1;
    *out = (uint64_t)v;
    return 0;
}

/* Print s left-aligned in width terminal columns (CJK characters take two). */
static void put_padded(const char *s, int width)
{
    int cols = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p < 0x80)
            cols += 1;
        else if (*p >= 0xE0)
            cols += 2; /* lead byte of a 3- or 4-byte sequence: CJK and the like */
        else if (*p >= 0xC0)
            cols += 1;
    }
    fputs(s, stdout);
    for (; cols < width; cols++)
        putchar(' ');
    putchar(' ');
}

static void print_summary(const struct app_demo_result *r, double seconds)
{
    printf("演示数据已生成: 机构 %zu 个，用户 %zu 名，案件 %zu 件（行政处罚 %zu、行政检查 %zu、"
           "行政强制 %zu），记录 %zu 条，案件日期 %s 至 %s，用时 %.1f 秒\n",
           r->n_orgs, r->n_users, r->n_cases, r->cases_by_kind[APP_KIND_PENALTY],
           r->cases_by_kind[APP_KIND_INSPECTION], r->cases_by_kind[APP_KIND_COERCION], r->n_records,
           r->first_day, r->last_day, seconds);
    printf("\n演示账号（密码均为 %s）:\n", APP_DEMO_PASSWORD);
    for (size_t i = 0; i < r->n_users; i++) {
        const struct app_demo_login *l = &r->logins[i];
        fputs("  ", stdout);
        put_padded(l->username, 16);
        put_padded(l->display_name, 8);
        put_padded(l->roles_zh, 12);
        fputs(l->org_name, stdout);
        if (l->note != NULL)
            printf("（%s）", l->note);
        putchar('\n');
    }
}

int cli_demo(int argc, char **argv)
{
    struct cli_common common;
    struct app *app = NULL;
    struct app_ctx ctx;
    struct app_demo_options opt = {.n_cases = APP_DEMO_CASES_DEFAULT,
                                   .seed = APP_DEMO_SEED_DEFAULT};
    struct app_demo_result res;
    struct sx_err err;
    const char *cases = NULL;
    const char *seed = NULL;
    struct timespec t0, t1;
    uint64_t v = 0;
    int rc;
    argc = cli_take_common(argc, argv, &common);
    if (argc < 0)
        return CLI_EXIT_USAGE;
    const struct cli_opt opts[] = {
        {"--cases", &cases, NULL},
        {"--seed", &seed, NULL},
        {NULL, NULL, NULL},
    };
    int npos = cli_parse_opts(argc, argv, 1, opts, usage);
    if (npos == -2)
        return CLI_EXIT_OK;
    if (npos != 0) {
        if (npos > 0)
            fprintf(stderr, "sanxiang: demo: 多余的参数 %s\n%s", argv[1], usage);
        return CLI_EXIT_USAGE;
    }
    if (cases != NULL) {
        if (parse_u64(cases, APP_DEMO_CASES_MAX, &v) != 0 || v < (uint64_t)app_demo_min_cases()) {
            fprintf(stderr, "sanxiang: demo: --cases 须为 %d 到 %d 之间的整数: %s\n",
                    app_demo_min_cases(), APP_DEMO_CASES_MAX, cases);
            return CLI_EXIT_USAGE;
        }
        opt.n_cases = (int)v;
    }
    if (seed != NULL) {
        if (parse_u64(seed, UINT64_MAX, &v) != 0) {
            fprintf(stderr, "sanxiang: demo: --seed 须为非负整数: %s\n", seed);
            return CLI_EXIT_USAGE;
        }
        opt.seed = v;
    }
    rc = cli_open(&common, &app, &ctx);
    if (rc != 0)
        return rc;
    rc = cli_check_schema(&ctx);
    if (rc == 0) {
        sx_err_clear(&err);
        clock_gettime(CLOCK_MONOTONIC, &t0);
        rc = app_demo_generate(&ctx, &opt, &res, &err);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (rc != 0) {
            if (res.where[0] != '\0')
                fprintf(stderr, "sanxiang: 生成演示数据失败，出错位置: %s\n", res.where);
            rc = cli_report(&err);
        } else {
            print_summary(&res, (double)(t1.tv_sec - t0.tv_sec) +
                                    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
        }
    }
    cli_close(app, &ctx);
    return rc;
}
