/* layout: where each pane, the message line and the prompt go for a terminal size (pure). */
#include "config.h"

#include "ui/layout.h"

#include <stdio.h>
#include <string.h>

static const char *const names[LAYOUT_PANES] = {
	[LAYOUT_SERVER] = "Server",
	[LAYOUT_CLIENT] = "Client",
	[LAYOUT_PAIR] = "Pair",
	[LAYOUT_TAP] = "Tap",
	[LAYOUT_REPORT] = "Report",
	[LAYOUT_TALK] = "Conversation",
};

const char *layout_pane_name(enum layout_pane p)
{
	return (unsigned)p < LAYOUT_PANES ? names[p] : "?";
}

static struct layout_rect rect(int y, int x, int h, int w)
{
	return (struct layout_rect){ .y = y, .x = x, .h = h, .w = w };
}

bool layout_talk(int cols, int rows)
{
	return cols < LAYOUT_WIDE_COLS && rows < LAYOUT_TALK_ROWS;
}

/* Stack the panes of SHOWN in order into the rows Y..Y+H of columns X..X+W: FOCUS (when
 * among them) gets half, the others share the rest, each at least a border, a line and a
 * border; the last one takes what rounding leaves. */
static void stack(struct layout *l, unsigned shown, enum layout_pane focus, int y, int x,
		  int h, int w)
{
	int n = 0, last = -1, y0 = y;
	for (int p = 0; p < LAYOUT_PANES; p++)
		if (shown & LAYOUT_BIT(p)) {
			n++;
			last = p;
		}
	if (n == 0)
		return;
	bool has_focus = shown & LAYOUT_BIT(focus);
	int each = n > 1 ? (has_focus ? h / 2 / (n - 1) : h / n) : h;
	if (each < 3)
		each = 3;
	int big = has_focus ? h - each * (n - 1) : each;
	for (int p = 0; p < LAYOUT_PANES; p++) {
		if (!(shown & LAYOUT_BIT(p)))
			continue;
		int ph = p == last ? h - (y - y0) : p == (int)focus ? big : each;
		l->pane[p] = rect(y, x, ph, w);
		y += ph;
	}
}

void layout_compute(struct layout *l, int cols, int rows, enum layout_pane focus,
		    unsigned shown)
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
	l->area = rect(0, 0, area, cols);
	/* At most as many panes as fit: each needs three rows stacked. */
	unsigned keep = 0;
	int room = area / 3;
	for (int p = 0; p < LAYOUT_PANES && room > 0; p++)
		if (shown & LAYOUT_BIT(p)) {
			keep |= LAYOUT_BIT(p);
			room--;
		}
	shown = keep;
	l->shown = shown;
	unsigned left = shown & (LAYOUT_BIT(LAYOUT_SERVER) | LAYOUT_BIT(LAYOUT_CLIENT) |
				 LAYOUT_BIT(LAYOUT_TALK));
	unsigned right = shown & ~left;
	if (cols >= LAYOUT_WIDE_COLS && left && right) {
		l->two_columns = true;
		int lw = cols / 2;
		stack(l, left, focus, 0, 0, area, lw);
		stack(l, right, focus, 0, lw, area, cols - lw);
		return;
	}
	stack(l, shown, focus, 0, 0, area, cols);
}

void layout_grow(struct layout *l, enum layout_pane p, int want, unsigned quiet)
{
	struct layout_rect *g = &l->pane[p];
	if (l->too_small || !(l->shown & LAYOUT_BIT(p)) || want <= g->h)
		return;
	int need = want - g->h;
	for (int q = 0; q < LAYOUT_PANES && need > 0; q++) {
		struct layout_rect *o = &l->pane[q];
		if (q == (int)p || !(l->shown & LAYOUT_BIT(q)) || !(quiet & LAYOUT_BIT(q)) ||
		    o->x != g->x)
			continue;
		int give = o->h - 3 < need ? o->h - 3 : need;
		if (give <= 0)
			continue;
		o->h -= give;
		g->h += give;
		need -= give;
	}
	int y = l->area.y;
	for (int q = 0; q < LAYOUT_PANES; q++)
		if ((l->shown & LAYOUT_BIT(q)) && l->pane[q].x == g->x) {
			l->pane[q].y = y;
			y += l->pane[q].h;
		}
}

size_t layout_too_small_text(const struct layout *l, char *buf, size_t len)
{
	int n = snprintf(buf, len, "terminal too small (%dx%d, need %dx%d)", l->cols, l->rows,
			 LAYOUT_MIN_COLS, LAYOUT_MIN_ROWS);
	return n < 0 ? 0 : (size_t)n;
}
