/* deadlines: a case's deadlines, and scans for my/overdue deadlines, from stored records. */
#include "deadlines.h"

#include <stdlib.h>
#include <string.h>

#include "app/cases.h"
#include "core/cal.h"
#include "core/scope.h"
#include "core/wf.h"
#include "store/store.h"

#define ACTION_OPEN "open"
#define SCRATCH_CHUNK (64u << 10)

static int fail_nomem(struct sx_err *err)
{
    return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", NULL, NULL, "deadlines");
}

/* A case's records as the engine reads them; the parsed bodies are owned here. */
struct loaded {
    struct dl_record *recs;
    size_t n;
    json_t **bodies;
    size_t n_bodies;
};

static void loaded_free(struct loaded *l)
{
    for (size_t i = 0; i < l->n_bodies; i++)
        json_decref(l->bodies[i]);
    memset(l, 0, sizeof(*l));
}

/*
 * Read the records of case_id into arena and parse the bodies the engine
 * reads (others, such as transcripts, are not parsed). On error *l holds
 * what was parsed so far; the caller frees it with loaded_free either way.
 */
static int load_records(struct app_ctx *ctx, struct sx_arena *arena, int64_t case_id,
                        struct loaded *l, struct sx_err *err)
{
    struct st_record *recs = NULL;
    size_t n = 0;
    int rc = st_record_list(ctx->db, case_id, arena, &recs, &n, err);
    memset(l, 0, sizeof(*l));
    if (rc != 0)
        return rc;
    if (n == 0)
        return 0;
    l->recs = sx_arena_alloc(arena, n * sizeof(*l->recs));
    l->bodies = sx_arena_alloc(arena, n * sizeof(*l->bodies));
    if (l->recs == NULL || l->bodies == NULL)
        return fail_nomem(err);
    for (size_t i = 0; i < n; i++) {
        struct dl_record *r = &l->recs[l->n++];
        r->seq = recs[i].seq;
        r->type = recs[i].type;
        r->action = recs[i].action;
        r->at = recs[i].at;
        if (!dl_record_relevant(r->type, r->action) || strcmp(r->action, ACTION_OPEN) == 0)
            continue; /* the opening record counts from its "at" */
        json_t *body = json_loads(recs[i].body != NULL ? recs[i].body : "", 0, NULL);
        if (body == NULL)
            return SX_FAIL(err, SX_E_INTERNAL, "record-unreadable", "记录内容无法读取", NULL, NULL,
                           "案件 %lld 的第 %lld 条记录", (long long)case_id,
                           (long long)recs[i].seq);
        l->bodies[l->n_bodies++] = body;
        r->body = body;
    }
    return 0;
}

/*
 * The deadline rules of each org's policy (app_policy_for_org: its preset, or
 * national), resolved once per org and once per policy during a call.
 */
#define RULES_CACHE_POLICIES 16

struct rules_cache {
    int64_t *org_ids; /* org_ids[i] uses rules[org_slot[i]] */
    int *org_slot;
    size_t n_orgs, cap_orgs;
    const struct pol_policy *pol[RULES_CACHE_POLICIES];
    struct dl_rules rules[RULES_CACHE_POLICIES];
    size_t n_pol;
};

static int rules_for_org(struct app_ctx *ctx, struct rules_cache *cache, int64_t org_id,
                         const struct dl_rules **out, const struct pol_policy **pol_out,
                         struct sx_err *err)
{
    const struct pol_policy *pol = NULL;
    size_t slot;
    int rc;
    for (size_t i = 0; i < cache->n_orgs; i++) {
        if (cache->org_ids[i] == org_id) {
            *out = &cache->rules[cache->org_slot[i]];
            if (pol_out != NULL)
                *pol_out = cache->pol[cache->org_slot[i]];
            return 0;
        }
    }
    rc = app_policy_for_org(ctx, org_id, &pol, err);
    if (rc != 0)
        return rc;
    slot = 0;
    while (slot < cache->n_pol && cache->pol[slot] != pol)
        slot++;
    if (slot == cache->n_pol) {
        if (slot == RULES_CACHE_POLICIES)
            return SX_FAIL(err, SX_E_INTERNAL, "too-many-policies", "规则集过多", NULL, NULL,
                           "一次计算最多使用 %d 个规则集", RULES_CACHE_POLICIES);
        rc = dl_rules_from_policy(pol, &cache->rules[slot], err);
        if (rc != 0)
            return rc;
        cache->pol[slot] = pol;
        cache->n_pol++;
    }
    if (cache->n_orgs == cache->cap_orgs) {
        size_t cap = cache->cap_orgs == 0 ? 32 : cache->cap_orgs * 2;
        int64_t *ids = sx_arena_alloc(ctx->arena, cap * sizeof(*ids));
        int *slots = sx_arena_alloc(ctx->arena, cap * sizeof(*slots));
        if (ids == NULL || slots == NULL)
            return fail_nomem(err);
        if (cache->n_orgs > 0) {
            memcpy(ids, cache->org_ids, cache->n_orgs * sizeof(*ids));
            memcpy(slots, cache->org_slot, cache->n_orgs * sizeof(*slots));
        }
        cache->org_ids = ids;
        cache->org_slot = slots;
        cache->cap_orgs = cap;
    }
    cache->org_ids[cache->n_orgs] = org_id;
    cache->org_slot[cache->n_orgs] = (int)slot;
    cache->n_orgs++;
    *out = &cache->rules[slot];
    if (pol_out != NULL)
        *pol_out = pol;
    return 0;
}

/* Run the engine over one stored case; results and records live in arena. */
static int compute_case(struct app_ctx *ctx, struct sx_arena *arena, struct rules_cache *cache,
                        const struct st_case *c, int32_t today, struct loaded *l,
                        struct dl_result *res, struct sx_err *err)
{
    const struct dl_rules *rules = NULL;
    struct dl_case dc;
    int rc = rules_for_org(ctx, cache, c->org_id, &rules, NULL, err);
    if (rc == 0)
        rc = load_records(ctx, arena, c->id, l, err);
    if (rc != 0)
        return rc;
    bool major = false;
    rc = app_case_review_required(ctx, c, &major, err);
    if (rc != 0)
        return rc;
    memset(&dc, 0, sizeof(dc));
    dc.kind = c->kind;
    dc.review_required = major;
    dc.records = l->recs;
    dc.n_records = l->n;
    return dl_compute(rules, ctx->app->calendar, &dc, today, arena, res, err);
}

static int resolve_today(struct app_ctx *ctx, const char *text, const char **out_text, int32_t *out,
                         struct sx_err *err)
{
    if (text == NULL)
        text = app_today(ctx);
    if (text == NULL)
        return fail_nomem(err);
    *out_text = text;
    return cal_date_parse(text, out, err);
}

/* Open a read snapshot unless the caller already has a transaction. */
static int read_begin(struct app_ctx *ctx, bool *opened, struct sx_err *err)
{
    *opened = false;
    if (st_in_tx(ctx->db))
        return 0;
    int rc = st_begin_read(ctx->db, err);
    *opened = rc == 0;
    return rc;
}

static void read_end(struct app_ctx *ctx, bool opened)
{
    if (opened)
        (void)st_rollback(ctx->db, NULL); /* nothing was written */
}

static void fill_case(struct app_deadline_item *it, const struct st_case *c)
{
    it->case_id = c->id;
    it->org_id = c->org_id;
    it->case_number = c->number;
    it->case_kind = c->kind;
    it->case_state = c->state;
    it->case_cause = c->cause;
}

int app_deadline_case_on(struct app_ctx *ctx, int64_t case_id, const char *today,
                         struct app_deadline_list *out, struct sx_err *err)
{
    struct rules_cache *cache;
    struct st_case c;
    struct loaded l = {0};
    struct dl_result res;
    int32_t day;
    bool opened = false;
    int rc;

    memset(out, 0, sizeof(*out));
    cache = sx_arena_alloc(ctx->arena, sizeof(*cache));
    if (cache == NULL)
        return fail_nomem(err);
    rc = resolve_today(ctx, today, &out->today, &day, err);
    if (rc == 0)
        rc = read_begin(ctx, &opened, err);
    if (rc != 0)
        return rc;
    rc = st_case_get(ctx->db, case_id, ctx->arena, &c, err);
    if (rc == 0)
        rc = compute_case(ctx, ctx->arena, cache, &c, day, &l, &res, err);
    if (rc != 0)
        goto cleanup;
    if (res.n > 0) {
        out->items = sx_arena_alloc(ctx->arena, res.n * sizeof(*out->items));
        if (out->items == NULL) {
            rc = fail_nomem(err);
            goto cleanup;
        }
    }
    for (size_t i = 0; i < res.n; i++) {
        fill_case(&out->items[i], &c);
        out->items[i].d = res.items[i];
    }
    out->n = res.n;
    out->pauses = res.pauses;
    out->n_pauses = res.n_pauses;
    out->cases_scanned = 1;
cleanup:
    loaded_free(&l);
    read_end(ctx, opened);
    return rc;
}

int app_deadline_case(struct app_ctx *ctx, int64_t case_id, struct app_deadline_list *out,
                      struct sx_err *err)
{
    return app_deadline_case_on(ctx, case_id, NULL, out, err);
}

/* ---- scans ---- */

struct scan {
    struct app_ctx *ctx;
    const struct app_deadline_query *q;
    unsigned states;
    size_t max;
    struct app_deadline_list *out;
    size_t cap;
};

/* Copy one item into the result (ctx->arena); shared holds the case's fields (ctx->arena). */
static int scan_add(struct scan *s, const struct app_deadline_item *shared,
                    const struct dl_deadline *d, struct sx_err *err)
{
    struct sx_arena *a = s->ctx->arena;
    struct app_deadline_item *it;
    if (s->out->n == s->max) {
        s->out->truncated = true;
        return 0;
    }
    if (s->out->n == s->cap) {
        size_t cap = s->cap == 0 ? 64 : s->cap * 2;
        if (cap > s->max)
            cap = s->max;
        it = sx_arena_alloc(a, cap * sizeof(*it));
        if (it == NULL)
            return fail_nomem(err);
        if (s->out->n > 0)
            memcpy(it, s->out->items, s->out->n * sizeof(*it));
        s->out->items = it;
        s->cap = cap;
    }
    it = &s->out->items[s->out->n];
    *it = *shared;
    it->d = *d;
    /* met_type pointed into the scratch arena's records */
    if (d->met_type != NULL) {
        it->d.met_type = sx_arena_strdup(a, d->met_type);
        if (it->d.met_type == NULL)
            return fail_nomem(err);
    }
    s->out->n++;
    return 0;
}

static int item_cmp(const void *a, const void *b)
{
    const struct app_deadline_item *x = a, *y = b;
    if (x->d.due != y->d.due)
        return (x->d.due > y->d.due) - (x->d.due < y->d.due);
    if (x->case_id != y->case_id)
        return (x->case_id > y->case_id) - (x->case_id < y->case_id);
    return (x->d.key > y->d.key) - (x->d.key < y->d.key);
}

/*
 * The scan in two passes over one read snapshot. First the case rows in
 * scope (st_case_each: id, org, kind, state, number, cause, amounts,
 * flags), kept compactly with their org's rules and policy and the review
 * scope facts of their projection, resolved while the store may still be
 * used. Then their records in one ranged read (st_record_scan over the ids
 * from the first to the last case in scope, split only where the scope
 * leaves a gap of more than SCAN_GAP cases, so an org's cases scattered
 * among a province's are not read one by one either): each case's records
 * are gathered as they stream, the bodies the engine reads parsed, and the
 * engine runs when the next case begins. The first party's type, which the
 * review scope needs, comes from the opening record (case_opening: parties
 * as registered), so the streaming pass never queries.
 */
#define SCAN_GAP 64

struct scase {
    int64_t id;
    int64_t org_id;
    const char *kind; /* the workflow's own strings */
    const char *state;
    const char *number; /* ctx->arena */
    const char *cause;
    const struct dl_rules *rules;
    const struct pol_policy *pol;
    bool scope; /* the review scope applies (penalty, coercion) */
    struct scope_case sc;
};

struct stream {
    struct scan *s;
    struct app_ctx *ctx;
    int32_t today;
    struct scase *cases;
    size_t n_cases, next; /* next: the first case not yet reached by the stream */
    struct scase *cur;    /* the case whose records are streaming; NULL: skip */
    const char *opening;  /* its opening record's body (scratch), parsed only when needed */
    struct sx_arena *scratch;
    struct dl_record *recs;
    size_t n_recs, cap_recs;
    json_t **bodies;
    size_t n_bodies;
};

static void stream_release(struct stream *st)
{
    for (size_t i = 0; i < st->n_bodies; i++)
        json_decref(st->bodies[i]);
    st->n_bodies = 0;
    st->n_recs = 0;
}

/* The first party's type from the opening record's body (parties as registered). */
static bool opening_party_org(const char *body)
{
    json_t *b = json_loads(body != NULL ? body : "", 0, NULL);
    const char *kind = json_string_value(
        json_object_get(json_array_get(json_object_get(b, "parties"), 0), "kind"));
    bool org = kind != NULL && strcmp(kind, "org") == 0;
    json_decref(b);
    return org;
}

/* Run the engine over the gathered records of st->cur and keep the wanted items. */
static int stream_finish(struct stream *st, struct sx_err *err)
{
    struct scase *c = st->cur;
    struct dl_case dc;
    struct dl_result res;
    struct app_deadline_item shared;
    int rc = 0;
    if (c == NULL)
        return 0;
    st->cur = NULL;
    memset(&dc, 0, sizeof(dc));
    dc.kind = c->kind;
    if (c->scope) {
        /* the party's type only matters when the scope's answer depends on it */
        struct scope_result as_person, as_org;
        c->sc.party_type = POL_PARTY_PERSON;
        scope_evaluate(c->pol, &c->sc, &as_person);
        c->sc.party_type = POL_PARTY_ORG;
        scope_evaluate(c->pol, &c->sc, &as_org);
        if (as_person.required == as_org.required)
            dc.review_required = as_person.required != 0;
        else
            dc.review_required =
                (opening_party_org(st->opening) ? as_org : as_person).required != 0;
    }
    dc.records = st->recs;
    dc.n_records = st->n_recs;
    rc = dl_compute(c->rules, st->ctx->app->calendar, &dc, st->today, st->scratch, &res, err);
    st->s->out->cases_scanned++;
    memset(&shared, 0, sizeof(shared));
    shared.case_id = c->id;
    shared.org_id = c->org_id;
    shared.case_number = c->number;
    shared.case_kind = c->kind;
    shared.case_state = c->state;
    shared.case_cause = c->cause;
    for (size_t k = 0; rc == 0 && k < res.n; k++) {
        const struct dl_deadline *d = &res.items[k];
        if ((st->s->states & (1u << d->state)) == 0 ||
            (d->who == DL_ACT_PARTY && !st->s->q->include_party))
            continue;
        rc = scan_add(st->s, &shared, d, err);
    }
    stream_release(st);
    return rc;
}

static int stream_row(void *ctx, const struct st_record *rec, struct sx_err *err)
{
    struct stream *st = ctx;
    struct dl_record *r;
    int rc;
    if (st->cur == NULL || rec->case_id != st->cur->id) {
        rc = stream_finish(st, err);
        if (rc != 0)
            return rc;
        while (st->next < st->n_cases && st->cases[st->next].id < rec->case_id)
            st->next++;
        if (st->next == st->n_cases || st->cases[st->next].id != rec->case_id)
            return 0; /* a case out of scope between two in scope */
        st->cur = &st->cases[st->next++];
        st->opening = NULL;
        sx_arena_reset(st->scratch);
        st->recs = NULL;
        st->cap_recs = 0;
    }
    if (!dl_record_relevant(rec->type, rec->action))
        return 0;
    if (strcmp(rec->action, ACTION_OPEN) == 0 && rec->body != NULL) {
        st->opening = sx_arena_strdup(st->scratch, rec->body);
        if (st->opening == NULL)
            return fail_nomem(err);
    }
    if (st->n_recs == st->cap_recs) {
        size_t cap = st->cap_recs == 0 ? 32 : st->cap_recs * 2;
        struct dl_record *recs = sx_arena_alloc(st->scratch, cap * sizeof(*recs));
        json_t **bodies = sx_arena_alloc(st->scratch, cap * sizeof(*bodies));
        if (recs == NULL || bodies == NULL)
            return fail_nomem(err);
        if (st->n_recs > 0) {
            memcpy(recs, st->recs, st->n_recs * sizeof(*recs));
            memcpy(bodies, st->bodies, st->n_bodies * sizeof(*bodies));
        }
        st->recs = recs;
        st->bodies = bodies;
        st->cap_recs = cap;
    }
    r = &st->recs[st->n_recs];
    memset(r, 0, sizeof(*r));
    r->seq = rec->seq;
    r->type = sx_arena_strdup(st->scratch, rec->type);
    r->action = sx_arena_strdup(st->scratch, rec->action);
    r->at = sx_arena_strdup(st->scratch, rec->at);
    if (r->type == NULL || r->action == NULL || r->at == NULL)
        return fail_nomem(err);
    if (strcmp(rec->action, ACTION_OPEN) != 0) { /* the opening record counts from its "at" */
        json_t *body = json_loads(rec->body != NULL ? rec->body : "", 0, NULL);
        if (body == NULL)
            return SX_FAIL(err, SX_E_INTERNAL, "record-unreadable", "记录内容无法读取", NULL, NULL,
                           "案件 %lld 的第 %lld 条记录", (long long)rec->case_id,
                           (long long)rec->seq);
        st->bodies[st->n_bodies++] = body;
        r->body = body;
    }
    st->n_recs++;
    return 0;
}

/* The record types whose bodies the engine reads, as a JSON array for st_record_scan_brief. */
static int engine_types(struct app_ctx *ctx, const char **out, struct sx_err *err)
{
    json_t *a = json_array();
    char *text;
    for (size_t i = 0; a != NULL && dl_record_type_at(i) != NULL; i++) {
        if (json_array_append_new(a, json_string(dl_record_type_at(i))) != 0) {
            json_decref(a);
            a = NULL;
        }
    }
    text = a != NULL ? json_dumps(a, JSON_COMPACT) : NULL;
    json_decref(a);
    *out = text != NULL ? sx_arena_strdup(ctx->arena, text) : NULL;
    free(text);
    return *out != NULL ? 0 : fail_nomem(err);
}

/* Pass 1: the live cases in scope, in id order, with their rules and review-scope facts. */
struct collect {
    struct app_ctx *ctx;
    struct rules_cache *cache;
    struct scase *cases;
    size_t n, cap;
};

static int collect_case(void *p, const struct st_case *c, struct sx_err *err)
{
    struct collect *cl = p;
    struct app_ctx *ctx = cl->ctx;
    struct scase *x;
    enum app_kind k;
    const struct wf_state *wst;
    if (app_kind_parse(c->kind, &k, NULL) != 0)
        return 0;
    wst = wf_state_find(ctx->app->workflows[k], c->state);
    if (wst == NULL || wst->terminal) /* live cases only (as live_case) */
        return 0;
    if (cl->n == cl->cap) {
        size_t ncap = cl->cap == 0 ? 1024 : cl->cap * 2;
        struct scase *grown = sx_arena_alloc(ctx->arena, ncap * sizeof(*grown));
        if (grown == NULL)
            return fail_nomem(err);
        if (cl->n > 0)
            memcpy(grown, cl->cases, cl->n * sizeof(*grown));
        cl->cases = grown;
        cl->cap = ncap;
    }
    x = &cl->cases[cl->n];
    memset(x, 0, sizeof(*x));
    x->id = c->id;
    x->org_id = c->org_id;
    x->kind = wf_kind(ctx->app->workflows[k]);
    x->state = wst->key;
    x->number = c->number != NULL ? sx_arena_strdup(ctx->arena, c->number) : NULL;
    x->cause = c->cause != NULL ? sx_arena_strdup(ctx->arena, c->cause) : NULL;
    if ((c->number != NULL && x->number == NULL) || (c->cause != NULL && x->cause == NULL))
        return fail_nomem(err);
    /* the rules were resolved before the scan (rules_for_org queries on a miss) */
    x->rules = NULL;
    x->pol = NULL;
    x->scope = app_case_scope_case(c, false, &x->sc);
    cl->n++;
    return 0;
}

static int collect_cases(struct app_ctx *ctx, const struct app_deadline_query *q,
                         struct rules_cache *cache, struct scase **out, size_t *n_out,
                         struct sx_err *err)
{
    struct collect cl = {.ctx = ctx, .cache = cache};
    struct st_case_filter f;
    int rc;
    memset(&f, 0, sizeof(f));
    f.org_ids = q->org_ids;
    f.n_org_ids = q->n_org_ids;
    f.officer_id = q->officer_id;
    rc = st_case_each(ctx->db, &f, collect_case, &cl, err);
    /* each case's org rules, resolved after the stream: resolving may query the store */
    for (size_t i = 0; rc == 0 && i < cl.n; i++)
        rc = rules_for_org(ctx, cache, cl.cases[i].org_id, &cl.cases[i].rules, &cl.cases[i].pol,
                           err);
    *out = cl.cases;
    *n_out = cl.n;
    return rc;
}

int app_deadline_scan(struct app_ctx *ctx, const struct app_deadline_query *q,
                      struct app_deadline_list *out, struct sx_err *err)
{
    struct rules_cache *cache;
    struct sx_arena scratch;
    struct scan s;
    struct stream st;
    const char *types = NULL;
    int32_t today;
    bool opened = false;
    int rc;

    memset(out, 0, sizeof(*out));
    sx_arena_init(&scratch, SCRATCH_CHUNK);
    memset(&s, 0, sizeof(s));
    memset(&st, 0, sizeof(st));
    s.ctx = ctx;
    s.q = q;
    s.out = out;
    s.states = q->states != 0 ? q->states : (1u << DL_OPEN) | (1u << DL_OVERDUE);
    s.max = q->max_items != 0 ? q->max_items : APP_DEADLINE_MAX_ITEMS;
    cache = sx_arena_alloc(ctx->arena, sizeof(*cache));
    if (cache == NULL) {
        rc = fail_nomem(err);
        goto cleanup;
    }
    memset(cache, 0, sizeof(*cache));
    rc = resolve_today(ctx, q->today, &out->today, &today, err);
    if (rc != 0 || q->n_org_ids == 0)
        goto cleanup;
    rc = read_begin(ctx, &opened, err);
    if (rc == 0)
        rc = collect_cases(ctx, q, cache, &st.cases, &st.n_cases, err);
    if (rc != 0)
        goto cleanup;
    st.s = &s;
    st.ctx = ctx;
    st.today = today;
    st.scratch = &scratch;
    rc = engine_types(ctx, &types, err);
    for (size_t i = 0; rc == 0 && i < st.n_cases;) {
        size_t j = i;
        while (j + 1 < st.n_cases && st.cases[j + 1].id - st.cases[j].id <= SCAN_GAP)
            j++;
        st.next = i;
        rc = st_record_scan_brief(ctx->db, st.cases[i].id, st.cases[j].id, types, stream_row, &st,
                                  err);
        if (rc == 0)
            rc = stream_finish(&st, err);
        i = j + 1;
    }
    if (rc == 0 && out->n > 1)
        qsort(out->items, out->n, sizeof(*out->items), item_cmp);
cleanup:
    stream_release(&st);
    read_end(ctx, opened);
    sx_arena_free(&scratch);
    return rc;
}

int app_deadline_overdue(struct app_ctx *ctx, const int64_t *org_ids, size_t n_org_ids,
                         const char *today, struct app_deadline_list *out, struct sx_err *err)
{
    struct app_deadline_query q = {
        .org_ids = org_ids,
        .n_org_ids = n_org_ids,
        .today = today,
        .states = 1u << DL_OVERDUE,
    };
    return app_deadline_scan(ctx, &q, out, err);
}

int app_deadline_mine(struct app_ctx *ctx, int64_t user_id, const int64_t *org_ids,
                      size_t n_org_ids, const char *today, struct app_deadline_list *out,
                      struct sx_err *err)
{
    struct app_deadline_query q = {
        .org_ids = org_ids,
        .n_org_ids = n_org_ids,
        .officer_id = user_id,
        .today = today,
        .states = (1u << DL_OPEN) | (1u << DL_OVERDUE),
    };
    if (user_id <= 0)
        return SX_FAIL(err, SX_E_INVALID, "invalid-user", "用户无效", NULL, "user_id",
                       "用户编号 %lld 无效", (long long)user_id);
    return app_deadline_scan(ctx, &q, out, err);
}

/* ---- JSON ---- */

static json_t *item_json(const struct app_deadline_item *it)
{
    json_t *o = dl_deadline_json(&it->d);
    json_t *c = json_object();
    int bad = o == NULL || c == NULL;
    if (!bad) {
        bad |= json_object_set_new(c, "id", json_integer(it->case_id));
        bad |= json_object_set_new(c, "org_id", json_integer(it->org_id));
        bad |= json_object_set_new(
            c, "number", it->case_number != NULL ? json_string(it->case_number) : json_null());
        bad |= json_object_set_new(c, "kind", json_string(it->case_kind));
        bad |= json_object_set_new(c, "state", json_string(it->case_state));
        bad |= json_object_set_new(
            c, "cause", it->case_cause != NULL ? json_string(it->case_cause) : json_null());
        bad |= json_object_set(o, "case", c);
    }
    json_decref(c);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *app_deadline_list_json(const struct app_deadline_list *l)
{
    json_t *o = json_object();
    json_t *items = json_array();
    json_t *pauses = json_array();
    int bad = o == NULL || items == NULL || pauses == NULL;
    for (size_t i = 0; !bad && i < l->n; i++)
        bad |= json_array_append_new(items, item_json(&l->items[i]));
    for (size_t i = 0; !bad && i < l->n_pauses; i++)
        bad |= json_array_append_new(pauses, dl_pause_json(&l->pauses[i]));
    if (!bad) {
        bad |= json_object_set_new(o, "today", json_string(l->today != NULL ? l->today : ""));
        bad |= json_object_set_new(o, "truncated", json_boolean(l->truncated));
        bad |= json_object_set(o, "items", items);
        bad |= json_object_set(o, "pauses", pauses);
    }
    json_decref(items);
    json_decref(pauses);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}
