/*
 * deadline: the deadline engine (see deadline.h). One table says which
 * records start each deadline and which records meet it; a generic pass
 * builds every instance, and two deadlines that are counted back from a
 * date (the hearing notice, Beijing's submit-before-the-decision-deadline
 * rule) are added after it.
 */
#include "deadline.h"

#include <stdlib.h>
#include <string.h>

/* ---- record types the engine reads ---------------------------------- */

/*
 * The record types that start or meet a deadline, each with the body field
 * holding its date. Types marked (TBD) do not exist in the catalogue yet:
 * they are the names the publicity work and the YN-3-15 filing report are
 * expected to use; rename here when those types land.
 */
enum rtype {
    RT_NONE = 0,
    RT_OPEN, /* the case's opening record (action "open"): the clue was registered */
    RT_FILING,
    RT_NON_FILING,
    RT_INV_END,
    RT_LR_REQUEST,
    RT_LR_OPINION,
    RT_RR_REQUEST,
    RT_RR_OPINION,
    RT_PRIOR_NOTICE,
    RT_HEARING_REQUEST,
    RT_HEARING_NOTICE,
    RT_DECISION,
    RT_COERCION_DECISION,
    RT_SERVICE, /* a service of the decision (action serve_decision_*), any mode */
    RT_PRESERVATION,
    RT_PRESERVATION_HANDLING,
    RT_SEALING,
    RT_SEALING_RELEASE,
    RT_SUSPENSION,
    RT_RESUMPTION,
    RT_EXTENSION,
    RT_TRANSFER,
    RT_WITHDRAWAL,
    RT_CLOSURE,
    RT_INSPECTION_CLOSURE,
    RT_COERCION_TERMINATION,
    RT_ARCHIVING,
    RT_PUBLICATION,
    RT_MAJOR_FILING,
    RT_PERFORMANCE, /* the party's performance of the decision (履行情况) */
    RT_MEDIA_ATTACH, /* media: a stored audio-video file linked to the case */
};

/* Sorted by name (bsearch). */
static const struct rtype_def {
    const char *name;
    enum rtype t;
    const char *field; /* date or datetime field; the record's "at" when absent */
} rtypes[] = {
    {"archiving", RT_ARCHIVING, "archived_on"},
    {"case_withdrawal", RT_WITHDRAWAL, "decided_on"},
    {"closure", RT_CLOSURE, "execution_ended_on"}, /* WS-23: from the end of execution */
    {"coercion_decision", RT_COERCION_DECISION, "decided_on"},
    {"coercion_termination", RT_COERCION_TERMINATION, "terminated_on"},
    {"decision", RT_DECISION, "decided_on"},
    {"extension", RT_EXTENSION, "approved_on"},
    {"filing_approval", RT_FILING, "approved_on"},
    {"hearing_notice", RT_HEARING_NOTICE, "issued_on"},
    {"hearing_request", RT_HEARING_REQUEST, "requested_on"},
    {"inspection_closure", RT_INSPECTION_CLOSURE, "closed_on"},
    {"investigation_end_report", RT_INV_END, "ended_on"},
    {"legal_review_opinion", RT_LR_OPINION, "reviewed_on"},
    {"legal_review_request", RT_LR_REQUEST, "submitted_on"},
    {"major_decision_filing", RT_MAJOR_FILING, "filed_on"}, /* (TBD) YN-3-15 report */
    {"media_attach", RT_MEDIA_ATTACH, "captured_to"}, /* media: YN-2-17 from capture end */
    {"non_filing_decision", RT_NON_FILING, "decided_on"},
    {"performance", RT_PERFORMANCE, "performed_on"},
    {"preservation", RT_PRESERVATION, "preserved_at"},
    {"preservation_handling", RT_PRESERVATION_HANDLING, "decided_on"},
    {"prior_notice", RT_PRIOR_NOTICE, "issued_on"},
    {"publication", RT_PUBLICATION, "published_on"},      /* issue 4: app/publicity.c */
    {"publicity_exempt", RT_PUBLICATION, "decided_on"},   /* never published (HB-1-13): met */
    {"re_review_opinion", RT_RR_OPINION, "reviewed_on"},  /* YN-3-14 answer */
    {"re_review_request", RT_RR_REQUEST, "requested_on"}, /* YN-3-14 request */
    {"resumption", RT_RESUMPTION, "resumed_on"},
    {"sealing", RT_SEALING, "started_on"},
    {"sealing_release", RT_SEALING_RELEASE, "released_on"},
    /* Service: the day the bureau served (direct: signed for; mail: posted, the bureau's act). */
    {"service_direct", RT_SERVICE, "signed_on"},
    {"service_entrusted", RT_SERVICE, "served_on"},
    {"service_lodged", RT_SERVICE, "lodged_at"},
    {"service_mail", RT_SERVICE, "mailed_on"},
    {"service_public_notice", RT_SERVICE, "started_on"},
    {"suspension", RT_SUSPENSION, "suspended_on"},
    {"transfer", RT_TRANSFER, "transferred_on"},
};

#define N_RTYPES (sizeof(rtypes) / sizeof(rtypes[0]))
#define ACTION_OPEN "open"
#define SERVE_DECISION_PREFIX "serve_decision_" /* penalty.json: serving the decision itself */

static int rtype_cmp(const void *key, const void *elem)
{
    return strcmp((const char *)key, ((const struct rtype_def *)elem)->name);
}

static const struct rtype_def *rtype_find(const char *type, const char *action)
{
    const struct rtype_def *d;
    static const struct rtype_def open_def = {"case_opening", RT_OPEN, NULL};
    if (action != NULL && strcmp(action, ACTION_OPEN) == 0)
        return &open_def;
    if (type == NULL)
        return NULL;
    d = bsearch(type, rtypes, N_RTYPES, sizeof(rtypes[0]), rtype_cmp);
    /* Service records also serve other documents (serve_direct, ...): not the decision. */
    if (d != NULL && d->t == RT_SERVICE &&
        (action == NULL ||
         strncmp(action, SERVE_DECISION_PREFIX, sizeof(SERVE_DECISION_PREFIX) - 1) != 0))
        return NULL;
    return d;
}

const char *dl_record_type_at(size_t i)
{
    if (i == 0)
        return "case_opening";
    return i - 1 < N_RTYPES ? rtypes[i - 1].name : NULL;
}

bool dl_record_relevant(const char *type, const char *action)
{
    return rtype_find(type, action) != NULL;
}

/* ---- rules ----------------------------------------------------------- */

static const char *const key_names[DL_KEY_COUNT] = {
    [DL_FILING_CHECK] = "filing_check",
    [DL_DECISION] = "decision",
    [DL_REVIEW_SUBMIT] = "review_submit",
    [DL_REVIEW_SUBMIT_BEFORE_DEADLINE] = "review_submit_before_deadline",
    [DL_LEGAL_REVIEW] = "legal_review",
    [DL_REREVIEW_REQUEST] = "rereview_request",
    [DL_REREVIEW_ANSWER] = "rereview_answer",
    [DL_EMERGENCY_REVIEW] = "emergency_review",
    [DL_HEARING_REQUEST] = "hearing_request",
    [DL_HEARING_NOTICE] = "hearing_notice",
    [DL_PRESERVATION_DECISION] = "preservation_decision",
    [DL_SEALING] = "sealing",
    [DL_SERVICE] = "service",
    [DL_PUBLISH_PENALTY] = "publish_penalty",
    [DL_PUBLISH_OTHER] = "publish_other",
    [DL_MAJOR_DECISION_FILING] = "major_decision_filing",
    [DL_ARCHIVE] = "archive",
    [DL_FINE_PAYMENT] = "fine_payment",
    [DL_AV_STORAGE] = "av_storage",
    [DL_DECISION_EXTENSION] = "decision_extension",
    [DL_FILING_CHECK_EXTENSION] = "filing_check_extension",
    [DL_LEGAL_REVIEW_EXTENSION] = "legal_review_extension",
    [DL_SEALING_EXTENSION] = "sealing_extension",
};

int dl_rules_from_policy(const struct pol_policy *pol, struct dl_rules *out, struct sx_err *err)
{
    memset(out, 0, sizeof(*out));
    for (size_t k = 0; k < DL_KEY_COUNT; k++) {
        struct dl_rule *r = &out->rule[k];
        const char *label = pol_deadline_label(key_names[k]);
        int rc;
        if (label == NULL)
            return SX_FAIL(err, SX_E_INTERNAL, "deadline-key-unknown", "期限规则目录不一致", NULL,
                           "deadlines", "规则集目录中没有期限「%s」", key_names[k]);
        r->key = key_names[k];
        r->label_zh = label;
        rc = pol_deadline(pol, key_names[k], &r->days, &r->unit, &r->source, err);
        if (rc == SX_E_NOTFOUND) {
            r->set = false;
            r->source = NULL;
            if (err != NULL)
                sx_err_clear(err);
            continue;
        }
        if (rc != 0)
            return rc;
        r->set = true;
    }
    return 0;
}

/* ---- dates ------------------------------------------------------------ */

static bool two_digits(const char *s)
{
    return s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9';
}

/*
 * The civil date of a date ("YYYY-MM-DD") or datetime text. A UTC datetime
 * ("...Z") is moved to China Standard Time (UTC+8), the bureaus' civil date;
 * one with an explicit offset or none is taken as written.
 */
static bool civil_day(const char *s, size_t n, int32_t *out)
{
    if (n < 10 || cal_date_parse_n(s, 10, out, NULL) != 0)
        return false;
    if (n == 10)
        return true;
    if ((n != 19 && n != 20 && n != 25) || s[10] != 'T' || !two_digits(s + 11) || s[13] != ':' ||
        !two_digits(s + 14) || s[16] != ':' || !two_digits(s + 17))
        return false;
    if (n == 20) {
        int hour = (s[11] - '0') * 10 + (s[12] - '0');
        if (s[19] != 'Z' || hour > 23)
            return false;
        if (hour >= 16)
            return cal_date_add_days(*out, 1, out, NULL) == 0;
    } else if (n == 25) {
        if ((s[19] != '+' && s[19] != '-') || !two_digits(s + 20) || s[22] != ':' ||
            !two_digits(s + 23))
            return false;
    }
    return true;
}

/* ---- the engine ------------------------------------------------------- */

/* A record the engine reads, classified once. */
struct crec {
    enum rtype t;
    int32_t day;
    const struct dl_record *r;
};

struct env {
    const struct dl_rules *rules;
    const struct cal_calendar *cal;
    const struct dl_case *c;
    int32_t today;
    struct sx_arena *arena;
    struct sx_err *err;
    struct crec *recs; /* the relevant records, in seq order */
    size_t n;
    size_t *trig; /* scratch: trigger positions of one spec */
    bool *used;   /* scratch: satisfiers already paired */
    bool has_review;
    struct dl_pause *pauses;
    size_t n_pauses;
    struct dl_deadline *items;
    size_t n_items, cap_items;
};

#define K_PENALTY (1u << 0)
#define K_COERCION (1u << 1)
#define K_INSPECTION (1u << 2)
#define K_ALL (K_PENALTY | K_COERCION | K_INSPECTION)

enum mode {
    M_FIRST,  /* only the first trigger counts (the case period runs once from filing) */
    M_LATEST, /* each trigger opens an instance; a later trigger replaces one not yet met */
    M_PAIR,   /* each trigger is an instance of its own, met by its own satisfier (FIFO) */
};

#define MAX_TYPES 6

struct spec {
    enum dl_key key;
    unsigned kinds;
    enum dl_actor who;
    bool optional;
    enum mode mode;
    enum rtype trig[MAX_TYPES]; /* RT_NONE ends the list */
    /* In M_PAIR only sat[0] is consumed by one instance; the others meet every instance. */
    enum rtype sat[MAX_TYPES];
    bool (*cond)(const struct env *e, const struct crec *t); /* NULL: always */
    int (*length)(const struct crec *t, int days);           /* NULL: the policy's days */
    const char *ext_target; /* extension.target that moves it; NULL: none */
    enum dl_key cap; /* with ext_target: the rule capping the extensions (if the policy sets it) */
    bool pausable;   /* suspension periods stop the clock */
};

static bool body_not_false(const struct crec *t, const char *field)
{
    return t->r->body == NULL || !json_is_false(json_object_get(t->r->body, field));
}

/* 行政处罚法 第六十四条: only a notice that told the party of the hearing right opens the window.
 */
static bool cond_hearing_right(const struct env *e, const struct crec *t)
{
    (void)e;
    return body_not_false(t, "hearing_right");
}

/* YN-3-14: the unit may ask for re-review when it disagrees with an opinion other than 同意. */
static bool cond_not_agree(const struct env *e, const struct crec *t)
{
    const char *op;
    (void)e;
    if (t->r->body == NULL)
        return false;
    op = json_string_value(json_object_get(t->r->body, "opinion"));
    return op != NULL && strcmp(op, "agree") != 0;
}

static bool cond_review(const struct env *e, const struct crec *t)
{
    (void)t;
    return e->has_review;
}

/* YN-3-07: an emergency decision taken before review (decision body "emergency": true). */
static bool cond_emergency(const struct env *e, const struct crec *t)
{
    (void)e;
    return t->r->body != NULL && json_is_true(json_object_get(t->r->body, "emergency"));
}

/* A decision that imposes a penalty (outcome "penalty"), published within 7 WD. */
static bool cond_penalty_outcome(const struct env *e, const struct crec *t)
{
    const char *o;
    (void)e;
    if (t->r->body == NULL)
        return true;
    o = json_string_value(json_object_get(t->r->body, "outcome"));
    return o == NULL || strcmp(o, "penalty") == 0;
}

static int body_int(const struct crec *t, const char *field)
{
    const json_t *v = t->r->body != NULL ? json_object_get(t->r->body, field) : NULL;
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > POL_DAYS_MAX)
        return 0;
    return (int)json_integer_value(v);
}

/* A notice may give the party longer than the law's minimum (cases.c reads it the same way). */
static int len_notice(const struct crec *t, int days)
{
    int p = body_int(t, "period_days");
    return p > days ? p : days;
}

/* A sealing decided for fewer days than the legal maximum ends earlier (行政强制法 第二十五条). */
static int len_sealing(const struct crec *t, int days)
{
    int p = body_int(t, "period_days");
    return p > 0 && p < days ? p : days;
}

/*
 * The deadlines. Sources are the policy's (struct dl_rule.source); the
 * comments say why each trigger and satisfier were chosen.
 */
static const struct spec specs[] = {
    /* Clue verified and filing decided (NHSA order 4, when a policy sets it). */
    {.key = DL_FILING_CHECK,
     .kinds = K_PENALTY,
     .who = DL_ACT_OFFICER,
     .mode = M_FIRST,
     .trig = {RT_OPEN},
     .sat = {RT_FILING, RT_NON_FILING, RT_TRANSFER},
     .ext_target = "clue_verification",
     .cap = DL_FILING_CHECK_EXTENSION},
    /* 行政处罚法 第六十条: decided within 90 days of filing (or withdrawn, or transferred). */
    {.key = DL_DECISION,
     .kinds = K_PENALTY,
     .who = DL_ACT_OFFICER,
     .mode = M_FIRST,
     .trig = {RT_FILING},
     .sat = {RT_DECISION, RT_WITHDRAWAL, RT_TRANSFER},
     .ext_target = "case_period",
     .cap = DL_DECISION_EXTENSION,
     .pausable = true},
    /* YN-3-07: sent to legal review within 5 WD after the investigation ended. */
    {.key = DL_REVIEW_SUBMIT,
     .kinds = K_PENALTY | K_COERCION,
     .who = DL_ACT_OFFICER,
     .mode = M_LATEST,
     .trig = {RT_INV_END},
     .sat = {RT_LR_REQUEST},
     .cond = cond_review},
    /* YN-3-12, HB-3-17: reviewed within N WD of receiving the materials, + extension. */
    {.key = DL_LEGAL_REVIEW,
     .kinds = K_PENALTY | K_COERCION,
     .who = DL_ACT_REVIEWER,
     .mode = M_LATEST,
     .trig = {RT_LR_REQUEST},
     .sat = {RT_LR_OPINION},
     .ext_target = "legal_review",
     .cap = DL_LEGAL_REVIEW_EXTENSION},
    /* YN-3-14: re-review may be asked within 2 WD of an opinion the unit disagrees with. */
    {.key = DL_REREVIEW_REQUEST,
     .kinds = K_PENALTY | K_COERCION,
     .who = DL_ACT_OFFICER,
     .optional = true,
     .mode = M_LATEST,
     .trig = {RT_LR_OPINION},
     .sat = {RT_RR_REQUEST},
     .cond = cond_not_agree},
    /* YN-3-14: the re-review answered within 3 WD. */
    {.key = DL_REREVIEW_ANSWER,
     .kinds = K_PENALTY | K_COERCION,
     .who = DL_ACT_REVIEWER,
     .mode = M_LATEST,
     .trig = {RT_RR_REQUEST},
     .sat = {RT_RR_OPINION}},
    /* YN-3-07: an emergency decision's review filed within 2 WD after it. */
    {.key = DL_EMERGENCY_REVIEW,
     .kinds = K_PENALTY | K_COERCION,
     .who = DL_ACT_OFFICER,
     .mode = M_LATEST,
     .trig = {RT_DECISION, RT_COERCION_DECISION},
     .sat = {RT_LR_REQUEST},
     .cond = cond_emergency},
    /* 行政处罚法 第六十四条: the party may ask for a hearing within 5 WD of the notice. */
    {.key = DL_HEARING_REQUEST,
     .kinds = K_PENALTY,
     .who = DL_ACT_PARTY,
     .optional = true,
     .mode = M_LATEST,
     .trig = {RT_PRIOR_NOTICE},
     .sat = {RT_HEARING_REQUEST},
     .cond = cond_hearing_right,
     .length = len_notice},
    /* 行政处罚法 第五十六条: preserved evidence handled within 7 WD. */
    {.key = DL_PRESERVATION_DECISION,
     .kinds = K_PENALTY | K_INSPECTION,
     .who = DL_ACT_OFFICER,
     .mode = M_PAIR,
     .trig = {RT_PRESERVATION},
     .sat = {RT_PRESERVATION_HANDLING}},
    /* 行政强制法 第二十五、二十七条: released, or handled by the decision, within the period. */
    {.key = DL_SEALING,
     .kinds = K_PENALTY | K_INSPECTION,
     .who = DL_ACT_OFFICER,
     .mode = M_PAIR,
     .trig = {RT_SEALING},
     .sat = {RT_SEALING_RELEASE, RT_DECISION},
     .length = len_sealing,
     .ext_target = "sealing",
     .cap = DL_SEALING_EXTENSION},
    /* 行政处罚法 第六十一条: the decision served within 7 WD. */
    {.key = DL_SERVICE,
     .kinds = K_PENALTY,
     .who = DL_ACT_OFFICER,
     .mode = M_LATEST,
     .trig = {RT_DECISION},
     .sat = {RT_SERVICE}},
    /* Publicity: a penalty decision within 7 WD, other results within 20 WD. */
    {.key = DL_PUBLISH_PENALTY,
     .kinds = K_PENALTY,
     .who = DL_ACT_PUBLISHER,
     .mode = M_LATEST,
     .trig = {RT_DECISION},
     .sat = {RT_PUBLICATION},
     .cond = cond_penalty_outcome},
    {.key = DL_PUBLISH_OTHER,
     .kinds = K_COERCION,
     .who = DL_ACT_PUBLISHER,
     .mode = M_LATEST,
     .trig = {RT_COERCION_DECISION},
     .sat = {RT_PUBLICATION}},
    /* YN-3-15: a major decision reported for filing within 30 days. */
    {.key = DL_MAJOR_DECISION_FILING,
     .kinds = K_PENALTY | K_COERCION,
     .who = DL_ACT_OFFICER,
     .mode = M_LATEST,
     .trig = {RT_DECISION, RT_COERCION_DECISION},
     .sat = {RT_MAJOR_FILING},
     .cond = cond_review},
    /* WS-23: the case file archived within 30 days after execution ended (or the case ended). */
    {.key = DL_ARCHIVE,
     .kinds = K_ALL,
     .who = DL_ACT_ARCHIVIST,
     .mode = M_LATEST,
     .trig = {RT_CLOSURE, RT_INSPECTION_CLOSURE, RT_COERCION_TERMINATION, RT_WITHDRAWAL,
              RT_TRANSFER},
     .sat = {RT_ARCHIVING}},
};

#define N_SPECS (sizeof(specs) / sizeof(specs[0]))

static int fail_nomem(struct sx_err *err)
{
    return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", NULL, NULL, "deadline");
}

static bool in_list(const enum rtype *list, enum rtype t)
{
    for (size_t i = 0; i < MAX_TYPES && list[i] != RT_NONE; i++) {
        if (list[i] == t)
            return true;
    }
    return false;
}

static unsigned kind_bit(const char *kind)
{
    if (kind == NULL)
        return 0;
    if (strcmp(kind, "penalty") == 0)
        return K_PENALTY;
    if (strcmp(kind, "coercion") == 0)
        return K_COERCION;
    if (strcmp(kind, "inspection") == 0)
        return K_INSPECTION;
    return 0;
}

static int record_day(const struct dl_record *r, const char *field, int32_t *out,
                      struct sx_err *err)
{
    const json_t *v = NULL;
    if (field != NULL && r->body != NULL)
        v = json_object_get(r->body, field);
    if (json_is_string(v)) {
        if (civil_day(json_string_value(v), json_string_length(v), out))
            return 0;
        return SX_FAIL(err, SX_E_INVALID, "record-date-invalid", "记录中的日期无效", NULL, field,
                       "第 %lld 条记录（%s）的「%s」不是有效日期", (long long)r->seq,
                       r->type != NULL ? r->type : "?", field);
    }
    if (r->at != NULL && civil_day(r->at, strlen(r->at), out))
        return 0;
    return SX_FAIL(err, SX_E_INVALID, "record-date-invalid", "记录中的日期无效", NULL, "at",
                   "第 %lld 条记录（%s）没有有效的发生时间", (long long)r->seq,
                   r->type != NULL ? r->type : "?");
}

/* end = start + total in unit. */
static int advance(const struct env *e, enum pol_unit unit, int32_t start, int total, int32_t *out,
                   bool *provisional)
{
    bool p = false;
    int rc;
    if (unit == POL_UNIT_CD)
        return cal_date_add_days(start, total, out, e->err);
    rc = cal_add_workdays(e->cal, start, total, true, out, &p, e->err);
    *provisional = *provisional || p;
    return rc;
}

/* The n-th working day before from (the inverse of cal_add_workdays for a working day). */
static int back_workdays(const struct env *e, int32_t from, int n, int32_t *out, bool *provisional)
{
    int32_t d = from;
    for (int k = 0; k < n;) {
        if (d <= CAL_DATE_MIN)
            return SX_FAIL(e->err, SX_E_INVALID, "date-out-of-range", "日期超出范围", NULL, NULL,
                           "期限倒数超出 0001-01-01");
        d--;
        if (!cal_year_loaded(e->cal, cal_date_year(d)))
            *provisional = true;
        if (cal_is_workday(e->cal, d))
            k++;
    }
    *out = d;
    return 0;
}

static int back_days(const struct env *e, enum pol_unit unit, int32_t from, int n, int32_t *out,
                     bool *provisional)
{
    if (unit == POL_UNIT_CD)
        return cal_date_add_days(from, -(int64_t)n, out, e->err);
    return back_workdays(e, from, n, out, provisional);
}

/* Days of [s, r) in unit: calendar days, or the working days among them. */
static int span(const struct env *e, enum pol_unit unit, int32_t s, int32_t r, int *out,
                bool *provisional)
{
    bool p = false;
    int rc;
    *out = 0;
    if (r <= s)
        return 0;
    if (unit == POL_UNIT_CD) {
        *out = (int)(r - s);
        return 0;
    }
    rc = cal_workdays_between(e->cal, s - 1, r - 1, true, out, &p, e->err);
    *provisional = *provisional || p;
    return rc;
}

static int push(struct env *e, const struct dl_deadline *d)
{
    if (e->n_items == e->cap_items) {
        size_t cap = e->cap_items == 0 ? 16 : e->cap_items * 2;
        struct dl_deadline *items = sx_arena_alloc(e->arena, cap * sizeof(*items));
        if (items == NULL)
            return fail_nomem(e->err);
        if (e->n_items > 0)
            memcpy(items, e->items, e->n_items * sizeof(*items));
        e->items = items;
        e->cap_items = cap;
    }
    e->items[e->n_items++] = *d;
    return 0;
}

static void init_deadline(struct dl_deadline *d, const struct dl_rule *rule, enum dl_key key)
{
    memset(d, 0, sizeof(*d));
    d->key = key;
    d->key_name = rule->key;
    d->label_zh = rule->label_zh;
    d->source = rule->source;
    d->unit = rule->unit;
    d->days = rule->days;
}

/* State from the satisfier (if any) and today. */
static void settle(const struct env *e, struct dl_deadline *d, const struct crec *sat)
{
    if (sat != NULL) {
        d->state = DL_MET;
        d->met_on = sat->day;
        d->late = sat->day > d->due;
        d->met_seq = sat->r->seq;
        d->met_type = sat->r->type;
        d->days_left = 0;
        return;
    }
    d->days_left = d->due - e->today;
    if (e->today > d->due)
        d->state = d->optional ? DL_LAPSED : DL_OVERDUE;
    else
        d->state = DL_OPEN;
}

/* One event that moves a running clock: a suspension period or an extension. */
struct event {
    int32_t day;
    const struct dl_pause *pause; /* NULL: extension */
    int ext_days;
};

static int event_cmp(const void *a, const void *b)
{
    const struct event *x = a, *y = b;
    return (x->day > y->day) - (x->day < y->day);
}

/*
 * Apply the extensions and suspensions recorded after the trigger (and before
 * limit, the satisfier or the next trigger) in date order. A suspension
 * counts only if the clock was still running on its first day; an extension
 * only if approved on or before the current due date (an expired period
 * cannot be revived) and within the cap.
 */
static int apply_events(struct env *e, const struct spec *s, const struct crec *t, size_t ti,
                        size_t limit, struct dl_deadline *d, int *total)
{
    const struct dl_rule *cap = s->ext_target != NULL ? &e->rules->rule[s->cap] : NULL;
    struct event *ev;
    size_t n_ev = 0, max_ev = e->n_pauses;
    int64_t lo = t->r->seq, hi = limit < e->n ? e->recs[limit].r->seq : INT64_MAX;
    int rc;

    if (s->ext_target != NULL) {
        for (size_t j = ti + 1; j < limit; j++)
            max_ev += e->recs[j].t == RT_EXTENSION;
    }
    if (!s->pausable)
        max_ev -= e->n_pauses;
    if (max_ev == 0)
        return 0;
    ev = sx_arena_alloc(e->arena, max_ev * sizeof(*ev));
    if (ev == NULL)
        return fail_nomem(e->err);
    if (s->pausable) {
        for (size_t i = 0; i < e->n_pauses; i++) {
            if (e->pauses[i].seq > lo && e->pauses[i].seq < hi)
                ev[n_ev++] = (struct event){.day = e->pauses[i].start, .pause = &e->pauses[i]};
        }
    }
    if (s->ext_target != NULL) {
        for (size_t j = ti + 1; j < limit; j++) {
            const json_t *b = e->recs[j].r->body;
            const char *target;
            if (e->recs[j].t != RT_EXTENSION || b == NULL)
                continue;
            target = json_string_value(json_object_get(b, "target"));
            if (target == NULL || strcmp(target, s->ext_target) != 0)
                continue;
            /* body_int: 0 for a missing, negative or absurd count, which is then refused */
            ev[n_ev++] =
                (struct event){.day = e->recs[j].day, .ext_days = body_int(&e->recs[j], "days")};
        }
    }
    if (n_ev > 1)
        qsort(ev, n_ev, sizeof(*ev), event_cmp);
    for (size_t i = 0; i < n_ev; i++) {
        int add = 0;
        if (ev[i].pause != NULL) {
            const struct dl_pause *p = ev[i].pause;
            if (p->start > d->due)
                continue; /* the period had already run out */
            rc = span(e, d->unit, p->start, p->end, &add, &d->provisional);
            if (rc != 0)
                return rc;
            d->paused_days += add;
            d->paused = d->paused || p->open;
        } else {
            add = ev[i].ext_days;
            if (add <= 0 || ev[i].day > d->due) {
                d->ext_refused = true;
                continue;
            }
            if (cap != NULL && cap->set && d->extended + add > cap->days) {
                d->ext_refused = true;
                add = cap->days - d->extended;
                if (add <= 0)
                    continue;
            }
            d->extended += add;
        }
        if (*total > CAL_WORKDAYS_MAX - add)
            return SX_FAIL(e->err, SX_E_INVALID, "date-out-of-range", "日期超出范围", NULL, NULL,
                           "期限延长或中止的天数过大");
        *total += add;
        rc = advance(e, d->unit, d->start, *total, &d->due, &d->provisional);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/*
 * Option (民法典 第二百零三条): a calendar-day period whose last day is a day
 * off ends on the next working day.
 */
static void roll_to_workday(const struct env *e, struct dl_deadline *d)
{
    if (!e->rules->cd_roll_to_workday || d->unit != POL_UNIT_CD)
        return;
    for (;;) {
        /* Whether a day in a year without its schedule is a day off is not known yet. */
        if (!cal_year_loaded(e->cal, cal_date_year(d->due)))
            d->provisional = true;
        if (d->due >= CAL_DATE_MAX || cal_is_workday(e->cal, d->due))
            break;
        d->due++;
    }
}

static int eval_instance(struct env *e, const struct spec *s, size_t ti, size_t limit, long si)
{
    const struct dl_rule *rule = &e->rules->rule[s->key];
    const struct crec *t = &e->recs[ti];
    struct dl_deadline d;
    int total;
    int rc;

    init_deadline(&d, rule, s->key);
    d.who = s->who;
    d.optional = s->optional;
    d.from_seq = t->r->seq;
    d.start = t->day;
    if (s->length != NULL)
        d.days = s->length(t, rule->days);
    total = d.days;
    rc = advance(e, d.unit, d.start, total, &d.due, &d.provisional);
    if (rc == 0 && (s->pausable || s->ext_target != NULL))
        rc = apply_events(e, s, t, ti, limit, &d, &total);
    if (rc != 0)
        return rc;
    roll_to_workday(e, &d);
    settle(e, &d, si >= 0 ? &e->recs[si] : NULL);
    return push(e, &d);
}

static int eval_spec(struct env *e, const struct spec *s)
{
    size_t n_trig = 0;

    for (size_t i = 0; i < e->n; i++) {
        if (in_list(s->trig, e->recs[i].t) && (s->cond == NULL || s->cond(e, &e->recs[i]))) {
            e->trig[n_trig++] = i;
            if (s->mode == M_FIRST)
                break;
        }
    }
    if (n_trig == 0)
        return 0;
    if (s->mode == M_PAIR)
        memset(e->used, 0, e->n * sizeof(*e->used));
    for (size_t k = 0; k < n_trig; k++) {
        size_t ti = e->trig[k];
        size_t next = k + 1 < n_trig ? e->trig[k + 1] : e->n;
        size_t limit;
        long si = -1;
        int rc;
        for (size_t j = ti + 1; j < e->n; j++) {
            if (!in_list(s->sat, e->recs[j].t))
                continue;
            if (s->mode == M_PAIR && e->recs[j].t == s->sat[0] && e->used[j])
                continue;
            si = (long)j;
            break;
        }
        /* A later trigger replaced this instance before anything met it. */
        if (s->mode == M_LATEST && next < e->n && (si < 0 || (size_t)si > next))
            continue;
        if (s->mode == M_PAIR && si >= 0 && e->recs[si].t == s->sat[0])
            e->used[si] = true;
        limit = si >= 0 ? (size_t)si : (s->mode == M_LATEST ? next : e->n);
        rc = eval_instance(e, s, ti, limit, si);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/*
 * 行政处罚法 第六十四条: notify the hearing's time and place 7 days before it.
 * Counted back from the hearing date of the latest notice; met by the notice.
 */
static int eval_hearing_notice(struct env *e)
{
    const struct dl_rule *rule = &e->rules->rule[DL_HEARING_NOTICE];
    struct dl_deadline d;
    long last = -1;
    int rc;
    if (!rule->set || kind_bit(e->c->kind) != K_PENALTY)
        return 0;
    for (size_t i = 0; i < e->n; i++) {
        if (e->recs[i].t == RT_HEARING_NOTICE)
            last = (long)i;
    }
    if (last < 0)
        return 0;
    init_deadline(&d, rule, DL_HEARING_NOTICE);
    d.who = DL_ACT_OFFICER;
    d.counts_back = true;
    d.from_seq = e->recs[last].r->seq;
    rc = record_day(e->recs[last].r, "hearing_at", &d.start, e->err);
    if (rc == 0)
        rc = back_days(e, d.unit, d.start, d.days, &d.due, &d.provisional);
    if (rc != 0)
        return rc;
    settle(e, &d, &e->recs[last]);
    return push(e, &d);
}

/*
 * The day the party received the decision through service record t (行政处罚法
 * 第六十一条; 民事诉讼法 第八十五条至第九十五条 for the modes): a returned mail
 * receipt's received_on (else the posting day, the earliest it can be), the
 * last day of a public notice (公告期满视为送达), else the service's own day.
 */
static int received_day(const struct env *e, const struct crec *t, int32_t *out)
{
    const json_t *b = t->r->body;
    const char *type = t->r->type;
    *out = t->day;
    if (b == NULL)
        return 0;
    if (strcmp(type, "service_mail") == 0 && json_is_string(json_object_get(b, "received_on")))
        return record_day(t->r, "received_on", out, e->err);
    if (strcmp(type, "service_public_notice") == 0) {
        int p = body_int(t, "period_days");
        if (p > 0)
            return cal_date_add_days(t->day, p, out, e->err);
    }
    return 0;
}

/* A performance record that says the party performed (any mode but 逾期未履行 "none"). */
static bool performed(const struct crec *r)
{
    const char *mode;
    if (r->t != RT_PERFORMANCE)
        return false;
    mode = r->r->body != NULL ? json_string_value(json_object_get(r->r->body, "mode")) : NULL;
    return mode == NULL || strcmp(mode, "none") != 0;
}

/*
 * 行政处罚法 第六十七条: the party pays a fine within 15 days of receiving the
 * decision. From the first service after the latest decision that imposes a
 * fine (outcome "penalty", fine_fen > 0); met by the first performance after
 * that service.
 */
static int eval_fine_payment(struct env *e)
{
    const struct dl_rule *rule = &e->rules->rule[DL_FINE_PAYMENT];
    const struct crec *served = NULL;
    const struct crec *sat = NULL;
    struct dl_deadline d;
    long dec = -1;
    int rc;
    if (!rule->set || kind_bit(e->c->kind) != K_PENALTY)
        return 0;
    for (size_t i = 0; i < e->n; i++) {
        if (e->recs[i].t == RT_DECISION)
            dec = (long)i;
    }
    if (dec < 0 || !cond_penalty_outcome(e, &e->recs[dec]))
        return 0;
    {
        const json_t *b = e->recs[dec].r->body;
        const json_t *fine = b != NULL ? json_object_get(b, "fine_fen") : NULL;
        if (!json_is_integer(fine) || json_integer_value(fine) <= 0)
            return 0;
    }
    for (size_t i = (size_t)dec + 1; i < e->n && served == NULL; i++) {
        if (e->recs[i].t == RT_SERVICE)
            served = &e->recs[i];
    }
    if (served == NULL)
        return 0;
    for (size_t i = (size_t)(served - e->recs) + 1; i < e->n && sat == NULL; i++) {
        if (performed(&e->recs[i]))
            sat = &e->recs[i];
    }
    init_deadline(&d, rule, DL_FINE_PAYMENT);
    d.who = DL_ACT_PARTY;
    d.from_seq = served->r->seq;
    rc = received_day(e, served, &d.start);
    if (rc == 0)
        rc = advance(e, d.unit, d.start, d.days, &d.due, &d.provisional);
    if (rc != 0)
        return rc;
    roll_to_workday(e, &d);
    settle(e, &d, sat);
    return push(e, &d);
}

/*
 * media, YN-2-17 / WS-22: each audio-video file stored on the platform within N WD of the end of
 * its capture. Runs from the media_attach record's captured_to; met on the day of its stored_at
 * (when the upload finished), which the server fills in, so it is met on time or late.
 */
static int eval_av_storage(struct env *e)
{
    const struct dl_rule *rule = &e->rules->rule[DL_AV_STORAGE];
    if (!rule->set)
        return 0;
    for (size_t i = 0; i < e->n; i++) {
        struct dl_deadline d;
        struct crec stored;
        int rc;
        if (e->recs[i].t != RT_MEDIA_ATTACH)
            continue;
        init_deadline(&d, rule, DL_AV_STORAGE);
        d.who = DL_ACT_OFFICER;
        d.from_seq = e->recs[i].r->seq;
        d.start = e->recs[i].day;
        rc = advance(e, d.unit, d.start, d.days, &d.due, &d.provisional);
        stored = e->recs[i];
        if (rc == 0)
            rc = record_day(e->recs[i].r, "stored_at", &stored.day, e->err);
        if (rc != 0)
            return rc;
        settle(e, &d, &stored);
        rc = push(e, &d);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/*
 * 北京 二(三)3 (BJ-2.3-3b): a major case goes to legal review at least N WD
 * before the case period runs out. Counted back from the decision deadline
 * (so it moves with extensions and suspensions); met by the first review
 * request after filing.
 */
static int eval_submit_before(struct env *e)
{
    const struct dl_rule *rule = &e->rules->rule[DL_REVIEW_SUBMIT_BEFORE_DEADLINE];
    const struct dl_deadline *dec = NULL;
    const struct crec *sat = NULL;
    struct dl_deadline d;
    int rc;
    if (!rule->set || !e->has_review)
        return 0;
    for (size_t i = 0; i < e->n_items; i++) {
        if (e->items[i].key == DL_DECISION)
            dec = &e->items[i];
    }
    if (dec == NULL)
        return 0;
    init_deadline(&d, rule, DL_REVIEW_SUBMIT_BEFORE_DEADLINE);
    d.who = DL_ACT_OFFICER;
    d.counts_back = true;
    d.from_seq = dec->from_seq;
    d.start = dec->due;
    d.paused = dec->paused;
    d.provisional = dec->provisional;
    rc = back_days(e, d.unit, d.start, d.days, &d.due, &d.provisional);
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < e->n && sat == NULL; i++) {
        if (e->recs[i].t == RT_LR_REQUEST && e->recs[i].r->seq > dec->from_seq)
            sat = &e->recs[i];
    }
    settle(e, &d, sat);
    return push(e, &d);
}

/* Suspension periods in record order: each suspension ends at the next resumption. */
static int collect_pauses(struct env *e)
{
    size_t n_susp = 0;
    struct dl_pause *open = NULL;
    int32_t prev_end = CAL_DATE_MIN;
    for (size_t i = 0; i < e->n; i++)
        n_susp += e->recs[i].t == RT_SUSPENSION;
    if (n_susp == 0)
        return 0;
    e->pauses = sx_arena_alloc(e->arena, n_susp * sizeof(*e->pauses));
    if (e->pauses == NULL)
        return fail_nomem(e->err);
    for (size_t i = 0; i < e->n; i++) {
        const struct crec *r = &e->recs[i];
        if (r->t == RT_SUSPENSION && open == NULL) {
            struct dl_pause *p = &e->pauses[e->n_pauses++];
            const char *reason = r->r->body != NULL
                                     ? json_string_value(json_object_get(r->r->body, "reason"))
                                     : NULL;
            p->start = r->day;
            p->seq = r->r->seq;
            p->open = true;
            if (reason != NULL) {
                p->reason = sx_arena_strdup(e->arena, reason);
                if (p->reason == NULL)
                    return fail_nomem(e->err);
            }
            if (p->start < prev_end) {
                p->overlap = true; /* no overlap: the days already excluded count once */
                p->start = prev_end;
            }
            open = p;
        } else if (r->t == RT_RESUMPTION && open != NULL) {
            open->end = r->day < open->start ? open->start : r->day;
            open->open = false;
            prev_end = open->end;
            open = NULL;
        }
    }
    if (open != NULL) {
        /* Still suspended: the clock stands still through today. */
        open->end = e->today + 1 > open->start ? e->today + 1 : open->start;
    }
    return 0;
}

static int item_cmp(const void *a, const void *b)
{
    const struct dl_deadline *x = a, *y = b;
    if (x->due != y->due)
        return (x->due > y->due) - (x->due < y->due);
    if (x->key != y->key)
        return (x->key > y->key) - (x->key < y->key);
    return (x->from_seq > y->from_seq) - (x->from_seq < y->from_seq);
}

int dl_compute(const struct dl_rules *rules, const struct cal_calendar *cal,
               const struct dl_case *c, int32_t today, struct sx_arena *arena,
               struct dl_result *out, struct sx_err *err)
{
    struct env e;
    unsigned kind = kind_bit(c->kind);
    int rc;

    memset(out, 0, sizeof(*out));
    if (!cal_date_in_range(today) || today >= CAL_DATE_MAX)
        return SX_FAIL(err, SX_E_INVALID, "date-out-of-range", "日期超出范围", NULL, "today",
                       "今天的日期无效");
    if (c->n_records > 0 && c->records == NULL)
        return SX_FAIL(err, SX_E_INVALID, "records-missing", "缺少案件记录", NULL, "records",
                       "记录数为 %zu 但没有记录", c->n_records);
    if (kind == 0 || c->n_records == 0)
        return 0;
    memset(&e, 0, sizeof(e));
    e.rules = rules;
    e.cal = cal;
    e.c = c;
    e.today = today;
    e.arena = arena;
    e.err = err;
    e.recs = sx_arena_alloc(arena, c->n_records * sizeof(*e.recs));
    e.trig = sx_arena_alloc(arena, c->n_records * sizeof(*e.trig));
    e.used = sx_arena_alloc(arena, c->n_records * sizeof(*e.used));
    if (e.recs == NULL || e.trig == NULL || e.used == NULL)
        return fail_nomem(err);
    e.has_review = c->review_required;
    for (size_t i = 0; i < c->n_records; i++) {
        const struct dl_record *r = &c->records[i];
        const struct rtype_def *d = rtype_find(r->type, r->action);
        struct crec *cr;
        if (d == NULL)
            continue;
        cr = &e.recs[e.n++];
        cr->t = d->t;
        cr->r = r;
        rc = record_day(r, d->field, &cr->day, err);
        if (rc != 0)
            return rc;
        e.has_review = e.has_review || d->t == RT_LR_REQUEST;
    }
    rc = collect_pauses(&e);
    for (size_t k = 0; rc == 0 && k < N_SPECS; k++) {
        if ((specs[k].kinds & kind) != 0 && rules->rule[specs[k].key].set)
            rc = eval_spec(&e, &specs[k]);
    }
    if (rc == 0)
        rc = eval_hearing_notice(&e);
    if (rc == 0)
        rc = eval_submit_before(&e);
    if (rc == 0)
        rc = eval_fine_payment(&e);
    if (rc == 0)
        rc = eval_av_storage(&e); /* media */
    if (rc != 0)
        return rc;
    if (e.n_items > 1)
        qsort(e.items, e.n_items, sizeof(*e.items), item_cmp);
    out->items = e.items;
    out->n = e.n_items;
    out->pauses = e.pauses;
    out->n_pauses = e.n_pauses;
    return 0;
}

/* ---- names and JSON ---------------------------------------------------- */

const char *dl_state_name(enum dl_state s)
{
    switch (s) {
    case DL_OPEN:
        return "open";
    case DL_MET:
        return "met";
    case DL_OVERDUE:
        return "overdue";
    case DL_LAPSED:
        return "lapsed";
    }
    return "?";
}

const char *dl_state_name_zh(enum dl_state s)
{
    switch (s) {
    case DL_OPEN:
        return "进行中";
    case DL_MET:
        return "已完成";
    case DL_OVERDUE:
        return "已逾期";
    case DL_LAPSED:
        return "期限已过（未行使）";
    }
    return "?";
}

const char *dl_unit_name(enum pol_unit u)
{
    return u == POL_UNIT_WD ? "wd" : "cd";
}

const char *dl_actor_name(enum dl_actor a)
{
    switch (a) {
    case DL_ACT_OFFICER:
        return "officer";
    case DL_ACT_REVIEWER:
        return "reviewer";
    case DL_ACT_PUBLISHER:
        return "publisher";
    case DL_ACT_ARCHIVIST:
        return "archivist";
    case DL_ACT_PARTY:
        return "party";
    }
    return "?";
}

static json_t *date_json(int32_t day)
{
    char buf[CAL_DATE_BUFSZ];
    return json_string(cal_date_format(day, buf));
}

static json_t *seq_json(int64_t seq)
{
    return seq > 0 ? json_integer(seq) : json_null();
}

/* Set every member; NULL (out of memory) anywhere fails the whole object. */
static json_t *build(const char *const *keys, json_t **vals, size_t n)
{
    json_t *o = json_object();
    bool ok = o != NULL;
    for (size_t i = 0; i < n; i++) {
        if (ok && vals[i] != NULL)
            ok = json_object_set_new(o, keys[i], vals[i]) == 0;
        else
            json_decref(vals[i]);
        ok = ok && vals[i] != NULL;
    }
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *dl_deadline_json(const struct dl_deadline *d)
{
    static const char *const keys[] = {
        "key",         "label",       "source",      "unit",
        "days",        "extended",    "paused_days", "start",
        "due",         "state",       "state_label", "met_on",
        "late",        "provisional", "paused",      "extension_refused",
        "counts_back", "optional",    "who",         "from_seq",
        "met_seq",     "met_type",    "days_left",
    };
    json_t *vals[] = {
        json_string(d->key_name),
        json_string(d->label_zh),
        d->source != NULL ? json_string(d->source) : json_null(),
        json_string(dl_unit_name(d->unit)),
        json_integer(d->days),
        json_integer(d->extended),
        json_integer(d->paused_days),
        date_json(d->start),
        date_json(d->due),
        json_string(dl_state_name(d->state)),
        json_string(dl_state_name_zh(d->state)),
        d->state == DL_MET ? date_json(d->met_on) : json_null(),
        json_boolean(d->late),
        json_boolean(d->provisional),
        json_boolean(d->paused),
        json_boolean(d->ext_refused),
        json_boolean(d->counts_back),
        json_boolean(d->optional),
        json_string(dl_actor_name(d->who)),
        seq_json(d->from_seq),
        seq_json(d->met_seq),
        d->met_type != NULL ? json_string(d->met_type) : json_null(),
        d->state == DL_MET ? json_null() : json_integer(d->days_left),
    };
    return build(keys, vals, sizeof(keys) / sizeof(keys[0]));
}

json_t *dl_pause_json(const struct dl_pause *p)
{
    static const char *const keys[] = {"start", "end", "open", "overlap", "seq", "reason"};
    json_t *vals[] = {
        date_json(p->start),   p->open ? json_null() : date_json(p->end),
        json_boolean(p->open), json_boolean(p->overlap),
        seq_json(p->seq),      p->reason != NULL ? json_string(p->reason) : json_null(),
    };
    return build(keys, vals, sizeof(keys) / sizeof(keys[0]));
}
