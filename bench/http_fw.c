/*
 * http_fw: Sanxiang's HTTP framework (src/http) serving
 * GET /api/v1/cases/{id} with a JSON case summary built by jansson, behind a
 * route table of realistic size — to compare with h2o_bare, the ceiling.
 * The target is at least 50 % of h2o_bare's requests per second with the
 * same body size (printed at start; pass it to h2o_bare).
 *
 * Usage: http_fw [PORT=8082] [THREADS=cores]; stops on SIGINT/SIGTERM.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "sx_log.h"

static json_t *case_json(int64_t id)
{
    return json_pack("{s:I,s:s,s:s,s:s,s:s,s:[s,s],s:s,s:I,s:b,s:s}", "id", (json_int_t)id,
                     "number", "滇医保罚〔2025〕17号", "kind", "penalty", "state", "investigating",
                     "cause", "定点医药机构串换药品、医用耗材、诊疗项目和服务设施", "officers",
                     "u-102", "u-117", "org", "530100", "fine_cents", (json_int_t)500000, "hearing",
                     0, "opened_on", "2025-03-14");
}

static int get_case(struct http_req *r, struct sx_err *err)
{
    int64_t id;
    int rc = http_param_id(r, "id", &id, err);
    if (rc != 0)
        return rc;
    return http_send_json(r, 200, case_json(id), err);
}

static int other(struct http_req *r, struct sx_err *err)
{
    return http_send_empty(r, 204, err);
}

static const struct http_route routes[] = {
    {"GET", "/healthz", http_builtin_healthz, 0, "健康检查", "ops"},
    {"GET", "/metrics", http_builtin_metrics, 0, "指标", "ops"},
    {"GET", "/api/v1/openapi.json", http_builtin_openapi, 0, "接口文档", "ops"},
    {"POST", "/api/v1/sessions", other, 0, "登录", "auth"},
    {"DELETE", "/api/v1/sessions/current", other, 0, "退出", "auth"},
    {"GET", "/api/v1/orgs", other, 0, "", "orgs"},
    {"GET", "/api/v1/orgs/{id}", other, 0, "", "orgs"},
    {"GET", "/api/v1/users", other, 0, "", "users"},
    {"GET", "/api/v1/users/{id}", other, 0, "", "users"},
    {"GET", "/api/v1/powers", other, 0, "", "powers"},
    {"GET", "/api/v1/powers/{id}", other, 0, "", "powers"},
    {"GET", "/api/v1/cases", other, 0, "", "cases"},
    {"POST", "/api/v1/cases", other, 0, "", "cases"},
    {"GET", "/api/v1/cases/search", other, 0, "", "cases"},
    {"GET", "/api/v1/cases/{id}", get_case, 0, "案件详情", "cases"},
    {"PATCH", "/api/v1/cases/{id}", other, 0, "", "cases"},
    {"GET", "/api/v1/cases/{id}/records", other, 0, "", "records"},
    {"POST", "/api/v1/cases/{id}/records", other, 0, "", "records"},
    {"GET", "/api/v1/cases/{id}/records/{rid}", other, 0, "", "records"},
    {"POST", "/api/v1/cases/{id}/transitions", other, 0, "", "cases"},
    {"GET", "/api/v1/cases/{id}/documents", other, 0, "", "documents"},
    {"GET", "/api/v1/cases/{id}/deadlines", other, 0, "", "cases"},
    {"GET", "/api/v1/reviews", other, 0, "", "reviews"},
    {"POST", "/api/v1/reviews", other, 0, "", "reviews"},
    {"GET", "/api/v1/reviews/{id}", other, 0, "", "reviews"},
    {"POST", "/api/v1/reviews/{id}/opinion", other, 0, "", "reviews"},
    {"GET", "/api/v1/publicity", other, 0, "", "publicity"},
    {"GET", "/api/v1/publicity/{id}", other, 0, "", "publicity"},
    {"POST", "/api/v1/media", other, 0, "", "media"},
    {"GET", "/api/v1/media/{id}", other, 0, "", "media"},
    {"GET", "/api/v1/portal/results", other, 0, "", "portal"},
    {"GET", "/api/v1/portal/results/{id}", other, 0, "", "portal"},
};

int main(int argc, char **argv)
{
    struct http_config cfg;
    struct http_app app;
    struct sx_err err;
    char port_buf[32];
    char *text;
    long port = argc > 1 ? strtol(argv[1], NULL, 10) : 8082;
    long threads = argc > 2 ? strtol(argv[2], NULL, 10) : 0;
    json_t *sample = case_json(1);
    if (port < 1 || port > 65535 || threads < 0 || threads > 1024 || sample == NULL) {
        fprintf(stderr, "usage: http_fw [PORT=8082] [THREADS=cores]\n");
        return 2;
    }
    text = json_dumps(sample, JSON_COMPACT);
    fprintf(stderr, "http_fw: body is %zu bytes (run: h2o_bare %zu)\n", strlen(text), strlen(text));
    free(text);
    json_decref(sample);
    snprintf(port_buf, sizeof(port_buf), "127.0.0.1:%ld", port);
    http_config_defaults(&cfg);
    cfg.listen = port_buf;
    cfg.threads = (unsigned)threads;
    memset(&app, 0, sizeof(app));
    app.routes = routes;
    app.nroutes = sizeof(routes) / sizeof(routes[0]);
    sx_log_set_level(SX_LOG_WARN);
    if (http_serve(&cfg, &app, &err) != 0) {
        fprintf(stderr, "http_fw: %s: %s\n", err.title, err.detail);
        return 1;
    }
    return 0;
}
