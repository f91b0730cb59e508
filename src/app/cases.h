/*
 * cases: opening a case and taking each step of its workflow. Every step is
 * one append-only record in the case's SM3 chain, written in the same
 * transaction as the projection (state, number, amounts) it moves, after:
 *   - the actor's role and org were checked (wf gate "role"; DESIGN §6),
 *   - the workflow allowed the action from the current state with all its
 *     gates (two officers with valid credentials on the day for on-site acts,
 *     no decision before the statement period ended, ...; DESIGN §3),
 *   - the record body passed the catalogue's field rules.
 * Case numbers are issued from the org's gap-free counter when the case
 * first leaves its initial state for a live state (立案 for penalties).
 *
 * Ownership: results live in ctx->arena.
 */
#ifndef APP_CASES_H
#define APP_CASES_H

#include <jansson.h>

#include "app.h"
#include "app/writer.h"
#include "core/scope.h"
#include "store/store.h"

#define APP_CASE_MAX_PARTIES 20
#define APP_CASE_MAX_OFFICERS 20

struct app_case_new {
    const char *kind;      /* penalty | inspection | coercion */
    int64_t org_id;        /* 0: the actor's org */
    const char *source;    /* complaint | report | inspection | transfer | assigned | application */
    const char *cause;     /* 案由 */
    const char *summary;   /* may be NULL */
    const char *at;        /* when the clue was registered; NULL = now */
    const json_t *parties; /* array of party objects (kind, name, id_number|uscc, legal_rep, ...) */
    const int64_t *officers;
    size_t n_officers;
    const json_t *categories; /* optional array: complex, social_risk, ... (policy vocabulary) */
};

/* Open a case in its workflow's initial state with its opening record. */
int app_case_create(struct app_ctx *ctx, const struct app_principal *actor,
                    const struct app_case_new *in, int64_t *id, struct sx_err *err) SX_WUR;

struct app_step {
    const char *action; /* workflow action key */
    const char *at;     /* when the step happened (ISO UTC); NULL = now */
    const json_t *body; /* record fields, checked against the catalogue */
    int64_t corrects;   /* for the correct action: the record it corrects */
};

struct app_step_result {
    struct st_record record;
    const char *state;  /* the case's state after the step */
    const char *number; /* the case number (may have been issued by this step) */
};

/*
 * Append a record that is not a workflow step (it neither depends on nor moves the case's
 * state), inside the caller's write transaction: body checked against the catalogue for type,
 * canonicalised, chained with action as its action key, at = now. For records the system makes
 * on a user's behalf, e.g. a 调阅 view. out may be NULL.
 */
int app_record_append_system(struct app_ctx *ctx, int64_t case_id, const char *type,
                             const char *action, int64_t actor_id, const json_t *body,
                             struct st_record *out, struct sx_err *err) SX_WUR;

/* Take one step in a transaction of its own; all or nothing. */
int app_case_step(struct app_ctx *ctx, const struct app_principal *actor, int64_t case_id,
                  const struct app_step *step, struct app_step_result *out,
                  struct sx_err *err) SX_WUR;

/* The same inside the caller's open write transaction (the group-commit writer's). */
int app_case_step_tx(struct app_ctx *ctx, const struct app_principal *actor, int64_t case_id,
                     const struct app_step *step, struct app_step_result *out,
                     struct sx_err *err) SX_WUR;

/*
 * A step as a group-commit job (app/writer.h): the writer runs it inside its
 * transaction and calls done after the commit. actor is copied; step->body and
 * the strings must stay valid until done (they live in the request).
 */
struct app_step_job {
    struct app_job job; /* first: the writer sees this */
    struct app_principal actor;
    int64_t case_id;
    struct app_step step;
    struct app_step_result result;
    void *user; /* for the submitter, e.g. the deferred HTTP request */
};

void app_step_job_init(struct app_step_job *sj, const struct app_principal *actor, int64_t case_id,
                       const struct app_step *step, struct sx_arena *arena,
                       void (*done)(struct app_job *job));

/* A case with everything the case page shows. */
struct app_case_view {
    struct st_case c;
    struct st_party *parties;
    size_t n_parties;
    struct st_user *officers;
    size_t n_officers;
    const char *state_name_zh;
    /* next actions for the viewer: allowed, or blocked with the rule */
    struct app_next {
        const char *key;
        const char *name_zh;
        int allowed;
        const char *blocked_title;
        const char *blocked_source;
    } * next;
    size_t n_next;
};

/*
 * Read a case the actor may see: their own org's, or a subordinate org's for
 * heads and supervisors of a superior org (DESIGN §6). Others: SX_E_NOTFOUND
 * (no information about cases outside one's scope leaks).
 */
int app_case_view(struct app_ctx *ctx, const struct app_principal *actor, int64_t case_id,
                  int with_next, struct app_case_view *out, struct sx_err *err) SX_WUR;

/*
 * Whether the case's decision is major — needs legal review under its org's
 * preset (review scope on the case's party, proposed or decided amounts and
 * hearing). Used by the deadline engine for the review deadlines.
 */
int app_case_review_required(struct app_ctx *ctx, const struct st_case *c, bool *required,
                             struct sx_err *err) SX_WUR;

/*
 * The review-scope description (core/scope.h) of case c from its projection:
 * kind, amounts, hearing requested and categories (cases.flags, as the gate
 * reads them), with the first party's type given — for scans that read many
 * cases without the store (app/deadlines.c). false (and *sc zeroed) when the
 * scope does not apply to the case's kind (only penalty and coercion).
 */
bool app_case_scope_case(const struct st_case *c, bool party_is_org, struct scope_case *sc);

/* The org ids whose cases the actor may list. */
int app_case_scope(struct app_ctx *ctx, const struct app_principal *actor, int64_t **ids, size_t *n,
                   struct sx_err *err) SX_WUR;

#endif
