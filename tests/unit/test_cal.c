/*
 * Unit tests for src/core/cal: day-number dates, strict ISO parsing, the
 * holiday CSV loader (every error with its line), and working-day
 * arithmetic against the real 2024-2026 schedules in data/calendar/
 * (State Council notices, via shared/data/holidays-cn). Expected dates of
 * the add/between tables were worked out by hand from the CSV rows quoted
 * in each row's source and cross-checked with an independent Python walk.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cal.h"

/* ---- helpers -------------------------------------------------------- */

static int32_t D(const char *iso)
{
    int32_t d = 0;
    struct sx_err err;
    sx_err_clear(&err);
    if (cal_date_parse(iso, &d, &err) != 0)
        fail_msg("bad test date %s: %s", iso, err.detail);
    return d;
}

static const char *root_dir(void)
{
    const char *r = getenv("SANXIANG_ROOT");
    return r != NULL && r[0] != '\0' ? r : ".";
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n = -1;
    if (f == NULL)
        fail_msg("cannot open %s", path);
    if (fseek(f, 0, SEEK_END) == 0)
        n = ftell(f);
    if (n < 0 || fseek(f, 0, SEEK_SET) != 0)
        fail_msg("cannot size %s", path);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    if (fread(buf, 1, (size_t)n, f) != (size_t)n)
        fail_msg("cannot read %s", path);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* Load data/calendar/<year>.csv for each year in [from, to] into cal. */
static void load_years(struct cal_calendar *cal, int from, int to)
{
    char path[4096];
    struct sx_err err;
    for (int y = from; y <= to; y++) {
        size_t len;
        char *text;
        snprintf(path, sizeof(path), "%s/data/calendar/%04d.csv", root_dir(), y);
        text = read_all(path, &len);
        sx_err_clear(&err);
        if (cal_load_csv(cal, text, len, path, &err) != 0)
            fail_msg("load %s: %s: %s", path, err.title, err.detail);
        free(text);
    }
}

/* Every YYYY.csv in data/calendar, as the CLI loads it. */
static struct cal_calendar *load_all(void)
{
    char path[4096];
    struct cal_calendar *cal = cal_calendar_new();
    DIR *d;
    struct dirent *de;
    int lo = 9999, hi = 0;
    assert_non_null(cal);
    snprintf(path, sizeof(path), "%s/data/calendar", root_dir());
    d = opendir(path);
    assert_non_null(d);
    for (de = readdir(d); de != NULL; de = readdir(d)) {
        if (strlen(de->d_name) == 8 && strcmp(de->d_name + 4, ".csv") == 0) {
            int y = (int)strtol(de->d_name, NULL, 10);
            lo = y < lo ? y : lo;
            hi = y > hi ? y : hi;
        }
    }
    closedir(d);
    assert_true(lo <= 2024 && hi >= 2026);
    load_years(cal, lo, hi);
    return cal;
}

static int setup_all(void **state)
{
    *state = load_all();
    return 0;
}

static int teardown_cal(void **state)
{
    cal_calendar_free(*state);
    return 0;
}

/* ---- dates ---------------------------------------------------------- */

static void test_day_numbers_round_trip(void **state)
{
    int y, m, d, py = 0, pm = 0, pd = 0;
    (void)state;
    /* Anchors: the epoch, and the range limits named in cal.h. */
    assert_int_equal(cal_days_from_ymd(1970, 1, 1), 0);
    assert_int_equal(cal_days_from_ymd(1, 1, 1), CAL_DATE_MIN);
    assert_int_equal(cal_days_from_ymd(9999, 12, 31), CAL_DATE_MAX);
    assert_int_equal(cal_days_from_ymd(2000, 3, 1) - cal_days_from_ymd(2000, 2, 28), 2);
    assert_int_equal(cal_days_from_ymd(1900, 3, 1) - cal_days_from_ymd(1900, 2, 28), 1);
    /* Every day of years 1..9999: consecutive, valid, and back to the same number. */
    for (int32_t day = CAL_DATE_MIN; day <= CAL_DATE_MAX; day++) {
        cal_ymd_from_days(day, &y, &m, &d);
        if (!cal_ymd_valid(y, m, d) || cal_days_from_ymd(y, m, d) != day)
            fail_msg("day %d -> %04d-%02d-%02d does not round-trip", (int)day, y, m, d);
        if (day > CAL_DATE_MIN) {
            bool next = (y == py && m == pm && d == pd + 1) ||
                        (y == py && m == pm + 1 && d == 1 && pd == cal_days_in_month(py, pm)) ||
                        (y == py + 1 && m == 1 && d == 1 && pm == 12 && pd == 31);
            if (!next)
                fail_msg("day %d is not the day after %04d-%02d-%02d", (int)day, py, pm, pd);
        }
        py = y;
        pm = m;
        pd = d;
    }
}

struct parse_row {
    const char *text;
    int rc;
    const char *type; /* expected slug when rc != 0 */
    int y, m, d;
    const char *source;
};

static const struct parse_row parse_rows[] = {
    {"2024-02-29", 0, NULL, 2024, 2, 29, "2024 is a leap year"},
    {"2000-02-29", 0, NULL, 2000, 2, 29, "2000 is a leap year (divisible by 400)"},
    {"1970-01-01", 0, NULL, 1970, 1, 1, "epoch"},
    {"0001-01-01", 0, NULL, 1, 1, 1, "lower range limit"},
    {"9999-12-31", 0, NULL, 9999, 12, 31, "upper range limit"},
    {"2026-12-31", 0, NULL, 2026, 12, 31, "last day of the newest data year"},
    {"2026-02-30", SX_E_INVALID, "invalid-date", 0, 0, 0, "brief: February has no 30th"},
    {"2025-02-29", SX_E_INVALID, "invalid-date", 0, 0, 0, "brief: 2025 is not a leap year"},
    {"1900-02-29", SX_E_INVALID, "invalid-date", 0, 0, 0, "1900 is not a leap year (century)"},
    {"2024-04-31", SX_E_INVALID, "invalid-date", 0, 0, 0, "April has 30 days"},
    {"2024-13-01", SX_E_INVALID, "invalid-date", 0, 0, 0, "month 13"},
    {"2024-00-10", SX_E_INVALID, "invalid-date", 0, 0, 0, "month 0"},
    {"2024-01-00", SX_E_INVALID, "invalid-date", 0, 0, 0, "day 0"},
    {"0000-01-01", SX_E_INVALID, "invalid-date", 0, 0, 0, "year 0 is outside 1..9999"},
    {"2024-2-01", SX_E_INVALID, "invalid-date-format", 0, 0, 0, "month not zero-padded"},
    {"2024-02-1", SX_E_INVALID, "invalid-date-format", 0, 0, 0, "day not zero-padded"},
    {"20240201", SX_E_INVALID, "invalid-date-format", 0, 0, 0, "basic format without hyphens"},
    {"2024/02/01", SX_E_INVALID, "invalid-date-format", 0, 0, 0, "slashes"},
    {" 2024-02-01", SX_E_INVALID, "invalid-date-format", 0, 0, 0, "leading space"},
    {"2024-02-01 ", SX_E_INVALID, "invalid-date-format", 0, 0, 0, "trailing space"},
    {"2024-02-01T00:00", SX_E_INVALID, "invalid-date-format", 0, 0, 0, "date-time, not a date"},
    {"+024-02-01", SX_E_INVALID, "invalid-date-format", 0, 0, 0, "sign in the year"},
    {"2024-0a-01", SX_E_INVALID, "invalid-date-format", 0, 0, 0, "letter in the month"},
    {"", SX_E_INVALID, "invalid-date-format", 0, 0, 0, "empty"},
    {"２０２４-02-01", SX_E_INVALID, "invalid-date-format", 0, 0, 0, "full-width digits"},
    {"2024-02-0\x01", SX_E_INVALID, "invalid-date-format", 0, 0, 0,
     "control character (not echoed in the detail)"},
    {"2024-02-0\xE5", SX_E_INVALID, "invalid-date-format", 0, 0, 0,
     "invalid UTF-8 (not echoed in the detail)"},
    {"二〇二四年二月一日二〇二四年二月一日", SX_E_INVALID, "invalid-date-format", 0, 0, 0,
     "long Chinese text: echo cut on a character boundary"},
};

static void test_date_parse(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(parse_rows) / sizeof(parse_rows[0]); i++) {
        const struct parse_row *r = &parse_rows[i];
        struct sx_err err;
        int32_t d = 12345;
        int rc;
        sx_err_clear(&err);
        rc = cal_date_parse(r->text, &d, &err);
        if (rc != r->rc)
            fail_msg("\"%s\" (%s): rc %d, want %d", r->text, r->source, rc, r->rc);
        if (rc == 0) {
            char buf[CAL_DATE_BUFSZ];
            assert_int_equal(d, cal_days_from_ymd(r->y, r->m, r->d));
            assert_string_equal(cal_date_format(d, buf), r->text);
        } else {
            if (strcmp(err.type, r->type) != 0)
                fail_msg("\"%s\" (%s): type %s, want %s", r->text, r->source, err.type, r->type);
            assert_int_equal(d, 12345); /* untouched on error */
            assert_true(strlen(err.title) > 0);
            assert_non_null(strstr(err.title, "日期"));
            assert_true(strlen(err.detail) > 0);
            /* The detail is printable text: no control bytes, no broken UTF-8 lead byte. */
            for (const char *c = err.detail; *c != '\0'; c++)
                assert_true((unsigned char)*c >= 0x20);
            assert_null(strstr(err.detail, "\xE5”"));
        }
    }
    /* NULL is refused, not dereferenced. */
    {
        int32_t d;
        assert_int_equal(cal_date_parse(NULL, &d, NULL), SX_E_INVALID);
    }
}

static void test_parse_n_stops_at_length(void **state)
{
    int32_t d;
    (void)state;
    /* A date at the start of a longer buffer (the CSV loader's use). */
    assert_int_equal(cal_date_parse_n("2024-10-01,1,国庆节", 10, &d, NULL), 0);
    assert_int_equal(d, cal_days_from_ymd(2024, 10, 1));
    assert_int_equal(cal_date_parse_n("2024-10-01", 9, &d, NULL), SX_E_INVALID);
}

struct weekday_row {
    const char *date;
    int iso_weekday;
    const char *source;
};

static const struct weekday_row weekday_rows[] = {
    {"1970-01-01", 4, "the epoch was a Thursday"},
    {"2000-01-01", 6, "a Saturday"},
    {"2024-02-04", 7, "2024.csv make-up workday on a Sunday"},
    {"2024-10-12", 6, "2024.csv make-up workday on a Saturday"},
    {"2026-02-17", 2, "2026 Spring Festival day (Tuesday)"},
    {"2020-02-03", 1, "holidays-cn README: the only off_day=0 weekday row, a Monday"},
    {"0001-01-01", 1, "proleptic Gregorian 0001-01-01 is a Monday"},
    {"1969-12-31", 3, "negative day number"},
};

static void test_weekday(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(weekday_rows) / sizeof(weekday_rows[0]); i++) {
        const struct weekday_row *r = &weekday_rows[i];
        int w = cal_weekday(D(r->date));
        if (w != r->iso_weekday)
            fail_msg("%s (%s): weekday %d, want %d", r->date, r->source, w, r->iso_weekday);
    }
}

static void test_add_days_and_range(void **state)
{
    int32_t out = 0;
    struct sx_err err;
    char buf[CAL_DATE_BUFSZ];
    (void)state;
    assert_int_equal(cal_date_add_days(D("2024-02-28"), 2, &out, NULL), 0);
    assert_string_equal(cal_date_format(out, buf), "2024-03-01");
    assert_int_equal(cal_date_add_days(D("2025-01-01"), -1, &out, NULL), 0);
    assert_string_equal(cal_date_format(out, buf), "2024-12-31");
    sx_err_clear(&err);
    assert_int_equal(cal_date_add_days(D("9999-12-31"), 1, &out, &err), SX_E_INVALID);
    assert_string_equal(err.type, "date-out-of-range");
    assert_int_equal(cal_date_add_days(D("0001-01-01"), -1, &out, NULL), SX_E_INVALID);
    assert_int_equal(cal_date_add_days(0, INT64_MAX, &out, NULL), SX_E_INVALID);
    assert_int_equal(cal_date_add_days(0, INT64_MIN, &out, NULL), SX_E_INVALID);
    /* Formatting clamps instead of overflowing its buffer. */
    assert_string_equal(cal_date_format(CAL_DATE_MAX + 1000, buf), "9999-12-31");
    assert_string_equal(cal_date_format(INT32_MIN, buf), "0001-01-01");
    /* Checked construction. */
    sx_err_clear(&err);
    assert_int_equal(cal_date_from_ymd(2025, 2, 29, &out, &err), SX_E_INVALID);
    assert_string_equal(err.type, "invalid-date");
    assert_int_equal(cal_date_from_ymd(2024, 2, 29, &out, NULL), 0);
    assert_int_equal(out, D("2024-02-29"));
}

/* ---- working days on the real data ---------------------------------- */

struct workday_row {
    const char *date;
    bool work;
    const char *source;
};

static const struct workday_row workday_rows[] = {
    {"2024-02-04", true, "2024.csv 2024-02-04,0,春节 (Sunday make-up; holidays-cn README checked)"},
    {"2024-02-18", true, "2024.csv 2024-02-18,0,春节 (Sunday make-up)"},
    {"2024-02-10", false, "2024.csv 2024-02-10,1,春节"},
    {"2024-02-12", false, "2024.csv 2024-02-12,1,春节 (a Monday off)"},
    {"2024-10-01", false, "2024.csv 国庆节 10-01..07 off"},
    {"2024-10-02", false, "2024.csv 国庆节"},
    {"2024-10-03", false, "2024.csv 国庆节"},
    {"2024-10-04", false, "2024.csv 国庆节"},
    {"2024-10-05", false, "2024.csv 国庆节"},
    {"2024-10-06", false, "2024.csv 国庆节"},
    {"2024-10-07", false, "2024.csv 国庆节 (a Monday off)"},
    {"2024-09-29", true, "2024.csv 2024-09-29,0,国庆节 (Sunday make-up)"},
    {"2024-10-12", true, "2024.csv 2024-10-12,0,国庆节 (Saturday make-up)"},
    {"2024-10-08", true, "not listed, a Tuesday"},
    {"2024-10-13", false, "not listed, a Sunday"},
    {"2025-01-26", true, "2025.csv 2025-01-26,0,春节 (Sunday make-up)"},
    {"2025-10-08", false, "2025.csv 国庆节、中秋节 (a Wednesday off)"},
    {"2025-10-11", true, "2025.csv 2025-10-11,0 (Saturday make-up)"},
    {"2026-01-02", false, "2026.csv 2026-01-02,1,元旦 (a Friday off)"},
    {"2026-01-04", true, "2026.csv 2026-01-04,0,元旦 (Sunday make-up)"},
    {"2026-02-14", true, "2026.csv 2026-02-14,0,春节 (Saturday make-up)"},
    {"2026-02-15", false, "2026.csv 春节 02-15..23 off"},
    {"2026-02-16", false, "2026.csv 春节"},
    {"2026-02-17", false, "2026.csv 春节"},
    {"2026-02-18", false, "2026.csv 春节"},
    {"2026-02-19", false, "2026.csv 春节"},
    {"2026-02-20", false, "2026.csv 春节"},
    {"2026-02-21", false, "2026.csv 春节"},
    {"2026-02-22", false, "2026.csv 春节"},
    {"2026-02-23", false, "2026.csv 春节 (a Monday off)"},
    {"2026-02-24", true, "not listed, a Tuesday"},
    {"2026-02-28", true, "2026.csv 2026-02-28,0,春节 (Saturday make-up)"},
    {"2026-10-10", true, "2026.csv 2026-10-10,0,国庆节 (Saturday make-up)"},
    {"2018-12-29", true, "2019.csv lists 2018-12-29,0,元旦 (previous-year date keyed by date)"},
    {"2018-12-31", false, "2019.csv lists 2018-12-31,1,元旦 (a Monday off)"},
    {"2020-02-03", true, "2020.csv 2020-02-03,0 on a Monday (holidays-cn README caveat)"},
    {"2020-01-31", false, "2020.csv COVID-19 Spring Festival extension"},
};

static void test_is_workday(void **state)
{
    struct cal_calendar *cal = *state;
    for (size_t i = 0; i < sizeof(workday_rows) / sizeof(workday_rows[0]); i++) {
        const struct workday_row *r = &workday_rows[i];
        bool w = cal_is_workday(cal, D(r->date));
        if (w != r->work)
            fail_msg("%s (%s): workday %d, want %d", r->date, r->source, w, r->work);
    }
}

static void test_lookup_names(void **state)
{
    struct cal_calendar *cal = *state;
    bool off = true;
    const char *name = NULL;
    assert_true(cal_lookup(cal, D("2024-02-04"), &off, &name));
    assert_false(off);
    assert_string_equal(name, "春节");
    assert_true(cal_lookup(cal, D("2025-10-01"), &off, &name));
    assert_true(off);
    assert_string_equal(name, "国庆节、中秋节");
    assert_false(cal_lookup(cal, D("2024-10-08"), &off, &name));
    assert_true(cal_lookup(cal, D("2026-01-01"), NULL, NULL));
}

struct add_row {
    const char *from;
    int n;
    const char *want;
    const char *source;
};

static const struct add_row add_rows[] = {
    {"2024-09-30", 5, "2024-10-12",
     "brief: 5 WD across National Day; 2024.csv 10-01..07 off, 10-08..11 and Sat 10-12 (make-up)"},
    {"2024-09-30", 1, "2024-10-08", "2024.csv 10-01..07 off"},
    {"2024-09-27", 1, "2024-09-29", "2024.csv Sunday 09-29 is a make-up workday"},
    {"2024-02-03", 1, "2024-02-04", "2024.csv Sunday 02-04 make-up"},
    {"2024-02-08", 2, "2024-02-18", "2024.csv 02-09 Fri works, 02-10..17 off, Sun 02-18 make-up"},
    {"2026-02-13", 1, "2026-02-14", "2026.csv Saturday 02-14 make-up"},
    {"2026-02-14", 1, "2026-02-24", "2026.csv Spring Festival 02-15..23 off"},
    {"2026-02-13", 7, "2026-03-02", "2026.csv 02-14, 02-24..27, Sat 02-28, then Mon 03-02"},
    {"2024-12-31", 1, "2025-01-02", "2025.csv 2025-01-01 off: crosses a year boundary"},
    {"2025-12-31", 1, "2026-01-04", "2026.csv 01-01..03 off, Sunday 01-04 make-up"},
    {"2025-09-26", 7, "2025-10-13",
     "penalty decision publicity 7 WD (HB-1-11, YN-1-13) across 2025.csv National Day"},
    {"2026-09-18", 10, "2026-10-09", "2026.csv 09-20 make-up, 09-25..27 and 10-01..07 off"},
    {"2018-12-28", 1, "2018-12-29", "2019.csv's 2018-12-29 make-up applies by date"},
    {"2020-01-23", 5, "2020-02-07", "2020.csv Spring Festival with COVID-19 extension"},
    {"2024-04-30", 20, "2024-05-30",
     "other results 20 WD (HB-1-11); 2024.csv 05-01..05 off, 05-11 make-up"},
    {"2024-05-06", 0, "2024-05-06", "n = 0 returns from"},
    {"2024-10-03", 0, "2024-10-03", "n = 0 returns from even on a holiday"},
};

static void test_add_workdays(void **state)
{
    struct cal_calendar *cal = *state;
    for (size_t i = 0; i < sizeof(add_rows) / sizeof(add_rows[0]); i++) {
        const struct add_row *r = &add_rows[i];
        struct sx_err err;
        int32_t out = 0;
        bool prov = true;
        char buf[CAL_DATE_BUFSZ];
        int rc;
        sx_err_clear(&err);
        rc = cal_add_workdays(cal, D(r->from), r->n, false, &out, &prov, &err);
        if (rc != 0)
            fail_msg("%s + %d (%s): %s", r->from, r->n, r->source, err.detail);
        if (strcmp(cal_date_format(out, buf), r->want) != 0)
            fail_msg("%s + %d WD (%s): got %s, want %s", r->from, r->n, r->source, buf, r->want);
        assert_false(prov);
    }
}

static void test_add_workdays_rejects_negative(void **state)
{
    struct cal_calendar *cal = *state;
    struct sx_err err;
    int32_t out = 777;
    bool prov = true;
    sx_err_clear(&err);
    /* brief: negative n rejected */
    assert_int_equal(cal_add_workdays(cal, D("2024-10-01"), -1, true, &out, &prov, &err),
                     SX_E_INVALID);
    assert_string_equal(err.type, "invalid-workday-count");
    assert_int_equal(out, 777);
    assert_false(prov);
    assert_int_equal(
        cal_add_workdays(cal, D("2024-10-01"), CAL_WORKDAYS_MAX + 1, true, &out, &prov, NULL),
        SX_E_INVALID);
    assert_int_equal(cal_add_workdays(cal, CAL_DATE_MAX + 1, 1, true, &out, &prov, NULL),
                     SX_E_INVALID);
    /* Walking off the end of the date range fails instead of wrapping. */
    sx_err_clear(&err);
    assert_int_equal(cal_add_workdays(cal, D("9999-12-31"), 1, true, &out, &prov, &err),
                     SX_E_INVALID);
    assert_string_equal(err.type, "date-out-of-range");
}

struct between_row {
    const char *d1, *d2;
    int want;
    const char *source;
};

static const struct between_row between_rows[] = {
    {"2024-09-30", "2024-10-12", 5, "inverse of the National Day add row"},
    {"2024-10-12", "2024-09-30", -5, "reversed: negative"},
    {"2024-09-30", "2024-10-07", 0, "2024.csv 10-01..07 all off"},
    {"2024-10-01", "2024-10-01", 0, "empty interval"},
    {"2024-10-07", "2024-10-08", 1, "(d1, d2] counts d2"},
    {"2024-10-08", "2024-10-09", 1, "(d1, d2] does not count d1"},
    {"2026-02-13", "2026-02-24", 2, "2026.csv Sat 02-14 make-up and Tue 02-24"},
    {"2023-12-31", "2024-12-31", 251,
     "2024.csv: 262 weekdays - 19 weekday holidays + 8 make-up weekend days"},
};

static void test_workdays_between(void **state)
{
    struct cal_calendar *cal = *state;
    for (size_t i = 0; i < sizeof(between_rows) / sizeof(between_rows[0]); i++) {
        const struct between_row *r = &between_rows[i];
        int got = 12345;
        bool prov = true;
        struct sx_err err;
        sx_err_clear(&err);
        if (cal_workdays_between(cal, D(r->d1), D(r->d2), false, &got, &prov, &err) != 0)
            fail_msg("%s..%s (%s): %s", r->d1, r->d2, r->source, err.detail);
        if (got != r->want)
            fail_msg("(%s, %s] (%s): got %d, want %d", r->d1, r->d2, r->source, got, r->want);
        assert_false(prov);
    }
}

/* xorshift32: deterministic pseudo-random numbers, so failures reproduce. */
static uint32_t next_rand(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

static void test_between_inverts_add(void **state)
{
    struct cal_calendar *cal = *state;
    uint32_t seed = 20240930;
    int32_t lo = D("2007-01-01"), hi = D("2026-06-30");
    for (int i = 0; i < 3000; i++) {
        int32_t from = lo + (int32_t)(next_rand(&seed) % (uint32_t)(hi - lo));
        int n = (int)(next_rand(&seed) % 120);
        int32_t to, prev;
        int back = -1;
        bool prov = true;
        char a[CAL_DATE_BUFSZ];
        assert_int_equal(cal_add_workdays(cal, from, n, false, &to, &prov, NULL), 0);
        assert_false(prov);
        assert_int_equal(cal_workdays_between(cal, from, to, false, &back, &prov, NULL), 0);
        if (back != n)
            fail_msg("between(%s, add(%s, %d)) = %d", cal_date_format(from, a), a, n, back);
        assert_int_equal(cal_workdays_between(cal, to, from, false, &back, &prov, NULL), 0);
        assert_int_equal(back, -n);
        if (n > 0) {
            /* The result is a working day and the one before it is the (n-1)-th. */
            assert_true(cal_is_workday(cal, to));
            assert_int_equal(cal_add_workdays(cal, from, n - 1, false, &prev, &prov, NULL), 0);
            assert_true(prev < to);
        }
    }
    /* Random pairs: between is antisymmetric and additive over a midpoint. */
    for (int i = 0; i < 1000; i++) {
        int32_t a = lo + (int32_t)(next_rand(&seed) % (uint32_t)(hi - lo));
        int32_t b = lo + (int32_t)(next_rand(&seed) % (uint32_t)(hi - lo));
        int32_t m = lo + (int32_t)(next_rand(&seed) % (uint32_t)(hi - lo));
        int ab, ba, am, mb;
        bool prov;
        assert_int_equal(cal_workdays_between(cal, a, b, false, &ab, &prov, NULL), 0);
        assert_int_equal(cal_workdays_between(cal, b, a, false, &ba, &prov, NULL), 0);
        assert_int_equal(cal_workdays_between(cal, a, m, false, &am, &prov, NULL), 0);
        assert_int_equal(cal_workdays_between(cal, m, b, false, &mb, &prov, NULL), 0);
        assert_int_equal(ab, -ba);
        assert_int_equal(ab, am + mb);
    }
}

/* ---- provisional years ---------------------------------------------- */

static void test_provisional_after_newest_year(void **state)
{
    struct cal_calendar *cal = *state;
    struct sx_err err;
    int32_t out = 0;
    int n = 0;
    bool prov = false;
    char buf[CAL_DATE_BUFSZ];

    assert_int_equal(cal_year_max(cal), 2026);
    assert_false(cal_year_loaded(cal, 2027));

    /* Staying inside 2026 is not provisional. */
    assert_int_equal(cal_add_workdays(cal, D("2026-12-30"), 1, false, &out, &prov, NULL), 0);
    assert_string_equal(cal_date_format(out, buf), "2026-12-31");
    assert_false(prov);

    /* Into 2027 (no 2027.csv: holidays-cn README) is refused ... */
    sx_err_clear(&err);
    assert_int_equal(cal_add_workdays(cal, D("2026-12-31"), 1, false, &out, &prov, &err),
                     SX_E_INVALID);
    assert_string_equal(err.type, "calendar-year-not-loaded");
    assert_string_equal(err.title, "超出已导入节假日安排的年份");
    assert_non_null(strstr(err.detail, "2027"));

    /* ... unless provisional: weekends only, so 2027-01-01 (a Friday) counts. */
    assert_int_equal(cal_add_workdays(cal, D("2026-12-31"), 1, true, &out, &prov, NULL), 0);
    assert_string_equal(cal_date_format(out, buf), "2027-01-01");
    assert_true(prov);
    /* 2027-01-01 is Friday; 2, 3 weekend; 4 Monday. */
    assert_int_equal(cal_add_workdays(cal, D("2026-12-31"), 2, true, &out, &prov, NULL), 0);
    assert_string_equal(cal_date_format(out, buf), "2027-01-04");
    assert_true(prov);

    /* between follows the same rule. */
    sx_err_clear(&err);
    assert_int_equal(
        cal_workdays_between(cal, D("2026-12-01"), D("2027-01-10"), false, &n, &prov, &err),
        SX_E_INVALID);
    assert_string_equal(err.type, "calendar-year-not-loaded");
    assert_int_equal(
        cal_workdays_between(cal, D("2027-01-10"), D("2026-12-31"), true, &n, &prov, NULL), 0);
    assert_int_equal(n, -6); /* 2027-01-01, 04..08 */
    assert_true(prov);
    /* A flag left over from an earlier call is reset. */
    assert_int_equal(
        cal_workdays_between(cal, D("2026-01-01"), D("2026-01-10"), true, &n, &prov, NULL), 0);
    assert_false(prov);
}

static void test_provisional_before_oldest_and_gaps(void **state)
{
    struct cal_calendar *cal = cal_calendar_new();
    struct sx_err err;
    int32_t out = 0;
    int n = 0;
    bool prov = false;
    char buf[CAL_DATE_BUFSZ];
    (void)state;

    assert_non_null(cal);
    /* Nothing loaded: everything is provisional. */
    assert_int_equal(cal_year_min(cal), 0);
    assert_int_equal(cal_year_max(cal), 0);
    sx_err_clear(&err);
    assert_int_equal(cal_add_workdays(cal, D("2024-09-30"), 1, false, &out, &prov, &err),
                     SX_E_INVALID);
    assert_string_equal(err.type, "calendar-year-not-loaded");
    assert_int_equal(cal_add_workdays(cal, D("2024-09-30"), 5, true, &out, &prov, NULL), 0);
    assert_string_equal(cal_date_format(out, buf), "2024-10-07"); /* weekends only */
    assert_true(prov);

    /* 2024 and 2026 loaded, 2025 missing: crossing the gap is refused. */
    load_years(cal, 2024, 2024);
    load_years(cal, 2026, 2026);
    assert_int_equal(cal_year_min(cal), 2024);
    assert_int_equal(cal_year_max(cal), 2026);
    assert_int_equal(cal_year_count(cal), 2);
    assert_false(cal_year_loaded(cal, 2025));
    sx_err_clear(&err);
    assert_int_equal(
        cal_workdays_between(cal, D("2024-12-01"), D("2026-01-31"), false, &n, &prov, &err),
        SX_E_INVALID);
    assert_string_equal(err.type, "calendar-year-not-loaded");
    assert_non_null(strstr(err.detail, "2025"));

    /* Walking back before the oldest year: between (d1 > d2) looks at (d2, d1]. */
    sx_err_clear(&err);
    assert_int_equal(
        cal_workdays_between(cal, D("2024-01-10"), D("2023-12-20"), false, &n, &prov, &err),
        SX_E_INVALID);
    assert_non_null(strstr(err.detail, "2023"));
    assert_int_equal(
        cal_workdays_between(cal, D("2024-01-10"), D("2023-12-20"), true, &n, &prov, NULL), 0);
    assert_true(prov);
    /* (12-20, 01-10]: Dec 21, 22, 25-29 (7, provisional), Jan 2-5, 8-10 (7; 01-01 is 元旦). */
    assert_int_equal(n, -14);

    /* from in an unloaded year is not itself visited. */
    assert_int_equal(cal_add_workdays(cal, D("2023-12-31"), 1, false, &out, &prov, NULL), 0);
    assert_string_equal(cal_date_format(out, buf), "2024-01-02");
    assert_false(prov);
    cal_calendar_free(cal);
}

/* ---- CSV loading ---------------------------------------------------- */

struct csv_row {
    const char *filename;
    const char *text;
    int rc;
    const char *type;
    const char *in_detail; /* substring expected in the detail, e.g. the line */
    const char *source;
};

#define HDR "date,off_day,name\n"

static const struct csv_row csv_rows[] = {
    {"2024.csv", HDR "2024-10-01,1,国庆节\n", 0, NULL, NULL, "minimal valid file"},
    {"data/calendar/2024.csv", HDR "2024-10-01,1,国庆节", 0, NULL, NULL,
     "path accepted; no final newline"},
    {"2024.csv", "\xEF\xBB\xBF" HDR "2024-10-01,1,国庆节\n", 0, NULL, NULL, "UTF-8 BOM tolerated"},
    {"2024.csv", "date,off_day,name\r\n2024-10-01,1,国庆节\r\n2024-10-12,0,国庆节\r\n", 0, NULL,
     NULL, "CRLF tolerated"},
    {"2019.csv", HDR "2018-12-29,0,元旦\n2019-01-01,1,元旦\n", 0, NULL, NULL,
     "holidays-cn README: year N file lists December N-1"},
    {"2024.csv", HDR "2024-10-05,1,国庆节\n", 0, NULL, NULL, "off_day=1 on a Saturday is normal"},
    {"2020.csv", HDR "2020-02-03,0,春节\n", 0, NULL, NULL, "off_day=0 on a weekday is normal"},
    {"2024.csv", "date,off_day,holiday\n2024-10-01,1,国庆节\n", SX_E_INVALID,
     "calendar-file-invalid", "第1行", "header must be exactly date,off_day,name"},
    {"2024.csv", "date, off_day, name\n2024-10-01,1,国庆节\n", SX_E_INVALID,
     "calendar-file-invalid", "第1行", "header with spaces"},
    {"2024.csv", "", SX_E_INVALID, "calendar-file-invalid", "表头", "empty file"},
    {"2024.csv", HDR, SX_E_INVALID, "calendar-file-invalid", "没有任何日期行",
     "header only: an empty year (upstream 2027.json) must not load"},
    {"2024.csv", HDR "2024-10-01,1,国庆节\n2024-10-02,1,国庆节\n2024-02-30,1,春节\n", SX_E_INVALID,
     "calendar-file-invalid", "第4行", "non-existent date on line 4"},
    {"2024.csv", HDR "2024-10-01,1,国庆节\n2024/10/02,1,国庆节\n", SX_E_INVALID,
     "calendar-file-invalid", "第3行", "date format on line 3"},
    {"2024.csv", HDR "2024-10-01,2,国庆节\n", SX_E_INVALID, "calendar-file-invalid", "第2行",
     "off_day 2"},
    {"2024.csv", HDR "2024-10-01,10,国庆节\n", SX_E_INVALID, "calendar-file-invalid", "off_day",
     "off_day 10"},
    {"2024.csv", HDR "2024-10-01,,国庆节\n", SX_E_INVALID, "calendar-file-invalid", "off_day",
     "off_day empty"},
    {"2024.csv", HDR "2024-10-01,1,国庆节\n2024-10-02,1,\n", SX_E_INVALID, "calendar-file-invalid",
     "第3行", "empty name"},
    {"2024.csv", HDR "2024-10-01,1,国庆节,中秋节\n", SX_E_INVALID, "calendar-file-invalid", "第2行",
     "comma in name gives a fourth field"},
    {"2024.csv", HDR "2024-10-01,1,\"国庆节\"\n", SX_E_INVALID, "calendar-file-invalid", "引号",
     "quoted name (format uses no quoting)"},
    {"2024.csv", HDR "2024-10-01,1,国\xE5\n", SX_E_INVALID, "calendar-file-invalid", "UTF-8",
     "truncated UTF-8 in name"},
    {"2024.csv", HDR "2024-10-01,1,国庆节\t\n", SX_E_INVALID, "calendar-file-invalid", "控制字符",
     "tab in name"},
    {"2024.csv", HDR "2024-10-01,1\n", SX_E_INVALID, "calendar-file-invalid", "3 个字段",
     "two fields"},
    {"2024.csv", HDR "2024-10-02,1,国庆节\n2024-10-01,1,国庆节\n", SX_E_INVALID,
     "calendar-file-invalid", "第3行", "not ascending"},
    {"2024.csv", HDR "2024-10-01,1,国庆节\n2024-10-01,1,国庆节\n", SX_E_INVALID,
     "calendar-file-invalid", "重复", "duplicate date within the file"},
    {"2024.csv", HDR "2024-10-01,1,国庆节\n\n2024-10-02,1,国庆节\n", SX_E_INVALID,
     "calendar-file-invalid", "第3行", "blank line"},
    {"2024.csv", HDR "2024-10-01,1,国庆节\n\n", SX_E_INVALID, "calendar-file-invalid", "第3行",
     "trailing blank line"},
    {"2024.csv", HDR "2025-01-01,1,元旦\n", SX_E_INVALID, "calendar-file-invalid", "第2行",
     "date of the next year in this year's file"},
    {"2024.csv", HDR "2023-11-30,1,元旦\n", SX_E_INVALID, "calendar-file-invalid", "第2行",
     "previous year allowed only in December"},
    {"2024.txt", HDR "2024-10-01,1,国庆节\n", SX_E_INVALID, "calendar-file-name", "2024.txt",
     "file name must be YYYY.csv"},
    {"holidays.csv", HDR "2024-10-01,1,国庆节\n", SX_E_INVALID, "calendar-file-name", NULL,
     "file name must be YYYY.csv"},
    {"24.csv", HDR "2024-10-01,1,国庆节\n", SX_E_INVALID, "calendar-file-name", NULL,
     "four-digit year"},
};

static void test_csv_rows(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(csv_rows) / sizeof(csv_rows[0]); i++) {
        const struct csv_row *r = &csv_rows[i];
        struct cal_calendar *cal = cal_calendar_new();
        struct sx_err err;
        int rc;
        assert_non_null(cal);
        sx_err_clear(&err);
        rc = cal_load_csv(cal, r->text, strlen(r->text), r->filename, &err);
        if (rc != r->rc)
            fail_msg("row %zu (%s): rc %d, want %d; %s", i, r->source, rc, r->rc, err.detail);
        if (rc == 0) {
            assert_int_equal(cal_year_count(cal), 1);
        } else {
            if (strcmp(err.type, r->type) != 0)
                fail_msg("row %zu (%s): type %s, want %s", i, r->source, err.type, r->type);
            if (r->in_detail != NULL && strstr(err.detail, r->in_detail) == NULL)
                fail_msg("row %zu (%s): detail \"%s\" lacks \"%s\"", i, r->source, err.detail,
                         r->in_detail);
            assert_true(strlen(err.title) > 0);
            /* Nothing was added. */
            assert_int_equal(cal_year_count(cal), 0);
        }
        cal_calendar_free(cal);
    }
}

static void test_csv_crlf_bom_content(void **state)
{
    struct cal_calendar *cal = cal_calendar_new();
    static const char text[] = "\xEF\xBB\xBF"
                               "date,off_day,name\r\n2024-10-12,0,国庆节\r\n";
    const char *name = NULL;
    bool off = true;
    (void)state;
    assert_int_equal(cal_load_csv(cal, text, sizeof(text) - 1, "2024.csv", NULL), 0);
    /* The CR is not part of the name. */
    assert_true(cal_lookup(cal, D("2024-10-12"), &off, &name));
    assert_false(off);
    assert_string_equal(name, "国庆节");
    cal_calendar_free(cal);
}

static void test_csv_failure_leaves_calendar_unchanged(void **state)
{
    struct cal_calendar *cal = cal_calendar_new();
    /* Line 4 is bad; lines 2-3 must not have been added. */
    static const char text[] = HDR "2025-01-01,1,元旦\n2025-01-26,0,春节\n2025-13-01,1,春节\n";
    struct sx_err err;
    (void)state;
    load_years(cal, 2024, 2024);
    sx_err_clear(&err);
    assert_int_equal(cal_load_csv(cal, text, sizeof(text) - 1, "2025.csv", &err), SX_E_INVALID);
    assert_non_null(strstr(err.detail, "第4行"));
    assert_non_null(strstr(err.detail, "2025.csv"));
    assert_false(cal_year_loaded(cal, 2025));
    assert_false(cal_lookup(cal, D("2025-01-26"), NULL, NULL));
    assert_false(cal_is_workday(cal, D("2025-01-26"))); /* back to a plain Sunday */
    assert_int_equal(cal_year_count(cal), 1);
    /* The real 2025 file still loads afterwards. */
    load_years(cal, 2025, 2025);
    assert_true(cal_is_workday(cal, D("2025-01-26")));
    cal_calendar_free(cal);
}

static void test_csv_conflicts_between_files(void **state)
{
    struct cal_calendar *cal = cal_calendar_new();
    struct sx_err err;
    /* A 2018 file that also lists 2018-12-30, which 2019.csv already holds. */
    static const char dup_date[] = HDR "2018-01-01,1,元旦\n2018-12-30,1,元旦\n";
    static const char again[] = HDR "2019-10-01,1,国庆节\n";
    (void)state;
    load_years(cal, 2019, 2019);
    sx_err_clear(&err);
    assert_int_equal(cal_load_csv(cal, dup_date, sizeof(dup_date) - 1, "2018.csv", &err),
                     SX_E_CONFLICT);
    assert_string_equal(err.type, "calendar-date-duplicate");
    assert_non_null(strstr(err.detail, "第3行"));
    assert_false(cal_year_loaded(cal, 2018));
    assert_false(cal_lookup(cal, D("2018-01-01"), NULL, NULL));

    sx_err_clear(&err);
    assert_int_equal(cal_load_csv(cal, again, sizeof(again) - 1, "2019.csv", &err), SX_E_CONFLICT);
    assert_string_equal(err.type, "calendar-year-duplicate");

    /* The real 2018.csv loads next to 2019.csv: no date is in both (holidays-cn README). */
    load_years(cal, 2018, 2018);
    assert_int_equal(cal_year_min(cal), 2018);
    assert_int_equal(cal_year_max(cal), 2019);
    cal_calendar_free(cal);
}

static void test_csv_too_big(void **state)
{
    struct cal_calendar *cal = cal_calendar_new();
    struct sx_err err;
    (void)state;
    sx_err_clear(&err);
    /* Length is checked before the text is read. */
    assert_int_equal(cal_load_csv(cal, HDR, (size_t)CAL_CSV_MAX + 1, "2024.csv", &err),
                     SX_E_TOOBIG);
    cal_calendar_free(cal);
}

static void test_loaded_years_of_shipped_data(void **state)
{
    struct cal_calendar *cal = *state;
    /* data/calendar holds 2007-2026 (holidays-cn README). */
    assert_int_equal(cal_year_min(cal), 2007);
    assert_int_equal(cal_year_max(cal), 2026);
    assert_int_equal(cal_year_count(cal), 20);
    for (int y = 2007; y <= 2026; y++)
        assert_true(cal_year_loaded(cal, y));
    assert_false(cal_year_loaded(cal, 2006)); /* 2007.csv lists 2006-12-30/31, not the year */
    assert_true(cal_is_workday(cal, D("2006-12-30")));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_day_numbers_round_trip),
        cmocka_unit_test(test_date_parse),
        cmocka_unit_test(test_parse_n_stops_at_length),
        cmocka_unit_test(test_weekday),
        cmocka_unit_test(test_add_days_and_range),
        cmocka_unit_test_setup_teardown(test_is_workday, setup_all, teardown_cal),
        cmocka_unit_test_setup_teardown(test_lookup_names, setup_all, teardown_cal),
        cmocka_unit_test_setup_teardown(test_add_workdays, setup_all, teardown_cal),
        cmocka_unit_test_setup_teardown(test_add_workdays_rejects_negative, setup_all,
                                        teardown_cal),
        cmocka_unit_test_setup_teardown(test_workdays_between, setup_all, teardown_cal),
        cmocka_unit_test_setup_teardown(test_between_inverts_add, setup_all, teardown_cal),
        cmocka_unit_test_setup_teardown(test_provisional_after_newest_year, setup_all,
                                        teardown_cal),
        cmocka_unit_test(test_provisional_before_oldest_and_gaps),
        cmocka_unit_test(test_csv_rows),
        cmocka_unit_test(test_csv_crlf_bom_content),
        cmocka_unit_test(test_csv_failure_leaves_calendar_unchanged),
        cmocka_unit_test(test_csv_conflicts_between_files),
        cmocka_unit_test(test_csv_too_big),
        cmocka_unit_test_setup_teardown(test_loaded_years_of_shipped_data, setup_all, teardown_cal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
