"""API tests for issue 3's remainder: routing a review to the right body, category changes, and the
fine-payment deadline. Run from test_api.main() as run(T, port, args, cli) on each store.

Fixture (added here with the CLI): a Beijing-like tree — 北京市医疗保障局 (municipal bureau, the
`municipal` body), 北京市医疗保障执法总队 under it (the `corps` body) and 海淀区医疗保障局 (a district
bureau whose cases are reviewed by those two), all with policy beijing; the municipal bureau's
setting routes `municipal` to itself and `corps` to the 执法总队 (北京 二(三)2 (BJ-2.3-2a/b)).
"""

D = "2026-11-18"


def run(T, port, args, cli):
    fix = beijing_fixture(T, cli)
    if fix is None:
        return
    routing(T, port, args, fix)
    categories(T, port, args)
    fine_payment(T, port)
    dashboard_scope(T, port)


def beijing_fixture(T, cli):
    def must(*a, stdin=None):
        rc, out, err = cli.run(*a, stdin=stdin)
        if rc != 0:
            raise RuntimeError(f"{a}: {rc} {err}")
        return out.strip()

    fix = {}
    try:
        fix["bj"] = int(must("org", "add", "--code", "BJ", "--name", "北京市医疗保障局", "--short", "京",
                             "--level", "province", "--policy", "beijing"))
        fix["zd"] = int(must("org", "add", "--code", "BJZD", "--name", "北京市医疗保障执法总队",
                             "--short", "京医执", "--level", "unit", "--parent", "BJ", "--policy", "beijing"))
        # 北京市医保局 is provincial-level; its districts are the tier right below it ("city")
        fix["hd"] = int(must("org", "add", "--code", "BJHD", "--name", "北京市海淀区医疗保障局",
                             "--short", "海", "--level", "city", "--parent", "BJ", "--policy", "beijing"))
        users = [("bj.rev", "市局审核", "BJ", "reviewer", None),
                 ("zd.rev", "总队审核", "BJZD", "reviewer", None),
                 ("hd.off1", "海淀甲", "BJHD", "officer", ("11080001", "2024-01-01", "2030-12-31")),
                 ("hd.off2", "海淀乙", "BJHD", "officer", ("11080002", "2024-01-01", "2030-12-31")),
                 ("hd.head", "海淀负责", "BJHD", "head", None),
                 ("hd.rev", "海淀审核", "BJHD", "reviewer", None)]
        for username, name, org, roles, cert in users:
            a = ["user", "add", "--username", username, "--name", name, "--org", org, "--roles", roles,
                 "--password-stdin"]
            if cert:
                a += ["--cert-no", cert[0], "--cert-from", cert[1], "--cert-to", cert[2]]
            fix[username] = int(must(*a, stdin=T.PASSWORD + "\n"))
        rc, out, err = cli.run("org", "review-body", "--org", "BJ", "--body", "mars", "--provider", "BJ")
        T.tap(rc != 0 and "mars" in err and "beijing" in err,
              "CLI: a body the org's preset does not name is refused", (rc, out, err))
        must("org", "review-body", "--org", "BJ", "--body", "municipal", "--provider", "BJ")
        must("org", "review-body", "--org", "BJ", "--body", "corps", "--provider", "BJZD")
        T.tap(True, "CLI: the municipal bureau routes `municipal` to itself and `corps` to the 执法总队")
    except Exception as e:  # noqa: BLE001 - one failed check, not the end of the run
        T.tap(False, "Beijing fixture", e)
        return None
    return fix


def bfill(T, type_key, overrides, date, officers, other):
    """T.fill with this module's people in every user-id field not overridden."""
    body = T.fill(type_key, overrides, date)
    for f in T.CATALOG[type_key]["fields"]:
        if f["type"] == "user_ids" and f["required"] and f["name"] not in (overrides or {}):
            body[f["name"]] = officers if f["name"] in ("officers", "investigators") else [other]
    return body


def routing(T, port, args, fix):
    """北京 二(三)2: 1万–10万 (person, after a hearing) → 执法总队; 10万以上 → 市局; only a reviewer of
    that body may be named and give the opinion, and only they (across orgs) see the case."""
    o, h = T.Client(port), T.Client(port)
    o.login("hd.off1")
    h.login("hd.head")
    zd, bj, hr = T.Client(port), T.Client(port), T.Client(port)
    zd.login("zd.rev")
    bj.login("bj.rev")
    hr.login("hd.rev")
    off = [fix["hd.off1"], fix["hd.off2"]]
    person = [{"kind": "person", "name": "张某", "id_number": T.PERSON_ID}]

    def f(type_key, overrides=None):
        return bfill(T, type_key, overrides or {}, D, off, fix["hd.head"])

    def heard_case(fine_fen):
        st, body, _ = o.request("POST", "/api/v1/cases", {
            "kind": "penalty", "source": "report", "cause": "虚构医疗服务骗取医保基金",
            "parties": person, "officers": off})
        if st != 201:
            T.tap(False, "open a Haidian case", body)
            return None, None
        cid = body["id"]
        flow = [(h, "file", {}, "filed"),
                (o, "inquire", {"officers": off}, "investigating"),
                (o, "end_investigation", {}, "investigation_ended"),
                (o, "submit_review", {}, "reviewing"),
                (o, "prior_notice", {"period_days": 5, "proposed_fine_fen": fine_fen,
                                     "hearing_right": True}, "notified"),
                (o, "request_hearing", {}, "hearing"),
                (o, "hold_hearing", {}, "hearing")]
        transcript = None
        for who, action, over, want in flow:
            st, res, _ = T.step(who, cid, action, f(T.WORKFLOW[action]["record_type"], over),
                                at=D + "T03:00:00Z")
            if st != 201 or res["state"] != want:
                T.tap(False, f"step {action}", res)
                return None, None
            if action == "hold_hearing":
                transcript = res["record"]["id"]
        return cid, transcript

    def submit(cid, transcript, reviewer):
        return T.step(o, cid, "request_legal_review",
                      f("legal_review_request", {"reviewer": [reviewer], "hearing_transcript": transcript}),
                      at=D + "T04:00:00Z")

    def opinion(client, cid, reviewer):
        return T.step(client, cid, "legal_review",
                      f("legal_review_opinion", {"reviewer": [reviewer], "opinion": "agree",
                                                 "reviewed_on": D}), at=D + "T05:00:00Z")

    corps_case, tr1 = heard_case(1500000)
    muni_case, tr2 = heard_case(15000000)
    if corps_case is None or muni_case is None:
        return
    T.tap(True, "two Haidian cases heard: 15,000 and 150,000 yuan proposed on a person")

    before = T.snapshot(args)
    st, res, ctype = submit(corps_case, tr1, fix["hd.rev"])
    tap_ok = (T.is_problem(st, res, ctype, 422) and res["type"].endswith("reviewer-wrong-body")
              and "BJ-2.3-2b" in res["source"] and "执法总队" in res["detail"])
    T.tap(tap_ok, "15,000 yuan after a hearing: the district's own reviewer is the wrong body — 422 naming "
          "the 执法总队 and 北京 二(三)2", res)
    st, res, ctype = submit(corps_case, tr1, fix["bj.rev"])
    T.tap(T.is_problem(st, res, ctype, 422) and res["type"].endswith("reviewer-wrong-body"),
          "15,000 yuan: a municipal reviewer is the wrong body too — 422", res)
    st, res, ctype = submit(muni_case, tr2, fix["zd.rev"])
    T.tap(T.is_problem(st, res, ctype, 422) and "BJ-2.3-2a" in res["source"] and "市医保局" in res["detail"],
          "150,000 yuan after a hearing: a 执法总队 reviewer is refused, naming the municipal body", res)
    T.tap(T.snapshot(args) == before, "the refused submissions changed nothing")

    st, res, ctype = zd.request("GET", f"/api/v1/cases/{corps_case}")
    T.tap(T.is_problem(st, res, ctype, 404), "before assignment the 执法总队 reviewer cannot see the case", res)
    st, res, _ = submit(corps_case, tr1, fix["zd.rev"])
    body = res.get("record", {}).get("body", {}) if st == 201 else {}
    T.tap(st == 201 and body.get("review_body") == "corps" and body.get("review_org_id") == fix["zd"],
          "15,000 yuan → the 执法总队's reviewer; the routing is in the submission record", res)
    st, res, _ = submit(muni_case, tr2, fix["bj.rev"])
    body = res.get("record", {}).get("body", {}) if st == 201 else {}
    T.tap(st == 201 and body.get("review_body") == "municipal" and body.get("review_org_id") == fix["bj"],
          "150,000 yuan with a hearing → the municipal bureau's reviewer", res)

    st, res, _ = zd.request("GET", f"/api/v1/cases/{corps_case}")
    T.tap(st == 200 and res.get("id") == corps_case, "the assigned 执法总队 reviewer sees that case", res)
    nxt = {n["action"]: n for n in res.get("next_actions", [])}
    T.tap(nxt.get("legal_review", {}).get("allowed") is True and nxt.get("note", {}).get("allowed") is False,
          "… where 法制审核意见 is their next action, and nothing else is", nxt)
    st, res, _ = zd.request("GET", f"/api/v1/cases/{corps_case}/records")
    T.tap(st == 200, "… and its records", str(res)[:300])
    st, res, ctype = zd.request("GET", f"/api/v1/cases/{muni_case}")
    T.tap(T.is_problem(st, res, ctype, 404), "… but not the district's other case (404)", res)
    st, res, ctype = bj.request("GET", f"/api/v1/cases/{corps_case}")
    T.tap(T.is_problem(st, res, ctype, 404), "the municipal reviewer does not see the 执法总队's case", res)
    st, res, _ = zd.request("GET", "/api/v1/cases")
    ids = [c_["id"] for c_ in res.get("items", [])]
    T.tap(st == 200 and corps_case not in ids and muni_case not in ids,
          "the reviewer's case list is still their own org's", ids[:10])

    before = T.snapshot(args)
    st, res, ctype = opinion(hr, corps_case, fix["hd.rev"])
    T.tap(st in (403, 422) and ctype.startswith("application/problem+json"),
          "the district's reviewer cannot give the 执法总队's opinion", res)
    T.tap(T.snapshot(args) == before, "the refused opinion changed nothing")
    st, res, _ = opinion(zd, corps_case, fix["zd.rev"])
    T.tap(st == 201 and "法审" in res["record"]["body"].get("opinion_no", ""),
          "the 执法总队 reviewer gives the opinion on the district's case", res)
    st, res, _ = opinion(bj, muni_case, fix["bj.rev"])
    T.tap(st == 201, "the municipal reviewer gives the opinion on the 150,000-yuan case", res)
    st, res, ctype = zd.request("POST", f"/api/v1/cases/{corps_case}/records", {
        "action": "note", "body": {"title": "x", "content": "y"}})
    T.tap(st in (403, 422) and ctype.startswith("application/problem+json"),
          "seeing the case lets the reviewer give the review, nothing else (a note: refused)", res)


def categories(T, port, args):
    """Categories change after opening (北京 二(三)2; 云南 附件3 第六条): the scope and the gate follow."""
    o, h, rv = T.Client(port), T.Client(port), T.Client(port)
    o.login("km.off1")
    h.login("km.head")
    rv.login("km.rev")
    off = [T.FIX["km.off1"], T.FIX["km.off2"]]
    person = [{"kind": "person", "name": "张某", "id_number": T.PERSON_ID}]
    st, body, _ = o.request("POST", "/api/v1/cases", {
        "kind": "penalty", "source": "report", "cause": "虚构医疗服务骗取医保基金",
        "parties": person, "officers": off})
    cid = body["id"]
    ok = T.run_flow(o, h, cid, [(h, "file", None, "filed"),
                                (o, "inquire", {"officers": off}, "investigating"),
                                (o, "end_investigation", None, "investigation_ended"),
                                (o, "submit_review", None, "reviewing"),
                                (o, "prior_notice", {"period_days": 5, "proposed_fine_fen": 100000},
                                 "notified"),
                                (o, "record_statement", {"waived": True}, "notified")], D)
    if not T.tap(ok, "a 1,000-yuan Kunming case reaches 事先告知 (below the Yunnan threshold)"):
        return
    st, res, _ = h.request("GET", f"/api/v1/cases/{cid}")
    nxt = {n["action"]: n for n in res.get("next_actions", [])}
    T.tap(nxt.get("decide", {}).get("allowed") is True and "set_categories" in nxt,
          "no review needed yet; 变更案件类别 is a next action", nxt.get("decide"))

    def change(cats, reason="经集体研判，案情疑难复杂"):
        return T.step(o, cid, "set_categories",
                      {"categories": cats, "reason": reason, "changed_on": D}, at=D + "T04:00:00Z")

    before = T.snapshot(args)
    st, res, ctype = change(["boring"])
    T.tap(T.is_problem(st, res, ctype, 400) and res.get("field") == "categories",
          "an unknown category: 400 naming the field", res)
    st, res, ctype = T.step(o, cid, "set_categories", {"categories": ["complex"], "changed_on": D})
    T.tap(T.is_problem(st, res, ctype, 400) and res.get("field") == "reason", "a change needs its reason", res)
    st, res, ctype = T.step(o, cid, "set_categories", {"reason": "x", "changed_on": D})
    T.tap(T.is_problem(st, res, ctype, 400) and res.get("field") == "categories",
          "a change states the whole new list (categories required, may be empty)", res)
    T.tap(T.snapshot(args) == before, "the refused changes changed nothing")

    st, res, _ = change(["complex"])
    T.tap(st == 201 and res["state"] == "notified" and res["record"]["type"] == "category_change",
          "the case becomes 疑难复杂 by a category_change record with its reason", res)
    st, res, ctype = T.step(h, cid, "decide", T.fill("decision", {"fine_fen": 100000}, D), at=D + "T05:00:00Z")
    T.tap(T.is_problem(st, res, ctype, 422) and res["type"].endswith("legal-review-required"),
          "now 决定 is refused until the legal review passes (422)", res)
    st, res, _ = h.request("GET", f"/api/v1/cases/{cid}")
    nxt = {n["action"]: n for n in res.get("next_actions", [])}
    T.tap(nxt.get("decide", {}).get("allowed") is False, "the case page shows 决定 blocked", nxt.get("decide"))
    st, res, _ = change([], reason="复核后认为案情并不复杂")
    st2, page, _ = h.request("GET", f"/api/v1/cases/{cid}")
    nxt = {n["action"]: n for n in page.get("next_actions", [])}
    T.tap(st == 201 and nxt.get("decide", {}).get("allowed") is True,
          "an empty list clears the categories: review no longer required", (res, nxt.get("decide")))
    st, res, _ = change(["complex"])
    T.tap(st == 201, "and 疑难复杂 again", res)
    T.step(o, cid, "request_legal_review", T.fill("legal_review_request", {"reviewer": [T.FIX["km.rev"]]}, D),
           at=D + "T05:10:00Z")
    st, res, _ = T.step(rv, cid, "legal_review",
                        T.fill("legal_review_opinion", {"reviewer": [T.FIX["km.rev"]], "opinion": "agree"}, D),
                        at=D + "T05:20:00Z")
    T.tap(st == 201, "reviewed and passed (同意)", res)
    st, res, _ = T.step(h, cid, "decide", T.fill("decision", {"fine_fen": 100000}, D), at=D + "T05:30:00Z")
    T.tap(st == 201 and res["state"] == "decided", "after 同意 the decision is made", res)
    FIX_DECIDED[0] = cid

    before = T.snapshot(args)
    st, res, ctype = change([])
    T.tap(st in (409, 422) and ctype.startswith("application/problem+json") and T.snapshot(args) == before,
          "after the decision the categories can no longer change; nothing changed", res)


FIX_DECIDED = [None]


def fine_payment(T, port):
    """行政处罚法 第六十七条: the fine is paid within 15 days of receiving the decision."""
    cid = FIX_DECIDED[0]
    if cid is None:
        T.tap(False, "fine payment: no decided case")
        return
    o = T.Client(port)
    o.login("km.off1")
    off = [T.FIX["km.off1"], T.FIX["km.off2"]]

    def deadlines():
        st, res, _ = o.request("GET", f"/api/v1/cases/{cid}/deadlines")
        return {d["key"]: d for d in res.get("items", [])}

    T.tap("fine_payment" not in deadlines(), "no fine-payment deadline before the decision is served")
    st, res, _ = T.step(o, cid, "serve_decision_direct",
                        T.fill("service_direct", {"officers": off, "signed_on": D}, D), at=D + "T06:00:00Z")
    T.tap(st == 201 and res["state"] == "served", "the decision is served (signed for)", res)
    fp = deadlines().get("fine_payment", {})
    T.tap(fp.get("start") == D and fp.get("due") == "2026-12-03" and fp.get("who") == "party"
          and "第六十七条" in (fp.get("source") or ""),
          "fine payment due 15 days after receipt (2026-12-03), the party's, citing 第六十七条", fp)
    st, res, _ = T.step(o, cid, "record_performance",
                        T.fill("performance", {"mode": "full", "paid_fen": 100000, "performed_on": D}, D),
                        at=D + "T07:00:00Z")
    fp = deadlines().get("fine_payment", {})
    T.tap(st == 201 and fp.get("state") == "met" and fp.get("met_type") == "performance",
          "recording the payment meets it", fp)


def dashboard_scope(T, port):
    """The overdue dashboard (one ranged read of the records) applies each case's review scope as
    the case page does, the party type included: under the Yunnan preset a 10,000-yuan fine is
    major for a person (≥ 5,000) but not for an organisation (≥ 100,000) (云南 附件3 第六条 (YN-3-06)),
    so only the person's case owes review_submit (5 WD after the investigation, YN-3-07)."""
    o, h = T.Client(port), T.Client(port)
    o.login("km.off1")
    h.login("km.head")
    off = [T.FIX["km.off1"], T.FIX["km.off2"]]
    parties = {"person": [{"kind": "person", "name": "张某", "id_number": T.PERSON_ID}],
               "org": [{"kind": "org", "name": "昆明某某医院有限公司", "uscc": T.ORG_USCC,
                        "legal_rep": "赵六"}]}
    cids = {}
    for who, party in parties.items():
        st, body, _ = o.request("POST", "/api/v1/cases", {
            "kind": "penalty", "source": "report", "cause": "分解住院骗取医保基金",
            "parties": party, "officers": off})
        cid = body["id"]
        ok = T.run_flow(o, h, cid, [(h, "file", None, "filed"),
                                    (o, "inquire", {"officers": off}, "investigating"),
                                    (o, "end_investigation", None, "investigation_ended"),
                                    (o, "submit_review", None, "reviewing"),
                                    (o, "prior_notice", {"period_days": 5, "proposed_fine_fen": 1000000},
                                     "notified")], D)
        if not T.tap(ok, f"a 10,000-yuan case against a {who} reaches 事先告知"):
            return
        cids[who] = cid
    st, res, _ = h.request("GET", "/api/v1/deadlines/overdue")
    keys = {(d["case"]["id"], d["key"]) for d in res.get("items", [])}
    T.tap(st == 200 and (cids["person"], "review_submit") in keys
          and (cids["org"], "review_submit") not in keys,
          "dashboard: review_submit overdue for the person's case only (party type from the case)",
          sorted(k for k in keys if k[0] in cids.values()))
    for who, cid in cids.items():
        st, res, _ = h.request("GET", f"/api/v1/cases/{cid}/deadlines")
        page = {d["key"] for d in res.get("items", []) if d["state"] == "overdue" and d["who"] != "party"}
        scan = {k for c_, k in keys if c_ == cid}
        T.tap(st == 200 and page == scan, f"dashboard and case page agree ({who})", (page, scan))
