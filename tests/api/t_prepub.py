"""API tests of pre-publicity (事前公开) and 双随机 draws (issue 4, points 1-2), on one store.

Called from test_api.py's main() as t_prepub.run(T, port, args, cli), T being the test_api
module. Checks: draft → head approval → publication → the portal shows it with its date;
unapproved or unpublished versions never reach the portal; an officer with an expired 执法证
drops off; roles and org scope; the SVG flowchart parses as XML and names every state and
action; a draw is reproducible by an independent implementation (scripts/draw_verify.py) from
the published pool and public value, and the server's own re-run agrees.
"""
import hashlib
import http.client
import json
import os
import sys
import urllib.parse
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import draw_verify  # noqa: E402

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def uscc(first17):
    """Complete a 统一社会信用代码 with its GB 32100-2015 check character."""
    s = sum(USCC_CHARS.index(ch) * w for ch, w in zip(first17, USCC_W))
    return first17 + USCC_CHARS[(31 - s % 31) % 31]


def get_raw(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path)
    r = conn.getresponse()
    data = r.read()
    ctype = r.getheader("content-type", "")
    conn.close()
    return r.status, ctype, data


def sections(year):
    return {
        "powers": [{"name": "对定点医药机构骗取医保基金行为的行政处罚", "kind": "处罚",
                    "basis": "《医疗保障基金使用监督管理条例》第四十条"}],
        "procedures": [{"kind": "penalty", "description": "一般程序"},
                       {"kind": "inspection"}],
        "service_guides": [{"title": "行政处罚听证申请指南", "content": "收到告知书之日起五个工作日内提出"}],
        "inspection_items": [{"subject": "昆明市医疗保障局", "basis": "条例第二十七条",
                              "object": "定点医药机构", "content": "医保基金使用情况",
                              "ratio": "5%", "method": "双随机、一公开", "frequency": "每年一次"}],
        "remedies": [{"title": "行政复议", "content": "六十日内向本级人民政府申请"}],
        "discretion": [{"title": "医疗保障行政处罚裁量基准", "content": "见附件"}],
        "hearing_standards": [{"title": "听证标准", "content": "对法人罚款十万元以上"}],
        "report_hotline": "0871-12393",
        "inspection_plan": {"year": year, "title": f"{year}年度医疗保障基金监督检查计划"},
        "officer_photos": {},
    }


def run(T, port, args, cli):
    tap = T.tap
    rc, out, err = cli.run("user", "add", "--username", "km.prepub", "--name", "陈公开", "--org", "KM",
                           "--roles", "publisher", "--password-stdin", stdin=T.PASSWORD + "\n")
    if not tap(rc == 0, "prepub: fixture publisher km.prepub added by the CLI", err):
        return
    T.FIX["km.prepub"] = int(out.strip())
    pub, head, off, anon = T.Client(port), T.Client(port), T.Client(port), T.Client(port)
    pub.login("km.prepub")
    head.login("km.head")
    off.login("km.off1")
    prepub_flow(T, port, pub, head, off, anon)
    flowchart(T, port, off)
    draws(T, port, pub, off, anon, cli)
    append_only(T, args)


def prepub_flow(T, port, pub, head, off, anon):
    tap, km, qj = T.tap, T.FIX["city"], T.FIX["city2"]
    st, body, ctype = anon.request("GET", f"/api/v1/portal/prepub/orgs/{km}")
    tap(T.is_problem(st, body, ctype, 404), "portal: nothing published yet is a 404 problem", body)

    year = 2026
    s = sections(year)
    s["officer_photos"] = {str(T.FIX["km.off1"]): "photo:sm3:5f0e"}
    st, v1, ctype = pub.request("POST", f"/api/v1/prepub/orgs/{km}/drafts", {"sections": s})
    ok = st == 201 and v1.get("state") == "draft" and v1.get("version") == 1
    tap(ok, "publisher files a draft: 201, version 1, state draft", (st, v1))
    if not ok:
        return
    vid = v1["id"]
    tap(v1["subject"]["name"] == "昆明市医疗保障局" and len(v1["content_hash"]) == 64,
        "draft snapshots the subject information and has an SM3 content hash", v1.get("subject"))
    names = {o["name"]: o for o in v1["officers"]}
    tap("王旧证" in names and names["王旧证"]["valid_today"] is False and names["张三"]["valid_today"],
        "staff view lists every officer and flags the expired credential", names)

    bad = dict(s, secrets=[{"x": 1}])
    st, body, ctype = pub.request("POST", f"/api/v1/prepub/orgs/{km}/drafts", {"sections": bad})
    tap(T.is_problem(st, body, ctype, 400) and body.get("field") == "sections.secrets",
        "unknown section refused with a Chinese problem naming the field", body)
    st, body, ctype = pub.request("POST", f"/api/v1/prepub/orgs/{km}/drafts",
                                  {"sections": {"powers": [{"name": "无依据"}]}})
    tap(T.is_problem(st, body, ctype, 400) and "basis" in body.get("field", ""),
        "a power item without its legal basis is refused (湖北 附件1 第八条)", body)
    st, body, ctype = off.request("POST", f"/api/v1/prepub/orgs/{km}/drafts", {"sections": s})
    tap(T.is_problem(st, body, ctype, 403), "an officer may not edit pre-publicity", body)
    st, body, ctype = pub.request("POST", f"/api/v1/prepub/orgs/{qj}/drafts", {"sections": s})
    tap(T.is_problem(st, body, ctype, 403), "a publisher may not edit another org's pre-publicity", body)
    st, lst, _ = pub.request("GET", f"/api/v1/prepub/orgs/{km}/versions")
    tap(st == 200 and len(lst["items"]) == 1, "refused drafts left no version behind", lst)

    st, body, ctype = anon.request("GET", f"/api/v1/portal/prepub/orgs/{km}")
    tap(T.is_problem(st, body, ctype, 404), "portal: an unapproved draft is not visible", body)
    st, body, ctype = anon.request("GET", f"/api/v1/portal/prepub/orgs/{km}/versions/1")
    tap(T.is_problem(st, body, ctype, 404), "portal: the draft by number is a 404 like a missing one",
        body)

    st, body, ctype = pub.request("POST", f"/api/v1/prepub/versions/{vid}/publish")
    tap(T.is_problem(st, body, ctype, 422) and "第十七条" in body.get("source", ""),
        "publishing without the head's approval: 422 citing 湖北 附件1 第十七条", body)
    st, body, ctype = pub.request("POST", f"/api/v1/prepub/versions/{vid}/approve")
    tap(T.is_problem(st, body, ctype, 403), "a publisher cannot approve", body)
    st, body, _ = head.request("POST", f"/api/v1/prepub/versions/{vid}/approve")
    tap(st == 200 and body.get("state") == "approved" and body.get("approved_at"),
        "the head approves: state approved", body)
    st, body, ctype = head.request("POST", f"/api/v1/prepub/versions/{vid}/approve")
    tap(T.is_problem(st, body, ctype, 409), "approving twice is a conflict", body)
    st, body, ctype = anon.request("GET", f"/api/v1/portal/prepub/orgs/{km}")
    tap(T.is_problem(st, body, ctype, 404), "portal: approved but unpublished is not visible", body)
    st, body, _ = pub.request("POST", f"/api/v1/prepub/versions/{vid}/publish")
    tap(st == 200 and body.get("state") == "published" and body.get("published_on"),
        "the publisher publishes the approved version", body)
    st, body, ctype = pub.request("POST", f"/api/v1/prepub/versions/{vid}/publish")
    tap(T.is_problem(st, body, ctype, 409), "publishing twice is a conflict", body)

    st, cur, _ = anon.request("GET", f"/api/v1/portal/prepub/orgs/{km}")
    ok = st == 200 and cur.get("version") == 1 and cur.get("published_on")
    tap(ok, "portal shows the published version and its date, without login", cur)
    if ok:
        names = {o["name"]: o for o in cur["officers"]}
        tap("张三" in names and "李四" in names and "王旧证" not in names,
            "portal: officers listed, the expired credential dropped off (云南 附件1 第七条)", names)
        z = names.get("张三", {})
        tap(z.get("photo") == "photo:sm3:5f0e" and z.get("cert_no") == "53010001"
            and z.get("unit") == "昆明市医疗保障局" and "cert_valid_from" not in z,
            "officer entry: photo, credential number, unit", z)
        procs = cur["sections"].get("procedures", [])
        tap(procs and procs[0].get("flowchart") == "/api/v1/portal/prepub/flowcharts/penalty"
            and len(cur.get("flowcharts", [])) == 3,
            "procedures link their generated flowcharts", procs)
        ps = cur.get("inspection_plan_status", {})
        tap(ps.get("year") == year and ps.get("due") == f"{year}-03-31" and ps.get("state") in
            ("published", "published_late", "pending", "overdue"),
            "the annual plan status and its Q1 due date are shown (北京 二(一)8)", ps)
        tap(cur["sections"].get("report_hotline") == "0871-12393" and
            "officer_photos" not in cur["sections"], "sections published as filed", cur["sections"])

    st, ps, _ = pub.request("GET", f"/api/v1/prepub/orgs/{km}/plan-status?year={year}&today={year}-02-01")
    tap(st == 200 and ps.get("state") == "pending", "plan status: before 31 March nothing is late", ps)
    st, ps, _ = pub.request("GET", f"/api/v1/prepub/orgs/{km}/plan-status?year={year - 1}&today={year}-05-01")
    tap(st == 200 and ps.get("state") == "overdue" and ps.get("due") == f"{year - 1}-03-31",
        "plan status: a year without a published plan is overdue after Q1", ps)

    # a new version does not replace the published one until it is itself published
    s2 = sections(year)
    s2["report_hotline"] = "0871-12345"
    st_v2, v2, _ = pub.request("POST", f"/api/v1/prepub/orgs/{km}/drafts", {"sections": s2})
    tap(st_v2 == 201 and v2.get("version") == 2, "a change is a new version (2)", v2)
    st, cur, _ = anon.request("GET", f"/api/v1/portal/prepub/orgs/{km}")
    tap(st == 200 and cur.get("version") == 1, "portal keeps showing version 1 meanwhile", cur)
    if st_v2 == 201:
        head.request("POST", f"/api/v1/prepub/versions/{v2['id']}/approve")
        st, _, _ = pub.request("POST", f"/api/v1/prepub/versions/{v2['id']}/publish")
        st, cur, _ = anon.request("GET", f"/api/v1/portal/prepub/orgs/{km}")
        tap(st == 200 and cur.get("version") == 2 and
            cur["sections"].get("report_hotline") == "0871-12345",
            "after publication the portal shows version 2", cur.get("version"))
        st, hist, _ = anon.request("GET", f"/api/v1/portal/prepub/orgs/{km}/versions")
        tap(st == 200 and [h["version"] for h in hist["items"]] == [2, 1],
            "older published versions stay listable", hist)
        st, old, _ = anon.request("GET", f"/api/v1/portal/prepub/orgs/{km}/versions/1")
        tap(st == 200 and old["sections"]["report_hotline"] == "0871-12393",
            "version 1 is still readable as published", old)
        # an older draft can no longer be approved once a newer version is out
        st3, v3, _ = pub.request("POST", f"/api/v1/prepub/orgs/{km}/drafts", {"sections": s2})
        st4, v4, _ = pub.request("POST", f"/api/v1/prepub/orgs/{km}/drafts", {"sections": s2})
        head.request("POST", f"/api/v1/prepub/versions/{v4['id']}/approve")
        pub.request("POST", f"/api/v1/prepub/versions/{v4['id']}/publish")
        st, body, ctype = head.request("POST", f"/api/v1/prepub/versions/{v3['id']}/approve")
        tap(st3 == 201 and st4 == 201 and T.is_problem(st, body, ctype, 409) and
            body.get("type", "").endswith("prepub-stale"),
            "a version older than the published one cannot be approved (云南 附件1 第十四条)", body)
        st, cur, _ = anon.request("GET", f"/api/v1/portal/prepub/orgs/{km}")
        tap(st == 200 and cur.get("version") == 4, "portal shows version 4", cur.get("version"))
        st, found, _ = anon.request("GET", "/api/v1/portal/prepub/officers?q=" +
                                    urllib.parse.quote("张三"))
        tap(st == 200 and [o["cert_no"] for o in found["items"]] == ["53010001"],
            "portal officer search by name (北京 二(一)4)", found)
        st, found, _ = anon.request("GET", "/api/v1/portal/prepub/officers?q=53010003")
        tap(st == 200 and found["items"] == [], "officer search: an expired credential is not found",
            found)
        st, ov, _ = T.Client(port).request("GET", "/api/v1/prepub/plan-overview")
        tap(st == 401, "plan overview needs a login", st)
        st, ov, _ = pub.request("GET", f"/api/v1/prepub/plan-overview?year={year + 1}&today={year + 1}-04-01")
        tap(st == 200 and [i["org_id"] for i in ov["items"]] == [km] and ov["overdue"] == 1,
            "plan overview: own org only, next year's plan overdue after Q1", ov)
        st, idx, _ = anon.request("GET", "/api/v1/portal/prepub")
        tap(st == 200 and any(i["org_id"] == km and i["version"] == 4 for i in idx["items"]),
            "portal index lists the org's current version", idx)


def flowchart(T, port, off):
    tap = T.tap
    for kind in ("penalty", "inspection", "coercion"):
        st, ctype, data = get_raw(port, f"/api/v1/portal/prepub/flowcharts/{kind}")
        ok = st == 200 and ctype.startswith("image/svg+xml")
        tap(ok, f"flowchart {kind}: 200 image/svg+xml without login", (st, ctype))
        if not ok:
            continue
        try:
            root = ET.fromstring(data)
        except ET.ParseError as e:
            tap(False, f"flowchart {kind} parses as XML", str(e))
            continue
        tap(root.tag == "{http://www.w3.org/2000/svg}svg", f"flowchart {kind} parses; root is svg")
        text = "".join(root.itertext())
        st, wf, _ = off.request("GET", f"/api/v1/workflows/{kind}")
        missing = [s["name_zh"] for s in wf["states"] if s["name_zh"] not in text]
        missing += [a["name_zh"] for a in wf["actions"] if a["name_zh"] not in text]
        tap(st == 200 and not missing, f"flowchart {kind} names every state and action", missing)
        st2, _, data2 = get_raw(port, f"/api/v1/portal/prepub/flowcharts/{kind}")
        tap(data2 == data, f"flowchart {kind} is deterministic")
    st, ctype, data = get_raw(port, "/api/v1/portal/prepub/flowcharts/%3Cscript%3E")
    body = json.loads(data) if data else {}
    tap(T.is_problem(st, body, ctype, 404), "unknown flowchart kind: 404 problem", body)


def draws(T, port, pub, off, anon, cli):
    tap, km = T.tap, T.FIX["city"]
    targets = [{"name": f"昆明某某大药房连锁有限公司第{i}分店", "uscc": uscc(f"91530100MA6K000{i}0")}
               for i in range(1, 8)]
    good = uscc("91530100MA6K00990")
    broken = good[:-1] + ("0" if good[-1] != "0" else "1")
    targets[0]["recused"] = [T.FIX["km.off1"]]
    st, body, ctype = pub.request("POST", f"/api/v1/prepub/orgs/{km}/pools",
                                  {"targets": [{"name": "坏代码", "uscc": broken}]})
    tap(T.is_problem(st, body, ctype, 400) and "uscc" in body.get("field", ""),
        "pool with an invalid USCC refused", body)
    st, body, ctype = off.request("POST", f"/api/v1/prepub/orgs/{km}/pools", {"targets": targets})
    tap(T.is_problem(st, body, ctype, 403), "an officer may not publish a pool", body)
    st, pool, _ = pub.request("POST", f"/api/v1/prepub/orgs/{km}/pools", {"targets": targets})
    ok = st == 201 and len(pool["content"]["targets"]) == 7
    tap(ok, "publisher publishes a pool of 7 targets", (st, pool))
    if not ok:
        return
    insp = [p["name"] for p in pool["content"]["inspectors"]]
    tap(sorted(insp) == ["张三", "李四"], "inspectors: officers with a valid credential only", insp)
    tap(hashlib.new("sm3", pool["canonical_text"].encode()).hexdigest() == pool["content_hash"],
        "the pool hash is the SM3 of its published canonical text")

    st, body, ctype = pub.request("POST", f"/api/v1/prepub/orgs/{km}/draws",
                                  {"title": "超额", "k": 8, "m": 1})
    tap(T.is_problem(st, body, ctype, 400) and body.get("type", "").endswith("draw-too-many-targets"),
        "drawing more targets than the pool holds is refused", body)
    st, d, _ = pub.request("POST", f"/api/v1/prepub/orgs/{km}/draws",
                           {"title": "2026年第四季度定点医药机构双随机检查", "k": 7, "m": 1})
    ok = st == 201 and len(d["result"]["targets"]) == 7
    tap(ok, "a draw of 7 targets × 1 inspector is published", (st, d))
    if not ok:
        return
    first = [t for t in d["result"]["targets"] if t["index"] == 0][0]
    tap(first["inspectors"][0]["user_id"] != T.FIX["km.off1"],
        "a recused inspector is never drawn for that target", first)

    plain = [{k: v for k, v in t.items() if k != "recused"} for t in targets]
    st, pool2, _ = pub.request("POST", f"/api/v1/prepub/orgs/{km}/pools", {"targets": plain})
    tap(st == 201 and pool2["id"] != pool["id"], "a new pool is a new immutable version", pool2)
    st, d2, _ = pub.request("POST", f"/api/v1/prepub/orgs/{km}/draws",
                            {"title": "抽取三家", "k": 3, "m": 2})
    tap(st == 201 and d2.get("pool_id") == pool2["id"] and
        all(len(t["inspectors"]) == 2 for t in d2["result"]["targets"]),
        "a draw of 3 targets × 2 inspectors from the newest pool", d2)
    for draw in (d, d2):
        st, pub_d, _ = anon.request("GET", f"/api/v1/portal/draws/{draw['id']}")
        st2, pub_pool, _ = anon.request("GET", f"/api/v1/portal/draw-pools/{pub_d['pool_id']}")
        ok = st == 200 and st2 == 200
        tap(ok, f"portal shows draw {draw['id']} and its pool without login", (st, st2))
        if not ok:
            continue
        recs = [(i, x) for i, t in enumerate(pub_pool["content"]["targets"])
                for x, p in enumerate(pub_pool["content"]["inspectors"])
                if p["user_id"] in t.get("recused", [])]
        seed, res = draw_verify.draw(pub_d["pool_hash"], pub_d["public_value"],
                                     len(pub_pool["content"]["targets"]),
                                     len(pub_pool["content"]["inspectors"]), pub_d["k"], pub_d["m"],
                                     recs)
        mine = [(t["index"], [p["index"] for p in t["inspectors"]])
                for t in pub_d["result"]["targets"]]
        tap(seed == pub_d["seed"] and res == mine and
            hashlib.new("sm3", pub_pool["canonical_text"].encode()).hexdigest() == pub_d["pool_hash"],
            f"draw {draw['id']} reproduced by scripts/draw_verify.py from the published values",
            (seed, res, mine))
        tap(pub_d["public_source"].startswith("record:") and len(pub_d["public_value"]) == 64,
            "the public value names its source (newest record chain head)", pub_d["public_source"])
    st, v, _ = anon.request("GET", f"/api/v1/portal/draws/{d2['id']}/verify")
    tap(st == 200 and v.get("match") is True and v.get("pool_hash_ok") is True,
        "the server's re-run of the draw matches", v)
    st, lst, _ = anon.request("GET", f"/api/v1/portal/draws?org_id={km}")
    tap(st == 200 and [x["id"] for x in lst["items"]][-2:] == [d["id"], d2["id"]],
        "portal lists the org's draws", lst)
    rc, out, err = cli.run("draw", "verify", str(d2["id"]))
    tap(rc == 0 and "复算一致" in out, "sanxiang draw verify re-runs the draw: exit 0", out + err)
    rc, out, err = cli.run("draw", "verify", "999999")
    tap(rc == 3 and out == "" and len(err.strip().splitlines()) == 1,
        "sanxiang draw verify of an unknown draw: exit 3, one line", err)
    st, body, ctype = anon.request("GET", "/api/v1/portal/draws/999999")
    tap(T.is_problem(st, body, ctype, 404), "unknown draw: 404 problem", body)
    st, body, ctype = anon.request("POST", f"/api/v1/prepub/orgs/{km}/draws",
                                   {"title": "x", "k": 1, "m": 1})
    tap(T.is_problem(st, body, ctype, 401), "drawing needs a login", body)


def append_only(T, args):
    """Versions, events, pools and draws are never changed in place: the database refuses."""
    import sqlite3
    import subprocess
    for table, col in (("prepub_versions", "content"), ("prepub_events", "event"),
                       ("draw_pools", "content"), ("draws", "result")):
        sql = f"UPDATE {table} SET {col} = {col}"
        if args.store == "sqlite":
            con = sqlite3.connect(args.db)
            try:
                con.execute(sql)
                con.commit()
                refused, msg = False, "accepted"
            except sqlite3.DatabaseError as e:
                refused, msg = "append-only" in str(e), str(e)
            con.close()
        else:
            p = subprocess.run(["psql", "-X", "-q", args.db, "-c", sql], capture_output=True,
                               text=True)
            refused, msg = p.returncode != 0 and "append-only" in p.stderr, p.stderr
        T.tap(refused, f"UPDATE {table} is refused by the database (append-only)", msg)
