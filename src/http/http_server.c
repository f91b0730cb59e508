/*
 * http_server: the libh2o (evloop) server — N loop threads, each with its own
 * SO_REUSEPORT listening socket, h2o context, app state, arena and metrics;
 * start-up that reports worker_init failures; graceful stop (close the
 * listener, let responses in progress finish, close idle keep-alive
 * connections, worker_fini); and the rewrite of libh2o's own plain-text error
 * responses (413, 400 …) into problem+json.
 *
 * One h2o handler on "/" receives every request and hands it to
 * http_dispatch; routing is ours (http_router.c), not h2o's path table.
 * libh2o's own errors are sent on the host's fallback path, where a filter
 * rewrites them. A logger on "/" runs when libh2o disposes a request, which
 * closes the in-flight gauge opened by http_dispatch.
 *
 * Deferred responses: each loop registers a receiver on its h2o context's
 * inter-thread queue for as long as it runs; http_resume (http_req.c) posts
 * to it from any thread. A loop does not exit while one of its deferrals is
 * outstanding, so a resume never reaches a freed loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http_int.h"
#include "sx_log.h"

#define MAX_OPENAPI_BYTES ((size_t)16 << 20)
#define ACCEPTS_PER_WAKEUP 16

/*
 * LeakSanitizer: libh2o 2.2.5 keeps per-thread free lists (memory-pool chunks,
 * socket and HTTP/2 write buffers, all from h2o_mem_alloc_recycle) in
 * thread-local variables it never releases, and h2o_multithread_destroy_queue
 * does not free the queue object under evloop. Each is a bounded, one-time
 * loss when a loop thread exits, not a per-request leak, so it is suppressed
 * here for every ASan binary that runs a server. Nothing in Sanxiang calls
 * these functions directly.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:h2o_mem_alloc_recycle\n"
           "leak:h2o_multithread_create_queue\n"
           /* documents: cairo 1.16's own loss in cairo_surface_finish (see render/pdf.c) */
           "leak:libcairo.so.2\n";
}

void http_config_defaults(struct http_config *c)
{
    memset(c, 0, sizeof(*c));
    c->listen = "127.0.0.1:8080";
    c->max_body = HTTP_DEFAULT_MAX_BODY;
    c->shutdown_ms = 2000;
    c->max_response = (size_t)64 << 20;
}

struct http_worker *http_worker_of(h2o_context_t *ctx)
{
    return H2O_STRUCT_FROM_MEMBER(struct http_worker, ctx, ctx);
}

unsigned http_server_port(const struct http_server *s)
{
    return s->port;
}

/* ---- h2o callbacks ---------------------------------------------------- */

static int on_req(h2o_handler_t *self, h2o_req_t *req)
{
    http_dispatch(http_worker_of(req->conn->ctx), req);
    return 0;
}

static void on_log_access(h2o_logger_t *self, h2o_req_t *req)
{
    http_metrics_inflight(&http_worker_of(req->conn->ctx)->metrics, -1);
}

struct problem_ostream {
    h2o_ostream_t super;
    h2o_iovec_t body;
    int sent;
};

static void problem_do_send(h2o_ostream_t *self, h2o_req_t *req, h2o_iovec_t *bufs, size_t bufcnt,
                            h2o_send_state_t state)
{
    struct problem_ostream *p = (struct problem_ostream *)self;
    /* drop libh2o's text body; send ours once, then pass the end-of-stream on */
    if (!p->sent) {
        p->sent = 1;
        h2o_ostream_send_next(self, req, &p->body, 1, state);
    } else {
        h2o_ostream_send_next(self, req, NULL, 0, state);
    }
}

void http_rewrite_h2o_error(struct http_worker *w, h2o_req_t *req, h2o_ostream_t **slot)
{
    struct http_server *s = w->srv;
    struct problem_ostream *p;
    struct sx_err e;
    char instance[512];
    const char *inst = NULL;
    int status = req->res.status;
    h2o_iovec_t body;

    if (status < 400) {
        h2o_setup_next_ostream(req, slot);
        return;
    }
    sx_err_clear(&e);
    e.code = status >= 500 ? SX_E_INTERNAL : status == 413 ? SX_E_TOOBIG : SX_E_INVALID;
    e.status = status;
    snprintf(e.type, sizeof(e.type), "%s", http_status_slug(status));
    snprintf(e.title, sizeof(e.title), "%s", http_status_title(status));
    if (status == 413)
        snprintf(e.detail, sizeof(e.detail), "请求体超过上限 %zu 字节；大文件请使用分片上传",
                 s->cfg.max_body);
    else if (status == 400)
        snprintf(e.detail, sizeof(e.detail), "HTTP 请求格式错误");
    e.func = __func__;
    if (req->input.path.base != NULL && req->input.path.len > 0) {
        size_t n = 0;
        while (n < req->input.path.len && n + 1 < sizeof(instance) &&
               req->input.path.base[n] != '?')
            n++;
        memcpy(instance, req->input.path.base, n);
        instance[n] = '\0';
        inst = instance;
    }
    sx_buf_reset(&w->out);
    if (http_problem_render(&e, inst, NULL, &w->out) != 0) {
        h2o_setup_next_ostream(req, slot);
        return;
    }
    body = h2o_strdup(&req->pool, w->out.data, w->out.len);
    h2o_set_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE,
                   H2O_STRLIT("application/problem+json"), 1);
    req->res.content_length = body.len;
    p = (struct problem_ostream *)h2o_add_ostream(req, sizeof(*p), slot);
    p->super.do_send = problem_do_send;
    p->body = body;
    /* HEAD: headers only */
    p->sent = h2o_memis(req->input.method.base, req->input.method.len, H2O_STRLIT("HEAD"));
    if (p->sent)
        p->body.len = 0;
    http_metrics_record(&w->metrics, s->router->nroutes, status, 0);
    sx_log(SX_LOG_DEBUG, "http", "libh2o error %d rewritten as problem+json", status);
    h2o_setup_next_ostream(req, &p->super.next);
}

static void on_fallback_ostream(h2o_filter_t *self, h2o_req_t *req, h2o_ostream_t **slot)
{
    http_rewrite_h2o_error(http_worker_of(req->conn->ctx), req, slot);
}

static void on_conn_close(void *data)
{
    struct http_conn *c = data;
    h2o_linklist_unlink(&c->link);
    c->w->nconns--;
    free(c);
}

static void on_accept(h2o_socket_t *listener, const char *err)
{
    struct http_worker *w = listener->data;
    if (err != NULL)
        return;
    for (int i = 0; i < ACCEPTS_PER_WAKEUP; i++) {
        h2o_socket_t *sock = h2o_evloop_socket_accept(listener);
        struct http_conn *c;
        int one = 1;
        if (sock == NULL)
            break;
        c = malloc(sizeof(*c));
        if (c == NULL) {
            h2o_socket_close(sock);
            continue;
        }
        /* responses are written in one writev; Nagle would only add latency */
        (void)setsockopt(h2o_socket_get_fd(sock), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        memset(&c->link, 0, sizeof(c->link));
        c->sock = sock;
        c->w = w;
        h2o_linklist_insert(&w->conns, &c->link);
        w->nconns++;
        sock->on_close.cb = on_conn_close;
        sock->on_close.data = c;
        h2o_accept(&w->accept_ctx, sock);
    }
}

static void on_stop_msg(h2o_multithread_receiver_t *receiver, h2o_linklist_t *messages)
{
    struct http_worker *w = H2O_STRUCT_FROM_MEMBER(struct http_worker, stop_receiver, receiver);
    while (!h2o_linklist_is_empty(messages)) {
        h2o_multithread_message_t *msg =
            H2O_STRUCT_FROM_MEMBER(h2o_multithread_message_t, link, messages->next);
        h2o_linklist_unlink(&msg->link);
    }
    w->stopping = 1;
}

/* ---- worker thread ---------------------------------------------------- */

static uint64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void shutdown_all(struct http_worker *w, int how)
{
    for (h2o_linklist_t *l = w->conns.next; l != &w->conns; l = l->next) {
        struct http_conn *c = H2O_STRUCT_FROM_MEMBER(struct http_conn, link, l);
        (void)shutdown(h2o_socket_get_fd(c->sock), how);
    }
}

static size_t context_timeouts(h2o_context_t *ctx, h2o_timeout_t **t)
{
    size_t n = 0;
    t[n++] = &ctx->zero_timeout;
    t[n++] = &ctx->one_sec_timeout;
    t[n++] = &ctx->hundred_ms_timeout;
    t[n++] = &ctx->handshake_timeout;
    t[n++] = &ctx->http1.req_timeout;
    t[n++] = &ctx->http2.idle_timeout;
    t[n++] = &ctx->http2.graceful_shutdown_timeout;
    t[n++] = &ctx->proxy.io_timeout;
    return n;
}

static int timers_pending(h2o_context_t *ctx)
{
    h2o_timeout_t *t[8];
    size_t n = context_timeouts(ctx, t);
    for (size_t i = 0; i < n; i++) {
        if (!h2o_linklist_is_empty(&t[i]->_entries))
            return 1;
    }
    return 0;
}

/* Last resort so that h2o_context_dispose does not abort the process. */
static void drop_timers(h2o_context_t *ctx)
{
    h2o_timeout_t *t[8];
    size_t n = context_timeouts(ctx, t);
    for (size_t i = 0; i < n; i++) {
        while (!h2o_linklist_is_empty(&t[i]->_entries))
            h2o_linklist_unlink(t[i]->_entries.next);
    }
}

/*
 * Stop accepting, then let libh2o finish what it is writing. Half-closing the
 * read side makes every HTTP/1 connection see EOF when it next waits for a
 * request (idle keep-alive connections at once, busy ones after their
 * response), so libh2o closes them itself. Whatever is left at the deadline
 * is shut down both ways.
 *
 * Deferred requests hold the loop open past the deadline: their resume is
 * owed by the app (its writer), the work behind it is usually already
 * committed, and the request's memory, the worker and its queue must outlive
 * the resume anyway. While any is outstanding nothing is cut; the deadline
 * restarts (1 s) after the last one so its response can leave. Only a
 * deferral that is never resumed keeps the loop here for good — logged.
 */
static void graceful_close(struct http_worker *w)
{
    h2o_evloop_t *loop = w->ctx.loop;
    uint64_t deadline;
    uint64_t warn_at;
    int cut = 0;
    if (w->listener != NULL) {
        h2o_socket_read_stop(w->listener);
        h2o_socket_close(w->listener);
        w->listener = NULL;
    }
    h2o_context_request_shutdown(&w->ctx);
    shutdown_all(w, SHUT_RD);
    deadline = mono_ms() + w->srv->cfg.shutdown_ms;
    warn_at = deadline + 5000;
    for (;;) {
        uint64_t now = mono_ms();
        if (w->ndeferred > 0) {
            if (now >= deadline)
                deadline = now + 1000;
            if (now >= warn_at) {
                sx_log(SX_LOG_WARN, "http",
                       "worker %u: stop waits for %zu deferred response(s) not yet resumed",
                       w->index, w->ndeferred);
                warn_at = now + 5000;
            }
        } else if (w->nconns == 0) {
            break;
        } else if (now >= deadline) {
            if (cut) {
                sx_log(SX_LOG_ERROR, "http", "worker %u: %zu connection(s) did not close", w->index,
                       w->nconns);
                break;
            }
            sx_log(SX_LOG_WARN, "http", "worker %u: closing %zu connection(s) at shutdown deadline",
                   w->index, w->nconns);
            shutdown_all(w, SHUT_RDWR);
            cut = 1;
            deadline = now + 1000;
        }
        (void)h2o_evloop_run(loop, 20);
    }
    /* HTTP/2's GOAWAY re-sender has nobody left to talk to */
    if (h2o_timeout_is_linked(&w->ctx.http2._graceful_shutdown_timeout))
        h2o_timeout_unlink(&w->ctx.http2._graceful_shutdown_timeout);
    /* h2o_context_dispose asserts that no timer is armed: let queued callbacks run (a
       pipelined request parsed meanwhile may even defer: wait for it too) */
    deadline = mono_ms() + 2000;
    while (w->ndeferred > 0 || (timers_pending(&w->ctx) && mono_ms() < deadline))
        (void)h2o_evloop_run(loop, 10);
    if (timers_pending(&w->ctx)) {
        sx_log(SX_LOG_ERROR, "http", "worker %u: timers still armed at shutdown", w->index);
        drop_timers(&w->ctx);
    }
}

static void block_async_signals(void)
{
    sigset_t set;
    sigemptyset(&set);
    /* signals go to the thread running http_serve; EPIPE replaces SIGPIPE here */
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGQUIT);
    sigaddset(&set, SIGPIPE);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    sigaddset(&set, SIGALRM);
    sigaddset(&set, SIGCHLD);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
}

static void report_init(struct http_worker *w, int rc)
{
    struct http_server *s = w->srv;
    pthread_mutex_lock(&s->mu);
    w->init_rc = rc;
    w->init_done = 1;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

static void *worker_main(void *arg)
{
    struct http_worker *w = arg;
    struct http_server *s = w->srv;
    h2o_evloop_t *loop;
    int rc = 0;

    block_async_signals();
    loop = h2o_evloop_create();
    h2o_context_init(&w->ctx, loop, &s->conf);
    h2o_multithread_register_receiver(w->ctx.queue, &w->stop_receiver, on_stop_msg);
    h2o_multithread_register_receiver(w->ctx.queue, &w->resume_receiver, http_on_resume);
    w->accept_ctx.ctx = &w->ctx;
    w->accept_ctx.hosts = s->conf.hosts;
    w->listener = h2o_evloop_socket_create(loop, w->listen_fd, H2O_SOCKET_FLAG_DONT_READ);
    w->listen_fd = -1; /* owned by the h2o socket now */
    w->listener->data = w;
    h2o_socket_read_start(w->listener, on_accept);

    if (s->app.worker_init != NULL)
        rc = s->app.worker_init(s->app.app, w->index, &w->state, &w->init_err);
    if (rc != 0 && w->init_err.code == 0)
        SX_FAIL(&w->init_err, rc, "worker-init", "工作线程初始化失败", "", "",
                "worker_init 返回 %d", rc);
    report_init(w, rc);

    if (rc == 0) {
        while (!w->stopping) {
            if (h2o_evloop_run(loop, INT32_MAX) != 0 && errno != EINTR) {
                sx_log(SX_LOG_ERROR, "http", "worker %u: event loop failed: %s", w->index,
                       strerror(errno));
                break;
            }
            if (s->app.worker_idle != NULL)
                s->app.worker_idle(s->app.app, w->state);
        }
    }
    graceful_close(w);
    /* every deferral has run its resumed function, so every http_resume has queued its
       message; wait for any sender still inside h2o_multithread_send_message */
    pthread_mutex_lock(&w->resume_mu);
    pthread_mutex_unlock(&w->resume_mu);
    if (rc == 0 && s->app.worker_fini != NULL)
        s->app.worker_fini(s->app.app, w->state);
    w->state = NULL;
    h2o_multithread_unregister_receiver(w->ctx.queue, &w->resume_receiver);
    h2o_multithread_unregister_receiver(w->ctx.queue, &w->stop_receiver);
    h2o_context_dispose(&w->ctx);
    h2o_evloop_destroy(loop);
    return NULL;
}

/* ---- start / stop ------------------------------------------------------ */

static int io_fail(struct sx_err *err, const char *what, const char *arg)
{
    return SX_FAIL(err, SX_E_IO, "io", "无法启动 HTTP 服务", "", "listen", "%s %s：%s", what,
                   arg != NULL ? arg : "", strerror(errno));
}

static int open_listener(const struct sockaddr_storage *ss, socklen_t len, const char *text,
                         int *out, struct sx_err *err)
{
    int one = 1;
    int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    *out = -1;
    if (fd < 0)
        return io_fail(err, "socket", text);
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0) {
        int rc = io_fail(err, "setsockopt", text);
        close(fd);
        return rc;
    }
    if (bind(fd, (const struct sockaddr *)ss, len) != 0) {
        int rc = io_fail(err, "bind", text);
        close(fd);
        return rc;
    }
    if (listen(fd, SOMAXCONN) != 0) {
        int rc = io_fail(err, "listen", text);
        close(fd);
        return rc;
    }
    *out = fd;
    return 0;
}

static int load_openapi(struct http_server *s, struct sx_err *err)
{
    FILE *f = NULL;
    char *buf = NULL;
    size_t n = 0;
    json_error_t je;
    json_t *doc;
    int rc = 0;
    f = fopen(s->cfg.openapi_path, "rb");
    if (f == NULL) {
        rc = SX_FAIL(err, SX_E_IO, "openapi", "无法读取 OpenAPI 文档", "", "openapi_path", "%s：%s",
                     s->cfg.openapi_path, strerror(errno));
        goto cleanup;
    }
    buf = malloc(MAX_OPENAPI_BYTES + 1);
    if (buf == NULL) {
        rc = SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "OpenAPI 文档");
        goto cleanup;
    }
    n = fread(buf, 1, MAX_OPENAPI_BYTES + 1, f);
    if (ferror(f) || n > MAX_OPENAPI_BYTES) {
        rc = SX_FAIL(err, SX_E_IO, "openapi", "无法读取 OpenAPI 文档", "", "openapi_path",
                     "%s：读取失败或超过 %zu 字节", s->cfg.openapi_path, MAX_OPENAPI_BYTES);
        goto cleanup;
    }
    doc = json_loadb(buf, n, JSON_REJECT_DUPLICATES, &je);
    if (doc == NULL) {
        rc =
            SX_FAIL(err, SX_E_INVALID, "openapi", "OpenAPI 文档不是有效的 JSON", "", "openapi_path",
                    "%s 第 %d 行第 %d 列：%s", s->cfg.openapi_path, je.line, je.column, je.text);
        goto cleanup;
    }
    json_decref(doc);
    s->openapi = buf;
    s->openapi_len = n;
    buf = NULL;
cleanup:
    free(buf);
    if (f != NULL)
        fclose(f);
    return rc;
}

static int setup_h2o(struct http_server *s)
{
    h2o_hostconf_t *host;
    h2o_pathconf_t *path;
    h2o_handler_t *h;
    h2o_logger_t *lg;
    h2o_filter_t *f;
    h2o_config_init(&s->conf);
    s->conf_inited = 1;
    s->conf.server_name = h2o_iovec_init(H2O_STRLIT("sanxiang"));
    s->conf.max_request_entity_size = s->cfg.max_body;
    host = h2o_config_register_host(&s->conf, h2o_iovec_init(H2O_STRLIT("default")), 65535);
    path = h2o_config_register_path(host, "/", 0);
    h = h2o_create_handler(path, sizeof(*h));
    h->on_req = on_req;
    lg = h2o_create_logger(path, sizeof(*lg));
    lg->log_access = on_log_access;
    f = h2o_create_filter(&host->fallback_path, sizeof(*f));
    f->on_setup_ostream = on_fallback_ostream;
    return 0;
}

static void stop_and_free(struct http_server *s)
{
    if (s == NULL)
        return;
    for (unsigned i = 0; i < s->nworkers; i++) {
        struct http_worker *w = s->workers[i];
        if (w != NULL && w->thread_started && w->init_done && w->init_rc == 0)
            h2o_multithread_send_message(&w->stop_receiver, &w->stop_msg);
    }
    for (unsigned i = 0; i < s->nworkers; i++) {
        struct http_worker *w = s->workers[i];
        if (w != NULL && w->thread_started)
            pthread_join(w->tid, NULL);
    }
    for (unsigned i = 0; i < s->nworkers; i++) {
        struct http_worker *w = s->workers[i];
        if (w == NULL)
            continue;
        if (w->listen_fd >= 0)
            close(w->listen_fd);
        sx_arena_free(&w->arena);
        sx_buf_free(&w->out);
        http_metrics_free(&w->metrics);
        pthread_mutex_destroy(&w->resume_mu);
        free(w);
    }
    free(s->workers);
    free(s->metrics);
    if (s->conf_inited)
        h2o_config_dispose(&s->conf);
    http_router_free(s->router);
    free(s->openapi);
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

void http_server_stop(struct http_server *s)
{
    stop_and_free(s);
}

int http_server_start(const struct http_config *cfg, const struct http_app *app,
                      struct http_server **out, struct sx_err *err)
{
    struct http_server *s;
    struct sockaddr_storage ss;
    socklen_t sslen = 0;
    int rc = 0;

    *out = NULL;
    s = calloc(1, sizeof(*s));
    if (s == NULL)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "HTTP 服务");
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    s->cfg = *cfg;
    s->app = *app;
    if (s->cfg.max_body == 0)
        s->cfg.max_body = HTTP_DEFAULT_MAX_BODY;
    if (s->cfg.shutdown_ms == 0)
        s->cfg.shutdown_ms = 2000;
    if (s->cfg.max_response == 0)
        s->cfg.max_response = (size_t)64 << 20;
    if (s->cfg.threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        s->cfg.threads = n > 0 ? (unsigned)n : 1;
    }
    if (s->cfg.threads > 1024) {
        rc = SX_FAIL(err, SX_E_INVALID, "bad-config", "HTTP 配置无效", "", "threads",
                     "线程数 %u 超过上限 1024", s->cfg.threads);
        goto cleanup;
    }

    rc = http_router_new(app->routes, app->nroutes, &s->router, err);
    if (rc != 0)
        goto cleanup;
    if (app->authenticate == NULL) {
        for (size_t i = 0; i < app->nroutes; i++) {
            if ((app->routes[i].flags & (HTTP_AUTH_USER | HTTP_AUTH_OPTIONAL)) != 0) {
                rc = SX_FAIL(err, SX_E_INVALID, "bad-route-table", "路由表无效", "", "routes",
                             "路由 %s %s 需要认证，但未提供 authenticate", app->routes[i].method,
                             app->routes[i].pattern);
                goto cleanup;
            }
        }
    }
    if (s->cfg.openapi_path != NULL) {
        rc = load_openapi(s, err);
        if (rc != 0)
            goto cleanup;
    }
    rc = http_parse_listen(s->cfg.listen, &ss, &sslen, err);
    if (rc != 0)
        goto cleanup;
    if (getrandom(&s->boot, sizeof(s->boot), 0) != (ssize_t)sizeof(s->boot))
        s->boot = (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 16);
    setup_h2o(s);

    s->nworkers = s->cfg.threads;
    s->workers = calloc(s->nworkers, sizeof(*s->workers));
    s->metrics = calloc(s->nworkers, sizeof(*s->metrics));
    if (s->workers == NULL || s->metrics == NULL) {
        rc = SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "HTTP 服务");
        goto cleanup;
    }
    for (unsigned i = 0; i < s->nworkers; i++) {
        struct http_worker *w = calloc(1, sizeof(*w));
        if (w == NULL) {
            rc = SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "HTTP 服务");
            goto cleanup;
        }
        pthread_mutex_init(&w->resume_mu, NULL);
        s->workers[i] = w;
        w->srv = s;
        w->index = i;
        w->listen_fd = -1;
        h2o_linklist_init_anchor(&w->conns);
        sx_arena_init(&w->arena, 64 * 1024);
        sx_buf_init(&w->out, s->cfg.max_response);
        if (http_metrics_init(&w->metrics, app->nroutes) != 0) {
            rc = SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "HTTP 服务");
            goto cleanup;
        }
        s->metrics[i] = &w->metrics;
        rc = open_listener(&ss, sslen, s->cfg.listen, &w->listen_fd, err);
        if (rc != 0)
            goto cleanup;
        if (i == 0) {
            /* port 0: every other loop must join the port the kernel picked */
            struct sockaddr_storage bound;
            socklen_t bl = sizeof(bound);
            if (getsockname(w->listen_fd, (struct sockaddr *)&bound, &bl) != 0) {
                rc = io_fail(err, "getsockname", s->cfg.listen);
                goto cleanup;
            }
            if (bound.ss_family == AF_INET6) {
                s->port = ntohs(((struct sockaddr_in6 *)&bound)->sin6_port);
                ((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)s->port);
            } else {
                s->port = ntohs(((struct sockaddr_in *)&bound)->sin_port);
                ((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)s->port);
            }
        }
    }
    for (unsigned i = 0; i < s->nworkers; i++) {
        struct http_worker *w = s->workers[i];
        if (pthread_create(&w->tid, NULL, worker_main, w) != 0) {
            rc = io_fail(err, "pthread_create", "");
            goto cleanup;
        }
        w->thread_started = 1;
    }
    pthread_mutex_lock(&s->mu);
    for (unsigned i = 0; i < s->nworkers; i++) {
        while (!s->workers[i]->init_done)
            pthread_cond_wait(&s->cv, &s->mu);
    }
    pthread_mutex_unlock(&s->mu);
    for (unsigned i = 0; i < s->nworkers; i++) {
        if (s->workers[i]->init_rc != 0) {
            if (err != NULL)
                *err = s->workers[i]->init_err;
            rc = s->workers[i]->init_rc;
            goto cleanup;
        }
    }
    sx_log(SX_LOG_INFO, "http", "listening on %s (port %u) with %u loop(s), body limit %zu",
           s->cfg.listen, s->port, s->nworkers, s->cfg.max_body);
    *out = s;
    return 0;

cleanup:
    /* threads not yet started have init_done == 0 and are skipped by stop_and_free;
       started ones are waited for so none is left running */
    if (s->workers != NULL) {
        pthread_mutex_lock(&s->mu);
        for (unsigned i = 0; i < s->nworkers; i++) {
            while (s->workers[i] != NULL && s->workers[i]->thread_started &&
                   !s->workers[i]->init_done)
                pthread_cond_wait(&s->cv, &s->mu);
        }
        pthread_mutex_unlock(&s->mu);
    }
    stop_and_free(s);
    return rc;
}

int http_serve(const struct http_config *cfg, const struct http_app *app, struct sx_err *err)
{
    struct http_server *s = NULL;
    sigset_t set;
    sigset_t old;
    int sig = 0;
    int rc;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, &old);
    signal(SIGPIPE, SIG_IGN);
    rc = http_server_start(cfg, app, &s, err);
    if (rc == 0) {
        while (sigwait(&set, &sig) != 0)
            ;
        sx_log(SX_LOG_INFO, "http", "signal %d: stopping", sig);
        http_server_stop(s);
        sx_log(SX_LOG_INFO, "http", "stopped");
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return rc;
}
