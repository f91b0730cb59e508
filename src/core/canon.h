/*
 * canon: canonical JSON, the exact bytes that get hashed into the ledger.
 *
 * Canonical form (what canon_json emits and canon_is_canonical accepts):
 *   - object members sorted by their keys' UTF-8 bytes (memcmp order; a key
 *     that is a prefix of another sorts first); no duplicate keys;
 *   - no insignificant whitespace: `{"a":1,"b":[true,null]}`;
 *   - strings are valid UTF-8 (no overlong forms, no surrogates, at most
 *     U+10FFFF) written as-is, except `"` -> \", `\` -> \\, and control chars
 *     below 0x20, which use \b \f \n \r \t where JSON has them and \u00xx
 *     (lowercase hex) otherwise. Non-ASCII, DEL (0x7f) and '/' are not escaped;
 *   - integers in plain decimal (no '+', no leading zeros, "-0" cannot occur);
 *     REAL numbers are refused: money is integer fen, and float text is not
 *     reproducible across implementations;
 *   - true, false, null;
 *   - nesting at most CANON_MAX_DEPTH arrays/objects deep.
 * Two equal JSON values thus always give the same bytes, and the bytes are
 * what another implementation (e.g. a court's offline verifier) can rebuild.
 *
 * Ownership: values and text are borrowed; output is appended to the
 * caller's sx_buf. On error the sx_buf is left as it was before the call.
 * No globals, no I/O (src/core).
 */
#ifndef CANON_H
#define CANON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sx_buf.h"
#include "sx_err.h"

#define CANON_MAX_DEPTH 64

/*
 * Append the canonical JSON of v to out. Errors (err filled): SX_E_INVALID with
 * type "json-not-canonicalizable" for a REAL number, invalid UTF-8 in a string
 * or key, or nesting deeper than CANON_MAX_DEPTH (field names the JSON path);
 * SX_E_TOOBIG when out's cap is reached; SX_E_NOMEM.
 */
int canon_json(const json_t *v, struct sx_buf *out, struct sx_err *err) SX_WUR;

/*
 * Append s[0..len) as a canonical JSON string literal, quotes included.
 * SX_E_INVALID if s is not valid UTF-8 (embedded NULs are fine: \u0000);
 * SX_E_TOOBIG. Used by the ledger to build record envelopes directly.
 */
int canon_put_string(struct sx_buf *out, const char *s, size_t len, struct sx_err *err) SX_WUR;

/* Append v in plain decimal. SX_E_TOOBIG / SX_E_NOMEM only. */
int canon_put_int(struct sx_buf *out, int64_t v) SX_WUR;

/* true if s[0..len) is valid UTF-8 as defined above. */
bool canon_utf8_valid(const char *s, size_t len);

/*
 * Full check: parse text (strictly: duplicate keys refused), re-emit with
 * canon_json and compare byte for byte. Returns 0 if text is canonical, else
 * SX_E_INVALID ("json-not-canonical") naming the byte offset where it first
 * differs (or the parse error's line and column). Allocates.
 */
int canon_check(const char *text, size_t len, struct sx_err *err) SX_WUR;

/* canon_check without the error: true if text is canonical. */
bool canon_is_canonical(const char *text, size_t len);

/*
 * Cheap single-pass check, no allocation, for verifying a million stored
 * bodies: the full JSON grammar with canonical lexical rules (no whitespace,
 * escapes exactly as canon_put_string writes them, valid UTF-8, integers only,
 * in plain form and within int64, nesting within CANON_MAX_DEPTH, one
 * top-level value). It does NOT check object key order or duplicate keys:
 * true means "canonical unless keys are out of order", false means certainly
 * not canonical. canon_is_canonical(t) implies canon_quick_check(t).
 */
bool canon_quick_check(const char *text, size_t len);

#endif
