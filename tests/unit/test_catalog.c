/*
 * Unit tests for src/core/catalog: the real record catalogue
 * (data/records/catalog.json) loads and covers the 22 items of Yunnan
 * 附件2 第九条 and Wenshang 第八-十九条; record bodies are validated strictly
 * (one row per error kind, one per service mode's required fields); the
 * loader refuses malformed catalogues (one row per check).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"

static const char *root_dir(void)
{
    const char *r = getenv("SANXIANG_ROOT");
    return r != NULL && r[0] != '\0' ? r : ".";
}

static char *read_all(const char *rel, size_t *len)
{
    char path[512];
    FILE *f;
    char *buf;
    long n = -1;
    snprintf(path, sizeof(path), "%s/%s", root_dir(), rel);
    f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("cannot open %s", path);
    if (fseek(f, 0, SEEK_END) == 0)
        n = ftell(f);
    if (n < 0 || fseek(f, 0, SEEK_SET) != 0)
        fail_msg("cannot size %s", path);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    if (fread(buf, 1, (size_t)n, f) != (size_t)n)
        fail_msg("cannot read %s", path);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static struct cat_catalog *load_real(void)
{
    size_t len;
    char *text = read_all("data/records/catalog.json", &len);
    struct cat_catalog *cat = NULL;
    struct sx_err err;
    sx_err_clear(&err);
    if (cat_load(text, len, &cat, &err) != 0)
        fail_msg("catalog.json: %s (%s)", err.detail, err.field);
    free(text);
    return cat;
}

static int setup(void **state)
{
    *state = load_real();
    return 0;
}

static int teardown(void **state)
{
    cat_free(*state);
    return 0;
}

/* ---- the real catalogue --------------------------------------------- */

static bool cites(const struct cat_catalog *cat, const char *ref_prefix)
{
    for (size_t i = 0; i < cat_type_count(cat); i++) {
        const struct cat_type *t = cat_type_at(cat, i);
        for (size_t j = 0; j < t->n_sources; j++) {
            if (strncmp(t->sources[j].ref, ref_prefix, strlen(ref_prefix)) == 0)
                return true;
        }
    }
    return false;
}

/* Every item of Yunnan 附件2 第九条 (YN-2-09) and 第八条 (YN-2-08) is recorded by some type. */
static void test_covers_yunnan_items(void **state)
{
    static const char *const cn[] = {"",     "一",   "二",   "三",     "四",    "五",
                                     "六",   "七",   "八",   "九",     "十",    "十一",
                                     "十二", "十三", "十四", "十五",   "十六",  "十七",
                                     "十八", "十九", "二十", "二十一", "二十二"};
    const struct cat_catalog *cat = *state;
    for (int i = 1; i <= 22; i++) {
        char ref[96];
        snprintf(ref, sizeof(ref), "云南 附件2 第九条（%s）", cn[i]);
        if (!cites(cat, ref))
            fail_msg("no record type cites %s", ref);
    }
    for (int i = 1; i <= 10; i++) {
        char ref[96];
        snprintf(ref, sizeof(ref), "云南 附件2 第八条（%s）", cn[i]);
        if (!cites(cat, ref))
            fail_msg("no record type cites %s", ref);
    }
}

/* Every article of Wenshang 第八-十九条 (WS-08..WS-19) is recorded by some type. */
static void test_covers_wenshang_articles(void **state)
{
    static const char *const arts[] = {
        "第八条",         "第九条",         "第十条",         "第十一条",       "第十二条",
        "第十四条",       "第十五条",       "第十六条",       "第十七条（一）", "第十七条（二）",
        "第十七条（三）", "第十七条（四）", "第十七条（五）", "第十八条",       "第十九条"};
    const struct cat_catalog *cat = *state;
    for (size_t i = 0; i < sizeof(arts) / sizeof(arts[0]); i++) {
        char ref[96];
        snprintf(ref, sizeof(ref), "汶上 %s", arts[i]);
        if (!cites(cat, ref))
            fail_msg("no record type cites %s", ref);
    }
    /* 第十三条 lists what the AV of on-site acts shows: AV flags, not a type; checked below. */
}

/* Types the brief names, with their on-site / AV flags and a kind that must allow them. */
static void test_type_flags(void **state)
{
    static const struct {
        const char *key;
        bool onsite, av_required;
        const char *kind;
        const char *source; /* why */
    } rows[] = {
        {"complaint_intake", false, false, "penalty", "WS-08"},
        {"clue_verification", false, false, "penalty", "YN-2-09(一)"},
        {"filing_approval", false, false, "penalty", "WS-10"},
        {"non_filing_decision", false, false, "penalty", "WS-10 第二款"},
        {"inquiry_transcript", true, false, "penalty", "WS-11(一), YN-1-08"},
        {"onsite_inspection_transcript", true, false, "inspection", "WS-11(二)"},
        {"evidence", false, false, "penalty", "YN-2-09(五)"},
        {"evidence_request", false, false, "penalty", "WS-11(三)"},
        {"sampling", true, true, "penalty", "HB-2-13"},
        {"preservation", true, true, "penalty", "HB-2-13, WS-12"},
        {"sealing", true, true, "coercion", "HB-2-13, BJ-2.2-3"},
        {"rights_notice", false, false, "penalty", "YN-2-09(十)"},
        {"prior_notice", false, false, "penalty", "WS-14"},
        {"statement", false, false, "penalty", "WS-14"},
        {"hearing_notice", false, false, "penalty", "WS-15"},
        {"hearing_request", false, false, "penalty", "WS-15"},
        {"hearing_transcript", false, false, "penalty", "WS-15"},
        {"hearing_report", false, false, "penalty", "WS-15"},
        {"handler_opinion", false, false, "penalty", "YN-2-09(十三)"},
        {"investigation_end_report", false, false, "penalty", "HB-2-04"},
        {"unit_review", false, false, "penalty", "YN-2-09(十四)"},
        {"collective_discussion", false, false, "penalty", "WS-16"},
        {"approval", false, false, "penalty", "YN-2-09(十七)"},
        {"decision", false, false, "penalty", "WS-16"},
        {"service_direct", true, false, "penalty", "WS-17(一), YN-1-08"},
        {"service_mail", false, false, "penalty", "WS-17(二)"},
        {"service_lodged", true, false, "penalty", "WS-17(三)"},
        {"service_entrusted", false, false, "penalty", "WS-17(四)"},
        {"service_public_notice", false, false, "penalty", "WS-17(五)"},
        {"order_correct", false, false, "inspection", "WS-18"},
        {"suspension", false, false, "coercion", "HB-2-04"},
        {"resumption", false, false, "penalty", "HB-2-04"},
        {"extension", false, false, "coercion", "HB-2-04"},
        {"transfer", false, false, "penalty", "YN-3-11"},
        {"performance", false, false, "penalty", "YN-2-09(十九)"},
        {"court_enforcement_application", false, false, "penalty", "WS-19"},
        {"closure", false, false, "penalty", "HB-2-04"},
        {"archiving", false, false, "inspection", "WS-23"},
        {"correction", false, false, "coercion", "YN-2-20"},
        {"coercion_request", false, false, "coercion", "HB-2-04 呈批"},
        {"coercion_demand", false, false, "coercion", "HB-2-04 催告"},
        {"coercion_implementation", true, true, "coercion", "HB-2-04 实施, BJ-2.2-3"},
        {"coercion_termination", false, false, "coercion", "HB-2-04 终结"},
        {"inspection_opinion", true, true, "inspection", "HB-2-13 通报执法意见"},
        {"reinspection", true, false, "inspection", "HB-2-04 复查"},
        {"survey_transcript", true, false, "inspection", "HB-2-04 勘验"},
        {"appraisal_commission", false, false, "inspection", "HB-2-04 鉴定"},
        {"note", false, false, "application", "YN-2-09(二十二)"},
        {"attachment", false, false, "penalty", "YN-2-09(二十二)"},
    };
    const struct cat_catalog *cat = *state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const struct cat_type *t = cat_find(cat, rows[i].key);
        if (t == NULL)
            fail_msg("missing type %s (%s)", rows[i].key, rows[i].source);
        if (t->onsite != rows[i].onsite || t->av_required != rows[i].av_required)
            fail_msg("%s: onsite %d av %d (%s)", rows[i].key, t->onsite, t->av_required,
                     rows[i].source);
        if (!cat_type_allows_kind(t, rows[i].kind))
            fail_msg("%s not allowed in %s", rows[i].key, rows[i].kind);
        assert_true(t->source_text[0] != '\0');
    }
    assert_false(cat_type_allows_kind(cat_find(cat, "decision"), "inspection"));
    assert_null(cat_find(cat, "no_such_type"));
    assert_non_null(cat_field_find(cat, cat_find(cat, "note"), "remark")); /* common field */
}

/* ---- body validation ------------------------------------------------ */

struct body_row {
    const char *why; /* source of the rule */
    const char *type;
    const char *body; /* JSON text; "@LONG@" replaced by long_len copies of "医" */
    size_t long_len;
    const char *today; /* NULL: no future check */
    int rc;
    const char *err_type;  /* expected sx_err.type when rc != 0 */
    const char *err_field; /* expected sx_err.field */
    const char *source;    /* substring of sx_err.source */
};

#define OFFICERS "\"officers\":[11,12],\"credentials_shown\":true,"
#define INQUIRY_OK                                                                                     \
    "{" OFFICERS                                                                                       \
    "\"started_at\":\"2025-03-03T09:00:00\",\"ended_at\":\"2025-03-03T10:30:00+08:00\","               \
    "\"place\":\"某医院财务科\",\"interviewee_name\":\"张某\",\"interviewee_role\":\"party\"," \
    "\"rights_told\":true,\"content\":\"问：……\\n答：……\",\"party_signed\":true}"

static const struct body_row body_rows[] = {
    {"valid inquiry transcript, WS-11(一)", "inquiry_transcript", INQUIRY_OK, 0, "2025-03-03", 0,
     NULL, NULL, NULL},
    {"unknown type", "no_such_type", "{}", 0, NULL, SX_E_INVALID, "unknown-record-type", "type",
     "YN-2-09"},
    {"body must be an object", "note", "[1]", 0, NULL, SX_E_INVALID, "record-body-not-object", "",
     "YN-2-09"},
    {"unknown field refused", "note", "{\"title\":\"x\",\"content\":\"y\",\"colour\":\"red\"}", 0,
     NULL, SX_E_INVALID, "unknown-field", "colour", "YN-2-09"},
    {"missing required field", "inquiry_transcript",
     "{" OFFICERS "\"started_at\":\"2025-03-03T09:00:00\",\"ended_at\":\"2025-03-03T10:00:00\","
     "\"interviewee_name\":\"张某\",\"interviewee_role\":\"party\",\"rights_told\":true,"
     "\"content\":\"x\",\"party_signed\":true}",
     0, NULL, SX_E_INVALID, "missing-field", "place", "WS-11"},
    {"blank string counts as missing", "note", "{\"title\":\"　 \",\"content\":\"y\"}", 0, NULL,
     SX_E_INVALID, "missing-field", "title", "YN-2-09"},
    {"null optional = absent", "note", "{\"title\":\"t\",\"content\":\"y\",\"remark\":null}", 0,
     NULL, 0, NULL, NULL, NULL},
    {"common field accepted", "note", "{\"title\":\"t\",\"content\":\"y\",\"remark\":\"备注\"}", 0,
     NULL, 0, NULL, NULL, NULL},
    {"wrong type: number for string", "note", "{\"title\":5,\"content\":\"y\"}", 0, NULL,
     SX_E_INVALID, "wrong-field-type", "title", "YN-2-09"},
    {"newline in one-line string", "note", "{\"title\":\"a\\nb\",\"content\":\"y\"}", 0, NULL,
     SX_E_INVALID, "wrong-field-type", "title", "YN-2-09"},
    {"bad date: no such day", "evidence",
     "{\"kind\":\"documentary\",\"title\":\"t\",\"provider\":\"p\",\"obtained_on\":\"2025-02-29\","
     "\"proves\":\"x\"}",
     0, NULL, SX_E_INVALID, "invalid-date", "obtained_on", "YN-2-09"},
    {"bad date: wrong shape", "evidence",
     "{\"kind\":\"documentary\",\"title\":\"t\",\"provider\":\"p\",\"obtained_on\":\"2025/02/03\","
     "\"proves\":\"x\"}",
     0, NULL, SX_E_INVALID, "invalid-date", "obtained_on", "YN-2-09"},
    {"bad datetime: space instead of T", "sampling",
     "{" OFFICERS "\"sampled_at\":\"2025-03-03 09:00:00\",\"place\":\"p\",\"items\":\"i\","
     "\"sample_count\":2,\"method\":\"m\",\"party_signed\":true}",
     0, NULL, SX_E_INVALID, "invalid-date", "sampled_at", "HB-2-13"},
    {"bad datetime: hour 24", "sampling",
     "{" OFFICERS "\"sampled_at\":\"2025-03-03T24:00:00\",\"place\":\"p\",\"items\":\"i\","
     "\"sample_count\":2,\"method\":\"m\",\"party_signed\":true}",
     0, NULL, SX_E_INVALID, "invalid-date", "sampled_at", "YN-2-09"},
    {"date after today", "evidence",
     "{\"kind\":\"documentary\",\"title\":\"t\",\"provider\":\"p\",\"obtained_on\":\"2025-03-04\","
     "\"proves\":\"x\"}",
     0, "2025-03-03", SX_E_INVALID, "date-in-future", "obtained_on", "YN-2-09"},
    {"future_ok deadline after today", "order_correct",
     "{\"issued_on\":\"2025-03-03\",\"violation\":\"v\",\"requirements\":\"r\","
     "\"deadline\":\"2025-04-03\"}",
     0, "2025-03-03", 0, NULL, NULL, NULL},
    {"string too long (65 chars, max 64)", "inquiry_transcript",
     "{" OFFICERS "\"started_at\":\"2025-03-03T09:00:00\",\"ended_at\":\"2025-03-03T10:00:00\","
     "\"place\":\"p\",\"interviewee_name\":\"@LONG@\",\"interviewee_role\":\"party\","
     "\"rights_told\":true,\"content\":\"x\",\"party_signed\":true}",
     65, NULL, SX_E_INVALID, "field-too-long", "interviewee_name", "WS-11"},
    {"64 Chinese chars fit max 64 (characters, not bytes)", "inquiry_transcript",
     "{" OFFICERS "\"started_at\":\"2025-03-03T09:00:00\",\"ended_at\":\"2025-03-03T10:00:00\","
     "\"place\":\"p\",\"interviewee_name\":\"@LONG@\",\"interviewee_role\":\"party\","
     "\"rights_told\":true,\"content\":\"x\",\"party_signed\":true}",
     64, NULL, 0, NULL, NULL, NULL},
    {"bad enum value", "inquiry_transcript",
     "{" OFFICERS "\"started_at\":\"2025-03-03T09:00:00\",\"ended_at\":\"2025-03-03T10:00:00\","
     "\"place\":\"p\",\"interviewee_name\":\"张某\",\"interviewee_role\":\"boss\","
     "\"rights_told\":true,\"content\":\"x\",\"party_signed\":true}",
     0, NULL, SX_E_INVALID, "invalid-enum-value", "interviewee_role", "WS-11"},
    {"credentials not shown (YN-1-08)", "inquiry_transcript",
     "{\"officers\":[11,12],\"credentials_shown\":false,\"started_at\":\"2025-03-03T09:00:00\","
     "\"ended_at\":\"2025-03-03T10:00:00\",\"place\":\"p\",\"interviewee_name\":\"张某\","
     "\"interviewee_role\":\"party\",\"rights_told\":true,\"content\":\"x\",\"party_signed\":true}",
     0, NULL, SX_E_INVALID, "must-be-true", "credentials_shown", "YN-1-08"},
    {"refusal note required when party did not sign", "inquiry_transcript",
     "{" OFFICERS "\"started_at\":\"2025-03-03T09:00:00\",\"ended_at\":\"2025-03-03T10:00:00\","
     "\"place\":\"p\",\"interviewee_name\":\"张某\",\"interviewee_role\":\"party\","
     "\"rights_told\":true,\"content\":\"x\",\"party_signed\":false}",
     0, NULL, SX_E_INVALID, "missing-field", "refusal_note", "WS-11"},
    {"user ids: duplicate officer", "inquiry_transcript",
     "{\"officers\":[11,11],\"credentials_shown\":true,\"started_at\":\"2025-03-03T09:00:00\","
     "\"ended_at\":\"2025-03-03T10:00:00\",\"place\":\"p\",\"interviewee_name\":\"张某\","
     "\"interviewee_role\":\"party\",\"rights_told\":true,\"content\":\"x\",\"party_signed\":true}",
     0, NULL, SX_E_INVALID, "duplicate-value", "officers", "YN-2-09"},
    {"user ids: not integers", "inquiry_transcript",
     "{\"officers\":[\"11\",12],\"credentials_shown\":true,\"started_at\":\"2025-03-03T09:00:00\","
     "\"ended_at\":\"2025-03-03T10:00:00\",\"place\":\"p\",\"interviewee_name\":\"张某\","
     "\"interviewee_role\":\"party\",\"rights_told\":true,\"content\":\"x\",\"party_signed\":true}",
     0, NULL, SX_E_INVALID, "wrong-field-type", "officers", "YN-2-09"},
    {"filing needs >= 2 assigned officers", "filing_approval",
     "{\"source\":\"complaint\",\"cause\":\"c\",\"reason\":\"r\",\"party_summary\":\"p\","
     "\"facts\":\"f\",\"officers\":[11],\"handler_opinion\":\"h\",\"unit_opinion\":\"u\","
     "\"head_opinion\":\"h\",\"approver\":[3],\"approved_on\":\"2025-03-01\"}",
     0, NULL, SX_E_INVALID, "value-out-of-range", "officers", "WS-10"},
    {"money: negative fine", "decision",
     "{\"decision_no\":\"医保罚〔2025〕1号\",\"signer\":[3],\"signed_at\":\"2025-03-03T09:00:00\","
     "\"decided_on\":\"2025-03-03\",\"outcome\":\"penalty\",\"fine_fen\":-1,\"facts\":\"f\","
     "\"evidence\":\"e\",\"basis\":\"b\",\"remedies\":\"r\"}",
     0, NULL, SX_E_INVALID, "value-out-of-range", "fine_fen", "WS-16"},
    {"money: yuan with decimals refused (fen integers only)", "decision",
     "{\"decision_no\":\"医保罚〔2025〕1号\",\"signer\":[3],\"signed_at\":\"2025-03-03T09:00:00\","
     "\"decided_on\":\"2025-03-03\",\"outcome\":\"penalty\",\"fine_fen\":100.5,\"facts\":\"f\","
     "\"evidence\":\"e\",\"basis\":\"b\",\"remedies\":\"r\"}",
     0, NULL, SX_E_INVALID, "wrong-field-type", "fine_fen", "WS-16"},
    {"valid decision with amounts in fen", "decision",
     "{\"decision_no\":\"医保罚〔2025〕1号\",\"signer\":[3],\"signed_at\":\"2025-03-03T09:00:00\","
     "\"decided_on\":\"2025-03-03\",\"outcome\":\"penalty\",\"fine_fen\":1000000,"
     "\"recovery_fen\":2345678,\"facts\":\"f\",\"evidence\":\"e\",\"basis\":\"b\",\"remedies\":"
     "\"r\"}",
     0, "2025-03-03", 0, NULL, NULL, NULL},
    {"statement: content required unless waived (WS-14)", "statement",
     "{\"received_on\":\"2025-03-03\",\"waived\":false,\"form\":\"written\",\"adoption\":"
     "\"partly\"}",
     0, NULL, SX_E_INVALID, "missing-field", "content", "WS-14"},
    {"statement: waiver recorded without content (WS-14)", "statement",
     "{\"received_on\":\"2025-03-03\",\"waived\":true}", 0, NULL, 0, NULL, NULL, NULL},
    {"statement: rejection needs reasons", "statement",
     "{\"received_on\":\"2025-03-03\",\"waived\":false,\"form\":\"oral\",\"content\":\"c\","
     "\"adoption\":\"rejected\"}",
     0, NULL, SX_E_INVALID, "missing-field", "adoption_reason", "WS-14"},
    {"collective discussion signed by all (WS-16)", "collective_discussion",
     "{\"held_on\":\"2025-03-03\",\"chair\":[3],\"participants\":[3,4,5],\"matter\":\"m\","
     "\"opinions\":\"o\",\"conclusion\":\"c\",\"all_signed\":false}",
     0, NULL, SX_E_INVALID, "must-be-true", "all_signed", "WS-16"},
    {"non-filing notice required for named complainant (WS-08)", "non_filing_decision",
     "{\"reason\":\"r\",\"approver\":[3],\"decided_on\":\"2025-03-03\",\"notice_required\":true,"
     "\"notified_to\":\"李某\",\"notice_method\":\"phone\"}",
     0, NULL, SX_E_INVALID, "missing-field", "notified_on", "WS-08"},
    {"correction must name the corrected record (YN-2-20)", "correction",
     "{\"reason\":\"笔误\",\"content\":\"地点应为……\"}", 0, NULL, SX_E_INVALID, "missing-field",
     "corrects", "YN-2-20"},
    {"correction pointing at record 17", "correction",
     "{\"corrects\":17,\"reason\":\"笔误\",\"content\":\"地点应为……\"}", 0, NULL, 0, NULL, NULL,
     NULL},
    {"correction: record ref must be positive", "correction",
     "{\"corrects\":0,\"reason\":\"笔误\",\"content\":\"c\"}", 0, NULL, SX_E_INVALID,
     "wrong-field-type", "corrects", "YN-2-20"},
    {"correction: record ref is the store's integer id", "correction",
     "{\"corrects\":\"r17\",\"reason\":\"笔误\",\"content\":\"c\"}", 0, NULL, SX_E_INVALID,
     "wrong-field-type", "corrects", "YN-2-20"},
    {"extension: approver, days, reason (HB-2-04)", "extension",
     "{\"target\":\"case_period\",\"days\":30,\"reason\":\"案情复杂\",\"approver\":[3],"
     "\"approved_on\":\"2025-03-03\"}",
     0, NULL, 0, NULL, NULL, NULL},
    {"extension: days must be >= 1", "extension",
     "{\"target\":\"case_period\",\"days\":0,\"reason\":\"r\",\"approver\":[3],"
     "\"approved_on\":\"2025-03-03\"}",
     0, NULL, SX_E_INVALID, "value-out-of-range", "days", "HB-2-04"},
    {"transfer to the police", "transfer",
     "{\"destination\":\"police\",\"receiver\":\"某市公安局\",\"transferred_on\":\"2025-03-03\","
     "\"reason\":\"涉嫌诈骗医保基金犯罪\",\"approver\":[3]}",
     0, NULL, 0, NULL, NULL, NULL},
    {"today itself malformed", "note", "{\"title\":\"t\",\"content\":\"c\"}", 0, "2025-3-3",
     SX_E_INVALID, "invalid-today", "today", ""},

    /* The five service modes (WS-17), valid and with each mode's key field missing. */
    {"直接送达 valid", "service_direct",
     "{\"document\":\"行政处罚决定书\"," OFFICERS "\"served_at\":\"2025-03-05T10:00:00\","
     "\"place\":\"当事人住所\",\"recipient\":\"某药店\",\"signer\":\"王某\","
     "\"signer_relation\":\"legal_rep\",\"signed_on\":\"2025-03-05\"}",
     0, "2025-03-05", 0, NULL, NULL, NULL},
    {"直接送达 needs the recipient's signature", "service_direct",
     "{\"document\":\"行政处罚决定书\"," OFFICERS "\"served_at\":\"2025-03-05T10:00:00\","
     "\"place\":\"当事人住所\",\"recipient\":\"某药店\",\"signer_relation\":\"legal_rep\","
     "\"signed_on\":\"2025-03-05\"}",
     0, NULL, SX_E_INVALID, "missing-field", "signer", "WS-17"},
    {"直接送达 needs the signing date", "service_direct",
     "{\"document\":\"行政处罚决定书\"," OFFICERS "\"served_at\":\"2025-03-05T10:00:00\","
     "\"place\":\"当事人住所\",\"recipient\":\"某药店\",\"signer\":\"王某\","
     "\"signer_relation\":\"self\"}",
     0, NULL, SX_E_INVALID, "missing-field", "signed_on", "WS-17"},
    {"邮寄送达 valid", "service_mail",
     "{\"document\":\"行政处罚决定书\",\"document_no\":\"医保罚〔2025〕1号\",\"carrier\":\"ems\","
     "\"tracking_no\":\"1151234567890\",\"mailed_on\":\"2025-03-05\",\"recipient\":\"某药店\","
     "\"address\":\"某路1号\",\"receipt_returned\":true,\"received_on\":\"2025-03-07\","
     "\"receipt_signer\":\"王某\"}",
     0, NULL, 0, NULL, NULL, NULL},
    {"邮寄送达 needs the tracking number", "service_mail",
     "{\"document\":\"行政处罚决定书\",\"document_no\":\"医保罚〔2025〕1号\",\"carrier\":\"ems\","
     "\"mailed_on\":\"2025-03-05\",\"recipient\":\"某药店\",\"address\":\"某路1号\","
     "\"receipt_returned\":false}",
     0, NULL, SX_E_INVALID, "missing-field", "tracking_no", "WS-17"},
    {"邮寄送达 receipt returned needs its date", "service_mail",
     "{\"document\":\"行政处罚决定书\",\"document_no\":\"医保罚〔2025〕1号\",\"carrier\":"
     "\"registered\","
     "\"tracking_no\":\"XA123\",\"mailed_on\":\"2025-03-05\",\"recipient\":\"某药店\","
     "\"address\":\"某路1号\",\"receipt_returned\":true,\"receipt_signer\":\"王某\"}",
     0, NULL, SX_E_INVALID, "missing-field", "received_on", "WS-17"},
    {"邮寄送达 carrier must be EMS or registered", "service_mail",
     "{\"document\":\"行政处罚决定书\",\"document_no\":\"医保罚〔2025〕1号\",\"carrier\":"
     "\"courier\","
     "\"tracking_no\":\"X\",\"mailed_on\":\"2025-03-05\",\"recipient\":\"某药店\","
     "\"address\":\"某路1号\",\"receipt_returned\":false}",
     0, NULL, SX_E_INVALID, "invalid-enum-value", "carrier", "WS-17"},
    {"留置送达 valid", "service_lodged",
     "{\"document\":\"行政处罚决定书\"," OFFICERS "\"recipient\":\"张某\",\"reason\":\"拒绝签收\","
     "\"place\":\"张某住所\",\"lodged_at\":\"2025-03-05T10:00:00\",\"witness\":"
     "\"社区工作人员赵某\","
     "\"signed_by_server_and_witness\":true}",
     0, NULL, 0, NULL, NULL, NULL},
    {"留置送达 needs a witness", "service_lodged",
     "{\"document\":\"行政处罚决定书\"," OFFICERS "\"recipient\":\"张某\",\"reason\":\"拒绝签收\","
     "\"place\":\"张某住所\",\"lodged_at\":\"2025-03-05T10:00:00\","
     "\"signed_by_server_and_witness\":true}",
     0, NULL, SX_E_INVALID, "missing-field", "witness", "WS-17"},
    {"留置送达 needs the reason", "service_lodged",
     "{\"document\":\"行政处罚决定书\"," OFFICERS "\"recipient\":\"张某\",\"place\":\"张某住所\","
     "\"lodged_at\":\"2025-03-05T10:00:00\",\"witness\":\"赵某\","
     "\"signed_by_server_and_witness\":true}",
     0, NULL, SX_E_INVALID, "missing-field", "reason", "WS-17"},
    {"留置送达 needs the officers", "service_lodged",
     "{\"document\":\"行政处罚决定书\",\"credentials_shown\":true,\"recipient\":\"张某\","
     "\"reason\":\"拒绝签收\",\"place\":\"张某住所\",\"lodged_at\":\"2025-03-05T10:00:00\","
     "\"witness\":\"赵某\",\"signed_by_server_and_witness\":true}",
     0, NULL, SX_E_INVALID, "missing-field", "officers", "WS-17"},
    {"委托送达 valid", "service_entrusted",
     "{\"document\":\"行政处罚决定书\",\"method\":\"entrusted\",\"entrusted_body\":\"某县医保局\","
     "\"reason\":\"当事人在外地\",\"server\":\"刘某\",\"recipient\":\"张某\",\"signer\":\"张某\","
     "\"served_on\":\"2025-03-06\"}",
     0, NULL, 0, NULL, NULL, NULL},
    {"委托送达 needs the entrusted body", "service_entrusted",
     "{\"document\":\"行政处罚决定书\",\"method\":\"entrusted\",\"reason\":\"当事人在外地\","
     "\"server\":\"刘某\",\"recipient\":\"张某\",\"signer\":\"张某\",\"served_on\":\"2025-03-06\"}",
     0, NULL, SX_E_INVALID, "missing-field", "entrusted_body", "WS-17"},
    {"公告送达 valid", "service_public_notice",
     "{\"document\":\"行政处罚决定书\",\"recipient\":\"张某\",\"reason\":\"下落不明\","
     "\"medium\":\"website\",\"medium_name\":\"某市医保局门户网站\",\"started_on\":\"2025-03-06\","
     "\"period_days\":30,\"notice_text\":\"公告……\"}",
     0, NULL, 0, NULL, NULL, NULL},
    {"公告送达 needs the medium", "service_public_notice",
     "{\"document\":\"行政处罚决定书\",\"recipient\":\"张某\",\"reason\":\"下落不明\","
     "\"medium_name\":\"某报\",\"started_on\":\"2025-03-06\",\"period_days\":30,"
     "\"notice_text\":\"公告……\"}",
     0, NULL, SX_E_INVALID, "missing-field", "medium", "WS-17"},
    {"公告送达 needs the start date", "service_public_notice",
     "{\"document\":\"行政处罚决定书\",\"recipient\":\"张某\",\"reason\":\"下落不明\","
     "\"medium\":\"newspaper\",\"medium_name\":\"某报\",\"period_days\":30,"
     "\"notice_text\":\"公告……\"}",
     0, NULL, SX_E_INVALID, "missing-field", "started_on", "WS-17"},
    {"公告送达 needs the period", "service_public_notice",
     "{\"document\":\"行政处罚决定书\",\"recipient\":\"张某\",\"reason\":\"下落不明\","
     "\"medium\":\"newspaper\",\"medium_name\":\"某报\",\"started_on\":\"2025-03-06\","
     "\"notice_text\":\"公告……\"}",
     0, NULL, SX_E_INVALID, "missing-field", "period_days", "WS-17"},
    {"公告送达 posting needs the place", "service_public_notice",
     "{\"document\":\"行政处罚决定书\",\"recipient\":\"张某\",\"reason\":\"下落不明\","
     "\"medium\":\"posting\",\"medium_name\":\"公告\",\"started_on\":\"2025-03-06\","
     "\"period_days\":30,\"notice_text\":\"公告……\"}",
     0, NULL, SX_E_INVALID, "missing-field", "posted_place", "WS-17"},
};

static char *expand_long(const char *body, size_t n)
{
    const char *at = strstr(body, "@LONG@");
    size_t blen = strlen(body);
    char *out = malloc(blen + n * 3 + 1);
    assert_non_null(out);
    if (at == NULL) {
        memcpy(out, body, blen + 1);
        return out;
    }
    size_t pre = (size_t)(at - body), k = pre;
    memcpy(out, body, pre);
    for (size_t i = 0; i < n; i++, k += 3)
        memcpy(out + k, "医", 3);
    memcpy(out + k, at + 6, blen - pre - 6 + 1);
    return out;
}

static void test_body_rows(void **state)
{
    const struct cat_catalog *cat = *state;
    for (size_t i = 0; i < sizeof(body_rows) / sizeof(body_rows[0]); i++) {
        const struct body_row *r = &body_rows[i];
        char *text = expand_long(r->body, r->long_len);
        json_error_t jerr;
        json_t *body = json_loads(text, 0, &jerr);
        struct sx_err err;
        int rc;
        if (body == NULL)
            fail_msg("row %zu (%s): bad test JSON: %s", i, r->why, jerr.text);
        sx_err_clear(&err);
        rc = cat_validate_body(cat, r->type, body, r->today, &err);
        if (rc != r->rc)
            fail_msg("row %zu (%s): rc %d, want %d: %s %s", i, r->why, rc, r->rc, err.type,
                     err.detail);
        if (r->rc != 0) {
            if (strcmp(err.type, r->err_type) != 0 || strcmp(err.field, r->err_field) != 0)
                fail_msg("row %zu (%s): got %s/%s, want %s/%s (%s)", i, r->why, err.type, err.field,
                         r->err_type, r->err_field, err.detail);
            if (strstr(err.source, r->source) == NULL)
                fail_msg("row %zu (%s): source \"%s\" lacks %s", i, r->why, err.source, r->source);
            assert_int_equal(err.status, 400);
            assert_true(err.title[0] != '\0' && err.detail[0] != '\0');
        }
        json_decref(body);
        free(text);
    }
}

/* The error detail names the record type and the field's Chinese label. */
static void test_body_error_names_field(void **state)
{
    const struct cat_catalog *cat = *state;
    json_t *body = json_pack("{s:s}", "content", "y");
    struct sx_err err;
    sx_err_clear(&err);
    assert_int_equal(cat_validate_body(cat, "note", body, NULL, &err), SX_E_INVALID);
    assert_string_equal(err.field, "title");
    assert_non_null(strstr(err.detail, "其他事项记录"));
    assert_non_null(strstr(err.detail, "事项"));
    assert_string_equal(err.title, "缺少必填字段");
    json_decref(body);
}

/* ---- loader checks --------------------------------------------------- */

#define CORR                                                                                            \
    "{\"key\":\"correction\",\"name_zh\":\"更正\",\"sources\":[{\"id\":\"YN-2-20\",\"ref\":"          \
    "\"云南 "                                                                                         \
    "附件2 第二十条\"}],\"kinds\":[\"penalty\"],\"fields\":[{\"name\":\"corrects\",\"label_zh\":" \
    "\"被更正的记录\",\"type\":\"record_ref\",\"required\":true}]}"
#define HEAD                                                                                       \
    "{\"version\":1,\"kinds\":[{\"key\":\"penalty\",\"name_zh\":\"行政处罚\"}],\"types\":[" CORR
#define T(fields)                                                                                        \
    ",{\"key\":\"x\",\"name_zh\":\"某\",\"sources\":[{\"id\":\"WS-08\",\"ref\":\"汶上 第八条\"}]," \
    "\"kinds\":[\"penalty\"],\"fields\":[" fields "]}"
#define F(extra) "{\"name\":\"a\",\"label_zh\":\"甲\"," extra "}"

static const struct {
    const char *why;
    const char *text;
    const char *field; /* expected err.field prefix; NULL = loads */
} load_rows[] = {
    {"minimal catalogue loads", HEAD T(F("\"type\":\"string\"")) "]}", NULL},
    {"not JSON", "{", ""},
    {"duplicate JSON member", "{\"version\":1,\"version\":1}", ""},
    {"unknown top-level member", "{\"version\":1,\"colour\":1}", ""},
    {"version 2", "{\"version\":2,\"kinds\":[],\"types\":[]}", "version"},
    {"duplicate type key", HEAD T(F("\"type\":\"string\"")) T(F("\"type\":\"string\"")) "]}",
     "types[2]"},
    {"type key not snake_case",
     HEAD
     ",{\"key\":\"X y\",\"name_zh\":\"某\",\"sources\":[{\"ref\":\"r\"}],\"kinds\":[\"penalty\"],"
     "\"fields\":[" F("\"type\":\"string\"") "]}]}",
     "types[1]"},
    {"unknown field type", HEAD T(F("\"type\":\"colour\"")) "]}", "types[1].fields[0]"},
    {"duplicate field name", HEAD T(F("\"type\":\"string\"") "," F("\"type\":\"text\"")) "]}",
     "types[1].fields[1]"},
    {"unknown field attribute", HEAD T(F("\"type\":\"string\",\"colour\":1")) "]}",
     "types[1].fields[0]"},
    {"values on a non-enum", HEAD T(F("\"type\":\"string\",\"values\":[]")) "]}",
     "types[1].fields[0]"},
    {"enum without values", HEAD T(F("\"type\":\"enum\"")) "]}", "types[1].fields[0]"},
    {"duplicate enum value",
     HEAD T(F("\"type\":\"enum\",\"values\":[{\"value\":\"a\",\"label_zh\":\"甲\"},"
              "{\"value\":\"a\",\"label_zh\":\"乙\"}]")) "]}",
     "types[1].fields[0].values[1]"},
    {"max_len on a date", HEAD T(F("\"type\":\"date\",\"max_len\":3")) "]}", "types[1].fields[0]"},
    {"min > max", HEAD T(F("\"type\":\"int\",\"min\":5,\"max\":1")) "]}", "types[1].fields[0]"},
    {"negative money floor", HEAD T(F("\"type\":\"money_fen\",\"min\":-1")) "]}",
     "types[1].fields[0]"},
    {"must_be_true on optional field", HEAD T(F("\"type\":\"bool\",\"must_be_true\":true")) "]}",
     "types[1].fields[0]"},
    {"required_if naming a missing field",
     HEAD T(F("\"type\":\"string\",\"required_if\":{\"field\":\"zz\",\"equals\":true}")) "]}",
     "types[1].fields[0].required_if"},
    {"required_if value not in enum",
     HEAD T("{\"name\":\"m\",\"label_zh\":\"方式\",\"type\":\"enum\",\"required\":true,"
            "\"values\":[{\"value\":\"a\",\"label_zh\":\"甲\"}]}," F(
                "\"type\":\"string\",\"required_if\":{\"field\":\"m\",\"equals\":\"b\"}")) "]}",
     "types[1].fields[1].required_if"},
    {"bad provision id",
     HEAD ",{\"key\":\"x\",\"name_zh\":\"某\",\"sources\":[{\"id\":\"XX-1\",\"ref\":\"r\"}],"
          "\"kinds\":[\"penalty\"],\"fields\":[" F("\"type\":\"string\"") "]}]}",
     "types[1].sources[0]"},
    {"no sources",
     HEAD
     ",{\"key\":\"x\",\"name_zh\":\"某\",\"sources\":[],\"kinds\":[\"penalty\"],\"fields\":[" F(
         "\"type\":\"string\"") "]}]}",
     "types[1].sources"},
    {"unknown case kind",
     HEAD ",{\"key\":\"x\",\"name_zh\":\"某\",\"sources\":[{\"ref\":\"r\"}],\"kinds\":[\"tax\"],"
          "\"fields\":[" F("\"type\":\"string\"") "]}]}",
     "types[1].kinds"},
    {"on-site type without officers (YN-1-08)",
     HEAD
     ",{\"key\":\"x\",\"name_zh\":\"某\",\"sources\":[{\"ref\":\"r\"}],\"kinds\":[\"penalty\"],"
     "\"onsite\":true,\"fields\":[" F("\"type\":\"string\"") "]}]}",
     "types[1]"},
    {"catalogue without correction type (YN-2-20)",
     "{\"version\":1,\"kinds\":[{\"key\":\"penalty\",\"name_zh\":\"行政处罚\"}],\"types\":[{"
     "\"key\":"
     "\"x\",\"name_zh\":\"某\",\"sources\":[{\"ref\":\"r\"}],\"kinds\":[\"penalty\"],\"fields\":"
     "[" F("\"type\":\"string\"") "]}]}",
     "types"},
    {"field colliding with a common field",
     "{\"version\":1,\"kinds\":[{\"key\":\"penalty\",\"name_zh\":\"行政处罚\"}],\"common_fields\":"
     "[" F("\"type\":\"text\"") "],\"types\":[" CORR T(F("\"type\":\"string\"")) "]}",
     "types[1].fields[0]"},
};

static void test_load_rows(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(load_rows) / sizeof(load_rows[0]); i++) {
        struct cat_catalog *cat = NULL;
        struct sx_err err;
        int rc;
        sx_err_clear(&err);
        rc = cat_load(load_rows[i].text, strlen(load_rows[i].text), &cat, &err);
        if (load_rows[i].field == NULL) {
            if (rc != 0)
                fail_msg("row %zu (%s): %s", i, load_rows[i].why, err.detail);
            assert_non_null(cat);
            cat_free(cat);
            continue;
        }
        if (rc != SX_E_INVALID)
            fail_msg("row %zu (%s): rc %d", i, load_rows[i].why, rc);
        assert_null(cat);
        if (strncmp(err.field, load_rows[i].field, strlen(load_rows[i].field)) != 0)
            fail_msg("row %zu (%s): field \"%s\", want \"%s\" (%s)", i, load_rows[i].why, err.field,
                     load_rows[i].field, err.detail);
        assert_string_equal(err.type, "invalid-catalog");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_covers_yunnan_items),
        cmocka_unit_test(test_covers_wenshang_articles),
        cmocka_unit_test(test_type_flags),
        cmocka_unit_test(test_body_rows),
        cmocka_unit_test(test_body_error_names_field),
        cmocka_unit_test(test_load_rows),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
