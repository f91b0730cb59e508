/*
 * chain: per-case hash chain — building record envelopes, hashing a new
 * record, and walking a stored chain to find the first altered record.
 * The definition is in chain.h.
 */
#include "chain.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/canon.h"

static const char TAMPER_TITLE[] = "案件记录被篡改";
static const char TAMPER_SOURCE[] =
    "云南 附件2 第二十条 (YN-2-20)；湖北 附件2 第二十五条 (HB-2-25)";
static const char RECORD_TITLE[] = "记录无法写入哈希链";

static const uint8_t zero_hash[LG_SM3_LEN];

int lg_chain_open(struct lg_chain *c, struct sx_err *err)
{
    c->sm3 = NULL;
    sx_buf_init(&c->env, LG_ENVELOPE_MAX);
    /*
     * Give the buffer memory of its own now: sx_buf_reset on a buffer that
     * never grew writes to the one empty string all buffers share, a data
     * race when chains on several threads start at once (parallel verify).
     */
    if (sx_buf_putc(&c->env, '{') != 0)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "记录封装");
    sx_buf_reset(&c->env);
    return lg_sm3_new(&c->sm3, err);
}

void lg_chain_close(struct lg_chain *c)
{
    lg_sm3_free(c->sm3);
    c->sm3 = NULL;
    sx_buf_free(&c->env); /* frees only when cap != 0: safe on a zeroed struct */
}

/* Fixed JSON fragments; the keys are in byte order already. */
#define PUT_LIT(out, lit) sx_buf_append((out), (lit), sizeof(lit) - 1)

/*
 * Append the envelope; no checks on body (callers did them). Returns 0,
 * SX_E_INVALID (bad UTF-8 in type/at, err filled) or a bare sx_buf code.
 */
static int build_envelope(const struct lg_record *rec, size_t body_len, struct sx_buf *out,
                          struct sx_err *err)
{
    int rc = sx_buf_putc(out, '{');
    if (rc == 0 && rec->action != NULL) {
        rc = PUT_LIT(out, "\"action\":");
        if (rc == 0)
            rc = canon_put_string(out, rec->action, strlen(rec->action), err);
        if (rc == 0)
            rc = sx_buf_putc(out, ',');
    }
    if (rc == 0)
        rc = PUT_LIT(out, "\"actor\":");
    if (rc == 0)
        rc = canon_put_int(out, rec->actor_id);
    if (rc == 0)
        rc = PUT_LIT(out, ",\"at\":");
    if (rc == 0)
        rc = canon_put_string(out, rec->at, strlen(rec->at), err);
    if (rc == 0)
        rc = PUT_LIT(out, ",\"body\":");
    if (rc == 0)
        rc = sx_buf_append(out, rec->body, body_len);
    if (rc == 0)
        rc = PUT_LIT(out, ",\"case\":");
    if (rc == 0)
        rc = canon_put_int(out, rec->case_id);
    if (rc == 0)
        rc = PUT_LIT(out, ",\"corrects\":");
    if (rc == 0) {
        if (rec->corrects == 0)
            rc = PUT_LIT(out, "null");
        else
            rc = canon_put_int(out, rec->corrects);
    }
    if (rc == 0 && rec->recorded_at != NULL) {
        rc = PUT_LIT(out, ",\"recorded_at\":");
        if (rc == 0)
            rc = canon_put_string(out, rec->recorded_at, strlen(rec->recorded_at), err);
    }
    if (rc == 0)
        rc = PUT_LIT(out, ",\"seq\":");
    if (rc == 0)
        rc = canon_put_int(out, rec->seq);
    if (rc == 0)
        rc = PUT_LIT(out, ",\"type\":");
    if (rc == 0)
        rc = canon_put_string(out, rec->type, strlen(rec->type), err);
    if (rc == 0)
        rc = sx_buf_putc(out, '}');
    return rc;
}

static int buf_fail(struct sx_err *err, int rc)
{
    if (rc == SX_E_TOOBIG)
        return SX_FAIL(err, rc, "record-too-big", "记录过大", "", "body",
                       "记录封装超过 %u 字节上限", LG_ENVELOPE_MAX);
    return SX_FAIL(err, rc, "no-memory", "内存不足", "", "", "记录封装");
}

/* Fields every envelope needs; the message names the record. */
static int check_present(const struct lg_record *rec, int code, const char *type, const char *title,
                         const char *source, struct sx_err *err)
{
    const char *missing = NULL;
    if (rec->type == NULL)
        missing = "type";
    else if (rec->at == NULL)
        missing = "at";
    else if (rec->body == NULL)
        missing = "body";
    if (missing == NULL)
        return 0;
    return SX_FAIL(err, code, type, title, source, missing,
                   "案件 %" PRId64 "：记录 id %" PRId64 "（序号 %" PRId64 "）缺少字段 %s",
                   rec->case_id, rec->id, rec->seq, missing);
}

int lg_chain_envelope(const struct lg_record *rec, struct sx_buf *out, struct sx_err *err)
{
    size_t start = out->len;
    int rc = check_present(rec, SX_E_INVALID, "record-invalid", RECORD_TITLE, "", err);
    if (rc != 0)
        return rc;
    if (!canon_quick_check(rec->body, strlen(rec->body)))
        return SX_FAIL(err, SX_E_INVALID, "record-invalid", RECORD_TITLE, "", "body",
                       "案件 %" PRId64 "：记录 id %" PRId64 "（序号 %" PRId64
                       "）的内容不是规范化 JSON",
                       rec->case_id, rec->id, rec->seq);
    rc = build_envelope(rec, strlen(rec->body), out, err);
    if (rc != 0) {
        out->len = start;
        out->data[start] = '\0';
        if (rc != SX_E_INVALID)
            rc = buf_fail(err, rc);
    }
    return rc;
}

/*
 * SM3(prev || envelope) using c's reused context and buffer; body_len is
 * strlen(rec->body), which the caller has at hand. No body check.
 */
static int hash_record(struct lg_chain *c, const uint8_t *prev, const struct lg_record *rec,
                       size_t body_len, uint8_t hash[LG_SM3_LEN], struct sx_err *err)
{
    int rc;
    sx_buf_reset(&c->env);
    rc = build_envelope(rec, body_len, &c->env, err);
    if (rc != 0)
        return rc == SX_E_INVALID ? rc : buf_fail(err, rc);
    rc = lg_sm3_reset(c->sm3, err);
    if (rc == 0)
        rc = lg_sm3_update(c->sm3, prev != NULL ? prev : zero_hash, LG_SM3_LEN, err);
    if (rc == 0)
        rc = lg_sm3_update(c->sm3, c->env.data, c->env.len, err);
    if (rc == 0)
        rc = lg_sm3_final(c->sm3, hash, err);
    return rc;
}

int lg_chain_hash(struct lg_chain *c, const uint8_t *prev, const struct lg_record *rec,
                  uint8_t hash[LG_SM3_LEN], struct sx_err *err)
{
    size_t body_len;
    int rc = check_present(rec, SX_E_INVALID, "record-invalid", RECORD_TITLE, "", err);
    if (rc != 0)
        return rc;
    body_len = strlen(rec->body);
    if (!canon_quick_check(rec->body, body_len))
        return SX_FAIL(err, SX_E_INVALID, "record-invalid", RECORD_TITLE, "", "body",
                       "案件 %" PRId64 "：记录 id %" PRId64 "（序号 %" PRId64
                       "）的内容不是规范化 JSON",
                       rec->case_id, rec->id, rec->seq);
    return hash_record(c, prev, rec, body_len, hash, err);
}

static bool is_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/*
 * "YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z": the shape only (ranges are the clock's
 * business); one spelling of UTC so the same instant hashes the same way.
 */
static bool at_shape_ok(const char *at)
{
    size_t n = strlen(at);
    size_t frac;
    if (n < 20 || at[n - 1] != 'Z')
        return false;
    if (!is_digits(at, 4) || at[4] != '-' || !is_digits(at + 5, 2) || at[7] != '-' ||
        !is_digits(at + 8, 2) || at[10] != 'T' || !is_digits(at + 11, 2) || at[13] != ':' ||
        !is_digits(at + 14, 2) || at[16] != ':' || !is_digits(at + 17, 2))
        return false;
    if (n == 20)
        return true;
    frac = n - 21; /* digits between '.' and 'Z' */
    return at[19] == '.' && frac >= 1 && frac <= 9 && is_digits(at + 20, frac);
}

int lg_chain_seal(struct lg_chain *c, const char *prev_hash_hex, const struct lg_record *rec,
                  char hash_hex[LG_SM3_HEX_LEN + 1], struct sx_err *err)
{
    uint8_t prev[LG_SM3_LEN];
    uint8_t hash[LG_SM3_LEN];
    bool first = prev_hash_hex == NULL || prev_hash_hex[0] == '\0';
    int rc;
    hash_hex[0] = '\0';
    rc = check_present(rec, SX_E_INVALID, "record-invalid", RECORD_TITLE, "", err);
    if (rc != 0)
        return rc;
    if (rec->seq < 1 || rec->case_id < 1 || rec->actor_id < 0 || rec->corrects < 0)
        return SX_FAIL(err, SX_E_INVALID, "record-invalid", RECORD_TITLE, "", "seq",
                       "案件 %" PRId64 "：序号 %" PRId64 "、操作人 %" PRId64 "、更正对象 %" PRId64
                       " 须为正数（更正对象 0 表示无）",
                       rec->case_id, rec->seq, rec->actor_id, rec->corrects);
    if (rec->type[0] == '\0')
        return SX_FAIL(err, SX_E_INVALID, "record-invalid", RECORD_TITLE, "", "type",
                       "案件 %" PRId64 "：记录类型为空", rec->case_id);
    if (!at_shape_ok(rec->at))
        return SX_FAIL(err, SX_E_INVALID, "record-invalid", RECORD_TITLE, "", "at",
                       "案件 %" PRId64 "：记录时间“%s”不是 UTC 格式 YYYY-MM-DDTHH:MM:SSZ",
                       rec->case_id, rec->at);
    if (first != (rec->seq == 1))
        return SX_FAIL(err, SX_E_INVALID, "record-invalid", RECORD_TITLE, "", "prev_hash",
                       "案件 %" PRId64 "：序号 %" PRId64 "%s", rec->case_id, rec->seq,
                       first ? " 的记录缺少前一条记录的哈希" : " 是第一条记录，不应有前序哈希");
    if (first) {
        memset(prev, 0, sizeof(prev));
    } else {
        rc = lg_hex_decode(prev_hash_hex, strlen(prev_hash_hex), prev, sizeof(prev), err);
        if (rc != 0)
            return rc;
    }
    /* New records are rare next to verification: afford the full check here. */
    rc = canon_check(rec->body, strlen(rec->body), err);
    if (rc != 0) {
        if (err != NULL)
            snprintf(err->field, sizeof(err->field), "body");
        return rc;
    }
    rc = hash_record(c, prev, rec, strlen(rec->body), hash, err);
    if (rc != 0)
        return rc;
    lg_hex_encode(hash, sizeof(hash), hash_hex);
    return 0;
}

/* ---- walking a stored chain ---- */

void lg_chain_walk_init(struct lg_chain_walk *w, struct lg_chain *chain, int64_t case_id)
{
    w->chain = chain;
    w->case_id = case_id;
    w->count = 0;
    w->last_id = 0;
    memset(w->head, 0, sizeof(w->head));
    memset(w->head_hex, '0', LG_SM3_HEX_LEN);
    w->head_hex[LG_SM3_HEX_LEN] = '\0';
}

/*
 * stored (a stored hash, NULL = missing) names the same 32 bytes as want
 * and want_hex (its lowercase hex). The store writes lowercase hex, so one
 * string compare settles almost every call without decoding; anything else
 * (uppercase or mixed-case hex, or a real difference) is decoded and
 * compared as bytes, so what is accepted is exactly what decoding accepts.
 * *bad_hex is set when stored is missing or not 64 hex digits.
 */
static bool same_hash(const char *stored, const uint8_t want[LG_SM3_LEN],
                      const char want_hex[LG_SM3_HEX_LEN + 1], bool *bad_hex)
{
    uint8_t bytes[LG_SM3_LEN];
    *bad_hex = false;
    if (stored != NULL && strncmp(stored, want_hex, LG_SM3_HEX_LEN + 1) == 0)
        return true;
    if (stored == NULL || lg_hex_decode(stored, strlen(stored), bytes, sizeof(bytes), NULL) != 0) {
        *bad_hex = true;
        return false;
    }
    return memcmp(bytes, want, sizeof(bytes)) == 0;
}

/* stored is missing or not 64 hex digits. */
static bool bad_hex(const char *stored)
{
    uint8_t bytes[LG_SM3_LEN];
    return stored == NULL || lg_hex_decode(stored, strlen(stored), bytes, sizeof(bytes), NULL) != 0;
}

#define TAMPER(err, field, ...)                                                                    \
    SX_FAIL((err), SX_E_TAMPER, "record-tampered", TAMPER_TITLE, TAMPER_SOURCE, (field),           \
            __VA_ARGS__)

static int step_seq(const struct lg_chain_walk *w, const struct lg_record *rec, struct sx_err *err)
{
    int64_t want = w->count + 1;
    if (rec->seq == want)
        return 0;
    if (rec->seq == want + 1)
        return TAMPER(err, "seq",
                      "案件 %" PRId64 "：记录 id %" PRId64 " 的序号为 %" PRId64 "，应为 %" PRId64
                      "，序号 %" PRId64 " 的记录缺失",
                      w->case_id, rec->id, rec->seq, want, want);
    if (rec->seq > want)
        return TAMPER(err, "seq",
                      "案件 %" PRId64 "：记录 id %" PRId64 " 的序号为 %" PRId64 "，应为 %" PRId64
                      "，序号 %" PRId64 "–%" PRId64 " 的记录缺失",
                      w->case_id, rec->id, rec->seq, want, want, rec->seq - 1);
    if (w->count > 0 && rec->seq == w->count)
        return TAMPER(err, "seq",
                      "案件 %" PRId64 "：记录 id %" PRId64 " 的序号 %" PRId64
                      " 与前一条记录（id %" PRId64 "）重复",
                      w->case_id, rec->id, rec->seq, w->last_id);
    return TAMPER(err, "seq",
                  "案件 %" PRId64 "：记录 id %" PRId64 " 的序号 %" PRId64 " 顺序错误，应为 %" PRId64
                  "（前一条记录 id %" PRId64 "）",
                  w->case_id, rec->id, rec->seq, want, w->last_id);
}

static int tamper_hash_format(const struct lg_chain_walk *w, const struct lg_record *rec,
                              struct sx_err *err)
{
    return TAMPER(err, "hash",
                  "案件 %" PRId64 "：记录 id %" PRId64 "（序号 %" PRId64 "）的哈希值缺失或格式无效",
                  w->case_id, rec->id, rec->seq);
}

int lg_chain_walk_step(struct lg_chain_walk *w, const struct lg_record *rec, struct sx_err *err)
{
    uint8_t computed[LG_SM3_LEN];
    char computed_hex[LG_SM3_HEX_LEN + 1];
    size_t body_len;
    bool bad;
    int rc;
    if (rec->case_id != w->case_id)
        return SX_FAIL(err, SX_E_INTERNAL, "chain-walk-misuse", "校验程序错误", "", "case_id",
                       "记录 id %" PRId64 " 属于案件 %" PRId64 "，正在校验的是案件 %" PRId64,
                       rec->id, rec->case_id, w->case_id);
    rc = step_seq(w, rec, err);
    if (rc != 0)
        return rc;
    rc = check_present(rec, SX_E_TAMPER, "record-tampered", TAMPER_TITLE, TAMPER_SOURCE, err);
    if (rc != 0)
        return rc;
    if (!same_hash(rec->prev_hash_hex, w->head, w->head_hex, &bad))
        return TAMPER(err, "prev_hash",
                      "案件 %" PRId64 "：记录 id %" PRId64 "（序号 %" PRId64
                      "）的前序哈希与上一条记录的哈希不一致",
                      w->case_id, rec->id, rec->seq);
    /*
     * Kept on every record, not only when the hash fails: a body resealed
     * in a non-canonical form (a rewrite the hash alone cannot see) must
     * still be reported, as tests/tamper checks.
     */
    body_len = strlen(rec->body);
    if (!canon_quick_check(rec->body, body_len))
        return TAMPER(err, "body",
                      "案件 %" PRId64 "：记录 id %" PRId64 "（序号 %" PRId64
                      "）的内容不是规范化 JSON",
                      w->case_id, rec->id, rec->seq);
    /*
     * The stored hash's format is looked at only when something fails, but
     * the reasons keep their order: a malformed hash is reported before bad
     * UTF-8 in type or at.
     */
    rc = hash_record(w->chain, w->head, rec, body_len, computed, err);
    if (rc != 0) {
        if (bad_hex(rec->hash_hex))
            return tamper_hash_format(w, rec, err);
        if (rc == SX_E_INVALID)
            /* type/at no longer valid UTF-8: they were valid when sealed. */
            return TAMPER(err, "hash",
                          "案件 %" PRId64 "：记录 id %" PRId64 "（序号 %" PRId64
                          "）的类型或时间不是有效的 UTF-8 文本",
                          w->case_id, rec->id, rec->seq);
        return rc;
    }
    lg_hex_encode(computed, sizeof(computed), computed_hex);
    if (!same_hash(rec->hash_hex, computed, computed_hex, &bad)) {
        if (bad)
            return tamper_hash_format(w, rec, err);
        return TAMPER(err, "hash",
                      "案件 %" PRId64 "：记录 id %" PRId64 "（序号 %" PRId64
                      "）的内容与其哈希值不符，记录已被修改",
                      w->case_id, rec->id, rec->seq);
    }
    memcpy(w->head, computed, sizeof(w->head));
    memcpy(w->head_hex, computed_hex, sizeof(w->head_hex));
    w->count++;
    w->last_id = rec->id;
    return 0;
}

int lg_chain_walk_finish(const struct lg_chain_walk *w, const char *head_hash_hex,
                         int64_t record_count, struct sx_err *err)
{
    bool bad;
    if (w->count < record_count)
        return TAMPER(err, "record_count",
                      "案件 %" PRId64 "：案件记载 %" PRId64 " 条记录，实际只有 %" PRId64
                      " 条，序号 %" PRId64 " 起的记录已被删除",
                      w->case_id, record_count, w->count, w->count + 1);
    if (w->count > record_count)
        return TAMPER(err, "record_count",
                      "案件 %" PRId64 "：实际有 %" PRId64 " 条记录，多于案件记载的 %" PRId64
                      " 条（最后一条记录 id %" PRId64 "）",
                      w->case_id, w->count, record_count, w->last_id);
    if (record_count == 0 && (head_hash_hex == NULL || head_hash_hex[0] == '\0'))
        return 0;
    if (!same_hash(head_hash_hex, w->head, w->head_hex, &bad))
        return TAMPER(err, "head_hash",
                      "案件 %" PRId64 "：最后一条记录（id %" PRId64 "，序号 %" PRId64
                      "）的哈希与案件记载的链头哈希不一致",
                      w->case_id, w->last_id, w->count);
    return 0;
}
