/*
 * chain: the per-case hash chain that makes a case's records tamper-evident
 * (DESIGN §5; records are never deleted, cut or edited — 云南 附件2 第二十条
 * (YN-2-20), 湖北 附件2 第二十五条 (HB-2-25)).
 *
 * Definition. For the records of one case in seq order (seq = 1, 2, 3, ...):
 *
 *     hash_i      = SM3(prev_hash_i || envelope_i)
 *     prev_hash_1 = 32 zero bytes,  prev_hash_i = hash_{i-1}
 *
 * where || is byte concatenation of the 32 raw bytes and envelope_i is the
 * canonical JSON (core/canon.h) of the object
 *
 *     {"action":"<workflow action>","actor":<int>,"at":"<ISO 8601 UTC>",
 *      "body":<canonical body>,"case":<int>,"corrects":<int or null>,
 *      "recorded_at":"<ISO 8601 UTC>","seq":<int>,"type":"<type>"}
 *
 * (keys already in byte order, no whitespace; "corrects" is null when the
 * record corrects nothing; "action" — the workflow action that made the
 * record, since one record type can serve several actions — and
 * "recorded_at" — when it was written, as opposed to "at", when the step
 * happened — are left out only when a record has none, which the store
 * never writes). Hashes are stored as 64 lowercase hex chars. The
 * envelope is built by direct concatenation of the stored fields (body is
 * stored as canonical text); a test checks it is byte-equal to canon_json of
 * the same object, so an independent verifier can rebuild it from JSON.
 * Each record hash is also the leaf of the global Merkle log (another module).
 *
 * Verifying: a struct lg_chain_walk is fed a case's stored records in
 * (case_id, seq) order; lg_chain_walk_step stops at the first record whose
 * seq, prev_hash, body or hash does not fit, and lg_chain_walk_finish compares
 * the result with the case's stored head (head_hash, record_count), which
 * catches deleted tail records. Steps allocate nothing: the struct lg_chain
 * they borrow holds the one SM3 context and envelope buffer they reuse.
 *
 * Ownership: struct lg_chain is opened/closed by the caller (one per thread);
 * records and strings are borrowed for the call. A walk borrows its chain.
 *
 * Errors: SX_E_TAMPER, type "record-tampered", zh-CN detail naming the case,
 * the record id and its seq; SX_E_INVALID for a malformed new record;
 * SX_E_CRYPTO / SX_E_NOMEM / SX_E_TOOBIG (body over LG_ENVELOPE_MAX).
 */
#ifndef LG_CHAIN_H
#define LG_CHAIN_H

#include <stdint.h>

#include "crypto.h"
#include "sx_buf.h"
#include "sx_err.h"

#define LG_ENVELOPE_MAX (16u * 1024 * 1024)

/* One stored record, as read from the store. Strings are NUL-terminated. */
struct lg_record {
    int64_t id;       /* store row id (for messages) */
    int64_t case_id;  /* "case" */
    int64_t seq;      /* 1-based position in the case's chain */
    int64_t actor_id; /* "actor": user id of who made the record */
    int64_t corrects; /* id of the record this one corrects; 0 = none (null) */
    const char *type; /* record type, e.g. "filing" */
    const char *at;   /* ISO 8601 UTC, e.g. "2026-03-02T08:15:00Z" */
    const char *body; /* canonical JSON text */
    const char *prev_hash_hex;
    const char *hash_hex;
    const char *action;      /* workflow action key; NULL: none (left out of the envelope) */
    const char *recorded_at; /* when it was written; NULL: left out of the envelope */
};

/* Per-thread hashing state, reused for every record. */
struct lg_chain {
    struct lg_sm3 *sm3;
    struct sx_buf env;
};

/* Allocate c's SM3 context. 0, SX_E_CRYPTO or SX_E_NOMEM. */
int lg_chain_open(struct lg_chain *c, struct sx_err *err) SX_WUR;

/* Release c; safe on a zeroed or already closed struct. */
void lg_chain_close(struct lg_chain *c);

/*
 * Append envelope(rec) to out. Needs type, at and body non-NULL, type and at
 * valid UTF-8, and body passing canon_quick_check. SX_E_INVALID otherwise.
 */
int lg_chain_envelope(const struct lg_record *rec, struct sx_buf *out, struct sx_err *err) SX_WUR;

/*
 * hash = SM3(prev || envelope(rec)), prev being 32 bytes (NULL = zeros).
 * rec->prev_hash_hex and rec->hash_hex are ignored. Same checks as
 * lg_chain_envelope.
 */
int lg_chain_hash(struct lg_chain *c, const uint8_t *prev, const struct lg_record *rec,
                  uint8_t hash[LG_SM3_LEN], struct sx_err *err) SX_WUR;

/*
 * For a new record about to be stored: check it (seq >= 1, case_id >= 1,
 * actor_id >= 0, corrects >= 0, non-empty type, at of the form
 * YYYY-MM-DDTHH:MM:SS[.fraction]Z, body fully canonical per canon_check;
 * prev_hash_hex NULL or "" only for seq 1, where it means 32 zero bytes) and
 * write its hash as 64 lowercase hex chars + NUL into hash_hex.
 * rec->prev_hash_hex and rec->hash_hex are ignored; pass the previous hash in
 * prev_hash_hex. SX_E_INVALID on a bad record.
 */
int lg_chain_seal(struct lg_chain *c, const char *prev_hash_hex, const struct lg_record *rec,
                  char hash_hex[LG_SM3_HEX_LEN + 1], struct sx_err *err) SX_WUR;

/* State of verifying one case's chain. Plain struct: no cleanup. */
struct lg_chain_walk {
    struct lg_chain *chain; /* borrowed */
    int64_t case_id;
    int64_t count;            /* records accepted so far (= seq of the last one) */
    int64_t last_id;          /* id of the last accepted record, 0 before the first */
    uint8_t head[LG_SM3_LEN]; /* hash of the last accepted record, zeros before */
    /* head as lowercase hex: stored hashes are compared as text, decoded only on mismatch */
    char head_hex[LG_SM3_HEX_LEN + 1];
};

/* Start verifying case_id with the borrowed chain state. */
void lg_chain_walk_init(struct lg_chain_walk *w, struct lg_chain *chain, int64_t case_id);

/*
 * Check the next stored record of the case, in (case_id, seq) order. Returns
 * 0 and advances, or SX_E_TAMPER (err: case, record id and seq; field "seq",
 * "prev_hash", "body" or "hash") for: a seq gap (records missing, including
 * before the first), a duplicate or decreasing seq, prev_hash not equal to the
 * previous record's hash, a body that is not canonical (canon_quick_check),
 * or a hash that differs from the recomputed one (or is not hex). The walk is
 * unchanged on error. SX_E_INTERNAL if rec belongs to another case (caller
 * bug); SX_E_CRYPTO / SX_E_TOOBIG.
 */
int lg_chain_walk_step(struct lg_chain_walk *w, const struct lg_record *rec,
                       struct sx_err *err) SX_WUR;

/*
 * Compare the walk with the case's stored head. record_count 0 accepts
 * head_hash_hex NULL, "" or 64 zeros. SX_E_TAMPER (field "record_count" or
 * "head_hash") when fewer records were walked than the head counts (tail
 * deleted), more (records appended without the head), or the last hash is not
 * head_hash.
 */
int lg_chain_walk_finish(const struct lg_chain_walk *w, const char *head_hash_hex,
                         int64_t record_count, struct sx_err *err) SX_WUR;

#endif
