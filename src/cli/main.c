/*
 * sanxiang: command-line entry. Dispatches to one function per subcommand
 * (src/cli/cmd_*.c). Exit codes are documented in cli.h and the README.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "render/pdf.h"

struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary_zh;
};

static const struct cli_command commands[] = {
    {"init", cli_init, "创建或升级数据库，导入节假日安排"},
    {"org", cli_org, "执法主体（机构）管理: add / list"},
    {"user", cli_user, "用户与执法人员管理: add / list / disable"},
    {"demo", cli_demo, "生成演示数据"},
    {"calendar", cli_calendar, "节假日安排: import / list"},
    {"serve", cli_serve, "启动 HTTP 服务"},
    {"verify", cli_verify, "校验全部案件记录的哈希链"},
    {"workdays", cli_workdays, "工作日计算: add / between"},
    {"policy", cli_policy, "规则预设: check / list / show"},
    {"review-scope", cli_review_scope, "判断决定是否须经法制审核及由谁审核"},
    {"redact", cli_redact, "公示前去除个人信息"},
    {"document", cli_document, "执法文书模板: check / list / render（预览 PDF）"},
    /* ledger */
    {"ledger", cli_ledger,
     "全局 Merkle 账本: sync / checkpoint / status / public-key / verify-proof"},
    {"draw", cli_draw, "双随机抽取: verify（复算已公开的抽取）"}, /* prepub */
    {"report", cli_report_annual, "统计年报: annual（按记录计算，输出 JSON/CSV/XLSX）"}, /* stats */
    /* bundle */
    {"export", cli_export, "导出案件电子卷宗（可离线校验）；--list 列出可导出的案号"},
    {"verify-bundle", cli_verify_bundle, "离线校验电子卷宗，指出被改动之处"},
};

static void print_usage(FILE *out)
{
    fprintf(out, "三项 Sanxiang — 医疗保障行政执法“三项制度”平台\n\n用法: sanxiang <命令> "
                 "[选项]\n\n命令:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary_zh);
    fprintf(out,
            "\n每个命令均支持 --help。退出码: 0 成功, 1 校验未通过, 2 用法错误, 3 输入数据错误, "
            "4 数据库或文件错误。\n");
}

int cli_report(const struct sx_err *err)
{
    if (err->detail[0] != '\0')
        fprintf(stderr, "sanxiang: %s: %s", err->title, err->detail);
    else
        fprintf(stderr, "sanxiang: %s", err->title);
    if (err->source[0] != '\0')
        fprintf(stderr, "（依据: %s）", err->source);
    fputc('\n', stderr);
    switch (err->code) {
    case SX_E_INVALID:
    case SX_E_NOTFOUND:
    case SX_E_CONFLICT:
    case SX_E_FORBIDDEN:
    case SX_E_GATE:
        return CLI_EXIT_INPUT;
    case SX_E_TAMPER:
        return CLI_EXIT_CHECK_FAILED;
    default:
        return CLI_EXIT_STORE;
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
        print_usage(stdout);
        return CLI_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(argv[1], commands[i].name) == 0) {
            int rc = commands[i].run(argc - 1, argv + 1);
            rd_shutdown(); /* font caches of documents, for leak checks */
            return rc;
        }
    }
    fprintf(stderr, "sanxiang: 未知命令: %s（运行 sanxiang --help 查看命令列表）\n", argv[1]);
    return CLI_EXIT_USAGE;
}
