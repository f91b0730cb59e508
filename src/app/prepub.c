/*
 * prepub: pre-publicity versions and 双随机 draws over the store (see prepub.h). Each write
 * use case is one transaction: the version, event, pool or draw row and its audit entry commit
 * together or not at all.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/identity.h"
#include "app/publicity.h"
#include "app/prepub.h"
#include "core/canon.h"
#include "core/draw.h"
#include "core/flowchart.h"
#include "core/ids.h"
#include "core/wf.h"
#include "ledger/crypto.h"
#include "store/store.h"

#define SRC_APPROVE "湖北 附件1 第十七条 (HB-1-17)；北京 二(一)10 (BJ-2.1-10)"
#define SRC_UPDATE "云南 附件1 第十四条 (YN-1-14)"
#define CONTENT_MAX ((size_t)8 << 20)
#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

/* ---- helpers ---- */

/* Staff read access: the org's own staff, admins and supervisors. */
static int require_org_read(const struct app_principal *actor, int64_t org_id, struct sx_err *err)
{
    if (actor == NULL || actor->org_id == org_id ||
        (actor->roles & (APP_ROLE_ADMIN | APP_ROLE_SUPERVISOR)) != 0)
        return 0;
    return SX_FAIL(err, SX_E_FORBIDDEN, "org-scope", "只能查看本机关的事前公开信息",
                   "湖北 附件1 第七条 (HB-1-07)", "org_id", "该版本属于其他机关");
}

static json_t *str_or_null(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}

/* Canonical text of v and its hex SM3, both in the arena. */
static int canon_hash(struct app_ctx *ctx, const json_t *v, const char **text, const char **hex,
                      struct sx_err *err)
{
    struct sx_buf b;
    uint8_t md[LG_SM3_LEN];
    char h[LG_SM3_HEX_LEN + 1];
    int rc;
    sx_buf_init(&b, CONTENT_MAX);
    rc = canon_json(v, &b, err);
    if (rc == 0)
        rc = lg_sm3(b.data, b.len, md, err);
    if (rc == 0) {
        lg_hex_encode(md, LG_SM3_LEN, h);
        *text = sx_arena_strndup(ctx->arena, b.data, b.len);
        *hex = sx_arena_strdup(ctx->arena, h);
        if (*text == NULL || *hex == NULL)
            rc = SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "prepub");
    }
    sx_buf_free(&b);
    return rc;
}

static int parse_json(const char *text, json_t **out, struct sx_err *err)
{
    json_error_t je;
    *out = json_loads(text != NULL ? text : "", JSON_REJECT_DUPLICATES, &je);
    if (*out == NULL)
        return SX_FAIL(err, SX_E_INTERNAL, "stored-json", "存储的数据无法解析", "", "", "%s",
                       je.text);
    return 0;
}

/* The China Standard Time date (YYYY-MM-DD) of a UTC timestamp, into out[11]. */
static void cst_date(const char *ts, char out[11])
{
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    if (ts == NULL || sscanf(ts, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                             &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6) {
        snprintf(out, 11, "%s", ts != NULL ? ts : "");
        return;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t t = timegm(&tm) + 8 * 3600;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static const char *version_state(const struct st_prepub_version *v)
{
    if (v->published_at != NULL)
        return "published";
    if (v->approved_at != NULL)
        return "approved";
    return "draft";
}

static const char *state_zh(const char *state)
{
    if (strcmp(state, "published") == 0)
        return "已公开";
    if (strcmp(state, "approved") == 0)
        return "已审批，待公开";
    return "草稿，待负责人审批";
}

/* ---- drafts ---- */

static json_t *org_json(const struct st_org *o)
{
    return json_pack("{sI ss ss ss so so so so so so so}", "id", (json_int_t)o->id, "code", o->code,
                     "name", o->name, "level", o->level, "region", str_or_null(o->region),
                     "address", str_or_null(o->address), "head", str_or_null(o->head), "phone",
                     str_or_null(o->phone), "supervise_phone", str_or_null(o->supervise_phone),
                     "categories", str_or_null(o->categories), "qualification",
                     str_or_null(o->qualification));
}

/* Officers of the org as published (YN-1-07: name, photo, unit, post, category, region, 证号). */
static int officers_json(struct app_ctx *ctx, const struct st_org *o, const json_t *photos,
                         json_t **out, struct sx_err *err)
{
    struct st_user *u = NULL;
    size_t n = 0;
    int rc = st_user_list_by_role(ctx->db, o->id, "officer", ctx->arena, &u, &n, err);
    json_t *arr;
    if (rc != 0)
        return rc;
    arr = json_array();
    for (size_t i = 0; i < n && arr != NULL; i++) {
        char key[24];
        const json_t *photo;
        snprintf(key, sizeof(key), "%lld", (long long)u[i].id);
        photo = photos != NULL ? json_object_get(photos, key) : NULL;
        if (json_array_append_new(
                arr,
                json_pack("{sI ss ss so so so so so so sO}", "user_id", (json_int_t)u[i].id, "name",
                          u[i].display_name, "unit", o->name, "post", str_or_null(u[i].post),
                          "category", str_or_null(o->categories), "region", str_or_null(o->region),
                          "cert_no", str_or_null(u[i].cert_no), "cert_valid_from",
                          str_or_null(u[i].cert_valid_from), "cert_valid_to",
                          str_or_null(u[i].cert_valid_to), "photo",
                          photo != NULL ? (json_t *)photo : json_null())) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    }
    if (arr == NULL)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "officers");
    *out = arr;
    return 0;
}

static int check_procedures(struct app_ctx *ctx, const json_t *sections, struct sx_err *err)
{
    const json_t *procs = json_object_get(sections, "procedures"), *p;
    size_t i;
    json_array_foreach(procs, i, p)
    {
        enum app_kind k;
        const char *kind = json_string_value(json_object_get(p, "kind"));
        if (app_kind_parse(kind, &k, err) != 0 || ctx->app->workflows[k] == NULL)
            return SX_FAIL(err, SX_E_INVALID, "prepub-invalid", "事前公开内容不符合要求",
                           PREPUB_SOURCE, "sections.procedures",
                           "第 %zu 项的执法类别 %s 没有流程定义", i + 1, kind != NULL ? kind : "");
    }
    return 0;
}

int app_prepub_draft(struct app_ctx *ctx, const struct app_principal *actor, int64_t org_id,
                     const json_t *sections, int64_t *version_id, int64_t *version,
                     struct sx_err *err)
{
    struct st_org o;
    json_t *content = NULL, *officers = NULL;
    const char *text = NULL, *hash = NULL;
    int rc = app_require_org_role(actor, org_id, APP_ROLE_PUBLISHER | APP_ROLE_ADMIN,
                                  "编辑事前公开信息", err);
    if (rc == 0)
        rc = prepub_sections_check(sections, err);
    if (rc == 0)
        rc = check_procedures(ctx, sections, err);
    if (rc != 0)
        return rc;
    rc = st_begin(ctx->db, err);
    if (rc != 0)
        return rc;
    rc = st_org_get(ctx->db, org_id, ctx->arena, &o, err);
    if (rc == 0)
        rc = officers_json(ctx, &o, json_object_get(sections, "officer_photos"), &officers, err);
    if (rc == 0) {
        json_t *secs = json_deep_copy(sections);
        if (secs != NULL)
            json_object_del(secs, "officer_photos"); /* folded into the officer list */
        content = json_pack("{so so so}", "org", org_json(&o), "officers", officers, "sections",
                            secs != NULL ? secs : json_null());
        officers = NULL;
        if (content == NULL || secs == NULL)
            rc = SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "prepub draft");
    }
    if (rc == 0)
        rc = canon_hash(ctx, content, &text, &hash, err);
    if (rc == 0)
        rc = st_prepub_version_insert(ctx->db, org_id, text, hash, app_now(ctx),
                                      actor != NULL ? actor->user_id : 0, version_id, version, err);
    if (rc == 0)
        rc = app_audit_in_tx(ctx, actor, "prepub.draft", "prepub_version", *version_id, NULL, err);
    if (rc == 0)
        rc = st_commit(ctx->db, err);
    if (rc != 0)
        (void)st_rollback(ctx->db, NULL);
    json_decref(officers);
    json_decref(content);
    return rc;
}

/* Refuse to approve or publish a version older than the one already published. */
static int check_not_stale(struct app_ctx *ctx, const struct st_prepub_version *v,
                           struct sx_err *err)
{
    struct st_prepub_version cur;
    struct sx_err ignored;
    if (st_prepub_version_current(ctx->db, v->org_id, ctx->arena, &cur, &ignored) != 0)
        return 0;
    if (cur.version > v->version)
        return SX_FAIL(err, SX_E_CONFLICT, "prepub-stale", "已有更新的版本公开", SRC_UPDATE,
                       "version", "第 %lld 版已公开，不能再审批或公开更早的第 %lld 版",
                       (long long)cur.version, (long long)v->version);
    return 0;
}

static int prepub_event(struct app_ctx *ctx, const struct app_principal *actor, int64_t version_id,
                        int publish, struct sx_err *err)
{
    struct st_prepub_version v;
    int rc = st_begin(ctx->db, err);
    if (rc != 0)
        return rc;
    rc = st_prepub_version_get(ctx->db, version_id, ctx->arena, &v, err);
    if (rc == 0)
        rc = publish
                 ? app_require_org_role(actor, v.org_id, APP_ROLE_PUBLISHER | APP_ROLE_ADMIN,
                                        "公开事前公开信息", err)
                 : app_require_org_role(actor, v.org_id, APP_ROLE_HEAD, "审批事前公开信息", err);
    if (rc == 0)
        rc = app_pub_version_order("prepub", publish, v.version, v.approved_at, v.published_at,
                                   SRC_APPROVE, err);
    if (rc == 0)
        rc = check_not_stale(ctx, &v, err);
    if (rc == 0)
        rc = st_prepub_event_insert(ctx->db, version_id, publish ? "publish" : "approve",
                                    app_now(ctx), actor != NULL ? actor->user_id : 0, err);
    if (rc == 0)
        rc = app_audit_in_tx(ctx, actor, publish ? "prepub.publish" : "prepub.approve",
                             "prepub_version", version_id, NULL, err);
    if (rc == 0)
        rc = st_commit(ctx->db, err);
    if (rc != 0)
        (void)st_rollback(ctx->db, NULL);
    return rc;
}

int app_prepub_approve(struct app_ctx *ctx, const struct app_principal *actor, int64_t version_id,
                       struct sx_err *err)
{
    return prepub_event(ctx, actor, version_id, 0, err);
}

int app_prepub_publish(struct app_ctx *ctx, const struct app_principal *actor, int64_t version_id,
                       struct sx_err *err)
{
    return prepub_event(ctx, actor, version_id, 1, err);
}

/* ---- views ---- */

/* Flowchart links of every loaded kind, and procedures with their flowchart. */
static json_t *flowcharts_json(struct app_ctx *ctx)
{
    json_t *arr = json_array();
    for (int k = 0; k < APP_KIND_COUNT && arr != NULL; k++) {
        const struct wf_def *d = ctx->app->workflows[k];
        if (d == NULL)
            continue;
        json_array_append_new(arr, json_pack("{ss ss ss+}", "kind", wf_kind(d), "name_zh",
                                             wf_name_zh(d), "url", APP_FLOWCHART_PATH, wf_kind(d)));
    }
    return arr;
}

static void link_procedures(json_t *sections)
{
    json_t *procs = json_object_get(sections, "procedures"), *p;
    size_t i;
    json_array_foreach(procs, i, p)
    {
        const char *kind = json_string_value(json_object_get(p, "kind"));
        if (kind != NULL)
            json_object_set_new(p, "flowchart", json_pack("s+", APP_FLOWCHART_PATH, kind));
    }
}

/*
 * A version as JSON. Public (portal): officers with a credential valid on today only, and
 * without their internal validity start; staff: every officer with valid_today.
 */
static int version_json(struct app_ctx *ctx, const struct st_prepub_version *v, const char *today,
                        int public_view, json_t **out, struct sx_err *err)
{
    json_t *content = NULL, *officers, *kept, *o, *sections;
    struct prepub_plan_status ps;
    const char *state = version_state(v);
    size_t i;
    int rc = parse_json(v->content, &content, err);
    if (rc != 0)
        return rc;
    officers = json_object_get(content, "officers");
    kept = json_array();
    json_array_foreach(officers, i, o)
    {
        int valid =
            prepub_cert_valid(json_string_value(json_object_get(o, "cert_no")),
                              json_string_value(json_object_get(o, "cert_valid_from")),
                              json_string_value(json_object_get(o, "cert_valid_to")), today);
        if (public_view && !valid)
            continue; /* YN-1-07: only officers with a credential in force are listed */
        json_t *c = json_deep_copy(o);
        if (public_view)
            json_object_del(c, "cert_valid_from");
        else
            json_object_set_new(c, "valid_today", json_boolean(valid));
        json_array_append_new(kept, c);
    }
    sections = json_object_get(content, "sections");
    link_procedures(sections);
    *out = json_pack("{sI sI sI ss ss so so ss sO so ss so so}", "id", (json_int_t)v->id, "org_id",
                     (json_int_t)v->org_id, "version", (json_int_t)v->version, "state", state,
                     "state_zh", state_zh(state), "approved_at", str_or_null(v->approved_at),
                     "published_at", str_or_null(v->published_at), "content_hash", v->content_hash,
                     "subject", json_object_get(content, "org"), "officers", kept, "officers_as_of",
                     today, "sections", json_incref(sections), "flowcharts", flowcharts_json(ctx));
    if (*out != NULL && !public_view) {
        json_object_set_new(*out, "created_at", json_string(v->created_at));
        json_object_set_new(*out, "created_by", json_integer(v->created_by));
    }
    if (*out != NULL && v->published_at != NULL) {
        char d[11];
        cst_date(v->published_at, d);
        json_object_set_new(*out, "published_on", json_string(d));
    }
    if (*out != NULL && app_prepub_plan_status(ctx, v->org_id, 0, today, &ps, err) == 0)
        json_object_set_new(*out, "inspection_plan_status",
                            json_pack("{si ss ss ss s{ss ss}}", "year", ps.year, "due", ps.due,
                                      "state", prepub_plan_state_name(ps.state), "state_zh",
                                      prepub_plan_state_zh(ps.state), "source", "provision",
                                      "BJ-2.1-8", "text", PREPUB_PLAN_SOURCE));
    json_decref(content);
    if (*out == NULL)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "prepub view");
    return 0;
}

static json_t *version_summary(const struct st_prepub_version *v)
{
    char d[11] = "";
    const char *state = version_state(v);
    if (v->published_at != NULL)
        cst_date(v->published_at, d);
    return json_pack("{sI sI sI ss ss ss so so so ss}", "id", (json_int_t)v->id, "org_id",
                     (json_int_t)v->org_id, "version", (json_int_t)v->version, "state", state,
                     "state_zh", state_zh(state), "created_at", v->created_at, "approved_at",
                     str_or_null(v->approved_at), "published_at", str_or_null(v->published_at),
                     "published_on", v->published_at != NULL ? json_string(d) : json_null(),
                     "content_hash", v->content_hash);
}

int app_prepub_staff_get(struct app_ctx *ctx, const struct app_principal *actor, int64_t version_id,
                         json_t **out, struct sx_err *err)
{
    struct st_prepub_version v;
    int rc = st_prepub_version_get(ctx->db, version_id, ctx->arena, &v, err);
    if (rc == 0)
        rc = require_org_read(actor, v.org_id, err);
    if (rc == 0)
        rc = version_json(ctx, &v, app_today(ctx), 0, out, err);
    return rc;
}

static int list_json(struct app_ctx *ctx, int64_t org_id, int published, json_t **out,
                     struct sx_err *err)
{
    struct st_prepub_version *vs = NULL;
    size_t n = 0;
    json_t *items;
    int rc = st_prepub_version_list(ctx->db, org_id, published, ctx->arena, &vs, &n, err);
    if (rc != 0)
        return rc;
    items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, version_summary(&vs[i]));
    *out = json_pack("{sI so}", "org_id", (json_int_t)org_id, "items", items);
    return *out != NULL ? 0 : SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "list");
}

int app_prepub_staff_list(struct app_ctx *ctx, const struct app_principal *actor, int64_t org_id,
                          json_t **out, struct sx_err *err)
{
    struct st_org o;
    int rc = require_org_read(actor, org_id, err);
    if (rc == 0)
        rc = st_org_get(ctx->db, org_id, ctx->arena, &o, err);
    if (rc == 0)
        rc = list_json(ctx, org_id, 0, out, err);
    return rc;
}

static int portal_notfound(struct sx_err *err)
{
    return SX_FAIL(err, SX_E_NOTFOUND, "prepub-not-published", "没有已公开的事前公开信息",
                   PREPUB_SOURCE, "", "该机关尚未公开此版本的事前公开信息");
}

int app_prepub_portal_get(struct app_ctx *ctx, int64_t org_id, int64_t version, const char *today,
                          json_t **out, struct sx_err *err)
{
    struct st_prepub_version v;
    struct sx_err e;
    int rc;
    if (today == NULL)
        today = app_today(ctx);
    rc = version == 0 ? st_prepub_version_current(ctx->db, org_id, ctx->arena, &v, &e)
                      : st_prepub_version_by_number(ctx->db, org_id, version, ctx->arena, &v, &e);
    if (rc == SX_E_NOTFOUND || (rc == 0 && v.published_at == NULL))
        return portal_notfound(err); /* unpublished looks exactly like missing */
    if (rc != 0) {
        *err = e;
        return rc;
    }
    return version_json(ctx, &v, today, 1, out, err);
}

int app_prepub_portal_history(struct app_ctx *ctx, int64_t org_id, json_t **out, struct sx_err *err)
{
    int rc = list_json(ctx, org_id, 1, out, err);
    if (rc == 0 && json_array_size(json_object_get(*out, "items")) == 0) {
        json_decref(*out);
        *out = NULL;
        return portal_notfound(err);
    }
    return rc;
}

/* Call fn for every org (id order), stopping at the first error. */
static int each_org(struct app_ctx *ctx,
                    int (*fn)(void *arg, const struct st_org *o, struct sx_err *err), void *arg,
                    struct sx_err *err)
{
    int64_t after = 0;
    int more = 1, rc = 0;
    while (rc == 0 && more) {
        struct st_org *orgs = NULL;
        size_t n = 0;
        rc = st_org_list(ctx->db, after, ST_LIST_MAX, ctx->arena, &orgs, &n, &more, err);
        for (size_t i = 0; rc == 0 && i < n; i++) {
            after = orgs[i].id;
            rc = fn(arg, &orgs[i], err);
        }
        if (n == 0)
            break;
    }
    return rc;
}

struct portal_index {
    struct app_ctx *ctx;
    json_t *items;
};

static int portal_index_org(void *arg, const struct st_org *o, struct sx_err *err)
{
    struct portal_index *p = arg;
    struct st_prepub_version v;
    struct sx_err e;
    int rc = st_prepub_version_current(p->ctx->db, o->id, p->ctx->arena, &v, &e);
    if (rc == SX_E_NOTFOUND)
        return 0;
    if (rc != 0) {
        *err = e;
        return rc;
    }
    json_array_append_new(p->items,
                          json_pack("{sI ss ss sI ss}", "org_id", (json_int_t)o->id, "code",
                                    o->code, "name", o->name, "version", (json_int_t)v.version,
                                    "published_at", v.published_at));
    return 0;
}

int app_prepub_portal_index(struct app_ctx *ctx, json_t **out, struct sx_err *err)
{
    struct portal_index p = {ctx, json_array()};
    int rc = each_org(ctx, portal_index_org, &p, err);
    if (rc != 0) {
        json_decref(p.items);
        return rc;
    }
    *out = json_pack("{so}", "items", p.items);
    return *out != NULL ? 0 : SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "index");
}

struct officer_search {
    struct app_ctx *ctx;
    const char *q;
    const char *today;
    json_t *items;
    int truncated;
};

static int officer_search_org(void *arg, const struct st_org *o, struct sx_err *err)
{
    struct officer_search *s = arg;
    struct st_prepub_version v;
    struct sx_err e;
    json_t *content = NULL, *off;
    size_t i;
    int rc = st_prepub_version_current(s->ctx->db, o->id, s->ctx->arena, &v, &e);
    if (rc == SX_E_NOTFOUND)
        return 0;
    if (rc != 0) {
        *err = e;
        return rc;
    }
    rc = parse_json(v.content, &content, err);
    if (rc != 0)
        return rc;
    json_array_foreach(json_object_get(content, "officers"), i, off)
    {
        const char *name = json_string_value(json_object_get(off, "name"));
        const char *cert = json_string_value(json_object_get(off, "cert_no"));
        if (!prepub_cert_valid(cert, json_string_value(json_object_get(off, "cert_valid_from")),
                               json_string_value(json_object_get(off, "cert_valid_to")), s->today))
            continue; /* also guarantees cert != NULL below */
        if (s->q != NULL && s->q[0] != '\0' && (name == NULL || strstr(name, s->q) == NULL) &&
            strstr(cert, s->q) == NULL)
            continue;
        if (json_array_size(s->items) >= APP_PREPUB_OFFICERS_MAX) {
            s->truncated = 1;
            break;
        }
        json_t *c = json_deep_copy(off);
        json_object_del(c, "cert_valid_from");
        json_object_set_new(c, "org_id", json_integer(o->id));
        json_object_set_new(c, "version", json_integer(v.version));
        json_array_append_new(s->items, c);
    }
    json_decref(content);
    return 0;
}

int app_prepub_portal_officers(struct app_ctx *ctx, const char *q, json_t **out, struct sx_err *err)
{
    struct officer_search s = {ctx, q, app_today(ctx), NULL, 0};
    int rc;
    if (q != NULL && strlen(q) > 64)
        return SX_FAIL(err, SX_E_INVALID, "query-too-long", "查询条件过长", "", "q",
                       "查询条件不超过 64 字节");
    s.items = json_array();
    rc = each_org(ctx, officer_search_org, &s, err);
    if (rc != 0) {
        json_decref(s.items);
        return rc;
    }
    *out = json_pack("{so sb ss}", "items", s.items, "truncated", s.truncated, "as_of", s.today);
    return *out != NULL ? 0 : SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "officers");
}

struct plan_overview {
    struct app_ctx *ctx;
    const struct app_principal *actor;
    int year;
    const char *today;
    json_t *items;
    int overdue;
};

static int plan_overview_org(void *arg, const struct st_org *o, struct sx_err *err)
{
    struct plan_overview *p = arg;
    struct prepub_plan_status ps;
    int rc;
    if (p->actor != NULL && p->actor->org_id != o->id &&
        (p->actor->roles & (APP_ROLE_ADMIN | APP_ROLE_SUPERVISOR)) == 0)
        return 0;
    rc = app_prepub_plan_status(p->ctx, o->id, p->year, p->today, &ps, err);
    if (rc != 0)
        return rc;
    p->overdue += ps.state == PREPUB_PLAN_OVERDUE;
    json_array_append_new(p->items, json_pack("{sI ss ss ss}", "org_id", (json_int_t)o->id, "name",
                                              o->name, "state", prepub_plan_state_name(ps.state),
                                              "state_zh", prepub_plan_state_zh(ps.state)));
    return 0;
}

int app_prepub_plan_overview(struct app_ctx *ctx, const struct app_principal *actor, int year,
                             const char *today, json_t **out, struct sx_err *err)
{
    struct plan_overview p = {ctx, actor, year, today != NULL ? today : app_today(ctx), NULL, 0};
    struct prepub_plan_status ps;
    int rc;
    if (p.year == 0)
        p.year = (int)strtol(p.today, NULL, 10);
    /* checks year and today once, and gives the due date */
    rc = prepub_plan_status(p.year, NULL, p.today, &ps, err);
    if (rc != 0)
        return rc;
    p.items = json_array();
    rc = each_org(ctx, plan_overview_org, &p, err);
    if (rc != 0) {
        json_decref(p.items);
        return rc;
    }
    *out = json_pack("{si ss si so ss}", "year", p.year, "due", ps.due, "overdue", p.overdue,
                     "items", p.items, "source", PREPUB_PLAN_SOURCE);
    return *out != NULL ? 0 : SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "plans");
}

int app_prepub_plan_status(struct app_ctx *ctx, int64_t org_id, int year, const char *today,
                           struct prepub_plan_status *out, struct sx_err *err)
{
    struct st_prepub_version *vs = NULL;
    size_t n = 0;
    const char *first = NULL;
    char firstbuf[11];
    int rc;
    if (today == NULL)
        today = app_today(ctx);
    if (year == 0)
        year = (int)strtol(today, NULL, 10);
    rc = st_prepub_version_list(ctx->db, org_id, 1, ctx->arena, &vs, &n, err);
    /* the earliest publication (on or before today) of a version whose plan is for year */
    for (size_t i = 0; rc == 0 && i < n; i++) {
        json_t *c = NULL;
        char d[11];
        if (parse_json(vs[i].content, &c, err) != 0)
            return SX_E_INTERNAL;
        json_t *plan = json_object_get(json_object_get(c, "sections"), "inspection_plan");
        if (json_integer_value(json_object_get(plan, "year")) == year) {
            cst_date(vs[i].published_at, d);
            /* as of today: a publication after today had not happened yet */
            if (strcmp(d, today) <= 0 && (first == NULL || strcmp(d, first) < 0)) {
                memcpy(firstbuf, d, sizeof(firstbuf));
                first = firstbuf;
            }
        }
        json_decref(c);
    }
    if (rc == 0)
        rc = prepub_plan_status(year, first, today, out, err);
    return rc;
}

int app_flowchart_svg(struct app_ctx *ctx, const char *kind, struct sx_buf *out, struct sx_err *err)
{
    enum app_kind k;
    struct sx_err e;
    if (kind == NULL || app_kind_parse(kind, &k, &e) != 0 || ctx->app->workflows[k] == NULL)
        return SX_FAIL(err, SX_E_NOTFOUND, "flowchart-unknown-kind", "没有该执法类别的流程图",
                       FC_SOURCE, "kind", "执法类别应为 penalty、inspection 或 coercion");
    return fc_render_svg(ctx->app->workflows[k], out, err);
}

/* ---- pools and draws ---- */

int app_pool_publish(struct app_ctx *ctx, const struct app_principal *actor, int64_t org_id,
                     const json_t *targets, int64_t *pool_id, struct sx_err *err)
{
    struct st_org o;
    struct st_user *u = NULL;
    size_t n = 0;
    json_t *insp = NULL, *content = NULL;
    const char *today = app_today(ctx);
    int64_t seq = 0;
    int rc = app_require_org_role(
        actor, org_id, APP_ROLE_PUBLISHER | APP_ROLE_HEAD | APP_ROLE_ADMIN, "公开双随机名录", err);
    if (rc == 0)
        rc = prepub_pool_targets_check(targets, err);
    if (rc != 0)
        return rc;
    rc = st_begin(ctx->db, err);
    if (rc != 0)
        return rc;
    rc = st_org_get(ctx->db, org_id, ctx->arena, &o, err);
    if (rc == 0)
        rc = st_user_list_by_role(ctx->db, org_id, "officer", ctx->arena, &u, &n, err);
    if (rc == 0) {
        insp = json_array();
        for (size_t i = 0; i < n; i++)
            if (prepub_cert_valid(u[i].cert_no, u[i].cert_valid_from, u[i].cert_valid_to, today))
                json_array_append_new(insp, json_pack("{sI ss ss}", "user_id", (json_int_t)u[i].id,
                                                      "name", u[i].display_name, "cert_no",
                                                      u[i].cert_no));
        if (json_array_size(insp) == 0)
            rc = SX_FAIL(err, SX_E_INVALID, "pool-no-inspectors", "没有持有效执法证的检查人员",
                         PREPUB_POOL_SOURCE, "", "本机关没有执法证在有效期内的执法人员");
    }
    if (rc == 0) {
        const char *text, *hash;
        content = json_pack("{sI ss ss sO sO}", "org_id", (json_int_t)org_id, "org_name", o.name,
                            "date", today, "targets", (json_t *)targets, "inspectors", insp);
        rc = content != NULL ? canon_hash(ctx, content, &text, &hash, err)
                             : SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "pool");
        if (rc == 0) {
            struct st_draw_pool p = {.org_id = org_id,
                                     .content = text,
                                     .content_hash = hash,
                                     .created_at = app_now(ctx),
                                     .created_by = actor != NULL ? actor->user_id : 0};
            rc = st_draw_pool_insert(ctx->db, &p, pool_id, &seq, err);
        }
    }
    if (rc == 0)
        rc = app_audit_in_tx(ctx, actor, "draw.pool", "draw_pool", *pool_id, NULL, err);
    if (rc == 0)
        rc = st_commit(ctx->db, err);
    if (rc != 0)
        (void)st_rollback(ctx->db, NULL);
    json_decref(insp);
    json_decref(content);
    return rc;
}

/*
 * Run core/draw over a pool's content: recusals map a target's "recused" user ids to inspector
 * indices; the result JSON names the targets and inspectors drawn.
 */
static int run_on_pool(struct app_ctx *ctx, const char *pool_text, const char *pool_hash,
                       const char *public_value, int64_t k, int64_t m, const char **seed,
                       json_t **result, struct sx_err *err)
{
    json_t *pool = NULL, *targets, *insp, *t, *out_targets;
    struct draw_recusal *rec;
    struct draw_input in;
    struct draw_result res;
    size_t i, nrec = 0, cap;
    int rc = parse_json(pool_text, &pool, err);
    if (rc != 0)
        return rc;
    targets = json_object_get(pool, "targets");
    insp = json_object_get(pool, "inspectors");
    cap = 0;
    json_array_foreach(targets, i, t) cap += json_array_size(json_object_get(t, "recused"));
    rec = sx_arena_alloc(ctx->arena, (cap + 1) * sizeof(*rec));
    json_array_foreach(targets, i, t)
    {
        size_t j, x;
        json_t *uid, *person;
        json_array_foreach(json_object_get(t, "recused"), j, uid)
        {
            json_array_foreach(insp, x, person)
            {
                if (json_integer_value(json_object_get(person, "user_id")) ==
                    json_integer_value(uid))
                    rec[nrec++] = (struct draw_recusal){i, x};
            }
        }
    }
    in = (struct draw_input){.pool_hash = pool_hash,
                             .public_value = public_value,
                             .n_targets = json_array_size(targets),
                             .n_inspectors = json_array_size(insp),
                             .recusals = rec,
                             .n_recusals = nrec,
                             .k = k > 0 ? (size_t)k : 0,
                             .m = m > 0 ? (size_t)m : 0};
    rc = rec != NULL ? draw_run(lg_sm3, &in, ctx->arena, &res, err)
                     : SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "draw");
    if (rc == 0) {
        out_targets = json_array();
        for (size_t a = 0; a < res.k; a++) {
            json_t *tg = json_array_get(targets, res.targets[a]), *people = json_array();
            for (size_t b = 0; b < res.m; b++) {
                size_t idx = res.inspectors[a * res.m + b];
                json_t *p = json_array_get(insp, idx);
                json_array_append_new(people, json_pack("{sI sO sO sO}", "index", (json_int_t)idx,
                                                        "user_id", json_object_get(p, "user_id"),
                                                        "name", json_object_get(p, "name"),
                                                        "cert_no", json_object_get(p, "cert_no")));
            }
            json_array_append_new(out_targets,
                                  json_pack("{sI sO sO so}", "index", (json_int_t)res.targets[a],
                                            "name", json_object_get(tg, "name"), "uscc",
                                            json_object_get(tg, "uscc"), "inspectors", people));
        }
        *result = json_pack("{so}", "targets", out_targets);
        *seed = sx_arena_strdup(ctx->arena, res.seed_hex);
    }
    json_decref(pool);
    return rc;
}

int app_draw_run(struct app_ctx *ctx, const struct app_principal *actor, int64_t org_id,
                 const char *title, int64_t k, int64_t m, int64_t pool_id, int64_t *draw_id,
                 struct sx_err *err)
{
    struct st_draw_pool pool;
    struct st_draw d = {0};
    json_t *result = NULL;
    int64_t rec_id = 0, seq = 0;
    const char *head = NULL, *text = NULL, *ignored_hash = NULL;
    int rc = app_require_org_role(
        actor, org_id, APP_ROLE_PUBLISHER | APP_ROLE_HEAD | APP_ROLE_ADMIN, "组织双随机抽取", err);
    if (rc == 0 && (title == NULL || title[0] == '\0' || strlen(title) > 400))
        rc = SX_FAIL(err, SX_E_INVALID, "draw-bad-title", "抽取名称无效", DRAW_SOURCE, "title",
                     "抽取名称不能为空，且不超过 400 字节");
    if (rc != 0)
        return rc;
    rc = st_begin(ctx->db, err);
    if (rc != 0)
        return rc;
    rc = pool_id == 0 ? st_draw_pool_latest(ctx->db, org_id, ctx->arena, &pool, err)
                      : st_draw_pool_get(ctx->db, pool_id, ctx->arena, &pool, err);
    if (rc == 0 && pool.org_id != org_id)
        rc = SX_FAIL(err, SX_E_INVALID, "draw-pool-org", "名录不属于本机关", DRAW_SOURCE, "pool_id",
                     "第 %lld 号名录属于其他机关", (long long)pool.id);
    /* the public value: the newest record chain head, fixed before the draw runs */
    if (rc == 0)
        rc = st_record_latest_head(ctx->db, ctx->arena, &rec_id, &head, err);
    if (rc == 0)
        rc = run_on_pool(ctx, pool.content, pool.content_hash, head != NULL ? head : ZERO_HASH, k,
                         m, &d.seed, &result, err);
    if (rc == 0)
        rc = canon_hash(ctx, result, &text, &ignored_hash, err);
    if (rc == 0) {
        d.org_id = org_id;
        d.pool_id = pool.id;
        d.title = title;
        d.k = k;
        d.m = m;
        d.pool_hash = pool.content_hash;
        d.public_value = head != NULL ? head : ZERO_HASH;
        d.public_source =
            rec_id > 0 ? sx_arena_printf(ctx->arena, "record:%lld", (long long)rec_id) : "none";
        d.result = text;
        d.created_at = app_now(ctx);
        d.created_by = actor != NULL ? actor->user_id : 0;
        rc = st_draw_insert(ctx->db, &d, draw_id, &seq, err);
    }
    if (rc == 0)
        rc = app_audit_in_tx(ctx, actor, "draw.run", "draw", *draw_id, NULL, err);
    if (rc == 0)
        rc = st_commit(ctx->db, err);
    if (rc != 0)
        (void)st_rollback(ctx->db, NULL);
    json_decref(result);
    return rc;
}

static json_t *draw_json(const struct st_draw *d)
{
    json_t *result = json_loads(d->result, 0, NULL);
    return json_pack(
        "{sI sI sI sI ss sI sI ss ss ss ss so ss s{ss ss ss}}", "id", (json_int_t)d->id, "org_id",
        (json_int_t)d->org_id, "seq", (json_int_t)d->seq, "pool_id", (json_int_t)d->pool_id,
        "title", d->title, "k", (json_int_t)d->k, "m", (json_int_t)d->m, "pool_hash", d->pool_hash,
        "public_value", d->public_value, "public_source", d->public_source, "seed", d->seed,
        "result", result != NULL ? result : json_null(), "created_at", d->created_at, "algorithm",
        "name", DRAW_DOMAIN, "description",
        "种子 = SM3(\"" DRAW_DOMAIN "\" 换行 名录哈希 换行 公开随机值 换行 k 换行 m)；"
        "随机数流 = SM3(种子 ‖ 4 字节大端计数器) 逐块取 4 字节大端整数；"
        "区间取值用拒绝采样；依次用部分 Fisher-Yates 洗牌抽取检查对象和每个对象的检查人员",
        "reference", "scripts/draw_verify.py");
}

int app_draw_portal_get(struct app_ctx *ctx, int64_t draw_id, json_t **out, struct sx_err *err)
{
    struct st_draw d;
    int rc = st_draw_get(ctx->db, draw_id, ctx->arena, &d, err);
    if (rc != 0)
        return rc;
    *out = draw_json(&d);
    return *out != NULL ? 0 : SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "draw");
}

int app_pool_portal_get(struct app_ctx *ctx, int64_t pool_id, json_t **out, struct sx_err *err)
{
    struct st_draw_pool p;
    json_t *content = NULL;
    int rc = st_draw_pool_get(ctx->db, pool_id, ctx->arena, &p, err);
    if (rc == 0)
        rc = parse_json(p.content, &content, err);
    if (rc != 0)
        return rc;
    /* the canonical text is what the hash covers: give it verbatim so anyone can re-hash it */
    *out = json_pack("{sI sI sI ss ss so ss}", "id", (json_int_t)p.id, "org_id",
                     (json_int_t)p.org_id, "seq", (json_int_t)p.seq, "content_hash", p.content_hash,
                     "created_at", p.created_at, "content", content, "canonical_text", p.content);
    return *out != NULL ? 0 : SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "pool");
}

int app_draw_portal_list(struct app_ctx *ctx, int64_t org_id, int64_t after_id, int limit,
                         json_t **items, int *more, int64_t *last_id, struct sx_err *err)
{
    struct st_draw *ds = NULL;
    size_t n = 0;
    int rc = st_draw_list(ctx->db, org_id, after_id, limit, ctx->arena, &ds, &n, more, err);
    if (rc != 0)
        return rc;
    *items = json_array();
    *last_id = after_id;
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(*items, draw_json(&ds[i]));
        *last_id = ds[i].id;
    }
    return 0;
}

int app_draw_verify(struct app_ctx *ctx, int64_t draw_id, json_t **out, struct sx_err *err)
{
    struct st_draw d;
    struct st_draw_pool p;
    json_t *result = NULL;
    const char *seed = NULL, *text = NULL, *hash = NULL, *pool_text = NULL, *pool_hash = NULL;
    json_t *pool_json = NULL;
    int rc = st_draw_get(ctx->db, draw_id, ctx->arena, &d, err);
    if (rc == 0)
        rc = st_draw_pool_get(ctx->db, d.pool_id, ctx->arena, &p, err);
    /* the pool must still hash to what the draw used */
    if (rc == 0)
        rc = parse_json(p.content, &pool_json, err);
    if (rc == 0)
        rc = canon_hash(ctx, pool_json, &pool_text, &pool_hash, err);
    if (rc == 0)
        rc =
            run_on_pool(ctx, p.content, d.pool_hash, d.public_value, d.k, d.m, &seed, &result, err);
    if (rc == 0)
        rc = canon_hash(ctx, result, &text, &hash, err);
    if (rc == 0) {
        int pool_ok = strcmp(pool_hash, d.pool_hash) == 0 && strcmp(pool_text, p.content) == 0;
        int match = pool_ok && strcmp(seed, d.seed) == 0 && strcmp(text, d.result) == 0;
        *out = json_pack("{sI sb sb ss ss so}", "draw_id", (json_int_t)d.id, "match", match,
                         "pool_hash_ok", pool_ok, "seed", seed, "stored_seed", d.seed, "result",
                         result);
        result = NULL;
        if (*out == NULL)
            rc = SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "verify");
    }
    json_decref(result);
    json_decref(pool_json);
    return rc;
}

/* ---- demo ---- */

int app_prepub_demo_org(struct app_ctx *ctx, int64_t org_id, const struct app_principal *head,
                        int n, struct sx_err *err)
{
    struct st_org o;
    struct st_user *u = NULL;
    size_t nu = 0;
    json_t *sec = NULL, *photos, *targets = NULL;
    int64_t vid = 0, ver = 0, pool_id = 0, draw_id = 0;
    const char *today = app_today(ctx);
    int year = (int)strtol(today, NULL, 10);
    int rc = st_org_get(ctx->db, org_id, ctx->arena, &o, err);
    if (rc == 0)
        rc = st_user_list_by_role(ctx->db, org_id, "officer", ctx->arena, &u, &nu, err);
    if (rc != 0)
        return rc;
    photos = json_object();
    for (size_t i = 0; i < nu; i++)
        json_object_set_new(
            photos, sx_arena_printf(ctx->arena, "%lld", (long long)u[i].id),
            json_string(sx_arena_printf(ctx->arena, "demo-photos/%s.jpg", u[i].username)));
    sec = json_pack(
        "{s[{ss ss ss} {ss ss ss}] s[{ss ss} {ss ss} {ss ss}] s[{ss ss}] "
        "s[{ss ss ss ss ss ss ss}] s[{ss ss} {ss ss}] s[{ss ss}] s[{ss ss}] ss "
        "s{si ss ss} so}",
        "powers", "name", "对定点医药机构违法使用医疗保障基金行为的行政处罚", "kind", "行政处罚",
        "basis", "《医疗保障基金使用监督管理条例》第三十八条至第四十一条", "name",
        "医疗保障基金使用监督检查", "kind", "行政检查", "basis",
        "《医疗保障基金使用监督管理条例》第二十七条", "procedures", "kind", "penalty",
        "description", "行政处罚一般程序", "kind", "inspection", "description", "行政检查", "kind",
        "coercion", "description", "行政强制", "service_guides", "title", "行政处罚听证申请指南",
        "content", "当事人可自收到行政处罚告知书之日起五个工作日内提出听证申请。",
        "inspection_items", "subject", o.name, "basis",
        "《医疗保障基金使用监督管理条例》第二十七条", "object", "定点医药机构", "content",
        "医疗保障基金使用情况", "ratio", "不低于 5%", "method", "双随机、一公开", "frequency",
        "每年至少一次", "remedies", "title", "行政复议", "content",
        "自知道该行政行为之日起六十日内依法申请行政复议。", "title", "行政诉讼", "content",
        "自知道或者应当知道作出行政行为之日起六个月内依法提起行政诉讼。", "discretion", "title",
        "医疗保障行政处罚裁量基准", "content", "依据违法情节、危害后果和改正情况分档裁量。",
        "hearing_standards", "title", "听证标准", "content",
        "较大数额罚款、没收较大数额违法所得等，当事人可要求听证。", "report_hotline",
        o.supervise_phone != NULL ? o.supervise_phone : "12393", "inspection_plan", "year", year,
        "title", sx_arena_printf(ctx->arena, "%d年度医疗保障基金监督检查计划", year), "content",
        "按照双随机、一公开要求，对辖区定点医药机构开展监督检查。", "officer_photos", photos);
    if (sec == NULL)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "demo prepub");
    rc = app_prepub_draft(ctx, NULL, org_id, sec, &vid, &ver, err);
    if (rc == 0)
        rc = app_prepub_approve(ctx, head, vid, err);
    if (rc == 0)
        rc = app_prepub_publish(ctx, NULL, vid, err);
    targets = json_array();
    for (int i = 0; rc == 0 && i < 6; i++) {
        char first17[18], code[IDS_BUFSZ];
        snprintf(first17, sizeof(first17), "91530100MA%03u%04u", (unsigned)n % 1000u,
                 (unsigned)(i + 1) % 10000u);
        rc = ids_uscc_make(first17, code, err);
        if (rc == 0)
            json_array_append_new(targets,
                                  json_pack("{ss ss}", "name",
                                            sx_arena_printf(ctx->arena, "%s辖区某某大药房第%d分店",
                                                            o.short_name, i + 1),
                                            "uscc", code));
    }
    if (rc == 0)
        rc = app_pool_publish(ctx, NULL, org_id, targets, &pool_id, err);
    if (rc == 0)
        rc = app_draw_run(ctx, head, org_id,
                          sx_arena_printf(ctx->arena, "%d年度定点医药机构双随机抽查", year), 2, 2,
                          pool_id, &draw_id, err);
    json_decref(targets);
    json_decref(sec);
    return rc;
}
