/* tpl: the document template format — load (parse + check against the catalogue) and fill. */
#include "tpl.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sx_buf.h"

#define MAX_DEPTH 16 /* nested sections */
#define MAX_SEGS 6   /* segments of a path */
#define MAX_LIST 32  /* kinds / needs entries */
#define NAME_MAX_LEN 128

/* ---- the value schema: what a path may name ---- */

enum node_kind {
    N_NONE,
    N_ROOT,
    N_DOC,
    N_ORG,
    N_CASE,
    N_PARTY,
    N_OFFICER,
    N_RECMAP,   /* record.TYPE */
    N_RECSMAP,  /* records.TYPE */
    N_RECORD,   /* one record of type rt */
    N_FIELDOBJ, /* an object field with nested fields */
    N_ITEM,     /* one string of a string_list */
};

enum fmt {
    F_STR,
    F_INT,
    F_DATE,
    F_DATE_ZH,
    F_DATETIME,
    F_MONEY,
    F_BOOL,
    F_ENUM,
    F_USERS,
    F_LIST,
};

enum shape { S_SCALAR, S_OBJECT, S_ARRAY };

struct node {
    enum node_kind kind;
    const struct cat_type *rt;     /* N_RECORD */
    const struct cat_field *field; /* N_FIELDOBJ */
};

struct tval {
    enum shape shape;
    enum fmt fmt; /* printable scalars, and arrays with F_USERS / F_LIST */
    int printable;
    struct node node;              /* S_OBJECT: the object; S_ARRAY: the element */
    const struct cat_field *field; /* F_ENUM */
};

struct fixed_field {
    const char *name;
    enum fmt fmt;
};

static const struct fixed_field doc_fields[] = {
    {"title", F_STR}, {"number", F_STR}, {"date", F_DATE}, {"date_zh", F_DATE_ZH}, {NULL, F_STR}};
static const struct fixed_field org_fields[] = {
    {"name", F_STR}, {"short_name", F_STR},      {"address", F_STR}, {"phone", F_STR},
    {"head", F_STR}, {"supervise_phone", F_STR}, {NULL, F_STR}};
static const struct fixed_field case_fields[] = {{"number", F_STR},
                                                 {"cause", F_STR},
                                                 {"summary", F_STR},
                                                 {"kind_name", F_STR},
                                                 {"source_name", F_STR},
                                                 {"state_name", F_STR},
                                                 {"created_at", F_DATETIME},
                                                 {"created_on", F_DATE},
                                                 {"fine_fen", F_MONEY},
                                                 {"confiscation_fen", F_MONEY},
                                                 {"fund_recovery_fen", F_MONEY},
                                                 {"payment_refusal_fen", F_MONEY},
                                                 {NULL, F_STR}};
static const struct fixed_field party_fields[] = {
    {"kind_name", F_STR}, {"name", F_STR},    {"id_number", F_STR}, {"uscc", F_STR},
    {"legal_rep", F_STR}, {"address", F_STR}, {"phone", F_STR},     {NULL, F_STR}};
static const struct fixed_field officer_fields[] = {
    {"display_name", F_STR}, {"cert_no", F_STR}, {"post", F_STR}, {NULL, F_STR}};

/* ---- compiled template ---- */

enum tok_kind { T_TEXT, T_VAR, T_SECT, T_END, T_BLOCK, T_EOB };

struct tok {
    enum tok_kind kind;
    int line;
    /* T_TEXT */
    const char *text;
    size_t len;
    /* T_VAR, T_SECT */
    char *segs[MAX_SEGS];
    size_t nseg;
    size_t level; /* stack index the first segment resolved in */
    struct tval val;
    int inverted;
    int pushes; /* T_SECT: 1 if entering it pushes a context */
    size_t end; /* T_SECT: index of its T_END */
    /* T_BLOCK */
    enum tpl_style style;
};

struct tpl_template {
    struct tpl_info info;
    char *key;
    char *text; /* a copy of the body the T_TEXT tokens point into */
    char *hdr;  /* header strings, one allocation */
    const char *kinds[MAX_LIST];
    const char *needs[MAX_LIST];
    struct tok *toks;
    size_t ntok, captok;
};

/* ---- loading ---- */

struct loader {
    const struct cat_catalog *cat;
    struct tpl_template *t;
    struct node stack[MAX_DEPTH + 1];
    size_t depth; /* stack[0] is the root */
    size_t open[MAX_DEPTH];
    size_t nopen;
    int line;
    struct sx_err *err;
};

static int lfail(struct loader *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int lfail(struct loader *l, const char *fmt, ...)
{
    char field[NAME_MAX_LEN];
    char detail[1024];
    va_list ap;
    snprintf(field, sizeof(field), "%s:%d", l->t->key, l->line);
    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    return SX_FAIL(l->err, SX_E_INVALID, "template-invalid", "文书模板有误", TPL_SOURCE, field,
                   "%s 第 %d 行：%s", l->t->key, l->line, detail);
}

static int nomem(struct sx_err *err)
{
    return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "template");
}

static struct tok *tok_add(struct loader *l, enum tok_kind kind)
{
    struct tpl_template *t = l->t;
    if (t->ntok == t->captok) {
        size_t cap = t->captok ? t->captok * 2 : 64;
        struct tok *n = realloc(t->toks, cap * sizeof(*n));
        if (n == NULL)
            return NULL;
        t->toks = n;
        t->captok = cap;
    }
    struct tok *k = &t->toks[t->ntok++];
    memset(k, 0, sizeof(*k));
    k->kind = kind;
    k->line = l->line;
    return k;
}

static const struct fixed_field *fixed_of(enum node_kind k)
{
    switch (k) {
    case N_DOC:
        return doc_fields;
    case N_ORG:
        return org_fields;
    case N_CASE:
        return case_fields;
    case N_PARTY:
        return party_fields;
    case N_OFFICER:
        return officer_fields;
    default:
        return NULL;
    }
}

static struct tval scalar(enum fmt f)
{
    struct tval v;
    memset(&v, 0, sizeof(v));
    v.shape = S_SCALAR;
    v.fmt = f;
    v.printable = 1;
    return v;
}

static struct tval object(enum node_kind k)
{
    struct tval v;
    memset(&v, 0, sizeof(v));
    v.shape = S_OBJECT;
    v.node.kind = k;
    return v;
}

/* The value a catalogue field gives. 0, or -1 when it cannot appear in a document. */
static int field_val(const struct cat_field *f, struct tval *v)
{
    switch (f->type) {
    case CAT_F_STRING:
    case CAT_F_TEXT:
        *v = scalar(F_STR);
        return 0;
    case CAT_F_DATE:
        *v = scalar(F_DATE);
        return 0;
    case CAT_F_DATETIME:
        *v = scalar(F_DATETIME);
        return 0;
    case CAT_F_INT:
    case CAT_F_RECORD_REF:
        *v = scalar(F_INT);
        return 0;
    case CAT_F_MONEY_FEN:
        *v = scalar(F_MONEY);
        return 0;
    case CAT_F_BOOL:
        *v = scalar(F_BOOL);
        return 0;
    case CAT_F_ENUM:
        *v = scalar(F_ENUM);
        v->field = f;
        return 0;
    case CAT_F_USER_IDS:
        *v = scalar(F_USERS);
        v->shape = S_ARRAY;
        v->node.kind = N_OFFICER;
        return 0;
    case CAT_F_STRING_LIST:
        *v = scalar(F_LIST);
        v->shape = S_ARRAY;
        v->node.kind = N_ITEM;
        return 0;
    case CAT_F_OBJECT:
        if (f->fields == NULL)
            return -1;
        *v = object(N_FIELDOBJ);
        v->node.field = f;
        return 0;
    }
    return -1;
}

/* The child name of node n. 0 and *v, or -1 when n has no such child. */
static int child(const struct loader *l, const struct node *n, const char *name, struct tval *v)
{
    const struct fixed_field *ff = fixed_of(n->kind);
    if (ff != NULL) {
        for (; ff->name != NULL; ff++) {
            if (strcmp(ff->name, name) == 0) {
                *v = scalar(ff->fmt);
                return 0;
            }
        }
        return -1;
    }
    switch (n->kind) {
    case N_ROOT:
        if (strcmp(name, "doc") == 0)
            *v = object(N_DOC);
        else if (strcmp(name, "org") == 0)
            *v = object(N_ORG);
        else if (strcmp(name, "case") == 0)
            *v = object(N_CASE);
        else if (strcmp(name, "party") == 0)
            *v = object(N_PARTY);
        else if (strcmp(name, "record") == 0)
            *v = object(N_RECMAP);
        else if (strcmp(name, "records") == 0)
            *v = object(N_RECSMAP);
        else if (strcmp(name, "parties") == 0 || strcmp(name, "officers") == 0) {
            *v = object(name[0] == 'p' ? N_PARTY : N_OFFICER);
            v->shape = S_ARRAY;
        } else
            return -1;
        return 0;
    case N_RECMAP:
    case N_RECSMAP: {
        const struct cat_type *rt = cat_find(l->cat, name);
        if (rt == NULL)
            return -1;
        *v = object(N_RECORD);
        v->node.rt = rt;
        if (n->kind == N_RECSMAP)
            v->shape = S_ARRAY;
        return 0;
    }
    case N_RECORD: {
        if (strcmp(name, "at") == 0) {
            *v = scalar(F_DATETIME);
            return 0;
        }
        if (strcmp(name, "seq") == 0) {
            *v = scalar(F_INT);
            return 0;
        }
        const struct cat_field *f = cat_field_find(l->cat, n->rt, name);
        return f == NULL ? -1 : field_val(f, v);
    }
    case N_FIELDOBJ:
        for (size_t i = 0; i < n->field->n_fields; i++) {
            if (strcmp(n->field->fields[i].name, name) == 0)
                return field_val(&n->field->fields[i], v);
        }
        return -1;
    default:
        return -1;
    }
}

static int valid_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/*
 * Split and resolve path p (NUL-terminated, trimmed) for token k: sets segs,
 * level and val. 0, or the error filled.
 */
static int resolve(struct loader *l, struct tok *k, const char *p)
{
    if (strcmp(p, ".") == 0) {
        if (l->stack[l->depth].kind != N_ITEM)
            return lfail(l, "「{{.}}」只能用在字符串列表的区段内");
        k->nseg = 0;
        k->level = l->depth;
        k->val = scalar(F_STR);
        return 0;
    }
    const char *s = p;
    while (*s != '\0') {
        const char *e = s;
        while (valid_name_char(*e))
            e++;
        if (e == s || (*e != '.' && *e != '\0'))
            return lfail(l, "占位符「%s」不是有效的名称（小写字母、数字、下划线，以 . 分隔）", p);
        if (k->nseg == MAX_SEGS)
            return lfail(l, "占位符「%s」层级过多", p);
        k->segs[k->nseg] = strndup(s, (size_t)(e - s));
        if (k->segs[k->nseg] == NULL)
            return nomem(l->err);
        k->nseg++;
        s = *e == '.' ? e + 1 : e;
        if (*e == '.' && *s == '\0')
            return lfail(l, "占位符「%s」不能以 . 结尾", p);
    }
    /* the first segment: innermost scope that has it */
    struct tval v;
    size_t lev = l->depth + 1;
    while (lev-- > 0) {
        if (child(l, &l->stack[lev], k->segs[0], &v) == 0)
            break;
    }
    if (lev == (size_t)-1)
        return lfail(l, "未知的占位符「%s」（记录类型目录与案件信息中没有「%s」）", p, k->segs[0]);
    for (size_t i = 1; i < k->nseg; i++) {
        struct tval next;
        if (v.shape != S_OBJECT)
            return lfail(l, "占位符「%s」：「%s」之下没有字段（列表须用区段 {{#...}} 展开）", p,
                         k->segs[i - 1]);
        if (child(l, &v.node, k->segs[i], &next) != 0)
            return lfail(l, "未知的占位符「%s」（没有字段「%s」）", p, k->segs[i]);
        v = next;
    }
    k->level = lev;
    k->val = v;
    return 0;
}

/* Parse the tag at s ("{{"...) into tokens; *adv gets its length. */
static int tag(struct loader *l, const char *s, size_t avail, size_t *adv)
{
    const char *close = NULL;
    for (size_t i = 2; i + 1 < avail; i++) {
        if (s[i] == '\n')
            break;
        if (s[i] == '}' && s[i + 1] == '}') {
            close = s + i;
            break;
        }
    }
    if (close == NULL)
        return lfail(l, "「{{」没有在同一行闭合");
    *adv = (size_t)(close - s) + 2;
    const char *b = s + 2;
    const char *e = close;
    char sigil = 0;
    while (b < e && (*b == ' ' || *b == '\t'))
        b++;
    if (b < e && (*b == '#' || *b == '^' || *b == '/')) {
        sigil = *b++;
        while (b < e && (*b == ' ' || *b == '\t'))
            b++;
    }
    while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    char name[NAME_MAX_LEN];
    if ((size_t)(e - b) >= sizeof(name) || e == b)
        return lfail(l, "占位符为空或过长");
    memcpy(name, b, (size_t)(e - b));
    name[e - b] = '\0';
    if (sigil == '/') {
        if (l->nopen == 0)
            return lfail(l, "「{{/%s}}」没有对应的开始标记", name);
        struct tok *open = &l->t->toks[l->open[l->nopen - 1]];
        char opened[NAME_MAX_LEN];
        opened[0] = '\0';
        for (size_t i = 0; i < open->nseg; i++) {
            if (i > 0)
                strncat(opened, ".", sizeof(opened) - strlen(opened) - 1);
            strncat(opened, open->segs[i], sizeof(opened) - strlen(opened) - 1);
        }
        if (open->nseg == 0)
            strncat(opened, ".", sizeof(opened) - 1);
        if (strcmp(opened, name) != 0)
            return lfail(l, "「{{/%s}}」与开始标记「%s」不匹配", name, opened);
        size_t idx = l->open[--l->nopen];
        if (l->t->toks[idx].pushes)
            l->depth--;
        struct tok *k = tok_add(l, T_END);
        if (k == NULL)
            return nomem(l->err);
        l->t->toks[idx].end = l->t->ntok - 1;
        return 0;
    }
    struct tok *k = tok_add(l, sigil == 0 ? T_VAR : T_SECT);
    if (k == NULL)
        return nomem(l->err);
    int rc = resolve(l, k, name);
    if (rc != 0)
        return rc;
    if (sigil == 0) {
        if (!k->val.printable)
            return lfail(l, "占位符「%s」是一组信息，不能直接打印（用区段 {{#%s}} 展开其中字段）",
                         name, name);
        return 0;
    }
    if (l->nopen == MAX_DEPTH)
        return lfail(l, "区段嵌套过深「%s」", name);
    k->inverted = sigil == '^';
    /* entering an object or a list item gives names a new innermost scope */
    k->pushes = !k->inverted && k->val.shape != S_SCALAR;
    l->open[l->nopen++] = l->t->ntok - 1;
    if (k->pushes)
        l->stack[++l->depth] = k->val.node;
    return 0;
}

/* Is [s, e) (trimmed) exactly one section tag? */
static int standalone_section(const char *s, const char *e)
{
    while (s < e && (*s == ' ' || *s == '\t'))
        s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        e--;
    if (e - s < 5 || s[0] != '{' || s[1] != '{' || e[-1] != '}' || e[-2] != '}')
        return 0;
    const char *b = s + 2;
    while (b < e - 2 && (*b == ' ' || *b == '\t'))
        b++;
    if (*b != '#' && *b != '^' && *b != '/')
        return 0;
    for (const char *p = s + 2; p < e - 2; p++) {
        if (*p == '{' || *p == '}')
            return 0;
    }
    return 1;
}

/* Parse one body line [s, e) (no '\n'). */
static int body_line(struct loader *l, const char *s, const char *e)
{
    if (e > s && e[-1] == '\r')
        e--;
    if (standalone_section(s, e)) {
        size_t adv = 0;
        while (*s == ' ' || *s == '\t')
            s++;
        return tag(l, s, (size_t)(e - s), &adv);
    }
    size_t open_at_start = l->nopen;
    struct tok *b = tok_add(l, T_BLOCK);
    if (b == NULL)
        return nomem(l->err);
    b->style = TPL_BODY;
    if (s == e) {
        b->style = TPL_BLANK;
    } else if (*s == '\\') {
        s++;
    } else if (e - s >= 2 && s[1] == ' ' && strchr("=~>|*", s[0]) != NULL) {
        static const enum tpl_style styles[] = {TPL_TITLE, TPL_CENTER, TPL_RIGHT, TPL_LEFT,
                                                TPL_HEADING};
        b->style = styles[strchr("=~>|*", s[0]) - "=~>|*"];
        s += 2;
    } else if (e - s == 1 && strchr("=~>|*", s[0]) != NULL) {
        return lfail(l, "样式标记「%s」之后须有空格和内容", (char[2]){s[0], 0});
    }
    while (s < e) {
        const char *brace = s;
        while (brace + 1 < e && !(brace[0] == '{' && brace[1] == '{'))
            brace++;
        if (brace + 1 >= e)
            brace = e;
        if (brace > s) {
            struct tok *k = tok_add(l, T_TEXT);
            if (k == NULL)
                return nomem(l->err);
            k->text = s;
            k->len = (size_t)(brace - s);
        }
        if (brace == e)
            break;
        size_t adv = 0;
        int rc = tag(l, brace, (size_t)(e - brace), &adv);
        if (rc != 0)
            return rc;
        s = brace + adv;
    }
    if (l->nopen != open_at_start)
        return lfail(l, "行内区段须在同一行闭合（跨行的区段标记须各占一行）");
    if (tok_add(l, T_EOB) == NULL)
        return nomem(l->err);
    return 0;
}

/* Split a comma list (in place) into out; returns count or -1 when over MAX_LIST. */
static int split_list(char *v, const char **out)
{
    int n = 0;
    char *save = NULL;
    for (char *p = strtok_r(v, ", ", &save); p != NULL; p = strtok_r(NULL, ", ", &save)) {
        if (n == MAX_LIST)
            return -1;
        out[n++] = p;
    }
    return n;
}

static int header(struct loader *l, char *h)
{
    struct tpl_template *t = l->t;
    char *save = NULL;
    l->line = 0;
    for (char *line = h; line != NULL; line = save) {
        save = strchr(line, '\n');
        if (save != NULL)
            *save++ = '\0';
        l->line++;
        size_t n = strlen(line);
        while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
            line[--n] = '\0';
        if (n == 0 || line[0] == '#')
            continue;
        char *colon = strchr(line, ':');
        if (colon == NULL)
            return lfail(l, "表头行「%s」应为「名称: 值」", line);
        *colon = '\0';
        char *v = colon + 1;
        while (*v == ' ' || *v == '\t')
            v++;
        if (*v == '\0')
            return lfail(l, "表头「%s」没有值", line);
        if (strcmp(line, "title") == 0) {
            t->info.title = v;
        } else if (strcmp(line, "number") == 0) {
            if (strpbrk(v, "{}") != NULL)
                return lfail(l, "文号类别字「%s」不能含花括号", v);
            t->info.number_word = v;
        } else if (strcmp(line, "number_from") == 0) {
            char *dot = strchr(v, '.');
            if (dot == NULL || dot[1] == '\0')
                return lfail(l, "number_from 应为「记录类型.成员」，而不是「%s」", v);
            *dot = '\0';
            if (cat_find(l->cat, v) == NULL)
                return lfail(l, "number_from 中的记录类型「%s」不在记录类型目录中", v);
            t->info.number_from_type = v;
            t->info.number_from_member = dot + 1;
        } else if (strcmp(line, "source") == 0) {
            t->info.source = v;
        } else if (strcmp(line, "kinds") == 0) {
            int k = split_list(v, t->kinds);
            if (k < 0)
                return lfail(l, "kinds 过多");
            for (int i = 0; i < k; i++) {
                int known = 0;
                for (size_t j = 0; j < cat_kind_count(l->cat); j++)
                    known |= strcmp(cat_kind_at(l->cat, j)->key, t->kinds[i]) == 0;
                if (!known)
                    return lfail(l, "未知的案件类别「%s」", t->kinds[i]);
            }
            t->info.kinds = t->kinds;
            t->info.n_kinds = (size_t)k;
        } else if (strcmp(line, "needs") == 0) {
            int k = split_list(v, t->needs);
            if (k < 0)
                return lfail(l, "needs 过多");
            for (int i = 0; i < k; i++) {
                if (cat_find(l->cat, t->needs[i]) == NULL)
                    return lfail(l, "needs 中的记录类型「%s」不在记录类型目录中", t->needs[i]);
            }
            t->info.needs = t->needs;
            t->info.n_needs = (size_t)k;
        } else {
            return lfail(
                l, "未知的表头「%s」（可用 title, number, number_from, kinds, needs, source）",
                line);
        }
    }
    if (t->info.number_word != NULL && t->info.number_from_type != NULL)
        return lfail(l, "number 与 number_from 只能有一个");
    if (t->info.title == NULL)
        return lfail(l, "缺少表头 title（文书名称）");
    return 0;
}

int tpl_load(const struct cat_catalog *cat, const char *key, const char *text, size_t len,
             struct tpl_template **out, struct sx_err *err)
{
    struct loader l;
    int rc = 0;
    *out = NULL;
    if (len > TPL_TEXT_MAX)
        return SX_FAIL(err, SX_E_TOOBIG, "template-too-big", "文书模板过大", TPL_SOURCE, key,
                       "%s 超过 %d 字节", key, TPL_TEXT_MAX);
    size_t klen = strlen(key);
    int key_ok = klen > 0 && klen < TPL_KEY_MAX;
    for (size_t i = 0; key_ok && i < klen; i++)
        key_ok = valid_name_char(key[i]);
    if (!key_ok)
        return SX_FAIL(err, SX_E_INVALID, "template-invalid", "文书模板有误", TPL_SOURCE, "key",
                       "模板名须为小写字母、数字、下划线（文件名 KEY.tpl）");
    if (memchr(text, '\0', len) != NULL)
        return SX_FAIL(err, SX_E_INVALID, "template-invalid", "文书模板有误", TPL_SOURCE, key,
                       "%s 含有 NUL 字节", key);
    struct tpl_template *t = calloc(1, sizeof(*t));
    if (t == NULL)
        return nomem(err);
    memset(&l, 0, sizeof(l));
    l.cat = cat;
    l.t = t;
    l.err = err;
    l.stack[0].kind = N_ROOT;
    t->key = strdup(key);
    t->info.key = t->key;
    /* header and body are split at the first line that is exactly "---" */
    const char *sep = NULL;
    for (const char *p = text; p < text + len;) {
        const char *nl = memchr(p, '\n', (size_t)(text + len - p));
        const char *e = nl != NULL ? nl : text + len;
        size_t n = (size_t)(e - p);
        if (n > 0 && p[n - 1] == '\r')
            n--;
        if (n == 3 && memcmp(p, "---", 3) == 0) {
            sep = p;
            break;
        }
        p = nl != NULL ? nl + 1 : text + len;
    }
    if (t->key == NULL) {
        rc = nomem(err);
        goto cleanup;
    }
    if (sep == NULL) {
        l.line = 1;
        rc = lfail(&l, "缺少分隔表头与正文的「---」行");
        goto cleanup;
    }
    t->hdr = strndup(text, (size_t)(sep - text));
    const char *body = memchr(sep, '\n', (size_t)(text + len - sep));
    body = body != NULL ? body + 1 : text + len;
    t->text = strndup(body, (size_t)(text + len - body));
    if (t->hdr == NULL || t->text == NULL) {
        rc = nomem(err);
        goto cleanup;
    }
    rc = header(&l, t->hdr);
    if (rc != 0)
        goto cleanup;
    /* body lines are numbered after the header's lines and the "---" line */
    l.line = 1;
    for (const char *p = text; p < sep; p++)
        l.line += *p == '\n';
    const char *s = t->text;
    const char *end = t->text + strlen(t->text);
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *e = nl != NULL ? nl : end;
        l.line++;
        rc = body_line(&l, s, e);
        if (rc != 0)
            goto cleanup;
        s = nl != NULL ? nl + 1 : end;
    }
    if (l.nopen != 0) {
        struct tok *open = &t->toks[l.open[l.nopen - 1]];
        l.line = open->line;
        rc = lfail(&l, "区段「%s」没有结束标记 {{/...}}", open->nseg > 0 ? open->segs[0] : ".");
        goto cleanup;
    }
    /* drop trailing blank lines so a final newline adds no space */
    while (t->ntok >= 2 && t->toks[t->ntok - 1].kind == T_EOB &&
           t->toks[t->ntok - 2].kind == T_BLOCK && t->toks[t->ntok - 2].style == TPL_BLANK)
        t->ntok -= 2;
    *out = t;
    t = NULL;
cleanup:
    tpl_free(t);
    return rc;
}

void tpl_free(struct tpl_template *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->ntok; i++) {
        for (size_t j = 0; j < t->toks[i].nseg; j++)
            free(t->toks[i].segs[j]);
    }
    free(t->toks);
    free(t->text);
    free(t->hdr);
    free(t->key);
    free(t);
}

const struct tpl_info *tpl_info(const struct tpl_template *t)
{
    return &t->info;
}

int tpl_allows_kind(const struct tpl_template *t, const char *kind)
{
    if (t->info.n_kinds == 0)
        return 1;
    for (size_t i = 0; i < t->info.n_kinds; i++) {
        if (strcmp(t->info.kinds[i], kind) == 0)
            return 1;
    }
    return 0;
}

/* ---- formatting ---- */

static const char *const zh_digit[] = {"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"};

static void zh_small(char *out, size_t cap, int n)
{
    /* 1..31 as 一 … 十 … 二十一 … 三十一 */
    size_t used = strlen(out);
    if (n >= 20)
        used += (size_t)snprintf(out + used, cap - used, "%s十", zh_digit[n / 10]);
    else if (n >= 10)
        used += (size_t)snprintf(out + used, cap - used, "十");
    if (n % 10 != 0 || n < 10)
        snprintf(out + used, cap - used, "%s", zh_digit[n % 10]);
}

char *tpl_format_date(const char *date, int zh, char *out, size_t cap)
{
    int y, m, d;
    char tail;
    if (date == NULL || strlen(date) != 10 ||
        sscanf(date, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 || d < 1 || d > 31)
        return NULL;
    if (!zh) {
        snprintf(out, cap, "%d年%d月%d日", y, m, d);
        return out;
    }
    out[0] = '\0';
    for (int i = 0; i < 4; i++) {
        size_t used = strlen(out);
        snprintf(out + used, cap - used, "%s", zh_digit[date[i] - '0']);
    }
    strncat(out, "年", cap - strlen(out) - 1);
    zh_small(out, cap, m);
    strncat(out, "月", cap - strlen(out) - 1);
    zh_small(out, cap, d);
    strncat(out, "日", cap - strlen(out) - 1);
    return out;
}

/* A datetime as the bureau's civil time (UTC+8): "2026年11月3日9时05分". */
static int format_datetime(const char *s, struct sx_buf *b)
{
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    int y, mo, d, h, mi, sec, n = 0;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6)
        return sx_buf_puts(b, s);
    long off = 0;
    const char *z = s + n;
    if (*z == 'Z') {
        off = 0;
    } else if ((*z == '+' || *z == '-') && strlen(z) == 6) {
        off = ((z[1] - '0') * 10 + (z[2] - '0')) * 3600L + ((z[4] - '0') * 10 + (z[5] - '0')) * 60L;
        if (*z == '-')
            off = -off;
    } else if (*z == '\0') {
        off = 8 * 3600; /* no zone: already civil time */
    } else {
        return sx_buf_puts(b, s);
    }
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    time_t t = timegm(&tm) - off + 8 * 3600;
    struct tm c;
    gmtime_r(&t, &c);
    return sx_buf_printf(b, "%d年%d月%d日%d时%02d分", c.tm_year + 1900, c.tm_mon + 1, c.tm_mday,
                         c.tm_hour, c.tm_min);
}

static int put_scalar_text(const json_t *v, struct sx_buf *b)
{
    if (json_is_string(v))
        return sx_buf_puts(b, json_string_value(v));
    if (json_is_integer(v))
        return sx_buf_printf(b, "%lld", (long long)json_integer_value(v));
    if (json_is_real(v))
        return sx_buf_printf(b, "%g", json_real_value(v));
    if (json_is_boolean(v))
        return sx_buf_puts(b, json_is_true(v) ? "是" : "否");
    return 0;
}

static int put_value(const struct tval *tv, const json_t *v, struct sx_buf *b)
{
    if (v == NULL || json_is_null(v))
        return 0;
    switch (tv->fmt) {
    case F_DATE:
    case F_DATE_ZH: {
        char out[64];
        if (json_is_string(v) &&
            tpl_format_date(json_string_value(v), tv->fmt == F_DATE_ZH, out, sizeof(out)) != NULL)
            return sx_buf_puts(b, out);
        return put_scalar_text(v, b);
    }
    case F_DATETIME:
        return json_is_string(v) ? format_datetime(json_string_value(v), b) : put_scalar_text(v, b);
    case F_MONEY:
        if (json_is_integer(v)) {
            long long fen = (long long)json_integer_value(v);
            return sx_buf_printf(b, "%s%lld.%02lld", fen < 0 ? "-" : "", llabs(fen) / 100,
                                 llabs(fen) % 100);
        }
        return put_scalar_text(v, b);
    case F_ENUM:
        if (json_is_string(v) && tv->field != NULL) {
            for (size_t i = 0; i < tv->field->n_values; i++) {
                if (strcmp(tv->field->values[i].value, json_string_value(v)) == 0)
                    return sx_buf_puts(b, tv->field->values[i].label_zh);
            }
        }
        return put_scalar_text(v, b);
    case F_USERS:
    case F_LIST:
        if (json_is_array(v)) {
            size_t i;
            const json_t *e;
            json_array_foreach(v, i, e)
            {
                int rc = i > 0 ? sx_buf_puts(b, "、") : 0;
                const json_t *name = json_is_object(e) ? json_object_get(e, "display_name") : e;
                if (rc == 0)
                    rc = put_scalar_text(name, b);
                if (rc != 0)
                    return rc;
            }
            return 0;
        }
        return put_scalar_text(v, b);
    default:
        return put_scalar_text(v, b);
    }
}

/* ---- filling ---- */

struct filler {
    const struct tpl_template *t;
    const json_t *stack[MAX_DEPTH + 1];
    size_t depth;
    struct sx_buf out;
    struct sx_arena *arena;
    struct tpl_block *blocks;
    size_t nblocks, capblocks;
    enum tpl_style style;
    size_t total; /* bytes of all blocks so far */
    struct sx_err *err;
};

static int path_text(const struct tok *k, char *buf, size_t cap)
{
    buf[0] = '\0';
    for (size_t i = 0; i < k->nseg; i++) {
        if (i > 0)
            strncat(buf, ".", cap - strlen(buf) - 1);
        strncat(buf, k->segs[i], cap - strlen(buf) - 1);
    }
    return 0;
}

/*
 * The JSON value of k's path, or NULL when absent. *missing_mid is set when an
 * object on the way (not the last segment) is absent.
 */
static const json_t *lookup(struct filler *f, const struct tok *k, int *missing_mid)
{
    const json_t *v = f->stack[k->level];
    *missing_mid = 0;
    for (size_t i = 0; i < k->nseg; i++) {
        const json_t *next = json_is_object(v) ? json_object_get(v, k->segs[i]) : NULL;
        if (next == NULL || json_is_null(next)) {
            *missing_mid = i + 1 < k->nseg;
            return NULL;
        }
        v = next;
    }
    return v;
}

static int truthy(const json_t *v)
{
    if (v == NULL || json_is_null(v) || json_is_false(v))
        return 0;
    if (json_is_array(v))
        return json_array_size(v) > 0;
    if (json_is_string(v))
        return json_string_length(v) > 0;
    if (json_is_object(v))
        return json_object_size(v) > 0;
    return 1;
}

static int emit_block(struct filler *f)
{
    if (f->nblocks == f->capblocks) {
        size_t cap = f->capblocks ? f->capblocks * 2 : 32;
        struct tpl_block *n = sx_arena_alloc(f->arena, cap * sizeof(*n));
        if (n == NULL)
            return nomem(f->err);
        if (f->nblocks > 0)
            memcpy(n, f->blocks, f->nblocks * sizeof(*n));
        f->blocks = n;
        f->capblocks = cap;
    }
    f->total += f->out.len;
    if (f->total > TPL_OUT_MAX)
        return SX_E_TOOBIG;
    struct tpl_block *b = &f->blocks[f->nblocks++];
    b->style = f->style;
    b->text = sx_arena_strndup(f->arena, f->out.data != NULL ? f->out.data : "", f->out.len);
    if (b->text == NULL)
        return nomem(f->err);
    sx_buf_reset(&f->out);
    return 0;
}

static int run(struct filler *f, size_t from, size_t to);

static int run_section(struct filler *f, const struct tok *k, size_t body, size_t end)
{
    int missing = 0;
    const json_t *v = lookup(f, k, &missing);
    int on = truthy(v);
    if (k->inverted)
        return on ? 0 : run(f, body, end);
    if (!on)
        return 0;
    if (!k->pushes)
        return run(f, body, end);
    if (json_is_array(v)) {
        size_t i;
        const json_t *e;
        json_array_foreach(v, i, e)
        {
            f->stack[++f->depth] = e;
            int rc = run(f, body, end);
            f->depth--;
            if (rc != 0)
                return rc;
        }
        return 0;
    }
    f->stack[++f->depth] = v;
    int rc = run(f, body, end);
    f->depth--;
    return rc;
}

static int run(struct filler *f, size_t from, size_t to)
{
    const struct tpl_template *t = f->t;
    for (size_t i = from; i < to; i++) {
        const struct tok *k = &t->toks[i];
        int rc = 0;
        switch (k->kind) {
        case T_TEXT:
            rc = sx_buf_append(&f->out, k->text, k->len);
            break;
        case T_VAR: {
            int missing = 0;
            const json_t *v = k->nseg == 0 ? f->stack[k->level] : lookup(f, k, &missing);
            if (missing) {
                char p[NAME_MAX_LEN];
                path_text(k, p, sizeof(p));
                return SX_FAIL(
                    f->err, SX_E_INVALID, "document-data-missing", "生成文书所需的信息尚未记录",
                    t->info.source != NULL ? t->info.source : TPL_SOURCE, p,
                    "文书「%s」第 %d 行用到「%s」，但本案尚无该项记录", t->info.title, k->line, p);
            }
            rc = put_value(&k->val, v, &f->out);
            break;
        }
        case T_SECT:
            rc = run_section(f, k, i + 1, k->end);
            i = k->end;
            break;
        case T_END:
            break;
        case T_BLOCK:
            f->style = k->style;
            sx_buf_reset(&f->out);
            break;
        case T_EOB:
            rc = emit_block(f);
            break;
        }
        if (rc == SX_E_TOOBIG)
            return SX_FAIL(f->err, SX_E_TOOBIG, "document-too-big", "文书内容过长", "", "",
                           "文书「%s」超过 %d 字节", t->info.title, TPL_OUT_MAX);
        if (rc == SX_E_NOMEM)
            return nomem(f->err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int tpl_fill(const struct tpl_template *t, const json_t *model, struct sx_arena *arena,
             struct tpl_doc *out, struct sx_err *err)
{
    struct filler f;
    memset(&f, 0, sizeof(f));
    f.t = t;
    f.stack[0] = model;
    f.arena = arena;
    f.err = err;
    sx_buf_init(&f.out, TPL_OUT_MAX);
    int rc = run(&f, 0, t->ntok);
    sx_buf_free(&f.out);
    if (rc != 0)
        return rc;
    out->blocks = f.blocks;
    out->n = f.nblocks;
    return 0;
}
