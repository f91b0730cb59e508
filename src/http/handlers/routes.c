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
/* results publicity (issue 4) */
#define PUBLICITY (STAFF | API_ROLES(APP_ROLE_PUBLISHER | APP_ROLE_HEAD | APP_ROLE_SUPERVISOR))

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
    {"GET", "/api/v1/deadlines/overdue", api_deadlines_overdue, CASEWORK, "本机关逾期事项", "期限"},
    {"POST", "/api/v1/review-scope", api_review_scope, STAFF, "判断是否须经法制审核", "规则"},
    {"GET", "/api/v1/policies/{name}", api_policy_get, STAFF, "规则预设详情", "规则"},
    /* results publicity (issue 4) */
    {"GET", "/api/v1/publicity/items", api_pub_items_list, PUBLICITY, "结果公示事项列表", "公示"},
    {"GET", "/api/v1/publicity/items/{id}", api_pub_items_get, PUBLICITY, "结果公示事项详情",
     "公示"},
    {"POST", "/api/v1/publicity/items/{id}/draft", api_pub_items_draft, PUBLICITY,
     "拟定公示稿（去除个人信息）", "公示"},
    {"POST", "/api/v1/publicity/items/{id}/approve", api_pub_items_approve, PUBLICITY,
     "负责人审批公示", "公示"},
    {"POST", "/api/v1/publicity/items/{id}/publish", api_pub_items_publish, PUBLICITY,
     "发布公示（发布前检查）", "公示"},
    {"POST", "/api/v1/publicity/items/{id}/exempt", api_pub_items_exempt, PUBLICITY, "决定不予公示",
     "公示"},
    {"POST", "/api/v1/publicity/items/{id}/withdraw", api_pub_items_withdraw, PUBLICITY,
     "撤回已公示的决定", "公示"},
    {"GET", "/api/v1/publicity/corrections", api_pub_corrections_list, PUBLICITY, "更正申请列表",
     "公示"},
    {"POST", "/api/v1/publicity/corrections/{id}/reply", api_pub_corrections_reply, PUBLICITY,
     "答复更正申请", "公示"},
    {"GET", "/api/v1/portal/results", api_portal_results, HTTP_AUTH_NONE, "公示结果查询", "门户"},
    {"GET", "/api/v1/portal/results/{id}", api_portal_result, HTTP_AUTH_NONE, "公示结果详情",
     "门户"},
    {"GET", "/api/v1/portal/withdrawn", api_portal_withdrawn, HTTP_AUTH_NONE, "撤回公告", "门户"},
    {"GET", "/api/v1/portal/export.json", api_portal_export_json, HTTP_AUTH_NONE,
     "公示结果开放数据（JSON）", "门户"},
    {"GET", "/api/v1/portal/export.csv", api_portal_export_csv, HTTP_AUTH_NONE,
     "公示结果开放数据（CSV）", "门户"},
    {"POST", "/api/v1/portal/corrections", api_portal_correction, HTTP_AUTH_NONE, "当事人更正申请",
     "门户"},
};

const size_t api_nroutes = sizeof(api_routes) / sizeof(api_routes[0]);
