#!/usr/bin/env python3
"""Media upload benchmark (issue 5): a 1 GiB file sent by tus PATCHes of 4 MiB over loopback.

    upload_bench.py --bin BUILD/sanxiang --work DIR [--mib 1024]

Sets up its own SQLite database and media directory under DIR (on disk), starts
`sanxiang serve`, logs in, creates one upload and sends the file chunk by chunk on one keep-alive
connection; every chunk is written, fsync'ed and hashed by the server before its 204. Prints
MB/s and the server's RSS (VmRSS from /proc, sampled every 50 ms during the upload: it must stay
flat, the server never holds the file), beside two ceilings measured in the same run on the same
file system: the same chunks written and fsync'ed by this process alone (no HTTP, no hash), and
SM3 over the same bytes in this process (OpenSSL through hashlib). Prints one Markdown table.
"""
import argparse
import base64
import hashlib
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time

CHUNK = 4 << 20
PASSWORD = "bench-pass-2026"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def chunks(n_chunks, base):
    """Deterministic, distinct chunks: a random 4 MiB block with the chunk number stamped in."""
    for i in range(n_chunks):
        yield i.to_bytes(8, "big") + base[8:]


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--mib", type=int, default=1024)
    a = ap.parse_args()
    n_chunks = a.mib * (1 << 20) // CHUNK
    size = n_chunks * CHUNK
    os.makedirs(a.work, exist_ok=True)
    db = os.path.join(a.work, "upload.db")
    media = os.path.join(a.work, "media")
    env = dict(os.environ)

    def cli(*args, stdin=None):
        p = subprocess.run([a.bin, *args, "--db", db], input=stdin, capture_output=True, text=True,
                           env=env, check=True)
        return p.stdout.strip()

    cli("init")
    cli("org", "add", "--code", "UB", "--name", "上传测试局", "--short", "测", "--level", "province")
    cli("user", "add", "--username", "ub.off", "--name", "上传员", "--org", "UB", "--roles",
        "officer", "--cert-no", "99000001", "--cert-from", "2024-01-01", "--cert-to", "2030-12-31",
        "--password-stdin", stdin=PASSWORD + "\n")
    base = os.urandom(CHUNK)

    # ceiling 1: SM3 over the same bytes in one process
    t0 = time.monotonic()
    h = hashlib.new("sm3")
    for c in chunks(n_chunks, base):
        h.update(c)
    digest = h.hexdigest()
    sm3_s = time.monotonic() - t0
    # ceiling 2: the same chunks appended and fsync'ed to a file on the same file system
    path = os.path.join(a.work, "ceiling.bin")
    t0 = time.monotonic()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o600)
    for c in chunks(n_chunks, base):
        os.write(fd, c)
        os.fsync(fd)
    os.close(fd)
    disk_s = time.monotonic() - t0
    os.unlink(path)

    port = free_port()
    srv = subprocess.Popen([a.bin, "serve", "--db", db, "--listen", f"127.0.0.1:{port}",
                            "--media", media], stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, env=env)
    try:
        conn = None
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                conn.request("POST", "/api/v1/session",
                             body=json.dumps({"username": "ub.off", "password": PASSWORD}),
                             headers={"Content-Type": "application/json"})
                r = conn.getresponse()
                body = json.loads(r.read())
                break
            except OSError:
                time.sleep(0.1)
        cookie = r.getheader("set-cookie").split(";")[0]
        auth = {"Cookie": cookie, "X-CSRF-Token": body["csrf_token"], "Tus-Resumable": "1.0.0"}
        md = "filename " + base64.b64encode(b"bench.mp4").decode() + ",sm3 " + \
            base64.b64encode(digest.encode()).decode()
        conn.request("POST", "/api/v1/uploads", body=b"",
                     headers={**auth, "Upload-Length": str(size), "Upload-Metadata": md})
        r = conn.getresponse()
        r.read()
        loc = r.getheader("location")
        samples = [rss_kib(srv.pid)]
        done = threading.Event()

        def sample():
            while not done.is_set():
                samples.append(rss_kib(srv.pid))
                time.sleep(0.05)

        th = threading.Thread(target=sample)
        th.start()
        off = 0
        t0 = time.monotonic()
        for c in chunks(n_chunks, base):
            conn.request("PATCH", loc, body=c, headers={
                **auth, "Content-Type": "application/offset+octet-stream",
                "Upload-Offset": str(off)})
            r = conn.getresponse()
            r.read()
            if r.status != 204:
                raise SystemExit(f"PATCH at {off}: {r.status}")
            off = int(r.getheader("upload-offset"))
        up_s = time.monotonic() - t0
        done.set()
        th.join()
        got = r.getheader("upload-sm3")
        if got != digest:
            raise SystemExit(f"server SM3 {got} != {digest}")
    finally:
        srv.terminate()
        srv.wait(timeout=30)
    mb = size / 1e6
    rss = samples[1:] or samples
    q = max(1, len(rss) // 4)
    ssl = subprocess.run(["openssl", "speed", "-evp", "sm3", "-seconds", "2", "-bytes", "16384"],
                         capture_output=True, text=True).stdout.strip().splitlines()
    try:
        ssl_mbs = float(ssl[-1].split()[-1].rstrip("k")) * 1000 / 1e6
    except (IndexError, ValueError):
        ssl_mbs = 0.0
    print(f"| figure | MB/s | ceiling | ratio |")
    print(f"|---|---|---|---|")
    print(f"| upload {a.mib} MiB in {n_chunks} PATCHes of 4 MiB, {up_s:.2f} s, SM3 checked | "
          f"{mb / up_s:.1f} | {mb / disk_s:.1f} (write + fsync per 4 MiB, same disk, no HTTP) | "
          f"{disk_s / up_s:.2f} |")
    print(f"| (context) SM3 of the same bytes in one process | {mb / sm3_s:.1f} | "
          f"{ssl_mbs:.1f} (openssl speed -evp sm3, 16 KiB blocks) | {mb / sm3_s / ssl_mbs:.2f} |"
          if ssl_mbs > 0 else f"| (context) SM3 of the same bytes in one process | {mb / sm3_s:.1f} | | |")
    print()
    print(f"Server RSS during the upload ({len(rss)} samples every 50 ms): before "
          f"{samples[0] / 1024:.1f} MiB, min {min(rss) / 1024:.1f} MiB, max {max(rss) / 1024:.1f} "
          f"MiB, last {rss[-1] / 1024:.1f} MiB; highest in the first quarter of the upload "
          f"{max(rss[:q]) / 1024:.1f} MiB, in the last quarter {max(rss[-q:]) / 1024:.1f} MiB "
          f"(flat: the server holds one 4 MiB chunk at a time, never the {mb:.0f} MB file).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
