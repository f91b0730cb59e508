/*
 * sanxiang policy: jurisdiction rule presets (policy/NAME.json, core/policy.h).
 *
 *   sanxiang policy check FILE     validate a policy file, every problem with its line
 *   sanxiang policy list           the presets shipped in ROOT/policy with their titles
 *   sanxiang policy show NAME      a preset merged over its extends chain, as JSON
 *
 * Also the file reader that resolves "extends" for the CLI (cli_policy_load),
 * shared with `sanxiang review-scope`.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app/files.h"
#include "cli.h"
#include "core/policy.h"
#include "sx_buf.h"

#define POLICY_FILE_MAX (4u << 20)
#define PRESETS_MAX 256

static const char usage[] =
    "用法: sanxiang policy check 文件\n"
    "      sanxiang policy list [--root 目录]\n"
    "      sanxiang policy show 名称 [--root 目录]\n"
    "\n"
    "  check  校验规则文件：逐条列出问题及所在行（文件:行: 说明），无误时输出摘要。\n"
    "         文件继承（extends）的上级规则集从同一目录读取（名称.json）。\n"
    "  list   列出 根目录/policy 中的规则预设及其名称、上级规则集和审核规则条数\n"
    "  show   输出合并上级规则后的完整规则集（JSON，每项附出处）\n"
    "\n"
    "规则文件的格式见 src/core/policy.h；金额以元为单位（整数）。\n"
    "退出码: 0 无误，2 用法错误，3 规则文件有误，4 无法读取文件。\n";

int cli_policy_load(const char *root, const char *name, struct pol_policy **out, struct sx_err *err)
{
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s/policy", root);
    return app_policy_load_dir(dir, name, out, err);
}

struct check_out {
    const char *file;
    int n;
};

static void print_diag(void *ctx, const struct pol_diag *d)
{
    struct check_out *o = ctx;
    if (d->column > 0)
        fprintf(stderr, "%s:%d:%d: %s", o->file, d->line, d->column, d->err.detail);
    else if (d->line > 0)
        fprintf(stderr, "%s:%d: %s", o->file, d->line, d->err.detail);
    else
        fprintf(stderr, "%s: %s", o->file, d->err.detail);
    if (d->err.source[0] != '\0')
        fprintf(stderr, "（依据: %s）", d->err.source);
    fputc('\n', stderr);
    o->n++;
}

static int policy_check(const char *file)
{
    char dir[4096];
    const char *slash = strrchr(file, '/');
    struct sx_buf text;
    struct sx_err err;
    struct pol_loader loader;
    struct check_out o = {file, 0};
    struct pol_policy *pol = NULL;
    int n;
    int rc;
    if (slash == NULL)
        snprintf(dir, sizeof(dir), ".");
    else
        snprintf(dir, sizeof(dir), "%.*s", (int)(slash - file), file);
    app_policy_loader(&loader, dir);
    sx_err_clear(&err);
    sx_buf_init(&text, POLICY_FILE_MAX);
    rc = app_file_read(file, &text, &err);
    if (rc != 0) {
        sx_buf_free(&text);
        return cli_report(&err);
    }
    n = pol_check(text.data, text.len, &loader, print_diag, &o);
    if (n < 0) {
        sx_buf_free(&text);
        fprintf(stderr, "sanxiang: 内存不足\n");
        return CLI_EXIT_STORE;
    }
    if (n > 0) {
        fprintf(stderr, "%s: 规则文件有误，共 %d 处\n", file, n);
        sx_buf_free(&text);
        return CLI_EXIT_INPUT;
    }
    rc = pol_load(text.data, text.len, &loader, &pol, &err);
    sx_buf_free(&text);
    if (rc != 0)
        return cli_report(&err);
    printf("%s: 规则集 %s（%s）无误", file, pol_name(pol), pol_title(pol));
    if (pol_extends(pol) != NULL)
        printf("，继承 %s", pol_extends(pol));
    printf("；审核规则 %zu 条，审核机构 %zu 个，送审材料 %zu 项\n", pol_rule_count(pol),
           pol_body_count(pol), pol_material_count(pol));
    pol_free(pol);
    return CLI_EXIT_OK;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int policy_list(const char *root)
{
    char dir[4096];
    char *names[PRESETS_MAX];
    size_t n = 0;
    int bad = 0;
    struct dirent *de;
    DIR *d;
    snprintf(dir, sizeof(dir), "%s/policy", root);
    d = opendir(dir);
    if (d == NULL) {
        fprintf(stderr, "sanxiang: 无法读取目录 %s\n", dir);
        return CLI_EXIT_STORE;
    }
    while ((de = readdir(d)) != NULL && n < PRESETS_MAX) {
        size_t len = strlen(de->d_name);
        if (len <= 5 || strcmp(de->d_name + len - 5, ".json") != 0)
            continue;
        names[n] = strndup(de->d_name, len - 5);
        if (names[n] != NULL)
            n++;
    }
    closedir(d);
    qsort(names, n, sizeof(names[0]), cmp_names);
    for (size_t i = 0; i < n; i++) {
        struct pol_policy *pol = NULL;
        struct sx_err err;
        sx_err_clear(&err);
        if (cli_policy_load(root, names[i], &pol, &err) != 0) {
            printf("%-20s （有误：%s）\n", names[i], err.detail);
            bad = 1;
        } else {
            printf("%-20s %s%s%s，审核规则 %zu 条\n", names[i], pol_title(pol),
                   pol_extends(pol) != NULL ? "，继承 " : "",
                   pol_extends(pol) != NULL ? pol_extends(pol) : "", pol_rule_count(pol));
        }
        pol_free(pol);
        free(names[i]);
    }
    return bad ? CLI_EXIT_INPUT : CLI_EXIT_OK;
}

static int policy_show(const char *root, const char *name)
{
    struct pol_policy *pol = NULL;
    struct sx_err err;
    json_t *j;
    int rc;
    sx_err_clear(&err);
    rc = cli_policy_load(root, name, &pol, &err);
    if (rc != 0)
        return cli_report(&err);
    j = pol_to_json(pol);
    pol_free(pol);
    if (j == NULL || json_dumpf(j, stdout, JSON_INDENT(2)) != 0) {
        json_decref(j);
        fprintf(stderr, "sanxiang: 内存不足\n");
        return CLI_EXIT_STORE;
    }
    fputc('\n', stdout);
    json_decref(j);
    return CLI_EXIT_OK;
}

int cli_policy(int argc, char **argv)
{
    const char *root = NULL;
    const struct cli_opt opts[] = {{"--root", &root, NULL}, {NULL, NULL, NULL}};
    int npos = cli_parse_opts(argc, argv, 1, opts, usage);
    if (npos == -2)
        return CLI_EXIT_OK;
    if (npos < 0)
        return CLI_EXIT_USAGE;
    if (npos == 2 && strcmp(argv[1], "check") == 0)
        return policy_check(argv[2]);
    if (npos == 1 && strcmp(argv[1], "list") == 0)
        return policy_list(cli_root(root));
    if (npos == 2 && strcmp(argv[1], "show") == 0)
        return policy_show(cli_root(root), argv[2]);
    fputs(usage, stderr);
    return CLI_EXIT_USAGE;
}
