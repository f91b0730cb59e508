/*
 * Unit tests for src/core/policy: the loader's rules (every value sourced,
 * unknown keys refused, paths in errors) on a small valid policy and one
 * mutation per row, and policy/national.json checked value by value against
 * its sources (DESIGN §4; 行政处罚法; PROVISIONS.md ids).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/numbering.h"
#include "core/policy.h"
#include "sx_buf.h"
#include "sx_err.h"

static const char base_text[] =
    "{\n"
    "  \"name\": {\"value\": \"test-preset\", \"source\": \"单元测试\"},\n"
    "  \"title\": {\"value\": \"测试规则\", \"source\": \"单元测试\", \"note\": \"说明\"},\n"
    "  \"numbering\": {\n"
    "    \"pattern\": {\"value\": \"{prefix}医保{kind}〔{year}〕{seq}号\", \"source\": \"河北 "
    "三(三) "
    "(HE-3.3)\"},\n"
    "    \"kind_abbrev\": {\n"
    "      \"penalty\": {\"value\": \"罚\", \"source\": \"s\"},\n"
    "      \"inspection\": {\"value\": \"检\", \"source\": \"s\"},\n"
    "      \"coercion\": {\"value\": \"强\", \"source\": \"s\"}\n"
    "    }\n"
    "  },\n"
    "  \"deadlines\": {\n"
    "    \"service\": {\"days\": 7, \"unit\": \"wd\", \"source\": \"行政处罚法 第六十一条\"},\n"
    "    \"decision\": {\"days\": 90, \"unit\": \"cd\", \"source\": \"行政处罚法 第六十条\", "
    "\"note\": \"n\"}\n"
    "  }\n"
    "}\n";

static void test_base_parses(void **state)
{
    struct pol_policy *pol = NULL;
    struct sx_err e;
    int days = 0;
    enum pol_unit unit = POL_UNIT_CD;
    const char *src = NULL;
    (void)state;
    sx_err_clear(&e);
    if (pol_parse(base_text, strlen(base_text), &pol, &e) != 0)
        fail_msg("%s: %s", e.field, e.detail);
    assert_string_equal(pol_name(pol), "test-preset");
    assert_string_equal(pol_title(pol), "测试规则");
    assert_string_equal(pol_numbering_pattern(pol), NUM_DEFAULT_PATTERN);
    assert_string_equal(pol_kind_abbrev(pol, POL_KIND_INSPECTION), "检");
    assert_null(pol_kind_abbrev(pol, POL_KIND_COUNT));
    assert_int_equal(pol_deadline(pol, "service", &days, &unit, &src, &e), 0);
    assert_int_equal(days, 7);
    assert_int_equal(unit, POL_UNIT_WD);
    assert_string_equal(src, "行政处罚法 第六十一条");
    assert_int_equal(pol_deadline(pol, "decision", NULL, NULL, NULL, &e), 0);
    assert_int_equal(pol_deadline(pol, "archive", &days, &unit, &src, &e), SX_E_NOTFOUND);
    assert_string_equal(e.type, "deadline-not-set");
    assert_int_equal(pol_deadline(pol, "archiv", &days, &unit, &src, &e), SX_E_INVALID);
    assert_string_equal(pol_source(pol, "numbering.pattern"), "河北 三(三) (HE-3.3)");
    assert_string_equal(pol_source(pol, "deadlines.decision"), "行政处罚法 第六十条");
    assert_string_equal(pol_source(pol, "numbering.kind_abbrev.coercion"), "s");
    assert_null(pol_source(pol, "deadlines.archive"));
    assert_null(pol_source(pol, "nonsense"));
    pol_free(pol);
    pol_free(NULL);
}

/* Set (value JSON) or delete (value NULL) the member at a dotted path of root. */
static void edit(json_t *root, const char *path, const char *value)
{
    char buf[256];
    char *dot;
    char *key = buf;
    json_t *obj = root;
    snprintf(buf, sizeof(buf), "%s", path);
    while ((dot = strchr(key, '.')) != NULL) {
        *dot = '\0';
        obj = json_object_get(obj, key);
        assert_non_null(obj);
        key = dot + 1;
    }
    if (value == NULL) {
        assert_int_equal(json_object_del(obj, key), 0);
    } else {
        json_error_t jerr;
        json_t *v = json_loads(value, JSON_DECODE_ANY, &jerr);
        assert_non_null(v);
        assert_int_equal(json_object_set_new(obj, key, v), 0);
    }
}

static const char long_source[] =
    "\"一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"
    "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"
    "一二三四五六七八九十一二三四五六七八九十\""; /* 100 chars, 300 bytes */

static const struct {
    const char *path;
    const char *value; /* JSON text to set, NULL to delete */
    const char *field; /* expected err.field */
    const char *why;
} bad_rows[] = {
    {"name.source", NULL, "name.source", "value without a source"},
    {"name.source", "\"\"", "name.source", "empty source"},
    {"name.source", "\" \\t\"", "name.source", "blank source"},
    {"name.source", "7", "name.source", "source not a string"},
    {"numbering.pattern.source", long_source, "numbering.pattern.source",
     "source longer than an error can cite"},
    {"name.value", "\"National\"", "name.value", "name with uppercase"},
    {"name.value", "\"\"", "name.value", "empty name"},
    {"title", NULL, "title", "required title missing"},
    {"title", "\"测试\"", "title", "bare value without {value, source}"},
    {"title.value", "5", "title.value", "value of the wrong type"},
    {"title.valeu", "\"x\"", "title.valeu", "misspelt key inside a value"},
    {"numbering.pattern.value", "\"{year}{seq}\"", "numbering.pattern.value",
     "pattern rules (numbering.h)"},
    {"numbering.pattern.value", "\"{prefix}医保{kind}〔{year}〕号\"", "numbering.pattern.value",
     "pattern without {seq}"},
    {"numbering.kind_abbrev.coercion", NULL, "numbering.kind_abbrev.coercion",
     "kind abbreviation missing"},
    {"numbering.kind_abbrev.fine", "{\"value\":\"罚\",\"source\":\"s\"}",
     "numbering.kind_abbrev.fine", "unknown kind"},
    {"numbering.kind_abbrev.penalty.value", "\"\"", "numbering.kind_abbrev.penalty.value",
     "empty abbreviation"},
    {"numbering.kind_abbrev.penalty.value", "\"{罚}\"", "numbering.kind_abbrev.penalty.value",
     "brace in abbreviation"},
    {"numbering.extra", "1", "numbering.extra", "unknown key in numbering"},
    {"numbering", NULL, "numbering", "numbering missing"},
    {"extra_top", "{}", "extra_top", "unknown top-level key"},
    {"deadlines.publsh_penalty", "{\"days\":7,\"unit\":\"wd\",\"source\":\"s\"}",
     "deadlines.publsh_penalty", "misspelt deadline key: never silently unset"},
    {"deadlines.service.days", "0", "deadlines.service.days", "zero days"},
    {"deadlines.service.days", "-7", "deadlines.service.days", "negative days"},
    {"deadlines.service.days", "7.0", "deadlines.service.days", "real days"},
    {"deadlines.service.days", "\"7\"", "deadlines.service.days", "days as a string"},
    {"deadlines.service.days", "3651", "deadlines.service.days", "above POL_DAYS_MAX"},
    {"deadlines.service.days", NULL, "deadlines.service.days", "days missing"},
    {"deadlines.service.unit", "\"days\"", "deadlines.service.unit", "unknown unit"},
    {"deadlines.service.unit", "\"WD\"", "deadlines.service.unit", "unit is case-sensitive"},
    {"deadlines.service.unit", NULL, "deadlines.service.unit", "unit missing"},
    {"deadlines.service.source", NULL, "deadlines.service.source", "deadline without source"},
    {"deadlines.service.note", "5", "deadlines.service.note", "note not a string"},
    {"deadlines.service.extend", "10", "deadlines.service.extend", "unknown key in deadline"},
    {"deadlines.service", "7", "deadlines.service", "deadline not an object"},
    {"deadlines", NULL, "deadlines", "deadlines missing"},
};

static void test_bad_rows(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad_rows) / sizeof(bad_rows[0]); i++) {
        json_error_t jerr;
        json_t *root = json_loads(base_text, 0, &jerr);
        struct pol_policy *pol = NULL;
        struct sx_err e;
        char *text;
        int rc;
        assert_non_null(root);
        edit(root, bad_rows[i].path, bad_rows[i].value);
        text = json_dumps(root, JSON_INDENT(2));
        sx_err_clear(&e);
        rc = pol_parse(text, strlen(text), &pol, &e);
        if (rc != SX_E_INVALID)
            fail_msg("row %zu (%s): rc %d", i, bad_rows[i].why, rc);
        if (strcmp(e.field, bad_rows[i].field) != 0)
            fail_msg("row %zu (%s): field \"%s\" want \"%s\" (%s)", i, bad_rows[i].why, e.field,
                     bad_rows[i].field, e.detail);
        assert_null(pol);
        assert_true(e.title[0] != '\0' && e.detail[0] != '\0');
        free(text);
        json_decref(root);
    }
}

static const struct {
    const char *text;
    const char *in_detail;
    const char *why;
} syntax_rows[] = {
    {"{\n  \"name\": {\"value\": \"x\",\n", "第 3 行", "truncated: line reported"},
    {"{\"name\":1,\"name\":2}", "duplicate", "duplicate key refused"},
    {"[]", "JSON 对象", "top level not an object"},
    {"", "第", "empty text"},
    {"{} x", "第 1 行", "trailing garbage"},
};

static void test_syntax_rows(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(syntax_rows) / sizeof(syntax_rows[0]); i++) {
        struct pol_policy *pol = NULL;
        struct sx_err e;
        sx_err_clear(&e);
        assert_int_equal(pol_parse(syntax_rows[i].text, strlen(syntax_rows[i].text), &pol, &e),
                         SX_E_INVALID);
        assert_null(pol);
        if (strstr(e.detail, syntax_rows[i].in_detail) == NULL)
            fail_msg("row %zu (%s): detail \"%s\" lacks \"%s\"", i, syntax_rows[i].why, e.detail,
                     syntax_rows[i].in_detail);
    }
}

/* ---- policy/national.json ---- */

static char *slurp(const char *rel, size_t *len_out)
{
    char path[1024];
    const char *root = getenv("SANXIANG_ROOT");
    FILE *f;
    char *buf;
    long n;
    snprintf(path, sizeof(path), "%s/%s", root != NULL ? root : ".", rel);
    f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("cannot open %s", path);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_int_equal(fseek(f, 0, SEEK_SET), 0);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len_out = (size_t)n;
    return buf;
}

static const struct {
    const char *key;
    int days;
    enum pol_unit unit;
    const char *in_source;
} national_rows[] = {
    /* 行政处罚法 (2021); 第八十五条: its 2/3/5/7-day limits are working days. */
    {"decision", 90, POL_UNIT_CD, "行政处罚法 第六十条"},
    {"service", 7, POL_UNIT_WD, "第六十一条"},
    {"hearing_request", 5, POL_UNIT_WD, "第六十四条"},
    {"hearing_notice", 7, POL_UNIT_WD, "第六十四条"},
    {"preservation_decision", 7, POL_UNIT_WD, "第五十六条"},
    {"withdraw_published", 3, POL_UNIT_WD, "第四十八条"},
    {"fine_payment", 15, POL_UNIT_CD, "第六十七条"},
    /* 行政强制法: only limits of ten days or less are working days (第六十九条). */
    {"sealing", 30, POL_UNIT_CD, "行政强制法 第二十五条"},
    {"sealing_extension", 30, POL_UNIT_CD, "行政强制法 第二十五条"},
    /* DESIGN §4 table */
    {"publish_penalty", 7, POL_UNIT_WD, "HB-1-11"},
    {"publish_other", 20, POL_UNIT_WD, "HE-2.3"},
    {"av_storage", 2, POL_UNIT_WD, "YN-2-17"},
    {"archive", 30, POL_UNIT_CD, "WS-23"},
    {"legal_review", 10, POL_UNIT_WD, "HB-3-17"},
    {"legal_review_extension", 10, POL_UNIT_WD, "HB-3-17"},
};

/* Keys national.json must leave unset: provincial, or not yet checked against the text. */
static const char *const national_unset[] = {
    "filing_check",                        /* NHSA order 4, secondhand only (DESIGN §4) */
    "decision_extension", "review_submit", /* Yunnan 附件3 第七条 */
    "rereview_request",   "emergency_review",
};

static void test_national(void **state)
{
    size_t len;
    char *text = slurp("policy/national.json", &len);
    struct pol_policy *pol = NULL;
    struct sx_buf num;
    struct num_fields f = {"京", NULL, 2026, 12};
    struct sx_err e;
    size_t set = 0;
    (void)state;
    sx_err_clear(&e);
    if (pol_parse(text, len, &pol, &e) != 0)
        fail_msg("national.json: %s: %s", e.field, e.detail);
    assert_string_equal(pol_name(pol), "national");
    for (size_t i = 0; i < sizeof(national_rows) / sizeof(national_rows[0]); i++) {
        int days;
        enum pol_unit unit;
        const char *src;
        if (pol_deadline(pol, national_rows[i].key, &days, &unit, &src, &e) != 0)
            fail_msg("%s: %s", national_rows[i].key, e.detail);
        if (days != national_rows[i].days || unit != national_rows[i].unit ||
            strstr(src, national_rows[i].in_source) == NULL)
            fail_msg("%s: %d %s \"%s\"", national_rows[i].key, days,
                     unit == POL_UNIT_WD ? "wd" : "cd", src);
    }
    for (size_t i = 0; i < sizeof(national_unset) / sizeof(national_unset[0]); i++)
        assert_int_equal(pol_deadline(pol, national_unset[i], NULL, NULL, NULL, NULL),
                         SX_E_NOTFOUND);
    /* No deadline beyond the rows above sneaks in untested. */
    for (size_t i = 0; i < pol_deadline_key_count(); i++) {
        assert_non_null(pol_deadline_label(pol_deadline_key_at(i)));
        if (pol_deadline(pol, pol_deadline_key_at(i), NULL, NULL, NULL, NULL) == 0)
            set++;
    }
    assert_int_equal(set, sizeof(national_rows) / sizeof(national_rows[0]));
    assert_null(pol_deadline_key_at(pol_deadline_key_count()));

    /* The shipped numbering gives the brief's example. */
    f.kind = pol_kind_abbrev(pol, POL_KIND_PENALTY);
    sx_buf_init(&num, 256);
    assert_int_equal(num_format(pol_numbering_pattern(pol), &f, &num, NULL), 0);
    assert_string_equal(num.data, "京医保罚〔2026〕12号");
    assert_string_equal(pol_kind_abbrev(pol, POL_KIND_INSPECTION), "检");
    assert_string_equal(pol_kind_abbrev(pol, POL_KIND_COERCION), "强");
    sx_buf_free(&num);
    pol_free(pol);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base_parses),
        cmocka_unit_test(test_bad_rows),
        cmocka_unit_test(test_syntax_rows),
        cmocka_unit_test(test_national),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
