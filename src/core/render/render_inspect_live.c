/* render_inspect_live: an inspect report's liveness as text: whether anything listens, the
 * accept queue, who is connected, how it was learnt, the socket bound there. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/base/event.h"
#include "core/system/inspect_report.h"
#include "core/render/render.h"
#include "core/render/render_inspect_words.h"

static void unreadable_text(const struct render_out *o)
{
	char et[96];
	if (o->r->procs_unreadable)
		say(o,
		    "note: %zu processes could not be read (%s): a socket they hold shows no "
		    "process",
		    o->r->procs_unreadable, render_errtxt(o->r->procs_err, et, sizeof(et)));
}

static void listener_text(const struct render_out *o)
{
	const struct sockets_entry *e = o->r->entry;
	char own[RENDER_SHOW_NAME + 48] = "";
	if (e->has_uid) {
		char u[RENDER_SHOW_NAME + 16];
		snprintf(own, sizeof(own), ", created by uid %s",
			 render_id_text(o, false, e->uid, u, sizeof(u)));
	}
	const char *st = sockets_state_name(e->state);
	say(o, "socket: %s, %s, inode %lu%s", sockets_type_name(e->type), st ? st : "state ?",
	    (unsigned long)e->ino, own);
	if (e->nprocs == 0) {
		say(o, "holders: no process found holding socket inode %lu", (unsigned long)e->ino);
		unreadable_text(o);
	}
}

/* How the liveness was learnt, and why a connect was needed when one was made. */
void render_inspect_method_text(const struct render_out *o)
{
	const struct inspect_report *r = o->r;
	const struct inspect_probe *p = &r->live;
	char et[96], why[160];
	switch (p->method) {
	case INSPECT_BY_DIAG:
		say(o, "method: sock_diag (no connection made)");
		return;
	case INSPECT_BY_LIST:
		say(o,
		    "method: /proc/net/unix (sock_diag: %s); not probed: this udscope process "
		    "holds the socket",
		    render_errtxt(r->diag_err, et, sizeof(et)));
		return;
	case INSPECT_BY_CONNECT:
		break;
	}
	if (r->list_err)
		snprintf(why, sizeof(why), "listing sockets: %s",
			 render_errtxt(r->list_err, et, sizeof(et)));
	else if (r->list_source != SOCKETS_FROM_DIAG)
		snprintf(why, sizeof(why), "sock_diag: %s",
			 render_errtxt(r->diag_err, et, sizeof(et)));
	else
		snprintf(why, sizeof(why), "sock_diag lists no socket bound here");
	if (p->err == ENAMETOOLONG && !p->type)
		say(o, "method: none (%s, and the path does not fit sun_path for a connect)", why);
	else
		say(o,
		    "method: probe from inspect (this udscope): one connect, closed at once (%s; "
		    "a listener sees a connection without data)",
		    why);
}

/* --probe: the connect made besides the table's answer. */
void render_inspect_probe_text(const struct render_out *o)
{
	const struct inspect_probe *p = &o->r->probe;
	char et[96];
	if (!o->r->probed_too)
		return;
	if (p->err == 0)
		say(o,
		    "probe from inspect (this udscope), as asked (--probe): one connect, "
		    "connected (%s) and closed at once",
		    sockets_type_name(p->type));
	else
		say(o, "probe from inspect (this udscope), as asked (--probe): one connect: %s",
		    render_errtxt(p->err, et, sizeof(et)));
}

/* Who holds the socket bound there, or why that is not known. */
static const char *who_holds(const struct render_out *o, char *who, size_t len)
{
	const struct inspect_report *r = o->r;
	char et[96];
	if (r->entry && r->entry->nprocs)
		render_holders(&r->holders, who, len);
	else if (r->list_err)
		snprintf(who, len, "process unknown (listing sockets: %s)",
			 render_errtxt(r->list_err, et, sizeof(et)));
	else if (r->entry)
		snprintf(who, len, "no process found holding it");
	else
		snprintf(who, len, "no matching socket in the system's list");
	return who;
}

/* The liveness line when the table or the connect could not say it listens. */
static void unknown_text(const struct render_out *o, const char *who)
{
	const struct inspect_report *r = o->r;
	const struct sockets_entry *e = r->entry;
	char et[96];
	render_errtxt(r->live.err, et, sizeof(et));
	if (e && e->state == SOCKETS_LISTEN)
		say(o, "listening: yes by the system's socket list, %s (this user's connect: %s)",
		    who, et);
	else if (!e && !r->list_err && r->list_source == SOCKETS_FROM_DIAG)
		/* sock_diag names the node of every bound socket of this network namespace:
		 * none bound here means stale (unless another namespace's). */
		say(o,
		    "stale: no socket of this network namespace is bound to the node (this "
		    "user's connect: %s)",
		    et);
	else
		say(o, "listening: unknown (connect: %s)%s", et,
		    e ? "" : "; no listener bound to it in the system's socket list");
}

static void live_line(const struct render_out *o, const char *who)
{
	const struct inspect_probe *p = &o->r->live;
	bool probed = p->method == INSPECT_BY_CONNECT;
	char et[96];
	switch (p->live) {
	case INSPECT_LISTENING:
		say(o, "listening: yes, %s", who);
		break;
	case INSPECT_BACKLOG_FULL:
		if (probed)
			say(o, "listening: yes, but its accept queue is full (connect: %s), %s",
			    render_errtxt(p->err, et, sizeof(et)), who);
		else
			say(o,
			    "listening: yes, but its accept queue is full (a connect now fails "
			    "with EAGAIN), %s",
			    who);
		break;
	case INSPECT_DGRAM_BOUND:
		say(o, "listening: a datagram socket is bound here%s, %s",
		    probed ? " (connect succeeded)" : "", who);
		break;
	case INSPECT_BOUND_IDLE:
		say(o,
		    "listening: no, a %s socket is bound here but does not listen (a connect "
		    "is refused with ECONNREFUSED), %s",
		    sockets_type_name(p->type), who);
		break;
	case INSPECT_STALE:
		say(o, "stale: nothing listens (connect: %s)",
		    render_errtxt(p->err, et, sizeof(et)));
		if (o->r->entry)
			say(o, "note: a socket is bound to this node but not listening: %s", who);
		break;
	case INSPECT_UNKNOWN:
		unknown_text(o, who);
		break;
	}
}

/* The descriptors PID holds among the client ends from connection K on, as ", 4, 5"
 * (the first, at K, is already written); marks them DONE. */
static size_t pid_fds(const struct inspect_report *r, size_t kept, size_t k, size_t h,
		      bool done[][SOCKETS_PROCS_MAX], char *buf, size_t len)
{
	pid_t pid = r->conns[k].client.v[h].pid;
	size_t w = 0;
	for (size_t i = k; i < kept; i++)
		for (size_t x = 0; x < r->conns[i].client.kept && w < len; x++) {
			const struct sockets_holder *o = &r->conns[i].client.v[x];
			if (done[i][x] || o->pid != pid)
				continue;
			done[i][x] = true;
			int n = snprintf(buf + w, len - w, ", %d", o->fd);
			w += n > 0 ? (size_t)n : 0;
		}
	return w;
}

/* "connections: 3 established: pid 4242 (python3) fd 3, 4, 5": the processes holding the
 * client ends, each once with its descriptors. */
static void conns_text(const struct render_out *o)
{
	const struct inspect_report *r = o->r;
	if (!r->entry || r->entry->state != SOCKETS_LISTEN)
		return;
	if (r->nconns == 0 || r->list_source != SOCKETS_FROM_DIAG) {
		say(o,
		    r->nconns ? "connections: %zu established (their client ends are unknown: "
				"/proc/net/unix lists no peers)"
			      : "connections: none established",
		    r->nconns);
		return;
	}
	char buf[EVENT_TEXT_MAX], sh[RENDER_SHOW_NAME];
	size_t w = 0, unknown = 0,
	       kept = r->nconns < INSPECT_CONNS_MAX ? r->nconns : INSPECT_CONNS_MAX;
	bool done[INSPECT_CONNS_MAX][SOCKETS_PROCS_MAX] = { { false } };
	buf[0] = '\0';
	for (size_t i = 0; i < kept; i++) {
		const struct inspect_conn *c = &r->conns[i];
		unknown += !c->peer_found || c->client.kept == 0;
		for (size_t k = 0; k < c->client.kept && w < sizeof(buf); k++) {
			const struct sockets_holder *h = &c->client.v[k];
			if (done[i][k])
				continue;
			int n = snprintf(buf + w, sizeof(buf) - w, "%spid %ld (%s)%s fd %d",
					 w ? "; " : "", (long)h->pid,
					 h->comm_err ? "?" : render_show(h->comm, sh, sizeof(sh)),
					 h->self ? " this udscope process," : "", h->fd);
			w += n > 0 ? (size_t)n : 0;
			done[i][k] = true;
			if (w < sizeof(buf))
				w += pid_fds(r, kept, i, k, done, buf + w, sizeof(buf) - w);
		}
	}
	char tail[96] = "";
	if (unknown || r->nconns > kept)
		snprintf(tail, sizeof(tail), "%s%zu with no process found", w ? "; " : "",
			 unknown + (r->nconns - kept));
	say(o, "connections: %zu established: %s%s", r->nconns, buf, tail);
}

/* The liveness line, the queue, who is connected, and how this was learnt. */
void render_inspect_liveness_text(const struct render_out *o)
{
	const struct inspect_report *r = o->r;
	char who[512];
	who_holds(o, who, sizeof(who));
	live_line(o, who);
	if (r->live.has_queue)
		say(o, "queue: %lu of %lu connections waiting to be accepted%s",
		    (unsigned long)r->live.queued, (unsigned long)r->live.backlog,
		    r->live.live == INSPECT_BACKLOG_FULL ? " (more than the backlog: full)" : "");
	conns_text(o);
	render_inspect_method_text(o);
	render_inspect_probe_text(o);
	if (r->entry)
		listener_text(o);
}

/* Liveness for a path: as found, or why not probed; then the source of the list. */
void render_inspect_live_text(const struct render_out *o)
{
	const struct inspect_report *r = o->r;
	char et[96];
	if (!r->is_socket)
		return;
	if (r->has_live) {
		render_inspect_liveness_text(o);
	} else {
		say(o, "listening: not probed (the path does not fit sun_path)");
		if (r->entry)
			listener_text(o);
	}
	if (!r->list_err && r->list_source == SOCKETS_FROM_PROC_NET)
		say(o, "note: listener matched by name from /proc/net/unix (sock_diag: %s)",
		    render_errtxt(r->diag_err, et, sizeof(et)));
}
