/*
 * http_static: the web UI's files (web/dist) served beside the API, with
 * hashed assets cached for a year, the index shells never cached, an SPA
 * fallback per app and no way out of the dist directory. See http_static.h.
 */
#include "http_static.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http_int.h"

#define MAX_SEGS 24

static const char portal_shell[] = "index.html";
static const char app_shell[] = "app/index.html";

/* One path segment is acceptable as a file or directory name in the dist tree. */
static int segment_ok(const char *s, size_t n)
{
    if (n == 0 || s[0] == '.')
        return 0; /* "", ".", "..", hidden files */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f || c == '\\' || c == ':')
            return 0;
    }
    return 1;
}

static int bad_path(struct sx_err *err, const char *why)
{
    SX_FAIL(err, SX_E_INVALID, "invalid-path", "请求路径无效", "", "path", "%s", why);
    return SX_E_INVALID;
}

int http_static_resolve(const char *path, size_t len, struct sx_arena *a,
                        struct http_static_target *out, struct sx_err *err)
{
    char *dec = NULL;
    size_t dlen = 0;
    const char *seg[MAX_SEGS];
    size_t seglen[MAX_SEGS];
    size_t nseg = 0;
    size_t i;
    int trailing;
    struct sx_buf rel;
    memset(out, 0, sizeof(*out));
    if (len == 0 || path[0] != '/')
        return bad_path(err, "路径须以 / 开头");
    if (len > HTTP_STATIC_MAX_PATH)
        return bad_path(err, "路径过长");
    if (http_pct_decode(path, len, 0, a, &dec, &dlen) != 0)
        return bad_path(err, "路径编码无效（%XX 转义错误、含 NUL 或不是 UTF-8）");
    if (memchr(dec, '\0', dlen) != NULL)
        return bad_path(err, "路径含 NUL");
    trailing = dlen > 1 && dec[dlen - 1] == '/';
    /* split after the leading '/'; a trailing '/' names the directory's shell */
    i = 1;
    while (i < dlen) {
        size_t j = i;
        while (j < dlen && dec[j] != '/')
            j++;
        if (j == dlen && j == i)
            break;
        if (nseg == MAX_SEGS)
            return bad_path(err, "路径层级过多");
        if (!segment_ok(dec + i, j - i))
            return bad_path(err, "路径含不允许的部分（空段、.、..、隐藏文件或特殊字符）");
        seg[nseg] = dec + i;
        seglen[nseg] = j - i;
        nseg++;
        i = j + 1;
    }
    if (trailing && nseg > 0 && dec[dlen - 2] == '/')
        return bad_path(err, "路径含空段");
    if (nseg > 0 && seglen[0] == 3 && memcmp(seg[0], "api", 3) == 0) {
        SX_FAIL(err, SX_E_NOTFOUND, "not-found", "未找到该资源", "", "",
                "没有与该地址对应的接口，请检查请求路径");
        return SX_E_NOTFOUND;
    }
    if (nseg == 0) {
        out->rel = portal_shell;
        return 0;
    }
    int in_app = seglen[0] == 3 && memcmp(seg[0], "app", 3) == 0;
    int in_assets = seglen[0] == 6 && memcmp(seg[0], "assets", 6) == 0;
    if (in_app && nseg == 1) {
        out->rel = app_shell; /* "/app" and "/app/" */
        return 0;
    }
    sx_buf_init(&rel, HTTP_STATIC_MAX_PATH + 1);
    for (i = 0; i < nseg; i++) {
        if ((i > 0 && sx_buf_putc(&rel, '/') != 0) || sx_buf_append(&rel, seg[i], seglen[i]) != 0) {
            sx_buf_free(&rel);
            return bad_path(err, "路径过长");
        }
    }
    out->rel = sx_arena_strndup(a, rel.data, rel.len);
    sx_buf_free(&rel);
    if (out->rel == NULL)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "静态文件路径");
    out->immutable = in_assets;
    /* a client-side route: no dot in the last segment, not a directory of assets */
    if (!in_assets && (trailing || memchr(seg[nseg - 1], '.', seglen[nseg - 1]) == NULL))
        out->shell = in_app ? app_shell : portal_shell;
    return 0;
}

struct mime {
    const char *ext;
    const char *type;
};

static const struct mime mimes[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".map", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".gif", "image/gif"},
    {".webp", "image/webp"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".woff", "font/woff"},
    {".ttf", "font/ttf"},
    {".txt", "text/plain; charset=utf-8"},
    {".webmanifest", "application/manifest+json"},
};

const char *http_static_mime(const char *rel)
{
    const char *slash = strrchr(rel, '/');
    const char *dot = strrchr(slash != NULL ? slash : rel, '.');
    if (dot != NULL) {
        for (size_t i = 0; i < sizeof(mimes) / sizeof(mimes[0]); i++) {
            if (strcasecmp(dot, mimes[i].ext) == 0)
                return mimes[i].type;
        }
    }
    return "application/octet-stream";
}

static int open_fail(struct sx_err *err, const char *rel, int e)
{
    if (e == ENOENT || e == ENOTDIR || e == ELOOP || e == EISDIR)
        return SX_FAIL(err, SX_E_NOTFOUND, "not-found", "未找到该资源", "", "", "没有文件 %s", rel);
    return SX_FAIL(err, SX_E_IO, "io", "读取文件失败", "", "", "%s: %s", rel, strerror(e));
}

int http_static_read(const char *root, const char *rel, struct sx_arena *a, char **data,
                     size_t *len, struct sx_err *err)
{
    int dir = -1;
    int fd = -1;
    char name[256];
    const char *p = rel;
    struct stat st;
    char *buf = NULL;
    size_t got = 0;
    int rc = 0;
    *data = NULL;
    *len = 0;
    dir = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) {
        rc = open_fail(err, rel, errno);
        goto cleanup;
    }
    for (;;) {
        const char *slash = strchr(p, '/');
        size_t n = slash != NULL ? (size_t)(slash - p) : strlen(p);
        if (n == 0 || n >= sizeof(name)) {
            rc = open_fail(err, rel, ENOENT);
            goto cleanup;
        }
        memcpy(name, p, n);
        name[n] = '\0';
        if (slash == NULL) {
            fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
            if (fd < 0) {
                rc = open_fail(err, rel, errno);
                goto cleanup;
            }
            break;
        }
        int next = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (next < 0) {
            rc = open_fail(err, rel, errno);
            goto cleanup;
        }
        close(dir);
        dir = next;
        p = slash + 1;
    }
    if (fstat(fd, &st) != 0) {
        rc = open_fail(err, rel, errno);
        goto cleanup;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = open_fail(err, rel, ENOENT);
        goto cleanup;
    }
    if ((size_t)st.st_size > HTTP_STATIC_MAX_FILE) {
        rc = SX_FAIL(err, SX_E_TOOBIG, "too-big", "文件过大", "", "", "%s 超过 %zu 字节", rel,
                     HTTP_STATIC_MAX_FILE);
        goto cleanup;
    }
    buf = sx_arena_alloc_raw(a, (size_t)st.st_size + 1);
    if (buf == NULL) {
        rc = SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "读取 %s", rel);
        goto cleanup;
    }
    while (got < (size_t)st.st_size) {
        ssize_t k = read(fd, buf + got, (size_t)st.st_size - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            rc = open_fail(err, rel, errno);
            goto cleanup;
        }
        if (k == 0)
            break; /* truncated while reading: send what is there */
        got += (size_t)k;
    }
    buf[got] = '\0';
    *data = buf;
    *len = got;
cleanup:
    if (fd >= 0)
        close(fd);
    if (dir >= 0)
        close(dir);
    return rc;
}

int http_static_accepts_gzip(const char *accept_encoding)
{
    const char *p = accept_encoding;
    if (p == NULL)
        return 0;
    while ((p = strstr(p, "gzip")) != NULL) {
        const char *q = p + 4;
        int token_start = p == accept_encoding || p[-1] == ',' || p[-1] == ' ' || p[-1] == '\t';
        while (*q == ' ' || *q == '\t')
            q++;
        if (token_start && (*q == '\0' || *q == ',')) /* "gzip" without a weight */
            return 1;
        if (token_start && *q == ';') {
            /* "gzip;q=0", "gzip; q=0.000" refuse it; any other weight accepts */
            q++;
            while (*q == ' ' || *q == '\t')
                q++;
            if ((q[0] == 'q' || q[0] == 'Q') && q[1] == '=') {
                q += 2;
                if (*q == '0') {
                    q++;
                    if (*q == '.')
                        q++;
                    while (*q == '0')
                        q++;
                    if (*q == '\0' || *q == ',' || *q == ' ' || *q == '\t')
                        return 0;
                }
                return 1;
            }
        }
        p += 4;
    }
    return 0;
}

/*
 * The precompressed sibling rel.gz (scripts/build-web.sh writes them) when the client takes
 * gzip: 1 and its bytes, 0 when there is none. Errors other than "missing" are errors.
 */
static int read_gzip(const char *root, const char *rel, struct http_req *r, char **data,
                     size_t *len, struct sx_err *err)
{
    const char *gz;
    char *gz_data = NULL;
    size_t gz_len = 0;
    int rc;
    if (!http_static_accepts_gzip(http_header(r, "accept-encoding")))
        return 0;
    gz = sx_arena_printf(r->arena, "%s.gz", rel);
    if (gz == NULL)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "静态文件路径");
    rc = http_static_read(root, gz, r->arena, &gz_data, &gz_len, err);
    if (rc == SX_E_NOTFOUND) {
        sx_err_clear(err);
        return 0; /* keep the plain file */
    }
    if (rc != 0)
        return rc;
    *data = gz_data;
    *len = gz_len;
    return 1;
}

int http_static_serve(const char *root, struct http_req *r, struct sx_err *err)
{
    struct http_static_target t;
    const char *rel;
    char *data = NULL;
    size_t len = 0;
    int gz = 0;
    int rc;
    if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0) {
        SX_FAIL(err, SX_E_INVALID, "method-not-allowed", "该资源不支持此请求方法", "", "",
                "%s 不支持，可用方法：GET, HEAD", r->method);
        err->status = 405;
        return SX_E_INVALID;
    }
    rc = http_static_resolve(r->path, strlen(r->path), r->arena, &t, err);
    if (rc != 0)
        return rc;
    rel = t.rel;
    rc = http_static_read(root, rel, r->arena, &data, &len, err);
    if (rc == SX_E_NOTFOUND && t.shell != NULL) {
        sx_err_clear(err);
        rel = t.shell;
        t.immutable = 0;
        rc = http_static_read(root, rel, r->arena, &data, &len, err);
    }
    if (rc == 0) {
        /* the file exists: send its gzip sibling instead when there is one and it is wanted */
        gz = read_gzip(root, rel, r, &data, &len, err);
        if (gz < 0)
            return gz;
    }
    if (rc == SX_E_NOTFOUND && (rel == portal_shell || rel == app_shell)) {
        sx_err_clear(err);
        /* the detail is public: it names the build step, not the server's directories */
        return SX_FAIL(err, SX_E_NOTFOUND, "ui-not-built", "网页界面尚未构建", "", "",
                       "没有找到网页界面的构建产物（%s）。请运行 make run，或在 web/ 目录执行 "
                       "npm ci && npm run build 后刷新页面",
                       rel);
    }
    if (rc != 0)
        return rc;
    /* the send adds nosniff and the request id; it keeps a Cache-Control set here */
    if (http_add_header(r, "cache-control",
                        t.immutable ? HTTP_STATIC_IMMUTABLE : HTTP_STATIC_NO_CACHE) != 0 ||
        http_add_header(r, "vary", "accept-encoding") != 0 ||
        (gz && http_add_header(r, "content-encoding", "gzip") != 0))
        return SX_FAIL(err, SX_E_INTERNAL, "internal", "服务器内部错误", "", "", "响应头");
    return http_send_raw(r, 200, http_static_mime(rel), data, len, err);
}
