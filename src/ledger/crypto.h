/*
 * crypto: SM3 hashing and SM2 signatures (国密) for the ledger, through OpenSSL 3 EVP.
 *
 * This file pair is the only place in Sanxiang that calls OpenSSL; everything
 * else sees the opaque types below, so no OpenSSL header leaks out of it.
 *
 * SM3 (GB/T 32905-2016): the EVP_MD handle is fetched once per process
 * (pthread_once) and never changes, so any thread may hash. A struct lg_sm3
 * is one digest context, reused across many messages: lg_sm3_reset starts a
 * new message without freeing anything on our side (OpenSSL 3.0 itself still
 * re-creates its small provider context on each init: one malloc+free per
 * message, ~50 ns, measured against ~1 µs to hash a 400-byte record).
 *
 * SM2 (GB/T 32918, signatures with SM3): signatures are DER
 * SEQUENCE { r INTEGER, s INTEGER } and randomized (fresh nonce each time).
 * The distinguishing ID is LG_SM2_DEFAULT_ID "1234567812345678" (GM/T 0009,
 * GB/T 35276), set on every signing and verifying context: OpenSSL 3.0's own
 * default is an empty ID, which other Chinese signature systems would reject
 * (see /work/shared/data/gm-vectors/README.md).
 *
 * Ownership: lg_sm3_new / lg_sm3_free and lg_sm2_key_* constructors /
 * lg_sm2_key_free are pairs; the caller owns what a constructor returns.
 * Buffers passed in are borrowed. Output sx_bufs are appended to.
 *
 * Errors: SX_E_CRYPTO when OpenSSL fails (the detail carries OpenSSL's first
 * queued error, and the queue is cleared), SX_E_INVALID for bad input (hex,
 * PEM that is not an SM2 key), SX_E_TAMPER ("signature-invalid") when a
 * signature does not verify, SX_E_IO for files, SX_E_NOMEM.
 */
#ifndef LG_CRYPTO_H
#define LG_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "sx_buf.h"
#include "sx_err.h"

#define LG_SM3_LEN 32         /* SM3 digest bytes */
#define LG_SM3_HEX_LEN 64     /* lowercase hex chars, without NUL */
#define LG_SM2_SIG_MAX 72     /* DER SEQUENCE{r,s} of two 256-bit integers, at most */
#define LG_SM2_PUB_RAW_LEN 65 /* 0x04 || x || y */
#define LG_SM2_DEFAULT_ID "1234567812345678"
#define LG_SM2_DEFAULT_ID_LEN 16

/* ---- hex ---- */

/*
 * Write n bytes of in as lowercase hex into out, which must hold 2n+1 chars;
 * out is NUL-terminated. Never fails.
 */
void lg_hex_encode(const uint8_t *in, size_t n, char *out);

/*
 * Decode exactly 2*out_len hex chars (either case) from hex[0..hex_len) into
 * out. Returns 0, or SX_E_INVALID (err filled, may be NULL) when hex_len is not
 * 2*out_len or a char is not a hex digit; out is then unspecified.
 */
int lg_hex_decode(const char *hex, size_t hex_len, uint8_t *out, size_t out_len,
                  struct sx_err *err) SX_WUR;

/* ---- SHA-256 (only for the RFC 6962 test vectors of the Merkle tree) ---- */

#define LG_SHA256_LEN 32

/* One-shot SHA-256 of data[0..len) into out. Returns 0 or SX_E_CRYPTO. */
int lg_sha256(const void *data, size_t len, uint8_t out[LG_SHA256_LEN], struct sx_err *err) SX_WUR;

/* ---- SM3 ---- */

struct lg_sm3;

/* One-shot SM3 of data[0..len) into out. Returns 0 or SX_E_CRYPTO. */
int lg_sm3(const void *data, size_t len, uint8_t out[LG_SM3_LEN], struct sx_err *err) SX_WUR;

/*
 * New incremental context, ready for lg_sm3_update. Returns 0 and sets *out
 * (caller frees with lg_sm3_free), or SX_E_NOMEM / SX_E_CRYPTO.
 */
int lg_sm3_new(struct lg_sm3 **out, struct sx_err *err) SX_WUR;

/* Start a new message on c (discarding any unfinished one). 0 or SX_E_CRYPTO. */
int lg_sm3_reset(struct lg_sm3 *c, struct sx_err *err) SX_WUR;

/* Feed len bytes. 0 or SX_E_CRYPTO (also when c was finalised and not reset). */
int lg_sm3_update(struct lg_sm3 *c, const void *data, size_t len, struct sx_err *err) SX_WUR;

/* Finish the message into out. c must be reset before the next message. */
int lg_sm3_final(struct lg_sm3 *c, uint8_t out[LG_SM3_LEN], struct sx_err *err) SX_WUR;

/* Free c; NULL is a no-op. */
void lg_sm3_free(struct lg_sm3 *c);

/* ---- SM2 ---- */

struct lg_sm2_key;

/* Generate a fresh SM2 key pair. 0 and *out set, or SX_E_CRYPTO. */
int lg_sm2_key_generate(struct lg_sm2_key **out, struct sx_err *err) SX_WUR;

/*
 * Parse PEM text: a PKCS#8 private key ("PRIVATE KEY", also "EC PRIVATE KEY")
 * or a SubjectPublicKeyInfo ("PUBLIC KEY"); lines before -----BEGIN are
 * skipped. The key must be on the SM2 curve. 0 and *out set, or SX_E_INVALID.
 */
int lg_sm2_key_from_pem(const char *pem, size_t len, struct lg_sm2_key **out,
                        struct sx_err *err) SX_WUR;

/* Parse a DER SubjectPublicKeyInfo (as put in export bundles). 0 or SX_E_INVALID. */
int lg_sm2_key_from_spki_der(const uint8_t *der, size_t len, struct lg_sm2_key **out,
                             struct sx_err *err) SX_WUR;

/* Read a PEM key file (see lg_sm2_key_from_pem). SX_E_IO if it cannot be read. */
int lg_sm2_key_load(const char *path, struct lg_sm2_key **out, struct sx_err *err) SX_WUR;

/*
 * Append the key as PEM to out: PKCS#8 "PRIVATE KEY" (unencrypted) when
 * private_part is non-zero, else "PUBLIC KEY". SX_E_INVALID when the private
 * part is asked of a public-only key.
 */
int lg_sm2_key_to_pem(const struct lg_sm2_key *key, int private_part, struct sx_buf *out,
                      struct sx_err *err) SX_WUR;

/* Append the public key as DER SubjectPublicKeyInfo to out. */
int lg_sm2_key_to_spki_der(const struct lg_sm2_key *key, struct sx_buf *out,
                           struct sx_err *err) SX_WUR;

/*
 * Write the key as PEM to path, created new with mode 0600 for a private key
 * (0644 for a public one) and replaced atomically (write tmp, fsync, rename).
 */
int lg_sm2_key_save(const struct lg_sm2_key *key, int private_part, const char *path,
                    struct sx_err *err) SX_WUR;

/* Uncompressed public point 0x04||x||y (big-endian), e.g. to compute Z_A. */
int lg_sm2_key_pub_raw(const struct lg_sm2_key *key, uint8_t out[LG_SM2_PUB_RAW_LEN],
                       struct sx_err *err) SX_WUR;

/* 1 if key holds a private part, else 0. */
int lg_sm2_key_has_private(const struct lg_sm2_key *key);

/* Free key; NULL is a no-op. */
void lg_sm2_key_free(struct lg_sm2_key *key);

/*
 * Sign msg with SM3 and the default ID. Writes the DER signature into
 * sig[0..*sig_len), sig holding LG_SM2_SIG_MAX bytes. SX_E_INVALID without a
 * private part; SX_E_CRYPTO.
 */
int lg_sm2_sign(const struct lg_sm2_key *key, const void *msg, size_t msg_len,
                uint8_t sig[LG_SM2_SIG_MAX], size_t *sig_len, struct sx_err *err) SX_WUR;

/*
 * Verify a DER signature of msg with SM3 and the default ID. Returns 0 when it
 * verifies, SX_E_TAMPER ("signature-invalid") when it does not (including a
 * malformed signature), SX_E_CRYPTO when OpenSSL could not run the check.
 */
int lg_sm2_verify(const struct lg_sm2_key *key, const void *msg, size_t msg_len, const uint8_t *sig,
                  size_t sig_len, struct sx_err *err) SX_WUR;

/* lg_sm2_sign / lg_sm2_verify with an explicit distinguishing ID (id_len may be 0). */
int lg_sm2_sign_id(const struct lg_sm2_key *key, const void *id, size_t id_len, const void *msg,
                   size_t msg_len, uint8_t sig[LG_SM2_SIG_MAX], size_t *sig_len,
                   struct sx_err *err) SX_WUR;
int lg_sm2_verify_id(const struct lg_sm2_key *key, const void *id, size_t id_len, const void *msg,
                     size_t msg_len, const uint8_t *sig, size_t sig_len, struct sx_err *err) SX_WUR;

#endif
