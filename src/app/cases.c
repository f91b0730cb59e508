/* cases: opening cases and taking workflow steps, each an append-only chained record. */
#include "cases.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/identity.h"
#include "app/publicity.h"
#include "app/review_route.h"
#include "app/media.h"
#include "core/cal.h"
#include "core/canon.h"
#include "core/catalog.h"
#include "core/ids.h"
#include "core/numbering.h"
#include "core/policy.h"
#include "core/scope.h"
#include "core/wf.h"
#include "sx_buf.h"

#define SRC_SCOPE "DESIGN §6 安全（本机关办理本机关案件）"
#define SRC_PARTY_PERSON "GB 11643-1999"
#define SRC_PARTY_ORG "GB 32100-2015"
#define SRC_OFFICERS "云南 附件1 第八条 (YN-1-08); 北京 二(二)1 (BJ-2.2-1)"
#define ACTION_OPEN "open"
#define RECORD_OPEN "case_opening"
#define BODY_MAX (1u << 20)

static const char *const case_sources[] = {"complaint", "report",   "inspection",
                                           "transfer",  "assigned", "application"};

/* ---- small helpers ---- */

static int fail_nomem(struct sx_err *err)
{
    return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", NULL, NULL, "cases");
}

static const struct wf_def *def_for_kind(const struct app *app, const char *kind,
                                         struct sx_err *err)
{
    enum app_kind k;
    if (app_kind_parse(kind, &k, err) != 0)
        return NULL;
    return app->workflows[k];
}

/* Parse "YYYY-MM-DDTHH:MM:SSZ" strictly. */
static int parse_at(const char *at, time_t *out)
{
    struct tm tm;
    const char *end;
    memset(&tm, 0, sizeof(tm));
    if (at == NULL || strlen(at) != 20)
        return -1;
    end = strptime(at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (end == NULL || *end != '\0')
        return -1;
    if (!cal_ymd_valid(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) || tm.tm_hour > 23 ||
        tm.tm_min > 59 || tm.tm_sec > 59)
        return -1;
    *out = timegm(&tm);
    return 0;
}

/* The civil date (China Standard Time, UTC+8) of an instant, in arena. */
static const char *civil_date(struct app_ctx *ctx, time_t t)
{
    char buf[11];
    struct tm tm;
    t += 8 * 3600;
    gmtime_r(&t, &tm);
    strftime(buf, sizeof(buf), "%Y-%m-%d", &tm);
    return sx_arena_strdup(ctx->arena, buf);
}

/* Resolve and check the step's time: given or now, well-formed, not in the future. */
static int resolve_at(struct app_ctx *ctx, const char *given, const char **at, time_t *t,
                      struct sx_err *err)
{
    time_t now;
    const char *now_text = app_now(ctx);
    (void)parse_at(now_text, &now);
    if (given == NULL) {
        *at = now_text;
        *t = now;
        return 0;
    }
    if (parse_at(given, t) != 0)
        return SX_FAIL(err, SX_E_INVALID, "invalid-datetime", "时间格式无效", NULL, "at",
                       "时间须为 UTC 的 YYYY-MM-DDTHH:MM:SSZ 且真实存在: %s", sx_clip((char[41]){0}, 41, given));
    if (*t > now + 300)
        return SX_FAIL(err, SX_E_INVALID, "future-datetime", "记录时间不能晚于当前时间",
                       "云南 附件2 第二十条（记录应真实）", "at", "%s 晚于当前时间 %s", given,
                       now_text);
    *at = given;
    return 0;
}

/* Is org_id within the subtree rooted at root (root included)? */
static int org_in_subtree(struct app_ctx *ctx, int64_t root, int64_t org_id, int *yes,
                          struct sx_err *err)
{
    int64_t *ids = NULL;
    size_t n = 0;
    int rc = st_org_subtree(ctx->db, root, ctx->arena, &ids, &n, err);
    *yes = 0;
    for (size_t i = 0; rc == 0 && i < n; i++)
        *yes = *yes || ids[i] == org_id;
    return rc;
}

int app_case_scope(struct app_ctx *ctx, const struct app_principal *actor, int64_t **ids, size_t *n,
                   struct sx_err *err)
{
    /* heads and supervisors see their org's subtree; everybody else their own org */
    if ((actor->roles & (APP_ROLE_HEAD | APP_ROLE_SUPERVISOR)) != 0)
        return st_org_subtree(ctx->db, actor->org_id, ctx->arena, ids, n, err);
    *ids = sx_arena_alloc(ctx->arena, sizeof(int64_t));
    if (*ids == NULL)
        return fail_nomem(err);
    (*ids)[0] = actor->org_id;
    *n = 1;
    return 0;
}

static int case_not_found(struct sx_err *err, int64_t id)
{
    return SX_FAIL(err, SX_E_NOTFOUND, "case-not-found", "案件不存在或无权查看", SRC_SCOPE, "id",
                   "案件 %lld 不存在，或不在您的办理、监督范围内", (long long)id);
}

/*
 * The one exception to "own org or superior" (DESIGN §6): the reviewer named
 * in the case's latest review submission, from the org providing the
 * reviewing body (review_route.h; 北京 二(三)2 (BJ-2.3-2a/b)), sees that case.
 */
static bool assigned_reviewer(struct app_ctx *ctx, const struct st_case *c,
                              const struct app_principal *actor)
{
    json_t *flags;
    const json_t *wf;
    bool yes;
    if ((actor->roles & APP_ROLE_REVIEWER) == 0 || c->flags == NULL || c->flags[0] == '\0')
        return false;
    flags = app_case_flags(ctx, c->id, c->flags);
    wf = json_object_get(flags, "wf");
    yes = json_integer_value(json_object_get(wf, "review_reviewer")) == actor->user_id &&
          json_integer_value(json_object_get(wf, "review_org")) == actor->org_id;
    json_decref(flags);
    return yes;
}

/*
 * May the actor see case c (read already)? Own org, the subtree for heads and supervisors, or
 * the assigned reviewer; anyone else gets the same 404 as for a case that does not exist.
 */
static int check_visible(struct app_ctx *ctx, const struct app_principal *actor,
                         const struct st_case *c, struct sx_err *err)
{
    int visible = 0;
    int rc;
    int64_t case_id = c->id;
    if (actor == NULL || c->org_id == actor->org_id)
        return 0;
    if ((actor->roles & (APP_ROLE_HEAD | APP_ROLE_SUPERVISOR)) != 0) {
        rc = org_in_subtree(ctx, actor->org_id, c->org_id, &visible, err);
        if (rc != 0)
            return rc;
    }
    if (!visible && assigned_reviewer(ctx, c, actor))
        return 0;
    return visible ? 0 : case_not_found(err, case_id);
}

/* ---- parties ---- */

static const char *const party_person_keys[] = {"kind",    "name",  "id_number",
                                                "address", "phone", NULL};
static const char *const party_org_keys[] = {"kind",    "name",  "uscc", "legal_rep",
                                             "address", "phone", NULL};

static int party_field_check(const json_t *p, size_t i, const char *const *allowed,
                             struct sx_err *err)
{
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)p, key, v)
    {
        int known = 0;
        for (const char *const *k = allowed; *k != NULL; k++)
            known = known || strcmp(*k, key) == 0;
        if (!known)
            return SX_FAIL(err, SX_E_INVALID, "unknown-field", "当事人信息含有未知字段", NULL,
                           "parties", "第 %zu 个当事人: 不支持字段“%s”", i + 1, sx_clip((char[61]){0}, 61, key));
        if (!json_is_string(v) && !json_is_null(v))
            return SX_FAIL(err, SX_E_INVALID, "wrong-type", "当事人信息字段类型错误", NULL,
                           "parties", "第 %zu 个当事人: 字段 %s 须为字符串", i + 1, key);
        if (json_is_string(v) && json_string_length(v) > 200)
            return SX_FAIL(err, SX_E_INVALID, "too-long", "当事人信息字段过长", NULL, "parties",
                           "第 %zu 个当事人: 字段 %s 超过 200 字节", i + 1, key);
    }
    return 0;
}

static const char *jstr(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return (s != NULL && s[0] != '\0') ? s : NULL;
}

/* Validate one party and fill p (strings point into the JSON, which outlives the call). */
static int party_check(struct app_ctx *ctx, const json_t *jp, size_t i, int32_t today,
                       struct st_party *p, struct sx_err *err)
{
    const char *kind = jstr(jp, "kind");
    int rc;
    memset(p, 0, sizeof(*p));
    if (!json_is_object(jp))
        return SX_FAIL(err, SX_E_INVALID, "wrong-type", "当事人信息须为对象", NULL, "parties",
                       "第 %zu 个当事人不是 JSON 对象", i + 1);
    if (kind == NULL || (strcmp(kind, "person") != 0 && strcmp(kind, "org") != 0))
        return SX_FAIL(err, SX_E_INVALID, "invalid-party", "当事人类型无效", NULL, "parties",
                       "第 %zu 个当事人: kind 须为 person（自然人）或 org（法人或其他组织）",
                       i + 1);
    p->kind = kind;
    p->name = jstr(jp, "name");
    p->address = jstr(jp, "address");
    p->phone = jstr(jp, "phone");
    if (p->name == NULL)
        return SX_FAIL(err, SX_E_INVALID, "invalid-party", "当事人姓名或名称不能为空", NULL,
                       "parties", "第 %zu 个当事人缺少 name", i + 1);
    if (strcmp(kind, "person") == 0) {
        struct ids_resident res;
        rc = party_field_check(jp, i, party_person_keys, err);
        if (rc != 0)
            return rc;
        p->id_number = jstr(jp, "id_number");
        if (p->id_number == NULL)
            return SX_FAIL(err, SX_E_INVALID, "invalid-party", "自然人当事人须提供身份证号码",
                           SRC_PARTY_PERSON, "parties", "第 %zu 个当事人缺少 id_number", i + 1);
        rc = ids_resident_validate(p->id_number, today, &res, err);
        if (rc != 0) {
            snprintf(err->field, sizeof(err->field), "parties[%zu].id_number", i);
            return rc;
        }
        char birth[CAL_DATE_BUFSZ];
        p->id_number = sx_arena_strdup(ctx->arena, res.number);
        p->birth_date = sx_arena_strdup(ctx->arena, cal_date_format(res.birth, birth));
    } else {
        struct ids_uscc u;
        rc = party_field_check(jp, i, party_org_keys, err);
        if (rc != 0)
            return rc;
        p->uscc = jstr(jp, "uscc");
        p->legal_rep = jstr(jp, "legal_rep");
        if (p->uscc == NULL || p->legal_rep == NULL)
            return SX_FAIL(err, SX_E_INVALID, "invalid-party",
                           "组织当事人须提供统一社会信用代码和法定代表人", SRC_PARTY_ORG, "parties",
                           "第 %zu 个当事人缺少 uscc 或 legal_rep", i + 1);
        rc = ids_uscc_validate(p->uscc, &u, err);
        if (rc != 0) {
            snprintf(err->field, sizeof(err->field), "parties[%zu].uscc", i);
            return rc;
        }
        p->uscc = sx_arena_strdup(ctx->arena, u.code);
    }
    return 0;
}

/* The opening record's view of a party (normalised numbers, no nulls). */
static json_t *party_json(const struct st_party *p)
{
    json_t *o = json_pack("{ss ss}", "kind", p->kind, "name", p->name);
    if (o == NULL)
        return NULL;
    if (p->id_number != NULL)
        json_object_set_new(o, "id_number", json_string(p->id_number));
    if (p->uscc != NULL)
        json_object_set_new(o, "uscc", json_string(p->uscc));
    if (p->legal_rep != NULL)
        json_object_set_new(o, "legal_rep", json_string(p->legal_rep));
    if (p->address != NULL)
        json_object_set_new(o, "address", json_string(p->address));
    if (p->phone != NULL)
        json_object_set_new(o, "phone", json_string(p->phone));
    return o;
}

/* ---- categories (the review scope's vocabulary: complex, social_risk, ...) ---- */

static int categories_check(const json_t *cats, unsigned *bits, struct sx_err *err)
{
    size_t i;
    const json_t *v;
    *bits = 0;
    if (cats == NULL || json_is_null(cats))
        return 0;
    if (!json_is_array(cats))
        return SX_FAIL(err, SX_E_INVALID, "wrong-type", "案件类别须为字符串数组", NULL,
                       "categories", "categories 须为数组");
    json_array_foreach(cats, i, v)
    {
        int c = json_is_string(v) ? pol_vocab_find(POL_VOCAB_CATEGORY, json_string_value(v)) : -1;
        if (c < 0) {
            char shown[64];
            return SX_FAIL(err, SX_E_INVALID, "unknown-category", "案件类别无效",
                           "规则预设的审核范围类别（src/core/policy.c）", "categories",
                           "第 %zu 项“%s”不是可选的类别", i + 1,
                           sx_clip(shown, sizeof(shown),
                                   json_is_string(v) ? json_string_value(v) : "?"));
        }
        *bits |= 1u << c;
    }
    return 0;
}

/*
 * A category change (record category_change, action set_categories): the
 * record's list replaces the case's categories, so the review scope, the
 * gate and the review deadlines follow it (北京 二(三)2; 云南 附件3 第六条;
 * 湖北 附件3 第九条). c->flags gets the new "categories" (dropped when the list
 * is empty); its "wf" member is left as it is.
 */
#define RECORD_CATEGORY_CHANGE "category_change"

static int project_categories(struct app_ctx *ctx, struct st_case *c, const json_t *body,
                              struct sx_err *err)
{
    const json_t *cats = json_object_get(body, "categories");
    json_t *flags = c->flags != NULL && c->flags[0] != '\0' ? json_loads(c->flags, 0, NULL) : NULL;
    char *text;
    if (flags == NULL)
        flags = json_object();
    if (flags == NULL)
        return fail_nomem(err);
    if (json_array_size(cats) > 0)
        json_object_set_new(flags, "categories", json_deep_copy(cats));
    else
        json_object_del(flags, "categories");
    text = json_dumps(flags, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(flags);
    if (text == NULL)
        return fail_nomem(err);
    c->flags = sx_arena_strdup(ctx->arena, text);
    free(text);
    return c->flags != NULL ? 0 : fail_nomem(err);
}

/* ---- officers ---- */

static int officers_check(struct app_ctx *ctx, int64_t org_id, const int64_t *ids, size_t n,
                          struct sx_err *err)
{
    if (n < 2)
        return SX_FAIL(err, SX_E_INVALID, "two-officers", "案件须由两名以上执法人员承办",
                       SRC_OFFICERS, "officers", "只指定了 %zu 名执法人员", n);
    if (n > APP_CASE_MAX_OFFICERS)
        return SX_FAIL(err, SX_E_INVALID, "too-many-officers", "承办执法人员过多", NULL, "officers",
                       "最多 %d 名", APP_CASE_MAX_OFFICERS);
    for (size_t i = 0; i < n; i++) {
        struct st_user u;
        unsigned roles = 0;
        int rc;
        for (size_t j = 0; j < i; j++) {
            if (ids[j] == ids[i])
                return SX_FAIL(err, SX_E_INVALID, "duplicate-officer", "执法人员重复", NULL,
                               "officers", "执法人员 %lld 重复出现", (long long)ids[i]);
        }
        rc = st_user_get(ctx->db, ids[i], ctx->arena, &u, err);
        if (rc == SX_E_NOTFOUND)
            return SX_FAIL(err, SX_E_INVALID, "unknown-officer", "执法人员不存在", NULL, "officers",
                           "用户 %lld 不存在", (long long)ids[i]);
        if (rc != 0)
            return rc;
        rc = app_roles_parse(u.roles, &roles, err);
        if (rc != 0)
            return rc;
        if (u.disabled || u.org_id != org_id || (roles & APP_ROLE_OFFICER) == 0)
            return SX_FAIL(err, SX_E_INVALID, "not-an-officer", "承办人须为本机关在职执法人员",
                           SRC_OFFICERS, "officers", "用户 %lld 不是本机关启用的执法人员",
                           (long long)ids[i]);
    }
    return 0;
}

/* ---- appending ---- */

/* Append a record: proto without body and recorded_at, which are filled in here. */
static int append_record(struct app_ctx *ctx, const struct st_record_new *proto,
                         const json_t *body, struct st_record *out, struct sx_err *err)
{
    struct sx_buf canon;
    int rc;
    sx_buf_init(&canon, BODY_MAX);
    rc = canon_json(body, &canon, err);
    if (rc == 0) {
        struct st_record_new in = *proto;
        in.recorded_at = app_now(ctx);
        in.body = canon.data;
        rc = st_record_append(ctx->db, &in, ctx->arena, out, err);
    }
    sx_buf_free(&canon);
    return rc;
}

int app_record_append_system(struct app_ctx *ctx, int64_t case_id, const char *type,
                             const char *action, int64_t actor_id, const json_t *body,
                             struct st_record *out, struct sx_err *err)
{
    const char *now = app_now(ctx);
    int rc = cat_validate_body(ctx->app->catalog, type, body, app_today(ctx), err);
    if (rc != 0)
        return rc;
    return append_record(ctx,
                         &(struct st_record_new){.case_id = case_id,
                                                 .type = type,
                                                 .action = action,
                                                 .at = now,
                                                 .actor_id = actor_id},
                         body, out, err);
}

int app_case_create(struct app_ctx *ctx, const struct app_principal *actor,
                    const struct app_case_new *in, int64_t *id, struct sx_err *err)
{
    const struct wf_def *def;
    struct st_party parties[APP_CASE_MAX_PARTIES];
    size_t n_parties = json_array_size(in->parties);
    const char *at = NULL;
    time_t t;
    int32_t today;
    json_t *body = NULL;
    json_t *jparties = NULL;
    json_t *jofficers = NULL;
    char *flags = NULL;
    int rc;
    int known = 0;

    rc = app_require_role(actor, APP_ROLE_OFFICER | APP_ROLE_HEAD, "登记案件", err);
    if (rc != 0)
        return rc;
    def = def_for_kind(ctx->app, in->kind, err);
    if (def == NULL)
        return err->code;
    for (size_t i = 0; i < sizeof(case_sources) / sizeof(case_sources[0]); i++)
        known = known || (in->source != NULL && strcmp(in->source, case_sources[i]) == 0);
    if (!known)
        return SX_FAIL(
            err, SX_E_INVALID, "invalid-source", "案件来源无效", "DESIGN §2", "source",
            "来源须为 complaint（投诉）、report（举报）、inspection（检查）、transfer（移送）、"
            "assigned（交办）或 application（依申请）");
    if (in->cause == NULL || in->cause[0] == '\0' || strlen(in->cause) > 300)
        return SX_FAIL(err, SX_E_INVALID, "invalid-cause", "案由不能为空", NULL, "cause",
                       "案由须为 1–100 个字");
    if (!json_is_array(in->parties) || n_parties == 0 || n_parties > APP_CASE_MAX_PARTIES)
        return SX_FAIL(err, SX_E_INVALID, "invalid-party", "须填写当事人", NULL, "parties",
                       "当事人须为 1–%d 个", APP_CASE_MAX_PARTIES);
    unsigned category_bits = 0;
    rc = categories_check(in->categories, &category_bits, err);
    if (rc != 0)
        return rc;
    rc = resolve_at(ctx, in->at, &at, &t, err);
    if (rc != 0)
        return rc;
    if (cal_date_parse(civil_date(ctx, t), &today, err) != 0)
        return err->code;
    for (size_t i = 0; i < n_parties; i++) {
        rc = party_check(ctx, json_array_get(in->parties, i), i, today, &parties[i], err);
        if (rc != 0)
            return rc;
    }
    int64_t org_id = in->org_id != 0 ? in->org_id : actor->org_id;
    if (org_id != actor->org_id)
        return SX_FAIL(err, SX_E_FORBIDDEN, "wrong-org", "只能在本机关登记案件", SRC_SCOPE,
                       "org_id", "您属于机构 %lld，不能为机构 %lld 登记案件",
                       (long long)actor->org_id, (long long)org_id);

    rc = st_begin(ctx->db, err);
    if (rc != 0)
        return rc;
    rc = officers_check(ctx, org_id, in->officers, in->n_officers, err);
    if (rc != 0)
        goto cleanup;
    if (category_bits != 0) {
        json_t *f = json_pack("{sO}", "categories", in->categories);
        flags = f != NULL ? json_dumps(f, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
        json_decref(f);
        if (flags == NULL) {
            rc = fail_nomem(err);
            goto cleanup;
        }
    }
    struct st_case c = {
        .org_id = org_id,
        .flags = flags != NULL ? sx_arena_strdup(ctx->arena, flags) : NULL,
        .kind = wf_kind(def),
        .state = wf_initial(def)->key,
        .source = in->source,
        .cause = in->cause,
        .summary = in->summary,
        .created_at = at,
        .created_by = actor->user_id,
    };
    rc = st_case_insert(ctx->db, &c, id, err);
    jparties = json_array();
    jofficers = json_array();
    for (size_t i = 0; rc == 0 && i < n_parties; i++) {
        parties[i].case_id = *id;
        rc = st_party_insert(ctx->db, &parties[i], &parties[i].id, err);
        if (rc == 0 && json_array_append_new(jparties, party_json(&parties[i])) != 0)
            rc = fail_nomem(err);
    }
    for (size_t i = 0; rc == 0 && i < in->n_officers; i++) {
        rc = st_case_officer_add(ctx->db, *id, in->officers[i], err);
        if (rc == 0 && json_array_append_new(jofficers, json_integer(in->officers[i])) != 0)
            rc = fail_nomem(err);
    }
    if (rc != 0)
        goto cleanup;
    /* The opening record carries what the projection holds, so the chain proves it. */
    body = json_pack("{ss sI ss ss sO sO}", "kind", c.kind, "org_id", (json_int_t)org_id, "source",
                     in->source, "cause", in->cause, "parties", jparties, "officers", jofficers);
    if (body == NULL) {
        rc = fail_nomem(err);
        goto cleanup;
    }
    if (in->summary != NULL)
        json_object_set_new(body, "summary", json_string(in->summary));
    if (category_bits != 0) /* recorded in the chain and kept in the projection for the scope */
        json_object_set_new(body, "categories", json_deep_copy(in->categories));
    rc = append_record(ctx,
                       &(struct st_record_new){.case_id = *id,
                                               .type = RECORD_OPEN,
                                               .action = ACTION_OPEN,
                                               .at = at,
                                               .actor_id = actor->user_id},
                       body, NULL, err);
    if (rc == 0)
        rc = app_audit_in_tx(ctx, actor, "case.create", "case", *id, NULL, err);
    if (rc == 0)
        rc = st_commit(ctx->db, err);
cleanup:
    if (rc != 0)
        (void)st_rollback(ctx->db, NULL);
    free(flags);
    json_decref(body);
    json_decref(jparties);
    json_decref(jofficers);
    return rc;
}

/* ---- facts for the workflow gates ---- */

/*
 * What the gates need from a case's history, kept in the case projection
 * (cases.flags "wf") and updated with each step, so neither a step nor the
 * case page has to read the case's records: the state a suspended case
 * resumes to, the last prior notice and its period, a waiver, a hearing.
 * The records remain the truth; this is derived from them step by step.
 */
struct history {
    const char *resume_to;
    const char *notice_date;
    int notice_period;
    bool waived;
    bool hearing_requested;
    bool hearing_concluded;
    /* legal review (云南 附件3; 湖北 附件3) */
    bool review_pending;      /* submitted, no opinion yet */
    int64_t review_reviewer;  /* the reviewer the submission named */
    int64_t review_org;      /* the org providing the reviewing body; 0: the case's own */
    const char *review_opinion; /* latest opinion or re-review opinion; NULL: none */
    const char *review_opinion_on;
    bool re_review_used;    /* the one re-review of the current opinion was asked for */
    bool re_review_pending; /* asked for, not answered yet */
    bool review_resolved;   /* the head decided by collective discussion after a re-review */
    json_t *participants;   /* user ids who acted on the case outside the review (borrowed) */
};

static int load_history(struct app_ctx *ctx, const struct st_case *c, struct history *h,
                        struct sx_err *err)
{
    json_t *flags;
    const json_t *wf;
    memset(h, 0, sizeof(*h));
    if (c->flags == NULL || c->flags[0] == '\0')
        return 0;
    flags = app_case_flags(ctx, c->id, c->flags);
    if (flags == NULL)
        return SX_FAIL(err, SX_E_INTERNAL, "case-flags-unreadable", "案件状态数据无法读取", NULL,
                       NULL, "案件 %lld", (long long)c->id);
    wf = json_object_get(flags, "wf");
    h->resume_to = sx_arena_strdup(ctx->arena, jstr(wf, "resume_to") != NULL ? jstr(wf, "resume_to") : "");
    if (h->resume_to != NULL && h->resume_to[0] == '\0')
        h->resume_to = NULL;
    if (jstr(wf, "notice_date") != NULL)
        h->notice_date = sx_arena_strdup(ctx->arena, jstr(wf, "notice_date"));
    h->notice_period = (int)json_integer_value(json_object_get(wf, "notice_period"));
    h->waived = json_is_true(json_object_get(wf, "waived"));
    h->hearing_requested = json_is_true(json_object_get(wf, "hearing_requested"));
    h->hearing_concluded = json_is_true(json_object_get(wf, "hearing_concluded"));
    h->review_pending = json_is_true(json_object_get(wf, "review_pending"));
    h->review_reviewer = (int64_t)json_integer_value(json_object_get(wf, "review_reviewer"));
    h->review_org = (int64_t)json_integer_value(json_object_get(wf, "review_org"));
    if (jstr(wf, "review_opinion") != NULL)
        h->review_opinion = sx_arena_strdup(ctx->arena, jstr(wf, "review_opinion"));
    if (jstr(wf, "review_opinion_on") != NULL)
        h->review_opinion_on = sx_arena_strdup(ctx->arena, jstr(wf, "review_opinion_on"));
    h->re_review_used = json_is_true(json_object_get(wf, "re_review_used"));
    h->re_review_pending = json_is_true(json_object_get(wf, "re_review_pending"));
    h->review_resolved = json_is_true(json_object_get(wf, "review_resolved"));
    h->participants = json_deep_copy(json_object_get(wf, "participants"));
    if (h->participants == NULL)
        h->participants = json_array();
    json_decref(flags);
    return 0;
}

static void history_free(struct history *h)
{
    json_decref(h->participants);
    h->participants = NULL;
}

static bool participated(const struct history *h, int64_t user_id)
{
    size_t i;
    json_t *v;
    json_array_foreach(h->participants, i, v)
    {
        if (json_integer_value(v) == user_id)
            return true;
    }
    return false;
}

static bool is_review_type(const char *type)
{
    return strcmp(type, "legal_review_request") == 0 ||
           strcmp(type, "legal_review_opinion") == 0 || strcmp(type, "re_review_request") == 0 ||
           strcmp(type, "re_review_opinion") == 0;
}

/* Move the derived facts past one more record (the same rules the gates read). */
static void history_apply(struct history *h, const struct wf_def *def, const char *type,
                          const json_t *body, const char *state_before, const char *state_after,
                          struct sx_arena *arena)
{
    const struct wf_state *after = wf_state_find(def, state_after);
    const struct wf_state *before = wf_state_find(def, state_before);
    if (after != NULL && after->suspended && (before == NULL || !before->suspended))
        h->resume_to = sx_arena_strdup(arena, state_before);
    else if (after != NULL && !after->suspended)
        h->resume_to = NULL;
    if (strcmp(type, "prior_notice") == 0) {
        h->notice_date = sx_arena_strdup(arena, jstr(body, "issued_on"));
        h->notice_period = (int)json_integer_value(json_object_get(body, "period_days"));
        h->waived = false; /* a new notice opens a new period */
    } else if (strcmp(type, "statement") == 0 && json_is_true(json_object_get(body, "waived"))) {
        h->waived = true;
    } else if (strcmp(type, "hearing_request") == 0) {
        h->hearing_requested = true;
        h->hearing_concluded = false;
    } else if (strcmp(type, "hearing_report") == 0) {
        h->hearing_concluded = true;
    } else if (strcmp(type, "legal_review_request") == 0) {
        /* a (re)submission opens a new review cycle */
        h->review_pending = true;
        h->review_reviewer = (int64_t)json_integer_value(json_array_get(json_object_get(body, "reviewer"), 0));
        h->review_org = (int64_t)json_integer_value(json_object_get(body, "review_org_id"));
        h->review_opinion = NULL;
        h->review_opinion_on = NULL;
        h->re_review_used = false;
        h->re_review_pending = false;
        h->review_resolved = false;
    } else if (strcmp(type, "legal_review_opinion") == 0 || strcmp(type, "re_review_opinion") == 0) {
        h->review_pending = false;
        h->re_review_pending = false;
        h->review_opinion = sx_arena_strdup(arena, jstr(body, "opinion"));
        h->review_opinion_on = sx_arena_strdup(arena, jstr(body, "reviewed_on"));
    } else if (strcmp(type, "re_review_request") == 0) {
        h->re_review_used = true;
        h->re_review_pending = true;
    } else if (strcmp(type, "collective_discussion") == 0 && h->re_review_used &&
               !h->re_review_pending && jstr(body, "review_resolution") != NULL &&
               strcmp(jstr(body, "review_resolution"), "proceed") == 0) {
        h->review_resolved = true;
    }
}

/* Remember who took part in the case outside the legal review (湖北 附件3 第六条). */
static void history_note_actor(struct history *h, const char *type, int64_t actor)
{
    if (is_review_type(type) || actor <= 0 || participated(h, actor))
        return;
    json_array_append_new(h->participants, json_integer(actor));
}

/* c->flags with its "wf" member replaced by h, as compact sorted JSON in arena. */
static int history_store(struct app_ctx *ctx, struct st_case *c, const struct history *h,
                         struct sx_err *err)
{
    json_t *flags = c->flags != NULL ? json_loads(c->flags, 0, NULL) : NULL;
    json_t *wf = json_pack("{sb sb sb si}", "waived", h->waived, "hearing_requested",
                           h->hearing_requested, "hearing_concluded", h->hearing_concluded,
                           "notice_period", h->notice_period);
    char *text = NULL;
    if (flags == NULL)
        flags = json_object();
    if (flags == NULL || wf == NULL) {
        json_decref(flags);
        json_decref(wf);
        return fail_nomem(err);
    }
    if (h->resume_to != NULL)
        json_object_set_new(wf, "resume_to", json_string(h->resume_to));
    if (h->notice_date != NULL)
        json_object_set_new(wf, "notice_date", json_string(h->notice_date));
    json_object_set_new(wf, "review_pending", json_boolean(h->review_pending));
    json_object_set_new(wf, "review_reviewer", json_integer(h->review_reviewer));
    if (h->review_org != 0)
        json_object_set_new(wf, "review_org", json_integer(h->review_org));
    if (h->review_opinion != NULL)
        json_object_set_new(wf, "review_opinion", json_string(h->review_opinion));
    if (h->review_opinion_on != NULL)
        json_object_set_new(wf, "review_opinion_on", json_string(h->review_opinion_on));
    json_object_set_new(wf, "re_review_used", json_boolean(h->re_review_used));
    json_object_set_new(wf, "re_review_pending", json_boolean(h->re_review_pending));
    json_object_set_new(wf, "review_resolved", json_boolean(h->review_resolved));
    json_object_set_new(wf, "participants", json_incref(h->participants));
    json_object_set_new(flags, "wf", wf);
    text = json_dumps(flags, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(flags);
    if (text == NULL)
        return fail_nomem(err);
    c->flags = sx_arena_strdup(ctx->arena, text);
    free(text);
    return c->flags != NULL ? 0 : fail_nomem(err);
}

/* Last day the party may state, defend or ask for a hearing (行政处罚法 第六十四条、第八十五条). */
static int statement_deadline(struct app_ctx *ctx, const struct history *h, const char **out,
                              struct sx_err *err)
{
    int days = 0;
    enum pol_unit unit;
    const char *source = NULL;
    int32_t notice;
    int32_t last;
    bool provisional = false;
    char buf[CAL_DATE_BUFSZ];
    int rc;
    *out = NULL;
    if (h->notice_date == NULL)
        return 0;
    rc = pol_deadline(ctx->app->policy, "hearing_request", &days, &unit, &source, err);
    if (rc != 0)
        return rc;
    if (h->notice_period > days)
        days = h->notice_period;
    rc = cal_date_parse(h->notice_date, &notice, err);
    if (rc == 0)
        rc = cal_add_workdays(ctx->app->calendar, notice, days, true, &last, &provisional, err);
    if (rc != 0)
        return rc;
    *out = sx_arena_strdup(ctx->arena, cal_date_format(last, buf));
    return 0;
}

static const char *const role_keys[] = {"officer",   "reviewer",   "head", "publisher",
                                        "archivist", "supervisor", "admin"};

static int build_facts(struct app_ctx *ctx, const struct app_principal *actor,
                       const struct wf_def *def, const struct st_case *c, const char *date,
                       const json_t *body, struct wf_facts *f, struct history *hout,
                       struct st_user **officers_out, size_t *n_officers_out, struct sx_err *err)
{
    struct history h;
    struct st_user *officers = NULL;
    size_t n_officers = 0;
    const char **roles;
    int ancestor = 0;
    int rc;
    memset(f, 0, sizeof(*f));
    roles = sx_arena_alloc(ctx->arena, sizeof(role_keys));
    if (roles == NULL)
        return fail_nomem(err);
    for (size_t i = 0; i < sizeof(role_keys) / sizeof(role_keys[0]); i++) {
        if ((actor->roles & (1u << i)) != 0)
            roles[f->n_actor_roles++] = role_keys[i];
    }
    f->actor_roles = roles;
    f->actor_org = actor->org_id;
    f->case_org = c->org_id;
    if (actor->org_id != c->org_id) {
        rc = org_in_subtree(ctx, actor->org_id, c->org_id, &ancestor, err);
        if (rc != 0)
            return rc;
    }
    f->actor_org_is_ancestor = ancestor != 0;
    f->date = date;
    f->case_number = c->number;
    rc = load_history(ctx, c, &h, err);
    if (rc != 0)
        return rc;
    *hout = h; /* the caller frees it, also on error */
    f->state = c->state;
    f->resume_to = h.resume_to;
    rc = statement_deadline(ctx, &h, &f->statement_deadline, err);
    if (rc != 0)
        return rc;
    f->notice_date = h.notice_date;
    f->statement_waived = h.waived;
    f->hearing_requested = h.hearing_requested;
    f->hearing_concluded = h.hearing_concluded;

    /* The record's officers must be officers of this case; their credentials decide the gate. */
    if (*officers_out != NULL) { /* the caller has them already */
        officers = *officers_out;
        n_officers = *n_officers_out;
    } else {
        rc = st_case_officer_list(ctx->db, c->id, ctx->arena, &officers, &n_officers, err);
        if (rc != 0)
            return rc;
        *officers_out = officers;
        *n_officers_out = n_officers;
    }
    const json_t *ids = json_object_get(body, "officers");
    size_t n_ids = json_array_size(ids);
    struct wf_officer *wo = sx_arena_alloc(ctx->arena, (n_ids + 1) * sizeof(*wo));
    if (wo == NULL)
        return fail_nomem(err);
    for (size_t i = 0; i < n_ids; i++) {
        int64_t uid = (int64_t)json_integer_value(json_array_get(ids, i));
        const struct st_user *u = NULL;
        for (size_t j = 0; j < n_officers && u == NULL; j++)
            u = officers[j].id == uid ? &officers[j] : NULL;
        if (u == NULL)
            return SX_FAIL(err, SX_E_GATE, "not-case-officer", "记录中的执法人员不是本案承办人",
                           SRC_OFFICERS, "officers", "用户 %lld 未被指派承办本案", (long long)uid);
        wo[i] = (struct wf_officer){.user_id = u->id,
                                    .name = u->display_name,
                                    .cert_no = u->cert_no,
                                    .cert_valid_from = u->cert_valid_from,
                                    .cert_valid_to = u->cert_valid_to};
    }
    f->officers = wo;
    f->n_officers = n_ids;
    wf_facts_parse_days(f, wo, n_ids); /* once, not for every action checked */
    return 0;
}

/* ---- legal review (云南 附件3; 湖北 附件3) ---- */

#define SRC_CONFLICT "湖北 附件3 第六条 (HB-3-06)"
#define SRC_REVIEW_ORDER "云南 附件3 第七条、第十一条 (YN-3-07, YN-3-11)"
#define SRC_RE_REVIEW "云南 附件3 第十四条 (YN-3-14); 湖北 附件3 第十八条 (HB-3-18)"

/* A reviewer may not review a case they took part in (湖北 附件3 第六条). */
static int check_not_involved(struct app_ctx *ctx, const struct history *h,
                              const struct st_user *officers, size_t n_officers, int64_t user_id,
                              struct sx_err *err)
{
    struct st_user u;
    unsigned roles = 0;
    int rc;
    for (size_t i = 0; i < n_officers; i++) {
        if (officers[i].id == user_id)
            return SX_FAIL(err, SX_E_GATE, "reviewer-involved", "审核人员不得审核其参与办理的案件",
                           SRC_CONFLICT, "reviewer", "用户 %lld 是本案承办人员",
                           (long long)user_id);
    }
    if (participated(h, user_id))
        return SX_FAIL(err, SX_E_GATE, "reviewer-involved", "审核人员不得审核其参与办理的案件",
                       SRC_CONFLICT, "reviewer", "用户 %lld 参与过本案的办理（有其办案记录）",
                       (long long)user_id);
    rc = st_user_get(ctx->db, user_id, ctx->arena, &u, err);
    if (rc == SX_E_NOTFOUND)
        return SX_FAIL(err, SX_E_INVALID, "unknown-reviewer", "审核人员不存在", NULL, "reviewer",
                       "用户 %lld 不存在", (long long)user_id);
    if (rc == 0)
        rc = app_roles_parse(u.roles, &roles, err);
    if (rc != 0)
        return rc;
    if (u.disabled || (roles & APP_ROLE_REVIEWER) == 0)
        return SX_FAIL(err, SX_E_INVALID, "not-a-reviewer", "指定的人员不是法制审核人员",
                       SRC_REVIEW_ORDER, "reviewer", "用户 %lld 没有法制审核角色或已停用",
                       (long long)user_id);
    return 0;
}

static int64_t first_user(const json_t *body, const char *field)
{
    return (int64_t)json_integer_value(json_array_get(json_object_get(body, field), 0));
}

static bool gated_by_review(const struct wf_action *a)
{
    for (size_t i = 0; i < a->n_gates; i++) {
        if (strcmp(a->gates[i], "legal_review_passed") == 0)
            return true;
    }
    return false;
}

/* Can a review-gated action be taken from this state (so the page should show the gate)? */
static bool decision_possible(const struct wf_def *def, const char *state)
{
    const struct wf_state *st = wf_state_find(def, state);
    for (size_t i = 0; i < wf_action_count(def); i++) {
        const struct wf_action *a = wf_action_at(def, i);
        if (wf_action_from_state(def, a, st) && gated_by_review(a))
            return true;
    }
    return false;
}

/* Where a submission goes: the body's key (NULL: no rule matched) and the org providing it. */
struct review_route {
    const char *body;
    int64_t org_id;
};

static int review_route_check(struct app_ctx *ctx, const struct app_principal *actor,
                              const struct st_case *c, const char *type, const json_t *body,
                              const struct history *h, struct wf_facts *f,
                              struct review_route *route, struct sx_err *err);

/* Whether the policy of the case's org requires legal review of this decision. */
static int review_required(struct app_ctx *ctx, const struct st_case *c, const json_t *body,
                           const struct history *h, bool *required, struct sx_err *err);

/*
 * The order of the review loop and who may review, for the review record
 * types; and the review facts of the legal_review_passed gate.
 */
static int review_rules(struct app_ctx *ctx, const struct st_case *c, const char *type,
                        bool decision_at_stake, const struct app_principal *actor,
                        const json_t *body, const char *date, const struct history *h,
                        const struct st_user *officers, size_t n_officers, struct wf_facts *f,
                        struct sx_err *err)
{
    int rc = 0;
    f->review_passed = h->review_resolved ||
                       (h->review_opinion != NULL && strcmp(h->review_opinion, "agree") == 0);
    f->review_emergency = json_is_true(json_object_get(body, "emergency"));
    if (decision_at_stake) {
        rc = review_required(ctx, c, body, h, &f->review_required, err);
        if (rc != 0)
            return rc;
    }
    if (strcmp(type, "legal_review_request") == 0) {
        if (h->review_pending)
            return SX_FAIL(err, SX_E_CONFLICT, "review-pending", "已送法制审核，尚未出具审核意见",
                           SRC_REVIEW_ORDER, "action", "待法制审核意见出具后方可再次送审");
        if ((h->hearing_requested || h->hearing_concluded) &&
            json_object_get(body, "hearing_transcript") == NULL)
            return SX_FAIL(err, SX_E_INVALID, "review-material-missing", "送审材料不全",
                           "云南 附件3 第八条 (YN-3-08)", "hearing_transcript",
                           "经听证的，应当提交听证会笔录（hearing_transcript）");
        return check_not_involved(ctx, h, officers, n_officers, first_user(body, "reviewer"),
                                  err);
    }
    if (strcmp(type, "legal_review_opinion") == 0) {
        if (!h->review_pending)
            return SX_FAIL(err, SX_E_CONFLICT, "no-review-pending", "没有待审核的送审材料",
                           SRC_REVIEW_ORDER, "action", "须先送法制审核，再出具审核意见");
        if (actor->user_id != h->review_reviewer || first_user(body, "reviewer") != actor->user_id)
            return SX_FAIL(err, SX_E_FORBIDDEN, "not-assigned-reviewer",
                           "只有送审时指定的审核人员可以出具审核意见", SRC_REVIEW_ORDER,
                           "reviewer", "本次送审指定的审核人员是用户 %lld",
                           (long long)h->review_reviewer);
        return check_not_involved(ctx, h, officers, n_officers, actor->user_id, err);
    }
    if (strcmp(type, "re_review_request") == 0) {
        int32_t opinion_day = 0;
        int32_t today = 0;
        int32_t last = 0;
        bool provisional = false;
        if (h->review_opinion == NULL || h->review_pending)
            return SX_FAIL(err, SX_E_CONFLICT, "no-opinion", "尚无可申请复核的法制审核意见",
                           SRC_RE_REVIEW, "action", "收到法制审核意见书后方可申请复核");
        if (h->re_review_used)
            return SX_FAIL(err, SX_E_CONFLICT, "re-review-once", "复核只能申请一次", SRC_RE_REVIEW,
                           "action", "对本次审核意见已申请过复核；仍有异议的，提请负责人集体讨论决定");
        rc = cal_date_parse(h->review_opinion_on, &opinion_day, err);
        if (rc == 0)
            rc = cal_date_parse(date, &today, err);
        if (rc == 0)
            rc = cal_add_workdays(ctx->app->calendar, opinion_day, 2, true, &last, &provisional,
                                  err);
        if (rc != 0)
            return rc;
        if (today > last) {
            char buf[CAL_DATE_BUFSZ];
            return SX_FAIL(err, SX_E_GATE, "re-review-late", "申请复核的期限已过", SRC_RE_REVIEW,
                           "action", "审核意见于 %s 出具，复核应在 2 个工作日内（至 %s）申请",
                           h->review_opinion_on, cal_date_format(last, buf));
        }
        return 0;
    }
    if (strcmp(type, "re_review_opinion") == 0) {
        if (!h->re_review_pending)
            return SX_FAIL(err, SX_E_CONFLICT, "no-re-review-pending", "没有待复审的复核申请",
                           SRC_RE_REVIEW, "action", "须先申请复核");
        if (first_user(body, "reviewer") != actor->user_id)
            return SX_FAIL(err, SX_E_FORBIDDEN, "not-assigned-reviewer", "复审意见须由复审人员本人出具",
                           SRC_RE_REVIEW, "reviewer", "reviewer 须为当前用户");
        return check_not_involved(ctx, h, officers, n_officers, actor->user_id, err);
    }
    if (strcmp(type, "extension") == 0) {
        /* extensions need the approval of a head of the case's org (or a superior one) */
        struct st_user u;
        unsigned roles = 0;
        int ancestor = 0;
        int64_t approver = first_user(body, "approver");
        rc = st_user_get(ctx->db, approver, ctx->arena, &u, err);
        if (rc == SX_E_NOTFOUND)
            return SX_FAIL(err, SX_E_INVALID, "unknown-approver", "批准人不存在", NULL, "approver",
                           "用户 %lld 不存在", (long long)approver);
        if (rc == 0)
            rc = app_roles_parse(u.roles, &roles, err);
        if (rc == 0 && u.org_id != c->org_id)
            rc = org_in_subtree(ctx, u.org_id, c->org_id, &ancestor, err);
        if (rc != 0)
            return rc;
        if (u.disabled || (roles & APP_ROLE_HEAD) == 0 || (u.org_id != c->org_id && !ancestor))
            return SX_FAIL(err, SX_E_GATE, "extension-not-approved", "延期须经负责人批准",
                           "DESIGN §4（延期经负责人批准）; 云南 附件3 第十二条 (YN-3-12)", "approver",
                           "批准人（用户 %lld）不是本案执法主体或其上级机关的负责人",
                           (long long)approver);
        return 0;
    }
    if (strcmp(type, "collective_discussion") == 0 &&
        json_object_get(body, "review_resolution") != NULL &&
        (!h->re_review_used || h->re_review_pending || f->review_passed))
        return SX_FAIL(err, SX_E_INVALID, "no-review-dispute", "没有需要负责人决定的审核争议",
                       SRC_RE_REVIEW, "review_resolution",
                       "复审后执法机构仍不同意复审意见的，方由负责人集体讨论决定");
    return 0;
}

/* ---- steps ---- */

/*
 * The next number of a document series of the org: counter (org, year, kind)
 * formatted with the org's preset pattern and the series' abbreviation, e.g.
 * 昆医保罚〔2026〕12号 or 昆医保法审〔2026〕3号. Gap-free, issued inside the
 * caller's transaction.
 */
static int issue_series_number(struct app_ctx *ctx, int64_t org_id, const char *date,
                               const char *counter, const char *abbrev, const char **number,
                               int *year_out, int64_t *seq_out, struct sx_err *err)
{
    struct st_org org;
    const struct pol_policy *pol = NULL;
    struct sx_buf text;
    int64_t seq = 0;
    int32_t day = 0;
    int rc = cal_date_parse(date, &day, err);
    int year = cal_date_year(day);
    if (rc == 0)
        rc = st_org_get(ctx->db, org_id, ctx->arena, &org, err);
    if (rc == 0)
        rc = app_policy_for_org(ctx, org_id, &pol, err);
    if (rc == 0)
        rc = st_counter_next(ctx->db, org_id, year, counter, &seq, err);
    if (rc != 0)
        return rc;
    struct num_fields nf = {.prefix = org.short_name, .kind = abbrev, .year = year, .seq = seq};
    sx_buf_init(&text, 256);
    rc = num_format(pol_numbering_pattern(pol), &nf, &text, err);
    if (rc == 0) {
        *number = sx_arena_strdup(ctx->arena, text.data);
        if (*number == NULL)
            rc = fail_nomem(err);
    }
    sx_buf_free(&text);
    if (year_out != NULL)
        *year_out = year;
    if (seq_out != NULL)
        *seq_out = seq;
    return rc;
}

static int issue_number(struct app_ctx *ctx, struct st_case *c, const char *date,
                        struct sx_err *err)
{
    const struct pol_policy *pol = NULL;
    enum pol_kind pk = strcmp(c->kind, "penalty") == 0      ? POL_KIND_PENALTY
                       : strcmp(c->kind, "inspection") == 0 ? POL_KIND_INSPECTION
                                                            : POL_KIND_COERCION;
    int rc = app_policy_for_org(ctx, c->org_id, &pol, err);
    if (rc != 0)
        return rc;
    return issue_series_number(ctx, c->org_id, date, c->kind, pol_kind_abbrev(pol, pk),
                               &c->number, &c->number_year, &c->number_seq, err);
}

static void project_amounts(struct st_case *c, const json_t *body)
{
    const json_t *v;
    /* the prior notice's proposed amounts stand until the decision fixes them */
    if ((v = json_object_get(body, "proposed_fine_fen")) != NULL && json_is_integer(v))
        c->fine_fen = (int64_t)json_integer_value(v);
    if ((v = json_object_get(body, "proposed_confiscation_fen")) != NULL && json_is_integer(v))
        c->confiscation_fen = (int64_t)json_integer_value(v);
    if ((v = json_object_get(body, "fine_fen")) != NULL && json_is_integer(v))
        c->fine_fen = (int64_t)json_integer_value(v);
    if ((v = json_object_get(body, "confiscation_fen")) != NULL && json_is_integer(v))
        c->confiscation_fen = (int64_t)json_integer_value(v);
    if ((v = json_object_get(body, "recovery_fen")) != NULL && json_is_integer(v))
        c->fund_recovery_fen = (int64_t)json_integer_value(v);
    if ((v = json_object_get(body, "refused_payment_fen")) != NULL && json_is_integer(v))
        c->payment_refusal_fen = (int64_t)json_integer_value(v);
}

static int check_corrects(struct app_ctx *ctx, int64_t case_id, const json_t *body,
                          int64_t *corrects, struct sx_err *err)
{
    struct st_record old;
    const json_t *ref = json_object_get(body, "corrects");
    int rc;
    *corrects = 0;
    if (ref == NULL)
        return 0;
    *corrects = (int64_t)json_integer_value(ref);
    rc = st_record_get(ctx->db, *corrects, ctx->arena, &old, err);
    if (rc == SX_E_NOTFOUND || (rc == 0 && old.case_id != case_id))
        return SX_FAIL(err, SX_E_INVALID, "unknown-record", "被更正的记录不属于本案",
                       "云南 附件2 第二十条 (YN-2-20)", "corrects", "记录 %lld 不是本案的记录",
                       (long long)*corrects);
    return rc;
}

int app_case_step_tx(struct app_ctx *ctx, const struct app_principal *actor, int64_t case_id,
                     const struct app_step *step, struct app_step_result *out, struct sx_err *err)
{
    struct st_case c;
    const struct wf_def *def;
    const struct wf_action *action;
    struct wf_facts facts;
    const char *to = NULL;
    const char *at = NULL;
    const char *date;
    time_t t;
    int64_t corrects = 0;
    json_t *body = NULL;
    struct history h;
    struct st_user *officers = NULL;
    size_t n_officers = 0;
    struct st_party *parties = NULL;
    size_t n_parties = 0;
    struct st_case locked;
    struct review_route route = {0};
    int rc;

    memset(&h, 0, sizeof(h));
    if (step->body == NULL || !json_is_object(step->body))
        return SX_FAIL(err, SX_E_INVALID, "invalid-body", "记录内容须为 JSON 对象", NULL, "body",
                       "body 须为对象");
    rc = resolve_at(ctx, step->at, &at, &t, err);
    if (rc != 0)
        return rc;
    date = civil_date(ctx, t);
    /* case row locked until commit; its officers come with it (one round trip) */
    rc = st_case_page_for_update(ctx->db, case_id, ctx->arena, &c, &parties, &n_parties,
                                 &officers, &n_officers, err);
    if (rc == SX_E_NOTFOUND)
        rc = case_not_found(err, case_id);
    if (rc == 0)
        rc = check_visible(ctx, actor, &c, err);
    if (rc != 0)
        goto cleanup;
    locked = c;
    def = def_for_kind(ctx->app, c.kind, err);
    if (def == NULL) {
        rc = err->code;
        goto cleanup;
    }
    action = wf_action_find(def, step->action != NULL ? step->action : "");
    if (action == NULL) {
        rc = SX_FAIL(err, SX_E_INVALID, "unknown-action", "未知的办案操作", WF_SOURCE, "action",
                     "「%s」流程中没有操作“%s”", wf_name_zh(def),
                     sx_clip((char[61]){0}, 61, step->action));
        goto cleanup;
    }
    rc = cat_validate_body(ctx->app->catalog, action->record_type, step->body, date, err);
    if (rc == 0 && strcmp(action->record_type, RECORD_CATEGORY_CHANGE) == 0) {
        unsigned bits = 0; /* only the review scope's words (policy vocabulary) */
        const json_t *cats = json_object_get(step->body, "categories");
        rc = json_is_array(cats)
                 ? categories_check(cats, &bits, err)
                 : SX_FAIL(err, SX_E_INVALID, "missing-field", "缺少必填字段", NULL, "categories",
                           "categories 须为变更后的全部类别（数组，可为空）");
    }
    if (rc == 0)
        rc = build_facts(ctx, actor, def, &c, date, step->body, &facts, &h, &officers,
                         &n_officers, err);
    if (rc == 0)
        rc = review_rules(ctx, &c, action->record_type, gated_by_review(action), actor,
                          step->body, date, &h, officers, n_officers, &facts, err);
    if (rc == 0 && is_review_type(action->record_type))
        rc = review_route_check(ctx, actor, &c, action->record_type, step->body, &h, &facts, &route,
                                err);
    if (rc == 0)
        rc = wf_check(def, &facts, action->key, &to, err);
    if (rc == 0)
        rc = check_corrects(ctx, case_id, step->body, &corrects, err);
    if (rc == 0) {
        /* media: mandatory-AV steps need linked media or a reason (HB-2-13, YN-2-12) */
        const struct cat_type *ty = cat_find(ctx->app->catalog, action->record_type);
        if (ty != NULL && ty->av_required)
            rc = app_media_av_gate(ctx, case_id, ty->name_zh, step->body, err);
    }
    if (rc != 0)
        goto cleanup;

    body = json_deep_copy(step->body);
    if (body == NULL) {
        rc = fail_nomem(err);
        goto cleanup;
    }
    if (strcmp(action->record_type, APP_MEDIA_ATTACH_TYPE) == 0) {
        rc = app_media_attach_prepare(ctx, case_id, body, err); /* media */
        if (rc != 0)
            goto cleanup;
    }
    const struct wf_state *initial = wf_initial(def);
    const struct wf_state *next = wf_state_find(def, to != NULL ? to : c.state);
    if ((c.number == NULL || c.number[0] == '\0') && strcmp(c.state, initial->key) == 0 &&
        next != NULL && !next->terminal && strcmp(next->key, initial->key) != 0) {
        /* the number is issued once, with the step that makes the case live, and is in its record
         */
        rc = issue_number(ctx, &c, date, err);
        if (rc == 0)
            json_object_set_new(body, "case_number", json_string(c.number));
    }
    if (rc == 0 && strcmp(action->record_type, "legal_review_request") == 0) {
        /* the routing in force is part of the submission record (review_route.h) */
        json_object_set_new(body, "review_org_id", json_integer(route.org_id));
        if (route.body != NULL)
            json_object_set_new(body, "review_body", json_string(route.body));
    }
    if (rc == 0 && strcmp(action->record_type, "legal_review_opinion") == 0) {
        /* 法制审核意见书 is numbered (云南 附件3 第十三条); the number is in the record */
        const char *opinion_no = NULL;
        rc = issue_series_number(ctx, c.org_id, date, "review_opinion", "法审", &opinion_no, NULL,
                                 NULL, err);
        if (rc == 0)
            json_object_set_new(body, "opinion_no", json_string(opinion_no));
    }
    if (rc == 0) {
        /* the projection after this record, written with the record's new chain head */
        const char *before = c.state;
        if (to != NULL)
            c.state = to;
        project_amounts(&c, body);
        if (strcmp(action->record_type, RECORD_CATEGORY_CHANGE) == 0)
            rc = project_categories(ctx, &c, body, err);
        history_apply(&h, def, action->record_type, body, before, c.state, ctx->arena);
        history_note_actor(&h, action->record_type, actor->user_id);
        if (rc == 0)
            rc = history_store(ctx, &c, &h, err);
    }
    /* the step's audit entry is written with its record (one round trip on PostgreSQL) */
    struct st_audit audit;
    app_audit_row(ctx, actor, action->key, "case", case_id, NULL, &audit);
    if (rc == 0)
        rc = append_record(ctx,
                           &(struct st_record_new){.case_id = case_id,
                                                   .type = action->record_type,
                                                   .action = action->key,
                                                   .at = at,
                                                   .actor_id = actor->user_id,
                                                   .corrects = corrects,
                                                   .locked = &locked,
                                                   .projection = &c,
                                                   .audit = &audit},
                           body, &out->record, err);
    if (rc == 0) /* a decision makes its publicity item, in this transaction (issue 4) */
        rc = app_pub_on_step(ctx, actor, &c, &out->record, body, err);
    if (rc == 0 && strcmp(action->record_type, APP_MEDIA_ATTACH_TYPE) == 0)
        rc = app_media_attach_project(ctx, case_id, out->record.id, body, err); /* media */
    if (rc == 0) {
        out->state = c.state;
        out->number = c.number;
    }
cleanup:
    history_free(&h);
    json_decref(body);
    return rc;
}

int app_case_step(struct app_ctx *ctx, const struct app_principal *actor, int64_t case_id,
                  const struct app_step *step, struct app_step_result *out, struct sx_err *err)
{
    int rc = st_begin(ctx->db, err);
    if (rc != 0)
        return rc;
    rc = app_case_step_tx(ctx, actor, case_id, step, out, err);
    if (rc == 0)
        rc = st_commit(ctx->db, err);
    if (rc != 0)
        (void)st_rollback(ctx->db, NULL);
    return rc;
}

static int step_job_run(struct app_ctx *ctx, struct app_job *job, struct sx_err *err)
{
    struct app_step_job *sj = (struct app_step_job *)job;
    return app_case_step_tx(ctx, &sj->actor, sj->case_id, &sj->step, &sj->result, err);
}

void app_step_job_init(struct app_step_job *sj, const struct app_principal *actor, int64_t case_id,
                       const struct app_step *step, struct sx_arena *arena,
                       void (*done)(struct app_job *job))
{
    memset(sj, 0, sizeof(*sj));
    sj->job.run = step_job_run;
    sj->job.done = done;
    sj->job.arena = arena;
    sj->job.shard_key = case_id;
    sj->actor = *actor;
    sj->case_id = case_id;
    sj->step = *step;
}

static int64_t amount(const json_t *body, const char *key, int64_t fallback)
{
    const json_t *v = json_object_get(body, key);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : fallback;
}

bool app_case_scope_case(const struct st_case *c, bool party_is_org, struct scope_case *sc)
{
    json_t *flags;
    memset(sc, 0, sizeof(*sc));
    if (strcmp(c->kind, "penalty") != 0 && strcmp(c->kind, "coercion") != 0)
        return false;
    sc->kind = strcmp(c->kind, "penalty") == 0 ? POL_ACT_PENALTY : POL_ACT_COERCION;
    sc->procedure = POL_PROC_GENERAL;
    sc->party_type = party_is_org ? POL_PARTY_ORG : POL_PARTY_PERSON;
    sc->amount_fen[POL_AMOUNT_FINE] = c->fine_fen;
    sc->amount_fen[POL_AMOUNT_CONFISCATION] = c->confiscation_fen;
    sc->amount_fen[POL_AMOUNT_FUND_RECOVERY] = c->fund_recovery_fen;
    sc->amount_fen[POL_AMOUNT_PAYMENT_REFUSAL] = c->payment_refusal_fen;
    /* hearing and categories as the gate reads them (load_history; categories_check) */
    flags = c->flags != NULL && c->flags[0] != '\0' ? json_loads(c->flags, 0, NULL) : NULL;
    sc->hearing = json_is_true(
        json_object_get(json_object_get(flags, "wf"), "hearing_requested"));
    if (flags != NULL &&
        categories_check(json_object_get(flags, "categories"), &sc->categories, NULL) != 0)
        sc->categories = 0;
    json_decref(flags);
    return true;
}

/* The review scope of the case under its org's preset: its first party, amounts, hearing. */
static int review_scope(struct app_ctx *ctx, const struct st_case *c, const json_t *body,
                        const struct history *h, struct scope_result *res, struct sx_err *err)
{
    const struct pol_policy *pol = NULL;
    struct st_party *parties = NULL;
    size_t n_parties = 0;
    struct scope_case sc;
    int rc;
    memset(res, 0, sizeof(*res));
    if (strcmp(c->kind, "penalty") != 0 && strcmp(c->kind, "coercion") != 0)
        return 0;
    rc = app_policy_for_org(ctx, c->org_id, &pol, err);
    if (rc == 0)
        rc = st_party_list(ctx->db, c->id, ctx->arena, &parties, &n_parties, err);
    if (rc != 0)
        return rc;
    (void)app_case_scope_case(c, n_parties > 0 && strcmp(parties[0].kind, "org") == 0, &sc);
    /* the decision's own amounts when it is being made, else what the case holds */
    sc.amount_fen[POL_AMOUNT_FINE] = amount(body, "fine_fen", c->fine_fen);
    sc.amount_fen[POL_AMOUNT_CONFISCATION] = amount(body, "confiscation_fen", c->confiscation_fen);
    sc.amount_fen[POL_AMOUNT_FUND_RECOVERY] = amount(body, "recovery_fen", c->fund_recovery_fen);
    sc.amount_fen[POL_AMOUNT_PAYMENT_REFUSAL] =
        amount(body, "refused_payment_fen", c->payment_refusal_fen);
    sc.hearing = h->hearing_requested;
    scope_evaluate(pol, &sc, res);
    return 0;
}

static int review_required(struct app_ctx *ctx, const struct st_case *c, const json_t *body,
                           const struct history *h, bool *required, struct sx_err *err)
{
    struct scope_result res;
    int rc = review_scope(ctx, c, body, h, &res, err);
    *required = rc == 0 && res.required != 0;
    return rc;
}

/*
 * Routing to the reviewing body (review_route.h; 北京 二(三)2 (BJ-2.3-2a/b)):
 * a submission names a reviewer of the org that provides the body the review
 * scope picks (route is filled for the record); an opinion or re-review
 * opinion comes from that org. An assigned reviewer of another org acts on
 * this case as within the case's org for these steps only (facts->actor_org),
 * so the role gate lets the review through and nothing else.
 */
static int review_route_check(struct app_ctx *ctx, const struct app_principal *actor,
                              const struct st_case *c, const char *type, const json_t *body,
                              const struct history *h, struct wf_facts *f,
                              struct review_route *route, struct sx_err *err)
{
    int rc;
    if (strcmp(type, "legal_review_request") == 0) {
        struct scope_result res;
        struct st_user u;
        struct st_org org;
        int64_t reviewer = first_user(body, "reviewer");
        rc = review_scope(ctx, c, NULL, h, &res, err);
        if (rc == 0)
            rc = app_review_body_org(ctx, c->org_id, res.body != NULL ? res.body->key : NULL,
                                     &route->org_id, err);
        if (rc == 0)
            rc = st_user_get(ctx->db, reviewer, ctx->arena, &u, err);
        if (rc != 0)
            return rc;
        route->body = res.body != NULL ? res.body->key : NULL;
        if (u.org_id == route->org_id)
            return 0;
        rc = st_org_get(ctx->db, route->org_id, ctx->arena, &org, err);
        if (rc != 0)
            return rc;
        return SX_FAIL(
            err, SX_E_GATE, "reviewer-wrong-body", "审核人员不属于应当审核本案的法制机构",
            res.body != NULL ? res.body->source : "行政处罚法 第五十八条第一款", "reviewer",
            "本案由“%s”审核（%s），用户 %lld 不属于该机构",
            res.body != NULL ? res.body->label : "本机关法制机构", org.name, (long long)reviewer);
    }
    if (strcmp(type, "legal_review_opinion") == 0 || strcmp(type, "re_review_opinion") == 0) {
        int64_t org = h->review_org != 0 ? h->review_org : c->org_id;
        if (actor->org_id != org)
            return SX_FAIL(err, SX_E_FORBIDDEN, "reviewer-wrong-body",
                           "审核人员不属于应当审核本案的法制机构", SRC_REVIEW_ORDER, "reviewer",
                           "本次送审由机构 %lld 的法制机构审核，您属于机构 %lld", (long long)org,
                           (long long)actor->org_id);
        if (actor->org_id != c->org_id)
            f->actor_org = c->org_id;
    }
    return 0;
}

int app_case_review_required(struct app_ctx *ctx, const struct st_case *c, bool *required,
                             struct sx_err *err)
{
    struct history h;
    int rc = load_history(ctx, c, &h, err);
    if (rc == 0)
        rc = review_required(ctx, c, NULL, &h, required, err);
    history_free(&h);
    return rc;
}

/* ---- reading ---- */

static int case_view(struct app_ctx *ctx, const struct app_principal *actor, int64_t case_id,
                     int with_next, struct app_case_view *out, struct sx_err *err);

int app_case_view(struct app_ctx *ctx, const struct app_principal *actor, int64_t case_id,
                  int with_next, struct app_case_view *out, struct sx_err *err)
{
    /*
     * No read transaction: case, parties and officers come from one statement, which is a
     * consistent view by itself; BEGIN and ROLLBACK would cost as much as the read.
     */
    return case_view(ctx, actor, case_id, with_next, out, err);
}

static int case_view(struct app_ctx *ctx, const struct app_principal *actor, int64_t case_id,
                     int with_next, struct app_case_view *out, struct sx_err *err)
{
    const struct wf_def *def;
    const struct wf_state *st;
    int rc;
    memset(out, 0, sizeof(*out));
    /* one statement: one consistent view of case, parties and officers without a transaction */
    rc = st_case_page(ctx->db, case_id, ctx->arena, &out->c, &out->parties, &out->n_parties,
                      &out->officers, &out->n_officers, err);
    if (rc == SX_E_NOTFOUND)
        return case_not_found(err, case_id);
    if (rc == 0)
        rc = check_visible(ctx, actor, &out->c, err);
    if (rc != 0)
        return rc;
    def = def_for_kind(ctx->app, out->c.kind, err);
    if (def == NULL)
        return err->code;
    st = wf_state_find(def, out->c.state);
    out->state_name_zh = st != NULL ? st->name_zh : out->c.state;
    if (!with_next || actor == NULL)
        return 0;

    /* next actions as the viewer would take them today, officers = the case's officers */
    struct wf_facts facts;
    json_t *ids = json_array();
    for (size_t i = 0; i < out->n_officers; i++)
        json_array_append_new(ids, json_integer(out->officers[i].id));
    json_t *probe = json_pack("{so}", "officers", ids);
    struct history h;
    struct st_user *officers = out->officers; /* read above: not again */
    size_t n_officers = out->n_officers;
    memset(&h, 0, sizeof(h));
    rc = build_facts(ctx, actor, def, &out->c, app_today(ctx), probe, &facts, &h, &officers,
                     &n_officers, err);
    if (rc == 0)
        rc = review_rules(ctx, &out->c, "", decision_possible(def, out->c.state), actor, probe,
                          app_today(ctx), &h, officers, n_officers, &facts, err);
    json_decref(probe);
    history_free(&h);
    if (rc != 0)
        return rc;
    size_t cap = wf_action_count(def);
    out->next = sx_arena_alloc(ctx->arena, (cap + 1) * sizeof(*out->next));
    if (out->next == NULL)
        return fail_nomem(err);
    facts.brief = true; /* the page shows a refusal's title and source, not its detail */
    /* the assigned reviewer of another org: the review steps as within the case's org */
    struct wf_facts review_facts = facts;
    if (actor->org_id != out->c.org_id && assigned_reviewer(ctx, &out->c, actor))
        review_facts.actor_org = out->c.org_id;
    struct sx_err blocked;
    for (size_t i = 0; i < cap; i++) {
        const struct wf_action *a = wf_action_at(def, i);
        const char *to = NULL;
        /* actions the state does not allow at all are not "next"; gate refusals are shown */
        if (!wf_action_from_state(def, a, st))
            continue;
        const struct wf_facts *fx = is_review_type(a->record_type) ? &review_facts : &facts;
        struct app_next *x = &out->next[out->n_next++];
        x->key = a->key;
        x->name_zh = a->name_zh;
        x->allowed = wf_check_in(def, st, fx, a, &to, &blocked) == 0;
        if (!x->allowed) {
            x->blocked_title = sx_arena_strdup(ctx->arena, blocked.title);
            x->blocked_source = sx_arena_strdup(ctx->arena, blocked.source);
        }
    }
    return 0;
}
