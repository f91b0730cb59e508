/*
 * h_bundle: case-file bundles (电子卷宗) over HTTP — download a case's bundle,
 * and the workflow's archive step, which produces one and records its SM3
 * (app/bundle.h). Both need the server's ledger (proofs, checkpoints).
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "app/bundle.h"
#include "app/cases.h"
#include "app/ledger.h"

static int no_ledger(struct sx_err *err)
{
    int rc = SX_FAIL(err, SX_E_DB, "ledger-unavailable", "全局账本暂不可用", "DESIGN §5", "",
                     "本服务未加载全局账本，无法生成电子卷宗");
    err->status = 503;
    return rc;
}

int api_case_bundle(struct http_req *r, struct sx_err *err)
{
    const struct api_app *api = r->app;
    struct app_ctx *ctx = api_ctx(r);
    struct app_case_view v;
    struct app_bundle_info info;
    struct sx_buf tar;
    char disp[256], hdr[LG_SM3_HEX_LEN + 1];
    int64_t id = 0;
    /* role-gated like the case page: whoever may read the case may export it */
    int rc = http_param_id(r, "id", &id, err);
    if (rc == 0)
        rc = app_case_view(ctx, api_principal(r), id, 0, &v, err);
    if (rc == 0 && api->ledger == NULL)
        rc = no_ledger(err);
    if (rc != 0)
        return api_done(r, rc, err);
    sx_buf_init(&tar, APP_BUNDLE_MAX);
    rc = app_bundle_build(ctx, api->ledger, NULL, id, &tar, &info, err);
    if (rc == 0) {
        snprintf(disp, sizeof(disp), "attachment; filename=\"case-%lld-bundle.tar\"",
                 (long long)id);
        snprintf(hdr, sizeof(hdr), "%s", info.sm3);
        if (http_add_header(r, "content-disposition", disp) != 0 ||
            http_add_header(r, "x-bundle-sm3", hdr) != 0)
            rc = SX_FAIL(err, SX_E_INTERNAL, "header-failed", "内部错误", "", "", "headers");
    }
    if (rc == 0)
        rc = http_send_raw(r, 200, "application/x-tar", tar.data, tar.len, err);
    sx_buf_free(&tar);
    if (rc != 0)
        return api_done(r, rc, err);
    return 0;
}

int api_bundle_archive(struct http_req *r, int64_t case_id, const struct app_step *step,
                       struct app_step_result *out, struct sx_err *err)
{
    const struct api_app *api = r->app;
    struct app_bundle_info info;
    char dir[4096];
    if (api->ledger == NULL)
        return no_ledger(err);
    app_bundle_dir(api->db_url, dir, sizeof(dir));
    return app_bundle_archive(api_ctx(r), api->ledger, NULL, dir, api_principal(r), case_id, step,
                              out, &info, err);
}
