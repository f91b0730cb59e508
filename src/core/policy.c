/*
 * policy: parse and validate a policy file (JSON, every value with its
 * source), resolve its "extends" chain without loosening any inherited rule,
 * and answer lookups. The file format is described in policy.h.
 *
 * Every problem is reported through one function (report) that records the
 * first into the caller's sx_err and, for pol_check, hands each to a
 * callback with the line of the offending key, found by scanning the text
 * (jansson keeps no positions for values). Members are checked one by one
 * and a bad member does not stop the next, so `sanxiang policy check` can
 * list all problems of a file at once.
 */
#include "policy.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numbering.h"

#define SOURCE_MAX 255 /* fits struct sx_err.source, so a rule's error can cite it */
#define PATH_MAX_LEN 128
#define NAME_MAX_LEN 64
#define IDENT_MAX 48
#define LABEL_MAX 256

/* The rule that forbids loosening inherited rules, cited in those errors. */
static const char extends_source[] =
    "北京 二(三)2 末段 (BJ-2.3-2c)：区级可在上述基础上增加审核范围";

/*
 * Deadline keys a policy may set. A key outside this list is an error, so a
 * misspelt key can never leave a deadline silently unset. The label says
 * what the period counts from, for people reading errors and settings.
 * minimum: the period is time given to the party or counted back from an
 * event, so a longer one is stricter (see pol_deadline_is_minimum).
 */
static const struct {
    const char *key;
    const char *label;
    int minimum;
} deadline_catalogue[] = {
    {"decision", "作出行政处罚决定（自立案之日起）", 0},
    {"decision_extension", "办案期限延长", 0},
    {"filing_check", "核查线索并决定是否立案", 0},
    {"filing_check_extension", "核查线索期限延长", 0},
    {"preservation_decision", "先行登记保存后作出处理决定", 0},
    {"sealing", "查封、扣押期限", 0},
    {"sealing_extension", "查封、扣押期限延长", 0},
    {"hearing_request", "当事人要求听证（自告知之日起）", 1},
    {"hearing_notice", "听证通知（不晚于举行听证前）", 1},
    {"service", "送达行政处罚决定书（当事人不在场时，自宣告之日起）", 0},
    {"fine_payment", "当事人缴纳罚款（自收到决定书之日起）", 1},
    {"publish_penalty", "公示行政处罚结果（自决定作出之日起）", 0},
    {"publish_other", "公示其他行政执法结果（自决定作出之日起）", 0},
    {"withdraw_published", "撤回被变更、撤销或确认违法、无效的已公开决定", 0},
    {"av_storage", "音像记录存储至平台（自制作完成或返回单位之日起）", 0},
    {"archive", "形成案卷并归档（自执行终结之日起）", 0},
    {"review_submit", "送法制审核（自调查终结之日起）", 0},
    {"review_submit_before_deadline", "送法制审核（不晚于决定期限届满前）", 1},
    {"legal_review", "法制审核（自收到送审材料之日起）", 0},
    {"legal_review_extension", "法制审核期限延长", 0},
    {"rereview_request", "申请复核（自收到审核意见书之日起）", 0},
    {"rereview_answer", "复核答复（自收到复核申请之日起）", 0},
    {"emergency_review", "紧急决定后补办法制审核（自决定作出之日起）", 0},
    {"major_decision_filing", "重大执法决定报备（自决定作出之日起）", 0},
};

#define N_DEADLINES (sizeof(deadline_catalogue) / sizeof(deadline_catalogue[0]))

static const char *const kind_names[POL_KIND_COUNT + 1] = {"penalty", "inspection", "coercion",
                                                           NULL};

/* ---- vocabularies of the review scope (order = enum order = mask bit) ---- */

struct vocab_entry {
    const char *key;
    const char *label;
};

static const struct vocab_entry act_words[POL_ACT_COUNT] = {
    {"penalty", "行政处罚"},      {"coercion", "行政强制"}, {"inspection", "行政检查"},
    {"confirmation", "行政确认"}, {"payment", "行政给付"},
};

static const struct vocab_entry proc_words[POL_PROC_COUNT] = {
    {"general", "一般程序"},
    {"simple", "简易程序"},
};

static const struct vocab_entry party_words[POL_PARTY_COUNT] = {
    {"person", "公民（自然人）"},
    {"org", "法人或者其他组织"},
};

static const struct vocab_entry amount_words[POL_AMOUNT_COUNT] = {
    {"fine", "罚款"},
    {"confiscation", "没收违法所得、没收非法财物的价值"},
    {"fund_recovery", "追回医保基金（单笔）"},
    {"payment_refusal", "拒付医保基金（单笔）"},
};

/* Case categories: the seeds' review-scope items that no amount expresses. */
static const struct vocab_entry category_words[] = {
    {"agreement_termination", "解除医保服务协议"},
    {"criminal_referral", "涉嫌犯罪，移送公安、司法机关"},
    {"supervisory_referral", "涉嫌职务违法、职务犯罪，移送监察机关"},
    {"court_enforcement", "申请人民法院强制执行"},
    {"late_fee_enforcement", "拟征收滞纳金或者划拨存款作出行政强制执行"},
    {"complex", "案件情况疑难复杂、涉及多个法律关系"},
    {"social_risk", "可能造成重大社会影响或者引发社会风险"},
    {"public_interest", "涉及重大公共利益"},
    {"major_rights", "直接关系当事人或者第三人重大权益"},
    {"large_fund_amount", "追回或者拒付医保基金数额较大（按本单位法制审核目录清单认定）"},
    {"other_major", "法律、法规、规章规定或者本机关认为属于重大的其他行政执法决定"},
};

static const struct {
    const struct vocab_entry *words;
    size_t n;
    const char *what; /* zh-CN, for errors */
} vocabs[POL_VOCAB_COUNT] = {
    {act_words, POL_ACT_COUNT, "执法行为种类"},
    {proc_words, POL_PROC_COUNT, "程序"},
    {party_words, POL_PARTY_COUNT, "当事人类型"},
    {amount_words, POL_AMOUNT_COUNT, "金额项目"},
    {category_words, sizeof(category_words) / sizeof(category_words[0]), "情形"},
};

static const char *const when_names[] = {"optional", "hearing", "always"};

struct pol_value {
    const char *value;
    const char *source;
};

struct pol_deadline_value {
    int set;
    int days;
    enum pol_unit unit;
    const char *source;
    const char *defined_in;
};

struct pol_policy {
    json_t *root;              /* owns every string of this policy's own values */
    struct pol_policy *parent; /* owns the inherited strings */
    struct pol_value name;
    struct pol_value title;
    struct pol_value extends;
    struct pol_value pattern;
    struct pol_value kind[POL_KIND_COUNT];
    struct pol_deadline_value deadlines[N_DEADLINES];
    size_t n_bodies;
    size_t n_rules;
    size_t n_materials;
    struct pol_body bodies[POL_BODIES_MAX];
    struct pol_rule rules[POL_RULES_MAX];
    struct pol_material materials[POL_MATERIALS_MAX];
};

/* One parse: the text (for lines), where problems go, and the extends chain so far. */
struct pctx {
    const char *text;
    size_t len;
    struct sx_err *err; /* the first problem */
    int nerr;
    int nomem;
    void (*each)(void *ctx, const struct pol_diag *d);
    void *each_ctx;
    const struct pol_loader *loader;
    int depth;
    const char *chain[POL_EXTENDS_MAX + 1]; /* names of the policies that extend this one */
};

/* ---- vocabularies ---- */

size_t pol_vocab_count(enum pol_vocab v)
{
    return (int)v >= 0 && v < POL_VOCAB_COUNT ? vocabs[v].n : 0;
}

const char *pol_vocab_key(enum pol_vocab v, size_t i)
{
    return i < pol_vocab_count(v) ? vocabs[v].words[i].key : NULL;
}

const char *pol_vocab_label(enum pol_vocab v, size_t i)
{
    return i < pol_vocab_count(v) ? vocabs[v].words[i].label : NULL;
}

int pol_vocab_find(enum pol_vocab v, const char *key)
{
    for (size_t i = 0; key != NULL && i < pol_vocab_count(v); i++)
        if (strcmp(vocabs[v].words[i].key, key) == 0)
            return (int)i;
    return -1;
}

static unsigned all_bits(enum pol_vocab v)
{
    return (1u << pol_vocab_count(v)) - 1u;
}

/* ---- where a path is in the text ---- */

static int line_at(const char *t, size_t pos)
{
    int line = 1;
    for (size_t i = 0; i < pos; i++)
        line += t[i] == '\n';
    return line;
}

/*
 * The line of the key at a dotted path, or of its deepest ancestor present
 * in the text (where a missing member belongs). Tracks nesting and skips
 * string contents, so a key is only matched at its own depth; keys are
 * compared as written (no escapes in policy keys).
 */
static int locate_line(const char *t, size_t n, const char *path)
{
    size_t pos = 0;
    size_t best = 0;
    int depth = 0;
    int target = 1;
    const char *seg = path;
    if (t == NULL)
        return 0;
    while (*seg != '\0') {
        size_t seglen = strcspn(seg, ".");
        int found = 0;
        while (pos < n && !found) {
            char ch = t[pos];
            if (ch == '"') {
                size_t start = pos + 1;
                size_t q = start;
                size_t k;
                while (q < n && t[q] != '"')
                    q += t[q] == '\\' ? 2 : 1;
                if (q >= n)
                    return line_at(t, best);
                k = q + 1;
                while (k < n && (t[k] == ' ' || t[k] == '\t' || t[k] == '\n' || t[k] == '\r'))
                    k++;
                if (depth == target && k < n && t[k] == ':' && q - start == seglen &&
                    memcmp(t + start, seg, seglen) == 0) {
                    best = pos;
                    pos = k + 1;
                    found = 1;
                } else {
                    pos = q + 1;
                }
                continue;
            }
            if (ch == '{' || ch == '[') {
                depth++;
            } else if (ch == '}' || ch == ']') {
                depth--;
                if (depth < target)
                    return line_at(t, best);
            }
            pos++;
        }
        if (!found)
            break;
        target++;
        seg += seglen;
        if (*seg == '.')
            seg++;
    }
    return line_at(t, best);
}

/* ---- problems ---- */

/* Record one problem: the first into c->err, each to c->each. */
static int report(struct pctx *c, const char *source, const char *path, int line, int column,
                  int line_in_detail, const char *msg)
{
    if (c->nerr == 0) {
        if (line_in_detail && line > 0)
            SX_FAIL(c->err, SX_E_INVALID, "policy-invalid", "规则文件有误", source, path,
                    "%s（第 %d 行）", msg, line);
        else
            SX_FAIL(c->err, SX_E_INVALID, "policy-invalid", "规则文件有误", source, path, "%s",
                    msg);
    }
    if (c->each != NULL) {
        struct pol_diag d;
        memset(&d, 0, sizeof(d));
        d.line = line;
        d.column = column;
        SX_FAIL(&d.err, SX_E_INVALID, "policy-invalid", "规则文件有误", source, path, "%s", msg);
        c->each(c->each_ctx, &d);
    }
    c->nerr++;
    return SX_E_INVALID;
}

static int vbad(struct pctx *c, const char *source, const char *path, const char *fmt, va_list ap)
{
    char detail[1024];
    char msg[1200];
    vsnprintf(detail, sizeof(detail), fmt, ap);
    snprintf(msg, sizeof(msg), "%s：%s", path[0] != '\0' ? path : "（根）", detail);
    return report(c, source, path, locate_line(c->text, c->len, path), 0, 1, msg);
}

static int bad(struct pctx *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int bad_src(struct pctx *c, const char *source, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int bad(struct pctx *c, const char *path, const char *fmt, ...)
{
    va_list ap;
    int rc;
    va_start(ap, fmt);
    rc = vbad(c, "", path, fmt, ap);
    va_end(ap);
    return rc;
}

static int bad_src(struct pctx *c, const char *source, const char *path, const char *fmt, ...)
{
    va_list ap;
    int rc;
    va_start(ap, fmt);
    rc = vbad(c, source, path, fmt, ap);
    va_end(ap);
    return rc;
}

static int nomem(struct pctx *c)
{
    if (!c->nomem && c->nerr == 0)
        SX_FAIL(c->err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "规则文件");
    c->nomem = 1;
    return SX_E_NOMEM;
}

/* dst = parent.key (dst holds PATH_MAX_LEN); a truncated path still locates the problem. */
static void join(char *dst, const char *parent, const char *key)
{
    size_t pl = strlen(parent);
    size_t kl = strlen(key);
    size_t n = 0;
    if (pl > PATH_MAX_LEN - 1)
        pl = PATH_MAX_LEN - 1;
    memcpy(dst, parent, pl);
    n = pl;
    if (pl > 0 && n < PATH_MAX_LEN - 1)
        dst[n++] = '.';
    if (kl > PATH_MAX_LEN - 1 - n)
        kl = PATH_MAX_LEN - 1 - n;
    memcpy(dst + n, key, kl);
    dst[n + kl] = '\0';
}

/* A key quoted in a message: at most 60 bytes, cut at a character boundary. */
static const char *quote_key(char *buf, size_t cap, const char *s)
{
    return sx_clip(buf, cap, s != NULL ? s : "");
}

/* ---- structural helpers ---- */

/* Every key of obj must be in allowed (NULL-terminated); each stranger is a problem. */
static int only_keys(struct pctx *c, json_t *obj, const char *path, const char *const *allowed)
{
    const char *key;
    json_t *v;
    int rc = 0;
    json_object_foreach(obj, key, v)
    {
        int ok = 0;
        (void)v;
        for (size_t i = 0; allowed[i] != NULL && !ok; i++)
            ok = strcmp(key, allowed[i]) == 0;
        if (!ok) {
            char p[PATH_MAX_LEN];
            char k[64];
            join(p, path, key);
            rc = bad(c, p, "未知的键“%s”", quote_key(k, sizeof(k), key));
        }
    }
    return rc;
}

/* The member key of obj as an object; missing or another type is an error. */
static int member_object(struct pctx *c, json_t *obj, const char *key, const char *path,
                         json_t **out)
{
    char p[PATH_MAX_LEN];
    json_t *v = json_object_get(obj, key);
    join(p, path, key);
    if (v == NULL)
        return bad(c, p, "缺少必填项");
    if (!json_is_object(v))
        return bad(c, p, "应为对象 {…}");
    *out = v;
    return 0;
}

/* "source": non-blank string that fits an error's source field. "note": string. */
static int source_and_note(struct pctx *c, json_t *obj, const char *path, const char **source)
{
    char p[PATH_MAX_LEN];
    json_t *s = json_object_get(obj, "source");
    json_t *note = json_object_get(obj, "note");
    const char *text;
    size_t len;
    int blank = 1;
    join(p, path, "source");
    if (s == NULL)
        return bad(c, p, "缺少来源：每个规则值都须注明出处（文件 条款）");
    if (!json_is_string(s))
        return bad(c, p, "来源应为字符串");
    text = json_string_value(s);
    len = json_string_length(s);
    for (size_t i = 0; i < len && blank; i++)
        blank = text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r';
    if (blank)
        return bad(c, p, "来源为空：每个规则值都须注明出处（文件 条款）");
    if (len > SOURCE_MAX || memchr(text, '\0', len) != NULL)
        return bad(c, p, "来源过长（%zu 字节，上限 %d）或含 NUL", len, SOURCE_MAX);
    if (note != NULL && !json_is_string(note)) {
        join(p, path, "note");
        return bad(c, p, "说明应为字符串");
    }
    *source = text;
    return 0;
}

/* A non-empty string of at most max_len bytes without NUL or control characters. */
static int text_member(struct pctx *c, json_t *obj, const char *key, const char *path,
                       size_t max_len, const char **out)
{
    char p[PATH_MAX_LEN];
    json_t *v = json_object_get(obj, key);
    size_t len;
    join(p, path, key);
    if (v == NULL)
        return bad(c, p, "缺少必填项");
    if (!json_is_string(v))
        return bad(c, p, "应为字符串");
    len = json_string_length(v);
    if (len == 0 || len > max_len || memchr(json_string_value(v), '\0', len) != NULL)
        return bad(c, p, "应为 1–%zu 字节的文字", max_len);
    *out = json_string_value(v);
    return 0;
}

/* A {"value": <string>, "source": ..., "note"?} member. */
static int string_value(struct pctx *c, json_t *parent, const char *key, const char *path,
                        size_t max_len, struct pol_value *out)
{
    static const char *const allowed[] = {"value", "source", "note", NULL};
    char p[PATH_MAX_LEN];
    json_t *obj = NULL;
    const char *source = NULL;
    const char *value = NULL;
    int rc = member_object(c, parent, key, path, &obj);
    if (rc != 0)
        return rc;
    join(p, path, key);
    rc = only_keys(c, obj, p, allowed);
    if (source_and_note(c, obj, p, &source) != 0)
        rc = SX_E_INVALID;
    if (text_member(c, obj, "value", p, max_len, &value) != 0)
        rc = SX_E_INVALID;
    if (rc != 0)
        return rc;
    out->value = value;
    out->source = source;
    return 0;
}

/* Identifier: 1..max bytes of [a-z0-9] plus extra ("-" or "_"). */
static int ident_ok(const char *s, size_t max, char extra)
{
    size_t n = 0;
    for (; s[n] != '\0'; n++)
        if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') || s[n] == extra))
            return 0;
    return n > 0 && n <= max;
}

static const char *own_name(const struct pol_policy *pol)
{
    return pol->name.value != NULL ? pol->name.value : "";
}

/* ---- sections ---- */

static int parse_name(struct pctx *c, struct pol_policy *pol, json_t *root)
{
    char v[80];
    int rc = string_value(c, root, "name", "", NAME_MAX_LEN, &pol->name);
    if (rc != 0)
        return rc;
    if (!ident_ok(pol->name.value, NAME_MAX_LEN, '-')) {
        rc = bad(c, "name.value", "规则集名称“%s”只能含小写字母、数字和“-”",
                 quote_key(v, sizeof(v), pol->name.value));
        pol->name.value = NULL;
    }
    return rc;
}

static int parse_numbering(struct pctx *c, struct pol_policy *pol, json_t *root)
{
    static const char *const allowed[] = {"pattern", "kind_abbrev", NULL};
    json_t *num = NULL;
    json_t *kinds = NULL;
    int rc = member_object(c, root, "numbering", "", &num);
    if (rc != 0)
        return rc;
    rc = only_keys(c, num, "numbering", allowed);
    if (string_value(c, num, "pattern", "numbering", NUM_PATTERN_MAX, &pol->pattern) == 0) {
        struct sx_err e;
        sx_err_clear(&e);
        if (num_pattern_validate(pol->pattern.value, &e) != 0)
            rc = bad(c, "numbering.pattern.value", "%s", e.detail);
    } else {
        rc = SX_E_INVALID;
    }
    if (member_object(c, num, "kind_abbrev", "numbering", &kinds) != 0)
        return SX_E_INVALID;
    if (only_keys(c, kinds, "numbering.kind_abbrev", kind_names) != 0)
        rc = SX_E_INVALID;
    for (int k = 0; k < POL_KIND_COUNT; k++) {
        char p[PATH_MAX_LEN];
        if (string_value(c, kinds, kind_names[k], "numbering.kind_abbrev", 32, &pol->kind[k]) !=
            0) {
            rc = SX_E_INVALID;
            continue;
        }
        snprintf(p, sizeof(p), "numbering.kind_abbrev.%s.value", kind_names[k]);
        for (const char *ch = pol->kind[k].value; *ch != '\0'; ch++) {
            if ((unsigned char)*ch < 0x20 || *ch == '{' || *ch == '}') {
                rc = bad(c, p, "种类简称不能含花括号或控制字符");
                break;
            }
        }
    }
    return rc;
}

static int catalogue_index(const char *key)
{
    for (size_t i = 0; i < N_DEADLINES; i++)
        if (strcmp(deadline_catalogue[i].key, key) == 0)
            return (int)i;
    return -1;
}

static int parse_deadline(struct pctx *c, struct pol_deadline_value *d, json_t *obj,
                          const char *path)
{
    static const char *const allowed[] = {"days", "unit", "source", "note", NULL};
    char p[PATH_MAX_LEN];
    json_t *days;
    json_t *unit;
    const char *u;
    int rc;
    if (!json_is_object(obj))
        return bad(c, path, "应为对象 {\"days\":…, \"unit\":…, \"source\":…}");
    rc = only_keys(c, obj, path, allowed);
    if (source_and_note(c, obj, path, &d->source) != 0)
        rc = SX_E_INVALID;
    join(p, path, "days");
    days = json_object_get(obj, "days");
    if (days == NULL)
        rc = bad(c, p, "缺少天数");
    else if (!json_is_integer(days) || json_integer_value(days) < 1 ||
             json_integer_value(days) > POL_DAYS_MAX)
        rc = bad(c, p, "天数应为 1–%d 的整数", POL_DAYS_MAX);
    join(p, path, "unit");
    unit = json_object_get(obj, "unit");
    u = json_is_string(unit) ? json_string_value(unit) : "";
    if (unit == NULL)
        rc = bad(c, p, "缺少单位（\"wd\" 工作日 或 \"cd\" 自然日）");
    else if (strcmp(u, "wd") == 0)
        d->unit = POL_UNIT_WD;
    else if (strcmp(u, "cd") == 0)
        d->unit = POL_UNIT_CD;
    else
        rc = bad(c, p, "单位应为 \"wd\"（工作日）或 \"cd\"（自然日）");
    if (rc != 0)
        return rc;
    d->days = (int)json_integer_value(days);
    d->set = 1;
    return 0;
}

/*
 * Whether the child's period d is no looser than the parent's p. A working
 * day period is at least as long as the same number of calendar days, so
 * cd may replace wd for "within" duties and wd may replace cd for minimums.
 */
static int deadline_not_looser(const struct pol_deadline_value *p,
                               const struct pol_deadline_value *d, int minimum)
{
    if (!minimum)
        return d->days <= p->days && (d->unit == p->unit || d->unit == POL_UNIT_CD);
    return d->days >= p->days && (d->unit == p->unit || d->unit == POL_UNIT_WD);
}

static const char *unit_zh(enum pol_unit u)
{
    return u == POL_UNIT_WD ? "个工作日" : "日";
}

static int parse_deadlines(struct pctx *c, struct pol_policy *pol, json_t *root)
{
    json_t *dl = NULL;
    const char *key;
    json_t *v;
    int rc = member_object(c, root, "deadlines", "", &dl);
    if (rc != 0)
        return rc;
    json_object_foreach(dl, key, v)
    {
        char p[PATH_MAX_LEN];
        char k[64];
        struct pol_deadline_value d;
        struct pol_deadline_value *inherited;
        int i = catalogue_index(key);
        join(p, "deadlines", key);
        if (i < 0) {
            rc = bad(c, p, "未知的期限“%s”（不在期限目录中）", quote_key(k, sizeof(k), key));
            continue;
        }
        memset(&d, 0, sizeof(d));
        if (parse_deadline(c, &d, v, p) != 0) {
            rc = SX_E_INVALID;
            continue;
        }
        d.defined_in = own_name(pol);
        inherited = &pol->deadlines[i];
        if (inherited->set && !deadline_not_looser(inherited, &d, deadline_catalogue[i].minimum)) {
            char pd[PATH_MAX_LEN];
            join(pd, p, "days");
            rc = bad_src(c, extends_source, pd,
                         "不得放宽上级规则集“%s”的期限“%s”（%s）：上级为 %d %s（%s），此处为 %d "
                         "%s；%s",
                         inherited->defined_in, key, deadline_catalogue[i].label, inherited->days,
                         unit_zh(inherited->unit), inherited->source, d.days, unit_zh(d.unit),
                         deadline_catalogue[i].minimum ? "此期限只能延长或保持"
                                                       : "此期限只能缩短或保持");
            continue;
        }
        *inherited = d;
    }
    return rc;
}

/* ---- review scope ---- */

const struct pol_body *pol_body_find(const struct pol_policy *pol, const char *key)
{
    for (size_t i = 0; key != NULL && i < pol->n_bodies; i++)
        if (strcmp(pol->bodies[i].key, key) == 0)
            return &pol->bodies[i];
    return NULL;
}

static int rule_index(const struct pol_policy *pol, const char *id)
{
    for (size_t i = 0; i < pol->n_rules; i++)
        if (strcmp(pol->rules[i].id, id) == 0)
            return (int)i;
    return -1;
}

static int material_index(const struct pol_policy *pol, const char *id)
{
    for (size_t i = 0; i < pol->n_materials; i++)
        if (strcmp(pol->materials[i].id, id) == 0)
            return (int)i;
    return -1;
}

static int parse_body(struct pctx *c, struct pol_policy *pol, const char *key, json_t *v,
                      const char *path)
{
    static const char *const allowed[] = {"label", "rank", "source", "note", NULL};
    struct pol_body b;
    const struct pol_body *old = pol_body_find(pol, key);
    char p[PATH_MAX_LEN];
    char k[64];
    json_t *rank;
    int rc;
    if (!ident_ok(key, 32, '_'))
        return bad(c, path, "审核机构的键“%s”只能含小写字母、数字和“_”（至多 32 字节）",
                   quote_key(k, sizeof(k), key));
    if (old != NULL)
        return bad_src(c, extends_source, path, "不得重新定义上级规则集“%s”的审核机构“%s”",
                       old->defined_in, key);
    if (!json_is_object(v))
        return bad(c, path, "应为对象 {\"label\":…, \"rank\":…, \"source\":…}");
    memset(&b, 0, sizeof(b));
    rc = only_keys(c, v, path, allowed);
    if (source_and_note(c, v, path, &b.source) != 0)
        rc = SX_E_INVALID;
    if (text_member(c, v, "label", path, LABEL_MAX, &b.label) != 0)
        rc = SX_E_INVALID;
    join(p, path, "rank");
    rank = json_object_get(v, "rank");
    if (!json_is_integer(rank) || json_integer_value(rank) < 1 || json_integer_value(rank) > 1000)
        rc = bad(c, p, "应为 1–1000 的整数（多条规则同时适用时，数值大的审核机构负责）");
    else
        b.rank = (int)json_integer_value(rank);
    for (size_t i = 0; rc == 0 && i < pol->n_bodies; i++)
        if (pol->bodies[i].rank == b.rank)
            rc = bad(c, p, "与审核机构“%s”的 rank 相同（%d），无法决定由谁审核", pol->bodies[i].key,
                     b.rank);
    if (rc == 0 && pol->n_bodies >= POL_BODIES_MAX)
        rc = bad(c, path, "审核机构过多（上限 %d）", POL_BODIES_MAX);
    if (rc != 0)
        return rc;
    b.key = key;
    b.defined_in = own_name(pol);
    pol->bodies[pol->n_bodies++] = b;
    return 0;
}

/* A non-empty list of distinct vocabulary words → mask. */
static int parse_set(struct pctx *c, json_t *v, const char *path, enum pol_vocab vocab,
                     unsigned *mask)
{
    size_t i;
    json_t *w;
    unsigned m = 0;
    if (!json_is_array(v) || json_array_size(v) == 0)
        return bad(c, path, "应为非空数组（%s）", vocabs[vocab].what);
    json_array_foreach(v, i, w)
    {
        char k[64];
        int idx = json_is_string(w) ? pol_vocab_find(vocab, json_string_value(w)) : -1;
        if (idx < 0)
            return bad(c, path, "第 %zu 项：%s“%s”不在目录中", i + 1, vocabs[vocab].what,
                       json_is_string(w) ? quote_key(k, sizeof(k), json_string_value(w))
                                         : "（非字符串）");
        if (m & (1u << idx))
            return bad(c, path, "第 %zu 项：“%s”重复", i + 1, json_string_value(w));
        m |= 1u << idx;
    }
    *mask = m;
    return 0;
}

/* A whole number of yuan within [lo, POL_AMOUNT_MAX_YUAN]. */
static int yuan(struct pctx *c, json_t *v, const char *path, long long lo, long long *out)
{
    if (!json_is_integer(v) || json_integer_value(v) < lo ||
        json_integer_value(v) > POL_AMOUNT_MAX_YUAN)
        return bad(c, path, "金额应为以元为单位的整数（%lld–%lld）", lo, POL_AMOUNT_MAX_YUAN);
    *out = (long long)json_integer_value(v);
    return 0;
}

static int parse_amount(struct pctx *c, json_t *a, const char *path, struct pol_rule *r)
{
    static const char *const allowed[] = {"of", "gte", "gt", "lte", "lt", NULL};
    char p[PATH_MAX_LEN];
    json_t *gte = json_object_get(a, "gte");
    json_t *gt = json_object_get(a, "gt");
    json_t *lte = json_object_get(a, "lte");
    json_t *lt = json_object_get(a, "lt");
    long long n = 0;
    int rc;
    if (!json_is_object(a))
        return bad(c, path, "应为对象 {\"of\": […], \"gte\"|\"gt\": 元, \"lt\"|\"lte\"?: 元}");
    rc = only_keys(c, a, path, allowed);
    join(p, path, "of");
    if (json_object_get(a, "of") == NULL)
        rc = bad(c, p, "缺少必填项（适用的金额项目）");
    else if (parse_set(c, json_object_get(a, "of"), p, POL_VOCAB_AMOUNT, &r->amount_of) != 0)
        rc = SX_E_INVALID;
    if ((gte == NULL) == (gt == NULL)) {
        rc = bad(c, path, "须有且只有一个下限：\"gte\"（以上，含本数）或 \"gt\"（超过，不含本数）");
    } else if (gte != NULL) {
        join(p, path, "gte");
        if (yuan(c, gte, p, 1, &n) == 0)
            r->min_fen = n * 100;
        else
            rc = SX_E_INVALID;
    } else {
        join(p, path, "gt");
        if (yuan(c, gt, p, 0, &n) == 0)
            r->min_fen = n * 100 + 1;
        else
            rc = SX_E_INVALID;
    }
    r->max_fen = POL_AMOUNT_MAX_YUAN * 100;
    if (lte != NULL && lt != NULL) {
        rc = bad(c, path, "上限只能有一个：\"lt\"（不含本数）或 \"lte\"（含本数）");
    } else if (lte != NULL) {
        join(p, path, "lte");
        if (yuan(c, lte, p, 1, &n) == 0)
            r->max_fen = n * 100;
        else
            rc = SX_E_INVALID;
    } else if (lt != NULL) {
        join(p, path, "lt");
        if (yuan(c, lt, p, 1, &n) == 0)
            r->max_fen = n * 100 - 1;
        else
            rc = SX_E_INVALID;
    }
    if (rc == 0 && r->min_fen > r->max_fen)
        rc = bad(c, path, "金额区间为空（下限高于上限）");
    return rc;
}

static int parse_when(struct pctx *c, json_t *w, const char *path, struct pol_rule *r)
{
    static const char *const allowed[] = {"kind",       "procedure", "party_type", "hearing",
                                          "categories", "amount",    NULL};
    static const struct {
        const char *key;
        enum pol_vocab vocab;
    } sets[] = {{"kind", POL_VOCAB_ACT},
                {"procedure", POL_VOCAB_PROC},
                {"party_type", POL_VOCAB_PARTY},
                {"categories", POL_VOCAB_CATEGORY}};
    unsigned *masks[] = {&r->acts, &r->procs, &r->parties, &r->categories};
    char p[PATH_MAX_LEN];
    json_t *h;
    int rc;
    if (!json_is_object(w))
        return bad(c, path, "应为对象（适用条件；空对象 {} 表示所有案件）");
    rc = only_keys(c, w, path, allowed);
    for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
        json_t *v = json_object_get(w, sets[i].key);
        if (v == NULL)
            continue;
        join(p, path, sets[i].key);
        if (parse_set(c, v, p, sets[i].vocab, masks[i]) != 0)
            rc = SX_E_INVALID;
    }
    h = json_object_get(w, "hearing");
    if (h != NULL && !json_is_boolean(h)) {
        join(p, path, "hearing");
        rc = bad(c, p, "应为 true（经过听证）或 false（未经听证）");
    } else if (h != NULL) {
        r->hearing = json_is_true(h) ? 1 : 0;
    }
    if (json_object_get(w, "amount") != NULL) {
        join(p, path, "amount");
        if (parse_amount(c, json_object_get(w, "amount"), p, r) != 0)
            rc = SX_E_INVALID;
    }
    return rc;
}

static int parse_rule(struct pctx *c, struct pol_policy *pol, const char *id, json_t *v,
                      const char *path, struct pol_rule *r)
{
    static const char *const allowed[] = {"label", "body", "when", "source", "note", NULL};
    char p[PATH_MAX_LEN];
    char k[64];
    json_t *when;
    int rc;
    if (!json_is_object(v))
        return bad(c, path, "应为对象 {\"label\":…, \"body\":…, \"when\":{…}, \"source\":…}");
    memset(r, 0, sizeof(*r));
    r->acts = all_bits(POL_VOCAB_ACT);
    r->procs = all_bits(POL_VOCAB_PROC);
    r->parties = all_bits(POL_VOCAB_PARTY);
    r->hearing = -1;
    rc = only_keys(c, v, path, allowed);
    if (source_and_note(c, v, path, &r->source) != 0)
        rc = SX_E_INVALID;
    if (text_member(c, v, "label", path, LABEL_MAX, &r->label) != 0)
        rc = SX_E_INVALID;
    if (text_member(c, v, "body", path, 32, &r->body) != 0) {
        rc = SX_E_INVALID;
    } else if (pol_body_find(pol, r->body) == NULL) {
        join(p, path, "body");
        rc =
            bad(c, p, "未定义的审核机构“%s”（见 review.bodies）", quote_key(k, sizeof(k), r->body));
    }
    join(p, path, "when");
    when = json_object_get(v, "when");
    if (when == NULL)
        rc = bad(c, p, "缺少必填项（适用条件；空对象 {} 表示所有案件）");
    else if (parse_when(c, when, p, r) != 0)
        rc = SX_E_INVALID;
    r->id = id;
    r->when = when;
    r->defined_in = own_name(pol);
    return rc;
}

static void format_yuan(char *buf, size_t cap, long long fen)
{
    if (fen % 100 == 0)
        snprintf(buf, cap, "%lld 元", fen / 100);
    else
        snprintf(buf, cap, "%lld.%02lld 元", fen / 100, fen % 100);
}

/*
 * A child's redefinition r of inherited rule p must match every case p
 * matches (sufficient conditions, checked member by member) and keep p's
 * body. One problem per rule, naming the condition.
 */
static int rule_not_looser(struct pctx *c, const struct pol_rule *p, const struct pol_rule *r,
                           const char *path)
{
    char w[PATH_MAX_LEN];
    char pp[PATH_MAX_LEN];
    char a[40];
    char b[40];
    join(w, path, "when");
    if (strcmp(p->body, r->body) != 0) {
        join(pp, path, "body");
        return bad_src(c, extends_source, pp,
                       "不得改变上级规则集“%s”的规则“%s”的审核机构（上级为“%s”）", p->defined_in,
                       p->id, p->body);
    }
    if ((r->acts & p->acts) != p->acts || (r->procs & p->procs) != p->procs ||
        (r->parties & p->parties) != p->parties) {
        return bad_src(c, extends_source, w,
                       "不得缩小上级规则集“%s”的规则“%s”适用的种类、程序或当事人类型",
                       p->defined_in, p->id);
    }
    if (r->hearing != -1 && r->hearing != p->hearing) {
        join(pp, w, "hearing");
        return bad_src(c, extends_source, pp, "不得对上级规则集“%s”的规则“%s”增加或改变听证条件",
                       p->defined_in, p->id);
    }
    if (r->categories != 0 &&
        (p->categories == 0 || (r->categories & p->categories) != p->categories)) {
        join(pp, w, "categories");
        return bad_src(c, extends_source, pp, "不得对上级规则集“%s”的规则“%s”增加或减少情形条件",
                       p->defined_in, p->id);
    }
    if (r->amount_of == 0)
        return 0;
    join(pp, w, "amount");
    if (p->amount_of == 0)
        return bad_src(c, extends_source, pp,
                       "不得对上级规则集“%s”的规则“%s”增加金额条件（上级规则不论金额）",
                       p->defined_in, p->id);
    if ((r->amount_of & p->amount_of) != p->amount_of)
        return bad_src(c, extends_source, pp, "不得减少上级规则集“%s”的规则“%s”适用的金额项目",
                       p->defined_in, p->id);
    if (r->min_fen > p->min_fen) {
        format_yuan(a, sizeof(a), p->min_fen);
        format_yuan(b, sizeof(b), r->min_fen);
        return bad_src(c, extends_source, pp,
                       "不得提高上级规则集“%s”的规则“%s”的金额下限：上级自 %s起适用，此处自 %s起",
                       p->defined_in, p->id, a, b);
    }
    if (r->max_fen < p->max_fen) {
        format_yuan(a, sizeof(a), p->max_fen);
        format_yuan(b, sizeof(b), r->max_fen);
        return bad_src(c, extends_source, pp,
                       "不得降低上级规则集“%s”的规则“%s”的金额上限：上级至 %s，此处至 %s",
                       p->defined_in, p->id, a, b);
    }
    return 0;
}

static int parse_rules(struct pctx *c, struct pol_policy *pol, json_t *rules)
{
    const char *id;
    json_t *v;
    int rc = 0;
    if (!json_is_object(rules))
        return bad(c, "review.rules", "应为对象 {\"规则编号\": {…}, …}");
    json_object_foreach(rules, id, v)
    {
        char path[PATH_MAX_LEN];
        char k[64];
        struct pol_rule r;
        int old;
        join(path, "review.rules", id);
        if (!ident_ok(id, IDENT_MAX, '-')) {
            rc = bad(c, path, "规则编号“%s”只能含小写字母、数字和“-”（至多 %d 字节）",
                     quote_key(k, sizeof(k), id), IDENT_MAX);
            continue;
        }
        old = rule_index(pol, id);
        if (json_is_null(v)) {
            if (old >= 0)
                rc = bad_src(c, extends_source, path,
                             "不得删除上级规则集“%s”的规则“%s”（%s）；下级只能增加审核范围",
                             pol->rules[old].defined_in, id, pol->rules[old].label);
            else
                rc = bad(c, path, "应为对象（null 只能出现在删除规则时，而删除不被允许）");
            continue;
        }
        if (parse_rule(c, pol, id, v, path, &r) != 0) {
            rc = SX_E_INVALID;
            continue;
        }
        if (old >= 0) {
            if (rule_not_looser(c, &pol->rules[old], &r, path) != 0)
                rc = SX_E_INVALID;
            else
                pol->rules[old] = r;
            continue;
        }
        if (pol->n_rules >= POL_RULES_MAX) {
            rc = bad(c, path, "规则过多（上限 %d）", POL_RULES_MAX);
            continue;
        }
        pol->rules[pol->n_rules++] = r;
    }
    return rc;
}

static int parse_points(struct pctx *c, json_t *v, const char *path, struct pol_material *m)
{
    static const char *const allowed[] = {"source", "note", "items", NULL};
    char p[PATH_MAX_LEN];
    json_t *items;
    const char *key;
    json_t *label;
    int rc;
    if (!json_is_object(v))
        return bad(c, path, "应为对象 {\"source\":…, \"items\": {\"编号\": \"要点\", …}}");
    rc = only_keys(c, v, path, allowed);
    if (source_and_note(c, v, path, &m->points_source) != 0)
        rc = SX_E_INVALID;
    join(p, path, "items");
    items = json_object_get(v, "items");
    if (!json_is_object(items) || json_object_size(items) == 0 ||
        json_object_size(items) > POL_POINTS_MAX)
        return bad(c, p, "应为含 1–%d 项的对象 {\"编号\": \"要点\", …}", POL_POINTS_MAX);
    json_object_foreach(items, key, label)
    {
        char pk[PATH_MAX_LEN];
        char k[64];
        join(pk, p, key);
        if (!ident_ok(key, IDENT_MAX, '_')) {
            rc = bad(c, pk, "要点编号“%s”只能含小写字母、数字和“_”", quote_key(k, sizeof(k), key));
            continue;
        }
        if (!json_is_string(label) || json_string_length(label) == 0 ||
            json_string_length(label) > LABEL_MAX) {
            rc = bad(c, pk, "应为 1–%d 字节的文字", LABEL_MAX);
            continue;
        }
        m->point_ids[m->n_points] = key;
        m->point_labels[m->n_points] = json_string_value(label);
        m->n_points++;
    }
    return rc;
}

static int parse_material(struct pctx *c, struct pol_policy *pol, const char *id, json_t *v,
                          const char *path, struct pol_material *m)
{
    static const char *const allowed[] = {"label", "when", "source", "note", "points", NULL};
    char p[PATH_MAX_LEN];
    json_t *when;
    int rc;
    if (!json_is_object(v))
        return bad(c, path, "应为对象 {\"label\":…, \"when\":…, \"source\":…}");
    memset(m, 0, sizeof(*m));
    rc = only_keys(c, v, path, allowed);
    if (source_and_note(c, v, path, &m->source) != 0)
        rc = SX_E_INVALID;
    if (text_member(c, v, "label", path, LABEL_MAX, &m->label) != 0)
        rc = SX_E_INVALID;
    join(p, path, "when");
    when = json_object_get(v, "when");
    if (json_is_string(when) && strcmp(json_string_value(when), "always") == 0)
        m->when = POL_WHEN_ALWAYS;
    else if (json_is_string(when) && strcmp(json_string_value(when), "hearing") == 0)
        m->when = POL_WHEN_HEARING;
    else if (json_is_string(when) && strcmp(json_string_value(when), "optional") == 0)
        m->when = POL_WHEN_OPTIONAL;
    else
        rc = bad(c, p,
                 "应为 \"always\"（必须提交）、\"hearing\"（经听证的须提交）或 "
                 "\"optional\"（有则提交）");
    if (json_object_get(v, "points") != NULL) {
        join(p, path, "points");
        if (parse_points(c, json_object_get(v, "points"), p, m) != 0)
            rc = SX_E_INVALID;
    }
    m->id = id;
    m->defined_in = own_name(pol);
    return rc;
}

static int material_not_looser(struct pctx *c, const struct pol_material *p,
                               const struct pol_material *m, const char *path)
{
    char pp[PATH_MAX_LEN];
    if (m->when < p->when) {
        join(pp, path, "when");
        return bad_src(c, extends_source, pp,
                       "不得放宽上级规则集“%s”的送审材料“%s”：上级为“%s”，此处为“%s”",
                       p->defined_in, p->id, when_names[p->when], when_names[m->when]);
    }
    for (size_t i = 0; i < p->n_points; i++) {
        int found = 0;
        for (size_t j = 0; j < m->n_points && !found; j++)
            found = strcmp(p->point_ids[i], m->point_ids[j]) == 0;
        if (!found) {
            join(pp, path, "points");
            return bad_src(c, extends_source, pp,
                           "不得删去上级规则集“%s”的送审材料“%s”的要点“%s”（%s）", p->defined_in,
                           p->id, p->point_ids[i], p->point_labels[i]);
        }
    }
    return 0;
}

static int parse_materials(struct pctx *c, struct pol_policy *pol, json_t *mats)
{
    const char *id;
    json_t *v;
    int rc = 0;
    if (!json_is_object(mats))
        return bad(c, "review.materials", "应为对象 {\"材料编号\": {…}, …}");
    json_object_foreach(mats, id, v)
    {
        char path[PATH_MAX_LEN];
        char k[64];
        struct pol_material m;
        int old;
        join(path, "review.materials", id);
        if (!ident_ok(id, IDENT_MAX, '_')) {
            rc = bad(c, path, "材料编号“%s”只能含小写字母、数字和“_”（至多 %d 字节）",
                     quote_key(k, sizeof(k), id), IDENT_MAX);
            continue;
        }
        old = material_index(pol, id);
        if (json_is_null(v)) {
            if (old >= 0)
                rc = bad_src(c, extends_source, path, "不得删除上级规则集“%s”的送审材料“%s”（%s）",
                             pol->materials[old].defined_in, id, pol->materials[old].label);
            else
                rc = bad(c, path, "应为对象");
            continue;
        }
        if (parse_material(c, pol, id, v, path, &m) != 0) {
            rc = SX_E_INVALID;
            continue;
        }
        if (old >= 0) {
            if (material_not_looser(c, &pol->materials[old], &m, path) != 0)
                rc = SX_E_INVALID;
            else
                pol->materials[old] = m;
            continue;
        }
        if (pol->n_materials >= POL_MATERIALS_MAX) {
            rc = bad(c, path, "送审材料过多（上限 %d）", POL_MATERIALS_MAX);
            continue;
        }
        pol->materials[pol->n_materials++] = m;
    }
    return rc;
}

static int parse_review(struct pctx *c, struct pol_policy *pol, json_t *root)
{
    static const char *const allowed[] = {"bodies", "rules", "materials", "note", NULL};
    json_t *rv = NULL;
    json_t *bodies;
    json_t *rules;
    json_t *mats;
    int rc = member_object(c, root, "review", "", &rv);
    if (rc != 0)
        return rc;
    rc = only_keys(c, rv, "review", allowed);
    if (json_object_get(rv, "note") != NULL && !json_is_string(json_object_get(rv, "note")))
        rc = bad(c, "review.note", "说明应为字符串");
    bodies = json_object_get(rv, "bodies");
    if (bodies != NULL && !json_is_object(bodies)) {
        rc = bad(c, "review.bodies", "应为对象 {\"机构键\": {…}, …}");
    } else if (bodies != NULL) {
        const char *key;
        json_t *v;
        json_object_foreach(bodies, key, v)
        {
            char path[PATH_MAX_LEN];
            join(path, "review.bodies", key);
            if (parse_body(c, pol, key, v, path) != 0)
                rc = SX_E_INVALID;
        }
    }
    rules = json_object_get(rv, "rules");
    if (rules != NULL && parse_rules(c, pol, rules) != 0)
        rc = SX_E_INVALID;
    mats = json_object_get(rv, "materials");
    if (mats != NULL && parse_materials(c, pol, mats) != 0)
        rc = SX_E_INVALID;
    return rc;
}

/* ---- extends ---- */

static int parse_text(struct pctx *c, struct pol_policy **out);

static int load_parent(struct pctx *c, struct pol_policy *pol)
{
    const char *ext = pol->extends.value;
    struct pctx sub;
    struct sx_buf buf;
    struct sx_err e;
    struct sx_err pe;
    struct pol_policy *parent = NULL;
    char d[320];
    int rc;
    if (c->loader == NULL || c->loader->read == NULL)
        return bad(c, "extends.value",
                   "本规则集继承“%s”，须连同上级规则集一起加载（pol_load），不能单独解析", ext);
    if (c->depth + 1 >= POL_EXTENDS_MAX)
        return bad(c, "extends.value", "继承层级超过 %d 层", POL_EXTENDS_MAX);
    for (int i = 0; i <= c->depth; i++)
        if (c->chain[i] != NULL && strcmp(c->chain[i], ext) == 0)
            return bad(c, "extends.value", "循环继承：“%s”已在继承链中", ext);
    sx_buf_init(&buf, 4u << 20);
    sx_err_clear(&e);
    rc = c->loader->read(c->loader->ctx, ext, &buf, &e);
    if (rc == SX_E_NOMEM) {
        sx_buf_free(&buf);
        return nomem(c);
    }
    if (rc != 0) {
        sx_buf_free(&buf);
        return bad(c, "extends.value", "无法读取上级规则集“%s”：%s", ext,
                   sx_clip(d, sizeof(d), e.detail));
    }
    memset(&sub, 0, sizeof(sub));
    sx_err_clear(&pe);
    sub.text = buf.data;
    sub.len = buf.len;
    sub.err = &pe;
    sub.loader = c->loader;
    sub.depth = c->depth + 1;
    memcpy(sub.chain, c->chain, sizeof(sub.chain));
    sub.chain[sub.depth] = ext;
    rc = parse_text(&sub, &parent);
    sx_buf_free(&buf);
    if (rc == SX_E_NOMEM)
        return nomem(c);
    if (rc != 0)
        return bad(c, "extends.value", "上级规则集“%s”有误：%s", ext,
                   sx_clip(d, sizeof(d), pe.detail));
    if (strcmp(parent->name.value, ext) != 0) {
        rc = bad(c, "extends.value", "读到的上级规则集名为“%s”，不是“%s”", parent->name.value, ext);
        pol_free(parent);
        return rc;
    }
    pol->parent = parent;
    /* start from the parent's values; this file may add and tighten */
    memcpy(pol->kind, parent->kind, sizeof(pol->kind));
    pol->pattern = parent->pattern;
    memcpy(pol->deadlines, parent->deadlines, sizeof(pol->deadlines));
    memcpy(pol->bodies, parent->bodies, sizeof(pol->bodies));
    memcpy(pol->rules, parent->rules, sizeof(pol->rules));
    memcpy(pol->materials, parent->materials, sizeof(pol->materials));
    pol->n_bodies = parent->n_bodies;
    pol->n_rules = parent->n_rules;
    pol->n_materials = parent->n_materials;
    return 0;
}

static int parse_extends(struct pctx *c, struct pol_policy *pol, json_t *root)
{
    char v[80];
    int rc = string_value(c, root, "extends", "", NAME_MAX_LEN, &pol->extends);
    if (rc != 0)
        return rc;
    if (!ident_ok(pol->extends.value, NAME_MAX_LEN, '-'))
        return bad(c, "extends.value", "上级规则集名称“%s”只能含小写字母、数字和“-”",
                   quote_key(v, sizeof(v), pol->extends.value));
    if (pol->name.value != NULL && strcmp(pol->extends.value, pol->name.value) == 0)
        return bad(c, "extends.value", "规则集不能继承自身");
    c->chain[c->depth] = pol->name.value;
    return load_parent(c, pol);
}

static int parse_text(struct pctx *c, struct pol_policy **out)
{
    static const char *const allowed[] = {"name",      "title",  "extends", "numbering",
                                          "deadlines", "review", NULL};
    struct pol_policy *pol = NULL;
    json_error_t jerr;
    int has_extends;
    int rc;
    *out = NULL;
    pol = calloc(1, sizeof(*pol));
    if (pol == NULL)
        return nomem(c);
    pol->root = json_loadb(c->text, c->len, JSON_REJECT_DUPLICATES, &jerr);
    if (pol->root == NULL) {
        char msg[400];
        snprintf(msg, sizeof(msg), "第 %d 行第 %d 列：JSON 无法解析（%s）", jerr.line, jerr.column,
                 jerr.text);
        report(c, "", "", jerr.line, jerr.column, 0, msg);
        goto cleanup;
    }
    if (!json_is_object(pol->root)) {
        bad(c, "", "规则文件应为 JSON 对象 {…}");
        goto cleanup;
    }
    (void)only_keys(c, pol->root, "", allowed);
    (void)parse_name(c, pol, pol->root);
    (void)string_value(c, pol->root, "title", "", LABEL_MAX, &pol->title);
    has_extends = json_object_get(pol->root, "extends") != NULL;
    if (has_extends)
        (void)parse_extends(c, pol, pol->root);
    if (c->nomem)
        goto cleanup;
    /* an extending file may leave numbering and deadlines to its parent */
    if (!has_extends || json_object_get(pol->root, "numbering") != NULL)
        (void)parse_numbering(c, pol, pol->root);
    if (!has_extends || json_object_get(pol->root, "deadlines") != NULL)
        (void)parse_deadlines(c, pol, pol->root);
    if (json_object_get(pol->root, "review") != NULL)
        (void)parse_review(c, pol, pol->root);
cleanup:
    if (c->nomem) {
        rc = SX_E_NOMEM;
    } else if (c->nerr > 0) {
        rc = SX_E_INVALID;
    } else {
        *out = pol;
        return 0;
    }
    pol_free(pol);
    return rc;
}

int pol_load(const char *text, size_t len, const struct pol_loader *loader, struct pol_policy **out,
             struct sx_err *err)
{
    struct pctx c;
    memset(&c, 0, sizeof(c));
    c.text = text;
    c.len = len;
    c.err = err;
    c.loader = loader;
    return parse_text(&c, out);
}

int pol_parse(const char *text, size_t len, struct pol_policy **out, struct sx_err *err)
{
    return pol_load(text, len, NULL, out, err);
}

int pol_check(const char *text, size_t len, const struct pol_loader *loader,
              void (*each)(void *ctx, const struct pol_diag *d), void *ctx)
{
    struct pctx c;
    struct sx_err first;
    struct pol_policy *pol = NULL;
    int rc;
    memset(&c, 0, sizeof(c));
    sx_err_clear(&first);
    c.text = text;
    c.len = len;
    c.err = &first;
    c.loader = loader;
    c.each = each;
    c.each_ctx = ctx;
    rc = parse_text(&c, &pol);
    pol_free(pol);
    if (rc == SX_E_NOMEM)
        return rc;
    return c.nerr;
}

void pol_free(struct pol_policy *pol)
{
    if (pol == NULL)
        return;
    pol_free(pol->parent);
    json_decref(pol->root);
    free(pol);
}

/* ---- accessors ---- */

const char *pol_name(const struct pol_policy *pol)
{
    return pol->name.value;
}

const char *pol_title(const struct pol_policy *pol)
{
    return pol->title.value;
}

const char *pol_extends(const struct pol_policy *pol)
{
    return pol->extends.value;
}

const struct pol_policy *pol_parent(const struct pol_policy *pol)
{
    return pol->parent;
}

const char *pol_numbering_pattern(const struct pol_policy *pol)
{
    return pol->pattern.value;
}

const char *pol_kind_abbrev(const struct pol_policy *pol, enum pol_kind kind)
{
    if ((int)kind < 0 || kind >= POL_KIND_COUNT)
        return NULL;
    return pol->kind[kind].value;
}

int pol_deadline(const struct pol_policy *pol, const char *key, int *days, enum pol_unit *unit,
                 const char **source, struct sx_err *err)
{
    int i = key != NULL ? catalogue_index(key) : -1;
    const struct pol_deadline_value *d;
    if (i < 0)
        return SX_FAIL(err, SX_E_INVALID, "deadline-unknown", "未知的期限", "", "deadline",
                       "期限“%s”不在期限目录中", key != NULL ? key : "");
    d = &pol->deadlines[i];
    if (!d->set)
        return SX_FAIL(err, SX_E_NOTFOUND, "deadline-not-set", "规则未规定该期限", "", "deadline",
                       "规则集“%s”未规定期限“%s”（%s）", pol->name.value, key,
                       deadline_catalogue[i].label);
    if (days != NULL)
        *days = d->days;
    if (unit != NULL)
        *unit = d->unit;
    if (source != NULL)
        *source = d->source;
    return 0;
}

const char *pol_source(const struct pol_policy *pol, const char *path)
{
    static const char kind_prefix[] = "numbering.kind_abbrev.";
    static const char deadline_prefix[] = "deadlines.";
    static const char body_prefix[] = "review.bodies.";
    static const char rule_prefix[] = "review.rules.";
    static const char material_prefix[] = "review.materials.";
    if (path == NULL)
        return NULL;
    if (strcmp(path, "name") == 0)
        return pol->name.source;
    if (strcmp(path, "title") == 0)
        return pol->title.source;
    if (strcmp(path, "extends") == 0)
        return pol->extends.source;
    if (strcmp(path, "numbering.pattern") == 0)
        return pol->pattern.source;
    if (strncmp(path, kind_prefix, sizeof(kind_prefix) - 1) == 0) {
        for (int k = 0; k < POL_KIND_COUNT; k++)
            if (strcmp(path + sizeof(kind_prefix) - 1, kind_names[k]) == 0)
                return pol->kind[k].source;
        return NULL;
    }
    if (strncmp(path, deadline_prefix, sizeof(deadline_prefix) - 1) == 0) {
        int i = catalogue_index(path + sizeof(deadline_prefix) - 1);
        if (i >= 0 && pol->deadlines[i].set)
            return pol->deadlines[i].source;
        return NULL;
    }
    if (strncmp(path, body_prefix, sizeof(body_prefix) - 1) == 0) {
        const struct pol_body *b = pol_body_find(pol, path + sizeof(body_prefix) - 1);
        return b != NULL ? b->source : NULL;
    }
    if (strncmp(path, rule_prefix, sizeof(rule_prefix) - 1) == 0) {
        const struct pol_rule *r = pol_rule_find(pol, path + sizeof(rule_prefix) - 1);
        return r != NULL ? r->source : NULL;
    }
    if (strncmp(path, material_prefix, sizeof(material_prefix) - 1) == 0) {
        int i = material_index(pol, path + sizeof(material_prefix) - 1);
        return i >= 0 ? pol->materials[i].source : NULL;
    }
    return NULL;
}

size_t pol_deadline_key_count(void)
{
    return N_DEADLINES;
}

const char *pol_deadline_key_at(size_t i)
{
    return i < N_DEADLINES ? deadline_catalogue[i].key : NULL;
}

const char *pol_deadline_label(const char *key)
{
    int i = key != NULL ? catalogue_index(key) : -1;
    return i >= 0 ? deadline_catalogue[i].label : NULL;
}

int pol_deadline_is_minimum(const char *key)
{
    int i = key != NULL ? catalogue_index(key) : -1;
    return i >= 0 ? deadline_catalogue[i].minimum : -1;
}

size_t pol_body_count(const struct pol_policy *pol)
{
    return pol->n_bodies;
}

const struct pol_body *pol_body_at(const struct pol_policy *pol, size_t i)
{
    return i < pol->n_bodies ? &pol->bodies[i] : NULL;
}

size_t pol_rule_count(const struct pol_policy *pol)
{
    return pol->n_rules;
}

const struct pol_rule *pol_rule_at(const struct pol_policy *pol, size_t i)
{
    return i < pol->n_rules ? &pol->rules[i] : NULL;
}

const struct pol_rule *pol_rule_find(const struct pol_policy *pol, const char *id)
{
    int i = id != NULL ? rule_index(pol, id) : -1;
    return i >= 0 ? &pol->rules[i] : NULL;
}

size_t pol_material_count(const struct pol_policy *pol)
{
    return pol->n_materials;
}

const struct pol_material *pol_material_at(const struct pol_policy *pol, size_t i)
{
    return i < pol->n_materials ? &pol->materials[i] : NULL;
}

/* ---- JSON view ---- */

static json_t *sourced(const struct pol_value *v)
{
    return json_pack("{s:s, s:s}", "value", v->value, "source", v->source);
}

json_t *pol_to_json(const struct pol_policy *pol)
{
    json_t *out = json_object();
    json_t *kinds = json_object();
    json_t *deadlines = json_object();
    json_t *bodies = json_array();
    json_t *rules = json_array();
    json_t *mats = json_array();
    int ok = out != NULL && kinds != NULL && deadlines != NULL && bodies != NULL && rules != NULL &&
             mats != NULL;
    for (int k = 0; ok && k < POL_KIND_COUNT; k++)
        ok = json_object_set_new(kinds, kind_names[k], sourced(&pol->kind[k])) == 0;
    for (size_t i = 0; ok && i < N_DEADLINES; i++) {
        const struct pol_deadline_value *d = &pol->deadlines[i];
        if (!d->set)
            continue;
        ok = json_object_set_new(deadlines, deadline_catalogue[i].key,
                                 json_pack("{s:i, s:s, s:s, s:b, s:s, s:s}", "days", d->days,
                                           "unit", d->unit == POL_UNIT_WD ? "wd" : "cd", "label",
                                           deadline_catalogue[i].label, "minimum",
                                           deadline_catalogue[i].minimum, "source", d->source,
                                           "defined_in", d->defined_in)) == 0;
    }
    for (size_t i = 0; ok && i < pol->n_bodies; i++) {
        const struct pol_body *b = &pol->bodies[i];
        ok = json_array_append_new(bodies, json_pack("{s:s, s:s, s:i, s:s, s:s}", "key", b->key,
                                                     "label", b->label, "rank", b->rank, "source",
                                                     b->source, "defined_in", b->defined_in)) == 0;
    }
    for (size_t i = 0; ok && i < pol->n_rules; i++) {
        const struct pol_rule *r = &pol->rules[i];
        ok = json_array_append_new(rules, json_pack("{s:s, s:s, s:s, s:O, s:s, s:s}", "id", r->id,
                                                    "label", r->label, "body", r->body, "when",
                                                    (json_t *)r->when, "source", r->source,
                                                    "defined_in", r->defined_in)) == 0;
    }
    for (size_t i = 0; ok && i < pol->n_materials; i++) {
        const struct pol_material *m = &pol->materials[i];
        json_t *o =
            json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", m->id, "label", m->label, "when",
                      when_names[m->when], "source", m->source, "defined_in", m->defined_in);
        if (o != NULL && m->n_points > 0) {
            json_t *items = json_array();
            for (size_t j = 0; items != NULL && j < m->n_points; j++)
                if (json_array_append_new(items, json_pack("{s:s, s:s}", "id", m->point_ids[j],
                                                           "label", m->point_labels[j])) != 0) {
                    json_decref(items);
                    items = NULL;
                }
            if (items == NULL ||
                json_object_set_new(
                    o, "points",
                    json_pack("{s:s, s:o}", "source", m->points_source, "items", items)) != 0) {
                json_decref(o);
                o = NULL;
            }
        }
        ok = json_array_append_new(mats, o) == 0;
    }
    if (ok)
        ok = json_object_set_new(out, "name", json_string(pol->name.value)) == 0 &&
             json_object_set_new(out, "title", sourced(&pol->title)) == 0 &&
             json_object_set_new(out, "extends",
                                 pol->extends.value != NULL ? sourced(&pol->extends)
                                                            : json_null()) == 0 &&
             json_object_set_new(out, "amount_unit", json_string("yuan")) == 0 &&
             json_object_set_new(out, "numbering",
                                 json_pack("{s:o, s:O}", "pattern", sourced(&pol->pattern),
                                           "kind_abbrev", kinds)) == 0 &&
             json_object_set_new(out, "deadlines", json_incref(deadlines)) == 0 &&
             json_object_set_new(out, "review",
                                 json_pack("{s:O, s:O, s:O}", "bodies", bodies, "rules", rules,
                                           "materials", mats)) == 0;
    json_decref(kinds);
    json_decref(deadlines);
    json_decref(bodies);
    json_decref(rules);
    json_decref(mats);
    if (!ok) {
        json_decref(out);
        return NULL;
    }
    return out;
}
