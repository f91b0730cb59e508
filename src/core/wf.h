/*
 * wf: the workflow engine. One engine interprets every kind's state machine,
 * defined as data (data/workflows/penalty.json, coercion.json,
 * inspection.json): states, an initial state, and actions. An action names
 * the record type appended when it is taken, the states it may be taken
 * from ("*" = every non-terminal state), the state it leads to (or none),
 * the roles allowed, the gates that must pass, and the provision it
 * implements (Hubei 附件2 第四条 HB-2-04, Wenshang 第八-十九条, Yunnan 附件2
 * 第九条 ...).
 *
 * Gates are named C predicates over a facts struct the caller fills from
 * the case, the actor and the record being added (see struct wf_facts).
 * Known gates:
 *   role                  actor holds one of the action's roles, in the case's
 *                         org (or a superior org's head, for head actions)
 *   two_officers          >= 2 distinct officers, each with a credential valid
 *                         on the record's date (YN-1-08, BJ-2.2-1)
 *   case_number_issued    the case has its number (HE-3.3)
 *   not_suspended         the case is not in a suspended (中止) state (HB-2-04)
 *   not_closed            the case is not closed/transferred (结案、已移送)
 *   statement_period_over no decision before the statement/hearing period is
 *                         over or waived and any hearing concluded (WS-14,
 *                         行政处罚法 第四十四、四十五、六十四条)
 *   legal_review_passed   a major decision needs passed legal review, except an
 *                         emergency decision reviewed afterwards (YN-3-03,
 *                         HB-3-04, YN-3-07)
 * A definition naming any other gate fails to load; every action must list
 * "role", so no action is accidentally open to everyone.
 *
 * Suspension (中止) and resumption: a state flagged "suspended" remembers
 * nothing itself. Where the case returns is a fact of its history: the
 * state it was in when it was suspended. wf_replay derives it (with the
 * current state) from the sequence of actions taken, and the caller passes
 * it back as facts.resume_to; a "resume" action leads there.
 *
 * Pure: no I/O, no clock (dates come in the facts), no globals.
 *
 * Ownership: wf_load returns a definition the caller frees with wf_free;
 * every string and struct reachable from it (state and action keys, names,
 * the to_state returned by wf_check) lives until then. Facts and their
 * arrays are borrowed for the duration of a call. A loaded definition is
 * read-only and may be shared between threads.
 */
#ifndef CORE_WF_H
#define CORE_WF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "sx_err.h"

/* Largest definition text wf_load accepts. */
#define WF_TEXT_MAX (1024 * 1024)
#define WF_MAX_STATES 64

/* Source cited for errors about a definition as a whole. */
#define WF_SOURCE "流程定义 (data/workflows); 湖北 附件2 第四条 (HB-2-04)"

struct wf_state {
    const char *key;     /* snake_case, e.g. "investigating" */
    const char *name_zh; /* e.g. "调查取证" */
    bool terminal;       /* accepts no action at all (归档, 不予立案) */
    bool suspended;      /* 中止: left only by a resume action; not_suspended refuses here */
    bool closed;         /* 结案/已移送: not_closed refuses here; notes and archiving go on */
};

struct wf_action {
    const char *key;         /* snake_case, e.g. "decide" */
    const char *name_zh;     /* e.g. "作出行政处罚决定" */
    const char *record_type; /* catalogue key of the record appended */
    bool from_any;           /* "*": every non-terminal state */
    const char *const *from; /* states it may be taken from (when !from_any) */
    size_t n_from;
    const char *to; /* next state; NULL: no change (or resume) */
    bool resume;    /* leads back to facts.resume_to */
    const char *const *roles;
    size_t n_roles;
    const char *const *gates; /* "role" first, then the others in file order */
    size_t n_gates;
    /* derived at load, so checks compare bits and indexes instead of strings */
    uint64_t from_mask;              /* bit i: may be taken from state i (WF_MAX_STATES) */
    const unsigned char *gate_index; /* per gate: its index among wf_gate_name(i) */
    const char *source;              /* provisions, e.g. "汶上 第十六条 (WS-16)" */
};

/* An officer taking part in an on-site act, with the credential (执法证). */
struct wf_officer {
    int64_t user_id;
    const char *name;            /* for messages; may be NULL */
    const char *cert_no;         /* 执法证号; NULL or "" = none */
    const char *cert_valid_from; /* YYYY-MM-DD, first valid day */
    const char *cert_valid_to;   /* YYYY-MM-DD, last valid day */
    /* optional, set by wf_facts_parse_days: both dates above as day numbers (cal.h) */
    bool days_parsed;
    int32_t valid_from_day, valid_to_day;
};

/*
 * Everything the gates look at. The caller fills what it knows; a gate that
 * needs a fact the caller left out refuses (never guesses "allowed").
 */
struct wf_facts {
    const char *state;     /* current state key (wf_replay) */
    const char *resume_to; /* state to resume to when suspended (wf_replay), else NULL */
    const char *date;      /* YYYY-MM-DD: the day the act takes place (the record's date) */
    bool day_parsed;       /* optional, set by wf_facts_parse_days: date as a day number */
    int32_t day;

    /* role */
    const char *const *actor_roles; /* officer, reviewer, head, publisher, archivist, supervisor */
    size_t n_actor_roles;
    int64_t actor_org;
    int64_t case_org;
    bool actor_org_is_ancestor; /* actor's org is a superior of the case's org */

    /* two_officers: the record's officers (its "officers" field) with credentials */
    const struct wf_officer *officers;
    size_t n_officers;

    /* case_number_issued */
    const char *case_number; /* NULL or "" = not yet issued */

    /* statement_period_over */
    const char *notice_date;        /* day the prior notice was served; NULL = none */
    const char *statement_deadline; /* last day of the statement/hearing-request period */
    bool statement_waived;          /* the party waived statement, defence and hearing */
    bool hearing_requested;
    bool hearing_concluded; /* hearing report recorded */

    /* legal_review_passed */
    bool review_required;  /* policy says this decision is major (法制审核范围) */
    bool review_passed;    /* latest legal review opinion is 同意 */
    bool review_emergency; /* emergency decision, review filed within 2 WD after (YN-3-07) */

    /* the caller shows a refusal's title and source only (a page listing every action): the
       role gate then skips composing its detail, the one detail that costs (role names) */
    bool brief;
};

/* Where a case stands, derived from its history by wf_replay. */
struct wf_pos {
    const char *state;     /* points into the definition */
    const char *resume_to; /* non-NULL only while in a suspended state */
};

/* One action's verdict for wf_allowed_actions. */
struct wf_verdict {
    const struct wf_action *action;
    int rc;               /* 0: allowed now; else the SX_E_* wf_check would return */
    const char *to_state; /* state after the action when allowed */
    struct sx_err err;    /* the blocking error when rc != 0 */
};

struct wf_def;

/*
 * Parse and check a definition. Checks: JSON syntax (duplicate members
 * refused); only known members; version 1; kind, state and action keys
 * snake_case and unique; at least one terminal state; initial state exists,
 * is neither terminal nor suspended; "from" lists known non-terminal
 * states; "to" is a known state; a resume action leads from suspended
 * states only and has no "to"; an action into a suspended state starts
 * from explicit non-suspended states (so the state to resume to is
 * defined); every suspended state has a resume action; roles known and
 * never "admin" (admin reads no case content, DESIGN §6); gates known,
 * unique, including "role"; every state reachable from the initial state;
 * every non-terminal state can reach a terminal state.
 *
 * Returns 0 and *out (free with wf_free), or SX_E_INVALID (err->field names
 * the place, e.g. "actions[4].gates"), SX_E_TOOBIG, SX_E_NOMEM.
 */
int wf_load(const char *text, size_t len, struct wf_def **out, struct sx_err *err) SX_WUR;

/* Release a definition. NULL is fine. */
void wf_free(struct wf_def *def);

/* The kind ("penalty"), its Chinese name, and the initial state. */
const char *wf_kind(const struct wf_def *def);
const char *wf_name_zh(const struct wf_def *def);
const struct wf_state *wf_initial(const struct wf_def *def);

/* States and actions in file order; *_at returns NULL out of range, *_find NULL if unknown. */
size_t wf_state_count(const struct wf_def *def);
const struct wf_state *wf_state_at(const struct wf_def *def, size_t i);
const struct wf_state *wf_state_find(const struct wf_def *def, const char *key);
size_t wf_action_count(const struct wf_def *def);
const struct wf_action *wf_action_at(const struct wf_def *def, size_t i);
const struct wf_action *wf_action_find(const struct wf_def *def, const char *key);

/* True if action may be taken from state (ignoring gates). */
bool wf_action_from(const struct wf_def *def, const struct wf_action *a, const char *state);
/* The same for a state of def already found (wf_state_find), without looking it up again. */
bool wf_action_from_state(const struct wf_def *def, const struct wf_action *a,
                          const struct wf_state *st);

/* Known gates and roles (for documentation, UIs and tests). */
size_t wf_gate_count(void);
const char *wf_gate_name(size_t i);
bool wf_gate_known(const char *name);
/* Chinese name of a role ("head" -> "负责人"), or NULL for an unknown role. */
const char *wf_role_name_zh(const char *role);

/*
 * Parse the date of f and the certificate dates of officers[0..n) (f->officers, which the
 * caller owns) once, so that checking many actions with the same facts does not parse them
 * for each (a case page checks every action). A date that does not parse is left as text:
 * the gate then reports it as before.
 */
void wf_facts_parse_days(struct wf_facts *f, struct wf_officer *officers, size_t n);

/*
 * May the action be taken now? Checks, in order: the action exists
 * (SX_E_INVALID "unknown-action"); facts->state is a state of the definition
 * (SX_E_INVALID "unknown-state"); the state is not terminal and the action
 * may be taken from it (SX_E_CONFLICT "state-conflict", "当前状态不允许该操作",
 * naming state and action); then the gates, "role" first (SX_E_FORBIDDEN for
 * role and org, SX_E_GATE for the others, SX_E_INVALID when a fact the gate
 * needs is missing or malformed). err->source is the rule's source: the
 * action's provisions for state and role errors, the gate's own for gates.
 *
 * On 0, *to_state (may be NULL) is the state after the action: its "to", the
 * resume target, or facts->state itself when the action changes nothing.
 * It points into the definition.
 */
int wf_check(const struct wf_def *def, const struct wf_facts *facts, const char *action_key,
             const char **to_state, struct sx_err *err) SX_WUR;

/*
 * wf_check for an action of def already found, in a state already found: st must be
 * wf_state_find(def, facts->state) (NULL gives "unknown-state"). For listing a case's next
 * actions without looking each one up by its key.
 */
int wf_check_in(const struct wf_def *def, const struct wf_state *st, const struct wf_facts *facts,
                const struct wf_action *a, const char **to_state, struct sx_err *err) SX_WUR;

/*
 * wf_check for every action, in file order, into out (cap entries; use
 * wf_action_count). Actions not possible from the current state come back
 * with rc SX_E_CONFLICT, so a UI shows only rc == 0 as buttons and may show
 * gate refusals (rc SX_E_GATE/SX_E_FORBIDDEN) greyed with err.title.
 * Returns 0 and *n_out, or SX_E_TOOBIG when cap is too small (nothing written).
 */
int wf_allowed_actions(const struct wf_def *def, const struct wf_facts *facts,
                       struct wf_verdict *out, size_t cap, size_t *n_out) SX_WUR;

/*
 * Replay a case's history: the keys of the actions taken, oldest first,
 * starting from the initial state; gates are not re-evaluated (they were
 * checked when each action was taken). Returns 0 and *pos, or
 * SX_E_CONFLICT "history-inconsistent" naming the first action (1-based)
 * that is unknown or was not possible from the state reached.
 */
int wf_replay(const struct wf_def *def, const char *const *action_keys, size_t n,
              struct wf_pos *pos, struct sx_err *err) SX_WUR;

/*
 * Is the definition consistent with the record catalogue? Every action's
 * record type exists and allows this kind; an action whose record type is
 * on-site has the two_officers gate, and an action with that gate appends an
 * on-site record (whose "officers" field feeds the gate). Returns 0 or
 * SX_E_INVALID naming the action (err->field "actions.<key>").
 */
int wf_check_against_catalog(const struct wf_def *def, const struct cat_catalog *cat,
                             struct sx_err *err) SX_WUR;

#endif
