/* publicity: pure rules of results publicity (deadline choice, minors, item states, summaries). */
#include "publicity.h"

#include <string.h>

#include "cal.h"

static const char *const state_names[PUB_STATE_COUNT] = {
    [PUB_PENDING] = "pending",     [PUB_DRAFTED] = "drafted", [PUB_APPROVED] = "approved",
    [PUB_PUBLISHED] = "published", [PUB_EXEMPT] = "exempt",   [PUB_WITHDRAWN] = "withdrawn",
};

static const char *const state_labels[PUB_STATE_COUNT] = {
    [PUB_PENDING] = "待拟稿",   [PUB_DRAFTED] = "待审批",  [PUB_APPROVED] = "已批准待公示",
    [PUB_PUBLISHED] = "已公示", [PUB_EXEMPT] = "不予公示", [PUB_WITHDRAWN] = "已撤回",
};

static const char *const exempt_names[PUB_EX_COUNT] = {
    [PUB_EX_MINOR] = "minor",
    [PUB_EX_SECRET] = "secret",
    [PUB_EX_SECURITY] = "security",
    [PUB_EX_SERIES] = "series",
    [PUB_EX_CRIME_REFERRAL] = "crime_referral",
};

static const char *const exempt_labels[PUB_EX_COUNT] = {
    [PUB_EX_MINOR] = "当事人为未成年人",
    [PUB_EX_SECRET] = "涉及国家秘密、商业秘密或个人隐私",
    [PUB_EX_SECURITY] = "可能危及国家安全、公共安全、经济安全或社会稳定",
    [PUB_EX_SERIES] = "可能影响系列案件查处",
    [PUB_EX_CRIME_REFERRAL] = "涉嫌犯罪已移送司法机关或公安机关正在侦查",
};

const char *pub_state_name(enum pub_state s)
{
    return (unsigned)s < PUB_STATE_COUNT ? state_names[s] : NULL;
}

const char *pub_state_label(enum pub_state s)
{
    return (unsigned)s < PUB_STATE_COUNT ? state_labels[s] : "";
}

int pub_state_parse(const char *s)
{
    for (int i = 0; s != NULL && i < PUB_STATE_COUNT; i++) {
        if (strcmp(s, state_names[i]) == 0)
            return i;
    }
    return -1;
}

const char *pub_exempt_name(enum pub_exempt_reason r)
{
    return (unsigned)r < PUB_EX_COUNT ? exempt_names[r] : NULL;
}

const char *pub_exempt_label(enum pub_exempt_reason r)
{
    return (unsigned)r < PUB_EX_COUNT ? exempt_labels[r] : "";
}

int pub_exempt_parse(const char *s)
{
    for (int i = 0; s != NULL && i < PUB_EX_COUNT; i++) {
        if (strcmp(s, exempt_names[i]) == 0)
            return i;
    }
    return -1;
}

/* Which states each action may start from (bits 1u << enum pub_state). */
static const unsigned allowed_from[PUB_ACT_COUNT] = {
    /* redrafting an approved draft sends it back to the head */
    [PUB_ACT_DRAFT] = 1u << PUB_PENDING | 1u << PUB_DRAFTED | 1u << PUB_APPROVED,
    [PUB_ACT_APPROVE] = 1u << PUB_DRAFTED,
    [PUB_ACT_PUBLISH] = 1u << PUB_APPROVED,
    [PUB_ACT_EXEMPT] = 1u << PUB_PENDING | 1u << PUB_DRAFTED | 1u << PUB_APPROVED,
    [PUB_ACT_WITHDRAW] = 1u << PUB_PUBLISHED,
    [PUB_ACT_CORRECT] = 1u << PUB_PUBLISHED,
};

static const enum pub_state leads_to[PUB_ACT_COUNT] = {
    [PUB_ACT_DRAFT] = PUB_DRAFTED,      [PUB_ACT_APPROVE] = PUB_APPROVED,
    [PUB_ACT_PUBLISH] = PUB_PUBLISHED,  [PUB_ACT_EXEMPT] = PUB_EXEMPT,
    [PUB_ACT_WITHDRAW] = PUB_WITHDRAWN, [PUB_ACT_CORRECT] = PUB_PUBLISHED,
};

int pub_check(enum pub_state s, enum pub_action action, struct sx_err *err)
{
    if ((unsigned)s >= PUB_STATE_COUNT || (unsigned)action >= PUB_ACT_COUNT)
        return SX_FAIL(err, SX_E_INVALID, "publicity-bad-state", "公示事项状态无效", NULL, NULL,
                       "状态 %d，操作 %d", (int)s, (int)action);
    if ((allowed_from[action] & (1u << s)) != 0)
        return 0;
    switch (action) {
    case PUB_ACT_PUBLISH:
        if (s == PUB_PENDING || s == PUB_DRAFTED)
            return SX_FAIL(err, SX_E_CONFLICT, "publish-not-approved", "公示前须经负责人审批",
                           PUB_SRC_APPROVAL, "state", "该公示事项当前为“%s”，尚未经负责人批准",
                           state_labels[s]);
        break;
    case PUB_ACT_APPROVE:
        if (s == PUB_PENDING)
            return SX_FAIL(err, SX_E_CONFLICT, "approve-no-draft", "尚无待审批的公示稿",
                           PUB_SRC_APPROVAL, "state", "须先拟定公示稿，再报负责人审批");
        break;
    case PUB_ACT_WITHDRAW:
    case PUB_ACT_CORRECT:
        return SX_FAIL(err, SX_E_CONFLICT, "not-published", "该事项未公示，无需撤回或更正",
                       PUB_SRC_WITHDRAW, "state", "该公示事项当前为“%s”", state_labels[s]);
    default:
        break;
    }
    return SX_FAIL(err, SX_E_CONFLICT, "publicity-state", "公示事项当前状态不允许此操作",
                   PUB_SRC_APPROVAL, "state", "该公示事项当前为“%s”", state_labels[s]);
}

enum pub_state pub_next(enum pub_state s, enum pub_action action)
{
    if ((unsigned)action >= PUB_ACT_COUNT)
        return s;
    return leads_to[action];
}

const char *pub_deadline_key(const char *case_kind, const char *outcome)
{
    if (case_kind == NULL)
        return NULL;
    if (strcmp(case_kind, "penalty") == 0)
        return outcome == NULL || strcmp(outcome, "penalty") == 0 ? "publish_penalty"
                                                                  : "publish_other";
    if (strcmp(case_kind, "coercion") == 0)
        return "publish_other";
    return NULL;
}

bool pub_is_minor(int32_t birth, int32_t day)
{
    int by, bm, bd;
    int32_t adult;
    cal_ymd_from_days(birth, &by, &bm, &bd);
    by += PUB_ADULT_AGE;
    if (bm == 2 && bd == 29 && !cal_ymd_valid(by, 2, 29)) {
        bm = 3;
        bd = 1;
    }
    adult = cal_days_from_ymd(by, bm, bd);
    return day < adult;
}

static int line(struct sx_buf *out, const char *label, const char *value)
{
    if (value == NULL || value[0] == '\0')
        return 0;
    int rc = sx_buf_puts(out, label);
    if (rc == 0)
        rc = sx_buf_puts(out, "：");
    if (rc == 0)
        rc = sx_buf_puts(out, value);
    if (rc == 0)
        rc = sx_buf_putc(out, '\n');
    return rc;
}

int pub_summary_build(const struct pub_summary *s, struct sx_buf *out, struct sx_err *err)
{
    const struct {
        const char *name;
        const char *value;
    } required[] = {
        {"document_no", s->document_no}, {"party", s->party}, {"content", s->content},
        {"authority", s->authority},     {"date", s->date},
    };
    size_t old = out->len;
    int rc = 0;
    for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
        if (required[i].value == NULL || required[i].value[0] == '\0')
            return SX_FAIL(err, SX_E_INVALID, "summary-field-missing", "公示摘要缺少必备项目",
                           PUB_SRC_SUMMARY, required[i].name, "摘要须包含 %s", required[i].name);
    }
    rc = line(out, "公示类别", s->kind_label);
    if (rc == 0)
        rc = line(out, "决定书文号", s->document_no);
    if (rc == 0)
        rc = line(out, "案件名称", s->case_name);
    if (rc == 0)
        rc = line(out, "当事人", s->party);
    if (rc == 0)
        rc = line(out, "统一社会信用代码", s->uscc);
    if (rc == 0)
        rc = line(out, "法定代表人", s->legal_rep);
    if (rc == 0)
        rc = line(out, "主要违法事实", s->facts);
    if (rc == 0)
        rc = line(out, "法律依据", s->basis);
    if (rc == 0)
        rc = line(out, "处理决定", s->content);
    if (rc == 0)
        rc = line(out, "作出决定机关", s->authority);
    if (rc == 0)
        rc = line(out, "决定日期", s->date);
    if (rc != 0) {
        out->len = old;
        if (out->data != NULL)
            out->data[old] = '\0';
        return SX_FAIL(err, rc, "summary-too-big", "公示摘要过长", PUB_SRC_SUMMARY, NULL,
                       "摘要超过长度上限");
    }
    return 0;
}
