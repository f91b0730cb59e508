/*
 * pdf: lays out a filled document template (core/tpl blocks) as an A4 PDF
 * with pango and cairo, in the usual layout of Chinese official documents
 * (GB/T 9704-2012 as a guide): margins 37 mm top, 35 mm bottom, 28 mm left,
 * 26 mm right; the title centred in a bold serif (小标宋-like, Noto Serif CJK
 * SC Bold), the number line centred, body text in a serif (仿宋-like, Noto
 * Serif CJK SC) with a two-character first-line indent, headings in a bold
 * sans (黑体-like), the signature block and date right-aligned, and the page
 * number "— N —" centred at the foot of each page. Long blocks break between
 * lines across pages. This file is the only caller of cairo and pango.
 *
 * Output is deterministic for the same blocks and metadata (the creation date
 * is the one passed in, not the clock), so a document can be re-rendered and
 * compared with its signed SM3 hash.
 *
 * Threading: pango's default font map is per thread (pango >= 1.32.6), so any
 * thread may render; the first render on a thread loads the fonts (slow), the
 * next ones reuse them.
 *
 * Ownership: inputs are borrowed; the PDF bytes are appended to the caller's
 * sx_buf (left with what was written so far on error).
 *
 * Errors: SX_E_INTERNAL ("pdf-render-failed") when cairo reports a failure;
 * SX_E_TOOBIG when out's cap is reached; SX_E_NOMEM.
 */
#ifndef RD_PDF_H
#define RD_PDF_H

#include "core/tpl.h"
#include "sx_buf.h"
#include "sx_err.h"

struct rd_meta {
    const char *title;   /* PDF Title, e.g. 行政处罚决定书 滇医保罚决〔2026〕3号 */
    const char *author;  /* PDF Author: the issuing org */
    const char *subject; /* PDF Subject: e.g. the case number; may be NULL */
    const char *created; /* PDF CreationDate, ISO "YYYY-MM-DDThh:mm:ssZ"; required */
};

/* Render doc as an A4 PDF appended to out. 0 or an error as above. */
int rd_pdf(const struct tpl_doc *doc, const struct rd_meta *meta, struct sx_buf *out,
           struct sx_err *err) SX_WUR;

/*
 * Release the font caches of pango, cairo and fontconfig at process exit, so
 * that leak checkers see only real leaks. Call once, after every thread that
 * rendered has finished; nothing may render afterwards.
 */
void rd_shutdown(void);

#endif
