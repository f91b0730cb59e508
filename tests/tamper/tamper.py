#!/usr/bin/env python3
"""
tamper.py: proof that `sanxiang verify` catches direct edits to the database.

Records are never edited, cut or deleted (云南 附件2 第二十条 (YN-2-20), 湖北 附件2 第二十五条
(HB-2-25)); the per-case SM3 hash chain (src/ledger/chain.h, DESIGN §5) makes an edit that
bypasses the application visible. This script plays the attacker who has the database itself.
It builds a pristine database (`sanxiang init` + `sanxiang demo --cases 40`); then for each
tamper case it makes a fresh copy (SQLite: backup API; PostgreSQL: CREATE DATABASE ... TEMPLATE),
disables the append-only triggers (SQLite: DROP TRIGGER; PostgreSQL: session_replication_role =
replica, which also switches off foreign keys), edits rows with plain SQL and runs
`sanxiang verify --db COPY`. verify must exit 1 with one line on stderr naming the first bad
case (its id, "案件 N", and its number when it has one) and a record (its id, or for a cut tail
the first missing seq), for the expected reason (altered content, broken link, seq gap, head
mismatch, ...), which also shows the forged rows were built as intended. The pristine database
and an untouched copy must pass (exit 0, one-line summary on stdout).

Where a forgery needs real hashes (a record sealed with a correct hash of its own, a resealed
tail) they are computed here from the chain definition: hash = SM3(prev || envelope), envelope
= {"action","actor","at","body","case","corrects","recorded_at","seq","type"} as canonical JSON. A check
first recomputes every stored hash and body with this code, so the forger is calibrated.

What verify CANNOT catch, by design (not claimed here):
  - A consistent rewrite of a case's chain from some record on, with the case's head_hash and
    record_count set to match: editing a record and resealing the tail and head, inserting or
    deleting records and resealing, cutting the last records and moving the head back, deleting
    every record of a case and zeroing its head. The chain is anchored only in the same
    database. The global Merkle log with signed checkpoints closes this for every record a
    checkpoint covers: the pristine database is checkpointed after the demo, and the two such
    rewrites below (once with the leaves left alone, once with the leaves recomputed too) must
    now FAIL, named by the ledger: a leaf no longer equals its record's hash, or the root
    recomputed from the leaves no longer equals the signed checkpoint's.
  Ledger cases (tests/tamper, issue 5): a leaf edited, deleted (middle and last), pointed at
    another record; a checkpoint's root, signature, time, size or key id edited. verify must
    exit 1 naming the leaf index or the checkpoint's tree size and the reason. Out of reach by
    design: records appended after the last checkpoint and rewritten together with their leaves
    (the next checkpoint would sign the forgery; publishing checkpoints outside the database is
    what catches that), and a forger who holds the private key.
  - Columns outside the envelope: records.id (position is (case, seq);
    swapping two records' ids, e.g. to redirect a correction's "corrects", is invisible), and
    everything in other tables: cases other than head_hash/record_count (number, state,
    amounts, ...), parties, case_officers, users, audit_log.
  - Object key order in a body is checked only by the write path's full canon_check: verify's
    canon_quick_check does not, so a resealed body with reordered keys is a consistent rewrite
    (unsealed, the reordered bytes no longer match the hash, which is tested below).

Usage: tamper.py --bin BUILD/sanxiang --store sqlite|postgresql --work DIR [--root REPO]
(postgresql needs SANXIANG_TEST_PG_URL, a superuser URL). Prints TAP; exit 1 on any failure.
Python 3 standard library only; psql and, when hashlib lacks SM3, openssl are run as tools.
"""

import argparse
import datetime
import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
import unicodedata

ZERO = "0" * 64
BIG = 1000000  # temporary seq offset: UNIQUE (case_id, seq) is checked row by row on PostgreSQL


# ---- SM3 and the chain (mirror of src/ledger/chain.h) ----


def _sm3_hashlib(data):
    m = hashlib.new("sm3")
    m.update(data)
    return m.digest()


def _sm3_openssl(data):
    out = subprocess.run(["openssl", "dgst", "-sm3", "-binary"], input=data,
                         stdout=subprocess.PIPE, check=True).stdout
    assert len(out) == 32
    return out


try:
    hashlib.new("sm3")
    sm3 = _sm3_hashlib
except ValueError:
    sm3 = _sm3_openssl


def canon(v):
    """Canonical JSON (src/core/canon.h): sorted keys, no whitespace, UTF-8 as-is."""
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def envelope(r):
    s = lambda x: json.dumps(x, ensure_ascii=False)
    parts = []
    if r["action"] is not None:
        parts.append('"action":' + s(r["action"]))
    parts.append('"actor":%d' % (r["actor_id"] or 0))
    parts.append('"at":' + s(r["at"]))
    parts.append('"body":' + r["body"])
    parts.append('"case":%d' % r["case_id"])
    parts.append('"corrects":' + ("null" if not r["corrects"] else str(r["corrects"])))
    if r["recorded_at"] is not None:
        parts.append('"recorded_at":' + s(r["recorded_at"]))
    parts.append('"seq":%d' % r["seq"])
    parts.append('"type":' + s(r["type"]))
    return "{" + ",".join(parts) + "}"


def seal(prev_hex, r):
    """SM3(prev || envelope(r)) as 64 lowercase hex chars."""
    return sm3(bytes.fromhex(prev_hex) + envelope(r).encode("utf-8")).hex()


def reseal(rows, start=0):
    """Recompute prev_hash/hash of rows[start:] (one case, seq order) in place."""
    for i in range(start, len(rows)):
        rows[i]["prev_hash"] = ZERO if i == 0 else rows[i - 1]["hash"]
        rows[i]["hash"] = seal(rows[i]["prev_hash"], rows[i])
    return rows


# ---- SQL text, the same for both stores ----


def lit(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        raise TypeError("no booleans in records")
    if isinstance(v, int):
        return str(v)
    return "'" + str(v).replace("'", "''") + "'"


REC_COLS = ["id", "case_id", "seq", "type", "action", "at", "recorded_at", "actor_id",
            "corrects", "body", "prev_hash", "hash"]


def upd_rec(rid, **cols):
    sets = ", ".join("%s = %s" % (k, lit(v)) for k, v in cols.items())
    return "UPDATE records SET %s WHERE id = %d" % (sets, rid)


def upd_case(cid, **cols):
    sets = ", ".join("%s = %s" % (k, lit(v)) for k, v in cols.items())
    return "UPDATE cases SET %s WHERE id = %d" % (sets, cid)


def restore(r):
    """UPDATE a stored record to r's body, prev_hash and hash."""
    return upd_rec(r["id"], body=r["body"], prev_hash=r["prev_hash"], hash=r["hash"])


def del_rec(rid):
    return "DELETE FROM records WHERE id = %d" % rid


def ins_rec(r):
    return "INSERT INTO records (%s) VALUES (%s)" % (
        ", ".join(REC_COLS), ", ".join(lit(r[c]) for c in REC_COLS))


def reseq(pairs):
    """Give records new seqs [(id, seq)] in two passes, so no step collides."""
    out = [upd_rec(rid, seq=BIG + i) for i, (rid, _) in enumerate(pairs)]
    out += [upd_rec(rid, seq=seq) for rid, seq in pairs]
    return out


def rewrite_case(case_id, old, new):
    """Replace a case's records: delete the old rows, insert the new ones (ids kept)."""
    return [del_rec(r["id"]) for r in old] + [ins_rec(r) for r in new]


# ---- stores ----


class SqliteStore:
    def __init__(self, work):
        self.work = work

    def url(self, db):
        return os.path.join(self.work, db + ".db")

    def fresh(self, db):
        self.drop(db)
        return self.url(db)

    def copy(self, src, dst):
        self.drop(dst)
        s = sqlite3.connect(self.url(src))
        d = sqlite3.connect(self.url(dst))
        s.backup(d)
        d.close()
        s.close()
        return self.url(dst)

    def query(self, db, sql):
        conn = sqlite3.connect("file:%s?mode=ro" % self.url(db), uri=True)
        conn.row_factory = sqlite3.Row
        rows = [dict(r) for r in conn.execute(sql)]
        conn.close()
        return rows

    def tamper(self, db, stmts):
        conn = sqlite3.connect(self.url(db), isolation_level=None)
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("BEGIN")
        for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            conn.execute('DROP TRIGGER "%s"' % name)
        for s in stmts:
            conn.execute(s)
        conn.execute("COMMIT")
        conn.close()

    def drop(self, db):
        for suffix in ("", "-wal", "-shm"):
            try:
                os.unlink(self.url(db) + suffix)
            except FileNotFoundError:
                pass

    def drop_all(self):
        pass


class PgStore:
    def __init__(self, base_url, prefix):
        if not re.match(r"^postgres(ql)?://[^/?]*/[^?]*", base_url):
            raise SystemExit("SANXIANG_TEST_PG_URL is not a postgresql:// URL: " + base_url)
        self.base = base_url
        self.prefix = prefix
        self.made = set()

    def url(self, db):
        return self._url(self.name(db))

    def _url(self, n):
        return re.sub(r"^(postgres(?:ql)?://[^/?]*)/[^?]*", lambda m: m.group(1) + "/" + n,
                      self.base)

    def name(self, db):
        return self.prefix + db

    def psql(self, url, sql, capture=False):
        p = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", url],
                           input=sql.encode("utf-8"), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        if p.returncode != 0:
            raise RuntimeError("psql failed: %s\n%s" % (p.stderr.decode(errors="replace"),
                                                         sql[:500]))
        return p.stdout.decode("utf-8")

    def fresh(self, db):
        n = self.name(db)
        self.psql(self.base, "DROP DATABASE IF EXISTS %s WITH (FORCE);\nCREATE DATABASE %s;\n"
                  % (n, n))
        self.made.add(n)
        return self._url(n)

    def copy(self, src, dst):
        n = self.name(dst)
        self.psql(self.base, "DROP DATABASE IF EXISTS %s WITH (FORCE);\n"
                  "CREATE DATABASE %s TEMPLATE %s;\n" % (n, n, self.name(src)))
        self.made.add(n)
        return self._url(n)

    def query(self, db, sql):
        out = self.psql(self.url(db),
                        "SELECT coalesce(json_agg(q), '[]'::json) FROM (%s) q;\n" % sql)
        return json.loads(out)

    def tamper(self, db, stmts):
        sql = "SET session_replication_role = replica;\nBEGIN;\n"
        sql += "".join(s + ";\n" for s in stmts) + "COMMIT;\n"
        self.psql(self.url(db), sql)

    def drop(self, db):
        n = self.name(db)
        self.psql(self.base, "DROP DATABASE IF EXISTS %s WITH (FORCE);\n" % n)
        self.made.discard(n)

    def drop_all(self):
        for n in sorted(self.made):
            try:
                self.psql(self.base, "DROP DATABASE IF EXISTS %s WITH (FORCE);\n" % n)
            except RuntimeError:
                pass
        self.made.clear()


# ---- TAP ----


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def check(self, ok, desc, diag=None):
        self.n += 1
        if not ok:
            self.failed += 1
        print("%s %d - %s" % ("ok" if ok else "not ok", self.n, desc), flush=True)
        if not ok and diag:
            for line in str(diag).splitlines():
                print("#   " + line, flush=True)
        return ok


# ---- building the pristine database ----


def run(cmd, env, timeout=600):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                          timeout=timeout)


KEY = None  # the ledger key file every copy of the database shares (set in main)


def build_pristine(binary, store, env):
    """init + demo --cases 40 + ledger checkpoint: every record written through the normal
    checks and the chain, then given a leaf and covered by a signed checkpoint."""
    url = store.fresh("pristine")
    for cmd in (["init", "--db", url, "--key", KEY], ["demo", "--db", url, "--cases", "40"],
                ["ledger", "checkpoint", "--db", url, "--key", KEY]):
        p = run([binary] + cmd, env)
        if p.returncode != 0:
            raise RuntimeError("sanxiang %s: exit %d\n%s" % (cmd[0], p.returncode,
                                                              p.stderr.decode(errors="replace")))


# ---- the tamper cases ----


class Fx:
    """The pristine data, read once, and helpers to pick targets in it."""

    def __init__(self, store):
        self.cases = {c["id"]: c for c in store.query(
            "pristine", "SELECT id, number, head_hash, record_count FROM cases ORDER BY id")}
        rows = store.query("pristine", "SELECT %s FROM records ORDER BY case_id, seq"
                           % ", ".join(REC_COLS))
        self.recs = {}
        for r in rows:
            self.recs.setdefault(r["case_id"], []).append(r)
        self.users = [u["id"] for u in store.query("pristine", "SELECT id FROM users ORDER BY id")]
        self.leaves = store.query("pristine",
                                  "SELECT idx, record_id, leaf_hash FROM ledger_leaves ORDER BY idx")
        self.leaf_of = {x["record_id"]: x["idx"] for x in self.leaves}
        self.cps = store.query("pristine", "SELECT tree_size, root, made_at, signature, key_id "
                                           "FROM ledger_checkpoints ORDER BY tree_size")
        ids = sorted(c for c in self.cases if len(self.recs.get(c, [])) >= 2)
        if len(ids) < 3:
            raise RuntimeError("need at least three cases with two or more records")
        # T: the longest chain strictly between the first and the last case
        inner = [c for c in ids[1:-1] if len(self.recs[c]) >= 5] or ids[1:-1]
        self.T = max(inner, key=lambda c: (len(self.recs[c]), -c))
        self.L = ids[0]   # a case before T
        self.U = ids[-1]  # a case after T
        self.max_id = max(r["id"] for rs in self.recs.values() for r in rs)
        if len(self.recs[self.T]) < 5:
            raise RuntimeError("need a case with at least five records")

    def chain(self, cid):
        return [dict(r) for r in self.recs[cid]]

    def new_id(self, k=1):
        return self.max_id + 1000 + k

    # Find a body value in the records of case `cid` (preferring index `near`), then anywhere.
    def find(self, pred, cid=None, near=None):
        order = []
        if cid is not None:
            rs = self.recs[cid]
            idx = list(range(len(rs)))
            if near is not None:
                idx.sort(key=lambda i: (abs(i - near), i))
            order += [rs[i] for i in idx]
        for c in sorted(self.recs):
            if c != cid:
                order += self.recs[c]
        for r in order:
            for path, key, val in walk_json(json.loads(r["body"])):
                if pred(key, val):
                    return dict(r), path
        raise RuntimeError("no body value fits the tamper case")


def walk_json(v, path=()):
    if isinstance(v, dict):
        for k in v:
            yield from walk_json(v[k], path + (k,))
            yield (path + (k,), k, v[k])
    elif isinstance(v, list):
        for i, x in enumerate(v):
            yield from walk_json(x, path + (i,))


def body_set(body, path, fn):
    """Canonical body with the value at path replaced by fn(old) (fn returns DELETE to drop)."""
    v = json.loads(body)
    o = v
    for p in path[:-1]:
        o = o[p]
    new = fn(o[path[-1]])
    if new is DELETE:
        del o[path[-1]]
    else:
        o[path[-1]] = new
    return canon(v)


DELETE = object()

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")


def is_text(k, v):
    return isinstance(v, str) and len(v) >= 4 and any(ord(ch) > 127 for ch in v) and \
        not DATE_RE.match(v) and not DATETIME_RE.match(v)


def is_name(k, v):
    return isinstance(v, str) and k in ("name", "interviewee_name") and len(v) >= 2


def is_date(k, v):
    return isinstance(v, str) and bool(DATE_RE.match(v))


def is_datetime(k, v):
    return isinstance(v, str) and bool(DATETIME_RE.match(v))


def is_plain_int(k, v):
    return isinstance(v, int) and not isinstance(v, bool) and not k.endswith("_fen")


def is_id_list(k, v):
    return isinstance(v, list) and len(v) > 0 and all(isinstance(x, int) for x in v)


def is_money(k, v):
    return isinstance(v, int) and not isinstance(v, bool) and k.endswith("_fen") and v > 0


def shift_date(s, days):
    return (datetime.date.fromisoformat(s) + datetime.timedelta(days=days)).isoformat()


def shift_ts(s, seconds):
    t = datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ") + datetime.timedelta(seconds=seconds)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def shift_datetime(s, seconds):
    """A body datetime ("...Z" or "...+08:00") moved by seconds, in the same form."""
    t = datetime.datetime.strptime(s[:19], "%Y-%m-%dT%H:%M:%S") + \
        datetime.timedelta(seconds=seconds)
    return t.strftime("%Y-%m-%dT%H:%M:%S") + s[19:]


def lookalike(s):
    """Swap one character for one that renders the same (CJK compatibility ideograph, Cyrillic)."""
    twins = {}
    for cp in range(0xF900, 0xFB00):
        d = unicodedata.decomposition(chr(cp))
        if d and " " not in d and not d.startswith("<"):
            twins.setdefault(chr(int(d, 16)), chr(cp))
    twins.update({"a": "а", "o": "о", "e": "е", "c": "с", "p": "р", "x": "х"})
    for i, ch in enumerate(s):
        if ch in twins:
            return s[:i] + twins[ch] + s[i + 1:]
    return s[:1] + "\u200b" + s[1:]


def rand_hex(seed):
    return hashlib.sha256(seed.encode()).hexdigest()


# expected reasons, as worded by src/ledger/chain.c and src/app/verify.c
REASONS = {
    "hash": ("内容与其哈希值不符", "哈希值缺失或格式无效", "不是有效的 UTF-8"),
    "prev": ("前序哈希与上一条记录的哈希不一致",),
    "body": ("不是规范化 JSON",),
    "seq": ("的序号",),
    "count": ("条记录，实际只有", "条记录，多于案件记载"),
    "head": ("链头哈希不一致",),
    "orphan": ("不存在的案件",),
}


class Case:
    def __init__(self, name, stmts, case, reason, rec=None, seq=None):
        self.name, self.stmts, self.case, self.reason = name, stmts, case, reason
        self.rec, self.seq = rec, seq


def tamper_cases(fx):
    T, L, U = fx.T, fx.L, fx.U
    r = fx.chain(T)
    N = len(r)
    m = N // 2  # a middle record: 0 < m < N - 1
    mid, last, first = r[m], r[N - 1], r[0]
    out = []

    def add(name, stmts, case, reason, rec=None, seq=None):
        out.append(Case(name, stmts, case, reason, rec, seq))

    def body_edit(name, pred, fn, cid=T, near=m, reason="hash"):
        rec, path = fx.find(pred, cid, near)
        add(name, [upd_rec(rec["id"], body=body_set(rec["body"], path, fn))], rec["case_id"],
            reason, rec=rec["id"])

    # -- body fields (hash left as stored) --
    body_edit("body text: one character changed", is_text,
              lambda v: v[:-1] + ("甲" if v[-1] != "甲" else "乙"))
    body_edit("body text: value truncated to half", is_text, lambda v: v[: len(v) // 2])
    body_edit("body text: words appended", is_text, lambda v: v + "（补记）")
    body_edit("body amount: fine raised by 1 fen", is_money, lambda v: v + 1)
    body_edit("body amount: fine cut to a tenth", is_money, lambda v: v // 10)
    body_edit("body amount: money field removed", is_money, lambda v: DELETE)
    body_edit("body date: moved one day earlier", is_date, lambda v: shift_date(v, -1))
    body_edit("body datetime: moved one minute", is_datetime, lambda v: shift_datetime(v, 60))
    body_edit("body boolean flipped", lambda k, v: isinstance(v, bool), lambda v: not v)
    body_edit("body integer changed", is_plain_int, lambda v: v + 1)
    body_edit("body user list: another officer added", is_id_list,
              lambda v: v + [max(fx.users) + 1])
    body_edit("body: unicode lookalike in a name", is_name, lookalike, cid=T, near=0)
    body_edit("body: zero-width space inside a name", is_name,
              lambda v: v[:1] + "\u200b" + v[1:], cid=T, near=0)
    body_edit("body: fullwidth digit in a date", is_date,
              lambda v: v[:-1] + chr(0xFF10 + int(v[-1])), near=N - 1)
    rb = json.loads(mid["body"])
    del rb[sorted(rb)[-1]]
    add("body: a field removed", [upd_rec(mid["id"], body=canon(rb))], T, "hash", rec=mid["id"])
    rb = json.loads(mid["body"])
    rb["remark"] = "事后补记"
    add("body: field added", [upd_rec(mid["id"], body=canon(rb))], T, "hash", rec=mid["id"])
    add("body: replaced by an empty object", [upd_rec(mid["id"], body="{}")], T, "hash",
        rec=mid["id"])
    add("body: replaced by another record's body", [upd_rec(mid["id"], body=r[m + 1]["body"])],
        T, "hash", rec=mid["id"])
    add("body: bodies of two records swapped",
        [upd_rec(mid["id"], body=r[m + 1]["body"]), upd_rec(r[m + 1]["id"], body=mid["body"])],
        T, "hash", rec=mid["id"])

    # -- non-canonical bodies --
    add("body cut in half (invalid JSON)",
        [upd_rec(mid["id"], body=mid["body"][: len(mid["body"]) // 2])], T, "body", rec=mid["id"])
    add("body emptied to ''", [upd_rec(mid["id"], body="")], T, "body", rec=mid["id"])
    add("body last byte cut", [upd_rec(mid["id"], body=mid["body"][:-1])], T, "body", rec=mid["id"])
    v = json.loads(mid["body"])
    add("body keys reordered (same JSON value)",
        [upd_rec(mid["id"], body=json.dumps(dict(reversed(list(v.items()))), ensure_ascii=False,
                                            separators=(",", ":")))],
        T, "hash", rec=mid["id"])
    add("body with added whitespace (same JSON value)",
        [upd_rec(mid["id"], body=json.dumps(v, ensure_ascii=False, sort_keys=True))],
        T, "body", rec=mid["id"])
    add("body with a trailing newline", [upd_rec(mid["id"], body=mid["body"] + "\n")],
        T, "body", rec=mid["id"])
    add("body with non-ASCII escaped as \\uXXXX (same JSON value)",
        [upd_rec(mid["id"], body=json.dumps(v, ensure_ascii=True, sort_keys=True,
                                            separators=(",", ":")))],
        T, "body", rec=mid["id"])
    k0 = next(iter(v))
    add("body with a duplicated key",
        [upd_rec(mid["id"], body='{"%s":%s,%s' % (k0, canon(v[k0]), mid["body"][1:]))],
        T, "hash", rec=mid["id"])
    mrec, mpath = fx.find(is_money, T, m)
    mval = json.loads(mrec["body"])
    for p in mpath:
        mval = mval[p]
    fbody = mrec["body"].replace('"%s":%d' % (mpath[-1], mval), '"%s":%d.0' % (mpath[-1], mval), 1)
    assert fbody != mrec["body"]
    add("body amount written as a float", [upd_rec(mrec["id"], body=fbody)], mrec["case_id"],
        "body", rec=mrec["id"])

    # -- envelope fields --
    other_type = next(x["type"] for rs in fx.recs.values() for x in rs if x["type"] != mid["type"])
    other_action = next(x["action"] for rs in fx.recs.values() for x in rs
                        if x["action"] != mid["action"])
    other_user = next(u for u in fx.users if u != mid["actor_id"])
    add("type changed", [upd_rec(mid["id"], type=other_type)], T, "hash", rec=mid["id"])
    add("type with a trailing space", [upd_rec(mid["id"], type=mid["type"] + " ")], T, "hash",
        rec=mid["id"])
    add("action changed", [upd_rec(mid["id"], action=other_action)], T, "hash", rec=mid["id"])
    add("at moved one second", [upd_rec(mid["id"], at=shift_ts(mid["at"], 1))], T, "hash",
        rec=mid["id"])
    add("at backdated one year", [upd_rec(mid["id"], at=shift_ts(mid["at"], -365 * 86400))], T,
        "hash", rec=mid["id"])
    add("recorded_at backdated one day",
        [upd_rec(mid["id"], recorded_at=shift_ts(mid["recorded_at"], -86400))], T, "hash",
        rec=mid["id"])
    add("actor_id changed", [upd_rec(mid["id"], actor_id=other_user)], T, "hash", rec=mid["id"])
    add("actor_id cleared", [upd_rec(mid["id"], actor_id=None)], T, "hash", rec=mid["id"])
    add("corrects set on a record that corrects nothing",
        [upd_rec(mid["id"], corrects=first["id"])], T, "hash", rec=mid["id"])

    # -- seq, order, case --
    add("seq of the last record raised (gap)", [upd_rec(last["id"], seq=N + 1)], T, "seq",
        rec=last["id"])
    add("seq of a middle record moved past the end", [upd_rec(mid["id"], seq=N + 50)], T, "seq",
        rec=r[m + 1]["id"])
    add("two adjacent records reordered (seqs swapped)",
        reseq([(mid["id"], m + 2), (r[m + 1]["id"], m + 1)]), T, "prev", rec=r[m + 1]["id"])
    add("first and last records swapped",
        reseq([(first["id"], N), (last["id"], 1)]), T, "prev", rec=last["id"])
    add("whole case in reverse order",
        reseq([(x["id"], N - i) for i, x in enumerate(r)]), T, "prev", rec=last["id"])
    nU = len(fx.recs[U])
    add("record moved to a later case",
        [upd_rec(mid["id"], case_id=U, seq=nU + 1)], T, "seq", rec=r[m + 1]["id"])
    nL = len(fx.recs[L])
    add("record moved to an earlier case",
        [upd_rec(mid["id"], case_id=L, seq=nL + 1)], L, "prev", rec=mid["id"])
    # exchange mid with the record at the same seq in another case X: seqs stay gapless
    X = next(c for c in sorted(fx.recs) if c != T and len(fx.recs[c]) > m)
    twin = fx.recs[X][m]
    add("record exchanged with the same-seq record of another case",
        [upd_rec(mid["id"], case_id=BIG), upd_rec(twin["id"], case_id=T),
         upd_rec(mid["id"], case_id=X)],
        min(X, T), "prev", rec=twin["id"] if T < X else mid["id"])
    a, b = L, T
    add("records of two cases exchanged",
        ["UPDATE records SET case_id = %d WHERE case_id = %d" % (BIG, a),
         "UPDATE records SET case_id = %d WHERE case_id = %d" % (a, b),
         "UPDATE records SET case_id = %d WHERE case_id = %d" % (b, BIG)],
        a, "hash", rec=first["id"])

    # -- deletions --
    add("first record deleted", [del_rec(first["id"])], T, "seq", rec=r[1]["id"])
    add("middle record deleted", [del_rec(mid["id"])], T, "seq", rec=r[m + 1]["id"])
    add("last record deleted", [del_rec(last["id"])], T, "count", seq=N)
    add("first record deleted, record_count lowered",
        [del_rec(first["id"]), upd_case(T, record_count=N - 1)], T, "seq", rec=r[1]["id"])
    add("middle record deleted, record_count lowered",
        [del_rec(mid["id"]), upd_case(T, record_count=N - 1)], T, "seq", rec=r[m + 1]["id"])
    add("last record deleted, record_count lowered (head left)",
        [del_rec(last["id"]), upd_case(T, record_count=N - 1)], T, "head", rec=r[N - 2]["id"])
    add("last record deleted, head_hash moved back (count left)",
        [del_rec(last["id"]), upd_case(T, head_hash=r[N - 2]["hash"])], T, "count", seq=N)
    add("first record deleted, the rest renumbered, count lowered",
        [del_rec(first["id"])] + reseq([(x["id"], i + 1) for i, x in enumerate(r[1:])]) +
        [upd_case(T, record_count=N - 1)], T, "prev", rec=r[1]["id"])
    add("middle record deleted, the tail renumbered, count lowered",
        [del_rec(mid["id"])] + reseq([(x["id"], m + 1 + i) for i, x in enumerate(r[m + 1:])]) +
        [upd_case(T, record_count=N - 1)], T, "prev", rec=r[m + 1]["id"])
    add("every record of a case deleted (head left)",
        ["DELETE FROM records WHERE case_id = %d" % L], L, "count", seq=1)

    # -- insertions and duplicates --
    def forged(seq, prev, case=T, body=None, k=1):
        f = {"id": fx.new_id(k), "case_id": case, "seq": seq, "type": "note", "action": "note",
             "at": mid["at"], "recorded_at": mid["recorded_at"], "actor_id": mid["actor_id"],
             "corrects": None,
             "body": body or canon({"title": "补充说明", "content": "事后补写的记录"}),
             "prev_hash": prev}
        f["hash"] = seal(prev, f)
        return f

    def shifted(rows, by=1):
        return [dict(x, seq=x["seq"] + by) for x in rows]

    # insert F as seq m+1; the old records from mid on move up by one
    f = forged(m + 1, r[m - 1]["hash"])
    add("forged record inserted in the middle, sealed on its predecessor (tail not resealed)",
        rewrite_case(T, r, r[:m] + [f] + shifted(r[m:])), T, "prev", rec=mid["id"])
    f = forged(m + 1, ZERO)
    add("forged record inserted in the middle with a zero prev_hash",
        rewrite_case(T, r, r[:m] + [f] + shifted(r[m:])), T, "prev", rec=f["id"])
    f = forged(m + 1, mid["hash"])
    add("forged record inserted in the middle, sealed on the wrong record",
        rewrite_case(T, r, r[:m] + [f] + shifted(r[m:])), T, "prev", rec=f["id"])
    f = forged(m + 1, r[m - 1]["hash"])
    new = reseal(r[:m] + [f] + shifted(r[m:]), m)
    add("forged record inserted in the middle, whole tail resealed, case head left",
        rewrite_case(T, r, new), T, "count", rec=last["id"])
    add("forged record inserted in the middle, tail resealed, only record_count fixed",
        rewrite_case(T, r, new) + [upd_case(T, record_count=N + 1)], T, "head", rec=last["id"])
    add("forged record inserted in the middle, tail resealed, only head_hash fixed",
        rewrite_case(T, r, new) + [upd_case(T, head_hash=new[-1]["hash"])], T, "count",
        rec=last["id"])
    f = forged(N + 1, last["hash"])
    add("forged record appended, correctly sealed, case head left", [ins_rec(f)], T, "count",
        rec=f["id"])
    add("forged record appended, correctly sealed, only record_count fixed",
        [ins_rec(f), upd_case(T, record_count=N + 1)], T, "head", rec=f["id"])
    add("forged record appended, correctly sealed, only head_hash fixed",
        [ins_rec(f), upd_case(T, head_hash=f["hash"])], T, "count", rec=f["id"])
    f = forged(N + 1, r[N - 2]["hash"])
    add("forged record appended on a fork (prev = second-last), head and count fixed",
        [ins_rec(f), upd_case(T, head_hash=f["hash"], record_count=N + 1)], T, "prev",
        rec=f["id"])
    f = forged(1, ZERO)
    add("forged first record put in front, the rest renumbered",
        [ins_rec(dict(f, seq=3 * BIG))] +
        reseq([(x["id"], x["seq"] + 1) for x in r] + [(f["id"], 1)]),
        T, "prev", rec=first["id"])
    dup = dict(last, id=fx.new_id(2), seq=N + 1)
    add("last record duplicated at the end", [ins_rec(dup)], T, "prev", rec=dup["id"])
    dup = dict(mid, id=fx.new_id(3), case_id=U, seq=nU + 1)
    add("record copied into another case", [ins_rec(dup)], U, "prev", rec=dup["id"])
    ul = fx.chain(U)[-1]
    orphan = dict(ul, id=fx.new_id(4), case_id=fx.new_id(5), seq=1)
    add("record inserted for a case that does not exist", [ins_rec(orphan)], orphan["case_id"],
        "orphan", rec=orphan["id"])

    # -- hashes --
    add("hash replaced with random hex", [upd_rec(mid["id"], hash=rand_hex("h"))], T, "hash",
        rec=mid["id"])
    add("hash replaced with the next record's hash", [upd_rec(mid["id"], hash=r[m + 1]["hash"])],
        T, "hash", rec=mid["id"])
    add("hash replaced with zeros", [upd_rec(mid["id"], hash=ZERO)], T, "hash", rec=mid["id"])
    x = rand_hex("x")
    add("hash replaced and the next prev_hash made to match",
        [upd_rec(mid["id"], hash=x), upd_rec(r[m + 1]["id"], prev_hash=x)], T, "hash",
        rec=mid["id"])
    add("hash of the last record replaced, head_hash made to match",
        [upd_rec(last["id"], hash=x), upd_case(T, head_hash=x)], T, "hash", rec=last["id"])
    add("prev_hash replaced with random hex", [upd_rec(mid["id"], prev_hash=rand_hex("p"))], T,
        "prev", rec=mid["id"])
    add("prev_hash replaced with zeros", [upd_rec(mid["id"], prev_hash=ZERO)], T, "prev",
        rec=mid["id"])
    add("prev_hash of the first record made non-zero",
        [upd_rec(first["id"], prev_hash=first["hash"])], T, "prev", rec=first["id"])
    rb = canon(dict(json.loads(mid["body"]), remark="改"))
    e = fx.chain(T)
    e[m]["body"] = rb
    e[m]["hash"] = seal(e[m]["prev_hash"], e[m])
    add("body edited and its hash recomputed (next link breaks)",
        [upd_rec(mid["id"], body=rb, hash=e[m]["hash"])], T, "prev", rec=r[m + 1]["id"])
    add("body edited, hash recomputed, next prev_hash fixed",
        [upd_rec(mid["id"], body=rb, hash=e[m]["hash"]),
         upd_rec(r[m + 1]["id"], prev_hash=e[m]["hash"])], T, "hash", rec=r[m + 1]["id"])
    e2 = fx.chain(T)
    e2[m]["body"] = rb
    reseal(e2, m)
    add("body edited, whole tail resealed, case head left",
        [restore(x) for x in e2[m:]], T, "head", rec=last["id"])
    lb = canon(dict(json.loads(last["body"]), remark="改"))
    lh = seal(last["prev_hash"], dict(last, body=lb))
    add("last record's body edited and its hash recomputed",
        [upd_rec(last["id"], body=lb, hash=lh)], T, "head", rec=last["id"])
    ws = json.dumps(json.loads(mid["body"]), ensure_ascii=False, sort_keys=True)
    e3 = fx.chain(T)
    e3[m]["body"] = ws
    reseal(e3, m)
    add("body made non-canonical, whole tail and head resealed",
        [restore(x) for x in e3[m:]] + [upd_case(T, head_hash=e3[-1]["hash"])], T, "body",
        rec=mid["id"])

    # -- the case head --
    add("head_hash replaced with random hex", [upd_case(T, head_hash=rand_hex("head"))], T,
        "head", rec=last["id"])
    add("head_hash reset to zeros", [upd_case(T, head_hash=ZERO)], T, "head", rec=last["id"])
    add("head_hash set to the previous record's hash", [upd_case(T, head_hash=r[N - 2]["hash"])],
        T, "head", rec=last["id"])
    add("head_hash copied from another case", [upd_case(T, head_hash=fx.cases[U]["head_hash"])],
        T, "head", rec=last["id"])
    add("record_count raised by one", [upd_case(T, record_count=N + 1)], T, "count", seq=N + 1)
    add("record_count lowered by one", [upd_case(T, record_count=N - 1)], T, "count",
        rec=last["id"])
    add("case made to look empty (count 0, zero head)",
        [upd_case(T, record_count=0, head_hash=ZERO)], T, "count", rec=last["id"])

    # -- the first and the last record of the whole database --
    c0 = min(fx.recs)
    r0 = fx.recs[c0][0]
    add("first record of the database: body edited",
        [upd_rec(r0["id"], body=canon(dict(json.loads(r0["body"]), remark="改")))], c0, "hash",
        rec=r0["id"])
    cz = max(fx.recs)
    rz = fx.recs[cz][-1]
    add("last record of the database: at edited", [upd_rec(rz["id"], at=shift_ts(rz["at"], 3600))],
        cz, "hash", rec=rz["id"])
    return out


def calibration_cases(fx):
    """Consistent rewrites of a chain (see the top comment): the case chains alone accept them;
    the ledger's leaves and signed checkpoint must not. (name, stmts, reason, what to name)"""
    T = fx.T
    r = fx.chain(T)
    N = len(r)
    m = N // 2
    e = fx.chain(T)
    e[m]["body"] = canon(dict(json.loads(e[m]["body"]), remark="改"))
    reseal(e, m)
    resealed = [restore(x) for x in e[m:]] + [upd_case(T, head_hash=e[-1]["hash"])]
    first_leaf = min(fx.leaf_of[x["id"]] for x in e[m:])
    out = [("body edited with the whole tail and the case head resealed", resealed,
            "leaf", "叶子 %d" % first_leaf)]
    releafed = resealed + [upd_leaf(fx.leaf_of[x["id"]], leaf_hash=leaf_of_hash(x["hash"]))
                           for x in e[m:]]
    out.append(("... and the leaves recomputed to match the resealed records", releafed, "root",
                "树大小 %d" % fx.cps[0]["tree_size"]))
    out.append(("last record cut with the case head moved back",
                [del_rec(r[-1]["id"]), upd_case(T, head_hash=r[-2]["hash"], record_count=N - 1)],
                "leaf-record", "叶子 %d" % fx.leaf_of[r[-1]["id"]]))
    return out


# ---- ledger (global Merkle log) ----


def leaf_of_hash(record_hash_hex):
    """A leaf as the sequencer makes it: SM3(0x00 || record hash), hex."""
    return sm3(b"\x00" + bytes.fromhex(record_hash_hex)).hex()


def upd_leaf(idx, **cols):
    sets = ", ".join("%s = %s" % (k, lit(v)) for k, v in cols.items())
    return "UPDATE ledger_leaves SET %s WHERE idx = %d" % (sets, idx)


def upd_cp(size, **cols):
    sets = ", ".join("%s = %s" % (k, lit(v)) for k, v in cols.items())
    return "UPDATE ledger_checkpoints SET %s WHERE tree_size = %d" % (sets, size)


LEDGER_REASONS = {
    "leaf": ("叶子哈希与记录的哈希不符",),
    "leaf-record": ("叶子指向不存在的记录",),
    "gap": ("此序号的叶子不存在",),
    "short": ("但账本只有",),
    "root": ("根哈希与账本叶子不符",),
    "sig": ("签名无效", "与 SM2 签名不符"),
    "key": ("不是本实例的密钥",),
}


def ledger_cases(fx):
    """(name, stmts, reason, what the message must name) for the ledger's tables."""
    n = len(fx.leaves)
    k = n // 2
    cp = fx.cps[-1]
    other = fx.leaves[k + 1]
    flip = lambda h: ("0" if h[0] != "0" else "1") + h[1:]
    sig = cp["signature"]
    return [
        ("ledger: a leaf hash edited", [upd_leaf(k, leaf_hash=flip(fx.leaves[k]["leaf_hash"]))],
         "leaf", "叶子 %d" % k),
        ("ledger: a leaf replaced by the leaf of the next record",
         [upd_leaf(k, leaf_hash=other["leaf_hash"])], "leaf", "叶子 %d" % k),
        ("ledger: two leaves' records swapped",
         [upd_leaf(k, record_id=-1), upd_leaf(k + 1, record_id=fx.leaves[k]["record_id"]),
          upd_leaf(k, record_id=other["record_id"])], "leaf", "叶子 %d" % k),
        ("ledger: a leaf pointed at a record that does not exist",
         [upd_leaf(k, record_id=fx.max_id + 99999)], "leaf-record", "叶子 %d" % k),
        ("ledger: a leaf deleted in the middle", ["DELETE FROM ledger_leaves WHERE idx = %d" % k],
         "gap", "叶子 %d" % k),
        ("ledger: the first leaf deleted", ["DELETE FROM ledger_leaves WHERE idx = 0"], "gap",
         "叶子 0"),
        ("ledger: the last leaf deleted", ["DELETE FROM ledger_leaves WHERE idx = %d" % (n - 1)],
         "short", "树大小为 %d" % cp["tree_size"]),
        ("ledger: leaves renumbered to close a deleted one's gap",
         ["DELETE FROM ledger_leaves WHERE idx = %d" % k] +
         ["UPDATE ledger_leaves SET idx = idx - 1 WHERE idx = %d" % i for i in range(k + 1, n)],
         "short", "树大小为 %d" % cp["tree_size"]),
        ("ledger: checkpoint root edited", [upd_cp(cp["tree_size"], root=flip(cp["root"]))], "root",
         "树大小 %d" % cp["tree_size"]),
        ("ledger: checkpoint signature edited (last byte)",
         [upd_cp(cp["tree_size"], signature=sig[:-2] + ("00" if sig[-2:] != "00" else "01"))],
         "sig", "树大小 %d" % cp["tree_size"]),
        ("ledger: checkpoint signature truncated", [upd_cp(cp["tree_size"], signature=sig[:-4])],
         "sig", "树大小 %d" % cp["tree_size"]),
        ("ledger: checkpoint time edited", [upd_cp(cp["tree_size"], made_at="2020-01-01T00:00:00Z")],
         "sig", "树大小 %d" % cp["tree_size"]),
        ("ledger: checkpoint size edited", [upd_cp(cp["tree_size"], tree_size=cp["tree_size"] - 1)],
         "root", "树大小 %d" % (cp["tree_size"] - 1)),
        ("ledger: checkpoint key id edited", [upd_cp(cp["tree_size"], key_id=flip(cp["key_id"]))],
         "key", "树大小 %d" % cp["tree_size"]),
    ]


def judge_ledger(reason, names, rc, err):
    lines = [x for x in err.splitlines() if x.strip()]
    if rc != 1:
        return "exit status %d, want 1" % rc
    if len(lines) != 1:
        return "want one line on stderr, got %d" % len(lines)
    if names not in lines[0]:
        return "want %r named" % names
    if not any(x in lines[0] for x in LEDGER_REASONS[reason]):
        return "want reason %s (%s)" % (reason, " / ".join(LEDGER_REASONS[reason]))
    return None


# ---- running ----


def verify(binary, url, env):
    try:
        p = run([binary, "verify", "--db", url, "--key", KEY], env)
    except (OSError, subprocess.SubprocessError) as e:
        return -1, "", "cannot run %s: %s" % (binary, e)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def check_pass(tap, binary, url, env, desc):
    rc, out, err = verify(binary, url, env)
    lines = [x for x in out.splitlines() if x.strip()]
    tap.check(rc == 0 and len(lines) == 1 and "哈希链完整" in lines[0] and err.strip() == "",
              desc, "exit %d\nstdout: %s\nstderr: %s" % (rc, out, err))


def judge(c, fx, rc, out, err):
    """None when verify reported c as expected, else why not."""
    lines = [x for x in err.splitlines() if x.strip()]
    if rc != 1:
        return "exit status %d, want 1" % rc
    if len(lines) != 1:
        return "want one line on stderr, got %d" % len(lines)
    msg = lines[0]
    m = re.search(r"案件 (\d+)", msg)
    if m is None or int(m.group(1)) != c.case:
        return "want case %d named first" % c.case
    num = fx.cases.get(c.case, {}).get("number")
    if num and num not in msg:
        return "want case number %s in the message" % num
    if c.rec is not None and c.rec not in [int(x) for x in re.findall(r"id (\d+)", msg)]:
        return "want record id %d named" % c.rec
    if c.seq is not None and c.seq not in [int(x) for x in re.findall(r"序号 (\d+)", msg)]:
        return "want seq %d named" % c.seq
    if not any(s in msg for s in REASONS[c.reason]):
        return "want reason %s (%s)" % (c.reason, " / ".join(REASONS[c.reason]))
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--store", required=True, choices=["sqlite", "postgresql"])
    ap.add_argument("--work", required=True)
    ap.add_argument("--root", default=os.path.dirname(os.path.dirname(
        os.path.dirname(os.path.abspath(__file__)))))
    a = ap.parse_args()
    binary = os.path.abspath(a.bin)
    os.makedirs(a.work, exist_ok=True)
    global KEY
    KEY = os.path.join(os.path.abspath(a.work), "ledger-key.pem")
    if os.path.exists(KEY):
        os.unlink(KEY)
    env = dict(os.environ)
    env.setdefault("SANXIANG_ROOT", a.root)
    if a.store == "sqlite":
        store = SqliteStore(a.work)
    else:
        url = os.environ.get("SANXIANG_TEST_PG_URL")
        if not url:
            print("not ok 1 - SANXIANG_TEST_PG_URL is not set")
            return 1
        store = PgStore(url, "tamper_%d_" % os.getpid())
    tap = Tap()
    try:
        return run_all(tap, store, binary, env)
    finally:
        store.drop_all()


def run_all(tap, store, binary, env):
    t0 = time.monotonic()
    try:
        build_pristine(binary, store, env)
    except (RuntimeError, subprocess.SubprocessError, OSError) as e:
        tap.check(False, "build the pristine database", e)
        return 1
    pristine = store.url("pristine")
    check_pass(tap, binary, pristine, env,
               "pristine database (init + demo --cases 40) passes verify")
    try:
        fx = Fx(store)
        cases = tamper_cases(fx)
        calibration = calibration_cases(fx)
    except (RuntimeError, StopIteration, KeyError, ValueError) as e:
        tap.check(False, "pick tamper targets in the pristine data", repr(e))
        return 1

    # calibrate the forger: it must rebuild every stored body and hash byte for byte
    bad = []
    for cid, rows in fx.recs.items():
        for i, x in enumerate(rows):
            if canon(json.loads(x["body"])) != x["body"]:
                bad.append("record %d: body not reproduced" % x["id"])
            if seal(ZERO if i == 0 else rows[i - 1]["hash"], x) != x["hash"]:
                bad.append("record %d: hash not reproduced" % x["id"])
        if rows and rows[-1]["hash"] != fx.cases[cid]["head_hash"]:
            bad.append("case %d: head is not the last hash" % cid)
    n_recs = sum(len(v) for v in fx.recs.values())
    tap.check(not bad, "this script re-derives all %d stored hashes and bodies (SM3 via %s)"
              % (n_recs, "hashlib" if sm3 is _sm3_hashlib else "openssl"), "\n".join(bad[:10]))

    url = store.copy("pristine", "untouched")
    check_pass(tap, binary, url, env, "an untouched copy passes verify")
    store.drop("untouched")

    names = [c.name for c in cases]
    tap.check(len(cases) >= 50 and len(set(names)) == len(names),
              "%d distinct tamper cases (target case %d of %d records)"
              % (len(cases), fx.T, len(fx.recs[fx.T])))
    for i, c in enumerate(cases, 1):
        db = "t%02d" % i
        try:
            url = store.copy("pristine", db)
            store.tamper(db, c.stmts)
        except (RuntimeError, sqlite3.Error) as e:
            tap.check(False, "tamper: %s (edit could not be applied)" % c.name, e)
            continue
        rc, out, err = verify(binary, url, env)
        why = judge(c, fx, rc, out, err)
        if os.environ.get("TAMPER_VERBOSE"):
            print("# " + err.strip().replace("\n", "\n# "))
        tap.check(why is None, "tamper: %s -> caught" % c.name,
                  "%s\nexit %s\nstdout: %s\nstderr: %s\nedits:\n%s" %
                  (why, rc, out.strip(), err.strip(), "\n".join(s[:200] for s in c.stmts)))
        store.drop(db)

    # ledger: the calibration rewrites the chains accept, then edits of the ledger's own tables
    tap.check(len(fx.leaves) == n_recs and [x["idx"] for x in fx.leaves] == list(range(n_recs))
              and len(fx.cps) == 1 and fx.cps[0]["tree_size"] == n_recs and
              all(x["leaf_hash"] == leaf_of_hash(r["hash"]) for rs in fx.recs.values() for r in rs
                  for x in [fx.leaves[fx.leaf_of[r["id"]]]]),
              "every record has its leaf SM3(0x00 || hash) and one checkpoint covers them all")
    ledger = [("consistent chain rewrite caught by the ledger: " + c[0],) + c[1:]
              for c in calibration] + ledger_cases(fx)
    for i, (name, stmts, reason, names) in enumerate(ledger, 1):
        db = "l%02d" % i
        try:
            url = store.copy("pristine", db)
            store.tamper(db, stmts)
        except (RuntimeError, sqlite3.Error) as e:
            tap.check(False, "%s (edit could not be applied)" % name, e)
            continue
        rc, out, err = verify(binary, url, env)
        why = judge_ledger(reason, names, rc, err)
        if os.environ.get("TAMPER_VERBOSE"):
            print("# " + err.strip().replace("\n", "\n# "))
        tap.check(why is None, "%s -> caught" % name,
                  "%s\nexit %s\nstdout: %s\nstderr: %s\nedits:\n%s" %
                  (why, rc, out.strip(), err.strip(), "\n".join(x[:200] for x in stmts)))
        store.drop(db)

    check_pass(tap, binary, pristine, env, "pristine database still passes verify")
    print("1..%d" % tap.n)
    print("# %d checks, %d failed, %.1f s" % (tap.n, tap.failed, time.monotonic() - t0))
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
