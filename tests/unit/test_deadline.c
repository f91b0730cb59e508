/*
 * Unit tests for src/core/deadline (the deadline engine) and src/app/deadlines
 * (the engine over stored cases).
 *
 * The core table runs every deadline across the real holiday schedules in
 * data/calendar/ (2024 Spring Festival with its 02-04 and 02-18 make-up
 * Sundays, Qingming 2024 with 04-07, National Day 2024 with 09-29 and 10-12,
 * Spring Festival 2025 with 01-26 and 02-08, National Day 2025 with 09-28 and
 * 10-11, Spring Festival 2026 with 02-14 and 02-28) and past the newest loaded
 * year (2026: provisional). Each row names its source; its expected dates were
 * worked out by hand from the CSV rows and checked with an independent Python
 * walk over the same files. Most rows use RULES_FULL, a hand-built rule set
 * with every key (values from the seeds, as a provincial preset would set
 * them), so that the engine is tested apart from the policy file format;
 * RULES_NATIONAL is policy/national.json itself.
 *
 * The app tests generate the demo data on a fresh SQLite database and check
 * that the case view, the overdue scan and "my deadlines" agree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "app/calendar.h"
#include "app/deadlines.h"
#include "app/demo.h"
#include "core/cal.h"
#include "core/deadline.h"
#include "core/policy.h"
#include "store/store.h"

/* ---- fixtures ---- */

static struct cal_calendar *g_cal;
static struct pol_policy *g_national;
static struct dl_rules g_full, g_nat, g_roll;

static int32_t D(const char *iso)
{
    int32_t d = 0;
    struct sx_err err;
    sx_err_clear(&err);
    if (cal_date_parse(iso, &d, &err) != 0)
        fail_msg("bad test date %s: %s", iso, err.detail);
    return d;
}

static const char *fmt(int32_t d, char buf[CAL_DATE_BUFSZ])
{
    return cal_date_format(d, buf);
}

static const char *root_dir(void)
{
    const char *r = getenv("SANXIANG_ROOT");
    return r != NULL && r[0] != '\0' ? r : ".";
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n = -1;
    if (f == NULL)
        fail_msg("cannot open %s", path);
    if (fseek(f, 0, SEEK_END) == 0)
        n = ftell(f);
    if (n < 0 || fseek(f, 0, SEEK_SET) != 0)
        fail_msg("cannot size %s", path);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    if (fread(buf, 1, (size_t)n, f) != (size_t)n)
        fail_msg("cannot read %s", path);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static void set(struct dl_rules *r, enum dl_key k, int days, enum pol_unit unit, const char *src)
{
    r->rule[k].set = true;
    r->rule[k].days = days;
    r->rule[k].unit = unit;
    r->rule[k].source = src;
}

/* Every key, with the seeds' values (a Yunnan-like preset plus Beijing's submit-before rule). */
static void full_rules(struct dl_rules *r)
{
    struct sx_err err;
    /* start from national for key names and labels, then set every key */
    assert_int_equal(dl_rules_from_policy(g_national, r, &err), 0);
    set(r, DL_FILING_CHECK, 15, POL_UNIT_WD, "国家医保局令第4号（待核对）");
    set(r, DL_FILING_CHECK_EXTENSION, 15, POL_UNIT_WD, "国家医保局令第4号（待核对）");
    set(r, DL_DECISION, 90, POL_UNIT_CD, "行政处罚法 第六十条");
    set(r, DL_DECISION_EXTENSION, 30, POL_UNIT_CD, "国家医保局令第4号（待核对）");
    set(r, DL_REVIEW_SUBMIT, 5, POL_UNIT_WD, "云南 附件3 第七条 (YN-3-07)");
    set(r, DL_REVIEW_SUBMIT_BEFORE_DEADLINE, 10, POL_UNIT_WD, "北京 二(三)3 (BJ-2.3-3b)");
    set(r, DL_LEGAL_REVIEW, 5, POL_UNIT_WD, "云南 附件3 第十二条 (YN-3-12)");
    set(r, DL_LEGAL_REVIEW_EXTENSION, 3, POL_UNIT_WD, "云南 附件3 第十二条 (YN-3-12)");
    set(r, DL_REREVIEW_REQUEST, 2, POL_UNIT_WD, "云南 附件3 第十四条 (YN-3-14)");
    set(r, DL_REREVIEW_ANSWER, 3, POL_UNIT_WD, "云南 附件3 第十四条 (YN-3-14)");
    set(r, DL_EMERGENCY_REVIEW, 2, POL_UNIT_WD, "云南 附件3 第七条 (YN-3-07)");
    set(r, DL_HEARING_REQUEST, 5, POL_UNIT_WD, "行政处罚法 第六十四条、第八十五条");
    set(r, DL_HEARING_NOTICE, 7, POL_UNIT_WD, "行政处罚法 第六十四条、第八十五条");
    set(r, DL_PRESERVATION_DECISION, 7, POL_UNIT_WD, "行政处罚法 第五十六条");
    set(r, DL_SEALING, 30, POL_UNIT_CD, "行政强制法 第二十五条");
    set(r, DL_SEALING_EXTENSION, 30, POL_UNIT_CD, "行政强制法 第二十五条");
    set(r, DL_SERVICE, 7, POL_UNIT_WD, "行政处罚法 第六十一条、第八十五条");
    set(r, DL_PUBLISH_PENALTY, 7, POL_UNIT_WD, "云南 附件1 第十三条 (YN-1-13)");
    set(r, DL_PUBLISH_OTHER, 20, POL_UNIT_WD, "湖北 附件1 第十一条 (HB-1-11)");
    set(r, DL_MAJOR_DECISION_FILING, 30, POL_UNIT_CD, "云南 附件3 第十五条 (YN-3-15)");
    set(r, DL_ARCHIVE, 30, POL_UNIT_CD, "汶上 第二十三条 (WS-23)");
    set(r, DL_AV_STORAGE, 2, POL_UNIT_WD, "云南 附件2 第十七条 (YN-2-17)"); /* media */
    set(r, DL_FINE_PAYMENT, 15, POL_UNIT_CD, "行政处罚法 第六十七条");
}

static int setup(void **state)
{
    char path[4096];
    struct sx_err err;
    size_t len;
    char *text;
    (void)state;
    g_cal = cal_calendar_new();
    assert_non_null(g_cal);
    for (int y = 2007; y <= 2026; y++) {
        snprintf(path, sizeof(path), "%s/data/calendar/%04d.csv", root_dir(), y);
        text = read_all(path, &len);
        if (cal_load_csv(g_cal, text, len, path, &err) != 0)
            fail_msg("load %s: %s", path, err.detail);
        free(text);
    }
    snprintf(path, sizeof(path), "%s/policy/national.json", root_dir());
    text = read_all(path, &len);
    if (pol_parse(text, len, &g_national, &err) != 0)
        fail_msg("national.json: %s: %s", err.title, err.detail);
    free(text);
    if (dl_rules_from_policy(g_national, &g_nat, &err) != 0)
        fail_msg("rules: %s", err.detail);
    full_rules(&g_full);
    g_roll = g_full;
    g_roll.cd_roll_to_workday = true;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    pol_free(g_national);
    cal_calendar_free(g_cal);
    return 0;
}

/* ---- building a case from a row ---- */

#define MAX_RECS 8
#define MAX_EXP 4
#define MAX_ABSENT 4

struct rec {
    const char *type;
    const char *action; /* NULL: the type */
    const char *body;   /* JSON with single quotes for double quotes; NULL: none */
    const char *at;     /* NULL: 2020-01-01T00:00:00Z (bodies carry the dates) */
};

enum { F_LATE = 1, F_PROV = 2, F_PAUSED = 4, F_REFUSED = 8, F_BACK = 16 };

struct exp {
    enum dl_key key;
    const char *start;
    const char *due; /* NULL ends the list */
    enum dl_state state;
    const char *met_on; /* when MET */
    unsigned flags;
    int extended;
    int paused_days;
    int count; /* if > 0: number of items with this key */
};

enum { RULES_FULL, RULES_NATIONAL, RULES_ROLL };

struct row {
    const char *name;
    const char *source;
    int rules;
    const char *kind;
    bool review;
    const char *today;
    struct rec recs[MAX_RECS];
    struct exp exp[MAX_EXP];
    int absent[MAX_ABSENT]; /* key + 1; 0 ends */
};

#define ABSENT(k) ((k) + 1)

struct built {
    struct dl_record recs[MAX_RECS];
    json_t *bodies[MAX_RECS];
    size_t n;
};

static json_t *parse_body(const char *sq)
{
    char buf[1024];
    json_error_t jerr;
    json_t *j;
    size_t n = strlen(sq);
    assert_true(n < sizeof(buf));
    for (size_t i = 0; i <= n; i++)
        buf[i] = sq[i] == '\'' ? '"' : sq[i];
    j = json_loads(buf, 0, &jerr);
    if (j == NULL)
        fail_msg("bad test body %s: %s", sq, jerr.text);
    return j;
}

static void build(const struct rec *recs, struct built *b)
{
    memset(b, 0, sizeof(*b));
    for (size_t i = 0; i < MAX_RECS && recs[i].type != NULL; i++) {
        struct dl_record *r = &b->recs[b->n];
        r->seq = (int64_t)b->n + 1;
        r->type = recs[i].type;
        r->action = recs[i].action != NULL ? recs[i].action : recs[i].type;
        r->at = recs[i].at != NULL ? recs[i].at : "2020-01-01T00:00:00Z";
        if (recs[i].body != NULL) {
            b->bodies[b->n] = parse_body(recs[i].body);
            r->body = b->bodies[b->n];
        }
        b->n++;
    }
}

static void unbuild(struct built *b)
{
    for (size_t i = 0; i < b->n; i++)
        json_decref(b->bodies[i]);
}

static const struct dl_rules *rules_of(int which)
{
    if (which == RULES_NATIONAL)
        return &g_nat;
    return which == RULES_ROLL ? &g_roll : &g_full;
}

/* ---- the table ---- */

#define FILED(d)                                                                                   \
    {                                                                                              \
        "filing_approval", "file", "{'approved_on':'" d "'}", NULL                                 \
    }
#define DECIDED(d)                                                                                 \
    {                                                                                              \
        "decision", "decide", "{'decided_on':'" d "','outcome':'penalty'}", NULL                   \
    }
#define SUSPENDED(d)                                                                               \
    {                                                                                              \
        "suspension", "suspend", "{'suspended_on':'" d "','reason':'等待鉴定'}", NULL              \
    }
#define RESUMED(d)                                                                                 \
    {                                                                                              \
        "resumption", "resume", "{'resumed_on':'" d "','reason':'鉴定完成'}", NULL                 \
    }
#define EXTENDED(t, n, d)                                                                          \
    {                                                                                              \
        "extension", "extend", "{'target':'" t "','days':" #n ",'approved_on':'" d "'}", NULL      \
    }
#define LR_REQUEST(d)                                                                              \
    {                                                                                              \
        "legal_review_request", NULL, "{'submitted_on':'" d "'}", NULL                             \
    }
#define LR_OPINION(d, o)                                                                           \
    {                                                                                              \
        "legal_review_opinion", "legal_review", "{'reviewed_on':'" d "','opinion':'" o "'}", NULL  \
    }

static const struct row rows[] = {
    /* ---- service of the decision: 7 WD (行政处罚法 第六十一条、第八十五条) ---- */
    {.name = "service due on a make-up Saturday",
     .source = "行政处罚法 第六十一条; 2024.csv 09-29/10-12 调休上班",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-10-12",
     .recs = {DECIDED("2024-09-27")},
     .exp = {{DL_SERVICE, "2024-09-27", "2024-10-12", DL_OPEN, NULL, 0, 0, 0, 0}}},
    {.name = "service overdue the next working day",
     .source = "行政处罚法 第六十一条",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-10-14",
     .recs = {DECIDED("2024-09-27")},
     .exp = {{DL_SERVICE, "2024-09-27", "2024-10-12", DL_OVERDUE, NULL, 0, 0, 0, 0}}},
    {.name = "service met on its last day",
     .source = "行政处罚法 第六十一条",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-10-20",
     .recs = {DECIDED("2024-09-27"),
              {"service_direct", "serve_decision_direct", "{'signed_on':'2024-10-12'}", NULL}},
     .exp = {{DL_SERVICE, "2024-09-27", "2024-10-12", DL_MET, "2024-10-12", 0, 0, 0, 0}}},
    {.name = "service met late",
     .source = "行政处罚法 第六十一条",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-10-20",
     .recs = {DECIDED("2024-09-27"),
              {"service_mail", "serve_decision_mail", "{'mailed_on':'2024-10-14'}", NULL}},
     .exp = {{DL_SERVICE, "2024-09-27", "2024-10-12", DL_MET, "2024-10-14", F_LATE, 0, 0, 0}}},
    {.name = "serving another document does not serve the decision",
     .source = "汶上 第十七条 (WS-17)",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-10-14",
     .recs = {DECIDED("2024-09-27"),
              {"service_mail", "serve_mail", "{'mailed_on':'2024-10-08'}", NULL}},
     .exp = {{DL_SERVICE, "2024-09-27", "2024-10-12", DL_OVERDUE, NULL, 0, 0, 0, 0}}},
    {.name = "service across Spring Festival 2024 (02-04, 02-18 make-up Sundays)",
     .source = "行政处罚法 第六十一条; 2024.csv",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-02-18",
     .recs = {DECIDED("2024-02-02")},
     .exp = {{DL_SERVICE, "2024-02-02", "2024-02-18", DL_OPEN, NULL, 0, 0, 0, 0}}},
    {.name = "service counted into 2027 is provisional",
     .source = "cal.h: years not loaded; 2026.csv is the newest",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2026-12-30",
     .recs = {DECIDED("2026-12-28")},
     .exp = {{DL_SERVICE, "2026-12-28", "2027-01-06", DL_OPEN, NULL, F_PROV, 0, 0, 0}}},
    {.name = "service ending inside 2026 is firm",
     .source = "行政处罚法 第六十一条",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2026-12-21",
     .recs = {DECIDED("2026-12-18")},
     .exp = {{DL_SERVICE, "2026-12-18", "2026-12-29", DL_OPEN, NULL, 0, 0, 0, 0}}},
    /* ---- hearing request: 5 WD after the notice (第六十四条), the party's right ---- */
    {.name = "hearing request window lapses (Spring Festival 2025, 01-26 make-up)",
     .source = "行政处罚法 第六十四条; 2025.csv",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2025-02-10",
     .recs = {{"prior_notice", NULL,
               "{'issued_on':'2025-01-24','hearing_right':true,'period_days':5}", NULL}},
     .exp = {{DL_HEARING_REQUEST, "2025-01-24", "2025-02-07", DL_LAPSED, NULL, 0, 0, 0, 0}}},
    {.name = "hearing requested in time",
     .source = "行政处罚法 第六十四条",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2025-02-10",
     .recs = {{"prior_notice", NULL,
               "{'issued_on':'2025-01-24','hearing_right':true,'period_days':5}", NULL},
              {"hearing_request", "request_hearing", "{'requested_on':'2025-02-06'}", NULL}},
     .exp = {{DL_HEARING_REQUEST, "2025-01-24", "2025-02-07", DL_MET, "2025-02-06", 0, 0, 0, 0}}},
    {.name = "a notice giving 7 days ends on the 02-08 make-up Saturday's next working day",
     .source = "行政处罚法 第六十四条 (期限不少于五日); 2025.csv 02-08",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2025-02-10",
     .recs = {{"prior_notice", NULL,
               "{'issued_on':'2025-01-24','hearing_right':true,'period_days':7}", NULL}},
     .exp = {{DL_HEARING_REQUEST, "2025-01-24", "2025-02-10", DL_OPEN, NULL, 0, 0, 0, 0}}},
    {.name = "no hearing right told, no hearing window",
     .source = "行政处罚法 第六十三条",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2025-02-10",
     .recs = {{"prior_notice", NULL,
               "{'issued_on':'2025-01-24','hearing_right':false,'period_days':5}", NULL}},
     .exp = {{0}},
     .absent = {ABSENT(DL_HEARING_REQUEST)}},
    {.name = "a second notice replaces the first window",
     .source = "行政处罚法 第六十四条",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2025-03-04",
     .recs = {{"prior_notice", NULL,
               "{'issued_on':'2025-01-24','hearing_right':true,'period_days':5}", NULL},
              {"prior_notice", NULL,
               "{'issued_on':'2025-03-03','hearing_right':true,'period_days':5}", NULL}},
     .exp = {{DL_HEARING_REQUEST, "2025-03-03", "2025-03-10", DL_OPEN, NULL, 0, 0, 0, 1}}},
    /* ---- the case period: 90 days from filing (第六十条), extensions, suspensions ---- */
    {.name = "decision due on day 90",
     .source = "行政处罚法 第六十条",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-05-30",
     .recs = {FILED("2024-03-01")},
     .exp = {{DL_DECISION, "2024-03-01", "2024-05-30", DL_OPEN, NULL, 0, 0, 0, 0}}},
    {.name = "decision overdue on day 91",
     .source = "行政处罚法 第六十条",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-05-31",
     .recs = {FILED("2024-03-01")},
     .exp = {{DL_DECISION, "2024-03-01", "2024-05-30", DL_OVERDUE, NULL, 0, 0, 0, 0}}},
    {.name = "decision made in time",
     .source = "行政处罚法 第六十条",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-06-30",
     .recs = {FILED("2024-03-01"), DECIDED("2024-05-20")},
     .exp = {{DL_DECISION, "2024-03-01", "2024-05-30", DL_MET, "2024-05-20", 0, 0, 0, 0}}},
    {.name = "a closed suspension moves the decision by its days",
     .source = "DESIGN §4 中止期间不计入; 湖北 附件2 第四条",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-06-30",
     .recs = {FILED("2024-03-01"), SUSPENDED("2024-04-01"), RESUMED("2024-04-11"),
              DECIDED("2024-06-05")},
     .exp = {{DL_DECISION, "2024-03-01", "2024-06-09", DL_MET, "2024-06-05", 0, 0, 10, 0}}},
    {.name = "an open suspension stops the clock through today",
     .source = "DESIGN §4 中止期间不计入",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-07-01",
     .recs = {FILED("2024-03-01"), SUSPENDED("2024-05-01")},
     .exp = {{DL_DECISION, "2024-03-01", "2024-07-31", DL_OPEN, NULL, F_PAUSED, 0, 62, 0}}},
    {.name = "a suspension after the period ran out does not revive it",
     .source = "行政处罚法 第六十条",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-06-10",
     .recs = {FILED("2024-03-01"), SUSPENDED("2024-06-01")},
     .exp = {{DL_DECISION, "2024-03-01", "2024-05-30", DL_OVERDUE, NULL, 0, 0, 0, 0}}},
    {.name = "a suspension on the last day still stops the clock",
     .source = "行政处罚法 第六十条 (the period runs through its last day)",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-06-04",
     .recs = {FILED("2024-03-01"), SUSPENDED("2024-05-30"), RESUMED("2024-06-04")},
     .exp = {{DL_DECISION, "2024-03-01", "2024-06-04", DL_OPEN, NULL, 0, 0, 5, 0}}},
    {.name = "an extension approved on the last day counts",
     .source = "行政处罚法 第六十条",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-06-10",
     .recs = {FILED("2024-03-01"), EXTENDED("case_period", 30, "2024-05-30")},
     .exp = {{DL_DECISION, "2024-03-01", "2024-06-29", DL_OPEN, NULL, 0, 30, 0, 0}}},
    {.name = "an approved extension moves the decision",
     .source = "DESIGN §4 延长须负责人批准",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-06-10",
     .recs = {FILED("2024-03-01"), EXTENDED("case_period", 30, "2024-05-15")},
     .exp = {{DL_DECISION, "2024-03-01", "2024-06-29", DL_OPEN, NULL, 0, 30, 0, 0}}},
    {.name = "extensions beyond the policy's cap are not counted",
     .source = "DESIGN §4 +30 days (policy cap)",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-06-10",
     .recs = {FILED("2024-03-01"), EXTENDED("case_period", 30, "2024-05-15"),
              EXTENDED("case_period", 30, "2024-06-05")},
     .exp = {{DL_DECISION, "2024-03-01", "2024-06-29", DL_OPEN, NULL, F_REFUSED, 30, 0, 0}}},
    {.name = "without a cap in the policy every recorded extension counts",
     .source = "policy/national.json",
     .rules = RULES_NATIONAL,
     .kind = "penalty",
     .review = false,
     .today = "2024-06-10",
     .recs = {FILED("2024-03-01"), EXTENDED("case_period", 30, "2024-05-15"),
              EXTENDED("case_period", 30, "2024-06-05")},
     .exp = {{DL_DECISION, "2024-03-01", "2024-07-29", DL_OPEN, NULL, 0, 60, 0, 0}}},
    {.name = "an extension approved after expiry is refused",
     .source = "行政处罚法 第六十条",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-06-02",
     .recs = {FILED("2024-03-01"), EXTENDED("case_period", 30, "2024-06-01")},
     .exp = {{DL_DECISION, "2024-03-01", "2024-05-30", DL_OVERDUE, NULL, F_REFUSED, 0, 0, 0}}},
    {.name = "an extension of another period does not move the decision",
     .source = "extension.target",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-05-30",
     .recs = {FILED("2024-03-01"), EXTENDED("legal_review", 3, "2024-05-15")},
     .exp = {{DL_DECISION, "2024-03-01", "2024-05-30", DL_OPEN, NULL, 0, 0, 0, 0}}},
    {.name = "suspension then extension",
     .source = "DESIGN §4",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-07-10",
     .recs = {FILED("2024-03-01"), SUSPENDED("2024-04-01"), RESUMED("2024-04-11"),
              EXTENDED("case_period", 30, "2024-06-05"), DECIDED("2024-07-09")},
     .exp = {{DL_DECISION, "2024-03-01", "2024-07-09", DL_MET, "2024-07-09", 0, 30, 10, 0}}},
    {.name = "withdrawing the case ends the case period",
     .source = "湖北 附件2 第四条 (撤销立案)",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-06-30",
     .recs = {FILED("2024-03-01"),
              {"case_withdrawal", "withdraw", "{'decided_on':'2024-04-01','reason':'no_violation'}",
               NULL}},
     .exp = {{DL_DECISION, "2024-03-01", "2024-05-30", DL_MET, "2024-04-01", 0, 0, 0, 0}}},
    /* ---- legal review: 5 WD +3 WD (YN-3-12); 10 WD +10 (HB-3-17, national) ---- */
    {.name = "review due across Spring Festival 2026 (02-14 make-up)",
     .source = "云南 附件3 第十二条 (YN-3-12)",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2026-02-26",
     .recs = {LR_REQUEST("2026-02-12")},
     .exp = {{DL_LEGAL_REVIEW, "2026-02-12", "2026-02-26", DL_OPEN, NULL, 0, 0, 0, 0}}},
    {.name = "complex case: +3 WD (02-28 make-up)",
     .source = "云南 附件3 第十二条 (YN-3-12)",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2026-02-27",
     .recs = {LR_REQUEST("2026-02-12"), EXTENDED("legal_review", 3, "2026-02-25")},
     .exp = {{DL_LEGAL_REVIEW, "2026-02-12", "2026-03-02", DL_OPEN, NULL, 0, 3, 0, 0}}},
    {.name = "a review extension over the cap counts up to the cap",
     .source = "云南 附件3 第十二条 (YN-3-12)",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2026-02-27",
     .recs = {LR_REQUEST("2026-02-12"), EXTENDED("legal_review", 5, "2026-02-25")},
     .exp = {{DL_LEGAL_REVIEW, "2026-02-12", "2026-03-02", DL_OPEN, NULL, F_REFUSED, 3, 0, 0}}},
    {.name = "a review extension approved too late; opinion late",
     .source = "云南 附件3 第十二条 (YN-3-12)",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2026-03-03",
     .recs = {LR_REQUEST("2026-02-12"), EXTENDED("legal_review", 3, "2026-02-27"),
              LR_OPINION("2026-03-02", "agree")},
     .exp = {{DL_LEGAL_REVIEW, "2026-02-12", "2026-02-26", DL_MET, "2026-03-02", F_LATE | F_REFUSED,
              0, 0, 0}}},
    {.name = "national: 10 WD +10 WD",
     .source = "湖北 附件3 第十七条 (HB-3-17); policy/national.json",
     .rules = RULES_NATIONAL,
     .kind = "penalty",
     .review = false,
     .today = "2026-03-05",
     .recs = {LR_REQUEST("2026-02-12"), EXTENDED("legal_review", 10, "2026-03-04")},
     .exp = {{DL_LEGAL_REVIEW, "2026-02-12", "2026-03-18", DL_OPEN, NULL, 0, 10, 0, 0}}},
    /* ---- submission to review: 5 WD after the investigation ended (YN-3-07) ---- */
    {.name = "major case not sent to review in time (National Day 2024)",
     .source = "云南 附件3 第七条 (YN-3-07)",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = true,
     .today = "2024-10-11",
     .recs = {{"investigation_end_report", "end_investigation", "{'ended_on':'2024-09-27'}", NULL}},
     .exp = {{DL_REVIEW_SUBMIT, "2024-09-27", "2024-10-10", DL_OVERDUE, NULL, 0, 0, 0, 0}}},
    {.name = "a case outside the review scope has no submission deadline",
     .source = "云南 附件3 第六条 (YN-3-06)",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-10-11",
     .recs = {{"investigation_end_report", "end_investigation", "{'ended_on':'2024-09-27'}", NULL}},
     .exp = {{0}},
     .absent = {ABSENT(DL_REVIEW_SUBMIT), ABSENT(DL_LEGAL_REVIEW)}},
    {.name = "a case sent to review counts as major",
     .source = "云南 附件3 第七条 (YN-3-07)",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-10-11",
     .recs = {{"investigation_end_report", "end_investigation", "{'ended_on':'2024-09-27'}", NULL},
              LR_REQUEST("2024-10-09")},
     .exp = {{DL_REVIEW_SUBMIT, "2024-09-27", "2024-10-10", DL_MET, "2024-10-09", 0, 0, 0, 0},
             {DL_LEGAL_REVIEW, "2024-10-09", "2024-10-15", DL_OPEN, NULL, 0, 0, 0, 0}}},
    {.name = "a policy without the key produces no deadline",
     .source = "policy/national.json (no review_submit)",
     .rules = RULES_NATIONAL,
     .kind = "penalty",
     .review = true,
     .today = "2024-10-11",
     .recs = {{"investigation_end_report", "end_investigation", "{'ended_on':'2024-09-27'}", NULL}},
     .exp = {{0}},
     .absent = {ABSENT(DL_REVIEW_SUBMIT), ABSENT(DL_REVIEW_SUBMIT_BEFORE_DEADLINE)}},
    /* ---- emergency decision: review filed within 2 WD after (YN-3-07) ---- */
    {.name = "emergency decision reviewed a day late (Spring Festival 2024)",
     .source = "云南 附件3 第七条 (YN-3-07)",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-02-20",
     .recs = {{"decision", "decide",
               "{'decided_on':'2024-02-08','outcome':'penalty','emergency':true}", NULL},
              LR_REQUEST("2024-02-19")},
     .exp = {{DL_EMERGENCY_REVIEW, "2024-02-08", "2024-02-18", DL_MET, "2024-02-19", F_LATE, 0, 0,
              0}}},
    {.name = "an ordinary decision has no emergency review",
     .source = "云南 附件3 第七条 (YN-3-07)",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-02-20",
     .recs = {DECIDED("2024-02-08")},
     .exp = {{0}},
     .absent = {ABSENT(DL_EMERGENCY_REVIEW)}},
    /* ---- re-review: ask within 2 WD, answer within 3 WD (YN-3-14) ---- */
    {.name = "re-review not asked (Qingming 2024, 04-07 make-up)",
     .source = "云南 附件3 第十四条 (YN-3-14)",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-04-09",
     .recs = {LR_REQUEST("2024-03-27"), LR_OPINION("2024-04-03", "disagree")},
     .exp = {{DL_REREVIEW_REQUEST, "2024-04-03", "2024-04-08", DL_LAPSED, NULL, 0, 0, 0, 0},
             {DL_LEGAL_REVIEW, "2024-03-27", "2024-04-03", DL_MET, "2024-04-03", 0, 0, 0, 0}}},
    {.name = "re-review asked on the make-up Sunday, answer due",
     .source = "云南 附件3 第十四条 (YN-3-14)",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-04-09",
     .recs = {LR_REQUEST("2024-03-27"),
              LR_OPINION("2024-04-03", "change"),
              {"re_review_request", "request_re_review", "{'requested_on':'2024-04-07'}", NULL}},
     .exp = {{DL_REREVIEW_REQUEST, "2024-04-03", "2024-04-08", DL_MET, "2024-04-07", 0, 0, 0, 0},
             {DL_REREVIEW_ANSWER, "2024-04-07", "2024-04-10", DL_OPEN, NULL, 0, 0, 0, 0}}},
    {.name = "an agreeing opinion opens no re-review window",
     .source = "云南 附件3 第十四条 (YN-3-14)",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-04-09",
     .recs = {LR_REQUEST("2024-03-27"), LR_OPINION("2024-04-03", "agree")},
     .exp = {{0}},
     .absent = {ABSENT(DL_REREVIEW_REQUEST), ABSENT(DL_REREVIEW_ANSWER)}},
    /* ---- hearing notice: 7 WD before the hearing, counted back (第六十四条) ---- */
    {.name = "hearing notice on the last allowed day",
     .source = "行政处罚法 第六十四条第二项; 2024.csv 10-12",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-10-15",
     .recs = {{"hearing_notice", "notify_hearing",
               "{'issued_on':'2024-09-30','hearing_at':'2024-10-15T01:00:00Z'}", NULL}},
     .exp = {{DL_HEARING_NOTICE, "2024-10-15", "2024-09-30", DL_MET, "2024-09-30", F_BACK, 0, 0,
              0}}},
    {.name = "hearing notice too late",
     .source = "行政处罚法 第六十四条第二项",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-10-15",
     .recs = {{"hearing_notice", "notify_hearing",
               "{'issued_on':'2024-10-08','hearing_at':'2024-10-15T01:00:00Z'}", NULL}},
     .exp = {{DL_HEARING_NOTICE, "2024-10-15", "2024-09-30", DL_MET, "2024-10-08", F_BACK | F_LATE,
              0, 0, 0}}},
    /* ---- Beijing: to review at least 10 WD before the case period ends ---- */
    {.name = "submit-before counted back from day 90 (09-14, 09-29 make-up)",
     .source = "北京 二(三)3 (BJ-2.3-3b)",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = true,
     .today = "2024-09-19",
     .recs = {FILED("2024-07-03")},
     .exp = {{DL_REVIEW_SUBMIT_BEFORE_DEADLINE, "2024-10-01", "2024-09-18", DL_OVERDUE, NULL,
              F_BACK, 0, 0, 0},
             {DL_DECISION, "2024-07-03", "2024-10-01", DL_OPEN, NULL, 0, 0, 0, 0}}},
    /* ---- evidence preservation: handled within 7 WD (第五十六条) ---- */
    {.name = "preservation due before Spring Festival 2024",
     .source = "行政处罚法 第五十六条",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-02-09",
     .recs = {{"preservation", "preserve", "{'preserved_at':'2024-02-01T09:00:00Z'}", NULL}},
     .exp = {{DL_PRESERVATION_DECISION, "2024-02-01", "2024-02-09", DL_OPEN, NULL, 0, 0, 0, 0}}},
    {.name = "a UTC time after 16:00 is the next civil day (UTC+8)",
     .source = "行政处罚法 第五十六条",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-02-09",
     .recs = {{"preservation", "preserve", "{'preserved_at':'2024-02-01T17:00:00Z'}", NULL}},
     .exp = {{DL_PRESERVATION_DECISION, "2024-02-02", "2024-02-18", DL_OPEN, NULL, 0, 0, 0, 0}}},
    {.name = "15:59:59 UTC is still the same civil day (23:59:59 CST)",
     .source = "行政处罚法 第五十六条",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-02-09",
     .recs = {{"preservation", "preserve", "{'preserved_at':'2024-02-01T15:59:59Z'}", NULL}},
     .exp = {{DL_PRESERVATION_DECISION, "2024-02-01", "2024-02-09", DL_OPEN, NULL, 0, 0, 0, 0}}},
    {.name = "each preservation needs its own handling",
     .source = "行政处罚法 第五十六条",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-02-19",
     .recs = {{"preservation", "preserve", "{'preserved_at':'2024-02-01T09:00:00Z'}", NULL},
              {"preservation", "preserve", "{'preserved_at':'2024-02-05T02:00:00Z'}", NULL},
              {"preservation_handling", "handle_preservation", "{'decided_on':'2024-02-06'}",
               NULL}},
     .exp = {{DL_PRESERVATION_DECISION, "2024-02-01", "2024-02-09", DL_MET, "2024-02-06", 0, 0, 0,
              2},
             {DL_PRESERVATION_DECISION, "2024-02-05", "2024-02-20", DL_OPEN, NULL, 0, 0, 0, 2}}},
    /* ---- sealing: the decided period, at most 30 days, +30 (行政强制法 第二十五条) ---- */
    {.name = "sealing released within its period",
     .source = "行政强制法 第二十五条",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-09-30",
     .recs = {{"sealing", "seal", "{'started_on':'2024-09-01','period_days':20}", NULL},
              {"sealing_release", "release_sealing", "{'released_on':'2024-09-15'}", NULL}},
     .exp = {{DL_SEALING, "2024-09-01", "2024-09-21", DL_MET, "2024-09-15", 0, 0, 0, 0}}},
    {.name = "sealing extended by 30 days",
     .source = "行政强制法 第二十五条",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-10-20",
     .recs = {{"sealing", "seal", "{'started_on':'2024-09-01','period_days':30}", NULL},
              EXTENDED("sealing", 30, "2024-09-25")},
     .exp = {{DL_SEALING, "2024-09-01", "2024-10-31", DL_OPEN, NULL, 0, 30, 0, 0}}},
    /* ---- publicity: penalty 7 WD, other results 20 WD ---- */
    {.name = "penalty decision not published",
     .source = "云南 附件1 第十三条 (YN-1-13)",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-10-14",
     .recs = {DECIDED("2024-09-27")},
     .exp = {{DL_PUBLISH_PENALTY, "2024-09-27", "2024-10-12", DL_OVERDUE, NULL, 0, 0, 0, 0}}},
    {.name = "no penalty imposed, no penalty publication",
     .source = "云南 附件1 第十三条 (YN-1-13)",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-10-14",
     .recs = {{"decision", "decide", "{'decided_on':'2024-09-27','outcome':'no_penalty'}", NULL}},
     .exp = {{DL_SERVICE, "2024-09-27", "2024-10-12", DL_OVERDUE, NULL, 0, 0, 0, 0}},
     .absent = {ABSENT(DL_PUBLISH_PENALTY), ABSENT(DL_PUBLISH_OTHER)}},
    {.name = "coercion decision published within 20 WD (National Day 2025)",
     .source = "湖北 附件1 第十一条 (HB-1-11); 2025.csv 09-28/10-11",
     .rules = RULES_FULL,
     .kind = "coercion",
     .review = false,
     .today = "2025-10-31",
     .recs = {{"coercion_decision", "decide", "{'decided_on':'2025-09-26'}", NULL},
              {"publication", "publish", "{'published_on':'2025-10-29'}", NULL}},
     .exp = {{DL_PUBLISH_OTHER, "2025-09-26", "2025-10-30", DL_MET, "2025-10-29", 0, 0, 0, 0}},
     .absent = {ABSENT(DL_PUBLISH_PENALTY), ABSENT(DL_SERVICE)}},
    /* ---- major decision reported for filing within 30 days (YN-3-15) ---- */
    {.name = "major decision filing due",
     .source = "云南 附件3 第十五条 (YN-3-15)",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = true,
     .today = "2024-10-10",
     .recs = {DECIDED("2024-09-10")},
     .exp = {{DL_MAJOR_DECISION_FILING, "2024-09-10", "2024-10-10", DL_OPEN, NULL, 0, 0, 0, 0}}},
    {.name = "not major, no filing",
     .source = "云南 附件3 第十五条 (YN-3-15)",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-10-10",
     .recs = {DECIDED("2024-09-10")},
     .exp = {{0}},
     .absent = {ABSENT(DL_MAJOR_DECISION_FILING)}},
    /* ---- archive: 30 days after execution ended (WS-23) ---- */
    {.name = "archived a day late (National Day 2025 is not skipped in calendar days)",
     .source = "汶上 第二十三条 (WS-23)",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2025-10-20",
     .recs = {{"closure", "close", "{'closed_on':'2025-09-10','execution_ended_on':'2025-09-08'}",
               NULL},
              {"archiving", "archive", "{'archived_on':'2025-10-09'}", NULL}},
     .exp = {{DL_ARCHIVE, "2025-09-08", "2025-10-08", DL_MET, "2025-10-09", F_LATE, 0, 0, 0}}},
    {.name = "with the day-off rule a period ending on 10-01 ends on 10-08",
     .source = "民法典 第二百零三条 (option)",
     .rules = RULES_ROLL,
     .kind = "penalty",
     .review = false,
     .today = "2024-10-02",
     .recs = {{"closure", "close", "{'closed_on':'2024-09-02','execution_ended_on':'2024-09-01'}",
               NULL}},
     .exp = {{DL_ARCHIVE, "2024-09-01", "2024-10-08", DL_OPEN, NULL, 0, 0, 0, 0}}},
    {.name = "an inspection case archived after its closure",
     .source = "汶上 第二十三条 (WS-23)",
     .rules = RULES_FULL,
     .kind = "inspection",
     .review = false,
     .today = "2024-10-02",
     .recs = {{"inspection_closure", "close", "{'closed_on':'2024-09-01'}", NULL}},
     .exp = {{DL_ARCHIVE, "2024-09-01", "2024-10-01", DL_OVERDUE, NULL, 0, 0, 0, 0}}},
    {.name = "a coercion case archived after its termination",
     .source = "汶上 第二十三条 (WS-23)",
     .rules = RULES_FULL,
     .kind = "coercion",
     .review = false,
     .today = "2024-09-20",
     .recs = {{"coercion_termination", "terminate", "{'terminated_on':'2024-09-01'}", NULL}},
     .exp = {{DL_ARCHIVE, "2024-09-01", "2024-10-01", DL_OPEN, NULL, 0, 0, 0, 0}}},
    {.name = "the day-off rule in an unloaded year is provisional",
     .source = "cal.h provisional",
     .rules = RULES_ROLL,
     .kind = "penalty",
     .review = false,
     .today = "2026-12-20",
     .recs = {{"closure", "close", "{'closed_on':'2026-12-15','execution_ended_on':'2026-12-15'}",
               NULL}},
     .exp = {{DL_ARCHIVE, "2026-12-15", "2027-01-14", DL_OPEN, NULL, F_PROV, 0, 0, 0}}},
    /* ---- fine paid within 15 days of receiving the decision (行政处罚法 第六十七条) ---- */
    {.name = "fine payment runs from the day the party signed for the decision",
     .source = "行政处罚法 第六十七条; 第六十一条",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-10-10",
     .recs = {{"decision", "decide",
               "{'decided_on':'2024-09-27','outcome':'penalty','fine_fen':1500000}", NULL},
              {"service_direct", "serve_decision_direct", "{'signed_on':'2024-09-30'}", NULL}},
     .exp = {{DL_FINE_PAYMENT, "2024-09-30", "2024-10-15", DL_OPEN, NULL, 0, 0, 0, 1}}},
    {.name = "fine payment from a returned mail receipt, met by the performance record",
     .source = "行政处罚法 第六十七条; 汶上 第十七条（二） (WS-17)",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-11-20",
     .recs = {{"decision", "decide",
               "{'decided_on':'2024-09-27','outcome':'penalty','fine_fen':100}", NULL},
              {"service_mail", "serve_decision_mail",
               "{'mailed_on':'2024-09-30','received_on':'2024-10-08'}", NULL},
              {"performance", "record_performance",
               "{'performed_on':'2024-10-20','mode':'full','paid_fen':100}", NULL}},
     .exp = {{DL_FINE_PAYMENT, "2024-10-08", "2024-10-23", DL_MET, "2024-10-20", 0, 0, 0, 1}}},
    {.name = "fine payment from the posting day when no receipt came back",
     .source = "行政处罚法 第六十七条",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-10-16",
     .recs = {{"decision", "decide",
               "{'decided_on':'2024-09-27','outcome':'penalty','fine_fen':100}", NULL},
              {"service_mail", "serve_decision_mail", "{'mailed_on':'2024-09-30'}", NULL}},
     .exp = {{DL_FINE_PAYMENT, "2024-09-30", "2024-10-15", DL_OVERDUE, NULL, 0, 0, 0, 1}}},
    {.name = "fine payment after a public notice runs from the end of the notice period",
     .source = "行政处罚法 第六十七条; 汶上 第十七条（五） (WS-17)",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-11-20",
     .recs = {{"decision", "decide",
               "{'decided_on':'2024-08-30','outcome':'penalty','fine_fen':100}", NULL},
              {"service_public_notice", "serve_decision_public",
               "{'started_on':'2024-09-01','period_days':60}", NULL}},
     .exp = {{DL_FINE_PAYMENT, "2024-10-31", "2024-11-15", DL_OVERDUE, NULL, 0, 0, 0, 1}}},
    {.name = "a performance record saying 逾期未履行 does not meet the fine payment",
     .source = "行政处罚法 第六十七条、第七十二条",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-10-20",
     .recs = {{"decision", "decide",
               "{'decided_on':'2024-09-27','outcome':'penalty','fine_fen':100}", NULL},
              {"service_direct", "serve_decision_direct", "{'signed_on':'2024-09-30'}", NULL},
              {"performance", "record_performance",
               "{'performed_on':'2024-10-18','mode':'none','paid_fen':0}", NULL}},
     .exp = {{DL_FINE_PAYMENT, "2024-09-30", "2024-10-15", DL_OVERDUE, NULL, 0, 0, 0, 1}}},
    {.name = "only the first service of the decision starts the fine payment",
     .source = "行政处罚法 第六十七条",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-10-10",
     .recs = {{"decision", "decide",
               "{'decided_on':'2024-09-27','outcome':'penalty','fine_fen':100}", NULL},
              {"service_direct", "serve_decision_direct", "{'signed_on':'2024-09-30'}", NULL},
              {"service_mail", "serve_decision_mail", "{'mailed_on':'2024-10-08'}", NULL}},
     .exp = {{DL_FINE_PAYMENT, "2024-09-30", "2024-10-15", DL_OPEN, NULL, 0, 0, 0, 1}}},
    {.name = "no fine, no fine payment",
     .source = "行政处罚法 第六十七条",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-10-10",
     .recs = {DECIDED("2024-09-27"),
              {"service_direct", "serve_decision_direct", "{'signed_on':'2024-09-30'}", NULL}},
     .exp = {{0}},
     .absent = {ABSENT(DL_FINE_PAYMENT)}},
    {.name = "a fine not yet served has no payment deadline",
     .source = "行政处罚法 第六十七条（自收到决定书之日起）",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-10-10",
     .recs = {{"decision", "decide",
               "{'decided_on':'2024-09-27','outcome':'penalty','fine_fen':100}", NULL},
              {"service_direct", "serve_direct", "{'signed_on':'2024-09-30'}", NULL}},
     .exp = {{0}},
     .absent = {ABSENT(DL_FINE_PAYMENT)}},
    {.name = "national preset: 15 calendar days across National Day 2024",
     .source = "policy/national.json fine_payment; 行政处罚法 第六十七条",
     .rules = RULES_NATIONAL,
     .kind = "penalty",
     .review = false,
     .today = "2024-10-16",
     .recs = {{"decision", "decide",
               "{'decided_on':'2024-09-27','outcome':'penalty','fine_fen':100}", NULL},
              {"service_direct", "serve_decision_direct", "{'signed_on':'2024-09-29'}", NULL}},
     .exp = {{DL_FINE_PAYMENT, "2024-09-29", "2024-10-14", DL_OVERDUE, NULL, 0, 0, 0, 1}}},
    /* ---- clue verification and filing (a policy that sets filing_check) ---- */
    {.name = "filing decided on the last working day (National Day 2024)",
     .source = "国家医保局令第4号（待核对）",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-10-20",
     .recs = {{"case_opening", "open", "{}", "2024-09-20T02:00:00Z"}, FILED("2024-10-16")},
     .exp = {{DL_FILING_CHECK, "2024-09-20", "2024-10-16", DL_MET, "2024-10-16", 0, 0, 0, 0},
             {DL_DECISION, "2024-10-16", "2025-01-14", DL_OPEN, NULL, 0, 0, 0, 0}}},
    {.name = "national policy has no filing check yet",
     .source = "policy/national.json",
     .rules = RULES_NATIONAL,
     .kind = "penalty",
     .review = false,
     .today = "2024-10-20",
     .recs = {{"case_opening", "open", "{}", "2024-09-20T02:00:00Z"}},
     .exp = {{0}},
     .absent = {ABSENT(DL_FILING_CHECK)}},
    /* ---- media: stored on the platform within 2 WD of the capture's end (YN-2-17) ---- */
    {.name = "media stored on a make-up Sunday, on time",
     .source = "云南 附件2 第十七条 (YN-2-17); 2024.csv 09-29 调休上班",
     .rules = RULES_FULL,
     .kind = "penalty",
     .review = false,
     .today = "2024-10-20",
     .recs = {{"media_attach", "attach_media",
               "{'captured_to':'2024-09-27T08:00:00Z','stored_at':'2024-09-29T02:00:00Z'}",
               "2024-10-08T02:00:00Z"}},
     .exp = {{DL_AV_STORAGE, "2024-09-27", "2024-09-30", DL_MET, "2024-09-29", 0, 0, 0, 1}}},
    {.name = "media stored after National Day's 2 WD: late",
     .source = "云南 附件2 第十七条 (YN-2-17); 汶上 第二十二条 (WS-22)",
     .rules = RULES_FULL,
     .kind = "inspection",
     .review = false,
     .today = "2024-10-20",
     .recs = {{"media_attach", "attach_media",
               "{'captured_to':'2024-09-30T01:00:00Z','stored_at':'2024-10-10T02:00:00Z'}",
               "2024-10-10T03:00:00Z"},
              {"media_attach", "attach_media",
               "{'captured_to':'2024-10-08T01:00:00Z','stored_at':'2024-10-08T05:00:00Z'}",
               "2024-10-10T04:00:00Z"}},
     .exp = {{DL_AV_STORAGE, "2024-09-30", "2024-10-09", DL_MET, "2024-10-10", F_LATE, 0, 0, 2},
             {DL_AV_STORAGE, "2024-10-08", "2024-10-10", DL_MET, "2024-10-08", 0, 0, 0, 2}}},
};

static const struct dl_deadline *find(const struct dl_result *res, enum dl_key key,
                                      const char *start, int *count)
{
    const struct dl_deadline *hit = NULL;
    *count = 0;
    for (size_t i = 0; i < res->n; i++) {
        if (res->items[i].key != key)
            continue;
        (*count)++;
        if (hit == NULL && (start == NULL || res->items[i].start == D(start)))
            hit = &res->items[i];
    }
    return hit;
}

static void check_row(const struct row *r)
{
    struct built b;
    struct dl_case c;
    struct dl_result res;
    struct sx_arena arena;
    struct sx_err err;
    char b1[CAL_DATE_BUFSZ], b2[CAL_DATE_BUFSZ];
    int rc;

    build(r->recs, &b);
    memset(&c, 0, sizeof(c));
    c.kind = r->kind;
    c.review_required = r->review;
    c.records = b.recs;
    c.n_records = b.n;
    sx_arena_init(&arena, 4096);
    sx_err_clear(&err);
    rc = dl_compute(rules_of(r->rules), g_cal, &c, D(r->today), &arena, &res, &err);
    if (rc != 0)
        fail_msg("%s (%s): %s: %s", r->name, r->source, err.title, err.detail);
    for (size_t i = 1; i < res.n; i++) {
        if (res.items[i - 1].due > res.items[i].due)
            fail_msg("%s: items not ordered by due date", r->name);
    }
    for (size_t k = 0; k < MAX_EXP && r->exp[k].due != NULL; k++) {
        const struct exp *x = &r->exp[k];
        int count;
        const struct dl_deadline *d = find(&res, x->key, x->start, &count);
        if (d == NULL)
            fail_msg("%s (%s): no %s deadline from %s", r->name, r->source, g_full.rule[x->key].key,
                     x->start);
        if (d->due != D(x->due))
            fail_msg("%s (%s): %s due %s, expected %s", r->name, r->source, d->key_name,
                     fmt(d->due, b1), x->due);
        if (d->state != x->state)
            fail_msg("%s (%s): %s state %s, expected %s", r->name, r->source, d->key_name,
                     dl_state_name(d->state), dl_state_name(x->state));
        if (x->state == DL_MET && d->met_on != D(x->met_on))
            fail_msg("%s: %s met on %s, expected %s", r->name, d->key_name, fmt(d->met_on, b2),
                     x->met_on);
        if (d->late != ((x->flags & F_LATE) != 0) || d->provisional != ((x->flags & F_PROV) != 0) ||
            d->paused != ((x->flags & F_PAUSED) != 0) ||
            d->ext_refused != ((x->flags & F_REFUSED) != 0) ||
            d->counts_back != ((x->flags & F_BACK) != 0))
            fail_msg("%s: %s flags late=%d provisional=%d paused=%d refused=%d back=%d, expected "
                     "%#x",
                     r->name, d->key_name, d->late, d->provisional, d->paused, d->ext_refused,
                     d->counts_back, x->flags);
        if (d->extended != x->extended || d->paused_days != x->paused_days)
            fail_msg("%s: %s extended %d paused %d, expected %d and %d", r->name, d->key_name,
                     d->extended, d->paused_days, x->extended, x->paused_days);
        if (x->count > 0 && count != x->count)
            fail_msg("%s: %d %s deadlines, expected %d", r->name, count, d->key_name, x->count);
        /* every produced deadline carries its rule's source and label */
        assert_non_null(d->source);
        assert_string_equal(d->source, rules_of(r->rules)->rule[x->key].source);
        assert_non_null(d->label_zh);
        if (d->state == DL_OPEN || d->state == DL_OVERDUE)
            assert_int_equal(d->days_left, d->due - D(r->today));
    }
    for (size_t k = 0; k < MAX_ABSENT && r->absent[k] != 0; k++) {
        int count;
        (void)find(&res, (enum dl_key)(r->absent[k] - 1), NULL, &count);
        if (count != 0)
            fail_msg("%s (%s): unexpected %s deadline", r->name, r->source,
                     g_full.rule[r->absent[k] - 1].key);
    }
    sx_arena_free(&arena);
    unbuild(&b);
}

static void test_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        check_row(&rows[i]);
}

/* ---- single-purpose tests ---- */

static int compute(const struct dl_rules *rules, const char *kind, const struct rec *recs,
                   const char *today, struct sx_arena *arena, struct dl_result *res,
                   struct built *b, struct sx_err *err)
{
    struct dl_case c;
    build(recs, b);
    memset(&c, 0, sizeof(c));
    c.kind = kind;
    c.records = b->recs;
    c.n_records = b->n;
    sx_err_clear(err);
    return dl_compute(rules, g_cal, &c, D(today), arena, res, err);
}

/* policy/national.json as shipped: the keys it sets, with their units and sources. */
static void test_national_rules(void **state)
{
    (void)state;
    assert_true(g_nat.rule[DL_DECISION].set);
    assert_int_equal(g_nat.rule[DL_DECISION].days, 90);
    assert_int_equal(g_nat.rule[DL_DECISION].unit, POL_UNIT_CD);
    assert_non_null(strstr(g_nat.rule[DL_DECISION].source, "第六十条"));
    assert_true(g_nat.rule[DL_SERVICE].set);
    assert_int_equal(g_nat.rule[DL_SERVICE].days, 7);
    assert_int_equal(g_nat.rule[DL_SERVICE].unit, POL_UNIT_WD);
    assert_true(g_nat.rule[DL_ARCHIVE].set);
    assert_int_equal(g_nat.rule[DL_LEGAL_REVIEW].days, 10);
    /* not in the national default (provincial presets add them) */
    assert_false(g_nat.rule[DL_REVIEW_SUBMIT].set);
    assert_null(g_nat.rule[DL_REVIEW_SUBMIT].source);
    assert_false(g_nat.rule[DL_DECISION_EXTENSION].set);
    /* every key has its name and label, set or not */
    for (int k = 0; k < DL_KEY_COUNT; k++) {
        assert_non_null(g_nat.rule[k].key);
        assert_non_null(g_nat.rule[k].label_zh);
    }
}

/* A whole penalty case under the national policy: which deadlines appear, in due order. */
static void test_national_case(void **state)
{
    static const struct rec recs[] = {
        {"case_opening", "open", "{}", "2024-08-30T01:00:00Z"},
        FILED("2024-09-02"),
        {"prior_notice", NULL, "{'issued_on':'2024-11-01','hearing_right':true,'period_days':5}",
         NULL},
        DECIDED("2024-11-20"),
        {"service_direct", "serve_decision_direct", "{'signed_on':'2024-11-22'}", NULL},
        {"closure", "close", "{'closed_on':'2024-12-20','execution_ended_on':'2024-12-18'}", NULL},
        {0},
    };
    /* due 11-08, 11-29, 11-29 (key order), 12-01, 2025-01-17 */
    static const enum dl_key want[] = {DL_HEARING_REQUEST, DL_SERVICE, DL_PUBLISH_PENALTY,
                                       DL_DECISION, DL_ARCHIVE};
    struct built b;
    struct dl_result res;
    struct sx_arena arena;
    struct sx_err err;
    (void)state;
    sx_arena_init(&arena, 4096);
    assert_int_equal(compute(&g_nat, "penalty", recs, "2024-12-31", &arena, &res, &b, &err), 0);
    assert_int_equal(res.n, sizeof(want) / sizeof(want[0]));
    for (size_t i = 0; i < res.n; i++) {
        assert_int_equal(res.items[i].key, want[i]);
        assert_int_equal(res.items[i].from_seq > 0, 1);
    }
    assert_int_equal(res.items[0].state, DL_LAPSED); /* no hearing asked */
    assert_int_equal(res.items[0].who, DL_ACT_PARTY);
    assert_int_equal(res.items[1].state, DL_MET);
    assert_int_equal(res.items[1].met_seq, 5);
    assert_string_equal(res.items[1].met_type, "service_direct");
    assert_int_equal(res.items[2].state, DL_OVERDUE); /* nothing published */
    assert_int_equal(res.items[2].who, DL_ACT_PUBLISHER);
    assert_int_equal(res.items[3].state, DL_MET);
    assert_int_equal(res.items[3].met_seq, 4);
    assert_string_equal(res.items[3].met_type, "decision");
    assert_int_equal(res.items[3].due, D("2024-12-01"));
    assert_int_equal(res.items[4].state, DL_OPEN); /* 2024-12-18 + 30 = 2025-01-17 */
    assert_int_equal(res.items[4].due, D("2025-01-17"));
    assert_int_equal(res.items[4].who, DL_ACT_ARCHIVIST);
    sx_arena_free(&arena);
    unbuild(&b);
}

/* Suspension periods are reported with their reason; an overlapping one is merged. */
static void test_pauses(void **state)
{
    static const struct rec recs[] = {
        FILED("2024-03-01"),     SUSPENDED("2024-04-01"), RESUMED("2024-04-11"),
        SUSPENDED("2024-04-05"), /* backdated into the first period (bad data) */
        RESUMED("2024-04-15"),   SUSPENDED("2024-05-20"), {0},
    };
    struct built b;
    struct dl_result res;
    struct sx_arena arena;
    struct sx_err err;
    json_t *j;
    (void)state;
    sx_arena_init(&arena, 4096);
    assert_int_equal(compute(&g_full, "penalty", recs, "2024-05-25", &arena, &res, &b, &err), 0);
    assert_int_equal(res.n_pauses, 3);
    assert_int_equal(res.pauses[0].start, D("2024-04-01"));
    assert_int_equal(res.pauses[0].end, D("2024-04-11"));
    assert_false(res.pauses[0].open);
    assert_string_equal(res.pauses[0].reason, "等待鉴定");
    assert_true(res.pauses[1].overlap);
    assert_int_equal(res.pauses[1].start,
                     D("2024-04-11")); /* the days already excluded count once */
    assert_int_equal(res.pauses[1].end, D("2024-04-15"));
    assert_true(res.pauses[2].open);
    assert_int_equal(res.pauses[2].end, D("2024-05-26"));
    /* 90 days: 2024-05-30; +10 +4; the open one from 05-20 through today 05-25: +6 */
    assert_int_equal(res.n, 1);
    assert_int_equal(res.items[0].paused_days, 20);
    assert_int_equal(res.items[0].due, D("2024-06-19"));
    assert_true(res.items[0].paused);
    j = dl_pause_json(&res.pauses[2]);
    assert_non_null(j);
    assert_true(json_is_null(json_object_get(j, "end")));
    assert_true(json_is_true(json_object_get(j, "open")));
    assert_int_equal(json_integer_value(json_object_get(j, "seq")), 6);
    json_decref(j);
    sx_arena_free(&arena);
    unbuild(&b);
}

/* Bad dates are errors naming the record; a missing date field falls back to "at" (UTC+8). */
static void test_record_dates(void **state)
{
    static const struct rec bad[] = {{"decision", "decide", "{'decided_on':'2024-13-01'}", NULL},
                                     {0}};
    static const struct rec bad_at[] = {{"decision", "decide", "{}", "yesterday"}, {0}};
    static const struct rec no_field[] = {{"decision", "decide", "{}", "2024-09-26T16:30:00Z"},
                                          {0}};
    static const struct rec offset[] = {
        {"preservation", "preserve", "{'preserved_at':'2024-02-01T23:30:00+08:00'}", NULL}, {0}};
    struct built b;
    struct dl_result res;
    struct sx_arena arena;
    struct sx_err err;
    (void)state;
    sx_arena_init(&arena, 4096);
    assert_int_equal(compute(&g_full, "penalty", bad, "2024-10-01", &arena, &res, &b, &err),
                     SX_E_INVALID);
    assert_string_equal(err.type, "record-date-invalid");
    assert_string_equal(err.field, "decided_on");
    assert_non_null(strstr(err.detail, "第 1 条记录"));
    unbuild(&b);
    assert_int_equal(compute(&g_full, "penalty", bad_at, "2024-10-01", &arena, &res, &b, &err),
                     SX_E_INVALID);
    assert_string_equal(err.field, "at");
    unbuild(&b);
    assert_int_equal(compute(&g_full, "penalty", no_field, "2024-10-01", &arena, &res, &b, &err),
                     0);
    assert_true(res.n > 0);
    assert_int_equal(res.items[0].start, D("2024-09-27")); /* 16:30 UTC is 00:30 CST next day */
    unbuild(&b);
    assert_int_equal(compute(&g_full, "penalty", offset, "2024-02-02", &arena, &res, &b, &err), 0);
    assert_int_equal(res.items[0].start, D("2024-02-01")); /* an explicit offset is local time */
    unbuild(&b);
    sx_arena_free(&arena);
}

/* Kinds without deadlines, no records, and bad arguments. */
static void test_edges(void **state)
{
    static const struct rec recs[] = {DECIDED("2024-09-27"), {0}};
    struct built b;
    struct dl_result res;
    struct dl_case c;
    struct sx_arena arena;
    struct sx_err err;
    (void)state;
    sx_arena_init(&arena, 4096);
    assert_int_equal(compute(&g_full, "application", recs, "2024-10-14", &arena, &res, &b, &err),
                     0);
    assert_int_equal(res.n, 0);
    unbuild(&b);
    assert_int_equal(compute(&g_full, NULL, recs, "2024-10-14", &arena, &res, &b, &err), 0);
    assert_int_equal(res.n, 0);
    unbuild(&b);
    memset(&c, 0, sizeof(c));
    c.kind = "penalty";
    assert_int_equal(dl_compute(&g_full, g_cal, &c, D("2024-10-14"), &arena, &res, &err), 0);
    assert_int_equal(res.n, 0);
    c.n_records = 3; /* but no array */
    assert_int_equal(dl_compute(&g_full, g_cal, &c, D("2024-10-14"), &arena, &res, &err),
                     SX_E_INVALID);
    c.n_records = 0;
    assert_int_equal(dl_compute(&g_full, g_cal, &c, CAL_DATE_MAX, &arena, &res, &err),
                     SX_E_INVALID);
    sx_arena_free(&arena);
}

static void test_relevant(void **state)
{
    static const char *const types[] = {
        "archiving",
        "case_withdrawal",
        "closure",
        "coercion_decision",
        "coercion_termination",
        "decision",
        "extension",
        "filing_approval",
        "hearing_notice",
        "hearing_request",
        "inspection_closure",
        "investigation_end_report",
        "legal_review_opinion",
        "legal_review_request",
        "major_decision_filing",
        "non_filing_decision",
        "preservation",
        "preservation_handling",
        "prior_notice",
        "publication",
        "re_review_opinion",
        "re_review_request",
        "resumption",
        "sealing",
        "sealing_release",
        "suspension",
        "transfer",
    };
    (void)state;
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (!dl_record_relevant(types[i], "x"))
            fail_msg("%s should be read", types[i]);
    }
    assert_true(dl_record_relevant("service_mail", "serve_decision_mail"));
    assert_true(dl_record_relevant("service_public_notice", "serve_decision_public"));
    assert_false(dl_record_relevant("service_mail", "serve_mail"));
    assert_false(dl_record_relevant("service_direct", NULL));
    assert_true(dl_record_relevant("case_opening", "open"));
    assert_false(dl_record_relevant("inquiry_transcript", "inquire"));
    assert_false(dl_record_relevant("note", "note"));
    assert_false(dl_record_relevant(NULL, NULL));
}

static void test_json(void **state)
{
    static const struct rec recs[] = {
        DECIDED("2024-09-27"),
        {"service_mail", "serve_decision_mail", "{'mailed_on':'2024-10-14'}", NULL},
        {0},
    };
    struct built b;
    struct dl_result res;
    struct sx_arena arena;
    struct sx_err err;
    int count;
    const struct dl_deadline *d;
    json_t *j;
    (void)state;
    sx_arena_init(&arena, 4096);
    assert_int_equal(compute(&g_full, "penalty", recs, "2024-10-20", &arena, &res, &b, &err), 0);
    d = find(&res, DL_SERVICE, NULL, &count);
    assert_non_null(d);
    j = dl_deadline_json(d);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "key")), "service");
    assert_string_equal(json_string_value(json_object_get(j, "unit")), "wd");
    assert_string_equal(json_string_value(json_object_get(j, "start")), "2024-09-27");
    assert_string_equal(json_string_value(json_object_get(j, "due")), "2024-10-12");
    assert_string_equal(json_string_value(json_object_get(j, "state")), "met");
    assert_string_equal(json_string_value(json_object_get(j, "state_label")), "已完成");
    assert_string_equal(json_string_value(json_object_get(j, "met_on")), "2024-10-14");
    assert_true(json_is_true(json_object_get(j, "late")));
    assert_true(json_is_false(json_object_get(j, "provisional")));
    assert_string_equal(json_string_value(json_object_get(j, "who")), "officer");
    assert_int_equal(json_integer_value(json_object_get(j, "from_seq")), 1);
    assert_int_equal(json_integer_value(json_object_get(j, "met_seq")), 2);
    assert_string_equal(json_string_value(json_object_get(j, "met_type")), "service_mail");
    assert_true(json_is_null(json_object_get(j, "days_left")));
    assert_string_equal(json_string_value(json_object_get(j, "source")),
                        g_full.rule[DL_SERVICE].source);
    json_decref(j);
    d = find(&res, DL_PUBLISH_PENALTY, NULL, &count);
    assert_non_null(d);
    j = dl_deadline_json(d);
    assert_string_equal(json_string_value(json_object_get(j, "state")), "overdue");
    assert_true(json_is_null(json_object_get(j, "met_on")));
    assert_true(json_is_null(json_object_get(j, "met_seq")));
    assert_int_equal(json_integer_value(json_object_get(j, "days_left")), -8);
    json_decref(j);
    assert_string_equal(dl_state_name(DL_LAPSED), "lapsed");
    assert_string_equal(dl_unit_name(POL_UNIT_CD), "cd");
    assert_string_equal(dl_actor_name(DL_ACT_PARTY), "party");
    sx_arena_free(&arena);
    unbuild(&b);
}

/* ---- the shipped presets (the files in policy/, loaded with their "extends") ---- */

static int read_sibling(void *ctx, const char *name, struct sx_buf *out, struct sx_err *err)
{
    char path[4096];
    size_t len;
    char *text;
    int rc;
    snprintf(path, sizeof(path), "%s/%s.json", (const char *)ctx, name);
    if (access(path, R_OK) != 0)
        return SX_FAIL(err, SX_E_NOTFOUND, "unknown-policy", "规则预设不存在", NULL, NULL, "%s",
                       name);
    text = read_all(path, &len);
    rc = sx_buf_append(out, text, len);
    free(text);
    return rc;
}

static struct pol_policy *load_preset(const char *name)
{
    char dir[4096];
    struct sx_buf text;
    struct sx_err err;
    struct pol_loader loader;
    struct pol_policy *pol = NULL;
    snprintf(dir, sizeof(dir), "%s/policy", root_dir());
    loader.read = read_sibling;
    loader.ctx = dir;
    sx_buf_init(&text, 1u << 20);
    sx_err_clear(&err);
    if (read_sibling(dir, name, &text, &err) != 0 ||
        pol_load(text.data, text.len, &loader, &pol, &err) != 0)
        fail_msg("policy %s: %s: %s", name, err.title, err.detail);
    sx_buf_free(&text);
    return pol;
}

/*
 * Each preset's deadline of legal review (and submission) on the same case,
 * across Spring Festival 2026: the provinces differ, the engine follows.
 */
struct preset_row {
    const char *preset;
    const char *source;
    enum dl_key key;
    const char *start, *due; /* NULL due: the preset does not set the key */
};

static const struct preset_row preset_rows[] = {
    {"national", "湖北 附件3 第十七条 (HB-3-17) as national default", DL_LEGAL_REVIEW, "2026-02-12",
     "2026-03-04"},
    {"national", "national has no submission deadline", DL_REVIEW_SUBMIT, NULL, NULL},
    {"yunnan", "云南 附件3 第十二条 (YN-3-12): 5 WD", DL_LEGAL_REVIEW, "2026-02-12", "2026-02-26"},
    {"yunnan", "云南 附件3 第七条 (YN-3-07): 5 WD after the investigation", DL_REVIEW_SUBMIT,
     "2026-02-06", "2026-02-13"},
    {"yunnan", "云南 附件3 第十四条 (YN-3-14): re-review 2 WD", DL_REREVIEW_REQUEST, "2026-02-26",
     "2026-02-28"},
    {"yunnan", "云南 附件3 第十五条 (YN-3-15): filing 30 days", DL_MAJOR_DECISION_FILING,
     "2026-03-20", "2026-04-19"},
    {"beijing", "北京 二(三)3 (BJ-2.3-3b): review 5 WD", DL_LEGAL_REVIEW, "2026-02-12",
     "2026-02-26"},
    {"beijing", "北京 二(三)3: submit 10 WD before day 90 (2026-01-05 + 90 = 04-05, 清明)",
     DL_REVIEW_SUBMIT_BEFORE_DEADLINE, "2026-04-05", "2026-03-23"},
    {"hubei", "湖北 附件3 第十七条 (HB-3-17): 10 WD", DL_LEGAL_REVIEW, "2026-02-12", "2026-03-04"},
    {"hebei", "河北: national review deadline", DL_LEGAL_REVIEW, "2026-02-12", "2026-03-04"},
    {"shandong-wenshang", "汶上: national review deadline", DL_LEGAL_REVIEW, "2026-02-12",
     "2026-03-04"},
};

static void test_presets(void **state)
{
    static const struct rec recs[] = {
        FILED("2026-01-05"),
        {"investigation_end_report", "end_investigation", "{'ended_on':'2026-02-06'}", NULL},
        LR_REQUEST("2026-02-12"),
        LR_OPINION("2026-02-26", "change"),
        DECIDED("2026-03-20"),
        {0},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(preset_rows) / sizeof(preset_rows[0]); i++) {
        const struct preset_row *pr = &preset_rows[i];
        struct pol_policy *pol = load_preset(pr->preset);
        struct dl_rules rules;
        struct dl_case c;
        struct dl_result res;
        struct built b;
        struct sx_arena arena;
        struct sx_err err;
        const struct dl_deadline *d;
        char buf[CAL_DATE_BUFSZ];
        int count;
        assert_int_equal(dl_rules_from_policy(pol, &rules, &err), 0);
        build(recs, &b);
        memset(&c, 0, sizeof(c));
        c.kind = "penalty";
        c.review_required = true;
        c.records = b.recs;
        c.n_records = b.n;
        sx_arena_init(&arena, 4096);
        assert_int_equal(dl_compute(&rules, g_cal, &c, D("2026-03-01"), &arena, &res, &err), 0);
        d = find(&res, pr->key, pr->start, &count);
        if (pr->due == NULL) {
            if (count != 0)
                fail_msg("%s (%s): unexpected %s", pr->preset, pr->source, rules.rule[pr->key].key);
        } else if (d == NULL) {
            fail_msg("%s (%s): no %s from %s", pr->preset, pr->source, rules.rule[pr->key].key,
                     pr->start);
        } else if (d->due != D(pr->due)) {
            fail_msg("%s (%s): %s due %s, expected %s", pr->preset, pr->source, d->key_name,
                     cal_date_format(d->due, buf), pr->due);
        } else {
            assert_string_equal(d->source, rules.rule[pr->key].source);
        }
        sx_arena_free(&arena);
        unbuild(&b);
        pol_free(pol);
    }
}

/* ---- app layer over the demo data (SQLite) ---- */

#define APP_TODAY "2026-12-01"

struct demo_db {
    struct app *app;
    struct app_ctx ctx;
    char dir[64];
    char url[128];
};

static void demo_open(struct demo_db *db)
{
    struct sx_err err;
    struct app_demo_options opt = {.n_cases = app_demo_min_cases(), .seed = 11u};
    struct app_demo_result res;
    int years = 0;
    sx_err_clear(&err);
    if (app_open(root_dir(), &db->app, &err) != 0)
        fail_msg("app_open: %s: %s", err.title, err.detail);
    snprintf(db->dir, sizeof(db->dir), "/tmp/sx-deadline-XXXXXX");
    assert_non_null(mkdtemp(db->dir));
    snprintf(db->url, sizeof(db->url), "%s/t.db", db->dir);
    assert_int_equal(app_ctx_open(db->app, db->url, &db->ctx, &err), 0);
    assert_int_equal(st_migrate(db->ctx.db, NULL, &err), 0);
    assert_int_equal(app_calendar_import_bundled(&db->ctx, db->app->data_dir, &years, &err), 0);
    if (app_demo_generate(&db->ctx, &opt, &res, &err) != 0)
        fail_msg("demo: %s: %s: %s", res.where, err.title, err.detail);
}

static void demo_close(struct demo_db *db)
{
    static const char *const files[] = {"t.db", "t.db-wal", "t.db-shm"};
    char path[256];
    app_ctx_close(&db->ctx);
    app_close(db->app);
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", db->dir, files[i]);
        (void)unlink(path);
    }
    (void)rmdir(db->dir);
}

static bool terminal(const struct st_case *c)
{
    return strcmp(c->state, "archived") == 0 || strcmp(c->state, "not_filed") == 0;
}

/* One overdue item as (case, key, due, trigger), for comparing the scan with case-by-case views. */
struct item_key {
    int64_t case_id;
    int key;
    int32_t due;
    int64_t from_seq;
};

static int item_key_cmp(const void *a, const void *b)
{
    const struct item_key *x = a, *y = b;
    if (x->case_id != y->case_id)
        return (x->case_id > y->case_id) - (x->case_id < y->case_id);
    if (x->key != y->key)
        return (x->key > y->key) - (x->key < y->key);
    if (x->from_seq != y->from_seq)
        return (x->from_seq > y->from_seq) - (x->from_seq < y->from_seq);
    return (x->due > y->due) - (x->due < y->due);
}

/*
 * The overdue scan over the orgs org_ids (one ranged record read, app/deadlines.c) gives
 * exactly the overdue items that app_deadline_case_on gives case by case for the live cases
 * of those orgs — same cases, keys, due dates and triggers.
 */
static void check_scan_matches_cases(struct demo_db *db, const int64_t *org_ids, size_t n_orgs)
{
    struct st_case_filter f;
    struct st_case *cases = NULL;
    size_t n_cases = 0, n_want = 0, cap = 1024;
    int more = 0;
    struct sx_err err;
    struct app_deadline_list list;
    struct item_key *want = malloc(cap * sizeof(*want));
    struct item_key *got;
    assert_non_null(want);
    memset(&f, 0, sizeof(f));
    f.org_ids = org_ids;
    f.n_org_ids = n_orgs;
    f.limit = ST_LIST_MAX;
    assert_int_equal(st_case_list(db->ctx.db, &f, db->ctx.arena, &cases, &n_cases, &more, &err), 0);
    assert_int_equal(more, 0);
    for (size_t i = 0; i < n_cases; i++) {
        if (terminal(&cases[i]))
            continue;
        assert_int_equal(app_deadline_case_on(&db->ctx, cases[i].id, APP_TODAY, &list, &err), 0);
        for (size_t k = 0; k < list.n; k++) {
            const struct dl_deadline *d = &list.items[k].d;
            if (d->state != DL_OVERDUE || d->who == DL_ACT_PARTY)
                continue;
            if (n_want == cap) {
                cap *= 2;
                want = realloc(want, cap * sizeof(*want));
                assert_non_null(want);
            }
            want[n_want++] = (struct item_key){cases[i].id, d->key, d->due, d->from_seq};
        }
    }
    assert_int_equal(app_deadline_overdue(&db->ctx, org_ids, n_orgs, APP_TODAY, &list, &err), 0);
    assert_int_equal(list.n, n_want);
    got = malloc((list.n + 1) * sizeof(*got));
    assert_non_null(got);
    for (size_t k = 0; k < list.n; k++)
        got[k] = (struct item_key){list.items[k].case_id, list.items[k].d.key, list.items[k].d.due,
                                   list.items[k].d.from_seq};
    qsort(want, n_want, sizeof(*want), item_key_cmp);
    qsort(got, list.n, sizeof(*got), item_key_cmp);
    for (size_t k = 0; k < n_want; k++) {
        if (item_key_cmp(&want[k], &got[k]) != 0)
            fail_msg(
                "overdue item %zu: case %lld key %d from %lld in the case view, case %lld key %d "
                "from %lld in the scan",
                k, (long long)want[k].case_id, want[k].key, (long long)want[k].from_seq,
                (long long)got[k].case_id, got[k].key, (long long)got[k].from_seq);
    }
    free(got);
    free(want);
}

static void test_app_demo(void **state)
{
    struct demo_db db;
    struct sx_err err;
    struct st_case_filter f;
    struct st_case *cases = NULL;
    struct st_org *orgs = NULL;
    int64_t *org_ids;
    size_t n_cases = 0, n_orgs = 0;
    size_t want_overdue = 0, want_mine = 0, n_met = 0, n_decision = 0;
    int64_t officer = 0;
    int more = 0;
    struct app_deadline_list list;
    json_t *j;
    (void)state;

    demo_open(&db);
    sx_err_clear(&err);
    assert_int_equal(
        st_org_list(db.ctx.db, 0, ST_LIST_MAX, db.ctx.arena, &orgs, &n_orgs, &more, &err), 0);
    org_ids = sx_arena_alloc(db.ctx.arena, n_orgs * sizeof(*org_ids));
    assert_non_null(org_ids);
    for (size_t i = 0; i < n_orgs; i++)
        org_ids[i] = orgs[i].id;
    memset(&f, 0, sizeof(f));
    f.any_org = 1;
    f.limit = ST_LIST_MAX;
    assert_int_equal(st_case_list(db.ctx.db, &f, db.ctx.arena, &cases, &n_cases, &more, &err), 0);
    assert_true(n_cases > 0);
    assert_int_equal(more, 0);
    officer = cases[0].created_by;

    /* every case's deadlines compute; count what the scans must find */
    for (size_t i = 0; i < n_cases; i++) {
        if (app_deadline_case_on(&db.ctx, cases[i].id, APP_TODAY, &list, &err) != 0)
            fail_msg("case %lld: %s: %s", (long long)cases[i].id, err.title, err.detail);
        assert_string_equal(list.today, APP_TODAY);
        for (size_t k = 0; k < list.n; k++) {
            const struct dl_deadline *d = &list.items[k].d;
            assert_int_equal(list.items[k].case_id, cases[i].id);
            n_met += d->state == DL_MET;
            n_decision += d->key == DL_DECISION;
            if (terminal(&cases[i]) || d->who == DL_ACT_PARTY)
                continue;
            want_overdue += d->state == DL_OVERDUE;
        }
        j = app_deadline_list_json(&list);
        assert_non_null(j);
        assert_int_equal(json_array_size(json_object_get(j, "items")), list.n);
        assert_int_equal(json_array_size(json_object_get(j, "pauses")), list.n_pauses);
        json_decref(j);
    }
    assert_true(n_met > 0);
    assert_true(n_decision > 0);
    assert_true(want_overdue > 0); /* the demo publishes nothing yet: publish_penalty is overdue */

    /* the overdue scan finds exactly those, ordered by due date */
    assert_int_equal(app_deadline_overdue(&db.ctx, org_ids, n_orgs, APP_TODAY, &list, &err), 0);
    assert_int_equal(list.n, want_overdue);
    assert_false(list.truncated);
    for (size_t k = 0; k < list.n; k++) {
        assert_int_equal(list.items[k].d.state, DL_OVERDUE);
        assert_true(list.items[k].d.who != DL_ACT_PARTY);
        assert_non_null(list.items[k].case_kind);
        if (k > 0)
            assert_true(list.items[k - 1].d.due <= list.items[k].d.due);
    }
    j = app_deadline_list_json(&list);
    assert_non_null(j);
    assert_non_null(json_object_get(json_array_get(json_object_get(j, "items"), 0), "case"));
    json_decref(j);

    /* item for item, for every org and for one org alone (its cases scattered among others') */
    check_scan_matches_cases(&db, org_ids, n_orgs);
    for (size_t i = 0; i < n_orgs; i++)
        check_scan_matches_cases(&db, &org_ids[i], 1);

    /* a cap on the items truncates */
    {
        struct app_deadline_query q = {.org_ids = org_ids,
                                       .n_org_ids = n_orgs,
                                       .today = APP_TODAY,
                                       .states = 1u << DL_OVERDUE,
                                       .max_items = 1};
        assert_int_equal(app_deadline_scan(&db.ctx, &q, &list, &err), 0);
        assert_int_equal(list.n, 1);
        assert_int_equal(list.truncated, want_overdue > 1);
    }

    /* my deadlines: open and overdue items of the cases I am an officer of */
    f.any_org = 0;
    f.org_ids = org_ids;
    f.n_org_ids = n_orgs;
    f.officer_id = officer;
    assert_int_equal(st_case_list(db.ctx.db, &f, db.ctx.arena, &cases, &n_cases, &more, &err), 0);
    for (size_t i = 0; i < n_cases; i++) {
        if (terminal(&cases[i]))
            continue;
        assert_int_equal(app_deadline_case_on(&db.ctx, cases[i].id, APP_TODAY, &list, &err), 0);
        for (size_t k = 0; k < list.n; k++) {
            const struct dl_deadline *d = &list.items[k].d;
            want_mine += (d->state == DL_OPEN || d->state == DL_OVERDUE) && d->who != DL_ACT_PARTY;
        }
    }
    assert_int_equal(app_deadline_mine(&db.ctx, officer, org_ids, n_orgs, APP_TODAY, &list, &err),
                     0);
    assert_int_equal(list.n, want_mine);

    /* each case follows its org's policy: switch one org to the Yunnan preset */
    {
        struct st_case *all = NULL;
        size_t n_all = 0;
        struct st_org org;
        int64_t case_id = 0;
        const struct dl_deadline *d = NULL;
        f.any_org = 1;
        f.officer_id = 0;
        assert_int_equal(st_case_list(db.ctx.db, &f, db.ctx.arena, &all, &n_all, &more, &err), 0);
        for (size_t i = 0; i < n_all && case_id == 0; i++) {
            assert_int_equal(app_deadline_case_on(&db.ctx, all[i].id, APP_TODAY, &list, &err), 0);
            for (size_t k = 0; k < list.n && case_id == 0; k++) {
                if (list.items[k].d.key == DL_LEGAL_REVIEW) {
                    case_id = all[i].id;
                    assert_int_equal(list.items[k].d.days, 10); /* national: HB-3-17 */
                    assert_int_equal(st_org_get(db.ctx.db, all[i].org_id, db.ctx.arena, &org, &err),
                                     0);
                }
            }
        }
        assert_true(case_id != 0);
        org.policy = "yunnan";
        assert_int_equal(st_begin(db.ctx.db, &err), 0);
        assert_int_equal(st_org_update(db.ctx.db, &org, &err), 0);
        assert_int_equal(st_commit(db.ctx.db, &err), 0);
        assert_int_equal(app_deadline_case_on(&db.ctx, case_id, APP_TODAY, &list, &err), 0);
        for (size_t k = 0; k < list.n; k++) {
            if (list.items[k].d.key == DL_LEGAL_REVIEW)
                d = &list.items[k].d;
        }
        assert_non_null(d);
        assert_int_equal(d->days, 5); /* 云南 附件3 第十二条 (YN-3-12) */
        assert_non_null(strstr(d->source, "YN-3-12"));
        /* the scan follows the preset too, its party-type thresholds included (YN-3-06) */
        check_scan_matches_cases(&db, &org.id, 1);
    }

    /* an empty scope matches nothing; errors */
    assert_int_equal(app_deadline_overdue(&db.ctx, org_ids, 0, APP_TODAY, &list, &err), 0);
    assert_int_equal(list.n, 0);
    assert_int_equal(app_deadline_case_on(&db.ctx, 999999999, APP_TODAY, &list, &err),
                     SX_E_NOTFOUND);
    assert_int_equal(app_deadline_case_on(&db.ctx, cases[0].id, "2026-02-30", &list, &err),
                     SX_E_INVALID);
    assert_int_equal(app_deadline_mine(&db.ctx, 0, org_ids, n_orgs, NULL, &list, &err),
                     SX_E_INVALID);
    /* today from the clock */
    assert_int_equal(app_deadline_case(&db.ctx, cases[0].id, &list, &err), 0);
    assert_non_null(list.today);
    demo_close(&db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),         cmocka_unit_test(test_national_rules),
        cmocka_unit_test(test_national_case), cmocka_unit_test(test_pauses),
        cmocka_unit_test(test_record_dates),  cmocka_unit_test(test_edges),
        cmocka_unit_test(test_relevant),      cmocka_unit_test(test_json),
        cmocka_unit_test(test_presets),       cmocka_unit_test(test_app_demo),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
