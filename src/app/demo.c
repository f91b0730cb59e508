/*
 * demo: synthetic demonstration data through the app layer (see demo.h).
 *
 * The run has three phases:
 *   1. orgs and users (app_org_create, app_user_create);
 *   2. a plan for every case: a scripted path through its workflow (one
 *      script per state so every state is reached, then weighted scripts
 *      for a realistic mix), a party, officers and a date for every step
 *      chosen so the gates pass (working days, the statement period before
 *      a decision, the hearing seven working days after its notice);
 *   3. execution of all case events in date order (so case numbers follow
 *      the calendar), each record body built from the catalogue's fields.
 * Randomness comes from one seeded splitmix64 per case, so a case's data
 * does not depend on the others.
 */
#include "demo.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cases.h"
#include "app/identity.h"
#include "app/publicity.h"
#include "app/prepub.h"
#include "app/annual.h" /* stats: the annual report of each demo org */
#include "core/cal.h"
#include "core/catalog.h"
#include "core/ids.h"
#include "core/policy.h"
#include "core/wf.h"
#include "store/store.h"

#define DEMO_FIRST_DAY "2025-01-02"
#define DEMO_LAST_DAY "2026-11-20"
#define SRC_DEMO "sanxiang demo"
#define TEXT_MAX 2048
#define MAX_STEPS 48
#define MAX_ORG_USERS 4
/* open (live) cases are created within this many days before the last day */
#define RECENT_DAYS 160

/* ---- random numbers (splitmix64) ---- */

struct rng {
    uint64_t s;
};

static uint64_t rng_u64(struct rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static int rng_range(struct rng *r, int lo, int hi)
{
    return lo + (int)(rng_u64(r) % (uint64_t)(hi - lo + 1));
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define PICK(r, a) ((a)[rng_u64(r) % COUNT(a)])

/* ---- fake names and places ---- */

static const char *const surnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱",
    "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯",
    "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "蒋", "蔡", "余", "杜", "叶",
    "程", "苏", "魏", "吕", "丁", "沈", "姚", "段", "普", "李", "杨", "字", "者", "刀",
};
static const char *const given[] = {
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
    "明", "超", "霞", "平", "刚", "文", "华", "红", "波", "辉", "鹏", "琳", "婷", "斌", "宇",
    "浩", "凯", "健", "俊", "帆", "瑶", "雪", "慧", "欣", "云", "春", "梅", "兰", "松", "林",
    "海", "燕", "玲", "萍", "晨", "宁", "昆", "滇", "翔", "荣", "佳", "彬", "琼", "卫", "东",
};
static const char *const roads[] = {
    "人民中路", "东风西路", "北京路", "青年路",   "金碧路",     "环城南路", "建设路",
    "滇池路",   "南屏街",   "园西路", "麒麟南路", "珠江源大道", "聂耳路",   "凤凰路",
};
static const char *const shop_words[] = {
    "康泰", "仁和", "福寿", "华康", "济民", "同仁", "博爱", "健民", "安康", "惠民",
    "百草", "天和", "益康", "德济", "春晖", "长青", "永和", "瑞祥", "佳禾", "一心",
};

/* What an institution does, so that a violation fits its party. */
enum inst_kind {
    INST_ANY,      /* (for violations) any institution */
    INST_HOSPITAL, /* admits inpatients */
    INST_CLINIC,   /* outpatient care only */
    INST_PHARMACY,
};

/* An institution name suffix and the first two USCC characters that go with it. */
struct inst_type {
    const char *suffix;
    const char *uscc2; /* registration authority + organisation type (GB 32100-2015) */
    enum inst_kind kind;
};
static const struct inst_type inst_types[] = {
    {"医院有限公司", "91", INST_HOSPITAL},
    {"大药房连锁有限公司", "91", INST_PHARMACY},
    {"中医医院有限公司", "91", INST_HOSPITAL},
    {"口腔医院有限公司", "91", INST_CLINIC},
    {"骨科医院有限公司", "91", INST_HOSPITAL},
    {"药店", "92", INST_PHARMACY},
    {"诊所", "92", INST_CLINIC},
    {"康复医院", "52", INST_HOSPITAL},
};

/* ---- the org tree ---- */

struct org_spec {
    const char *code;
    int parent; /* index in org_specs, -1 for the province */
    const char *name;
    const char *short_name; /* case-number prefix */
    const char *level;
    const char *region;
    const char *region6; /* GB/T 2260 code: 执法证号 prefix */
    const char *area;    /* telephone area code */
    const char *city;    /* for party names, e.g. "昆明" */
    const char *prefix;  /* username prefix */
    const char *address;
    const char *districts[4]; /* where its parties live */
    const char *district_codes[4];
};

static const struct org_spec org_specs[] = {
    {"YN",
     -1,
     "云南省医疗保障局",
     "滇",
     "province",
     "云南省",
     "530000",
     "0871",
     "昆明",
     "yn",
     "云南省昆明市西山区滇池路 616 号",
     {"五华区", "盘龙区", "官渡区", "西山区"},
     {"530102", "530103", "530111", "530112"}},
    {"YN-ZD",
     0,
     "云南省医疗保障行政执法总队",
     "滇执",
     "unit",
     "云南省",
     "530000",
     "0871",
     "昆明",
     "zd",
     "云南省昆明市官渡区春城路 219 号",
     {"官渡区", "西山区", "呈贡区", "五华区"},
     {"530111", "530112", "530114", "530102"}},
    {"KM",
     0,
     "昆明市医疗保障局",
     "昆",
     "city",
     "云南省昆明市",
     "530100",
     "0871",
     "昆明",
     "km",
     "云南省昆明市呈贡区市级行政中心 3 号楼",
     {"五华区", "盘龙区", "官渡区", "呈贡区"},
     {"530102", "530103", "530111", "530114"}},
    {"KM-WH",
     2,
     "昆明市五华区医疗保障局",
     "五华",
     "county",
     "云南省昆明市五华区",
     "530102",
     "0871",
     "昆明",
     "wh",
     "云南省昆明市五华区西昌路 17 号",
     {"五华区"},
     {"530102"}},
    {"KM-PL",
     2,
     "昆明市盘龙区医疗保障局",
     "盘龙",
     "county",
     "云南省昆明市盘龙区",
     "530103",
     "0871",
     "昆明",
     "pl",
     "云南省昆明市盘龙区北京路 1001 号",
     {"盘龙区"},
     {"530103"}},
    {"QJ",
     0,
     "曲靖市医疗保障局",
     "曲",
     "city",
     "云南省曲靖市",
     "530300",
     "0874",
     "曲靖",
     "qj",
     "云南省曲靖市麒麟区麒麟南路 112 号",
     {"麒麟区", "沾益区", "马龙区", "宣威市"},
     {"530302", "530303", "530304", "530381"}},
    {"QJ-QL",
     5,
     "曲靖市麒麟区医疗保障局",
     "麒麟",
     "county",
     "云南省曲靖市麒麟区",
     "530302",
     "0874",
     "曲靖",
     "ql",
     "云南省曲靖市麒麟区南宁西路 45 号",
     {"麒麟区"},
     {"530302"}},
    {"QJ-ZY",
     5,
     "曲靖市沾益区医疗保障局",
     "沾益",
     "county",
     "云南省曲靖市沾益区",
     "530303",
     "0874",
     "曲靖",
     "zy",
     "云南省曲靖市沾益区龙华路 8 号",
     {"沾益区"},
     {"530303"}},
    {"YX",
     0,
     "玉溪市医疗保障局",
     "玉",
     "city",
     "云南省玉溪市",
     "530400",
     "0877",
     "玉溪",
     "yx",
     "云南省玉溪市红塔区聂耳路 36 号",
     {"红塔区", "江川区", "澄江市", "通海县"},
     {"530402", "530403", "530481", "530423"}},
    {"YX-HT",
     8,
     "玉溪市红塔区医疗保障局",
     "红塔",
     "county",
     "云南省玉溪市红塔区",
     "530402",
     "0877",
     "玉溪",
     "ht",
     "云南省玉溪市红塔区红塔大道 20 号",
     {"红塔区"},
     {"530402"}},
    {"YX-JC",
     8,
     "玉溪市江川区医疗保障局",
     "江川",
     "county",
     "云南省玉溪市江川区",
     "530403",
     "0877",
     "玉溪",
     "jc",
     "云南省玉溪市江川区星云路 5 号",
     {"江川区"},
     {"530403"}},
};
#define N_ORGS COUNT(org_specs)
/* The org whose fourth officer's credential has expired (a refusal to show in the UI). */
#define EXPIRED_ORG 2

/* ---- violations (causes of penalty cases) ---- */

struct violation {
    const char *cause;
    const char *conduct;
    const char *basis;
    bool person;                /* committed by an insured person rather than an institution */
    enum inst_kind inst;        /* which institutions can commit it */
    int min_yuan, max_yuan;     /* fund loss */
    int fine_min_x, fine_max_x; /* fine as a multiple of the loss */
};

static const struct violation violations[] = {
    {"涉嫌串换药品、医用耗材违规结算医保基金", "将医保目录外药品、医用耗材串换为目录内项目申报结算",
     "《医疗保障基金使用监督管理条例》第十五条、第三十八条第（四）项", false, INST_ANY, 8000,
     260000, 1, 2},
    {"涉嫌分解住院、挂床住院", "将参保患者一次住院分解为多次住院并挂床办理医保结算",
     "《医疗保障基金使用监督管理条例》第十五条、第三十八条第（一）项", false, INST_HOSPITAL, 6000,
     180000, 1, 2},
    {"涉嫌重复收费、超标准收费", "对同一诊疗项目重复收费、超标准收费并纳入医保基金结算",
     "《医疗保障基金使用监督管理条例》第十五条、第三十八条第（三）项", false, INST_CLINIC, 3000,
     90000, 1, 2},
    {"涉嫌虚构医药服务项目骗取医保基金", "虚构诊疗服务项目、伪造检查报告并申报医保基金",
     "《医疗保障基金使用监督管理条例》第十九条、第四十条第一款第（三）项", false, INST_CLINIC,
     20000, 500000, 2, 5},
    {"涉嫌留存他人医保凭证冒名购药", "留存参保人医保电子凭证，为非本人刷卡购药并结算",
     "《医疗保障基金使用监督管理条例》第十九条、第四十条第一款第（一）项", false, INST_PHARMACY,
     2000, 60000, 2, 5},
    {"涉嫌将本人医保凭证交由他人冒名使用", "将本人社会保障卡出借他人就医购药并结算",
     "《医疗保障基金使用监督管理条例》第二十条、第四十一条第一款第（一）项", true, INST_ANY, 800,
     20000, 2, 5},
    {"涉嫌伪造医学文书骗取医保基金", "使用伪造的住院病历、医疗费用票据申请医保报销",
     "《医疗保障基金使用监督管理条例》第二十条、第四十一条第一款", true, INST_ANY, 3000, 40000, 2,
     5},
    {"涉嫌重复享受医疗保障待遇", "在两地重复参保并重复申请报销同一笔医疗费用",
     "《医疗保障基金使用监督管理条例》第二十条、第四十一条第一款第（三）项", true, INST_ANY, 1000,
     30000, 2, 5},
};

/* ---- scripted paths ---- */

#define S_EXPIRED 1u /* the case's officers include the expired credential */

struct script {
    enum app_kind kind;
    const char *target; /* the state the case ends in */
    bool cover;         /* run once in the first pass (every state is some script's target) */
    int weight;         /* share among the same kind's scripts in the second pass */
    unsigned flags;
    const char *actions; /* action keys separated by spaces */
};

#define P_INV1 "verify_clue file inquire"
#define P_INV2 " inspect_onsite request_evidence register_evidence end_investigation"
#define P_REV " submit_review unit_review request_legal_review legal_review prior_notice"
#define P_DEC " record_statement decide"
#define P_EXE " serve_decision_direct record_performance close"
#define P_HEAR                                                                                     \
    " request_hearing notify_hearing hold_hearing report_hearing discuss decide"                   \
    " serve_decision_mail record_performance close"
#define I_CHK "notify_inspection check_onsite"
#define C_DEC "request_approval decide"

static const struct script scripts[] = {
    /* penalty: one script per state */
    {APP_KIND_PENALTY, "clue", true, 4, 0, "verify_clue"},
    {APP_KIND_PENALTY, "not_filed", true, 5, 0, "verify_clue not_file"},
    {APP_KIND_PENALTY, "filed", true, 3, 0, "verify_clue file"},
    {APP_KIND_PENALTY, "investigating", true, 8, S_EXPIRED, P_INV1 " register_evidence"},
    {APP_KIND_PENALTY, "investigation_ended", true, 3, 0, P_INV1 " correct" P_INV2},
    {APP_KIND_PENALTY, "reviewing", true, 3, 0, P_INV1 P_INV2 " submit_review unit_review"},
    {APP_KIND_PENALTY, "notified", true, 3, 0, P_INV1 P_INV2 P_REV},
    {APP_KIND_PENALTY, "hearing", true, 1, 0,
     P_INV1 P_INV2 P_REV " request_hearing notify_hearing"},
    {APP_KIND_PENALTY, "discussed", true, 2, 0, P_INV1 P_INV2 P_REV " record_statement discuss"},
    {APP_KIND_PENALTY, "decided", true, 2, 0, P_INV1 P_INV2 P_REV P_DEC},
    {APP_KIND_PENALTY, "served", true, 3, 0, P_INV1 P_INV2 P_REV P_DEC " serve_decision_direct"},
    {APP_KIND_PENALTY, "executing", true, 5, 0,
     P_INV1 P_INV2 P_REV P_DEC " serve_decision_direct record_performance"},
    {APP_KIND_PENALTY, "closed", true, 2, 0, P_INV1 " suspend resume" P_INV2 P_REV P_DEC P_EXE},
    {APP_KIND_PENALTY, "transferred", true, 3, 0, P_INV1 " transfer"},
    {APP_KIND_PENALTY, "suspended", true, 2, 0, P_INV1 " register_evidence suspend"},
    {APP_KIND_PENALTY, "archived", true, 4, 0, P_INV1 P_INV2 P_REV P_HEAR " archive"},
    /* penalty: more paths */
    {APP_KIND_PENALTY, "closed", false, 12, 0, P_INV1 P_INV2 P_REV P_DEC P_EXE},
    {APP_KIND_PENALTY, "closed", false, 3, 0, P_INV1 " withdraw"},
    {APP_KIND_PENALTY, "archived", false, 25, 0, P_INV1 P_INV2 P_REV P_DEC P_EXE " archive"},
    {APP_KIND_PENALTY, "archived", false, 4, 0,
     P_INV1 P_INV2 P_REV " record_statement discuss decide" P_EXE " archive"},
    {APP_KIND_PENALTY, "archived", false, 2, 0, P_INV1 " transfer archive"},
    /* inspection */
    {APP_KIND_INSPECTION, "started", true, 2, 0, "notify_inspection"},
    {APP_KIND_INSPECTION, "checking", true, 4, 0, I_CHK " inquire"},
    {APP_KIND_INSPECTION, "opinion_signed", true, 2, 0, I_CHK " sign_opinion"},
    {APP_KIND_INSPECTION, "served", true, 2, 0, I_CHK " sign_opinion serve_opinion_direct"},
    {APP_KIND_INSPECTION, "correcting", true, 3, 0,
     I_CHK " sign_opinion serve_opinion_direct order_correct"},
    {APP_KIND_INSPECTION, "reinspected", true, 2, 0,
     I_CHK " sign_opinion serve_opinion_direct order_correct reinspect"},
    {APP_KIND_INSPECTION, "closed", true, 8, 0, I_CHK " sign_opinion serve_opinion_mail close"},
    {APP_KIND_INSPECTION, "transferred", true, 2, 0, I_CHK " sample transfer"},
    {APP_KIND_INSPECTION, "archived", true, 10, 0,
     I_CHK " sign_opinion serve_opinion_direct order_correct reinspect close archive"},
    {APP_KIND_INSPECTION, "closed", false, 5, 0,
     I_CHK " sign_opinion serve_opinion_direct order_correct reinspect close"},
    {APP_KIND_INSPECTION, "archived", false, 2, 0, I_CHK " sample transfer archive"},
    /* coercion */
    {APP_KIND_COERCION, "draft", true, 1, 0, ""},
    {APP_KIND_COERCION, "requested", true, 2, 0, "request_approval"},
    {APP_KIND_COERCION, "decided", true, 2, 0, C_DEC},
    {APP_KIND_COERCION, "demanded", true, 2, 0, C_DEC " demand"},
    {APP_KIND_COERCION, "served", true, 2, 0, C_DEC " demand serve_decision_direct"},
    {APP_KIND_COERCION, "implemented", true, 4, 0, C_DEC " demand serve_decision_direct implement"},
    {APP_KIND_COERCION, "suspended", true, 2, 0,
     C_DEC " demand serve_decision_direct implement suspend"},
    {APP_KIND_COERCION, "terminated", true, 2, 0, "request_approval refuse"},
    {APP_KIND_COERCION, "archived", true, 8, 0,
     C_DEC " demand serve_decision_direct implement suspend resume terminate archive"},
    {APP_KIND_COERCION, "terminated", false, 5, 0,
     C_DEC " demand serve_decision_direct implement terminate"},
};

/* Share of each kind among the cases after the first pass, in percent. */
static const int kind_percent[APP_KIND_COUNT] = {70, 18, 12};

/* ---- generator state ---- */

struct dorg {
    const struct org_spec *spec;
    int64_t id;
    struct app_principal officer[MAX_ORG_USERS]; /* valid credentials first */
    size_t n_officers;
    size_t n_valid;
    struct app_principal head, reviewer, archivist;
    bool has_archivist;
    struct app_principal publisher; /* results publicity (issue 4) */
};

struct dstep {
    const struct wf_action *action; /* NULL for the opening (step 0) */
    int gap;                        /* working days after the previous step */
    int32_t day;
    int minute;  /* local time (UTC+8), minutes after midnight */
    char at[40]; /* ISO UTC, 20 characters */
};

struct dcase {
    size_t idx;
    const struct script *sc;
    const struct wf_def *def;
    struct dorg *org;
    struct rng rng;
    const char *source;
    const char *cause;
    const struct violation *vio;
    const char *measure; /* coercion */
    /* the party */
    bool person;
    const char *party, *party_id, *legal_rep, *address, *phone, *district, *complainant;
    const char *period; /* when the conduct happened, for texts */
    /* officers: [0] and [1] have valid credentials */
    const struct app_principal *off[3];
    size_t n_off;
    int64_t loss_fen, fine_fen;
    bool waive;
    bool anonymous;
    struct dstep steps[MAX_STEPS];
    size_t n_steps;
    /* facts the plan derived, for the bodies */
    int32_t hearing_day;
    /* execution */
    int64_t id;
    const char *number;
    const char *state;
    int64_t last_record;
};

struct gen {
    struct app_ctx *ctx;
    const struct app *app;
    struct sx_arena *caller_arena;
    struct sx_arena plan; /* lives for the whole run */
    struct sx_arena work; /* ctx->arena during the run; reset after each app call */
    struct rng rng;
    struct dorg orgs[N_ORGS];
    struct app_demo_login logins[N_ORGS * 7 + 4];
    size_t n_logins;
    int statement_days;
    int32_t window_first, window_last;
    struct dcase *cases;
    size_t n_cases;
    struct app_demo_result *out;
};

static int fail_nomem(struct sx_err *err)
{
    return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", NULL, NULL, "demo");
}

static const char *pdup(struct gen *g, const char *s)
{
    return sx_arena_strdup(&g->plan, s);
}

static const char *fake_name(struct rng *r, char *buf, size_t cap)
{
    if (rng_range(r, 0, 2) == 0)
        snprintf(buf, cap, "%s%s", PICK(r, surnames), PICK(r, given));
    else
        snprintf(buf, cap, "%s%s%s", PICK(r, surnames), PICK(r, given), PICK(r, given));
    return buf;
}

static void fake_mobile(struct rng *r, char *buf, size_t cap)
{
    static const char *const heads[] = {"139", "138", "137", "135", "158", "187", "182", "150"};
    snprintf(buf, cap, "%s%04d%04d", PICK(r, heads), rng_range(r, 0, 9999), rng_range(r, 0, 9999));
}

static const char *date_text(int32_t day, char buf[CAL_DATE_BUFSZ])
{
    return cal_date_format(day, buf);
}

/* The n-th working day after day (n >= 0); provisional years are fine for demo data. */
static int add_wd(const struct gen *g, int32_t day, int n, int32_t *out, struct sx_err *err)
{
    bool provisional = false;
    if (n <= 0) {
        *out = day;
        return 0;
    }
    return cal_add_workdays(g->app->calendar, day, n, true, out, &provisional, err);
}

/* day itself if a working day, else the next working day. */
static int workday_on_or_after(const struct gen *g, int32_t day, int32_t *out, struct sx_err *err)
{
    if (cal_is_workday(g->app->calendar, day)) {
        *out = day;
        return 0;
    }
    return add_wd(g, day, 1, out, err);
}

/* ---- phase 1: orgs and users ---- */

static const char *roles_zh(const char *roles, struct sx_arena *a)
{
    char out[160];
    size_t len = 0;
    const char *p = roles;
    out[0] = '\0';
    while (*p != '\0') {
        char key[32];
        size_t n = strcspn(p, ",");
        snprintf(key, sizeof(key), "%.*s", (int)(n < sizeof(key) - 1 ? n : sizeof(key) - 1), p);
        const char *zh = wf_role_name_zh(key);
        int k = snprintf(out + len, sizeof(out) - len, "%s%s", len > 0 ? "、" : "",
                         zh != NULL ? zh : key);
        if (k < 0 || (size_t)k >= sizeof(out) - len)
            break;
        len += (size_t)k;
        p += n;
        if (*p == ',')
            p++;
    }
    return sx_arena_strdup(a, out);
}

enum cert_kind { CERT_NONE, CERT_VALID, CERT_EXPIRED };

struct user_in {
    const char *username;
    const char *name;
    const char *roles;
    const char *post;
    enum cert_kind cert;
    int cert_seq;
    bool legal_qualification;
};

static int add_user(struct gen *g, struct dorg *o, const struct user_in *in,
                    struct app_principal *p, struct sx_err *err)
{
    struct st_user u;
    char cert_no[32], from[CAL_DATE_BUFSZ], to[CAL_DATE_BUFSZ], lq[32];
    int64_t id = 0;
    unsigned roles = 0;
    int rc;
    memset(&u, 0, sizeof(u));
    u.org_id = o->id;
    u.username = in->username;
    u.display_name = in->name;
    u.roles = in->roles;
    u.post = in->post;
    if (in->cert != CERT_NONE) {
        /* 执法证号: issuing region (6) + year of issue (4) + sequence (4); valid five years */
        int year = in->cert == CERT_EXPIRED ? 2020 : rng_range(&g->rng, 2022, 2024);
        int month = in->cert == CERT_EXPIRED ? 7 : rng_range(&g->rng, 1, 12);
        int32_t d_from = cal_days_from_ymd(year, month, 1);
        int32_t d_to = cal_days_from_ymd(year + 5, month, 1) - 1;
        snprintf(cert_no, sizeof(cert_no), "%s%d%04d", o->spec->region6, year, in->cert_seq);
        u.cert_no = cert_no;
        u.cert_valid_from = date_text(d_from, from);
        u.cert_valid_to = date_text(d_to, to);
    }
    if (in->legal_qualification) {
        /* 法律职业资格证书编号: A + year + region (4) + sequence (6) */
        snprintf(lq, sizeof(lq), "A%d%.4s%06d", rng_range(&g->rng, 2010, 2020), o->spec->region6,
                 rng_range(&g->rng, 1, 999999));
        u.legal_qualification = lq;
    }
    rc = app_user_create(g->ctx, NULL, &u, APP_DEMO_PASSWORD, &id, err);
    sx_arena_reset(&g->work);
    if (rc != 0)
        return rc;
    rc = app_roles_parse(in->roles, &roles, err);
    if (rc != 0)
        return rc;
    *p = (struct app_principal){.user_id = id,
                                .org_id = o->id,
                                .roles = roles,
                                .username = pdup(g, in->username),
                                .display_name = pdup(g, in->name)};
    if (g->n_logins >= COUNT(g->logins))
        return SX_FAIL(err, SX_E_INTERNAL, "demo-script", "演示数据脚本有误", SRC_DEMO, NULL,
                       "演示用户过多");
    struct app_demo_login *l = &g->logins[g->n_logins++];
    l->username = p->username;
    l->display_name = p->display_name;
    l->roles_zh = roles_zh(in->roles, &g->plan);
    l->org_name = o->spec->name;
    l->note = in->cert == CERT_EXPIRED
                  ? sx_arena_printf(&g->plan, "执法证已于 %s 过期", u.cert_valid_to)
                  : NULL;
    if (p->username == NULL || p->display_name == NULL || l->roles_zh == NULL)
        return fail_nomem(err);
    return 0;
}

static int create_org(struct gen *g, size_t i, struct sx_err *err)
{
    const struct org_spec *s = &org_specs[i];
    struct dorg *o = &g->orgs[i];
    char head[32], phone[32], sphone[32], uname[64], name[32];
    struct st_org in;
    int rc;
    o->spec = s;
    fake_name(&g->rng, head, sizeof(head));
    snprintf(phone, sizeof(phone), "%s-6%07d", s->area, rng_range(&g->rng, 0, 9999999));
    snprintf(sphone, sizeof(sphone), "%s-6%07d", s->area, rng_range(&g->rng, 0, 9999999));
    memset(&in, 0, sizeof(in));
    in.parent_id = s->parent >= 0 ? g->orgs[s->parent].id : 0;
    in.code = s->code;
    in.name = s->name;
    in.short_name = s->short_name;
    in.level = s->level;
    in.region = s->region;
    in.address = s->address;
    in.head = head;
    in.phone = phone;
    in.supervise_phone = sphone;
    in.categories = "行政处罚、行政检查、行政强制（医疗保障基金使用监督管理）";
    in.qualification =
        strcmp(s->level, "unit") == 0
            ? "受云南省医疗保障局委托，依据《医疗保障基金使用监督管理条例》第二十二条、"
              "《中华人民共和国行政处罚法》第二十条，以委托机关名义实施医疗保障行政执法"
            : "《医疗保障基金使用监督管理条例》第二十二条：县级以上人民政府医疗保障行政部门"
              "负责本行政区域的医疗保障基金使用监督管理工作";
    rc = app_org_create(g->ctx, NULL, &in, &o->id, err);
    sx_arena_reset(&g->work);
    if (rc != 0)
        return rc;

    /* officers (the expired one last), head, reviewer */
    o->n_officers = i == EXPIRED_ORG ? 4 : 3;
    o->n_valid = 3;
    for (size_t k = 0; k < o->n_officers; k++) {
        static const char *const posts[] = {"执法科科长", "执法科科员", "执法科科员", "执法科科员"};
        struct user_in u = {.username = uname,
                            .name = fake_name(&g->rng, name, sizeof(name)),
                            .roles = "officer",
                            .post = posts[k],
                            .cert = k < o->n_valid ? CERT_VALID : CERT_EXPIRED,
                            .cert_seq = (int)(i * 10 + k + 1)};
        snprintf(uname, sizeof(uname), "%s.officer%zu", s->prefix, k + 1);
        rc = add_user(g, o, &u, &o->officer[k], err);
        if (rc != 0)
            return rc;
    }
    {
        const char *post = strcmp(s->level, "unit") == 0     ? "总队长"
                           : strcmp(s->level, "county") == 0 ? "局长"
                                                             : "分管执法工作副局长";
        struct user_in u = {.username = uname, .name = head, .roles = "head", .post = post};
        snprintf(uname, sizeof(uname), "%s.head", s->prefix);
        rc = add_user(g, o, &u, &o->head, err);
        if (rc != 0)
            return rc;
    }
    {
        struct user_in u = {.username = uname,
                            .name = fake_name(&g->rng, name, sizeof(name)),
                            .roles = "reviewer",
                            .post = "法规科法制审核员",
                            .legal_qualification = true};
        snprintf(uname, sizeof(uname), "%s.reviewer", s->prefix);
        rc = add_user(g, o, &u, &o->reviewer, err);
        if (rc != 0)
            return rc;
    }
    if (s->parent >= 0) { /* every org publishes its own results (谁执法谁公示, HB-1-07) */
        struct user_in u = {.username = uname,
                            .name = fake_name(&g->rng, name, sizeof(name)),
                            .roles = "publisher",
                            .post = "办公室政务公开专员"};
        snprintf(uname, sizeof(uname), "%s.publisher", s->prefix);
        return add_user(g, o, &u, &o->publisher, err);
    }
    /* the province also has the roles that serve the whole system */
    static const struct {
        const char *suffix, *roles, *post;
    } extra[] = {
        {"publisher", "publisher", "办公室政务公开专员"},
        {"archivist", "archivist", "档案室档案管理员"},
        {"supervisor", "supervisor", "法规处执法监督员"},
        {NULL, "admin", "信息中心系统管理员"},
    };
    for (size_t k = 0; k < COUNT(extra); k++) {
        struct app_principal p;
        struct user_in u = {.username = uname,
                            .name = fake_name(&g->rng, name, sizeof(name)),
                            .roles = extra[k].roles,
                            .post = extra[k].post};
        if (extra[k].suffix != NULL)
            snprintf(uname, sizeof(uname), "%s.%s", s->prefix, extra[k].suffix);
        else
            snprintf(uname, sizeof(uname), "admin");
        rc = add_user(g, o, &u, &p, err);
        if (rc != 0)
            return rc;
        if (strcmp(extra[k].roles, "archivist") == 0) {
            o->archivist = p;
            o->has_archivist = true;
        }
        if (strcmp(extra[k].roles, "publisher") == 0)
            o->publisher = p;
    }
    return 0;
}

/* ---- phase 2: plans ---- */

static int script_count(void)
{
    int n = 0;
    for (size_t i = 0; i < COUNT(scripts); i++)
        n += scripts[i].cover ? 1 : 0;
    return n;
}

int app_demo_min_cases(void)
{
    return script_count();
}

static const struct script *pick_script(struct rng *r)
{
    int roll = rng_range(r, 0, 99);
    enum app_kind k = APP_KIND_PENALTY;
    int total = 0;
    for (int i = 0; i < APP_KIND_COUNT; i++) {
        if (roll < kind_percent[i]) {
            k = (enum app_kind)i;
            break;
        }
        roll -= kind_percent[i];
    }
    for (size_t i = 0; i < COUNT(scripts); i++)
        total += scripts[i].kind == k ? scripts[i].weight : 0;
    roll = rng_range(r, 0, total - 1);
    for (size_t i = 0; i < COUNT(scripts); i++) {
        if (scripts[i].kind != k)
            continue;
        if (roll < scripts[i].weight)
            return &scripts[i];
        roll -= scripts[i].weight;
    }
    return &scripts[0];
}

static struct dorg *pick_org(struct gen *g, struct rng *r)
{
    /* more cases at the levels that do most of the work */
    int total = 0;
    for (size_t i = 0; i < N_ORGS; i++)
        total += strcmp(org_specs[i].level, "province") == 0 ? 1 : 3;
    int roll = rng_range(r, 0, total - 1);
    for (size_t i = 0; i < N_ORGS; i++) {
        int w = strcmp(org_specs[i].level, "province") == 0 ? 1 : 3;
        if (roll < w)
            return &g->orgs[i];
        roll -= w;
    }
    return &g->orgs[0];
}

/* Working days after the previous step, by action. */
static int gap_for(struct rng *r, const char *a)
{
    static const struct {
        const char *key;
        int lo, hi;
    } gaps[] = {
        {"verify_clue", 1, 6},
        {"file", 2, 8},
        {"not_file", 2, 6},
        {"inquire", 2, 8},
        {"end_investigation", 5, 20},
        {"submit_review", 1, 4},
        {"prior_notice", 2, 6},
        {"record_statement", 1, 3},
        {"request_hearing", 1, 3},
        {"notify_hearing", 1, 2},
        {"report_hearing", 1, 3},
        {"decide", 1, 3},
        {"record_performance", 5, 12},
        {"close", 3, 10},
        {"archive", 5, 15},
        {"resume", 15, 40},
        {"reinspect", 2, 6},
        {"implement", 2, 6},
        {"notify_inspection", 1, 3},
        {"check_onsite", 2, 8},
        {"sign_opinion", 3, 10},
        {"transfer", 3, 10},
        {"withdraw", 5, 15},
        {"terminate", 3, 10},
    };
    for (size_t i = 0; i < COUNT(gaps); i++) {
        if (strcmp(gaps[i].key, a) == 0)
            return rng_range(r, gaps[i].lo, gaps[i].hi);
    }
    return rng_range(r, 1, 5);
}

/* Dates of every step from the opening day, honouring the gates' time rules. */
static int plan_dates(struct gen *g, struct dcase *c, int32_t open_day, struct sx_err *err)
{
    int32_t day = 0, notice = 0, demand = 0, order = 0;
    int rc = workday_on_or_after(g, open_day, &day, err);
    c->hearing_day = 0;
    for (size_t j = 0; rc == 0 && j < c->n_steps; j++) {
        struct dstep *s = &c->steps[j];
        const char *a = s->action != NULL ? s->action->key : "";
        int32_t d = day, min_day = 0;
        if (j > 0)
            rc = add_wd(g, day, s->gap, &d, err);
        if (rc == 0 && strcmp(a, "hold_hearing") == 0 && c->hearing_day > day)
            d = c->hearing_day; /* on the day the notice announced */
        if (rc == 0 && strcmp(a, "decide") == 0 && notice != 0) {
            /* after the statement/hearing-request period (行政处罚法 第六十四条) */
            int32_t last = 0;
            rc = add_wd(g, notice, g->statement_days, &last, err);
            if (rc == 0)
                rc = add_wd(g, last, 1, &min_day, err);
        }
        if (rc == 0 && strcmp(a, "implement") == 0 && demand != 0)
            rc = workday_on_or_after(g, demand + 11, &min_day, err); /* after the demand's term */
        if (rc == 0 && strcmp(a, "reinspect") == 0 && order != 0)
            rc = workday_on_or_after(g, order + 21, &min_day, err); /* after the term to correct */
        if (rc != 0)
            break;
        if (d < min_day)
            d = min_day;
        if (strcmp(a, "prior_notice") == 0)
            notice = d;
        else if (strcmp(a, "demand") == 0)
            demand = d;
        else if (strcmp(a, "order_correct") == 0)
            order = d;
        else if (strcmp(a, "notify_hearing") == 0)
            /* 第六十四条（二）、第八十五条: notified at least seven working days before */
            rc = add_wd(g, d, 7, &c->hearing_day, err);
        s->day = d;
        day = d;
        int y, m, dd;
        cal_ymd_from_days(d, &y, &m, &dd);
        int utc = s->minute - 8 * 60; /* 09:00-16:59 local is 01:00-08:59 UTC, same date */
        snprintf(s->at, sizeof(s->at), "%04d-%02d-%02dT%02d:%02d:00Z", y, m, dd, utc / 60,
                 utc % 60);
    }
    return rc;
}

static int plan_steps(struct gen *g, struct dcase *c, struct sx_err *err)
{
    char buf[1024];
    char *save = NULL;
    size_t n = 0;
    const char *prefix = c->sc->kind == APP_KIND_PENALTY && (strcmp(c->source, "complaint") == 0 ||
                                                             strcmp(c->source, "report") == 0)
                             ? "register_complaint "
                             : "";
    snprintf(buf, sizeof(buf), "%s%s", prefix, c->sc->actions);
    c->steps[n++] = (struct dstep){.action = NULL, .minute = rng_range(&c->rng, 540, 1019)};
    for (char *tok = strtok_r(buf, " ", &save); tok != NULL; tok = strtok_r(NULL, " ", &save)) {
        const struct wf_action *a = wf_action_find(c->def, tok);
        if (a == NULL || n >= MAX_STEPS)
            return SX_FAIL(err, SX_E_INTERNAL, "demo-script", "演示数据脚本有误", SRC_DEMO, NULL,
                           "「%s」流程中没有操作 %s，或步骤过多", wf_name_zh(c->def), tok);
        c->steps[n++] = (struct dstep){
            .action = a, .gap = gap_for(&c->rng, tok), .minute = rng_range(&c->rng, 540, 1019)};
    }
    c->n_steps = n;
    return 0;
}

/* Fit the case into the window: open cases recently, finished ones any time. */
static int place_case(struct gen *g, struct dcase *c, struct sx_err *err)
{
    const struct wf_state *end = wf_state_find(c->def, c->sc->target);
    bool open = end != NULL && !end->terminal && !end->closed;
    int rc = plan_dates(g, c, g->window_first, err);
    if (rc != 0)
        return rc;
    int32_t span = c->steps[c->n_steps - 1].day - c->steps[0].day;
    int32_t hi = g->window_last - span - 3;
    int32_t lo = g->window_first;
    if (open && hi - RECENT_DAYS > lo)
        lo = hi - RECENT_DAYS;
    if (hi < lo)
        return SX_FAIL(err, SX_E_INVALID, "demo-window", "演示数据的日期范围太短", SRC_DEMO, NULL,
                       "案件需要 %d 天，日期范围不足", (int)span);
    int32_t open_day = lo + (int32_t)(rng_u64(&c->rng) % (uint64_t)(hi - lo + 1));
    for (int tries = 0; tries < 10; tries++) {
        rc = plan_dates(g, c, open_day, err);
        if (rc != 0)
            return rc;
        int32_t last = c->steps[c->n_steps - 1].day;
        if (last <= g->window_last)
            return 0;
        open_day -= last - g->window_last + 1;
    }
    return SX_FAIL(err, SX_E_INTERNAL, "demo-window", "演示数据的日期无法排定", SRC_DEMO, NULL,
                   "案件 %zu", c->idx + 1);
}

static bool inst_fits(enum inst_kind have, enum inst_kind need)
{
    if (need == INST_ANY || have == need)
        return true;
    return need == INST_CLINIC && have == INST_HOSPITAL; /* hospitals have outpatients too */
}

static int make_party(struct gen *g, struct dcase *c, struct sx_err *err)
{
    struct rng *r = &c->rng;
    const struct org_spec *s = c->org->spec;
    size_t nd = 0;
    char buf[160], id[IDS_BUFSZ];
    int rc;
    while (nd < 4 && s->districts[nd] != NULL)
        nd++;
    size_t di = rng_u64(r) % nd;
    c->district = s->districts[di];
    snprintf(buf, sizeof(buf), "云南省%s市%s%s%d号", s->city, c->district, PICK(r, roads),
             rng_range(r, 1, 399));
    c->address = pdup(g, buf);
    if (c->person) {
        int32_t birth = cal_days_from_ymd(1950, 1, 1) +
                        (int32_t)(rng_u64(r) % (uint64_t)(cal_days_from_ymd(2000, 12, 31) -
                                                          cal_days_from_ymd(1950, 1, 1)));
        /* some parties are minors, whose results are never published (HB-1-13, issue 4) */
        if (c->idx % 9 == 4)
            birth = cal_days_from_ymd(2009, 3, 1) + birth % 365;
        rc = ids_resident_make(s->district_codes[di], birth, rng_range(r, 0, 999), id, err);
        if (rc != 0)
            return rc;
        c->party = pdup(g, fake_name(r, buf, sizeof(buf)));
        c->party_id = pdup(g, id);
        fake_mobile(r, buf, sizeof(buf));
        c->phone = pdup(g, buf);
    } else {
        static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
        const struct inst_type *t = &PICK(r, inst_types);
        /* a clinic does not admit inpatients, a pharmacy bills no services */
        for (int tries = 0; tries < 64 && !inst_fits(t->kind, c->vio->inst); tries++)
            t = &PICK(r, inst_types);
        char first17[18], rep[32];
        int k = snprintf(first17, sizeof(first17), "%s%s", t->uscc2, s->district_codes[di]);
        for (; k < 17; k++)
            first17[k] = alphabet[rng_u64(r) % (sizeof(alphabet) - 1)];
        first17[17] = '\0';
        rc = ids_uscc_make(first17, id, err);
        if (rc != 0)
            return rc;
        snprintf(buf, sizeof(buf), "%s%s%s", strcmp(t->uscc2, "91") == 0 ? s->city : c->district,
                 PICK(r, shop_words), t->suffix);
        c->party = pdup(g, buf);
        c->party_id = pdup(g, id);
        c->legal_rep = pdup(g, fake_name(r, rep, sizeof(rep)));
        snprintf(buf, sizeof(buf), "%s-6%07d", s->area, rng_range(r, 0, 9999999));
        c->phone = pdup(g, buf);
    }
    return c->party != NULL && c->party_id != NULL && c->address != NULL ? 0 : fail_nomem(err);
}

static int plan_case(struct gen *g, size_t idx, const struct script *sc, struct sx_err *err)
{
    struct dcase *c = &g->cases[idx];
    struct rng *r;
    char buf[256];
    int rc;
    memset(c, 0, sizeof(*c));
    c->idx = idx;
    c->sc = sc;
    c->def = g->app->workflows[sc->kind];
    c->rng.s = g->rng.s ^ (0x51ed270b27f5a3c1ull * (idx + 1));
    r = &c->rng;
    /* coverage cases go round the orgs; the showcase of the expired credential is at its org */
    if ((sc->flags & S_EXPIRED) != 0)
        c->org = &g->orgs[EXPIRED_ORG];
    else if (sc->cover)
        c->org = &g->orgs[idx % N_ORGS];
    else
        c->org = pick_org(g, r);

    /* two officers with valid credentials, sometimes the expired one as a third */
    size_t a = rng_u64(r) % c->org->n_valid;
    size_t b = (a + 1 + rng_u64(r) % (c->org->n_valid - 1)) % c->org->n_valid;
    c->off[0] = &c->org->officer[a];
    c->off[1] = &c->org->officer[b];
    c->n_off = 2;
    if (c->org->n_officers > c->org->n_valid &&
        ((sc->flags & S_EXPIRED) != 0 || rng_range(r, 0, 4) == 0))
        c->off[c->n_off++] = &c->org->officer[c->org->n_valid];

    switch (sc->kind) {
    case APP_KIND_PENALTY: {
        static const char *const sources[] = {"complaint",  "complaint", "report",  "inspection",
                                              "inspection", "assigned",  "transfer"};
        c->source = PICK(r, sources);
        c->vio = &PICK(r, violations);
        c->person = c->vio->person;
        c->cause = c->vio->cause;
        break;
    }
    case APP_KIND_INSPECTION:
        c->source = rng_range(r, 0, 3) == 0 ? "assigned" : "inspection";
        c->vio = &violations[rng_u64(r) % 5]; /* what the inspection may find: institutions */
        c->person = false;
        break;
    default:
        c->source = "inspection";
        c->vio = &violations[rng_u64(r) % 5];
        c->person = false;
        c->measure = rng_range(r, 0, 2) == 0 ? "seal_records" : "late_fee";
        break;
    }
    rc = make_party(g, c, err);
    if (rc != 0)
        return rc;
    if (sc->kind == APP_KIND_INSPECTION) {
        snprintf(buf, sizeof(buf), "%s医保基金使用情况%s", c->party,
                 strcmp(c->source, "assigned") == 0 ? "专项检查" : "双随机抽查");
        c->cause = pdup(g, buf);
    } else if (sc->kind == APP_KIND_COERCION) {
        if (strcmp(c->measure, "seal_records") == 0)
            snprintf(buf, sizeof(buf), "封存%s涉嫌违规结算的医保资料", c->party);
        else
            snprintf(buf, sizeof(buf), "%s逾期不缴纳罚款加处罚款", c->party);
        c->cause = pdup(g, buf);
    }
    c->loss_fen = (int64_t)rng_range(r, c->vio->min_yuan, c->vio->max_yuan) * 100;
    c->fine_fen = c->loss_fen * rng_range(r, c->vio->fine_min_x, c->vio->fine_max_x);
    c->waive = rng_range(r, 0, 2) != 0;
    c->anonymous = rng_range(r, 0, 3) == 0;
    c->complainant = pdup(g, fake_name(r, buf, sizeof(buf)));
    rc = plan_steps(g, c, err);
    if (rc == 0) {
        int y, m, d;
        rc = place_case(g, c, err);
        cal_ymd_from_days(c->steps[0].day, &y, &m, &d);
        snprintf(buf, sizeof(buf), "%d年%d月至%d年%d月", m > 6 ? y : y - 1, m > 6 ? m - 6 : m + 6,
                 y, m);
        c->period = pdup(g, buf);
    }
    return rc;
}

/* ---- phase 3: bodies ---- */

struct bctx {
    struct gen *g;
    struct dcase *c;
    const struct dstep *st;
    const struct wf_action *next; /* the following step's action, or NULL */
    const struct app_principal *actor;
    char date[CAL_DATE_BUFSZ]; /* civil date of the step */
    char local[20];            /* "YYYY-MM-DDTHH:MM:SS" local time of the step */
    char number[128];          /* the case number, or "" */
};

static bool is(const char *a, const char *b)
{
    return a != NULL && strcmp(a, b) == 0;
}

static const char *action_key(const struct bctx *b)
{
    return b->st->action->key;
}

static const char *next_key(const struct bctx *b)
{
    return b->next != NULL ? b->next->key : "";
}

static void money_text(int64_t fen, char *buf, size_t cap)
{
    snprintf(buf, cap, "%lld.%02lld", (long long)(fen / 100), (long long)(fen % 100));
}

/* The person who speaks for the party: the person, or an institution's legal representative. */
static const char *party_person(const struct bctx *b)
{
    return b->c->person ? b->c->party : b->c->legal_rep;
}

/* A document number derived from the case number: 昆医保罚〔2025〕3号 → 昆医保罚告〔2025〕3号. */
static json_t *doc_no(const struct bctx *b, const char *tag)
{
    char buf[160];
    const char *open = strstr(b->number, "〔");
    if (b->number[0] == '\0')
        snprintf(buf, sizeof(buf), "%s-%lld", tag, (long long)b->c->id);
    else if (open == NULL || tag[0] == '\0')
        snprintf(buf, sizeof(buf), "%s%s", b->number, tag);
    else
        snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(open - b->number), b->number, tag, open);
    return json_string(buf);
}

/*
 * Expand a text template: {party} {rep} {conduct} {cause} {basis} {loss} {fine} {org}
 * {period} {address} {officer} {label} {city} {district}.
 */
static json_t *expand(const struct bctx *b, const char *tmpl, const char *label)
{
    char out[TEXT_MAX];
    size_t len = 0;
    const struct dcase *c = b->c;
    out[0] = '\0';
    for (const char *p = tmpl; *p != '\0' && len < sizeof(out) - 1;) {
        char val[256];
        const char *v = NULL;
        const char *end = *p == '{' ? strchr(p, '}') : NULL;
        if (end == NULL) {
            out[len++] = *p++;
            out[len] = '\0';
            continue;
        }
        size_t n = (size_t)(end - p - 1);
        const char *k = p + 1;
#define KEY(s) (n == strlen(s) && strncmp(k, s, n) == 0)
        if (KEY("party"))
            v = c->party;
        else if (KEY("rep"))
            v = party_person(b);
        else if (KEY("conduct"))
            v = c->vio->conduct;
        else if (KEY("cause"))
            v = c->cause;
        else if (KEY("basis"))
            v = c->vio->basis;
        else if (KEY("loss") || KEY("fine")) {
            money_text(KEY("loss") ? c->loss_fen : c->fine_fen, val, sizeof(val));
            v = val;
        } else if (KEY("org"))
            v = c->org->spec->name;
        else if (KEY("period"))
            v = c->period;
        else if (KEY("address"))
            v = c->address;
        else if (KEY("officer"))
            v = c->off[0]->display_name;
        else if (KEY("label"))
            v = label;
        else if (KEY("city"))
            v = c->org->spec->city;
        else if (KEY("district"))
            v = c->district;
#undef KEY
        if (v == NULL)
            v = "";
        int w = snprintf(out + len, sizeof(out) - len, "%s", v);
        if (w < 0 || (size_t)w >= sizeof(out) - len)
            break;
        len += (size_t)w;
        p = end + 1;
    }
    return json_string(out);
}

struct text_rule {
    const char *type; /* NULL: any type */
    const char *field;
    const char *tmpl;
};

/* Texts by record type and field; the first match wins, so specific rows come first. */
static const struct text_rule texts[] = {
    {"complaint_intake", "content", "反映{party}{conduct}，请求医保部门依法查处。"},
    {"inquiry_transcript", "content",
     "问：我们是{org}的执法人员，已向你出示执法证件，你是否看清？答：看清了。"
     "问：请如实说明{period}{conduct}的情况。答：（陈述内容略）。"
     "问：以上记录是否属实？答：属实。"},
    {"onsite_inspection_transcript", "content",
     "执法人员出示执法证件后，对{party}的医保结算系统、药品耗材进销存台账和病历进行了检查，"
     "发现{period}存在{conduct}的情况，已调取相关资料。"},
    {"complainant_reply", "content", "您反映的{party}{cause}问题，经核查已依法处理。"},
    {"coercion_implementation", "content",
     "执法人员出示执法证件，在当事人在场的情况下依法实施，"
     "现场制作清单，当事人签字确认。"},
    {"hearing_transcript", "content",
     "主持人宣布听证纪律；调查人员陈述违法事实、证据和处罚依据；当事人{rep}进行陈述和申辩；"
     "双方质证、辩论并作最后陈述。"},
    {"correction", "content", "原记录中被询问人的联系电话记录有误，更正为正确号码（见附件）。"},
    {"note", "content", "{label}：{cause}（演示数据）。"},
    {"correction", "reason", "笔录中被询问人的联系电话记录错误。"},
    {"non_filing_decision", "reason", "经核查，{party}{cause}的违法事实不能成立，不予立案。"},
    {"suspension", "reason", "当事人法定代表人因病住院治疗，暂时无法配合调查，案件依法中止。"},
    {"resumption", "reason", "中止的情形已经消除，案件恢复办理。"},
    {"transfer", "reason", "经调查，{party}{conduct}，涉嫌构成犯罪，依法移送。"},
    {"filing_approval", "reason", "发现{party}{conduct}，涉嫌违反{basis}的规定。"},
    {"coercion_termination", "details", "{label}：本案行政强制依法终结。"},
    {"case_withdrawal", "details", "经调查，{party}的行为不构成违法，依法撤销立案。"},
    {"coercion_request", "target", "{party}与本案有关的医保结算资料、住院病历等"},
    {"inspection_notice", "matters",
     "{party}医保基金使用情况：药品耗材进销存、诊疗项目收费、"
     "住院结算与病历一致性。"},
    {"collective_discussion", "matter", "{party}{cause}一案的处理决定。"},
    {"rights_notice", "matters",
     "告知检查（调查）事由、依据及陈述、申辩、申请回避等权利和配合义务。"},
    {"collective_discussion", "opinions",
     "参加人员一致认为本案事实清楚、证据确凿，"
     "同意承办人的处理意见。"},
    {"collective_discussion", "conclusion",
     "对{party}作出责令退回医保基金 {loss} 元、罚款 {fine} 元的处理。"},
    {"closure", "summary",
     "已作出行政处罚决定并执行完毕：退回医保基金 {loss} 元，罚款 {fine} 元已缴清。"},
    {"inspection_closure", "summary", "检查事项已办结，当事人已按要求完成整改。"},
    {"hearing_report", "summary",
     "听证会如期举行，当事人{rep}到场陈述、申辩，调查人员出示了证据。"},
    {"hearing_report", "opinion", "当事人的申辩理由不能成立，建议维持拟作出的处罚。"},
    {"inspection_opinion", "opinion", "检查发现{party}存在{conduct}等问题，责令限期整改。"},
    {"legal_review_opinion", "reasons", "事实清楚，证据确凿，适用依据正确，程序合法，处罚适当。"},
    {"unit_review", "comments", "事实清楚，证据充分，同意承办人意见。"},
    {"legal_review_request", "explanation",
     "{party}{cause}一案已调查终结，拟作出行政处罚，"
     "属于重大执法决定，送法制审核。"},
    {"order_correct", "violation", "{conduct}"},
    {"order_correct", "requirements",
     "立即停止违规行为，退回违规结算费用，限期完成整改并报送整改报告。"},
    {"evidence_request", "materials", "{period}的药品耗材进销存台账、医保结算明细及相关票据。"},
    {"transfer", "materials", "案件卷宗一套及相关证据材料。"},
    {"sampling", "items", "涉案药品 3 盒（规格、批号见抽样清单）"},
    {"sampling", "method", "在库存中随机抽取"},
    {"coercion_implementation", "items", "住院病历 26 份、医保结算单据 1 册"},
    {"clue_verification", "method", "调取医保结算数据比对，电话核实参保人就医情况"},
    {"service_entrusted", "reason", "受送达人不在本辖区"},
    {"service_public_notice", "reason", "受送达人下落不明"},
    {"service_lodged", "reason", "受送达人拒绝签收"},
    {NULL, "findings", "核查发现{party}存在{conduct}的情况，涉及医保基金约 {loss} 元。"},
    {NULL, "facts", "经查，{party}在{period}{conduct}，造成医保基金损失 {loss} 元。"},
    {NULL, "evidence", "询问笔录、现场检查笔录、医保结算明细、病历及票据等证据。"},
    {NULL, "basis", "{basis}"},
    {NULL, "proposal", "责令退回医保基金 {loss} 元，并处罚款 {fine} 元。"},
    {NULL, "proposed_penalty", "责令退回医保基金 {loss} 元，并处罚款 {fine} 元。"},
    {NULL, "draft_decision", "责令退回医保基金 {loss} 元，并处罚款 {fine} 元。"},
    {NULL, "discretion",
     "当事人违法行为情节一般，配合调查，按本机关行政处罚裁量基准在法定幅度内处罚。"},
    {NULL, "remedies",
     "如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，"
     "或者自收到之日起六个月内依法向人民法院提起行政诉讼。"},
    {NULL, "handler_opinion", "建议立案调查。"},
    {NULL, "unit_opinion", "同意立案。"},
    {NULL, "head_opinion", "同意立案，由{officer}等承办。"},
    {NULL, "party_summary", "{party}，住所{address}。"},
    {NULL, "proves", "证明{party}{conduct}的事实。"},
    {NULL, "summary", "{label}：{cause}。"},
    {NULL, "opinion", "{label}：同意。"},
    {NULL, "content", "{label}：{cause}（演示数据）。"},
    {NULL, "details", "{label}：{cause}（演示数据）。"},
    {NULL, "reason", "{label}：{cause}。"},
    {NULL, "notice_text",
     "{party}：因无法直接送达，现依法公告送达本机关有关文书，"
     "自公告之日起经过公告期即视为送达。"},
};

static json_t *text_for(const struct bctx *b, const char *type, const struct cat_field *f)
{
    for (size_t i = 0; i < COUNT(texts); i++) {
        if ((texts[i].type == NULL || is(texts[i].type, type)) && is(texts[i].field, f->name))
            return expand(b, texts[i].tmpl, f->label_zh);
    }
    return expand(b, "{label}：{cause}（演示数据）。", f->label_zh);
}

/* A one-line string field by what it names. */
static json_t *string_for(const struct bctx *b, const char *type, const struct cat_field *f)
{
    const char *n = f->name;
    const struct dcase *c = b->c;
    char buf[256];
    struct rng *r = &b->c->rng;
    if (is(n, "cause"))
        return json_string(c->cause);
    if (is(n, "interviewee_name") || is(n, "signer") || is(n, "receipt_signer") ||
        is(n, "party_present"))
        return json_string(party_person(b));
    if (is(n, "recipient") || is(n, "told_to") || is(n, "applicant") || is(n, "subject_name") ||
        is(n, "addressee") || is(n, "object") || is(n, "provider"))
        return json_string(c->party);
    if (is(n, "replied_to") || is(n, "notified_to"))
        return json_string(is(c->source, "complaint") && !c->anonymous ? c->complainant : c->party);
    if (is(n, "complainant_name"))
        return json_string(c->complainant);
    if (strstr(n, "phone") != NULL) {
        fake_mobile(r, buf, sizeof(buf));
        return json_string(buf);
    }
    if (is(n, "place") || is(n, "address") || is(n, "posted_place"))
        return strncmp(type, "hearing", 7) == 0 ? expand(b, "{org}听证室", NULL)
                                                : json_string(c->address);
    if (is(n, "court"))
        return expand(b, "{city}市{district}人民法院", NULL);
    if (is(n, "receiver"))
        return c->sc->kind == APP_KIND_PENALTY ? expand(b, "{city}市公安局", NULL)
                                               : expand(b, "{city}市卫生健康委员会", NULL);
    if (is(n, "entrusted_body"))
        return expand(b, "{district}人民政府街道办事处", NULL);
    if (is(n, "server"))
        return json_string(c->off[0]->display_name);
    if (is(n, "witness"))
        return json_string(fake_name(r, buf, sizeof(buf)));
    if (is(n, "medium_name"))
        return expand(b, "{org}门户网站", NULL);
    if (is(n, "subject"))
        return is(type, "survey_transcript") ? expand(b, "{party}药品库房", NULL)
                                             : json_string(f->label_zh);
    if (is(n, "title"))
        return json_string(is(type, "evidence") ? "医保结算明细" : "情况说明");
    if (is(n, "document")) {
        if (c->sc->kind == APP_KIND_PENALTY)
            return json_string("行政处罚决定书");
        if (c->sc->kind == APP_KIND_INSPECTION)
            return json_string("检查意见书");
        return json_string(is(c->measure, "late_fee") ? "催告书、行政强制执行决定书"
                                                      : "行政强制措施决定书");
    }
    if (is(n, "document_no") || is(n, "decision_no"))
        return c->sc->kind == APP_KIND_INSPECTION ? doc_no(b, "检意") : doc_no(b, "");
    if (is(n, "notice_no")) {
        if (is(type, "prior_notice"))
            return doc_no(b, "告");
        if (is(type, "coercion_demand"))
            return doc_no(b, "催");
        if (is(type, "order_correct"))
            return doc_no(b, "责改");
        return doc_no(b, "通");
    }
    if (is(n, "tracking_no")) {
        snprintf(buf, sizeof(buf), "11%05d%06d", rng_range(r, 0, 99999), rng_range(r, 0, 999999));
        return json_string(buf);
    }
    if (is(n, "archive_no")) {
        int y, m, d;
        cal_ymd_from_days(b->st->day, &y, &m, &d);
        snprintf(buf, sizeof(buf), "%s-%d-%s-%04lld", c->org->spec->code, y,
                 c->sc->kind == APP_KIND_PENALTY      ? "罚"
                 : c->sc->kind == APP_KIND_INSPECTION ? "检"
                                                      : "强",
                 (long long)c->id);
        return json_string(buf);
    }
    if (is(n, "receipt_no")) {
        snprintf(buf, sizeof(buf), "53%010d", rng_range(r, 0, 999999999));
        return json_string(buf);
    }
    return expand(b, "{label}", f->label_zh);
}

static json_t *users_for(const struct bctx *b, const char *type, const struct cat_field *f)
{
    const struct dcase *c = b->c;
    const char *n = f->name;
    int64_t ids[4];
    size_t k = 0;
    if (is(n, "officers") || is(n, "investigators") || is(n, "handler") || is(n, "submitter") ||
        is(n, "submitted_by")) {
        ids[k++] = c->off[0]->user_id;
        ids[k++] = c->off[1]->user_id;
    } else if (is(n, "approver") || is(n, "signer") || is(n, "chair") || is(n, "decided_by")) {
        ids[k++] = c->org->head.user_id;
    } else if (is(n, "host") || (is(n, "reviewer") && is(type, "legal_review_request"))) {
        /* the legal-affairs reviewer hosts hearings and is the one the review is sent to */
        ids[k++] = c->org->reviewer.user_id;
    } else if (is(n, "clerk") || is(n, "target")) {
        ids[k++] = c->off[1]->user_id;
    } else if (is(n, "participants")) {
        ids[k++] = c->org->head.user_id;
        ids[k++] = c->org->reviewer.user_id;
        ids[k++] = c->off[0]->user_id;
    } else {
        ids[k++] = b->actor->user_id; /* recorder, reviewer, archivist, returned_by ... */
    }
    for (size_t i = 0; k < f->min_items && i < c->n_off; i++) {
        bool dup = false;
        for (size_t j = 0; j < k; j++)
            dup = dup || ids[j] == c->off[i]->user_id;
        if (!dup && k < COUNT(ids))
            ids[k++] = c->off[i]->user_id;
    }
    if (f->max_items > 0 && k > f->max_items)
        k = f->max_items;
    json_t *a = json_array();
    for (size_t i = 0; a != NULL && i < k; i++)
        json_array_append_new(a, json_integer(ids[i]));
    return a;
}

static json_t *list_for(const struct bctx *b, const struct cat_field *f)
{
    char buf[64];
    if (is(f->name, "participants"))
        return b->c->person ? json_pack("[s]", b->c->party)
                            : json_pack("[ss]", b->c->party, b->c->legal_rep);
    if (is(f->name, "experts"))
        return json_pack("[ss]", fake_name(&b->c->rng, buf, sizeof(buf)), "（医学专家）");
    if (is(f->name, "copies")) /* 云南 附件3 第十三条: one each for the head, the unit, the archive */
        return json_pack("[sss]", "报送分管局领导", "连同案件材料回复执法机构", "存档");
    return json_pack("[ss]", "医保结算明细", "相关病历");
}

/* The step's local time shifted by minutes (stays on the same day). */
static json_t *local_time(const struct bctx *b, int shift)
{
    char buf[40];
    int m = b->st->minute + shift;
    if (m < 8 * 60)
        m = 8 * 60;
    snprintf(buf, sizeof(buf), "%sT%02d:%02d:00+08:00", b->date, m / 60, m % 60);
    return json_string(buf);
}

static json_t *date_after(const struct bctx *b, int days)
{
    char buf[CAL_DATE_BUFSZ];
    return json_string(date_text(b->st->day + days, buf));
}

/* Values whose meaning matters; NULL = let the generic rule decide (or leave it out). */
static json_t * override(const struct bctx *b, const char *type, const struct cat_field *f)
{
    const struct dcase *c = b->c;
    const char *n = f->name;
    const char *a = action_key(b);
    bool penalty = c->sc->kind == APP_KIND_PENALTY;
    /* media: demo cases have no recordings; mandatory-AV steps say why (HB-2-13) */
    if (is(n, "av_absent_reason"))
        return json_string("演示数据：现场音像记录未上传至演示环境");
    /* amounts */
    if (is(type, "decision")) {
        if (is(n, "outcome"))
            return json_string("penalty");
        if (is(n, "fine_fen"))
            return json_integer(c->fine_fen);
        if (is(n, "recovery_fen"))
            return json_integer(c->loss_fen);
        if (is(n, "payment_days"))
            return json_integer(15);
        if (is(n, "discretion"))
            return text_for(b, type, f);
    }
    if (is(type, "prior_notice")) {
        if (is(n, "period_days"))
            return json_integer(5); /* 行政处罚法 第六十四条: 五日内 */
        if (is(n, "proposed_fine_fen"))
            return json_integer(c->fine_fen);
        if (is(n, "hearing_right"))
            return json_true();
    }
    if (is(type, "handler_opinion")) {
        if (is(n, "proposed_fine_fen"))
            return json_integer(c->fine_fen);
        if (is(n, "proposed_recovery_fen"))
            return json_integer(c->loss_fen);
    }
    if (is(type, "performance")) {
        bool full = is(next_key(b), "close");
        if (is(n, "mode"))
            return json_string(full ? "full" : "instalment");
        if (is(n, "paid_fen"))
            return json_integer(full ? c->fine_fen + c->loss_fen : (c->fine_fen + c->loss_fen) / 2);
        if (is(n, "receipt_no"))
            return string_for(b, type, f);
    }
    if ((is(type, "coercion_decision") || is(type, "coercion_demand")) && is(n, "amount_fen") &&
        is(c->measure, "late_fee"))
        return json_integer(c->fine_fen);
    if (is(type, "coercion_decision") && is(n, "period_days"))
        return json_integer(30);
    /* the statement: waived for most, so the decision needs no waiting beyond the period */
    if (is(type, "statement")) {
        if (is(n, "waived"))
            return json_boolean(c->waive);
        if (c->waive)
            return NULL;
        if (is(n, "form"))
            return json_string("written");
        if (is(n, "content"))
            return expand(b, "当事人{rep}提交书面陈述，称系工作人员操作失误所致，请求从轻处罚。",
                          NULL);
        if (is(n, "adoption"))
            return json_string("partly");
    }
    if (is(type, "hearing_request") && is(n, "form"))
        return json_string("written");
    if (is(type, "hearing_notice") && is(n, "hearing_at")) {
        char buf[40], d[CAL_DATE_BUFSZ];
        snprintf(buf, sizeof(buf), "%sT09:30:00+08:00", date_text(c->hearing_day, d));
        return json_string(buf);
    }
    if (is(type, "hearing_notice") && is(n, "clerk"))
        return users_for(b, type, f);
    if (is(type, "collective_discussion") && is(n, "recorder")) {
        return json_pack("[I]", (json_int_t)c->off[1]->user_id);
    }
    /* what the next step needs */
    if (is(type, "clue_verification") && is(n, "conclusion"))
        return json_string(is(next_key(b), "not_file") ? "not_file" : "file");
    if (is(type, "clue_verification") && is(n, "method"))
        return text_for(b, type, f);
    if (is(type, "filing_approval") && is(n, "source"))
        return json_string(is(c->source, "transfer") ? "referral" : c->source);
    if (is(type, "complaint_intake")) {
        if (is(n, "channel"))
            return json_string(is(c->source, "report") ? "letter" : "phone");
        if (is(n, "anonymous"))
            return json_boolean(c->anonymous);
        if (is(n, "complainant_phone") && !c->anonymous)
            return string_for(b, type, f);
    }
    if (is(type, "inquiry_transcript") && is(n, "interviewee_role"))
        return json_string(c->person ? "party" : "legal_rep");
    if (is(type, "service_direct") && is(n, "signer_relation"))
        return json_string(c->person ? "self" : "legal_rep");
    if (is(type, "service_direct") && is(n, "sealed"))
        return json_true();
    if (is(type, "onsite_inspection_transcript") && is(n, "party_present"))
        return string_for(b, type, f);
    if (is(type, "inspection_opinion") && is(n, "conclusion")) {
        const char *s = c->sc->actions;
        return json_string(strstr(s, "order_correct") != NULL ? "problems_found"
                           : strstr(s, "transfer") != NULL    ? "suspected_violation"
                                                              : "no_problem");
    }
    if (is(type, "inspection_opinion") && is(n, "opinion") &&
        strstr(c->sc->actions, "order_correct") == NULL)
        return json_string("本次检查未发现违反医疗保障法律法规的问题。");
    if (is(type, "inspection_closure") && is(n, "result"))
        return json_string(strstr(c->sc->actions, "order_correct") != NULL ? "corrected"
                                                                           : "no_problem");
    if (is(type, "inspection_closure") && is(n, "summary") &&
        strstr(c->sc->actions, "order_correct") == NULL)
        return json_string("检查未发现问题，检查终结。");
    if (is(type, "transfer") && is(n, "destination"))
        return json_string(penalty ? "police" : "other_agency");
    if (is(type, "transfer") && is(n, "materials"))
        return text_for(b, type, f);
    if (is(type, "coercion_termination") && is(n, "reason"))
        return json_string(is(a, "refuse") ? "not_approved" : "completed");
    if (is(type, "coercion_termination") && is(n, "details") && is(a, "refuse"))
        return json_string("经审查，不符合实施行政强制的条件，不予批准。");
    if ((is(type, "coercion_request") || is(type, "coercion_decision") ||
         is(type, "coercion_implementation")) &&
        is(n, "measure"))
        return json_string(c->measure);
    if (c->sc->kind == APP_KIND_COERCION) {
        /* 封存 (a coercive measure) and 加处罚款 (enforcement of a fine) read differently */
        static const struct {
            const char *type, *field, *seal, *late_fee;
        } coercion_texts[] = {
            {"coercion_request", "reason",
             "{party}涉嫌违规结算医保基金，相关资料可能被转移、隐匿或者灭失，拟依法封存。",
             "{party}逾期不缴纳罚款 {fine} 元，经催告仍未履行，拟依法加处罚款。"},
            {"coercion_request", "basis",
             "《医疗保障基金使用监督管理条例》第二十七条第（五）项；《中华人民共和国行政强制法》第"
             "九条",
             "《中华人民共和国行政处罚法》第七十二条；《中华人民共和国行政强制法》第四十五条"},
            {"coercion_decision", "basis",
             "《医疗保障基金使用监督管理条例》第二十七条第（五）项；《中华人民共和国行政强制法》第"
             "九条",
             "《中华人民共和国行政处罚法》第七十二条；《中华人民共和国行政强制法》第四十五条"},
            {"coercion_decision", "content",
             "封存{party}与本案有关的医保结算资料、住院病历，期限三十日。",
             "对{party}逾期不缴纳的罚款 {fine} 元，每日按罚款数额的百分之三加处罚款。"},
            {"coercion_demand", "obligation",
             "配合封存与本案有关的资料，不得转移、隐匿、篡改或者销毁。",
             "自收到本催告书之日起十日内缴纳罚款 {fine} 元。"},
        };
        for (size_t i = 0; i < COUNT(coercion_texts); i++) {
            if (is(type, coercion_texts[i].type) && is(n, coercion_texts[i].field))
                return expand(b,
                              is(c->measure, "late_fee") ? coercion_texts[i].late_fee
                                                         : coercion_texts[i].seal,
                              f->label_zh);
        }
    }
    if (is(type, "coercion_request") && is(n, "target") && is(c->measure, "late_fee"))
        return expand(b, "{party}应缴未缴的罚款 {fine} 元", NULL);
    if (is(type, "coercion_demand") && is(n, "deadline"))
        return date_after(b, 10);
    if (is(type, "order_correct") && is(n, "deadline"))
        return date_after(b, 20);
    if (is(type, "suspension") && is(n, "expected_resume_on"))
        return date_after(b, 60);
    if (is(type, "evidence") && is(n, "pages"))
        return json_integer(12);
    if (is(type, "sampling") && is(n, "sample_count"))
        return json_integer(3);
    if (is(type, "archiving") && is(n, "volumes"))
        return json_integer(c->n_steps > 20 ? 2 : 1);
    if (is(type, "archiving") && is(n, "retention"))
        return json_string(penalty ? "long_term" : "years_30");
    if (is(type, "reinspection") && is(n, "details"))
        return json_string("经复查，当事人已按要求完成整改。");
    if (is(type, "correction")) {
        if (is(n, "corrects"))
            return json_integer(c->last_record);
        if (is(n, "corrected_fields"))
            return json_pack("[s]", "interviewee_phone");
    }
    return NULL;
}

/* The generic value of a field from its type. */
static json_t *generic(const struct bctx *b, const char *type, const struct cat_field *f)
{
    switch (f->type) {
    case CAT_F_STRING:
        return string_for(b, type, f);
    case CAT_F_TEXT:
        return text_for(b, type, f);
    case CAT_F_DATE:
        return f->future_ok ? date_after(b, 15) : json_string(b->date);
    case CAT_F_DATETIME:
        return strstr(f->name, "start") != NULL ? local_time(b, -60) : local_time(b, 0);
    case CAT_F_INT:
        return json_integer(f->has_min && f->min > 0 ? (is(f->name, "period_days") ? 30 : f->min)
                                                     : 1);
    case CAT_F_MONEY_FEN:
        return json_integer(b->c->fine_fen);
    case CAT_F_BOOL:
        return json_true();
    case CAT_F_ENUM:
        return f->n_values > 0 ? json_string(f->values[0].value) : json_null();
    case CAT_F_USER_IDS:
        return users_for(b, type, f);
    case CAT_F_STRING_LIST:
        return list_for(b, f);
    case CAT_F_OBJECT: {
        /* nested fields (e.g. the review checklist): fill the required ones the same way */
        json_t *o = json_object();
        for (size_t i = 0; o != NULL && i < f->n_fields; i++) {
            if (f->fields[i].required)
                json_object_set_new(o, f->fields[i].name, generic(b, type, &f->fields[i]));
        }
        return o;
    }
    case CAT_F_RECORD_REF:
        return json_integer(b->c->last_record);
    }
    return json_null();
}

static bool condition_holds(const json_t *body, const struct cat_required_if *ri)
{
    const json_t *v = json_object_get(body, ri->field);
    if (v == NULL)
        return false;
    if (ri->is_bool)
        return json_is_boolean(v) && json_is_true(v) == ri->equals_bool;
    return json_is_string(v) && is(json_string_value(v), ri->equals_str);
}

/*
 * The body of a step's record: every required field, every field whose
 * required_if holds, and the optional fields an override fills.
 */
static int build_body(const struct bctx *b, json_t **out, struct sx_err *err)
{
    const char *type = b->st->action->record_type;
    const struct cat_type *t = cat_find(b->g->app->catalog, type);
    json_t *body = json_object();
    bool changed = true;
    *out = NULL;
    if (t == NULL || body == NULL) {
        json_decref(body);
        return t == NULL ? SX_FAIL(err, SX_E_INTERNAL, "demo-script", "演示数据脚本有误", SRC_DEMO,
                                   NULL, "记录类型 %s 不在目录中", type)
                         : fail_nomem(err);
    }
    for (size_t i = 0; i < t->n_fields; i++) {
        const struct cat_field *f = &t->fields[i];
        json_t *v = override(b, type, f);
        if (v == NULL && f->required)
            v = generic(b, type, f);
        if (v != NULL && json_object_set_new(body, f->name, v) != 0) {
            json_decref(body);
            return fail_nomem(err);
        }
    }
    /* conditional fields; a condition may depend on another conditional field */
    for (int pass = 0; changed && pass < 4; pass++) {
        changed = false;
        for (size_t i = 0; i < t->n_fields; i++) {
            const struct cat_field *f = &t->fields[i];
            if (f->required_if.field == NULL || json_object_get(body, f->name) != NULL ||
                !condition_holds(body, &f->required_if))
                continue;
            json_t *v = generic(b, type, f);
            if (v == NULL || json_object_set_new(body, f->name, v) != 0) {
                json_decref(body);
                return fail_nomem(err);
            }
            changed = true;
        }
    }
    *out = body;
    return 0;
}

/* Who takes the step: the first of the action's roles the case's org can field. */
static const struct app_principal *actor_for(const struct dcase *c, const struct wf_action *a)
{
    for (size_t i = 0; i < a->n_roles; i++) {
        const char *r = a->roles[i];
        if (is(r, "officer"))
            return c->off[0];
        if (is(r, "head"))
            return &c->org->head;
        if (is(r, "reviewer"))
            return &c->org->reviewer;
        if (is(r, "archivist") && c->org->has_archivist)
            return &c->org->archivist;
    }
    return NULL;
}

static int parties_json(const struct dcase *c, json_t **out)
{
    json_t *p =
        c->person
            ? json_pack("{ss ss ss ss ss}", "kind", "person", "name", c->party, "id_number",
                        c->party_id, "address", c->address, "phone", c->phone)
            : json_pack("{ss ss ss ss ss ss}", "kind", "org", "name", c->party, "uscc", c->party_id,
                        "legal_rep", c->legal_rep, "address", c->address, "phone", c->phone);
    *out = p != NULL ? json_pack("[o]", p) : NULL;
    return *out != NULL ? 0 : -1;
}

static void note_where(struct gen *g, const struct dcase *c, size_t step)
{
    snprintf(g->out->where, sizeof(g->out->where), "演示案件 %zu（%s，机构 %s）第 %zu 步 %s",
             c->idx + 1, app_kind_name(c->sc->kind), c->org->spec->code, step,
             step == 0 ? "登记案件" : c->steps[step].action->key);
}

static int run_open(struct gen *g, struct dcase *c, struct sx_err *err)
{
    json_t *parties = NULL;
    int64_t officers[3];
    for (size_t i = 0; i < c->n_off; i++)
        officers[i] = c->off[i]->user_id;
    if (parties_json(c, &parties) != 0)
        return fail_nomem(err);
    struct app_case_new in = {
        .kind = app_kind_name(c->sc->kind),
        .org_id = c->org->id,
        .source = c->source,
        .cause = c->cause,
        .at = c->steps[0].at,
        .parties = parties,
        .officers = officers,
        .n_officers = c->n_off,
    };
    int rc = app_case_create(g->ctx, c->off[0], &in, &c->id, err);
    json_decref(parties);
    c->state = wf_initial(c->def)->key;
    return rc;
}

static int run_step(struct gen *g, struct dcase *c, size_t j, struct sx_err *err)
{
    struct bctx b = {.g = g, .c = c, .st = &c->steps[j]};
    struct app_step_result res;
    json_t *body = NULL;
    int rc;
    b.next = j + 1 < c->n_steps ? c->steps[j + 1].action : NULL;
    b.actor = actor_for(c, b.st->action);
    if (b.actor == NULL)
        return SX_FAIL(err, SX_E_INTERNAL, "demo-script", "演示数据脚本有误", SRC_DEMO, NULL,
                       "机构 %s 没有能执行「%s」的人员", c->org->spec->code, b.st->action->name_zh);
    date_text(b.st->day, b.date);
    snprintf(b.number, sizeof(b.number), "%s", c->number != NULL ? c->number : "");
    rc = build_body(&b, &body, err);
    if (rc != 0)
        return rc;
    struct app_step step = {.action = b.st->action->key,
                            .at = b.st->at,
                            .body = body,
                            .corrects = is(b.st->action->key, "correct") ? c->last_record : 0};
    memset(&res, 0, sizeof(res));
    rc = app_case_step(g->ctx, b.actor, c->id, &step, &res, err);
    json_decref(body);
    if (rc != 0)
        return rc;
    c->last_record = res.record.id;
    c->state =
        wf_state_find(c->def, res.state) != NULL ? wf_state_find(c->def, res.state)->key : c->state;
    if (c->number == NULL && res.number != NULL && res.number[0] != '\0') {
        c->number = pdup(g, res.number);
        if (c->number == NULL)
            return fail_nomem(err);
    }
    return 0;
}

struct event {
    const char *at;
    size_t c, step;
};

static int event_cmp(const void *pa, const void *pb)
{
    const struct event *a = pa, *b = pb;
    int k = strcmp(a->at, b->at);
    if (k != 0)
        return k;
    if (a->c != b->c)
        return a->c < b->c ? -1 : 1;
    return a->step < b->step ? -1 : a->step > b->step;
}

static int run_cases(struct gen *g, struct sx_err *err)
{
    size_t n = 0;
    int rc = 0;
    for (size_t i = 0; i < g->n_cases; i++)
        n += g->cases[i].n_steps;
    struct event *ev = calloc(n, sizeof(*ev));
    if (ev == NULL)
        return fail_nomem(err);
    n = 0;
    for (size_t i = 0; i < g->n_cases; i++) {
        for (size_t j = 0; j < g->cases[i].n_steps; j++)
            ev[n++] = (struct event){.at = g->cases[i].steps[j].at, .c = i, .step = j};
    }
    qsort(ev, n, sizeof(*ev), event_cmp);
    for (size_t k = 0; rc == 0 && k < n; k++) {
        struct dcase *c = &g->cases[ev[k].c];
        rc = ev[k].step == 0 ? run_open(g, c, err) : run_step(g, c, ev[k].step, err);
        if (rc != 0)
            note_where(g, c, ev[k].step);
        sx_arena_reset(&g->work);
    }
    free(ev);
    for (size_t i = 0; rc == 0 && i < g->n_cases; i++) {
        const struct dcase *c = &g->cases[i];
        if (!is(c->state, c->sc->target)) {
            note_where(g, c, c->n_steps - 1);
            rc = SX_FAIL(err, SX_E_INTERNAL, "demo-script", "演示数据脚本有误", SRC_DEMO, NULL,
                         "案件停在 %s，脚本的目标是 %s", c->state, c->sc->target);
        }
    }
    return rc;
}

/* ---- the run ---- */

static int check_empty(struct gen *g, struct sx_err *err)
{
    struct st_org *orgs = NULL;
    size_t n = 0;
    int more = 0;
    int rc = st_org_list(g->ctx->db, 0, 1, g->ctx->arena, &orgs, &n, &more, err);
    if (rc != 0)
        return rc;
    if (n > 0)
        return SX_FAIL(err, SX_E_CONFLICT, "demo-not-empty",
                       "数据库中已有机构数据，不能生成演示数据", SRC_DEMO, NULL,
                       "演示数据只能写入刚初始化的空数据库（已有机构 %s）；"
                       "请换一个 --db 并先运行 sanxiang init",
                       orgs[0].code);
    return 0;
}

static int set_window(struct gen *g, struct sx_err *err)
{
    int32_t today = 0;
    int rc = cal_date_parse(DEMO_FIRST_DAY, &g->window_first, err);
    if (rc == 0)
        rc = cal_date_parse(DEMO_LAST_DAY, &g->window_last, err);
    if (rc == 0)
        rc = cal_date_parse(app_today(g->ctx), &today, err);
    if (rc != 0)
        return rc;
    if (g->window_last > today - 1)
        g->window_last = today - 1; /* no record may lie in the future */
    if (g->window_last - g->window_first < 300)
        return SX_FAIL(err, SX_E_INVALID, "demo-window", "系统日期过早，无法生成演示数据", SRC_DEMO,
                       NULL, "演示案件的日期从 %s 开始，系统日期须晚于 2025-11-01", DEMO_FIRST_DAY);
    return pol_deadline(g->app->policy, "hearing_request", &g->statement_days, NULL, NULL, err);
}

static int demo_publicity(struct gen *g, struct sx_err *err);

static int generate(struct gen *g, const struct app_demo_options *opt, struct sx_err *err)
{
    int rc = check_empty(g, err);
    if (rc == 0)
        rc = set_window(g, err);
    if (rc != 0)
        return rc;
    if (g->statement_days < 5)
        g->statement_days = 5; /* the prior notice's own period_days */
    for (size_t i = 0; rc == 0 && i < N_ORGS; i++)
        rc = create_org(g, i, err);
    if (rc != 0)
        return rc;

    g->n_cases = (size_t)opt->n_cases;
    g->cases = sx_arena_alloc(&g->plan, g->n_cases * sizeof(*g->cases));
    if (g->cases == NULL)
        return fail_nomem(err);
    size_t idx = 0;
    for (size_t i = 0; rc == 0 && i < COUNT(scripts); i++) {
        if (scripts[i].cover)
            rc = plan_case(g, idx++, &scripts[i], err);
    }
    struct rng pick = {g->rng.s ^ 0x2545f4914f6cdd1dull};
    for (; rc == 0 && idx < g->n_cases; idx++)
        rc = plan_case(g, idx, pick_script(&pick), err);
    if (rc == 0)
        rc = run_cases(g, err);
    if (rc == 0)
        rc = demo_publicity(g, err);
    /* prepub: each org's published pre-publicity and one 双随机 draw (issue 4 points 1-2) */
    for (size_t i = 0; rc == 0 && i < N_ORGS; i++) {
        rc = app_prepub_demo_org(g->ctx, g->orgs[i].id, &g->orgs[i].head, (int)i, err);
        sx_arena_reset(&g->work);
    }
    /* stats: each org's annual report of last year, filed, approved, published (HB-1-15) */
    for (size_t i = 0; rc == 0 && i < N_ORGS; i++)
        rc = app_annual_demo_org(g->ctx, g->orgs[i].id, &g->orgs[i].head, &g->orgs[i].publisher,
                                 err);
    return rc;
}

static int fill_result(struct gen *g, struct app_demo_result *out, struct sx_err *err)
{
    struct sx_arena *a = g->caller_arena;
    struct app_demo_login *l = sx_arena_alloc(a, (g->n_logins + 1) * sizeof(*l));
    char d[CAL_DATE_BUFSZ];
    int32_t first = 0, last = 0;
    if (l == NULL)
        return fail_nomem(err);
    for (size_t i = 0; i < g->n_logins; i++) {
        l[i].username = sx_arena_strdup(a, g->logins[i].username);
        l[i].display_name = sx_arena_strdup(a, g->logins[i].display_name);
        l[i].roles_zh = sx_arena_strdup(a, g->logins[i].roles_zh);
        l[i].org_name = g->logins[i].org_name;
        l[i].note = g->logins[i].note != NULL ? sx_arena_strdup(a, g->logins[i].note) : NULL;
    }
    out->logins = l;
    out->n_orgs = N_ORGS;
    out->n_users = g->n_logins;
    out->n_cases = g->n_cases;
    for (size_t i = 0; i < g->n_cases; i++) {
        const struct dcase *c = &g->cases[i];
        out->cases_by_kind[c->sc->kind]++;
        if (first == 0 || c->steps[0].day < first)
            first = c->steps[0].day;
        if (c->steps[c->n_steps - 1].day > last)
            last = c->steps[c->n_steps - 1].day;
    }
    {
        /* the steps' records plus what they made (publicity items, issue 4) */
        struct st_counts counts;
        int rc = st_counts(g->ctx->db, app_now(g->ctx), &counts, err);
        if (rc != 0)
            return rc;
        out->n_records = (size_t)counts.records;
    }
    out->first_day = sx_arena_strdup(a, date_text(first, d));
    out->last_day = sx_arena_strdup(a, date_text(last, d));
    return 0;
}

int app_demo_generate(struct app_ctx *ctx, const struct app_demo_options *opt,
                      struct app_demo_result *out, struct sx_err *err)
{
    struct gen *g;
    int rc;
    memset(out, 0, sizeof(*out));
    if (opt->n_cases < app_demo_min_cases() || opt->n_cases > APP_DEMO_CASES_MAX)
        return SX_FAIL(err, SX_E_INVALID, "demo-cases", "演示案件数量超出范围", SRC_DEMO, "cases",
                       "案件数须在 %d 到 %d 之间（每个流程状态至少一件）", app_demo_min_cases(),
                       APP_DEMO_CASES_MAX);
    g = calloc(1, sizeof(*g));
    if (g == NULL)
        return fail_nomem(err);
    g->ctx = ctx;
    g->app = ctx->app;
    g->out = out;
    g->rng.s = opt->seed;
    g->caller_arena = ctx->arena;
    sx_arena_init(&g->plan, 1u << 20);
    sx_arena_init(&g->work, 1u << 16);
    ctx->arena = &g->work;
    rc = generate(g, opt, err);
    ctx->arena = g->caller_arena;
    if (rc == 0)
        rc = fill_result(g, out, err);
    sx_arena_free(&g->work);
    sx_arena_free(&g->plan);
    free(g);
    return rc;
}

/* ---- results publicity (issue 4) ---- */

/*
 * After the cases ran, each decision has its publicity item (made by the step). Take most of
 * them through draft → approval → publication a few working days after the decision, leave some
 * pending (overdue by now) or approved, exempt one (crime referral), withdraw one after a
 * reconsideration changed it, and file one party correction request, so that the portal and the
 * publisher's queue are not empty. The minors' items were exempted by the step itself.
 */
struct demo_item {
    int64_t id, org_id, decision_record_id, case_id;
    int32_t decided;
};

static int demo_at(struct gen *g, int32_t day, char buf[32])
{
    char d[CAL_DATE_BUFSZ];
    if (day > g->window_last)
        return 1;
    snprintf(buf, 32, "%sT02:00:00Z", date_text(day, d));
    g->ctx->fixed_now = buf;
    return 0;
}

/* A decision's full text with the party's private data in it, for redaction to remove. */
static const char *demo_full_text(struct gen *g, const struct demo_item *di, struct sx_err *err)
{
    struct st_record rec;
    struct st_party *p = NULL;
    size_t np = 0;
    json_t *b;
    const char *text;
    if (st_record_get(g->ctx->db, di->decision_record_id, g->ctx->arena, &rec, err) != 0 ||
        st_party_list(g->ctx->db, di->case_id, g->ctx->arena, &p, &np, err) != 0 || np == 0)
        return NULL;
    b = json_loads(rec.body, 0, NULL);
    if (b == NULL)
        return NULL;
    const char *who =
        strcmp(p[0].kind, "person") == 0
            ? sx_arena_printf(g->ctx->arena, "当事人：%s，身份证号码：%s，住址：%s，联系电话：%s。",
                              p[0].name, p[0].id_number, p[0].address ? p[0].address : "",
                              p[0].phone ? p[0].phone : "")
            : sx_arena_printf(g->ctx->arena,
                              "当事人：%s，统一社会信用代码：%s，法定代表人：%s，住所：%s，"
                              "联系电话：%s。",
                              p[0].name, p[0].uscc, p[0].legal_rep ? p[0].legal_rep : "",
                              p[0].address ? p[0].address : "", p[0].phone ? p[0].phone : "");
    text = sx_arena_printf(
        g->ctx->arena, "%s\n%s\n经查：%s\n上述事实有%s等证据证实。\n依据%s，本机关决定如下：%s\n%s",
        json_string_value(json_object_get(b, "decision_no")), who,
        json_string_value(json_object_get(b, "facts")),
        json_string_value(json_object_get(b, "evidence")),
        json_string_value(json_object_get(b, "basis")),
        json_is_integer(json_object_get(b, "fine_fen"))
            ? sx_arena_printf(g->ctx->arena, "罚款%lld元。",
                              (long long)(json_integer_value(json_object_get(b, "fine_fen")) / 100))
            : "见决定书。",
        json_string_value(json_object_get(b, "remedies")));
    json_decref(b);
    return text;
}

static int demo_publicity(struct gen *g, struct sx_err *err)
{
    struct demo_item *items = NULL;
    size_t n = 0, cap = 0;
    const char *saved_now = g->ctx->fixed_now;
    int rc = 0;
    bool withdrawn = false, exempted = false, corrected = false;

    /* the pending items, oldest first, remembered in the plan arena */
    for (size_t o = 0; rc == 0 && o < N_ORGS; o++) {
        int64_t after = 0;
        int more = 1;
        while (rc == 0 && more) {
            struct st_pub_item *page = NULL;
            size_t np = 0;
            rc = st_pub_list(g->ctx->db, &g->orgs[o].id, 1, "pending", after, ST_LIST_MAX,
                             g->ctx->arena, &page, &np, &more, err);
            for (size_t i = 0; rc == 0 && i < np; i++) {
                if (n == cap) {
                    struct demo_item *bigger =
                        sx_arena_alloc(&g->plan, (cap * 2 + 64) * sizeof(*bigger));
                    if (bigger == NULL)
                        return fail_nomem(err);
                    if (n > 0)
                        memcpy(bigger, items, n * sizeof(*items));
                    items = bigger;
                    cap = cap * 2 + 64;
                }
                items[n] = (struct demo_item){.id = page[i].id,
                                              .org_id = page[i].org_id,
                                              .decision_record_id = page[i].decision_record_id,
                                              .case_id = page[i].case_id};
                rc = cal_date_parse(page[i].decided_on, &items[n].decided, err);
                n++;
                after = page[i].id;
            }
            sx_arena_reset(&g->work);
        }
    }
    for (size_t k = 0; rc == 0 && k < n; k++) {
        const struct demo_item *di = &items[k];
        struct dorg *o = NULL;
        char at[32];
        int32_t d1 = 0, d2 = 0, d3 = 0;
        for (size_t j = 0; j < N_ORGS && o == NULL; j++)
            o = g->orgs[j].id == di->org_id ? &g->orgs[j] : NULL;
        if (o == NULL || k % 8 == 6)
            continue; /* left pending: overdue once its 7 or 20 working days pass */
        rc = add_wd(g, di->decided, 1, &d1, err);
        if (rc == 0)
            rc = add_wd(g, di->decided, 2, &d2, err);
        if (rc == 0)
            rc = add_wd(g, di->decided, 3, &d3, err);
        if (rc != 0 || demo_at(g, d1, at) != 0)
            continue;
        if (!exempted && k >= 2) {
            exempted = true;
            rc = app_pub_exempt(g->ctx, &o->head, di->id, "crime_referral",
                                "案件涉嫌诈骗医保基金犯罪，已移送公安机关，公安机关正在侦查", err);
            sx_arena_reset(&g->work);
            continue;
        }
        struct app_pub_draft_in in = {.form = k % 4 == 3 ? "full" : "summary"};
        if (k % 4 == 3 && (in.full_text = demo_full_text(g, di, err)) == NULL)
            in.form = "summary";
        rc = app_pub_draft(g->ctx, &o->publisher, di->id, &in, err);
        if (rc == 0 && demo_at(g, d2, at) == 0)
            rc = app_pub_approve(g->ctx, &o->head, di->id, "同意公示", err);
        else
            d3 = g->window_last + 1;
        if (rc == 0 && k % 8 != 5 && demo_at(g, d3, at) == 0) {
            rc = app_pub_publish(g->ctx, &o->publisher, di->id, NULL, NULL, err);
            int32_t w0 = 0, w1 = 0, w2 = 0;
            if (rc == 0 && !withdrawn && k >= 9 && add_wd(g, d3, 8, &w0, err) == 0 &&
                add_wd(g, d3, 9, &w1, err) == 0 && add_wd(g, d3, 10, &w2, err) == 0 &&
                demo_at(g, w2, at) == 0) {
                char c0[CAL_DATE_BUFSZ], c1[CAL_DATE_BUFSZ], docno[64];
                snprintf(docno, sizeof(docno), "云医保复决〔%d〕3号", cal_date_year(w0));
                json_t *change =
                    json_pack("{ss ss ss ss ss ss}", "change_kind", "changed_reconsideration",
                              "authority", "云南省医疗保障局", "document_no", docno, "change_date",
                              date_text(w0, c0), "received_on", date_text(w1, c1), "content",
                              "经行政复议，认定部分违法事实证据不足，变更罚款数额，其余维持。");
                withdrawn = true;
                rc = change == NULL ? fail_nomem(err)
                                    : app_pub_withdraw(g->ctx, &o->publisher, di->id, change, err);
                json_decref(change);
            } else if (rc == 0 && !corrected && k >= 12 && demo_at(g, d3 + 1, at) == 0) {
                /* the party asks for a correction through the portal */
                struct st_pub_item it;
                struct st_party *p = NULL;
                size_t np = 0;
                int64_t cid = 0;
                const char *due = NULL;
                corrected = true;
                rc = st_pub_get(g->ctx->db, di->id, g->ctx->arena, &it, err);
                if (rc == 0)
                    rc = st_party_list(g->ctx->db, di->case_id, g->ctx->arena, &p, &np, err);
                if (rc == 0 && np > 0) {
                    struct app_pub_corr_in ci = {
                        .number = it.case_number,
                        .party_id = p[0].id_number != NULL ? p[0].id_number : p[0].uscc,
                        .content = "公示的违法事实中就诊日期有误，请核实更正。",
                    };
                    rc = app_pub_portal_correction(g->ctx, &ci, &cid, &due, err);
                }
            }
        }
        sx_arena_reset(&g->work);
    }
    g->ctx->fixed_now = saved_now;
    return rc;
}
