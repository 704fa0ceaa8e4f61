/* layout: where each pane, the status bar and the prompt go for a terminal size (pure). */
#ifndef UDSCOPE_UI_LAYOUT_H
#define UDSCOPE_UI_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

/* Below this the console shows one "terminal too small" line instead of panes. */
#define LAYOUT_MIN_COLS 60
#define LAYOUT_MIN_ROWS 16
/* From this width on the panes sit in two columns. */
#define LAYOUT_WIDE_COLS 100

enum layout_pane {
	LAYOUT_SERVER,
	LAYOUT_CLIENT,
	LAYOUT_PAIR,
	LAYOUT_INSPECT,
	LAYOUT_PANES
};

struct layout_rect {
	int y, x, h, w;
};

struct layout {
	int cols, rows;
	bool too_small;
	bool two_columns;
	struct layout_rect pane[LAYOUT_PANES];   /* outer boxes, borders included */
	struct layout_rect status;               /* one line */
	struct layout_rect prompt;               /* the last line */
};

/* Lay out COLS x ROWS. When stacked, the FOCUS pane gets the larger share. */
void layout_compute(struct layout *l, int cols, int rows, enum layout_pane focus);
/* "terminal too small (WxH, need 60x16)"; returns the length. */
size_t layout_too_small_text(const struct layout *l, char *buf, size_t len);
const char *layout_pane_name(enum layout_pane p);

#endif
