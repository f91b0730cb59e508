"""API tests of results publicity (issue 4): items made with the decision, draft → approval →
publication with the publish gate, minors and other exemptions, withdrawal with the change
published, party correction requests, the public portal — and a leak crawler that walks every
portal endpoint and fails on any resident ID number, mobile number, bank card number or a masked
person's full name in any response. Runs inside test_api.py (T is that module); both stores.

Sources: 湖北 附件1 第十一至十四、十七、十九条 (HB-1-11..14, 17, 19); 云南 附件1 第九、十、十三、
十四、十七条 (YN-1-09, 10, 13, 14, 17); 北京 二(一)9–10 (BJ-2.1-9, 10).
"""
import datetime
import json
import os
import re
import subprocess
import urllib.parse

PUB_TABLES = ["publicity_items", "publicity_corrections"]

ADULT_NAME = "欧阳娜娜"
MINOR_NAME = "司马小明"
OTHER_NAME = "钱多多"


def id_make(region, birth, seq):
    """A GB 11643 resident ID number with its check character."""
    body = f"{region}{birth}{seq:03d}"
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    s = sum(int(c) * w[i] for i, c in enumerate(body))
    return body + "10X98765432"[s % 11]


def id_valid(s):
    if not re.fullmatch(r"\d{17}[\dX]", s):
        return False
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(c) * w[i] for i, c in enumerate(s[:17])) % 11] == s[17]


def luhn(s):
    total = 0
    for i, ch in enumerate(reversed(s)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


ADULT_ID = id_make("530102", "19800315", 21)
MINOR_ID = id_make("530102", "20100501", 33)
BANK_CARD = "6222020200112233445"  # made Luhn-valid below
while not luhn(BANK_CARD):
    BANK_CARD = BANK_CARD[:-1] + str((int(BANK_CARD[-1]) + 1) % 10)
MOBILE = "13887654321"


def today_cst():
    return (datetime.datetime.utcnow() + datetime.timedelta(hours=8)).date()


def leaks(text, names):
    """Every forbidden value in text: checksum-valid ID numbers, mobiles, Luhn bank cards, names."""
    found = []
    for m in re.finditer(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])", text):
        if id_valid(m.group(1).upper()):
            found.append(("resident-id", m.group(1)))
    for m in re.finditer(r"(?<!\d)(1[3-9]\d{9})(?!\d)", text):
        found.append(("mobile", m.group(1)))
    for m in re.finditer(r"(?<![\d])(\d{13,19})(?![\d])", text):
        if luhn(m.group(1)) and not re.fullmatch(r"1[3-9]\d{9}", m.group(1)):
            found.append(("bank-card", m.group(1)))
    for m in re.finditer(r"(?<!\d)(\d{4}[ -]\d{4}[ -]\d{4}[ -]\d{4}(?:[ -]?\d{1,3})?)(?!\d)", text):
        digits = re.sub(r"\D", "", m.group(1))
        if luhn(digits):
            found.append(("bank-card", m.group(1)))
    for n in names:
        if n in text:
            found.append(("name", n))
    return found


def run(T, port, args, cli):
    tap, Client, FIX = T.tap, T.Client, T.FIX
    is_problem = T.is_problem
    for t in PUB_TABLES:
        if t not in T.TABLES:
            T.TABLES.append(t)

    def must(*a, stdin=None):
        rc, out, err = cli.run(*a, stdin=stdin)
        if rc != 0:
            raise RuntimeError(f"{a}: {rc} {err}")
        return out.strip()

    for username, name, org in [("km.pub", "孙公示", "KM"), ("qj.pub", "李公示", "QJ")]:
        FIX[username] = int(must("user", "add", "--username", username, "--name", name, "--org", org,
                                 "--roles", "publisher", "--password-stdin", stdin=T.PASSWORD + "\n"))
    o, h, p, q, off = Client(port), Client(port), Client(port), Client(port), Client(port)
    o.login("km.off1")
    h.login("km.head")
    p.login("km.pub")
    q.login("qj.pub")
    anon = Client(port)
    officers = [FIX["km.off1"], FIX["km.off2"]]
    recent = (today_cst() - datetime.timedelta(days=1)).isoformat()
    old = "2026-11-06"

    def decided_case(parties, day, fine=400000, decision_extra=None):
        st, body, _ = T.new_case(o, parties=parties)
        if st != 201:
            tap(False, "case opened", body)
            return None
        cid = body["id"]
        dec = {"fine_fen": fine, "decision_no": f"昆医保罚决〔2026〕{cid}号",
               "facts": f"经查，当事人{parties[0]['name']}使用他人医保凭证就医，造成基金损失。"}
        dec.update(decision_extra or {})
        flow = [(h, "file", None, "filed"),
                (o, "inquire", {"officers": officers}, "investigating"),
                (o, "end_investigation", None, "investigation_ended"),
                (o, "submit_review", None, "reviewing"),
                (o, "prior_notice", {"period_days": 5}, "notified"),
                (o, "record_statement", {"waived": True}, "notified"),
                (h, "decide", dec, "decided")]
        ok = T.run_flow(o, h, cid, flow, day)
        return cid if ok else None

    def item_of(cid, client=p):
        st, res, _ = client.request("GET", "/api/v1/publicity/items?limit=200")
        for it in res.get("items", []) if st == 200 else []:
            if it["case_id"] == cid:
                return it
        return None

    person = [{"kind": "person", "name": ADULT_NAME, "id_number": ADULT_ID, "address": "昆明市五华区某路1号",
               "phone": MOBILE}]
    cid = decided_case(person, recent)
    tap(cid is not None, "a penalty case reaches its decision")
    it = item_of(cid)
    st, wd, _ = anon.request("GET", f"/api/v1/workdays/add?date={recent}&n=7")
    tap(it is not None and it["state"] == "pending" and it["deadline_key"] == "publish_penalty"
        and it["due_on"] == wd["result"] and it["decided_on"] == recent and it["party"] == "欧阳某",
        "the decision made its publicity item: due 7 working days after the decision (HB-1-11), party masked",
        (it, wd))
    iid = it["id"] if it else 0
    st, res, _ = o.request("GET", f"/api/v1/cases/{cid}/deadlines")
    dl = {d["key"]: d for d in res.get("items", [])}
    tap(dl.get("publish_penalty", {}).get("state") == "open" and dl["publish_penalty"]["due"] == it["due_on"],
        "the deadline engine shows the same publication deadline, open", dl.get("publish_penalty"))

    # unpublished: unreachable on the portal
    st, res, ctype = anon.request("GET", f"/api/v1/portal/results/{iid}")
    tap(is_problem(st, res, ctype, 404), "a pending item is 404 on the portal", res)
    st, res, _ = anon.request("GET", "/api/v1/portal/results?q=" + urllib.parse.quote("欧阳某"))
    tap(st == 200 and all(r["id"] != iid for r in res["items"]), "search never lists an unpublished item", res)

    # roles and scope
    st, res, ctype = o.request("POST", f"/api/v1/publicity/items/{iid}/draft", {"form": "summary"})
    tap(is_problem(st, res, ctype, 403), "an officer cannot draft a publicity item: 403", res)
    st, res, ctype = q.request("GET", f"/api/v1/publicity/items/{iid}")
    tap(is_problem(st, res, ctype, 404), "another org's publisher does not see the item: 404", res)
    st, res, ctype = q.request("POST", f"/api/v1/publicity/items/{iid}/draft", {"form": "summary"})
    tap(is_problem(st, res, ctype, 404), "nor draft it", res)

    # draft the full text: personal data removed by core/redact with the case's names
    full = (f"昆明市医疗保障局行政处罚决定书 昆医保罚决〔2026〕{cid}号\n当事人：{ADULT_NAME}，"
            f"身份证号码：{ADULT_ID}，住址：昆明市五华区某路1号，联系电话：{MOBILE}，"
            f"银行卡号 {BANK_CARD}。\n证人{OTHER_NAME}证实……\n经查，{ADULT_NAME}使用他人医保凭证就医。"
            "依据《医疗保障基金使用监督管理条例》第四十一条，决定罚款4000元。")
    before = T.snapshot(args)
    st, res, ctype = p.request("POST", f"/api/v1/publicity/items/{iid}/draft", {"form": "full"})
    tap(is_problem(st, res, ctype, 400) and res.get("field") == "full_text",
        "full-text publicity without the text: 400 naming full_text", res)
    st, res, ctype = p.request("POST", f"/api/v1/publicity/items/{iid}/draft", {"form": "poster"})
    tap(is_problem(st, res, ctype, 400) and res.get("field") == "form", "unknown form: 400", res)
    tap(T.snapshot(args) == before, "refused drafts changed nothing")
    st, res, _ = p.request("POST", f"/api/v1/publicity/items/{iid}/draft",
                           {"form": "full", "full_text": full, "extra_persons": [OTHER_NAME]})
    text = (res or {}).get("draft_text") or ""
    tap(st == 200 and res["state"] == "drafted" and not leaks(text, [ADULT_NAME, OTHER_NAME])
        and "欧阳某" in text and "钱某" in text and "罚款4000元" in text and res["gate"]["clear"] is True,
        "the draft's personal data are removed: names masked, ID, mobile, card, address gone (YN-1-10)",
        (res, leaks(text, [ADULT_NAME, OTHER_NAME])))

    # publish without approval: refused, nothing changes
    before = T.snapshot(args)
    st, res, ctype = p.request("POST", f"/api/v1/publicity/items/{iid}/publish", {})
    tap(is_problem(st, res, ctype, 409) and res["type"].endswith("publish-not-approved") and "HB-1-17" in res["source"],
        "publish without the head's approval: 409 citing 湖北 附件1 第十七条", res)
    st, res, ctype = p.request("POST", f"/api/v1/publicity/items/{iid}/approve", {})
    tap(is_problem(st, res, ctype, 403), "a publisher cannot approve: 403", res)
    tap(T.snapshot(args) == before, "refused publication and approval changed nothing")
    st, res, _ = h.request("POST", f"/api/v1/publicity/items/{iid}/approve", {"opinion": "同意公示"})
    tap(st == 200 and res["state"] == "approved" and res["approval_record_id"], "the head approves", res)
    st, res, _ = p.request("POST", f"/api/v1/publicity/items/{iid}/publish", {})
    tap(st == 200 and res["state"] == "published" and res["published_on"] == today_cst().isoformat(),
        "published once approved", res)
    st, res, _ = anon.request("GET", f"/api/v1/portal/results/{iid}")
    tap(st == 200 and res["party"] == "欧阳某" and res["org"]["id"] == FIX["city"] and "罚款4000元" in res["text"]
        and not leaks(json.dumps(res, ensure_ascii=False), [ADULT_NAME, OTHER_NAME]),
        "the portal shows the published, redacted result without login", res)
    st, res, _ = o.request("GET", f"/api/v1/cases/{cid}/deadlines")
    dl = {d["key"]: d for d in res.get("items", [])}
    tap(dl.get("publish_penalty", {}).get("state") == "met", "the publication meets the deadline", dl.get("publish_penalty"))

    # search: text (trigram and shorter), org, dates, kind; paging
    def search(qs):
        st, res, _ = anon.request("GET", "/api/v1/portal/results?" + urllib.parse.urlencode(qs))
        return st, [r["id"] for r in res.get("items", [])] if st == 200 else res
    checks = [
        ({"q": "使用他人医保凭证"}, True, "three or more characters (FTS5 trigram / pg_trgm)"),
        ({"q": "凭证"}, True, "two characters"),
        ({"q": f"昆医保罚决〔2026〕{cid}号"}, True, "the decision number"),
        ({"q": ADULT_NAME}, False, "the real name finds nothing (it is not there)"),
        ({"org_id": FIX["city"]}, True, "by org"),
        ({"org_id": FIX["city2"]}, False, "another org"),
        ({"from": today_cst().isoformat(), "to": today_cst().isoformat()}, True, "by date range"),
        ({"to": "2020-01-01"}, False, "a range before it"),
        ({"kind": "penalty"}, True, "by kind"),
        ({"kind": "coercion"}, False, "another kind"),
    ]
    for qs, want, label in checks:
        st, ids = search(qs)
        tap(st == 200 and (iid in ids) == want, f"portal search: {label}", (qs, ids))
    st, res, ctype = anon.request("GET", "/api/v1/portal/results?kind=secret")
    tap(is_problem(st, res, ctype, 400), "portal search: unknown kind 400", res)
    st, res, ctype = anon.request("GET", "/api/v1/portal/results?from=2026-02-30")
    tap(is_problem(st, res, ctype, 400) and res.get("field") == "from", "portal search: bad date 400", res)

    # the publish gate: the publisher's own text with an e-mail address left in
    cid2 = decided_case([{"kind": "org", "name": "昆明某某医院有限公司", "uscc": T.ORG_USCC, "legal_rep": "赵六"}], recent)
    iid2 = (item_of(cid2) or {}).get("id", 0)
    own = "昆明某某医院有限公司虚构医疗服务，罚款4000元。举报邮箱：jubao@ybj.km.gov.cn"
    st, res, _ = p.request("POST", f"/api/v1/publicity/items/{iid2}/draft", {"form": "summary", "text": own})
    tap(st == 200 and res["gate"]["clear"] is False and res["gate"]["hits"][0]["kind"] == "email"
        and "jubao@" not in json.dumps(res["gate"]), "the gate shows what it still finds, masked", res.get("gate"))
    h.request("POST", f"/api/v1/publicity/items/{iid2}/approve", {})
    before = T.snapshot(args)
    st, res, ctype = p.request("POST", f"/api/v1/publicity/items/{iid2}/publish", {})
    tap(is_problem(st, res, ctype, 422) and res["type"].endswith("publish-pii-remaining")
        and res.get("field") == "override_reason", "the gate blocks publication while a detector hits: 422", res)
    st, res, ctype = p.request("POST", f"/api/v1/publicity/items/{iid2}/publish", {"override_reason": "   "})
    tap(is_problem(st, res, ctype, 422), "an override without a reason is refused", res)
    tap(T.snapshot(args) == before, "blocked publications changed nothing")
    st, res, _ = p.request("POST", f"/api/v1/publicity/items/{iid2}/publish",
                           {"override_reason": "该邮箱为本局对外公布的举报邮箱，不属于个人信息"})
    tap(st == 200 and res["state"] == "published" and res["override_reason"].startswith("该邮箱"),
        "the publisher overrides with a recorded reason", res)
    st, res, _ = o.request("GET", f"/api/v1/cases/{cid2}/records")
    pubrec = [r for r in res["items"] if r["type"] == "publication"]
    tap(pubrec and pubrec[0]["body"]["gate_hits"] == 1 and pubrec[0]["body"]["override_reason"],
        "the override and the hits are in the publication record", pubrec)

    # late publication needs its reason (YN-1-17)
    cid3 = decided_case([{"kind": "person", "name": "诸葛亮亮", "id_number": T.PERSON_ID}], old)
    iid3 = (item_of(cid3) or {}).get("id", 0)
    p.request("POST", f"/api/v1/publicity/items/{iid3}/draft", {"form": "summary"})
    h.request("POST", f"/api/v1/publicity/items/{iid3}/approve", {})
    st, res, _ = p.request("GET", f"/api/v1/publicity/items/{iid3}")
    tap(st == 200 and res["overdue"] is True and "诸葛" not in res["draft_text"].replace("诸葛某", ""),
        "an item past its due date is shown overdue; the summary masks a compound surname", res)
    st, res, ctype = p.request("POST", f"/api/v1/publicity/items/{iid3}/publish", {})
    tap(is_problem(st, res, ctype, 422) and res.get("field") == "late_reason" and "YN-1-17" in res["source"],
        "publishing past the deadline needs the reason: 422", res)
    st, res, _ = p.request("POST", f"/api/v1/publicity/items/{iid3}/publish", {"late_reason": "系统迁移延误"})
    tap(st == 200 and res["state"] == "published", "published late with its reason recorded", res)
    st, res, _ = anon.request("GET", f"/api/v1/portal/results/{iid3}")
    tap(st == 200 and "公示类别：行政处罚决定" in res["text"] and "决定日期：" + old in res["text"]
        and "当事人：诸葛某" in res["text"], "the summary carries the fields of 云南 附件1 第九条", res)

    # a minor: exempt automatically, never reachable (HB-1-13)
    cid4 = decided_case([{"kind": "person", "name": MINOR_NAME, "id_number": MINOR_ID}], recent)
    it4 = item_of(cid4) or {}
    tap(it4.get("state") == "exempt" and it4.get("exempt_reason") == "minor",
        "a party under 18 on the decision date: exempt at once (湖北 附件1 第十三条)", it4)
    st, res, ctype = p.request("POST", f"/api/v1/publicity/items/{it4.get('id', 0)}/draft", {"form": "summary"})
    tap(is_problem(st, res, ctype, 409), "an exempt item cannot be drafted", res)
    st, res, ctype = anon.request("GET", f"/api/v1/portal/results/{it4.get('id', 0)}")
    tap(is_problem(st, res, ctype, 404), "the minor's item is 404 on the portal", res)
    st, res, _ = o.request("GET", f"/api/v1/cases/{cid4}/deadlines")
    dl = {d["key"]: d for d in res.get("items", [])}
    tap(dl.get("publish_penalty", {}).get("state") == "met", "an exemption meets the publication deadline", dl.get("publish_penalty"))

    # exempt by choice
    cid5 = decided_case([{"kind": "person", "name": "钟离某某", "id_number": id_make("530102", "19700101", 5)}], recent)
    iid5 = (item_of(cid5) or {}).get("id", 0)
    st, res, ctype = p.request("POST", f"/api/v1/publicity/items/{iid5}/exempt", {"reason": "crime_referral", "explanation": " "})
    tap(is_problem(st, res, ctype, 400) and res.get("field") == "explanation", "an exemption needs its explanation", res)
    st, res, ctype = p.request("POST", f"/api/v1/publicity/items/{iid5}/exempt", {"reason": "boredom", "explanation": "x"})
    tap(is_problem(st, res, ctype, 400) and res.get("field") == "reason", "an unknown exemption reason: 400", res)
    st, res, _ = p.request("POST", f"/api/v1/publicity/items/{iid5}/exempt",
                           {"reason": "crime_referral", "explanation": "涉嫌犯罪，已移送公安机关侦查"})
    tap(st == 200 and res["state"] == "exempt", "exempted with its reason (crime referral)", res)
    st, res, ctype = anon.request("GET", f"/api/v1/portal/results/{iid5}")
    tap(is_problem(st, res, ctype, 404), "an exempt item is 404 on the portal", res)

    # correction requests from the portal
    number = f"昆医保罚决〔2026〕{cid}号"
    st, nomatch, ctype = anon.request("POST", "/api/v1/portal/corrections",
                                      {"number": number, "party_id": T.PERSON_ID, "content": "更正"})
    st2, nonexist, _ = anon.request("POST", "/api/v1/portal/corrections",
                                    {"number": "不存在〔2026〕1号", "party_id": ADULT_ID, "content": "更正"})
    st3, unpub, _ = anon.request("POST", "/api/v1/portal/corrections",
                                 {"number": f"昆医保罚决〔2026〕{cid4}号", "party_id": MINOR_ID, "content": "更正"})
    strip = lambda b: {k: v for k, v in (b or {}).items() if k not in ("instance", "request_id")}
    tap(is_problem(st, nomatch, ctype, 404) and strip(nomatch) == strip(nonexist) == strip(unpub)
        and st2 == st3 == 404, "a forged correction request gets the same refusal as any mismatch; nothing leaks",
        (nomatch, nonexist, unpub))
    st, res, _ = anon.request("POST", "/api/v1/portal/corrections",
                              {"number": number, "party_id": ADULT_ID.lower(), "content": "违法事实中的日期有误",
                               "contact": "邮寄"})
    tap(st == 201 and res["due_on"] > today_cst().isoformat(), "the party's own request is accepted with its due date", res)
    corr = res.get("id", 0)
    st, res, _ = p.request("GET", "/api/v1/publicity/corrections?state=pending")
    tap(st == 200 and any(c["id"] == corr for c in res["items"]), "staff see the pending request", res)
    st, res, _ = q.request("GET", "/api/v1/publicity/corrections")
    tap(st == 200 and all(c["id"] != corr for c in res["items"]), "another org's publisher does not", res)
    st, res, ctype = p.request("POST", f"/api/v1/publicity/corrections/{corr}/reply",
                               {"outcome": "refused", "reply": "经核实无误", "notified_by": "电话"})
    tap(is_problem(st, res, ctype, 400) and res.get("field") == "remedies",
        "a refusal without remedies: 400 (云南 附件1 第十四条)", res)
    st, res, _ = p.request("POST", f"/api/v1/publicity/corrections/{corr}/reply",
                           {"outcome": "corrected", "reply": "已核实并更正", "notified_by": "邮寄书面告知",
                            "corrected_text": f"经查，{ADULT_NAME}（电话{MOBILE}）使用他人医保凭证就医，决定罚款4000元。"})
    tap(st == 200 and res["state"] == "corrected", "staff correct and record how the party was told", res)
    st, res, _ = anon.request("GET", f"/api/v1/portal/results/{iid}")
    tap(st == 200 and res["text"].startswith("经查，欧阳某（电话[") and MOBILE not in res["text"],
        "the corrected text is published, redacted again", res)
    st, res, ctype = p.request("POST", f"/api/v1/publicity/corrections/{corr}/reply",
                               {"outcome": "refused", "reply": "x", "remedies": "y", "notified_by": "z"})
    tap(is_problem(st, res, ctype, 409), "a request is answered once", res)
    # guessing ID numbers through the form: failures from one address are limited
    codes = []
    for i in range(12):
        st, res, _ = anon.request("POST", "/api/v1/portal/corrections",
                                  {"number": number, "party_id": id_make("530102", "19800315", i + 100),
                                   "content": "更正"})
        codes.append(st)
    st, res, ctype = anon.request("POST", "/api/v1/portal/corrections",
                                  {"number": number, "party_id": ADULT_ID, "content": "再次申请"})
    tap(codes[:7] == [404] * 7 and codes[-1] == 429 and is_problem(st, res, ctype, 429),
        "after 10 failed checks in an hour an address gets 429, even with the right ID", (codes, res))

    # withdrawal after reconsideration, with the change published (HB-1-14, YN-1-14)
    change = {"change_kind": "changed_reconsideration", "authority": "昆明市人民政府",
              "document_no": "昆政复决〔2026〕8号", "change_date": today_cst().isoformat(),
              "received_on": today_cst().isoformat(), "content": "变更罚款为2000元"}
    st, res, ctype = p.request("POST", f"/api/v1/publicity/items/{iid3}/withdraw", {**change, "change_kind": "whim"})
    tap(is_problem(st, res, ctype, 400), "an unknown change kind: 400", res)
    st, res, _ = p.request("POST", f"/api/v1/publicity/items/{iid}/withdraw", change)
    tap(st == 200 and res["state"] == "withdrawn" and res["withdraw_due"] >= today_cst().isoformat(),
        "withdrawn within the policy deadline (withdraw_published)", res)
    st, res, ctype = anon.request("GET", f"/api/v1/portal/results/{iid}")
    tap(is_problem(st, res, ctype, 404), "the withdrawn result is gone from the portal", res)
    st, ids = search({"q": "使用他人医保凭证"})
    tap(st == 200 and iid not in ids, "and from search")
    st, res, _ = anon.request("GET", "/api/v1/portal/withdrawn")
    n = [x for x in res.get("items", []) if x["id"] == iid]
    tap(st == 200 and n and n[0]["change"]["document_no"] == "昆政复决〔2026〕8号"
        and n[0]["change"]["change_kind_label"] == "经行政复议变更" and "text" not in n[0],
        "the withdrawal notice publishes the change: authority, number, date, content", n)
    st, res, _ = o.request("GET", f"/api/v1/cases/{cid}/records")
    types = [r["type"] for r in res["items"]]
    want = ["decision", "publicity_item", "publicity_draft", "publicity_approval", "publication",
            "publicity_correction_request", "publicity_correction_reply", "publicity_withdrawal"]
    tap([t for t in types if t in want] == want, "every publicity step is a record in the case's chain, in order", types)
    st, res, _ = o.request("GET", f"/api/v1/cases/{cid}/verify")
    tap(res.get("intact") is True, "the chain verifies", res)

    # exports
    st, res, ctype = anon.request("GET", "/api/v1/portal/export.json")
    ids = [x["id"] for x in res.get("items", [])] if st == 200 else []
    tap(st == 200 and iid2 in ids and iid3 in ids and iid not in ids and iid5 not in ids and res["count"] == len(ids),
        "open-data JSON export: published items only", ids)
    conn = T.http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/api/v1/portal/export.csv")
    r_ = conn.getresponse()
    csv_text = r_.read().decode("utf-8")
    conn.close()
    tap(r_.status == 200 and "text/csv" in r_.getheader("content-type", "") and csv_text.startswith("\ufeffid,kind,title")
        and f"\r\n{iid2}," in csv_text, "open-data CSV export", csv_text[:200])

    # the leak crawler: every portal endpoint, every item, hostile parameters
    crawl(T, port, args, anon)
    crawl_demo(T, args, cli)


class _Args:
    def __init__(self, store, db):
        self.store, self.db = store, db


def crawl_demo(T, args, cli):
    """The same crawl over `sanxiang demo` data (its published, exempt and withdrawn items)."""
    if args.store == "sqlite":
        db = f"{cli.work}/demo.db"
        for suffix in ("", "-wal", "-shm"):
            try:
                os.remove(db + suffix)
            except FileNotFoundError:
                pass
        drop = None
    else:
        u = urllib.parse.urlsplit(args.db)
        name = u.path.lstrip("/") + "_demo"
        subprocess.run(["psql", "-q", args.db, "-c", f"DROP DATABASE IF EXISTS {name}", "-c",
                        f"CREATE DATABASE {name}"], check=True, capture_output=True)
        db = args.db.replace(u.path, "/" + name, 1)
        drop = name
    demo = T.Cli(cli.bin, db, cli.root)
    demo.work = cli.work
    try:
        rc, out, err = demo.run("init")
        rc2, out2, err2 = demo.run("demo") if rc == 0 else (rc, "", "")
        if not T.tap(rc == 0 and rc2 == 0, "sanxiang demo fills a database for the crawler", err + err2):
            return
        port = T.free_port()
        server = T.Server(demo, port)
        try:
            c = T.Client(port)
            st, res, _ = c.request("GET", "/api/v1/portal/results?limit=200")
            st2, wd, _ = c.request("GET", "/api/v1/portal/withdrawn")
            T.tap(st == 200 and len(res["items"]) >= 20 and st2 == 200 and len(wd["items"]) >= 1,
                  "the demo's portal is not empty: published results and a withdrawal notice",
                  (len(res.get("items", [])), wd))
            crawl(T, port, _Args(args.store, db), c, label="demo data")
        finally:
            rc, err = server.stop()
            T.tap(rc == 0, "the demo server stops cleanly", err[-2000:])
    finally:
        if drop:
            subprocess.run(["psql", "-q", args.db, "-c", f"DROP DATABASE IF EXISTS {drop}"],
                           capture_output=True)


def person_names(args):
    """Every natural person named as a party in the database, whose name must never appear."""
    sql = "SELECT name FROM parties WHERE kind = 'person'"
    if args.store == "sqlite":
        import sqlite3
        con = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
        names = [r[0] for r in con.execute(sql)]
        con.close()
    else:
        out = subprocess.run(["psql", "-At", args.db, "-c", sql], capture_output=True, text=True, check=True)
        names = out.stdout.splitlines()
    # a name that is its own mask (张某) is not a full name
    return sorted({n for n in names if n and not n.endswith("某")})


def max_item(args):
    sql = "SELECT coalesce(max(id), 0) FROM publicity_items"
    if args.store == "sqlite":
        import sqlite3
        con = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
        v = con.execute(sql).fetchone()[0]
        con.close()
        return v
    out = subprocess.run(["psql", "-At", args.db, "-c", sql], capture_output=True, text=True, check=True)
    return int(out.stdout.strip() or 0)


def crawl(T, port, args, c, label="test data"):
    tap = T.tap
    names = person_names(args)
    bodies = []

    def get(path):
        conn = T.http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", path)
        r = conn.getresponse()
        data = r.read().decode("utf-8", "replace")
        conn.close()
        bodies.append((path, data))
        return r.status, data

    pages = 0
    for base in ["/api/v1/portal/results?limit=37", "/api/v1/portal/withdrawn?limit=5"]:
        cursor = None
        while True:
            st, data = get(base + (f"&cursor={cursor}" if cursor else ""))
            pages += 1
            if st != 200:
                break
            body = json.loads(data)
            if base.startswith("/api/v1/portal/results"):
                for it in body["items"]:
                    get(f"/api/v1/portal/results/{it['id']}")
            cursor = body.get("next_cursor")
            if not cursor or pages > 2000:
                break
    top = max_item(args)
    status = {}
    for i in range(0, top + 3):  # every id, published or not, and some beyond
        st, _ = get(f"/api/v1/portal/results/{i}")
        status[st] = status.get(st, 0) + 1
    get("/api/v1/portal/export.json")
    get("/api/v1/portal/export.csv")
    # stats: the published annual reports (issue 4 point 7), as JSON and CSV
    st, data = get("/api/v1/portal/reports")
    for rep in json.loads(data).get("items", []) if st == 200 else []:
        get(f"/api/v1/portal/reports/{rep['org_id']}/{rep['year']}")
        get(f"/api/v1/portal/reports/{rep['org_id']}/{rep['year']}.csv")
    hostile = ["q=%27%20OR%201%3D1--", "q=%25", "q=_", "q=%22", "q=*", "kind=exempt", "org_id=-1",
               "org_id=0", "cursor=AAAAAAAAAAA", "cursor=%00", "limit=100000", "from=9999-99-99",
               "q=" + urllib.parse.quote(ADULT_NAME), "q=" + urllib.parse.quote(ADULT_ID),
               "q=" + urllib.parse.quote(MINOR_NAME)]
    for h in hostile:
        get("/api/v1/portal/results?" + h)
        get("/api/v1/portal/export.json?" + h)
    get("/api/v1/portal/results/1%20OR%201=1")
    get("/api/v1/portal/results/-1")
    found = []
    for path, data in bodies:
        for kind, value in leaks(data, names):
            found.append((path, kind, value))
    tap(not found and len(bodies) > 20,
        f"leak crawler ({label}): {len(bodies)} portal responses, {len(names)} person names, "
        f"no ID number, mobile, bank card or full name", found[:10])
    return bodies
