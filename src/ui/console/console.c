/* console: the full-screen front end's main loop: terminal, bus and signals in one poll. */
#include "config.h"

#include "ui/console/console.h"

#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <unistd.h>

#include "core/cmd/app.h"
#include "core/cmd/demo.h"
#include "core/cmd/script.h"
#include "core/system/sockets_async.h"
#include "core/base/sysio.h"
#include "core/session/tap.h"
#include "core/render/render_event.h"
#include "ui/console/console_impl.h"
#include "ui/console/crash.h"
#include "ui/console/dissect.h"
#include "ui/console/frame.h"
#include "ui/console/keys.h"
#include "ui/draw/layout.h"
#include "ui/console/mouse.h"
#include "ui/draw/pane.h"
#include "ui/console/prompt.h"
#include "ui/console/save.h"
#include "ui/console/session_log.h"
#include "ui/draw/text.h"
#include "ui/views/titles.h"
#include "ui/views/view.h"

#define NS_PER_MS 1000000ull
/* A pump that delivers this many events means a flood: the bus then waits for the next
 * frame, so the console costs a bounded share of a CPU and the rest is dropped (and
 * counted) instead of being copied into panes nobody can read that fast. */
#define CONSOLE_FLOOD_EVENTS 1024
/* Between two drains of the bus at least this long passes: each wake-up of this thread is
 * a context switch that the sockets pay for, and nobody reads faster than 500 lines a
 * second. A busy session's events gather meanwhile and come in one drain. */
#define CONSOLE_DRAIN_MS 2

/* ---- events ---- */

static void sink(void *ctx, struct event *ev)
{
	struct console *c = ctx;
	if (c->closing) {
		/* The screen is gone: keep errors (sessions stopping) for stderr. */
		if (ev->kind == EV_ERROR && c->nlate < CONSOLE_LATE_MAX)
			render_event_line(ev, 0, 0, c->late[c->nlate++], sizeof(c->late[0]));
		return;
	}
	frame_event(c, ev);
	titles_event(&c->titles, ev);
	c->dirty = true;
}

static uint64_t now_ns(void)
{
	return event_now_ns();
}

/* ---- frames ---- */

static void frame(struct console *c)
{
	titles_refresh(&c->titles, &c->app, &c->v);
	view_draw(&c->v);
	refresh();
	c->dirty = false;
	c->last_frame = now_ns();
}

/* `set mouse` and `set colors` (at the prompt or in the init file) take effect at once. */
static void settings_apply(struct console *c)
{
	const struct settings *st = &c->app.settings;
	if (settings_generation(st) == c->settings_seen)
		return;
	c->settings_seen = settings_generation(st);
	bool mouse = c->mouse_allowed && settings_mouse(st);
	if (mouse != c->mouse) {
		if (!mouse)
			console_mouse(c, false);
		c->mouse = mouse;
		if (mouse)
			console_mouse(c, true);
	}
	bool color = c->color_allowed && settings_colors(st);
	if (color != c->v.color) {
		view_init(&c->v, color, c->v.utf8);
		clearok(curscr, TRUE);
	}
	c->dirty = true;
}

static void on_line(void *ctx, const char *line)
{
	struct console *c = ctx;
	c->v.commanding = false;   /* a line typed after ':' in a full-screen sheet ran */
	if (!line) {
		c->app.quit = true;   /* Ctrl-D on an empty line */
		return;
	}
	/* A tour waits for Enter: an empty line runs its next step. */
	if (!line[strspn(line, " \t")] && demo_running(&c->app)) {
		console_run_line(c, "demo next");
		return;
	}
	console_run_line(c, line);
}

static void on_matches(void *ctx, const char *text)
{
	console_set_status(ctx, false, text);
}

/* ---- signals ---- */

static void read_signals(struct console *c)
{
	int sig;
	while ((sig = sysio_signal_next(c->sigfd))) {
		if (sig == SIGWINCH)
			console_resize(c);
		else
			c->app.quit = true;   /* SIGTERM, SIGHUP, SIGINT: leave cleanly */
	}
}

/* ---- the loop ---- */

static bool sessions_alive(const struct app *a)
{
	return a->sessions.head || !script_idle(a);
}

/* Something changes by the second: a session runs, or a live table shows. */
static bool ticking(const struct console *c)
{
	return sessions_alive(&c->app) || frame_live(c);
}

/* How long poll may sleep: until the next frame is due, the next title tick, the next look
 * at a pending script line, or the end of a flood's quiet time, whichever comes first. */
static int wait_ms(const struct console *c, uint64_t t, bool bus_quiet)
{
	int timeout = -1;
	if (c->dirty) {
		uint64_t due = c->last_frame + CONSOLE_FRAME_MS * NS_PER_MS;
		timeout = due > t ? (int)((due - t + NS_PER_MS - 1) / NS_PER_MS) : 0;
	} else if (ticking(c)) {
		timeout = c->next_tick > t ? (int)((c->next_tick - t) / NS_PER_MS) + 1 : 0;
	}
	/* A pending wait or expect is looked at every few ms. */
	if (!script_idle(&c->app) && (timeout < 0 || timeout > CONSOLE_SCRIPT_MS))
		timeout = CONSOLE_SCRIPT_MS;
	if (bus_quiet) {
		int q = (int)((c->bus_quiet_until - t + NS_PER_MS - 1) / NS_PER_MS);
		if (timeout < 0 || q < timeout)
			timeout = q;
	}
	return timeout;
}

static void drain_bus(struct console *c)
{
	/* Bounded per call; the rest waits for the next turn of the loop. */
	size_t got = app_pump(&c->app, 0);
	if (got >= CONSOLE_FLOOD_EVENTS)
		c->bus_quiet_until = now_ns() + CONSOLE_FRAME_MS * NS_PER_MS;
	else if (got)
		c->bus_quiet_until = now_ns() + CONSOLE_DRAIN_MS * NS_PER_MS;
	console_reap(c);
}

/* Titles every tick while sessions run; a frame when one is due, else just the prompt. */
static void paint(struct console *c)
{
	uint64_t t = now_ns();
	settings_apply(c);
	if (ticking(c) && t >= c->next_tick) {
		c->next_tick = t + CONSOLE_TICK_MS * NS_PER_MS;
		if (titles_refresh(&c->titles, &c->app, &c->v))
			c->dirty = true;
		frame_refresh(c);
	}
	if (c->dirty && t >= c->last_frame + CONSOLE_FRAME_MS * NS_PER_MS) {
		frame(c);
	} else if (prompt_dirty()) {
		/* Typing echoes now, whatever the frame pacing says. */
		view_draw_prompt(&c->v);
		refresh();
	}
}

static void run(struct console *c)
{
	while (!c->app.quit) {
		uint64_t t = now_ns();
		bool bus_quiet = t < c->bus_quiet_until;
		struct sockets_async *sa = c->app.sockets_async;
		struct pollfd p[5] = {
			{ .fd = STDIN_FILENO, .events = POLLIN },
			{ .fd = bus_quiet ? -1 : bus_fd(c->app.bus), .events = POLLIN },
			{ .fd = c->sigfd, .events = POLLIN },
			{ .fd = sa ? sockets_async_fd(sa) : -1, .events = POLLIN },
			{ .fd = console_dissect_fd(c), .events = POLLIN },
		};
		if (poll(p, 5, wait_ms(c, t, bus_quiet)) < 0 && errno != EINTR)
			break;
		if (p[2].revents & POLLIN)
			read_signals(c);
		if (p[0].revents & POLLIN)
			keys_read(c);
		else if (p[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			c->app.quit = true;   /* the terminal went away */
		if (p[1].revents & POLLIN)
			drain_bus(c);
		if (p[3].revents & POLLIN)
			frame_sockets_news(c);
		if (p[4].revents & POLLIN)
			console_dissect_done(c, frame_detail_rebuild);
		if (!script_idle(&c->app)) {
			titles_keep(&c->titles, &c->app);
			script_step(&c->app);   /* a wait or expect that came due */
			console_reap(c);
		}
		if (c->app.quit)
			break;
		paint(c);
	}
}

static bool locale_is_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);
	return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

static int screen_open(struct console *c, bool no_color, bool utf8)
{
	crash_save_tty();
	c->screen = newterm(NULL, stdout, stdin);
	if (!c->screen) {
		fprintf(stderr, "udscope: cannot use terminal type '%s' (check TERM), or use "
			"udscope --batch\n", getenv("TERM") ? getenv("TERM") : "");
		return -1;
	}
	crash_arm(c->mouse ? MOUSE_OFF : "");
	raw();          /* Ctrl-C is a key (clear the line), not a signal */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	view_init(&c->v, !no_color, utf8);
	c->v.prompt_line = prompt_render;
	c->nhelp_keys = keys_help(c->help_keys, KEYS_HELP_MAX);
	welcome_build(&c->v.welcome, utf8);
	console_relayout(c);
	return 0;
}

/* Before curses draws anything: the terminal type must be known and able to move the cursor
 * (TERM=dumb cannot: the console would pile prompt, status and boxes on one line). */
static bool terminal_usable(void)
{
	const char *term = getenv("TERM") ? getenv("TERM") : "";
	int err = 0;
	if (setupterm(NULL, STDOUT_FILENO, &err) != OK) {
		fprintf(stderr, "udscope: cannot use terminal type '%s' (check TERM), or use "
			"udscope --batch\n", term);
		return false;
	}
	const char *cup = tigetstr("cup");
	bool ok = cup && cup != (const char *)-1;
	del_curterm(cur_term);
	if (!ok)
		fprintf(stderr, "udscope: terminal type '%s' cannot move the cursor, which the "
			"console needs; use udscope --batch\n", term);
	return ok;
}

/* Rings and sheets allocated, the welcome on; NULL (said on stderr) when memory is short. */
static struct console *console_new(void)
{
	struct console *c = calloc(1, sizeof(*c));
	if (!c || frame_init(c) < 0) {
		fprintf(stderr, "udscope: out of memory\n");
		free(c);
		return NULL;
	}
	c->v.base_ns = now_ns();
	return c;
}

static void console_free(struct console *c)
{
	frame_free(c);
	free(c);
}

/* The prompt, the first frame, then the -e commands. */
/* The app's `log ID` hook: session ID's lines over the whole screen. */
static int log_open(void *ctx, uint32_t id)
{
	struct console *c = ctx;
	struct sheet *s;
	int r = session_log_sheet(c, id, &s);
	if (r == 0)
		console_push(c, s, true);
	return r;
}

static void console_start(struct console *c, char **exec, int nexec)
{
	struct prompt_hooks hooks = { on_line, on_matches, c };
	char why[512];
	if (prompt_init("udscope> ", &hooks, why, sizeof(why)) < 0)
		console_set_status(c, true, why);
	else
		console_set_status(c, false, "Type a command below; Tab completes it");
	frame_reports(c);
	/* Without it (ENOMEM, no eventfd) `sockets` lists holders on this thread, as batch. */
	if (sockets_async_new(&c->app.sockets_async, NULL, NULL) < 0)
		c->app.sockets_async = NULL;
	save_hooks(c);
	c->app.hooks.log = log_open;
	c->app.hooks.ctx = c;
	titles_refresh(&c->titles, &c->app, &c->v);
	frame(c);
	console_mouse(c, true);
	for (int i = 0; i < nexec; i++)
		script_push(&c->app, exec[i], NULL, 0);
	if (nexec) {
		c->v.welcome_on = false;
		console_relayout(c);
	}
	frame_result_begin(c, nexec ? exec[0] : "");
	script_step(&c->app);
	frame_result_end(c, nexec ? exec[0] : "");
	app_pump(&c->app, 0);
	console_reap(c);
}

/* Stop the sessions first: with closing set, their last events no longer reach the panes,
 * and their errors are kept for stderr. Then give the terminal back, keep the history, and
 * print those errors. Returns the exit status. */
static int console_finish(struct console *c)
{
	int rc = 0;
	c->closing = true;
	console_dissect_drop(c);
	app_close(&c->app);
	console_mouse(c, false);
	endwin();
	crash_disarm();
	char why[512];
	if (prompt_close(why, sizeof(why)) < 0) {
		fprintf(stderr, "udscope: %s\n", why);
		rc = 1;
	}
	for (int i = 0; i < c->nlate; i++)
		fprintf(stderr, "udscope: %s\n", c->late[i]); /* render_event_line's: escaped */
	delscreen(c->screen);
	return rc;
}

int console_run(char **exec, int nexec, bool no_color, bool no_mouse)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "udscope: the console needs a terminal; use udscope --batch for "
			"scripts\n");
		return 1;
	}
	if (!terminal_usable())
		return 1;
	setlocale(LC_ALL, "");
	bool utf8 = locale_is_utf8();
	struct console *c = console_new();
	if (!c)
		return 1;
	c->mouse = c->mouse_allowed = !no_mouse;
	c->color_allowed = !no_color;
	int rc = 1;
	/* Before any session thread exists, so every thread inherits the mask and the
	 * signals reach only the signal fd. */
	c->sigfd = sysio_signals_block(SIGWINCH);
	if (c->sigfd < 0) {
		fprintf(stderr, "udscope: signalfd: %s\n", strerror(-c->sigfd));
		console_free(c);
		return 1;
	}
	struct event_sink out = { sink, c };
	if (app_init(&c->app, BUS_LOSSY, CONSOLE_BUS_EVENTS, out) < 0) {
		fprintf(stderr, "udscope: out of memory\n");
	} else if (screen_open(c, no_color, utf8) < 0) {
		app_close(&c->app);
	} else {
		c->app.tour_by_step = true;
		console_start(c, exec, nexec);
		run(c);
		rc = console_finish(c);
	}
	/* The signals stay blocked: one arriving now must not kill a clean exit. */
	close(c->sigfd);
	console_free(c);
	return rc;
}
