/*
 * numbering: validate a number pattern, format a number from it, and parse a
 * number back into year and seq (see numbering.h for the rules).
 */
#include "numbering.h"

#include <stdbool.h>
#include <string.h>

#include "canon.h"

#define MAX_PARTS 9 /* 4 placeholders and the literals around them */
#define NUMBER_MAX 512

static const char PATTERN_TITLE[] = "编号格式无效";
static const char PATTERN_SOURCE[] = "河北 三(三) (HE-3.3)";

enum part_kind { PART_LIT, PART_PREFIX, PART_KIND, PART_YEAR, PART_SEQ };

struct part {
    enum part_kind kind;
    const char *lit; /* PART_LIT: points into the pattern */
    size_t lit_len;
};

struct pattern {
    struct part parts[MAX_PARTS];
    size_t n;
};

static const struct {
    const char *name;
    enum part_kind kind;
} placeholders[] = {
    {"prefix", PART_PREFIX},
    {"kind", PART_KIND},
    {"year", PART_YEAR},
    {"seq", PART_SEQ},
};

#define BAD_PATTERN(err, ...)                                                                      \
    SX_FAIL((err), SX_E_INVALID, "numbering-pattern-invalid", PATTERN_TITLE, PATTERN_SOURCE,       \
            "numbering.pattern", __VA_ARGS__)

static bool has_control(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return true;
    return false;
}

static int add_part(struct pattern *p, enum part_kind kind, const char *lit, size_t lit_len,
                    size_t at, struct sx_err *err)
{
    if (p->n == MAX_PARTS)
        return BAD_PATTERN(err, "第 %zu 字节处：格式过于复杂", at + 1);
    p->parts[p->n].kind = kind;
    p->parts[p->n].lit = lit;
    p->parts[p->n].lit_len = lit_len;
    p->n++;
    return 0;
}

/* Split the pattern into literal and placeholder parts, checking every rule. */
static int tokenize(const char *pattern, struct pattern *p, struct sx_err *err)
{
    size_t len;
    size_t i = 0;
    size_t lit_start = 0;
    int seen[PART_SEQ + 1] = {0};
    int rc;
    p->n = 0;
    if (pattern == NULL || pattern[0] == '\0')
        return BAD_PATTERN(err, "编号格式为空");
    len = strlen(pattern);
    if (len > NUM_PATTERN_MAX)
        return BAD_PATTERN(err, "编号格式过长（%zu 字节，上限 %d）", len, NUM_PATTERN_MAX);
    if (!canon_utf8_valid(pattern, len) || has_control(pattern, len))
        return BAD_PATTERN(err, "编号格式含无效字符");
    while (i < len) {
        const char *close;
        size_t name_len;
        enum part_kind kind = PART_LIT;
        bool known = false;
        if (pattern[i] == '}')
            return BAD_PATTERN(err, "第 %zu 字节处有多余的“}”", i + 1);
        if (pattern[i] != '{') {
            i++;
            continue;
        }
        close = strchr(pattern + i + 1, '}');
        if (close == NULL || memchr(pattern + i + 1, '{', (size_t)(close - pattern) - i - 1))
            return BAD_PATTERN(err, "第 %zu 字节处的“{”没有闭合", i + 1);
        name_len = (size_t)(close - pattern) - i - 1;
        for (size_t k = 0; k < sizeof(placeholders) / sizeof(placeholders[0]); k++) {
            if (strlen(placeholders[k].name) == name_len &&
                memcmp(placeholders[k].name, pattern + i + 1, name_len) == 0) {
                kind = placeholders[k].kind;
                known = true;
            }
        }
        if (!known)
            return BAD_PATTERN(
                err, "第 %zu 字节处的占位符“%.*s”未知（可用 {prefix} {kind} {year} {seq}）", i + 1,
                (int)name_len, pattern + i + 1);
        if (seen[kind])
            return BAD_PATTERN(err, "占位符“{%.*s}”出现了不止一次", (int)name_len, pattern + i + 1);
        seen[kind] = 1;
        if (i > lit_start) {
            rc = add_part(p, PART_LIT, pattern + lit_start, i - lit_start, i, err);
            if (rc != 0)
                return rc;
        } else if (p->n > 0) {
            /* Two placeholders side by side could not be told apart when parsing. */
            return BAD_PATTERN(err, "第 %zu 字节处：两个占位符之间须有文字分隔", i + 1);
        }
        rc = add_part(p, kind, NULL, 0, i, err);
        if (rc != 0)
            return rc;
        i = (size_t)(close - pattern) + 1;
        lit_start = i;
    }
    if (len > lit_start) {
        rc = add_part(p, PART_LIT, pattern + lit_start, len - lit_start, len, err);
        if (rc != 0)
            return rc;
    }
    if (!seen[PART_YEAR] || !seen[PART_SEQ])
        return BAD_PATTERN(err, "编号格式须含 {year} 和 {seq}，才能保证每年每类编号唯一");
    return 0;
}

int num_pattern_validate(const char *pattern, struct sx_err *err)
{
    struct pattern p;
    return tokenize(pattern, &p, err);
}

/* ---- parsing ---- */

struct matcher {
    const struct pattern *p;
    const char *s;
    size_t len;
    const char *prefix; /* NULL = any */
    const char *kind;   /* NULL = any */
    struct num_parsed *out;
};

static bool digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Text a {prefix}/{kind} may hold: no braces, no control chars. */
static bool text_ok(const char *s, size_t len)
{
    return !has_control(s, len) && memchr(s, '{', len) == NULL && memchr(s, '}', len) == NULL &&
           canon_utf8_valid(s, len);
}

static bool match(struct matcher *m, size_t i, size_t pos);

/* Match a {prefix}/{kind} at pos, literally or trying each length, shortest first. */
static bool match_text(struct matcher *m, size_t i, size_t pos, const char *given, size_t *off,
                       size_t *len_out)
{
    if (given != NULL) {
        size_t n = strlen(given);
        if (n == 0 || m->len - pos < n || memcmp(m->s + pos, given, n) != 0)
            return false;
        *off = pos;
        *len_out = n;
        return match(m, i + 1, pos + n);
    }
    for (size_t n = 1; pos + n <= m->len; n++) {
        /* Whole UTF-8 characters only: the next byte must not be a continuation. */
        if (pos + n < m->len && ((unsigned char)m->s[pos + n] & 0xc0) == 0x80)
            continue;
        if (!text_ok(m->s + pos, n))
            return false; /* longer spans contain this one */
        *off = pos;
        *len_out = n;
        if (match(m, i + 1, pos + n))
            return true;
    }
    return false;
}

static bool match(struct matcher *m, size_t i, size_t pos)
{
    const struct part *part;
    if (i == m->p->n)
        return pos == m->len;
    part = &m->p->parts[i];
    switch (part->kind) {
    case PART_LIT:
        if (m->len - pos < part->lit_len || memcmp(m->s + pos, part->lit, part->lit_len) != 0)
            return false;
        return match(m, i + 1, pos + part->lit_len);
    case PART_YEAR:
        if (m->len - pos < 4 || m->s[pos] == '0')
            return false;
        for (size_t k = 0; k < 4; k++)
            if (!digit(m->s[pos + k]))
                return false;
        m->out->year = (m->s[pos] - '0') * 1000 + (m->s[pos + 1] - '0') * 100 +
                       (m->s[pos + 2] - '0') * 10 + (m->s[pos + 3] - '0');
        return match(m, i + 1, pos + 4);
    case PART_SEQ: {
        size_t n = 0;
        if (pos >= m->len || m->s[pos] == '0')
            return false;
        while (pos + n < m->len && n < 9 && digit(m->s[pos + n]))
            n++;
        /* Longest first; the literal after {seq} decides where it ends. */
        for (; n >= 1; n--) {
            int64_t v = 0;
            for (size_t k = 0; k < n; k++)
                v = v * 10 + (m->s[pos + k] - '0');
            m->out->seq = v;
            if (match(m, i + 1, pos + n))
                return true;
        }
        return false;
    }
    case PART_PREFIX:
        return match_text(m, i, pos, m->prefix, &m->out->prefix_off, &m->out->prefix_len);
    case PART_KIND:
        return match_text(m, i, pos, m->kind, &m->out->kind_off, &m->out->kind_len);
    }
    return false;
}

int num_parse(const char *pattern, const char *number, const char *prefix, const char *kind,
              struct num_parsed *out, struct sx_err *err)
{
    struct pattern p;
    struct matcher m;
    int rc = tokenize(pattern, &p, err);
    if (rc != 0)
        return rc;
    memset(out, 0, sizeof(*out));
    if (number == NULL || strlen(number) > NUMBER_MAX)
        return SX_FAIL(err, SX_E_INVALID, "number-mismatch", "编号与编号格式不符", PATTERN_SOURCE,
                       "number", "编号为空或过长");
    m.p = &p;
    m.s = number;
    m.len = strlen(number);
    m.prefix = prefix;
    m.kind = kind;
    m.out = out;
    if (!match(&m, 0, 0)) {
        memset(out, 0, sizeof(*out));
        return SX_FAIL(err, SX_E_INVALID, "number-mismatch", "编号与编号格式不符", PATTERN_SOURCE,
                       "number", "编号“%s”不符合格式“%s”", number, pattern);
    }
    return 0;
}

/* ---- formatting ---- */

static int check_text(const char *what, const char *field, const char *v, struct sx_err *err)
{
    if (v == NULL || v[0] == '\0')
        return SX_FAIL(err, SX_E_INVALID, "number-field-invalid", "无法生成编号", PATTERN_SOURCE,
                       field, "编号格式需要%s，但未提供", what);
    if (strlen(v) > NUM_PATTERN_MAX || !text_ok(v, strlen(v)))
        return SX_FAIL(err, SX_E_INVALID, "number-field-invalid", "无法生成编号", PATTERN_SOURCE,
                       field, "%s含无效字符（花括号、控制字符或非 UTF-8）或过长", what);
    return 0;
}

int num_format(const char *pattern, const struct num_fields *f, struct sx_buf *out,
               struct sx_err *err)
{
    struct pattern p;
    struct num_parsed back;
    size_t start = out->len;
    int rc = tokenize(pattern, &p, err);
    if (rc != 0)
        return rc;
    if (f->year < 1000 || f->year > 9999)
        return SX_FAIL(err, SX_E_INVALID, "number-field-invalid", "无法生成编号", PATTERN_SOURCE,
                       "year", "年份 %d 不是四位数", f->year);
    if (f->seq < 1 || f->seq > NUM_SEQ_MAX)
        return SX_FAIL(err, SX_E_INVALID, "number-field-invalid", "无法生成编号", PATTERN_SOURCE,
                       "seq", "序号 %lld 超出范围 1–%d", (long long)f->seq, NUM_SEQ_MAX);
    for (size_t i = 0; i < p.n; i++) {
        if (p.parts[i].kind == PART_PREFIX)
            rc = check_text("机关简称", "prefix", f->prefix, err);
        else if (p.parts[i].kind == PART_KIND)
            rc = check_text("种类简称", "kind", f->kind, err);
        if (rc != 0)
            return rc;
    }
    for (size_t i = 0; rc == 0 && i < p.n; i++) {
        switch (p.parts[i].kind) {
        case PART_LIT:
            rc = sx_buf_append(out, p.parts[i].lit, p.parts[i].lit_len);
            break;
        case PART_PREFIX:
            rc = sx_buf_puts(out, f->prefix);
            break;
        case PART_KIND:
            rc = sx_buf_puts(out, f->kind);
            break;
        case PART_YEAR:
            rc = sx_buf_printf(out, "%d", f->year);
            break;
        case PART_SEQ:
            rc = sx_buf_printf(out, "%lld", (long long)f->seq);
            break;
        }
    }
    if (rc != 0) {
        out->len = start;
        out->data[start] = '\0';
        return SX_FAIL(err, rc, "buffer-full", "无法生成编号", "", "", "输出缓冲区不足");
    }
    /*
     * The number must read back as what was meant, even by someone who does
     * not know the org and kind (a checker given only the pattern).
     */
    if (num_parse(pattern, out->data + start, NULL, NULL, &back, NULL) != 0 ||
        back.year != f->year || back.seq != f->seq ||
        (f->prefix != NULL && back.prefix_len != 0 &&
         (back.prefix_len != strlen(f->prefix) ||
          memcmp(out->data + start + back.prefix_off, f->prefix, back.prefix_len) != 0)) ||
        (f->kind != NULL && back.kind_len != 0 &&
         (back.kind_len != strlen(f->kind) ||
          memcmp(out->data + start + back.kind_off, f->kind, back.kind_len) != 0))) {
        rc = SX_FAIL(err, SX_E_INVALID, "number-ambiguous", "无法生成编号", PATTERN_SOURCE, "",
                     "编号“%s”无法按格式唯一解读：机关简称或种类简称含有格式中的文字",
                     out->data + start);
        out->len = start;
        out->data[start] = '\0';
        return rc;
    }
    return 0;
}
