/*
 * review_route: which org provides each reviewing body (法制审核机构) a
 * policy names, for the cases of a given org (issue 3 point 3: "assigned to
 * a reviewer of the right body").
 *
 * A preset names bodies by key: Beijing's "municipal" (市医保局法制机构) and
 * "corps" (执法总队法制机构), picked by rule rank (北京 二(三)2 (BJ-2.3-2a/b));
 * every other preset's "legal_unit" (the deciding organ's own legal unit,
 * 行政处罚法 第五十八条). Which org of this installation is that body is
 * an installation setting, set on an org for its own cases and the cases of
 * every org below it:
 *
 *   settings key  "review_body.<org code>.<body key>"
 *   value         the code of the org whose reviewers form the body
 *
 * Resolution for a case of org O and body B: the setting of O for B, else of
 * O's parent, and so up the tree; when no org on the way sets B, the body is
 * O's own legal unit (O itself) — the national rule, and what every preset
 * but Beijing's says. So a Beijing installation sets "municipal" and "corps"
 * once on the municipal bureau, and every district below it is routed.
 *
 * The routing in force when a review is submitted is written into the
 * submission record (review_body, review_org_id), so the chain shows who was
 * to review; a later change of the setting applies to later submissions.
 *
 * Ownership: strings returned live in ctx->arena.
 */
#ifndef APP_REVIEW_ROUTE_H
#define APP_REVIEW_ROUTE_H

#include <stdint.h>

#include "app.h"
#include "core/policy.h"

/* Longest chain of parents followed (a loop in bad data stops there). */
#define APP_REVIEW_ROUTE_DEPTH 16

/*
 * Set which org provides body for the cases of org_code and the orgs below it.
 * body must be a body of org_code's policy; both orgs must exist.
 * SX_E_INVALID ("unknown-org", "unknown-review-body"); SX_E_DB.
 */
int app_review_body_set(struct app_ctx *ctx, const char *org_code, const char *body,
                        const char *provider_code, struct sx_err *err) SX_WUR;

/*
 * The org that provides body for the cases of case_org_id (see the top
 * comment): *provider_org_id is set, never 0. body NULL means "no rule
 * matched": the case's own org. SX_E_INVALID when a setting names an org
 * that no longer exists ("review-body-misconfigured"); SX_E_DB.
 */
int app_review_body_org(struct app_ctx *ctx, int64_t case_org_id, const char *body,
                        int64_t *provider_org_id, struct sx_err *err) SX_WUR;

#endif
