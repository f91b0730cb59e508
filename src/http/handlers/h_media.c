/*
 * h_media: audio-video evidence over HTTP (issue 5 points 1-2): the tus 1.0 core protocol under
 * /api/v1/uploads (OPTIONS, POST creation, HEAD offset, PATCH chunks; termination refused for
 * evidence), the media list of a case, and 调阅 requests (file, approve/refuse, view, download).
 *
 * Chunks: libh2o buffers a request body whole, so one PATCH carries at most
 * APP_MEDIA_CHUNK_MAX bytes (= the server's body limit, 4 MiB); a bigger PATCH is answered 413
 * (by libh2o before the body is read, or here). Clients split files into chunks of that size.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "app/access.h"
#include "app/media.h"

#define TUS_VERSION "1.0.0"
#define TUS_SOURCE "tus 1.0 (https://tus.io/protocols/resumable-upload)"
#define DOWNLOAD_MAX ((size_t)64 << 20)

static int tus_headers(struct http_req *r)
{
    return http_add_header(r, "tus-resumable", TUS_VERSION);
}

static struct app_media_store *store(struct http_req *r, struct sx_err *err)
{
    const struct api_app *api = r->app;
    if (api->media == NULL)
        SX_FAIL(err, SX_E_INTERNAL, "media-off", "服务器未配置音像存储", "", "", "media");
    return api->media;
}

/* Every request but OPTIONS names the protocol version it speaks (412 otherwise). */
static int check_tus(struct http_req *r, struct sx_err *err)
{
    const char *v = http_header(r, "tus-resumable");
    int rc;
    if (v != NULL && strcmp(v, TUS_VERSION) == 0)
        return 0;
    if (http_add_header(r, "tus-version", TUS_VERSION) != 0)
        return SX_E_INTERNAL;
    rc = SX_FAIL(err, SX_E_INVALID, "tus-version", "不支持的 tus 协议版本", TUS_SOURCE,
                 "Tus-Resumable", "请求须带 Tus-Resumable: " TUS_VERSION);
    err->status = 412;
    return rc;
}

static int parse_i64_header(struct http_req *r, const char *name, int64_t *out, struct sx_err *err)
{
    const char *v = http_header(r, name);
    char *end = NULL;
    long long n;
    if (v == NULL)
        return SX_FAIL(err, SX_E_INVALID, "header-missing", "缺少必需的请求头", TUS_SOURCE, name,
                       "缺少 %s", name);
    errno = 0;
    n = strtoll(v, &end, 10);
    if (v[0] < '0' || v[0] > '9' || errno != 0 || end == v || *end != '\0' || n < 0)
        return SX_FAIL(err, SX_E_INVALID, "header-invalid", "请求头的值不是非负整数", TUS_SOURCE,
                       name, "%s 须为非负整数", name);
    *out = n;
    return 0;
}

static int set_offset_headers(struct http_req *r, const struct app_upload_state *st)
{
    char buf[32];
    int rc;
    snprintf(buf, sizeof(buf), "%" PRId64, st->offset);
    rc = http_add_header(r, "upload-offset", buf);
    snprintf(buf, sizeof(buf), "%" PRId64, st->length);
    if (rc == 0)
        rc = http_add_header(r, "upload-length", buf);
    if (rc == 0 && st->sm3 != NULL)
        rc = http_add_header(r, "upload-sm3", st->sm3);
    if (rc == 0 && st->sm3 != NULL)
        rc = http_add_header(r, "upload-duplicate", st->duplicate ? "1" : "0");
    return rc;
}

int api_uploads_options(struct http_req *r, struct sx_err *err)
{
    char max[32];
    int rc = tus_headers(r);
    snprintf(max, sizeof(max), "%" PRId64, (int64_t)APP_MEDIA_MAX_SIZE);
    if (rc == 0)
        rc = http_add_header(r, "tus-version", TUS_VERSION);
    if (rc == 0)
        rc = http_add_header(r, "tus-extension", "creation");
    if (rc == 0)
        rc = http_add_header(r, "tus-max-size", max);
    snprintf(max, sizeof(max), "%zu", APP_MEDIA_CHUNK_MAX);
    if (rc == 0)
        rc = http_add_header(r, "upload-chunk-max", max); /* ours: the largest PATCH body */
    if (rc != 0)
        return SX_FAIL(err, SX_E_INTERNAL, "header", "服务器内部错误", "", "", "tus headers");
    return http_send_empty(r, 204, err);
}

int api_uploads_create(struct http_req *r, struct sx_err *err)
{
    struct app_media_store *ms = store(r, err);
    const char *id = NULL;
    int64_t length = 0;
    size_t blen = 0;
    int rc = ms != NULL ? 0 : SX_E_INTERNAL;
    if (rc == 0)
        rc = tus_headers(r);
    if (rc == 0)
        rc = check_tus(r, err);
    if (rc == 0)
        rc = parse_i64_header(r, "upload-length", &length, err);
    (void)http_body(r, &blen);
    if (rc == 0 && blen > 0)
        rc = SX_FAIL(err, SX_E_INVALID, "creation-with-upload", "创建上传时不能携带数据",
                     TUS_SOURCE, "body", "本服务未提供 creation-with-upload，请先创建再 PATCH");
    if (rc == 0)
        rc = app_media_upload_create(api_ctx(r), ms, api_principal(r), length,
                                     http_header(r, "upload-metadata"), &id, err);
    if (rc != 0)
        return api_done(r, rc, err);
    const char *loc = sx_arena_printf(r->arena, "/api/v1/uploads/%s", id);
    rc = http_add_header(r, "location", loc);
    if (rc != 0)
        return api_done(r, SX_E_INTERNAL, err);
    return http_send_json(r, 201,
                          json_pack("{ss ss sI si}", "id", id, "location", loc, "length",
                                    (json_int_t)length, "chunk_max", (int)APP_MEDIA_CHUNK_MAX),
                          err);
}

int api_uploads_head(struct http_req *r, struct sx_err *err)
{
    struct app_media_store *ms = store(r, err);
    struct app_upload_state st;
    int rc = ms != NULL ? 0 : SX_E_INTERNAL;
    if (rc == 0)
        rc = tus_headers(r);
    if (rc == 0)
        rc = check_tus(r, err);
    if (rc == 0)
        rc =
            app_media_upload_state(api_ctx(r), ms, api_principal(r), http_param(r, "id"), &st, err);
    if (rc == 0 && strcmp(st.state, "rejected") == 0) {
        rc = SX_FAIL(err, SX_E_NOTFOUND, "upload-rejected", "该上传已作废", TUS_SOURCE, "id", "%s",
                     st.detail != NULL ? st.detail : "");
        err->status = 410;
    }
    if (rc == 0)
        rc = set_offset_headers(r, &st);
    if (rc != 0)
        return api_done(r, rc, err);
    return http_send_empty(r, 200, err);
}

int api_uploads_patch(struct http_req *r, struct sx_err *err)
{
    struct app_media_store *ms = store(r, err);
    struct app_upload_state st;
    const char *ctype = http_header(r, "content-type");
    const void *data;
    size_t len = 0;
    int64_t offset = 0;
    int rc = ms != NULL ? 0 : SX_E_INTERNAL;
    if (rc == 0)
        rc = tus_headers(r);
    if (rc == 0)
        rc = check_tus(r, err);
    if (rc == 0 && (ctype == NULL || strcmp(ctype, "application/offset+octet-stream") != 0)) {
        rc = SX_FAIL(err, SX_E_INVALID, "content-type",
                     "数据块的类型须为 application/offset+octet-stream", TUS_SOURCE, "Content-Type",
                     "PATCH 须带 Content-Type: application/offset+octet-stream");
        err->status = 415;
    }
    if (rc == 0)
        rc = parse_i64_header(r, "upload-offset", &offset, err);
    data = http_body(r, &len);
    if (rc == 0)
        rc = app_media_upload_patch(api_ctx(r), ms, api_principal(r), http_param(r, "id"), offset,
                                    data, len, &st, err);
    if (rc == 0)
        rc = set_offset_headers(r, &st);
    if (rc != 0)
        return api_done(r, rc, err);
    return http_send_empty(r, 204, err);
}

int api_uploads_delete(struct http_req *r, struct sx_err *err)
{
    int rc = tus_headers(r);
    if (rc == 0)
        rc = SX_FAIL(err, SX_E_FORBIDDEN, "termination-refused", "证据上传不允许终止或删除",
                     APP_MEDIA_KEEP_SOURCE, "id",
                     "音像证据不得删除、剪接；中断的上传可随时以 HEAD 查询进度后续传");
    return api_done(r, rc, err);
}

int api_case_media(struct http_req *r, struct sx_err *err)
{
    json_t *out = NULL;
    int64_t id = 0;
    int rc = http_param_id(r, "id", &id, err);
    if (rc == 0)
        rc = app_media_case_list(api_ctx(r), api_principal(r), id, &out, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return http_send_json(r, 200, out, err);
}

/* ---- 调阅 ---- */

static const struct http_field access_fields[] = {
    {"kind", HTTP_F_STRING, 1, 10},     {"case_id", HTTP_F_INT, 1, 0},
    {"sm3", HTTP_F_STRING, 0, 64},      {"party_name", HTTP_F_STRING, 0, 200},
    {"reason", HTTP_F_STRING, 1, 2000}, {"valid_seconds", HTTP_F_INT, 1, 0},
    {NULL, HTTP_F_ANY, 0, 0},
};

int api_access_create(struct http_req *r, struct sx_err *err)
{
    struct app_ctx *ctx = api_ctx(r);
    json_t *in = NULL, *out = NULL;
    int64_t id = 0;
    int rc = http_body_json(r, access_fields, &in, err);
    if (rc == 0) {
        struct app_access_new q = {.kind = api_get_str(in, "kind"),
                                   .case_id = api_get_int(in, "case_id"),
                                   .sm3 = api_get_str(in, "sm3"),
                                   .party_name = api_get_str(in, "party_name"),
                                   .reason = api_get_str(in, "reason"),
                                   .valid_seconds = api_get_int(in, "valid_seconds")};
        rc = app_access_request(ctx, api_principal(r), &q, &id, err);
    }
    if (rc == 0)
        rc = app_access_get(ctx, api_principal(r), id, &out, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return http_send_json(r, 201, out, err);
}

int api_access_list(struct http_req *r, struct sx_err *err)
{
    struct http_page pg;
    json_t *items = NULL;
    int64_t last = 0;
    int more = 0;
    int rc = http_page_parse(r, &pg, err);
    if (rc == 0)
        rc = app_access_list(api_ctx(r), api_principal(r), pg.has_after ? pg.after : 0, pg.limit,
                             &items, &more, &last, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return api_send_page(r, items, more, last, err);
}

int api_access_get(struct http_req *r, struct sx_err *err)
{
    json_t *out = NULL;
    int64_t id = 0;
    int rc = http_param_id(r, "id", &id, err);
    if (rc == 0)
        rc = app_access_get(api_ctx(r), api_principal(r), id, &out, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return http_send_json(r, 200, out, err);
}

static const struct http_field decide_fields[] = {
    {"note", HTTP_F_STRING, 0, 2000},
    {NULL, HTTP_F_ANY, 0, 0},
};

static int decide(struct http_req *r, bool approve, struct sx_err *err)
{
    struct app_ctx *ctx = api_ctx(r);
    json_t *in = NULL, *out = NULL;
    int64_t id = 0;
    size_t blen = 0;
    int rc = http_param_id(r, "id", &id, err);
    (void)http_body(r, &blen);
    if (rc == 0 && blen > 0)
        rc = http_body_json(r, decide_fields, &in, err);
    if (rc == 0)
        rc = app_access_decide(ctx, api_principal(r), id, approve, api_get_str(in, "note"), err);
    if (rc == 0)
        rc = app_access_get(ctx, api_principal(r), id, &out, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return http_send_json(r, 200, out, err);
}

int api_access_approve(struct http_req *r, struct sx_err *err)
{
    return decide(r, true, err);
}

int api_access_refuse(struct http_req *r, struct sx_err *err)
{
    return decide(r, false, err);
}

int api_access_case(struct http_req *r, struct sx_err *err)
{
    json_t *out = NULL;
    int64_t id = 0;
    int rc = http_param_id(r, "id", &id, err);
    if (rc == 0)
        rc = app_access_view_case(api_ctx(r), api_principal(r), id, http_client_ip(r), &out, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return http_send_json(r, 200, out, err);
}

int api_access_media(struct http_req *r, struct sx_err *err)
{
    struct app_media_store *ms = store(r, err);
    const char *path = NULL, *mime = NULL;
    int64_t id = 0, size = 0;
    char *buf = NULL;
    size_t got = 0;
    int fd = -1;
    int rc = ms != NULL ? 0 : SX_E_INTERNAL;
    if (rc == 0)
        rc = http_param_id(r, "id", &id, err);
    if (rc == 0)
        rc = app_access_download(api_ctx(r), api_principal(r), ms, id, http_client_ip(r), &path,
                                 &size, &mime, err);
    if (rc == 0 && (size_t)size > DOWNLOAD_MAX)
        rc = SX_FAIL(err, SX_E_TOOBIG, "download-too-large", "文件过大，暂不能在线下载", "", "id",
                     "在线下载上限 %zu 字节", DOWNLOAD_MAX);
    if (rc == 0) {
        buf = malloc((size_t)size);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        while (buf != NULL && fd >= 0 && got < (size_t)size) {
            ssize_t n = read(fd, buf + got, (size_t)size - got);
            if (n <= 0)
                break;
            got += (size_t)n;
        }
        if (buf == NULL || fd < 0 || got != (size_t)size)
            rc = SX_FAIL(err, SX_E_IO, "media-read", "读取音像文件失败", "", "", "%s",
                         strerror(errno));
    }
    if (fd >= 0)
        close(fd);
    if (rc == 0)
        rc = http_send_raw(r, 200, mime, buf, got, err);
    free(buf);
    if (rc != 0)
        return api_done(r, rc, err);
    return 0;
}

int api_media_get(struct http_req *r, struct sx_err *err)
{
    json_t *out = NULL;
    int rc = app_media_get(api_ctx(r), http_param(r, "sm3"), &out, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return http_send_json(r, 200, out, err);
}

static const struct http_field delete_fields[] = {
    {"reason", HTTP_F_STRING, 1, 2000},
    {NULL, HTTP_F_ANY, 0, 0},
};

int api_media_delete(struct http_req *r, struct sx_err *err)
{
    struct app_media_store *ms = store(r, err);
    json_t *in = NULL, *out = NULL;
    int rc = ms != NULL ? 0 : SX_E_INTERNAL;
    if (rc == 0)
        rc = http_body_json(r, delete_fields, &in, err);
    if (rc == 0)
        rc = app_media_delete(api_ctx(r), ms, api_principal(r), http_param(r, "sm3"),
                              api_get_str(in, "reason"), err);
    if (rc == 0)
        rc = app_media_get(api_ctx(r), http_param(r, "sm3"), &out, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return http_send_json(r, 200, out, err);
}
