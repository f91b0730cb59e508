/* h_meta: working-day arithmetic, workflow definitions and the record catalogue. */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "core/cal.h"
#include "core/catalog.h"
#include "core/wf.h"

static int query_date(struct http_req *r, const char *name, int32_t *out, struct sx_err *err)
{
    const char *v = NULL;
    int rc = http_query(r, name, &v, err);
    if (rc != 0)
        return rc;
    if (v == NULL)
        return SX_FAIL(err, SX_E_INVALID, "missing-parameter", "缺少查询参数", NULL, name,
                       "须提供 %s=YYYY-MM-DD", name);
    rc = cal_date_parse(v, out, err);
    if (rc != 0)
        snprintf(err->field, sizeof(err->field), "%s", name);
    return rc;
}

static int query_provisional(struct http_req *r, bool *out, struct sx_err *err)
{
    int64_t v = 0;
    int rc = http_query_int(r, "provisional", 0, 1, 0, &v, err);
    *out = v != 0;
    return rc;
}

int api_workdays_add(struct http_req *r, struct sx_err *err)
{
    const struct app *app = api_ctx(r)->app;
    int32_t from = 0;
    int32_t out = 0;
    int64_t n = 0;
    bool allow = false;
    bool provisional = false;
    char a[CAL_DATE_BUFSZ];
    char b[CAL_DATE_BUFSZ];
    int rc = query_date(r, "date", &from, err);
    if (rc == 0)
        rc = http_query_int(r, "n", 0, CAL_WORKDAYS_MAX, -1, &n, err);
    if (rc == 0 && n < 0)
        rc = SX_FAIL(err, SX_E_INVALID, "missing-parameter", "缺少查询参数", NULL, "n",
                     "须提供 n（工作日天数）");
    if (rc == 0)
        rc = query_provisional(r, &allow, err);
    if (rc == 0)
        rc = cal_add_workdays(app->calendar, from, (int)n, allow, &out, &provisional, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return http_send_json(r, 200,
                          json_pack("{ss sI ss sb}", "date", cal_date_format(from, a), "n",
                                    (json_int_t)n, "result", cal_date_format(out, b), "provisional",
                                    provisional),
                          err);
}

int api_workdays_between(struct http_req *r, struct sx_err *err)
{
    const struct app *app = api_ctx(r)->app;
    int32_t d1 = 0;
    int32_t d2 = 0;
    int n = 0;
    bool allow = false;
    bool provisional = false;
    char a[CAL_DATE_BUFSZ];
    char b[CAL_DATE_BUFSZ];
    int rc = query_date(r, "from", &d1, err);
    if (rc == 0)
        rc = query_date(r, "to", &d2, err);
    if (rc == 0)
        rc = query_provisional(r, &allow, err);
    if (rc == 0)
        rc = cal_workdays_between(app->calendar, d1, d2, allow, &n, &provisional, err);
    if (rc != 0)
        return api_done(r, rc, err);
    return http_send_json(r, 200,
                          json_pack("{ss ss si sb}", "from", cal_date_format(d1, a), "to",
                                    cal_date_format(d2, b), "workdays", n, "provisional",
                                    provisional),
                          err);
}

static json_t *string_list(const char *const *items, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(items[i]));
    return a;
}

int api_workflow_get(struct http_req *r, struct sx_err *err)
{
    const struct app *app = api_ctx(r)->app;
    enum app_kind kind;
    const struct wf_def *def;
    json_t *states;
    json_t *actions;
    int rc = app_kind_parse(http_param(r, "kind"), &kind, err);
    if (rc != 0)
        return api_done(r, rc, err);
    def = app->workflows[kind];
    states = json_array();
    actions = json_array();
    for (size_t i = 0; i < wf_state_count(def); i++) {
        const struct wf_state *s = wf_state_at(def, i);
        json_array_append_new(states, json_pack("{ss ss sb sb sb}", "key", s->key, "name_zh",
                                                s->name_zh, "terminal", s->terminal, "closed",
                                                s->closed, "suspended", s->suspended));
    }
    for (size_t i = 0; i < wf_action_count(def); i++) {
        const struct wf_action *a = wf_action_at(def, i);
        json_array_append_new(
            actions, json_pack("{ss ss ss so so so so ss}", "key", a->key, "name_zh", a->name_zh,
                               "record_type", a->record_type, "from",
                               a->from_any ? json_string("*") : string_list(a->from, a->n_from),
                               "to", api_str(a->to), "roles", string_list(a->roles, a->n_roles),
                               "gates", string_list(a->gates, a->n_gates), "source", a->source));
    }
    return http_send_json(r, 200,
                          json_pack("{ss ss ss so so}", "kind", wf_kind(def), "name_zh",
                                    wf_name_zh(def), "initial", wf_initial(def)->key, "states",
                                    states, "actions", actions),
                          err);
}

static json_t *field_json(const struct cat_field *f);

static json_t *field_json(const struct cat_field *f)
{
    json_t *o = json_pack("{ss ss ss sb}", "name", f->name, "label_zh", f->label_zh, "type",
                          cat_ftype_name(f->type), "required", f->required);
    if (f->n_values > 0) {
        json_t *values = json_array();
        for (size_t i = 0; i < f->n_values; i++)
            json_array_append_new(values, json_pack("{ss ss}", "value", f->values[i].value,
                                                    "label_zh", f->values[i].label_zh));
        json_object_set_new(o, "values", values);
    }
    if (f->max_len > 0)
        json_object_set_new(o, "max_len", json_integer((json_int_t)f->max_len));
    if (f->min_items > 0)
        json_object_set_new(o, "min_items", json_integer((json_int_t)f->min_items));
    if (f->n_fields > 0) {
        json_t *nested = json_array();
        for (size_t i = 0; i < f->n_fields; i++)
            json_array_append_new(nested, field_json(&f->fields[i]));
        json_object_set_new(o, "fields", nested);
    }
    return o;
}

int api_record_types(struct http_req *r, struct sx_err *err)
{
    const struct cat_catalog *cat = api_ctx(r)->app->catalog;
    json_t *types = json_array();
    for (size_t i = 0; i < cat_type_count(cat); i++) {
        const struct cat_type *t = cat_type_at(cat, i);
        json_t *fields = json_array();
        for (size_t j = 0; j < t->n_fields; j++)
            json_array_append_new(fields, field_json(&t->fields[j]));
        json_array_append_new(
            types, json_pack("{ss ss ss so sb sb so}", "key", t->key, "name_zh", t->name_zh,
                             "source", t->source_text, "kinds", string_list(t->kinds, t->n_kinds),
                             "onsite", t->onsite, "av_required", t->av_required, "fields", fields));
    }
    return http_send_json(r, 200, json_pack("{so}", "items", types), err);
}
