/*
 * api: the /api/v1 handlers of Sanxiang on top of the http framework and the
 * app layer. Handlers parse and check input (http_body_json with a field
 * table), call one app use case, and render JSON; every rule lives in app/
 * and core/. The route table (routes.c) is the single list of endpoints and
 * must agree with docs/openapi.json (a unit test checks it).
 *
 * Ownership: everything a handler builds lives in the request's arena, which
 * the worker's app_ctx points at for the duration of the request.
 */
#ifndef API_H
#define API_H

#include <jansson.h>

#include "app/app.h"
#include "http/http.h"
#include "store/store.h"

/* Shared by all workers: the loaded app and where the database is. */
struct app_writer;
struct app_docpool;
struct app_ledger;
struct api_session_cache;
struct app_media_store;

#define API_SESSION_CACHE_SLOTS 256
#define API_SESSION_CACHE_TTL_MS 2000
#define API_CACHE_TEXT 128

struct api_app {
    struct app *app;
    const char *db_url;
    struct app_writer *writer;          /* group commit for record appends; NULL: write inline */
    struct app_docpool *docpool;        /* documents: PDF rendering off the loops; NULL: inline */
    struct api_session_cache *sessions; /* checked sessions, shared by the loops; may be NULL */
    /* ledger: the global Merkle log (proofs, checkpoints); NULL: the ledger routes answer 503 */
    struct app_ledger *ledger;
    struct app_media_store *media;      /* media: uploads and stored files; NULL = no media routes */
};

/* The session cache (see api.c): new/free pair; SX_E_NOMEM. */
int api_session_cache_new(struct api_session_cache **out);
void api_session_cache_free(struct api_session_cache *c);

/* Route flags for "needs one of these roles" (app bits of http_route.flags). */
#define API_ROLES(bits) ((unsigned)(bits) << HTTP_FLAG_APP_SHIFT)

/* The route table and its length. */
extern const struct http_route api_routes[];
extern const size_t api_nroutes;

/* http_app callbacks. */
int api_worker_init(void *app, unsigned worker_index, void **worker_state, struct sx_err *err);
void api_worker_fini(void *app, void *worker_state);
void api_worker_idle(void *app, void *worker_state);
int api_authenticate(struct http_req *r, unsigned flags, struct sx_err *err);
int api_health(struct http_req *r, struct sx_err *err);
int api_metrics(struct http_req *r, struct sx_buf *out);

/* Drop the cached check of a session (at logout), or of all (a user disabled). */
void api_forget_session(struct http_req *r, const char *token);
void api_forget_all_sessions(struct http_req *r);

/* This worker's app context, bound to the request's arena. */
struct app_ctx *api_ctx(struct http_req *r);

/* The authenticated principal (NULL when anonymous). */
const struct app_principal *api_principal(const struct http_req *r);

/*
 * End of every handler: audits a denial (SX_E_FORBIDDEN, SX_E_AUTH,
 * SX_E_GATE) with the route and the rule, then returns rc unchanged.
 */
int api_done(struct http_req *r, int rc, struct sx_err *err);

/* Small JSON helpers: NULL C strings become JSON null. */
json_t *api_str(const char *s);
const char *api_get_str(const json_t *obj, const char *key); /* NULL if absent/null */
int64_t api_get_int(const json_t *obj, const char *key);     /* 0 if absent/null */

/* Send a list page {"items": items, "next_cursor": ...}. Steals items. */
int api_send_page(struct http_req *r, json_t *items, int more, int64_t last_id, struct sx_err *err);

/* Renderers. */
json_t *api_org_json(const struct st_org *o);
json_t *api_user_json(const struct st_user *u);
json_t *api_principal_json(const struct app_principal *p);

/* Handlers (one file per resource). */
int api_session_create(struct http_req *r, struct sx_err *err);
int api_session_delete(struct http_req *r, struct sx_err *err);
int api_me(struct http_req *r, struct sx_err *err);
int api_token_create(struct http_req *r, struct sx_err *err);
int api_orgs_list(struct http_req *r, struct sx_err *err);
int api_orgs_create(struct http_req *r, struct sx_err *err);
int api_orgs_get(struct http_req *r, struct sx_err *err);
int api_users_list(struct http_req *r, struct sx_err *err);
int api_users_create(struct http_req *r, struct sx_err *err);
int api_users_disable(struct http_req *r, struct sx_err *err);
int api_audit_list(struct http_req *r, struct sx_err *err);
int api_review_staffing(struct http_req *r, struct sx_err *err);
int api_workdays_add(struct http_req *r, struct sx_err *err);
int api_workdays_between(struct http_req *r, struct sx_err *err);
int api_workflow_get(struct http_req *r, struct sx_err *err);
int api_record_types(struct http_req *r, struct sx_err *err);
int api_cases_list(struct http_req *r, struct sx_err *err);
int api_cases_create(struct http_req *r, struct sx_err *err);
int api_cases_get(struct http_req *r, struct sx_err *err);
int api_records_list(struct http_req *r, struct sx_err *err);
int api_records_append(struct http_req *r, struct sx_err *err);
int api_case_verify(struct http_req *r, struct sx_err *err);
/* results publicity (issue 4): h_publicity.c (staff), h_portal.c (public) */
int api_pub_items_list(struct http_req *r, struct sx_err *err);
int api_pub_items_get(struct http_req *r, struct sx_err *err);
int api_pub_items_draft(struct http_req *r, struct sx_err *err);
int api_pub_items_approve(struct http_req *r, struct sx_err *err);
int api_pub_items_publish(struct http_req *r, struct sx_err *err);
int api_pub_items_exempt(struct http_req *r, struct sx_err *err);
int api_pub_items_withdraw(struct http_req *r, struct sx_err *err);
int api_pub_corrections_list(struct http_req *r, struct sx_err *err);
int api_pub_corrections_reply(struct http_req *r, struct sx_err *err);
int api_portal_results(struct http_req *r, struct sx_err *err);
int api_portal_result(struct http_req *r, struct sx_err *err);
int api_portal_withdrawn(struct http_req *r, struct sx_err *err);
int api_portal_export_json(struct http_req *r, struct sx_err *err);
int api_portal_export_csv(struct http_req *r, struct sx_err *err);
int api_portal_correction(struct http_req *r, struct sx_err *err);
int api_case_deadlines(struct http_req *r, struct sx_err *err);
int api_deadlines_mine(struct http_req *r, struct sx_err *err);
/* documents (issue 5 point 4): h_documents.c */
int api_document_templates(struct http_req *r, struct sx_err *err);
int api_documents_list(struct http_req *r, struct sx_err *err);
int api_documents_create(struct http_req *r, struct sx_err *err);
int api_documents_pdf(struct http_req *r, struct sx_err *err);
int api_org_public_key(struct http_req *r, struct sx_err *err);
int api_deadlines_overdue(struct http_req *r, struct sx_err *err);
int api_review_scope(struct http_req *r, struct sx_err *err);
int api_policy_get(struct http_req *r, struct sx_err *err);
/* ledger */
int api_ledger_checkpoint_latest(struct http_req *r, struct sx_err *err);
int api_ledger_checkpoint_get(struct http_req *r, struct sx_err *err);
int api_ledger_checkpoint_create(struct http_req *r, struct sx_err *err);
int api_ledger_public_key(struct http_req *r, struct sx_err *err);
int api_ledger_inclusion(struct http_req *r, struct sx_err *err);
int api_ledger_consistency(struct http_req *r, struct sx_err *err);

/* prepub: pre-publicity and 双随机 draws (h_prepub.c) */
int api_prepub_draft(struct http_req *r, struct sx_err *err);
int api_prepub_versions(struct http_req *r, struct sx_err *err);
int api_prepub_plan_status(struct http_req *r, struct sx_err *err);
int api_prepub_pool_create(struct http_req *r, struct sx_err *err);
int api_prepub_draw_create(struct http_req *r, struct sx_err *err);
int api_prepub_version_get(struct http_req *r, struct sx_err *err);
int api_prepub_approve(struct http_req *r, struct sx_err *err);
int api_prepub_publish(struct http_req *r, struct sx_err *err);
int api_portal_prepub_index(struct http_req *r, struct sx_err *err);
int api_portal_prepub_current(struct http_req *r, struct sx_err *err);
int api_portal_prepub_history(struct http_req *r, struct sx_err *err);
int api_portal_prepub_version(struct http_req *r, struct sx_err *err);
int api_portal_flowchart(struct http_req *r, struct sx_err *err);
int api_portal_draws_list(struct http_req *r, struct sx_err *err);
int api_portal_draw_get(struct http_req *r, struct sx_err *err);
int api_portal_draw_verify(struct http_req *r, struct sx_err *err);
int api_portal_pool_get(struct http_req *r, struct sx_err *err);
int api_portal_prepub_officers(struct http_req *r, struct sx_err *err);
int api_prepub_plan_overview(struct http_req *r, struct sx_err *err);

/* bundle: case-file bundles (h_bundle.c) */
int api_case_bundle(struct http_req *r, struct sx_err *err);
struct app_step;
struct app_step_result;
/* The archive step of api_records_append: builds and stores the bundle, records its SM3. */
int api_bundle_archive(struct http_req *r, int64_t case_id, const struct app_step *step,
                       struct app_step_result *out, struct sx_err *err);

/* media: tus uploads, case media, access requests (h_media.c) */
int api_uploads_options(struct http_req *r, struct sx_err *err);
int api_uploads_create(struct http_req *r, struct sx_err *err);
int api_uploads_head(struct http_req *r, struct sx_err *err);
int api_uploads_patch(struct http_req *r, struct sx_err *err);
int api_uploads_delete(struct http_req *r, struct sx_err *err);
int api_case_media(struct http_req *r, struct sx_err *err);
int api_access_create(struct http_req *r, struct sx_err *err);
int api_access_list(struct http_req *r, struct sx_err *err);
int api_access_get(struct http_req *r, struct sx_err *err);
int api_access_approve(struct http_req *r, struct sx_err *err);
int api_access_refuse(struct http_req *r, struct sx_err *err);
int api_access_case(struct http_req *r, struct sx_err *err);
int api_access_media(struct http_req *r, struct sx_err *err);
int api_media_get(struct http_req *r, struct sx_err *err);
int api_media_delete(struct http_req *r, struct sx_err *err);

/* stats: the annual statistics report (h_annual.c, issue 4 point 7) */
int api_annual_get(struct http_req *r, struct sx_err *err);
int api_annual_file(struct http_req *r, struct sx_err *err);
int api_annual_version(struct http_req *r, struct sx_err *err);
int api_annual_approve(struct http_req *r, struct sx_err *err);
int api_annual_publish(struct http_req *r, struct sx_err *err);
int api_annual_overview(struct http_req *r, struct sx_err *err);
int api_portal_reports(struct http_req *r, struct sx_err *err);
int api_portal_report(struct http_req *r, struct sx_err *err);

#endif
