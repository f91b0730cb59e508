/* common: options and set-up shared by the data commands. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/app.h"
#include "cli.h"
#include "store/store.h"

const char *cli_root(const char *given)
{
    static char exe_root[PATH_MAX];
    char exe[PATH_MAX];
    const char *env;
    ssize_t n;
    if (given != NULL)
        return given;
    env = getenv("SANXIANG_ROOT");
    if (env != NULL && env[0] != '\0')
        return env;
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        for (int up = 0; up < 2; up++) {
            char *slash = strrchr(exe, '/');
            if (slash == NULL)
                break;
            *slash = '\0';
            char probe[PATH_MAX + 32];
            snprintf(probe, sizeof(probe), "%s/data/records/catalog.json", exe);
            if (access(probe, R_OK) == 0) {
                snprintf(exe_root, sizeof(exe_root), "%s", exe);
                return exe_root;
            }
        }
    }
    return ".";
}

static int take_value(int *i, int argc, char **argv, const char *name, const char **out)
{
    size_t len = strlen(name);
    if (strcmp(argv[*i], name) == 0) {
        if (*i + 1 >= argc) {
            fprintf(stderr, "sanxiang: 选项 %s 需要一个值\n", name);
            return -1;
        }
        *out = argv[*i + 1];
        return 2;
    }
    if (strncmp(argv[*i], name, len) == 0 && argv[*i][len] == '=') {
        *out = argv[*i] + len + 1;
        return 1;
    }
    return 0;
}

int cli_take_common(int argc, char **argv, struct cli_common *c)
{
    int out = 0;
    c->db = CLI_DEFAULT_DB;
    c->root = NULL;
    for (int i = 0; i < argc;) {
        int used = take_value(&i, argc, argv, "--db", &c->db);
        if (used == 0)
            used = take_value(&i, argc, argv, "--root", &c->root);
        if (used < 0)
            return -1;
        if (used == 0) {
            argv[out++] = argv[i];
            i++;
        } else {
            i += used;
        }
    }
    argv[out] = NULL;
    return out;
}

static int is_pg_url(const char *url)
{
    return strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0;
}

int cli_open(const struct cli_common *c, struct app **app, struct app_ctx *ctx)
{
    struct sx_err err;
    int rc;
    sx_err_clear(&err);
    *app = NULL;
    memset(ctx, 0, sizeof(*ctx));
    if (strcmp(c->db, CLI_DEFAULT_DB) == 0 && mkdir("var", 0750) != 0 && errno != EEXIST) {
        fprintf(stderr, "sanxiang: 无法创建目录 var: %s\n", strerror(errno));
        return CLI_EXIT_STORE;
    }
    if (!is_pg_url(c->db) && c->db[0] == '\0') {
        fprintf(stderr, "sanxiang: --db 不能为空\n");
        return CLI_EXIT_USAGE;
    }
    rc = app_open(cli_root(c->root), app, &err);
    if (rc == 0)
        rc = app_ctx_open(*app, c->db, ctx, &err);
    if (rc != 0) {
        int code = cli_report(&err);
        cli_close(*app, ctx);
        *app = NULL;
        return code;
    }
    return 0;
}

void cli_close(struct app *app, struct app_ctx *ctx)
{
    if (ctx->db != NULL || ctx->arena != NULL)
        app_ctx_close(ctx);
    app_close(app);
}

int cli_parse_opts(int argc, char **argv, int first, const struct cli_opt *opts, const char *usage)
{
    int npos = 0;
    for (int i = first; i < argc; i++) {
        const struct cli_opt *o = NULL;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage, stdout);
            return -2;
        }
        if (strncmp(argv[i], "--", 2) != 0) {
            argv[first + npos++] = argv[i];
            continue;
        }
        for (const struct cli_opt *p = opts; p->name != NULL; p++) {
            if (strcmp(argv[i], p->name) == 0)
                o = p;
        }
        if (o == NULL) {
            fprintf(stderr, "sanxiang: 未知选项 %s\n%s", argv[i], usage);
            return -1;
        }
        if (o->value == NULL) {
            *o->flag = 1;
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "sanxiang: 选项 %s 需要一个值\n%s", argv[i], usage);
            return -1;
        }
        *o->value = argv[++i];
    }
    return npos;
}

int cli_check_schema(struct app_ctx *ctx)
{
    struct sx_err err;
    sx_err_clear(&err);
    if (st_schema_check(ctx->db, &err) != 0)
        return cli_report(&err);
    return 0;
}
