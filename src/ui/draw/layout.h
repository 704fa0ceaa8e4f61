/* layout: where each pane, the message line and the prompt go for a terminal size (pure). */
#ifndef UDSCOPE_UI_LAYOUT_H
#define UDSCOPE_UI_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

/* Below this the console shows one "terminal too small" line instead of panes. */
#define LAYOUT_MIN_COLS 60
#define LAYOUT_MIN_ROWS 16
/* From this width on the panes sit in two columns. */
#define LAYOUT_WIDE_COLS 100
/* Narrower than LAYOUT_WIDE_COLS and shorter than this, the server's and the client's lines
 * share one Conversation pane: two boxes would not show both sides' chunks at once. */
#define LAYOUT_TALK_ROWS 40

enum layout_pane {
	LAYOUT_SERVER,
	LAYOUT_CLIENT,
	LAYOUT_PAIR,
	LAYOUT_TAP,          /* what passed through a tap, both ways */
	LAYOUT_REPORT,       /* the last report or multi-line result */
	LAYOUT_TALK,         /* server and client merged in time order */
	LAYOUT_PANES
};

#define LAYOUT_BIT(p) (1u << (p))

struct layout_rect {
	int y, x, h, w;
};

struct layout {
	int cols, rows;
	bool too_small;
	bool two_columns;
	unsigned shown;                          /* LAYOUT_BIT of each pane laid out */
	struct layout_rect pane[LAYOUT_PANES];   /* outer boxes, borders included; h 0: hidden */
	struct layout_rect area;                 /* all the panes' room (a full-screen view's) */
	struct layout_rect status;               /* the message line */
	struct layout_rect prompt;               /* the last line */
};

/* Whether COLS x ROWS shows the Conversation pane instead of Server and Client. */
bool layout_talk(int cols, int rows);
/* Lay out COLS x ROWS with the panes in SHOWN (none: the area stays empty, for the welcome).
 * Stacked, FOCUS gets the larger share; wide, Server/Client/Conversation take the left
 * column and Pair/Tap/Report the right, a column with nothing in it giving its room away. */
void layout_compute(struct layout *l, int cols, int rows, enum layout_pane focus,
		    unsigned shown);
/* What a pane asks of the layout (layout_plan). */
struct layout_need {
	int want;   /* rows its box would fill, borders included; 0: as many as it gets */
	bool fresh; /* new lines since the last typed line, or just opened or focused */
	bool wide;  /* a table: a row of its own across the screen when there are two columns */
};
/* Lay out COLS x ROWS as layout_compute does, but room follows attention (doc/HACKING.md,
 * "The layout rule"): each pane of SHOWN gets three rows (a border, a line, a border); then
 * a fresh focus gets rows up to its want or two thirds of the column; then the fresh panes
 * up to their want, evenly; then the stale ones up to theirs; what is left goes to the panes
 * with no limit (none: to all). Two columns: a wide pane takes a row of its own at the
 * bottom. NEED: one per pane. */
void layout_plan(struct layout *l, int cols, int rows, enum layout_pane focus, unsigned shown,
		 const struct layout_need need[LAYOUT_PANES]);
/* "terminal too small (WxH, need 60x16)"; returns the length. */
size_t layout_too_small_text(const struct layout *l, char *buf, size_t len);
const char *layout_pane_name(enum layout_pane p);

#endif
