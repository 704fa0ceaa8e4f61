/* server: the echo server session, a poll loop in its own thread serving many clients. */
#include "config.h"

#include "core/session/server.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sys/epoll.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/io/ancil.h"
#include "core/base/capture.h"
#include "core/session/chunkreq.h"
#include "core/io/msgio.h"
#include "core/io/node.h"
#include "core/session/session.h"
#include "core/system/sockets.h"
#include "core/base/socktype.h"
#include "core/base/sysio.h"
#include "core/base/words.h"

/* Events the thread gathers before handing them to the bus under one lock. */
#define SERVER_EVQ 64
/* Chunks served from one connection before the others get their turn. */
#define SERVER_BUDGET 64

/* Readiness reported by one epoll_wait. */
#define SERVER_EVENTS 64

/* A datagram server's first buffer when it receives whole datagrams (it grows to fit). */
#define SERVER_DGRAM_FIRST 4096

/* How long to stop accepting after EMFILE/ENFILE when no client leaves meanwhile. */
#define SERVER_EMFILE_PAUSE_MS 1000

struct conn {
	int fd;
	uint32_t id;
	size_t pending, off;      /* echo bytes in buf not yet written, from off */
	struct peer_cred cred;
	uint32_t peer_ino;        /* a client of this very process: its end's inode, else 0 */
	atomic_uint_fast64_t bytes_in, bytes_out;
	atomic_size_t shown_pending;  /* pending, for readers outside the thread */
	char *buf;                /* chunk-sized, allocated once per connection */
	struct ancil held;        /* descriptors that came with the chunk in buf: echoed with it */
	uint64_t cap_id;          /* the chunk in buf, in the capture store (0: not kept) */
	bool watch_out;           /* epoll waits for POLLOUT (an echo is pending), else POLLIN */
};

struct server {
	struct uds_addr addr;
	struct server_opts opts;
	int lfd;
	int ctl[2];
	pthread_t thread;
	bool thread_started;
	atomic_bool finished;
	bool own_node;
	struct stat node;             /* the node bind() made, removed at stop if still there */
	struct stats stats;
	struct event_sink later;
	uint32_t next_id;
	/* The thread changes the set of connections (accept, close) under conns_lock; it reads
	 * and writes data without it. Other threads take it to look at the set. */
	pthread_mutex_t conns_lock;
	struct conn *conns;
	size_t nconns, capconns;
	/* epoll, not poll: its interest stays registered, so a round costs one epoll_wait, not
	 * a walk of every descriptor (poll was a quarter of a 1-byte ping-pong's server CPU). */
	int epfd;
	struct epoll_event *ready;    /* SERVER_EVENTS of them */
	int *conn_of_fd;              /* fd -> index in conns, -1: none */
	size_t nconn_of_fd;
	bool listener_watched;
	bool accept_paused;
	bool accept_error_shown;      /* this run of EMFILE was reported already */
	bool stopping;
	struct event *evq;            /* the thread's outgoing events, flushed before each poll */
	size_t evq_n;
	struct event_sink qsink;      /* a sink into evq, for the thread's own lines */
	uint64_t paused_until_ns;
	char *dbuf;                   /* datagram server: one datagram's worth */
	size_t dcap;                  /* bytes dbuf holds (it grows to a whole datagram) */
	uint64_t echo_dropped;        /* datagram echoes the kernel refused */
	atomic_uint chunk_req;        /* server_set_chunk: the receive size asked for (0: none) */
};

static unsigned chunk_now(struct server *s);

/* Make room for the node (node_claim: a stale socket goes, anything else stays and is an
 * error). Returns 0 or -errno after one error line. */
static int prepare_node(const struct uds_addr *addr, const struct event_sink *now)
{
	char why[PATH_MAX + 160];
	bool removed;
	int r = node_claim(addr, &removed, why, sizeof(why));
	if (r == -ESTALE)
		event_emit_error(now, SRC_SERVER, 0, ESTALE, "server start %s: the node changed "
				 "while it was checked: %s", addr->text, why);
	else if (r < 0)
		event_emit_error(now, SRC_SERVER, 0, -r, "server start %s: %s", addr->text, why);
	else if (removed)
		event_emit_info(now, SRC_SERVER, 0,
				"removed stale socket node %s (no socket was bound to it)", addr->text);
	return r;
}

static void *server_main(void *arg);
static void queue_emit(void *ctx, struct event *ev);

/* A stream or seqpacket server listens; a datagram server takes every datagram on the bound
 * socket itself and asks for each one's credentials. */
static int listen_or_passcred(struct server *s)
{
	int one = 1;
	if (s->opts.type == SOCK_DGRAM)
		return setsockopt(s->lfd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0 ? -errno : 0;
	return listen(s->lfd, s->opts.backlog) < 0 ? -errno : 0;
}

/* A server with nothing opened yet; NULL on ENOMEM. */
static struct server *server_new(const struct uds_addr *addr, const struct server_opts *opts,
				 const struct event_sink *later)
{
	struct server *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->addr = *addr;
	s->opts = *opts;
	if (!s->opts.type)
		s->opts.type = SOCK_STREAM;
	s->lfd = s->ctl[0] = s->ctl[1] = s->epfd = -1;
	s->later = *later;
	atomic_init(&s->finished, false);
	stats_init(&s->stats);
	pthread_mutex_init(&s->conns_lock, NULL);
	s->qsink = (struct event_sink){ queue_emit, s, NULL };
	s->evq = malloc(SERVER_EVQ * sizeof(*s->evq));
	s->ready = malloc(SERVER_EVENTS * sizeof(*s->ready));
	if (s->opts.type != SOCK_DGRAM && !s->opts.chunk)
		s->opts.chunk = SERVER_CHUNK_DEFAULT; /* only a datagram is received whole */
	if (s->opts.type == SOCK_DGRAM) {
		s->dcap = s->opts.chunk ? s->opts.chunk : SERVER_DGRAM_FIRST;
		s->dbuf = malloc(s->dcap);
	}
	if (!s->evq || !s->ready || (s->opts.type == SOCK_DGRAM && !s->dbuf)) {
		atomic_store(&s->finished, true);
		server_destroy(s, NULL);
		return NULL;
	}
	return s;
}

/* Make the node safe to take, then the socket: bound with the mode, listening (or, for
 * datagrams, asking for credentials). Returns 0 or -errno after one error line. */
static int open_socket(struct server *s, const struct event_sink *now)
{
	const struct uds_addr *addr = &s->addr;
	int r;
	if (!addr->abstract && (r = prepare_node(addr, now)) < 0)
		return r;
	s->lfd = socket(AF_UNIX, s->opts.type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s->lfd < 0) {
		event_emit_error(now, SRC_SERVER, 0, errno, "socket");
		return -errno;
	}
	if ((r = node_bind(s->lfd, addr, s->opts.mode)) < 0) {
		event_emit_error(now, SRC_SERVER, 0, -r, "bind %s", addr->text);
		return r;
	}
	/* Ours to remove if listen fails; checked against the kernel's word once listening. */
	if (!addr->abstract && lstat(addr->text, &s->node) == 0 && S_ISSOCK(s->node.st_mode))
		s->own_node = true;
	if ((r = listen_or_passcred(s)) < 0) {
		event_emit_error(now, SRC_SERVER, 0, -r, "%s %s",
				 s->opts.type == SOCK_DGRAM ? "setsockopt SO_PASSCRED" : "listen",
				 addr->text);
		return r;
	}
	bool verified;
	if (s->own_node && node_bound_here(s->lfd, addr->text, &s->node, &verified) == -ESTALE) {
		s->own_node = false;
		event_emit_info(now, SRC_SERVER, 0,
				"the node at %s is not the one just bound (it was replaced); it will "
				"not be removed at stop", addr->text);
	}
	return 0;
}

/* epoll data: a connection's is its fd; these two are above any fd. */
#define TAG_CTL ((uint64_t)1 << 32)
#define TAG_LISTENER (((uint64_t)1 << 32) + 1)

static int epoll_set(struct server *s, int op, int fd, uint32_t events, uint64_t tag)
{
	struct epoll_event ev = { .events = events, .data.u64 = tag };
	return epoll_ctl(s->epfd, op, fd, &ev) < 0 ? -errno : 0;
}

/* The epoll set: the control pipe and the listener (connections join as they come). */
static int open_epoll(struct server *s)
{
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epfd < 0)
		return -errno;
	int r = epoll_set(s, EPOLL_CTL_ADD, s->ctl[0], EPOLLIN, TAG_CTL);
	if (r == 0)
		r = epoll_set(s, EPOLL_CTL_ADD, s->lfd, EPOLLIN, TAG_LISTENER);
	s->listener_watched = r == 0;
	return r;
}

int server_start(struct server **out, const struct uds_addr *addr, const struct server_opts *opts,
		 const struct event_sink *now, const struct event_sink *later)
{
	*out = NULL;
	struct server *s = server_new(addr, opts, later);
	if (!s) {
		event_emit_error(now, SRC_SERVER, 0, ENOMEM, "server start %s", addr->text);
		return -ENOMEM;
	}
	int r = open_socket(s, now);
	if (r == 0 && (r = sysio_pipe(s->ctl, O_NONBLOCK)) < 0)
		event_emit_error(now, SRC_SERVER, 0, -r, "pipe");
	if (r == 0 && (r = open_epoll(s)) < 0)
		event_emit_error(now, SRC_SERVER, 0, -r, "epoll %s", addr->text);
	if (r == 0) {
		struct event ev;
		event_init(&ev, SRC_SERVER, EV_LISTEN);
		char name[ADDR_BYTES_SIZE];
		event_text_name(&ev, "", name, addr_bytes(addr, name, sizeof(name)), "");
		ev.socktype = (uint8_t)s->opts.type;
		sink_emit(now, &ev);
		r = session_thread_start(&s->thread, &s->thread_started, server_main, s, now,
					 SRC_SERVER, "server start", addr->text);
	}
	if (r < 0) {
		atomic_store(&s->finished, true);
		server_destroy(s, now);
		return r;
	}
	*out = s;
	return 0;
}

void server_request_stop(struct server *s)
{
	sysio_poke(s->ctl[1]);
}

bool server_finished(const struct server *s)
{
	return atomic_load(&s->finished);
}

static void remove_node(struct server *s, const struct event_sink *now)
{
	if (!s->own_node)
		return;
	const char *path = s->addr.text;
	char why[PATH_MAX + 160];
	int r = node_remove(path, &s->node, why, sizeof(why));
	if (r == 0)
		event_emit_info(now, SRC_SERVER, 0, "removed socket node %s", path);
	else if (r == -ENOENT)
		event_emit_info(now, SRC_SERVER, 0, "socket node %s was already removed", path);
	else if (r == -ESTALE)
		event_emit_info(now, SRC_SERVER, 0,
				"left %s alone: it is no longer the node this server created (%s)",
				path, why);
	else
		event_emit_error(now, SRC_SERVER, 0, -r, "server stop: remove %s", path);
}

void server_destroy(struct server *s, const struct event_sink *now)
{
	if (!s)
		return;
	if (s->thread_started) {
		pthread_join(s->thread, NULL);
		struct stats_snapshot sn;
		stats_snapshot(&s->stats, &sn);
		bool dg = s->opts.type == SOCK_DGRAM;
		char in[WORDS_AMOUNT_SIZE], out[WORDS_AMOUNT_SIZE];
		words_amount(sn.bytes_in, sn.chunks_in, dg ? "datagram" : "chunk", in, sizeof(in));
		words_amount(sn.bytes_out, sn.chunks_out, dg ? "datagram" : "chunk", out,
			     sizeof(out));
		if (dg)
			event_emit_info(now, SRC_SERVER, 0,
					"stopped: received %s, sent %s, %llu echo%s not delivered",
					in, out, (unsigned long long)s->echo_dropped,
					s->echo_dropped == 1 ? "" : "es");
		else
			event_emit_info(now, SRC_SERVER, 0,
					"stopped after %llu connection%s: received %s, sent %s",
					(unsigned long long)sn.accepted,
					sn.accepted == 1 ? "" : "s", in, out);
	}
	sysio_close(&s->lfd);
	remove_node(s, now);
	sysio_close(&s->ctl[0]);
	sysio_close(&s->ctl[1]);
	pthread_mutex_destroy(&s->conns_lock);
	free(s->evq);
	free(s->dbuf);
	free(s->conns);
	free(s->ready);
	free(s->conn_of_fd);
	sysio_close(&s->epfd);
	free(s);
}

size_t server_conns(struct server *s, struct server_conn_info *out, size_t max)
{
	pthread_mutex_lock(&s->conns_lock);
	size_t n = s->nconns < max ? s->nconns : max;
	for (size_t i = 0; i < n; i++) {
		const struct conn *c = &s->conns[i];
		struct server_conn_info *o = &out[i];
		memset(o, 0, sizeof(*o));
		o->id = c->id;
		o->has_cred = c->cred.ok;
		o->pid = c->cred.pid;
		o->uid = c->cred.uid;
		o->gid = c->cred.gid;
		memcpy(o->comm, c->cred.comm, sizeof(o->comm));
		o->bytes_in = atomic_load_explicit(&c->bytes_in, memory_order_relaxed);
		o->bytes_out = atomic_load_explicit(&c->bytes_out, memory_order_relaxed);
		o->pending = atomic_load_explicit(&c->shown_pending, memory_order_relaxed);
		/* The fd cannot be closed meanwhile: closing takes conns_lock. */
		if (ioctl(c->fd, SIOCINQ, &o->inq) < 0)
			o->inq = -1;
		if (ioctl(c->fd, SIOCOUTQ, &o->outq) < 0)
			o->outq = -1;
		socklen_t sl = sizeof(o->sndbuf);
		if (getsockopt(c->fd, SOL_SOCKET, SO_SNDBUF, &o->sndbuf, &sl) < 0)
			o->sndbuf = -1;
	}
	pthread_mutex_unlock(&s->conns_lock);
	return n;
}

const struct uds_addr *server_addr(const struct server *s)
{
	return &s->addr;
}

const struct stats *server_stats(const struct server *s)
{
	return &s->stats;
}

const struct server_opts *server_options(const struct server *s)
{
	return &s->opts;
}

/* ---- the thread ---- */

static void flush_events(struct server *s)
{
	if (s->evq_n)
		sink_emit_many(&s->later, s->evq, s->evq_n);
	s->evq_n = 0;
}

/* The next free event slot; fill it, then commit(). */
static struct event *slot(struct server *s)
{
	if (s->evq_n == SERVER_EVQ)
		flush_events(s);
	return &s->evq[s->evq_n];
}

static void commit(struct server *s)
{
	s->evq_n++;
}

static void emit(struct server *s, struct event *ev)
{
	*slot(s) = *ev;
	commit(s);
}

static void queue_emit(void *ctx, struct event *ev)
{
	emit(ctx, ev);
}

static void describe_peer(const struct conn *c, char *buf, size_t len)
{
	if (c->cred.ok)
		snprintf(buf, len, "pid %ld (%s)", (long)c->cred.pid,
			 c->cred.comm[0] ? c->cred.comm : "?");
	else
		snprintf(buf, len, "connection #%u", c->id);
}

static void close_conn(struct server *s, size_t i, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void close_conn(struct server *s, size_t i, const char *fmt, ...)
{
	struct conn *c = &s->conns[i];
	struct event ev;
	event_init(&ev, SRC_SERVER, EV_CLOSE);
	ev.conn = c->id;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ev.text, sizeof(ev.text), fmt, ap);
	va_end(ap);
	emit(s, &ev);
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
	atomic_fetch_sub(&s->stats.clients, 1);
	s->accept_paused = false;
	if (s->nconns == 0 && !s->stopping) {
		event_init(&ev, SRC_SERVER, EV_WAIT);
		emit(s, &ev);
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

static int grow(struct server *s)
{
	if (s->nconns < s->capconns)
		return 0;
	return resize_table(s, s->capconns ? s->capconns * 2 : 16);
}

/* After a crowd has gone, give the table back: memory returns to where it was. */
static void trim(struct server *s)
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
	emit(s, &ev);
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
	return epoll_set(s, EPOLL_CTL_ADD, fd, EPOLLIN, (uint64_t)fd);
}

static void accept_all(struct server *s)
{
	for (;;) {
		if (grow(s) < 0) {
			event_emit_error(&s->qsink, SRC_SERVER, 0, ENOMEM, "accept %s", s->addr.text);
			return;
		}
		int fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
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
		c->id = ++s->next_id;
		c->cred = cred;
		c->peer_ino = peer_ino;
		s->conn_of_fd[fd] = (int)(s->nconns - 1);
		pthread_mutex_unlock(&s->conns_lock);
		atomic_fetch_add(&s->stats.clients, 1);
		atomic_fetch_add(&s->stats.accepted, 1);
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
	stats_add_out(&s->stats, total);
	add_relaxed(&c->bytes_out, total);
	atomic_store_explicit(&c->shown_pending, 0, memory_order_relaxed);
	c->off = 0;
	struct event *ev = slot(s);
	event_init(ev, SRC_SERVER, EV_SEND);
	ev->conn = c->id;
	ev->nbytes = total;
	ev->nfds = (uint8_t)nfds;
	ev->message = s->opts.type != SOCK_STREAM;
	ev->capture = c->cap_id;   /* the echo is the chunk received, byte for byte */
	commit(s);
	return 0;
}

static void went_away(struct server *s, size_t i, int err)
{
	char who[64];
	describe_peer(&s->conns[i], who, sizeof(who));
	close_conn(s, i, "%s went away with %zu bytes of echo unsent: %s (%s)", who,
		   s->conns[i].pending, strerror(err), event_errno_name(err));
}

/* One recv (a chunk of the stream, or one message) from connection I, said as an event.
 * Returns 1 when bytes are now pending for the echo, 0 when nothing waits, -1 when the
 * connection was closed. */
static int recv_chunk(struct server *s, size_t i)
{
	struct conn *c = &s->conns[i];
	char who[64];
	bool message = s->opts.type != SOCK_STREAM;
	struct msgio_in in;
	ssize_t n = msgio_recv(c->fd, c->buf, chunk_now(s), message, 0, &in);
	if (n == -EAGAIN)
		return 0;
	if (n < 0) {
		describe_peer(c, who, sizeof(who));
		close_conn(s, i, "connection with %s ended: recv: %s (%s)", who,
			   strerror((int)-n), event_errno_name((int)-n));
		return -1;
	}
	/* A stream's end is said as its 0-byte read (the walkthrough's); a seqpacket peer's
	 * end is not a message. */
	if (message && msgio_seqpacket_end(n, &in)) { /* SO_PASSCRED is on since accept */
		ancil_close(&in.anc);
		describe_peer(c, who, sizeof(who));
		close_conn(s, i, "no data from %s (connection closed)", who);
		return -1;
	}
	struct event *ev = slot(s);
	event_init(ev, SRC_SERVER, EV_RECV);
	ev->conn = c->id;
	event_set_bytes(ev, c->buf, (size_t)n);
	msgio_describe(ev, &in, message, false);
	if (s->opts.capture && n > 0)
		ev->capture = c->cap_id = capture_put(s->opts.capture, c->buf, (size_t)n);
	commit(s);
	msgio_say_fds(&s->qsink, SRC_SERVER, c->id, &in.anc, "; passed back with the echo");
	c->held = in.anc;
	if (n == 0 && !message) {
		describe_peer(c, who, sizeof(who));
		close_conn(s, i, "no data from %s (connection closed)", who);
		return -1;
	}
	stats_add_in(&s->stats, (size_t)n);
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

/* ---- a datagram server: one socket, every sender at once ---- */

/* Echo N bytes of S->dbuf to the datagram's sender, with its descriptors. */
static void echo_datagram(struct server *s, const struct msgio_in *in, size_t n,
			  const char *who, uint64_t cap)
{
	if (in->fromlen <= offsetof(struct sockaddr_un, sun_path)) {
		event_emit_info(&s->qsink, SRC_SERVER, 0, "sender is unbound: no reply possible");
		return;
	}
	struct ancil back = in->anc;
	back.has_cred = false;   /* the descriptors go back; the sender's credentials do not */
	ssize_t r = msgio_send(s->lfd, s->dbuf, n, back.nfds ? &back : NULL, &in->from,
			       in->fromlen);
	if (r < 0) {
		s->echo_dropped++;
		event_emit_info(&s->qsink, SRC_SERVER, 0, "echo to %s not delivered: %s (%s)%s",
				who, strerror((int)-r), event_errno_name((int)-r),
				r == -EAGAIN ? " (its receive queue is full)"
				: r == -ECONNREFUSED || r == -ENOENT ? " (the sender is gone)" : "");
		return;
	}
	stats_add_out(&s->stats, (size_t)r);
	struct event *ev = slot(s);
	event_init(ev, SRC_SERVER, EV_SEND);
	ev->nbytes = (uint64_t)r;
	ev->message = true;
	ev->nfds = (uint8_t)in->anc.nfds;
	ev->sender = (uint8_t)msgio_sender_text(ev, &in->from, in->fromlen);
	ev->capture = cap;
	commit(s);
}

/* Take one datagram: say it, echo it. Returns false when nothing waits. */
static bool serve_datagram(struct server *s)
{
	struct msgio_in in;
	ssize_t want = chunk_now(s);
	if (!want) {
		want = msgio_whole(s->lfd, &s->dbuf, &s->dcap, SERVER_CHUNK_MAX);
		if (want == -EAGAIN)
			return false;
		if (want < 0)
			want = (ssize_t)s->dcap; /* no room for it whole: cut, and said */
	}
	ssize_t n = msgio_recv(s->lfd, s->dbuf, (size_t)want, true, 0, &in);
	if (n == -EAGAIN)
		return false;
	if (n < 0) {
		event_emit_error(&s->qsink, SRC_SERVER, 0, (int)-n, "recvmsg %s", s->addr.text);
		return false;
	}
	stats_add_in(&s->stats, (size_t)n);
	struct event *ev = slot(s);
	event_init(ev, SRC_SERVER, EV_RECV);
	event_set_bytes(ev, s->dbuf, (size_t)n);
	msgio_describe(ev, &in, true, true);
	uint64_t cap = 0;
	if (s->opts.capture && n > 0)
		ev->capture = cap = capture_put(s->opts.capture, s->dbuf, (size_t)n);
	char who[EVENT_TEXT_MAX];
	snprintf(who, sizeof(who), "%s", ev->text);
	commit(s);
	msgio_say_fds(&s->qsink, SRC_SERVER, 0, &in.anc, "; passed back with the echo");
	echo_datagram(s, &in, (size_t)n, who, cap);
	ancil_close(&in.anc);
	return true;
}

static void serve_datagrams(struct server *s)
{
	for (int budget = SERVER_BUDGET; budget > 0 && serve_datagram(s); budget--)
		;
}

/* Keep epoll's interest in step with the state: a connection with an echo pending waits to
 * write (backpressure: no reading meanwhile), else to read; the listener only while accepts
 * are not paused. Only changes cost a system call. */
static int watch_conn(struct server *s, struct conn *c)
{
	bool out = c->pending != 0;
	if (out == c->watch_out)
		return 0;
	int r = epoll_set(s, EPOLL_CTL_MOD, c->fd, out ? EPOLLOUT : EPOLLIN, (uint64_t)c->fd);
	if (r == 0)
		c->watch_out = out;
	return r;
}

static void watch_listener(struct server *s)
{
	bool want = !s->accept_paused;
	if (want != s->listener_watched &&
	    epoll_set(s, EPOLL_CTL_MOD, s->lfd, want ? EPOLLIN : 0, TAG_LISTENER) == 0)
		s->listener_watched = want;
}

/* Serve what one epoll_wait reported. Connections first, so what clients already said is not
 * lost to a stop request; returns true when the control pipe asks to stop. */
static bool serve_ready(struct server *s, int n)
{
	bool stop = false, listener = false;
	for (int k = 0; k < n; k++) {
		uint64_t tag = s->ready[k].data.u64;
		if (tag == TAG_CTL || tag == TAG_LISTENER) {
			stop |= tag == TAG_CTL;
			listener |= tag == TAG_LISTENER && (s->ready[k].events & EPOLLIN);
			continue;
		}
		/* A connection closed earlier in this round is gone from the table. */
		int i = s->conn_of_fd[tag];
		if (i < 0)
			continue;
		if (serve_conn(s, (size_t)i, (short)s->ready[k].events))
			continue;
		/* Waiting on the wrong side would spin (or stall): such a connection ends. */
		int e = -watch_conn(s, &s->conns[i]);
		if (e) {
			char who[64];
			describe_peer(&s->conns[i], who, sizeof(who));
			close_conn(s, (size_t)i, "connection with %s closed: epoll_ctl: %s (%s)",
				   who, strerror(e), event_errno_name(e));
		}
	}
	if (stop)
		return true;
	if (listener && s->opts.type == SOCK_DGRAM)
		serve_datagrams(s);
	else if (listener)
		accept_all(s);
	return false;
}

static void *server_main(void *arg)
{
	struct server *s = arg;
	struct event ev;
	event_init(&ev, SRC_SERVER, EV_WAIT);
	if (s->opts.type == SOCK_DGRAM)
		event_textf(&ev, "waiting for datagrams");
	emit(s, &ev);
	if (grow(s) < 0) {
		event_emit_error(&s->qsink, SRC_SERVER, 0, ENOMEM, "server %s", s->addr.text);
		goto out;
	}
	for (;;) {
		int timeout = -1;
		if (s->accept_paused) {
			uint64_t now = event_now_ns();
			if (now >= s->paused_until_ns)
				s->accept_paused = false;
			else
				timeout = (int)((s->paused_until_ns - now) / 1000000u) + 1;
		}
		trim(s);
		watch_listener(s);
		flush_events(s);
		int r = epoll_wait(s->epfd, s->ready, SERVER_EVENTS, timeout);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			event_emit_error(&s->qsink, SRC_SERVER, 0, errno, "epoll_wait");
			break;
		}
		if (serve_ready(s, r))
			break;
	}
	s->stopping = true;
	while (s->nconns) {
		char who[64];
		describe_peer(&s->conns[s->nconns - 1], who, sizeof(who));
		close_conn(s, s->nconns - 1, "closed connection with %s: server stopping", who);
	}
out:
	flush_events(s);
	atomic_store(&s->finished, true);
	return NULL;
}

/* ---- as a session ---- */

static bool ops_finished(const void *s)
{
	return server_finished(s);
}

static int ops_status(const void *s)
{
	return 0;   /* a server that could not start never became a session */
}

static void ops_stop(void *s)
{
	server_request_stop(s);
}

static void ops_destroy(void *s, const struct event_sink *now)
{
	server_destroy(s, now);
}

static void ops_info(const void *p, struct session_info *out)
{
	const struct server *s = p;
	snprintf(out->path, sizeof(out->path), "%s", s->addr.text);
	out->type = socktype_name(s->opts.type);
	out->state = out->finished ? "stopped"
		     : s->opts.type == SOCK_DGRAM ? "receiving" : "listening";
	out->has_stats = true;
	stats_snapshot(&s->stats, &out->st);
	out->clients = out->finished ? 0 : out->st.clients;
}

const struct session_ops server_session_ops = {
	.kind = SESSION_SERVER,
	.name = "server",
	.finished = ops_finished,
	.status = ops_status,
	.stop = ops_stop,
	.destroy = ops_destroy,
	.info = ops_info,
};

/* ---- the receive size, changed while it runs; the ends' sockets, for matching them ---- */

/* Every buffer grows (or shrinks) to WANT, keeping echo bytes not yet sent; the size changes
 * only when every buffer could follow. */
static void apply_chunk(struct server *s, unsigned want)
{
	bool ok = true;
	for (size_t i = 0; i < s->nconns; i++) {
		struct conn *c = &s->conns[i];
		size_t keep = c->off + c->pending, size = want > keep ? want : keep;
		char *nb = realloc(c->buf, size ? size : 1);
		if (nb)
			c->buf = nb;
		ok = ok && nb;
	}
	if (s->dbuf) {
		char *nb = realloc(s->dbuf, want);
		if (nb) {
			s->dbuf = nb;
			s->dcap = want;
		}
		ok = ok && nb;
	}
	if (ok)
		s->opts.chunk = want;
}

/* The receive size for the next recv (the thread's own copy, updated here). */
static unsigned chunk_now(struct server *s)
{
	unsigned want = chunkreq_pending(&s->chunk_req, s->opts.chunk);
	if (want)
		apply_chunk(s, want);
	return s->opts.chunk;
}

unsigned server_set_chunk(struct server *s, unsigned chunk)
{
	return chunkreq_set(&s->chunk_req, &s->opts.chunk, chunk);
}

unsigned server_chunk(const struct server *s)
{
	return chunkreq_asked(&s->chunk_req, &s->opts.chunk);
}
