/* session_log: `log ID` in the console: one session's lines over the whole screen (a log view
 * of its own ring, filled from the panes and fed as the session goes on); Esc closes it.
 * Main thread only. */
#include "config.h"

#include "ui/console/session_log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/session/session.h"
#include "ui/console/console_impl.h"
#include "ui/console/save.h"

/* "server ./uds_socket" for session ID, "" when it was freed meanwhile. */
static void describe(struct console *c, uint32_t id, char *buf, size_t len)
{
	size_t n = app_sessions(&c->app, NULL, 0);
	struct session_info *rows = n ? calloc(n, sizeof(*rows)) : NULL;
	buf[0] = '\0';
	if (!rows)
		return;
	n = app_sessions(&c->app, rows, n);
	for (size_t i = 0; i < n; i++)
		if (rows[i].id == id)
			snprintf(buf, len, " (%s%s%s)", rows[i].kind_name, rows[i].path[0] ? " " : "",
				 rows[i].path);
	free(rows);
}

/* Session ID's lines as an owned log sheet, titled with what the session was. */
int session_log_sheet(struct console *c, uint32_t id, struct sheet **out)
{
	const struct pane_line **lines;
	size_t n = save_session_lines(&c->v, id, &lines);
	if (!lines)
		return -ENOMEM;
	if (n == 0) {
		free(lines);
		return -ENOENT;
	}
	struct sheet *s = malloc(sizeof(*s));
	struct pane *own = malloc(sizeof(*own));
	if (!s || !own || pane_init(own, PANE_LINES_DEFAULT) < 0) {
		free(s);
		free(own);
		free(lines);
		return -ENOMEM;
	}
	char what[160];
	describe(c, id, what, sizeof(what));
	char title[200];
	snprintf(title, sizeof(title), "Log of session #%u%s; Esc closes", id, what);
	sheet_init(s, SHEET_LOG, title);
	/* The panes' lines with their text: what they showed is not worded again. */
	for (size_t i = 0; i < n; i++)
		pane_push_line(own, lines[i]);
	free(lines);
	s->own = own;
	s->ring[0] = own;
	s->session = id;
	*out = s;
	return 0;
}

void session_log_feed(struct console *c, const struct pane_line *l)
{
	struct view *v = &c->v;
	uint32_t id = l->ev.session;
	for (int i = 0; i < v->nfull; i++)
		if (v->full[i]->own && v->full[i]->session == id && id)
			pane_push_line(v->full[i]->own, l);
}
