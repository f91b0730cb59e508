/*
 * Unit tests for src/core/tpl: loading document templates (every malformed
 * or unknown placeholder refused with its line, issue 5 point 4: "a template
 * referring to a missing field is an error at load time"), filling them
 * (sections, inverted sections, formatting by catalogue type, missing
 * records), and every template shipped in data/templates/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"
#include "core/tpl.h"
#include "sx_arena.h"
#include "sx_err.h"

static const char *root_dir(void)
{
    const char *r = getenv("SANXIANG_ROOT");
    return r != NULL && r[0] != '\0' ? r : ".";
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    long n = -1;
    if (f == NULL)
        fail_msg("cannot open %s", path);
    if (fseek(f, 0, SEEK_END) == 0)
        n = ftell(f);
    if (n < 0 || fseek(f, 0, SEEK_SET) != 0)
        fail_msg("cannot size %s", path);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    if (fread(buf, 1, (size_t)n, f) != (size_t)n)
        fail_msg("cannot read %s", path);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static int setup(void **state)
{
    char path[512];
    size_t len;
    snprintf(path, sizeof(path), "%s/data/records/catalog.json", root_dir());
    char *text = read_all(path, &len);
    struct cat_catalog *cat = NULL;
    struct sx_err err;
    sx_err_clear(&err);
    if (cat_load(text, len, &cat, &err) != 0)
        fail_msg("catalog.json: %s", err.detail);
    free(text);
    *state = cat;
    return 0;
}

static int teardown(void **state)
{
    cat_free(*state);
    return 0;
}

#define HDR "title: 测试文书\n---\n"

/* ---- loading: one row per case, with the line the error must name ---- */

static const struct {
    const char *text;
    int rc;
    const char *field; /* "t:LINE" expected in err.field, or NULL */
    const char *detail_has;
    const char *why;
} load_rows[] = {
    {HDR "= {{doc.title}}\n~ {{doc.number}}\n{{case.number}} {{party.name}}\n", 0, NULL, NULL,
     "doc, case and party fields"},
    {HDR "{{record.inquiry_transcript.content}}\n", 0, NULL, NULL, "a catalogue field"},
    {HDR "{{record.inquiry_transcript.remark}}\n", 0, NULL, NULL, "a common field"},
    {HDR "{{#records.inquiry_transcript}}\n{{place}} {{at}} {{officers}}\n{{/records.inquiry_"
         "transcript}}\n",
     0, NULL, NULL, "a section over records, names from the record"},
    {HDR "{{#parties}}{{name}}、{{/parties}}\n", 0, NULL, NULL, "inline section"},
    {HDR "{{^parties}}无{{/parties}}\n", 0, NULL, NULL, "inverted section"},
    {HDR "{{#record.decision}}{{case.number}}{{/record.decision}}\n", 0, NULL, NULL,
     "outer names stay visible inside a section"},
    {HDR "{{#record.onsite_inspection_transcript.present_persons}}{{.}}{{/record.onsite_"
         "inspection_transcript.present_persons}}\n",
     0, NULL, NULL, "{{.}} in a string list"},
    {HDR "{{#record.decision.officers}}x{{/record.decision.officers}}\n", SX_E_INVALID, "t:3",
     "officers", "decision has no officers field"},
    {HDR "line one\n{{record.inquiry_transcript.contnet}}\n", SX_E_INVALID, "t:4", "contnet",
     "typo in a field: error names line 4"},
    {HDR "{{party.nmae}}\n", SX_E_INVALID, "t:3", "nmae", "unknown party field"},
    {HDR "{{record.no_such_type.x}}\n", SX_E_INVALID, "t:3", "no_such_type", "unknown record type"},
    {HDR "{{foo}}\n", SX_E_INVALID, "t:3", "foo", "unknown root name"},
    {HDR "{{parties}}\n", SX_E_INVALID, "t:3", "不能直接打印", "a list of objects cannot print"},
    {HDR "{{record.decision}}\n", SX_E_INVALID, "t:3", "不能直接打印", "an object cannot print"},
    {HDR "{{case.number\n", SX_E_INVALID, "t:3", "闭合", "unclosed tag"},
    {HDR "{{}}\n", SX_E_INVALID, "t:3", "为空", "empty tag"},
    {HDR "{{Case.Number}}\n", SX_E_INVALID, "t:3", "有效的名称", "upper case"},
    {HDR "{{case.}}\n", SX_E_INVALID, "t:3", NULL, "trailing dot"},
    {HDR "{{&case.number}}\n", SX_E_INVALID, "t:3", NULL, "no other mustache sigils"},
    {HDR "{{#parties}}\n{{name}}\n", SX_E_INVALID, "t:3", "没有结束标记", "unclosed section"},
    {HDR "{{/parties}}\n", SX_E_INVALID, "t:3", "没有对应", "close without open"},
    {HDR "{{#parties}}{{/officers}}\n", SX_E_INVALID, "t:3", "不匹配", "mismatched close"},
    {HDR "a {{#parties}}{{name}}\n{{/parties}}\n", SX_E_INVALID, "t:3", "同一行",
     "inline section across lines"},
    {HDR "{{.}}\n", SX_E_INVALID, "t:3", NULL, "{{.}} outside a list"},
    {"title: x\nnumber: 罚\nkinds: penalty, inspection\nneeds: decision\n---\nx\n", 0, NULL, NULL,
     "every header"},
    {"title: x\nnumber_from: legal_review_opinion.opinion_no\n---\nx\n", 0, NULL, NULL,
     "number taken from a record"},
    {"title: x\nnumber_from: legal_review_opinoin.opinion_no\n---\nx\n", SX_E_INVALID, "t:2",
     "legal_review_opinoin", "number_from names an unknown record type"},
    {"title: x\nnumber: 法审\nnumber_from: legal_review_opinion.opinion_no\n---\nx\n", SX_E_INVALID,
     NULL, "只能有一个", "number and number_from together"},
    {"title: x\ncolour: red\n---\nx\n", SX_E_INVALID, "t:2", "colour", "unknown header"},
    {"title: x\nneeds: decisoin\n---\nx\n", SX_E_INVALID, "t:2", "decisoin",
     "unknown record type in needs"},
    {"title: x\nkinds: parking\n---\nx\n", SX_E_INVALID, "t:2", "parking", "unknown kind"},
    {"number: 罚\n---\nx\n", SX_E_INVALID, NULL, "title", "title missing"},
    {"title: x\nx\n", SX_E_INVALID, NULL, "---", "no separator"},
    {"title: x\n---\n=\n", SX_E_INVALID, "t:3", NULL, "style mark without text"},
};

static void test_load_table(void **state)
{
    const struct cat_catalog *cat = *state;
    for (size_t i = 0; i < sizeof(load_rows) / sizeof(load_rows[0]); i++) {
        struct tpl_template *t = NULL;
        struct sx_err e;
        sx_err_clear(&e);
        int rc = tpl_load(cat, "t", load_rows[i].text, strlen(load_rows[i].text), &t, &e);
        if (rc != load_rows[i].rc)
            fail_msg("row %zu (%s): rc %d want %d: %s", i, load_rows[i].why, rc, load_rows[i].rc,
                     e.detail);
        if (rc != 0) {
            assert_null(t);
            assert_string_equal(e.type, "template-invalid");
            if (load_rows[i].field != NULL && strcmp(e.field, load_rows[i].field) != 0)
                fail_msg("row %zu (%s): field %s want %s (%s)", i, load_rows[i].why, e.field,
                         load_rows[i].field, e.detail);
            if (load_rows[i].detail_has != NULL &&
                strstr(e.detail, load_rows[i].detail_has) == NULL)
                fail_msg("row %zu (%s): detail %s lacks %s", i, load_rows[i].why, e.detail,
                         load_rows[i].detail_has);
        }
        tpl_free(t);
    }
}

static void test_bad_key(void **state)
{
    struct tpl_template *t = NULL;
    struct sx_err e;
    sx_err_clear(&e);
    assert_int_equal(tpl_load(*state, "../evil", HDR "x\n", strlen(HDR "x\n"), &t, &e),
                     SX_E_INVALID);
    assert_null(t);
}

/* ---- filling ---- */

static const char *model_text =
    "{\"doc\": {\"title\": \"询问笔录\", \"number\": \"滇医保询〔2026〕7号\", \"date\": "
    "\"2026-11-29\", \"date_zh\": \"2026-11-29\"},"
    " \"org\": {\"name\": \"昆明市医疗保障局\"},"
    " \"case\": {\"number\": \"昆医保罚〔2026〕1号\", \"fine_fen\": 123450},"
    " \"party\": {\"name\": \"某医院\"},"
    " \"parties\": [{\"name\": \"甲\"}, {\"name\": \"乙\"}],"
    " \"officers\": [],"
    " \"record\": {\"inquiry_transcript\": {\"place\": \"会议室\", \"started_at\": "
    "\"2026-11-03T01:05:00Z\", \"interviewee_role\": \"legal_rep\", \"party_signed\": true,"
    " \"officers\": [{\"display_name\": \"张三\"}, {\"display_name\": \"李四\"}], \"content\": "
    "\"问：你好\\n答：好\"}},"
    " \"records\": {\"inquiry_transcript\": [{\"place\": \"A\", \"seq\": 3}, {\"place\": \"B\", "
    "\"seq\": 5}]}}";

static const struct {
    const char *body;
    const char *want; /* blocks joined as "STYLE:text|" */
    int rc;
    const char *why;
} fill_rows[] = {
    {"= {{doc.title}}\n~ {{doc.number}}\n", "1:询问笔录|2:滇医保询〔2026〕7号|", 0,
     "title and number lines"},
    {"{{doc.date_zh}} {{doc.date}}\n", "0:二〇二六年十一月二十九日 2026年11月29日|", 0,
     "dates in Chinese numerals and digits"},
    {"{{record.inquiry_transcript.started_at}}\n", "0:2026年11月3日9时05分|", 0,
     "datetime in UTC+8"},
    {"{{record.inquiry_transcript.interviewee_role}}\n", "0:法定代表人|", 0, "enum label"},
    {"{{record.inquiry_transcript.party_signed}}\n", "0:是|", 0, "bool"},
    {"{{record.inquiry_transcript.officers}}\n", "0:张三、李四|", 0, "user names joined"},
    {"{{case.fine_fen}}元\n", "0:1234.50元|", 0, "money in yuan"},
    {"| {{#parties}}{{name}}；{{/parties}}\n", "4:甲；乙；|", 0, "inline repeat"},
    {"{{#records.inquiry_transcript}}\n> {{place}}{{seq}}\n{{/records.inquiry_transcript}}\n",
     "3:A3|3:B5|", 0, "block repeat, one block per record"},
    {"* {{^officers}}无{{/officers}}\n", "5:无|", 0, "inverted section on empty list"},
    {"{{#officers}}x{{/officers}}y\n", "0:y|", 0, "section on empty list omitted"},
    {"{{record.inquiry_transcript.content}}\n", "0:问：你好\n答：好|", 0,
     "text keeps its line breaks inside one block"},
    {"a\n\nb\n\n\n", "0:a|6:|0:b|", 0, "blank lines, trailing ones dropped"},
    {"\\= x\n", "0:= x|", 0, "escaped style mark"},
    {"{{record.inquiry_transcript.interviewee_id_no}}|\n", "0:||", 0,
     "absent optional field prints nothing"},
    {"{{record.decision.decision_no}}\n", NULL, SX_E_INVALID,
     "a record not yet made is an error, not a blank"},
    {"{{#record.decision}}{{decision_no}}{{/record.decision}}ok\n", "0:ok|", 0,
     "a guarded section over an absent record is omitted"},
};

static void test_fill_table(void **state)
{
    const struct cat_catalog *cat = *state;
    json_error_t jerr;
    json_t *model = json_loads(model_text, 0, &jerr);
    if (model == NULL)
        fail_msg("model: %s", jerr.text);
    for (size_t i = 0; i < sizeof(fill_rows) / sizeof(fill_rows[0]); i++) {
        char text[2048];
        struct tpl_template *t = NULL;
        struct tpl_doc doc;
        struct sx_err e;
        struct sx_arena arena;
        sx_arena_init(&arena, 4096);
        sx_err_clear(&e);
        snprintf(text, sizeof(text), HDR "%s", fill_rows[i].body);
        if (tpl_load(cat, "t", text, strlen(text), &t, &e) != 0)
            fail_msg("row %zu (%s): load: %s", i, fill_rows[i].why, e.detail);
        int rc = tpl_fill(t, model, &arena, &doc, &e);
        if (rc != fill_rows[i].rc)
            fail_msg("row %zu (%s): rc %d want %d: %s", i, fill_rows[i].why, rc, fill_rows[i].rc,
                     e.detail);
        if (rc == 0) {
            char got[2048] = "";
            for (size_t b = 0; b < doc.n; b++) {
                size_t used = strlen(got);
                snprintf(got + used, sizeof(got) - used, "%d:%s|", (int)doc.blocks[b].style,
                         doc.blocks[b].text);
            }
            if (strcmp(got, fill_rows[i].want) != 0)
                fail_msg("row %zu (%s): got [%s] want [%s]", i, fill_rows[i].why, got,
                         fill_rows[i].want);
        } else {
            assert_string_equal(e.type, "document-data-missing");
            assert_non_null(strstr(e.detail, "record.decision.decision_no"));
        }
        tpl_free(t);
        sx_arena_free(&arena);
    }
    json_decref(model);
}

static void test_format_date(void **state)
{
    (void)state;
    static const struct {
        const char *in, *zh, *num;
    } rows[] = {
        {"2026-01-01", "二〇二六年一月一日", "2026年1月1日"},
        {"2026-10-10", "二〇二六年十月十日", "2026年10月10日"},
        {"2026-12-31", "二〇二六年十二月三十一日", "2026年12月31日"},
        {"2026-11-20", "二〇二六年十一月二十日", "2026年11月20日"},
    };
    char out[64];
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        assert_string_equal(tpl_format_date(rows[i].in, 1, out, sizeof(out)), rows[i].zh);
        assert_string_equal(tpl_format_date(rows[i].in, 0, out, sizeof(out)), rows[i].num);
    }
    assert_null(tpl_format_date("2026-13-01", 1, out, sizeof(out)));
    assert_null(tpl_format_date("26-1-1", 0, out, sizeof(out)));
}

/* A value for field f as a record body would hold it (user ids as the app expands them). */
static json_t *sample(const struct cat_field *f)
{
    switch (f->type) {
    case CAT_F_DATE:
        return json_string("2026-11-03");
    case CAT_F_DATETIME:
        return json_string("2026-11-03T01:00:00Z");
    case CAT_F_INT:
    case CAT_F_RECORD_REF:
        return json_integer(3);
    case CAT_F_MONEY_FEN:
        return json_integer(123456);
    case CAT_F_BOOL:
        return json_true();
    case CAT_F_ENUM:
        return json_string(f->values[0].value);
    case CAT_F_USER_IDS:
        return json_pack("[{ss ss}]", "display_name", "张三", "cert_no", "53010001");
    case CAT_F_STRING_LIST:
        return json_pack("[ss]", "甲", "乙");
    case CAT_F_OBJECT: {
        json_t *o = json_object();
        for (size_t i = 0; i < f->n_fields; i++)
            json_object_set_new(o, f->fields[i].name, sample(&f->fields[i]));
        return o;
    }
    default:
        return json_string(f->label_zh);
    }
}

/* A case with one record of every catalogue type, every field set. */
static json_t *full_model(const struct cat_catalog *cat)
{
    json_t *record = json_object();
    json_t *records = json_object();
    for (size_t i = 0; i < cat_type_count(cat); i++) {
        const struct cat_type *t = cat_type_at(cat, i);
        json_t *body = json_object();
        for (size_t k = 0; k < t->n_fields; k++)
            json_object_set_new(body, t->fields[k].name, sample(&t->fields[k]));
        json_object_set_new(body, "at", json_string("2026-11-03T01:00:00Z"));
        json_object_set_new(body, "seq", json_integer((json_int_t)i + 2));
        json_object_set_new(body, "opinion_no", json_string("昆医保法审〔2026〕1号"));
        json_object_set_new(records, t->key, json_pack("[O]", body));
        json_object_set_new(record, t->key, body);
    }
    return json_pack("{s{ss ss ss ss} s{ss ss} s{ss ss ss} s{ss} s[{ss}] s[{ss ss}] so so}", "doc",
                     "title", "文书", "number", "昆医保罚决〔2026〕1号", "date", "2026-11-29",
                     "date_zh", "2026-11-29", "org", "name", "昆明市医疗保障局", "short_name", "昆",
                     "case", "number", "昆医保罚〔2026〕1号", "cause", "虚构医疗服务", "created_on",
                     "2026-11-01", "party", "name", "某医院", "parties", "name", "某医院",
                     "officers", "display_name", "张三", "cert_no", "53010001", "record", record,
                     "records", records);
}

/* Every shipped template loads; the brief's fifteen forms are all there. */
static void test_shipped_templates(void **state)
{
    static const char *const required[] = {
        "filing_approval",     "non_filing_notice",    "inquiry_transcript",
        "onsite_inspection",   "preservation_notice",  "order_correct_notice",
        "prior_notice",        "hearing_notice",       "hearing_transcript",
        "major_decision_note", "legal_review_opinion", "collective_discussion",
        "penalty_decision",    "service_receipt",      "closure_approval",
    };
    char dir[512];
    snprintf(dir, sizeof(dir), "%s/data/templates", root_dir());
    size_t found = 0;
    for (size_t r = 0; r < sizeof(required) / sizeof(required[0]); r++) {
        char path[700];
        size_t len;
        struct tpl_template *t = NULL;
        struct sx_err e;
        sx_err_clear(&e);
        snprintf(path, sizeof(path), "%s/%s.tpl", dir, required[r]);
        char *text = read_all(path, &len);
        if (tpl_load(*state, required[r], text, len, &t, &e) != 0)
            fail_msg("%s: %s", path, e.detail);
        assert_non_null(tpl_info(t)->title);
        /* and fills from a case that has every record: no path runs into nothing */
        json_t *m = full_model(*state);
        struct sx_arena arena;
        struct tpl_doc doc;
        sx_arena_init(&arena, 16384);
        if (tpl_fill(t, m, &arena, &doc, &e) != 0)
            fail_msg("%s: fill: %s", required[r], e.detail);
        size_t chars = 0;
        for (size_t b = 0; b < doc.n; b++)
            chars += strlen(doc.blocks[b].text);
        if (doc.n < 5 || chars < 100 || doc.blocks[0].style != TPL_TITLE)
            fail_msg("%s: %zu blocks, %zu bytes, first style %d", required[r], doc.n, chars,
                     (int)doc.blocks[0].style);
        sx_arena_free(&arena);
        json_decref(m);
        tpl_free(t);
        free(text);
        found++;
    }
    assert_int_equal(found, 15);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_table),        cmocka_unit_test(test_bad_key),
        cmocka_unit_test(test_fill_table),        cmocka_unit_test(test_format_date),
        cmocka_unit_test(test_shipped_templates),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
