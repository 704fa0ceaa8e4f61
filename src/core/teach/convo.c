/* convo: each connection's sends, recvs and diagram items, kept from the events as they pass. */
#include "config.h"

#include "core/teach/convo.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/base/bytes.h"

/* Bytes of a chunk a diagram label quotes. */
#define LABEL_BYTES 20

void convo_init(struct convo *c)
{
	memset(c, 0, sizeof(*c));
	c->self = getpid();
}

static void end_free(struct convo_end *e)
{
	free(e->sends.calls.ends);
	free(e->recvs.calls.ends);
	free(e);
}

void convo_free(struct convo *c)
{
	for (size_t i = 0; i < c->n; i++)
		end_free(c->ends[i]);
	c->n = 0;
}

const struct convo_end *convo_find(const struct convo *c, uint32_t session, uint32_t conn)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->ends[i]->session == session && c->ends[i]->conn == conn)
			return c->ends[i];
	return NULL;
}

const struct convo_end *convo_newest(const struct convo *c, uint32_t session, unsigned roles)
{
	const struct convo_end *best = NULL;
	for (size_t i = 0; i < c->n; i++) {
		const struct convo_end *e = c->ends[i];
		if ((session && e->session != session) || !(roles & (1u << e->role)))
			continue;
		if (!best || e->last_ns >= best->last_ns)
			best = e;
	}
	return best;
}

const struct convo_end *convo_peer(const struct convo *c, const struct convo_end *e)
{
	return e->matched ? convo_find(c, e->peer_session, e->peer_conn) : NULL;
}

/* Room for one more end: forget the oldest ended one, else the oldest. */
static void make_room(struct convo *c)
{
	if (c->n < CONVO_ENDS_MAX)
		return;
	size_t victim = 0;
	bool ended = false;
	for (size_t i = 0; i < c->n; i++) {
		const struct convo_end *e = c->ends[i], *v = c->ends[victim];
		if ((e->ended && !ended) || (e->ended == ended && e->last_ns < v->last_ns)) {
			victim = i;
			ended = e->ended;
		}
	}
	end_free(c->ends[victim]);
	memmove(&c->ends[victim], &c->ends[victim + 1], (c->n - victim - 1) * sizeof(c->ends[0]));
	c->n--;
	c->forgotten++;
}

static struct convo_end *end_get(struct convo *c, uint32_t session, uint32_t conn,
				 enum convo_role role)
{
	struct convo_end *e = (struct convo_end *)convo_find(c, session, conn);
	if (e)
		return e;
	make_room(c);
	if (!(e = calloc(1, sizeof(*e))))
		return NULL;
	e->role = role;
	e->session = session;
	e->conn = conn;
	e->unknown = role == CONVO_CLIENT ? CONVO_NOT_SEEN
		     : role == CONVO_SERVER && conn == 0 ? CONVO_DATAGRAMS : CONVO_KNOWN;
	/* An end seen is known even before its first call. */
	e->sends.calls.known = e->recvs.calls.known = true;
	c->ends[c->n++] = e;
	return e;
}

static void add_item(struct convo_end *e, enum seq_kind kind, enum seq_side side, uint64_t t,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void add_item(struct convo_end *e, enum seq_kind kind, enum seq_side side, uint64_t t,
		     const char *fmt, ...)
{
	if (e->nitems == CONVO_ITEMS_MAX) {
		e->more_items++;
		return;
	}
	struct convo_item *it = &e->items[e->nitems++];
	it->kind = kind;
	it->side = side;
	it->t_ns = t;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(it->label, sizeof(it->label), fmt, ap);
	va_end(ap);
}

static void add_call(struct convo_calls *k, uint64_t n)
{
	if (k->calls.n >= CONVO_CALLS_MAX || dmap_add(&k->calls, n) < 0) {
		k->more_calls++;
		k->more_bytes += n;
	}
}

/* "41 bytes b'This is the message.'...": the first bytes, escaped. */
static void chunk_label(const struct event *ev, char *buf, size_t len)
{
	char repr[BYTES_REPR_SIZE(LABEL_BYTES)];
	if (ev->preview_len == 0) {
		/* The event carries no bytes (a server's echo says only its size). */
		snprintf(buf, len, "%llu byte%s", (unsigned long long)ev->nbytes,
			 ev->nbytes == 1 ? "" : "s");
		return;
	}
	size_t shown = ev->preview_len < LABEL_BYTES ? ev->preview_len : LABEL_BYTES;
	bytes_repr(ev->preview, shown, repr, sizeof(repr));
	snprintf(buf, len, "%llu byte%s %s%s", (unsigned long long)ev->nbytes,
		 ev->nbytes == 1 ? "" : "s", repr, ev->nbytes > shown ? "..." : "");
}

/* Join udscope's server end SV and client end CL (neither matched yet) as one connection. */
static void join(struct convo_end *sv, struct convo_end *cl)
{
	if (sv->matched || cl->matched || cl->role != CONVO_CLIENT)
		return;
	sv->unknown = cl->unknown = CONVO_KNOWN;
	sv->matched = cl->matched = true;
	sv->peer_session = cl->session;
	sv->peer_conn = 0;
	cl->peer_session = sv->session;
	cl->peer_conn = sv->conn;
}

/* A server accepted: who the client is, and its udscope end when it is ours and its
 * "connected" line came already (else that line joins them when it comes). */
static void accepted(struct convo *c, struct convo_end *e, const struct event *ev)
{
	if (!ev->has_cred) {
		e->unknown = CONVO_NO_CRED;
		return;
	}
	if (ev->pid != c->self) {
		e->unknown = CONVO_OUTSIDE;
		e->peer_pid = ev->pid;
		snprintf(e->peer_comm, sizeof(e->peer_comm), "%.15s", ev->text);
		return;
	}
	e->unknown = CONVO_UNMATCHED;
	e->peer_ino = ev->peer_ino;
	uint32_t cs = convo_match_find(&c->clients, ev->peer_ino);
	struct convo_end *cl = cs ? (struct convo_end *)convo_find(c, cs, 0) : NULL;
	if (cl)
		join(e, cl);
}

/* A client's "connected" line: remember its socket, and join a server end that waits for it. */
static void connected(struct convo *c, struct convo_end *cl, const struct event *ev)
{
	convo_match_note(&c->clients, ev->sock_ino, cl->session);
	for (size_t i = 0; i < c->n && !cl->matched; i++) {
		struct convo_end *sv = c->ends[i];
		if (sv->role == CONVO_SERVER && sv->unknown == CONVO_UNMATCHED &&
		    sv->peer_ino == ev->sock_ino)
			join(sv, cl);
	}
}

/* The note of the pair's exchange that failed, made from its fields: how, and the figures. */
static void failure_note(struct convo_end *e, const struct event *ev, enum seq_side side)
{
	char how[64];
	unsigned long long got = ev->got, of = ev->expected;
	switch (ev->fact ? ev->reason : REASON_NONE) {
	case REASON_EXITED_FIRST:
		snprintf(how, sizeof(how), "no reply: exited with status %d", ev->exit_status);
		break;
	case REASON_KILLED_FIRST:
		snprintf(how, sizeof(how), "no reply: killed by signal %d (%s)", ev->signo,
			 event_signal_name(ev->signo));
		break;
	case REASON_ENDED_FIRST:
		snprintf(how, sizeof(how), "no reply: the child ended");
		break;
	case REASON_NO_REPLY:
	case REASON_NO_EXIT:
		snprintf(how, sizeof(how), "killed: %s in %u ms",
			 ev->reason == REASON_NO_EXIT ? "replied, no exit" : "no reply",
			 (unsigned)ev->timeout_ms);
		break;
	case REASON_SHORT_REPLY:
		snprintf(how, sizeof(how), "short reply: %llu of %llu bytes", got, of);
		break;
	case REASON_UNCLEAN_EXIT:
		snprintf(how, sizeof(how), "replied, did not exit cleanly");
		break;
	default: /* a call that failed: its errno */
		snprintf(how, sizeof(how), "failed%s%s", ev->err ? ": " : "",
			 ev->err ? event_errno_name(ev->err) : "");
		break;
	}
	add_item(e, SEQ_NOTE, side, ev->time_ns, "%s", how);
}

/* The pair demo's story: the fork, the two messages (lines carrying bytes), the child's end. */
static void pair_event(struct convo_end *e, const struct event *ev)
{
	enum seq_side side = ev->source == SRC_PAIR_CHILD ? SEQ_RIGHT : SEQ_LEFT;
	char label[CONVO_LABEL_MAX];
	if (ev->kind == EV_DONE || ev->kind == EV_ERROR) {
		e->ended = true;
		if (ev->kind == EV_ERROR)
			failure_note(e, ev, side);
	} else if (e->nitems == 0 && side == SEQ_LEFT) {
		add_item(e, SEQ_NOTE, SEQ_LEFT, ev->time_ns, "socketpair and fork");
	} else if (ev->nbytes) {
		/* What one side received is the arrow from the other. */
		chunk_label(ev, label, sizeof(label));
		add_item(e, SEQ_ARROW, side == SEQ_LEFT ? SEQ_RIGHT : SEQ_LEFT, ev->time_ns, "%s",
			 label);
	} else if (side == SEQ_RIGHT && ev->fact == FACT_CHILD_EXITED) {
		add_item(e, SEQ_NOTE, SEQ_RIGHT, ev->time_ns, "exited with status %d",
			 ev->exit_status);
	} else if (side == SEQ_RIGHT && ev->fact == FACT_CHILD_KILLED) {
		add_item(e, SEQ_NOTE, SEQ_RIGHT, ev->time_ns, "killed by signal %d (%s)", ev->signo,
			 event_signal_name(ev->signo));
	}
}

static void call_event(struct convo_end *e, const struct event *ev, enum seq_side side)
{
	char label[CONVO_LABEL_MAX];
	if (ev->message)
		e->messages = true;
	if (ev->kind == EV_SEND) {
		add_call(&e->sends, ev->nbytes);
		if (e->nitems == CONVO_ITEMS_MAX) {
			e->more_items++;   /* past the diagram's room: counted, no label made */
			return;
		}
		chunk_label(ev, label, sizeof(label));
		add_item(e, SEQ_ARROW, side, ev->time_ns, "%s", label);
		return;
	}
	if (ev->nbytes == 0 && !ev->message) {
		add_item(e, SEQ_NOTE, side, ev->time_ns, "recv 0: end of stream");
		return;
	}
	add_call(&e->recvs, ev->nbytes);
	if (ev->message && ev->msg_len > ev->nbytes) {
		e->recvs.cut_msgs++;
		e->recvs.cut_bytes += ev->msg_len - ev->nbytes;
		add_item(e, SEQ_NOTE, side, ev->time_ns, "recv %llu of %llu (cut)",
			 (unsigned long long)ev->nbytes, (unsigned long long)ev->msg_len);
	} else {
		add_item(e, SEQ_NOTE, side, ev->time_ns, "recv %llu",
			 (unsigned long long)ev->nbytes);
	}
}

/* The end an event belongs to (NULL: none), made when first seen. */
static struct convo_end *end_of(struct convo *c, const struct event *ev)
{
	if (!ev->session)
		return NULL;
	switch (ev->source) {
	case SRC_SERVER:
		if (ev->conn == 0 && ev->kind != EV_RECV && ev->kind != EV_SEND)
			return NULL;   /* the listener's own lines */
		return end_get(c, ev->session, ev->conn, CONVO_SERVER);
	case SRC_CLIENT:
		return end_get(c, ev->session, 0, CONVO_CLIENT);
	case SRC_PAIR_PARENT:
	case SRC_PAIR_CHILD:
		return end_get(c, ev->session, 0, CONVO_PAIR);
	default:
		return NULL;
	}
}

void convo_observe(struct convo *c, const struct event *ev)
{
	struct convo_end *e = end_of(c, ev);
	if (!e)
		return;
	e->last_ns = ev->time_ns;
	if (e->role == CONVO_PAIR) {
		pair_event(e, ev);
		return;
	}
	enum seq_side side = e->role == CONVO_CLIENT ? SEQ_LEFT : SEQ_RIGHT;
	if (e->role == CONVO_CLIENT && ev->sock_ino)
		connected(c, e, ev);
	switch (ev->kind) {
	case EV_ACCEPT:
		if (e->role == CONVO_SERVER)
			accepted(c, e, ev);
		break;
	case EV_SEND:
	case EV_RECV:
		call_event(e, ev, side);
		break;
	case EV_CLOSE:
		e->ended = true;
		add_item(e, SEQ_NOTE, side, ev->time_ns, "close");
		break;
	case EV_DONE:
		e->ended = true;
		break;
	default:
		break;
	}
}

void convo_name(const struct convo_end *e, char *buf, size_t len)
{
	if (e->role == CONVO_SERVER && e->conn)
		snprintf(buf, len, "server #%u connection %u", e->session, e->conn);
	else if (e->role == CONVO_SERVER)
		snprintf(buf, len, "server #%u", e->session);
	else
		snprintf(buf, len, "%s #%u", e->role == CONVO_PAIR ? "pair" : "client", e->session);
}

/* The client end and the server end of E's connection (either may be NULL). */
static void both_ends(const struct convo *c, const struct convo_end *e,
		      const struct convo_end **cl, const struct convo_end **sv)
{
	const struct convo_end *p = convo_peer(c, e);
	*cl = e->role == CONVO_CLIENT ? e : p;
	*sv = e->role == CONVO_SERVER ? e : p;
}

void convo_directions(const struct convo *c, const struct convo_end *e, struct dmap *fwd,
		      struct dmap *back)
{
	const struct convo_end *cl, *sv;
	both_ends(c, e, &cl, &sv);
	const struct dmap_side unknown = { 0 };
	fwd->sent = cl ? cl->sends.calls : unknown;
	fwd->received = sv ? sv->recvs.calls : unknown;
	back->sent = sv ? sv->sends.calls : unknown;
	back->received = cl ? cl->recvs.calls : unknown;
}

void convo_other_name(const struct convo_end *e, char *buf, size_t len)
{
	if (e->role == CONVO_CLIENT)
		snprintf(buf, len, "server (not seen)");
	else if (e->unknown == CONVO_OUTSIDE)
		snprintf(buf, len, "client pid %ld (%s)", (long)e->peer_pid, e->peer_comm);
	else
		snprintf(buf, len, "%s (not seen)", e->conn ? "client" : "senders");
}

int convo_diagram(const struct convo *c, const struct convo_end *e, struct seqdiag *out)
{
	const struct convo_end *cl, *sv;
	char left[64], right[64];
	if (e->role == CONVO_PAIR) {
		cl = e;
		sv = NULL;
		snprintf(left, sizeof(left), "parent");
		snprintf(right, sizeof(right), "child");
	} else {
		both_ends(c, e, &cl, &sv);
		if (cl)
			convo_name(cl, left, sizeof(left));
		else
			convo_other_name(e, left, sizeof(left));
		if (sv)
			convo_name(sv, right, sizeof(right));
		else
			convo_other_name(e, right, sizeof(right));
	}
	if (seqdiag_init(out, left, right) < 0)
		return -ENOMEM;
	/* Both ends' items, merged by time. */
	size_t i = 0, j = 0, ni = cl ? cl->nitems : 0, nj = sv ? sv->nitems : 0;
	while (i < ni || j < nj) {
		const struct convo_item *it;
		if (j == nj || (i < ni && cl->items[i].t_ns <= sv->items[j].t_ns))
			it = &cl->items[i++];
		else
			it = &sv->items[j++];
		if (seqdiag_add(out, it->kind, it->side, it->t_ns, it->label) < 0) {
			seqdiag_free(out);
			return -ENOMEM;
		}
	}
	return 0;
}
