/*
 * policy: a jurisdiction's rules as data (DESIGN §2 "policy 规则", §4).
 *
 * A policy file is JSON text in which every value carries its legal source:
 *
 *   {
 *     "name":  {"value": "national", "source": "..."},
 *     "title": {"value": "全国通用规则", "source": "..."},
 *     "numbering": {
 *       "pattern":     {"value": "{prefix}医保{kind}〔{year}〕{seq}号", "source": "..."},
 *       "kind_abbrev": {"penalty":    {"value": "罚", "source": "..."},
 *                       "inspection": {"value": "检", "source": "..."},
 *                       "coercion":   {"value": "强", "source": "..."}}
 *     },
 *     "deadlines": {
 *       "<key>": {"days": 7, "unit": "wd", "source": "文件 条款 (ID)"}, ...
 *     }
 *   }
 *
 * "unit" is "wd" (working days: weekends and statutory holidays skipped,
 * make-up working days counted — 行政处罚法 第八十五条) or "cd" (calendar days).
 * A value object and a deadline may also carry "note" (a string for readers,
 * e.g. why a unit was chosen or what is still to be checked). Every field
 * above is required; a value without a source, an unknown key (at any level,
 * including deadline keys not in the catalogue below), a duplicate key or a
 * wrong type is an error naming the JSON path (and line/column for syntax
 * errors). The loader will grow with the legal-review rules.
 *
 * Ownership: pol_parse returns a policy the caller frees with pol_free. Every
 * string an accessor returns lives as long as the policy. Pure: the caller
 * reads the file; no globals, no I/O.
 */
#ifndef POL_POLICY_H
#define POL_POLICY_H

#include <stddef.h>

#include "sx_err.h"

enum pol_unit {
    POL_UNIT_WD, /* working days */
    POL_UNIT_CD, /* calendar days */
};

enum pol_kind {
    POL_KIND_PENALTY,    /* 行政处罚 */
    POL_KIND_INSPECTION, /* 行政检查 */
    POL_KIND_COERCION,   /* 行政强制 */
    POL_KIND_COUNT,
};

#define POL_DAYS_MAX 3650 /* no deadline in any seed or law is longer than ten years */

struct pol_policy;

/*
 * Parse and validate policy text. 0 and *out set, or SX_E_INVALID with type
 * "policy-invalid", field = JSON path ("deadlines.service.unit") and a zh-CN
 * detail; SX_E_NOMEM.
 */
int pol_parse(const char *text, size_t len, struct pol_policy **out, struct sx_err *err) SX_WUR;

/* Free pol; NULL is a no-op. */
void pol_free(struct pol_policy *pol);

const char *pol_name(const struct pol_policy *pol);              /* e.g. "national" */
const char *pol_title(const struct pol_policy *pol);             /* zh-CN display name */
const char *pol_numbering_pattern(const struct pol_policy *pol); /* see core/numbering.h */
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
 * "numbering.kind_abbrev.penalty", "deadlines.service", "name", "title"),
 * or NULL if the policy has no such value.
 */
const char *pol_source(const struct pol_policy *pol, const char *path);

/* Deadline catalogue: number of keys, the i-th key, and its zh-CN label (NULL if unknown). */
size_t pol_deadline_key_count(void);
const char *pol_deadline_key_at(size_t i);
const char *pol_deadline_label(const char *key);

#endif
