/*
 * app.c helpers that need no database: the per-context cache of parsed case flags
 * (app_case_flags) — a hit returns the parsed object itself, a changed text or another case in
 * the same slot is parsed again, a text that is not a JSON object gives NULL, and
 * app_ctx_close frees everything (ASan's leak check runs on this binary).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "app/app.h"

static void test_flags_cache(void **state)
{
    struct app_ctx ctx;
    json_t *a, *b, *c, *d;
    (void)state;
    memset(&ctx, 0, sizeof(ctx));
    a = app_case_flags(&ctx, 7, "{\"wf\":{\"waived\":true}}");
    b = app_case_flags(&ctx, 7, "{\"wf\":{\"waived\":true}}");
    assert_non_null(a);
    assert_ptr_equal(a, b); /* the same parse, shared */
    c = app_case_flags(&ctx, 7, "{\"wf\":{\"waived\":false}}");
    assert_ptr_not_equal(c, a);
    assert_true(json_is_false(json_object_get(json_object_get(c, "wf"), "waived")));
    assert_true(json_is_true(json_object_get(json_object_get(a, "wf"), "waived"))); /* kept */
    /* another case mapping to the same slot gets its own flags */
    d = app_case_flags(&ctx, 7 + 256, "{\"wf\":{\"waived\":true}}");
    assert_ptr_not_equal(d, a);
    assert_true(json_is_true(json_object_get(json_object_get(d, "wf"), "waived")));
    json_decref(app_case_flags(&ctx, 7, "{\"wf\":{\"waived\":false}}"));
    assert_null(app_case_flags(&ctx, 8, "[1,2]"));
    assert_null(app_case_flags(&ctx, 8, "{not json"));
    assert_null(app_case_flags(&ctx, 8, NULL));
    json_decref(a);
    json_decref(b);
    json_decref(c);
    json_decref(d);
    app_ctx_close(&ctx);
    assert_null(ctx.flags_cache);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flags_cache),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
