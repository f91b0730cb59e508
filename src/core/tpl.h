/*
 * tpl: enforcement-document templates (文书模板) — a logic-less text format a
 * bureau can edit, checked against the record catalogue when it is loaded, and
 * filled from a case's data into styled blocks that src/render lays out.
 *
 * Why not a library: Debian 12 ships no C mustache library (no mustach), and
 * the brief asks for an engine that stays trivially small and is not an HTML
 * engine. This one knows variables, sections and inverted sections, nothing
 * else (no partials, no lambdas, no escaping modes: output is text for a PDF).
 *
 * File format (data/templates/KEY.tpl, UTF-8; docs/documents.md has the full
 * description):
 *
 *   # comment lines and "name: value" header lines, then a line "---"
 *   title: 行政处罚决定书          (required)
 *   number: 罚决                   (optional: the form carries a 文号 whose kind
 *                                   word this is, e.g. 滇医保罚决〔2026〕3号)
 *   number_from: TYPE.MEMBER       (optional, instead: the 文号 the workflow put in
 *                                   the latest TYPE record, e.g. opinion_no)
 *   kinds: penalty                 (optional: case kinds it applies to)
 *   needs: decision                (optional: record types that must exist)
 *   source: 湖北 附件2 第二十条     (optional: the provision, cited in errors)
 *   ---
 *   = {{doc.title}}                a line's first characters give its style:
 *   ~ {{doc.number}}               "= " title, "~ " centred, "> " right-aligned,
 *   | 当事人：{{party.name}}         "| " flush left, "* " bold heading, "\" a
 *   正文段落 {{record.decision.facts}}  literal first char; else an indented
 *                                  paragraph; an empty line is vertical space.
 *
 * Placeholders: {{path}} prints a value; {{#path}}...{{/path}} repeats over an
 * array, enters an object, or shows once for true / non-empty, and is omitted
 * when empty; {{^path}}...{{/path}} shows only when path is empty. A section
 * spanning lines must have its open and close tags on lines of their own. Paths
 * (segments joined by "."; "." alone is the current list item):
 *   doc.{title,number,date,date_zh}  org.{name,short_name,address,phone,head,
 *   supervise_phone}  case.{number,cause,summary,kind_name,source_name,
 *   state_name,created_at,created_on,fine_fen,confiscation_fen,
 *   fund_recovery_fen,payment_refusal_fen}  party.*, parties[] (kind_name,
 *   name,id_number,uscc,legal_rep,address,phone)  officers[] (display_name,
 *   cert_no,post)  record.TYPE.FIELD (the latest record of TYPE)  records.TYPE[]
 *   (every record of TYPE, each with its fields, at, seq) — TYPE and FIELD from
 *   data/records/catalog.json. Inside a section, names resolve against the
 *   section's item first, then outwards. Values print by their catalogue type:
 *   dates 2026年11月3日, datetimes in UTC+8, money in yuan (1234.50), bools
 *   是/否, enums by their Chinese label, user lists and string lists joined by
 *   "、" (user ids print as the users' names when the model carries them).
 *
 * Any unknown name, malformed tag or unbalanced section is an error at load
 * time with the line number; at fill time a path through a record or party
 * that does not exist is an error ("document-data-missing"), never a blank.
 *
 * Pure: no I/O, no clock, no globals. Ownership: tpl_load returns a template
 * the caller frees with tpl_free; it borrows the catalogue, which must outlive
 * it. tpl_fill's blocks live in the caller's arena. A loaded template is
 * read-only and may be shared between threads.
 */
#ifndef CORE_TPL_H
#define CORE_TPL_H

#include <jansson.h>
#include <stddef.h>

#include "core/catalog.h"
#include "sx_arena.h"
#include "sx_err.h"

/* Largest template text accepted, and largest filled document text. */
#define TPL_TEXT_MAX (256 * 1024)
#define TPL_OUT_MAX (4 * 1024 * 1024)
#define TPL_KEY_MAX 64

/* Source cited for template errors. */
#define TPL_SOURCE "文书模板 (data/templates/*.tpl; docs/documents.md)"

enum tpl_style {
    TPL_BODY,    /* paragraph, first line indented two characters */
    TPL_TITLE,   /* "= ": centred, bold, large */
    TPL_CENTER,  /* "~ ": centred (the number line) */
    TPL_RIGHT,   /* "> ": right-aligned (signature, date) */
    TPL_LEFT,    /* "| ": flush left (form rows) */
    TPL_HEADING, /* "* ": bold, flush left */
    TPL_BLANK,   /* empty line: vertical space */
};

/* What the header of a template says. Strings live as long as the template. */
struct tpl_info {
    const char *key;         /* file stem, snake_case */
    const char *title;       /* 文书名称 */
    const char *number_word; /* kind word of its 文号, NULL: the form has no number */
    /*
     * number_from: TYPE.NAME — the form's number is the one the workflow already put in the
     * latest TYPE record's body member NAME (e.g. legal_review_opinion.opinion_no, issued with
     * the record), so the document does not get a second number. NULL when not set.
     */
    const char *number_from_type;
    const char *number_from_member;
    const char *source;       /* may be NULL */
    const char *const *kinds; /* case kinds; n_kinds 0 = any */
    size_t n_kinds;
    const char *const *needs; /* record types that must exist before it can be issued */
    size_t n_needs;
};

struct tpl_template;

/*
 * Parse and check template text (len bytes) named key against the catalogue.
 * Returns 0 and *out (free with tpl_free), or SX_E_INVALID with type
 * "template-invalid", a detail "KEY 第 N 行：..." naming the line and the
 * problem (unknown placeholder, unknown header, malformed or unbalanced tag,
 * unknown record type in needs ...) and err->field "KEY:N"; SX_E_TOOBIG above
 * TPL_TEXT_MAX; SX_E_NOMEM.
 */
int tpl_load(const struct cat_catalog *cat, const char *key, const char *text, size_t len,
             struct tpl_template **out, struct sx_err *err) SX_WUR;

/* Free a template; NULL is fine. */
void tpl_free(struct tpl_template *t);

/* The template's header. */
const struct tpl_info *tpl_info(const struct tpl_template *t);

/* 1 if the template applies to cases of kind (no kinds line: all), else 0. */
int tpl_allows_kind(const struct tpl_template *t, const char *kind);

struct tpl_block {
    enum tpl_style style;
    const char *text; /* UTF-8, may hold '\n' (line breaks inside the block) */
};

struct tpl_doc {
    struct tpl_block *blocks;
    size_t n;
};

/*
 * Fill t from model, a JSON object shaped as the paths above: {"doc": {...},
 * "org": {...}, "case": {...}, "party": {...}, "parties": [...], "officers":
 * [...], "record": {"TYPE": {...}}, "records": {"TYPE": [...]}} (user_ids
 * fields may hold objects with display_name instead of ids). Fills *out with
 * blocks in arena. SX_E_INVALID "document-data-missing" when a printed path
 * runs through an absent object (e.g. record.decision with no decision yet);
 * SX_E_TOOBIG above TPL_OUT_MAX; SX_E_NOMEM.
 */
int tpl_fill(const struct tpl_template *t, const json_t *model, struct sx_arena *arena,
             struct tpl_doc *out, struct sx_err *err) SX_WUR;

/*
 * Format a date "YYYY-MM-DD" into out (at least 48 bytes): zh != 0 gives
 * Chinese numerals "二〇二六年十一月三日", else "2026年11月3日". Returns out, or
 * NULL when date is malformed.
 */
char *tpl_format_date(const char *date, int zh, char *out, size_t cap);

#endif
