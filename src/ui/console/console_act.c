/* console_act: what a key or a typed line makes the console do (run a command line,
 * suspend to the shell, switch the terminal's mouse, take its new size), apart from the
 * main loop (console.c), so the key table can call them without calling the loop. */
#include "config.h"

#include <curses.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "core/base/sysio.h"
#include "core/cmd/app.h"
#include "core/cmd/script.h"
#include "core/session/tap.h"
#include "ui/console/console_impl.h"
#include "ui/console/frame.h"
#include "ui/console/mouse.h"
#include "ui/console/prompt.h"
#include "ui/views/titles.h"

/* Free the finished sessions, their titles kept first. */
void console_reap(struct console *c)
{
	titles_keep(&c->titles, &c->app);
	app_reap(&c->app);
}

/* Take the terminal's size now (after SIGWINCH or a suspend) and lay out again. */
void console_resize(struct console *c)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0) {
		resizeterm(ws.ws_row, ws.ws_col);
		prompt_resize(ws.ws_row, ws.ws_col);
	}
	console_relayout(c);
	clearok(curscr, TRUE);
}

/* Turn the terminal's mouse reports on or off, when the mouse is in use. */
void console_mouse(struct console *c, bool on)
{
	if (!c->mouse)
		return;
	const char *seq = on ? MOUSE_ON : MOUSE_OFF;
	if (sysio_write_all(STDOUT_FILENO, seq, strlen(seq)) < 0)
		c->mouse = false;   /* a terminal we cannot write to has no mouse either */
}

/* Give the terminal back, stop the process group, and take the terminal again on fg. */
void console_suspend(struct console *c)
{
	console_mouse(c, false);
	endwin();
	/* A stopped udscope accepts no one for the services it taps in place: say so first. */
	char taps[512];
	size_t n = tap_in_place_paths(&c->app.sessions, taps, sizeof(taps));
	if (n)
		fprintf(stderr, "udscope: suspended: the in-place tap%s at %s accept%s no new client "
			"until fg (%s clients wait, or time out)\n", n > 1 ? "s" : "", taps,
			n > 1 ? "" : "s", n > 1 ? "their" : "its");
	/* To the whole process group, as the terminal's own Ctrl-Z would: a shell sees its job
	 * stop. The default action stops every thread; the sessions go on after fg. */
	kill(0, SIGTSTP);
	console_mouse(c, true);
	console_resize(c);   /* the terminal may have changed meanwhile */
	redrawwin(stdscr);
	c->last_frame = 0;
}

/* Echo LINE, run it through the script runner and show its result. */
void console_run_line(struct console *c, const char *line)
{
	char shown[160];
	snprintf(shown, sizeof(shown), "> %s", line);
	console_message(c, false, shown);
	if (c->v.welcome_on) {
		c->v.welcome_on = false;   /* the first command: the panes take over */
		console_relayout(c);
	}
	/* Through the script runner: a line waits only for what is a wait by nature (wait,
	 * expect, disconnect, a sourced file's lines); the rest report through the bus. What
	 * it says at once is its result: one line on the message line, more in a report. */
	script_push(&c->app, line, NULL, 0);
	frame_result_begin(c, line);
	script_step(&c->app);
	frame_result_end(c, line);
	if (script_queued(&c->app) > 0) {
		/* It waits its turn behind a wait, expect or disconnect: say so. */
		char queued[256];
		snprintf(queued, sizeof(queued), "> %.80s: queued behind the command that waits "
			 "(Ctrl-C on an empty line stops it)", line);
		console_message(c, false, queued);
	}
	console_reap(c);
	c->dirty = true;
}
