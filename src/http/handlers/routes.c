/*
 * routes: the one table of Sanxiang's HTTP endpoints. docs/openapi.json
 * documents exactly these (test_api_routes fails otherwise).
 */
#include "api.h"

#define STAFF (HTTP_AUTH_USER | HTTP_AUTH_CSRF)
#define ADMIN (STAFF | API_ROLES(APP_ROLE_ADMIN))
#define CASEWORK                                                                                   \
    (STAFF | API_ROLES(APP_ROLE_OFFICER | APP_ROLE_HEAD | APP_ROLE_REVIEWER |                      \
                       APP_ROLE_SUPERVISOR | APP_ROLE_ARCHIVIST | APP_ROLE_PUBLISHER))
/* prepub */
#define PREPUB_STAFF (STAFF | API_ROLES(APP_ROLE_PUBLISHER | APP_ROLE_ADMIN))
#define PREPUB_DRAW (STAFF | API_ROLES(APP_ROLE_PUBLISHER | APP_ROLE_HEAD | APP_ROLE_ADMIN))
/* media */
#define MEDIA_STAFF                                                                                \
    (STAFF | API_ROLES(APP_ROLE_OFFICER | APP_ROLE_HEAD | APP_ROLE_REVIEWER | APP_ROLE_ARCHIVIST |  \
                       APP_ROLE_SUPERVISOR))

const struct http_route api_routes[] = {
    {"GET", "/healthz", http_builtin_healthz, HTTP_AUTH_NONE, "健康检查", "运维"},
    {"GET", "/metrics", http_builtin_metrics, HTTP_AUTH_NONE, "Prometheus 指标", "运维"},
    {"GET", "/api/v1/openapi.json", http_builtin_openapi, HTTP_AUTH_NONE, "OpenAPI 文档", "运维"},
    {"POST", "/api/v1/session", api_session_create, HTTP_AUTH_NONE, "登录", "身份"},
    {"DELETE", "/api/v1/session", api_session_delete, STAFF, "退出登录", "身份"},
    {"GET", "/api/v1/me", api_me, STAFF, "当前用户", "身份"},
    {"POST", "/api/v1/tokens", api_token_create, STAFF, "创建 API 令牌", "身份"},
    {"GET", "/api/v1/orgs", api_orgs_list, STAFF, "机构列表", "机构与人员"},
    {"POST", "/api/v1/orgs", api_orgs_create, ADMIN, "创建机构", "机构与人员"},
    {"GET", "/api/v1/orgs/{id}", api_orgs_get, STAFF, "机构详情", "机构与人员"},
    {"GET", "/api/v1/users", api_users_list, ADMIN, "用户列表", "机构与人员"},
    {"POST", "/api/v1/users", api_users_create, ADMIN, "创建用户", "机构与人员"},
    {"POST", "/api/v1/users/{id}/disable", api_users_disable, ADMIN, "停用用户", "机构与人员"},
    {"GET", "/api/v1/audit", api_audit_list,
     STAFF | API_ROLES(APP_ROLE_ADMIN | APP_ROLE_SUPERVISOR), "审计日志", "机构与人员"},
    {"GET", "/api/v1/review-staffing", api_review_staffing, STAFF, "法制审核人员配备", "机构与人员"},
    {"GET", "/api/v1/workdays/add", api_workdays_add, HTTP_AUTH_NONE, "计算第 N 个工作日", "工具"},
    {"GET", "/api/v1/workdays/between", api_workdays_between, HTTP_AUTH_NONE, "计算工作日数",
     "工具"},
    {"GET", "/api/v1/workflows/{kind}", api_workflow_get, STAFF, "流程定义", "案件"},
    {"GET", "/api/v1/record-types", api_record_types, STAFF, "记录类型目录", "案件"},
    {"GET", "/api/v1/cases", api_cases_list, CASEWORK, "案件列表", "案件"},
    {"POST", "/api/v1/cases", api_cases_create, CASEWORK, "登记案件", "案件"},
    {"GET", "/api/v1/cases/{id}", api_cases_get, CASEWORK, "案件详情", "案件"},
    {"GET", "/api/v1/cases/{id}/records", api_records_list, CASEWORK, "案件记录", "案件"},
    {"POST", "/api/v1/cases/{id}/records", api_records_append, CASEWORK, "办案操作（追加记录）",
     "案件"},
    {"GET", "/api/v1/cases/{id}/verify", api_case_verify, CASEWORK, "校验案件哈希链", "案件"},
    {"GET", "/api/v1/cases/{id}/deadlines", api_case_deadlines, CASEWORK, "案件期限", "期限"},
    {"GET", "/api/v1/deadlines/mine", api_deadlines_mine, CASEWORK, "我的期限", "期限"},
    /* documents (issue 5 point 4) */
    {"GET", "/api/v1/document-templates", api_document_templates, STAFF, "文书模板列表", "文书"},
    {"GET", "/api/v1/cases/{id}/documents", api_documents_list, CASEWORK, "案件文书列表", "文书"},
    {"POST", "/api/v1/cases/{id}/documents", api_documents_create, CASEWORK,
     "制作文书（PDF，机关 SM2 签章，记入案件记录）", "文书"},
    {"GET", "/api/v1/cases/{id}/documents/{file}", api_documents_pdf, CASEWORK,
     "文书 PDF（{file} 为 序号.pdf）", "文书"},
    {"GET", "/api/v1/orgs/{id}/public-key", api_org_public_key, STAFF, "机构签章公钥", "文书"},
    /* ledger: checkpoints, the key and consistency proofs are public (a log anyone can audit);
       an inclusion proof names a record, so it needs a login */
    {"GET", "/api/v1/ledger/checkpoints/latest", api_ledger_checkpoint_latest, HTTP_AUTH_NONE,
     "最新签名检查点", "全局账本"},
    {"GET", "/api/v1/ledger/checkpoints/{size}", api_ledger_checkpoint_get, HTTP_AUTH_NONE,
     "指定大小的签名检查点", "全局账本"},
    {"POST", "/api/v1/ledger/checkpoints", api_ledger_checkpoint_create, ADMIN, "立即签署检查点",
     "全局账本"},
    {"GET", "/api/v1/ledger/public-key", api_ledger_public_key, HTTP_AUTH_NONE, "账本签名公钥",
     "全局账本"},
    {"GET", "/api/v1/ledger/proofs/inclusion", api_ledger_inclusion, STAFF, "记录的包含证明",
     "全局账本"},
    {"GET", "/api/v1/ledger/proofs/consistency", api_ledger_consistency, HTTP_AUTH_NONE,
     "两个检查点之间的一致性证明", "全局账本"},
    {"GET", "/api/v1/deadlines/overdue", api_deadlines_overdue, CASEWORK, "本机关逾期事项", "期限"},
    {"POST", "/api/v1/review-scope", api_review_scope, STAFF, "判断是否须经法制审核", "规则"},
    {"GET", "/api/v1/policies/{name}", api_policy_get, STAFF, "规则预设详情", "规则"},
    /* prepub: pre-publicity and 双随机 draws (issue 4 points 1-2) */
    {"POST", "/api/v1/prepub/orgs/{id}/drafts", api_prepub_draft, PREPUB_STAFF,
     "起草事前公开信息（新版本）", "事前公开"},
    {"GET", "/api/v1/prepub/orgs/{id}/versions", api_prepub_versions, STAFF, "事前公开版本列表",
     "事前公开"},
    {"GET", "/api/v1/prepub/orgs/{id}/plan-status", api_prepub_plan_status, STAFF,
     "年度检查计划公开状态", "事前公开"},
    {"POST", "/api/v1/prepub/orgs/{id}/pools", api_prepub_pool_create, PREPUB_DRAW,
     "公开双随机名录", "双随机"},
    {"POST", "/api/v1/prepub/orgs/{id}/draws", api_prepub_draw_create, PREPUB_DRAW,
     "双随机抽取", "双随机"},
    {"GET", "/api/v1/prepub/versions/{id}", api_prepub_version_get, STAFF, "事前公开版本详情",
     "事前公开"},
    {"POST", "/api/v1/prepub/versions/{id}/approve", api_prepub_approve,
     STAFF | API_ROLES(APP_ROLE_HEAD), "负责人审批事前公开版本", "事前公开"},
    {"POST", "/api/v1/prepub/versions/{id}/publish", api_prepub_publish, PREPUB_STAFF,
     "公开事前公开版本", "事前公开"},
    {"GET", "/api/v1/portal/prepub", api_portal_prepub_index, HTTP_AUTH_NONE,
     "已公开事前公开信息的机关", "公示专栏"},
    {"GET", "/api/v1/portal/prepub/orgs/{id}", api_portal_prepub_current, HTTP_AUTH_NONE,
     "机关现行事前公开信息", "公示专栏"},
    {"GET", "/api/v1/portal/prepub/orgs/{id}/versions", api_portal_prepub_history,
     HTTP_AUTH_NONE, "事前公开历史版本", "公示专栏"},
    {"GET", "/api/v1/portal/prepub/orgs/{id}/versions/{version}", api_portal_prepub_version,
     HTTP_AUTH_NONE, "事前公开某一版本", "公示专栏"},
    {"GET", "/api/v1/portal/prepub/flowcharts/{kind}", api_portal_flowchart, HTTP_AUTH_NONE,
     "执法流程图（SVG）", "公示专栏"},
    {"GET", "/api/v1/portal/draws", api_portal_draws_list, HTTP_AUTH_NONE, "双随机抽取结果列表",
     "公示专栏"},
    {"GET", "/api/v1/portal/draws/{id}", api_portal_draw_get, HTTP_AUTH_NONE, "双随机抽取结果",
     "公示专栏"},
    {"GET", "/api/v1/portal/draws/{id}/verify", api_portal_draw_verify, HTTP_AUTH_NONE,
     "复算双随机抽取", "公示专栏"},
    {"GET", "/api/v1/portal/draw-pools/{id}", api_portal_pool_get, HTTP_AUTH_NONE,
     "双随机名录", "公示专栏"},
    {"GET", "/api/v1/portal/prepub/officers", api_portal_prepub_officers, HTTP_AUTH_NONE,
     "执法人员查询", "公示专栏"},
    {"GET", "/api/v1/prepub/plan-overview", api_prepub_plan_overview, STAFF,
     "各机关年度检查计划公开情况", "事前公开"},
    /* media: tus uploads, case media, access requests (issue 5 points 1-2) */
    {"OPTIONS", "/api/v1/uploads", api_uploads_options, HTTP_AUTH_NONE, "tus 上传能力", "音像记录"},
    {"POST", "/api/v1/uploads", api_uploads_create, MEDIA_STAFF, "创建音像文件上传（tus）",
     "音像记录"},
    {"HEAD", "/api/v1/uploads/{id}", api_uploads_head, MEDIA_STAFF, "查询上传进度（tus）",
     "音像记录"},
    {"PATCH", "/api/v1/uploads/{id}", api_uploads_patch, MEDIA_STAFF, "上传数据块（tus）",
     "音像记录"},
    {"DELETE", "/api/v1/uploads/{id}", api_uploads_delete, MEDIA_STAFF,
     "终止上传（证据不允许终止）", "音像记录"},
    {"GET", "/api/v1/cases/{id}/media", api_case_media, CASEWORK, "案件音像记录", "音像记录"},
    {"POST", "/api/v1/access-requests", api_access_create, MEDIA_STAFF, "提出调阅申请", "调阅"},
    {"GET", "/api/v1/access-requests", api_access_list, MEDIA_STAFF, "调阅申请列表", "调阅"},
    {"GET", "/api/v1/access-requests/{id}", api_access_get, MEDIA_STAFF, "调阅申请详情及调阅记录",
     "调阅"},
    {"POST", "/api/v1/access-requests/{id}/approve", api_access_approve,
     STAFF | API_ROLES(APP_ROLE_HEAD), "负责人批准调阅", "调阅"},
    {"POST", "/api/v1/access-requests/{id}/refuse", api_access_refuse,
     STAFF | API_ROLES(APP_ROLE_HEAD), "负责人驳回调阅", "调阅"},
    {"GET", "/api/v1/access-requests/{id}/case", api_access_case, MEDIA_STAFF,
     "在批准时限内查阅案件记录", "调阅"},
    {"GET", "/api/v1/access-requests/{id}/media", api_access_media, MEDIA_STAFF,
     "在批准时限内下载音像记录", "调阅"},
    {"GET", "/api/v1/media/{sm3}", api_media_get, MEDIA_STAFF, "音像文件状态与保存期限", "音像记录"},
    {"POST", "/api/v1/media/{sm3}/deletion", api_media_delete,
     STAFF | API_ROLES(APP_ROLE_ARCHIVIST | APP_ROLE_ADMIN), "保存期满后删除音像文件（留痕）",
     "音像记录"},
};

const size_t api_nroutes = sizeof(api_routes) / sizeof(api_routes[0]);
