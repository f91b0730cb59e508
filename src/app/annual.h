/*
 * annual: the annual statistics report (行政执法统计年报, issue 4 point 7; HB-1-15 items 1-6)
 * as use cases over the store: compute it for an org and year from the records and
 * projections (cases and their decision records, users and their 执法证, publicity items,
 * the published inspection plan and 双随机 draws), file it as an immutable version, have the
 * head approve it and a publisher publish it (HB-1-17), and show published versions on the
 * portal with their figures as JSON, CSV or XLSX (one Chinese-labelled sheet per item).
 *
 * Versions are append-only like prepub's: filing again after more data arrived is a new
 * version; approval and publication are event rows. The portal shows the newest published
 * version of each (org, year). The report is due by 31 January of the next year (HB-1-15,
 * YN-1-15): the staff view carries that status and flags "overdue".
 *
 * Access: staff views and filing take the actor (NULL = CLI operator, allowed everything):
 * reading needs the org itself or one above it, or the admin/supervisor role; filing needs
 * publisher or admin of the org; approving needs head of the org; publishing publisher or
 * admin of the org. Portal functions take no actor and return published versions only.
 *
 * Ownership: json_t results belong to the caller (json_decref); buffers are the caller's
 * (sx_buf_free); everything else lives in ctx->arena. Inputs are borrowed.
 */
#ifndef APP_ANNUAL_H
#define APP_ANNUAL_H

#include <jansson.h>

#include "app.h"
#include "sx_buf.h"

/* Output formats of a report. */
enum app_annual_format { APP_ANNUAL_JSON, APP_ANNUAL_CSV, APP_ANNUAL_XLSX };

/*
 * Compute the report of org_id for year (2000..2999) now, without storing anything: *out is
 * the core/annual.h report. SX_E_NOTFOUND (org), SX_E_INVALID (year), store errors.
 */
int app_annual_compute(struct app_ctx *ctx, int64_t org_id, int year, json_t **out,
                       struct sx_err *err) SX_WUR;

/*
 * Staff view: {"report": computed now (a draft), "versions": [filed versions, newest first],
 * "publication": {due, state, state_zh, overdue, source}}. SX_E_FORBIDDEN, SX_E_NOTFOUND,
 * SX_E_INVALID.
 */
int app_annual_staff_get(struct app_ctx *ctx, const struct app_principal *actor, int64_t org_id,
                         int year, json_t **out, struct sx_err *err) SX_WUR;

/*
 * File the computed report as a new version (publisher or admin of the org). Sets *report_id.
 * Refused (SX_E_INVALID "annual-year-open") for a year that has not ended yet (UTC+8): the
 * report covers a whole year.
 */
int app_annual_file(struct app_ctx *ctx, const struct app_principal *actor, int64_t org_id,
                    int year, int64_t *report_id, struct sx_err *err) SX_WUR;

/*
 * Approve (head of the org) or publish (publisher or admin; needs the approval first: SX_E_GATE
 * "annual-not-approved", HB-1-17). SX_E_CONFLICT when already approved/published, or
 * "annual-stale" when a newer version of the same org and year is already published.
 */
int app_annual_approve(struct app_ctx *ctx, const struct app_principal *actor, int64_t report_id,
                       struct sx_err *err) SX_WUR;
int app_annual_publish(struct app_ctx *ctx, const struct app_principal *actor, int64_t report_id,
                       struct sx_err *err) SX_WUR;

/* One filed version as JSON (staff: its org's staff as for app_annual_staff_get). */
int app_annual_version_get(struct app_ctx *ctx, const struct app_principal *actor,
                           int64_t report_id, json_t **out, struct sx_err *err) SX_WUR;

/*
 * Portal: {"items": [{org_id, org_name, year, version, published_on, counts, links}]}, the
 * newest published version per org and year, newest year first.
 */
int app_annual_portal_list(struct app_ctx *ctx, json_t **out, struct sx_err *err) SX_WUR;

/*
 * Portal: the newest published version of org_id's report for year, in format fmt, into out
 * (JSON text, CSV text with a UTF-8 BOM, or XLSX bytes). SX_E_NOTFOUND when none is
 * published (the same answer as for a missing org).
 */
int app_annual_portal_get(struct app_ctx *ctx, int64_t org_id, int year, enum app_annual_format fmt,
                          struct sx_buf *out, struct sx_err *err) SX_WUR;

/*
 * Render a report (core/annual.h JSON) as CSV (columns 表, 项目, 数值, ...; UTF-8 with BOM so
 * spreadsheet programs read Chinese) or as an XLSX workbook with one sheet per item, appended
 * to out. SX_E_IO (temporary file), SX_E_NOMEM, SX_E_TOOBIG.
 */
int app_annual_render(const json_t *report, enum app_annual_format fmt, struct sx_buf *out,
                      struct sx_err *err) SX_WUR;

/*
 * Where the reports of year (0: last year) stand against their 31 January deadline, for every
 * org the actor oversees (admin and supervisor: all orgs; others: their org and the orgs below
 * it): *out {"year", "due", "overdue": count, "items": [{org_id, code, name, state, state_zh,
 * published_on, versions}]} (HB-1-15, YN-1-15). SX_E_INVALID for a bad year.
 */
int app_annual_overview(struct app_ctx *ctx, const struct app_principal *actor, int year,
                        json_t **out, struct sx_err *err) SX_WUR;

/*
 * Demo data (called by app/demo.c for each demo org after its cases and publicity): last
 * year's report filed by publisher, approved by head and published by publisher, so the
 * portal's 年度报告 page has something to show.
 */
int app_annual_demo_org(struct app_ctx *ctx, int64_t org_id, const struct app_principal *head,
                        const struct app_principal *publisher, struct sx_err *err) SX_WUR;

#endif
