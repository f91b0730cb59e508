/*
 * Unit tests for src/core/annual: the annual statistics report (HB-1-15 items 1-6), its
 * per-capita figures (none without an officer holding a valid 执法证), publication rates
 * (HE-2.3 full text, HB-1-11 on time; none when nothing is due), year boundaries in UTC+8, the
 * tables for CSV/XLSX, and the 31 January deadline (HB-1-15, YN-1-15).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/annual.h"
#include "core/canon.h"
#include "sx_err.h"

/* ---- UTC+8 year boundaries ---- */

static const struct {
    const char *ts;
    const char *date; /* NULL: refused */
    const char *why;
} cst_rows[] = {
    {"2025-12-31T15:59:59Z", "2025-12-31", "23:59:59 CST on 31 Dec stays in 2025"},
    {"2025-12-31T16:00:00Z", "2026-01-01", "midnight CST is already the next year (HB-1-15)"},
    {"2024-02-28T16:30:00Z", "2024-02-29", "leap day in CST"},
    {"2026-01-01T00:00:00.123Z", "2026-01-01", "fractional seconds"},
    {"2025-06-30", "2025-06-30", "a plain date is already CST"},
    {"2025-12-31T16:00:00", NULL, "no Z: not UTC"},
    {"yesterday", NULL, "not a timestamp"},
    {NULL, NULL, "missing"},
};

static void test_cst_date(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cst_rows) / sizeof(cst_rows[0]); i++) {
        char d[11] = "";
        struct sx_err e;
        int rc = annual_cst_date(cst_rows[i].ts, d, &e);
        if (cst_rows[i].date == NULL) {
            if (rc != SX_E_INVALID)
                fail_msg("row %zu (%s): expected refusal, got %d", i, cst_rows[i].why, rc);
        } else if (rc != 0 || strcmp(d, cst_rows[i].date) != 0) {
            fail_msg("row %zu (%s): got rc %d date %s", i, cst_rows[i].why, rc, d);
        }
    }
}

/* ---- the report ---- */

static const struct annual_org orgs[] = {
    {1, 0, "ORG1", "甲市医疗保障局", "city"},
    {2, 1, "ORG2", "甲市乙县医疗保障局", "county"},
};

static const struct annual_user users[] = {
    {1, "officer", "稽查员", "A1", "2020-01-01", "2030-12-31"},          /* valid */
    {1, "officer,reviewer", "稽查员", "A2", "2020-01-01", "2025-12-31"}, /* valid on 31 Dec */
    {2, "officer", "科长", "A3", "2020-01-01", "2025-12-30"},            /* expired 30 Dec */
    {2, "officer", NULL, NULL, NULL, NULL},                              /* no credential */
    {2, "reviewer", NULL, NULL, NULL, NULL},
    {2, "officer", NULL, "A4", "2026-01-01", "2030-12-31"}, /* valid only from next year */
};

static const struct annual_case cases[] = {
    /* penalties decided in 2025: fine 1000.50, fine+confiscation, no penalty */
    {1, 1, "penalty", "complaint", "closed", "2025-03-01", "2025-04-01", "penalty", 1, 100050, 0, 0,
     NULL},
    {2, 2, "penalty", "inspection", "served", "2025-05-01", "2025-12-31", "penalty", 0, 20000, 5000,
     7000, NULL},
    {3, 1, "penalty", "report", "decided", "2025-06-01", "2025-06-30", "no_penalty", 0, 0, 0, 0,
     NULL},
    /* decided on 1 Jan 2026 CST: not in 2025 */
    {4, 1, "penalty", "report", "decided", "2025-11-01", "2026-01-01", "penalty", 0, 99900, 0, 0,
     NULL},
    /* complaints/reports by outcome */
    {5, 1, "penalty", "complaint", "not_filed", "2025-02-01", NULL, NULL, 0, 0, 0, 0, NULL},
    {6, 2, "penalty", "report", "transferred", "2025-02-02", NULL, NULL, 0, 0, 0, 0, NULL},
    {7, 2, "penalty", "complaint", "clue", "2025-12-31", NULL, NULL, 0, 0, 0, 0, NULL},
    {8, 2, "penalty", "complaint", "clue", "2024-12-31", NULL, NULL, 0, 0, 0, 0, NULL},
    {9, 1, "inspection", "complaint", "closed", "2025-07-01", NULL, NULL, 0, 0, 0, 0, NULL},
    /* inspections: one open */
    {10, 2, "inspection", "inspection", "checking", "2025-08-01", NULL, NULL, 0, 0, 0, 0, NULL},
    /* coercion */
    {11, 1, "coercion", "inspection", "decided", "2025-09-01", "2025-09-02", NULL, 0, 0, 0, 0,
     "seal"},
};

static const struct annual_pub pubs[] = {
    {1, "penalty", "published", "full", "2025-04-08", "2025-04-10"},    /* on time, full */
    {2, "penalty", "published", "summary", "2025-12-31", "2025-12-20"}, /* late */
    {1, "coercion", "published", "full", "2025-09-05", "2025-09-30"},
    {1, "penalty", "exempt", NULL, NULL, "2025-07-09"},              /* exempt: not due */
    {1, "penalty", "approved", "full", NULL, "2025-12-01"},          /* due, never published */
    {1, "penalty", "published", "full", "2026-01-05", "2026-01-10"}, /* next year */
};

static struct annual_input full_input(void)
{
    return (struct annual_input){.year = 2025,
                                 .orgs = orgs,
                                 .n_orgs = 2,
                                 .users = users,
                                 .n_users = sizeof(users) / sizeof(users[0]),
                                 .cases = cases,
                                 .n_cases = sizeof(cases) / sizeof(cases[0]),
                                 .pubs = pubs,
                                 .n_pubs = sizeof(pubs) / sizeof(pubs[0]),
                                 .plan_state = "published",
                                 .plan_state_zh = "已按期公开",
                                 .planned_targets = 4};
}

/* A figure of the report by path "a.b.c". */
static const json_t *at(const json_t *r, const char *path)
{
    char buf[128];
    char *save = NULL, *tok;
    snprintf(buf, sizeof(buf), "%s", path);
    for (tok = strtok_r(buf, ".", &save); tok != NULL && r != NULL;
         tok = strtok_r(NULL, ".", &save))
        r = json_object_get(r, tok);
    return r;
}

static const struct {
    const char *path;
    const char *want; /* integer, real ("0.5"), string ("'x"), or "null" */
    const char *why;
} figure_rows[] = {
    {"subjects.count", "2", "the org and its county (HB-1-15 一)"},
    {"staff.officers", "2", "valid 执法证 on 31 Dec only: expired, missing, future excluded"},
    {"staff.officers_listed", "5", "every officer, valid or not"},
    {"staff.reviewers", "2", "reviewers across the subtree (HB-1-15 二)"},
    {"penalties.decisions", "3", "decided in 2025 CST; 1 Jan 2026 excluded"},
    {"penalties.penalty", "2", "given a penalty"},
    {"penalties.no_penalty", "1", "不予行政处罚"},
    {"penalties.warning", "1", "警告"},
    {"penalties.fine", "2", "two fines"},
    {"penalties.fine_yuan", "'1200.50", "1000.50 + 200.00 yuan, exact"},
    {"penalties.confiscation_yuan", "'50.00", "没收违法所得"},
    {"penalties.recovery_yuan", "'70.00", "追回基金"},
    {"penalties.per_officer", "'1.50", "3 decisions / 2 officers (HB-1-15 三)"},
    {"coercion.decisions", "1", "one coercive decision"},
    {"coercion.by_measure.seal", "1", "by measure"},
    {"coercion.per_officer", "'0.50", "1 / 2"},
    {"inspection.planned_targets", "4", "drawn targets"},
    {"inspection.inspections", "2", "inspection cases opened in 2025"},
    {"inspection.completed", "1", "closed ones"},
    {"inspection.execution_rate", "'0.5000", "2 / 4 (HB-1-15 四)"},
    {"inspection.per_officer", "'1.00", "2 / 2"},
    {"inspection.plan.state", "'published", "plan state passed through"},
    {"complaints.received", "7", "2025 only: the 2024 complaint is excluded"},
    {"complaints.complaints", "4", "complaints"},
    {"complaints.reports", "3", "reports"},
    {"complaints.by_outcome.filed", "3", "cases 1, 3, 4 were filed and decided"},
    {"complaints.by_outcome.not_filed", "1", "不予立案"},
    {"complaints.by_outcome.transferred", "1", "移送"},
    {"complaints.by_outcome.pending", "1", "still a clue"},
    {"complaints.by_outcome.inspected", "1", "handled by inspection"},
    {"publicity.published", "3", "published in 2025"},
    {"publicity.full_text", "2", "two in full"},
    {"publicity.penalty_full_text_rate", "'0.5000", "1 of 2 penalty items in full (HE-2.3)"},
    {"publicity.due", "4", "exempt item not due; next year's not counted"},
    {"publicity.on_time", "2", "one late, one never published"},
    {"publicity.on_time_rate", "'0.5000", "2 / 4"},
    {"publicity.on_time_pct", "'50.00%", "as a percentage"},
    {"publicity.full_text_rate", "'0.6667", "2 / 3 rounded half up"},
    {"inspection.execution_pct", "'50.00%", "execution as a percentage"},
    {"counts.行政处罚", "3", "chart counters"},
};

static void check_figure(const json_t *r, size_t i, const char *path, const char *want,
                         const char *why)
{
    const json_t *v = at(r, path);
    if (v == NULL)
        fail_msg("row %zu (%s): %s missing", i, why, path);
    if (strcmp(want, "null") == 0) {
        if (!json_is_null(v))
            fail_msg("row %zu (%s): %s should be null", i, why, path);
    } else if (want[0] == '\'') {
        if (!json_is_string(v) || strcmp(json_string_value(v), want + 1) != 0)
            fail_msg("row %zu (%s): %s = %s, want %s", i, why, path,
                     json_is_string(v) ? json_string_value(v) : "(not a string)", want + 1);
    } else if (strchr(want, '.') != NULL) {
        double w = strtod(want, NULL);
        if (!json_is_number(v) || json_number_value(v) < w - 1e-9 ||
            json_number_value(v) > w + 1e-9)
            fail_msg("row %zu (%s): %s = %g, want %g", i, why, path, json_number_value(v), w);
    } else {
        long long w = strtoll(want, NULL, 10);
        if (!json_is_number(v) || (long long)json_number_value(v) != w ||
            json_number_value(v) != (double)w)
            fail_msg("row %zu (%s): %s = %g, want %lld", i, why, path, json_number_value(v), w);
    }
}

static void test_figures(void **state)
{
    struct annual_input in = full_input();
    struct sx_err e;
    json_t *r = NULL;
    (void)state;
    assert_int_equal(annual_compute(&in, &r, &e), 0);
    for (size_t i = 0; i < sizeof(figure_rows) / sizeof(figure_rows[0]); i++)
        check_figure(r, i, figure_rows[i].path, figure_rows[i].want, figure_rows[i].why);
    {
        /* stored as canonical JSON: no reals anywhere (core/canon.h) */
        struct sx_buf b;
        sx_buf_init(&b, 1 << 20);
        assert_int_equal(canon_json(r, &b, &e), 0);
        sx_buf_free(&b);
    }
    json_decref(r);
}

/* Edge rows: zero officers, nothing published or due, nothing planned. */
static const struct {
    const char *path;
    const char *want;
    const char *why;
} empty_rows[] = {
    {"staff.officers", "0", "no officer with a valid credential"},
    {"penalties.decisions", "3", "decisions still counted"},
    {"penalties.per_officer", "null", "per capita with zero officers: no figure, no division"},
    {"penalties.fine_yuan_per_officer", "null", "per-capita amount with zero officers"},
    {"inspection.per_officer", "null", "per capita inspections with zero officers"},
    {"inspection.execution_rate", "null", "nothing planned: no rate"},
    {"publicity.full_text_rate", "null", "nothing published: no rate (not 0 %, not 100 %)"},
    {"publicity.on_time_rate", "null", "nothing due: no rate"},
    {"publicity.on_time_pct", "null", "nor a percentage"},
    {"publicity.due", "0", "nothing due"},
};

static void test_zero_denominators(void **state)
{
    struct annual_input in = full_input();
    struct sx_err e;
    json_t *r = NULL;
    (void)state;
    in.users = NULL;
    in.n_users = 0;
    in.pubs = NULL;
    in.n_pubs = 0;
    in.planned_targets = 0;
    assert_int_equal(annual_compute(&in, &r, &e), 0);
    for (size_t i = 0; i < sizeof(empty_rows) / sizeof(empty_rows[0]); i++)
        check_figure(r, i, empty_rows[i].path, empty_rows[i].want, empty_rows[i].why);
    json_decref(r);
}

static void test_bad_input(void **state)
{
    struct annual_input in = full_input();
    struct sx_err e;
    json_t *r = NULL;
    (void)state;
    in.year = 1999;
    assert_int_equal(annual_compute(&in, &r, &e), SX_E_INVALID);
    assert_string_equal(e.field, "year");
    in.year = 2025;
    in.n_orgs = 0;
    assert_int_equal(annual_compute(&in, &r, &e), SX_E_INVALID);
    assert_null(r);
}

static void test_tables(void **state)
{
    static const char *const sheets[] = {"一、执法主体",     "二、岗位与人员", "三、处罚与强制",
                                         "四、检查计划执行", "五、投诉举报",   "六、其他"};
    struct annual_input in = full_input();
    struct sx_err e;
    json_t *r = NULL, *t = NULL, *bad;
    const json_t *rows;
    int found = 0;
    size_t i;
    const json_t *row;
    (void)state;
    assert_int_equal(annual_compute(&in, &r, &e), 0);
    assert_int_equal(annual_tables(r, &t, &e), 0);
    assert_int_equal(json_array_size(t), 6);
    for (i = 0; i < 6; i++)
        assert_string_equal(json_string_value(json_object_get(json_array_get(t, i), "sheet")),
                            sheets[i]);
    rows = json_object_get(json_array_get(t, 2), "rows");
    json_array_foreach(rows, i, row)
    {
        if (strcmp(json_string_value(json_array_get(row, 0)), "罚款金额（元）") == 0) {
            assert_string_equal(json_string_value(json_array_get(row, 1)), "1200.50");
            found = 1;
        }
    }
    assert_true(found);
    found = 0;
    json_array_foreach(rows, i, row)
    {
        /* catalogue keys are shown with their Chinese labels */
        found |= strcmp(json_string_value(json_array_get(row, 0)), "其中：查封") == 0;
    }
    assert_true(found);
    bad = json_deep_copy(r);
    json_object_del(bad, "complaints");
    json_decref(t);
    t = NULL;
    assert_int_equal(annual_tables(bad, &t, &e), SX_E_INVALID);
    json_decref(bad);
    json_decref(r);
}

static const struct {
    int year;
    const char *published_on, *today, *state, *why;
} due_rows[] = {
    {2025, NULL, "2026-01-31", "pending", "31 Jan is still in time (HB-1-15)"},
    {2025, NULL, "2026-02-01", "overdue", "1 Feb without publication: overdue (YN-1-15)"},
    {2025, "2026-01-31", "2026-03-01", "published", "published on the due day"},
    {2025, "2026-02-01", "2026-03-01", "published_late", "published a day late"},
    {2025, NULL, "2025-06-01", "pending", "during the year itself"},
    {1999, NULL, "2026-01-01", NULL, "year out of range"},
    {2025, NULL, "2026-1-1", NULL, "malformed today"},
};

static void test_due(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(due_rows) / sizeof(due_rows[0]); i++) {
        char due[11] = "";
        const char *st = NULL, *zh = NULL;
        struct sx_err e;
        int rc = annual_due_status(due_rows[i].year, due_rows[i].published_on, due_rows[i].today,
                                   due, &st, &zh, &e);
        if (due_rows[i].state == NULL) {
            if (rc != SX_E_INVALID)
                fail_msg("row %zu (%s): expected refusal", i, due_rows[i].why);
            continue;
        }
        if (rc != 0 || strcmp(st, due_rows[i].state) != 0 || strcmp(due, "2026-01-31") != 0)
            fail_msg("row %zu (%s): rc %d state %s due %s", i, due_rows[i].why, rc,
                     st != NULL ? st : "(null)", due);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cst_date),
        cmocka_unit_test(test_figures),
        cmocka_unit_test(test_zero_denominators),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_tables),
        cmocka_unit_test(test_due),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
