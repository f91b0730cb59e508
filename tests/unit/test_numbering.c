/*
 * Unit tests for src/core/numbering: pattern validation, formatting and
 * parsing back. Real document numbers come from the seeds' README (the five
 * official documents' own numbers, e.g. 鄂医保发〔2025〕30号).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/numbering.h"
#include "sx_buf.h"
#include "sx_err.h"

#define DEF NUM_DEFAULT_PATTERN

static const struct {
    const char *pattern;
    int rc;
    const char *why;
} validate_rows[] = {
    {DEF, 0, "default pattern"},
    {"{prefix}医保{kind}〔{year}〕第{seq}号", 0, "第…号 variant"},
    {"{year}-{seq}", 0, "minimal: year and seq separated"},
    {"{kind}〔{year}〕{seq}号", 0, "no prefix"},
    {"{prefix}医保{kind}〔{year}〕", SX_E_INVALID, "no {seq}: numbers would repeat"},
    {"{prefix}医保{kind}〔{seq}〕号", SX_E_INVALID, "no {year}: numbers would repeat every year"},
    {"{prefix}医保{knd}〔{year}〕{seq}号", SX_E_INVALID, "unknown placeholder"},
    {"{YEAR}-{seq}", SX_E_INVALID, "names are case-sensitive"},
    {"{}{year}-{seq}", SX_E_INVALID, "empty placeholder"},
    {"{prefix}医保{kind〔{year}〕{seq}号", SX_E_INVALID, "unclosed { before another {"},
    {"{prefix}医保{kind}〔{year}〕{seq}号{", SX_E_INVALID, "unclosed { at end"},
    {"{prefix}医保}{kind}〔{year}〕{seq}号", SX_E_INVALID, "stray }"},
    {"{year}{seq}", SX_E_INVALID, "adjacent placeholders cannot be parsed back"},
    {"{prefix}{kind}〔{year}〕{seq}号", SX_E_INVALID, "adjacent prefix and kind"},
    {"{year}〔{year}〕{seq}", SX_E_INVALID, "{year} twice"},
    {"{prefix}-{prefix}-{year}-{seq}", SX_E_INVALID, "{prefix} twice"},
    {"", SX_E_INVALID, "empty"},
    {NULL, SX_E_INVALID, "NULL"},
    {"{year}\n{seq}", SX_E_INVALID, "control char"},
    {"{year}-{seq}\xff", SX_E_INVALID, "invalid UTF-8"},
};

static void test_validate_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(validate_rows) / sizeof(validate_rows[0]); i++) {
        struct sx_err e;
        int rc;
        sx_err_clear(&e);
        rc = num_pattern_validate(validate_rows[i].pattern, &e);
        if (rc != validate_rows[i].rc)
            fail_msg("row %zu (%s): rc %d want %d", i, validate_rows[i].why, rc,
                     validate_rows[i].rc);
        if (rc != 0) {
            assert_string_equal(e.type, "numbering-pattern-invalid");
            assert_string_equal(e.field, "numbering.pattern");
            assert_true(e.detail[0] != '\0');
        }
    }
}

static void test_validate_length_cap(void **state)
{
    char p[NUM_PATTERN_MAX + 16];
    (void)state;
    memset(p, 'x', sizeof(p));
    memcpy(p, "{year}-{seq}", 12);
    p[NUM_PATTERN_MAX] = '\0';
    assert_int_equal(num_pattern_validate(p, NULL), 0);
    p[NUM_PATTERN_MAX] = 'x';
    p[NUM_PATTERN_MAX + 1] = '\0';
    assert_int_equal(num_pattern_validate(p, NULL), SX_E_INVALID);
}

static const struct {
    const char *pattern;
    const char *prefix, *kind;
    int year;
    int64_t seq;
    const char *want; /* NULL = error */
    const char *field;
    const char *why;
} format_rows[] = {
    {DEF, "京", "罚", 2026, 12, "京医保罚〔2026〕12号", "", "brief's example"},
    {DEF, "鄂", "发", 2025, 30, "鄂医保发〔2025〕30号", "", "seeds/README: Hubei document number"},
    {DEF, "京", "发", 2021, 6, "京医保发〔2021〕6号", "", "seeds/README: Beijing"},
    {DEF, "冀", "发", 2019, 10, "冀医保发〔2019〕10号", "", "seeds/README: Hebei"},
    {DEF, "汶", "发", 2019, 25, "汶医保发〔2019〕25号", "", "seeds/README: Wenshang"},
    {"{prefix}医保{kind}〔{year}〕{seq}号", "云", "办", 2020, 14, "云医保办〔2020〕14号", "",
     "seeds/README: Yunnan (办)"},
    {DEF, "北京", "行罚", 2026, 1, "北京医保行罚〔2026〕1号", "", "multi-char prefix and kind"},
    {DEF, "冀", "强", 2019, NUM_SEQ_MAX, "冀医保强〔2019〕999999999号", "", "largest seq"},
    {"{kind}〔{year}〕第{seq}号", NULL, "检", 2026, 3, "检〔2026〕第3号", "", "no prefix needed"},
    {DEF, "京", "罚", 999, 1, NULL, "year", "3-digit year"},
    {DEF, "京", "罚", 10000, 1, NULL, "year", "5-digit year"},
    {DEF, "京", "罚", 2026, 0, NULL, "seq", "seq starts at 1"},
    {DEF, "京", "罚", 2026, NUM_SEQ_MAX + 1, NULL, "seq", "seq above cap"},
    {DEF, NULL, "罚", 2026, 1, NULL, "prefix", "prefix missing"},
    {DEF, "", "罚", 2026, 1, NULL, "prefix", "prefix empty"},
    {DEF, "京", NULL, 2026, 1, NULL, "kind", "kind missing"},
    {DEF, "京{", "罚", 2026, 1, NULL, "prefix", "brace in prefix"},
    {DEF, "京", "罚\n", 2026, 1, NULL, "kind", "control char in kind"},
    {DEF, "京医保", "罚", 2026, 1, NULL, "", "prefix holding the literal: would parse back as 京"},
    {"{year}-{seq}", NULL, NULL, 2026, 5, "2026-5", "", "year and seq only"},
    {"{year}{seq}", NULL, NULL, 2026, 5, NULL, "numbering.pattern", "invalid pattern"},
};

static void test_format_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(format_rows) / sizeof(format_rows[0]); i++) {
        struct num_fields f = {format_rows[i].prefix, format_rows[i].kind, format_rows[i].year,
                               format_rows[i].seq};
        struct sx_buf b;
        struct sx_err e;
        int rc;
        sx_buf_init(&b, 1024);
        assert_int_equal(sx_buf_puts(&b, ">"), 0);
        sx_err_clear(&e);
        rc = num_format(format_rows[i].pattern, &f, &b, &e);
        if (format_rows[i].want != NULL) {
            if (rc != 0)
                fail_msg("row %zu (%s): %s", i, format_rows[i].why, e.detail);
            assert_string_equal(b.data + 1, format_rows[i].want);
        } else {
            if (rc != SX_E_INVALID)
                fail_msg("row %zu (%s): rc %d, got %s", i, format_rows[i].why, rc, b.data);
            if (strcmp(e.field, format_rows[i].field) != 0)
                fail_msg("row %zu (%s): field %s want %s", i, format_rows[i].why, e.field,
                         format_rows[i].field);
            assert_string_equal(b.data, ">"); /* unchanged */
        }
        sx_buf_free(&b);
    }
}

static const struct {
    const char *pattern;
    const char *number;
    const char *prefix, *kind; /* given, or NULL = any */
    int year;                  /* 0 = mismatch expected */
    int64_t seq;
    const char *got_prefix, *got_kind;
    const char *why;
} parse_rows[] = {
    {DEF, "京医保罚〔2026〕12号", NULL, NULL, 2026, 12, "京", "罚", "brief's example, unknown org"},
    {DEF, "京医保罚〔2026〕12号", "京", "罚", 2026, 12, "京", "罚", "org and kind given"},
    {DEF, "鄂医保发〔2025〕30号", NULL, NULL, 2025, 30, "鄂", "发", "seeds/README: Hubei"},
    {DEF, "北京医保行罚〔2026〕7号", NULL, NULL, 2026, 7, "北京", "行罚", "multi-char parts"},
    {DEF, "京医保罚〔2026〕12号", NULL, "检", 0, 0, NULL, NULL, "other kind"},
    {DEF, "京医保罚〔2026〕12号", "沪", NULL, 0, 0, NULL, NULL, "other org"},
    {DEF, "京医保罚〔2026〕012号", NULL, NULL, 0, 0, NULL, NULL, "leading zero"},
    {DEF, "京医保罚〔0026〕12号", NULL, NULL, 0, 0, NULL, NULL, "year with leading zero"},
    {DEF, "京医保罚〔26〕12号", NULL, NULL, 0, 0, NULL, NULL, "2-digit year"},
    {DEF, "京医保罚〔2026〕号", NULL, NULL, 0, 0, NULL, NULL, "seq missing"},
    {DEF, "京医保罚(2026)12号", NULL, NULL, 0, 0, NULL, NULL, "half-width brackets"},
    {DEF, "京医保罚〔2026〕12号 ", NULL, NULL, 0, 0, NULL, NULL, "trailing space"},
    {DEF, "医保罚〔2026〕12号", NULL, NULL, 0, 0, NULL, NULL, "prefix missing"},
    {DEF, "京医保〔2026〕12号", NULL, NULL, 0, 0, NULL, NULL, "kind missing"},
    {DEF, "京医保罚〔2026〕1234567890号", NULL, NULL, 0, 0, NULL, NULL, "10-digit seq"},
    {DEF, "", NULL, NULL, 0, 0, NULL, NULL, "empty"},
    {"{year}-{seq}", "2026-5", NULL, NULL, 2026, 5, NULL, NULL, "no prefix or kind"},
    {"{kind}〔{year}〕第{seq}号", "检〔2026〕第3号", NULL, NULL, 2026, 3, NULL, "检", "kind only"},
};

static void test_parse_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(parse_rows) / sizeof(parse_rows[0]); i++) {
        struct num_parsed p;
        struct sx_err e;
        int rc;
        sx_err_clear(&e);
        rc = num_parse(parse_rows[i].pattern, parse_rows[i].number, parse_rows[i].prefix,
                       parse_rows[i].kind, &p, &e);
        if (parse_rows[i].year == 0) {
            if (rc != SX_E_INVALID)
                fail_msg("row %zu (%s): accepted as %d/%lld", i, parse_rows[i].why, p.year,
                         (long long)p.seq);
            assert_string_equal(e.type, "number-mismatch");
            continue;
        }
        if (rc != 0)
            fail_msg("row %zu (%s): %s", i, parse_rows[i].why, e.detail);
        assert_int_equal(p.year, parse_rows[i].year);
        assert_int_equal(p.seq, parse_rows[i].seq);
        if (parse_rows[i].got_prefix != NULL) {
            assert_int_equal(p.prefix_len, strlen(parse_rows[i].got_prefix));
            assert_memory_equal(parse_rows[i].number + p.prefix_off, parse_rows[i].got_prefix,
                                p.prefix_len);
        } else {
            assert_int_equal(p.prefix_len, 0);
        }
        if (parse_rows[i].got_kind != NULL) {
            assert_int_equal(p.kind_len, strlen(parse_rows[i].got_kind));
            assert_memory_equal(parse_rows[i].number + p.kind_off, parse_rows[i].got_kind,
                                p.kind_len);
        } else {
            assert_int_equal(p.kind_len, 0);
        }
    }
}

/* format then parse gives the same year and seq, over many values. */
static void test_roundtrip(void **state)
{
    static const char *const prefixes[] = {"京", "鄂", "北京", "云", "汶上"};
    static const char *const kinds[] = {"罚", "检", "强", "发", "办"};
    (void)state;
    for (int i = 0; i < 500; i++) {
        struct num_fields f = {prefixes[i % 5], kinds[(i / 5) % 5], 2000 + i % 30,
                               1 + (int64_t)i * 2000003 % NUM_SEQ_MAX};
        struct num_parsed p;
        struct sx_buf b;
        sx_buf_init(&b, 256);
        assert_int_equal(num_format(DEF, &f, &b, NULL), 0);
        assert_int_equal(num_parse(DEF, b.data, NULL, NULL, &p, NULL), 0);
        assert_int_equal(p.year, f.year);
        assert_int_equal(p.seq, f.seq);
        assert_int_equal(p.prefix_len, strlen(f.prefix));
        assert_int_equal(p.kind_len, strlen(f.kind));
        sx_buf_free(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validate_table), cmocka_unit_test(test_validate_length_cap),
        cmocka_unit_test(test_format_table),   cmocka_unit_test(test_parse_table),
        cmocka_unit_test(test_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
