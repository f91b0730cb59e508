/* app: loading rule data, per-thread contexts, the clock, role and kind names. */
#include "app.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/documents.h"
#include "app/files.h"
#include "core/cal.h"
#include "core/catalog.h"
#include "core/policy.h"
#include "core/wf.h"
#include "store/store.h"
#include "sx_buf.h"

static const char *const role_names[] = {"officer",   "reviewer",   "head", "publisher",
                                         "archivist", "supervisor", "admin"};
#define ROLE_COUNT (sizeof(role_names) / sizeof(role_names[0]))

static const char *const kind_names[APP_KIND_COUNT] = {"penalty", "inspection", "coercion"};

int app_roles_parse(const char *text, unsigned *out, struct sx_err *err)
{
    unsigned bits = 0;
    const char *p = text;
    *out = 0;
    while (*p != '\0') {
        const char *end = strchr(p, ',');
        size_t n = end != NULL ? (size_t)(end - p) : strlen(p);
        size_t i;
        for (i = 0; i < ROLE_COUNT; i++) {
            if (strlen(role_names[i]) == n && strncmp(p, role_names[i], n) == 0)
                break;
        }
        if (i == ROLE_COUNT)
            return SX_FAIL(err, SX_E_INVALID, "unknown-role", "角色无效", "DESIGN §6", "roles",
                           "未知角色“%.*s”，可选: officer, reviewer, head, publisher, archivist, "
                           "supervisor, admin",
                           (int)(n > 40 ? 40 : n), p);
        bits |= 1u << i;
        p += n;
        if (*p == ',')
            p++;
    }
    *out = bits;
    return 0;
}

const char *app_roles_format(unsigned roles, char out[APP_ROLES_TEXT_MAX])
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < ROLE_COUNT; i++) {
        if ((roles & (1u << i)) == 0)
            continue;
        int n = snprintf(out + len, APP_ROLES_TEXT_MAX - len, "%s%s", len > 0 ? "," : "",
                         role_names[i]);
        if (n < 0 || (size_t)n >= APP_ROLES_TEXT_MAX - len)
            break;
        len += (size_t)n;
    }
    return out;
}

int app_kind_parse(const char *text, enum app_kind *out, struct sx_err *err)
{
    for (int k = 0; k < APP_KIND_COUNT; k++) {
        if (text != NULL && strcmp(text, kind_names[k]) == 0) {
            *out = (enum app_kind)k;
            return 0;
        }
    }
    return SX_FAIL(
        err, SX_E_INVALID, "unknown-kind", "案件类型无效", "DESIGN §3", "kind",
        "案件类型须为 penalty（行政处罚）、inspection（行政检查）或 coercion（行政强制）");
}

const char *app_kind_name(enum app_kind k)
{
    return (k >= 0 && k < APP_KIND_COUNT) ? kind_names[k] : "?";
}

static void format_time(time_t t, char out[21])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static time_t now_time(struct app_ctx *ctx)
{
    if (ctx->fixed_now != NULL) {
        struct tm tm;
        memset(&tm, 0, sizeof(tm));
        if (strptime(ctx->fixed_now, "%Y-%m-%dT%H:%M:%SZ", &tm) != NULL)
            return timegm(&tm);
    }
    return time(NULL);
}

const char *app_now(struct app_ctx *ctx)
{
    return app_time_offset(ctx, 0);
}

const char *app_time_offset(struct app_ctx *ctx, long seconds)
{
    char buf[21];
    format_time(now_time(ctx) + seconds, buf);
    return sx_arena_strdup(ctx->arena, buf);
}

const char *app_today(struct app_ctx *ctx)
{
    /* Bureaus count days in China Standard Time (UTC+8, no DST). */
    char buf[11];
    struct tm tm;
    time_t t = now_time(ctx) + 8 * 3600;
    gmtime_r(&t, &tm);
    strftime(buf, sizeof(buf), "%Y-%m-%d", &tm);
    return sx_arena_strdup(ctx->arena, buf);
}

static int load_workflows(struct app *app, struct sx_err *err)
{
    for (int k = 0; k < APP_KIND_COUNT; k++) {
        char path[4096];
        struct sx_buf text;
        int rc;
        snprintf(path, sizeof(path), "%s/data/workflows/%s.json", app->data_dir, kind_names[k]);
        sx_buf_init(&text, 4u << 20);
        rc = app_file_read(path, &text, err);
        if (rc == 0)
            rc = wf_load(text.data, text.len, &app->workflows[k], err);
        sx_buf_free(&text);
        if (rc == 0)
            rc = wf_check_against_catalog(app->workflows[k], app->catalog, err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every policy/NAME.json; a broken preset stops the start with its error. */
static int load_presets(struct app *app, struct sx_err *err)
{
    char dir[4096];
    char *names[256];
    size_t n = 0;
    int rc = 0;
    DIR *d;
    struct dirent *e;
    snprintf(dir, sizeof(dir), "%s/policy", app->data_dir);
    d = opendir(dir);
    if (d == NULL)
        return SX_FAIL(err, SX_E_IO, "policy-dir-unreadable", "无法读取规则预设目录", NULL, NULL,
                       "%s: %s", dir, strerror(errno));
    while (n < sizeof(names) / sizeof(names[0]) && (e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0)
            names[n++] = strndup(e->d_name, len - 5);
    }
    closedir(d);
    qsort(names, n, sizeof(names[0]), compare_names);
    app->presets = calloc(n + 1, sizeof(*app->presets));
    if (app->presets == NULL)
        rc = SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", NULL, NULL, "presets");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (names[i] == NULL) {
            rc = SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", NULL, NULL, "presets");
            break;
        }
        rc = app_policy_load_dir(dir, names[i], &app->presets[app->n_presets], err);
        if (rc == 0)
            app->n_presets++;
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    if (rc == 0) {
        app->policy = (struct pol_policy *)app_policy_find(app, "national");
        if (app->policy == NULL)
            rc = SX_FAIL(err, SX_E_IO, "policy-missing", "缺少全国默认规则预设", NULL, NULL,
                         "%s/national.json", dir);
    }
    return rc;
}

const struct pol_policy *app_policy_find(const struct app *app, const char *name)
{
    for (size_t i = 0; name != NULL && i < app->n_presets; i++) {
        if (strcmp(pol_name(app->presets[i]), name) == 0)
            return app->presets[i];
    }
    return NULL;
}

int app_policy_for_org(struct app_ctx *ctx, int64_t org_id, const struct pol_policy **out,
                       struct sx_err *err)
{
    struct st_org org;
    int rc = st_org_get(ctx->db, org_id, ctx->arena, &org, err);
    if (rc != 0)
        return rc;
    *out = app_policy_find(ctx->app, org.policy);
    if (*out == NULL)
        *out = ctx->app->policy;
    return 0;
}

static int load_catalog_and_policy(struct app *app, struct sx_err *err)
{
    char path[4096];
    struct sx_buf text;
    int rc;
    sx_buf_init(&text, 8u << 20);
    snprintf(path, sizeof(path), "%s/data/records/catalog.json", app->data_dir);
    rc = app_file_read(path, &text, err);
    if (rc == 0)
        rc = cat_load(text.data, text.len, &app->catalog, err);
    sx_buf_free(&text);
    if (rc == 0)
        rc = load_presets(app, err);
    return rc;
}

int app_open(const char *root, struct app **out, struct sx_err *err)
{
    struct app *app = calloc(1, sizeof(*app));
    char path[4096];
    int rc;
    if (app == NULL)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", NULL, NULL, "app");
    app->data_dir = strdup(root);
    snprintf(path, sizeof(path), "%s/docs/openapi.json", root);
    app->openapi_path = strdup(path);
    app->calendar = cal_calendar_new();
    if (app->data_dir == NULL || app->openapi_path == NULL || app->calendar == NULL) {
        rc = SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", NULL, NULL, "app");
        goto fail;
    }
    rc = load_catalog_and_policy(app, err);
    if (rc != 0)
        goto fail;
    rc = load_workflows(app, err);
    if (rc != 0)
        goto fail;
    rc = app_templates_load(app, err);
    if (rc != 0)
        goto fail;
    snprintf(path, sizeof(path), "%s/data/calendar", root);
    rc = app_calendar_load_dir(app->calendar, path, err);
    if (rc != 0)
        goto fail;
    *out = app;
    return 0;
fail:
    app_close(app);
    return rc;
}

void app_close(struct app *app)
{
    if (app == NULL)
        return;
    for (int k = 0; k < APP_KIND_COUNT; k++)
        wf_free(app->workflows[k]);
    app_templates_free(app);
    cat_free(app->catalog);
    for (size_t i = 0; i < app->n_presets; i++)
        pol_free(app->presets[i]);
    free(app->presets);
    cal_calendar_free(app->calendar);
    free(app->openapi_path);
    free(app->data_dir);
    free(app);
}

int app_ctx_open(const struct app *app, const char *db_url, struct app_ctx *ctx, struct sx_err *err)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->app = app;
    sx_arena_init(&ctx->own_arena, 64 * 1024);
    ctx->arena = &ctx->own_arena;
    return st_open(db_url, &ctx->db, err);
}

#define FLAGS_SLOTS 256 /* direct-mapped by case id; a miss costs one parse */

struct app_flags_slot {
    int64_t case_id;
    char *text;
    json_t *parsed;
};

json_t *app_case_flags(struct app_ctx *ctx, int64_t case_id, const char *text)
{
    struct app_flags_slot *slot;
    json_t *parsed;
    if (text == NULL)
        return NULL;
    if (ctx->flags_cache == NULL)
        ctx->flags_cache = calloc(FLAGS_SLOTS, sizeof(*ctx->flags_cache));
    slot = ctx->flags_cache != NULL ? &ctx->flags_cache[(uint64_t)case_id % FLAGS_SLOTS] : NULL;
    if (slot != NULL && slot->parsed != NULL && slot->case_id == case_id &&
        strcmp(slot->text, text) == 0)
        return json_incref(slot->parsed);
    parsed = json_loads(text, 0, NULL);
    if (!json_is_object(parsed)) {
        json_decref(parsed);
        return NULL;
    }
    if (slot != NULL) {
        char *copy = strdup(text);
        if (copy != NULL) {
            free(slot->text);
            json_decref(slot->parsed);
            slot->case_id = case_id;
            slot->text = copy;
            slot->parsed = json_incref(parsed);
        }
    }
    return parsed;
}

static void flags_cache_free(struct app_flags_slot *slots)
{
    for (size_t i = 0; slots != NULL && i < FLAGS_SLOTS; i++) {
        free(slots[i].text);
        json_decref(slots[i].parsed);
    }
    free(slots);
}

void app_ctx_close(struct app_ctx *ctx)
{
    flags_cache_free(ctx->flags_cache);
    ctx->flags_cache = NULL;
    st_close(ctx->db);
    ctx->db = NULL;
    sx_arena_free(&ctx->own_arena);
    ctx->arena = NULL;
}

int app_setting_set(struct app_ctx *ctx, const char *key, const char *value, struct sx_err *err)
{
    int rc = st_begin(ctx->db, err);
    if (rc == 0)
        rc = st_setting_set(ctx->db, key, value, app_now(ctx), err);
    if (rc == 0)
        rc = st_commit(ctx->db, err);
    if (rc != 0)
        (void)st_rollback(ctx->db, NULL);
    return rc;
}

int app_policy_exists(const struct app *app, const char *name, struct sx_err *err)
{
    char shown[48];
    if (app_policy_find(app, name) != NULL)
        return 0;
    return SX_FAIL(err, SX_E_INVALID, "unknown-policy", "规则预设不存在", NULL, "policy",
                   "没有名为 %s 的规则预设（policy/ 目录）", sx_clip(shown, sizeof(shown), name));
}
