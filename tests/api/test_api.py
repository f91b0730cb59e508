#!/usr/bin/env python3
"""API and CLI tests of Sanxiang against a real server on one store (SQLite or PostgreSQL).

Builds its own fixture with the CLI (init, org add, user add), starts `sanxiang serve`, and
checks each user-visible promise of the foundation issue: the commands, login and sessions,
roles and org scope, the workflow with its gates, gap-free numbering, bad input answered with a
Chinese problem+json that changes nothing, paging, audit and verification. Prints TAP.
"""
import argparse
import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import traceback
import urllib.parse

PASSWORD = "secret-123"
N = 0
FAILED = 0


def tap(ok, desc, info=""):
    global N, FAILED
    N += 1
    if ok:
        print(f"ok {N} - {desc}")
    else:
        FAILED += 1
        print(f"not ok {N} - {desc}")
        for line in str(info).splitlines()[:20]:
            print(f"# {line}")
    sys.stdout.flush()
    return ok


def group(fn):
    """Run one group of checks; an exception is one failed check, not the end of the run."""
    def run(*a):
        try:
            fn(*a)
        except Exception:  # noqa: BLE001 - report and go on
            tap(False, f"{fn.__name__} raised", traceback.format_exc())
    run.__name__ = fn.__name__
    return run


class Cli:
    def __init__(self, binary, db, root):
        self.bin, self.db, self.root = binary, db, root

    def run(self, *args, stdin=None, db=True):
        cmd = [self.bin, *args] + (["--db", self.db] if db else [])
        p = subprocess.run(cmd, input=stdin, capture_output=True, text=True, cwd=self.work,
                           env={**os.environ, "SANXIANG_ROOT": self.root}, timeout=120)
        return p.returncode, p.stdout, p.stderr


class Client:
    """One browser-like session: cookie jar of one cookie plus the CSRF token."""

    def __init__(self, port):
        self.port = port
        self.cookie = None
        self.csrf = None
        self.token = None
        self.last_headers = {}

    def request(self, method, path, body=None, raw=None, headers=None, csrf=True):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        h = {}
        if body is not None:
            raw = json.dumps(body).encode()
        if raw is not None:
            h["Content-Type"] = "application/json"
        if self.cookie:
            h["Cookie"] = self.cookie
        if self.csrf and csrf:
            h["X-CSRF-Token"] = self.csrf
        if self.token:
            h["Authorization"] = "Bearer " + self.token
        h.update(headers or {})
        conn.request(method, path, body=raw, headers=h)
        r = conn.getresponse()
        data = r.read()
        self.last_headers = {k.lower(): v for k, v in r.getheaders()}
        conn.close()
        ctype = self.last_headers.get("content-type", "")
        parsed = None
        if data and "json" in ctype:
            parsed = json.loads(data)
        return r.status, parsed, ctype

    def login(self, username, password=PASSWORD):
        st, body, _ = self.request("POST", "/api/v1/session",
                                   {"username": username, "password": password})
        if st == 201:
            set_cookie = self.last_headers.get("set-cookie", "")
            self.cookie = set_cookie.split(";")[0]
            self.csrf = body["csrf_token"]
        return st, body


def oversized_post(c, path, size):
    """Announce a body over the limit and send part of it: the server answers 413 early."""
    s = socket.create_connection(("127.0.0.1", c.port), timeout=30)
    head = (f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Cookie: {c.cookie}\r\nX-CSRF-Token: {c.csrf}\r\nContent-Length: {size}\r\n\r\n")
    s.sendall(head.encode())
    try:
        s.sendall(b"[" + b"1," * 65536)
    except OSError:
        pass
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    s.close()
    text = data.decode("utf-8", "replace")
    try:
        status = int(text.split(" ", 2)[1])
    except (IndexError, ValueError):
        status = 0
    return status, text.split("\r\n\r\n")[0]


def is_problem(status, body, ctype, want_status):
    return (status == want_status and ctype.startswith("application/problem+json")
            and isinstance(body, dict) and body.get("status") == want_status
            and any("\u4e00" <= ch <= "\u9fff" for ch in body.get("title", "")))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    def __init__(self, cli, port):
        self.cli, self.port = cli, port
        self.proc = subprocess.Popen(
            [cli.bin, "serve", "--db", cli.db, "--listen", f"127.0.0.1:{port}", "--threads", "2"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cli.work,
            env={**os.environ, "SANXIANG_ROOT": cli.root})
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                st, _, _ = Client(port).request("GET", "/healthz")
                if st == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("server did not start: " + self.proc.stderr.read())

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            out, err = self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
        return self.proc.returncode, err


# ---- fixture ----

FIX = {}


def fixture(cli):
    def must(*args, stdin=None):
        rc, out, err = cli.run(*args, stdin=stdin)
        if rc != 0:
            raise RuntimeError(f"{args}: {rc} {err}")
        return out.strip()

    must("init")
    FIX["prov"] = int(must("org", "add", "--code", "YN", "--name", "云南省医疗保障局", "--short", "滇",
                           "--level", "province"))
    FIX["city"] = int(must("org", "add", "--code", "KM", "--name", "昆明市医疗保障局", "--short", "昆",
                           "--level", "city", "--parent", "YN", "--policy", "yunnan"))
    FIX["city2"] = int(must("org", "add", "--code", "QJ", "--name", "曲靖市医疗保障局", "--short", "曲",
                            "--level", "city", "--parent", "YN"))
    users = [
        ("admin", "管理员", "YN", "admin", None),
        ("yn.head", "省局负责人", "YN", "head,supervisor", None),
        ("km.off1", "张三", "KM", "officer", ("53010001", "2024-01-01", "2030-12-31")),
        ("km.off2", "李四", "KM", "officer", ("53010002", "2024-01-01", "2030-12-31")),
        ("km.old", "王旧证", "KM", "officer", ("53010003", "2019-01-01", "2023-12-31")),
        ("km.head", "赵负责", "KM", "head", None),
        ("km.rev", "钱审核", "KM", "reviewer", None),
        ("km.arch", "孙归档", "KM", "archivist", None),
        ("km.rate", "限流测试", "KM", "publisher", None),
        ("qj.off1", "周曲靖", "QJ", "officer", ("53030001", "2024-01-01", "2030-12-31")),
        ("qj.off2", "吴曲靖", "QJ", "officer", ("53030002", "2024-01-01", "2030-12-31")),
    ]
    for username, name, org, roles, cert in users:
        args = ["user", "add", "--username", username, "--name", name, "--org", org, "--roles", roles,
                "--password-stdin"]
        if cert:
            args += ["--cert-no", cert[0], "--cert-from", cert[1], "--cert-to", cert[2]]
        FIX[username] = int(must(*args, stdin=PASSWORD + "\n"))


PERSON_ID = "11010519491231002X"   # GB 11643 example number
ORG_USCC = "91350100M000100Y43"      # valid GB 32100 check character


def new_case(c, officers=None, parties=None, kind="penalty"):
    return c.request("POST", "/api/v1/cases", {
        "kind": kind, "source": "report", "cause": "虚构医疗服务骗取医保基金",
        "parties": parties or [{"kind": "org", "name": "昆明某某医院有限公司", "uscc": ORG_USCC,
                                "legal_rep": "赵六"}],
        "officers": officers or [FIX["km.off1"], FIX["km.off2"]]})


def filing_body():
    return {"source": "report", "cause": "虚构医疗服务", "reason": "证据初步表明存在违法行为",
            "party_summary": "某医院", "facts": "经核查属实", "officers": [FIX["km.off1"], FIX["km.off2"]],
            "handler_opinion": "建议立案", "unit_opinion": "同意", "head_opinion": "同意立案",
            "approver": [FIX["km.head"]], "approved_on": "2026-11-02"}


def inquiry_body(officers):
    return {"officers": officers, "credentials_shown": True, "started_at": "2026-11-03T01:00:00Z",
            "ended_at": "2026-11-03T02:00:00Z", "place": "医院会议室", "interviewee_name": "赵六",
            "interviewee_role": "legal_rep", "rights_told": True, "content": "问：……答：……",
            "party_signed": True}


def step(c, case_id, action, body, at=None):
    payload = {"action": action, "body": body}
    if at:
        payload["at"] = at
    return c.request("POST", f"/api/v1/cases/{case_id}/records", payload)


# ---- state snapshots: a rejected request must change nothing ----

TABLES = ["orgs", "users", "api_tokens", "counters", "cases", "parties", "case_officers",
          "records", "calendar_days", "calendar_years", "settings", "schema_migrations"]


def snapshot(args):
    out = {}
    if args.store == "sqlite":
        con = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
        for t in TABLES:
            out[t] = con.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()
        con.close()
    else:
        for t in TABLES:
            p = subprocess.run(["psql", "-At", args.db, "-c", f"SELECT * FROM {t} ORDER BY 1, 2"],
                               capture_output=True, text=True, check=True)
            out[t] = p.stdout
    return out


# ---- groups ----

@group
def cli_commands(cli):
    rc, out, _ = cli.run("--help", db=False)
    tap(rc == 0 and "workdays" in out and "verify" in out, "sanxiang --help lists the commands")
    for cmd in ["init", "serve", "org", "user", "verify", "workdays", "calendar", "demo", "policy",
                "review-scope"]:
        rc, out, _ = cli.run(cmd, "--help", db=False)
        tap(rc == 0 and "用法" in out, f"sanxiang {cmd} --help prints usage")
    rc, _, err = cli.run("frobnicate", db=False)
    tap(rc == 2 and len(err.strip().splitlines()) == 1, "unknown command: exit 2, one stderr line")
    rc, out, _ = cli.run("workdays", "add", "2024-09-30", "5")
    tap(rc == 0 and out == "2024-10-12\n", "workdays add across National Day 2024", out)
    rc, out, _ = cli.run("workdays", "add", "2024-02-02", "1")
    tap(rc == 0 and out == "2024-02-04\n", "make-up working day 2024-02-04 counts", out)
    rc, out, _ = cli.run("workdays", "between", "2024-09-30", "2024-10-12")
    tap(rc == 0 and out.strip() == "5", "workdays between is the inverse of add", out)
    rc, out, err = cli.run("workdays", "add", "2026-02-30", "1")
    tap(rc == 3 and out == "" and len(err.strip().splitlines()) == 1 and "日期" in err,
        "non-existent date: exit 3 with one clear line", err)
    rc, out, err = cli.run("workdays", "add", "2026-12-20", "20")
    tap(rc == 3 and "--provisional" in err, "past the newest loaded year: error naming --provisional", err)
    rc, out, err = cli.run("workdays", "add", "2026-12-20", "20", "--provisional")
    tap(rc == 0 and out.strip().startswith("2027-") and err.strip() != "",
        "--provisional gives a weekday-only date and a warning", out + err)
    rc, out, err = cli.run("org", "add", "--code", "X1", "--name", "某局", "--short", "某",
                           "--level", "galaxy")
    tap(rc == 3 and "层级" in err, "org add with an invalid level: exit 3", err)
    rc, out, err = cli.run("user", "add", "--username", "nocert", "--name", "无证", "--org", "KM",
                           "--roles", "officer", "--password-stdin", stdin=PASSWORD + "\n")
    tap(rc == 3 and "执法证" in err, "officer without credential refused", err)
    rc, out, err = cli.run("user", "add", "--username", "badrole", "--name", "某", "--org", "KM",
                           "--roles", "officer,boss", "--password-stdin", stdin=PASSWORD + "\n")
    tap(rc == 3 and "boss" in err, "unknown role named in the error", err)
    rc, out, _ = cli.run("user", "list")
    tap(rc == 0 and "km.off1" in out and "53010001" in out, "user list shows officers and credentials")
    rc, out, _ = cli.run("org", "list")
    tap(rc == 0 and "昆明市医疗保障局" in out, "org list shows the tree")
    rc, out, err = cli.run("review-scope", "--policy", "hebei", "--case",
                           '{"kind":"penalty","procedure":"general","party_type":"org"}', db=False)
    res = json.loads(out) if rc == 0 else {}
    tap(rc == 0 and len(out.strip().splitlines()) == 1 and res.get("required") is True,
        "review-scope: every general-procedure penalty needs review in Hebei (河北 四(二))", out + err)
    rc, out, err = cli.run("review-scope", "--policy", "hebei", "--case", '{"kind":1}', db=False)
    tap(rc == 3 and len(err.strip().splitlines()) == 1 and out == "", "review-scope: bad case JSON exits 3 with one line", err)
    bad = os.path.join(cli.work, "bad-policy.json")
    with open(bad, "w") as f:
        f.write('{\n  "name": {"value": "bad", "source": "x"},\n  "colour": {"value": 1, "source": "y"}\n}\n')
    rc, out, err = cli.run("policy", "check", bad, db=False)
    tap(rc == 3 and "bad-policy.json:" in err and ":3:" in err, "policy check names the file and line of each error", err)


@group
def calendar_import(cli, args):
    bad = os.path.join(cli.work, "2027.csv")
    with open(bad, "w") as f:
        f.write("date,off_day,name\n2027-01-01,1,元旦\n2027-02-30,1,春节\n")
    before = snapshot(args)
    rc, _, err = cli.run("calendar", "import", bad)
    tap(rc == 3 and "第3行" in err.replace(" ", ""), "bad calendar file: error names the line", err)
    tap(snapshot(args) == before, "a rejected calendar import changes nothing")
    with open(bad, "w") as f:
        f.write("date,off_day,name\n2027-01-01,1,元旦\n2027-01-02,1,元旦\n2027-01-03,1,元旦\n")
    rc, out, err = cli.run("calendar", "import", bad)
    tap(rc == 0, "a valid 2027.csv imports", err)
    rc, out, err = cli.run("workdays", "add", "2026-12-31", "1")
    tap(rc == 0 and out.strip() == "2027-01-04", "the imported year is used without --provisional",
        out + err)


@group
def http_basics(c):
    st, body, ctype = c.request("GET", "/healthz")
    tap(st == 200 and body == {"status": "ok"}, "/healthz")
    st, body, ctype = c.request("GET", "/api/v1/openapi.json")
    tap(st == 200 and "/api/v1/cases/{id}/records" in body["paths"], "openapi.json is served")
    st, body, ctype = c.request("GET", "/api/v1/nothing-here")
    tap(is_problem(st, body, ctype, 404), "unknown route: 404 problem+json in Chinese", body)
    st, body, ctype = c.request("PUT", "/healthz")
    tap(st == 405, "wrong method: 405")
    st, body, ctype = c.request("GET", "/api/v1/cases")
    tap(is_problem(st, body, ctype, 401), "cases need a login: 401", body)
    st, body, ctype = c.request("GET", "/api/v1/workdays/add?date=2024-09-30&n=5")
    tap(st == 200 and body["result"] == "2024-10-12", "workdays over HTTP", body)
    st, body, ctype = c.request("GET", "/api/v1/workdays/add?date=2024-13-01&n=5")
    tap(is_problem(st, body, ctype, 400) and body.get("field") == "date", "bad date over HTTP: 400 naming the field", body)


@group
def login_and_sessions(port):
    c = Client(port)
    st, body = c.login("km.off1", "wrong-password")
    tap(st == 401 and body["title"] == "用户名或密码错误", "wrong password: 401 in Chinese", body)
    st, body = c.login("km.off1")
    tap(st == 201 and body["user"]["username"] == "km.off1", "login", body)
    sc = c.last_headers.get("set-cookie", "")
    tap("HttpOnly" in sc and "SameSite=Strict" in sc, "session cookie is HttpOnly, SameSite=Strict", sc)
    st, body, _ = c.request("GET", "/api/v1/me")
    tap(st == 200 and body["roles"] == "officer", "/me", body)
    st, body, ctype = c.request("POST", "/api/v1/tokens", {"name": "x"}, csrf=False)
    tap(is_problem(st, body, ctype, 403) and "CSRF" in body["title"], "unsafe request without CSRF token: 403", body)
    st, body, _ = c.request("POST", "/api/v1/tokens", {"name": "对接平台"})
    tap(st == 201 and len(body["token"]) == 64, "API token created", body)
    m = Client(port)
    m.token = body["token"]
    st, body, _ = m.request("GET", "/api/v1/me")
    tap(st == 200 and body["via_token"] is True, "bearer token authenticates a machine client", body)
    st, _, _ = c.request("DELETE", "/api/v1/session")
    tap(st == 204, "logout")
    st, body, ctype = c.request("GET", "/api/v1/me")
    tap(is_problem(st, body, ctype, 401), "the session ends at logout", body)
    # rate limiting: failures for one username
    r = Client(port)
    codes = [r.login("km.rate", "nope")[0] for _ in range(6)]
    st, body = r.login("km.rate")
    tap(codes[:5] == [401] * 5 and codes[5] == 429 and st == 429, "login rate limit after 5 failures", codes)


@group
def admin_and_roles(port, args):
    a = Client(port)
    a.login("admin")
    st, body, _ = a.request("POST", "/api/v1/orgs", {"code": "WH", "name": "五华区医疗保障局",
                                                     "short_name": "五华", "level": "county",
                                                     "parent_id": FIX["city"]})
    tap(st == 201 and body["policy"] == "national", "admin creates a county under a city", body)
    before = snapshot(args)
    bad = [
        ({"code": "WH", "name": "重复", "short_name": "重", "level": "county", "parent_id": FIX["city"]}, 409, "code"),
        ({"code": "BAD1", "name": "县在省下", "short_name": "县", "level": "county", "parent_id": FIX["prov"]}, 400, "level"),
        ({"code": "BAD2", "name": "某", "short_name": "某", "level": "moon"}, 400, "level"),
        ({"code": "BAD3", "name": "某", "short_name": "某", "level": "city", "parent_id": 99999}, 400, "parent_id"),
        ({"code": "BAD4", "name": "某", "short_name": "某", "level": "province", "colour": "red"}, 400, "colour"),
        ({"code": 5, "name": "某", "short_name": "某", "level": "province"}, 400, "code"),
        ({"code": "BAD5", "name": "某", "short_name": "某", "level": "province", "policy": "mars"}, 400, "policy"),
    ]
    for payload, want, field in bad:
        st, body, ctype = a.request("POST", "/api/v1/orgs", payload)
        tap(is_problem(st, body, ctype, want) and body.get("field") == field,
            f"bad org ({field}): {want} naming the field", body)
    for payload, field in [
        ({"username": "x1", "display_name": "某", "org_id": FIX["city"], "roles": "officer", "password": PASSWORD,
          "cert_no": "1", "cert_valid_from": "2026-01-01", "cert_valid_to": "2026-02-30"}, "cert_valid_to"),
        ({"username": "x2", "display_name": "某", "org_id": FIX["city"], "roles": "officer", "password": PASSWORD}, "cert_no"),
        ({"username": "x3", "display_name": "某", "org_id": FIX["city"], "roles": "head", "password": "short"}, "password"),
        ({"username": "km.off1", "display_name": "某", "org_id": FIX["city"], "roles": "head", "password": PASSWORD}, "username"),
    ]:
        st, body, ctype = a.request("POST", "/api/v1/users", payload)
        tap(st in (400, 409) and ctype.startswith("application/problem+json") and body.get("field") == field,
            f"bad user ({field}) refused", body)
    tap(snapshot(args) == before, "rejected admin requests changed nothing")
    o = Client(port)
    o.login("km.off1")
    st, body, ctype = o.request("POST", "/api/v1/orgs", {"code": "ZZ", "name": "某", "short_name": "某",
                                                         "level": "province"})
    tap(is_problem(st, body, ctype, 403), "an officer may not create orgs: 403", body)
    st, body, ctype = a.request("GET", "/api/v1/cases")
    tap(is_problem(st, body, ctype, 403), "admin reads no case content (DESIGN §6)", body)
    st, body, _ = a.request("GET", "/api/v1/audit?limit=200")
    actions = [(e["action"], e["outcome"]) for e in body["items"]]
    tap(("login", "failed") in actions and any(o_ == "denied" for _, o_ in actions),
        "logins, failures and denials are audited", actions[-10:])
    st, body, _ = a.request("POST", f"/api/v1/users/{FIX['km.arch']}/disable")
    tap(st == 200 and body["disabled"] is True, "admin disables a user", body)
    st, _ = Client(port).login("km.arch")
    tap(st == 401, "a disabled user cannot log in")


@group
def case_flow(port, args, cli):
    o = Client(port)
    o.login("km.off1")
    h = Client(port)
    h.login("km.head")
    before = snapshot(args)
    bad_cases = [
        ({"parties": [{"kind": "person", "name": "某人", "id_number": "110105194912310021"}]}, "id_number"),
        ({"parties": [{"kind": "person", "name": "某人", "id_number": "11010519491331002X"}]}, "id_number"),
        ({"parties": [{"kind": "org", "name": "某公司", "uscc": "91350100M000100Y44", "legal_rep": "某"}]}, "uscc"),
        ({"parties": [{"kind": "org", "name": "某公司", "uscc": ORG_USCC}]}, "parties"),
        ({"officers": [FIX["km.off1"]]}, "officers"),
        ({"officers": [FIX["km.off1"], FIX["qj.off1"]]}, "officers"),
    ]
    for extra, field in bad_cases:
        st, body, ctype = new_case(o, **{k: v for k, v in extra.items()})
        tap(ctype.startswith("application/problem+json") and 400 <= st < 500 and field in (body.get("field") or ""),
            f"bad case ({field}) refused with a problem naming it", body)
    st, body, ctype = o.request("POST", "/api/v1/cases", raw=b'{"kind": "penalty", ')
    tap(is_problem(st, body, ctype, 400), "malformed JSON: 400", body)
    st, head = oversized_post(o, "/api/v1/cases", 6 << 20)
    tap(st == 413 and "application/problem+json" in head, "oversized body: 413 problem+json", head)
    st, body, ctype = o.request("POST", "/api/v1/cases", raw=b"{}", headers={"Content-Type": "text/plain"})
    tap(st == 415, "wrong content type: 415", st)
    tap(snapshot(args) == before, "rejected case requests changed nothing (byte for byte)")

    st, body, _ = new_case(o, parties=[{"kind": "person", "name": "张某", "id_number": PERSON_ID}])
    tap(st == 201 and body["state"] == "clue" and body["number"] is None and body["record_count"] == 1,
        "case opened as a clue with its opening record", body)
    cid = body["id"]
    tap(len(body["officers"]) == 2 and body["parties"][0]["id_number"] == PERSON_ID, "case page lists officers and parties")
    nxt = {n["action"]: n for n in body["next_actions"]}
    tap(nxt["file"]["allowed"] is False and "无权" in nxt["file"]["blocked"]["title"],
        "a blocked next action carries the rule that blocks it", nxt.get("file"))

    before = snapshot(args)
    st, body, ctype = step(o, cid, "file", filing_body())
    tap(is_problem(st, body, ctype, 403) and body.get("source"), "an officer may not file a case: 403 with source", body)
    st, body, ctype = step(h, cid, "inquire", inquiry_body([FIX["km.off1"], FIX["km.off2"]]))
    tap(is_problem(st, body, ctype, 409), "out-of-order step: 409", body)
    st, body, ctype = step(h, cid, "fly", {})
    tap(is_problem(st, body, ctype, 400) and body.get("field") == "action", "unknown action: 400", body)
    b = filing_body()
    b["colour"] = "red"
    st, body, ctype = step(h, cid, "file", b)
    tap(is_problem(st, body, ctype, 400) and body.get("field") == "colour", "unknown field in a record: 400", body)
    b = filing_body()
    del b["facts"]
    st, body, ctype = step(h, cid, "file", b)
    tap(is_problem(st, body, ctype, 400) and body.get("field") == "facts", "missing required field: 400", body)
    b = filing_body()
    b["approved_on"] = "2026-02-30"
    st, body, ctype = step(h, cid, "file", b)
    tap(is_problem(st, body, ctype, 400) and body.get("field") == "approved_on", "non-existent date: 400", body)
    st, body, ctype = step(h, cid, "file", filing_body(), at="2999-01-01T00:00:00Z")
    tap(is_problem(st, body, ctype, 400) and body.get("field") == "at", "a step in the future is refused", body)
    tap(snapshot(args) == before, "rejected steps changed nothing (byte for byte)")

    st, body, _ = step(h, cid, "file", filing_body(), at="2026-11-02T02:00:00Z")
    tap(st == 201 and body["state"] == "filed" and body["number"] == "昆医保罚〔2026〕1号",
        "filing issues the number from the org pattern", body)
    tap(body["record"]["body"]["case_number"] == body["number"], "the number is in the filing record (chained)")

    before = snapshot(args)
    st, body, ctype = step(o, cid, "inquire", inquiry_body([FIX["km.off1"]]), at="2026-11-03T02:00:00Z")
    tap(is_problem(st, body, ctype, 422) and "两名" in body["title"] and "YN-1-08" in body["source"],
        "on-site step with one officer: 422 citing 云南 附件1 第八条", body)
    st, body, ctype = step(o, cid, "inquire", inquiry_body([FIX["km.off1"], FIX["km.old"]]), at="2026-11-03T02:00:00Z")
    tap(is_problem(st, body, ctype, 422), "an officer who is not on the case cannot be recorded: 422", body)
    tap(snapshot(args) == before, "refused gates changed nothing")

    flow = [
        (o, "inquire", inquiry_body([FIX["km.off1"], FIX["km.off2"]]), "investigating"),
        (o, "end_investigation", None, "investigation_ended"),
        (o, "submit_review", None, "reviewing"),
        (o, "prior_notice", {"period_days": 5}, "notified"),
    ]
    ok = run_flow(o, h, cid, flow, "2026-11-03")
    tap(ok, "case walks 立案 → 调查取证 → 调查终结 → 审核 → 事先告知")
    st, body, ctype = step(h, cid, "decide", fill("decision", {"fine_fen": 400000}, "2026-11-05"), at="2026-11-05T02:00:00Z")
    tap(is_problem(st, body, ctype, 422) and "陈述" in body["title"], "no decision before the statement period ends", body)
    ok = run_flow(o, h, cid, [
        (o, "record_statement", {"waived": True}, "notified"),
        (h, "decide", {"fine_fen": 400000}, "decided"),
        (o, "serve_decision_direct", {"officers": [FIX["km.off1"], FIX["km.off2"]]}, "served"),
        (o, "record_performance", None, "executing"),
        (h, "close", None, "closed"),
    ], "2026-11-06")
    tap(ok, "waived statement → 决定 → 送达 → 执行 → 结案")
    st, body, _ = o.request("GET", f"/api/v1/cases/{cid}")
    tap(body["amounts"]["fine_fen"] == 400000, "the decision's fine is on the case", body.get("amounts"))
    ok = run_flow(o, h, cid, [(o, "archive", None, "archived")], "2026-11-20")
    tap(ok, "归档 ends the case")
    st, body, ctype = step(o, cid, "note", {"title": "x", "content": "y"})
    tap(is_problem(st, body, ctype, 409), "an archived case accepts nothing", body)
    st, body, _ = o.request("GET", f"/api/v1/cases/{cid}/records")
    recs = body["items"]
    tap([r["seq"] for r in recs] == list(range(1, len(recs) + 1)) and
        all(recs[i]["prev_hash"] == recs[i - 1]["hash"] for i in range(1, len(recs))),
        "records form an SM3 chain", [r["seq"] for r in recs])
    st, body, _ = o.request("GET", f"/api/v1/cases/{cid}/verify")
    tap(body["intact"] is True and body["records"] == len(recs), "per-case verification", body)
    FIX["archived_case"] = cid

    # correction is a new record pointing at the old one
    st, body, _ = new_case(o)
    cid2 = body["id"]
    st, body, _ = step(o, cid2, "note", {"title": "现场情况", "content": "误记为三楼"})
    rid = body["record"]["id"]
    st, body, _ = step(o, cid2, "correct", {"corrects": rid, "reason": "笔误", "content": "应为二楼"})
    tap(st == 201 and body["record"]["corrects"] == rid, "a correction is a new record pointing at the old", body)
    st, body, ctype = step(o, cid2, "correct", {"corrects": recs[0]["id"], "reason": "x", "content": "y"})
    tap(is_problem(st, body, ctype, 400), "a correction cannot point at another case's record", body)


CATALOG = {}


def fill(type_key, overrides, date, fields=None):
    """A valid body for a record type built from the catalogue's field list."""
    body = {}
    for f in fields if fields is not None else CATALOG[type_key]["fields"]:
        if not f["required"]:
            continue
        name, ty = f["name"], f["type"]
        if ty in ("string", "text"):
            body[name] = f["label_zh"][:20] + "内容"
        elif ty == "date":
            body[name] = date
        elif ty == "datetime":
            body[name] = date + "T02:00:00Z"
        elif ty == "bool":
            body[name] = True
        elif ty == "enum":
            body[name] = f["values"][0]["value"]
        elif ty in ("int", "money_fen"):
            body[name] = 5
        elif ty == "user_ids":
            body[name] = [FIX["km.off1"], FIX["km.off2"]] if name == "officers" else [FIX["km.head"]]
        elif ty == "string_list":
            body[name] = ["一", "二", "三"][:max(1, f.get("min_items", 1))]
        elif ty == "object":
            body[name] = fill(None, None, date, f.get("fields", []))
    body.update(overrides or {})
    return body


def run_flow(o, h, cid, flow, date):
    for who, action, overrides, want in flow:
        wf = WORKFLOW[action]
        body = fill(wf["record_type"], overrides, date)
        st, res, _ = step(who, cid, action, body, at=date + "T03:00:00Z")
        if st != 201 or res["state"] != want:
            tap(False, f"step {action}", res)
            return False
    return True


WORKFLOW = {}


@group
def load_meta(port):
    c = Client(port)
    c.login("km.off1")
    st, body, _ = c.request("GET", "/api/v1/record-types")
    for t in body["items"]:
        CATALOG[t["key"]] = t
    tap(st == 200 and len(CATALOG) >= 60 and CATALOG["inquiry_transcript"]["onsite"] is True,
        "record catalogue over HTTP", len(CATALOG))
    st, body, _ = c.request("GET", "/api/v1/workflows/penalty")
    for a in body["actions"]:
        WORKFLOW[a["key"]] = a
    tap(st == 200 and body["initial"] == "clue" and "decide" in WORKFLOW, "penalty workflow over HTTP")


@group
def legal_review_loop(port):
    """云南 附件3 第七、十一、十四条; 湖北 附件3 第六、十八条: the review loop's order and who reviews."""
    o, h, rv = Client(port), Client(port), Client(port)
    o.login("km.off1")
    h.login("km.head")
    rv.login("km.rev")
    d = "2026-11-16"
    off = [FIX["km.off1"], FIX["km.off2"]]

    def open_for_review():
        st, body, _ = new_case(o)
        cid = body["id"]
        ok = run_flow(o, h, cid, [(h, "file", None, "filed"),
                                  (o, "inquire", {"officers": off}, "investigating"),
                                  (o, "end_investigation", None, "investigation_ended"),
                                  (o, "submit_review", None, "reviewing")], d)
        return cid if ok else None

    cid = open_for_review()
    tap(cid is not None, "a case reaches 审核")

    def req(reviewer, **extra):
        return step(o, cid, "request_legal_review",
                    fill("legal_review_request", {"reviewer": [reviewer], **extra}, d), at=d + "T04:00:00Z")

    def opinion(client, value, who=None, on=d):
        return step(client, cid, "legal_review",
                    fill("legal_review_opinion", {"reviewer": [who or FIX["km.rev"]], "opinion": value,
                                                   "reviewed_on": on}, on), at=on + "T05:00:00Z")

    body = fill("legal_review_request", {"reviewer": [FIX["km.rev"]]}, d)
    del body["explanation"]["facts"]
    st, res, ctype = step(o, cid, "request_legal_review", body)
    tap(is_problem(st, res, ctype, 400) and "facts" in (res.get("field") or ""),
        "missing point of the 7-point explanation: 400 naming it (云南 附件3 第九条)", res)
    st, res, ctype = req(FIX["km.off1"])
    tap(is_problem(st, res, ctype, 422) and "HB-3-06" in res["source"],
        "a case officer cannot be the reviewer: 422 citing 湖北 附件3 第六条", res)
    st, res, ctype = opinion(rv, "agree")
    tap(is_problem(st, res, ctype, 409), "an opinion without a submission: 409", res)
    st, res, _ = req(FIX["km.rev"])
    tap(st == 201, "submitted for legal review with the materials", res)
    st, res, ctype = req(FIX["km.rev"])
    tap(is_problem(st, res, ctype, 409), "a second submission while one is pending: 409", res)
    st, res, ctype = opinion(h, "agree", who=FIX["km.head"])
    tap(st in (403, 409, 422) and ctype.startswith("application/problem+json"),
        "only the assigned reviewer gives the opinion", res)
    st, res, _ = opinion(rv, "disagree")
    tap(st == 201 and res["record"]["body"]["checklist"]["facts"]["result"] == "pass",
        "the reviewer's opinion with its 10-point checklist is a record", res)
    tap(st == 201 and res["record"]["body"].get("opinion_no", "").startswith("昆医保法审〔2026〕")
        and len(res["record"]["body"]["copies"]) == 3,
        "the opinion document is numbered and its three copies recorded (云南 附件3 第十三条)", res)
    st, res, _ = step(o, cid, "request_re_review", fill("re_review_request", None, d), at=d + "T06:00:00Z")
    tap(st == 201, "the unit asks for re-review within 2 working days", res)
    st, res, ctype = step(o, cid, "request_re_review", fill("re_review_request", None, d), at=d + "T06:30:00Z")
    tap(is_problem(st, res, ctype, 409) and "一次" in res["title"], "re-review only once: 409", res)
    st, res, _ = step(rv, cid, "re_review", fill("re_review_opinion", {"reviewer": [FIX["km.rev"]],
                                                                      "opinion": "disagree"}, d),
                      at=d + "T07:00:00Z")
    tap(st == 201, "the reviewer answers the re-review", res)
    disc = fill("collective_discussion", {"participants": [FIX["km.head"], FIX["km.off1"], FIX["km.rev"]],
                                          "review_resolution": "proceed"}, d)
    st, res, _ = step(h, cid, "discuss", disc, at=d + "T08:00:00Z")
    tap(st == 201 and res["state"] == "discussed",
        "still in dispute: the head decides by collective discussion, recorded with participants", res)

    body = fill("extension", {"approver": [FIX["km.off2"]], "target": "case_period", "days": 30}, d)
    st, res, ctype = step(h, cid, "extend", body, at=d + "T09:00:00Z")
    tap(is_problem(st, res, ctype, 422) and res.get("field") == "approver",
        "an extension approved by someone who is not a head: 422", res)
    body["approver"] = [FIX["km.head"]]
    st, res, _ = step(h, cid, "extend", body, at=d + "T09:10:00Z")
    tap(st == 201, "an extension approved by the head, with its reason", res)

    cid = open_for_review()
    st, res, _ = req(FIX["km.rev"])
    st, res, _ = opinion(rv, "change", on="2026-11-02")
    st, res, ctype = step(o, cid, "request_re_review", fill("re_review_request", None, d), at=d + "T06:00:00Z")
    tap(is_problem(st, res, ctype, 422) and "期限" in res["title"],
        "re-review asked after 2 working days: 422", res)


@group
def review_gate(port):
    """The gate: no major decision before legal review passed (云南 附件3 第三、六条), except an
    emergency decision recorded with its reason (第七条)."""
    o, h, rv = Client(port), Client(port), Client(port)
    o.login("km.off1")
    h.login("km.head")
    rv.login("km.rev")
    d = "2026-11-17"
    off = [FIX["km.off1"], FIX["km.off2"]]
    person = [{"kind": "person", "name": "张某", "id_number": PERSON_ID}]

    def to_notified(categories=None):
        payload = {"kind": "penalty", "source": "report", "cause": "虚构医疗服务骗取医保基金",
                   "parties": person, "officers": off}
        if categories:
            payload["categories"] = categories
        st, body, _ = o.request("POST", "/api/v1/cases", payload)
        cid = body["id"]
        ok = run_flow(o, h, cid, [(h, "file", None, "filed"),
                                  (o, "inquire", {"officers": off}, "investigating"),
                                  (o, "end_investigation", None, "investigation_ended"),
                                  (o, "submit_review", None, "reviewing"),
                                  (o, "prior_notice", {"period_days": 5, "proposed_fine_fen": 500000}, "notified"),
                                  (o, "record_statement", {"waived": True}, "notified")], d)
        return cid if ok else None

    def decide(cid, **extra):
        return step(h, cid, "decide", fill("decision", {"fine_fen": 500000, **extra}, d),
                    at=d + "T09:00:00Z")

    cid = to_notified()
    st, res, _ = h.request("GET", f"/api/v1/cases/{cid}")
    nxt = {n["action"]: n for n in res["next_actions"]}
    tap("decide" in nxt and nxt["decide"]["allowed"] is False and "法制审核" in nxt["decide"]["blocked"]["title"],
        "the case page shows 决定 blocked by the legal-review rule", nxt.get("decide"))
    st, res, ctype = decide(cid)
    tap(is_problem(st, res, ctype, 422) and res["type"].endswith("legal-review-required"),
        "a 5,000-yuan fine on a person under the Yunnan preset needs legal review first: 422", res)
    st, res, _ = decide(cid, fine_fen=499999)
    tap(st == 201, "4,999.99 yuan is below the Yunnan threshold: decided without review", res)
    FIX["decided_unserved"] = cid

    cid = to_notified()
    step(o, cid, "request_legal_review", fill("legal_review_request", {"reviewer": [FIX["km.rev"]]}, d), at=d + "T06:00:00Z")
    step(rv, cid, "legal_review", fill("legal_review_opinion", {"reviewer": [FIX["km.rev"]], "opinion": "change"}, d), at=d + "T07:00:00Z")
    st, res, ctype = decide(cid)
    tap(is_problem(st, res, ctype, 422), "an opinion other than 同意 keeps the gate shut", res)
    step(o, cid, "request_legal_review", fill("legal_review_request", {"reviewer": [FIX["km.rev"]]}, d), at=d + "T07:30:00Z")
    step(rv, cid, "legal_review", fill("legal_review_opinion", {"reviewer": [FIX["km.rev"]], "opinion": "agree"}, d), at=d + "T08:00:00Z")
    st, res, _ = decide(cid)
    tap(st == 201 and res["state"] == "decided", "after resubmission and 同意 the decision is made", res)

    cid = to_notified(["complex"])
    st, res, ctype = decide(cid, fine_fen=100000)
    tap(is_problem(st, res, ctype, 422) and res["type"].endswith("legal-review-required"),
        "a complex case (opened with that category) needs review whatever the fine (行政处罚法 第五十八条)", res)
    st, body, ctype = o.request("POST", "/api/v1/cases", {
        "kind": "penalty", "source": "report", "cause": "x", "parties": person, "officers": off,
        "categories": ["boring"]})
    tap(is_problem(st, body, ctype, 400) and body.get("field") == "categories", "an unknown category: 400", body)

    cid = to_notified()
    st, res, ctype = decide(cid, emergency=True)
    tap(is_problem(st, res, ctype, 400) and res.get("field") == "emergency_reason",
        "an emergency decision needs its reason", res)
    st, res, _ = decide(cid, emergency=True, emergency_reason="当事人正在转移医保基金，需立即制止")
    tap(st == 201, "an emergency decision is allowed with its recorded reason (云南 附件3 第七条)", res)


@group
def review_scope_api(port):
    c = Client(port)
    c.login("km.off1")
    def scope(policy, case):
        return c.request("POST", "/api/v1/review-scope", {"policy": policy, "case": case})
    st, res, _ = scope("beijing", {"kind": "penalty", "party_type": "person", "fine": 100000, "hearing": True})
    tap(st == 200 and res["required"] is True and res["body"] == "municipal" and res["rules"][0]["source"],
        "Beijing: 100,000 yuan on a person after hearing goes to the municipal bureau", res)
    st, res, _ = scope("beijing", {"kind": "penalty", "party_type": "person", "fine": 99999, "hearing": True})
    tap(st == 200 and res["body"] == "corps", "Beijing: 99,999 yuan goes to the 执法总队", res)
    st, res, _ = scope("beijing", {"kind": "penalty", "party_type": "org", "fund_recovery": 40000})
    st2, res2, _ = scope("beijing", {"kind": "penalty", "party_type": "org", "fund_recovery": 40000.01})
    tap(res["required"] is False and res2["required"] is True, "Beijing: fund recovery over 40,000 per item", (res, res2))
    st, res, ctype = scope("beijing", {"kind": "penalty", "fien": 1})
    tap(is_problem(st, res, ctype, 400) and res.get("field") == "case.fien", "unknown case key: 400 naming it", res)
    st, res, ctype = scope("mars", {"kind": "penalty", "party_type": "org"})
    tap(st in (400, 404) and ctype.startswith("application/problem+json") and res.get("field") == "policy",
        "unknown preset: problem naming the policy", res)
    st, res, _ = c.request("GET", "/api/v1/policies/yunnan")
    tap(st == 200 and "national" in json.dumps(res.get("extends")), "a preset with its sources over HTTP", str(res)[:300])


@group
def deadlines_api(port):
    """Every deadline of a case with its rule and state; mine; my org's overdue items."""
    o, h, q = Client(port), Client(port), Client(port)
    o.login("km.off1")
    h.login("km.head")
    q.login("qj.off1")
    cid = FIX["archived_case"]
    st, res, _ = o.request("GET", f"/api/v1/cases/{cid}/deadlines")
    items = {d["key"]: d for d in res.get("items", [])}
    tap(st == 200 and items and all(d["source"] and d["due"] for d in res["items"]),
        "a case's deadlines each carry a due date and their rule's source", res)
    tap(items.get("decision", {}).get("state") == "met" and items.get("service", {}).get("state") == "met",
        "the decision (90 days, 行政处罚法 第六十条) and service (7 WD) deadlines are met", items.keys())
    decided = FIX.get("decided_unserved")
    st, res, _ = h.request("GET", "/api/v1/deadlines/overdue")
    keys = {(d["case"]["id"], d["key"]) for d in res.get("items", [])}
    tap(st == 200 and (decided, "service") in keys and all(d["state"] == "overdue" for d in res["items"]),
        "a decision not served within 7 working days shows as overdue", sorted(keys)[:10])
    st, res, _ = o.request("GET", "/api/v1/deadlines/mine")
    tap(st == 200 and all(d["state"] in ("open", "overdue") for d in res["items"]) and
        all(d["case"]["org_id"] == FIX["city"] for d in res["items"]), "my open and overdue deadlines", res.get("items", [])[:2])
    st, res, _ = q.request("GET", "/api/v1/deadlines/overdue")
    tap(st == 200 and all(d["case"]["org_id"] == FIX["city2"] for d in res["items"]),
        "another org's overdue list shows none of ours")
    st, res, ctype = q.request("GET", f"/api/v1/cases/{cid}/deadlines")
    tap(is_problem(st, res, ctype, 404), "another org cannot read a case's deadlines", res)
    st, res, ctype = o.request("GET", f"/api/v1/cases/{cid}/deadlines?today=2026-13-01")
    tap(is_problem(st, res, ctype, 400), "a bad day: 400", res)
    ph = Client(port)
    ph.login("yn.head")
    st, res, _ = ph.request("GET", "/api/v1/review-staffing")
    rows = {r_["org_id"]: r_ for r_ in res.get("items", [])}
    km = rows.get(FIX["city"], {})
    tap(st == 200 and km.get("reviewers") == 1 and km.get("officers") == 3 and km.get("below_minimum") is False
        and rows.get(FIX["city2"], {}).get("below_minimum") is True and "HE-4.1" in km.get("source", ""),
        "review staffing per org, flagged below 5 % of officers (河北 四(一))", res)
    st, res, ctype = o.request("GET", "/api/v1/review-staffing")
    tap(is_problem(st, res, ctype, 403), "an officer may not see the staffing report", res)


@group
def scope_and_paging(port):
    o = Client(port)
    o.login("km.off1")
    ids = []
    for i in range(5):
        st, body, _ = new_case(o)
        ids.append(body["id"])
    st, p1, _ = o.request("GET", "/api/v1/cases?limit=2")
    st2, p2, _ = o.request("GET", "/api/v1/cases?limit=2&cursor=" + p1["next_cursor"])
    a = [c["id"] for c in p1["items"]]
    b = [c["id"] for c in p2["items"]]
    tap(len(a) == 2 and len(b) == 2 and not set(a) & set(b) and b[0] > a[-1], "cursor paging", (a, b))
    st, body, ctype = o.request("GET", "/api/v1/cases?cursor=%%%")
    tap(is_problem(st, body, ctype, 400) and body.get("field") == "cursor", "a bad cursor: 400", body)
    st, body, _ = o.request("GET", "/api/v1/cases?q=" + urllib.parse.quote("虚构") + "&limit=200")
    tap(st == 200 and len(body["items"]) >= 5, "search by cause", len(body.get("items", [])))
    q = Client(port)
    q.login("qj.off1")
    st, body, ctype = q.request("GET", f"/api/v1/cases/{ids[0]}")
    tap(is_problem(st, body, ctype, 404), "another org's officer cannot see the case: 404", body)
    st, body, _ = q.request("GET", "/api/v1/cases?limit=200")
    tap(all(c["org_id"] == FIX["city2"] for c in body["items"]), "case list stays within one's org")
    ph = Client(port)
    ph.login("yn.head")
    st, body, _ = ph.request("GET", f"/api/v1/cases/{ids[0]}")
    tap(st == 200, "a head of the superior org reads subordinate cases", st)


@group
def numbering_concurrency(port, args, cli):
    """Two serve processes on one database: numbers stay gap-free and unique, chains intact."""
    port2 = free_port()
    s2 = Server(cli, port2)
    try:
        h1, h2 = Client(port), Client(port2)
        h1.login("km.head")
        h2.login("km.head")
        o = Client(port)
        o.login("km.off1")
        ids = [new_case(o)[1]["id"] for _ in range(12)]
        results = []

        def file(c, cid):
            st, body, _ = step(c, cid, "file", filing_body())
            results.append((st, body.get("number") if isinstance(body, dict) else None))
        threads = [threading.Thread(target=file, args=(h1 if i % 2 else h2, cid)) for i, cid in enumerate(ids)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        nums = sorted(int(n.split("〕")[1].rstrip("号")) for st, n in results if st == 201)
        tap(len(nums) == 12 and nums == list(range(nums[0], nums[0] + 12)),
            "12 filings on two servers: 12 consecutive numbers, none reused", results)
        # concurrent appends to one case from both servers
        o2 = Client(port2)
        o2.login("km.off2")
        cid = ids[0]
        errs = []

        def note(c, i):
            st, body, _ = step(c, cid, "note", {"title": f"记录{i}", "content": "并发"})
            if st != 201:
                errs.append((st, body))
        threads = [threading.Thread(target=note, args=(o if i % 2 else o2, i)) for i in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        st, body, _ = o.request("GET", f"/api/v1/cases/{cid}/verify")
        tap(not errs and body["intact"] and body["records"] == 22, "20 concurrent appends: chain intact", (errs, body))
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/metrics")
        text = conn.getresponse().read().decode()
        conn.close()
        jobs = [float(l.split()[-1]) for l in text.splitlines() if l.startswith("sanxiang_writer_jobs_total")]
        groups = [float(l.split()[-1]) for l in text.splitlines() if l.startswith("sanxiang_writer_groups_total")]
        tap(jobs and groups and jobs[0] >= 10 and 0 < groups[0] <= jobs[0],
            "/metrics exports the group-commit writer's groups and jobs", (jobs, groups))
        tap('sanxiang_rows{table="records"}' in text and "sanxiang_http_requests_total{" in text,
            "/metrics has request counters and table sizes", text[:400])
    finally:
        rc, err = s2.stop()
        tap(rc == 0, "second server stops cleanly on SIGTERM",
            f"exit status {rc}\n" + "\n".join(err.splitlines()[-19:]))


@group
def verify_cli(cli):
    rc, out, err = cli.run("verify")
    tap(rc == 0 and "哈希链完整" in out and len(out.strip().splitlines()) == 1, "sanxiang verify: one-line summary", out + err)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--store", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    cli = Cli(args.bin, args.db, root)
    cli.work = args.work
    fixture(cli)
    cli_commands(cli)
    calendar_import(cli, args)
    port = free_port()
    server = Server(cli, port)
    try:
        c = Client(port)
        http_basics(c)
        load_meta(port)
        login_and_sessions(port)
        admin_and_roles(port, args)
        case_flow(port, args, cli)
        legal_review_loop(port)
        review_gate(port)
        review_scope_api(port)
        deadlines_api(port)
        scope_and_paging(port)
        numbering_concurrency(port, args, cli)
        import t_ui; t_ui.run(sys.modules[__name__], port, args, cli)  # web UI serving (issue 6)
        import t_pub; t_pub.run(sys.modules[__name__], port, args, cli)  # results publicity (issue 4)
        import t_docs; t_docs.run(sys.modules[__name__], port, args, cli)  # documents (issue 5 point 4)
        import t_ledger; t_ledger.run(sys.modules[__name__], port, args, cli)  # noqa: E401,E702
        import t_prepub; t_prepub.run(sys.modules[__name__], port, args, cli)  # prepub
        import t_review; t_review.run(sys.modules[__name__], port, args, cli)  # issue 3: routing, categories
        import t_stats; t_stats.run(sys.modules[__name__], port, args, cli)  # stats: annual report (issue 4 point 7)
        import t_media; t_media.run(sys.modules[__name__], port, args, cli)  # media
        import t_bundle; t_bundle.run(sys.modules[__name__], port, args, cli)  # bundle: 电子卷宗
    finally:
        rc, err = server.stop()
        tap(rc == 0, "server stops cleanly on SIGTERM (no crash, no leak report)",
            f"exit status {rc}\n" + "\n".join(err.splitlines()[-19:]))
    verify_cli(cli)
    print(f"1..{N}")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
