/* cmd_sockets: the "sockets" command: the system's Unix sockets as a sockets_report. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/cmd.h"
#include "core/inspect_report.h"
#include "core/sockets.h"
#include "core/sockets_async.h"

static void push_row(struct sockets_report *r, bool *added, const struct sockets_list *l,
		     const struct sockets_entry *e, bool peer)
{
	added[e - l->v] = true;
	struct sockets_row *row = &r->rows[r->nrows++];
	row->e = e;
	row->peer = peer;
	sockets_describe_holders(e, &row->holders);
}

/* The rows: every socket FILTER matches, each followed by its peer when that did not match
 * itself (a client end has no name, so a name filter alone would hide it). */
static void fill_rows(struct sockets_report *r, const struct sockets_list *l, bool *added)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct sockets_entry *e = &l->v[i];
		if (e->state == SOCKETS_LISTEN)
			r->listening++;
		if (!sockets_matches(e, r->filter))
			continue;
		r->matched++;
		if (!added[i])
			push_row(r, added, l, e, false);
		const struct sockets_entry *p = e->has_peer ? sockets_find_ino(l, e->peer_ino)
							    : NULL;
		if (p && !added[p - l->v] && !sockets_matches(p, r->filter))
			push_row(r, added, l, p, true);
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
	int ret = CMD_OK;
	if (!r.rows || !r.listeners || !added) {
		app_error(app, ENOMEM, "sockets");
		ret = CMD_FAIL;
	} else {
		fill_rows(&r, &l, added);
		app_report(app, &(struct report){ .kind = REPORT_SOCKETS, .sockets = &r });
	}
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
