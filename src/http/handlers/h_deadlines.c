/* h_deadlines: a case's deadlines, my deadlines, my org's overdue items (issue 3, point 5). */
#include <string.h>

#include "api.h"
#include "app/cases.h"
#include "app/deadlines.h"

static int send_list(struct http_req *r, const struct app_deadline_list *l, struct sx_err *err)
{
    json_t *out = app_deadline_list_json(l);
    if (out == NULL)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", NULL, NULL, "deadlines");
    return http_send_json(r, 200, out, err);
}

/* ?today=YYYY-MM-DD lets a supervisor look at a past or future day; default: today. */
static int query_today(struct http_req *r, const char **today, struct sx_err *err)
{
    return http_query(r, "today", today, err);
}

int api_case_deadlines(struct http_req *r, struct sx_err *err)
{
    struct app_ctx *ctx = api_ctx(r);
    struct app_case_view v;
    struct app_deadline_list l;
    const char *today = NULL;
    int64_t id = 0;
    int rc = http_param_id(r, "id", &id, err);
    if (rc == 0)
        rc = query_today(r, &today, err);
    if (rc == 0) /* the deadlines of a case are as visible as the case */
        rc = app_case_view(ctx, api_principal(r), id, 0, &v, err);
    if (rc == 0)
        rc = app_deadline_case_on(ctx, id, today, &l, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return send_list(r, &l, err);
}

int api_deadlines_mine(struct http_req *r, struct sx_err *err)
{
    struct app_ctx *ctx = api_ctx(r);
    const struct app_principal *p = api_principal(r);
    struct app_deadline_list l;
    const char *today = NULL;
    int64_t *scope = NULL;
    size_t n_scope = 0;
    int rc = query_today(r, &today, err);
    if (rc == 0)
        rc = app_case_scope(ctx, p, &scope, &n_scope, err);
    if (rc == 0)
        rc = app_deadline_mine(ctx, p->user_id, scope, n_scope, today, &l, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return send_list(r, &l, err);
}

int api_deadlines_overdue(struct http_req *r, struct sx_err *err)
{
    struct app_ctx *ctx = api_ctx(r);
    struct app_deadline_list l;
    const char *today = NULL;
    int64_t *scope = NULL;
    size_t n_scope = 0;
    int rc = query_today(r, &today, err);
    if (rc == 0)
        rc = app_case_scope(ctx, api_principal(r), &scope, &n_scope, err);
    if (rc == 0)
        rc = app_deadline_overdue(ctx, scope, n_scope, today, &l, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return send_list(r, &l, err);
}
