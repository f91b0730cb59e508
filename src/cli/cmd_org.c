/* org: add and list enforcement bodies (执法主体) of the org tree. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "app/identity.h"
#include "app/review_route.h"
#include "cli.h"
#include "store/store.h"

static const char usage[] =
    "用法: sanxiang org add --code CODE --name 名称 --short 简称 --level LEVEL [--parent CODE]\n"
    "                       [--region 区域] [--address 地址] [--head 负责人] [--phone 电话]\n"
    "                       [--supervise-phone 监督电话] [--categories 执法类别]\n"
    "                       [--qualification 主体资格依据] [--policy 规则预设] [--db URL]\n"
    "      sanxiang org list [--db URL]\n"
    "      sanxiang org review-body --org CODE --body KEY --provider CODE [--db URL]\n"
    "  LEVEL: province（省）、city（市）、county（县）、unit（执法总队等直属单位）。\n"
    "  简称用于案件编号，如“京”→ 京医保罚〔2026〕12号。\n"
    "  review-body: 规则预设中的审核机构 KEY（如北京的 municipal、corps）由机构 --provider\n"
    "  的法制审核人员组成，适用于 --org 及其下级机构的案件（北京 二(三)2）。\n";

static int org_add(struct app_ctx *ctx, int argc, char **argv)
{
    struct st_org o;
    struct sx_err err;
    const char *parent = NULL;
    int64_t id = 0;
    int rc;
    memset(&o, 0, sizeof(o));
    const struct cli_opt opts[] = {
        {"--code", &o.code, NULL},
        {"--name", &o.name, NULL},
        {"--short", &o.short_name, NULL},
        {"--level", &o.level, NULL},
        {"--parent", &parent, NULL},
        {"--region", &o.region, NULL},
        {"--address", &o.address, NULL},
        {"--head", &o.head, NULL},
        {"--phone", &o.phone, NULL},
        {"--supervise-phone", &o.supervise_phone, NULL},
        {"--categories", &o.categories, NULL},
        {"--qualification", &o.qualification, NULL},
        {"--policy", &o.policy, NULL},
        {NULL, NULL, NULL},
    };
    int npos = cli_parse_opts(argc, argv, 2, opts, usage);
    if (npos == -2)
        return CLI_EXIT_OK;
    if (npos != 0) {
        if (npos > 0)
            fprintf(stderr, "sanxiang: org add: 多余的参数 %s\n", argv[2]);
        return CLI_EXIT_USAGE;
    }
    sx_err_clear(&err);
    if (parent != NULL) {
        struct st_org p;
        rc = st_org_get_by_code(ctx->db, parent, ctx->arena, &p, &err);
        if (rc == SX_E_NOTFOUND)
            rc = SX_FAIL(&err, SX_E_INVALID, "unknown-org", "上级机构不存在", NULL, "parent",
                         "没有编码为 %s 的机构", parent);
        if (rc != 0)
            return cli_report(&err);
        o.parent_id = p.id;
    }
    rc = app_org_create(ctx, NULL, &o, &id, &err);
    if (rc != 0)
        return cli_report(&err);
    printf("%" PRId64 "\n", id);
    return CLI_EXIT_OK;
}

static int org_list(struct app_ctx *ctx)
{
    struct sx_err err;
    int64_t after = 0;
    int more = 1;
    sx_err_clear(&err);
    printf("%-6s %-16s %-8s %-6s %-8s %s\n", "id", "code", "level", "简称", "上级", "名称");
    while (more) {
        struct st_org *orgs = NULL;
        size_t n = 0;
        int rc = st_org_list(ctx->db, after, ST_LIST_MAX, ctx->arena, &orgs, &n, &more, &err);
        if (rc != 0)
            return cli_report(&err);
        for (size_t i = 0; i < n; i++) {
            printf("%-6" PRId64 " %-16s %-8s %-6s %-8" PRId64 " %s\n", orgs[i].id, orgs[i].code,
                   orgs[i].level, orgs[i].short_name, orgs[i].parent_id, orgs[i].name);
            after = orgs[i].id;
        }
        if (n == 0)
            break;
    }
    return CLI_EXIT_OK;
}

/* org review-body: which org provides a reviewing body for an org's subtree (review_route.h). */
static int org_review_body(struct app_ctx *ctx, int argc, char **argv)
{
    struct sx_err err;
    const char *org = NULL;
    const char *body = NULL;
    const char *provider = NULL;
    const struct cli_opt opts[] = {
        {"--org", &org, NULL},
        {"--body", &body, NULL},
        {"--provider", &provider, NULL},
        {NULL, NULL, NULL},
    };
    int npos = cli_parse_opts(argc, argv, 2, opts, usage);
    if (npos == -2)
        return CLI_EXIT_OK;
    if (npos != 0 || org == NULL || body == NULL || provider == NULL) {
        fputs(usage, stderr);
        return CLI_EXIT_USAGE;
    }
    sx_err_clear(&err);
    if (app_review_body_set(ctx, org, body, provider, &err) != 0)
        return cli_report(&err);
    printf("%s: %s → %s\n", org, body, provider);
    return CLI_EXIT_OK;
}

int cli_org(int argc, char **argv)
{
    struct cli_common common;
    struct app *app = NULL;
    struct app_ctx ctx;
    int rc;
    argc = cli_take_common(argc, argv, &common);
    if (argc < 0)
        return CLI_EXIT_USAGE;
    if (argc < 2 || strcmp(argv[1], "--help") == 0) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
    }
    if (strcmp(argv[1], "add") != 0 && strcmp(argv[1], "list") != 0 &&
        strcmp(argv[1], "review-body") != 0) {
        fprintf(stderr, "sanxiang: org: 未知子命令 %s\n%s", argv[1], usage);
        return CLI_EXIT_USAGE;
    }
    if (argc > 2 && strcmp(argv[2], "--help") == 0) {
        fputs(usage, stdout);
        return CLI_EXIT_OK;
    }
    rc = cli_open(&common, &app, &ctx);
    if (rc != 0)
        return rc;
    rc = cli_check_schema(&ctx);
    if (rc == 0)
        rc = strcmp(argv[1], "add") == 0           ? org_add(&ctx, argc, argv)
             : strcmp(argv[1], "review-body") == 0 ? org_review_body(&ctx, argc, argv)
                                                   : org_list(&ctx);
    cli_close(app, &ctx);
    return rc;
}
