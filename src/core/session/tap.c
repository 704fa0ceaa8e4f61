/* tap: a session that listens at one path and gives each client a connection of its own to a
 * target, forwarding both ways and showing every chunk. */
#include "config.h"

#include "core/session/tap.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/io/ancil.h"
#include "core/base/bytes.h"
#include "core/base/capture.h"
#include "core/io/inplace.h"
#include "core/io/msgio.h"
#include "core/io/node.h"
#include "core/io/pcap.h"
#include "core/session/session.h"
#include "core/io/sndbuf.h"
#include "core/base/socktype.h"
#include "core/base/sysio.h"
#include "core/session/tap_dgram.h"
#include "core/session/tap_ident.h"
#include "core/base/words.h"

/* Events gathered before they go to the bus under one lock. */
#define TAP_EVQ 64
/* Chunks one direction forwards per wake-up before the others get their turn. */
#define TAP_BUDGET 16
/* How long a client waits for room in the target's backlog, tried again every few ms. */
#define TAP_CONNECT_WAIT_NS (2000000000ull)
#define TAP_CONNECT_RETRY_MS 10

enum { CLI, SRV };   /* the two sides of a connection; dir[CLI] is client->server */

struct tap_dir {
	char *buf;                /* CAP bytes: TAP_BUF, or the largest message seen */
	size_t cap;
	bool held;                /* a chunk (a message, maybe empty) waits to go on */
	size_t len, off;          /* its bytes, of which OFF went on already */
	struct ancil anc;         /* SCM_RIGHTS that came with the chunk held, passed on with it */
	bool eof;                 /* the sending side shut its writing down */
	bool refused;             /* the receiving side stopped reading: nothing more goes on */
	bool shut;                /* refused, and the sender's next send fails (SHUT_RD) */
	bool marked;              /* seqpacket: its messages bring credentials (an empty one
				   * is then told apart from the end) */
	bool has_as;              /* send AS with each chunk (SCM_CREDENTIALS: root may) */
	struct ucred as;          /* the sending side's own credentials */
	struct tap_pidwatch watch;      /* the pid whose credentials go with the chunks now */
	uint64_t own_pid, own_pid_told; /* chunks sent with udscope's pid (their sender had
					  * exited; its uid and gid kept), and of those counted */
	struct ucred gone;              /* the last such sender's credentials */
	uint64_t bytes, chunks;
};

struct tap_conn {
	uint32_t id;
	int fd[2];
	uint64_t connect_until_ns;  /* nonzero: the target's backlog is full; try until then */
	bool as_client;             /* connect upstream with WHO's identity (tap_ident.h) */
	struct tap_ident who;       /* the client's uid, gid and groups */
	struct tap_dir dir[2];
};

struct tap {
	struct uds_addr listen, target;
	struct tap_opts opts;
	int lfd;
	int ctl[2];
	pthread_t thread;
	bool thread_started;
	atomic_bool finished;
	bool own_node;
	struct stat node;          /* the node bind() made, removed at stop if still there */
	struct stats stats;
	struct event_sink later;
	uint32_t next_id;
	struct tap_conn **conns;   /* the thread's alone */
	size_t nconns, capconns;
	struct pollfd *pfds;
	struct event evq[TAP_EVQ];
	size_t evq_n;
	struct event_sink qsink;   /* into evq, for the thread's own lines */
	bool accept_paused;        /* out of descriptors or memory: until a connection ends */
	bool pass_creds;           /* root: each chunk goes on with its sender's credentials */
	bool can_switch;           /* root or CAP_SETUID+CAP_SETGID: connect as each client */
	struct tap_ident self;     /* udscope's own identity, to compare and to switch back to */
	atomic_uint_fast64_t unsent;  /* chunks not passed on: their sender's credentials may
				       * not be sent (never sent as udscope's instead) */
	atomic_uint_fast64_t own_pid; /* chunks sent with their sender's uid and gid but
				       * udscope's pid: the sender had exited */
	char info_state[sizeof(((struct uds_addr *)0)->text) + 96]; /* ops_info's, main thread */
	bool pcap_failed;          /* a write to the capture file failed: said once, none since */
	char state[sizeof(((struct uds_addr *)0)->text) + 16];  /* "tapping to TARGET" */
	pid_t holder;         /* the live process holding the target's listening socket, */
	char holder_comm[32]; /* when the one that listened is gone (a forking daemon) */
};

static void *tap_main(void *arg);
static void *tap_dgram_main(void *arg);

/* ---- events, gathered ---- */

static void flush_events(struct tap *t)
{
	if (t->evq_n)
		sink_emit_many(&t->later, t->evq, t->evq_n);
	t->evq_n = 0;
}

/* A cleared event in the queue, to fill in place (the queue is flushed when full). */
static struct event *next_event(struct tap *t, enum event_kind kind, uint32_t conn)
{
	if (t->evq_n == TAP_EVQ)
		flush_events(t);
	struct event *ev = &t->evq[t->evq_n++];
	event_init(ev, SRC_TAP, kind);
	ev->conn = conn;
	return ev;
}

static void queue_emit(void *ctx, struct event *ev)
{
	struct tap *t = ctx;
	*next_event(t, ev->kind, ev->conn) = *ev;
}

/* ---- start and stop ---- */

/* Listen (a datagram socket: have each datagram carry its sender's credentials). Returns 0
 * or -errno. */
static int start_listening(struct tap *t)
{
	int one = 1;
	if (t->opts.type == SOCK_DGRAM)
		return setsockopt(t->lfd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0 ? -errno
											  : 0;
	/* As root, accepted sockets inherit SO_PASSCRED: each chunk then names its sender from
	 * the first byte on (see pass_creds_in). */
	if (geteuid() == 0)
		(void)setsockopt(t->lfd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
	return listen(t->lfd, t->opts.backlog) < 0 ? -errno : 0;
}

/* In place: bind in the private directory, listen, then swap the node into PATH. Returns 0
 * or -errno after one error line to NOW. */
static int open_in_place(struct tap *t, const struct event_sink *now)
{
	char why[PATH_MAX + 160];
	int r = inplace_make_node(t->opts.inplace, t->lfd, why, sizeof(why));
	if (r == 0 && (r = start_listening(t)) < 0)
		snprintf(why, sizeof(why), "%s",
			 t->opts.type == SOCK_DGRAM ? "setsockopt SO_PASSCRED" : "listen");
	if (r == 0)
		r = inplace_swap(t->opts.inplace, why, sizeof(why));
	if (r < 0)
		event_emit_error(now, SRC_TAP, 0, -r, "tap %s --in-place: %s", t->listen.text, why);
	return r;
}

/* Make room at the listening path, bind there with the mode, listen. Returns 0 or -errno
 * after one error line to NOW. */
static int open_listener(struct tap *t, const struct event_sink *now)
{
	const char *path = t->listen.text;
	char why[PATH_MAX + 160];
	bool removed;
	int r = t->opts.inplace ? 0 : node_claim(&t->listen, &removed, why, sizeof(why));
	if (r < 0) {
		event_emit_error(now, SRC_TAP, 0, -r, "tap %s: %s", path, why);
		return r;
	}
	if (!t->opts.inplace && removed)
		event_emit_info(now, SRC_TAP, 0,
				"removed stale socket node %s (no socket was bound to it)", path);
	t->lfd = socket(AF_UNIX, t->opts.type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (t->lfd < 0) {
		r = -errno;
		event_emit_error(now, SRC_TAP, 0, -r, "tap %s: socket", path);
		return r;
	}
	if (t->opts.inplace)
		return open_in_place(t, now);
	if ((r = node_bind(t->lfd, &t->listen, t->opts.mode)) < 0) {
		event_emit_error(now, SRC_TAP, 0, -r, "tap: bind %s", path);
		return r;
	}
	if (!t->listen.abstract && lstat(path, &t->node) == 0 && S_ISSOCK(t->node.st_mode))
		t->own_node = true;
	if ((r = start_listening(t)) < 0) {
		event_emit_error(now, SRC_TAP, 0, -r, "tap: %s %s",
				 t->opts.type == SOCK_DGRAM ? "setsockopt SO_PASSCRED" : "listen",
				 path);
		return r;
	}
	bool verified;
	if (t->own_node && node_bound_here(t->lfd, path, &t->node, &verified) == -ESTALE) {
		t->own_node = false;
		event_emit_info(now, SRC_TAP, 0, "the node at %s is not the one just bound (it was "
				"replaced); it will not be removed at stop", path);
	}
	return 0;
}

/* Whether the target is the node the tap just bound (or the same abstract name). */
static bool targets_itself(const struct tap *t)
{
	const struct uds_addr *l = &t->listen, *g = &t->target;
	if (l->abstract || g->abstract)
		return l->abstract && g->abstract && l->len == g->len &&
		       memcmp(l->sun.sun_path, g->sun.sun_path, l->name_len + 1) == 0;
	struct stat st;
	return t->own_node && stat(g->text, &st) == 0 && st.st_dev == t->node.st_dev &&
	       st.st_ino == t->node.st_ino;
}

/* Close the capture file; put the real node back (in place) and free its record. */
static void release_extras(struct pcap_writer *pcap, struct inplace *ip, const char *path,
			   const struct event_sink *now)
{
	int r = pcap_close(pcap);
	if (r < 0)
		event_emit_error(now, SRC_TAP, 0, -r, "tap %s: close the capture file", path);
	if (!ip)
		return;
	bool swapped = ip->swapped;
	struct inplace_result res;
	char why[PATH_MAX + 200], line[2 * PATH_MAX + 200];
	if ((r = inplace_restore(ip, &res, why, sizeof(why))) == 0) {
		if (swapped) {
			inplace_describe(&res, path, ip->hidden, line, sizeof(line));
			event_emit_info(now, SRC_TAP, 0, "%s", line);
		}
		if (why[0])
			event_emit_info(now, SRC_TAP, 0, "%s", why);
		inplace_forget(ip);
		free(ip);
		return;
	}
	/* IP stays (not freed): the guard keeps its socket and puts the node back when this
	 * process ends. */
	event_emit_error(now, SRC_TAP, 0, -r,
			 "tap %s: %s (it is tried again when udscope ends; "
			 "`tap %s --restore` does it by hand)",
			 path, why, path);
}

/* How clients reach the target through the tap, and whose identity the server sees. */
static void say_how(const struct tap *t, const struct event_sink *now)
{
	const char *target = t->target.text;
	bool dg = t->opts.type == SOCK_DGRAM;
	const char *each = dg ? "each sender address gets its own upstream socket"
			      : "each client gets its own connection";
	unsigned long uid = (unsigned long)t->self.uid, gid = (unsigned long)t->self.gid;
	if (t->opts.lend_identity)
		event_emit_info(now, SRC_TAP, 0,
				"%s to %s, made as udscope (--lend-my-identity): "
				"the server sees every client as uid %lu gid %lu, pid %ld",
				each, target, uid, gid, (long)getpid());
	else if (t->can_switch)
		event_emit_info(now, SRC_TAP, 0,
				"%s to %s, made with the %s's uid, gid and "
				"groups: the server sees the %s's user (and udscope's pid %ld)",
				each, target, dg ? "sender" : "client", dg ? "sender" : "client",
				(long)getpid());
	else
		event_emit_info(now, SRC_TAP, 0,
				"%s to %s; udscope (uid %lu gid %lu) may not "
				"connect as another user (not root, no CAP_SETUID and CAP_SETGID): "
				"only %ss of uid %lu gid %lu are let through (--lend-my-identity "
				"lets every %s through as uid %lu)",
				each, target, uid, gid, dg ? "sender" : "client", uid, gid,
				dg ? "sender" : "client", uid);
	if (dg)
		event_emit_info(now, SRC_TAP, 0,
				"upstream sockets are autobound so that replies "
				"route back (at most %zu, closed after %u s idle); the server sees "
				"udscope's addresses",
				t->opts.upstreams, t->opts.idle_s);
	if (t->pass_creds)
		event_emit_info(
			now, SRC_TAP, 0,
			"as root, each %s carries its sender's credentials "
			"(SCM_CREDENTIALS): a server that reads them (SO_PASSCRED) sees the "
			"client's; one whose sender exited first carries its uid and gid with "
			"udscope's pid, never udscope's uid",
			dg ? "datagram" : "chunk");
}

/* What --in-place and --pcap add, said once at start. */
static void say_extras(const struct tap *t, const struct event_sink *now)
{
	if (t->opts.inplace)
		event_emit_info(now, SRC_TAP, 0,
				"in place: the server's node waits in %s (reached "
				"by descriptor, never by name) while the tap listens at %s; it is "
				"put back at stop if the path still holds the tap's node, and so "
				"by a guard process (pid %ld, a session of its own) if udscope dies "
				"first",
				t->opts.inplace->hidden, t->listen.text,
				(long)t->opts.inplace->guard);
	if (t->opts.pcap)
		event_emit_info(now, SRC_TAP, 0, "every chunk also goes to the capture file "
				"(pcap, link type 252: tshark and Wireshark read it as it grows)");
}

int tap_start(struct tap **out, const struct uds_addr *listen, const struct uds_addr *target,
	      const struct tap_opts *opts, const struct event_sink *now,
	      const struct event_sink *later)
{
	*out = NULL;
	struct tap *t = calloc(1, sizeof(*t));
	if (!t) {
		event_emit_error(now, SRC_TAP, 0, ENOMEM, "tap %s", listen->text);
		pcap_discard(opts->pcap); /* nothing was captured: no file left behind */
		release_extras(NULL, opts->inplace, listen->text, now);
		return -ENOMEM;
	}
	t->listen = *listen;
	t->target = *target;
	t->opts = *opts;
	if (t->opts.type != SOCK_SEQPACKET && t->opts.type != SOCK_DGRAM)
		t->opts.type = SOCK_STREAM;
	if (!t->opts.upstreams)
		t->opts.upstreams = TAP_DGRAM_UPSTREAMS;
	if (!t->opts.idle_s)
		t->opts.idle_s = TAP_DGRAM_IDLE_S;
	t->lfd = t->ctl[0] = t->ctl[1] = -1;
	t->later = *later;
	t->qsink = (struct event_sink){ queue_emit, t, NULL };
	snprintf(t->state, sizeof(t->state), "tapping to %s", target->text);
	atomic_init(&t->finished, false);
	stats_init(&t->stats);
	int r = open_listener(t, now);
	if (r < 0)
		goto fail;
	if (targets_itself(t)) {
		r = -EINVAL;
		event_emit_error(now, SRC_TAP, 0, EINVAL, "tap %s: the target %s is the tap's own "
				 "socket: every client would be connected to the tap again",
				 listen->text, target->text);
		goto fail;
	}
	if ((r = sysio_pipe(t->ctl, O_NONBLOCK)) < 0) {
		event_emit_error(now, SRC_TAP, 0, -r, "tap %s: pipe", listen->text);
		goto fail;
	}
	struct event ev;
	event_init(&ev, SRC_TAP, EV_LISTEN);
	char name[ADDR_BYTES_SIZE];
	event_text_name(&ev, "", name, addr_bytes(listen, name, sizeof(name)), "");
	sink_emit(now, &ev);
	t->pass_creds = geteuid() == 0;
	t->can_switch = tap_ident_can_switch();
	if ((r = tap_ident_self(&t->self)) < 0) {
		event_emit_error(now, SRC_TAP, 0, -r, "tap %s: getgroups", listen->text);
		goto fail;
	}
	say_how(t, now);
	say_extras(t, now);
	if ((r = pthread_create(&t->thread, NULL,
				t->opts.type == SOCK_DGRAM ? tap_dgram_main : tap_main, t)) != 0) {
		event_emit_error(now, SRC_TAP, 0, r, "tap %s: pthread_create", listen->text);
		r = -r;
		goto fail;
	}
	t->thread_started = true;
	*out = t;
	return 0;
fail:
	atomic_store(&t->finished, true);
	pcap_discard(t->opts.pcap); /* nothing was captured: no file left behind */
	t->opts.pcap = NULL;
	tap_destroy(t, now);
	return r;
}

void tap_request_stop(struct tap *t)
{
	sysio_poke(t->ctl[1]);
}

bool tap_finished(const struct tap *t)
{
	return atomic_load(&t->finished);
}

static void remove_node(struct tap *t, const struct event_sink *now)
{
	char why[PATH_MAX + 160];
	int r = t->own_node ? node_remove(t->listen.text, &t->node, why, sizeof(why)) : -ENOENT;
	if (r == 0)
		event_emit_info(now, SRC_TAP, 0, "removed socket node %s", t->listen.text);
	else if (r == -ESTALE)
		event_emit_info(now, SRC_TAP, 0, "left %s alone: it is no longer the node this tap "
				"created (%s)", t->listen.text, why);
	else if (r != -ENOENT)
		event_emit_error(now, SRC_TAP, 0, -r, "tap stop: remove %s", t->listen.text);
}

void tap_destroy(struct tap *t, const struct event_sink *now)
{
	if (!t)
		return;
	if (t->thread_started) {
		pthread_join(t->thread, NULL);
		struct stats_snapshot sn;
		stats_snapshot(&t->stats, &sn);
		bool dg = t->opts.type == SOCK_DGRAM;
		char c2s[WORDS_AMOUNT_SIZE], s2c[WORDS_AMOUNT_SIZE];
		words_amount(sn.bytes_in, sn.chunks_in, dg ? "datagram" : "chunk", c2s,
			     sizeof(c2s));
		words_amount(sn.bytes_out, sn.chunks_out, dg ? "datagram" : "chunk", s2c,
			     sizeof(s2c));
		event_emit_info(now, SRC_TAP, 0,
				"stopped after %llu %s%s: client->server %s, server->client %s",
				(unsigned long long)sn.accepted,
				dg ? "upstream socket" : "connection", sn.accepted == 1 ? "" : "s",
				c2s, s2c);
	}
	sysio_close(&t->lfd);
	if (t->opts.inplace)
		t->own_node = false;   /* the real node goes back over it */
	remove_node(t, now);
	release_extras(t->opts.pcap, t->opts.inplace, t->listen.text, now);
	sysio_close(&t->ctl[0]);
	sysio_close(&t->ctl[1]);
	free(t->conns);
	free(t->pfds);
	free(t);
}

const struct uds_addr *tap_listen_addr(const struct tap *t)
{
	return &t->listen;
}

const struct inplace *tap_inplace(const struct tap *t)
{
	return t->opts.inplace;
}

size_t tap_in_place_paths(const struct session_list *l, char *buf, size_t len)
{
	size_t n = 0, w = 0;
	buf[0] = '\0';
	for (const struct session *s = l->head; s; s = s->next) {
		const struct tap *t = s->ops == &tap_session_ops ? s->impl : NULL;
		if (!t || !t->opts.inplace || tap_finished(t))
			continue;
		char shown[4 * sizeof(t->listen.text)];
		bytes_escape(t->listen.text, strlen(t->listen.text), BYTES_ESC_REPR_IF_NEEDED, shown,
			     sizeof(shown));
		int k = snprintf(buf + w, len - w, "%s%s", n ? ", " : "", shown);
		w = k < 0 || (size_t)k >= len - w ? len - 1 : w + (size_t)k;
		n++;
	}
	return n;
}

const struct uds_addr *tap_target_addr(const struct tap *t)
{
	return &t->target;
}

const struct stats *tap_stats(const struct tap *t)
{
	return &t->stats;
}

/* ---- connections ---- */

/* Close connection I and free it, without a word. */
static void drop_conn(struct tap *t, size_t i)
{
	struct tap_conn *c = t->conns[i];
	for (int s = CLI; s <= SRV; s++) {
		sysio_close(&c->fd[s]);
		ancil_close(&c->dir[s].anc);
		tap_pidwatch_close(&c->dir[s].watch);
		free(c->dir[s].buf);
	}
	free(c);
	t->conns[i] = t->conns[--t->nconns];
	atomic_fetch_sub(&t->stats.clients, 1);
	t->accept_paused = false;
}

/* Close connection I and say how it ended (the words after its totals). */
static void end_conn(struct tap *t, size_t i, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void end_conn(struct tap *t, size_t i, const char *fmt, ...)
{
	struct tap_conn *c = t->conns[i];
	struct event *ev = next_event(t, EV_CLOSE, c->id);
	int w = snprintf(ev->text, sizeof(ev->text), "connection closed (client->server %llu "
			 "bytes, server->client %llu bytes): ",
			 (unsigned long long)c->dir[CLI].bytes,
			 (unsigned long long)c->dir[SRV].bytes);
	va_list ap;
	va_start(ap, fmt);
	if (w > 0 && (size_t)w < sizeof(ev->text))
		vsnprintf(ev->text + w, sizeof(ev->text) - (size_t)w, fmt, ap);
	va_end(ap);
	drop_conn(t, i);
}

static int grow(struct tap *t)
{
	if (t->nconns < t->capconns)
		return 0;
	size_t ncap = t->capconns ? t->capconns * 2 : 16;
	struct tap_conn **nc = realloc(t->conns, ncap * sizeof(*nc));
	if (!nc)
		return -ENOMEM;
	t->conns = nc;
	struct pollfd *np = realloc(t->pfds, (2 + 2 * ncap) * sizeof(*np));
	if (!np)
		return -ENOMEM;
	t->pfds = np;
	t->capconns = ncap;
	return 0;
}

/* What the connection line calls side S's process (CRED, from SO_PEERCRED), into OUT: its
 * name; when the process that listened is gone (a daemon that forked and exited), the live
 * process that holds the target's listening socket now, found once and kept while it
 * lives. */
static const char *peer_label(struct tap *t, int s, const struct peer_cred *cred, char *out,
			      size_t len)
{
	if (cred->comm[0] || s != SRV || t->target.abstract) {
		snprintf(out, len, "%s", cred->comm[0] ? cred->comm : "process gone");
		return out;
	}
	char now[sizeof(t->holder_comm)];
	if (!t->holder || sysio_proc_comm(t->holder, now, sizeof(now)) < 0 ||
	    strcmp(now, t->holder_comm) != 0) {
		struct node_probe np;
		bool found = node_probe(&t->target, &np) == 0 && np.pid > 0 && np.comm[0];
		t->holder = found ? np.pid : 0;
		snprintf(t->holder_comm, sizeof(t->holder_comm), "%s", found ? np.comm : "");
	}
	if (t->holder)
		snprintf(out, len, "process gone; the listening socket is held by pid %ld (%s)",
			 (long)t->holder, t->holder_comm);
	else
		snprintf(out, len, "process gone");
	return out;
}

/* The connection line for one side: who it is, as SO_PEERCRED says. */
static void say_peer(struct tap *t, struct tap_conn *c, int s)
{
	uint32_t id = c->id;
	enum event_dir side = s == CLI ? DIR_C2S : DIR_S2C;
	struct peer_cred cred;
	sysio_peer_cred(c->fd[s], &cred);
	if (t->pass_creds && cred.ok) {
		c->dir[s].has_as = true;
		c->dir[s].as = (struct ucred){ cred.pid, cred.uid, cred.gid };
	}
	struct event *ev = next_event(t, EV_ACCEPT, id);
	ev->dir = (uint8_t)side;
	if (!cred.ok) {
		event_textf(ev, "%s: unknown peer (SO_PEERCRED failed)",
			    side == DIR_C2S ? "client" : "server");
		return;
	}
	ev->has_cred = true;
	ev->as_client = s == SRV && c->as_client;
	ev->pid = cred.pid;
	ev->uid = cred.uid;
	ev->gid = cred.gid;
	char label[128];
	event_textf(ev, "%s", peer_label(t, s, &cred, label, sizeof(label)));
}

/* Connect C's non-blocking upstream socket to the target, as the client when it is to be.
 * Returns 0, -EAGAIN while the target's backlog is full (a Unix socket never completes
 * later: try again, as the same client), or -errno; *STEP names the call that failed. */
static int try_connect(const struct tap *t, struct tap_conn *c, const char **step)
{
	const struct sockaddr *sa = (const struct sockaddr *)&t->target.sun;
	*step = "connect";
	if (c->as_client)
		return tap_ident_connect(c->fd[SRV], sa, t->target.len, &c->who, &t->self, step);
	int r;
	do
		r = connect(c->fd[SRV], sa, t->target.len);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : 0;
}

/* The target could not be reached: drop what the client sent (so closing is an EOF for it,
 * not a reset) and close it, with one error line. */
static void refuse_client(struct tap *t, int fd, uint32_t id, int err, const char *step)
{
	event_emit_error(&t->qsink, SRC_TAP, id, err, "tap %s: closed the client: %s %s%s",
			 t->listen.text, step, t->target.text,
			 err == EAGAIN             ? " (its backlog "
						     "stayed full for 2 s)"
			 : strcmp(step, "connect") ? " (to connect as the "
						     "client)"
						   : "");
	char sink[4096];
	for (int i = 0; i < 256 && recv(fd, sink, sizeof(sink), MSG_DONTWAIT) > 0; i++)
		;
	close(fd);
}

/* Connection I could not be connected through (ERR): close the client, and it. */
static void give_up(struct tap *t, size_t i, int err, const char *step)
{
	struct tap_conn *c = t->conns[i];
	refuse_client(t, c->fd[CLI], c->id, err, step);
	c->fd[CLI] = -1;
	drop_conn(t, i);
}

/* Ask for TAP_SNDBUF on FD. A refusal only costs speed (the default stays), so it is not
 * reported. */
static void deepen(int fd)
{
	int v = TAP_SNDBUF;
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
}

/* As root, have each chunk that FD receives carry its own sender's credentials
 * (SO_PASSCRED), so that they go on with it: the process that sends may not be the one that
 * connected. A refusal leaves the connection's credentials (SO_PEERCRED) in use. */
static void pass_creds_in(const struct tap *t, int fd)
{
	int one = 1;
	if (t->pass_creds)
		(void)setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
}

/* C's upstream connection is made: its replies carry the server's credentials each, and its
 * line says who answered. (Set after connect: before, SO_PASSCRED would autobind it.) */
static void connected(struct tap *t, struct tap_conn *c)
{
	pass_creds_in(t, c->fd[SRV]);
	say_peer(t, c, SRV);
}

/* Decide whose identity C's upstream connection carries: the client's when udscope may
 * switch to it, udscope's when lent or the same user; else refuse the client with a line
 * (and close its socket). Returns whether C goes on. */
static bool admit(struct tap *t, struct tap_conn *c)
{
	int r = tap_ident_of_peer(c->fd[CLI], &c->who);
	if (t->opts.lend_identity ||
	    (r == 0 && !t->can_switch && tap_ident_same_user(&c->who, &t->self))) {
		pass_creds_in(t, c->fd[CLI]);
		return true;
	}
	if (r == 0 && t->can_switch) {
		c->as_client = true;
		pass_creds_in(t, c->fd[CLI]);
		return true;
	}
	struct event *ev = next_event(t, EV_ERROR, c->id);
	if (r < 0) {
		ev->err = -r;
		event_textf(ev,
			    "tap %s: refused the client: its identity is not known "
			    "(SO_PEERCRED, SO_PEERGROUPS), and it is not connected as another's",
			    t->listen.text);
	} else {
		event_textf(ev,
			    "tap %s: refused the client (uid %lu gid %lu): udscope (uid %lu "
			    "gid %lu) may not connect as another user (not root, no CAP_SETUID "
			    "and CAP_SETGID), and the server would take it for uid %lu; "
			    "--lend-my-identity lets every client through as uid %lu",
			    t->listen.text, (unsigned long)c->who.uid, (unsigned long)c->who.gid,
			    (unsigned long)t->self.uid, (unsigned long)t->self.gid,
			    (unsigned long)t->self.uid, (unsigned long)t->self.uid);
	}
	close(c->fd[CLI]);
	return false;
}

/* Accept one client and connect it through. Returns false when accepting should pause
 * (nothing more waiting, or out of descriptors or memory). */
static bool accept_one(struct tap *t)
{
	if (grow(t) < 0) {
		event_emit_error(&t->qsink, SRC_TAP, 0, ENOMEM, "tap: accept %s", t->listen.text);
		return false;
	}
	int fd = accept4(t->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno == EINTR || errno == ECONNABORTED)
			return true;
		if (errno == EAGAIN)
			return false;
		/* Out of descriptors or memory the client stays queued: stop polling the
		 * listener until a connection ends (or a second passes), else poll spins. */
		if (!t->accept_paused)
			event_emit_error(&t->qsink, SRC_TAP, 0, errno, "tap: accept %s (pausing "
					 "accepts until a connection ends)", t->listen.text);
		t->accept_paused = true;
		return false;
	}
	uint32_t id = ++t->next_id;
	atomic_fetch_add(&t->stats.accepted, 1);
	struct tap_conn *c = calloc(1, sizeof(*c));
	char *b0 = malloc(TAP_BUF), *b1 = malloc(TAP_BUF);
	if (!c || !b0 || !b1) {
		free(c), free(b0), free(b1);
		refuse_client(t, fd, id, ENOMEM, "connect");
		t->accept_paused = true;
		return false;
	}
	*c = (struct tap_conn){ .id = id, .fd = { fd, -1 } };
	tap_pidwatch_init(&c->dir[CLI].watch);
	tap_pidwatch_init(&c->dir[SRV].watch);
	c->dir[CLI].buf = b0;
	c->dir[SRV].buf = b1;
	c->dir[CLI].cap = c->dir[SRV].cap = TAP_BUF;
	t->conns[t->nconns++] = c;
	atomic_fetch_add(&t->stats.clients, 1);
	say_peer(t, c, CLI);
	if (!admit(t, c)) {
		c->fd[CLI] = -1; /* closed by admit */
		drop_conn(t, t->nconns - 1);
		return true;
	}
	deepen(fd);
	c->fd[SRV] = socket(AF_UNIX, t->opts.type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c->fd[SRV] >= 0)
		deepen(c->fd[SRV]);
	const char *step = "socket";
	int r = c->fd[SRV] < 0 ? -errno : try_connect(t, c, &step);
	if (r == 0)
		connected(t, c);
	else if (r == -EAGAIN)
		c->connect_until_ns = event_now_ns() + TAP_CONNECT_WAIT_NS;
	else
		give_up(t, t->nconns - 1, -r, step);
	return true;
}

/* Try again the connections waiting for room in the target's backlog; give up on those
 * that waited too long. Returns whether some still wait. */
static bool retry_connects(struct tap *t)
{
	bool waiting = false;
	uint64_t now = event_now_ns();
	for (size_t i = t->nconns; i-- > 0;) {
		struct tap_conn *c = t->conns[i];
		if (!c->connect_until_ns)
			continue;
		const char *step;
		int r = try_connect(t, c, &step);
		if (r == 0) {
			c->connect_until_ns = 0;
			connected(t, c);
		} else if (r == -EAGAIN && now < c->connect_until_ns) {
			waiting = true;
		} else {
			give_up(t, i, -r, step);
		}
	}
	return waiting;
}

/* ---- forwarding ---- */

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
		stats_add_in(&t->stats, n);
	else
		stats_add_out(&t->stats, n);
	struct event *ev = next_event(t, EV_RECV, c->id);
	ev->dir = way == CLI ? DIR_C2S : DIR_S2C;
	event_set_bytes(ev, d->buf, n);
	if (t->opts.capture)
		ev->capture = capture_put(t->opts.capture, d->buf, n);
	if (t->opts.pcap && !t->pcap_failed) {
		int r = pcap_write(t->opts.pcap, c->id, way == CLI ? PCAP_TO_SERVER : PCAP_TO_CLIENT,
				   d->buf, n);
		if (r < 0) {
			t->pcap_failed = true;
			struct event *e = next_event(t, EV_ERROR, c->id);
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
			struct event *ev = next_event(t, EV_INFO, c->id);
			event_textf(ev, "the %s finished sending (EOF): shut down writing to the "
				    "%s%s", way == CLI ? "client" : "server",
				    way == CLI ? "server" : "client", c->dir[!way].eof ? ""
				    : way == CLI ? "; server->client still flows"
				    : "; client->server still flows");
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
	const char *from = way == CLI ? "client" : "server", *to = way == CLI ? "server" : "client";
	struct event *ev = next_event(t, EV_INFO, c->id);
	ev->dir = (uint8_t)(way == CLI ? DIR_C2S : DIR_S2C);
	event_textf(ev,
		    "the %s stopped reading (send: %s (%s)): %zu bytes it did not take are "
		    "dropped, and the %s's next send fails as it would directly; %s->%s still "
		    "flows",
		    to, strerror(err), event_errno_name(err), lost, from, to, from);
}

/* WAY's message is larger than the kernel lets the tap's socket send (its send buffer could
 * not be made large enough): drop it with one line that says the sizes, and go on. */
static void too_big(struct tap *t, struct tap_conn *c, int way)
{
	struct tap_dir *d = &c->dir[way];
	size_t have = 0, max = 0;
	sndbuf_fit(c->fd[!way], d->len, &have, &max);
	struct event *ev = next_event(t, EV_ERROR, c->id);
	ev->err = EMSGSIZE;
	ev->dir = (uint8_t)(way == CLI ? DIR_C2S : DIR_S2C);
	event_textf(ev,
		    "tap: a %zu-byte message from the %s was dropped: the kernel gives the "
		    "tap's socket a send buffer of %zu bytes at most (net.core.wmem_max %zu; "
		    "SO_SNDBUFFORCE, with CAP_NET_ADMIN, is not capped by it)",
		    d->len, way == CLI ? "client" : "server", have, max);
	d->held = false;
	d->off = d->len = 0;
	ancil_close(&d->anc);
}

/* Connection I's chunk going WAY could not go on with its sender's credentials (dropped by
 * send_held): count it and close the connection, which cannot skip bytes. */
static void unsent(struct tap *t, size_t i, int way)
{
	struct tap_conn *c = t->conns[i];
	atomic_fetch_add(&t->unsent, 1);
	end_conn(t, i,
		 "a %s->%s chunk was not passed on: its sender's credentials (pid %ld) "
		 "may not be sent, and it is never sent with udscope's instead; closed both "
		 "sides (the stream would have a hole)",
		 way == CLI ? "client" : "server", way == CLI ? "server" : "client",
		 (long)c->dir[way].anc.cred.pid);
}

/* Count the chunks of C going WAY that went with udscope's pid since last time; say the
 * first. */
static void tell_own_pid(struct tap *t, struct tap_conn *c, int way)
{
	struct tap_dir *d = &c->dir[way];
	if (d->own_pid == d->own_pid_told)
		return;
	if (!d->own_pid_told) {
		struct event *ev = next_event(t, EV_INFO, c->id);
		ev->dir = (uint8_t)(way == CLI ? DIR_C2S : DIR_S2C);
		event_textf(ev,
			    "the %s's process (pid %ld) had exited before its bytes went on: "
			    "they carry its uid %lu and gid %lu with udscope's pid %ld "
			    "(SCM_CREDENTIALS), never udscope's uid",
			    way == CLI ? "client" : "server", (long)d->gone.pid,
			    (unsigned long)d->gone.uid, (unsigned long)d->gone.gid, (long)getpid());
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
		const char *from = way == CLI ? "client" : "server";
		const char *to = way == CLI ? "server" : "client";
		if (f == FLOW_RECV_FAILED) {
			/* Close the other side at once, with what it sent unread: a stream socket
			 * closed with bytes in its queue is a reset for its peer. */
			end_conn(t, i, "the %s's side failed: recv: %s (%s); closed the %s's at once",
				 from, strerror(err), event_errno_name(err), to);
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
			end_conn(t, i, "the %s went away with %zu bytes not taken: send: %s (%s); "
				 "closed the %s's side at once", to, c->dir[way].len - c->dir[way].off,
				 strerror(err), event_errno_name(err), from);
			return;
		}
	}
	for (int way = CLI; way <= SRV; way++)
		if (c->dir[way].refused && !c->dir[way].shut && c->dir[!way].held)
			shut_sender(c, way); /* it would wait on a reply it cannot read */
	if (c->dir[CLI].eof && !c->dir[CLI].held && c->dir[SRV].eof && !c->dir[SRV].held)
		end_conn(t, i, "both sides closed");
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

static void flush_cb(void *t)
{
	flush_events(t);
}

/* The datagram tap's thread: the relay (tap_dgram.c) with what it needs of T. */
static void *tap_dgram_main(void *arg)
{
	struct tap *t = arg;
	struct tap_dgram_env env = {
		.lfd = t->lfd,
		.ctl = t->ctl[0],
		.listen = &t->listen,
		.target = &t->target,
		.capture = t->opts.capture,
		.pcap = t->opts.pcap,
		.stats = &t->stats,
		.out = &t->qsink,
		.flush = flush_cb,
		.flush_ctx = t,
		.pass_creds = t->pass_creds,
		.can_switch = t->can_switch,
		.lend_identity = t->opts.lend_identity,
		.self = &t->self,
		.unsent = &t->unsent,
		.own_pid = &t->own_pid,
		.max_upstreams = t->opts.upstreams,
		.idle_ns = (uint64_t)t->opts.idle_s * 1000000000u,
	};
	tap_dgram_run(&env);
	flush_events(t);
	atomic_store(&t->finished, true);
	return NULL;
}

static void *tap_main(void *arg)
{
	struct tap *t = arg;
	if (grow(t) < 0) {
		event_emit_error(&t->qsink, SRC_TAP, 0, ENOMEM, "tap %s", t->listen.text);
		goto out;
	}
	for (;;) {
		bool waiting = retry_connects(t);
		t->pfds[0] = (struct pollfd){ .fd = t->ctl[0], .events = POLLIN };
		t->pfds[1] = (struct pollfd){ .fd = t->accept_paused ? -1 : t->lfd,
					      .events = POLLIN };
		for (size_t i = 0; i < t->nconns; i++)
			for (int s = CLI; s <= SRV; s++) {
				short ev = wanted(t->conns[i], s);
				t->pfds[2 + 2 * i + s] = (struct pollfd){
					.fd = ev ? t->conns[i]->fd[s] : -1, .events = ev };
			}
		size_t n = t->nconns;
		flush_events(t);
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
			while (accept_one(t))
				;
	}
	while (t->nconns)
		end_conn(t, t->nconns - 1, "tap stopping");
out:
	flush_events(t);
	atomic_store(&t->finished, true);
	return NULL;
}

/* ---- as a session ---- */

static bool ops_finished(const void *t)
{
	return tap_finished(t);
}

static int ops_status(const void *t)
{
	(void)t;
	return 0;   /* a tap that could not start never became a session */
}

static void ops_stop(void *t)
{
	tap_request_stop(t);
}

static void ops_destroy(void *t, const struct event_sink *now)
{
	tap_destroy(t, now);
}

static void ops_info(const void *p, struct session_info *out)
{
	const struct tap *t = p;
	snprintf(out->path, sizeof(out->path), "%s", t->listen.text);
	out->type = socktype_name(t->opts.type);
	out->state = out->finished ? "stopped" : t->state;
	uint64_t unsent = atomic_load(&t->unsent), own = atomic_load(&t->own_pid);
	if (unsent || own) {
		/* Only the main thread asks: the buffer is its own. */
		char *buf = ((struct tap *)p)->info_state;
		const char *what = t->opts.type == SOCK_DGRAM ? "datagrams" : "chunks";
		int w = snprintf(buf, sizeof(t->info_state), "%s", out->state);
		if (own && w > 0 && (size_t)w < sizeof(t->info_state))
			w += snprintf(buf + w, sizeof(t->info_state) - (size_t)w,
				      "; %llu %s with "
				      "udscope's pid (their sender had exited)",
				      (unsigned long long)own, what);
		if (unsent && w > 0 && (size_t)w < sizeof(t->info_state))
			snprintf(buf + w, sizeof(t->info_state) - (size_t)w,
				 "; %llu %s not "
				 "passed on (their sender's credentials may not be sent)",
				 (unsigned long long)unsent, what);
		out->state = buf;
	}
	out->has_stats = true;
	stats_snapshot(&t->stats, &out->st);
	out->clients = out->finished ? 0 : out->st.clients;
}

const struct session_ops tap_session_ops = {
	.kind = SESSION_TAP,
	.name = "tap",
	.finished = ops_finished,
	.status = ops_status,
	.stop = ops_stop,
	.destroy = ops_destroy,
	.info = ops_info,
};
