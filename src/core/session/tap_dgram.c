/* tap_dgram: the datagram relay of a tap: one upstream socket per sender address, every
 * datagram shown and passed on whole, replies sent back to the sender that asked. */
#include "config.h"

#include "core/session/tap_dgram.h"

#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/io/ancil.h"
#include "core/base/capture.h"
#include "core/io/msgio.h"
#include "core/io/decode.h"
#include "core/io/pcap.h"
#include "core/io/sndbuf.h"
#include "core/session/tap_dgram_int.h"
#include "core/session/tap_ident.h"
#include "core/base/words.h"


/* ---- datagrams ---- */

/* Receive one datagram from FD into buffer WAY, grown first to its whole length. Returns
 * its bytes or -errno (-EAGAIN: none waiting). */
static ssize_t recv_whole(struct relay *r, int fd, int way, struct msgio_in *in)
{
	ssize_t need;
	do
		need = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
	while (need < 0 && errno == EINTR);
	if (need < 0)
		return -errno;
	if ((size_t)need > r->cap[way]) {
		char *nb = realloc(r->buf[way], (size_t)need);
		if (nb) {
			r->buf[way] = nb;
			r->cap[way] = (size_t)need;
		} /* else it is cut to the buffer, and its line says so */
	}
	return msgio_recv(fd, r->buf[way], r->cap[way], true, 0, in);
}

/* Write one record to the capture file; after a failure, say so once and write no more. */
static void to_pcap(struct relay *r, struct up *u, int way, const void *buf, size_t n)
{
	if (!r->env->pcap || r->pcap_failed)
		return;
	int rc = pcap_write(r->env->pcap, u->id, way == CLI ? PCAP_TO_SERVER : PCAP_TO_CLIENT, buf,
			    n);
	if (rc < 0) {
		r->pcap_failed = true;
		struct event ev;
		tap_dgram_line(&ev, EV_ERROR, u->id)->err = -rc;
		event_textf(&ev, "tap: write the capture file: nothing more is written to it (it "
				 "ends with the last whole record)");
		sink_emit(r->env->out, &ev);
	}
}

/* A datagram came one way on U: count it, keep it, show it with its sender (the client's
 * address either way), its credentials and descriptors. */
static void say_datagram(struct relay *r, struct up *u, int way, size_t n,
			 const struct msgio_in *in)
{
	const char *buf = r->buf[way];
	u->bytes[way] += n;
	u->msgs[way]++;
	u->last_ns = event_now_ns();
	if (way == CLI)
		stats_add_in(r->env->stats, n);
	else
		stats_add_out(r->env->stats, n);
	struct event ev;
	tap_dgram_line(&ev, EV_RECV, u->id);
	ev.dir = way == CLI ? DIR_C2S : DIR_S2C;
	event_set_bytes(&ev, buf, n);
	if (r->env->capture)
		ev.capture = capture_put(r->env->capture, buf, n);
	to_pcap(r, u, way, buf, n);
	if (r->env->decode)
		ev.chunk_no = decode_offer(r->env->decode, u->id,
					   way == CLI ? PCAP_TO_SERVER : PCAP_TO_CLIENT, buf, n);
	msgio_describe(&ev, in, true, false);
	ev.sender = (uint8_t)msgio_sender_text(&ev, &u->addr, u->addrlen);
	sink_emit(r->env->out, &ev);
	if (in->msg_len > n)
		event_emit_error(r->env->out, SRC_TAP, u->id, ENOMEM,
				 "tap: a %zu-byte datagram "
				 "was cut to %zu bytes (no memory for a larger buffer)",
				 in->msg_len, n);
	if (in->anc.nfds)
		msgio_say_fds(r->env->out, SRC_TAP, u->id, &in->anc,
			      way == CLI ? ", passed on to the server"
					 : ", passed on to the client");
}

/* U's datagram going WAY goes with udscope's pid instead of its exited sender's: count it,
 * say so once per upstream socket. */
static void own_pid(struct relay *r, struct up *u, int way, struct ancil *anc)
{
	pid_t gone = anc->cred.pid;
	anc->cred.pid = getpid();
	atomic_fetch_add(r->env->own_pid, 1);
	if (u->said_own_pid)
		return;
	u->said_own_pid = true;
	struct event ev;
	tap_dgram_line(&ev, EV_INFO, u->id);
	event_set_path(&ev, FACT_OWN_PID, u->name, strlen(u->name), NULL);
	ev.dir = (uint8_t)(way == CLI ? DIR_C2S : DIR_S2C);
	ev.has_peer = true; /* the sender that had exited */
	ev.peer_pid = gone;
	ev.has_cred = true; /* what its datagram carried */
	ev.pid = anc->cred.pid;
	ev.uid = anc->cred.uid;
	ev.gid = anc->cred.gid;
	sink_emit(r->env->out, &ev);
}

/* msgio_send, and once more when the message was larger than FD's send buffer and the
 * buffer could be made large enough for it. */
static ssize_t send_fit(int fd, const char *buf, size_t n, struct ancil *anc,
			const struct sockaddr_un *to, socklen_t tolen)
{
	ssize_t s = msgio_send(fd, buf, n, anc, to, tolen);
	size_t have, max;
	if (s == -EMSGSIZE && sndbuf_fit(fd, n, &have, &max) == 0)
		s = msgio_send(fd, buf, n, anc, to, tolen); /* room for it now */
	return s;
}

/* Send N bytes of BUF with ANC's descriptors on FD (to TO when not NULL) for U going WAY, as
 * root with the credentials ANC came with; when their process exited (its pid may name
 * another by now), with its uid and gid and udscope's pid. Returns the bytes sent or -errno;
 * -EOWNERDEAD: as root, no credentials came, or they may not be sent (EPERM), and the
 * datagram is not sent (never without them: the kernel would name udscope instead). */
static ssize_t send_as(struct relay *r, struct up *u, int way, int fd, const char *buf, size_t n,
		       struct ancil *anc, const struct sockaddr_un *to, socklen_t tolen)
{
	if (!r->env->pass_creds) {
		anc->has_cred = false;
		return send_fit(fd, buf, n, anc, to, tolen);
	}
	if (!anc->has_cred)
		return -EOWNERDEAD;
	if (anc->cred.pid != getpid() && !tap_pidwatch_alive(&r->watch[way], anc->cred.pid))
		own_pid(r, u, way, anc);
	ssize_t s = send_fit(fd, buf, n, anc, to, tolen);
	if (s == -ESRCH && anc->cred.pid != getpid()) {
		own_pid(r, u, way, anc); /* it exited just now */
		s = send_fit(fd, buf, n, anc, to, tolen);
	}
	return s == -EPERM || s == -ESRCH ? -EOWNERDEAD : s;
}

/* U's datagram going WAY was not sent (send_as said -EOWNERDEAD, or, FOREIGN, it came from
 * another user than U connects as): count it, say so once per upstream socket. */
static void unsent(struct relay *r, struct up *u, int way, const struct ancil *anc, bool foreign)
{
	u->dropped[way]++;
	atomic_fetch_add(r->env->unsent, 1);
	if (u->said_other)
		return;
	u->said_other = true;
	struct event ev;
	tap_dgram_line(&ev, EV_ERROR, u->id);
	event_set_path(&ev, FACT_DATAGRAM_DROPPED, u->name, strlen(u->name), NULL);
	ev.dir = (uint8_t)(way == CLI ? DIR_C2S : DIR_S2C);
	if (foreign) {
		ev.reason = REASON_OTHER_USER;
		ev.has_cred = true; /* what the datagram came with */
		ev.pid = anc->cred.pid;
		ev.uid = anc->cred.uid;
		ev.gid = anc->cred.gid;
		ev.own_uid = u->who.uid;
		ev.own_gid = u->who.gid;
	} else {
		ev.reason = REASON_CREDS_UNSENDABLE;
		ev.has_peer = true; /* its sender */
		ev.peer_pid = anc->cred.pid;
	}
	sink_emit(r->env->out, &ev);
}

static bool refused(ssize_t e)
{
	return e == -ECONNREFUSED || e == -ENOENT || e == -ENOTCONN || e == -EDESTADDRREQ ||
	       e == -ECONNRESET;
}

/* The target could not take U's datagram (ERR): say so once per sender, count it. */
static void target_failed(struct relay *r, struct up *u, int err)
{
	u->dropped[CLI]++;
	if (u->target_err)
		return;
	u->target_err = err;
	tap_ups_target_down(r, u, "send", err);
}

/* U's N-byte datagram going WAY could not be sent on FD, whose send buffer the kernel would
 * not make large enough: one line with the sizes (the target is not to blame), counted. */
static void too_big(struct relay *r, struct up *u, int fd, size_t n, int way)
{
	size_t have = 0, max = 0;
	sndbuf_fit(fd, n, &have, &max);
	u->dropped[way]++;
	struct event ev;
	tap_dgram_line(&ev, EV_ERROR, u->id)->err = EMSGSIZE;
	event_set_path(&ev, FACT_TOO_BIG, u->name, strlen(u->name), NULL);
	ev.dir = (uint8_t)(way == CLI ? DIR_C2S : DIR_S2C);
	ev.socktype = SOCK_DGRAM;
	ev.size = n;
	ev.sndbuf = have;
	ev.wmem_max = max;
	sink_emit(r->env->out, &ev);
}

/* Pass the datagram in buf[CLI] on to the target through U. Returns false when the target
 * is full (the datagram is then held, with its descriptors). */
static bool to_target(struct relay *r, struct up *u, size_t n, struct ancil *anc)
{
	if (u->refused) {
		u->dropped[CLI]++;
		ancil_close(anc);
		return true;
	}
	if (!r->env->lend_identity && anc->has_cred &&
	    (anc->cred.uid != u->who.uid || anc->cred.gid != u->who.gid)) {
		/* Another user sends from this address (the unbound senders share one socket):
		 * connect again as that user, or, not allowed to, drop it. */
		int rc = -EPERM;
		if (u->as_sender) {
			tap_ident_of_sender(anc->cred.pid, anc->cred.uid, anc->cred.gid, &u->who);
			rc = tap_ups_connect(r, u);
		}
		if (rc < 0) {
			if (u->as_sender)
				target_failed(r, u, -rc);
			else
				unsent(r, u, CLI, anc, true);
			ancil_close(anc);
			return true;
		}
	}
	ssize_t s = send_as(r, u, CLI, u->fd, r->buf[CLI], n, anc, NULL, 0);
	if (refused(s) && tap_ups_connect(r, u) == 0)
		s = send_as(r, u, CLI, u->fd, r->buf[CLI], n, anc, NULL, 0); /* it came back */
	if (s == -EOWNERDEAD) {
		unsent(r, u, CLI, anc, false);
		ancil_close(anc);
		return true;
	}
	if (s == -EAGAIN) {
		r->held = u;
		r->held_len = n;
		r->held_anc = *anc;
		return false;
	}
	if (s == -EMSGSIZE) {
		too_big(r, u, u->fd, n, CLI);
	} else if (s < 0) {
		target_failed(r, u, (int)-s);
	} else if (u->target_err) {
		struct event ev;
		tap_dgram_line(&ev, EV_INFO, u->id);
		event_set_path(&ev, FACT_TARGET_BACK, u->name, strlen(u->name), NULL);
		event_set_target(&ev, r->env->target->text);
		ev.count = u->dropped[CLI];
		sink_emit(r->env->out, &ev);
		u->target_err = 0;
	}
	ancil_close(anc);
	return true;
}

/* An unbound sender's datagram: tell each sending pid once that no reply can reach it. */
static void say_unbound(struct relay *r, struct up *u, const struct msgio_in *in)
{
	pid_t pid = in->anc.has_cred ? in->anc.cred.pid : 0;
	for (size_t i = 0; i < u->nsaid && i < SAID_PIDS; i++)
		if (u->said[i] == pid)
			return;
	u->said[u->nsaid++ % SAID_PIDS] = pid;
	struct event ev;
	tap_dgram_line(&ev, EV_INFO, u->id);
	ev.fact = FACT_SENDER_UNBOUND;
	ev.sender = SENDER_UNBOUND;
	ev.has_peer = true;
	ev.peer_pid = pid;
	sink_emit(r->env->out, &ev);
}

/* Take up to BUDGET datagrams from the listening socket and pass each on. */
static void from_senders(struct relay *r)
{
	for (int budget = BUDGET; budget > 0 && !r->held; budget--) {
		struct msgio_in in;
		ssize_t n = recv_whole(r, r->env->lfd, CLI, &in);
		if (n == -EAGAIN)
			return;
		if (n < 0) {
			event_emit_error(r->env->out, SRC_TAP, 0, (int)-n, "tap: recvmsg %s",
					 r->env->listen->text);
			return;
		}
		if (r->env->pass_creds && in.anc.has_cred)
			(void)tap_pidwatch_alive(&r->watch[CLI], in.anc.cred.pid);
		socklen_t len = in.fromlen > offsetof(struct sockaddr_un, sun_path) ? in.fromlen
										    : 0;
		struct up *u = tap_ups_find(r, &in.from, len);
		if (!u && !(u = tap_ups_open(r, &in.from, len, &in))) {
			ancil_close(&in.anc);
			continue;
		}
		say_datagram(r, u, CLI, (size_t)n, &in);
		if (u->kind == SENDER_UNBOUND)
			say_unbound(r, u, &in);
		to_target(r, u, (size_t)n, &in.anc);
	}
}

/* Send U's held datagram again, now that the target may have room. */
static void retry_held(struct relay *r)
{
	struct up *u = r->held;
	r->held = NULL;
	struct ancil anc = r->held_anc;
	to_target(r, u, r->held_len, &anc);
}

/* Pass a reply (N bytes of BUF) back to U's sender. Returns false when the sender's queue is
 * full (the reply is then held: copied, with its descriptors). */
static bool to_sender(struct relay *r, struct up *u, const char *buf, size_t n, struct ancil *anc)
{
	if (u->kind == SENDER_UNBOUND) {
		u->dropped[SRV]++;
		struct event ev;
		tap_dgram_line(&ev, EV_INFO, u->id);
		ev.fact = FACT_REPLY_DROPPED;
		ev.sender = SENDER_UNBOUND;
		ev.count = u->dropped[SRV];
		sink_emit(r->env->out, &ev);
		ancil_close(anc);
		return true;
	}
	ssize_t s = send_as(r, u, SRV, r->env->lfd, buf, n, anc, &u->addr, u->addrlen);
	if (s == -EOWNERDEAD) {
		unsent(r, u, SRV, anc, false);
		ancil_close(anc);
		return true;
	}
	if (s == -EAGAIN) {
		char *copy = u->reply == buf ? u->reply : malloc(n ? n : 1);
		if (copy) {
			if (copy != buf)
				memcpy(copy, buf, n);
			u->reply = copy, u->reply_len = n, u->reply_anc = *anc;
			r->replies_held += !u->reply_held;
			u->reply_held = true;
			return false;
		}
		s = -ENOMEM;
	}
	if (s == -EMSGSIZE)
		too_big(r, u, r->env->lfd, n, SRV);
	else if (s < 0 && u->dropped[SRV]++ == 0)
		event_emit_error(r->env->out, SRC_TAP, u->id, (int)-s,
				 "tap: sendto %s: a reply "
				 "was dropped%s (more are only counted)",
				 u->name, refused(s) ? ": the sender is gone" : "");
	ancil_close(anc);
	return true;
}

/* Send U's held reply again; free it once it went (or was dropped). */
static void retry_reply(struct relay *r, struct up *u)
{
	struct ancil anc = u->reply_anc;
	if (!to_sender(r, u, u->reply, u->reply_len, &anc))
		return;
	free(u->reply);
	u->reply = NULL;
	u->reply_held = false;
	memset(&u->reply_anc, 0, sizeof(u->reply_anc));
	r->replies_held--;
}

/* Take up to BUDGET replies from U's socket and pass each back to its sender. */
static void from_target(struct relay *r, struct up *u)
{
	for (int budget = BUDGET; budget > 0 && !u->reply_held; budget--) {
		struct msgio_in in;
		ssize_t n = recv_whole(r, u->fd, SRV, &in);
		if (n == -EAGAIN)
			return;
		if (n < 0) {
			/* A connected datagram socket learns here that its peer went away. */
			if (!refused(n))
				event_emit_error(r->env->out, SRC_TAP, u->id, (int)-n,
						 "tap: recvmsg "
						 "from %s for sender %s",
						 r->env->target->text, u->name);
			return;
		}
		if (r->env->pass_creds && in.anc.has_cred)
			(void)tap_pidwatch_alive(&r->watch[SRV], in.anc.cred.pid);
		say_datagram(r, u, SRV, (size_t)n, &in);
		to_sender(r, u, r->buf[SRV], (size_t)n, &in.anc);
	}
}

/* ---- the loop ---- */

/* Fill the poll set: the control pipe, the listening socket unless a datagram waits for the
 * target, and each upstream socket. Returns the count. */
static size_t poll_set(struct relay *r)
{
	r->pfds[0] = (struct pollfd){ .fd = r->env->ctl, .events = POLLIN };
	r->pfds[1] = (struct pollfd){ .fd = r->held ? -1 : r->env->lfd, .events = POLLIN };
	for (size_t i = 0; i < r->nups; i++) {
		struct up *u = r->ups[i];
		short ev = (short)((u->reply_held ? 0 : POLLIN) | (u == r->held ? POLLOUT : 0));
		r->pfds[2 + i] = (struct pollfd){ .fd = ev ? u->fd : -1, .events = ev };
	}
	return 2 + r->nups;
}

static void relay_loop(struct relay *r)
{
	uint64_t next_sweep = event_now_ns() + 1000000000u;
	for (;;) {
		size_t n = poll_set(r);
		r->env->flush(r->env->flush_ctx);
		uint64_t now = event_now_ns();
		int timeout = now >= next_sweep ? 0 : (int)((next_sweep - now) / 1000000u) + 1;
		if (r->replies_held && timeout > RETRY_MS)
			timeout = RETRY_MS;
		int rc = poll(r->pfds, n, timeout);
		if (rc < 0 && errno != EINTR) {
			event_emit_error(r->env->out, SRC_TAP, 0, errno, "tap: poll");
			return;
		}
		if (rc > 0 && r->pfds[0].revents)
			return;
		/* Backwards: closing one moves the last into its slot (served already). */
		for (size_t k = n - 2; rc > 0 && k-- > 0;) {
			struct up *u = r->ups[k];
			short re = r->pfds[2 + k].revents;
			if (u == r->held && (re & (POLLOUT | POLLERR | POLLHUP)))
				retry_held(r);
			if (re & (POLLIN | POLLERR))
				from_target(r, u);
		}
		for (size_t k = r->nups; r->replies_held && k-- > 0;)
			if (r->ups[k]->reply_held)
				retry_reply(r, r->ups[k]);
		if (rc > 0 && (r->pfds[1].revents & (POLLIN | POLLERR)))
			from_senders(r);
		if ((now = event_now_ns()) >= next_sweep) {
			tap_ups_sweep(r, now);
			next_sweep = now + 1000000000u;
		}
	}
}

void tap_dgram_run(const struct tap_dgram_env *env)
{
	struct relay *r = calloc(1, sizeof(*r));
	if (r) {
		r->env = env;
		tap_pidwatch_init(&r->watch[CLI]);
		tap_pidwatch_init(&r->watch[SRV]);
		r->pfds = malloc(2 * sizeof(*r->pfds));
		r->cap[CLI] = r->cap[SRV] = 65536;
		r->buf[CLI] = malloc(r->cap[CLI]);
		r->buf[SRV] = malloc(r->cap[SRV]);
	}
	if (!r || !r->pfds || !r->buf[CLI] || !r->buf[SRV]) {
		event_emit_error(env->out, SRC_TAP, 0, ENOMEM, "tap %s", env->listen->text);
	} else {
		relay_loop(r);
		if (r->held) {
			r->held->dropped[CLI]++;   /* counted in its closing line */
			ancil_close(&r->held_anc);
		}
		r->held = NULL;
		while (r->nups)
			tap_ups_close(r, r->ups[r->nups - 1], REASON_STOPPING, 0, 0);
	}
	if (r) {
		tap_pidwatch_close(&r->watch[CLI]);
		tap_pidwatch_close(&r->watch[SRV]);
		free(r->buf[CLI]);
		free(r->buf[SRV]);
		free(r->pfds);
		free(r->ups);
	}
	free(r);
}
