/*
 * http_text: pure text helpers of the HTTP layer: UTF-8 checking, percent-
 * decoding, query-string and Cookie lookup, ISO dates, listen addresses,
 * status titles, and the opaque paging cursor. No h2o, no I/O, so the unit
 * test covers them directly and a fuzz target can call them.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "http_int.h"

int http_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned char c = p[i];
        size_t need;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            need = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            need = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3;
            cp = c & 0x07;
        } else {
            return 0; /* continuation byte, overlong lead (c0, c1) or > f4 */
        }
        if (n - i <= need)
            return 0;
        for (size_t k = 1; k <= need; k++) {
            if ((p[i + k] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i + k] & 0x3f);
        }
        if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) || cp > 0x10ffff ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        i += need + 1;
    }
    return 1;
}

size_t http_utf8_count(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        if (((unsigned char)s[i] & 0xc0) != 0x80)
            count++;
    }
    return count;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int http_pct_decode(const char *s, size_t n, int plus_space, struct sx_arena *a, char **out,
                    size_t *outlen)
{
    char *d = sx_arena_alloc(a, n + 1);
    size_t j = 0;
    *out = NULL;
    if (d == NULL)
        return SX_E_NOMEM;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%') {
            int hi;
            int lo;
            if (n - i < 3)
                return SX_E_INVALID;
            hi = hexval(s[i + 1]);
            lo = hexval(s[i + 2]);
            if (hi < 0 || lo < 0)
                return SX_E_INVALID;
            c = (char)(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus_space) {
            c = ' ';
        }
        if (c == '\0')
            return SX_E_INVALID;
        d[j++] = c;
    }
    d[j] = '\0';
    if (!http_utf8_valid(d, j))
        return SX_E_INVALID;
    *out = d;
    if (outlen != NULL)
        *outlen = j;
    return 0;
}

/* Does the raw (encoded) key equal name once decoded? Never allocates. */
static int key_equals(const char *k, size_t kn, const char *name)
{
    size_t j = 0;
    for (size_t i = 0; i < kn; i++) {
        char c = k[i];
        if (c == '%') {
            int hi;
            int lo;
            if (kn - i < 3)
                return 0;
            hi = hexval(k[i + 1]);
            lo = hexval(k[i + 2]);
            if (hi < 0 || lo < 0)
                return 0;
            c = (char)(hi * 16 + lo);
            i += 2;
        } else if (c == '+') {
            c = ' ';
        }
        if (name[j] == '\0' || name[j] != c)
            return 0;
        j++;
    }
    return name[j] == '\0';
}

int http_query_lookup(const char *qs, size_t n, const char *name, struct sx_arena *a,
                      const char **out, struct sx_err *err)
{
    size_t i = 0;
    *out = NULL;
    while (i < n) {
        size_t end = i;
        size_t eq;
        while (end < n && qs[end] != '&')
            end++;
        eq = i;
        while (eq < end && qs[eq] != '=')
            eq++;
        if (key_equals(qs + i, eq - i, name)) {
            char *v;
            const char *vs = eq < end ? qs + eq + 1 : qs + end;
            size_t vn = eq < end ? end - eq - 1 : 0;
            int rc = http_pct_decode(vs, vn, 1, a, &v, NULL);
            if (rc == SX_E_NOMEM)
                return SX_FAIL(err, rc, "no-memory", "内存不足", "", name, "查询参数");
            if (rc != 0)
                return SX_FAIL(err, SX_E_INVALID, "invalid-query", "查询参数无效", "", name,
                               "查询参数 %s 的编码无效（%%XX 转义错误、含 NUL 或不是 UTF-8）",
                               name);
            *out = v;
            return 0;
        }
        i = end + 1;
    }
    return 0;
}

int http_cookie_lookup(const char *hdr, size_t n, const char *name, const char **val, size_t *vlen)
{
    size_t name_len = strlen(name);
    size_t i = 0;
    while (i < n) {
        size_t end;
        size_t eq;
        size_t ks;
        size_t ke;
        while (i < n && (hdr[i] == ' ' || hdr[i] == '\t'))
            i++;
        end = i;
        while (end < n && hdr[end] != ';')
            end++;
        eq = i;
        while (eq < end && hdr[eq] != '=')
            eq++;
        ks = i;
        ke = eq;
        while (ke > ks && (hdr[ke - 1] == ' ' || hdr[ke - 1] == '\t'))
            ke--;
        if (eq < end && ke - ks == name_len && memcmp(hdr + ks, name, name_len) == 0) {
            size_t vs = eq + 1;
            size_t ve = end;
            while (vs < ve && (hdr[vs] == ' ' || hdr[vs] == '\t'))
                vs++;
            while (ve > vs && (hdr[ve - 1] == ' ' || hdr[ve - 1] == '\t'))
                ve--;
            if (ve - vs >= 2 && hdr[vs] == '"' && hdr[ve - 1] == '"') {
                vs++;
                ve--;
            }
            *val = hdr + vs;
            *vlen = ve - vs;
            return 1;
        }
        i = end + 1;
    }
    return 0;
}

int http_date_valid(const char *s, size_t n)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = 0;
    int m;
    int d;
    int max;
    if (n != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (size_t i = 0; i < 10; i++) {
        if (i == 4 || i == 7)
            continue;
        if (s[i] < '0' || s[i] > '9')
            return 0;
    }
    for (size_t i = 0; i < 4; i++)
        y = y * 10 + (s[i] - '0');
    m = (s[5] - '0') * 10 + (s[6] - '0');
    d = (s[8] - '0') * 10 + (s[9] - '0');
    if (y < 1 || m < 1 || m > 12 || d < 1)
        return 0;
    max = mdays[m - 1];
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        max = 29;
    return d <= max;
}

static int parse_port(const char *s, unsigned *port)
{
    unsigned v = 0;
    if (*s == '\0')
        return -1;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (unsigned)(*s - '0');
        if (v > 65535)
            return -1;
    }
    *port = v;
    return 0;
}

int http_parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *sslen,
                      struct sx_err *err)
{
    char host[64];
    const char *colon;
    unsigned port = 0;
    size_t hl;
    memset(ss, 0, sizeof(*ss));
    if (s == NULL)
        goto bad;
    if (s[0] == '[') {
        const char *rb = strchr(s, ']');
        if (rb == NULL || rb[1] != ':')
            goto bad;
        hl = (size_t)(rb - s - 1);
        colon = rb + 1;
        if (hl == 0 || hl >= sizeof(host))
            goto bad;
        memcpy(host, s + 1, hl);
        host[hl] = '\0';
        if (parse_port(colon + 1, &port) != 0)
            goto bad;
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
        if (inet_pton(AF_INET6, host, &a6->sin6_addr) != 1)
            goto bad;
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        *sslen = sizeof(*a6);
        return 0;
    }
    colon = strrchr(s, ':');
    if (colon == NULL)
        goto bad;
    hl = (size_t)(colon - s);
    if (hl == 0 || hl >= sizeof(host))
        goto bad;
    memcpy(host, s, hl);
    host[hl] = '\0';
    if (parse_port(colon + 1, &port) != 0)
        goto bad;
    struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
    if (inet_pton(AF_INET, host, &a4->sin_addr) != 1)
        goto bad;
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)port);
    *sslen = sizeof(*a4);
    return 0;
bad:
    return SX_FAIL(err, SX_E_INVALID, "bad-listen-address", "监听地址无效", "", "listen",
                   "监听地址应形如 127.0.0.1:8080、0.0.0.0:8080 或 [::1]:8080，实际为 %s",
                   s != NULL ? s : "(空)");
}

struct status_text {
    int status;
    const char *reason;
    const char *slug;
    const char *title;
};

static const struct status_text statuses[] = {
    {200, "OK", "", "成功"},
    {201, "Created", "", "已创建"},
    {202, "Accepted", "", "已受理"},
    {204, "No Content", "", "成功"},
    {301, "Moved Permanently", "", "已永久移动"},
    {302, "Found", "", "已临时移动"},
    {304, "Not Modified", "", "未修改"},
    {400, "Bad Request", "bad-request", "请求无效"},
    {401, "Unauthorized", "unauthorized", "未登录或登录已失效"},
    {403, "Forbidden", "forbidden", "无权执行该操作"},
    {404, "Not Found", "not-found", "未找到该资源"},
    {405, "Method Not Allowed", "method-not-allowed", "该资源不支持此请求方法"},
    {406, "Not Acceptable", "not-acceptable", "无法提供所请求的格式"},
    {408, "Request Timeout", "request-timeout", "请求超时"},
    {409, "Conflict", "conflict", "与当前状态冲突"},
    {410, "Gone", "gone", "资源已不存在"},
    {411, "Length Required", "length-required", "缺少请求体长度"},
    {413, "Payload Too Large", "body-too-large", "请求体过大"},
    {414, "URI Too Long", "uri-too-long", "请求地址过长"},
    {415, "Unsupported Media Type", "unsupported-media-type", "请求体类型不受支持"},
    {417, "Expectation Failed", "expectation-failed", "无法满足 Expect 请求头"},
    {422, "Unprocessable Content", "unprocessable", "请求内容不符合业务规则"},
    {429, "Too Many Requests", "rate-limited", "请求过于频繁，请稍后再试"},
    {431, "Request Header Fields Too Large", "headers-too-large", "请求头过大"},
    {500, "Internal Server Error", "internal", "服务器内部错误"},
    {501, "Not Implemented", "not-implemented", "尚未实现"},
    {502, "Bad Gateway", "bad-gateway", "网关错误"},
    {503, "Service Unavailable", "unavailable", "服务暂不可用"},
    {504, "Gateway Timeout", "gateway-timeout", "网关超时"},
};

static const struct status_text *status_find(int status)
{
    for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
        if (statuses[i].status == status)
            return &statuses[i];
    }
    return NULL;
}

const char *http_status_reason(int status)
{
    const struct status_text *t = status_find(status);
    if (t != NULL)
        return t->reason;
    return status >= 500 ? "Server Error" : status >= 400 ? "Client Error" : "OK";
}

const char *http_status_title(int status)
{
    const struct status_text *t = status_find(status);
    if (t != NULL)
        return t->title;
    return status >= 500 ? "服务器内部错误" : "请求无效";
}

const char *http_status_slug(int status)
{
    const struct status_text *t = status_find(status);
    if (t != NULL)
        return t->slug;
    return status >= 500 ? "internal" : "bad-request";
}

/* ---- cursor: base64url (no padding) of the after-id as 8 big-endian bytes ---- */

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static int b64val(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

void http_cursor_encode(int64_t v, char out[HTTP_CURSOR_LEN + 1])
{
    uint64_t u = v < 0 ? 0 : (uint64_t)v;
    /* 64 bits = 10 full sextets + 4 bits; the last char carries the low 4 bits shifted by 2 */
    for (int i = 0; i < 10; i++)
        out[i] = b64url[(u >> (58 - 6 * i)) & 0x3f];
    out[10] = b64url[(u & 0x0f) << 2];
    out[HTTP_CURSOR_LEN] = '\0';
}

int http_cursor_decode(const char *s, size_t len, int64_t *out, struct sx_err *err)
{
    uint64_t u = 0;
    int last;
    if (len != HTTP_CURSOR_LEN)
        goto bad;
    for (int i = 0; i < 10; i++) {
        int v = b64val(s[i]);
        if (v < 0)
            goto bad;
        u = (u << 6) | (uint64_t)v;
    }
    last = b64val(s[10]);
    if (last < 0 || (last & 0x03) != 0) /* non-canonical: padding bits set */
        goto bad;
    u = (u << 4) | (uint64_t)(last >> 2);
    if (u > (uint64_t)INT64_MAX)
        goto bad;
    *out = (int64_t)u;
    return 0;
bad:
    return SX_FAIL(err, SX_E_INVALID, "invalid-cursor", "分页游标无效", "", "cursor",
                   "cursor 必须是上一页响应中 next_cursor 的原样值");
}
