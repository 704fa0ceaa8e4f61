/* client: a client session in its own thread, one-shot (the walkthrough's) or interactive. */
#include "config.h"

#include "core/session/client.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/session/chunkreq.h"
#include "core/session/client_int.h"
#include "core/io/msgio.h"
#include "core/io/node.h"
#include "core/session/server.h"
#include "core/session/session.h"
#include "core/base/socktype.h"
#include "core/base/sysio.h"

/* Where a datagram client's replies come back to: the --bind path or an autobound name. */
static int bind_local(struct client *c, const struct uds_addr *b, const struct event_sink *now)
{
	if (!b) {
		/* Autobind: only the family given, the kernel picks an abstract name. */
		struct sockaddr_un sun = { .sun_family = AF_UNIX };
		if (bind(c->fd, (const struct sockaddr *)&sun, sizeof(sa_family_t)) == 0)
			return 0;
		event_emit_error(now, SRC_CLIENT, 0, errno, "client: autobind");
		return -errno;
	}
	if (bind(c->fd, (const struct sockaddr *)&b->sun, b->len) < 0) {
		int e = errno;
		event_emit_error(now, SRC_CLIENT, 0, e, "bind %s", b->text);
		return -e;
	}
	c->own_bind = !b->abstract && lstat(b->text, &c->bound) == 0;
	snprintf(c->bind_path, sizeof(c->bind_path), "%s", b->text);
	return 0;
}

/* The address a bound socket got, for the lines ("bound to @0001f"). */
static void say_bound(struct client *c, const struct event_sink *now)
{
	struct sockaddr_un sun;
	socklen_t len = sizeof(sun);
	if (getsockname(c->fd, (struct sockaddr *)&sun, &len) < 0)
		return;
	struct uds_addr b;
	addr_from_sockaddr(&sun, len, &b);
	char name[ADDR_BYTES_SIZE];
	struct event ev;
	event_init(&ev, SRC_CLIENT, EV_INFO);
	event_set_path(&ev, FACT_BOUND, name, addr_bytes(&b, name, sizeof(name)), NULL);
	sink_emit(now, &ev);
}

static int open_socket(struct client *c, const struct uds_addr *bind_to,
		       const struct event_sink *now)
{
	const struct uds_addr *addr = &c->addr;
	c->fd = socket(AF_UNIX, c->opts.type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c->fd < 0) {
		event_emit_error(now, SRC_CLIENT, 0, errno, "socket");
		return -errno;
	}
	int r;
	if (c->opts.type == SOCK_DGRAM && (r = bind_local(c, bind_to, now)) < 0)
		return r;
	if (c->opts.type == SOCK_DGRAM)
		say_bound(c, now);
	/* Non-blocking: a Unix connect never waits, but a full backlog would block forever. */
	if (connect(c->fd, (const struct sockaddr *)&addr->sun, addr->len) == 0)
		return 0;
	r = errno;
	if (r == EAGAIN)
		event_emit_error(now, SRC_CLIENT, 0, r,
				 "connect %s (the server's listen backlog is full)", addr->text);
	else if (r == EPROTOTYPE)
		event_emit_error(now, SRC_CLIENT, 0, r, "connect %s (the socket there is not a "
				 "%s socket)", addr->text, socktype_name(c->opts.type));
	else
		event_emit_error(now, SRC_CLIENT, 0, r, "connect %s", addr->text);
	return -r;
}

/* The "connected" line; a stream or seqpacket one carries the socket's inode (sock_ino), by
 * which the front end knows this end when one of its own servers accepts the connection. */
static void say_connected(struct client *c, const struct event_sink *now)
{
	struct peer_cred pc;
	struct stat st;
	char name[ADDR_BYTES_SIZE];
	struct event ev;
	event_init(&ev, SRC_CLIENT, EV_INFO);
	event_set_path(&ev, FACT_CONNECTED, name, addr_bytes(&c->addr, name, sizeof(name)), NULL);
	ev.socktype = (uint8_t)c->opts.type;
	sysio_peer_cred(c->fd, &pc);
	if (c->opts.type != SOCK_DGRAM && fstat(c->fd, &st) == 0)
		ev.sock_ino = st.st_ino;
	if (pc.ok) { /* the server's SO_PEERCRED */
		ev.has_cred = ev.has_peer = true;
		ev.pid = ev.peer_pid = pc.pid;
		ev.uid = pc.uid;
		ev.gid = pc.gid;
		snprintf(ev.peer_comm, sizeof(ev.peer_comm), "%.15s", pc.comm);
	}
	sink_emit(now, &ev);
}

static struct client *client_new(const struct uds_addr *addr, const struct client_opts *opts,
				 const void *msg, size_t msg_len)
{
	struct client *c = calloc(1, sizeof(*c));
	if (!c || (msg_len && !(c->msg = malloc(msg_len)))) {
		free(c);
		return NULL;
	}
	c->addr = *addr;
	c->opts = *opts;
	if (!c->opts.type)
		c->opts.type = SOCK_STREAM;
	if (c->opts.type == SOCK_DGRAM && c->opts.oneshot && !c->opts.timeout_ms)
		c->opts.timeout_ms = CLIENT_DGRAM_TIMEOUT_MS;
	if (c->opts.type != SOCK_DGRAM && !c->opts.chunk)
		c->opts.chunk = SERVER_CHUNK_DEFAULT; /* only a datagram is received whole */
	chunkreq_init(&c->chunk_req, &c->opts.chunk);
	c->opts.bind = NULL;   /* not kept: the caller's */
	c->fd = c->ctl[0] = c->ctl[1] = -1;
	if (msg_len)
		memcpy(c->msg, msg, msg_len);
	c->msg_len = msg_len;
	atomic_init(&c->status, CLIENT_RUNNING);
	atomic_init(&c->finished, false);
	atomic_init(&c->stop, false);
	atomic_init(&c->flush_ms, CLIENT_STOP_NOW);
	atomic_init(&c->linger_ms, CLIENT_LINGER_MS);
	atomic_init(&c->sent, 0);
	stats_init(&c->stats);
	pthread_mutex_init(&c->lock, NULL);
	return c;
}

int client_start_ancil(struct client **out, const struct uds_addr *addr,
		       const struct client_opts *opts, const void *msg, size_t msg_len,
		       struct ancil *anc, const struct event_sink *now,
		       const struct event_sink *later)
{
	*out = NULL;
	struct client *c = client_new(addr, opts, msg, msg_len);
	if (!c) {
		if (anc)
			ancil_close(anc);
		event_emit_error(now, SRC_CLIENT, 0, ENOMEM, "client %s", addr->text);
		return -ENOMEM;
	}
	c->later = *later;
	int r;
	struct event ev;
	event_init(&ev, SRC_CLIENT, EV_INFO);
	char name[ADDR_BYTES_SIZE];
	event_set_path(&ev, FACT_CONNECTING, name, addr_bytes(addr, name, sizeof(name)), NULL);
	ev.socktype = (uint8_t)c->opts.type;
	sink_emit(now, &ev);
	if ((r = open_socket(c, opts->bind, now)) < 0)
		goto fail;
	say_connected(c, now);
	if ((r = sysio_pipe(c->ctl, O_NONBLOCK)) < 0) {
		event_emit_error(now, SRC_CLIENT, 0, -r, "pipe");
		goto fail;
	}
	if (opts->oneshot) {
		/* The whole message is queued before the thread starts, as the walkthrough's
		 * sendall is. */
		r = client_send_ancil(c, msg, msg_len, anc);
		anc = NULL;
		if (r < 0) {
			event_emit_error(now, SRC_CLIENT, 0, -r, "client %s", addr->text);
			goto fail;
		}
		c->closed = true;
	}
	r = session_thread_start(&c->thread, &c->thread_started, client_run_main, c, now,
				 SRC_CLIENT, "client", addr->text);
	if (r < 0)
		goto fail;
	*out = c;
	return 0;
fail:
	if (anc)
		ancil_close(anc);
	atomic_store(&c->finished, true);
	client_destroy(c);
	return r;
}

int client_start(struct client **out, const struct uds_addr *addr, const struct client_opts *opts,
		 const void *msg, size_t msg_len,
		 const struct event_sink *now, const struct event_sink *later)
{
	return client_start_ancil(out, addr, opts, msg, msg_len, NULL, now, later);
}

void client_request_stop(struct client *c, int flush_timeout_ms, int linger_ms)
{
	atomic_store(&c->flush_ms, flush_timeout_ms);
	atomic_store(&c->linger_ms, linger_ms);
	atomic_store(&c->stop, true);
	sysio_poke(c->ctl[1]);
}

int client_status(const struct client *c)
{
	return atomic_load(&c->status);
}

bool client_finished(const struct client *c)
{
	return atomic_load(&c->finished);
}

void client_destroy(struct client *c)
{
	if (!c)
		return;
	if (c->thread_started)
		pthread_join(c->thread, NULL);
	sysio_close(&c->fd);
	if (c->own_bind) {
		char why[256];
		node_remove(c->bind_path, &c->bound, why, sizeof(why));
	}
	for (size_t i = 0; i < c->nrecs; i++)
		ancil_close(&c->recs[i].anc);
	free(c->recs);
	sysio_close(&c->ctl[0]);
	sysio_close(&c->ctl[1]);
	pthread_mutex_destroy(&c->lock);
	free(c->q);
	free(c->rx);
	free(c->msg);
	free(c);
}

const struct uds_addr *client_addr(const struct client *c)
{
	return &c->addr;
}

const struct stats *client_stats(const struct client *c)
{
	return &c->stats;
}

/* ---- as a session: the one-shot client and the interactive connection ---- */

static bool ops_finished(const void *c)
{
	return client_finished(c);
}

static int ops_status(const void *c)
{
	return client_status(c);
}

static void ops_stop_now(void *c)
{
	client_request_stop(c, CLIENT_STOP_NOW, 0);
}

static void ops_stop_flush(void *c)
{
	client_request_stop(c, CLIENT_FLUSH_TIMEOUT_MS, CLIENT_LINGER_MS);
}

static void ops_destroy(void *c, const struct event_sink *now)
{
	client_destroy(c);
}

static void ops_info(const void *p, struct session_info *out)
{
	const struct client *c = p;
	bool oneshot = c->opts.oneshot;
	session_info_fill(out, c->addr.text, c->opts.type, oneshot ? NULL : "connected",
			  oneshot ? NULL : "closed", &c->stats, false);
}

static struct chunkreq *ops_chunkreq(void *p)
{
	struct client *c = p;
	return &c->chunk_req;
}

const struct session_ops client_session_ops = {
	.kind = SESSION_CLIENT,
	.name = "client",
	.finished = ops_finished,
	.status = ops_status,
	.stop = ops_stop_now,
	.destroy = ops_destroy,
	.info = ops_info,
};

const struct session_ops conn_session_ops = {
	.kind = SESSION_CONN,
	.name = "connection",
	.kept_when_finished = true,
	.finished = ops_finished,
	.status = ops_status,
	.stop = ops_stop_flush,
	.destroy = ops_destroy,
	.info = ops_info,
	.chunkreq = ops_chunkreq,
};
