/* render_fact: the words and the JSON members of the facts a script acts on (enum
 * event_fact: nodes removed or left alone, connections closed and why, senders unbound,
 * sessions stopped), made from the event's typed fields in one place (the pair demo's in
 * render_fact_pair.c). */
#include "config.h"

#include "core/render/render_fact.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "core/base/bytes.h"
#include "core/base/socktype.h"
#include "core/base/words.h"
#include "core/io/inplace.h"
#include "core/io/node.h"
#include "core/render/render_fact_pair.h"
#include "core/render/render_put.h"

/* The appender, and how paths and names go in: escaped, or as they are (JSON's text, escaped
 * there). */
struct fout {
	struct render_put p;
	bool raw;
};

static void fput(struct fout *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fput(struct fout *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	render_vputf(&o->p, fmt, ap);
	va_end(ap);
}

/* N bytes a user or peer chose: escaped once here (bytes_escape), or raw for JSON. */
static void fput_chosen(struct fout *o, const char *s, size_t n)
{
	struct render_put *p = &o->p;
	if (p->len == 0 || p->w >= p->len - 1)
		return;
	if (o->raw) {
		size_t room = p->len - 1 - p->w;
		n = n < room ? n : room;
		memcpy(p->buf + p->w, s, n);
		p->w += n;
		p->buf[p->w] = '\0';
		return;
	}
	bytes_escape(s, n, 0, p->buf + p->w, p->len - p->w);
	p->w += strlen(p->buf + p->w);
}

static void fput_path(struct fout *o, const struct event *ev)
{
	fput_chosen(o, ev->text, ev->path_len);
}

const char *render_fact_detail(const struct event *ev)
{
	return ev->detail_off && ev->detail_off < sizeof(ev->text) ? ev->text + ev->detail_off : "";
}

/* "strerror (ENAME)" of the cause. */
static void fput_cause(struct fout *o, const struct event *ev)
{
	fput(o, "%s (%s)", strerror(ev->cause_err), event_errno_name(ev->cause_err));
}

/* Who a server's connection was with: "pid 12 (name)", or "connection #3". */
static void fput_peer(struct fout *o, const struct event *ev)
{
	if (!ev->has_peer) {
		fput(o, "connection #%" PRIu32, ev->conn);
		return;
	}
	fput(o, "pid %ld (", (long)ev->peer_pid);
	const char *c = ev->peer_comm[0] ? ev->peer_comm : "?";
	fput_chosen(o, c, strnlen(c, sizeof(ev->peer_comm)));
	fput(o, ")");
}

static void server_closed(struct fout *o, const struct event *ev)
{
	switch (ev->reason) {
	case REASON_RECV_FAILED:
		fput(o, "connection with "), fput_peer(o, ev), fput(o, " ended: recv: ");
		fput_cause(o, ev);
		break;
	case REASON_SEND_FAILED:
		fput_peer(o, ev);
		fput(o, " went away with %" PRIu64 " bytes of echo unsent: ", ev->unsent);
		fput_cause(o, ev);
		break;
	case REASON_EPOLL_FAILED:
		fput(o, "connection with "), fput_peer(o, ev), fput(o, " closed: epoll_ctl: ");
		fput_cause(o, ev);
		break;
	case REASON_STOPPING:
		fput(o, "closed connection with "), fput_peer(o, ev), fput(o, ": server stopping");
		break;
	default:
		fput(o, "no data from "), fput_peer(o, ev), fput(o, " (connection closed)");
		break;
	}
}

static void tap_closed(struct fout *o, const struct event *ev)
{
	bool c2s = ev->dir != DIR_S2C;
	const char *from = c2s ? "client" : "server", *to = c2s ? "server" : "client";
	fput(o,
	     "connection closed (client->server %" PRIu64 " bytes, server->client %" PRIu64
	     " bytes): ",
	     ev->bytes_in, ev->bytes_out);
	switch (ev->reason) {
	case REASON_RECV_FAILED:
		fput(o, "the %s's side failed: recv: ", from);
		fput_cause(o, ev);
		fput(o, "; closed the %s's at once", to);
		break;
	case REASON_SEND_FAILED:
		fput(o, "the %s went away with %" PRIu64 " bytes not taken: send: ", to,
		     ev->unsent);
		fput_cause(o, ev);
		fput(o, "; closed the %s's side at once", from);
		break;
	case REASON_CREDS_UNSENDABLE:
		fput(o,
		     "a %s->%s chunk was not passed on: its sender's credentials (pid %ld) may "
		     "not be sent, and it is never sent with udscope's instead; closed both sides "
		     "(the stream would have a hole)",
		     from, to, (long)ev->peer_pid);
		break;
	case REASON_STOPPING:
		fput(o, "tap stopping");
		break;
	default:
		fput(o, "both sides closed");
		break;
	}
}

static void stopped(struct fout *o, const struct event *ev)
{
	bool dg = ev->socktype == SOCK_DGRAM;
	const char *unit = dg ? "datagram" : "chunk";
	char in[WORDS_AMOUNT_SIZE], out[WORDS_AMOUNT_SIZE];
	words_amount(ev->bytes_in, ev->chunks_in, unit, in, sizeof(in));
	words_amount(ev->bytes_out, ev->chunks_out, unit, out, sizeof(out));
	if (ev->source == SRC_TAP)
		fput(o, "stopped after %" PRIu64 " %s%s: client->server %s, server->client %s",
		     ev->count, dg ? "upstream socket" : "connection", ev->count == 1 ? "" : "s",
		     in, out);
	else if (dg)
		fput(o, "stopped: received %s, sent %s, %" PRIu64 " echo%s not delivered", in, out,
		     ev->unsent, ev->unsent == 1 ? "" : "es");
	else
		fput(o, "stopped after %" PRIu64 " connection%s: received %s, sent %s", ev->count,
		     ev->count == 1 ? "" : "s", in, out);
}

static void node_words(struct fout *o, const struct event *ev)
{
	switch (ev->fact) {
	case FACT_NODE_STALE:
		fput(o, "removed stale socket node "), fput_path(o, ev);
		fput(o, " (no socket was bound to it)");
		break;
	case FACT_NODE_REPLACED:
		fput(o, "the node at "), fput_path(o, ev);
		fput(o, " is not the one just bound (it was replaced); it will not be removed at "
			"stop");
		break;
	case FACT_NODE_REMOVED:
		fput(o, "removed socket node "), fput_path(o, ev);
		break;
	case FACT_NODE_GONE:
		fput(o, "socket node "), fput_path(o, ev), fput(o, " was already removed");
		break;
	default: /* FACT_NODE_LEFT */
		fput(o, "left "), fput_path(o, ev);
		fput(o, " alone: it is no longer the node this %s created (",
		     event_source_name(ev->source));
		fput_chosen(o, render_fact_detail(ev), strlen(render_fact_detail(ev)));
		fput(o, ")");
		break;
	}
}

/* A tap's refusal of a client, and why. */
static void refused(struct fout *o, const struct event *ev)
{
	fput(o, "tap "), fput_path(o, ev);
	if (ev->reason == REASON_IDENTITY_UNKNOWN) {
		fput(o, ": refused the client: its identity is not known (SO_PEERCRED, "
			"SO_PEERGROUPS), and it is not connected as another's");
		if (ev->err)
			fput(o, ": %s (%s)", strerror(ev->err), event_errno_name(ev->err));
		return;
	}
	unsigned long own = (unsigned long)ev->own_uid;
	if (ev->socktype == SOCK_DGRAM) { /* a datagram tap: the sender (detail) */
		fput(o, ": refused sender ");
		fput_chosen(o, render_fact_detail(ev), strlen(render_fact_detail(ev)));
		fput(o,
		     " (uid %lu gid %lu): udscope (uid %lu gid %lu) may not connect as another "
		     "user (not root, no CAP_SETUID and CAP_SETGID), and the server would take it "
		     "for uid %lu; its datagrams are dropped (--lend-my-identity lets every sender "
		     "through as uid %lu)",
		     (unsigned long)ev->uid, (unsigned long)ev->gid, own,
		     (unsigned long)ev->own_gid, own, own);
		return;
	}
	fput(o,
	     ": refused the client (uid %lu gid %lu): udscope (uid %lu gid %lu) may not connect "
	     "as another user (not root, no CAP_SETUID and CAP_SETGID), and the server would take "
	     "it for uid %lu; --lend-my-identity lets every client through as uid %lu",
	     (unsigned long)ev->uid, (unsigned long)ev->gid, own, (unsigned long)ev->own_gid, own,
	     own);
}

/* A sender that had exited: its bytes went on with its uid and gid and udscope's pid. */
static void own_pid(struct fout *o, const struct event *ev)
{
	if (ev->path_len) { /* a datagram tap: the sender's address */
		fput(o, "the %s of sender ", ev->dir == DIR_S2C ? "server's process" : "process");
		fput_path(o, ev);
		fput(o,
		     " (pid %ld) had exited before its datagram went on: it carries uid %lu and "
		     "gid %lu with udscope's pid %ld (SCM_CREDENTIALS), never udscope's uid (more "
		     "are only counted)",
		     (long)ev->peer_pid, (unsigned long)ev->uid, (unsigned long)ev->gid,
		     (long)ev->pid);
		return;
	}
	fput(o,
	     "the %s's process (pid %ld) had exited before its bytes went on: they carry its "
	     "uid %lu and gid %lu with udscope's pid %ld (SCM_CREDENTIALS), never udscope's uid",
	     ev->dir == DIR_S2C ? "server" : "client", (long)ev->peer_pid, (unsigned long)ev->uid,
	     (unsigned long)ev->gid, (long)ev->pid);
}

/* A datagram tap's datagram dropped: another user's on an upstream socket connected as
 * someone else, or one whose sender's credentials may not be sent. */
static void datagram_dropped(struct fout *o, const struct event *ev)
{
	bool c2s = ev->dir != DIR_S2C;
	if (ev->reason == REASON_OTHER_USER) {
		fput(o, "tap: a datagram from uid %lu gid %lu came through sender ",
		     (unsigned long)ev->uid, (unsigned long)ev->gid);
		fput_path(o, ev);
		fput(o,
		     ", whose upstream socket is connected as uid %lu gid %lu, and udscope may not "
		     "connect as another user: dropped (more are only counted)",
		     (unsigned long)ev->own_uid, (unsigned long)ev->own_gid);
		return;
	}
	fput(o, "tap: a %s datagram %s sender ", c2s ? "client->server" : "server->client",
	     c2s ? "from" : "for");
	fput_path(o, ev);
	fput(o,
	     " was dropped: its sender's credentials (pid %ld) may not be sent, and it is never "
	     "sent with udscope's instead (more are only counted)",
	     (long)ev->peer_pid);
}

static void fput_target(struct fout *o, const struct event *ev);

/* An in-place tap's end: what was at the path, what became of the real node and of the
 * private directory (TARGET). */
static void inplace_restored(struct fout *o, const struct event *ev)
{
	if (ev->found == INPLACE_OURS) {
		fput(o, "put the server's node back at "), fput_path(o, ev);
	} else {
		fput_path(o, ev), fput(o, ": ");
		if (ev->found == INPLACE_ABSENT)
			fput(o, "nothing was at the path");
		else if (ev->found == INPLACE_NEW_NODE)
			fput(o, "the path holds a new node the service bound meanwhile: left it");
		else if (ev->found == INPLACE_OTHER)
			fput(o, "the path is now %s, not the tap's node: left it",
			     node_kind_name(ev->found_mode));
		if (ev->original == INPLACE_PUT_BACK)
			fput(o, "; put the server's node back there (it is still live)");
		else if (ev->original == INPLACE_REMOVED)
			fput(o, "; removed the server's old node (nothing was bound to it)");
		else
			fput(o, "; the server's old node is still live and waits in "),
				fput_target(o, ev);
	}
	if (ev->private_dir == INPLACE_DIR_MOVED)
		fput(o, "; the tap's private directory was moved away from "), fput_target(o, ev),
			fput(o, " by someone (left where it is)");
	else if (ev->private_dir == INPLACE_DIR_REPLACED)
		fput(o, "; left "), fput_target(o, ev),
			fput(o, " alone: it is now %s, not the tap's private directory",
			     node_kind_name(ev->dir_mode));
}

/* The in-place tap's other lines at its stop: a guard that did not answer, a node that could
 * not be put back. */
static void inplace_said(struct fout *o, const struct event *ev)
{
	if (ev->fact == FACT_GUARD_SILENT) {
		fput(o, "the guard process did not answer within a second (is it stopped?); it "
			"ends when it runs again, and puts back only the tap's node");
		return;
	}
	if (ev->fact == FACT_RESTORE_FAILED) {
		fput(o, "tap "), fput_path(o, ev), fput(o, " --restore: ");
		if (ev->reason == REASON_OLD_LAYOUT)
			fput(o, "rename from "), fput_target(o, ev),
				fput(o, " (only to an empty path)");
		else if (ev->reason == REASON_PUT_BACK)
			fput(o, "put the node back from "), fput_target(o, ev);
		else
			fput(o, "open");
		return;
	}
	fput(o, "tap "), fput_path(o, ev), fput(o, ": put the server's node back from ");
	fput_target(o, ev), fput(o, " (it is tried again when udscope ends; `tap ");
	fput_path(o, ev), fput(o, " --restore` does it by hand)");
}

/* "client" or "server": the side a tap line is about (dir), or the other one. */
static const char *side_of(const struct event *ev, bool other)
{
	return (ev->dir == DIR_S2C) != other ? "server" : "client";
}

/* A tap's side that finished sending, and what still flows. */
static void half_closed(struct fout *o, const struct event *ev)
{
	fput(o, "the %s finished sending (EOF): shut down writing to the %s", side_of(ev, false),
	     side_of(ev, true));
	if (ev->still_open)
		fput(o, "; %s->%s still flows", side_of(ev, true), side_of(ev, false));
}

/* The side a tap sends to stopped reading: what was dropped, what still flows. */
static void stopped_reading(struct fout *o, const struct event *ev)
{
	const char *from = side_of(ev, false), *to = side_of(ev, true);
	fput(o, "the %s stopped reading (send: ", to);
	fput_cause(o, ev);
	fput(o,
	     "): %" PRIu64 " bytes it did not take are dropped, and the %s's next send fails as "
	     "it would directly; %s->%s still flows",
	     ev->unsent, from, to, from);
}

/* A message larger than the tap's send buffer may grow: dropped, with the sizes. */
static void too_big(struct fout *o, const struct event *ev)
{
	if (ev->socktype == SOCK_DGRAM) {
		fput(o, "tap: a %" PRIu64 "-byte %s for sender ", ev->size,
		     ev->dir == DIR_S2C ? "reply" : "datagram");
		fput_path(o, ev);
	} else {
		fput(o, "tap: a %" PRIu64 "-byte message from the %s", ev->size,
		     side_of(ev, false));
	}
	fput(o,
	     " was dropped: the kernel gives the tap's socket a send buffer of %" PRIu64
	     " bytes at most (net.core.wmem_max %" PRIu64
	     "; SO_SNDBUFFORCE, with CAP_NET_ADMIN, is not capped by it)",
	     ev->sndbuf, ev->wmem_max);
}

const char *render_fact_target(const struct event *ev)
{
	return ev->target_off && ev->target_off < sizeof(ev->text) ? ev->text + ev->target_off : "";
}

static void fput_target(struct fout *o, const struct event *ev)
{
	fput_chosen(o, render_fact_target(ev), strlen(render_fact_target(ev)));
}

/* A datagram tap's upstream socket: opened for whom, to where; or closed, with its totals
 * and why. */
static void upstream(struct fout *o, const struct event *ev)
{
	if (ev->fact == FACT_UPSTREAM_OPENED) {
		fput(o, "upstream socket "),
			fput_chosen(o, render_fact_detail(ev), strlen(render_fact_detail(ev)));
		if (ev->sender == SENDER_UNBOUND)
			fput(o, " opened for every unbound sender (shared)");
		else
			fput(o, " opened for sender "), fput_path(o, ev);
		fput(o, ", to "), fput_target(o, ev);
		return;
	}
	char in[WORDS_AMOUNT_SIZE], out[WORDS_AMOUNT_SIZE];
	fput(o, "upstream socket closed (client->server %s, server->client %s",
	     words_amount(ev->bytes_in, ev->chunks_in, "datagram", in, sizeof(in)),
	     words_amount(ev->bytes_out, ev->chunks_out, "datagram", out, sizeof(out)));
	if (ev->unsent)
		fput(o, "; %" PRIu64 " not passed on", ev->unsent);
	fput(o, "): ");
	if (ev->reason == REASON_EVICTED)
		fput(o, "evicted: %" PRIu64 " upstream sockets open, this one idle longest",
		     ev->count);
	else if (ev->reason == REASON_OUT_OF_FDS)
		fput(o, "evicted: out of descriptors (%s)", event_errno_name(ev->cause_err));
	else if (ev->reason == REASON_IDLE)
		fput(o, "idle for %" PRIu64 " s", ev->count);
	else
		fput(o, "tap stopping");
}

/* A datagram tap's target down or back, or a reply it could not route; a server's lost
 * echo. */
static void datagram_words(struct fout *o, const struct event *ev)
{
	switch (ev->fact) {
	case FACT_TARGET_DOWN:
		/* detail: the call, "connect" or "send" (to the target) */
		fput(o, "tap: %s%s ", render_fact_detail(ev),
		     strcmp(render_fact_detail(ev), "send") ? "" : " to");
		fput_target(o, ev), fput(o, " for sender ");
		fput_path(o, ev);
		fput(o, " (its datagrams are dropped until the target answers)");
		break;
	case FACT_TARGET_BACK:
		fput(o, "the target "), fput_target(o, ev), fput(o, " answers again for sender ");
		fput_path(o, ev);
		fput(o, " (%" PRIu64 " datagrams dropped meanwhile)", ev->count);
		break;
	case FACT_REPLY_DROPPED:
		fput(o, "reply dropped: the sender is unbound (%" PRIu64 " replies dropped so far)",
		     ev->count);
		break;
	default: /* FACT_ECHO_LOST */
		fput(o, "echo to "), fput_path(o, ev), fput(o, " not delivered: ");
		fput_cause(o, ev);
		if (ev->reason == REASON_QUEUE_FULL)
			fput(o, " (its receive queue is full)");
		else if (ev->reason == REASON_SENDER_GONE)
			fput(o, " (the sender is gone)");
		break;
	}
}

/* A client's lines: connecting, bound, connected, closed. */
static void client_words(struct fout *o, const struct event *ev)
{
	switch (ev->fact) {
	case FACT_CONNECTING:
		fput(o, "connecting to "), fput_path(o, ev);
		/* The type is a member of its own in JSON, and only the line says it here. */
		if (!o->raw && ev->socktype && ev->socktype != SOCK_STREAM &&
		    socktype_name(ev->socktype))
			fput(o, " (%s)", socktype_name(ev->socktype));
		break;
	case FACT_BOUND:
		fput(o, "bound to "), fput_path(o, ev), fput(o, " (replies come back here)");
		break;
	case FACT_CONNECTED:
		fput(o, "connected to "), fput_path(o, ev);
		if (ev->has_cred && ev->socktype == SOCK_DGRAM) {
			fput(o, " (datagrams go there; the echo comes back from it)");
		} else if (ev->has_cred) {
			fput(o, " (server "), fput_peer(o, ev);
			fput(o, " uid %lu)", (unsigned long)ev->uid);
		}
		break;
	default: /* FACT_CONN_CLOSED */
		fput(o, "%sclosing socket",
		     ev->reason == REASON_PEER_CLOSED ? "server closed the connection; " : "");
		break;
	}
}

/* The words of a tap's and a datagram session's flow facts into O; false: not one. */
static bool flow_words(struct fout *o, const struct event *ev)
{
	switch (ev->fact) {
	case FACT_HALF_CLOSED:
		half_closed(o, ev);
		return true;
	case FACT_STOPPED_READING:
		stopped_reading(o, ev);
		return true;
	case FACT_TOO_BIG:
		too_big(o, ev);
		return true;
	case FACT_UPSTREAM_OPENED:
	case FACT_UPSTREAM_CLOSED:
		upstream(o, ev);
		return true;
	case FACT_TARGET_DOWN:
	case FACT_TARGET_BACK:
	case FACT_REPLY_DROPPED:
	case FACT_ECHO_LOST:
		datagram_words(o, ev);
		return true;
	default:
		return false;
	}
}

/* The words of who may pass and what was dropped into O; false: not one of those. */
static bool refusal_words(struct fout *o, const struct event *ev)
{
	switch (ev->fact) {
	case FACT_REFUSED:
		refused(o, ev);
		return true;
	case FACT_OWN_PID:
		own_pid(o, ev);
		return true;
	case FACT_DATAGRAM_DROPPED:
		datagram_dropped(o, ev);
		return true;
	case FACT_SENDER_UNBOUND:
		if (ev->source == SRC_TAP)
			fput(o, "sender pid %ld is unbound: replies cannot be routed back",
			     (long)ev->peer_pid);
		else
			fput(o, "sender is unbound: no reply possible");
		return true;
	default:
		return false;
	}
}

/* The words into O: a group's, or a connection's end, a stop, a node. */
static void fact_words(struct fout *o, const struct event *ev)
{
	if (flow_words(o, ev) || refusal_words(o, ev) || render_fact_pair_words(&o->p, ev))
		return;
	switch (ev->fact) {
	case FACT_INPLACE_RESTORED:
		inplace_restored(o, ev);
		break;
	case FACT_GUARD_SILENT:
	case FACT_INPLACE_NOT_RESTORED:
	case FACT_RESTORE_FAILED:
		inplace_said(o, ev);
		break;
	case FACT_CONN_CLOSED:
		if (ev->source == SRC_TAP)
			tap_closed(o, ev);
		else if (ev->source == SRC_CLIENT)
			client_words(o, ev);
		else
			server_closed(o, ev);
		break;
	case FACT_CONNECTING:
	case FACT_CONNECTED:
	case FACT_BOUND:
		client_words(o, ev);
		break;
	case FACT_STOPPED:
		stopped(o, ev);
		break;
	default:
		node_words(o, ev);
		break;
	}
}

size_t render_fact_words(const struct event *ev, bool raw, char *buf, size_t len)
{
	struct fout o = { { buf, len, 0 }, raw };
	if (len)
		buf[0] = '\0';
	fact_words(&o, ev);
	if (!raw && ev->kind == EV_ERROR && ev->err && ev->fact != FACT_REFUSED)
		fput(&o, ": %s (%s)", strerror(ev->err), event_errno_name(ev->err));
	return o.p.w;
}

/* The totals of a close or a stop: c2s and s2c for a tap, in and out for a server. */
static void json_totals(struct fout *o, const struct event *ev, bool chunks)
{
	bool tap = ev->source == SRC_TAP;
	fput(o, ",\"bytes_%s\":%" PRIu64, tap ? "c2s" : "in", ev->bytes_in);
	if (chunks)
		fput(o, ",\"chunks_%s\":%" PRIu64, tap ? "c2s" : "in", ev->chunks_in);
	fput(o, ",\"bytes_%s\":%" PRIu64, tap ? "s2c" : "out", ev->bytes_out);
	if (chunks)
		fput(o, ",\"chunks_%s\":%" PRIu64, tap ? "s2c" : "out", ev->chunks_out);
}

/* An in-place tap's end: what was found and done, as names. */
static void inplace_json(struct fout *o, const struct event *ev)
{
	static const char *const found[] = { "", "ours", "absent", "new-node", "other" };
	static const char *const orig[] = { "put-back", "removed", "kept" };
	static const char *const dir[] = { "removed", "kept", "moved", "replaced" };
	if (ev->found < sizeof(found) / sizeof(found[0]) && ev->found)
		fput(o, ",\"found\":\"%s\"", found[ev->found]);
	if (ev->found == INPLACE_OTHER)
		fput(o, ",\"found_kind\":\"%s\"", node_kind_name(ev->found_mode));
	if (ev->original >= INPLACE_PUT_BACK && ev->original <= INPLACE_KEPT)
		fput(o, ",\"original\":\"%s\"", orig[ev->original - INPLACE_PUT_BACK]);
	if (ev->private_dir < sizeof(dir) / sizeof(dir[0]))
		fput(o, ",\"private_dir\":\"%s\"", dir[ev->private_dir]);
	if (ev->private_dir == INPLACE_DIR_REPLACED)
		fput(o, ",\"private_dir_kind\":\"%s\"", node_kind_name(ev->dir_mode));
}

/* The members of the tap's flow, the datagram tap's and server's and the client's facts. */
static void fact_json_more(struct fout *o, const struct event *ev)
{
	switch (ev->fact) {
	case FACT_HALF_CLOSED:
		fput(o, ",\"other_way_open\":%s", ev->still_open ? "true" : "false");
		break;
	case FACT_STOPPED_READING:
		fput(o, ",\"unsent\":%" PRIu64, ev->unsent);
		break;
	case FACT_TOO_BIG:
		fput(o, ",\"size\":%" PRIu64 ",\"sndbuf\":%" PRIu64 ",\"wmem_max\":%" PRIu64,
		     ev->size, ev->sndbuf, ev->wmem_max);
		break;
	case FACT_UPSTREAM_CLOSED:
		json_totals(o, ev, true);
		fput(o, ",\"not_passed_on\":%" PRIu64, ev->unsent);
		if (ev->reason == REASON_EVICTED)
			fput(o, ",\"upstreams\":%" PRIu64, ev->count);
		else if (ev->reason == REASON_IDLE)
			fput(o, ",\"idle_s\":%" PRIu64, ev->count);
		break;
	case FACT_TARGET_BACK:
		fput(o, ",\"dropped_meanwhile\":%" PRIu64, ev->count);
		break;
	case FACT_REPLY_DROPPED:
		fput(o, ",\"replies_dropped\":%" PRIu64, ev->count);
		break;
	case FACT_INPLACE_RESTORED:
		inplace_json(o, ev);
		break;
	case FACT_GUARD_SILENT:
	case FACT_INPLACE_NOT_RESTORED:
		fput(o, ",\"guard_pid\":%ld", (long)ev->child_pid);
		break;
	case FACT_CHILD_EXITED:
	case FACT_CHILD_KILLED:
	case FACT_PAIR_FORKED:
	case FACT_PAIR_FDS:
	case FACT_CHILD_WAITING:
	case FACT_CHILD_REPLYING:
	case FACT_PAIR_MESSAGE:
	case FACT_FD_RECEIVED:
	case FACT_PAIR_EXCHANGED:
	case FACT_PAIR_FAILED:
		render_fact_pair_json(&o->p, ev);
		break;
	case FACT_DATAGRAM_DROPPED:
		if (ev->reason == REASON_OTHER_USER)
			fput(o, ",\"upstream_uid\":%lu,\"upstream_gid\":%lu",
			     (unsigned long)ev->own_uid, (unsigned long)ev->own_gid);
		break;
	default:
		break;
	}
}

void render_fact_json(const struct event *ev, char *buf, size_t len)
{
	struct fout o = { { buf, len, 0 }, true };
	if (len)
		buf[0] = '\0';
	if (!ev->fact)
		return;
	fput(&o, ",\"fact\":\"%s\"", render_fact_name(ev->fact));
	if (ev->reason)
		fput(&o, ",\"reason\":\"%s\"", render_fact_reason(ev->reason));
	if (ev->cause_err)
		fput(&o, ",\"cause_errno\":\"%s\"", event_errno_name(ev->cause_err));
	if (ev->has_peer)
		fput(&o, ",\"peer_pid\":%ld", (long)ev->peer_pid);
	if (ev->fact == FACT_CONN_CLOSED) {
		json_totals(&o, ev, false);
		if (ev->reason == REASON_SEND_FAILED)
			fput(&o, ",\"unsent\":%" PRIu64, ev->unsent);
	}
	if (ev->fact == FACT_REFUSED && ev->reason == REASON_OTHER_USER)
		fput(&o, ",\"own_uid\":%lu,\"own_gid\":%lu", (unsigned long)ev->own_uid,
		     (unsigned long)ev->own_gid);
	fact_json_more(&o, ev);
	if (ev->fact == FACT_STOPPED) {
		fput(&o, ",\"connections\":%" PRIu64, ev->count);
		json_totals(&o, ev, true);
		if (ev->source == SRC_SERVER && ev->socktype == SOCK_DGRAM)
			fput(&o, ",\"echoes_dropped\":%" PRIu64, ev->unsent);
	}
}
