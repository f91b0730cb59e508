/*
 * app: the application layer between the shell (CLI, HTTP handlers) and the
 * pure core and adapters. It owns the loaded rule data (record catalogue,
 * workflow definitions, policies, working-day calendar), reads the clock, and
 * runs each use case (create an org, log in, open a case, append a record,
 * verify every chain) as one store transaction: either everything a use case
 * writes is committed, or nothing is.
 *
 * Threading: struct app is immutable after app_open and shared by all
 * workers; struct app_ctx (one DB connection + arena) belongs to one thread.
 *
 * Ownership: app_open/app_close and app_ctx_open/app_ctx_close are pairs.
 * Results of use cases are allocated in ctx->arena (reset by the caller
 * between requests) unless a function says otherwise.
 */
#ifndef APP_H
#define APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "sx_arena.h"
#include "sx_err.h"

struct st_db;
struct cal_calendar;
struct cat_catalog;
struct wf_def;
struct pol_policy;
struct tpl_template;

/* Roles (DESIGN §6), as bits. */
enum app_role {
    APP_ROLE_OFFICER = 1u << 0,
    APP_ROLE_REVIEWER = 1u << 1,
    APP_ROLE_HEAD = 1u << 2,
    APP_ROLE_PUBLISHER = 1u << 3,
    APP_ROLE_ARCHIVIST = 1u << 4,
    APP_ROLE_SUPERVISOR = 1u << 5,
    APP_ROLE_ADMIN = 1u << 6,
};

/* Case kinds run by a workflow definition. */
enum app_kind { APP_KIND_PENALTY, APP_KIND_INSPECTION, APP_KIND_COERCION, APP_KIND_COUNT };

struct app {
    char *data_dir; /* where data/ (catalogue, workflows, calendar) and policy/ live */
    struct cat_catalog *catalog;
    struct wf_def *workflows[APP_KIND_COUNT];
    struct pol_policy *policy;   /* "national": the default for orgs that name no preset */
    struct pol_policy **presets; /* every policy/NAME.json, loaded at start */
    size_t n_presets;
    struct cal_calendar *calendar;
    char *openapi_path;
    /* documents (issue 5 point 4): data/templates/KEY.tpl, and where org signing keys live */
    struct tpl_template **templates;
    size_t n_templates;
    const char *keys_dir; /* borrowed; NULL: APP_KEYS_DIR_DEFAULT (app/documents.h) */
};

/* A logged-in user as the app sees them. */
struct app_principal {
    int64_t user_id;
    int64_t org_id;
    unsigned roles; /* enum app_role bits */
    const char *username;
    const char *display_name;
    const char *csrf_token; /* NULL for API tokens (no CSRF for bearer tokens) */
    bool via_token;
};

struct app_ctx {
    const struct app *app;
    struct st_db *db;
    /* where results go: own_arena for the CLI, the request's arena under HTTP */
    struct sx_arena *arena;
    struct sx_arena own_arena;
    /* "now" override for tests and demo generation; NULL = the clock */
    const char *fixed_now;
    /* parsed cases.flags by case, see app_case_flags (owned; freed by app_ctx_close) */
    struct app_flags_slot *flags_cache;
};

/*
 * Load catalogue, workflows, policy and the bundled calendar from root
 * (the directory holding data/ and policy/). *out owned by caller.
 */
int app_open(const char *root, struct app **out, struct sx_err *err) SX_WUR;
void app_close(struct app *app);

int app_ctx_open(const struct app *app, const char *db_url, struct app_ctx *ctx,
                 struct sx_err *err) SX_WUR;
void app_ctx_close(struct app_ctx *ctx);

/*
 * A case's projected flags (cases.flags text) parsed: a new reference the caller decrefs and
 * must not modify, or NULL when the text is not a JSON object. Remembered per context (one per
 * thread) by case id and compared by text, so a case page does not parse the same flags on
 * every view; a changed text is parsed again.
 */
json_t *app_case_flags(struct app_ctx *ctx, int64_t case_id, const char *text);

/* Current UTC time "YYYY-MM-DDTHH:MM:SSZ" (ctx->fixed_now if set), in ctx->arena. */
const char *app_now(struct app_ctx *ctx);
/* "now" shifted by seconds (may be negative), same format, in ctx->arena. */
const char *app_time_offset(struct app_ctx *ctx, long seconds);
/* Today's date (UTC+8, the bureaus' civil date) "YYYY-MM-DD", in ctx->arena. */
const char *app_today(struct app_ctx *ctx);

/* Store an installation setting (e.g. "default_policy") in its own transaction. */
int app_setting_set(struct app_ctx *ctx, const char *key, const char *value,
                    struct sx_err *err) SX_WUR;

/*
 * SX_E_INVALID unless name is a policy preset shipped in policy/NAME.json
 * that loads without error.
 */
int app_policy_exists(const struct app *app, const char *name, struct sx_err *err) SX_WUR;

/* The loaded preset called name, or NULL. */
const struct pol_policy *app_policy_find(const struct app *app, const char *name);

/* The policy in force for an org (its preset; "national" if it names none). */
int app_policy_for_org(struct app_ctx *ctx, int64_t org_id, const struct pol_policy **out,
                       struct sx_err *err) SX_WUR;

/* Parse "officer,head" into bits; unknown role → SX_E_INVALID naming it. */
int app_roles_parse(const char *text, unsigned *out, struct sx_err *err) SX_WUR;
#define APP_ROLES_TEXT_MAX 80
/* Bits back to "officer,head" into out (APP_ROLES_TEXT_MAX). Returns out. */
const char *app_roles_format(unsigned roles, char out[APP_ROLES_TEXT_MAX]);

/* Kind names "penalty" | "inspection" | "coercion" ↔ enum. */
int app_kind_parse(const char *text, enum app_kind *out, struct sx_err *err) SX_WUR;
const char *app_kind_name(enum app_kind k);

#endif
