/* render_sockets: a sockets report as a table of text lines and as JSON. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/base/event.h"
#include "core/system/inspect.h"
#include "core/system/inspect_report.h"
#include "core/base/json.h"
#include "core/render/render.h"
#include "core/render/render_inspect_words.h"

static void row_text(const struct sockets_row *row, render_line_fn fn, void *ctx)
{
	const struct sockets_entry *e = row->e;
	char name[SOCKETS_NAME_MAX + 2], shown[RENDER_SHOW_PATH + 16], peer[16] = "-", rq[16] = "-";
	char sq[16] = "-", st[16], who[512], sh[RENDER_SHOW_PATH];
	size_t nl = sockets_name(e, name, sizeof(name));
	const char *sn = sockets_state_name(e->state);
	if (!sn) {
		snprintf(st, sizeof(st), "state %d", e->state);
		sn = st;
	}
	if (e->has_peer)
		snprintf(peer, sizeof(peer), "%lu", (unsigned long)e->peer_ino);
	if (e->has_queues) {
		snprintf(rq, sizeof(rq), "%lu", (unsigned long)e->rqueue);
		snprintf(sq, sizeof(sq), "%lu", (unsigned long)e->wqueue);
	}
	if (nl) {
		inspect_show(name, nl, shown, RENDER_SHOW_PATH);
		if (row->peer)
			strcat(shown, " (peer)");
	} else {
		snprintf(shown, sizeof(shown), "%s", row->peer ? "(unnamed peer)" : "(unnamed)");
	}
	render_holders(&row->holders, who, sizeof(who));
	char note[RENDER_SHOW_PATH + 16] = "";
	if (row->note)
		snprintf(note, sizeof(note), " [%s]", render_show(row->note, sh, sizeof(sh)));
	render_linef(fn, ctx, 0, "%-11s %-9s %8lu %8s %6s %6s  %s%s  %s", sn,
		     sockets_type_name(e->type), (unsigned long)e->ino, peer, rq, sq, shown, note,
		     row->holders.n ? who : "-");
}

void render_sockets_text(const struct sockets_report *r, render_line_fn fn, void *ctx)
{
	const struct sockets_list *l = r->list;
	char et[96], sh[RENDER_SHOW_PATH];
	if (l->source == SOCKETS_FROM_DIAG)
		render_linef(fn, ctx, RENDER_HEADING,
			     "sockets: %zu Unix sockets (sock_diag), %zu "
			     "listening",
			     l->n, r->listening);
	else
		render_linef(fn, ctx, RENDER_HEADING,
			     "sockets: %zu Unix sockets (/proc/net/unix: "
			     "sock_diag failed with %s; no peer or queue facts), %zu listening",
			     l->n, render_errtxt(l->diag_err, et, sizeof(et)), r->listening);
	if (l->procs_unreadable)
		render_linef(fn, ctx, 0,
			     "note: %zu processes could not be read (%s): a socket they "
			     "hold shows no process",
			     l->procs_unreadable, render_errtxt(l->procs_err, et, sizeof(et)));
	render_linef(fn, ctx, RENDER_HEADING, "%-11s %-9s %8s %8s %6s %6s  %s", "state", "type",
		     "inode", "peer", "recv-q", "send-q", "name  processes");
	for (size_t i = 0; i < r->nrows; i++)
		row_text(&r->rows[i], fn, ctx);
	if (!r->filter[0])
		return;
	size_t peers = r->nrows - r->matched;
	render_linef(fn, ctx, 0, "sockets: %zu of %zu match %s%s", r->matched, l->n,
		     render_show(r->filter, sh, sizeof(sh)),
		     peers ? ", with the peers of the matches" : "");
	for (size_t i = 0; i < r->nlisteners; i++) {
		char name[SOCKETS_NAME_MAX + 2];
		size_t nl = sockets_name(r->listeners[i].e, name, sizeof(name));
		render_linef(fn, ctx, 0, "clients: %s: %zu established",
			     inspect_show(name, nl, sh, sizeof(sh)), r->listeners[i].clients);
	}
}

static void row_json(const struct sockets_row *row, struct json *j)
{
	const struct sockets_entry *e = row->e;
	char name[SOCKETS_NAME_MAX + 2];
	size_t nl = sockets_name(e, name, sizeof(name));
	json_open(j, NULL);
	json_cstr(j, "state", sockets_state_name(e->state));
	json_int(j, "state_number", e->state);
	json_cstr(j, "type", sockets_type_name(e->type));
	json_uint(j, "inode", e->ino);
	if (e->has_peer)
		json_uint(j, "peer", e->peer_ino);
	else
		json_null(j, "peer");
	if (e->has_queues) {
		json_uint(j, "recv_q", e->rqueue);
		json_uint(j, "send_q", e->wqueue);
	} else {
		json_null(j, "recv_q");
		json_null(j, "send_q");
	}
	if (nl)
		json_str(j, "path", name, nl);
	else
		json_null(j, "path");
	json_bool(j, "abstract", e->abstract);
	json_bool(j, "peer_of_match", row->peer);
	if (row->note)
		json_cstr(j, "in_place", row->note);
	render_holders_json(&row->holders, j, "processes");
	json_close(j);
}

void render_sockets_json(const struct sockets_report *r, struct json *j)
{
	const struct sockets_list *l = r->list;
	char name[SOCKETS_NAME_MAX + 2];
	json_cstr(j, "source", l->source == SOCKETS_FROM_DIAG ? "sock_diag" : "proc_net_unix");
	if (l->source == SOCKETS_FROM_DIAG)
		json_null(j, "diag_error");
	else
		json_cstr(j, "diag_error", event_errno_name(l->diag_err));
	json_uint(j, "total", l->n);
	json_uint(j, "listening", r->listening);
	json_cstr(j, "filter", r->filter[0] ? r->filter : NULL);
	json_uint(j, "matched", r->matched);
	json_uint(j, "procs_unreadable", l->procs_unreadable);
	json_open_array(j, "rows");
	for (size_t i = 0; i < r->nrows; i++)
		row_json(&r->rows[i], j);
	json_close_array(j);
	json_open_array(j, "listeners");
	for (size_t i = 0; i < r->nlisteners; i++) {
		size_t nl = sockets_name(r->listeners[i].e, name, sizeof(name));
		json_open(j, NULL);
		json_uint(j, "inode", r->listeners[i].e->ino);
		json_str(j, "path", name, nl);
		json_uint(j, "clients", r->listeners[i].clients);
		json_close(j);
	}
	json_close_array(j);
}
