/*
 * gen_records: fill a database with many realistic hash-chained records for
 * the `sanxiang verify` benchmark, far faster than the API could (the API
 * commits every record on its own and replays the case's history first).
 *
 * It creates one org and two officers through the app layer (as the CLI
 * operator), then cases and their records through the store's typed
 * functions: st_case_insert, st_party_insert, st_case_officer_add and
 * st_record_append, which computes each record's SM3 chain hash exactly as a
 * real append does. Every case opens with a case_opening record shaped like
 * the one app_case_create writes, followed by inquiry transcripts, evidence,
 * evidence requests and notes whose canonical bodies are 330–440 bytes
 * (about 370 on average, close to the demo data's 386).
 * Records go in in large transactions (BATCH per commit), case after case.
 *
 * Usage: gen_records DB_URL [RECORDS=1000000] [CASES=10000] [BATCH=10000]
 * DB_URL must have been initialised by `sanxiang init` (run.sh does that);
 * the data directory is $SANXIANG_ROOT or ".". Prints one summary line.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "app/app.h"
#include "app/identity.h"
#include "core/canon.h"
#include "store/store.h"

#define BODY_CAP (64u << 10)

struct gen {
    struct app_ctx *ctx;
    struct sx_buf canon;
    struct sx_arena tmp;
    int64_t officers[2];
    int64_t org_id;
    int64_t records;
    uint64_t body_bytes;
};

static const char *const items[] = {
    "阿莫西林胶囊",   "复方丹参滴丸",     "二甲双胍缓释片", "阿托伐他汀钙片",
    "硝苯地平控释片", "奥美拉唑肠溶胶囊", "头孢克肟分散片", "布洛芬缓释胶囊",
};
static const char *const places[] = {
    "市医疗保障局询问室",
    "当事人经营场所",
    "市医保基金监管中心",
    "区医疗保障分局办公室",
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Time stamp n minutes after 2026-01-05T01:00:00Z (stays in 2026 for n < 500,000). */
static void stamp(int64_t n, char out[32])
{
    time_t t = (time_t)1767574800 + (time_t)n * 60;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The body of the k-th (k >= 1) record of case c: four shapes in turn. */
static json_t *record_body(struct gen *g, int64_t c, int64_t k, const char **type,
                           const char **action)
{
    const char *item = items[(c + k) % 8];
    char date[32];
    char date2[32];
    stamp(c * 7 + k * 90, date);
    stamp(c * 7 + k * 90 + 60 * 24 * 7, date2);
    date[10] = '\0';
    date2[10] = '\0';
    switch (k % 4) {
    case 1:
        *type = "inquiry_transcript";
        *action = "inquire";
        return json_pack("{s[II] sb ss ss ss ss ss sb ss sb}", "officers",
                         (json_int_t)g->officers[0], (json_int_t)g->officers[1],
                         "credentials_shown", 1, "started_at", "2026-03-02T01:30:00Z", "ended_at",
                         "2026-03-02T02:45:00Z", "place", places[k % 4], "interviewee_name",
                         "李某某", "interviewee_role", "employee", "rights_told", 1, "content",
                         sx_arena_printf(&g->tmp,
                                         "问：你店第 %" PRId64 " 笔医保结算中的%s实际发放了多少？"
                                         "答：实际发放的是生活用品，按%s刷卡结算，共 %" PRId64
                                         " 盒。",
                                         k, item, item, k % 37 + 3),
                         "party_signed", 1);
    case 2:
        *type = "evidence";
        *action = "register_evidence";
        return json_pack(
            "{ss ss ss ss ss sI sb sb}", "kind", "documentary", "title",
            sx_arena_printf(&g->tmp, "%s进销存台账复印件（第 %" PRId64 " 册）", item, k),
            "provider", "基准市康泰大药房有限公司", "obtained_on", date, "proves",
            sx_arena_printf(&g->tmp,
                            "证明当事人 2026 年第三季度%s的购进数量少于医保结算数量，"
                            "差额部分系串换结算。",
                            item),
            "pages", (json_int_t)(k % 20 + 1), "is_copy", 1, "provider_confirmed", 1);
    case 3:
        *type = "evidence_request";
        *action = "request_evidence";
        return json_pack("{ss ss ss ss ss}", "notice_no",
                         sx_arena_printf(&g->tmp, "基医保调〔2026〕%" PRId64 "号", c * 100 + k),
                         "addressee", "基准市医疗保障信息中心", "materials",
                         sx_arena_printf(&g->tmp,
                                         "当事人 2026 年 7 月至 9 月%s的医保结算明细、"
                                         "处方及药师审核记录、进货发票和随货同行单，"
                                         "复印件须注明“与原件一致”并加盖公章。",
                                         item),
                         "issued_on", date, "deadline", date2);
    default:
        *type = "note";
        *action = "note";
        return json_pack(
            "{ss ss}", "title", "电话联系当事人", "content",
            sx_arena_printf(&g->tmp,
                            "执法人员电话联系当事人负责人，告知其于七个工作日内补充提交%s"
                            "的购进发票、随货同行单和销售小票，当事人表示配合（第 %" PRId64
                            " 次）。"
                            "执法人员同时告知其逾期不提交的法律后果，并记录通话时间和号码。",
                            item, k));
    }
}

/* Canonicalise body and append it as the next record of case_id. Steals body. */
static int append(struct gen *g, int64_t case_id, const char *type, const char *action,
                  int64_t minute, json_t *body, struct sx_err *err)
{
    char at[32];
    int rc;
    if (body == NULL)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", NULL, NULL, "record body");
    stamp(minute, at);
    sx_buf_reset(&g->canon);
    rc = canon_json(body, &g->canon, err);
    json_decref(body);
    if (rc != 0)
        return rc;
    struct st_record_new in = {
        .case_id = case_id,
        .type = type,
        .action = action,
        .at = at,
        .recorded_at = at,
        .actor_id = g->officers[0],
        .body = g->canon.data,
    };
    rc = st_record_append(g->ctx->db, &in, &g->tmp, NULL, err);
    if (rc == 0) {
        g->records++;
        g->body_bytes += g->canon.len;
    }
    return rc;
}

/* One case with its parties, officers and opening record. */
static int open_case(struct gen *g, int64_t i, int64_t *case_id, struct sx_err *err)
{
    char at[32];
    const char *cause = "涉嫌串换医保药品目录内药品骗取医保基金";
    const char *name = sx_arena_printf(&g->tmp, "基准市康泰大药房有限公司第%" PRId64 "分店", i);
    const char *address = sx_arena_printf(&g->tmp, "基准市东城区健康路 %" PRId64 " 号", i);
    int rc;
    stamp(i * 7, at);
    struct st_case c = {
        .org_id = g->org_id,
        .kind = "penalty",
        .number = sx_arena_printf(&g->tmp, "基医保罚〔2026〕%" PRId64 "号", i + 1),
        .number_year = 2026,
        .number_seq = i + 1,
        .state = "investigating",
        .source = "report",
        .cause = cause,
        .created_at = at,
        .created_by = g->officers[0],
    };
    rc = st_case_insert(g->ctx->db, &c, case_id, err);
    struct st_party p = {
        .case_id = *case_id,
        .kind = "org",
        .name = name,
        .uscc = "91110000600037341L",
        .legal_rep = "张某某",
        .address = address,
    };
    if (rc == 0)
        rc = st_party_insert(g->ctx->db, &p, &p.id, err);
    for (int k = 0; rc == 0 && k < 2; k++)
        rc = st_case_officer_add(g->ctx->db, *case_id, g->officers[k], err);
    if (rc != 0)
        return rc;
    json_t *body =
        json_pack("{ss sI ss ss s[{sI ss ss ss ss so so}] s[II]}", "kind", "penalty", "org_id",
                  (json_int_t)g->org_id, "source", "report", "cause", cause, "parties", "id",
                  (json_int_t)p.id, "kind", "org", "name", name, "uscc", p.uscc, "legal_rep",
                  p.legal_rep, "address", json_string(address), "phone", json_null(), "officers",
                  (json_int_t)g->officers[0], (json_int_t)g->officers[1]);
    return append(g, *case_id, "case_opening", "open", i * 7, body, err);
}

static int setup_people(struct gen *g, struct sx_err *err)
{
    struct st_org org = {
        .code = "GENBENCH",
        .name = "基准数据生成省医疗保障局",
        .short_name = "基",
        .level = "province",
    };
    int rc = app_org_create(g->ctx, NULL, &org, &g->org_id, err);
    for (int k = 0; rc == 0 && k < 2; k++) {
        struct st_user u = {
            .org_id = g->org_id,
            .username = k == 0 ? "gen_o1" : "gen_o2",
            .display_name = k == 0 ? "生成甲" : "生成乙",
            .roles = "officer",
            .cert_no = k == 0 ? "GEN0000001" : "GEN0000002",
            .cert_valid_from = "2000-01-01",
            .cert_valid_to = "2099-12-31",
        };
        rc = app_user_create(g->ctx, NULL, &u, "gen-pass-2026", &g->officers[k], err);
    }
    return rc;
}

static long arg_num(int argc, char **argv, int i, long def)
{
    return argc > i ? strtol(argv[i], NULL, 10) : def;
}

int main(int argc, char **argv)
{
    const char *root = getenv("SANXIANG_ROOT");
    long total = arg_num(argc, argv, 2, 1000000);
    long n_cases = arg_num(argc, argv, 3, 10000);
    long batch = arg_num(argc, argv, 4, 10000);
    struct app *app = NULL;
    struct app_ctx ctx;
    struct gen g;
    struct sx_err err;
    int64_t case_id = 0;
    long in_tx = 0;
    double t0 = now_s();
    int rc;

    if (argc < 2 || total < 1 || n_cases < 1 || n_cases > total || batch < 1) {
        fprintf(stderr, "usage: gen_records DB_URL [RECORDS=1000000] [CASES=10000] "
                        "[BATCH=10000]\n");
        return 2;
    }
    memset(&ctx, 0, sizeof(ctx));
    memset(&g, 0, sizeof(g));
    sx_err_clear(&err);
    sx_buf_init(&g.canon, BODY_CAP);
    sx_arena_init(&g.tmp, 64 << 10);
    g.ctx = &ctx;
    rc = app_open(root != NULL && root[0] != '\0' ? root : ".", &app, &err);
    if (rc == 0)
        rc = app_ctx_open(app, argv[1], &ctx, &err);
    if (rc == 0)
        rc = st_schema_check(ctx.db, &err);
    if (rc == 0)
        rc = setup_people(&g, &err);
    /* records per case: total / n_cases, the first (total % n_cases) cases one more */
    for (long c = 0; rc == 0 && c < n_cases; c++) {
        long per = total / n_cases + (c < total % n_cases ? 1 : 0);
        for (long k = 0; rc == 0 && k < per; k++) {
            if (in_tx == 0)
                rc = st_begin(ctx.db, &err);
            if (rc == 0 && k == 0) {
                rc = open_case(&g, c, &case_id, &err);
            } else if (rc == 0) {
                const char *type = NULL;
                const char *action = NULL;
                json_t *body = record_body(&g, c, k, &type, &action);
                rc = append(&g, case_id, type, action, c * 7 + k * 90, body, &err);
            }
            if (rc == 0 && ++in_tx == batch) {
                rc = st_commit(ctx.db, &err);
                in_tx = 0;
            }
            sx_arena_reset(&g.tmp);
        }
    }
    if (rc == 0 && in_tx > 0)
        rc = st_commit(ctx.db, &err);
    if (rc != 0) {
        (void)st_rollback(ctx.db, NULL);
        fprintf(stderr, "gen_records: %s: %s\n", err.title, err.detail);
    } else {
        double t = now_s() - t0;
        printf("gen_records: %" PRId64 " records in %ld cases, bodies %.0f bytes on average, "
               "%.1f s (%.0f records/s)\n",
               g.records, n_cases, (double)g.body_bytes / (double)g.records, t,
               (double)g.records / t);
    }
    if (ctx.db != NULL)
        app_ctx_close(&ctx);
    app_close(app);
    sx_arena_free(&g.tmp);
    sx_buf_free(&g.canon);
    return rc == 0 ? 0 : 1;
}
