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

/* The names of the actions taking (from -> to), joined by "、", into out. */
static int edge_label(const struct wf_def *def, const char *from, const char *to,
                      struct sx_buf *lab)
{
    size_t na = wf_action_count(def);
    int rc = 0, first = 1;
    sx_buf_reset(lab);
    for (size_t j = 0; j < na && rc == 0; j++) {
        const struct wf_action *a = wf_action_at(def, j);
        if (!is_transition(a) || strcmp(a->to, to) != 0 || !wf_action_from(def, a, from))
            continue;
        if (!first)
            rc = sx_buf_puts(lab, "、");
        if (rc == 0)
            rc = sx_buf_puts(lab, a->name_zh);
        first = 0;
    }
    return rc;
}

static int put_text(struct sx_buf *out, int x, int y, int size, const char *anchor, const char *cls,
                    const char *text)
{
    int rc = sx_buf_printf(out,
                           "<text x=\"%d\" y=\"%d\" font-size=\"%d\" text-anchor=\"%s\" "
                           "class=\"%s\">",
                           x, y, size, anchor, cls);
    if (rc == 0)
        rc = fc_put_xml(out, text);
    if (rc == 0)
        rc = sx_buf_puts(out, "</text>\n");
    return rc;
}

/* Lines of the notes below the diagram: per state its in-state actions, then the "*" ones. */
static int notes(const struct wf_def *def, struct sx_buf *out, int x, int y, int *lines_out,
                 struct sx_buf *line)
{
    size_t ns = wf_state_count(def), na = wf_action_count(def);
    int rc = 0, lines = 0;
    if (out != NULL)
        rc = put_text(out, x, y, FONT, "start", "heading", "环节内办理事项");
    lines++;
    for (size_t i = 0; i < ns && rc == 0; i++) {
        const struct wf_state *s = wf_state_at(def, i);
        int any = 0;
        sx_buf_reset(line);
        rc = sx_buf_printf(line, "%s：", s->name_zh);
        for (size_t j = 0; j < na && rc == 0; j++) {
            const struct wf_action *a = wf_action_at(def, j);
            if (a->from_any || is_transition(a) || !wf_action_from(def, a, s->key))
                continue;
            if (any)
                rc = sx_buf_puts(line, "、");
            if (rc == 0)
                rc = sx_buf_puts(line, a->name_zh);
            if (rc == 0 && a->resume)
                rc = sx_buf_puts(line, "（返回中止前的环节）");
            any = 1;
        }
        if (rc == 0 && any) {
            if (out != NULL)
                rc = put_text(out, x + 10, y + lines * LINE, SMALL, "start", "note", line->data);
            lines++;
        }
    }
    if (rc == 0 && out != NULL)
        rc = put_text(out, x, y + lines * LINE, FONT, "start", "heading", "各环节均可办理");
    lines++;
    sx_buf_reset(line);
    for (size_t j = 0, k = 0; j < na && rc == 0; j++) {
        const struct wf_action *a = wf_action_at(def, j);
        if (!a->from_any)
            continue;
        if (k % 6 != 0)
            rc = sx_buf_puts(line, "、");
        if (rc == 0)
            rc = sx_buf_puts(line, a->name_zh);
        k++;
        if (rc == 0 && k % 6 == 0) {
            if (out != NULL)
                rc = put_text(out, x + 10, y + lines * LINE, SMALL, "start", "note", line->data);
            lines++;
            sx_buf_reset(line);
        }
    }
    if (rc == 0 && line->len > 0) {
        if (out != NULL)
            rc = put_text(out, x + 10, y + lines * LINE, SMALL, "start", "note", line->data);
        lines++;
    }
    *lines_out = lines;
    return rc;
}

static int render(const struct wf_def *def, const struct layout *L, struct sx_buf *out,
                  struct sx_buf *lab)
{
    size_t ns = wf_state_count(def);
    int full_w = L->max_cols * (L->box_w + HGAP) - HGAP + 2 * MARGIN;
    int diag_h = MARGIN + 40 + L->n_layers * (BOX_H + VGAP);
    int lines = 0, width, height, rc, edge = 0;
    rc = notes(def, NULL, 0, 0, &lines, lab);
    if (rc != 0)
        return rc;
    width = full_w < 720 ? 720 : full_w;
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
        sx_buf_reset(lab);
        rc = sx_buf_printf(lab, "%s执法流程图", wf_name_zh(def));
    }
    if (rc == 0)
        rc = put_text(out, width / 2, MARGIN + 4, 18, "middle", "caption", lab->data);
    /* arrows first, so boxes paint over their ends */
    for (size_t f = 0; f < ns && rc == 0; f++) {
        for (size_t t = 0; t < ns && rc == 0; t++) {
            const struct wf_state *sf = wf_state_at(def, f), *st = wf_state_at(def, t);
            int x1, y1, x2, y2, lx, ly;
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
            } else { /* same layer: side to side */
                int right = L->x[t] > L->x[f];
                x1 = right ? L->x[f] + L->box_w : L->x[f];
                y1 = L->y[f] + BOX_H / 2 + (right ? -6 : 6);
                x2 = right ? L->x[t] : L->x[t] + L->box_w;
                y2 = L->y[t] + BOX_H / 2 + (right ? -6 : 6);
            }
            /* labels alternate sides of the midpoint so parallel arrows stay readable */
            lx = (x1 + x2) / 2 + ((edge % 2 == 0) ? 6 : -6);
            ly = (y1 + y2) / 2 + (edge % 3 - 1) * 8;
            rc = sx_buf_printf(out,
                               "<g class=\"transition\" data-from=\"%s\" data-to=\"%s\">"
                               "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#555\" "
                               "stroke-width=\"1.2\" marker-end=\"url(#arrow)\"/>",
                               sf->key, st->key, x1, y1, x2, y2);
            if (rc == 0)
                rc = put_text(out, lx, ly, SMALL, (edge % 2 == 0) ? "start" : "end", "action",
                              lab->data);
            if (rc == 0)
                rc = sx_buf_puts(out, "</g>\n");
            edge++;
        }
    }
    for (size_t i = 0; i < ns && rc == 0; i++) {
        const struct wf_state *s = wf_state_at(def, i);
        const char *fill = s->terminal ? "#e8e8e8" : s->closed ? "#eef5e9" : "#eaf2fb";
        if (s->suspended)
            fill = "#fdf3e1";
        rc = sx_buf_printf(out,
                           "<g class=\"state\" data-state=\"%s\"><rect x=\"%d\" y=\"%d\" "
                           "width=\"%d\" height=\"%d\" rx=\"%d\" fill=\"%s\" stroke=\"#336\"/>",
                           s->key, L->x[i], L->y[i], L->box_w, BOX_H,
                           s->key == wf_initial(def)->key ? 20 : 6, fill);
        if (rc == 0)
            rc = put_text(out, L->x[i] + L->box_w / 2, L->y[i] + BOX_H / 2 + 5, FONT, "middle",
                          "state-name", s->name_zh);
        if (rc == 0)
            rc = sx_buf_puts(out, "</g>\n");
    }
    if (rc == 0)
        rc = notes(def, out, MARGIN, diag_h, &lines, lab);
    if (rc == 0)
        rc = sx_buf_puts(out, "</svg>\n");
    return rc;
}

int fc_render_svg(const struct wf_def *def, struct sx_buf *out, struct sx_err *err)
{
    struct layout L;
    struct sx_buf lab;
    int rc;
    if (wf_state_count(def) > FC_MAX_STATES)
        return SX_FAIL(err, SX_E_INVALID, "flowchart-too-large", "流程定义环节过多", FC_SOURCE, "",
                       "流程图最多支持 %d 个环节", FC_MAX_STATES);
    memset(&L, 0, sizeof(L));
    layout_states(def, &L);
    sx_buf_init(&lab, 64 * 1024);
    rc = render(def, &L, out, &lab);
    sx_buf_free(&lab);
    if (rc == SX_E_TOOBIG)
        return SX_FAIL(err, SX_E_TOOBIG, "flowchart-too-large", "流程图过大", FC_SOURCE, "",
                       "流程图超过输出缓冲区上限");
    if (rc != 0)
        return SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "生成流程图时内存不足");
    return 0;
}
