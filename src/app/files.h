/*
 * files: the app's file reading — whole small files (rule data, policies,
 * calendar years) into a capped sx_buf, and a calendar directory into a
 * struct cal_calendar.
 *
 * Ownership: the caller owns the buffer and the calendar.
 */
#ifndef APP_FILES_H
#define APP_FILES_H

#include "sx_buf.h"
#include "sx_err.h"

struct cal_calendar;

/* Append the whole file at path to out (respecting out->max). SX_E_IO, SX_E_TOOBIG. */
int app_file_read(const char *path, struct sx_buf *out, struct sx_err *err) SX_WUR;

/* Load every YYYY.csv in dir, in year order, into cal. SX_E_IO or the CSV's error. */
int app_calendar_load_dir(struct cal_calendar *cal, const char *dir, struct sx_err *err) SX_WUR;

struct pol_policy;
struct pol_loader;

/* A pol_loader that reads a preset's "extends" parents from dir (dir/NAME.json). */
void app_policy_loader(struct pol_loader *loader, const char *dir);

/*
 * Load preset name from dir (dir/NAME.json), resolving its "extends" chain from
 * the same directory. The caller frees *out with pol_free. SX_E_NOTFOUND
 * "unknown-policy" when there is no such preset; the policy's own errors.
 */
int app_policy_load_dir(const char *dir, const char *name, struct pol_policy **out,
                        struct sx_err *err) SX_WUR;

#endif
