/*
 * sanxiang review-scope: does this decision need legal review under a
 * preset, which rules say so, and which body reviews it (core/scope.h).
 * Operators use it to check their rules; the workflow uses the same function.
 *
 *   sanxiang review-scope --policy NAME --case JSON [--root DIR]
 *   sanxiang review-scope --policy NAME --case - < case.json
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "core/policy.h"
#include "core/scope.h"
#include "sx_buf.h"

#define CASE_TEXT_MAX (1u << 20)

static const char usage[] =
    "用法: sanxiang review-scope --policy 名称 --case JSON [--root 目录]\n"
    "      sanxiang review-scope --policy 名称 --case - （从标准输入读取 JSON）\n"
    "\n"
    "按规则预设判断拟作出的决定是否须经法制审核，输出一个 JSON 对象：\n"
    "  {\"required\": 是否须审核, \"body\": 审核机构或 null,\n"
    "   \"rules\": [{\"id\": 规则编号, \"label\": 内容, \"source\": 出处}, …]}\n"
    "\n"
    "案件 JSON 的键（其他键视为错误）：\n"
    "  kind          必填：penalty 处罚 | coercion 强制 | inspection 检查 | confirmation 确认 |\n"
    "                payment 给付\n"
    "  party_type    必填：person 公民 | org 法人或者其他组织\n"
    "  procedure     general 一般程序（默认）| simple 简易程序\n"
    "  fine, confiscation, fund_recovery, payment_refusal\n"
    "                罚款、没收价值、追回（单笔）、拒付（单笔）金额，单位：元，可到分\n"
    "  hearing       true：经过听证程序\n"
    "  categories    情形列表：agreement_termination criminal_referral supervisory_referral\n"
    "                court_enforcement late_fee_enforcement complex social_risk public_interest\n"
    "                major_rights large_fund_amount other_major\n"
    "\n"
    "例: sanxiang review-scope --policy beijing --case "
    "'{\"kind\":\"penalty\",\"party_type\":\"person\",\"fine\":50000,\"hearing\":true}'\n"
    "退出码: 0 成功，2 用法错误，3 规则预设或案件参数有误。\n";

static int read_stdin(struct sx_buf *out, struct sx_err *err)
{
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
        if (sx_buf_append(out, chunk, n) != 0)
            return SX_FAIL(err, SX_E_INVALID, "review-case-invalid", "审核范围查询参数有误", "",
                           "case", "标准输入超过 %u 字节", CASE_TEXT_MAX);
    if (ferror(stdin))
        return SX_FAIL(err, SX_E_IO, "file-unreadable", "无法读取标准输入", "", "case",
                       "读取标准输入失败");
    return 0;
}

int cli_review_scope(int argc, char **argv)
{
    const char *policy = NULL;
    const char *case_json = NULL;
    const char *root = NULL;
    const struct cli_opt opts[] = {{"--policy", &policy, NULL},
                                   {"--case", &case_json, NULL},
                                   {"--root", &root, NULL},
                                   {NULL, NULL, NULL}};
    struct pol_policy *pol = NULL;
    struct scope_case sc;
    struct scope_result res;
    struct sx_buf text;
    struct sx_err err;
    json_t *out = NULL;
    int npos = cli_parse_opts(argc, argv, 1, opts, usage);
    int rc;
    if (npos == -2)
        return CLI_EXIT_OK;
    if (npos != 0 || policy == NULL || case_json == NULL) {
        if (npos >= 0)
            fprintf(stderr, "sanxiang: review-scope: 须给出 --policy 和 --case\n%s", usage);
        return CLI_EXIT_USAGE;
    }
    sx_err_clear(&err);
    sx_buf_init(&text, CASE_TEXT_MAX);
    if (strcmp(case_json, "-") == 0)
        rc = read_stdin(&text, &err);
    else
        rc = sx_buf_puts(&text, case_json) != 0
                 ? SX_FAIL(&err, SX_E_INVALID, "review-case-invalid", "审核范围查询参数有误", "",
                           "case", "--case 超过 %u 字节", CASE_TEXT_MAX)
                 : 0;
    if (rc == 0)
        rc = scope_case_parse(text.data, text.len, &sc, &err);
    if (rc == 0)
        rc = cli_policy_load(cli_root(root), policy, &pol, &err);
    if (rc == 0) {
        scope_evaluate(pol, &sc, &res);
        out = scope_result_json(&res);
        if (out == NULL)
            rc = SX_FAIL(&err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "审核范围");
    }
    if (rc == 0) {
        char *s = json_dumps(out, JSON_COMPACT);
        if (s == NULL) {
            rc = SX_FAIL(&err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "审核范围");
        } else {
            puts(s);
            free(s);
        }
    }
    json_decref(out);
    pol_free(pol);
    sx_buf_free(&text);
    return rc != 0 ? cli_report(&err) : CLI_EXIT_OK;
}
