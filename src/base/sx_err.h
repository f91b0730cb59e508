/*
 * sx_err: the one error convention of Sanxiang.
 *
 * Functions return 0 on success or a negative SX_E_* code, and fill the
 * caller's struct sx_err. The first function that detects a problem fills it
 * (status, zh-CN title, detail, the rule's source); callers pass it up
 * unchanged. http/ turns it into application/problem+json in one place.
 *
 * Ownership: struct sx_err holds fixed-size copies; nothing to free. A text
 * that does not fit is cut at a UTF-8 character boundary, never inside one.
 */
#ifndef SX_ERR_H
#define SX_ERR_H

#include <stddef.h>

#define SX_WUR __attribute__((warn_unused_result))

enum sx_code {
    SX_OK = 0,
    SX_E_INVALID = -1,   /* bad input: 400/422 */
    SX_E_NOTFOUND = -2,  /* 404 */
    SX_E_CONFLICT = -3,  /* state conflict, duplicate: 409 */
    SX_E_FORBIDDEN = -4, /* role/org/gate denial: 403 */
    SX_E_AUTH = -5,      /* not logged in / bad credentials: 401 */
    SX_E_TOOBIG = -6,    /* 413 */
    SX_E_NOMEM = -7,     /* 500 */
    SX_E_IO = -8,        /* OS, file: 500 */
    SX_E_DB = -9,        /* database: 500 (or 503) */
    SX_E_CRYPTO = -10,   /* OpenSSL: 500 */
    SX_E_RATE = -11,     /* rate limited: 429 */
    SX_E_TAMPER = -12,   /* verification found an altered record */
    SX_E_INTERNAL = -13, /* broken invariant reported, not aborted: 500 */
    SX_E_GATE = -14,     /* workflow gate refused: 422 */
};

struct sx_err {
    int code;         /* enum sx_code */
    int status;       /* HTTP status */
    char type[64];    /* problem type slug, e.g. "invalid-id-number" */
    char title[256];  /* zh-CN, for users */
    char detail[512]; /* zh-CN detail naming the offending value/field */
    char source[256]; /* rule source, e.g. "云南 附件2 第九条 (YN-2-09)"; may be empty */
    char field[128];  /* offending field (JSON pointer-ish), may be empty */
    const char *func; /* where detected (static string) */
};

/* Reset to "no error". */
void sx_err_clear(struct sx_err *err);

/*
 * Fill err (if non-NULL) and return code. title/source are plain strings,
 * detail is printf-formatted. Use through the SX_FAIL macro so func is set.
 */
int sx_err_set(struct sx_err *err, const char *func, int code, const char *type, const char *title,
               const char *source, const char *field, const char *detail_fmt, ...)
    __attribute__((format(printf, 8, 9)));

#define SX_FAIL(err, code, type, title, source, field, ...)                                        \
    sx_err_set((err), __func__, (code), (type), (title), (source), (field), __VA_ARGS__)

/*
 * Copy src into dst (cap bytes, NUL-terminated) without cutting a UTF-8
 * character, for quoting user values inside a detail. Returns dst.
 */
const char *sx_clip(char *dst, size_t cap, const char *src);

/* Default HTTP status for a code. */
int sx_code_status(int code);

/* Short English name of a code, for logs. */
const char *sx_code_name(int code);

#endif
