/*
 * http_req: one request's life on its loop — route, decode path parameters,
 * authenticate, run the handler, turn a failure into problem+json, record
 * metrics, log one line, reset the arena — plus the request helpers, the
 * response senders handlers call, and deferred responses (http_defer,
 * http_resume).
 *
 * Response bodies are copied into libh2o's request pool before h2o_send:
 * a write may still be pending after the handler returns and the arena is
 * reset, and the pool lives until libh2o disposes the request.
 *
 * struct http_req is allocated in the worker's arena, so that deferring only
 * has to move the arena: the request, its strings, its JSON refs and the
 * struct http_deferred all live in it, and the resumed function gets the very
 * pointer the handler had. A small hook in libh2o's request pool tells the
 * deferral when libh2o disposes the request (client gone) so that nothing
 * touches h2o afterwards.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http_int.h"
#include "http_static.h"
#include "sx_log.h"

struct http_json_ref {
    struct http_json_ref *next;
    json_t *json;
};

/* r->_phase: http_defer is only allowed while the handler runs */
enum { PHASE_FRAMEWORK = 0, PHASE_HANDLER = 1, PHASE_RESUMED = 2 };

/* Lives in libh2o's request pool; disposed with the request. */
struct defer_hook {
    struct http_deferred *d; /* NULL once the deferral is finished or cancelled */
};

struct http_deferred {
    h2o_multithread_message_t msg; /* first message field zeroed: not linked */
    struct http_req *req;
    struct http_worker *w;
    struct sx_arena arena;   /* owns req, this struct and all the request allocated */
    struct defer_hook *hook; /* NULL once libh2o disposed the request */
    int gone;                /* libh2o disposed the request before the resume ran */
    const char *body;        /* copy of the request body, in arena */
    size_t body_len;
    /* written by http_resume (any thread), read on the loop after the queue's mutex */
    int (*fn)(struct http_req *r, void *arg, struct sx_err *err);
    void *arg;
};

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static char *put_hex(char *p, uint64_t v, int min_digits)
{
    char tmp[16];
    int n = 0;
    do {
        tmp[n++] = "0123456789abcdef"[v & 0xf];
        v >>= 4;
    } while (v != 0 && n < 16);
    while (n < min_digits)
        tmp[n++] = '0';
    while (n > 0)
        *p++ = tmp[--n];
    return p;
}

/* "<boot:8 hex>-<worker hex>-<seq hex>": unique per process start without any shared counter. */
static void make_id(char *out, uint32_t boot, unsigned worker, uint64_t seq)
{
    char *p = put_hex(out, boot, 8);
    *p++ = '-';
    p = put_hex(p, worker, 1);
    *p++ = '-';
    p = put_hex(p, seq, 1);
    *p = '\0';
}

static void err_reset(struct sx_err *err)
{
    /* cheaper than clearing 1.2 KB per request; SX_FAIL overwrites every field */
    err->code = 0;
    err->status = 0;
    err->type[0] = '\0';
    err->title[0] = '\0';
    err->detail[0] = '\0';
    err->source[0] = '\0';
    err->field[0] = '\0';
    err->func = NULL;
}

static int add_header_raw(h2o_req_t *req, const char *name, size_t nlen, const char *value,
                          size_t vlen)
{
    const h2o_token_t *tok = h2o_lookup_token(name, nlen);
    h2o_iovec_t v = h2o_strdup(&req->pool, value, vlen);
    if (tok != NULL) {
        h2o_add_header(&req->pool, &req->res.headers, tok, NULL, v.base, v.len);
    } else {
        h2o_iovec_t n = h2o_strdup(&req->pool, name, nlen);
        h2o_add_header_by_str(&req->pool, &req->res.headers, n.base, n.len, 0, NULL, v.base, v.len);
    }
    return 0;
}

/* Start the response and send len bytes (copied into the request pool). */
static int send_body(struct http_req *r, int status, const char *ctype, const void *data,
                     size_t len)
{
    static h2o_generator_t generator = {NULL, NULL};
    h2o_req_t *req = r->h2o;
    h2o_iovec_t body = {NULL, 0};
    if (r->_responded)
        return SX_E_INTERNAL;
    r->_responded = 1;
    r->_status = status;
    if (req == NULL)
        return 0; /* deferred request whose client went away: nobody to send to */
    /* a deferred response finishing during a stop: don't invite another request */
    if (req->conn->ctx->shutdown_requested)
        req->http1_is_persistent = 0;
    req->res.status = status;
    req->res.reason = http_status_reason(status);
    if (ctype != NULL)
        h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL, ctype,
                       strlen(ctype));
    if (h2o_find_header(&req->res.headers, H2O_TOKEN_CACHE_CONTROL, -1) == -1)
        h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CACHE_CONTROL, NULL,
                       H2O_STRLIT("no-store"));
    h2o_add_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("x-content-type-options"), 0,
                          NULL, H2O_STRLIT("nosniff"));
    {
        h2o_iovec_t id = h2o_strdup(&req->pool, r->id, strlen(r->id));
        h2o_add_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("x-request-id"), 0, NULL,
                              id.base, id.len);
    }
    if (status == 204 || status == 304 || status < 200) {
        len = 0;
    } else {
        req->res.content_length = len;
    }
    /* libh2o 2.2.5 would send a HEAD response's body: keep the length, drop the bytes */
    if (h2o_memis(req->method.base, req->method.len, H2O_STRLIT("HEAD")))
        len = 0;
    if (len > 0) {
        body.base = h2o_mem_alloc_pool(&req->pool, len);
        memcpy(body.base, data, len);
        body.len = len;
    }
    h2o_start_response(req, &generator);
    h2o_send(req, &body, len > 0 ? 1 : 0, H2O_SEND_STATE_FINAL);
    return 0;
}

static int already(struct sx_err *err)
{
    return SX_FAIL(err, SX_E_INTERNAL, "internal", "服务器内部错误", "", "",
                   "同一请求发送了两次响应");
}

static int dump_cb(const char *buffer, size_t size, void *data)
{
    return sx_buf_append(data, buffer, size) == 0 ? 0 : -1;
}

int http_send_json(struct http_req *r, int status, json_t *body, struct sx_err *err)
{
    struct sx_buf *out = &r->_w->out;
    int rc;
    if (body == NULL)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "服务器内部错误", "", "", "构造响应失败");
    if (r->_responded) {
        json_decref(body);
        return already(err);
    }
    sx_buf_reset(out);
    rc = json_dump_callback(body, dump_cb, out, JSON_COMPACT);
    json_decref(body);
    if (rc != 0)
        return SX_FAIL(err, SX_E_TOOBIG, "response-too-large", "响应过大", "", "",
                       "响应超过上限 %zu 字节，请缩小查询范围", out->max);
    return send_body(r, status, "application/json; charset=utf-8", out->data, out->len);
}

int http_send_raw(struct http_req *r, int status, const char *content_type, const void *data,
                  size_t len, struct sx_err *err)
{
    if (send_body(r, status, content_type, data, len) != 0)
        return already(err);
    return 0;
}

int http_send_empty(struct http_req *r, int status, struct sx_err *err)
{
    if (send_body(r, status, NULL, NULL, 0) != 0)
        return already(err);
    return 0;
}

void http_send_problem(struct http_req *r, const struct sx_err *err)
{
    static const char fallback[] = "{\"type\":\"about:blank\",\"title\":\"服务器内部错误\","
                                   "\"status\":500}";
    struct sx_buf *out = &r->_w->out;
    struct sx_err pub;
    const struct sx_err *e = err;
    int status = err->status != 0 ? err->status : sx_code_status(err->code);
    if (r->_responded) {
        sx_log(SX_LOG_ERROR, "http", "%s problem after response: %s %s (%s)", r->id,
               sx_code_name(err->code), err->title, err->func != NULL ? err->func : "?");
        return;
    }
    if (status >= 500) {
        /* internal details (SQL, OS errors) go to the log, not to the client */
        sx_log(SX_LOG_ERROR, "http", "%s %s %s: %s: %s (%s)", r->id,
               r->method != NULL ? r->method : "-", r->route != NULL ? r->route->pattern : "-",
               sx_code_name(err->code), err->detail, err->func != NULL ? err->func : "?");
        pub = *err;
        pub.status = status;
        pub.source[0] = '\0';
        pub.field[0] = '\0';
        if (status == 503)
            snprintf(pub.detail, sizeof(pub.detail), "服务暂不可用，请稍后重试（请求编号 %s）",
                     r->id);
        else
            snprintf(pub.detail, sizeof(pub.detail),
                     "服务器处理请求时出错，请联系管理员并提供请求编号 %s", r->id);
        e = &pub;
    }
    sx_buf_reset(out);
    if (http_problem_render(e, r->path, r->id, out) != 0) {
        (void)send_body(r, 500, "application/problem+json", fallback, sizeof(fallback) - 1);
        return;
    }
    (void)send_body(r, status, "application/problem+json", out->data, out->len);
}

int http_add_header(struct http_req *r, const char *name, const char *value)
{
    size_t nlen = strlen(name);
    size_t vlen = strlen(value);
    char lname[128];
    if (nlen == 0 || nlen >= sizeof(lname))
        return SX_E_INVALID;
    for (size_t i = 0; i < nlen; i++) {
        char c = name[i];
        if (c <= ' ' || c == ':' || (unsigned char)c >= 0x7f)
            return SX_E_INVALID;
        lname[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    for (size_t i = 0; i < vlen; i++) {
        if (value[i] == '\r' || value[i] == '\n')
            return SX_E_INVALID;
    }
    if (r->h2o == NULL)
        return 0;
    return add_header_raw(r->h2o, lname, nlen, value, vlen);
}

static int cookie_octet(unsigned char c)
{
    /* RFC 6265 cookie-octet */
    return c == 0x21 || (c >= 0x23 && c <= 0x2b) || (c >= 0x2d && c <= 0x3a) ||
           (c >= 0x3c && c <= 0x5b) || (c >= 0x5d && c <= 0x7e);
}

int http_set_cookie(struct http_req *r, const char *name, const char *value, long max_age,
                    unsigned flags)
{
    const char *samesite = "";
    char age[40] = "";
    char *v;
    if (name[0] == '\0')
        return SX_E_INVALID;
    for (const char *p = name; *p != '\0'; p++) {
        if (*p <= ' ' || (unsigned char)*p >= 0x7f || strchr("()<>@,;:\\\"/[]?={}", *p) != NULL)
            return SX_E_INVALID;
    }
    for (const char *p = value; *p != '\0'; p++) {
        if (!cookie_octet((unsigned char)*p))
            return SX_E_INVALID;
    }
    if ((flags & HTTP_COOKIE_SAMESITE_STRICT) != 0)
        samesite = "; SameSite=Strict";
    else if ((flags & HTTP_COOKIE_SAMESITE_LAX) != 0)
        samesite = "; SameSite=Lax";
    if (max_age >= 0)
        snprintf(age, sizeof(age), "; Max-Age=%ld", max_age);
    v = sx_arena_printf(r->arena, "%s=%s; Path=/%s%s%s%s", name, value,
                        (flags & HTTP_COOKIE_HTTPONLY) != 0 ? "; HttpOnly" : "",
                        (flags & HTTP_COOKIE_SECURE) != 0 ? "; Secure" : "", samesite, age);
    if (v == NULL)
        return SX_E_NOMEM;
    if (r->h2o == NULL)
        return 0;
    return add_header_raw(r->h2o, H2O_STRLIT("set-cookie"), v, strlen(v));
}

const char *http_param(const struct http_req *r, const char *name)
{
    for (unsigned i = 0; i < r->nparams; i++) {
        if (strcmp(r->params[i].name, name) == 0)
            return r->params[i].value;
    }
    return NULL;
}

static int parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
    int64_t v = 0;
    int neg = 0;
    if (*s == '-') {
        neg = 1;
        s++;
    }
    if (*s == '\0' || (s[0] == '0' && s[1] != '\0'))
        return -1;
    for (; *s != '\0'; s++) {
        int d;
        if (*s < '0' || *s > '9')
            return -1;
        d = *s - '0';
        if (v > (INT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    if (neg)
        v = -v;
    if (v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int http_param_id(const struct http_req *r, const char *name, int64_t *out, struct sx_err *err)
{
    const char *v = http_param(r, name);
    if (v == NULL || parse_i64(v, 1, INT64_MAX, out) != 0)
        return SX_FAIL(err, SX_E_INVALID, "invalid-path-param", "路径参数无效", "", name,
                       "路径参数 %s 应为正整数编号", name);
    return 0;
}

const char *http_header(struct http_req *r, const char *name)
{
    h2o_req_t *req = r->h2o;
    size_t n = strlen(name);
    const h2o_token_t *tok;
    ssize_t i;
    if (req == NULL)
        return NULL;
    tok = h2o_lookup_token(name, n);
    i = tok != NULL ? h2o_find_header(&req->headers, tok, -1)
                    : h2o_find_header_by_str(&req->headers, name, n, -1);
    if (i == -1)
        return NULL;
    return sx_arena_strndup(r->arena, req->headers.entries[i].value.base,
                            req->headers.entries[i].value.len);
}

const char *http_cookie(struct http_req *r, const char *name)
{
    h2o_req_t *req = r->h2o;
    ssize_t i = -1;
    if (req == NULL)
        return NULL;
    /* HTTP/2 may split cookies over several header fields */
    while ((i = h2o_find_header(&req->headers, H2O_TOKEN_COOKIE, i)) != -1) {
        const char *v;
        size_t vl;
        if (http_cookie_lookup(req->headers.entries[i].value.base,
                               req->headers.entries[i].value.len, name, &v, &vl))
            return sx_arena_strndup(r->arena, v, vl);
    }
    return NULL;
}

int http_query(struct http_req *r, const char *name, const char **out, struct sx_err *err)
{
    h2o_req_t *req = r->h2o;
    *out = NULL;
    if (req == NULL || req->query_at == SIZE_MAX || req->query_at >= req->path.len)
        return 0;
    return http_query_lookup(req->path.base + req->query_at + 1, req->path.len - req->query_at - 1,
                             name, r->arena, out, err);
}

int http_query_int(struct http_req *r, const char *name, int64_t min, int64_t max, int64_t def,
                   int64_t *out, struct sx_err *err)
{
    const char *v;
    int rc = http_query(r, name, &v, err);
    if (rc != 0)
        return rc;
    if (v == NULL) {
        *out = def;
        return 0;
    }
    if (parse_i64(v, min, max, out) != 0)
        return SX_FAIL(err, SX_E_INVALID, "invalid-query", "查询参数无效", "", name,
                       "查询参数 %s 应为 %" PRId64 " 到 %" PRId64 " 之间的整数", name, min, max);
    return 0;
}

const char *http_client_ip(struct http_req *r)
{
    h2o_req_t *req = r->h2o;
    struct sockaddr_storage ss;
    socklen_t len;
    char *buf;
    if (req == NULL)
        return "";
    buf = sx_arena_alloc(r->arena, INET6_ADDRSTRLEN);
    if (buf == NULL)
        return "";
    if (r->_w->srv->cfg.trust_proxy) {
        ssize_t i = h2o_find_header(&req->headers, H2O_TOKEN_X_FORWARDED_FOR, -1);
        if (i != -1) {
            /* the proxy appends the address it saw: take the last hop */
            const char *v = req->headers.entries[i].value.base;
            size_t n = req->headers.entries[i].value.len;
            size_t end = n;
            size_t start;
            char tmp[INET6_ADDRSTRLEN];
            unsigned char bin[sizeof(struct in6_addr)];
            while (end > 0 && (v[end - 1] == ' ' || v[end - 1] == '\t'))
                end--;
            start = end;
            while (start > 0 && v[start - 1] != ',')
                start--;
            while (start < end && (v[start] == ' ' || v[start] == '\t'))
                start++;
            if (end - start > 0 && end - start < sizeof(tmp)) {
                memcpy(tmp, v + start, end - start);
                tmp[end - start] = '\0';
                if (inet_pton(AF_INET, tmp, bin) == 1 || inet_pton(AF_INET6, tmp, bin) == 1) {
                    memcpy(buf, tmp, end - start + 1);
                    return buf;
                }
            }
        }
    }
    len = req->conn->callbacks->get_peername(req->conn, (struct sockaddr *)&ss);
    if (len == 0)
        return "";
    if (ss.ss_family == AF_INET) {
        if (inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, buf, INET6_ADDRSTRLEN) !=
            NULL)
            return buf;
    } else if (ss.ss_family == AF_INET6) {
        if (inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, buf, INET6_ADDRSTRLEN) !=
            NULL)
            return buf;
    }
    return "";
}

int http_method_is_safe(const char *method)
{
    return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0 ||
           strcmp(method, "OPTIONS") == 0 || strcmp(method, "TRACE") == 0;
}

const void *http_body(const struct http_req *r, size_t *len)
{
    const h2o_req_t *req = r->h2o;
    if (r->_defer != NULL) {
        *len = r->_defer->body_len;
        return r->_defer->body != NULL ? r->_defer->body : "";
    }
    if (req == NULL || req->entity.base == NULL) {
        *len = 0;
        return "";
    }
    *len = req->entity.len;
    return req->entity.base;
}

int http_body_json(struct http_req *r, const struct http_field *fields, json_t **out,
                   struct sx_err *err)
{
    h2o_req_t *req = r->h2o;
    ssize_t i;
    struct http_json_ref *ref;
    const char *body;
    size_t blen;
    int rc;
    *out = NULL;
    if (req == NULL)
        return SX_FAIL(err, SX_E_INTERNAL, "internal", "服务器内部错误", "", "",
                       "客户端已断开，请求头不可再读");
    i = h2o_find_header(&req->headers, H2O_TOKEN_CONTENT_TYPE, -1);
    body = http_body(r, &blen);
    if (i != -1) {
        h2o_iovec_t ct = req->headers.entries[i].value;
        size_t n = 0;
        while (n < ct.len && ct.base[n] != ';' && ct.base[n] != ' ')
            n++;
        if (!h2o_lcstris(ct.base, n, H2O_STRLIT("application/json"))) {
            rc = SX_FAIL(err, SX_E_INVALID, "unsupported-media-type", "请求体类型不受支持", "", "",
                         "请求体应为 application/json");
            err->status = 415;
            return rc;
        }
    } else if (blen > 0) {
        rc = SX_FAIL(err, SX_E_INVALID, "unsupported-media-type", "请求体类型不受支持", "", "",
                     "缺少 Content-Type: application/json");
        err->status = 415;
        return rc;
    }
    ref = sx_arena_alloc(r->arena, sizeof(*ref));
    if (ref == NULL)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "请求体");
    rc = http_json_parse(body, blen, fields, out, err);
    if (rc != 0)
        return rc;
    ref->json = *out;
    ref->next = r->_json;
    r->_json = ref;
    return 0;
}

int http_page_parse(struct http_req *r, struct http_page *p, struct sx_err *err)
{
    int64_t limit;
    const char *cur;
    int rc = http_query_int(r, "limit", 1, HTTP_PAGE_MAX, HTTP_PAGE_DEFAULT, &limit, err);
    if (rc != 0)
        return rc;
    p->limit = (int)limit;
    p->has_after = 0;
    p->after = 0;
    rc = http_query(r, "cursor", &cur, err);
    if (rc != 0)
        return rc;
    if (cur != NULL) {
        rc = http_cursor_decode(cur, strlen(cur), &p->after, err);
        if (rc != 0)
            return rc;
        p->has_after = 1;
    }
    return 0;
}

int http_page_set_next(json_t *body, int has_more, int64_t last_id, struct sx_err *err)
{
    char c[HTTP_CURSOR_LEN + 1];
    json_t *v;
    if (has_more) {
        http_cursor_encode(last_id, c);
        v = json_string(c);
    } else {
        v = json_null();
    }
    if (v == NULL || json_object_set_new(body, "next_cursor", v) != 0)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "分页");
    return 0;
}

/* ---- request life ---------------------------------------------------- */

/* Metrics slot of the request: its route row, or "unmatched". */
static size_t route_slot(const struct http_worker *w, const struct http_req *r)
{
    const struct http_server *s = w->srv;
    if (r->route == NULL)
        return s->router->nroutes;
    return (size_t)(r->route - s->app.routes);
}

/*
 * After a handler or a resumed function (who names it for the log) returned
 * rc: make sure exactly one response went out.
 */
static void settle(struct http_req *r, int rc, struct sx_err *err, const char *who)
{
    if (rc != 0) {
        if (err->code == 0)
            SX_FAIL(err, rc < 0 ? rc : SX_E_INTERNAL, "", "", "", "", "%s返回 %d 但未说明原因", who,
                    rc);
        if (r->_responded)
            sx_log(SX_LOG_ERROR, "http", "%s %s %s failed after responding: %s (%s)", r->id,
                   r->method, r->route->pattern, err->detail, err->func != NULL ? err->func : "?");
        else
            http_send_problem(r, err);
    } else if (!r->_responded) {
        SX_FAIL(err, SX_E_INTERNAL, "internal", "服务器内部错误", "", "", "%s没有发送响应", who);
        http_send_problem(r, err);
    }
}

/* Release the request's JSON bodies, record metrics and log the request's line. */
static void complete(struct http_worker *w, struct http_req *r, size_t slot, int status,
                     const char *note)
{
    uint64_t dt;
    for (struct http_json_ref *ref = r->_json; ref != NULL; ref = ref->next)
        json_decref(ref->json);
    r->_json = NULL;
    dt = now_us() - r->_t0;
    http_metrics_record(&w->metrics, slot, status, dt);
    sx_log(SX_LOG_DEBUG, "http", "%s %s %s %d %" PRIu64 "us%s", r->id,
           r->method != NULL ? r->method : "-", r->route != NULL ? r->route->pattern : "-", status,
           dt, note);
    if (w->out.cap > ((size_t)1 << 20))
        sx_buf_free(&w->out); /* don't keep a one-off huge buffer per worker */
}

/* libh2o disposes the request (connection closed): the deferral must not touch it any more. */
static void on_req_dispose(void *p)
{
    struct defer_hook *hook = p;
    if (hook->d != NULL) {
        hook->d->gone = 1;
        hook->d->hook = NULL;
    }
}

int http_defer(struct http_req *r, struct http_deferred **out, struct sx_err *err)
{
    struct http_worker *w = r->_w;
    h2o_req_t *req = r->h2o;
    struct http_deferred *d;
    size_t chunk;
    *out = NULL;
    if (r->_phase != PHASE_HANDLER || r->_defer != NULL || r->_responded || req == NULL ||
        r->arena != &w->arena)
        return SX_FAIL(err, SX_E_INTERNAL, "internal", "服务器内部错误", "", "",
                       "http_defer 只能在处理函数发送响应前调用一次");
    d = sx_arena_alloc(r->arena, sizeof(*d));
    if (d == NULL)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "延迟响应");
    if (req->entity.base != NULL && req->entity.len > 0) {
        /* libh2o's copy goes with the connection; another thread may still read this one */
        char *copy = sx_arena_alloc(r->arena, req->entity.len);
        if (copy == NULL)
            return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "延迟响应的请求体");
        memcpy(copy, req->entity.base, req->entity.len);
        d->body = copy;
        d->body_len = req->entity.len;
    }
    d->hook = h2o_mem_alloc_shared(&req->pool, sizeof(*d->hook), on_req_dispose);
    d->hook->d = d;
    d->req = r;
    d->w = w;
    /* the request keeps the arena it lives in (r and d are in it); the worker starts afresh */
    chunk = w->arena.chunk_size;
    d->arena = w->arena;
    sx_arena_init(&w->arena, chunk);
    r->arena = &d->arena;
    r->_defer = d;
    w->ndeferred++;
    *out = d;
    return 0;
}

/* The handler deferred but then did not return HTTP_DEFERRED: back to a plain request. */
static void defer_cancel(struct http_worker *w, struct http_req *r)
{
    struct http_deferred *d = r->_defer;
    if (d->hook != NULL)
        d->hook->d = NULL;
    r->_defer = NULL;
    sx_arena_free(&w->arena); /* unused since http_defer: r->arena pointed elsewhere */
    w->arena = d->arena;      /* d itself lives in it: read before anything resets it */
    r->arena = &w->arena;
    w->ndeferred--;
}

void http_resume(struct http_deferred *d,
                 int (*fn)(struct http_req *r, void *arg, struct sx_err *err), void *arg)
{
    struct http_worker *w = d->w;
    d->fn = fn;
    d->arg = arg;
    /* the loop may run fn and free d as soon as the message is queued; w outlives it (the
       loop waits for this mutex before its worker goes away) */
    pthread_mutex_lock(&w->resume_mu);
    h2o_multithread_send_message(&w->resume_receiver, &d->msg);
    pthread_mutex_unlock(&w->resume_mu);
}

/* On the loop: run the resumed function, answer, account, free the request's arena. */
static void run_resumed(struct http_deferred *d)
{
    struct http_worker *w = d->w;
    struct http_req *r = d->req;
    struct sx_err err;
    struct sx_arena a;
    int rc;
    int status;

    err_reset(&err);
    r->_phase = PHASE_RESUMED;
    if (d->gone)
        r->h2o = NULL; /* libh2o freed it; sends become no-ops */
    if (d->fn == NULL)
        rc = SX_FAIL(&err, SX_E_INTERNAL, "internal", "服务器内部错误", "", "",
                     "http_resume 未提供恢复函数");
    else
        rc = d->fn(r, d->arg, &err);
    settle(r, rc, &err, "恢复函数");
    if (d->gone) {
        /* nginx's "client closed request": nobody received r->_status */
        status = 499;
        sx_log(SX_LOG_INFO, "http", "%s client went away before its deferred response (%d)", r->id,
               r->_status);
    } else {
        status = r->_status;
    }
    if (d->hook != NULL)
        d->hook->d = NULL;
    complete(w, r, route_slot(w, r), status, " deferred");
    w->ndeferred--;
    a = d->arena; /* r and d live in it */
    sx_arena_free(&a);
}

void http_on_resume(h2o_multithread_receiver_t *receiver, h2o_linklist_t *messages)
{
    (void)receiver;
    while (!h2o_linklist_is_empty(messages)) {
        h2o_multithread_message_t *msg =
            H2O_STRUCT_FROM_MEMBER(h2o_multithread_message_t, link, messages->next);
        h2o_linklist_unlink(&msg->link);
        run_resumed(H2O_STRUCT_FROM_MEMBER(struct http_deferred, msg, msg));
    }
}

void http_dispatch(struct http_worker *w, h2o_req_t *req)
{
    struct http_server *s = w->srv;
    struct http_req stack_r; /* only when the arena cannot hold the request */
    struct http_req *r;
    struct sx_err err;
    struct http_match m;
    const char *path = req->path.base != NULL ? req->path.base : "";
    size_t plen = req->query_at != SIZE_MAX ? req->query_at : req->path.len;
    int rc;

    http_metrics_inflight(&w->metrics, 1);
    err_reset(&err);
    r = sx_arena_alloc(&w->arena, sizeof(*r)); /* zeroed */
    if (r == NULL) {
        memset(&stack_r, 0, sizeof(stack_r));
        r = &stack_r;
    }
    r->_t0 = now_us();
    r->h2o = req;
    r->arena = &w->arena;
    r->app = s->app.app;
    r->worker = w->state;
    r->worker_index = w->index;
    r->_w = w;
    make_id(r->id, s->boot, w->index, ++w->seq);
    r->method = sx_arena_strndup(&w->arena, req->method.base != NULL ? req->method.base : "",
                                 req->method.len);
    r->path = sx_arena_strndup(&w->arena, path, plen);
    if (r == &stack_r || r->method == NULL || r->path == NULL) {
        SX_FAIL(&err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "请求");
        http_send_problem(r, &err);
        goto done;
    }

    http_router_match(s->router, r->method, req->method.len, path, plen, &m);
    if (m.status == 404 && s->cfg.web_root != NULL) {
        /* the web UI: only for what no API route claims (http_static refuses /api/ itself) */
        r->_phase = PHASE_HANDLER;
        rc = http_static_serve(s->cfg.web_root, r, &err);
        r->_phase = PHASE_FRAMEWORK;
        if (rc != 0 && !r->_responded)
            http_send_problem(r, &err);
        goto done;
    }
    if (m.status == 404) {
        SX_FAIL(&err, SX_E_NOTFOUND, "not-found", "未找到该资源", "", "",
                "没有与该地址对应的接口，请检查请求路径");
        http_send_problem(r, &err);
        goto done;
    }
    if (m.status == 405) {
        (void)add_header_raw(req, H2O_STRLIT("allow"), m.allow, strlen(m.allow));
        SX_FAIL(&err, SX_E_INVALID, "method-not-allowed", "该资源不支持此请求方法", "", "",
                "%s 不支持，可用方法：%s", r->method, m.allow);
        err.status = 405;
        http_send_problem(r, &err);
        goto done;
    }
    r->route = &s->app.routes[m.route];
    r->nparams = m.nparams;
    for (unsigned i = 0; i < m.nparams; i++) {
        char *v;
        rc = http_pct_decode(m.pval[i], m.plen[i], 0, &w->arena, &v, NULL);
        if (rc != 0) {
            SX_FAIL(&err, rc, "invalid-path-param", "路径参数无效", "", m.pname[i],
                    "路径参数 %s 的编码无效（%%XX 转义错误、含 NUL 或不是 UTF-8）", m.pname[i]);
            http_send_problem(r, &err);
            goto done;
        }
        r->params[i].name = m.pname[i];
        r->params[i].value = v;
    }
    if ((r->route->flags & (HTTP_AUTH_USER | HTTP_AUTH_OPTIONAL)) != 0) {
        unsigned flags = r->route->flags;
        if (http_method_is_safe(r->method))
            flags &= ~(unsigned)HTTP_AUTH_CSRF;
        rc = s->app.authenticate(r, flags, &err);
        if (rc != 0) {
            if (rc == SX_E_AUTH && (r->route->flags & HTTP_AUTH_USER) == 0) {
                r->principal = NULL; /* optional auth: continue as anonymous */
                err_reset(&err);
            } else {
                if (err.code == 0)
                    SX_FAIL(&err, rc, "", "", "", "", "认证失败");
                http_send_problem(r, &err);
                goto done;
            }
        }
    }
    r->_phase = PHASE_HANDLER;
    rc = r->route->handler(r, &err);
    if (rc == HTTP_DEFERRED && r->_defer != NULL) {
        /* r and its arena belong to the deferral now (another thread may be reading them):
           metrics and the log line come when the resumed function has run */
        return;
    }
    r->_phase = PHASE_FRAMEWORK;
    if (r->_defer != NULL)
        defer_cancel(w, r);
    if (rc == HTTP_DEFERRED)
        rc = SX_FAIL(&err, SX_E_INTERNAL, "internal", "服务器内部错误", "", "",
                     "处理函数返回 HTTP_DEFERRED 但没有调用 http_defer");
    settle(r, rc, &err, "处理函数");

done:
    complete(w, r, route_slot(w, r), r->_status, "");
    sx_arena_reset(&w->arena); /* r lives in it: last */
}
