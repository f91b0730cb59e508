/*
 * scope: does a decision need legal review (法制审核), which rules say so,
 * and which body reviews it (issue 3 point 2; 云南 附件3 第六条 (YN-3-06),
 * 湖北 附件3 第九条 (HB-3-09), 北京 二(三)2 (BJ-2.3-2a/b), 河北 四(二)
 * (HE-4.2), 行政处罚法 第五十八条).
 *
 * The rules are the policy's (core/policy.h, "review.rules"); this module
 * reads a case description, matches every rule against it and picks the
 * reviewing body. The same function serves `sanxiang review-scope`, the API
 * and the workflow's review gate.
 *
 * A case is a JSON object (unknown keys refused):
 *   kind         required: "penalty" | "coercion" | "inspection" |
 *                "confirmation" | "payment"
 *   party_type   required: "person" | "org"
 *   procedure    "general" (default) | "simple"
 *   fine, confiscation, fund_recovery, payment_refusal
 *                amounts in YUAN (元), default 0: a number >= 0 with at most
 *                two decimals (分), at most POL_AMOUNT_MAX_YUAN.
 *                fund_recovery and payment_refusal are the largest single
 *                item (单笔, 北京 二(三)2(4)); fine and confiscation only
 *                with kind "penalty".
 *   hearing      true when the decision follows a hearing (default false);
 *                not with procedure "simple" (简易程序不举行听证)
 *   categories   list of distinct category keys (POL_VOCAB_CATEGORY)
 *
 * Ownership: a struct scope_result points into the policy (its rules and
 * bodies); keep the policy alive while using it. Pure: no I/O, no globals.
 */
#ifndef CORE_SCOPE_H
#define CORE_SCOPE_H

#include <jansson.h>
#include <stddef.h>

#include "policy.h"
#include "sx_err.h"

struct scope_case {
    enum pol_act kind;
    enum pol_proc procedure;
    enum pol_party party_type;
    long long amount_fen[POL_AMOUNT_COUNT]; /* in fen (分), indexed by enum pol_amount */
    int hearing;                            /* 0 or 1 */
    unsigned categories;                    /* bit per POL_VOCAB_CATEGORY key */
};

struct scope_result {
    int required;                /* at least one rule matched */
    const struct pol_body *body; /* highest-ranked body of the matched rules; NULL if none */
    size_t n_rules;
    const struct pol_rule *rules[POL_RULES_MAX]; /* matched rules, in policy order */
};

/*
 * Read a case from a JSON object. 0 and *out filled, or SX_E_INVALID with
 * type "review-case-invalid", field = the key ("fine") and a zh-CN detail.
 */
int scope_case_from_json(const json_t *obj, struct scope_case *out, struct sx_err *err) SX_WUR;

/* As scope_case_from_json on JSON text (duplicate keys refused; syntax errors give line/column). */
int scope_case_parse(const char *text, size_t len, struct scope_case *out,
                     struct sx_err *err) SX_WUR;

/* 1 if every condition of rule r holds for case c, else 0. */
int scope_rule_matches(const struct pol_rule *r, const struct scope_case *c);

/* Match every rule of pol against c; fills *out (see struct scope_result). */
void scope_evaluate(const struct pol_policy *pol, const struct scope_case *c,
                    struct scope_result *out);

/*
 * {"required": bool, "body": key or null, "rules": [{"id", "label", "source"}, ...]}.
 * New reference; NULL when out of memory.
 */
json_t *scope_result_json(const struct scope_result *res);

#endif
