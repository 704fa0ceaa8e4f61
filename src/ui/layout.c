/* layout: where each pane, the status bar and the prompt go for a terminal size (pure). */
#include "config.h"

#include "ui/layout.h"

#include <stdio.h>
#include <string.h>

static const char *const names[LAYOUT_PANES] = {
	[LAYOUT_SERVER] = "Server",
	[LAYOUT_CLIENT] = "Client",
	[LAYOUT_PAIR] = "Pair",
	[LAYOUT_INSPECT] = "Inspector",
};

const char *layout_pane_name(enum layout_pane p)
{
	return (unsigned)p < LAYOUT_PANES ? names[p] : "?";
}

static struct layout_rect rect(int y, int x, int h, int w)
{
	return (struct layout_rect){ .y = y, .x = x, .h = h, .w = w };
}

void layout_compute(struct layout *l, int cols, int rows, enum layout_pane focus)
{
	memset(l, 0, sizeof(*l));
	l->cols = cols;
	l->rows = rows;
	if (cols < LAYOUT_MIN_COLS || rows < LAYOUT_MIN_ROWS) {
		l->too_small = true;
		return;
	}
	l->prompt = rect(rows - 1, 0, 1, cols);
	l->status = rect(rows - 2, 0, 1, cols);
	int area = rows - 2;
	if (cols >= LAYOUT_WIDE_COLS) {
		/* Server and client on the left, where the chunks are; pair and inspector right. */
		l->two_columns = true;
		int lw = cols / 2, rw = cols - lw;
		int top = area / 2, bottom = area - top;
		l->pane[LAYOUT_SERVER] = rect(0, 0, top, lw);
		l->pane[LAYOUT_CLIENT] = rect(top, 0, bottom, lw);
		l->pane[LAYOUT_PAIR] = rect(0, lw, top, rw);
		l->pane[LAYOUT_INSPECT] = rect(top, lw, bottom, rw);
		return;
	}
	/* Stacked: the focused pane gets half the height, the others share the rest, so the
	 * pane being read stays useful on a small terminal. */
	if ((unsigned)focus >= LAYOUT_PANES)
		focus = LAYOUT_SERVER;
	int each = area / 2 / (LAYOUT_PANES - 1);
	if (each < 3)
		each = 3;   /* a border, one line, a border */
	int big = area - each * (LAYOUT_PANES - 1);
	int y = 0;
	for (int p = 0; p < LAYOUT_PANES; p++) {
		int h = p == (int)focus ? big : each;
		l->pane[p] = rect(y, 0, h, cols);
		y += h;
	}
}

size_t layout_too_small_text(const struct layout *l, char *buf, size_t len)
{
	int n = snprintf(buf, len, "terminal too small (%dx%d, need %dx%d)", l->cols, l->rows,
			 LAYOUT_MIN_COLS, LAYOUT_MIN_ROWS);
	return n < 0 ? 0 : (size_t)n;
}
