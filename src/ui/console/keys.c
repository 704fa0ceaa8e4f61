/* keys: the console's key table; it runs the keys and makes F1's list of them. */
#include "config.h"

#include "ui/console/keys.h"

#include <curses.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/cmd/cmd.h"
#include "core/cmd/demo.h"
#include "core/cmd/script.h"
#include "ui/console/console_impl.h"
#include "ui/console/frame.h"
#include "ui/console/fullkeys.h"
#include "ui/console/mouse.h"
#include "ui/draw/pane.h"
#include "ui/console/prompt.h"

/* Keys handled per wake-up, so a paste cannot starve the bus. */
#define KEYS_PER_WAKE 512

#define CTRL(ch) ((ch) & 0x1f)
/* How long the rest of a mouse report may take to come, piece by piece. */
#define MOUSE_WAIT_MS 100

/* One key. A key without an action belongs to readline: it gets FEED, the escape sequence
 * curses decoded the key from, or else the typed character itself. A key without a name is
 * left out of F1's list. */
struct key {
	int key;              /* a curses KEY_* code when CODE, else a character */
	bool code;
	void (*act)(struct console *c);
	const char *feed;
	const char *name;
	const char *help;
};

static void feed_str(const char *s)
{
	prompt_feed(s, strlen(s));
}

static void help(struct console *c)
{
	struct view *v = &c->v;
	if (v->nfull && v->full[v->nfull - 1]->type == SHEET_HELP)
		console_pop(c);   /* F1 again closes it */
	else
		console_open_help(c, NULL);
}

static void toggle_hex(struct console *c)
{
	c->v.hex = !c->v.hex;
	console_message(c, false, c->v.hex ? "chunks shown as hex + ASCII (F2: text)"
					   : "chunks shown as b'...' text (F2: hex)");
}

static void diagram(struct console *c)
{
	struct view *v = &c->v;
	if (v->nfull && v->full[v->nfull - 1]->type == SHEET_SEQ)
		console_pop(c);
	else
		console_open_diagram(c);
}

static void messages(struct console *c)
{
	struct view *v = &c->v;
	if (v->nfull && v->full[v->nfull - 1] == &v->messages) {
		console_pop(c);
		return;
	}
	doc_sheet_scroll(&v->messages, INT32_MIN);   /* the newest at the bottom */
	console_push(c, &v->messages, false);
}

/* The focused pane over the whole screen, with a selected line (Enter opens its chunk), and
 * back. */
static void zoom(struct console *c)
{
	struct view *v = &c->v;
	struct sheet *s = &v->slot[v->focus];
	if (v->nfull && v->full[v->nfull - 1] == s) {
		console_pop(c);
		return;
	}
	if (v->nfull || !(v->layout.shown & LAYOUT_BIT(v->focus)))
		return;
	console_push(c, s, false);
	console_message(c, false, "zoomed: Up/Down select, Enter opens, / finds, Esc back");
}

static void quit(struct console *c)
{
	c->app.quit = true;
}

static void scroll_by(struct console *c, long n)
{
	struct sheet *s = view_active(&c->v);
	s->kind->step(s, n);
	c->dirty = true;
}

/* DIR > 0: a page back. Docs page by what their last draw showed (wrapped lines are more
 * rows than one); the other kinds by the pane's rows. */
static void page_by(struct console *c, int dir)
{
	struct sheet *s = view_active(&c->v);
	if (s->kind->page && s->rows > 0) {
		s->kind->page(s, dir);
		c->dirty = true;
		return;
	}
	scroll_by(c, dir * view_page_lines(&c->v));
}

static void page_up(struct console *c)
{
	page_by(c, 1);
}

static void page_down(struct console *c)
{
	page_by(c, -1);
}

static void oldest(struct console *c)
{
	scroll_by(c, INT32_MAX);
}

static void follow(struct console *c)
{
	scroll_by(c, INT32_MIN);
}

static void tab(struct console *c)
{
	/* Tab completes what is typed; on an empty line there is nothing to complete, so it
	 * moves the focus instead. */
	if (prompt_empty())
		frame_focus_step(c, 1);
	else
		feed_str("\t");
}

static void focus_prev(struct console *c)
{
	frame_focus_step(c, -1);
}

static void redraw(struct console *c)
{
	clearok(curscr, TRUE);
	c->dirty = true;
	c->last_frame = 0;
}

static void interrupt(struct console *c)
{
	if (prompt_empty() && !script_idle(&c->app)) {
		script_abort(&c->app);   /* stop the waiting command and what was queued */
		console_message(c, false, "stopped the command that was waiting");
	}
	prompt_clear();
}

/* In F1's order. KEY_RESIZE is not here: the signal fd reports resizes. */
static const struct key keys[] = {
	{ KEY_F(1), true, help, NULL, "F1", "this help (F1, Esc or q closes it)" },
	{ '\t', false, tab, NULL, "Tab",
	  "complete the command line; on an empty line, focus the next pane" },
	{ KEY_BTAB, true, focus_prev, NULL, "Shift-Tab", "focus the previous pane" },
	{ KEY_PPAGE, true, page_up, NULL, "PgUp", "scroll the focused pane back a page" },
	{ KEY_NPAGE, true, page_down, NULL, "PgDn", "scroll the focused pane forward a page" },
	{ KEY_HOME, true, oldest, NULL, "Home", "show the focused pane's oldest line" },
	{ KEY_END, true, follow, NULL, "End", "follow new lines again" },
	{ KEY_F(2), true, toggle_hex, NULL, "F2", "chunks as hex + ASCII, or as b'...' text" },
	{ KEY_F(3), true, diagram, NULL, "F3",
	  "the client and the server as a sequence diagram: each chunk sent an arrow (the Tap "
	  "pane focused: the tapped connection's)" },
	{ KEY_F(4), true, messages, NULL, "F4", "the messages so far: echoes, errors, results" },
	{ KEY_F(5), true, zoom, NULL, "F5",
	  "zoom the focused pane to the whole screen and back; there Up/Down select a line, "
	  "Enter opens its chunk in full (hex dump, text, the connection's bytes joined)" },
	{ 0, false, NULL, NULL, "/ n N", "in a full-screen view: search, next, previous" },
	{ 0, false, NULL, NULL, "s S f", "in a zoomed table: sort by the next column, the other "
	  "way; filter the sockets as you type (Left, Right: scroll the columns)" },
	{ 0, false, NULL, NULL, "Esc q", "in a full-screen view: close it" },
	{ 0, false, NULL, NULL, ":", "in a full-screen view: type a command at the prompt "
	  "(save FILE writes that view; Esc drops the line)" },
	{ 0, false, NULL, NULL, "mouse", "click focuses a pane (and selects a table's row), the "
	  "wheel scrolls (--no-mouse: off)" },
	{ CTRL('l'), false, redraw, NULL, "Ctrl-L", "redraw the screen" },
	{ CTRL('c'), false, interrupt, NULL, "Ctrl-C",
	  "clear the line; on an empty line, stop the command that waits" },
	{ CTRL('z'), false, console_suspend, NULL, "Ctrl-Z", "suspend to the shell (fg resumes)" },
	{ KEY_UP, true, NULL, "\033[A", "Up Down",
	  "history (kept in $XDG_STATE_HOME/udscope/history)" },
	{ KEY_DOWN, true, NULL, "\033[B", NULL, NULL },
	{ CTRL('r'), false, NULL, NULL, "Ctrl-R", "search the history" },
	{ KEY_F(10), true, quit, NULL, "F10", "stop everything and leave" },
	{ CTRL('d'), false, NULL, NULL, "Ctrl-D", "on an empty line: as F10 (and as quit)" },
	{ KEY_RIGHT, true, NULL, "\033[C", NULL, NULL },
	{ KEY_LEFT, true, NULL, "\033[D", NULL, NULL },
	{ KEY_DC, true, NULL, "\033[3~", NULL, NULL },
	{ KEY_BACKSPACE, true, NULL, "\177", NULL, NULL },
	{ KEY_ENTER, true, NULL, "\r", NULL, NULL },
	{ '\n', false, NULL, "\r", NULL, NULL },
	{ '\r', false, NULL, "\r", NULL, NULL },
};

size_t keys_help(struct help_key *out, size_t max)
{
	size_t k = 0;
	for (size_t j = 0; j < sizeof(keys) / sizeof(keys[0]) && k < max; j++)
		if (keys[j].name)
			out[k++] = (struct help_key){ keys[j].name, keys[j].help };
	return k;
}

static const struct key *key_find(int key, bool code)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if ((keys[i].act || keys[i].feed) && keys[i].key == key && keys[i].code == code)
			return &keys[i];
	return NULL;
}

/* A typed character with no action of its own: readline's, as the bytes of the locale. */
static void feed_char(wint_t wc)
{
	char mb[MB_LEN_MAX];
	if (wc < 0x80 || (MB_CUR_MAX == 1 && wc <= 0xff)) {   /* see keys_read */
		mb[0] = (char)wc;
		prompt_feed(mb, 1);
		return;
	}
	mbstate_t st;
	memset(&st, 0, sizeof(st));
	size_t n = wcrtomb(mb, (wchar_t)wc, &st);
	if (n != (size_t)-1)
		prompt_feed(mb, n);
}

static void key_run(struct console *c, wint_t wc, bool code)
{
	if (c->v.searching) {
		search_key(c, wc, code);
		return;
	}
	if (c->v.nfull && full_key(c, wc, code))
		return;
	const struct key *k = key_find((int)wc, code);
	if (k && k->act)
		k->act(c);
	else if (k && k->feed)
		feed_str(k->feed);
	else if (!code)
		feed_char(wc);
	/* Other function keys mean nothing here. */
}

/* After an ESC: an SGR mouse report is the mouse's; anything else goes on as keys. */
static void escape(struct console *c)
{
	char buf[MOUSE_REPORT_MAX];
	int got[MOUSE_REPORT_MAX];
	size_t n = 0;
	int k;
	for (;;) {
		/* Once "[<" came, the rest of the report is on its way: a busy machine may hand
		 * it over in pieces, so wait a little for each (never for a lone Esc). */
		timeout(n >= 2 ? MOUSE_WAIT_MS : 0);
		k = n < sizeof(buf) ? getch() : ERR;
		if (k == ERR)
			break;
		got[n] = k;
		buf[n++] = (char)k;
		if (k > 0x7f || (n > 2 && (k == 'M' || k == 'm')) || (n == 1 && k != '[') ||
		    (n == 2 && k != '<'))
			break;
	}
	nodelay(stdscr, TRUE);
	struct mouse_event m;
	if (n && mouse_parse(buf, n, &m) == n) {
		mouse_act(c, &m);
		return;
	}
	if (n > 2 && buf[0] == '[' && buf[1] == '<' && (buf[n - 1] == 'M' || buf[n - 1] == 'm'))
		return;   /* a mouse report we cannot read: never typed into the line */
	if (n == 0 && !c->v.nfull && !c->v.searching && prompt_empty() &&
	    demo_running(&c->app)) {
		console_run_line(c, "demo stop");   /* a lone Esc leaves the tour */
		return;
	}
	key_run(c, 27, false);
	for (size_t i = 0; i < n; i++)
		key_run(c, (wint_t)got[i], got[i] >= KEY_MIN);
}

void keys_read(struct console *c)
{
	for (int i = 0; i < KEYS_PER_WAKE && !c->app.quit; i++) {
		wint_t wc;
		int r;
		if (MB_CUR_MAX == 1) {
			/* A single-byte locale (LANG=C): get_wch would swallow bytes of 0x80
			 * and above that are no character there; take bytes, readline gets
			 * them as is. */
			int k = getch();
			r = k == ERR ? ERR : k >= KEY_MIN ? KEY_CODE_YES : OK;
			wc = (wint_t)k;
		} else {
			r = get_wch(&wc);
		}
		if (r == ERR)
			break;
		if (r != KEY_CODE_YES && wc == 27)
			escape(c);
		else
			key_run(c, wc, r == KEY_CODE_YES);
	}
}
