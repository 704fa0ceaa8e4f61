/* server: the echo server session, a poll loop in its own thread serving many clients. */
#include "config.h"

#include "core/session/server.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sys/epoll.h>
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

#include "core/session/chunkreq.h"
#include "core/io/node.h"
#include "core/session/server_int.h"
#include "core/session/session.h"
#include "core/base/sysio.h"
#include "core/base/words.h"

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
		event_emit_path(now, SRC_SERVER, FACT_NODE_STALE, addr->text, NULL);
	return r;
}

static void *server_main(void *arg);
static void queue_emit(void *ctx, struct event *ev);
static void flush_cb(void *s);

/* A stream or seqpacket server listens; a datagram server takes every datagram on the bound
 * socket itself and asks for each one's credentials. */
static int listen_or_passcred(struct server *s)
{
	int one = 1;
	if (s->opts.type == SOCK_DGRAM)
		return setsockopt(s->ls.lfd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0
			       ? -errno
			       : 0;
	return listen(s->ls.lfd, s->opts.backlog) < 0 ? -errno : 0;
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
	listener_init(&s->ls, later, flush_cb);
	s->epfd = -1;
	pthread_mutex_init(&s->conns_lock, NULL);
	s->qsink = (struct event_sink){ queue_emit, s, NULL };
	s->evq = malloc(SERVER_EVQ * sizeof(*s->evq));
	s->ready = malloc(SERVER_EVENTS * sizeof(*s->ready));
	if (s->opts.type != SOCK_DGRAM && !s->opts.chunk)
		s->opts.chunk = SERVER_CHUNK_DEFAULT; /* only a datagram is received whole */
	chunkreq_init(&s->chunk_req, &s->opts.chunk);
	if (s->opts.type == SOCK_DGRAM) {
		s->dcap = s->opts.chunk ? s->opts.chunk : SERVER_DGRAM_FIRST;
		s->dbuf = malloc(s->dcap);
	}
	if (!s->evq || !s->ready || (s->opts.type == SOCK_DGRAM && !s->dbuf)) {
		atomic_store(&s->ls.finished, true);
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
	s->ls.lfd = socket(AF_UNIX, s->opts.type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s->ls.lfd < 0) {
		event_emit_error(now, SRC_SERVER, 0, errno, "socket");
		return -errno;
	}
	if ((r = node_bind(s->ls.lfd, addr, s->opts.mode)) < 0) {
		event_emit_error(now, SRC_SERVER, 0, -r, "bind %s", addr->text);
		return r;
	}
	/* Ours to remove if listen fails; checked against the kernel's word once listening. */
	if (!addr->abstract && lstat(addr->text, &s->ls.node) == 0 && S_ISSOCK(s->ls.node.st_mode))
		s->ls.own_node = true;
	if ((r = listen_or_passcred(s)) < 0) {
		event_emit_error(now, SRC_SERVER, 0, -r, "%s %s",
				 s->opts.type == SOCK_DGRAM ? "setsockopt SO_PASSCRED" : "listen",
				 addr->text);
		return r;
	}
	bool verified;
	if (s->ls.own_node &&
	    node_bound_here(s->ls.lfd, addr->text, &s->ls.node, &verified) == -ESTALE) {
		s->ls.own_node = false;
		event_emit_path(now, SRC_SERVER, FACT_NODE_REPLACED, addr->text, NULL);
	}
	return 0;
}
/* The epoll set: the control pipe and the listener (connections join as they come). */
static int open_epoll(struct server *s)
{
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epfd < 0)
		return -errno;
	int r = server_epoll_set(s, EPOLL_CTL_ADD, s->ls.ctl[0], EPOLLIN, TAG_CTL);
	if (r == 0)
		r = server_epoll_set(s, EPOLL_CTL_ADD, s->ls.lfd, EPOLLIN, TAG_LISTENER);
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
	if (r == 0 && (r = sysio_pipe(s->ls.ctl, O_NONBLOCK)) < 0)
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
		r = session_thread_start(&s->ls.thread, &s->ls.thread_started, server_main, s, now,
					 SRC_SERVER, "server start", addr->text);
	}
	if (r < 0) {
		atomic_store(&s->ls.finished, true);
		server_destroy(s, now);
		return r;
	}
	*out = s;
	return 0;
}

void server_request_stop(struct server *s)
{
	listener_request_stop(&s->ls);
}

bool server_finished(const struct server *s)
{
	return listener_finished(&s->ls);
}

static void remove_node(struct server *s, const struct event_sink *now)
{
	if (!s->ls.own_node)
		return;
	const char *path = s->addr.text;
	char why[PATH_MAX + 160];
	int r = node_remove(path, &s->ls.node, why, sizeof(why));
	if (r == 0)
		event_emit_path(now, SRC_SERVER, FACT_NODE_REMOVED, path, NULL);
	else if (r == -ENOENT)
		event_emit_path(now, SRC_SERVER, FACT_NODE_GONE, path, NULL);
	else if (r == -ESTALE)
		event_emit_path(now, SRC_SERVER, FACT_NODE_LEFT, path, why);
	else
		event_emit_error(now, SRC_SERVER, 0, -r, "server stop: remove %s", path);
}

void server_destroy(struct server *s, const struct event_sink *now)
{
	if (!s)
		return;
	listener_join(&s->ls, now, SRC_SERVER, s->opts.type, s->echo_dropped);
	sysio_close(&s->ls.lfd);
	remove_node(s, now);
	sysio_close(&s->ls.ctl[0]);
	sysio_close(&s->ls.ctl[1]);
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
	return &s->ls.stats;
}

const struct server_opts *server_options(const struct server *s)
{
	return &s->opts;
}

/* ---- the thread ---- */

static void queue_emit(void *ctx, struct event *ev)
{
	server_emit(ctx, ev);
}

/* The listener's way to send the gathered events on. */
static void flush_cb(void *s)
{
	server_flush_events(s);
}

static void watch_listener(struct server *s)
{
	bool want = !s->accept_paused;
	if (want != s->listener_watched &&
	    server_epoll_set(s, EPOLL_CTL_MOD, s->ls.lfd, want ? EPOLLIN : 0, TAG_LISTENER) == 0)
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
		server_stream_ready(s, (size_t)i, (short)s->ready[k].events);
	}
	if (stop)
		return true;
	if (listener && s->opts.type == SOCK_DGRAM)
		server_dgram_serve(s);
	else if (listener)
		server_stream_accept_all(s);
	return false;
}

static void *server_main(void *arg)
{
	struct server *s = arg;
	struct event ev;
	event_init(&ev, SRC_SERVER, EV_WAIT);
	if (s->opts.type == SOCK_DGRAM)
		event_textf(&ev, "waiting for datagrams");
	server_emit(s, &ev);
	if (server_stream_grow(s) < 0) {
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
		server_stream_trim(s);
		watch_listener(s);
		server_flush_events(s);
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
	server_stream_close_all(s);
out:
	return listener_thread_end(&s->ls);
}

/* ---- as a session ---- */

static void ops_destroy(void *s, const struct event_sink *now)
{
	server_destroy(s, now);
}

static void ops_info(const void *p, struct session_info *out)
{
	const struct server *s = p;
	session_info_fill(out, s->addr.text, s->opts.type,
			  s->opts.type == SOCK_DGRAM ? "receiving" : "listening", "stopped",
			  &s->ls.stats, true);
}

static struct chunkreq *ops_chunkreq(void *p)
{
	struct server *s = p;
	return &s->chunk_req;
}

const struct session_ops server_session_ops =
	LISTENER_SESSION_OPS(SESSION_SERVER, "server", ops_destroy, ops_info, ops_chunkreq);
