/*
 * h_publicity: the staff side of results publicity (issue 4) under /api/v1/publicity/: the
 * publisher's queue, drafting, the head's approval, publishing (with the publish gate and its
 * override), exemption, withdrawal and the answers to correction requests. Rules are in
 * app/publicity.c; this file parses, calls and renders.
 */
#include <string.h>

#include "api.h"
#include "app/publicity.h"
#include "core/publicity.h"

static int nomem(struct sx_err *err)
{
    return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", NULL, NULL, "publicity");
}

static json_t *id_or_null(int64_t id)
{
    return id != 0 ? json_integer((json_int_t)id) : json_null();
}

/* An item as staff see it (the list rows leave the texts out). */
static json_t *item_json(const struct st_pub_item *it, bool with_text)
{
    int s = pub_state_parse(it->state);
    json_t *o = json_pack(
        "{sI sI sI ss so so so ss ss ss ss ss so so so so so so so so}", "id", (json_int_t)it->id,
        "case_id", (json_int_t)it->case_id, "org_id", (json_int_t)it->org_id, "kind", it->case_kind,
        "kind_label", json_string(app_pub_kind_label(it->case_kind)), "case_number",
        api_str(it->case_number), "decision_no", api_str(it->decision_no), "decided_on",
        it->decided_on, "deadline_key", it->deadline_key, "due_on", it->due_on, "state", it->state,
        "state_label", s >= 0 ? pub_state_label((enum pub_state)s) : "", "form", api_str(it->form),
        "title", api_str(it->title), "party", api_str(it->party_label), "published_on",
        api_str(it->published_on), "exempt_reason", api_str(it->exempt_reason),
        "exempt_explanation", api_str(it->exempt_explanation), "withdrawn_on",
        api_str(it->withdrawn_on), "withdraw_due", api_str(it->withdraw_due));
    if (o == NULL)
        return NULL;
    json_object_set_new(o, "draft_record_id", id_or_null(it->draft_record_id));
    json_object_set_new(o, "approval_record_id", id_or_null(it->approval_record_id));
    json_object_set_new(o, "published_record_id", id_or_null(it->published_record_id));
    json_object_set_new(o, "override_reason", api_str(it->override_reason));
    if (it->change_json != NULL)
        json_object_set_new(o, "change", json_loads(it->change_json, 0, NULL));
    if (with_text) {
        json_object_set_new(o, "draft_text", api_str(it->draft_text));
        json_object_set_new(o, "published_text", api_str(it->published_text));
    }
    return o;
}

static int send_view(struct http_req *r, int status, struct app_pub_view *v, struct sx_err *err)
{
    json_t *o = item_json(&v->it, true);
    json_t *hits = json_array();
    if (o == NULL || hits == NULL) {
        json_decref(o);
        json_decref(hits);
        red_report_free(&v->gate);
        return nomem(err);
    }
    for (size_t i = 0; i < v->gate.n; i++) {
        const struct red_item *h = &v->gate.items[i];
        json_array_append_new(hits, json_pack("{ss ss ss}", "kind", red_kind_slug(h->kind), "label",
                                              red_kind_label(h->kind), "excerpt", h->excerpt));
    }
    json_object_set_new(o, "org_name", json_string(v->org_name));
    json_object_set_new(o, "overdue", json_boolean(v->overdue));
    json_object_set_new(o, "gate", json_pack("{sb so}", "clear", v->gate.n == 0, "hits", hits));
    red_report_free(&v->gate);
    return http_send_json(r, status, o, err);
}

/* Answer a write with the item as it now stands. */
static int respond_item(struct http_req *r, int64_t id, int rc, struct sx_err *err)
{
    struct app_pub_view v;
    if (rc == 0)
        rc = app_pub_get(api_ctx(r), api_principal(r), id, &v, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return send_view(r, 200, &v, err);
}

int api_pub_items_list(struct http_req *r, struct sx_err *err)
{
    struct http_page page;
    const char *state = NULL;
    struct st_pub_item *items = NULL;
    size_t n = 0;
    int more = 0;
    int rc = http_page_parse(r, &page, err);
    if (rc == 0)
        rc = http_query(r, "state", &state, err);
    if (rc == 0)
        rc = app_pub_list(api_ctx(r), api_principal(r), state, page.has_after ? page.after : 0,
                          page.limit, &items, &n, &more, err);
    if (rc != 0)
        return api_done(r, rc, err);
    json_t *arr = json_array();
    const char *today = app_today(api_ctx(r));
    for (size_t i = 0; arr != NULL && i < n; i++) {
        json_t *o = item_json(&items[i], false);
        if (o != NULL)
            json_object_set_new(o, "overdue",
                                json_boolean((strcmp(items[i].state, "pending") == 0 ||
                                              strcmp(items[i].state, "drafted") == 0 ||
                                              strcmp(items[i].state, "approved") == 0) &&
                                             strcmp(today, items[i].due_on) > 0));
        json_array_append_new(arr, o);
    }
    return api_send_page(r, arr, more, n > 0 ? items[n - 1].id : 0, err);
}

int api_pub_items_get(struct http_req *r, struct sx_err *err)
{
    int64_t id = 0;
    int rc = http_param_id(r, "id", &id, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return respond_item(r, id, 0, err);
}

static const struct http_field draft_fields[] = {
    {"form", HTTP_F_STRING, 1, 10},          {"full_text", HTTP_F_STRING, 0, 100000},
    {"text", HTTP_F_STRING, 0, 100000},      {"title", HTTP_F_STRING, 0, 200},
    {"extra_persons", HTTP_F_ARRAY, 0, 200}, {NULL, 0, 0, 0},
};

int api_pub_items_draft(struct http_req *r, struct sx_err *err)
{
    struct app_pub_draft_in in;
    json_t *b = NULL;
    int64_t id = 0;
    int rc = http_param_id(r, "id", &id, err);
    if (rc == 0)
        rc = http_body_json(r, draft_fields, &b, err);
    if (rc != 0)
        return api_done(r, rc, err);
    const json_t *extra = json_object_get(b, "extra_persons");
    for (size_t i = 0; i < json_array_size(extra); i++) {
        if (!json_is_string(json_array_get(extra, i)))
            return api_done(r,
                            SX_FAIL(err, SX_E_INVALID, "wrong-type", "须隐去的姓名须为字符串", NULL,
                                    "extra_persons", "第 %zu 项不是字符串", i + 1),
                            err);
    }
    memset(&in, 0, sizeof(in));
    in.form = api_get_str(b, "form");
    in.full_text = api_get_str(b, "full_text");
    in.text = api_get_str(b, "text");
    in.title = api_get_str(b, "title");
    in.extra_persons = extra;
    rc = app_pub_draft(api_ctx(r), api_principal(r), id, &in, err);
    return respond_item(r, id, rc, err);
}

static const struct http_field approve_fields[] = {
    {"opinion", HTTP_F_STRING, 0, 2000},
    {NULL, 0, 0, 0},
};

int api_pub_items_approve(struct http_req *r, struct sx_err *err)
{
    json_t *b = NULL;
    int64_t id = 0;
    int rc = http_param_id(r, "id", &id, err);
    if (rc == 0)
        rc = http_body_json(r, approve_fields, &b, err);
    if (rc == 0)
        rc = app_pub_approve(api_ctx(r), api_principal(r), id, api_get_str(b, "opinion"), err);
    return respond_item(r, id, rc, err);
}

static const struct http_field publish_fields[] = {
    {"override_reason", HTTP_F_STRING, 0, 2000},
    {"late_reason", HTTP_F_STRING, 0, 2000},
    {NULL, 0, 0, 0},
};

int api_pub_items_publish(struct http_req *r, struct sx_err *err)
{
    json_t *b = NULL;
    int64_t id = 0;
    int rc = http_param_id(r, "id", &id, err);
    if (rc == 0)
        rc = http_body_json(r, publish_fields, &b, err);
    if (rc == 0)
        rc = app_pub_publish(api_ctx(r), api_principal(r), id, api_get_str(b, "override_reason"),
                             api_get_str(b, "late_reason"), err);
    return respond_item(r, id, rc, err);
}

static const struct http_field exempt_fields[] = {
    {"reason", HTTP_F_STRING, 1, 30},
    {"explanation", HTTP_F_STRING, 1, 5000},
    {NULL, 0, 0, 0},
};

int api_pub_items_exempt(struct http_req *r, struct sx_err *err)
{
    json_t *b = NULL;
    int64_t id = 0;
    int rc = http_param_id(r, "id", &id, err);
    if (rc == 0)
        rc = http_body_json(r, exempt_fields, &b, err);
    if (rc == 0)
        rc = app_pub_exempt(api_ctx(r), api_principal(r), id, api_get_str(b, "reason"),
                            api_get_str(b, "explanation"), err);
    return respond_item(r, id, rc, err);
}

static const struct http_field withdraw_fields[] = {
    {"change_kind", HTTP_F_STRING, 1, 40},   {"authority", HTTP_F_STRING, 1, 200},
    {"document_no", HTTP_F_STRING, 1, 100},  {"change_date", HTTP_F_DATE, 1, 0},
    {"received_on", HTTP_F_DATE, 1, 0},      {"content", HTTP_F_STRING, 1, 5000},
    {"late_reason", HTTP_F_STRING, 0, 2000}, {NULL, 0, 0, 0},
};

int api_pub_items_withdraw(struct http_req *r, struct sx_err *err)
{
    json_t *b = NULL;
    int64_t id = 0;
    int rc = http_param_id(r, "id", &id, err);
    if (rc == 0)
        rc = http_body_json(r, withdraw_fields, &b, err);
    if (rc == 0)
        rc = app_pub_withdraw(api_ctx(r), api_principal(r), id, b, err);
    return respond_item(r, id, rc, err);
}

static json_t *corr_json(const struct st_pub_correction *c)
{
    json_t *o =
        json_pack("{sI sI sI sI ss ss ss ss so so}", "id", (json_int_t)c->id, "item_id",
                  (json_int_t)c->item_id, "case_id", (json_int_t)c->case_id, "request_record_id",
                  (json_int_t)c->request_record_id, "submitted_on", c->submitted_on, "due_on",
                  c->due_on, "content", c->content, "state", c->state, "reply", api_str(c->reply),
                  "replied_on", api_str(c->replied_on));
    if (o != NULL)
        json_object_set_new(o, "reply_record_id", id_or_null(c->reply_record_id));
    return o;
}

int api_pub_corrections_list(struct http_req *r, struct sx_err *err)
{
    struct http_page page;
    const char *state = NULL;
    struct st_pub_correction *cs = NULL;
    size_t n = 0;
    int more = 0;
    int rc = http_page_parse(r, &page, err);
    if (rc == 0)
        rc = http_query(r, "state", &state, err);
    if (rc == 0)
        rc = app_pub_corr_list(api_ctx(r), api_principal(r), state, page.has_after ? page.after : 0,
                               page.limit, &cs, &n, &more, err);
    if (rc != 0)
        return api_done(r, rc, err);
    json_t *arr = json_array();
    for (size_t i = 0; arr != NULL && i < n; i++)
        json_array_append_new(arr, corr_json(&cs[i]));
    return api_send_page(r, arr, more, n > 0 ? cs[n - 1].id : 0, err);
}

static const struct http_field reply_fields[] = {
    {"outcome", HTTP_F_STRING, 1, 20},      {"reply", HTTP_F_STRING, 1, 5000},
    {"remedies", HTTP_F_STRING, 0, 2000},   {"corrected_text", HTTP_F_STRING, 0, 100000},
    {"notified_by", HTTP_F_STRING, 1, 200}, {NULL, 0, 0, 0},
};

int api_pub_corrections_reply(struct http_req *r, struct sx_err *err)
{
    struct st_pub_correction c;
    json_t *b = NULL;
    int64_t id = 0;
    int rc = http_param_id(r, "id", &id, err);
    if (rc == 0)
        rc = http_body_json(r, reply_fields, &b, err);
    if (rc == 0)
        rc = app_pub_corr_reply(api_ctx(r), api_principal(r), id, b, &c, err);
    if (rc != 0)
        return api_done(r, rc, err);
    json_t *o = corr_json(&c);
    return o != NULL ? http_send_json(r, 200, o, err) : nomem(err);
}
