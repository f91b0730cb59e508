/*
 * Unit tests for src/core/scope: the legal-review scope of every shipped
 * preset at each threshold edge of the seeds, the routing to the reviewing
 * body, a county extension, and the case reader's refusals. Each row names
 * the provision it checks (PROVISIONS.md ids); thresholds were read in the
 * seed texts: 以上 includes the amount, 超过 and （不含） exclude it.
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

#include "core/policy.h"
#include "core/scope.h"
#include "sx_buf.h"
#include "sx_err.h"

/* ---- loading presets from ROOT/policy, plus in-memory county files ---- */

static const char xicheng_text[] =
    "{\"name\": {\"value\": \"beijing-xicheng\", \"source\": \"区局文件\"},\n"
    " \"title\": {\"value\": \"西城区（测试）\", \"source\": \"区局文件\"},\n"
    " \"extends\": {\"value\": \"beijing\", \"source\": \"北京 二(三)2 末段 (BJ-2.3-2c)\"},\n"
    " \"review\": {\n"
    "  \"bodies\": {\"district\": {\"label\": \"区局法制机构\", \"rank\": 15, \"source\": "
    "\"s\"}},\n"
    "  \"rules\": {\"xc-fine-person\": {\"label\": \"对公民罚款5000元以上\", \"body\": "
    "\"district\",\n"
    "    \"source\": \"区局文件 (BJ-2.3-2c)\",\n"
    "    \"when\": {\"kind\": [\"penalty\"], \"party_type\": [\"person\"],\n"
    "             \"amount\": {\"of\": [\"fine\"], \"gte\": 5000}}}}}}\n";

/* Hubei leaves 数额较大 to each unit (HB-3-10): a city sets it by adding a rule. */
static const char hubei_city_text[] =
    "{\"name\": {\"value\": \"hubei-city\", \"source\": \"市局法制审核目录清单\"},\n"
    " \"title\": {\"value\": \"某市（测试）\", \"source\": \"s\"},\n"
    " \"extends\": {\"value\": \"hubei\", \"source\": \"湖北 附件3 第十条 (HB-3-10)\"},\n"
    " \"review\": {\"rules\": {\"city-fund\": {\"label\": \"追回或拒付单笔10万元以上\",\n"
    "    \"body\": \"legal_unit\", \"source\": \"市局目录 (HB-3-09)\",\n"
    "    \"when\": {\"amount\": {\"of\": [\"fund_recovery\", \"payment_refusal\"], \"gte\": "
    "100000}}}}}}\n";

static int read_policy(void *ctx, const char *name, struct sx_buf *out, struct sx_err *err)
{
    char path[1024];
    const char *root = getenv("SANXIANG_ROOT");
    char chunk[4096];
    size_t n;
    FILE *f;
    (void)ctx;
    if (strcmp(name, "beijing-xicheng") == 0)
        return sx_buf_puts(out, xicheng_text);
    if (strcmp(name, "hubei-city") == 0)
        return sx_buf_puts(out, hubei_city_text);
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

static const struct pol_loader loader = {read_policy, NULL};

static struct pol_policy *load(const char *name)
{
    struct sx_buf text;
    struct pol_policy *pol = NULL;
    struct sx_err e;
    sx_buf_init(&text, 4u << 20);
    sx_err_clear(&e);
    assert_int_equal(read_policy(NULL, name, &text, &e), 0);
    if (pol_load(text.data, text.len, &loader, &pol, &e) != 0)
        fail_msg("%s: %s: %s", name, e.field, e.detail);
    sx_buf_free(&text);
    return pol;
}

/* ---- the table ---- */

#define PEN_P "\"kind\":\"penalty\",\"party_type\":\"person\""
#define PEN_O "\"kind\":\"penalty\",\"party_type\":\"org\""

static const struct {
    const char *preset;
    const char *case_json;
    int required;
    const char *body;  /* NULL: null */
    const char *rules; /* matched rule ids, space-separated, in policy order */
    const char *why;
} rows[] = {
    /* 云南 附件3 第六条第一项 (YN-3-06): 公民 5000 元以上, 法人 10 万元以上, 没收同 */
    {"yunnan", "{" PEN_P ",\"fine\":4999}", 0, NULL, "", "YN-3-06 person 4,999"},
    {"yunnan", "{" PEN_P ",\"fine\":4999.99}", 0, NULL, "", "YN-3-06 person 4,999.99"},
    {"yunnan", "{" PEN_P ",\"fine\":5000}", 1, "legal_unit", "yn-fine-person",
     "YN-3-06 person 5,000 (以上 includes it)"},
    {"yunnan", "{" PEN_O ",\"fine\":5000}", 0, NULL, "", "YN-3-06 org 5,000"},
    {"yunnan", "{" PEN_O ",\"fine\":99999}", 0, NULL, "", "YN-3-06 org 99,999"},
    {"yunnan", "{" PEN_O ",\"fine\":100000}", 1, "legal_unit", "yn-fine-org",
     "YN-3-06 org 100,000"},
    {"yunnan", "{" PEN_P ",\"confiscation\":4999}", 0, NULL, "", "YN-3-06 confiscation 4,999"},
    {"yunnan", "{" PEN_P ",\"confiscation\":5000}", 1, "legal_unit", "yn-confiscation-person",
     "YN-3-06 confiscation person 5,000"},
    {"yunnan", "{" PEN_O ",\"confiscation\":99999}", 0, NULL, "",
     "YN-3-06 confiscation org 99,999"},
    {"yunnan", "{" PEN_O ",\"confiscation\":100000}", 1, "legal_unit", "yn-confiscation-org",
     "YN-3-06 confiscation org 100,000"},
    {"yunnan", "{" PEN_P ",\"fine\":4000,\"confiscation\":4000}", 0, NULL, "",
     "YN-3-06 fine and confiscation are not added up"},
    {"yunnan", "{\"kind\":\"inspection\",\"party_type\":\"org\",\"categories\":[\"social_risk\"]}",
     1, "legal_unit", "yn-public-interest", "YN-3-06(二) social risk, any kind"},
    {"yunnan", "{\"kind\":\"payment\",\"party_type\":\"person\",\"categories\":[\"other_major\"]}",
     1, "legal_unit", "yn-other", "YN-3-06(三) other"},
    {"yunnan", "{" PEN_P ",\"categories\":[\"complex\"]}", 1, "legal_unit", "national-complex",
     "inherited: 行政处罚法 第五十八条 complex"},
    {"yunnan", "{" PEN_P ",\"fine\":200,\"procedure\":\"simple\"}", 0, NULL, "",
     "simple procedure, small fine"},
    /* 北京 二(三)2 (BJ-2.3-2a/b): two tiers, only after a hearing */
    {"beijing", "{" PEN_P ",\"fine\":9999,\"hearing\":true}", 0, NULL, "",
     "BJ-2.3-2b person 9,999 heard"},
    {"beijing", "{" PEN_P ",\"fine\":10000,\"hearing\":true}", 1, "corps", "bj-fine-person-corps",
     "BJ-2.3-2b person 10,000 heard"},
    {"beijing", "{" PEN_P ",\"fine\":99999,\"hearing\":true}", 1, "corps", "bj-fine-person-corps",
     "BJ-2.3-2b person 99,999 heard"},
    {"beijing", "{" PEN_P ",\"fine\":99999.99,\"hearing\":true}", 1, "corps",
     "bj-fine-person-corps", "BJ-2.3-2b 10 万元（不含）以下"},
    {"beijing", "{" PEN_P ",\"fine\":100000,\"hearing\":true}", 1, "municipal",
     "bj-fine-person-municipal", "BJ-2.3-2a person 100,000 heard"},
    {"beijing", "{" PEN_P ",\"fine\":9999}", 0, NULL, "", "BJ person 9,999 not heard"},
    {"beijing", "{" PEN_P ",\"fine\":10000}", 0, NULL, "", "BJ person 10,000 not heard"},
    {"beijing", "{" PEN_P ",\"fine\":99999}", 0, NULL, "", "BJ person 99,999 not heard"},
    {"beijing", "{" PEN_P ",\"fine\":100000}", 0, NULL, "", "BJ person 100,000 not heard"},
    {"beijing", "{" PEN_O ",\"fine\":99999,\"hearing\":true}", 0, NULL, "", "BJ org 99,999 heard"},
    {"beijing", "{" PEN_O ",\"fine\":100000,\"hearing\":true}", 1, "corps", "bj-fine-org-corps",
     "BJ-2.3-2b org 100,000 heard"},
    {"beijing", "{" PEN_O ",\"fine\":1999999,\"hearing\":true}", 1, "corps", "bj-fine-org-corps",
     "BJ-2.3-2b org 1,999,999 heard"},
    {"beijing", "{" PEN_O ",\"fine\":2000000,\"hearing\":true}", 1, "municipal",
     "bj-fine-org-municipal", "BJ-2.3-2a org 2,000,000 heard"},
    {"beijing", "{" PEN_O ",\"fine\":2000000}", 0, NULL, "", "BJ org 2,000,000 not heard"},
    {"beijing", "{" PEN_O ",\"fund_recovery\":40000}", 0, NULL, "",
     "BJ-2.3-2a(4) 40,000 per item (超过 excludes it)"},
    {"beijing", "{" PEN_O ",\"fund_recovery\":40000.01}", 1, "municipal", "bj-fund",
     "BJ-2.3-2a(4) 40,000.01"},
    {"beijing", "{" PEN_O ",\"fund_recovery\":40001}", 1, "municipal", "bj-fund",
     "BJ-2.3-2a(4) fund recovery 40,001"},
    {"beijing", "{\"kind\":\"coercion\",\"party_type\":\"org\",\"payment_refusal\":40001}", 1,
     "municipal", "bj-fund", "BJ-2.3-2a(4) refusal 40,001"},
    {"beijing", "{" PEN_O ",\"categories\":[\"criminal_referral\"]}", 1, "municipal", "bj-referral",
     "BJ-2.3-2a(1) criminal referral"},
    {"beijing", "{" PEN_P ",\"categories\":[\"supervisory_referral\"]}", 1, "municipal",
     "bj-referral", "BJ-2.3-2a(1) supervisory referral"},
    {"beijing",
     "{\"kind\":\"coercion\",\"party_type\":\"org\",\"categories\":[\"agreement_"
     "termination\"]}",
     1, "municipal", "bj-agreement-termination", "BJ-2.3-2a(2)"},
    {"beijing",
     "{\"kind\":\"coercion\",\"party_type\":\"org\",\"categories\":[\"late_fee_"
     "enforcement\"]}",
     1, "municipal", "bj-late-fee", "BJ-2.3-2a(5)"},
    {"beijing", "{" PEN_O ",\"categories\":[\"court_enforcement\"]}", 1, "municipal",
     "bj-court-enforcement", "BJ-2.3-2a(6)"},
    {"beijing", "{\"kind\":\"inspection\",\"party_type\":\"org\",\"categories\":[\"complex\"]}", 1,
     "municipal", "bj-complex", "BJ-2.3-2a(7) on an inspection: no national rule"},
    {"beijing", "{" PEN_O ",\"categories\":[\"complex\"]}", 1, "municipal",
     "national-complex bj-complex", "municipal outranks the inherited legal unit"},
    {"beijing", "{" PEN_O ",\"categories\":[\"social_risk\"]}", 1, "municipal", "bj-social-risk",
     "BJ-2.3-2a(8)"},
    {"beijing",
     "{" PEN_P ",\"fine\":50000,\"hearing\":true,\"categories\":[\"agreement_"
     "termination\"]}",
     1, "municipal", "bj-agreement-termination bj-fine-person-corps",
     "corps and municipal rules together: municipal reviews"},
    {"beijing", "{" PEN_P ",\"fine\":5000,\"hearing\":true,\"categories\":[\"major_rights\"]}", 1,
     "legal_unit", "national-major-rights-hearing", "行政处罚法 第五十八条第二项 under Beijing"},
    /* 河北 四(二) (HE-4.2): every general-procedure penalty */
    {"hebei", "{" PEN_P "}", 1, "legal_unit", "he-general-penalty",
     "HE-4.2 general penalty, no fine"},
    {"hebei", "{" PEN_O ",\"fine\":3000,\"procedure\":\"simple\"}", 0, NULL, "",
     "HE-4.2 simple procedure not"},
    {"hebei", "{\"kind\":\"coercion\",\"party_type\":\"org\"}", 0, NULL, "",
     "HE-4.2 coercion without a category"},
    {"hebei",
     "{\"kind\":\"inspection\",\"party_type\":\"org\",\"categories\":[\"public_"
     "interest\"]}",
     1, "legal_unit", "he-public-interest", "HE-4.2 public interest"},
    {"hebei",
     "{\"kind\":\"coercion\",\"party_type\":\"org\",\"hearing\":true,\"categories\":["
     "\"major_rights\"]}",
     1, "legal_unit", "he-major-rights-hearing", "HE-4.2 major rights after a hearing"},
    {"hebei", "{" PEN_O ",\"categories\":[\"complex\"]}", 1, "legal_unit",
     "national-complex he-general-penalty he-complex", "HE-4.2 + national, in policy order"},
    /* 湖北 附件3 第九条 (HB-3-09): categories */
    {"hubei", "{" PEN_O ",\"fund_recovery\":1000000000}", 0, NULL, "",
     "HB-3-09(一) gives no amount: 数额较大 is the unit's call"},
    {"hubei", "{" PEN_O ",\"fund_recovery\":1000,\"categories\":[\"large_fund_amount\"]}", 1,
     "legal_unit", "hb-large-fund", "HB-3-09(一)"},
    {"hubei",
     "{\"kind\":\"coercion\",\"party_type\":\"org\",\"categories\":[\"agreement_"
     "termination\"]}",
     1, "legal_unit", "hb-agreement-termination", "HB-3-09(二)"},
    {"hubei", "{\"kind\":\"coercion\",\"party_type\":\"org\",\"hearing\":true}", 0, NULL, "",
     "HB-3-09(三) hearing alone"},
    {"hubei", "{\"kind\":\"coercion\",\"party_type\":\"org\",\"categories\":[\"major_rights\"]}", 0,
     NULL, "", "HB-3-09(三) major rights alone"},
    {"hubei",
     "{\"kind\":\"coercion\",\"party_type\":\"org\",\"hearing\":true,\"categories\":["
     "\"major_rights\"]}",
     1, "legal_unit", "hb-major-rights-hearing", "HB-3-09(三) both"},
    {"hubei", "{" PEN_P ",\"hearing\":true,\"categories\":[\"major_rights\"]}", 1, "legal_unit",
     "national-major-rights-hearing hb-major-rights-hearing", "HB-3-09(三) + 第五十八条"},
    {"hubei", "{" PEN_O ",\"categories\":[\"court_enforcement\"]}", 1, "legal_unit",
     "hb-court-enforcement", "HB-3-09(四)"},
    {"hubei", "{" PEN_O ",\"categories\":[\"criminal_referral\"]}", 1, "legal_unit",
     "hb-criminal-referral", "HB-3-09(五)"},
    {"hubei", "{" PEN_O ",\"categories\":[\"supervisory_referral\"]}", 0, NULL, "",
     "HB-3-09 lists no supervisory referral"},
    {"hubei", "{\"kind\":\"inspection\",\"party_type\":\"org\",\"categories\":[\"complex\"]}", 1,
     "legal_unit", "hb-complex", "HB-3-09(六)"},
    {"hubei",
     "{\"kind\":\"confirmation\",\"party_type\":\"person\",\"categories\":[\"public_"
     "interest\"]}",
     1, "legal_unit", "hb-public-interest", "HB-3-09(七) public interest"},
    {"hubei",
     "{\"kind\":\"confirmation\",\"party_type\":\"person\",\"categories\":[\"social_"
     "risk\"]}",
     1, "legal_unit", "hb-public-interest", "HB-3-09(七) social risk"},
    {"hubei", "{\"kind\":\"payment\",\"party_type\":\"person\",\"categories\":[\"other_major\"]}",
     1, "legal_unit", "hb-other", "HB-3-09(八)"},
    {"hubei", "{" PEN_P ",\"fine\":100000}", 0, NULL, "", "Hubei has no fine threshold"},
    /* national: 行政处罚法 第五十八条, general-procedure penalties only */
    {"national", "{" PEN_O ",\"fine\":10000000}", 0, NULL, "", "no amount rule in the law"},
    {"national", "{" PEN_O ",\"categories\":[\"public_interest\"]}", 1, "legal_unit",
     "national-public-interest", "第五十八条第一款第一项"},
    {"national", "{" PEN_O ",\"hearing\":true,\"categories\":[\"major_rights\"]}", 1, "legal_unit",
     "national-major-rights-hearing", "第五十八条第一款第二项"},
    {"national", "{" PEN_O ",\"hearing\":true}", 0, NULL, "", "第二项 needs major rights too"},
    {"national", "{" PEN_O ",\"categories\":[\"complex\"]}", 1, "legal_unit", "national-complex",
     "第五十八条第一款第三项"},
    {"national", "{" PEN_O ",\"categories\":[\"other_major\"]}", 1, "legal_unit", "national-other",
     "第五十八条第一款第四项"},
    {"national", "{" PEN_O ",\"procedure\":\"simple\",\"categories\":[\"complex\"]}", 0, NULL, "",
     "第五十八条 is in 普通程序"},
    {"national", "{\"kind\":\"coercion\",\"party_type\":\"org\",\"categories\":[\"complex\"]}", 0,
     NULL, "", "第五十八条 covers penalties"},
    {"national", "{" PEN_O ",\"categories\":[\"social_risk\"]}", 0, NULL, "",
     "social risk is a provincial addition"},
    {"shandong-wenshang", "{" PEN_O ",\"categories\":[\"complex\"]}", 1, "legal_unit",
     "national-complex", "Wenshang: national scope (DESIGN §4)"},
    {"shandong-wenshang", "{" PEN_P ",\"fine\":50000,\"hearing\":true}", 0, NULL, "",
     "Wenshang: no amount rule"},
    /* a district extends Beijing (BJ-2.3-2c): its rule adds, the municipal tiers still route */
    {"beijing-xicheng", "{" PEN_P ",\"fine\":4999}", 0, NULL, "", "district rule below 5,000"},
    {"beijing-xicheng", "{" PEN_P ",\"fine\":5000}", 1, "district", "xc-fine-person",
     "district rule at 5,000"},
    {"beijing-xicheng", "{" PEN_P ",\"fine\":50000,\"hearing\":true}", 1, "corps",
     "bj-fine-person-corps xc-fine-person", "corps outranks the district"},
    {"beijing-xicheng", "{" PEN_O ",\"fund_recovery\":50000}", 1, "municipal", "bj-fund",
     "inherited rule still applies"},
    /* a Hubei city sets 数额较大 by adding an amount rule (HB-3-10) */
    {"hubei-city", "{" PEN_O ",\"fund_recovery\":99999}", 0, NULL, "", "city threshold - 1"},
    {"hubei-city", "{" PEN_O ",\"payment_refusal\":100000}", 1, "legal_unit", "city-fund",
     "city threshold"},
};

static void ids_of(const struct scope_result *res, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < res->n_rules && n < cap; i++) {
        int w = snprintf(buf + n, cap - n, "%s%s", i > 0 ? " " : "", res->rules[i]->id);
        assert_true(w > 0);
        n += (size_t)w;
    }
}

static void test_rows(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct pol_policy *pol = load(rows[i].preset);
        struct scope_case c;
        struct scope_result res;
        struct sx_err e;
        char ids[512];
        sx_err_clear(&e);
        if (scope_case_parse(rows[i].case_json, strlen(rows[i].case_json), &c, &e) != 0)
            fail_msg("row %zu (%s): case refused: %s", i, rows[i].why, e.detail);
        scope_evaluate(pol, &c, &res);
        ids_of(&res, ids, sizeof(ids));
        if (res.required != rows[i].required || strcmp(ids, rows[i].rules) != 0 ||
            (rows[i].body == NULL) != (res.body == NULL) ||
            (res.body != NULL && strcmp(res.body->key, rows[i].body) != 0))
            fail_msg("row %zu %s (%s): required %d body %s rules \"%s\"", i, rows[i].preset,
                     rows[i].why, res.required, res.body != NULL ? res.body->key : "null", ids);
        /* every matched rule carries its source */
        for (size_t j = 0; j < res.n_rules; j++)
            assert_true(res.rules[j]->source != NULL && res.rules[j]->source[0] != '\0');
        pol_free(pol);
    }
}

/* The one-object output of `sanxiang review-scope` and the API. */
static void test_result_json(void **state)
{
    static const char case_json[] =
        "{" PEN_P ",\"fine\":50000,\"hearing\":true,\"categories\":[\"agreement_termination\"]}";
    struct pol_policy *pol = load("beijing");
    struct scope_case c;
    struct scope_result res;
    struct sx_err e;
    json_t *j;
    char *s;
    (void)state;
    sx_err_clear(&e);
    assert_int_equal(scope_case_parse(case_json, strlen(case_json), &c, &e), 0);
    scope_evaluate(pol, &c, &res);
    j = scope_result_json(&res);
    assert_non_null(j);
    s = json_dumps(j, JSON_COMPACT);
    assert_string_equal(
        s, "{\"required\":true,\"body\":\"municipal\",\"rules\":["
           "{\"id\":\"bj-agreement-termination\",\"label\":\"解除医保服务协议\",\"source\":"
           "\"北京 二(三)2(2) (BJ-2.3-2a)\"},"
           "{\"id\":\"bj-fine-person-corps\",\"label\":\"对同一公民罚款1万元以上10万元（不含）"
           "以下，并经过听证程序作出的行政处罚决定\",\"source\":\"北京 二(三)2 (BJ-2.3-2b)\"}]}");
    free(s);
    json_decref(j);
    /* not required: body null, rules empty */
    assert_int_equal(scope_case_parse("{" PEN_P "}", strlen("{" PEN_P "}"), &c, &e), 0);
    scope_evaluate(pol, &c, &res);
    j = scope_result_json(&res);
    s = json_dumps(j, JSON_COMPACT);
    assert_string_equal(s, "{\"required\":false,\"body\":null,\"rules\":[]}");
    free(s);
    json_decref(j);
    pol_free(pol);
}

static const struct {
    const char *json;
    const char *field;
    const char *why;
} bad_cases[] = {
    {"{" PEN_P ",\"fien\":1}", "fien", "unknown key"},
    {"{\"party_type\":\"person\"}", "kind", "kind missing"},
    {"{\"kind\":\"penalty\"}", "party_type", "party type missing"},
    {"{\"kind\":\"license\",\"party_type\":\"person\"}", "kind", "unknown kind"},
    {"{\"kind\":1,\"party_type\":\"person\"}", "kind", "kind not a string"},
    {"{" PEN_P ",\"procedure\":\"summary\"}", "procedure", "unknown procedure"},
    {"{" PEN_P ",\"fine\":\"5000\"}", "fine", "amount as a string"},
    {"{" PEN_P ",\"fine\":-1}", "fine", "negative amount"},
    {"{" PEN_P ",\"fine\":-0.5}", "fine", "negative real amount"},
    {"{" PEN_P ",\"fine\":5000.001}", "fine", "three decimals"},
    {"{" PEN_P ",\"fine\":1000000000001}", "fine", "above the cap"},
    {"{" PEN_P ",\"fund_recovery\":true}", "fund_recovery", "boolean amount"},
    {"{" PEN_P ",\"hearing\":\"yes\"}", "hearing", "hearing not boolean"},
    {"{" PEN_P ",\"categories\":\"complex\"}", "categories", "categories not a list"},
    {"{" PEN_P ",\"categories\":[\"complicated\"]}", "categories", "unknown category"},
    {"{" PEN_P ",\"categories\":[\"complex\",\"complex\"]}", "categories", "duplicate category"},
    {"{" PEN_P ",\"categories\":[1]}", "categories", "category not a string"},
    {"{\"kind\":\"inspection\",\"party_type\":\"org\",\"fine\":100}", "fine",
     "fine outside a penalty"},
    {"{\"kind\":\"coercion\",\"party_type\":\"org\",\"confiscation\":100}", "confiscation",
     "confiscation outside a penalty"},
    {"{\"kind\":\"coercion\",\"party_type\":\"org\",\"procedure\":\"simple\"}", "procedure",
     "simple procedure outside a penalty"},
    {"{" PEN_P ",\"procedure\":\"simple\",\"hearing\":true}", "hearing",
     "simple procedure with a hearing"},
    {"[1]", "case", "not an object"},
    {"{" PEN_P ",", "case", "broken JSON"},
    {"{\"kind\":\"penalty\",\"kind\":\"penalty\",\"party_type\":\"org\"}", "case", "duplicate key"},
};

static void test_bad_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        struct scope_case c;
        struct sx_err e;
        int rc;
        sx_err_clear(&e);
        rc = scope_case_parse(bad_cases[i].json, strlen(bad_cases[i].json), &c, &e);
        if (rc != SX_E_INVALID || strcmp(e.field, bad_cases[i].field) != 0 ||
            strcmp(e.type, "review-case-invalid") != 0)
            fail_msg("row %zu (%s): rc %d field \"%s\" type %s (%s)", i, bad_cases[i].why, rc,
                     e.field, e.type, e.detail);
        assert_true(e.title[0] != '\0' && e.detail[0] != '\0');
    }
}

/* Defaults and fen arithmetic of the case reader. */
static void test_case_defaults(void **state)
{
    static const char j[] = "{\"kind\":\"payment\",\"party_type\":\"org\",\"fund_recovery\":0.1,"
                            "\"payment_refusal\":40000.01,\"categories\":[]}";
    struct scope_case c;
    struct sx_err e;
    (void)state;
    sx_err_clear(&e);
    assert_int_equal(scope_case_parse(j, strlen(j), &c, &e), 0);
    assert_int_equal(c.kind, POL_ACT_PAYMENT);
    assert_int_equal(c.party_type, POL_PARTY_ORG);
    assert_int_equal(c.procedure, POL_PROC_GENERAL);
    assert_int_equal(c.hearing, 0);
    assert_int_equal(c.categories, 0);
    assert_int_equal(c.amount_fen[POL_AMOUNT_FINE], 0);
    assert_int_equal(c.amount_fen[POL_AMOUNT_FUND_RECOVERY], 10);
    assert_int_equal(c.amount_fen[POL_AMOUNT_PAYMENT_REFUSAL], 4000001);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_result_json),
        cmocka_unit_test(test_bad_cases),
        cmocka_unit_test(test_case_defaults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
