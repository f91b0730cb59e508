"""API and CLI tests of the global Merkle ledger (issue 5 point 3), run by test_api.py on both stores.

Appends records, has the sequencer give them leaves and the server sign checkpoints, then checks
everything a client gets WITHOUT trusting our C code: inclusion and consistency proofs are
verified here in Python (RFC 9162 §2.1.3.2 / §2.1.4.2, SM3 from hashlib or, where this Python
has no SM3, from `openssl dgst -sm3`), checkpoint signatures with the openssl CLI (pkeyutl
-verify with the served public key and distid 1234567812345678), the key id as SM3 of the DER
public key, and the same proofs with `sanxiang ledger verify-proof` (accepting, then refusing a
proof with one character changed). Bad input gets a Chinese problem+json; who may call what.
"""
import hashlib
import json
import os
import subprocess
import time

# ---- SM3: hashlib when it has it, else the openssl CLI ----

try:
    hashlib.new("sm3", b"")
    HAVE_SM3 = True
except ValueError:
    HAVE_SM3 = False


def sm3(data):
    if HAVE_SM3:
        return hashlib.new("sm3", data).digest()
    p = subprocess.run(["openssl", "dgst", "-sm3", "-binary"], input=data, capture_output=True,
                       check=True)
    return p.stdout


def leaf_hash(record_hash_hex):
    return sm3(b"\x00" + bytes.fromhex(record_hash_hex))


def node(left, right):
    return sm3(b"\x01" + left + right)


def verify_inclusion(index, size, leaf, path, root):
    """RFC 9162 §2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(first, second, root1, root2, path):
    """RFC 9162 §2.1.4.2."""
    if first < 1 or first > second:
        return False
    if first == second:
        return not path and root1 == root2
    if not path:
        return False
    path = list(path)
    if first & (first - 1) == 0:
        path = [root1] + path
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node(c, fr)
            sr = node(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == root1 and sr == root2


def signed_text(cp):
    return (f"sanxiang-ledger-checkpoint/v1\ntree_size {cp['tree_size']}\nroot {cp['root']}\n"
            f"made_at {cp['made_at']}\n")


def openssl_verify(work, pem, cp, tag):
    """Check a checkpoint's SM2 signature with the openssl CLI; True when it verifies."""
    pub = os.path.join(work, f"ledger-pub-{tag}.pem")
    msg = os.path.join(work, f"ledger-msg-{tag}.txt")
    sig = os.path.join(work, f"ledger-sig-{tag}.der")
    with open(pub, "w") as f:
        f.write(pem)
    with open(msg, "w") as f:
        f.write(cp["signed_text"])
    with open(sig, "wb") as f:
        f.write(bytes.fromhex(cp["signature"]))
    p = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin",
                        "-digest", "sm3", "-pkeyopt", "distid:1234567812345678", "-in", msg,
                        "-sigfile", sig], capture_output=True, text=True)
    return p.returncode == 0 and "Signature Verified Successfully" in p.stdout, p.stdout + p.stderr


def run(T, port, args, cli):
    group = T.group

    @group
    def ledger_api(T):
        tap = T.tap
        anon = T.Client(port)
        adm = T.Client(port)
        adm.login("admin")
        off = T.Client(port)
        off.login("km.off1")
        head = T.Client(port)
        head.login("km.head")

        # -- records to put in the ledger: a case and one more step
        st, body, _ = T.new_case(off)
        tap(st == 201, "ledger: a case to log", body)
        cid = body["id"]
        st, body, _ = T.step(head, cid, "file", T.filing_body())
        tap(st == 201, "ledger: a second record", body)
        st, body, _ = off.request("GET", f"/api/v1/cases/{cid}/records")
        recs = body["items"]

        # -- who may sign a checkpoint now
        st, body, ctype = anon.request("POST", "/api/v1/ledger/checkpoints", {})
        tap(T.is_problem(st, body, ctype, 401), "ledger: anonymous POST checkpoint is 401", body)
        st, body, ctype = off.request("POST", "/api/v1/ledger/checkpoints", {})
        tap(T.is_problem(st, body, ctype, 403), "ledger: an officer may not force a checkpoint (403)", body)
        st, cp1, _ = adm.request("POST", "/api/v1/ledger/checkpoints", {})
        tap(st == 201 and cp1["tree_size"] >= len(recs), "ledger: admin signs a checkpoint (201)", cp1)
        st, again, _ = adm.request("POST", "/api/v1/ledger/checkpoints", {})
        tap(st == 200 and again["tree_size"] == cp1["tree_size"] and again["root"] == cp1["root"],
            "ledger: no growth, no new checkpoint (200, the same one)", again)

        # -- public: latest, by size, the key
        st, latest, _ = anon.request("GET", "/api/v1/ledger/checkpoints/latest")
        tap(st == 200 and latest == cp1, "ledger: latest checkpoint is public and the same", latest)
        st, by_size, _ = anon.request("GET", f"/api/v1/ledger/checkpoints/{cp1['tree_size']}")
        tap(st == 200 and by_size == cp1, "ledger: checkpoint by size", by_size)
        tap(cp1["signed_text"] == signed_text(cp1), "ledger: signed_text is the documented 4 lines",
            cp1["signed_text"])
        st, key, _ = anon.request("GET", "/api/v1/ledger/public-key")
        tap(st == 200 and key["algorithm"] == "SM2" and "BEGIN PUBLIC KEY" in key["pem"],
            "ledger: public key served", key)
        der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "DER"], input=key["pem"].encode(),
                             capture_output=True, check=True).stdout
        tap(sm3(der).hex() == key["key_id"] == cp1["key_id"],
            "ledger: key_id = SM3(DER public key), and names the checkpoint's key")
        ok, info = openssl_verify(args.work, key["pem"], cp1, "1")
        tap(ok, "ledger: checkpoint signature verifies with openssl pkeyutl (SM2, distid)", info)
        forged = dict(cp1, root="0" * 64)
        forged["signed_text"] = signed_text(forged)
        ok, info = openssl_verify(args.work, key["pem"], forged, "forged")
        tap(not ok, "ledger: the same signature on another root fails with openssl", info)

        # -- inclusion proof for each record of the case, checked in Python
        st, body, ctype = anon.request("GET", f"/api/v1/ledger/proofs/inclusion?record={recs[0]['id']}")
        tap(T.is_problem(st, body, ctype, 401), "ledger: inclusion proof needs a login", body)
        for rec in recs:
            st, p, _ = off.request("GET", f"/api/v1/ledger/proofs/inclusion?record={rec['id']}")
            good = (st == 200 and p["record_hash"] == rec["hash"] and
                    bytes.fromhex(p["leaf_hash"]) == leaf_hash(rec["hash"]) and
                    p["tree_size"] == cp1["tree_size"] and p["root"] == cp1["root"] and
                    p["checkpoint"] == cp1 and
                    verify_inclusion(p["leaf_index"], p["tree_size"], leaf_hash(rec["hash"]),
                                     [bytes.fromhex(h) for h in p["path"]], bytes.fromhex(cp1["root"])))
            tap(good, f"ledger: inclusion proof of record {rec['id']} verifies in Python "
                      f"(SM3 via {'hashlib' if HAVE_SM3 else 'openssl'})", p)
        proof_file = os.path.join(args.work, "ledger-inclusion.json")
        with open(proof_file, "w") as f:
            json.dump(p, f)
        pub_file = os.path.join(args.work, "ledger-pub-1.pem")
        rc, out, err = cli.run("ledger", "verify-proof", proof_file, "--public-key", pub_file, db=False)
        tap(rc == 0 and "包含证明有效" in out and "签名有效" in out,
            "ledger: sanxiang ledger verify-proof accepts it (path and signature)", out + err)
        # one hex digit changed in the path, then in the signature: refused, exit 1
        if p["path"]:
            bad = dict(p, path=[("1" if p["path"][0][0] != "1" else "2") + p["path"][0][1:]] + p["path"][1:])
            tap(not verify_inclusion(bad["leaf_index"], bad["tree_size"], leaf_hash(rec["hash"]),
                                     [bytes.fromhex(h) for h in bad["path"]], bytes.fromhex(cp1["root"])),
                "ledger: a changed path fails the Python verifier")
            with open(proof_file, "w") as f:
                json.dump(bad, f)
            rc, out, err = cli.run("ledger", "verify-proof", proof_file, db=False)
            tap(rc == 1 and "Merkle" in err, "ledger: verify-proof refuses a changed path (exit 1)", out + err)
        sig = p["checkpoint"]["signature"]
        bad = dict(p, checkpoint=dict(p["checkpoint"], signature=sig[:-2] + ("00" if sig[-2:] != "00" else "01")))
        with open(proof_file, "w") as f:
            json.dump(bad, f)
        rc, out, err = cli.run("ledger", "verify-proof", proof_file, "--public-key", pub_file, db=False)
        tap(rc == 1 and "签名" in err, "ledger: verify-proof refuses a changed signature (exit 1)", out + err)

        # -- grow the log, sign again, prove the old tree is a prefix of the new
        st, body, _ = T.new_case(off)
        cid2 = body["id"]
        T.step(head, cid2, "file", T.filing_body())
        st, cp2, _ = adm.request("POST", "/api/v1/ledger/checkpoints", {})
        tap(st == 201 and cp2["tree_size"] >= cp1["tree_size"] + 2, "ledger: the tree grew, a second checkpoint", cp2)
        ok, info = openssl_verify(args.work, key["pem"], cp2, "2")
        tap(ok, "ledger: second checkpoint's signature verifies with openssl", info)
        st, c, _ = anon.request("GET", f"/api/v1/ledger/proofs/consistency?first={cp1['tree_size']}"
                                       f"&second={cp2['tree_size']}")
        good = (st == 200 and c["root1"] == cp1["root"] and c["root2"] == cp2["root"] and
                c["checkpoints"]["first"] == cp1 and c["checkpoints"]["second"] == cp2 and
                verify_consistency(cp1["tree_size"], cp2["tree_size"], bytes.fromhex(cp1["root"]),
                                   bytes.fromhex(cp2["root"]), [bytes.fromhex(h) for h in c["path"]]))
        tap(good, "ledger: consistency proof between the two checkpoints verifies in Python (public)", c)
        tap(not verify_consistency(cp1["tree_size"], cp2["tree_size"], bytes.fromhex(cp2["root"]),
                                   bytes.fromhex(cp1["root"]), [bytes.fromhex(h) for h in c["path"]]),
            "ledger: swapped roots fail the Python verifier")
        cons_file = os.path.join(args.work, "ledger-consistency.json")
        with open(cons_file, "w") as f:
            json.dump(c, f)
        rc, out, err = cli.run("ledger", "verify-proof", cons_file, "--public-key", pub_file, db=False)
        tap(rc == 0 and "一致性证明有效" in out and "签名有效" in out,
            "ledger: verify-proof accepts the consistency proof and both signatures", out + err)
        # an old record proven against the new checkpoint
        st, p2, _ = off.request("GET", f"/api/v1/ledger/proofs/inclusion?record={recs[0]['id']}")
        tap(st == 200 and p2["tree_size"] == cp2["tree_size"] and
            verify_inclusion(p2["leaf_index"], p2["tree_size"], leaf_hash(recs[0]["hash"]),
                             [bytes.fromhex(h) for h in p2["path"]], bytes.fromhex(cp2["root"])),
            "ledger: an old record is proven against the newest checkpoint by default", p2)
        st, p3, _ = off.request("GET", f"/api/v1/ledger/proofs/inclusion?record={recs[0]['id']}"
                                       f"&size={cp1['tree_size']}")
        tap(st == 200 and p3["root"] == cp1["root"] and p3["checkpoint"] == cp1,
            "ledger: ... and against an older size on request", p3)

        # -- a record not yet in a checkpoint: waits for the sequencer, then 404 until signed
        st, body, _ = T.new_case(off)
        st, recs3, _ = off.request("GET", f"/api/v1/cases/{body['id']}/records")
        newest = recs3["items"][-1]["id"]
        st, body, ctype = off.request("GET", f"/api/v1/ledger/proofs/inclusion?record={newest}")
        tap(T.is_problem(st, body, ctype, 404) and body["type"].endswith(("record-not-checkpointed",
                                                                          "ledger-leaf-missing")),
            "ledger: a record newer than the latest checkpoint: 404 naming why", body)
        deadline = time.time() + 10
        while time.time() < deadline:
            st, body, _ = off.request("GET", f"/api/v1/ledger/proofs/inclusion?record={newest}"
                                             f"&size={cp2['tree_size'] + 1}")
            if st == 200:
                break
            time.sleep(0.2)
        tap(st == 200 and body["leaf_index"] == cp2["tree_size"],
            "ledger: the server's sequencer gives the new record the next leaf within seconds", body)

        # -- bad input: Chinese problem+json
        bad = [
            ("/api/v1/ledger/proofs/inclusion", off, 400, "record"),
            ("/api/v1/ledger/proofs/inclusion?record=abc", off, 400, "record"),
            ("/api/v1/ledger/proofs/inclusion?record=0", off, 400, "record"),
            ("/api/v1/ledger/proofs/inclusion?record=999999999", off, 404, ""),
            (f"/api/v1/ledger/proofs/inclusion?record={recs[0]['id']}&size=999999999", off, 400, "size"),
            ("/api/v1/ledger/proofs/consistency?first=5", anon, 400, "first"),
            (f"/api/v1/ledger/proofs/consistency?first={cp2['tree_size']}&second={cp1['tree_size']}", anon, 400, ""),
            ("/api/v1/ledger/proofs/consistency?first=1&second=999999999", anon, 400, ""),
            ("/api/v1/ledger/checkpoints/999999999", anon, 404, ""),
            ("/api/v1/ledger/checkpoints/-1", anon, 400, "size"),
        ]
        for path, who, want, field in bad:
            st, body, ctype = who.request("GET", path)
            tap(T.is_problem(st, body, ctype, want) and field in (body.get("field") or ""),
                f"ledger: GET {path} -> {want} problem", body)

    @group
    def ledger_cli(T):
        tap = T.tap
        rc, out, err = cli.run("ledger", "sync")
        tap(rc == 0 and "账本已同步" in out, "ledger: sanxiang ledger sync", out + err)
        rc, out, err = cli.run("ledger", "checkpoint")
        tap(rc == 0 and "tree_size=" in out, "ledger: sanxiang ledger checkpoint", out + err)
        rc, out, err = cli.run("ledger", "status")
        tap(rc == 0 and "叶子" in out and "最新签名检查点" in out, "ledger: sanxiang ledger status", out + err)
        rc, out, err = cli.run("verify")
        tap(rc == 0 and "全局账本完整" in out and len(out.strip().splitlines()) == 1,
            "ledger: sanxiang verify recomputes the tree and checks every checkpoint", out + err)
        rc, out, err = cli.run("ledger", "bogus")
        tap(rc == 2, "ledger: unknown subcommand is a usage error (2)", out + err)

    ledger_api(T)
    ledger_cli(T)

