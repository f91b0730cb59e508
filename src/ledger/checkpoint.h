/*
 * checkpoint: the signed statement "the global ledger had tree_size leaves with
 * this root at this time" (DESIGN §5), its exact bytes, and SM2 signing and
 * verifying of those bytes with the instance's key.
 *
 * The signed text (UTF-8, LF line ends, no trailing spaces, 4 lines):
 *
 *     sanxiang-ledger-checkpoint/v1
 *     tree_size <decimal>
 *     root <64 lowercase hex: RFC 6962 root with SM3>
 *     made_at <YYYY-MM-DDTHH:MM:SSZ>
 *
 * followed by one final LF. The signature is SM2 with SM3 and the distinguishing
 * ID 1234567812345678 (crypto.h), DER SEQUENCE{r,s}, stored as hex. Anyone can
 * check it with the OpenSSL CLI:
 *
 *     openssl pkeyutl -verify -pubin -inkey ledger-public.pem -rawin -digest sm3 \
 *         -pkeyopt distid:1234567812345678 -in signed.txt -sigfile sig.der
 *
 * A key is named by its key_id: lowercase hex SM3 of its DER SubjectPublicKeyInfo.
 *
 * Ownership: output buffers are the caller's and are appended to / written into.
 * Errors: SX_E_INVALID (malformed hex or fields), SX_E_TAMPER
 * ("checkpoint-signature-invalid") when a signature does not verify,
 * SX_E_CRYPTO, SX_E_NOMEM.
 */
#ifndef LG_CHECKPOINT_H
#define LG_CHECKPOINT_H

#include <stdint.h>

#include "crypto.h"
#include "sx_buf.h"
#include "sx_err.h"

#define LG_CHECKPOINT_HEADER "sanxiang-ledger-checkpoint/v1"
#define LG_SIG_HEX_MAX (2 * LG_SM2_SIG_MAX)

/* Append the signed text of (tree_size, root_hex, made_at) to out. SX_E_INVALID on bad fields. */
int lg_checkpoint_text(int64_t tree_size, const char *root_hex, const char *made_at,
                       struct sx_buf *out, struct sx_err *err) SX_WUR;

/* key_id of key into out (LG_SM3_HEX_LEN + 1 chars). */
int lg_checkpoint_key_id(const struct lg_sm2_key *key, char out[LG_SM3_HEX_LEN + 1],
                         struct sx_err *err) SX_WUR;

/* Sign the checkpoint text; the DER signature as hex into sig_hex (LG_SIG_HEX_MAX + 1 chars). */
int lg_checkpoint_sign(const struct lg_sm2_key *key, int64_t tree_size, const char *root_hex,
                       const char *made_at, char sig_hex[LG_SIG_HEX_MAX + 1],
                       struct sx_err *err) SX_WUR;

/*
 * 0 when sig_hex is key's signature of the checkpoint text; SX_E_TAMPER
 * ("checkpoint-signature-invalid", naming tree_size) when not or when sig_hex is not hex.
 */
int lg_checkpoint_verify(const struct lg_sm2_key *key, int64_t tree_size, const char *root_hex,
                         const char *made_at, const char *sig_hex, struct sx_err *err) SX_WUR;

#endif
