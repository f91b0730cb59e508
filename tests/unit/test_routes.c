/*
 * The HTTP route table and docs/openapi.json must agree: every route is
 * documented and every documented operation is routed (issue: "a test fails
 * if a route is undocumented").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "app/files.h"
#include "http/handlers/api.h"

static void test_every_route_is_documented(void **state)
{
    struct sx_buf text;
    struct sx_err err;
    const char *root = getenv("SANXIANG_ROOT");
    char path[4096];
    (void)state;
    snprintf(path, sizeof(path), "%s/docs/openapi.json", root != NULL ? root : ".");
    sx_buf_init(&text, 8u << 20);
    sx_err_clear(&err);
    assert_int_equal(app_file_read(path, &text, &err), 0);
    if (http_openapi_check(api_routes, api_nroutes, text.data, &err) != 0)
        fail_msg("%s: %s", err.title, err.detail);
    sx_buf_free(&text);
}

static void test_check_catches_a_missing_route(void **state)
{
    /* the same check on a document missing one operation must fail */
    static const char doc[] = "{\"openapi\":\"3.0.3\",\"paths\":{\"/healthz\":{\"get\":{}}}}";
    struct sx_err err;
    (void)state;
    sx_err_clear(&err);
    assert_int_not_equal(http_openapi_check(api_routes, api_nroutes, doc, &err), 0);
    assert_non_null(strstr(err.detail, "GET /metrics"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_route_is_documented),
        cmocka_unit_test(test_check_catches_a_missing_route),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
