/*
 * redact: the detectors for personal data in enforcement documents, the
 * masking of the case's names, and the publish gate (云南 附件1 第十条
 * (YN-1-10); 湖北 附件1 第十二条 (HB-1-12)). redact.h says what goes and what
 * stays; shared/data/pii-cn/README.md and supplement.md describe the formats.
 *
 * detect() finds every candidate in a text as a byte span [start, end):
 *   1. labels already in the text ("[住址已隐去]"), so that nothing inside
 *      them is detected again;
 *   2. cue words (one table, matched at every character through an index by
 *      first code point; a cue inside a longer one is dropped, so 住址 inside
 *      家庭住址 counts once);
 *   3. the case's names, except inside the legal representative's name;
 *   4. numbers by shape and checksum (IDs, phones, cards, unit numbers),
 *      e-mail addresses, certificate numbers by shape;
 *   5. what each cue implies (the number after 身份证号码, the value after
 *      住址, the statement after 存款 …);
 *   6. second phase: the decisions to keep something that rest on words
 *      elsewhere (住所 of a company, a code after 统一社会信用代码), made
 *      once every other span is known and ignoring words inside them.
 * Spans are then sorted and overlapping ones merged. No scope is a count of
 * bytes: removals change lengths, and redacting the output must decide the
 * same.
 *
 * resolve() then applies the spans and runs detect() on the result; anything
 * found there is mapped back to the input and merged in, until nothing is
 * found (one extra pass for real text). That makes red_apply idempotent and
 * the gate silent on its output by construction, not by care alone.
 */
#include "redact.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cal.h"
#include "ids.h"

/* ---- kinds ---------------------------------------------------------- */

struct kind_info {
    const char *label;
    const char *slug;
    const char *mask; /* NULL for names: surname + 某 */
};

static const struct kind_info kinds[RED_KIND_COUNT] = {
    [RED_KIND_NAME] = {"自然人姓名", "name", NULL},
    [RED_KIND_RESIDENT_ID] = {"身份证号码", "resident-id", "[身份证号码已隐去]"},
    [RED_KIND_MOBILE] = {"手机号码", "mobile", "[手机号码已隐去]"},
    [RED_KIND_LANDLINE] = {"固定电话", "landline", "[固定电话已隐去]"},
    [RED_KIND_BANK_CARD] = {"银行卡号", "bank-card", "[银行卡号已隐去]"},
    [RED_KIND_BANK_ACCOUNT] = {"银行账号", "bank-account", "[银行账号已隐去]"},
    [RED_KIND_EMAIL] = {"电子邮箱", "email", "[电子邮箱已隐去]"},
    [RED_KIND_PROPERTY_CERT] = {"权属证书编号", "property-cert", "[权属证书编号已隐去]"},
    [RED_KIND_ADDRESS] = {"住址", "address", "[住址已隐去]"},
    [RED_KIND_FINANCIAL] = {"财产状况", "financial", "[财产状况已隐去]"},
};

/* Every label ends so; found first to recognise labels already in a text. */
static const char mask_tail[] = "已隐去]";

const char *red_kind_label(enum red_kind kind)
{
    if ((int)kind < 0 || kind >= RED_KIND_COUNT)
        return "";
    return kinds[kind].label;
}

const char *red_kind_slug(enum red_kind kind)
{
    if ((int)kind < 0 || kind >= RED_KIND_COUNT)
        return "";
    return kinds[kind].slug;
}

/* ---- cue words ------------------------------------------------------ */

enum fam {
    F_ID,         /* the resident ID number follows */
    F_ORGCODE,    /* an organisation's code follows: it stays */
    F_PHONE,      /* a phone number follows */
    F_ACCOUNT,    /* a bank account follows in the sentence */
    F_PROPERTY,   /* a certificate number follows */
    F_ADDR,       /* a person's address follows */
    F_ADDR_AMBIG, /* 住所: a person's or an organisation's address */
    F_FIN,        /* the clause states someone's financial status */
    F_ORG,        /* marks an organisation as the subject (for 住所) */
    F_PERSON,     /* marks a natural person as the subject (for 住所) */
};

struct cue {
    const char *s;
    enum fam fam;
    const char *unless_next; /* the cue does not count when followed by this */
};

/*
 * The cue words. Sources: the seeds' lists of what to hide (YN-1-10,
 * HB-1-12) and the cue words of pii-cn README/supplement. 社会保障号码 is
 * the citizen ID number (社会保险法 第五十八条).
 */
static const struct cue cue_table[] = {
    {"身份证号码", F_ID, NULL},
    {"身份证号", F_ID, NULL},
    {"身份证", F_ID, NULL},
    {"公民身份号码", F_ID, NULL},
    {"身份号码", F_ID, NULL},
    {"证件号码", F_ID, NULL},
    {"证件号", F_ID, NULL},
    {"社会保障号码", F_ID, NULL},

    {"统一社会信用代码", F_ORGCODE, NULL},
    {"社会信用代码", F_ORGCODE, NULL},
    {"信用代码", F_ORGCODE, NULL},
    {"注册号", F_ORGCODE, NULL},
    {"组织机构代码", F_ORGCODE, NULL},
    {"纳税人识别号", F_ORGCODE, NULL},
    {"营业执照", F_ORGCODE, NULL},

    {"电话", F_PHONE, NULL},
    {"电话号码", F_PHONE, NULL},
    {"联系电话", F_PHONE, NULL},
    {"手机", F_PHONE, NULL},
    {"手机号", F_PHONE, NULL},
    {"手机号码", F_PHONE, NULL},
    {"座机", F_PHONE, NULL},
    {"固定电话", F_PHONE, NULL},
    {"联系方式", F_PHONE, NULL},
    {"办公电话", F_PHONE, NULL},
    {"移动电话", F_PHONE, NULL},
    {"传真", F_PHONE, NULL},
    {"Tel", F_PHONE, NULL},
    {"TEL", F_PHONE, NULL},
    {"tel", F_PHONE, NULL},

    {"账号", F_ACCOUNT, NULL},
    {"帐号", F_ACCOUNT, NULL},
    {"账户", F_ACCOUNT, NULL},
    {"帐户", F_ACCOUNT, NULL},
    {"银行账户", F_ACCOUNT, NULL},
    {"银行帐户", F_ACCOUNT, NULL},
    {"银行账号", F_ACCOUNT, NULL},
    {"开户行", F_ACCOUNT, NULL},
    {"开户银行", F_ACCOUNT, NULL},
    {"收款账号", F_ACCOUNT, NULL},
    {"卡号", F_ACCOUNT, NULL},
    {"银行卡", F_ACCOUNT, NULL},
    {"银行卡号", F_ACCOUNT, NULL},

    {"不动产权证书号", F_PROPERTY, NULL},
    {"不动产权证书编号", F_PROPERTY, NULL},
    {"不动产权证号", F_PROPERTY, NULL},
    {"不动产权证", F_PROPERTY, NULL},
    {"不动产证号", F_PROPERTY, NULL},
    {"不动产登记证明", F_PROPERTY, NULL},
    {"不动产单元号", F_PROPERTY, NULL},
    {"房产证号", F_PROPERTY, NULL},
    {"房产证", F_PROPERTY, NULL},
    {"房屋所有权证号", F_PROPERTY, NULL},
    {"房屋所有权证", F_PROPERTY, NULL},
    {"产权证号", F_PROPERTY, NULL},
    {"产权证书号", F_PROPERTY, NULL},
    {"权属证书编号", F_PROPERTY, NULL},
    {"权属证书号", F_PROPERTY, NULL},
    {"土地使用权证号", F_PROPERTY, NULL},
    {"土地证号", F_PROPERTY, NULL},
    {"机动车登记证书编号", F_PROPERTY, NULL},
    {"机动车登记证书", F_PROPERTY, NULL},

    {"家庭住址", F_ADDR, NULL},
    {"家庭地址", F_ADDR, NULL},
    {"现住址", F_ADDR, NULL},
    {"住址", F_ADDR, NULL},
    {"现住", F_ADDR, "院"}, /* 现住院 is "now in hospital" */
    {"现居住地", F_ADDR, NULL},
    {"现居住", F_ADDR, NULL},
    {"居住地址", F_ADDR, NULL},
    {"居住地", F_ADDR, NULL},
    {"经常居住地", F_ADDR, NULL},
    {"户籍地址", F_ADDR, NULL},
    {"户籍地", F_ADDR, NULL},
    {"户籍所在地", F_ADDR, NULL},
    {"户口所在地", F_ADDR, NULL},
    {"家住", F_ADDR, NULL},
    {"居住于", F_ADDR, NULL},
    {"居住在", F_ADDR, NULL},
    {"住所地", F_ADDR_AMBIG, NULL},
    {"住所", F_ADDR_AMBIG, NULL},

    {"存款", F_FIN, NULL},
    {"储蓄", F_FIN, NULL},
    {"年收入", F_FIN, NULL},
    {"月收入", F_FIN, NULL},
    {"家庭收入", F_FIN, NULL},
    {"个人收入", F_FIN, NULL},
    {"工资", F_FIN, NULL},
    {"经济收入", F_FIN, NULL},
    {"收入状况", F_FIN, NULL},
    {"收入情况", F_FIN, NULL},
    {"营业收入", F_FIN, NULL},
    {"营业额", F_FIN, NULL},
    {"退休金", F_FIN, NULL},
    {"负债", F_FIN, NULL},
    {"债务", F_FIN, NULL},
    {"贷款", F_FIN, NULL},
    {"财产状况", F_FIN, NULL},
    {"财产情况", F_FIN, NULL},
    {"家庭财产", F_FIN, NULL},
    {"个人财产", F_FIN, NULL},
    {"名下财产", F_FIN, NULL},
    {"名下车辆", F_FIN, NULL},
    {"资产", F_FIN, NULL},
    {"余额", F_FIN, NULL},
    {"经济状况", F_FIN, NULL},
    {"经济困难", F_FIN, NULL},
    {"经济条件", F_FIN, NULL},
    {"家庭经济", F_FIN, NULL},
    {"理财", F_FIN, NULL},
    {"房产", F_FIN, "证"},

    {"有限公司", F_ORG, NULL},
    {"有限责任公司", F_ORG, NULL},
    {"公司", F_ORG, NULL},
    {"医院", F_ORG, NULL},
    {"药店", F_ORG, NULL},
    {"药房", F_ORG, NULL},
    {"诊所", F_ORG, NULL},
    {"卫生院", F_ORG, NULL},
    {"卫生室", F_ORG, NULL},
    {"门诊部", F_ORG, NULL},
    {"中心", F_ORG, NULL},
    {"医疗机构", F_ORG, NULL},
    {"医药机构", F_ORG, NULL},
    {"机构", F_ORG, NULL},
    {"企业", F_ORG, NULL},
    {"合作社", F_ORG, NULL},
    {"单位", F_ORG, NULL},

    {"性别", F_PERSON, NULL},
    {"出生", F_PERSON, NULL},
    {"民族", F_PERSON, NULL},
    {"汉族", F_PERSON, NULL},
    {"法定代表人", F_PERSON, NULL},
    {"负责人", F_PERSON, NULL},
    {"经营者", F_PERSON, NULL},
    {"户籍", F_PERSON, NULL},
    {"参保人", F_PERSON, NULL},
    {"患者", F_PERSON, NULL},
    {"证人", F_PERSON, NULL},
    {"自然人", F_PERSON, NULL},
};

#define N_CUES (sizeof(cue_table) / sizeof(cue_table[0]))

/* Compound surnames (复姓) of 百家姓, for surname + 某. */
static const char *const compound_surnames[] = {
    "欧阳", "太史", "端木", "上官", "司马", "东方", "独孤", "南宫", "万俟", "闻人", "夏侯", "诸葛",
    "尉迟", "公羊", "赫连", "澹台", "皇甫", "宗政", "濮阳", "公冶", "太叔", "申屠", "公孙", "慕容",
    "仲孙", "钟离", "长孙", "宇文", "司徒", "鲜于", "司空", "闾丘", "子车", "亓官", "司寇", "巫马",
    "公西", "颛孙", "壤驷", "公良", "漆雕", "乐正", "宰父", "谷梁", "拓跋", "夹谷", "轩辕", "令狐",
    "段干", "百里", "呼延", "东郭", "南门", "羊舌", "微生", "公户", "公玉", "公仪", "梁丘", "公仲",
    "公上", "公门", "公山", "公坚", "左丘", "公伯", "西门", "公祖", "第五", "公乘", "贯丘", "公皙",
    "南荣", "东里", "东宫", "仲长", "子书", "子桑", "即墨", "达奚", "褚师",
};

/* ---- UTF-8 ------------------------------------------------------------ */

/* Offset of the first byte that is not valid UTF-8, or len when all is valid. */
static size_t utf8_check(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        size_t k;
        uint32_t cp, min;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            k = 1;
            cp = c & 0x1F;
            min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            k = 2;
            cp = c & 0x0F;
            min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3;
            cp = c & 0x07;
            min = 0x10000;
        } else {
            return i;
        }
        if (k >= len - i)
            return i;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return i;
            cp = (cp << 6) | (s[i + j] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += k + 1;
    }
    return len;
}

/* The code point at i of valid UTF-8; *n gets its length in bytes. */
static uint32_t cp_at(const char *t, size_t i, size_t *n)
{
    const unsigned char *s = (const unsigned char *)t + i;
    if (s[0] < 0x80) {
        *n = 1;
        return s[0];
    }
    if (s[0] < 0xE0) {
        *n = 2;
        return ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
    }
    if (s[0] < 0xF0) {
        *n = 3;
        return ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
    }
    *n = 4;
    return ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
           ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
}

/* Start of the character before i (i > 0) of valid UTF-8. */
static size_t prev_char(const char *t, size_t i)
{
    do
        i--;
    while (i > 0 && ((unsigned char)t[i] & 0xC0) == 0x80);
    return i;
}

static size_t count_chars(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            k++;
    }
    return k;
}

/* ---- ASCII ---------------------------------------------------------- */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(char c)
{
    return is_digit(c) || is_alpha(c);
}

/* ---- the working state of one call ---------------------------------- */

struct range {
    size_t start, end;
};

struct span {
    size_t start, end;
    enum red_kind kind;
    const char *repl; /* a person's surname + 某; NULL: the kind's label */
};

struct cue_hit {
    size_t start, end;
    enum fam fam;
};

/* A 15/18-character number right after an organisation-code cue. */
struct deferred {
    size_t start, end;
    size_t cue; /* index into cues */
};

struct person {
    const char *s;
    size_t n;
    char repl[RED_REPL_MAX];
};

/* The case's names, checked and masked once per call. */
struct names {
    struct person *persons; /* without the legal representative */
    size_t n_persons;
    const char *rep; /* legal representative, or NULL */
    size_t rep_n;
};

/* The cue index: cue_table positions sorted by the first code point. */
struct cue_ix {
    uint32_t cp;
    unsigned short idx;
};

struct ctx {
    const char *t;
    size_t len;
    bool nomem;

    struct cue_ix ix[N_CUES];

    struct range *masks; /* labels already in the text, in order */
    size_t n_masks, cap_masks;
    struct cue_hit *cues; /* in order, none inside another or inside a label */
    size_t n_cues, cap_cues;
    size_t *names; /* starts of case names and the legal rep's (for 住所) */
    size_t n_names, cap_names;
    struct range *reps; /* occurrences of the legal representative's name */
    size_t n_reps, cap_reps;
    struct span *spans;
    size_t n_spans, cap_spans;
    size_t *paras; /* starts of paragraphs (text start, after 。 or a blank line), in order */
    size_t n_paras, cap_paras;

    /*
     * Second phase (decisions to keep something): spans[0..n_sorted) sorted
     * by start with max_end[i] the largest end among spans[0..i], to tell
     * whether a cue word will be hidden by another removal; the address
     * values added in that phase, in order; the numbers next to an
     * organisation-code cue, kept only if that cue stays visible.
     */
    size_t n_sorted;
    size_t *max_end;
    struct range *late;
    size_t n_late, cap_late;
    struct deferred *deferred;
    size_t n_deferred, cap_deferred;

    const struct names *nm;
};

/*
 * Make room for one more element of size sz in array v (n used, *cap
 * allocated): the array to use from now on, or NULL (v untouched) when out
 * of memory. Returned rather than stored through a void ** so that no
 * pointer is written through a different pointer type.
 */
static void *grow(void *v, size_t n, size_t *cap, size_t sz)
{
    size_t want;
    void *p;
    if (n < *cap)
        return v;
    want = *cap == 0 ? 64 : *cap * 2;
    if (want > SIZE_MAX / sz)
        return NULL;
    p = realloc(v, want * sz);
    if (p == NULL)
        return NULL;
    *cap = want;
    return p;
}
static void add_span(struct ctx *c, size_t start, size_t end, enum red_kind kind, const char *repl)
{
    if (end <= start)
        return;
    struct span *v = grow(c->spans, c->n_spans, &c->cap_spans, sizeof(*v));
    if (v == NULL) {
        c->nomem = true;
        return;
    }
    c->spans = v;
    c->spans[c->n_spans++] = (struct span){start, end, kind, repl};
}

static bool add_range(struct ctx *c, struct range **v, size_t *n, size_t *cap, size_t start,
                      size_t end)
{
    struct range *g = grow(*v, *n, cap, sizeof(*g));
    if (g == NULL) {
        c->nomem = true;
        return false;
    }
    *v = g;
    (*v)[(*n)++] = (struct range){start, end};
    return true;
}

static void add_name_pos(struct ctx *c, size_t at)
{
    size_t *g = grow(c->names, c->n_names, &c->cap_names, sizeof(*g));
    if (g == NULL) {
        c->nomem = true;
        return;
    }
    c->names = g;
    c->names[c->n_names++] = at;
}

/* Length of s when the text at p starts with it, else 0. */
static size_t lit(const struct ctx *c, size_t p, const char *s)
{
    size_t n = strlen(s);
    if (p > c->len || c->len - p < n || memcmp(c->t + p, s, n) != 0)
        return 0;
    return n;
}

/* Number of ASCII digits from p. */
static size_t digit_run(const struct ctx *c, size_t p)
{
    size_t q = p;
    while (q < c->len && is_digit(c->t[q]))
        q++;
    return q - p;
}

/* True if nothing alphanumeric (ASCII) is at p, i.e. a right boundary. */
static bool right_edge(const struct ctx *c, size_t p)
{
    return p >= c->len || !is_alnum(c->t[p]);
}

/* An opening bracket at p — ( [ （ 〔 ［ — its length, else 0. */
static size_t open_br(const struct ctx *c, size_t p)
{
    const unsigned char *u = (const unsigned char *)c->t + p;
    if (p >= c->len)
        return 0;
    if (u[0] == '(' || u[0] == '[')
        return 1;
    if (c->len - p >= 3 && ((u[0] == 0xEF && u[1] == 0xBC && (u[2] == 0x88 || u[2] == 0xBB)) ||
                            (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x94)))
        return 3;
    return 0;
}

/* A closing bracket at p — ) ] ） 〕 ］ — its length, else 0. */
static size_t close_br(const struct ctx *c, size_t p)
{
    const unsigned char *u = (const unsigned char *)c->t + p;
    if (p >= c->len)
        return 0;
    if (u[0] == ')' || u[0] == ']')
        return 1;
    if (c->len - p >= 3 && ((u[0] == 0xEF && u[1] == 0xBC && (u[2] == 0x89 || u[2] == 0xBD)) ||
                            (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x95)))
        return 3;
    return 0;
}

/* Clause delimiters: ，,。；;！？!? and line breaks. */
static bool is_clause_delim(uint32_t cp)
{
    return cp == 0xFF0C || cp == ',' || cp == 0x3002 || cp == 0xFF1B || cp == ';' || cp == '\n' ||
           cp == '\r' || cp == 0xFF01 || cp == 0xFF1F || cp == '!' || cp == '?';
}

static bool is_space(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == 0x3000 || cp == 0xA0;
}

/* CJK unified ideographs (basic block and extension A). */
static bool is_han(uint32_t cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF);
}

/* ---- paragraphs ------------------------------------------------------------ */

/* Paragraph starts: 0, after each 。 and after each blank line. */
static bool add_para(struct ctx *c, size_t at)
{
    size_t *g = grow(c->paras, c->n_paras, &c->cap_paras, sizeof(*g));
    if (g == NULL) {
        c->nomem = true;
        return false;
    }
    c->paras = g;
    c->paras[c->n_paras++] = at;
    return true;
}

static void find_paras(struct ctx *c)
{
    if (!add_para(c, 0))
        return;
    for (size_t i = 0; i + 1 < c->len; i++) {
        size_t next = 0;
        if (c->t[i] == '\n' && c->t[i + 1] == '\n')
            next = i + 2;
        else if ((unsigned char)c->t[i] == 0xE3 && lit(c, i, "。") != 0)
            next = i + 3;
        if (next != 0 && !add_para(c, next))
            return;
    }
}

/* ---- labels already in the text --------------------------------------- */

static void find_masks(struct ctx *c)
{
    size_t tail = strlen(mask_tail);
    size_t from = 0;
    while (from < c->len) {
        const char *h = memmem(c->t + from, c->len - from, mask_tail, tail);
        size_t end;
        if (h == NULL)
            break;
        end = (size_t)(h - c->t) + tail;
        for (int k = 0; k < RED_KIND_COUNT; k++) {
            size_t m = kinds[k].mask == NULL ? 0 : strlen(kinds[k].mask);
            if (m != 0 && end >= m && memcmp(c->t + end - m, kinds[k].mask, m) == 0) {
                if (!add_range(c, &c->masks, &c->n_masks, &c->cap_masks, end - m, end))
                    return;
                break;
            }
        }
        from = end;
    }
}

/* True if [start, end) lies inside one label already in the text. */
static bool in_mask(const struct ctx *c, size_t start, size_t end)
{
    size_t lo = 0, hi = c->n_masks;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->masks[mid].end <= start)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < c->n_masks && c->masks[lo].start <= start && end <= c->masks[lo].end;
}

/* ---- cue words ---------------------------------------------------------- */

static int cmp_ix(const void *a, const void *b)
{
    const struct cue_ix *x = a, *y = b;
    if (x->cp != y->cp)
        return x->cp < y->cp ? -1 : 1;
    return (int)x->idx - (int)y->idx;
}

static void build_index(struct ctx *c)
{
    for (size_t i = 0; i < N_CUES; i++) {
        size_t n;
        c->ix[i].cp = cp_at(cue_table[i].s, 0, &n);
        c->ix[i].idx = (unsigned short)i;
    }
    qsort(c->ix, N_CUES, sizeof(c->ix[0]), cmp_ix);
}

static int cmp_hit(const void *a, const void *b)
{
    const struct cue_hit *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end > y->end ? -1 : 1;
    return 0;
}

static void find_cues(struct ctx *c)
{
    size_t i = 0, kept = 0, max_end = 0;
    while (i < c->len) {
        size_t n;
        uint32_t cp = cp_at(c->t, i, &n);
        size_t lo = 0, hi = N_CUES;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (c->ix[mid].cp < cp)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (; lo < N_CUES && c->ix[lo].cp == cp; lo++) {
            const struct cue *q = &cue_table[c->ix[lo].idx];
            size_t m = lit(c, i, q->s);
            if (m == 0)
                continue;
            if (q->unless_next != NULL && lit(c, i + m, q->unless_next) != 0)
                continue;
            struct cue_hit *g = grow(c->cues, c->n_cues, &c->cap_cues, sizeof(*g));
            if (g == NULL) {
                c->nomem = true;
                return;
            }
            c->cues = g;
            c->cues[c->n_cues++] = (struct cue_hit){i, i + m, q->fam};
        }
        i += n;
    }
    /* Keep the longest of nested cues, and none inside a label. */
    if (c->n_cues > 1)
        qsort(c->cues, c->n_cues, sizeof(*c->cues), cmp_hit);
    for (size_t k = 0; k < c->n_cues; k++) {
        struct cue_hit h = c->cues[k];
        if (kept > 0 && h.end <= max_end)
            continue;
        if (in_mask(c, h.start, h.end))
            continue;
        c->cues[kept++] = h;
        if (h.end > max_end)
            max_end = h.end;
    }
    c->n_cues = kept;
}

/* Index of the last cue that starts before p, or SIZE_MAX. */
static size_t cue_before(const struct ctx *c, size_t p)
{
    size_t lo = 0, hi = c->n_cues;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->cues[mid].start < p)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == 0 ? SIZE_MAX : lo - 1;
}

static size_t skip_seps(const struct ctx *c, size_t p);

/*
 * The organisation-code cue (统一社会信用代码, 注册号 …) that the number at p
 * follows with nothing but separators between, or SIZE_MAX. Adjacency, not a
 * distance in bytes: removals change distances, and a decision to keep must
 * come out the same when the redacted text is redacted again.
 */
static size_t org_code_cue_before(const struct ctx *c, size_t p)
{
    size_t k = cue_before(c, p);
    if (k == SIZE_MAX || c->cues[k].fam != F_ORGCODE || skip_seps(c, c->cues[k].end) != p)
        return SIZE_MAX;
    return k;
}

/* ---- names ---------------------------------------------------------------- */

static int fail_person(struct sx_err *err, const char *field, const char *why)
{
    return SX_FAIL(err, SX_E_INVALID, "redact-person-invalid", "自然人姓名无效", RED_SOURCE, field,
                   "%s", why);
}

/* Check a name: 2+ characters of UTF-8, no control character, no edge space. */
static int check_name(const char *name, const char *field, struct sx_err *err)
{
    size_t n;
    if (name == NULL)
        return fail_person(err, field, "姓名为空");
    n = strnlen(name, RED_NAME_MAX + 1);
    if (n > RED_NAME_MAX)
        return fail_person(err, field, "姓名过长（最多 64 字节）");
    if (utf8_check(name, n) != n)
        return fail_person(err, field, "姓名不是有效的 UTF-8 文本");
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)name[i];
        if (b < 0x20 || b == 0x7F)
            return fail_person(err, field, "姓名含控制字符");
    }
    if (count_chars(name, n) < 2)
        return fail_person(err, field, "姓名至少应有 2 个字（单字无法只保留姓氏）");
    if (name[0] == ' ' || name[n - 1] == ' ')
        return fail_person(err, field, "姓名首尾不能有空格");
    return 0;
}

int red_person_mask(const char *name, char out[RED_REPL_MAX], struct sx_err *err)
{
    size_t n, sn, k;
    int rc = check_name(name, "name", err);
    if (rc != 0)
        return rc;
    n = strlen(name);
    (void)cp_at(name, 0, &sn);
    if (count_chars(name, n) >= 3) {
        for (size_t i = 0; i < sizeof(compound_surnames) / sizeof(compound_surnames[0]); i++) {
            k = strlen(compound_surnames[i]);
            if (n > k && memcmp(name, compound_surnames[i], k) == 0) {
                sn = k;
                break;
            }
        }
    }
    memcpy(out, name, sn);
    memcpy(out + sn, "某", sizeof("某"));
    return 0;
}

static int prep_names(struct names *c, const struct red_options *o, struct sx_err *err)
{
    int rc;
    if (o == NULL)
        return 0;
    if (o->legal_rep != NULL && o->legal_rep[0] != '\0') {
        rc = check_name(o->legal_rep, "legal_rep", err);
        if (rc != 0)
            return rc;
        c->rep = o->legal_rep;
        c->rep_n = strlen(o->legal_rep);
    }
    if (o->n_persons == 0)
        return 0;
    if (o->persons == NULL)
        return fail_person(err, "persons", "姓名列表为空");
    if (o->n_persons > RED_PERSONS_MAX)
        return SX_FAIL(err, SX_E_INVALID, "redact-too-many-persons", "自然人姓名过多", RED_SOURCE,
                       "persons", "一次最多 %d 个姓名，实际为 %zu 个", RED_PERSONS_MAX,
                       o->n_persons);
    c->persons = calloc(o->n_persons, sizeof(*c->persons));
    if (c->persons == NULL)
        return SX_FAIL(err, SX_E_NOMEM, "out-of-memory", "内存不足", "", "",
                       "去除个人信息时内存不足");
    for (size_t i = 0; i < o->n_persons; i++) {
        char field[32];
        struct person *p = &c->persons[c->n_persons];
        snprintf(field, sizeof(field), "persons[%zu]", i);
        rc = check_name(o->persons[i], field, err);
        if (rc != 0)
            return rc;
        if (c->rep != NULL && strcmp(o->persons[i], c->rep) == 0)
            continue; /* the legal representative's name stays (YN-1-10 (一)) */
        rc = red_person_mask(o->persons[i], p->repl, err);
        if (rc != 0)
            return rc;
        p->s = o->persons[i];
        p->n = strlen(p->s);
        c->n_persons++;
    }
    return 0;
}

/*
 * True if [start, end) lies inside one occurrence of the legal rep's name.
 * The occurrences all have the same length, so the last one starting at or
 * before start is the only candidate.
 */
static bool in_rep(const struct ctx *c, size_t start, size_t end)
{
    size_t lo = 0, hi = c->n_reps;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->reps[mid].start <= start)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 && end <= c->reps[lo - 1].end;
}

static void find_names(struct ctx *c)
{
    const struct names *nm = c->nm;
    size_t from = 0;
    if (nm->rep != NULL) {
        while (from < c->len) {
            const char *h = memmem(c->t + from, c->len - from, nm->rep, nm->rep_n);
            size_t at;
            if (h == NULL)
                break;
            at = (size_t)(h - c->t);
            if (!add_range(c, &c->reps, &c->n_reps, &c->cap_reps, at, at + nm->rep_n))
                return;
            add_name_pos(c, at);
            from = at + 1;
        }
    }
    for (size_t i = 0; i < nm->n_persons; i++) {
        const struct person *p = &nm->persons[i];
        from = 0;
        while (from < c->len) {
            const char *h = memmem(c->t + from, c->len - from, p->s, p->n);
            size_t at;
            if (h == NULL)
                break;
            at = (size_t)(h - c->t);
            from = at + 1;
            if (in_rep(c, at, at + p->n) || in_mask(c, at, at + p->n))
                continue;
            /* A name in Latin letters is a word: not inside a longer one (Li in Lisa). */
            if ((is_alnum(p->s[0]) && at > 0 && is_alnum(c->t[at - 1])) ||
                (is_alnum(p->s[p->n - 1]) && at + p->n < c->len && is_alnum(c->t[at + p->n])))
                continue;
            add_span(c, at, at + p->n, RED_KIND_NAME, p->repl);
            add_name_pos(c, at);
        }
    }
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y ? 1 : 0;
}

/* ---- numbers ---------------------------------------------------------- */

/* Digit groups separated by exactly one space or hyphen: 6222 0212 3456 7890 128. */
#define MAX_GROUPS 8
struct groups {
    size_t n;
    size_t start[MAX_GROUPS];
    size_t len[MAX_GROUPS];
};

static void read_groups(const struct ctx *c, size_t p, struct groups *g)
{
    g->n = 0;
    while (g->n < MAX_GROUPS) {
        size_t r = digit_run(c, p);
        if (r == 0)
            break;
        g->start[g->n] = p;
        g->len[g->n] = r;
        g->n++;
        p += r;
        if (p + 1 < c->len && (c->t[p] == ' ' || c->t[p] == '-') && is_digit(c->t[p + 1]))
            p++;
        else
            break;
    }
}

/* Copy the digits of the first k groups to buf (NUL-terminated); their count. */
static size_t group_digits(const struct ctx *c, const struct groups *g, size_t k, char *buf,
                           size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < k; i++) {
        if (n + g->len[i] >= cap)
            return 0;
        memcpy(buf + n, c->t + g->start[i], g->len[i]);
        n += g->len[i];
    }
    buf[n] = '\0';
    return n;
}

/*
 * A number may start at p: nothing alphanumeric or '+' before it. (Not "not
 * after another number": that would change once the number before is
 * replaced by a label.)
 */
static bool chain_start(const struct ctx *c, size_t p)
{
    return p == 0 || (!is_alnum(c->t[p - 1]) && c->t[p - 1] != '+');
}

static bool mobile_digits(const char *d)
{
    return d[0] == '1' && d[1] >= '3' && d[1] <= '9';
}

/*
 * A mobile number at p: optional +86 / 86 / (+86) / （+86） and one separator,
 * then 11 digits 1[3-9]… contiguous or as 3-4-4. Its end, or 0.
 */
static size_t match_mobile(const struct ctx *c, size_t p)
{
    struct groups g;
    size_t q = p, k, end;
    bool prefix = false;
    char d[16];

    k = open_br(c, q);
    if (k != 0) {
        q += k;
        if (q < c->len && c->t[q] == '+')
            q++;
        if (lit(c, q, "86") == 0)
            return 0;
        q += 2;
        k = close_br(c, q);
        if (k == 0)
            return 0;
        q += k;
        prefix = true;
    } else if (q < c->len && c->t[q] == '+') {
        if (lit(c, q + 1, "86") == 0)
            return 0;
        q += 3;
        prefix = true;
    } else if (lit(c, q, "86") != 0 && q + 3 < c->len &&
               (c->t[q + 2] == ' ' || c->t[q + 2] == '-') && c->t[q + 3] == '1') {
        q += 2;
        prefix = true;
    }
    if (prefix && q < c->len && (c->t[q] == ' ' || c->t[q] == '-'))
        q++;
    read_groups(c, q, &g);
    if (g.n == 0)
        return 0;
    if (g.len[0] == 11)
        k = 1;
    else if (g.n >= 3 && g.len[0] == 3 && g.len[1] == 4 && g.len[2] == 4)
        k = 3;
    else
        return 0;
    if (group_digits(c, &g, k, d, sizeof(d)) != 11 || !mobile_digits(d))
        return 0;
    end = g.start[k - 1] + g.len[k - 1];
    return right_edge(c, end) ? end : 0;
}

/* Length of the area code at q (3 for 010 and 02X, 4 for 0[3-9]XX), or 0. */
static size_t area_code(const struct ctx *c, size_t q, size_t run)
{
    const char *s = c->t + q;
    if (run < 3 || s[0] != '0')
        return 0;
    if ((s[1] == '1' && s[2] == '0') || s[1] == '2')
        return 3;
    if (run >= 4 && s[1] >= '3' && s[1] <= '9')
        return 4;
    return 0;
}

/*
 * A landline at p: optional bracket, area code, bracket or one separator,
 * 7-8 digits not starting with 0, optional extension (-NNN or 转NNN). Its
 * end, or 0. Without a bracket the separator is required: an unseparated
 * 0-number counts only after a phone cue.
 */
static size_t match_landline(const struct ctx *c, size_t p)
{
    size_t q = p, k, run, area, local;
    bool br = false;

    k = open_br(c, q);
    if (k != 0) {
        q += k;
        br = true;
    }
    run = digit_run(c, q);
    area = area_code(c, q, run);
    if (area == 0 || run != area)
        return 0;
    q += area;
    if (br) {
        k = close_br(c, q);
        if (k == 0)
            return 0;
        q += k;
        if (q < c->len && (c->t[q] == ' ' || c->t[q] == '-'))
            q++;
    } else {
        if (q >= c->len || (c->t[q] != '-' && c->t[q] != ' '))
            return 0;
        q++;
    }
    local = digit_run(c, q);
    if (local < 7 || local > 8 || c->t[q] == '0')
        return 0;
    q += local;
    if (q + 1 < c->len && c->t[q] == '-' && is_digit(c->t[q + 1])) {
        size_t e = digit_run(c, q + 1);
        if (e <= 6)
            q += 1 + e;
    } else if (lit(c, q, "转") != 0) {
        size_t e = digit_run(c, q + strlen("转"));
        if (e > 0 && e <= 6)
            q += strlen("转") + e;
    }
    return right_edge(c, q) ? q : 0;
}

static bool resident_valid(const char *s)
{
    size_t n = strlen(s);
    if (n == 18)
        return ids_resident_validate(s, CAL_DATE_MAX, NULL, NULL) == 0;
    if (n == 15)
        return ids_resident15_validate(s, CAL_DATE_MAX, NULL, NULL) == 0;
    return false;
}

/* Grouped card (4-4-4-4[-1..4], 13-19 digits, Luhn) and ID (6-8-4) forms at p. */
static void grouped_numbers(struct ctx *c, size_t p)
{
    struct groups g;
    char d[24];
    read_groups(c, p, &g);
    if (g.n < 2)
        return;
    if (g.n >= 3 && g.len[0] == 6 && g.len[1] == 8 && (g.len[2] == 4 || g.len[2] == 3)) {
        size_t n = group_digits(c, &g, 3, d, sizeof(d) - 1);
        size_t end = g.start[2] + g.len[2];
        if (g.len[2] == 3 && end < c->len && (c->t[end] == 'X' || c->t[end] == 'x')) {
            d[n++] = c->t[end++];
            d[n] = '\0';
        }
        if (n == 18 && right_edge(c, end) && resident_valid(d)) {
            add_span(c, p, end, RED_KIND_RESIDENT_ID, NULL);
            return;
        }
    }
    for (size_t k = g.n; k >= 2; k--) {
        size_t total = 0, end = g.start[k - 1] + g.len[k - 1];
        bool shape = g.len[k - 1] >= 1 && g.len[k - 1] <= 4;
        for (size_t i = 0; i + 1 < k; i++)
            shape = shape && g.len[i] == 4;
        if (!shape)
            continue;
        total = group_digits(c, &g, k, d, sizeof(d));
        if (total >= 13 && total <= 19 && right_edge(c, end) && ids_bank_card_valid(d)) {
            add_span(c, p, end, RED_KIND_BANK_CARD, NULL);
            return;
        }
    }
}

/* 28-character 不动产单元号: 12 digits, 2 letters, 5 digits, F/L/Q/W, 8 digits. */
static bool unit_number(const char *s)
{
    for (int i = 0; i < 28; i++) {
        bool ok;
        if (i < 12 || (i >= 14 && i < 19) || i >= 20)
            ok = is_digit(s[i]);
        else if (i < 14)
            ok = s[i] >= 'A' && s[i] <= 'Z';
        else
            ok = s[i] == 'F' || s[i] == 'L' || s[i] == 'Q' || s[i] == 'W';
        if (!ok)
            return false;
    }
    return true;
}

/*
 * A maximal ASCII alphanumeric token [i, j): IDs, cards, mobiles, unit
 * numbers. With may_defer, a 15/18-character token right after an
 * organisation-code cue is set aside for the second phase.
 */
static void classify_token(struct ctx *c, size_t i, size_t j, bool may_defer)
{
    size_t n = j - i, digits = 0;
    char buf[32];

    if (n == 28) {
        if (unit_number(c->t + i))
            add_span(c, i, j, RED_KIND_PROPERTY_CERT, NULL);
        return;
    }
    if (n < 11 || n > 19)
        return;
    memcpy(buf, c->t + i, n);
    buf[n] = '\0';
    for (size_t k = 0; k < n; k++)
        digits += is_digit(buf[k]);
    if (may_defer && (n == 15 || n == 18)) {
        size_t k = org_code_cue_before(c, i);
        if (k != SIZE_MAX) {
            /* 统一社会信用代码 / 注册号: an organisation's code stays (decided later) */
            struct deferred *g = grow(c->deferred, c->n_deferred, &c->cap_deferred, sizeof(*g));
            if (g == NULL) {
                c->nomem = true;
                return;
            }
            c->deferred = g;
            c->deferred[c->n_deferred++] = (struct deferred){i, j, k};
            return;
        }
    }
    if (n == 18 && digits >= 17 && resident_valid(buf)) {
        add_span(c, i, j, RED_KIND_RESIDENT_ID, NULL);
        return;
    }
    if (digits != n)
        return;
    if (n == 15 && resident_valid(buf)) {
        add_span(c, i, j, RED_KIND_RESIDENT_ID, NULL);
        return;
    }
    if (n == 11 && mobile_digits(buf)) {
        add_span(c, i, j, RED_KIND_MOBILE, NULL);
        return;
    }
    if (n == 13 && buf[0] == '8' && buf[1] == '6' && mobile_digits(buf + 2)) {
        add_span(c, i, j, RED_KIND_MOBILE, NULL);
        return;
    }
    if (n >= 13 && ids_bank_card_valid(buf))
        add_span(c, i, j, RED_KIND_BANK_CARD, NULL);
}

static bool email_local(char ch)
{
    return is_alnum(ch) || ch == '.' || ch == '_' || ch == '%' || ch == '+' || ch == '-';
}

/* An e-mail address around the @ (or full-width ＠) at `at`, of length at_n. */
static void email_at(struct ctx *c, size_t at, size_t at_n)
{
    size_t l = at, r = at + at_n, last_dot = 0, end;
    bool alpha_tld = true;
    while (l > 0 && email_local(c->t[l - 1]))
        l--;
    while (l < at && c->t[l] == '.')
        l++;
    if (l == at)
        return;
    end = r;
    while (end < c->len && (is_alnum(c->t[end]) || c->t[end] == '-' || c->t[end] == '.'))
        end++;
    while (end > r && (c->t[end - 1] == '.' || c->t[end - 1] == '-'))
        end--;
    for (size_t k = r; k < end; k++) {
        if (c->t[k] == '.')
            last_dot = k;
    }
    if (last_dot == 0 || last_dot == r || end - last_dot < 3)
        return;
    for (size_t k = last_dot + 1; k < end; k++)
        alpha_tld = alpha_tld && is_alpha(c->t[k]);
    if (alpha_tld)
        add_span(c, l, end, RED_KIND_EMAIL, NULL);
}

/* Pass over the text for numbers and e-mail addresses. */
static void scan_numbers(struct ctx *c)
{
    size_t i = 0;
    while (i < c->len) {
        char b = c->t[i];
        size_t n, k;
        if (is_alnum(b) && (i == 0 || !is_alnum(c->t[i - 1]))) {
            size_t j = i;
            while (j < c->len && is_alnum(c->t[j]))
                j++;
            if (is_digit(b) && chain_start(c, i)) {
                k = match_mobile(c, i);
                if (k != 0)
                    add_span(c, i, k, RED_KIND_MOBILE, NULL);
                k = match_landline(c, i);
                if (k != 0)
                    add_span(c, i, k, RED_KIND_LANDLINE, NULL);
                grouped_numbers(c, i);
            }
            classify_token(c, i, j, true);
            i = j;
            continue;
        }
        if ((b == '+' || open_br(c, i) != 0) && (i == 0 || !is_alnum(c->t[i - 1]))) {
            k = match_mobile(c, i);
            if (k != 0)
                add_span(c, i, k, RED_KIND_MOBILE, NULL);
            k = match_landline(c, i);
            if (k != 0)
                add_span(c, i, k, RED_KIND_LANDLINE, NULL);
        }
        if (b == '@')
            email_at(c, i, 1);
        else if ((unsigned char)b == 0xEF && lit(c, i, "＠") != 0)
            email_at(c, i, 3);
        (void)cp_at(c->t, i, &n);
        i += n;
    }
}

/* ---- certificate numbers by shape ------------------------------------- */

/*
 * Back from the marker at m: place name (up to 12 Han characters), a closing
 * bracket, 4-digit year, an opening bracket and the province abbreviation
 * (粤(2021)深圳市不动产权第…). The start of that prefix, or m.
 */
static size_t cert_prefix(const struct ctx *c, size_t m)
{
    size_t p = m, n;
    int han = 0;
    while (p > 0 && han < 12) {
        size_t q = prev_char(c->t, p);
        if (!is_han(cp_at(c->t, q, &n)))
            break;
        p = q;
        han++;
    }
    /* closing bracket before the place name */
    if (p >= 1 && (c->t[p - 1] == ')' || c->t[p - 1] == ']'))
        p -= 1;
    else if (p >= 3 && close_br(c, p - 3) == 3)
        p -= 3;
    else
        return m;
    if (p < 4 || digit_run(c, p - 4) < 4)
        return m;
    p -= 4;
    if (p >= 1 && open_br(c, p - 1) == 1)
        p -= 1;
    else if (p >= 3 && open_br(c, p - 3) == 3)
        p -= 3;
    else
        return m;
    if (p > 0) {
        size_t q = prev_char(c->t, p);
        if (is_han(cp_at(c->t, q, &n)))
            p = q;
    }
    return p;
}

static void scan_certs(struct ctx *c)
{
    static const char *const markers[] = {"不动产权第", "不动产证明第", "房权证"};
    for (size_t k = 0; k < sizeof(markers) / sizeof(markers[0]); k++) {
        size_t mn = strlen(markers[k]), from = 0;
        while (from < c->len) {
            const char *h = memmem(c->t + from, c->len - from, markers[k], mn);
            size_t at, q, limit, d, e;
            if (h == NULL)
                break;
            at = (size_t)(h - c->t);
            from = at + mn;
            q = at + mn;
            if (k == 2) {
                /* 房权证…字第NNN号: 第 in the same clause, before the next 房权证 */
                const char *h2 = memmem(c->t + from, c->len - from, markers[k], mn);
                limit = h2 == NULL ? c->len : (size_t)(h2 - c->t);
                while (q < limit && lit(c, q, "第") == 0) {
                    size_t n;
                    uint32_t cp = cp_at(c->t, q, &n);
                    if (is_clause_delim(cp) || is_space(cp))
                        break;
                    q += n;
                }
                if (q >= limit || lit(c, q, "第") == 0)
                    continue;
                q += strlen("第");
            }
            d = digit_run(c, q);
            if (d == 0)
                continue;
            e = lit(c, q + d, "号");
            add_span(c, k == 2 ? at : cert_prefix(c, at), q + d + e, RED_KIND_PROPERTY_CERT, NULL);
        }
    }
}

/* ---- what cues imply --------------------------------------------------- */

/* Skip separators after a cue: ：: spaces, and 为/是/在/于/位于/号码/编号/号. */
static size_t skip_seps(const struct ctx *c, size_t p)
{
    static const char *const words[] = {"：", "　", "位于", "为",   "是",
                                        "在", "于", "号码", "编号", "号"};
    for (int guard = 0; guard < 8 && p < c->len; guard++) {
        size_t k = 0;
        if (c->t[p] == ':' || c->t[p] == ' ' || c->t[p] == '\t') {
            p++;
            continue;
        }
        for (size_t w = 0; w < sizeof(words) / sizeof(words[0]) && k == 0; w++)
            k = lit(c, p, words[w]);
        if (k == 0)
            break;
        p += k;
    }
    return p;
}

/* Start of the next cue after cue k that begins a value of its own, or the text's end. */
static size_t next_value_cue(const struct ctx *c, size_t k)
{
    for (size_t i = k + 1; i < c->n_cues; i++) {
        enum fam f = c->cues[i].fam;
        if (f == F_ADDR || f == F_ADDR_AMBIG || f == F_PROPERTY)
            return c->cues[i].start;
    }
    return c->len;
}

/*
 * End of the value of cue k starting at p: before a clause delimiter, a
 * space, an unbalanced closing bracket, or the next cue that starts a value
 * of its own (住址…户籍地…). No limit in bytes: removals change lengths, and
 * where a value ends must not move when redacted text is redacted again.
 */
static size_t value_end(const struct ctx *c, size_t k, size_t p)
{
    size_t q = p, n, stop = next_value_cue(c, k);
    int depth = 0;
    while (q < stop) {
        uint32_t cp = cp_at(c->t, q, &n);
        if (is_clause_delim(cp) || is_space(cp))
            break;
        if (open_br(c, q) != 0) {
            depth++;
        } else if (close_br(c, q) != 0) {
            if (depth == 0)
                break;
            depth--;
        }
        q += n;
    }
    return q;
}

/* True if a label already in the text starts at p. */
static bool mask_at(const struct ctx *c, size_t p)
{
    return c->t[p] == '[' && in_mask(c, p, p + 1);
}

static void cue_id(struct ctx *c, size_t end)
{
    size_t q = skip_seps(c, end), j = q, n, digits = 0;
    if (q >= c->len || !is_digit(c->t[q]))
        return;
    while (j < c->len && is_alnum(c->t[j]))
        j++;
    n = j - q;
    for (size_t k = q; k < j; k++)
        digits += is_digit(c->t[k]);
    /* After an ID cue any 15/18-character number goes, even a mistyped one. */
    if ((n == 15 && digits == 15) ||
        (n == 18 && (digits == 18 || (digits == 17 && (c->t[j - 1] == 'X' || c->t[j - 1] == 'x')))))
        add_span(c, q, j, RED_KIND_RESIDENT_ID, NULL);
    else
        grouped_numbers(c, q);
}

static void cue_phone(struct ctx *c, size_t end)
{
    size_t q = skip_seps(c, end), r;
    if (q >= c->len)
        return;
    r = match_mobile(c, q);
    if (r != 0) {
        add_span(c, q, r, RED_KIND_MOBILE, NULL);
        return;
    }
    r = match_landline(c, q);
    if (r != 0) {
        add_span(c, q, r, RED_KIND_LANDLINE, NULL);
        return;
    }
    r = digit_run(c, q);
    if (r == 0 || !right_edge(c, q + r))
        return;
    if (((r == 7 || r == 8) && c->t[q] != '0') || (r >= 10 && r <= 12 && c->t[q] == '0'))
        add_span(c, q, q + r, RED_KIND_LANDLINE, NULL);
}

/*
 * A number followed by '.', 元, 万, %, or 年/月/日/号 is an amount or a date,
 * not an account. Only the character itself is looked at, not what follows
 * it: that could be replaced by a label, and the decision must not change.
 */
static bool amount_or_date_follows(const struct ctx *c, size_t p)
{
    static const char *const after[] = {"元", "万", "亿", "％", "%", "年", "月", "日", "号"};
    if (p < c->len && c->t[p] == '.')
        return true;
    for (size_t k = 0; k < sizeof(after) / sizeof(after[0]); k++) {
        if (lit(c, p, after[k]) != 0)
            return true;
    }
    return false;
}

/*
 * Bank accounts: 8+ digit numbers after the account cue k, up to the end of
 * the sentence (。；!? or a line break; a comma does not end it:
 * 开户行：某银行某支行，2502…) or the next account cue, which takes over. No
 * limit in bytes: removals change lengths, and the scope must not move when
 * redacted text is redacted again. The scopes do not overlap, so the work
 * stays linear.
 */
static void cue_account(struct ctx *c, size_t k)
{
    size_t q = c->cues[k].end, stop = c->len, n;
    for (size_t i = k + 1; i < c->n_cues; i++) {
        if (c->cues[i].fam == F_ACCOUNT) {
            stop = c->cues[i].start;
            break;
        }
    }
    while (q < stop) {
        uint32_t cp = cp_at(c->t, q, &n);
        if (is_clause_delim(cp) && cp != 0xFF0C && cp != ',')
            break;
        if (is_digit(c->t[q]) && chain_start(c, q)) {
            struct groups g;
            size_t total = 0, e;
            bool fraction = q > 0 && c->t[q - 1] == '.';
            read_groups(c, q, &g);
            e = g.start[g.n - 1] + g.len[g.n - 1];
            for (size_t i = 0; i < g.n; i++)
                total += g.len[i];
            if (total >= 8 && !fraction && right_edge(c, e) && !amount_or_date_follows(c, e))
                add_span(c, q, e, RED_KIND_BANK_ACCOUNT, NULL);
            q = e;
            continue;
        }
        q += n;
    }
}

static void cue_property(struct ctx *c, size_t k)
{
    size_t q = skip_seps(c, c->cues[k].end), e;
    bool digit = false;
    if (q >= c->len || mask_at(c, q))
        return;
    e = value_end(c, k, q);
    for (size_t i = q; i < e; i++)
        digit = digit || is_digit(c->t[i]);
    if (digit)
        add_span(c, q, e, RED_KIND_PROPERTY_CERT, NULL);
}

/* Start of the paragraph holding p: after the last 。 or blank line before it. */
static size_t para_start(const struct ctx *c, size_t p)
{
    size_t lo = 0, hi = c->n_paras;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->paras[mid] <= p)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == 0 ? 0 : c->paras[lo - 1];
}

/* True if [s, e) overlaps a removal found so far (so the words there will be gone). */
static bool hidden(const struct ctx *c, size_t s, size_t e)
{
    size_t lo = 0, hi = c->n_sorted;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->spans[mid].start < e)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo > 0 && c->max_end[lo - 1] > s)
        return true;
    for (size_t i = c->n_late; i-- > 0;) {
        if (c->late[i].end <= s)
            break;
        if (c->late[i].start < e)
            return true;
    }
    return false;
}

/*
 * Is the 住所 at cue k a natural person's? The nearest subject marker before
 * it in its paragraph decides; a case name nearer than any marker makes it a
 * person's; with no marker it is. Markers inside other removals do not count:
 * they are gone from the redacted text, and redacting that again must decide
 * the same. For the same reason every fallback answers "private" (a label is
 * never detected again), never "keep".
 */
static bool ambiguous_address_private(const struct ctx *c, size_t k)
{
    size_t at = c->cues[k].start, lo = para_start(c, at), best = 0, steps = 0;
    size_t nlo = 0, nhi = c->n_names;
    bool found = false, person = true;

    for (size_t i = k; i-- > 0 && c->cues[i].start >= lo;) {
        enum fam f = c->cues[i].fam;
        bool person_mark = f == F_ID || f == F_PERSON || f == F_ADDR;
        if (++steps > 256)
            return true;
        if (!person_mark && f != F_ORGCODE && f != F_ORG)
            continue;
        if (hidden(c, c->cues[i].start, c->cues[i].end))
            continue;
        found = true;
        best = c->cues[i].start;
        person = person_mark;
        break;
    }
    /* the last case name before the cue */
    while (nlo < nhi) {
        size_t mid = nlo + (nhi - nlo) / 2;
        if (c->names[mid] < at)
            nlo = mid + 1;
        else
            nhi = mid;
    }
    if (nlo > 0 && c->names[nlo - 1] >= lo && (!found || c->names[nlo - 1] > best))
        return true;
    return person;
}

static void cue_address(struct ctx *c, size_t k)
{
    size_t q = skip_seps(c, c->cues[k].end), e;
    if (q >= c->len || mask_at(c, q))
        return;
    e = value_end(c, k, q);
    if (e == q || (e - q == strlen("不详") && (lit(c, q, "不详") != 0 || lit(c, q, "不明") != 0)))
        return;
    add_span(c, q, e, RED_KIND_ADDRESS, NULL);
    if (c->cues[k].fam == F_ADDR_AMBIG)
        (void)add_range(c, &c->late, &c->n_late, &c->cap_late, q, e);
}

/*
 * A digit or a unit of money or property (元万亿套辆栋间): the text states an
 * amount. Chinese numerals alone do not count: they are common in names (张三).
 */
static bool has_quantity(const struct ctx *c, size_t p, size_t end)
{
    static const uint32_t units[] = {0x5143, 0x4E07, 0x4EBF, 0x5957, 0x8F86, 0x680B, 0x95F4};
    while (p < end) {
        size_t n;
        uint32_t cp = cp_at(c->t, p, &n);
        if ((cp >= '0' && cp <= '9') || (cp >= 0xFF10 && cp <= 0xFF19))
            return true;
        for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
            if (cp == units[i])
                return true;
        }
        p += n;
    }
    return false;
}

/*
 * A financial statement: from the cue to the end of its clause or the next
 * financial cue (whose own span goes on from there), so that the subject
 * before it stays (张某名下有[财产状况已隐去]); from the start of the clause
 * (or the end of the previous financial cue) when the words before the cue
 * state an amount (当事人有20万元存款). No limits in bytes, for the same
 * reason as value_end; the scopes do not overlap, so the work stays linear.
 */
static void cue_financial(struct ctx *c, size_t k)
{
    size_t s = c->cues[k].start, e = c->cues[k].end, back = 0, fwd = c->len, n;
    for (size_t i = k; i-- > 0;) {
        if (c->cues[i].fam == F_FIN) {
            back = c->cues[i].end;
            break;
        }
    }
    for (size_t i = k + 1; i < c->n_cues; i++) {
        if (c->cues[i].fam == F_FIN) {
            fwd = c->cues[i].start;
            break;
        }
    }
    while (s > back) {
        size_t q = prev_char(c->t, s);
        if (is_clause_delim(cp_at(c->t, q, &n)))
            break;
        s = q;
    }
    if (s >= c->cues[k].start || !has_quantity(c, s, c->cues[k].start))
        s = c->cues[k].start;
    while (e < fwd) {
        uint32_t cp = cp_at(c->t, e, &n);
        if (is_clause_delim(cp))
            break;
        e += n;
    }
    while (s < c->cues[k].start && is_space(cp_at(c->t, s, &n)))
        s += n;
    while (e > c->cues[k].end) {
        size_t q = prev_char(c->t, e);
        if (!is_space(cp_at(c->t, q, &n)))
            break;
        e = q;
    }
    add_span(c, s, e, RED_KIND_FINANCIAL, NULL);
}

static void apply_cues(struct ctx *c)
{
    for (size_t k = 0; k < c->n_cues && !c->nomem; k++) {
        switch (c->cues[k].fam) {
        case F_ID:
            cue_id(c, c->cues[k].end);
            break;
        case F_PHONE:
            cue_phone(c, c->cues[k].end);
            break;
        case F_ACCOUNT:
            cue_account(c, k);
            break;
        case F_PROPERTY:
            cue_property(c, k);
            break;
        case F_ADDR:
            cue_address(c, k);
            break;
        case F_FIN:
            cue_financial(c, k);
            break;
        case F_ADDR_AMBIG: /* decided in the second phase */
        case F_ORGCODE:
        case F_ORG:
        case F_PERSON:
            break;
        }
    }
}

static int cmp_span(const void *a, const void *b);

/*
 * Second phase: the decisions to keep something that depend on words
 * elsewhere (an organisation-code cue before a number, the subject before
 * 住所), made once every other removal is known so that words inside those
 * removals are not relied on.
 */
static void second_phase(struct ctx *c)
{
    if (c->n_spans > 1)
        qsort(c->spans, c->n_spans, sizeof(*c->spans), cmp_span);
    c->n_sorted = c->n_spans;
    if (c->n_sorted > 0) {
        c->max_end = malloc(c->n_sorted * sizeof(*c->max_end));
        if (c->max_end == NULL) {
            c->nomem = true;
            return;
        }
        for (size_t i = 0; i < c->n_sorted; i++) {
            size_t e = c->spans[i].end;
            c->max_end[i] = i > 0 && c->max_end[i - 1] > e ? c->max_end[i - 1] : e;
        }
    }
    for (size_t i = 0; i < c->n_deferred; i++) {
        const struct deferred *d = &c->deferred[i];
        if (hidden(c, c->cues[d->cue].start, c->cues[d->cue].end))
            classify_token(c, d->start, d->end, false);
    }
    for (size_t k = 0; k < c->n_cues && !c->nomem; k++) {
        if (c->cues[k].fam == F_ADDR_AMBIG && ambiguous_address_private(c, k))
            cue_address(c, k);
    }
}

/* ---- merging and output ------------------------------------------------ */

static int cmp_span(const void *a, const void *b)
{
    const struct span *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end > y->end ? -1 : 1;
    return (int)x->kind - (int)y->kind;
}

/*
 * Sort and merge overlapping spans in place. A merged span covers the union
 * and takes the kind and replacement of its longest part that is not a name,
 * if any: a label is never detected again, while surname + 某 could be (住所张三
 * → 住所张某 would be an address on the next run), so a name mask is used
 * only when every part is a name.
 */
static void merge_list(struct span *v, size_t *n)
{
    size_t out = 0, best_len = 0;
    if (*n > 1)
        qsort(v, *n, sizeof(*v), cmp_span);
    for (size_t i = 0; i < *n; i++) {
        struct span s = v[i];
        size_t len = s.end - s.start;
        if (out > 0 && s.start < v[out - 1].end) {
            struct span *cur = &v[out - 1];
            bool cur_name = cur->kind == RED_KIND_NAME, s_name = s.kind == RED_KIND_NAME;
            if ((cur_name && !s_name) || (cur_name == s_name && len > best_len)) {
                best_len = len;
                cur->kind = s.kind;
                cur->repl = s.repl;
            }
            if (s.end > cur->end)
                cur->end = s.end;
            continue;
        }
        best_len = len;
        v[out++] = s;
    }
    *n = out;
}

/* Drop spans inside labels already in the text, then merge. */
static void merge_spans(struct ctx *c)
{
    size_t out = 0;
    for (size_t i = 0; i < c->n_spans; i++) {
        if (!in_mask(c, c->spans[i].start, c->spans[i].end))
            c->spans[out++] = c->spans[i];
    }
    c->n_spans = out;
    merge_list(c->spans, &c->n_spans);
}

static void free_ctx(struct ctx *c)
{
    free(c->masks);
    free(c->cues);
    free(c->names);
    free(c->reps);
    free(c->spans);
    free(c->paras);
    free(c->max_end);
    free(c->late);
    free(c->deferred);
}

/* Find and merge the spans of one text (valid UTF-8, checked by the caller). */
static int detect(struct ctx *c, const char *text, size_t len, const struct names *nm,
                  struct sx_err *err)
{
    memset(c, 0, sizeof(*c));
    c->t = text;
    c->len = len;
    c->nm = nm;
    build_index(c);
    find_paras(c);
    find_masks(c);
    find_cues(c);
    find_names(c);
    if (c->n_names > 1)
        qsort(c->names, c->n_names, sizeof(*c->names), cmp_size);
    scan_numbers(c);
    scan_certs(c);
    apply_cues(c);
    if (!c->nomem)
        second_phase(c);
    if (c->nomem)
        return SX_FAIL(err, SX_E_NOMEM, "out-of-memory", "内存不足", "", "",
                       "去除个人信息时内存不足（文本 %zu 字节）", len);
    merge_spans(c);
    return 0;
}

/* ---- report -------------------------------------------------------------- */

void red_report_init(struct red_report *r)
{
    memset(r, 0, sizeof(*r));
}

void red_report_free(struct red_report *r)
{
    free(r->items);
    memset(r, 0, sizeof(*r));
}

static void report_clear(struct red_report *r)
{
    if (r == NULL)
        return;
    r->n = 0;
    memset(r->count, 0, sizeof(r->count));
}

/* First character, '*' for the rest (at most 16), and the last from 3 characters on. */
static void make_excerpt(const char *s, size_t n, enum red_kind kind, char out[RED_EXCERPT_MAX])
{
    size_t chars = count_chars(s, n), first, o = 0, stars;
    (void)cp_at(s, 0, &first);
    memcpy(out, s, first);
    o = first;
    stars = chars - 1;
    if (chars >= 3 && kind != RED_KIND_NAME)
        stars--;
    if (stars > 16)
        stars = 16;
    memset(out + o, '*', stars);
    o += stars;
    if (chars >= 3 && kind != RED_KIND_NAME) {
        size_t last = prev_char(s, n);
        memcpy(out + o, s + last, n - last);
        o += n - last;
    }
    out[o] = '\0';
}

static int report_add(struct red_report *r, const char *text, const struct span *s,
                      struct sx_err *err)
{
    struct red_item *it;
    if (r == NULL)
        return 0;
    it = grow(r->items, r->n, &r->cap, sizeof(*it));
    if (it == NULL)
        return SX_FAIL(err, SX_E_NOMEM, "out-of-memory", "内存不足", "", "",
                       "记录去除项时内存不足");
    r->items = it;
    it = &r->items[r->n++];
    it->kind = s->kind;
    it->offset = s->start;
    it->length = s->end - s->start;
    snprintf(it->replacement, sizeof(it->replacement), "%s",
             s->repl != NULL ? s->repl : kinds[s->kind].mask);
    make_excerpt(text + s->start, s->end - s->start, s->kind, it->excerpt);
    r->count[s->kind]++;
    return 0;
}

/* ---- resolving to a fixed point ------------------------------------------ */

/*
 * Rounds of resolve() at most. Real text needs one; each further round covers
 * more of the input, so the bound only matters for adversarial input.
 */
#define RED_ROUNDS 8

/* Where a label of the output came from: output [out, out_end) ← input [in, in_end). */
struct seg {
    size_t out, out_end, in, in_end;
};

/*
 * Write text with spans replaced to out; when segs is not NULL also record
 * where each label came from (*segs grown with realloc, *n_segs set).
 */
static int emit(const char *text, size_t len, const struct span *v, size_t n, struct sx_buf *out,
                struct seg **segs, size_t *n_segs)
{
    size_t prev = 0, cap = 0;
    int rc;
    if (segs != NULL)
        *n_segs = 0;
    for (size_t i = 0; i < n; i++) {
        const char *repl = v[i].repl != NULL ? v[i].repl : kinds[v[i].kind].mask;
        size_t at;
        rc = sx_buf_append(out, text + prev, v[i].start - prev);
        if (rc != 0)
            return rc;
        at = out->len;
        rc = sx_buf_puts(out, repl);
        if (rc != 0)
            return rc;
        if (segs != NULL) {
            struct seg *g = grow(*segs, *n_segs, &cap, sizeof(*g));
            if (g == NULL)
                return SX_E_NOMEM;
            *segs = g;
            (*segs)[(*n_segs)++] = (struct seg){at, out->len, v[i].start, v[i].end};
        }
        prev = v[i].end;
    }
    return sx_buf_append(out, text + prev, len - prev);
}

/* Input offset of output offset x; as_end: x ends a span (a label maps to its input end). */
static size_t map_back(const struct seg *segs, size_t n, size_t x, bool as_end)
{
    size_t lo = 0, hi = n, probe = as_end && x > 0 ? x - 1 : x;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (segs[mid].out <= probe)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return x;
    lo--;
    if (probe < segs[lo].out_end)
        return as_end ? segs[lo].in_end : segs[lo].in;
    return segs[lo].in_end + (x - segs[lo].out_end);
}

/*
 * The removals of text, as merged spans (*v, *n; free *v). The spans found
 * in the text are applied and the result searched again; whatever that finds
 * (a decision that depended on words the first round replaced) is mapped back
 * to the input and merged in, until nothing more is found. So red_apply is
 * idempotent and the gate finds nothing in its output by construction.
 */
static int resolve(const char *text, size_t len, const struct names *nm, struct span **v, size_t *n,
                   struct sx_err *err)
{
    struct ctx c;
    struct sx_buf tmp;
    struct seg *segs = NULL;
    size_t n_segs = 0, cap = 0;
    int rc;

    *v = NULL;
    *n = 0;
    sx_buf_init(&tmp, SIZE_MAX / 2);
    rc = detect(&c, text, len, nm, err);
    if (rc != 0) {
        free_ctx(&c);
        goto cleanup;
    }
    *v = c.spans;
    *n = c.n_spans;
    cap = c.cap_spans;
    c.spans = NULL;
    free_ctx(&c);
    for (int round = 0; round<RED_ROUNDS && * n> 0; round++) {
        sx_buf_reset(&tmp);
        rc = emit(text, len, *v, *n, &tmp, &segs, &n_segs);
        if (rc != 0)
            goto nomem;
        rc = detect(&c, tmp.data, tmp.len, nm, err);
        if (rc != 0) {
            free_ctx(&c);
            goto cleanup;
        }
        if (c.n_spans == 0) {
            free_ctx(&c);
            break;
        }
        for (size_t i = 0; i < c.n_spans; i++) {
            struct span s = c.spans[i];
            s.start = map_back(segs, n_segs, s.start, false);
            s.end = map_back(segs, n_segs, s.end, true);
            struct span *g = grow(*v, *n, &cap, sizeof(*g));
            if (g == NULL) {
                free_ctx(&c);
                goto nomem;
            }
            *v = g;
            (*v)[(*n)++] = s;
        }
        free_ctx(&c);
        merge_list(*v, n);
    }
    rc = 0;
    goto cleanup;
nomem:
    rc = SX_FAIL(err, SX_E_NOMEM, "out-of-memory", "内存不足", "", "",
                 "去除个人信息时内存不足（文本 %zu 字节）", len);
cleanup:
    if (rc != 0) {
        free(*v);
        *v = NULL;
        *n = 0;
    }
    free(segs);
    sx_buf_free(&tmp);
    return rc;
}

/* Check the input and the names, then resolve. */
static int prepare(const char *text, size_t len, const struct red_options *o, struct names *nm,
                   struct span **v, size_t *n, struct sx_err *err)
{
    size_t bad;
    int rc;
    memset(nm, 0, sizeof(*nm));
    *v = NULL;
    *n = 0;
    if (text == NULL && len > 0)
        return SX_FAIL(err, SX_E_INVALID, "invalid-utf8", "文本不是有效的 UTF-8 编码", "", "text",
                       "文本为空指针");
    bad = utf8_check(text == NULL ? "" : text, len);
    if (bad != len)
        return SX_FAIL(err, SX_E_INVALID, "invalid-utf8", "文本不是有效的 UTF-8 编码", "", "text",
                       "第 %zu 字节处的编码无效（请将文本另存为 UTF-8 后重试）", bad + 1);
    rc = prep_names(nm, o, err);
    if (rc != 0)
        return rc;
    return resolve(text == NULL ? "" : text, len, nm, v, n, err);
}

int red_apply(const char *text, size_t len, const struct red_options *o, struct sx_buf *out,
              struct red_report *report, struct sx_err *err)
{
    struct names nm;
    struct span *v = NULL;
    size_t n = 0, old_len = out->len;
    int rc;

    report_clear(report);
    rc = prepare(text, len, o, &nm, &v, &n, err);
    if (rc != 0)
        goto cleanup;
    rc = emit(text == NULL ? "" : text, len, v, n, out, NULL, NULL);
    if (rc == SX_E_TOOBIG) {
        rc = SX_FAIL(err, SX_E_TOOBIG, "redact-output-too-big", "去除个人信息后的文本过长", "",
                     "text", "结果超过 %zu 字节的上限", out->max);
        goto cleanup;
    }
    if (rc != 0) {
        rc = SX_FAIL(err, SX_E_NOMEM, "out-of-memory", "内存不足", "", "",
                     "写出去除个人信息后的文本时内存不足");
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++) {
        rc = report_add(report, text, &v[i], err);
        if (rc != 0)
            goto cleanup;
    }
cleanup:
    if (rc != 0) {
        out->len = old_len;
        if (out->cap != 0)
            out->data[old_len] = '\0';
    }
    free(v);
    free(nm.persons);
    return rc;
}

int red_scan(const char *text, size_t len, const struct red_options *o, struct red_report *report,
             struct sx_err *err)
{
    struct names nm;
    struct span *v = NULL;
    size_t n = 0, count[RED_KIND_COUNT] = {0}, dn = 0;
    char detail[400];
    int rc;

    report_clear(report);
    rc = prepare(text, len, o, &nm, &v, &n, err);
    if (rc != 0)
        goto cleanup;
    for (size_t i = 0; i < n; i++) {
        rc = report_add(report, text, &v[i], err);
        if (rc != 0)
            goto cleanup;
        count[v[i].kind]++;
    }
    if (n == 0)
        goto cleanup;
    detail[0] = '\0';
    for (int k = 0; k < RED_KIND_COUNT; k++) {
        int w;
        if (count[k] == 0)
            continue;
        w = snprintf(detail + dn, sizeof(detail) - dn, "%s%s %zu 处", dn == 0 ? "仍含 " : "、",
                     kinds[k].label, count[k]);
        if (w < 0 || (size_t)w >= sizeof(detail) - dn)
            break;
        dn += (size_t)w;
    }
    rc = SX_FAIL(err, SX_E_GATE, "publish-pii-remaining", "公示内容仍含个人信息，不能发布",
                 RED_SOURCE, "text", "%s；请去除后再发布，或由发布人填写理由后确认发布", detail);
cleanup:
    free(v);
    free(nm.persons);
    return rc;
}

int red_report_summary(const struct red_report *r, const char *verb, struct sx_buf *out)
{
    for (int k = 0; k < RED_KIND_COUNT; k++) {
        int rc;
        if (r->count[k] == 0)
            continue;
        rc = sx_buf_printf(out, "%s %s %zu 处\n", verb, kinds[k].label, r->count[k]);
        if (rc != 0)
            return rc;
    }
    return 0;
}
