/*
 * cal: day-number dates, strict ISO parsing, and the working-day calendar
 * built from the yearly holiday CSVs (see cal.h and data/calendar/README.md).
 *
 * The calendar is a sorted array of listed days (binary search) plus a sorted
 * array of loaded years. Working-day arithmetic walks day by day: deadlines
 * are a few dozen days long, and walking keeps "which years did we pass"
 * exact for the provisional rule.
 */
#include "cal.h"

#include <stdlib.h>
#include <string.h>

/* One listed day of a holiday notice. */
struct cal_entry {
    int32_t day;
    bool off_day;                /* true: 放假; false: 调休上班 */
    char name[CAL_NAME_MAX + 1]; /* e.g. "国庆节", NUL-terminated */
};

struct cal_calendar {
    struct cal_entry *entries; /* sorted by day, no duplicates */
    size_t n_entries;
    int *years; /* loaded years, sorted ascending, no duplicates */
    size_t n_years;
};

static const char src_iso[] = "ISO 8601 日期格式 YYYY-MM-DD";
static const char src_csv[] = "节假日安排文件格式 (data/calendar/README.md)";

/* ---- dates ---------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0 if invalid. */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        if (n >= 2 && (s[1] & 0xC0) == 0x80)
            return 2;
        return 0;
    }
    if (c >= 0xE0 && c <= 0xEF) {
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        if (c == 0xE0 && s[1] < 0xA0) /* overlong */
            return 0;
        if (c == 0xED && s[1] >= 0xA0) /* UTF-16 surrogate */
            return 0;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return 0;
        if (c == 0xF0 && s[1] < 0x90) /* overlong */
            return 0;
        if (c == 0xF4 && s[1] >= 0x90) /* above U+10FFFF */
            return 0;
        return 4;
    }
    return 0;
}

/*
 * How many bytes of s (n bytes) to echo in an error detail: the longest
 * prefix of at most 32 bytes ending on a character boundary, or -1 when the
 * text holds control characters or invalid UTF-8 (then it is not echoed, so
 * details stay printable text).
 */
static int echo_len(const char *s, size_t n)
{
    size_t i = 0, shown = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        size_t k;
        if (c < 0x20 || c == 0x7F)
            return -1;
        k = utf8_seq_len((const unsigned char *)s + i, n - i);
        if (k == 0)
            return -1;
        if (i + k <= 32)
            shown = i + k;
        i += k;
    }
    return (int)shown;
}

bool cal_is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int cal_days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    if (m == 2 && cal_is_leap(y))
        return 29;
    return days[m - 1];
}

bool cal_ymd_valid(int y, int m, int d)
{
    if (y < 1 || y > 9999)
        return false;
    return d >= 1 && d <= cal_days_in_month(y, m);
}

/*
 * Days from civil date, after Howard Hinnant's public-domain algorithm
 * ("chrono-Compatible Low-Level Date Algorithms"): years start in March so
 * the leap day is last, and 400-year eras repeat exactly.
 */
int32_t cal_days_from_ymd(int y, int m, int d)
{
    int yy = m <= 2 ? y - 1 : y;
    int era = (yy >= 0 ? yy : yy - 399) / 400;
    int yoe = yy - era * 400;
    int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468);
}

void cal_ymd_from_days(int32_t day, int *y, int *m, int *d)
{
    int32_t z = day + 719468;
    int32_t era = (z >= 0 ? z : z - 146096) / 146097;
    int32_t doe = z - era * 146097;
    int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int32_t mp = (5 * doy + 2) / 153;
    int dd = (int)(doy - (153 * mp + 2) / 5 + 1);
    int mm = (int)(mp < 10 ? mp + 3 : mp - 9);
    int yy = (int)(yoe + era * 400) + (mm <= 2 ? 1 : 0);
    if (y != NULL)
        *y = yy;
    if (m != NULL)
        *m = mm;
    if (d != NULL)
        *d = dd;
}

int cal_date_year(int32_t day)
{
    int y;
    cal_ymd_from_days(day, &y, NULL, NULL);
    return y;
}

bool cal_date_in_range(int32_t day)
{
    return day >= CAL_DATE_MIN && day <= CAL_DATE_MAX;
}

int cal_date_from_ymd(int y, int m, int d, int32_t *out, struct sx_err *err)
{
    if (!cal_ymd_valid(y, m, d))
        return SX_FAIL(err, SX_E_INVALID, "invalid-date", "日期不存在", src_iso, "",
                       "%04d-%02d-%02d 不是有效的日期", y, m, d);
    *out = cal_days_from_ymd(y, m, d);
    return 0;
}

/* Value of the n decimal digits at s, or -1 if any is not a digit. */
static int digits_value(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int cal_date_parse_n(const char *s, size_t n, int32_t *out, struct sx_err *err)
{
    int y, m, d;
    int shown = echo_len(s, n);

    if (n != 10 || s[4] != '-' || s[7] != '-')
        goto bad_format;
    y = digits_value(s, 4);
    m = digits_value(s + 5, 2);
    d = digits_value(s + 8, 2);
    if (y < 0 || m < 0 || d < 0)
        goto bad_format;
    if (!cal_ymd_valid(y, m, d)) {
        if (m < 1 || m > 12)
            return SX_FAIL(err, SX_E_INVALID, "invalid-date", "日期不存在", src_iso, "",
                           "“%.*s”中的月份 %02d 不在 01–12 之间", shown, s, m);
        if (y < 1)
            return SX_FAIL(err, SX_E_INVALID, "invalid-date", "日期不存在", src_iso, "",
                           "“%.*s”中的年份不能为 0000", shown, s);
        return SX_FAIL(err, SX_E_INVALID, "invalid-date", "日期不存在", src_iso, "",
                       "%04d 年 %d 月只有 %d 天，“%.*s”不是有效的日期", y, m,
                       cal_days_in_month(y, m), shown, s);
    }
    *out = cal_days_from_ymd(y, m, d);
    return 0;

bad_format:
    if (shown < 0)
        return SX_FAIL(err, SX_E_INVALID, "invalid-date-format", "日期格式错误", src_iso, "",
                       "输入含控制字符或无效字符，不是 YYYY-MM-DD 格式的日期（例如 2026-03-01）");
    return SX_FAIL(err, SX_E_INVALID, "invalid-date-format", "日期格式错误", src_iso, "",
                   "“%.*s”不是 YYYY-MM-DD 格式的日期（例如 2026-03-01）", shown, s);
}

int cal_date_parse(const char *s, int32_t *out, struct sx_err *err)
{
    /* strnlen: stop early so a long string is not scanned to its end. */
    size_t n = s == NULL ? 0 : strnlen(s, 64);
    return cal_date_parse_n(s == NULL ? "" : s, n, out, err);
}

char *cal_date_format(int32_t day, char buf[CAL_DATE_BUFSZ])
{
    int y, m, d;
    if (day < CAL_DATE_MIN)
        day = CAL_DATE_MIN;
    if (day > CAL_DATE_MAX)
        day = CAL_DATE_MAX;
    cal_ymd_from_days(day, &y, &m, &d);
    /* Digits written by hand: all fields are in range, no snprintf truncation warnings. */
    buf[0] = (char)('0' + y / 1000);
    buf[1] = (char)('0' + y / 100 % 10);
    buf[2] = (char)('0' + y / 10 % 10);
    buf[3] = (char)('0' + y % 10);
    buf[4] = '-';
    buf[5] = (char)('0' + m / 10);
    buf[6] = (char)('0' + m % 10);
    buf[7] = '-';
    buf[8] = (char)('0' + d / 10);
    buf[9] = (char)('0' + d % 10);
    buf[10] = '\0';
    return buf;
}

static int out_of_range(struct sx_err *err)
{
    return SX_FAIL(err, SX_E_INVALID, "date-out-of-range", "日期超出范围", src_iso, "",
                   "日期须在 0001-01-01 至 9999-12-31 之间");
}

int cal_date_add_days(int32_t day, int64_t n, int32_t *out, struct sx_err *err)
{
    int64_t r;
    if (!cal_date_in_range(day))
        return out_of_range(err);
    /* |n| beyond the whole range can only fail; checking first avoids overflow. */
    if (n > (int64_t)CAL_DATE_MAX - CAL_DATE_MIN || n < (int64_t)CAL_DATE_MIN - CAL_DATE_MAX)
        return out_of_range(err);
    r = (int64_t)day + n;
    if (r < CAL_DATE_MIN || r > CAL_DATE_MAX)
        return out_of_range(err);
    *out = (int32_t)r;
    return 0;
}

int cal_weekday(int32_t day)
{
    /* 1970-01-01 (day 0) was a Thursday, ISO weekday 4. */
    int r = (int)(day % 7);
    if (r < 0)
        r += 7;
    return (r + 3) % 7 + 1;
}

/* ---- calendar ------------------------------------------------------- */

struct cal_calendar *cal_calendar_new(void)
{
    return calloc(1, sizeof(struct cal_calendar));
}

void cal_calendar_free(struct cal_calendar *cal)
{
    if (cal == NULL)
        return;
    free(cal->entries);
    free(cal->years);
    free(cal);
}

/* Index of day in cal's entries, or -1. */
static long find_entry(const struct cal_calendar *cal, int32_t day)
{
    size_t lo = 0, hi = cal->n_entries;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cal->entries[mid].day < day)
            lo = mid + 1;
        else if (cal->entries[mid].day > day)
            hi = mid;
        else
            return (long)mid;
    }
    return -1;
}

bool cal_year_loaded(const struct cal_calendar *cal, int y)
{
    size_t lo = 0, hi = cal->n_years;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cal->years[mid] < y)
            lo = mid + 1;
        else if (cal->years[mid] > y)
            hi = mid;
        else
            return true;
    }
    return false;
}

int cal_year_min(const struct cal_calendar *cal)
{
    return cal->n_years == 0 ? 0 : cal->years[0];
}

int cal_year_max(const struct cal_calendar *cal)
{
    return cal->n_years == 0 ? 0 : cal->years[cal->n_years - 1];
}

size_t cal_year_count(const struct cal_calendar *cal)
{
    return cal->n_years;
}

bool cal_lookup(const struct cal_calendar *cal, int32_t day, bool *off_day, const char **name)
{
    long i = find_entry(cal, day);
    if (i < 0)
        return false;
    if (off_day != NULL)
        *off_day = cal->entries[i].off_day;
    if (name != NULL)
        *name = cal->entries[i].name;
    return true;
}

bool cal_is_workday(const struct cal_calendar *cal, int32_t day)
{
    long i = find_entry(cal, day);
    if (i >= 0)
        return !cal->entries[i].off_day;
    return cal_weekday(day) <= 5;
}

/* ---- CSV loading ---------------------------------------------------- */

/* Why a name is refused, or NULL if it is acceptable. */
static const char *name_problem(const char *s, size_t n)
{
    size_t i = 0;
    if (n == 0)
        return "节日名称为空";
    if (n > CAL_NAME_MAX)
        return "节日名称过长";
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        size_t k;
        if (c < 0x20 || c == 0x7F)
            return "节日名称含控制字符";
        if (c == '"')
            return "节日名称含引号（本格式不使用 CSV 引号）";
        k = utf8_seq_len((const unsigned char *)s + i, n - i);
        if (k == 0)
            return "节日名称不是有效的 UTF-8 文本";
        i += k;
    }
    return NULL;
}

/* The last path component of a file name. */
static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash == NULL ? path : slash + 1;
}

/* Insert y into the sorted years array (the caller checked it is absent). */
static int add_year(struct cal_calendar *cal, int y)
{
    int *p = realloc(cal->years, (cal->n_years + 1) * sizeof(*p));
    size_t i;
    if (p == NULL)
        return SX_E_NOMEM;
    cal->years = p;
    i = cal->n_years;
    while (i > 0 && cal->years[i - 1] > y) {
        cal->years[i] = cal->years[i - 1];
        i--;
    }
    cal->years[i] = y;
    cal->n_years++;
    return 0;
}

/*
 * Merge the sorted rows into the calendar. Dates were checked to be new.
 * The entries array is replaced only when the year is recorded too, so a
 * failed allocation leaves the calendar as it was.
 */
static int merge_rows(struct cal_calendar *cal, const struct cal_entry *rows, size_t n_rows,
                      int year, struct sx_err *err)
{
    size_t total = cal->n_entries + n_rows;
    struct cal_entry *merged = malloc(total * sizeof(*merged));
    size_t i = 0, j = 0, k = 0;
    if (merged == NULL)
        return SX_FAIL(err, SX_E_NOMEM, "out-of-memory", "内存不足", "", "",
                       "加载节假日安排时内存不足");
    while (i < cal->n_entries || j < n_rows) {
        if (j == n_rows || (i < cal->n_entries && cal->entries[i].day < rows[j].day))
            merged[k++] = cal->entries[i++];
        else
            merged[k++] = rows[j++];
    }
    if (add_year(cal, year) != 0) {
        free(merged);
        return SX_FAIL(err, SX_E_NOMEM, "out-of-memory", "内存不足", "", "",
                       "加载节假日安排时内存不足");
    }
    free(cal->entries);
    cal->entries = merged;
    cal->n_entries = total;
    return 0;
}

/* A CSV error at a given line. */
#define CSV_FAIL(field, ...)                                                                       \
    SX_FAIL(err, SX_E_INVALID, "calendar-file-invalid", "节假日安排文件格式错误", src_csv,         \
            (field), __VA_ARGS__)

int cal_load_csv(struct cal_calendar *cal, const char *text, size_t len, const char *filename,
                 struct sx_err *err)
{
    static const char header[] = "date,off_day,name";
    const char *fname = base_name(filename == NULL ? "" : filename);
    const char *p = text, *end = text + len;
    struct cal_entry *rows = NULL;
    size_t n_rows = 0, cap_rows = 0, line_no = 0;
    int32_t first_allowed, last_allowed, prev = 0;
    int year, rc = 0;

    /* The file name says which year this file covers. */
    if (strlen(fname) != 8 || strcmp(fname + 4, ".csv") != 0 || digits_value(fname, 4) < 1) {
        return SX_FAIL(err, SX_E_INVALID, "calendar-file-name", "节假日安排文件名错误", src_csv,
                       "file", "文件名“%s”应为 年份.csv（例如 2026.csv）", sx_clip((char[65]){0}, 65, fname));
    }
    year = digits_value(fname, 4);
    if (cal_year_loaded(cal, year)) {
        return SX_FAIL(err, SX_E_CONFLICT, "calendar-year-duplicate", "该年份的节假日安排已导入",
                       src_csv, "file", "%s：%d 年的节假日安排已经导入过", fname, year);
    }
    if (len > CAL_CSV_MAX) {
        return SX_FAIL(err, SX_E_TOOBIG, "calendar-file-too-big", "节假日安排文件过大", src_csv,
                       "file", "%s 超过 %d 字节", fname, CAL_CSV_MAX);
    }
    /* The notice for year N may start with the New Year holiday of December N-1. */
    first_allowed = year > 1 ? cal_days_from_ymd(year - 1, 12, 1) : cal_days_from_ymd(1, 1, 1);
    last_allowed = cal_days_from_ymd(year, 12, 31);

    /* A BOM (Windows editors) is skipped. */
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl == NULL ? end : nl;
        const char *c1, *c2, *name;
        size_t n_line, name_len;
        const char *why;
        int32_t day;
        bool off_day;
        struct sx_err date_err;

        line_no++;
        n_line = (size_t)(le - p);
        if (n_line > 0 && p[n_line - 1] == '\r') /* CRLF */
            n_line--;

        if (line_no == 1) {
            if (n_line != sizeof(header) - 1 || memcmp(p, header, n_line) != 0) {
                rc = CSV_FAIL("header", "%s 第1行：表头应为“%s”", fname, header);
                goto cleanup;
            }
            goto next;
        }
        if (n_line == 0) {
            rc = CSV_FAIL("", "%s 第%zu行：不允许空行", fname, line_no);
            goto cleanup;
        }

        c1 = memchr(p, ',', n_line);
        c2 = c1 == NULL ? NULL : memchr(c1 + 1, ',', n_line - (size_t)(c1 + 1 - p));
        if (c2 == NULL) {
            rc = CSV_FAIL("", "%s 第%zu行：应有 3 个字段（date,off_day,name）", fname, line_no);
            goto cleanup;
        }
        name = c2 + 1;
        name_len = n_line - (size_t)(name - p);
        if (memchr(name, ',', name_len) != NULL) {
            rc = CSV_FAIL("name", "%s 第%zu行：字段多于 3 个（节日名称中不能有逗号）", fname,
                          line_no);
            goto cleanup;
        }

        sx_err_clear(&date_err);
        if (cal_date_parse_n(p, (size_t)(c1 - p), &day, &date_err) != 0) {
            rc = CSV_FAIL("date", "%s 第%zu行：%s", fname, line_no, date_err.detail);
            goto cleanup;
        }
        if (day < first_allowed || day > last_allowed) {
            char b[CAL_DATE_BUFSZ];
            rc = CSV_FAIL("date",
                          "%s 第%zu行：日期 %s 不属于 %d 年的安排（只允许 %d 年及 %d 年 12 月）",
                          fname, line_no, cal_date_format(day, b), year, year, year - 1);
            goto cleanup;
        }
        if (n_rows > 0 && day <= prev) {
            char b[CAL_DATE_BUFSZ];
            rc = CSV_FAIL("date", "%s 第%zu行：日期 %s %s", fname, line_no, cal_date_format(day, b),
                          day == prev ? "与上一行重复" : "早于上一行，日期须按升序排列");
            goto cleanup;
        }
        if (find_entry(cal, day) >= 0) {
            char b[CAL_DATE_BUFSZ];
            rc =
                SX_FAIL(err, SX_E_CONFLICT, "calendar-date-duplicate", "日期已在其他年份文件中出现",
                        src_csv, "date", "%s 第%zu行：日期 %s 已由另一个文件导入", fname, line_no,
                        cal_date_format(day, b));
            goto cleanup;
        }

        if (c2 - c1 != 2 || (c1[1] != '0' && c1[1] != '1')) {
            rc = CSV_FAIL("off_day", "%s 第%zu行：off_day 只能是 0（调休上班）或 1（放假）", fname,
                          line_no);
            goto cleanup;
        }
        off_day = c1[1] == '1';

        why = name_problem(name, name_len);
        if (why != NULL) {
            rc = CSV_FAIL("name", "%s 第%zu行：%s", fname, line_no, why);
            goto cleanup;
        }

        if (n_rows == cap_rows) {
            size_t nc = cap_rows == 0 ? 64 : cap_rows * 2;
            struct cal_entry *nr = realloc(rows, nc * sizeof(*nr));
            if (nr == NULL) {
                rc = SX_FAIL(err, SX_E_NOMEM, "out-of-memory", "内存不足", "", "",
                             "加载节假日安排时内存不足");
                goto cleanup;
            }
            rows = nr;
            cap_rows = nc;
        }
        rows[n_rows].day = day;
        rows[n_rows].off_day = off_day;
        memcpy(rows[n_rows].name, name, name_len);
        rows[n_rows].name[name_len] = '\0';
        n_rows++;
        prev = day;

    next:
        if (nl == NULL)
            break;
        p = nl + 1;
    }

    if (line_no == 0) {
        rc = CSV_FAIL("header", "%s 为空文件（缺少表头“%s”）", fname, header);
        goto cleanup;
    }
    if (n_rows == 0) {
        /* An empty year would silently count as a year without holidays. */
        rc = CSV_FAIL("", "%s 没有任何日期行；尚未公布安排的年份不要建立文件", fname);
        goto cleanup;
    }
    rc = merge_rows(cal, rows, n_rows, year, err);

cleanup:
    free(rows);
    return rc;
}

#undef CSV_FAIL

/* ---- working-day arithmetic ----------------------------------------- */

static int year_not_loaded(const struct cal_calendar *cal, int y, struct sx_err *err)
{
    if (cal->n_years == 0)
        return SX_FAIL(err, SX_E_INVALID, "calendar-year-not-loaded", "超出已导入节假日安排的年份",
                       CAL_SOURCE_NOTICE, "",
                       "尚未导入任何年份的节假日安排，无法确定 %d 年的工作日", y);
    if ((size_t)(cal_year_max(cal) - cal_year_min(cal) + 1) == cal->n_years)
        return SX_FAIL(err, SX_E_INVALID, "calendar-year-not-loaded", "超出已导入节假日安排的年份",
                       CAL_SOURCE_NOTICE, "",
                       "%d 年的节假日安排尚未导入（已导入 %d–%d 年），无法确定该年的工作日", y,
                       cal_year_min(cal), cal_year_max(cal));
    return SX_FAIL(
        err, SX_E_INVALID, "calendar-year-not-loaded", "超出已导入节假日安排的年份",
        CAL_SOURCE_NOTICE, "",
        "%d 年的节假日安排尚未导入（已导入 %d–%d 年间的 %zu 个年份），无法确定该年的工作日", y,
        cal_year_min(cal), cal_year_max(cal), cal->n_years);
}

/*
 * State of a day-by-day walk: the year of the current day and whether it is
 * loaded, refreshed only when the walk crosses into another year.
 */
struct walk {
    int year;
    int32_t year_first, year_last; /* day numbers of Jan 1 / Dec 31 of year */
    bool loaded;
};

static void walk_enter(const struct cal_calendar *cal, struct walk *w, int32_t day)
{
    w->year = cal_date_year(day);
    w->year_first = cal_days_from_ymd(w->year, 1, 1);
    w->year_last = cal_days_from_ymd(w->year, 12, 31);
    w->loaded = cal_year_loaded(cal, w->year);
}

/* Check the year rule for one visited day. */
static int walk_visit(const struct cal_calendar *cal, struct walk *w, int32_t day,
                      bool allow_provisional, bool *provisional, struct sx_err *err)
{
    if (day < w->year_first || day > w->year_last)
        walk_enter(cal, w, day);
    if (w->loaded)
        return 0;
    if (!allow_provisional)
        return year_not_loaded(cal, w->year, err);
    *provisional = true;
    return 0;
}

int cal_add_workdays(const struct cal_calendar *cal, int32_t from, int n, bool allow_provisional,
                     int32_t *out, bool *provisional, struct sx_err *err)
{
    struct walk w;
    int32_t d = from;
    int k = 0;
    int rc;

    *provisional = false;
    if (n < 0 || n > CAL_WORKDAYS_MAX)
        return SX_FAIL(err, SX_E_INVALID, "invalid-workday-count", "工作日天数无效", "", "n",
                       "工作日天数须为 0 至 %d 之间的整数，实际为 %d", CAL_WORKDAYS_MAX, n);
    if (!cal_date_in_range(from))
        return out_of_range(err);
    walk_enter(cal, &w, from);
    while (k < n) {
        if (d == CAL_DATE_MAX)
            return out_of_range(err);
        d++;
        rc = walk_visit(cal, &w, d, allow_provisional, provisional, err);
        if (rc != 0)
            return rc;
        if (cal_is_workday(cal, d))
            k++;
    }
    *out = d;
    return 0;
}

int cal_workdays_between(const struct cal_calendar *cal, int32_t d1, int32_t d2,
                         bool allow_provisional, int *out, bool *provisional, struct sx_err *err)
{
    struct walk w;
    int32_t lo = d1 < d2 ? d1 : d2;
    int32_t hi = d1 < d2 ? d2 : d1;
    int count = 0;
    int rc;

    *provisional = false;
    if (!cal_date_in_range(d1) || !cal_date_in_range(d2))
        return out_of_range(err);
    walk_enter(cal, &w, lo);
    for (int32_t d = lo + 1; d <= hi; d++) {
        rc = walk_visit(cal, &w, d, allow_provisional, provisional, err);
        if (rc != 0)
            return rc;
        if (cal_is_workday(cal, d))
            count++;
    }
    *out = d1 <= d2 ? count : -count;
    return 0;
}
