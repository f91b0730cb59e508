/* h_cases: cases, their records, and per-case chain verification. */
#include <string.h>

#include "api.h"
#include "app/cases.h"
#include "app/verify.h"
#include "app/writer.h"
#include "core/wf.h"

static json_t *party_json(const struct st_party *p)
{
    return json_pack("{sI ss ss so so so so so}", "id", (json_int_t)p->id, "kind", p->kind, "name",
                     p->name, "id_number", api_str(p->id_number), "uscc", api_str(p->uscc),
                     "legal_rep", api_str(p->legal_rep), "address", api_str(p->address), "phone",
                     api_str(p->phone));
}

static json_t *case_summary_json(const struct st_case *c)
{
    return json_pack("{sI sI ss so ss so so ss sI}", "id", (json_int_t)c->id, "org_id",
                     (json_int_t)c->org_id, "kind", c->kind, "number", api_str(c->number), "state",
                     c->state, "source", api_str(c->source), "cause", api_str(c->cause),
                     "created_at", c->created_at, "record_count", (json_int_t)c->record_count);
}

static json_t *case_view_json(const struct app_case_view *v)
{
    json_t *o = case_summary_json(&v->c);
    json_t *parties = json_array();
    json_t *officers = json_array();
    json_t *next = json_array();
    for (size_t i = 0; i < v->n_parties; i++)
        json_array_append_new(parties, party_json(&v->parties[i]));
    for (size_t i = 0; i < v->n_officers; i++)
        json_array_append_new(officers, api_user_json(&v->officers[i]));
    for (size_t i = 0; i < v->n_next; i++) {
        const struct app_next *x = &v->next[i];
        json_t *n = json_pack("{ss ss sb}", "action", x->key, "name_zh", x->name_zh, "allowed",
                              x->allowed != 0);
        if (!x->allowed)
            json_object_set_new(n, "blocked",
                                json_pack("{ss ss}", "title", x->blocked_title, "source",
                                          x->blocked_source != NULL ? x->blocked_source : ""));
        json_array_append_new(next, n);
    }
    json_object_set_new(o, "state_name_zh", json_string(v->state_name_zh));
    json_object_set_new(o, "summary", api_str(v->c.summary));
    json_object_set_new(o, "amounts",
                        json_pack("{sI sI sI sI}", "fine_fen", (json_int_t)v->c.fine_fen,
                                  "confiscation_fen", (json_int_t)v->c.confiscation_fen,
                                  "fund_recovery_fen", (json_int_t)v->c.fund_recovery_fen,
                                  "payment_refusal_fen", (json_int_t)v->c.payment_refusal_fen));
    json_object_set_new(o, "head_hash", json_string(v->c.head_hash));
    json_object_set_new(o, "parties", parties);
    json_object_set_new(o, "officers", officers);
    json_object_set_new(o, "next_actions", next);
    return o;
}

static json_t *record_json(const struct st_record *r)
{
    json_t *body = json_loads(r->body, 0, NULL);
    return json_pack("{sI sI sI ss ss ss ss sI so so ss ss}", "id", (json_int_t)r->id, "case_id",
                     (json_int_t)r->case_id, "seq", (json_int_t)r->seq, "type", r->type, "action",
                     r->action, "at", r->at, "recorded_at", r->recorded_at, "actor_id",
                     (json_int_t)r->actor_id, "corrects",
                     r->corrects != 0 ? json_integer(r->corrects) : json_null(), "body",
                     body != NULL ? body : json_null(), "prev_hash", r->prev_hash, "hash", r->hash);
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
    json_t *items;
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
    items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, case_summary_json(&cases[i]));
    return api_send_page(r, items, more, n > 0 ? cases[n - 1].id : 0, err);
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
        in.officers = officers;
        rc = app_case_create(ctx, api_principal(r), &in, &id, err);
    }
    if (rc == 0)
        rc = app_case_view(ctx, api_principal(r), id, 1, &v, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return http_send_json(r, 201, case_view_json(&v), err);
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
    return http_send_json(r, 200, case_view_json(&v), err);
}

int api_records_list(struct http_req *r, struct sx_err *err)
{
    struct app_ctx *ctx = api_ctx(r);
    struct app_case_view v;
    struct st_record *recs = NULL;
    size_t n = 0;
    int64_t id = 0;
    json_t *items;
    int rc = http_param_id(r, "id", &id, err);
    if (rc == 0)
        rc = app_case_view(ctx, api_principal(r), id, 0, &v, err);
    if (rc == 0)
        rc = st_record_list(ctx->db, id, r->arena, &recs, &n, err);
    if (rc != 0)
        return api_done(r, rc, err);
    items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, record_json(&recs[i]));
    return http_send_json(r, 200, json_pack("{so}", "items", items), err);
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
    json_t *out = json_pack("{so ss so}", "record", record_json(&res->record), "state", res->state,
                            "number", api_str(res->number));
    return http_send_json(r, 201, out, err);
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
