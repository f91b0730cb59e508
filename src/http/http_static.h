/*
 * http_static: serves the web UI's build output (web/dist) next to the API.
 * The public portal is the single-page app at "/" (dist/index.html), the
 * staff workbench the one at "/app/" (dist/app/index.html); Vite puts both
 * apps' hashed chunks under "/assets/". The server calls http_static_serve
 * for a GET or HEAD that no API route matched, so the API keeps precedence
 * and "/api/..." never falls through to a page.
 *
 * Caching: files under assets/ carry a content hash in their name and never
 * change, so they are sent with "public, max-age=31536000, immutable"; every
 * other file (the two index.html shells, favicon) with "no-cache" so that a
 * new build is picked up on the next load.
 *
 * Compression: when the client accepts gzip and the file has a precompressed sibling
 * "name.gz" (scripts/build-web.sh writes them for text assets), the sibling is sent with
 * Content-Encoding: gzip; every answer carries Vary: Accept-Encoding.
 *
 * SPA fallback: a path that names no file and whose last segment has no dot
 * (a client-side route such as /app/cases/12) gets its app's index.html; a
 * missing file with an extension, or anything under assets/, is a 404.
 *
 * Safety: the raw path is percent-decoded once, then split on '/'; empty
 * segments, "." and "..", any segment starting with a dot, backslashes,
 * control characters, NUL (%00) and invalid UTF-8 are refused with 400
 * before the file system is touched. Files are opened below the root one
 * directory at a time with O_NOFOLLOW, so no symlink inside the tree leads
 * out of it, and only regular files are sent.
 *
 * Ownership: http_static_target strings live in the arena passed in. The
 * root string passed to http_static_serve is borrowed. Files are read per
 * request (a rebuilt dist is served without a restart) into the request's
 * arena and copied into libh2o's pool by the send.
 */
#ifndef HTTP_STATIC_H
#define HTTP_STATIC_H

#include <stddef.h>

#include "http.h"
#include "sx_arena.h"
#include "sx_err.h"

#define HTTP_STATIC_MAX_PATH 1024 /* longest raw path considered */
#define HTTP_STATIC_MAX_FILE ((size_t)32 << 20)
#define HTTP_STATIC_IMMUTABLE "public, max-age=31536000, immutable"
#define HTTP_STATIC_NO_CACHE "no-cache"

/* Where a request path leads inside the dist directory. */
struct http_static_target {
    const char *rel;   /* relative file path to try, e.g. "assets/app-1a2b.js", "app/index.html" */
    const char *shell; /* index.html of the app the path belongs to, served if rel does not
                          exist; NULL when a missing rel is a 404 */
    int immutable;     /* rel is a hashed asset (Cache-Control immutable) */
};

/*
 * Map a raw request path (without query, still percent-encoded) to a target.
 * Pure: no file system access. Returns 0; SX_E_INVALID (400, type
 * "invalid-path") for a path that is not absolute, too long, badly encoded
 * or contains a forbidden segment; SX_E_NOTFOUND (404) for a path under
 * /api/ (API paths never fall through to the UI); SX_E_NOMEM.
 */
int http_static_resolve(const char *path, size_t len, struct sx_arena *a,
                        struct http_static_target *out, struct sx_err *err) SX_WUR;

/* Content-Type for a file name by its extension; "application/octet-stream" if unknown. */
const char *http_static_mime(const char *rel);

/*
 * Read root/rel (rel from http_static_resolve) into the arena: walks the
 * directories with openat(O_NOFOLLOW | O_DIRECTORY), opens the file with
 * O_NOFOLLOW and accepts only a regular file of at most HTTP_STATIC_MAX_FILE
 * bytes. *data is NUL-terminated (not counted in *len). Errors: SX_E_NOTFOUND
 * when any component is missing, a symlink or not of the right type;
 * SX_E_TOOBIG; SX_E_IO; SX_E_NOMEM.
 */
int http_static_read(const char *root, const char *rel, struct sx_arena *a, char **data,
                     size_t *len, struct sx_err *err) SX_WUR;

/*
 * 1 if an Accept-Encoding value takes gzip ("gzip", "gzip;q=0.5", "br, gzip"), 0 if it is
 * absent, not listed or refused with q=0. ("*" is not honoured: only named gzip.)
 */
int http_static_accepts_gzip(const char *accept_encoding);

/*
 * Answer a GET or HEAD for r->path from the dist directory root: the file,
 * or its app's shell (SPA fallback), with Content-Type and Cache-Control.
 * Returns 0 after sending, or an error for the framework to send as
 * problem+json: SX_E_NOTFOUND (also when the UI has not been built: the
 * detail says how to build it), SX_E_INVALID (405 for other methods, 400 for
 * a refused path), SX_E_IO, SX_E_NOMEM.
 */
int http_static_serve(const char *root, struct http_req *r, struct sx_err *err) SX_WUR;

#endif
