/* jw: streaming JSON writer (see jw.h). */
#include "jw.h"

#include <inttypes.h>
#include <string.h>

void jw_init(struct jw *w, struct sx_buf *b)
{
    w->b = b;
    w->rc = 0;
    w->depth = 0;
    w->first[0] = 1;
}

/*
 * ,"key": in one append. Keys are the program's own member names; one that would need
 * escaping (never, today) takes the general path.
 */
static int put_key(struct sx_buf *b, int comma, const char *key)
{
    size_t n = strlen(key);
    char *p;
    int rc;
    if (sx_json_plain_len(key, n) != n) {
        rc = comma ? sx_buf_putc(b, ',') : 0;
        if (rc == 0)
            rc = sx_buf_put_json_str(b, key);
        return rc != 0 ? rc : sx_buf_putc(b, ':');
    }
    rc = sx_buf_reserve(b, n + 4);
    if (rc != 0 || b->cap < b->len + n + 4 + 1)
        return rc != 0 ? rc : SX_E_TOOBIG;
    p = b->data + b->len;
    if (comma)
        *p++ = ',';
    *p++ = '"';
    memcpy(p, key, n);
    p += n;
    *p++ = '"';
    *p++ = ':';
    *p = '\0';
    b->len = (size_t)(p - b->data);
    return 0;
}

/* Comma and key before a value at the current depth. */
static void prefix(struct jw *w, const char *key)
{
    int comma;
    if (w->rc != 0)
        return;
    comma = !w->first[w->depth];
    w->first[w->depth] = 0;
    if (key != NULL)
        w->rc = put_key(w->b, comma, key);
    else if (comma)
        w->rc = sx_buf_putc(w->b, ',');
}

static void open_nested(struct jw *w, const char *key, char c)
{
    prefix(w, key);
    if (w->rc == 0 && w->depth + 1 >= JW_MAX_DEPTH)
        w->rc = SX_E_TOOBIG;
    if (w->rc == 0)
        w->rc = sx_buf_putc(w->b, c);
    if (w->rc == 0)
        w->first[++w->depth] = 1;
}

static void close_nested(struct jw *w, char c)
{
    if (w->rc == 0 && w->depth > 0) {
        w->depth--;
        w->rc = sx_buf_putc(w->b, c);
    }
}

void jw_obj(struct jw *w, const char *key)
{
    open_nested(w, key, '{');
}

void jw_arr(struct jw *w, const char *key)
{
    open_nested(w, key, '[');
}

void jw_end_obj(struct jw *w)
{
    close_nested(w, '}');
}

void jw_end_arr(struct jw *w)
{
    close_nested(w, ']');
}

void jw_str(struct jw *w, const char *key, const char *v)
{
    prefix(w, key);
    if (w->rc == 0)
        w->rc = v != NULL ? sx_buf_put_json_str(w->b, v) : sx_buf_puts(w->b, "null");
}

void jw_int(struct jw *w, const char *key, int64_t v)
{
    /* digits right to left; no printf: this runs for every number of every page */
    char tmp[24];
    char *p = tmp + sizeof(tmp);
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (v < 0)
        *--p = '-';
    prefix(w, key);
    if (w->rc == 0)
        w->rc = sx_buf_append(w->b, p, (size_t)(tmp + sizeof(tmp) - p));
}

void jw_bool(struct jw *w, const char *key, int v)
{
    prefix(w, key);
    if (w->rc == 0)
        w->rc = sx_buf_puts(w->b, v ? "true" : "false");
}

void jw_null(struct jw *w, const char *key)
{
    prefix(w, key);
    if (w->rc == 0)
        w->rc = sx_buf_puts(w->b, "null");
}

void jw_raw(struct jw *w, const char *key, const char *json)
{
    prefix(w, key);
    if (w->rc == 0)
        w->rc = sx_buf_puts(w->b, json != NULL ? json : "null");
}
