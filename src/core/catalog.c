/*
 * catalog: loading the record-type catalogue (data/records/catalog.json) and
 * validating record bodies against it. See catalog.h for the rules.
 *
 * Everything a loaded catalogue holds lives in one arena owned by it, so
 * cat_free is one call and no partial structure is ever visible: cat_load
 * builds into a fresh catalogue and frees it whole on any error.
 */
#include "catalog.h"
#include "jdata.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cal.h"
#include "sx_arena.h"

/* Hard cap on list lengths in a body, so a hostile body cannot make the
 * duplicate check (quadratic, lists are short in practice) expensive. */
#define CAT_LIST_HARD_MAX 1000

/* Longest key (type, field, enum value), in bytes. */
#define CAT_KEY_MAX 63

/* sx_err.source holds 256 bytes; the joined provision list must fit whole. */
#define CAT_SOURCE_TEXT_MAX 255

struct cat_catalog {
    struct sx_arena arena;
    struct cat_kind *kinds;
    size_t n_kinds;
    struct cat_field *common;
    size_t n_common;
    struct cat_type *types;
    size_t n_types;
};

static const char *const ftype_names[] = {
    [CAT_F_STRING] = "string",     [CAT_F_TEXT] = "text",
    [CAT_F_DATE] = "date",         [CAT_F_DATETIME] = "datetime",
    [CAT_F_INT] = "int",           [CAT_F_MONEY_FEN] = "money_fen",
    [CAT_F_BOOL] = "bool",         [CAT_F_ENUM] = "enum",
    [CAT_F_USER_IDS] = "user_ids", [CAT_F_STRING_LIST] = "string_list",
    [CAT_F_OBJECT] = "object",     [CAT_F_RECORD_REF] = "record_ref",
};
#define CAT_N_FTYPES (sizeof(ftype_names) / sizeof(ftype_names[0]))

/* What a value of each type must look like, for error details. */
static const char *const ftype_expect_zh[] = {
    [CAT_F_STRING] = "单行文本",
    [CAT_F_TEXT] = "文本",
    [CAT_F_DATE] = "日期（YYYY-MM-DD）",
    [CAT_F_DATETIME] = "日期时间（YYYY-MM-DDTHH:MM:SS，可带时区）",
    [CAT_F_INT] = "整数",
    [CAT_F_MONEY_FEN] = "以分为单位的非负整数金额",
    [CAT_F_BOOL] = "是或否（true/false）",
    [CAT_F_ENUM] = "选项值",
    [CAT_F_USER_IDS] = "用户编号（正整数）数组",
    [CAT_F_STRING_LIST] = "文本数组",
    [CAT_F_OBJECT] = "对象",
    [CAT_F_RECORD_REF] = "记录编号（正整数）",
};

const char *cat_ftype_name(enum cat_ftype type)
{
    if ((size_t)type < CAT_N_FTYPES && ftype_names[type] != NULL)
        return ftype_names[type];
    return "unknown";
}

/* ---- loading -------------------------------------------------------- */

/* Format a JSON path or field name for messages; truncation is harmless there. */
static const struct jd_kind JD = {"invalid-catalog", "记录类型目录有误", CAT_SOURCE, "记录类型目录",
                                  "catalog-too-big"};

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

/* A provision id from PROVISIONS.md: a seed prefix, '-', then [0-9A-Za-z.-]+. */
static bool is_provision_id(const char *s)
{
    static const char *const prefixes[] = {"HB-", "YN-", "BJ-", "WS-", "HE-"};
    const char *rest = NULL;
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
        if (strncmp(s, prefixes[i], 3) == 0) {
            rest = s + 3;
            break;
        }
    }
    if (rest == NULL || *rest == '\0' || strlen(rest) > 32)
        return false;
    for (; *rest != '\0'; rest++) {
        char c = *rest;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-'))
            return false;
    }
    return true;
}

static int parse_ftype(const char *s, enum cat_ftype *out)
{
    for (size_t i = 0; i < CAT_N_FTYPES; i++) {
        if (ftype_names[i] != NULL && strcmp(s, ftype_names[i]) == 0) {
            *out = (enum cat_ftype)i;
            return 0;
        }
    }
    return -1;
}

static int parse_fields(struct sx_arena *a, const json_t *arr, const char *path,
                        const struct cat_field *common, size_t n_common, struct cat_field **out,
                        size_t *n_out, struct sx_err *err);

static int parse_enum_values(struct sx_arena *a, const json_t *vals, const char *path,
                             struct cat_field *f, struct sx_err *err)
{
    size_t n = json_array_size(vals);
    struct cat_enum_value *ev;
    static const char *const members[] = {"value", "label_zh", NULL};
    if (!json_is_array(vals) || n == 0)
        return load_fail(err, path, "枚举字段必须有非空的 values 数组");
    ev = sx_arena_alloc(a, n * sizeof(*ev));
    if (ev == NULL)
        return nomem(err);
    for (size_t i = 0; i < n; i++) {
        char p[160];
        json_t *v = json_array_get(vals, i);
        int rc;
        jd_path(p, sizeof(p), "%s.values[%zu]", path, i);
        if (!json_is_object(v))
            return load_fail(err, p, "枚举值必须是对象 {value, label_zh}");
        rc = jd_check_members(&JD, v, members, p, err);
        if (rc == 0)
            rc = jd_need_str(&JD, a, v, "value", p, &ev[i].value, err);
        if (rc == 0)
            rc = jd_need_str(&JD, a, v, "label_zh", p, &ev[i].label_zh, err);
        if (rc != 0)
            return rc;
        if (!jd_is_snake(ev[i].value, CAT_KEY_MAX))
            return load_fail(err, p, "枚举值「%s」必须是 snake_case", ev[i].value);
        for (size_t j = 0; j < i; j++) {
            if (strcmp(ev[j].value, ev[i].value) == 0)
                return load_fail(err, p, "枚举值「%s」重复", ev[i].value);
        }
    }
    f->values = ev;
    f->n_values = n;
    return 0;
}

/* Parse one field definition (attributes checked against its type). */
static int parse_field(struct sx_arena *a, const json_t *o, const char *path, struct cat_field *f,
                       struct sx_err *err)
{
    static const char *const members[] = {
        "name", "label_zh",  "type",      "required",  "required_if",  "values", "max_len", "min",
        "max",  "min_items", "max_items", "future_ok", "must_be_true", "fields", NULL};
    const char *type_s = NULL;
    bool has, is_str, is_list, is_num;
    long long v;
    int rc;

    if (!json_is_object(o))
        return load_fail(err, path, "字段定义必须是对象");
    rc = jd_check_members(&JD, o, members, path, err);
    if (rc == 0)
        rc = jd_need_str(&JD, a, o, "name", path, &f->name, err);
    if (rc == 0)
        rc = jd_need_str(&JD, a, o, "label_zh", path, &f->label_zh, err);
    if (rc == 0)
        rc = jd_need_str(&JD, a, o, "type", path, &type_s, err);
    if (rc == 0)
        rc = jd_opt_bool(&JD, o, "required", path, &f->required, err);
    if (rc != 0)
        return rc;
    if (!jd_is_snake(f->name, CAT_KEY_MAX))
        return load_fail(err, path, "字段名「%s」必须是 snake_case", f->name);
    if (parse_ftype(type_s, &f->type) != 0)
        return load_fail(err, path, "未知的字段类型「%s」", type_s);

    is_str = f->type == CAT_F_STRING || f->type == CAT_F_TEXT || f->type == CAT_F_STRING_LIST;
    is_list = f->type == CAT_F_USER_IDS || f->type == CAT_F_STRING_LIST;
    is_num = f->type == CAT_F_INT || f->type == CAT_F_MONEY_FEN;

    /* Attributes that do not apply to the type are refused, so a typo in
     * the data (max_len on a date) cannot silently mean nothing. */
    if (json_object_get(o, "values") != NULL) {
        if (f->type != CAT_F_ENUM)
            return load_fail(err, path, "只有 enum 字段可以有 values");
        rc = parse_enum_values(a, json_object_get(o, "values"), path, f, err);
        if (rc != 0)
            return rc;
    } else if (f->type == CAT_F_ENUM) {
        return load_fail(err, path, "enum 字段「%s」缺少 values", f->name);
    }

    rc = jd_opt_int(&JD, o, "max_len", path, 1, 1000000, &has, &v, err);
    if (rc != 0)
        return rc;
    if (has && !is_str)
        return load_fail(err, path, "只有文本类字段可以有 max_len");
    f->max_len =
        has ? (size_t)v : (f->type == CAT_F_TEXT ? CAT_TEXT_MAX_DEFAULT : CAT_STRING_MAX_DEFAULT);

    rc = jd_opt_int(&JD, o, "min", path, -CAT_INT_MAX, CAT_INT_MAX, &f->has_min, &f->min, err);
    if (rc == 0)
        rc = jd_opt_int(&JD, o, "max", path, -CAT_INT_MAX, CAT_INT_MAX, &f->has_max, &f->max, err);
    if (rc != 0)
        return rc;
    if ((f->has_min || f->has_max) && !is_num)
        return load_fail(err, path, "只有 int、money_fen 字段可以有 min/max");
    if (f->type == CAT_F_MONEY_FEN && f->has_min && f->min < 0)
        return load_fail(err, path, "金额下限不能为负");
    if (f->has_min && f->has_max && f->min > f->max)
        return load_fail(err, path, "min 大于 max");

    rc = jd_opt_int(&JD, o, "min_items", path, 0, CAT_LIST_HARD_MAX, &has, &v, err);
    if (rc != 0)
        return rc;
    f->min_items = (size_t)v;
    if (has && !is_list)
        return load_fail(err, path, "只有数组字段可以有 min_items");
    rc = jd_opt_int(&JD, o, "max_items", path, 1, CAT_LIST_HARD_MAX, &has, &v, err);
    if (rc != 0)
        return rc;
    f->max_items = (size_t)v;
    if (has && !is_list)
        return load_fail(err, path, "只有数组字段可以有 max_items");
    if (f->max_items != 0 && f->min_items > f->max_items)
        return load_fail(err, path, "min_items 大于 max_items");

    rc = jd_opt_bool(&JD, o, "future_ok", path, &f->future_ok, err);
    if (rc == 0)
        rc = jd_opt_bool(&JD, o, "must_be_true", path, &f->must_be_true, err);
    if (rc != 0)
        return rc;
    if (f->future_ok && f->type != CAT_F_DATE && f->type != CAT_F_DATETIME)
        return load_fail(err, path, "只有日期字段可以有 future_ok");
    if (f->must_be_true && f->type != CAT_F_BOOL)
        return load_fail(err, path, "只有 bool 字段可以有 must_be_true");
    if (f->must_be_true && !f->required)
        return load_fail(err, path, "must_be_true 字段必须是必填字段");

    if (json_object_get(o, "required_if") != NULL) {
        static const char *const ri_members[] = {"field", "equals", NULL};
        json_t *ri = json_object_get(o, "required_if");
        json_t *eq;
        char p[160];
        jd_path(p, sizeof(p), "%s.required_if", path);
        if (!json_is_object(ri))
            return load_fail(err, p, "required_if 必须是对象 {field, equals}");
        rc = jd_check_members(&JD, ri, ri_members, p, err);
        if (rc == 0)
            rc = jd_need_str(&JD, a, ri, "field", p, &f->required_if.field, err);
        if (rc != 0)
            return rc;
        eq = json_object_get(ri, "equals");
        if (json_is_boolean(eq)) {
            f->required_if.is_bool = true;
            f->required_if.equals_bool = json_is_true(eq);
        } else if (json_is_string(eq)) {
            f->required_if.equals_str = sx_arena_strdup(a, json_string_value(eq));
            if (f->required_if.equals_str == NULL)
                return nomem(err);
        } else {
            return load_fail(err, p, "equals 必须是字符串或 true/false");
        }
        if (f->required)
            return load_fail(err, path, "必填字段不应再设置 required_if");
    }

    if (json_object_get(o, "fields") != NULL) {
        char p[160];
        struct cat_field *nested = NULL;
        if (f->type != CAT_F_OBJECT)
            return load_fail(err, path, "只有 object 字段可以有 fields");
        jd_path(p, sizeof(p), "%s.fields", path);
        rc = parse_fields(a, json_object_get(o, "fields"), p, NULL, 0, &nested, &f->n_fields, err);
        if (rc != 0)
            return rc;
        f->fields = nested;
    }
    return 0;
}

static const struct cat_field *find_in(const struct cat_field *fields, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(fields[i].name, name) == 0)
            return &fields[i];
    }
    return NULL;
}

static bool enum_has(const struct cat_field *f, const char *value)
{
    for (size_t i = 0; i < f->n_values; i++) {
        if (strcmp(f->values[i].value, value) == 0)
            return true;
    }
    return false;
}

/* required_if must name another field of the same level, with a value that field can take. */
static int check_required_if(const struct cat_field *fields, size_t n, const char *path,
                             struct sx_err *err)
{
    for (size_t i = 0; i < n; i++) {
        const struct cat_required_if *ri = &fields[i].required_if;
        const struct cat_field *other;
        char p[160];
        if (ri->field == NULL)
            continue;
        jd_path(p, sizeof(p), "%s[%zu].required_if", path, i);
        other = find_in(fields, n, ri->field);
        if (other == NULL || other == &fields[i])
            return load_fail(err, p, "required_if 引用的字段「%s」不存在", ri->field);
        if (ri->is_bool) {
            if (other->type != CAT_F_BOOL)
                return load_fail(err, p, "字段「%s」不是 bool，不能与 true/false 比较", ri->field);
        } else if (other->type == CAT_F_ENUM) {
            if (!enum_has(other, ri->equals_str))
                return load_fail(err, p, "「%s」不是字段「%s」的枚举值", ri->equals_str, ri->field);
        } else if (other->type != CAT_F_STRING) {
            return load_fail(err, p, "字段「%s」的类型不能用于 required_if", ri->field);
        }
    }
    return 0;
}

static int parse_fields(struct sx_arena *a, const json_t *arr, const char *path,
                        const struct cat_field *common, size_t n_common, struct cat_field **out,
                        size_t *n_out, struct sx_err *err)
{
    size_t n = json_array_size(arr);
    struct cat_field *fields;
    if (!json_is_array(arr) || n == 0)
        return load_fail(err, path, "fields 必须是非空数组");
    fields = sx_arena_alloc(a, n * sizeof(*fields));
    if (fields == NULL)
        return nomem(err);
    for (size_t i = 0; i < n; i++) {
        char p[160];
        int rc;
        jd_path(p, sizeof(p), "%s[%zu]", path, i);
        rc = parse_field(a, json_array_get(arr, i), p, &fields[i], err);
        if (rc != 0)
            return rc;
        if (find_in(fields, i, fields[i].name) != NULL)
            return load_fail(err, p, "字段名「%s」重复", fields[i].name);
        if (common != NULL && find_in(common, n_common, fields[i].name) != NULL)
            return load_fail(err, p, "字段名「%s」与公共字段重复", fields[i].name);
    }
    {
        int rc = check_required_if(fields, n, path, err);
        if (rc != 0)
            return rc;
    }
    *out = fields;
    *n_out = n;
    return 0;
}

/* Join "ref (id)" pieces with "; " for sx_err.source, whole pieces only. */
static int build_source_text(struct sx_arena *a, struct cat_type *t, struct sx_err *err)
{
    char buf[CAT_SOURCE_TEXT_MAX + 1];
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < t->n_sources; i++) {
        char piece[CAT_SOURCE_TEXT_MAX + 1];
        int n;
        if (t->sources[i].id != NULL)
            n = snprintf(piece, sizeof(piece), "%s%s (%s)", len > 0 ? "; " : "", t->sources[i].ref,
                         t->sources[i].id);
        else
            n = snprintf(piece, sizeof(piece), "%s%s", len > 0 ? "; " : "", t->sources[i].ref);
        if (n < 0 || (size_t)n >= sizeof(piece) || len + (size_t)n > CAT_SOURCE_TEXT_MAX)
            break;
        memcpy(buf + len, piece, (size_t)n + 1);
        len += (size_t)n;
    }
    t->source_text = sx_arena_strdup(a, buf);
    return t->source_text == NULL ? nomem(err) : 0;
}

static int parse_sources(struct sx_arena *a, const json_t *arr, const char *path,
                         struct cat_type *t, struct sx_err *err)
{
    static const char *const members[] = {"id", "ref", NULL};
    size_t n = json_array_size(arr);
    struct cat_source *src;
    if (!json_is_array(arr) || n == 0)
        return load_fail(err, path, "每种记录类型至少引用一条规定（sources）");
    src = sx_arena_alloc(a, n * sizeof(*src));
    if (src == NULL)
        return nomem(err);
    for (size_t i = 0; i < n; i++) {
        char p[160];
        json_t *s = json_array_get(arr, i);
        int rc;
        jd_path(p, sizeof(p), "%s[%zu]", path, i);
        if (!json_is_object(s))
            return load_fail(err, p, "规定引用必须是对象 {id, ref}");
        rc = jd_check_members(&JD, s, members, p, err);
        if (rc == 0)
            rc = jd_need_str(&JD, a, s, "ref", p, &src[i].ref, err);
        if (rc != 0)
            return rc;
        src[i].id = NULL;
        if (json_object_get(s, "id") != NULL) {
            rc = jd_need_str(&JD, a, s, "id", p, &src[i].id, err);
            if (rc != 0)
                return rc;
            if (!is_provision_id(src[i].id))
                return load_fail(err, p, "规定编号「%s」格式不正确（如 YN-2-09）", src[i].id);
        }
    }
    t->sources = src;
    t->n_sources = n;
    return build_source_text(a, t, err);
}

static const struct cat_kind *kind_find(const struct cat_catalog *cat, const char *key)
{
    for (size_t i = 0; i < cat->n_kinds; i++) {
        if (strcmp(cat->kinds[i].key, key) == 0)
            return &cat->kinds[i];
    }
    return NULL;
}

static int parse_kinds_list(struct cat_catalog *cat, const json_t *arr, const char *path,
                            struct cat_type *t, struct sx_err *err)
{
    size_t n = json_array_size(arr);
    const char **kinds;
    if (!json_is_array(arr) || n == 0)
        return load_fail(err, path, "kinds 必须是非空数组");
    kinds = sx_arena_alloc(&cat->arena, n * sizeof(*kinds));
    if (kinds == NULL)
        return nomem(err);
    for (size_t i = 0; i < n; i++) {
        json_t *k = json_array_get(arr, i);
        const struct cat_kind *ck;
        if (!json_is_string(k) || (ck = kind_find(cat, json_string_value(k))) == NULL)
            return load_fail(err, path, "第 %zu 项不是已定义的案件类别", i + 1);
        for (size_t j = 0; j < i; j++) {
            if (kinds[j] == ck->key)
                return load_fail(err, path, "案件类别「%s」重复", ck->key);
        }
        kinds[i] = ck->key;
    }
    t->kinds = kinds;
    t->n_kinds = n;
    return 0;
}

static int parse_type(struct cat_catalog *cat, const json_t *o, const char *path,
                      struct cat_type *t, struct sx_err *err)
{
    static const char *const members[] = {"key",         "name_zh",    "sources", "kinds", "onsite",
                                          "av_required", "av_advised", "fields",  NULL};
    struct sx_arena *a = &cat->arena;
    struct cat_field *fields = NULL;
    char p[160];
    int rc;
    if (!json_is_object(o))
        return load_fail(err, path, "记录类型必须是对象");
    rc = jd_check_members(&JD, o, members, path, err);
    if (rc == 0)
        rc = jd_need_str(&JD, a, o, "key", path, &t->key, err);
    if (rc == 0)
        rc = jd_need_str(&JD, a, o, "name_zh", path, &t->name_zh, err);
    if (rc != 0)
        return rc;
    if (!jd_is_snake(t->key, CAT_KEY_MAX))
        return load_fail(err, path, "记录类型键「%s」必须是 snake_case", t->key);
    jd_path(p, sizeof(p), "%s.sources", path);
    rc = parse_sources(a, json_object_get(o, "sources"), p, t, err);
    if (rc != 0)
        return rc;
    jd_path(p, sizeof(p), "%s.kinds", path);
    rc = parse_kinds_list(cat, json_object_get(o, "kinds"), p, t, err);
    if (rc == 0)
        rc = jd_opt_bool(&JD, o, "onsite", path, &t->onsite, err);
    if (rc == 0)
        rc = jd_opt_bool(&JD, o, "av_required", path, &t->av_required, err);
    if (rc == 0)
        rc = jd_opt_bool(&JD, o, "av_advised", path, &t->av_advised, err);
    if (rc != 0)
        return rc;
    if (t->av_required && t->av_advised)
        return load_fail(err, path, "av_required 与 av_advised 不能同时为 true");
    jd_path(p, sizeof(p), "%s.fields", path);
    rc = parse_fields(a, json_object_get(o, "fields"), p, cat->common, cat->n_common, &fields,
                      &t->n_fields, err);
    if (rc != 0)
        return rc;
    t->fields = fields;
    if (t->onsite) {
        /* The two-officer gate (YN-1-08, BJ-2.2-1) is fed from this field. */
        const struct cat_field *of = find_in(t->fields, t->n_fields, "officers");
        if (of == NULL || of->type != CAT_F_USER_IDS || !of->required)
            return load_fail(err, path,
                             "现场执法记录类型「%s」必须有必填的 officers（user_ids）字段", t->key);
    }
    return 0;
}

static int parse_kinds(struct cat_catalog *cat, const json_t *arr, struct sx_err *err)
{
    static const char *const members[] = {"key", "name_zh", NULL};
    size_t n = json_array_size(arr);
    if (!json_is_array(arr) || n == 0)
        return load_fail(err, "kinds", "kinds 必须是非空数组");
    cat->kinds = sx_arena_alloc(&cat->arena, n * sizeof(*cat->kinds));
    if (cat->kinds == NULL)
        return nomem(err);
    for (size_t i = 0; i < n; i++) {
        char p[64];
        json_t *k = json_array_get(arr, i);
        int rc;
        jd_path(p, sizeof(p), "kinds[%zu]", i);
        if (!json_is_object(k))
            return load_fail(err, p, "案件类别必须是对象 {key, name_zh}");
        rc = jd_check_members(&JD, k, members, p, err);
        if (rc == 0)
            rc = jd_need_str(&JD, &cat->arena, k, "key", p, &cat->kinds[i].key, err);
        if (rc == 0)
            rc = jd_need_str(&JD, &cat->arena, k, "name_zh", p, &cat->kinds[i].name_zh, err);
        if (rc != 0)
            return rc;
        if (!jd_is_snake(cat->kinds[i].key, CAT_KEY_MAX))
            return load_fail(err, p, "案件类别键「%s」必须是 snake_case", cat->kinds[i].key);
        cat->n_kinds = i;
        if (kind_find(cat, cat->kinds[i].key) != NULL)
            return load_fail(err, p, "案件类别「%s」重复", cat->kinds[i].key);
        cat->n_kinds = i + 1;
    }
    return 0;
}

int cat_load(const char *text, size_t len, struct cat_catalog **out, struct sx_err *err)
{
    static const char *const members[] = {"version",       "name_zh", "sources", "kinds",
                                          "common_fields", "types",   NULL};
    struct cat_catalog *cat = NULL;
    json_t *root = NULL;
    json_t *types;
    size_t n;
    int rc;

    *out = NULL;
    rc = jd_parse_root(&JD, text, len, CAT_TEXT_MAX, members, &root, err);
    if (rc != 0)
        return rc;
    cat = calloc(1, sizeof(*cat));
    if (cat == NULL) {
        rc = nomem(err);
        goto cleanup;
    }
    sx_arena_init(&cat->arena, 64 * 1024);
    if (!json_is_integer(json_object_get(root, "version")) ||
        json_integer_value(json_object_get(root, "version")) != 1) {
        rc = load_fail(err, "version", "只支持 version 1");
        goto cleanup;
    }
    rc = parse_kinds(cat, json_object_get(root, "kinds"), err);
    if (rc != 0)
        goto cleanup;
    if (json_object_get(root, "common_fields") != NULL) {
        rc = parse_fields(&cat->arena, json_object_get(root, "common_fields"), "common_fields",
                          NULL, 0, &cat->common, &cat->n_common, err);
        if (rc != 0)
            goto cleanup;
        for (size_t i = 0; i < cat->n_common; i++) {
            if (cat->common[i].required || cat->common[i].required_if.field != NULL) {
                rc = load_fail(err, "common_fields", "公共字段「%s」不能是必填字段",
                               cat->common[i].name);
                goto cleanup;
            }
        }
    }

    types = json_object_get(root, "types");
    n = json_array_size(types);
    if (!json_is_array(types) || n == 0) {
        rc = load_fail(err, "types", "types 必须是非空数组");
        goto cleanup;
    }
    cat->types = sx_arena_alloc(&cat->arena, n * sizeof(*cat->types));
    if (cat->types == NULL) {
        rc = nomem(err);
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++) {
        char p[64];
        jd_path(p, sizeof(p), "types[%zu]", i);
        rc = parse_type(cat, json_array_get(types, i), p, &cat->types[i], err);
        if (rc != 0)
            goto cleanup;
        cat->n_types = i;
        if (cat_find(cat, cat->types[i].key) != NULL) {
            rc = load_fail(err, p, "记录类型「%s」重复", cat->types[i].key);
            goto cleanup;
        }
        cat->n_types = i + 1;
    }

    {
        /* YN-2-20: records are never edited; a correction is a new record
         * that names the one it corrects. */
        const struct cat_type *ct = cat_find(cat, "correction");
        const struct cat_field *cf =
            ct == NULL ? NULL : find_in(ct->fields, ct->n_fields, "corrects");
        if (cf == NULL || cf->type != CAT_F_RECORD_REF || !cf->required) {
            rc =
                load_fail(err, "types",
                          "目录必须有更正记录类型 correction，且其必填字段 corrects 为 record_ref");
            goto cleanup;
        }
    }

    *out = cat;
    cat = NULL;
    rc = 0;

cleanup:
    cat_free(cat);
    json_decref(root);
    return rc;
}

void cat_free(struct cat_catalog *cat)
{
    if (cat == NULL)
        return;
    sx_arena_free(&cat->arena);
    free(cat);
}

size_t cat_type_count(const struct cat_catalog *cat)
{
    return cat->n_types;
}

const struct cat_type *cat_type_at(const struct cat_catalog *cat, size_t i)
{
    return i < cat->n_types ? &cat->types[i] : NULL;
}

const struct cat_type *cat_find(const struct cat_catalog *cat, const char *key)
{
    if (key == NULL)
        return NULL;
    for (size_t i = 0; i < cat->n_types; i++) {
        if (strcmp(cat->types[i].key, key) == 0)
            return &cat->types[i];
    }
    return NULL;
}

size_t cat_common_field_count(const struct cat_catalog *cat)
{
    return cat->n_common;
}

const struct cat_field *cat_common_field_at(const struct cat_catalog *cat, size_t i)
{
    return i < cat->n_common ? &cat->common[i] : NULL;
}

size_t cat_kind_count(const struct cat_catalog *cat)
{
    return cat->n_kinds;
}

const struct cat_kind *cat_kind_at(const struct cat_catalog *cat, size_t i)
{
    return i < cat->n_kinds ? &cat->kinds[i] : NULL;
}

const struct cat_field *cat_field_find(const struct cat_catalog *cat, const struct cat_type *t,
                                       const char *name)
{
    const struct cat_field *f = find_in(t->fields, t->n_fields, name);
    return f != NULL ? f : find_in(cat->common, cat->n_common, name);
}

bool cat_type_allows_kind(const struct cat_type *t, const char *kind)
{
    if (kind == NULL)
        return false;
    for (size_t i = 0; i < t->n_kinds; i++) {
        if (strcmp(t->kinds[i], kind) == 0)
            return true;
    }
    return false;
}

/* ---- body validation ------------------------------------------------ */

struct vctx {
    const struct cat_type *t;
    bool has_today;
    int32_t today;
    struct sx_err *err;
};

/* Fail with a body error; the detail names the record type, field label and name. */
static int body_fail(const struct vctx *c, const char *type, const char *title, const char *path,
                     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int body_fail(const struct vctx *c, const char *type, const char *title, const char *path,
                     const char *fmt, ...)
{
    char detail[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    return SX_FAIL(c->err, SX_E_INVALID, type, title, c->t->source_text, path, "「%s」%s",
                   c->t->name_zh, detail);
}

/* Characters (code points) of a UTF-8 string; *bad set when it holds a control
 * character not allowed here (newline and tab only in multi-line text) or NUL. */
static size_t utf8_chars(const json_t *v, bool multiline, bool *bad)
{
    const unsigned char *s = (const unsigned char *)json_string_value(v);
    size_t n = json_string_length(v), chars = 0;
    *bad = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = s[i];
        if (ch < 0x20 || ch == 0x7f) {
            if (!(multiline && (ch == '\n' || ch == '\r' || ch == '\t')))
                *bad = true;
        }
        if ((ch & 0xc0) != 0x80)
            chars++;
    }
    return chars;
}

static bool is_blank(const json_t *v)
{
    const char *s = json_string_value(v);
    size_t n = json_string_length(v), i = 0;
    /* ASCII whitespace and U+3000 (ideographic space): both look empty to a user */
    while (i < n) {
        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
            i++;
        else if (n - i >= 3 && memcmp(s + i, "\xe3\x80\x80", 3) == 0)
            i += 3;
        else
            return false;
    }
    return true;
}

static bool is_absent(const json_t *v)
{
    if (v == NULL || json_is_null(v))
        return true;
    if (json_is_string(v))
        return is_blank(v);
    if (json_is_array(v))
        return json_array_size(v) == 0;
    return false;
}

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
    }
    return true;
}

static int two(const char *s)
{
    return (s[0] - '0') * 10 + (s[1] - '0');
}

/*
 * Strict datetime: YYYY-MM-DDTHH:MM:SS, then nothing, "Z", or +HH:MM/-HH:MM.
 * On success *day is the date part's day number.
 */
static bool parse_datetime(const char *s, size_t n, int32_t *day)
{
    if (n != 19 && n != 20 && n != 25)
        return false;
    if (cal_date_parse_n(s, 10, day, NULL) != 0)
        return false;
    if (s[10] != 'T' || s[13] != ':' || s[16] != ':' || !digits(s + 11, 2) || !digits(s + 14, 2) ||
        !digits(s + 17, 2))
        return false;
    if (two(s + 11) > 23 || two(s + 14) > 59 || two(s + 17) > 59)
        return false;
    if (n == 20)
        return s[19] == 'Z';
    if (n == 25) {
        if ((s[19] != '+' && s[19] != '-') || s[22] != ':' || !digits(s + 20, 2) ||
            !digits(s + 23, 2))
            return false;
        return two(s + 20) <= 14 && two(s + 23) <= 59;
    }
    return true;
}

static int validate_level(const struct vctx *c, const struct cat_field *fields, size_t n,
                          const struct cat_field *common, size_t n_common, const json_t *obj,
                          const char *prefix);

static int check_string(const struct vctx *c, const struct cat_field *f, const json_t *v,
                        const char *path, bool multiline)
{
    bool bad;
    size_t chars;
    if (!json_is_string(v))
        return body_fail(c, "wrong-field-type", "字段类型错误", path, "的「%s」(%s) 应为%s",
                         f->label_zh, path, ftype_expect_zh[f->type]);
    chars = utf8_chars(v, multiline, &bad);
    if (bad)
        return body_fail(c, "wrong-field-type", "字段类型错误", path, "的「%s」(%s) 含有%s",
                         f->label_zh, path, multiline ? "不允许的控制字符" : "换行或控制字符");
    if (chars > f->max_len)
        return body_fail(c, "field-too-long", "字段超出长度限制", path,
                         "的「%s」(%s) 有 %zu 个字符，最多 %zu 个", f->label_zh, path, chars,
                         f->max_len);
    return 0;
}

static int check_date_value(const struct vctx *c, const struct cat_field *f, const json_t *v,
                            const char *path)
{
    int32_t day;
    bool ok;
    if (!json_is_string(v))
        return body_fail(c, "wrong-field-type", "字段类型错误", path, "的「%s」(%s) 应为%s",
                         f->label_zh, path, ftype_expect_zh[f->type]);
    if (f->type == CAT_F_DATE)
        ok = cal_date_parse_n(json_string_value(v), json_string_length(v), &day, NULL) == 0;
    else
        ok = parse_datetime(json_string_value(v), json_string_length(v), &day);
    if (!ok)
        return body_fail(c, "invalid-date", "日期或时间格式错误", path, "的「%s」(%s) 不是有效的%s",
                         f->label_zh, path, ftype_expect_zh[f->type]);
    if (c->has_today && !f->future_ok && day > c->today) {
        char buf[CAL_DATE_BUFSZ];
        return body_fail(c, "date-in-future", "日期不能晚于今天", path, "的「%s」(%s) 晚于今天 %s",
                         f->label_zh, path, cal_date_format(c->today, buf));
    }
    return 0;
}

static int check_number(const struct vctx *c, const struct cat_field *f, const json_t *v,
                        const char *path)
{
    long long x, lo, hi;
    if (!json_is_integer(v))
        return body_fail(c, "wrong-field-type", "字段类型错误", path, "的「%s」(%s) 应为%s",
                         f->label_zh, path, ftype_expect_zh[f->type]);
    x = json_integer_value(v);
    lo = f->has_min ? f->min : (f->type == CAT_F_MONEY_FEN ? 0 : -CAT_INT_MAX);
    hi = f->has_max ? f->max : CAT_INT_MAX;
    if (x < lo || x > hi)
        return body_fail(c, "value-out-of-range", "数值超出允许范围", path,
                         "的「%s」(%s) 为 %lld，应在 %lld 到 %lld 之间", f->label_zh, path, x, lo,
                         hi);
    return 0;
}

static int check_items(const struct vctx *c, const struct cat_field *f, const json_t *v,
                       const char *path)
{
    size_t n;
    size_t max = f->max_items != 0 ? f->max_items : CAT_LIST_HARD_MAX;
    if (!json_is_array(v))
        return body_fail(c, "wrong-field-type", "字段类型错误", path, "的「%s」(%s) 应为%s",
                         f->label_zh, path, ftype_expect_zh[f->type]);
    n = json_array_size(v);
    if (n < f->min_items || n > max) {
        if (f->max_items != 0 && f->min_items == f->max_items)
            return body_fail(c, "value-out-of-range", "数值超出允许范围", path,
                             "的「%s」(%s) 有 %zu 项，应为 %zu 项", f->label_zh, path, n,
                             f->min_items);
        return body_fail(c, "value-out-of-range", "数值超出允许范围", path,
                         "的「%s」(%s) 有 %zu 项，应为 %zu 到 %zu 项", f->label_zh, path, n,
                         f->min_items, max);
    }
    for (size_t i = 0; i < n; i++) {
        const json_t *it = json_array_get(v, i);
        if (f->type == CAT_F_USER_IDS) {
            if (!json_is_integer(it) || json_integer_value(it) <= 0 ||
                json_integer_value(it) > CAT_INT_MAX)
                return body_fail(c, "wrong-field-type", "字段类型错误", path,
                                 "的「%s」(%s) 第 %zu 项不是用户编号（正整数）", f->label_zh, path,
                                 i + 1);
            for (size_t j = 0; j < i; j++) {
                if (json_integer_value(json_array_get(v, j)) == json_integer_value(it))
                    return body_fail(c, "duplicate-value", "字段包含重复的值", path,
                                     "的「%s」(%s) 重复列出用户 %lld", f->label_zh, path,
                                     (long long)json_integer_value(it));
            }
        } else {
            bool bad;
            if (!json_is_string(it) || is_blank(it))
                return body_fail(c, "wrong-field-type", "字段类型错误", path,
                                 "的「%s」(%s) 第 %zu 项应为非空文本", f->label_zh, path, i + 1);
            if (utf8_chars(it, false, &bad) > f->max_len || bad)
                return body_fail(c, "field-too-long", "字段超出长度限制", path,
                                 "的「%s」(%s) 第 %zu 项超过 %zu 个字符或含有控制字符", f->label_zh,
                                 path, i + 1, f->max_len);
        }
    }
    return 0;
}

static int check_value(const struct vctx *c, const struct cat_field *f, const json_t *v,
                       const char *path)
{
    switch (f->type) {
    case CAT_F_STRING:
        return check_string(c, f, v, path, false);
    case CAT_F_TEXT:
        return check_string(c, f, v, path, true);
    case CAT_F_DATE:
    case CAT_F_DATETIME:
        return check_date_value(c, f, v, path);
    case CAT_F_INT:
    case CAT_F_MONEY_FEN:
        return check_number(c, f, v, path);
    case CAT_F_BOOL:
        if (!json_is_boolean(v))
            return body_fail(c, "wrong-field-type", "字段类型错误", path, "的「%s」(%s) 应为%s",
                             f->label_zh, path, ftype_expect_zh[f->type]);
        if (f->must_be_true && !json_is_true(v))
            return body_fail(c, "must-be-true", "必须确认的事项未确认", path,
                             "的「%s」(%s) 必须为“是”", f->label_zh, path);
        return 0;
    case CAT_F_ENUM: {
        char vb[65];
        if (!json_is_string(v))
            return body_fail(c, "wrong-field-type", "字段类型错误", path, "的「%s」(%s) 应为%s",
                             f->label_zh, path, ftype_expect_zh[f->type]);
        if (!enum_has(f, json_string_value(v)))
            return body_fail(c, "invalid-enum-value", "字段取值不在允许范围内", path,
                             "的「%s」(%s) 不能取值「%s」", f->label_zh, path,
                             sx_clip(vb, sizeof(vb), json_string_value(v)));
        return 0;
    }
    case CAT_F_USER_IDS:
    case CAT_F_STRING_LIST:
        return check_items(c, f, v, path);
    case CAT_F_OBJECT:
        if (!json_is_object(v))
            return body_fail(c, "wrong-field-type", "字段类型错误", path, "的「%s」(%s) 应为%s",
                             f->label_zh, path, ftype_expect_zh[f->type]);
        if (f->fields != NULL)
            return validate_level(c, f->fields, f->n_fields, NULL, 0, v, path);
        return 0;
    case CAT_F_RECORD_REF:
        if (json_is_integer(v) && json_integer_value(v) > 0 && json_integer_value(v) <= CAT_INT_MAX)
            return 0;
        return body_fail(c, "wrong-field-type", "字段类型错误", path, "的「%s」(%s) 应为%s",
                         f->label_zh, path, ftype_expect_zh[f->type]);
    }
    return body_fail(c, "wrong-field-type", "字段类型错误", path, "的「%s」(%s) 类型未知",
                     f->label_zh, path);
}

static bool condition_holds(const struct cat_required_if *ri, const json_t *obj)
{
    const json_t *other;
    if (ri->field == NULL)
        return false;
    other = json_object_get(obj, ri->field);
    if (ri->is_bool)
        return json_is_boolean(other) && json_is_true(other) == ri->equals_bool;
    return json_is_string(other) && strcmp(json_string_value(other), ri->equals_str) == 0;
}

static int check_one(const struct vctx *c, const struct cat_field *f, const json_t *obj,
                     const char *prefix)
{
    char path[CAT_KEY_MAX * 4];
    const json_t *v = json_object_get(obj, f->name);
    if (prefix != NULL)
        jd_path(path, sizeof(path), "%s.%s", prefix, f->name);
    else
        jd_path(path, sizeof(path), "%s", f->name);
    if (is_absent(v)) {
        if (f->required)
            return body_fail(c, "missing-field", "缺少必填字段", path, "缺少必填字段「%s」(%s)",
                             f->label_zh, path);
        if (condition_holds(&f->required_if, obj))
            return body_fail(c, "missing-field", "缺少必填字段", path,
                             "缺少字段「%s」(%s)：%s 为「%s」时必须填写", f->label_zh, path,
                             f->required_if.field,
                             f->required_if.is_bool ? (f->required_if.equals_bool ? "是" : "否")
                                                    : f->required_if.equals_str);
        return 0;
    }
    return check_value(c, f, v, path);
}

static int validate_level(const struct vctx *c, const struct cat_field *fields, size_t n,
                          const struct cat_field *common, size_t n_common, const json_t *obj,
                          const char *prefix)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        (void)v;
        if (find_in(fields, n, key) == NULL && find_in(common, n_common, key) == NULL) {
            char path[CAT_KEY_MAX * 4], kb[65];
            if (prefix != NULL)
                jd_path(path, sizeof(path), "%s.%s", prefix, sx_clip(kb, sizeof(kb), key));
            else
                jd_path(path, sizeof(path), "%s", sx_clip(kb, sizeof(kb), key));
            return body_fail(c, "unknown-field", "记录包含未定义的字段", path, "没有字段「%s」",
                             path);
        }
    }
    for (size_t i = 0; i < n; i++) {
        int rc = check_one(c, &fields[i], obj, prefix);
        if (rc != 0)
            return rc;
    }
    for (size_t i = 0; i < n_common; i++) {
        int rc = check_one(c, &common[i], obj, prefix);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int cat_validate_body(const struct cat_catalog *cat, const char *type_key, const json_t *body,
                      const char *today, struct sx_err *err)
{
    struct vctx c = {.t = cat_find(cat, type_key), .err = err};
    char kb[65];
    if (c.t == NULL)
        return SX_FAIL(err, SX_E_INVALID, "unknown-record-type", "未知的记录类型", CAT_SOURCE,
                       "type", "记录类型「%s」不在记录类型目录中",
                       sx_clip(kb, sizeof(kb), type_key == NULL ? "" : type_key));
    if (today != NULL) {
        if (cal_date_parse(today, &c.today, NULL) != 0)
            return SX_FAIL(err, SX_E_INVALID, "invalid-today", "系统日期格式错误", CAT_SOURCE,
                           "today", "today 应为 YYYY-MM-DD");
        c.has_today = true;
    }
    if (!json_is_object(body))
        return body_fail(&c, "record-body-not-object", "记录内容格式错误", "",
                         "的记录内容必须是 JSON 对象");
    return validate_level(&c, c.t->fields, c.t->n_fields, cat->common, cat->n_common, body, NULL);
}
