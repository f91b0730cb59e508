/*
 * media: uploads on a real SQLite database and media directory (no HTTP). Table-driven checks
 * of the Upload-Metadata rules (names with .., paths, control characters, bad base64, declared
 * hashes, sizes), then the upload life: chunks appended at the right offset only, the SM3 state
 * re-derived from the partial file after a "restart" (a new store), the declared hash checked,
 * content-addressed storage with the second copy stored once, and the verify hook re-hashing
 * every stored file and naming a damaged one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/app.h"
#include "app/media.h"
#include "ledger/crypto.h"
#include "store/store.h"

struct fixture {
    char dir[64];
    char db[128];
    char media[128];
    struct app *app;
    struct app_ctx ctx;
    struct app_media_store *ms;
    struct app_principal who;
};

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof(*fx));
    struct sx_err err;
    const char *root = getenv("SANXIANG_ROOT");
    int64_t org = 0, user = 0;
    sx_err_clear(&err);
    snprintf(fx->dir, sizeof(fx->dir), "/tmp/sx-media-XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    snprintf(fx->db, sizeof(fx->db), "%s/m.db", fx->dir);
    snprintf(fx->media, sizeof(fx->media), "%s/var/media", fx->dir);
    assert_int_equal(app_open(root != NULL ? root : ".", &fx->app, &err), 0);
    assert_int_equal(app_ctx_open(fx->app, fx->db, &fx->ctx, &err), 0);
    assert_int_equal(st_migrate(fx->ctx.db, NULL, &err), 0);
    struct st_org o = {.code = "T",
                       .name = "测试局",
                       .short_name = "测",
                       .level = "province",
                       .created_at = "2026-11-01T00:00:00Z"};
    assert_int_equal(st_begin(fx->ctx.db, &err), 0);
    assert_int_equal(st_org_insert(fx->ctx.db, &o, &org, &err), 0);
    struct st_user u = {.org_id = org,
                        .username = "u",
                        .display_name = "用户",
                        .password_hash = "x",
                        .roles = "officer",
                        .created_at = "2026-11-01T00:00:00Z"};
    assert_int_equal(st_user_insert(fx->ctx.db, &u, &user, &err), 0);
    assert_int_equal(st_commit(fx->ctx.db, &err), 0);
    fx->who = (struct app_principal){.user_id = user,
                                     .org_id = org,
                                     .roles = APP_ROLE_OFFICER,
                                     .username = "u",
                                     .display_name = "用户"};
    assert_int_equal(app_media_store_open(fx->media, &fx->ms, &err), 0);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    char cmd[200];
    app_media_store_close(fx->ms);
    app_ctx_close(&fx->ctx);
    app_close(fx->app);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", fx->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", fx->dir);
    free(fx);
    return 0;
}

static void hex_sm3(const void *data, size_t len, char out[LG_SM3_HEX_LEN + 1])
{
    uint8_t md[LG_SM3_LEN];
    struct sx_err err;
    assert_int_equal(lg_sm3(data, len, md, &err), 0);
    lg_hex_encode(md, LG_SM3_LEN, out);
    out[LG_SM3_HEX_LEN] = '\0';
}

/* Upload-Metadata rules, one row per case, with the rule it checks. */
static void test_metadata_rules(void **state)
{
    struct fixture *fx = *state;
    static const struct {
        const char *metadata; /* the header as a client sends it */
        int64_t length;
        int want;           /* 0 or SX_E_* */
        const char *type;   /* problem type when refused */
        const char *source; /* why */
    } rows[] = {
        {"filename YS5tcDQ=", 10, 0, NULL, "a.mp4: a plain name"},
        {"filename 5omn5rOV6K6w5b2V5LuqLm1wNA==", 10, 0, NULL, "执法记录仪.mp4: UTF-8 name"},
        {"filename Li4vLi4vZXRjL3Bhc3N3ZA==", 10, SX_E_INVALID, "bad-filename", "../../etc/passwd"},
        {"filename Li4=", 10, SX_E_INVALID, "bad-filename", "'..'"},
        {"filename YS8ubXA0", 10, SX_E_INVALID, "bad-filename", "a/.mp4: a path"},
        {"filename YVxiLm1wNA==", 10, SX_E_INVALID, "bad-filename", "a\\b.mp4: a path"},
        {"filename eAF5Lm1wNA==", 10, SX_E_INVALID, "bad-filename", "x\\x01y.mp4: control"},
        {"filename eAp5Lm1wNA==", 10, SX_E_INVALID, "bad-filename", "x\\ny.mp4: control"},
        {"filename /w==", 10, SX_E_INVALID, "bad-filename", "0xff: not UTF-8"},
        {"filename @@@", 10, SX_E_INVALID, "bad-upload-metadata", "not base64"},
        {"filetype dmlkZW8vbXA0", 10, SX_E_INVALID, "filename-missing", "no filename"},
        {"filename YS5tcDQ=,filetype dmlkZW8=", 10, SX_E_INVALID, "bad-mime", "'video' is no type"},
        {"filename YS5tcDQ=,sm3 MTIz", 10, SX_E_INVALID, "bad-sm3", "sm3 '123'"},
        {"filename YS5tcDQ=", 0, SX_E_INVALID, "empty-upload", "0 bytes"},
        {"filename YS5tcDQ=", APP_MEDIA_MAX_SIZE + 1, SX_E_TOOBIG, "upload-too-large", "too big"},
        {"filename YS5tcDQ=,client-key dGVzdA==", 10, 0, NULL, "unknown keys are the client's"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct sx_err err;
        const char *id = NULL;
        sx_err_clear(&err);
        int rc = app_media_upload_create(&fx->ctx, fx->ms, &fx->who, rows[i].length,
                                         rows[i].metadata, &id, &err);
        if (rc != rows[i].want)
            fail_msg("%s: rc %d, want %d (%s %s)", rows[i].source, rc, rows[i].want, err.type,
                     err.detail);
        if (rc != 0 && strcmp(err.type, rows[i].type) != 0)
            fail_msg("%s: type %s, want %s", rows[i].source, err.type, rows[i].type);
        if (rc == 0 && (id == NULL || strlen(id) != 32))
            fail_msg("%s: bad id", rows[i].source);
    }
}

static const char *create(struct fixture *fx, int64_t len, const char *metadata)
{
    struct sx_err err;
    const char *id = NULL;
    sx_err_clear(&err);
    if (app_media_upload_create(&fx->ctx, fx->ms, &fx->who, len, metadata, &id, &err) != 0)
        fail_msg("create: %s %s", err.title, err.detail);
    return strdup(id);
}

struct counts {
    int ok, bad;
    char bad_sm3[LG_SM3_HEX_LEN + 1];
};

static int count_blob(void *arg, const char *sm3, int64_t size, int ok, struct sx_err *err)
{
    struct counts *n = arg;
    (void)size;
    (void)err;
    if (ok) {
        n->ok++;
    } else {
        n->bad++;
        snprintf(n->bad_sm3, sizeof(n->bad_sm3), "%s", sm3);
    }
    return 0;
}

static void test_upload_resume_dedupe_verify(void **state)
{
    struct fixture *fx = *state;
    enum { LEN = 300000 };
    unsigned char *data = malloc(LEN);
    char digest[LG_SM3_HEX_LEN + 1], md[200], b64[120];
    struct app_upload_state st;
    struct sx_err err;
    for (size_t i = 0; i < LEN; i++)
        data[i] = (unsigned char)((i * 2654435761u) >> 13);
    hex_sm3(data, LEN, digest);
    /* "sm3 " + base64 of the 64 hex characters */
    {
        static const char tab[] =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        size_t o = 0;
        for (size_t i = 0; i < 64; i += 3) {
            unsigned v = ((unsigned)(unsigned char)digest[i] << 16) |
                         ((i + 1 < 64 ? (unsigned)(unsigned char)digest[i + 1] : 0) << 8) |
                         (i + 2 < 64 ? (unsigned)(unsigned char)digest[i + 2] : 0);
            b64[o++] = tab[(v >> 18) & 63];
            b64[o++] = tab[(v >> 12) & 63];
            b64[o++] = i + 1 < 64 ? tab[(v >> 6) & 63] : '=';
            b64[o++] = i + 2 < 64 ? tab[v & 63] : '=';
        }
        b64[o] = '\0';
    }
    snprintf(md, sizeof(md), "filename YS5tcDQ=,sm3 %s", b64);
    char *id = (char *)create(fx, LEN, md);

    /* a chunk at the wrong offset changes nothing */
    sx_err_clear(&err);
    assert_int_equal(
        app_media_upload_patch(&fx->ctx, fx->ms, &fx->who, id, 5, data, 100, &st, &err),
        SX_E_CONFLICT);
    assert_string_equal(err.type, "offset-mismatch");
    assert_int_equal(
        app_media_upload_patch(&fx->ctx, fx->ms, &fx->who, id, 0, data, 100000, &st, &err), 0);
    assert_int_equal(st.offset, 100000);
    assert_string_equal(st.state, "uploading");
    /* past Upload-Length */
    assert_int_equal(
        app_media_upload_patch(&fx->ctx, fx->ms, &fx->who, id, 100000, data, LEN, &st, &err),
        SX_E_INVALID);
    /* a "restart": a fresh store has no hash state and must re-derive it from the file */
    app_media_store_close(fx->ms);
    assert_int_equal(app_media_store_open(fx->media, &fx->ms, &err), 0);
    assert_int_equal(app_media_upload_state(&fx->ctx, fx->ms, &fx->who, id, &st, &err), 0);
    assert_int_equal(st.offset, 100000);
    assert_int_equal(app_media_upload_patch(&fx->ctx, fx->ms, &fx->who, id, 100000, data + 100000,
                                            100000, &st, &err),
                     0);
    assert_int_equal(app_media_upload_patch(&fx->ctx, fx->ms, &fx->who, id, 200000, data + 200000,
                                            LEN - 200000, &st, &err),
                     0);
    assert_string_equal(st.state, "stored");
    assert_string_equal(st.sm3, digest);
    assert_int_equal(st.duplicate, 0);
    const char *path = app_media_path(&fx->ctx, fx->ms, digest);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_size, LEN);
    /* finished: no more chunks */
    assert_int_equal(
        app_media_upload_patch(&fx->ctx, fx->ms, &fx->who, id, LEN, data, 1, &st, &err),
        SX_E_CONFLICT);
    /* someone else cannot see it */
    struct app_principal other = fx->who;
    other.user_id += 1000;
    assert_int_equal(app_media_upload_state(&fx->ctx, fx->ms, &other, id, &st, &err),
                     SX_E_NOTFOUND);

    /* the same bytes again (no declared hash): stored once */
    char *id2 = (char *)create(fx, LEN, "filename Yi5tcDQ=");
    assert_int_equal(
        app_media_upload_patch(&fx->ctx, fx->ms, &fx->who, id2, 0, data, LEN, &st, &err), 0);
    assert_string_equal(st.sm3, digest);
    assert_int_equal(st.duplicate, 1);

    /* a declared hash that does not match: refused, nothing kept */
    char *id3 = (char *)create(fx, 10, md);
    assert_int_equal(
        app_media_upload_patch(&fx->ctx, fx->ms, &fx->who, id3, 0, data, 10, &st, &err),
        SX_E_INVALID);
    assert_string_equal(err.type, "hash-mismatch");
    assert_int_equal(app_media_upload_state(&fx->ctx, fx->ms, &fx->who, id3, &st, &err), 0);
    assert_string_equal(st.state, "rejected");
    char partial[256];
    snprintf(partial, sizeof(partial), "%s/partial/%s", fx->media, id3);
    assert_int_not_equal(access(partial, F_OK), 0);

    /* the verify hook: one stored file, good; then one byte changed on disk, named */
    struct counts n = {0, 0, ""};
    assert_int_equal(app_media_verify(&fx->ctx, app_media_store_dir(fx->ms), count_blob, &n, &err),
                     0);
    assert_int_equal(n.ok, 1);
    assert_int_equal(n.bad, 0);
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    assert_int_equal(fseek(f, 1234, SEEK_SET), 0);
    assert_int_equal(fputc(data[1234] ^ 1, f), data[1234] ^ 1);
    fclose(f);
    n = (struct counts){0, 0, ""};
    assert_int_equal(app_media_verify(&fx->ctx, app_media_store_dir(fx->ms), count_blob, &n, &err),
                     0);
    assert_int_equal(n.ok, 0);
    assert_int_equal(n.bad, 1);
    assert_string_equal(n.bad_sm3, digest);

    /* deletion: not before three months (HB-2-21), then recorded, file gone, verify skips it */
    assert_int_equal(app_media_delete(&fx->ctx, fx->ms, &fx->who, digest, "到期清理", &err),
                     SX_E_FORBIDDEN);
    assert_string_equal(err.type, "retention-not-ended");
    assert_int_equal(app_media_delete(&fx->ctx, fx->ms, &fx->who, digest, "", &err), SX_E_INVALID);
    fx->ctx.fixed_now = "2099-06-01T00:00:00Z";
    assert_int_equal(app_media_delete(&fx->ctx, fx->ms, &fx->who, digest, "到期清理", &err), 0);
    assert_int_not_equal(access(path, F_OK), 0);
    assert_int_equal(app_media_delete(&fx->ctx, fx->ms, &fx->who, digest, "again", &err),
                     SX_E_CONFLICT);
    json_t *info = NULL;
    assert_int_equal(app_media_get(&fx->ctx, digest, &info, &err), 0);
    assert_string_equal(json_string_value(json_object_get(info, "deleted_at")),
                        "2099-06-01T00:00:00Z");
    json_decref(info);
    n = (struct counts){0, 0, ""};
    assert_int_equal(app_media_verify(&fx->ctx, app_media_store_dir(fx->ms), count_blob, &n, &err),
                     0);
    assert_int_equal(n.ok + n.bad, 0);
    /* the deleted bytes are not taken again */
    char *id4 = (char *)create(fx, LEN, "filename Yy5tcDQ=");
    assert_int_equal(
        app_media_upload_patch(&fx->ctx, fx->ms, &fx->who, id4, 0, data, LEN, &st, &err),
        SX_E_INVALID);
    assert_string_equal(err.type, "media-deleted");
    free(id4);
    fx->ctx.fixed_now = NULL;
    free(id);
    free(id2);
    free(id3);
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_metadata_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_upload_resume_dedupe_verify, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
