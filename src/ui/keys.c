/* keys: the console's key table; it runs the keys and makes F1's list of them. */
#include "config.h"

#include "ui/keys.h"

#include <curses.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/cmd.h"
#include "core/script.h"
#include "ui/console_impl.h"
#include "ui/pane.h"
#include "ui/prompt.h"

/* Keys handled per wake-up, so a paste cannot starve the bus. */
#define KEYS_PER_WAKE 512

#define CTRL(ch) ((ch) & 0x1f)

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

static void focus_set(struct console *c, enum layout_pane p)
{
	c->v.panes[c->v.focus].focus = false;
	c->v.focus = p;
	c->v.panes[c->v.focus].focus = true;
}

static void focus_move(struct console *c, int step)
{
	focus_set(c, (enum layout_pane)(((int)c->v.focus + step + LAYOUT_PANES) % LAYOUT_PANES));
	console_relayout(c);
}

static void help(struct console *c);   /* F1 lists the table that holds it */

static void toggle_hex(struct console *c)
{
	c->v.hex = !c->v.hex;
	console_set_status(c, false, c->v.hex ? "chunks shown as hex + ASCII (F2: text)"
					      : "chunks shown as b'...' text (F2: hex)");
}

static void quit(struct console *c)
{
	c->app.quit = true;
}

static void page_up(struct console *c)
{
	int page = view_page_lines(&c->v);
	pane_scroll(&c->v.panes[c->v.focus], page, (size_t)page);
	c->dirty = true;
}

static void page_down(struct console *c)
{
	int page = view_page_lines(&c->v);
	pane_scroll(&c->v.panes[c->v.focus], -page, (size_t)page);
	c->dirty = true;
}

static void oldest(struct console *c)
{
	pane_scroll_oldest(&c->v.panes[c->v.focus], 1);   /* the view fills from the top */
	c->dirty = true;
}

static void follow(struct console *c)
{
	pane_follow(&c->v.panes[c->v.focus]);
	c->dirty = true;
}

static void tab(struct console *c)
{
	/* Tab completes what is typed; on an empty line there is nothing to complete, so it
	 * moves the focus instead. */
	if (prompt_empty())
		focus_move(c, 1);
	else
		feed_str("\t");
}

static void focus_prev(struct console *c)
{
	focus_move(c, -1);
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
		console_set_status(c, false, "stopped the command that was waiting");
	}
	prompt_clear();
}

/* In F1's order. KEY_RESIZE is not here: the signal fd reports resizes. */
static const struct key keys[] = {
	{ KEY_F(1), true, help, NULL, "F1", "this help: the keys, then the commands" },
	{ '\t', false, tab, NULL, "Tab",
	  "complete the command line; on an empty line, focus the next pane" },
	{ KEY_BTAB, true, focus_prev, NULL, "Shift-Tab", "focus the previous pane" },
	{ KEY_PPAGE, true, page_up, NULL, "PgUp", "scroll the focused pane back a page" },
	{ KEY_NPAGE, true, page_down, NULL, "PgDn", "scroll the focused pane forward a page" },
	{ KEY_HOME, true, oldest, NULL, "Home", "show the focused pane's oldest line" },
	{ KEY_END, true, follow, NULL, "End", "follow new lines again" },
	{ KEY_F(2), true, toggle_hex, NULL, "F2", "chunks as hex + ASCII, or as b'...' text" },
	{ CTRL('l'), false, redraw, NULL, "Ctrl-L", "redraw the screen" },
	{ CTRL('c'), false, interrupt, NULL, "Ctrl-C",
	  "clear the line; on an empty line, stop the command that waits" },
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

/* F1: the keys from the table, then the commands from theirs, in the Inspector. */
static void help(struct console *c)
{
	app_info(&c->app, SRC_SYSTEM, "%s", "keys:");
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (keys[i].name)
			app_info(&c->app, SRC_SYSTEM, "  %-14s %s", keys[i].name, keys[i].help);
	cmd_run_line(&c->app, "help");
	focus_set(c, LAYOUT_INSPECT);
	pane_follow(&c->v.panes[LAYOUT_INSPECT]);
	console_relayout(c);
}

static const struct key *key_find(int key, bool code)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (keys[i].key == key && keys[i].code == code)
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
	const struct key *k = key_find((int)wc, code);
	if (k && k->act)
		k->act(c);
	else if (k && k->feed)
		feed_str(k->feed);
	else if (!code)
		feed_char(wc);
	/* Other function keys mean nothing here. */
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
		key_run(c, wc, r == KEY_CODE_YES);
	}
}
