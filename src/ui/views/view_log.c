/* view_log: the log kind: the event lines of one ring, or of two merged in time order (the
 * Conversation), newest at the bottom, wrapped at word boundaries under the text column; each
 * line's text made once and kept with it (view_line.c). */
#include "config.h"

#include <curses.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/event.h"
#include "ui/draw/columns.h"
#include "ui/draw/paint.h"
#include "ui/draw/sheet.h"
#include "ui/draw/text.h"
#include "ui/views/view.h"

size_t log_count(const struct sheet *s)
{
	return s->ring[0]->count + (s->ring[1] ? s->ring[1]->count : 0);
}

static uint64_t appended(const struct sheet *s)
{
	return s->ring[0]->appended + (s->ring[1] ? s->ring[1]->appended : 0);
}

static bool newer(const struct pane_line *a, const struct pane_line *b)
{
	if (a->ev.time_ns != b->ev.time_ns)
		return a->ev.time_ns > b->ev.time_ns;
	return a->ev.seq > b->ev.seq;
}

const struct pane_line *log_line_at(const struct sheet *s, size_t back)
{
	if (!s->ring[1])
		return pane_get(s->ring[0], back);
	size_t i = 0, j = 0;
	for (;;) {
		const struct pane_line *a = pane_get(s->ring[0], i), *b = pane_get(s->ring[1], j);
		const struct pane_line *pick = a && (!b || newer(a, b)) ? a : b;
		if (!pick || back == 0)
			return pick;
		if (pick == a)
			i++;
		else
			j++;
		back--;
	}
}

static enum look look_of(const struct pane_line *pl)
{
	const struct event *ev = &pl->ev;
	if (pl->skipped)
		return LOOK_SKIP;
	switch (ev->kind) {
	case EV_RECV:
		return LOOK_RECV;
	case EV_SEND:
		return LOOK_SEND;
	case EV_ERROR:
		return LOOK_ERROR;
	case EV_WAIT:
	case EV_CLOSE:
	case EV_DONE:
		return ev->err ? LOOK_ERROR : LOOK_QUIET;
	default:
		return LOOK_PLAIN;
	}
}

static int line_rows(const struct sheet *s, const struct view *v, const struct pane_line *pl,
		     int cols)
{
	size_t n;
	int indent;
	const char *line = view_log_text(v, pl, s->ring[1] != NULL, &n, &indent);
	return text_wrap_rows(line, n, cols, indent);
}

/* Scrolled back: the oldest line belongs at the top of a full pane, not at the bottom of an
 * empty one. Wrapped lines make this a count of rows, not lines. */
static void clamp(struct sheet *s, const struct view *v, int h, int cols)
{
	if (!s->pos.back)
		return;
	int acc = 0;
	size_t limit = 0, n = log_count(s);
	for (size_t back = n; back-- > 0;) {
		acc += line_rows(s, v, log_line_at(s, back), cols);
		if (acc >= h) {
			limit = back;
			break;
		}
	}
	if (acc < h) {
		s->pos.back = 0;   /* everything fits: nothing to scroll */
		s->pos.follow = true;
	} else if (s->pos.back > limit) {
		s->pos.back = limit;
	}
}

static void log_draw_column(struct sheet *s, struct view *v, struct layout_rect r)
{
	int row = r.y + r.h - 1;
	long shown = 0;
	for (size_t back = s->pos.back; row >= r.y; back++) {
		const struct pane_line *pl = log_line_at(s, back);
		if (!pl)
			break;
		size_t n;
		int indent;
		const char *line = view_log_text(v, pl, s->ring[1] != NULL, &n, &indent);
		int rows = text_wrap_rows(line, n, r.w, indent);
		int first = row - rows + 1;
		/* A wrapped line cut by the top edge shows its first rows (its time, who, what),
		 * not its tail: "sending 41 bytes b'This is...", not "repeated.'". */
		int cut = first < r.y ? r.y - first : 0;
		attr_t a = paint_look(s->pos.sel == (long)back ? LOOK_SELECT : look_of(pl));
		paint_wrapped(line, n, first + cut, r.x, r.w, indent, a, (struct paint_mark){ 0 },
			      v->found[0] ? v->found : NULL, 0, rows - cut);
		row = first - 1;
		shown++;
	}
	s->shown = shown;
}

/* The pair demo's lines in rows (columns_place): oldest first, each with its row. */
struct grid {
	const struct pane_line **line;
	size_t *row;
	size_t n, rows;
	int w[2]; /* the two columns' widths */
};

static bool grid_make(const struct sheet *s, struct grid *g)
{
	size_t n = log_count(s);
	g->n = n;
	g->line = malloc((n ? n : 1) * sizeof(*g->line));
	g->row = malloc((n ? n : 1) * sizeof(*g->row));
	uint8_t *col = malloc(n ? n : 1);
	uint32_t *run = malloc((n ? n : 1) * sizeof(*run));
	bool ok = g->line && g->row && col && run;
	for (size_t i = 0; ok && i < n; i++) {
		g->line[i] = log_line_at(s, n - 1 - i);
		col[i] = g->line[i]->ev.source == SRC_PAIR_CHILD;
		run[i] = g->line[i]->ev.session;
	}
	g->rows = ok ? columns_place(col, run, n, g->row) : 0;
	free(col);
	free(run);
	return ok;
}

static void grid_free(struct grid *g)
{
	free(g->line);
	free(g->row);
}

/* Screen rows of line I in its column. */
static int grid_line_rows(const struct grid *g, const struct view *v, size_t i)
{
	size_t n;
	int indent;
	const char *line = view_log_text(v, g->line[i], false, &n, &indent);
	return text_wrap_rows(line, n, g->w[g->line[i]->ev.source == SRC_PAIR_CHILD], indent);
}

/* The lines [*FIRST, END) of row R (they are consecutive: rows never go back); its height. */
static int grid_row(const struct grid *g, const struct view *v, size_t r, size_t end, size_t *first)
{
	size_t j = end;
	int h = 1;
	while (j > 0 && g->row[j - 1] == r) {
		int k = grid_line_rows(g, v, --j);
		h = k > h ? k : h;
	}
	*first = j;
	return h;
}

/* Scrolled back (in rows) as far as the first row: true, and it is drawn from the top (no
 * blank rows above it, none cut). */
static bool grid_clamp(struct sheet *s, const struct grid *g, const struct view *v, int h)
{
	int acc = 0;
	size_t i = 0, r = 0;
	for (; r < g->rows && acc < h; r++) {
		size_t end = i, first;
		while (end < g->n && g->row[end] == r)
			end++;
		acc += grid_row(g, v, r, end, &first);
		i = end;
	}
	if (acc < h) {
		s->pos.back = 0;
		s->pos.follow = true;
		return false;
	}
	if (s->pos.back < g->rows - r)
		return false;
	s->pos.back = g->rows - r;
	return true;
}

/* Paint the lines [FIRST, END) of one row H rows high with its top at Y, inside R. */
static void grid_paint(struct sheet *s, const struct view *v, const struct grid *g, size_t first,
		       size_t end, int y, int h, struct layout_rect r)
{
	for (size_t i = first; i < end; i++) {
		size_t n;
		int indent, c = g->line[i]->ev.source == SRC_PAIR_CHILD;
		const char *line = view_log_text(v, g->line[i], false, &n, &indent);
		int rows = text_wrap_rows(line, n, g->w[c], indent);
		/* A row cut by the top edge shows its lines' first rows, as a column does (the
		 * rows left out are marked by paint_wrapped). */
		int cut = y < r.y ? r.y - y : 0, room = r.y + r.h - (y + cut);
		int max = rows < h - cut ? rows : h - cut;
		max = max < room ? max : room;
		attr_t a = paint_look(s->pos.sel == (long)(g->n - 1 - i) ? LOOK_SELECT
									 : look_of(g->line[i]));
		if (max > 0)
			paint_wrapped(line, n, y + cut, c ? r.x + g->w[0] + 1 : r.x, g->w[c],
				      indent, a, (struct paint_mark){ 0 },
				      v->found[0] ? v->found : NULL, 0, max);
		s->shown++;
	}
}

/* The parent's lines on the left, the child's on the right, each run's side by side: from
 * the bottom row up, or at the oldest from the first row down. */
static void log_draw_pair(struct sheet *s, struct view *v, struct layout_rect r)
{
	struct grid g;
	int cw = (r.w - 1) / 2;
	g.w[0] = cw;
	g.w[1] = r.w - cw - 1;
	mvvline(r.y, r.x + cw, ACS_VLINE, r.h);
	s->shown = 0;
	if (!grid_make(s, &g) || !g.rows) {
		grid_free(&g);
		return;
	}
	size_t first, end;
	if (grid_clamp(s, &g, v, r.h)) {
		int y = r.y;
		for (size_t row = 0, i = 0; row < g.rows && y < r.y + r.h; row++, i = end) {
			for (end = i; end < g.n && g.row[end] == row;)
				end++;
			int h = grid_row(&g, v, row, end, &first);
			grid_paint(s, v, &g, first, end, y, h, r);
			y += h;
		}
	} else {
		size_t last = g.rows - 1 - s->pos.back;
		for (end = g.n; end > 0 && g.row[end - 1] > last;)
			end--;
		int y = r.y + r.h;
		for (size_t row = last + 1; row-- > 0 && y > r.y; end = first) {
			int h = grid_row(&g, v, row, end, &first);
			y -= h;
			grid_paint(s, v, &g, first, end, y, h, r);
		}
	}
	grid_free(&g);
}

static void log_draw(struct sheet *s, struct view *v, struct layout_rect r)
{
	pane_pos_keep(&s->pos, appended(s), log_count(s));
	s->rows = r.h;
	if (!s->split || r.w < 21) {
		clamp(s, v, r.h, r.w);
		log_draw_column(s, v, r);
		return;
	}
	log_draw_pair(s, v, r);
}

static void log_step(struct sheet *s, long n)
{
	pane_pos_step(&s->pos, n, log_count(s));
}

/* Keep the selected line on screen. */
static void show_sel(struct sheet *s)
{
	if (s->pos.sel < 0)
		return;
	if ((size_t)s->pos.sel < s->pos.back) {
		s->pos.back = (size_t)s->pos.sel;
	} else if (s->shown > 0 && s->pos.sel >= (long)s->pos.back + s->shown) {
		s->pos.back = (size_t)(s->pos.sel - s->shown + 1);
	}
	s->pos.follow = s->pos.back == 0;
}

static bool log_find(struct sheet *s, const struct view *v, const char *needle, int dir)
{
	size_t n = log_count(s);
	long from = s->pos.sel >= 0 ? s->pos.sel : (long)s->pos.back - (dir < 0 ? 1 : 0);
	for (size_t k = 1; k <= n; k++) {
		/* Up (dir -1) is towards the older lines: further back. */
		long i = ((from - dir * (long)k) % (long)n + (long)n) % (long)n;
		size_t len;
		int indent;
		const char *line = view_log_text(v, log_line_at(s, (size_t)i), s->ring[1] != NULL,
						 &len, &indent);
		if (doc_match(line, len, needle) >= 0) {
			s->pos.sel = i;
			show_sel(s);
			return true;
		}
	}
	return false;
}

static bool log_key(struct sheet *s, int key, bool code, struct sheet_request *req)
{
	size_t n = log_count(s);
	if (!code || n == 0)
		return false;
	if (key == KEY_UP || key == KEY_DOWN) {
		long from = (long)s->pos.back - (key == KEY_UP ? 1 : 0);
		long sel = s->pos.sel < 0 ? from : s->pos.sel;
		sel += key == KEY_UP ? 1 : -1;
		s->pos.sel = sel < 0 ? 0 : sel >= (long)n ? (long)n - 1 : sel;
		show_sel(s);
		return true;
	}
	if (key == KEY_ENTER && s->pos.sel >= 0) {
		req->ask = SHEET_ASK_CHUNK;
		req->ev = &log_line_at(s, (size_t)s->pos.sel)->ev;
		return true;
	}
	return false;
}

const struct sheet_kind log_kind = {
	.name = "log",
	.draw = log_draw,
	.key = log_key,
	.step = log_step,
	.find = log_find,
};
