/*
 * media: tus uploads into content-addressed storage, media_attach hooks for the case workflow,
 * the mandatory-AV gate and the media list of a case (see media.h for the file layout and the
 * hashing choice).
 */
#include "app/media.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app/auth.h"
#include "app/cases.h"
#include "app/identity.h"
#include "core/cal.h"
#include "core/policy.h"
#include "ledger/crypto.h"
#include "store/store.h"

#define SLOTS 64
#define IO_BUF ((size_t)1 << 20)
#define SRC_META "湖北 附件2 第十四条 (HB-2-14); 北京 二(二)5 (BJ-2.2-5); 汶上 第二十一条 (WS-21)"
#define SRC_NAME "上传文件名（路径安全）"
#define SRC_TIMES "云南 附件2 第十七条 (YN-2-17)"

/* Hash state of one upload in progress: SM3 over the first `hashed` bytes of its partial file. */
struct slot {
    char id[AUTH_TOKEN_HEX];
    struct lg_sm3 *h;
    int64_t hashed;
    int busy;           /* a PATCH of this upload is running */
    uint64_t last_used; /* for eviction */
};

struct app_media_store {
    char *dir;
    pthread_mutex_t mu;
    struct slot slots[SLOTS];
    uint64_t tick;
};

static int fail_io(struct sx_err *err, const char *what, const char *path)
{
    return SX_FAIL(err, SX_E_IO, "media-io", "音像文件存储出错", "", "", "%s %s: %s", what, path,
                   strerror(errno));
}

static int fail_nomem(struct sx_err *err)
{
    return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "media");
}

/* mkdir -p: the parents too (e.g. var/ of a fresh install). */
static int mkdir_p(const char *path)
{
    char tmp[4096];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof(tmp))
        return -1;
    memcpy(tmp, path, n + 1);
    for (size_t i = 1; i < n; i++) {
        if (tmp[i] != '/')
            continue;
        tmp[i] = '\0';
        if (mkdir(tmp, 0750) != 0 && errno != EEXIST)
            return -1;
        tmp[i] = '/';
    }
    if (mkdir(tmp, 0750) == 0 || errno == EEXIST)
        return 0;
    return -1;
}

/* fsync a directory so that a create or rename in it is durable. */
static int sync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc;
    if (fd < 0)
        return -1;
    rc = fsync(fd);
    close(fd);
    return rc;
}

int app_media_store_open(const char *dir, struct app_media_store **out, struct sx_err *err)
{
    struct app_media_store *ms = calloc(1, sizeof(*ms));
    char path[4096];
    if (ms == NULL)
        return fail_nomem(err);
    ms->dir = strdup(dir);
    if (ms->dir == NULL) {
        free(ms);
        return fail_nomem(err);
    }
    pthread_mutex_init(&ms->mu, NULL);
    const char *subs[] = {"", "/partial", "/sm3"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), "%s%s", dir, subs[i]);
        if (mkdir_p(path) != 0) {
            int rc = fail_io(err, "mkdir", path);
            app_media_store_close(ms);
            return rc;
        }
    }
    *out = ms;
    return 0;
}

void app_media_store_close(struct app_media_store *ms)
{
    if (ms == NULL)
        return;
    for (size_t i = 0; i < SLOTS; i++)
        lg_sm3_free(ms->slots[i].h);
    pthread_mutex_destroy(&ms->mu);
    free(ms->dir);
    free(ms);
}

const char *app_media_store_dir(const struct app_media_store *ms)
{
    return ms->dir;
}

const char *app_media_path(struct app_ctx *ctx, const struct app_media_store *ms, const char *sm3)
{
    return sx_arena_printf(ctx->arena, "%s/sm3/%.2s/%s", ms->dir, sm3, sm3);
}

static const char *partial_path(struct app_ctx *ctx, const struct app_media_store *ms,
                                const char *id)
{
    return sx_arena_printf(ctx->arena, "%s/partial/%s", ms->dir, id);
}

static bool is_hex(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n && s[i] != '\0'; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return i == n && s[i] == '\0';
}

/* ---- Upload-Metadata ---- */

static int b64val(int c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/*
 * Standard base64 (padding optional) of s[0..n) into the arena; NULL when malformed. Not
 * glib's g_base64_decode (documents.c uses it for bytes we wrote ourselves): it skips invalid
 * characters silently, and a client's malformed Upload-Metadata must be refused, not guessed.
 */
static char *b64_decode(struct sx_arena *a, const char *s, size_t n, size_t *outlen)
{
    char *out = sx_arena_alloc(a, n + 1);
    size_t o = 0;
    unsigned acc = 0;
    int bits = 0;
    if (out == NULL)
        return NULL;
    while (n > 0 && s[n - 1] == '=')
        n--;
    for (size_t i = 0; i < n; i++) {
        int v = b64val((unsigned char)s[i]);
        if (v < 0)
            return NULL;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (char)((acc >> bits) & 0xff);
        }
    }
    out[o] = '\0';
    *outlen = o;
    return out;
}

static bool utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t k;
        if (c < 0x80)
            k = 0;
        else if (c >= 0xc2 && c <= 0xdf)
            k = 1;
        else if ((c & 0xf0) == 0xe0)
            k = 2;
        else if (c >= 0xf0 && c <= 0xf4)
            k = 3;
        else
            return false;
        if (k > n - i - 1)
            return false;
        for (size_t j = 1; j <= k; j++)
            if ((s[i + j] & 0xc0) != 0x80)
                return false;
        i += k + 1;
    }
    return true;
}

/*
 * A file name must be a plain name: no path (/ or \), no "..", no control characters, valid
 * UTF-8, 1..APP_MEDIA_NAME_MAX bytes. It is kept as metadata only; files are stored by hash.
 */
static int check_filename(const char *name, size_t n, struct sx_err *err)
{
    if (n == 0 || n > APP_MEDIA_NAME_MAX)
        return SX_FAIL(err, SX_E_INVALID, "bad-filename", "文件名长度不正确", SRC_NAME, "filename",
                       "文件名须为 1–%d 字节", APP_MEDIA_NAME_MAX);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c < 0x20 || c == 0x7f)
            return SX_FAIL(err, SX_E_INVALID, "bad-filename", "文件名含有控制字符", SRC_NAME,
                           "filename", "文件名第 %zu 字节是控制字符 0x%02x", i + 1, c);
        if (c == '/' || c == '\\')
            return SX_FAIL(err, SX_E_INVALID, "bad-filename", "文件名不能包含路径", SRC_NAME,
                           "filename", "文件名不能含有 / 或 \\");
    }
    if (strstr(name, "..") != NULL)
        return SX_FAIL(err, SX_E_INVALID, "bad-filename", "文件名不能包含“..”", SRC_NAME,
                       "filename", "文件名不能含有“..”");
    if (!utf8_valid((const unsigned char *)name, n))
        return SX_FAIL(err, SX_E_INVALID, "bad-filename", "文件名不是有效的 UTF-8", SRC_NAME,
                       "filename", "文件名须为 UTF-8 编码");
    return 0;
}

static int check_mime(const char *m, struct sx_err *err)
{
    size_t n = strlen(m);
    const char *slash = strchr(m, '/');
    bool ok = n > 2 && n <= 100 && slash != NULL && slash != m && slash[1] != '\0';
    for (size_t i = 0; ok && i < n; i++) {
        char c = m[i];
        ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             strchr("/.+-_", c) != NULL;
    }
    if (!ok)
        return SX_FAIL(err, SX_E_INVALID, "bad-mime", "文件类型格式不正确", "RFC 6838", "filetype",
                       "文件类型须形如 video/mp4");
    return 0;
}

struct meta {
    const char *filename;
    const char *mime;
    const char *sm3;
};

static int parse_metadata(struct sx_arena *a, const char *hdr, struct meta *m, struct sx_err *err)
{
    const char *p = hdr != NULL ? hdr : "";
    memset(m, 0, sizeof(*m));
    while (*p != '\0') {
        const char *end = strchr(p, ',');
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        while (len > 0 && *p == ' ')
            p++, len--;
        const char *sp = memchr(p, ' ', len);
        size_t klen = sp != NULL ? (size_t)(sp - p) : len;
        size_t vlen = 0;
        char *val = sp != NULL ? b64_decode(a, sp + 1, len - klen - 1, &vlen) : "";
        char *key = sx_arena_strndup(a, p, klen);
        if (val == NULL || key == NULL)
            return SX_FAIL(err, SX_E_INVALID, "bad-upload-metadata", "Upload-Metadata 格式不正确",
                           "tus 1.0 (Upload-Metadata)", "Upload-Metadata",
                           "每项须为“键 base64值”，以逗号分隔");
        if (strcmp(key, "filename") == 0) {
            int rc = check_filename(val, vlen, err);
            if (rc != 0)
                return rc;
            if (memchr(val, '\0', vlen) != NULL)
                return SX_FAIL(err, SX_E_INVALID, "bad-filename", "文件名含有控制字符", SRC_NAME,
                               "filename", "文件名含有 NUL");
            m->filename = val;
        } else if (strcmp(key, "filetype") == 0 || strcmp(key, "mime") == 0) {
            int rc = check_mime(val, err);
            if (rc != 0)
                return rc;
            m->mime = val;
        } else if (strcmp(key, "sm3") == 0) {
            for (char *q = val; *q != '\0'; q++)
                if (*q >= 'A' && *q <= 'F')
                    *q = (char)(*q - 'A' + 'a');
            if (!is_hex(val, LG_SM3_HEX_LEN))
                return SX_FAIL(err, SX_E_INVALID, "bad-sm3", "声明的 SM3 哈希格式不正确",
                               "GB/T 32905-2016", "sm3", "SM3 须为 64 位十六进制");
            m->sm3 = val;
        } /* other keys are the client's own and ignored, as tus allows */
        if (end == NULL)
            break;
        p = end + 1;
    }
    if (m->filename == NULL)
        return SX_FAIL(err, SX_E_INVALID, "filename-missing", "缺少文件名", SRC_META, "filename",
                       "Upload-Metadata 须包含 filename");
    if (m->mime == NULL)
        m->mime = "application/octet-stream";
    return 0;
}

/* ---- uploads ---- */

int app_media_upload_create(struct app_ctx *ctx, struct app_media_store *ms,
                            const struct app_principal *actor, int64_t length, const char *metadata,
                            const char **id, struct sx_err *err)
{
    struct meta m;
    char tok[AUTH_TOKEN_HEX];
    const char *path;
    int fd, rc;
    if (length <= 0)
        return SX_FAIL(err, SX_E_INVALID, "empty-upload", "不能上传空文件（0 字节）", SRC_META,
                       "Upload-Length", "Upload-Length 须大于 0");
    if (length > APP_MEDIA_MAX_SIZE)
        return SX_FAIL(err, SX_E_TOOBIG, "upload-too-large", "文件超过上传大小上限", "",
                       "Upload-Length", "文件 %lld 字节，上限 %lld 字节", (long long)length,
                       (long long)APP_MEDIA_MAX_SIZE);
    rc = parse_metadata(ctx->arena, metadata, &m, err);
    if (rc == 0)
        rc = auth_token_new(tok, err);
    if (rc != 0)
        return rc;
    /* 128 random bits are enough for an id the uploader alone uses */
    tok[32] = '\0';
    path = partial_path(ctx, ms, tok);
    if (path == NULL)
        return fail_nomem(err);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd < 0)
        return fail_io(err, "create", path);
    rc = fsync(fd);
    close(fd);
    if (rc != 0)
        return fail_io(err, "fsync", path);
    (void)sync_dir(sx_arena_printf(ctx->arena, "%s/partial", ms->dir));
    struct st_media_upload u = {.id = tok,
                                .org_id = actor->org_id,
                                .user_id = actor->user_id,
                                .length = length,
                                .declared_sm3 = m.sm3,
                                .filename = m.filename,
                                .mime = m.mime,
                                .created_at = app_now(ctx)};
    rc = st_begin(ctx->db, err);
    if (rc == 0)
        rc = st_media_upload_insert(ctx->db, &u, err);
    if (rc == 0)
        rc = app_audit_in_tx(ctx, actor, "media.upload.create", "upload", 0, NULL, err);
    if (rc == 0)
        rc = st_commit(ctx->db, err);
    if (rc != 0) {
        (void)st_rollback(ctx->db, NULL);
        unlink(path);
        return rc;
    }
    *id = sx_arena_strdup(ctx->arena, tok);
    return *id != NULL ? 0 : fail_nomem(err);
}

static int upload_not_found(struct sx_err *err)
{
    return SX_FAIL(err, SX_E_NOTFOUND, "upload-not-found", "上传不存在", "", "id",
                   "没有这个上传，或它不是您创建的");
}

static int load_upload(struct app_ctx *ctx, const struct app_principal *actor, const char *id,
                       struct st_media_upload *u, struct sx_err *err)
{
    int rc;
    if (id == NULL || !is_hex(id, 32))
        return upload_not_found(err);
    rc = st_media_upload_get(ctx->db, id, ctx->arena, u, err);
    if (rc == SX_E_NOTFOUND || (rc == 0 && u->user_id != actor->user_id))
        return upload_not_found(err);
    return rc;
}

static void fill_state(struct app_upload_state *out, const struct st_media_upload *u,
                       int64_t offset)
{
    memset(out, 0, sizeof(*out));
    out->id = u->id;
    out->length = u->length;
    out->offset = offset;
    out->state = u->outcome == NULL ? "uploading" : u->outcome;
    out->sm3 = u->sm3;
    out->detail = u->detail;
    if (u->outcome != NULL && strcmp(u->outcome, "stored") == 0)
        out->offset = u->length;
}

int app_media_upload_state(struct app_ctx *ctx, struct app_media_store *ms,
                           const struct app_principal *actor, const char *id,
                           struct app_upload_state *out, struct sx_err *err)
{
    struct st_media_upload u;
    struct stat st;
    int rc = load_upload(ctx, actor, id, &u, err);
    if (rc != 0)
        return rc;
    if (u.outcome != NULL) {
        fill_state(out, &u, 0);
        return 0;
    }
    if (stat(partial_path(ctx, ms, u.id), &st) != 0)
        return fail_io(err, "stat", "partial");
    fill_state(out, &u, (int64_t)st.st_size);
    return 0;
}

/* Take the upload's slot (busy), evicting the least recently used idle one. NULL: busy. */
static struct slot *slot_take(struct app_media_store *ms, const char *id, int *busy)
{
    struct slot *s = NULL, *victim = NULL;
    pthread_mutex_lock(&ms->mu);
    *busy = 0;
    for (size_t i = 0; i < SLOTS; i++) {
        if (strcmp(ms->slots[i].id, id) == 0) {
            s = &ms->slots[i];
            break;
        }
        if (!ms->slots[i].busy && (victim == NULL || ms->slots[i].last_used < victim->last_used))
            victim = &ms->slots[i];
    }
    if (s != NULL && s->busy) {
        *busy = 1;
        s = NULL;
    } else if (s == NULL && victim != NULL) {
        s = victim;
        snprintf(s->id, sizeof(s->id), "%s", id);
        s->hashed = -1; /* unknown: re-hash from the file */
    }
    if (s != NULL) {
        s->busy = 1;
        s->last_used = ++ms->tick;
    } else if (victim == NULL && !*busy) {
        *busy = 1; /* every slot busy: as good as locked */
    }
    pthread_mutex_unlock(&ms->mu);
    return s;
}

static void slot_release(struct app_media_store *ms, struct slot *s, bool forget)
{
    pthread_mutex_lock(&ms->mu);
    s->busy = 0;
    if (forget) {
        s->id[0] = '\0';
        s->hashed = -1;
    }
    pthread_mutex_unlock(&ms->mu);
}

/* SM3 of the first n bytes of fd into a fresh state (after a restart or an eviction). */
static int rehash(struct slot *s, int fd, int64_t n, struct sx_err *err)
{
    char *buf = NULL;
    int64_t done = 0;
    int rc = 0;
    if (s->h == NULL)
        rc = lg_sm3_new(&s->h, err);
    else
        rc = lg_sm3_reset(s->h, err);
    if (rc != 0)
        return rc;
    buf = malloc(IO_BUF);
    if (buf == NULL)
        return fail_nomem(err);
    while (rc == 0 && done < n) {
        size_t want = (size_t)(n - done) < IO_BUF ? (size_t)(n - done) : IO_BUF;
        ssize_t got = pread(fd, buf, want, (off_t)done);
        if (got <= 0) {
            rc = fail_io(err, "read", "partial");
            break;
        }
        rc = lg_sm3_update(s->h, buf, (size_t)got, err);
        done += got;
    }
    free(buf);
    if (rc == 0)
        s->hashed = n;
    return rc;
}

static int write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Record the outcome (and the blob) of a finished upload in one transaction. */
static int record_outcome(struct app_ctx *ctx, const struct st_media_upload *u, const char *sm3,
                          const char *detail, int *inserted, struct sx_err *err)
{
    const char *now = app_now(ctx);
    int rc = st_begin(ctx->db, err);
    if (rc == 0 && sm3 != NULL)
        rc = st_media_blob_insert(
            ctx->db,
            &(struct st_media_blob){
                .sm3 = sm3, .size = u->length, .stored_at = now, .upload_id = u->id},
            inserted, err);
    if (rc == 0)
        rc = st_media_upload_finish(ctx->db, u->id, sm3 != NULL ? "stored" : "rejected", sm3, now,
                                    detail, err);
    if (rc == 0)
        rc = st_commit(ctx->db, err);
    if (rc != 0)
        (void)st_rollback(ctx->db, NULL);
    return rc;
}

/* The last byte arrived: check the hash, move the file into sm3/, record it. */
static int finish(struct app_ctx *ctx, struct app_media_store *ms, struct st_media_upload *u,
                  struct slot *s, const char *partial, struct app_upload_state *out,
                  struct sx_err *err)
{
    uint8_t md[LG_SM3_LEN];
    char hex[LG_SM3_HEX_LEN + 1];
    const char *dir, *target;
    struct stat st;
    int inserted = 0, existed, rc;

    rc = lg_sm3_final(s->h, md, err);
    s->hashed = -1;
    if (rc != 0)
        return rc;
    lg_hex_encode(md, LG_SM3_LEN, hex);
    hex[LG_SM3_HEX_LEN] = '\0';
    if (u->declared_sm3 != NULL && strcmp(u->declared_sm3, hex) != 0) {
        /* refused for good: the bytes go, the refusal stays */
        char detail[200];
        snprintf(detail, sizeof(detail), "声明 %.16s…，实际 %.16s…", u->declared_sm3, hex);
        unlink(partial);
        rc = record_outcome(ctx, u, NULL, detail, NULL, err);
        if (rc != 0)
            return rc;
        rc = SX_FAIL(err, SX_E_INVALID, "hash-mismatch", "文件内容与声明的 SM3 哈希不符", SRC_META,
                     "sm3", "%s；上传已作废，请重新上传", detail);
        err->status = 422;
        return rc;
    }
    {
        struct st_media_blob old;
        rc = st_media_blob_get(ctx->db, hex, ctx->arena, &old, err);
        if (rc == 0 && old.deleted_at != NULL) {
            unlink(partial);
            rc = record_outcome(ctx, u, NULL, "相同内容的文件已按保存期限删除", NULL, err);
            if (rc != 0)
                return rc;
            rc = SX_FAIL(err, SX_E_INVALID, "media-deleted", "相同内容的文件已按保存期限删除",
                         APP_MEDIA_RETENTION_SOURCE, "sm3", "文件已于 %s 删除，不再接收",
                         old.deleted_at);
            err->status = 422;
            return rc;
        }
        if (rc != 0 && rc != SX_E_NOTFOUND)
            return rc;
    }
    dir = sx_arena_printf(ctx->arena, "%s/sm3/%.2s", ms->dir, hex);
    target = app_media_path(ctx, ms, hex);
    if (dir == NULL || target == NULL)
        return fail_nomem(err);
    if (mkdir_p(dir) != 0)
        return fail_io(err, "mkdir", dir);
    existed = stat(target, &st) == 0;
    if (!existed) {
        if (rename(partial, target) != 0)
            return fail_io(err, "rename", target);
        (void)sync_dir(dir);
        (void)sync_dir(sx_arena_printf(ctx->arena, "%s/partial", ms->dir));
    }
    rc = record_outcome(ctx, u, hex, NULL, &inserted, err);
    if (rc != 0) {
        if (!existed && rename(target, partial) != 0) /* back, so the client can retry */
            (void)0;
        return rc;
    }
    if (existed)
        unlink(partial); /* the same bytes are stored already: keep nothing new */
    u->outcome = "stored";
    u->sm3 = sx_arena_strdup(ctx->arena, hex);
    fill_state(out, u, u->length);
    out->duplicate = existed || !inserted;
    return 0;
}

int app_media_upload_patch(struct app_ctx *ctx, struct app_media_store *ms,
                           const struct app_principal *actor, const char *id, int64_t offset,
                           const void *data, size_t len, struct app_upload_state *out,
                           struct sx_err *err)
{
    struct st_media_upload u;
    struct slot *s = NULL;
    struct stat st;
    const char *partial;
    int fd = -1, busy = 0, rc;
    bool forget = false;

    rc = load_upload(ctx, actor, id, &u, err);
    if (rc != 0)
        return rc;
    if (u.outcome != NULL) {
        rc = SX_FAIL(err, SX_E_CONFLICT, "upload-finished", "上传已结束", "tus 1.0 (PATCH)", "id",
                     "该上传已%s", strcmp(u.outcome, "stored") == 0 ? "完成" : "作废");
        if (strcmp(u.outcome, "rejected") == 0)
            err->status = 410;
        return rc;
    }
    if (len > APP_MEDIA_CHUNK_MAX)
        return SX_FAIL(err, SX_E_TOOBIG, "chunk-too-large", "单次上传的数据块过大",
                       "tus 1.0 (PATCH)", "body", "每块至多 %zu 字节，本块 %zu 字节",
                       APP_MEDIA_CHUNK_MAX, len);
    s = slot_take(ms, u.id, &busy);
    if (s == NULL) {
        rc = SX_FAIL(err, SX_E_CONFLICT, "upload-locked", "该上传正在写入，请稍后重试",
                     "tus 1.0 (PATCH)", "id", "同一上传的另一个 PATCH 尚未结束");
        err->status = 423;
        return rc;
    }
    partial = partial_path(ctx, ms, u.id);
    fd = partial != NULL ? open(partial, O_RDWR | O_APPEND | O_CLOEXEC) : -1;
    if (fd < 0 || fstat(fd, &st) != 0) {
        rc = fail_io(err, "open", "partial");
        goto cleanup;
    }
    if ((int64_t)st.st_size != offset) {
        rc = SX_FAIL(err, SX_E_CONFLICT, "offset-mismatch", "Upload-Offset 与已接收的字节数不符",
                     "tus 1.0 (PATCH)", "Upload-Offset",
                     "服务器已接收 %lld 字节，请求的 Upload-Offset 为 %lld；请先 HEAD 查询",
                     (long long)st.st_size, (long long)offset);
        goto cleanup;
    }
    if (offset + (int64_t)len > u.length) {
        rc = SX_FAIL(err, SX_E_INVALID, "past-upload-length", "数据超过声明的文件大小",
                     "tus 1.0 (PATCH)", "body", "Upload-Length 为 %lld，本块将写到 %lld",
                     (long long)u.length, (long long)(offset + (int64_t)len));
        goto cleanup;
    }
    if (len == 0 && offset < u.length) {
        fill_state(out, &u, offset);
        goto cleanup;
    }
    if (s->hashed != offset) {
        forget = true; /* until the state is right again */
        rc = rehash(s, fd, offset, err);
        if (rc != 0)
            goto cleanup;
    }
    forget = true;
    if (write_all(fd, data, len) != 0 || fsync(fd) != 0) {
        rc = fail_io(err, "write", "partial");
        /* nothing past the acknowledged offset may count: cut back */
        if (ftruncate(fd, (off_t)offset) != 0 || fsync(fd) != 0)
            (void)0;
        goto cleanup;
    }
    rc = lg_sm3_update(s->h, data, len, err);
    if (rc != 0)
        goto cleanup;
    s->hashed = offset + (int64_t)len;
    forget = false;
    close(fd);
    fd = -1;
    if (s->hashed == u.length) {
        forget = true;
        rc = finish(ctx, ms, &u, s, partial, out, err);
        goto cleanup;
    }
    fill_state(out, &u, s->hashed);
cleanup:
    if (fd >= 0)
        close(fd);
    slot_release(ms, s, forget);
    return rc;
}

/* ---- the case workflow's hooks ---- */

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

int app_media_attach_prepare(struct app_ctx *ctx, int64_t case_id, json_t *body, struct sx_err *err)
{
    struct st_media_blob b;
    const char *sm3 = jstr(body, "sm3");
    const char *from = jstr(body, "captured_from"), *to = jstr(body, "captured_to");
    int rc;
    (void)case_id;
    if (sm3 == NULL || !is_hex(sm3, LG_SM3_HEX_LEN))
        return SX_FAIL(err, SX_E_INVALID, "bad-sm3", "SM3 哈希格式不正确", SRC_META, "body.sm3",
                       "sm3 须为 64 位小写十六进制");
    rc = st_media_blob_get(ctx->db, sm3, ctx->arena, &b, err);
    if (rc == SX_E_NOTFOUND)
        return SX_FAIL(err, SX_E_INVALID, "media-not-stored", "音像文件尚未上传完成", SRC_META,
                       "body.sm3", "平台上没有 SM3 为 %.16s… 的文件，请先上传", sm3);
    if (rc != 0)
        return rc;
    if (b.deleted_at != NULL)
        return SX_FAIL(err, SX_E_INVALID, "media-deleted", "该音像文件已按保存期限删除",
                       APP_MEDIA_RETENTION_SOURCE, "body.sm3", "文件已于 %s 删除", b.deleted_at);
    if (from == NULL || to == NULL || strcmp(from, to) > 0)
        return SX_FAIL(err, SX_E_INVALID, "capture-times", "拍摄结束时间早于开始时间", SRC_META,
                       "body.captured_to", "captured_to 须不早于 captured_from");
    json_object_set_new(body, "size", json_integer((json_int_t)b.size));
    json_object_set_new(body, "stored_at", json_string(b.stored_at));
    return 0;
}

int app_media_attach_project(struct app_ctx *ctx, int64_t case_id, int64_t record_id,
                             const json_t *body, struct sx_err *err)
{
    return st_media_link_insert(ctx->db, case_id, record_id, jstr(body, "sm3"),
                                jstr(body, "captured_from"), jstr(body, "captured_to"), err);
}

int app_media_av_gate(struct app_ctx *ctx, int64_t case_id, const char *type_name_zh,
                      const json_t *body, struct sx_err *err)
{
    const json_t *media = json_object_get(body, "media");
    const char *reason = jstr(body, "av_absent_reason");
    struct st_media_link *links = NULL;
    size_t n = 0, i;
    json_t *v;
    int rc;
    if (json_array_size(media) == 0) {
        if (reason != NULL && reason[0] != '\0')
            return 0; /* HB-2-13: unless the text records it fully, and why */
        return SX_FAIL(err, SX_E_GATE, "av-required", "该环节须全程音像记录", APP_MEDIA_AV_SOURCE,
                       "body.media",
                       "“%s”须关联本案已上传的音像记录（media），或在 av_absent_reason "
                       "中说明未能音像记录的原因",
                       type_name_zh);
    }
    rc = st_media_link_list(ctx->db, case_id, NULL, ctx->arena, &links, &n, err);
    if (rc != 0)
        return rc;
    json_array_foreach(media, i, v)
    {
        const char *sm3 = json_string_value(v);
        bool found = false;
        for (size_t k = 0; sm3 != NULL && k < n && !found; k++)
            found = strcmp(links[k].sm3, sm3) == 0;
        if (!found)
            return SX_FAIL(err, SX_E_GATE, "av-not-attached", "所列音像记录未关联到本案",
                           APP_MEDIA_AV_SOURCE, "body.media",
                           "第 %zu 项不是本案已关联的音像记录（先以 attach_media 关联）", i + 1);
    }
    return 0;
}

/* ---- the media list ---- */

/* "YYYY-MM-DDTHH:MM:SSZ" (UTC) to the civil date in China (UTC+8). */
static int civil_day(const char *ts, int32_t *out)
{
    struct tm tm;
    time_t t;
    int y, mo, d, h, mi, s;
    if (ts == NULL || sscanf(ts, "%4d-%2d-%2dT%2d:%2d:%2dZ", &y, &mo, &d, &h, &mi, &s) != 6)
        return -1;
    memset(&tm, 0, sizeof(tm));
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    t = timegm(&tm) + 8 * 3600;
    if (gmtime_r(&t, &tm) == NULL)
        return -1;
    *out = cal_days_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    return 0;
}

/* The storage deadline of one item: av_storage working days from the capture end (YN-2-17). */
static json_t *storage_deadline(struct app_ctx *ctx, const struct pol_policy *pol,
                                const struct st_media_link *l)
{
    int days = 0;
    enum pol_unit unit;
    const char *source = NULL;
    int32_t from, stored, due;
    bool provisional = false;
    char b1[CAL_DATE_BUFSZ], b2[CAL_DATE_BUFSZ];
    struct sx_err e;
    if (pol_deadline(pol, "av_storage", &days, &unit, &source, &e) != 0)
        return json_null(); /* the policy sets none */
    if (civil_day(l->captured_to, &from) != 0 || civil_day(l->stored_at, &stored) != 0)
        return json_null();
    if (unit == POL_UNIT_WD) {
        if (cal_add_workdays(ctx->app->calendar, from, days, true, &due, &provisional, &e) != 0)
            return json_null();
    } else if (cal_date_add_days(from, days, &due, &e) != 0) {
        return json_null();
    }
    return json_pack("{ss si ss ss ss ss sb ss}", "key", "av_storage", "days", days, "unit",
                     unit == POL_UNIT_WD ? "wd" : "cd", "due", cal_date_format(due, b1),
                     "stored_on", cal_date_format(stored, b2), "status",
                     stored <= due ? "met" : "late", "provisional", provisional, "source",
                     source != NULL ? source : "");
}

/* Transcripts: records whose body has started_at and ended_at (询问、检查、勘验笔录 ...). */
static json_t *time_warnings(const struct st_media_link *l, const struct st_record *recs, size_t n)
{
    json_t *w = json_array();
    for (size_t i = 0; w != NULL && i < n; i++) {
        json_t *b = json_loads(recs[i].body, 0, NULL);
        const char *s = jstr(b, "started_at"), *e = jstr(b, "ended_at");
        /* an overlapping transcript must lie within the recording (YN-2-14, YN-2-17) */
        if (s != NULL && e != NULL && strcmp(s, l->captured_to) <= 0 &&
            strcmp(e, l->captured_from) >= 0 &&
            (strcmp(l->captured_from, s) > 0 || strcmp(l->captured_to, e) < 0))
            json_array_append_new(
                w, json_pack("{ss sI ss ss ss}", "type", "time-mismatch", "record_id",
                             (json_int_t)recs[i].id, "title_zh", "音像记录起止时间与笔录时间不一致",
                             "detail_zh", "笔录时间未被音像记录完整覆盖", "source", SRC_TIMES));
        json_decref(b);
    }
    return w;
}

int app_media_case_list(struct app_ctx *ctx, const struct app_principal *actor, int64_t case_id,
                        json_t **out, struct sx_err *err)
{
    struct app_case_view view;
    struct st_media_link *links = NULL;
    struct st_record *recs = NULL;
    const struct pol_policy *pol = NULL;
    size_t n = 0, nrec = 0;
    json_t *items;
    int rc = app_case_view(ctx, actor, case_id, 0, &view, err);
    if (rc == 0)
        rc = app_policy_for_org(ctx, view.c.org_id, &pol, err);
    if (rc == 0)
        rc = st_media_link_list(ctx->db, case_id, NULL, ctx->arena, &links, &n, err);
    if (rc == 0)
        rc = st_record_list(ctx->db, case_id, ctx->arena, &recs, &nrec, err);
    if (rc != 0)
        return rc;
    items = json_array();
    for (size_t i = 0; items != NULL && i < n; i++) {
        json_t *meta = json_loads(links[i].body, 0, NULL);
        json_t *warn = time_warnings(&links[i], recs, nrec);
        json_array_append_new(
            items,
            json_pack("{sI sI ss sI ss ss ss so* so* so*}", "id", (json_int_t)links[i].id,
                      "record_id", (json_int_t)links[i].record_id, "sm3", links[i].sm3, "size",
                      (json_int_t)links[i].size, "stored_at", links[i].stored_at, "captured_from",
                      links[i].captured_from, "captured_to", links[i].captured_to, "metadata", meta,
                      "storage_deadline", storage_deadline(ctx, pol, &links[i]), "warnings", warn));
    }
    *out = json_pack("{sI so* ss}", "case_id", (json_int_t)case_id, "items", items, "retention",
                     "随案卷保存；保存期满前不得修改或删除 (云南 附件2 第十八、二十条; 湖北 附件2 "
                     "第二十一条)");
    return *out != NULL ? 0 : fail_nomem(err);
}

/* ---- verification hook ---- */

struct verify_ctx {
    const char *dir;
    int (*fn)(void *arg, const char *sm3, int64_t size, int ok, struct sx_err *err);
    void *arg;
    char *buf;
};

static int verify_blob(void *arg, const struct st_media_blob *b, struct sx_err *err)
{
    struct verify_ctx *v = arg;
    char path[4096];
    if (b->deleted_at != NULL)
        return 0; /* removed after its retention; the deletion is on record */
    struct lg_sm3 *h = NULL;
    uint8_t md[LG_SM3_LEN];
    char hex[LG_SM3_HEX_LEN + 1];
    int64_t total = 0;
    int ok = 0, rc;
    snprintf(path, sizeof(path), "%s/sm3/%.2s/%s", v->dir, b->sm3, b->sm3);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    rc = lg_sm3_new(&h, err);
    if (rc == 0 && fd >= 0) {
        ssize_t got;
        while (rc == 0 && (got = read(fd, v->buf, IO_BUF)) > 0) {
            rc = lg_sm3_update(h, v->buf, (size_t)got, err);
            total += got;
        }
        if (rc == 0)
            rc = lg_sm3_final(h, md, err);
        if (rc == 0) {
            lg_hex_encode(md, LG_SM3_LEN, hex);
            hex[LG_SM3_HEX_LEN] = '\0';
            ok = total == b->size && strcmp(hex, b->sm3) == 0;
        }
    }
    if (fd >= 0)
        close(fd);
    lg_sm3_free(h);
    if (rc == 0)
        rc = v->fn(v->arg, b->sm3, b->size, ok, err);
    return rc;
}

int app_media_verify(struct app_ctx *ctx, const char *media_dir,
                     int (*fn)(void *arg, const char *sm3, int64_t size, int ok,
                               struct sx_err *err),
                     void *arg, struct sx_err *err)
{
    struct verify_ctx v = {.dir = media_dir, .fn = fn, .arg = arg, .buf = malloc(IO_BUF)};
    int rc;
    if (v.buf == NULL)
        return fail_nomem(err);
    rc = st_media_blob_iter(ctx->db, verify_blob, &v, err);
    free(v.buf);
    return rc;
}

/* ---- retention and deletion ---- */

/* The last day a file stored at stored_at is kept: the same day APP_MEDIA_RETENTION_MONTHS on. */
static void retain_until(const char *stored_at, char out[11])
{
    int y = 0, m = 0, d = 0;
    if (sscanf(stored_at, "%4d-%2d-%2d", &y, &m, &d) != 3) {
        snprintf(out, 11, "9999-12-31");
        return;
    }
    m += APP_MEDIA_RETENTION_MONTHS;
    while (m > 12) {
        m -= 12;
        y++;
    }
    if (d > cal_days_in_month(y, m))
        d = cal_days_in_month(y, m);
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

int app_media_get(struct app_ctx *ctx, const char *sm3, json_t **out, struct sx_err *err)
{
    struct st_media_blob b;
    struct st_media_link *links = NULL;
    size_t n = 0;
    char until[11];
    int rc;
    if (sm3 == NULL || !is_hex(sm3, LG_SM3_HEX_LEN))
        return SX_FAIL(err, SX_E_INVALID, "bad-sm3", "SM3 哈希格式不正确", "", "sm3",
                       "sm3 须为 64 位小写十六进制");
    rc = st_media_blob_get(ctx->db, sm3, ctx->arena, &b, err);
    if (rc == 0)
        rc = st_media_link_list(ctx->db, 0, sm3, ctx->arena, &links, &n, err);
    if (rc != 0)
        return rc;
    retain_until(b.stored_at, until);
    *out = json_pack("{ss sI ss si ss ss s:s? s:s?}", "sm3", b.sm3, "size", (json_int_t)b.size,
                     "stored_at", b.stored_at, "case_links", (int)n, "retain_until",
                     n > 0 ? "case_file" : until, "retention_source", APP_MEDIA_RETENTION_SOURCE,
                     "deleted_at", b.deleted_at, "deleted_reason", b.deleted_reason);
    return *out != NULL ? 0 : fail_nomem(err);
}

int app_media_delete(struct app_ctx *ctx, const struct app_media_store *ms,
                     const struct app_principal *actor, const char *sm3, const char *reason,
                     struct sx_err *err)
{
    struct st_media_blob b;
    struct st_media_link *links = NULL;
    size_t n = 0;
    char until[11];
    const char *now = app_now(ctx);
    const char *path;
    int rc;
    if (sm3 == NULL || !is_hex(sm3, LG_SM3_HEX_LEN))
        return SX_FAIL(err, SX_E_INVALID, "bad-sm3", "SM3 哈希格式不正确", "", "sm3",
                       "sm3 须为 64 位小写十六进制");
    if (reason == NULL || reason[0] == '\0')
        return SX_FAIL(err, SX_E_INVALID, "reason-missing", "须说明删除理由",
                       APP_MEDIA_RETENTION_SOURCE, "reason", "reason 不能为空");
    rc = st_begin(ctx->db, err);
    if (rc != 0)
        return rc;
    rc = st_media_blob_get(ctx->db, sm3, ctx->arena, &b, err);
    if (rc == 0 && b.deleted_at != NULL)
        rc = SX_FAIL(err, SX_E_CONFLICT, "media-deleted", "该音像文件已删除",
                     APP_MEDIA_RETENTION_SOURCE, "sm3", "已于 %s 删除", b.deleted_at);
    if (rc == 0)
        rc = st_media_link_list(ctx->db, 0, sm3, ctx->arena, &links, &n, err);
    if (rc == 0 && n > 0)
        rc = SX_FAIL(err, SX_E_FORBIDDEN, "case-evidence-kept", "作为案件证据的音像记录随案卷保存",
                     APP_MEDIA_RETENTION_SOURCE, "sm3",
                     "该文件已关联 %zu 条案件记录，须随案卷永久保存，不得删除", n);
    if (rc == 0) {
        retain_until(b.stored_at, until);
        if (strncmp(now, until, 10) <= 0)
            rc = SX_FAIL(err, SX_E_FORBIDDEN, "retention-not-ended", "音像记录保存期限未满",
                         APP_MEDIA_RETENTION_SOURCE, "sm3",
                         "存储于 %.10s，至少保存 %d 个月，%s 之后方可删除", b.stored_at,
                         APP_MEDIA_RETENTION_MONTHS, until);
    }
    if (rc == 0)
        rc = st_media_deletion_insert(ctx->db, sm3, now, actor->user_id, reason, err);
    if (rc == 0)
        rc = app_audit_in_tx(ctx, actor, "media.delete", "media", 0, NULL, err);
    if (rc == 0)
        rc = st_commit(ctx->db, err);
    if (rc != 0) {
        (void)st_rollback(ctx->db, NULL);
        return rc;
    }
    /* recorded first, removed second: a failed unlink leaves a file the record says is gone */
    path = app_media_path(ctx, ms, sm3);
    if (path != NULL && unlink(path) == 0)
        (void)sync_dir(sx_arena_printf(ctx->arena, "%s/sm3/%.2s", ms->dir, sm3));
    return 0;
}
