/*
 * Unit tests for src/core/flowchart: SVG 执法流程图 from the shipped workflow definitions
 * (BJ-2.1-4, HE-2.1, HB-1-08). Checks that every state and action name appears, that the
 * document's elements nest, that the output is deterministic and that text is XML-escaped.
 * (tests/api/t_prepub.py also parses the served SVG with python's xml.etree.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/flowchart.h"
#include "core/wf.h"
#include "sx_buf.h"
#include "sx_err.h"

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    long n = -1;
    char *buf;
    if (f == NULL)
        fail_msg("cannot open %s", path);
    if (fseek(f, 0, SEEK_END) == 0)
        n = ftell(f);
    if (n < 0 || fseek(f, 0, SEEK_SET) != 0)
        fail_msg("cannot size %s", path);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    if (fread(buf, 1, (size_t)n, f) != (size_t)n)
        fail_msg("cannot read %s", path);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static struct wf_def *load(const char *text, size_t len)
{
    struct wf_def *def = NULL;
    struct sx_err err;
    sx_err_clear(&err);
    if (wf_load(text, len, &def, &err) != 0)
        fail_msg("wf_load: %s", err.detail);
    return def;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* Each element opened is closed: <g> vs </g>, <text> vs </text>, one <svg>, one </svg>. */
static void check_structure(const char *svg, const char *why)
{
    if (strncmp(svg, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg ", 44) != 0)
        fail_msg("%s: no XML declaration + svg root", why);
    if (count(svg, "<svg ") != 1 || count(svg, "</svg>") != 1)
        fail_msg("%s: svg root not unique", why);
    if (count(svg, "<g ") != count(svg, "</g>"))
        fail_msg("%s: <g> %zu vs </g> %zu", why, count(svg, "<g "), count(svg, "</g>"));
    if (count(svg, "<text ") != count(svg, "</text>"))
        fail_msg("%s: unbalanced <text>", why);
    if (strcmp(svg + strlen(svg) - 7, "</svg>\n") != 0)
        fail_msg("%s: does not end with </svg>", why);
}

static const struct {
    const char *path;
    const char *must; /* one transition the picture must show, "data-from=.. data-to=.." */
    const char *why;
} def_rows[] = {
    {"data/workflows/penalty.json", "data-from=\"clue\" data-to=\"filed\"",
     "行政处罚: 线索 → 立案 (HB-2-04)"},
    {"data/workflows/inspection.json", "data-from=\"started\" data-to=\"checking\"",
     "行政检查: 检查启动 → 现场核查 (HB-2-04)"},
    {"data/workflows/coercion.json", "class=\"state\"", "行政强制 has state boxes"},
};

static void test_shipped_definitions(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(def_rows) / sizeof(def_rows[0]); i++) {
        size_t len;
        char *text = read_all(def_rows[i].path, &len);
        struct wf_def *def = load(text, len);
        struct sx_buf a, b;
        struct sx_err err;
        sx_buf_init(&a, 1 << 20);
        sx_buf_init(&b, 1 << 20);
        if (fc_render_svg(def, &a, &err) != 0 || fc_render_svg(def, &b, &err) != 0)
            fail_msg("%s: %s", def_rows[i].why, err.detail);
        check_structure(a.data, def_rows[i].why);
        if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0)
            fail_msg("%s: two renderings differ", def_rows[i].why);
        if (strstr(a.data, def_rows[i].must) == NULL)
            fail_msg("%s: missing %s", def_rows[i].why, def_rows[i].must);
        for (size_t s = 0; s < wf_state_count(def); s++) {
            const struct wf_state *st = wf_state_at(def, s);
            if (strstr(a.data, st->name_zh) == NULL)
                fail_msg("%s: state %s (%s) not drawn", def_rows[i].why, st->key, st->name_zh);
        }
        for (size_t j = 0; j < wf_action_count(def); j++) {
            const struct wf_action *ac = wf_action_at(def, j);
            if (strstr(a.data, ac->name_zh) == NULL)
                fail_msg("%s: action %s (%s) not shown", def_rows[i].why, ac->key, ac->name_zh);
        }
        sx_buf_free(&a);
        sx_buf_free(&b);
        wf_free(def);
        free(text);
    }
}

/* Names with XML metacharacters come out as entities, never as markup. */
#define ESC_DEF                                                                                    \
    "{\"kind\":\"penalty\",\"name_zh\":\"测<试>\",\"version\":1,\"initial\":\"a\",\"states\":["  \
    "{\"key\":\"a\",\"name_zh\":\"甲&乙\"},{\"key\":\"z\",\"name_zh\":\"终\\\"结'\","          \
    "\"terminal\":true}],\"actions\":[{\"key\":\"go\",\"name_zh\":\"<script>走</script>\","       \
    "\"record_type\":\"note\",\"from\":[\"a\"],\"to\":\"z\",\"roles\":[\"officer\"],"              \
    "\"gates\":[\"role\"],\"source\":\"s\"}]}"

static void test_escaping(void **state)
{
    struct wf_def *def = load(ESC_DEF, strlen(ESC_DEF));
    struct sx_buf out;
    struct sx_err err;
    (void)state;
    sx_buf_init(&out, 1 << 20);
    assert_int_equal(fc_render_svg(def, &out, &err), 0);
    check_structure(out.data, "escaping");
    assert_null(strstr(out.data, "<script>"));
    assert_non_null(strstr(out.data, "&lt;script&gt;走&lt;/script&gt;"));
    assert_non_null(strstr(out.data, "甲&amp;乙"));
    assert_non_null(strstr(out.data, "终&quot;结&apos;"));
    assert_non_null(strstr(out.data, "测&lt;试&gt;执法流程图"));
    sx_buf_free(&out);
    wf_free(def);
}

static const struct {
    const char *in, *out, *why;
} xml_rows[] = {
    {"a&b", "a&amp;b", "ampersand"},
    {"<x>", "&lt;x&gt;", "angle brackets"},
    {"\"'", "&quot;&apos;", "quotes"},
    {"行\t政\n", "行 政 ", "control characters become spaces"},
    {"", "", "empty"},
    {"处罚决定", "处罚决定", "CJK passes through"},
};

static void test_put_xml(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(xml_rows) / sizeof(xml_rows[0]); i++) {
        struct sx_buf b;
        sx_buf_init(&b, 1024);
        assert_int_equal(fc_put_xml(&b, xml_rows[i].in), 0);
        if (strcmp(b.data, xml_rows[i].out) != 0)
            fail_msg("row %zu (%s): got %s", i, xml_rows[i].why, b.data);
        sx_buf_free(&b);
    }
}

/* A buffer too small gives SX_E_TOOBIG, not a truncated document. */
static void test_too_small(void **state)
{
    size_t len;
    char *text = read_all("data/workflows/penalty.json", &len);
    struct wf_def *def = load(text, len);
    struct sx_buf out;
    struct sx_err err;
    (void)state;
    sx_buf_init(&out, 512);
    assert_int_equal(fc_render_svg(def, &out, &err), SX_E_TOOBIG);
    sx_buf_free(&out);
    wf_free(def);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_definitions),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_put_xml),
        cmocka_unit_test(test_too_small),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
