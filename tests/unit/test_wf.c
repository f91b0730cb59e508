/*
 * Unit tests for src/core/wf: the real definitions (data/workflows) load and
 * agree with the record catalogue; a penalty case walks through every state
 * from 线索 to 归档 (HB-2-04), coercion and inspection cases through theirs;
 * each gate refuses with the right code, type and source; out-of-order
 * actions and terminal states are refused; suspension resumes where the
 * case left; malformed definitions are refused at load time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"
#include "core/wf.h"

struct fixture {
    struct cat_catalog *cat;
    struct wf_def *penalty, *coercion, *inspection;
};

static const char *root_dir(void)
{
    const char *r = getenv("SANXIANG_ROOT");
    return r != NULL && r[0] != '\0' ? r : ".";
}

static char *read_all(const char *rel, size_t *len)
{
    char path[512];
    FILE *f;
    char *buf;
    long n = -1;
    snprintf(path, sizeof(path), "%s/%s", root_dir(), rel);
    f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("cannot open %s", path);
    if (fseek(f, 0, SEEK_END) == 0)
        n = ftell(f);
    if (n < 0 || fseek(f, 0, SEEK_SET) != 0)
        fail_msg("cannot size %s", path);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    if (fread(buf, 1, (size_t)n, f) != (size_t)n)
        fail_msg("cannot read %s", path);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static struct wf_def *load_def(const char *rel)
{
    size_t len;
    char *text = read_all(rel, &len);
    struct wf_def *def = NULL;
    struct sx_err err;
    sx_err_clear(&err);
    if (wf_load(text, len, &def, &err) != 0)
        fail_msg("%s: %s", rel, err.detail);
    free(text);
    return def;
}

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof(*fx));
    size_t len;
    char *text = read_all("data/records/catalog.json", &len);
    struct sx_err err;
    assert_non_null(fx);
    sx_err_clear(&err);
    if (cat_load(text, len, &fx->cat, &err) != 0)
        fail_msg("catalog: %s", err.detail);
    free(text);
    fx->penalty = load_def("data/workflows/penalty.json");
    fx->coercion = load_def("data/workflows/coercion.json");
    fx->inspection = load_def("data/workflows/inspection.json");
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    wf_free(fx->penalty);
    wf_free(fx->coercion);
    wf_free(fx->inspection);
    cat_free(fx->cat);
    free(fx);
    return 0;
}

/* ---- facts ----------------------------------------------------------- */

static const char *const roles_all[] = {"officer", "head", "reviewer", "archivist"};
static const char *const roles_officer[] = {"officer"};
static const char *const roles_head[] = {"head"};

/* An officer with a credential (the parsed-day fields left for wf_facts_parse_days). */
#define OFFICER(id, nm, cert, from, to)                                                            \
    {                                                                                              \
        .user_id = (id), .name = (nm), .cert_no = (cert), .cert_valid_from = (from),               \
        .cert_valid_to = (to)                                                                      \
    }

static const struct wf_officer officers_ok[] = {
    OFFICER(11, "甲", "医保执 0011", "2024-01-01", "2027-12-31"),
    OFFICER(12, "乙", "医保执 0012", "2024-01-01", "2027-12-31"),
};

/* Facts under which every gate passes on 2025-03-10. */
static struct wf_facts good_facts(const char *state, const char *resume_to)
{
    struct wf_facts f = {
        .state = state,
        .resume_to = resume_to,
        .date = "2025-03-10",
        .actor_roles = roles_all,
        .n_actor_roles = 4,
        .actor_org = 7,
        .case_org = 7,
        .officers = officers_ok,
        .n_officers = 2,
        .case_number = "某医保立〔2025〕3号",
        .notice_date = "2025-03-01",
        .statement_deadline = "2025-03-06",
        .hearing_requested = true,
        .hearing_concluded = true,
        .review_required = true,
        .review_passed = true,
    };
    return f;
}

/* ---- the real data --------------------------------------------------- */

static void test_definitions_match_catalog(void **state)
{
    struct fixture *fx = *state;
    struct wf_def *defs[] = {fx->penalty, fx->coercion, fx->inspection};
    static const char *const kinds[] = {"penalty", "coercion", "inspection"};
    for (size_t i = 0; i < 3; i++) {
        struct sx_err err;
        sx_err_clear(&err);
        assert_string_equal(wf_kind(defs[i]), kinds[i]);
        if (wf_check_against_catalog(defs[i], fx->cat, &err) != 0)
            fail_msg("%s: %s", kinds[i], err.detail);
        /* every action's record type is in the catalogue and allows the kind */
        for (size_t a = 0; a < wf_action_count(defs[i]); a++) {
            const struct wf_action *act = wf_action_at(defs[i], a);
            const struct cat_type *t = cat_find(fx->cat, act->record_type);
            assert_non_null(t);
            assert_true(cat_type_allows_kind(t, kinds[i]));
            assert_string_equal(act->gates[0], "role");
            assert_true(act->source[0] != '\0');
        }
    }
    assert_null(wf_action_at(fx->penalty, 100000));
    assert_string_equal(wf_initial(fx->penalty)->key, "clue");
    assert_string_equal(wf_state_find(fx->penalty, "investigating")->name_zh, "调查取证");
    assert_string_equal(wf_role_name_zh("head"), "负责人");
    assert_true(wf_gate_known("two_officers"));
    assert_false(wf_gate_known("magic"));
}

/* ---- walks ------------------------------------------------------------ */

struct step {
    const char *action;
    const char *to; /* expected state after it */
};

/* Take each step under good facts, checking wf_check and wf_replay agree. */
static void walk(const struct wf_def *def, const struct step *steps, size_t n, bool *visited)
{
    const char **hist = calloc(n + 1, sizeof(*hist));
    assert_non_null(hist);
    for (size_t s = 0; visited != NULL && s < wf_state_count(def); s++) {
        if (wf_state_at(def, s) == wf_initial(def))
            visited[s] = true;
    }
    for (size_t i = 0; i < n; i++) {
        struct wf_pos pos;
        struct wf_facts f;
        struct sx_err err;
        const char *to = NULL;
        sx_err_clear(&err);
        assert_int_equal(wf_replay(def, hist, i, &pos, &err), 0);
        f = good_facts(pos.state, pos.resume_to);
        if (wf_check(def, &f, steps[i].action, &to, &err) != 0)
            fail_msg("%s step %zu %s from %s: %s %s", wf_kind(def), i, steps[i].action, pos.state,
                     err.title, err.detail);
        if (strcmp(to, steps[i].to) != 0)
            fail_msg("%s step %zu %s: to %s, want %s", wf_kind(def), i, steps[i].action, to,
                     steps[i].to);
        hist[i] = steps[i].action;
        assert_int_equal(wf_replay(def, hist, i + 1, &pos, &err), 0);
        assert_string_equal(pos.state, steps[i].to);
        if (visited != NULL) {
            for (size_t s = 0; s < wf_state_count(def); s++) {
                if (strcmp(wf_state_at(def, s)->key, pos.state) == 0)
                    visited[s] = true;
            }
        }
    }
    free(hist);
}

/* HB-2-04: 线索 → 立案 → 调查取证 → 调查终结 → 审核 → 事先告知 → 听证 → 集体讨论 → 决定 → 送达 →
 * 执行 → 结案 → 归档. */
static void test_penalty_walk_every_state(void **state)
{
    static const struct step main_path[] = {
        {"register_complaint", "clue"},      /* WS-08 */
        {"verify_clue", "clue"},             /* YN-2-09(一) */
        {"file", "filed"},                   /* WS-10 */
        {"inquire", "investigating"},        /* WS-11(一) */
        {"inspect_onsite", "investigating"}, /* WS-11(二) */
        {"sample", "investigating"},         /* YN-2-09(六) */
        {"preserve", "investigating"},       /* YN-2-09(八) */
        {"seal", "investigating"},           /* YN-2-09(九) */
        {"request_evidence", "investigating"},
        {"register_evidence", "investigating"},
        {"commission_appraisal", "investigating"},
        {"record_appraisal_result", "investigating"},
        {"handle_preservation", "investigating"},
        {"release_sealing", "investigating"},
        {"suspend", "suspended"}, /* HB-2-04 中止 */
        {"note", "suspended"},
        {"resume", "investigating"}, /* back where it left */
        {"extend", "investigating"}, /* HB-2-04 延期 */
        {"end_investigation", "investigation_ended"},
        {"submit_review", "reviewing"}, /* YN-2-09(十三) */
        {"unit_review", "reviewing"},   /* YN-2-09(十四) */
        {"request_legal_review", "reviewing"},
        {"legal_review", "reviewing"}, /* YN-2-09(十五) */
        {"prior_notice", "notified"},  /* WS-14 */
        {"record_statement", "notified"},
        {"request_hearing", "hearing"}, /* WS-15 */
        {"notify_hearing", "hearing"},
        {"hold_hearing", "hearing"},
        {"report_hearing", "hearing"},
        {"discuss", "discussed"},                 /* WS-16 */
        {"decide", "decided"},                    /* WS-16 */
        {"serve_decision_mail", "served"},        /* WS-17(二) */
        {"serve_decision_direct", "served"},      /* WS-17(一) */
        {"record_performance", "executing"},      /* WS-18 */
        {"apply_court_enforcement", "executing"}, /* WS-19 */
        {"record_court_result", "executing"},
        {"close", "closed"},
        {"correct", "closed"},   /* YN-2-20 */
        {"archive", "archived"}, /* WS-23 */
    };
    static const struct step not_filed[] = {{"register_complaint", "clue"},
                                            {"not_file", "not_filed"}};
    static const struct step transferred[] = {{"file", "filed"},
                                              {"inquire", "investigating"},
                                              {"transfer", "transferred"},
                                              {"archive", "archived"}};
    static const struct step withdrawn[] = {
        {"file", "filed"}, {"withdraw", "closed"}, {"archive", "archived"}};
    struct fixture *fx = *state;
    bool visited[64] = {false};
    assert_true(wf_state_count(fx->penalty) <= 64);
    walk(fx->penalty, main_path, sizeof(main_path) / sizeof(main_path[0]), visited);
    walk(fx->penalty, not_filed, 2, visited);
    walk(fx->penalty, transferred, 4, visited);
    walk(fx->penalty, withdrawn, 3, visited);
    for (size_t s = 0; s < wf_state_count(fx->penalty); s++) {
        if (!visited[s])
            fail_msg("state %s never visited", wf_state_at(fx->penalty, s)->key);
    }
}

/* HB-2-04 第二、三款: coercion and inspection. */
static void test_coercion_and_inspection_walks(void **state)
{
    static const struct step coercion[] = {{"request_approval", "requested"},
                                           {"approve", "requested"},
                                           {"decide", "decided"},
                                           {"demand", "demanded"},
                                           {"record_statement", "demanded"},
                                           {"serve_decision_direct", "served"},
                                           {"suspend", "suspended"},
                                           {"resume", "served"},
                                           {"extend", "served"},
                                           {"implement", "implemented"},
                                           {"release_sealing", "implemented"},
                                           {"terminate", "terminated"},
                                           {"archive", "archived"}};
    static const struct step inspection[] = {{"notify_inspection", "started"},
                                             {"check_onsite", "checking"},
                                             {"inquire", "checking"},
                                             {"survey", "checking"},
                                             {"sample", "checking"},
                                             {"commission_appraisal", "checking"},
                                             {"sign_opinion", "opinion_signed"},
                                             {"serve_opinion_lodged", "served"},
                                             {"order_correct", "correcting"},
                                             {"serve_mail", "correcting"},
                                             {"reinspect", "reinspected"},
                                             {"close", "closed"},
                                             {"archive", "archived"}};
    struct fixture *fx = *state;
    bool vc[64] = {false}, vi[64] = {false};
    walk(fx->coercion, coercion, sizeof(coercion) / sizeof(coercion[0]), vc);
    walk(fx->inspection, inspection, sizeof(inspection) / sizeof(inspection[0]), vi);
    for (size_t s = 0; s < wf_state_count(fx->coercion); s++)
        assert_true(vc[s]);
    for (size_t s = 0; s < wf_state_count(fx->inspection); s++) {
        if (!vi[s] && strcmp(wf_state_at(fx->inspection, s)->key, "transferred") != 0)
            fail_msg("inspection state %s never visited", wf_state_at(fx->inspection, s)->key);
    }
}

/* ---- gates ------------------------------------------------------------ */

static void m_none(struct wf_facts *f)
{
    (void)f;
}
static const struct wf_officer one_officer[] = {
    OFFICER(11, "甲", "医保执 0011", "2024-01-01", "2027-12-31")};
static void m_one_officer(struct wf_facts *f)
{
    f->officers = one_officer;
    f->n_officers = 1;
}
static const struct wf_officer same_twice[] = {
    OFFICER(11, "甲", "医保执 0011", "2024-01-01", "2027-12-31"),
    OFFICER(11, "甲", "医保执 0011", "2024-01-01", "2027-12-31")};
static void m_same_officer_twice(struct wf_facts *f)
{
    f->officers = same_twice;
    f->n_officers = 2;
}
static const struct wf_officer expired[] = {
    OFFICER(11, "甲", "医保执 0011", "2024-01-01", "2027-12-31"),
    OFFICER(12, "乙", "医保执 0012", "2020-01-01", "2025-03-09")};
static void m_expired(struct wf_facts *f)
{
    f->officers = expired;
    f->n_officers = 2;
}
static void m_last_valid_day(struct wf_facts *f)
{
    m_expired(f);
    f->date = "2025-03-09";
}
static const struct wf_officer not_yet[] = {
    OFFICER(11, "甲", "医保执 0011", "2025-03-11", "2030-01-01"),
    OFFICER(12, "乙", "医保执 0012", "2024-01-01", "2027-12-31")};
static void m_not_yet_valid(struct wf_facts *f)
{
    f->officers = not_yet;
    f->n_officers = 2;
}
static const struct wf_officer no_cert[] = {
    OFFICER(11, "甲", "", "2024-01-01", "2027-12-31"),
    OFFICER(12, "乙", "医保执 0012", "2024-01-01", "2027-12-31")};
static void m_no_cert(struct wf_facts *f)
{
    f->officers = no_cert;
    f->n_officers = 2;
}
static void m_no_date(struct wf_facts *f)
{
    f->date = NULL;
}
static void m_officer_only(struct wf_facts *f)
{
    f->actor_roles = roles_officer;
    f->n_actor_roles = 1;
}
static void m_no_roles(struct wf_facts *f)
{
    f->actor_roles = NULL;
    f->n_actor_roles = 0;
}
static void m_head_other_org(struct wf_facts *f)
{
    f->actor_roles = roles_head;
    f->n_actor_roles = 1;
    f->actor_org = 9;
}
static void m_head_superior_org(struct wf_facts *f)
{
    m_head_other_org(f);
    f->actor_org_is_ancestor = true;
}
static void m_officer_superior_org(struct wf_facts *f)
{
    m_officer_only(f);
    f->actor_org = 9;
    f->actor_org_is_ancestor = true;
}
static void m_before_deadline(struct wf_facts *f)
{
    f->date = "2025-03-05";
}
static void m_on_deadline(struct wf_facts *f)
{
    f->date = "2025-03-06";
}
static void m_day_after_deadline(struct wf_facts *f)
{
    f->date = "2025-03-07";
}
static void m_no_notice(struct wf_facts *f)
{
    f->notice_date = NULL;
}
static void m_waived_early(struct wf_facts *f)
{
    f->date = "2025-03-02";
    f->statement_waived = true;
    f->hearing_requested = false;
}
static void m_hearing_pending(struct wf_facts *f)
{
    f->hearing_concluded = false;
}
static void m_no_deadline(struct wf_facts *f)
{
    f->statement_deadline = NULL;
}
static void m_review_not_passed(struct wf_facts *f)
{
    f->review_passed = false;
}
static void m_review_emergency(struct wf_facts *f)
{
    f->review_passed = false;
    f->review_emergency = true;
}
static void m_not_major(struct wf_facts *f)
{
    f->review_required = false;
    f->review_passed = false;
}
static void m_no_case_number(struct wf_facts *f)
{
    f->case_number = "";
}

static const struct {
    const char *why; /* the rule and its source */
    const char *state;
    const char *action;
    void (*mut)(struct wf_facts *f);
    int rc;
    const char *type;   /* expected err.type */
    const char *source; /* substring of err.source */
} gate_rows[] = {
    {"two officers, valid credentials: passes", "investigating", "inquire", m_none, 0, NULL, NULL},
    {"one officer on site (YN-1-08)", "investigating", "inquire", m_one_officer, SX_E_GATE,
     "two-officers", "YN-1-08"},
    {"same officer twice is one (BJ-2.2-1)", "investigating", "sample", m_same_officer_twice,
     SX_E_GATE, "two-officers", "BJ-2.2-1"},
    {"credential expired the day before", "investigating", "inquire", m_expired, SX_E_GATE,
     "officer-credential-invalid", "YN-1-08"},
    {"credential's last valid day still counts", "investigating", "inquire", m_last_valid_day, 0,
     NULL, NULL},
    {"credential not yet valid", "investigating", "seal", m_not_yet_valid, SX_E_GATE,
     "officer-credential-invalid", "BJ-2.2-1"},
    {"officer without credential", "decided", "serve_decision_lodged", m_no_cert, SX_E_GATE,
     "officer-credential-invalid", "YN-1-08"},
    {"record date missing: refused, not guessed", "investigating", "inquire", m_no_date,
     SX_E_INVALID, "missing-fact", "HB-2-04"},
    {"decision by an officer (WS-16: head signs)", "discussed", "decide", m_officer_only,
     SX_E_FORBIDDEN, "role-forbidden", "WS-16"},
    {"actor with no roles", "filed", "inquire", m_no_roles, SX_E_FORBIDDEN, "role-forbidden",
     "WS-11"},
    {"head of another org", "discussed", "decide", m_head_other_org, SX_E_FORBIDDEN,
     "org-forbidden", "行政处罚法"},
    {"head of a superior org may decide", "discussed", "decide", m_head_superior_org, 0, NULL,
     NULL},
    {"officer of a superior org may not", "investigating", "inquire", m_officer_superior_org,
     SX_E_FORBIDDEN, "org-forbidden", "行政处罚法"},
    {"decision before the statement deadline (WS-14)", "notified", "decide", m_before_deadline,
     SX_E_GATE, "statement-period-open", "WS-14"},
    {"decision on the deadline's last day", "notified", "decide", m_on_deadline, SX_E_GATE,
     "statement-period-open", "WS-14"},
    {"decision the day after the deadline", "notified", "decide", m_day_after_deadline, 0, NULL,
     NULL},
    {"decision without prior notice", "discussed", "decide", m_no_notice, SX_E_GATE,
     "no-prior-notice", "WS-14"},
    {"party waived statement and hearing", "notified", "decide", m_waived_early, 0, NULL, NULL},
    {"hearing requested, not concluded (WS-15)", "hearing", "decide", m_hearing_pending, SX_E_GATE,
     "hearing-pending", "六十四条"},
    {"deadline not computed by the caller", "notified", "decide", m_no_deadline, SX_E_INVALID,
     "missing-fact", ""},
    {"major decision, review not passed (YN-3-03)", "discussed", "decide", m_review_not_passed,
     SX_E_GATE, "legal-review-required", "YN-3-03"},
    {"emergency decision, review after (YN-3-07)", "discussed", "decide", m_review_emergency, 0,
     NULL, NULL},
    {"not a major decision: no review needed", "discussed", "decide", m_not_major, 0, NULL, NULL},
    {"investigation before the case number (HE-3.3)", "filed", "inquire", m_no_case_number,
     SX_E_GATE, "case-number-missing", "HE-3.3"},
    {"evidence while suspended (HB-2-04 中止)", "suspended", "register_evidence", m_none, SX_E_GATE,
     "case-suspended", "HB-2-04"},
    {"extension while suspended", "suspended", "extend", m_none, SX_E_GATE, "case-suspended",
     "HB-2-04"},
    {"note while suspended is fine", "suspended", "note", m_none, 0, NULL, NULL},
    {"evidence after closure", "closed", "register_evidence", m_none, SX_E_GATE, "case-closed",
     "WS-23"},
    {"extension after transfer", "transferred", "extend", m_none, SX_E_GATE, "case-closed",
     "HB-2-04"},
};

/* Each row twice: dates as text, and parsed beforehand (wf_facts_parse_days): same answers. */
static void test_gate_rows(void **state)
{
    struct fixture *fx = *state;
    for (size_t k = 0; k < 2 * (sizeof(gate_rows) / sizeof(gate_rows[0])); k++) {
        size_t i = k / 2;
        struct wf_facts f = good_facts(gate_rows[i].state, "investigating");
        struct wf_officer copy[8];
        struct sx_err err;
        const char *to = NULL;
        int rc;
        gate_rows[i].mut(&f);
        if (k % 2 == 1 && f.n_officers <= 8) {
            memcpy(copy, f.officers, f.n_officers * sizeof(*copy));
            f.officers = copy;
            wf_facts_parse_days(&f, copy, f.n_officers);
        }
        sx_err_clear(&err);
        rc = wf_check(fx->penalty, &f, gate_rows[i].action, &to, &err);
        if (rc != gate_rows[i].rc)
            fail_msg("row %zu (%s): rc %d want %d: %s", i, gate_rows[i].why, rc, gate_rows[i].rc,
                     err.detail);
        if (rc == 0) {
            assert_non_null(to);
            continue;
        }
        if (strcmp(err.type, gate_rows[i].type) != 0)
            fail_msg("row %zu (%s): type %s want %s (%s)", i, gate_rows[i].why, err.type,
                     gate_rows[i].type, err.detail);
        if (strstr(err.source, gate_rows[i].source) == NULL)
            fail_msg("row %zu (%s): source \"%s\" lacks %s", i, gate_rows[i].why, err.source,
                     gate_rows[i].source);
        assert_true(err.title[0] != '\0' && err.detail[0] != '\0');
        /* brief facts (a page of blocked actions): the same refusal, title and source */
        struct sx_err brief;
        f.brief = true;
        sx_err_clear(&brief);
        assert_int_equal(wf_check(fx->penalty, &f, gate_rows[i].action, NULL, &brief), rc);
        assert_string_equal(brief.type, err.type);
        assert_string_equal(brief.title, err.title);
        assert_string_equal(brief.source, err.source);
    }
}

/* The refusal's detail names the officer, the date and the validity. */
static void test_expired_credential_detail(void **state)
{
    struct fixture *fx = *state;
    struct wf_facts f = good_facts("investigating", NULL);
    struct sx_err err;
    m_expired(&f);
    sx_err_clear(&err);
    assert_int_equal(wf_check(fx->penalty, &f, "inquire", NULL, &err), SX_E_GATE);
    assert_int_equal(err.status, 422);
    assert_string_equal(err.field, "officers");
    assert_non_null(strstr(err.detail, "乙"));
    assert_non_null(strstr(err.detail, "2025-03-10"));
    assert_non_null(strstr(err.detail, "2025-03-09"));
}

/* ---- out of order, terminal ------------------------------------------ */

static const struct {
    const char *why;
    const char *state;
    const char *action;
} conflict_rows[] = {
    {"decision during investigation (HB-2-04 order)", "investigating", "decide"},
    {"filing twice", "filed", "file"},
    {"prior notice before review", "investigating", "prior_notice"},
    {"hearing request before notice", "reviewing", "request_hearing"},
    {"serving a decision not made", "notified", "serve_decision_direct"},
    {"closing before service", "decided", "close"},
    {"archiving an open case (WS-23)", "served", "archive"},
    {"resume when not suspended", "investigating", "resume"},
    {"suspend after decision", "decided", "suspend"},
    {"investigation after closure", "closed", "inquire"},
};

static void test_out_of_order(void **state)
{
    struct fixture *fx = *state;
    for (size_t i = 0; i < sizeof(conflict_rows) / sizeof(conflict_rows[0]); i++) {
        struct wf_facts f = good_facts(conflict_rows[i].state, NULL);
        const struct wf_action *a = wf_action_find(fx->penalty, conflict_rows[i].action);
        const struct wf_state *s = wf_state_find(fx->penalty, conflict_rows[i].state);
        struct sx_err err;
        int rc;
        assert_non_null(a);
        assert_non_null(s);
        sx_err_clear(&err);
        rc = wf_check(fx->penalty, &f, conflict_rows[i].action, NULL, &err);
        if (rc != SX_E_CONFLICT)
            fail_msg("row %zu (%s): rc %d", i, conflict_rows[i].why, rc);
        assert_string_equal(err.type, "state-conflict");
        assert_string_equal(err.title, "当前状态不允许该操作");
        assert_string_equal(err.source, a->source);
        assert_int_equal(err.status, 409);
        if (strstr(err.detail, s->name_zh) == NULL || strstr(err.detail, a->name_zh) == NULL)
            fail_msg("row %zu: detail \"%s\" must name state and action", i, err.detail);
    }
}

static void test_terminal_states_accept_nothing(void **state)
{
    struct fixture *fx = *state;
    struct wf_def *defs[] = {fx->penalty, fx->coercion, fx->inspection};
    size_t n_terminal = 0;
    for (size_t d = 0; d < 3; d++) {
        for (size_t s = 0; s < wf_state_count(defs[d]); s++) {
            const struct wf_state *st = wf_state_at(defs[d], s);
            if (!st->terminal)
                continue;
            n_terminal++;
            for (size_t a = 0; a < wf_action_count(defs[d]); a++) {
                struct wf_facts f = good_facts(st->key, "investigating");
                struct sx_err err;
                sx_err_clear(&err);
                assert_int_equal(wf_check(defs[d], &f, wf_action_at(defs[d], a)->key, NULL, &err),
                                 SX_E_CONFLICT);
                assert_non_null(strstr(err.detail, "已终结"));
            }
        }
    }
    assert_int_equal(n_terminal, 4); /* 不予立案, 归档 ×3 */
}

/*
 * The bitmask and gate indexes derived at load agree with the file: an action may be taken
 * from a state exactly when the state is non-terminal and listed in its "from" (or "from" is
 * "*"), and wf_check_in answers as wf_check does, for every action in every state.
 */
static void test_derived_masks_agree_with_definitions(void **state)
{
    struct fixture *fx = *state;
    struct wf_def *defs[] = {fx->penalty, fx->coercion, fx->inspection};
    size_t n_pairs = 0;
    for (size_t d = 0; d < 3; d++) {
        for (size_t s = 0; s < wf_state_count(defs[d]); s++) {
            const struct wf_state *st = wf_state_at(defs[d], s);
            for (size_t i = 0; i < wf_action_count(defs[d]); i++) {
                const struct wf_action *a = wf_action_at(defs[d], i);
                bool listed = a->from_any;
                struct wf_facts f = good_facts(st->key, "investigating");
                struct sx_err e1, e2;
                const char *t1 = NULL, *t2 = NULL;
                for (size_t k = 0; k < a->n_from; k++)
                    listed = listed || strcmp(a->from[k], st->key) == 0;
                if (wf_action_from_state(defs[d], a, st) != (listed && !st->terminal))
                    fail_msg("%s: %s from %s", wf_kind(defs[d]), a->key, st->key);
                assert_int_equal(wf_action_from(defs[d], a, st->key), listed && !st->terminal);
                sx_err_clear(&e1);
                sx_err_clear(&e2);
                assert_int_equal(wf_check(defs[d], &f, a->key, &t1, &e1),
                                 wf_check_in(defs[d], st, &f, a, &t2, &e2));
                assert_string_equal(e1.type, e2.type);
                assert_ptr_equal(t1, t2);
                for (size_t g = 0; g < a->n_gates; g++)
                    assert_string_equal(wf_gate_name(a->gate_index[g]), a->gates[g]);
                n_pairs++;
            }
        }
    }
    assert_true(n_pairs > 1000);
    /* a state of another definition is never "from" */
    assert_false(wf_action_from_state(fx->penalty, wf_action_at(fx->penalty, 0),
                                      wf_state_at(fx->coercion, 0)));
}

static void test_unknown_action_and_state(void **state)
{
    struct fixture *fx = *state;
    struct wf_facts f = good_facts("investigating", NULL);
    struct sx_err err;
    sx_err_clear(&err);
    assert_int_equal(wf_check(fx->penalty, &f, "fly", NULL, &err), SX_E_INVALID);
    assert_string_equal(err.type, "unknown-action");
    f.state = "limbo";
    assert_int_equal(wf_check(fx->penalty, &f, "note", NULL, &err), SX_E_INVALID);
    assert_string_equal(err.type, "unknown-state");
}

/* ---- suspension and resumption ---------------------------------------- */

static void test_suspend_resume(void **state)
{
    struct fixture *fx = *state;
    static const char *const from_inv[] = {"file", "inquire", "suspend"};
    static const char *const from_notice[] = {"file",          "inquire",      "end_investigation",
                                              "submit_review", "prior_notice", "suspend"};
    static const char *const resumed[] = {"file", "inquire", "suspend", "resume"};
    static const char *const transferred[] = {"file", "suspend", "transfer"};
    struct wf_pos pos;
    struct wf_facts f;
    struct sx_err err;
    const char *to = NULL;
    sx_err_clear(&err);

    assert_int_equal(wf_replay(fx->penalty, from_inv, 3, &pos, &err), 0);
    assert_string_equal(pos.state, "suspended");
    assert_string_equal(pos.resume_to, "investigating");
    f = good_facts(pos.state, pos.resume_to);
    assert_int_equal(wf_check(fx->penalty, &f, "resume", &to, &err), 0);
    assert_string_equal(to, "investigating");

    assert_int_equal(wf_replay(fx->penalty, from_notice, 6, &pos, &err), 0);
    assert_string_equal(pos.resume_to, "notified");
    f = good_facts(pos.state, pos.resume_to);
    assert_int_equal(wf_check(fx->penalty, &f, "resume", &to, &err), 0);
    assert_string_equal(to, "notified");

    assert_int_equal(wf_replay(fx->penalty, resumed, 4, &pos, &err), 0);
    assert_string_equal(pos.state, "investigating");
    assert_null(pos.resume_to);

    assert_int_equal(wf_replay(fx->penalty, transferred, 3, &pos, &err), 0);
    assert_string_equal(pos.state, "transferred");
    assert_null(pos.resume_to);

    /* resume_to unknown or terminal: refused, never guessed */
    f = good_facts("suspended", NULL);
    assert_int_equal(wf_check(fx->penalty, &f, "resume", &to, &err), SX_E_INVALID);
    assert_string_equal(err.type, "missing-fact");
    f = good_facts("suspended", "archived");
    assert_int_equal(wf_check(fx->penalty, &f, "resume", &to, &err), SX_E_INVALID);
    /* resuming needs the head */
    f = good_facts("suspended", "investigating");
    m_officer_only(&f);
    assert_int_equal(wf_check(fx->penalty, &f, "resume", &to, &err), SX_E_FORBIDDEN);
}

static void test_replay_inconsistent(void **state)
{
    static const struct {
        const char *why;
        const char *hist[4];
        size_t n;
        const char *at; /* "第 N 个" */
    } rows[] = {
        {"decision first", {"decide"}, 1, "第 1 个"},
        {"filed twice", {"file", "file"}, 2, "第 2 个"},
        {"unknown action", {"file", "teleport"}, 2, "第 2 个"},
        {"resume without suspension", {"file", "inquire", "resume"}, 3, "第 3 个"},
        {"anything after archiving", {"not_file", "note"}, 2, "第 2 个"},
    };
    struct fixture *fx = *state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct wf_pos pos;
        struct sx_err err;
        sx_err_clear(&err);
        if (wf_replay(fx->penalty, rows[i].hist, rows[i].n, &pos, &err) != SX_E_CONFLICT)
            fail_msg("row %zu (%s) replayed", i, rows[i].why);
        assert_string_equal(err.type, "history-inconsistent");
        assert_non_null(strstr(err.detail, rows[i].at));
    }
}

/* ---- the UI listing ----------------------------------------------------- */

static void test_allowed_actions(void **state)
{
    struct fixture *fx = *state;
    size_t n = wf_action_count(fx->penalty), got = 0;
    struct wf_verdict *v = calloc(n, sizeof(*v));
    struct wf_facts f = good_facts("filed", NULL);
    bool saw_inquire = false, saw_decide = false, saw_extend = false;
    assert_non_null(v);
    m_officer_only(&f);
    assert_int_equal(wf_allowed_actions(fx->penalty, &f, v, n - 1, &got), SX_E_TOOBIG);
    assert_int_equal(wf_allowed_actions(fx->penalty, &f, v, n, &got), 0);
    assert_int_equal(got, n);
    for (size_t i = 0; i < got; i++) {
        if (strcmp(v[i].action->key, "inquire") == 0) {
            saw_inquire = true;
            assert_int_equal(v[i].rc, 0);
            assert_string_equal(v[i].to_state, "investigating");
        } else if (strcmp(v[i].action->key, "decide") == 0) {
            saw_decide = true;
            assert_int_equal(v[i].rc, SX_E_CONFLICT);
        } else if (strcmp(v[i].action->key, "extend") == 0) {
            saw_extend = true; /* head only */
            assert_int_equal(v[i].rc, SX_E_FORBIDDEN);
            assert_string_equal(v[i].err.title, "无权执行该操作");
        }
    }
    assert_true(saw_inquire && saw_decide && saw_extend);
    free(v);
}

/* ---- definition loading -------------------------------------------------- */

#define DHEAD                                                                                      \
    "{\"kind\":\"penalty\",\"name_zh\":\"测\",\"version\":1,\"initial\":\"a\",\"states\":["       \
    "{\"key\":\"a\",\"name_zh\":\"甲\"},{\"key\":\"z\",\"name_zh\":\"终\",\"terminal\":true}"
#define ACT(extra)                                                                                 \
    "{\"key\":\"go\",\"name_zh\":\"走\",\"record_type\":\"note\",\"from\":[\"a\"],\"to\":\"z\","  \
    "\"roles\":[\"officer\"],\"gates\":[\"role\"],\"source\":\"s\"" extra "}"

static const struct {
    const char *why;
    const char *text;
    const char *field; /* expected err.field prefix; NULL = loads */
} def_rows[] = {
    {"minimal definition loads", DHEAD "],\"actions\":[" ACT("") "]}", NULL},
    {"not JSON", "{\"kind\":", ""},
    {"unknown member", DHEAD "],\"actions\":[" ACT("") "],\"colour\":1}", ""},
    {"version 2", "{\"kind\":\"penalty\",\"name_zh\":\"测\",\"version\":2,\"initial\":\"a\"}",
     "version"},
    {"duplicate state", DHEAD ",{\"key\":\"a\",\"name_zh\":\"重\"}],\"actions\":[" ACT("") "]}",
     "states[2]"},
    {"terminal and suspended",
     DHEAD
     ",{\"key\":\"b\",\"name_zh\":\"乙\",\"terminal\":true,\"suspended\":true}],\"actions\":[" ACT(
         "") "]}",
     "states[2]"},
    {"no terminal state",
     "{\"kind\":\"penalty\",\"name_zh\":\"测\",\"version\":1,\"initial\":\"a\",\"states\":[{"
     "\"key\":"
     "\"a\",\"name_zh\":\"甲\"}],\"actions\":[]}",
     "states"},
    {"initial is terminal",
     "{\"kind\":\"penalty\",\"name_zh\":\"测\",\"version\":1,\"initial\":\"z\",\"states\":[{"
     "\"key\":"
     "\"a\",\"name_zh\":\"甲\"},{\"key\":\"z\",\"name_zh\":\"终\",\"terminal\":true}],\"actions\":"
     "[" ACT("") "]}",
     "initial"},
    {"unknown gate", DHEAD "],\"actions\":[" ACT(",\"gates\":[\"role\",\"magic\"]") "]}", ""},
    {"duplicate member in action (JSON)", DHEAD "],\"actions\":[" ACT(",\"key\":\"x\"") "]}", ""},
    {"unknown member in action", DHEAD "],\"actions\":[" ACT(",\"colour\":1") "]}", "actions[0]"},
    {"duplicate action key", DHEAD "],\"actions\":[" ACT("") "," ACT("") "]}", "actions[1]"},
    {"admin may not act on cases (DESIGN §6)",
     DHEAD "],\"actions\":[{\"key\":\"go\",\"name_zh\":\"走\",\"record_type\":\"note\",\"from\":"
           "[\"a\"],\"to\":\"z\",\"roles\":[\"admin\"],\"gates\":[\"role\"],\"source\":\"s\"}]}",
     "actions[0].roles"},
    {"unknown role",
     DHEAD "],\"actions\":[{\"key\":\"go\",\"name_zh\":\"走\",\"record_type\":\"note\",\"from\":"
           "[\"a\"],\"to\":\"z\",\"roles\":[\"king\"],\"gates\":[\"role\"],\"source\":\"s\"}]}",
     "actions[0].roles"},
    {"no role gate",
     DHEAD "],\"actions\":[{\"key\":\"go\",\"name_zh\":\"走\",\"record_type\":\"note\",\"from\":"
           "[\"a\"],\"to\":\"z\",\"roles\":[\"officer\"],\"gates\":[\"two_officers\"],\"source\":"
           "\"s\"}]}",
     "actions[0].gates"},
    {"gate not in the C table",
     DHEAD "],\"actions\":[{\"key\":\"go\",\"name_zh\":\"走\",\"record_type\":\"note\",\"from\":"
           "[\"a\"],\"to\":\"z\",\"roles\":[\"officer\"],\"gates\":[\"role\",\"magic\"],\"source\":"
           "\"s\"}]}",
     "actions[0].gates"},
    {"from an unknown state",
     DHEAD "],\"actions\":[{\"key\":\"go\",\"name_zh\":\"走\",\"record_type\":\"note\",\"from\":"
           "[\"q\"],\"to\":\"z\",\"roles\":[\"officer\"],\"gates\":[\"role\"],\"source\":\"s\"}]}",
     "actions[0].from"},
    {"from a terminal state",
     DHEAD "],\"actions\":[" ACT(
         "") ",{\"key\":\"back\",\"name_zh\":\"回\",\"record_type\":"
             "\"note\",\"from\":[\"z\"],\"to\":\"a\",\"roles\":[\"officer\"],\"gates\":[\"role\"],"
             "\"source\":\"s\"}]}",
     "actions[1].from"},
    {"to an unknown state",
     DHEAD "],\"actions\":[{\"key\":\"go\",\"name_zh\":\"走\",\"record_type\":\"note\",\"from\":"
           "[\"a\"],\"to\":\"q\",\"roles\":[\"officer\"],\"gates\":[\"role\"],\"source\":\"s\"}]}",
     "actions[0].to"},
    {"unreachable state",
     DHEAD ",{\"key\":\"b\",\"name_zh\":\"乙\"}],\"actions\":[" ACT(
         "") ",{\"key\":\"b2\","
             "\"name_zh\":\"乙走\",\"record_type\":\"note\",\"from\":[\"b\"],\"to\":\"z\","
             "\"roles\":"
             "[\"officer\"],\"gates\":[\"role\"],\"source\":\"s\"}]}",
     "states"},
    {"dead-end state",
     DHEAD ",{\"key\":\"b\",\"name_zh\":\"乙\"}],\"actions\":[" ACT(
         "") ",{\"key\":\"tob\","
             "\"name_zh\":\"去乙\",\"record_type\":\"note\",\"from\":[\"a\"],\"to\":\"b\","
             "\"roles\":"
             "[\"officer\"],\"gates\":[\"role\"],\"source\":\"s\"}]}",
     "states"},
    {"suspended state without resume",
     DHEAD ",{\"key\":\"s\",\"name_zh\":\"中止\",\"suspended\":true}],\"actions\":[" ACT(
         "") ",{\"key\":\"sus\",\"name_zh\":\"中止\",\"record_type\":\"suspension\",\"from\":["
             "\"a\"],"
             "\"to\":\"s\",\"roles\":[\"head\"],\"gates\":[\"role\"],\"source\":\"s\"}]}",
     "states"},
    {"\"*\" into a suspended state (resume target unknown)",
     DHEAD ",{\"key\":\"s\",\"name_zh\":\"中止\",\"suspended\":true}],\"actions\":[" ACT(
         "") ",{\"key\":\"sus\",\"name_zh\":\"中止\",\"record_type\":\"suspension\",\"from\":\"*\","
             "\"to\":\"s\",\"roles\":[\"head\"],\"gates\":[\"role\"],\"source\":\"s\"}]}",
     "actions[1]"},
    {"resume with a fixed target",
     DHEAD ",{\"key\":\"s\",\"name_zh\":\"中止\",\"suspended\":true}],\"actions\":[" ACT(
         "") ",{\"key\":\"res\",\"name_zh\":\"恢复\",\"record_type\":\"resumption\",\"from\":["
             "\"s\"],"
             "\"to\":\"a\",\"resume\":true,\"roles\":[\"head\"],\"gates\":[\"role\"],\"source\":"
             "\"s\"}]}",
     "actions[1]"},
    {"resume from a normal state",
     DHEAD "],\"actions\":[" ACT(
         "") ",{\"key\":\"res\",\"name_zh\":\"恢复\",\"record_type\":"
             "\"resumption\",\"from\":[\"a\"],\"resume\":true,\"roles\":[\"head\"],\"gates\":"
             "[\"role\"],\"source\":\"s\"}]}",
     "actions[1]"},
    {"missing source",
     DHEAD "],\"actions\":[{\"key\":\"go\",\"name_zh\":\"走\",\"record_type\":\"note\",\"from\":"
           "[\"a\"],\"to\":\"z\",\"roles\":[\"officer\"],\"gates\":[\"role\"]}]}",
     "actions[0]"},
};

static void test_definition_rows(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(def_rows) / sizeof(def_rows[0]); i++) {
        struct wf_def *def = NULL;
        struct sx_err err;
        int rc;
        sx_err_clear(&err);
        rc = wf_load(def_rows[i].text, strlen(def_rows[i].text), &def, &err);
        if (def_rows[i].field == NULL) {
            if (rc != 0)
                fail_msg("row %zu (%s): %s", i, def_rows[i].why, err.detail);
            wf_free(def);
            continue;
        }
        if (rc != SX_E_INVALID)
            fail_msg("row %zu (%s): rc %d", i, def_rows[i].why, rc);
        assert_null(def);
        if (strncmp(err.field, def_rows[i].field, strlen(def_rows[i].field)) != 0)
            fail_msg("row %zu (%s): field \"%s\" want \"%s\" (%s)", i, def_rows[i].why, err.field,
                     def_rows[i].field, err.detail);
        assert_string_equal(err.type, "invalid-workflow");
    }
}

/* ---- consistency with the catalogue -------------------------------------- */

#define KHEAD(kind)                                                                                \
    "{\"kind\":\"" kind "\",\"name_zh\":\"测\",\"version\":1,\"initial\":\"a\",\"states\":["      \
    "{\"key\":\"a\",\"name_zh\":\"甲\"},{\"key\":\"z\",\"name_zh\":\"终\",\"terminal\":true}],"  \
    "\"actions\":[{\"key\":\"go\",\"name_zh\":\"走\",\"from\":[\"a\"],\"to\":\"z\",\"roles\":"    \
    "[\"officer\"],\"source\":\"s\","

static const struct {
    const char *why;
    const char *text;
    int rc;
    const char *field;
} cons_rows[] = {
    {"consistent", KHEAD("penalty") "\"record_type\":\"note\",\"gates\":[\"role\"]}]}", 0, NULL},
    {"record type not in catalogue",
     KHEAD("penalty") "\"record_type\":\"selfie\",\"gates\":[\"role\"]}]}", SX_E_INVALID,
     "actions.go"},
    {"record type of another kind",
     KHEAD("penalty") "\"record_type\":\"coercion_request\",\"gates\":[\"role\"]}]}", SX_E_INVALID,
     "actions.go"},
    {"on-site record without two_officers (YN-1-08)",
     KHEAD("penalty") "\"record_type\":\"inquiry_transcript\",\"gates\":[\"role\"]}]}",
     SX_E_INVALID, "actions.go"},
    {"two_officers on a record without officers",
     KHEAD("penalty") "\"record_type\":\"note\",\"gates\":[\"role\",\"two_officers\"]}]}",
     SX_E_INVALID, "actions.go"},
    {"kind unknown to the catalogue",
     KHEAD("tax") "\"record_type\":\"note\",\"gates\":[\"role\"]}]}", SX_E_INVALID, "kind"},
};

static void test_catalog_consistency_rows(void **state)
{
    struct fixture *fx = *state;
    for (size_t i = 0; i < sizeof(cons_rows) / sizeof(cons_rows[0]); i++) {
        struct wf_def *def = NULL;
        struct sx_err err;
        int rc;
        sx_err_clear(&err);
        if (wf_load(cons_rows[i].text, strlen(cons_rows[i].text), &def, &err) != 0)
            fail_msg("row %zu (%s): load: %s", i, cons_rows[i].why, err.detail);
        rc = wf_check_against_catalog(def, fx->cat, &err);
        if (rc != cons_rows[i].rc)
            fail_msg("row %zu (%s): rc %d", i, cons_rows[i].why, rc);
        if (rc != 0) {
            assert_string_equal(err.type, "workflow-catalog-mismatch");
            assert_string_equal(err.field, cons_rows[i].field);
        }
        wf_free(def);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_definitions_match_catalog),
        cmocka_unit_test(test_penalty_walk_every_state),
        cmocka_unit_test(test_coercion_and_inspection_walks),
        cmocka_unit_test(test_gate_rows),
        cmocka_unit_test(test_expired_credential_detail),
        cmocka_unit_test(test_out_of_order),
        cmocka_unit_test(test_terminal_states_accept_nothing),
        cmocka_unit_test(test_unknown_action_and_state),
        cmocka_unit_test(test_suspend_resume),
        cmocka_unit_test(test_replay_inconsistent),
        cmocka_unit_test(test_allowed_actions),
        cmocka_unit_test(test_derived_masks_agree_with_definitions),
        cmocka_unit_test(test_definition_rows),
        cmocka_unit_test(test_catalog_consistency_rows),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
