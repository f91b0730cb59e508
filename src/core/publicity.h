/*
 * publicity: the pure rules of results publicity (行政执法结果公示): which
 * deadline a decision's item runs under, whether its party was a minor on the
 * day of the decision (never published), the item's state machine, and the
 * summary text (摘要) built from a decision's fields.
 *
 * Sources: 湖北 附件1 第十一条 (HB-1-11) and 云南 附件1 第十三条 (YN-1-13) for
 * the deadlines (7 WD for penalties, 20 WD for other results); 云南 附件1
 * 第九条 (YN-1-09) and 湖北 附件1 第十二条 (HB-1-12) for the summary's fields;
 * 湖北 附件1 第十三条 (HB-1-13) for what is never published; 湖北 附件1
 * 第十七条 (HB-1-17) for the head's approval; 湖北 附件1 第十四条 (HB-1-14),
 * 北京 二(一)10 (BJ-2.1-10) and 云南 附件1 第十四条 (YN-1-14) for withdrawal and
 * correction.
 *
 * Pure: no I/O, no clock (dates are passed in), no globals.
 *
 * Ownership: all inputs are borrowed; pub_summary_build appends to the
 * caller's sx_buf; returned strings are static constants.
 */
#ifndef CORE_PUBLICITY_H
#define CORE_PUBLICITY_H

#include <stdbool.h>
#include <stdint.h>

#include "sx_buf.h"
#include "sx_err.h"

#define PUB_SRC_DEADLINE "湖北 附件1 第十一条 (HB-1-11)；云南 附件1 第十三条 (YN-1-13)"
#define PUB_SRC_SUMMARY "云南 附件1 第九条 (YN-1-09)；湖北 附件1 第十二条 (HB-1-12)"
#define PUB_SRC_NEVER "湖北 附件1 第十三条 (HB-1-13)；北京 二(一)9 (BJ-2.1-9)"
#define PUB_SRC_APPROVAL "湖北 附件1 第十七条 (HB-1-17)；北京 二(一)10 (BJ-2.1-10)"
#define PUB_SRC_WITHDRAW                                                                           \
    "湖北 附件1 第十四条 (HB-1-14)；北京 二(一)10 (BJ-2.1-10)；云南 附件1 第十四条 (YN-1-14)"
#define PUB_SRC_CORRECTION "云南 附件1 第十四条 (YN-1-14)；湖北 附件1 第十九条 (HB-1-19)"
#define PUB_SRC_LATE "云南 附件1 第十七条 (YN-1-17)"

/* Age below which a party is a minor (民法典 第十七条). */
#define PUB_ADULT_AGE 18

/* An item's states. */
enum pub_state {
    PUB_PENDING,   /* created with the decision; nothing drafted yet */
    PUB_DRAFTED,   /* text drafted and redacted, waiting for the head */
    PUB_APPROVED,  /* the head approved the draft */
    PUB_PUBLISHED, /* on the portal */
    PUB_EXEMPT,    /* never published (HB-1-13) */
    PUB_WITHDRAWN, /* taken down after the decision was changed (HB-1-14) */
    PUB_STATE_COUNT
};

/* What staff do to an item. */
enum pub_action {
    PUB_ACT_DRAFT,
    PUB_ACT_APPROVE,
    PUB_ACT_PUBLISH,
    PUB_ACT_EXEMPT,
    PUB_ACT_WITHDRAW,
    PUB_ACT_CORRECT, /* replace the published text after a correction request */
    PUB_ACT_COUNT
};

/* Why an item is never published (HB-1-13). */
enum pub_exempt_reason {
    PUB_EX_MINOR,          /* 当事人为未成年人 */
    PUB_EX_SECRET,         /* 涉及国家秘密、商业秘密、个人隐私 */
    PUB_EX_SECURITY,       /* 危及国家安全、公共安全、经济安全、社会稳定 */
    PUB_EX_SERIES,         /* 可能影响系列案件查处 */
    PUB_EX_CRIME_REFERRAL, /* 涉嫌犯罪移送司法机关或公安机关正在侦查 */
    PUB_EX_COUNT
};

/* "pending" ... "withdrawn"; NULL for a value out of range. */
const char *pub_state_name(enum pub_state s);
/* zh-CN label ("待拟稿", "已公示" ...). */
const char *pub_state_label(enum pub_state s);
/* Parse a state name; -1 when unknown. */
int pub_state_parse(const char *s);

const char *pub_exempt_name(enum pub_exempt_reason r);
const char *pub_exempt_label(enum pub_exempt_reason r);
/* Parse "minor" | "secret" | ...; -1 when unknown. */
int pub_exempt_parse(const char *s);

/*
 * May action be taken on an item in state s? 0, or SX_E_CONFLICT naming the
 * state and what must come first (e.g. publishing an item that was not
 * approved: "publish-not-approved", citing HB-1-17).
 */
int pub_check(enum pub_state s, enum pub_action action, struct sx_err *err) SX_WUR;

/* The state an allowed action leads to. */
enum pub_state pub_next(enum pub_state s, enum pub_action action);

/*
 * The policy deadline key for a decision: "publish_penalty" for a penalty
 * decision that imposes a penalty (outcome NULL or "penalty"), otherwise
 * "publish_other" (不予处罚, coercion decisions). NULL for a kind that makes
 * no results item ("inspection": published monthly or quarterly, BJ-2.1-9).
 */
const char *pub_deadline_key(const char *case_kind, const char *outcome);

/*
 * Was someone born on birth (cal.h day number) under PUB_ADULT_AGE on day?
 * A person becomes an adult on their 18th birthday (29 February birthdays:
 * on 1 March of a common year).
 */
bool pub_is_minor(int32_t birth, int32_t day);

/* The fields of a summary (云南 附件1 第九条; 湖北 附件1 第十二条). */
struct pub_summary {
    const char *kind_label;  /* "行政处罚决定" / "行政强制决定" */
    const char *document_no; /* 决定书文号 */
    const char *case_name;   /* 案件名称 (the cause) */
    const char *party;       /* organisation name, or the masked person (张某) */
    const char *uscc;        /* organisations only; may be NULL */
    const char *legal_rep;   /* organisations only; may be NULL */
    const char *facts;       /* 主要违法事实 */
    const char *basis;       /* 法律依据 */
    const char *content;     /* 处理决定 */
    const char *authority;   /* 作出决定的机关 */
    const char *date;        /* 决定日期 YYYY-MM-DD */
};

/*
 * Append the summary as labelled lines ("决定书文号：…\n"). A NULL or empty
 * field is left out, except the required ones (document_no, party, content,
 * authority, date): SX_E_INVALID "summary-field-missing" naming the field.
 * SX_E_TOOBIG / SX_E_NOMEM from the buffer.
 */
int pub_summary_build(const struct pub_summary *s, struct sx_buf *out, struct sx_err *err) SX_WUR;

#endif
