/*
 * catalog: the catalogue of full-process record types (全过程记录类型目录).
 *
 * Every step a case can record (投诉举报登记, 询问笔录, 事先告知, the five
 * service modes, 中止, 更正 ...) is a record type defined as data in
 * data/records/catalog.json: a key, a Chinese name, the provisions that
 * require it (Yunnan 附件2 第九条 items 一-二十二 YN-2-09, Wenshang 第八-十九条
 * WS-08..WS-19, Hubei 附件2 第四条 HB-2-04 ...), the case kinds that may hold
 * it, whether it is an on-site act (needs two officers with valid
 * credentials, Yunnan 附件1 第八条 YN-1-08, Beijing 二(二)1 BJ-2.2-1), whether
 * continuous audio-video is mandatory (Hubei 附件2 第十三条 HB-2-13, Yunnan
 * 附件2 第十二条 YN-2-12) or advised, and its typed fields.
 *
 * cat_load checks the catalogue itself; cat_validate_body checks one record
 * body against its type, strictly: unknown type, unknown field, missing
 * required field, wrong JSON type, malformed or future date, over-long
 * string, value outside an enum or range all fail with a zh-CN error naming
 * the field (err->field) and citing the record type's provisions
 * (err->source).
 *
 * Field types: string (one line), text (multi-line), date (YYYY-MM-DD),
 * datetime (YYYY-MM-DDTHH:MM:SS with optional Z or +HH:MM), int, money_fen
 * (non-negative integer amount in fen, at most 2^53-1 so browsers read it
 * exactly), bool, enum, user_ids (array of distinct positive integer user
 * ids), string_list, object (optionally with nested fields), record_ref (the
 * id of another record, a positive integer as the store assigns it; used by
 * 更正 to point at the corrected record, YN-2-20 — that it belongs to the
 * same case is the caller's check, the catalogue cannot see the store).
 *
 * Body conventions: JSON null and empty (or all-blank) strings and empty
 * arrays count as "absent", so a form that sends "" for an empty input is
 * treated like one that omits it. Lengths are counted in characters (Unicode
 * code points), as users count them.
 *
 * Pure: no I/O, no clock ("today" is passed in), no globals.
 *
 * Ownership: cat_load returns a catalogue the caller frees with cat_free.
 * Every pointer reachable from it (types, fields, strings) lives until then.
 * The text and JSON bodies passed in are borrowed only during the call. A
 * loaded catalogue is read-only and may be shared between threads.
 */
#ifndef CORE_CATALOG_H
#define CORE_CATALOG_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sx_err.h"

/* Largest catalogue text cat_load accepts. */
#define CAT_TEXT_MAX (4 * 1024 * 1024)

/* Largest money_fen / int / user id value: 2^53 - 1 (exact in a JS number). */
#define CAT_INT_MAX 9007199254740991LL

/* Default max_len (characters) when a field does not set one. */
#define CAT_STRING_MAX_DEFAULT 200
#define CAT_TEXT_MAX_DEFAULT 20000

/* Source cited for errors about the catalogue as a whole. */
#define CAT_SOURCE "记录类型目录 (data/records/catalog.json); 云南 附件2 第九条 (YN-2-09)"

enum cat_ftype {
    CAT_F_STRING,
    CAT_F_TEXT,
    CAT_F_DATE,
    CAT_F_DATETIME,
    CAT_F_INT,
    CAT_F_MONEY_FEN,
    CAT_F_BOOL,
    CAT_F_ENUM,
    CAT_F_USER_IDS,
    CAT_F_STRING_LIST,
    CAT_F_OBJECT,
    CAT_F_RECORD_REF,
};

/* One allowed value of an enum field. */
struct cat_enum_value {
    const char *value;    /* stored value, snake_case */
    const char *label_zh; /* shown to users */
};

/* Condition "required when another field of the same level has this value". */
struct cat_required_if {
    const char *field; /* NULL: no condition */
    bool is_bool;      /* compare with equals_bool, else with equals_str */
    bool equals_bool;
    const char *equals_str;
};

/* One field of a record type. Attributes that do not apply to the type are zero. */
struct cat_field {
    const char *name;     /* snake_case JSON member name */
    const char *label_zh; /* shown to users and in errors */
    enum cat_ftype type;
    bool required;
    struct cat_required_if required_if;
    const struct cat_enum_value *values; /* enum */
    size_t n_values;
    size_t max_len;        /* string, text, string_list items: characters */
    bool has_min, has_max; /* int, money_fen */
    long long min, max;
    size_t min_items, max_items;    /* user_ids, string_list; max_items 0 = no limit */
    bool future_ok;                 /* date, datetime: may lie after "today" */
    bool must_be_true;              /* bool: false is refused (e.g. 已出示执法证件) */
    const struct cat_field *fields; /* object: nested fields (NULL = free-form object) */
    size_t n_fields;
};

/* A provision a record type implements. */
struct cat_source {
    const char *id;  /* PROVISIONS.md id such as "YN-2-09", or NULL for national law */
    const char *ref; /* article text reference, e.g. "云南 附件2 第九条（三）" */
};

/* One record type. */
struct cat_type {
    const char *key;     /* snake_case, e.g. "inquiry_transcript" */
    const char *name_zh; /* e.g. "询问（调查）笔录" */
    const struct cat_source *sources;
    size_t n_sources;
    const char *source_text;  /* sources joined for sx_err.source ("ref (id); ...") */
    const char *const *kinds; /* case kinds that may hold it: penalty, coercion, ... */
    size_t n_kinds;
    bool onsite;      /* on-site act: >= 2 officers with valid credentials (YN-1-08, BJ-2.2-1) */
    bool av_required; /* continuous audio-video mandatory (HB-2-13, YN-2-12, WS-12, BJ-2.2-3) */
    bool av_advised;  /* audio-video per situation (YN-2-12 second half, HB-2-12, WS-05) */
    const struct cat_field *fields;
    size_t n_fields;
};

/* A case kind the catalogue knows. */
struct cat_kind {
    const char *key;
    const char *name_zh;
};

struct cat_catalog;

/*
 * Parse and check a catalogue. text is the JSON text (len bytes, no NUL
 * needed). Checks: JSON syntax (duplicate members refused), only known
 * members at every level, version 1, snake_case keys unique (types, kinds,
 * fields within a type and against the common fields), known field types,
 * attributes only where they apply (values only for enum, max_len only for
 * strings ...), enum values unique, min <= max, required_if naming another
 * field of the same level with a compatible value, every source with a
 * reference and a well-formed provision id, kinds known, every on-site type
 * having a required "officers" user_ids field (the two-officer gate reads
 * it), and a "correction" type with a required record_ref "corrects"
 * (YN-2-20: a correction is a new record pointing at the old one).
 *
 * Returns 0 and *out (free with cat_free), or SX_E_INVALID (detail and
 * err->field name the offending place, e.g. "types[3].fields[2].type"),
 * SX_E_TOOBIG above CAT_TEXT_MAX, SX_E_NOMEM.
 */
int cat_load(const char *text, size_t len, struct cat_catalog **out, struct sx_err *err) SX_WUR;

/* Release a catalogue. NULL is fine. */
void cat_free(struct cat_catalog *cat);

/* Number of record types, and the i-th in file order (NULL when i is out of range). */
size_t cat_type_count(const struct cat_catalog *cat);
const struct cat_type *cat_type_at(const struct cat_catalog *cat, size_t i);

/* The type with this key, or NULL. */
const struct cat_type *cat_find(const struct cat_catalog *cat, const char *key);

/* Fields every type accepts in addition to its own (备注, 附件). */
size_t cat_common_field_count(const struct cat_catalog *cat);
const struct cat_field *cat_common_field_at(const struct cat_catalog *cat, size_t i);

/* Case kinds the catalogue knows, in file order. */
size_t cat_kind_count(const struct cat_catalog *cat);
const struct cat_kind *cat_kind_at(const struct cat_catalog *cat, size_t i);

/* The field named name of type t (its own fields, then the common ones), or NULL. */
const struct cat_field *cat_field_find(const struct cat_catalog *cat, const struct cat_type *t,
                                       const char *name);

/* True if a case of kind may hold records of type t. */
bool cat_type_allows_kind(const struct cat_type *t, const char *kind);

/* Name of a field type as written in the catalogue ("money_fen"), never NULL. */
const char *cat_ftype_name(enum cat_ftype type);

/*
 * Validate body (a JSON object) as a record of type type_key. today is
 * "YYYY-MM-DD" or NULL: when given, date and datetime fields not marked
 * future_ok may not lie after it (a record states what happened).
 *
 * Returns 0, or SX_E_INVALID with err->type one of "unknown-record-type",
 * "record-body-not-object", "unknown-field", "missing-field",
 * "wrong-field-type", "invalid-date", "field-too-long", "invalid-enum-value",
 * "value-out-of-range", "duplicate-value", "date-in-future",
 * "must-be-true", "invalid-today"; err->field is the field name (nested:
 * "parent.child"), err->source the record type's provisions. The first
 * problem found is reported: unknown members first, then fields in catalogue
 * order.
 */
int cat_validate_body(const struct cat_catalog *cat, const char *type_key, const json_t *body,
                      const char *today, struct sx_err *err) SX_WUR;

#endif
