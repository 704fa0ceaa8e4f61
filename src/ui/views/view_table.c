/* view_table: the table kind: a report's rows in aligned columns (sockets, sessions), headings
 * on top, cells cut with an ellipsis, a selected row; s sorts by the next column, S the other
 * way, Enter inspects the selected socket. Filled from the reports' typed rows (table_fill.c). */
#include "config.h"

#include <curses.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ui/draw/paint.h"
#include "ui/draw/sheet.h"
#include "ui/draw/table.h"
#include "ui/views/view.h"

#define TABLE_LINE_MAX 2048

static void table_draw(struct sheet *s, struct view *v, struct layout_rect r)
{
	struct table *t = s->table;
	int w[TABLE_COLS_MAX];
	char line[TABLE_LINE_MAX];
	table_widths(t, r.w, w);
	long body = r.h - 1;
	if (s->sel >= (long)t->n)
		s->sel = (long)t->n - 1;
	if (s->top > (long)t->n - body)
		s->top = (long)t->n - body;
	if (s->top < 0)
		s->top = 0;
	size_t n = table_line(t, -1, w, v->utf8, line, sizeof(line));
	attron(paint_look(LOOK_HEADING) | A_UNDERLINE);
	paint_put(r.y, r.x, line, n, r.w);
	attroff(paint_look(LOOK_HEADING) | A_UNDERLINE);
	long row = s->top;
	for (int y = r.y + 1; y < r.y + r.h && row < (long)t->n; y++, row++) {
		n = table_line(t, row, w, v->utf8, line, sizeof(line));
		attr_t a = row == s->sel ? paint_look(LOOK_SELECT) : A_NORMAL;
		paint_wrapped(line, n, y, r.x, r.w, 0, a, (struct paint_mark){ 0 },
			      v->found[0] ? v->found : NULL, 0, 1);
	}
	s->rows = r.h;
	s->shown = row - s->top;
}

static void table_step(struct sheet *s, long n)
{
	if (n == INT32_MAX)
		s->top = 0;
	else if (n == INT32_MIN)
		s->top = (long)s->table->n;
	else
		s->top -= n;
	if (s->top < 0)
		s->top = 0;
}

static void show_sel(struct sheet *s)
{
	if (s->sel < s->top)
		s->top = s->sel;
	else if (s->shown > 0 && s->sel >= s->top + s->shown)
		s->top = s->sel - s->shown + 1;
}

static bool table_find(struct sheet *s, const struct view *v, const char *needle, int dir)
{
	struct table *t = s->table;
	(void)v;
	long n = (long)t->n, from = s->sel >= 0 ? s->sel : dir > 0 ? s->top - 1 : s->top;
	for (long k = 1; k <= n; k++) {
		long i = ((from + dir * k) % n + n) % n;
		for (int c = 0; c < t->ncols; c++) {
			const char *cell = table_cell(t, (size_t)i, c);
			if (doc_match(cell, strlen(cell), needle) >= 0) {
				s->sel = i;
				show_sel(s);
				return true;
			}
		}
	}
	return false;
}

/* Enter: the table's action on the row's path ("inspect PATH"); a row without a path, or
 * with one the command line cannot carry as it is, says so. */
static void act(struct sheet *s, struct sheet_request *req)
{
	struct table *t = s->table;
	if (!s->action[0] || s->sel < 0)
		return;
	const char *path = table_cell(t, (size_t)s->sel, s->action_col);
	if (path[0] == '(' || strpbrk(path, "\"\\")) {
		req->ask = SHEET_ASK_MESSAGE;
		snprintf(req->text, sizeof(req->text), "this row has no path to inspect");
		return;
	}
	req->ask = SHEET_ASK_RUN;
	snprintf(req->text, sizeof(req->text), "%s \"%.512s\"", s->action, path);
}

static bool table_key(struct sheet *s, int key, bool code, struct sheet_request *req)
{
	struct table *t = s->table;
	if (t->n == 0)
		return false;
	if (code && (key == KEY_UP || key == KEY_DOWN)) {
		long sel = s->sel < 0 ? s->top : s->sel + (key == KEY_UP ? -1 : 1);
		s->sel = sel < 0 ? 0 : sel >= (long)t->n ? (long)t->n - 1 : sel;
		show_sel(s);
		return true;
	}
	if (code && key == KEY_ENTER) {
		act(s, req);
		return true;
	}
	if (code && (key == KEY_LEFT || key == KEY_RIGHT)) {
		/* Columns scroll out to the left: the ones after them get the room. */
		int f = t->first + (key == KEY_RIGHT ? 1 : -1);
		t->first = f < 0 ? 0 : f >= t->ncols ? t->ncols - 1 : f;
		return true;
	}
	if (!code && (key == 's' || key == 'S')) {
		int col = t->sort_col + 1 >= t->ncols ? 0 : t->sort_col + 1;
		table_sort(t, key == 's' ? col : (t->sort_col < 0 ? 0 : t->sort_col), key == 'S');
		s->sel = -1;
		req->ask = SHEET_ASK_STATUS;
		snprintf(req->text, sizeof(req->text),
			 "sorted by %s%s (s: next column, S: the other way)",
			 t->head[t->sort_col], t->sort_desc ? ", descending" : "");
		return true;
	}
	return false;
}

const struct sheet_kind table_kind = {
	.name = "table",
	.draw = table_draw,
	.key = table_key,
	.step = table_step,
	.find = table_find,
};
