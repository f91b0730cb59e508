/*
 * http: Sanxiang's HTTP layer on libh2o (evloop): server threads, one static
 * route table, per-request context, request helpers (headers, cookies, query,
 * JSON bodies checked against a declarative schema), responses, errors as
 * application/problem+json (RFC 9457), cursor paging, and the built-in routes
 * /healthz, /metrics and /api/v1/openapi.json.
 *
 * Threading: N event-loop threads, each with its own SO_REUSEPORT listening
 * socket, its own h2o context and its own app state (worker_init, e.g. a DB
 * connection). A handler runs on its loop; nothing in a request is shared
 * with another thread, so handlers take no locks. The one exception is a
 * deferred response (http_defer / http_resume): the handler hands its request
 * to another thread (the group-commit writer) and returns; that thread calls
 * http_resume, and the response is sent later, again on the request's own
 * loop.
 *
 * Ownership: struct http_req lives in the worker's per-request arena (r->arena
 * itself) for the duration of the handler. Strings returned by the request
 * helpers (http_param, http_header, http_cookie, http_query, http_client_ip)
 * live in r->arena and stay valid until the handler returns; the arena is
 * reset after every request, so copy anything kept longer. JSON bodies from
 * http_body_json are owned by the request (released after the handler).
 * http_send_json steals its json_t. Response bytes are copied into libh2o's
 * request pool, so the caller's buffers may be freed or reset right after a
 * send returns. A deferred request takes its arena with it: r, r->arena and
 * all of the above stay valid until its resumed function has returned.
 * The route table, config and app passed to http_server_start are borrowed
 * and must outlive the server.
 */
#ifndef HTTP_H
#define HTTP_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "sx_arena.h"
#include "sx_buf.h"
#include "sx_err.h"

struct st_h2o_req_t; /* h2o_req_t; include "h2o.h" for raw access */
struct http_worker;
struct http_json_ref;
struct http_server;
struct http_deferred;

#define HTTP_MAX_PARAMS 8
#define HTTP_DEFAULT_MAX_BODY ((size_t)4 << 20)
#define HTTP_PROBLEM_BASE "https://sanxiang.example/problems/"

/*
 * Route flags. The framework calls app->authenticate before the handler when
 * HTTP_AUTH_USER or HTTP_AUTH_OPTIONAL is set. HTTP_AUTH_CSRF is passed to the
 * hook only for unsafe methods (anything but GET, HEAD, OPTIONS): the hook
 * checks the CSRF token exactly when the bit is set. Bits from
 * HTTP_FLAG_APP_SHIFT upwards are the app's (e.g. a required role) and are
 * passed to the hook unchanged.
 */
enum http_route_flag {
    HTTP_AUTH_NONE = 0,
    HTTP_AUTH_USER = 1u << 0,     /* session cookie or API token required */
    HTTP_AUTH_CSRF = 1u << 1,     /* + CSRF token on unsafe methods */
    HTTP_AUTH_OPTIONAL = 1u << 2, /* hook runs; SX_E_AUTH means "anonymous", not an error */
};
#define HTTP_FLAG_APP_SHIFT 16

struct http_req;

/*
 * One row of the app's static route table.
 *
 * A handler returns 0 after sending exactly one response (http_send_*), or a
 * negative SX_E_* with err filled: the framework then sends err as
 * problem+json. Returning 0 without a response is a bug reported as 500.
 * A handler that called http_defer returns HTTP_DEFERRED instead.
 */
struct http_route {
    const char *method;  /* "GET", "POST", "PUT", "PATCH", "DELETE", ... (exact, case-sensitive) */
    const char *pattern; /* "/api/v1/cases/{id}/records": literal or whole-segment {param} */
    int (*handler)(struct http_req *r, struct sx_err *err);
    unsigned flags;         /* enum http_route_flag | app bits << HTTP_FLAG_APP_SHIFT */
    const char *summary_zh; /* one line for docs and logs */
    const char *tag;        /* OpenAPI tag */
};

struct http_param {
    const char *name;  /* from the pattern (static) */
    const char *value; /* percent-decoded, valid UTF-8, NUL-free, in r->arena */
};

/* The per-request context handed to handlers and the auth hook. */
struct http_req {
    struct st_h2o_req_t *h2o;       /* libh2o request (borrowed); NULL in a resumed function
                                       when the client went away (see http_resume) */
    struct sx_arena *arena;         /* per-request memory; reset after the handler returns
                                       (after the resumed function for a deferred request) */
    void *app;                      /* http_app.app */
    void *worker;                   /* this loop's state from worker_init */
    unsigned worker_index;          /* 0..threads-1 */
    const struct http_route *route; /* matched row of the table (NULL for 404/405) */
    void *principal;                /* set by the auth hook; NULL when anonymous */
    const char *method;             /* NUL-terminated, in arena */
    const char *path;               /* path without query, raw (not decoded), in arena */
    unsigned nparams;
    struct http_param params[HTTP_MAX_PARAMS];
    char id[40]; /* request id, "<boot>-<worker>-<seq>" hex; logged and sent as X-Request-Id */
    /* private to the framework */
    struct http_worker *_w;
    struct http_json_ref *_json;
    struct http_deferred *_defer; /* set by http_defer */
    uint64_t _t0;                 /* monotonic µs when dispatch began */
    int _responded;
    int _status; /* status of the response sent */
    int _phase;  /* where the request is: only a running handler may defer */
};

/* Application callbacks. Only routes is required. */
struct http_app {
    void *app; /* passed to every callback and as r->app */
    const struct http_route *routes;
    size_t nroutes;
    /* Runs on each loop thread before it serves; *worker_state becomes r->worker. */
    int (*worker_init)(void *app, unsigned worker_index, void **worker_state, struct sx_err *err);
    /* Runs on the loop thread after it stopped serving, iff its worker_init succeeded
       (also when the server start is aborted because another loop failed). */
    void (*worker_fini)(void *app, void *worker_state);
    /* Optional: runs on the loop thread after each batch of events it handled (e.g. to end
       a read snapshot the batch's requests shared). */
    void (*worker_idle)(void *app, void *worker_state);
    /* Sets r->principal or fails with SX_E_AUTH (401) / SX_E_FORBIDDEN (403). */
    int (*authenticate)(struct http_req *r, unsigned flags, struct sx_err *err);
    /* Optional readiness check for GET /healthz (e.g. DB ping); failure → 503. */
    int (*health)(struct http_req *r, struct sx_err *err);
    /* Optional: append the app's own metrics (Prometheus text) to out for GET /metrics. */
    int (*metrics)(struct http_req *r, struct sx_buf *out);
};

struct http_config {
    const char *listen; /* "127.0.0.1:8080", "[::1]:8080", "0.0.0.0:8080"; port 0 = ephemeral */
    unsigned threads;   /* event loops; 0 = number of online cores */
    size_t max_body;    /* request body limit in bytes; 0 = HTTP_DEFAULT_MAX_BODY; over → 413 */
    const char *openapi_path; /* JSON file served at /api/v1/openapi.json; NULL = 404 there */
    int trust_proxy;          /* client IP from the last X-Forwarded-For hop (behind nginx) */
    unsigned shutdown_ms;     /* grace for open connections on stop; 0 = 2000 */
    size_t max_response;      /* cap on one JSON/metrics response; 0 = 64 MiB */
    /* web UI: the directory of its build output (web/dist), served for GET/HEAD paths that
       match no route (see http_static.h); NULL = no UI, unmatched paths are 404 */
    const char *web_root;
};

/* Fill c with the defaults above (listen "127.0.0.1:8080"). */
void http_config_defaults(struct http_config *c);

/* ---- server ---------------------------------------------------------- */

/*
 * Validate the route table, load the OpenAPI file, bind the listening sockets
 * and start the loops; returns once every worker_init has run. On failure
 * nothing is left running. Errors: SX_E_INVALID (bad listen address or route
 * table), SX_E_IO (bind, file, thread), or whatever worker_init reported.
 * The caller owns *out and must pass it to http_server_stop.
 */
int http_server_start(const struct http_config *cfg, const struct http_app *app,
                      struct http_server **out, struct sx_err *err) SX_WUR;

/* The bound TCP port (useful after listening on port 0). */
unsigned http_server_port(const struct http_server *s);

/*
 * Stop gracefully: every loop stops accepting, lets responses being written
 * finish (up to shutdown_ms), closes idle keep-alive connections at once,
 * waits for its deferred requests to be resumed and answered (however long
 * that takes: see "deferred responses" below), calls worker_fini and exits.
 * A request body still arriving is cut off. Joins the threads and frees s.
 * Call from any thread except a loop thread, and not from the thread that
 * must call http_resume for outstanding deferrals.
 */
void http_server_stop(struct http_server *s);

/*
 * Serve until SIGINT or SIGTERM, then stop gracefully. Blocks those signals
 * in the calling thread (the loops inherit the mask) and ignores SIGPIPE.
 * Returns 0 after a clean stop or the start error.
 */
int http_serve(const struct http_config *cfg, const struct http_app *app,
               struct sx_err *err) SX_WUR;

/* ---- request helpers ------------------------------------------------- */

/* Value of path parameter name ("id" for "{id}"), or NULL if the route has none. */
const char *http_param(const struct http_req *r, const char *name);

/*
 * Path parameter as a positive int64 (decimal, 1..INT64_MAX). Errors:
 * SX_E_INVALID (400) naming the parameter.
 */
int http_param_id(const struct http_req *r, const char *name, int64_t *out,
                  struct sx_err *err) SX_WUR;

/* First value of header name (lower-case), NUL-terminated in arena; NULL if absent. */
const char *http_header(struct http_req *r, const char *name);

/* Value of cookie name from the Cookie header(s) (quotes stripped), in arena; NULL if absent. */
const char *http_cookie(struct http_req *r, const char *name);

/*
 * Query parameter name ('+' and %XX decoded), in arena. *out = NULL when
 * absent. Errors: SX_E_INVALID (400) for bad %-escapes, NUL or invalid UTF-8.
 */
int http_query(struct http_req *r, const char *name, const char **out, struct sx_err *err) SX_WUR;

/* Query parameter as an integer in [min, max]; *out = def when absent. Errors: SX_E_INVALID. */
int http_query_int(struct http_req *r, const char *name, int64_t min, int64_t max, int64_t def,
                   int64_t *out, struct sx_err *err) SX_WUR;

/* Client address as text (peer, or X-Forwarded-For's last hop if trust_proxy), in arena. */
const char *http_client_ip(struct http_req *r);

/* 1 for GET/HEAD/OPTIONS/TRACE, else 0. */
int http_method_is_safe(const char *method);

/*
 * The raw request body (libh2o buffers it whole, at most max_body bytes), e.g.
 * one chunk of a resumable upload. *len = 0 and "" when there is none. Valid
 * until the handler returns; called after http_defer, it returns the
 * request's own copy, valid until the resumed function returns.
 */
const void *http_body(const struct http_req *r, size_t *len);

/* ---- deferred responses ---------------------------------------------- */

/*
 * A handler that must wait for another thread before it can answer (a record
 * append waits for the group commit: durable before acknowledged) defers:
 *
 *     rc = http_defer(r, &d, err);          // r now outlives the handler
 *     if (rc != 0) return rc;
 *     job->d = d; job->arena = r->arena;     // everything the job needs
 *     app_writer_submit(writer, job);        // hand off: last touch of r
 *     return HTTP_DEFERRED;
 *
 * and the other thread, when done, calls http_resume(job->d, fn, job) exactly
 * once; fn runs on the request's loop and sends the response like a handler.
 *
 * Between the hand-off and the call to fn, the request belongs to the other
 * thread in this sense: it may read r (params, principal, id, method, path,
 * strings in r->arena, the parsed JSON body without changing it or its
 * reference counts, http_body's bytes fetched after http_defer) and may
 * allocate from r->arena (the loop does not touch it meanwhile), but must call
 * no other http_* function on r; the handler must not touch r after the
 * hand-off. fn may use everything, on the loop thread, with r->worker as in a
 * handler.
 *
 * Client gone: if libh2o drops the request before fn runs (the connection
 * closed: HTTP/2 notices at once, and at server stop HTTP/2 connections are
 * half-closed, so their deferred requests are dropped this way), fn is still
 * called, with r->h2o == NULL. Then every http_send_* and http_add_header /
 * http_set_cookie is a no-op returning 0, the request-reading helpers
 * (http_header, http_cookie, http_query, http_client_ip) return "absent"/"",
 * and a returned error is only logged. Metrics count it as status 499. An
 * HTTP/1 connection is not read while its request is pending, so there a
 * disconnect is only noticed when the response is written: fn sees a live r
 * and its response is discarded by the kernel.
 *
 * Stop: http_server_stop waits for every outstanding deferral: each loop keeps
 * running (no new connections, idle ones closed) until all its deferred
 * requests have been resumed and their fn has run — past shutdown_ms if need
 * be, logging a warning every 5 s — and only then calls worker_fini. So the
 * app must keep its writer resuming until http_server_stop has returned (stop
 * the writer after the server), and a deferral that is never resumed makes
 * the stop hang. Calling http_resume after http_server_stop returned, or twice
 * for one deferral, is a use-after-free.
 */

/* Returned by a handler that deferred its response (positive: not 0, not an SX_E_* error). */
#define HTTP_DEFERRED 1

/*
 * Called inside a handler: keep this request alive past the handler's return.
 * The request moves to its own arena (r->arena changes; the worker gets a
 * fresh one), a copy of the body is taken so that http_body called from now
 * on stays valid even after a disconnect, and *out is the handle to pass to
 * http_resume. The handler must then return HTTP_DEFERRED. If it returns
 * anything else the deferral is cancelled and the request finishes as usual —
 * right when the hand-off itself failed, a use-after-free if d was handed off.
 * Errors: SX_E_NOMEM; SX_E_INTERNAL when called outside a handler, twice,
 * after a response was sent, or from a resumed function.
 */
int http_defer(struct http_req *r, struct http_deferred **out, struct sx_err *err) SX_WUR;

/*
 * From any thread (also the loop's own), exactly once per deferral: run fn on
 * the request's loop thread with the same struct http_req the handler had
 * (same pointer). fn sends one response (http_send_*) and returns 0, or
 * returns a negative SX_E_* with err filled and the framework sends it as
 * problem+json — exactly like a handler (fn may not defer again). Returns at
 * once; fn runs when the loop next wakes. After fn returns, the request's
 * arena, its JSON bodies and d are released: free arg in fn (it is called
 * even when the client went away, see above). Never blocks on the loop: it
 * takes a per-loop mutex for the enqueue only.
 */
void http_resume(struct http_deferred *d,
                 int (*fn)(struct http_req *r, void *arg, struct sx_err *err), void *arg);

/* ---- JSON bodies ----------------------------------------------------- */

enum http_ftype {
    HTTP_F_STRING, /* JSON string, valid UTF-8, at most max_len characters (code points) */
    HTTP_F_INT,    /* JSON integer (no fraction, no exponent) */
    HTTP_F_BOOL,
    HTTP_F_OBJECT, /* at most max_len members if max_len > 0 */
    HTTP_F_ARRAY,  /* at most max_len elements if max_len > 0 */
    HTTP_F_DATE,   /* string "YYYY-MM-DD", a real calendar date */
    HTTP_F_NUMBER, /* integer or real */
    HTTP_F_ANY,
};

/*
 * One allowed top-level member of a JSON object body. Tables end with a row
 * whose name is NULL. A non-required member may be null (meaning "unset").
 */
struct http_field {
    const char *name;
    enum http_ftype type;
    int required;
    size_t max_len; /* 0 = no limit beyond the body limit */
};

/*
 * Check that obj is an object whose members are all listed in fields, have
 * their types and lengths, and that required members are present. Errors:
 * SX_E_INVALID (400) with err->field naming the member.
 */
int http_json_validate(const json_t *obj, const struct http_field *fields,
                       struct sx_err *err) SX_WUR;

/*
 * Parse buf as JSON (duplicate keys rejected) and validate it. The caller
 * owns *out (json_decref). Errors: SX_E_INVALID (400): "请求体不是有效的 JSON"
 * with line and column, not an object, or a schema error.
 */
int http_json_parse(const char *buf, size_t len, const struct http_field *fields, json_t **out,
                    struct sx_err *err) SX_WUR;

/*
 * The request body parsed and validated. Requires Content-Type
 * application/json (415 otherwise). The request owns *out (released after the
 * handler). Errors: as http_json_parse, plus 415.
 */
int http_body_json(struct http_req *r, const struct http_field *fields, json_t **out,
                   struct sx_err *err) SX_WUR;

/* ---- responses ------------------------------------------------------- */

enum http_cookie_flag {
    HTTP_COOKIE_HTTPONLY = 1u << 0,
    HTTP_COOKIE_SECURE = 1u << 1,
    HTTP_COOKIE_SAMESITE_STRICT = 1u << 2,
    HTTP_COOKIE_SAMESITE_LAX = 1u << 3,
};

/*
 * Add a response header (before the send). name and value are copied.
 * Errors: SX_E_INVALID if either contains CR, LF or NUL.
 */
int http_add_header(struct http_req *r, const char *name, const char *value) SX_WUR;

/*
 * Add Set-Cookie "name=value; Path=/; Max-Age=..." (max_age < 0 omits it,
 * 0 deletes). Errors: SX_E_INVALID for characters not allowed in cookies.
 */
int http_set_cookie(struct http_req *r, const char *name, const char *value, long max_age,
                    unsigned flags) SX_WUR;

/*
 * Send body as compact JSON (application/json; charset=utf-8) with status.
 * Steals body (even on failure; NULL is SX_E_NOMEM). Errors: SX_E_NOMEM,
 * SX_E_TOOBIG (over max_response), SX_E_INTERNAL (already responded).
 */
int http_send_json(struct http_req *r, int status, json_t *body, struct sx_err *err) SX_WUR;

/* Send len bytes of data with content_type. Data is copied. Errors: SX_E_INTERNAL. */
int http_send_raw(struct http_req *r, int status, const char *content_type, const void *data,
                  size_t len, struct sx_err *err) SX_WUR;

/* Send a response without a body (e.g. 204). Errors: SX_E_INTERNAL. */
int http_send_empty(struct http_req *r, int status, struct sx_err *err) SX_WUR;

/*
 * Send err as application/problem+json. 5xx details are replaced by a
 * generic message (the original goes to the log). Used by the framework after
 * a handler fails; handlers normally return the error instead.
 */
void http_send_problem(struct http_req *r, const struct sx_err *err);

/*
 * Render err as an RFC 9457 problem object into out (appended):
 * {"type","title","status","detail","source","field","instance","request_id"};
 * empty strings are left out, invalid UTF-8 is replaced. type is
 * HTTP_PROBLEM_BASE + err->type, or "about:blank" when err->type is empty.
 * instance/request_id may be NULL. Errors: SX_E_TOOBIG / SX_E_NOMEM from out.
 */
int http_problem_render(const struct sx_err *err, const char *instance, const char *request_id,
                        struct sx_buf *out) SX_WUR;

/* ---- cursor paging --------------------------------------------------- */

#define HTTP_PAGE_DEFAULT 50
#define HTTP_PAGE_MAX 200
#define HTTP_CURSOR_LEN 11 /* base64url of 8 bytes, no padding */

struct http_page {
    int limit;     /* 1..HTTP_PAGE_MAX, default HTTP_PAGE_DEFAULT */
    int has_after; /* a cursor was given */
    int64_t after; /* return rows with id > after (when has_after) */
};

/*
 * Read ?limit= and ?cursor= into p. Fetch limit + 1 rows to learn whether
 * there is a next page. Errors: SX_E_INVALID (400) with field "limit" or
 * "cursor".
 */
int http_page_parse(struct http_req *r, struct http_page *p, struct sx_err *err) SX_WUR;

/* Encode after-id v (>= 0) as an opaque cursor into out (HTTP_CURSOR_LEN + NUL). */
void http_cursor_encode(int64_t v, char out[HTTP_CURSOR_LEN + 1]);

/* Decode a cursor made by http_cursor_encode. Errors: SX_E_INVALID (field "cursor"). */
int http_cursor_decode(const char *s, size_t len, int64_t *out, struct sx_err *err) SX_WUR;

/*
 * Set body["next_cursor"] to the cursor for last_id when has_more, else null.
 * Errors: SX_E_NOMEM.
 */
int http_page_set_next(json_t *body, int has_more, int64_t last_id, struct sx_err *err) SX_WUR;

/* ---- built-in routes (the app lists them in its table) --------------- */

/* GET /healthz: 200 {"status":"ok"}, or 503 problem if app->health fails. */
int http_builtin_healthz(struct http_req *r, struct sx_err *err);

/* GET /metrics: Prometheus text format 0.0.4. */
int http_builtin_metrics(struct http_req *r, struct sx_err *err);

/* GET /api/v1/openapi.json: the file loaded at start (404 if none configured). */
int http_builtin_openapi(struct http_req *r, struct sx_err *err);

/*
 * Compare the route table with an OpenAPI document's "paths": every
 * (method, pattern) must be documented and every documented operation must be
 * routed. Returns 0 when they agree; SX_E_INVALID listing the differences in
 * err->detail ("未记录: GET /x；多余: POST /y"), or when text is not an
 * OpenAPI JSON object with "paths".
 */
int http_openapi_check(const struct http_route *routes, size_t n, const char *openapi_json_text,
                       struct sx_err *err) SX_WUR;

#endif
