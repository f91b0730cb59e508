/*
 * deadline: every deadline of a case, computed from its records, the
 * jurisdiction's policy and the working-day calendar (DESIGN §4, issue 3
 * point 5). Nothing is stored: deadlines are recomputed whenever they are
 * shown, so a newly imported calendar year or a changed policy applies at once
 * and a "provisional" due date (one that counts through a year whose holiday
 * schedule is not loaded yet) firms up by itself.
 *
 * A deadline runs from a record (its trigger: the filing approval, the
 * decision, the prior notice, ...) for the policy's number of days, in the
 * policy's unit: working days (wd, cal_add_workdays: weekends and statutory
 * holidays skipped, make-up working days counted — 行政处罚法 第八十五条) or
 * calendar days (cd). It is met by the first later record that does what it
 * asks (the decision, a service of the decision, the legal review opinion,
 * ...), on time or late. The case period (decision within 90 days of filing,
 * 行政处罚法 第六十条) is moved by extension records approved before it ran
 * out (capped by the policy's decision_extension when set) and stopped by
 * suspension periods (中止 → 恢复): a period counts only while the clock was
 * still running when it began, and an open suspension stops the clock up to
 * today (the deadline shows as paused).
 *
 * Which deadlines a case has depends on its kind, its records and the policy:
 * a key the policy does not set is simply not produced (policies differ), and
 * deadlines about legal review apply only when the case is a major decision
 * (struct dl_case.review_required) or has been sent to review. The record
 * types and fields read are listed in deadline.c (one table); a record whose
 * date field is missing counts from the day it was recorded (its "at", in
 * China Standard Time). fine_payment (行政处罚法 第六十七条: the party pays
 * within 15 days of receiving a decision that imposes a fine) runs from the
 * first service of the latest decision with a fine, counted from the day
 * the party received it: signed for (direct), received_on of a returned
 * receipt or else the posting day (mail), lodged (留置), served
 * (entrusted), or the end of the public notice period (公告); it is met by a
 * performance record (履行情况) other than mode "none" (逾期未履行), and is
 * the party's (DL_ACT_PARTY). av_storage runs from each media_attach
 * record's capture end (captured_to) and is met on the day the file was
 * stored on the platform (its stored_at, filled in by the server), so it is
 * always met, on time or late (media). Policy keys not produced yet, because
 * the records that would start them do not exist yet: withdraw_published.
 * Corrections (更正) are free text and do not change the dates the engine
 * reads.
 *
 * Pure: no I/O, no clock ("today" is an argument), no globals. jansson bodies
 * are only read.
 *
 * Ownership: dl_rules_from_policy fills a caller-owned struct whose strings
 * point into the policy (keep the policy alive). dl_compute allocates its
 * result in the caller's arena (valid until the arena is reset); key names,
 * labels and sources in it point into the rules (so into the policy);
 * met_type points at the satisfying record's type string (the caller's);
 * suspension reasons are copied into the arena. Inputs are borrowed for the
 * call. The calendar and rules are only read, so they may be shared between
 * threads.
 */
#ifndef CORE_DEADLINE_H
#define CORE_DEADLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "cal.h"
#include "policy.h"
#include "sx_arena.h"
#include "sx_err.h"

/* Deadlines the engine computes, and the extension caps it reads, by policy key. */
enum dl_key {
    DL_FILING_CHECK,                  /* filing_check: verify a clue and decide on filing */
    DL_DECISION,                      /* decision: 行政处罚法 第六十条 */
    DL_REVIEW_SUBMIT,                 /* review_submit: 云南 附件3 第七条 (YN-3-07) */
    DL_REVIEW_SUBMIT_BEFORE_DEADLINE, /* review_submit_before_deadline: 北京 二(三)3 */
    DL_LEGAL_REVIEW,                  /* legal_review: YN-3-12, HB-3-17 */
    DL_REREVIEW_REQUEST,              /* rereview_request: YN-3-14 */
    DL_REREVIEW_ANSWER,               /* rereview_answer: YN-3-14 */
    DL_EMERGENCY_REVIEW,              /* emergency_review: YN-3-07 */
    DL_HEARING_REQUEST,               /* hearing_request: 行政处罚法 第六十四条 */
    DL_HEARING_NOTICE,        /* hearing_notice: 行政处罚法 第六十四条 (counted back) */
    DL_PRESERVATION_DECISION, /* preservation_decision: 行政处罚法 第五十六条 */
    DL_SEALING,               /* sealing: 行政强制法 第二十五条 */
    DL_SERVICE,               /* service: 行政处罚法 第六十一条 */
    DL_PUBLISH_PENALTY,       /* publish_penalty: 7 WD from the decision */
    DL_PUBLISH_OTHER,         /* publish_other: 20 WD from the decision */
    DL_MAJOR_DECISION_FILING, /* major_decision_filing: YN-3-15 */
    DL_ARCHIVE,               /* archive: 汶上 第二十三条 (WS-23) */
    DL_FINE_PAYMENT,          /* fine_payment: 行政处罚法 第六十七条 (the party pays) */
    DL_AV_STORAGE,            /* av_storage: media stored within N WD of capture (YN-2-17) */
    /* caps on extensions; never produced as deadlines of their own */
    DL_DECISION_EXTENSION,
    DL_FILING_CHECK_EXTENSION,
    DL_LEGAL_REVIEW_EXTENSION,
    DL_SEALING_EXTENSION,
    DL_KEY_COUNT
};

/* One rule as the policy sets it. */
struct dl_rule {
    bool set; /* false: the policy does not set this key */
    int days;
    enum pol_unit unit;
    const char *key;      /* policy key, e.g. "service" (always set) */
    const char *label_zh; /* the policy catalogue's label (always set) */
    const char *source;   /* the policy's source text; NULL when !set */
};

struct dl_rules {
    struct dl_rule rule[DL_KEY_COUNT];
    /*
     * When true, a calendar-day deadline whose last day is not a working day
     * moves to the next working day (the rule of 民法典 第二百零三条 for
     * periods). Off by default: no policy file says so yet (see deadline.c).
     */
    bool cd_roll_to_workday;
};

/*
 * Read every key of enum dl_key from pol. 0 and *out filled (keys the policy
 * does not set have set = false). SX_E_INTERNAL ("deadline-key-unknown") if
 * the policy module no longer knows one of the keys (the two catalogues went
 * apart).
 */
int dl_rules_from_policy(const struct pol_policy *pol, struct dl_rules *out,
                         struct sx_err *err) SX_WUR;

/* One record of the case, as stored (store.h struct st_record) with its body parsed. */
struct dl_record {
    int64_t seq;        /* 1, 2, ... within the case; records are passed in seq order */
    const char *type;   /* catalogue record type */
    const char *action; /* workflow action that made it ("open" for the opening record) */
    const char *at;     /* "YYYY-MM-DDTHH:MM:SSZ" (UTC), when the step happened */
    const json_t *body; /* the parsed body; may be NULL for types the engine does not read */
};

struct dl_case {
    const char *kind; /* "penalty" | "coercion" | "inspection"; others have no deadlines */
    /*
     * The policy's review scope says this case's decision is major (法制审核).
     * A case with a legal_review_request record is treated as major too.
     */
    bool review_required;
    const struct dl_record *records;
    size_t n_records;
};

enum dl_state {
    DL_OPEN,    /* not met, due today or later */
    DL_MET,     /* the satisfying record exists (late when met_on > due) */
    DL_OVERDUE, /* not met and due has passed */
    DL_LAPSED,  /* an optional right (hearing, re-review request) not used in time */
};

/* Who has to act. */
enum dl_actor {
    DL_ACT_OFFICER,   /* the case unit (执法机构/承办人员) */
    DL_ACT_REVIEWER,  /* the legal-affairs unit (法制审核机构) */
    DL_ACT_PUBLISHER, /* publicity staff */
    DL_ACT_ARCHIVIST, /* archive staff */
    DL_ACT_PARTY,     /* the party (当事人): not the bureau's duty */
};

struct dl_deadline {
    enum dl_key key;
    const char *key_name; /* policy key, e.g. "decision" */
    const char *label_zh;
    const char *source; /* the policy's source for the rule */
    enum pol_unit unit;
    int days;        /* length before extensions and suspensions (policy or record) */
    int extended;    /* days (in unit) added by counted extensions */
    int paused_days; /* days (in unit) excluded by suspensions */
    int32_t start;   /* the date it runs from (for counts_back: the date it counts back from) */
    int32_t due;     /* the last day on which it is on time */
    enum dl_state state;
    int32_t met_on;   /* when state == DL_MET: the satisfying record's date; else 0 */
    bool late;        /* met after due */
    bool provisional; /* due counts through a year whose calendar is not loaded */
    bool paused;      /* an open suspension stops this clock today (due moves daily) */
    bool ext_refused; /* an extension was not counted: approved after expiry or over the cap */
    bool counts_back; /* due lies before start (hearing notice, Beijing's submit-before rule) */
    bool optional;    /* a right, not a duty: lapses instead of going overdue */
    enum dl_actor who;
    int64_t from_seq;     /* the trigger record; 0 when none */
    int64_t met_seq;      /* the satisfying record; 0 when not met */
    const char *met_type; /* its type; NULL when not met */
    int32_t days_left;    /* due - today in calendar days (negative when overdue) */
};

/* A suspension period (中止 → 恢复) of the case, as the case-period clock saw it. */
struct dl_pause {
    int32_t start;      /* suspended_on */
    int32_t end;        /* resumed_on (the clock runs again that day); today + 1 when open */
    bool open;          /* no resumption yet */
    bool overlap;       /* began before the previous period ended (bad data): merged */
    int64_t seq;        /* the suspension record */
    const char *reason; /* the suspension's reason (in the arena), or NULL */
};

struct dl_result {
    struct dl_deadline *items; /* ordered by due date, then key */
    size_t n;
    struct dl_pause *pauses; /* in record order */
    size_t n_pauses;
};

/*
 * Compute every deadline of case c as of today. 0 and *out filled (arena),
 * or SX_E_INVALID "record-date-invalid" when a record's date field or "at"
 * is not a valid date (the detail names the record's seq and field),
 * "date-out-of-range" from the calendar, SX_E_NOMEM when the arena is
 * exhausted. today must be a valid day number.
 */
int dl_compute(const struct dl_rules *rules, const struct cal_calendar *cal,
               const struct dl_case *c, int32_t today, struct sx_arena *arena,
               struct dl_result *out, struct sx_err *err) SX_WUR;

/*
 * True if the engine reads records of this type/action (the caller need not
 * parse the bodies of others; the opening record needs no body either).
 */
bool dl_record_relevant(const char *type, const char *action);

/*
 * The record types whose bodies the engine reads (the i-th, NULL past the end),
 * "case_opening" first: a store may read the other records without their
 * bodies (app/deadlines.c).
 */
const char *dl_record_type_at(size_t i);

/* "open" | "met" | "overdue" | "lapsed" and their zh-CN names. */
const char *dl_state_name(enum dl_state s);
const char *dl_state_name_zh(enum dl_state s);
/* "wd" | "cd". */
const char *dl_unit_name(enum pol_unit u);
/* "officer" | "reviewer" | "publisher" | "archivist" | "party". */
const char *dl_actor_name(enum dl_actor a);

/*
 * The deadline as a JSON object for the API (dates as "YYYY-MM-DD", met_on
 * null unless met, from_seq/met_seq null when 0). New reference, or NULL when
 * out of memory.
 */
json_t *dl_deadline_json(const struct dl_deadline *d);

/* A pause as a JSON object {start, end (null when open), open, overlap, seq, reason}. */
json_t *dl_pause_json(const struct dl_pause *p);

#endif
