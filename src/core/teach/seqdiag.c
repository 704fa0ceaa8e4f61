/* seqdiag: two-party sequence diagrams as text lines. */
#include "config.h"

#include "core/teach/seqdiag.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#define TIME_W 9               /* "+12.345ms" */
#define LINE_MAX_W 512

int seqdiag_init(struct seqdiag *d, const char *left, const char *right)
{
	memset(d, 0, sizeof(*d));
	d->names[0] = strdup(left);
	d->names[1] = strdup(right);
	if (!d->names[0] || !d->names[1]) {
		seqdiag_free(d);
		return -ENOMEM;
	}
	return 0;
}

int seqdiag_add(struct seqdiag *d, enum seq_kind kind, enum seq_side side, uint64_t t_ns,
		const char *label)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct seq_item *v = realloc(d->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		d->v = v;
		d->cap = cap;
	}
	char *l = strdup(label);
	if (!l)
		return -ENOMEM;
	d->v[d->n++] = (struct seq_item){ kind, side, t_ns, l };
	return 0;
}

void seqdiag_free(struct seqdiag *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].label);
	free(d->v);
	free(d->names[0]);
	free(d->names[1]);
	memset(d, 0, sizeof(*d));
}

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

void seqdiag_render(const struct seqdiag *d, int width, render_line_fn fn, void *ctx)
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
