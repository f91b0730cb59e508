/*
 * access: 调阅 requests, the head's decision, and the logged views and downloads (see access.h).
 */
#include "app/access.h"

#include <string.h>

#include "app/cases.h"
#include "app/identity.h"
#include "app/media.h"
#include "store/store.h"

static int fail_nomem(struct sx_err *err)
{
    return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "access");
}

static int not_found(struct sx_err *err, int64_t id)
{
    return SX_FAIL(err, SX_E_NOTFOUND, "access-request-not-found", "调阅申请不存在", "", "id",
                   "调阅申请 %lld 不存在，或与您无关", (long long)id);
}

int app_access_request(struct app_ctx *ctx, const struct app_principal *actor,
                       const struct app_access_new *in, int64_t *id, struct sx_err *err)
{
    struct st_case c;
    int rc;
    bool media = false, party = false;
    if (in->kind == NULL ||
        (strcmp(in->kind, "case") != 0 && !(media = strcmp(in->kind, "media") == 0) &&
         !(party = strcmp(in->kind, "party") == 0)))
        return SX_FAIL(err, SX_E_INVALID, "bad-access-kind", "调阅类型不正确", APP_ACCESS_SOURCE,
                       "kind",
                       "kind 须为 case（调阅案件）、media（调阅音像记录）或 party（当事人查阅）");
    if (in->valid_seconds < 1 || in->valid_seconds > APP_ACCESS_MAX_SECONDS)
        return SX_FAIL(err, SX_E_INVALID, "bad-access-window", "调阅时限不正确", APP_ACCESS_SOURCE,
                       "valid_seconds", "调阅时限须为 1–%d 秒", APP_ACCESS_MAX_SECONDS);
    if (in->reason == NULL || in->reason[0] == '\0')
        return SX_FAIL(err, SX_E_INVALID, "reason-missing", "须说明调阅事由", APP_ACCESS_SOURCE,
                       "reason", "reason 不能为空");
    rc = st_case_get(ctx->db, in->case_id, ctx->arena, &c, err);
    if (rc == SX_E_NOTFOUND)
        return SX_FAIL(err, SX_E_NOTFOUND, "case-not-found", "案件不存在", APP_ACCESS_SOURCE,
                       "case_id", "案件 %lld 不存在", (long long)in->case_id);
    if (rc != 0)
        return rc;
    if (media) {
        struct st_media_link *links = NULL;
        size_t n = 0;
        bool found = false;
        rc = st_media_link_list(ctx->db, in->case_id, NULL, ctx->arena, &links, &n, err);
        if (rc != 0)
            return rc;
        for (size_t i = 0; in->sm3 != NULL && i < n && !found; i++)
            found = strcmp(links[i].sm3, in->sm3) == 0;
        if (!found)
            return SX_FAIL(err, SX_E_INVALID, "media-not-in-case", "该音像记录不属于此案件",
                           APP_ACCESS_SOURCE, "sm3", "案件 %lld 没有关联这个音像记录",
                           (long long)in->case_id);
    }
    if (party) {
        struct st_party *parties = NULL;
        size_t n = 0;
        bool found = false;
        /* the party asks the bureau that holds the case; its staff file the request (WS-24) */
        if (c.org_id != actor->org_id)
            return SX_FAIL(err, SX_E_FORBIDDEN, "party-request-org",
                           "当事人查阅申请须由办案机关登记", APP_ACCESS_PARTY_SOURCE, "case_id",
                           "该案件不属于本机关");
        rc = st_party_list(ctx->db, in->case_id, ctx->arena, &parties, &n, err);
        if (rc != 0)
            return rc;
        for (size_t i = 0; in->party_name != NULL && i < n && !found; i++)
            found = strcmp(parties[i].name, in->party_name) == 0;
        if (!found)
            return SX_FAIL(err, SX_E_INVALID, "not-a-party", "申请人不是本案当事人",
                           APP_ACCESS_PARTY_SOURCE, "party_name",
                           "party_name 须为本案当事人的名称");
    }
    struct st_access_request q = {.kind = in->kind,
                                  .requester_id = actor->user_id,
                                  .requester_org = actor->org_id,
                                  .case_id = in->case_id,
                                  .target_org = c.org_id,
                                  .sm3 = media ? in->sm3 : NULL,
                                  .party_name = party ? in->party_name : NULL,
                                  .reason = in->reason,
                                  .valid_seconds = in->valid_seconds,
                                  .created_at = app_now(ctx)};
    rc = st_begin(ctx->db, err);
    if (rc == 0)
        rc = st_access_request_insert(ctx->db, &q, id, err);
    if (rc == 0)
        rc = app_audit_in_tx(ctx, actor, "access.request", "access_request", *id, NULL, err);
    if (rc == 0)
        rc = st_commit(ctx->db, err);
    if (rc != 0)
        (void)st_rollback(ctx->db, NULL);
    return rc;
}

static bool may_see(const struct app_principal *actor, const struct st_access_request *q)
{
    return q->requester_id == actor->user_id ||
           (q->target_org == actor->org_id && (actor->roles & APP_ROLE_HEAD) != 0);
}

int app_access_decide(struct app_ctx *ctx, const struct app_principal *actor, int64_t id,
                      bool approve, const char *note, struct sx_err *err)
{
    struct st_access_request q;
    const char *until = NULL;
    int rc = st_begin(ctx->db, err);
    if (rc != 0)
        return rc;
    rc = st_access_request_get(ctx->db, id, ctx->arena, &q, err);
    if (rc == SX_E_NOTFOUND || (rc == 0 && !may_see(actor, &q)))
        rc = not_found(err, id);
    if (rc == 0 && (q.target_org != actor->org_id || (actor->roles & APP_ROLE_HEAD) == 0))
        rc = SX_FAIL(err, SX_E_FORBIDDEN, "access-decider", "调阅申请须由案件所属机关负责人审批",
                     APP_ACCESS_SOURCE, "id", "您不是该案件所属机关的负责人");
    if (rc == 0 && q.requester_id == actor->user_id)
        rc = SX_FAIL(err, SX_E_FORBIDDEN, "access-self-approval", "不能审批自己的调阅申请",
                     APP_ACCESS_SOURCE, "id", "申请人与审批人须为不同的人");
    if (rc == 0 && q.decision != NULL)
        rc = SX_FAIL(err, SX_E_CONFLICT, "access-decided", "该调阅申请已审批", APP_ACCESS_SOURCE,
                     "id", "调阅申请 %lld 已于 %s %s", (long long)id, q.decided_at,
                     strcmp(q.decision, "approved") == 0 ? "批准" : "驳回");
    if (rc == 0 && approve) {
        until = app_time_offset(ctx, (long)q.valid_seconds);
        if (until == NULL)
            rc = fail_nomem(err);
    }
    if (rc == 0)
        rc = st_access_decision_insert(ctx->db, id, approve ? "approved" : "refused",
                                       actor->user_id, app_now(ctx), until, note, err);
    if (rc == 0)
        rc = app_audit_in_tx(ctx, actor, approve ? "access.approve" : "access.refuse",
                             "access_request", id, NULL, err);
    if (rc == 0)
        rc = st_commit(ctx->db, err);
    if (rc != 0)
        (void)st_rollback(ctx->db, NULL);
    return rc;
}

static json_t *request_json(const struct st_access_request *q)
{
    return json_pack("{sI ss sI sI sI sI s:s? s:s? ss sI ss s:s? s:I s:s? s:s? s:s?}", "id",
                     (json_int_t)q->id, "kind", q->kind, "requester_id",
                     (json_int_t)q->requester_id, "requester_org", (json_int_t)q->requester_org,
                     "case_id", (json_int_t)q->case_id, "target_org", (json_int_t)q->target_org,
                     "sm3", q->sm3, "party_name", q->party_name, "reason", q->reason,
                     "valid_seconds", (json_int_t)q->valid_seconds, "created_at", q->created_at,
                     "decision", q->decision, "decided_by", (json_int_t)q->decided_by, "decided_at",
                     q->decided_at, "valid_until", q->valid_until, "note", q->note);
}

int app_access_get(struct app_ctx *ctx, const struct app_principal *actor, int64_t id, json_t **out,
                   struct sx_err *err)
{
    struct st_access_request q;
    struct st_access_log *log = NULL;
    size_t n = 0;
    json_t *o, *arr;
    int rc = st_access_request_get(ctx->db, id, ctx->arena, &q, err);
    if (rc == SX_E_NOTFOUND || (rc == 0 && !may_see(actor, &q)))
        return not_found(err, id);
    if (rc == 0)
        rc = st_access_log_list(ctx->db, id, ctx->arena, &log, &n, err);
    if (rc != 0)
        return rc;
    o = request_json(&q);
    arr = json_array();
    for (size_t i = 0; arr != NULL && i < n; i++)
        json_array_append_new(arr, json_pack("{sI ss sI ss s:s?}", "id", (json_int_t)log[i].id,
                                             "at", log[i].at, "user_id", (json_int_t)log[i].user_id,
                                             "action", log[i].action, "sm3", log[i].sm3));
    if (o == NULL || arr == NULL || json_object_set_new(o, "log", arr) != 0) {
        json_decref(o);
        return fail_nomem(err);
    }
    *out = o;
    return 0;
}

int app_access_list(struct app_ctx *ctx, const struct app_principal *actor, int64_t after,
                    int limit, json_t **items, int *more, int64_t *last, struct sx_err *err)
{
    struct st_access_request *qs = NULL;
    size_t n = 0;
    /* heads see what their org must decide; everyone sees their own */
    int64_t org = (actor->roles & APP_ROLE_HEAD) != 0 ? actor->org_id : -1;
    int rc = st_access_request_list(ctx->db, actor->user_id, org, after, limit, ctx->arena, &qs, &n,
                                    more, err);
    if (rc != 0)
        return rc;
    *items = json_array();
    for (size_t i = 0; *items != NULL && i < n; i++)
        json_array_append_new(*items, request_json(&qs[i]));
    *last = n > 0 ? qs[n - 1].id : 0;
    return *items != NULL ? 0 : fail_nomem(err);
}

/* Load the request and check that the actor may use it now; then log action and commit. */
static int use_request(struct app_ctx *ctx, const struct app_principal *actor, int64_t id,
                       bool download, const char *ip, struct st_access_request *q,
                       struct sx_err *err)
{
    const char *now = app_now(ctx);
    int rc = st_begin(ctx->db, err);
    if (rc != 0)
        return rc;
    rc = st_access_request_get(ctx->db, id, ctx->arena, q, err);
    if (rc == SX_E_NOTFOUND || (rc == 0 && q->requester_id != actor->user_id))
        rc = not_found(err, id);
    if (rc == 0 && download != (strcmp(q->kind, "media") == 0))
        rc = SX_FAIL(err, SX_E_INVALID, "access-kind-mismatch", "调阅类型与操作不符",
                     APP_ACCESS_SOURCE, "id", "%s",
                     download ? "该申请不是调阅音像记录的申请" : "音像记录申请请使用下载接口");
    if (rc == 0 && (q->decision == NULL || strcmp(q->decision, "approved") != 0))
        rc = SX_FAIL(err, SX_E_FORBIDDEN, "access-not-approved", "调阅申请未获批准",
                     APP_ACCESS_SOURCE, "id", "调阅申请 %lld %s", (long long)id,
                     q->decision == NULL ? "尚待负责人审批" : "已被驳回");
    if (rc == 0 && (q->valid_until == NULL || strcmp(now, q->valid_until) >= 0))
        rc = SX_FAIL(err, SX_E_FORBIDDEN, "access-expired", "调阅时限已过", APP_ACCESS_SOURCE, "id",
                     "批准的调阅时限至 %s 止，请重新申请",
                     q->valid_until != NULL ? q->valid_until : "-");
    if (rc == 0)
        rc = st_access_log_insert(ctx->db,
                                  &(struct st_access_log){.at = now,
                                                          .user_id = actor->user_id,
                                                          .request_id = id,
                                                          .case_id = q->case_id,
                                                          .sm3 = q->sm3,
                                                          .action = download ? "download" : "view",
                                                          .ip = ip},
                                  NULL, err);
    if (rc == 0) {
        /* each view and download is also a record in the case's chain (汶上 第二十四条) */
        json_t *body = json_pack("{sI ss ss}", "request_id", (json_int_t)id, "access",
                                 download ? "download" : "view", "valid_until", q->valid_until);
        if (body != NULL && download && q->sm3 != NULL)
            json_object_set_new(body, "sm3", json_string(q->sm3));
        rc = body == NULL ? SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", NULL, NULL, "access")
                          : app_record_append_system(ctx, q->case_id, "record_access",
                                                     "record_access", actor->user_id, body, NULL,
                                                     err);
        json_decref(body);
    }
    if (rc == 0)
        rc = st_commit(ctx->db, err);
    if (rc != 0)
        (void)st_rollback(ctx->db, NULL);
    return rc;
}

int app_access_view_case(struct app_ctx *ctx, const struct app_principal *actor, int64_t id,
                         const char *ip, json_t **out, struct sx_err *err)
{
    struct st_access_request q;
    struct st_case c;
    struct st_record *recs = NULL;
    size_t n = 0;
    json_t *arr;
    int rc = use_request(ctx, actor, id, false, ip, &q, err);
    if (rc == 0)
        rc = st_case_get(ctx->db, q.case_id, ctx->arena, &c, err);
    if (rc == 0)
        rc = st_record_list(ctx->db, q.case_id, ctx->arena, &recs, &n, err);
    if (rc != 0)
        return rc;
    arr = json_array();
    for (size_t i = 0; arr != NULL && i < n; i++)
        json_array_append_new(
            arr, json_pack("{sI sI ss ss ss so* ss}", "id", (json_int_t)recs[i].id, "seq",
                           (json_int_t)recs[i].seq, "type", recs[i].type, "action",
                           recs[i].action != NULL ? recs[i].action : "", "at", recs[i].at, "body",
                           json_loads(recs[i].body, 0, NULL), "hash", recs[i].hash));
    *out = json_pack("{sI sI ss s:s? ss s:s? so* ss}", "request_id", (json_int_t)id, "case_id",
                     (json_int_t)c.id, "kind", c.kind, "number", c.number, "state", c.state,
                     "cause", c.cause, "records", arr, "valid_until", q.valid_until);
    return *out != NULL ? 0 : fail_nomem(err);
}

int app_access_download(struct app_ctx *ctx, const struct app_principal *actor,
                        const struct app_media_store *ms, int64_t id, const char *ip,
                        const char **path, int64_t *size, const char **mime, struct sx_err *err)
{
    struct st_access_request q;
    struct st_media_blob b;
    struct st_media_upload u;
    int rc = use_request(ctx, actor, id, true, ip, &q, err);
    if (rc == 0)
        rc = st_media_blob_get(ctx->db, q.sm3, ctx->arena, &b, err);
    if (rc == 0)
        rc = st_media_upload_get(ctx->db, b.upload_id, ctx->arena, &u, err);
    if (rc != 0)
        return rc;
    *path = app_media_path(ctx, ms, q.sm3);
    *size = b.size;
    *mime = u.mime;
    return *path != NULL ? 0 : fail_nomem(err);
}
