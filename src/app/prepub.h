/*
 * prepub: pre-publicity (事前公开) and 双随机 draws as use cases over the store (issue 4,
 * points 1 and 2).
 *
 * Pre-publicity is versioned and append-only: a publisher (or the org's admin) files a draft,
 * which is a new immutable version holding a snapshot of the org's subject information, its
 * officers with their credentials, and the sections of core/prepub.h; a head of the org
 * approves it; a publisher publishes it (HB-1-17: publication after the head's approval; YN-1-14:
 * changed pre-publicity is updated). Approval and publication are event rows; nothing is ever
 * updated in place. The portal shows the most recently published version with its date; older
 * published versions stay listable. Officers whose 执法证 is not valid on the viewing date are
 * left out when a version is shown (YN-1-07), so an expired credential drops off by itself.
 *
 * Draws: a pool (targets with USCC, and the org's officers with a credential valid that day as
 * inspectors) is published as an immutable row whose SM3 is its identity; a draw takes the
 * newest record chain head at draw time as a public value, runs core/draw, and stores pool
 * hash, public value, seed and result, so anyone can re-run it (app_draw_verify,
 * scripts/draw_verify.py).
 *
 * Access: staff functions take the actor (NULL = CLI operator, allowed everything) and check
 * role and org; portal functions take no actor and return only published data.
 *
 * Ownership: json_t results belong to the caller (json_decref); other results live in
 * ctx->arena. Inputs are borrowed.
 */
#ifndef APP_PREPUB_H
#define APP_PREPUB_H

#include <jansson.h>

#include "app.h"
#include "core/prepub.h"
#include "sx_buf.h"

/* Portal path of the flowchart of a kind, as listed in a version's procedures. */
#define APP_FLOWCHART_PATH "/api/v1/portal/prepub/flowcharts/"

/*
 * File a draft: sections (see core/prepub.h) plus a snapshot of the org and its officers.
 * Roles publisher or admin, of org_id. Sets *version_id and *version. Errors: SX_E_FORBIDDEN,
 * SX_E_NOTFOUND (org), SX_E_INVALID (sections; a procedure of an unknown kind), store errors.
 */
int app_prepub_draft(struct app_ctx *ctx, const struct app_principal *actor, int64_t org_id,
                     const json_t *sections, int64_t *version_id, int64_t *version,
                     struct sx_err *err) SX_WUR;

/*
 * Approve (head of the version's org) or publish (publisher or admin of the org; needs the
 * approval first: SX_E_GATE "prepub-not-approved", HB-1-17). SX_E_CONFLICT when already
 * approved / published, or "prepub-stale" when a newer version is already published.
 */
int app_prepub_approve(struct app_ctx *ctx, const struct app_principal *actor, int64_t version_id,
                       struct sx_err *err) SX_WUR;
int app_prepub_publish(struct app_ctx *ctx, const struct app_principal *actor, int64_t version_id,
                       struct sx_err *err) SX_WUR;

/*
 * Staff views: one version (any state) or an org's versions, for staff of that org (or admin,
 * supervisor). *out is {"items": [...]} for the list. SX_E_FORBIDDEN, SX_E_NOTFOUND.
 */
int app_prepub_staff_get(struct app_ctx *ctx, const struct app_principal *actor, int64_t version_id,
                         json_t **out, struct sx_err *err) SX_WUR;
int app_prepub_staff_list(struct app_ctx *ctx, const struct app_principal *actor, int64_t org_id,
                          json_t **out, struct sx_err *err) SX_WUR;

/*
 * Portal: the current published version of org_id as seen on day today (NULL: today), or
 * published version number `version` (0: current); the list of published versions. Unpublished
 * versions are SX_E_NOTFOUND, exactly like missing ones.
 */
int app_prepub_portal_get(struct app_ctx *ctx, int64_t org_id, int64_t version, const char *today,
                          json_t **out, struct sx_err *err) SX_WUR;
int app_prepub_portal_history(struct app_ctx *ctx, int64_t org_id, json_t **out,
                              struct sx_err *err) SX_WUR;
/* Orgs with a published pre-publicity: [{org_id, name, version, published_at}]. */
int app_prepub_portal_index(struct app_ctx *ctx, json_t **out, struct sx_err *err) SX_WUR;

/*
 * Portal officer search (BJ-2.1-4: the officer list is searchable online): officers of every
 * org's current published version whose credential is valid today, whose name or credential
 * number contains q (NULL or "": all), at most APP_PREPUB_OFFICERS_MAX. *out {"items": [...],
 * "truncated": bool}. SX_E_INVALID for q longer than 64 bytes.
 */
#define APP_PREPUB_OFFICERS_MAX 500
int app_prepub_portal_officers(struct app_ctx *ctx, const char *q, json_t **out,
                               struct sx_err *err) SX_WUR;

/*
 * The annual inspection plan status of every org the actor oversees (admin and supervisor: all
 * orgs; others: their own) for year (0: this year) on today (NULL: today): *out {"year", "due",
 * "overdue": count, "items": [{org_id, name, state, state_zh}]} (BJ-2.1-8).
 */
int app_prepub_plan_overview(struct app_ctx *ctx, const struct app_principal *actor, int year,
                             const char *today, json_t **out, struct sx_err *err) SX_WUR;

/*
 * The annual inspection plan status of org_id for year (0: today's year) on today (NULL:
 * today), from its published versions (BJ-2.1-8).
 */
int app_prepub_plan_status(struct app_ctx *ctx, int64_t org_id, int year, const char *today,
                           struct prepub_plan_status *out, struct sx_err *err) SX_WUR;

/* The SVG flowchart of kind ("penalty" ...) into out. SX_E_NOTFOUND for an unknown kind. */
int app_flowchart_svg(struct app_ctx *ctx, const char *kind, struct sx_buf *out,
                      struct sx_err *err) SX_WUR;

/*
 * Publish a 双随机 pool for org_id: targets (see prepub_pool_targets_check) and, as
 * inspectors, the org's officers with a credential valid today. Roles publisher, head or
 * admin of the org. Sets *pool_id. SX_E_INVALID (targets; no inspector with a valid credential).
 */
int app_pool_publish(struct app_ctx *ctx, const struct app_principal *actor, int64_t org_id,
                     const json_t *targets, int64_t *pool_id, struct sx_err *err) SX_WUR;

/*
 * Run and publish a draw of k targets and m inspectors each from pool_id (0: the org's newest
 * pool). Roles publisher, head or admin of the org. Sets *draw_id. core/draw errors.
 */
int app_draw_run(struct app_ctx *ctx, const struct app_principal *actor, int64_t org_id,
                 const char *title, int64_t k, int64_t m, int64_t pool_id, int64_t *draw_id,
                 struct sx_err *err) SX_WUR;

/* Portal: a draw, a pool, a page of draws (org_id 0: all), and a re-run of a draw. */
int app_draw_portal_get(struct app_ctx *ctx, int64_t draw_id, json_t **out,
                        struct sx_err *err) SX_WUR;
int app_pool_portal_get(struct app_ctx *ctx, int64_t pool_id, json_t **out,
                        struct sx_err *err) SX_WUR;
int app_draw_portal_list(struct app_ctx *ctx, int64_t org_id, int64_t after_id, int limit,
                         json_t **items, int *more, int64_t *last_id, struct sx_err *err) SX_WUR;
/*
 * Re-run a published draw from its stored pool and public value: *out is {"draw_id", "match",
 * "seed", "stored_seed", "result"}. match false means the stored result is not what the
 * generator gives (tampering or a generator change).
 */
int app_draw_verify(struct app_ctx *ctx, int64_t draw_id, json_t **out, struct sx_err *err) SX_WUR;

/*
 * Demo data (called by app/demo.c for each demo org, after its cases): a published
 * pre-publicity version (drafted and published by the operator, approved by head), a pool of
 * six synthetic pharmacies and one draw of two targets by head. n is the org's index, which
 * makes the synthetic USCCs unique.
 */
int app_prepub_demo_org(struct app_ctx *ctx, int64_t org_id, const struct app_principal *head,
                        int n, struct sx_err *err) SX_WUR;

#endif
