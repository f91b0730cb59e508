/*
 * demo: synthetic demonstration data (`sanxiang demo`). Builds a province
 * (云南省医疗保障局 with its 执法总队, three cities, two counties each), the
 * staff of every role, and a few hundred cases of every kind spread over
 * every state of their workflows, with fake names and valid-checksum fake
 * resident IDs (GB 11643-1999) and USCCs (GB 32100-2015).
 *
 * Everything goes through the app layer as real use would: app_org_create,
 * app_user_create, app_case_create and app_case_step with a real principal
 * for every step, so each record passes the catalogue, the workflow gates
 * (two officers with valid credentials, statement period, ...) and lands in
 * the case's SM3 chain. A body the catalogue refuses or a gate that says no
 * is a bug in the generator and stops it with that error.
 *
 * Record bodies are built generically from the catalogue's field
 * definitions (data/records/catalog.json), with a few hand-written values
 * where the meaning matters (amounts, waived statements, notice periods).
 * Dates lie between 2025-01-02 and min(2026-11-20, yesterday); the same seed
 * gives the same data as long as yesterday is not before 2026-11-20.
 *
 * Ownership: the result's strings and arrays live in ctx->arena (the arena
 * the caller set); the generator swaps in a private arena for its own work
 * and restores ctx->arena before returning.
 */
#ifndef APP_DEMO_H
#define APP_DEMO_H

#include <stddef.h>
#include <stdint.h>

#include "app.h"

/* The password every demo account shares. */
#define APP_DEMO_PASSWORD "demo1234"
#define APP_DEMO_CASES_DEFAULT 320
#define APP_DEMO_SEED_DEFAULT 20260101u
/* Upper bound on --cases, to keep a demo a demo. */
#define APP_DEMO_CASES_MAX 20000

struct app_demo_options {
    int n_cases;   /* >= app_demo_min_cases(), <= APP_DEMO_CASES_MAX */
    uint64_t seed; /* same seed, same data */
};

/* One demo account, for the summary printed after generation. */
struct app_demo_login {
    const char *username;
    const char *display_name;
    const char *roles_zh; /* e.g. "执法人员" */
    const char *org_name;
    const char *note; /* e.g. "执法证已过期", or NULL */
};

struct app_demo_result {
    size_t n_orgs;
    size_t n_users;
    size_t n_cases;
    size_t cases_by_kind[APP_KIND_COUNT];
    size_t n_records;                    /* opening records plus one per step */
    const char *first_day, *last_day;    /* the span of case dates, YYYY-MM-DD */
    const struct app_demo_login *logins; /* n_users entries, in creation order */
    /* on failure: which case and step went wrong (empty when not a case step) */
    char where[160];
};

/*
 * The smallest n_cases: one case per scripted path, so that every state of
 * every workflow is reached.
 */
int app_demo_min_cases(void);

/*
 * Generate the demo data into the database of ctx (which must be migrated
 * and hold no org yet). Fills *out. Errors: SX_E_CONFLICT "demo-not-empty"
 * when the database already has orgs; SX_E_INVALID for options out of
 * range; otherwise the error of the app call that refused (out->where says
 * which case and step), which leaves the data generated so far in place.
 */
int app_demo_generate(struct app_ctx *ctx, const struct app_demo_options *opt,
                      struct app_demo_result *out, struct sx_err *err) SX_WUR;

#endif
