/*
 * calendar: the working-day calendar kept in the database. `init` imports
 * the bundled years (data/calendar/); operators add a newly announced year
 * with `sanxiang calendar import FILE`. Each year's file is validated by
 * core/cal against everything already loaded before a row is written.
 */
#ifndef APP_CALENDAR_H
#define APP_CALENDAR_H

#include "app.h"

/*
 * Validate text (a YYYY.csv year file; filename gives the year) against the
 * calendar in the database, then replace that year's rows. *days_out gets the
 * number of listed days. SX_E_INVALID with the line for a bad file.
 */
int app_calendar_import(struct app_ctx *ctx, const char *filename, const char *text, size_t len,
                        const char *source, size_t *days_out, struct sx_err *err) SX_WUR;

/* Import every bundled year of root/data/calendar that the database lacks. */
int app_calendar_import_bundled(struct app_ctx *ctx, const char *root, int *years_out,
                                struct sx_err *err) SX_WUR;

/*
 * Build a calendar from the database's rows (caller frees with
 * cal_calendar_free). SX_E_NOTFOUND "calendar-empty" when no year is loaded.
 */
int app_calendar_from_db(struct app_ctx *ctx, struct cal_calendar **out, struct sx_err *err) SX_WUR;

#endif
