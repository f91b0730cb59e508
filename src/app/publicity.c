/* publicity: results publicity items, each step a record in the case's chain (issue 4). */
#include "publicity.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cases.h"
#include "app/identity.h"
#include "core/cal.h"
#include "core/canon.h"
#include "core/catalog.h"
#include "core/policy.h"
#include "core/publicity.h"
#include "sx_buf.h"

#define TEXT_MAX (1u << 20)
#define SRC_SCOPE "DESIGN §6 安全（本机关办理本机关事项）"

/* Who files a correction request from the portal, and the audit action, for the rate limit. */
#define CORR_AUDIT "publicity.correction_request"
static const struct app_principal public_actor = {.username = "public"};

static int fail_nomem(struct sx_err *err)
{
    return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", NULL, NULL, "publicity");
}

static const char *jstr(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return (s != NULL && s[0] != '\0') ? s : NULL;
}

/* Non-blank text: something other than ASCII spaces. */
static bool blank(const char *s)
{
    for (; s != NULL && *s != '\0'; s++) {
        if (!isspace((unsigned char)*s))
            return false;
    }
    return true;
}

const char *app_pub_kind_label(const char *case_kind)
{
    if (case_kind != NULL && strcmp(case_kind, "coercion") == 0)
        return "行政强制决定";
    return "行政处罚决定";
}

/* ---- records ---- */

/* Check body against the catalogue and append it to the case's chain (actor 0: the public). */
static int append(struct app_ctx *ctx, int64_t case_id, const char *type, const char *action,
                  int64_t actor_id, const json_t *body, struct st_record *out, struct sx_err *err)
{
    struct sx_buf canon;
    int rc = cat_validate_body(ctx->app->catalog, type, body, app_today(ctx), err);
    if (rc != 0)
        return rc;
    sx_buf_init(&canon, TEXT_MAX * 4);
    rc = canon_json(body, &canon, err);
    if (rc == 0) {
        const char *now = app_now(ctx);
        struct st_record_new in = {
            .case_id = case_id,
            .type = type,
            .action = action,
            .at = now,
            .recorded_at = now,
            .actor_id = actor_id,
            .body = canon.data,
        };
        rc = st_record_append(ctx->db, &in, ctx->arena, out, err);
    }
    sx_buf_free(&canon);
    return rc;
}

/* ---- deadlines ---- */

/* from + the policy's key (working or calendar days) as "YYYY-MM-DD" in arena. */
static int due_date(struct app_ctx *ctx, int64_t org_id, const char *key, const char *from,
                    const char **due, bool *provisional, struct sx_err *err)
{
    const struct pol_policy *pol = NULL;
    enum pol_unit unit = POL_UNIT_WD;
    const char *source = NULL;
    int days = 0;
    int32_t d0 = 0, d1 = 0;
    char buf[CAL_DATE_BUFSZ];
    int rc = app_policy_for_org(ctx, org_id, &pol, err);
    if (rc == 0)
        rc = pol_deadline(pol, key, &days, &unit, &source, err);
    if (rc == 0)
        rc = cal_date_parse(from, &d0, err);
    if (rc != 0)
        return rc;
    *provisional = false;
    if (unit == POL_UNIT_WD)
        rc = cal_add_workdays(ctx->app->calendar, d0, days, true, &d1, provisional, err);
    else
        d1 = d0 + days;
    if (rc != 0)
        return rc;
    *due = sx_arena_strdup(ctx->arena, cal_date_format(d1, buf));
    return *due != NULL ? 0 : fail_nomem(err);
}

/* ---- parties and names ---- */

struct names {
    const char **persons;
    size_t n;
    const char *legal_rep;
    const char *label; /* 张某, or the organisation's name; several joined by 、 */
    const char *uscc;
    const char *legal_rep_shown;
};

static int case_names(struct app_ctx *ctx, int64_t case_id, const json_t *extra, struct names *nm,
                      struct st_party **parties_out, size_t *n_out, struct sx_err *err)
{
    struct st_party *parties = NULL;
    size_t n = 0;
    struct sx_buf label;
    int rc = st_party_list(ctx->db, case_id, ctx->arena, &parties, &n, err);
    if (rc != 0)
        return rc;
    memset(nm, 0, sizeof(*nm));
    nm->persons = sx_arena_alloc(ctx->arena, (n + json_array_size(extra) + 1) * sizeof(char *));
    if (nm->persons == NULL)
        return fail_nomem(err);
    sx_buf_init(&label, 4096);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const struct st_party *p = &parties[i];
        char mask[RED_REPL_MAX];
        const char *shown = p->name;
        if (strcmp(p->kind, "person") == 0) {
            nm->persons[nm->n++] = p->name;
            rc = red_person_mask(p->name, mask, err);
            shown = mask;
        } else if (nm->legal_rep == NULL) {
            nm->legal_rep = p->legal_rep;
            nm->uscc = p->uscc;
            nm->legal_rep_shown = p->legal_rep;
        }
        if (rc == 0 &&
            ((label.len > 0 && sx_buf_puts(&label, "、") != 0) || sx_buf_puts(&label, shown) != 0))
            rc = fail_nomem(err);
    }
    for (size_t i = 0; rc == 0 && i < json_array_size(extra); i++) {
        const char *s = json_string_value(json_array_get(extra, i));
        if (s != NULL && s[0] != '\0')
            nm->persons[nm->n++] = s;
    }
    if (rc == 0) {
        nm->label = sx_arena_strdup(ctx->arena, label.data != NULL ? label.data : "");
        if (nm->label == NULL)
            rc = fail_nomem(err);
    }
    sx_buf_free(&label);
    if (parties_out != NULL) {
        *parties_out = parties;
        *n_out = n;
    }
    return rc;
}

/*
 * The further names the current draft was redacted with (its record's extra_persons), so the
 * gate checks them too. New reference (an empty array when none); NULL when out of memory.
 */
static json_t *draft_extra(struct app_ctx *ctx, const struct st_pub_item *it)
{
    struct st_record rec;
    struct sx_err ignore;
    json_t *extra = NULL;
    if (it->draft_record_id != 0 &&
        st_record_get(ctx->db, it->draft_record_id, ctx->arena, &rec, &ignore) == 0) {
        json_t *b = json_loads(rec.body, 0, NULL);
        extra = json_incref(json_object_get(b, "extra_persons"));
        json_decref(b);
    }
    return extra != NULL ? extra : json_array();
}

/* Redact text with the case's names into arena; report (may be NULL) gets the removals. */
static int redact(struct app_ctx *ctx, const struct names *nm, const char *text, const char **out,
                  struct red_report *report, struct sx_err *err)
{
    struct red_options o = {.persons = nm->persons, .n_persons = nm->n, .legal_rep = nm->legal_rep};
    struct sx_buf b;
    int rc;
    sx_buf_init(&b, TEXT_MAX);
    rc = red_apply(text, strlen(text), &o, &b, report, err);
    if (rc == 0) {
        *out = sx_arena_strdup(ctx->arena, b.data != NULL ? b.data : "");
        if (*out == NULL)
            rc = fail_nomem(err);
    }
    sx_buf_free(&b);
    return rc;
}

/* ---- the step hook ---- */

int app_pub_on_step(struct app_ctx *ctx, const struct app_principal *actor, const struct st_case *c,
                    const struct st_record *rec, const json_t *body, struct sx_err *err)
{
    const char *key;
    const char *decided_on = jstr(body, "decided_on");
    const char *due = NULL;
    bool provisional = false;
    struct names nm = {0};
    struct st_party *parties = NULL;
    size_t n_parties = 0;
    struct st_record made;
    json_t *jb = NULL;
    int64_t item_id = 0;
    int32_t day = 0;
    int minor = 0;
    int rc;

    if (strcmp(rec->type, "decision") != 0 && strcmp(rec->type, "coercion_decision") != 0)
        return 0;
    key = pub_deadline_key(c->kind, jstr(body, "outcome"));
    if (key == NULL || decided_on == NULL)
        return 0;
    rc = due_date(ctx, c->org_id, key, decided_on, &due, &provisional, err);
    if (rc == 0)
        rc = case_names(ctx, c->id, NULL, &nm, &parties, &n_parties, err);
    if (rc == 0)
        rc = cal_date_parse(decided_on, &day, err);
    if (rc != 0)
        return rc;
    /* HB-1-13: a party who was a minor on the decision date is never published */
    for (size_t i = 0; i < n_parties && minor == 0; i++) {
        int32_t birth = 0;
        struct sx_err ignore;
        if (strcmp(parties[i].kind, "person") == 0 && parties[i].birth_date != NULL &&
            cal_date_parse(parties[i].birth_date, &birth, &ignore) == 0 && pub_is_minor(birth, day))
            minor = (int)i + 1;
    }
    jb = json_pack("{sI ss ss ss}", "decision_record", (json_int_t)rec->id, "deadline_key", key,
                   "decided_on", decided_on, "due_on", due);
    if (jb == NULL)
        return fail_nomem(err);
    if (provisional)
        json_object_set_new(jb, "provisional", json_true());
    rc = append(ctx, c->id, "publicity_item", "publicity_item", actor->user_id, jb, &made, err);
    json_decref(jb);
    jb = NULL;
    if (rc != 0)
        return rc;
    struct st_pub_item it = {
        .case_id = c->id,
        .org_id = c->org_id,
        .case_kind = c->kind,
        .decision_record_id = rec->id,
        .decision_no = jstr(body, "decision_no"),
        .case_number = c->number,
        .decided_on = decided_on,
        .deadline_key = key,
        .due_on = due,
        .state = pub_state_name(PUB_PENDING),
        .party_label = nm.label,
        .created_at = app_now(ctx),
        .updated_at = app_now(ctx),
    };
    if (minor > 0) {
        char expl[160];
        snprintf(expl, sizeof(expl),
                 "第 %d 个当事人在决定作出之日（%s）未满十八周岁（依身份证号码所载出生日期判定）",
                 minor, decided_on);
        jb = json_pack("{ss ss ss sb}", "reason", pub_exempt_name(PUB_EX_MINOR), "explanation",
                       expl, "decided_on", decided_on, "automatic", 1);
        if (jb == NULL)
            return fail_nomem(err);
        rc = append(ctx, c->id, "publicity_exempt", "publicity_exempt", actor->user_id, jb, &made,
                    err);
        json_decref(jb);
        if (rc != 0)
            return rc;
        it.state = pub_state_name(PUB_EXEMPT);
        it.exempt_reason = pub_exempt_name(PUB_EX_MINOR);
        it.exempt_explanation = sx_arena_strdup(ctx->arena, expl);
    }
    return st_pub_insert(ctx->db, &it, &item_id, err);
}

/* ---- staff: loading an item in scope ---- */

static int item_not_found(struct sx_err *err, int64_t id)
{
    return SX_FAIL(err, SX_E_NOTFOUND, "publicity-not-found", "公示事项不存在或无权查看", SRC_SCOPE,
                   "id", "公示事项 %lld 不存在，或不在您的职责范围内", (long long)id);
}

static int in_scope(struct app_ctx *ctx, const struct app_principal *actor, int64_t org_id,
                    bool *yes, struct sx_err *err)
{
    int64_t *ids = NULL;
    size_t n = 0;
    int rc = app_case_scope(ctx, actor, &ids, &n, err);
    *yes = false;
    for (size_t i = 0; rc == 0 && i < n; i++)
        *yes = *yes || ids[i] == org_id;
    return rc;
}

static int load_item(struct app_ctx *ctx, const struct app_principal *actor, int64_t id,
                     struct st_pub_item *it, struct sx_err *err)
{
    bool ok = false;
    int rc = st_pub_get(ctx->db, id, ctx->arena, it, err);
    if (rc == SX_E_NOTFOUND)
        return item_not_found(err, id);
    if (rc == 0)
        rc = in_scope(ctx, actor, it->org_id, &ok, err);
    if (rc == 0 && !ok)
        rc = item_not_found(err, id);
    return rc;
}

static enum pub_state item_state(const struct st_pub_item *it)
{
    int s = pub_state_parse(it->state);
    return s < 0 ? PUB_STATE_COUNT : (enum pub_state)s;
}

/* Begin, load the item in scope and check the action is allowed from its state. */
static int begin_action(struct app_ctx *ctx, const struct app_principal *actor, int64_t id,
                        enum pub_action act, struct st_pub_item *it, struct sx_err *err)
{
    int rc = st_begin(ctx->db, err);
    if (rc != 0)
        return rc;
    rc = load_item(ctx, actor, id, it, err);
    if (rc == 0)
        rc = pub_check(item_state(it), act, err);
    if (rc != 0)
        (void)st_rollback(ctx->db, NULL);
    return rc;
}

/* Write the projection, audit, commit (roll back on any error). */
static int finish_action(struct app_ctx *ctx, const struct app_principal *actor,
                         struct st_pub_item *it, const char *audit, int rc, struct sx_err *err)
{
    if (rc == 0) {
        it->updated_at = app_now(ctx);
        rc = st_pub_update(ctx->db, it, err);
    }
    if (rc == 0)
        rc = app_audit_in_tx(ctx, actor, audit, "publicity", it->id, NULL, err);
    if (rc == 0)
        rc = st_commit(ctx->db, err);
    if (rc != 0)
        (void)st_rollback(ctx->db, NULL);
    return rc;
}

#define STAFF_ROLES (APP_ROLE_PUBLISHER | APP_ROLE_HEAD | APP_ROLE_SUPERVISOR)

int app_pub_list(struct app_ctx *ctx, const struct app_principal *actor, const char *state,
                 int64_t after_id, int limit, struct st_pub_item **out, size_t *n, int *more,
                 struct sx_err *err)
{
    int64_t *ids = NULL;
    size_t n_ids = 0;
    int rc = app_require_role(actor, STAFF_ROLES, "查看公示事项", err);
    if (rc == 0 && state != NULL && pub_state_parse(state) < 0)
        rc = SX_FAIL(err, SX_E_INVALID, "invalid-state", "公示状态无效", NULL, "state",
                     "state 须为 pending、drafted、approved、published、exempt 或 withdrawn");
    if (rc == 0)
        rc = app_case_scope(ctx, actor, &ids, &n_ids, err);
    if (rc == 0)
        rc =
            st_pub_list(ctx->db, ids, n_ids, state, after_id, limit, ctx->arena, out, n, more, err);
    return rc;
}

int app_pub_get(struct app_ctx *ctx, const struct app_principal *actor, int64_t id,
                struct app_pub_view *v, struct sx_err *err)
{
    struct st_org org;
    struct names nm = {0};
    int rc;
    memset(v, 0, sizeof(*v));
    red_report_init(&v->gate);
    rc = app_require_role(actor, STAFF_ROLES, "查看公示事项", err);
    if (rc == 0)
        rc = load_item(ctx, actor, id, &v->it, err);
    if (rc == 0)
        rc = st_org_get(ctx->db, v->it.org_id, ctx->arena, &org, err);
    if (rc != 0)
        return rc;
    v->org_name = org.name;
    v->state_label = pub_state_label(item_state(&v->it));
    v->overdue = (strcmp(v->it.state, "pending") == 0 || strcmp(v->it.state, "drafted") == 0 ||
                  strcmp(v->it.state, "approved") == 0) &&
                 strcmp(app_today(ctx), v->it.due_on) > 0;
    if (v->it.draft_text != NULL &&
        (strcmp(v->it.state, "drafted") == 0 || strcmp(v->it.state, "approved") == 0)) {
        struct sx_err gerr;
        json_t *extra = draft_extra(ctx, &v->it);
        rc = extra == NULL ? fail_nomem(err)
                           : case_names(ctx, v->it.case_id, extra, &nm, NULL, NULL, err);
        if (rc != 0) {
            json_decref(extra);
            return rc;
        }
        struct red_options o = {
            .persons = nm.persons, .n_persons = nm.n, .legal_rep = nm.legal_rep};
        rc = red_scan(v->it.draft_text, strlen(v->it.draft_text), &o, &v->gate, &gerr);
        json_decref(extra); /* its names were needed by red_scan only */
        if (rc == SX_E_GATE)
            rc = 0;
        else if (rc != 0)
            *err = gerr;
    }
    return rc;
}

/* ---- drafting ---- */

static int money_line(struct sx_buf *b, const char *label, const json_t *v)
{
    if (!json_is_integer(v) || json_integer_value(v) <= 0)
        return 0;
    json_int_t fen = json_integer_value(v);
    return sx_buf_printf(b, "%s%s%lld.%02lld元", b->len > 0 ? "；" : "", label,
                         (long long)(fen / 100), (long long)(fen % 100));
}

/* The decision's content in words (处理决定). */
static int decision_content(const char *type, const json_t *d, struct sx_buf *b)
{
    int rc = 0;
    if (strcmp(type, "coercion_decision") == 0)
        return sx_buf_puts(b, jstr(d, "content") != NULL ? jstr(d, "content") : "");
    if (jstr(d, "outcome") != NULL && strcmp(jstr(d, "outcome"), "no_penalty") == 0)
        return sx_buf_puts(b, "不予行政处罚");
    if (json_is_true(json_object_get(d, "warning")))
        rc = sx_buf_puts(b, "警告");
    if (rc == 0)
        rc = money_line(b, "罚款", json_object_get(d, "fine_fen"));
    if (rc == 0)
        rc = money_line(b, "没收违法所得", json_object_get(d, "confiscation_fen"));
    if (rc == 0)
        rc = money_line(b, "追回医保基金", json_object_get(d, "recovery_fen"));
    if (rc == 0)
        rc = money_line(b, "拒付费用", json_object_get(d, "refused_payment_fen"));
    if (rc == 0 && jstr(d, "other_penalty") != NULL)
        rc = sx_buf_printf(b, "%s%s", b->len > 0 ? "；" : "", jstr(d, "other_penalty"));
    if (rc == 0 && b->len == 0)
        rc = sx_buf_puts(b, "给予行政处罚");
    return rc;
}

/* The summary of YN-1-09 / HB-1-12 built from the decision record. */
static int build_summary(struct app_ctx *ctx, const struct st_pub_item *it, const struct names *nm,
                         const char **out, struct sx_err *err)
{
    struct st_record rec;
    struct st_case c;
    struct st_org org;
    json_t *d = NULL;
    struct sx_buf content, text;
    int rc = st_record_get(ctx->db, it->decision_record_id, ctx->arena, &rec, err);
    if (rc == 0)
        rc = st_case_get(ctx->db, it->case_id, ctx->arena, &c, err);
    if (rc == 0)
        rc = st_org_get(ctx->db, it->org_id, ctx->arena, &org, err);
    if (rc != 0)
        return rc;
    d = json_loads(rec.body, 0, NULL);
    if (d == NULL)
        return SX_FAIL(err, SX_E_INTERNAL, "record-unreadable", "决定记录无法读取", NULL, NULL,
                       "记录 %lld", (long long)rec.id);
    sx_buf_init(&content, TEXT_MAX);
    sx_buf_init(&text, TEXT_MAX);
    rc = decision_content(rec.type, d, &content) != 0 ? fail_nomem(err) : 0;
    if (rc == 0) {
        struct pub_summary s = {
            .kind_label = app_pub_kind_label(it->case_kind),
            .document_no = jstr(d, "decision_no"),
            .case_name = c.cause,
            .party = nm->label,
            .uscc = nm->uscc,
            .legal_rep = nm->legal_rep_shown,
            .facts = jstr(d, "facts"),
            .basis = jstr(d, "basis"),
            .content = content.data,
            .authority = org.name,
            .date = it->decided_on,
        };
        rc = pub_summary_build(&s, &text, err);
    }
    if (rc == 0) {
        *out = sx_arena_strdup(ctx->arena, text.data);
        if (*out == NULL)
            rc = fail_nomem(err);
    }
    sx_buf_free(&content);
    sx_buf_free(&text);
    json_decref(d);
    return rc;
}

static int removed_json(const struct red_report *r, json_t **out)
{
    *out = json_object();
    for (int k = 0; *out != NULL && k < RED_KIND_COUNT; k++) {
        if (r->count[k] > 0)
            json_object_set_new(*out, red_kind_slug((enum red_kind)k),
                                json_integer((json_int_t)r->count[k]));
    }
    return *out != NULL ? 0 : -1;
}

int app_pub_draft(struct app_ctx *ctx, const struct app_principal *actor, int64_t id,
                  const struct app_pub_draft_in *in, struct sx_err *err)
{
    struct st_pub_item it;
    struct names nm = {0};
    struct red_report rep;
    struct st_record made;
    const char *raw = NULL;
    const char *text = NULL;
    const char *title = NULL;
    json_t *body = NULL;
    json_t *removed = NULL;
    int rc = app_require_role(actor, APP_ROLE_PUBLISHER, "拟定公示稿", err);
    if (rc != 0)
        return rc;
    if (in->form == NULL || (strcmp(in->form, "full") != 0 && strcmp(in->form, "summary") != 0))
        return SX_FAIL(err, SX_E_INVALID, "invalid-form", "公示方式无效", PUB_SRC_SUMMARY, "form",
                       "form 须为 full（全文）或 summary（摘要）");
    if (strcmp(in->form, "full") == 0 && blank(in->full_text) && blank(in->text))
        return SX_FAIL(err, SX_E_INVALID, "full-text-missing", "全文公示须提供决定书全文",
                       PUB_SRC_SUMMARY, "full_text", "请提供决定书全文（full_text）");
    red_report_init(&rep);
    rc = begin_action(ctx, actor, id, PUB_ACT_DRAFT, &it, err);
    if (rc != 0)
        return rc;
    rc = case_names(ctx, it.case_id, in->extra_persons, &nm, NULL, NULL, err);
    if (rc == 0) {
        if (strcmp(in->form, "summary") == 0)
            rc = build_summary(ctx, &it, &nm, &raw, err);
        else
            raw = in->full_text;
    }
    /* the publisher's own final text is taken as is: the publish gate checks it */
    if (rc == 0 && !blank(in->text))
        text = in->text;
    else if (rc == 0)
        rc = redact(ctx, &nm, raw, &text, &rep, err);
    if (rc == 0) {
        const char *t = in->title;
        if (blank(t))
            t = sx_arena_printf(ctx->arena, "%s%s（%s）", nm.label,
                                app_pub_kind_label(it.case_kind),
                                it.decision_no != NULL ? it.decision_no : "");
        rc = t == NULL ? fail_nomem(err) : redact(ctx, &nm, t, &title, NULL, err);
    }
    if (rc == 0) {
        body = json_pack("{ss ss ss ss}", "form", in->form, "title", title, "text", text,
                         "drafted_on", app_today(ctx));
        if (body == NULL || removed_json(&rep, &removed) != 0) {
            rc = fail_nomem(err);
        } else {
            json_object_set_new(body, "removed", removed);
            if (strcmp(in->form, "full") == 0 && !blank(in->full_text))
                json_object_set_new(body, "full_text", json_string(in->full_text));
            if (json_array_size(in->extra_persons) > 0)
                json_object_set_new(body, "extra_persons", json_deep_copy(in->extra_persons));
            rc = append(ctx, it.case_id, "publicity_draft", "publicity_draft", actor->user_id, body,
                        &made, err);
        }
    }
    if (rc == 0) {
        it.state = pub_state_name(pub_next(item_state(&it), PUB_ACT_DRAFT));
        it.form = in->form;
        it.title = title;
        it.draft_text = text;
        it.draft_record_id = made.id;
        it.approval_record_id = 0; /* a new draft needs a new approval */
    }
    rc = finish_action(ctx, actor, &it, "publicity.draft", rc, err);
    json_decref(body);
    red_report_free(&rep);
    return rc;
}

/* Is user a head of org_id or of an org above it? */
static int head_of(struct app_ctx *ctx, const struct app_principal *actor, int64_t org_id,
                   struct sx_err *err)
{
    bool ok = false;
    int rc = app_require_role(actor, APP_ROLE_HEAD, "审批公示", err);
    if (rc == 0)
        rc = in_scope(ctx, actor, org_id, &ok, err);
    if (rc == 0 && !ok)
        rc = SX_FAIL(err, SX_E_FORBIDDEN, "not-head-of-org", "只有本机关负责人可以审批公示",
                     PUB_SRC_APPROVAL, "approver", "您不是该执法主体或其上级机关的负责人");
    return rc;
}

int app_pub_approve(struct app_ctx *ctx, const struct app_principal *actor, int64_t id,
                    const char *opinion, struct sx_err *err)
{
    struct st_pub_item it;
    struct st_record made;
    json_t *body = NULL;
    int rc = app_require_role(actor, APP_ROLE_HEAD, "审批公示", err);
    if (rc != 0)
        return rc;
    rc = begin_action(ctx, actor, id, PUB_ACT_APPROVE, &it, err);
    if (rc != 0)
        return rc;
    rc = head_of(ctx, actor, it.org_id, err);
    if (rc == 0) {
        body = json_pack("{sI s[I] ss}", "draft_record", (json_int_t)it.draft_record_id, "approver",
                         (json_int_t)actor->user_id, "approved_on", app_today(ctx));
        if (body == NULL)
            rc = fail_nomem(err);
        else if (!blank(opinion))
            json_object_set_new(body, "opinion", json_string(opinion));
    }
    if (rc == 0)
        rc = append(ctx, it.case_id, "publicity_approval", "publicity_approve", actor->user_id,
                    body, &made, err);
    if (rc == 0) {
        it.state = pub_state_name(PUB_APPROVED);
        it.approval_record_id = made.id;
    }
    rc = finish_action(ctx, actor, &it, "publicity.approve", rc, err);
    json_decref(body);
    return rc;
}

/* What portal search sees: title, party, numbers, authority and the text. */
static const char *search_text(struct app_ctx *ctx, const struct st_pub_item *it, const char *text)
{
    struct st_org org;
    struct sx_err ignore;
    const char *org_name =
        st_org_get(ctx->db, it->org_id, ctx->arena, &org, &ignore) == 0 ? org.name : "";
    return sx_arena_printf(ctx->arena, "%s\n%s\n%s\n%s\n%s\n%s", it->title ? it->title : "",
                           it->party_label ? it->party_label : "",
                           it->case_number ? it->case_number : "",
                           it->decision_no ? it->decision_no : "", org_name, text);
}

int app_pub_publish(struct app_ctx *ctx, const struct app_principal *actor, int64_t id,
                    const char *override_reason, const char *late_reason, struct sx_err *err)
{
    struct st_pub_item it;
    struct names nm = {0};
    struct red_report rep;
    struct st_record made;
    json_t *body = NULL;
    json_t *extra = NULL;
    const char *today = app_today(ctx);
    int hits = 0;
    int rc = app_require_role(actor, APP_ROLE_PUBLISHER, "发布公示", err);
    if (rc != 0)
        return rc;
    red_report_init(&rep);
    rc = begin_action(ctx, actor, id, PUB_ACT_PUBLISH, &it, err);
    if (rc != 0)
        return rc;
    extra = draft_extra(ctx, &it);
    rc = extra == NULL ? fail_nomem(err) : case_names(ctx, it.case_id, extra, &nm, NULL, NULL, err);
    if (rc == 0) {
        /* the publish gate: whatever a detector still finds blocks, unless overridden */
        struct red_options o = {
            .persons = nm.persons, .n_persons = nm.n, .legal_rep = nm.legal_rep};
        rc = red_scan(it.draft_text, strlen(it.draft_text), &o, &rep, err);
        if (rc == SX_E_GATE) {
            hits = (int)rep.n;
            if (blank(override_reason)) {
                snprintf(err->field, sizeof(err->field), "override_reason");
            } else {
                sx_err_clear(err);
                rc = 0;
            }
        }
    }
    if (rc == 0 && strcmp(today, it.due_on) > 0 && blank(late_reason))
        rc = SX_FAIL(err, SX_E_GATE, "publish-late-reason", "逾期公示须说明原因", PUB_SRC_LATE,
                     "late_reason", "公示期限为 %s（%s），今天 %s 已逾期，请填写逾期原因",
                     it.due_on, it.deadline_key, today);
    if (rc == 0) {
        body = json_pack("{sI ss}", "draft_record", (json_int_t)it.draft_record_id, "published_on",
                         today);
        if (body == NULL) {
            rc = fail_nomem(err);
        } else {
            if (hits > 0) {
                json_object_set_new(body, "gate_hits", json_integer(hits));
                json_object_set_new(body, "override_reason", json_string(override_reason));
            }
            if (strcmp(today, it.due_on) > 0)
                json_object_set_new(body, "late_reason", json_string(late_reason));
            rc =
                append(ctx, it.case_id, "publication", "publish", actor->user_id, body, &made, err);
        }
    }
    if (rc == 0) {
        it.state = pub_state_name(PUB_PUBLISHED);
        it.published_text = it.draft_text;
        it.published_on = today;
        it.published_record_id = made.id;
        it.override_reason = hits > 0 ? override_reason : NULL;
        it.search_text = search_text(ctx, &it, it.published_text);
        if (it.search_text == NULL)
            rc = fail_nomem(err);
    }
    rc = finish_action(ctx, actor, &it, "publicity.publish", rc, err);
    json_decref(body);
    json_decref(extra);
    red_report_free(&rep);
    return rc;
}

int app_pub_exempt(struct app_ctx *ctx, const struct app_principal *actor, int64_t id,
                   const char *reason, const char *explanation, struct sx_err *err)
{
    struct st_pub_item it;
    struct st_record made;
    json_t *body = NULL;
    int r = pub_exempt_parse(reason);
    int rc = app_require_role(actor, APP_ROLE_PUBLISHER | APP_ROLE_HEAD, "决定不予公示", err);
    if (rc != 0)
        return rc;
    if (r < 0)
        return SX_FAIL(err, SX_E_INVALID, "invalid-exempt-reason", "不予公示的情形无效",
                       PUB_SRC_NEVER, "reason",
                       "reason 须为 minor、secret、security、series 或 crime_referral");
    if (blank(explanation))
        return SX_FAIL(err, SX_E_INVALID, "exempt-explanation-missing", "须说明不予公示的具体理由",
                       PUB_SRC_NEVER, "explanation", "请填写具体说明（explanation）");
    rc = begin_action(ctx, actor, id, PUB_ACT_EXEMPT, &it, err);
    if (rc != 0)
        return rc;
    body = json_pack("{ss ss ss}", "reason", reason, "explanation", explanation, "decided_on",
                     app_today(ctx));
    rc = body == NULL ? fail_nomem(err)
                      : append(ctx, it.case_id, "publicity_exempt", "publicity_exempt",
                               actor->user_id, body, &made, err);
    if (rc == 0) {
        it.state = pub_state_name(PUB_EXEMPT);
        it.exempt_reason = pub_exempt_name((enum pub_exempt_reason)r);
        it.exempt_explanation = explanation;
    }
    rc = finish_action(ctx, actor, &it, "publicity.exempt", rc, err);
    json_decref(body);
    return rc;
}

int app_pub_withdraw(struct app_ctx *ctx, const struct app_principal *actor, int64_t id,
                     const json_t *change, struct sx_err *err)
{
    struct st_pub_item it;
    struct st_record made;
    const char *today = app_today(ctx);
    const char *received = jstr(change, "received_on");
    const char *due = NULL;
    bool provisional = false;
    json_t *body = NULL;
    char *cj = NULL;
    int rc = app_require_role(actor, APP_ROLE_PUBLISHER, "撤回公示", err);
    if (rc != 0)
        return rc;
    if (received == NULL)
        return SX_FAIL(err, SX_E_INVALID, "missing-field", "缺少收到变更、撤销文书的日期",
                       PUB_SRC_WITHDRAW, "received_on", "请填写 received_on");
    rc = begin_action(ctx, actor, id, PUB_ACT_WITHDRAW, &it, err);
    if (rc != 0)
        return rc;
    rc = due_date(ctx, it.org_id, "withdraw_published", received, &due, &provisional, err);
    if (rc == 0 && strcmp(today, due) > 0 && jstr(change, "late_reason") == NULL)
        rc = SX_FAIL(err, SX_E_GATE, "withdraw-late-reason", "逾期撤回须说明原因", PUB_SRC_WITHDRAW,
                     "late_reason", "撤回期限为 %s，今天 %s 已逾期，请填写原因", due, today);
    if (rc == 0) {
        body = json_deep_copy(change);
        if (body == NULL) {
            rc = fail_nomem(err);
        } else {
            json_object_set_new(body, "withdrawn_on", json_string(today));
            json_object_set_new(body, "due_on", json_string(due));
            rc = append(ctx, it.case_id, "publicity_withdrawal", "publicity_withdraw",
                        actor->user_id, body, &made, err);
        }
    }
    if (rc == 0) {
        /* the public notice: who changed what, when, under which number (YN-1-14) */
        json_t *pub = json_pack("{ss ss ss ss ss}", "change_kind", jstr(change, "change_kind"),
                                "authority", jstr(change, "authority"), "document_no",
                                jstr(change, "document_no"), "change_date",
                                jstr(change, "change_date"), "content", jstr(change, "content"));
        cj = pub != NULL ? json_dumps(pub, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
        json_decref(pub);
        if (cj == NULL)
            rc = fail_nomem(err);
    }
    if (rc == 0) {
        it.state = pub_state_name(PUB_WITHDRAWN);
        it.change_json = sx_arena_strdup(ctx->arena, cj);
        it.withdrawn_on = today;
        it.withdraw_due = due;
        it.search_text = NULL; /* out of search at once */
    }
    rc = finish_action(ctx, actor, &it, "publicity.withdraw", rc, err);
    free(cj);
    json_decref(body);
    return rc;
}

/* ---- correction requests ---- */

int app_pub_corr_list(struct app_ctx *ctx, const struct app_principal *actor, const char *state,
                      int64_t after_id, int limit, struct st_pub_correction **out, size_t *n,
                      int *more, struct sx_err *err)
{
    int64_t *ids = NULL;
    size_t n_ids = 0;
    int rc = app_require_role(actor, STAFF_ROLES, "查看更正申请", err);
    if (rc == 0)
        rc = app_case_scope(ctx, actor, &ids, &n_ids, err);
    if (rc == 0)
        rc = st_pub_corr_list(ctx->db, ids, n_ids, state, after_id, limit, ctx->arena, out, n, more,
                              err);
    return rc;
}

int app_pub_corr_reply(struct app_ctx *ctx, const struct app_principal *actor, int64_t corr_id,
                       const json_t *reply, struct st_pub_correction *out, struct sx_err *err)
{
    struct st_pub_correction c;
    struct st_pub_item it;
    struct st_record made;
    struct names nm = {0};
    const char *outcome = jstr(reply, "outcome");
    const char *corrected = NULL;
    json_t *body = NULL;
    int rc = app_require_role(actor, APP_ROLE_PUBLISHER, "处理更正申请", err);
    if (rc != 0)
        return rc;
    rc = st_begin(ctx->db, err);
    if (rc != 0)
        return rc;
    rc = st_pub_corr_get(ctx->db, corr_id, ctx->arena, &c, err);
    if (rc == 0)
        rc = load_item(ctx, actor, c.item_id, &it, err);
    if (rc == SX_E_NOTFOUND)
        rc = SX_FAIL(err, SX_E_NOTFOUND, "correction-not-found", "更正申请不存在或无权查看",
                     SRC_SCOPE, "id", "更正申请 %lld 不存在，或不在您的职责范围内",
                     (long long)corr_id);
    if (rc == 0 && strcmp(c.state, "pending") != 0)
        rc = SX_FAIL(err, SX_E_CONFLICT, "correction-answered", "该更正申请已处理",
                     PUB_SRC_CORRECTION, "id", "已于 %s 答复", c.replied_on ? c.replied_on : "");
    if (rc == 0 && outcome != NULL && strcmp(outcome, "corrected") == 0) {
        if (strcmp(it.state, "published") != 0)
            rc = SX_FAIL(err, SX_E_CONFLICT, "not-published", "该事项已不在公示中，无法更正",
                         PUB_SRC_CORRECTION, "outcome", "公示事项当前为“%s”",
                         pub_state_label(item_state(&it)));
        else if (jstr(reply, "corrected_text") == NULL)
            rc = SX_FAIL(err, SX_E_INVALID, "missing-field", "予以更正的须提供更正后的公示文本",
                         PUB_SRC_CORRECTION, "corrected_text", "请填写 corrected_text");
        /* the corrected text goes through the same redaction as a draft */
        if (rc == 0)
            rc = case_names(ctx, it.case_id, NULL, &nm, NULL, NULL, err);
        if (rc == 0)
            rc = redact(ctx, &nm, jstr(reply, "corrected_text"), &corrected, NULL, err);
    }
    if (rc == 0) {
        body = json_deep_copy(reply);
        if (body == NULL) {
            rc = fail_nomem(err);
        } else {
            json_object_set_new(body, "request_record", json_integer(c.request_record_id));
            json_object_set_new(body, "replied_on", json_string(app_today(ctx)));
            if (corrected != NULL)
                json_object_set_new(body, "corrected_text", json_string(corrected));
            rc = append(ctx, c.case_id, "publicity_correction_reply", "publicity_correction_reply",
                        actor->user_id, body, &made, err);
        }
    }
    if (rc == 0) {
        c.state = outcome;
        c.reply = jstr(reply, "reply");
        c.replied_on = app_today(ctx);
        c.reply_record_id = made.id;
        rc = st_pub_corr_update(ctx->db, &c, err);
    }
    if (rc == 0 && corrected != NULL) {
        it.published_text = corrected;
        it.draft_text = corrected;
        it.search_text = search_text(ctx, &it, corrected);
        it.updated_at = app_now(ctx);
        rc = it.search_text == NULL ? fail_nomem(err) : st_pub_update(ctx->db, &it, err);
    }
    if (rc == 0)
        rc = app_audit_in_tx(ctx, actor, "publicity.correction", "publicity_correction", c.id, NULL,
                             err);
    if (rc == 0)
        rc = st_commit(ctx->db, err);
    if (rc != 0)
        (void)st_rollback(ctx->db, NULL);
    else if (out != NULL)
        *out = c;
    json_decref(body);
    return rc;
}

/* ---- portal ---- */

static int public_not_found(struct sx_err *err)
{
    return SX_FAIL(err, SX_E_NOTFOUND, "publicity-not-found", "公示信息不存在", PUB_SRC_NEVER, "id",
                   "没有这条公示信息");
}

/* Org names for public rows (one lookup per distinct org). */
static int publics(struct app_ctx *ctx, const struct st_pub_item *items, size_t n,
                   struct app_pub_public **out, struct sx_err *err)
{
    struct app_pub_public *p = sx_arena_alloc(ctx->arena, (n + 1) * sizeof(*p));
    if (p == NULL)
        return fail_nomem(err);
    for (size_t i = 0; i < n; i++) {
        p[i].it = &items[i];
        for (size_t j = 0; j < i && p[i].org_name == NULL; j++)
            p[i].org_name = items[j].org_id == items[i].org_id ? p[j].org_name : NULL;
        if (p[i].org_name == NULL) {
            struct st_org org;
            int rc = st_org_get(ctx->db, items[i].org_id, ctx->arena, &org, err);
            if (rc != 0)
                return rc;
            p[i].org_name = org.name;
        }
    }
    *out = p;
    return 0;
}

int app_pub_portal_search(struct app_ctx *ctx, const struct st_pub_query *q,
                          struct app_pub_public **out, size_t *n, int *more, struct sx_err *err)
{
    struct st_pub_item *items = NULL;
    int rc;
    if (q->kind != NULL && strcmp(q->kind, "penalty") != 0 && strcmp(q->kind, "coercion") != 0)
        return SX_FAIL(err, SX_E_INVALID, "invalid-kind", "公示类别无效", NULL, "kind",
                       "kind 须为 penalty（行政处罚）或 coercion（行政强制）");
    rc = st_pub_search(ctx->db, q, ctx->arena, &items, n, more, err);
    if (rc == 0)
        rc = publics(ctx, items, *n, out, err);
    return rc;
}

int app_pub_portal_get(struct app_ctx *ctx, int64_t id, struct app_pub_public *out,
                       struct sx_err *err)
{
    struct st_pub_item *it = sx_arena_alloc(ctx->arena, sizeof(*it));
    struct app_pub_public *p = NULL;
    int rc;
    if (it == NULL)
        return fail_nomem(err);
    rc = st_pub_get(ctx->db, id, ctx->arena, it, err);
    if (rc == SX_E_NOTFOUND || (rc == 0 && strcmp(it->state, "published") != 0))
        return public_not_found(err);
    if (rc == 0)
        rc = publics(ctx, it, 1, &p, err);
    if (rc == 0)
        *out = p[0];
    return rc;
}

int app_pub_portal_withdrawn(struct app_ctx *ctx, int64_t before_id, int limit,
                             struct app_pub_public **out, size_t *n, int *more, struct sx_err *err)
{
    struct st_pub_item *items = NULL;
    int rc = st_pub_withdrawn(ctx->db, before_id, limit, ctx->arena, &items, n, more, err);
    if (rc == 0)
        rc = publics(ctx, items, *n, out, err);
    return rc;
}

/* Upper-cased copy without spaces, for comparing identifiers as people type them. */
static void norm_id(const char *s, char *out, size_t cap)
{
    size_t j = 0;
    for (; s != NULL && *s != '\0' && j + 1 < cap; s++) {
        if (!isspace((unsigned char)*s))
            out[j++] = (char)toupper((unsigned char)*s);
    }
    out[j] = '\0';
}

int app_pub_portal_correction(struct app_ctx *ctx, const struct app_pub_corr_in *in, int64_t *id,
                              const char **due_on, struct sx_err *err)
{
    struct st_pub_item *items = NULL;
    size_t n = 0;
    const struct st_pub_item *match = NULL;
    int party_no = 0;
    char want[64], have[64];
    const char *due = NULL;
    bool provisional = false;
    json_t *body = NULL;
    struct st_record made;
    int rc;
    if (blank(in->content))
        return SX_FAIL(err, SX_E_INVALID, "missing-field", "请填写需要更正的内容",
                       PUB_SRC_CORRECTION, "content", "content 不能为空");
    if (blank(in->number) || blank(in->party_id))
        return SX_FAIL(err, SX_E_INVALID, "missing-field",
                       "请填写案件编号（或决定书文号）和证件号码", PUB_SRC_CORRECTION,
                       blank(in->number) ? "number" : "party_id",
                       "案件编号和当事人证件号码均须填写");
    norm_id(in->party_id, want, sizeof(want));
    if (in->ip != NULL) {
        int64_t failures = 0;
        rc = st_audit_count_failures(ctx->db, CORR_AUDIT, NULL, in->ip, app_time_offset(ctx, -3600),
                                     &failures, err);
        if (rc != 0)
            return rc;
        if (failures >= APP_PUB_CORR_FAILURES_MAX)
            return SX_FAIL(err, SX_E_RATE, "correction-rate-limited",
                           "更正申请核验失败次数过多，请一小时后再试", PUB_SRC_CORRECTION, NULL,
                           "同一地址一小时内核验失败 %d 次", APP_PUB_CORR_FAILURES_MAX);
    }
    rc = st_begin(ctx->db, err);
    if (rc != 0)
        return rc;
    rc = st_pub_find(ctx->db, in->number, ctx->arena, &items, &n, err);
    for (size_t i = 0; rc == 0 && i < n && match == NULL; i++) {
        struct st_party *parties = NULL;
        size_t np = 0;
        rc = st_party_list(ctx->db, items[i].case_id, ctx->arena, &parties, &np, err);
        for (size_t k = 0; rc == 0 && k < np && match == NULL; k++) {
            norm_id(parties[k].id_number != NULL ? parties[k].id_number : parties[k].uscc, have,
                    sizeof(have));
            if (have[0] != '\0' && strcmp(have, want) == 0) {
                match = &items[i];
                party_no = (int)k + 1;
            }
        }
    }
    /* one answer for every mismatch: nothing about what exists leaks; each one counts */
    if (rc == 0 && match == NULL) {
        (void)st_rollback(ctx->db, NULL);
        app_audit(ctx, NULL, "public", CORR_AUDIT, NULL, "denied", in->ip, "no match");
        return SX_FAIL(err, SX_E_NOTFOUND, "correction-no-match",
                       "未找到与所填编号和证件号码相符的公示信息", PUB_SRC_CORRECTION, "number",
                       "请核对案件编号（或决定书文号）与当事人的身份证号码或统一社会信用代码");
    }
    /*
     * Answer within publish_other's 20 WD: the same period as 政府信息公开条例 第三十三条 for
     * answering a request, and YN-1-13's for publishing changed information.
     */
    if (rc == 0)
        rc = due_date(ctx, match->org_id, "publish_other", app_today(ctx), &due, &provisional, err);
    if (rc == 0) {
        body = json_pack("{si ss ss ss}", "party", party_no, "content", in->content, "submitted_on",
                         app_today(ctx), "due_on", due);
        if (body == NULL)
            rc = fail_nomem(err);
        else if (!blank(in->contact))
            json_object_set_new(body, "contact", json_string(in->contact));
    }
    if (rc == 0)
        rc = append(ctx, match->case_id, "publicity_correction_request",
                    "publicity_correction_request", 0, body, &made, err);
    if (rc == 0) {
        struct st_pub_correction c = {
            .item_id = match->id,
            .case_id = match->case_id,
            .request_record_id = made.id,
            .submitted_on = app_today(ctx),
            .due_on = due,
            .content = in->content,
            .state = "pending",
            .created_at = app_now(ctx),
        };
        rc = st_pub_corr_insert(ctx->db, &c, id, err);
    }
    if (rc == 0)
        rc = app_audit_in_tx(ctx, &public_actor, CORR_AUDIT, "publicity_correction", *id, in->ip,
                             err);
    if (rc == 0)
        rc = st_commit(ctx->db, err);
    if (rc != 0)
        (void)st_rollback(ctx->db, NULL);
    else
        *due_on = due;
    json_decref(body);
    return rc;
}

int app_pub_version_order(const char *kind, int publish, int64_t version, const char *approved_at,
                          const char *published_at, const char *source, struct sx_err *err)
{
    char type[64];
    if (publish && published_at != NULL) {
        snprintf(type, sizeof(type), "%s-already-published", kind);
        return SX_FAIL(err, SX_E_CONFLICT, type, "该版本已公开", source, "",
                       "第 %lld 版已于 %s 公开", (long long)version, published_at);
    }
    if (!publish && approved_at != NULL) {
        snprintf(type, sizeof(type), "%s-already-approved", kind);
        return SX_FAIL(err, SX_E_CONFLICT, type, "该版本已审批", source, "",
                       "第 %lld 版已于 %s 审批", (long long)version, approved_at);
    }
    if (publish && approved_at == NULL) {
        snprintf(type, sizeof(type), "%s-not-approved", kind);
        return SX_FAIL(err, SX_E_GATE, type, "未经负责人审批不得公开", source, "",
                       "第 %lld 版尚未经本机关负责人审批", (long long)version);
    }
    return 0;
}
