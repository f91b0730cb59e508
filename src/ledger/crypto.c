/*
 * crypto: SM3 and SM2 through OpenSSL 3 EVP; hex helpers. The only OpenSSL
 * caller in Sanxiang (see crypto.h for the contract).
 */
#include "crypto.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#define KEY_FILE_MAX (64 * 1024) /* a PEM key is < 1 KiB; anything this big is not a key */

struct lg_sm3 {
    EVP_MD_CTX *ctx;
};

struct lg_sm2_key {
    EVP_PKEY *pkey;
    int has_private;
};

/*
 * The SM3 EVP_MD, fetched once. Immutable after pthread_once, so every thread
 * may read it without locking; it lives until the process exits.
 */
static pthread_once_t sm3_once = PTHREAD_ONCE_INIT;
static EVP_MD *sm3_md;

static void sm3_fetch(void)
{
    sm3_md = EVP_MD_fetch(NULL, "SM3", NULL);
}

/*
 * Fill err from OpenSSL's earliest queued error and clear the queue, so a
 * stale error never shows up in an unrelated later failure.
 */
static int ossl_fail(struct sx_err *err, const char *func, int code, const char *type,
                     const char *title, const char *what)
{
    char reason[200];
    unsigned long e = ERR_get_error();
    if (e != 0)
        ERR_error_string_n(e, reason, sizeof(reason));
    else
        snprintf(reason, sizeof(reason), "无 OpenSSL 错误信息");
    ERR_clear_error();
    return sx_err_set(err, func, code, type, title, "", "", "%s：%s", what, reason);
}

#define OSSL_FAIL(err, what)                                                                       \
    ossl_fail((err), __func__, SX_E_CRYPTO, "crypto-failed", "国密算法运算失败", (what))

static const EVP_MD *sm3_get(struct sx_err *err)
{
    if (pthread_once(&sm3_once, sm3_fetch) != 0 || sm3_md == NULL) {
        OSSL_FAIL(err, "OpenSSL 未提供 SM3 算法");
        return NULL;
    }
    return sm3_md;
}

/* ---- hex ---- */

void lg_hex_encode(const uint8_t *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 0x0f];
    }
    out[2 * n] = '\0';
}

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int lg_hex_decode(const char *hex, size_t hex_len, uint8_t *out, size_t out_len, struct sx_err *err)
{
    if (hex == NULL || hex_len != 2 * out_len)
        return SX_FAIL(err, SX_E_INVALID, "hex-invalid", "十六进制编码无效", "", "",
                       "长度应为 %zu 个字符，实际为 %zu", 2 * out_len, hex == NULL ? 0 : hex_len);
    for (size_t i = 0; i < out_len; i++) {
        int hi = hex_value((unsigned char)hex[2 * i]);
        int lo = hex_value((unsigned char)hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return SX_FAIL(err, SX_E_INVALID, "hex-invalid", "十六进制编码无效", "", "",
                           "第 %zu 个字符不是十六进制数字", hi < 0 ? 2 * i + 1 : 2 * i + 2);
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

/* ---- SM3 ---- */

int lg_sm3(const void *data, size_t len, uint8_t out[LG_SM3_LEN], struct sx_err *err)
{
    const EVP_MD *md = sm3_get(err);
    unsigned int n = 0;
    if (md == NULL)
        return SX_E_CRYPTO;
    if (EVP_Digest(data, len, out, &n, md, NULL) != 1 || n != LG_SM3_LEN)
        return OSSL_FAIL(err, "SM3 计算失败");
    return 0;
}

int lg_sha256(const void *data, size_t len, uint8_t out[LG_SHA256_LEN], struct sx_err *err)
{
    unsigned int n = 0;
    if (EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) != 1 || n != LG_SHA256_LEN)
        return OSSL_FAIL(err, "SHA-256 计算失败");
    return 0;
}

int lg_sm3_new(struct lg_sm3 **out, struct sx_err *err)
{
    struct lg_sm3 *c = NULL;
    int rc;
    *out = NULL;
    if (sm3_get(err) == NULL)
        return SX_E_CRYPTO;
    c = calloc(1, sizeof(*c));
    if (c == NULL)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "SM3 上下文");
    c->ctx = EVP_MD_CTX_new();
    if (c->ctx == NULL) {
        free(c);
        return OSSL_FAIL(err, "无法创建 SM3 上下文");
    }
    rc = lg_sm3_reset(c, err);
    if (rc != 0) {
        lg_sm3_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

int lg_sm3_reset(struct lg_sm3 *c, struct sx_err *err)
{
    /*
     * Same EVP_MD every time: the EVP_MD_CTX is kept, we allocate nothing
     * (OpenSSL 3.0 re-creates its provider context inside; see crypto.h).
     */
    if (EVP_DigestInit_ex2(c->ctx, sm3_md, NULL) != 1)
        return OSSL_FAIL(err, "SM3 初始化失败");
    return 0;
}

int lg_sm3_update(struct lg_sm3 *c, const void *data, size_t len, struct sx_err *err)
{
    if (EVP_DigestUpdate(c->ctx, data, len) != 1)
        return OSSL_FAIL(err, "SM3 计算失败");
    return 0;
}

int lg_sm3_final(struct lg_sm3 *c, uint8_t out[LG_SM3_LEN], struct sx_err *err)
{
    unsigned int n = 0;
    if (EVP_DigestFinal_ex(c->ctx, out, &n) != 1 || n != LG_SM3_LEN)
        return OSSL_FAIL(err, "SM3 计算失败");
    return 0;
}

void lg_sm3_free(struct lg_sm3 *c)
{
    if (c == NULL)
        return;
    EVP_MD_CTX_free(c->ctx);
    free(c);
}

/* ---- SM2 keys ---- */

static int key_invalid(struct sx_err *err, const char *func, const char *what)
{
    return ossl_fail(err, func, SX_E_INVALID, "key-invalid", "SM2 密钥无效", what);
}

/*
 * Wrap pkey (taking it) after checking it is an SM2 key: OpenSSL 3 decodes a
 * key on the SM2 curve as key type "SM2", so an ordinary EC key (P-256 …)
 * is refused here rather than silently signing with ECDSA.
 */
static int key_wrap(EVP_PKEY *pkey, int has_private, struct lg_sm2_key **out, struct sx_err *err,
                    const char *func)
{
    struct lg_sm2_key *k;
    if (!EVP_PKEY_is_a(pkey, "SM2")) {
        EVP_PKEY_free(pkey);
        return sx_err_set(err, func, SX_E_INVALID, "key-invalid", "SM2 密钥无效", "GB/T 32918", "",
                          "密钥不是 SM2 曲线上的密钥");
    }
    k = calloc(1, sizeof(*k));
    if (k == NULL) {
        EVP_PKEY_free(pkey);
        return sx_err_set(err, func, SX_E_NOMEM, "no-memory", "内存不足", "", "", "SM2 密钥");
    }
    k->pkey = pkey;
    k->has_private = has_private;
    *out = k;
    return 0;
}

int lg_sm2_key_generate(struct lg_sm2_key **out, struct sx_err *err)
{
    EVP_PKEY *pkey;
    *out = NULL;
    pkey = EVP_PKEY_Q_keygen(NULL, NULL, "SM2");
    if (pkey == NULL)
        return OSSL_FAIL(err, "生成 SM2 密钥对失败");
    return key_wrap(pkey, 1, out, err, __func__);
}

/* Never prompt for a pass phrase on the terminal: encrypted keys are refused. */
static int no_password(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return -1;
}

int lg_sm2_key_from_pem(const char *pem, size_t len, struct lg_sm2_key **out, struct sx_err *err)
{
    BIO *bio = NULL;
    EVP_PKEY *pkey = NULL;
    int has_private = 1;
    int rc;
    *out = NULL;
    if (len > KEY_FILE_MAX)
        return SX_FAIL(err, SX_E_INVALID, "key-invalid", "SM2 密钥无效", "", "",
                       "PEM 文本过长（%zu 字节）", len);
    /* BIO_new_mem_buf wants an int length; len is capped above. */
    bio = BIO_new_mem_buf(pem, (int)len);
    if (bio == NULL) {
        rc = OSSL_FAIL(err, "无法读取 PEM");
        goto cleanup;
    }
    pkey = PEM_read_bio_PrivateKey(bio, NULL, no_password, NULL);
    if (pkey == NULL) {
        /* Not a private key: rewind and try a public key. */
        ERR_clear_error();
        has_private = 0;
        if (BIO_reset(bio) != 1) {
            rc = OSSL_FAIL(err, "无法读取 PEM");
            goto cleanup;
        }
        pkey = PEM_read_bio_PUBKEY(bio, NULL, no_password, NULL);
    }
    if (pkey == NULL) {
        rc = key_invalid(err, __func__, "PEM 中没有可识别的私钥或公钥");
        goto cleanup;
    }
    rc = key_wrap(pkey, has_private, out, err, __func__);
cleanup:
    BIO_free(bio);
    return rc;
}

int lg_sm2_key_from_spki_der(const uint8_t *der, size_t len, struct lg_sm2_key **out,
                             struct sx_err *err)
{
    const unsigned char *p = der;
    EVP_PKEY *pkey;
    *out = NULL;
    if (len == 0 || len > KEY_FILE_MAX)
        return SX_FAIL(err, SX_E_INVALID, "key-invalid", "SM2 密钥无效", "", "",
                       "公钥 DER 长度无效（%zu 字节）", len);
    pkey = d2i_PUBKEY(NULL, &p, (long)len);
    if (pkey == NULL)
        return key_invalid(err, __func__, "公钥 DER 无法解析");
    if (p != der + len) {
        EVP_PKEY_free(pkey);
        return SX_FAIL(err, SX_E_INVALID, "key-invalid", "SM2 密钥无效", "", "",
                       "公钥 DER 后有多余的 %zu 字节", (size_t)(der + len - p));
    }
    return key_wrap(pkey, 0, out, err, __func__);
}

int lg_sm2_key_load(const char *path, struct lg_sm2_key **out, struct sx_err *err)
{
    struct sx_buf text;
    FILE *f = NULL;
    char chunk[4096];
    size_t n;
    int rc = 0;
    *out = NULL;
    sx_buf_init(&text, KEY_FILE_MAX);
    f = fopen(path, "rb");
    if (f == NULL) {
        rc = SX_FAIL(err, SX_E_IO, "key-file", "无法读取密钥文件", "", "", "%s：%s", path,
                     strerror(errno));
        goto cleanup;
    }
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        rc = sx_buf_append(&text, chunk, n);
        if (rc != 0) {
            rc = SX_FAIL(err, SX_E_INVALID, "key-invalid", "SM2 密钥无效", "", "",
                         "%s 过大，不是密钥文件", path);
            goto cleanup;
        }
    }
    if (ferror(f)) {
        rc = SX_FAIL(err, SX_E_IO, "key-file", "无法读取密钥文件", "", "", "%s：读取出错", path);
        goto cleanup;
    }
    rc = lg_sm2_key_from_pem(text.data, text.len, out, err);
cleanup:
    if (f != NULL)
        fclose(f);
    /* The text may hold a private key: wipe it before giving the memory back. */
    if (text.cap != 0)
        OPENSSL_cleanse(text.data, text.len);
    sx_buf_free(&text);
    return rc;
}

int lg_sm2_key_to_pem(const struct lg_sm2_key *key, int private_part, struct sx_buf *out,
                      struct sx_err *err)
{
    BIO *bio = NULL;
    char *mem = NULL;
    long n = 0;
    int ok;
    int rc = 0;
    if (private_part && !key->has_private)
        return SX_FAIL(err, SX_E_INVALID, "key-invalid", "SM2 密钥无效", "", "",
                       "该密钥只有公钥部分");
    bio = BIO_new(BIO_s_mem());
    if (bio == NULL) {
        rc = OSSL_FAIL(err, "无法创建内存 BIO");
        goto cleanup;
    }
    if (private_part)
        ok = PEM_write_bio_PrivateKey(bio, key->pkey, NULL, NULL, 0, NULL, NULL);
    else
        ok = PEM_write_bio_PUBKEY(bio, key->pkey);
    if (ok != 1) {
        rc = OSSL_FAIL(err, "无法编码 PEM");
        goto cleanup;
    }
    n = BIO_get_mem_data(bio, &mem);
    if (n <= 0) {
        rc = OSSL_FAIL(err, "无法编码 PEM");
        goto cleanup;
    }
    rc = sx_buf_append(out, mem, (size_t)n);
    if (rc != 0)
        rc = SX_FAIL(err, rc, "buffer-full", "输出缓冲区不足", "", "", "PEM %ld 字节", n);
cleanup:
    if (bio != NULL && mem != NULL && private_part)
        OPENSSL_cleanse(mem, (size_t)n);
    BIO_free(bio);
    return rc;
}

int lg_sm2_key_to_spki_der(const struct lg_sm2_key *key, struct sx_buf *out, struct sx_err *err)
{
    unsigned char *der = NULL;
    int n = i2d_PUBKEY(key->pkey, &der);
    int rc;
    if (n <= 0)
        return OSSL_FAIL(err, "无法编码公钥");
    rc = sx_buf_append(out, der, (size_t)n);
    OPENSSL_free(der);
    if (rc != 0)
        return SX_FAIL(err, rc, "buffer-full", "输出缓冲区不足", "", "", "公钥 %d 字节", n);
    return 0;
}

/* Write all of data to fd, retrying on EINTR and short writes. */
static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, data, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

int lg_sm2_key_save(const struct lg_sm2_key *key, int private_part, const char *path,
                    struct sx_err *err)
{
    struct sx_buf pem;
    struct sx_buf tmp;
    int fd = -1;
    int rc;
    sx_buf_init(&pem, KEY_FILE_MAX);
    sx_buf_init(&tmp, 4096);
    rc = lg_sm2_key_to_pem(key, private_part, &pem, err);
    if (rc != 0)
        goto cleanup;
    rc = sx_buf_printf(&tmp, "%s.tmp", path);
    if (rc != 0) {
        rc = SX_FAIL(err, SX_E_INVALID, "key-file", "无法写入密钥文件", "", "", "路径过长");
        goto cleanup;
    }
    /* A leftover tmp from a crash may have other permissions: start afresh. */
    if (unlink(tmp.data) != 0 && errno != ENOENT) {
        rc = SX_FAIL(err, SX_E_IO, "key-file", "无法写入密钥文件", "", "", "%s：%s", tmp.data,
                     strerror(errno));
        goto cleanup;
    }
    fd = open(tmp.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, private_part ? 0600 : 0644);
    if (fd < 0 || write_all(fd, pem.data, pem.len) != 0 || fsync(fd) != 0) {
        rc = SX_FAIL(err, SX_E_IO, "key-file", "无法写入密钥文件", "", "", "%s：%s", tmp.data,
                     strerror(errno));
        goto cleanup;
    }
    if (close(fd) != 0) {
        fd = -1;
        rc = SX_FAIL(err, SX_E_IO, "key-file", "无法写入密钥文件", "", "", "%s：%s", tmp.data,
                     strerror(errno));
        goto cleanup;
    }
    fd = -1;
    if (rename(tmp.data, path) != 0) {
        rc = SX_FAIL(err, SX_E_IO, "key-file", "无法写入密钥文件", "", "", "%s：%s", path,
                     strerror(errno));
        goto cleanup;
    }
cleanup:
    if (fd >= 0)
        close(fd);
    if (rc != 0 && tmp.len > 0)
        unlink(tmp.data);
    if (pem.cap != 0)
        OPENSSL_cleanse(pem.data, pem.len);
    sx_buf_free(&pem);
    sx_buf_free(&tmp);
    return rc;
}

int lg_sm2_key_pub_raw(const struct lg_sm2_key *key, uint8_t out[LG_SM2_PUB_RAW_LEN],
                       struct sx_err *err)
{
    size_t n = 0;
    if (EVP_PKEY_get_octet_string_param(key->pkey, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, out,
                                        LG_SM2_PUB_RAW_LEN, &n) != 1)
        return OSSL_FAIL(err, "无法读取公钥坐标");
    if (n != LG_SM2_PUB_RAW_LEN || out[0] != 0x04)
        return SX_FAIL(err, SX_E_CRYPTO, "crypto-failed", "国密算法运算失败", "", "",
                       "公钥不是未压缩的 65 字节点（%zu 字节）", n);
    return 0;
}

int lg_sm2_key_has_private(const struct lg_sm2_key *key)
{
    return key->has_private;
}

void lg_sm2_key_free(struct lg_sm2_key *key)
{
    if (key == NULL)
        return;
    EVP_PKEY_free(key->pkey);
    free(key);
}

/* ---- SM2 sign / verify ---- */

/*
 * Prepare mctx for DigestSign/DigestVerify with SM3 and the ID. The pkey ctx
 * carrying the ID is attached to mctx, which does not own it: the caller frees
 * *pctx after mctx.
 */
static int sm2_md_init(const struct lg_sm2_key *key, const void *id, size_t id_len, int sign,
                       EVP_MD_CTX **mctx, EVP_PKEY_CTX **pctx, struct sx_err *err)
{
    int ok;
    *mctx = EVP_MD_CTX_new();
    *pctx = EVP_PKEY_CTX_new_from_pkey(NULL, key->pkey, NULL);
    if (*mctx == NULL || *pctx == NULL)
        return OSSL_FAIL(err, "无法创建 SM2 上下文");
    /* OpenSSL's default is the empty ID; id_len 0 keeps it (negative tests). */
    if (id_len > 0 && EVP_PKEY_CTX_set1_id(*pctx, id, (int)id_len) <= 0)
        return OSSL_FAIL(err, "无法设置 SM2 用户标识");
    EVP_MD_CTX_set_pkey_ctx(*mctx, *pctx);
    if (sign)
        ok = EVP_DigestSignInit_ex(*mctx, NULL, "SM3", NULL, NULL, key->pkey, NULL);
    else
        ok = EVP_DigestVerifyInit_ex(*mctx, NULL, "SM3", NULL, NULL, key->pkey, NULL);
    if (ok != 1)
        return OSSL_FAIL(err, "SM2 初始化失败");
    return 0;
}

int lg_sm2_sign_id(const struct lg_sm2_key *key, const void *id, size_t id_len, const void *msg,
                   size_t msg_len, uint8_t sig[LG_SM2_SIG_MAX], size_t *sig_len, struct sx_err *err)
{
    EVP_MD_CTX *mctx = NULL;
    EVP_PKEY_CTX *pctx = NULL;
    size_t n = LG_SM2_SIG_MAX;
    int rc;
    *sig_len = 0;
    if (!key->has_private)
        return SX_FAIL(err, SX_E_INVALID, "key-invalid", "SM2 密钥无效", "", "",
                       "签名需要私钥，该密钥只有公钥部分");
    if (id_len > 8191)
        return SX_FAIL(err, SX_E_INVALID, "key-invalid", "SM2 用户标识过长", "GB/T 32918.2", "",
                       "用户标识 %zu 字节，ENTL 最多 65535 位", id_len);
    rc = sm2_md_init(key, id, id_len, 1, &mctx, &pctx, err);
    if (rc != 0)
        goto cleanup;
    if (EVP_DigestSign(mctx, sig, &n, msg, msg_len) != 1) {
        rc = OSSL_FAIL(err, "SM2 签名失败");
        goto cleanup;
    }
    *sig_len = n;
cleanup:
    EVP_MD_CTX_free(mctx);
    EVP_PKEY_CTX_free(pctx);
    return rc;
}

int lg_sm2_verify_id(const struct lg_sm2_key *key, const void *id, size_t id_len, const void *msg,
                     size_t msg_len, const uint8_t *sig, size_t sig_len, struct sx_err *err)
{
    EVP_MD_CTX *mctx = NULL;
    EVP_PKEY_CTX *pctx = NULL;
    int rc;
    if (id_len > 8191)
        return SX_FAIL(err, SX_E_INVALID, "key-invalid", "SM2 用户标识过长", "GB/T 32918.2", "",
                       "用户标识 %zu 字节，ENTL 最多 65535 位", id_len);
    rc = sm2_md_init(key, id, id_len, 0, &mctx, &pctx, err);
    if (rc != 0)
        goto cleanup;
    /*
     * 1 = valid; 0 = wrong signature; < 0 = could not check, which for a
     * well-formed context means the DER did not parse. Either way the
     * signature is not valid for this key and message.
     */
    if (EVP_DigestVerify(mctx, sig, sig_len, msg, msg_len) != 1) {
        ERR_clear_error();
        rc = SX_FAIL(err, SX_E_TAMPER, "signature-invalid", "签名验证失败", "GB/T 32918.2", "",
                     "SM2 签名与公钥和内容不符（签名 %zu 字节）", sig_len);
        goto cleanup;
    }
cleanup:
    EVP_MD_CTX_free(mctx);
    EVP_PKEY_CTX_free(pctx);
    return rc;
}

int lg_sm2_sign(const struct lg_sm2_key *key, const void *msg, size_t msg_len,
                uint8_t sig[LG_SM2_SIG_MAX], size_t *sig_len, struct sx_err *err)
{
    return lg_sm2_sign_id(key, LG_SM2_DEFAULT_ID, LG_SM2_DEFAULT_ID_LEN, msg, msg_len, sig, sig_len,
                          err);
}

int lg_sm2_verify(const struct lg_sm2_key *key, const void *msg, size_t msg_len, const uint8_t *sig,
                  size_t sig_len, struct sx_err *err)
{
    return lg_sm2_verify_id(key, LG_SM2_DEFAULT_ID, LG_SM2_DEFAULT_ID_LEN, msg, msg_len, sig,
                            sig_len, err);
}
