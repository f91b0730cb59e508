/*
 * http_router: compiles the app's static route table into pattern shapes and
 * matches a request's method and path against them. Pure: no h2o, no I/O.
 *
 * Rules: a pattern is "/" or "/seg/seg…" where each segment is either literal
 * text or a whole-segment "{name}". Two rows with the same method and the
 * same shape (ignoring parameter names) are an error, so every request has at
 * most one best route. At match time a single trailing slash is ignored,
 * empty segments ("//") never match, a literal beats a parameter at the first
 * segment where two shapes differ, and a shape offering the request's method
 * beats one that does not (otherwise 405 with the union of allowed methods).
 * HEAD is served by the GET route unless the table has its own HEAD row.
 */
#include <stdlib.h>
#include <string.h>

#include "http_int.h"

static int is_param_char(char c, int first)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')
        return 1;
    return !first && c >= '0' && c <= '9';
}

/* RFC 3986 pchar minus '%' (literals are matched unencoded). */
static int is_literal_char(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return 1;
    return strchr("-._~!$&'()*+,;=:@", c) != NULL && c != '\0';
}

static int is_token_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static int bad_row(struct sx_err *err, size_t i, const struct http_route *r, const char *why)
{
    return SX_FAIL(err, SX_E_INVALID, "bad-route-table", "路由表无效", "", "routes",
                   "第 %zu 条路由 %s %s：%s", i, r->method != NULL ? r->method : "(null)",
                   r->pattern != NULL ? r->pattern : "(null)", why);
}

/* Parse one pattern into segs. Returns 0 or a message for bad_row. */
static const char *parse_pattern(const char *p, struct sx_arena *names, struct http_rseg *segs,
                                 unsigned *nseg, unsigned *nparams)
{
    size_t n = strlen(p);
    size_t i = 1;
    *nseg = 0;
    *nparams = 0;
    if (n == 0 || p[0] != '/')
        return "模式必须以 / 开头";
    if (n == 1)
        return NULL;
    if (p[n - 1] == '/')
        return "模式不能以 / 结尾";
    while (i <= n) {
        size_t start = i;
        size_t end = i;
        while (end < n && p[end] != '/')
            end++;
        if (end == start)
            return "模式含有空段";
        if (*nseg == HTTP_MAX_SEGS)
            return "段数过多";
        struct http_rseg *s = &segs[(*nseg)++];
        if (p[start] == '{') {
            if (p[end - 1] != '}' || end - start < 3)
                return "参数段必须是完整的 {名称}";
            for (size_t k = start + 1; k < end - 1; k++) {
                if (!is_param_char(p[k], k == start + 1))
                    return "参数名只能含字母、数字和下划线";
            }
            for (unsigned k = 0; k + 1 < *nseg; k++) {
                if (segs[k].is_param && segs[k].len == end - start - 2 &&
                    memcmp(segs[k].text, p + start + 1, segs[k].len) == 0)
                    return "参数名重复";
            }
            if (*nparams == HTTP_MAX_PARAMS)
                return "参数过多";
            (*nparams)++;
            s->is_param = 1;
            s->len = end - start - 2;
            s->text = sx_arena_strndup(names, p + start + 1, s->len);
            if (s->text == NULL)
                return "内存不足";
        } else {
            for (size_t k = start; k < end; k++) {
                if (!is_literal_char(p[k]))
                    return "字面段含有不允许的字符";
            }
            s->is_param = 0;
            s->text = p + start;
            s->len = end - start;
        }
        i = end + 1;
    }
    return NULL;
}

static int same_shape(const struct http_rpath *a, const struct http_rseg *segs, unsigned nseg)
{
    if (a->nseg != nseg)
        return 0;
    for (unsigned k = 0; k < nseg; k++) {
        if (a->seg[k].is_param != segs[k].is_param)
            return 0;
        if (!segs[k].is_param && (a->seg[k].len != segs[k].len ||
                                  memcmp(a->seg[k].text, segs[k].text, segs[k].len) != 0))
            return 0;
    }
    return 1;
}

int http_router_new(const struct http_route *routes, size_t n, struct http_router **out,
                    struct sx_err *err)
{
    struct http_router *rt = NULL;
    int rc = 0;
    *out = NULL;
    rt = calloc(1, sizeof(*rt));
    if (rt == NULL)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "路由表");
    sx_arena_init(&rt->names, 4096);
    rt->routes = routes;
    rt->nroutes = n;
    rt->paths = calloc(n > 0 ? n : 1, sizeof(*rt->paths));
    rt->pnames = calloc(n > 0 ? n : 1, sizeof(*rt->pnames));
    if (rt->paths == NULL || rt->pnames == NULL) {
        rc = SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "路由表");
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++) {
        const struct http_route *r = &routes[i];
        struct http_rseg segs[HTTP_MAX_SEGS];
        unsigned nseg;
        unsigned nparams;
        const char *why;
        struct http_rpath *path = NULL;
        if (r->method == NULL || r->pattern == NULL || r->handler == NULL) {
            rc = bad_row(err, i, r, "方法、模式和处理函数都不能为空");
            goto cleanup;
        }
        if (r->method[0] == '\0') {
            rc = bad_row(err, i, r, "方法无效");
            goto cleanup;
        }
        for (const char *c = r->method; *c != '\0'; c++) {
            if (!is_token_char(*c)) {
                rc = bad_row(err, i, r, "方法无效");
                goto cleanup;
            }
        }
        why = parse_pattern(r->pattern, &rt->names, segs, &nseg, &nparams);
        if (why != NULL) {
            rc = bad_row(err, i, r, why);
            goto cleanup;
        }
        for (size_t p = 0; p < rt->npaths; p++) {
            if (same_shape(&rt->paths[p], segs, nseg)) {
                path = &rt->paths[p];
                break;
            }
        }
        for (unsigned k = 0, j = 0; k < nseg; k++) {
            if (segs[k].is_param)
                rt->pnames[i].name[j++] = segs[k].text;
        }
        if (path == NULL) {
            path = &rt->paths[rt->npaths++];
            path->nseg = nseg;
            memcpy(path->seg, segs, sizeof(segs[0]) * nseg);
        } else {
            /* same shape, possibly other parameter names: each row keeps its own names */
            for (unsigned m = 0; m < path->nmethods; m++) {
                if (strcmp(routes[path->route[m]].method, r->method) == 0) {
                    rc = bad_row(err, i, r, "与另一条路由的方法和路径形状相同");
                    goto cleanup;
                }
            }
        }
        if (path->nmethods == HTTP_MAX_METHODS) {
            rc = bad_row(err, i, r, "同一路径的方法过多");
            goto cleanup;
        }
        path->route[path->nmethods++] = i;
    }
    *out = rt;
    return 0;
cleanup:
    http_router_free(rt);
    return rc;
}

void http_router_free(struct http_router *rt)
{
    if (rt == NULL)
        return;
    free(rt->paths);
    free(rt->pnames);
    sx_arena_free(&rt->names);
    free(rt);
}

/* <0 if a is more specific than b (literal earlier), >0 if less, 0 if equal shape. */
static int specificity_cmp(const struct http_rpath *a, const struct http_rpath *b)
{
    for (unsigned k = 0; k < a->nseg; k++) {
        if (a->seg[k].is_param != b->seg[k].is_param)
            return a->seg[k].is_param ? 1 : -1;
    }
    return 0;
}

static int path_has_method(const struct http_router *rt, const struct http_rpath *p,
                           const char *method, size_t mlen, size_t *route)
{
    for (unsigned m = 0; m < p->nmethods; m++) {
        const char *rm = rt->routes[p->route[m]].method;
        if (strlen(rm) == mlen && memcmp(rm, method, mlen) == 0) {
            *route = p->route[m];
            return 1;
        }
    }
    /* HEAD falls back to GET (RFC 9110 9.3.2); the sender drops the body */
    if (mlen == 4 && memcmp(method, "HEAD", 4) == 0)
        return path_has_method(rt, p, "GET", 3, route);
    return 0;
}

static void allow_add(char *allow, size_t cap, const char *method)
{
    size_t len = strlen(allow);
    size_t mlen = strlen(method);
    /* skip duplicates: compare against each ", "-separated entry */
    const char *p = allow;
    while (*p != '\0') {
        const char *e = strstr(p, ", ");
        size_t l = e != NULL ? (size_t)(e - p) : strlen(p);
        if (l == mlen && memcmp(p, method, mlen) == 0)
            return;
        p += l;
        if (*p != '\0')
            p += 2;
    }
    if (len + (len > 0 ? 2 : 0) + mlen + 1 > cap)
        return;
    if (len > 0) {
        memcpy(allow + len, ", ", 2);
        len += 2;
    }
    memcpy(allow + len, method, mlen + 1);
}

void http_router_match(const struct http_router *rt, const char *method, size_t mlen,
                       const char *path, size_t plen, struct http_match *m)
{
    const char *sb[HTTP_MAX_SEGS];
    size_t sl[HTTP_MAX_SEGS];
    unsigned nseg = 0;
    const struct http_rpath *best = NULL;
    size_t best_route = 0;
    int best_has_method = 0;

    m->status = 404;
    m->nparams = 0;
    m->allow[0] = '\0';
    if (plen == 0 || path[0] != '/')
        return;
    if (plen > 1 && path[plen - 1] == '/')
        plen--;
    if (plen > 1) {
        size_t i = 1;
        while (i <= plen) {
            size_t end = i;
            while (end < plen && path[end] != '/')
                end++;
            if (end == i || nseg == HTTP_MAX_SEGS)
                return; /* empty segment or too deep: no route can match */
            sb[nseg] = path + i;
            sl[nseg] = end - i;
            nseg++;
            i = end + 1;
        }
    }
    for (size_t p = 0; p < rt->npaths; p++) {
        const struct http_rpath *cand = &rt->paths[p];
        size_t route = 0;
        int has;
        unsigned k;
        if (cand->nseg != nseg)
            continue;
        for (k = 0; k < nseg; k++) {
            const struct http_rseg *s = &cand->seg[k];
            if (!s->is_param && (s->len != sl[k] || memcmp(s->text, sb[k], sl[k]) != 0))
                break;
        }
        if (k != nseg)
            continue;
        has = path_has_method(rt, cand, method, mlen, &route);
        for (unsigned mi = 0; mi < cand->nmethods; mi++) {
            const char *rm = rt->routes[cand->route[mi]].method;
            allow_add(m->allow, sizeof(m->allow), rm);
            if (strcmp(rm, "GET") == 0)
                allow_add(m->allow, sizeof(m->allow), "HEAD");
        }
        if (best == NULL || (has && !best_has_method) ||
            (has == best_has_method && specificity_cmp(cand, best) < 0)) {
            best = cand;
            best_route = route;
            best_has_method = has;
        }
    }
    if (best == NULL) {
        m->allow[0] = '\0';
        return;
    }
    if (!best_has_method) {
        m->status = 405;
        return;
    }
    m->status = 0;
    m->route = best_route;
    m->allow[0] = '\0';
    /* parameter names come from the matched row (rows sharing a shape may name them differently) */
    for (unsigned k = 0; k < nseg; k++) {
        if (best->seg[k].is_param) {
            m->pname[m->nparams] = rt->pnames[best_route].name[m->nparams];
            m->pval[m->nparams] = sb[k];
            m->plen[m->nparams] = sl[k];
            m->nparams++;
        }
    }
}
