/* server_dgram: a datagram echo server: every sender on the one bound socket, each datagram
 * said with its sender and echoed back to it when it has an address. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "core/base/capture.h"
#include "core/io/msgio.h"
#include "core/session/server_int.h"

/* ---- a datagram server: one socket, every sender at once ---- */

/* Echo N bytes of S->dbuf to the datagram's sender, with its descriptors. */
static void echo_datagram(struct server *s, const struct msgio_in *in, size_t n, uint64_t cap)
{
	if (in->fromlen <= offsetof(struct sockaddr_un, sun_path)) {
		struct event *ev = server_slot(s);
		event_init(ev, SRC_SERVER, EV_INFO);
		ev->fact = FACT_SENDER_UNBOUND;
		ev->sender = SENDER_UNBOUND;
		server_commit(s);
		return;
	}
	struct ancil back = in->anc;
	back.has_cred = false;   /* the descriptors go back; the sender's credentials do not */
	ssize_t r =
		msgio_send(s->ls.lfd, s->dbuf, n, back.nfds ? &back : NULL, &in->from, in->fromlen);
	if (r < 0) {
		s->echo_dropped++;
		struct event lost;
		event_init(&lost, SRC_SERVER, EV_INFO);
		lost.sender = (uint8_t)msgio_sender_text(&lost, &in->from, in->fromlen);
		lost.fact = FACT_ECHO_LOST;
		lost.path_len = (uint16_t)event_text_len(&lost);
		lost.cause_err = (int)-r;
		lost.reason = r == -EAGAIN                         ? REASON_QUEUE_FULL
			      : r == -ECONNREFUSED || r == -ENOENT ? REASON_SENDER_GONE
								   : REASON_NONE;
		sink_emit(&s->qsink, &lost);
		return;
	}
	stats_add_out(&s->ls.stats, (size_t)r);
	struct event *ev = server_slot(s);
	event_init(ev, SRC_SERVER, EV_SEND);
	ev->nbytes = (uint64_t)r;
	ev->message = true;
	ev->nfds = (uint8_t)in->anc.nfds;
	ev->sender = (uint8_t)msgio_sender_text(ev, &in->from, in->fromlen);
	ev->capture = cap;
	server_commit(s);
}

/* Take one datagram: say it, echo it. Returns false when nothing waits. */
static bool serve_datagram(struct server *s)
{
	struct msgio_in in;
	ssize_t want = server_chunk_now(s);
	if (!want) {
		want = msgio_whole(s->ls.lfd, &s->dbuf, &s->dcap, SERVER_CHUNK_MAX);
		if (want == -EAGAIN)
			return false;
		if (want < 0)
			want = (ssize_t)s->dcap; /* no room for it whole: cut, and said */
	}
	ssize_t n = msgio_recv(s->ls.lfd, s->dbuf, (size_t)want, true, 0, &in);
	if (n == -EAGAIN)
		return false;
	if (n < 0) {
		event_emit_error(&s->qsink, SRC_SERVER, 0, (int)-n, "recvmsg %s", s->addr.text);
		return false;
	}
	stats_add_in(&s->ls.stats, (size_t)n);
	struct event *ev = server_slot(s);
	event_init(ev, SRC_SERVER, EV_RECV);
	event_set_bytes(ev, s->dbuf, (size_t)n);
	msgio_describe(ev, &in, true, true);
	uint64_t cap = 0;
	if (s->opts.capture && n > 0)
		ev->capture = cap = capture_put(s->opts.capture, s->dbuf, (size_t)n);
	server_commit(s);
	msgio_say_fds(&s->qsink, SRC_SERVER, 0, &in.anc, "; passed back with the echo");
	echo_datagram(s, &in, (size_t)n, cap);
	ancil_close(&in.anc);
	return true;
}

/* Take, say and echo the datagrams waiting (a budget's worth). */
void server_dgram_serve(struct server *s)
{
	for (int budget = SERVER_BUDGET; budget > 0 && serve_datagram(s); budget--)
		;
}
