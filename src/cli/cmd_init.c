/* init: create or upgrade the database schema and load the bundled calendar. */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "app/calendar.h"
#include "app/files.h"
#include "app/ledger.h"
#include "cli.h"
#include "core/policy.h"
#include "ledger/crypto.h"
#include "store/store.h"

static const char usage[] =
    "用法: sanxiang init [--db URL] [--policy NAME] [--root DIR]\n"
    "  创建或升级数据库结构（按版本号依次执行迁移），并导入随附的节假日安排。\n"
    "  --db      SQLite 文件路径（默认 var/sanxiang.db）或 postgresql:// 连接串\n"
    "  --policy  默认规则预设（policy/NAME.json，默认 national）\n"
    "  --key     全局账本 SM2 私钥文件（不存在则生成，权限 0600；默认为数据库同目录的\n"
    "            ledger-key.pem，PostgreSQL 为 var/ledger-key.pem）\n";

static int check_policy(const char *root, const char *name)
{
    char dir[4096];
    struct sx_err err;
    struct pol_policy *pol = NULL;
    int rc;
    sx_err_clear(&err);
    snprintf(dir, sizeof(dir), "%s/policy", root);
    rc = app_policy_load_dir(dir, name, &pol, &err);
    pol_free(pol);
    return rc != 0 ? cli_report(&err) : 0;
}

int cli_init(int argc, char **argv)
{
    struct cli_common common;
    struct app *app = NULL;
    struct app_ctx ctx;
    struct sx_err err;
    const char *policy = "national";
    const char *key_opt = NULL;
    int applied = 0;
    int years = 0;
    int rc;
    argc = cli_take_common(argc, argv, &common);
    if (argc < 0)
        return CLI_EXIT_USAGE;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            fputs(usage, stdout);
            return CLI_EXIT_OK;
        } else if (strcmp(argv[i], "--policy") == 0 && i + 1 < argc) {
            policy = argv[++i];
        } else if (strcmp(argv[i], "--key") == 0 && i + 1 < argc) {
            key_opt = argv[++i];
        } else {
            fprintf(stderr, "sanxiang: init: 未知参数 %s\n%s", argv[i], usage);
            return CLI_EXIT_USAGE;
        }
    }
    rc = check_policy(cli_root(common.root), policy);
    if (rc != 0)
        return rc;
    rc = cli_open(&common, &app, &ctx);
    if (rc != 0)
        return rc;
    sx_err_clear(&err);
    rc = st_migrate(ctx.db, &applied, &err);
    if (rc == 0)
        rc = app_calendar_import_bundled(&ctx, app->data_dir, &years, &err);
    if (rc == 0)
        rc = app_setting_set(&ctx, "default_policy", policy, &err);
    /* ledger: the instance's checkpoint key, made once */
    char key_path[4096];
    int key_created = 0;
    if (rc == 0) {
        struct lg_sm2_key *key = NULL;
        app_ledger_key_path(common.db, key_opt, key_path, sizeof(key_path));
        rc = app_ledger_key_load(key_path, 1, &key, &key_created, &err);
        lg_sm2_key_free(key);
    }
    if (rc != 0) {
        rc = cli_report(&err);
    } else {
        printf("数据库已就绪: %s（%s，执行迁移 %d 个，导入节假日年份 %d 个，默认规则 %s）\n",
               common.db, st_backend(ctx.db), applied, years, policy);
        printf("全局账本签名密钥: %s（%s）\n", key_path, key_created ? "新生成" : "已存在");
    }
    cli_close(app, &ctx);
    return rc;
}
