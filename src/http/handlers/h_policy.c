/*
 * h_policy: rule presets over HTTP — the legal-review scope check
 * (POST /api/v1/review-scope, core/scope.h) and the read-only view of a
 * preset with every value's source (GET /api/v1/policies/{name}).
 *
 * The presets are the ones the app loaded at start (app_policy_find), the
 * same the workflow gate uses; restart the server after editing a preset.
 */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "app/files.h"
#include "core/policy.h"
#include "core/scope.h"

#define POLICY_NAME_MAX 64

/* A loaded preset; SX_E_NOTFOUND "unknown-policy" if there is none. */
static int find_preset(const struct app *app, const char *name, const struct pol_policy **out,
                       struct sx_err *err)
{
    char shown[POLICY_NAME_MAX + 1];
    *out = app_policy_find(app, name);
    if (*out != NULL)
        return 0;
    return SX_FAIL(err, SX_E_NOTFOUND, "unknown-policy", "规则预设不存在", "", "policy",
                   "没有名为 %s 的规则预设", sx_clip(shown, sizeof(shown), name));
}

static const struct http_field scope_fields[] = {
    {"policy", HTTP_F_STRING, 1, POLICY_NAME_MAX},
    {"case", HTTP_F_OBJECT, 1, 16},
    {NULL, HTTP_F_ANY, 0, 0},
};

int api_review_scope(struct http_req *r, struct sx_err *err)
{
    const struct app *app = api_ctx(r)->app;
    const struct pol_policy *pol = NULL;
    struct scope_case sc;
    struct scope_result res;
    json_t *in = NULL;
    json_t *out = NULL;
    int rc = http_body_json(r, scope_fields, &in, err);
    if (rc == 0) {
        rc = scope_case_from_json(json_object_get(in, "case"), &sc, err);
        if (rc != 0) {
            char key[64];
            sx_clip(key, sizeof(key), err->field); /* case keys are short */
            snprintf(err->field, sizeof(err->field), "case.%s", key);
        }
    }
    if (rc == 0) {
        rc = find_preset(app, api_get_str(in, "policy"), &pol, err);
        if (rc == SX_E_NOTFOUND) { /* a bad member of the body, not a missing resource */
            rc = SX_E_INVALID;
            err->code = rc;
            err->status = sx_code_status(rc);
        }
    }
    if (rc == 0) {
        scope_evaluate(pol, &sc, &res);
        out = scope_result_json(&res);
        if (out == NULL)
            rc = SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "审核范围");
    }
    if (rc != 0)
        return api_done(r, rc, err);
    return http_send_json(r, 200, out, err);
}

int api_policy_get(struct http_req *r, struct sx_err *err)
{
    const struct pol_policy *pol = NULL;
    json_t *out = NULL;
    const char *name = http_param(r, "name");
    int rc = find_preset(api_ctx(r)->app, name != NULL ? name : "", &pol, err);
    if (rc == 0) {
        out = pol_to_json(pol);
        if (out == NULL)
            rc = SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "规则预设");
    }
    if (rc != 0)
        return api_done(r, rc, err);
    return http_send_json(r, 200, out, err);
}
