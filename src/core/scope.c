/*
 * scope: read a case description, match the policy's review-scope rules
 * against it, and pick the reviewing body (see scope.h).
 */
#include "scope.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int case_bad(struct sx_err *err, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int case_bad(struct sx_err *err, const char *field, const char *fmt, ...)
{
    char detail[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    return SX_FAIL(err, SX_E_INVALID, "review-case-invalid", "审核范围查询参数有误", "", field,
                   "%s：%s", field, detail);
}

/* The list of a vocabulary's keys, "a、b、c", for error details. */
static const char *vocab_list(enum pol_vocab v, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < pol_vocab_count(v) && n < cap; i++) {
        int w = snprintf(buf + n, cap - n, "%s%s", i > 0 ? "、" : "", pol_vocab_key(v, i));
        if (w < 0)
            break;
        n += (size_t)w;
    }
    return buf;
}

static int word(const json_t *obj, const char *key, enum pol_vocab v, int def, int *out,
                struct sx_err *err)
{
    const json_t *w = json_object_get(obj, key);
    char list[400];
    char val[64];
    int i;
    if (w == NULL) {
        if (def < 0)
            return case_bad(err, key, "缺少必填项（可选值：%s）",
                            vocab_list(v, list, sizeof(list)));
        *out = def;
        return 0;
    }
    if (!json_is_string(w))
        return case_bad(err, key, "应为字符串（可选值：%s）", vocab_list(v, list, sizeof(list)));
    i = pol_vocab_find(v, json_string_value(w));
    if (i < 0)
        return case_bad(err, key, "“%s”不是可选值（可选值：%s）",
                        sx_clip(val, sizeof(val), json_string_value(w)),
                        vocab_list(v, list, sizeof(list)));
    *out = i;
    return 0;
}

/* Yuan as a JSON number with at most two decimals → fen. */
static int amount(const json_t *obj, const char *key, long long *fen, struct sx_err *err)
{
    const json_t *v = json_object_get(obj, key);
    double x;
    long long f;
    double diff;
    *fen = 0;
    if (v == NULL)
        return 0;
    if (json_is_integer(v)) {
        json_int_t n = json_integer_value(v);
        if (n < 0 || n > POL_AMOUNT_MAX_YUAN)
            return case_bad(err, key, "金额应在 0 至 %lld 元之间", POL_AMOUNT_MAX_YUAN);
        *fen = (long long)n * 100;
        return 0;
    }
    if (!json_is_real(v))
        return case_bad(err, key, "应为数字（单位：元，可到分，如 40000.01）");
    x = json_real_value(v);
    if (!(x >= 0) || x > (double)POL_AMOUNT_MAX_YUAN)
        return case_bad(err, key, "金额应在 0 至 %lld 元之间", POL_AMOUNT_MAX_YUAN);
    f = (long long)(x * 100.0 + 0.5);
    diff = x * 100.0 - (double)f;
    if (diff > 1e-3 || diff < -1e-3)
        return case_bad(err, key, "金额最多两位小数（单位：元，精确到分）");
    *fen = f;
    return 0;
}

int scope_case_from_json(const json_t *obj, struct scope_case *out, struct sx_err *err)
{
    static const char *const allowed[] = {
        "kind",          "party_type",      "procedure", "fine",       "confiscation",
        "fund_recovery", "payment_refusal", "hearing",   "categories", NULL};
    static const char *const amount_keys[POL_AMOUNT_COUNT] = {"fine", "confiscation",
                                                              "fund_recovery", "payment_refusal"};
    const char *key;
    const json_t *v;
    const json_t *cats;
    const json_t *h;
    int kind = 0;
    int party = 0;
    int proc = 0;
    int rc;
    memset(out, 0, sizeof(*out));
    if (!json_is_object(obj))
        return case_bad(err, "case", "应为 JSON 对象 {\"kind\":…, \"party_type\":…, …}");
    json_object_foreach((json_t *)obj, key, v)
    {
        int ok = 0;
        char k[64];
        for (size_t i = 0; allowed[i] != NULL && !ok; i++)
            ok = strcmp(key, allowed[i]) == 0;
        if (!ok)
            return case_bad(err, sx_clip(k, sizeof(k), key),
                            "未知的键（可用：kind、party_type、procedure、fine、confiscation、"
                            "fund_recovery、payment_refusal、hearing、categories）");
    }
    rc = word(obj, "kind", POL_VOCAB_ACT, -1, &kind, err);
    if (rc == 0)
        rc = word(obj, "party_type", POL_VOCAB_PARTY, -1, &party, err);
    if (rc == 0)
        rc = word(obj, "procedure", POL_VOCAB_PROC, POL_PROC_GENERAL, &proc, err);
    for (int a = 0; rc == 0 && a < POL_AMOUNT_COUNT; a++)
        rc = amount(obj, amount_keys[a], &out->amount_fen[a], err);
    if (rc != 0)
        return rc;
    out->kind = (enum pol_act)kind;
    out->party_type = (enum pol_party)party;
    out->procedure = (enum pol_proc)proc;
    h = json_object_get(obj, "hearing");
    if (h != NULL && !json_is_boolean(h))
        return case_bad(err, "hearing", "应为 true 或 false（是否经过听证程序）");
    out->hearing = json_is_true(h);
    cats = json_object_get(obj, "categories");
    if (cats != NULL) {
        size_t i;
        const json_t *w;
        char list[800];
        if (!json_is_array(cats))
            return case_bad(err, "categories", "应为字符串数组（可选值：%s）",
                            vocab_list(POL_VOCAB_CATEGORY, list, sizeof(list)));
        json_array_foreach(cats, i, w)
        {
            char val[64];
            int c =
                json_is_string(w) ? pol_vocab_find(POL_VOCAB_CATEGORY, json_string_value(w)) : -1;
            if (c < 0)
                return case_bad(err, "categories", "第 %zu 项“%s”不是可选值（可选值：%s）", i + 1,
                                json_is_string(w) ? sx_clip(val, sizeof(val), json_string_value(w))
                                                  : "（非字符串）",
                                vocab_list(POL_VOCAB_CATEGORY, list, sizeof(list)));
            if (out->categories & (1u << c))
                return case_bad(err, "categories", "第 %zu 项“%s”重复", i + 1,
                                json_string_value(w));
            out->categories |= 1u << c;
        }
    }
    if (out->kind != POL_ACT_PENALTY) {
        if (out->amount_fen[POL_AMOUNT_FINE] > 0)
            return case_bad(err, "fine", "罚款只见于行政处罚（kind 应为 penalty）");
        if (out->amount_fen[POL_AMOUNT_CONFISCATION] > 0)
            return case_bad(err, "confiscation", "没收只见于行政处罚（kind 应为 penalty）");
        if (out->procedure == POL_PROC_SIMPLE)
            return case_bad(err, "procedure", "简易程序只适用于行政处罚（kind 应为 penalty）");
    }
    if (out->procedure == POL_PROC_SIMPLE && out->hearing)
        return case_bad(err, "hearing", "简易程序不举行听证（行政处罚法 第五十一条、第六十三条）");
    return 0;
}

int scope_case_parse(const char *text, size_t len, struct scope_case *out, struct sx_err *err)
{
    json_error_t jerr;
    json_t *obj = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    int rc;
    if (obj == NULL)
        return SX_FAIL(err, SX_E_INVALID, "review-case-invalid", "审核范围查询参数有误", "", "case",
                       "案件参数不是有效的 JSON：第 %d 行第 %d 列，%s", jerr.line, jerr.column,
                       jerr.text);
    rc = scope_case_from_json(obj, out, err);
    json_decref(obj);
    return rc;
}

int scope_rule_matches(const struct pol_rule *r, const struct scope_case *c)
{
    int any = 0;
    if ((r->acts & (1u << c->kind)) == 0 || (r->procs & (1u << c->procedure)) == 0 ||
        (r->parties & (1u << c->party_type)) == 0)
        return 0;
    if (r->hearing >= 0 && r->hearing != (c->hearing != 0))
        return 0;
    if (r->categories != 0 && (r->categories & c->categories) == 0)
        return 0;
    if (r->amount_of == 0)
        return 1;
    for (int a = 0; a < POL_AMOUNT_COUNT && !any; a++)
        any = (r->amount_of & (1u << a)) != 0 && c->amount_fen[a] >= r->min_fen &&
              c->amount_fen[a] <= r->max_fen;
    return any;
}

void scope_evaluate(const struct pol_policy *pol, const struct scope_case *c,
                    struct scope_result *out)
{
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < pol_rule_count(pol) && out->n_rules < POL_RULES_MAX; i++) {
        const struct pol_rule *r = pol_rule_at(pol, i);
        const struct pol_body *b;
        if (!scope_rule_matches(r, c))
            continue;
        out->rules[out->n_rules++] = r;
        out->required = 1;
        b = pol_body_find(pol, r->body);
        if (b != NULL && (out->body == NULL || b->rank > out->body->rank))
            out->body = b;
    }
}

json_t *scope_result_json(const struct scope_result *res)
{
    json_t *rules = json_array();
    json_t *out;
    if (rules == NULL)
        return NULL;
    for (size_t i = 0; i < res->n_rules; i++) {
        const struct pol_rule *r = res->rules[i];
        if (json_array_append_new(rules, json_pack("{s:s, s:s, s:s}", "id", r->id, "label",
                                                   r->label, "source", r->source)) != 0) {
            json_decref(rules);
            return NULL;
        }
    }
    out = json_pack("{s:b, s:o, s:o}", "required", res->required, "body",
                    res->body != NULL ? json_string(res->body->key) : json_null(), "rules", rules);
    return out;
}
