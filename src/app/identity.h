/*
 * identity: orgs, users, sessions, API tokens and the audit trail of who did
 * what (DESIGN §6). Every login, failed login and denial is audited; logins
 * are rate-limited per username and per client address, counted from the
 * audit trail so the limit holds across several serve processes.
 *
 * Ownership: strings in outputs live in ctx->arena.
 */
#ifndef APP_IDENTITY_H
#define APP_IDENTITY_H

#include "app.h"
#include "store/store.h"

/* Failed logins allowed per username / per address within the window. */
#define APP_LOGIN_MAX_FAILS_USER 5
#define APP_LOGIN_MAX_FAILS_IP 20
#define APP_LOGIN_WINDOW_S (15 * 60)
#define APP_SESSION_TTL_S (8 * 3600)

/*
 * Create an org after validating it (code, name, short name, level, and the
 * parent's level: province → city → county; a unit such as 执法总队 may hang
 * under any org). actor NULL means the operator at the CLI. Admin only.
 */
int app_org_create(struct app_ctx *ctx, const struct app_principal *actor, const struct st_org *in,
                   int64_t *id, struct sx_err *err) SX_WUR;

/*
 * Create a user with an Argon2id password. Officers need 执法证号 and
 * validity dates (from <= to). Admin only (or the CLI operator).
 */
int app_user_create(struct app_ctx *ctx, const struct app_principal *actor,
                    const struct st_user *in, const char *password, int64_t *id,
                    struct sx_err *err) SX_WUR;

/* Disable (or enable) a user and end their sessions. Admin only. */
int app_user_set_disabled(struct app_ctx *ctx, const struct app_principal *actor, int64_t id,
                          int disabled, struct sx_err *err) SX_WUR;

struct app_login_result {
    const char *token;      /* session cookie value, shown once */
    const char *csrf_token; /* echo in X-CSRF-Token on unsafe requests */
    const char *expires_at;
    struct app_principal principal;
};

/*
 * Check username/password, rate-limit, create a session. Audits success and
 * failure. SX_E_AUTH for wrong credentials (one message for unknown user and
 * wrong password), SX_E_RATE when limited.
 */
int app_login(struct app_ctx *ctx, const char *username, const char *password, const char *ip,
              struct app_login_result *out, struct sx_err *err) SX_WUR;

/* End the session with this cookie token (missing is fine). */
int app_logout(struct app_ctx *ctx, const struct app_principal *p, const char *token,
               struct sx_err *err) SX_WUR;

/* Principal for a session cookie token; SX_E_AUTH if unknown/expired/disabled. */
int app_auth_session(struct app_ctx *ctx, const char *token, struct app_principal *out,
                     struct sx_err *err) SX_WUR;

/* Principal for an API bearer token; SX_E_AUTH if unknown/revoked/disabled. */
int app_auth_token(struct app_ctx *ctx, const char *token, struct app_principal *out,
                   struct sx_err *err) SX_WUR;

/* Create an API token for the actor itself; the plain token is returned once. */
int app_token_create(struct app_ctx *ctx, const struct app_principal *actor, const char *name,
                     const char **token, int64_t *id, struct sx_err *err) SX_WUR;

/*
 * Append an audit entry in a transaction of its own (call after a failed
 * use case rolled back, so the denial is kept while its changes are not).
 * Best effort: a failure is logged, not returned.
 */
void app_audit(struct app_ctx *ctx, const struct app_principal *actor, const char *username,
               const char *action, const char *target, const char *outcome, const char *ip,
               const char *detail);

/*
 * Append an "ok" audit entry inside the caller's open transaction, so the
 * entry commits or rolls back with the change it describes. target may be
 * NULL; target_id > 0 is appended as "<target>:<id>".
 */
int app_audit_in_tx(struct app_ctx *ctx, const struct app_principal *actor, const char *action,
                    const char *target, int64_t target_id, const char *ip,
                    struct sx_err *err) SX_WUR;

/* The row app_audit_in_tx would append (strings in ctx->arena), to write along with a record
 * (st_record_new.audit). */
void app_audit_row(struct app_ctx *ctx, const struct app_principal *actor, const char *action,
                   const char *target, int64_t target_id, const char *ip, struct st_audit *a);

/* SX_E_FORBIDDEN unless the actor has one of the roles (NULL actor = CLI operator: allowed). */
int app_require_role(const struct app_principal *actor, unsigned roles, const char *what,
                     struct sx_err *err) SX_WUR;

/*
 * As app_require_role, and the actor acts for org_id: its own org, or an admin when roles
 * include APP_ROLE_ADMIN (谁执法谁公示, 湖北 附件1 第七条). what names the act in the message.
 */
int app_require_org_role(const struct app_principal *actor, int64_t org_id, unsigned roles,
                         const char *what, struct sx_err *err) SX_WUR;

#endif
