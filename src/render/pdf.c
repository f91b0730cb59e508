/* pdf: filled document blocks → A4 PDF through pango + cairo (official-document layout). */
#include "pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <string.h>

#define MM(x) ((x)*72.0 / 25.4)
#define PAGE_W 595.276 /* A4 in points */
#define PAGE_H 841.890
#define MARGIN_TOP MM(37)
#define MARGIN_BOTTOM MM(35)
#define MARGIN_LEFT MM(28)
#define MARGIN_RIGHT MM(26)
#define TEXT_W (PAGE_W - MARGIN_LEFT - MARGIN_RIGHT)
#define BODY_PT 15.0
#define LINE_SPACING 1.25

/* Font and layout per style (Noto CJK SC from fonts-noto-cjk; fontconfig falls back). */
struct style_def {
    const char *font;
    PangoAlignment align;
    int indent;         /* first-line indent in body characters */
    double space_after; /* points after the block */
};

static const struct style_def styles[] = {
    [TPL_BODY] = {"Noto Serif CJK SC 15", PANGO_ALIGN_LEFT, 2, 2.0},
    [TPL_TITLE] = {"Noto Serif CJK SC Bold 22", PANGO_ALIGN_CENTER, 0, 6.0},
    [TPL_CENTER] = {"Noto Serif CJK SC 15", PANGO_ALIGN_CENTER, 0, 6.0},
    [TPL_RIGHT] = {"Noto Serif CJK SC 15", PANGO_ALIGN_RIGHT, 0, 0.0},
    [TPL_LEFT] = {"Noto Serif CJK SC 15", PANGO_ALIGN_LEFT, 0, 0.0},
    [TPL_HEADING] = {"Noto Serif CJK SC Bold 15", PANGO_ALIGN_LEFT, 0, 2.0},
    [TPL_BLANK] = {"Noto Serif CJK SC 15", PANGO_ALIGN_LEFT, 0, 0.0},
};
#define FOOTER_FONT "Noto Serif CJK SC 12"

struct sink {
    struct sx_buf *out;
    int rc;
};

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int len)
{
    struct sink *s = closure;
    if (s->rc != 0)
        return CAIRO_STATUS_WRITE_ERROR;
    s->rc = sx_buf_append(s->out, data, len);
    return s->rc == 0 ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

struct pager {
    cairo_t *cr;
    PangoLayout *layout;
    PangoLayout *footer;
    int page;
    double y;
};

static void draw_footer(struct pager *p)
{
    char num[32];
    snprintf(num, sizeof(num), "— %d —", p->page);
    pango_layout_set_text(p->footer, num, -1);
    cairo_move_to(p->cr, MARGIN_LEFT, PAGE_H - MARGIN_BOTTOM + MM(10));
    pango_cairo_show_layout(p->cr, p->footer);
}

static void new_page(struct pager *p)
{
    draw_footer(p);
    cairo_show_page(p->cr);
    p->page++;
    p->y = MARGIN_TOP;
}

/* Lay out one block, breaking to a new page between lines when it runs past the margin. */
static void draw_block(struct pager *p, const struct tpl_block *b)
{
    const struct style_def *s = &styles[b->style];
    PangoFontDescription *fd = pango_font_description_from_string(s->font);
    pango_layout_set_font_description(p->layout, fd);
    pango_font_description_free(fd);
    pango_layout_set_alignment(p->layout, s->align);
    pango_layout_set_indent(p->layout, (int)(s->indent * BODY_PT * PANGO_SCALE));
    pango_layout_set_text(p->layout, b->style == TPL_BLANK ? " " : b->text, -1);
    if (b->style == TPL_BLANK) {
        p->y += BODY_PT * 0.8;
        return;
    }
    PangoLayoutIter *it = pango_layout_get_iter(p->layout);
    do {
        PangoRectangle logical;
        pango_layout_iter_get_line_extents(it, NULL, &logical);
        int baseline = pango_layout_iter_get_baseline(it);
        double h = (double)logical.height / PANGO_SCALE * LINE_SPACING;
        if (p->y + h > PAGE_H - MARGIN_BOTTOM && p->y > MARGIN_TOP)
            new_page(p);
        double lead = (h - (double)logical.height / PANGO_SCALE) / 2;
        cairo_move_to(p->cr, MARGIN_LEFT + (double)logical.x / PANGO_SCALE,
                      p->y + lead + (double)(baseline - logical.y) / PANGO_SCALE);
        pango_cairo_show_layout_line(p->cr, pango_layout_iter_get_line_readonly(it));
        p->y += h;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    p->y += s->space_after;
}

int rd_pdf(const struct tpl_doc *doc, const struct rd_meta *meta, struct sx_buf *out,
           struct sx_err *err)
{
    struct sink sink = {out, 0};
    struct pager p;
    int rc = 0;
    memset(&p, 0, sizeof(p));
    cairo_surface_t *surface =
        cairo_pdf_surface_create_for_stream(sink_write, &sink, PAGE_W, PAGE_H);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        rc = SX_FAIL(err, SX_E_INTERNAL, "pdf-render-failed", "文书 PDF 生成失败", "", "",
                     "cairo: %s", cairo_status_to_string(cairo_surface_status(surface)));
        goto cleanup;
    }
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, meta->title);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, meta->author);
    if (meta->subject != NULL)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_SUBJECT, meta->subject);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Sanxiang 三项");
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, meta->created);
    p.cr = cairo_create(surface);
    p.layout = pango_cairo_create_layout(p.cr);
    p.footer = pango_cairo_create_layout(p.cr);
    pango_layout_set_width(p.layout, (int)(TEXT_W * PANGO_SCALE));
    pango_layout_set_wrap(p.layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_width(p.footer, (int)(TEXT_W * PANGO_SCALE));
    pango_layout_set_alignment(p.footer, PANGO_ALIGN_CENTER);
    PangoFontDescription *fd = pango_font_description_from_string(FOOTER_FONT);
    pango_layout_set_font_description(p.footer, fd);
    pango_font_description_free(fd);
    cairo_set_source_rgb(p.cr, 0, 0, 0);
    p.page = 1;
    p.y = MARGIN_TOP;
    for (size_t i = 0; i < doc->n; i++)
        draw_block(&p, &doc->blocks[i]);
    draw_footer(&p);
    cairo_show_page(p.cr);
    g_object_unref(p.footer);
    g_object_unref(p.layout);
    p.footer = NULL;
    p.layout = NULL;
    cairo_destroy(p.cr);
    p.cr = NULL;
    cairo_surface_finish(surface);
    if (sink.rc != 0) {
        rc = sink.rc == SX_E_TOOBIG
                 ? SX_FAIL(err, SX_E_TOOBIG, "document-too-big", "文书 PDF 过大", "", "",
                           "超过 %zu 字节", out->max)
                 : SX_FAIL(err, SX_E_NOMEM, "no-memory", "内存不足", "", "", "pdf");
        goto cleanup;
    }
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        rc = SX_FAIL(err, SX_E_INTERNAL, "pdf-render-failed", "文书 PDF 生成失败", "", "",
                     "cairo: %s", cairo_status_to_string(cairo_surface_status(surface)));
        goto cleanup;
    }
cleanup:
    if (p.layout != NULL)
        g_object_unref(p.layout);
    if (p.footer != NULL)
        g_object_unref(p.footer);
    if (p.cr != NULL)
        cairo_destroy(p.cr);
    cairo_surface_destroy(surface);
    return rc;
}

void rd_shutdown(void)
{
    pango_cairo_font_map_set_default(NULL);
    cairo_debug_reset_static_data();
    FcFini();
}

/*
 * LeakSanitizer: cairo 1.16.0 (Debian 12) loses ~768 bytes three times per PDF
 * inside cairo_surface_finish (arrays of its PDF surface grown with realloc and
 * never freed). The system libcairo has no frame pointers, so the recorded
 * stack holds only the library, not the function, and the rule must name the
 * library: "leak:libcairo.so.2", listed with h2o's in http_server.c (a program
 * has one __lsan_default_suppressions) and in tests/unit/test_pdf.c. Our own
 * cairo objects are few and released on every path of rd_pdf.
 */
