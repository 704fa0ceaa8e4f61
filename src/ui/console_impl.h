/* console_impl: the console's state, private to the files of src/ui that run the console. */
#ifndef UDSCOPE_UI_CONSOLE_IMPL_H
#define UDSCOPE_UI_CONSOLE_IMPL_H

#include <curses.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/app.h"
#include "core/event.h"
#include "ui/titles.h"
#include "ui/view.h"

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
};

/* Show TEXT in the status bar (red when ERROR) at the next frame. */
void console_set_status(struct console *c, bool error, const char *text);
/* Lay the panes out again for the terminal's size and the focus; the next frame paints. */
void console_relayout(struct console *c);

#endif
