/*
 * Unit tests for src/core/policy: the loader's rules (every value sourced,
 * unknown keys refused, paths in errors) on a small valid policy and one
 * mutation per row, and policy/national.json checked value by value against
 * its sources (DESIGN §4; 行政处罚法; PROVISIONS.md ids); the review scope
 * schema, extends (adding allowed, removing or loosening refused: 北京 二(三)2
 * 末段, BJ-2.3-2c), `policy check` lines, and every shipped preset.
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

/* ---- review scope, extends and line numbers ---- */

/* A small root with review rules, and a child extending it (edited per row). */
static const char root_text[] =
    "{\n"
    "  \"name\": {\"value\": \"t-root\", \"source\": \"s\"},\n"
    "  \"title\": {\"value\": \"根\", \"source\": \"s\"},\n"
    "  \"numbering\": {\n"
    "    \"pattern\": {\"value\": \"{prefix}医保{kind}〔{year}〕{seq}号\", \"source\": \"s\"},\n"
    "    \"kind_abbrev\": {\n"
    "      \"penalty\": {\"value\": \"罚\", \"source\": \"s\"},\n"
    "      \"inspection\": {\"value\": \"检\", \"source\": \"s\"},\n"
    "      \"coercion\": {\"value\": \"强\", \"source\": \"s\"}\n"
    "    }\n"
    "  },\n"
    "  \"deadlines\": {\n"
    "    \"legal_review\": {\"days\": 10, \"unit\": \"wd\", \"source\": \"HB-3-17\"},\n"
    "    \"hearing_request\": {\"days\": 5, \"unit\": \"wd\", \"source\": \"第六十四条\"},\n"
    "    \"decision\": {\"days\": 90, \"unit\": \"cd\", \"source\": \"第六十条\"}\n"
    "  },\n"
    "  \"review\": {\n"
    "    \"bodies\": {\"legal_unit\": {\"label\": \"本机关法制机构\", \"rank\": 1, \"source\": "
    "\"s\"}},\n"
    "    \"rules\": {\n"
    "      \"r-fine\": {\"label\": \"罚款\", \"body\": \"legal_unit\", \"source\": \"YN-3-06\",\n"
    "        \"when\": {\"kind\": [\"penalty\"], \"party_type\": [\"person\"],\n"
    "                 \"amount\": {\"of\": [\"fine\"], \"gte\": 5000, \"lt\": 100000}}},\n"
    "      \"r-complex\": {\"label\": \"疑难复杂\", \"body\": \"legal_unit\", \"source\": \"s\",\n"
    "        \"when\": {\"categories\": [\"complex\"]}},\n"
    "      \"r-heard\": {\"label\": \"听证\", \"body\": \"legal_unit\", \"source\": \"s\",\n"
    "        \"when\": {\"hearing\": true, \"categories\": [\"major_rights\"]}}\n"
    "    },\n"
    "    \"materials\": {\n"
    "      \"explanation\": {\"label\": \"情况说明\", \"when\": \"always\", \"source\": "
    "\"YN-3-08\",\n"
    "        \"points\": {\"source\": \"YN-3-09\", \"items\": {\"facts\": \"基本事实\", \"law\": "
    "\"法律适用\"}}},\n"
    "      \"transcript\": {\"label\": \"听证笔录\", \"when\": \"hearing\", \"source\": \"s\"}\n"
    "    }\n"
    "  }\n"
    "}\n";

static const char child_text[] =
    "{\n"
    "  \"name\": {\"value\": \"t-child\", \"source\": \"s\"},\n"
    "  \"title\": {\"value\": \"子\", \"source\": \"s\"},\n"
    "  \"extends\": {\"value\": \"t-root\", \"source\": \"BJ-2.3-2c\"},\n"
    "  \"deadlines\": {},\n"
    "  \"review\": {\"bodies\": {}, \"rules\": {}, \"materials\": {}}\n"
    "}\n";

#define MINI(name, ext)                                                                            \
    "{\"name\":{\"value\":\"" name "\",\"source\":\"s\"},\"title\":{\"value\":\"t\",\"source\":"   \
    "\"s\"},\"extends\":{\"value\":\"" ext "\",\"source\":\"s\"}}"

/* Policies the in-memory loader knows; anything else is read from ROOT/policy. */
static const struct {
    const char *name;
    const char *text;
} mem_files[] = {
    {"t-root", root_text},
    {"t-bad", "{\"name\": {\"value\": \"t-bad\"}}"},
    {"t-cyc-a", MINI("t-cyc-a", "t-cyc-b")},
    {"t-cyc-b", MINI("t-cyc-b", "t-cyc-a")},
    {"t-wrongname", MINI("t-other", "t-root")},
};

static int mem_read(void *ctx, const char *name, struct sx_buf *out, struct sx_err *err)
{
    char path[1024];
    const char *root = getenv("SANXIANG_ROOT");
    FILE *f;
    char chunk[4096];
    size_t n;
    (void)ctx;
    for (size_t i = 0; i < sizeof(mem_files) / sizeof(mem_files[0]); i++)
        if (strcmp(mem_files[i].name, name) == 0)
            return sx_buf_puts(out, mem_files[i].text);
    snprintf(path, sizeof(path), "%s/policy/%s.json", root != NULL ? root : ".", name);
    f = fopen(path, "rb");
    if (f == NULL)
        return SX_FAIL(err, SX_E_NOTFOUND, "unknown-policy", "规则预设不存在", "", "policy",
                       "没有 %s", name);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        assert_int_equal(sx_buf_append(out, chunk, n), 0);
    fclose(f);
    return 0;
}

static const struct pol_loader mem_loader = {mem_read, NULL};

static const struct {
    const char *path; /* edit of child_text */
    const char *value;
    const char *path2; /* optional second edit */
    const char *value2;
    const char *field; /* NULL: loads; else err.field */
    const char *why;
} ext_rows[] = {
    /* allowed: add, tighten, widen */
    {"review.rules.c-new",
     "{\"label\":\"新增\",\"body\":\"legal_unit\",\"source\":\"s\",\"when\":{\"categories\":["
     "\"social_risk\"]}}",
     NULL, NULL, NULL, "a county adds a rule (BJ-2.3-2c)"},
    {"review.rules.r-fine",
     "{\"label\":\"x\",\"body\":\"legal_unit\",\"source\":\"s\",\"when\":{\"kind\":[\"penalty\"],"
     "\"party_type\":[\"person\"],\"amount\":{\"of\":[\"fine\"],\"gte\":3000,\"lt\":100000}}}",
     NULL, NULL, NULL, "lower threshold is stricter"},
    {"review.rules.r-fine",
     "{\"label\":\"x\",\"body\":\"legal_unit\",\"source\":\"s\",\"when\":{\"amount\":{\"of\":["
     "\"fine\",\"confiscation\"],\"gte\":5000}}}",
     NULL, NULL, NULL, "fewer conditions, more amounts, no upper bound: wider"},
    {"review.rules.r-complex",
     "{\"label\":\"x\",\"body\":\"legal_unit\",\"source\":\"s\",\"when\":{\"categories\":["
     "\"complex\",\"social_risk\"]}}",
     NULL, NULL, NULL, "more categories (any of) is wider"},
    {"review.rules.r-complex",
     "{\"label\":\"x\",\"body\":\"legal_unit\",\"source\":\"s\",\"when\":{}}", NULL, NULL, NULL,
     "empty when: every case"},
    {"review.rules.r-heard",
     "{\"label\":\"x\",\"body\":\"legal_unit\",\"source\":\"s\",\"when\":{\"categories\":["
     "\"major_rights\"]}}",
     NULL, NULL, NULL, "dropping the hearing condition is wider"},
    {"deadlines.legal_review", "{\"days\":5,\"unit\":\"wd\",\"source\":\"YN-3-12\"}", NULL, NULL,
     NULL, "shorter review period (Yunnan 5 WD under 10)"},
    {"deadlines.legal_review", "{\"days\":10,\"unit\":\"cd\",\"source\":\"s\"}", NULL, NULL, NULL,
     "10 calendar days are never longer than 10 working days"},
    {"deadlines.hearing_request", "{\"days\":7,\"unit\":\"wd\",\"source\":\"s\"}", NULL, NULL, NULL,
     "more time for the party is stricter"},
    {"review.materials.extra", "{\"label\":\"其他\",\"when\":\"optional\",\"source\":\"s\"}", NULL,
     NULL, NULL, "a material added"},
    {"review.materials.transcript", "{\"label\":\"听证笔录\",\"when\":\"always\",\"source\":\"s\"}",
     NULL, NULL, NULL, "a material made always required"},
    {"review.materials.explanation",
     "{\"label\":\"说明\",\"when\":\"always\",\"source\":\"s\",\"points\":{\"source\":\"s\","
     "\"items\":{\"facts\":\"a\",\"law\":\"b\",\"more\":\"c\"}}}",
     NULL, NULL, NULL, "an explanation point added"},
    {"review.bodies.county", "{\"label\":\"县局法制机构\",\"rank\":5,\"source\":\"s\"}",
     "review.rules.c-county",
     "{\"label\":\"x\",\"body\":\"county\",\"source\":\"s\",\"when\":{\"categories\":[\"complex\"]}"
     "}",
     NULL, "a new body and a rule routed to it"},
    /* refused: removal and loosening, each naming the rule */
    {"review.rules.r-fine", "null", NULL, NULL, "review.rules.r-fine", "a rule removed"},
    {"review.rules.r-fine",
     "{\"label\":\"x\",\"body\":\"legal_unit\",\"source\":\"s\",\"when\":{\"kind\":[\"penalty\"],"
     "\"party_type\":[\"person\"],\"amount\":{\"of\":[\"fine\"],\"gte\":6000,\"lt\":100000}}}",
     NULL, NULL, "review.rules.r-fine.when.amount", "lower bound raised"},
    {"review.rules.r-fine",
     "{\"label\":\"x\",\"body\":\"legal_unit\",\"source\":\"s\",\"when\":{\"kind\":[\"penalty\"],"
     "\"party_type\":[\"person\"],\"amount\":{\"of\":[\"fine\"],\"gt\":5000,\"lt\":100000}}}",
     NULL, NULL, "review.rules.r-fine.when.amount", "以上 → 超过 drops 5000 itself"},
    {"review.rules.r-fine",
     "{\"label\":\"x\",\"body\":\"legal_unit\",\"source\":\"s\",\"when\":{\"kind\":[\"penalty\"],"
     "\"party_type\":[\"person\"],\"amount\":{\"of\":[\"fine\"],\"gte\":5000,\"lt\":50000}}}",
     NULL, NULL, "review.rules.r-fine.when.amount", "upper bound lowered"},
    {"review.rules.r-fine",
     "{\"label\":\"x\",\"body\":\"legal_unit\",\"source\":\"s\",\"when\":{\"kind\":[\"penalty\"],"
     "\"party_type\":[\"person\"],\"amount\":{\"of\":[\"confiscation\"],\"gte\":5000,\"lt\":"
     "100000}}}",
     NULL, NULL, "review.rules.r-fine.when.amount", "amount field swapped"},
    {"review.rules.r-fine",
     "{\"label\":\"x\",\"body\":\"legal_unit\",\"source\":\"s\",\"when\":{\"kind\":[\"penalty\"],"
     "\"procedure\":[\"general\"],\"party_type\":[\"person\"],\"amount\":{\"of\":[\"fine\"],"
     "\"gte\":5000,\"lt\":100000}}}",
     NULL, NULL, "review.rules.r-fine.when", "procedure condition added (narrower)"},
    {"review.rules.r-fine",
     "{\"label\":\"x\",\"body\":\"legal_unit\",\"source\":\"s\",\"when\":{\"kind\":[\"penalty\"],"
     "\"party_type\":[\"person\"]}}",
     NULL, NULL, NULL, "amount condition dropped: wider"},
    {"review.rules.r-complex",
     "{\"label\":\"x\",\"body\":\"legal_unit\",\"source\":\"s\",\"when\":{\"categories\":["
     "\"complex\"],\"hearing\":true}}",
     NULL, NULL, "review.rules.r-complex.when.hearing", "hearing condition added"},
    {"review.rules.r-heard",
     "{\"label\":\"x\",\"body\":\"legal_unit\",\"source\":\"s\",\"when\":{\"hearing\":false,"
     "\"categories\":[\"major_rights\"]}}",
     NULL, NULL, "review.rules.r-heard.when.hearing", "hearing condition changed"},
    {"review.rules.r-complex",
     "{\"label\":\"x\",\"body\":\"legal_unit\",\"source\":\"s\",\"when\":{\"categories\":["
     "\"social_risk\"]}}",
     NULL, NULL, "review.rules.r-complex.when.categories", "category replaced"},
    {"review.rules.r-complex",
     "{\"label\":\"x\",\"body\":\"legal_unit\",\"source\":\"s\",\"when\":{\"categories\":["
     "\"complex\"],\"amount\":{\"of\":[\"fine\"],\"gte\":1}}}",
     NULL, NULL, "review.rules.r-complex.when.amount", "amount condition added"},
    {"review.bodies.county", "{\"label\":\"县局法制机构\",\"rank\":5,\"source\":\"s\"}",
     "review.rules.r-complex",
     "{\"label\":\"x\",\"body\":\"county\",\"source\":\"s\",\"when\":{\"categories\":[\"complex\"]}"
     "}",
     "review.rules.r-complex.body", "inherited rule rerouted"},
    {"review.bodies.legal_unit", "{\"label\":\"x\",\"rank\":9,\"source\":\"s\"}", NULL, NULL,
     "review.bodies.legal_unit", "inherited body redefined"},
    {"review.bodies.county", "{\"label\":\"县局\",\"rank\":1,\"source\":\"s\"}", NULL, NULL,
     "review.bodies.county.rank", "rank equal to an inherited body's"},
    {"deadlines.legal_review", "{\"days\":11,\"unit\":\"wd\",\"source\":\"s\"}", NULL, NULL,
     "deadlines.legal_review.days", "review period lengthened"},
    {"deadlines.decision", "{\"days\":90,\"unit\":\"wd\",\"source\":\"s\"}", NULL, NULL,
     "deadlines.decision.days", "90 cd → 90 wd is longer"},
    {"deadlines.hearing_request", "{\"days\":3,\"unit\":\"wd\",\"source\":\"s\"}", NULL, NULL,
     "deadlines.hearing_request.days", "party's hearing period shortened"},
    {"deadlines.hearing_request", "{\"days\":5,\"unit\":\"cd\",\"source\":\"s\"}", NULL, NULL,
     "deadlines.hearing_request.days", "party's 5 WD cut to 5 calendar days"},
    {"review.materials.transcript", "null", NULL, NULL, "review.materials.transcript",
     "a material removed"},
    {"review.materials.transcript",
     "{\"label\":\"听证笔录\",\"when\":\"optional\",\"source\":\"s\"}", NULL, NULL,
     "review.materials.transcript.when", "a material made optional"},
    {"review.materials.explanation",
     "{\"label\":\"说明\",\"when\":\"always\",\"source\":\"s\",\"points\":{\"source\":\"s\","
     "\"items\":{\"facts\":\"a\"}}}",
     NULL, NULL, "review.materials.explanation.points", "an explanation point dropped"},
    /* the chain itself */
    {"extends.value", "\"t-child\"", NULL, NULL, "extends.value", "extends itself"},
    {"extends.value", "\"t-missing\"", NULL, NULL, "extends.value", "no such parent"},
    {"extends.value", "\"t-bad\"", NULL, NULL, "extends.value", "parent invalid"},
    {"extends.value", "\"t-cyc-a\"", NULL, NULL, "extends.value", "a → b → a"},
    {"extends.value", "\"t-wrongname\"", NULL, NULL, "extends.value", "file name ≠ its name"},
    {"extends.value", "\"T-Root\"", NULL, NULL, "extends.value", "bad parent name"},
    {"extends.source", NULL, NULL, NULL, "extends.source", "extends without a source"},
};

static char *edited(const char *text, const char *path, const char *value, const char *path2,
                    const char *value2)
{
    json_error_t jerr;
    json_t *root = json_loads(text, 0, &jerr);
    char *out;
    assert_non_null(root);
    if (path != NULL)
        edit(root, path, value);
    if (path2 != NULL)
        edit(root, path2, value2);
    out = json_dumps(root, JSON_INDENT(2));
    json_decref(root);
    assert_non_null(out);
    return out;
}

static void test_extends_rows(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(ext_rows) / sizeof(ext_rows[0]); i++) {
        char *text = edited(child_text, ext_rows[i].path, ext_rows[i].value, ext_rows[i].path2,
                            ext_rows[i].value2);
        struct pol_policy *pol = NULL;
        struct sx_err e;
        int rc;
        sx_err_clear(&e);
        rc = pol_load(text, strlen(text), &mem_loader, &pol, &e);
        if (ext_rows[i].field == NULL) {
            if (rc != 0)
                fail_msg("row %zu (%s): refused: %s %s", i, ext_rows[i].why, e.field, e.detail);
            assert_non_null(pol);
        } else {
            if (rc != SX_E_INVALID || strcmp(e.field, ext_rows[i].field) != 0)
                fail_msg("row %zu (%s): rc %d field \"%s\" want \"%s\" (%s)", i, ext_rows[i].why,
                         rc, e.field, ext_rows[i].field, e.detail);
            assert_null(pol);
            /* loosening errors cite the rule that forbids them and say where */
            if (strncmp(ext_rows[i].field, "extends", 7) != 0 &&
                strstr(e.source, "BJ-2.3-2c") == NULL && strstr(e.detail, "第 ") == NULL)
                fail_msg("row %zu (%s): no source/line: %s / %s", i, ext_rows[i].why, e.source,
                         e.detail);
        }
        pol_free(pol);
        free(text);
    }
}

/* The merged child: parent's values, then the child's additions and overrides, in order. */
static void test_extends_merge(void **state)
{
    char *text =
        edited(child_text, "review.rules.r-fine",
               "{\"label\":\"县\",\"body\":\"legal_unit\",\"source\":\"县文件\",\"when\":{"
               "\"kind\":[\"penalty\"],\"party_type\":[\"person\"],\"amount\":{\"of\":["
               "\"fine\"],\"gte\":2000,\"lt\":100000}}}",
               "deadlines.legal_review", "{\"days\":5,\"unit\":\"wd\",\"source\":\"县期限\"}");
    struct pol_policy *pol = NULL;
    struct sx_err e;
    const struct pol_rule *r;
    int days = 0;
    const char *src = NULL;
    (void)state;
    sx_err_clear(&e);
    if (pol_load(text, strlen(text), &mem_loader, &pol, &e) != 0)
        fail_msg("%s: %s", e.field, e.detail);
    assert_string_equal(pol_extends(pol), "t-root");
    assert_string_equal(pol_name(pol_parent(pol)), "t-root");
    assert_null(pol_extends(pol_parent(pol)));
    assert_string_equal(pol_source(pol, "extends"), "BJ-2.3-2c");
    /* numbering inherited */
    assert_string_equal(pol_kind_abbrev(pol, POL_KIND_PENALTY), "罚");
    /* deadlines: overridden and inherited, each with its own source */
    assert_int_equal(pol_deadline(pol, "legal_review", &days, NULL, &src, &e), 0);
    assert_int_equal(days, 5);
    assert_string_equal(src, "县期限");
    assert_int_equal(pol_deadline(pol, "decision", &days, NULL, &src, &e), 0);
    assert_int_equal(days, 90);
    assert_string_equal(src, "第六十条");
    /* rules: same order, r-fine replaced in place */
    assert_int_equal(pol_rule_count(pol), 3);
    r = pol_rule_at(pol, 0);
    assert_string_equal(r->id, "r-fine");
    assert_string_equal(r->source, "县文件");
    assert_string_equal(r->defined_in, "t-child");
    assert_int_equal(r->min_fen, 200000);
    assert_int_equal(r->max_fen, 9999999);
    assert_int_equal(r->acts, 1u << POL_ACT_PENALTY);
    assert_int_equal(r->parties, 1u << POL_PARTY_PERSON);
    assert_int_equal(r->procs, (1u << POL_PROC_COUNT) - 1);
    assert_int_equal(r->amount_of, 1u << POL_AMOUNT_FINE);
    assert_string_equal(pol_rule_at(pol, 1)->defined_in, "t-root");
    assert_int_equal(pol_rule_at(pol, 2)->hearing, 1);
    assert_ptr_equal(pol_rule_find(pol, "r-complex"), pol_rule_at(pol, 1));
    assert_null(pol_rule_find(pol, "r-none"));
    assert_string_equal(pol_source(pol, "review.rules.r-complex"), "s");
    assert_string_equal(pol_source(pol, "review.materials.explanation"), "YN-3-08");
    assert_null(pol_source(pol, "review.rules.r-none"));
    /* materials and bodies inherited */
    assert_int_equal(pol_material_count(pol), 2);
    assert_int_equal(pol_material_at(pol, 0)->n_points, 2);
    assert_string_equal(pol_material_at(pol, 0)->point_labels[1], "法律适用");
    assert_int_equal(pol_material_at(pol, 1)->when, POL_WHEN_HEARING);
    assert_int_equal(pol_body_count(pol), 1);
    assert_string_equal(pol_body_find(pol, "legal_unit")->label, "本机关法制机构");
    assert_null(pol_body_at(pol, 1));
    pol_free(pol);

    /* an extending policy cannot be parsed alone */
    sx_err_clear(&e);
    assert_int_equal(pol_parse(text, strlen(text), &pol, &e), SX_E_INVALID);
    assert_string_equal(e.field, "extends.value");
    assert_null(pol);
    free(text);
}

static const struct {
    const char *path; /* edit of root_text */
    const char *value;
    const char *field;
    const char *why;
} review_bad_rows[] = {
    {"review.rules.r-fine.when.kind", "[\"fines\"]", "review.rules.r-fine.when.kind",
     "unknown kind word"},
    {"review.rules.r-fine.when.kind", "[]", "review.rules.r-fine.when.kind", "empty list"},
    {"review.rules.r-fine.when.kind", "\"penalty\"", "review.rules.r-fine.when.kind",
     "a string, not a list"},
    {"review.rules.r-fine.when.kind", "[\"penalty\",\"penalty\"]", "review.rules.r-fine.when.kind",
     "duplicate"},
    {"review.rules.r-fine.when.party_type", "[\"company\"]", "review.rules.r-fine.when.party_type",
     "unknown party type"},
    {"review.rules.r-fine.when.categories", "[\"complicated\"]",
     "review.rules.r-fine.when.categories", "unknown category"},
    {"review.rules.r-fine.when.hearing", "1", "review.rules.r-fine.when.hearing",
     "hearing not boolean"},
    {"review.rules.r-fine.when.colour", "1", "review.rules.r-fine.when.colour",
     "unknown condition"},
    {"review.rules.r-fine.when.amount.gte", NULL, "review.rules.r-fine.when.amount",
     "no lower bound"},
    {"review.rules.r-fine.when.amount.gt", "4999", "review.rules.r-fine.when.amount",
     "gte and gt both"},
    {"review.rules.r-fine.when.amount.gte", "0", "review.rules.r-fine.when.amount.gte",
     "gte 0 would match every case"},
    {"review.rules.r-fine.when.amount.gte", "5000.5", "review.rules.r-fine.when.amount.gte",
     "amount not whole yuan"},
    {"review.rules.r-fine.when.amount.gte", "\"5000\"", "review.rules.r-fine.when.amount.gte",
     "amount as a string"},
    {"review.rules.r-fine.when.amount.gte", "1000000000001", "review.rules.r-fine.when.amount.gte",
     "above POL_AMOUNT_MAX_YUAN"},
    {"review.rules.r-fine.when.amount.lt", "5000", "review.rules.r-fine.when.amount",
     "empty range"},
    {"review.rules.r-fine.when.amount.lte", "7000", "review.rules.r-fine.when.amount",
     "lt and lte both"},
    {"review.rules.r-fine.when.amount.of", "[\"penalty\"]", "review.rules.r-fine.when.amount.of",
     "unknown amount field"},
    {"review.rules.r-fine.when.amount.of", NULL, "review.rules.r-fine.when.amount.of",
     "amount without of"},
    {"review.rules.r-fine.when", NULL, "review.rules.r-fine.when", "rule without when"},
    {"review.rules.r-fine.source", NULL, "review.rules.r-fine.source", "rule without source"},
    {"review.rules.r-fine.label", "\"\"", "review.rules.r-fine.label", "empty label"},
    {"review.rules.r-fine.body", "\"corps\"", "review.rules.r-fine.body", "undefined body"},
    {"review.rules.r-fine.extra", "1", "review.rules.r-fine.extra", "unknown key in a rule"},
    {"review.rules.R-Fine", "{}", "review.rules.R-Fine", "bad rule id"},
    {"review.rules.r-none", "null", "review.rules.r-none", "null for a rule never defined"},
    {"review.rules", "[]", "review.rules", "rules not an object"},
    {"review.bodies.legal_unit.rank", "0", "review.bodies.legal_unit.rank", "rank 0"},
    {"review.bodies.legal_unit.source", NULL, "review.bodies.legal_unit.source",
     "body without source"},
    {"review.bodies.Legal", "{}", "review.bodies.Legal", "bad body key"},
    {"review.materials.transcript.when", "\"sometimes\"", "review.materials.transcript.when",
     "unknown when"},
    {"review.materials.explanation.points.items", "{}", "review.materials.explanation.points.items",
     "no points"},
    {"review.materials.explanation.points.source", NULL,
     "review.materials.explanation.points.source", "points without source"},
    {"review.materials.explanation.points.items.facts", "7",
     "review.materials.explanation.points.items.facts", "point label not a string"},
    {"review.extra", "{}", "review.extra", "unknown key in review"},
};

static void test_review_bad_rows(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(review_bad_rows) / sizeof(review_bad_rows[0]); i++) {
        char *text =
            edited(root_text, review_bad_rows[i].path, review_bad_rows[i].value, NULL, NULL);
        struct pol_policy *pol = NULL;
        struct sx_err e;
        int rc;
        sx_err_clear(&e);
        rc = pol_parse(text, strlen(text), &pol, &e);
        if (rc != SX_E_INVALID || strcmp(e.field, review_bad_rows[i].field) != 0)
            fail_msg("row %zu (%s): rc %d field \"%s\" want \"%s\" (%s)", i, review_bad_rows[i].why,
                     rc, e.field, review_bad_rows[i].field, e.detail);
        assert_null(pol);
        free(text);
    }
    /* the unedited root is valid */
    {
        struct pol_policy *pol = NULL;
        struct sx_err e;
        sx_err_clear(&e);
        if (pol_parse(root_text, strlen(root_text), &pol, &e) != 0)
            fail_msg("%s: %s", e.field, e.detail);
        pol_free(pol);
    }
}

/* ---- policy check: every problem, each with its line ---- */

static const char lines_text[] =
    "{\n"                                                                         /* 1 */
    "  \"name\": {\"value\": \"t-lines\", \"source\": \"s\", \"note\": \"n\"},\n" /* 2 */
    "  \"title\": {\"value\": \"行\", \"source\": \"s\", \"colour\": 1},\n"       /* 3 */
    "  \"numbering\": {\n"                                                        /* 4 */
    "    \"pattern\": {\"value\": \"{prefix}医保{kind}〔{year}〕{seq}号\", \"source\": \"s\"},\n"
    "    \"kind_abbrev\": {\n"                                                   /* 6 */
    "      \"penalty\": {\"value\": \"罚\", \"source\": \"s\"},\n"               /* 7 */
    "      \"inspection\": {\"value\": \"检\", \"source\": \"s\"},\n"            /* 8 */
    "      \"coercion\": {\"value\": \"强\", \"source\": \"s\"}\n"               /* 9 */
    "    }\n"                                                                    /* 10 */
    "  },\n"                                                                     /* 11 */
    "  \"deadlines\": {\n"                                                       /* 12 */
    "    \"service\": {\"days\": 7, \"unit\": \"wd\", \"source\": \"s\"},\n"     /* 13 */
    "    \"legal_review\": {\"days\": 0, \"unit\": \"wd\", \"source\": \"s\"}\n" /* 14 */
    "  },\n"                                                                     /* 15 */
    "  \"review\": {\n"                                                          /* 16 */
    "    \"bodies\": {\"legal_unit\": {\"label\": \"法制机构\", \"rank\": 1, \"source\": \"s\"}},\n"
    "    \"rules\": {\n" /* 18 */
    "      \"ok-rule\": {\"label\": \"x\", \"body\": \"legal_unit\", \"source\": \"s\", \"when\": "
    "{}},\n"                                                                                /* 19 */
    "      \"bad-kind\": {\"label\": \"x\", \"body\": \"legal_unit\", \"source\": \"s\",\n" /* 20 */
    "                   \"when\": {\"kind\": [\"fines\"]}},\n"                              /* 21 */
    "      \"no-source\": {\"label\": \"x\", \"body\": \"legal_unit\", \"when\": {}}\n"     /* 22 */
    "    }\n"                                                                               /* 23 */
    "  },\n"                                                                                /* 24 */
    "  \"note\": 1\n" /* 25: unknown at the top, though "note" is allowed nested on line 2 */
    "}\n";            /* 26 */

struct diags {
    int n;
    int line[16];
    int column[16];
    char field[16][128];
};

static void collect(void *ctx, const struct pol_diag *d)
{
    struct diags *ds = ctx;
    assert_true(ds->n < 16);
    assert_true(d->err.detail[0] != '\0');
    ds->line[ds->n] = d->line;
    ds->column[ds->n] = d->column;
    snprintf(ds->field[ds->n], sizeof(ds->field[0]), "%s", d->err.field);
    ds->n++;
}

static void test_check_lines(void **state)
{
    static const struct {
        int line;
        const char *field;
    } want[] = {
        {25, "note"},
        {3, "title.colour"},
        {14, "deadlines.legal_review.days"},
        {21, "review.rules.bad-kind.when.kind"},
        {22, "review.rules.no-source.source"}, /* missing member: the line of its parent */
    };
    struct diags ds;
    struct pol_policy *pol = NULL;
    struct sx_err e;
    (void)state;
    memset(&ds, 0, sizeof(ds));
    assert_int_equal(pol_check(lines_text, strlen(lines_text), NULL, collect, &ds), 5);
    assert_int_equal(ds.n, 5);
    for (int i = 0; i < 5; i++) {
        if (ds.line[i] != want[i].line || strcmp(ds.field[i], want[i].field) != 0)
            fail_msg("diag %d: line %d field %s, want %d %s", i, ds.line[i], ds.field[i],
                     want[i].line, want[i].field);
        assert_int_equal(ds.column[i], 0);
    }
    /* pol_parse reports the first, with its line in the detail */
    sx_err_clear(&e);
    assert_int_equal(pol_parse(lines_text, strlen(lines_text), &pol, &e), SX_E_INVALID);
    assert_string_equal(e.field, "note");
    assert_non_null(strstr(e.detail, "（第 25 行）"));

    /* a syntax error: one problem with line and column */
    memset(&ds, 0, sizeof(ds));
    assert_int_equal(pol_check("{\n  \"a\": 1,\n  ]\n}", 16, NULL, collect, &ds), 1);
    assert_int_equal(ds.line[0], 3);
    assert_true(ds.column[0] > 0);

    /* a valid file: no problems, the callback never runs */
    memset(&ds, 0, sizeof(ds));
    assert_int_equal(pol_check(root_text, strlen(root_text), NULL, collect, &ds), 0);
    assert_int_equal(ds.n, 0);
    /* an extension's loosening is reported at its line */
    {
        char *text = edited(child_text, "deadlines.legal_review",
                            "{\"days\":20,\"unit\":\"wd\",\"source\":\"s\"}", NULL, NULL);
        const char *at = strstr(text, "\"legal_review\"");
        int line = 1;
        for (const char *c = text; c < at; c++)
            line += *c == '\n';
        memset(&ds, 0, sizeof(ds));
        assert_int_equal(pol_check(text, strlen(text), &mem_loader, collect, &ds), 1);
        assert_int_equal(ds.line[0], line + 1); /* "days" is on the next line (JSON_INDENT) */
        assert_string_equal(ds.field[0], "deadlines.legal_review.days");
        free(text);
    }
}

/* ---- the shipped presets ---- */

static const struct {
    const char *preset;
    const char *key;
    int days;
    enum pol_unit unit;
    const char *in_source; /* substring of the source */
} preset_deadlines[] = {
    /* Yunnan 附件3 (read in the seed, 001) */
    {"yunnan", "review_submit", 5, POL_UNIT_WD, "YN-3-07"},
    {"yunnan", "emergency_review", 2, POL_UNIT_WD, "YN-3-07"},
    {"yunnan", "legal_review", 5, POL_UNIT_WD, "YN-3-12"},
    {"yunnan", "legal_review_extension", 3, POL_UNIT_WD, "YN-3-12"},
    {"yunnan", "rereview_request", 2, POL_UNIT_WD, "YN-3-14"},
    {"yunnan", "rereview_answer", 3, POL_UNIT_WD, "YN-3-14"},
    {"yunnan", "major_decision_filing", 30, POL_UNIT_CD, "YN-3-15"},
    {"yunnan", "publish_penalty", 7, POL_UNIT_WD, "YN-1-13"},
    {"yunnan", "publish_other", 20, POL_UNIT_WD, "YN-1-13"},
    {"yunnan", "av_storage", 2, POL_UNIT_WD, "YN-2-17"},
    {"yunnan", "decision", 90, POL_UNIT_CD, "行政处罚法 第六十条"}, /* inherited */
    /* Beijing 二(三)3, 二(一)9 */
    {"beijing", "review_submit_before_deadline", 10, POL_UNIT_WD, "BJ-2.3-3b"},
    {"beijing", "legal_review", 5, POL_UNIT_WD, "BJ-2.3-3b"},
    {"beijing", "publish_penalty", 7, POL_UNIT_WD, "BJ-2.1-9"},
    {"beijing", "publish_other", 20, POL_UNIT_WD, "BJ-2.1-9"},
    {"beijing", "withdraw_published", 3, POL_UNIT_WD, "第四十八条"}, /* stricter than 10 days */
    /* Hubei 附件3 第十七条, 附件1 第十一条 */
    {"hubei", "legal_review", 10, POL_UNIT_WD, "HB-3-17"},
    {"hubei", "legal_review_extension", 10, POL_UNIT_WD, "HB-3-17"},
    {"hubei", "publish_penalty", 7, POL_UNIT_WD, "HB-1-11"},
    {"hubei", "publish_other", 20, POL_UNIT_WD, "HB-1-11"},
    /* Hebei 二(三) */
    {"hebei", "publish_penalty", 7, POL_UNIT_WD, "HE-2.3"},
    {"hebei", "publish_other", 20, POL_UNIT_WD, "HE-2.3"},
    {"hebei", "legal_review", 10, POL_UNIT_WD, "HB-3-17"}, /* national default */
    /* Wenshang 第二十二、二十三条 */
    {"shandong-wenshang", "av_storage", 2, POL_UNIT_WD, "WS-22"},
    {"shandong-wenshang", "archive", 30, POL_UNIT_CD, "WS-23"},
};

static const struct {
    const char *preset;
    const char *extends;
    size_t rules;
    size_t bodies;
    size_t materials;
} preset_shapes[] = {
    {"national", NULL, 4, 1, 0},       {"yunnan", "national", 10, 1, 6},
    {"beijing", "national", 16, 3, 0}, {"hubei", "national", 12, 1, 3},
    {"hebei", "national", 8, 1, 0},    {"shandong-wenshang", "national", 4, 1, 0},
};

static struct pol_policy *load_preset(const char *name)
{
    struct sx_buf text;
    struct pol_policy *pol = NULL;
    struct sx_err e;
    sx_buf_init(&text, 4u << 20);
    sx_err_clear(&e);
    assert_int_equal(mem_read(NULL, name, &text, &e), 0);
    if (pol_load(text.data, text.len, &mem_loader, &pol, &e) != 0)
        fail_msg("%s: %s: %s", name, e.field, e.detail);
    sx_buf_free(&text);
    return pol;
}

static void test_presets(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(preset_shapes) / sizeof(preset_shapes[0]); i++) {
        struct pol_policy *pol = load_preset(preset_shapes[i].preset);
        json_t *view;
        assert_string_equal(pol_name(pol), preset_shapes[i].preset);
        if (preset_shapes[i].extends == NULL)
            assert_null(pol_extends(pol));
        else
            assert_string_equal(pol_extends(pol), preset_shapes[i].extends);
        if (pol_rule_count(pol) != preset_shapes[i].rules ||
            pol_body_count(pol) != preset_shapes[i].bodies ||
            pol_material_count(pol) != preset_shapes[i].materials)
            fail_msg("%s: %zu rules, %zu bodies, %zu materials", pol_name(pol), pol_rule_count(pol),
                     pol_body_count(pol), pol_material_count(pol));
        /* every rule cites a provision id or the law */
        for (size_t j = 0; j < pol_rule_count(pol); j++) {
            const struct pol_rule *r = pol_rule_at(pol, j);
            if (strstr(r->source, "行政处罚法") == NULL && strstr(r->source, " (") == NULL)
                fail_msg("%s: rule %s source \"%s\" has no provision id", pol_name(pol), r->id,
                         r->source);
            assert_non_null(pol_body_find(pol, r->body));
        }
        /* the read-only view carries every rule with its source */
        view = pol_to_json(pol);
        assert_non_null(view);
        assert_int_equal(json_array_size(json_object_get(json_object_get(view, "review"), "rules")),
                         preset_shapes[i].rules);
        assert_string_equal(json_string_value(json_object_get(view, "amount_unit")), "yuan");
        json_decref(view);
        pol_free(pol);
    }
    for (size_t i = 0; i < sizeof(preset_deadlines) / sizeof(preset_deadlines[0]); i++) {
        struct pol_policy *pol = load_preset(preset_deadlines[i].preset);
        int days = 0;
        enum pol_unit unit = POL_UNIT_WD;
        const char *src = NULL;
        struct sx_err e;
        if (pol_deadline(pol, preset_deadlines[i].key, &days, &unit, &src, &e) != 0)
            fail_msg("%s %s: %s", preset_deadlines[i].preset, preset_deadlines[i].key, e.detail);
        if (days != preset_deadlines[i].days || unit != preset_deadlines[i].unit ||
            strstr(src, preset_deadlines[i].in_source) == NULL)
            fail_msg("%s %s: %d %d \"%s\"", preset_deadlines[i].preset, preset_deadlines[i].key,
                     days, unit, src);
        pol_free(pol);
    }
    /* Yunnan's materials: 第八条's five items with 第九条's seven explanation points */
    {
        struct pol_policy *pol = load_preset("yunnan");
        const struct pol_material *m = pol_material_at(pol, 0);
        assert_string_equal(m->id, "explanation");
        assert_int_equal(m->when, POL_WHEN_ALWAYS);
        assert_int_equal(m->n_points, 7);
        assert_non_null(strstr(m->points_source, "YN-3-09"));
        assert_string_equal(pol_material_at(pol, 4)->id, "hearing_transcript");
        assert_int_equal(pol_material_at(pol, 4)->when, POL_WHEN_HEARING);
        assert_int_equal(pol_material_at(pol, 5)->when, POL_WHEN_OPTIONAL);
        pol_free(pol);
    }
    /* Beijing's bodies outrank the inherited legal unit: municipal > corps > legal_unit */
    {
        struct pol_policy *pol = load_preset("beijing");
        assert_true(pol_body_find(pol, "municipal")->rank > pol_body_find(pol, "corps")->rank);
        assert_true(pol_body_find(pol, "corps")->rank > pol_body_find(pol, "legal_unit")->rank);
        pol_free(pol);
    }
}

static void test_vocab(void **state)
{
    (void)state;
    assert_int_equal(pol_vocab_count(POL_VOCAB_ACT), POL_ACT_COUNT);
    assert_int_equal(pol_vocab_count(POL_VOCAB_AMOUNT), POL_AMOUNT_COUNT);
    assert_string_equal(pol_vocab_key(POL_VOCAB_ACT, POL_ACT_CONFIRMATION), "confirmation");
    assert_int_equal(pol_vocab_find(POL_VOCAB_PARTY, "org"), POL_PARTY_ORG);
    assert_int_equal(pol_vocab_find(POL_VOCAB_CATEGORY, "nope"), -1);
    assert_true(pol_vocab_count(POL_VOCAB_CATEGORY) <= 31);
    assert_null(pol_vocab_key(POL_VOCAB_PROC, POL_PROC_COUNT));
    assert_non_null(pol_vocab_label(POL_VOCAB_CATEGORY, 0));
    assert_int_equal(pol_deadline_is_minimum("hearing_request"), 1);
    assert_int_equal(pol_deadline_is_minimum("review_submit_before_deadline"), 1);
    assert_int_equal(pol_deadline_is_minimum("legal_review"), 0);
    assert_int_equal(pol_deadline_is_minimum("nope"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base_parses),     cmocka_unit_test(test_bad_rows),
        cmocka_unit_test(test_syntax_rows),     cmocka_unit_test(test_national),
        cmocka_unit_test(test_extends_rows),    cmocka_unit_test(test_extends_merge),
        cmocka_unit_test(test_review_bad_rows), cmocka_unit_test(test_check_lines),
        cmocka_unit_test(test_presets),         cmocka_unit_test(test_vocab),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
