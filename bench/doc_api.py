#!/usr/bin/env python3
"""doc_api: enforcement documents issued per second through the API (issue 5 point 4).

    doc_api.py SANXIANG_BINARY WORK_DIR [SECONDS]

On a fresh SQLite database (WAL, synchronous=FULL) with one org, two officers and a head, opens a
penalty case, files it and records an inquiry, then issues 询问笔录 (POST /api/v1/cases/{id}/
documents: fill, PDF, SM3, SM2, blob + document_issued record in one transaction) for SECONDS
with 1 client and with 2 concurrent clients, and prints docs/s and the median latency. Beside
it: the same clients appending `note` records while one client issues documents, to show that
rendering does not hold the store's write lock (appends keep their rate).
Stdlib only.
"""
import datetime
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time

PASSWORD = "bench-pass-2026"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Client:
    def __init__(self, port):
        self.port, self.cookie, self.csrf = port, None, None

    def req(self, method, path, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        h = {"Content-Type": "application/json"} if body is not None else {}
        if self.cookie:
            h["Cookie"] = self.cookie
        if self.csrf:
            h["X-CSRF-Token"] = self.csrf
        conn.request(method, path, body=json.dumps(body).encode() if body is not None else None, headers=h)
        r = conn.getresponse()
        data = r.read()
        headers = {k.lower(): v for k, v in r.getheaders()}
        conn.close()
        return r.status, (json.loads(data) if data and "json" in headers.get("content-type", "") else None), headers

    def login(self, user):
        st, body, headers = self.req("POST", "/api/v1/session", {"username": user, "password": PASSWORD})
        if st != 201:
            sys.exit(f"doc_api: login {user}: {st} {body}")
        self.cookie = headers["set-cookie"].split(";")[0]
        self.csrf = body["csrf_token"]


def must(st, body, what):
    if st != 201:
        sys.exit(f"doc_api: {what}: {st} {body}")
    return body


def loop(fn, seconds, n_clients):
    """Run fn(client_index) repeatedly on n_clients threads; return (ops/s, median latency ms)."""
    lat = []
    lock = threading.Lock()
    end = time.time() + seconds

    def worker(i):
        while time.time() < end:
            t0 = time.time()
            fn(i)
            with lock:
                lat.append(time.time() - t0)
    ths = [threading.Thread(target=worker, args=(i,)) for i in range(n_clients)]
    t0 = time.time()
    for t in ths:
        t.start()
    for t in ths:
        t.join()
    lat.sort()
    return len(lat) / (time.time() - t0), (lat[len(lat) // 2] * 1000 if lat else 0)


def main():
    sx, work = sys.argv[1], sys.argv[2]
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 10
    os.makedirs(work, exist_ok=True)
    db = os.path.join(work, "docs.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)

    def cli(*args, stdin=None):
        p = subprocess.run([sx, *args, "--db", db], input=stdin, capture_output=True, text=True, cwd=work)
        if p.returncode != 0:
            sys.exit(f"doc_api: {args}: {p.stderr}")
        return p.stdout.strip()
    cli("init")
    cli("org", "add", "--code", "DOCP", "--name", "基准省医疗保障局", "--short", "准", "--level", "province")
    cli("org", "add", "--code", "DOCB", "--name", "基准市医疗保障局", "--short", "基", "--level", "city",
        "--parent", "DOCP")
    ids = {}
    for u, roles, cert in [("d_o1", "officer", "99000001"), ("d_o2", "officer", "99000002"), ("d_head", "head", None)]:
        args = ["user", "add", "--username", u, "--name", "基准" + u, "--org", "DOCB", "--roles", roles,
                "--password-stdin"]
        if cert:
            args += ["--cert-no", cert, "--cert-from", "2024-01-01", "--cert-to", "2030-12-31"]
        ids[u] = int(cli(*args, stdin=PASSWORD + "\n"))
    port = free_port()
    serve = subprocess.Popen([sx, "serve", "--db", db, "--listen", f"127.0.0.1:{port}"], cwd=work,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                if Client(port).req("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        o, h = Client(port), Client(port)
        o.login("d_o1")
        h.login("d_head")
        day = (datetime.datetime.utcnow() - datetime.timedelta(days=1)).strftime("%Y-%m-%d")
        case = must(*o.req("POST", "/api/v1/cases", {
            "kind": "penalty", "source": "report", "cause": "虚构医疗服务骗取医保基金",
            "parties": [{"kind": "org", "name": "基准某医院有限公司", "uscc": "91350100M000100Y43", "legal_rep": "赵六"}],
            "officers": [ids["d_o1"], ids["d_o2"]]})[:2], "case")
        cid = case["id"]
        must(*h.req("POST", f"/api/v1/cases/{cid}/records", {"action": "file", "at": day + "T02:00:00Z", "body": {
            "source": "report", "cause": "虚构医疗服务", "reason": "证据初步表明存在违法行为", "party_summary": "某医院",
            "facts": "经核查属实", "officers": [ids["d_o1"], ids["d_o2"]], "handler_opinion": "建议立案",
            "unit_opinion": "同意", "head_opinion": "同意立案", "approver": [ids["d_head"]], "approved_on": day}})[:2], "file")
        content = "问：请介绍医院医保结算情况。\n答：我院医保结算由医保科负责，每月申报。\n" * 30
        must(*o.req("POST", f"/api/v1/cases/{cid}/records", {"action": "inquire", "at": day + "T03:00:00Z", "body": {
            "officers": [ids["d_o1"], ids["d_o2"]], "credentials_shown": True, "started_at": day + "T01:00:00Z",
            "ended_at": day + "T02:00:00Z", "place": "医院会议室", "interviewee_name": "赵六",
            "interviewee_role": "legal_rep", "rights_told": True, "content": content, "party_signed": True}})[:2], "inquire")
        clients = [Client(port) for _ in range(4)]
        for c in clients:
            c.login("d_o1")

        def issue(i):
            must(*clients[i].req("POST", f"/api/v1/cases/{cid}/documents", {"template": "inquiry_transcript"})[:2], "issue")

        def note(i):
            must(*clients[i].req("POST", f"/api/v1/cases/{cid}/records",
                                 {"action": "note", "body": {"title": "备注", "content": "基准"}})[:2], "note")
        issue(0)  # the first render on a loop loads the fonts
        rows = []
        for n in (1, 2):
            rps, p50 = loop(issue, seconds, n)
            rows.append((f"issue 询问笔录, {n} client(s)", rps, p50))
        rps, p50 = loop(lambda i: note(i + 1), seconds, 1)
        rows.append(("append note, 1 client, alone", rps, p50))
        results = {}

        def both():
            results["issue"] = loop(issue, seconds, 1)
        t = threading.Thread(target=both)
        t.start()
        rps, p50 = loop(lambda i: note(i + 1), seconds, 1)
        t.join()
        rows.append(("append note, 1 client, while another issues documents", rps, p50))
        rows.append(("  (issue 询问笔录 meanwhile)", *results["issue"]))
        print("| through the API (SQLite, release build) | per second | median ms |")
        print("|---|---|---|")
        for name, rps, p50 in rows:
            print(f"| {name} | {rps:.1f} | {p50:.1f} |")
    finally:
        serve.terminate()
        serve.wait(timeout=30)


if __name__ == "__main__":
    main()
