/* tap_stream: the stream tap's relay, forwarding each connection both ways chunk by chunk
 * (whole messages for seqpacket), with descriptors and, as root, each sender's credentials. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/base/capture.h"
#include "core/base/sysio.h"
#include "core/io/msgio.h"
#include "core/io/decode.h"
#include "core/io/pcap.h"
#include "core/io/sndbuf.h"
#include "core/session/tap_int.h"

/* Close connection I with one line saying how it ended: REASON, on the side data went WAY
 * (CLI or SRV), the errno ERR that caused it, and the bytes (LOST) the receiver did not take. */
static void end_conn(struct tap *t, size_t i, enum event_reason reason, int way, int err,
		     uint64_t lost)
{
	struct tap_conn *c = t->conns[i];
	struct event *ev = tap_next_event(t, EV_CLOSE, c->id);
	ev->fact = FACT_CONN_CLOSED;
	ev->reason = (uint8_t)reason;
	ev->cause_err = err;
	ev->bytes_in = c->dir[CLI].bytes;
	ev->bytes_out = c->dir[SRV].bytes;
	ev->unsent = lost;
	if (reason == REASON_RECV_FAILED || reason == REASON_SEND_FAILED ||
	    reason == REASON_CREDS_UNSENDABLE)
		ev->dir = (uint8_t)(way == CLI ? DIR_C2S : DIR_S2C);
	if (reason == REASON_CREDS_UNSENDABLE) {
		ev->has_peer = true; /* the sender whose credentials may not go on */
		ev->peer_pid = c->dir[way].anc.cred.pid;
	}
	tap_admit_drop(t, i);
}

/* Receive a chunk (MESSAGE: one whole message) and its descriptors from FD into D. Returns
 * the bytes or -errno (-EAGAIN: nothing now); *END: it was the end of the stream, not a chunk
 * (a message may be empty). IN says what came beside the bytes. */
static ssize_t recv_chunk(int fd, bool message, struct tap_dir *d, struct msgio_in *in,
			  bool *end)
{
	if (message && !d->marked)
		d->marked = msgio_mark_messages(fd) == 0;
	if (message) {
		/* A message goes on whole: make room for the next one first. */
		ssize_t need = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
		if (need < 0)
			return -errno;
		if ((size_t)need > d->cap) {
			char *nb = realloc(d->buf, (size_t)need);
			if (!nb)
				return -ENOMEM;
			d->buf = nb;
			d->cap = (size_t)need;
		}
	}
	ssize_t n = msgio_recv(fd, d->buf, d->cap, message, 0, in);
	*end = n == 0 &&
	       (!message || (d->marked ? msgio_seqpacket_end(n, in) : msgio_peer_closed(fd)));
	if (d->marked)
		in->anc.has_cred = false; /* read to tell the end apart, not shown or sent */
	if (n >= 0)
		d->anc = in->anc; /* ours now: passed on with the chunk, then closed */
	return n;
}

/* As root, the credentials the chunk D holds goes on with: its own sender's (SO_PASSCRED),
 * else those of the side that connected. When that process has exited (its pid may name
 * another process by now), its uid and gid go with udscope's own pid, counted: never
 * udscope's uid, never a stranger's pid. */
static void creds_for(struct tap_dir *d)
{
	if (!d->has_as) {
		d->anc.has_cred = false; /* not root: the kernel names udscope, as admitted */
		return;
	}
	if (!d->anc.has_cred || d->anc.cred.pid <= 0)
		d->anc.cred = d->as; /* sent before SO_PASSCRED was on: none recorded */
	d->anc.has_cred = true;
	pid_t me = getpid();
	if (d->anc.cred.pid != me && !tap_pidwatch_alive(&d->watch, d->anc.cred.pid)) {
		d->gone = d->anc.cred;
		d->anc.cred.pid = me;
		d->own_pid++;
	}
}

/* Send what D holds to FD, its descriptors with the first byte (and, as root, the sender's
 * credentials with every piece). Returns 0 (all sent or the socket is full) or -errno;
 * -EOWNERDEAD: the sender's credentials may not be sent, and the chunk was dropped (its
 * sender's pid stays in D->anc.cred). */
static int send_held(int fd, struct tap_dir *d)
{
	while (d->held) {
		creds_for(d);
		ssize_t n = msgio_send(fd, d->buf + d->off, d->len - d->off, &d->anc, NULL, 0);
		if (n == -ESRCH && d->anc.cred.pid != getpid()) {
			d->gone = d->anc.cred; /* it exited just now */
			d->anc.cred.pid = getpid();
			d->own_pid++;
			continue;
		}
		size_t have, max;
		if (n == -EMSGSIZE && sndbuf_fit(fd, d->len - d->off, &have, &max) == 0)
			continue; /* a message larger than the send buffer: it has room now */
		if (n == -EPERM || n == -ESRCH) {
			/* Never resent without them: the kernel would name udscope instead. */
			ancil_close(&d->anc);
			d->held = false;
			d->off = d->len = 0;
			return -EOWNERDEAD;
		}
		if (n < 0)
			return n == -EAGAIN ? 0 : (int)n;
		ancil_close(&d->anc);   /* the receiver has its own copies now */
		d->off += (size_t)n;
		if (d->off >= d->len)
			d->held = false;
	}
	d->off = d->len = 0;
	return 0;
}

/* A chunk came in one way: count it, keep it whole, show it and what came with it. */
static void say_chunk(struct tap *t, struct tap_conn *c, int way, size_t n,
		      const struct msgio_in *in)
{
	struct tap_dir *d = &c->dir[way];
	d->bytes += n;
	d->chunks++;
	if (way == CLI)
		stats_add_in(&t->ls.stats, n);
	else
		stats_add_out(&t->ls.stats, n);
	struct event *ev = tap_next_event(t, EV_RECV, c->id);
	ev->dir = way == CLI ? DIR_C2S : DIR_S2C;
	event_set_bytes(ev, d->buf, n);
	if (t->opts.capture)
		ev->capture = capture_put(t->opts.capture, d->buf, n);
	if (t->opts.decode)
		ev->chunk_no = decode_offer(t->opts.decode, c->id,
					    way == CLI ? PCAP_TO_SERVER : PCAP_TO_CLIENT, d->buf,
					    n);
	if (t->opts.pcap && !t->pcap_failed) {
		/* The peers do not change during a connection: each way's comment is made once. */
		char *note = c->note[way];
		if (!note[0] && pcap_is_ng(t->opts.pcap)) {
			const struct peer_cred *f = &c->peer[way], *to = &c->peer[!way];
			pcap_who_comment(note, sizeof(c->note[way]), f->ok ? f->pid : 0, f->comm,
					 f->uid, to->ok ? to->pid : 0, to->comm, to->uid);
		}
		int r = pcap_write_noted(t->opts.pcap, t->pcap_iface, c->id,
					 way == CLI ? PCAP_TO_SERVER : PCAP_TO_CLIENT, d->buf, n, note);
		if (r < 0) {
			t->pcap_failed = true;
			struct event *e = tap_next_event(t, EV_ERROR, c->id);
			e->err = -r;
			event_textf(e, "tap: write the capture file: nothing more is written to it "
				    "(it ends with the last whole record)");
		}
	}
	msgio_describe(ev, in, false, false);
	if (ev->cred_msg && (!d->has_as || ev->pid == d->as.pid))
		ev->has_cred = ev->cred_msg = false; /* said on the connection's line already */
	if (d->anc.nfds)
		msgio_say_fds(&t->qsink, SRC_TAP, c->id, &d->anc, way == CLI
			      ? ", passed on to the server" : ", passed on to the client");
}

/* What became of one direction this round. */
enum flow { FLOW_OK, FLOW_RECV_FAILED, FLOW_SEND_FAILED };

/* Move up to TAP_BUDGET chunks from side WAY to the other. *ERR gets the errno on failure. */
static enum flow forward(struct tap *t, struct tap_conn *c, int way, int *err)
{
	struct tap_dir *d = &c->dir[way];
	int from = c->fd[way], to = c->fd[!way];
	for (int budget = TAP_BUDGET; budget > 0; budget--) {
		if ((*err = -send_held(to, d)) != 0)
			return FLOW_SEND_FAILED;
		if (d->held || d->eof)
			return FLOW_OK;   /* the other side is not reading: wait, read nothing */
		struct msgio_in in;
		bool end = false;
		ssize_t n = recv_chunk(from, t->opts.type == SOCK_SEQPACKET, d, &in, &end);
		if (n == -EAGAIN)
			return FLOW_OK;
		if (n < 0) {
			*err = (int)-n;
			return FLOW_RECV_FAILED;
		}
		if (end) {
			d->eof = true;
			shutdown(to, SHUT_WR);
			struct event *ev = tap_next_event(t, EV_INFO, c->id);
			ev->fact = FACT_HALF_CLOSED;
			ev->still_open = !c->dir[!way].eof;
			ev->dir = (uint8_t)(way == CLI ? DIR_C2S : DIR_S2C);
			return FLOW_OK;
		}
		d->len = (size_t)n;
		d->held = true;
		say_chunk(t, c, way, (size_t)n, &in);
	}
	return FLOW_OK;
}

/* Let side WAY's next send fail with EPIPE, as it would without the tap once its receiver
 * stopped reading: shut down the tap's reading from it. */
static void shut_sender(struct tap_conn *c, int way)
{
	c->dir[way].shut = true;
	shutdown(c->fd[way], SHUT_RD);
}

/* The side WAY sends to stopped reading (send failed with ERR) while the other way still
 * flows: drop what it did not take, read no more from WAY, and keep forwarding the other
 * way, so what that side sent before it stopped (an early reply) still arrives. A side that
 * hung up altogether is drained, then the connection closes with WAY's bytes unread, a reset
 * for WAY as without the tap; one that only stopped reading makes WAY's next send fail. */
static void way_refused(struct tap *t, struct tap_conn *c, int way, int err)
{
	struct tap_dir *d = &c->dir[way];
	size_t lost = d->held ? d->len - d->off : 0;
	d->held = false;
	d->off = d->len = 0;
	ancil_close(&d->anc);
	d->eof = d->refused = true;
	struct pollfd p = { .fd = c->fd[!way], .events = POLLIN | POLLRDHUP };
	bool gone = poll(&p, 1, 0) == 1 && (p.revents & POLLHUP);
	if (!gone)
		shut_sender(c, way);
	struct event *ev = tap_next_event(t, EV_INFO, c->id);
	ev->dir = (uint8_t)(way == CLI ? DIR_C2S : DIR_S2C);
	ev->fact = FACT_STOPPED_READING;
	ev->cause_err = err;
	ev->unsent = lost;
}

/* WAY's message is larger than the kernel lets the tap's socket send (its send buffer could
 * not be made large enough): drop it with one line that says the sizes, and go on. */
static void too_big(struct tap *t, struct tap_conn *c, int way)
{
	struct tap_dir *d = &c->dir[way];
	size_t have = 0, max = 0;
	sndbuf_fit(c->fd[!way], d->len, &have, &max);
	struct event *ev = tap_next_event(t, EV_ERROR, c->id);
	ev->err = EMSGSIZE;
	ev->dir = (uint8_t)(way == CLI ? DIR_C2S : DIR_S2C);
	ev->fact = FACT_TOO_BIG;
	ev->size = d->len;
	ev->sndbuf = have;
	ev->wmem_max = max;
	d->held = false;
	d->off = d->len = 0;
	ancil_close(&d->anc);
}

/* Connection I's chunk going WAY could not go on with its sender's credentials (dropped by
 * send_held): count it and close the connection, which cannot skip bytes. */
static void unsent(struct tap *t, size_t i, int way)
{
	atomic_fetch_add(&t->unsent, 1);
	end_conn(t, i, REASON_CREDS_UNSENDABLE, way, 0, 0);
}

/* Count the chunks of C going WAY that went with udscope's pid since last time; say the
 * first. */
static void tell_own_pid(struct tap *t, struct tap_conn *c, int way)
{
	struct tap_dir *d = &c->dir[way];
	if (d->own_pid == d->own_pid_told)
		return;
	if (!d->own_pid_told) {
		struct event *ev = tap_next_event(t, EV_INFO, c->id);
		ev->dir = (uint8_t)(way == CLI ? DIR_C2S : DIR_S2C);
		ev->fact = FACT_OWN_PID;
		ev->has_peer = true; /* the sender that had exited */
		ev->peer_pid = d->gone.pid;
		ev->has_cred = true; /* what its bytes carried */
		ev->pid = getpid();
		ev->uid = d->gone.uid;
		ev->gid = d->gone.gid;
	}
	atomic_fetch_add(&t->own_pid, d->own_pid - d->own_pid_told);
	d->own_pid_told = d->own_pid;
}

/* Serve connection I both ways; close it when both ways are done or a side failed. */
static void serve(struct tap *t, size_t i)
{
	struct tap_conn *c = t->conns[i];
	for (int way = CLI; way <= SRV; way++) {
		int err = 0;
		enum flow f = forward(t, c, way, &err);
		tell_own_pid(t, c, way);
		if (f == FLOW_RECV_FAILED) {
			/* Close the other side at once, with what it sent unread: a stream socket
			 * closed with bytes in its queue is a reset for its peer. */
			end_conn(t, i, REASON_RECV_FAILED, way, err, 0);
			return;
		}
		if (f == FLOW_SEND_FAILED && err == EOWNERDEAD) {
			unsent(t, i, way);
			return;
		}
		if (f == FLOW_SEND_FAILED && err == EMSGSIZE) {
			too_big(t, c, way);
			continue;
		}
		if (f == FLOW_SEND_FAILED && (err == EPIPE || err == ECONNRESET) &&
		    !c->dir[!way].eof) {
			way_refused(t, c, way, err);
			continue;
		}
		if (f == FLOW_SEND_FAILED) {
			end_conn(t, i, REASON_SEND_FAILED, way, err,
				 c->dir[way].len - c->dir[way].off);
			return;
		}
	}
	for (int way = CLI; way <= SRV; way++)
		if (c->dir[way].refused && !c->dir[way].shut && c->dir[!way].held)
			shut_sender(c, way); /* it would wait on a reply it cannot read */
	if (c->dir[CLI].eof && !c->dir[CLI].held && c->dir[SRV].eof && !c->dir[SRV].held)
		end_conn(t, i, REASON_BOTH_CLOSED, CLI, 0, 0);
}

/* What side S of C waits for: its bytes (when its way has room) and room for the other
 * way's. 0: nothing, and the fd is left out of poll (a hung-up socket would wake it). */
static short wanted(const struct tap_conn *c, int s)
{
	short ev = 0;
	if (c->connect_until_ns)
		return 0;   /* not connected through yet: the client's bytes wait in its socket */
	if (!c->dir[s].held && !c->dir[s].eof)
		ev |= POLLIN;
	if (c->dir[!s].held)
		ev |= POLLOUT;
	return ev;
}

/* The stream tap's thread: accept, connect through, forward, until asked to stop. */
void *tap_stream_main(void *arg)
{
	struct tap *t = arg;
	if (tap_admit_grow(t) < 0) {
		event_emit_error(&t->qsink, SRC_TAP, 0, ENOMEM, "tap %s", t->listen.text);
		goto out;
	}
	for (;;) {
		bool waiting = tap_admit_retry(t);
		t->pfds[0] = (struct pollfd){ .fd = t->ls.ctl[0], .events = POLLIN };
		t->pfds[1] = (struct pollfd){ .fd = t->accept_paused ? -1 : t->ls.lfd,
					      .events = POLLIN };
		for (size_t i = 0; i < t->nconns; i++)
			for (int s = CLI; s <= SRV; s++) {
				short ev = wanted(t->conns[i], s);
				t->pfds[2 + 2 * i + s] = (struct pollfd){
					.fd = ev ? t->conns[i]->fd[s] : -1, .events = ev };
			}
		size_t n = t->nconns;
		tap_flush_events(t);
		int r = poll(t->pfds, 2 + 2 * n,
			     waiting ? TAP_CONNECT_RETRY_MS : t->accept_paused ? 1000 : -1);
		if (r == 0 && !waiting)
			t->accept_paused = false;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			event_emit_error(&t->qsink, SRC_TAP, 0, errno, "tap: poll");
			break;
		}
		/* Backwards: closing moves the last connection into the freed slot. */
		for (size_t k = n; k-- > 0;)
			if (t->pfds[2 + 2 * k].revents || t->pfds[3 + 2 * k].revents)
				serve(t, k);
		if (t->pfds[0].revents)
			break;
		if (t->pfds[1].revents & POLLIN)
			while (tap_admit_accept(t))
				;
	}
	while (t->nconns)
		end_conn(t, t->nconns - 1, REASON_STOPPING, CLI, 0, 0);
out:
	return listener_thread_end(&t->ls);
}
