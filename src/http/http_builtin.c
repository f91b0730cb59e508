/*
 * http_builtin: the routes every Sanxiang server offers — GET /healthz,
 * GET /metrics, GET /api/v1/openapi.json — as handler functions the app puts
 * in its route table, and http_openapi_check, which keeps the table and the
 * OpenAPI document from drifting apart (a unit test fails on an undocumented
 * route).
 */
#include <string.h>

#include "http_int.h"

int http_builtin_healthz(struct http_req *r, struct sx_err *err)
{
    static const char ok[] = "{\"status\":\"ok\"}";
    struct http_server *s = r->_w->srv;
    if (s->app.health != NULL) {
        int rc = s->app.health(r, err);
        if (rc != 0) {
            if (err->code == 0)
                SX_FAIL(err, SX_E_DB, "unavailable", "服务暂不可用", "", "", "健康检查未通过");
            err->status = 503;
            return rc;
        }
    }
    return http_send_raw(r, 200, "application/json; charset=utf-8", ok, sizeof(ok) - 1, err);
}

int http_builtin_metrics(struct http_req *r, struct sx_err *err)
{
    struct http_server *s = r->_w->srv;
    struct sx_buf *out = &r->_w->out;
    sx_buf_reset(out);
    if (http_metrics_render(s->metrics, s->nworkers, s->app.routes, s->app.nroutes, out) != 0 ||
        (s->app.metrics != NULL && s->app.metrics(r, out) != 0))
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "服务器内部错误", "", "", "指标输出失败");
    return http_send_raw(r, 200, "text/plain; version=0.0.4; charset=utf-8", out->data, out->len,
                         err);
}

int http_builtin_openapi(struct http_req *r, struct sx_err *err)
{
    struct http_server *s = r->_w->srv;
    if (s->openapi == NULL)
        return SX_FAIL(err, SX_E_NOTFOUND, "not-found", "未找到该资源", "", "",
                       "本服务未配置 OpenAPI 文档");
    return http_send_raw(r, 200, "application/json; charset=utf-8", s->openapi, s->openapi_len,
                         err);
}

static const char *const oa_methods[] = {"get",     "put",  "post",  "delete",
                                         "options", "head", "patch", "trace"};

static void lower(char *dst, size_t cap, const char *src)
{
    size_t i = 0;
    for (; src[i] != '\0' && i + 1 < cap; i++)
        dst[i] = (src[i] >= 'A' && src[i] <= 'Z') ? (char)(src[i] - 'A' + 'a') : src[i];
    dst[i] = '\0';
}

static void upper(char *dst, size_t cap, const char *src)
{
    size_t i = 0;
    for (; src[i] != '\0' && i + 1 < cap; i++)
        dst[i] = (src[i] >= 'a' && src[i] <= 'z') ? (char)(src[i] - 'a' + 'A') : src[i];
    dst[i] = '\0';
}

static void list_add(struct sx_buf *b, const char *method, const char *path)
{
    /* the list is capped by the buffer's max; the counts reported stay exact */
    if (sx_buf_printf(b, "%s%s %s", b->len > 0 ? "，" : "", method, path) != 0)
        return;
}

int http_openapi_check(const struct http_route *routes, size_t n, const char *openapi_json_text,
                       struct sx_err *err)
{
    json_error_t je;
    json_t *doc = NULL;
    json_t *paths;
    struct sx_buf missing;
    struct sx_buf extra;
    size_t nmissing = 0;
    size_t nextra = 0;
    const char *pkey;
    json_t *pitem;
    int rc = 0;

    sx_buf_init(&missing, 4096);
    sx_buf_init(&extra, 4096);
    doc = json_loads(openapi_json_text, JSON_REJECT_DUPLICATES, &je);
    if (doc == NULL) {
        rc = SX_FAIL(err, SX_E_INVALID, "openapi", "OpenAPI 文档不是有效的 JSON", "", "",
                     "第 %d 行第 %d 列：%s", je.line, je.column, je.text);
        goto cleanup;
    }
    paths = json_object_get(doc, "paths");
    if (!json_is_object(paths)) {
        rc = SX_FAIL(err, SX_E_INVALID, "openapi", "OpenAPI 文档缺少 paths", "", "paths",
                     "OpenAPI 文档必须有 paths 对象");
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++) {
        char m[16];
        json_t *item = json_object_get(paths, routes[i].pattern);
        lower(m, sizeof(m), routes[i].method);
        if (!json_is_object(item) || !json_is_object(json_object_get(item, m))) {
            nmissing++;
            list_add(&missing, routes[i].method, routes[i].pattern);
        }
    }
    json_object_foreach(paths, pkey, pitem)
    {
        if (!json_is_object(pitem))
            continue;
        for (size_t k = 0; k < sizeof(oa_methods) / sizeof(oa_methods[0]); k++) {
            char up[16];
            size_t i;
            if (json_object_get(pitem, oa_methods[k]) == NULL)
                continue;
            upper(up, sizeof(up), oa_methods[k]);
            for (i = 0; i < n; i++) {
                if (strcmp(routes[i].method, up) == 0 && strcmp(routes[i].pattern, pkey) == 0)
                    break;
            }
            if (i == n) {
                nextra++;
                list_add(&extra, up, pkey);
            }
        }
    }
    if (nmissing > 0 || nextra > 0)
        rc = SX_FAIL(err, SX_E_INVALID, "openapi-mismatch", "路由表与 OpenAPI 文档不一致", "",
                     "paths", "未记录 %zu 个：%s；多余 %zu 个：%s", nmissing,
                     nmissing > 0 ? missing.data : "无", nextra, nextra > 0 ? extra.data : "无");
cleanup:
    sx_buf_free(&missing);
    sx_buf_free(&extra);
    json_decref(doc);
    return rc;
}
