/* user: add, list and disable staff accounts (执法人员 and other roles). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "app/identity.h"
#include "cli.h"
#include "store/store.h"

static const char usage[] =
    "用法: sanxiang user add --username 用户名 --name 姓名 --org 机构编码 --roles 角色[,角色]\n"
    "                        [--cert-no 执法证号 --cert-from YYYY-MM-DD --cert-to YYYY-MM-DD]\n"
    "                        [--post 岗位] [--legal-qualification 法律职业资格证号]\n"
    "                        [--password-stdin] [--db URL]\n"
    "      sanxiang user list [--org 机构编码] [--db URL]\n"
    "      sanxiang user disable 用户名 [--db URL]\n"
    "  角色: officer（执法人员）, reviewer（法制审核）, head（负责人）, publisher（公示）,\n"
    "        archivist（归档）, supervisor（监督）, "
    "admin（系统管理）。执法人员须登记执法证号及有效期。\n"
    "  --password-stdin 从标准输入第一行读取密码（不少于 8 个字符）。\n";

static int read_password(char *buf, size_t cap)
{
    if (fgets(buf, (int)cap, stdin) == NULL)
        return -1;
    buf[strcspn(buf, "\r\n")] = '\0';
    return 0;
}

static int org_id_of(struct app_ctx *ctx, const char *code, int64_t *id)
{
    struct st_org o;
    struct sx_err err;
    int rc;
    sx_err_clear(&err);
    rc = st_org_get_by_code(ctx->db, code, ctx->arena, &o, &err);
    if (rc == SX_E_NOTFOUND)
        rc = SX_FAIL(&err, SX_E_INVALID, "unknown-org", "机构不存在", NULL, "org",
                     "没有编码为 %s 的机构", code);
    if (rc != 0)
        return cli_report(&err);
    *id = o.id;
    return 0;
}

static int user_add(struct app_ctx *ctx, int argc, char **argv)
{
    struct st_user u;
    struct sx_err err;
    const char *org = NULL;
    int pw_stdin = 0;
    char password[1100] = "";
    int64_t id = 0;
    int rc;
    memset(&u, 0, sizeof(u));
    const struct cli_opt opts[] = {
        {"--username", &u.username, NULL},
        {"--name", &u.display_name, NULL},
        {"--org", &org, NULL},
        {"--roles", &u.roles, NULL},
        {"--cert-no", &u.cert_no, NULL},
        {"--cert-from", &u.cert_valid_from, NULL},
        {"--cert-to", &u.cert_valid_to, NULL},
        {"--post", &u.post, NULL},
        {"--legal-qualification", &u.legal_qualification, NULL},
        {"--password-stdin", NULL, &pw_stdin},
        {NULL, NULL, NULL},
    };
    int npos = cli_parse_opts(argc, argv, 2, opts, usage);
    if (npos == -2)
        return CLI_EXIT_OK;
    if (npos != 0)
        return CLI_EXIT_USAGE;
    if (org == NULL || u.username == NULL || u.display_name == NULL || u.roles == NULL) {
        fprintf(stderr, "sanxiang: user add: 须提供 --username、--name、--org 和 --roles\n");
        return CLI_EXIT_USAGE;
    }
    if (!pw_stdin) {
        fprintf(stderr, "sanxiang: user add: 须用 --password-stdin 从标准输入提供密码\n");
        return CLI_EXIT_USAGE;
    }
    if (read_password(password, sizeof(password)) != 0) {
        fprintf(stderr, "sanxiang: user add: 未从标准输入读到密码\n");
        return CLI_EXIT_INPUT;
    }
    rc = org_id_of(ctx, org, &u.org_id);
    if (rc != 0)
        return rc;
    sx_err_clear(&err);
    rc = app_user_create(ctx, NULL, &u, password, &id, &err);
    memset(password, 0, sizeof(password));
    if (rc != 0)
        return cli_report(&err);
    printf("%" PRId64 "\n", id);
    return CLI_EXIT_OK;
}

static int user_list(struct app_ctx *ctx, int argc, char **argv)
{
    struct sx_err err;
    const char *org = NULL;
    int64_t org_id = 0;
    int64_t after = 0;
    int more = 1;
    const struct cli_opt opts[] = {{"--org", &org, NULL}, {NULL, NULL, NULL}};
    int npos = cli_parse_opts(argc, argv, 2, opts, usage);
    if (npos == -2)
        return CLI_EXIT_OK;
    if (npos != 0)
        return CLI_EXIT_USAGE;
    if (org != NULL && org_id_of(ctx, org, &org_id) != 0)
        return CLI_EXIT_INPUT;
    sx_err_clear(&err);
    printf("%-6s %-16s %-10s %-6s %-28s %-20s %s\n", "id", "username", "姓名", "机构", "roles",
           "执法证号", "状态");
    while (more) {
        struct st_user *users = NULL;
        size_t n = 0;
        int rc =
            st_user_list(ctx->db, org_id, after, ST_LIST_MAX, ctx->arena, &users, &n, &more, &err);
        if (rc != 0)
            return cli_report(&err);
        for (size_t i = 0; i < n; i++) {
            printf("%-6" PRId64 " %-16s %-10s %-6" PRId64 " %-28s %-20s %s\n", users[i].id,
                   users[i].username, users[i].display_name, users[i].org_id, users[i].roles,
                   users[i].cert_no != NULL ? users[i].cert_no : "-",
                   users[i].disabled ? "停用" : "启用");
            after = users[i].id;
        }
        if (n == 0)
            break;
    }
    return CLI_EXIT_OK;
}

static int user_disable(struct app_ctx *ctx, int argc, char **argv)
{
    struct sx_err err;
    struct st_user u;
    int rc;
    const struct cli_opt opts[] = {{NULL, NULL, NULL}};
    int npos = cli_parse_opts(argc, argv, 2, opts, usage);
    if (npos == -2)
        return CLI_EXIT_OK;
    if (npos != 1) {
        fprintf(stderr, "sanxiang: user disable: 须给出一个用户名\n");
        return CLI_EXIT_USAGE;
    }
    sx_err_clear(&err);
    rc = st_user_get_by_username(ctx->db, argv[2], ctx->arena, &u, &err);
    if (rc == SX_E_NOTFOUND)
        rc = SX_FAIL(&err, SX_E_NOTFOUND, "unknown-user", "用户不存在", NULL, "username",
                     "没有用户名为 %s 的用户", argv[2]);
    if (rc == 0)
        rc = app_user_set_disabled(ctx, NULL, u.id, 1, &err);
    if (rc != 0)
        return cli_report(&err);
    printf("已停用 %s\n", argv[2]);
    return CLI_EXIT_OK;
}

int cli_user(int argc, char **argv)
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
    int (*fn)(struct app_ctx *, int, char **) = NULL;
    if (strcmp(argv[1], "add") == 0)
        fn = user_add;
    else if (strcmp(argv[1], "list") == 0)
        fn = user_list;
    else if (strcmp(argv[1], "disable") == 0)
        fn = user_disable;
    if (fn == NULL) {
        fprintf(stderr, "sanxiang: user: 未知子命令 %s\n%s", argv[1], usage);
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
        rc = fn(&ctx, argc, argv);
    cli_close(app, &ctx);
    return rc;
}
