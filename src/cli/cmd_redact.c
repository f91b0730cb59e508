/*
 * sanxiang redact: remove personal data from a document before its full text
 * is published (core/redact; 云南 附件1 第十条, 湖北 附件1 第十二条). Text on
 * stdin, redacted text on stdout, one summary line per kind on stderr. With
 * --check it is the publish gate instead: nothing is changed, every remaining
 * hit is listed and the exit code says whether the text may be published.
 *
 *   sanxiang redact [--person NAME]... [--legal-rep NAME] [--check]
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/redact.h"
#include "sx_buf.h"
#include "sx_err.h"

/* Input cap: far above any decision document, below memory trouble. */
#define REDACT_INPUT_MAX ((size_t)256 * 1024 * 1024)

static const char help[] =
    "用法: sanxiang redact [--person 姓名]... [--legal-rep 姓名] [--check] < 输入 > 输出\n"
    "\n"
    "公示行政执法决定书全文前去除个人信息（云南 附件1 第十条；湖北 附件1 第十二条）。\n"
    "从标准输入读 UTF-8 文本，处理后的文本写到标准输出，去除情况按类别写到标准错误输出，\n"
    "如“已去除 身份证号码 2 处”。\n"
    "\n"
    "去除: 案件中法定代表人以外的自然人姓名（改为“姓+某”，如 张三 → 张某），以及\n"
    "身份证号码、手机号码、固定电话、银行卡号、银行账号、电子邮箱、权属证书编号、住址、\n"
    "财产状况（改为“[身份证号码已隐去]”等标记，不保留任何数字）。\n"
    "保留: 单位名称、统一社会信用代码、法定代表人姓名、法律条文、金额、日期、文书编号。\n"
    "\n"
    "选项:\n"
    "  --person 姓名      案件中出现的自然人（当事人、证人、患者等），可重复\n"
    "  --legal-rep 姓名   法定代表人，其姓名保留\n"
    "  --check            只检查不修改（发布前检查）：在标准输出逐条列出仍含的个人信息\n"
    "                     （偏移字节、类别、打码后的摘录），有则退出码为 1\n"
    "  --help             显示本说明\n"
    "\n"
    "退出码: 0 成功（--check: 未发现个人信息），1 --check 发现个人信息，2 用法错误，\n"
    "3 输入不是有效的 UTF-8 或过大，4 读写失败。\n";

static int usage_error(const char *what, const char *arg)
{
    if (arg != NULL)
        fprintf(stderr, "sanxiang: redact: %s: %s\n", what, arg);
    else
        fprintf(stderr, "sanxiang: redact: %s\n", what);
    fprintf(stderr, "用 sanxiang redact --help 查看用法\n");
    return CLI_EXIT_USAGE;
}

/* "--name VALUE" or "--name=VALUE" at argv[*i]: 1 and *out set, 0 not this option, -1 no value. */
static int take(int argc, char **argv, int *i, const char *name, const char **out)
{
    size_t n = strlen(name);
    if (strcmp(argv[*i], name) == 0) {
        if (*i + 1 >= argc)
            return -1;
        *out = argv[++*i];
        return 1;
    }
    if (strncmp(argv[*i], name, n) == 0 && argv[*i][n] == '=') {
        *out = argv[*i] + n + 1;
        return 1;
    }
    return 0;
}

/* Read all of stdin into b. 0, SX_E_TOOBIG or SX_E_IO. */
static int read_stdin(struct sx_buf *b)
{
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
        int rc = sx_buf_append(b, chunk, n);
        if (rc != 0)
            return rc;
    }
    return ferror(stdin) ? SX_E_IO : 0;
}

static void print_summary(const struct red_report *r, const char *verb, const char *none)
{
    struct sx_buf s;
    sx_buf_init(&s, 1 << 16);
    if (r->n == 0)
        fprintf(stderr, "%s\n", none);
    else if (red_report_summary(r, verb, &s) == 0)
        fputs(s.data, stderr);
    sx_buf_free(&s);
}

int cli_redact(int argc, char **argv)
{
    const char *persons[RED_PERSONS_MAX];
    struct red_options opt = {persons, 0, NULL};
    struct red_report report;
    struct sx_buf in, out;
    struct sx_err err;
    bool check = false;
    int rc;

    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int t;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(help, stdout);
            return CLI_EXIT_OK;
        }
        if (strcmp(argv[i], "--check") == 0) {
            check = true;
            continue;
        }
        t = take(argc, argv, &i, "--person", &v);
        if (t < 0)
            return usage_error("--person 后缺少姓名", NULL);
        if (t == 1) {
            if (opt.n_persons == RED_PERSONS_MAX)
                return usage_error("--person 过多", v);
            persons[opt.n_persons++] = v;
            continue;
        }
        t = take(argc, argv, &i, "--legal-rep", &v);
        if (t < 0)
            return usage_error("--legal-rep 后缺少姓名", NULL);
        if (t == 1) {
            if (opt.legal_rep != NULL)
                return usage_error("--legal-rep 只能给一次", v);
            opt.legal_rep = v;
            continue;
        }
        return usage_error(argv[i][0] == '-' ? "未知的选项" : "多余的参数", argv[i]);
    }
    /* Names are arguments: a bad one is a usage error, found before reading input. */
    for (size_t k = 0; k <= opt.n_persons; k++) {
        const char *name = k < opt.n_persons ? persons[k] : opt.legal_rep;
        char mask[RED_REPL_MAX];
        if (name == NULL)
            continue;
        sx_err_clear(&err);
        if (red_person_mask(name, mask, &err) != 0)
            return usage_error(err.detail, name);
    }

    sx_buf_init(&in, REDACT_INPUT_MAX);
    sx_buf_init(&out, REDACT_INPUT_MAX * 4 + 4096);
    red_report_init(&report);
    sx_err_clear(&err);

    rc = read_stdin(&in);
    if (rc == SX_E_TOOBIG) {
        fprintf(stderr, "sanxiang: redact: 输入过大（上限 %zu MB）\n",
                REDACT_INPUT_MAX / (1024 * 1024));
        rc = CLI_EXIT_INPUT;
        goto cleanup;
    }
    if (rc != 0) {
        fprintf(stderr, "sanxiang: redact: 读取标准输入失败\n");
        rc = CLI_EXIT_STORE;
        goto cleanup;
    }

    if (check) {
        rc = red_scan(in.data, in.len, &opt, &report, &err);
        if (rc != 0 && rc != SX_E_GATE) {
            rc = cli_report(&err);
            goto cleanup;
        }
        for (size_t k = 0; k < report.n; k++)
            printf("%zu\t%s\t%s\n", report.items[k].offset, red_kind_label(report.items[k].kind),
                   report.items[k].excerpt);
        if (fflush(stdout) != 0) {
            rc = CLI_EXIT_STORE;
            goto cleanup;
        }
        print_summary(&report, "仍含", "未发现个人信息");
        rc = report.n == 0 ? CLI_EXIT_OK : CLI_EXIT_CHECK_FAILED;
        goto cleanup;
    }

    rc = red_apply(in.data, in.len, &opt, &out, &report, &err);
    if (rc != 0) {
        rc = cli_report(&err);
        goto cleanup;
    }
    if (fwrite(out.data, 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
        fprintf(stderr, "sanxiang: redact: 写标准输出失败\n");
        rc = CLI_EXIT_STORE;
        goto cleanup;
    }
    print_summary(&report, "已去除", "未发现需要去除的个人信息");
    rc = CLI_EXIT_OK;

cleanup:
    red_report_free(&report);
    sx_buf_free(&out);
    sx_buf_free(&in);
    return rc;
}
