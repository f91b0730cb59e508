/*
 * auth: password hashing (Argon2id), random tokens and their storage hashes.
 *
 * Passwords are stored as Argon2id encoded strings (parameters and salt
 * inside). Session and API tokens are 32 random bytes shown to the client
 * once as hex; the database keeps only their SM3 hash, so a stolen database
 * yields no usable token.
 *
 * Ownership: outputs go to caller-provided fixed-size buffers.
 */
#ifndef AUTH_H
#define AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "sx_err.h"

#define AUTH_HASH_MAX 128 /* encoded Argon2id string incl. NUL */
#define AUTH_TOKEN_HEX 65 /* 32 bytes as hex + NUL */

/* Minimum password length accepted for new passwords. */
#define AUTH_PASSWORD_MIN 8

/* Argon2id parameters (RFC 9106 second recommended option, scaled for a server). */
struct auth_params {
    unsigned t_cost;
    unsigned m_cost_kib;
    unsigned parallelism;
};

/* Defaults used for new passwords; tests may pass cheaper ones. */
const struct auth_params *auth_default_params(void);

/* Hash a password into out (AUTH_HASH_MAX). SX_E_INVALID when too short. */
int auth_password_hash(const char *password, const struct auth_params *params,
                       char out[AUTH_HASH_MAX], struct sx_err *err) SX_WUR;

/* True when password matches the encoded hash. Constant-time inside libargon2. */
bool auth_password_verify(const char *encoded, const char *password);

/* Fill out with 32 random bytes as lowercase hex (getrandom). */
int auth_token_new(char out[AUTH_TOKEN_HEX], struct sx_err *err) SX_WUR;

/* Storage hash of a token: hex SM3 of the token text. */
int auth_token_hash(const char *token, char out[AUTH_TOKEN_HEX], struct sx_err *err) SX_WUR;

#endif
