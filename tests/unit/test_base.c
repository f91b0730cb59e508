/* Unit tests for src/base: sx_buf caps, sx_arena allocation, sx_err filling. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sx_arena.h"
#include "sx_buf.h"
#include "sx_err.h"

static void test_buf_cap_leaves_buffer_intact(void **state)
{
    struct sx_buf b;
    (void)state;
    sx_buf_init(&b, 8);
    assert_int_equal(sx_buf_puts(&b, "abcd"), 0);
    assert_int_equal(sx_buf_puts(&b, "efghi"), SX_E_TOOBIG);
    assert_string_equal(b.data, "abcd");
    assert_int_equal(b.len, 4);
    assert_int_equal(sx_buf_puts(&b, "efgh"), 0);
    assert_string_equal(b.data, "abcdefgh");
    sx_buf_free(&b);
}

static void test_buf_reserve_keeps_content_and_cap(void **state)
{
    struct sx_buf b;
    (void)state;
    sx_buf_init(&b, 100);
    assert_int_equal(sx_buf_puts(&b, "ab"), 0);
    assert_int_equal(sx_buf_reserve(&b, 50), 0);
    assert_true(b.cap >= 53);
    assert_string_equal(b.data, "ab");
    assert_int_equal(sx_buf_reserve(&b, 1000), 0); /* clamped to max, not an error */
    assert_int_equal(sx_buf_puts(&b, "cd"), 0);
    assert_string_equal(b.data, "abcd");
    sx_buf_free(&b);
}

static void test_buf_json_string_escapes(void **state)
{
    struct sx_buf b;
    (void)state;
    sx_buf_init(&b, 1024);
    assert_int_equal(sx_buf_put_json_str(&b, "a\"b\\c\n\x01医"), 0);
    assert_string_equal(b.data, "\"a\\\"b\\\\c\\n\\u0001医\"");
    sx_buf_free(&b);
}

/* The escaper one byte at a time: what sx_buf_put_json_str's word-at-a-time scan must match. */
static void ref_json_str(const char *s, char *out)
{
    *out++ = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\') {
            *out++ = '\\';
            *out++ = (char)*p;
        } else if (*p == '\n' || *p == '\r' || *p == '\t') {
            *out++ = '\\';
            *out++ = *p == '\n' ? 'n' : *p == '\r' ? 'r' : 't';
        } else if (*p < 0x20) {
            out += sprintf(out, "\\u%04x", *p);
        } else {
            *out++ = (char)*p;
        }
    }
    *out++ = '"';
    *out = '\0';
}

/* Escapes at every offset around the 8-byte words, among multi-byte UTF-8 characters. */
static void test_buf_json_string_matches_bytewise(void **state)
{
    static const char *const pieces[] = {"a", "\"", "\\", "\n", "\x01", "\x1f", " ", "医",
                                         "保", "~", "\t", "\x7f"};
    uint32_t seed = 12345;
    struct sx_buf b;
    (void)state;
    sx_buf_init(&b, 1 << 16);
    for (int round = 0; round < 2000; round++) {
        char in[256], want[1600];
        size_t len = 0;
        int n = round % 48;
        for (int i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            const char *piece = pieces[(seed >> 16) % (sizeof(pieces) / sizeof(pieces[0]))];
            memcpy(in + len, piece, strlen(piece));
            len += strlen(piece);
        }
        in[len] = '\0';
        ref_json_str(in, want);
        b.len = 0;
        assert_int_equal(sx_buf_put_json_str(&b, in), 0);
        assert_string_equal(b.data, want);
    }
    sx_buf_free(&b);
}

static void test_buf_detach_transfers(void **state)
{
    struct sx_buf b;
    size_t n;
    char *p;
    (void)state;
    sx_buf_init(&b, 1 << 20);
    assert_int_equal(sx_buf_printf(&b, "%d-%s", 42, "x"), 0);
    p = sx_buf_detach(&b, &n);
    assert_string_equal(p, "42-x");
    assert_int_equal(n, 4);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    free(p);
}

static void test_arena_many_and_large(void **state)
{
    struct sx_arena a;
    (void)state;
    sx_arena_init(&a, 1024);
    for (int i = 0; i < 1000; i++) {
        char *s = sx_arena_printf(&a, "item-%d", i);
        assert_non_null(s);
        assert_int_equal(((uintptr_t)s) % 16, 0);
    }
    char *big = sx_arena_alloc(&a, 100000);
    assert_non_null(big);
    assert_int_equal(big[99999], 0);
    char *after = sx_arena_strdup(&a, "after");
    assert_string_equal(after, "after");
    sx_arena_reset(&a);
    assert_string_equal(sx_arena_strdup(&a, "reused"), "reused");
    sx_arena_free(&a);
}

/*
 * sx_arena_alloc_raw gives aligned, separate memory without zeroing it, and
 * sx_arena_alloc still zeroes memory a raw allocation dirtied before a reset.
 */
static void test_arena_raw_and_zeroed(void **state)
{
    struct sx_arena a;
    unsigned char *p[64];
    (void)state;
    sx_arena_init(&a, 1024);
    for (int i = 0; i < 64; i++) {
        size_t n = (size_t)(i * 37 % 200) + 1;
        p[i] = sx_arena_alloc_raw(&a, n);
        assert_non_null(p[i]);
        assert_int_equal(((uintptr_t)p[i]) % 16, 0);
        memset(p[i], 0xA5 ^ i, n);
    }
    for (int i = 0; i < 64; i++) /* no allocation overwrote another */
        assert_int_equal(p[i][0], 0xA5 ^ i);
    unsigned char *big = sx_arena_alloc_raw(&a, 5000); /* oversize chunk */
    assert_non_null(big);
    memset(big, 0xFF, 5000);
    sx_arena_reset(&a); /* keeps the dirty first chunk for reuse */
    for (int i = 0; i < 8; i++) {
        unsigned char *z = sx_arena_alloc(&a, 100);
        assert_non_null(z);
        for (int k = 0; k < 100; k++)
            assert_int_equal(z[k], 0);
        memset(z, 0xEE, 100);
    }
    assert_string_equal(sx_arena_strndup(&a, "abcdef", 3), "abc");
    assert_string_equal(sx_arena_printf(&a, "%s-%d", "x", 7), "x-7");
    sx_arena_free(&a);
}

static void test_err_fills_status_and_fields(void **state)
{
    struct sx_err e;
    (void)state;
    sx_err_clear(&e);
    assert_int_equal(SX_FAIL(&e, SX_E_GATE, "two-officers", "现场执法须两名以上执法人员",
                             "云南 附件1 第八条", "officers", "只有 %d 名", 1),
                     SX_E_GATE);
    assert_int_equal(e.status, 422);
    assert_string_equal(e.detail, "只有 1 名");
    assert_string_equal(e.field, "officers");
    assert_string_equal(e.func, "test_err_fills_status_and_fields");
}

/* A detail longer than the buffer is cut before, never inside, a character. */
static void test_err_truncates_on_utf8_boundary(void **state)
{
    struct sx_err e;
    char text[2000];
    char small[8];
    size_t n = 0;
    (void)state;
    for (int i = 0; i < 600; i++) {
        memcpy(text + n, "医", 3); /* 3 bytes each: 512 is not a multiple of 3 */
        n += 3;
    }
    text[n] = '\0';
    sx_err_clear(&e);
    SX_FAIL(&e, SX_E_INVALID, "t", text, NULL, NULL, "%s", text);
    assert_int_equal(strlen(e.detail) % 3, 0);
    assert_true(strlen(e.detail) > 500);
    assert_int_equal(strlen(e.title) % 3, 0);
    /* shifted by one ASCII byte, the cut of the 256-byte title falls inside a character */
    text[0] = 'a';
    memmove(text + 1, text + 3, n - 2);
    SX_FAIL(&e, SX_E_INVALID, "t", text, "来源", "字段", NULL);
    assert_int_equal((strlen(e.title) - 1) % 3, 0);
    assert_true(strlen(e.title) >= 250 && strlen(e.title) < sizeof(e.title));
    assert_string_equal(e.source, "来源");
    assert_string_equal(e.field, "字段");
    assert_string_equal(e.detail, "");
    assert_string_equal(sx_clip(small, sizeof(small), "ab医保局"), "ab医");
    assert_string_equal(sx_clip(small, sizeof(small), NULL), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_cap_leaves_buffer_intact),
        cmocka_unit_test(test_buf_json_string_escapes),
        cmocka_unit_test(test_buf_json_string_matches_bytewise),
        cmocka_unit_test(test_buf_reserve_keeps_content_and_cap),
        cmocka_unit_test(test_buf_detach_transfers),
        cmocka_unit_test(test_arena_many_and_large),
        cmocka_unit_test(test_arena_raw_and_zeroed),
        cmocka_unit_test(test_err_fills_status_and_fields),
        cmocka_unit_test(test_err_truncates_on_utf8_boundary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
