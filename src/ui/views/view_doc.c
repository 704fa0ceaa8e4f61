/* view_doc: the doc kinds' shared drawing, scrolling and search (lines top down, wrapped at
 * word boundaries with a hanging indent), and the kinds that are nothing more: report and
 * messages. */
#include "config.h"

#include <curses.h>
#include <stdint.h>

#include "ui/draw/paint.h"
#include "ui/draw/sheet.h"
#include "ui/draw/text.h"
#include "ui/views/view.h"

static attr_t look_of(const struct doc_line *l)
{
	switch (l->look) {
	case DOC_HEADING:
		return paint_look(LOOK_HEADING);
	case DOC_ERROR:
		return paint_look(LOOK_ERROR);
	case DOC_QUIET:
		return paint_look(LOOK_QUIET);
	case DOC_CODE:
		return paint_look(LOOK_SEND);
	default:
		return paint_look(LOOK_PLAIN);
	}
}

static int rows_of(const struct doc_line *l, int cols)
{
	return text_wrap_rows(l->text, l->len, cols, l->indent);
}

int doc_sheet_rows(const struct sheet *s, int cols)
{
	int rows = 0;
	for (size_t i = 0; i < s->doc.n; i++)
		rows += rows_of(&s->doc.line[i], cols);
	return rows;
}

/* The first line that can be at the top with the rest of the doc still filling H rows. */
static long top_max(const struct sheet *s, int h, int cols)
{
	int acc = 0;
	for (long i = (long)s->doc.n; i-- > 0;) {
		acc += rows_of(&s->doc.line[i], cols);
		if (acc > h)
			return i + 1;
	}
	return 0;
}

/* With pin_last, while the view is above the doc's last line, that line takes the pane's
 * last rows (a tour step's "Enter runs step N" under its narration): the rows it needs, or
 * none when the view reaches it anyway. */
static int foot_rows(const struct sheet *s, int h, int cols)
{
	if (!s->pin_last || s->doc.n < 2)
		return 0;
	int acc = 0;
	for (long i = s->top; i < (long)s->doc.n; i++) {
		acc += rows_of(&s->doc.line[i], cols);
		if (acc > h)
			break;
	}
	if (acc <= h)
		return 0;
	int foot = rows_of(&s->doc.line[s->doc.n - 1], cols);
	return foot < h ? foot : 0;
}

static int draw_line(const struct sheet *s, const struct view *v, long i, int row, int x,
		     int cols, int max)
{
	const struct doc_line *l = &s->doc.line[i];
	attr_t a = i == s->sel ? paint_look(LOOK_SELECT) : look_of(l);
	return paint_wrapped(l->text, l->len, row, x, cols, l->indent, a,
			     (struct paint_mark){ l->mark_off, l->mark_len },
			     v->found[0] ? v->found : NULL, 0, max);
}

void doc_sheet_draw(struct sheet *s, struct view *v, struct layout_rect r)
{
	long max = top_max(s, r.h, r.w);
	if (s->top > max)
		s->top = max;
	if (s->top < 0)
		s->top = 0;
	s->rows = r.h;
	s->cols = r.w;
	int foot = foot_rows(s, r.h, r.w);
	int end = r.y + r.h - foot;
	int row = r.y;
	long i = s->top;
	s->whole = 0;
	for (; i < (long)s->doc.n && row < end; i++) {
		int drawn = draw_line(s, v, i, row, r.x, r.w, end - row);
		if (drawn == rows_of(&s->doc.line[i], r.w) && s->whole == i - s->top)
			s->whole++;
		row += drawn;
	}
	s->shown = i - s->top;
	if (foot)
		draw_line(s, v, (long)s->doc.n - 1, end, r.x, r.w, foot);
	if (s->top + s->shown < (long)s->doc.n || s->top > 0) {
		/* Where the view is, as less says it. */
		char where[48];
		int n = snprintf(where, sizeof(where), " lines %ld-%ld of %zu ", s->top + 1,
				 s->top + s->shown, s->doc.n);
		if (n > 0 && n < r.w)
			paint_put(r.y + r.h, r.x + r.w - n - 1, where, (size_t)n, n);
	}
}

void doc_sheet_scroll(struct sheet *s, long n)
{
	if (n == INT32_MAX)
		s->top = 0;
	else if (n == INT32_MIN)
		s->top = (long)s->doc.n;   /* the draw pulls it back to the last page */
	else
		s->top -= n;
	if (s->top < 0)
		s->top = 0;
}

/* A page on: the first line the last draw did not show whole heads the next page. A page
 * back: the lines above the top that fill the rows the body had (the foot's rows left out). */
void doc_sheet_page(struct sheet *s, int dir)
{
	if (dir < 0) {
		s->top += s->whole > 0 ? s->whole : 1;
		return;   /* the draw clamps it to the last screenful */
	}
	int room = s->rows;
	if (s->pin_last && s->doc.n > 1)
		room -= rows_of(&s->doc.line[s->doc.n - 1], s->cols);
	long i = s->top;
	for (int acc = 0; i > 0; i--) {
		acc += rows_of(&s->doc.line[i - 1], s->cols);
		if (acc > room)
			break;
	}
	if (i == s->top && i > 0)
		i--;
	s->top = i;
}

void doc_sheet_goto(struct sheet *s, long i)
{
	s->top = i;
	s->sel = i;
}

bool doc_sheet_find(struct sheet *s, const struct view *v, const char *needle, int dir)
{
	(void)v;
	long from = s->sel >= 0 ? s->sel : dir > 0 ? s->top - 1 : s->top;
	long i = doc_find(&s->doc, needle, from, dir);
	if (i < 0)
		return false;
	s->sel = i;
	if (i < s->top || i >= s->top + (s->shown > 0 ? s->shown : 1))
		s->top = i > 2 ? i - 2 : 0;   /* a little context above the hit */
	return true;
}

const struct sheet_kind report_kind = {
	.name = "report",
	.draw = doc_sheet_draw,
	.step = doc_sheet_scroll,
	.page = doc_sheet_page,
	.find = doc_sheet_find,
};

const struct sheet_kind messages_kind = {
	.name = "messages",
	.draw = doc_sheet_draw,
	.step = doc_sheet_scroll,
	.page = doc_sheet_page,
	.find = doc_sheet_find,
};
