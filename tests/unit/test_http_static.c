/*
 * Unit tests for src/http/http_static: the path resolver (which file a URL
 * names, which app's shell is the SPA fallback, which paths are refused
 * before the file system is touched: "..", "%2e%2e", encoded slashes,
 * absolute and empty segments, NUL, backslashes, hidden files, /api/),
 * content types, the reader's refusal to follow symlinks out of the tree,
 * and a real server on 127.0.0.1:0 with a web root: Cache-Control per file
 * kind, SPA fallback per app, 404 for missing assets, API precedence,
 * problem+json for refused paths and for a UI that was never built,
 * precompressed gzip siblings only for clients that take gzip. Rules
 * are from issue 6 ("correct caching headers and an SPA fallback") and the
 * ui brief ("no path traversal").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "http/http_int.h"
#include "http/http_static.h"

/* ---- resolver ---------------------------------------------------------- */

struct resolve_row {
    const char *path;
    int rc;
    const char *rel;   /* expected when rc == 0 */
    const char *shell; /* NULL: a missing file is a 404 */
    int immutable;
    const char *why;
};

static const struct resolve_row resolve_rows[] = {
    {"/", 0, "index.html", NULL, 0, "portal root is the portal shell"},
    {"/app", 0, "app/index.html", NULL, 0, "workbench without slash"},
    {"/app/", 0, "app/index.html", NULL, 0, "workbench root"},
    {"/app/cases/12", 0, "app/cases/12", "app/index.html", 0, "workbench client route → app shell"},
    {"/app/cases/", 0, "app/cases", "app/index.html", 0, "trailing slash route → app shell"},
    {"/results/2026-001", 0, "results/2026-001", "index.html", 0, "portal client route"},
    {"/assets/app-1a2B3c.js", 0, "assets/app-1a2B3c.js", NULL, 1, "hashed asset is immutable"},
    {"/assets/sub/x", 0, "assets/sub/x", NULL, 1, "no SPA fallback under assets/"},
    {"/favicon.svg", 0, "favicon.svg", NULL, 0, "file with a dot: no fallback, no-cache"},
    {"/%E5%85%AC%E7%A4%BA", 0, "公示", "index.html", 0, "UTF-8 percent-decoded"},
    {"/app/x.json", 0, "app/x.json", NULL, 0, "missing file with extension → 404"},
    {"/..", SX_E_INVALID, NULL, NULL, 0, "dot-dot"},
    {"/../etc/passwd", SX_E_INVALID, NULL, NULL, 0, "dot-dot traversal"},
    {"/assets/../../etc/passwd", SX_E_INVALID, NULL, NULL, 0, "dot-dot inside"},
    {"/%2e%2e/etc/passwd", SX_E_INVALID, NULL, NULL, 0, "encoded dot-dot"},
    {"/%2E%2E%2Fetc%2Fpasswd", SX_E_INVALID, NULL, NULL, 0, "encoded dot-dot and slashes"},
    {"/assets/%2e%2e%2f%2e%2e%2fetc/passwd", SX_E_INVALID, NULL, NULL, 0, "encoded in assets"},
    {"/.%2e/x", SX_E_INVALID, NULL, NULL, 0, "half-encoded dot-dot"},
    {"/./index.html", SX_E_INVALID, NULL, NULL, 0, "dot segment"},
    {"//etc/passwd", SX_E_INVALID, NULL, NULL, 0, "absolute path via empty segment"},
    {"/%2Fetc%2Fpasswd", SX_E_INVALID, NULL, NULL, 0, "absolute path via encoded slash"},
    {"/app//x", SX_E_INVALID, NULL, NULL, 0, "empty segment"},
    {"etc/passwd", SX_E_INVALID, NULL, NULL, 0, "relative path"},
    {"", SX_E_INVALID, NULL, NULL, 0, "empty path"},
    {"/index.html%00.js", SX_E_INVALID, NULL, NULL, 0, "NUL"},
    {"/%00", SX_E_INVALID, NULL, NULL, 0, "NUL alone"},
    {"/..%5C..%5Cetc", SX_E_INVALID, NULL, NULL, 0, "backslash"},
    {"/a%5Cb", SX_E_INVALID, NULL, NULL, 0, "backslash in a name"},
    {"/.git/config", SX_E_INVALID, NULL, NULL, 0, "hidden directory"},
    {"/.env", SX_E_INVALID, NULL, NULL, 0, "hidden file"},
    {"/%zz", SX_E_INVALID, NULL, NULL, 0, "bad escape"},
    {"/%ff%fe", SX_E_INVALID, NULL, NULL, 0, "invalid UTF-8"},
    {"/a%0Ab", SX_E_INVALID, NULL, NULL, 0, "control character"},
    {"/api/v1/nope", SX_E_NOTFOUND, NULL, NULL, 0, "API paths never fall through"},
    {"/api", SX_E_NOTFOUND, NULL, NULL, 0, "the API root either"},
};

static void test_resolve(void **state)
{
    struct sx_arena a;
    (void)state;
    sx_arena_init(&a, 4096);
    for (size_t i = 0; i < sizeof(resolve_rows) / sizeof(resolve_rows[0]); i++) {
        const struct resolve_row *row = &resolve_rows[i];
        struct http_static_target t;
        struct sx_err err;
        int rc;
        sx_err_clear(&err);
        rc = http_static_resolve(row->path, strlen(row->path), &a, &t, &err);
        if (rc != row->rc)
            print_error("row %zu (%s) %s: rc %d, want %d\n", i, row->why, row->path, rc, row->rc);
        assert_int_equal(rc, row->rc);
        if (rc != 0) {
            assert_int_equal(err.code, row->rc);
            assert_true(err.title[0] != '\0');
            continue;
        }
        assert_string_equal(t.rel, row->rel);
        if (row->shell == NULL)
            assert_null(t.shell);
        else
            assert_string_equal(t.shell, row->shell);
        assert_int_equal(t.immutable, row->immutable);
    }
    {
        /* a path longer than the limit */
        char long_path[HTTP_STATIC_MAX_PATH + 8];
        struct http_static_target t;
        struct sx_err err;
        memset(long_path, 'a', sizeof(long_path));
        long_path[0] = '/';
        assert_int_equal(http_static_resolve(long_path, sizeof(long_path), &a, &t, &err),
                         SX_E_INVALID);
    }
    sx_arena_free(&a);
}

static void test_mime(void **state)
{
    static const char *const rows[][2] = {
        {"index.html", "text/html; charset=utf-8"},
        {"assets/app-x.js", "text/javascript; charset=utf-8"},
        {"assets/app-x.css", "text/css; charset=utf-8"},
        {"favicon.svg", "image/svg+xml"},
        {"assets/f.woff2", "font/woff2"},
        {"a.PNG", "image/png"},
        {"dir.v1/noext", "application/octet-stream"},
        {"x.exe", "application/octet-stream"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        assert_string_equal(http_static_mime(rows[i][0]), rows[i][1]);
}

/* ---- a dist tree on disk ------------------------------------------------ */

static char tmp_root[128];
static char dist[192];
static char outside[192];

static void put(const char *rel, const char *text)
{
    char p[512];
    FILE *f;
    snprintf(p, sizeof(p), "%s/%s", tmp_root, rel);
    f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void make_tree(void)
{
    char p[512];
    char q[512];
    snprintf(tmp_root, sizeof(tmp_root), "/tmp/sx-static-XXXXXX");
    assert_non_null(mkdtemp(tmp_root));
    snprintf(dist, sizeof(dist), "%s/dist", tmp_root);
    snprintf(outside, sizeof(outside), "%s/secret.txt", tmp_root);
    assert_int_equal(mkdir(dist, 0755), 0);
    snprintf(p, sizeof(p), "%s/app", dist);
    assert_int_equal(mkdir(p, 0755), 0);
    snprintf(p, sizeof(p), "%s/assets", dist);
    assert_int_equal(mkdir(p, 0755), 0);
    put("dist/index.html", "<!doctype html><title>portal</title>");
    put("dist/app/index.html", "<!doctype html><title>workbench</title>");
    put("dist/assets/app-1a2b.js", "console.log(1)");
    put("dist/assets/app-1a2b.css", "body{}");
    put("dist/favicon.svg", "<svg/>");
    put("dist/assets/app-1a2b.css.gz", "GZ-CSS"); /* stands in for a gzip sibling */
    put("dist/index.html.gz", "GZ-PORTAL");
    put("secret.txt", "TOP SECRET");
    /* symlinks inside the tree that lead out of it */
    snprintf(p, sizeof(p), "%s/assets/leak.js", dist);
    assert_int_equal(symlink(outside, p), 0);
    snprintf(p, sizeof(p), "%s/up", dist);
    assert_int_equal(symlink(tmp_root, p), 0);
    snprintf(q, sizeof(q), "%s/assets/dir.js", dist);
    assert_int_equal(mkdir(q, 0755), 0);
}

static void remove_tree(void)
{
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp_root);
    assert_int_equal(system(cmd), 0);
}

static void test_read(void **state)
{
    struct row {
        const char *rel;
        int rc;
        const char *text;
        const char *why;
    };
    static const struct row rows[] = {
        {"index.html", 0, "<!doctype html><title>portal</title>", "a file at the root"},
        {"app/index.html", 0, "<!doctype html><title>workbench</title>", "a file below"},
        {"assets/app-1a2b.js", 0, "console.log(1)", "an asset"},
        {"assets/leak.js", SX_E_NOTFOUND, NULL, "symlink to a file outside: refused"},
        {"up/secret.txt", SX_E_NOTFOUND, NULL, "symlinked directory outside: refused"},
        {"assets/dir.js", SX_E_NOTFOUND, NULL, "a directory is not a file"},
        {"assets/none.js", SX_E_NOTFOUND, NULL, "missing"},
        {"index.html/x", SX_E_NOTFOUND, NULL, "a file used as a directory"},
    };
    struct sx_arena a;
    (void)state;
    make_tree();
    sx_arena_init(&a, 4096);
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char *data = NULL;
        size_t len = 0;
        struct sx_err err;
        int rc;
        sx_err_clear(&err);
        rc = http_static_read(dist, rows[i].rel, &a, &data, &len, &err);
        if (rc != rows[i].rc)
            print_error("row %zu (%s): rc %d\n", i, rows[i].why, rc);
        assert_int_equal(rc, rows[i].rc);
        if (rc == 0) {
            assert_int_equal(len, strlen(rows[i].text));
            assert_string_equal(data, rows[i].text);
        }
    }
    {
        char *data = NULL;
        size_t len = 0;
        struct sx_err err;
        assert_int_equal(
            http_static_read("/nonexistent-sx-root", "index.html", &a, &data, &len, &err),
            SX_E_NOTFOUND);
    }
    sx_arena_free(&a);
    remove_tree();
}

/* ---- a real server -------------------------------------------------------- */

struct resp {
    int status;
    char headers[4096];
    char body[8192];
    size_t body_len;
};

static int h_cases(struct http_req *r, struct sx_err *err)
{
    return http_send_json(r, 200, json_pack("{s:s}", "api", "cases"), err);
}

static const struct http_route routes[] = {
    {"GET", "/healthz", http_builtin_healthz, HTTP_AUTH_NONE, "健康检查", "t"},
    {"GET", "/api/v1/cases", h_cases, HTTP_AUTH_NONE, "案件", "t"},
    {"GET", "/app/api-like", h_cases, HTTP_AUTH_NONE, "a route under /app wins", "t"},
};

/* Header value (lower-case name) of a response, or NULL. */
static const char *header(const struct resp *r, const char *name, char *out, size_t cap)
{
    const char *p = r->headers;
    size_t n = strlen(name);
    while ((p = strchr(p, '\n')) != NULL) {
        p++;
        if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
            const char *v = p + n + 1;
            size_t k = 0;
            while (*v == ' ')
                v++;
            while (v[k] != '\r' && v[k] != '\n' && v[k] != '\0' && k + 1 < cap) {
                out[k] = v[k];
                k++;
            }
            out[k] = '\0';
            return out;
        }
    }
    return NULL;
}

static void request_h(unsigned port, const char *method, const char *path, const char *extra,
                      struct resp *r)
{
    struct sockaddr_in addr;
    struct timeval tv = {5, 0};
    char buf[16384];
    size_t have = 0;
    char *end;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int n;
    assert_true(fd >= 0);
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    assert_int_equal(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
    n = snprintf(buf, sizeof(buf), "%s %s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n%s\r\n",
                 method, path, extra != NULL ? extra : "");
    assert_int_equal(send(fd, buf, (size_t)n, MSG_NOSIGNAL), n);
    for (;;) {
        ssize_t k = recv(fd, buf + have, sizeof(buf) - 1 - have, 0);
        if (k <= 0)
            break;
        have += (size_t)k;
    }
    close(fd);
    buf[have] = '\0';
    memset(r, 0, sizeof(*r));
    assert_int_equal(sscanf(buf, "HTTP/1.1 %d", &r->status), 1);
    end = strstr(buf, "\r\n\r\n");
    assert_non_null(end);
    assert_true((size_t)(end - buf) < sizeof(r->headers));
    memcpy(r->headers, buf, (size_t)(end - buf));
    r->body_len = have - (size_t)(end + 4 - buf);
    assert_true(r->body_len < sizeof(r->body));
    memcpy(r->body, end + 4, r->body_len);
}

static void request(unsigned port, const char *method, const char *path, struct resp *r)
{
    request_h(port, method, path, NULL, r);
}

static struct http_server *start(const char *web_root)
{
    struct http_config cfg;
    struct http_app app;
    struct http_server *srv = NULL;
    struct sx_err err;
    http_config_defaults(&cfg);
    cfg.listen = "127.0.0.1:0";
    cfg.threads = 1;
    cfg.shutdown_ms = 300;
    cfg.web_root = web_root;
    memset(&app, 0, sizeof(app));
    app.routes = routes;
    app.nroutes = sizeof(routes) / sizeof(routes[0]);
    assert_int_equal(http_server_start(&cfg, &app, &srv, &err), 0);
    return srv;
}

static void test_serve(void **state)
{
    struct row {
        const char *method;
        const char *path;
        int status;
        const char *ctype;    /* prefix */
        const char *cache;    /* exact Cache-Control */
        const char *body_has; /* substring of the body */
        const char *why;
    };
    static const struct row rows[] = {
        {"GET", "/", 200, "text/html", "no-cache", "portal", "portal shell, never cached"},
        {"GET", "/app/", 200, "text/html", "no-cache", "workbench", "workbench shell"},
        {"GET", "/app", 200, "text/html", "no-cache", "workbench", "workbench without slash"},
        {"GET", "/app/cases/42", 200, "text/html", "no-cache", "workbench", "SPA fallback (app)"},
        {"GET", "/results/x", 200, "text/html", "no-cache", "portal", "SPA fallback (portal)"},
        {"GET", "/assets/app-1a2b.js", 200, "text/javascript", HTTP_STATIC_IMMUTABLE, "console.log",
         "hashed asset, cached for a year"},
        {"GET", "/assets/app-1a2b.css", 200, "text/css", HTTP_STATIC_IMMUTABLE, "body{}", "css"},
        {"HEAD", "/assets/app-1a2b.js", 200, "text/javascript", HTTP_STATIC_IMMUTABLE, NULL,
         "HEAD has the headers"},
        {"GET", "/favicon.svg", 200, "image/svg+xml", "no-cache", "<svg/>", "unhashed file"},
        {"GET", "/assets/missing-0000.js", 404, "application/problem+json", NULL, "未找到",
         "missing asset is a 404, not the shell"},
        {"GET", "/assets/leak.js", 404, "application/problem+json", NULL, NULL,
         "symlink out of the tree"},
        {"GET", "/up/secret.txt", 404, "application/problem+json", NULL, NULL,
         "symlinked directory out of the tree"},
        {"GET", "/../secret.txt", 400, "application/problem+json", NULL, "请求路径无效", "dot-dot"},
        {"GET", "/%2e%2e/secret.txt", 400, "application/problem+json", NULL, "请求路径无效",
         "encoded dot-dot"},
        {"GET", "/assets/%2e%2e%2f%2e%2e%2fsecret.txt", 400, "application/problem+json", NULL, NULL,
         "encoded dot-dot and slashes"},
        {"GET", "/index.html%00", 400, "application/problem+json", NULL, NULL, "NUL"},
        {"GET", "//secret.txt", 400, "application/problem+json", NULL, NULL, "empty segment"},
        {"GET", "/api/v1/cases", 200, "application/json", "no-store", "cases", "API first"},
        {"GET", "/app/api-like", 200, "application/json", "no-store", "cases",
         "a route wins over a page"},
        {"GET", "/api/v1/nope", 404, "application/problem+json", NULL, "接口",
         "unknown API path is the API's 404"},
        {"POST", "/app/", 405, "application/problem+json", NULL, NULL, "pages are GET/HEAD"},
    };
    struct http_server *srv;
    unsigned port;
    (void)state;
    make_tree();
    srv = start(dist);
    port = http_server_port(srv);
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const struct row *w = &rows[i];
        struct resp r;
        char v[256];
        request(port, w->method, w->path, &r);
        if (r.status != w->status)
            print_error("row %zu (%s) %s %s: status %d\n%s\n", i, w->why, w->method, w->path,
                        r.status, r.body);
        assert_int_equal(r.status, w->status);
        assert_non_null(header(&r, "content-type", v, sizeof(v)));
        assert_true(strncmp(v, w->ctype, strlen(w->ctype)) == 0);
        if (w->cache != NULL) {
            assert_non_null(header(&r, "cache-control", v, sizeof(v)));
            assert_string_equal(v, w->cache);
        }
        if (w->body_has != NULL)
            assert_non_null(strstr(r.body, w->body_has));
        if (strcmp(w->method, "HEAD") == 0)
            assert_int_equal(r.body_len, 0);
        /* nothing from outside the tree, whatever the answer */
        assert_null(strstr(r.body, "TOP SECRET"));
    }
    {
        /* gzip: the sibling when accepted, the plain file otherwise; Vary on both */
        struct row {
            const char *path;
            const char *accept;
            const char *body;
            int gzip;
        };
        static const struct row gz[] = {
            {"/assets/app-1a2b.css", "Accept-Encoding: gzip, br\r\n", "GZ-CSS", 1},
            {"/assets/app-1a2b.css", "Accept-Encoding: br\r\n", "body{}", 0},
            {"/assets/app-1a2b.css", "Accept-Encoding: gzip;q=0\r\n", "body{}", 0},
            {"/assets/app-1a2b.css", NULL, "body{}", 0},
            {"/assets/app-1a2b.js", "Accept-Encoding: gzip\r\n", "console.log(1)", 0},
            {"/app/cases/1", "Accept-Encoding: gzip\r\n", "workbench", 0},
            {"/cases/1", "Accept-Encoding: gzip\r\n", "GZ-PORTAL", 1},
        };
        for (size_t i = 0; i < sizeof(gz) / sizeof(gz[0]); i++) {
            struct resp r;
            char v[128];
            request_h(port, "GET", gz[i].path, gz[i].accept, &r);
            assert_int_equal(r.status, 200);
            if (strstr(r.body, gz[i].body) == NULL)
                print_error("gzip row %zu: body %s\n", i, r.body);
            assert_non_null(strstr(r.body, gz[i].body));
            assert_non_null(header(&r, "vary", v, sizeof(v)));
            if (gz[i].gzip) {
                assert_non_null(header(&r, "content-encoding", v, sizeof(v)));
                assert_string_equal(v, "gzip");
            } else {
                assert_null(header(&r, "content-encoding", v, sizeof(v)));
            }
            /* the type is the original file's, not the sibling's */
            assert_non_null(header(&r, "content-type", v, sizeof(v)));
            assert_null(strstr(v, "octet-stream"));
        }
    }
    http_server_stop(srv);
    remove_tree();
}

static void test_accepts_gzip(void **state)
{
    static const struct {
        const char *v;
        int want;
    } rows[] = {
        {"gzip", 1},
        {"gzip, deflate, br", 1},
        {"br, gzip", 1},
        {"br,gzip", 1},
        {"gzip;q=0.5", 1},
        {"gzip; q=1", 1},
        {"gzip;q=0", 0},
        {"gzip; q=0.000", 0},
        {"gzip;q=0.01", 1},
        {"x-gzip", 0},
        {"gzipx", 0},
        {"br", 0},
        {"", 0},
        {"identity", 0},
        {"br, gzip;q=0", 0},
    };
    (void)state;
    assert_int_equal(http_static_accepts_gzip(NULL), 0);
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        if (http_static_accepts_gzip(rows[i].v) != rows[i].want)
            print_error("row %zu: %s\n", i, rows[i].v);
        assert_int_equal(http_static_accepts_gzip(rows[i].v), rows[i].want);
    }
}

static void test_serve_unbuilt(void **state)
{
    /* an empty web root: pages say how to build the UI; the API still works */
    char empty[160];
    struct http_server *srv;
    struct resp r;
    (void)state;
    snprintf(empty, sizeof(empty), "/tmp/sx-static-empty-XXXXXX");
    assert_non_null(mkdtemp(empty));
    srv = start(empty);
    request(http_server_port(srv), "GET", "/app/cases", &r);
    assert_int_equal(r.status, 404);
    assert_non_null(strstr(r.body, "ui-not-built"));
    assert_non_null(strstr(r.body, "npm run build"));
    assert_null(strstr(r.body, empty)); /* no server path in a public answer */
    request(http_server_port(srv), "GET", "/api/v1/cases", &r);
    assert_int_equal(r.status, 200);
    http_server_stop(srv);
    assert_int_equal(rmdir(empty), 0);

    /* no web root at all: unmatched paths are the API's 404 */
    srv = start(NULL);
    request(http_server_port(srv), "GET", "/", &r);
    assert_int_equal(r.status, 404);
    assert_null(strstr(r.body, "ui-not-built"));
    http_server_stop(srv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resolve),      cmocka_unit_test(test_mime),
        cmocka_unit_test(test_accepts_gzip), cmocka_unit_test(test_read),
        cmocka_unit_test(test_serve),        cmocka_unit_test(test_serve_unbuilt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
