/*
 * pub_search_bench: portal search over 200,000 published results (issue 4's benchmark) on one
 * store — SQLite with its FTS5 trigram index, or PostgreSQL with its pg_trgm GIN index — through
 * st_pub_search, the query GET /api/v1/portal/results runs. Figure: p50/p99/max latency of a
 * mix of portal queries (page of 20, newest first); ceiling: st_pub_get of a random item by
 * primary key on the same connection in the same run (the cheapest read that returns a row).
 *
 * The items are synthetic but shaped like real summaries (云南 附件1 第九条): title, party
 * (an organisation or a masked person), case and decision numbers, authority, facts from a few
 * dozen templates with random amounts, dates and places, legal basis and decision. Filling the
 * store is timed separately and not part of the figure.
 *
 * Queries (each run QUERY_RUNS times, shuffled): common words (a third of all items match),
 * rare ones (a few items), a unique decision number, a word that matches nothing, two-character
 * words (below the trigram length: a scan), and filters (org, date range, kind) with and
 * without text.
 *
 * Usage: pub_search_bench DB_URL [ITEMS=200000]
 *   DB_URL: a SQLite file path (created; must not exist) or postgresql://... (an empty
 *   database). The data directory is $SANXIANG_ROOT or ".".
 * Prints a table and a final line "p99 <ms> ms, ceiling p99 <ms> ms".
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store.h"
#include "sx_arena.h"
#include "sx_buf.h"

#define QUERY_RUNS 30
#define BATCH 5000

static uint64_t rng_state = 0x2545F4914F6CDD1Dull;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

#define PICK(a) (a[rnd() % (sizeof(a) / sizeof(a[0]))])

static const char *const cities[] = {"昆明", "曲靖", "玉溪", "保山",
                                     "昭通", "丽江", "普洱", "临沧"};
static const char *const words[] = {"长青", "仁和", "同心", "康宁", "永和", "瑞祥",
                                    "惠民", "福康", "安泰", "济世", "博爱", "德仁"};
static const char *const types[] = {"骨科医院有限公司", "大药房",           "诊所",  "中医医院",
                                    "口腔门诊部",       "医药连锁有限公司", "卫生院"};
static const char *const surnames[] = {"张", "王", "李", "赵", "刘", "陈", "杨", "黄", "欧阳"};
static const char *const facts[] = {
    "虚构医疗服务，伪造医疗文书和票据，骗取医保基金",
    "分解住院、挂床住院，将不属于医保基金支付范围的费用纳入结算",
    "串换药品、医用耗材、诊疗项目和服务设施",
    "重复收费、超标准收费、分解项目收费",
    "为参保人员利用其享受医疗保障待遇的机会转卖药品提供便利",
    "使用他人医疗保障凭证冒名就医、购药",
    "未按照规定保管财务账目、会计凭证、处方、病历、治疗检查记录",
    "诱导、协助他人冒名或者虚假就医、购药",
};
static const char *const bases[] = {
    "《医疗保障基金使用监督管理条例》第三十八条",
    "《医疗保障基金使用监督管理条例》第四十条第一款",
    "《医疗保障基金使用监督管理条例》第四十一条第一款",
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void die(const char *what, const struct sx_err *err)
{
    fprintf(stderr, "pub_search_bench: %s: %s: %s\n", what, err->title, err->detail);
    exit(1);
}

struct query {
    const char *label;
    struct st_pub_query q;
    size_t rows; /* of the first run */
    double p50, p99;
};

int main(int argc, char **argv)
{
    const char *url = argc > 1 ? argv[1] : NULL;
    long items = argc > 2 ? strtol(argv[2], NULL, 10) : 200000;
    struct st_db *db = NULL;
    struct sx_err err;
    struct sx_arena a;
    int64_t org_ids[8] = {0}, user_id = 0, case_id = 0;
    char rare_no[64] = "";
    double t0, t_fill;
    if (url == NULL || items < 1000) {
        fprintf(stderr, "usage: pub_search_bench DB_URL [ITEMS=200000] (ITEMS >= 1000)\n");
        return 2;
    }
    sx_arena_init(&a, 1u << 20);
    if (st_open(url, &db, &err) != 0 || st_migrate(db, NULL, &err) != 0)
        die("open", &err);

    /* orgs, one user, one case for the items to hang on */
    if (st_begin(db, &err) != 0)
        die("begin", &err);
    for (int i = 0; i < 8; i++) {
        char code[16], name[64], shortn[16];
        snprintf(code, sizeof(code), "B%02d", i);
        snprintf(name, sizeof(name), "%s市医疗保障局", cities[i]);
        snprintf(shortn, sizeof(shortn), "%s", cities[i]);
        struct st_org o = {.code = code,
                           .name = name,
                           .short_name = shortn,
                           .level = "city",
                           .created_at = "2026-01-01T00:00:00Z"};
        if (st_org_insert(db, &o, &org_ids[i], &err) != 0)
            die("org", &err);
    }
    struct st_user u = {.org_id = org_ids[0],
                        .username = "bench",
                        .display_name = "基准",
                        .password_hash = "x",
                        .roles = "publisher",
                        .created_at = "2026-01-01T00:00:00Z"};
    struct st_case c = {.org_id = org_ids[0],
                        .kind = "penalty",
                        .state = "decided",
                        .created_at = "2026-01-01T00:00:00Z"};
    if (st_user_insert(db, &u, &user_id, &err) != 0)
        die("user", &err);
    c.created_by = user_id;
    if (st_case_insert(db, &c, &case_id, &err) != 0 || st_commit(db, &err) != 0)
        die("case", &err);

    /* the items, BATCH per transaction */
    struct sx_buf text, title, number, search;
    sx_buf_init(&text, 1u << 16);
    sx_buf_init(&title, 4096);
    sx_buf_init(&number, 256);
    sx_buf_init(&search, 1u << 16);
    size_t bytes = 0;
    t0 = now_s();
    for (long i = 1; i <= items; i++) {
        if ((i - 1) % BATCH == 0 && st_begin(db, &err) != 0)
            die("begin", &err);
        int org = (int)(rnd() % 8);
        char party[128], date[32], pub[32];
        int month = 1 + (int)(rnd() % 12), day = 1 + (int)(rnd() % 28);
        if (rnd() % 3 == 0)
            snprintf(party, sizeof(party), "%s某", PICK(surnames));
        else
            snprintf(party, sizeof(party), "%s%s%s", cities[org], PICK(words), PICK(types));
        snprintf(date, sizeof(date), "%d-%02d-%02d", 2024 + (int)(i * 3 / items), month, day);
        snprintf(pub, sizeof(pub), "%.8s%02d", date, day < 21 ? day + 7 : day);
        sx_buf_reset(&text);
        sx_buf_reset(&title);
        sx_buf_reset(&number);
        sx_buf_reset(&search);
        /* one item in 5,000 carries a rare phrase */
        const char *rare = i % 5000 == 17 ? "涉及罕见的异地就医结算漏洞" : "";
        if (sx_buf_printf(&number, "%s医保罚〔%.4s〕%ld号", cities[org], date, i) != 0 ||
            sx_buf_printf(&title, "%s行政处罚决定（%s）", party, number.data) != 0 ||
            sx_buf_printf(&text,
                          "公示类别：行政处罚决定\n决定书文号：%s\n案件名称：%s涉嫌%s\n当事人：%s\n"
                          "主要违法事实：经查，当事人在%s期间%s%s，涉及金额%d.%02d元。\n"
                          "法律依据：%s\n处理决定：责令退回医保基金%d元，并处罚款%d元\n"
                          "作出决定机关：%s市医疗保障局\n决定日期：%s\n",
                          number.data, party, PICK(facts), party, date, PICK(facts), rare,
                          (int)(rnd() % 1000000), (int)(rnd() % 100), PICK(bases),
                          (int)(rnd() % 500000), (int)(rnd() % 1000000), cities[org], date) != 0 ||
            sx_buf_printf(&search, "%s\n%s\n%s\n%s\n%s市医疗保障局\n%s", title.data, party,
                          number.data, number.data, cities[org], text.data) != 0) {
            fprintf(stderr, "pub_search_bench: text too long\n");
            return 1;
        }
        if (i == items / 2)
            snprintf(rare_no, sizeof(rare_no), "%s", number.data);
        bytes += search.len;
        struct st_pub_item it = {.case_id = case_id,
                                 .org_id = org_ids[org],
                                 .case_kind = i % 7 == 0 ? "coercion" : "penalty",
                                 .decision_record_id = i,
                                 .decision_no = number.data,
                                 .case_number = number.data,
                                 .decided_on = date,
                                 .deadline_key = "publish_penalty",
                                 .due_on = pub,
                                 .state = "pending",
                                 .party_label = party,
                                 .created_at = "2026-01-01T00:00:00Z",
                                 .updated_at = "2026-01-01T00:00:00Z"};
        if (st_pub_insert(db, &it, &it.id, &err) != 0)
            die("insert", &err);
        it.state = "published";
        it.form = "summary";
        it.title = title.data;
        it.published_text = text.data;
        it.published_on = pub;
        it.search_text = search.data;
        if (st_pub_update(db, &it, &err) != 0)
            die("update", &err);
        if (i % BATCH == 0 || i == items) {
            if (st_commit(db, &err) != 0)
                die("commit", &err);
        }
    }
    t_fill = now_s() - t0;
    printf("store: %s; %ld published items, %.1f MB of searchable text, filled in %.1f s\n",
           st_backend(db), items, (double)bytes / 1048576.0, t_fill);

    struct query qs[] = {
        {"common phrase (≈1/3 of items): 虚构医疗服务", {.q = "虚构医疗服务"}, 0, 0, 0},
        {"common: 骨科医院", {.q = "骨科医院"}, 0, 0, 0},
        {"party fragment: 长青大药房", {.q = "长青大药房"}, 0, 0, 0},
        {"rare phrase (1 in 5,000): 异地就医结算漏洞", {.q = "异地就医结算漏洞"}, 0, 0, 0},
        {"one decision number", {.q = rare_no}, 0, 0, 0},
        {"no match: 不存在的词语", {.q = "不存在的词语"}, 0, 0, 0},
        {"two characters (scan): 药房", {.q = "药房"}, 0, 0, 0},
        {"two characters, rare (scan): 漏洞", {.q = "漏洞"}, 0, 0, 0},
        {"org filter", {.org_id = org_ids[3]}, 0, 0, 0},
        {"org + date range",
         {.org_id = org_ids[5], .from = "2025-03-01", .to = "2025-03-31"},
         0,
         0,
         0},
        {"text + org + kind", {.q = "串换药品", .org_id = org_ids[2], .kind = "coercion"}, 0, 0, 0},
        {"no filter (newest page)", {.q = NULL}, 0, 0, 0},
    };
    size_t nq = sizeof(qs) / sizeof(qs[0]);
    size_t total = nq * QUERY_RUNS;
    double *all = calloc(total, sizeof(double));
    double *per = calloc(QUERY_RUNS, sizeof(double));
    double *pk = calloc(total, sizeof(double));
    size_t *order = calloc(total, sizeof(size_t));
    double(*lat)[QUERY_RUNS] = calloc(nq, sizeof(*lat));
    int *seen = calloc(nq, sizeof(int));
    if (all == NULL || per == NULL || pk == NULL || order == NULL || lat == NULL || seen == NULL)
        return 1;
    for (size_t i = 0; i < total; i++)
        order[i] = i % nq;
    for (size_t i = total - 1; i > 0; i--) { /* shuffle: no query runs twice in a row warm */
        size_t j = rnd() % (i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (size_t k = 0; k < total; k++) {
        struct query *q = &qs[order[k]];
        struct st_pub_item *out = NULL;
        size_t n = 0;
        int more = 0;
        q->q.limit = 20;
        sx_arena_reset(&a);
        t0 = now_s();
        if (st_pub_search(db, &q->q, &a, &out, &n, &more, &err) != 0)
            die(q->label, &err);
        double t = now_s() - t0;
        all[k] = t;
        lat[order[k]][seen[order[k]]++] = t;
        if (seen[order[k]] == 1)
            q->rows = n;
        /* the ceiling, interleaved: a primary-key read of a random item */
        struct st_pub_item one;
        int64_t id = 1 + (int64_t)(rnd() % (uint64_t)items);
        sx_arena_reset(&a);
        t0 = now_s();
        if (st_pub_get(db, id, &a, &one, &err) != 0)
            die("get", &err);
        pk[k] = now_s() - t0;
    }
    printf("\n| query | rows (page of 20) | p50 ms | p99 ms |\n|---|---|---|---|\n");
    for (size_t i = 0; i < nq; i++) {
        memcpy(per, lat[i], sizeof(lat[i]));
        qsort(per, QUERY_RUNS, sizeof(double), cmp_d);
        qs[i].p50 = per[QUERY_RUNS / 2] * 1e3;
        qs[i].p99 = per[(QUERY_RUNS * 99 + 99) / 100 - 1] * 1e3;
        printf("| %s | %zu | %.2f | %.2f |\n", qs[i].label, qs[i].rows, qs[i].p50, qs[i].p99);
    }
    qsort(all, total, sizeof(double), cmp_d);
    qsort(pk, total, sizeof(double), cmp_d);
    size_t i99 = (total * 99 + 99) / 100 - 1;
    printf("\nall %zu queries: p50 %.2f ms, p99 %.2f ms, max %.2f ms; "
           "ceiling (primary-key read) p50 %.3f ms, p99 %.3f ms\n",
           total, all[total / 2] * 1e3, all[i99] * 1e3, all[total - 1] * 1e3, pk[total / 2] * 1e3,
           pk[i99] * 1e3);
    printf("p99 %.2f ms, ceiling p99 %.3f ms\n", all[i99] * 1e3, pk[i99] * 1e3);
    free(all);
    free(per);
    free(pk);
    free(order);
    free(lat);
    free(seen);
    sx_buf_free(&text);
    sx_buf_free(&title);
    sx_buf_free(&number);
    sx_buf_free(&search);
    sx_arena_free(&a);
    st_close(db);
    return 0;
}
