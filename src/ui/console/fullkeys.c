/* fullkeys: keys of a full-screen sheet (close, search, select), the search line, the mouse. */
#include "config.h"

#include "ui/console/fullkeys.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "ui/console/console_impl.h"
#include "ui/console/frame.h"
#include "ui/console/mouse.h"
#include "ui/console/prompt.h"
#include "ui/draw/table.h"

#define ESC 27
/* Rows the wheel moves a sheet. */
#define WHEEL_ROWS 3

/* Do what a sheet's key asked (sheet.h: the sheets do not call the console). */
static void grant(struct console *c, const struct sheet_request *req)
{
	switch (req->ask) {
	case SHEET_ASK_NONE:
		break;
	case SHEET_ASK_CHUNK:
		console_open_chunk(c, req->ev);
		break;
	case SHEET_ASK_RUN:
		console_pop(c);
		console_run_line(c, req->text);
		break;
	case SHEET_ASK_MESSAGE:
		console_message(c, false, req->text);
		break;
	case SHEET_ASK_STATUS:
		console_set_status(c, false, req->text);
		break;
	}
}

static void find(struct console *c, int dir)
{
	struct view *v = &c->v;
	struct sheet *s = view_active(v);
	char msg[128];
	if (!v->found[0]) {
		console_set_status(c, false, "no search yet: / starts one");
		return;
	}
	if (!s->kind->find || !s->kind->find(s, v, v->found, dir)) {
		snprintf(msg, sizeof(msg), "not found: %.64s", v->found);
		console_set_status(c, true, msg);
	} else {
		snprintf(msg, sizeof(msg), "/%.64s  (n next, N previous)", v->found);
		console_set_status(c, false, msg);
	}
	c->dirty = true;
}

/* The sockets table's filter, as typed so far: the command runs again with it. */
static void filter_apply(struct console *c)
{
	struct view *v = &c->v;
	struct sheet *s = v->full[v->nfull - 1];
	char q[sizeof(v->search) * 2 + 3];
	size_t o = 0;
	q[o++] = '"';
	for (const char *p = v->search; *p; p++) {
		if (*p == '"' || *p == '\\')
			q[o++] = '\\';
		q[o++] = *p;
	}
	q[o++] = '"';
	q[o] = '\0';
	snprintf(s->refresh, sizeof(s->refresh), "sockets%s%s", v->search[0] ? " " : "",
		 v->search[0] ? q : "");
	frame_refresh(c);
}

void search_key(struct console *c, wint_t wc, bool code)
{
	struct view *v = &c->v;
	size_t n = strlen(v->search);
	bool enter = (!code && (wc == '\r' || wc == '\n')) || (code && wc == KEY_ENTER);
	if (v->filtering) {
		if (enter || (!code && wc == ESC)) {
			v->searching = v->filtering = false;
		} else if ((code && wc == KEY_BACKSPACE) || (!code && (wc == 127 || wc == 8))) {
			if (n)
				v->search[n - 1] = '\0';
			filter_apply(c);
		} else if (!code && wc >= 0x20 && wc < 0x7f && n + 1 < sizeof(v->search)) {
			v->search[n] = (char)wc;
			v->search[n + 1] = '\0';
			filter_apply(c);
		}
		c->dirty = true;
		return;
	}
	if (enter) {
		v->searching = false;
		if (n)
			snprintf(v->found, sizeof(v->found), "%s", v->search);
		find(c, 1);
	} else if (!code && wc == ESC) {
		v->searching = false;
	} else if ((code && wc == KEY_BACKSPACE) || (!code && (wc == 127 || wc == 8))) {
		if (n)
			v->search[n - 1] = '\0';
	} else if (!code && wc >= 0x20 && wc < 0x7f && n + 1 < sizeof(v->search)) {
		v->search[n] = (char)wc;
		v->search[n + 1] = '\0';
	}
	c->dirty = true;
}

/* The sheet's own keys (Up, Down, Enter) first, then closing and searching. */
bool full_key(struct console *c, wint_t wc, bool code)
{
	struct view *v = &c->v;
	struct sheet *s = v->full[v->nfull - 1];
	bool enter = (!code && (wc == '\r' || wc == '\n')) || (code && wc == KEY_ENTER);
	if (v->commanding) {
		/* After ':' the keys are the prompt's, until Enter runs the line or Esc drops it. */
		if (!code && wc == ESC) {
			v->commanding = false;
			prompt_clear();
			console_set_status(c, false, "");
			return true;
		}
		return false;
	}
	int key = enter ? KEY_ENTER : (int)wc;
	struct sheet_request req = { .ask = SHEET_ASK_NONE };
	if (s->kind->key && s->kind->key(s, key, code || enter, &req)) {
		grant(c, &req);
		c->dirty = true;
		return true;
	}
	if (code && (wc == KEY_UP || wc == KEY_DOWN)) {
		s->kind->step(s, wc == KEY_UP ? 1 : -1);
		c->dirty = true;
		return true;
	}
	if (code || wc >= 0x80)
		return false;   /* PgUp, F1, F5, F10 ...: the key table */
	switch (wc) {
	case ESC:
	case 'q':
		console_pop(c);
		return true;
	case ':':
		/* A command from here: `save FILE` writes this view. */
		v->commanding = true;
		console_set_status(c, false, ": type a command (save FILE writes this view); Enter "
				   "runs it, Esc drops it");
		return true;
	case '/':
		v->searching = true;
		v->search[0] = '\0';
		c->dirty = true;
		return true;
	case 'n':
	case 'N':
		find(c, wc == 'n' ? 1 : -1);
		return true;
	case 'f':
		/* The sockets table: filter as you type (the sockets command's FILTER). */
		if (s->type != SHEET_TABLE || strncmp(s->refresh, "sockets", 7) != 0)
			return true;
		v->searching = v->filtering = true;
		v->search[0] = '\0';
		c->dirty = true;
		return true;
	default:
		/* Control keys (Ctrl-C, Ctrl-L, Ctrl-Z) are the table's; letters mean nothing
		 * here and must not reach the hidden prompt. */
		return wc >= 0x20;
	}
}

static bool inside(struct layout_rect r, int x, int y)
{
	return r.h > 0 && x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
}

void mouse_act(struct console *c, const struct mouse_event *m)
{
	struct view *v = &c->v;
	if (m->what == MOUSE_OTHER || v->layout.too_small)
		return;
	struct sheet *s = NULL;
	enum layout_pane hit = LAYOUT_PANES;
	if (v->nfull) {
		s = v->full[v->nfull - 1];
	} else {
		for (int p = 0; p < LAYOUT_PANES; p++)
			if ((v->layout.shown & LAYOUT_BIT(p)) &&
			    inside(v->layout.pane[p], m->x, m->y))
				hit = (enum layout_pane)p;
		if (hit == LAYOUT_PANES)
			return;
		s = &v->slot[hit];
	}
	if (m->what == MOUSE_CLICK) {
		struct layout_rect r = hit != LAYOUT_PANES ? v->layout.pane[hit] : v->layout.area;
		if (s->type == SHEET_TABLE && m->y >= r.y + 2 && m->y < r.y + r.h - 1) {
			/* Under the box's top and the headings: a row of the table. */
			long row = s->top + (m->y - r.y - 2);
			s->sel = row < (long)s->table->n ? row : s->sel;
			c->dirty = true;
		}
		if (hit != LAYOUT_PANES && hit != v->focus) {
			v->focus = hit;
			console_relayout(c);
		}
		return;
	}
	s->kind->step(s, m->what == MOUSE_WHEEL_UP ? WHEEL_ROWS : -WHEEL_ROWS);
	c->dirty = true;
}
