/* documents: templates → filled, numbered, rendered, SM2-signed PDFs recorded in the case chain. */
#include "documents.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/cases.h"
#include "app/files.h"
#include "core/catalog.h"
#include "core/numbering.h"
#include "core/policy.h"
#include "core/tpl.h"
#include "core/wf.h"
#include "ledger/crypto.h"
#include "render/pdf.h"
#include "store/store.h"

#define SRC_DOCS "湖北 附件2 第十一条 (HB-2-11); 湖北 附件2 第二十二条 (HB-2-22)"
#define ACTION_ISSUE "issue_document"
#define RECORD_ISSUED "document_issued"
#define MAX_TEMPLATES 128

static int fail_nomem(struct sx_err *err)
{
    return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "documents");
}

/* ---- templates ---- */

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int app_templates_load(struct app *app, struct sx_err *err)
{
    char dir[4096];
    char *names[MAX_TEMPLATES];
    size_t n = 0;
    int rc = 0;
    struct sx_buf text;
    snprintf(dir, sizeof(dir), "%s/data/templates", app->data_dir);
    DIR *d = opendir(dir);
    if (d == NULL)
        return SX_FAIL(err, SX_E_IO, "templates-dir-unreadable", "无法读取文书模板目录", TPL_SOURCE,
                       "", "%s: %s", dir, strerror(errno));
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len <= 4 || strcmp(e->d_name + len - 4, ".tpl") != 0)
            continue;
        if (n == MAX_TEMPLATES) {
            rc = SX_FAIL(err, SX_E_TOOBIG, "too-many-templates", "文书模板过多", TPL_SOURCE, "",
                         "%s 中的模板超过 %d 个", dir, MAX_TEMPLATES);
            break;
        }
        names[n] = strndup(e->d_name, len - 4);
        if (names[n] == NULL) {
            rc = fail_nomem(err);
            break;
        }
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof(names[0]), name_cmp);
    app->templates = rc == 0 ? calloc(n + 1, sizeof(*app->templates)) : NULL;
    if (rc == 0 && app->templates == NULL)
        rc = fail_nomem(err);
    sx_buf_init(&text, TPL_TEXT_MAX + 1);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char path[4400];
        snprintf(path, sizeof(path), "%s/%s.tpl", dir, names[i]);
        sx_buf_reset(&text);
        rc = app_file_read(path, &text, err);
        if (rc == 0)
            rc = tpl_load(app->catalog, names[i], text.data, text.len,
                          &app->templates[app->n_templates], err);
        if (rc == 0)
            app->n_templates++;
    }
    sx_buf_free(&text);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    return rc;
}

void app_templates_free(struct app *app)
{
    for (size_t i = 0; i < app->n_templates; i++)
        tpl_free(app->templates[i]);
    free(app->templates);
    app->templates = NULL;
    app->n_templates = 0;
}

const struct tpl_template *app_template_find(const struct app *app, const char *key)
{
    for (size_t i = 0; key != NULL && i < app->n_templates; i++) {
        if (strcmp(tpl_info(app->templates[i])->key, key) == 0)
            return app->templates[i];
    }
    return NULL;
}

/* ---- org keys ---- */

static int code_is_safe(const char *code)
{
    if (code == NULL || code[0] == '\0' || strlen(code) > 64)
        return 0;
    for (const char *p = code; *p != '\0'; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_'))
            return 0;
    }
    return 1;
}

/* mkdir -p dir with mode 0700 for the last component. */
static int make_dirs(const char *dir, struct sx_err *err)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s", dir);
    for (char *p = path + 1; *p != '\0'; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0755) != 0 && errno != EEXIST)
            return SX_FAIL(err, SX_E_IO, "keys-dir", "无法创建密钥目录", "", "", "%s: %s", path,
                           strerror(errno));
        *p = '/';
    }
    if (mkdir(path, 0700) != 0 && errno != EEXIST)
        return SX_FAIL(err, SX_E_IO, "keys-dir", "无法创建密钥目录", "", "", "%s: %s", path,
                       strerror(errno));
    return 0;
}

/*
 * The org's key pair: loaded from DIR/org-CODE.pem, or made, written to a
 * temporary file (0600, fsync) and linked into place — link() fails when
 * another worker or node was first, and then its key is the one loaded.
 */
static int org_key(struct app_ctx *ctx, const struct st_org *org, struct lg_sm2_key **key,
                   struct sx_err *err)
{
    const char *dir = ctx->app->keys_dir != NULL ? ctx->app->keys_dir : APP_KEYS_DIR_DEFAULT;
    char path[4200], tmp[4300];
    struct lg_sm2_key *fresh = NULL;
    struct sx_buf pem;
    int fd = -1;
    int rc;
    *key = NULL;
    if (!code_is_safe(org->code))
        return SX_FAIL(err, SX_E_INVALID, "org-code-unsafe", "机构代码不能用作密钥文件名", "",
                       "code", "机构代码只能含字母、数字、- 和 _");
    snprintf(path, sizeof(path), "%s/org-%s.pem", dir, org->code);
    if (access(path, F_OK) == 0)
        return lg_sm2_key_load(path, key, err);
    sx_buf_init(&pem, 16384);
    rc = make_dirs(dir, err);
    if (rc == 0)
        rc = lg_sm2_key_generate(&fresh, err);
    if (rc == 0)
        rc = lg_sm2_key_to_pem(fresh, 1, &pem, err);
    if (rc != 0)
        goto cleanup;
    snprintf(tmp, sizeof(tmp), "%s/.org-%s.%ld.%p.tmp", dir, org->code, (long)getpid(),
             (void *)&pem);
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 || write(fd, pem.data, pem.len) != (ssize_t)pem.len || fsync(fd) != 0) {
        rc = SX_FAIL(err, SX_E_IO, "key-write", "无法保存机构签章密钥", "", "", "%s: %s", tmp,
                     strerror(errno));
        goto cleanup;
    }
    if (link(tmp, path) != 0 && errno != EEXIST) {
        rc = SX_FAIL(err, SX_E_IO, "key-write", "无法保存机构签章密钥", "", "", "%s: %s", path,
                     strerror(errno));
        goto cleanup;
    }
    /* ours or the winner's: the file in place is the org's key */
    rc = lg_sm2_key_load(path, key, err);
cleanup:
    if (fd >= 0) {
        close(fd);
        unlink(tmp);
    }
    lg_sm2_key_free(fresh);
    sx_buf_free(&pem);
    return rc;
}

static int key_id_of(const struct lg_sm2_key *key, char out[65], struct sx_err *err)
{
    struct sx_buf der;
    uint8_t h[LG_SM3_LEN];
    sx_buf_init(&der, 4096);
    int rc = lg_sm2_key_to_spki_der(key, &der, err);
    if (rc == 0)
        rc = lg_sm3(der.data, der.len, h, err);
    if (rc == 0)
        lg_hex_encode(h, sizeof(h), out);
    sx_buf_free(&der);
    return rc;
}

int app_org_public_key(struct app_ctx *ctx, int64_t org_id, struct sx_buf *pem, char key_id[65],
                       struct sx_err *err)
{
    struct st_org org;
    struct lg_sm2_key *key = NULL;
    int rc = st_org_get(ctx->db, org_id, ctx->arena, &org, err);
    if (rc == 0)
        rc = org_key(ctx, &org, &key, err);
    if (rc == 0)
        rc = key_id_of(key, key_id, err);
    if (rc == 0)
        rc = lg_sm2_key_to_pem(key, 0, pem, err);
    lg_sm2_key_free(key);
    return rc;
}

/* ---- the fill model ---- */

static const char *source_name(const char *s)
{
    static const char *const map[][2] = {
        {"complaint", "投诉"}, {"report", "举报"},       {"inspection", "检查发现"},
        {"transfer", "移送"},  {"assigned", "上级交办"}, {"application", "依申请"},
    };
    for (size_t i = 0; s != NULL && i < sizeof(map) / sizeof(map[0]); i++) {
        if (strcmp(map[i][0], s) == 0)
            return map[i][1];
    }
    return s;
}

static const char *kind_name(const struct app *app, const char *kind)
{
    for (size_t i = 0; i < cat_kind_count(app->catalog); i++) {
        if (strcmp(cat_kind_at(app->catalog, i)->key, kind) == 0)
            return cat_kind_at(app->catalog, i)->name_zh;
    }
    return kind;
}

/* The civil date (UTC+8) of an ISO UTC time "YYYY-MM-DDTHH:MM:SSZ", in arena; NULL if bad. */
static const char *civil_date_of(struct sx_arena *a, const char *iso)
{
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    if (iso == NULL || strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm) == NULL)
        return NULL;
    time_t t = timegm(&tm) + 8 * 3600;
    gmtime_r(&t, &tm);
    char buf[16];
    strftime(buf, sizeof(buf), "%Y-%m-%d", &tm);
    return sx_arena_strdup(a, buf);
}

static json_t *jstr(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}

static json_t *user_json(const struct st_user *u)
{
    return json_pack("{sI so so so}", "id", (json_int_t)u->id, "display_name",
                     jstr(u->display_name), "cert_no", jstr(u->cert_no), "post", jstr(u->post));
}

/* Users met while expanding user_ids fields, so each is read once. */
struct user_cache {
    int64_t ids[64];
    json_t *objs[64];
    size_t n;
};

static json_t *user_lookup(struct app_ctx *ctx, struct user_cache *uc, int64_t id)
{
    for (size_t i = 0; i < uc->n; i++) {
        if (uc->ids[i] == id)
            return json_incref(uc->objs[i]);
    }
    struct st_user u;
    struct sx_err ignored;
    json_t *o = st_user_get(ctx->db, id, ctx->arena, &u, &ignored) == 0
                    ? user_json(&u)
                    : json_pack("{sI}", "id", (json_int_t)id);
    if (o != NULL && uc->n < sizeof(uc->ids) / sizeof(uc->ids[0])) {
        uc->ids[uc->n] = id;
        uc->objs[uc->n++] = json_incref(o);
    }
    return o;
}

/* Replace the user ids of every user_ids field of body (type t) by user objects. */
static void expand_users(struct app_ctx *ctx, struct user_cache *uc, const struct cat_type *t,
                         json_t *body)
{
    for (size_t i = 0; i < t->n_fields; i++) {
        if (t->fields[i].type != CAT_F_USER_IDS)
            continue;
        json_t *arr = json_object_get(body, t->fields[i].name);
        size_t k;
        json_t *v;
        json_array_foreach(arr, k, v)
        {
            if (json_is_integer(v)) {
                json_t *o = user_lookup(ctx, uc, (int64_t)json_integer_value(v));
                if (o != NULL)
                    json_array_set_new(arr, k, o);
            }
        }
    }
}

struct doc_case {
    struct app_case_view v;
    struct st_org org;
    struct st_record *recs;
    size_t n_recs;
};

static int load_case(struct app_ctx *ctx, const struct app_principal *actor, int64_t case_id,
                     struct doc_case *dc, struct sx_err *err)
{
    int rc = actor != NULL ? app_case_view(ctx, actor, case_id, 0, &dc->v, err) : 0;
    if (rc == 0 && actor == NULL) {
        memset(&dc->v, 0, sizeof(dc->v));
        rc = st_case_page(ctx->db, case_id, ctx->arena, &dc->v.c, &dc->v.parties, &dc->v.n_parties,
                          &dc->v.officers, &dc->v.n_officers, err);
    }
    if (rc == 0)
        rc = st_org_get(ctx->db, dc->v.c.org_id, ctx->arena, &dc->org, err);
    if (rc == 0)
        rc = st_record_list(ctx->db, case_id, ctx->arena, &dc->recs, &dc->n_recs, err);
    return rc;
}

/*
 * The JSON model core/tpl fills from (see tpl.h). Caller owns the result. The
 * record chosen by from_record (if any) is what record.TYPE means for its type.
 */
static int build_model(struct app_ctx *ctx, const struct doc_case *dc, const char *number,
                       const char *today, int64_t from_record, json_t **out, struct sx_err *err)
{
    const struct st_case *c = &dc->v.c;
    struct user_cache uc;
    int rc = 0;
    memset(&uc, 0, sizeof(uc));
    json_t *parties = json_array();
    json_t *officers = json_array();
    json_t *records = json_object();
    json_t *latest = json_object();
    json_t *m = json_pack(
        "{s{so ss ss} s{so so so so so so} s{so so so ss so so so so sI sI sI sI}}", "doc",
        "number", jstr(number), "date", today, "date_zh", today, "org", "name", jstr(dc->org.name),
        "short_name", jstr(dc->org.short_name), "address", jstr(dc->org.address), "phone",
        jstr(dc->org.phone), "head", jstr(dc->org.head), "supervise_phone",
        jstr(dc->org.supervise_phone), "case", "number", jstr(c->number), "cause", jstr(c->cause),
        "summary", jstr(c->summary), "kind_name", kind_name(ctx->app, c->kind), "source_name",
        jstr(source_name(c->source)), "state_name", jstr(dc->v.state_name_zh), "created_at",
        jstr(c->created_at), "created_on", jstr(civil_date_of(ctx->arena, c->created_at)),
        "fine_fen", (json_int_t)c->fine_fen, "confiscation_fen", (json_int_t)c->confiscation_fen,
        "fund_recovery_fen", (json_int_t)c->fund_recovery_fen, "payment_refusal_fen",
        (json_int_t)c->payment_refusal_fen);
    if (m == NULL || parties == NULL || officers == NULL || records == NULL || latest == NULL) {
        rc = fail_nomem(err);
        goto cleanup;
    }
    for (size_t i = 0; i < dc->v.n_parties; i++) {
        const struct st_party *p = &dc->v.parties[i];
        json_array_append_new(parties,
                              json_pack("{ss so so so so so so}", "kind_name",
                                        strcmp(p->kind, "person") == 0 ? "自然人" : "单位", "name",
                                        jstr(p->name), "id_number", jstr(p->id_number), "uscc",
                                        jstr(p->uscc), "legal_rep", jstr(p->legal_rep), "address",
                                        jstr(p->address), "phone", jstr(p->phone)));
    }
    for (size_t i = 0; i < dc->v.n_officers; i++)
        json_array_append_new(officers, user_json(&dc->v.officers[i]));
    for (size_t i = 0; i < dc->n_recs; i++) {
        const struct st_record *r = &dc->recs[i];
        const struct cat_type *t = cat_find(ctx->app->catalog, r->type);
        if (t == NULL)
            continue;
        json_t *body = json_loads(r->body, 0, NULL);
        if (!json_is_object(body)) {
            json_decref(body);
            continue;
        }
        expand_users(ctx, &uc, t, body);
        json_object_set_new(body, "at", json_string(r->at));
        json_object_set_new(body, "seq", json_integer(r->seq));
        json_t *list = json_object_get(records, r->type);
        if (list == NULL) {
            list = json_array();
            json_object_set_new(records, r->type, list);
        }
        json_array_append(list, body);
        /* the latest of its type, unless another record of the type was chosen */
        const json_t *chosen = json_object_get(latest, r->type);
        int keep_chosen = chosen != NULL && from_record != 0 &&
                          json_integer_value(json_object_get(chosen, "id")) == from_record;
        if (!keep_chosen) {
            json_object_set_new(body, "id", json_integer(r->id));
            json_object_set(latest, r->type, body);
        }
        json_decref(body);
    }
    if (json_array_size(parties) > 0)
        json_object_set(m, "party", json_array_get(parties, 0));
    json_object_set_new(m, "parties", parties);
    json_object_set_new(m, "officers", officers);
    json_object_set_new(m, "records", records);
    json_object_set_new(m, "record", latest);
    parties = officers = records = latest = NULL;
    *out = m;
    m = NULL;
cleanup:
    for (size_t i = 0; i < uc.n; i++)
        json_decref(uc.objs[i]);
    json_decref(m);
    json_decref(parties);
    json_decref(officers);
    json_decref(records);
    json_decref(latest);
    return rc;
}

/* ---- issue ---- */

/* The template's provision for errors (never NULL: sx_err copies it). */
static const char *src_of(const struct tpl_info *info)
{
    return info->source != NULL ? info->source : TPL_SOURCE;
}

static int check_template(struct app_ctx *ctx, const struct doc_case *dc, const char *key,
                          int64_t from_record, const struct tpl_template **out, struct sx_err *err)
{
    const struct tpl_template *t = app_template_find(ctx->app, key);
    char shown[80];
    if (t == NULL)
        return SX_FAIL(err, SX_E_NOTFOUND, "unknown-template", "没有这种文书模板", TPL_SOURCE,
                       "template", "没有名为 %s 的文书模板（data/templates/）",
                       sx_clip(shown, sizeof(shown), key));
    const struct tpl_info *info = tpl_info(t);
    if (!tpl_allows_kind(t, dc->v.c.kind))
        return SX_FAIL(err, SX_E_INVALID, "template-not-for-kind", "该文书不适用于此类案件",
                       src_of(info), "template", "「%s」不适用于%s案件", info->title,
                       kind_name(ctx->app, dc->v.c.kind));
    for (size_t i = 0; i < info->n_needs; i++) {
        int found = 0;
        for (size_t r = 0; !found && r < dc->n_recs; r++)
            found = strcmp(dc->recs[r].type, info->needs[i]) == 0;
        if (!found) {
            const struct cat_type *ct = cat_find(ctx->app->catalog, info->needs[i]);
            return SX_FAIL(err, SX_E_INVALID, "document-needs-record",
                           "制作该文书所需的记录尚未完成", src_of(info), "template",
                           "制作「%s」须先有「%s」记录", info->title,
                           ct != NULL ? ct->name_zh : info->needs[i]);
        }
    }
    if (from_record != 0) {
        int found = 0;
        for (size_t r = 0; !found && r < dc->n_recs; r++)
            found = dc->recs[r].id == from_record;
        if (!found)
            return SX_FAIL(err, SX_E_INVALID, "record-not-in-case", "所选记录不属于本案", SRC_DOCS,
                           "from_record", "记录 %lld 不是本案的记录", (long long)from_record);
    }
    *out = t;
    return 0;
}

/* The number the workflow already put in a record (number_from); NULL when the form has none. */
static int number_from_record(struct app_ctx *ctx, const struct doc_case *dc,
                              const struct tpl_info *info, const char **number, struct sx_err *err)
{
    *number = NULL;
    if (info->number_from_type == NULL)
        return 0;
    for (size_t r = dc->n_recs; r-- > 0;) {
        if (strcmp(dc->recs[r].type, info->number_from_type) != 0)
            continue;
        json_t *body = json_loads(dc->recs[r].body, 0, NULL);
        const char *v = json_string_value(json_object_get(body, info->number_from_member));
        *number = v != NULL ? sx_arena_strdup(ctx->arena, v) : NULL;
        json_decref(body);
        break;
    }
    if (*number == NULL)
        return SX_FAIL(err, SX_E_INVALID, "document-data-missing", "生成文书所需的信息尚未记录",
                       src_of(info), "number", "「%s」的编号取自「%s」记录，但本案尚无",
                       info->title, info->number_from_type);
    return 0;
}

/* Number seq of year for the form: the org's preset pattern with the form's kind word. */
static int number_format(struct app_ctx *ctx, const struct doc_case *dc,
                         const struct tpl_info *info, int year, int64_t seq, const char **number,
                         struct sx_err *err)
{
    const struct pol_policy *pol = NULL;
    struct sx_buf text;
    int rc = app_policy_for_org(ctx, dc->v.c.org_id, &pol, err);
    if (rc != 0)
        return rc;
    struct num_fields nf = {
        .prefix = dc->org.short_name, .kind = info->number_word, .year = year, .seq = seq};
    sx_buf_init(&text, 256);
    rc = num_format(pol_numbering_pattern(pol), &nf, &text, err);
    if (rc == 0) {
        *number = sx_arena_strdup(ctx->arena, text.data);
        if (*number == NULL)
            rc = fail_nomem(err);
    }
    sx_buf_free(&text);
    return rc;
}

/* Fill and render t for the case into pdf. */
static int render(struct app_ctx *ctx, const struct doc_case *dc, const struct tpl_template *t,
                  const char *number, int64_t from_record, struct sx_buf *pdf, struct sx_err *err)
{
    const struct tpl_info *info = tpl_info(t);
    const char *today = app_today(ctx);
    json_t *model = NULL;
    struct tpl_doc doc;
    int rc = build_model(ctx, dc, number, today, from_record, &model, err);
    if (rc == 0) {
        json_object_set_new(json_object_get(model, "doc"), "title", json_string(info->title));
        rc = tpl_fill(t, model, ctx->arena, &doc, err);
    }
    if (rc == 0) {
        struct rd_meta meta = {
            .title = number != NULL ? sx_arena_printf(ctx->arena, "%s %s", info->title, number)
                                    : info->title,
            .author = dc->org.name,
            .subject = dc->v.c.number,
            .created = app_now(ctx),
        };
        rc = rd_pdf(&doc, &meta, pdf, err);
    }
    json_decref(model);
    return rc;
}

/* One document from its document_issued record, strings copied into arena. */
static int doc_parse(struct sx_arena *a, const struct st_record *r, int64_t index,
                     struct app_document *d, struct sx_err *err)
{
    json_t *body = json_loads(r->body, 0, NULL);
    memset(d, 0, sizeof(*d));
    d->index = index;
    d->record_id = r->id;
    d->seq = r->seq;
    d->at = r->at;
    d->actor_id = r->actor_id;
    const char *const names[] = {"template", "title", "number", "sm3", "signature", "key_id"};
    const char **slots[] = {&d->template_key, &d->title,     &d->number,
                            &d->sm3,          &d->signature, &d->key_id};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        const char *v = json_string_value(json_object_get(body, names[i]));
        *slots[i] = v != NULL ? sx_arena_strdup(a, v) : NULL;
    }
    d->size = (int64_t)json_integer_value(json_object_get(body, "size"));
    json_decref(body);
    if (d->sm3 == NULL || d->template_key == NULL)
        return SX_FAIL(err, SX_E_INTERNAL, "document-record-bad", "文书记录不完整", SRC_DOCS, "",
                       "记录 %lld", (long long)r->id);
    return 0;
}

/* How often a document is rendered again because another took its number meanwhile. */
#define ISSUE_ATTEMPTS 5

int app_document_issue(struct app_ctx *ctx, const struct app_principal *actor, int64_t case_id,
                       const char *template_key, int64_t from_record, struct app_document *out,
                       struct sx_err *err)
{
    struct doc_case dc;
    const struct tpl_template *t = NULL;
    struct lg_sm2_key *key = NULL;
    struct sx_buf pdf;
    const char *number = NULL;
    char sm3_hex[LG_SM3_HEX_LEN + 1];
    char key_id[65];
    char sig_hex[2 * LG_SM2_SIG_MAX + 1];
    char counter[TPL_KEY_MAX + 8];
    gchar *b64 = NULL;
    json_t *body = NULL;
    struct app_step_result res;
    int rc;
    memset(&dc, 0, sizeof(dc));
    sx_buf_init(&pdf, APP_DOC_PDF_MAX);
    /* read access and the template's preconditions first, outside any transaction */
    rc = load_case(ctx, actor, case_id, &dc, err);
    if (rc == 0)
        rc = check_template(ctx, &dc, template_key, from_record, &t, err);
    if (rc == 0)
        rc = org_key(ctx, &dc.org, &key, err);
    if (rc == 0)
        rc = key_id_of(key, key_id, err);
    if (rc != 0)
        goto cleanup;
    const struct tpl_info *info = tpl_info(t);
    const int counted = info->number_word != NULL;
    const int year = (int)strtol(app_today(ctx), NULL, 10);
    snprintf(counter, sizeof(counter), "doc:%s", info->key);
    rc = number_from_record(ctx, &dc, info, &number, err);
    /*
     * Rendering takes ~0.1 s (Noto CJK subsetting), too long to hold the store's write lock
     * (SQLite serialises every writer behind it). So the document is rendered with the number
     * after the counter's last, outside the transaction; inside it, st_counter_next must give
     * that number, or another document took it meanwhile and this one is rendered again. The
     * number, the bytes and the record still commit together or not at all.
     */
    for (int attempt = 0; rc == 0; attempt++) {
        int64_t seq = 0, got = 0;
        if (attempt == ISSUE_ATTEMPTS) {
            rc = SX_FAIL(err, SX_E_CONFLICT, "document-number-busy", "文书编号繁忙，请重试",
                         src_of(info), "template", "「%s」连续 %d 次取号冲突", info->title,
                         ISSUE_ATTEMPTS);
            break;
        }
        if (counted) {
            rc = st_counter_peek(ctx->db, dc.v.c.org_id, year, counter, &seq, err);
            if (rc == 0)
                rc = number_format(ctx, &dc, info, year, ++seq, &number, err);
        }
        sx_buf_reset(&pdf);
        if (rc == 0)
            rc = render(ctx, &dc, t, number, from_record, &pdf, err);
        uint8_t h[LG_SM3_LEN];
        uint8_t sig[LG_SM2_SIG_MAX];
        size_t sig_len = 0;
        if (rc == 0)
            rc = lg_sm3(pdf.data, pdf.len, h, err);
        if (rc == 0)
            rc = lg_sm2_sign(key, pdf.data, pdf.len, sig, &sig_len, err);
        if (rc != 0)
            break;
        lg_hex_encode(h, sizeof(h), sm3_hex);
        lg_hex_encode(sig, sig_len, sig_hex);
        g_free(b64);
        json_decref(body);
        b64 = g_base64_encode((const guchar *)pdf.data, pdf.len);
        body =
            json_pack("{ss ss ss sI ss ss}", "template", info->key, "title", info->title, "sm3",
                      sm3_hex, "size", (json_int_t)pdf.len, "signature", sig_hex, "key_id", key_id);
        if (body != NULL && number != NULL)
            json_object_set_new(body, "number", json_string(number));
        if (body != NULL && from_record != 0)
            json_object_set_new(body, "from_record", json_integer(from_record));
        if (body == NULL || b64 == NULL) {
            rc = fail_nomem(err);
            break;
        }
        rc = st_begin(ctx->db, err);
        if (rc != 0)
            break;
        if (counted) {
            rc = st_counter_next(ctx->db, dc.v.c.org_id, year, counter, &got, err);
            if (rc == 0 && got != seq) {
                (void)st_rollback(ctx->db, NULL); /* taken meanwhile: render with the next */
                continue;
            }
        }
        if (rc == 0)
            rc = st_doc_blob_put(ctx->db, sm3_hex, (int64_t)pdf.len, b64, app_now(ctx), err);
        if (rc == 0) {
            struct app_step step = {.action = ACTION_ISSUE, .at = NULL, .body = body};
            rc = app_case_step_tx(ctx, actor, case_id, &step, &res, err);
        }
        if (rc == 0)
            rc = st_commit(ctx->db, err);
        if (rc != 0)
            (void)st_rollback(ctx->db, NULL);
        break;
    }
    if (rc != 0)
        goto cleanup;
    /* its place among the case's documents, counted in the chain as committed */
    struct st_record *recs = NULL;
    size_t n = 0;
    int64_t index = 0;
    rc = st_record_list(ctx->db, case_id, ctx->arena, &recs, &n, err);
    for (size_t i = 0; rc == 0 && i < n && recs[i].seq <= res.record.seq; i++)
        index += strcmp(recs[i].type, RECORD_ISSUED) == 0;
    if (rc == 0)
        rc = doc_parse(ctx->arena, &res.record, index, out, err);
cleanup:
    g_free(b64);
    json_decref(body);
    lg_sm2_key_free(key);
    sx_buf_free(&pdf);
    return rc;
}

int app_document_list(struct app_ctx *ctx, const struct app_principal *actor, int64_t case_id,
                      struct app_document **out, size_t *n, struct sx_err *err)
{
    struct app_case_view v;
    struct st_record *recs = NULL;
    size_t nr = 0;
    int rc = app_case_view(ctx, actor, case_id, 0, &v, err);
    if (rc == 0)
        rc = st_record_list(ctx->db, case_id, ctx->arena, &recs, &nr, err);
    if (rc != 0)
        return rc;
    *out = sx_arena_alloc(ctx->arena, (nr + 1) * sizeof(**out));
    if (*out == NULL)
        return fail_nomem(err);
    *n = 0;
    for (size_t i = 0; i < nr; i++) {
        if (strcmp(recs[i].type, RECORD_ISSUED) != 0)
            continue;
        rc = doc_parse(ctx->arena, &recs[i], (int64_t)*n + 1, &(*out)[*n], err);
        if (rc != 0)
            return rc;
        (*n)++;
    }
    return 0;
}

int app_document_pdf(struct app_ctx *ctx, const struct app_principal *actor, int64_t case_id,
                     int64_t index, struct app_document *doc, struct sx_buf *pdf,
                     struct sx_err *err)
{
    struct app_document *docs = NULL;
    size_t n = 0;
    const char *b64 = NULL;
    int64_t size = 0;
    int rc = app_document_list(ctx, actor, case_id, &docs, &n, err);
    if (rc != 0)
        return rc;
    if (index < 1 || (size_t)index > n)
        return SX_FAIL(err, SX_E_NOTFOUND, "document-not-found", "文书不存在", "", "n",
                       "本案没有第 %lld 份文书（共 %zu 份）", (long long)index, n);
    *doc = docs[index - 1];
    rc = st_doc_blob_get(ctx->db, doc->sm3, ctx->arena, &b64, &size, err);
    if (rc != 0)
        return rc;
    gsize len = 0;
    guchar *bytes = g_base64_decode(b64, &len);
    uint8_t h[LG_SM3_LEN];
    char hex[LG_SM3_HEX_LEN + 1];
    rc = bytes != NULL ? lg_sm3(bytes, len, h, err) : fail_nomem(err);
    if (rc == 0) {
        lg_hex_encode(h, sizeof(h), hex);
        if (strcmp(hex, doc->sm3) != 0 || (int64_t)len != doc->size)
            rc = SX_FAIL(err, SX_E_TAMPER, "document-hash-mismatch", "文书文件与签章记录不符",
                         SRC_DOCS, "sm3", "第 %lld 份文书的 SM3 为 %s，记录为 %s", (long long)index,
                         hex, doc->sm3);
    }
    if (rc == 0)
        rc = sx_buf_append(pdf, bytes, len) == 0
                 ? 0
                 : SX_FAIL(err, SX_E_TOOBIG, "document-too-big", "文书过大", "", "", "%zu 字节",
                           (size_t)len);
    g_free(bytes);
    return rc;
}

int app_document_preview(struct app_ctx *ctx, int64_t case_id, const char *template_key,
                         struct sx_buf *pdf, struct sx_err *err)
{
    struct doc_case dc;
    const struct tpl_template *t = NULL;
    memset(&dc, 0, sizeof(dc));
    int rc = load_case(ctx, NULL, case_id, &dc, err);
    if (rc == 0) {
        const struct wf_def *def = NULL;
        enum app_kind k;
        if (app_kind_parse(dc.v.c.kind, &k, NULL) == 0) {
            def = ctx->app->workflows[k];
            const struct wf_state *s = wf_state_find(def, dc.v.c.state);
            dc.v.state_name_zh = s != NULL ? s->name_zh : dc.v.c.state;
        }
        rc = check_template(ctx, &dc, template_key, 0, &t, err);
    }
    if (rc == 0)
        rc = render(ctx, &dc, t, "（预览）", 0, pdf, err);
    return rc;
}

/* ---- the document pool ---- */

struct app_docpool {
    const struct app *app;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    struct app_doc_job *head, *tail; /* FIFO */
    int stopping;
    unsigned n;
    pthread_t threads[APP_DOCPOOL_MAX];
    struct app_ctx ctx[APP_DOCPOOL_MAX];
};

struct pool_arg {
    struct app_docpool *p;
    unsigned i;
};

static void *pool_main(void *arg)
{
    struct app_docpool *p = ((struct pool_arg *)arg)->p;
    struct app_ctx *ctx = &p->ctx[((struct pool_arg *)arg)->i];
    free(arg);
    for (;;) {
        pthread_mutex_lock(&p->lock);
        while (p->head == NULL && !p->stopping)
            pthread_cond_wait(&p->wake, &p->lock);
        struct app_doc_job *job = p->head;
        if (job != NULL) {
            p->head = job->next;
            if (p->head == NULL)
                p->tail = NULL;
        }
        pthread_mutex_unlock(&p->lock);
        if (job == NULL)
            break; /* stopping and drained */
        ctx->arena = job->arena;
        sx_err_clear(&job->err);
        job->rc = app_document_issue(ctx, &job->actor, job->case_id, job->template_key,
                                     job->from_record, &job->doc, &job->err);
        ctx->arena = &ctx->own_arena;
        sx_arena_reset(&ctx->own_arena);
        job->done(job);
    }
    return NULL;
}

int app_docpool_start(const struct app *app, const char *db_url, unsigned threads,
                      struct app_docpool **out, struct sx_err *err)
{
    struct app_docpool *p = calloc(1, sizeof(*p));
    int rc = 0;
    if (p == NULL)
        return fail_nomem(err);
    p->app = app;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    if (threads < 1)
        threads = 1;
    if (threads > APP_DOCPOOL_MAX)
        threads = APP_DOCPOOL_MAX;
    for (unsigned i = 0; rc == 0 && i < threads; i++) {
        struct pool_arg *a = malloc(sizeof(*a));
        rc = a != NULL ? app_ctx_open(app, db_url, &p->ctx[i], err) : fail_nomem(err);
        if (rc != 0) {
            free(a);
            if (a != NULL)
                app_ctx_close(&p->ctx[i]);
            break;
        }
        a->p = p;
        a->i = i;
        if (pthread_create(&p->threads[i], NULL, pool_main, a) != 0) {
            free(a);
            app_ctx_close(&p->ctx[i]);
            rc =
                SX_FAIL(err, SX_E_INTERNAL, "thread", "无法启动文书线程", "", "", "pthread_create");
            break;
        }
        p->n++;
    }
    if (rc != 0) {
        app_docpool_stop(p);
        return rc;
    }
    *out = p;
    return 0;
}

void app_docpool_submit(struct app_docpool *p, struct app_doc_job *job)
{
    job->next = NULL;
    pthread_mutex_lock(&p->lock);
    if (p->stopping) {
        pthread_mutex_unlock(&p->lock);
        job->rc = SX_FAIL(&job->err, SX_E_DB, "shutting-down", "服务正在停止，请稍后重试", "", "",
                          "文书线程已停止");
        job->err.status = 503;
        job->done(job);
        return;
    }
    if (p->tail != NULL)
        p->tail->next = job;
    else
        p->head = job;
    p->tail = job;
    pthread_cond_signal(&p->wake);
    pthread_mutex_unlock(&p->lock);
}

void app_docpool_stop(struct app_docpool *p)
{
    if (p == NULL)
        return;
    pthread_mutex_lock(&p->lock);
    p->stopping = 1;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    for (unsigned i = 0; i < p->n; i++) {
        pthread_join(p->threads[i], NULL);
        app_ctx_close(&p->ctx[i]);
    }
    pthread_cond_destroy(&p->wake);
    pthread_mutex_destroy(&p->lock);
    free(p);
}
