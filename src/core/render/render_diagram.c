/* render_diagram: the `diagram` report: a conversation's sequence diagram (seqdiag) laid out
 * as text lines (two lifelines, arrows, notes, a time column), and its items as JSON. */
#include "config.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/base/json.h"
#include "core/render/render.h"
#include "core/teach/seqdiag.h"

#define DIAGRAM_WIDTH 80
#define TIME_W 9               /* "+12.345ms" */
#define LINE_MAX_W 512

/* Where things go on a line of W columns. */
struct geom {
	int w;
	int l, r;              /* the lifelines' columns */
};

static struct geom geom_of(int width)
{
	struct geom g;
	g.w = width < SEQDIAG_MIN_WIDTH ? SEQDIAG_MIN_WIDTH : width;
	if (g.w > LINE_MAX_W - 1)
		g.w = LINE_MAX_W - 1;
	g.l = TIME_W + 2;
	/* Three fifths of the rest between the lifelines, the others for notes on the right. */
	g.r = g.l + (g.w - g.l) * 3 / 5;
	return g;
}

/* A line with both lifelines and nothing else. */
static void blank(const struct geom *g, char *line)
{
	memset(line, ' ', (size_t)g->w);
	line[g->w] = '\0';
	line[g->l] = '|';
	line[g->r] = '|';
}

static void emit(render_line_fn fn, void *ctx, char *line, int w)
{
	/* No trailing blanks. */
	int n = w;
	while (n > 0 && line[n - 1] == ' ')
		n--;
	struct render_line l = { .text = line, .len = (size_t)n };
	fn(ctx, &l);
}

/* The length of the next piece of TEXT (LEN bytes) that fits ROOM columns: up to the last
 * space that fits, or ROOM bytes when no space does. *SKIP: bytes to pass after it. */
static size_t piece(const char *text, size_t len, size_t room, size_t *skip)
{
	*skip = 0;
	if (len <= room)
		return len;
	size_t cut = room;
	while (cut > 0 && text[cut] != ' ')
		cut--;
	if (cut == 0)
		return room;
	*skip = 1;
	return cut;
}

static void time_col(uint64_t dt_ns, char *line)
{
	char t[32];
	if (dt_ns < 1000000u)
		snprintf(t, sizeof(t), "+%" PRIu64 "us", dt_ns / 1000u);
	else if (dt_ns < 1000000000u)
		snprintf(t, sizeof(t), "+%.3fms", (double)dt_ns / 1e6);
	else
		snprintf(t, sizeof(t), "+%.3fs", (double)dt_ns / 1e9);
	size_t n = strlen(t);
	memcpy(line, t, n > TIME_W ? TIME_W : n);
}

/* TEXT wrapped into the columns [FROM, TO), one line each piece, centred when CENTRE. The
 * first line gets the time column when TIME_NS is set (a note: the line is the event). */
static void text_lines(const struct geom *g, const char *text, int from, int to, bool centre,
		       const uint64_t *dt_ns, render_line_fn fn, void *ctx)
{
	size_t len = strlen(text), room = (size_t)(to - from);
	bool first = true;
	do {
		size_t skip, n = piece(text, len, room, &skip);
		char line[LINE_MAX_W];
		blank(g, line);
		if (first && dt_ns)
			time_col(*dt_ns, line);
		int at = centre ? from + (int)(room - n) / 2 : from;
		memcpy(line + at, text, n);
		emit(fn, ctx, line, g->w);
		text += n + skip;
		len -= n + skip;
		first = false;
	} while (len > 0);
}

static void arrow(const struct geom *g, const struct seq_item *it, uint64_t dt,
		  render_line_fn fn, void *ctx)
{
	if (it->label[0])
		text_lines(g, it->label, g->l + 2, g->r - 1, true, NULL, fn, ctx);
	char line[LINE_MAX_W];
	blank(g, line);
	time_col(dt, line);
	memset(line + g->l + 1, '-', (size_t)(g->r - g->l - 1));
	if (it->side == SEQ_LEFT)
		line[g->r - 1] = '>';
	else
		line[g->l + 1] = '<';
	emit(fn, ctx, line, g->w);
}

static void note(const struct geom *g, const struct seq_item *it, uint64_t dt,
		 render_line_fn fn, void *ctx)
{
	if (it->side == SEQ_LEFT)
		text_lines(g, it->label, g->l + 2, g->r - 1, false, &dt, fn, ctx);
	else
		text_lines(g, it->label, g->r + 2, g->w, false, &dt, fn, ctx);
}

/* The names over their lifelines (the left one cut at the right lifeline). */
static void heading(const struct geom *g, const struct seqdiag *d, render_line_fn fn,
		    void *ctx)
{
	char line[LINE_MAX_W];
	memset(line, ' ', (size_t)g->w);
	line[g->w] = '\0';
	size_t ln = strlen(d->names[0]), rn = strlen(d->names[1]);
	size_t lroom = (size_t)(g->r - g->l - 1), rroom = (size_t)(g->w - g->r);
	memcpy(line + g->l, d->names[0], ln < lroom ? ln : lroom);
	memcpy(line + g->r, d->names[1], rn < rroom ? rn : rroom);
	struct render_line l = { .text = line, .len = strlen(line), .flags = RENDER_HEADING };
	while (l.len && line[l.len - 1] == ' ')
		l.len--;
	fn(ctx, &l);
	blank(g, line);
	emit(fn, ctx, line, g->w);
}

/* The heading, then each item as an arrow or a note with its time. */
void render_diagram_lines(const struct seqdiag *d, int width, render_line_fn fn, void *ctx)
{
	struct geom g = geom_of(width);
	heading(&g, d, fn, ctx);
	uint64_t t0 = d->n ? d->v[0].t_ns : 0;
	for (size_t i = 0; i < d->n; i++) {
		const struct seq_item *it = &d->v[i];
		uint64_t dt = it->t_ns > t0 ? it->t_ns - t0 : 0;
		if (it->kind == SEQ_ARROW)
			arrow(&g, it, dt, fn, ctx);
		else
			note(&g, it, dt, fn, ctx);
	}
}

void render_diagram_text(const struct diagram_report *r, render_line_fn fn, void *ctx)
{
	render_linef(fn, ctx, RENDER_HEADING, "sequence: %s", r->title);
	if (!r->d->n) {
		render_linef(fn, ctx, 0, "nothing has happened yet");
		return;
	}
	render_diagram_lines(r->d, r->width > 0 ? r->width : DIAGRAM_WIDTH, fn, ctx);
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
