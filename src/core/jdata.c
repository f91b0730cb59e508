/* jdata: strict member readers shared by the rule-data loaders. */
#include "jdata.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int jd_fail(const struct jd_kind *k, struct sx_err *err, const char *path, const char *fmt, ...)
{
    char detail[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    return SX_FAIL(err, SX_E_INVALID, k->type, k->title, k->source, path, "%s: %s", path, detail);
}

int jd_nomem(const struct jd_kind *k, struct sx_err *err)
{
    return SX_FAIL(err, SX_E_NOMEM, "out-of-memory", "内存不足", "", "", "加载%s时内存不足",
                   k->what);
}

void jd_path(char *dst, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(dst, cap, fmt, ap);
    va_end(ap);
}

bool jd_is_snake(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n > max || s[0] < 'a' || s[0] > 'z')
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return false;
    }
    return true;
}

int jd_check_members(const struct jd_kind *k, const json_t *obj, const char *const *allowed,
                     const char *path, struct sx_err *err)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        bool ok = false;
        (void)v;
        for (size_t i = 0; allowed[i] != NULL && !ok; i++)
            ok = strcmp(key, allowed[i]) == 0;
        if (!ok)
            return jd_fail(k, err, path, "未定义的成员「%s」", key);
    }
    return 0;
}

int jd_need_str(const struct jd_kind *k, struct sx_arena *a, const json_t *obj, const char *key,
                const char *path, const char **out, struct sx_err *err)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_string(v) || json_string_length(v) == 0 ||
        strlen(json_string_value(v)) != json_string_length(v))
        return jd_fail(k, err, path, "「%s」必须是非空字符串", key);
    *out = sx_arena_strdup(a, json_string_value(v));
    return *out == NULL ? jd_nomem(k, err) : 0;
}

int jd_opt_bool(const struct jd_kind *k, const json_t *obj, const char *key, const char *path,
                bool *out, struct sx_err *err)
{
    json_t *v = json_object_get(obj, key);
    *out = false;
    if (v == NULL)
        return 0;
    if (!json_is_boolean(v))
        return jd_fail(k, err, path, "「%s」必须是 true 或 false", key);
    *out = json_is_true(v);
    return 0;
}

int jd_opt_int(const struct jd_kind *k, const json_t *obj, const char *key, const char *path,
               long long lo, long long hi, bool *present, long long *out, struct sx_err *err)
{
    json_t *v = json_object_get(obj, key);
    *present = false;
    *out = 0;
    if (v == NULL)
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
        return jd_fail(k, err, path, "「%s」必须是 %lld 到 %lld 之间的整数", key, lo, hi);
    *present = true;
    *out = json_integer_value(v);
    return 0;
}

int jd_parse_root(const struct jd_kind *k, const char *text, size_t len, size_t max,
                  const char *const *allowed, json_t **root, struct sx_err *err)
{
    json_error_t jerr;
    int rc;
    *root = NULL;
    if (text == NULL)
        return jd_fail(k, err, "", "没有%s内容", k->what);
    if (len > max)
        return SX_FAIL(err, SX_E_TOOBIG, k->too_big_type, k->title, k->source, "",
                       "%s %zu 字节，超过上限 %zu 字节", k->what, len, max);
    *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (*root == NULL)
        return SX_FAIL(err, SX_E_INVALID, k->type, k->title, k->source, "",
                       "JSON 第 %d 行第 %d 列: %s", jerr.line, jerr.column, jerr.text);
    rc = json_is_object(*root) ? jd_check_members(k, *root, allowed, "", err)
                               : jd_fail(k, err, "", "%s必须是 JSON 对象", k->what);
    if (rc != 0) {
        json_decref(*root);
        *root = NULL;
    }
    return rc;
}
