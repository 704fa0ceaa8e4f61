/* table_fill: the typed rows of the sockets and sessions reports as tables (pure). */
#include "config.h"

#include "ui/draw/table_fill.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/system/inspect.h"
#include "core/system/inspect_report.h"
#include "core/render/render_inspect_words.h"
#include "core/render/report.h"
#include "core/session/session.h"
#include "core/system/sockets.h"
#include "ui/draw/table.h"

/* A listener's established clients ("-" for other sockets): batch's "clients: N established". */
static void clients_of(const struct sockets_report *r, const struct sockets_entry *e, char *buf,
		       size_t len)
{
	snprintf(buf, len, "-");
	for (size_t i = 0; i < r->nlisteners; i++)
		if (r->listeners[i].e == e)
			snprintf(buf, len, "%zu", r->listeners[i].clients);
}

static int sockets_row(struct table *t, const struct sockets_report *r, size_t i, bool utf8)
{
	const struct sockets_row *row = &r->rows[i];
	const struct sockets_entry *e = row->e;
	char ino[16], peer[16] = "-", rq[16] = "-", sq[16] = "-", st[16], clients[24];
	char name[SOCKETS_NAME_MAX + 2], path[RENDER_SHOW_PATH + 16], who[512];
	const char *sn = sockets_state_name(e->state);
	if (!sn) {
		snprintf(st, sizeof(st), "state %d", e->state);
		sn = st;
	}
	snprintf(ino, sizeof(ino), "%lu", (unsigned long)e->ino);
	if (e->has_peer)
		snprintf(peer, sizeof(peer), "%lu", (unsigned long)e->peer_ino);
	if (e->has_queues) {
		snprintf(rq, sizeof(rq), "%lu", (unsigned long)e->rqueue);
		snprintf(sq, sizeof(sq), "%lu", (unsigned long)e->wqueue);
	}
	size_t nl = sockets_name(e, name, sizeof(name));
	if (nl)
		inspect_show(name, nl, path, RENDER_SHOW_PATH);
	else
		snprintf(path, sizeof(path), "%s", row->peer ? "(unnamed peer)" : "(unnamed)");
	render_holders(&row->holders, who, sizeof(who));
	const char *holders = row->holders.n ? who : r->holders_pending ? "..." : "-";
	clients_of(r, e, clients, sizeof(clients));
	const char *cells[] = {
		sn, sockets_type_name(e->type), ino, peer, rq, sq, path, clients, holders
	};
	return table_add(t, cells, utf8);
}

static struct table *sockets_table(const struct sockets_report *r, bool utf8)
{
	static const char *const heads[] = { "state",  "type", "inode",   "peer",     "recv-q",
					     "send-q", "path", "clients", "processes" };
	static const bool num[] = { false, false, true, true, true, true, false, true, false };
	struct table *t = malloc(sizeof(*t));
	if (!t)
		return NULL;
	/* By importance for a narrow pane: state, the path's tail, a listener's clients and the
	 * process stay; the peer, the inode, the queues and the type go first (zoom or Enter
	 * shows them). */
	static const unsigned char drop[] = { 0, 1, 4, 5, 2, 3, 0, 0, 0 };
	static const bool tail[] = { false, false, false, false, false, false, true, false, false };
	table_init(t, 9, heads, num, TABLE_SOCKETS_PATH);
	table_rank(t, drop, tail);
	for (size_t i = 0; i < r->nrows; i++)
		if (sockets_row(t, r, i, utf8) < 0)
			break;   /* memory: the rows so far */
	return t;
}

static int sessions_row(struct table *t, const struct session_info *in, bool utf8)
{
	char id[16], clients[16] = "-", bin[48] = "-", bout[48] = "-";
	snprintf(id, sizeof(id), "#%" PRIu32, in->id);
	if (in->kind == SESSION_SERVER)
		snprintf(clients, sizeof(clients), "%" PRIu32, in->clients);
	if (in->has_stats) {
		/* "41 B, 3 chunks": two figures the column's heading (received, sent) reads; the
		 * shorter form keeps both at 80 columns, and a cut drops the second whole. */
		snprintf(bin, sizeof(bin), "%" PRIu64 " B, %" PRIu64 " chunk%s", in->st.bytes_in,
			 in->st.chunks_in, in->st.chunks_in == 1 ? "" : "s");
		snprintf(bout, sizeof(bout), "%" PRIu64 " B, %" PRIu64 " chunk%s", in->st.bytes_out,
			 in->st.chunks_out, in->st.chunks_out == 1 ? "" : "s");
	}
	bool pair = in->kind == SESSION_PAIR;
	const char *cells[] = { id, in->kind_name, pair ? "-" : in->type ? in->type : "stream",
				pair ? "-" : in->path, in->state, clients, bin, bout };
	return table_add(t, cells, utf8);
}

static struct table *sessions_table(const struct sessions_report *r, bool utf8)
{
	static const char *const heads[] = { "id", "kind", "type", "path", "state", "clients",
					     "received", "sent" };
	static const bool num[] = { false, false, false, false, false, true, false, false };
	struct table *t = malloc(sizeof(*t));
	if (!t)
		return NULL;
	/* The path keeps its tail (the socket's name), as in the sockets table. */
	static const bool tail[] = { false, false, false, true, false, false, false, false };
	table_init(t, 8, heads, num, 3);
	table_rank(t, NULL, tail);
	for (size_t i = 0; i < r->n; i++)
		if (sessions_row(t, &r->rows[i], utf8) < 0)
			break;
	return t;
}

struct table *table_from_report(const struct report *r, bool utf8)
{
	switch (r->kind) {
	case REPORT_SOCKETS:
		return sockets_table(r->sockets, utf8);
	case REPORT_SESSIONS:
		return r->sessions->n ? sessions_table(r->sessions, utf8) : NULL;
	default:
		return NULL;
	}
}
