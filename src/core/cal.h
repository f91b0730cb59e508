/*
 * cal: dates and the working-day calendar of mainland China.
 *
 * Deadlines in the seeds and in the Administrative Penalty Law (art. 85) are
 * counted in working days (WD): weekends and statutory holidays are skipped,
 * make-up working days (调休上班, usually a Saturday or Sunday) count. The
 * State Council publishes each year's schedule in November or December of the
 * year before, so the calendar is data: one CSV per year (data/calendar/,
 * format in its README.md), parsed here from text the caller has read.
 *
 * Dates are int32_t day numbers: days since 1970-01-01 (negative before),
 * limited to years 1..9999 so that every date formats as YYYY-MM-DD.
 *
 * A year is "loaded" when its file YYYY.csv has been loaded. A file for year N
 * may also list days of December N-1 (the New Year holiday); they are keyed by
 * date and apply, but they do not make N-1 loaded. Counting through a year
 * that is not loaded is an error unless the caller allows a provisional
 * result, in which case such a year has only its listed days (if any) and
 * otherwise Monday-Friday as working days, and the result is flagged.
 *
 * Pure: no I/O, no clock, no globals ("today" is the caller's business).
 *
 * Ownership: cal_calendar_new returns a calendar the caller frees with
 * cal_calendar_free; it owns copies of everything loaded into it (CSV text
 * and file names are borrowed only during the call). Holiday names returned
 * by cal_lookup point into the calendar and live until it is freed. A
 * calendar is not modified by queries, so it may be shared read-only
 * between threads once loading is finished.
 */
#ifndef CORE_CAL_H
#define CORE_CAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sx_err.h"

/* Day numbers of 0001-01-01 and 9999-12-31, the range of valid dates. */
#define CAL_DATE_MIN (-719162)
#define CAL_DATE_MAX 2932896

/* Bytes needed by cal_date_format: "YYYY-MM-DD" and NUL. */
#define CAL_DATE_BUFSZ 11

/* Longest holiday name accepted in a calendar file, in bytes (UTF-8). */
#define CAL_NAME_MAX 63

/* Largest CSV text cal_load_csv accepts (a year file is under 1 KiB). */
#define CAL_CSV_MAX (1024 * 1024)

/* Largest |n| for cal_add_workdays (about 400 years of working days). */
#define CAL_WORKDAYS_MAX 100000

/* Source cited in calendar errors about missing or malformed year data. */
#define CAL_SOURCE_NOTICE "国务院办公厅关于部分节假日安排的通知"

struct cal_calendar;

/* ---- dates ---------------------------------------------------------- */

/* True if y is a Gregorian leap year. */
bool cal_is_leap(int y);

/* Number of days in month m (1-12) of year y; 0 if m is out of range. */
int cal_days_in_month(int y, int m);

/* True if y-m-d is a real date with 1 <= y <= 9999. */
bool cal_ymd_valid(int y, int m, int d);

/*
 * Day number of y-m-d. The date must satisfy cal_ymd_valid; otherwise the
 * result is meaningless (checked callers use cal_date_from_ymd).
 */
int32_t cal_days_from_ymd(int y, int m, int d);

/*
 * Checked form of cal_days_from_ymd: 0 and *out set, or SX_E_INVALID
 * ("invalid-date") if y-m-d does not exist or is outside years 1..9999.
 */
int cal_date_from_ymd(int y, int m, int d, int32_t *out, struct sx_err *err) SX_WUR;

/* Year, month and day of a day number in [CAL_DATE_MIN, CAL_DATE_MAX]. Any out pointer may be NULL.
 */
void cal_ymd_from_days(int32_t day, int *y, int *m, int *d);

/* Year of a day number. */
int cal_date_year(int32_t day);

/* True if day is within [CAL_DATE_MIN, CAL_DATE_MAX]. */
bool cal_date_in_range(int32_t day);

/*
 * Parse a NUL-terminated date written exactly as YYYY-MM-DD (ISO 8601
 * calendar date, 4-digit year, zero-padded, nothing before or after).
 * Returns 0 and sets *out, or SX_E_INVALID: "invalid-date-format" when the
 * text is not in that shape, "invalid-date" when it names a day that does
 * not exist (2026-02-30, 2025-02-29). Never reads past the NUL.
 */
int cal_date_parse(const char *s, int32_t *out, struct sx_err *err) SX_WUR;

/* Same as cal_date_parse for the n bytes at s (no NUL needed). */
int cal_date_parse_n(const char *s, size_t n, int32_t *out, struct sx_err *err) SX_WUR;

/*
 * Write day as "YYYY-MM-DD" into buf (CAL_DATE_BUFSZ bytes) and return buf.
 * A day outside the valid range is clamped to it (never overflows buf).
 */
char *cal_date_format(int32_t day, char buf[CAL_DATE_BUFSZ]);

/*
 * *out = day + n calendar days. Returns 0, or SX_E_INVALID ("date-out-of-range")
 * if the result (or day itself) is outside years 1..9999.
 */
int cal_date_add_days(int32_t day, int64_t n, int32_t *out, struct sx_err *err) SX_WUR;

/* ISO weekday of day: 1 = Monday ... 7 = Sunday. */
int cal_weekday(int32_t day);

/* ---- calendar ------------------------------------------------------- */

/* An empty calendar (no year loaded), or NULL when out of memory. Free with cal_calendar_free. */
struct cal_calendar *cal_calendar_new(void);

/* Release a calendar and everything it owns. NULL is fine. */
void cal_calendar_free(struct cal_calendar *cal);

/*
 * Load one year file. filename is the file's name or path; its last
 * component must be YYYY.csv, which names the year the file covers. text is
 * the file's content (len bytes, no NUL needed).
 *
 * Format (data/calendar/README.md): UTF-8, header line exactly
 * "date,off_day,name", then one row per listed day "YYYY-MM-DD,0|1,name".
 * Accepted leniently: one leading UTF-8 BOM, CRLF line endings, a missing
 * final newline (files edited on Windows). Rejected: blank lines, any other
 * header, a non-existent date, off_day other than 0/1, an empty name or one
 * containing a quote, control character or invalid UTF-8 or longer than
 * CAL_NAME_MAX bytes, a fourth field (a comma in the name), dates not strictly
 * ascending (this also catches duplicates), a date outside the file's year
 * other than in December of the year before, a file with no rows (an empty
 * year would pass as a year without holidays).
 *
 * The whole file is checked before anything is added: on any error the
 * calendar is unchanged. Errors: SX_E_INVALID for the above (the detail names
 * the file and the line number, "第N行"), SX_E_CONFLICT when the year is already
 * loaded ("calendar-year-duplicate") or a date was already loaded from another
 * file ("calendar-date-duplicate", with the line), SX_E_TOOBIG above
 * CAL_CSV_MAX bytes, SX_E_NOMEM.
 */
int cal_load_csv(struct cal_calendar *cal, const char *text, size_t len, const char *filename,
                 struct sx_err *err) SX_WUR;

/* True if year y has been loaded from its YYYY.csv. */
bool cal_year_loaded(const struct cal_calendar *cal, int y);

/* Oldest / newest loaded year; 0 when no year is loaded. Years in between may be missing. */
int cal_year_min(const struct cal_calendar *cal);
int cal_year_max(const struct cal_calendar *cal);

/* Number of loaded years. */
size_t cal_year_count(const struct cal_calendar *cal);

/*
 * Is day listed in the calendar? If so returns true and sets *off_day (true =
 * holiday/day off, false = make-up working day) and *name (points into cal).
 * Either out pointer may be NULL. Not listed: false, outputs untouched.
 */
bool cal_lookup(const struct cal_calendar *cal, int32_t day, bool *off_day, const char **name);

/*
 * Is day a working day? Listed: working = !off_day. Not listed: Monday to
 * Friday. This does not check that day's year is loaded (use
 * cal_year_loaded); cal_add_workdays and cal_workdays_between do.
 */
bool cal_is_workday(const struct cal_calendar *cal, int32_t day);

/*
 * The date of the n-th working day after from (from itself is not counted,
 * even when it is a working day): n = 1 gives the next working day. n = 0
 * gives from. The walk looks at each day after from up to the result; if one
 * of them is in a year that is not loaded, this fails with SX_E_INVALID
 * "calendar-year-not-loaded" (超出已导入节假日安排的年份), unless
 * allow_provisional, in which case the walk goes on (listed days, else
 * Monday-Friday) and *provisional is set true. *provisional is always
 * written (false when every day was in a loaded year).
 *
 * Errors: SX_E_INVALID "invalid-workday-count" when n < 0 or
 * n > CAL_WORKDAYS_MAX, "date-out-of-range" when from is invalid or the
 * result would pass 9999-12-31, "calendar-year-not-loaded".
 */
int cal_add_workdays(const struct cal_calendar *cal, int32_t from, int n, bool allow_provisional,
                     int32_t *out, bool *provisional, struct sx_err *err) SX_WUR;

/*
 * Number of working days in (d1, d2] when d1 <= d2, so that
 * cal_workdays_between(d, cal_add_workdays(d, n)) == n; when d2 < d1 it is
 * minus the number of working days in (d2, d1]. The same year rule and
 * provisional flag as cal_add_workdays apply to the days counted.
 * Errors: SX_E_INVALID "date-out-of-range", "calendar-year-not-loaded".
 */
int cal_workdays_between(const struct cal_calendar *cal, int32_t d1, int32_t d2,
                         bool allow_provisional, int *out, bool *provisional,
                         struct sx_err *err) SX_WUR;

#endif
