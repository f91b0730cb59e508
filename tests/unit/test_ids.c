/*
 * Unit tests for src/core/ids: resident identity numbers (GB 11643-1999),
 * unified social credit codes (GB 32100-2015), Luhn, and the generators.
 * Rows marked examples.csv / examples-supplement.csv come from
 * shared/data/pii-cn (synthetic values re-checked there in Python); rows
 * marked "computed" were built with the README's formulas in Python so that
 * only the named property is wrong.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/cal.h"
#include "core/ids.h"

/* Fixed "today" for every row: the data snapshot month (pii-cn, holidays-cn). */
#define TODAY_Y 2026
#define TODAY_M 8
#define TODAY_D 1

static int32_t today(void)
{
    return cal_days_from_ymd(TODAY_Y, TODAY_M, TODAY_D);
}

/* ---- resident identity numbers -------------------------------------- */

struct res_row {
    const char *value;
    int rc;
    const char *type;   /* expected slug when rc != 0 */
    const char *number; /* canonical form when rc == 0 */
    int y, m, d;        /* birth date when rc == 0 */
    enum ids_sex sex;
    const char *source;
};

static const struct res_row res_rows[] = {
    {"11010519491231002X", 0, NULL, "11010519491231002X", 1949, 12, 31, IDS_SEX_FEMALE,
     "examples.csv: sample printed in GB 11643-1999; check X; seq 002 even"},
    {"44030419880815031X", 0, NULL, "44030419880815031X", 1988, 8, 15, IDS_SEX_MALE,
     "examples.csv: check char X; seq 031 odd"},
    {"320102197503011268", 0, NULL, "320102197503011268", 1975, 3, 1, IDS_SEX_FEMALE,
     "examples.csv: check char 8"},
    {"510107200002290045", 0, NULL, "510107200002290045", 2000, 2, 29, IDS_SEX_FEMALE,
     "examples.csv: born on leap day 2000-02-29"},
    {"650102201611201582", 0, NULL, "650102201611201582", 2016, 11, 20, IDS_SEX_FEMALE,
     "examples.csv: born 2016 (a minor)"},
    {"33010619920607105X", 0, NULL, "33010619920607105X", 1992, 6, 7, IDS_SEX_MALE,
     "examples.csv: check char X"},
    {"33010619920607105x", 0, NULL, "33010619920607105X", 1992, 6, 7, IDS_SEX_MALE,
     "examples.csv marks lowercase x invalid as stored, normalise to X on input: accepted, "
     "canonical form uppercase (ids.h)"},
    {"810000199001010027", 0, NULL, "810000199001010027", 1990, 1, 1, IDS_SEX_FEMALE,
     "examples-supplement.csv: Hong Kong residence permit (area 810000)"},
    {"820000199001010029", 0, NULL, "820000199001010029", 1990, 1, 1, IDS_SEX_FEMALE,
     "examples-supplement.csv: Macao residence permit"},
    {"830000199001010020", 0, NULL, "830000199001010020", 1990, 1, 1, IDS_SEX_FEMALE,
     "examples-supplement.csv: Taiwan residence permit"},
    {"11010520260801002X", 0, NULL, "11010520260801002X", 2026, 8, 1, IDS_SEX_FEMALE,
     "computed: born today is not in the future"},
    {"440304198808150310", SX_E_INVALID, "id-number-check", NULL, 0, 0, 0, 0,
     "examples.csv: wrong check character"},
    {"320102197503011260", SX_E_INVALID, "id-number-check", NULL, 0, 0, 0, 0,
     "examples.csv: wrong check character"},
    {"510107200002290040", SX_E_INVALID, "id-number-check", NULL, 0, 0, 0, 0,
     "examples.csv: wrong check character"},
    {"650102201611201580", SX_E_INVALID, "id-number-check", NULL, 0, 0, 0, 0,
     "examples.csv: wrong check character"},
    {"44003419880815031X", SX_E_INVALID, "id-number-check", NULL, 0, 0, 0, 0,
     "examples-supplement.csv: adjacent digits swapped"},
    {"510107200102290034", SX_E_INVALID, "id-number-birth-date", NULL, 0, 0, 0, 0,
     "examples.csv: 2001-02-29 is not a date (checksum ok)"},
    {"440304198813150314", SX_E_INVALID, "id-number-birth-date", NULL, 0, 0, 0, 0,
     "examples.csv: month 13 (checksum ok)"},
    {"110105202609010013", SX_E_INVALID, "id-number-birth-future", NULL, 0, 0, 0, 0,
     "computed: born 2026-09-01, after today"},
    {"110105202608020017", SX_E_INVALID, "id-number-birth-future", NULL, 0, 0, 0, 0,
     "computed: born tomorrow"},
    {"110105189912310015", SX_E_INVALID, "id-number-birth-early", NULL, 0, 0, 0, 0,
     "computed: born 1899-12-31, before 1900"},
    {"91010519900101001X", SX_E_INVALID, "id-number-region", NULL, 0, 0, 0, 0,
     "computed: first digit 9 (brief: 1-8)"},
    {"010105199001010017", SX_E_INVALID, "id-number-region", NULL, 0, 0, 0, 0,
     "computed: first digit 0"},
    {"100105199001010019", SX_E_INVALID, "id-number-region", NULL, 0, 0, 0, 0,
     "computed: 10 is not a province code of GB/T 2260"},
    {"44030419880815031", SX_E_INVALID, "id-number-length", NULL, 0, 0, 0, 0,
     "examples.csv: 17 characters"},
    {"44030419880815031X0", SX_E_INVALID, "id-number-length", NULL, 0, 0, 0, 0, "19 characters"},
    {"", SX_E_INVALID, "id-number-length", NULL, 0, 0, 0, 0, "empty"},
    {"440304880815031", SX_E_INVALID, "id-number-length", NULL, 0, 0, 0, 0,
     "15-digit legacy numbers go to ids_resident15_validate"},
    {"11010519491231A02X", SX_E_INVALID, "id-number-char", NULL, 0, 0, 0, 0,
     "letter at position 15"},
    {"1101051949123100X2", SX_E_INVALID, "id-number-char", NULL, 0, 0, 0, 0,
     "X allowed only last (README)"},
    {"110105 949123100 X", SX_E_INVALID, "id-number-char", NULL, 0, 0, 0, 0, "spaces"},
    {"11010519491231002Y", SX_E_INVALID, "id-number-char", NULL, 0, 0, 0, 0, "check character Y"},
    {"1101051949123100\xC3\xA9", SX_E_INVALID, "id-number-char", NULL, 0, 0, 0, 0,
     "non-ASCII byte (18 bytes)"},
};

static void test_resident_rows(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(res_rows) / sizeof(res_rows[0]); i++) {
        const struct res_row *r = &res_rows[i];
        struct ids_resident out;
        struct sx_err err;
        int rc;
        memset(&out, 0x5A, sizeof(out));
        sx_err_clear(&err);
        rc = ids_resident_validate(r->value, today(), &out, &err);
        if (rc != r->rc)
            fail_msg("%s (%s): rc %d, want %d; %s %s", r->value, r->source, rc, r->rc, err.title,
                     err.detail);
        if (rc == 0) {
            assert_string_equal(out.number, r->number);
            assert_int_equal(out.birth_year, r->y);
            assert_int_equal(out.birth_month, r->m);
            assert_int_equal(out.birth_day, r->d);
            assert_int_equal(out.birth, cal_days_from_ymd(r->y, r->m, r->d));
            assert_int_equal(out.sex, r->sex);
            assert_memory_equal(out.region, r->number, 6);
            assert_int_equal(out.region[6], '\0');
            assert_false(out.legacy15);
        } else {
            if (strcmp(err.type, r->type) != 0)
                fail_msg("%s (%s): type %s, want %s (%s)", r->value, r->source, err.type, r->type,
                         err.detail);
            assert_string_equal(err.source, IDS_SOURCE_RESIDENT);
            assert_non_null(strstr(err.title, "身份证号码"));
            assert_true(strlen(err.detail) > 0);
        }
    }
}

static void test_resident_error_details(void **state)
{
    struct sx_err err;
    (void)state;
    /* The check error names the position and the expected character. */
    sx_err_clear(&err);
    assert_int_equal(ids_resident_validate("440304198808150310", today(), NULL, &err),
                     SX_E_INVALID);
    assert_string_equal(err.title, "身份证号码校验位错误");
    assert_non_null(strstr(err.detail, "第18位"));
    assert_non_null(strstr(err.detail, "应为“X”"));
    assert_non_null(strstr(err.detail, "实际为“0”"));
    /* The char error names the position. */
    sx_err_clear(&err);
    assert_int_equal(ids_resident_validate("11010519491231A02X", today(), NULL, &err),
                     SX_E_INVALID);
    assert_non_null(strstr(err.detail, "第15位"));
    /* A non-ASCII byte is described, never echoed (the detail stays valid UTF-8). */
    sx_err_clear(&err);
    assert_int_equal(ids_resident_validate("1101051949123100\xC3\xA9", today(), NULL, &err),
                     SX_E_INVALID);
    assert_null(strchr(err.detail, '\xC3'));
    assert_int_equal(ids_resident_validate(NULL, today(), NULL, NULL), SX_E_INVALID);
}

struct res15_row {
    const char *value;
    int rc;
    const char *type;
    const char *number18;
    enum ids_sex sex;
    const char *source;
};

static const struct res15_row res15_rows[] = {
    {"440304880815031", 0, NULL, "44030419880815031X", IDS_SEX_MALE,
     "examples.csv legacy row; 18-digit form from examples-supplement.csv"},
    {"440304880230031", SX_E_INVALID, "id-number-birth-date", NULL, 0,
     "examples.csv: 1988-02-30 does not exist"},
    {"44030488081503", SX_E_INVALID, "id-number-length", NULL, 0, "14 digits"},
    {"44030419880815031X", SX_E_INVALID, "id-number-length", NULL, 0, "18 characters"},
    {"44030488081503X", SX_E_INVALID, "id-number-char", NULL, 0,
     "no check character in 15-digit form"},
    {"940304880815031", SX_E_INVALID, "id-number-region", NULL, 0, "first digit 9"},
};

static void test_resident15_rows(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(res15_rows) / sizeof(res15_rows[0]); i++) {
        const struct res15_row *r = &res15_rows[i];
        struct ids_resident out;
        struct ids_resident again;
        struct sx_err err;
        int rc;
        sx_err_clear(&err);
        rc = ids_resident15_validate(r->value, today(), &out, &err);
        if (rc != r->rc)
            fail_msg("%s (%s): rc %d, want %d; %s", r->value, r->source, rc, r->rc, err.detail);
        if (rc == 0) {
            assert_string_equal(out.number, r->number18);
            assert_int_equal(out.sex, r->sex);
            assert_true(out.legacy15);
            assert_int_equal(out.birth_year, 1988);
            /* The upgraded number is itself valid and says the same. */
            assert_int_equal(ids_resident_validate(out.number, today(), &again, NULL), 0);
            assert_int_equal(again.birth, out.birth);
            assert_int_equal(again.sex, out.sex);
        } else if (strcmp(err.type, r->type) != 0) {
            fail_msg("%s (%s): type %s, want %s", r->value, r->source, err.type, r->type);
        }
    }
}

/* ---- unified social credit codes ------------------------------------ */

struct uscc_row {
    const char *value;
    int rc;
    const char *type; /* expected slug when rc != 0 */
    const char *code; /* canonical form when rc == 0 */
    bool org_code_ok; /* GB 11714 inner check, when rc == 0 */
    const char *type_name;
    const char *source;
};

static const struct uscc_row uscc_rows[] = {
    {"91440300MA5F3K7L7R", 0, NULL, "91440300MA5F3K7L7R", true, "企业",
     "examples.csv + supplement: outer and inner checks hold"},
    {"1233000047002615XL", 0, NULL, "1233000047002615XL", true, "事业单位",
     "examples.csv: 12 = 机构编制/事业单位"},
    {"52110108MJ01234562", 0, NULL, "52110108MJ01234562", true, "民办非企业单位",
     "examples.csv: 52 = 民政/民办非企业单位"},
    {"93510107MA6C8BQ91N", 0, NULL, "93510107MA6C8BQ91N", true, "农民专业合作社",
     "examples.csv: 93 = 工商/农民专业合作社"},
    {"91110105MA00003490", 0, NULL, "91110105MA00003490", true, "企业",
     "examples.csv: 31 - (sum mod 31) = 31 so check char 0"},
    {"91440300ma5f3k7l7r", 0, NULL, "91440300MA5F3K7L7R", true, "企业",
     "examples.csv marks lowercase invalid as stored, uppercase on input: accepted, canonical "
     "uppercase (ids.h)"},
    {"91440300MA5F3K7L04", 0, NULL, "91440300MA5F3K7L04", false, "企业",
     "examples-supplement.csv: outer check ok, inner GB 11714 check wrong (reported, not "
     "enforced)"},
    {"Y1510107P8K2M4Q73N", 0, NULL, "Y1510107P8K2M4Q73N", true, "其他（不再划分机构类别）",
     "examples-supplement.csv: authority Y is legal in GB 32100"},
    {"92650102L3T9W27BX5", 0, NULL, "92650102L3T9W27BX5", true, "个体工商户",
     "examples-supplement.csv: 92 individual business"},
    {"91110000600037341L", 0, NULL, "91110000600037341L", true, "企业",
     "supplement.md: public example of python-stdnum cn/uscc.py"},
    {"A1110000MA0000000G", 0, NULL, "A1110000MA0000000G", false, "军队事业单位",
     "computed: authority A (中央军委改革和编制办公室)"},
    {"N2110000MA00000001", 0, NULL, "N2110000MA00000001", false, "村级集体经济组织",
     "computed: authority N (农业)"},
    {"91440300MA5F3K7L70", SX_E_INVALID, "uscc-check", NULL, false, NULL,
     "examples.csv: wrong check character"},
    {"1233000047002615X0", SX_E_INVALID, "uscc-check", NULL, false, NULL,
     "examples.csv: wrong check character"},
    {"52110108MJ01234560", SX_E_INVALID, "uscc-check", NULL, false, NULL,
     "examples.csv: wrong check character"},
    {"93510107MA6C8BQ910", SX_E_INVALID, "uscc-check", NULL, false, NULL,
     "examples.csv: wrong check character"},
    {"91440300MA5F3K7I2N", SX_E_INVALID, "uscc-char", NULL, false, NULL,
     "examples.csv: contains I (not in the alphabet)"},
    {"91440300MA5F3K7LOR", SX_E_INVALID, "uscc-char", NULL, false, NULL, "contains O"},
    {"91440300MA5F3K7LZR", SX_E_INVALID, "uscc-char", NULL, false, NULL, "contains Z"},
    {"91440300MA5F3K7L7S", SX_E_INVALID, "uscc-char", NULL, false, NULL, "check position S"},
    {"91440300MA5F3K7L7V", SX_E_INVALID, "uscc-char", NULL, false, NULL, "check position V"},
    {"91440300MA5F3K7L7-", SX_E_INVALID, "uscc-char", NULL, false, NULL, "punctuation"},
    {"B1440300MA5F3K7L7P", SX_E_INVALID, "uscc-authority", NULL, false, NULL,
     "computed: authority B is not in the GB 32100 table (check char right)"},
    {"01440300MA5F3K7L73", SX_E_INVALID, "uscc-authority", NULL, false, NULL,
     "computed: authority 0"},
    {"94440300MA5F3K7L7G", SX_E_INVALID, "uscc-type", NULL, false, NULL,
     "computed: 工商 has types 1-3 only"},
    {"Y2510107P8K2M4Q73K", SX_E_INVALID, "uscc-type", NULL, false, NULL,
     "computed: authority Y uses type 1 only"},
    {"54110108MJ0123456U", SX_E_INVALID, "uscc-type", NULL, false, NULL,
     "computed: 民政 has types 1, 2, 3, 9"},
    {"9144A300MA5F3K7L7M", SX_E_INVALID, "uscc-region", NULL, false, NULL,
     "computed: letter in the region code (characters 3-8)"},
    {"91440300MA5F3K7L7", SX_E_INVALID, "uscc-length", NULL, false, NULL, "17 characters"},
    {"91440300MA5F3K7L7RR", SX_E_INVALID, "uscc-length", NULL, false, NULL, "19 characters"},
    {"", SX_E_INVALID, "uscc-length", NULL, false, NULL, "empty"},
};

static void test_uscc_rows(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(uscc_rows) / sizeof(uscc_rows[0]); i++) {
        const struct uscc_row *r = &uscc_rows[i];
        struct ids_uscc out;
        struct sx_err err;
        int rc;
        memset(&out, 0, sizeof(out));
        sx_err_clear(&err);
        rc = ids_uscc_validate(r->value, &out, &err);
        if (rc != r->rc)
            fail_msg("%s (%s): rc %d, want %d; %s %s", r->value, r->source, rc, r->rc, err.title,
                     err.detail);
        if (rc == 0) {
            assert_string_equal(out.code, r->code);
            assert_int_equal(out.authority, r->code[0]);
            assert_int_equal(out.type, r->code[1]);
            assert_memory_equal(out.region, r->code + 2, 6);
            assert_non_null(out.authority_name);
            assert_string_equal(out.type_name, r->type_name);
            if (out.org_code_ok != r->org_code_ok)
                fail_msg("%s (%s): org_code_ok %d, want %d", r->value, r->source, out.org_code_ok,
                         r->org_code_ok);
        } else {
            if (strcmp(err.type, r->type) != 0)
                fail_msg("%s (%s): type %s, want %s (%s)", r->value, r->source, err.type, r->type,
                         err.detail);
            assert_string_equal(err.source, IDS_SOURCE_USCC);
            assert_non_null(strstr(err.title, "统一社会信用代码"));
        }
    }
}

static void test_uscc_error_details(void **state)
{
    struct sx_err err;
    (void)state;
    sx_err_clear(&err);
    assert_int_equal(ids_uscc_validate("91440300MA5F3K7L70", NULL, &err), SX_E_INVALID);
    assert_string_equal(err.title, "统一社会信用代码校验码错误");
    assert_non_null(strstr(err.detail, "应为“R”"));
    sx_err_clear(&err);
    assert_int_equal(ids_uscc_validate("94440300MA5F3K7L7G", NULL, &err), SX_E_INVALID);
    assert_non_null(strstr(err.detail, "工商"));
    assert_non_null(strstr(err.detail, "1/2/3"));
    sx_err_clear(&err);
    assert_int_equal(ids_uscc_validate("91440300MA5F3K7I2N", NULL, &err), SX_E_INVALID);
    assert_non_null(strstr(err.detail, "第16位"));
}

/* ---- bank cards ----------------------------------------------------- */

struct luhn_row {
    const char *value;
    bool luhn;
    bool card;
    const char *source;
};

static const struct luhn_row luhn_rows[] = {
    {"6222021234567890128", true, true, "examples.csv: Luhn check digit 8"},
    {"6222021234567890129", false, false, "examples.csv: last digit +1"},
    {"6217009876543210981", true, true, "examples.csv"},
    {"6217009876543210982", false, false, "examples.csv: last digit +1"},
    {"6234567812345679", true, true, "examples.csv: 16 digits"},
    {"6234567812345670", false, false, "examples.csv: last digit +1"},
    {"6228480012345678903", true, true, "examples.csv"},
    {"6228480012345678904", false, false, "examples.csv: last digit +1"},
    {"4111111111111111", true, true, "examples.csv: Visa test number"},
    {"4111111111111112", false, false, "examples.csv: last digit +1"},
    {"6222012234567890128", false, false, "examples.csv: adjacent digits swapped"},
    {"79927398713", true, false, "classic Luhn example; 11 digits is too short for a card"},
    {"00", true, false, "shortest Luhn string"},
    {"0", false, false, "one digit has no check digit"},
    {"", false, false, "empty"},
    {"4111 1111 1111 1111", false, false, "spaces are not digits (strip first)"},
    {"41111111111111111115", true, false,
     "computed: 20 digits, Luhn-valid but too long for a card"},
};

static void test_luhn_rows(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(luhn_rows) / sizeof(luhn_rows[0]); i++) {
        const struct luhn_row *r = &luhn_rows[i];
        if (ids_luhn_valid(r->value) != r->luhn)
            fail_msg("luhn(%s) (%s) != %d", r->value, r->source, r->luhn);
        if (ids_bank_card_valid(r->value) != r->card)
            fail_msg("card(%s) (%s) != %d", r->value, r->source, r->card);
    }
    assert_false(ids_luhn_valid(NULL));
    assert_false(ids_bank_card_valid(NULL));
}

static void test_examples_11_digit_card_row(void **state)
{
    (void)state;
    /* examples.csv: 62220212345, 11 digits, "too short for a card" */
    assert_false(ids_bank_card_valid("62220212345"));
}

/* ---- generators ----------------------------------------------------- */

static uint32_t next_rand(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

static void test_resident_make_round_trip(void **state)
{
    static const char *regions[] = {"110105", "440304", "530102", "650102", "810000", "830000"};
    int32_t lo = cal_days_from_ymd(1900, 1, 1);
    uint32_t seed = 11643;
    (void)state;
    for (int i = 0; i < 2000; i++) {
        const char *region = regions[next_rand(&seed) % 6];
        int32_t birth = lo + (int32_t)(next_rand(&seed) % (uint32_t)(today() - lo + 1));
        int seq = (int)(next_rand(&seed) % 1000);
        char num[IDS_BUFSZ];
        struct ids_resident out;
        struct sx_err err;
        sx_err_clear(&err);
        assert_int_equal(ids_resident_make(region, birth, seq, num, &err), 0);
        assert_int_equal(strlen(num), 18);
        sx_err_clear(&err);
        if (ids_resident_validate(num, today(), &out, &err) != 0)
            fail_msg("generated %s does not validate: %s", num, err.detail);
        assert_string_equal(out.number, num);
        assert_int_equal(out.birth, birth);
        assert_int_equal(out.sex, seq % 2 == 1 ? IDS_SEX_MALE : IDS_SEX_FEMALE);
        /* MOD 11-2 catches every single-character substitution (supplement.md). */
        for (int pos = 0; pos < 18; pos++) {
            char bad[IDS_BUFSZ];
            memcpy(bad, num, sizeof(bad));
            bad[pos] = bad[pos] == '9' ? '0' : bad[pos] == 'X' ? '0' : (char)(bad[pos] + 1);
            if (ids_resident_validate(bad, today(), NULL, NULL) == 0)
                fail_msg("%s with position %d changed (%s) still validates", num, pos + 1, bad);
        }
    }
}

static void test_resident_make_rejects(void **state)
{
    char num[IDS_BUFSZ];
    struct sx_err err;
    int32_t b = cal_days_from_ymd(1990, 1, 1);
    (void)state;
    sx_err_clear(&err);
    assert_int_equal(ids_resident_make("000000", b, 1, num, &err), SX_E_INVALID);
    assert_string_equal(err.type, "id-number-region");
    sx_err_clear(&err);
    assert_int_equal(ids_resident_make("11010", b, 1, num, &err), SX_E_INVALID);
    assert_string_equal(err.type, "id-number-region");
    sx_err_clear(&err);
    assert_int_equal(ids_resident_make("11A105", b, 1, num, &err), SX_E_INVALID);
    assert_string_equal(err.type, "id-number-char");
    sx_err_clear(&err);
    assert_int_equal(ids_resident_make("110105", b, 1000, num, &err), SX_E_INVALID);
    assert_string_equal(err.type, "id-number-sequence");
    sx_err_clear(&err);
    assert_int_equal(ids_resident_make("110105", b, -1, num, &err), SX_E_INVALID);
    sx_err_clear(&err);
    assert_int_equal(ids_resident_make("110105", cal_days_from_ymd(1899, 12, 31), 1, num, &err),
                     SX_E_INVALID);
    assert_string_equal(err.type, "id-number-birth-early");
    /* The GB 11643 sample number is reproduced from its parts. */
    assert_int_equal(ids_resident_make("110105", cal_days_from_ymd(1949, 12, 31), 2, num, NULL), 0);
    assert_string_equal(num, "11010519491231002X");
    assert_int_equal(ids_resident_check_char("11010519491231002"), 'X');
    assert_int_equal(ids_resident_check_char("1101051949123100A"), 0);
}

static void test_uscc_make_round_trip(void **state)
{
    static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    static const char *prefixes[] = {"11", "12", "13", "19", "21", "31", "35", "39", "41", "51",
                                     "52", "53", "59", "61", "62", "71", "72", "81", "89", "91",
                                     "92", "93", "A1", "A9", "N1", "N2", "N3", "N9", "Y1"};
    uint32_t seed = 32100;
    (void)state;
    for (int i = 0; i < 3000; i++) {
        char first17[18], code[IDS_BUFSZ];
        struct ids_uscc out;
        struct sx_err err;
        memcpy(first17, prefixes[next_rand(&seed) % (sizeof(prefixes) / sizeof(prefixes[0]))], 2);
        for (int k = 2; k < 8; k++)
            first17[k] = (char)('0' + next_rand(&seed) % 10);
        for (int k = 8; k < 17; k++)
            first17[k] = alphabet[next_rand(&seed) % 31];
        first17[17] = '\0';
        sx_err_clear(&err);
        assert_int_equal(ids_uscc_make(first17, code, &err), 0);
        assert_memory_equal(code, first17, 17);
        sx_err_clear(&err);
        if (ids_uscc_validate(code, &out, &err) != 0)
            fail_msg("generated %s does not validate: %s", code, err.detail);
        assert_string_equal(out.code, code);
        /* MOD 31 with weights coprime to 31 catches every substitution. */
        for (int pos = 0; pos < 18; pos++) {
            char bad[IDS_BUFSZ];
            const char *at;
            memcpy(bad, code, sizeof(bad));
            at = strchr(alphabet, bad[pos]);
            assert_non_null(at);
            bad[pos] = alphabet[(at - alphabet + 1 + (int)(next_rand(&seed) % 30)) % 31];
            if (ids_uscc_validate(bad, NULL, NULL) == 0)
                fail_msg("%s with position %d changed (%s) still validates", code, pos + 1, bad);
        }
    }
}

static void test_uscc_make_rejects(void **state)
{
    char code[IDS_BUFSZ];
    struct sx_err err;
    (void)state;
    /* examples.csv row without its check char, lowercase: completed uppercase. */
    assert_int_equal(ids_uscc_make("91440300ma5f3k7l7", code, NULL), 0);
    assert_string_equal(code, "91440300MA5F3K7L7R");
    sx_err_clear(&err);
    assert_int_equal(ids_uscc_make("91440300MA5F3K7L", code, &err), SX_E_INVALID);
    assert_string_equal(err.type, "uscc-length");
    sx_err_clear(&err);
    assert_int_equal(ids_uscc_make("91440300MA5F3K7L7R", code, &err), SX_E_INVALID);
    assert_string_equal(err.type, "uscc-length");
    sx_err_clear(&err);
    assert_int_equal(ids_uscc_make("91440300MA5F3K7I2", code, &err), SX_E_INVALID);
    assert_string_equal(err.type, "uscc-char");
    sx_err_clear(&err);
    assert_int_equal(ids_uscc_make("Z1440300MA5F3K7L7", code, &err), SX_E_INVALID);
    assert_string_equal(err.type, "uscc-char");
    sx_err_clear(&err);
    assert_int_equal(ids_uscc_make("B1440300MA5F3K7L7", code, &err), SX_E_INVALID);
    assert_string_equal(err.type, "uscc-authority");
    sx_err_clear(&err);
    assert_int_equal(ids_uscc_make("99440300MA5F3K7L7", code, &err), SX_E_INVALID);
    assert_string_equal(err.type, "uscc-type");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resident_rows),
        cmocka_unit_test(test_resident_error_details),
        cmocka_unit_test(test_resident15_rows),
        cmocka_unit_test(test_uscc_rows),
        cmocka_unit_test(test_uscc_error_details),
        cmocka_unit_test(test_luhn_rows),
        cmocka_unit_test(test_examples_11_digit_card_row),
        cmocka_unit_test(test_resident_make_round_trip),
        cmocka_unit_test(test_resident_make_rejects),
        cmocka_unit_test(test_uscc_make_round_trip),
        cmocka_unit_test(test_uscc_make_rejects),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
