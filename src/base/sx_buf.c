/* sx_buf: capped growable buffer. */
#include "sx_buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char empty_string[1] = "";

void sx_buf_init(struct sx_buf *b, size_t max)
{
    b->data = empty_string;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void sx_buf_free(struct sx_buf *b)
{
    if (b->cap != 0)
        free(b->data);
    b->data = empty_string;
    b->len = 0;
    b->cap = 0;
}

void sx_buf_reset(struct sx_buf *b)
{
    /* a buffer that never grew points at the shared empty string: never write to it */
    b->len = 0;
    if (b->cap == 0)
        b->data = empty_string;
    else
        b->data[0] = '\0';
}

char *sx_buf_detach(struct sx_buf *b, size_t *len_out)
{
    char *p;
    if (len_out != NULL)
        *len_out = b->len;
    if (b->cap == 0) {
        p = calloc(1, 1);
    } else {
        p = b->data;
    }
    b->data = empty_string;
    b->len = 0;
    b->cap = 0;
    return p;
}

static int grow(struct sx_buf *b, size_t need)
{
    size_t want;
    char *p;
    if (need > b->max || need + 1 < need)
        return SX_E_TOOBIG;
    if (need + 1 <= b->cap)
        return 0;
    want = b->cap == 0 ? 64 : b->cap;
    while (want < need + 1)
        want *= 2;
    if (want > b->max + 1)
        want = b->max + 1;
    if (b->cap == 0) {
        p = malloc(want);
        if (p == NULL)
            return SX_E_NOMEM;
        memcpy(p, b->data, b->len + 1);
    } else {
        p = realloc(b->data, want);
        if (p == NULL)
            return SX_E_NOMEM;
    }
    b->data = p;
    b->cap = want;
    return 0;
}

int sx_buf_reserve(struct sx_buf *b, size_t n)
{
    size_t need = b->len + n;
    if (need > b->max)
        need = b->max;
    return grow(b, need);
}

int sx_buf_append(struct sx_buf *b, const void *p, size_t n)
{
    /* the common case, room left, without the checks of grow */
    int rc = b->len + n < b->cap && b->len + n <= b->max ? 0 : grow(b, b->len + n);
    if (rc != 0)
        return rc;
    if (n > 0)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int sx_buf_puts(struct sx_buf *b, const char *s)
{
    return sx_buf_append(b, s, strlen(s));
}

int sx_buf_putc(struct sx_buf *b, char c)
{
    if (b->len + 1 < b->cap && b->len + 1 <= b->max) {
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
        return 0;
    }
    return sx_buf_append(b, &c, 1);
}

int sx_buf_vprintf(struct sx_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    int n;
    int rc;
    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return SX_E_INVALID;
    rc = grow(b, b->len + (size_t)n);
    if (rc != 0)
        return rc;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int sx_buf_printf(struct sx_buf *b, const char *fmt, ...)
{
    va_list ap;
    int rc;
    va_start(ap, fmt);
    rc = sx_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

/*
 * Eight bytes at a time (a byte below 0x20, or equal to one of the two, shows as a high
 * bit in the word tests below; exact for "any", the byte loop then finds which).
 */
size_t sx_json_plain_len(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x, q, bs;
        memcpy(&x, p + i, 8);
        q = x ^ (ones * '"');
        bs = x ^ (ones * '\\');
        if ((((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((bs - ones) & ~bs)) & high)
            break;
    }
    while (i < n && p[i] >= 0x20 && p[i] != '"' && p[i] != '\\')
        i++;
    return i;
}

int sx_buf_put_json_str(struct sx_buf *b, const char *s)
{
    size_t start = b->len;
    const unsigned char *p = (const unsigned char *)s;
    size_t left = strlen(s);
    int rc = sx_buf_putc(b, '"');
    while (rc == 0 && left > 0) {
        /* copy the longest run that needs no escape in one append */
        size_t run = sx_json_plain_len((const char *)p, left);
        if (run > 0)
            rc = sx_buf_append(b, p, run);
        p += run;
        left -= run;
        if (rc != 0 || left == 0)
            break;
        switch (*p) {
        case '"':
            rc = sx_buf_puts(b, "\\\"");
            break;
        case '\\':
            rc = sx_buf_puts(b, "\\\\");
            break;
        case '\n':
            rc = sx_buf_puts(b, "\\n");
            break;
        case '\r':
            rc = sx_buf_puts(b, "\\r");
            break;
        case '\t':
            rc = sx_buf_puts(b, "\\t");
            break;
        default:
            rc = sx_buf_printf(b, "\\u%04x", *p);
        }
        p++;
        left--;
    }
    if (rc == 0)
        rc = sx_buf_putc(b, '"');
    if (rc != 0) {
        b->len = start;
        if (b->cap != 0)
            b->data[b->len] = '\0';
    }
    return rc;
}
