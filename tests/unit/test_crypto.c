/*
 * Unit tests for src/ledger/crypto: SM3 against every vector of
 * tests/data/gm-vectors/sm3.txt and sm3.tsv (GB/T 32905-2016 Appendix A +
 * OpenSSL's empty-message digest), hex helpers, SM2 against the fixed
 * OpenSSL-made signature (sm2-*.pem/.der, ID 1234567812345678) and GB/T
 * 32918.5 Annex A example 1, Z_A/e recomputed from the vectors with our SM3,
 * sign/verify round trips with one-bit tampering, PEM/DER round trips.
 * The vector files are copies of /work/shared/data/gm-vectors (see its README).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ledger/crypto.h"
#include "sx_buf.h"
#include "sx_err.h"

#define VEC_DIR "tests/data/gm-vectors/"

/* ---- helpers ---- */

/* Whole file, NUL-terminated, from the repo root (SANXIANG_ROOT or cwd). */
static char *slurp(const char *rel, size_t *len_out)
{
    char path[1024];
    const char *root = getenv("SANXIANG_ROOT");
    FILE *f;
    char *buf;
    long n;
    snprintf(path, sizeof(path), "%s/%s", root != NULL ? root : ".", rel);
    f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("cannot open %s", path);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n >= 0);
    assert_int_equal(fseek(f, 0, SEEK_SET), 0);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    if (len_out != NULL)
        *len_out = (size_t)n;
    return buf;
}

/* Value of "key = value" in a vector file, copied into out (trailing spaces cut). */
static void vec_get(const char *text, const char *key, char *out, size_t cap)
{
    size_t klen = strlen(key);
    const char *p = text;
    while (p != NULL && *p != '\0') {
        if (strncmp(p, key, klen) == 0 && (p[klen] == ' ' || p[klen] == '=')) {
            const char *v = strchr(p, '=');
            const char *end;
            size_t n;
            assert_non_null(v);
            v++;
            while (*v == ' ')
                v++;
            end = strchr(v, '\n');
            n = end != NULL ? (size_t)(end - v) : strlen(v);
            while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\r'))
                n--;
            assert_true(n < cap);
            memcpy(out, v, n);
            out[n] = '\0';
            return;
        }
        p = strchr(p, '\n');
        if (p != NULL)
            p++;
    }
    fail_msg("key %s not found in vector file", key);
}

/* Hex string -> bytes, asserting it is valid. Returns the byte count. */
static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = strlen(hex) / 2;
    assert_true(n <= cap);
    assert_int_equal(lg_hex_decode(hex, strlen(hex), out, n, NULL), 0);
    return n;
}

static void assert_sm3_hex(const void *msg, size_t len, const char *want, const char *why)
{
    uint8_t d[LG_SM3_LEN];
    char hex[LG_SM3_HEX_LEN + 1];
    struct sx_err e;
    sx_err_clear(&e);
    assert_int_equal(lg_sm3(msg, len, d, &e), 0);
    lg_hex_encode(d, sizeof(d), hex);
    if (strcmp(hex, want) != 0)
        fail_msg("SM3 %s: got %s want %s", why, hex, want);
}

/* ---- SM3 ---- */

/* Every line of sm3.txt: "<name> <message hex or -> <digest hex>". */
static void test_sm3_txt_vectors(void **state)
{
    char *text = slurp(VEC_DIR "sm3.txt", NULL);
    int rows = 0;
    struct lg_sm3 *ctx = NULL;
    (void)state;
    assert_int_equal(lg_sm3_new(&ctx, NULL), 0);
    for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        char name[64], msghex[512], want[80];
        uint8_t msg[256], d[LG_SM3_LEN];
        char got[LG_SM3_HEX_LEN + 1];
        size_t mlen = 0;
        if (line[0] == '#' || line[0] == '\0')
            continue;
        assert_int_equal(sscanf(line, "%63s %511s %79s", name, msghex, want), 3);
        if (strcmp(msghex, "-") != 0)
            mlen = unhex(msghex, msg, sizeof(msg));
        assert_sm3_hex(msg, mlen, want, name);
        /* Same digest fed one byte at a time through a reused context. */
        assert_int_equal(lg_sm3_reset(ctx, NULL), 0);
        for (size_t i = 0; i < mlen; i++)
            assert_int_equal(lg_sm3_update(ctx, msg + i, 1, NULL), 0);
        assert_int_equal(lg_sm3_final(ctx, d, NULL), 0);
        lg_hex_encode(d, sizeof(d), got);
        assert_string_equal(got, want);
        rows++;
    }
    /* abc, abcd*16 (GB/T 32905-2016 A.1, A.2), empty (OpenSSL). */
    assert_int_equal(rows, 3);
    lg_sm3_free(ctx);
    free(text);
}

/*
 * sm3.tsv writes messages "as written": a literal, "<s> x<N> (...)" for s
 * repeated N times, or "(empty)".
 */
static void test_sm3_tsv_vectors(void **state)
{
    char *text = slurp(VEC_DIR "sm3.tsv", NULL);
    int rows = 0;
    (void)state;
    for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        char *tab = strchr(line, '\t');
        char msg[256];
        size_t mlen = 0;
        unsigned reps = 0;
        char unit[32];
        if (line[0] == '#' || tab == NULL)
            continue;
        *tab = '\0';
        if (strcmp(line, "(empty)") == 0) {
            mlen = 0;
        } else if (sscanf(line, "%31s x%u", unit, &reps) == 2) {
            for (unsigned i = 0; i < reps; i++) {
                assert_true(mlen + strlen(unit) < sizeof(msg));
                memcpy(msg + mlen, unit, strlen(unit));
                mlen += strlen(unit);
            }
        } else {
            mlen = strlen(line);
            memcpy(msg, line, mlen);
        }
        assert_sm3_hex(msg, mlen, tab + 1, line);
        rows++;
    }
    assert_int_equal(rows, 3);
    free(text);
}

/* A context reused for many messages gives the one-shot digest each time. */
static void test_sm3_context_reuse(void **state)
{
    struct lg_sm3 *ctx = NULL;
    char msg[300];
    (void)state;
    assert_int_equal(lg_sm3_new(&ctx, NULL), 0);
    for (int i = 0; i < 200; i++) {
        uint8_t a[LG_SM3_LEN], b[LG_SM3_LEN];
        size_t n = (size_t)i + 1;
        memset(msg, 'a' + i % 26, n);
        assert_int_equal(lg_sm3(msg, n, a, NULL), 0);
        assert_int_equal(lg_sm3_reset(ctx, NULL), 0);
        assert_int_equal(lg_sm3_update(ctx, msg, n / 2, NULL), 0);
        assert_int_equal(lg_sm3_update(ctx, msg + n / 2, n - n / 2, NULL), 0);
        assert_int_equal(lg_sm3_final(ctx, b, NULL), 0);
        assert_memory_equal(a, b, sizeof(a));
    }
    lg_sm3_free(ctx);
    lg_sm3_free(NULL);
}

/* ---- hex ---- */

static const struct {
    const char *hex;
    size_t out_len;
    int rc;
    const char *bytes; /* expected, when rc == 0 */
    const char *why;
} hex_rows[] = {
    {"00ff10", 3, 0, "\x00\xff\x10", "lowercase"},
    {"00FF10", 3, 0, "\x00\xff\x10", "uppercase accepted"},
    {"", 0, 0, "", "empty"},
    {"00ff1", 3, SX_E_INVALID, NULL, "odd length"},
    {"00ff", 3, SX_E_INVALID, NULL, "too short for out_len"},
    {"00ff1000", 3, SX_E_INVALID, NULL, "too long for out_len"},
    {"00fg10", 3, SX_E_INVALID, NULL, "g is not hex"},
    {"0x0010", 3, SX_E_INVALID, NULL, "0x prefix"},
    {" 0ff10", 3, SX_E_INVALID, NULL, "space"},
};

static void test_hex_decode_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(hex_rows) / sizeof(hex_rows[0]); i++) {
        uint8_t out[8];
        struct sx_err e;
        int rc;
        sx_err_clear(&e);
        rc = lg_hex_decode(hex_rows[i].hex, strlen(hex_rows[i].hex), out, hex_rows[i].out_len, &e);
        if (rc != hex_rows[i].rc)
            fail_msg("row %zu (%s): rc %d want %d", i, hex_rows[i].why, rc, hex_rows[i].rc);
        if (rc == 0) {
            assert_memory_equal(out, hex_rows[i].bytes, hex_rows[i].out_len);
        } else {
            assert_string_equal(e.type, "hex-invalid");
        }
    }
}

static void test_hex_encode(void **state)
{
    const uint8_t in[] = {0x00, 0x01, 0xab, 0xff};
    char out[9];
    (void)state;
    lg_hex_encode(in, sizeof(in), out);
    assert_string_equal(out, "0001abff");
    lg_hex_encode(in, 0, out);
    assert_string_equal(out, "");
}

/* ---- SM2: fixed vectors ---- */

static struct lg_sm2_key *load_key(const char *rel)
{
    struct lg_sm2_key *k = NULL;
    struct sx_err e;
    size_t len;
    char *pem = slurp(rel, &len);
    sx_err_clear(&e);
    if (lg_sm2_key_from_pem(pem, len, &k, &e) != 0)
        fail_msg("%s: %s", rel, e.detail);
    free(pem);
    return k;
}

/* The signature OpenSSL 3.0.22 made with distid 1234567812345678 verifies. */
static void test_sm2_fixed_signature_verifies(void **state)
{
    struct lg_sm2_key *pub = load_key(VEC_DIR "sm2-test-pub.pem");
    size_t msg_len, sig_len, hex_len;
    char *msg = slurp(VEC_DIR "sm2-message.txt", &msg_len);
    char *sig = slurp(VEC_DIR "sm2-signature.der", &sig_len);
    char *sighex = slurp(VEC_DIR "sm2-signature.hex", &hex_len);
    uint8_t sig2[LG_SM2_SIG_MAX];
    struct sx_err e;
    (void)state;
    assert_int_equal(msg_len, 39); /* README: 医疗保障行政执法全过程记录, 39 bytes */
    assert_int_equal(sig_len, 70);
    assert_int_equal(lg_sm2_key_has_private(pub), 0);
    /* .hex and .der are the same signature */
    while (hex_len > 0 && (sighex[hex_len - 1] == '\n' || sighex[hex_len - 1] == '\r'))
        hex_len--;
    assert_int_equal(lg_hex_decode(sighex, hex_len, sig2, sig_len, NULL), 0);
    assert_memory_equal(sig, sig2, sig_len);

    sx_err_clear(&e);
    assert_int_equal(lg_sm2_verify(pub, msg, msg_len, (const uint8_t *)sig, sig_len, &e), 0);
    /* OpenSSL's default empty ID gives another Z_A: must not verify (README). */
    assert_int_equal(lg_sm2_verify_id(pub, "", 0, msg, msg_len, (const uint8_t *)sig, sig_len, &e),
                     SX_E_TAMPER);
    assert_string_equal(e.type, "signature-invalid");
    /* One byte less of the message */
    assert_int_equal(lg_sm2_verify(pub, msg, msg_len - 1, (const uint8_t *)sig, sig_len, NULL),
                     SX_E_TAMPER);
    lg_sm2_key_free(pub);
    free(msg);
    free(sig);
    free(sighex);
}

/* The PKCS#8 test key (with a '#' line before BEGIN) is the vector's d/Q. */
static void test_sm2_test_key_matches_vector(void **state)
{
    char *vec = slurp(VEC_DIR "sm2-test-vector.txt", NULL);
    struct lg_sm2_key *priv = load_key(VEC_DIR "sm2-test-key.pem");
    struct lg_sm2_key *pub = load_key(VEC_DIR "sm2-test-pub.pem");
    char want[200];
    char got[2 * LG_SM2_PUB_RAW_LEN + 1];
    uint8_t raw[LG_SM2_PUB_RAW_LEN];
    (void)state;
    vec_get(vec, "public_key_uncompressed", want, sizeof(want));
    assert_int_equal(lg_sm2_key_has_private(priv), 1);
    assert_int_equal(lg_sm2_key_pub_raw(priv, raw, NULL), 0);
    lg_hex_encode(raw, sizeof(raw), got);
    assert_string_equal(got, want);
    assert_int_equal(lg_sm2_key_pub_raw(pub, raw, NULL), 0);
    lg_hex_encode(raw, sizeof(raw), got);
    assert_string_equal(got, want);
    lg_sm2_key_free(priv);
    lg_sm2_key_free(pub);
    free(vec);
}

/* SM2 recommended curve parameters a, b, xG, yG (GB/T 32918.5). */
static const char *const curve_hex[] = {
    "fffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffc",
    "28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93",
    "32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7",
    "bc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0",
};

/* Z = SM3(ENTL || ID || a || b || xG || yG || xA || yA), e = SM3(Z || M). */
static void za_and_e(const char *id, const uint8_t pub_xy[64], const uint8_t *m, size_t mlen,
                     char z_hex[65], char e_hex[65])
{
    uint8_t buf[2 + 64 + 6 * 32];
    uint8_t z[LG_SM3_LEN], e[LG_SM3_LEN];
    size_t n = 0;
    size_t idlen = strlen(id);
    struct lg_sm3 *ctx = NULL;
    buf[n++] = (uint8_t)((idlen * 8) >> 8);
    buf[n++] = (uint8_t)(idlen * 8);
    memcpy(buf + n, id, idlen);
    n += idlen;
    for (int i = 0; i < 4; i++)
        n += unhex(curve_hex[i], buf + n, 32);
    memcpy(buf + n, pub_xy, 64);
    n += 64;
    assert_int_equal(lg_sm3(buf, n, z, NULL), 0);
    assert_int_equal(lg_sm3_new(&ctx, NULL), 0);
    assert_int_equal(lg_sm3_update(ctx, z, sizeof(z), NULL), 0);
    assert_int_equal(lg_sm3_update(ctx, m, mlen, NULL), 0);
    assert_int_equal(lg_sm3_final(ctx, e, NULL), 0);
    lg_sm3_free(ctx);
    lg_hex_encode(z, sizeof(z), z_hex);
    lg_hex_encode(e, sizeof(e), e_hex);
}

/* Z_A and e of sm2-test-vector.txt recomputed with our SM3 from the loaded key. */
static void test_sm2_za_e_of_test_vector(void **state)
{
    char *vec = slurp(VEC_DIR "sm2-test-vector.txt", NULL);
    struct lg_sm2_key *pub = load_key(VEC_DIR "sm2-test-pub.pem");
    uint8_t raw[LG_SM2_PUB_RAW_LEN], m[128];
    char mhex[200], want_z[80], want_e[80], z[65], e[65];
    size_t mlen;
    (void)state;
    assert_int_equal(lg_sm2_key_pub_raw(pub, raw, NULL), 0);
    vec_get(vec, "message_hex", mhex, sizeof(mhex));
    vec_get(vec, "z_a", want_z, sizeof(want_z));
    vec_get(vec, "e", want_e, sizeof(want_e));
    mlen = unhex(mhex, m, sizeof(m));
    za_and_e(LG_SM2_DEFAULT_ID, raw + 1, m, mlen, z, e);
    assert_string_equal(z, want_z);
    assert_string_equal(e, want_e);
    lg_sm2_key_free(pub);
    free(vec);
}

/*
 * GB/T 32918.5-2017 Annex A example 1 (recommended curve): Z and e from our
 * SM3, and its (r, s) verifies through EVP with the default ID. OpenSSL's EVP
 * cannot inject the nonce k, so signing is checked by round trips instead.
 * Example 2 uses the Fp-256 test curve, which EVP SM2 does not support.
 */
static void test_sm2_standard_example1(void **state)
{
    char *vec = slurp(VEC_DIR "sm2-standard-examples.txt", NULL);
    char spki_hex[300], sig_hex[200], xa[80], ya[80], want_z[80], want_e[80], z[65], e[65];
    uint8_t spki[150], sig[LG_SM2_SIG_MAX + 8], xy[64], raw[LG_SM2_PUB_RAW_LEN];
    size_t spki_len, sig_len;
    struct lg_sm2_key *pub = NULL;
    const char *m = "message digest";
    char m2[] = "message digesT";
    (void)state;
    vec_get(vec, "example1_spki_der_hex", spki_hex, sizeof(spki_hex));
    vec_get(vec, "example1_sig_der_hex", sig_hex, sizeof(sig_hex));
    /* The [example1] section comes first, so these keys are example 1's. */
    vec_get(vec, "xA", xa, sizeof(xa));
    vec_get(vec, "yA", ya, sizeof(ya));
    vec_get(vec, "Z", want_z, sizeof(want_z));
    vec_get(vec, "e", want_e, sizeof(want_e));
    spki_len = unhex(spki_hex, spki, sizeof(spki));
    sig_len = unhex(sig_hex, sig, sizeof(sig));
    unhex(xa, xy, 32);
    unhex(ya, xy + 32, 32);
    za_and_e("1234567812345678", xy, (const uint8_t *)m, strlen(m), z, e);
    assert_string_equal(z, want_z);
    assert_string_equal(e, want_e);

    assert_int_equal(lg_sm2_key_from_spki_der(spki, spki_len, &pub, NULL), 0);
    assert_int_equal(lg_sm2_key_pub_raw(pub, raw, NULL), 0);
    assert_memory_equal(raw + 1, xy, 64);
    assert_int_equal(lg_sm2_verify(pub, m, strlen(m), sig, sig_len, NULL), 0);
    assert_int_equal(lg_sm2_verify_id(pub, "", 0, m, strlen(m), sig, sig_len, NULL), SX_E_TAMPER);
    assert_int_equal(lg_sm2_verify(pub, m2, strlen(m2), sig, sig_len, NULL), SX_E_TAMPER);
    /* Trailing bytes after the SPKI are refused. */
    lg_sm2_key_free(pub);
    pub = NULL;
    assert_int_equal(lg_sm2_key_from_spki_der(spki, spki_len + 0, &pub, NULL), 0);
    lg_sm2_key_free(pub);
    pub = NULL;
    spki[spki_len] = 0;
    assert_int_equal(lg_sm2_key_from_spki_der(spki, spki_len + 1, &pub, NULL), SX_E_INVALID);
    assert_null(pub);
    free(vec);
}

/* ---- SM2: round trips ---- */

/* Offsets of r's and s's last byte in DER SEQUENCE{INTEGER r, INTEGER s}. */
static void der_rs_last_bytes(const uint8_t *sig, size_t len, size_t *r_last, size_t *s_last)
{
    size_t rlen, slen;
    assert_true(len > 8 && sig[0] == 0x30 && sig[2] == 0x02);
    rlen = sig[3];
    assert_int_equal(sig[4 + rlen], 0x02);
    slen = sig[5 + rlen];
    *r_last = 3 + rlen;
    *s_last = 5 + rlen + slen;
    assert_int_equal(*s_last, len - 1);
}

static void test_sm2_roundtrip_and_tamper(void **state)
{
    struct lg_sm2_key *key = NULL;
    struct lg_sm2_key *other = NULL;
    uint8_t sig[LG_SM2_SIG_MAX], sig2[LG_SM2_SIG_MAX];
    size_t sig_len = 0, sig2_len = 0, r_last, s_last;
    char msg[] = "案件 12 记录 3 的检查点";
    size_t mlen = strlen(msg);
    struct sx_err e;
    (void)state;
    sx_err_clear(&e);
    assert_int_equal(lg_sm2_key_generate(&key, &e), 0);
    assert_int_equal(lg_sm2_key_generate(&other, &e), 0);
    assert_int_equal(lg_sm2_sign(key, msg, mlen, sig, &sig_len, &e), 0);
    assert_true(sig_len >= 8 && sig_len <= LG_SM2_SIG_MAX);
    assert_int_equal(lg_sm2_verify(key, msg, mlen, sig, sig_len, &e), 0);
    /* Randomized: a second signature differs and also verifies. */
    assert_int_equal(lg_sm2_sign(key, msg, mlen, sig2, &sig2_len, &e), 0);
    assert_false(sig_len == sig2_len && memcmp(sig, sig2, sig_len) == 0);
    assert_int_equal(lg_sm2_verify(key, msg, mlen, sig2, sig2_len, &e), 0);

    /* One bit of the message, of r, of s; another key; an empty ID. */
    msg[0] ^= 0x01;
    assert_int_equal(lg_sm2_verify(key, msg, mlen, sig, sig_len, &e), SX_E_TAMPER);
    msg[0] ^= 0x01;
    der_rs_last_bytes(sig, sig_len, &r_last, &s_last);
    sig[r_last] ^= 0x01;
    assert_int_equal(lg_sm2_verify(key, msg, mlen, sig, sig_len, &e), SX_E_TAMPER);
    sig[r_last] ^= 0x01;
    sig[s_last] ^= 0x01;
    assert_int_equal(lg_sm2_verify(key, msg, mlen, sig, sig_len, &e), SX_E_TAMPER);
    sig[s_last] ^= 0x01;
    assert_int_equal(lg_sm2_verify(key, msg, mlen, sig, sig_len, &e), 0);
    assert_int_equal(lg_sm2_verify(other, msg, mlen, sig, sig_len, &e), SX_E_TAMPER);
    assert_int_equal(lg_sm2_verify_id(key, "", 0, msg, mlen, sig, sig_len, &e), SX_E_TAMPER);
    /* Truncated and garbage signatures are "invalid", not crashes or crypto errors. */
    assert_int_equal(lg_sm2_verify(key, msg, mlen, sig, sig_len - 1, &e), SX_E_TAMPER);
    assert_int_equal(lg_sm2_verify(key, msg, mlen, (const uint8_t *)"xyz", 3, &e), SX_E_TAMPER);
    assert_int_equal(lg_sm2_verify(key, msg, mlen, sig, 0, &e), SX_E_TAMPER);
    /* Explicit ID round trip */
    assert_int_equal(lg_sm2_sign_id(key, "ALICE123@YAHOO.COM", 18, msg, mlen, sig, &sig_len, &e),
                     0);
    assert_int_equal(lg_sm2_verify_id(key, "ALICE123@YAHOO.COM", 18, msg, mlen, sig, sig_len, &e),
                     0);
    assert_int_equal(lg_sm2_verify(key, msg, mlen, sig, sig_len, &e), SX_E_TAMPER);
    lg_sm2_key_free(key);
    lg_sm2_key_free(other);
    lg_sm2_key_free(NULL);
}

static void test_sm2_pem_der_file_roundtrip(void **state)
{
    struct lg_sm2_key *key = NULL, *priv2 = NULL, *pub2 = NULL, *pub3 = NULL, *file_key = NULL;
    struct sx_buf pem, pub_pem, der;
    uint8_t sig[LG_SM2_SIG_MAX];
    size_t sig_len;
    char dir[] = "/tmp/sx-test-crypto-XXXXXX";
    char path[256];
    struct stat st;
    struct sx_err e;
    const char *msg = "checkpoint 42";
    (void)state;
    sx_err_clear(&e);
    sx_buf_init(&pem, 1 << 16);
    sx_buf_init(&pub_pem, 1 << 16);
    sx_buf_init(&der, 1 << 16);
    assert_int_equal(lg_sm2_key_generate(&key, &e), 0);
    assert_int_equal(lg_sm2_key_to_pem(key, 1, &pem, &e), 0);
    assert_non_null(strstr(pem.data, "-----BEGIN PRIVATE KEY-----"));
    assert_int_equal(lg_sm2_key_to_pem(key, 0, &pub_pem, &e), 0);
    assert_non_null(strstr(pub_pem.data, "-----BEGIN PUBLIC KEY-----"));
    assert_int_equal(lg_sm2_key_to_spki_der(key, &der, &e), 0);

    assert_int_equal(lg_sm2_key_from_pem(pem.data, pem.len, &priv2, &e), 0);
    assert_int_equal(lg_sm2_key_has_private(priv2), 1);
    assert_int_equal(lg_sm2_key_from_pem(pub_pem.data, pub_pem.len, &pub2, &e), 0);
    assert_int_equal(lg_sm2_key_has_private(pub2), 0);
    assert_int_equal(lg_sm2_key_from_spki_der((const uint8_t *)der.data, der.len, &pub3, &e), 0);
    /* Signed by the reloaded private key, verified by the reloaded public ones. */
    assert_int_equal(lg_sm2_sign(priv2, msg, strlen(msg), sig, &sig_len, &e), 0);
    assert_int_equal(lg_sm2_verify(pub2, msg, strlen(msg), sig, sig_len, &e), 0);
    assert_int_equal(lg_sm2_verify(pub3, msg, strlen(msg), sig, sig_len, &e), 0);
    /* A public key can neither sign nor give its (absent) private part. */
    assert_int_equal(lg_sm2_sign(pub2, msg, strlen(msg), sig, &sig_len, &e), SX_E_INVALID);
    assert_int_equal(lg_sm2_key_to_pem(pub2, 1, &pem, &e), SX_E_INVALID);

    /* Save: private key file is 0600, loads back and signs. */
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/instance.key", dir);
    assert_int_equal(lg_sm2_key_save(key, 1, path, &e), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(lg_sm2_key_save(key, 1, path, &e), 0); /* replaces */
    assert_int_equal(lg_sm2_key_load(path, &file_key, &e), 0);
    assert_int_equal(lg_sm2_sign(file_key, msg, strlen(msg), sig, &sig_len, &e), 0);
    assert_int_equal(lg_sm2_verify(key, msg, strlen(msg), sig, sig_len, &e), 0);
    lg_sm2_key_free(file_key);
    file_key = NULL;
    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(dir), 0);
    assert_int_equal(lg_sm2_key_load("/nonexistent/sanxiang.key", &file_key, &e), SX_E_IO);

    lg_sm2_key_free(key);
    lg_sm2_key_free(priv2);
    lg_sm2_key_free(pub2);
    lg_sm2_key_free(pub3);
    sx_buf_free(&pem);
    sx_buf_free(&pub_pem);
    sx_buf_free(&der);
}

/* A NIST P-256 public key (made with `openssl genpkey -algorithm EC`): not SM2. */
static const char p256_pub_pem[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEQsySNZxv5OlRm55Oey1EoELA4B/k\n"
    "YFZJkDPFMGO9JBsTP+zlaao20+AAeND4f6nx9dWO2qy69WxWSETWEEfrhA==\n"
    "-----END PUBLIC KEY-----\n";

static const struct {
    const char *pem;
    const char *why;
} bad_pem_rows[] = {
    {p256_pub_pem, "P-256 key: EC but not the SM2 curve"},
    {"", "empty"},
    {"hello", "not PEM"},
    {"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "PEM with garbage DER"},
};

static void test_sm2_rejects_bad_keys(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(bad_pem_rows) / sizeof(bad_pem_rows[0]); i++) {
        struct lg_sm2_key *k = NULL;
        struct sx_err e;
        int rc;
        sx_err_clear(&e);
        rc = lg_sm2_key_from_pem(bad_pem_rows[i].pem, strlen(bad_pem_rows[i].pem), &k, &e);
        if (rc != SX_E_INVALID)
            fail_msg("row %zu (%s): rc %d", i, bad_pem_rows[i].why, rc);
        assert_null(k);
        assert_string_equal(e.type, "key-invalid");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sm3_txt_vectors),
        cmocka_unit_test(test_sm3_tsv_vectors),
        cmocka_unit_test(test_sm3_context_reuse),
        cmocka_unit_test(test_hex_decode_table),
        cmocka_unit_test(test_hex_encode),
        cmocka_unit_test(test_sm2_fixed_signature_verifies),
        cmocka_unit_test(test_sm2_test_key_matches_vector),
        cmocka_unit_test(test_sm2_za_e_of_test_vector),
        cmocka_unit_test(test_sm2_standard_example1),
        cmocka_unit_test(test_sm2_roundtrip_and_tamper),
        cmocka_unit_test(test_sm2_pem_der_file_roundtrip),
        cmocka_unit_test(test_sm2_rejects_bad_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
