"""API tests of the annual statistics report (issue 4 point 7, Hubei 附件1 第十五条, HB-1-15).

Figures are checked against what this module itself creates: a new org subtree (ST and its
county ST-A) whose staff it registers, and cases it drives in KM, compared as before/after
deltas of KM's report (the other modules' KM data stays out of the comparison). Then the
report's life: filed as a version, approved by the head, published by the publisher (HB-1-17),
and only then on the portal as JSON, CSV and XLSX; the portal responses go through the leak
detector of t_pub.
"""
import csv
import datetime
import io
import json
import os
import zipfile

ANNUAL_TABLES = ["annual_reports", "annual_report_events"]
SHEETS = ["一、执法主体", "二、岗位与人员", "三、处罚与强制", "四、检查计划执行", "五、投诉举报", "六、其他"]


def today_cst():
    return (datetime.datetime.utcnow() + datetime.timedelta(hours=8)).date()


def fixed(num, den, places):
    """What the server computes: num/den rounded half up to places decimals, or None."""
    if den <= 0:
        return None
    scale = 10 ** places
    q = (num * scale * 2 + den) // (den * 2)
    return f"{q // scale}.{q % scale:0{places}d}"


def raw_get(T, port, path):
    conn = T.http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path)
    r = conn.getresponse()
    data = r.read()
    headers = {k.lower(): v for k, v in r.getheaders()}
    conn.close()
    return r.status, headers, data


def run(T, port, args, cli):
    tap, Client, FIX = T.tap, T.Client, T.FIX
    for t in ANNUAL_TABLES:
        if t not in T.TABLES:
            T.TABLES.append(t)

    def must(*a, stdin=None):
        rc, out, err = cli.run(*a, stdin=stdin)
        if rc != 0:
            raise RuntimeError(f"{a}: {rc} {err}")
        return out.strip()

    year = today_cst().year
    last = year - 1
    # ---- a subtree of our own, with its staff (HB-1-15 items 1 and 2) ----
    FIX["st"] = int(must("org", "add", "--code", "ST", "--name", "统计测试市医疗保障局", "--short", "统",
                         "--level", "city", "--parent", "YN"))
    FIX["st-a"] = int(must("org", "add", "--code", "ST-A", "--name", "统计测试县医疗保障局", "--short", "统甲",
                           "--level", "county", "--parent", "ST"))
    staff = [
        ("st.off1", "统一", "ST", "officer", ("53990001", "2020-01-01", f"{year + 3}-12-31"), "稽查员"),
        ("st.off2", "统二", "ST", "officer", ("53990002", "2020-01-01", f"{year}-12-31"), "稽查员"),
        ("st.old", "统旧", "ST", "officer", ("53990003", "2018-01-01", f"{year}-12-30"), "稽查员"),
        ("st.next", "统新", "ST", "officer", ("53990004", f"{year + 1}-01-01", f"{year + 5}-12-31"), "科长"),
        ("sta.off", "统县", "ST-A", "officer", ("53990005", "2020-01-01", f"{year + 3}-12-31"), "科长"),
        ("st.rev", "统审", "ST", "reviewer", None, None),
        ("sta.rev", "统县审", "ST-A", "reviewer", None, None),
        ("st.head", "统负责", "ST", "head", None, None),
        ("st.pub", "统公示", "ST", "publisher", None, None),
    ]
    for username, name, org, roles, cert, post in staff:
        a = ["user", "add", "--username", username, "--name", name, "--org", org, "--roles", roles,
             "--password-stdin"]
        if cert:
            a += ["--cert-no", cert[0], "--cert-from", cert[1], "--cert-to", cert[2]]
        if post:
            a += ["--post", post]
        FIX[username] = int(must(*a, stdin=T.PASSWORD + "\n"))
    head, pub, kmh, off = Client(port), Client(port), Client(port), Client(port)
    head.login("st.head")
    pub.login("st.pub")
    kmh.login("km.head")
    off.login("km.off1")
    anon = Client(port)
    yh = Client(port)
    yh.login("yn.head")  # head and supervisor of the province
    st_id = FIX["st"]

    st, res, _ = head.request("GET", f"/api/v1/reports/annual?org={st_id}&year={year}")
    ok = st == 200
    r = res.get("report", {}) if ok else {}
    tap(ok and r["subjects"]["count"] == 2 and [s["code"] for s in r["subjects"]["items"]] == ["ST", "ST-A"],
        "report item 1: the org and its subtree are the enforcement subjects (HB-1-15 一)", res)
    tap(ok and r["staff"]["officers"] == 3 and r["staff"]["officers_listed"] == 5
        and r["staff"]["reviewers"] == 2 and r["staff"]["as_of"] == f"{year}-12-31",
        "item 2: officers with a 执法证 valid on 31 December (expired on 30 Dec and from next year excluded), "
        "reviewers", r.get("staff"))
    by_post = {p["post"]: p["officers"] for p in r.get("staff", {}).get("by_post", [])}
    tap(by_post == {"稽查员": 2, "科长": 1}, "item 2: officers by post", by_post)
    tap(ok and r["penalties"]["decisions"] == 0 and r["penalties"]["per_officer"] == "0.00"
        and r["publicity"]["full_text_rate"] is None and r["publicity"]["on_time_rate"] is None,
        "no cases: zero per capita, and no rate without a published or due item (not 0 %, not 100 %)",
        (r.get("penalties"), r.get("publicity")))
    tap(ok and res["publication"]["due"] == f"{year + 1}-01-31" and res["publication"]["state"] == "pending"
        and not res["publication"]["overdue"] and "HB-1-15" in res["publication"]["source"],
        "the report is due by 31 January of the next year (HB-1-15, YN-1-15)", res.get("publication"))
    tap(ok and res["versions"] == [], "nothing filed yet")

    # ---- figures from cases this test drives in KM, as deltas ----
    km = FIX["city"]

    def km_report():
        s, b, _ = kmh.request("GET", f"/api/v1/reports/annual?org={km}&year={year}")
        return b["report"] if s == 200 else None

    before = km_report()
    recent = (today_cst() - datetime.timedelta(days=1)).isoformat()
    officers = [FIX["km.off1"], FIX["km.off2"]]
    org_party = [{"kind": "org", "name": "昆明某某统计测试医院有限公司", "uscc": T.ORG_USCC, "legal_rep": "赵六"}]

    def open_case(source, kind="penalty"):
        s, b, _ = off.request("POST", "/api/v1/cases", {
            "kind": kind, "source": source, "cause": "虚构医疗服务骗取医保基金", "parties": org_party,
            "officers": officers})
        return b["id"] if s == 201 else None

    def decide(cid, fine, no):
        dec = {"fine_fen": fine, "decision_no": f"昆医保罚决〔{recent[:4]}〕统{no}号",
               "facts": "经查，当事人虚构医疗服务，造成基金损失。"}
        flow = [(kmh, "file", None, "filed"),
                (off, "inquire", {"officers": officers}, "investigating"),
                (off, "end_investigation", None, "investigation_ended"),
                (off, "submit_review", None, "reviewing"),
                (off, "prior_notice", {"period_days": 5}, "notified"),
                (off, "record_statement", {"waived": True}, "notified"),
                (kmh, "decide", dec, "decided")]
        return T.run_flow(off, kmh, cid, flow, recent)

    c1, c2 = open_case("report"), open_case("report")
    decided = c1 is not None and c2 is not None and decide(c1, 400000, 1) and decide(c2, 150050, 2)
    tap(decided, "two penalty cases reach their decisions (fines 4000.00 and 1500.50 yuan)")
    c3 = open_case("complaint")
    nf = c3 is not None and T.run_flow(off, kmh, c3, [(kmh, "not_file", {"notice_required": False}, "not_filed")], recent)
    tap(nf, "a complaint is not filed (不予立案)")
    c4 = open_case("complaint")
    c5 = open_case("report", kind="inspection")
    tap(c4 is not None and c5 is not None, "a complaint still being checked and an inspection opened on a report")
    after = km_report()
    if not tap(before is not None and after is not None, "KM's report computes before and after"):
        return

    def delta(*path):
        a, b = after, before
        for p in path:
            a, b = (a or {}).get(p, 0), (b or {}).get(p, 0)
        return (a or 0) - (b or 0)

    same_year = recent[:4] == str(year)
    if same_year:
        tap(delta("penalties", "decisions") == 2 and delta("penalties", "penalty") == 2
            and delta("penalties", "fine") == 2 and delta("penalties", "fine_fen") == 550050,
            "item 3: two more penalty decisions and their fines (fen, from the decision records)",
            (before["penalties"], after["penalties"]))
        p = after["penalties"]
        tap(p["fine_yuan"] == f"{p['fine_fen'] // 100}.{p['fine_fen'] % 100:02d}"
            and p["per_officer"] == fixed(p["decisions"], after["staff"]["officers"], 2),
            "item 3: yuan exact from fen; per capita = decisions / officers with a valid 执法证", p)
    tap(delta("complaints", "received") == 5 and delta("complaints", "complaints") == 2
        and delta("complaints", "reports") == 3,
        "item 5: five complaints/reports received", (before["complaints"], after["complaints"]))
    outs = {k: delta("complaints", "by_outcome", k) for k in ["filed", "not_filed", "pending", "inspected", "transferred"]}
    tap(outs == {"filed": 2, "not_filed": 1, "pending": 1, "inspected": 1, "transferred": 0},
        "item 5: by outcome — filed 2, not filed 1, still checked 1, handled by inspection 1", outs)
    tap(delta("inspection", "inspections") == 1
        and after["inspection"]["per_officer"] == fixed(after["inspection"]["inspections"], after["staff"]["officers"], 2),
        "item 4: one more inspection; per capita inspections", after["inspection"])
    tap(delta("other", "cases_opened_by_kind", "penalty") == 4, "item 6: cases opened by kind",
        after["other"]["cases_opened_by_kind"])
    pb = after["publicity"]
    tap(pb["full_text_rate"] == fixed(pb["full_text"], pb["published"], 4)
        and pb["on_time_rate"] == fixed(pb["on_time"], pb["due"], 4) and pb["full_text_target"] == "100%"
        and "HE-2.3" in pb["sources"]["full_text"],
        "full-text and on-time publication rates with their sources (Hebei target 100 %)", pb)
    kp = Client(port)
    kp.login("km.pub")
    s, items, _ = kp.request("GET", "/api/v1/publicity/items?limit=200")
    mine = [it for it in (items or {}).get("items", []) if it["case_id"] in (c1, c2)]
    due_now = sum(1 for it in mine if (it.get("due_on") or "")[:4] == str(year))
    tap(len(mine) == 2 and delta("publicity", "due") == due_now and delta("publicity", "published") == 0,
        "the decisions' publicity items count as due in their due year, not yet as published",
        (due_now, before["publicity"], pb))

    # ---- file, approve, publish (HB-1-17) ----
    snap = T.snapshot(args)
    s, b, ct = off.request("POST", "/api/v1/reports/annual", {"org": st_id, "year": last})
    tap(s == 403 and T.is_problem(s, b, ct, 403), "an officer cannot file the report", b)
    s, b, ct = pub.request("POST", "/api/v1/reports/annual", {"org": st_id, "year": year})
    tap(s == 422 or s == 400, "the current year cannot be filed before it ends (UTC+8)", b)
    s, b, ct = pub.request("POST", "/api/v1/reports/annual", {"org": km, "year": last})
    tap(s == 403, "a publisher cannot file another org's report", b)
    s, b, ct = pub.request("POST", "/api/v1/reports/annual", {"org": st_id, "year": 1999})
    tap(T.is_problem(s, b, ct, 400) or T.is_problem(s, b, ct, 422), "year out of range is refused", b)
    tap(T.snapshot(args) == snap, "refused filings change nothing")

    s, v1, _ = pub.request("POST", "/api/v1/reports/annual", {"org": st_id, "year": last})
    ok = tap(s == 201 and v1["state"] == "draft" and v1["version"] == 1 and v1["year"] == last
             and v1["report"]["staff"]["officers"] >= 1 and len(v1["content_hash"]) == 64,
             "the publisher files last year's report as version 1 (a draft with its SM3)", v1)
    if not ok:
        return
    rid = v1["id"]
    snap = T.snapshot(args)
    s, b, ct = pub.request("POST", f"/api/v1/reports/annual/{rid}/publish")
    tap(s == 422 and b.get("type", "").endswith("annual-not-approved"),
        "publishing before the head's approval is refused (HB-1-17)", b)
    s, b, _ = kmh.request("POST", f"/api/v1/reports/annual/{rid}/approve")
    tap(s == 403, "another org's head cannot approve", b)
    s, b, _ = pub.request("POST", f"/api/v1/reports/annual/{rid}/approve")
    tap(s == 403, "a publisher cannot approve", b)
    tap(T.snapshot(args) == snap, "refused approvals and publications change nothing")
    s, lst, _ = anon.request("GET", "/api/v1/portal/reports")
    tap(s == 200 and not any(i["org_id"] == st_id for i in lst["items"]), "a draft is not on the portal", lst)
    s, b, _ = anon.request("GET", f"/api/v1/portal/reports/{st_id}/{last}")
    tap(s == 404, "a draft's portal address answers 404", b)

    s, b, _ = head.request("POST", f"/api/v1/reports/annual/{rid}/approve")
    tap(s == 200 and b["state"] == "approved", "the head approves", b)
    s, b, _ = head.request("POST", f"/api/v1/reports/annual/{rid}/approve")
    tap(s == 409, "approving twice is a conflict", b)
    s, b, _ = anon.request("GET", f"/api/v1/portal/reports/{st_id}/{last}")
    tap(s == 404, "an approved but unpublished report is not on the portal", b)
    s, b, _ = pub.request("POST", f"/api/v1/reports/annual/{rid}/publish")
    tap(s == 200 and b["state"] == "published" and b["published_on"] == today_cst().isoformat(),
        "the publisher publishes the approved report", b)
    s, b, _ = pub.request("POST", f"/api/v1/reports/annual/{rid}/publish")
    tap(s == 409, "publishing twice is a conflict", b)
    s, b, _ = head.request("GET", f"/api/v1/reports/annual?org={st_id}&year={last}")
    tap(s == 200 and b["publication"]["state"] in ("published", "published_late")
        and b["publication"]["published_on"] == today_cst().isoformat() and len(b["versions"]) == 1,
        "the staff view shows the publication against its 31 January deadline", b.get("publication"))
    s, ov, _ = head.request("GET", f"/api/v1/reports/annual-overview?year={last}")
    late = today_cst().isoformat() > f"{year}-01-31"
    states = {i["code"]: i["state"] for i in (ov or {}).get("items", [])}
    tap(s == 200 and states.get("ST") in ("published", "published_late") and set(states) == {"ST", "ST-A"}
        and states["ST-A"] == ("overdue" if late else "pending") and ov["overdue"] == (1 if late else 0)
        and ov["due"] == f"{year}-01-31",
        "the overview flags an org whose report is not published by 31 January (own subtree only)", ov)
    s, ov, _ = yh.request("GET", "/api/v1/reports/annual-overview")
    codes = {i["code"] for i in (ov or {}).get("items", [])}
    tap(s == 200 and ov["year"] == last and {"YN", "KM", "QJ", "ST", "ST-A"} <= codes,
        "a supervisor's overview covers every org, last year by default", ov)
    s, v2, _ = pub.request("POST", "/api/v1/reports/annual", {"org": st_id, "year": last})
    tap(s == 201 and v2["version"] == 2 and v2["state"] == "draft", "filing again makes version 2 (append-only)", v2)

    # ---- portal ----
    s, lst, _ = anon.request("GET", "/api/v1/portal/reports")
    mine = [i for i in (lst or {}).get("items", []) if i["org_id"] == st_id]
    tap(s == 200 and len(mine) == 1 and mine[0]["year"] == last and mine[0]["version"] == 1
        and mine[0]["org_name"] == "统计测试市医疗保障局" and mine[0]["counts"]["执法主体"] == 2,
        "the portal lists the published version (not the newer draft) with its counters", mine)
    s, b, _ = anon.request("GET", f"/api/v1/portal/reports/{st_id}/{last}")
    tap(s == 200 and b["version"] == 1 and b["report"]["subjects"]["count"] == 2 and b["report"] == v1["report"],
        "the portal shows the published figures exactly as filed", b)
    s, h, data = raw_get(T, port, f"/api/v1/portal/reports/{st_id}/{last}.csv")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")))) if s == 200 else []
    tap(s == 200 and "text/csv" in h.get("content-type", "") and rows and rows[0][:3] == ["表", "项目", "数值"]
        and any(r[0] == "二、岗位与人员" and r[1] == "合计" for r in rows)
        and {r[0] for r in rows[1:]} == set(SHEETS),
        "CSV parses, with a row per figure under each item", rows[:3])
    s, h, data = raw_get(T, port, f"/api/v1/portal/reports/{st_id}/{last}.xlsx")
    names = []
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        wb = z.read("xl/workbook.xml").decode()
        names = [n for n in SHEETS if f'name="{n}"' in wb]
        bad = z.testzip()
    except Exception as e:  # noqa: BLE001
        bad = str(e)
    tap(s == 200 and "spreadsheetml" in h.get("content-type", "") and bad is None and names == SHEETS
        and "attachment" in h.get("content-disposition", ""),
        "XLSX is a valid zip with one Chinese-labelled sheet per item", (s, bad, names))
    for path, want in [(f"/api/v1/portal/reports/{st_id}/{year}", 404), (f"/api/v1/portal/reports/{km}/{last}", 404),
                       (f"/api/v1/portal/reports/{st_id}/abcd", 400), (f"/api/v1/portal/reports/0/{last}", 400),
                       (f"/api/v1/portal/reports/{st_id}/{last}.exe", 400),
                       (f"/api/v1/portal/reports/{st_id}/{last}.csvx", 400)]:
        s, b, ct = anon.request("GET", path)
        tap(T.is_problem(s, b, ct, want), f"portal {path} answers {want} problem+json", (s, b))
    s, b, _ = anon.request("GET", f"/api/v1/reports/annual?org={st_id}&year={last}")
    tap(s == 401, "the staff report needs a login", b)
    s, b, _ = kmh.request("GET", f"/api/v1/reports/annual?org={st_id}&year={last}")
    tap(s == 403, "a head of another org cannot read ST's staff report", b)
    s, b, _ = yh.request("GET", f"/api/v1/reports/annual?org={st_id}&year={last}")
    tap(s == 200, "the province's head reads a subordinate org's report", b)

    # ---- CLI ----
    out = os.path.join(cli.work, "annual-km")
    results = {}
    for fmt in ["json", "csv", "xlsx"]:
        rc, _, err = cli.run("report", "annual", "--org", "KM", "--year", str(year), "--format", fmt,
                             "--out", f"{out}.{fmt}")
        results[fmt] = (rc, err)
    okc = all(rc == 0 for rc, _ in results.values())
    cj = json.load(open(f"{out}.json", encoding="utf-8")) if okc else {}
    tap(okc and cj.get("penalties") == after["penalties"] and cj.get("complaints") == after["complaints"],
        "sanxiang report annual computes the same figures as the API", results)
    try:
        zipfile.ZipFile(f"{out}.xlsx").testzip()
        rows = list(csv.reader(open(f"{out}.csv", encoding="utf-8-sig")))
        tap(len(rows) > 20, "the CLI writes CSV and XLSX too")
    except Exception as e:  # noqa: BLE001
        tap(False, "the CLI writes CSV and XLSX too", e)
    rc, _, err = cli.run("report", "annual", "--org", "NOPE", "--year", str(year), "--out", f"{out}.x")
    tap(rc != 0 and "sanxiang" in err, "an unknown org code is an error", err)

    # ---- leaks: the portal's report responses carry no personal data ----
    import t_pub
    bodies = []
    for path in ["/api/v1/portal/reports", f"/api/v1/portal/reports/{st_id}/{last}",
                 f"/api/v1/portal/reports/{st_id}/{last}.csv"]:
        s, _, data = raw_get(T, port, path)
        bodies.append((path, data.decode("utf-8", "replace")))
    names_ = t_pub.person_names(args)
    found = [(p, k, v) for p, d in bodies for k, v in t_pub.leaks(d, names_)]
    tap(not found, f"leak check over {len(bodies)} annual-report responses", found[:5])
