/*
 * The streaming JSON writer of the hot read paths (src/http/handlers/jw.c): what it writes
 * parses back with jansson to the same values — keys written without an escaping scan, integers
 * without printf (both extremes), strings that need escaping, nesting, trusted raw JSON — and a
 * full buffer is an error that sticks, not a truncated document.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <string.h>

#include "http/handlers/jw.h"
#include "sx_err.h"

static void test_document_round_trips(void **state)
{
    static const int64_t ints[] = {0, 7, -7, 10, 1234567890123, INT64_MAX, INT64_MIN};
    struct sx_buf b;
    struct jw w;
    json_error_t je;
    json_t *doc, *arr;
    (void)state;
    sx_buf_init(&b, 1 << 16);
    jw_init(&w, &b);
    jw_obj(&w, NULL);
    jw_str(&w, "name", "昆明市\"医保\"局\\\n\t\x01");
    jw_null(&w, "none");
    jw_bool(&w, "yes", 1);
    jw_str(&w, "odd\"key", "v"); /* a key that needs escaping takes the general path */
    jw_arr(&w, "ints");
    for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
        jw_int(&w, NULL, ints[i]);
    jw_end_arr(&w);
    jw_obj(&w, "nested");
    jw_raw(&w, "body", "{\"a\":[1,2]}");
    jw_end_obj(&w);
    jw_end_obj(&w);
    assert_int_equal(w.rc, 0);
    doc = json_loads(b.data, 0, &je);
    if (doc == NULL)
        fail_msg("not JSON (%s): %s", je.text, b.data);
    assert_string_equal(json_string_value(json_object_get(doc, "name")),
                        "昆明市\"医保\"局\\\n\t\x01");
    assert_true(json_is_null(json_object_get(doc, "none")));
    assert_true(json_is_true(json_object_get(doc, "yes")));
    assert_string_equal(json_string_value(json_object_get(doc, "odd\"key")), "v");
    arr = json_object_get(doc, "ints");
    assert_int_equal(json_array_size(arr), sizeof(ints) / sizeof(ints[0]));
    for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
        assert_true(json_integer_value(json_array_get(arr, i)) == ints[i]);
    assert_int_equal(json_array_size(json_object_get(
                         json_object_get(json_object_get(doc, "nested"), "body"), "a")),
                     2);
    json_decref(doc);
    sx_buf_free(&b);
}

static void test_full_buffer_sticks(void **state)
{
    struct sx_buf b;
    struct jw w;
    (void)state;
    sx_buf_init(&b, 24);
    jw_init(&w, &b);
    jw_obj(&w, NULL);
    jw_str(&w, "a", "0123456789");
    jw_int(&w, "a_long_key_name", 42); /* does not fit */
    jw_bool(&w, "b", 0);               /* nor does anything after it */
    jw_end_obj(&w);
    assert_int_equal(w.rc, SX_E_TOOBIG);
    assert_true(b.len <= 24);
    sx_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_document_round_trips),
        cmocka_unit_test(test_full_buffer_sticks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
