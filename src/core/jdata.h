/*
 * jdata: strict reading of the rule-data files (record catalogue, workflow
 * definitions): unknown members refused, required strings present, optional
 * booleans and bounded integers typed. Every error names the JSON path and
 * carries the file kind's own problem type, title and source, given once in a
 * struct jd_kind.
 *
 * Ownership: strings are copied into the caller's arena.
 */
#ifndef CORE_JDATA_H
#define CORE_JDATA_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "sx_arena.h"
#include "sx_err.h"

/* What a load error of one kind of file says. */
struct jd_kind {
    const char *type;         /* problem type slug, e.g. "invalid-catalog" */
    const char *title;        /* zh-CN, e.g. "记录类型目录有误" */
    const char *source;       /* the file and rule it implements */
    const char *what;         /* zh-CN noun for messages, e.g. "记录类型目录" */
    const char *too_big_type; /* problem type when the text is over the size limit */
};

/*
 * Parse text (at most max bytes, duplicate keys refused) into *root, which
 * must be an object with only the allowed top-level members. The caller
 * owns *root (json_decref). SX_E_TOOBIG, or SX_E_INVALID with line/column.
 */
int jd_parse_root(const struct jd_kind *k, const char *text, size_t len, size_t max,
                  const char *const *allowed, json_t **root, struct sx_err *err) SX_WUR;

/* SX_E_INVALID at path with a printf-formatted detail. */
int jd_fail(const struct jd_kind *k, struct sx_err *err, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* SX_E_NOMEM while loading. */
int jd_nomem(const struct jd_kind *k, struct sx_err *err);

/* printf into a fixed path buffer (truncation is harmless in messages). */
void jd_path(char *dst, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* snake_case, starting with a letter, at most max bytes. */
bool jd_is_snake(const char *s, size_t max);

/* Refuse members of obj not in allowed (NULL-terminated). */
int jd_check_members(const struct jd_kind *k, const json_t *obj, const char *const *allowed,
                     const char *path, struct sx_err *err) SX_WUR;

/* A required non-empty string member (no NUL inside), copied into a. */
int jd_need_str(const struct jd_kind *k, struct sx_arena *a, const json_t *obj, const char *key,
                const char *path, const char **out, struct sx_err *err) SX_WUR;

/* An optional boolean member (absent: false). */
int jd_opt_bool(const struct jd_kind *k, const json_t *obj, const char *key, const char *path,
                bool *out, struct sx_err *err) SX_WUR;

/* An optional integer member in [lo, hi] (absent: *present = false, *out = 0). */
int jd_opt_int(const struct jd_kind *k, const json_t *obj, const char *key, const char *path,
               long long lo, long long hi, bool *present, long long *out,
               struct sx_err *err) SX_WUR;

#endif
