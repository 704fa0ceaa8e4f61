/* tap: a session that listens at one path and gives each client a connection of its own to a
 * target, forwarding both ways and showing every chunk. */
#include "config.h"

#include "core/session/tap.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/bytes.h"
#include "core/io/inplace.h"
#include "core/io/node.h"
#include "core/io/decode.h"
#include "core/io/pcap.h"
#include "core/session/session.h"
#include "core/base/sysio.h"
#include "core/session/tap_dgram.h"
#include "core/session/tap_ident.h"
#include "core/session/tap_int.h"

static void *tap_dgram_main(void *arg);
static void tap_flush_cb(void *t);

/* ---- events, gathered ---- */

/* Send the gathered events on. */
void tap_flush_events(struct tap *t)
{
	if (t->evq_n)
		sink_emit_many(&t->ls.later, t->evq, t->evq_n);
	t->evq_n = 0;
	if (t->opts.decode)
		decode_release(t->opts.decode); /* their chunk lines are out: decode them */
}

struct event *tap_next_event(struct tap *t, enum event_kind kind, uint32_t conn)
{
	if (t->evq_n == TAP_EVQ)
		tap_flush_events(t);
	struct event *ev = &t->evq[t->evq_n++];
	event_init(ev, SRC_TAP, kind);
	ev->conn = conn;
	return ev;
}

static void queue_emit(void *ctx, struct event *ev)
{
	struct tap *t = ctx;
	*tap_next_event(t, ev->kind, ev->conn) = *ev;
}

/* ---- start and stop ---- */

/* Listen (a datagram socket: have each datagram carry its sender's credentials). Returns 0
 * or -errno. */
static int start_listening(struct tap *t)
{
	int one = 1;
	if (t->opts.type == SOCK_DGRAM)
		return setsockopt(t->ls.lfd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0
			       ? -errno
			       : 0;
	/* As root, accepted sockets inherit SO_PASSCRED: each chunk then names its sender from
	 * the first byte on (see pass_creds_in). */
	if (geteuid() == 0)
		(void)setsockopt(t->ls.lfd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
	return listen(t->ls.lfd, t->opts.backlog) < 0 ? -errno : 0;
}

/* In place: bind in the private directory, listen, then swap the node into PATH. Returns 0
 * or -errno after one error line to NOW. */
static int open_in_place(struct tap *t, const struct event_sink *now)
{
	char why[PATH_MAX + 160];
	int r = inplace_make_node(t->opts.inplace, t->ls.lfd, why, sizeof(why));
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
		event_emit_path(now, SRC_TAP, FACT_NODE_STALE, path, NULL);
	t->ls.lfd = socket(AF_UNIX, t->opts.type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (t->ls.lfd < 0) {
		r = -errno;
		event_emit_error(now, SRC_TAP, 0, -r, "tap %s: socket", path);
		return r;
	}
	if (t->opts.inplace)
		return open_in_place(t, now);
	if ((r = node_bind(t->ls.lfd, &t->listen, t->opts.mode)) < 0) {
		event_emit_error(now, SRC_TAP, 0, -r, "tap: bind %s", path);
		return r;
	}
	if (!t->listen.abstract && lstat(path, &t->ls.node) == 0 && S_ISSOCK(t->ls.node.st_mode))
		t->ls.own_node = true;
	if ((r = start_listening(t)) < 0) {
		event_emit_error(now, SRC_TAP, 0, -r, "tap: %s %s",
				 t->opts.type == SOCK_DGRAM ? "setsockopt SO_PASSCRED" : "listen",
				 path);
		return r;
	}
	bool verified;
	if (t->ls.own_node && node_bound_here(t->ls.lfd, path, &t->ls.node, &verified) == -ESTALE) {
		t->ls.own_node = false;
		event_emit_path(now, SRC_TAP, FACT_NODE_REPLACED, path, NULL);
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
	return t->ls.own_node && stat(g->text, &st) == 0 && st.st_dev == t->ls.node.st_dev &&
	       st.st_ino == t->ls.node.st_ino;
}

/* An in-place tap's line beside its inplace-restored one: FACT at PATH (the guard GUARD
 * silent, or with ERR the node not put back). */
static void say_inplace(const struct inplace *ip, pid_t guard, enum event_fact fact, int err,
			const char *path, const struct event_sink *now)
{
	struct event ev;
	event_init(&ev, SRC_TAP, err ? EV_ERROR : EV_INFO);
	ev.err = err;
	event_set_path(&ev, fact, path, strlen(path), NULL);
	event_set_target(&ev, ip->hidden ? ip->hidden : "?");
	ev.child_pid = guard;
	sink_emit(now, &ev);
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
	pid_t guard = ip->guard; /* restore forgets it once dismissed */
	struct inplace_result res;
	if ((r = inplace_restore(ip, &res)) == 0) {
		if (swapped) {
			struct event ev;
			inplace_event(&ev, &res, path, ip->hidden);
			sink_emit(now, &ev);
		}
		if (res.said == INPLACE_SAID_GUARD_SILENT)
			say_inplace(ip, guard, FACT_GUARD_SILENT, 0, path, now);
		inplace_forget(ip);
		free(ip);
		return;
	}
	/* IP stays (not freed): the guard keeps its socket and puts the node back when this
	 * process ends. */
	say_inplace(ip, guard, FACT_INPLACE_NOT_RESTORED, -r, path, now);
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

/* A tap with its options' defaults filled in, nothing opened yet. NULL on ENOMEM. */
static struct tap *tap_new(const struct uds_addr *listen, const struct uds_addr *target,
			   const struct tap_opts *opts, const struct event_sink *later)
{
	struct tap *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->listen = *listen;
	t->target = *target;
	t->opts = *opts;
	if (t->opts.type != SOCK_SEQPACKET && t->opts.type != SOCK_DGRAM)
		t->opts.type = SOCK_STREAM;
	if (!t->opts.upstreams)
		t->opts.upstreams = TAP_DGRAM_UPSTREAMS;
	if (!t->opts.idle_s)
		t->opts.idle_s = TAP_DGRAM_IDLE_S;
	listener_init(&t->ls, later, tap_flush_cb);
	t->qsink = (struct event_sink){ queue_emit, t, NULL };
	snprintf(t->state, sizeof(t->state), "tapping to %s", target->text);
	return t;
}

int tap_start(struct tap **out, const struct uds_addr *listen, const struct uds_addr *target,
	      const struct tap_opts *opts, const struct event_sink *now,
	      const struct event_sink *later)
{
	*out = NULL;
	struct tap *t = tap_new(listen, target, opts, later);
	if (!t) {
		event_emit_error(now, SRC_TAP, 0, ENOMEM, "tap %s", listen->text);
		pcap_discard(opts->pcap); /* nothing was captured: no file left behind */
		decode_stop(opts->decode);
		release_extras(NULL, opts->inplace, listen->text, now);
		return -ENOMEM;
	}
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
	if ((r = sysio_pipe(t->ls.ctl, O_NONBLOCK)) < 0) {
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
	if (t->opts.pcap && (t->pcap_iface = pcap_iface(t->opts.pcap, listen->text)) < 0)
		t->pcap_iface = 0; /* the record says "udscope" instead */
	if ((r = pthread_create(&t->ls.thread, NULL,
				t->opts.type == SOCK_DGRAM ? tap_dgram_main : tap_stream_main,
				t)) != 0) {
		event_emit_error(now, SRC_TAP, 0, r, "tap %s: pthread_create", listen->text);
		r = -r;
		goto fail;
	}
	t->ls.thread_started = true;
	*out = t;
	return 0;
fail:
	atomic_store(&t->ls.finished, true);
	pcap_discard(t->opts.pcap); /* nothing was captured: no file left behind */
	t->opts.pcap = NULL;
	tap_destroy(t, now);
	return r;
}

void tap_request_stop(struct tap *t)
{
	listener_request_stop(&t->ls);
}

bool tap_finished(const struct tap *t)
{
	return listener_finished(&t->ls);
}

static void remove_node(struct tap *t, const struct event_sink *now)
{
	char why[PATH_MAX + 160];
	int r = t->ls.own_node ? node_remove(t->listen.text, &t->ls.node, why, sizeof(why))
			       : -ENOENT;
	if (r == 0)
		event_emit_path(now, SRC_TAP, FACT_NODE_REMOVED, t->listen.text, NULL);
	else if (r == -ESTALE)
		event_emit_path(now, SRC_TAP, FACT_NODE_LEFT, t->listen.text, why);
	else if (r != -ENOENT)
		event_emit_error(now, SRC_TAP, 0, -r, "tap stop: remove %s", t->listen.text);
}

/* How decoding went, in one line (nothing without decoding). */
static void say_decoded(struct decoder *d, const struct event_sink *now)
{
	char line[256];
	if (d && decode_describe(d, line, sizeof(line)))
		event_emit_info(now, SRC_TAP, 0, "%s", line);
}

void tap_destroy(struct tap *t, const struct event_sink *now)
{
	if (!t)
		return;
	listener_join(&t->ls, now, SRC_TAP, t->opts.type, 0);
	say_decoded(t->opts.decode, now);
	decode_stop(t->opts.decode);
	sysio_close(&t->ls.lfd);
	if (t->opts.inplace)
		t->ls.own_node = false; /* the real node goes back over it */
	remove_node(t, now);
	release_extras(t->opts.pcap, t->opts.inplace, t->listen.text, now);
	sysio_close(&t->ls.ctl[0]);
	sysio_close(&t->ls.ctl[1]);
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

struct decoder *tap_decoder(const struct tap *t)
{
	return t->opts.decode;
}

const struct stats *tap_stats(const struct tap *t)
{
	return &t->ls.stats;
}

/* The relay's and the listener's way to send the gathered events on. */
static void tap_flush_cb(void *t)
{
	tap_flush_events(t);
}

/* The datagram tap's thread: the relay (tap_dgram.c) with what it needs of T. */
static void *tap_dgram_main(void *arg)
{
	struct tap *t = arg;
	struct tap_dgram_env env = {
		.lfd = t->ls.lfd,
		.ctl = t->ls.ctl[0],
		.listen = &t->listen,
		.target = &t->target,
		.capture = t->opts.capture,
		.pcap = t->opts.pcap,
		.decode = t->opts.decode,
		.stats = &t->ls.stats,
		.out = &t->qsink,
		.flush = tap_flush_cb,
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
	return listener_thread_end(&t->ls);
}

/* ---- as a session ---- */

static void ops_destroy(void *t, const struct event_sink *now)
{
	tap_destroy(t, now);
}

static void ops_info(const void *p, struct session_info *out)
{
	const struct tap *t = p;
	session_info_fill(out, t->listen.text, t->opts.type, t->state, "stopped", &t->ls.stats,
			  true);
	uint64_t unsent = atomic_load(&t->unsent), own = atomic_load(&t->own_pid);
	if (unsent || own) {
		/* Only the main thread asks: the buffer is its own. */
		char *buf = ((struct tap *)p)->info_state;
		const char *what = t->opts.type == SOCK_DGRAM ? own == 1 ? "datagram" : "datagrams"
					   : own == 1		     ? "chunk"
								     : "chunks";
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
}

const struct session_ops tap_session_ops =
	LISTENER_SESSION_OPS(SESSION_TAP, "tap", ops_destroy, ops_info, NULL);
