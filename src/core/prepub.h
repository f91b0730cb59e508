/*
 * prepub: the rules of pre-publicity (事前公开) as pure functions — which sections a version
 * holds and what each may contain (YN-1-07, HB-1-08, BJ-2.1-1..4, HE-2.1), which officers may
 * be listed on a given day (valid 执法证 only), when the annual inspection plan is due (in Q1,
 * BJ-2.1-8), and what a 双随机 pool may hold (named targets with a valid USCC).
 *
 * Sections of a draft (a JSON object; every member optional, unknown members refused):
 *   powers            [{name*, kind, basis*, note}]           权责清单及法律依据
 *   procedures        [{kind*, description}]                   执法流程 (flowchart per kind)
 *   service_guides    [{title*, content, forms}]               服务指南
 *   inspection_items  [{subject*, basis, object, content, ratio, method, frequency}]
 *                                                               随机抽查事项清单 (BJ-2.1-3)
 *   remedies          [{title*, content}]                      救济途径
 *   discretion        [{title*, content}]                      裁量基准
 *   hearing_standards [{title*, content}]                      听证标准
 *   report_hotline    "text"                                    举报电话
 *   inspection_plan   {year*, title*, content}                 年度检查计划 (BJ-2.1-8)
 *   officer_photos    {"<user id>": "photo reference"}          执法人员照片 (YN-1-07)
 * (* = required within an item). Strings are at most PREPUB_TEXT_MAX bytes, lists at most
 * PREPUB_LIST_MAX items.
 *
 * Pure: no I/O, no clock (dates are passed in), no globals. jansson values are borrowed.
 */
#ifndef CORE_PREPUB_H
#define CORE_PREPUB_H

#include <stdbool.h>

#include <jansson.h>

#include "sx_err.h"

#define PREPUB_TEXT_MAX 20000
#define PREPUB_LIST_MAX 500
#define PREPUB_POOL_MAX 5000
#define PREPUB_SOURCE "云南 附件1 第七条 (YN-1-07)；湖北 附件1 第八条 (HB-1-08)"
#define PREPUB_PLAN_SOURCE "北京 二(一)8 (BJ-2.1-8)"
#define PREPUB_POOL_SOURCE "北京 二(一)3 (BJ-2.1-3)"

/*
 * Check a draft's sections object against the table above. SX_E_INVALID "prepub-invalid"
 * with err->field naming the place (e.g. "sections.powers[2].basis").
 */
int prepub_sections_check(const json_t *sections, struct sx_err *err) SX_WUR;

/*
 * Is a credential valid on date (all "YYYY-MM-DD"; from/to inclusive)? A missing number or
 * date is never valid: only officers with a credential in force are published (YN-1-07).
 */
bool prepub_cert_valid(const char *cert_no, const char *valid_from, const char *valid_to,
                       const char *date);

/* Where the annual inspection plan of a year stands (BJ-2.1-8: published in Q1). */
enum prepub_plan_state {
    PREPUB_PLAN_PUBLISHED,      /* published on or before 31 March */
    PREPUB_PLAN_PUBLISHED_LATE, /* published after 31 March */
    PREPUB_PLAN_PENDING,        /* not yet published, still in time */
    PREPUB_PLAN_OVERDUE,        /* not published and 31 March has passed */
};

struct prepub_plan_status {
    int year;
    char due[11]; /* "YYYY-03-31" */
    enum prepub_plan_state state;
};

/*
 * The status of year's plan given the date it was first published (NULL: never) and today.
 * SX_E_INVALID for a year outside 2000..2999 or a malformed date.
 */
int prepub_plan_status(int year, const char *published_on, const char *today,
                       struct prepub_plan_status *out, struct sx_err *err) SX_WUR;

/* "published" | "published_late" | "pending" | "overdue" and the Chinese label. */
const char *prepub_plan_state_name(enum prepub_plan_state s);
const char *prepub_plan_state_zh(enum prepub_plan_state s);

/*
 * Check a pool's targets: an array of 1..PREPUB_POOL_MAX objects {name*, uscc*, address,
 * recused: [user ids]} with a valid 统一社会信用代码 (GB 32100-2015) each, no USCC twice.
 * SX_E_INVALID "pool-invalid" naming the field.
 */
int prepub_pool_targets_check(const json_t *targets, struct sx_err *err) SX_WUR;

#endif
