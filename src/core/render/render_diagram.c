/* render_diagram: the `diagram` report: a conversation's sequence diagram (seqdiag) as lines,
 * and its items as JSON. */
#include "config.h"

#include <inttypes.h>

#include "core/base/json.h"
#include "core/render/render.h"
#include "core/teach/seqdiag.h"

#define DIAGRAM_WIDTH 80

void render_diagram_text(const struct diagram_report *r, render_line_fn fn, void *ctx)
{
	render_linef(fn, ctx, RENDER_HEADING, "sequence: %s", r->title);
	if (!r->d->n) {
		render_linef(fn, ctx, 0, "nothing has happened yet");
		return;
	}
	seqdiag_render(r->d, r->width > 0 ? r->width : DIAGRAM_WIDTH, fn, ctx);
	if (r->more_items)
		render_linef(fn, ctx, 0, "%" PRIu64 " later item%s counted, not drawn",
			     r->more_items, r->more_items == 1 ? "" : "s");
}

void render_diagram_json(const struct diagram_report *r, struct json *j)
{
	json_cstr(j, "title", r->title);
	json_cstr(j, "left", r->d->names[0]);
	json_cstr(j, "right", r->d->names[1]);
	json_open_array(j, "items");
	for (size_t i = 0; i < r->d->n; i++) {
		const struct seq_item *it = &r->d->v[i];
		json_open(j, NULL);
		json_cstr(j, "kind", it->kind == SEQ_ARROW ? "arrow" : "note");
		json_cstr(j, "side", it->side == SEQ_LEFT ? "left" : "right");
		json_uint(j, "t_ns", it->t_ns - r->d->v[0].t_ns);
		json_cstr(j, "label", it->label);
		json_close(j);
	}
	json_close_array(j);
	json_uint(j, "more_items", r->more_items);
}
