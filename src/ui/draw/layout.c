/* layout: where each pane, the message line and the prompt go for a terminal size (pure). */
#include "config.h"

#include "ui/draw/layout.h"

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

/* The message line, the prompt and the area above them; the panes of SHOWN that fit (three
 * rows each) into l->shown. False when the terminal is too small for any of it. */
static bool frame_out(struct layout *l, int cols, int rows, unsigned shown)
{
	memset(l, 0, sizeof(*l));
	l->cols = cols;
	l->rows = rows;
	if (cols < LAYOUT_MIN_COLS || rows < LAYOUT_MIN_ROWS) {
		l->too_small = true;
		return false;
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
	l->shown = keep;
	return true;
}

/* The panes of the left column (the logs of the server and the client). */
static unsigned left_of(unsigned shown)
{
	return shown &
	       (LAYOUT_BIT(LAYOUT_SERVER) | LAYOUT_BIT(LAYOUT_CLIENT) | LAYOUT_BIT(LAYOUT_TALK));
}

void layout_compute(struct layout *l, int cols, int rows, enum layout_pane focus, unsigned shown)
{
	if (!frame_out(l, cols, rows, shown))
		return;
	shown = l->shown;
	int area = l->area.h;
	unsigned left = left_of(shown);
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

/* ---- the layout rule: room follows attention ---- */

/* One claimant on a column's rows: a pane, or the block of two columns above a wide row. */
struct claim {
	int min, want; /* want 0: as many as it gets */
	bool fresh;
};

/* Pour *ROOM rows into the claims TAKE marks, evenly, none past its CAP; claim FIRST (the
 * focus) gets a remainder's first row, then the ones after it. */
static void pour(int *h, const int *cap, const bool *take, int n, int first, int *room)
{
	while (*room > 0) {
		int k = 0;
		for (int i = 0; i < n; i++)
			k += take[i] && h[i] < cap[i];
		if (!k)
			return;
		int each = *room / k > 0 ? *room / k : 1;
		for (int j = 0; j<n && * room> 0; j++) {
			int i = (first + j) % n;
			if (!take[i] || h[i] >= cap[i])
				continue;
			int g = cap[i] - h[i] < each ? cap[i] - h[i] : each;
			h[i] += g;
			*room -= g;
		}
	}
}

/* The rows a pane is never given less than: three (a border, a line, a border); a table
 * that has rows four, so that its heading is not all it shows. */
static int floor_of(const struct layout_need *n)
{
	return n->wide && n->want >= 4 ? 4 : 3;
}

/* Share ROWS among the N claims into H: each its min; the focus (claim FIRST; -1: none),
 * when fresh, up to its want or two thirds; the fresh ones up to their want; the stale ones
 * up to theirs; the rest to the ones with no limit (none: to all). */
static void share(const struct claim *c, int n, int first, int rows, int *h)
{
	int room = rows, cap[LAYOUT_PANES];
	bool take[LAYOUT_PANES], any_open = false;
	for (int i = 0; i < n; i++) {
		h[i] = c[i].min;
		room -= c[i].min;
		any_open |= c[i].want <= 0;
	}
	/* The focus, when fresh, first: up to two thirds of the column. */
	if (first >= 0 && first < n && c[first].fresh && room > 0) {
		int top = rows * 2 / 3, want = c[first].want > 0 ? c[first].want : rows;
		int give = (want < top ? want : top) - h[first];
		give = give < room ? give : room;
		if (give > 0) {
			h[first] += give;
			room -= give;
		}
	}
	for (int step = 0; step < 3 && room > 0; step++)
		for (int i = 0; i < n; i++) {
			bool bounded = step < 2 && c[i].want > 0;
			cap[i] = bounded ? (c[i].want > c[i].min ? c[i].want : c[i].min) : rows;
			take[i] = step == 0   ? c[i].fresh
				  : step == 1 ? !c[i].fresh
					      : !any_open || c[i].want <= 0;
			if (i == n - 1)
				pour(h, cap, take, n, first > 0 ? first : 0, &room);
		}
	if (n && room > 0)
		h[n - 1] += room;
}

/* The panes of SET stacked in Y..Y+H of columns X..X+W by the rule. */
static void column(struct layout *l, unsigned set, enum layout_pane focus,
		   const struct layout_need *need, int y, int x, int h, int w)
{
	struct claim c[LAYOUT_PANES];
	int which[LAYOUT_PANES], got[LAYOUT_PANES], n = 0, first = -1;   /* -1: focus elsewhere */
	for (int p = 0; p < LAYOUT_PANES; p++) {
		if (!(set & LAYOUT_BIT(p)))
			continue;
		if (p == (int)focus)
			first = n;
		c[n] = (struct claim){ floor_of(&need[p]), need[p].want, need[p].fresh };
		which[n++] = p;
	}
	share(c, n, first, h, got);
	for (int i = 0; i < n; i++) {
		l->pane[which[i]] = rect(y, x, got[i], w);
		y += got[i];
	}
}

/* What the panes of SET ask for together, stacked: each its floor, the sum of their wants
 * (0 when one has no limit), fresh when one is. */
static struct claim claim_of(unsigned set, const struct layout_need *need)
{
	struct claim c = { 0, 0, false };
	bool unbounded = false;
	for (int p = 0; p < LAYOUT_PANES; p++)
		if (set & LAYOUT_BIT(p)) {
			int least = floor_of(&need[p]);
			c.min += least;
			c.want += need[p].want > least ? need[p].want : least;
			unbounded |= need[p].want <= 0;
			c.fresh |= need[p].fresh;
		}
	if (unbounded)
		c.want = 0;
	return c;
}

/* Two columns (when both have panes) or one stack, in rows 0..H of the whole width. */
static void columns(struct layout *l, unsigned set, enum layout_pane focus,
		    const struct layout_need *need, int h)
{
	unsigned left = left_of(set), right = set & ~left;
	if (l->cols >= LAYOUT_WIDE_COLS && left && right) {
		l->two_columns = true;
		int lw = l->cols / 2;
		column(l, left, focus, need, 0, 0, h, lw);
		column(l, right, focus, need, 0, lw, h, l->cols - lw);
		return;
	}
	column(l, set, focus, need, 0, 0, h, l->cols);
}

void layout_plan(struct layout *l, int cols, int rows, enum layout_pane focus, unsigned shown,
		 const struct layout_need need[LAYOUT_PANES])
{
	if (!frame_out(l, cols, rows, shown))
		return;
	shown = l->shown;
	unsigned rest = shown & ~LAYOUT_BIT(LAYOUT_REPORT);
	bool row = cols >= LAYOUT_WIDE_COLS && (shown & LAYOUT_BIT(LAYOUT_REPORT)) &&
		   need[LAYOUT_REPORT].wide && rest;
	if (!row) {
		columns(l, shown, focus, need, l->area.h);
		return;
	}
	/* The wide report under the rest: the two columns claim as their taller one does. */
	unsigned left = left_of(rest), right = rest & ~left;
	struct claim c[2] = { claim_of(rest, need),
			      { 3, need[LAYOUT_REPORT].want, need[LAYOUT_REPORT].fresh } };
	if (cols >= LAYOUT_WIDE_COLS && left && right) {
		struct claim a = claim_of(left, need), b = claim_of(right, need);
		c[0].min = a.min > b.min ? a.min : b.min;
		c[0].want = a.want && b.want ? (a.want > b.want ? a.want : b.want) : 0;
	}
	int got[2];
	share(c, 2, focus == LAYOUT_REPORT, l->area.h, got);
	columns(l, rest, focus, need, got[0]);
	l->pane[LAYOUT_REPORT] = rect(got[0], 0, got[1], cols);
}

size_t layout_too_small_text(const struct layout *l, char *buf, size_t len)
{
	int n = snprintf(buf, len, "terminal too small (%dx%d, need %dx%d)", l->cols, l->rows,
			 LAYOUT_MIN_COLS, LAYOUT_MIN_ROWS);
	return n < 0 ? 0 : (size_t)n;
}
