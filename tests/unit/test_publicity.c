/*
 * Unit tests for src/core/publicity: the pure rules of results publicity —
 * deadline choice (湖北 附件1 第十一条 HB-1-11; 云南 附件1 第十三条 YN-1-13),
 * minors at the decision date (湖北 附件1 第十三条 HB-1-13), the item state
 * machine (publish only after the head's approval, 湖北 附件1 第十七条
 * HB-1-17) and the summary's fields (云南 附件1 第九条 YN-1-09).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/cal.h"
#include "core/publicity.h"
#include "sx_buf.h"
#include "sx_err.h"

/* ---- deadline choice ---- */

static const struct {
    const char *kind, *outcome, *want, *source;
} deadline_rows[] = {
    {"penalty", "penalty", "publish_penalty", "HB-1-11: penalty results within 7 WD"},
    {"penalty", NULL, "publish_penalty", "a decision without outcome imposes a penalty"},
    {"penalty", "no_penalty", "publish_other", "HB-1-11: other results (不予处罚) within 20 WD"},
    {"coercion", NULL, "publish_other", "HB-1-11: coercion is an other result, 20 WD"},
    {"inspection", NULL, NULL, "BJ-2.1-9: inspections monthly or quarterly, no per-case item"},
    {"application", NULL, NULL, "no results item for other kinds"},
    {NULL, NULL, NULL, "no kind"},
};

static void test_deadline_key(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(deadline_rows) / sizeof(deadline_rows[0]); i++) {
        const char *got = pub_deadline_key(deadline_rows[i].kind, deadline_rows[i].outcome);
        if ((got == NULL) != (deadline_rows[i].want == NULL) ||
            (got != NULL && strcmp(got, deadline_rows[i].want) != 0))
            fail_msg("row %zu (%s): got %s", i, deadline_rows[i].source, got ? got : "NULL");
    }
}

/* ---- minors ---- */

static const struct {
    const char *birth, *day;
    bool minor;
    const char *source;
} minor_rows[] = {
    {"2010-05-01", "2026-11-05", true, "16 years old: minor (HB-1-13)"},
    {"2008-11-05", "2026-11-05", false, "18th birthday on the decision day: adult"},
    {"2008-11-06", "2026-11-05", true, "one day before the 18th birthday: minor"},
    {"1949-12-31", "2026-11-05", false, "GB 11643 example person: adult"},
    {"2008-02-29", "2026-02-28", true, "29 Feb birthday: not yet 18 on 28 Feb of a common year"},
    {"2008-02-29", "2026-03-01", false, "29 Feb birthday: adult on 1 March of a common year"},
    {"2012-02-29", "2030-02-28", true, "29 Feb: 2030 is a common year"},
    {"2026-11-05", "2026-11-05", true, "born on the day"},
};

static void test_minor(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(minor_rows) / sizeof(minor_rows[0]); i++) {
        int32_t b, d;
        struct sx_err err;
        assert_int_equal(cal_date_parse(minor_rows[i].birth, &b, &err), 0);
        assert_int_equal(cal_date_parse(minor_rows[i].day, &d, &err), 0);
        if (pub_is_minor(b, d) != minor_rows[i].minor)
            fail_msg("row %zu (%s)", i, minor_rows[i].source);
    }
}

/* ---- state machine ---- */

static const struct {
    enum pub_state from;
    enum pub_action act;
    int rc;
    enum pub_state to;
    const char *type; /* expected error type when refused */
    const char *source;
} state_rows[] = {
    {PUB_PENDING, PUB_ACT_DRAFT, 0, PUB_DRAFTED, NULL, "HB-1-07: the publisher drafts"},
    {PUB_DRAFTED, PUB_ACT_APPROVE, 0, PUB_APPROVED, NULL, "HB-1-17: the head approves"},
    {PUB_APPROVED, PUB_ACT_PUBLISH, 0, PUB_PUBLISHED, NULL, "HB-1-17: published after approval"},
    {PUB_DRAFTED, PUB_ACT_PUBLISH, SX_E_CONFLICT, 0, "publish-not-approved",
     "HB-1-17: no publication without approval"},
    {PUB_PENDING, PUB_ACT_PUBLISH, SX_E_CONFLICT, 0, "publish-not-approved",
     "HB-1-17: nothing drafted, nothing approved"},
    {PUB_PENDING, PUB_ACT_APPROVE, SX_E_CONFLICT, 0, "approve-no-draft", "approve needs a draft"},
    {PUB_APPROVED, PUB_ACT_DRAFT, 0, PUB_DRAFTED, NULL, "a redraft goes back to the head"},
    {PUB_PENDING, PUB_ACT_EXEMPT, 0, PUB_EXEMPT, NULL, "HB-1-13: exempt before publication"},
    {PUB_PUBLISHED, PUB_ACT_EXEMPT, SX_E_CONFLICT, 0, "publicity-state",
     "a published item is withdrawn, not exempted"},
    {PUB_EXEMPT, PUB_ACT_DRAFT, SX_E_CONFLICT, 0, "publicity-state", "exempt is final"},
    {PUB_EXEMPT, PUB_ACT_PUBLISH, SX_E_CONFLICT, 0, "publicity-state", "exempt never published"},
    {PUB_PUBLISHED, PUB_ACT_WITHDRAW, 0, PUB_WITHDRAWN, NULL, "HB-1-14: withdraw a changed one"},
    {PUB_APPROVED, PUB_ACT_WITHDRAW, SX_E_CONFLICT, 0, "not-published", "nothing to withdraw"},
    {PUB_PUBLISHED, PUB_ACT_CORRECT, 0, PUB_PUBLISHED, NULL, "YN-1-14: correct the published"},
    {PUB_WITHDRAWN, PUB_ACT_PUBLISH, SX_E_CONFLICT, 0, "publicity-state", "withdrawn is final"},
};

static void test_states(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(state_rows) / sizeof(state_rows[0]); i++) {
        struct sx_err err;
        sx_err_clear(&err);
        int rc = pub_check(state_rows[i].from, state_rows[i].act, &err);
        if (rc != state_rows[i].rc)
            fail_msg("row %zu (%s): rc %d", i, state_rows[i].source, rc);
        if (rc == 0 && pub_next(state_rows[i].from, state_rows[i].act) != state_rows[i].to)
            fail_msg("row %zu (%s): wrong next state", i, state_rows[i].source);
        if (rc != 0 && (strcmp(err.type, state_rows[i].type) != 0 || err.title[0] == '\0'))
            fail_msg("row %zu (%s): type %s", i, state_rows[i].source, err.type);
    }
    for (int s = 0; s < PUB_STATE_COUNT; s++)
        assert_int_equal(pub_state_parse(pub_state_name((enum pub_state)s)), s);
    assert_int_equal(pub_state_parse("gone"), -1);
    for (int r = 0; r < PUB_EX_COUNT; r++)
        assert_int_equal(pub_exempt_parse(pub_exempt_name((enum pub_exempt_reason)r)), r);
    assert_int_equal(pub_exempt_parse("boredom"), -1);
}

/* ---- summary ---- */

static void test_summary(void **state)
{
    struct sx_buf b;
    struct sx_err err;
    struct pub_summary s = {
        .kind_label = "行政处罚决定",
        .document_no = "昆医保罚〔2026〕1号",
        .case_name = "虚构医疗服务骗取医保基金",
        .party = "张某",
        .facts = "虚构医疗服务",
        .basis = "《医疗保障基金使用监督管理条例》第四十条",
        .content = "罚款4000元",
        .authority = "昆明市医疗保障局",
        .date = "2026-11-06",
    };
    (void)state;
    sx_buf_init(&b, 1 << 16);
    assert_int_equal(pub_summary_build(&s, &b, &err), 0);
    /* YN-1-09: number, case name, party's surname, facts, basis, decision, authority, date */
    const char *want[] = {"决定书文号：昆医保罚〔2026〕1号\n",
                          "案件名称：虚构医疗服务骗取医保基金\n",
                          "当事人：张某\n",
                          "主要违法事实：虚构医疗服务\n",
                          "法律依据：《医疗保障基金使用监督管理条例》第四十条\n",
                          "处理决定：罚款4000元\n",
                          "作出决定机关：昆明市医疗保障局\n",
                          "决定日期：2026-11-06\n"};
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        if (strstr(b.data, want[i]) == NULL)
            fail_msg("summary lacks %s:\n%s", want[i], b.data);
    }
    assert_null(strstr(b.data, "统一社会信用代码")); /* absent fields are left out */
    /* a required field missing: refused, buffer unchanged */
    size_t len = b.len;
    s.authority = "";
    sx_err_clear(&err);
    assert_int_equal(pub_summary_build(&s, &b, &err), SX_E_INVALID);
    assert_string_equal(err.field, "authority");
    assert_int_equal(b.len, len);
    /* a buffer too small: SX_E_TOOBIG, nothing half-written */
    struct sx_buf small;
    sx_buf_init(&small, 64);
    s.authority = "昆明市医疗保障局";
    assert_int_equal(pub_summary_build(&s, &small, &err), SX_E_TOOBIG);
    assert_int_equal(small.len, 0);
    sx_buf_free(&small);
    sx_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deadline_key),
        cmocka_unit_test(test_minor),
        cmocka_unit_test(test_states),
        cmocka_unit_test(test_summary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
