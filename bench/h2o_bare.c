/*
 * h2o_bare: the benchmark ceiling for Sanxiang's HTTP layer — libh2o (evloop)
 * answering every request with a constant body, with the same threading model
 * as src/http (one loop, h2o context and SO_REUSEPORT listener per thread) but
 * no routing, no arena, no JSON, no metrics.
 *
 * Usage: h2o_bare BODY_BYTES [PORT=8081] [THREADS=cores]
 * Then e.g.: wrk -t2 -c64 -d10s http://127.0.0.1:8081/api/v1/cases/1
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "h2o.h"

static h2o_globalconf_t config;
static h2o_iovec_t body;

struct loop {
    h2o_context_t ctx;
    h2o_accept_ctx_t accept_ctx;
    int fd;
    pthread_t tid;
};

static int on_req(h2o_handler_t *self, h2o_req_t *req)
{
    static h2o_generator_t generator = {NULL, NULL};
    req->res.status = 200;
    req->res.reason = "OK";
    req->res.content_length = body.len;
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL,
                   H2O_STRLIT("application/json; charset=utf-8"));
    h2o_start_response(req, &generator);
    h2o_send(req, &body, 1, H2O_SEND_STATE_FINAL);
    return 0;
}

static void on_accept(h2o_socket_t *listener, const char *err)
{
    struct loop *l = listener->data;
    if (err != NULL)
        return;
    for (int i = 0; i < 16; i++) {
        h2o_socket_t *sock = h2o_evloop_socket_accept(listener);
        int one = 1;
        if (sock == NULL)
            break;
        (void)setsockopt(h2o_socket_get_fd(sock), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        h2o_accept(&l->accept_ctx, sock);
    }
}

static void *run(void *arg)
{
    struct loop *l = arg;
    h2o_socket_t *sock;
    h2o_context_init(&l->ctx, h2o_evloop_create(), &config);
    l->accept_ctx.ctx = &l->ctx;
    l->accept_ctx.hosts = config.hosts;
    sock = h2o_evloop_socket_create(l->ctx.loop, l->fd, H2O_SOCKET_FLAG_DONT_READ);
    sock->data = l;
    h2o_socket_read_start(sock, on_accept);
    while (h2o_evloop_run(l->ctx.loop, INT32_MAX) == 0)
        ;
    return NULL;
}

static int listener(unsigned port)
{
    struct sockaddr_in addr;
    int one = 1;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons((uint16_t)port);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0 ||
        bind(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 || listen(fd, SOMAXCONN) != 0)
        return -1;
    return fd;
}

static long arg_num(const char *s, long lo, long hi)
{
    char *end;
    long v;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < lo || v > hi)
        return -1;
    return v;
}

int main(int argc, char **argv)
{
    long size = argc > 1 ? arg_num(argv[1], 0, 64L << 20) : -1;
    long port = argc > 2 ? arg_num(argv[2], 1, 65535) : 8081;
    long threads = argc > 3 ? arg_num(argv[3], 1, 1024) : sysconf(_SC_NPROCESSORS_ONLN);
    struct loop *loops;
    h2o_hostconf_t *host;
    h2o_handler_t *h;
    if (size < 0 || port < 0 || threads < 1) {
        fprintf(stderr, "usage: h2o_bare BODY_BYTES [PORT=8081] [THREADS=cores]\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    body.base = malloc((size_t)size + 1);
    if (body.base == NULL)
        return 1;
    memset(body.base, 'x', (size_t)size);
    body.len = (size_t)size;

    h2o_config_init(&config);
    config.server_name = h2o_iovec_init(H2O_STRLIT("sanxiang"));
    host = h2o_config_register_host(&config, h2o_iovec_init(H2O_STRLIT("default")), 65535);
    h = h2o_create_handler(h2o_config_register_path(host, "/", 0), sizeof(*h));
    h->on_req = on_req;

    loops = calloc((size_t)threads, sizeof(*loops));
    if (loops == NULL)
        return 1;
    for (long i = 0; i < threads; i++) {
        loops[i].fd = listener((unsigned)port);
        if (loops[i].fd < 0) {
            fprintf(stderr, "h2o_bare: cannot listen on 127.0.0.1:%ld: %s\n", port,
                    strerror(errno));
            return 1;
        }
    }
    for (long i = 0; i < threads; i++)
        pthread_create(&loops[i].tid, NULL, run, &loops[i]);
    fprintf(stderr, "h2o_bare: %ld-byte body on 127.0.0.1:%ld, %ld thread(s)\n", size, port,
            threads);
    for (long i = 0; i < threads; i++)
        pthread_join(loops[i].tid, NULL);
    return 0;
}
