/*
 * http_json: JSON request bodies checked against a declarative table of
 * fields before a handler sees them (as Kore's validator rejects parameters
 * before the page runs). jansson parses; this file decides what is allowed:
 * an object, only listed members, each of its declared type and length,
 * required members present. Pure: the unit test drives it row by row.
 */
#include <string.h>

#include "http_int.h"

static const char *type_name(enum http_ftype t)
{
    switch (t) {
    case HTTP_F_STRING:
        return "字符串";
    case HTTP_F_INT:
        return "整数";
    case HTTP_F_BOOL:
        return "布尔值";
    case HTTP_F_OBJECT:
        return "对象";
    case HTTP_F_ARRAY:
        return "数组";
    case HTTP_F_DATE:
        return "日期（YYYY-MM-DD）";
    case HTTP_F_NUMBER:
        return "数值";
    case HTTP_F_ANY:
        return "任意值";
    }
    return "?";
}

static int wrong_type(const struct http_field *f, struct sx_err *err)
{
    return SX_FAIL(err, SX_E_INVALID, "field-type", "字段类型错误", "", f->name, "字段 %s 应为%s",
                   f->name, type_name(f->type));
}

static int check_member(const struct http_field *f, const json_t *v, struct sx_err *err)
{
    if (json_is_null(v)) {
        if (f->required)
            return SX_FAIL(err, SX_E_INVALID, "missing-field", "缺少必填字段", "", f->name,
                           "字段 %s 为必填项，不能为 null", f->name);
        return 0;
    }
    switch (f->type) {
    case HTTP_F_STRING:
    case HTTP_F_DATE: {
        const char *s;
        size_t n;
        if (!json_is_string(v))
            return wrong_type(f, err);
        s = json_string_value(v);
        n = json_string_length(v);
        if (!http_utf8_valid(s, n) || memchr(s, '\0', n) != NULL)
            return SX_FAIL(err, SX_E_INVALID, "invalid-utf8", "字段含有无效字符", "", f->name,
                           "字段 %s 不是有效的 UTF-8 文本", f->name);
        if (f->type == HTTP_F_DATE) {
            if (!http_date_valid(s, n))
                return SX_FAIL(err, SX_E_INVALID, "invalid-date", "日期无效", "", f->name,
                               "字段 %s 应为有效日期（YYYY-MM-DD）", f->name);
            return 0;
        }
        if (f->max_len > 0) {
            size_t count = http_utf8_count(s, n);
            if (count > f->max_len)
                return SX_FAIL(err, SX_E_INVALID, "field-too-long", "字段过长", "", f->name,
                               "字段 %s 最多 %zu 个字符，实际 %zu 个", f->name, f->max_len, count);
        }
        return 0;
    }
    case HTTP_F_INT:
        return json_is_integer(v) ? 0 : wrong_type(f, err);
    case HTTP_F_NUMBER:
        return json_is_number(v) ? 0 : wrong_type(f, err);
    case HTTP_F_BOOL:
        return json_is_boolean(v) ? 0 : wrong_type(f, err);
    case HTTP_F_OBJECT:
        if (!json_is_object(v))
            return wrong_type(f, err);
        if (f->max_len > 0 && json_object_size(v) > f->max_len)
            return SX_FAIL(err, SX_E_INVALID, "field-too-long", "字段过长", "", f->name,
                           "字段 %s 最多 %zu 项", f->name, f->max_len);
        return 0;
    case HTTP_F_ARRAY:
        if (!json_is_array(v))
            return wrong_type(f, err);
        if (f->max_len > 0 && json_array_size(v) > f->max_len)
            return SX_FAIL(err, SX_E_INVALID, "field-too-long", "字段过长", "", f->name,
                           "字段 %s 最多 %zu 项", f->name, f->max_len);
        return 0;
    case HTTP_F_ANY:
        return 0;
    }
    return wrong_type(f, err);
}

int http_json_validate(const json_t *obj, const struct http_field *fields, struct sx_err *err)
{
    const char *key;
    json_t *v;
    if (!json_is_object(obj))
        return SX_FAIL(err, SX_E_INVALID, "body-not-object", "请求体必须是 JSON 对象", "", "",
                       "请求体应为 JSON 对象（{…}）");
    /* cast: jansson's iteration macro takes a non-const object but does not modify it */
    json_object_foreach((json_t *)obj, key, v)
    {
        const struct http_field *f = fields;
        while (f->name != NULL && strcmp(f->name, key) != 0)
            f++;
        if (f->name == NULL)
            return SX_FAIL(err, SX_E_INVALID, "unknown-field", "请求体含有未知字段", "", key,
                           "未知字段：%s", key);
        int rc = check_member(f, v, err);
        if (rc != 0)
            return rc;
    }
    for (const struct http_field *f = fields; f->name != NULL; f++) {
        if (f->required && json_object_get(obj, f->name) == NULL)
            return SX_FAIL(err, SX_E_INVALID, "missing-field", "缺少必填字段", "", f->name,
                           "缺少字段：%s", f->name);
    }
    return 0;
}

static const char *jansson_reason(const json_error_t *je)
{
    switch (json_error_code(je)) {
    case json_error_invalid_utf8:
        return "含有无效的 UTF-8 字节";
    case json_error_premature_end_of_input:
        return "内容不完整";
    case json_error_end_of_input_expected:
        return "JSON 之后还有多余内容";
    case json_error_null_character:
    case json_error_null_byte_in_key:
        return "字符串中含有 NUL 字符";
    case json_error_duplicate_key:
        return "对象中有重复的键";
    case json_error_numeric_overflow:
        return "数值超出范围";
    case json_error_stack_overflow:
        return "嵌套层数过多";
    case json_error_out_of_memory:
        return "内存不足";
    default:
        return "语法错误";
    }
}

int http_json_parse(const char *buf, size_t len, const struct http_field *fields, json_t **out,
                    struct sx_err *err)
{
    json_error_t je;
    json_t *root;
    int rc;
    *out = NULL;
    if (len == 0)
        return SX_FAIL(err, SX_E_INVALID, "malformed-json", "请求体不是有效的 JSON", "", "",
                       "请求体为空");
    root = json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
    if (root == NULL) {
        /* jansson's own text quotes input bytes; report only our zh-CN reason and position */
        return SX_FAIL(err, SX_E_INVALID, "malformed-json", "请求体不是有效的 JSON", "", "",
                       "第 %d 行第 %d 列：%s", je.line, je.column, jansson_reason(&je));
    }
    rc = http_json_validate(root, fields, err);
    if (rc != 0) {
        json_decref(root);
        return rc;
    }
    *out = root;
    return 0;
}
