/*
 * h_annual: the annual statistics report over HTTP (issue 4 point 7, HB-1-15). Staff routes
 * under /api/v1/reports/annual (login; role and org checked in app/annual.c); portal routes
 * under /api/v1/portal/reports need no login and reach published versions only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "app/annual.h"

#define OUT_MAX ((size_t)32 << 20)
#define ANNUAL_SOURCE_HTTP "湖北 附件1 第十五条 (HB-1-15)"

static int send(struct http_req *r, int status, json_t *out, struct sx_err *err)
{
    if (out == NULL)
        return api_done(r, SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", NULL, NULL, "annual"),
                        err);
    return http_send_json(r, status, out, err);
}

/* ---- staff ---- */

int api_annual_get(struct http_req *r, struct sx_err *err)
{
    json_t *out = NULL;
    int64_t org = 0, year = 0;
    int rc = http_query_int(r, "org", 1, INT64_MAX, 0, &org, err);
    if (rc == 0)
        rc = http_query_int(r, "year", 2000, 2999, 0, &year, err);
    if (rc == 0 && (org == 0 || year == 0))
        rc = SX_FAIL(err, SX_E_INVALID, "missing-parameter", "缺少参数", ANNUAL_SOURCE_HTTP,
                     org == 0 ? "org" : "year", "须指定机关 org 和年度 year");
    if (rc == 0)
        rc = app_annual_staff_get(api_ctx(r), api_principal(r), org, (int)year, &out, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return send(r, 200, out, err);
}

static const struct http_field file_fields[] = {
    {"org", HTTP_F_INT, 1, 0},
    {"year", HTTP_F_INT, 1, 0},
    {NULL, 0, 0, 0},
};

int api_annual_file(struct http_req *r, struct sx_err *err)
{
    struct app_ctx *ctx = api_ctx(r);
    json_t *in = NULL, *out = NULL; /* in is the request's (released after the handler) */
    int64_t id = 0, year = 0;
    int rc = http_body_json(r, file_fields, &in, err);
    if (rc == 0) {
        year = api_get_int(in, "year");
        rc = year < 2000 || year > 2999
                 ? SX_FAIL(err, SX_E_INVALID, "annual-year", "统计年度不正确", ANNUAL_SOURCE_HTTP,
                           "year", "年度应在 2000–2999 之间")
                 : 0;
    }
    if (rc == 0)
        rc = app_annual_file(ctx, api_principal(r), api_get_int(in, "org"), (int)year, &id, err);
    if (rc == 0)
        rc = app_annual_version_get(ctx, api_principal(r), id, &out, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return send(r, 201, out, err);
}

int api_annual_version(struct http_req *r, struct sx_err *err)
{
    json_t *out = NULL;
    int64_t id = 0;
    int rc = http_param_id(r, "id", &id, err);
    if (rc == 0)
        rc = app_annual_version_get(api_ctx(r), api_principal(r), id, &out, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return send(r, 200, out, err);
}

static int event(struct http_req *r, int publish, struct sx_err *err)
{
    struct app_ctx *ctx = api_ctx(r);
    json_t *out = NULL;
    int64_t id = 0;
    int rc = http_param_id(r, "id", &id, err);
    if (rc == 0)
        rc = publish ? app_annual_publish(ctx, api_principal(r), id, err)
                     : app_annual_approve(ctx, api_principal(r), id, err);
    if (rc == 0)
        rc = app_annual_version_get(ctx, api_principal(r), id, &out, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return send(r, 200, out, err);
}

int api_annual_approve(struct http_req *r, struct sx_err *err)
{
    return event(r, 0, err);
}

int api_annual_publish(struct http_req *r, struct sx_err *err)
{
    return event(r, 1, err);
}

int api_annual_overview(struct http_req *r, struct sx_err *err)
{
    json_t *out = NULL;
    int64_t year = 0;
    int rc = http_query_int(r, "year", 2000, 2999, 0, &year, err);
    if (rc == 0)
        rc = app_annual_overview(api_ctx(r), api_principal(r), (int)year, &out, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return send(r, 200, out, err);
}

/* ---- portal ---- */

int api_portal_reports(struct http_req *r, struct sx_err *err)
{
    json_t *out = NULL;
    int rc = app_annual_portal_list(api_ctx(r), &out, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return send(r, 200, out, err);
}

/* "{year}", "{year}.csv" or "{year}.xlsx": the router matches whole segments only. */
static int parse_year(const char *s, int *year, enum app_annual_format *fmt, struct sx_err *err)
{
    char suffix[8] = "";
    int n = 0;
    if (s != NULL && sscanf(s, "%4d%n", year, &n) == 1 && n == 4 && *year >= 2000 &&
        *year <= 2999) {
        if (s[4] == '\0') {
            *fmt = APP_ANNUAL_JSON;
            return 0;
        }
        if (strlen(s + 4) < sizeof(suffix)) {
            snprintf(suffix, sizeof(suffix), "%s", s + 4);
            if (strcmp(suffix, ".csv") == 0) {
                *fmt = APP_ANNUAL_CSV;
                return 0;
            }
            if (strcmp(suffix, ".xlsx") == 0) {
                *fmt = APP_ANNUAL_XLSX;
                return 0;
            }
            if (strcmp(suffix, ".json") == 0) {
                *fmt = APP_ANNUAL_JSON;
                return 0;
            }
        }
    }
    return SX_FAIL(err, SX_E_INVALID, "bad-parameter", "参数不正确", ANNUAL_SOURCE_HTTP, "year",
                   "年度应为 YYYY、YYYY.csv 或 YYYY.xlsx");
}

int api_portal_report(struct http_req *r, struct sx_err *err)
{
    static const char *const types[] = {
        "application/json; charset=utf-8", "text/csv; charset=utf-8",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"};
    static const char *const exts[] = {"json", "csv", "xlsx"};
    enum app_annual_format fmt = APP_ANNUAL_JSON;
    struct sx_buf b;
    int64_t org = 0;
    int year = 0;
    int rc = http_param_id(r, "org", &org, err);
    if (rc == 0)
        rc = parse_year(http_param(r, "year"), &year, &fmt, err);
    if (rc != 0)
        return api_done(r, rc, err);
    sx_buf_init(&b, OUT_MAX);
    rc = app_annual_portal_get(api_ctx(r), org, year, fmt, &b, err);
    if (rc == 0 && fmt != APP_ANNUAL_JSON) {
        char cd[96];
        snprintf(cd, sizeof(cd), "attachment; filename=\"annual-%lld-%d.%s\"", (long long)org, year,
                 exts[fmt]);
        if (http_add_header(r, "content-disposition", cd) != 0)
            rc = SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", NULL, NULL, "header");
    }
    if (rc == 0)
        rc = http_send_raw(r, 200, types[fmt], b.data, b.len, err);
    sx_buf_free(&b);
    return rc != 0 ? api_done(r, rc, err) : 0;
}
