/*
 * flowchart: the 执法流程图 of an act kind, drawn as SVG from its workflow definition
 * (data/workflows/NAME.json), for pre-publicity (HB-1-08 procedures; BJ-2.1-4 flowcharts;
 * HE-2.1 执法流程图). The picture is derived from the same data the engine runs, so what the
 * public sees is the procedure the software enforces.
 *
 * Layout: states in layers by a breadth-first search from the initial state over the
 * transitions (actions with explicit "from" states and a "to"); within a layer in file order.
 * Each state is a box with its Chinese name; each (from, to) pair of states is one arrow
 * labelled with the names of the actions that take it. Actions that keep the state (no "to",
 * or resume) are listed under "环节内办理事项" by state, and actions open in every state
 * ("from": "*") under "各环节均可办理". Output is deterministic (same definition, same bytes)
 * and every text is XML-escaped.
 *
 * Pure: no I/O, no clock, no globals.
 *
 * Ownership: the SVG is appended to the caller's buffer; def is borrowed.
 */
#ifndef CORE_FLOWCHART_H
#define CORE_FLOWCHART_H

#include "core/wf.h"
#include "sx_buf.h"
#include "sx_err.h"

#define FC_SOURCE "北京 二(一)4 (BJ-2.1-4)；河北 二(一) (HE-2.1)；湖北 附件1 第八条 (HB-1-08)"

/*
 * Append the SVG document of def to out. Errors: SX_E_TOOBIG / SX_E_NOMEM from out;
 * SX_E_INVALID "flowchart-too-large" for a definition with more than 256 states.
 */
int fc_render_svg(const struct wf_def *def, struct sx_buf *out, struct sx_err *err) SX_WUR;

/* Append s XML-escaped (& < > " ' as entities; other control characters dropped). */
int fc_put_xml(struct sx_buf *out, const char *s) SX_WUR;

#endif
