/*
 * flowchart: SVG 执法流程图 from a workflow definition (see flowchart.h). Coordinates are
 * integers computed from counts and text lengths only, so the output is byte-for-byte stable.
 */
#include <string.h>

#include "flowchart.h"

#define FC_MAX_STATES 256
#define FONT 14
#define SMALL 12
#define BOX_H 40
#define VGAP 70
#define HGAP 60
#define MARGIN 30
#define LINE 20
/*
 * Item separator inside label text: SEP joins action names (which may contain "、" themselves)
 * and is drawn as "、"; lines wrap only between items.
 */
#define SEP "\x1f"

int fc_put_xml(struct sx_buf *out, const char *s)
{
    int rc = 0;
    for (const char *p = s != NULL ? s : ""; *p != '\0' && rc == 0; p++) {
        switch (*p) {
        case '&':
            rc = sx_buf_puts(out, "&amp;");
            break;
        case '<':
            rc = sx_buf_puts(out, "&lt;");
            break;
        case '>':
            rc = sx_buf_puts(out, "&gt;");
            break;
        case '"':
            rc = sx_buf_puts(out, "&quot;");
            break;
        case '\'':
            rc = sx_buf_puts(out, "&apos;");
            break;
        default:
            /* XML 1.0 forbids most C0 controls; tab and newline become spaces */
            if ((unsigned char)*p < 0x20)
                rc = sx_buf_putc(out, ' ');
            else
                rc = sx_buf_putc(out, *p);
        }
    }
    return rc;
}

/* Rough rendered width in px: a CJK (multi-byte) character is one em, ASCII about 0.6 em. */
static int text_width(const char *s, int font)
{
    int w10 = 0;
    for (const unsigned char *p = (const unsigned char *)(s != NULL ? s : ""); *p != '\0'; p++) {
        if (*p < 0x80)
            w10 += 6;
        else if ((*p & 0xc0) != 0x80)
            w10 += 10;
    }
    return w10 * font / 10;
}

static int state_index(const struct wf_def *def, const char *key)
{
    size_t n = wf_state_count(def);
    for (size_t i = 0; i < n; i++)
        if (strcmp(wf_state_at(def, i)->key, key) == 0)
            return (int)i;
    return -1;
}

/* An explicit transition: taken from listed states into another state. */
static int is_transition(const struct wf_action *a)
{
    return !a->from_any && !a->resume && a->to != NULL;
}

/*
 * A transition open from many states (案件移送, 中止 ...) would cross the whole picture with
 * arrows; it is listed under "可从多个环节进入" instead.
 */
#define BROAD_FROM 4
static int is_broad(const struct wf_action *a)
{
    return is_transition(a) && a->n_from >= BROAD_FROM;
}

/* Kept in the state it is taken from: no "to", resume, or "to" the same state. */
static int stays_in(const struct wf_action *a, const char *state)
{
    return !a->from_any && (a->to == NULL || a->resume || strcmp(a->to, state) == 0);
}

struct layout {
    int layer[FC_MAX_STATES];
    int col[FC_MAX_STATES];
    int x[FC_MAX_STATES], y[FC_MAX_STATES];
    int n_layers;
    int max_cols;
    int box_w;
};

static void layout_states(const struct wf_def *def, struct layout *L)
{
    size_t ns = wf_state_count(def), na = wf_action_count(def);
    int queue[FC_MAX_STATES], head = 0, tail = 0;
    int per_layer[FC_MAX_STATES] = {0};
    for (size_t i = 0; i < ns; i++)
        L->layer[i] = -1;
    queue[tail++] = state_index(def, wf_initial(def)->key);
    L->layer[queue[0]] = 0;
    while (head < tail) {
        int s = queue[head++];
        const char *key = wf_state_at(def, (size_t)s)->key;
        for (size_t j = 0; j < na; j++) {
            const struct wf_action *a = wf_action_at(def, j);
            int t;
            if (!is_transition(a) || !wf_action_from(def, a, key))
                continue;
            t = state_index(def, a->to);
            if (t >= 0 && L->layer[t] < 0) {
                L->layer[t] = L->layer[s] + 1;
                queue[tail++] = t;
            }
        }
    }
    /*
     * Closing states (结案, 归档 ...) sink below every state that leads into them by a narrow
     * transition, so the picture reads top to bottom; bounded passes guard against cycles.
     */
    for (size_t pass = 0; pass < ns; pass++) {
        int changed = 0;
        for (size_t j = 0; j < na; j++) {
            const struct wf_action *a = wf_action_at(def, j);
            const struct wf_state *st;
            int t;
            if (!is_transition(a) || is_broad(a))
                continue;
            t = state_index(def, a->to);
            st = t >= 0 ? wf_state_at(def, (size_t)t) : NULL;
            if (st == NULL || !(st->closed || st->terminal))
                continue;
            for (size_t f = 0; f < a->n_from; f++) {
                int fi = state_index(def, a->from[f]);
                if (fi >= 0 && fi != t && L->layer[fi] >= 0 && L->layer[t] <= L->layer[fi]) {
                    L->layer[t] = L->layer[fi] + 1;
                    changed = 1;
                }
            }
        }
        if (!changed)
            break;
    }
    /* states reached only through resume or "*" actions go below everything else */
    L->n_layers = 0;
    for (size_t i = 0; i < ns; i++)
        if (L->layer[i] + 1 > L->n_layers)
            L->n_layers = L->layer[i] + 1;
    for (size_t i = 0; i < ns; i++)
        if (L->layer[i] < 0)
            L->layer[i] = L->n_layers;
    for (size_t i = 0; i < ns; i++)
        if (L->layer[i] + 1 > L->n_layers)
            L->n_layers = L->layer[i] + 1;
    L->max_cols = 0;
    L->box_w = 120;
    for (size_t i = 0; i < ns; i++) {
        int w = text_width(wf_state_at(def, i)->name_zh, FONT) + 24;
        L->col[i] = per_layer[L->layer[i]]++;
        if (per_layer[L->layer[i]] > L->max_cols)
            L->max_cols = per_layer[L->layer[i]];
        if (w > L->box_w)
            L->box_w = w;
    }
    for (size_t i = 0; i < ns; i++) {
        /* centre each layer's row under the widest one */
        int row_w = per_layer[L->layer[i]] * (L->box_w + HGAP) - HGAP;
        int full_w = L->max_cols * (L->box_w + HGAP) - HGAP;
        L->x[i] = MARGIN + (full_w - row_w) / 2 + L->col[i] * (L->box_w + HGAP);
        L->y[i] = MARGIN + 40 + L->layer[i] * (BOX_H + VGAP);
    }
}

/* The names of the actions taking (from -> to), joined by SEP, into lab. */
static int edge_label(const struct wf_def *def, const char *from, const char *to,
                      struct sx_buf *lab)
{
    size_t na = wf_action_count(def);
    int rc = 0, first = 1;
    sx_buf_reset(lab);
    for (size_t j = 0; j < na && rc == 0; j++) {
        const struct wf_action *a = wf_action_at(def, j);
        if (!is_transition(a) || is_broad(a) || strcmp(a->to, to) != 0 ||
            !wf_action_from(def, a, from))
            continue;
        if (!first)
            rc = sx_buf_puts(lab, SEP);
        if (rc == 0)
            rc = sx_buf_puts(lab, a->name_zh);
        first = 0;
    }
    return rc;
}

/* Where text goes, and how far right anything reached (for the picture's width). */
struct canvas {
    struct sx_buf *out; /* NULL: measure only */
    int maxx;
};

/* Append text[0..n) escaped, with every SEP drawn as "、". */
static int put_slice(struct sx_buf *out, const char *text, size_t n)
{
    struct sx_buf tmp;
    int rc = 0;
    sx_buf_init(&tmp, 4 * n + 1);
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = text[i] == SEP[0] ? sx_buf_puts(&tmp, "、") : sx_buf_putc(&tmp, text[i]);
    if (rc == 0)
        rc = fc_put_xml(out, tmp.data);
    sx_buf_free(&tmp);
    return rc;
}

/*
 * Text at (x, y), wrapped between SEP-separated items so that no line is wider than max_px (an
 * item wider than that keeps a line of its own); one <text> with a <tspan> per line. Sets
 * *nlines (may be NULL). Tracks the rightmost extent in c->maxx.
 */
static int put_lines(struct canvas *c, int x, int y, int size, const char *anchor, const char *cls,
                     const char *text, int max_px, int *nlines)
{
    const char *p = text;
    int rc = 0, lines = 0;
    if (c->out != NULL)
        rc = sx_buf_printf(c->out,
                           "<text x=\"%d\" y=\"%d\" font-size=\"%d\" text-anchor=\"%s\" "
                           "class=\"%s\">",
                           x, y, size, anchor, cls);
    while (rc == 0) {
        const char *end = p;
        int w = 0;
        /* take items while the line fits */
        for (;;) {
            const char *next = strchr(end, SEP[0]);
            const char *item_end = next != NULL ? next + 1 : end + strlen(end);
            char item[512];
            size_t n = (size_t)(item_end - end);
            int iw;
            if (n > sizeof(item) - 1)
                n = sizeof(item) - 1;
            memcpy(item, end, n);
            item[n] = '\0';
            iw = text_width(item, size) + (next != NULL ? size : 0);
            if (end != p && w + iw > max_px)
                break;
            w += iw;
            end = item_end;
            if (next == NULL)
                break;
        }
        {
            int x1 = strcmp(anchor, "middle") == 0 ? x + w / 2
                     : strcmp(anchor, "end") == 0  ? x
                                                   : x + w;
            if (x1 > c->maxx)
                c->maxx = x1;
        }
        if (c->out != NULL) {
            rc = sx_buf_printf(c->out, "<tspan x=\"%d\" dy=\"%d\">", x, lines == 0 ? 0 : size + 3);
            if (rc == 0)
                rc = put_slice(c->out, p, (size_t)(end - p));
            if (rc == 0)
                rc = sx_buf_puts(c->out, "</tspan>");
        }
        lines++;
        p = end;
        if (*p == '\0')
            break;
    }
    if (rc == 0 && c->out != NULL)
        rc = sx_buf_puts(c->out, "</text>\n");
    if (nlines != NULL)
        *nlines = lines;
    return rc;
}

#define NOTE_W 660
#define LABEL_W 156

/* The notes below the diagram: per state its in-state actions, then the "*" ones. */
static int notes(const struct wf_def *def, struct canvas *c, int x, int y, int *lines_out,
                 struct sx_buf *line)
{
    size_t ns = wf_state_count(def), na = wf_action_count(def);
    int rc, lines = 0, k;
    rc = put_lines(c, x, y, FONT, "start", "heading", "环节内办理事项", NOTE_W, &k);
    lines += k;
    for (size_t i = 0; i < ns && rc == 0; i++) {
        const struct wf_state *s = wf_state_at(def, i);
        int any = 0;
        sx_buf_reset(line);
        rc = sx_buf_printf(line, "%s：", s->name_zh);
        for (size_t j = 0; j < na && rc == 0; j++) {
            const struct wf_action *a = wf_action_at(def, j);
            if (!stays_in(a, s->key) || !wf_action_from(def, a, s->key))
                continue;
            if (any)
                rc = sx_buf_puts(line, SEP);
            if (rc == 0)
                rc = sx_buf_puts(line, a->name_zh);
            if (rc == 0 && a->resume)
                rc = sx_buf_puts(line, "（返回中止前的环节）");
            any = 1;
        }
        if (rc == 0 && any) {
            rc = put_lines(c, x + 10, y + lines * LINE, SMALL, "start", "note", line->data, NOTE_W,
                           &k);
            lines += k;
        }
    }
    for (size_t j = 0, n = 0; j < na && rc == 0; j++) {
        const struct wf_action *a = wf_action_at(def, j);
        const struct wf_state *to;
        if (!is_broad(a))
            continue;
        if (n++ == 0) {
            rc = put_lines(c, x, y + lines * LINE, FONT, "start", "heading", "可从多个环节进入",
                           NOTE_W, &k);
            lines += k;
        }
        to = wf_state_find(def, a->to);
        sx_buf_reset(line);
        if (rc == 0)
            rc = sx_buf_printf(line, "%s：自 ", a->name_zh);
        for (size_t f = 0; f < a->n_from && rc == 0; f++) {
            const struct wf_state *fs = wf_state_find(def, a->from[f]);
            rc = sx_buf_printf(line, "%s%s", f > 0 ? SEP : "",
                               fs != NULL ? fs->name_zh : a->from[f]);
        }
        if (rc == 0)
            rc = sx_buf_printf(line, " 进入「%s」", to != NULL ? to->name_zh : a->to);
        if (rc == 0) {
            rc = put_lines(c, x + 10, y + lines * LINE, SMALL, "start", "note", line->data, NOTE_W,
                           &k);
            lines += k;
        }
    }
    if (rc == 0) {
        rc = put_lines(c, x, y + lines * LINE, FONT, "start", "heading", "各环节均可办理", NOTE_W,
                       &k);
        lines += k;
    }
    sx_buf_reset(line);
    for (size_t j = 0, n = 0; j < na && rc == 0; j++) {
        const struct wf_action *a = wf_action_at(def, j);
        if (!a->from_any)
            continue;
        if (n++ > 0)
            rc = sx_buf_puts(line, SEP);
        if (rc == 0)
            rc = sx_buf_puts(line, a->name_zh);
    }
    if (rc == 0 && line->len > 0) {
        rc = put_lines(c, x + 10, y + lines * LINE, SMALL, "start", "note", line->data, NOTE_W, &k);
        lines += k;
    }
    *lines_out = lines;
    return rc;
}

/* Arrows (one per pair of states, labelled with every action taking it) and state boxes. */
static int diagram(const struct wf_def *def, const struct layout *L, struct canvas *c,
                   struct sx_buf *lab)
{
    size_t ns = wf_state_count(def);
    int rc = 0, edge = 0;
    /* arrows first, so boxes paint over their ends */
    for (size_t f = 0; f < ns && rc == 0; f++) {
        for (size_t t = 0; t < ns && rc == 0; t++) {
            const struct wf_state *sf = wf_state_at(def, f), *st = wf_state_at(def, t);
            int x1, y1, x2, y2, lx, ly;
            const char *anchor = (edge % 2 == 0) ? "start" : "end";
            if (f == t)
                continue; /* listed under the state's own actions */
            rc = edge_label(def, sf->key, st->key, lab);
            if (rc != 0 || lab->len == 0)
                continue;
            if (L->layer[t] > L->layer[f]) { /* downwards: bottom to top */
                x1 = L->x[f] + L->box_w / 2;
                y1 = L->y[f] + BOX_H;
                x2 = L->x[t] + L->box_w / 2;
                y2 = L->y[t];
            } else if (L->layer[t] < L->layer[f]) { /* back edge: top to bottom, offset */
                x1 = L->x[f] + L->box_w / 2 + 20;
                y1 = L->y[f];
                x2 = L->x[t] + L->box_w / 2 + 20;
                y2 = L->y[t] + BOX_H;
            } else { /* same layer: side to side, rightwards above, leftwards below */
                int right = L->x[t] > L->x[f];
                x1 = right ? L->x[f] + L->box_w : L->x[f];
                y1 = L->y[f] + BOX_H / 2 + (right ? -6 : 6);
                x2 = right ? L->x[t] : L->x[t] + L->box_w;
                y2 = L->y[t] + BOX_H / 2 + (right ? -6 : 6);
                anchor = "middle";
            }
            /* labels alternate sides of the midpoint so parallel arrows stay readable */
            lx = (x1 + x2) / 2 + ((edge % 2 == 0) ? 6 : -6);
            ly = (y1 + y2) / 2 + (edge % 3 - 1) * 8;
            if (L->layer[t] == L->layer[f]) {
                lx = (x1 + x2) / 2;
                ly = x2 > x1 ? y1 - 5 : y1 + 15;
            }
            rc = sx_buf_printf(c->out,
                               "<g class=\"transition\" data-from=\"%s\" data-to=\"%s\">"
                               "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#555\" "
                               "stroke-width=\"1.2\" marker-end=\"url(#arrow)\"/>",
                               sf->key, st->key, x1, y1, x2, y2);
            if (rc == 0)
                rc = put_lines(c, lx, ly, SMALL, anchor, "action", lab->data, LABEL_W, NULL);
            if (rc == 0)
                rc = sx_buf_puts(c->out, "</g>\n");
            edge++;
        }
    }
    for (size_t i = 0; i < ns && rc == 0; i++) {
        const struct wf_state *s = wf_state_at(def, i);
        const char *fill = s->terminal ? "#e8e8e8" : s->closed ? "#eef5e9" : "#eaf2fb";
        if (s->suspended)
            fill = "#fdf3e1";
        rc = sx_buf_printf(c->out,
                           "<g class=\"state\" data-state=\"%s\"><rect x=\"%d\" y=\"%d\" "
                           "width=\"%d\" height=\"%d\" rx=\"%d\" fill=\"%s\" stroke=\"#336\"/>",
                           s->key, L->x[i], L->y[i], L->box_w, BOX_H,
                           s->key == wf_initial(def)->key ? 20 : 6, fill);
        if (rc == 0)
            rc = put_lines(c, L->x[i] + L->box_w / 2, L->y[i] + BOX_H / 2 + 5, FONT, "middle",
                           "state-name", s->name_zh, 10000, NULL);
        if (rc == 0)
            rc = sx_buf_puts(c->out, "</g>\n");
    }
    return rc;
}

static int render(const struct wf_def *def, const struct layout *L, struct sx_buf *out,
                  struct sx_buf *lab, struct sx_buf *body)
{
    int diag_h = MARGIN + 40 + L->n_layers * (BOX_H + VGAP);
    int lines = 0, width, height, rc;
    struct canvas c = {body, 0};
    /* the picture first (into body), to learn how wide it is */
    rc = diagram(def, L, &c, lab);
    if (rc == 0)
        rc = notes(def, &c, MARGIN, diag_h, &lines, lab);
    if (rc != 0)
        return rc;
    width = c.maxx + MARGIN < 720 ? 720 : c.maxx + MARGIN;
    height = diag_h + lines * LINE + MARGIN;
    rc = sx_buf_printf(out,
                       "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                       "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                       "viewBox=\"0 0 %d %d\" font-family=\"Noto Sans CJK SC, sans-serif\">\n",
                       width, height, width, height);
    if (rc == 0)
        rc = sx_buf_puts(out, "<title>");
    if (rc == 0)
        rc = fc_put_xml(out, wf_name_zh(def));
    if (rc == 0)
        rc =
            sx_buf_puts(out, "执法流程图</title>\n<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" "
                             "refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" "
                             "orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" "
                             "fill=\"#555\"/></marker></defs>\n"
                             "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
    if (rc == 0) {
        struct canvas top = {out, 0};
        sx_buf_reset(lab);
        rc = sx_buf_printf(lab, "%s执法流程图", wf_name_zh(def));
        if (rc == 0)
            rc = put_lines(&top, width / 2, MARGIN + 4, 18, "middle", "caption", lab->data, 10000,
                           NULL);
    }
    if (rc == 0)
        rc = sx_buf_append(out, body->data, body->len);
    if (rc == 0)
        rc = sx_buf_puts(out, "</svg>\n");
    return rc;
}

int fc_render_svg(const struct wf_def *def, struct sx_buf *out, struct sx_err *err)
{
    struct layout L;
    struct sx_buf lab, body;
    int rc;
    if (wf_state_count(def) > FC_MAX_STATES)
        return SX_FAIL(err, SX_E_INVALID, "flowchart-too-large", "流程定义环节过多", FC_SOURCE, "",
                       "流程图最多支持 %d 个环节", FC_MAX_STATES);
    memset(&L, 0, sizeof(L));
    layout_states(def, &L);
    sx_buf_init(&lab, 64 * 1024);
    sx_buf_init(&body, out->max);
    rc = render(def, &L, out, &lab, &body);
    sx_buf_free(&body);
    sx_buf_free(&lab);
    if (rc == SX_E_TOOBIG)
        return SX_FAIL(err, SX_E_TOOBIG, "flowchart-too-large", "流程图过大", FC_SOURCE, "",
                       "流程图超过输出缓冲区上限");
    if (rc != 0)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "生成流程图时内存不足");
    return 0;
}
