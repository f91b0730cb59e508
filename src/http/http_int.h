/*
 * http_int: private parts of src/http shared between its files and its unit
 * test: the compiled router, pure text helpers (percent-decoding, UTF-8,
 * query and cookie lookup, dates, listen addresses), metrics counters and the
 * server/worker structures. Not for handlers: they use http.h.
 *
 * Ownership: http_router_new / http_router_free and http_metrics_init /
 * http_metrics_free are pairs; match results point into the matched path and
 * the router. Decoded strings live in the arena passed in. A worker outlives
 * every deferral made on it: its thread does not exit while ndeferred > 0.
 */
#ifndef HTTP_INT_H
#define HTTP_INT_H

#include <pthread.h>
#include <stdint.h>
#include <sys/socket.h>

#include "h2o.h"

#include "http.h"

#define HTTP_MAX_SEGS 32
#define HTTP_MAX_METHODS 8

/* ---- router ---------------------------------------------------------- */

struct http_rseg {
    const char *text; /* literal text, or the parameter name (NUL-terminated, router-owned) */
    size_t len;
    int is_param;
};

/* One distinct pattern shape with the routes (one per method) that share it. */
struct http_rpath {
    unsigned nseg;
    struct http_rseg seg[HTTP_MAX_SEGS];
    unsigned nmethods;
    size_t route[HTTP_MAX_METHODS]; /* indexes into the route table */
};

/* Parameter names of one route row, in path order. */
struct http_rnames {
    const char *name[HTTP_MAX_PARAMS];
};

struct http_router {
    const struct http_route *routes; /* borrowed */
    size_t nroutes;
    struct http_rnames *pnames; /* [nroutes] */
    struct http_rpath *paths;
    size_t npaths;
    struct sx_arena names; /* parameter names */
};

struct http_match {
    int status; /* 0 matched, 404 no such path, 405 path exists but not for this method */
    size_t route;
    unsigned nparams;
    const char *pname[HTTP_MAX_PARAMS];
    const char *pval[HTTP_MAX_PARAMS]; /* raw (still %-encoded), points into the path */
    size_t plen[HTTP_MAX_PARAMS];
    char allow[128]; /* "GET, POST" when status == 405 */
};

/*
 * Compile routes. Errors: SX_E_INVALID naming the bad row (pattern syntax,
 * duplicate method+shape, too many params/segments/methods), SX_E_NOMEM.
 */
int http_router_new(const struct http_route *routes, size_t n, struct http_router **out,
                    struct sx_err *err) SX_WUR;
void http_router_free(struct http_router *rt);

/*
 * Match method and path (without query). A single trailing slash is ignored;
 * empty segments never match. Literal segments win over parameters; a shape
 * with the method wins over one without. HEAD uses the GET row unless the
 * table has a HEAD row; Allow lists HEAD wherever GET is allowed.
 */
void http_router_match(const struct http_router *rt, const char *method, size_t mlen,
                       const char *path, size_t plen, struct http_match *m);

/* ---- text helpers (pure) --------------------------------------------- */

/* 1 if s[0..n) is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF). */
int http_utf8_valid(const char *s, size_t n);

/* Number of code points in valid UTF-8 s[0..n). */
size_t http_utf8_count(const char *s, size_t n);

/*
 * Percent-decode s[0..n) ('+' as space when plus_space) into a NUL-terminated
 * arena string. Returns 0, SX_E_INVALID (bad escape, NUL, invalid UTF-8) or
 * SX_E_NOMEM; does not fill an sx_err (callers name the offending part).
 */
int http_pct_decode(const char *s, size_t n, int plus_space, struct sx_arena *a, char **out,
                    size_t *outlen) SX_WUR;

/*
 * Find the first name=value pair in query string qs[0..n) whose decoded name
 * equals name; decode its value into the arena. *out = NULL when absent.
 * Errors: SX_E_INVALID (400, field = name), SX_E_NOMEM.
 */
int http_query_lookup(const char *qs, size_t n, const char *name, struct sx_arena *a,
                      const char **out, struct sx_err *err) SX_WUR;

/*
 * Find cookie name in one Cookie header value ("a=b; c=d"). Returns 1 and the
 * value (surrounding quotes removed, not decoded) or 0 when absent.
 */
int http_cookie_lookup(const char *hdr, size_t n, const char *name, const char **val, size_t *vlen);

/* 1 if s[0..n) is "YYYY-MM-DD" naming a real Gregorian date (years 0001-9999). */
int http_date_valid(const char *s, size_t n);

/*
 * Parse "host:port" with a numeric IPv4 host or "[IPv6]:port". Errors:
 * SX_E_INVALID.
 */
int http_parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *sslen,
                      struct sx_err *err) SX_WUR;

/* HTTP reason phrase ("Not Found") and a zh-CN title ("未找到该资源") for status. */
const char *http_status_reason(int status);
const char *http_status_title(int status);
const char *http_status_slug(int status);

/* ---- metrics --------------------------------------------------------- */

#define HTTP_NBUCKETS 15 /* histogram buckets incl. +Inf */

/*
 * One worker's counters. Written only by the owning loop (relaxed atomic
 * stores), read by whichever loop serves /metrics (relaxed atomic loads), so
 * the hot path takes no lock.
 */
struct http_metrics {
    size_t nslots;    /* nroutes + 1; the last slot is "unmatched" */
    uint64_t *count;  /* [nslots][HTTP_NSTATUS] */
    uint64_t *bucket; /* [nslots][HTTP_NBUCKETS], not cumulative */
    uint64_t *sum_us; /* [nslots] */
    int64_t inflight; /* requests accepted by a handler and not yet disposed */
};

int http_metrics_init(struct http_metrics *m, size_t nroutes) SX_WUR;
void http_metrics_free(struct http_metrics *m);
void http_metrics_record(struct http_metrics *m, size_t slot, int status, uint64_t us);
void http_metrics_inflight(struct http_metrics *m, int delta);
/* Sum the workers' counters and append the exposition text. Errors: from out. */
int http_metrics_render(struct http_metrics *const *ms, size_t nm, const struct http_route *routes,
                        size_t nroutes, struct sx_buf *out) SX_WUR;

/* ---- server ---------------------------------------------------------- */

struct http_conn {
    h2o_linklist_t link;
    h2o_socket_t *sock;
    struct http_worker *w;
};

struct http_worker {
    h2o_context_t ctx; /* first: H2O_STRUCT_FROM_MEMBER finds the worker */
    h2o_accept_ctx_t accept_ctx;
    struct http_server *srv;
    unsigned index;
    int listen_fd;
    h2o_socket_t *listener;
    h2o_multithread_receiver_t stop_receiver;
    h2o_multithread_message_t stop_msg;
    /* http_resume enqueues here from any thread; registered for the loop's whole life */
    h2o_multithread_receiver_t resume_receiver;
    /* held by http_resume around the enqueue, so the loop can wait out a sender that has
       queued its message but not yet left h2o_multithread_send_message (which writes to
       the queue's pipe after unlocking the queue) */
    pthread_mutex_t resume_mu;
    size_t ndeferred; /* deferred requests whose resumed function has not run (loop only) */
    int stopping;
    h2o_linklist_t conns;
    size_t nconns;
    void *state;
    struct sx_arena arena;
    struct sx_buf out;
    struct http_metrics metrics;
    uint64_t seq;
    pthread_t tid;
    int thread_started;
    int init_done; /* under srv->mu */
    int init_rc;
    struct sx_err init_err;
};

struct http_server {
    struct http_config cfg;
    struct http_app app;
    struct http_router *router;
    h2o_globalconf_t conf;
    int conf_inited;
    char *openapi;
    size_t openapi_len;
    unsigned nworkers;
    struct http_worker **workers;
    struct http_metrics **metrics; /* workers[i]->metrics, for rendering */
    unsigned port;
    uint32_t boot; /* random per start, prefix of request ids */
    pthread_mutex_t mu;
    pthread_cond_t cv;
};

/* The worker owning an h2o context. */
struct http_worker *http_worker_of(h2o_context_t *ctx);

/* Dispatch one request on its loop (http_server.c → http_req.c). */
void http_dispatch(struct http_worker *w, h2o_req_t *req);

/* The resume_receiver callback: run the resumed functions of the queued deferrals. */
void http_on_resume(h2o_multithread_receiver_t *receiver, h2o_linklist_t *messages);

/* Rewrite libh2o's own error responses (413, 400 …) as problem+json. */
void http_rewrite_h2o_error(struct http_worker *w, h2o_req_t *req, h2o_ostream_t **slot);

#endif
