/*
 * annual: the annual statistics report (行政执法统计年报, Hubei 附件1 第十五条 items 1-6,
 * HB-1-15; published by 31 January, YN-1-15, HE-2.3c) as pure functions: the report of one
 * org and its subtree for one year, computed from facts the app layer gathers from records and
 * projections (never typed in), its rendering as Chinese-labelled tables (one per item, for
 * CSV and XLSX), and where its publication stands against the 31 January deadline.
 *
 * Year boundaries are China Standard Time (UTC+8): a record made at 2025-12-31T16:30:00Z
 * belongs to 2026. Dates passed in as "YYYY-MM-DD" are already CST dates.
 *
 * Pure: no I/O, no clock, no globals. Ownership: inputs are borrowed; json_t results belong
 * to the caller (json_decref).
 */
#ifndef CORE_ANNUAL_H
#define CORE_ANNUAL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "sx_err.h"

#define ANNUAL_SOURCE "湖北 附件1 第十五条 (HB-1-15)"
#define ANNUAL_DUE_SOURCE "湖北 附件1 第十五条 (HB-1-15)；云南 附件1 第十五条 (YN-1-15)"
#define ANNUAL_FULLTEXT_SOURCE "河北 二(三) (HE-2.3)：一般程序行政处罚决定书全文公示率 100%"
#define ANNUAL_ONTIME_SOURCE                                                                       \
    "湖北 附件1 第十一条 (HB-1-11)：处罚决定 7 个工作日内、其他决定 20 个工作日内公开"

/* An enforcement subject (执法主体): the report's org or one below it. */
struct annual_org {
    int64_t id;
    int64_t parent_id;
    const char *code, *name, *level;
};

/* A user of one of the orgs (as the users table holds them now). */
struct annual_user {
    int64_t org_id;
    const char *roles; /* comma-separated */
    const char *post;  /* may be NULL */
    const char *cert_no, *cert_valid_from, *cert_valid_to;
};

/*
 * A case of one of the orgs with the facts its records give. Dates are CST "YYYY-MM-DD" or
 * NULL. Amounts in fen come from the decision record.
 */
struct annual_case {
    int64_t id, org_id;
    const char *kind;       /* penalty | inspection | coercion */
    const char *source;     /* complaint | report | inspection | ... ; may be NULL */
    const char *state;      /* workflow state */
    const char *created_on; /* CST date the case was opened */
    const char *decided_on; /* decision / coercion decision date, NULL: none */
    const char *outcome;    /* decision outcome: penalty | no_penalty (penalty kind) */
    int warning;            /* decision includes a 警告 */
    int64_t fine_fen, confiscation_fen, recovery_fen;
    const char *measure; /* coercion measure, NULL otherwise */
};

/* A results-publicity item of one of the orgs. */
struct annual_pub {
    int64_t org_id;
    const char *case_kind;    /* penalty | coercion */
    const char *state;        /* core/publicity.h state names */
    const char *form;         /* full | summary | NULL */
    const char *published_on; /* CST date or NULL */
    const char *due_on;       /* date or NULL */
};

struct annual_input {
    int year;
    const struct annual_org *orgs; /* orgs[0] is the report's org, then its subtree */
    size_t n_orgs;
    const struct annual_user *users;
    size_t n_users;
    const struct annual_case *cases;
    size_t n_cases;
    const struct annual_pub *pubs;
    size_t n_pubs;
    /* inspection plan of the year (from published pre-publicity and 双随机 draws) */
    const char *plan_state;    /* prepub plan state name, NULL: unknown */
    const char *plan_state_zh; /* its Chinese label */
    int64_t planned_targets;   /* targets drawn by the year's 双随机 draws */
};

/*
 * The CST date ("YYYY-MM-DD", out[11]) of a UTC timestamp "YYYY-MM-DDTHH:MM:SS[.fff]Z" or of a
 * plain date (copied). SX_E_INVALID for anything else.
 */
int annual_cst_date(const char *ts, char out[11], struct sx_err *err) SX_WUR;

/* Does the CST date (YYYY-MM-DD) fall in year? NULL and malformed dates never do. */
int annual_in_year(const char *date, int year);

/*
 * Compute the report. *out: {org, year, period, subjects, staff, penalties, coercion,
 * inspection, complaints, publicity, other, counts, sources} (see docs/openapi.json). Per
 * capita figures and rates are null when their denominator is 0. SX_E_INVALID for a year
 * outside 2000..2999 or no org; SX_E_NOMEM.
 */
int annual_compute(const struct annual_input *in, json_t **out, struct sx_err *err) SX_WUR;

/*
 * The report as tables, one per item with a Chinese sheet name:
 * [{"sheet": "一、执法主体", "columns": ["项目", ...], "rows": [[...], ...]}]; every cell is a
 * string or a number. SX_E_INVALID when report lacks an item; SX_E_NOMEM.
 */
int annual_tables(const json_t *report, json_t **out, struct sx_err *err) SX_WUR;

/*
 * Publication status of year's report: due (year+1)-01-31 (HB-1-15, YN-1-15), given the date
 * it was first published (NULL: never) and today. state: "published" | "published_late" |
 * "pending" | "overdue"; out_due[11] gets the due date. SX_E_INVALID for bad dates.
 */
int annual_due_status(int year, const char *published_on, const char *today, char out_due[11],
                      const char **state, const char **state_zh, struct sx_err *err) SX_WUR;

#endif
