#!/usr/bin/env python3
"""bench_setup: prepare a running `sanxiang serve` for the HTTP benchmarks.

    bench_setup.py BASE_URL N_APPEND_CASES OUT_DIR
    bench_setup.py --count BASE_URL COOKIE "ID ID ..."   print the cases' total record_count

Logs in as the benchmark officer `bench_o1` (created beforehand with the CLI by run.sh), opens
one realistic case for the read benchmark (clue verified, filed by the head `bench_head`, so it
carries a case number, then an evidence request and two notes — a case page as an officer sees
it in the middle of an investigation) and N_APPEND_CASES cases for the append benchmark.

Writes into OUT_DIR:
  env           shell assignments for run.sh: COOKIE, CSRF, GET_CASE, APPEND_CASES, BODY_BYTES
  case.json     the exact bytes GET /api/v1/cases/GET_CASE returns (nginx serves this file;
                its size is what h2o_bare answers with)
Stdlib only (urllib), so it runs on a fresh Debian 12.
"""
import datetime
import json
import sys
import urllib.request

PASSWORD = "bench-pass-2026"


def call(base, method, path, body=None, cookie=None, csrf=None):
    data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if cookie:
        req.add_header("Cookie", "sx_session=" + cookie)
    if csrf:
        req.add_header("X-CSRF-Token", csrf)
    try:
        with urllib.request.urlopen(req) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as e:
        sys.exit("bench_setup: %s %s -> %d %s" % (method, path, e.code, e.read().decode()))


def login(base, username):
    _, headers, raw = call(base, "POST", "/api/v1/session",
                           {"username": username, "password": PASSWORD})
    cookie = None
    for h in headers.get_all("Set-Cookie") or []:
        if h.startswith("sx_session="):
            cookie = h.split(";", 1)[0].split("=", 1)[1]
    if cookie is None:
        sys.exit("bench_setup: no sx_session cookie in the login response")
    doc = json.loads(raw)
    return cookie, doc["csrf_token"], doc["user"]["id"]


def count(base, cookie, ids):
    total = 0
    for i in ids:
        _, _, raw = call(base, "GET", "/api/v1/cases/%s" % i, None, cookie)
        total += json.loads(raw)["record_count"]
    print(total)


def main():
    if sys.argv[1] == "--count":
        return count(sys.argv[2], sys.argv[3], " ".join(sys.argv[4:]).split())
    base, n_append, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    cookie, csrf, o1 = login(base, "bench_o1")
    head_cookie, head_csrf, head = login(base, "bench_head")
    o2 = login(base, "bench_o2")[2]
    # dates of the steps, relative to today so that no step lies in the future
    def day(ago):
        return (datetime.date.today() - datetime.timedelta(days=ago)).isoformat()

    def new_case(i):
        case = {
            "kind": "penalty",
            "source": "report",
            "cause": "涉嫌串换医保药品目录内药品、虚构医药服务项目骗取医保基金",
            "summary": "群众举报某定点零售药店将生活用品串换为目录内药品刷卡结算，"
                       "经大数据筛查发现该店 2026 年第三季度医保结算金额异常增长。",
            "parties": [{
                "kind": "org",
                "name": "基准市康泰大药房有限公司第%d分店" % i,
                "uscc": "91110000600037341L",
                "legal_rep": "张某某",
                "address": "基准市东城区健康路 %d 号" % (i + 1),
                "phone": "010-6512%04d" % i,
            }],
            "officers": [o1, o2],
        }
        _, _, raw = call(base, "POST", "/api/v1/cases", case, cookie, csrf)
        return json.loads(raw)["id"]

    def step(case_id, action, body, who=(None, None)):
        c, t = who if who[0] else (cookie, csrf)
        call(base, "POST", "/api/v1/cases/%d/records" % case_id,
             {"action": action, "body": body}, c, t)

    # The read benchmark's case: a case in the middle of its investigation.
    get_case = new_case(0)
    step(get_case, "verify_clue", {
        "verified_on": day(20), "officers": [o1, o2],
        "method": "调取医保结算数据并现场查看进销存台账",
        "findings": "该店 2026 年 7–9 月结算的目录内药品数量与进货记录不符，差额约 1.2 万元。",
        "conclusion": "file"})
    step(get_case, "file", {
        "source": "report", "cause": "涉嫌串换药品骗取医保基金",
        "reason": "群众举报并经线索核查，存在违法嫌疑，需立案调查。",
        "party_summary": "基准市康泰大药房有限公司第0分店，定点零售药店，法定代表人张某某。",
        "facts": "2026 年 7–9 月结算的目录内药品数量与进货记录不符，差额约 1.2 万元。",
        "officers": [o1, o2], "handler_opinion": "建议立案调查。",
        "unit_opinion": "同意立案。", "head_opinion": "同意。", "approver": [head],
        "approved_on": day(17)}, (head_cookie, head_csrf))
    step(get_case, "request_evidence", {
        "addressee": "基准市医疗保障信息中心", "materials": "该店 2026 年 7–9 月医保结算明细。",
        "issued_on": day(16), "deadline": day(9)})
    for title in ("电话联系当事人", "收到结算明细"):
        step(get_case, "note", {"title": title, "content": "已按程序办理，情况记入案卷。"})

    append_cases = [new_case(i + 1) for i in range(n_append)]

    _, _, page = call(base, "GET", "/api/v1/cases/%d" % get_case, None, cookie)
    with open(out + "/case.json", "wb") as f:
        f.write(page)
    with open(out + "/env", "w") as f:
        f.write("COOKIE=%s\nCSRF=%s\nGET_CASE=%d\nAPPEND_CASES='%s'\nBODY_BYTES=%d\n" %
                (cookie, csrf, get_case, " ".join(map(str, append_cases)), len(page)))


if __name__ == "__main__":
    main()
