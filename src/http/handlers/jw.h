/*
 * jw: a streaming JSON writer into an sx_buf, for the hot read paths (the
 * case page, a case's records) where building a jansson tree and dumping it
 * cost more than the database reads. Values are escaped with
 * sx_buf_put_json_str; stored canonical JSON (record bodies) is copied as is.
 * Parsing stays with jansson.
 *
 * Usage: jw_init, then nested jw_obj/jw_arr … jw_end; a NULL key means "an
 * element of the enclosing array" (or the top value). The first error sticks
 * in w->rc (SX_E_TOOBIG / SX_E_NOMEM from the buffer); check it at the end.
 */
#ifndef API_JW_H
#define API_JW_H

#include <stdint.h>

#include "sx_buf.h"

#define JW_MAX_DEPTH 16

struct jw {
    struct sx_buf *b;
    int rc;
    int depth;
    unsigned char first[JW_MAX_DEPTH]; /* no member written yet at this depth */
};

void jw_init(struct jw *w, struct sx_buf *b);
void jw_obj(struct jw *w, const char *key);
void jw_arr(struct jw *w, const char *key);
void jw_end_obj(struct jw *w);
void jw_end_arr(struct jw *w);
void jw_str(struct jw *w, const char *key, const char *v); /* NULL → null */
void jw_int(struct jw *w, const char *key, int64_t v);
void jw_bool(struct jw *w, const char *key, int v);
void jw_null(struct jw *w, const char *key);
void jw_raw(struct jw *w, const char *key, const char *json); /* trusted JSON text; NULL → null */

#endif
