/*
 * h_portal: the public portal's results publicity (issue 4) under /api/v1/portal/, no login:
 * search of published results (text, org, date range, kind; cursor paging), one result, the
 * withdrawn notices, the open-data export (JSON and CSV) and a party's correction request.
 *
 * Only what publication put out is rendered: the redacted published text and the public
 * fields below. Nothing here reads a draft, a case, a party or a record; an item that is not
 * published is 404 whatever the parameters (app/publicity.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "app/publicity.h"
#include "core/cal.h"

#define EXPORT_MAX ((size_t)256 << 20)
#define EXPORT_PAGE 1000

static int nomem(struct sx_err *err)
{
    return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", NULL, NULL, "portal");
}

static json_t *org_json(const struct app_pub_public *p)
{
    return json_pack("{sI ss}", "id", (json_int_t)p->it->org_id, "name", p->org_name);
}

/* A published result: the public fields and the redacted text. */
static json_t *result_json(const struct app_pub_public *p)
{
    const struct st_pub_item *it = p->it;
    return json_pack("{sI ss ss so so so so so ss ss so ss}", "id", (json_int_t)it->id, "kind",
                     it->case_kind, "kind_label", app_pub_kind_label(it->case_kind), "title",
                     api_str(it->title), "case_number", api_str(it->case_number), "decision_no",
                     api_str(it->decision_no), "party", api_str(it->party_label), "org",
                     org_json(p), "decided_on", it->decided_on, "published_on",
                     it->published_on != NULL ? it->published_on : "", "form", api_str(it->form),
                     "text", it->published_text != NULL ? it->published_text : "");
}

static const char *change_label(const char *kind)
{
    static const struct {
        const char *k, *label;
    } labels[] = {
        {"revoked", "被撤销"},
        {"partly_revoked", "被部分撤销"},
        {"confirmed_unlawful", "被确认违法"},
        {"confirmed_invalid", "被确认无效"},
        {"changed_reconsideration", "经行政复议变更"},
        {"changed_litigation", "经行政诉讼变更"},
    };
    for (size_t i = 0; kind != NULL && i < sizeof(labels) / sizeof(labels[0]); i++) {
        if (strcmp(kind, labels[i].k) == 0)
            return labels[i].label;
    }
    return "";
}

/* A withdrawal notice: what was withdrawn and the change that caused it (YN-1-14). */
static json_t *notice_json(const struct app_pub_public *p)
{
    const struct st_pub_item *it = p->it;
    json_t *change = it->change_json != NULL ? json_loads(it->change_json, 0, NULL) : NULL;
    if (change == NULL)
        change = json_object();
    json_object_set_new(
        change, "change_kind_label",
        json_string(change_label(json_string_value(json_object_get(change, "change_kind")))));
    return json_pack(
        "{sI ss ss so so so so so ss so so so}", "id", (json_int_t)it->id, "kind", it->case_kind,
        "kind_label", app_pub_kind_label(it->case_kind), "title", api_str(it->title), "case_number",
        api_str(it->case_number), "decision_no", api_str(it->decision_no), "party",
        api_str(it->party_label), "org", org_json(p), "decided_on", it->decided_on, "published_on",
        api_str(it->published_on), "withdrawn_on", api_str(it->withdrawn_on), "change", change);
}

/* The search filters from the query string. */
static int read_query(struct http_req *r, struct st_pub_query *q, struct sx_err *err)
{
    struct http_page page;
    int64_t org = 0;
    int32_t day;
    int rc;
    memset(q, 0, sizeof(*q));
    rc = http_page_parse(r, &page, err);
    if (rc == 0)
        rc = http_query(r, "q", &q->q, err);
    if (rc == 0)
        rc = http_query(r, "kind", &q->kind, err);
    if (rc == 0)
        rc = http_query(r, "from", &q->from, err);
    if (rc == 0)
        rc = http_query(r, "to", &q->to, err);
    if (rc == 0)
        rc = http_query_int(r, "org_id", 1, INT64_MAX, 0, &org, err);
    if (rc != 0)
        return rc;
    if (q->q != NULL && strlen(q->q) > 200)
        return SX_FAIL(err, SX_E_INVALID, "query-too-long", "查询词过长", NULL, "q",
                       "查询词不能超过 200 字节");
    if (q->from != NULL && cal_date_parse(q->from, &day, err) != 0) {
        snprintf(err->field, sizeof(err->field), "from");
        return err->code;
    }
    if (q->to != NULL && cal_date_parse(q->to, &day, err) != 0) {
        snprintf(err->field, sizeof(err->field), "to");
        return err->code;
    }
    q->org_id = org;
    q->before_id = page.has_after ? page.after : 0;
    q->limit = page.limit;
    return 0;
}

int api_portal_results(struct http_req *r, struct sx_err *err)
{
    struct st_pub_query q;
    struct app_pub_public *ps = NULL;
    size_t n = 0;
    int more = 0;
    int rc = read_query(r, &q, err);
    if (rc == 0)
        rc = app_pub_portal_search(api_ctx(r), &q, &ps, &n, &more, err);
    if (rc != 0)
        return api_done(r, rc, err);
    json_t *arr = json_array();
    for (size_t i = 0; arr != NULL && i < n; i++)
        json_array_append_new(arr, result_json(&ps[i]));
    return api_send_page(r, arr, more, n > 0 ? ps[n - 1].it->id : 0, err);
}

int api_portal_result(struct http_req *r, struct sx_err *err)
{
    struct app_pub_public p;
    int64_t id = 0;
    int rc = http_param_id(r, "id", &id, err);
    if (rc == 0)
        rc = app_pub_portal_get(api_ctx(r), id, &p, err);
    if (rc != 0)
        return api_done(r, rc, err);
    json_t *o = result_json(&p);
    return o != NULL ? http_send_json(r, 200, o, err) : nomem(err);
}

int api_portal_withdrawn(struct http_req *r, struct sx_err *err)
{
    struct http_page page;
    struct app_pub_public *ps = NULL;
    size_t n = 0;
    int more = 0;
    int rc = http_page_parse(r, &page, err);
    if (rc == 0)
        rc = app_pub_portal_withdrawn(api_ctx(r), page.has_after ? page.after : 0, page.limit, &ps,
                                      &n, &more, err);
    if (rc != 0)
        return api_done(r, rc, err);
    json_t *arr = json_array();
    for (size_t i = 0; arr != NULL && i < n; i++)
        json_array_append_new(arr, notice_json(&ps[i]));
    return api_send_page(r, arr, more, n > 0 ? ps[n - 1].it->id : 0, err);
}

/* One CSV field: quoted when it holds a comma, quote or line break (RFC 4180). */
static int csv_field(struct sx_buf *b, const char *s, bool last)
{
    int rc = 0;
    if (s == NULL)
        s = "";
    if (strpbrk(s, ",\"\r\n") != NULL) {
        rc = sx_buf_putc(b, '"');
        for (const char *p = s; rc == 0 && *p != '\0'; p++) {
            if (*p == '"')
                rc = sx_buf_putc(b, '"');
            if (rc == 0)
                rc = sx_buf_putc(b, *p);
        }
        if (rc == 0)
            rc = sx_buf_putc(b, '"');
    } else {
        rc = sx_buf_puts(b, s);
    }
    if (rc == 0)
        rc = sx_buf_puts(b, last ? "\r\n" : ",");
    return rc;
}

static int csv_row(struct sx_buf *b, const struct app_pub_public *p)
{
    const struct st_pub_item *it = p->it;
    char id[24];
    snprintf(id, sizeof(id), "%lld", (long long)it->id);
    const char *cells[] = {id,
                           it->case_kind,
                           it->title,
                           it->case_number,
                           it->decision_no,
                           it->party_label,
                           p->org_name,
                           it->decided_on,
                           it->published_on,
                           it->form,
                           it->published_text};
    int rc = 0;
    size_t nc = sizeof(cells) / sizeof(cells[0]);
    for (size_t i = 0; rc == 0 && i < nc; i++)
        rc = csv_field(b, cells[i], i + 1 == nc);
    return rc;
}

/* Every published result, page by page, as JSON or CSV (open data). */
static int export(struct http_req *r, bool csv, struct sx_err *err)
{
    struct app_ctx *ctx = api_ctx(r);
    struct st_pub_query q;
    struct sx_buf b;
    size_t count = 0;
    int more = 1;
    int rc = read_query(r, &q, err);
    if (rc != 0)
        return api_done(r, rc, err);
    q.limit = EXPORT_PAGE;
    sx_buf_init(&b, EXPORT_MAX);
    rc = csv ? sx_buf_puts(&b, "\xEF\xBB\xBFid,kind,title,case_number,decision_no,party,org,"
                               "decided_on,published_on,form,text\r\n")
             : sx_buf_puts(&b, "{\"items\":[");
    while (rc == 0 && more) {
        struct app_pub_public *ps = NULL;
        size_t n = 0;
        rc = app_pub_portal_search(ctx, &q, &ps, &n, &more, err);
        for (size_t i = 0; rc == 0 && i < n; i++) {
            if (csv) {
                rc = csv_row(&b, &ps[i]) != 0 ? nomem(err) : 0;
            } else {
                json_t *o = result_json(&ps[i]);
                char *text = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
                rc = text == NULL || (count > 0 && sx_buf_putc(&b, ',') != 0) ||
                             sx_buf_puts(&b, text) != 0
                         ? nomem(err)
                         : 0;
                free(text);
                json_decref(o);
            }
            count++;
        }
        if (n > 0)
            q.before_id = ps[n - 1].it->id;
    }
    if (rc == 0 && !csv &&
        sx_buf_printf(&b, "],\"count\":%zu,\"generated_on\":\"%s\"}", count, app_today(ctx)) != 0)
        rc = nomem(err);
    if (rc == 0)
        rc = http_send_raw(r, 200,
                           csv ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
                           b.data, b.len, err);
    sx_buf_free(&b);
    return rc != 0 ? api_done(r, rc, err) : 0;
}

int api_portal_export_json(struct http_req *r, struct sx_err *err)
{
    return export(r, false, err);
}

int api_portal_export_csv(struct http_req *r, struct sx_err *err)
{
    return export(r, true, err);
}

static const struct http_field correction_fields[] = {
    {"number", HTTP_F_STRING, 1, 100},
    {"party_id", HTTP_F_STRING, 1, 40},
    {"content", HTTP_F_STRING, 1, 5000},
    {"contact", HTTP_F_STRING, 0, 100},
    {NULL, 0, 0, 0},
};

int api_portal_correction(struct http_req *r, struct sx_err *err)
{
    struct app_pub_corr_in in;
    json_t *b = NULL;
    int64_t id = 0;
    const char *due = NULL;
    int rc = http_body_json(r, correction_fields, &b, err);
    if (rc == 0) {
        in.number = api_get_str(b, "number");
        in.party_id = api_get_str(b, "party_id");
        in.content = api_get_str(b, "content");
        in.contact = api_get_str(b, "contact");
        in.ip = http_client_ip(r);
        rc = app_pub_portal_correction(api_ctx(r), &in, &id, &due, err);
    }
    if (rc != 0)
        return api_done(r, rc, err);
    return http_send_json(r, 201,
                          json_pack("{sI ss ss}", "id", (json_int_t)id, "due_on", due, "message",
                                    "更正申请已受理，将在答复期限内核实处理并告知您"),
                          err);
}
