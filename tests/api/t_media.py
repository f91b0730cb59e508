"""API tests of audio-video evidence and access control (issue 5, points 1-2), on one store.

Called from test_api.py's main() as t_media.run(T, port, args, cli), T being the test_api
module. Checks: the tus 1.0 core protocol (OPTIONS, creation, HEAD, PATCH) with chunked upload,
resume after a dropped connection, content-addressed storage (same bytes stored once), the
declared SM3 checked, bad names / 0 bytes / over-limit sizes and chunks refused; a kill -9 of
the server mid-upload loses no acknowledged chunk; media_attach records with their metadata, the
storage deadline and the transcript-time warning; mandatory-AV steps refused without media or a
reason; 调阅 requests (approve, view within the window, refused after it, each view logged).
"""
import base64
import hashlib
import os
import socket
import subprocess
import time

CHUNK = 4 << 20
TUS = {"Tus-Resumable": "1.0.0"}


def sm3(data):
    return hashlib.new("sm3", data).hexdigest()


def meta(**kv):
    return ",".join(f"{k} {base64.b64encode(v.encode() if isinstance(v, str) else v).decode()}"
                    for k, v in kv.items())


def create(c, length, **kv):
    h = dict(TUS)
    h["Upload-Length"] = str(length)
    if kv:
        h["Upload-Metadata"] = meta(**kv)
    st, body, ctype = c.request("POST", "/api/v1/uploads", raw=b"", headers=h)
    return st, body, ctype, c.last_headers.get("location")


def patch(c, loc, offset, data, ctype="application/offset+octet-stream", tus=True):
    h = {"Content-Type": ctype, "Upload-Offset": str(offset)}
    if tus:
        h.update(TUS)
    st, body, ct = c.request("PATCH", loc, raw=data, headers=h)
    return st, body, ct, dict(c.last_headers)


def head(c, loc):
    st, body, ct = c.request("HEAD", loc, headers=dict(TUS))
    return st, dict(c.last_headers)


def upload_all(c, loc, data, start=0):
    off, last = start, None
    while off < len(data):
        st, body, ct, hdr = patch(c, loc, off, data[off:off + CHUNK])
        if st != 204:
            return st, body, hdr
        off = int(hdr["upload-offset"])
        last = hdr
    return 204, None, last


def raw_patch_partial(c, port, loc, offset, data, send):
    """Start a PATCH announcing len(data) bytes, send only `send` of them, then drop it."""
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    hdr = (f"PATCH {loc} HTTP/1.1\r\nHost: x\r\nCookie: {c.cookie}\r\nX-CSRF-Token: {c.csrf}\r\n"
           f"Tus-Resumable: 1.0.0\r\nUpload-Offset: {offset}\r\n"
           f"Content-Type: application/offset+octet-stream\r\nContent-Length: {len(data)}\r\n\r\n")
    s.sendall(hdr.encode() + data[:send])
    return s


def oversized_patch(c, port, loc, size):
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    hdr = (f"PATCH {loc} HTTP/1.1\r\nHost: x\r\nCookie: {c.cookie}\r\nX-CSRF-Token: {c.csrf}\r\n"
           f"Tus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\n"
           f"Content-Type: application/offset+octet-stream\r\nContent-Length: {size}\r\n\r\n")
    s.sendall(hdr.encode())
    try:
        s.sendall(b"x" * 65536)
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
    try:
        return int(data.decode("latin-1").split(" ", 2)[1])
    except (IndexError, ValueError):
        return 0


def media_dir(cli):
    return os.path.join(cli.work, "var", "media")


def stored_path(cli, digest):
    return os.path.join(media_dir(cli), "sm3", digest[:2], digest)


def run(T, port, args, cli):
    o, o2, h, q, qh = (T.Client(port) for _ in range(5))
    o.login("km.off1")
    o2.login("km.off2")
    h.login("km.head")
    q.login("qj.off1")
    rc, out, err = cli.run("user", "add", "--username", "qj.head", "--name", "郑曲靖", "--org", "QJ",
                           "--roles", "head", "--password-stdin", stdin=T.PASSWORD + "\n")
    T.tap(rc == 0, "media: fixture head qj.head added by the CLI", err)
    rc, out, err = cli.run("user", "add", "--username", "km.arch2", "--name", "周档案", "--org", "KM",
                           "--roles", "archivist", "--password-stdin", stdin=T.PASSWORD + "\n")
    T.tap(rc == 0, "media: fixture archivist km.arch2 added by the CLI", err)
    qh.login("qj.head")
    data = tus_protocol(T, port, cli, o, o2)
    cid = case_media(T, o, h, data)
    if cid:
        access(T, o, h, q, qh, cid, data)
    kept = kill_restart(T, cli, o)
    retention(T, o, h, data, kept, cli)
    append_only(T, args)
    verify_media(T, cli, kept)


def tus_protocol(T, port, cli, o, o2):
    tap = T.tap
    st, body, ct = o.request("OPTIONS", "/api/v1/uploads")
    hd = o.last_headers
    tap(st == 204 and hd.get("tus-resumable") == "1.0.0" and hd.get("tus-version") == "1.0.0"
        and "creation" in hd.get("tus-extension", "") and int(hd.get("tus-max-size", "0")) > 0
        and int(hd.get("upload-chunk-max", "0")) == CHUNK,
        "OPTIONS: tus 1.0.0 with creation, Tus-Max-Size and the 4 MiB chunk cap", hd)

    data = os.urandom(2 * CHUNK + 12345)
    digest = sm3(data)
    st, body, ct, loc = create(o, len(data), filename="执法记录仪_001.mp4", filetype="video/mp4",
                               sm3=digest)
    tap(st == 201 and loc and loc.startswith("/api/v1/uploads/") and body["id"] in loc,
        "POST /uploads: 201 with Location", (st, body, loc))
    if st != 201:
        return None
    st, hd = head(o, loc)
    tap(st == 200 and hd.get("upload-offset") == "0" and hd.get("upload-length") == str(len(data))
        and hd.get("cache-control") == "no-store", "HEAD: offset 0 of the declared length", hd)
    st, body, ct, hd = patch(o, loc, 0, data[:CHUNK])
    tap(st == 204 and hd.get("upload-offset") == str(CHUNK) and hd.get("tus-resumable") == "1.0.0",
        "PATCH first chunk: 204, Upload-Offset moves by the chunk", (st, hd))
    # checks that refuse without changing the offset
    st, body, ct, _ = patch(o, loc, 0, data[CHUNK:2 * CHUNK])
    tap(T.is_problem(st, body, ct, 409) and body.get("type", "").endswith("offset-mismatch"),
        "PATCH at a stale offset: 409 problem", body)
    st, body, ct, _ = patch(o, loc, CHUNK, data[CHUNK:2 * CHUNK], ctype="application/octet-stream")
    tap(st == 415 and T.is_problem(st, body, ct, 415), "PATCH with the wrong Content-Type: 415", body)
    st, body, ct, _ = patch(o, loc, CHUNK, data[CHUNK:2 * CHUNK], tus=False)
    tap(st == 412 and o.last_headers.get("tus-version") == "1.0.0",
        "PATCH without Tus-Resumable: 412 with Tus-Version", (st, body))
    st = oversized_patch(o, port, loc, CHUNK + 1)
    tap(st == 413, "a PATCH over the 4 MiB chunk cap: 413", st)
    st, hd = head(o2, loc)
    tap(st == 404, "another user cannot see the upload (404)", st)
    st, body, ct = o.request("DELETE", loc, headers=dict(TUS))
    tap(T.is_problem(st, body, ct, 403) and body.get("source"),
        "DELETE (termination) refused for evidence: 403 with source", body)
    # a dropped connection in the middle of chunk 2: nothing of it is acknowledged
    s = raw_patch_partial(o, port, loc, CHUNK, data[CHUNK:2 * CHUNK], 1 << 20)
    s.close()
    time.sleep(0.3)
    st, hd = head(o, loc)
    tap(st == 200 and hd.get("upload-offset") == str(CHUNK),
        "after a dropped PATCH, HEAD still reports the last acknowledged offset", hd)
    st, body, hd = upload_all(o, loc, data, start=int(hd.get("upload-offset", "0")))
    tap(st == 204 and hd and hd.get("upload-offset") == str(len(data))
        and hd.get("upload-sm3") == digest and hd.get("upload-duplicate") == "0",
        "resume from the HEAD offset to the end: stored, SM3 returned", (st, body, hd))
    path = stored_path(cli, digest)
    ok = os.path.exists(path) and open(path, "rb").read() == data
    tap(ok, "file stored content-addressed at var/media/sm3/ab/<sm3> with the exact bytes", path)
    tap(not os.path.exists(os.path.join(media_dir(cli), "partial", loc.rsplit("/", 1)[1])),
        "no partial file remains after completion")
    st, hd = head(o, loc)
    tap(st == 200 and hd.get("upload-offset") == str(len(data)) and hd.get("upload-sm3") == digest,
        "HEAD of a finished upload: offset = length, with its SM3", hd)
    st, body, ct, _ = patch(o, loc, len(data), b"x")
    tap(T.is_problem(st, body, ct, 409), "PATCH after completion: 409", body)

    # the same bytes again: nothing new stored
    count = sum(len(f) for _, _, f in os.walk(os.path.join(media_dir(cli), "sm3")))
    st, body, ct, loc2 = create(o, len(data), filename="copy.mp4")
    st, body, hd = upload_all(o, loc2, data)
    count2 = sum(len(f) for _, _, f in os.walk(os.path.join(media_dir(cli), "sm3")))
    tap(st == 204 and hd.get("upload-sm3") == digest and hd.get("upload-duplicate") == "1"
        and count2 == count, "a second upload of the same bytes stores nothing new", (hd, count, count2))

    # declared hash does not match the bytes
    small = os.urandom(5000)
    st, body, ct, loc3 = create(o, len(small), filename="a.jpg", sm3=sm3(b"other bytes"))
    st, body, ct, hd = patch(o, loc3, 0, small)
    tap(T.is_problem(st, body, ct, 422) and body.get("type", "").endswith("hash-mismatch"),
        "bytes that do not match the declared SM3 are refused", body)
    tap(not os.path.exists(stored_path(cli, sm3(small)))
        and not os.path.exists(os.path.join(media_dir(cli), "partial", loc3.rsplit("/", 1)[1])),
        "a refused upload leaves no file, stored or partial")
    st, hd = head(o, loc3)
    tap(st == 410, "HEAD of the refused upload: 410 Gone", st)

    # bad names, sizes
    for name, why in (("../../etc/passwd", ".."), ("a/b.mp4", "path"), ("x\x01y.mp4", "control"),
                      ("..", "dots"), ("a\\b.mp4", "backslash")):
        st, body, ct, _ = create(o, 10, filename=name)
        tap(T.is_problem(st, body, ct, 400) and body.get("field") == "filename",
            f"file name with {why} refused: 400 naming filename", body)
    st, body, ct, _ = create(o, 0, filename="empty.mp4")
    tap(T.is_problem(st, body, ct, 400) and body.get("type", "").endswith("empty-upload"),
        "0-byte upload refused", body)
    st, body, ct, _ = create(o, (64 << 30) + 1, filename="huge.mp4")
    tap(T.is_problem(st, body, ct, 413), "upload over Tus-Max-Size refused: 413", body)
    st, body, ct, _ = create(o, 10)
    tap(T.is_problem(st, body, ct, 400) and body.get("field") == "filename",
        "upload without a file name refused", body)
    st, body, ct = o.request("POST", "/api/v1/uploads", raw=b"",
                             headers={"Upload-Length": "10", "Upload-Metadata": meta(filename="a")})
    tap(st == 412, "creation without Tus-Resumable: 412", st)
    return data


def attach_body(digest, frm, to):
    return {"sm3": digest, "mime": "video/mp4", "captured_from": frm, "captured_to": to,
            "place": "昆明某某医院药房", "collectors": [], "proof_target": "证明药品库存与销售记录不符",
            "device": "执法记录仪 DSJ-001", "interruptions": "无"}


def sampling_body(T, **extra):
    b = {"officers": [T.FIX["km.off1"], T.FIX["km.off2"]], "credentials_shown": True,
         "sampled_at": "2026-11-03T03:00:00Z", "place": "医院药房", "items": "药品 3 盒",
         "sample_count": 1, "method": "随机抽取", "party_signed": True}
    b.update(extra)
    return b


def case_media(T, o, h, data):
    tap = T.tap
    if data is None:
        return None
    digest = sm3(data)
    st, body, _ = T.new_case(o)
    cid = body["id"]
    st, body, _ = T.step(h, cid, "file", T.filing_body(), at="2026-11-02T02:00:00Z")
    st, body, _ = T.step(o, cid, "inquire", T.inquiry_body([T.FIX["km.off1"], T.FIX["km.off2"]]),
                         at="2026-11-03T02:30:00Z")
    tap(st == 201, "media: case filed and a transcript (01:00–02:00Z) recorded", body)
    # mandatory-AV step without media or reason
    st, body, ct = T.step(o, cid, "sample", sampling_body(T))
    tap(T.is_problem(st, body, ct, 422) and body.get("type", "").endswith("av-required")
        and "HB-2-13" in body.get("source", ""),
        "sampling (mandatory AV) without media or a reason: 422 with its source", body)
    st, body, ct = T.step(o, cid, "sample", sampling_body(T, media=[digest]))
    tap(T.is_problem(st, body, ct, 422) and body.get("type", "").endswith("av-not-attached"),
        "sampling naming media not attached to the case: 422", body)
    # attach: unknown file, then the real one
    b = attach_body("0" * 64, "2026-11-03T01:10:00Z", "2026-11-03T02:00:00Z")
    b["collectors"] = [T.FIX["km.off1"]]
    st, body, ct = T.step(o, cid, "attach_media", b)
    tap(T.is_problem(st, body, ct, 400) and body.get("type", "").endswith("media-not-stored"),
        "attaching a file that was never uploaded: 400", body)
    b = attach_body(digest, "2026-11-03T01:10:00Z", "2026-11-03T02:00:00Z")
    b["collectors"] = [T.FIX["km.off1"]]
    del b["proof_target"]
    st, body, ct = T.step(o, cid, "attach_media", b)
    tap(T.is_problem(st, body, ct, 400) and body.get("field") == "proof_target",
        "media metadata without 证明对象: 400 naming it", body)
    b["proof_target"] = "证明药品库存与销售记录不符"
    st, body, ct = T.step(o, cid, "attach_media", b)
    tap(st == 201 and body["record"]["type"] == "media_attach"
        and body["record"]["body"]["size"] == len(data) and body["record"]["body"]["sm3"] == digest,
        "attach_media: a media_attach record in the case's chain, with size filled in", body)
    b2 = attach_body(digest, "2026-11-03T00:55:00Z", "2026-11-03T02:05:00Z")
    b2["collectors"] = [T.FIX["km.off1"], T.FIX["km.off2"]]
    st, body, ct = T.step(o, cid, "attach_media", b2)
    st, body, ct = o.request("GET", f"/api/v1/cases/{cid}/media")
    items = body.get("items", []) if st == 200 else []
    tap(st == 200 and len(items) == 2 and items[0]["metadata"]["device"] == "执法记录仪 DSJ-001",
        "GET /cases/{id}/media lists both items with their metadata", body)
    if len(items) == 2:
        tap(len(items[0]["warnings"]) == 1 and items[0]["warnings"][0]["type"] == "time-mismatch"
            and "YN-2-17" in items[0]["warnings"][0]["source"] and items[1]["warnings"] == [],
            "capture start after the transcript's start is flagged; a covering recording is not",
            items)
        dl = items[0]["storage_deadline"]
        tap(dl and dl["key"] == "av_storage" and dl["due"] == "2026-11-05" and dl["status"] == "late"
            and "YN-2-17" in dl["source"],
            "storage deadline: 2 WD from capture end (2026-11-03 → 11-05), stored later: late", dl)
    st, body, ct = o.request("GET", f"/api/v1/cases/{cid}/deadlines")
    avs = [x for x in body.get("items", []) if x.get("key") == "av_storage"] if st == 200 else []
    tap(len(avs) == 2 and all(x["state"] == "met" and x["late"] and x["due"] == "2026-11-05"
                              and x["start"] == "2026-11-03" for x in avs),
        "the deadline engine shows av_storage per media item (2 WD from capture end; late)", avs)
    st, body, ct = T.step(o, cid, "sample", sampling_body(T, av_absent_reason="设备故障，已在笔录中完整记录"))
    tap(st == 201, "sampling with a recorded reason why there is no AV: accepted", body)
    st, body, ct = T.step(o, cid, "sample", sampling_body(T, media=[digest]))
    tap(st == 201 and body["record"]["body"]["media"] == [digest],
        "sampling with media attached to the case: accepted", body)
    st, body, ct = T.step(o, cid, "preserve", {
        "officers": [T.FIX["km.off1"], T.FIX["km.off2"]], "credentials_shown": True,
        "approver": [T.FIX["km.head"]], "approved_on": "2026-11-03",
        "preserved_at": "2026-11-03T04:00:00Z", "place": "医院", "reason": "证据可能灭失",
        "items": "账册 1 册", "notice_served": True, "party_signed": True})
    tap(T.is_problem(st, body, ct, 422) and body.get("type", "").endswith("av-required"),
        "evidence preservation (mandatory AV) without media: 422", body)
    return cid


def access(T, o, h, q, qh, cid, data):
    tap = T.tap
    digest = sm3(data)
    st, body, ct = q.request("GET", f"/api/v1/cases/{cid}")
    tap(st == 404, "another org's officer cannot open the case directly", st)
    st, body, ct = q.request("POST", "/api/v1/access-requests", {
        "kind": "case", "case_id": cid, "reason": "协查同一医院的关联案件", "valid_seconds": 3})
    tap(st == 201 and body["decision"] is None and body["target_org"] == T.FIX["city"],
        "调阅 request filed: pending, to be decided by the case's org", body)
    rid = body.get("id")
    st, body, ct = q.request("GET", f"/api/v1/access-requests/{rid}/case")
    tap(T.is_problem(st, body, ct, 403) and body.get("type", "").endswith("access-not-approved"),
        "viewing before approval: 403", body)
    st, body, ct = qh.request("POST", f"/api/v1/access-requests/{rid}/approve", {"note": "同意"})
    tap(T.is_problem(st, body, ct, 404), "a head of another org cannot see or approve it: 404", body)
    st, body, ct = h.request("POST", f"/api/v1/access-requests/{rid}/approve", {"note": "同意，限时查阅"})
    tap(st == 200 and body["decision"] == "approved" and body["valid_until"],
        "the case org's head approves, with a time limit", body)
    st, body, ct = h.request("POST", f"/api/v1/access-requests/{rid}/refuse", {})
    tap(T.is_problem(st, body, ct, 409), "a decided request cannot be decided again: 409", body)
    st1, body1, _ = q.request("GET", f"/api/v1/access-requests/{rid}/case")
    st2, body2, _ = q.request("GET", f"/api/v1/access-requests/{rid}/case")
    tap(st1 == 200 and st2 == 200 and body1["case_id"] == cid
        and any(r["type"] == "media_attach" for r in body1["records"]),
        "within the window the requester views the case and its records (twice)", body1)
    st, body, ct = h.request("GET", f"/api/v1/access-requests/{rid}")
    views = [e for e in body.get("log", []) if e["action"] == "view"]
    tap(st == 200 and len(views) == 2 and all(e["user_id"] == T.FIX["qj.off1"] for e in views),
        "each view is recorded in the access log (2 views)", body)
    st, body, _ = h.request("GET", f"/api/v1/cases/{cid}/records?limit=500")
    chained = [r for r in body.get("items", []) if r["type"] == "record_access"
               and r["body"].get("request_id") == rid]
    tap(st == 200 and len(chained) == 2 and all(r["body"]["access"] == "view" and
                                                r["actor_id"] == T.FIX["qj.off1"] for r in chained),
        "each view is also a record in the case's chain (record_access, 汶上 第二十四条)", chained)
    time.sleep(4)
    st, body, ct = q.request("GET", f"/api/v1/access-requests/{rid}/case")
    tap(T.is_problem(st, body, ct, 403) and body.get("type", "").endswith("access-expired"),
        "after the window: 403 access-expired", body)
    st, body, ct = h.request("GET", f"/api/v1/access-requests/{rid}")
    tap(len([e for e in body.get("log", []) if e["action"] == "view"]) == 2,
        "a refused view is not logged as a view", body)

    # media download needs an approved request too
    st, body, ct = q.request("POST", "/api/v1/access-requests", {
        "kind": "media", "case_id": cid, "sm3": "f" * 64, "reason": "x", "valid_seconds": 60})
    tap(T.is_problem(st, body, ct, 400), "a media request for a file not in the case: 400", body)
    st, body, ct = o.request("POST", "/api/v1/access-requests", {
        "kind": "media", "case_id": cid, "sm3": digest, "reason": "制作证据光盘", "valid_seconds": 60})
    mid = body.get("id")
    st, body, ct = o.request("GET", f"/api/v1/access-requests/{mid}/media")
    tap(T.is_problem(st, body, ct, 403), "own-org officer: media download before approval: 403", body)
    st, body, ct = h.request("POST", f"/api/v1/access-requests/{mid}/approve", {})
    conn_st, got = download(o, mid)
    tap(conn_st == 200 and got == data, "after approval the file downloads byte for byte", conn_st)
    st, body, ct = o.request("GET", f"/api/v1/access-requests/{mid}")
    tap(st == 200 and [e["action"] for e in body["log"]] == ["download"] and body["log"][0]["sm3"] == digest,
        "the download is recorded", body)
    st, body, _ = h.request("GET", f"/api/v1/cases/{cid}/records?limit=500")
    chained = [r for r in body.get("items", []) if r["type"] == "record_access"
               and r["body"].get("request_id") == mid]
    tap(st == 200 and len(chained) == 1 and chained[0]["body"]["access"] == "download"
        and chained[0]["body"].get("sm3") == digest,
        "the download is also a record in the case's chain, naming the file's SM3", chained)
    # the requester cannot approve their own request
    st, body, ct = h.request("POST", "/api/v1/access-requests", {
        "kind": "media", "case_id": cid, "sm3": digest, "reason": "自查", "valid_seconds": 60})
    sid = body.get("id")
    st, body, ct = h.request("POST", f"/api/v1/access-requests/{sid}/approve", {})
    tap(T.is_problem(st, body, ct, 403) and body.get("type", "").endswith("self-approval"),
        "a head cannot approve their own request", body)
    # a refused request never opens
    st, body, ct = q.request("POST", "/api/v1/access-requests", {
        "kind": "case", "case_id": cid, "reason": "再次协查", "valid_seconds": 60})
    fid = body.get("id")
    st, body, ct = h.request("POST", f"/api/v1/access-requests/{fid}/refuse", {"note": "理由不充分"})
    st, body, ct = q.request("GET", f"/api/v1/access-requests/{fid}/case")
    tap(T.is_problem(st, body, ct, 403), "a refused request: view 403", body)
    # a party asks to view their own case (WS-24)
    st, body, ct = o.request("POST", "/api/v1/access-requests", {
        "kind": "party", "case_id": cid, "party_name": "冒名者", "reason": "查阅", "valid_seconds": 600})
    tap(T.is_problem(st, body, ct, 400) and body.get("field") == "party_name",
        "a party request naming someone who is not a party: 400", body)
    st, body, ct = q.request("POST", "/api/v1/access-requests", {
        "kind": "party", "case_id": cid, "party_name": "昆明某某医院有限公司", "reason": "查阅",
        "valid_seconds": 600})
    tap(T.is_problem(st, body, ct, 403), "a party request is filed by the case's own org only", body)
    st, body, ct = o.request("POST", "/api/v1/access-requests", {
        "kind": "party", "case_id": cid, "party_name": "昆明某某医院有限公司",
        "reason": "当事人申请查阅本案执法记录", "valid_seconds": 600})
    pid = body.get("id")
    tap(st == 201 and body["kind"] == "party", "a party's request to view their case is filed", body)
    st, body, ct = h.request("POST", f"/api/v1/access-requests/{pid}/approve", {})
    st, body, ct = o.request("GET", f"/api/v1/access-requests/{pid}/case")
    tap(st == 200 and body["case_id"] == cid, "approved by the head, the party's view is served and logged", body)
    st, body, ct = h.request("GET", "/api/v1/access-requests")
    ids = [x["id"] for x in body.get("items", [])]
    tap(st == 200 and rid in ids and pid in ids, "the head lists the requests to decide", ids)


def download(c, rid):
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", c.port, timeout=60)
    conn.request("GET", f"/api/v1/access-requests/{rid}/media", headers={"Cookie": c.cookie})
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, data


def kill_restart(T, cli, o):
    """kill -9 the server in the middle of an upload, restart, resume: nothing acknowledged lost."""
    tap = T.tap
    port = T.free_port()
    srv = T.Server(cli, port)
    c = T.Client(port)
    c.login("km.off1")
    data = os.urandom(2 * CHUNK + 777)
    digest = sm3(data)
    st, body, ct, loc = create(c, len(data), filename="会场录像.mp4", sm3=digest)
    st, body, ct, hd = patch(c, loc, 0, data[:CHUNK])
    acked = int(hd.get("upload-offset", "0"))
    s = raw_patch_partial(c, port, loc, acked, data[acked:acked + CHUNK], CHUNK // 2)
    srv.proc.kill()
    srv.proc.wait()
    s.close()
    tap(st == 204 and acked == CHUNK, "kill -9 during the second chunk (first acknowledged)", hd)
    port2 = T.free_port()
    srv2 = T.Server(cli, port2)
    try:
        c2 = T.Client(port2)
        c2.cookie, c2.csrf = c.cookie, c.csrf
        st, hd = head(c2, loc)
        tap(st == 200 and int(hd.get("upload-offset", "-1")) == acked,
            "after restart HEAD reports the acknowledged offset", hd)
        st, body, hd = upload_all(c2, loc, data, start=int(hd.get("upload-offset", "0")))
        tap(st == 204 and hd and hd.get("upload-sm3") == digest
            and open(stored_path(cli, digest), "rb").read() == data,
            "resumed after restart: the final SM3 is right and the file is whole", (st, body, hd))
    finally:
        rc, err = srv2.stop()
        tap(rc == 0, "restarted server stops cleanly", err[-2000:])
    return digest


def retention(T, o, h, data, loose, cli):
    """Case evidence is kept with the case file; other files at least 3 months; deletion logged."""
    tap = T.tap
    a = T.Client(o.port)
    a.login("km.arch2")
    if data is not None:
        digest = sm3(data)
        st, body, ct = o.request("GET", f"/api/v1/media/{digest}")
        tap(st == 200 and body["case_links"] >= 2 and body["retain_until"] == "case_file"
            and body["deleted_at"] is None, "a file linked to a case is kept with the case file", body)
        st, body, ct = a.request("POST", f"/api/v1/media/{digest}/deletion", {"reason": "清理"})
        tap(T.is_problem(st, body, ct, 403) and body.get("type", "").endswith("case-evidence-kept")
            and "HB-2-21" in body.get("source", ""), "deleting case evidence: 403 with source", body)
    st, body, ct = o.request("GET", f"/api/v1/media/{loose}")
    tap(st == 200 and body["case_links"] == 0 and body["retain_until"] > "2027-02-2",
        "a file no case holds is kept 3 months from its storage", body)
    st, body, ct = o.request("POST", f"/api/v1/media/{loose}/deletion", {"reason": "清理"})
    tap(T.is_problem(st, body, ct, 403), "an officer may not delete media: 403", body)
    st, body, ct = a.request("POST", f"/api/v1/media/{loose}/deletion", {"reason": "清理"})
    tap(T.is_problem(st, body, ct, 403) and body.get("type", "").endswith("retention-not-ended")
        and os.path.exists(stored_path(cli, loose)),
        "deleting before the retention ends: 403, the file stays", body)


def append_only(T, args):
    """Uploads, blobs, links, requests, decisions and the access log are never changed in place."""
    import sqlite3
    for table, col in (("media_uploads", "filename"), ("media_upload_results", "outcome"),
                       ("media_blobs", "size"), ("media_links", "sm3"),
                       ("access_requests", "reason"), ("access_decisions", "decision"),
                       ("access_log", "action")):
        for sql in (f"UPDATE {table} SET {col} = {col}", f"DELETE FROM {table}"):
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
            T.tap(refused, f"{sql.split()[0]} {table} is refused by the database (append-only)", msg)


def verify_media(T, cli, digest):
    """`sanxiang verify` re-hashes every stored file and names the first one altered."""
    tap = T.tap
    rc, out, err = cli.run("verify")
    tap(rc == 0 and "音像文件完整" in out and len(out.strip().splitlines()) == 1,
        "sanxiang verify: every stored media file matches its SM3 (one line)", out + err)
    path = stored_path(cli, digest)
    with open(path, "r+b") as f:
        f.seek(100)
        b = f.read(1)
        f.seek(100)
        f.write(bytes([b[0] ^ 0x01]))
    rc, out, err = cli.run("verify")
    tap(rc == 1 and digest in err and "音像文件" in err,
        "one flipped byte in a stored file: verify exits 1 naming its SM3", out + err)
    with open(path, "r+b") as f:
        f.seek(100)
        f.write(b)
    rc, out, err = cli.run("verify")
    tap(rc == 0, "restored: verify passes again", out + err)
