/* identity: orgs, users, sessions, tokens, rate-limited login, audit. */
#include "identity.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "app/auth.h"
#include "core/cal.h"
#include "sx_log.h"

#define SRC_SECURITY "DESIGN §6 安全"

int app_require_role(const struct app_principal *actor, unsigned roles, const char *what,
                     struct sx_err *err)
{
    if (actor == NULL || (actor->roles & roles) != 0)
        return 0;
    char names[APP_ROLES_TEXT_MAX];
    return SX_FAIL(err, SX_E_FORBIDDEN, "role-required", "无权执行该操作", SRC_SECURITY, NULL,
                   "%s需要以下角色之一: %s", what, app_roles_format(roles, names));
}

int app_require_org_role(const struct app_principal *actor, int64_t org_id, unsigned roles,
                         const char *what, struct sx_err *err)
{
    int rc = app_require_role(actor, roles, what, err);
    if (rc != 0 || actor == NULL)
        return rc;
    if (actor->org_id == org_id || ((roles & APP_ROLE_ADMIN) && (actor->roles & APP_ROLE_ADMIN)))
        return 0;
    return SX_FAIL(err, SX_E_FORBIDDEN, "org-scope", "只能办理本机关的事项",
                   "湖北 附件1 第七条 (HB-1-07，谁执法谁公示)", "org_id", "%s只能由本机关人员办理",
                   what);
}

void app_audit_row(struct app_ctx *ctx, const struct app_principal *actor, const char *action,
                   const char *target, int64_t target_id, const char *ip, struct st_audit *a)
{
    *a = (struct st_audit){
        .at = app_now(ctx),
        .user_id = actor != NULL ? actor->user_id : 0,
        .username = actor != NULL ? actor->username : "cli",
        .action = action,
        .target = target_id > 0 && target != NULL
                      ? sx_arena_printf(ctx->arena, "%s:%lld", target, (long long)target_id)
                      : target,
        .outcome = "ok",
        .ip = ip,
    };
}

int app_audit_in_tx(struct app_ctx *ctx, const struct app_principal *actor, const char *action,
                    const char *target, int64_t target_id, const char *ip, struct sx_err *err)
{
    struct st_audit a;
    app_audit_row(ctx, actor, action, target, target_id, ip, &a);
    return st_audit_append(ctx->db, &a, NULL, err);
}

void app_audit(struct app_ctx *ctx, const struct app_principal *actor, const char *username,
               const char *action, const char *target, const char *outcome, const char *ip,
               const char *detail)
{
    struct sx_err err;
    struct st_audit a = {
        .at = app_now(ctx),
        .user_id = actor != NULL ? actor->user_id : 0,
        .username = actor != NULL ? actor->username : username,
        .action = action,
        .target = target,
        .outcome = outcome,
        .ip = ip,
        .detail = detail,
    };
    int rc;
    sx_err_clear(&err);
    if (st_in_tx(ctx->db))
        (void)st_rollback(ctx->db, &err);
    rc = st_begin(ctx->db, &err);
    if (rc == 0)
        rc = st_audit_append(ctx->db, &a, NULL, &err);
    if (rc == 0)
        rc = st_commit(ctx->db, &err);
    if (rc != 0) {
        (void)st_rollback(ctx->db, NULL);
        sx_log(SX_LOG_ERROR, "audit", "audit append failed for %s: %s", action, err.detail);
    }
}

static bool text_ok(const char *s, size_t max)
{
    return s != NULL && s[0] != '\0' && strlen(s) <= max;
}

static int check_date_field(const char *value, const char *field, const char *label,
                            struct sx_err *err)
{
    int32_t d;
    int rc = cal_date_parse(value, &d, err);
    if (rc != 0) {
        snprintf(err->field, sizeof(err->field), "%s", field);
        return SX_FAIL(err, SX_E_INVALID, "invalid-date", "日期无效", NULL, field,
                       "%s不是有效日期: %s", label, value);
    }
    return 0;
}

static const char *const org_levels[] = {"province", "city", "county", "unit"};

static int org_level_rank(const char *level)
{
    for (int i = 0; i < 4; i++) {
        if (strcmp(level, org_levels[i]) == 0)
            return i;
    }
    return -1;
}

static int validate_org(struct app_ctx *ctx, const struct st_org *in, struct sx_err *err)
{
    int rank;
    if (!text_ok(in->code, 64))
        return SX_FAIL(err, SX_E_INVALID, "invalid-org", "机构编码无效", NULL, "code",
                       "机构编码不能为空且不超过 64 个字符");
    for (const char *p = in->code; *p != '\0'; p++) {
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
            return SX_FAIL(err, SX_E_INVALID, "invalid-org", "机构编码无效", NULL, "code",
                           "机构编码只能包含字母、数字、- 和 _: %s", in->code);
    }
    if (!text_ok(in->name, 200))
        return SX_FAIL(err, SX_E_INVALID, "invalid-org", "机构名称无效", NULL, "name",
                       "机构名称不能为空且不超过 200 个字节");
    if (!text_ok(in->short_name, 24))
        return SX_FAIL(err, SX_E_INVALID, "invalid-org", "机构简称无效", NULL, "short_name",
                       "机构简称（用于案件编号，如“京”）不能为空且不超过 8 个汉字");
    if (in->level == NULL || (rank = org_level_rank(in->level)) < 0)
        return SX_FAIL(err, SX_E_INVALID, "invalid-org", "机构层级无效", NULL, "level",
                       "层级须为 province、city、county 或 unit");
    if (in->parent_id == 0) {
        if (rank != 0)
            return SX_FAIL(err, SX_E_INVALID, "invalid-org-tree", "机构层级与上级不符", NULL,
                           "parent_id", "只有省级机构可以没有上级机构");
        return 0;
    }
    struct st_org parent;
    int rc = st_org_get(ctx->db, in->parent_id, ctx->arena, &parent, err);
    if (rc == SX_E_NOTFOUND)
        return SX_FAIL(err, SX_E_INVALID, "invalid-org-tree", "上级机构不存在", NULL, "parent_id",
                       "上级机构 %lld 不存在", (long long)in->parent_id);
    if (rc != 0)
        return rc;
    int prank = org_level_rank(parent.level);
    if (rank != 3 && rank != prank + 1)
        return SX_FAIL(
            err, SX_E_INVALID, "invalid-org-tree", "机构层级与上级不符", NULL, "level",
            "%s 级机构不能设在 %s 级机构之下（省 → 市 → 县，执法总队等单位可设在任一级之下）",
            in->level, parent.level);
    return 0;
}

int app_org_create(struct app_ctx *ctx, const struct app_principal *actor, const struct st_org *in,
                   int64_t *id, struct sx_err *err)
{
    int rc = app_require_role(actor, APP_ROLE_ADMIN, "创建机构", err);
    if (rc != 0)
        return rc;
    rc = st_begin(ctx->db, err);
    if (rc != 0)
        return rc;
    rc = validate_org(ctx, in, err);
    if (rc == 0 && in->policy != NULL)
        rc = app_policy_exists(ctx->app, in->policy, err);
    if (rc == 0) {
        struct st_org o = *in;
        o.created_at = app_now(ctx);
        if (o.policy == NULL) {
            /* the installation's default, chosen at `init --policy` */
            struct sx_err ignored;
            if (st_setting_get(ctx->db, "default_policy", ctx->arena, &o.policy, &ignored) != 0)
                o.policy = "national";
        }
        rc = st_org_insert(ctx->db, &o, id, err);
        if (rc == SX_E_CONFLICT)
            rc = SX_FAIL(err, SX_E_CONFLICT, "duplicate-org", "机构编码已存在", NULL, "code",
                         "机构编码 %s 已被使用", in->code);
    }
    if (rc == 0)
        rc = app_audit_in_tx(ctx, actor, "org.create", "org", *id, NULL, err);
    if (rc == 0)
        rc = st_commit(ctx->db, err);
    if (rc != 0)
        (void)st_rollback(ctx->db, NULL);
    return rc;
}

static int validate_user(const struct st_user *in, unsigned *roles, struct sx_err *err)
{
    int rc;
    if (!text_ok(in->username, 64))
        return SX_FAIL(err, SX_E_INVALID, "invalid-user", "用户名无效", NULL, "username",
                       "用户名不能为空且不超过 64 个字符");
    for (const char *p = in->username; *p != '\0'; p++) {
        if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' && *p != '-')
            return SX_FAIL(err, SX_E_INVALID, "invalid-user", "用户名无效", NULL, "username",
                           "用户名只能包含字母、数字、.、_ 和 -");
    }
    if (!text_ok(in->display_name, 100))
        return SX_FAIL(err, SX_E_INVALID, "invalid-user", "姓名无效", NULL, "display_name",
                       "姓名不能为空且不超过 100 个字节");
    rc = app_roles_parse(in->roles != NULL ? in->roles : "", roles, err);
    if (rc != 0)
        return rc;
    if (*roles == 0)
        return SX_FAIL(err, SX_E_INVALID, "invalid-user", "未指定角色", NULL, "roles",
                       "至少需要一个角色");
    if ((*roles & APP_ROLE_OFFICER) != 0) {
        /* YN-1-07 / BJ-2.1-4: officers are published with their credential number. */
        if (!text_ok(in->cert_no, 64) || in->cert_valid_from == NULL || in->cert_valid_to == NULL)
            return SX_FAIL(err, SX_E_INVALID, "officer-credential-missing",
                           "执法人员须登记执法证号及有效期", "云南 附件1 第七条 (YN-1-07)",
                           "cert_no", "执法人员须填写执法证号、有效期起止日期");
    }
    if (in->cert_valid_from != NULL) {
        rc = check_date_field(in->cert_valid_from, "cert_valid_from", "执法证有效期起始日", err);
        if (rc != 0)
            return rc;
    }
    if (in->cert_valid_to != NULL) {
        rc = check_date_field(in->cert_valid_to, "cert_valid_to", "执法证有效期截止日", err);
        if (rc != 0)
            return rc;
    }
    if (in->cert_valid_from != NULL && in->cert_valid_to != NULL &&
        strcmp(in->cert_valid_from, in->cert_valid_to) > 0)
        return SX_FAIL(err, SX_E_INVALID, "invalid-date", "执法证有效期起止颠倒", NULL,
                       "cert_valid_to", "截止日 %s 早于起始日 %s", in->cert_valid_to,
                       in->cert_valid_from);
    return 0;
}

int app_user_create(struct app_ctx *ctx, const struct app_principal *actor,
                    const struct st_user *in, const char *password, int64_t *id, struct sx_err *err)
{
    unsigned roles = 0;
    char hash[AUTH_HASH_MAX];
    struct st_org org;
    int rc = app_require_role(actor, APP_ROLE_ADMIN, "创建用户", err);
    if (rc != 0)
        return rc;
    rc = validate_user(in, &roles, err);
    if (rc != 0)
        return rc;
    /* hash before the transaction: Argon2id is deliberately slow */
    rc = auth_password_hash(password != NULL ? password : "", auth_default_params(), hash, err);
    if (rc != 0)
        return rc;
    rc = st_begin(ctx->db, err);
    if (rc != 0)
        return rc;
    rc = st_org_get(ctx->db, in->org_id, ctx->arena, &org, err);
    if (rc == SX_E_NOTFOUND)
        rc = SX_FAIL(err, SX_E_INVALID, "unknown-org", "所属机构不存在", NULL, "org_id",
                     "机构 %lld 不存在", (long long)in->org_id);
    if (rc == 0) {
        struct st_user u = *in;
        u.password_hash = hash;
        char role_names[APP_ROLES_TEXT_MAX];
        u.roles = app_roles_format(roles, role_names);
        u.created_at = app_now(ctx);
        rc = st_user_insert(ctx->db, &u, id, err);
        if (rc == SX_E_CONFLICT)
            rc = SX_FAIL(err, SX_E_CONFLICT, "duplicate-user", "用户名已存在", NULL, "username",
                         "用户名 %s 已被使用", in->username);
    }
    if (rc == 0)
        rc = app_audit_in_tx(ctx, actor, "user.create", "user", *id, NULL, err);
    if (rc == 0)
        rc = st_commit(ctx->db, err);
    if (rc != 0)
        (void)st_rollback(ctx->db, NULL);
    return rc;
}

int app_user_set_disabled(struct app_ctx *ctx, const struct app_principal *actor, int64_t id,
                          int disabled, struct sx_err *err)
{
    int rc = app_require_role(actor, APP_ROLE_ADMIN, "停用用户", err);
    if (rc != 0)
        return rc;
    rc = st_begin(ctx->db, err);
    if (rc != 0)
        return rc;
    rc = st_user_set_disabled(ctx->db, id, disabled ? 1 : 0, err);
    if (rc == SX_E_NOTFOUND)
        rc = SX_FAIL(err, SX_E_NOTFOUND, "unknown-user", "用户不存在", NULL, "id",
                     "用户 %lld 不存在", (long long)id);
    if (rc == 0 && disabled)
        rc = st_session_delete_user(ctx->db, id, NULL, err);
    if (rc == 0)
        rc = app_audit_in_tx(ctx, actor, disabled ? "user.disable" : "user.enable", "user", id,
                             NULL, err);
    if (rc == 0)
        rc = st_commit(ctx->db, err);
    if (rc != 0)
        (void)st_rollback(ctx->db, NULL);
    return rc;
}

static int principal_from_user(struct app_ctx *ctx, const struct st_user *u, const char *csrf,
                               bool via_token, struct app_principal *out, struct sx_err *err)
{
    unsigned roles = 0;
    int rc = app_roles_parse(u->roles, &roles, err);
    if (rc != 0)
        return rc;
    out->user_id = u->id;
    out->org_id = u->org_id;
    out->roles = roles;
    out->username = u->username;
    out->display_name = u->display_name;
    out->csrf_token = csrf;
    out->via_token = via_token;
    (void)ctx;
    return 0;
}

static int login_rate_check(struct app_ctx *ctx, const char *username, const char *ip,
                            struct sx_err *err)
{
    const char *since = app_time_offset(ctx, -APP_LOGIN_WINDOW_S);
    int64_t n_user = 0;
    int64_t n_ip = 0;
    int rc = st_audit_count_failures(ctx->db, "login", username, NULL, since, &n_user, err);
    if (rc == 0 && ip != NULL)
        rc = st_audit_count_failures(ctx->db, "login", NULL, ip, since, &n_ip, err);
    if (rc != 0)
        return rc;
    if (n_user >= APP_LOGIN_MAX_FAILS_USER || n_ip >= APP_LOGIN_MAX_FAILS_IP)
        return SX_FAIL(err, SX_E_RATE, "login-rate-limited", "登录失败次数过多，请稍后再试",
                       SRC_SECURITY, NULL, "%d 分钟内失败次数已达上限", APP_LOGIN_WINDOW_S / 60);
    return 0;
}

int app_login(struct app_ctx *ctx, const char *username, const char *password, const char *ip,
              struct app_login_result *out, struct sx_err *err)
{
    struct st_user u;
    char token[AUTH_TOKEN_HEX];
    char token_hash[AUTH_TOKEN_HEX];
    char csrf[AUTH_TOKEN_HEX];
    int rc;
    memset(out, 0, sizeof(*out));
    rc = login_rate_check(ctx, username, ip, err);
    if (rc != 0) {
        app_audit(ctx, NULL, username, "login", NULL, "denied", ip, "rate-limited");
        return rc;
    }
    rc = st_user_get_by_username(ctx->db, username, ctx->arena, &u, err);
    if (rc != 0 && rc != SX_E_NOTFOUND)
        return rc;
    if (rc == SX_E_NOTFOUND || u.disabled || !auth_password_verify(u.password_hash, password)) {
        app_audit(ctx, NULL, username, "login", NULL, "failed", ip,
                  rc == SX_E_NOTFOUND ? "unknown-user"
                                      : (u.disabled ? "disabled" : "bad-password"));
        return SX_FAIL(err, SX_E_AUTH, "login-failed", "用户名或密码错误", NULL, NULL,
                       "请检查用户名和密码");
    }
    rc = auth_token_new(token, err);
    if (rc == 0)
        rc = auth_token_new(csrf, err);
    if (rc == 0)
        rc = auth_token_hash(token, token_hash, err);
    if (rc != 0)
        return rc;
    struct st_session s = {
        .token_hash = token_hash,
        .user_id = u.id,
        .csrf_token = csrf,
        .created_at = app_now(ctx),
        .expires_at = app_time_offset(ctx, APP_SESSION_TTL_S),
    };
    rc = st_begin(ctx->db, err);
    if (rc != 0)
        return rc;
    rc = st_session_insert(ctx->db, &s, err);
    if (rc == 0) {
        struct st_audit a = {.at = s.created_at,
                             .user_id = u.id,
                             .username = u.username,
                             .action = "login",
                             .outcome = "ok",
                             .ip = ip};
        rc = st_audit_append(ctx->db, &a, NULL, err);
    }
    if (rc == 0)
        rc = st_commit(ctx->db, err);
    if (rc != 0) {
        (void)st_rollback(ctx->db, NULL);
        return rc;
    }
    out->token = sx_arena_strdup(ctx->arena, token);
    out->csrf_token = sx_arena_strdup(ctx->arena, csrf);
    out->expires_at = s.expires_at;
    return principal_from_user(ctx, &u, out->csrf_token, false, &out->principal, err);
}

int app_logout(struct app_ctx *ctx, const struct app_principal *p, const char *token,
               struct sx_err *err)
{
    char token_hash[AUTH_TOKEN_HEX];
    int rc = auth_token_hash(token, token_hash, err);
    if (rc != 0)
        return rc;
    rc = st_begin(ctx->db, err);
    if (rc != 0)
        return rc;
    rc = st_session_delete(ctx->db, token_hash, err);
    if (rc == 0) {
        struct st_audit a = {.at = app_now(ctx),
                             .user_id = p != NULL ? p->user_id : 0,
                             .username = p != NULL ? p->username : NULL,
                             .action = "logout",
                             .outcome = "ok"};
        rc = st_audit_append(ctx->db, &a, NULL, err);
    }
    if (rc == 0)
        rc = st_commit(ctx->db, err);
    if (rc != 0)
        (void)st_rollback(ctx->db, NULL);
    return rc;
}

int app_auth_session(struct app_ctx *ctx, const char *token, struct app_principal *out,
                     struct sx_err *err)
{
    char token_hash[AUTH_TOKEN_HEX];
    struct st_session s;
    int rc;
    if (token == NULL || strlen(token) != AUTH_TOKEN_HEX - 1)
        return SX_FAIL(err, SX_E_AUTH, "not-logged-in", "未登录或登录已过期", SRC_SECURITY, NULL,
                       "请先登录");
    rc = auth_token_hash(token, token_hash, err);
    if (rc != 0)
        return rc;
    rc = st_session_get(ctx->db, token_hash, app_now(ctx), ctx->arena, &s, err);
    if (rc == SX_E_NOTFOUND)
        return SX_FAIL(err, SX_E_AUTH, "not-logged-in", "未登录或登录已过期", SRC_SECURITY, NULL,
                       "请重新登录");
    if (rc != 0)
        return rc;
    return principal_from_user(ctx, &s.user, s.csrf_token, false, out, err);
}

int app_auth_token(struct app_ctx *ctx, const char *token, struct app_principal *out,
                   struct sx_err *err)
{
    char token_hash[AUTH_TOKEN_HEX];
    struct st_api_token t;
    int rc;
    if (token == NULL || strlen(token) != AUTH_TOKEN_HEX - 1)
        return SX_FAIL(err, SX_E_AUTH, "bad-token", "访问令牌无效", SRC_SECURITY, NULL,
                       "令牌格式不正确");
    rc = auth_token_hash(token, token_hash, err);
    if (rc != 0)
        return rc;
    rc = st_api_token_get_by_hash(ctx->db, token_hash, ctx->arena, &t, err);
    if (rc == SX_E_NOTFOUND)
        return SX_FAIL(err, SX_E_AUTH, "bad-token", "访问令牌无效", SRC_SECURITY, NULL,
                       "令牌不存在或已吊销");
    if (rc != 0)
        return rc;
    return principal_from_user(ctx, &t.user, NULL, true, out, err);
}

int app_token_create(struct app_ctx *ctx, const struct app_principal *actor, const char *name,
                     const char **token, int64_t *id, struct sx_err *err)
{
    char plain[AUTH_TOKEN_HEX];
    char hash[AUTH_TOKEN_HEX];
    int rc;
    if (!text_ok(name, 100))
        return SX_FAIL(err, SX_E_INVALID, "invalid-token-name", "令牌名称无效", NULL, "name",
                       "令牌名称不能为空且不超过 100 个字节");
    rc = auth_token_new(plain, err);
    if (rc == 0)
        rc = auth_token_hash(plain, hash, err);
    if (rc != 0)
        return rc;
    struct st_api_token t = {
        .user_id = actor->user_id, .name = name, .token_hash = hash, .created_at = app_now(ctx)};
    rc = st_begin(ctx->db, err);
    if (rc != 0)
        return rc;
    rc = st_api_token_insert(ctx->db, &t, id, err);
    if (rc == 0) {
        rc = app_audit_in_tx(ctx, actor, "token.create", "token", *id, NULL, err);
    }
    if (rc == 0)
        rc = st_commit(ctx->db, err);
    if (rc != 0) {
        (void)st_rollback(ctx->db, NULL);
        return rc;
    }
    *token = sx_arena_strdup(ctx->arena, plain);
    return 0;
}
