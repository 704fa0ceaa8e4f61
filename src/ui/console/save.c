/* save: the console's side of `save FILE [--json]`: the focused view's lines as plain text,
 * all of them, laid out as the view lays them out; or the sessions' events as JSON
 * lines from the panes' rings. Main thread only. */
#include "config.h"

#include "ui/console/save.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/savefile.h"
#include "core/render/render_event.h"
#include "ui/console/console_impl.h"
#include "ui/draw/table.h"
#include "ui/draw/text.h"

#define SAVE_LINE_MAX (TEXT_SANITIZE_SIZE(EVENT_LINE_MAX) + 64)

/* S's rows wrapped at COLS with the hanging INDENT, each a line of F (as painted). */
static void put_wrapped(struct savefile *f, const char *s, size_t len, int cols, int indent)
{
	char row[SAVE_LINE_MAX];
	struct text_rows r;
	size_t start, n;
	int pad;
	text_rows_init(&r, s, len, cols, indent);
	while (text_rows_next(&r, &start, &n, &pad)) {
		if ((size_t)pad + n > sizeof(row))
			n = sizeof(row) - (size_t)pad;
		memset(row, ' ', (size_t)pad);
		memcpy(row + pad, s + start, n);
		savefile_line(f, row, (size_t)pad + n);
	}
}

static void save_doc(struct savefile *f, const struct sheet *s, int cols)
{
	for (size_t i = 0; i < s->doc.n; i++)
		put_wrapped(f, s->doc.line[i].text, s->doc.line[i].len, cols, s->doc.line[i].indent);
}

/* Oldest first; the Conversation's lines carry their source's label, as it shows them. */
static void save_log(struct savefile *f, const struct view *v, const struct sheet *s,
		     int cols)
{
	for (size_t back = log_count(s); back-- > 0;) {
		size_t n;
		int indent;
		const char *line =
			view_log_text(v, log_line_at(s, back), s->ring[1] != NULL, &n, &indent);
		put_wrapped(f, line, n, cols, indent);
	}
}

static void save_table(struct savefile *f, const struct sheet *s, bool utf8, int cols)
{
	const struct table *t = s->table;
	int w[TABLE_COLS_MAX];
	char line[SAVE_LINE_MAX];
	table_widths(t, cols, w);
	for (long row = -1; row < (long)t->n; row++) {
		size_t n = table_line(t, row, w, utf8, line, sizeof(line));
		while (n && line[n - 1] == ' ')
			n--;
		savefile_line(f, line, n);
	}
}

/* The focused view (a full-screen one first) and the columns it is drawn in. */
static struct sheet *focused(struct console *c, int *cols, const char **name)
{
	struct view *v = &c->v;
	struct sheet *s = view_active(v);
	bool slot = s >= v->slot && s < v->slot + LAYOUT_PANES;
	*cols = (v->nfull ? v->layout.area.w : v->layout.pane[v->focus].w) - 2;
	*name = slot ? layout_pane_name((enum layout_pane)(s - v->slot)) : s->kind->name;
	if (v->welcome_on && !v->nfull) {
		*cols = v->layout.area.w - 2;
		*name = "welcome";
		return &v->welcome;
	}
	return s;
}

static int save_text(struct console *c, struct savefile *f, char *what, size_t whatlen)
{
	int cols;
	const char *name;
	struct sheet *s = focused(c, &cols, &name);
	if (cols < 8)
		cols = 8;
	if (s->type == SHEET_LOG && s->ring[0])
		save_log(f, &c->v, s, cols);
	else if (s->type == SHEET_TABLE && s->table)
		save_table(f, s, c->v.utf8, cols);
	else
		save_doc(f, s, cols);
	snprintf(what, whatlen, "%" PRIu64 " line%s of the %s view", f->lines,
		 f->lines == 1 ? "" : "s", name);
	return 0;
}

/* ---- JSON: the sessions' events ---- */

static int by_time(const void *a, const void *b)
{
	const struct event *x = &(*(const struct pane_line *const *)a)->ev;
	const struct event *y = &(*(const struct pane_line *const *)b)->ev;
	if (x->time_ns != y->time_ns)
		return x->time_ns < y->time_ns ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Every line of session ID (0: of every session) the rings hold, oldest first, into *OUT
 * (allocated). */
size_t save_session_lines(const struct view *v, uint32_t id, const struct pane_line ***out)
{
	size_t n = 0;
	for (int r = 0; r < VIEW_RINGS; r++)
		n += v->panes[r].count;
	const struct pane_line **lines = malloc((n ? n : 1) * sizeof(*lines));
	*out = lines;
	if (!lines)
		return 0;
	size_t k = 0;
	for (int r = 0; r < VIEW_RINGS; r++)
		for (size_t back = v->panes[r].count; back-- > 0;) {
			const struct pane_line *pl = pane_get(&v->panes[r], back);
			if (!pl->skipped && pl->ev.session && (!id || pl->ev.session == id))
				lines[k++] = pl;
		}
	qsort(lines, k, sizeof(*lines), by_time);
	return k;
}

/* A `log ID` view: its session's events; any other view: every session's the panes hold, in
 * time order, numbered from 1 (lines made on the main thread never went through the bus). */
static int save_json(struct console *c, struct savefile *f, char *what, size_t whatlen,
		     char *why, size_t whylen)
{
	uint32_t id = view_active(&c->v)->session;
	const struct pane_line **lines;
	size_t n = save_session_lines(&c->v, id, &lines);
	if (!lines)
		return -ENOMEM;
	if (!n) {
		free(lines);
		snprintf(why, whylen, "no session's lines to save yet");
		return -ENOENT;
	}
	struct event ev;
	for (size_t i = 0; i < n; i++) {
		event_copy(&ev, &lines[i]->ev);
		ev.seq = i + 1;
		render_event_save_json(f, &ev, c->app.capture, c->v.base_ns);
	}
	free(lines);
	if (id)
		snprintf(what, whatlen, "%zu event%s of session #%u as JSON lines", n,
			 n == 1 ? "" : "s", id);
	else
		snprintf(what, whatlen, "%zu event%s of every session as JSON lines", n,
			 n == 1 ? "" : "s");
	return 0;
}

static int console_save(void *ctx, struct savefile *f, bool json, char *what, size_t whatlen,
			char *why, size_t whylen)
{
	struct console *c = ctx;
	if (json)
		return save_json(c, f, what, whatlen, why, whylen);
	return save_text(c, f, what, whatlen);
}

void save_hooks(struct console *c)
{
	c->app.hooks.save = console_save;
	c->app.hooks.ctx = c;
}
