/* calendar: working-day calendar rows in the database, validated by core/cal. */
#include "calendar.h"

#include <unistd.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/files.h"
#include "core/cal.h"
#include "store/store.h"
#include "sx_buf.h"

/* Group the stored rows by notice year and feed each year to cal as CSV text. */
static int load_rows(struct cal_calendar *cal, const struct st_cal_day *days, size_t n,
                     int skip_year, struct sx_err *err)
{
    struct sx_buf csv;
    int rc = 0;
    size_t i = 0;
    sx_buf_init(&csv, CAL_CSV_MAX);
    while (rc == 0 && i < n) {
        int year = days[i].year;
        size_t j = i;
        sx_buf_reset(&csv);
        rc = sx_buf_puts(&csv, "date,off_day,name\n");
        /* rows come in date order; a year's rows are contiguous except at New Year */
        for (j = 0; rc == 0 && j < n; j++) {
            if (days[j].year == year)
                rc = sx_buf_printf(&csv, "%s,%d,%s\n", days[j].day, days[j].off_day, days[j].name);
        }
        while (i < n && days[i].year == year)
            i++;
        if (rc != 0 || year == skip_year)
            continue;
        char filename[16];
        snprintf(filename, sizeof(filename), "%04d.csv", year);
        if (!cal_year_loaded(cal, year))
            rc = cal_load_csv(cal, csv.data, csv.len, filename, err);
    }
    sx_buf_free(&csv);
    if (rc == SX_E_TOOBIG || rc == SX_E_NOMEM)
        rc = SX_FAIL(err, rc, "calendar-too-big", "节假日数据过大", NULL, NULL, "calendar");
    return rc;
}

static int calendar_from_db_except(struct app_ctx *ctx, int skip_year, struct cal_calendar **out,
                                   size_t *years, struct sx_err *err)
{
    struct st_cal_day *days = NULL;
    struct st_cal_year *ys = NULL;
    size_t n = 0;
    size_t ny = 0;
    struct cal_calendar *cal = cal_calendar_new();
    int rc;
    if (cal == NULL)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", NULL, NULL, "calendar");
    rc = st_calendar_load(ctx->db, ctx->arena, &days, &n, err);
    if (rc == 0)
        rc = st_calendar_years(ctx->db, ctx->arena, &ys, &ny, err);
    if (rc == 0)
        rc = load_rows(cal, days, n, skip_year, err);
    /* a year whose notice lists no day at all still counts as loaded */
    for (size_t i = 0; rc == 0 && i < ny; i++) {
        if (ys[i].year != skip_year && !cal_year_loaded(cal, ys[i].year)) {
            char filename[16];
            snprintf(filename, sizeof(filename), "%04d.csv", ys[i].year);
            rc = cal_load_csv(cal, "date,off_day,name\n", 18, filename, err);
        }
    }
    if (rc != 0) {
        cal_calendar_free(cal);
        return rc;
    }
    if (years != NULL)
        *years = ny;
    *out = cal;
    return 0;
}

int app_calendar_from_db(struct app_ctx *ctx, struct cal_calendar **out, struct sx_err *err)
{
    size_t years = 0;
    int rc = calendar_from_db_except(ctx, -1, out, &years, err);
    if (rc == 0 && years == 0) {
        cal_calendar_free(*out);
        *out = NULL;
        return SX_FAIL(err, SX_E_NOTFOUND, "calendar-empty", "数据库中没有节假日安排",
                       CAL_SOURCE_NOTICE, NULL,
                       "请先运行 sanxiang init 或 sanxiang calendar import");
    }
    return rc;
}

static int year_of_filename(const char *filename, int *year)
{
    const char *base = strrchr(filename, '/');
    base = base != NULL ? base + 1 : filename;
    if (strlen(base) != 8 || strcmp(base + 4, ".csv") != 0)
        return -1;
    *year = 0;
    for (int i = 0; i < 4; i++) {
        if (base[i] < '0' || base[i] > '9')
            return -1;
        *year = *year * 10 + (base[i] - '0');
    }
    return 0;
}

/* Split validated CSV text into rows (text is copied into the arena first). */
static int split_rows(struct app_ctx *ctx, const char *text, size_t len, int year,
                      struct st_cal_day **out, size_t *n, struct sx_err *err)
{
    char *copy = sx_arena_strndup(ctx->arena, text, len);
    size_t cap = 1;
    char *save = NULL;
    struct st_cal_day *days;
    size_t count = 0;
    if (copy == NULL)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", NULL, NULL, "calendar");
    for (const char *p = copy; *p != '\0'; p++)
        cap += *p == '\n';
    days = sx_arena_alloc(ctx->arena, cap * sizeof(*days));
    if (days == NULL)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", NULL, NULL, "calendar");
    for (char *line = strtok_r(copy, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        char *c1 = strchr(line, ',');
        char *c2 = c1 != NULL ? strchr(c1 + 1, ',') : NULL;
        if (c1 == NULL || c2 == NULL || strcmp(line, "date,off_day,name") == 0)
            continue;
        *c1 = '\0';
        *c2 = '\0';
        days[count].day = line;
        days[count].off_day = c1[1] == '1';
        days[count].name = c2 + 1;
        days[count].year = year;
        count++;
    }
    *out = days;
    *n = count;
    return 0;
}

int app_calendar_import(struct app_ctx *ctx, const char *filename, const char *text, size_t len,
                        const char *source, size_t *days_out, struct sx_err *err)
{
    struct cal_calendar *cal = NULL;
    struct st_cal_day *days = NULL;
    size_t n = 0;
    int year;
    int rc;
    if (year_of_filename(filename, &year) != 0)
        return SX_FAIL(err, SX_E_INVALID, "calendar-bad-filename", "节假日文件名无效",
                       CAL_SOURCE_NOTICE, "file", "文件名须为 YYYY.csv（如 2027.csv）: %s",
                       filename);
    /* validate against every other stored year, so a date can't belong to two notices */
    rc = calendar_from_db_except(ctx, year, &cal, NULL, err);
    if (rc != 0)
        return rc;
    const char *base = strrchr(filename, '/');
    rc = cal_load_csv(cal, text, len, base != NULL ? base + 1 : filename, err);
    cal_calendar_free(cal);
    if (rc != 0)
        return rc;
    rc = split_rows(ctx, text, len, year, &days, &n, err);
    if (rc != 0)
        return rc;
    struct st_cal_year y = {.year = year, .source = source, .imported_at = app_now(ctx)};
    rc = st_calendar_import(ctx->db, &y, days, n, err);
    if (rc == 0 && days_out != NULL)
        *days_out = n;
    return rc;
}

int app_calendar_import_bundled(struct app_ctx *ctx, const char *root, int *years_out,
                                struct sx_err *err)
{
    char dir[4096];
    struct st_cal_year *ys = NULL;
    size_t ny = 0;
    int imported = 0;
    int rc;
    snprintf(dir, sizeof(dir), "%s/data/calendar", root);
    rc = st_calendar_years(ctx->db, ctx->arena, &ys, &ny, err);
    for (int year = 1990; rc == 0 && year <= 2200; year++) {
        char path[4200];
        bool have = false;
        struct sx_buf text;
        for (size_t i = 0; i < ny; i++)
            have = have || ys[i].year == year;
        snprintf(path, sizeof(path), "%s/%04d.csv", dir, year);
        if (have || access(path, R_OK) != 0)
            continue;
        sx_buf_init(&text, CAL_CSV_MAX);
        rc = app_file_read(path, &text, err);
        if (rc == 0)
            rc = app_calendar_import(
                ctx, path, text.data, text.len,
                "随附数据 data/calendar（NateScarlet/holiday-cn，国务院办公厅通知）", NULL, err);
        sx_buf_free(&text);
        imported += rc == 0;
    }
    if (years_out != NULL)
        *years_out = imported;
    return rc;
}
