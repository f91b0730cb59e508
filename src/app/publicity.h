/*
 * publicity: results publicity (行政执法结果公示) over stored cases. When a
 * decision is made (penalty `decide`, coercion `decide`), app_pub_on_step —
 * called by app_case_step_tx in the step's own transaction — creates the
 * decision's publicity item with its due date from the org's policy
 * (publish_penalty 7 WD / publish_other 20 WD, working days from the
 * calendar), and marks it exempt at once when a party was a minor on the
 * decision date (湖北 附件1 第十三条 HB-1-13, from the ID number's birth date).
 *
 * Then staff: the publisher drafts (full text or summary, redacted with
 * core/redact and the case's names; 云南 附件1 第九、十条), the head approves
 * (湖北 附件1 第十七条), the publisher publishes — the publish gate (red_scan)
 * blocks while any detector still hits, unless the publisher overrides with a
 * recorded reason; a late publication needs its reason (云南 附件1 第十七条).
 * Exemptions (HB-1-13) by choice with a reason; withdrawal of a published
 * item whose decision was revoked or changed, within withdraw_published, with
 * the change published (HB-1-14, BJ-2.1-10, YN-1-14); a party's correction
 * request from the portal, verified against the case's party (number + ID
 * number/USCC), answered within publish_other's 20 WD (政府信息公开条例
 * 第三十三条; YN-1-14) by correcting (the text is redacted again) or refusing
 * with reasons and remedies.
 *
 * Every step is a record in the case's SM3 chain (types publicity_item,
 * publicity_draft, publicity_approval, publication, publicity_exempt,
 * publicity_withdrawal, publicity_correction_request,
 * publicity_correction_reply in data/records/catalog.json); the tables
 * publicity_items and publicity_corrections are projections of them,
 * written in the same transaction.
 *
 * Access: staff functions check roles (publisher drafts, publishes,
 * withdraws and answers corrections; the head approves; publisher or head
 * exempts) and scope (the actor's org, or its subtree for heads and
 * supervisors); an item outside the scope is SX_E_NOTFOUND. The portal
 * functions take no actor and only ever return published items (withdrawn
 * ones as notices): anything else is SX_E_NOTFOUND, whatever the id.
 *
 * Ownership: results live in ctx->arena; inputs are borrowed.
 */
#ifndef APP_PUBLICITY_H
#define APP_PUBLICITY_H

#include <jansson.h>

#include "app.h"
#include "core/redact.h"
#include "store/store.h"

/*
 * The step hook: after a successful step that appended rec (type decision or
 * coercion_decision; others are ignored) to case c with body, create its
 * publicity item (and the exemption of a minor). Runs inside the step's
 * transaction; an error fails the step.
 */
int app_pub_on_step(struct app_ctx *ctx, const struct app_principal *actor, const struct st_case *c,
                    const struct st_record *rec, const json_t *body, struct sx_err *err) SX_WUR;

/* An item as staff see it. */
struct app_pub_view {
    struct st_pub_item it;
    const char *org_name;
    const char *state_label;
    bool overdue;           /* not published, not exempt, today after due_on */
    struct red_report gate; /* the publish gate on the current draft (n = 0: clear) */
};

/* Staff queue: items in the actor's scope, state NULL = any. */
int app_pub_list(struct app_ctx *ctx, const struct app_principal *actor, const char *state,
                 int64_t after_id, int limit, struct st_pub_item **out, size_t *n, int *more,
                 struct sx_err *err) SX_WUR;

/* One item in the actor's scope, with the gate's scan of its draft. Free v->gate. */
int app_pub_get(struct app_ctx *ctx, const struct app_principal *actor, int64_t id,
                struct app_pub_view *v, struct sx_err *err) SX_WUR;

struct app_pub_draft_in {
    const char *form;            /* full | summary */
    const char *full_text;       /* form full: the decision's text, redacted here */
    const char *text;            /* optional: the publisher's final text, taken as is */
    const char *title;           /* optional: default from party and document number */
    const json_t *extra_persons; /* optional array of further names to mask */
};

int app_pub_draft(struct app_ctx *ctx, const struct app_principal *actor, int64_t id,
                  const struct app_pub_draft_in *in, struct sx_err *err) SX_WUR;
int app_pub_approve(struct app_ctx *ctx, const struct app_principal *actor, int64_t id,
                    const char *opinion, struct sx_err *err) SX_WUR;
/* override_reason: needed when the gate still finds personal data; late_reason: after due_on. */
int app_pub_publish(struct app_ctx *ctx, const struct app_principal *actor, int64_t id,
                    const char *override_reason, const char *late_reason,
                    struct sx_err *err) SX_WUR;
int app_pub_exempt(struct app_ctx *ctx, const struct app_principal *actor, int64_t id,
                   const char *reason, const char *explanation, struct sx_err *err) SX_WUR;

/* change: change_kind, authority, document_no, change_date, received_on, content[, late_reason]. */
int app_pub_withdraw(struct app_ctx *ctx, const struct app_principal *actor, int64_t id,
                     const json_t *change, struct sx_err *err) SX_WUR;

/* Correction requests on items in the actor's scope. */
int app_pub_corr_list(struct app_ctx *ctx, const struct app_principal *actor, const char *state,
                      int64_t after_id, int limit, struct st_pub_correction **out, size_t *n,
                      int *more, struct sx_err *err) SX_WUR;

/* reply: outcome, reply, remedies, corrected_text, notified_by. */
int app_pub_corr_reply(struct app_ctx *ctx, const struct app_principal *actor, int64_t corr_id,
                       const json_t *reply, struct st_pub_correction *out,
                       struct sx_err *err) SX_WUR;

/* ---- portal (no login) ---- */

/* A published item (or a withdrawn one, for the notices) as the public sees it. */
struct app_pub_public {
    const struct st_pub_item *it;
    const char *org_name;
};

int app_pub_portal_search(struct app_ctx *ctx, const struct st_pub_query *q,
                          struct app_pub_public **out, size_t *n, int *more,
                          struct sx_err *err) SX_WUR;
/* SX_E_NOTFOUND unless id is published. */
int app_pub_portal_get(struct app_ctx *ctx, int64_t id, struct app_pub_public *out,
                       struct sx_err *err) SX_WUR;
int app_pub_portal_withdrawn(struct app_ctx *ctx, int64_t before_id, int limit,
                             struct app_pub_public **out, size_t *n, int *more,
                             struct sx_err *err) SX_WUR;

struct app_pub_corr_in {
    const char *number;   /* case number or decision document number */
    const char *party_id; /* the party's resident ID number or USCC */
    const char *content;
    const char *contact; /* may be NULL */
    const char *ip;      /* the client's address, for the rate limit; may be NULL */
};

/* Failed correction requests one address may make per hour before SX_E_RATE. */
#define APP_PUB_CORR_FAILURES_MAX 10

/*
 * File a party's correction request. Any mismatch (no such number, not
 * published, wrong ID) is the same SX_E_NOTFOUND "correction-no-match",
 * which says nothing about what exists, and is audited as denied; after
 * APP_PUB_CORR_FAILURES_MAX of them from one address within an hour the
 * address gets SX_E_RATE (so ID numbers cannot be guessed through it).
 * *id and *due_on on success.
 */
int app_pub_portal_correction(struct app_ctx *ctx, const struct app_pub_corr_in *in, int64_t *id,
                              const char **due_on, struct sx_err *err) SX_WUR;

/* zh-CN label of a case kind's decision ("行政处罚决定"). */
const char *app_pub_kind_label(const char *case_kind);

/*
 * The order of a versioned text's approval by the unit head and its publication (pre-publicity
 * versions, annual reports; 湖北 附件1 第十七条 HB-1-17): approve once, publish once, and only
 * after approval. kind prefixes the problem types ("prepub" → "prepub-already-published");
 * source is the rule cited. 0, SX_E_CONFLICT or SX_E_GATE.
 */
int app_pub_version_order(const char *kind, int publish, int64_t version, const char *approved_at,
                          const char *published_at, const char *source, struct sx_err *err) SX_WUR;

#endif
