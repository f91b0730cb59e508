/*
 * numbering: case and document numbers (文号) from a jurisdiction's pattern.
 *
 * A pattern is literal text with placeholders:
 *   {prefix}  the organisation's short name, e.g. 京
 *   {kind}    the kind abbreviation from policy, e.g. 罚 (penalty), 检, 强
 *   {year}    four-digit year
 *   {seq}     sequence number within org/year/kind, plain decimal from 1
 * The default, NUM_DEFAULT_PATTERN, gives 京医保罚〔2026〕12号.
 *
 * Rules of a valid pattern (num_pattern_validate): valid UTF-8 of at most
 * NUM_PATTERN_MAX bytes without control chars; {year} and {seq} each exactly
 * once (so numbers are unique per org, year and kind, and a number is issued
 * once and never reused — DESIGN §3; 河北 三(三) (HE-3.3) asks for one
 * numbering rule); {prefix} and {kind} at most once; braces only as
 * placeholders (an unknown name, an unclosed '{' or a stray '}' is an error);
 * and literal text between any two placeholders, so a number parses back to
 * one (year, seq) and nothing else.
 *
 * Ownership: inputs are borrowed; num_format appends to the caller's sx_buf
 * (left unchanged on error). Pure: no globals, no I/O.
 */
#ifndef NUM_NUMBERING_H
#define NUM_NUMBERING_H

#include <stddef.h>
#include <stdint.h>

#include "sx_buf.h"
#include "sx_err.h"

#define NUM_DEFAULT_PATTERN "{prefix}医保{kind}〔{year}〕{seq}号"
#define NUM_PATTERN_MAX 256
#define NUM_SEQ_MAX 999999999 /* nine digits: far above any bureau's yearly count */

struct num_fields {
    const char *prefix; /* org short name; needed if the pattern has {prefix} */
    const char *kind;   /* kind abbreviation; needed if the pattern has {kind} */
    int year;           /* 1000..9999 */
    int64_t seq;        /* 1..NUM_SEQ_MAX */
};

/* What num_parse found; offsets/lengths point into the parsed number. */
struct num_parsed {
    int year;
    int64_t seq;
    size_t prefix_off, prefix_len; /* 0, 0 if the pattern has no {prefix} */
    size_t kind_off, kind_len;     /* 0, 0 if the pattern has no {kind} */
};

/*
 * 0 if pattern is valid (rules above), else SX_E_INVALID (type
 * "numbering-pattern-invalid", detail names the problem and byte offset).
 */
int num_pattern_validate(const char *pattern, struct sx_err *err) SX_WUR;

/*
 * Append the number for f to out. SX_E_INVALID for an invalid pattern, a
 * missing/empty prefix or kind the pattern uses, a prefix or kind with braces
 * or control chars or invalid UTF-8, a year or seq out of range, or values
 * that would make the number parse back differently (e.g. a kind containing
 * the pattern's next literal). SX_E_TOOBIG / SX_E_NOMEM from out.
 */
int num_format(const char *pattern, const struct num_fields *f, struct sx_buf *out,
               struct sx_err *err) SX_WUR;

/*
 * Parse number back with pattern. prefix / kind, when non-NULL, must match
 * literally; when NULL, any non-empty text is accepted for them (shortest
 * first). Returns 0 and fills *out, or SX_E_INVALID ("number-mismatch") if
 * the number does not fit the pattern, or the pattern is invalid.
 */
int num_parse(const char *pattern, const char *number, const char *prefix, const char *kind,
              struct num_parsed *out, struct sx_err *err) SX_WUR;

#endif
