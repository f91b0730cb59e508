"""The web UI beside the API on a real `sanxiang serve` (issue 6): the server's default web root
(<root>/web/dist) is served for paths no route matches, the API keeps precedence, raw
traversal attempts (not normalised by a browser) are refused, and caching headers are right.
When web/dist has not been built the pages answer 404 "网页界面尚未构建" and the checks that need
the files are skipped (make test builds it first)."""
import os


def run(T, port, args, cli):
    c = T.Client(port)
    dist = os.path.join(cli.root, "web", "dist")
    built = os.path.isfile(os.path.join(dist, "index.html"))

    st, body, ctype = c.request("GET", "/")
    if built:
        T.tap(st == 200 and ctype.startswith("text/html")
              and c.last_headers.get("cache-control") == "no-cache",
              "GET / is the portal shell, text/html, no-cache", f"{st} {ctype} {c.last_headers}")
        st, _, ctype = c.request("GET", "/app/cases/12")
        T.tap(st == 200 and ctype.startswith("text/html"),
              "a workbench client route falls back to its shell (SPA)", f"{st} {ctype}")
        assets = sorted(os.listdir(os.path.join(dist, "assets")))
        js = next((a for a in assets if a.endswith(".js")), None)
        st, _, ctype = c.request("GET", f"/assets/{js}")
        T.tap(st == 200 and ctype.startswith("text/javascript")
              and c.last_headers.get("cache-control") == "public, max-age=31536000, immutable",
              "a hashed asset is immutable for a year", f"{st} {ctype} {c.last_headers}")
        st, body, ctype = c.request("GET", "/assets/none-00000000.js")
        T.tap(st == 404 and "problem+json" in ctype, "a missing asset is a 404, not the shell",
              f"{st} {ctype}")
    else:
        T.tap(st == 404 and body and "ui-not-built" in body.get("type", ""),
              "without web/dist the pages say how to build the UI", f"{st} {body}")

    st, body, ctype = c.request("GET", "/api/v1/no-such-route")
    T.tap(st == 404 and "problem+json" in ctype, "an unknown /api/ path stays the API's 404",
          f"{st} {ctype}")
    st, body, _ = c.request("GET", "/healthz")
    T.tap(st == 200 and body == {"status": "ok"}, "routes keep precedence over pages", f"{st} {body}")

    for raw in ["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/assets/..%2f..%2f..%2fetc/passwd",
                "/%2E%2E%5C%2E%2E%5Cetc%5Cpasswd", "//etc/passwd", "/index.html%00.js", "/.git/config"]:
        conn_st, body, ctype = c.request("GET", raw)
        T.tap(conn_st == 400 and "problem+json" in ctype and body.get("type", "").endswith("invalid-path"),
              f"raw path {raw} is refused with 400 before the file system", f"{conn_st} {ctype} {body}")
    st, body, ctype = c.request("POST", "/app/", raw=b"{}")
    T.tap(st == 405 and "problem+json" in ctype, "pages answer GET and HEAD only", f"{st} {body}")
