/*
 * annual: computing, tabulating and dating the annual statistics report (see annual.h).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/annual.h"
#include "core/prepub.h"

#define NOMEM(err, what) SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "%s", what)

static int valid_date(const char *d)
{
    int y, m, day;
    char tail;
    return d != NULL && strlen(d) == 10 && sscanf(d, "%4d-%2d-%2d%c", &y, &m, &day, &tail) == 3 &&
           y >= 1900 && m >= 1 && m <= 12 && day >= 1 && day <= 31;
}

int annual_cst_date(const char *ts, char out[11], struct sx_err *err)
{
    struct tm tm;
    time_t t;
    memset(&tm, 0, sizeof(tm));
    if (valid_date(ts)) {
        memcpy(out, ts, 11);
        return 0;
    }
    if (ts == NULL || strlen(ts) < 20 || ts[strlen(ts) - 1] != 'Z' ||
        sscanf(ts, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec) != 6)
        return SX_FAIL(err, SX_E_INVALID, "bad-timestamp", "时间格式不正确", "", "at",
                       "应为 UTC 时间 YYYY-MM-DDTHH:MM:SSZ：%s", ts != NULL ? ts : "(空)");
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    t = timegm(&tm) + 8 * 3600; /* China Standard Time, no daylight saving */
    if (gmtime_r(&t, &tm) == NULL || strftime(out, 11, "%Y-%m-%d", &tm) != 10)
        return SX_FAIL(err, SX_E_INVALID, "bad-timestamp", "时间格式不正确", "", "at", "%s", ts);
    return 0;
}

int annual_in_year(const char *date, int year)
{
    int y = 0;
    return valid_date(date) && sscanf(date, "%4d", &y) == 1 && y == year;
}

/* Is role one of the comma-separated roles? */
static int has_role(const char *roles, const char *role)
{
    size_t n = strlen(role);
    const char *p = roles;
    while (p != NULL && *p != '\0') {
        const char *e = strchr(p, ',');
        size_t len = e != NULL ? (size_t)(e - p) : strlen(p);
        if (len == n && strncmp(p, role, n) == 0)
            return 1;
        p = e != NULL ? e + 1 : NULL;
    }
    return 0;
}

/* fen as a yuan string "1234.50" (exact: no floating point for money). */
static json_t *yuan(int64_t fen)
{
    char b[32];
    int neg = fen < 0;
    uint64_t a = neg ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
    snprintf(b, sizeof(b), "%s%llu.%02llu", neg ? "-" : "", (unsigned long long)(a / 100),
             (unsigned long long)(a % 100));
    return json_string(b);
}

/*
 * num / den to `places` decimals, rounded half up, as a string ("1.50"), or null when den is 0
 * (no officer: no per-capita figure; nothing due: no rate). Strings, not reals: the report is
 * stored as canonical JSON, which refuses floating point (core/canon.h).
 */
static json_t *fixed(int64_t num, int64_t den, int places)
{
    char b[48];
    int64_t scale = places == 4 ? 10000 : 100;
    int64_t q;
    if (den <= 0 || num < 0)
        return json_null();
    q = (num * scale * 2 + den) / (den * 2);
    snprintf(b, sizeof(b), "%lld.%0*lld", (long long)(q / scale), places, (long long)(q % scale));
    return json_string(b);
}

static json_t *ratio(int64_t num, int64_t den)
{
    return fixed(num, den, 2);
}

/* A rate in [0, 1] to 4 places ("0.9500"). */
static json_t *rate(int64_t num, int64_t den)
{
    return fixed(num, den, 4);
}

/* The same rate as a percentage with 2 places ("95.00%"), or null. */
static json_t *percent(int64_t num, int64_t den)
{
    char b[48];
    int64_t q;
    if (den <= 0 || num < 0)
        return json_null();
    q = (num * 10000 * 2 + den) / (den * 2);
    snprintf(b, sizeof(b), "%lld.%02lld%%", (long long)(q / 100), (long long)(q % 100));
    return json_string(b);
}

static void count_key(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    json_object_set_new(obj, key, json_integer(v != NULL ? json_integer_value(v) + 1 : 1));
}

/* (1) subjects and (2) posts and staff; sets *officers (valid 执法证 on 31 December). */
static json_t *subjects_json(const struct annual_input *in)
{
    json_t *items = json_array();
    for (size_t i = 0; i < in->n_orgs; i++)
        json_array_append_new(items, json_pack("{sI ss ss ss}", "id", (json_int_t)in->orgs[i].id,
                                               "code", in->orgs[i].code, "name", in->orgs[i].name,
                                               "level", in->orgs[i].level));
    return json_pack("{sI so ss}", "count", (json_int_t)in->n_orgs, "items", items, "source",
                     "湖北 附件1 第十五条（一）");
}

static json_t *staff_json(const struct annual_input *in, const char *year_end, int64_t *officers)
{
    json_t *by_post = json_object(), *by_org = json_array(), *posts;
    int64_t valid = 0, listed = 0, reviewers = 0;
    const char *k;
    json_t *v;
    for (size_t o = 0; o < in->n_orgs; o++) {
        int64_t ov = 0, orv = 0;
        for (size_t i = 0; i < in->n_users; i++) {
            const struct annual_user *u = &in->users[i];
            if (u->org_id != in->orgs[o].id)
                continue;
            if (has_role(u->roles, "reviewer"))
                orv++;
            if (!has_role(u->roles, "officer"))
                continue;
            listed++;
            if (!prepub_cert_valid(u->cert_no, u->cert_valid_from, u->cert_valid_to, year_end))
                continue; /* YN-1-07: only officers with a credential in force count */
            ov++;
            count_key(by_post, u->post != NULL && *u->post != '\0' ? u->post : "未设岗位");
        }
        valid += ov;
        reviewers += orv;
        json_array_append_new(by_org,
                              json_pack("{sI ss sI sI}", "org_id", (json_int_t)in->orgs[o].id,
                                        "name", in->orgs[o].name, "officers", (json_int_t)ov,
                                        "reviewers", (json_int_t)orv));
    }
    posts = json_array();
    json_object_foreach(by_post, k, v)
        json_array_append_new(posts, json_pack("{ss sO}", "post", k, "officers", v));
    json_decref(by_post);
    *officers = valid;
    return json_pack("{ss sI sI sI sI so so ss}", "as_of", year_end, "officers", (json_int_t)valid,
                     "officers_listed", (json_int_t)listed, "reviewers", (json_int_t)reviewers,
                     "posts", (json_int_t)json_array_size(posts), "by_post", posts, "by_org",
                     by_org, "source", "湖北 附件1 第十五条（二）；云南 附件1 第七条 (YN-1-07)");
}

/* (3) penalties and coercive measures, per officer. */
static json_t *penalties_json(const struct annual_input *in, int64_t officers)
{
    int64_t decisions = 0, penalised = 0, none = 0, warnings = 0, fines = 0, confs = 0;
    int64_t fine = 0, conf = 0, rec = 0;
    for (size_t i = 0; i < in->n_cases; i++) {
        const struct annual_case *c = &in->cases[i];
        if (strcmp(c->kind, "penalty") != 0 || !annual_in_year(c->decided_on, in->year))
            continue;
        decisions++;
        if (c->outcome != NULL && strcmp(c->outcome, "no_penalty") == 0) {
            none++;
            continue;
        }
        penalised++;
        warnings += c->warning != 0;
        fines += c->fine_fen > 0;
        confs += c->confiscation_fen > 0;
        fine += c->fine_fen;
        conf += c->confiscation_fen;
        rec += c->recovery_fen;
    }
    return json_pack("{sI sI sI sI sI sI so sI so sI so so so ss}", "decisions",
                     (json_int_t)decisions, "penalty", (json_int_t)penalised, "no_penalty",
                     (json_int_t)none, "warning", (json_int_t)warnings, "fine", (json_int_t)fines,
                     "confiscation", (json_int_t)confs, "fine_yuan", yuan(fine), "fine_fen",
                     (json_int_t)fine, "confiscation_yuan", yuan(conf), "confiscation_fen",
                     (json_int_t)conf, "recovery_yuan", yuan(rec), "per_officer",
                     ratio(decisions, officers), "fine_yuan_per_officer",
                     officers > 0 ? yuan((fine + officers / 2) / officers) : json_null(), "source",
                     "湖北 附件1 第十五条（三）");
}

static json_t *coercion_json(const struct annual_input *in, int64_t officers)
{
    json_t *by = json_object();
    int64_t n = 0;
    for (size_t i = 0; i < in->n_cases; i++) {
        const struct annual_case *c = &in->cases[i];
        if (strcmp(c->kind, "coercion") != 0 || !annual_in_year(c->decided_on, in->year))
            continue;
        n++;
        count_key(by, c->measure != NULL ? c->measure : "other");
    }
    return json_pack("{sI so so ss}", "decisions", (json_int_t)n, "by_measure", by, "per_officer",
                     ratio(n, officers), "source", "湖北 附件1 第十五条（三）");
}

static int inspection_done(const char *state)
{
    return strcmp(state, "closed") == 0 || strcmp(state, "archived") == 0 ||
           strcmp(state, "transferred") == 0;
}

/* (4) inspection plan execution: targets drawn for the year vs inspection cases. */
static json_t *inspection_json(const struct annual_input *in, int64_t officers)
{
    int64_t cases = 0, done = 0;
    for (size_t i = 0; i < in->n_cases; i++) {
        const struct annual_case *c = &in->cases[i];
        if (strcmp(c->kind, "inspection") != 0 || !annual_in_year(c->created_on, in->year))
            continue;
        cases++;
        done += inspection_done(c->state);
    }
    return json_pack("{s{ss* ss* ss} sI sI sI so so so ss}", "plan", "state", in->plan_state,
                     "state_zh", in->plan_state_zh, "source", PREPUB_PLAN_SOURCE, "planned_targets",
                     (json_int_t)in->planned_targets, "inspections", (json_int_t)cases, "completed",
                     (json_int_t)done, "execution_rate", rate(cases, in->planned_targets),
                     "execution_pct", percent(cases, in->planned_targets), "per_officer",
                     ratio(cases, officers), "source",
                     "湖北 附件1 第十五条（四）；北京 二(一)3、8");
}

/* How a complaint/report case ended, from its state. */
static const char *complaint_outcome(const struct annual_case *c)
{
    if (strcmp(c->kind, "inspection") == 0)
        return "inspected";
    if (strcmp(c->state, "clue") == 0)
        return "pending";
    if (strcmp(c->state, "not_filed") == 0)
        return "not_filed";
    if (strcmp(c->state, "transferred") == 0)
        return "transferred";
    return "filed";
}

/* (5) complaints and reports received in the year by outcome. */
static json_t *complaints_json(const struct annual_input *in)
{
    json_t *by = json_pack("{si si si si si}", "filed", 0, "not_filed", 0, "transferred", 0,
                           "inspected", 0, "pending", 0);
    int64_t complaints = 0, reports = 0;
    for (size_t i = 0; i < in->n_cases; i++) {
        const struct annual_case *c = &in->cases[i];
        int is_c = c->source != NULL && strcmp(c->source, "complaint") == 0;
        int is_r = c->source != NULL && strcmp(c->source, "report") == 0;
        if ((!is_c && !is_r) || !annual_in_year(c->created_on, in->year))
            continue;
        complaints += is_c;
        reports += is_r;
        count_key(by, complaint_outcome(c));
    }
    return json_pack("{sI sI sI so ss}", "received", (json_int_t)(complaints + reports),
                     "complaints", (json_int_t)complaints, "reports", (json_int_t)reports,
                     "by_outcome", by, "source", "湖北 附件1 第十五条（五）");
}

/* Publication rates over the results-publicity items of the year. */
static json_t *publicity_json(const struct annual_input *in)
{
    int64_t published = 0, full = 0, pen_pub = 0, pen_full = 0, due = 0, on_time = 0;
    for (size_t i = 0; i < in->n_pubs; i++) {
        const struct annual_pub *p = &in->pubs[i];
        int is_full = p->form != NULL && strcmp(p->form, "full") == 0;
        if (annual_in_year(p->published_on, in->year)) {
            published++;
            full += is_full;
            if (p->case_kind != NULL && strcmp(p->case_kind, "penalty") == 0) {
                pen_pub++;
                pen_full += is_full;
            }
        }
        /* exempt items are never published (HB-1-13): nothing was due */
        if (annual_in_year(p->due_on, in->year) &&
            (p->state == NULL || strcmp(p->state, "exempt") != 0)) {
            due++;
            on_time += p->published_on != NULL && valid_date(p->published_on) &&
                       strcmp(p->published_on, p->due_on) <= 0;
        }
    }
    return json_pack("{sI sI so so sI sI so so ss sI sI so so s{ss ss}}", "published",
                     (json_int_t)published, "full_text", (json_int_t)full, "full_text_rate",
                     rate(full, published), "full_text_pct", percent(full, published),
                     "penalty_published", (json_int_t)pen_pub, "penalty_full_text",
                     (json_int_t)pen_full, "penalty_full_text_rate", rate(pen_full, pen_pub),
                     "penalty_full_text_pct", percent(pen_full, pen_pub), "full_text_target",
                     "100%", "due", (json_int_t)due, "on_time", (json_int_t)on_time, "on_time_rate",
                     rate(on_time, due), "on_time_pct", percent(on_time, due), "sources",
                     "full_text", ANNUAL_FULLTEXT_SOURCE, "on_time", ANNUAL_ONTIME_SOURCE);
}

/* (6) other figures worth publishing: cases opened and decisions by org. */
static json_t *other_json(const struct annual_input *in)
{
    json_t *by_org = json_array(), *opened = json_object();
    for (size_t o = 0; o < in->n_orgs; o++) {
        int64_t n = 0, d = 0;
        for (size_t i = 0; i < in->n_cases; i++) {
            const struct annual_case *c = &in->cases[i];
            if (c->org_id != in->orgs[o].id)
                continue;
            n += annual_in_year(c->created_on, in->year);
            d += annual_in_year(c->decided_on, in->year);
        }
        json_array_append_new(by_org,
                              json_pack("{sI ss sI sI}", "org_id", (json_int_t)in->orgs[o].id,
                                        "name", in->orgs[o].name, "cases_opened", (json_int_t)n,
                                        "decisions", (json_int_t)d));
    }
    for (size_t i = 0; i < in->n_cases; i++)
        if (annual_in_year(in->cases[i].created_on, in->year))
            count_key(opened, in->cases[i].kind);
    return json_pack("{so so ss}", "cases_opened_by_kind", opened, "by_org", by_org, "source",
                     "湖北 附件1 第十五条（六）");
}

int annual_compute(const struct annual_input *in, json_t **out, struct sx_err *err)
{
    char from[11], to[11];
    int64_t officers = 0;
    json_t *r, *pen, *co, *insp, *comp, *pub;
    if (in->year < 2000 || in->year > 2999)
        return SX_FAIL(err, SX_E_INVALID, "annual-year", "统计年度不正确", ANNUAL_SOURCE, "year",
                       "年度应在 2000–2999 之间：%d", in->year);
    if (in->n_orgs == 0 || in->orgs == NULL)
        return SX_FAIL(err, SX_E_INVALID, "annual-org", "没有执法主体", ANNUAL_SOURCE, "org",
                       "统计年报须指定机关");
    snprintf(from, sizeof(from), "%04d-01-01", in->year);
    snprintf(to, sizeof(to), "%04d-12-31", in->year);
    r = json_object();
    if (r == NULL)
        return NOMEM(err, "annual");
    json_object_set_new(r, "org",
                        json_pack("{sI ss ss ss}", "id", (json_int_t)in->orgs[0].id, "code",
                                  in->orgs[0].code, "name", in->orgs[0].name, "level",
                                  in->orgs[0].level));
    json_object_set_new(r, "org_id", json_integer(in->orgs[0].id));
    json_object_set_new(r, "org_name", json_string(in->orgs[0].name));
    json_object_set_new(r, "year", json_integer(in->year));
    json_object_set_new(r, "period",
                        json_pack("{ss ss ss}", "from", from, "to", to, "timezone", "UTC+8"));
    json_object_set_new(r, "subjects", subjects_json(in));
    json_object_set_new(r, "staff", staff_json(in, to, &officers));
    json_object_set_new(r, "penalties", pen = penalties_json(in, officers));
    json_object_set_new(r, "coercion", co = coercion_json(in, officers));
    json_object_set_new(r, "inspection", insp = inspection_json(in, officers));
    json_object_set_new(r, "complaints", comp = complaints_json(in));
    json_object_set_new(r, "publicity", pub = publicity_json(in));
    json_object_set_new(r, "other", other_json(in));
    json_object_set_new(r, "source", json_string(ANNUAL_SOURCE));
    /* flat counters for the portal's chart (web/src/portal/views/Annual.vue) */
    json_object_set_new(r, "counts",
                        json_pack("{sI sI sO sO sO sO sO}", "执法主体", (json_int_t)in->n_orgs,
                                  "持证执法人员", (json_int_t)officers, "行政处罚",
                                  json_object_get(pen, "decisions"), "行政强制",
                                  json_object_get(co, "decisions"), "行政检查",
                                  json_object_get(insp, "inspections"), "投诉举报",
                                  json_object_get(comp, "received"), "结果公开",
                                  json_object_get(pub, "published")));
    /* a failed json_pack above leaves its member out: 15 members or out of memory */
    if (json_object_size(r) != 15) {
        json_decref(r);
        return NOMEM(err, "annual");
    }
    *out = r;
    return 0;
}

/* ---- tables ---- */

static void row(json_t *rows, const char *label, json_t *value)
{
    if (value == NULL)
        value = json_string("");
    else if (json_is_null(value)) {
        json_decref(value);
        value = json_string("—"); /* no denominator: no figure */
    }
    json_array_append_new(rows, json_pack("[s o]", label, value));
}

static json_t *get(const json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return v != NULL ? json_incref(v) : NULL;
}

/* Chinese labels of coercive measures (catalogue coercion_decision.measure) and case kinds. */
static const char *label_zh(const char *key)
{
    static const struct {
        const char *key, *zh;
    } labels[] = {{"seal_records", "封存资料"},
                  {"seal", "查封"},
                  {"seize", "扣押"},
                  {"late_fee", "加处罚款"},
                  {"deduction", "划拨、扣缴"},
                  {"other", "其他"},
                  {"penalty", "行政处罚"},
                  {"inspection", "行政检查"},
                  {"coercion", "行政强制"}};
    for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
        if (strcmp(labels[i].key, key) == 0)
            return labels[i].zh;
    return key;
}

static json_t *sheet(const char *name, json_t *columns, json_t *rows)
{
    return json_pack("{ss so so}", "sheet", name, "columns", columns, "rows", rows);
}

int annual_tables(const json_t *report, json_t **out, struct sx_err *err)
{
    const json_t *sub = json_object_get(report, "subjects"), *st = json_object_get(report, "staff"),
                 *pen = json_object_get(report, "penalties"),
                 *co = json_object_get(report, "coercion"),
                 *insp = json_object_get(report, "inspection"),
                 *comp = json_object_get(report, "complaints"),
                 *pub = json_object_get(report, "publicity"),
                 *oth = json_object_get(report, "other");
    json_t *t, *rows, *v;
    const char *k;
    size_t i;
    static const struct {
        const char *key, *zh;
    } outcomes[] = {{"filed", "立案"},
                    {"not_filed", "不予立案"},
                    {"transferred", "移送"},
                    {"inspected", "转入行政检查"},
                    {"pending", "尚在核查"}};
    if (!json_is_object(sub) || !json_is_object(st) || !json_is_object(pen) ||
        !json_is_object(co) || !json_is_object(insp) || !json_is_object(comp) ||
        !json_is_object(pub) || !json_is_object(oth))
        return SX_FAIL(err, SX_E_INVALID, "annual-report", "统计年报内容不完整", ANNUAL_SOURCE,
                       "report", "缺少第十五条所列的某一项");
    t = json_array();

    rows = json_array();
    json_array_foreach(json_object_get(sub, "items"), i, v) json_array_append_new(
        rows, json_pack("[O O O]", json_object_get(v, "name"), json_object_get(v, "code"),
                        json_object_get(v, "level")));
    json_array_append_new(rows, json_pack("[s O s]", "合计", json_object_get(sub, "count"), ""));
    json_array_append_new(
        t, sheet("一、执法主体", json_pack("[s s s]", "执法主体名称", "代码", "层级"), rows));

    rows = json_array();
    json_array_foreach(json_object_get(st, "by_org"), i, v) json_array_append_new(
        rows, json_pack("[s O O O]", "执法主体", json_object_get(v, "name"),
                        json_object_get(v, "officers"), json_object_get(v, "reviewers")));
    json_array_foreach(json_object_get(st, "by_post"), i, v)
        json_array_append_new(rows, json_pack("[s O O s]", "执法岗位", json_object_get(v, "post"),
                                              json_object_get(v, "officers"), ""));
    json_array_append_new(rows, json_pack("[s s O O]", "合计", "", json_object_get(st, "officers"),
                                          json_object_get(st, "reviewers")));
    json_array_append_new(
        t, sheet("二、岗位与人员",
                 json_pack("[s s s s]", "类别", "名称", "持有效执法证人员", "法制审核人员"), rows));

    rows = json_array();
    row(rows, "行政处罚决定（件）", get(pen, "decisions"));
    row(rows, "其中：给予行政处罚", get(pen, "penalty"));
    row(rows, "其中：不予行政处罚", get(pen, "no_penalty"));
    row(rows, "警告（件）", get(pen, "warning"));
    row(rows, "罚款（件）", get(pen, "fine"));
    row(rows, "没收违法所得（件）", get(pen, "confiscation"));
    row(rows, "罚款金额（元）", get(pen, "fine_yuan"));
    row(rows, "没收违法所得金额（元）", get(pen, "confiscation_yuan"));
    row(rows, "追回医保基金（元）", get(pen, "recovery_yuan"));
    row(rows, "人均办案量（件/人）", get(pen, "per_officer"));
    row(rows, "行政强制决定（件）", get(co, "decisions"));
    json_object_foreach((json_t *)json_object_get(co, "by_measure"), k, v)
    {
        char label[96];
        snprintf(label, sizeof(label), "其中：%s", label_zh(k));
        row(rows, label, json_incref(v));
    }
    row(rows, "行政强制人均办件量（件/人）", get(co, "per_officer"));
    json_array_append_new(t, sheet("三、处罚与强制", json_pack("[s s]", "指标", "数值"), rows));

    rows = json_array();
    row(rows, "年度检查计划", get(json_object_get(insp, "plan"), "state_zh"));
    row(rows, "计划检查对象（双随机抽取）", get(insp, "planned_targets"));
    row(rows, "实施检查（件）", get(insp, "inspections"));
    row(rows, "检查终结（件）", get(insp, "completed"));
    row(rows, "计划执行率", get(insp, "execution_pct"));
    row(rows, "人均检查量（件/人）", get(insp, "per_officer"));
    json_array_append_new(t, sheet("四、检查计划执行", json_pack("[s s]", "指标", "数值"), rows));

    rows = json_array();
    row(rows, "受理投诉举报（件）", get(comp, "received"));
    row(rows, "其中：投诉", get(comp, "complaints"));
    row(rows, "其中：举报", get(comp, "reports"));
    for (i = 0; i < sizeof(outcomes) / sizeof(outcomes[0]); i++)
        row(rows, outcomes[i].zh, get(json_object_get(comp, "by_outcome"), outcomes[i].key));
    json_array_append_new(t, sheet("五、投诉举报", json_pack("[s s]", "指标", "数值"), rows));

    rows = json_array();
    row(rows, "公开执法决定（件）", get(pub, "published"));
    row(rows, "全文公开（件）", get(pub, "full_text"));
    row(rows, "全文公开率", get(pub, "full_text_pct"));
    row(rows, "行政处罚决定书全文公开率（目标 100%）", get(pub, "penalty_full_text_pct"));
    row(rows, "应公开（件）", get(pub, "due"));
    row(rows, "按期公开（件）", get(pub, "on_time"));
    row(rows, "按期公开率", get(pub, "on_time_pct"));
    json_object_foreach((json_t *)json_object_get(oth, "cases_opened_by_kind"), k, v)
    {
        char label[96];
        snprintf(label, sizeof(label), "新立案件：%s", label_zh(k));
        row(rows, label, json_incref(v));
    }
    json_array_append_new(t, sheet("六、其他", json_pack("[s s]", "指标", "数值"), rows));
    if (json_array_size(t) != 6) {
        json_decref(t);
        return NOMEM(err, "annual tables");
    }
    *out = t;
    return 0;
}

int annual_due_status(int year, const char *published_on, const char *today, char out_due[11],
                      const char **state, const char **state_zh, struct sx_err *err)
{
    if (year < 2000 || year > 2999 || !valid_date(today) ||
        (published_on != NULL && !valid_date(published_on)))
        return SX_FAIL(err, SX_E_INVALID, "annual-date", "日期不正确", ANNUAL_DUE_SOURCE, "year",
                       "年度 %d，今日 %s", year, today != NULL ? today : "(空)");
    snprintf(out_due, 11, "%04d-01-31", year + 1);
    if (published_on != NULL) {
        int late = strcmp(published_on, out_due) > 0;
        *state = late ? "published_late" : "published";
        *state_zh = late ? "逾期公开" : "已按期公开";
    } else if (strcmp(today, out_due) > 0) {
        *state = "overdue";
        *state_zh = "逾期未公开";
    } else {
        *state = "pending";
        *state_zh = "待公开";
    }
    return 0;
}
