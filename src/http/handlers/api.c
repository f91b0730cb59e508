/* api: worker set-up, authentication hook, denial auditing and JSON helpers. */
#include "api.h"

#include <stdlib.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "app/auth.h"
#include "app/identity.h"
#include "app/writer.h"
#include "sx_log.h"

#define SESSION_COOKIE "sx_session"

/*
 * The process's short-lived memory of sessions it has checked: the session
 * lookup is a database read and a hash per request, and a browser sends the
 * same cookie many times a second. An entry lives API_SESSION_CACHE_TTL_MS; a
 * logout in this process drops it at once, one in another process (another
 * node) is seen within that time. Shared by the loops under a mutex.
 */
struct api_cached_session {
    char token[AUTH_TOKEN_HEX];
    uint64_t expires_ms; /* 0: empty */
    struct app_principal p;
    char username[API_CACHE_TEXT];
    char display_name[API_CACHE_TEXT];
    char csrf[AUTH_TOKEN_HEX];
};

struct api_session_cache {
    /* every request reads it, from every loop: readers must not wait for each other */
    pthread_rwlock_t lock;
    struct api_cached_session slots[API_SESSION_CACHE_SLOTS];
};

int api_session_cache_new(struct api_session_cache **out)
{
    struct api_session_cache *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return SX_E_NOMEM;
    pthread_rwlock_init(&c->lock, NULL);
    *out = c;
    return 0;
}

void api_session_cache_free(struct api_session_cache *c)
{
    if (c == NULL)
        return;
    pthread_rwlock_destroy(&c->lock);
    free(c);
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static struct api_cached_session *cache_slot(struct api_session_cache *c, const char *token)
{
    uint32_t h = 2166136261u; /* FNV-1a over the token, which is random already */
    for (const char *p = token; *p != '\0'; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    return &c->slots[h % API_SESSION_CACHE_SLOTS];
}

/* Copy a live cached principal into out (strings into arena); 0 if none. */
static int cache_get(struct api_session_cache *c, const char *token, struct sx_arena *arena,
                     struct app_principal *out)
{
    int hit = 0;
    if (c == NULL || token == NULL)
        return 0;
    pthread_rwlock_rdlock(&c->lock);
    struct api_cached_session *e = cache_slot(c, token);
    if (e->expires_ms != 0 && e->expires_ms >= now_ms() && strcmp(e->token, token) == 0) {
        *out = e->p;
        out->username = sx_arena_strdup(arena, e->username);
        out->display_name = sx_arena_strdup(arena, e->display_name);
        out->csrf_token = e->p.csrf_token != NULL ? sx_arena_strdup(arena, e->csrf) : NULL;
        hit = out->username != NULL && out->display_name != NULL;
    }
    pthread_rwlock_unlock(&c->lock);
    return hit;
}

static void cache_put(struct api_session_cache *c, const char *token,
                      const struct app_principal *p)
{
    if (c == NULL || token == NULL || strlen(token) >= AUTH_TOKEN_HEX ||
        strlen(p->username) >= API_CACHE_TEXT || strlen(p->display_name) >= API_CACHE_TEXT ||
        (p->csrf_token != NULL && strlen(p->csrf_token) >= AUTH_TOKEN_HEX))
        return;
    pthread_rwlock_wrlock(&c->lock);
    struct api_cached_session *e = cache_slot(c, token);
    memcpy(e->token, token, strlen(token) + 1);
    memcpy(e->username, p->username, strlen(p->username) + 1);
    memcpy(e->display_name, p->display_name, strlen(p->display_name) + 1);
    memcpy(e->csrf, p->csrf_token != NULL ? p->csrf_token : "",
           p->csrf_token != NULL ? strlen(p->csrf_token) + 1 : 1);
    e->p = *p;
    e->expires_ms = now_ms() + API_SESSION_CACHE_TTL_MS;
    pthread_rwlock_unlock(&c->lock);
}

void api_forget_session(struct http_req *r, const char *token)
{
    const struct api_app *a = r->app;
    if (a->sessions == NULL || token == NULL)
        return;
    pthread_rwlock_wrlock(&a->sessions->lock);
    struct api_cached_session *e = cache_slot(a->sessions, token);
    if (strcmp(e->token, token) == 0)
        e->expires_ms = 0;
    pthread_rwlock_unlock(&a->sessions->lock);
}

void api_forget_all_sessions(struct http_req *r)
{
    const struct api_app *a = r->app;
    if (a->sessions == NULL)
        return;
    pthread_rwlock_wrlock(&a->sessions->lock);
    for (size_t i = 0; i < API_SESSION_CACHE_SLOTS; i++)
        a->sessions->slots[i].expires_ms = 0;
    pthread_rwlock_unlock(&a->sessions->lock);
}

int api_worker_init(void *app, unsigned worker_index, void **worker_state, struct sx_err *err)
{
    const struct api_app *a = app;
    struct app_ctx *ctx = calloc(1, sizeof(*ctx));
    int rc;
    if (ctx == NULL)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", NULL, NULL, "worker %u",
                       worker_index);
    rc = app_ctx_open(a->app, a->db_url, ctx, err);
    if (rc == 0)
        rc = st_schema_check(ctx->db, err);
    if (rc != 0) {
        app_ctx_close(ctx);
        free(ctx);
        return rc;
    }
    /* the loop's reads share one snapshot per batch of events (st_read_hold) */
    st_read_hold(ctx->db, 1);
    *worker_state = ctx;
    return 0;
}

void api_worker_idle(void *app, void *worker_state)
{
    struct app_ctx *ctx = worker_state;
    (void)app;
    st_read_release(ctx->db);
}

void api_worker_fini(void *app, void *worker_state)
{
    struct app_ctx *ctx = worker_state;
    (void)app;
    if (ctx == NULL)
        return;
    app_ctx_close(ctx);
    free(ctx);
}

struct app_ctx *api_ctx(struct http_req *r)
{
    struct app_ctx *ctx = r->worker;
    ctx->arena = r->arena;
    return ctx;
}

const struct app_principal *api_principal(const struct http_req *r)
{
    return r->principal;
}

/* Compare secrets in time independent of where they differ. */
static int secret_equal(const char *a, const char *b)
{
    size_t la = strlen(a);
    size_t lb = strlen(b);
    unsigned char diff = (unsigned char)(la != lb);
    for (size_t i = 0; i < la && i < lb; i++)
        diff |= (unsigned char)(a[i] ^ b[i]);
    return diff == 0;
}

static int authenticate(struct http_req *r, struct app_ctx *ctx, unsigned flags,
                        struct app_principal *p, struct sx_err *err)
{
    const char *authz = http_header(r, "authorization");
    int rc;
    if (authz != NULL && strncmp(authz, "Bearer ", 7) == 0)
        return app_auth_token(ctx, authz + 7, p, err);
    const struct api_app *a = r->app;
    const char *token = http_cookie(r, SESSION_COOKIE);
    if (!cache_get(a->sessions, token, r->arena, p)) {
        rc = app_auth_session(ctx, token, p, err);
        if (rc != 0)
            return rc;
        cache_put(a->sessions, token, p);
    }
    if ((flags & HTTP_AUTH_CSRF) != 0 && !http_method_is_safe(r->method)) {
        const char *csrf = http_header(r, "x-csrf-token");
        if (csrf == NULL || p->csrf_token == NULL || !secret_equal(csrf, p->csrf_token))
            return SX_FAIL(err, SX_E_FORBIDDEN, "csrf-token-invalid", "请求缺少有效的 CSRF 令牌",
                           "DESIGN §6 安全", "X-CSRF-Token",
                           "修改数据的请求须在 X-CSRF-Token 头中带上登录时返回的 csrf_token");
    }
    return 0;
}

int api_authenticate(struct http_req *r, unsigned flags, struct sx_err *err)
{
    struct app_ctx *ctx = api_ctx(r);
    struct app_principal *p = sx_arena_alloc(r->arena, sizeof(*p));
    unsigned roles = flags >> HTTP_FLAG_APP_SHIFT;
    int rc;
    if (p == NULL)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", NULL, NULL, "principal");
    rc = authenticate(r, ctx, flags, p, err);
    if (rc == SX_E_AUTH && (flags & HTTP_AUTH_OPTIONAL) != 0)
        return rc;
    if (rc == 0 && roles != 0)
        rc = app_require_role(p, roles, r->route->summary_zh, err);
    if (rc != 0) {
        app_audit(ctx, rc == SX_E_AUTH ? NULL : p, NULL, "access", r->path,
                  rc == SX_E_AUTH ? "failed" : "denied", http_client_ip(r), err->type);
        return rc;
    }
    r->principal = p;
    return 0;
}

int api_health(struct http_req *r, struct sx_err *err)
{
    return st_schema_check(api_ctx(r)->db, err);
}

int api_metrics(struct http_req *r, struct sx_buf *out)
{
    const struct api_app *api = r->app;
    struct app_ctx *ctx = api_ctx(r);
    struct st_counts counts;
    struct sx_err err;
    uint64_t groups = 0;
    uint64_t jobs = 0;
    int rc = 0;
    if (api->writer != NULL) {
        app_writer_stats(api->writer, &groups, &jobs);
        rc = sx_buf_printf(out,
                           "# HELP sanxiang_writer_groups_total Transactions committed by the "
                           "group-commit writer.\n"
                           "# TYPE sanxiang_writer_groups_total counter\n"
                           "sanxiang_writer_groups_total %llu\n"
                           "# HELP sanxiang_writer_jobs_total Writes (record appends) run by the "
                           "group-commit writer.\n"
                           "# TYPE sanxiang_writer_jobs_total counter\n"
                           "sanxiang_writer_jobs_total %llu\n",
                           (unsigned long long)groups, (unsigned long long)jobs);
    }
    sx_err_clear(&err);
    if (rc == 0 && st_counts(ctx->db, app_now(ctx), &counts, &err) == 0)
        rc = sx_buf_printf(out,
                           "# HELP sanxiang_rows Rows in the main tables.\n"
                           "# TYPE sanxiang_rows gauge\n"
                           "sanxiang_rows{table=\"orgs\"} %lld\n"
                           "sanxiang_rows{table=\"users\"} %lld\n"
                           "sanxiang_rows{table=\"cases\"} %lld\n"
                           "sanxiang_rows{table=\"records\"} %lld\n"
                           "sanxiang_rows{table=\"audit_log\"} %lld\n"
                           "sanxiang_sessions_active %lld\n",
                           (long long)counts.orgs, (long long)counts.users,
                           (long long)counts.cases, (long long)counts.records,
                           (long long)counts.audit_entries, (long long)counts.sessions_active);
    return rc;
}

int api_done(struct http_req *r, int rc, struct sx_err *err)
{
    if (rc == SX_E_FORBIDDEN || rc == SX_E_AUTH || rc == SX_E_GATE) {
        struct app_ctx *ctx = api_ctx(r);
        const char *detail = sx_arena_printf(r->arena, "%s %s", err->type, err->source);
        app_audit(ctx, r->principal, NULL, r->route != NULL ? r->route->pattern : r->path, r->path,
                  "denied", http_client_ip(r), detail);
    } else if (rc != 0) {
        /* a failed use case left no transaction open */
        struct app_ctx *ctx = api_ctx(r);
        if (st_in_tx(ctx->db))
            (void)st_rollback(ctx->db, NULL);
    }
    return rc;
}

json_t *api_str(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}

const char *api_get_str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

int64_t api_get_int(const json_t *obj, const char *key)
{
    return (int64_t)json_integer_value(json_object_get(obj, key));
}

int api_send_page(struct http_req *r, json_t *items, int more, int64_t last_id, struct sx_err *err)
{
    json_t *body = json_object();
    int rc;
    if (body == NULL || items == NULL) {
        json_decref(body);
        json_decref(items);
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", NULL, NULL, "page");
    }
    json_object_set_new(body, "items", items);
    rc = http_page_set_next(body, more, last_id, err);
    if (rc != 0) {
        json_decref(body);
        return rc;
    }
    return http_send_json(r, 200, body, err);
}

json_t *api_org_json(const struct st_org *o)
{
    return json_pack("{sI sI ss ss ss ss so so so so so so so ss ss}", "id", (json_int_t)o->id,
                     "parent_id", (json_int_t)o->parent_id, "code", o->code, "name", o->name,
                     "short_name", o->short_name, "level", o->level, "region", api_str(o->region),
                     "address", api_str(o->address), "head", api_str(o->head), "phone",
                     api_str(o->phone), "supervise_phone", api_str(o->supervise_phone),
                     "categories", api_str(o->categories), "qualification",
                     api_str(o->qualification), "policy",
                     o->policy != NULL ? o->policy : "national", "created_at", o->created_at);
}

json_t *api_user_json(const struct st_user *u)
{
    return json_pack("{sI sI ss ss ss so so so so sb so}", "id", (json_int_t)u->id, "org_id",
                     (json_int_t)u->org_id, "username", u->username, "display_name",
                     u->display_name, "roles", u->roles, "cert_no", api_str(u->cert_no),
                     "cert_valid_from", api_str(u->cert_valid_from), "cert_valid_to",
                     api_str(u->cert_valid_to), "post", api_str(u->post), "disabled",
                     u->disabled != 0, "created_at", api_str(u->created_at));
}

json_t *api_principal_json(const struct app_principal *p)
{
    char roles[APP_ROLES_TEXT_MAX];
    return json_pack("{sI sI ss ss ss sb}", "id", (json_int_t)p->user_id, "org_id",
                     (json_int_t)p->org_id, "username", p->username, "display_name",
                     p->display_name, "roles", app_roles_format(p->roles, roles), "via_token",
                     p->via_token);
}
