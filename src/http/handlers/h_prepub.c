/*
 * h_prepub: pre-publicity (事前公开) and 双随机 draws over HTTP (issue 4, points 1-2).
 * Staff routes under /api/v1/prepub/... (login, role and org checked in app/prepub.c);
 * portal routes under /api/v1/portal/prepub/... and /api/v1/portal/draws/... need no login
 * and reach published data only.
 */
#include <string.h>

#include "api.h"
#include "app/prepub.h"

static int send(struct http_req *r, int status, json_t *out, struct sx_err *err)
{
    if (out == NULL)
        return api_done(r, SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", NULL, NULL, "prepub"),
                        err);
    return http_send_json(r, status, out, err);
}

/* ---- staff ---- */

static const struct http_field draft_fields[] = {
    {"sections", HTTP_F_OBJECT, 1, 32},
    {NULL, HTTP_F_ANY, 0, 0},
};

int api_prepub_draft(struct http_req *r, struct sx_err *err)
{
    struct app_ctx *ctx = api_ctx(r);
    json_t *in = NULL, *out = NULL;
    int64_t org_id = 0, vid = 0, ver = 0;
    int rc = http_param_id(r, "id", &org_id, err);
    if (rc == 0)
        rc = http_body_json(r, draft_fields, &in, err);
    if (rc == 0)
        rc = app_prepub_draft(ctx, api_principal(r), org_id, json_object_get(in, "sections"), &vid,
                              &ver, err);
    if (rc == 0)
        rc = app_prepub_staff_get(ctx, api_principal(r), vid, &out, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return send(r, 201, out, err);
}

int api_prepub_versions(struct http_req *r, struct sx_err *err)
{
    json_t *out = NULL;
    int64_t org_id = 0;
    int rc = http_param_id(r, "id", &org_id, err);
    if (rc == 0)
        rc = app_prepub_staff_list(api_ctx(r), api_principal(r), org_id, &out, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return send(r, 200, out, err);
}

int api_prepub_version_get(struct http_req *r, struct sx_err *err)
{
    json_t *out = NULL;
    int64_t id = 0;
    int rc = http_param_id(r, "id", &id, err);
    if (rc == 0)
        rc = app_prepub_staff_get(api_ctx(r), api_principal(r), id, &out, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return send(r, 200, out, err);
}

static int version_event(struct http_req *r, int publish, struct sx_err *err)
{
    struct app_ctx *ctx = api_ctx(r);
    json_t *out = NULL;
    int64_t id = 0;
    int rc = http_param_id(r, "id", &id, err);
    if (rc == 0)
        rc = publish ? app_prepub_publish(ctx, api_principal(r), id, err)
                     : app_prepub_approve(ctx, api_principal(r), id, err);
    if (rc == 0)
        rc = app_prepub_staff_get(ctx, api_principal(r), id, &out, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return send(r, 200, out, err);
}

int api_prepub_approve(struct http_req *r, struct sx_err *err)
{
    return version_event(r, 0, err);
}

int api_prepub_publish(struct http_req *r, struct sx_err *err)
{
    return version_event(r, 1, err);
}

int api_prepub_plan_status(struct http_req *r, struct sx_err *err)
{
    struct prepub_plan_status ps;
    const char *today = NULL;
    int64_t org_id = 0, year = 0;
    int rc = http_param_id(r, "id", &org_id, err);
    if (rc == 0)
        rc = http_query_int(r, "year", 2000, 2999, 0, &year, err);
    if (rc == 0)
        rc = http_query(r, "today", &today, err);
    if (rc == 0 && api_principal(r)->org_id != org_id &&
        (api_principal(r)->roles & (APP_ROLE_ADMIN | APP_ROLE_SUPERVISOR)) == 0)
        rc = SX_FAIL(err, SX_E_FORBIDDEN, "org-scope", "只能查看本机关的事前公开信息",
                     "湖北 附件1 第七条 (HB-1-07)", "org_id", "该机关不是本机关");
    if (rc == 0)
        rc = app_prepub_plan_status(api_ctx(r), org_id, (int)year, today, &ps, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return send(r, 200,
                json_pack("{sI si ss ss ss ss}", "org_id", (json_int_t)org_id, "year", ps.year,
                          "due", ps.due, "state", prepub_plan_state_name(ps.state), "state_zh",
                          prepub_plan_state_zh(ps.state), "source", PREPUB_PLAN_SOURCE),
                err);
}

static const struct http_field pool_fields[] = {
    {"targets", HTTP_F_ARRAY, 1, PREPUB_POOL_MAX},
    {NULL, HTTP_F_ANY, 0, 0},
};

int api_prepub_pool_create(struct http_req *r, struct sx_err *err)
{
    struct app_ctx *ctx = api_ctx(r);
    json_t *in = NULL, *out = NULL;
    int64_t org_id = 0, pool_id = 0;
    int rc = http_param_id(r, "id", &org_id, err);
    if (rc == 0)
        rc = http_body_json(r, pool_fields, &in, err);
    if (rc == 0)
        rc = app_pool_publish(ctx, api_principal(r), org_id, json_object_get(in, "targets"),
                              &pool_id, err);
    if (rc == 0)
        rc = app_pool_portal_get(ctx, pool_id, &out, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return send(r, 201, out, err);
}

static const struct http_field draw_fields[] = {
    {"title", HTTP_F_STRING, 1, 100}, {"k", HTTP_F_INT, 1, 0},  {"m", HTTP_F_INT, 1, 0},
    {"pool_id", HTTP_F_INT, 0, 0},    {NULL, HTTP_F_ANY, 0, 0},
};

int api_prepub_draw_create(struct http_req *r, struct sx_err *err)
{
    struct app_ctx *ctx = api_ctx(r);
    json_t *in = NULL, *out = NULL;
    int64_t org_id = 0, draw_id = 0;
    int rc = http_param_id(r, "id", &org_id, err);
    if (rc == 0)
        rc = http_body_json(r, draw_fields, &in, err);
    if (rc == 0)
        rc = app_draw_run(ctx, api_principal(r), org_id, api_get_str(in, "title"),
                          api_get_int(in, "k"), api_get_int(in, "m"), api_get_int(in, "pool_id"),
                          &draw_id, err);
    if (rc == 0)
        rc = app_draw_portal_get(ctx, draw_id, &out, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return send(r, 201, out, err);
}

/* ---- portal ---- */

int api_portal_prepub_index(struct http_req *r, struct sx_err *err)
{
    json_t *out = NULL;
    int rc = app_prepub_portal_index(api_ctx(r), &out, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return send(r, 200, out, err);
}

int api_portal_prepub_current(struct http_req *r, struct sx_err *err)
{
    json_t *out = NULL;
    int64_t org_id = 0;
    int rc = http_param_id(r, "id", &org_id, err);
    if (rc == 0)
        rc = app_prepub_portal_get(api_ctx(r), org_id, 0, NULL, &out, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return send(r, 200, out, err);
}

int api_portal_prepub_history(struct http_req *r, struct sx_err *err)
{
    json_t *out = NULL;
    int64_t org_id = 0;
    int rc = http_param_id(r, "id", &org_id, err);
    if (rc == 0)
        rc = app_prepub_portal_history(api_ctx(r), org_id, &out, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return send(r, 200, out, err);
}

int api_portal_prepub_version(struct http_req *r, struct sx_err *err)
{
    json_t *out = NULL;
    int64_t org_id = 0, version = 0;
    int rc = http_param_id(r, "id", &org_id, err);
    if (rc == 0)
        rc = http_param_id(r, "version", &version, err);
    if (rc == 0)
        rc = app_prepub_portal_get(api_ctx(r), org_id, version, NULL, &out, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return send(r, 200, out, err);
}

int api_portal_flowchart(struct http_req *r, struct sx_err *err)
{
    struct sx_buf b;
    int rc;
    sx_buf_init(&b, (size_t)4 << 20);
    rc = app_flowchart_svg(api_ctx(r), http_param(r, "kind"), &b, err);
    if (rc == 0)
        rc = http_add_header(r, "cache-control", "public, max-age=300");
    if (rc == 0)
        rc = http_send_raw(r, 200, "image/svg+xml; charset=utf-8", b.data, b.len, err);
    sx_buf_free(&b);
    if (rc != 0)
        return api_done(r, rc, err);
    return 0;
}

int api_portal_draws_list(struct http_req *r, struct sx_err *err)
{
    struct http_page pg;
    json_t *items = NULL;
    int64_t org_id = 0, last = 0;
    int more = 0;
    int rc = http_page_parse(r, &pg, err);
    if (rc == 0)
        rc = http_query_int(r, "org_id", 1, INT64_MAX, 0, &org_id, err);
    if (rc == 0)
        rc = app_draw_portal_list(api_ctx(r), org_id, pg.has_after ? pg.after : 0, pg.limit, &items,
                                  &more, &last, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return api_send_page(r, items, more, last, err);
}

int api_portal_draw_get(struct http_req *r, struct sx_err *err)
{
    json_t *out = NULL;
    int64_t id = 0;
    int rc = http_param_id(r, "id", &id, err);
    if (rc == 0)
        rc = app_draw_portal_get(api_ctx(r), id, &out, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return send(r, 200, out, err);
}

int api_portal_draw_verify(struct http_req *r, struct sx_err *err)
{
    json_t *out = NULL;
    int64_t id = 0;
    int rc = http_param_id(r, "id", &id, err);
    if (rc == 0)
        rc = app_draw_verify(api_ctx(r), id, &out, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return send(r, 200, out, err);
}

int api_portal_pool_get(struct http_req *r, struct sx_err *err)
{
    json_t *out = NULL;
    int64_t id = 0;
    int rc = http_param_id(r, "id", &id, err);
    if (rc == 0)
        rc = app_pool_portal_get(api_ctx(r), id, &out, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return send(r, 200, out, err);
}

int api_portal_prepub_officers(struct http_req *r, struct sx_err *err)
{
    json_t *out = NULL;
    const char *q = NULL;
    int rc = http_query(r, "q", &q, err);
    if (rc == 0)
        rc = app_prepub_portal_officers(api_ctx(r), q, &out, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return send(r, 200, out, err);
}

int api_prepub_plan_overview(struct http_req *r, struct sx_err *err)
{
    json_t *out = NULL;
    const char *today = NULL;
    int64_t year = 0;
    int rc = http_query_int(r, "year", 2000, 2999, 0, &year, err);
    if (rc == 0)
        rc = http_query(r, "today", &today, err);
    if (rc == 0)
        rc = app_prepub_plan_overview(api_ctx(r), api_principal(r), (int)year, today, &out, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return send(r, 200, out, err);
}
