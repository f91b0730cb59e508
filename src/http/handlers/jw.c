/* jw: streaming JSON writer (see jw.h). */
#include "jw.h"

#include <inttypes.h>

void jw_init(struct jw *w, struct sx_buf *b)
{
    w->b = b;
    w->rc = 0;
    w->depth = 0;
    w->first[0] = 1;
}

/* Comma and key before a value at the current depth. */
static void prefix(struct jw *w, const char *key)
{
    if (w->rc != 0)
        return;
    if (!w->first[w->depth])
        w->rc = sx_buf_putc(w->b, ',');
    w->first[w->depth] = 0;
    if (w->rc == 0 && key != NULL) {
        w->rc = sx_buf_put_json_str(w->b, key);
        if (w->rc == 0)
            w->rc = sx_buf_putc(w->b, ':');
    }
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
    prefix(w, key);
    if (w->rc == 0)
        w->rc = sx_buf_printf(w->b, "%" PRId64, v);
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
