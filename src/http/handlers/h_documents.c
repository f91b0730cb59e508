/* h_documents: enforcement documents (文书) of a case as signed PDFs, templates, org public keys.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "app/documents.h"
#include "core/tpl.h"

static json_t *document_json(int64_t case_id, const struct app_document *d)
{
    char pdf[96];
    snprintf(pdf, sizeof(pdf), "/api/v1/cases/%lld/documents/%lld.pdf", (long long)case_id,
             (long long)d->index);
    return json_pack(
        "{sI sI sI ss sI ss ss so ss sI ss ss ss ss}", "index", (json_int_t)d->index, "record_id",
        (json_int_t)d->record_id, "seq", (json_int_t)d->seq, "at", d->at, "actor_id",
        (json_int_t)d->actor_id, "template", d->template_key, "title",
        d->title != NULL ? d->title : "", "number", api_str(d->number), "sm3", d->sm3, "size",
        (json_int_t)d->size, "signature", d->signature != NULL ? d->signature : "", "key_id",
        d->key_id != NULL ? d->key_id : "", "signature_alg",
        "SM2 with SM3 (GB/T 32918, ID 1234567812345678) over the PDF bytes", "pdf", pdf);
}

static const struct http_field issue_fields[] = {
    {"template", HTTP_F_STRING, 1, TPL_KEY_MAX},
    {"from_record", HTTP_F_INT, 0, 0},
    {NULL, 0, 0, 0},
};

/* A document being made on the pool; lives in the deferred request's arena. */
struct issue_request {
    struct app_doc_job job;
    struct http_deferred *deferred;
};

static int issue_respond(struct http_req *r, void *arg, struct sx_err *err)
{
    struct issue_request *ir = arg;
    if (ir->job.rc != 0) {
        *err = ir->job.err;
        return api_done(r, ir->job.rc, err);
    }
    return http_send_json(r, 201, document_json(ir->job.case_id, &ir->job.doc), err);
}

/* On a pool thread, after the document was committed (or refused): back to the request's loop. */
static void issue_done(struct app_doc_job *job)
{
    struct issue_request *ir = (struct issue_request *)job;
    http_resume(ir->deferred, issue_respond, ir);
}

int api_documents_create(struct http_req *r, struct sx_err *err)
{
    const struct api_app *api = r->app;
    struct app_document d;
    json_t *in = NULL;
    int64_t id = 0;
    int rc = http_param_id(r, "id", &id, err);
    if (rc == 0)
        rc = http_body_json(r, issue_fields, &in, err);
    if (rc == 0 && api_get_int(in, "from_record") < 0)
        rc = SX_FAIL(err, SX_E_INVALID, "invalid-record-id", "记录编号无效", "", "from_record",
                     "from_record 须为正整数");
    if (rc != 0)
        return api_done(r, rc, err);
    if (api->docpool == NULL) {
        rc = app_document_issue(api_ctx(r), api_principal(r), id, api_get_str(in, "template"),
                                api_get_int(in, "from_record"), &d, err);
        if (rc != 0)
            return api_done(r, rc, err);
        return http_send_json(r, 201, document_json(id, &d), err);
    }
    /* rendering takes a while: off this loop, so its other requests are not held up */
    struct issue_request *ir = sx_arena_alloc(r->arena, sizeof(*ir));
    struct http_deferred *deferred = NULL;
    if (ir == NULL)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "document");
    rc = http_defer(r, &deferred, err);
    if (rc != 0)
        return api_done(r, rc, err);
    /* only now is r->arena the request's own (the loop reuses its arena for the next request) */
    ir->deferred = deferred;
    ir->job.actor = *api_principal(r);
    ir->job.case_id = id;
    ir->job.template_key = sx_arena_strdup(r->arena, api_get_str(in, "template"));
    ir->job.from_record = api_get_int(in, "from_record");
    ir->job.arena = r->arena;
    ir->job.done = issue_done;
    app_docpool_submit(api->docpool, &ir->job);
    return HTTP_DEFERRED;
}

int api_documents_list(struct http_req *r, struct sx_err *err)
{
    struct app_document *docs = NULL;
    size_t n = 0;
    int64_t id = 0;
    int rc = http_param_id(r, "id", &id, err);
    if (rc == 0)
        rc = app_document_list(api_ctx(r), api_principal(r), id, &docs, &n, err);
    if (rc != 0)
        return api_done(r, rc, err);
    json_t *items = json_array();
    for (size_t i = 0; items != NULL && i < n; i++)
        json_array_append_new(items, document_json(id, &docs[i]));
    return http_send_json(r, 200, json_pack("{so}", "items", items), err);
}

/* "{n}.pdf" → n (1 .. 10^9). */
static int parse_file(const char *file, int64_t *n, struct sx_err *err)
{
    size_t len = file != NULL ? strlen(file) : 0;
    int64_t v = 0;
    int ok = len > 4 && len <= 13 && strcmp(file + len - 4, ".pdf") == 0 && file[0] != '0';
    for (size_t i = 0; ok && i < len - 4; i++) {
        ok = file[i] >= '0' && file[i] <= '9';
        v = v * 10 + (file[i] - '0');
    }
    if (!ok)
        return SX_FAIL(err, SX_E_NOTFOUND, "document-not-found", "文书不存在", "", "file",
                       "文书地址应为 {序号}.pdf，如 1.pdf");
    *n = v;
    return 0;
}

int api_documents_pdf(struct http_req *r, struct sx_err *err)
{
    struct app_document d;
    struct sx_buf pdf;
    int64_t id = 0, n = 0;
    char disp[64];
    sx_buf_init(&pdf, APP_DOC_PDF_MAX);
    int rc = http_param_id(r, "id", &id, err);
    if (rc == 0)
        rc = parse_file(http_param(r, "file"), &n, err);
    if (rc == 0)
        rc = app_document_pdf(api_ctx(r), api_principal(r), id, n, &d, &pdf, err);
    if (rc == 0) {
        snprintf(disp, sizeof(disp), "inline; filename=\"case%lld-doc%lld.pdf\"", (long long)id,
                 (long long)n);
        rc = http_add_header(r, "content-disposition", disp);
        if (rc == 0)
            rc = http_add_header(r, "x-sanxiang-sm3", d.sm3);
        if (rc == 0)
            rc = http_add_header(r, "x-sanxiang-signature", d.signature);
        if (rc != 0)
            rc = SX_FAIL(err, SX_E_INTERNAL, "header", "内部错误", "", "", "header");
    }
    if (rc == 0)
        rc = http_send_raw(r, 200, "application/pdf", pdf.data, pdf.len, err);
    sx_buf_free(&pdf);
    if (rc != 0)
        return api_done(r, rc, err);
    return 0;
}

int api_document_templates(struct http_req *r, struct sx_err *err)
{
    const struct app *app = api_ctx(r)->app;
    json_t *items = json_array();
    for (size_t i = 0; items != NULL && i < app->n_templates; i++) {
        const struct tpl_info *t = tpl_info(app->templates[i]);
        json_t *kinds = json_array();
        json_t *needs = json_array();
        for (size_t k = 0; k < t->n_kinds; k++)
            json_array_append_new(kinds, json_string(t->kinds[k]));
        for (size_t k = 0; k < t->n_needs; k++)
            json_array_append_new(needs, json_string(t->needs[k]));
        json_array_append_new(
            items, json_pack("{ss ss sb so so so}", "key", t->key, "title", t->title, "numbered",
                             t->number_word != NULL || t->number_from_type != NULL, "kinds", kinds,
                             "needs", needs, "source", api_str(t->source)));
    }
    return http_send_json(r, 200, json_pack("{so}", "items", items), err);
}

int api_org_public_key(struct http_req *r, struct sx_err *err)
{
    struct sx_buf pem;
    char key_id[65];
    int64_t id = 0;
    sx_buf_init(&pem, 8192);
    int rc = http_param_id(r, "id", &id, err);
    if (rc == 0)
        rc = app_org_public_key(api_ctx(r), id, &pem, key_id, err);
    if (rc == SX_E_NOTFOUND)
        rc = SX_FAIL(err, SX_E_NOTFOUND, "org-not-found", "机构不存在", "", "id",
                     "机构 %lld 不存在", (long long)id);
    json_t *out = rc == 0
                      ? json_pack("{sI ss ss ss ss}", "org_id", (json_int_t)id, "algorithm", "SM2",
                                  "sm2_id", "1234567812345678", "key_id", key_id, "pem", pem.data)
                      : NULL;
    sx_buf_free(&pem);
    if (rc != 0)
        return api_done(r, rc, err);
    return http_send_json(r, 200, out, err);
}
