/* sheet: what a pane, or the whole screen, shows: a view of one kind, and the table of kinds.
 *
 * A kind is a struct of functions, as tig's view_ops and tmux's window_mode are: draw, key,
 * scroll and find. Adding a kind is its file (view_KIND.c, exporting KIND_kind) plus a line in
 * the table (sheet.c) and the enum below. Main thread only. */
#ifndef UDSCOPE_UI_SHEET_H
#define UDSCOPE_UI_SHEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ui/draw/doc.h"
#include "ui/draw/layout.h"
#include "ui/draw/pane.h"

/* Lines of the message history. */
#define SHEET_MESSAGES_MAX 1000

struct event;
struct table;
struct view;
struct sheet;

/* What a sheet's key asks of the console when the sheet cannot do it alone: the console
 * (fullkeys.c) reads it after the key and acts. */
enum sheet_ask {
	SHEET_ASK_NONE,
	SHEET_ASK_CHUNK,      /* open chunk EV in full */
	SHEET_ASK_RUN,        /* close the sheet and run TEXT as a command line */
	SHEET_ASK_MESSAGE,    /* say TEXT on the message line */
	SHEET_ASK_STATUS,     /* put TEXT in the status line */
};

struct sheet_request {
	enum sheet_ask ask;
	const struct event *ev;
	char text[640];
};

enum sheet_type {
	SHEET_LOG,        /* event lines of one ring, or two merged in time order */
	SHEET_REPORT,     /* lines with emphasized spans (a report, a multi-line result) */
	SHEET_HELP,       /* commands, keys, examples */
	SHEET_DETAIL,     /* one chunk in full: hex dump and text */
	SHEET_MESSAGES,   /* the message line's history */
	SHEET_WELCOME,    /* the first screen */
	SHEET_SEQ,        /* client and server as a sequence diagram */
	SHEET_TABLE,      /* a report's rows in aligned columns */
	SHEET__COUNT
};

struct sheet_kind {
	const char *name;
	/* Paint into R (inside the box) of frame V; clamp the sheet's scroll to what shows. */
	void (*draw)(struct sheet *s, struct view *v, struct layout_rect r);
	/* A key while the sheet has the whole screen (Enter, ...); false: not one of its own.
	 * What the console must do for it goes into *REQ (left SHEET_ASK_NONE: nothing).
	 * Optional: NULL for kinds that only scroll and search. */
	bool (*key)(struct sheet *s, int key, bool code, struct sheet_request *req);
	/* Move by N lines towards the older (up; negative: down); INT32_MAX: to the top,
	 * INT32_MIN: to the bottom (logs follow again). */
	void (*step)(struct sheet *s, long n);
	/* Move a page towards the older (DIR > 0: up) or the newer, by what the last draw
	 * showed. Optional: NULL moves by the pane's rows in lines. */
	void (*page)(struct sheet *s, int dir);
	/* Select the next line holding NEEDLE in direction DIR (+1 down, -1 up); false: none. */
	bool (*find)(struct sheet *s, const struct view *v, const char *needle, int dir);
};

struct sheet {
	const struct sheet_kind *kind;
	enum sheet_type type;
	char title[256];
	/* LOG: the rings shown (ring[1] NULL: one), and where the view is. */
	struct pane *ring[2];
	bool split;               /* the pair: parent left, child right */
	struct pane_pos pos;
	long sel;                 /* doc kinds: the selected line's index; -1: none */
	/* The doc kinds: the lines, the first one shown. */
	struct doc doc;
	long top;
	bool pin_last;            /* its last line stays at the foot while the view is above it */
	int rows, cols;           /* rows and columns of the last draw */
	long shown;               /* lines the last draw showed */
	long whole;               /* of those, the lines it showed whole, from the top */
	uint64_t chunk;           /* DETAIL: the capture id */
	int width;                /* SEQ: the width its lines were laid out for */
	struct table *table;      /* TABLE: its rows (owned) */
	char refresh[200];        /* TABLE: the command that made it, run again every second */
	char action[16];          /* TABLE: Enter runs "ACTION CELL" on column ACTION_COL */
	int action_col;
	const char *find;         /* what the last search looked for (highlighted) */
	/* `log ID`: the session it shows, and its own ring (owned; fed as the session goes on).
	 * SEQ of a tap: the session and connection drawn. 0: any. */
	uint32_t session, conn;
	struct pane *own;
};

extern const struct sheet_kind *const sheet_kinds[SHEET__COUNT];

/* A sheet of TYPE, empty, following. */
void sheet_init(struct sheet *s, enum sheet_type type, const char *title);
void sheet_free(struct sheet *s);

/* The doc kinds' shared parts (view_doc.c). */
void doc_sheet_draw(struct sheet *s, struct view *v, struct layout_rect r);
void doc_sheet_scroll(struct sheet *s, long n);
void doc_sheet_page(struct sheet *s, int dir);
bool doc_sheet_find(struct sheet *s, const struct view *v, const char *needle, int dir);
/* Rows the whole doc takes at COLS columns, wrapped as drawn. */
int doc_sheet_rows(const struct sheet *s, int cols);
/* Show line I at the top (as far as the end allows), selected. */
void doc_sheet_goto(struct sheet *s, long i);

/* A log sheet's lines, over both its rings (view_log.c): how many, and the one BACK lines
 * before the newest (NULL past the oldest). */
size_t log_count(const struct sheet *s);
const struct pane_line *log_line_at(const struct sheet *s, size_t back);

/* What the kinds are filled from. */
struct capture;
struct event;
/* The first screen (view_welcome.c). */
void welcome_build(struct sheet *s, bool utf8);
/* One key as help lists it (the console's key table gives them). */
struct help_key {
	const char *name, *help;
};
/* Commands, the N keys KEYS and examples, laid out for COLS; TOPIC: open at that command
 * (-1: none matches, the help is built anyway). */
int help_build(struct sheet *s, const char *topic, bool utf8, int cols,
	       const struct help_key *keys, size_t n);
/* Where tshark's full dissection of a chunk stands (DETAIL_NONE: its session does not
 * decode); TEXT (tshark's words, escaped when shown) once DETAIL_DONE, ERR (-errno) else. */
enum detail_state {
	DETAIL_NONE,
	DETAIL_RUNNING,
	DETAIL_DONE,
	DETAIL_FAILED
};
struct detail_dissection {
	enum detail_state state;
	int err;
	const char *text;
};
/* Chunk EV in full from CAP, tshark's dissection of it as DD says (NULL: none), and the
 * bytes its connection received that RING still holds. Returns 0, or -ENOENT when the
 * bytes were evicted (the sheet says so). */
int detail_build(struct sheet *s, struct capture *cap, const struct event *ev,
		 const struct pane *ring, bool utf8, const struct detail_dissection *dd);

#endif
