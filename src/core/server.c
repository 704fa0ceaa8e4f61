/* server: the echo server session, a poll loop in its own thread serving many clients. */
#include "config.h"

#include "core/server.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
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

#include "core/ancil.h"
#include "core/capture.h"
#include "core/msgio.h"
#include "core/node.h"
#include "core/session.h"
#include "core/socktype.h"
#include "core/sysio.h"

/* Events the thread gathers before handing them to the bus under one lock. */
#define SERVER_EVQ 64
/* Chunks served from one connection before the others get their turn. */
#define SERVER_BUDGET 64

/* How long to stop accepting after EMFILE/ENFILE when no client leaves meanwhile. */
#define SERVER_EMFILE_PAUSE_MS 1000

struct conn {
	int fd;
	uint32_t id;
	size_t pending, off;      /* echo bytes in buf not yet written, from off */
	struct peer_cred cred;
	atomic_uint_fast64_t bytes_in, bytes_out;
	atomic_size_t shown_pending;  /* pending, for readers outside the thread */
	char *buf;                /* chunk-sized, allocated once per connection */
	struct ancil held;        /* descriptors that came with the chunk in buf: echoed with it */
	uint64_t cap_id;          /* the chunk in buf, in the capture store (0: not kept) */
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
	struct pollfd *pfds;
	bool accept_paused;
	bool accept_error_shown;      /* this run of EMFILE was reported already */
	bool stopping;
	struct event *evq;            /* the thread's outgoing events, flushed before each poll */
	size_t evq_n;
	struct event_sink qsink;      /* a sink into evq, for the thread's own lines */
	uint64_t paused_until_ns;
	char *dbuf;                   /* datagram server: one datagram's worth */
	uint64_t echo_dropped;        /* datagram echoes the kernel refused */
};

/* umask is per process: only one thread may bracket a bind with it at a time. */
static pthread_mutex_t umask_lock = PTHREAD_MUTEX_INITIALIZER;

/* Something is at PATH that is not ours to remove: say what (NP) and return -errno. */
static int refuse_node(const char *path, const struct node_probe *np,
		       const struct event_sink *now)
{
	char holder[96] = "";
	if (np->pid)
		snprintf(holder, sizeof(holder), " (held by pid %ld (%s) fd %d)", (long)np->pid,
			 np->comm[0] ? np->comm : "?", np->fd);
	switch (np->state) {
	case NODE_NOT_SOCKET:
		if (S_ISLNK(np->st.st_mode)) {
			char target[256];
			ssize_t n = readlink(path, target, sizeof(target) - 1);
			target[n > 0 ? n : 0] = '\0';
			event_emit_error(now, SRC_SERVER, 0, EEXIST,
					 "server start %s: exists and is a symbolic link to '%s', not a "
					 "socket; left untouched", path, target);
		} else {
			event_emit_error(now, SRC_SERVER, 0, EEXIST,
					 "server start %s: exists and is %s, not a socket; left untouched",
					 path, node_kind_name(np->st.st_mode));
		}
		return -EEXIST;
	case NODE_LISTENING:
		event_emit_error(now, SRC_SERVER, 0, EADDRINUSE,
				 "server start %s: a server is already listening there; left untouched%s",
				 path, holder);
		return -EADDRINUSE;
	case NODE_BOUND:
		if (np->type == SOCK_DGRAM) {
			event_emit_error(now, SRC_SERVER, 0, EADDRINUSE, "server start %s: a datagram "
					 "socket is bound there and receiving; left untouched%s", path,
					 holder);
			return -EADDRINUSE;
		}
		event_emit_error(now, SRC_SERVER, 0, EADDRINUSE,
				 "server start %s: a socket is bound to this node but not listening "
				 "yet; left untouched%s", path, holder);
		return -EADDRINUSE;
	default:
		event_emit_error(now, SRC_SERVER, 0, np->err,
				 "server start %s: cannot tell whether the existing socket is live "
				 "(left untouched): connect", path);
		return -np->err;
	}
}

/* Make room for the node: a stale socket goes, anything else stays and is an error. */
static int prepare_node(const struct uds_addr *addr, const struct event_sink *now)
{
	const char *path = addr->text;
	struct node_probe np;
	if (node_probe(addr, &np) < 0) {
		event_emit_error(now, SRC_SERVER, 0, np.err, "server start: lstat %s", path);
		return -np.err;
	}
	if (np.state == NODE_ABSENT)
		return 0;
	if (np.state != NODE_STALE)
		return refuse_node(path, &np, now);
	char why[PATH_MAX + 160];
	int r = node_remove(path, &np.st, why, sizeof(why));
	if (r == -ESTALE) {
		event_emit_error(now, SRC_SERVER, 0, ESTALE,
				 "server start %s: the node changed while it was checked: %s", path, why);
		return r;
	}
	if (r < 0 && r != -ENOENT) {
		event_emit_error(now, SRC_SERVER, 0, -r, "server start: remove stale node %s", path);
		return r;
	}
	event_emit_info(now, SRC_SERVER, 0,
			"removed stale socket node %s (no socket was bound to it)", path);
	return 0;
}

static int bind_with_mode(int fd, const struct uds_addr *addr, int mode)
{
	int r;
	if (mode < 0 || addr->abstract) {
		r = bind(fd, (const struct sockaddr *)&addr->sun, addr->len);
		return r < 0 ? -errno : 0;
	}
	/* The node gets 0777 & ~umask at creation: set the mode there, never chmod after. */
	pthread_mutex_lock(&umask_lock);
	mode_t old = umask((mode_t)(~mode & 0777));
	r = bind(fd, (const struct sockaddr *)&addr->sun, addr->len);
	int e = errno;
	umask(old);
	pthread_mutex_unlock(&umask_lock);
	return r < 0 ? -e : 0;
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
	s->lfd = s->ctl[0] = s->ctl[1] = -1;
	s->later = *later;
	atomic_init(&s->finished, false);
	stats_init(&s->stats);
	pthread_mutex_init(&s->conns_lock, NULL);
	s->qsink = (struct event_sink){ queue_emit, s, NULL };
	s->evq = malloc(SERVER_EVQ * sizeof(*s->evq));
	if (s->opts.type == SOCK_DGRAM)
		s->dbuf = malloc(s->opts.chunk);
	if (!s->evq || (s->opts.type == SOCK_DGRAM && !s->dbuf)) {
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
	if ((r = bind_with_mode(s->lfd, addr, s->opts.mode)) < 0) {
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
	if (r == 0) {
		struct event ev;
		event_init(&ev, SRC_SERVER, EV_LISTEN);
		event_textf(&ev, "%s", addr->text);
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
		if (s->opts.type == SOCK_DGRAM)
			event_emit_info(now, SRC_SERVER, 0, "stopped: received %llu bytes in %llu "
					"datagrams, sent %llu bytes in %llu datagrams, %llu echoes not "
					"delivered", (unsigned long long)sn.bytes_in,
					(unsigned long long)sn.chunks_in,
					(unsigned long long)sn.bytes_out,
					(unsigned long long)sn.chunks_out,
					(unsigned long long)s->echo_dropped);
		else
			event_emit_info(now, SRC_SERVER, 0,
				"stopped after %llu connections: received %llu bytes in %llu chunks, "
				"sent %llu bytes in %llu chunks",
				(unsigned long long)sn.accepted, (unsigned long long)sn.bytes_in,
				(unsigned long long)sn.chunks_in, (unsigned long long)sn.bytes_out,
				(unsigned long long)sn.chunks_out);
	}
	sysio_close(&s->lfd);
	remove_node(s, now);
	sysio_close(&s->ctl[0]);
	sysio_close(&s->ctl[1]);
	pthread_mutex_destroy(&s->conns_lock);
	free(s->evq);
	free(s->dbuf);
	free(s->conns);
	free(s->pfds);
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
	pthread_mutex_lock(&s->conns_lock);
	close(c->fd);
	ancil_close(&c->held);
	free(c->buf);
	s->conns[i] = s->conns[--s->nconns];
	pthread_mutex_unlock(&s->conns_lock);
	atomic_fetch_sub(&s->stats.clients, 1);
	s->accept_paused = false;
	if (s->nconns == 0 && !s->stopping) {
		event_init(&ev, SRC_SERVER, EV_WAIT);
		emit(s, &ev);
	}
}

/* Give the connection table (and the poll set beside it) room for NCAP connections. */
static int resize_table(struct server *s, size_t ncap)
{
	pthread_mutex_lock(&s->conns_lock);
	struct conn *nc = realloc(s->conns, ncap * sizeof(*nc));
	if (nc)
		s->conns = nc;
	pthread_mutex_unlock(&s->conns_lock);
	if (!nc)
		return -ENOMEM;
	struct pollfd *np = realloc(s->pfds, (ncap + 2) * sizeof(*np));
	if (!np)
		return -ENOMEM;
	s->pfds = np;
	s->capconns = ncap;
	return 0;
}

static int grow(struct server *s)
{
	if (s->nconns < s->capconns)
		return 0;
	return resize_table(s, s->capconns ? s->capconns * 2 : 16);
}

/* After a crowd has gone, give the table back: memory returns to where it was. Only between
 * poll rounds, while nothing points into the poll set. */
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
		if (c->cred.comm[0])
			event_textf(&ev, "%s", c->cred.comm);
		else
			event_textf(&ev, "process gone: %s", strerror(c->cred.comm_err));
	} else {
		event_textf(&ev, "connection from an unknown peer (SO_PEERCRED failed)");
	}
	emit(s, &ev);
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
		if (!buf) {
			close(fd);
			event_emit_error(&s->qsink, SRC_SERVER, 0, ENOMEM, "accept %s", s->addr.text);
			return;
		}
		struct peer_cred cred;
		sysio_peer_cred(fd, &cred);
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
	ssize_t n = msgio_recv(c->fd, c->buf, s->opts.chunk, message, 0, &in);
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
	if (n == 0 && message && msgio_peer_closed(c->fd)) {
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
	ev->sender = (uint8_t)msgio_sender(&in->from, in->fromlen, ev->text, sizeof(ev->text));
	ev->capture = cap;
	commit(s);
}

/* Take one datagram: say it, echo it. Returns false when nothing waits. */
static bool serve_datagram(struct server *s)
{
	struct msgio_in in;
	ssize_t n = msgio_recv(s->lfd, s->dbuf, s->opts.chunk, true, 0, &in);
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

/* The control pipe, the listener (unless accepts are paused), then each connection.
 * Returns how many connections are in it. */
static size_t fill_poll_set(struct server *s)
{
	s->pfds[0] = (struct pollfd){ .fd = s->ctl[0], .events = POLLIN };
	s->pfds[1] = (struct pollfd){ .fd = s->accept_paused ? -1 : s->lfd, .events = POLLIN };
	for (size_t i = 0; i < s->nconns; i++)
		s->pfds[2 + i] = (struct pollfd){
			.fd = s->conns[i].fd,
			/* Backpressure: while the echo cannot be written, stop reading. */
			.events = s->conns[i].pending ? POLLOUT : POLLIN,
		};
	return s->nconns;
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
		size_t n = fill_poll_set(s);
		flush_events(s);
		int r = poll(s->pfds, 2 + n, timeout);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			event_emit_error(&s->qsink, SRC_SERVER, 0, errno, "poll");
			break;
		}
		/* Walk backwards: closing swaps the last connection into the freed slot. Served
		 * before a stop request is honoured, so what clients already said is not lost. */
		for (size_t k = n; k-- > 0;)
			if (s->pfds[2 + k].revents)
				serve_conn(s, k, s->pfds[2 + k].revents);
		if (s->pfds[0].revents)
			break;
		if ((s->pfds[1].revents & POLLIN) && s->opts.type == SOCK_DGRAM)
			serve_datagrams(s);
		else if (s->pfds[1].revents & POLLIN)
			accept_all(s);
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
