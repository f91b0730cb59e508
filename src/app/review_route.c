/* review_route: the org that provides each reviewing body, from installation settings. */
#include "review_route.h"

#include <stdio.h>
#include <string.h>

#include "store/store.h"

#define SRC_ROUTE "北京 二(三)2 (BJ-2.3-2a, BJ-2.3-2b); 行政处罚法 第五十八条"

static int setting_key(char *buf, size_t cap, const char *org_code, const char *body,
                       struct sx_err *err)
{
    int n = snprintf(buf, cap, "review_body.%s.%s", org_code, body);
    if (n < 0 || (size_t)n >= cap)
        return SX_FAIL(err, SX_E_INVALID, "review-body-too-long", "机构编码或审核机构键过长", NULL,
                       "body", "“%s”与“%s”合计超过 %zu 字节", org_code, body, cap - 20);
    return 0;
}

static int org_by_code(struct app_ctx *ctx, const char *code, const char *field, struct st_org *out,
                       struct sx_err *err)
{
    int rc = st_org_get_by_code(ctx->db, code != NULL ? code : "", ctx->arena, out, err);
    if (rc == SX_E_NOTFOUND)
        return SX_FAIL(err, SX_E_INVALID, "unknown-org", "机构不存在", NULL, field,
                       "没有编码为 %s 的机构", code != NULL ? code : "（空）");
    return rc;
}

int app_review_body_set(struct app_ctx *ctx, const char *org_code, const char *body,
                        const char *provider_code, struct sx_err *err)
{
    struct st_org org;
    struct st_org provider;
    const struct pol_policy *pol = NULL;
    char key[256];
    int rc = org_by_code(ctx, org_code, "org", &org, err);
    if (rc == 0)
        rc = org_by_code(ctx, provider_code, "provider", &provider, err);
    if (rc == 0)
        rc = app_policy_for_org(ctx, org.id, &pol, err);
    if (rc != 0)
        return rc;
    if (body == NULL || pol_body_find(pol, body) == NULL)
        return SX_FAIL(err, SX_E_INVALID, "unknown-review-body", "规则预设中没有该审核机构",
                       SRC_ROUTE, "body", "机构 %s 适用的规则预设 %s 没有审核机构“%s”", org.code,
                       pol_name(pol), body != NULL ? body : "（空）");
    rc = setting_key(key, sizeof(key), org.code, body, err);
    if (rc != 0)
        return rc;
    return app_setting_set(ctx, key, provider.code, err);
}

int app_review_body_org(struct app_ctx *ctx, int64_t case_org_id, const char *body,
                        int64_t *provider_org_id, struct sx_err *err)
{
    int64_t org_id = case_org_id;
    *provider_org_id = case_org_id;
    if (body == NULL)
        return 0;
    for (int depth = 0; depth < APP_REVIEW_ROUTE_DEPTH && org_id != 0; depth++) {
        struct st_org org;
        struct st_org provider;
        const char *value = NULL;
        struct sx_err ignored;
        char key[256];
        int rc = st_org_get(ctx->db, org_id, ctx->arena, &org, err);
        if (rc == 0)
            rc = setting_key(key, sizeof(key), org.code, body, err);
        if (rc != 0)
            return rc;
        rc = st_setting_get(ctx->db, key, ctx->arena, &value, &ignored);
        if (rc == SX_E_NOTFOUND) {
            org_id = org.parent_id;
            continue;
        }
        if (rc != 0) {
            if (err != NULL)
                *err = ignored;
            return rc;
        }
        rc = st_org_get_by_code(ctx->db, value, ctx->arena, &provider, err);
        if (rc == SX_E_NOTFOUND)
            return SX_FAIL(err, SX_E_INVALID, "review-body-misconfigured", "审核机构设置有误",
                           SRC_ROUTE, "body", "机构 %s 的审核机构“%s”指向不存在的机构 %s", org.code,
                           body, value);
        if (rc != 0)
            return rc;
        *provider_org_id = provider.id;
        return 0;
    }
    return 0;
}
