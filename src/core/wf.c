/*
 * wf: loading workflow definitions (data/workflows/<kind>.json), checking them
 * (known gates and roles, reachability), and evaluating actions against a
 * case's facts. See wf.h for the model.
 *
 * A definition lives in one arena owned by it. Action "from"/"to" strings
 * point at the state keys themselves, so a state is identified by pointer
 * as well as by name, and to_state handed to callers stays valid as long as
 * the definition.
 */
#include "wf.h"
#include "jdata.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cal.h"
#include "sx_arena.h"

#define WF_KEY_MAX 63

/* Sources of the gates' own rules (cited when a gate refuses). */
#define SRC_TWO_OFFICERS "云南 附件1 第八条 (YN-1-08); 北京 二(二)1 (BJ-2.2-1)"
#define SRC_CASE_NUMBER "河北 三(三) (HE-3.3); 案件编号一经生成不得重复使用"
#define SRC_SUSPENDED "湖北 附件2 第四条 (HB-2-04) 中止"
#define SRC_CLOSED "湖北 附件2 第四条 (HB-2-04) 终结; 汶上 第二十三条 (WS-23)"
#define SRC_STATEMENT "汶上 第十四条 (WS-14); 《行政处罚法》第四十四、四十五、六十四条"
#define SRC_REVIEW                                                                                 \
    "云南 附件3 第三条 (YN-3-03); 湖北 附件3 第四条 (HB-3-04); 云南 附件3 第七条 (YN-3-07)"
#define SRC_ORG "《行政处罚法》第二十二条（管辖）; 上级机关负责人方可办理下级机关案件"

struct wf_def {
    struct sx_arena arena;
    const char *kind;
    const char *name_zh;
    struct wf_state *states;
    size_t n_states;
    size_t initial;
    struct wf_action *actions;
    size_t n_actions;
};

/* ---- roles and gates ------------------------------------------------ */

static const struct {
    const char *key;
    const char *name_zh;
} roles[] = {
    {"officer", "执法人员"},   {"reviewer", "法制审核人员"},  {"head", "负责人"},
    {"publisher", "公示人员"}, {"archivist", "档案管理人员"}, {"supervisor", "监督人员"},
    {"admin", "系统管理员"},
};
#define N_ROLES (sizeof(roles) / sizeof(roles[0]))

const char *wf_role_name_zh(const char *role)
{
    if (role == NULL)
        return NULL;
    for (size_t i = 0; i < N_ROLES; i++) {
        if (strcmp(roles[i].key, role) == 0)
            return roles[i].name_zh;
    }
    return NULL;
}

static int gate_role(const struct wf_def *def, const struct wf_action *a, const struct wf_facts *f,
                     struct sx_err *err);
static int gate_two_officers(const struct wf_def *def, const struct wf_action *a,
                             const struct wf_facts *f, struct sx_err *err);
static int gate_case_number(const struct wf_def *def, const struct wf_action *a,
                            const struct wf_facts *f, struct sx_err *err);
static int gate_not_suspended(const struct wf_def *def, const struct wf_action *a,
                              const struct wf_facts *f, struct sx_err *err);
static int gate_not_closed(const struct wf_def *def, const struct wf_action *a,
                           const struct wf_facts *f, struct sx_err *err);
static int gate_statement(const struct wf_def *def, const struct wf_action *a,
                          const struct wf_facts *f, struct sx_err *err);
static int gate_review(const struct wf_def *def, const struct wf_action *a,
                       const struct wf_facts *f, struct sx_err *err);

static const struct {
    const char *name;
    int (*fn)(const struct wf_def *def, const struct wf_action *a, const struct wf_facts *f,
              struct sx_err *err);
} gates[] = {
    {"role", gate_role},
    {"two_officers", gate_two_officers},
    {"case_number_issued", gate_case_number},
    {"not_suspended", gate_not_suspended},
    {"not_closed", gate_not_closed},
    {"statement_period_over", gate_statement},
    {"legal_review_passed", gate_review},
};
#define N_GATES (sizeof(gates) / sizeof(gates[0]))

size_t wf_gate_count(void)
{
    return N_GATES;
}

const char *wf_gate_name(size_t i)
{
    return i < N_GATES ? gates[i].name : NULL;
}

bool wf_gate_known(const char *name)
{
    if (name == NULL)
        return false;
    for (size_t i = 0; i < N_GATES; i++) {
        if (strcmp(gates[i].name, name) == 0)
            return true;
    }
    return false;
}

static int gate_index(const char *name)
{
    for (size_t i = 0; i < N_GATES; i++) {
        if (strcmp(gates[i].name, name) == 0)
            return (int)i;
    }
    return -1;
}

/* A fact a gate needs is missing or malformed: the caller's bug, refused. */
static int missing_fact(struct sx_err *err, const struct wf_action *a, const char *field,
                        const char *what)
{
    return SX_FAIL(err, SX_E_INVALID, "missing-fact", "缺少判断所需的信息", WF_SOURCE, field,
                   "「%s」需要%s", a->name_zh, what);
}

static bool has_role(const struct wf_facts *f, const char *role)
{
    for (size_t i = 0; i < f->n_actor_roles; i++) {
        if (f->actor_roles[i] != NULL && strcmp(f->actor_roles[i], role) == 0)
            return true;
    }
    return false;
}

static bool action_has_role(const struct wf_action *a, const char *role)
{
    for (size_t i = 0; i < a->n_roles; i++) {
        if (strcmp(a->roles[i], role) == 0)
            return true;
    }
    return false;
}

/* "负责人、法制审核人员" for a role list. */
static void join_roles_zh(const char *const *list, size_t n, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const char *zh = wf_role_name_zh(list[i]);
        int k =
            snprintf(buf + len, cap - len, "%s%s", i > 0 ? "、" : "", zh != NULL ? zh : list[i]);
        if (k < 0 || (size_t)k >= cap - len) {
            buf[len] = '\0'; /* drop a piece that does not fit whole */
            return;
        }
        len += (size_t)k;
    }
}

static int gate_role(const struct wf_def *def, const struct wf_action *a, const struct wf_facts *f,
                     struct sx_err *err)
{
    bool role_ok = false;
    (void)def;
    for (size_t i = 0; i < a->n_roles && !role_ok; i++)
        role_ok = has_role(f, a->roles[i]);
    if (!role_ok && f->brief)
        return SX_FAIL(err, SX_E_FORBIDDEN, "role-forbidden", "无权执行该操作", a->source, "role",
                       NULL);
    if (!role_ok) {
        char want[160], have[160];
        join_roles_zh(a->roles, a->n_roles, want, sizeof(want));
        join_roles_zh(f->actor_roles, f->n_actor_roles, have, sizeof(have));
        return SX_FAIL(err, SX_E_FORBIDDEN, "role-forbidden", "无权执行该操作", a->source, "role",
                       "「%s」须由%s执行，当前用户角色：%s", a->name_zh, want,
                       have[0] != '\0' ? have : "无");
    }
    if (f->actor_org == f->case_org)
        return 0;
    /* A superior org's head may act on a subordinate's case (DESIGN §6);
     * nobody else acts outside the case's org. */
    if (f->actor_org_is_ancestor && has_role(f, "head") && action_has_role(a, "head"))
        return 0;
    return SX_FAIL(err, SX_E_FORBIDDEN, "org-forbidden", "不属于本案执法主体", SRC_ORG, "org",
                   "用户所在机关（%lld）不是本案执法主体（%lld）%s，不能进行「%s」",
                   (long long)f->actor_org, (long long)f->case_org,
                   f->actor_org_is_ancestor ? "，上级机关仅负责人可办理" : "", a->name_zh);
}

static int gate_two_officers(const struct wf_def *def, const struct wf_action *a,
                             const struct wf_facts *f, struct sx_err *err)
{
    int32_t day;
    size_t distinct = 0;
    (void)def;
    if (f->day_parsed)
        day = f->day;
    else if (f->date == NULL || cal_date_parse(f->date, &day, NULL) != 0)
        return missing_fact(err, a, "date", "记录日期（YYYY-MM-DD）以核对执法证有效期");
    for (size_t i = 0; i < f->n_officers; i++) {
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = f->officers[j].user_id == f->officers[i].user_id;
        if (!seen)
            distinct++;
    }
    if (distinct < 2)
        return SX_FAIL(err, SX_E_GATE, "two-officers", "现场执法须两名以上执法人员",
                       SRC_TWO_OFFICERS, "officers", "「%s」仅有 %zu 名执法人员，至少需要 2 名",
                       a->name_zh, distinct);
    for (size_t i = 0; i < f->n_officers; i++) {
        const struct wf_officer *o = &f->officers[i];
        char nb[49], cb[49];
        const char *name = sx_clip(nb, sizeof(nb), o->name != NULL ? o->name : "");
        int32_t from, to;
        if (o->cert_no == NULL || o->cert_no[0] == '\0')
            return SX_FAIL(err, SX_E_GATE, "officer-credential-invalid", "执法人员未持有效执法证件",
                           SRC_TWO_OFFICERS, "officers", "执法人员%s（编号 %lld）没有执法证", name,
                           (long long)o->user_id);
        if (o->days_parsed) {
            from = o->valid_from_day;
            to = o->valid_to_day;
        } else if (o->cert_valid_from == NULL || o->cert_valid_to == NULL ||
                   cal_date_parse(o->cert_valid_from, &from, NULL) != 0 ||
                   cal_date_parse(o->cert_valid_to, &to, NULL) != 0)
            return SX_FAIL(err, SX_E_GATE, "officer-credential-invalid", "执法人员未持有效执法证件",
                           SRC_TWO_OFFICERS, "officers",
                           "执法人员%s（编号 %lld）的执法证 %s 有效期缺失或格式错误", name,
                           (long long)o->user_id, sx_clip(cb, sizeof(cb), o->cert_no));
        if (day < from || day > to)
            return SX_FAIL(err, SX_E_GATE, "officer-credential-invalid", "执法人员未持有效执法证件",
                           SRC_TWO_OFFICERS, "officers",
                           "执法人员%s（编号 %lld）的执法证 %s 在 %s 不在有效期内（%s 至 %s）",
                           name, (long long)o->user_id, sx_clip(cb, sizeof(cb), o->cert_no),
                           f->date, o->cert_valid_from, o->cert_valid_to);
    }
    return 0;
}

static int gate_case_number(const struct wf_def *def, const struct wf_action *a,
                            const struct wf_facts *f, struct sx_err *err)
{
    (void)def;
    if (f->case_number != NULL && f->case_number[0] != '\0')
        return 0;
    return SX_FAIL(err, SX_E_GATE, "case-number-missing", "案件尚未编号", SRC_CASE_NUMBER,
                   "case_number", "「%s」须在案件取得案件编号后进行", a->name_zh);
}

static int gate_not_suspended(const struct wf_def *def, const struct wf_action *a,
                              const struct wf_facts *f, struct sx_err *err)
{
    const struct wf_state *st = wf_state_find(def, f->state);
    if (st == NULL || !st->suspended)
        return 0;
    return SX_FAIL(err, SX_E_GATE, "case-suspended", "案件已中止", SRC_SUSPENDED, "state",
                   "案件处于「%s」状态，恢复后方可进行「%s」", st->name_zh, a->name_zh);
}

static int gate_not_closed(const struct wf_def *def, const struct wf_action *a,
                           const struct wf_facts *f, struct sx_err *err)
{
    const struct wf_state *st = wf_state_find(def, f->state);
    if (st == NULL || !st->closed)
        return 0;
    return SX_FAIL(err, SX_E_GATE, "case-closed", "案件已结案或已移送", SRC_CLOSED, "state",
                   "案件处于「%s」状态，不能再进行「%s」", st->name_zh, a->name_zh);
}

static int gate_statement(const struct wf_def *def, const struct wf_action *a,
                          const struct wf_facts *f, struct sx_err *err)
{
    int32_t day, notice, deadline;
    (void)def;
    /* A requested hearing must be over whatever else was waived. */
    if (f->hearing_requested && !f->hearing_concluded)
        return SX_FAIL(err, SX_E_GATE, "hearing-pending", "听证程序尚未结束", SRC_STATEMENT,
                       "hearing", "当事人已申请听证，听证结束（听证报告）前不能进行「%s」",
                       a->name_zh);
    if (f->statement_waived)
        return 0;
    if (f->notice_date == NULL)
        return SX_FAIL(
            err, SX_E_GATE, "no-prior-notice", "尚未进行行政处罚事先告知", SRC_STATEMENT,
            "notice_date",
            "须先告知拟作出的处罚及陈述、申辩、听证权利，期限届满或当事人放弃后方可进行「%s」",
            a->name_zh);
    if (f->date == NULL || cal_date_parse(f->date, &day, NULL) != 0)
        return missing_fact(err, a, "date", "决定日期（YYYY-MM-DD）");
    if (cal_date_parse(f->notice_date, &notice, NULL) != 0)
        return missing_fact(err, a, "notice_date", "事先告知日期（YYYY-MM-DD）");
    if (f->statement_deadline == NULL ||
        cal_date_parse(f->statement_deadline, &deadline, NULL) != 0)
        return missing_fact(err, a, "statement_deadline", "陈述申辩期限的最后一日（YYYY-MM-DD）");
    if (day <= deadline)
        return SX_FAIL(err, SX_E_GATE, "statement-period-open", "陈述申辩期限尚未届满",
                       SRC_STATEMENT, "statement_deadline",
                       "事先告知于 %s，陈述申辩、申请听证期限至 %s，%s 不能进行「%s」",
                       f->notice_date, f->statement_deadline, f->date, a->name_zh);
    return 0;
}

static int gate_review(const struct wf_def *def, const struct wf_action *a,
                       const struct wf_facts *f, struct sx_err *err)
{
    (void)def;
    if (!f->review_required || f->review_passed || f->review_emergency)
        return 0;
    return SX_FAIL(err, SX_E_GATE, "legal-review-required", "重大执法决定未经法制审核或审核未通过",
                   SRC_REVIEW, "review", "本案属于法制审核范围，法制审核通过前不能进行「%s」",
                   a->name_zh);
}

/* ---- loading -------------------------------------------------------- */

/* Format a JSON path or field name for messages; truncation is harmless there. */
static const struct jd_kind JD = {"invalid-workflow", "流程定义有误", WF_SOURCE, "流程定义",
                                  "workflow-too-big"};

static int load_fail(struct sx_err *err, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int load_fail(struct sx_err *err, const char *path, const char *fmt, ...)
{
    char detail[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    return jd_fail(&JD, err, path, "%s", detail);
}

static int nomem(struct sx_err *err)
{
    return jd_nomem(&JD, err);
}

static ptrdiff_t state_index(const struct wf_def *def, const char *key)
{
    for (size_t i = 0; i < def->n_states; i++) {
        if (strcmp(def->states[i].key, key) == 0)
            return (ptrdiff_t)i;
    }
    return -1;
}

static int parse_states(struct wf_def *def, const json_t *arr, struct sx_err *err)
{
    static const char *const members[] = {"key",       "name_zh", "terminal",
                                          "suspended", "closed",  NULL};
    size_t n = json_array_size(arr), n_terminal = 0;
    if (!json_is_array(arr) || n == 0)
        return load_fail(err, "states", "states 必须是非空数组");
    if (n > WF_MAX_STATES) /* each action keeps its from-states as bits of a uint64_t */
        return load_fail(err, "states", "状态不能超过 %d 个", WF_MAX_STATES);
    def->states = sx_arena_alloc(&def->arena, n * sizeof(*def->states));
    if (def->states == NULL)
        return nomem(err);
    for (size_t i = 0; i < n; i++) {
        struct wf_state *s = &def->states[i];
        json_t *o = json_array_get(arr, i);
        char p[64];
        int rc;
        jd_path(p, sizeof(p), "states[%zu]", i);
        if (!json_is_object(o))
            return load_fail(err, p, "状态必须是对象");
        rc = jd_check_members(&JD, o, members, p, err);
        if (rc == 0)
            rc = jd_need_str(&JD, &def->arena, o, "key", p, &s->key, err);
        if (rc == 0)
            rc = jd_need_str(&JD, &def->arena, o, "name_zh", p, &s->name_zh, err);
        if (rc == 0)
            rc = jd_opt_bool(&JD, o, "terminal", p, &s->terminal, err);
        if (rc == 0)
            rc = jd_opt_bool(&JD, o, "suspended", p, &s->suspended, err);
        if (rc == 0)
            rc = jd_opt_bool(&JD, o, "closed", p, &s->closed, err);
        if (rc != 0)
            return rc;
        if (!jd_is_snake(s->key, WF_KEY_MAX))
            return load_fail(err, p, "状态键「%s」必须是 snake_case", s->key);
        if ((int)s->terminal + (int)s->suspended + (int)s->closed > 1)
            return load_fail(err, p, "terminal、suspended、closed 只能设置其一");
        def->n_states = i;
        if (state_index(def, s->key) >= 0)
            return load_fail(err, p, "状态「%s」重复", s->key);
        def->n_states = i + 1;
        n_terminal += s->terminal;
    }
    if (n_terminal == 0)
        return load_fail(err, "states", "至少需要一个终结状态（terminal）");
    return 0;
}

/* An array of names, each checked by check(), unique; stored in the arena. */
static int parse_name_list(struct wf_def *def, const json_t *arr, const char *path,
                           const char *what, const char ***out, size_t *n_out, struct sx_err *err)
{
    size_t n = json_array_size(arr);
    const char **list;
    if (!json_is_array(arr) || n == 0)
        return load_fail(err, path, "%s必须是非空数组", what);
    list = sx_arena_alloc(&def->arena, n * sizeof(*list));
    if (list == NULL)
        return nomem(err);
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_array_get(arr, i);
        if (!json_is_string(v))
            return load_fail(err, path, "%s第 %zu 项必须是字符串", what, i + 1);
        for (size_t j = 0; j < i; j++) {
            if (strcmp(list[j], json_string_value(v)) == 0)
                return load_fail(err, path, "%s「%s」重复", what, list[j]);
        }
        list[i] = sx_arena_strdup(&def->arena, json_string_value(v));
        if (list[i] == NULL)
            return nomem(err);
    }
    *out = list;
    *n_out = n;
    return 0;
}

static int parse_action(struct wf_def *def, const json_t *o, const char *path, struct wf_action *a,
                        struct sx_err *err)
{
    static const char *const members[] = {"key",   "name_zh", "record_type", "from",   "to",
                                          "roles", "gates",   "source",      "resume", NULL};
    const char **list = NULL;
    size_t n = 0;
    json_t *from, *to;
    char p[96];
    int rc;

    if (!json_is_object(o))
        return load_fail(err, path, "操作必须是对象");
    rc = jd_check_members(&JD, o, members, path, err);
    if (rc == 0)
        rc = jd_need_str(&JD, &def->arena, o, "key", path, &a->key, err);
    if (rc == 0)
        rc = jd_need_str(&JD, &def->arena, o, "name_zh", path, &a->name_zh, err);
    if (rc == 0)
        rc = jd_need_str(&JD, &def->arena, o, "record_type", path, &a->record_type, err);
    if (rc == 0)
        rc = jd_need_str(&JD, &def->arena, o, "source", path, &a->source, err);
    if (rc == 0)
        rc = jd_opt_bool(&JD, o, "resume", path, &a->resume, err);
    if (rc != 0)
        return rc;
    if (!jd_is_snake(a->key, WF_KEY_MAX))
        return load_fail(err, path, "操作键「%s」必须是 snake_case", a->key);
    /* The source is copied whole into sx_err.source; a longer one would be cut mid-character. */
    if (strlen(a->source) >= sizeof(((struct sx_err *)NULL)->source))
        return load_fail(err, path, "source 超过 %zu 字节",
                         sizeof(((struct sx_err *)NULL)->source) - 1);
    if (!jd_is_snake(a->record_type, WF_KEY_MAX))
        return load_fail(err, path, "记录类型「%s」必须是 snake_case", a->record_type);

    /* from: "*" or states; stored as pointers to the state keys */
    jd_path(p, sizeof(p), "%s.from", path);
    from = json_object_get(o, "from");
    if (json_is_string(from) && strcmp(json_string_value(from), "*") == 0) {
        a->from_any = true;
        for (size_t i = 0; i < def->n_states; i++)
            a->from_mask |= def->states[i].terminal ? 0 : UINT64_C(1) << i;
    } else {
        const char **states;
        rc = parse_name_list(def, from, p, "from 状态", &list, &n, err);
        if (rc != 0)
            return rc;
        states = list;
        for (size_t i = 0; i < n; i++) {
            ptrdiff_t si = state_index(def, list[i]);
            if (si < 0)
                return load_fail(err, p, "未定义的状态「%s」", list[i]);
            if (def->states[si].terminal)
                return load_fail(err, p, "终结状态「%s」不能再有操作", list[i]);
            states[i] = def->states[si].key;
            a->from_mask |= UINT64_C(1) << si;
        }
        a->from = states;
        a->n_from = n;
    }

    jd_path(p, sizeof(p), "%s.to", path);
    to = json_object_get(o, "to");
    if (to != NULL && !json_is_null(to)) {
        ptrdiff_t si;
        if (!json_is_string(to) || (si = state_index(def, json_string_value(to))) < 0)
            return load_fail(err, p, "to 必须是已定义的状态或 null");
        a->to = def->states[si].key;
    }
    if (a->resume) {
        if (a->to != NULL || a->from_any)
            return load_fail(err, path, "恢复操作（resume）必须从中止状态出发且不设 to");
        for (size_t i = 0; i < a->n_from; i++) {
            if (!def->states[state_index(def, a->from[i])].suspended)
                return load_fail(err, path, "恢复操作只能从中止状态出发，「%s」不是中止状态",
                                 a->from[i]);
        }
    }
    if (a->to != NULL && def->states[state_index(def, a->to)].suspended) {
        /* The state to resume to is the one the case left; it must be a real one. */
        if (a->from_any)
            return load_fail(err, path, "进入中止状态的操作必须列明出发状态，不能用 \"*\"");
        for (size_t i = 0; i < a->n_from; i++) {
            if (def->states[state_index(def, a->from[i])].suspended)
                return load_fail(err, path, "不能从中止状态「%s」再进入中止状态", a->from[i]);
        }
    }

    jd_path(p, sizeof(p), "%s.roles", path);
    rc = parse_name_list(def, json_object_get(o, "roles"), p, "角色", &list, &n, err);
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        if (wf_role_name_zh(list[i]) == NULL)
            return load_fail(err, p, "未知的角色「%s」", list[i]);
        if (strcmp(list[i], "admin") == 0)
            return load_fail(err, p, "系统管理员（admin）不办理案件，不能执行案件操作");
    }
    a->roles = list;
    a->n_roles = n;

    jd_path(p, sizeof(p), "%s.gates", path);
    rc = parse_name_list(def, json_object_get(o, "gates"), p, "校验", &list, &n, err);
    if (rc != 0)
        return rc;
    {
        /* "role" first, then the others in file order */
        const char **ordered = sx_arena_alloc(&def->arena, n * sizeof(*ordered));
        unsigned char *ids = sx_arena_alloc(&def->arena, n + 1);
        size_t k = 0;
        bool has_role_gate = false;
        if (ordered == NULL || ids == NULL)
            return nomem(err);
        for (size_t i = 0; i < n; i++) {
            int gi = gate_index(list[i]);
            if (gi < 0)
                return load_fail(err, p, "未知的校验「%s」", list[i]);
            if (strcmp(list[i], "role") == 0) {
                has_role_gate = true;
                ids[k] = (unsigned char)gi;
                ordered[k++] = gates[gi].name;
            }
        }
        if (!has_role_gate)
            return load_fail(err, p, "每个操作都必须包含 role 校验");
        for (size_t i = 0; i < n; i++) {
            if (strcmp(list[i], "role") != 0) {
                ids[k] = (unsigned char)gate_index(list[i]);
                ordered[k] = gates[ids[k]].name;
                k++;
            }
        }
        a->gates = ordered;
        a->gate_index = ids;
        a->n_gates = n;
    }
    return 0;
}

/* Every state reachable from the initial one, and a terminal one reachable from every state. */
static int check_graph(struct wf_def *def, struct sx_err *err)
{
    size_t ns = def->n_states;
    bool *edge = calloc(ns * ns, sizeof(*edge)); /* edge[from * ns + to] */
    bool *reach = calloc(ns, sizeof(*reach));
    bool *done = calloc(ns, sizeof(*done));
    bool changed;
    int rc = 0;

    if (edge == NULL || reach == NULL || done == NULL) {
        rc = nomem(err);
        goto cleanup;
    }
    for (size_t ai = 0; ai < def->n_actions; ai++) {
        const struct wf_action *a = &def->actions[ai];
        for (size_t s = 0; s < ns; s++) {
            if (!wf_action_from(def, a, def->states[s].key))
                continue;
            if (a->to != NULL)
                edge[s * ns + (size_t)state_index(def, a->to)] = true;
        }
    }
    /* resume edges: suspended state -> every state that leads into it */
    for (size_t ai = 0; ai < def->n_actions; ai++) {
        const struct wf_action *a = &def->actions[ai];
        if (!a->resume)
            continue;
        for (size_t i = 0; i < a->n_from; i++) {
            size_t sus = (size_t)state_index(def, a->from[i]);
            for (size_t p = 0; p < ns; p++) {
                if (p != sus && edge[p * ns + sus])
                    edge[sus * ns + p] = true;
            }
        }
    }
    for (size_t s = 0; s < ns; s++) {
        if (!def->states[s].suspended)
            continue;
        bool out = false;
        for (size_t ai = 0; ai < def->n_actions && !out; ai++)
            out = def->actions[ai].resume &&
                  wf_action_from(def, &def->actions[ai], def->states[s].key);
        if (!out) {
            rc = load_fail(err, "states", "中止状态「%s」没有恢复操作", def->states[s].key);
            goto cleanup;
        }
    }

    reach[def->initial] = true;
    do {
        changed = false;
        for (size_t s = 0; s < ns; s++) {
            if (!reach[s])
                continue;
            for (size_t t = 0; t < ns; t++) {
                if (edge[s * ns + t] && !reach[t]) {
                    reach[t] = true;
                    changed = true;
                }
            }
        }
    } while (changed);
    for (size_t s = 0; s < ns; s++) {
        if (!reach[s]) {
            rc = load_fail(err, "states", "状态「%s」从初始状态无法到达", def->states[s].key);
            goto cleanup;
        }
        done[s] = def->states[s].terminal;
    }
    do {
        changed = false;
        for (size_t s = 0; s < ns; s++) {
            if (done[s])
                continue;
            for (size_t t = 0; t < ns; t++) {
                if (edge[s * ns + t] && done[t]) {
                    done[s] = true;
                    changed = true;
                    break;
                }
            }
        }
    } while (changed);
    for (size_t s = 0; s < ns; s++) {
        if (!done[s]) {
            rc = load_fail(err, "states", "状态「%s」无法到达任何终结状态", def->states[s].key);
            goto cleanup;
        }
    }

cleanup:
    free(done);
    free(reach);
    free(edge);
    return rc;
}

int wf_load(const char *text, size_t len, struct wf_def **out, struct sx_err *err)
{
    static const char *const members[] = {"kind",    "name_zh", "version", "sources",
                                          "initial", "states",  "actions", NULL};
    struct wf_def *def = NULL;
    json_t *root = NULL;
    json_t *actions;
    const char *initial = NULL;
    ptrdiff_t ii;
    size_t n;
    int rc;

    *out = NULL;
    rc = jd_parse_root(&JD, text, len, WF_TEXT_MAX, members, &root, err);
    if (rc != 0)
        return rc;
    def = calloc(1, sizeof(*def));
    if (def == NULL) {
        rc = nomem(err);
        goto cleanup;
    }
    sx_arena_init(&def->arena, 32 * 1024);
    rc = jd_need_str(&JD, &def->arena, root, "kind", "", &def->kind, err);
    if (rc == 0)
        rc = jd_need_str(&JD, &def->arena, root, "name_zh", "", &def->name_zh, err);
    if (rc == 0)
        rc = jd_need_str(&JD, &def->arena, root, "initial", "", &initial, err);
    if (rc != 0)
        goto cleanup;
    if (!jd_is_snake(def->kind, WF_KEY_MAX)) {
        rc = load_fail(err, "kind", "kind「%s」必须是 snake_case", def->kind);
        goto cleanup;
    }
    if (!json_is_integer(json_object_get(root, "version")) ||
        json_integer_value(json_object_get(root, "version")) != 1) {
        rc = load_fail(err, "version", "只支持 version 1");
        goto cleanup;
    }
    if (json_object_get(root, "sources") != NULL &&
        !json_is_array(json_object_get(root, "sources"))) {
        rc = load_fail(err, "sources", "sources 必须是字符串数组");
        goto cleanup;
    }
    rc = parse_states(def, json_object_get(root, "states"), err);
    if (rc != 0)
        goto cleanup;
    ii = state_index(def, initial);
    if (ii < 0 || def->states[ii].terminal || def->states[ii].suspended) {
        rc = load_fail(err, "initial", "初始状态「%s」必须是已定义的非终结、非中止状态", initial);
        goto cleanup;
    }
    def->initial = (size_t)ii;

    actions = json_object_get(root, "actions");
    n = json_array_size(actions);
    if (!json_is_array(actions) || n == 0) {
        rc = load_fail(err, "actions", "actions 必须是非空数组");
        goto cleanup;
    }
    def->actions = sx_arena_alloc(&def->arena, n * sizeof(*def->actions));
    if (def->actions == NULL) {
        rc = nomem(err);
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++) {
        char p[64];
        jd_path(p, sizeof(p), "actions[%zu]", i);
        rc = parse_action(def, json_array_get(actions, i), p, &def->actions[i], err);
        if (rc != 0)
            goto cleanup;
        def->n_actions = i;
        if (wf_action_find(def, def->actions[i].key) != NULL) {
            rc = load_fail(err, p, "操作「%s」重复", def->actions[i].key);
            goto cleanup;
        }
        def->n_actions = i + 1;
    }
    rc = check_graph(def, err);
    if (rc != 0)
        goto cleanup;

    *out = def;
    def = NULL;

cleanup:
    wf_free(def);
    json_decref(root);
    return rc;
}

void wf_free(struct wf_def *def)
{
    if (def == NULL)
        return;
    sx_arena_free(&def->arena);
    free(def);
}

/* ---- accessors ------------------------------------------------------ */

const char *wf_kind(const struct wf_def *def)
{
    return def->kind;
}

const char *wf_name_zh(const struct wf_def *def)
{
    return def->name_zh;
}

const struct wf_state *wf_initial(const struct wf_def *def)
{
    return &def->states[def->initial];
}

size_t wf_state_count(const struct wf_def *def)
{
    return def->n_states;
}

const struct wf_state *wf_state_at(const struct wf_def *def, size_t i)
{
    return i < def->n_states ? &def->states[i] : NULL;
}

const struct wf_state *wf_state_find(const struct wf_def *def, const char *key)
{
    ptrdiff_t i;
    if (key == NULL)
        return NULL;
    i = state_index(def, key);
    return i < 0 ? NULL : &def->states[i];
}

size_t wf_action_count(const struct wf_def *def)
{
    return def->n_actions;
}

const struct wf_action *wf_action_at(const struct wf_def *def, size_t i)
{
    return i < def->n_actions ? &def->actions[i] : NULL;
}

const struct wf_action *wf_action_find(const struct wf_def *def, const char *key)
{
    if (key == NULL)
        return NULL;
    for (size_t i = 0; i < def->n_actions; i++) {
        if (strcmp(def->actions[i].key, key) == 0)
            return &def->actions[i];
    }
    return NULL;
}

bool wf_action_from(const struct wf_def *def, const struct wf_action *a, const char *state)
{
    return wf_action_from_state(def, a, wf_state_find(def, state));
}

bool wf_action_from_state(const struct wf_def *def, const struct wf_action *a,
                          const struct wf_state *st)
{
    /* terminal states are never in a mask: "*" means every non-terminal state */
    if (st == NULL || st < def->states || st >= def->states + def->n_states)
        return false;
    return (a->from_mask >> (size_t)(st - def->states) & 1) != 0;
}

/* ---- evaluation ----------------------------------------------------- */

void wf_facts_parse_days(struct wf_facts *f, struct wf_officer *officers, size_t n)
{
    f->day_parsed = f->date != NULL && cal_date_parse(f->date, &f->day, NULL) == 0;
    for (size_t i = 0; i < n; i++) {
        struct wf_officer *o = &officers[i];
        o->days_parsed = o->cert_valid_from != NULL && o->cert_valid_to != NULL &&
                         cal_date_parse(o->cert_valid_from, &o->valid_from_day, NULL) == 0 &&
                         cal_date_parse(o->cert_valid_to, &o->valid_to_day, NULL) == 0;
    }
}

int wf_check_in(const struct wf_def *def, const struct wf_state *st, const struct wf_facts *f,
                const struct wf_action *a, const char **to_state, struct sx_err *err)
{
    const char *next;
    char kb[65];
    if (st == NULL)
        return SX_FAIL(err, SX_E_INVALID, "unknown-state", "案件状态无效", WF_SOURCE, "state",
                       "「%s」流程中没有状态「%s」", def->name_zh,
                       sx_clip(kb, sizeof(kb), f->state != NULL ? f->state : ""));
    if (!wf_action_from_state(def, a, st))
        return SX_FAIL(err, SX_E_CONFLICT, "state-conflict", "当前状态不允许该操作", a->source,
                       "action", "案件当前状态为「%s」%s，不能进行「%s」", st->name_zh,
                       st->terminal ? "（已终结，不再接受任何操作）" : "", a->name_zh);
    for (size_t i = 0; i < a->n_gates; i++) {
        int rc = gates[a->gate_index[i]].fn(def, a, f, err);
        if (rc != 0)
            return rc;
    }
    if (a->resume) {
        const struct wf_state *back = wf_state_find(def, f->resume_to);
        if (back == NULL || back->terminal || back->suspended)
            return missing_fact(err, a, "resume_to", "中止前所处的状态（由案件历史得出）");
        next = back->key;
    } else {
        next = a->to != NULL ? a->to : st->key;
    }
    if (to_state != NULL)
        *to_state = next;
    return 0;
}

int wf_check(const struct wf_def *def, const struct wf_facts *facts, const char *action_key,
             const char **to_state, struct sx_err *err)
{
    const struct wf_action *a = wf_action_find(def, action_key);
    char kb[65];
    if (a == NULL)
        return SX_FAIL(err, SX_E_INVALID, "unknown-action", "未知的操作", WF_SOURCE, "action",
                       "「%s」流程中没有操作「%s」", def->name_zh,
                       sx_clip(kb, sizeof(kb), action_key != NULL ? action_key : ""));
    return wf_check_in(def, wf_state_find(def, facts->state), facts, a, to_state, err);
}

int wf_allowed_actions(const struct wf_def *def, const struct wf_facts *facts,
                       struct wf_verdict *out, size_t cap, size_t *n_out)
{
    if (cap < def->n_actions)
        return SX_E_TOOBIG;
    const struct wf_state *st = wf_state_find(def, facts->state);
    for (size_t i = 0; i < def->n_actions; i++) {
        struct wf_verdict *v = &out[i];
        sx_err_clear(&v->err);
        v->action = &def->actions[i];
        v->to_state = NULL;
        v->rc = wf_check_in(def, st, facts, v->action, &v->to_state, &v->err);
    }
    *n_out = def->n_actions;
    return 0;
}

int wf_replay(const struct wf_def *def, const char *const *action_keys, size_t n,
              struct wf_pos *pos, struct sx_err *err)
{
    const char *state = def->states[def->initial].key;
    const char *resume_to = NULL;
    for (size_t i = 0; i < n; i++) {
        const struct wf_action *a = wf_action_find(def, action_keys[i]);
        const char *next;
        char kb[65];
        if (a == NULL || !wf_action_from(def, a, state) || (a->resume && resume_to == NULL))
            return SX_FAIL(err, SX_E_CONFLICT, "history-inconsistent", "案件历史与流程定义不一致",
                           WF_SOURCE, "history", "第 %zu 个操作「%s」在状态「%s」下不能进行", i + 1,
                           sx_clip(kb, sizeof(kb), action_keys[i] != NULL ? action_keys[i] : ""),
                           wf_state_find(def, state)->name_zh);
        if (a->resume) {
            next = resume_to;
            resume_to = NULL;
        } else if (a->to != NULL) {
            next = a->to;
            if (wf_state_find(def, next)->suspended)
                resume_to = state; /* the loader guarantees state is not suspended */
            else
                resume_to = NULL;
        } else {
            next = state;
        }
        state = next;
    }
    pos->state = state;
    pos->resume_to = resume_to;
    return 0;
}

int wf_check_against_catalog(const struct wf_def *def, const struct cat_catalog *cat,
                             struct sx_err *err)
{
    bool kind_known = false;
    for (size_t i = 0; i < cat_kind_count(cat); i++)
        kind_known = kind_known || strcmp(cat_kind_at(cat, i)->key, def->kind) == 0;
    if (!kind_known)
        return SX_FAIL(err, SX_E_INVALID, "workflow-catalog-mismatch", "流程与记录类型目录不一致",
                       WF_SOURCE, "kind", "记录类型目录没有案件类别「%s」", def->kind);
    for (size_t i = 0; i < def->n_actions; i++) {
        const struct wf_action *a = &def->actions[i];
        const struct cat_type *t = cat_find(cat, a->record_type);
        char field[96];
        bool two = false;
        jd_path(field, sizeof(field), "actions.%s", a->key);
        if (t == NULL)
            return SX_FAIL(err, SX_E_INVALID, "workflow-catalog-mismatch",
                           "流程与记录类型目录不一致", a->source, field,
                           "操作「%s」的记录类型「%s」不在记录类型目录中", a->name_zh,
                           a->record_type);
        if (!cat_type_allows_kind(t, def->kind))
            return SX_FAIL(err, SX_E_INVALID, "workflow-catalog-mismatch",
                           "流程与记录类型目录不一致", a->source, field,
                           "记录类型「%s」不适用于「%s」案件（操作「%s」）", t->name_zh,
                           def->name_zh, a->name_zh);
        for (size_t g = 0; g < a->n_gates; g++)
            two = two || strcmp(a->gates[g], "two_officers") == 0;
        if (t->onsite && !two)
            return SX_FAIL(err, SX_E_INVALID, "workflow-catalog-mismatch",
                           "流程与记录类型目录不一致", SRC_TWO_OFFICERS, field,
                           "「%s」是现场执法记录，操作「%s」必须包含 two_officers 校验", t->name_zh,
                           a->name_zh);
        if (two && !t->onsite)
            return SX_FAIL(err, SX_E_INVALID, "workflow-catalog-mismatch",
                           "流程与记录类型目录不一致", SRC_TWO_OFFICERS, field,
                           "操作「%s」有 two_officers 校验，但记录类型「%s」没有执法人员字段",
                           a->name_zh, t->name_zh);
    }
    return 0;
}
