/*
 * ids: checks of resident identity numbers (GB 11643-1999), unified social
 * credit codes (GB 32100-2015) and bank card numbers (Luhn), and generators
 * of valid numbers for synthetic data. Rules summarised in
 * shared/data/pii-cn/README.md and supplement.md.
 */
#include "ids.h"

#include <stddef.h>
#include <string.h>

#include "cal.h"

/* ---- helpers -------------------------------------------------------- */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static char to_upper(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* Value of the n digits at s; the caller checked they are digits. */
static int num(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/*
 * A character for an error detail: printable ASCII as itself, anything else
 * (a byte of a multi-byte character, a control character) as a description,
 * so that the detail stays valid UTF-8.
 */
static const char *show_char(char c, char buf[2])
{
    if (c > 0x20 && c < 0x7F) {
        buf[0] = c;
        buf[1] = '\0';
        return buf;
    }
    if (c == ' ')
        return "空格";
    return "非ASCII或控制字符";
}

/* ---- resident identity number -------------------------------------- */

static const char src_res[] = IDS_SOURCE_RESIDENT;

/*
 * Province-level codes of GB/T 2260 (the first two digits of an address
 * code), plus 81/82/83 used by the residence permits of Hong Kong, Macao and
 * Taiwan residents (2018). Province codes have only been added over time,
 * never retired, so this holds for old numbers too.
 */
static const int provinces[] = {
    11, 12, 13, 14, 15,         /* 北京 天津 河北 山西 内蒙古 */
    21, 22, 23,                 /* 辽宁 吉林 黑龙江 */
    31, 32, 33, 34, 35, 36, 37, /* 上海 江苏 浙江 安徽 福建 江西 山东 */
    41, 42, 43, 44, 45, 46,     /* 河南 湖北 湖南 广东 广西 海南 */
    50, 51, 52, 53, 54,         /* 重庆 四川 贵州 云南 西藏 */
    61, 62, 63, 64, 65,         /* 陕西 甘肃 青海 宁夏 新疆 */
    71, 81, 82, 83,             /* 台湾 香港 澳门 台湾居民居住证 */
};

/* Check a 6-digit address code (already known to be digits). */
static int check_region(const char *s, struct sx_err *err)
{
    int prov = num(s, 2);
    if (s[0] < '1' || s[0] > '8')
        return SX_FAIL(err, SX_E_INVALID, "id-number-region", "身份证号码地址码错误", src_res, "",
                       "第1位应为 1–8（地址码首位），实际为“%c”", s[0]);
    for (size_t i = 0; i < sizeof(provinces) / sizeof(provinces[0]); i++) {
        if (provinces[i] == prov)
            return 0;
    }
    return SX_FAIL(err, SX_E_INVALID, "id-number-region", "身份证号码地址码错误", src_res, "",
                   "前2位“%.2s”不是省级行政区划代码（GB/T 2260）", s);
}

/*
 * Check a birth date: it exists, 1900-01-01 <= date <= today. pos is the
 * 1-based position of the date in the number, for the message.
 */
static int check_birth(int y, int m, int d, int pos, int32_t today, int32_t *out,
                       struct sx_err *err)
{
    int32_t birth;
    char b[CAL_DATE_BUFSZ];
    if (!cal_ymd_valid(y, m, d))
        return SX_FAIL(err, SX_E_INVALID, "id-number-birth-date", "身份证号码出生日期无效", src_res,
                       "", "第%d位起的出生日期 %04d%02d%02d 不是存在的日期", pos, y, m, d);
    birth = cal_days_from_ymd(y, m, d);
    if (y < 1900)
        return SX_FAIL(err, SX_E_INVALID, "id-number-birth-early", "身份证号码出生日期过早",
                       src_res, "", "出生日期 %s 早于 1900-01-01", cal_date_format(birth, b));
    if (birth > today) {
        char t[CAL_DATE_BUFSZ];
        return SX_FAIL(err, SX_E_INVALID, "id-number-birth-future", "身份证号码出生日期晚于今天",
                       src_res, "", "出生日期 %s 晚于今天（%s）", cal_date_format(birth, b),
                       cal_date_format(today, t));
    }
    *out = birth;
    return 0;
}

/* ISO 7064 MOD 11-2 weights 2^(17-i) mod 11 and check characters of GB 11643. */
static const int res_weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
static const char res_check[] = "10X98765432";

char ids_resident_check_char(const char *first17)
{
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        if (!is_digit(first17[i]))
            return 0;
        sum += (first17[i] - '0') * res_weights[i];
    }
    return res_check[sum % 11];
}

static void fill_resident(struct ids_resident *out, const char number18[18], int32_t birth,
                          bool legacy15)
{
    if (out == NULL)
        return;
    memcpy(out->number, number18, 18);
    out->number[18] = '\0';
    memcpy(out->region, number18, 6);
    out->region[6] = '\0';
    out->birth = birth;
    cal_ymd_from_days(birth, &out->birth_year, &out->birth_month, &out->birth_day);
    /* Sequence code: digits 15-17; its last digit odd = male. */
    out->sex = (number18[16] - '0') % 2 == 1 ? IDS_SEX_MALE : IDS_SEX_FEMALE;
    out->legacy15 = legacy15;
}

int ids_resident_validate(const char *s, int32_t today, struct ids_resident *out,
                          struct sx_err *err)
{
    char canon[18];
    char c[2], e[2];
    size_t n = s == NULL ? 0 : strnlen(s, 64);
    int32_t birth;
    char want;
    int rc;

    if (n != 18)
        return SX_FAIL(err, SX_E_INVALID, "id-number-length", "身份证号码位数错误", src_res, "",
                       "身份证号码应为18位，实际为%zu%s位", n, n >= 64 ? "以上" : "");
    for (int i = 0; i < 17; i++) {
        if (!is_digit(s[i]))
            return SX_FAIL(err, SX_E_INVALID, "id-number-char", "身份证号码含非法字符", src_res, "",
                           "第%d位应为数字，实际为“%s”", i + 1, show_char(s[i], c));
    }
    if (!is_digit(s[17]) && s[17] != 'X' && s[17] != 'x')
        return SX_FAIL(err, SX_E_INVALID, "id-number-char", "身份证号码含非法字符", src_res, "",
                       "第18位（校验码）应为数字或 X，实际为“%s”", show_char(s[17], c));
    memcpy(canon, s, 17);
    canon[17] = to_upper(s[17]);

    rc = check_region(canon, err);
    if (rc != 0)
        return rc;
    rc = check_birth(num(canon + 6, 4), num(canon + 10, 2), num(canon + 12, 2), 7, today, &birth,
                     err);
    if (rc != 0)
        return rc;
    want = ids_resident_check_char(canon);
    if (canon[17] != want)
        return SX_FAIL(err, SX_E_INVALID, "id-number-check", "身份证号码校验位错误", src_res, "",
                       "第18位校验码应为“%s”，实际为“%s”（号码可能抄错）", show_char(want, e),
                       show_char(canon[17], c));
    fill_resident(out, canon, birth, false);
    return 0;
}

int ids_resident15_validate(const char *s, int32_t today, struct ids_resident *out,
                            struct sx_err *err)
{
    char up[18];
    char c[2];
    size_t n = s == NULL ? 0 : strnlen(s, 64);
    int32_t birth;
    int rc;

    if (n != 15)
        return SX_FAIL(err, SX_E_INVALID, "id-number-length", "身份证号码位数错误", src_res, "",
                       "15位旧身份证号码应为15位，实际为%zu%s位", n, n >= 64 ? "以上" : "");
    for (int i = 0; i < 15; i++) {
        if (!is_digit(s[i]))
            return SX_FAIL(err, SX_E_INVALID, "id-number-char", "身份证号码含非法字符", src_res, "",
                           "第%d位应为数字，实际为“%s”", i + 1, show_char(s[i], c));
    }
    rc = check_region(s, err);
    if (rc != 0)
        return rc;
    /* YYMMDD is in the 1900s: the 15-digit form was replaced in 1999. */
    rc = check_birth(1900 + num(s + 6, 2), num(s + 8, 2), num(s + 10, 2), 7, today, &birth, err);
    if (rc != 0)
        return rc;
    /* Upgrade: insert "19" before YY, append the check character. */
    memcpy(up, s, 6);
    up[6] = '1';
    up[7] = '9';
    memcpy(up + 8, s + 6, 9);
    up[17] = ids_resident_check_char(up);
    fill_resident(out, up, birth, true);
    return 0;
}

int ids_resident_make(const char *region6, int32_t birth, int seq, char out[IDS_BUFSZ],
                      struct sx_err *err)
{
    int y, m, d, rc;
    char c[2];

    if (region6 == NULL || strnlen(region6, 7) != 6)
        return SX_FAIL(err, SX_E_INVALID, "id-number-region", "身份证号码地址码错误", src_res, "",
                       "地址码应为6位数字");
    for (int i = 0; i < 6; i++) {
        if (!is_digit(region6[i]))
            return SX_FAIL(err, SX_E_INVALID, "id-number-char", "身份证号码含非法字符", src_res, "",
                           "地址码第%d位应为数字，实际为“%s”", i + 1, show_char(region6[i], c));
    }
    rc = check_region(region6, err);
    if (rc != 0)
        return rc;
    if (!cal_date_in_range(birth) || cal_date_year(birth) < 1900)
        return SX_FAIL(err, SX_E_INVALID, "id-number-birth-early", "身份证号码出生日期过早",
                       src_res, "", "出生日期须在 1900-01-01 之后");
    if (seq < 0 || seq > 999)
        return SX_FAIL(err, SX_E_INVALID, "id-number-sequence", "身份证号码顺序码错误", src_res, "",
                       "顺序码应为 0–999，实际为 %d", seq);
    cal_ymd_from_days(birth, &y, &m, &d);
    memcpy(out, region6, 6);
    out[6] = (char)('0' + y / 1000);
    out[7] = (char)('0' + y / 100 % 10);
    out[8] = (char)('0' + y / 10 % 10);
    out[9] = (char)('0' + y % 10);
    out[10] = (char)('0' + m / 10);
    out[11] = (char)('0' + m % 10);
    out[12] = (char)('0' + d / 10);
    out[13] = (char)('0' + d % 10);
    out[14] = (char)('0' + seq / 100);
    out[15] = (char)('0' + seq / 10 % 10);
    out[16] = (char)('0' + seq % 10);
    out[17] = ids_resident_check_char(out);
    out[18] = '\0';
    return 0;
}

/* ---- unified social credit code ------------------------------------ */

static const char src_uscc[] = IDS_SOURCE_USCC;

/* The 31 code characters; index = value. */
static const char uscc_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* Weights 3^i mod 31 for characters 1-17. */
static const int uscc_weights[17] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                     29, 25, 13, 8,  24, 10, 30, 28};

struct uscc_type {
    char code;
    const char *name;
};

struct uscc_authority {
    char code;
    const char *name;
    struct uscc_type types[7]; /* ends at code 0 */
};

/*
 * Registration authorities (登记管理部门代码) and their organisation types
 * (机构类别代码), table of GB 32100-2015. 'A' (中央军委改革和编制办公室) and
 * 'N' (农业) were assigned after 2015 and appear on issued codes.
 */
static const struct uscc_authority uscc_authorities[] = {
    {'1',
     "机构编制",
     {{'1', "机关"},
      {'2', "事业单位"},
      {'3', "中央编办直接管理机构编制的群众团体"},
      {'9', "其他"}}},
    {'2', "外交", {{'1', "外国常驻新闻机构"}, {'9', "其他"}}},
    {'3',
     "司法行政",
     {{'1', "律师执业机构"},
      {'2', "公证处"},
      {'3', "基层法律服务所"},
      {'4', "司法鉴定机构"},
      {'5', "仲裁委员会"},
      {'9', "其他"}}},
    {'4', "文化", {{'1', "外国在华文化中心"}, {'9', "其他"}}},
    {'5', "民政", {{'1', "社会团体"}, {'2', "民办非企业单位"}, {'3', "基金会"}, {'9', "其他"}}},
    {'6',
     "旅游",
     {{'1', "外国旅游部门常驻代表机构"},
      {'2', "港澳台地区旅游部门常驻内地（大陆）代表机构"},
      {'9', "其他"}}},
    {'7', "宗教", {{'1', "宗教活动场所"}, {'2', "宗教院校"}, {'9', "其他"}}},
    {'8', "工会", {{'1', "基层工会"}, {'9', "其他"}}},
    {'9', "工商", {{'1', "企业"}, {'2', "个体工商户"}, {'3', "农民专业合作社"}}},
    {'A', "中央军委改革和编制办公室", {{'1', "军队事业单位"}, {'9', "其他"}}},
    {'N',
     "农业",
     {{'1', "组级集体经济组织"},
      {'2', "村级集体经济组织"},
      {'3', "乡镇级集体经济组织"},
      {'9', "其他"}}},
    {'Y', "其他", {{'1', "其他（不再划分机构类别）"}}},
};

static int uscc_value(char c)
{
    const char *p = c == '\0' ? NULL : strchr(uscc_alphabet, c);
    return p == NULL ? -1 : (int)(p - uscc_alphabet);
}

static char uscc_check_char(const char *first17)
{
    int sum = 0, c;
    for (int i = 0; i < 17; i++)
        sum += uscc_value(first17[i]) * uscc_weights[i];
    c = 31 - sum % 31;
    return uscc_alphabet[c == 31 ? 0 : c];
}

/* GB 11714 check of the organisation code at characters 9-17. */
static bool org_code_ok(const char *code)
{
    static const int w[8] = {3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0, c;
    char want;
    for (int i = 0; i < 8; i++) {
        char ch = code[8 + i];
        int v = is_digit(ch) ? ch - '0' : ch - 'A' + 10;
        sum += v * w[i];
    }
    c = 11 - sum % 11;
    want = c == 10 ? 'X' : c == 11 ? '0' : (char)('0' + c);
    return code[16] == want;
}

/*
 * Check the first 17 characters of an uppercased USCC: alphabet, authority,
 * type, region. Sets *auth and *type (which must be NULL on entry).
 */
static int uscc_check17(const char *up, const struct uscc_authority **auth,
                        const struct uscc_type **type, struct sx_err *err)
{
    const struct uscc_authority *a = NULL;
    char c[2];

    for (int i = 0; i < 17; i++) {
        if (uscc_value(up[i]) < 0)
            return SX_FAIL(err, SX_E_INVALID, "uscc-char", "统一社会信用代码含非法字符", src_uscc,
                           "", "第%d位“%s”不是代码字符（只用数字和除 I、O、S、V、Z 外的大写字母）",
                           i + 1, show_char(up[i], c));
    }
    for (size_t i = 0; i < sizeof(uscc_authorities) / sizeof(uscc_authorities[0]); i++) {
        if (uscc_authorities[i].code == up[0])
            a = &uscc_authorities[i];
    }
    if (a == NULL)
        return SX_FAIL(err, SX_E_INVALID, "uscc-authority", "统一社会信用代码登记管理部门代码错误",
                       src_uscc, "", "第1位“%c”不是登记管理部门代码（应为 1–9、A、N 或 Y）", up[0]);
    for (const struct uscc_type *t = a->types; t->code != 0; t++) {
        if (t->code == up[1])
            *type = t;
    }
    if (*type == NULL) {
        char allowed[32];
        size_t k = 0;
        for (const struct uscc_type *t = a->types; t->code != 0 && k + 2 < sizeof(allowed); t++) {
            if (k > 0)
                allowed[k++] = '/';
            allowed[k++] = t->code;
        }
        allowed[k] = '\0';
        return SX_FAIL(err, SX_E_INVALID, "uscc-type", "统一社会信用代码机构类别代码错误", src_uscc,
                       "", "第2位“%c”不是登记管理部门“%c %s”下的机构类别（可为 %s）", up[1], up[0],
                       a->name, allowed);
    }
    *auth = a;
    for (int i = 2; i < 8; i++) {
        if (!is_digit(up[i]))
            return SX_FAIL(
                err, SX_E_INVALID, "uscc-region", "统一社会信用代码行政区划码错误", src_uscc, "",
                "第%d位应为数字（第3–8位是登记管理机关行政区划码），实际为“%c”", i + 1, up[i]);
    }
    return 0;
}

int ids_uscc_validate(const char *s, struct ids_uscc *out, struct sx_err *err)
{
    const struct uscc_authority *auth = NULL;
    const struct uscc_type *type = NULL;
    char up[IDS_BUFSZ];
    char c[2], e[2];
    size_t n = s == NULL ? 0 : strnlen(s, 64);
    char want;
    int rc;

    if (n != 18)
        return SX_FAIL(err, SX_E_INVALID, "uscc-length", "统一社会信用代码位数错误", src_uscc, "",
                       "统一社会信用代码应为18位，实际为%zu%s位", n, n >= 64 ? "以上" : "");
    for (int i = 0; i < 18; i++)
        up[i] = to_upper(s[i]);
    up[18] = '\0';
    rc = uscc_check17(up, &auth, &type, err);
    if (rc != 0)
        return rc;
    if (uscc_value(up[17]) < 0)
        return SX_FAIL(
            err, SX_E_INVALID, "uscc-char", "统一社会信用代码含非法字符", src_uscc, "",
            "第18位（校验码）“%s”不是代码字符（只用数字和除 I、O、S、V、Z 外的大写字母）",
            show_char(up[17], c));
    want = uscc_check_char(up);
    if (up[17] != want)
        return SX_FAIL(err, SX_E_INVALID, "uscc-check", "统一社会信用代码校验码错误", src_uscc, "",
                       "第18位校验码应为“%s”，实际为“%s”（代码可能抄错）", show_char(want, e),
                       show_char(up[17], c));
    if (out != NULL) {
        memcpy(out->code, up, sizeof(up));
        out->authority = up[0];
        out->type = up[1];
        out->authority_name = auth->name;
        out->type_name = type->name;
        memcpy(out->region, up + 2, 6);
        out->region[6] = '\0';
        out->org_code_ok = org_code_ok(up);
    }
    return 0;
}

int ids_uscc_make(const char *first17, char out[IDS_BUFSZ], struct sx_err *err)
{
    const struct uscc_authority *auth = NULL;
    const struct uscc_type *type = NULL;
    char up[IDS_BUFSZ];
    size_t n = first17 == NULL ? 0 : strnlen(first17, 18);
    int rc;

    if (n != 17)
        return SX_FAIL(err, SX_E_INVALID, "uscc-length", "统一社会信用代码位数错误", src_uscc, "",
                       "生成校验码需要前17位，实际为%zu%s位", n, n >= 18 ? "以上" : "");
    for (int i = 0; i < 17; i++)
        up[i] = to_upper(first17[i]);
    rc = uscc_check17(up, &auth, &type, err);
    if (rc != 0)
        return rc;
    up[17] = uscc_check_char(up);
    up[18] = '\0';
    memcpy(out, up, sizeof(up));
    return 0;
}

/* ---- bank cards ----------------------------------------------------- */

bool ids_luhn_valid(const char *digits)
{
    size_t n;
    int sum = 0;
    if (digits == NULL)
        return false;
    n = strnlen(digits, 256);
    if (n < 2 || n >= 256)
        return false;
    for (size_t i = 0; i < n; i++) {
        /* i counts from the right; the check digit (i = 0) is not doubled. */
        char ch = digits[n - 1 - i];
        int v;
        if (!is_digit(ch))
            return false;
        v = ch - '0';
        if (i % 2 == 1) {
            v *= 2;
            if (v > 9)
                v -= 9;
        }
        sum += v;
    }
    return sum % 10 == 0;
}

bool ids_bank_card_valid(const char *digits)
{
    size_t n = digits == NULL ? 0 : strnlen(digits, 20);
    return n >= 13 && n <= 19 && ids_luhn_valid(digits);
}
