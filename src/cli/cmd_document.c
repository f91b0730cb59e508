/*
 * sanxiang document: enforcement document templates and PDFs (issue 5 point 4).
 *
 *   sanxiang document check FILE...                 check template files against the catalogue
 *   sanxiang document list                          the templates in ROOT/data/templates
 *   sanxiang document render --case ID --template KEY --out FILE [--db URL]
 *                                                    an unsigned preview PDF, recording nothing
 *
 * Issuing (numbered, signed, recorded) goes through the API, as a user with a
 * role: POST /api/v1/cases/{id}/documents.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/documents.h"
#include "app/files.h"
#include "cli.h"
#include "core/catalog.h"
#include "core/tpl.h"
#include "sx_buf.h"

static const char usage[] =
    "用法: sanxiang document check 模板文件...\n"
    "      sanxiang document list [--root 目录]\n"
    "      sanxiang document render --case 案件编号 --template 模板 --out 文件 [--db URL]\n"
    "\n"
    "  check   按记录类型目录校验文书模板（KEY.tpl）：未知占位符、标记错误等，报出文件与行号\n"
    "  list    列出 根目录/data/templates 中的文书模板\n"
    "  render  按模板用案件信息生成预览 PDF（不编号、不签章、不记入案件记录）；\n"
    "          正式制作文书请用 POST /api/v1/cases/{id}/documents\n"
    "\n"
    "模板格式见 docs/documents.md。退出码: 0 成功，2 用法错误，3 模板或数据有误，4 "
    "文件或数据库错误。\n";

static int load_catalog(const char *root, struct cat_catalog **cat)
{
    char path[4096];
    struct sx_buf text;
    struct sx_err err;
    sx_err_clear(&err);
    sx_buf_init(&text, CAT_TEXT_MAX + 1);
    snprintf(path, sizeof(path), "%s/data/records/catalog.json", root);
    int rc = app_file_read(path, &text, &err);
    if (rc == 0)
        rc = cat_load(text.data, text.len, cat, &err);
    sx_buf_free(&text);
    return rc != 0 ? cli_report(&err) : 0;
}

static int check_files(const char *root, int n, char **files)
{
    struct cat_catalog *cat = NULL;
    int bad = 0;
    int rc = load_catalog(root, &cat);
    if (rc != 0)
        return rc;
    for (int i = 0; i < n; i++) {
        struct sx_buf text;
        struct sx_err err;
        struct tpl_template *t = NULL;
        char key[TPL_KEY_MAX + 8];
        const char *base = strrchr(files[i], '/');
        base = base != NULL ? base + 1 : files[i];
        size_t len = strlen(base);
        if (len > 4 && strcmp(base + len - 4, ".tpl") == 0)
            len -= 4;
        snprintf(key, sizeof(key), "%.*s", (int)(len < TPL_KEY_MAX ? len : TPL_KEY_MAX), base);
        sx_err_clear(&err);
        sx_buf_init(&text, TPL_TEXT_MAX + 1);
        rc = app_file_read(files[i], &text, &err);
        if (rc == 0)
            rc = tpl_load(cat, key, text.data, text.len, &t, &err);
        if (rc == 0) {
            const struct tpl_info *info = tpl_info(t);
            printf("%s: 无误（%s%s%s）\n", files[i], info->title,
                   info->number_word != NULL ? "，文号类别 " : "",
                   info->number_word != NULL ? info->number_word : "");
        } else {
            fprintf(stderr, "%s: %s\n", files[i], err.detail);
            bad = rc == SX_E_IO ? CLI_EXIT_STORE : CLI_EXIT_INPUT;
        }
        tpl_free(t);
        sx_buf_free(&text);
    }
    cat_free(cat);
    return bad;
}

static int list_templates(const struct cli_common *common)
{
    struct app *app = NULL;
    struct sx_err err;
    sx_err_clear(&err);
    if (app_open(cli_root(common->root), &app, &err) != 0)
        return cli_report(&err);
    for (size_t i = 0; i < app->n_templates; i++) {
        const struct tpl_info *t = tpl_info(app->templates[i]);
        printf("%-24s %s\n", t->key, t->title);
    }
    app_close(app);
    return CLI_EXIT_OK;
}

static int render(const struct cli_common *common, const char *case_id, const char *key,
                  const char *out)
{
    struct app *app = NULL;
    struct app_ctx ctx;
    struct sx_err err;
    struct sx_buf pdf;
    char *end = NULL;
    long long id = strtoll(case_id, &end, 10);
    if (end == case_id || *end != '\0' || id <= 0) {
        fprintf(stderr, "sanxiang: document render: --case 须为案件编号（正整数）\n");
        return CLI_EXIT_USAGE;
    }
    int rc = cli_open(common, &app, &ctx);
    if (rc != 0)
        return rc;
    rc = cli_check_schema(&ctx);
    if (rc != 0) {
        cli_close(app, &ctx);
        return rc;
    }
    sx_err_clear(&err);
    sx_buf_init(&pdf, APP_DOC_PDF_MAX);
    if (app_document_preview(&ctx, id, key, &pdf, &err) != 0) {
        rc = cli_report(&err);
    } else {
        FILE *f = fopen(out, "wb");
        if (f == NULL || fwrite(pdf.data, 1, pdf.len, f) != pdf.len || fclose(f) != 0) {
            fprintf(stderr, "sanxiang: document render: 无法写入 %s\n", out);
            rc = CLI_EXIT_STORE;
        } else {
            printf("%s（%zu 字节，预览）\n", out, pdf.len);
        }
    }
    sx_buf_free(&pdf);
    cli_close(app, &ctx);
    return rc;
}

int cli_document(int argc, char **argv)
{
    struct cli_common common;
    const char *case_id = NULL, *key = NULL, *out = NULL;
    argc = cli_take_common(argc, argv, &common);
    if (argc < 0)
        return CLI_EXIT_USAGE;
    if (argc < 2) {
        fputs(usage, stderr);
        return CLI_EXIT_USAGE;
    }
    const char *sub = argv[1];
    const struct cli_opt opts[] = {{"--case", &case_id, NULL},
                                   {"--template", &key, NULL},
                                   {"--out", &out, NULL},
                                   {NULL, NULL, NULL}};
    int npos = cli_parse_opts(argc, argv, 2, opts, usage);
    if (npos == -2)
        return CLI_EXIT_OK;
    if (npos < 0)
        return CLI_EXIT_USAGE;
    if (strcmp(sub, "check") == 0 && npos > 0)
        return check_files(cli_root(common.root), npos, argv + 2);
    if (strcmp(sub, "list") == 0 && npos == 0)
        return list_templates(&common);
    if (strcmp(sub, "render") == 0 && npos == 0 && case_id != NULL && key != NULL && out != NULL)
        return render(&common, case_id, key, out);
    fputs(usage, stderr);
    return CLI_EXIT_USAGE;
}
