/*
 * ids: validation of Chinese identifiers that appear in case files:
 * resident identity numbers (公民身份号码, GB 11643-1999, incl. the 15-digit
 * legacy form and the Hong Kong/Macao/Taiwan residence permits that share
 * its layout), unified social credit codes (统一社会信用代码, GB 32100-2015),
 * and the Luhn check of bank card numbers. Also generators of valid numbers
 * for synthetic demo data.
 *
 * Each validator either accepts and returns the parts of the identifier, or
 * fills struct sx_err with a distinct type slug per failure and a zh-CN
 * title/detail naming the position and what was expected.
 *
 * Case: input is normalised, not refused. A lowercase 'x' check character
 * of a resident ID and lowercase letters of a USCC are accepted and the
 * canonical uppercase form is returned in the out struct (store that one).
 * pii-cn/examples.csv marks such values invalid "as stored" and asks to
 * normalise on input; the validators are that input step.
 *
 * Pure: no I/O, no clock. "today" is passed in as a cal.h day number.
 *
 * Ownership: callers own every struct and buffer passed in; the type names in
 * struct ids_uscc point at static strings.
 */
#ifndef CORE_IDS_H
#define CORE_IDS_H

#include <stdbool.h>
#include <stdint.h>

#include "sx_err.h"

#define IDS_SOURCE_RESIDENT "GB 11643-1999"
#define IDS_SOURCE_USCC "GB 32100-2015"

/* Bytes for an 18-character identifier and its NUL. */
#define IDS_BUFSZ 19

enum ids_sex {
    IDS_SEX_FEMALE = 0, /* sequence code even */
    IDS_SEX_MALE = 1,   /* sequence code odd */
};

/* A validated resident identity number. */
struct ids_resident {
    char number[IDS_BUFSZ]; /* canonical 18-character form (uppercase X); for a 15-digit
                               input, its upgrade to 18 characters */
    char region[7];         /* address code, 6 digits (GB/T 2260) */
    int32_t birth;          /* birth date, cal.h day number */
    int birth_year, birth_month, birth_day;
    enum ids_sex sex;
    bool legacy15; /* input was the 15-digit pre-1999 form */
};

/*
 * Validate an 18-character resident identity number (NUL-terminated s).
 * Checks in order: length 18; 17 digits then a digit or X/x; address code
 * (first digit 1-8 and a province-level code of GB/T 2260, incl. 81/82/83
 * for residence permits); birth date YYYYMMDD exists, is not before
 * 1900-01-01 and not after today; check character (ISO 7064 MOD 11-2).
 * Returns 0 and fills *out (may be NULL), or SX_E_INVALID with type
 * "id-number-length", "id-number-char", "id-number-region",
 * "id-number-birth-date", "id-number-birth-early", "id-number-birth-future"
 * or "id-number-check"; source GB 11643-1999.
 */
int ids_resident_validate(const char *s, int32_t today, struct ids_resident *out,
                          struct sx_err *err) SX_WUR;

/*
 * Validate a legacy 15-digit number (before 1999: address code 6, birth date
 * YYMMDD meaning 19YYMMDD, sequence 3, no check character). Same address and
 * date rules and error types as ids_resident_validate. On success *out holds
 * the upgraded 18-character number and legacy15 = true.
 */
int ids_resident15_validate(const char *s, int32_t today, struct ids_resident *out,
                            struct sx_err *err) SX_WUR;

/*
 * The GB 11643 check character ('0'-'9' or 'X') of the 17 digits at
 * first17, or 0 if any of them is not a digit.
 */
char ids_resident_check_char(const char *first17);

/*
 * Generate a valid resident identity number for synthetic data from an
 * address code (6 digits, same rule as the validator), a birth date (day
 * number, year 1900-9999) and a sequence code 0-999 (odd = male). Writes
 * 18 characters and NUL to out. Returns 0 or SX_E_INVALID (same slugs).
 */
int ids_resident_make(const char *region6, int32_t birth, int seq, char out[IDS_BUFSZ],
                      struct sx_err *err) SX_WUR;

/* A validated unified social credit code. */
struct ids_uscc {
    char code[IDS_BUFSZ];       /* canonical uppercase form */
    char authority;             /* 登记管理部门代码, e.g. '9' */
    char type;                  /* 机构类别代码, e.g. '1' */
    const char *authority_name; /* e.g. "工商", static */
    const char *type_name;      /* e.g. "企业", static */
    char region[7];             /* 登记管理机关行政区划码 */
    /*
     * Characters 9-17 also pass the GB 11714 organisation-code check. Not
     * required (many synthetic and some old codes fail it); a detector may
     * use it to raise confidence.
     */
    bool org_code_ok;
};

/*
 * Validate a unified social credit code (NUL-terminated s, case-insensitive).
 * Checks in order: length 18; every character in 0-9 A-H J-N P-R T-U W-Y
 * (no I, O, S, V, Z); registration authority (character 1) and organisation
 * type (character 2) in the table of GB 32100-2015 (with the later A and N
 * authorities); characters 3-8 digits; check character (MOD 31, weights
 * 3^i mod 31). Returns 0 and fills *out (may be NULL) or SX_E_INVALID with
 * type "uscc-length", "uscc-char", "uscc-authority", "uscc-type",
 * "uscc-region" or "uscc-check"; source GB 32100-2015.
 */
int ids_uscc_validate(const char *s, struct ids_uscc *out, struct sx_err *err) SX_WUR;

/*
 * Complete a USCC for synthetic data: validate its first 17 characters (the
 * rules above, case-insensitive) and write them uppercased plus the check
 * character and NUL to out. Returns 0 or SX_E_INVALID (same slugs).
 */
int ids_uscc_make(const char *first17, char out[IDS_BUFSZ], struct sx_err *err) SX_WUR;

/*
 * True if digits (NUL-terminated) is 2 or more decimal digits passing the
 * Luhn mod 10 check. Anything else (empty, spaces, letters) is false.
 */
bool ids_luhn_valid(const char *digits);

/* A bank card number: 13-19 digits passing Luhn. */
bool ids_bank_card_valid(const char *digits);

#endif
