/*
 * prepub: pre-publicity rules (see prepub.h). The section table is data: one row per section
 * with its shape and, for lists, the fields an item may have and which are required.
 */
#include <stdio.h>
#include <string.h>

#include "ids.h"
#include "prepub.h"

enum shape { LIST, TEXT, PLAN, PHOTOS };

struct section {
    const char *name;
    enum shape shape;
    const char *const *fields;   /* LIST: allowed item fields, NULL-terminated */
    const char *const *required; /* LIST: required item fields, NULL-terminated */
};

static const char *const f_powers[] = {"name", "kind", "basis", "note", NULL};
static const char *const r_powers[] = {"name", "basis", NULL};
static const char *const f_proc[] = {"kind", "description", NULL};
static const char *const r_proc[] = {"kind", NULL};
static const char *const f_guides[] = {"title", "content", "forms", NULL};
static const char *const r_title[] = {"title", NULL};
static const char *const f_items[] = {"subject", "basis",  "object",    "content",
                                      "ratio",   "method", "frequency", NULL};
static const char *const r_items[] = {"subject", NULL};
static const char *const f_titled[] = {"title", "content", NULL};

static const struct section sections[] = {
    {"powers", LIST, f_powers, r_powers},           {"procedures", LIST, f_proc, r_proc},
    {"service_guides", LIST, f_guides, r_title},    {"inspection_items", LIST, f_items, r_items},
    {"remedies", LIST, f_titled, r_title},          {"discretion", LIST, f_titled, r_title},
    {"hearing_standards", LIST, f_titled, r_title}, {"report_hotline", TEXT, NULL, NULL},
    {"inspection_plan", PLAN, NULL, NULL},          {"officer_photos", PHOTOS, NULL, NULL},
};

static int bad(struct sx_err *err, const char *field, const char *detail)
{
    return SX_FAIL(err, SX_E_INVALID, "prepub-invalid", "事前公开内容不符合要求", PREPUB_SOURCE,
                   field, "%s", detail);
}

static bool listed(const char *const *list, const char *s)
{
    for (; *list != NULL; list++)
        if (strcmp(*list, s) == 0)
            return true;
    return false;
}

static bool text_ok(const json_t *v)
{
    return json_is_string(v) && json_string_length(v) <= PREPUB_TEXT_MAX;
}

static int check_list(const struct section *s, const json_t *v, struct sx_err *err)
{
    char field[128];
    size_t i;
    const json_t *item;
    if (!json_is_array(v) || json_array_size(v) > PREPUB_LIST_MAX) {
        snprintf(field, sizeof(field), "sections.%s", s->name);
        return bad(err, field, "应为列表，且不超过 500 项");
    }
    json_array_foreach(v, i, item)
    {
        const char *key;
        const json_t *fv;
        if (!json_is_object(item)) {
            snprintf(field, sizeof(field), "sections.%s[%zu]", s->name, i);
            return bad(err, field, "每一项应为对象");
        }
        json_object_foreach((json_t *)item, key, fv)
        {
            snprintf(field, sizeof(field), "sections.%s[%zu].%s", s->name, i, key);
            if (!listed(s->fields, key))
                return bad(err, field, "不认识的字段");
            if (!text_ok(fv))
                return bad(err, field, "应为文本，且不超过 20000 字节");
        }
        for (const char *const *r = s->required; *r != NULL; r++) {
            const json_t *rv = json_object_get(item, *r);
            if (rv == NULL || json_string_length(rv) == 0) {
                snprintf(field, sizeof(field), "sections.%s[%zu].%s", s->name, i, *r);
                return bad(err, field, "必填项不能为空");
            }
        }
    }
    return 0;
}

static int check_plan(const json_t *v, struct sx_err *err)
{
    const char *key;
    const json_t *fv;
    json_int_t year;
    if (!json_is_object(v))
        return bad(err, "sections.inspection_plan", "年度检查计划应为对象");
    json_object_foreach((json_t *)v, key, fv)
    {
        if (strcmp(key, "year") == 0)
            continue;
        if (strcmp(key, "title") != 0 && strcmp(key, "content") != 0)
            return bad(err, "sections.inspection_plan", "不认识的字段");
        if (!text_ok(fv))
            return bad(err, "sections.inspection_plan", "标题和内容应为文本");
    }
    fv = json_object_get(v, "year");
    year = json_is_integer(fv) ? json_integer_value(fv) : 0;
    if (year < 2000 || year > 2999)
        return bad(err, "sections.inspection_plan.year", "年度应为 2000 至 2999 之间的整数");
    fv = json_object_get(v, "title");
    if (fv == NULL || json_string_length(fv) == 0)
        return bad(err, "sections.inspection_plan.title", "计划标题不能为空");
    return 0;
}

static int check_photos(const json_t *v, struct sx_err *err)
{
    const char *key;
    const json_t *fv;
    if (!json_is_object(v) || json_object_size(v) > PREPUB_LIST_MAX)
        return bad(err, "sections.officer_photos", "应为以用户编号为键的对象");
    json_object_foreach((json_t *)v, key, fv)
    {
        size_t n = strlen(key);
        if (n == 0 || n > 18 || strspn(key, "0123456789") != n || key[0] == '0')
            return bad(err, "sections.officer_photos", "键应为执法人员的用户编号");
        if (!json_is_string(fv) || json_string_length(fv) == 0 || json_string_length(fv) > 512)
            return bad(err, "sections.officer_photos", "照片应为不超过 512 字节的引用");
    }
    return 0;
}

int prepub_sections_check(const json_t *obj, struct sx_err *err)
{
    const char *key;
    const json_t *v;
    if (!json_is_object(obj))
        return bad(err, "sections", "sections 应为对象");
    json_object_foreach((json_t *)obj, key, v)
    {
        const struct section *s = NULL;
        char field[128];
        int rc;
        for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
            if (strcmp(sections[i].name, key) == 0)
                s = &sections[i];
        snprintf(field, sizeof(field), "sections.%s", key);
        if (s == NULL)
            return bad(err, field, "不认识的栏目");
        switch (s->shape) {
        case LIST:
            rc = check_list(s, v, err);
            break;
        case TEXT:
            rc = text_ok(v) ? 0 : bad(err, field, "应为文本");
            break;
        case PLAN:
            rc = check_plan(v, err);
            break;
        case PHOTOS:
        default:
            rc = check_photos(v, err);
            break;
        }
        if (rc != 0)
            return rc;
    }
    return 0;
}

static bool is_date(const char *s)
{
    return s != NULL && strlen(s) == 10 && strspn(s, "0123456789") == 4 && s[4] == '-' &&
           s[7] == '-' && strspn(s + 5, "0123456789") == 2 && strspn(s + 8, "0123456789") == 2;
}

bool prepub_cert_valid(const char *cert_no, const char *valid_from, const char *valid_to,
                       const char *date)
{
    if (cert_no == NULL || cert_no[0] == '\0' || !is_date(valid_from) || !is_date(valid_to) ||
        !is_date(date))
        return false;
    /* ISO dates compare as strings */
    return strcmp(valid_from, date) <= 0 && strcmp(date, valid_to) <= 0;
}

int prepub_plan_status(int year, const char *published_on, const char *today,
                       struct prepub_plan_status *out, struct sx_err *err)
{
    if (year < 2000 || year > 2999 || !is_date(today) ||
        (published_on != NULL && !is_date(published_on)))
        return SX_FAIL(err, SX_E_INVALID, "plan-status-input", "年度检查计划状态参数不正确",
                       PREPUB_PLAN_SOURCE, "year", "年度应为 2000 至 2999，日期格式 YYYY-MM-DD");
    out->year = year;
    snprintf(out->due, sizeof(out->due), "%04d-03-31", year);
    if (published_on != NULL)
        out->state = strcmp(published_on, out->due) <= 0 ? PREPUB_PLAN_PUBLISHED
                                                         : PREPUB_PLAN_PUBLISHED_LATE;
    else
        out->state = strcmp(today, out->due) <= 0 ? PREPUB_PLAN_PENDING : PREPUB_PLAN_OVERDUE;
    return 0;
}

const char *prepub_plan_state_name(enum prepub_plan_state s)
{
    switch (s) {
    case PREPUB_PLAN_PUBLISHED:
        return "published";
    case PREPUB_PLAN_PUBLISHED_LATE:
        return "published_late";
    case PREPUB_PLAN_PENDING:
        return "pending";
    case PREPUB_PLAN_OVERDUE:
    default:
        return "overdue";
    }
}

const char *prepub_plan_state_zh(enum prepub_plan_state s)
{
    switch (s) {
    case PREPUB_PLAN_PUBLISHED:
        return "已按时公开";
    case PREPUB_PLAN_PUBLISHED_LATE:
        return "已公开（逾期）";
    case PREPUB_PLAN_PENDING:
        return "待公开（一季度内）";
    case PREPUB_PLAN_OVERDUE:
    default:
        return "逾期未公开";
    }
}

static int pool_bad(struct sx_err *err, const char *field, const char *detail)
{
    return SX_FAIL(err, SX_E_INVALID, "pool-invalid", "双随机检查对象名录不符合要求",
                   PREPUB_POOL_SOURCE, field, "%s", detail);
}

int prepub_pool_targets_check(const json_t *targets, struct sx_err *err)
{
    size_t i, n;
    const json_t *t;
    char field[64];
    if (!json_is_array(targets) || json_array_size(targets) == 0 ||
        json_array_size(targets) > PREPUB_POOL_MAX)
        return pool_bad(err, "targets", "检查对象名录应为 1 至 5000 项的列表");
    n = json_array_size(targets);
    json_array_foreach(targets, i, t)
    {
        const char *key;
        const json_t *v;
        const char *uscc;
        struct sx_err e;
        if (!json_is_object(t))
            return pool_bad(err, "targets", "每个检查对象应为对象");
        json_object_foreach((json_t *)t, key, v)
        {
            snprintf(field, sizeof(field), "targets[%zu].%s", i, key);
            if (strcmp(key, "recused") == 0) {
                size_t j;
                const json_t *u;
                if (!json_is_array(v))
                    return pool_bad(err, field, "回避人员应为用户编号列表");
                json_array_foreach(v, j, u) if (!json_is_integer(u) ||
                                                json_integer_value(u) <
                                                    1) return pool_bad(err, field,
                                                                       "回避人员应为用户编号列表");
            } else if (strcmp(key, "name") == 0 || strcmp(key, "uscc") == 0 ||
                       strcmp(key, "address") == 0) {
                if (!json_is_string(v) || json_string_length(v) > 500)
                    return pool_bad(err, field, "应为不超过 500 字节的文本");
            } else {
                return pool_bad(err, field, "不认识的字段");
            }
        }
        snprintf(field, sizeof(field), "targets[%zu].name", i);
        if (json_string_length(json_object_get(t, "name")) == 0)
            return pool_bad(err, field, "检查对象名称不能为空");
        snprintf(field, sizeof(field), "targets[%zu].uscc", i);
        uscc = json_string_value(json_object_get(t, "uscc"));
        if (uscc == NULL || ids_uscc_validate(uscc, NULL, &e) != 0)
            return pool_bad(err, field, "统一社会信用代码无效（GB 32100-2015）");
        for (size_t j = i + 1; j < n; j++) {
            const char *other =
                json_string_value(json_object_get(json_array_get(targets, j), "uscc"));
            if (other != NULL && strcmp(other, uscc) == 0)
                return pool_bad(err, field, "同一统一社会信用代码在名录中出现两次");
        }
    }
    return 0;
}
