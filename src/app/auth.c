/* auth: Argon2id password hashes and random bearer tokens. */
#include "auth.h"

#include <argon2.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>

#include "ledger/crypto.h"

static const struct auth_params default_params = {
    .t_cost = 2,
    .m_cost_kib = 19456, /* OWASP's Argon2id minimum: 19 MiB, t=2, p=1 */
    .parallelism = 1,
};

const struct auth_params *auth_default_params(void)
{
    return &default_params;
}

static int random_bytes(uint8_t *out, size_t n, struct sx_err *err)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = getrandom(out + got, n - got, 0);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return SX_FAIL(err, SX_E_IO, "random-failed", "系统随机数不可用", NULL, NULL,
                           "getrandom: %s", strerror(errno));
        }
        got += (size_t)r;
    }
    return 0;
}

int auth_password_hash(const char *password, const struct auth_params *params,
                       char out[AUTH_HASH_MAX], struct sx_err *err)
{
    uint8_t salt[16];
    size_t len = strlen(password);
    int rc;
    if (len < AUTH_PASSWORD_MIN)
        return SX_FAIL(err, SX_E_INVALID, "password-too-short", "密码过短", NULL, "password",
                       "密码至少需要 %d 个字符", AUTH_PASSWORD_MIN);
    if (len > 1024)
        return SX_FAIL(err, SX_E_INVALID, "password-too-long", "密码过长", NULL, "password",
                       "密码不能超过 1024 个字符");
    rc = random_bytes(salt, sizeof(salt), err);
    if (rc != 0)
        return rc;
    rc = argon2id_hash_encoded(params->t_cost, params->m_cost_kib, params->parallelism, password,
                               len, salt, sizeof(salt), 32, out, AUTH_HASH_MAX);
    if (rc != ARGON2_OK)
        return SX_FAIL(err, SX_E_INTERNAL, "password-hash-failed", "密码处理失败", NULL, NULL,
                       "argon2: %s", argon2_error_message(rc));
    return 0;
}

bool auth_password_verify(const char *encoded, const char *password)
{
    if (encoded == NULL || password == NULL || encoded[0] == '\0')
        return false;
    return argon2id_verify(encoded, password, strlen(password)) == ARGON2_OK;
}

int auth_token_new(char out[AUTH_TOKEN_HEX], struct sx_err *err)
{
    uint8_t raw[32];
    int rc = random_bytes(raw, sizeof(raw), err);
    if (rc != 0)
        return rc;
    lg_hex_encode(raw, sizeof(raw), out);
    return 0;
}

int auth_token_hash(const char *token, char out[AUTH_TOKEN_HEX], struct sx_err *err)
{
    uint8_t digest[32];
    int rc = lg_sm3(token, strlen(token), digest, err);
    if (rc != 0)
        return rc;
    lg_hex_encode(digest, sizeof(digest), out);
    return 0;
}
