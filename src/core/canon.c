/*
 * canon: canonical JSON emission (from jansson values), the full check
 * (parse + re-emit + compare) and the cheap allocation-free check used when
 * verifying stored ledger bodies. The form is defined in canon.h.
 */
#include "canon.h"

#include <stdlib.h>
#include <string.h>

#define SORT_STACK_KEYS 16 /* objects up to this many keys sort without malloc */

static const char CANON_TITLE[] = "数据无法规范化";

/* ---- UTF-8 ---- */

/*
 * Length of the valid UTF-8 sequence at p (p < end), or 0 if none: the
 * well-formed byte sequences of Unicode 15 table 3-7 (no overlongs, no
 * surrogates, nothing above U+10FFFF) — the same set jansson accepts.
 */
static size_t utf8_seq(const unsigned char *p, const unsigned char *end)
{
    unsigned char c = p[0];
    size_t n;
    unsigned char lo = 0x80, hi = 0xbf; /* allowed range of the second byte */
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        if (c == 0xe0)
            lo = 0xa0;
        else if (c == 0xed)
            hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        if (c == 0xf0)
            lo = 0x90;
        else if (c == 0xf4)
            hi = 0x8f;
    } else {
        return 0;
    }
    if ((size_t)(end - p) < n)
        return 0;
    if (p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xbf)
            return 0;
    return n;
}

bool canon_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *end = p + len;
    while (p < end) {
        size_t n = utf8_seq(p, end);
        if (n == 0)
            return false;
        p += n;
    }
    return true;
}

/* ---- emission ---- */

/* The escape for control char c < 0x20 that has a short form, else 0. */
static char short_escape(unsigned char c)
{
    switch (c) {
    case '\b':
        return 'b';
    case '\f':
        return 'f';
    case '\n':
        return 'n';
    case '\r':
        return 'r';
    case '\t':
        return 't';
    default:
        return 0;
    }
}

/* Escape without validating; the caller has checked UTF-8. */
static int put_string_raw(struct sx_buf *out, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t run = 0; /* start of the pending run of bytes copied as-is */
    int rc = sx_buf_putc(out, '"');
    for (size_t i = 0; rc == 0 && i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[6];
        size_t esc_len;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        rc = sx_buf_append(out, s + run, i - run);
        if (rc != 0)
            break;
        run = i + 1;
        esc[0] = '\\';
        if (c == '"' || c == '\\') {
            esc[1] = (char)c;
            esc_len = 2;
        } else if (short_escape(c) != 0) {
            esc[1] = short_escape(c);
            esc_len = 2;
        } else {
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 0x0f];
            esc_len = 6;
        }
        rc = sx_buf_append(out, esc, esc_len);
    }
    if (rc == 0)
        rc = sx_buf_append(out, s + run, len - run);
    if (rc == 0)
        rc = sx_buf_putc(out, '"');
    return rc;
}

static int buf_fail(struct sx_err *err, int rc)
{
    if (rc == SX_E_TOOBIG)
        return SX_FAIL(err, rc, "json-too-big", "数据过大", "", "", "规范化 JSON 超过长度上限");
    return SX_FAIL(err, rc, "no-memory", "内存不足", "", "", "规范化 JSON");
}

int canon_put_string(struct sx_buf *out, const char *s, size_t len, struct sx_err *err)
{
    size_t start = out->len;
    int rc;
    if (!canon_utf8_valid(s, len))
        return SX_FAIL(err, SX_E_INVALID, "json-not-canonicalizable", CANON_TITLE, "", "",
                       "字符串不是有效的 UTF-8 编码");
    rc = put_string_raw(out, s, len);
    if (rc != 0) {
        out->len = start;
        out->data[start] = '\0';
        return buf_fail(err, rc);
    }
    return 0;
}

int canon_put_int(struct sx_buf *out, int64_t v)
{
    char digits[24];
    size_t i = sizeof(digits);
    /* Through uint64_t so INT64_MIN negates without overflow. */
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        digits[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (v < 0)
        digits[--i] = '-';
    return sx_buf_append(out, digits + i, sizeof(digits) - i);
}

/* Where canon_json is, for naming the offending member in an error. */
struct path_step {
    const char *key; /* NULL for an array element */
    size_t key_len;
    size_t index;
};

struct emit_state {
    struct sx_buf *out;
    struct sx_err *err;
    struct path_step path[CANON_MAX_DEPTH + 1];
    int depth;
};

/* Render the current path as a JSON pointer ("/a/0/b") into field. */
static void path_format(const struct emit_state *st, char *field, size_t cap)
{
    struct sx_buf b;
    size_t n;
    sx_buf_init(&b, cap - 1);
    for (int i = 0; i < st->depth; i++) {
        const struct path_step *s = &st->path[i];
        int rc;
        if (s->key == NULL) {
            rc = sx_buf_printf(&b, "/%zu", s->index);
        } else {
            rc = sx_buf_putc(&b, '/');
            for (size_t k = 0; rc == 0 && k < s->key_len; k++) {
                if (s->key[k] == '~')
                    rc = sx_buf_puts(&b, "~0");
                else if (s->key[k] == '/')
                    rc = sx_buf_puts(&b, "~1");
                else
                    rc = sx_buf_putc(&b, s->key[k]);
            }
        }
        if (rc != 0)
            break; /* too long or no memory: a truncated path is still useful */
    }
    n = b.len < cap - 1 ? b.len : cap - 1;
    memcpy(field, b.data, n);
    field[n] = '\0';
    sx_buf_free(&b);
}

static int emit_fail(struct emit_state *st, const char *detail)
{
    int rc = SX_FAIL(st->err, SX_E_INVALID, "json-not-canonicalizable", CANON_TITLE, "", "", "%s",
                     detail);
    if (st->err != NULL)
        path_format(st, st->err->field, sizeof(st->err->field));
    return rc;
}

struct member {
    const char *key;
    size_t key_len;
    json_t *value;
};

/* Byte order of UTF-8 keys; a proper prefix sorts first. */
static int member_cmp(const void *a, const void *b)
{
    const struct member *x = a;
    const struct member *y = b;
    size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
    int c = memcmp(x->key, y->key, n);
    if (c != 0)
        return c;
    return (x->key_len > y->key_len) - (x->key_len < y->key_len);
}

static int emit_value(struct emit_state *st, const json_t *v);

static int emit_object(struct emit_state *st, const json_t *v)
{
    struct member stack_members[SORT_STACK_KEYS];
    struct member *m = stack_members;
    size_t n = json_object_size(v);
    size_t i = 0;
    int rc = 0;
    if (n > SORT_STACK_KEYS) {
        m = malloc(n * sizeof(*m));
        if (m == NULL)
            return SX_E_NOMEM;
    }
    /* jansson's iterators are not const-qualified; nothing is modified. */
    for (void *it = json_object_iter((json_t *)v); it != NULL && i < n;
         it = json_object_iter_next((json_t *)v, it)) {
        m[i].key = json_object_iter_key(it);
        m[i].key_len = json_object_iter_key_len(it);
        m[i].value = json_object_iter_value(it);
        i++;
    }
    qsort(m, i, sizeof(*m), member_cmp);
    rc = sx_buf_putc(st->out, '{');
    for (size_t k = 0; rc == 0 && k < i; k++) {
        st->path[st->depth - 1].key = m[k].key;
        st->path[st->depth - 1].key_len = m[k].key_len;
        if (!canon_utf8_valid(m[k].key, m[k].key_len)) {
            rc = emit_fail(st, "键不是有效的 UTF-8 编码");
            break;
        }
        if (k > 0)
            rc = sx_buf_putc(st->out, ',');
        if (rc == 0)
            rc = put_string_raw(st->out, m[k].key, m[k].key_len);
        if (rc == 0)
            rc = sx_buf_putc(st->out, ':');
        if (rc == 0)
            rc = emit_value(st, m[k].value);
    }
    if (rc == 0)
        rc = sx_buf_putc(st->out, '}');
    if (m != stack_members)
        free(m);
    return rc;
}

static int emit_array(struct emit_state *st, const json_t *v)
{
    size_t n = json_array_size(v);
    int rc = sx_buf_putc(st->out, '[');
    for (size_t i = 0; rc == 0 && i < n; i++) {
        st->path[st->depth - 1].key = NULL;
        st->path[st->depth - 1].index = i;
        if (i > 0)
            rc = sx_buf_putc(st->out, ',');
        if (rc == 0)
            rc = emit_value(st, json_array_get(v, i));
    }
    if (rc == 0)
        rc = sx_buf_putc(st->out, ']');
    return rc;
}

/*
 * Returns 0, SX_E_INVALID (err filled here), or a bare SX_E_TOOBIG /
 * SX_E_NOMEM that canon_json turns into an error once, at the top.
 */
static int emit_value(struct emit_state *st, const json_t *v)
{
    int rc;
    switch (json_typeof(v)) {
    case JSON_OBJECT:
    case JSON_ARRAY:
        if (st->depth >= CANON_MAX_DEPTH)
            return emit_fail(st, "嵌套层数超过上限 64");
        st->depth++;
        st->path[st->depth - 1].key = NULL;
        st->path[st->depth - 1].index = 0;
        if (json_is_object(v))
            rc = emit_object(st, v);
        else
            rc = emit_array(st, v);
        if (rc == 0)
            st->depth--;
        return rc;
    case JSON_STRING: {
        const char *s = json_string_value(v);
        size_t len = json_string_length(v);
        if (!canon_utf8_valid(s, len))
            return emit_fail(st, "字符串不是有效的 UTF-8 编码");
        return put_string_raw(st->out, s, len);
    }
    case JSON_INTEGER:
        return canon_put_int(st->out, json_integer_value(v));
    case JSON_REAL:
        return emit_fail(st, "不接受小数（浮点数）；金额须以整数“分”表示");
    case JSON_TRUE:
        return sx_buf_puts(st->out, "true");
    case JSON_FALSE:
        return sx_buf_puts(st->out, "false");
    case JSON_NULL:
        return sx_buf_puts(st->out, "null");
    }
    return emit_fail(st, "未知的 JSON 类型");
}

int canon_json(const json_t *v, struct sx_buf *out, struct sx_err *err)
{
    struct emit_state st;
    size_t start = out->len;
    int rc;
    if (v == NULL)
        return SX_FAIL(err, SX_E_INVALID, "json-not-canonicalizable", CANON_TITLE, "", "",
                       "没有 JSON 值");
    st.out = out;
    st.err = err;
    st.depth = 0;
    rc = emit_value(&st, v);
    if (rc != 0) {
        out->len = start;
        out->data[start] = '\0';
        if (rc == SX_E_TOOBIG || rc == SX_E_NOMEM)
            return buf_fail(err, rc);
    }
    return rc;
}

/* ---- full check ---- */

int canon_check(const char *text, size_t len, struct sx_err *err)
{
    json_error_t jerr;
    json_t *v = NULL;
    struct sx_buf b;
    struct sx_err inner;
    size_t i;
    int rc;
    sx_buf_init(&b, len); /* canonical text is exactly len bytes: longer cannot match */
    v = json_loadb(text, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
    if (v == NULL) {
        rc = SX_FAIL(err, SX_E_INVALID, "json-not-canonical", "数据不是规范化 JSON", "", "",
                     "第 %d 行第 %d 列无法解析：%s", jerr.line, jerr.column, jerr.text);
        goto cleanup;
    }
    sx_err_clear(&inner);
    rc = canon_json(v, &b, &inner);
    if (rc == SX_E_TOOBIG) {
        rc = SX_FAIL(err, SX_E_INVALID, "json-not-canonical", "数据不是规范化 JSON", "", "",
                     "规范化后比原文长");
        goto cleanup;
    }
    if (rc != 0) {
        if (err != NULL)
            *err = inner;
        goto cleanup;
    }
    for (i = 0; i < len && i < b.len && text[i] == b.data[i]; i++)
        ;
    if (i != len || i != b.len) {
        rc = SX_FAIL(err, SX_E_INVALID, "json-not-canonical", "数据不是规范化 JSON", "", "",
                     "自第 %zu 个字节起与规范化形式不同", i + 1);
        goto cleanup;
    }
    rc = 0;
cleanup:
    json_decref(v);
    sx_buf_free(&b);
    return rc;
}

bool canon_is_canonical(const char *text, size_t len)
{
    return canon_check(text, len, NULL) == 0;
}

/* ---- cheap check: recursive descent over the text, no allocation ---- */

struct scan {
    const unsigned char *p;
    const unsigned char *end;
};

static bool scan_value(struct scan *s, int depth);

static bool scan_lit(struct scan *s, const char *lit, size_t n)
{
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, lit, n) != 0)
        return false;
    s->p += n;
    return true;
}

static int lower_hex(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static bool scan_string(struct scan *s)
{
    s->p++; /* opening quote, checked by the caller */
    while (s->p < s->end) {
        unsigned char c = *s->p;
        if (c == '"') {
            s->p++;
            return true;
        }
        if (c < 0x20)
            return false; /* raw control char: must be escaped */
        if (c == '\\') {
            int hi, lo;
            if (s->end - s->p < 2)
                return false;
            c = s->p[1];
            if (c == '"' || c == '\\' || c == 'b' || c == 'f' || c == 'n' || c == 'r' || c == 't') {
                s->p += 2;
                continue;
            }
            /* Only \u00xx for a control char without a short form. */
            if (c != 'u' || s->end - s->p < 6 || s->p[2] != '0' || s->p[3] != '0')
                return false;
            hi = lower_hex(s->p[4]);
            lo = lower_hex(s->p[5]);
            if (hi < 0 || hi > 1 || lo < 0 || short_escape((unsigned char)(hi << 4 | lo)) != 0)
                return false;
            s->p += 6;
            continue;
        }
        if (c < 0x80) {
            s->p++;
        } else {
            size_t n = utf8_seq(s->p, s->end);
            if (n == 0)
                return false;
            s->p += n;
        }
    }
    return false; /* unterminated */
}

static bool scan_int(struct scan *s)
{
    bool neg = false;
    uint64_t limit = (uint64_t)INT64_MAX;
    uint64_t v = 0;
    if (*s->p == '-') {
        neg = true;
        limit = (uint64_t)INT64_MAX + 1;
        s->p++;
    }
    if (s->p >= s->end || *s->p < '0' || *s->p > '9')
        return false;
    if (*s->p == '0') {
        s->p++;
        /* "0" alone; "-0" and "01" are not canonical. */
        return !neg && (s->p >= s->end || *s->p < '0' || *s->p > '9');
    }
    while (s->p < s->end && *s->p >= '0' && *s->p <= '9') {
        uint64_t d = (uint64_t)(*s->p - '0');
        if (v > (limit - d) / 10)
            return false; /* outside int64: jansson would refuse it */
        v = v * 10 + d;
        s->p++;
    }
    return true;
}

static bool scan_container(struct scan *s, int depth, bool object)
{
    unsigned char close = object ? '}' : ']';
    if (depth >= CANON_MAX_DEPTH)
        return false;
    s->p++;
    if (s->p < s->end && *s->p == close) {
        s->p++;
        return true;
    }
    for (;;) {
        if (object) {
            if (s->p >= s->end || *s->p != '"' || !scan_string(s))
                return false;
            if (s->p >= s->end || *s->p != ':')
                return false;
            s->p++;
        }
        if (!scan_value(s, depth + 1))
            return false;
        if (s->p >= s->end)
            return false;
        if (*s->p == close) {
            s->p++;
            return true;
        }
        if (*s->p != ',')
            return false;
        s->p++;
    }
}

static bool scan_value(struct scan *s, int depth)
{
    if (s->p >= s->end)
        return false;
    switch (*s->p) {
    case '{':
        return scan_container(s, depth, true);
    case '[':
        return scan_container(s, depth, false);
    case '"':
        return scan_string(s);
    case 't':
        return scan_lit(s, "true", 4);
    case 'f':
        return scan_lit(s, "false", 5);
    case 'n':
        return scan_lit(s, "null", 4);
    default:
        if (*s->p == '-' || (*s->p >= '0' && *s->p <= '9'))
            return scan_int(s);
        return false;
    }
}

bool canon_quick_check(const char *text, size_t len)
{
    struct scan s;
    if (text == NULL)
        return false;
    s.p = (const unsigned char *)text;
    s.end = s.p + len;
    return scan_value(&s, 0) && s.p == s.end;
}
