/* console_impl: the console's state, private to the files of src/ui that run the console. */
#ifndef UDSCOPE_UI_CONSOLE_IMPL_H
#define UDSCOPE_UI_CONSOLE_IMPL_H

#include <curses.h>
#include <stdbool.h>
#include <stdint.h>

struct decode_job;

#include "core/cmd/app.h"
#include "core/base/event.h"
#include "ui/console/keys.h"
#include "ui/draw/doc.h"
#include "core/render/render_event.h"
#include "ui/draw/sheet.h"
#include "ui/views/titles.h"
#include "ui/views/view.h"

#define CONSOLE_LATE_MAX 8

/* One console; main thread only, as everything that touches curses. */
struct console {
	struct app app;
	struct view v;
	int sigfd;
	bool dirty;          /* the panes changed since the last frame */
	bool closing;        /* leaving: events skip the panes, errors are kept for stderr */
	uint64_t last_frame, next_tick;
	uint64_t bus_quiet_until;   /* flood: leave the bus alone until then */
	struct titles titles;
	char late[CONSOLE_LATE_MAX][EVENT_LINE_MAX];
	int nlate;
	SCREEN *screen;
	/* While a typed line runs: its result lines, to show as one message or as a report. */
	bool collecting;
	struct doc result;
	char running[200];   /* the line being run, for a report's title */
	bool refreshing;     /* a live table's command runs again */
	bool answer_last;    /* the result ends in its answer (inspect's verdict): open at the end */
	bool mouse;          /* report clicks and the wheel now (--no-mouse, set mouse off: not) */
	bool mouse_allowed;  /* --no-mouse was not given */
	bool color_allowed;  /* --no-color was not given, NO_COLOR not set */
	unsigned settings_seen;      /* app.settings' generation the console follows */
	uint32_t sizes_session[2];   /* whose chunk sizes view.sizes counts: server, client */
	/* What each ring had appended when the last typed line ran: a pane with nothing new
	 * since is stale and gives its room to those with news (layout_plan). */
	uint64_t mark[VIEW_RINGS];
	bool report_fresh; /* the last typed line made the Report pane's report */
	unsigned attend;   /* LAYOUT_BIT of panes focused by Tab since that line */
	struct decode_job *dissect;  /* the detail sheet's tshark -V, running (dissect.h) */
	struct sheet *dissect_sheet; /* the sheet it is for, if still open */
	struct event dissect_ev;     /* the chunk it dissects */
	struct help_key help_keys[KEYS_HELP_MAX];   /* the key table's rows help lists */
	size_t nhelp_keys;
};

/* Show TEXT in the status bar (red when ERROR) at the next frame. */
void console_set_status(struct console *c, bool error, const char *text);
/* The same, kept in the Messages history too. */
void console_message(struct console *c, bool error, const char *text);
/* Open S over the whole screen (OWNED: allocated, freed when it closes). */
void console_push(struct console *c, struct sheet *s, bool owned);
/* Close the full-screen sheet on top. */
void console_pop(struct console *c);
/* Build detail sheet S of chunk EV again, with dissection DD. */
void frame_detail_rebuild(struct console *c, struct sheet *s, const struct event *ev,
			  const struct detail_dissection *dd);
/* Open chunk EV in full (from the capture store). */
void console_open_chunk(struct console *c, const struct event *ev);
/* Run LINE as if typed: echoed, its result on the message line or in the Report pane. */
void console_run_line(struct console *c, const char *line);
/* Open the client and the server as a sequence diagram over the whole screen. */
void console_open_diagram(struct console *c);
/* Open the help over the whole screen, at TOPIC (NULL: the top). */
void console_open_help(struct console *c, const char *topic);
/* Terminal mouse reports on or off (SGR mode): at start, around Ctrl-Z, at the end. */
void console_mouse(struct console *c, bool on);
/* Ctrl-Z: give the terminal back and stop; on fg, take it again and redraw. */
void console_suspend(struct console *c);
/* Lay the panes out again for the terminal's size and the focus; the next frame paints. */
void console_relayout(struct console *c);
/* Free the finished sessions (app_reap), keeping what the titles say of them. */
void console_reap(struct console *c);
/* Take the terminal's size now and lay the panes out again. */
void console_resize(struct console *c);

#endif
