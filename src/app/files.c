/* files: reading rule-data files and calendar directories. */
#include "files.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

#include "core/cal.h"
#include "core/policy.h"

/* More year files than this in one directory is a mistake, not a calendar. */
#define APP_CALENDAR_MAX_YEARS 1000

int app_file_read(const char *path, struct sx_buf *out, struct sx_err *err)
{
    char chunk[16384];
    int rc = 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return SX_FAIL(err, SX_E_IO, "file-unreadable", "无法读取文件", NULL, NULL, "%s: %s", path,
                       strerror(errno));
    for (;;) {
        size_t n = fread(chunk, 1, sizeof(chunk), f);
        if (n > 0) {
            rc = sx_buf_append(out, chunk, n);
            if (rc != 0) {
                rc = SX_FAIL(err, SX_E_TOOBIG, "file-too-big", "文件过大", NULL, NULL,
                             "%s 超过 %zu 字节", path, out->max);
                break;
            }
        }
        if (n < sizeof(chunk)) {
            if (ferror(f))
                rc = SX_FAIL(err, SX_E_IO, "file-unreadable", "无法读取文件", NULL, NULL, "%s: %s",
                             path, strerror(errno));
            break;
        }
    }
    fclose(f);
    return rc;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A year file name: four digits and ".csv". */
static bool is_year_file(const char *name)
{
    if (strlen(name) != 8 || strcmp(name + 4, ".csv") != 0)
        return false;
    for (int i = 0; i < 4; i++) {
        if (name[i] < '0' || name[i] > '9')
            return false;
    }
    return true;
}

int app_calendar_load_dir(struct cal_calendar *cal, const char *dir, struct sx_err *err)
{
    DIR *d = NULL;
    char **names = NULL;
    size_t n_names = 0;
    struct sx_buf path, text;
    int rc = 0;

    sx_buf_init(&path, 4096);
    sx_buf_init(&text, CAL_CSV_MAX);

    d = opendir(dir);
    if (d == NULL) {
        rc = SX_FAIL(err, SX_E_IO, "calendar-dir-unreadable", "无法读取节假日安排目录", "",
                     "calendar", "%s: %s", dir, strerror(errno));
        goto cleanup;
    }
    names = calloc(APP_CALENDAR_MAX_YEARS, sizeof(*names));
    if (names == NULL) {
        rc = SX_FAIL(err, SX_E_NOMEM, "out-of-memory", "内存不足", "", "", "读取 %s 时内存不足",
                     dir);
        goto cleanup;
    }
    for (;;) {
        struct dirent *de;
        errno = 0;
        de = readdir(d);
        if (de == NULL) {
            if (errno != 0) {
                rc = SX_FAIL(err, SX_E_IO, "calendar-dir-unreadable", "无法读取节假日安排目录", "",
                             "calendar", "%s: %s", dir, strerror(errno));
                goto cleanup;
            }
            break;
        }
        if (!is_year_file(de->d_name))
            continue;
        if (n_names == APP_CALENDAR_MAX_YEARS) {
            rc = SX_FAIL(err, SX_E_TOOBIG, "calendar-dir-too-big", "节假日安排目录文件过多", "",
                         "calendar", "%s 中的年份文件超过 %d 个", dir, APP_CALENDAR_MAX_YEARS);
            goto cleanup;
        }
        names[n_names] = strdup(de->d_name);
        if (names[n_names] == NULL) {
            rc = SX_FAIL(err, SX_E_NOMEM, "out-of-memory", "内存不足", "", "", "读取 %s 时内存不足",
                         dir);
            goto cleanup;
        }
        n_names++;
    }
    if (n_names == 0) {
        rc = SX_FAIL(err, SX_E_NOTFOUND, "calendar-dir-empty", "节假日安排目录中没有年份文件", "",
                     "calendar", "%s 中没有 YYYY.csv 格式的节假日安排文件", dir);
        goto cleanup;
    }
    /* Name order is year order; loading order does not change the result, only which error comes
     * first. */
    qsort(names, n_names, sizeof(*names), cmp_names);

    for (size_t i = 0; i < n_names; i++) {
        sx_buf_reset(&path);
        sx_buf_reset(&text);
        if (sx_buf_printf(&path, "%s/%s", dir, names[i]) != 0) {
            rc = SX_FAIL(err, SX_E_IO, "calendar-dir-unreadable", "无法读取节假日安排目录", "",
                         "calendar", "路径过长: %s", sx_clip((char[201]){0}, 201, dir));
            goto cleanup;
        }
        rc = app_file_read(path.data, &text, err);
        if (rc != 0)
            goto cleanup;
        rc = cal_load_csv(cal, text.data, text.len, path.data, err);
        if (rc != 0)
            goto cleanup;
    }

cleanup:
    if (names != NULL) {
        for (size_t i = 0; i < n_names; i++)
            free(names[i]);
        free(names);
    }
    if (d != NULL)
        closedir(d);
    sx_buf_free(&text);
    sx_buf_free(&path);
    return rc;
}

#define POLICY_FILE_MAX (4u << 20)
#define POLICY_NAME_MAX 64

/* pol_loader callback: reads DIR/NAME.json, refusing names that are not preset names. */
static int read_preset(void *ctx, const char *name, struct sx_buf *out, struct sx_err *err)
{
    const char *dir = ctx;
    char path[4096];
    char shown[POLICY_NAME_MAX + 1];
    size_t n = 0;
    int rc;
    while (name[n] != '\0' && ((name[n] >= 'a' && name[n] <= 'z') ||
                               (name[n] >= '0' && name[n] <= '9') || name[n] == '-'))
        n++;
    if (n == 0 || name[n] != '\0' || n > POLICY_NAME_MAX)
        return SX_FAIL(err, SX_E_NOTFOUND, "unknown-policy", "规则预设不存在", "", "policy",
                       "规则预设名称只能包含小写字母、数字和 -（至多 %d 字节）：%s",
                       POLICY_NAME_MAX, sx_clip(shown, sizeof(shown), name));
    snprintf(path, sizeof(path), "%s/%s.json", dir, name);
    rc = app_file_read(path, out, err);
    if (rc == SX_E_IO)
        rc = SX_FAIL(err, SX_E_NOTFOUND, "unknown-policy", "规则预设不存在", "", "policy",
                     "没有名为 %s 的规则预设（%s）", name, path);
    return rc;
}

void app_policy_loader(struct pol_loader *loader, const char *dir)
{
    loader->read = read_preset;
    loader->ctx = (void *)dir;
}

int app_policy_load_dir(const char *dir, const char *name, struct pol_policy **out,
                        struct sx_err *err)
{
    struct pol_loader loader = {read_preset, (void *)dir};
    struct sx_buf text;
    int rc;
    *out = NULL;
    sx_buf_init(&text, POLICY_FILE_MAX);
    rc = read_preset((void *)dir, name, &text, err);
    if (rc == 0)
        rc = pol_load(text.data, text.len, &loader, out, err);
    sx_buf_free(&text);
    return rc;
}
