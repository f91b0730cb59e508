/* h_identity: sessions, the current user, API tokens, orgs, users, audit log. */
#include <string.h>

#include "api.h"
#include "app/identity.h"

#define SESSION_COOKIE "sx_session"

static const struct http_field login_fields[] = {
    {"username", HTTP_F_STRING, 1, 64},
    {"password", HTTP_F_STRING, 1, 1024},
    {NULL, 0, 0, 0},
};

int api_session_create(struct http_req *r, struct sx_err *err)
{
    struct app_ctx *ctx = api_ctx(r);
    struct app_login_result res;
    json_t *in = NULL;
    json_t *out;
    int rc = http_body_json(r, login_fields, &in, err);
    if (rc == 0)
        rc = app_login(ctx, api_get_str(in, "username"), api_get_str(in, "password"),
                       http_client_ip(r), &res, err);
    if (rc == 0)
        rc = http_set_cookie(r, SESSION_COOKIE, res.token, APP_SESSION_TTL_S,
                             HTTP_COOKIE_HTTPONLY | HTTP_COOKIE_SAMESITE_STRICT);
    if (rc != 0)
        return api_done(r, rc, err);
    out = json_pack("{so ss ss}", "user", api_principal_json(&res.principal), "csrf_token",
                    res.csrf_token, "expires_at", res.expires_at);
    return http_send_json(r, 201, out, err);
}

int api_session_delete(struct http_req *r, struct sx_err *err)
{
    int rc = app_logout(api_ctx(r), api_principal(r), http_cookie(r, SESSION_COOKIE), err);
    api_forget_session(r, http_cookie(r, SESSION_COOKIE));
    if (rc == 0)
        rc = http_set_cookie(r, SESSION_COOKIE, "", 0,
                             HTTP_COOKIE_HTTPONLY | HTTP_COOKIE_SAMESITE_STRICT);
    if (rc == 0)
        rc = http_send_empty(r, 204, err);
    return api_done(r, rc, err);
}

int api_me(struct http_req *r, struct sx_err *err)
{
    return http_send_json(r, 200, api_principal_json(api_principal(r)), err);
}

static const struct http_field token_fields[] = {
    {"name", HTTP_F_STRING, 1, 100},
    {NULL, 0, 0, 0},
};

int api_token_create(struct http_req *r, struct sx_err *err)
{
    json_t *in = NULL;
    const char *token = NULL;
    int64_t id = 0;
    int rc = http_body_json(r, token_fields, &in, err);
    if (rc == 0)
        rc = app_token_create(api_ctx(r), api_principal(r), api_get_str(in, "name"), &token, &id,
                              err);
    if (rc != 0)
        return api_done(r, rc, err);
    return http_send_json(r, 201, json_pack("{sI ss}", "id", (json_int_t)id, "token", token), err);
}

int api_orgs_list(struct http_req *r, struct sx_err *err)
{
    struct http_page page;
    struct st_org *orgs = NULL;
    size_t n = 0;
    int more = 0;
    json_t *items;
    int rc = http_page_parse(r, &page, err);
    if (rc == 0)
        rc = st_org_list(api_ctx(r)->db, page.has_after ? page.after : 0, page.limit, r->arena,
                         &orgs, &n, &more, err);
    if (rc != 0)
        return api_done(r, rc, err);
    items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, api_org_json(&orgs[i]));
    return api_send_page(r, items, more, n > 0 ? orgs[n - 1].id : 0, err);
}

static const struct http_field org_fields[] = {
    {"code", HTTP_F_STRING, 1, 64},        {"name", HTTP_F_STRING, 1, 100},
    {"short_name", HTTP_F_STRING, 1, 8},   {"level", HTTP_F_STRING, 1, 16},
    {"parent_id", HTTP_F_INT, 0, 0},       {"region", HTTP_F_STRING, 0, 100},
    {"address", HTTP_F_STRING, 0, 200},    {"head", HTTP_F_STRING, 0, 50},
    {"phone", HTTP_F_STRING, 0, 40},       {"supervise_phone", HTTP_F_STRING, 0, 40},
    {"categories", HTTP_F_STRING, 0, 500}, {"qualification", HTTP_F_STRING, 0, 500},
    {"policy", HTTP_F_STRING, 0, 40},      {NULL, 0, 0, 0},
};

int api_orgs_create(struct http_req *r, struct sx_err *err)
{
    struct app_ctx *ctx = api_ctx(r);
    json_t *in = NULL;
    struct st_org o;
    int64_t id = 0;
    int rc = http_body_json(r, org_fields, &in, err);
    if (rc != 0)
        return api_done(r, rc, err);
    memset(&o, 0, sizeof(o));
    o.code = api_get_str(in, "code");
    o.name = api_get_str(in, "name");
    o.short_name = api_get_str(in, "short_name");
    o.level = api_get_str(in, "level");
    o.parent_id = api_get_int(in, "parent_id");
    o.region = api_get_str(in, "region");
    o.address = api_get_str(in, "address");
    o.head = api_get_str(in, "head");
    o.phone = api_get_str(in, "phone");
    o.supervise_phone = api_get_str(in, "supervise_phone");
    o.categories = api_get_str(in, "categories");
    o.qualification = api_get_str(in, "qualification");
    o.policy = api_get_str(in, "policy");
    rc = app_org_create(ctx, api_principal(r), &o, &id, err);
    if (rc == 0)
        rc = st_org_get(ctx->db, id, r->arena, &o, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return http_send_json(r, 201, api_org_json(&o), err);
}

int api_orgs_get(struct http_req *r, struct sx_err *err)
{
    struct st_org o;
    int64_t id = 0;
    int rc = http_param_id(r, "id", &id, err);
    if (rc == 0)
        rc = st_org_get(api_ctx(r)->db, id, r->arena, &o, err);
    if (rc == SX_E_NOTFOUND)
        rc = SX_FAIL(err, SX_E_NOTFOUND, "org-not-found", "机构不存在", NULL, "id",
                     "机构 %lld 不存在", (long long)id);
    if (rc != 0)
        return api_done(r, rc, err);
    return http_send_json(r, 200, api_org_json(&o), err);
}

int api_users_list(struct http_req *r, struct sx_err *err)
{
    struct http_page page;
    struct st_user *users = NULL;
    size_t n = 0;
    int more = 0;
    int64_t org_id = 0;
    json_t *items;
    int rc = http_page_parse(r, &page, err);
    if (rc == 0)
        rc = http_query_int(r, "org_id", 0, INT64_MAX, 0, &org_id, err);
    if (rc == 0)
        rc = st_user_list(api_ctx(r)->db, org_id, page.has_after ? page.after : 0, page.limit,
                          r->arena, &users, &n, &more, err);
    if (rc != 0)
        return api_done(r, rc, err);
    items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, api_user_json(&users[i]));
    return api_send_page(r, items, more, n > 0 ? users[n - 1].id : 0, err);
}

static const struct http_field user_fields[] = {
    {"username", HTTP_F_STRING, 1, 64},
    {"display_name", HTTP_F_STRING, 1, 50},
    {"org_id", HTTP_F_INT, 1, 0},
    {"roles", HTTP_F_STRING, 1, 100},
    {"password", HTTP_F_STRING, 1, 1024},
    {"cert_no", HTTP_F_STRING, 0, 64},
    {"cert_valid_from", HTTP_F_DATE, 0, 0},
    {"cert_valid_to", HTTP_F_DATE, 0, 0},
    {"legal_qualification", HTTP_F_STRING, 0, 64},
    {"post", HTTP_F_STRING, 0, 100},
    {NULL, 0, 0, 0},
};

int api_users_create(struct http_req *r, struct sx_err *err)
{
    struct app_ctx *ctx = api_ctx(r);
    json_t *in = NULL;
    struct st_user u;
    int64_t id = 0;
    int rc = http_body_json(r, user_fields, &in, err);
    if (rc != 0)
        return api_done(r, rc, err);
    memset(&u, 0, sizeof(u));
    u.username = api_get_str(in, "username");
    u.display_name = api_get_str(in, "display_name");
    u.org_id = api_get_int(in, "org_id");
    u.roles = api_get_str(in, "roles");
    u.cert_no = api_get_str(in, "cert_no");
    u.cert_valid_from = api_get_str(in, "cert_valid_from");
    u.cert_valid_to = api_get_str(in, "cert_valid_to");
    u.legal_qualification = api_get_str(in, "legal_qualification");
    u.post = api_get_str(in, "post");
    rc = app_user_create(ctx, api_principal(r), &u, api_get_str(in, "password"), &id, err);
    if (rc == 0)
        rc = st_user_get(ctx->db, id, r->arena, &u, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return http_send_json(r, 201, api_user_json(&u), err);
}

int api_users_disable(struct http_req *r, struct sx_err *err)
{
    struct app_ctx *ctx = api_ctx(r);
    struct st_user u;
    int64_t id = 0;
    int rc = http_param_id(r, "id", &id, err);
    if (rc == 0)
        rc = app_user_set_disabled(ctx, api_principal(r), id, 1, err);
    if (rc == 0)
        api_forget_all_sessions(r); /* their sessions are gone: no cached pass either */
    if (rc == 0)
        rc = st_user_get(ctx->db, id, r->arena, &u, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return http_send_json(r, 200, api_user_json(&u), err);
}

int api_audit_list(struct http_req *r, struct sx_err *err)
{
    struct http_page page;
    struct st_audit *rows = NULL;
    size_t n = 0;
    int more = 0;
    json_t *items;
    int rc = http_page_parse(r, &page, err);
    if (rc == 0)
        rc = st_audit_list(api_ctx(r)->db, page.has_after ? page.after : 0, page.limit, r->arena,
                           &rows, &n, &more, err);
    if (rc != 0)
        return api_done(r, rc, err);
    items = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(
            items, json_pack("{sI ss sI so ss so ss so so}", "id", (json_int_t)rows[i].id, "at",
                             rows[i].at, "user_id", (json_int_t)rows[i].user_id, "username",
                             api_str(rows[i].username), "action", rows[i].action, "target",
                             api_str(rows[i].target), "outcome", rows[i].outcome, "ip",
                             api_str(rows[i].ip), "detail", api_str(rows[i].detail)));
    }
    return api_send_page(r, items, more, n > 0 ? rows[n - 1].id : 0, err);
}

/*
 * GET /api/v1/review-staffing: per org in the viewer's scope, legal
 * reviewers against officers, flagged below 5 % (河北 四(一), HE-4.1).
 */
int api_review_staffing(struct http_req *r, struct sx_err *err)
{
    struct app_ctx *ctx = api_ctx(r);
    const struct app_principal *p = api_principal(r);
    int64_t *scope = NULL;
    size_t n_scope = 0;
    json_t *items = json_array();
    int rc;
    if ((p->roles & (APP_ROLE_ADMIN | APP_ROLE_SUPERVISOR | APP_ROLE_HEAD)) != 0)
        rc = st_org_subtree(ctx->db, p->org_id, r->arena, &scope, &n_scope, err);
    else
        rc = app_require_role(p, APP_ROLE_ADMIN | APP_ROLE_SUPERVISOR | APP_ROLE_HEAD,
                              "查看法制审核人员配备", err);
    for (size_t i = 0; rc == 0 && i < n_scope; i++) {
        struct st_org org;
        struct st_user *officers = NULL;
        struct st_user *reviewers = NULL;
        size_t n_off = 0;
        size_t n_rev = 0;
        rc = st_org_get(ctx->db, scope[i], r->arena, &org, err);
        if (rc == 0)
            rc = st_user_list_by_role(ctx->db, scope[i], "officer", r->arena, &officers, &n_off,
                                      err);
        if (rc == 0)
            rc = st_user_list_by_role(ctx->db, scope[i], "reviewer", r->arena, &reviewers,
                                      &n_rev, err);
        if (rc != 0)
            break;
        /* n_rev / n_off < 5 %, in integers */
        int below = n_off > 0 && n_rev * 100 < n_off * 5;
        json_array_append_new(
            items, json_pack("{sI ss sI sI sf sb ss}", "org_id", (json_int_t)org.id, "org_name",
                             org.name, "officers", (json_int_t)n_off, "reviewers",
                             (json_int_t)n_rev, "ratio",
                             n_off > 0 ? (double)n_rev / (double)n_off : 0.0, "below_minimum",
                             below, "source", "河北 四(一) (HE-4.1): 法制审核人员不少于执法人员总数的5%"));
    }
    if (rc != 0) {
        json_decref(items);
        return api_done(r, rc, err);
    }
    return http_send_json(r, 200, json_pack("{so}", "items", items), err);
}
