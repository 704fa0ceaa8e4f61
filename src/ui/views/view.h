/* view: the console's frame: the panes (each showing a sheet), a full-screen sheet when one is
 * open, the server header, the message line and the prompt, painted with curses. */
#ifndef UDSCOPE_UI_VIEW_H
#define UDSCOPE_UI_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/session/server.h"
#include "core/base/stats.h"
#include "ui/draw/layout.h"
#include "ui/draw/pane.h"
#include "ui/draw/sheet.h"

#define VIEW_TITLE_MAX 256
#define VIEW_STATUS_MAX 512
#define VIEW_CONNS_MAX 4
/* The event rings: server, client, pair, tap (indexed by their layout_pane). */
#define VIEW_RINGS 4
/* Full-screen sheets open at once (help over a chunk over a zoomed pane). */
#define VIEW_FULL_MAX 4
/* Distinct chunk sizes a histogram shows exactly; more: power-of-two buckets. */
#define VIEW_SIZES_MAX 6

/* The chunk sizes one side received, exactly while there are few of them. */
struct view_sizes {
	uint64_t size[VIEW_SIZES_MAX], count[VIEW_SIZES_MAX];
	unsigned n;
	bool many;           /* more distinct sizes, or events were dropped: use the buckets */
};

/* Everything a frame shows. The console fills it; view_draw paints it and writes back what
 * only painting can tell (scroll clamps, head_rows). */
struct view {
	struct pane panes[VIEW_RINGS];
	struct sheet slot[LAYOUT_PANES];     /* what each pane shows */
	struct sheet *full[VIEW_FULL_MAX];   /* full-screen sheets, the last one on top */
	bool full_owned[VIEW_FULL_MAX];      /* allocated for it (help, detail): freed on close */
	int nfull;
	struct sheet messages;               /* the message line's history (F4) */
	struct sheet welcome;                /* the first screen, until the first command */
	bool welcome_on;
	struct layout layout;
	enum layout_pane focus;
	bool talk;                /* the Conversation pane stands for Server and Client */
	bool hex;                 /* F2: chunks as hex + ASCII */
	bool color;
	bool color_started;       /* start_color was called (once per screen) */
	bool utf8;                /* the locale is UTF-8: arrows, blocks and typed UTF-8 show */
	bool searching;           /* '/' was typed in a full-screen sheet: the line edits FIND */
	bool filtering;           /* ... or 'f' in the sockets table: it edits the filter */
	bool commanding;          /* ':' in a full-screen sheet: keys go to the prompt */
	char search[64];
	char found[64];           /* the last search, for n and N and the highlight */
	uint64_t base_ns;         /* times are shown since this moment */
	char title[LAYOUT_PANES][VIEW_TITLE_MAX];
	char title_short[LAYOUT_PANES][VIEW_TITLE_MAX];   /* when the long one does not fit */
	char title_tiny[LAYOUT_PANES][VIEW_TITLE_MAX];    /* when neither fits: no figures */
	char status[VIEW_STATUS_MAX];
	bool status_error;
	uint64_t dropped;         /* events the bus dropped, all panes */
	/* Server header: live connections and chunk sizes; the client's chunk sizes. */
	struct server_conn_info conns[VIEW_CONNS_MAX];
	size_t nconns;
	size_t conns_total;
	uint64_t hist[STATS_BUCKETS];
	struct view_sizes sizes[2];   /* server, client */
	int head_rows;            /* rows the server header took in the last frame */
	/* The prompt line as the screen shows it, cursor column in *CURSOR (the console sets
	 * it to prompt_render; NULL: an empty line). */
	size_t (*prompt_line)(int width, bool utf8, char *out, size_t outsz, int *cursor);
};

/* Start colours (unless monochrome), after initscr; again to switch (set colors). */
void view_init(struct view *v, bool color, bool utf8);
/* Paint the whole frame into stdscr (the caller refreshes). */
void view_draw(struct view *v);
/* Paint just the prompt line (or the search being typed) and put the cursor on it. */
void view_draw_prompt(struct view *v);
/* Columns the message line has for its message (what its right part leaves). */
int view_status_room(const struct view *v);
/* Rows of the focused (or full-screen) sheet's body, for paging. */
int view_page_lines(const struct view *v);
/* The sheet keys act on: the full-screen one, else the focused pane's. */
struct sheet *view_active(struct view *v);

/* "41 B", "12.3 KiB": byte counts the way the titles show them. */
void view_bytes(uint64_t n, char *buf, size_t len);
/* Count a received chunk of N bytes in S. */
void view_sizes_add(struct view_sizes *s, uint64_t n);
/* S as "16 B x2  9 B x1" into BUF; false when S holds too many sizes to say exactly. */
bool view_sizes_text(const struct view_sizes *s, char *buf, size_t len);

/* The frame's log lines (view_line.c): line PL as a log sheet shows it; LABEL: the source in
 * front (the Conversation merges sources). Made once and kept with the line (its pane_text),
 * made again only when F2 changes its words or LABEL its head. Returns the text (valid until
 * the line's pane changes or the next call), its length in *LEN; *INDENT gets the columns
 * before the words (where wrapped rows start). */
const char *view_log_text(const struct view *v, const struct pane_line *pl, bool label, size_t *len,
			  int *indent);
/* PL's words alone as render_event_words makes them with FLAGS: the kept ones when they were
 * made with FLAGS (valid as view_log_text's), else made into a buffer of its own (valid until
 * the next call) and kept when the line had none. */
const char *view_log_words(const struct pane_line *pl, unsigned flags, size_t *len);

#endif
