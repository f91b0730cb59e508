/*
 * sx_buf: a growable byte buffer with a hard size cap (like curl's dynbuf).
 *
 * Invariants: data is never NULL after sx_buf_init (it points at a static
 * empty string until first growth) and is always NUL-terminated; len < cap
 * once allocated; appending past max returns SX_E_TOOBIG and leaves the
 * buffer unchanged.
 *
 * Ownership: the buffer owns data. sx_buf_free releases it; sx_buf_detach
 * hands it to the caller (free() it) and resets the buffer.
 */
#ifndef SX_BUF_H
#define SX_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "sx_err.h"

struct sx_buf {
    char *data;
    size_t len;
    size_t cap; /* 0 while data points at the static empty string */
    size_t max; /* hard cap on len */
};

void sx_buf_init(struct sx_buf *b, size_t max);
void sx_buf_free(struct sx_buf *b);
void sx_buf_reset(struct sx_buf *b); /* len = 0, keeps memory */
char *sx_buf_detach(struct sx_buf *b, size_t *len_out);

/* Make room for n more bytes up front (one allocation instead of doublings). */
int sx_buf_reserve(struct sx_buf *b, size_t n) SX_WUR;
int sx_buf_append(struct sx_buf *b, const void *p, size_t n) SX_WUR;
int sx_buf_puts(struct sx_buf *b, const char *s) SX_WUR;
int sx_buf_putc(struct sx_buf *b, char c) SX_WUR;
int sx_buf_printf(struct sx_buf *b, const char *fmt, ...) SX_WUR
    __attribute__((format(printf, 2, 3)));
int sx_buf_vprintf(struct sx_buf *b, const char *fmt, va_list ap) SX_WUR;
/* The length of the run at s (n bytes) that JSON takes as it is: no control byte, '"' or
 * '\\' (so s[0..n) needs no escaping when the result is n). */
size_t sx_json_plain_len(const char *s, size_t n);

/* Append s as a JSON string literal (with quotes), UTF-8 passed through. */
int sx_buf_put_json_str(struct sx_buf *b, const char *s) SX_WUR;

#endif
