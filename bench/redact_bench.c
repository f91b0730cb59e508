/*
 * redact_bench: core/redact's throughput on 50 MB of synthetic penalty-decision text (issue 4's
 * benchmark), one core, beside a ceiling measured in the same run on the same bytes: a bare pass
 * that copies each document into an sx_buf and counts its UTF-8 characters (what any
 * character-level scan must at least do).
 *
 * The text is generated deterministically: decisions of ~3–5 KB in the style of 行政处罚决定书
 * (party block with name, ID number, address, mobile; facts with patients' names, amounts,
 * dates, bank card and account after a cue; law citations, document numbers, remedies), each
 * redacted on its own with its case's names (party and two patients, the legal representative
 * kept), as app/publicity.c does. Generation is not timed.
 *
 * Usage: redact_bench [MB=50] [RUNS=3]
 * Prints the figures and a final line:
 *   "redact <MB/s> MB/s, ceiling <MB/s> MB/s, ratio <x>"
 * (each figure the median of RUNS runs).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/ids.h"
#include "core/redact.h"
#include "sx_buf.h"

#define RUNS_MAX 15
#define NAMES_PER_DOC 3

struct doc {
    size_t off, len;
    char names[NAMES_PER_DOC][32];
    char legal_rep[32];
};

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static const char *pick(const char *const *a, size_t n)
{
    return a[rnd() % n];
}

#define PICK(a) pick(a, sizeof(a) / sizeof(a[0]))

static const char *const surnames[] = {"张", "王", "李",   "赵",   "刘",   "陈", "杨", "黄",
                                       "周", "吴", "欧阳", "司马", "诸葛", "段", "普", "和"};
static const char *const given[] = {"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军",
                                    "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英"};
static const char *const places[] = {"五华区", "盘龙区", "官渡区", "西山区", "呈贡区", "红塔区"};
static const char *const orgs[] = {"昆明某某医院有限公司", "玉溪康宁大药房", "曲靖仁和诊所",
                                   "云南同心骨科医院", "昆明长青大药房连锁有限公司"};
static const char *const facts[] = {
    "经查，当事人在2024年7月至2025年1月期间，通过虚构医疗服务、伪造病历等方式，"
    "将不属于医保基金支付范围的费用纳入结算，造成医保基金损失。",
    "经查，当事人分解住院、挂床住院，串换药品、医用耗材、诊疗项目和服务设施，"
    "违反《医疗保障基金使用监督管理条例》有关规定。",
    "经查，当事人为参保人员利用其享受医疗保障待遇的机会转卖药品，接受返还现金、实物，"
    "获得其他非法利益提供便利。"};

static void name(char *out, size_t cap)
{
    snprintf(out, cap, "%s%s%s", PICK(surnames), PICK(given), rnd() % 2 ? PICK(given) : "");
}

static void put(struct sx_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct sx_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (sx_buf_vprintf(b, fmt, ap) != 0) {
        fprintf(stderr, "redact_bench: out of memory\n");
        exit(1);
    }
    va_end(ap);
}

/* One decision into b, its names into d. */
static void make_doc(struct sx_buf *b, struct doc *d, int seq)
{
    char id[IDS_BUFSZ];
    struct sx_err err;
    int32_t birth = 7000 + (int32_t)(rnd() % 12000); /* 1989–2022 */
    for (int i = 0; i < NAMES_PER_DOC; i++)
        name(d->names[i], sizeof(d->names[i]));
    name(d->legal_rep, sizeof(d->legal_rep));
    if (ids_resident_make("530102", birth, (int)(rnd() % 999), id, &err) != 0)
        snprintf(id, sizeof(id), "530102199001011234");
    d->off = b->len;
    put(b, "昆明市医疗保障局\n行政处罚决定书\n昆医保罚〔2026〕%d号\n\n", seq);
    put(b,
        "当事人：%s，性别：男，身份证号码：%s，住址：云南省昆明市%s青年路%d号%d栋%d室，"
        "联系电话：13%09d。\n",
        d->names[0], id, PICK(places), (int)(rnd() % 400), (int)(rnd() % 30), (int)(rnd() % 999),
        (int)(rnd() % 1000000000));
    put(b, "关联单位：%s，统一社会信用代码：91530100MA6K%06dX，法定代表人：%s。\n", PICK(orgs),
        (int)(rnd() % 1000000), d->legal_rep);
    for (int k = 0; k < 6; k++) {
        put(b,
            "%s其中，参保人%s于2025年%d月%d日在该院住院%d天，结算金额%d.%02d元；"
            "参保人%s同期门诊结算%d元。",
            PICK(facts), d->names[1], 1 + (int)(rnd() % 12), 1 + (int)(rnd() % 28),
            (int)(rnd() % 20), (int)(rnd() % 100000), (int)(rnd() % 100), d->names[2],
            (int)(rnd() % 5000));
        if (k == 2)
            put(b,
                "违法所得已转入当事人银行账户，开户行：中国农业银行昆明分行，账号：%012" PRIu64
                "。",
                (uint64_t)(rnd() % 1000000000000ull));
        if (k == 4)
            put(b, "当事人名下有存款%d万元，房产一套。", (int)(rnd() % 90));
        put(b, "\n");
    }
    put(b,
        "上述事实有询问笔录、现场检查笔录、医保结算明细、病历及票据等证据证实。\n"
        "本机关认为，当事人的行为违反了《医疗保障基金使用监督管理条例》第十九条、第二十条，"
        "依据该条例第四十条第一款，决定：责令退回医保基金%d.%02d元，并处罚款%d元。\n"
        "如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，"
        "或者自收到之日起六个月内依法向人民法院提起行政诉讼。\n"
        "监督电话：0871-12393；电子邮箱：jubao%d@example.cn\n昆明市医疗保障局\n2026年%d月%d日\n\n",
        (int)(rnd() % 100000), (int)(rnd() % 100), (int)(rnd() % 500000), seq,
        1 + (int)(rnd() % 12), 1 + (int)(rnd() % 28));
    d->len = b->len - d->off;
}

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

int main(int argc, char **argv)
{
    size_t mb = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 50;
    int runs = argc > 2 ? atoi(argv[2]) : 3;
    size_t want = mb << 20;
    struct sx_buf text, out;
    struct doc *docs = NULL;
    size_t n = 0, cap = 0;
    double t_red[RUNS_MAX], t_bare[RUNS_MAX];
    size_t removed[RED_KIND_COUNT] = {0};
    uint64_t chars = 0;
    struct red_report rep;
    struct sx_err err;

    if (runs < 1 || runs > RUNS_MAX || mb < 1) {
        fprintf(stderr, "usage: redact_bench [MB=50] [RUNS=3] (RUNS 1..%d)\n", RUNS_MAX);
        return 2;
    }
    sx_buf_init(&text, want + (1u << 20));
    while (text.len < want) {
        if (n == cap) {
            cap = cap * 2 + 1024;
            docs = realloc(docs, cap * sizeof(*docs));
            if (docs == NULL)
                return 1;
        }
        make_doc(&text, &docs[n], (int)n + 1);
        n++;
    }
    sx_buf_init(&out, 1u << 22);
    red_report_init(&rep);
    for (int r = 0; r < runs; r++) {
        double t0 = now_s();
        for (size_t i = 0; i < n; i++) {
            const char *persons[NAMES_PER_DOC + 1];
            for (int k = 0; k < NAMES_PER_DOC; k++)
                persons[k] = docs[i].names[k];
            struct red_options o = {
                .persons = persons, .n_persons = NAMES_PER_DOC, .legal_rep = docs[i].legal_rep};
            sx_buf_reset(&out);
            if (red_apply(text.data + docs[i].off, docs[i].len, &o, &out, &rep, &err) != 0) {
                fprintf(stderr, "redact_bench: document %zu: %s: %s\n", i, err.title, err.detail);
                return 1;
            }
            if (r == 0) {
                for (int k = 0; k < RED_KIND_COUNT; k++)
                    removed[k] += rep.count[k];
            }
        }
        t_red[r] = now_s() - t0;
        t0 = now_s();
        chars = 0;
        for (size_t i = 0; i < n; i++) {
            const unsigned char *p = (const unsigned char *)text.data + docs[i].off;
            sx_buf_reset(&out);
            if (sx_buf_append(&out, p, docs[i].len) != 0)
                return 1;
            for (size_t j = 0; j < docs[i].len; j++)
                chars += (out.data[j] & 0xC0) != 0x80;
        }
        t_bare[r] = now_s() - t0;
    }
    qsort(t_red, (size_t)runs, sizeof(double), cmp_d);
    qsort(t_bare, (size_t)runs, sizeof(double), cmp_d);
    double mbytes = (double)text.len / (1024.0 * 1024.0);
    double red = mbytes / t_red[runs / 2], bare = mbytes / t_bare[runs / 2];
    printf("text: %.1f MB, %zu decisions (%.0f bytes each), %" PRIu64 " characters\n", mbytes, n,
           (double)text.len / (double)n, chars);
    printf("removed per pass:");
    for (int k = 0; k < RED_KIND_COUNT; k++)
        printf(" %s %zu", red_kind_slug((enum red_kind)k), removed[k]);
    printf("\n");
    printf(
        "redact %.1f MB/s (%.3f s), ceiling %.1f MB/s (%.3f s, copy + UTF-8 count), ratio %.3f\n",
        red, t_red[runs / 2], bare, t_bare[runs / 2], red / bare);
    red_report_free(&rep);
    sx_buf_free(&out);
    sx_buf_free(&text);
    free(docs);
    return 0;
}
