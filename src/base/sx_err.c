/* sx_err: filling and naming errors. */
#include "sx_err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void sx_err_clear(struct sx_err *err)
{
    if (err == NULL)
        return;
    memset(err, 0, sizeof(*err));
}

/*
 * A truncated message must not end in half a UTF-8 character: it becomes
 * JSON (problem+json) and a terminal line. Drop an incomplete last sequence.
 */
static void trim_partial_utf8(char *s)
{
    size_t n = strlen(s);
    size_t lead = n;
    size_t need;
    unsigned char c;
    while (lead > 0 && n - lead < 4 && ((unsigned char)s[lead - 1] & 0xc0) == 0x80)
        lead--;
    if (lead == 0)
        return;
    lead--;
    c = (unsigned char)s[lead];
    need = c < 0x80             ? 1
           : (c & 0xe0) == 0xc0 ? 2
           : (c & 0xf0) == 0xe0 ? 3
           : (c & 0xf8) == 0xf0 ? 4
                                : 0;
    if (need == 0 || lead + need > n)
        s[lead] = '\0';
}

/* No printf here: gates fill errors in loops (a case page lists every blocked action). */
static void copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = src != NULL ? strnlen(src, cap) : 0;
    if (n >= cap) {
        memcpy(dst, src, cap - 1);
        dst[cap - 1] = '\0';
        trim_partial_utf8(dst);
        return;
    }
    if (n > 0) /* src may be NULL, and memcpy from NULL is undefined even for 0 bytes */
        memcpy(dst, src, n);
    dst[n] = '\0';
}

int sx_err_set(struct sx_err *err, const char *func, int code, const char *type, const char *title,
               const char *source, const char *field, const char *detail_fmt, ...)
{
    if (err == NULL)
        return code;
    err->code = code;
    err->status = sx_code_status(code);
    err->func = func;
    copy_str(err->type, sizeof(err->type), type);
    copy_str(err->title, sizeof(err->title), title);
    copy_str(err->source, sizeof(err->source), source);
    copy_str(err->field, sizeof(err->field), field);
    if (detail_fmt != NULL) {
        va_list ap;
        va_start(ap, detail_fmt);
        if ((size_t)vsnprintf(err->detail, sizeof(err->detail), detail_fmt, ap) >=
            sizeof(err->detail))
            trim_partial_utf8(err->detail);
        va_end(ap);
    } else {
        err->detail[0] = '\0';
    }
    return code;
}

int sx_code_status(int code)
{
    switch (code) {
    case SX_OK:
        return 200;
    case SX_E_INVALID:
        return 400;
    case SX_E_NOTFOUND:
        return 404;
    case SX_E_CONFLICT:
        return 409;
    case SX_E_FORBIDDEN:
        return 403;
    case SX_E_AUTH:
        return 401;
    case SX_E_TOOBIG:
        return 413;
    case SX_E_RATE:
        return 429;
    case SX_E_GATE:
        return 422;
    case SX_E_TAMPER:
        return 409;
    default:
        return 500;
    }
}

const char *sx_code_name(int code)
{
    switch (code) {
    case SX_OK:
        return "ok";
    case SX_E_INVALID:
        return "invalid";
    case SX_E_NOTFOUND:
        return "not-found";
    case SX_E_CONFLICT:
        return "conflict";
    case SX_E_FORBIDDEN:
        return "forbidden";
    case SX_E_AUTH:
        return "unauthorized";
    case SX_E_TOOBIG:
        return "too-big";
    case SX_E_NOMEM:
        return "no-memory";
    case SX_E_IO:
        return "io";
    case SX_E_DB:
        return "database";
    case SX_E_CRYPTO:
        return "crypto";
    case SX_E_RATE:
        return "rate-limited";
    case SX_E_TAMPER:
        return "tampered";
    case SX_E_GATE:
        return "gate";
    default:
        return "internal";
    }
}

const char *sx_clip(char *dst, size_t cap, const char *src)
{
    copy_str(dst, cap, src != NULL ? src : "");
    return dst;
}
