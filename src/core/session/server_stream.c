/* server_stream: a stream or seqpacket echo server's connections: accepted, each chunk
 * echoed back with its descriptors (backpressure: no reading while an echo waits), closed. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/base/capture.h"
#include "core/io/msgio.h"
#include "core/session/server_int.h"
#include "core/system/sockets.h"

/* Close connection I, with one line saying why (REASON, and the errno ERR that caused it). */
static void close_conn(struct server *s, size_t i, enum event_reason reason, int err)
{
	struct conn *c = &s->conns[i];
	struct event ev;
	event_init(&ev, SRC_SERVER, EV_CLOSE);
	ev.conn = c->id;
	ev.fact = FACT_CONN_CLOSED;
	ev.reason = (uint8_t)reason;
	ev.cause_err = err;
	ev.has_peer = c->cred.ok;
	ev.peer_pid = c->cred.pid;
	memcpy(ev.peer_comm, c->cred.comm, sizeof(ev.peer_comm));
	ev.bytes_in = atomic_load_explicit(&c->bytes_in, memory_order_relaxed);
	ev.bytes_out = atomic_load_explicit(&c->bytes_out, memory_order_relaxed);
	ev.unsent = c->pending;
	server_emit(s, &ev);
	epoll_ctl(s->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	s->conn_of_fd[c->fd] = -1;
	pthread_mutex_lock(&s->conns_lock);
	close(c->fd);
	ancil_close(&c->held);
	free(c->buf);
	s->conns[i] = s->conns[--s->nconns];
	if (i < s->nconns)
		s->conn_of_fd[s->conns[i].fd] = (int)i;
	pthread_mutex_unlock(&s->conns_lock);
	atomic_fetch_sub(&s->ls.stats.clients, 1);
	s->accept_paused = false;
	if (s->nconns == 0 && !s->stopping) {
		event_init(&ev, SRC_SERVER, EV_WAIT);
		server_emit(s, &ev);
	}
}

/* Give the connection table room for NCAP connections. */
static int resize_table(struct server *s, size_t ncap)
{
	pthread_mutex_lock(&s->conns_lock);
	struct conn *nc = realloc(s->conns, ncap * sizeof(*nc));
	if (nc)
		s->conns = nc;
	pthread_mutex_unlock(&s->conns_lock);
	if (!nc)
		return -ENOMEM;
	s->capconns = ncap;
	return 0;
}

/* Room for one more connection. 0 or -ENOMEM. */
int server_stream_grow(struct server *s)
{
	if (s->nconns < s->capconns)
		return 0;
	return resize_table(s, s->capconns ? s->capconns * 2 : 16);
}

void server_stream_trim(struct server *s)
{
	size_t ncap = s->capconns;
	while (ncap > 16 && s->nconns * 4 < ncap)
		ncap /= 2;
	if (ncap != s->capconns)
		resize_table(s, ncap);
}

/* accept4 failed with E. Returns true when accepting should be tried again at once. */
static bool accept_failed(struct server *s, int e)
{
	if (e == EINTR || e == ECONNABORTED)
		return true;
	if (e == EAGAIN)
		return false;
	if (e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM) {
		/* The pending connection stays queued: stop polling the listener until a client
		 * leaves (or a while passes), else poll() would spin. */
		if (!s->accept_error_shown)
			event_emit_error(&s->qsink, SRC_SERVER, 0, e,
					 "accept %s (pausing accepts until a client leaves)",
					 s->addr.text);
		s->accept_paused = true;
		s->accept_error_shown = true;
		s->paused_until_ns = event_now_ns() + (uint64_t)SERVER_EMFILE_PAUSE_MS * 1000000u;
		return false;
	}
	event_emit_error(&s->qsink, SRC_SERVER, 0, e, "accept %s", s->addr.text);
	return false;
}

/* When the client of FD is this very process (CRED), the inode of its end, by sock_diag
 * now, while both ends surely exist: the front end joins it with that client's session from
 * the events alone, however late it reads them. 0 for another process or when not known. */
static uint32_t own_client_ino(int fd, const struct peer_cred *cred)
{
	struct stat st;
	uint32_t peer = 0;
	if (!cred->ok || cred->pid != getpid() || fstat(fd, &st) < 0)
		return 0;
	/* Without sock_diag the two ends are not joined (the map says so); nothing else to do. */
	if (sockets_peer_ino((uint32_t)st.st_ino, &peer) < 0)
		return 0;
	return peer;
}

/* The accept event: who connected, as SO_PEERCRED says. */
static void say_accepted(struct server *s, const struct conn *c)
{
	struct event ev;
	event_init(&ev, SRC_SERVER, EV_ACCEPT);
	ev.conn = c->id;
	if (c->cred.ok) {
		ev.has_cred = true;
		ev.pid = c->cred.pid;
		ev.uid = c->cred.uid;
		ev.gid = c->cred.gid;
		ev.peer_ino = c->peer_ino;
		if (c->cred.comm[0])
			event_textf(&ev, "%s", c->cred.comm);
		else
			event_textf(&ev, "process gone: %s", strerror(c->cred.comm_err));
	} else {
		event_textf(&ev, "connection from an unknown peer (SO_PEERCRED failed)");
	}
	server_emit(s, &ev);
}

/* Room in conn_of_fd for FD, and FD in the epoll set (waiting to read). 0 or -errno. */
static int track_fd(struct server *s, int fd)
{
	if ((size_t)fd >= s->nconn_of_fd) {
		size_t n = s->nconn_of_fd ? s->nconn_of_fd : 64;
		while (n <= (size_t)fd)
			n *= 2;
		int *nv = realloc(s->conn_of_fd, n * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		for (size_t k = s->nconn_of_fd; k < n; k++)
			nv[k] = -1;
		s->conn_of_fd = nv;
		s->nconn_of_fd = n;
	}
	return server_epoll_set(s, EPOLL_CTL_ADD, fd, EPOLLIN, (uint64_t)fd);
}

/* Accept every client waiting. */
void server_stream_accept_all(struct server *s)
{
	for (;;) {
		if (server_stream_grow(s) < 0) {
			event_emit_error(&s->qsink, SRC_SERVER, 0, ENOMEM, "accept %s", s->addr.text);
			return;
		}
		int fd = accept4(s->ls.lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (accept_failed(s, errno))
				continue;
			return;
		}
		s->accept_error_shown = false;
		char *buf = malloc(s->opts.chunk);
		int r = buf ? track_fd(s, fd) : -ENOMEM;
		if (r < 0) {
			free(buf);
			close(fd);
			event_emit_error(&s->qsink, SRC_SERVER, 0, -r, "accept %s", s->addr.text);
			return;
		}
		struct peer_cred cred;
		sysio_peer_cred(fd, &cred);
		uint32_t peer_ino = own_client_ino(fd, &cred);
		if (s->opts.type == SOCK_SEQPACKET) {
			int one = 1;   /* each message then says who sent it (send --creds) */
			setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
		}
		pthread_mutex_lock(&s->conns_lock);
		struct conn *c = &s->conns[s->nconns++];
		memset(c, 0, sizeof(*c));
		c->fd = fd;
		c->buf = buf;
		c->id = ++s->ls.next_id;
		c->cred = cred;
		c->peer_ino = peer_ino;
		s->conn_of_fd[fd] = (int)(s->nconns - 1);
		pthread_mutex_unlock(&s->conns_lock);
		atomic_fetch_add(&s->ls.stats.clients, 1);
		atomic_fetch_add(&s->ls.stats.accepted, 1);
		say_accepted(s, c);
	}
}

static void add_relaxed(atomic_uint_fast64_t *c, uint64_t n)
{
	/* Only this thread writes it: no locked instruction needed. */
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n,
			      memory_order_relaxed);
}

/* The descriptors that came with the chunk go back with its first byte, then ours close. */
static ssize_t send_echo(struct conn *c)
{
	struct ancil back = { .nfds = c->held.nfds };
	memcpy(back.fds, c->held.fds, sizeof(int) * back.nfds);
	ssize_t n = msgio_send(c->fd, c->buf + c->off, c->pending, back.nfds ? &back : NULL,
			       NULL, 0);
	if (n >= 0)
		ancil_close(&c->held);
	return n;
}

/* Write what is pending for connection C. Returns 0 (done or would block) or -errno. */
static int flush_conn(struct server *s, struct conn *c)
{
	size_t nfds = c->held.nfds;
	while (c->pending) {
		ssize_t n = send_echo(c);
		if (n < 0) {
			if (n == -EAGAIN) {
				atomic_store_explicit(&c->shown_pending, c->pending,
						      memory_order_relaxed);
				return 0;
			}
			return (int)n;
		}
		c->off += (size_t)n;
		c->pending -= (size_t)n;
	}
	/* The whole chunk is back with the client. */
	size_t total = c->off;
	stats_add_out(&s->ls.stats, total);
	add_relaxed(&c->bytes_out, total);
	atomic_store_explicit(&c->shown_pending, 0, memory_order_relaxed);
	c->off = 0;
	struct event *ev = server_slot(s);
	event_init(ev, SRC_SERVER, EV_SEND);
	ev->conn = c->id;
	ev->nbytes = total;
	ev->nfds = (uint8_t)nfds;
	ev->message = s->opts.type != SOCK_STREAM;
	ev->capture = c->cap_id;   /* the echo is the chunk received, byte for byte */
	server_commit(s);
	return 0;
}

static void went_away(struct server *s, size_t i, int err)
{
	close_conn(s, i, REASON_SEND_FAILED, err);
}

/* One recv (a chunk of the stream, or one message) from connection I, said as an event.
 * Returns 1 when bytes are now pending for the echo, 0 when nothing waits, -1 when the
 * connection was closed. */
static int recv_chunk(struct server *s, size_t i)
{
	struct conn *c = &s->conns[i];
	bool message = s->opts.type != SOCK_STREAM;
	struct msgio_in in;
	ssize_t n = msgio_recv(c->fd, c->buf, server_chunk_now(s), message, 0, &in);
	if (n == -EAGAIN)
		return 0;
	if (n < 0) {
		close_conn(s, i, REASON_RECV_FAILED, (int)-n);
		return -1;
	}
	/* A stream's end is said as its 0-byte read (the walkthrough's); a seqpacket peer's
	 * end is not a message. */
	if (message && msgio_seqpacket_end(n, &in)) { /* SO_PASSCRED is on since accept */
		ancil_close(&in.anc);
		close_conn(s, i, REASON_PEER_CLOSED, 0);
		return -1;
	}
	struct event *ev = server_slot(s);
	event_init(ev, SRC_SERVER, EV_RECV);
	ev->conn = c->id;
	event_set_bytes(ev, c->buf, (size_t)n);
	msgio_describe(ev, &in, message, false);
	if (s->opts.capture && n > 0)
		ev->capture = c->cap_id = capture_put(s->opts.capture, c->buf, (size_t)n);
	server_commit(s);
	msgio_say_fds(&s->qsink, SRC_SERVER, c->id, &in.anc, "; passed back with the echo");
	c->held = in.anc;
	if (n == 0 && !message) {
		close_conn(s, i, REASON_PEER_CLOSED, 0);
		return -1;
	}
	stats_add_in(&s->ls.stats, (size_t)n);
	add_relaxed(&c->bytes_in, (size_t)n);
	c->pending = (size_t)n;
	c->off = 0;
	/* A short read emptied the queue (a stream's): skip the recv that would say EAGAIN. */
	return message || (size_t)n == s->opts.chunk ? 1 : 2;
}

/* Serve connection I: echo up to SERVER_BUDGET chunks, until the socket would block.
 * Returns true when the connection was closed. */
static bool serve_conn(struct server *s, size_t i, short revents)
{
	struct conn *c = &s->conns[i];
	if (c->pending && !(revents & (POLLOUT | POLLERR | POLLHUP)))
		return false;
	if (!c->pending && !(revents & (POLLIN | POLLERR | POLLHUP)))
		return false;
	for (int budget = SERVER_BUDGET; budget > 0; budget--) {
		if (c->pending) {
			int r = flush_conn(s, c);
			if (r < 0) {
				went_away(s, i, -r);
				return true;
			}
			if (c->pending)
				return false;   /* the client is not reading: wait for POLLOUT */
		}
		int got = recv_chunk(s, i);
		if (got <= 0)
			return got < 0;
		if (got == 2)
			break;
	}
	/* Budget spent with the last chunk not yet sent: send it now. */
	if (c->pending) {
		int r = flush_conn(s, c);
		if (r < 0) {
			went_away(s, i, -r);
			return true;
		}
	}
	return false;
}

/* Keep epoll's interest in step with the state: a connection with an echo pending waits to
 * write (backpressure: no reading meanwhile), else to read; the listener only while accepts
 * are not paused. Only changes cost a system call. */
static int watch_conn(struct server *s, struct conn *c)
{
	bool out = c->pending != 0;
	if (out == c->watch_out)
		return 0;
	int r = server_epoll_set(s, EPOLL_CTL_MOD, c->fd, out ? EPOLLOUT : EPOLLIN, (uint64_t)c->fd);
	if (r == 0)
		c->watch_out = out;
	return r;
}

/* Serve connection I for what epoll said (REVENTS), and keep epoll's interest in step. */
void server_stream_ready(struct server *s, size_t i, short revents)
{
	if (serve_conn(s, i, revents))
		return;
	/* Waiting on the wrong side would spin (or stall): such a connection ends. */
	int e = -watch_conn(s, &s->conns[i]);
	if (e) {
		close_conn(s, i, REASON_EPOLL_FAILED, e);
	}
}

/* Close every connection: the server is stopping. */
void server_stream_close_all(struct server *s)
{
	while (s->nconns)
		close_conn(s, s->nconns - 1, REASON_STOPPING, 0);
}
