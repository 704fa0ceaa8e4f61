/* view: paints the console's frame (panes, titles, histogram, status bar, prompt) with curses. */
#ifndef UDSCOPE_UI_VIEW_H
#define UDSCOPE_UI_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/server.h"
#include "core/stats.h"
#include "ui/layout.h"
#include "ui/pane.h"

#define VIEW_TITLE_MAX 256
#define VIEW_STATUS_MAX 512
#define VIEW_CONNS_MAX 4

/* Everything a frame shows. The console fills it; view_draw paints it and writes back what
 * only painting can tell: each pane's scroll, clamped to the rows its lines fill (following
 * again when they all fit), and head_rows. */
struct view {
	struct pane panes[LAYOUT_PANES];
	struct layout layout;
	enum layout_pane focus;
	bool hex;                 /* F2: chunks as hex + ASCII */
	bool color;
	bool utf8;                /* the locale is UTF-8: arrows, blocks and typed UTF-8 show */
	uint64_t base_ns;         /* times are shown since this moment */
	char title[LAYOUT_PANES][VIEW_TITLE_MAX];
	char title_short[LAYOUT_PANES][VIEW_TITLE_MAX];   /* when the long one does not fit */
	char status[VIEW_STATUS_MAX];
	bool status_error;
	uint64_t dropped;         /* events the bus dropped, all panes */
	/* Server pane header: live connections and the chunk-size histogram. */
	struct server_conn_info conns[VIEW_CONNS_MAX];
	size_t nconns;
	size_t conns_total;
	uint64_t hist[STATS_BUCKETS];
	int head_rows;            /* rows the server header took in the last frame */
};

/* Start colours (unless monochrome). Call once after initscr. */
void view_init(struct view *v, bool color, bool utf8);
/* Paint the whole frame into stdscr (the caller refreshes); clamps the panes' scroll. */
void view_draw(struct view *v);
/* Paint just the prompt line and put the cursor on it. */
void view_draw_prompt(struct view *v);
/* Lines of the focused pane's body, for paging. */
int view_page_lines(const struct view *v);

/* "41 B", "12.3 KiB": byte counts the way the titles show them. */
void view_bytes(uint64_t n, char *buf, size_t len);

#endif
