/*
 * doc_bench: enforcement-document PDFs rendered per second (issue 5, benchmark 3rd line).
 *
 * For 行政处罚决定书 (2 pages) and 询问笔录 (a long transcript, 4-5 pages) filled from a
 * realistic model, it measures on T threads for S seconds each:
 *   issue  = tpl_fill + rd_pdf + SM3 of the bytes + SM2 signature: everything issuing a
 *            document costs except the database (number, blob and record: one transaction);
 *   render = rd_pdf alone on the already-filled blocks: the ceiling, cairo + pango layout;
 * and prints docs/s, the ratio issue/render, and the PDF size.
 *
 *   doc_bench ROOT [SECONDS] [THREADS] [OUTDIR]   (OUTDIR: also write KEY.pdf there)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/files.h"
#include "core/catalog.h"
#include "core/tpl.h"
#include "ledger/crypto.h"
#include "render/pdf.h"
#include "sx_arena.h"
#include "sx_buf.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *repeat(const char *unit, int n)
{
    size_t len = strlen(unit);
    char *s = malloc(len * (size_t)n + 1);
    for (int i = 0; i < n; i++)
        memcpy(s + len * (size_t)i, unit, len);
    s[len * (size_t)n] = '\0';
    return s;
}

static json_t *model(void)
{
    char *facts = repeat("经查，当事人于2026年1月至6月期间，通过虚构医疗服务项目、伪造病历等方式，"
                         "向医保基金申报结算费用。",
                         6);
    char *content = repeat("问：请你介绍一下医院医保结算的基本情况。\n答：我院自2020年起为定点医疗"
                           "机构，医保结算由医保科负责，每月向医保经办机构申报。\n",
                           40);
    json_t *officers = json_pack("[{ss ss} {ss ss}]", "display_name", "张三", "cert_no", "53010001",
                                 "display_name", "李四", "cert_no", "53010002");
    json_t *m = json_pack(
        "{s{ss ss ss ss} s{ss ss ss} s{ss ss ss sI} s{ss ss ss} s[{ss ss ss}] s[{ss ss} {ss ss}]"
        " s{s{ss ss ss ss sb sI ss ss ss sI ss} s{sO ss ss ss ss ss sb sb ss sb}}}",
        "doc", "title", "行政处罚决定书", "number", "昆医保罚决〔2026〕12号", "date", "2026-11-29",
        "date_zh", "2026-11-29", "org", "name", "昆明市医疗保障局", "short_name", "昆", "phone",
        "0871-12345678", "case", "number", "昆医保罚〔2026〕7号", "cause",
        "虚构医疗服务骗取医保基金", "created_on", "2026-10-08", "fine_fen", (json_int_t)400000,
        "party", "name", "昆明某某医院有限公司", "uscc", "91350100M000100Y43", "legal_rep", "赵六",
        "parties", "name", "昆明某某医院有限公司", "uscc", "91350100M000100Y43", "legal_rep",
        "赵六", "officers", "display_name", "张三", "cert_no", "53010001", "display_name", "李四",
        "cert_no", "53010002", "record", "decision", "decision_no", "x", "decided_on", "2026-11-06",
        "facts", facts, "evidence", "1. 病历；2. 结算清单；3. 询问笔录。", "warning", 1, "fine_fen",
        (json_int_t)400000, "basis", "《医疗保障基金使用监督管理条例》第四十条", "discretion",
        "情节较重，依裁量基准从重。", "remedies",
        "如不服本决定，可在六十日内申请行政复议，或者在六个月内提起行政诉讼。", "payment_days",
        (json_int_t)15, "other_penalty", "", "inquiry_transcript", "officers", officers,
        "started_at", "2026-11-03T01:00:00Z", "ended_at", "2026-11-03T03:00:00Z", "place",
        "医院会议室", "interviewee_name", "赵六", "interviewee_role", "legal_rep",
        "credentials_shown", 1, "rights_told", 1, "content", content, "party_signed", 1);
    json_decref(officers);
    free(facts);
    free(content);
    return m;
}

struct job {
    const struct tpl_template *t;
    const json_t *model;
    const struct lg_sm2_key *key;
    int full;        /* 1: fill + render + hash + sign; 0: render only */
    const char *out; /* write the last PDF here, or NULL */
    double seconds;
    long done;
    size_t bytes;
};

static const struct rd_meta meta = {"行政处罚决定书", "昆明市医疗保障局", "昆医保罚〔2026〕7号",
                                    "2026-11-29T08:00:00Z"};

static void *worker(void *arg)
{
    struct job *j = arg;
    struct sx_arena arena;
    struct sx_err err;
    struct tpl_doc doc;
    sx_arena_init(&arena, 64 * 1024);
    if (tpl_fill(j->t, j->model, &arena, &doc, &err) != 0) {
        fprintf(stderr, "fill: %s\n", err.detail);
        exit(1);
    }
    double end = now_s() + j->seconds;
    while (now_s() < end) {
        struct sx_buf pdf;
        sx_buf_init(&pdf, 32u << 20);
        if (j->full) {
            sx_arena_reset(&arena);
            if (tpl_fill(j->t, j->model, &arena, &doc, &err) != 0)
                exit(1);
        }
        if (rd_pdf(&doc, &meta, &pdf, &err) != 0) {
            fprintf(stderr, "render: %s\n", err.detail);
            exit(1);
        }
        if (j->full) {
            uint8_t h[LG_SM3_LEN], sig[LG_SM2_SIG_MAX];
            size_t sig_len = 0;
            if (lg_sm3(pdf.data, pdf.len, h, &err) != 0 ||
                lg_sm2_sign(j->key, pdf.data, pdf.len, sig, &sig_len, &err) != 0)
                exit(1);
        }
        j->bytes = pdf.len;
        if (j->out != NULL) {
            FILE *f = fopen(j->out, "wb");
            if (f != NULL) {
                fwrite(pdf.data, 1, pdf.len, f);
                fclose(f);
            }
        }
        sx_buf_free(&pdf);
        j->done++;
    }
    sx_arena_free(&arena);
    return NULL;
}

static double run(const struct tpl_template *t, const json_t *m, const struct lg_sm2_key *key,
                  int full, double seconds, int threads, size_t *bytes, const char *out)
{
    pthread_t th[16];
    struct job jobs[16];
    double start = now_s();
    for (int i = 0; i < threads; i++) {
        jobs[i] = (struct job){t, m, key, full, i == 0 ? out : NULL, seconds, 0, 0};
        pthread_create(&th[i], NULL, worker, &jobs[i]);
    }
    long total = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(th[i], NULL);
        total += jobs[i].done;
    }
    *bytes = jobs[0].bytes;
    return (double)total / (now_s() - start);
}

static struct tpl_template *load(const char *root, const struct cat_catalog *cat, const char *key)
{
    char path[4096];
    struct sx_buf text;
    struct sx_err err;
    struct tpl_template *t = NULL;
    sx_buf_init(&text, TPL_TEXT_MAX + 1);
    snprintf(path, sizeof(path), "%s/data/templates/%s.tpl", root, key);
    if (app_file_read(path, &text, &err) != 0 ||
        tpl_load(cat, key, text.data, text.len, &t, &err) != 0) {
        fprintf(stderr, "%s: %s\n", path, err.detail);
        exit(1);
    }
    sx_buf_free(&text);
    return t;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: doc_bench ROOT [SECONDS] [THREADS]\n");
        return 2;
    }
    const char *root = argv[1];
    double seconds = argc > 2 ? atof(argv[2]) : 5.0;
    int threads = argc > 3 ? atoi(argv[3]) : 2;
    if (threads < 1 || threads > 16)
        threads = 2;
    char path[4096];
    struct sx_buf text;
    struct sx_err err;
    struct cat_catalog *cat = NULL;
    struct lg_sm2_key *key = NULL;
    sx_buf_init(&text, CAT_TEXT_MAX + 1);
    snprintf(path, sizeof(path), "%s/data/records/catalog.json", root);
    if (app_file_read(path, &text, &err) != 0 || cat_load(text.data, text.len, &cat, &err) != 0 ||
        lg_sm2_key_generate(&key, &err) != 0) {
        fprintf(stderr, "%s\n", err.detail);
        return 1;
    }
    sx_buf_free(&text);
    json_t *m = model();
    const char *keys[] = {"penalty_decision", "inquiry_transcript"};
    printf("| document | threads | issue docs/s (fill+PDF+SM3+SM2) | render docs/s (PDF only) | "
           "ratio | PDF bytes |\n|---|---|---|---|---|---|\n");
    for (size_t k = 0; k < 2; k++) {
        struct tpl_template *t = load(root, cat, keys[k]);
        for (int th = 1; th <= threads; th *= 2) {
            size_t bytes = 0;
            char out[4200];
            snprintf(out, sizeof(out), "%s/%s.pdf", argc > 4 ? argv[4] : ".", keys[k]);
            double full = run(t, m, key, 1, seconds, th, &bytes, argc > 4 ? out : NULL);
            double bare = run(t, m, key, 0, seconds, th, &bytes, NULL);
            printf("| %s | %d | %.1f | %.1f | %.0f %% | %zu |\n", keys[k], th, full, bare,
                   100.0 * full / bare, bytes);
            fflush(stdout);
        }
        tpl_free(t);
    }
    json_decref(m);
    lg_sm2_key_free(key);
    cat_free(cat);
    rd_shutdown();
    return 0;
}
