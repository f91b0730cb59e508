/* h_cases: cases, their records, and per-case chain verification. */
#include <string.h>

#include "api.h"
#include "app/cases.h"
#include "app/verify.h"
#include "app/writer.h"
#include "core/wf.h"
#include "jw.h"

/* Largest JSON a case page or record list may become. */
#define CASE_JSON_MAX (32u << 20)

static void party_write(struct jw *w, const struct st_party *p)
{
    jw_obj(w, NULL);
    jw_int(w, "id", p->id);
    jw_str(w, "kind", p->kind);
    jw_str(w, "name", p->name);
    jw_str(w, "id_number", p->id_number);
    jw_str(w, "uscc", p->uscc);
    jw_str(w, "legal_rep", p->legal_rep);
    jw_str(w, "address", p->address);
    jw_str(w, "phone", p->phone);
    jw_end_obj(w);
}

static void officer_write(struct jw *w, const struct st_user *u)
{
    jw_obj(w, NULL);
    jw_int(w, "id", u->id);
    jw_int(w, "org_id", u->org_id);
    jw_str(w, "username", u->username);
    jw_str(w, "display_name", u->display_name);
    jw_str(w, "roles", u->roles);
    jw_str(w, "cert_no", u->cert_no);
    jw_str(w, "cert_valid_from", u->cert_valid_from);
    jw_str(w, "cert_valid_to", u->cert_valid_to);
    jw_str(w, "post", u->post);
    jw_bool(w, "disabled", u->disabled != 0);
    jw_end_obj(w);
}

/* The members a case list row and a case page share. */
static void case_summary_members(struct jw *w, const struct st_case *c)
{
    jw_int(w, "id", c->id);
    jw_int(w, "org_id", c->org_id);
    jw_str(w, "kind", c->kind);
    jw_str(w, "number", c->number);
    jw_str(w, "state", c->state);
    jw_str(w, "source", c->source);
    jw_str(w, "cause", c->cause);
    jw_str(w, "created_at", c->created_at);
    jw_int(w, "record_count", c->record_count);
}

static void case_view_write(struct jw *w, const struct app_case_view *v)
{
    jw_obj(w, NULL);
    case_summary_members(w, &v->c);
    jw_str(w, "state_name_zh", v->state_name_zh);
    jw_str(w, "summary", v->c.summary);
    jw_obj(w, "amounts");
    jw_int(w, "fine_fen", v->c.fine_fen);
    jw_int(w, "confiscation_fen", v->c.confiscation_fen);
    jw_int(w, "fund_recovery_fen", v->c.fund_recovery_fen);
    jw_int(w, "payment_refusal_fen", v->c.payment_refusal_fen);
    jw_end_obj(w);
    jw_str(w, "head_hash", v->c.head_hash);
    jw_arr(w, "parties");
    for (size_t i = 0; i < v->n_parties; i++)
        party_write(w, &v->parties[i]);
    jw_end_arr(w);
    jw_arr(w, "officers");
    for (size_t i = 0; i < v->n_officers; i++)
        officer_write(w, &v->officers[i]);
    jw_end_arr(w);
    jw_arr(w, "next_actions");
    for (size_t i = 0; i < v->n_next; i++) {
        const struct app_next *x = &v->next[i];
        jw_obj(w, NULL);
        jw_str(w, "action", x->key);
        jw_str(w, "name_zh", x->name_zh);
        jw_bool(w, "allowed", x->allowed != 0);
        if (!x->allowed) {
            jw_obj(w, "blocked");
            jw_str(w, "title", x->blocked_title);
            jw_str(w, "source", x->blocked_source != NULL ? x->blocked_source : "");
            jw_end_obj(w);
        }
        jw_end_obj(w);
    }
    jw_end_arr(w);
    jw_end_obj(w);
}

/* A record with its stored canonical body copied in as is. */
static void record_write(struct jw *w, const char *key, const struct st_record *r)
{
    jw_obj(w, key);
    jw_int(w, "id", r->id);
    jw_int(w, "case_id", r->case_id);
    jw_int(w, "seq", r->seq);
    jw_str(w, "type", r->type);
    jw_str(w, "action", r->action);
    jw_str(w, "at", r->at);
    jw_str(w, "recorded_at", r->recorded_at);
    jw_int(w, "actor_id", r->actor_id);
    if (r->corrects != 0)
        jw_int(w, "corrects", r->corrects);
    else
        jw_null(w, "corrects");
    jw_raw(w, "body", r->body);
    jw_str(w, "prev_hash", r->prev_hash);
    jw_str(w, "hash", r->hash);
    jw_end_obj(w);
}

/* Send what w wrote (or a 500 if the buffer overflowed) and free the buffer. */
static int send_written(struct http_req *r, int status, struct jw *w, struct sx_err *err)
{
    int rc;
    if (w->rc != 0)
        rc = SX_FAIL(err, w->rc, "response-too-big", "响应过大", NULL, NULL, "JSON 输出失败");
    else
        rc = http_send_raw(r, status, "application/json; charset=utf-8", w->b->data, w->b->len,
                           err);
    sx_buf_free(w->b);
    return rc;
}

int api_cases_list(struct http_req *r, struct sx_err *err)
{
    struct app_ctx *ctx = api_ctx(r);
    struct http_page page;
    struct st_case_filter f;
    struct st_case *cases = NULL;
    size_t n = 0;
    int more = 0;
    int64_t *scope = NULL;
    size_t n_scope = 0;
    memset(&f, 0, sizeof(f));
    int rc = http_page_parse(r, &page, err);
    if (rc == 0)
        rc = http_query(r, "kind", &f.kind, err);
    if (rc == 0)
        rc = http_query(r, "state", &f.state, err);
    if (rc == 0)
        rc = http_query(r, "q", &f.q, err);
    if (rc == 0)
        rc = app_case_scope(ctx, api_principal(r), &scope, &n_scope, err);
    if (rc == 0) {
        f.org_ids = scope;
        f.n_org_ids = n_scope;
        f.after_id = page.has_after ? page.after : 0;
        f.limit = page.limit;
        rc = st_case_list(ctx->db, &f, r->arena, &cases, &n, &more, err);
    }
    if (rc != 0)
        return api_done(r, rc, err);
    struct sx_buf buf;
    struct jw w;
    char cursor[HTTP_CURSOR_LEN + 1];
    sx_buf_init(&buf, CASE_JSON_MAX);
    jw_init(&w, &buf);
    jw_obj(&w, NULL);
    jw_arr(&w, "items");
    for (size_t i = 0; i < n; i++) {
        jw_obj(&w, NULL);
        case_summary_members(&w, &cases[i]);
        jw_end_obj(&w);
    }
    jw_end_arr(&w);
    if (more && n > 0) {
        http_cursor_encode(cases[n - 1].id, cursor);
        jw_str(&w, "next_cursor", cursor);
    } else {
        jw_null(&w, "next_cursor");
    }
    jw_end_obj(&w);
    return send_written(r, 200, &w, err);
}

static int send_case_view(struct http_req *r, int status, const struct app_case_view *v,
                          struct sx_err *err)
{
    struct sx_buf buf;
    struct jw w;
    sx_buf_init(&buf, CASE_JSON_MAX);
    if (sx_buf_reserve(&buf, 8192) != 0)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", NULL, NULL, "case page");
    jw_init(&w, &buf);
    case_view_write(&w, v);
    return send_written(r, status, &w, err);
}

static const struct http_field case_fields[] = {
    {"kind", HTTP_F_STRING, 1, 20},
    {"org_id", HTTP_F_INT, 0, 0},
    {"source", HTTP_F_STRING, 1, 20},
    {"cause", HTTP_F_STRING, 1, 100},
    {"summary", HTTP_F_STRING, 0, 2000},
    {"at", HTTP_F_STRING, 0, 40},
    {"parties", HTTP_F_ARRAY, 1, 20},
    {"officers", HTTP_F_ARRAY, 1, 20},
    {"categories", HTTP_F_ARRAY, 0, 20},
    {NULL, 0, 0, 0},
};

static int read_officer_ids(struct http_req *r, const json_t *arr, int64_t **out, size_t *n,
                            struct sx_err *err)
{
    *n = json_array_size(arr);
    *out = sx_arena_alloc(r->arena, (*n + 1) * sizeof(int64_t));
    if (*out == NULL)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", NULL, NULL, "officers");
    for (size_t i = 0; i < *n; i++) {
        const json_t *v = json_array_get(arr, i);
        if (!json_is_integer(v) || json_integer_value(v) <= 0)
            return SX_FAIL(err, SX_E_INVALID, "wrong-type", "执法人员须以用户编号表示", NULL,
                           "officers", "officers 第 %zu 项须为正整数（用户编号）", i + 1);
        (*out)[i] = (int64_t)json_integer_value(v);
    }
    return 0;
}

int api_cases_create(struct http_req *r, struct sx_err *err)
{
    struct app_ctx *ctx = api_ctx(r);
    struct app_case_new in;
    struct app_case_view v;
    int64_t *officers = NULL;
    int64_t id = 0;
    json_t *body = NULL;
    memset(&in, 0, sizeof(in));
    int rc = http_body_json(r, case_fields, &body, err);
    if (rc == 0)
        rc = read_officer_ids(r, json_object_get(body, "officers"), &officers, &in.n_officers, err);
    if (rc == 0) {
        in.kind = api_get_str(body, "kind");
        in.org_id = api_get_int(body, "org_id");
        in.source = api_get_str(body, "source");
        in.cause = api_get_str(body, "cause");
        in.summary = api_get_str(body, "summary");
        in.at = api_get_str(body, "at");
        in.parties = json_object_get(body, "parties");
        in.categories = json_object_get(body, "categories");
        in.officers = officers;
        rc = app_case_create(ctx, api_principal(r), &in, &id, err);
    }
    if (rc == 0)
        rc = app_case_view(ctx, api_principal(r), id, 1, &v, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return send_case_view(r, 201, &v, err);
}

int api_cases_get(struct http_req *r, struct sx_err *err)
{
    struct app_case_view v;
    int64_t id = 0;
    int rc = http_param_id(r, "id", &id, err);
    if (rc == 0)
        rc = app_case_view(api_ctx(r), api_principal(r), id, 1, &v, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return send_case_view(r, 200, &v, err);
}

int api_records_list(struct http_req *r, struct sx_err *err)
{
    struct app_ctx *ctx = api_ctx(r);
    struct app_case_view v;
    struct st_record *recs = NULL;
    size_t n = 0;
    int64_t id = 0;
    int rc = http_param_id(r, "id", &id, err);
    if (rc == 0)
        rc = app_case_view(ctx, api_principal(r), id, 0, &v, err);
    if (rc == 0)
        rc = st_record_list(ctx->db, id, r->arena, &recs, &n, err);
    if (rc != 0)
        return api_done(r, rc, err);
    struct sx_buf buf;
    struct jw w;
    sx_buf_init(&buf, CASE_JSON_MAX);
    jw_init(&w, &buf);
    jw_obj(&w, NULL);
    jw_arr(&w, "items");
    for (size_t i = 0; i < n; i++)
        record_write(&w, NULL, &recs[i]);
    jw_end_arr(&w);
    jw_end_obj(&w);
    return send_written(r, 200, &w, err);
}

static const struct http_field step_fields[] = {
    {"action", HTTP_F_STRING, 1, 64},
    {"at", HTTP_F_STRING, 0, 40},
    {"body", HTTP_F_OBJECT, 1, 200},
    {NULL, 0, 0, 0},
};

static int send_step_result(struct http_req *r, const struct app_step_result *res,
                            struct sx_err *err)
{
    struct sx_buf buf;
    struct jw w;
    sx_buf_init(&buf, CASE_JSON_MAX);
    jw_init(&w, &buf);
    jw_obj(&w, NULL);
    record_write(&w, "record", &res->record);
    jw_str(&w, "state", res->state);
    jw_str(&w, "number", res->number);
    jw_end_obj(&w);
    return send_written(r, 201, &w, err);
}

/* A step waiting for the group commit; lives in the deferred request's arena. */
struct step_request {
    struct app_step_job sj;
    struct http_deferred *deferred;
};

static int step_respond(struct http_req *r, void *arg, struct sx_err *err)
{
    struct step_request *sr = arg;
    if (sr->sj.job.rc != 0) {
        *err = sr->sj.job.err;
        return api_done(r, sr->sj.job.rc, err);
    }
    return send_step_result(r, &sr->sj.result, err);
}

/* On the writer thread, after the commit: hand the request back to its loop. */
static void step_committed(struct app_job *job)
{
    struct step_request *sr = (struct step_request *)job;
    http_resume(sr->deferred, step_respond, sr);
}

int api_records_append(struct http_req *r, struct sx_err *err)
{
    const struct api_app *api = r->app;
    struct app_ctx *ctx = api_ctx(r);
    struct app_step step;
    json_t *in = NULL;
    int64_t id = 0;
    int rc = http_param_id(r, "id", &id, err);
    if (rc == 0)
        rc = http_body_json(r, step_fields, &in, err);
    if (rc != 0)
        return api_done(r, rc, err);
    step.action = api_get_str(in, "action");
    step.at = api_get_str(in, "at");
    step.body = json_object_get(in, "body");
    step.corrects = 0;
    /* bundle: archiving produces the case-file bundle and records its SM3 (WS-23; DESIGN §5) */
    if (step.action != NULL && strcmp(step.action, "archive") == 0) {
        struct app_step_result res;
        rc = api_bundle_archive(r, id, &step, &res, err);
        if (rc != 0)
            return api_done(r, rc, err);
        return send_step_result(r, &res, err);
    }
    if (api->writer == NULL) {
        struct app_step_result res;
        rc = app_case_step(ctx, api_principal(r), id, &step, &res, err);
        if (rc != 0)
            return api_done(r, rc, err);
        return send_step_result(r, &res, err);
    }
    /* durable before the answer, one fsync per group: the writer commits, then resumes us */
    struct step_request *sr = sx_arena_alloc(r->arena, sizeof(*sr));
    struct http_deferred *deferred = NULL;
    if (sr == NULL)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", NULL, NULL, "step");
    rc = http_defer(r, &deferred, err);
    if (rc != 0)
        return api_done(r, rc, err);
    /* only now is r->arena the request's own: the loop reuses its arena for the next request */
    app_step_job_init(&sr->sj, api_principal(r), id, &step, r->arena, step_committed);
    sr->deferred = deferred;
    app_writer_submit(api->writer, &sr->sj.job);
    return HTTP_DEFERRED;
}

int api_case_verify(struct http_req *r, struct sx_err *err)
{
    struct app_ctx *ctx = api_ctx(r);
    struct app_case_view v;
    struct app_verify_stats stats;
    struct sx_err verr;
    int64_t id = 0;
    int rc = http_param_id(r, "id", &id, err);
    if (rc == 0)
        rc = app_case_view(ctx, api_principal(r), id, 0, &v, err);
    if (rc != 0)
        return api_done(r, rc, err);
    sx_err_clear(&verr);
    rc = app_verify_case(ctx, id, &stats, &verr);
    if (rc != 0 && rc != SX_E_TAMPER) {
        *err = verr;
        return api_done(r, rc, err);
    }
    json_t *out =
        json_pack("{sb sI so}", "intact", rc == 0, "records", (json_int_t)stats.records, "problem",
                  rc == 0 ? json_null()
                          : json_pack("{ss ss ss}", "title", verr.title, "detail", verr.detail,
                                      "source", verr.source));
    return http_send_json(r, 200, out, err);
}
