"""API and CLI tests of case-file bundles (电子卷宗, issue 5 point 5), run by test_api.py on both stores.

The case archived by case_flow went through the archive step, which built its bundle and recorded
the bundle's SM3 in the archive record. Here: the bundle over the API (role-gated like the case
page, an archivist may export; the same bytes twice and the same bytes as `sanxiang export`), the
stored archive bundle, `export --list`, then `sanxiang verify-bundle` on the intact bundle (with and
without a pinned key) and on one tampered copy per kind of alteration, each named in the report;
a truncated file exits 3. Tampering is done here in Python, re-packing the tar like an attacker.
"""
import glob
import hashlib
import http.client
import io
import json
import os
import subprocess
import tarfile

try:
    hashlib.new("sm3", b"")
    HAVE_SM3 = True
except ValueError:
    HAVE_SM3 = False


def sm3_hex(data):
    if HAVE_SM3:
        return hashlib.new("sm3", data).hexdigest()
    p = subprocess.run(["openssl", "dgst", "-sm3", "-binary"], input=data, capture_output=True,
                       check=True)
    return p.stdout.hex()


def get_raw(c, path):
    conn = http.client.HTTPConnection("127.0.0.1", c.port, timeout=60)
    h = {"Cookie": c.cookie} if c.cookie else {}
    conn.request("GET", path, headers=h)
    r = conn.getresponse()
    data = r.read()
    headers = {k.lower(): v for k, v in r.getheaders()}
    conn.close()
    return r.status, headers, data


def untar(data):
    t = tarfile.open(fileobj=io.BytesIO(data))
    return [(m.name, t.extractfile(m).read()) for m in t.getmembers()]


def retar(files):
    b = io.BytesIO()
    t = tarfile.open(fileobj=b, mode="w", format=tarfile.USTAR_FORMAT)
    for name, data in files:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    t.close()
    return b.getvalue()


def edit(files, name, fn):
    return [(n, fn(d) if n == name else d) for n, d in files]


def run(T, port, args, cli):
    tap = T.tap
    work = os.path.join(cli.work, "bundle")
    os.makedirs(work, exist_ok=True)
    cid = T.FIX.get("archived_case")
    if not tap(cid is not None, "bundle: an archived case from case_flow"):
        return
    # an archivist of our own (the fixture's km.arch is disabled by admin_and_roles)
    rc, out, err = cli.run("user", "add", "--username", "km.arch.bundle", "--name", "卷宗归档员",
                           "--org", "KM", "--roles", "archivist", "--password-stdin",
                           stdin=T.PASSWORD + "\n")
    a = T.Client(port)
    st, _ = a.login("km.arch.bundle")
    tap(rc == 0 and st == 201, "bundle: an archivist added and logged in", err)
    o = T.Client(port)
    o.login("km.off1")

    # ---- the archive step recorded the bundle it produced ----
    st, body, _ = o.request("GET", f"/api/v1/cases/{cid}/records")
    recs = body["items"]
    arch = [r for r in recs if r["type"] == "archiving"]
    ab = arch[0]["body"] if arch else {}
    tap(len(arch) == 1 and len(ab.get("bundle_sm3", "")) == 64 and
        ab.get("bundle_records") == arch[0]["seq"] - 1,
        "archive record holds the SM3 of the bundle of every earlier record (WS-23)", ab)
    stored = glob.glob(os.path.join(os.path.dirname(os.path.abspath(args.db)), "bundles", "*.tar")) + \
        glob.glob(os.path.join(cli.work, "var", "bundles", "*.tar"))
    match = [p for p in stored if os.path.basename(p) == ab.get("bundle_sm3", "") + ".tar"]
    tap(len(match) == 1 and sm3_hex(open(match[0], "rb").read()) == ab.get("bundle_sm3"),
        "the archived bundle is stored content-addressed under bundles/<sm3>.tar", stored)
    if match:
        rc, out, err = cli.run("verify-bundle", match[0], db=False)
        tap(rc == 0, "the stored archive bundle verifies offline", out + err)

    # ---- export over the API ----
    st, hdr, data = get_raw(a, f"/api/v1/cases/{cid}/bundle")
    tap(st == 200 and hdr.get("content-type") == "application/x-tar" and
        hdr.get("x-bundle-sm3") == sm3_hex(data),
        "GET /cases/{id}/bundle: an archivist gets the tar, X-Bundle-SM3 is its SM3", (st, hdr))
    st2, _, data2 = get_raw(o, f"/api/v1/cases/{cid}/bundle")
    tap(st2 == 200 and data2 == data, "same case state, same bytes (deterministic bundle)")
    names = [n for n, _ in untar(data)] if st == 200 else []
    want = ["manifest.json", "README.txt", "case.json", "checkpoint.sig", "checkpoint.txt",
            "proofs.jsonl", "public-key.pem", "records.jsonl"]
    tap(names == want, "bundle holds manifest first, then files in path order", names)
    files = untar(data)
    fd = dict(files)
    man = json.loads(fd["manifest.json"])
    tap(man["format"] == "sanxiang-bundle/v1" and man["case"]["record_count"] == len(recs) and
        all(e["sm3"] == sm3_hex(fd[e["path"]]) for e in man["files"]),
        "manifest lists every file with its SM3 (checked here with Python's SM3)", man)
    # a case with issued documents: the PDFs travel in the bundle, each as its record names it
    dcid = T.FIX.get("doc_case")
    if dcid is not None:
        st, _, ddata = get_raw(o, f"/api/v1/cases/{dcid}/bundle")
        dfd = dict(untar(ddata)) if st == 200 else {}
        dman = json.loads(dfd.get("manifest.json", b"{}"))
        docs = [e for e in dman.get("files", []) if e["path"].endswith(".pdf")]
        st2, body2, _ = o.request("GET", f"/api/v1/cases/{dcid}/documents")
        n_docs = len(body2.get("items", [])) if st2 == 200 else -1
        tap(st == 200 and n_docs > 0 and len(docs) == n_docs and
            all(dfd[e["path"]][:5] == b"%PDF-" and sm3_hex(dfd[e["path"]]) == e["sm3"] for e in docs),
            "a case's document PDFs are in its bundle, each with the SM3 its record holds",
            (st, n_docs, [e["path"] for e in docs]))
        dpath = os.path.join(work, "with-docs.tar")
        with open(dpath, "wb") as f:
            f.write(ddata)
        rc, out, err = cli.run("verify-bundle", dpath, db=False)
        tap(rc == 0, "verify-bundle passes a bundle carrying PDFs", out + err)
    lines = fd["records.jsonl"].decode().splitlines()
    tap(len(lines) == len(recs) and [json.loads(x)["hash"] for x in lines] == [r["hash"] for r in recs],
        "records.jsonl holds every record with its hash")
    tap("如何" in fd["README.txt"].decode() or "校验" in fd["README.txt"].decode(),
        "README.txt explains in Chinese how to verify by hand")
    q = T.Client(port)
    q.login("qj.off1")
    st, body, ctype = q.request("GET", f"/api/v1/cases/{cid}/bundle")
    tap(T.is_problem(st, body, ctype, 404), "another org's officer cannot export the case: 404", body)
    ad = T.Client(port)
    ad.login("admin")
    st, body, ctype = ad.request("GET", f"/api/v1/cases/{cid}/bundle")
    tap(T.is_problem(st, body, ctype, 403), "admin reads no case content: 403", body)

    # ---- CLI export ----
    rc, out, err = cli.run("export", "--list")
    number = o.request("GET", f"/api/v1/cases/{cid}")[1]["number"]
    tap(rc == 0 and number in out.splitlines(), "export --list prints the case numbers", out + err)
    path = os.path.join(work, "case.tar")
    rc, out, err = cli.run("export", number or "?", "--out", path)
    tap(rc == 0 and os.path.exists(path) and open(path, "rb").read() == data,
        "sanxiang export CASE-NUMBER writes the same bytes as the API", out + err)
    rc, out, err = cli.run("export", "昆医保罚〔2099〕9号", "--out", path + ".x")
    tap(rc == 3 and "没有" in err and not os.path.exists(path + ".x"),
        "export of an unknown case: exit 3, nothing written", err)
    rc, out, err = cli.run("export", db=False)
    tap(rc == 2, "export without a case: usage, exit 2", err)

    # ---- verify-bundle ----
    rc, out, err = cli.run("verify-bundle", path, db=False)
    tap(rc == 0 and "完整" in out and "自称" in out, "verify-bundle passes and says the key is only self-asserted",
        out + err)
    st, pk, _ = o.request("GET", "/api/v1/ledger/public-key")
    real_pem = os.path.join(work, "real.pem")
    open(real_pem, "w").write(pk["pem"])
    rc, out, err = cli.run("verify-bundle", path, "--public-key", real_pem, db=False)
    tap(rc == 0 and "指定的公钥" in out, "verify-bundle --public-key pins the instance key", out + err)

    def tampered(desc, new_files, *needles, pinned=False, raw=None):
        p = os.path.join(work, "t.tar")
        open(p, "wb").write(raw if raw is not None else retar(new_files))
        extra = ["--public-key", real_pem] if pinned else []
        rc, out, err = cli.run("verify-bundle", p, *extra, db=False)
        tap(rc == 1 and all(n in err for n in needles), f"verify-bundle names {desc}", out + err)

    rl = fd["records.jsonl"].split(b"\n")
    # one byte in a record's body (the chain breaks at that seq; the manifest hash too)
    i3 = rl[2]
    pos = i3.index(b'"at":"') + 9  # the year's last digit: still a valid time, another hash
    flipped = i3[:pos] + bytes([i3[pos] ^ 0x01]) + i3[pos + 1:]
    tampered("one byte changed in records.jsonl",
             edit(files, "records.jsonl", lambda d: d.replace(i3, flipped)), "records.jsonl", "seq 3")
    # same, in the raw tar bytes (no re-packing at all)
    raw = bytearray(data)
    at = bytes(raw).index(i3) + pos
    raw[at] ^= 0x01
    tampered("one byte changed in the raw file", None, "records.jsonl", raw=bytes(raw))
    # a record removed, two records swapped
    tampered("a record removed", edit(files, "records.jsonl", lambda d: b"\n".join(rl[:3] + rl[4:])),
             "seq 5")
    tampered("two records swapped",
             edit(files, "records.jsonl", lambda d: b"\n".join(rl[:2] + [rl[3], rl[2]] + rl[4:])),
             "seq 4")
    # a proof byte changed: the proof no longer leads to the root
    pl = fd["proofs.jsonl"].split(b"\n")
    p2 = json.loads(pl[1])
    if p2["path"]:
        h = p2["path"][0]
        p2["path"][0] = ("0" if h[0] != "0" else "1") + h[1:]
    pl2 = pl[:1] + [json.dumps(p2, separators=(",", ":"), sort_keys=True).encode()] + pl[2:]
    tampered("a proof byte changed", edit(files, "proofs.jsonl", lambda d: b"\n".join(pl2)),
             "proofs.jsonl 第 2 行", "seq 2")
    # the checkpoint signature changed
    sig = fd["checkpoint.sig"]
    bad_sig = sig[:20] + (b"0" if sig[20:21] != b"0" else b"1") + sig[21:]
    tampered("the checkpoint signature changed", edit(files, "checkpoint.sig", lambda d: bad_sig),
             "checkpoint.sig")
    # the public key replaced (and the signature made with the new key: only pinning catches it)
    keyfile = os.path.join(work, "attacker.pem")
    subprocess.run(["openssl", "genpkey", "-algorithm", "SM2", "-out", keyfile], check=True,
                   capture_output=True)
    pub = subprocess.run(["openssl", "pkey", "-in", keyfile, "-pubout"], check=True,
                         capture_output=True).stdout
    cp_path = os.path.join(work, "cp.txt")
    open(cp_path, "wb").write(fd["checkpoint.txt"])
    der = subprocess.run(["openssl", "pkeyutl", "-sign", "-inkey", keyfile, "-rawin", "-digest", "sm3",
                          "-pkeyopt", "distid:1234567812345678", "-in", cp_path],
                         check=True, capture_output=True).stdout
    forged = edit(edit(files, "public-key.pem", lambda d: pub), "checkpoint.sig",
                  lambda d: der.hex().encode() + b"\n")
    man2 = json.loads(fd["manifest.json"])
    for e in man2["files"]:
        if e["path"] in ("public-key.pem", "checkpoint.sig"):
            e["sm3"] = sm3_hex(dict(forged)[e["path"]])
            e["size"] = len(dict(forged)[e["path"]])
    forged = edit(forged, "manifest.json",
                  lambda d: json.dumps(man2, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode() + b"\n")
    p = os.path.join(work, "forged.tar")
    open(p, "wb").write(retar(forged))
    rc, out, err = cli.run("verify-bundle", p, db=False)
    tap(rc == 0 and "自称" in out, "a re-signed bundle with a replaced key passes only as self-asserted",
        out + err)
    tampered("the public key replaced (pinned)", forged, "public-key.pem", "被替换", "checkpoint.sig",
             pinned=True)
    # a manifest hash edited
    man3 = json.loads(fd["manifest.json"])
    for e in man3["files"]:
        if e["path"] == "case.json":
            e["sm3"] = "0" * 64
    tampered("a manifest hash edited",
             edit(files, "manifest.json",
                  lambda d: json.dumps(man3, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()),
             "case.json", "清单")
    # a file removed, a file added
    tampered("a file removed", [(n, d) for n, d in files if n != "proofs.jsonl"], "proofs.jsonl", "缺失")
    tampered("a file added", files + [("extra.txt", b"hello")], "extra.txt", "被添加")
    # truncated: exit 3 with a clear message
    p = os.path.join(work, "trunc.tar")
    open(p, "wb").write(data[:len(data) // 2])
    rc, out, err = cli.run("verify-bundle", p, db=False)
    tap(rc == 3 and "截断" in err, "a truncated bundle: exit 3, says truncated", err)
    open(p, "wb").write(b"not a tar at all" * 64)
    rc, out, err = cli.run("verify-bundle", p, db=False)
    tap(rc == 3 and "无法读取" in err, "not a tar: exit 3", err)
    rc, out, err = cli.run("verify-bundle", os.path.join(work, "missing.tar"), db=False)
    tap(rc == 3, "a missing file: exit 3", err)
