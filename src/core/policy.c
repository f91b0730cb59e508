/*
 * policy: parse and validate a policy file (JSON, every value with its
 * source) and answer lookups. The file format is described in policy.h.
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

/*
 * Deadline keys a policy may set. A key outside this list is an error, so a
 * misspelt key can never leave a deadline silently unset. The label says
 * what the period counts from, for people reading errors and settings.
 */
static const struct {
    const char *key;
    const char *label;
} deadline_catalogue[] = {
    {"decision", "作出行政处罚决定（自立案之日起）"},
    {"decision_extension", "办案期限延长"},
    {"filing_check", "核查线索并决定是否立案"},
    {"filing_check_extension", "核查线索期限延长"},
    {"preservation_decision", "先行登记保存后作出处理决定"},
    {"sealing", "查封、扣押期限"},
    {"sealing_extension", "查封、扣押期限延长"},
    {"hearing_request", "当事人要求听证（自告知之日起）"},
    {"hearing_notice", "听证通知（不晚于举行听证前）"},
    {"service", "送达行政处罚决定书（当事人不在场时，自宣告之日起）"},
    {"fine_payment", "当事人缴纳罚款（自收到决定书之日起）"},
    {"publish_penalty", "公示行政处罚结果（自决定作出之日起）"},
    {"publish_other", "公示其他行政执法结果（自决定作出之日起）"},
    {"withdraw_published", "撤回被变更、撤销或确认违法、无效的已公开决定"},
    {"av_storage", "音像记录存储至平台（自制作完成或返回单位之日起）"},
    {"archive", "形成案卷并归档（自执行终结之日起）"},
    {"review_submit", "送法制审核（自调查终结之日起）"},
    {"review_submit_before_deadline", "送法制审核（不晚于决定期限届满前）"},
    {"legal_review", "法制审核（自收到送审材料之日起）"},
    {"legal_review_extension", "法制审核期限延长"},
    {"rereview_request", "申请复核（自收到审核意见书之日起）"},
    {"rereview_answer", "复核答复（自收到复核申请之日起）"},
    {"emergency_review", "紧急决定后补办法制审核（自决定作出之日起）"},
    {"major_decision_filing", "重大执法决定报备（自决定作出之日起）"},
};

#define N_DEADLINES (sizeof(deadline_catalogue) / sizeof(deadline_catalogue[0]))

static const char *const kind_names[POL_KIND_COUNT + 1] = {"penalty", "inspection", "coercion",
                                                           NULL};

struct pol_value {
    const char *value;
    const char *source;
};

struct pol_deadline_value {
    int set;
    int days;
    enum pol_unit unit;
    const char *source;
};

struct pol_policy {
    json_t *root; /* owns every string below */
    struct pol_value name;
    struct pol_value title;
    struct pol_value pattern;
    struct pol_value kind[POL_KIND_COUNT];
    struct pol_deadline_value deadlines[N_DEADLINES];
};

/* ---- errors ---- */

static int bad(struct sx_err *err, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int bad(struct sx_err *err, const char *path, const char *fmt, ...)
{
    char detail[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    return SX_FAIL(err, SX_E_INVALID, "policy-invalid", "规则文件有误", "", path, "%s：%s",
                   path[0] != '\0' ? path : "（根）", detail);
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

/* ---- structural helpers ---- */

/* Every key of obj must be in allowed (NULL-terminated). */
static int only_keys(json_t *obj, const char *path, const char *const *allowed, struct sx_err *err)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        int ok = 0;
        (void)v;
        for (size_t i = 0; allowed[i] != NULL && !ok; i++)
            ok = strcmp(key, allowed[i]) == 0;
        if (!ok) {
            char p[PATH_MAX_LEN];
            join(p, path, key);
            return bad(err, p, "未知的键“%s”", key);
        }
    }
    return 0;
}

/* The member key of obj as an object; missing or another type is an error. */
static int member_object(json_t *obj, const char *key, const char *path, json_t **out,
                         struct sx_err *err)
{
    char p[PATH_MAX_LEN];
    json_t *v = json_object_get(obj, key);
    join(p, path, key);
    if (v == NULL)
        return bad(err, p, "缺少必填项");
    if (!json_is_object(v))
        return bad(err, p, "应为对象 {…}");
    *out = v;
    return 0;
}

/* "source": non-blank string that fits an error's source field. "note": string. */
static int source_and_note(json_t *obj, const char *path, const char **source, struct sx_err *err)
{
    char p[PATH_MAX_LEN];
    json_t *s = json_object_get(obj, "source");
    json_t *note = json_object_get(obj, "note");
    const char *text;
    size_t len;
    int blank = 1;
    join(p, path, "source");
    if (s == NULL)
        return bad(err, p, "缺少来源：每个规则值都须注明出处（文件 条款）");
    if (!json_is_string(s))
        return bad(err, p, "来源应为字符串");
    text = json_string_value(s);
    len = json_string_length(s);
    for (size_t i = 0; i < len && blank; i++)
        blank = text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r';
    if (blank)
        return bad(err, p, "来源为空：每个规则值都须注明出处（文件 条款）");
    if (len > SOURCE_MAX || memchr(text, '\0', len) != NULL)
        return bad(err, p, "来源过长（%zu 字节，上限 %d）或含 NUL", len, SOURCE_MAX);
    if (note != NULL && !json_is_string(note)) {
        join(p, path, "note");
        return bad(err, p, "说明应为字符串");
    }
    *source = text;
    return 0;
}

/* A {"value": <string>, "source": ..., "note"?} member. */
static int string_value(json_t *parent, const char *key, const char *path, size_t max_len,
                        struct pol_value *out, struct sx_err *err)
{
    static const char *const allowed[] = {"value", "source", "note", NULL};
    char p[PATH_MAX_LEN];
    char pv[PATH_MAX_LEN];
    json_t *obj;
    json_t *v;
    size_t len;
    int rc = member_object(parent, key, path, &obj, err);
    if (rc != 0)
        return rc;
    join(p, path, key);
    rc = only_keys(obj, p, allowed, err);
    if (rc == 0)
        rc = source_and_note(obj, p, &out->source, err);
    if (rc != 0)
        return rc;
    join(pv, p, "value");
    v = json_object_get(obj, "value");
    if (v == NULL)
        return bad(err, pv, "缺少取值");
    if (!json_is_string(v))
        return bad(err, pv, "应为字符串");
    len = json_string_length(v);
    if (len == 0 || len > max_len || memchr(json_string_value(v), '\0', len) != NULL)
        return bad(err, pv, "应为 1–%zu 字节的文字", max_len);
    out->value = json_string_value(v);
    return 0;
}

/* ---- sections ---- */

static int parse_name(struct pol_policy *pol, json_t *root, struct sx_err *err)
{
    int rc = string_value(root, "name", "", 64, &pol->name, err);
    if (rc != 0)
        return rc;
    for (const char *c = pol->name.value; *c != '\0'; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-'))
            return bad(err, "name.value", "规则集名称“%s”只能含小写字母、数字和“-”",
                       pol->name.value);
    return 0;
}

static int parse_numbering(struct pol_policy *pol, json_t *root, struct sx_err *err)
{
    static const char *const allowed[] = {"pattern", "kind_abbrev", NULL};
    json_t *num;
    json_t *kinds;
    int rc = member_object(root, "numbering", "", &num, err);
    if (rc == 0)
        rc = only_keys(num, "numbering", allowed, err);
    if (rc == 0)
        rc = string_value(num, "pattern", "numbering", NUM_PATTERN_MAX, &pol->pattern, err);
    if (rc != 0)
        return rc;
    rc = num_pattern_validate(pol->pattern.value, err);
    if (rc != 0) {
        if (err != NULL)
            snprintf(err->field, sizeof(err->field), "numbering.pattern.value");
        return rc;
    }
    rc = member_object(num, "kind_abbrev", "numbering", &kinds, err);
    if (rc == 0)
        rc = only_keys(kinds, "numbering.kind_abbrev", kind_names, err);
    for (int k = 0; rc == 0 && k < POL_KIND_COUNT; k++) {
        const char *v;
        char p[PATH_MAX_LEN];
        rc = string_value(kinds, kind_names[k], "numbering.kind_abbrev", 32, &pol->kind[k], err);
        if (rc != 0)
            break;
        v = pol->kind[k].value;
        snprintf(p, sizeof(p), "numbering.kind_abbrev.%s.value", kind_names[k]);
        for (const char *c = v; *c != '\0'; c++)
            if ((unsigned char)*c < 0x20 || *c == '{' || *c == '}')
                return bad(err, p, "种类简称不能含花括号或控制字符");
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

static int parse_deadline(struct pol_deadline_value *d, json_t *obj, const char *path,
                          struct sx_err *err)
{
    static const char *const allowed[] = {"days", "unit", "source", "note", NULL};
    char p[PATH_MAX_LEN];
    json_t *days;
    json_t *unit;
    const char *u;
    int rc;
    if (!json_is_object(obj))
        return bad(err, path, "应为对象 {\"days\":…, \"unit\":…, \"source\":…}");
    rc = only_keys(obj, path, allowed, err);
    if (rc == 0)
        rc = source_and_note(obj, path, &d->source, err);
    if (rc != 0)
        return rc;
    join(p, path, "days");
    days = json_object_get(obj, "days");
    if (days == NULL)
        return bad(err, p, "缺少天数");
    if (!json_is_integer(days) || json_integer_value(days) < 1 ||
        json_integer_value(days) > POL_DAYS_MAX)
        return bad(err, p, "天数应为 1–%d 的整数", POL_DAYS_MAX);
    join(p, path, "unit");
    unit = json_object_get(obj, "unit");
    if (unit == NULL)
        return bad(err, p, "缺少单位（\"wd\" 工作日 或 \"cd\" 自然日）");
    u = json_is_string(unit) ? json_string_value(unit) : "";
    if (strcmp(u, "wd") == 0)
        d->unit = POL_UNIT_WD;
    else if (strcmp(u, "cd") == 0)
        d->unit = POL_UNIT_CD;
    else
        return bad(err, p, "单位应为 \"wd\"（工作日）或 \"cd\"（自然日）");
    d->days = (int)json_integer_value(days);
    d->set = 1;
    return 0;
}

static int parse_deadlines(struct pol_policy *pol, json_t *root, struct sx_err *err)
{
    json_t *dl;
    const char *key;
    json_t *v;
    int rc = member_object(root, "deadlines", "", &dl, err);
    if (rc != 0)
        return rc;
    json_object_foreach(dl, key, v)
    {
        char p[PATH_MAX_LEN];
        int i = catalogue_index(key);
        join(p, "deadlines", key);
        if (i < 0)
            return bad(err, p, "未知的期限“%s”（不在期限目录中）", key);
        rc = parse_deadline(&pol->deadlines[i], v, p, err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int pol_parse(const char *text, size_t len, struct pol_policy **out, struct sx_err *err)
{
    static const char *const allowed[] = {"name", "title", "numbering", "deadlines", NULL};
    struct pol_policy *pol = NULL;
    json_error_t jerr;
    int rc;
    *out = NULL;
    pol = calloc(1, sizeof(*pol));
    if (pol == NULL)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "规则文件");
    pol->root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (pol->root == NULL) {
        rc = SX_FAIL(err, SX_E_INVALID, "policy-invalid", "规则文件有误", "", "",
                     "第 %d 行第 %d 列：JSON 无法解析（%s）", jerr.line, jerr.column, jerr.text);
        goto cleanup;
    }
    if (!json_is_object(pol->root)) {
        rc = bad(err, "", "规则文件应为 JSON 对象 {…}");
        goto cleanup;
    }
    rc = only_keys(pol->root, "", allowed, err);
    if (rc == 0)
        rc = parse_name(pol, pol->root, err);
    if (rc == 0)
        rc = string_value(pol->root, "title", "", 256, &pol->title, err);
    if (rc == 0)
        rc = parse_numbering(pol, pol->root, err);
    if (rc == 0)
        rc = parse_deadlines(pol, pol->root, err);
    if (rc != 0)
        goto cleanup;
    *out = pol;
    pol = NULL;
cleanup:
    pol_free(pol);
    return rc;
}

void pol_free(struct pol_policy *pol)
{
    if (pol == NULL)
        return;
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
    if (path == NULL)
        return NULL;
    if (strcmp(path, "name") == 0)
        return pol->name.source;
    if (strcmp(path, "title") == 0)
        return pol->title.source;
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
