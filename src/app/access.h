/*
 * access: requests to view records (调阅) and the log of every view and download (issue 5
 * point 2). Viewing another org's case, downloading any media file, or a party viewing their own
 * case's records (WS-24) needs a request that a head of the org holding the case approves, for
 * a limited time (HB-2-19, HB-2-24, YN-2-19, YN-2-20). Requests, decisions and the log are
 * append-only tables (access_requests, access_decisions, access_log): a view is logged in its
 * own committed transaction before any content is returned, so there is no unlogged view.
 *
 * Ownership: results live in ctx->arena; JSON results are new references for the caller.
 */
#ifndef APP_ACCESS_H
#define APP_ACCESS_H

#include <jansson.h>

#include "app.h"

struct app_media_store;

#define APP_ACCESS_SOURCE                                                                          \
    "湖北 附件2 第十九、二十四条 (HB-2-19, HB-2-24); 云南 附件2 第十九条 (YN-2-19)"
#define APP_ACCESS_PARTY_SOURCE "汶上 第二十四条 (WS-24)"
/* Longest approval window: 7 days. */
#define APP_ACCESS_MAX_SECONDS (7 * 24 * 3600)

struct app_access_new {
    const char *kind;       /* case | media | party */
    int64_t case_id;        /* the case to view, or that holds the media */
    const char *sm3;        /* media: the file */
    const char *party_name; /* party: the party asking (must be a party of the case) */
    const char *reason;
    int64_t valid_seconds; /* 1..APP_ACCESS_MAX_SECONDS, counted from the approval */
};

/*
 * File a request. Errors: SX_E_INVALID (kind, window, media not in that case, party not of
 * the case), SX_E_NOTFOUND (case), SX_E_FORBIDDEN (a party request filed outside the org).
 */
int app_access_request(struct app_ctx *ctx, const struct app_principal *actor,
                       const struct app_access_new *in, int64_t *id, struct sx_err *err) SX_WUR;

/* Approve or refuse, by a head of the org that holds the case, not the requester. */
int app_access_decide(struct app_ctx *ctx, const struct app_principal *actor, int64_t id,
                      bool approve, const char *note, struct sx_err *err) SX_WUR;

/* A request with its decision and log, for its requester and the deciding org's heads. */
int app_access_get(struct app_ctx *ctx, const struct app_principal *actor, int64_t id, json_t **out,
                   struct sx_err *err) SX_WUR;

/* Requests the actor made or may decide; paging by id. */
int app_access_list(struct app_ctx *ctx, const struct app_principal *actor, int64_t after,
                    int limit, json_t **items, int *more, int64_t *last, struct sx_err *err) SX_WUR;

/*
 * Use an approved request within its window: logs the view (or download) first, then returns
 * the case with its records (kind case | party) or the media file's path, size and mime.
 * Errors: SX_E_FORBIDDEN "access-not-approved" / "access-expired" / not the requester.
 */
int app_access_view_case(struct app_ctx *ctx, const struct app_principal *actor, int64_t id,
                         const char *ip, json_t **out, struct sx_err *err) SX_WUR;
int app_access_download(struct app_ctx *ctx, const struct app_principal *actor,
                        const struct app_media_store *ms, int64_t id, const char *ip,
                        const char **path, int64_t *size, const char **mime,
                        struct sx_err *err) SX_WUR;

#endif
