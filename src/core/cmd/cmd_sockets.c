/* cmd_sockets: the "sockets" command: the system's Unix sockets as a sockets_report. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cmd/app.h"
#include "core/cmd/cmd.h"
#include "core/io/inplace.h"
#include "core/system/inspect_report.h"
#include "core/session/session.h"
#include "core/system/sockets.h"
#include "core/system/sockets_async.h"
#include "core/session/tap.h"

#define PATH_MAX_NOTE 256   /* a path as a note shows it (longer ones are cut) */

static void push_row(struct sockets_report *r, bool *added, const struct sockets_list *l,
		     const struct sockets_entry *e, bool peer, char **notes)
{
	added[e - l->v] = true;
	struct sockets_row *row = &r->rows[r->nrows++];
	row->e = e;
	row->peer = peer;
	row->note = notes[e - l->v];
	sockets_describe_holders(e, &row->holders);
}

/* During a tap --in-place two sockets serve one path: name which is the tap's and which the
 * server it hides, in NOTES (one per entry of L, to free). */
static void mark_in_place(const struct app *app, const struct sockets_list *l, char **notes)
{
	for (const struct session *s = app->sessions.head; s; s = s->next) {
		const struct inplace *ip = s->ops == &tap_session_ops ? tap_inplace(s->impl) : NULL;
		if (!ip || !ip->swapped)
			continue;
		for (size_t i = 0; i < l->n; i++) {
			char note[2 * PATH_MAX_NOTE];
			if (sockets_entry_is_node(&l->v[i], &ip->tapnode))
				snprintf(note, sizeof(note), "udscope's in-place tap #%u at %s", s->id,
					 ip->path);
			else if (sockets_entry_is_node(&l->v[i], &ip->orig))
				snprintf(note, sizeof(note), "the server at %s, hidden by udscope's "
					 "in-place tap #%u (waits in %s)", ip->path, s->id, ip->hidden);
			else
				continue;
			free(notes[i]);
			notes[i] = strdup(note);
		}
	}
}

/* Whether E (its note NOTE) is one the filter keeps. */
static bool kept(const struct sockets_entry *e, const char *note, const char *filter)
{
	return sockets_matches(e, filter) || (note && strstr(note, filter));
}

/* The rows: every socket FILTER matches, each followed by its peer when that did not match
 * itself (a client end has no name, so a name filter alone would hide it). */
static void fill_rows(struct sockets_report *r, const struct sockets_list *l, bool *added,
		      char **notes)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct sockets_entry *e = &l->v[i];
		if (e->state == SOCKETS_LISTEN)
			r->listening++;
		if (!kept(e, notes[i], r->filter))
			continue;
		r->matched++;
		if (!added[i])
			push_row(r, added, l, e, false, notes);
		const struct sockets_entry *p = e->has_peer ? sockets_find_ino(l, e->peer_ino)
							    : NULL;
		if (p && !added[p - l->v] && !kept(p, notes[p - l->v], r->filter))
			push_row(r, added, l, p, true, notes);
		if (e->state == SOCKETS_LISTEN)
			r->listeners[r->nlisteners++] =
				(struct sockets_clients){ e, sockets_accepted(l, e, NULL, 0) };
	}
}

static int sockets_run(struct app *app, const struct cmd_args *a)
{
	const char *filter = a->argc ? a->argv[0] : "";
	if (a->argc && a->arglen[0] != strlen(filter)) {
		app_error(app, EINVAL, "sockets: the filter holds a NUL byte");
		return CMD_FAIL;
	}
	struct sockets_list l;
	struct sockets_async_state st = { .holders = true };
	int e = app->sockets_async ? sockets_async_collect(app->sockets_async, &l, &st)
				   : sockets_collect(&l);
	if (e < 0) {
		app_error(app, -e, "sockets: /proc/net/unix");
		return CMD_FAIL;
	}
	sockets_sort(&l);
	struct sockets_report r = { .list = &l,
				    .filter = filter,
				    .holders_pending = !st.holders && st.scanning,
				    .holders_err = st.holders ? 0 : st.scan_err,
				    .holders_op = st.scan_op,
				    .procs_done = st.done,
				    .procs_total = st.total };
	size_t n = l.n ? l.n : 1;
	r.rows = calloc(n, sizeof(*r.rows));
	r.listeners = calloc(n, sizeof(*r.listeners));
	bool *added = calloc(n, sizeof(*added));
	char **notes = calloc(n, sizeof(*notes));
	int ret = CMD_OK;
	if (!r.rows || !r.listeners || !added || !notes) {
		app_error(app, ENOMEM, "sockets");
		ret = CMD_FAIL;
	} else {
		mark_in_place(app, &l, notes);
		fill_rows(&r, &l, added, notes);
		app_report(app, &(struct report){ .kind = REPORT_SOCKETS, .sockets = &r });
	}
	for (size_t i = 0; notes && i < l.n; i++)
		free(notes[i]);
	free(notes);
	free(added);
	free(r.listeners);
	free(r.rows);
	sockets_free(&l);
	return ret;
}

const struct cmd_entry cmd_sockets_entry = {
	.name = "sockets",
	.usage = "[FILTER]",
	.help = "the system's Unix sockets (like ss -xp); FILTER keeps names with it, and peers",
	.min_args = 0,
	.max_args = 1,
	.args = { CMD_ARG_WORD },
	.run = sockets_run,
};
