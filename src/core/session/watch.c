/* watch: the watch session: its thread reads the BPF program's records, turns each into a
 * chunk event as a tap's (direction, bytes, the calling process), keeps the watched set in
 * step with the target's connections, and says how many calls the ring buffer could not take. */
#include "config.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/base/capture.h"
#include "core/base/socktype.h"
#include "core/io/decode.h"
#include "core/io/pcap.h"
#include "core/session/session.h"
#include "core/session/watch.h"
#include "core/session/watch_bpf.h"

#define WATCH_EVQ 64                  /* events gathered before they go to the bus at once */
#define WATCH_KNOWN_MAX 4096          /* sockets in the watched set at most */
#define WATCH_REFRESH_NS 200000000ull /* how often new connections are looked for */
#define WATCH_POLL_MS 50

/* A socket in the watched set and its connection's number. */
struct known {
	uint32_t ino, conn;
	bool seen; /* found again at the last refresh */
};

struct watch {
	struct watch_opts opts;
	struct event_sink later;
	struct watch_bpf *bpf;
	pthread_t thread;
	bool started;
	atomic_bool stop, finished;
	struct stats stats;
	struct known *known;
	size_t nknown;
	atomic_uint nsocks; /* nknown, for the main thread's ops_info */
	uint64_t lost_told; /* lost calls already said */
	bool pcap_failed;
	struct event evq[WATCH_EVQ];
	size_t evq_n;
	struct watch_found found[WATCH_KNOWN_MAX];
};

static struct known *known_of(struct watch *w, uint32_t ino);

/* Send the gathered events on. */
static void flush_events(struct watch *w)
{
	if (w->evq_n)
		sink_emit_many(&w->later, w->evq, w->evq_n);
	w->evq_n = 0;
	if (w->opts.decode)
		decode_release(w->opts.decode); /* their chunk lines are out: decode them */
}

/* A cleared event in the queue at TIME_NS, to fill in place. */
static struct event *next_event_at(struct watch *w, enum event_kind kind, uint32_t conn,
				   uint64_t time_ns)
{
	if (w->evq_n == WATCH_EVQ)
		flush_events(w);
	struct event *ev = &w->evq[w->evq_n++];
	event_init_at(ev, SRC_WATCH, kind, time_ns);
	ev->conn = conn;
	return ev;
}

/* The same stamped now. */
static struct event *next_event(struct watch *w, enum event_kind kind, uint32_t conn)
{
	return next_event_at(w, kind, conn, event_now_ns());
}

/* What a descriptor of mode MODE refers to. */
static const char *kind_of_mode(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFSOCK:
		return "a socket";
	case S_IFREG:
		return "a regular file";
	case S_IFDIR:
		return "a directory";
	case S_IFIFO:
		return "a pipe";
	case S_IFCHR:
		return "a character device";
	case S_IFBLK:
		return "a block device";
	case S_IFLNK:
		return "a symbolic link";
	case 0:
		return "something that could not be read";
	default:
		return "an anonymous file";
	}
}

/* The descriptors (SCM_RIGHTS) and credentials (SCM_CREDENTIALS) that rode with record R. */
static void say_control(struct watch *w, const struct watch_rec *r)
{
	if (r->nfds) {
		char kinds[256] = "";
		size_t k = 0, shown = r->nfds < WATCH_FDS_MAX ? r->nfds : WATCH_FDS_MAX;
		for (size_t i = 0; i < shown && k < sizeof(kinds); i++)
			k += (size_t)snprintf(kinds + k, sizeof(kinds) - k, "%s%s", i ? ", " : "",
					      kind_of_mode(r->fd_mode[i]));
		struct event *ev = next_event(w, EV_INFO, r->conn);
		event_textf(ev, "%u descriptor%s passed with it (SCM_RIGHTS): %s%s",
			    (unsigned)r->nfds, r->nfds == 1 ? "" : "s", kinds,
			    r->nfds > shown ? ", ..." : "");
		ev->nfds = r->nfds;
	}
	if (r->has_cred) {
		struct event *ev = next_event(w, EV_INFO, r->conn);
		event_textf(ev,
			    "credentials passed with it (SCM_CREDENTIALS): pid %u uid %u gid %u",
			    r->cred_pid, r->cred_uid, r->cred_gid);
	}
}

/* Write chunk DATA (N bytes) of connection CONN to the capture file, once failing. */
static void to_pcap(struct watch *w, uint32_t conn, bool c2s, const uint8_t *data, size_t n)
{
	if (!w->opts.pcap || w->pcap_failed)
		return;
	int r = pcap_write(w->opts.pcap, conn, c2s ? PCAP_TO_SERVER : PCAP_TO_CLIENT, data, n);
	if (r < 0) {
		w->pcap_failed = true;
		struct event *e = next_event(w, EV_ERROR, conn);
		e->err = -r;
		event_textf(e, "watch: write the capture file: nothing more is written to it "
			       "(it ends with the last whole record)");
	}
}

/* A watched listener accepted R->ino, which the program put into the set, with the client's
 * end R->peer (watched too, or SKIPPED: known either way, so that it leaves the set when the
 * socket is gone). */
static void on_accept(struct watch *w, const struct watch_rec *r)
{
	if (!known_of(w, (uint32_t)r->ino) && w->nknown < WATCH_KNOWN_MAX)
		w->known[w->nknown++] = (struct known){ (uint32_t)r->ino, r->conn, true };
	if (r->peer && !known_of(w, (uint32_t)r->peer) && w->nknown < WATCH_KNOWN_MAX)
		w->known[w->nknown++] = (struct known){ (uint32_t)r->peer, r->conn, true };
	struct event *ev = next_event(w, EV_INFO, r->conn);
	ev->sock_ino = r->ino;
	ev->peer_ino = r->peer_skipped ? 0 : r->peer;
	char comm[sizeof(r->comm) + 1];
	memcpy(comm, r->comm, sizeof(r->comm));
	comm[sizeof(r->comm)] = '\0';
	if (r->peer && !r->peer_skipped)
		event_textf(ev,
			    "connection %u accepted by pid %u (%s): watching socket %llu and "
			    "its peer %llu (each side's sends name the sender)",
			    r->conn, r->tgid, comm, (unsigned long long)r->ino,
			    (unsigned long long)r->peer);
	else
		event_textf(ev,
			    "connection %u accepted by pid %u (%s): watched from the server's "
			    "end (socket %llu; its receives name the receiver: bytes were waiting, "
			    "a send raced the accept, or the client's end is gone)",
			    r->conn, r->tgid, comm, (unsigned long long)r->ino);
}

/* One record: a chunk event like a tap's, sent by the process that made the call. */
static void on_record(void *ctx, const struct watch_rec *r, const uint8_t *data)
{
	struct watch *w = ctx;
	if (r->call == WATCH_ACCEPT) {
		on_accept(w, r);
		return;
	}
	bool send = r->call < WATCH_READ;
	bool c2s = send ? !r->server : r->server;
	uint64_t len = r->ret > 0 ? (uint64_t)r->ret : 0;
	if (c2s)
		stats_add_in(&w->stats, len);
	else
		stats_add_out(&w->stats, len);
	struct event *ev = next_event_at(w, EV_RECV, r->conn, r->time_ns);
	ev->dir = c2s ? DIR_C2S : DIR_S2C;
	event_set_bytes(ev, data, r->cap);
	ev->nbytes = len;
	ev->has_cred = ev->cred_msg = true;
	ev->by_receiver = !send;
	ev->pid = (pid_t)r->tgid;
	ev->uid = r->uid;
	ev->gid = r->gid;
	memcpy(ev->comm, r->comm, sizeof(ev->comm));
	ev->comm[sizeof(ev->comm) - 1] = '\0';
	ev->nfds = r->nfds;
	ev->sock_ino = r->ino;
	if (!send && (r->msg_flags & MSG_TRUNC)) {
		ev->message = true;
		ev->msg_len = len;
	}
	if (r->call == WATCH_SENDFILE || r->call == WATCH_SPLICE) {
		/* No bytes to keep, decode or write to the capture file: the length is said. */
		event_textf(next_event(w, EV_INFO, r->conn), "%s: %llu bytes, contents not seen",
			    r->call == WATCH_SENDFILE ? "sendfile" : "splice",
			    (unsigned long long)len);
		return;
	}
	if (w->opts.capture)
		ev->capture = capture_put(w->opts.capture, data, r->cap);
	if (w->opts.decode)
		ev->chunk_no = decode_offer(w->opts.decode, r->conn,
					    c2s ? PCAP_TO_SERVER : PCAP_TO_CLIENT, data, r->cap);
	to_pcap(w, r->conn, c2s, data, r->cap);
	say_control(w, r);
}

/* The known socket INO, or NULL. */
static struct known *known_of(struct watch *w, uint32_t ino)
{
	for (size_t i = 0; i < w->nknown; i++)
		if (w->known[i].ino == ino)
			return &w->known[i];
	return NULL;
}

/* Put INO into the set as connection CONN's SERVER end (RECVS: its receives are records);
 * false when the set is full or the map refused it. */
static bool add_sock(struct watch *w, uint32_t ino, uint32_t conn, bool server, bool recvs,
		     bool listener)
{
	if (w->nknown == WATCH_KNOWN_MAX)
		return false;
	struct watch_sock ws = { .conn = conn, .server = server, .recvs = recvs,
				 .listener = listener };
	if (watch_bpf_add(w->bpf, ino, &ws) < 0)
		return false;
	w->known[w->nknown++] = (struct known){ ino, conn, true };
	return true;
}

/* A connection found (F) that the set did not hold: both its ends go in. */
static void add_found(struct watch *w, const struct watch_found *f, const struct event_sink *to)
{
	if (f->listener) {
		add_sock(w, f->ino, 0, true, false, true);
		return;
	}
	struct known *peer = f->peer ? known_of(w, f->peer) : NULL;
	uint32_t conn = peer ? peer->conn : watch_bpf_next_conn(w->bpf);
	if (!add_sock(w, f->ino, conn, f->server, !f->peer, false))
		return;
	if (f->peer && !peer)
		add_sock(w, f->peer, conn, !f->server, false, false);
	if (peer)
		return;
	struct event ev;
	event_init(&ev, SRC_WATCH, EV_INFO);
	ev.conn = conn;
	ev.socktype = (uint8_t)f->type;
	ev.sock_ino = f->ino;
	ev.peer_ino = f->peer;
	if (f->peer)
		event_textf(&ev, "watching connection %u: socket %u and its peer %u", conn, f->ino,
			    f->peer);
	else
		event_textf(&ev, "watching socket %u (connection %u)", f->ino, conn);
	sink_emit(to, &ev);
}

/* Look for the target's sockets again: new connections go into the set, closed ones out.
 * Returns how many connections it has, or -errno. */
static ssize_t refresh(struct watch *w, const struct event_sink *to)
{
	ssize_t n = watch_resolve(&w->opts.target, w->found, WATCH_KNOWN_MAX);
	if (n < 0)
		return n;
	size_t m = (size_t)n < WATCH_KNOWN_MAX ? (size_t)n : WATCH_KNOWN_MAX;
	for (size_t i = 0; i < w->nknown; i++)
		w->known[i].seen = false;
	for (size_t i = 0; i < m; i++) {
		struct known *k = known_of(w, w->found[i].ino);
		struct known *p = w->found[i].peer ? known_of(w, w->found[i].peer) : NULL;
		if (k)
			k->seen = true;
		if (p)
			p->seen = true;
		if (!k && !watch_bpf_has(w->bpf, w->found[i].ino))
			add_found(w, &w->found[i], to);
	}
	for (size_t i = w->nknown; i-- > 0;)
		if (!w->known[i].seen) {
			watch_bpf_remove(w->bpf, w->known[i].ino);
			w->known[i] = w->known[--w->nknown];
		}
	atomic_store(&w->nsocks, (unsigned)w->nknown);
	return (ssize_t)m;
}

/* Say once a second how many calls the ring buffer could not take since last said. */
static void say_lost(struct watch *w, bool force)
{
	uint64_t lost = watch_bpf_lost(w->bpf);
	if (lost == w->lost_told || (!force && lost - w->lost_told < 1))
		return;
	struct event *ev = next_event(w, EV_INFO, 0);
	event_textf(ev, "%llu calls not seen: the ring buffer was full; raise --ring-mb",
		    (unsigned long long)(lost - w->lost_told));
	w->lost_told = lost;
}

/* The thread: records to events, the set refreshed, until asked to stop. */
static void *watch_main(void *arg)
{
	struct watch *w = arg;
	uint64_t last = event_now_ns(), told = last;
	while (!atomic_load(&w->stop)) {
		int r = watch_bpf_poll(w->bpf, WATCH_POLL_MS);
		if (r < 0) {
			struct event *ev = next_event(w, EV_ERROR, 0);
			ev->err = -r;
			event_textf(ev, "watch %s: read the ring buffer", w->opts.target.text);
			break;
		}
		uint64_t now = event_now_ns();
		if (now - told >= 1000000000ull) {
			say_lost(w, false);
			told = now;
		}
		flush_events(w);
		if (now - last >= WATCH_REFRESH_NS) {
			refresh(w, &w->later);
			last = now;
		}
	}
	while (watch_bpf_poll(w->bpf, 0) > 0)
		;
	say_lost(w, true);
	flush_events(w);
	atomic_store(&w->finished, true);
	return NULL;
}

/* Free W and what it owns; the capture file is removed when nothing was written to it. */
static void watch_free(struct watch *w, bool keep_pcap, const struct event_sink *now)
{
	watch_bpf_close(w->bpf);
	char line[256];
	if (w->opts.decode && decode_describe(w->opts.decode, line, sizeof(line)))
		event_emit_info(now, SRC_WATCH, 0, "%s", line);
	decode_stop(w->opts.decode);
	if (w->opts.pcap) {
		int r = keep_pcap ? pcap_close(w->opts.pcap) : pcap_discard(w->opts.pcap);
		if (r < 0)
			event_emit_error(now, SRC_WATCH, 0, -r, "watch %s: close the capture file",
					 w->opts.target.text);
	}
	free(w->known);
	free(w);
}

/* The refusal line: what is missing, and the tap that needs none of it. */
static int refuse(struct watch *w, int err, const char *why, const struct event_sink *now)
{
	event_emit_error(now, SRC_WATCH, 0, err == EPERM || err == ENOENT ? 0 : err,
			 "watch %s: %s; tap sees a service's traffic without it",
			 w->opts.target.text, why);
	watch_free(w, false, now);
	return -err;
}

/* The target names no socket now: say so (the set would stay empty). */
static int not_found(struct watch *w, const struct event_sink *now)
{
	const struct watch_target *t = &w->opts.target;
	event_emit_error(now, SRC_WATCH, 0, ENOENT, "watch %s: %s", t->text,
			 t->kind == WATCH_TARGET_PID     ? "that process holds no Unix socket now"
			 : t->kind == WATCH_TARGET_INODE ? "no Unix socket has that inode"
							 : "no listening or datagram socket is "
							   "bound to that name (sock_diag)");
	watch_free(w, false, now);
	return -ENOENT;
}

int watch_start(struct watch **out, const struct watch_opts *opts, const struct event_sink *now,
		const struct event_sink *later)
{
	*out = NULL;
	struct watch *w = calloc(1, sizeof(*w));
	if (!w) {
		pcap_discard(opts->pcap);
		decode_stop(opts->decode);
		return -ENOMEM;
	}
	w->opts = *opts;
	w->later = *later;
	stats_init(&w->stats);
	w->known = calloc(WATCH_KNOWN_MAX, sizeof(*w->known));
	char why[512];
	int r = w->known ? watch_bpf_check(why, sizeof(why)) : -ENOMEM;
	if (r == 0)
		r = watch_bpf_open(&w->bpf, opts->snap, opts->ring_mb, on_record, w, why,
				   sizeof(why));
	if (r < 0)
		return refuse(w, -r, r == -ENOMEM && !w->known ? "out of memory" : why, now);
	ssize_t n = refresh(w, now);
	if (n < 0) {
		snprintf(why, sizeof(why), "read the sockets (sock_diag): %s", strerror((int)-n));
		return refuse(w, (int)-n, why, now);
	}
	if (n == 0)
		return not_found(w, now);
	event_emit_info(now, SRC_WATCH, 0,
			"watching %s: %zu socket%s in the watched set now, through " WATCH_METHOD
			"; --snap %u bytes a call, ring buffer %u MiB",
			w->opts.target.text, w->nknown, w->nknown == 1 ? "" : "s", opts->snap,
			opts->ring_mb);
	r = session_thread_start(&w->thread, &w->started, watch_main, w, now, SRC_WATCH, "watch",
				 w->opts.target.text);
	if (r < 0) {
		watch_free(w, false, now);
		return r;
	}
	*out = w;
	return 0;
}

void watch_request_stop(struct watch *w)
{
	atomic_store(&w->stop, true);
}

bool watch_finished(const struct watch *w)
{
	return atomic_load(&w->finished);
}

void watch_destroy(struct watch *w, const struct event_sink *now)
{
	watch_request_stop(w);
	if (w->started)
		pthread_join(w->thread, NULL);
	struct stats_snapshot sn;
	stats_snapshot(&w->stats, &sn);
	event_emit_info(now, SRC_WATCH, 0,
			"watch %s: stopped and detached; %llu calls seen, %llu not seen (ring "
			"buffer full), %llu sendmmsg/recvmmsg messages not decoded; "
			"client->server %llu bytes, server->client %llu bytes",
			w->opts.target.text, (unsigned long long)watch_bpf_seen(w->bpf),
			(unsigned long long)watch_bpf_lost(w->bpf),
			(unsigned long long)watch_bpf_undecoded(w->bpf),
			(unsigned long long)sn.bytes_in, (unsigned long long)sn.bytes_out);
	watch_free(w, true, now);
}

uint64_t watch_lost(const struct watch *w)
{
	return watch_bpf_lost(w->bpf);
}

uint64_t watch_seen(const struct watch *w)
{
	return watch_bpf_seen(w->bpf);
}

uint64_t watch_undecoded(const struct watch *w)
{
	return watch_bpf_undecoded(w->bpf);
}

const struct watch_target *watch_target_of(const struct watch *w)
{
	return &w->opts.target;
}

struct decoder *watch_decoder(const struct watch *w)
{
	return w->opts.decode;
}

/* ---- as a session ---- */

static bool ops_finished(const void *w)
{
	return watch_finished(w);
}

static int ops_status(const void *w)
{
	(void)w;
	return 0;
}

static void ops_stop(void *w)
{
	watch_request_stop(w);
}

static void ops_destroy(void *w, const struct event_sink *now)
{
	watch_destroy(w, now);
}

static void ops_info(const void *p, struct session_info *out)
{
	const struct watch *w = p;
	snprintf(out->path, sizeof(out->path), "%s", w->opts.target.text);
	out->type = w->opts.target.type ? socktype_name(w->opts.target.type) : "any";
	out->state = out->finished ? "stopped" : "watching";
	out->has_stats = true;
	stats_snapshot(&w->stats, &out->st);
	out->clients = atomic_load(&w->nsocks);
}

const struct session_ops watch_session_ops = {
	.kind = SESSION_WATCH,
	.name = "watch",
	.finished = ops_finished,
	.status = ops_status,
	.stop = ops_stop,
	.destroy = ops_destroy,
	.info = ops_info,
};
