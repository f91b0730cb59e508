/*
 * Unit tests for src/core/canon: canonical JSON as defined in canon.h (the
 * bytes hashed into the ledger, DESIGN §5). Rows name what they check; the
 * byte-order rows contrast with RFC 8785 (which sorts by UTF-16 units).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "sx_buf.h"
#include "sx_err.h"

static json_t *parse(const char *text)
{
    json_error_t jerr;
    json_t *v = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
    if (v == NULL)
        fail_msg("test input does not parse: %s: %s", text, jerr.text);
    return v;
}

/* ---- emission ---- */

static const struct {
    const char *in;
    const char *want; /* NUL-free rows only */
    const char *why;
} emit_rows[] = {
    {"{\"b\":1,\"a\":2}", "{\"a\":2,\"b\":1}", "keys sorted"},
    {"{\"aa\":1,\"a\":2,\"b\":3}", "{\"a\":2,\"aa\":1,\"b\":3}", "a prefix sorts first"},
    {"{\"a\":1,\"_\":2,\"B\":3}", "{\"B\":3,\"_\":2,\"a\":1}", "ASCII byte order: B < _ < a"},
    {"{\"中\":1,\"a\":2,\"é\":3}", "{\"a\":2,\"é\":3,\"中\":1}", "UTF-8 byte order: 61 < c3 < e4"},
    {"{\"😀\":1,\"ﬁ\":2}", "{\"ﬁ\":2,\"😀\":1}",
     "UTF-8 byte order: U+FB01 (ef..) before U+1F600 (f0..); RFC 8785's UTF-16 order is the "
     "reverse"},
    {" { \"a\" : [ 1 , 2 ] ,\n\t\"b\" : { } } ", "{\"a\":[1,2],\"b\":{}}", "whitespace removed"},
    {"{\"z\":{\"y\":1,\"x\":[{\"b\":1,\"a\":2}]}}", "{\"z\":{\"x\":[{\"a\":2,\"b\":1}],\"y\":1}}",
     "nested objects sorted, array order kept"},
    {"\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0001\\u001f\\u007f\"",
     "\"\\\"\\\\/\\b\\f\\n\\r\\t\\u0001\\u001f\x7f\"",
     "escapes: short forms, \\u00xx lowercase, / and DEL raw"},
    {"\"\\u4e2d\\u6587\"", "\"中文\"", "non-ASCII written raw"},
    {"\"\\ud83d\\ude00\"", "\"😀\"", "surrogate pair -> raw 4-byte UTF-8"},
    {"\"\\u000b\"", "\"\\u000b\"", "vertical tab has no short form"},
    {"-0", "0", "integer -0 is 0"},
    {"[0,-1,9223372036854775807,-9223372036854775808]",
     "[0,-1,9223372036854775807,-9223372036854775808]", "int64 extremes"},
    {"[true,false,null]", "[true,false,null]", "literals"},
    {"{}", "{}", "empty object"},
    {"[]", "[]", "empty array"},
    {"\"\"", "\"\"", "empty string"},
    {"42", "42", "top-level integer"},
    {"{\"fine_fen\":500000,\"party\":{\"name\":\"张三\",\"kind\":\"person\"}}",
     "{\"fine_fen\":500000,\"party\":{\"kind\":\"person\",\"name\":\"张三\"}}", "record-like body"},
};

static void test_emit_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(emit_rows) / sizeof(emit_rows[0]); i++) {
        json_t *v = parse(emit_rows[i].in);
        struct sx_buf b;
        struct sx_err e;
        sx_buf_init(&b, 1 << 20);
        sx_err_clear(&e);
        if (canon_json(v, &b, &e) != 0)
            fail_msg("row %zu (%s): %s", i, emit_rows[i].why, e.detail);
        if (strcmp(b.data, emit_rows[i].want) != 0)
            fail_msg("row %zu (%s): got %s want %s", i, emit_rows[i].why, b.data,
                     emit_rows[i].want);
        /* Idempotent: the output is canonical and re-canonicalises to itself. */
        assert_true(canon_is_canonical(b.data, b.len));
        assert_true(canon_quick_check(b.data, b.len));
        json_decref(v);
        v = parse(b.data);
        sx_buf_reset(&b);
        assert_int_equal(canon_json(v, &b, NULL), 0);
        assert_string_equal(b.data, emit_rows[i].want);
        json_decref(v);
        sx_buf_free(&b);
    }
}

/* An embedded NUL survives as \u0000 (strcmp-free check). */
static void test_emit_nul(void **state)
{
    json_t *v = json_stringn("a\0b", 3);
    struct sx_buf b;
    (void)state;
    sx_buf_init(&b, 64);
    assert_int_equal(canon_json(v, &b, NULL), 0);
    assert_int_equal(b.len, 10);
    assert_memory_equal(b.data, "\"a\\u0000b\"", 10);
    assert_true(canon_is_canonical(b.data, b.len));
    assert_true(canon_quick_check(b.data, b.len));
    json_decref(v);
    sx_buf_free(&b);
}

static const struct {
    const char *in;
    const char *field;
    const char *why;
} reject_rows[] = {
    {"1.5", "", "top-level real"},
    {"{\"fine_fen\":100.0}", "/fine_fen", "real in object: money is integer fen"},
    {"[1,[2,1e3]]", "/1/1", "exponent is a real"},
    {"{\"a/b\":{\"c~d\":0.5}}", "/a~1b/c~0d", "path escapes / and ~ like a JSON pointer"},
};

static void test_reject_reals(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(reject_rows) / sizeof(reject_rows[0]); i++) {
        json_t *v = parse(reject_rows[i].in);
        struct sx_buf b;
        struct sx_err e;
        sx_buf_init(&b, 1024);
        assert_int_equal(sx_buf_puts(&b, "keep"), 0);
        sx_err_clear(&e);
        if (canon_json(v, &b, &e) != SX_E_INVALID)
            fail_msg("row %zu (%s) accepted", i, reject_rows[i].why);
        assert_string_equal(e.type, "json-not-canonicalizable");
        assert_string_equal(e.field, reject_rows[i].field);
        assert_string_equal(b.data, "keep"); /* buffer left as it was */
        json_decref(v);
        sx_buf_free(&b);
    }
}

/* Invalid UTF-8 can only enter through jansson's *_nocheck constructors. */
static const struct {
    const char *bytes;
    const char *why;
} bad_utf8_rows[] = {
    {"\xff", "0xff never appears in UTF-8"}, {"\xc0\xaf", "overlong '/'"},
    {"\xe0\x80\xaf", "overlong 3-byte"},     {"\xed\xa0\x80", "UTF-16 surrogate D800"},
    {"\xf4\x90\x80\x80", "above U+10FFFF"},  {"\xe4\xb8", "truncated 中"},
    {"a\x80", "lone continuation byte"},
};

static void test_reject_bad_utf8(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad_utf8_rows) / sizeof(bad_utf8_rows[0]); i++) {
        const char *s = bad_utf8_rows[i].bytes;
        json_t *str = json_string_nocheck(s);
        json_t *obj = json_object();
        struct sx_buf b;
        struct sx_err e;
        sx_buf_init(&b, 1024);
        sx_err_clear(&e);
        if (canon_json(str, &b, &e) != SX_E_INVALID)
            fail_msg("row %zu (%s): string accepted", i, bad_utf8_rows[i].why);
        assert_int_equal(json_object_set_new_nocheck(obj, s, json_integer(1)), 0);
        if (canon_json(obj, &b, &e) != SX_E_INVALID)
            fail_msg("row %zu (%s): key accepted", i, bad_utf8_rows[i].why);
        assert_int_equal(canon_put_string(&b, s, strlen(s), &e), SX_E_INVALID);
        assert_false(canon_utf8_valid(s, strlen(s)));
        assert_int_equal(b.len, 0);
        json_decref(str);
        json_decref(obj);
        sx_buf_free(&b);
    }
    assert_true(canon_utf8_valid("\xf4\x8f\xbf\xbf", 4)); /* U+10FFFF is the last valid */
    assert_true(canon_utf8_valid("\xee\x80\x80", 3));     /* U+E000, just after surrogates */
}

static json_t *nested_arrays(int depth)
{
    json_t *v = json_integer(1);
    for (int i = 0; i < depth; i++) {
        json_t *a = json_array();
        json_array_append_new(a, v);
        v = a;
    }
    return v;
}

static void test_depth_cap(void **state)
{
    json_t *ok = nested_arrays(CANON_MAX_DEPTH);
    json_t *deep = nested_arrays(CANON_MAX_DEPTH + 1);
    struct sx_buf b;
    struct sx_err e;
    (void)state;
    sx_buf_init(&b, 1 << 16);
    assert_int_equal(canon_json(ok, &b, NULL), 0);
    assert_true(canon_is_canonical(b.data, b.len));
    assert_true(canon_quick_check(b.data, b.len));
    /* The text one level deeper: neither check accepts it. */
    {
        struct sx_buf t;
        sx_buf_init(&t, 1 << 16);
        assert_int_equal(sx_buf_putc(&t, '['), 0);
        assert_int_equal(sx_buf_append(&t, b.data, b.len), 0);
        assert_int_equal(sx_buf_putc(&t, ']'), 0);
        assert_false(canon_is_canonical(t.data, t.len));
        assert_false(canon_quick_check(t.data, t.len));
        sx_buf_free(&t);
    }
    sx_buf_reset(&b);
    sx_err_clear(&e);
    assert_int_equal(canon_json(deep, &b, &e), SX_E_INVALID);
    assert_string_equal(e.type, "json-not-canonicalizable");
    assert_int_equal(b.len, 0);
    json_decref(ok);
    json_decref(deep);
    sx_buf_free(&b);
}

static void test_buffer_cap(void **state)
{
    json_t *v = parse("{\"a\":\"0123456789\"}");
    struct sx_buf b;
    struct sx_err e;
    (void)state;
    sx_buf_init(&b, 10);
    sx_err_clear(&e);
    assert_int_equal(canon_json(v, &b, &e), SX_E_TOOBIG);
    assert_int_equal(e.code, SX_E_TOOBIG);
    assert_int_equal(b.len, 0);
    json_decref(v);
    sx_buf_free(&b);
}

/* ---- canonical-text checks ---- */

static const struct {
    const char *text;
    bool canonical;
    bool quick; /* what the cheap check says */
    const char *why;
} check_rows[] = {
    {"{\"a\":1,\"b\":2}", true, true, "canonical object"},
    {"{\"b\":2,\"a\":1}", false, true, "keys out of order: only the full check sees it"},
    {"{\"a\":1,\"a\":1}", false, true, "duplicate key: only the full check sees it"},
    {"{\"a\":1, \"b\":2}", false, false, "space after comma"},
    {" {\"a\":1}", false, false, "leading space"},
    {"{\"a\":1}\n", false, false, "trailing newline"},
    {"{\"a\":1}{}", false, false, "two values"},
    {"1.0", false, false, "real"},
    {"1e2", false, false, "exponent"},
    {"-0", false, false, "minus zero"},
    {"01", false, false, "leading zero"},
    {"+1", false, false, "plus sign"},
    {"-", false, false, "lone minus"},
    {"9223372036854775807", true, true, "INT64_MAX"},
    {"-9223372036854775808", true, true, "INT64_MIN"},
    {"9223372036854775808", false, false, "above int64"},
    {"\"\\u00e9\"", false, false, "escaped é: canonical form is raw"},
    {"\"é\"", true, true, "raw é"},
    {"\"\\/\"", false, false, "escaped slash"},
    {"\"/\"", true, true, "raw slash"},
    {"\"\\u0008\"", false, false, "backspace must be \\b"},
    {"\"\\b\"", true, true, "short escape"},
    {"\"\\u001F\"", false, false, "uppercase hex"},
    {"\"\\u001f\"", true, true, "lowercase hex"},
    {"\"\\u007f\"", false, false, "DEL is not escaped"},
    {"\"\x7f\"", true, true, "raw DEL"},
    {"\"\t\"", false, false, "raw tab in string"},
    {"\"\xff\"", false, false, "invalid UTF-8"},
    {"\"abc", false, false, "unterminated string"},
    {"{\"a\"}", false, false, "member without value"},
    {"{\"a\":1,}", false, false, "trailing comma"},
    {"[1,,2]", false, false, "empty element"},
    {"[1}", false, false, "mismatched bracket"},
    {"{1:2}", false, false, "non-string key"},
    {"tru", false, false, "truncated literal"},
    {"TRUE", false, false, "uppercase literal"},
    {"nul", false, false, "truncated null"},
    {"", false, false, "empty text"},
    {"{}", true, true, "empty object"},
    {"[]", true, true, "empty array"},
    {"null", true, true, "null"},
    {"\"\"", true, true, "empty string"},
    {"{\"ﬁ\":2,\"😀\":1}", true, true, "UTF-8 byte order"},
    {"{\"😀\":1,\"ﬁ\":2}", false, true, "UTF-16 (RFC 8785) order is not ours"},
    {"[{\"a\":[1,{\"b\":null}]},\"x\",-5,true]", true, true, "nested"},
};

static void test_check_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(check_rows) / sizeof(check_rows[0]); i++) {
        const char *t = check_rows[i].text;
        struct sx_err e;
        bool full, quick;
        sx_err_clear(&e);
        full = canon_check(t, strlen(t), &e) == 0;
        quick = canon_quick_check(t, strlen(t));
        if (full != check_rows[i].canonical)
            fail_msg("row %zu (%s): canonical %d want %d", i, check_rows[i].why, full,
                     check_rows[i].canonical);
        if (quick != check_rows[i].quick)
            fail_msg("row %zu (%s): quick %d want %d", i, check_rows[i].why, quick,
                     check_rows[i].quick);
        assert_true(!full || quick); /* full implies quick */
        if (!full) {
            assert_int_equal(e.code, SX_E_INVALID);
            assert_true(e.detail[0] != '\0');
        }
    }
}

/* Helpers for the randomized property test (fixed seed: reproducible). */
static uint32_t rng_state = 12345;

static uint32_t rnd(void)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return (rng_state >> 8) & 0xffffff;
}

static json_t *random_value(int depth)
{
    static const char *const atoms[] = {"a",  "b", "ab",   "中",   "é", "😀", "\n", "\"",
                                        "\\", "/", "\x01", "\x7f", "ﬁ", "Z", "_",  "0"};
    size_t natoms = sizeof(atoms) / sizeof(atoms[0]);
    uint32_t r = rnd() % (depth > 4 ? 6 : 8);
    char s[64];
    size_t n = 0;
    switch (r) {
    case 0:
        return json_integer((json_int_t)(rnd() % 2000) - 1000);
    case 1:
        return json_true();
    case 2:
        return json_null();
    case 3:
        return json_integer(rnd() % 2 ? INT64_MAX : INT64_MIN);
    case 4:
    case 5:
        for (int k = (int)(rnd() % 4); k > 0; k--) {
            const char *a = atoms[rnd() % natoms];
            memcpy(s + n, a, strlen(a));
            n += strlen(a);
        }
        return json_stringn(s, n);
    case 6: {
        json_t *a = json_array();
        for (int k = (int)(rnd() % 4); k > 0; k--)
            json_array_append_new(a, random_value(depth + 1));
        return a;
    }
    default: {
        json_t *o = json_object();
        for (int k = (int)(rnd() % 5); k > 0; k--) {
            n = 0;
            for (int j = 1 + (int)(rnd() % 3); j > 0; j--) {
                const char *a = atoms[rnd() % natoms];
                memcpy(s + n, a, strlen(a));
                n += strlen(a);
            }
            s[n] = '\0';
            json_object_set_new(o, s, random_value(depth + 1));
        }
        return o;
    }
    }
}

/*
 * Property: for random values, canon output is canonical, passes the quick
 * check, and re-canonicalises to itself; for one-byte mutations of it, a
 * text the full check accepts is always accepted by the quick check.
 */
static void test_random_properties(void **state)
{
    static const char mut[] = " ,:{}[]\"\\0123456789-.eEabtrufnl\x01\x7f\xc3\xff";
    (void)state;
    for (int iter = 0; iter < 2000; iter++) {
        json_t *v = random_value(0);
        struct sx_buf b, b2;
        sx_buf_init(&b, 1 << 20);
        sx_buf_init(&b2, 1 << 20);
        assert_int_equal(canon_json(v, &b, NULL), 0);
        assert_true(canon_is_canonical(b.data, b.len));
        assert_true(canon_quick_check(b.data, b.len));
        json_decref(v);
        v = parse(b.data);
        assert_int_equal(canon_json(v, &b2, NULL), 0);
        assert_int_equal(b.len, b2.len);
        assert_memory_equal(b.data, b2.data, b.len);
        for (int m = 0; m < 8 && b.len > 0; m++) {
            size_t at = rnd() % b.len;
            char old = b.data[at];
            b.data[at] = mut[rnd() % (sizeof(mut) - 1)];
            if (canon_is_canonical(b.data, b.len) && !canon_quick_check(b.data, b.len))
                fail_msg("quick check refused canonical text: %s", b.data);
            b.data[at] = old;
        }
        json_decref(v);
        sx_buf_free(&b);
        sx_buf_free(&b2);
    }
}

static void test_put_int_and_string(void **state)
{
    static const struct {
        int64_t v;
        const char *want;
    } ints[] = {{0, "0"},
                {-1, "-1"},
                {7, "7"},
                {INT64_MAX, "9223372036854775807"},
                {INT64_MIN, "-9223372036854775808"},
                {1000000, "1000000"}};
    struct sx_buf b;
    (void)state;
    sx_buf_init(&b, 256);
    for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
        sx_buf_reset(&b);
        assert_int_equal(canon_put_int(&b, ints[i].v), 0);
        assert_string_equal(b.data, ints[i].want);
    }
    sx_buf_reset(&b);
    assert_int_equal(canon_put_string(&b, "2026-03-02T08:15:00Z", 20, NULL), 0);
    assert_string_equal(b.data, "\"2026-03-02T08:15:00Z\"");
    sx_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_emit_table),         cmocka_unit_test(test_emit_nul),
        cmocka_unit_test(test_reject_reals),       cmocka_unit_test(test_reject_bad_utf8),
        cmocka_unit_test(test_depth_cap),          cmocka_unit_test(test_buffer_cap),
        cmocka_unit_test(test_check_table),        cmocka_unit_test(test_random_properties),
        cmocka_unit_test(test_put_int_and_string),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
