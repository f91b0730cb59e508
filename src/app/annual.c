/*
 * annual: gathering the facts of the annual statistics report from the store, filing,
 * approving and publishing its versions, and rendering it as CSV and XLSX (see annual.h).
 * Each write is one transaction with its audit entry.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "app/annual.h"
#include "app/identity.h"
#include "app/publicity.h"
#include "app/prepub.h"
#include "core/annual.h"
#include "core/canon.h"
#include "core/prepub.h"
#include "ledger/crypto.h"
#include "store/store.h"

#define SRC_APPROVE "湖北 附件1 第十七条 (HB-1-17)"
#define CONTENT_MAX ((size_t)8 << 20)
#define PORTAL_PATH "/api/v1/portal/reports/"

#define NOMEM(err, what) SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "%s", what)

/* ---- access ---- */

/* Staff may read the reports of their own org and of the orgs below it. */
static int require_read(struct app_ctx *ctx, const struct app_principal *actor, int64_t org_id,
                        struct sx_err *err)
{
    int64_t *ids = NULL;
    size_t n = 0;
    struct sx_err ignored;
    if (actor == NULL || actor->org_id == org_id ||
        (actor->roles & (APP_ROLE_ADMIN | APP_ROLE_SUPERVISOR)) != 0)
        return 0;
    if (st_org_subtree(ctx->db, actor->org_id, ctx->arena, &ids, &n, &ignored) == 0)
        for (size_t i = 0; i < n; i++)
            if (ids[i] == org_id)
                return 0;
    return SX_FAIL(err, SX_E_FORBIDDEN, "org-scope", "只能查看本机关及下级机关的统计年报",
                   ANNUAL_SOURCE, "org", "该机关不在本机关管辖范围内");
}

static int check_year(int year, struct sx_err *err)
{
    if (year < 2000 || year > 2999)
        return SX_FAIL(err, SX_E_INVALID, "annual-year", "统计年度不正确", ANNUAL_SOURCE, "year",
                       "年度应在 2000–2999 之间：%d", year);
    return 0;
}

/* ---- gathering the facts ---- */

struct facts {
    struct annual_org *orgs;
    size_t n_orgs;
    struct annual_user *users;
    size_t n_users, cap_users;
    struct annual_case *cases;
    size_t n_cases, cap_cases;
    struct annual_pub *pubs;
    size_t n_pubs, cap_pubs;
    struct sx_arena *arena;
    int year;
};

/* Grow an arena array of elsize elements to hold one more. */
static void *grow(struct sx_arena *a, void *arr, size_t n, size_t *cap, size_t elsize)
{
    void *bigger;
    if (n < *cap)
        return arr;
    *cap = *cap == 0 ? 64 : *cap * 2;
    bigger = sx_arena_alloc(a, *cap * elsize);
    if (bigger != NULL && n > 0)
        memcpy(bigger, arr, n * elsize);
    return bigger;
}

static int gather_orgs(struct app_ctx *ctx, int64_t org_id, struct facts *f, int64_t **ids,
                       size_t *n, struct sx_err *err)
{
    int rc = st_org_subtree(ctx->db, org_id, ctx->arena, ids, n, err);
    if (rc != 0)
        return rc;
    f->orgs = sx_arena_alloc(ctx->arena, *n * sizeof(*f->orgs));
    if (f->orgs == NULL)
        return NOMEM(err, "annual orgs");
    for (size_t i = 0; i < *n && rc == 0; i++) {
        struct st_org o;
        rc = st_org_get(ctx->db, (*ids)[i], ctx->arena, &o, err);
        if (rc == 0)
            f->orgs[i] = (struct annual_org){o.id, o.parent_id, o.code, o.name, o.level};
    }
    f->n_orgs = *n;
    return rc;
}

static int gather_users(struct app_ctx *ctx, struct facts *f, struct sx_err *err)
{
    for (size_t o = 0; o < f->n_orgs; o++) {
        int64_t after = 0;
        int more = 1;
        while (more) {
            struct st_user *u = NULL;
            size_t n = 0;
            int rc = st_user_list(ctx->db, f->orgs[o].id, after, ST_LIST_MAX, ctx->arena, &u, &n,
                                  &more, err);
            if (rc != 0)
                return rc;
            for (size_t i = 0; i < n; i++) {
                after = u[i].id;
                if (u[i].disabled)
                    continue; /* no longer in post */
                f->users = grow(ctx->arena, f->users, f->n_users, &f->cap_users, sizeof(*f->users));
                if (f->users == NULL)
                    return NOMEM(err, "annual users");
                f->users[f->n_users++] =
                    (struct annual_user){u[i].org_id,  u[i].roles,           u[i].post,
                                         u[i].cert_no, u[i].cert_valid_from, u[i].cert_valid_to};
            }
            if (n == 0)
                break;
        }
    }
    return 0;
}

static int gather_cases(struct app_ctx *ctx, const int64_t *ids, size_t n_ids, struct facts *f,
                        struct sx_err *err)
{
    struct st_case_filter filter = {.org_ids = ids, .n_org_ids = n_ids, .limit = ST_LIST_MAX};
    int more = 1;
    while (more) {
        struct st_case *c = NULL;
        size_t n = 0;
        int rc = st_case_list(ctx->db, &filter, ctx->arena, &c, &n, &more, err);
        if (rc != 0)
            return rc;
        for (size_t i = 0; i < n; i++) {
            char d[11];
            struct annual_case *ac;
            filter.after_id = c[i].id;
            f->cases = grow(ctx->arena, f->cases, f->n_cases, &f->cap_cases, sizeof(*f->cases));
            if (f->cases == NULL)
                return NOMEM(err, "annual cases");
            ac = &f->cases[f->n_cases++];
            memset(ac, 0, sizeof(*ac));
            ac->id = c[i].id;
            ac->org_id = c[i].org_id;
            ac->kind = c[i].kind;
            ac->source = c[i].source;
            ac->state = c[i].state;
            rc = annual_cst_date(c[i].created_at, d, err);
            if (rc != 0)
                return rc;
            ac->created_on = sx_arena_strdup(ctx->arena, d);
        }
        if (n == 0)
            break;
    }
    return 0;
}

/* The case of id in f (cases are in id order), or NULL. */
static struct annual_case *find_case(struct facts *f, int64_t id)
{
    size_t lo = 0, hi = f->n_cases;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (f->cases[mid].id == id)
            return &f->cases[mid];
        if (f->cases[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int64_t int_member(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

static const char *str_member(struct sx_arena *a, const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s != NULL ? sx_arena_strdup(a, s) : NULL;
}

/* A decision record: the case's decision facts (a later decision of a case replaces one). */
static int on_decision(void *vf, const struct st_record *rec, struct sx_err *err)
{
    struct facts *f = vf;
    struct annual_case *c = find_case(f, rec->case_id);
    json_error_t je;
    json_t *body;
    if (c == NULL)
        return 0;
    body = json_loads(rec->body != NULL ? rec->body : "", 0, &je);
    if (body == NULL)
        return SX_FAIL(err, SX_E_INTERNAL, "stored-json", "存储的数据无法解析", "", "", "%s",
                       je.text);
    c->decided_on = str_member(f->arena, body, "decided_on");
    c->outcome = str_member(f->arena, body, "outcome");
    c->warning = json_is_true(json_object_get(body, "warning"));
    c->fine_fen = int_member(body, "fine_fen");
    c->confiscation_fen = int_member(body, "confiscation_fen");
    c->recovery_fen = int_member(body, "recovery_fen");
    c->measure = str_member(f->arena, body, "measure");
    json_decref(body);
    return 0;
}

static int gather_decisions(struct app_ctx *ctx, struct facts *f, struct sx_err *err)
{
    if (f->n_cases == 0)
        return 0;
    f->arena = ctx->arena;
    return st_record_scan_brief(ctx->db, f->cases[0].id, f->cases[f->n_cases - 1].id,
                                "[\"decision\",\"coercion_decision\"]", on_decision, f, err);
}

static int gather_pubs(struct app_ctx *ctx, const int64_t *ids, size_t n_ids, struct facts *f,
                       struct sx_err *err)
{
    int64_t after = 0;
    int more = 1;
    while (more) {
        struct st_pub_item *it = NULL;
        size_t n = 0;
        int rc = st_pub_list(ctx->db, ids, n_ids, NULL, after, ST_LIST_MAX, ctx->arena, &it, &n,
                             &more, err);
        if (rc != 0)
            return rc;
        for (size_t i = 0; i < n; i++) {
            after = it[i].id;
            f->pubs = grow(ctx->arena, f->pubs, f->n_pubs, &f->cap_pubs, sizeof(*f->pubs));
            if (f->pubs == NULL)
                return NOMEM(err, "annual pubs");
            f->pubs[f->n_pubs++] =
                (struct annual_pub){it[i].org_id, it[i].case_kind,    it[i].state,
                                    it[i].form,   it[i].published_on, it[i].due_on};
        }
        if (n == 0)
            break;
    }
    return 0;
}

/* Targets drawn by the year's 双随机 draws of the orgs (the inspection plan put into effect). */
static int gather_planned(struct app_ctx *ctx, struct facts *f, int64_t *planned,
                          struct sx_err *err)
{
    *planned = 0;
    for (size_t o = 0; o < f->n_orgs; o++) {
        int64_t after = 0;
        int more = 1;
        while (more) {
            struct st_draw *d = NULL;
            size_t n = 0;
            int rc = st_draw_list(ctx->db, f->orgs[o].id, after, ST_LIST_MAX, ctx->arena, &d, &n,
                                  &more, err);
            if (rc != 0)
                return rc;
            for (size_t i = 0; i < n; i++) {
                char day[11];
                after = d[i].id;
                if (annual_cst_date(d[i].created_at, day, err) != 0)
                    return SX_E_INVALID;
                if (annual_in_year(day, f->year))
                    *planned += d[i].k;
            }
            if (n == 0)
                break;
        }
    }
    return 0;
}

int app_annual_compute(struct app_ctx *ctx, int64_t org_id, int year, json_t **out,
                       struct sx_err *err)
{
    struct facts f;
    struct annual_input in;
    struct prepub_plan_status ps;
    struct sx_err ignored;
    int64_t *ids = NULL, planned = 0;
    size_t n_ids = 0;
    int has_plan;
    int rc = check_year(year, err);
    if (rc != 0)
        return rc;
    memset(&f, 0, sizeof(f));
    f.year = year;
    rc = st_begin_read(ctx->db, err); /* one consistent snapshot for every figure */
    if (rc != 0)
        return rc;
    rc = gather_orgs(ctx, org_id, &f, &ids, &n_ids, err);
    if (rc == 0)
        rc = gather_users(ctx, &f, err);
    if (rc == 0)
        rc = gather_cases(ctx, ids, n_ids, &f, err);
    if (rc == 0)
        rc = gather_decisions(ctx, &f, err);
    if (rc == 0)
        rc = gather_pubs(ctx, ids, n_ids, &f, err);
    if (rc == 0)
        rc = gather_planned(ctx, &f, &planned, err);
    has_plan =
        rc == 0 && app_prepub_plan_status(ctx, org_id, year, app_today(ctx), &ps, &ignored) == 0;
    (void)st_rollback(ctx->db, NULL); /* read only */
    if (rc != 0)
        return rc;
    in = (struct annual_input){.year = year,
                               .orgs = f.orgs,
                               .n_orgs = f.n_orgs,
                               .users = f.users,
                               .n_users = f.n_users,
                               .cases = f.cases,
                               .n_cases = f.n_cases,
                               .pubs = f.pubs,
                               .n_pubs = f.n_pubs,
                               .plan_state = has_plan ? prepub_plan_state_name(ps.state) : NULL,
                               .plan_state_zh = has_plan ? prepub_plan_state_zh(ps.state) : NULL,
                               .planned_targets = planned};
    return annual_compute(&in, out, err);
}

/* ---- versions ---- */

static json_t *str_or_null(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}

static const char *version_state(const struct st_annual *v)
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
    return "待负责人审批";
}

/* The CST date of a stored timestamp, in the arena (NULL for NULL). */
static const char *cst_day(struct app_ctx *ctx, const char *ts)
{
    char d[11];
    struct sx_err ignored;
    if (ts == NULL || annual_cst_date(ts, d, &ignored) != 0)
        return NULL;
    return sx_arena_strdup(ctx->arena, d);
}

/* A version's metadata (with_report: and its content). */
static int version_json(struct app_ctx *ctx, const struct st_annual *v, int with_report,
                        json_t **out, struct sx_err *err)
{
    const char *state = version_state(v);
    json_t *o = json_pack(
        "{sI sI si sI ss ss ss so so so ss}", "id", (json_int_t)v->id, "org_id",
        (json_int_t)v->org_id, "year", v->year, "version", (json_int_t)v->version, "state", state,
        "state_zh", state_zh(state), "created_at", v->created_at, "approved_at",
        str_or_null(v->approved_at), "published_at", str_or_null(v->published_at), "published_on",
        str_or_null(cst_day(ctx, v->published_at)), "content_hash", v->content_hash);
    if (o != NULL && with_report) {
        json_error_t je;
        json_t *r = json_loads(v->content, JSON_REJECT_DUPLICATES, &je);
        if (r == NULL) {
            json_decref(o);
            return SX_FAIL(err, SX_E_INTERNAL, "stored-json", "存储的数据无法解析", "", "", "%s",
                           je.text);
        }
        json_object_set_new(o, "report", r);
    }
    if (o == NULL)
        return NOMEM(err, "annual version");
    *out = o;
    return 0;
}

/* Publication status of (org, year): due 31 January of the next year (HB-1-15, YN-1-15). */
static int publication_json(struct app_ctx *ctx, const struct st_annual *vs, size_t n, int year,
                            json_t **out, struct sx_err *err)
{
    const char *first = NULL, *state, *zh;
    char due[11];
    int rc;
    for (size_t i = 0; i < n; i++) { /* newest first: the last published is the first one */
        const char *d = cst_day(ctx, vs[i].published_at);
        if (d != NULL && (first == NULL || strcmp(d, first) < 0))
            first = d;
    }
    rc = annual_due_status(year, first, app_today(ctx), due, &state, &zh, err);
    if (rc != 0)
        return rc;
    *out = json_pack("{ss ss ss so sb ss}", "due", due, "state", state, "state_zh", zh,
                     "published_on", str_or_null(first), "overdue", strcmp(state, "overdue") == 0,
                     "source", ANNUAL_DUE_SOURCE);
    return *out != NULL ? 0 : NOMEM(err, "annual publication");
}

int app_annual_staff_get(struct app_ctx *ctx, const struct app_principal *actor, int64_t org_id,
                         int year, json_t **out, struct sx_err *err)
{
    struct st_annual *vs = NULL;
    size_t n = 0;
    json_t *report = NULL, *versions = NULL, *pub = NULL;
    int rc = check_year(year, err);
    if (rc == 0)
        rc = require_read(ctx, actor, org_id, err);
    if (rc == 0)
        rc = app_annual_compute(ctx, org_id, year, &report, err);
    if (rc == 0)
        rc = st_annual_list(ctx->db, org_id, year, ctx->arena, &vs, &n, err);
    if (rc == 0)
        rc = publication_json(ctx, vs, n, year, &pub, err);
    if (rc == 0) {
        versions = json_array();
        for (size_t i = 0; i < n && rc == 0; i++) {
            json_t *v = NULL;
            rc = version_json(ctx, &vs[i], 0, &v, err);
            if (rc == 0)
                json_array_append_new(versions, v);
        }
    }
    if (rc == 0) {
        *out = json_pack("{so so so}", "report", report, "versions", versions, "publication", pub);
        report = versions = pub = NULL;
        if (*out == NULL)
            rc = NOMEM(err, "annual staff view");
    }
    json_decref(report);
    json_decref(versions);
    json_decref(pub);
    return rc;
}

int app_annual_version_get(struct app_ctx *ctx, const struct app_principal *actor,
                           int64_t report_id, json_t **out, struct sx_err *err)
{
    struct st_annual v;
    int rc = st_annual_get(ctx->db, report_id, ctx->arena, &v, err);
    if (rc == 0)
        rc = require_read(ctx, actor, v.org_id, err);
    if (rc == 0)
        rc = version_json(ctx, &v, 1, out, err);
    return rc;
}

int app_annual_file(struct app_ctx *ctx, const struct app_principal *actor, int64_t org_id,
                    int year, int64_t *report_id, struct sx_err *err)
{
    json_t *report = NULL;
    struct sx_buf b;
    uint8_t md[LG_SM3_LEN];
    char hex[LG_SM3_HEX_LEN + 1];
    const char *today = app_today(ctx);
    int64_t version = 0;
    int this_year = 0;
    int rc = app_require_org_role(actor, org_id, APP_ROLE_PUBLISHER | APP_ROLE_ADMIN,
                                  "编制统计年报", err);
    if (rc == 0)
        rc = check_year(year, err);
    if (rc == 0 && today != NULL && sscanf(today, "%4d", &this_year) == 1 && this_year <= year)
        rc = SX_FAIL(err, SX_E_INVALID, "annual-year-open", "统计年度尚未结束", ANNUAL_SOURCE,
                     "year", "%d 年度尚未结束（北京时间），年报统计上年度数据", year);
    if (rc != 0)
        return rc;
    rc = app_annual_compute(ctx, org_id, year, &report, err);
    if (rc != 0)
        return rc;
    sx_buf_init(&b, CONTENT_MAX);
    rc = canon_json(report, &b, err);
    if (rc == 0)
        rc = lg_sm3(b.data, b.len, md, err);
    if (rc == 0) {
        lg_hex_encode(md, LG_SM3_LEN, hex);
        rc = st_begin(ctx->db, err);
    }
    if (rc == 0) {
        rc = st_annual_insert(ctx->db, org_id, year, b.data, hex, app_now(ctx),
                              actor != NULL ? actor->user_id : 0, report_id, &version, err);
        if (rc == 0)
            rc = app_audit_in_tx(ctx, actor, "annual.file", "annual_report", *report_id, NULL, err);
        if (rc == 0)
            rc = st_commit(ctx->db, err);
        if (rc != 0)
            (void)st_rollback(ctx->db, NULL);
    }
    sx_buf_free(&b);
    json_decref(report);
    return rc;
}

static int report_event(struct app_ctx *ctx, const struct app_principal *actor, int64_t report_id,
                        int publish, struct sx_err *err)
{
    struct st_annual v, *vs = NULL;
    size_t n = 0;
    int rc = st_begin(ctx->db, err);
    if (rc != 0)
        return rc;
    rc = st_annual_get(ctx->db, report_id, ctx->arena, &v, err);
    if (rc == 0)
        rc = publish ? app_require_org_role(actor, v.org_id, APP_ROLE_PUBLISHER | APP_ROLE_ADMIN,
                                            "公开统计年报", err)
                     : app_require_org_role(actor, v.org_id, APP_ROLE_HEAD, "审批统计年报", err);
    if (rc == 0)
        rc = app_pub_version_order("annual", publish, v.version, v.approved_at, v.published_at,
                                   SRC_APPROVE, err);
    if (rc == 0)
        rc = st_annual_list(ctx->db, v.org_id, v.year, ctx->arena, &vs, &n, err);
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (vs[i].version > v.version && vs[i].published_at != NULL)
            rc = SX_FAIL(err, SX_E_CONFLICT, "annual-stale", "已有更新的版本公开", SRC_APPROVE,
                         "version", "第 %lld 版已公开，不能再审批或公开更早的第 %lld 版",
                         (long long)vs[i].version, (long long)v.version);
    if (rc == 0)
        rc = st_annual_event_insert(ctx->db, report_id, publish ? "publish" : "approve",
                                    app_now(ctx), actor != NULL ? actor->user_id : 0, err);
    if (rc == 0)
        rc = app_audit_in_tx(ctx, actor, publish ? "annual.publish" : "annual.approve",
                             "annual_report", report_id, NULL, err);
    if (rc == 0)
        rc = st_commit(ctx->db, err);
    if (rc != 0)
        (void)st_rollback(ctx->db, NULL);
    return rc;
}

int app_annual_approve(struct app_ctx *ctx, const struct app_principal *actor, int64_t report_id,
                       struct sx_err *err)
{
    return report_event(ctx, actor, report_id, 0, err);
}

int app_annual_publish(struct app_ctx *ctx, const struct app_principal *actor, int64_t report_id,
                       struct sx_err *err)
{
    return report_event(ctx, actor, report_id, 1, err);
}

/* ---- portal ---- */

int app_annual_portal_list(struct app_ctx *ctx, json_t **out, struct sx_err *err)
{
    struct st_annual *vs = NULL;
    size_t n = 0;
    json_t *items;
    int rc = st_annual_published(ctx->db, 0, 0, ctx->arena, &vs, &n, err);
    if (rc != 0)
        return rc;
    items = json_array();
    for (size_t i = 0; i < n && rc == 0; i++) {
        json_error_t je;
        json_t *r, *item;
        /* rows come newest version first within (year, org): keep the first of each */
        if (i > 0 && vs[i].org_id == vs[i - 1].org_id && vs[i].year == vs[i - 1].year)
            continue;
        r = json_loads(vs[i].content, 0, &je);
        if (r == NULL) {
            rc = SX_FAIL(err, SX_E_INTERNAL, "stored-json", "存储的数据无法解析", "", "", "%s",
                         je.text);
            break;
        }
        item = json_pack("{sI sO si sI so sO s{ss+ ss+ ss+}}", "org_id", (json_int_t)vs[i].org_id,
                         "org_name", json_object_get(r, "org_name"), "year", vs[i].year, "version",
                         (json_int_t)vs[i].version, "published_on",
                         str_or_null(cst_day(ctx, vs[i].published_at)), "counts",
                         json_object_get(r, "counts"), "links", "json",
                         sx_arena_printf(ctx->arena, PORTAL_PATH "%lld/", (long long)vs[i].org_id),
                         sx_arena_printf(ctx->arena, "%d", vs[i].year), "csv",
                         sx_arena_printf(ctx->arena, PORTAL_PATH "%lld/", (long long)vs[i].org_id),
                         sx_arena_printf(ctx->arena, "%d.csv", vs[i].year), "xlsx",
                         sx_arena_printf(ctx->arena, PORTAL_PATH "%lld/", (long long)vs[i].org_id),
                         sx_arena_printf(ctx->arena, "%d.xlsx", vs[i].year));
        json_decref(r);
        if (item == NULL || json_array_append_new(items, item) != 0)
            rc = NOMEM(err, "annual portal list");
    }
    if (rc == 0) {
        *out = json_pack("{so}", "items", items);
        items = NULL;
        if (*out == NULL)
            rc = NOMEM(err, "annual portal list");
    }
    json_decref(items);
    return rc;
}

int app_annual_portal_get(struct app_ctx *ctx, int64_t org_id, int year, enum app_annual_format fmt,
                          struct sx_buf *out, struct sx_err *err)
{
    struct st_annual *vs = NULL;
    size_t n = 0;
    json_t *o = NULL;
    int rc = check_year(year, err);
    if (rc == 0)
        rc = st_annual_published(ctx->db, org_id, year, ctx->arena, &vs, &n, err);
    if (rc == 0 && n == 0)
        rc = SX_FAIL(err, SX_E_NOTFOUND, "not-found", "未找到已公开的统计年报", ANNUAL_SOURCE,
                     "year", "该机关 %d 年度的统计年报尚未公开", year);
    if (rc == 0)
        rc = version_json(ctx, &vs[0], 1, &o, err);
    if (rc == 0 && fmt == APP_ANNUAL_JSON) {
        char *text = json_dumps(o, JSON_COMPACT);
        rc = text == NULL ? NOMEM(err, "annual json") : sx_buf_puts(out, text);
        if (rc != 0 && text != NULL)
            rc = SX_FAIL(err, SX_E_TOOBIG, "too-big", "数据过大", "", "", "annual json");
        free(text);
    } else if (rc == 0) {
        rc = app_annual_render(json_object_get(o, "report"), fmt, out, err);
    }
    json_decref(o);
    return rc;
}

/* ---- rendering ---- */

static const char *cell_text(struct sx_arena *a, const json_t *v)
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v))
        return sx_arena_printf(a, "%lld", (long long)json_integer_value(v));
    return "";
}

static int csv_field(struct sx_buf *b, const char *s)
{
    int rc = sx_buf_putc(b, '"');
    for (; rc == 0 && *s != '\0'; s++)
        rc = *s == '"' ? sx_buf_puts(b, "\"\"") : sx_buf_putc(b, *s);
    return rc == 0 ? sx_buf_putc(b, '"') : rc;
}

static int render_csv(const json_t *tables, struct sx_arena *a, struct sx_buf *out,
                      struct sx_err *err)
{
    const json_t *t, *row, *cell;
    size_t i, j, k;
    /* the BOM tells spreadsheet programs the file is UTF-8 (Chinese labels) */
    int rc = sx_buf_puts(out, "\xEF\xBB\xBF\"表\",\"项目\",\"数值\",\"数值2\",\"数值3\"\r\n");
    json_array_foreach(tables, i, t)
    {
        json_array_foreach(json_object_get(t, "rows"), j, row)
        {
            if (rc == 0)
                rc = csv_field(out, json_string_value(json_object_get(t, "sheet")));
            json_array_foreach(row, k, cell)
            {
                if (rc == 0)
                    rc = sx_buf_putc(out, ',');
                if (rc == 0)
                    rc = csv_field(out, cell_text(a, cell));
            }
            if (rc == 0)
                rc = sx_buf_puts(out, "\r\n");
        }
    }
    if (rc != 0)
        return SX_FAIL(err, SX_E_TOOBIG, "too-big", "数据过大", "", "", "annual csv");
    return 0;
}

static int render_xlsx(const json_t *tables, const json_t *report, struct sx_arena *a,
                       struct sx_buf *out, struct sx_err *err)
{
    char path[] = "/tmp/sanxiang-annual-XXXXXX";
    int fd = mkstemp(path), rc = 0;
    lxw_workbook *wb;
    lxw_format *bold;
    const json_t *t, *row, *cell;
    size_t i, j, k;
    FILE *f;
    if (fd < 0)
        return SX_FAIL(err, SX_E_IO, "io", "无法创建临时文件", "", "", "%s", strerror(errno));
    close(fd);
    wb = workbook_new(path);
    if (wb == NULL) {
        unlink(path);
        return SX_FAIL(err, SX_E_IO, "xlsx", "无法生成电子表格", "", "", "workbook_new");
    }
    bold = workbook_add_format(wb);
    format_set_bold(bold);
    json_array_foreach(tables, i, t)
    {
        lxw_worksheet *ws =
            workbook_add_worksheet(wb, json_string_value(json_object_get(t, "sheet")));
        if (ws == NULL) {
            rc = SX_FAIL(err, SX_E_IO, "xlsx", "无法生成电子表格", "", "", "worksheet");
            break;
        }
        worksheet_set_column(ws, 0, 0, 40, NULL);
        worksheet_set_column(ws, 1, 3, 18, NULL);
        /* a title row naming the org, year and source, then the column heads */
        worksheet_write_string(
            ws, 0, 0,
            sx_arena_printf(a, "%s %lld 年度行政执法统计年报（%s）",
                            json_string_value(json_object_get(report, "org_name")),
                            (long long)json_integer_value(json_object_get(report, "year")),
                            ANNUAL_SOURCE),
            bold);
        json_array_foreach(json_object_get(t, "columns"), k, cell)
            worksheet_write_string(ws, 1, (lxw_col_t)k, json_string_value(cell), bold);
        json_array_foreach(json_object_get(t, "rows"), j, row)
        {
            json_array_foreach(row, k, cell)
            {
                if (json_is_integer(cell))
                    worksheet_write_number(ws, (lxw_row_t)(j + 2), (lxw_col_t)k,
                                           (double)json_integer_value(cell), NULL);
                else
                    worksheet_write_string(ws, (lxw_row_t)(j + 2), (lxw_col_t)k, cell_text(a, cell),
                                           NULL);
            }
        }
    }
    if (workbook_close(wb) != LXW_NO_ERROR && rc == 0)
        rc = SX_FAIL(err, SX_E_IO, "xlsx", "无法生成电子表格", "", "", "workbook_close");
    f = rc == 0 ? fopen(path, "rb") : NULL;
    if (rc == 0 && f == NULL)
        rc = SX_FAIL(err, SX_E_IO, "io", "无法读取临时文件", "", "", "%s", strerror(errno));
    while (rc == 0) {
        char buf[16384];
        size_t got = fread(buf, 1, sizeof(buf), f);
        if (got > 0 && sx_buf_append(out, buf, got) != 0)
            rc = SX_FAIL(err, SX_E_TOOBIG, "too-big", "数据过大", "", "", "annual xlsx");
        if (got < sizeof(buf))
            break;
    }
    if (f != NULL)
        fclose(f);
    unlink(path);
    return rc;
}

int app_annual_render(const json_t *report, enum app_annual_format fmt, struct sx_buf *out,
                      struct sx_err *err)
{
    json_t *tables = NULL;
    struct sx_arena a;
    int rc;
    if (fmt == APP_ANNUAL_JSON) {
        char *text = json_dumps(report, JSON_INDENT(2));
        rc = text != NULL && sx_buf_puts(out, text) == 0 ? 0 : NOMEM(err, "annual json");
        free(text);
        return rc;
    }
    rc = annual_tables(report, &tables, err);
    if (rc != 0)
        return rc;
    sx_arena_init(&a, 4096);
    rc = fmt == APP_ANNUAL_CSV ? render_csv(tables, &a, out, err)
                               : render_xlsx(tables, report, &a, out, err);
    sx_arena_free(&a);
    json_decref(tables);
    return rc;
}

/* ---- overview ---- */

static int overview_item(struct app_ctx *ctx, const struct st_org *o, int year, json_t *items,
                         int64_t *overdue, struct sx_err *err)
{
    struct st_annual *vs = NULL;
    size_t n = 0;
    json_t *p = NULL;
    int rc = st_annual_list(ctx->db, o->id, year, ctx->arena, &vs, &n, err);
    if (rc == 0)
        rc = publication_json(ctx, vs, n, year, &p, err);
    if (rc != 0)
        return rc;
    *overdue += json_is_true(json_object_get(p, "overdue"));
    if (json_array_append_new(
            items, json_pack("{sI ss ss sO sO sO sI}", "org_id", (json_int_t)o->id, "code", o->code,
                             "name", o->name, "state", json_object_get(p, "state"), "state_zh",
                             json_object_get(p, "state_zh"), "published_on",
                             json_object_get(p, "published_on"), "versions", (json_int_t)n)) != 0)
        rc = NOMEM(err, "annual overview");
    json_decref(p);
    return rc;
}

int app_annual_overview(struct app_ctx *ctx, const struct app_principal *actor, int year,
                        json_t **out, struct sx_err *err)
{
    json_t *items = json_array();
    int64_t overdue = 0;
    char due[24];
    int rc = 0;
    if (year == 0 && sscanf(app_today(ctx), "%4d", &year) == 1)
        year -= 1; /* the report due now is last year's */
    rc = check_year(year, err);
    if (rc == 0 && (actor == NULL || (actor->roles & (APP_ROLE_ADMIN | APP_ROLE_SUPERVISOR)))) {
        int64_t after = 0;
        int more = 1;
        while (rc == 0 && more) {
            struct st_org *os = NULL;
            size_t n = 0;
            rc = st_org_list(ctx->db, after, ST_LIST_MAX, ctx->arena, &os, &n, &more, err);
            for (size_t i = 0; rc == 0 && i < n; i++) {
                after = os[i].id;
                rc = overview_item(ctx, &os[i], year, items, &overdue, err);
            }
            if (n == 0)
                break;
        }
    } else if (rc == 0) {
        int64_t *ids = NULL;
        size_t n = 0;
        rc = st_org_subtree(ctx->db, actor->org_id, ctx->arena, &ids, &n, err);
        for (size_t i = 0; rc == 0 && i < n; i++) {
            struct st_org o;
            rc = st_org_get(ctx->db, ids[i], ctx->arena, &o, err);
            if (rc == 0)
                rc = overview_item(ctx, &o, year, items, &overdue, err);
        }
    }
    if (rc == 0) {
        snprintf(due, sizeof(due), "%04d-01-31", year + 1);
        *out = json_pack("{si ss sI so ss}", "year", year, "due", due, "overdue",
                         (json_int_t)overdue, "items", items, "source", ANNUAL_DUE_SOURCE);
        items = NULL;
        if (*out == NULL)
            rc = NOMEM(err, "annual overview");
    }
    json_decref(items);
    return rc;
}

/* ---- demo ---- */

int app_annual_demo_org(struct app_ctx *ctx, int64_t org_id, const struct app_principal *head,
                        const struct app_principal *publisher, struct sx_err *err)
{
    int64_t id = 0;
    int year = 0;
    int rc = sscanf(app_today(ctx), "%4d", &year) == 1
                 ? 0
                 : SX_FAIL(err, SX_E_INTERNAL, "annual-demo", "日期不正确", "", "", "today");
    if (rc == 0)
        rc = app_annual_file(ctx, publisher, org_id, year - 1, &id, err);
    if (rc == 0)
        rc = app_annual_approve(ctx, head, id, err);
    if (rc == 0)
        rc = app_annual_publish(ctx, publisher, id, err);
    return rc;
}
