/*
 * deadline_bench: the deadline engine's cost for a whole dashboard — every
 * deadline of 100,000 open cases recomputed (core/deadline.h: nothing is
 * stored, so this is what "show me all deadlines" costs) — beside a bare loop
 * over the same record rows in the same run. Goal (issue 3): the whole
 * dashboard's data in < 1 s.
 *
 * The cases are synthetic but shaped like real ones: penalty (70 %),
 * inspection (15 %) and coercion (15 %) cases at every stage of their
 * workflow, each with its opening record, investigation records the engine
 * skips (transcripts, evidence) and the records it reads (filing, notices,
 * review, decision, service, suspension/resumption, extensions, closure,
 * archiving), dated between 2025-01 and today, so deadlines fall across the
 * holidays of 2025 and 2026 and some past 2026 (provisional). Record bodies are
 * parsed JSON, as the app layer hands them to the engine (only the types the
 * engine reads are parsed there; the others carry no body here either).
 * Building them is not timed: the figure is the engine over rows in memory,
 * not the store (app_deadline_scan adds one st_record_list per case).
 *
 * The policy is the Yunnan preset (national + 附件3's review deadlines),
 * the one with the most deadline keys; every case is treated as a major
 * decision, so the review deadlines are computed too.
 *
 * From the store (issue 3 point 5): with DB_URLs, the same cases are written
 * to each store (an initialised database: `sanxiang init`; the org uses the
 * Yunnan preset, penalty and coercion cases carry the category "social_risk" (YN-3-06) so
 * that each is a major decision as above, every case is in a live state) and
 * the overdue dashboard is read from it as GET /api/v1/deadlines/overdue
 * does — app_deadline_overdue: the case rows in scope, then one ranged read
 * of their records (app/deadlines.h) — beside a bare loop over the same
 * record rows from the same store in the same run (the same ranged read,
 * st_record_scan_brief of the engine's record types, summing each row's date,
 * in one read transaction; for context also st_record_scan of every row). Loading is not timed; a
 * store this program loaded before is measured again as it is.
 *
 * Usage: deadline_bench [CASES=100000] [RUNS=3] [DB_URL ...]
 * The data directory is $SANXIANG_ROOT or ".". Prints one summary line per
 * measurement and a final line:
 *   "engine <s> s, bare loop <s> s, ratio <x>, goal < 1 s: yes|no"
 * and for each DB_URL:
 *   "store <backend>: dashboard <s> s, bare record scan <s> s, ratio <x>, goal < 1 s: yes|no"
 * (each figure the median of RUNS runs).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "app/app.h"
#include "app/deadlines.h"
#include "app/files.h"
#include "app/identity.h"
#include "core/canon.h"
#include "store/store.h"
#include "core/cal.h"
#include "core/deadline.h"
#include "core/policy.h"
#include "sx_arena.h"
#include "sx_buf.h"

#define TODAY "2026-11-30"
#define POLICY "yunnan"
#define MAX_RECS 40
#define RUNS_MAX 15

struct bcase {
    const char *kind;
    struct dl_record *recs;
    size_t n;
};

struct gen {
    uint64_t rng;
    int32_t first_day, today;
    json_t **bodies; /* every body made, for freeing */
    size_t n_bodies, cap_bodies;
    struct dl_record *recs; /* all records of all cases */
    size_t n_recs, cap_recs;
    char (*ats)[21]; /* their "at" texts */
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const struct sx_err *err)
{
    fprintf(stderr, "deadline_bench: %s: %s %s\n", what, err != NULL ? err->title : "",
            err != NULL ? err->detail : "");
    exit(1);
}

static uint64_t rnd(struct gen *g)
{
    /* xorshift64*: deterministic across runs and machines */
    g->rng ^= g->rng >> 12;
    g->rng ^= g->rng << 25;
    g->rng ^= g->rng >> 27;
    return g->rng * 0x2545F4914F6CDD1DULL;
}

static int pick(struct gen *g, int lo, int hi)
{
    return lo + (int)(rnd(g) % (uint64_t)(hi - lo + 1));
}

static const char *day_text(int32_t d, char buf[CAL_DATE_BUFSZ])
{
    return cal_date_format(d, buf);
}

/* Append one record; body is a JSON object the generator made (or NULL). */
static void add(struct gen *g, struct bcase *c, const char *type, const char *action, int32_t day,
                json_t *body)
{
    struct dl_record *r;
    char buf[CAL_DATE_BUFSZ];
    if (g->n_recs == g->cap_recs || g->n_bodies == g->cap_bodies) {
        fprintf(stderr, "deadline_bench: out of preallocated rows\n");
        exit(1);
    }
    if (c->n == 0)
        c->recs = &g->recs[g->n_recs];
    r = &g->recs[g->n_recs];
    snprintf(g->ats[g->n_recs], sizeof(g->ats[0]), "%sT02:30:00Z", day_text(day, buf));
    r->seq = (int64_t)c->n + 1;
    r->type = type;
    r->action = action;
    r->at = g->ats[g->n_recs];
    r->body = body;
    if (body != NULL)
        g->bodies[g->n_bodies++] = body;
    g->n_recs++;
    c->n++;
}

static json_t *dated(const char *field, int32_t day)
{
    char buf[CAL_DATE_BUFSZ];
    json_t *o = json_object();
    if (o == NULL || json_object_set_new(o, field, json_string(day_text(day, buf))) != 0) {
        fprintf(stderr, "deadline_bench: out of memory\n");
        exit(1);
    }
    return o;
}

static json_t *with(json_t *o, const char *key, json_t *v)
{
    if (json_object_set_new(o, key, v) != 0) {
        fprintf(stderr, "deadline_bench: out of memory\n");
        exit(1);
    }
    return o;
}

/* The records the engine skips: transcripts, evidence, notes. */
static void filler(struct gen *g, struct bcase *c, int32_t *day, int n)
{
    static const char *const types[][2] = {{"inquiry_transcript", "inquire"},
                                           {"evidence", "register_evidence"},
                                           {"onsite_inspection_transcript", "inspect_onsite"},
                                           {"note", "note"}};
    for (int i = 0; i < n; i++) {
        int k = pick(g, 0, 3);
        *day += pick(g, 0, 4);
        add(g, c, types[k][0], types[k][1], *day, NULL);
    }
}

/* A penalty case taken to a random stage (0 = just opened ... 9 = archived). */
static void gen_penalty(struct gen *g, struct bcase *c, int32_t day)
{
    int stage = pick(g, 0, 9);
    add(g, c, "case_opening", "open", day, NULL);
    if (stage < 1)
        return;
    day += pick(g, 1, 12);
    add(g, c, "filing_approval", "file", day, dated("approved_on", day));
    filler(g, c, &day, pick(g, 2, 6));
    if (pick(g, 0, 9) == 0) { /* 10 %: suspended for a while (appraisal, ...) */
        add(g, c, "suspension", "suspend", day,
            with(dated("suspended_on", day), "reason", json_string("等待检验检测结果")));
        if (pick(g, 0, 3) != 0) {
            day += pick(g, 5, 40);
            add(g, c, "resumption", "resume", day, dated("resumed_on", day));
        } else {
            return;
        }
    }
    if (pick(g, 0, 7) == 0) /* an extension of the case period */
        add(g, c, "extension", "extend", day,
            with(with(dated("approved_on", day), "target", json_string("case_period")), "days",
                 json_integer(30)));
    if (stage < 3)
        return;
    day += pick(g, 2, 20);
    add(g, c, "investigation_end_report", "end_investigation", day, dated("ended_on", day));
    if (stage < 4)
        return;
    day += pick(g, 1, 7);
    add(g, c, "legal_review_request", "request_legal_review", day, dated("submitted_on", day));
    day += pick(g, 1, 8);
    add(g, c, "legal_review_opinion", "legal_review", day,
        with(dated("reviewed_on", day), "opinion",
             json_string(pick(g, 0, 4) == 0 ? "change" : "agree")));
    if (stage < 5)
        return;
    day += pick(g, 1, 5);
    add(g, c, "prior_notice", "prior_notice", day,
        with(with(dated("issued_on", day), "hearing_right", json_true()), "period_days",
             json_integer(5)));
    if (stage < 6)
        return;
    day += pick(g, 8, 20);
    add(g, c, "decision", "decide", day,
        with(dated("decided_on", day), "outcome", json_string("penalty")));
    if (stage < 7)
        return;
    day += pick(g, 0, 10);
    add(g, c, "service_direct", "serve_decision_direct", day, dated("signed_on", day));
    day += pick(g, 5, 30);
    add(g, c, "performance", "record_performance", day, NULL);
    if (stage < 8)
        return;
    day += pick(g, 1, 10);
    {
        char buf[CAL_DATE_BUFSZ];
        add(g, c, "closure", "close", day,
            with(dated("closed_on", day), "execution_ended_on",
                 json_string(day_text(day - 1, buf))));
    }
    if (stage < 9)
        return;
    day += pick(g, 5, 40);
    add(g, c, "archiving", "archive", day, dated("archived_on", day));
}

static void gen_inspection(struct gen *g, struct bcase *c, int32_t day)
{
    int stage = pick(g, 0, 3);
    add(g, c, "case_opening", "open", day, NULL);
    filler(g, c, &day, pick(g, 2, 6));
    if (pick(g, 0, 4) == 0)
        add(g, c, "preservation", "preserve", day, dated("preserved_at", day));
    if (stage < 2)
        return;
    day += pick(g, 5, 30);
    add(g, c, "inspection_closure", "close", day, dated("closed_on", day));
    if (stage < 3)
        return;
    day += pick(g, 5, 40);
    add(g, c, "archiving", "archive", day, dated("archived_on", day));
}

static void gen_coercion(struct gen *g, struct bcase *c, int32_t day)
{
    int stage = pick(g, 0, 3);
    add(g, c, "case_opening", "open", day, NULL);
    day += pick(g, 1, 5);
    add(g, c, "coercion_request", "request_approval", day, NULL);
    if (stage < 1)
        return;
    day += pick(g, 1, 5);
    add(g, c, "coercion_decision", "decide", day, dated("decided_on", day));
    filler(g, c, &day, pick(g, 1, 4));
    if (stage < 2)
        return;
    day += pick(g, 5, 60);
    add(g, c, "coercion_termination", "terminate", day, dated("terminated_on", day));
    if (stage < 3)
        return;
    day += pick(g, 5, 40);
    add(g, c, "archiving", "archive", day, dated("archived_on", day));
}

static void gen_cases(struct gen *g, struct bcase *cases, size_t n)
{
    int32_t span = g->today - g->first_day;
    for (size_t i = 0; i < n; i++) {
        int k = pick(g, 0, 99);
        int32_t day = g->first_day + (int32_t)(rnd(g) % (uint64_t)span);
        memset(&cases[i], 0, sizeof(cases[i]));
        if (k < 70) {
            cases[i].kind = "penalty";
            gen_penalty(g, &cases[i], day);
        } else if (k < 85) {
            cases[i].kind = "inspection";
            gen_inspection(g, &cases[i], day);
        } else {
            cases[i].kind = "coercion";
            gen_coercion(g, &cases[i], day);
        }
    }
}

/* ---- the policy: policy/yunnan.json with its parent read from the same directory ---- */

static int read_sibling(void *ctx, const char *name, struct sx_buf *out, struct sx_err *err)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s.json", (const char *)ctx, name);
    return app_file_read(path, out, err);
}

static struct pol_policy *load_policy(const char *root)
{
    char dir[4096];
    struct sx_buf text;
    struct sx_err err;
    struct pol_loader loader;
    struct pol_policy *pol = NULL;
    snprintf(dir, sizeof(dir), "%s/policy", root);
    loader.read = read_sibling;
    loader.ctx = dir;
    sx_buf_init(&text, 1u << 20);
    if (read_sibling(dir, POLICY, &text, &err) != 0 ||
        pol_load(text.data, text.len, &loader, &pol, &err) != 0)
        die("policy/" POLICY ".json", &err);
    sx_buf_free(&text);
    return pol;
}

/* ---- the two measurements ---- */

struct tally {
    size_t deadlines;
    size_t by_state[4];
    size_t provisional;
    size_t bureau_overdue; /* overdue and not the party's: what the overdue dashboard lists */
};

static double run_engine(const struct dl_rules *rules, const struct cal_calendar *cal,
                         const struct bcase *cases, size_t n, int32_t today, struct tally *t)
{
    struct sx_arena arena;
    struct sx_err err;
    double t0;
    sx_arena_init(&arena, 64u << 10);
    memset(t, 0, sizeof(*t));
    t0 = now_s();
    for (size_t i = 0; i < n; i++) {
        struct dl_case c = {.kind = cases[i].kind,
                            .review_required = true,
                            .records = cases[i].recs,
                            .n_records = cases[i].n};
        struct dl_result res;
        sx_arena_reset(&arena);
        if (dl_compute(rules, cal, &c, today, &arena, &res, &err) != 0)
            die("dl_compute", &err);
        t->deadlines += res.n;
        for (size_t k = 0; k < res.n; k++) {
            t->by_state[res.items[k].state]++;
            t->provisional += res.items[k].provisional;
            t->bureau_overdue +=
                res.items[k].state == DL_OVERDUE && res.items[k].who != DL_ACT_PARTY;
        }
    }
    t0 = now_s() - t0;
    sx_arena_free(&arena);
    return t0;
}

/*
 * Context: the same, starting from the stored body text as the app layer
 * does (json_loads of each body the engine reads, then the engine).
 */
static double run_parse_engine(const struct dl_rules *rules, const struct cal_calendar *cal,
                               const struct bcase *cases, size_t n, char **texts,
                               const struct dl_record *base, int32_t today, size_t *deadlines)
{
    struct sx_arena arena;
    struct sx_err err;
    struct dl_record recs[MAX_RECS];
    json_t *bodies[MAX_RECS];
    double t0;
    sx_arena_init(&arena, 64u << 10);
    *deadlines = 0;
    t0 = now_s();
    for (size_t i = 0; i < n; i++) {
        size_t off = (size_t)(cases[i].recs - base);
        struct dl_case c = {.kind = cases[i].kind,
                            .review_required = true,
                            .records = recs,
                            .n_records = cases[i].n};
        struct dl_result res;
        for (size_t k = 0; k < cases[i].n; k++) {
            recs[k] = cases[i].recs[k];
            bodies[k] = texts[off + k] != NULL ? json_loads(texts[off + k], 0, NULL) : NULL;
            recs[k].body = bodies[k];
        }
        sx_arena_reset(&arena);
        if (dl_compute(rules, cal, &c, today, &arena, &res, &err) != 0)
            die("dl_compute", &err);
        *deadlines += res.n;
        for (size_t k = 0; k < cases[i].n; k++)
            json_decref(bodies[k]);
    }
    t0 = now_s() - t0;
    sx_arena_free(&arena);
    return t0;
}

/* The floor: visit every row and sum its date (parsed from "at"), nothing else. */
static double run_bare(const struct bcase *cases, size_t n, int64_t *sum)
{
    double t0 = now_s();
    int64_t s = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < cases[i].n; k++) {
            int32_t d = 0;
            if (cal_date_parse_n(cases[i].recs[k].at, 10, &d, NULL) == 0)
                s += d;
        }
    }
    *sum = s;
    return now_s() - t0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* ---- from the store ---- */

#define LOAD_BATCH 10000

/* A live state of each kind (the scans skip archived cases; the bench's cases are all open). */
static const char *live_state(const char *kind)
{
    if (strcmp(kind, "penalty") == 0)
        return "investigating";
    if (strcmp(kind, "coercion") == 0)
        return "decided";
    return "checking";
}

static int append_text(struct app_ctx *ctx, int64_t case_id, const struct dl_record *r,
                       const json_t *body, int64_t actor, struct sx_buf *canon, struct sx_err *err)
{
    int rc;
    sx_buf_reset(canon);
    rc = canon_json(body, canon, err);
    if (rc != 0)
        return rc;
    struct st_record_new in = {.case_id = case_id,
                               .type = r->type,
                               .action = r->action,
                               .at = r->at,
                               .recorded_at = r->at,
                               .actor_id = actor,
                               .body = canon->data};
    return st_record_append(ctx->db, &in, ctx->arena, NULL, err);
}

/* Write the cases into the store (one org on the Yunnan preset); sets *org_id. */
static int load_store(struct app_ctx *ctx, const struct bcase *cases, size_t n, int64_t *org_id,
                      int64_t *first_case, int64_t *last_case, struct sx_err *err)
{
    struct sx_buf canon;
    int64_t officer = 0;
    size_t in_tx = 0;
    json_t *empty = json_object();
    struct st_org org = {.code = "DLBENCH",
                         .name = "期限基准测试市医疗保障局",
                         .short_name = "期",
                         .level = "province",
                         .policy = POLICY};
    struct st_user u = {.username = "dlbench_o1",
                        .display_name = "期限甲",
                        .roles = "officer",
                        .cert_no = "DLB0000001",
                        .cert_valid_from = "2000-01-01",
                        .cert_valid_to = "2099-12-31"};
    int rc = app_org_create(ctx, NULL, &org, org_id, err);
    sx_buf_init(&canon, 1u << 20);
    if (rc == 0) {
        u.org_id = *org_id;
        rc = app_user_create(ctx, NULL, &u, "dlbench-pass-2026", &officer, err);
    }
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const struct bcase *c = &cases[i];
        bool major = strcmp(c->kind, "inspection") != 0;
        int64_t case_id = 0;
        if (in_tx == 0)
            rc = st_begin(ctx->db, err);
        struct st_case sc = {.org_id = *org_id,
                             .kind = c->kind,
                             .state = live_state(c->kind),
                             .source = "report",
                             .cause = "虚构医疗服务骗取医保基金",
                             .flags = major ? "{\"categories\":[\"social_risk\"]}" : NULL,
                             .created_at = c->recs[0].at,
                             .created_by = officer};
        if (rc == 0)
            rc = st_case_insert(ctx->db, &sc, &case_id, err);
        struct st_party p = {.case_id = case_id,
                             .kind = "org",
                             .name = "某某医院有限公司",
                             .uscc = "91350100M000100Y43",
                             .legal_rep = "赵六"};
        if (rc == 0)
            rc = st_party_insert(ctx->db, &p, &p.id, err);
        for (size_t k = 0; rc == 0 && k < c->n; k++) {
            const struct dl_record *r = &c->recs[k];
            json_t *body = NULL;
            if (strcmp(r->action, "open") == 0)
                body = json_pack("{ss sI ss ss s[{ss ss ss ss}]}", "kind", c->kind, "org_id",
                                 (json_int_t)*org_id, "source", "report", "cause", sc.cause,
                                 "parties", "kind", "org", "name", p.name, "uscc", p.uscc,
                                 "legal_rep", p.legal_rep);
            rc = append_text(ctx, case_id, r,
                             body != NULL ? body : (r->body != NULL ? r->body : empty), officer,
                             &canon, err);
            json_decref(body);
            in_tx++;
        }
        if (i == 0)
            *first_case = case_id;
        *last_case = case_id;
        if (rc == 0 && (in_tx >= LOAD_BATCH || i + 1 == n)) {
            rc = st_commit(ctx->db, err);
            in_tx = 0;
        }
        sx_arena_reset(ctx->arena);
    }
    if (rc != 0)
        (void)st_rollback(ctx->db, NULL);
    json_decref(empty);
    sx_buf_free(&canon);
    return rc;
}

struct bare_sum {
    int64_t rows;
    int64_t sum;
};

static int bare_row(void *ctx, const struct st_record *rec, struct sx_err *err)
{
    struct bare_sum *b = ctx;
    int32_t d = 0;
    (void)err;
    if (cal_date_parse_n(rec->at, 10, &d, NULL) == 0)
        b->sum += d;
    b->rows++;
    return 0;
}

static void store_bench(const char *root, const char *url, const struct bcase *cases, size_t n,
                        size_t n_recs, int runs)
{
    struct app *app = NULL;
    struct app_ctx ctx;
    struct sx_err err;
    int64_t org_id = 0, first = 0, last = 0;
    double td[RUNS_MAX], tb[RUNS_MAX], t0;
    const char *backend;
    char *types = NULL;
    memset(&ctx, 0, sizeof(ctx));
    sx_err_clear(&err);
    if (app_open(root, &app, &err) != 0 || app_ctx_open(app, url, &ctx, &err) != 0 ||
        st_schema_check(ctx.db, &err) != 0)
        die(url, &err);
    backend = st_backend(ctx.db);
    {
        /* the bare scan reads what the dashboard reads: the rows of the engine's types */
        json_t *a = json_array();
        for (size_t i = 0; dl_record_type_at(i) != NULL; i++)
            json_array_append_new(a, json_string(dl_record_type_at(i)));
        types = json_dumps(a, JSON_COMPACT);
        json_decref(a);
    }
    t0 = now_s();
    {
        /* a store this program loaded before (same CASES) is measured again as it is */
        struct st_org org;
        struct sx_err ignored;
        if (st_org_get_by_code(ctx.db, "DLBENCH", ctx.arena, &org, &ignored) == 0) {
            org_id = org.id;
            first = 0;
            last = INT64_MAX;
            printf("store %s: reusing the cases loaded before\n", backend);
        } else {
            if (load_store(&ctx, cases, n, &org_id, &first, &last, &err) != 0)
                die("loading the store", &err);
            printf("store %s: %zu cases, %zu records written in %.1f s (not timed)\n", backend, n,
                   n_recs, now_s() - t0);
        }
    }
    for (int r = 0; r < runs; r++) {
        struct app_deadline_list list;
        struct bare_sum b = {0, 0};
        sx_arena_reset(ctx.arena);
        t0 = now_s();
        if (st_begin_read(ctx.db, &err) != 0 ||
            st_record_scan_brief(ctx.db, first, last, types, bare_row, &b, &err) != 0)
            die("bare record scan", &err);
        (void)st_rollback(ctx.db, NULL);
        tb[r] = now_s() - t0;
        t0 = now_s();
        if (app_deadline_overdue(&ctx, &org_id, 1, TODAY, &list, &err) != 0)
            die("app_deadline_overdue", &err);
        td[r] = now_s() - t0;
        printf("store %s run %d: overdue dashboard %.3f s (%zu cases scanned, %zu overdue items "
               "kept%s), bare record scan %.3f s (%" PRId64 " rows, date sum %" PRId64 ")\n",
               backend, r + 1, td[r], list.cases_scanned, list.n,
               list.truncated ? ", list capped" : "", tb[r], b.rows, b.sum);
    }
    {
        /* context: every record row with every column, as st_record_scan reads them */
        struct bare_sum b = {0, 0};
        t0 = now_s();
        if (st_begin_read(ctx.db, &err) != 0 ||
            st_record_scan(ctx.db, first, last, bare_row, &b, &err) != 0)
            die("record scan", &err);
        (void)st_rollback(ctx.db, NULL);
        printf("store %s (context): st_record_scan of all %" PRId64 " rows, all columns: %.3f s\n",
               backend, b.rows, now_s() - t0);
    }
    qsort(td, (size_t)runs, sizeof(td[0]), cmp_double);
    qsort(tb, (size_t)runs, sizeof(tb[0]), cmp_double);
    printf("store %s: dashboard %.3f s, bare record scan %.3f s, ratio %.1f, %.2f µs per case, "
           "goal < 1 s: %s\n",
           backend, td[runs / 2], tb[runs / 2],
           tb[runs / 2] > 0 ? td[runs / 2] / tb[runs / 2] : 0.0, td[runs / 2] * 1e6 / (double)n,
           td[runs / 2] < 1.0 ? "yes" : "no");
    free(types);
    app_ctx_close(&ctx);
    app_close(app);
}

int main(int argc, char **argv)
{
    const char *root = getenv("SANXIANG_ROOT");
    size_t n = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 100000;
    int runs = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 3;
    char path[4096];
    struct cal_calendar *cal;
    struct pol_policy *pol;
    struct dl_rules rules;
    struct sx_err err;
    struct gen g;
    struct bcase *cases;
    struct tally t;
    double te[RUNS_MAX], tb[RUNS_MAX], gen_s;
    int64_t sum = 0;

    if (root == NULL || root[0] == '\0')
        root = ".";
    if (n == 0 || n > 10000000 || runs < 1 || runs > RUNS_MAX) {
        fprintf(stderr, "usage: deadline_bench [CASES=100000] [RUNS=3] (RUNS <= %d)\n", RUNS_MAX);
        return 2;
    }
    cal = cal_calendar_new();
    snprintf(path, sizeof(path), "%s/data/calendar", root);
    if (cal == NULL || app_calendar_load_dir(cal, path, &err) != 0)
        die(path, &err);
    pol = load_policy(root);
    if (dl_rules_from_policy(pol, &rules, &err) != 0)
        die("rules", &err);

    memset(&g, 0, sizeof(g));
    g.rng = 0x5A4E5849414E47ULL; /* "SANXIANG" */
    if (cal_date_parse(TODAY, &g.today, &err) != 0 ||
        cal_date_parse("2025-01-02", &g.first_day, &err) != 0)
        die("dates", &err);
    g.cap_recs = n * MAX_RECS;
    g.cap_bodies = n * MAX_RECS;
    g.recs = calloc(g.cap_recs, sizeof(*g.recs));
    g.ats = calloc(g.cap_recs, sizeof(*g.ats));
    g.bodies = calloc(g.cap_bodies, sizeof(*g.bodies));
    cases = calloc(n, sizeof(*cases));
    if (g.recs == NULL || g.ats == NULL || g.bodies == NULL || cases == NULL) {
        fprintf(stderr, "deadline_bench: out of memory\n");
        return 1;
    }
    gen_s = now_s();
    gen_cases(&g, cases, n);
    gen_s = now_s() - gen_s;
    printf("deadline_bench: %zu cases, %zu records (%zu parsed bodies), policy %s, today %s; "
           "built in %.2f s (not timed)\n",
           n, g.n_recs, g.n_bodies, POLICY, TODAY, gen_s);

    for (int r = 0; r < runs; r++) {
        tb[r] = run_bare(cases, n, &sum);
        te[r] = run_engine(&rules, cal, cases, n, g.today, &t);
        printf("run %d: engine %.3f s (%zu deadlines: %zu open, %zu met, %zu overdue, %zu lapsed; "
               "%zu provisional; %zu overdue for the bureau), bare loop %.4f s (date sum %" PRId64
               ")\n",
               r + 1, te[r], t.deadlines, t.by_state[DL_OPEN], t.by_state[DL_MET],
               t.by_state[DL_OVERDUE], t.by_state[DL_LAPSED], t.provisional, t.bureau_overdue,
               tb[r], sum);
    }
    {
        /* the bodies as the store holds them (canonical JSON text) */
        char **texts = calloc(g.n_recs, sizeof(*texts));
        size_t nd = 0;
        double tp;
        if (texts == NULL) {
            fprintf(stderr, "deadline_bench: out of memory\n");
            return 1;
        }
        for (size_t i = 0; i < g.n_recs; i++) {
            if (g.recs[i].body != NULL)
                texts[i] = json_dumps(g.recs[i].body, JSON_COMPACT | JSON_SORT_KEYS);
        }
        tp = run_parse_engine(&rules, cal, cases, n, texts, g.recs, g.today, &nd);
        printf("(context) parsing the stored body text + engine: %.3f s (%zu deadlines)\n", tp, nd);
        for (size_t i = 0; i < g.n_recs; i++)
            free(texts[i]);
        free(texts);
    }
    qsort(te, (size_t)runs, sizeof(te[0]), cmp_double);
    qsort(tb, (size_t)runs, sizeof(tb[0]), cmp_double);
    printf("engine %.3f s, bare loop %.4f s, ratio %.1f, %.2f µs per case, goal < 1 s: %s\n",
           te[runs / 2], tb[runs / 2], tb[runs / 2] > 0 ? te[runs / 2] / tb[runs / 2] : 0.0,
           te[runs / 2] * 1e6 / (double)n, te[runs / 2] < 1.0 ? "yes" : "no");

    for (int a = 3; a < argc; a++)
        store_bench(root, argv[a], cases, n, g.n_recs, runs);

    for (size_t i = 0; i < g.n_bodies; i++)
        json_decref(g.bodies[i]);
    free(g.bodies);
    free(g.ats);
    free(g.recs);
    free(cases);
    pol_free(pol);
    cal_calendar_free(cal);
    return 0;
}
