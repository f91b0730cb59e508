/* checkpoint: the signed text of a ledger checkpoint, SM2 signing and verifying it. */
#include "checkpoint.h"

#include <inttypes.h>
#include <string.h>

static int is_hex64(const char *s)
{
    if (s == NULL || strlen(s) != LG_SM3_HEX_LEN)
        return 0;
    for (const char *p = s; *p != '\0'; p++) {
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return 0;
    }
    return 1;
}

int lg_checkpoint_text(int64_t tree_size, const char *root_hex, const char *made_at,
                       struct sx_buf *out, struct sx_err *err)
{
    if (tree_size < 1 || !is_hex64(root_hex) || made_at == NULL || strlen(made_at) != 20 ||
        strchr(made_at, '\n') != NULL)
        return SX_FAIL(err, SX_E_INVALID, "checkpoint-invalid", "签名检查点字段无效", "DESIGN §5",
                       "checkpoint",
                       "检查点的树大小须 ≥ 1，根哈希为 64 位小写十六进制，时间为 UTC");
    if (sx_buf_printf(out, LG_CHECKPOINT_HEADER "\ntree_size %" PRId64 "\nroot %s\nmade_at %s\n",
                      tree_size, root_hex, made_at) != 0)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "检查点文本");
    return 0;
}

int lg_checkpoint_key_id(const struct lg_sm2_key *key, char out[LG_SM3_HEX_LEN + 1],
                         struct sx_err *err)
{
    struct sx_buf der;
    uint8_t h[LG_SM3_LEN];
    int rc;
    sx_buf_init(&der, 4096);
    rc = lg_sm2_key_to_spki_der(key, &der, err);
    if (rc == 0)
        rc = lg_sm3(der.data, der.len, h, err);
    if (rc == 0)
        lg_hex_encode(h, LG_SM3_LEN, out);
    sx_buf_free(&der);
    return rc;
}

int lg_checkpoint_sign(const struct lg_sm2_key *key, int64_t tree_size, const char *root_hex,
                       const char *made_at, char sig_hex[LG_SIG_HEX_MAX + 1], struct sx_err *err)
{
    struct sx_buf text;
    uint8_t sig[LG_SM2_SIG_MAX];
    size_t sig_len = 0;
    int rc;
    sx_buf_init(&text, 1024);
    rc = lg_checkpoint_text(tree_size, root_hex, made_at, &text, err);
    if (rc == 0)
        rc = lg_sm2_sign(key, text.data, text.len, sig, &sig_len, err);
    if (rc == 0)
        lg_hex_encode(sig, sig_len, sig_hex);
    sx_buf_free(&text);
    return rc;
}

int lg_checkpoint_verify(const struct lg_sm2_key *key, int64_t tree_size, const char *root_hex,
                         const char *made_at, const char *sig_hex, struct sx_err *err)
{
    struct sx_buf text;
    uint8_t sig[LG_SM2_SIG_MAX];
    size_t n = sig_hex != NULL ? strlen(sig_hex) : 0;
    int rc;
    if (n == 0 || n % 2 != 0 || n > LG_SIG_HEX_MAX ||
        lg_hex_decode(sig_hex, n, sig, n / 2, NULL) != 0)
        return SX_FAIL(err, SX_E_TAMPER, "checkpoint-signature-invalid", "签名检查点的签名无效",
                       "DESIGN §5", "signature",
                       "树大小 %" PRId64 " 的检查点签名不是有效的十六进制 DER", tree_size);
    sx_buf_init(&text, 1024);
    rc = lg_checkpoint_text(tree_size, root_hex, made_at, &text, err);
    if (rc == 0)
        rc = lg_sm2_verify(key, text.data, text.len, sig, n / 2, err);
    if (rc == SX_E_TAMPER)
        rc = SX_FAIL(err, SX_E_TAMPER, "checkpoint-signature-invalid", "签名检查点的签名无效",
                     "DESIGN §5", "signature",
                     "树大小 %" PRId64 " 的检查点（根 %.16s…，%s）与 SM2 签名不符", tree_size,
                     root_hex, made_at);
    sx_buf_free(&text);
    return rc;
}
