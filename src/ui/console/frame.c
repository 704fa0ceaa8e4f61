/* frame: what the console's frame shows: events into rings, a command's result into the message
 * line or the Report pane, reports and chunks into full-screen sheets, and which panes the
 * layout gets for the terminal's size. Main thread only. */
#include "config.h"

#include "ui/console/frame.h"

#include <curses.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/system/inspect_report.h"
#include "core/render/render.h"
#include "core/render/render_inspect_words.h"
#include "core/cmd/cmd.h"
#include "core/cmd/script.h"
#include "core/system/sockets_async.h"
#include "core/render/render_event.h"
#include "ui/console/console_impl.h"
#include "ui/console/dissect.h"
#include "ui/draw/layout.h"
#include "ui/draw/pane.h"
#include "ui/console/session_log.h"
#include "ui/draw/sheet.h"
#include "ui/draw/table.h"
#include "ui/draw/table_fill.h"
#include "ui/draw/text.h"

int frame_init(struct console *c)
{
	struct view *v = &c->v;
	for (int i = 0; i < VIEW_RINGS; i++)
		if (pane_init(&v->panes[i], PANE_LINES_DEFAULT) < 0) {
			for (int k = 0; k < i; k++)
				pane_free(&v->panes[k]);
			return -1;
		}
	for (int p = 0; p < LAYOUT_PANES; p++)
		sheet_init(&v->slot[p], p == LAYOUT_REPORT ? SHEET_REPORT : SHEET_LOG,
			   layout_pane_name((enum layout_pane)p));
	v->slot[LAYOUT_SERVER].ring[0] = &v->panes[LAYOUT_SERVER];
	v->slot[LAYOUT_CLIENT].ring[0] = &v->panes[LAYOUT_CLIENT];
	v->slot[LAYOUT_PAIR].ring[0] = &v->panes[LAYOUT_PAIR];
	v->slot[LAYOUT_PAIR].split = true;
	v->slot[LAYOUT_TAP].ring[0] = &v->panes[LAYOUT_TAP];
	v->slot[LAYOUT_TALK].ring[0] = &v->panes[LAYOUT_SERVER];
	v->slot[LAYOUT_TALK].ring[1] = &v->panes[LAYOUT_CLIENT];
	sheet_init(&v->messages, SHEET_MESSAGES, "Messages: the message line's history (Esc "
		   "closes)");
	sheet_init(&v->welcome, SHEET_WELCOME, "Welcome");
	v->welcome_on = true;
	v->focus = LAYOUT_SERVER;
	doc_init(&c->result, 0);
	return 0;
}

void frame_free(struct console *c)
{
	struct view *v = &c->v;
	while (v->nfull)
		console_pop(c);
	for (int i = 0; i < VIEW_RINGS; i++)
		pane_free(&v->panes[i]);
	for (int p = 0; p < LAYOUT_PANES; p++)
		sheet_free(&v->slot[p]);
	sheet_free(&v->messages);
	sheet_free(&v->welcome);
	doc_free(&c->result);
}

/* ---- the message line and its history ---- */

void console_set_status(struct console *c, bool error, const char *text)
{
	size_t n = strlen(text);
	if (n > sizeof(c->v.status) - 1)
		n = sizeof(c->v.status) - 1;
	memcpy(c->v.status, text, n);
	c->v.status[n] = '\0';
	c->v.status_error = error;
	c->dirty = true;
}

void console_message(struct console *c, bool error, const char *text)
{
	console_set_status(c, error, text);
	doc_add(&c->v.messages.doc, text, strlen(text), c->v.utf8, error ? DOC_ERROR : DOC_PLAIN,
		0, 0);
}

/* ---- full-screen sheets ---- */

void console_push(struct console *c, struct sheet *s, bool owned)
{
	struct view *v = &c->v;
	if (v->nfull == VIEW_FULL_MAX)
		console_pop(c);   /* the oldest stays below; the top one gives way */
	v->full[v->nfull] = s;
	v->full_owned[v->nfull] = owned;
	v->nfull++;
	v->found[0] = '\0';
	c->dirty = true;
}

void console_pop(struct console *c)
{
	struct view *v = &c->v;
	if (!v->nfull)
		return;
	v->nfull--;
	struct sheet *s = v->full[v->nfull];
	/* The zoom's hint goes with it. */
	if (strncmp(v->status, "zoomed:", 7) == 0)
		console_set_status(c, false, "");
	s->pos.sel = -1;
	if (v->full_owned[v->nfull]) {
		sheet_free(s);
		free(s);
	}
	v->found[0] = '\0';
	v->searching = false;
	v->commanding = false;
	c->dirty = true;
}

static struct sheet *sheet_new(enum sheet_type type, const char *title)
{
	struct sheet *s = malloc(sizeof(*s));
	if (s)
		sheet_init(s, type, title);
	return s;
}

void console_open_help(struct console *c, const char *topic)
{
	struct sheet *s = sheet_new(SHEET_HELP, "Help");
	if (!s) {
		console_message(c, true, "help: out of memory");
		return;
	}
	help_build(s, topic, c->v.utf8, COLS, c->help_keys, c->nhelp_keys);
	console_push(c, s, true);
}

static struct pane *ring_of(struct console *c, enum event_source src)
{
	switch (src) {
	case SRC_SERVER:
		return &c->v.panes[LAYOUT_SERVER];
	case SRC_CLIENT:
		return &c->v.panes[LAYOUT_CLIENT];
	case SRC_PAIR_PARENT:
	case SRC_PAIR_CHILD:
		return &c->v.panes[LAYOUT_PAIR];
	case SRC_TAP:
	case SRC_WATCH:
		return &c->v.panes[LAYOUT_TAP];
	default:
		return NULL;
	}
}

void console_open_chunk(struct console *c, const struct event *ev)
{
	if (ev->kind != EV_RECV && ev->kind != EV_SEND) {
		console_message(c, false, "not a chunk line: Enter opens received and sent bytes");
		return;
	}
	struct sheet *s = sheet_new(SHEET_DETAIL, "Chunk");
	if (!s) {
		console_message(c, true, "chunk: out of memory");
		return;
	}
	struct detail_dissection dd = console_dissect_start(c, s, ev);
	frame_detail_rebuild(c, s, ev, &dd);
	console_push(c, s, true);
}

void frame_detail_rebuild(struct console *c, struct sheet *s, const struct event *ev,
			  const struct detail_dissection *dd)
{
	detail_build(s, c->app.capture, ev, ring_of(c, (enum event_source)ev->source), c->v.utf8,
		     dd);
}

/* The tap connection F3 draws: the selected line's in the Tap pane, else the newest chunk's.
 * False when the tap pane holds none. */
static bool tap_pick(struct console *c, uint32_t *session, uint32_t *conn)
{
	const struct sheet *t = &c->v.slot[LAYOUT_TAP];
	const struct pane *ring = &c->v.panes[LAYOUT_TAP];
	const struct pane_line *pl = t->pos.sel >= 0 ? pane_get(ring, (size_t)t->pos.sel) : NULL;
	for (size_t back = 0; (!pl || !pl->ev.conn) && back < ring->count; back++) {
		pl = pane_get(ring, back);
		if (pl->ev.kind != EV_RECV)
			pl = NULL;
	}
	if (!pl || !pl->ev.conn)
		return false;
	*session = pl->ev.session;
	*conn = pl->ev.conn;
	return true;
}

/* F3 with the Tap pane focused: the tapped connection as client and server lifelines. */
static void open_tap_diagram(struct console *c, uint32_t session, uint32_t conn)
{
	char title[160];
	snprintf(title, sizeof(title), "Sequence: tap #%u connection %u, client (left) and server "
		 "(right); Esc closes", session, conn);
	struct sheet *s = sheet_new(SHEET_SEQ, title);
	if (!s) {
		console_message(c, true, "diagram: out of memory");
		return;
	}
	s->ring[0] = &c->v.panes[LAYOUT_TAP];
	s->session = session;
	s->conn = conn;
	console_push(c, s, true);
}

void console_open_diagram(struct console *c)
{
	uint32_t session, conn;
	bool only_tap = !c->v.panes[LAYOUT_SERVER].count && !c->v.panes[LAYOUT_CLIENT].count;
	if ((c->v.focus == LAYOUT_TAP || only_tap) && tap_pick(c, &session, &conn)) {
		open_tap_diagram(c, session, conn);
		return;
	}
	struct sheet *s = sheet_new(SHEET_SEQ, "Sequence: the client (left) and the server "
				    "(right), by time; Esc closes");
	if (!s) {
		console_message(c, true, "diagram: out of memory");
		return;
	}
	s->ring[0] = &c->v.panes[LAYOUT_SERVER];
	s->ring[1] = &c->v.panes[LAYOUT_CLIENT];
	console_push(c, s, true);
}

/* ---- results and reports ---- */

static void report_line(void *ctx, const struct render_line *l)
{
	struct console *c = ctx;
	enum doc_look look = l->flags & RENDER_ERROR ? DOC_ERROR
			     : l->flags & RENDER_HEADING ? DOC_HEADING : DOC_PLAIN;
	doc_add(&c->result, l->text, l->len, c->v.utf8, look, l->mark_off, l->mark_len);
}

/* A refreshed table takes the old one's place: same sort, same selected row, same top. */
static void table_swap(struct sheet *s, struct table *t)
{
	struct table *old = s->table;
	if (old->sort_col >= 0)
		table_sort(t, old->sort_col, old->sort_desc);
	t->first = old->first;
	table_free(old);
	free(old);
	s->table = t;
	if (s->sel >= (long)t->n)
		s->sel = (long)t->n - 1;
}

/* The sockets table's word on its process column: being read, or why it could not be. */
static void holders_note(const struct sockets_report *so, char *buf, size_t len)
{
	char et[96];
	buf[0] = '\0';
	if (so->holders_pending)
		snprintf(buf, len, "; processes: %zu of %zu read", so->procs_done, so->procs_total);
	else if (so->holders_err)
		snprintf(buf, len, "; processes: %s: %s", so->holders_op ? so->holders_op : "",
			 render_errtxt(so->holders_err, et, sizeof(et)));
}

static void table_title(struct console *c, struct sheet *s, const struct report *r)
{
	size_t n = s->table->n;
	char procs[200];
	if (r->kind == REPORT_SOCKETS) {
		holders_note(r->sockets, procs, sizeof(procs));
		/* Listening among its rows: the system's count moves with every refresh. */
		size_t listening = 0;
		for (size_t i = 0; i < n; i++)
			listening += strcmp(table_cell(s->table, i, 0), "listening") == 0;
		snprintf(s->title, sizeof(s->title),
			 "Report: %.120s (%zu row%s, %zu listening%s; "
			 "F5 zoom: s sorts, Enter inspects)",
			 s->refresh, n, n == 1 ? "" : "s", listening, procs);
	} else {
		snprintf(s->title, sizeof(s->title),
			 "Report: %.160s (%zu session%s); F5 zoom: Enter shows its log",
			 s->refresh, n, n == 1 ? "" : "s");
	}
	snprintf(c->v.title[LAYOUT_REPORT], sizeof(c->v.title[0]), "%s", s->title);
}

/* A table (sockets, sessions) in the Report pane, focused; Enter on a socket inspects it.
 * Refreshing, only the rows (and the counts in the title) change. */
static void report_table(struct console *c, const struct report *r, struct table *t)
{
	struct sheet *s = &c->v.slot[LAYOUT_REPORT];
	c->dirty = true;
	if (c->refreshing && s->type == SHEET_TABLE) {
		/* Rows came or went: news, as a log's new lines are (room follows it). */
		if (t->n != s->table->n)
			c->report_fresh = true;
		table_swap(s, t);
		table_title(c, s, r);
		console_relayout(c); /* its rows may be more or fewer */
		return;
	}
	sheet_free(s);
	sheet_init(s, SHEET_TABLE, "");
	s->table = t;
	snprintf(s->refresh, sizeof(s->refresh), "%s", c->running);
	if (r->kind == REPORT_SOCKETS) {
		snprintf(s->action, sizeof(s->action), "inspect");
		s->action_col = TABLE_SOCKETS_PATH;
	} else {
		/* Sessions: Enter opens the row's session's lines (log ID). */
		snprintf(s->action, sizeof(s->action), "log");
		s->action_col = 0;
	}
	table_title(c, s, r);
	c->v.focus = LAYOUT_REPORT;
	c->report_fresh = true;
	console_relayout(c);
}

/* The report sink: help over the whole screen; sockets and sessions as tables from their rows;
 * any other kind as its text lines, with their emphasis, in the Report pane (through the
 * result of the line being run). */
static void on_report(void *ctx, const struct report *r)
{
	struct console *c = ctx;
	if (r->kind == REPORT_HELP) {
		console_open_help(c, r->help->topic);
		return;
	}
	struct table *t = table_from_report(r, c->v.utf8);
	if (t) {
		report_table(c, r, t);
		return;
	}
	/* Inspect's verdict, fixes and proof are its last lines: it opens showing them. */
	if (r->kind == REPORT_INSPECT)
		c->answer_last = true;
	render_text(r, report_line, c);
	if (!c->collecting)
		frame_result_end(c, render_kind_name(r->kind));
}

void frame_reports(struct console *c)
{
	c->app.reports = (struct report_sink){ on_report, c };
}

void frame_result_begin(struct console *c, const char *line)
{
	doc_clear(&c->result);
	if (!c->refreshing) {
		for (int r = 0; r < VIEW_RINGS; r++)
			c->mark[r] = c->v.panes[r].appended;
		c->report_fresh = false;
		c->attend = 0;
	}
	c->collecting = true;
	c->answer_last = false;
	snprintf(c->running, sizeof(c->running), "%s", line);
}

/* Where inspect's answer starts: its verdict line, with the fixes, the lasting fix and the
 * proof after it (a long walk and a long lasting-fix paragraph would push the verdict above
 * the last screenful); without one, the last screenful. */
static long verdict_line(const struct doc *d)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->line[i].len >= 7 && strncmp(d->line[i].text, "verdict", 7) == 0)
			return (long)i;
	return LONG_MAX;
}

/* One line: the message line. More, or one line longer than the message line (an error
 * with a long path would lose its middle there): the Report pane, focused, titled with the
 * command, wrapped at words; opened on the answer (inspect's verdict and what follows it),
 * or at its start, the detail a key away. */
void frame_result_end(struct console *c, const char *line)
{
	c->collecting = false;
	struct doc *r = &c->result;
	if (r->n == 0)
		return;
	if (r->n == 1) {
		const struct doc_line *l = &r->line[0];
		console_message(c, l->look == DOC_ERROR, l->text);
		char safe[TEXT_SANITIZE_SIZE(VIEW_STATUS_MAX)];
		size_t n = text_sanitize(l->text, l->len < VIEW_STATUS_MAX ? l->len : VIEW_STATUS_MAX,
					 c->v.utf8, safe, sizeof(safe));
		if (text_width(safe, n) <= view_status_room(&c->v)) {
			doc_clear(r);
			return;
		}
	}
	struct sheet *s = &c->v.slot[LAYOUT_REPORT];
	sheet_free(s);
	sheet_init(s, SHEET_REPORT, "");
	doc_free(&s->doc);
	s->doc = *r;
	doc_init(r, 0);
	if (c->answer_last)
		s->top = verdict_line(&s->doc);
	/* A tour step opens on its narration (or inspect's verdict); its closing line, which
	 * says what Enter does next, stays in view at the foot. */
	s->pin_last = strncmp(line, "demo", 4) == 0;
	c->answer_last = false;
	snprintf(s->title, sizeof(s->title), "Report: %.200s", line);
	snprintf(c->v.title[LAYOUT_REPORT], sizeof(c->v.title[0]), "%s", s->title);
	if (c->v.focus != LAYOUT_REPORT)
		c->v.focus = LAYOUT_REPORT;
	c->report_fresh = true;
	console_relayout(c);
}

bool frame_live(const struct console *c)
{
	const struct sheet *s = &c->v.slot[LAYOUT_REPORT];
	return s->type == SHEET_TABLE && s->refresh[0] &&
	       ((c->v.layout.shown & LAYOUT_BIT(LAYOUT_REPORT)) ||
		(c->v.nfull && c->v.full[c->v.nfull - 1] == s));
}

void frame_sockets_news(struct console *c)
{
	struct sockets_async *sa = c->app.sockets_async;
	bool news = sockets_async_ack(sa);
	const struct sheet *s = &c->v.slot[LAYOUT_REPORT];
	if (!frame_live(c) || strncmp(s->refresh, "sockets", 7) != 0)
		sockets_async_stop(sa); /* the table closed: nobody waits for the holders */
	else if (news)
		frame_refresh(c);
}

void frame_refresh(struct console *c)
{
	if (!frame_live(c) || c->collecting || !script_idle(&c->app))
		return;
	char line[sizeof(c->running)];
	snprintf(line, sizeof(line), "%s", c->v.slot[LAYOUT_REPORT].refresh);
	/* Quietly: what it says besides its report is dropped. */
	c->refreshing = true;
	frame_result_begin(c, line);
	cmd_run_line(&c->app, line);
	c->collecting = false;
	doc_clear(&c->result);
	c->refreshing = false;
}

/* ---- events ---- */

/* Chunk sizes, exactly while few: per side, from the newest session's events. */
static void count_size(struct console *c, const struct event *ev)
{
	int side = ev->source == SRC_SERVER ? 0 : ev->source == SRC_CLIENT ? 1 : -1;
	if (side < 0)
		return;
	struct view_sizes *sz = &c->v.sizes[side];
	if (ev->session != c->sizes_session[side]) {
		memset(sz, 0, sizeof(*sz));
		c->sizes_session[side] = ev->session;
	}
	if (ev->dropped)
		sz->many = true;   /* some were not seen: only the buckets are exact */
	if (ev->kind == EV_RECV && ev->nbytes)
		view_sizes_add(sz, ev->nbytes);
}

void frame_event(struct console *c, const struct event *ev)
{
	struct pane *ring = ring_of(c, (enum event_source)ev->source);
	bool first = ring && ring->count == 0;
	if (ev->dropped) {
		c->v.dropped += ev->dropped;
		if (ring)
			pane_skip(ring, ev->dropped, ev->time_ns);
	}
	count_size(c, ev);
	if (ring) {
		/* A stale pane with news: the layout gives it room (layout_plan). */
		bool news = ring->appended == c->mark[ring - c->v.panes];
		pane_push(ring, ev);
		session_log_feed(c, pane_get(ring, 0));
		if (news)
			console_relayout(c);
		if (ev->kind == EV_ERROR) {
			char line[EVENT_LINE_MAX];
			render_event_line(ev, 0, 0, line, sizeof(line));
			console_message(c, true, line);
		}
		if (first)
			console_relayout(c);   /* an empty pane gets its room */
		return;
	}
	/* udscope's own lines: a result of the line being run, or a message. */
	enum doc_look look = ev->kind == EV_ERROR ? DOC_ERROR : DOC_PLAIN;
	if (c->collecting) {
		char words[EVENT_LINE_MAX];
		/* An error's errno text is the event's, not its text's: say it too. */
		size_t n = ev->kind == EV_ERROR && ev->err
				   ? render_event_words(ev, 0, words, sizeof(words))
				   : strnlen(ev->text, sizeof(ev->text));
		doc_add(&c->result, n && ev->kind == EV_ERROR && ev->err ? words : ev->text, n,
			c->v.utf8, look, ev->mark_off, ev->mark_len);
		return;
	}
	char line[EVENT_LINE_MAX];
	render_event_line(ev, 0, 0, line, sizeof(line));
	console_message(c, ev->kind == EV_ERROR, line);
}

/* ---- which panes ---- */

static unsigned panes_shown(struct console *c)
{
	struct view *v = &c->v;
	unsigned m = 0;
	v->talk = layout_talk(COLS, LINES);
	bool srv = v->panes[LAYOUT_SERVER].count, cli = v->panes[LAYOUT_CLIENT].count;
	if (v->talk && (srv || cli))
		m |= LAYOUT_BIT(LAYOUT_TALK);
	else if (!v->talk)
		m |= (srv ? LAYOUT_BIT(LAYOUT_SERVER) : 0) | (cli ? LAYOUT_BIT(LAYOUT_CLIENT) : 0);
	if (v->panes[LAYOUT_PAIR].count)
		m |= LAYOUT_BIT(LAYOUT_PAIR);
	if (v->panes[LAYOUT_TAP].count)
		m |= LAYOUT_BIT(LAYOUT_TAP);
	if (v->slot[LAYOUT_REPORT].doc.n || v->slot[LAYOUT_REPORT].table)
		m |= LAYOUT_BIT(LAYOUT_REPORT);
	if (!m && !v->welcome_on)
		m = v->talk ? LAYOUT_BIT(LAYOUT_TALK)
			    : LAYOUT_BIT(LAYOUT_SERVER) | LAYOUT_BIT(LAYOUT_CLIENT);
	return m;
}

/* What each pane asks of the layout: a log as many rows as it gets, fresh with news since
 * the last typed line; the report the rows its lines or rows fill, fresh when that line made
 * it, a row of its own when a table. A pane focused with Tab since is fresh too. */
static void needs(const struct console *c, struct layout_need *n)
{
	const struct view *v = &c->v;
	memset(n, 0, sizeof(*n) * LAYOUT_PANES);
	for (int r = 0; r < VIEW_RINGS; r++)
		n[r].fresh = v->panes[r].appended != c->mark[r];
	n[LAYOUT_TALK].fresh = n[LAYOUT_SERVER].fresh || n[LAYOUT_CLIENT].fresh;
	const struct sheet *s = &v->slot[LAYOUT_REPORT];
	n[LAYOUT_REPORT].fresh = c->report_fresh;
	/* Its width: the right column's when there are two, else the screen's. */
	int w = (COLS >= LAYOUT_WIDE_COLS ? COLS - COLS / 2 : COLS) - 2;
	if (s->type == SHEET_TABLE && s->table) {
		n[LAYOUT_REPORT].want = (int)s->table->n + 3; /* header, rows, borders */
		n[LAYOUT_REPORT].wide = true;
	} else if (w > 0) {
		n[LAYOUT_REPORT].want = doc_sheet_rows(s, w) + 2;
	}
	for (int p = 0; p < LAYOUT_PANES; p++)
		if (c->attend & LAYOUT_BIT(p))
			n[p].fresh = true;
}

void console_relayout(struct console *c)
{
	struct view *v = &c->v;
	unsigned m = panes_shown(c);
	/* The focus stays on what stands for it: Server and Client are in the Conversation. */
	if (v->talk && (v->focus == LAYOUT_SERVER || v->focus == LAYOUT_CLIENT))
		v->focus = LAYOUT_TALK;
	if (!v->talk && v->focus == LAYOUT_TALK)
		v->focus = LAYOUT_SERVER;
	if (m && !(m & LAYOUT_BIT(v->focus)))
		for (int p = 0; p < LAYOUT_PANES; p++)
			if (m & LAYOUT_BIT(p)) {
				v->focus = (enum layout_pane)p;
				break;
			}
	struct layout_need n[LAYOUT_PANES];
	needs(c, n);
	layout_plan(&v->layout, COLS, LINES, v->focus, m, n);
	c->dirty = true;
}

void frame_focus_step(struct console *c, int step)
{
	struct view *v = &c->v;
	unsigned m = v->layout.shown;
	int p = (int)v->focus;
	for (int k = 0; k < LAYOUT_PANES; k++) {
		p = (p + step + LAYOUT_PANES) % LAYOUT_PANES;
		if (m & LAYOUT_BIT(p))
			break;
	}
	v->focus = (enum layout_pane)p;
	c->attend |= LAYOUT_BIT(p); /* looked at: it is given room */
	console_relayout(c);
}
