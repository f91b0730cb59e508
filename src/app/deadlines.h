/*
 * deadlines: the deadline engine (core/deadline.h) over stored cases. Loads a
 * case's records from the store, parses the bodies the engine reads and runs
 * the engine for today (China Standard Time) or a given day. Nothing is
 * written: deadlines are recomputed on every call, so a newly imported
 * calendar year or a changed policy applies at once.
 *
 * Scans (my deadlines, an org's overdue items) read the case rows in scope
 * (st_case_list pages) and then their records in one ranged read
 * (st_record_scan_brief, only the record types the engine reads, from the
 * first to the last case in scope; split only where
 * the scope skips more than 64 cases in a row), running the engine on each
 * case as its records stream by: no query per case. The first party's type
 * for the review scope comes from the opening record; the other scope facts
 * from the case projection (app_case_scope_case), as the gate reads them.
 * Figures: docs/benchmarks.md, "Deadline recomputation".

 * Access: these functions do not check who is asking. Callers resolve the
 * actor's scope first (app_case_view for one case, app_case_scope for the org
 * ids of a scan).
 *
 * Policy: each case's org's (app_policy_for_org: its preset, or national).
 *
 * Ownership: results live in ctx->arena (strings included); deadline key
 * names, labels and sources point into the app's loaded policies, which
 * outlive it.
 */
#ifndef APP_DEADLINES_H
#define APP_DEADLINES_H

#include <jansson.h>

#include "app.h"
#include "core/deadline.h"

/* Largest number of items a scan returns (it sets truncated when there were more). */
#define APP_DEADLINE_MAX_ITEMS 5000

struct app_deadline_item {
    int64_t case_id;
    int64_t org_id;
    const char *case_number; /* NULL until issued */
    const char *case_kind;   /* penalty | inspection | coercion */
    const char *case_state;
    const char *case_cause; /* may be NULL */
    struct dl_deadline d;
};

struct app_deadline_list {
    const char *today; /* the day the states were computed for, "YYYY-MM-DD" */
    struct app_deadline_item *items;
    size_t n;
    struct dl_pause *pauses; /* app_deadline_case only: the case's suspension periods */
    size_t n_pauses;
    size_t cases_scanned; /* scans: cases whose records were read */
    bool truncated;       /* scans: more items matched than max_items */
};

/*
 * Every deadline of case case_id as of today (met ones included, ordered by
 * due date), with its suspension periods. SX_E_NOTFOUND for no such case;
 * SX_E_INVALID when a record's date is unreadable; SX_E_DB, SX_E_NOMEM.
 */
int app_deadline_case(struct app_ctx *ctx, int64_t case_id, struct app_deadline_list *out,
                      struct sx_err *err) SX_WUR;

/* The same for a given day ("YYYY-MM-DD"; NULL = today). SX_E_INVALID for a bad day. */
int app_deadline_case_on(struct app_ctx *ctx, int64_t case_id, const char *today,
                         struct app_deadline_list *out, struct sx_err *err) SX_WUR;

struct app_deadline_query {
    const int64_t *org_ids; /* the scope: cases of these orgs (n_org_ids == 0 matches nothing) */
    size_t n_org_ids;
    int64_t officer_id; /* 0: any; else only cases this user is an officer of */
    const char *today;  /* "YYYY-MM-DD"; NULL = today */
    unsigned states;    /* bits 1u << enum dl_state; 0 = open and overdue */
    bool include_party; /* also deadlines the party must meet (hearing request) */
    size_t max_items;   /* 0 = APP_DEADLINE_MAX_ITEMS */
};

/*
 * Deadlines of the live cases (not archived, not 不予立案) in q's scope whose
 * state is in q->states and that the bureau must meet (plus the party's with
 * include_party), ordered by due date then case. SX_E_INVALID for a bad day;
 * SX_E_DB, SX_E_NOMEM; a case whose records cannot be read fails the scan.
 */
int app_deadline_scan(struct app_ctx *ctx, const struct app_deadline_query *q,
                      struct app_deadline_list *out, struct sx_err *err) SX_WUR;

/* The bureau's overdue deadlines in the orgs org_ids (GET /deadlines/overdue). */
int app_deadline_overdue(struct app_ctx *ctx, const int64_t *org_ids, size_t n_org_ids,
                         const char *today, struct app_deadline_list *out,
                         struct sx_err *err) SX_WUR;

/*
 * Open and overdue deadlines of the cases user_id is an officer of, within
 * org_ids (GET /deadlines/mine).
 */
int app_deadline_mine(struct app_ctx *ctx, int64_t user_id, const int64_t *org_ids,
                      size_t n_org_ids, const char *today, struct app_deadline_list *out,
                      struct sx_err *err) SX_WUR;

/*
 * The list as JSON for the API: {"today": ..., "truncated": bool, "items": [
 * {"case": {"id", "number", "kind", "state", "cause"}, <dl_deadline_json
 * members>}, ...], "pauses": [...] (case lists only)}. New reference, or
 * NULL when out of memory.
 */
json_t *app_deadline_list_json(const struct app_deadline_list *l);

#endif
