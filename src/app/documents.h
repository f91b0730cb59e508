/*
 * documents: enforcement documents (文书) issued as signed PDFs (issue 5 point 4).
 *
 * A document is made from a template (data/templates/KEY.tpl, core/tpl.h),
 * filled from the case (org, case, parties, officers) and its records, given a
 * number from the org's gap-free counter (org, year, "doc:KEY") when the form
 * has one (or the number the workflow already issued, number_from), laid out as
 * an A4 PDF (render/pdf.h), and signed: SM2 with SM3 (GB/T 32918, ID
 * 1234567812345678) over the PDF bytes, with the org's key. In one transaction
 * the PDF is stored content-addressed by its SM3 (store: document_blobs) and a
 * document_issued record (template, title, number, sm3, size, signature,
 * key_id) is appended to the case's chain through the workflow action
 * issue_document — so the list of a case's documents is a projection of its
 * records, and a document whose bytes do not hash to the recorded SM3 is
 * reported as tampered, never served.
 *
 * Org keys: one SM2 key pair per org, made on first need, kept as PEM in the
 * key directory (app->keys_dir, default var/keys) as org-CODE.pem, mode 0600,
 * created with link() so that two workers racing to make it keep one key. The
 * key id is the lowercase hex SM3 of the public key's DER SubjectPublicKeyInfo.
 * Several nodes must share the directory (like media), see docs/documents.md.
 *
 * Templates are loaded with the app (app_open): a template with an unknown
 * placeholder stops start-up with its file and line.
 *
 * Ownership: results live in ctx->arena; the PDF bytes are appended to the
 * caller's sx_buf. Errors: as the store, catalogue and workflow give them, plus
 * SX_E_NOTFOUND ("unknown-template", "document-not-found"), SX_E_INVALID
 * ("template-not-for-kind", "document-data-missing", "document-needs-record"),
 * SX_E_TAMPER ("document-hash-mismatch"), SX_E_IO / SX_E_CRYPTO for keys.
 */
#ifndef APP_DOCUMENTS_H
#define APP_DOCUMENTS_H

#include "app.h"
#include "sx_buf.h"

#define APP_KEYS_DIR_DEFAULT "var/keys"
#define APP_DOC_PDF_MAX (32u << 20)

/* Load every data/templates/KEY.tpl under app->data_dir into app (called by app_open). */
int app_templates_load(struct app *app, struct sx_err *err) SX_WUR;
void app_templates_free(struct app *app);

/* The loaded template called key, or NULL. */
const struct tpl_template *app_template_find(const struct app *app, const char *key);

/* One issued document, as its document_issued record says. */
struct app_document {
    int64_t index; /* 1-based position among the case's documents: GET .../documents/{index}.pdf */
    int64_t record_id;
    int64_t seq;
    const char *at;
    int64_t actor_id;
    const char *template_key;
    const char *title;
    const char *number; /* NULL when the form has none */
    const char *sm3;    /* hex */
    int64_t size;
    const char *signature; /* hex DER */
    const char *key_id;
};

/*
 * Make, number, render, sign, store and record a document of template_key for
 * the case, as actor (who must be allowed the issue_document step). from_record
 * (0: none) picks the record of its type that record.TYPE means instead of the
 * latest. Fills *out.
 */
int app_document_issue(struct app_ctx *ctx, const struct app_principal *actor, int64_t case_id,
                       const char *template_key, int64_t from_record, struct app_document *out,
                       struct sx_err *err) SX_WUR;

/* The case's documents in order (actor must be able to see the case). */
int app_document_list(struct app_ctx *ctx, const struct app_principal *actor, int64_t case_id,
                      struct app_document **out, size_t *n, struct sx_err *err) SX_WUR;

/*
 * Document number index of the case: its record into *doc and its PDF bytes
 * appended to pdf, after checking they hash to the recorded SM3
 * (SX_E_TAMPER otherwise).
 */
int app_document_pdf(struct app_ctx *ctx, const struct app_principal *actor, int64_t case_id,
                     int64_t index, struct app_document *doc, struct sx_buf *pdf,
                     struct sx_err *err) SX_WUR;

/*
 * Render template_key for the case as an unsigned, unnumbered preview (the
 * number line reads "（预览）"), recording nothing: the CLI's `document render`
 * and the benchmark. No actor check: callers are operators on the database.
 */
int app_document_preview(struct app_ctx *ctx, int64_t case_id, const char *template_key,
                         struct sx_buf *pdf, struct sx_err *err) SX_WUR;

/*
 * The org's public key as PEM appended to pem, and its key id (hex, 65 bytes
 * with NUL) — made on first need like the private key.
 */
int app_org_public_key(struct app_ctx *ctx, int64_t org_id, struct sx_buf *pem, char key_id[65],
                       struct sx_err *err) SX_WUR;

/* ---- off the event loops: a small pool of document threads (serve) ---- */

/*
 * Issuing a document renders a PDF (~0.05–0.1 s of CPU). Done on an HTTP loop
 * it would stall every other request of that loop, so `serve` hands it to a
 * pool of threads, each with its own database connection and its own pango
 * font map (fonts load once per thread). A job runs app_document_issue with
 * ctx->arena = job->arena, then done(job) is called on the pool thread.
 * Threading: submit from any thread. A job's memory and arena must stay valid
 * until done; done may free it. Stop after the HTTP server has stopped.
 */
#define APP_DOCPOOL_MAX 8

struct app_docpool;

struct app_doc_job {
    struct app_principal actor; /* copied by value; its strings must outlive the job */
    int64_t case_id;
    const char *template_key;
    int64_t from_record;
    struct sx_arena *arena; /* results (doc strings, err) live here */
    void (*done)(struct app_doc_job *job);
    void *user;
    int rc;
    struct sx_err err;
    struct app_document doc;
    struct app_doc_job *next; /* private */
};

/* Start threads (1..APP_DOCPOOL_MAX) each with a connection to db_url. */
int app_docpool_start(const struct app *app, const char *db_url, unsigned threads,
                      struct app_docpool **out, struct sx_err *err) SX_WUR;

/* Queue a job; returns at once. After stop began, the job fails at once (503). */
void app_docpool_submit(struct app_docpool *p, struct app_doc_job *job);

/* Finish queued jobs, join the threads, close their connections, free p. NULL is fine. */
void app_docpool_stop(struct app_docpool *p);

#endif
