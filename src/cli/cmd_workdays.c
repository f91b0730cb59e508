/*
 * sanxiang workdays: working-day arithmetic from the command line, so that
 * operators can check a deadline by hand (DESIGN §7), and the I/O adapter
 * that loads data/calendar/YYYY.csv into a core/cal calendar.
 *
 *   sanxiang workdays add DATE N [--provisional] [--calendar DIR]
 *   sanxiang workdays between D1 D2 [--provisional] [--calendar DIR]
 */
#include <unistd.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/calendar.h"
#include "app/files.h"
#include "cli.h"
#include "core/cal.h"
#include "sx_buf.h"
#include "sx_err.h"

#define DEFAULT_CALENDAR_DIR "data/calendar"

static const char help_main[] =
    "用法: sanxiang workdays add 日期 N [--provisional] [--db URL | --calendar 目录]\n"
    "      sanxiang workdays between 日期1 日期2 [--provisional] [--db URL | --calendar 目录]\n"
    "\n"
    "按国务院办公厅公布的节假日安排计算工作日：跳过周六、周日和法定节假日，\n"
    "调休上班的周末计为工作日。日期格式为 YYYY-MM-DD。\n"
    "\n"
    "  add       输出“日期”之后的第 N 个工作日（日期当天不计）\n"
    "  between   输出 (日期1, 日期2] 内的工作日数（日期1 当天不计，日期2 当天计入）\n"
    "\n"
    "选项:\n"
    "  --provisional     允许计算到尚未导入节假日安排的年份，这些年份只跳过周六、周日，\n"
    "                    结果为临时结果（并在标准错误输出警告）\n"
    "  --db URL          使用该数据库中导入的节假日安排（sanxiang calendar import 维护）；\n"
    "                    未指定时若 " CLI_DEFAULT_DB " 存在则使用它\n"
    "  --calendar 目录   改用目录中的年份文件（如 "
    "2024.csv）；都未指定时使用随附的 " DEFAULT_CALENDAR_DIR "\n"
    "  --help            显示本说明\n"
    "\n"
    "每个子命令也有 --help。退出码: 0 成功，2 用法错误，3 日期或天数错误，4 读取文件失败。\n";

static const char help_add[] =
    "用法: sanxiang workdays add 日期 N [--provisional] [--db URL | --calendar 目录]\n"
    "\n"
    "输出“日期”之后的第 N 个工作日（YYYY-MM-DD，单独一行）。日期当天不计：\n"
    "N = 1 为下一个工作日，N = 0 输出日期本身。N 为不小于 0 的整数。\n"
    "例: sanxiang workdays add 2024-09-30 5   输出 2024-10-12（跨国庆节假期）\n"
    "\n"
    "选项:\n"
    "  --provisional     允许计算到尚未导入节假日安排的年份（只跳过周六、周日，结果为临时结果）\n"
    "  --db URL          使用该数据库中的节假日安排（默认 " CLI_DEFAULT_DB "，若存在）\n"
    "  --calendar 目录   改用目录中的年份文件（默认随附的 " DEFAULT_CALENDAR_DIR "）\n";

static const char help_between[] =
    "用法: sanxiang workdays between 日期1 日期2 [--provisional] [--db URL | --calendar 目录]\n"
    "\n"
    "输出 (日期1, 日期2] 内的工作日数（整数，单独一行）：日期1 当天不计，日期2 当天计入，\n"
    "因此 between D (add D N) = N。日期2 早于日期1 时输出负数。\n"
    "例: sanxiang workdays between 2024-09-30 2024-10-12   输出 5\n"
    "\n"
    "选项:\n"
    "  --provisional     允许计算到尚未导入节假日安排的年份（只跳过周六、周日，结果为临时结果）\n"
    "  --db URL          使用该数据库中的节假日安排（默认 " CLI_DEFAULT_DB "，若存在）\n"
    "  --calendar 目录   改用目录中的年份文件（默认随附的 " DEFAULT_CALENDAR_DIR "）\n";

static int usage_error(const char *what, const char *arg)
{
    if (arg != NULL)
        fprintf(stderr, "sanxiang: workdays: %s: %s\n", what, arg);
    else
        fprintf(stderr, "sanxiang: workdays: %s\n", what);
    fprintf(stderr, "用 sanxiang workdays --help 查看用法\n");
    return CLI_EXIT_USAGE;
}

/*
 * Strict decimal integer: optional '-', digits only. Magnitudes beyond
 * CAL_WORKDAYS_MAX are refused here; the sign is left to the caller's check.
 */
static int parse_count(const char *s, int *out, struct sx_err *err)
{
    char *end = NULL;
    long v;
    const char *p = s[0] == '-' ? s + 1 : s;

    if (p[0] < '0' || p[0] > '9')
        goto bad;
    errno = 0;
    v = strtol(s, &end, 10);
    if (*end != '\0')
        goto bad;
    if (errno == ERANGE || v < -CAL_WORKDAYS_MAX || v > CAL_WORKDAYS_MAX)
        return SX_FAIL(err, SX_E_INVALID, "invalid-workday-count", "工作日天数无效", "", "n",
                       "N 须为 0 至 %d 之间的整数，实际为 %s", CAL_WORKDAYS_MAX, sx_clip((char[33]){0}, 33, s));
    *out = (int)v;
    return 0;
bad:
    return SX_FAIL(err, SX_E_INVALID, "invalid-workday-count", "工作日天数无效", "", "n",
                   "“%s”不是整数（N 为不小于 0 的工作日天数）", sx_clip((char[33]){0}, 33, s));
}

/* A year-not-loaded error gets the option that lets the user go on anyway. */
static void hint_provisional(struct sx_err *err)
{
    size_t n = strlen(err->detail);
    if (strcmp(err->type, "calendar-year-not-loaded") != 0)
        return;
    snprintf(err->detail + n, sizeof(err->detail) - n,
             "；可加 --provisional 按只跳过周六、周日的临时规则计算");
}

static void warn_provisional(const struct cal_calendar *cal)
{
    int newest = cal_year_max(cal);
    if (newest > 0)
        fprintf(
            stderr,
            "sanxiang: 警告: 结果为临时结果：计算经过了尚未导入节假日安排的年份（已导入至 %d "
            "年），这些年份只跳过了周六、周日；该年安排公布后请导入对应的 YYYY.csv 并重新计算\n",
            newest);
    else
        fprintf(stderr,
                "sanxiang: 警告: 结果为临时结果：未导入任何节假日安排，只跳过了周六、周日\n");
}

/*
 * The calendar to count with: --calendar DIR reads year files; otherwise the
 * database's calendar (the one `calendar import` maintains) when --db is given
 * or the default database exists; otherwise the bundled data/calendar.
 */
static int load_calendar(const char *dir, const char *db, struct cal_calendar **out,
                         struct sx_err *err)
{
    char bundled[4096];
    int rc;
    if (dir == NULL && db == NULL && access(CLI_DEFAULT_DB, R_OK) == 0)
        db = CLI_DEFAULT_DB;
    if (dir == NULL && db != NULL) {
        struct app_ctx ctx;
        rc = app_ctx_open(NULL, db, &ctx, err);
        if (rc == 0)
            rc = app_calendar_from_db(&ctx, out, err);
        app_ctx_close(&ctx);
        return rc;
    }
    if (dir == NULL) {
        snprintf(bundled, sizeof(bundled), "%s/" DEFAULT_CALENDAR_DIR, cli_root(NULL));
        dir = bundled;
    }
    *out = cal_calendar_new();
    if (*out == NULL)
        return SX_FAIL(err, SX_E_NOMEM, "out-of-memory", "内存不足", "", "", "无法创建日历");
    return app_calendar_load_dir(*out, dir, err);
}

int cli_workdays(int argc, char **argv)
{
    const char *dir = NULL;
    const char *db = NULL;
    const char *pos[2] = {NULL, NULL};
    const char *sub;
    const char *help;
    struct cal_calendar *cal = NULL;
    struct sx_err err;
    bool add, provisional_ok = false, provisional = false;
    int n_pos = 0, rc;
    int32_t d1 = 0, d2 = 0;
    int count = 0;

    sx_err_clear(&err);
    if (argc < 2)
        return usage_error("缺少子命令（add 或 between）", NULL);
    sub = argv[1];
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
        fputs(help_main, stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(sub, "add") == 0) {
        add = true;
        help = help_add;
    } else if (strcmp(sub, "between") == 0) {
        add = false;
        help = help_between;
    } else {
        return usage_error("未知的子命令", sub);
    }

    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(help, stdout);
            return CLI_EXIT_OK;
        } else if (strcmp(a, "--provisional") == 0) {
            provisional_ok = true;
        } else if (strcmp(a, "--calendar") == 0) {
            if (i + 1 >= argc)
                return usage_error("--calendar 后缺少目录", NULL);
            dir = argv[++i];
        } else if (strncmp(a, "--calendar=", 11) == 0) {
            dir = a + 11;
        } else if (strcmp(a, "--db") == 0) {
            if (i + 1 >= argc)
                return usage_error("--db 后缺少数据库", NULL);
            db = argv[++i];
        } else if (strncmp(a, "--", 2) == 0) {
            return usage_error("未知的选项", a);
        } else {
            /* "-3" is a (negative) N, refused below as data, not as an option. */
            if (n_pos == 2)
                return usage_error("参数过多", a);
            pos[n_pos++] = a;
        }
    }
    if (n_pos != 2)
        return usage_error(add ? "需要两个参数: 日期 N" : "需要两个参数: 日期1 日期2", NULL);
    if (dir != NULL && dir[0] == '\0')
        return usage_error("--calendar 目录不能为空", NULL);

    /* Check the arguments before touching the disk. */
    if (cal_date_parse(pos[0], &d1, &err) != 0)
        return cli_report(&err);
    if (add) {
        if (parse_count(pos[1], &count, &err) != 0)
            return cli_report(&err);
        if (count < 0 || count > CAL_WORKDAYS_MAX) {
            (void)SX_FAIL(&err, SX_E_INVALID, "invalid-workday-count", "工作日天数无效", "", "n",
                          "N 须为 0 至 %d 之间的整数，实际为 %s", CAL_WORKDAYS_MAX, pos[1]);
            return cli_report(&err);
        }
    } else if (cal_date_parse(pos[1], &d2, &err) != 0) {
        return cli_report(&err);
    }

    if (load_calendar(dir, db, &cal, &err) != 0) {
        rc = cli_report(&err);
        goto cleanup;
    }

    if (add) {
        char buf[CAL_DATE_BUFSZ];
        int32_t out;
        if (cal_add_workdays(cal, d1, count, provisional_ok, &out, &provisional, &err) != 0) {
            hint_provisional(&err);
            rc = cli_report(&err);
            goto cleanup;
        }
        printf("%s\n", cal_date_format(out, buf));
    } else {
        int between;
        if (cal_workdays_between(cal, d1, d2, provisional_ok, &between, &provisional, &err) != 0) {
            hint_provisional(&err);
            rc = cli_report(&err);
            goto cleanup;
        }
        printf("%d\n", between);
    }
    if (provisional) {
        /* Result first, then the warning, when both go to one terminal or pipe. */
        fflush(stdout);
        warn_provisional(cal);
    }
    rc = fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_STORE;

cleanup:
    cal_calendar_free(cal);
    return rc;
}
