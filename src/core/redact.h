/*
 * redact: remove personal data from an enforcement document before its full
 * text is published (行政执法结果公示), and the publish gate that scans the
 * final text for anything left.
 *
 * What goes (云南 附件1 第十条 (YN-1-10); 湖北 附件1 第十二条 (HB-1-12)):
 *   - names of natural persons other than the legal representative, known
 *     from the case (party, witnesses, patients): masked as surname + 某
 *     (张三 → 张某, 欧阳娜娜 → 欧阳某); occurrences inside the legal
 *     representative's name stay; a name in Latin letters only as a word.
 *     Names are not guessed: one the caller does not pass stays;
 *   - by detector, each replaced by a fixed label such as "[身份证号码已隐去]"
 *     that keeps no digit:
 *       resident ID numbers (18 and 15 digits, GB 11643 check via ids.h; after
 *         an ID cue such as 身份证号码 any 15/18-character number, valid or not),
 *       mobile numbers (1[3-9] + 9 digits, with +86/86 and 3-4-4 separators),
 *       landlines (0 + area code + 7-8 digits, extension; a bare 7-8 digit or
 *         0-prefixed 10-12 digit number only after a phone cue such as 电话),
 *       bank card numbers (13-19 digits passing Luhn, also in groups of 4),
 *       bank account numbers (8 or more digits after an account cue such as
 *         账号/开户行/银行账户, up to the end of the sentence or the next
 *         account cue; a number followed by . 元 万 % 年 月 日 号 is an amount
 *         or date and stays),
 *       e-mail addresses,
 *       property certificate numbers (粤(2021)深圳市不动产权第0123456号 and
 *         不动产证明第…号 by shape; 房权证…第…号; any value with a digit after a
 *         cue such as 不动产权证号/房产证号/权属证书编号; 28-character
 *         不动产单元号),
 *       home addresses: the value after an address cue (住址, 家庭住址, 现住址,
 *         户籍地, 居住地, 家住 …) up to the end of the clause, a space or the
 *         next address cue. 住所/住所地 is used for companies too, so it is
 *         private only when the nearest subject marker before it in its
 *         paragraph (back to 。 or a blank line) is a person's (性别, 出生,
 *         身份证, 民族, 法定代表人, 负责人, 经营者, a case name) rather than an
 *         organisation's (统一社会信用代码, 注册号, 公司, 医院, 药店, 诊所 …);
 *         with no marker it is treated as private,
 *       financial-status statements: from a cue such as 存款, 年收入, 负债,
 *         财产状况, 余额, 经济困难, 营业收入, 房产 to the end of its clause, so
 *         the subject stays (张某名下有[财产状况已隐去]); the whole clause when
 *         an amount comes before the cue (当事人有20万元存款) — for persons and
 *         organisations alike, as both seeds require.
 * What stays: organisation names, USCCs, the legal representative's name,
 * law citations, amounts (罚款123456789.00元), dates, document numbers
 * (…〔2026〕12号), hotlines (12393, 400-…), numbers without a pattern or cue.
 *
 * Conflicts: an 18-character code that validates both as a resident ID and
 * as a USCC (about 1.6% of valid IDs do) is kept as a USCC only when it
 * follows an organisation-code cue (统一社会信用代码, 注册号, 组织机构代码 …)
 * with nothing but separators between; otherwise it is an ID. Any 15- or
 * 18-character number in that place stays. Overlapping detections are merged
 * into one removal whose kind is that of its longest part other than a name
 * (a name overlapping a detection goes under the detection's label).
 *
 * Idempotent by construction: labels already in the text are recognised and
 * never detected again, and red_apply searches its own result again, merging
 * anything found there (a decision that rested on words it replaced) until
 * nothing is found. So redacting redacted text changes nothing and the gate
 * finds nothing in red_apply's output; red_scan on the raw text reports
 * exactly red_apply's removals.
 *
 * Text is UTF-8 (checked strictly); offsets and lengths are in bytes of the
 * input and never split a character.
 *
 * Pure: no I/O, no clock, no globals (the check of an ID's birth date
 * accepts any date up to 9999-12-31, so no "today" is needed).
 *
 * Ownership: text, options and names are borrowed. red_apply appends to the
 * caller's sx_buf (restored to its old length on error). A red_report owns
 * its items array: red_report_init before use, red_report_free after; each
 * red_apply/red_scan empties it first and reuses its memory.
 */
#ifndef CORE_REDACT_H
#define CORE_REDACT_H

#include <stdbool.h>
#include <stddef.h>

#include "sx_buf.h"
#include "sx_err.h"

#define RED_SOURCE "云南 附件1 第十条 (YN-1-10)；湖北 附件1 第十二条 (HB-1-12)"

#define RED_NAME_MAX 64      /* bytes of one person's name, NUL excluded */
#define RED_PERSONS_MAX 1000 /* names per call */
#define RED_REPL_MAX 48      /* bytes of a replacement, NUL included */
#define RED_EXCERPT_MAX 64   /* bytes of a masked excerpt, NUL included */

/* What a removal was. Also the order of the summary lines. */
enum red_kind {
    RED_KIND_NAME,          /* 自然人姓名 → 张某 */
    RED_KIND_RESIDENT_ID,   /* 身份证号码 */
    RED_KIND_MOBILE,        /* 手机号码 */
    RED_KIND_LANDLINE,      /* 固定电话 */
    RED_KIND_BANK_CARD,     /* 银行卡号 */
    RED_KIND_BANK_ACCOUNT,  /* 银行账号 */
    RED_KIND_EMAIL,         /* 电子邮箱 */
    RED_KIND_PROPERTY_CERT, /* 权属证书编号 */
    RED_KIND_ADDRESS,       /* 住址 */
    RED_KIND_FINANCIAL,     /* 财产状况 */
    RED_KIND_COUNT
};

struct red_options {
    const char *const *persons; /* natural persons named in the case; may hold the legal rep */
    size_t n_persons;
    const char *legal_rep; /* kept (YN-1-10 (一)); NULL or "" when none */
};

/* One removal (red_apply) or one remaining hit (red_scan). */
struct red_item {
    enum red_kind kind;
    size_t offset;                  /* bytes into the input text */
    size_t length;                  /* bytes of input text removed or found */
    char replacement[RED_REPL_MAX]; /* "张某" or "[身份证号码已隐去]" */
    /* The found text with all but its first (and, from 3 characters, last)
       character shown as '*': "1****************X", "张*". Never the value. */
    char excerpt[RED_EXCERPT_MAX];
};

struct red_report {
    struct red_item *items; /* in text order, owned */
    size_t n, cap;
    size_t count[RED_KIND_COUNT]; /* items per kind */
};

void red_report_init(struct red_report *r);
void red_report_free(struct red_report *r);

/* zh-CN label of a kind ("身份证号码"), or "" for a value out of range. */
const char *red_kind_label(enum red_kind kind);
/* English slug of a kind ("resident-id"), for logs and JSON. */
const char *red_kind_slug(enum red_kind kind);

/*
 * Redact text[0..len) into out (appended). report (may be NULL) is emptied
 * and then lists every removal in text order. Returns 0, or SX_E_INVALID
 * ("invalid-utf8" naming the byte; "redact-person-invalid" for a name that
 * is NULL, not UTF-8, shorter than 2 characters, longer than RED_NAME_MAX
 * or holds a control character; "redact-too-many-persons"), SX_E_TOOBIG
 * when out would pass its max, SX_E_NOMEM.
 */
int red_apply(const char *text, size_t len, const struct red_options *o, struct sx_buf *out,
              struct red_report *report, struct sx_err *err) SX_WUR;

/*
 * The publish gate: scan text (meant to be final, already redacted) with the
 * same detectors and the case's names. report (may be NULL) is emptied and
 * then lists every remaining hit with a masked excerpt. Returns 0 when
 * nothing is left; SX_E_GATE ("publish-pii-remaining", status 422, source
 * RED_SOURCE, detail counting hits per kind) when something is — publication
 * stays blocked until a publisher overrides with a recorded reason, which is
 * the caller's business; or the errors of red_apply.
 */
int red_scan(const char *text, size_t len, const struct red_options *o, struct red_report *report,
             struct sx_err *err) SX_WUR;

/*
 * The mask of a person's name: surname + 某. The surname is the first two
 * characters when the name has 3 or more and starts with a compound surname
 * (欧阳, 司马, 诸葛 …), else the first character. Writes to out. Returns 0 or
 * SX_E_INVALID ("redact-person-invalid"). Also usable for a summary's
 * "当事人姓氏" (云南 附件1 第九条 (YN-1-09)).
 */
int red_person_mask(const char *name, char out[RED_REPL_MAX], struct sx_err *err) SX_WUR;

/*
 * Append one line per kind with a nonzero count, in enum order:
 * "<verb> <label> <n> 处\n", e.g. verb "已去除" → "已去除 身份证号码 2 处".
 * Nothing for an empty report. Returns 0 or the sx_buf error code.
 */
int red_report_summary(const struct red_report *r, const char *verb, struct sx_buf *out) SX_WUR;

#endif
