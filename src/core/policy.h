/*
 * policy: a jurisdiction's rules as data (DESIGN §2 "policy 规则", §4).
 *
 * A policy file is JSON text in which every value carries its legal source:
 *
 *   {
 *     "name":    {"value": "yunnan", "source": "..."},
 *     "title":   {"value": "云南省医疗保障行政执法规则", "source": "..."},
 *     "extends": {"value": "national", "source": "..."},          (optional)
 *     "numbering": {
 *       "pattern":     {"value": "{prefix}医保{kind}〔{year}〕{seq}号", "source": "..."},
 *       "kind_abbrev": {"penalty":    {"value": "罚", "source": "..."},
 *                       "inspection": {"value": "检", "source": "..."},
 *                       "coercion":   {"value": "强", "source": "..."}}
 *     },
 *     "deadlines": {
 *       "<key>": {"days": 7, "unit": "wd", "source": "文件 条款 (ID)"}, ...
 *     },
 *     "review": {                                                  (optional)
 *       "bodies": {
 *         "<key>": {"label": "本机关法制机构", "rank": 1, "source": "..."}, ...
 *       },
 *       "rules": {
 *         "<id>": {"label": "对公民处5000元以上罚款", "body": "<body key>",
 *                  "source": "云南 附件3 第六条第一项 (YN-3-06)",
 *                  "when": {"kind": ["penalty"], "procedure": ["general"],
 *                           "party_type": ["person"], "hearing": true,
 *                           "categories": ["complex", ...],
 *                           "amount": {"of": ["fine"], "gte": 5000, "lt": 100000}}}, ...
 *       },
 *       "materials": {
 *         "<id>": {"label": "拟作出决定书", "when": "always", "source": "...",
 *                  "points": {"source": "...", "items": {"<id>": "label", ...}}}, ...
 *       }
 *     }
 *   }
 *
 * "unit" is "wd" (working days: weekends and statutory holidays skipped,
 * make-up working days counted — 行政处罚法 第八十五条) or "cd" (calendar days).
 * A value object, deadline, body, rule, material or points object may also
 * carry "note" (a string for readers).
 *
 * Legal review scope (法制审核范围). A case needs review when at least one
 * rule matches it; a rule matches when every condition of its "when" holds
 * (an empty "when" matches every case):
 *   kind        the case's kind is one of the list (pol_vocab POL_VOCAB_ACT)
 *   procedure   general / simple (POL_VOCAB_PROC)
 *   party_type  person / org (POL_VOCAB_PARTY)
 *   hearing     true: decided after a hearing; false: without one
 *   categories  the case carries at least one of them (POL_VOCAB_CATEGORY)
 *   amount      at least one of the amounts in "of" (POL_VOCAB_AMOUNT) lies
 *               within the bounds: "gte" (以上, inclusive) or "gt" (超过,
 *               exclusive) is required and must be above zero; "lt" (不含,
 *               exclusive) or "lte" (inclusive) is optional.
 * AMOUNTS ARE IN YUAN (元), whole numbers from 1 to POL_AMOUNT_MAX_YUAN; a
 * case's amounts may carry fen, so bounds are compared in fen (分).
 * Several rules may match; the reviewing body is that of the matching rule
 * whose body has the highest "rank" (Beijing: municipal bureau over the
 * enforcement corps over the deciding organ's own legal unit).
 * Materials: "when" is "always", "hearing" (only when the case was heard) or
 * "optional" (其他需要提交的材料).
 *
 * Inheritance ("extends"): the policy starts from its parent's values and
 * may add deadlines, bodies, rules and materials, and override a deadline,
 * rule or material only by making it stricter — never remove or loosen one
 * (北京 二(三)2 末段 (BJ-2.3-2c): a district may add to the scope). Errors:
 * a rule or material set to null (removal); a redefined rule that would not
 * match every case the parent's rule matches (fewer kinds/procedures/party
 * types/categories or amount fields, a new hearing or category or amount
 * condition, a higher lower bound or lower upper bound) or names another
 * body; a material made less required or losing an explanation point; a
 * deadline made longer ("within N days" keys) or shorter (keys that give the
 * party time or count back from an event, see pol_deadline_is_minimum);
 * a redefined body. A file's "extends" is resolved through a caller-supplied
 * reader, so this module stays free of I/O.
 *
 * Every field above is required unless marked optional; numbering and
 * deadlines may be omitted when the policy extends another. A value without
 * a source, an unknown key (at any level, including deadline keys not in the
 * catalogue below), a duplicate key or a wrong type is an error naming the
 * JSON path and its line in the file.
 *
 * Ownership: pol_parse/pol_load return a policy the caller frees with
 * pol_free (it owns its parent). Every string and struct an accessor returns
 * lives as long as the policy. Pure: the caller reads the files (through
 * struct pol_loader); no globals, no I/O. A loaded policy is read-only and
 * may be shared between threads.
 */
#ifndef POL_POLICY_H
#define POL_POLICY_H

#include <jansson.h>
#include <stddef.h>

#include "sx_buf.h"
#include "sx_err.h"

enum pol_unit {
    POL_UNIT_WD, /* working days */
    POL_UNIT_CD, /* calendar days */
};

/* Kinds with their own document numbering (numbering.kind_abbrev). */
enum pol_kind {
    POL_KIND_PENALTY,    /* 行政处罚 */
    POL_KIND_INSPECTION, /* 行政检查 */
    POL_KIND_COERCION,   /* 行政强制 */
    POL_KIND_COUNT,
};

#define POL_DAYS_MAX 3650 /* no deadline in any seed or law is longer than ten years */
#define POL_AMOUNT_MAX_YUAN 1000000000000LL /* 一万亿元: far above any fine or fund amount */
#define POL_EXTENDS_MAX 8 /* national → province → city → county leaves room */
#define POL_BODIES_MAX 16
#define POL_RULES_MAX 128
#define POL_MATERIALS_MAX 32
#define POL_POINTS_MAX 16

/*
 * Vocabularies of the review scope: the words a policy's "when" and a case
 * (core/scope.h) may use. The i-th key of a vocabulary is bit (1u << i) in
 * the masks of struct pol_rule.
 */
enum pol_vocab {
    POL_VOCAB_ACT,      /* penalty coercion inspection confirmation payment */
    POL_VOCAB_PROC,     /* general simple */
    POL_VOCAB_PARTY,    /* person org */
    POL_VOCAB_AMOUNT,   /* fine confiscation fund_recovery payment_refusal */
    POL_VOCAB_CATEGORY, /* agreement_termination ... other_major, see policy.c */
    POL_VOCAB_COUNT,
};

enum pol_act {
    POL_ACT_PENALTY,      /* 行政处罚 */
    POL_ACT_COERCION,     /* 行政强制 */
    POL_ACT_INSPECTION,   /* 行政检查 */
    POL_ACT_CONFIRMATION, /* 行政确认 */
    POL_ACT_PAYMENT,      /* 行政给付 */
    POL_ACT_COUNT,
};

enum pol_proc { POL_PROC_GENERAL, POL_PROC_SIMPLE, POL_PROC_COUNT };
enum pol_party { POL_PARTY_PERSON, POL_PARTY_ORG, POL_PARTY_COUNT };

enum pol_amount {
    POL_AMOUNT_FINE,            /* 罚款 */
    POL_AMOUNT_CONFISCATION,    /* 没收违法所得、没收非法财物的价值 */
    POL_AMOUNT_FUND_RECOVERY,   /* 追回医保基金（单笔） */
    POL_AMOUNT_PAYMENT_REFUSAL, /* 拒付医保基金（单笔） */
    POL_AMOUNT_COUNT,
};

/* Number of keys; the i-th key and zh-CN label (NULL past the end); index of key or -1. */
size_t pol_vocab_count(enum pol_vocab v);
const char *pol_vocab_key(enum pol_vocab v, size_t i);
const char *pol_vocab_label(enum pol_vocab v, size_t i);
int pol_vocab_find(enum pol_vocab v, const char *key);

/* A reviewing body (审核机构) a rule routes to. */
struct pol_body {
    const char *key;   /* "legal_unit", "municipal", "corps", ... */
    const char *label; /* zh-CN */
    const char *source;
    const char *defined_in; /* name of the policy that defined it */
    int rank;               /* higher wins when rules of several bodies match */
};

/* One review-scope rule, conditions flattened into masks (see the top comment). */
struct pol_rule {
    const char *id;
    const char *label; /* zh-CN, what the rule says */
    const char *source;
    const char *body;       /* key of a struct pol_body of the same policy */
    const char *defined_in; /* name of the policy whose text this rule is */
    unsigned acts;          /* bit per POL_VOCAB_ACT; all bits = no condition */
    unsigned procs;         /* bit per POL_VOCAB_PROC; all bits = no condition */
    unsigned parties;       /* bit per POL_VOCAB_PARTY; all bits = no condition */
    int hearing;            /* -1 no condition, 0 not heard, 1 heard */
    unsigned categories;    /* bit per POL_VOCAB_CATEGORY; 0 = no condition; else any of */
    unsigned amount_of;     /* bit per POL_VOCAB_AMOUNT; 0 = no amount condition */
    long long min_fen;      /* inclusive bounds in fen (分) when amount_of != 0 */
    long long max_fen;
    const json_t *when; /* the "when" object as written (owned by the policy) */
};

enum pol_when {
    POL_WHEN_OPTIONAL, /* submitted when there is any */
    POL_WHEN_HEARING,  /* required when the case was heard */
    POL_WHEN_ALWAYS,   /* always required */
};

/* One review material (送审材料), with the points it must cover, if listed. */
struct pol_material {
    const char *id;
    const char *label;
    const char *source;
    const char *defined_in;
    enum pol_when when;
    const char *points_source; /* NULL when n_points == 0 */
    size_t n_points;
    const char *point_ids[POL_POINTS_MAX];
    const char *point_labels[POL_POINTS_MAX];
};

struct pol_policy;

/*
 * Reads the text of the policy named name (an "extends" value; only
 * [a-z0-9-], at most 64 bytes) by appending it to out. 0, or a negative
 * SX_E_* with err filled (SX_E_IO / SX_E_NOTFOUND when there is no such
 * preset).
 */
struct pol_loader {
    int (*read)(void *ctx, const char *name, struct sx_buf *out, struct sx_err *err);
    void *ctx;
};

/*
 * Parse and validate policy text that does not extend another. 0 and *out
 * set, or SX_E_INVALID with type "policy-invalid", field = JSON path
 * ("deadlines.service.unit") and a zh-CN detail ending with the line
 * ("（第 12 行）"); SX_E_NOMEM. A policy with "extends" is an error here:
 * use pol_load.
 */
int pol_parse(const char *text, size_t len, struct pol_policy **out, struct sx_err *err) SX_WUR;

/*
 * As pol_parse, resolving "extends" through loader (may be NULL when the
 * text extends nothing). A parent that cannot be read or is invalid is an
 * error on "extends.value" quoting the parent's error.
 */
int pol_load(const char *text, size_t len, const struct pol_loader *loader, struct pol_policy **out,
             struct sx_err *err) SX_WUR;

/* One problem found by pol_check. */
struct pol_diag {
    int line;   /* 1-based line of the offending key (or its nearest parent); 0 unknown */
    int column; /* syntax errors only; 0 otherwise */
    struct sx_err err;
};

/*
 * Validate text like pol_load but report every problem (each member is
 * checked even after an earlier one failed), calling each(ctx, diag) in file
 * order. Returns the number of problems (0: valid), or SX_E_NOMEM.
 */
int pol_check(const char *text, size_t len, const struct pol_loader *loader,
              void (*each)(void *ctx, const struct pol_diag *d), void *ctx) SX_WUR;

/* Free pol (and its parents); NULL is a no-op. */
void pol_free(struct pol_policy *pol);

const char *pol_name(const struct pol_policy *pol);                /* e.g. "national" */
const char *pol_title(const struct pol_policy *pol);               /* zh-CN display name */
const char *pol_extends(const struct pol_policy *pol);             /* parent's name or NULL */
const struct pol_policy *pol_parent(const struct pol_policy *pol); /* NULL for a root */
const char *pol_numbering_pattern(const struct pol_policy *pol);   /* see core/numbering.h */
const char *pol_kind_abbrev(const struct pol_policy *pol,
                            enum pol_kind kind); /* NULL if bad kind */

/*
 * Look up deadline key. Returns 0 and sets *days, *unit and *source (each
 * out-pointer may be NULL), SX_E_NOTFOUND ("deadline-not-set") if the policy
 * does not set it, SX_E_INVALID if key is not in the catalogue.
 */
int pol_deadline(const struct pol_policy *pol, const char *key, int *days, enum pol_unit *unit,
                 const char **source, struct sx_err *err) SX_WUR;

/*
 * The source of the value at a dotted path ("numbering.pattern",
 * "numbering.kind_abbrev.penalty", "deadlines.service", "name", "title",
 * "extends", "review.bodies.<key>", "review.rules.<id>",
 * "review.materials.<id>"), or NULL if the policy has no such value.
 */
const char *pol_source(const struct pol_policy *pol, const char *path);

/* Deadline catalogue: number of keys, the i-th key, and its zh-CN label (NULL if unknown). */
size_t pol_deadline_key_count(void);
const char *pol_deadline_key_at(size_t i);
const char *pol_deadline_label(const char *key);

/*
 * 1 when key's period is a minimum, so that a longer period is the stricter
 * one (time the party is given, such as hearing_request, and periods counted
 * back from an event, such as hearing_notice); 0 for "within N days" duties;
 * -1 for an unknown key.
 */
int pol_deadline_is_minimum(const char *key);

/* Review scope, merged over the extends chain, in file order (parent's first). */
size_t pol_body_count(const struct pol_policy *pol);
const struct pol_body *pol_body_at(const struct pol_policy *pol, size_t i);
const struct pol_body *pol_body_find(const struct pol_policy *pol, const char *key);
size_t pol_rule_count(const struct pol_policy *pol);
const struct pol_rule *pol_rule_at(const struct pol_policy *pol, size_t i);
const struct pol_rule *pol_rule_find(const struct pol_policy *pol, const char *id);
size_t pol_material_count(const struct pol_policy *pol);
const struct pol_material *pol_material_at(const struct pol_policy *pol, size_t i);

/*
 * The merged policy as a JSON object for people and the admin UI: name,
 * title, extends, numbering, deadlines (with label, source and the policy
 * that set each), review bodies, rules (conditions as in the file, amounts
 * in yuan) and materials, each with its source. New reference; NULL when out
 * of memory.
 */
json_t *pol_to_json(const struct pol_policy *pol);

#endif
