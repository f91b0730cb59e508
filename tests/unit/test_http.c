/*
 * Unit tests for src/http: router matching and route-table errors, JSON body
 * schema rows, problem+json shape, cursor round trips and bad cursors, query
 * and cookie decoding, UTF-8, listen addresses, metrics text, the OpenAPI
 * check — then a smoke test that really serves: http_server_start on
 * 127.0.0.1:0 with two loops, plain-socket HTTP/1.1 requests (status, content
 * type, keep-alive, 404/405, 413, malformed JSON, 415, auth and CSRF, paging,
 * /metrics counts, /healthz, /api/v1/openapi.json, junk input), a clean stop
 * with worker_fini on every loop, start failures, and http_serve stopped by
 * SIGTERM. Then deferred responses (http_defer / http_resume) against a
 * stand-in for the group-commit writer thread: a response resumed from
 * another thread (body, params, principal, arena writes by the writer,
 * keep-alive and pipelining after it, metrics with the full duration), many
 * at once over two loops, a resumed error as problem+json, cancelled and
 * bogus deferrals, clients that leave before the resume over HTTP/1 and
 * HTTP/2 (arg still freed, status 499), and a stop that waits for pending
 * deferrals. Rows name the rule they check; design rules are from
 * DESIGN.md §6/§7 and RFC 9457.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "http/http_int.h"
#include "sx_log.h"

static int h_dummy(struct http_req *r, struct sx_err *err)
{
    return http_send_empty(r, 204, err);
}

/* ---- router ----------------------------------------------------------- */

static const struct http_route rt_table[] = {
    /* 0 */ {"GET", "/", h_dummy, 0, "根", "t"},
    /* 1 */ {"GET", "/healthz", h_dummy, 0, "", "t"},
    /* 2 */ {"GET", "/api/v1/cases", h_dummy, 0, "", "t"},
    /* 3 */ {"POST", "/api/v1/cases", h_dummy, 0, "", "t"},
    /* 4 */ {"GET", "/api/v1/cases/{id}", h_dummy, 0, "", "t"},
    /* 5 */ {"PATCH", "/api/v1/cases/{case_id}", h_dummy, 0, "", "t"},
    /* 6 */ {"DELETE", "/api/v1/cases/{id}", h_dummy, 0, "", "t"},
    /* 7 */ {"GET", "/api/v1/cases/search", h_dummy, 0, "", "t"},
    /* 8 */ {"GET", "/api/v1/cases/{id}/records", h_dummy, 0, "", "t"},
    /* 9 */ {"GET", "/api/v1/cases/{id}/records/{rid}", h_dummy, 0, "", "t"},
    /* 10 */ {"GET", "/api/v1/{kind}/stats", h_dummy, 0, "", "t"},
};

struct match_row {
    const char *why;
    const char *method;
    const char *path;
    int status;
    int route;
    const char *p1name, *p1val, *p2name, *p2val;
    const char *allow;
};

static const struct match_row match_rows[] = {
    {"root", "GET", "/", 0, 0, NULL, NULL, NULL, NULL, NULL},
    {"literal", "GET", "/healthz", 0, 1, NULL, NULL, NULL, NULL, NULL},
    {"trailing slash ignored", "GET", "/healthz/", 0, 1, NULL, NULL, NULL, NULL, NULL},
    {"two trailing slashes: empty segment", "GET", "/healthz//", 404, 0, NULL, NULL, NULL, NULL,
     NULL},
    {"empty segment inside", "GET", "/api//v1/cases", 404, 0, NULL, NULL, NULL, NULL, NULL},
    {"param", "GET", "/api/v1/cases/42", 0, 4, "id", "42", NULL, NULL, NULL},
    {"param, trailing slash", "GET", "/api/v1/cases/42/", 0, 4, "id", "42", NULL, NULL, NULL},
    {"param stays raw (decoded later)", "GET", "/api/v1/cases/a%20b", 0, 4, "id", "a%20b", NULL,
     NULL, NULL},
    {"same shape, other param name per row", "PATCH", "/api/v1/cases/7", 0, 5, "case_id", "7", NULL,
     NULL, NULL},
    {"literal beats param", "GET", "/api/v1/cases/search", 0, 7, NULL, NULL, NULL, NULL, NULL},
    {"shape with the method beats literal without", "DELETE", "/api/v1/cases/search", 0, 6, "id",
     "search", NULL, NULL, NULL},
    {"two params", "GET", "/api/v1/cases/42/records/9", 0, 9, "id", "42", "rid", "9", NULL},
    {"param first, literal after", "GET", "/api/v1/reviews/stats", 0, 10, "kind", "reviews", NULL,
     NULL, NULL},
    {"405 lists every method of the shape", "PUT", "/api/v1/cases/42", 405, 0, NULL, NULL, NULL,
     NULL, "GET, HEAD, PATCH, DELETE"},
    {"405 on collection", "DELETE", "/api/v1/cases", 405, 0, NULL, NULL, NULL, NULL,
     "GET, HEAD, POST"},
    {"methods are case-sensitive", "get", "/healthz", 405, 0, NULL, NULL, NULL, NULL, "GET, HEAD"},
    {"HEAD served by the GET row (RFC 9110 9.3.2)", "HEAD", "/healthz", 0, 1, NULL, NULL, NULL,
     NULL, NULL},
    {"HEAD with params", "HEAD", "/api/v1/cases/42/records/9", 0, 9, "id", "42", "rid", "9", NULL},
    {"unknown path", "GET", "/api/v2/cases", 404, 0, NULL, NULL, NULL, NULL, NULL},
    {"too long", "GET", "/api/v1/cases/42/records/9/x", 404, 0, NULL, NULL, NULL, NULL, NULL},
    {"no leading slash", "GET", "healthz", 404, 0, NULL, NULL, NULL, NULL, NULL},
    {"empty path", "GET", "", 404, 0, NULL, NULL, NULL, NULL, NULL},
    {"literals are not percent-decoded", "GET", "/api/v1/%63ases", 404, 0, NULL, NULL, NULL, NULL,
     NULL},
    {"dot segments are literal", "GET", "/api/v1/cases/../cases", 404, 0, NULL, NULL, NULL, NULL,
     NULL},
};

static void test_router_match_table(void **state)
{
    struct http_router *rt;
    struct sx_err err;
    (void)state;
    assert_int_equal(http_router_new(rt_table, sizeof(rt_table) / sizeof(rt_table[0]), &rt, &err),
                     0);
    for (size_t i = 0; i < sizeof(match_rows) / sizeof(match_rows[0]); i++) {
        const struct match_row *row = &match_rows[i];
        struct http_match m;
        print_message("match: %s\n", row->why);
        http_router_match(rt, row->method, strlen(row->method), row->path, strlen(row->path), &m);
        assert_int_equal(m.status, row->status);
        if (row->status == 405)
            assert_string_equal(m.allow, row->allow);
        if (row->status != 0)
            continue;
        assert_int_equal(m.route, row->route);
        assert_int_equal(m.nparams, (row->p1name != NULL) + (row->p2name != NULL));
        if (row->p1name != NULL) {
            assert_string_equal(m.pname[0], row->p1name);
            assert_int_equal(m.plen[0], strlen(row->p1val));
            assert_memory_equal(m.pval[0], row->p1val, m.plen[0]);
        }
        if (row->p2name != NULL) {
            assert_string_equal(m.pname[1], row->p2name);
            assert_int_equal(m.plen[1], strlen(row->p2val));
            assert_memory_equal(m.pval[1], row->p2val, m.plen[1]);
        }
    }
    {
        /* deeper than HTTP_MAX_SEGS: no route, no overflow */
        char deep[80];
        struct http_match m;
        for (int k = 0; k < 40; k++)
            memcpy(deep + 2 * k, "/a", 2);
        http_router_match(rt, "GET", 3, deep, sizeof(deep), &m);
        assert_int_equal(m.status, 404);
    }
    http_router_free(rt);
}

struct bad_table_row {
    const char *why;
    struct http_route routes[2];
    size_t n;
};

static const struct bad_table_row bad_tables[] = {
    {"no leading slash", {{"GET", "api", h_dummy, 0, "", ""}}, 1},
    {"trailing slash", {{"GET", "/api/", h_dummy, 0, "", ""}}, 1},
    {"empty segment", {{"GET", "/api//x", h_dummy, 0, "", ""}}, 1},
    {"param name starts with digit", {{"GET", "/x/{1a}", h_dummy, 0, "", ""}}, 1},
    {"partial param segment", {{"GET", "/x/a{id}", h_dummy, 0, "", ""}}, 1},
    {"empty param", {{"GET", "/x/{}", h_dummy, 0, "", ""}}, 1},
    {"literal with space", {{"GET", "/x y", h_dummy, 0, "", ""}}, 1},
    {"duplicate param name", {{"GET", "/x/{a}/{a}", h_dummy, 0, "", ""}}, 1},
    {"no handler", {{"GET", "/x", NULL, 0, "", ""}}, 1},
    {"bad method", {{"GE T", "/x", h_dummy, 0, "", ""}}, 1},
    {"too many params", {{"GET", "/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}", h_dummy, 0, "", ""}}, 1},
    {"same method and shape, other names",
     {{"GET", "/x/{a}", h_dummy, 0, "", ""}, {"GET", "/x/{b}", h_dummy, 0, "", ""}},
     2},
};

static void test_router_rejects_bad_tables(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad_tables) / sizeof(bad_tables[0]); i++) {
        struct http_router *rt = (struct http_router *)1;
        struct sx_err err;
        print_message("bad table: %s\n", bad_tables[i].why);
        sx_err_clear(&err);
        assert_int_equal(http_router_new(bad_tables[i].routes, bad_tables[i].n, &rt, &err),
                         SX_E_INVALID);
        assert_null(rt);
        assert_string_equal(err.type, "bad-route-table");
        assert_non_null(strstr(err.detail, bad_tables[i].routes[bad_tables[i].n - 1].pattern));
    }
}

/* ---- JSON body schema -------------------------------------------------- */

static const struct http_field case_fields[] = {
    {"cause", HTTP_F_STRING, 1, 5},
    {"fine_cents", HTTP_F_INT, 0, 0},
    {"hearing", HTTP_F_BOOL, 0, 0},
    {"party", HTTP_F_OBJECT, 0, 2},
    {"officers", HTTP_F_ARRAY, 0, 3},
    {"decided_on", HTTP_F_DATE, 0, 0},
    {"ratio", HTTP_F_NUMBER, 0, 0},
    {"extra", HTTP_F_ANY, 0, 0},
    {NULL, 0, 0, 0},
};

struct schema_row {
    const char *why;
    const char *body; /* NULL-terminated unless len set */
    size_t len;
    int rc;
    const char *type;
    const char *field;
    const char *detail_has;
};

static const struct schema_row schema_rows[] = {
    {"minimal valid", "{\"cause\":\"串换药品\"}", 0, 0, NULL, NULL, NULL},
    {"all fields",
     "{\"cause\":\"abc\",\"fine_cents\":500000,\"hearing\":true,\"party\":{\"a\":1},"
     "\"officers\":[\"u1\",\"u2\"],\"decided_on\":\"2024-02-29\",\"ratio\":0.5,\"extra\":null}",
     0, 0, NULL, NULL, NULL},
    {"max_len counts characters, not bytes (5 汉字 = 15 bytes)", "{\"cause\":\"一二三四五\"}", 0, 0,
     NULL, NULL, NULL},
    {"optional member may be null", "{\"cause\":\"x\",\"fine_cents\":null}", 0, 0, NULL, NULL,
     NULL},
    {"malformed: unterminated", "{\"cause\":", 0, SX_E_INVALID, "malformed-json", "", "第 1 行第"},
    {"malformed: trailing comma", "{\"cause\":\"x\",}", 0, SX_E_INVALID, "malformed-json", "",
     "语法错误"},
    {"malformed: second line position", "{\n  \"cause\": x\n}", 0, SX_E_INVALID, "malformed-json",
     "", "第 2 行"},
    {"malformed: garbage after the object", "{\"cause\":\"x\"} 1", 0, SX_E_INVALID,
     "malformed-json", "", "多余内容"},
    {"malformed: empty body", "", 0, SX_E_INVALID, "malformed-json", "", "请求体为空"},
    {"malformed: invalid UTF-8 in a string", "{\"cause\":\"\xff\"}", 0, SX_E_INVALID,
     "malformed-json", "", "UTF-8"},
    {"malformed: escaped NUL", "{\"cause\":\"a\\u0000b\"}", 0, SX_E_INVALID, "malformed-json", "",
     "NUL"},
    {"malformed: duplicate key", "{\"cause\":\"a\",\"cause\":\"b\"}", 0, SX_E_INVALID,
     "malformed-json", "", "重复"},
    {"malformed: lone surrogate escape", "{\"cause\":\"\\ud800\"}", 0, SX_E_INVALID,
     "malformed-json", "", NULL},
    {"malformed: raw NUL byte", "{\"cause\":\"a\0\"}", 14, SX_E_INVALID, "malformed-json", "",
     NULL},
    {"not an object: array", "[1,2]", 0, SX_E_INVALID, "body-not-object", "", NULL},
    {"not an object: string", "\"x\"", 0, SX_E_INVALID, "body-not-object", "", NULL},
    {"unknown field named", "{\"cause\":\"x\",\"zzz\":1}", 0, SX_E_INVALID, "unknown-field", "zzz",
     "zzz"},
    {"wrong type: string expected", "{\"cause\":12}", 0, SX_E_INVALID, "field-type", "cause",
     "字符串"},
    {"wrong type: integer, got real", "{\"cause\":\"x\",\"fine_cents\":1.5}", 0, SX_E_INVALID,
     "field-type", "fine_cents", "整数"},
    {"wrong type: integer, got string", "{\"cause\":\"x\",\"fine_cents\":\"5\"}", 0, SX_E_INVALID,
     "field-type", "fine_cents", "整数"},
    {"wrong type: bool, got string", "{\"cause\":\"x\",\"hearing\":\"true\"}", 0, SX_E_INVALID,
     "field-type", "hearing", "布尔值"},
    {"wrong type: object", "{\"cause\":\"x\",\"party\":[]}", 0, SX_E_INVALID, "field-type", "party",
     "对象"},
    {"wrong type: array", "{\"cause\":\"x\",\"officers\":{}}", 0, SX_E_INVALID, "field-type",
     "officers", "数组"},
    {"wrong type: number", "{\"cause\":\"x\",\"ratio\":true}", 0, SX_E_INVALID, "field-type",
     "ratio", "数值"},
    {"missing required", "{\"fine_cents\":1}", 0, SX_E_INVALID, "missing-field", "cause", "cause"},
    {"required null", "{\"cause\":null}", 0, SX_E_INVALID, "missing-field", "cause", "null"},
    {"string too long (6 characters > 5)", "{\"cause\":\"一二三四五六\"}", 0, SX_E_INVALID,
     "field-too-long", "cause", "最多 5 个字符"},
    {"array too long", "{\"cause\":\"x\",\"officers\":[1,2,3,4]}", 0, SX_E_INVALID,
     "field-too-long", "officers", NULL},
    {"object too large", "{\"cause\":\"x\",\"party\":{\"a\":1,\"b\":2,\"c\":3}}", 0, SX_E_INVALID,
     "field-too-long", "party", NULL},
    {"date: not a calendar day", "{\"cause\":\"x\",\"decided_on\":\"2025-02-29\"}", 0, SX_E_INVALID,
     "invalid-date", "decided_on", NULL},
    {"date: wrong format", "{\"cause\":\"x\",\"decided_on\":\"2025-2-1\"}", 0, SX_E_INVALID,
     "invalid-date", "decided_on", NULL},
    {"date: must be a string", "{\"cause\":\"x\",\"decided_on\":20250201}", 0, SX_E_INVALID,
     "field-type", "decided_on", "日期"},
};

static void test_json_schema_rows(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(schema_rows) / sizeof(schema_rows[0]); i++) {
        const struct schema_row *row = &schema_rows[i];
        size_t len = row->len != 0 ? row->len : strlen(row->body);
        json_t *out = (json_t *)1;
        struct sx_err err;
        int rc;
        print_message("schema: %s\n", row->why);
        sx_err_clear(&err);
        rc = http_json_parse(row->body, len, case_fields, &out, &err);
        assert_int_equal(rc, row->rc);
        if (rc == 0) {
            assert_non_null(out);
            json_decref(out);
            continue;
        }
        assert_null(out);
        assert_int_equal(err.status, 400);
        assert_string_equal(err.type, row->type);
        assert_string_equal(err.field, row->field);
        if (row->detail_has != NULL)
            assert_non_null(strstr(err.detail, row->detail_has));
        if (strcmp(row->type, "malformed-json") == 0)
            assert_string_equal(err.title, "请求体不是有效的 JSON");
    }
}

static void test_json_validate_checks_utf8_of_values(void **state)
{
    /* jansson validates UTF-8 when parsing; values built in code are checked too */
    json_t *obj = json_object();
    struct sx_err err;
    (void)state;
    json_object_set_new(obj, "cause", json_stringn_nocheck("\xed\xa0\x80", 3));
    assert_int_equal(http_json_validate(obj, case_fields, &err), SX_E_INVALID);
    assert_string_equal(err.type, "invalid-utf8");
    assert_string_equal(err.field, "cause");
    json_decref(obj);
}

/* ---- problem+json -------------------------------------------------------- */

static json_t *render(const struct sx_err *e, const char *instance, const char *id)
{
    struct sx_buf b;
    json_error_t je;
    json_t *j;
    sx_buf_init(&b, 1 << 16);
    assert_int_equal(http_problem_render(e, instance, id, &b), 0);
    j = json_loadb(b.data, b.len, 0, &je);
    if (j == NULL)
        print_error("not JSON: %s (%s)\n", b.data, je.text);
    sx_buf_free(&b);
    assert_non_null(j);
    return j;
}

static void test_problem_shape(void **state)
{
    struct sx_err e;
    json_t *j;
    const char *key;
    json_t *v;
    size_t n = 0;
    (void)state;
    SX_FAIL(&e, SX_E_GATE, "review-required", "重大执法决定须经法制审核",
            "云南 附件3 第三条 (YN-3-03)", "decision", "罚款 %d 元达到审核标准", 100000);
    j = render(&e, "/api/v1/cases/7/transitions", "abc-0-1");
    assert_string_equal(json_string_value(json_object_get(j, "type")),
                        "https://sanxiang.example/problems/review-required");
    assert_string_equal(json_string_value(json_object_get(j, "title")), "重大执法决定须经法制审核");
    assert_int_equal(json_integer_value(json_object_get(j, "status")), 422);
    assert_string_equal(json_string_value(json_object_get(j, "detail")),
                        "罚款 100000 元达到审核标准");
    assert_string_equal(json_string_value(json_object_get(j, "source")),
                        "云南 附件3 第三条 (YN-3-03)");
    assert_string_equal(json_string_value(json_object_get(j, "field")), "decision");
    assert_string_equal(json_string_value(json_object_get(j, "instance")),
                        "/api/v1/cases/7/transitions");
    assert_string_equal(json_string_value(json_object_get(j, "request_id")), "abc-0-1");
    json_object_foreach(j, key, v)
    {
        (void)key;
        (void)v;
        n++;
    }
    assert_int_equal(n, 8);
    json_decref(j);
}

static void test_problem_minimal_and_sanitised(void **state)
{
    struct sx_err e;
    json_t *j;
    (void)state;
    /* no type → about:blank; status from code; empty members left out */
    sx_err_clear(&e);
    e.code = SX_E_NOTFOUND;
    j = render(&e, NULL, NULL);
    assert_string_equal(json_string_value(json_object_get(j, "type")), "about:blank");
    assert_int_equal(json_integer_value(json_object_get(j, "status")), 404);
    assert_string_equal(json_string_value(json_object_get(j, "title")), "未找到该资源");
    assert_null(json_object_get(j, "detail"));
    assert_null(json_object_get(j, "source"));
    assert_null(json_object_get(j, "field"));
    assert_null(json_object_get(j, "instance"));
    json_decref(j);

    /* a detail cut mid-character by snprintf, and quotes/newlines, stay valid JSON */
    sx_err_clear(&e);
    e.code = SX_E_INVALID;
    e.status = 400;
    snprintf(e.type, sizeof(e.type), "bad slug/\"x");
    snprintf(e.detail, sizeof(e.detail), "值 \"a\nb\" 截断\xe6\xa1");
    j = render(&e, "/x?\xff", NULL);
    assert_string_equal(json_string_value(json_object_get(j, "type")),
                        "https://sanxiang.example/problems/bad-slug--x");
    assert_string_equal(json_string_value(json_object_get(j, "detail")),
                        "值 \"a\nb\" 截断\xef\xbf\xbd\xef\xbf\xbd");
    assert_string_equal(json_string_value(json_object_get(j, "instance")), "/x?\xef\xbf\xbd");
    json_decref(j);
}

/* ---- cursor ------------------------------------------------------------- */

static void test_cursor_roundtrip(void **state)
{
    static const int64_t values[] = {0,        1, 42, 255, 256, 65535, 2147483648LL, 999999999999LL,
                                     INT64_MAX};
    (void)state;
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        char c[HTTP_CURSOR_LEN + 1];
        int64_t back = -1;
        struct sx_err err;
        http_cursor_encode(values[i], c);
        assert_int_equal(strlen(c), HTTP_CURSOR_LEN);
        assert_null(strpbrk(c, "+/="));
        assert_int_equal(http_cursor_decode(c, strlen(c), &back, &err), 0);
        assert_true(back == values[i]);
    }
}

static void test_cursor_rejects_bad(void **state)
{
    static const char *const bad[] = {
        "",             /* empty */
        "AAAAAAAAAA",   /* 10 chars */
        "AAAAAAAAAAAA", /* 12 chars */
        "AAAAAAAAAA+",  /* standard base64, not base64url */
        "AAAAAAAAA/A",  /* idem */
        "AAAAAAAAAA=",  /* padding */
        "AAAAAAAAAAB",  /* non-canonical: low bits of the last sextet set */
        "__________8",  /* > INT64_MAX (top bit set) */
        "AAAA AAAAAA",  /* space */
        "AAAAAAAAAA\xc3",
    };
    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int64_t v = 0;
        struct sx_err err;
        sx_err_clear(&err);
        print_message("bad cursor %zu: '%s'\n", i, bad[i]);
        assert_int_equal(http_cursor_decode(bad[i], strlen(bad[i]), &v, &err), SX_E_INVALID);
        assert_string_equal(err.field, "cursor");
        assert_string_equal(err.type, "invalid-cursor");
    }
}

/* ---- query, cookies, UTF-8, dates, listen ------------------------------- */

struct query_row {
    const char *why;
    const char *qs;
    const char *name;
    int rc;
    const char *value; /* NULL = absent */
};

static const struct query_row query_rows[] = {
    {"second pair", "a=1&b=2", "b", 0, "2"},
    {"percent-encoded UTF-8", "q=%E6%A1%88%E4%BB%B6", "q", 0, "案件"},
    {"plus is space", "q=a+b", "q", 0, "a b"},
    {"encoded plus stays plus", "q=a%2Bb", "q", 0, "a+b"},
    {"absent", "a=1", "q", 0, NULL},
    {"prefix of another name is not a match", "qq=1", "q", 0, NULL},
    {"no '=': empty value", "q", "q", 0, ""},
    {"first of repeated", "q=&q=2", "q", 0, ""},
    {"encoded key", "%71=v", "q", 0, "v"},
    {"malformed other pair is ignored", "a=%zz&q=1", "q", 0, "1"},
    {"empty query", "", "q", 0, NULL},
    {"truncated escape", "q=%2", "q", SX_E_INVALID, NULL},
    {"bad hex", "q=%zz", "q", SX_E_INVALID, NULL},
    {"NUL", "q=a%00b", "q", SX_E_INVALID, NULL},
    {"invalid UTF-8", "q=%FF", "q", SX_E_INVALID, NULL},
    {"overlong UTF-8", "q=%C0%AF", "q", SX_E_INVALID, NULL},
    {"half a character", "q=%E6%A1", "q", SX_E_INVALID, NULL},
};

static void test_query_decoding(void **state)
{
    struct sx_arena a;
    (void)state;
    sx_arena_init(&a, 4096);
    for (size_t i = 0; i < sizeof(query_rows) / sizeof(query_rows[0]); i++) {
        const struct query_row *row = &query_rows[i];
        const char *v = "unset";
        struct sx_err err;
        print_message("query: %s\n", row->why);
        sx_err_clear(&err);
        assert_int_equal(http_query_lookup(row->qs, strlen(row->qs), row->name, &a, &v, &err),
                         row->rc);
        if (row->rc != 0) {
            assert_string_equal(err.field, row->name);
            assert_int_equal(err.status, 400);
            continue;
        }
        if (row->value == NULL)
            assert_null(v);
        else
            assert_string_equal(v, row->value);
    }
    sx_arena_free(&a);
}

static void test_cookie_lookup(void **state)
{
    static const struct {
        const char *hdr, *name, *value;
    } rows[] = {
        {"sx_session=abc", "sx_session", "abc"},
        {"a=1; sx_session=abc; b=2", "sx_session", "abc"},
        {"a=1;sx_session=abc", "sx_session", "abc"},
        {"sx_session=\"q v\"", "sx_session", "q v"},
        {"xsx_session=1", "sx_session", NULL},
        {"sx_session", "sx_session", NULL},
        {"a=1; sx_session=", "sx_session", ""},
        {"", "sx_session", NULL},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const char *v = NULL;
        size_t vl = 0;
        int found = http_cookie_lookup(rows[i].hdr, strlen(rows[i].hdr), rows[i].name, &v, &vl);
        print_message("cookie: '%s'\n", rows[i].hdr);
        assert_int_equal(found, rows[i].value != NULL);
        if (found) {
            assert_int_equal(vl, strlen(rows[i].value));
            assert_memory_equal(v, rows[i].value, vl);
        }
    }
}

static void test_utf8_and_dates(void **state)
{
    static const struct {
        const char *s;
        int ok;
    } u[] = {
        {"plain", 1},
        {"医保", 1},
        {"\xf0\x9f\x98\x80", 1},  /* U+1F600 */
        {"\xc0\xaf", 0},          /* overlong '/' */
        {"\xe0\x80\xaf", 0},      /* overlong 3-byte */
        {"\xed\xa0\x80", 0},      /* surrogate U+D800 */
        {"\xf4\x90\x80\x80", 0},  /* > U+10FFFF */
        {"\xe6\xa1", 0},          /* truncated */
        {"\x80", 0},              /* lone continuation */
        {"a\xe6\xa1\x88\xff", 0}, /* trailing junk */
    };
    static const struct {
        const char *s;
        int ok;
    } d[] = {
        {"2024-02-29", 1}, {"2023-02-29", 0}, {"1900-02-29", 0}, {"2000-02-29", 1},
        {"2025-04-31", 0}, {"2025-12-31", 1}, {"2025-13-01", 0}, {"2025-00-10", 0},
        {"0000-01-01", 0}, {"2025-1-01", 0},  {"2025/01/01", 0}, {"2025-01-011", 0},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++)
        assert_int_equal(http_utf8_valid(u[i].s, strlen(u[i].s)), u[i].ok);
    for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
        print_message("date %s\n", d[i].s);
        assert_int_equal(http_date_valid(d[i].s, strlen(d[i].s)), d[i].ok);
    }
    assert_int_equal(http_utf8_count("a医保", strlen("a医保")), 3);
}

static void test_listen_addresses(void **state)
{
    static const struct {
        const char *s;
        int family; /* 0 = invalid */
        unsigned port;
    } rows[] = {
        {"127.0.0.1:8080", AF_INET, 8080},
        {"0.0.0.0:8080", AF_INET, 8080},
        {"127.0.0.1:0", AF_INET, 0},
        {"[::1]:8080", AF_INET6, 8080},
        {"[::]:443", AF_INET6, 443},
        {"localhost:8080", 0, 0},
        {"127.0.0.1", 0, 0},
        {"127.0.0.1:65536", 0, 0},
        {"127.0.0.1:", 0, 0},
        {"127.0.0.1:80x", 0, 0},
        {"[::1]8080", 0, 0},
        {"::1:8080", 0, 0},
        {":8080", 0, 0},
        {"[]:80", 0, 0},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct sockaddr_storage ss;
        socklen_t len;
        struct sx_err err;
        int rc = http_parse_listen(rows[i].s, &ss, &len, &err);
        print_message("listen %s\n", rows[i].s);
        if (rows[i].family == 0) {
            assert_int_equal(rc, SX_E_INVALID);
            assert_string_equal(err.field, "listen");
            continue;
        }
        assert_int_equal(rc, 0);
        assert_int_equal(ss.ss_family, rows[i].family);
        if (rows[i].family == AF_INET)
            assert_int_equal(ntohs(((struct sockaddr_in *)&ss)->sin_port), rows[i].port);
        else
            assert_int_equal(ntohs(((struct sockaddr_in6 *)&ss)->sin6_port), rows[i].port);
    }
}

/* ---- metrics text ---------------------------------------------------------- */

static void test_metrics_render_sums_workers(void **state)
{
    struct http_metrics a;
    struct http_metrics b;
    struct http_metrics *ms[2] = {&a, &b};
    struct sx_buf out;
    (void)state;
    assert_int_equal(http_metrics_init(&a, 3), 0);
    assert_int_equal(http_metrics_init(&b, 3), 0);
    http_metrics_record(&a, 1, 200, 80);
    http_metrics_record(&b, 1, 200, 3000);
    http_metrics_record(&b, 1, 418, 10);
    http_metrics_record(&a, 3, 404, 5);
    http_metrics_inflight(&a, 1);
    sx_buf_init(&out, 1 << 20);
    assert_int_equal(http_metrics_render(ms, 2, rt_table, 3, &out), 0);
    assert_non_null(strstr(out.data, "# TYPE sanxiang_http_requests_total counter\n"));
    assert_non_null(strstr(
        out.data,
        "sanxiang_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 2\n"));
    assert_non_null(strstr(
        out.data,
        "sanxiang_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"other\"} 1\n"));
    assert_non_null(
        strstr(out.data,
               "sanxiang_http_requests_total{method=\"\",route=\"unmatched\",status=\"404\"} 1\n"));
    /* cumulative buckets: 80us ≤ 0.0001, 3000us ≤ 0.005 */
    assert_non_null(strstr(out.data, "sanxiang_http_request_duration_seconds_bucket{method=\"GET\","
                                     "route=\"/healthz\",le=\"0.0001\"} 2\n"));
    assert_non_null(strstr(out.data, "sanxiang_http_request_duration_seconds_bucket{method=\"GET\","
                                     "route=\"/healthz\",le=\"0.0025\"} 2\n"));
    assert_non_null(strstr(out.data, "sanxiang_http_request_duration_seconds_bucket{method=\"GET\","
                                     "route=\"/healthz\",le=\"+Inf\"} 3\n"));
    assert_non_null(strstr(out.data, "sanxiang_http_request_duration_seconds_sum{method=\"GET\","
                                     "route=\"/healthz\"} 0.003090\n"));
    assert_non_null(strstr(out.data, "sanxiang_http_requests_in_flight 1\n"));
    /* routes never hit produce no series */
    assert_null(strstr(out.data, "route=\"/api/v1/cases\""));
    sx_buf_free(&out);
    http_metrics_free(&a);
    http_metrics_free(&b);
}

/* ---- OpenAPI check --------------------------------------------------------- */

static void test_openapi_check(void **state)
{
    static const struct http_route routes[] = {
        {"GET", "/healthz", h_dummy, 0, "", ""},
        {"GET", "/api/v1/cases/{id}", h_dummy, 0, "", ""},
        {"POST", "/api/v1/cases", h_dummy, 0, "", ""},
    };
    static const char ok[] =
        "{\"openapi\":\"3.1.0\",\"paths\":{\"/healthz\":{\"get\":{}},"
        "\"/api/v1/cases/{id}\":{\"get\":{},\"parameters\":[]},\"/api/v1/cases\":{\"post\":{}}}}";
    static const char missing[] =
        "{\"paths\":{\"/healthz\":{\"get\":{}},\"/api/v1/cases\":{\"post\":{}}}}";
    static const char extra[] =
        "{\"paths\":{\"/healthz\":{\"get\":{}},\"/api/v1/cases/{id}\":{\"get\":{},\"delete\":{}},"
        "\"/api/v1/cases\":{\"post\":{}}}}";
    struct sx_err err;
    (void)state;
    assert_int_equal(http_openapi_check(routes, 3, ok, &err), 0);

    sx_err_clear(&err);
    assert_int_equal(http_openapi_check(routes, 3, missing, &err), SX_E_INVALID);
    assert_string_equal(err.type, "openapi-mismatch");
    assert_non_null(strstr(err.detail, "未记录 1 个：GET /api/v1/cases/{id}"));

    sx_err_clear(&err);
    assert_int_equal(http_openapi_check(routes, 3, extra, &err), SX_E_INVALID);
    assert_non_null(strstr(err.detail, "多余 1 个：DELETE /api/v1/cases/{id}"));

    assert_int_equal(http_openapi_check(routes, 3, "{\"openapi\":\"3.1.0\"}", &err), SX_E_INVALID);
    assert_int_equal(http_openapi_check(routes, 3, "{not json", &err), SX_E_INVALID);
}

/* ======================================================================
 * Smoke test: a real server on 127.0.0.1:0 and a plain-socket client.
 * ====================================================================== */

struct app_state {
    int inits;
    int finis;
    int fail_init;
};

struct worker_state {
    unsigned index;
    int served;
};

static int smoke_worker_init(void *app, unsigned index, void **ws, struct sx_err *err)
{
    struct app_state *a = app;
    struct worker_state *w;
    if (a->fail_init)
        return SX_FAIL(err, SX_E_DB, "db-open", "无法连接数据库", "", "", "测试：worker %u", index);
    w = calloc(1, sizeof(*w));
    if (w == NULL)
        return SX_E_NOMEM;
    w->index = index;
    *ws = w;
    __atomic_add_fetch(&a->inits, 1, __ATOMIC_SEQ_CST);
    return 0;
}

static void smoke_worker_fini(void *app, void *ws)
{
    struct app_state *a = app;
    free(ws);
    __atomic_add_fetch(&a->finis, 1, __ATOMIC_SEQ_CST);
}

/* Bearer "good" logs in; CSRF (when the framework asks) needs x-csrf-token: t0k. */
static int smoke_auth(struct http_req *r, unsigned flags, struct sx_err *err)
{
    static int principal = 7;
    const char *a = http_header(r, "authorization");
    if (a == NULL || strcmp(a, "Bearer good") != 0)
        return SX_FAIL(err, SX_E_AUTH, "unauthenticated", "未登录或登录已失效", "", "", "缺少凭据");
    if ((flags & HTTP_AUTH_CSRF) != 0) {
        const char *t = http_header(r, "x-csrf-token");
        if (t == NULL || strcmp(t, "t0k") != 0)
            return SX_FAIL(err, SX_E_FORBIDDEN, "csrf", "CSRF 校验失败", "", "", "缺少 CSRF 令牌");
    }
    r->principal = &principal;
    return 0;
}

static int h_item(struct http_req *r, struct sx_err *err)
{
    struct worker_state *w = r->worker;
    int64_t id;
    int rc = http_param_id(r, "id", &id, err);
    if (rc != 0)
        return rc;
    w->served++;
    return http_send_json(
        r, 200,
        json_pack("{s:I,s:i,s:s}", "id", (json_int_t)id, "worker", (int)w->index, "name", "案件"),
        err);
}

static const struct http_field item_fields[] = {
    {"name", HTTP_F_STRING, 1, 20},
    {"count", HTTP_F_INT, 0, 0},
    {NULL, 0, 0, 0},
};

static int h_item_create(struct http_req *r, struct sx_err *err)
{
    json_t *body;
    int rc = http_body_json(r, item_fields, &body, err);
    if (rc != 0)
        return rc;
    rc = http_add_header(r, "Location", "/api/v1/items/1");
    if (rc == 0)
        rc = http_set_cookie(r, "sx_session", "abc", 3600,
                             HTTP_COOKIE_HTTPONLY | HTTP_COOKIE_SAMESITE_STRICT);
    if (rc != 0)
        return SX_FAIL(err, rc, "", "", "", "", "header");
    /* body is owned by the request: hand the handler's own reference to send */
    return http_send_json(r, 201, json_incref(body), err);
}

static int h_items(struct http_req *r, struct sx_err *err)
{
    struct http_page p;
    json_t *out;
    int64_t start;
    int rc = http_page_parse(r, &p, err);
    if (rc != 0)
        return rc;
    /* 5 fake rows with ids 1..5 */
    start = p.has_after ? p.after + 1 : 1;
    out = json_pack("{s:i,s:I}", "limit", p.limit, "first", (json_int_t)start);
    if (out == NULL)
        return SX_E_NOMEM;
    {
        int64_t last = start + p.limit - 1;
        int more = last < 5;
        if (last > 5)
            last = 5;
        rc = http_page_set_next(out, more, last, err);
    }
    if (rc != 0) {
        json_decref(out);
        return rc;
    }
    return http_send_json(r, 200, out, err);
}

static int h_echo(struct http_req *r, struct sx_err *err)
{
    const char *q;
    int rc = http_query(r, "q", &q, err);
    const char *c = http_cookie(r, "sx_session");
    if (rc != 0)
        return rc;
    return http_send_json(
        r, 200,
        json_pack("{s:s?,s:s?,s:s,s:s}", "q", q, "cookie", c, "ip", http_client_ip(r), "id", r->id),
        err);
}

static int h_private(struct http_req *r, struct sx_err *err)
{
    return http_send_json(r, 200, json_pack("{s:i}", "principal", *(int *)r->principal), err);
}

static int h_broken(struct http_req *r, struct sx_err *err)
{
    return 0; /* bug: no response */
}

static int h_dbfail(struct http_req *r, struct sx_err *err)
{
    return SX_FAIL(err, SX_E_DB, "database", "数据库错误", "", "",
                   "SELECT secret FROM t: connection lost");
}

static int h_raw(struct http_req *r, struct sx_err *err)
{
    static const char txt[] = "纯文本";
    return http_send_raw(r, 200, "text/plain; charset=utf-8", txt, sizeof(txt) - 1, err);
}

/* Echo the raw body with its length in a header (an upload chunk handler's view). */
static int h_chunk(struct http_req *r, struct sx_err *err)
{
    size_t n;
    const void *b = http_body(r, &n);
    char len[32];
    snprintf(len, sizeof(len), "%zu", n);
    if (http_add_header(r, "Upload-Offset", len) != 0)
        return SX_FAIL(err, SX_E_INTERNAL, "", "", "", "", "header");
    /* header injection and bad cookies are refused, not sent */
    if (http_add_header(r, "X-Evil", "a\r\nSet-Cookie: x=1") != SX_E_INVALID ||
        http_add_header(r, "Bad Name", "v") != SX_E_INVALID ||
        http_set_cookie(r, "sx_session", "a;b", 10, 0) != SX_E_INVALID ||
        http_set_cookie(r, "sx session", "ab", 10, 0) != SX_E_INVALID)
        return SX_FAIL(err, SX_E_INTERNAL, "", "", "", "", "validation let a bad header through");
    return http_send_raw(r, 200, "application/offset+octet-stream", b, n, err);
}

static const struct http_route smoke_routes[] = {
    {"GET", "/healthz", http_builtin_healthz, 0, "健康检查", "ops"},
    {"GET", "/metrics", http_builtin_metrics, 0, "指标", "ops"},
    {"GET", "/api/v1/openapi.json", http_builtin_openapi, 0, "接口文档", "ops"},
    {"GET", "/api/v1/items", h_items, 0, "列表", "items"},
    {"POST", "/api/v1/items", h_item_create, 0, "新建", "items"},
    {"GET", "/api/v1/items/{id}", h_item, 0, "详情", "items"},
    {"GET", "/api/v1/echo", h_echo, 0, "回显", "t"},
    /* CSRF flag on a GET row: the framework only asks for it on unsafe methods */
    {"GET", "/api/v1/private", h_private, HTTP_AUTH_USER | HTTP_AUTH_CSRF, "需登录", "t"},
    {"POST", "/api/v1/private", h_private, HTTP_AUTH_USER | HTTP_AUTH_CSRF, "需登录和 CSRF", "t"},
    {"GET", "/api/v1/maybe", h_echo, HTTP_AUTH_OPTIONAL, "可选登录", "t"},
    {"GET", "/api/v1/broken", h_broken, 0, "", "t"},
    {"GET", "/api/v1/dbfail", h_dbfail, 0, "", "t"},
    {"GET", "/api/v1/raw", h_raw, 0, "", "t"},
    {"PATCH", "/api/v1/uploads/{id}", h_chunk, 0, "", "t"},
};

struct resp {
    int status;
    char headers[4096];
    char *body;
    size_t body_len;
};

static void resp_free(struct resp *r)
{
    free(r->body);
    r->body = NULL;
}

/* Value of header name (lower-case) in r->headers, copied to buf; NULL if absent. */
static const char *resp_header(const struct resp *r, const char *name, char *buf, size_t cap)
{
    const char *p = r->headers;
    size_t n = strlen(name);
    while ((p = strchr(p, '\n')) != NULL) {
        p++;
        if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
            const char *v = p + n + 1;
            size_t l = 0;
            while (*v == ' ')
                v++;
            while (v[l] != '\r' && v[l] != '\n' && v[l] != '\0')
                l++;
            if (l >= cap)
                l = cap - 1;
            memcpy(buf, v, l);
            buf[l] = '\0';
            return buf;
        }
    }
    return NULL;
}

/* bytes of the next response already read on the current connection (the client is serial) */
static size_t have;
/* the response being read answers a HEAD: no body whatever Content-Length says */
static int head_only;

static int connect_to(unsigned port)
{
    struct sockaddr_in a;
    struct timeval tv = {5, 0};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    have = 0;
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    return fd;
}

static void send_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
        assert_true(w > 0);
        c += w;
        n -= (size_t)w;
    }
}

/* Read one response (Content-Length framed; our server always sets it). 0 ok, -1 EOF/error. */
static int read_resp(int fd, struct resp *r)
{
    static char buf[1 << 16];
    size_t hdr_end = 0;
    size_t clen = 0;
    char tmp[32];
    memset(r, 0, sizeof(*r));
    for (;;) {
        char *e;
        buf[have] = '\0';
        e = strstr(buf, "\r\n\r\n");
        if (e != NULL) {
            hdr_end = (size_t)(e - buf) + 4;
            break;
        }
        ssize_t n = recv(fd, buf + have, sizeof(buf) - 1 - have, 0);
        if (n <= 0) {
            have = 0;
            return -1;
        }
        have += (size_t)n;
    }
    assert_true(hdr_end - 2 < sizeof(r->headers));
    memcpy(r->headers, buf, hdr_end - 2);
    r->headers[hdr_end - 2] = '\0';
    assert_int_equal(sscanf(buf, "HTTP/1.1 %d", &r->status), 1);
    if (!head_only && resp_header(r, "content-length", tmp, sizeof(tmp)) != NULL)
        clen = (size_t)strtoul(tmp, NULL, 10);
    assert_true(hdr_end + clen < sizeof(buf));
    while (have < hdr_end + clen) {
        ssize_t n = recv(fd, buf + have, sizeof(buf) - 1 - have, 0);
        if (n <= 0) {
            have = 0;
            return -1;
        }
        have += (size_t)n;
    }
    r->body = malloc(clen + 1);
    memcpy(r->body, buf + hdr_end, clen);
    r->body[clen] = '\0';
    r->body_len = clen;
    memmove(buf, buf + hdr_end + clen, have - hdr_end - clen);
    have -= hdr_end + clen;
    return 0;
}

/* One request on fd (keep-alive); a body gets a Content-Length. */
static void request_on(int fd, const char *method, const char *path, const char *extra_headers,
                       const char *body, struct resp *r)
{
    char head[2048];
    char clen[48] = "";
    int n;
    if (body != NULL)
        snprintf(clen, sizeof(clen), "Content-Length: %zu\r\n", strlen(body));
    n = snprintf(head, sizeof(head), "%s %s HTTP/1.1\r\nHost: test\r\n%s%s\r\n", method, path,
                 extra_headers != NULL ? extra_headers : "", clen);
    assert_true(n > 0 && (size_t)n < sizeof(head));
    send_all(fd, head, (size_t)n);
    if (body != NULL)
        send_all(fd, body, strlen(body));
    assert_int_equal(read_resp(fd, r), 0);
}

/* One request on a fresh connection. */
static void request(unsigned port, const char *method, const char *path, const char *extra,
                    const char *body, struct resp *r)
{
    int fd = connect_to(port);
    request_on(fd, method, path, extra, body, r);
    close(fd);
}

static json_t *resp_json(const struct resp *r)
{
    json_error_t je;
    json_t *j = json_loadb(r->body, r->body_len, 0, &je);
    if (j == NULL)
        print_error("body is not JSON: %s\n", r->body);
    assert_non_null(j);
    return j;
}

static void assert_problem(const struct resp *r, int status, const char *type_slug,
                           const char *title)
{
    char ct[128];
    json_t *j;
    assert_int_equal(r->status, status);
    assert_non_null(resp_header(r, "content-type", ct, sizeof(ct)));
    assert_string_equal(ct, "application/problem+json");
    j = resp_json(r);
    assert_int_equal(json_integer_value(json_object_get(j, "status")), status);
    if (type_slug != NULL) {
        char want[256];
        snprintf(want, sizeof(want), "%s%s", HTTP_PROBLEM_BASE, type_slug);
        assert_string_equal(json_string_value(json_object_get(j, "type")), want);
    }
    if (title != NULL)
        assert_string_equal(json_string_value(json_object_get(j, "title")), title);
    json_decref(j);
}

static char openapi_path[64];
static const char openapi_doc[] = "{\"openapi\":\"3.1.0\",\"paths\":{}}";

static void write_openapi(void)
{
    int fd;
    snprintf(openapi_path, sizeof(openapi_path), "/tmp/sx-openapi-XXXXXX");
    fd = mkstemp(openapi_path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, openapi_doc, sizeof(openapi_doc) - 1),
                     (ssize_t)(sizeof(openapi_doc) - 1));
    close(fd);
}

/* Value of a sample line "series value" (not the HELP/TYPE comments); 0 if absent. */
static uint64_t metric_value(const char *text, const char *series)
{
    char line[512];
    const char *p;
    snprintf(line, sizeof(line), "\n%s ", series);
    p = strstr(text, line);
    if (p == NULL)
        return 0;
    return strtoull(p + strlen(line), NULL, 10);
}

static void test_smoke_serves(void **state)
{
    struct app_state app_state = {0, 0, 0};
    struct http_app app;
    struct http_config cfg;
    struct http_server *srv = NULL;
    struct sx_err err;
    struct resp r;
    char hv[256];
    unsigned port;
    json_t *j;
    int fd;
    int item_200 = 0;
    (void)state;

    write_openapi();
    http_config_defaults(&cfg);
    cfg.listen = "127.0.0.1:0";
    cfg.threads = 2;
    cfg.max_body = 1024;
    cfg.openapi_path = openapi_path;
    cfg.shutdown_ms = 500;
    memset(&app, 0, sizeof(app));
    app.app = &app_state;
    app.routes = smoke_routes;
    app.nroutes = sizeof(smoke_routes) / sizeof(smoke_routes[0]);
    app.worker_init = smoke_worker_init;
    app.worker_fini = smoke_worker_fini;
    app.authenticate = smoke_auth;
    assert_int_equal(http_server_start(&cfg, &app, &srv, &err), 0);
    port = http_server_port(srv);
    assert_true(port > 0);
    assert_int_equal(app_state.inits, 2);

    /* JSON 200 with content type, request id, no-store */
    request(port, "GET", "/api/v1/items/5", NULL, NULL, &r);
    item_200++;
    assert_int_equal(r.status, 200);
    assert_string_equal(resp_header(&r, "content-type", hv, sizeof(hv)),
                        "application/json; charset=utf-8");
    assert_string_equal(resp_header(&r, "cache-control", hv, sizeof(hv)), "no-store");
    assert_non_null(resp_header(&r, "x-request-id", hv, sizeof(hv)));
    j = resp_json(&r);
    assert_int_equal(json_integer_value(json_object_get(j, "id")), 5);
    assert_string_equal(json_string_value(json_object_get(j, "name")), "案件");
    json_decref(j);
    resp_free(&r);

    /* keep-alive: several requests on one connection */
    fd = connect_to(port);
    for (int i = 1; i <= 5; i++) {
        char path[64];
        snprintf(path, sizeof(path), "/api/v1/items/%d", i);
        request_on(fd, "GET", path, NULL, NULL, &r);
        item_200++;
        assert_int_equal(r.status, 200);
        assert_string_not_equal(resp_header(&r, "connection", hv, sizeof(hv)) != NULL ? hv : "",
                                "close");
        resp_free(&r);
    }
    /* an error response keeps the connection too */
    request_on(fd, "GET", "/nope", NULL, NULL, &r);
    assert_problem(&r, 404, "not-found", "未找到该资源");
    resp_free(&r);
    request_on(fd, "GET", "/api/v1/items/6", NULL, NULL, &r);
    item_200++;
    assert_int_equal(r.status, 200);
    resp_free(&r);
    close(fd);

    /* 405 with Allow */
    request(port, "DELETE", "/api/v1/items/5", NULL, NULL, &r);
    assert_problem(&r, 405, "method-not-allowed", NULL);
    assert_string_equal(resp_header(&r, "allow", hv, sizeof(hv)), "GET, HEAD");
    resp_free(&r);

    /* bad path parameter → 400 naming it; invalid UTF-8 in it → 400 */
    request(port, "GET", "/api/v1/items/abc", NULL, NULL, &r);
    assert_problem(&r, 400, "invalid-path-param", "路径参数无效");
    j = resp_json(&r);
    assert_string_equal(json_string_value(json_object_get(j, "field")), "id");
    assert_string_equal(json_string_value(json_object_get(j, "instance")), "/api/v1/items/abc");
    json_decref(j);
    resp_free(&r);
    request(port, "GET", "/api/v1/items/%FF", NULL, NULL, &r);
    assert_problem(&r, 400, "invalid-path-param", NULL);
    resp_free(&r);

    /* body: created, with extra headers and cookie */
    request(port, "POST", "/api/v1/items", "Content-Type: application/json\r\n",
            "{\"name\":\"药品\",\"count\":2}", &r);
    assert_int_equal(r.status, 201);
    assert_string_equal(resp_header(&r, "location", hv, sizeof(hv)), "/api/v1/items/1");
    assert_string_equal(resp_header(&r, "set-cookie", hv, sizeof(hv)),
                        "sx_session=abc; Path=/; HttpOnly; SameSite=Strict; Max-Age=3600");
    j = resp_json(&r);
    assert_string_equal(json_string_value(json_object_get(j, "name")), "药品");
    json_decref(j);
    resp_free(&r);

    /* malformed JSON → 400 with line/column */
    request(port, "POST", "/api/v1/items", "Content-Type: application/json\r\n", "{\"name\":", &r);
    assert_problem(&r, 400, "malformed-json", "请求体不是有效的 JSON");
    j = resp_json(&r);
    assert_non_null(strstr(json_string_value(json_object_get(j, "detail")), "第 1 行第"));
    json_decref(j);
    resp_free(&r);

    /* unknown field → 400 naming it */
    request(port, "POST", "/api/v1/items", "Content-Type: application/json\r\n",
            "{\"name\":\"x\",\"evil\":1}", &r);
    assert_problem(&r, 400, "unknown-field", NULL);
    resp_free(&r);

    /* wrong content type → 415 */
    request(port, "POST", "/api/v1/items", "Content-Type: text/plain\r\n", "{\"name\":\"x\"}", &r);
    assert_problem(&r, 415, "unsupported-media-type", NULL);
    resp_free(&r);

    /* body over the limit → 413 problem+json from libh2o's check, connection closed */
    fd = connect_to(port);
    {
        static const char big[] = "POST /api/v1/items HTTP/1.1\r\nHost: t\r\nContent-Type: "
                                  "application/json\r\nContent-Length: 2048\r\n\r\n";
        send_all(fd, big, sizeof(big) - 1);
        assert_int_equal(read_resp(fd, &r), 0);
        assert_problem(&r, 413, "body-too-large", "请求体过大");
        resp_free(&r);
    }
    close(fd);

    /* auth: missing → 401; good → principal; unsafe method needs CSRF */
    request(port, "GET", "/api/v1/private", NULL, NULL, &r);
    assert_problem(&r, 401, "unauthenticated", NULL);
    resp_free(&r);
    request(port, "GET", "/api/v1/private", "Authorization: Bearer good\r\n", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "{\"principal\":7}");
    resp_free(&r);
    request(port, "POST", "/api/v1/private", "Authorization: Bearer good\r\n", "", &r);
    assert_problem(&r, 403, "csrf", NULL);
    resp_free(&r);
    request(port, "POST", "/api/v1/private", "Authorization: Bearer good\r\nX-CSRF-Token: t0k\r\n",
            "", &r);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    /* optional auth: anonymous is fine */
    request(port, "GET", "/api/v1/maybe", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    resp_free(&r);

    /* query decoding, cookie, client ip (X-Forwarded-For ignored without trust_proxy) */
    request(port, "GET", "/api/v1/echo?q=%E6%A1%88+1",
            "Cookie: a=1; sx_session=s3\r\nX-Forwarded-For: 203.0.113.9\r\n", NULL, &r);
    assert_int_equal(r.status, 200);
    j = resp_json(&r);
    assert_string_equal(json_string_value(json_object_get(j, "q")), "案 1");
    assert_string_equal(json_string_value(json_object_get(j, "cookie")), "s3");
    assert_string_equal(json_string_value(json_object_get(j, "ip")), "127.0.0.1");
    json_decref(j);
    resp_free(&r);
    request(port, "GET", "/api/v1/echo?q=%FF", NULL, NULL, &r);
    assert_problem(&r, 400, "invalid-query", NULL);
    resp_free(&r);

    /* paging: defaults, next_cursor round trip, bad limit/cursor */
    request(port, "GET", "/api/v1/items?limit=2", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    j = resp_json(&r);
    assert_int_equal(json_integer_value(json_object_get(j, "limit")), 2);
    {
        char path[128];
        const char *next = json_string_value(json_object_get(j, "next_cursor"));
        assert_non_null(next);
        snprintf(path, sizeof(path), "/api/v1/items?limit=10&cursor=%s", next);
        json_decref(j);
        resp_free(&r);
        request(port, "GET", path, NULL, NULL, &r);
        assert_int_equal(r.status, 200);
        j = resp_json(&r);
        assert_int_equal(json_integer_value(json_object_get(j, "first")), 3);
        assert_true(json_is_null(json_object_get(j, "next_cursor")));
    }
    json_decref(j);
    resp_free(&r);
    request(port, "GET", "/api/v1/items", NULL, NULL, &r);
    j = resp_json(&r);
    assert_int_equal(json_integer_value(json_object_get(j, "limit")), HTTP_PAGE_DEFAULT);
    json_decref(j);
    resp_free(&r);
    request(port, "GET", "/api/v1/items?limit=0", NULL, NULL, &r);
    assert_problem(&r, 400, "invalid-query", NULL);
    resp_free(&r);
    request(port, "GET", "/api/v1/items?limit=201", NULL, NULL, &r);
    assert_problem(&r, 400, "invalid-query", NULL);
    resp_free(&r);
    request(port, "GET", "/api/v1/items?cursor=nope", NULL, NULL, &r);
    assert_problem(&r, 400, "invalid-cursor", "分页游标无效");
    resp_free(&r);

    /* handler bugs and internal errors: 500 without internal details */
    request(port, "GET", "/api/v1/broken", NULL, NULL, &r);
    assert_problem(&r, 500, NULL, NULL);
    resp_free(&r);
    request(port, "GET", "/api/v1/dbfail", NULL, NULL, &r);
    assert_problem(&r, 500, "database", "数据库错误");
    assert_null(strstr(r.body, "secret"));
    assert_non_null(strstr(r.body, "请求编号"));
    resp_free(&r);

    /* raw bytes */
    request(port, "GET", "/api/v1/raw", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(resp_header(&r, "content-type", hv, sizeof(hv)),
                        "text/plain; charset=utf-8");
    assert_string_equal(r.body, "纯文本");
    resp_free(&r);

    /* raw body in, raw bytes out, header names lower-cased, CR/LF refused in values */
    request(port, "PATCH", "/api/v1/uploads/1", "Content-Type: application/offset+octet-stream\r\n",
            "0123456789", &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(resp_header(&r, "upload-offset", hv, sizeof(hv)), "10");
    assert_null(resp_header(&r, "x-evil", hv, sizeof(hv)));
    assert_null(resp_header(&r, "set-cookie", hv, sizeof(hv)));
    assert_string_equal(r.body, "0123456789");
    resp_free(&r);

    /* HEAD: GET's headers and length, no body bytes (the next response parses cleanly) */
    fd = connect_to(port);
    send_all(fd, "HEAD /api/v1/raw HTTP/1.1\r\nHost: t\r\n\r\n", 38);
    head_only = 1;
    assert_int_equal(read_resp(fd, &r), 0);
    head_only = 0;
    assert_int_equal(r.status, 200);
    assert_string_equal(resp_header(&r, "content-length", hv, sizeof(hv)), "9");
    resp_free(&r);
    request_on(fd, "GET", "/api/v1/raw", NULL, NULL, &r);
    assert_string_equal(r.body, "纯文本");
    resp_free(&r);
    close(fd);

    /* built-ins */
    request(port, "GET", "/healthz", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "{\"status\":\"ok\"}");
    resp_free(&r);
    request(port, "GET", "/api/v1/openapi.json", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, openapi_doc);
    resp_free(&r);

    /* junk: a request line libh2o cannot parse gets its fixed plain-text 400 (written straight
       to the socket, before any filter) and a close; nothing crashes */
    fd = connect_to(port);
    send_all(fd, "BLAH\r\n\r\n", 8);
    assert_int_equal(read_resp(fd, &r), 0);
    assert_int_equal(r.status, 400);
    resp_free(&r);
    close(fd);
    {
        unsigned seed = 12345;
        for (int i = 0; i < 200; i++) {
            char junk[512];
            size_t n = 1 + (size_t)(rand_r(&seed) % (sizeof(junk) - 1));
            int mode = i % 3;
            for (size_t k = 0; k < n; k++)
                junk[k] = (char)(rand_r(&seed) & 0xff);
            fd = connect_to(port);
            if (mode == 0) {
                send_all(fd, junk, n); /* raw bytes */
            } else {
                /* a request line with a random path, or a JSON body of random bytes */
                char head[1024];
                int hn;
                for (size_t k = 0; k < n; k++)
                    if (junk[k] == ' ' || junk[k] == '\r' || junk[k] == '\n' || junk[k] == '\0')
                        junk[k] = '%';
                junk[n] = '\0';
                if (mode == 1)
                    hn = snprintf(head, sizeof(head), "GET /api/v1/%s HTTP/1.1\r\nHost: t\r\n\r\n",
                                  junk);
                else
                    hn = snprintf(head, sizeof(head),
                                  "POST /api/v1/items HTTP/1.1\r\nHost: t\r\nContent-Type: "
                                  "application/json\r\nContent-Length: %zu\r\n\r\n%s",
                                  n, junk);
                send_all(fd, head, (size_t)(hn < (int)sizeof(head) ? hn : (int)sizeof(head) - 1));
            }
            shutdown(fd, SHUT_WR);
            if (read_resp(fd, &r) == 0) {
                assert_true(r.status >= 400 && r.status < 500);
                resp_free(&r);
            }
            close(fd);
        }
    }

    /* spread over both loops: counts are summed across workers */
    for (int i = 0; i < 40; i++) {
        request(port, "GET", "/api/v1/items/9", NULL, NULL, &r);
        item_200++;
        assert_int_equal(r.status, 200);
        resp_free(&r);
    }
    /*
     * A request is counted when its response has gone out, on its own loop: the client can
     * see the answer a moment before the count moves, so read /metrics until it settles.
     */
    for (int tries = 0;; tries++) {
        request(port, "GET", "/metrics", NULL, NULL, &r);
        assert_int_equal(r.status, 200);
        if (metric_value(r.body, "sanxiang_http_requests_total{method=\"GET\",route=\"/"
                                 "api/v1/items/{id}\",status=\"200\"}") == (uint64_t)item_200 ||
            tries == 50)
            break;
        resp_free(&r);
        usleep(10000);
    }
    assert_string_equal(resp_header(&r, "content-type", hv, sizeof(hv)),
                        "text/plain; version=0.0.4; charset=utf-8");
    assert_int_equal(metric_value(r.body, "sanxiang_http_requests_total{method=\"GET\",route=\"/"
                                          "api/v1/items/{id}\",status=\"200\"}"),
                     (uint64_t)item_200);
    assert_int_equal(metric_value(r.body, "sanxiang_http_requests_total{method=\"\",route=\""
                                          "unmatched\",status=\"413\"}"),
                     1);
    assert_true(metric_value(r.body, "sanxiang_http_requests_total{method=\"GET\",route=\"/"
                                     "api/v1/items/{id}\",status=\"400\"}") >= 2);
    assert_int_equal(metric_value(r.body,
                                  "sanxiang_http_request_duration_seconds_count{method="
                                  "\"GET\",route=\"/api/v1/items/{id}\"}") >= (uint64_t)item_200,
                     1);
    /* this /metrics request is the only one in flight */
    assert_int_equal(metric_value(r.body, "sanxiang_http_requests_in_flight"), 1);
    assert_int_equal(metric_value(r.body, "sanxiang_http_workers"), 2);
    resp_free(&r);

    /* an idle keep-alive connection does not hold up the stop */
    fd = connect_to(port);
    request_on(fd, "GET", "/healthz", NULL, NULL, &r);
    resp_free(&r);
    {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        http_server_stop(srv);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        assert_true((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 < 400);
    }
    assert_int_equal(read_resp(fd, &r), -1); /* server closed it */
    close(fd);
    assert_int_equal(app_state.finis, 2);
    unlink(openapi_path);
}

static void test_start_failures(void **state)
{
    static const struct http_route bad[] = {{"GET", "nope", h_dummy, 0, "", ""}};
    static const struct http_route needs_auth[] = {{"GET", "/x", h_dummy, HTTP_AUTH_USER, "", ""}};
    struct app_state st = {0, 0, 1};
    struct http_config cfg;
    struct http_app app;
    struct http_server *srv = (struct http_server *)1;
    struct sx_err err;
    (void)state;
    http_config_defaults(&cfg);
    cfg.threads = 2;
    memset(&app, 0, sizeof(app));

    cfg.listen = "localhost:80";
    app.routes = smoke_routes;
    app.nroutes = 1;
    assert_int_equal(http_server_start(&cfg, &app, &srv, &err), SX_E_INVALID);
    assert_null(srv);
    assert_string_equal(err.type, "bad-listen-address");

    cfg.listen = "127.0.0.1:0";
    app.routes = bad;
    assert_int_equal(http_server_start(&cfg, &app, &srv, &err), SX_E_INVALID);
    assert_string_equal(err.type, "bad-route-table");

    app.routes = needs_auth;
    assert_int_equal(http_server_start(&cfg, &app, &srv, &err), SX_E_INVALID);
    assert_non_null(strstr(err.detail, "authenticate"));

    app.routes = smoke_routes;
    cfg.openapi_path = "/nonexistent/openapi.json";
    assert_int_equal(http_server_start(&cfg, &app, &srv, &err), SX_E_IO);
    cfg.openapi_path = NULL;

    /* worker_init failure: its error comes back, nothing keeps running */
    app.app = &st;
    app.worker_init = smoke_worker_init;
    app.worker_fini = smoke_worker_fini;
    sx_err_clear(&err);
    assert_int_equal(http_server_start(&cfg, &app, &srv, &err), SX_E_DB);
    assert_null(srv);
    assert_string_equal(err.type, "db-open");
    assert_int_equal(st.finis, st.inits);
}

struct serve_thread {
    struct http_config cfg;
    struct http_app app;
    struct sx_err err;
    int rc;
};

static void *serve_main(void *arg)
{
    struct serve_thread *t = arg;
    t->rc = http_serve(&t->cfg, &t->app, &t->err);
    return NULL;
}

static void test_serve_stops_on_sigterm(void **state)
{
    struct app_state st = {0, 0, 0};
    struct serve_thread t;
    pthread_t tid;
    char listen_buf[32];
    struct sockaddr_in a;
    socklen_t al = sizeof(a);
    struct resp r;
    unsigned port;
    int probe;
    (void)state;
    /* pick a free port (http_serve does not report an ephemeral one) */
    probe = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(probe, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(getsockname(probe, (struct sockaddr *)&a, &al), 0);
    port = ntohs(a.sin_port);
    close(probe);
    snprintf(listen_buf, sizeof(listen_buf), "127.0.0.1:%u", port);

    memset(&t, 0, sizeof(t));
    http_config_defaults(&t.cfg);
    t.cfg.listen = listen_buf;
    t.cfg.threads = 1;
    t.cfg.trust_proxy = 1;
    t.app.app = &st;
    t.app.routes = smoke_routes;
    t.app.nroutes = sizeof(smoke_routes) / sizeof(smoke_routes[0]);
    t.app.worker_init = smoke_worker_init;
    t.app.worker_fini = smoke_worker_fini;
    t.app.authenticate = smoke_auth;
    t.rc = -100;
    assert_int_equal(pthread_create(&tid, NULL, serve_main, &t), 0);
    for (int i = 0; i < 500 && __atomic_load_n(&st.inits, __ATOMIC_SEQ_CST) == 0; i++)
        usleep(10000);
    assert_int_equal(st.inits, 1);
    request(port, "GET", "/healthz", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    /* trust_proxy: the last X-Forwarded-For hop is the client; junk falls back to the peer */
    request(port, "GET", "/api/v1/echo", "X-Forwarded-For: 203.0.113.9, 198.51.100.7\r\n", NULL,
            &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"ip\":\"198.51.100.7\""));
    resp_free(&r);
    request(port, "GET", "/api/v1/echo", "X-Forwarded-For: 1.2.3.4, not-an-ip\r\n", NULL, &r);
    assert_non_null(strstr(r.body, "\"ip\":\"127.0.0.1\""));
    resp_free(&r);
    assert_int_equal(pthread_kill(tid, SIGTERM), 0);
    pthread_join(tid, NULL);
    assert_int_equal(t.rc, 0);
    assert_int_equal(st.finis, 1);
}

/* ======================================================================
 * Deferred responses: a stand-in for the group-commit writer thread.
 * ====================================================================== */

enum job_mode { JOB_OK, JOB_FAIL, JOB_HOLD };

/* One write job handed from a handler to the writer thread; malloc'd, freed by the resumed fn. */
struct job {
    struct job *next;
    struct http_deferred *d;
    const struct http_req *r; /* read-only on the writer thread */
    struct sx_arena *arena;   /* r->arena: the writer allocates its result here */
    json_t *body;             /* the request's parsed body (borrowed), or NULL */
    const char *name;         /* copied into the arena by the handler */
    const char *note;         /* written by the writer thread, in the arena */
    int64_t id;
    int mode;
    uint64_t due_ms;
};

struct tester {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct job *head;
    int release; /* JOB_HOLD jobs may go */
    int quit;
    pthread_t tid;
    /* atomics, read by the test */
    int deferred; /* handlers that handed a job over */
    int resumed;  /* resumed functions run */
    int gone;     /* ... of which saw r->h2o == NULL */
    int freed;    /* jobs freed */
    int held[2];  /* JOB_HOLD jobs per loop */
    int bad;      /* invariant broken on a server thread (cmocka asserts only on the main one) */
};

static struct tester tw;

static uint64_t t_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int t_get(int *p)
{
    return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

static void t_inc(int *p)
{
    __atomic_add_fetch(p, 1, __ATOMIC_SEQ_CST);
}

/* Wait up to ms for *p to reach want; returns the last value seen. */
static int t_wait(int *p, int want, int ms)
{
    for (int i = 0; i < ms && t_get(p) < want; i++)
        usleep(1000);
    return t_get(p);
}

static void job_free(struct job *job)
{
    free(job);
    t_inc(&tw.freed);
}

static int fn_ok(struct http_req *r, void *arg, struct sx_err *err)
{
    struct job *job = arg;
    struct worker_state *ws = r->worker;
    json_t *out;
    t_inc(&tw.resumed);
    if (r->h2o == NULL)
        t_inc(&tw.gone);
    /* the worker's state is still there (a resume after worker_fini is a use-after-free) */
    ws->served++;
    if (job->note == NULL || strcmp(http_param(r, "id"), job->r->params[0].value) != 0 ||
        r != job->r)
        t_inc(&tw.bad);
    if (http_add_header(r, "X-Deferred", "1") != 0)
        t_inc(&tw.bad);
    out = json_pack("{s:I,s:s,s:s,s:s,s:i,s:b,s:O?}", "id", (json_int_t)job->id, "name", job->name,
                    "note", job->note, "param", http_param(r, "id"), "worker", (int)r->worker_index,
                    "principal", r->principal != NULL, "count",
                    job->body != NULL ? json_object_get(job->body, "count") : NULL);
    job_free(job);
    return http_send_json(r, 201, out, err);
}

static int fn_fail(struct http_req *r, void *arg, struct sx_err *err)
{
    struct job *job = arg;
    int64_t id = job->id;
    t_inc(&tw.resumed);
    if (r->h2o == NULL)
        t_inc(&tw.gone);
    job_free(job);
    return SX_FAIL(err, SX_E_CONFLICT, "record-conflict", "记录冲突", "测试", "seq",
                   "测试：记录 %lld 与已提交的记录冲突", (long long)id);
}

static void *tester_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&tw.mu);
    for (;;) {
        struct job **pp = &tw.head;
        struct job *job = NULL;
        uint64_t now = t_now_ms();
        while (*pp != NULL) {
            if ((*pp)->due_ms <= now && ((*pp)->mode != JOB_HOLD || tw.release)) {
                job = *pp;
                *pp = job->next;
                break;
            }
            pp = &(*pp)->next;
        }
        if (job != NULL) {
            pthread_mutex_unlock(&tw.mu);
            /* the "write": read the request, allocate the result in its arena */
            job->note = sx_arena_printf(job->arena, "已写入 %s", job->r->params[0].value);
            http_resume(job->d, job->mode == JOB_FAIL ? fn_fail : fn_ok, job);
            pthread_mutex_lock(&tw.mu);
            continue;
        }
        if (tw.quit && tw.head == NULL)
            break;
        {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += 1000000;
            if (ts.tv_nsec >= 1000000000) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000;
            }
            pthread_cond_timedwait(&tw.cv, &tw.mu, &ts);
        }
    }
    pthread_mutex_unlock(&tw.mu);
    return NULL;
}

static void tester_start(void)
{
    memset(&tw, 0, sizeof(tw));
    pthread_mutex_init(&tw.mu, NULL);
    pthread_cond_init(&tw.cv, NULL);
    assert_int_equal(pthread_create(&tw.tid, NULL, tester_main, NULL), 0);
}

static void tester_release(void)
{
    pthread_mutex_lock(&tw.mu);
    tw.release = 1;
    pthread_cond_broadcast(&tw.cv);
    pthread_mutex_unlock(&tw.mu);
}

/* Like app_writer_stop: finish every queued job, then stop (after http_server_stop). */
static void tester_stop(void)
{
    tester_release();
    pthread_mutex_lock(&tw.mu);
    tw.quit = 1;
    pthread_cond_broadcast(&tw.cv);
    pthread_mutex_unlock(&tw.mu);
    pthread_join(tw.tid, NULL);
    pthread_cond_destroy(&tw.cv);
    pthread_mutex_destroy(&tw.mu);
    assert_int_equal(t_get(&tw.bad), 0);
    /* every job handed over was freed by its resumed function */
    assert_int_equal(t_get(&tw.freed), t_get(&tw.deferred));
}

/*
 * /api/v1/deferred/{id}?mode=ok|fail|hold|cancel|bogus&delay=ms, optional JSON
 * body {"name","count"}: defers and hands a job to the tester thread.
 */
static int h_deferred(struct http_req *r, struct sx_err *err)
{
    struct http_deferred *d;
    struct http_deferred *d2;
    struct sx_err e2;
    struct job *job;
    const char *mode;
    const char *name = "";
    int64_t id;
    int64_t delay;
    json_t *body = NULL;
    size_t blen;
    int rc = http_param_id(r, "id", &id, err);
    if (rc == 0)
        rc = http_query(r, "mode", &mode, err);
    if (rc == 0)
        rc = http_query_int(r, "delay", 0, 1000, 0, &delay, err);
    if (rc != 0)
        return rc;
    (void)http_body(r, &blen);
    if (blen > 0) {
        rc = http_body_json(r, item_fields, &body, err);
        if (rc != 0)
            return rc;
        name = json_string_value(json_object_get(body, "name"));
    }
    if (mode == NULL)
        mode = "ok";
    if (strcmp(mode, "bogus") == 0)
        return HTTP_DEFERRED; /* bug: never called http_defer */
    rc = http_defer(r, &d, err);
    if (rc != 0)
        return rc;
    if (http_defer(r, &d2, &e2) != SX_E_INTERNAL)
        return SX_FAIL(err, SX_E_INTERNAL, "", "", "", "", "second http_defer accepted");
    if (strcmp(mode, "cancel") == 0)
        /* the hand-off failed (queue full): returning the error cancels the deferral */
        return SX_FAIL(err, SX_E_RATE, "writer-busy", "系统繁忙，请稍后重试", "", "",
                       "测试：写入队列已满");
    job = calloc(1, sizeof(*job));
    if (job == NULL)
        return SX_E_NOMEM;
    job->d = d;
    job->r = r;
    job->arena = r->arena;
    job->body = body;
    job->name = sx_arena_strdup(r->arena, name); /* in the request's own arena now */
    job->id = id;
    job->mode = strcmp(mode, "fail") == 0   ? JOB_FAIL
                : strcmp(mode, "hold") == 0 ? JOB_HOLD
                                            : JOB_OK;
    job->due_ms = t_now_ms() + (uint64_t)delay;
    if (job->name == NULL) {
        free(job);
        return SX_E_NOMEM;
    }
    if (job->mode == JOB_HOLD && r->worker_index < 2)
        t_inc(&tw.held[r->worker_index]);
    t_inc(&tw.deferred);
    pthread_mutex_lock(&tw.mu);
    job->next = tw.head;
    tw.head = job;
    pthread_cond_signal(&tw.cv);
    pthread_mutex_unlock(&tw.mu);
    /* r belongs to the deferral now: not touched again here */
    return HTTP_DEFERRED;
}

static const struct http_route defer_routes[] = {
    {"GET", "/metrics", http_builtin_metrics, 0, "指标", "ops"},
    {"GET", "/api/v1/items/{id}", h_item, 0, "详情", "items"},
    {"GET", "/api/v1/deferred/{id}", h_deferred, HTTP_AUTH_OPTIONAL, "延迟响应", "t"},
    {"POST", "/api/v1/deferred/{id}", h_deferred, HTTP_AUTH_OPTIONAL, "延迟写入", "t"},
};

static void defer_server(struct app_state *st, unsigned threads, struct http_server **srv)
{
    struct http_app app;
    struct http_config cfg;
    struct sx_err err;
    http_config_defaults(&cfg);
    cfg.listen = "127.0.0.1:0";
    cfg.threads = threads;
    cfg.shutdown_ms = 200;
    memset(&app, 0, sizeof(app));
    app.app = st;
    app.routes = defer_routes;
    app.nroutes = sizeof(defer_routes) / sizeof(defer_routes[0]);
    app.worker_init = smoke_worker_init;
    app.worker_fini = smoke_worker_fini;
    app.authenticate = smoke_auth;
    assert_int_equal(http_server_start(&cfg, &app, srv, &err), 0);
}

static uint64_t metric_now(unsigned port, const char *series)
{
    struct resp r;
    uint64_t v;
    request(port, "GET", "/metrics", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    v = metric_value(r.body, series);
    resp_free(&r);
    return v;
}

#define DEFERRED_SERIES(name, tail) name "{method=\"GET\",route=\"/api/v1/deferred/{id}\"" tail

static void test_deferred_resumed_from_another_thread(void **state)
{
    struct app_state st = {0, 0, 0};
    struct http_server *srv = NULL;
    struct resp r;
    char hv[128];
    char rid[64];
    unsigned port;
    json_t *j;
    int fd;
    (void)state;
    tester_start();
    defer_server(&st, 1, &srv);
    port = http_server_port(srv);

    /* resumed 60 ms later by the writer thread: status, body, params, principal, the JSON body
       and what the writer allocated in the request's arena all arrive */
    fd = connect_to(port);
    request_on(fd, "GET", "/api/v1/deferred/42?delay=60", "Authorization: Bearer good\r\n", NULL,
               &r);
    assert_int_equal(r.status, 201);
    assert_string_equal(resp_header(&r, "x-deferred", hv, sizeof(hv)), "1");
    assert_non_null(resp_header(&r, "x-request-id", hv, sizeof(hv)));
    j = resp_json(&r);
    assert_int_equal(json_integer_value(json_object_get(j, "id")), 42);
    assert_string_equal(json_string_value(json_object_get(j, "param")), "42");
    assert_string_equal(json_string_value(json_object_get(j, "note")), "已写入 42");
    assert_true(json_is_true(json_object_get(j, "principal")));
    assert_int_equal(json_integer_value(json_object_get(j, "worker")), 0);
    json_decref(j);
    resp_free(&r);
    /* keep-alive: the same connection serves a plain request, then a deferred POST with a body */
    request_on(fd, "GET", "/api/v1/items/3", NULL, NULL, &r);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    request_on(fd, "POST", "/api/v1/deferred/7?delay=5", "Content-Type: application/json\r\n",
               "{\"name\":\"询问笔录\",\"count\":3}", &r);
    assert_int_equal(r.status, 201);
    j = resp_json(&r);
    assert_string_equal(json_string_value(json_object_get(j, "name")), "询问笔录");
    assert_int_equal(json_integer_value(json_object_get(j, "count")), 3);
    assert_false(json_is_true(json_object_get(j, "principal")));
    json_decref(j);
    resp_free(&r);
    /* pipelined: the second deferred request waits for the first, answers come in order */
    {
        static const char two[] = "GET /api/v1/deferred/1?delay=40 HTTP/1.1\r\nHost: t\r\n\r\n"
                                  "GET /api/v1/deferred/2 HTTP/1.1\r\nHost: t\r\n\r\n";
        send_all(fd, two, sizeof(two) - 1);
        for (int k = 1; k <= 2; k++) {
            assert_int_equal(read_resp(fd, &r), 0);
            assert_int_equal(r.status, 201);
            j = resp_json(&r);
            assert_int_equal(json_integer_value(json_object_get(j, "id")), k);
            json_decref(j);
            resp_free(&r);
        }
    }
    close(fd);

    /* the resumed function fails: problem+json like a failing handler, on the original path */
    fd = connect_to(port);
    request_on(fd, "GET", "/api/v1/deferred/9?mode=fail&delay=5", NULL, NULL, &r);
    assert_problem(&r, 409, "record-conflict", "记录冲突");
    assert_non_null(resp_header(&r, "x-request-id", rid, sizeof(rid)));
    j = resp_json(&r);
    assert_string_equal(json_string_value(json_object_get(j, "instance")), "/api/v1/deferred/9");
    assert_string_equal(json_string_value(json_object_get(j, "request_id")), rid);
    assert_string_equal(json_string_value(json_object_get(j, "field")), "seq");
    json_decref(j);
    resp_free(&r);
    /* ... and the connection stays usable */
    request_on(fd, "GET", "/api/v1/deferred/10", NULL, NULL, &r);
    assert_int_equal(r.status, 201);
    resp_free(&r);
    /* handler defers, then the hand-off fails: its error is sent, the deferral cancelled */
    request_on(fd, "GET", "/api/v1/deferred/11?mode=cancel", NULL, NULL, &r);
    assert_problem(&r, 429, "writer-busy", NULL);
    resp_free(&r);
    /* HTTP_DEFERRED without http_defer is a handler bug: 500 */
    request_on(fd, "GET", "/api/v1/deferred/12?mode=bogus", NULL, NULL, &r);
    assert_problem(&r, 500, NULL, NULL);
    resp_free(&r);
    close(fd);

    /* metrics: final status and the whole duration (the first request alone took > 50 ms) */
    assert_int_equal(
        metric_now(port, DEFERRED_SERIES("sanxiang_http_requests_total", ",status=\"201\"}")), 4);
    assert_int_equal(
        metric_now(port, DEFERRED_SERIES("sanxiang_http_requests_total", ",status=\"409\"}")), 1);
    /* 7 GET requests (201 ×4, 409, 429, 500); /42 waited 60 ms for its resume, so it is
       counted above 50 ms */
    assert_int_equal(
        metric_now(port, DEFERRED_SERIES("sanxiang_http_request_duration_seconds_count", "}")), 7);
    assert_true(metric_now(port, DEFERRED_SERIES("sanxiang_http_request_duration_seconds_bucket",
                                                 ",le=\"0.05\"}")) <= 6);
    /* nothing left in flight but the /metrics request itself */
    assert_int_equal(metric_now(port, "sanxiang_http_requests_in_flight"), 1);

    http_server_stop(srv);
    assert_int_equal(st.finis, 1);
    assert_int_equal(t_get(&tw.deferred), 6);
    assert_int_equal(t_get(&tw.resumed), 6);
    assert_int_equal(t_get(&tw.gone), 0);
    tester_stop();
}

#define NCONC 64

static void test_deferred_many_across_loops(void **state)
{
    struct app_state st = {0, 0, 0};
    struct http_server *srv = NULL;
    int fds[NCONC];
    int seen[2] = {0, 0};
    unsigned seed = 4242;
    unsigned port;
    (void)state;
    tester_start();
    defer_server(&st, 2, &srv);
    port = http_server_port(srv);

    /* every request is in flight at once, resumed in a scrambled order (0-20 ms) */
    for (int i = 0; i < NCONC; i++) {
        char head[256];
        char body[64];
        int n;
        fds[i] = connect_to(port);
        if (i % 2 == 0) {
            n = snprintf(head, sizeof(head),
                         "GET /api/v1/deferred/%d?delay=%u HTTP/1.1\r\nHost: t\r\n\r\n", i + 1,
                         (unsigned)(rand_r(&seed) % 21));
        } else {
            int bn = snprintf(body, sizeof(body), "{\"name\":\"第%d条\",\"count\":%d}", i + 1, i);
            n = snprintf(head, sizeof(head),
                         "POST /api/v1/deferred/%d?delay=%u HTTP/1.1\r\nHost: t\r\nContent-Type: "
                         "application/json\r\nContent-Length: %d\r\n\r\n%s",
                         i + 1, (unsigned)(rand_r(&seed) % 21), bn, body);
        }
        assert_true(n > 0 && (size_t)n < sizeof(head));
        send_all(fds[i], head, (size_t)n);
    }
    for (int i = 0; i < NCONC; i++) {
        struct resp r;
        json_t *j;
        int w;
        have = 0;
        assert_int_equal(read_resp(fds[i], &r), 0);
        assert_int_equal(r.status, 201);
        j = resp_json(&r);
        assert_int_equal(json_integer_value(json_object_get(j, "id")), i + 1);
        if (i % 2 == 1) {
            char want[32];
            snprintf(want, sizeof(want), "第%d条", i + 1);
            assert_string_equal(json_string_value(json_object_get(j, "name")), want);
            assert_int_equal(json_integer_value(json_object_get(j, "count")), i);
        }
        w = (int)json_integer_value(json_object_get(j, "worker"));
        assert_true(w == 0 || w == 1);
        seen[w]++;
        json_decref(j);
        resp_free(&r);
    }
    /* SO_REUSEPORT spread the connections: both loops deferred and resumed some */
    assert_true(seen[0] > 0 && seen[1] > 0);
    /* every connection is still good for another request */
    for (int i = 0; i < NCONC; i++) {
        struct resp r;
        char path[64];
        have = 0;
        snprintf(path, sizeof(path), "/api/v1/items/%d", i + 1);
        request_on(fds[i], "GET", path, NULL, NULL, &r);
        assert_int_equal(r.status, 200);
        resp_free(&r);
        close(fds[i]);
    }
    assert_int_equal(t_get(&tw.resumed), NCONC);
    http_server_stop(srv);
    assert_int_equal(st.finis, 2);
    tester_stop();
}

/* Wait until the server has disposed every request but the /metrics one asking. */
static void wait_in_flight_idle(unsigned port)
{
    uint64_t v = 0;
    for (int i = 0; i < 200; i++) {
        v = metric_now(port, "sanxiang_http_requests_in_flight");
        if (v == 1)
            break;
        usleep(5000);
    }
    assert_int_equal(v, 1);
}

/* HTTP/2 with prior knowledge (h2c): preface, SETTINGS, and one GET on stream 1. */
static void h2c_get(int fd, const char *path)
{
    static const char preface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    static const unsigned char settings[9] = {0, 0, 0, 4, 0, 0, 0, 0, 0};
    unsigned char frame[256];
    size_t plen = strlen(path);
    size_t n = 9;
    assert_true(plen < 127 && plen + 16 < sizeof(frame));
    frame[n++] = 0x82; /* :method GET (static table 2) */
    frame[n++] = 0x86; /* :scheme http (6) */
    frame[n++] = 0x04; /* :path (4), literal value without indexing */
    frame[n++] = (unsigned char)plen;
    memcpy(frame + n, path, plen);
    n += plen;
    frame[n++] = 0x01; /* :authority (1) = "t" */
    frame[n++] = 0x01;
    frame[n++] = 't';
    frame[0] = 0;
    frame[1] = 0;
    frame[2] = (unsigned char)(n - 9);
    frame[3] = 0x01; /* HEADERS */
    frame[4] = 0x05; /* END_STREAM | END_HEADERS */
    frame[5] = 0;
    frame[6] = 0;
    frame[7] = 0;
    frame[8] = 1; /* stream 1 */
    send_all(fd, preface, sizeof(preface) - 1);
    send_all(fd, settings, sizeof(settings));
    send_all(fd, frame, n);
}

static void test_deferred_client_gone(void **state)
{
    struct app_state st = {0, 0, 0};
    struct http_server *srv = NULL;
    struct resp r;
    unsigned port;
    int fd;
    (void)state;
    tester_start();
    defer_server(&st, 2, &srv);
    port = http_server_port(srv);

    /* HTTP/2: the client resets the connection while its request waits for the writer.
       libh2o drops the request; the resumed function still runs (it frees its job) and sees
       r->h2o == NULL; its response goes nowhere and is counted as 499 */
    fd = connect_to(port);
    h2c_get(fd, "/api/v1/deferred/5?mode=hold");
    assert_int_equal(t_wait(&tw.deferred, 1, 2000), 1);
    close(fd);
    wait_in_flight_idle(port); /* libh2o has disposed it: the deferral is orphaned */
    assert_int_equal(t_get(&tw.resumed), 0);
    tester_release();
    assert_int_equal(t_wait(&tw.resumed, 1, 2000), 1);
    assert_int_equal(t_get(&tw.gone), 1);
    assert_int_equal(t_wait(&tw.freed, 1, 2000), 1);
    assert_int_equal(
        metric_now(port, DEFERRED_SERIES("sanxiang_http_requests_total", ",status=\"499\"}")), 1);

    /* HTTP/1: libh2o does not read a connection while its request is pending, so the close is
       noticed only when the response is written: the resumed function sees a live request,
       the write fails or is discarded, the connection goes, nothing leaks */
    fd = connect_to(port);
    {
        static const char req6[] = "GET /api/v1/deferred/6?delay=50 HTTP/1.1\r\nHost: t\r\n\r\n";
        send_all(fd, req6, sizeof(req6) - 1);
    }
    assert_int_equal(t_wait(&tw.deferred, 2, 2000), 2);
    close(fd);
    assert_int_equal(t_wait(&tw.resumed, 2, 2000), 2);
    assert_int_equal(t_get(&tw.gone), 1);
    wait_in_flight_idle(port);
    /* the server carries on */
    request(port, "GET", "/api/v1/deferred/8", NULL, NULL, &r);
    assert_int_equal(r.status, 201);
    resp_free(&r);

    http_server_stop(srv);
    assert_int_equal(st.finis, 2);
    assert_int_equal(t_get(&tw.resumed), 3);
    tester_stop();
}

struct stop_thread {
    struct http_server *srv;
    int done;
};

static void *stop_main(void *arg)
{
    struct stop_thread *t = arg;
    http_server_stop(t->srv);
    t_inc(&t->done);
    return NULL;
}

#define NHOLD 6

static void test_deferred_stop_waits(void **state)
{
    struct app_state st = {0, 0, 0};
    struct stop_thread stop = {NULL, 0};
    pthread_t tid;
    struct resp r;
    char hv[64];
    int fds[NHOLD];
    int idle;
    unsigned port;
    (void)state;
    tester_start();
    defer_server(&st, 2, &stop.srv);
    port = http_server_port(stop.srv);

    for (int i = 0; i < NHOLD; i++) {
        char head[128];
        int n = snprintf(head, sizeof(head),
                         "GET /api/v1/deferred/%d?mode=%s HTTP/1.1\r\nHost: t\r\n\r\n", i + 1,
                         i == 0 ? "fail" : "hold");
        fds[i] = connect_to(port);
        send_all(fds[i], head, (size_t)n);
    }
    /* the "fail" one is resumed at once (on its own loop); the others wait for the release */
    assert_int_equal(t_wait(&tw.deferred, NHOLD, 2000), NHOLD);
    idle = connect_to(port);
    request_on(idle, "GET", "/api/v1/items/1", NULL, NULL, &r);
    resp_free(&r);

    /* stop with 5 deferrals pending: the loops keep going past shutdown_ms (200 ms) */
    assert_int_equal(pthread_create(&tid, NULL, stop_main, &stop), 0);
    usleep(500 * 1000);
    assert_int_equal(t_get(&stop.done), 0);
    /* worker_fini waits for the resumes: only a loop holding none of them has finished */
    assert_int_equal(t_get(&st.finis), (t_get(&tw.held[0]) == 0) + (t_get(&tw.held[1]) == 0));
    assert_true(t_get(&st.finis) < 2);
    /* but the idle keep-alive connection was closed at once */
    have = 0;
    assert_int_equal(read_resp(idle, &r), -1);
    close(idle);

    tester_release();
    pthread_join(tid, NULL);
    assert_int_equal(t_get(&stop.done), 1);
    assert_int_equal(st.finis, 2);
    assert_int_equal(t_get(&tw.resumed), NHOLD);
    /* every client got its answer, told to close */
    for (int i = 0; i < NHOLD; i++) {
        have = 0;
        assert_int_equal(read_resp(fds[i], &r), 0);
        if (i == 0) {
            assert_problem(&r, 409, "record-conflict", NULL);
        } else {
            assert_int_equal(r.status, 201);
            assert_string_equal(resp_header(&r, "connection", hv, sizeof(hv)), "close");
        }
        resp_free(&r);
        close(fds[i]);
    }
    assert_int_equal(t_get(&tw.gone), 0);
    tester_stop();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_router_match_table),
        cmocka_unit_test(test_router_rejects_bad_tables),
        cmocka_unit_test(test_json_schema_rows),
        cmocka_unit_test(test_json_validate_checks_utf8_of_values),
        cmocka_unit_test(test_problem_shape),
        cmocka_unit_test(test_problem_minimal_and_sanitised),
        cmocka_unit_test(test_cursor_roundtrip),
        cmocka_unit_test(test_cursor_rejects_bad),
        cmocka_unit_test(test_query_decoding),
        cmocka_unit_test(test_cookie_lookup),
        cmocka_unit_test(test_utf8_and_dates),
        cmocka_unit_test(test_listen_addresses),
        cmocka_unit_test(test_metrics_render_sums_workers),
        cmocka_unit_test(test_openapi_check),
        cmocka_unit_test(test_smoke_serves),
        cmocka_unit_test(test_start_failures),
        cmocka_unit_test(test_serve_stops_on_sigterm),
        cmocka_unit_test(test_deferred_resumed_from_another_thread),
        cmocka_unit_test(test_deferred_many_across_loops),
        cmocka_unit_test(test_deferred_client_gone),
        cmocka_unit_test(test_deferred_stop_waits),
    };
    sx_log_set_level(SX_LOG_ERROR);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
