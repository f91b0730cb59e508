"""API tests of enforcement documents (文书) as signed PDFs — issue 5 point 4 — on one store.

A real penalty case walks to its decision; its 询问笔录 and 行政处罚决定书 are issued through the
API, read back as PDF bytes, checked with pdftotext (the Chinese text and the case number are
there) and their SM2 signatures verified with the openssl command line over the PDF bytes with
the org's public key from the API. Refusals (missing record, unknown template, other org) change
nothing; a template with an unknown placeholder is refused when it is loaded; a stored PDF that no
longer matches its recorded SM3 is never served. Called from test_api.py's main().
"""
import os
import shutil
import sqlite3
import stat
import subprocess
import tempfile


def _run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, timeout=120, **kw)


def _pdftext(path):
    p = _run(["pdftotext", "-layout", path, "-"])
    return p.stdout.decode("utf-8", "replace") if p.returncode == 0 else "pdftotext failed: " + p.stderr.decode()


def _fetch_bytes(T, port, c, path):
    """GET raw bytes (Client.request drops non-JSON bodies)."""
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Cookie": c.cookie} if c.cookie else {})
    r = conn.getresponse()
    data = r.read()
    headers = {k.lower(): v for k, v in r.getheaders()}
    conn.close()
    return r.status, headers, data


def _sm3_hex(data):
    p = _run(["openssl", "dgst", "-sm3", "-r"], input=data)
    return p.stdout.decode().split()[0] if p.returncode == 0 else None


def _verify(pub_pem, pdf_path, sig_hex, work):
    sig = os.path.join(work, "sig.der")
    pub = os.path.join(work, "pub.pem")
    with open(sig, "wb") as f:
        f.write(bytes.fromhex(sig_hex))
    with open(pub, "w") as f:
        f.write(pub_pem)
    p = _run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin", "-digest", "sm3",
              "-pkeyopt", "distid:1234567812345678", "-in", pdf_path, "-sigfile", sig])
    return p.returncode == 0, (p.stdout + p.stderr).decode(errors="replace")


def run(T, port, args, cli):
    try:
        _documents(T, port, args, cli)
    except Exception:  # noqa: BLE001 - one failed check, not the end of the run
        import traceback
        T.tap(False, "t_docs raised", traceback.format_exc())


def _documents(T, port, args, cli):
    tap, FIX = T.tap, T.FIX
    o = T.Client(port)
    o.login("km.off1")
    h = T.Client(port)
    h.login("km.head")
    work = tempfile.mkdtemp(prefix="t_docs.", dir=args.work)

    st, body, _ = o.request("GET", "/api/v1/document-templates")
    keys = {t["key"]: t for t in (body or {}).get("items", [])}
    want = ["filing_approval", "non_filing_notice", "inquiry_transcript", "onsite_inspection",
            "preservation_notice", "order_correct_notice", "prior_notice", "hearing_notice",
            "hearing_transcript", "major_decision_note", "legal_review_opinion",
            "collective_discussion", "penalty_decision", "service_receipt", "closure_approval"]
    tap(st == 200 and all(k in keys for k in want) and keys["penalty_decision"]["numbered"],
        "the fifteen document templates are loaded and listed", sorted(keys))

    # a penalty case walked to its decision, as in case_flow
    st, body, _ = T.new_case(o)
    cid = body["id"]
    st, body, _ = T.step(h, cid, "file", T.filing_body(), at="2026-11-02T02:00:00Z")
    number = body.get("number")
    ok = T.run_flow(o, h, cid, [
        (o, "inquire", T.inquiry_body([FIX["km.off1"], FIX["km.off2"]]), "investigating"),
        (o, "end_investigation", None, "investigation_ended"),
        (o, "submit_review", None, "reviewing"),
        (o, "prior_notice", {"period_days": 5, "hearing_right": True}, "notified"),
    ], "2026-11-03")
    tap(ok and number, "a case for documents walks to 事先告知", number)

    # refused: the decision does not exist yet; nothing changes (no number consumed)
    before = T.snapshot(args)
    st, body, ctype = o.request("POST", f"/api/v1/cases/{cid}/documents", {"template": "penalty_decision"})
    tap(T.is_problem(st, body, ctype, 400) and body.get("type", "").endswith("document-needs-record")
        and "行政处罚决定" in body.get("detail", ""),
        "行政处罚决定书 before the decision: refused, naming the missing record", body)
    st, body, ctype = o.request("POST", f"/api/v1/cases/{cid}/documents", {"template": "no_such_form"})
    tap(T.is_problem(st, body, ctype, 404), "unknown template: 404 problem", body)
    st, body, ctype = o.request("POST", f"/api/v1/cases/{cid}/documents", {"template": "x", "colour": 1})
    tap(T.is_problem(st, body, ctype, 400) and body.get("field") == "colour", "unknown member: 400", body)
    q = T.Client(port)
    q.login("qj.off1")
    st, body, ctype = q.request("POST", f"/api/v1/cases/{cid}/documents", {"template": "inquiry_transcript"})
    tap(T.is_problem(st, body, ctype, 404), "another org's officer cannot issue on the case: 404", body)
    st, body, ctype = q.request("GET", f"/api/v1/cases/{cid}/documents")
    tap(T.is_problem(st, body, ctype, 404), "nor list its documents: 404", body)
    tap(T.snapshot(args) == before, "refused document requests changed nothing (records, counters)")

    ok = T.run_flow(o, h, cid, [
        (o, "record_statement", {"waived": True}, "notified"),
        (h, "decide", {"fine_fen": 400000, "warning": True, "payment_days": 15}, "decided"),
    ], "2026-11-06")
    tap(ok, "the case is decided (fine 4000.00 yuan)")

    # issue 询问笔录 (no number) and 行政处罚决定书 (numbered)
    st, inq, _ = o.request("POST", f"/api/v1/cases/{cid}/documents", {"template": "inquiry_transcript"})
    tap(st == 201 and inq["index"] == 1 and inq["number"] is None and len(inq["sm3"]) == 64,
        "询问笔录 issued: document 1, no number, SM3 recorded", inq)
    st, dec, _ = h.request("POST", f"/api/v1/cases/{cid}/documents", {"template": "penalty_decision"})
    tap(st == 201 and dec["index"] == 2 and dec["number"] == "昆医保罚决〔2026〕1号",
        "行政处罚决定书 issued: document 2, numbered from the org's counter", dec)
    st, dec2, _ = h.request("POST", f"/api/v1/cases/{cid}/documents", {"template": "penalty_decision"})
    tap(st == 201 and dec2["number"] == "昆医保罚决〔2026〕2号", "the next one takes the next number", dec2)

    # concurrent issues: the number is checked in the transaction, so none is lost or doubled
    import threading
    results = []

    def issue(c):
        st, body, _ = c.request("POST", f"/api/v1/cases/{cid}/documents", {"template": "prior_notice"})
        results.append((st, (body or {}).get("number")))
    clients = [T.Client(port) for _ in range(6)]
    for c in clients:
        c.login("km.off1" if len(results) % 2 else "km.off2")
    ths = [threading.Thread(target=issue, args=(c,)) for c in clients]
    for t in ths:
        t.start()
    for t in ths:
        t.join()
    nums = sorted(n for st, n in results if st == 201)
    tap(len(nums) == 6 and nums == sorted(f"昆医保罚告〔2026〕{i}号" for i in range(1, 7)),
        "six 事先告知书 issued at once: numbers 1–6, none lost, none twice", results)

    st, body, _ = o.request("GET", f"/api/v1/cases/{cid}/documents")
    items = (body or {}).get("items", [])[:3]
    tap(st == 200 and [d["index"] for d in items] == [1, 2, 3]
        and [d["template"] for d in items] == ["inquiry_transcript", "penalty_decision", "penalty_decision"],
        "the case lists its three documents in order", items)
    st, body, _ = o.request("GET", f"/api/v1/cases/{cid}/records")
    issued = [r for r in body["items"] if r["type"] == "document_issued"]
    tap(len(issued) == 9 and issued[1]["body"]["sm3"] == dec["sm3"]
        and issued[1]["body"]["signature"] == dec["signature"] and issued[1]["action"] == "issue_document",
        "each document is a document_issued record in the case chain (SM3, signature, key id)", issued[-1:])
    st, body, _ = o.request("GET", f"/api/v1/cases/{cid}/verify")
    tap(body.get("intact") is True, "the chain with the document records verifies", body)

    # the PDF bytes: hash, text, signature
    st, headers, pdf = _fetch_bytes(T, port, o, dec["pdf"])
    path = os.path.join(work, "decision.pdf")
    with open(path, "wb") as f:
        f.write(pdf)
    tap(st == 200 and headers.get("content-type") == "application/pdf" and pdf[:5] == b"%PDF-"
        and len(pdf) == dec["size"], "GET .../documents/2.pdf serves the PDF bytes", (st, headers))
    tap(_sm3_hex(pdf) == dec["sm3"] and headers.get("x-sanxiang-sm3") == dec["sm3"],
        "the served bytes hash (openssl dgst -sm3) to the recorded SM3", dec["sm3"])
    text = _pdftext(path)
    flat = "".join(text.split())
    tap("行政处罚决定书" in flat and "昆明市医疗保障局" in flat and number in flat
        and "昆医保罚决〔2026〕1号" in flat and "昆明某某医院有限公司" in flat
        and "罚款人民币4000.00元" in flat and "给予警告" in flat,
        "pdftotext: title, org, case number, document number, party, fine and warning are there", text[:1500])
    st, inq_headers, inq_pdf = _fetch_bytes(T, port, o, inq["pdf"])
    inq_path = os.path.join(work, "inquiry.pdf")
    with open(inq_path, "wb") as f:
        f.write(inq_pdf)
    flat = "".join(_pdftext(inq_path).split())
    tap(st == 200 and "询问笔录" in flat and number in flat and "医院会议室" in flat and "赵六" in flat
        and "法定代表人" in flat and "张三" in flat and "2026年11月3日" in flat,
        "pdftotext: 询问笔录 with case number, place, interviewee, role label, officers, date", flat[:800])

    st, key, _ = o.request("GET", f"/api/v1/orgs/{FIX['city']}/public-key")
    tap(st == 200 and key["algorithm"] == "SM2" and key["key_id"] == dec["key_id"]
        and "BEGIN PUBLIC KEY" in key["pem"], "GET /orgs/{id}/public-key: the org's SM2 key, same key id", key)
    ok, out = _verify(key["pem"], path, dec["signature"], work)
    tap(ok, "openssl pkeyutl -verify (SM2, SM3, ID 1234567812345678) accepts the decision's signature", out)
    ok, out = _verify(key["pem"], inq_path, inq["signature"], work)
    tap(ok, "and the 询问笔录's", out)
    bad = bytearray(pdf)
    bad[len(bad) // 2] ^= 0x01
    bad_path = os.path.join(work, "tampered.pdf")
    with open(bad_path, "wb") as f:
        f.write(bytes(bad))
    ok, out = _verify(key["pem"], bad_path, dec["signature"], work)
    tap(not ok, "one changed byte in the PDF: the signature no longer verifies", out)
    ok, out = _verify(key["pem"], path, inq["signature"], work)
    tap(not ok, "another document's signature does not verify this PDF", out)
    keyfile = os.path.join(args.work, "var", "keys", "org-KM.pem")
    mode = stat.S_IMODE(os.stat(keyfile).st_mode) if os.path.exists(keyfile) else None
    tap(mode == 0o600, "the org's private key file is mode 0600", oct(mode) if mode else keyfile)

    st, body, ctype = o.request("GET", f"/api/v1/cases/{cid}/documents/99.pdf")
    tap(T.is_problem(st, body, ctype, 404), "a document that does not exist: 404", body)
    st, body, ctype = o.request("GET", f"/api/v1/cases/{cid}/documents/..%2Fx.pdf")
    tap(st == 404, "a malformed document name: 404", st)

    # a stored PDF that no longer matches its record is never served (SQLite: drop the guard)
    if args.store == "sqlite":
        con = sqlite3.connect(args.db)
        con.execute("DROP TRIGGER document_blobs_no_update")
        old = con.execute("SELECT content FROM document_blobs WHERE sm3 = ?", (inq["sm3"],)).fetchone()[0]
        con.execute("UPDATE document_blobs SET content = ? WHERE sm3 = ?", (old[:-8] + "AAAAAAA=", inq["sm3"]))
        con.commit()
        st, body, ctype = o.request("GET", f"/api/v1/cases/{cid}/documents/1.pdf")
        tap(ctype.startswith("application/problem+json") and body.get("type", "").endswith("document-hash-mismatch"),
            "a stored PDF altered behind the store's back is refused, not served", body)
        con.execute("UPDATE document_blobs SET content = ? WHERE sm3 = ?", (old, inq["sm3"]))
        con.execute("CREATE TRIGGER document_blobs_no_update BEFORE UPDATE ON document_blobs\n"
                    "BEGIN SELECT RAISE(ABORT, 'append-only: document_blobs'); END;")
        con.commit()
        con.close()
        con = sqlite3.connect(args.db)
        try:
            con.execute("DELETE FROM document_blobs")
            tap(False, "document_blobs refuses DELETE")
        except sqlite3.DatabaseError as e:
            tap("append-only" in str(e), "document_blobs is append-only (DELETE refused)", e)
        finally:
            con.rollback()  # the refused DELETE left a transaction (and SQLite's write lock) open
            con.close()

    # CLI: an unsigned preview, recording nothing
    before = T.snapshot(args)
    prev = os.path.join(work, "preview.pdf")
    rc, out, err = cli.run("document", "render", "--case", str(cid), "--template", "prior_notice",
                           "--out", prev)
    flat = "".join(_pdftext(prev).split()) if rc == 0 else err
    tap(rc == 0 and "行政处罚事先告知书" in flat and "（预览）" in flat and "听证" in flat,
        "sanxiang document render: a preview PDF of the 事先告知书", flat[:400])
    tap(T.snapshot(args) == before, "a preview records nothing and takes no number")

    # a template with an unknown placeholder is refused when it is loaded
    root = os.path.join(work, "root")
    os.makedirs(root)
    for d in ["data", "policy", "docs"]:
        shutil.copytree(os.path.join(cli.root, d), os.path.join(root, d))
    bad_tpl = os.path.join(root, "data", "templates", "bad_notice.tpl")
    with open(bad_tpl, "w") as f:
        f.write("title: 错误示例\n---\n= {{doc.title}}\n{{record.decision.fine}}\n")
    env = {**os.environ, "SANXIANG_ROOT": root}
    p = _run([cli.bin, "document", "check", bad_tpl], env=env)
    err = p.stderr.decode()
    tap(p.returncode == 3 and "第 4 行" in err and "record.decision.fine" in err,
        "document check: unknown placeholder refused with its line", err)
    p = _run([cli.bin, "serve", "--db", args.db, "--listen", "127.0.0.1:1"], env=env)
    err = p.stderr.decode()
    tap(p.returncode != 0 and "bad_notice" in err and "第 4 行" in err,
        "the server does not start with it: the error names the file and line", err)
    p = _run([cli.bin, "document", "check", os.path.join(cli.root, "data", "templates", "penalty_decision.tpl")], env=env)
    tap(p.returncode == 0 and "无误" in p.stdout.decode(), "document check passes a shipped template",
        p.stdout.decode() + p.stderr.decode())
