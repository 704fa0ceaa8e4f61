/* watch: a session that sees running programs' calls on Unix sockets without a proxy, those
 * open before it started included, with an eBPF program (watch_bpf.h) that keeps only the
 * calls on a set of socket inodes (resolved from sock_diag and refreshed as connections come
 * and go). Each call becomes a chunk event like a tap's. */
#ifndef UDSCOPE_WATCH_H
#define UDSCOPE_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/base/addr.h"
#include "core/base/event.h"
#include "core/base/stats.h"

struct capture;
struct pcap_writer;
struct decoder;

enum watch_target_kind {
	WATCH_TARGET_PATH,  /* a listener (or a bound datagram socket) by path or @name */
	WATCH_TARGET_PID,   /* every Unix socket a process holds */
	WATCH_TARGET_INODE, /* one socket */
};

struct watch_target {
	enum watch_target_kind kind;
	struct uds_addr addr; /* PATH */
	pid_t pid;            /* PID */
	uint32_t ino;         /* INODE */
	int type;             /* --type: only sockets of this SOCK_* (0: any) */
	char text[sizeof(((struct uds_addr *)0)->text) + 16]; /* as lines say it */
};

/* A socket the target names now: its inode, its peer's (0: none), whether it is the
 * server's end (the target's own), and its type. */
struct watch_found {
	uint32_t ino, peer;
	bool server;
	bool listener;  /* a listener: what it accepts from now on is watched at once */
	int type;
};

/* The sockets T names now, at most MAX in OUT. Returns how many there are, or -errno
 * (sock_diag failed). */
ssize_t watch_resolve(const struct watch_target *t, struct watch_found *out, size_t max);

struct watch_opts {
	struct watch_target target;
	unsigned snap;            /* bytes kept per call */
	unsigned ring_mb;         /* the ring buffer's size */
	struct capture *capture;  /* keep every chunk here (NULL: not kept) */
	struct pcap_writer *pcap; /* write every chunk here too (NULL: none); the watch owns it */
	struct decoder *decode;   /* offer every chunk to it (core/io/decode.h; NULL: none); the
				   * watch owns it from watch_start on, also when that fails */
};

struct watch;

/* Check the privileges, load and attach the BPF program, resolve the target, and start the
 * thread that turns records into events (to LATER). Setup lines go to NOW. Returns 0, or
 * -errno after one EV_ERROR to NOW naming what is missing and suggesting tap. */
int watch_start(struct watch **out, const struct watch_opts *opts, const struct event_sink *now,
		const struct event_sink *later);
void watch_request_stop(struct watch *w);
bool watch_finished(const struct watch *w);
/* Join, detach and unload, close the capture file; the last lines (lost calls) go to NOW. */
void watch_destroy(struct watch *w, const struct event_sink *now);
/* Calls not seen (ring buffer full), and calls seen, so far. */
uint64_t watch_lost(const struct watch *w);
uint64_t watch_seen(const struct watch *w);
/* Messages of sendmmsg/recvmmsg vectors not recorded (past the first 8 of a vector). */
uint64_t watch_undecoded(const struct watch *w);
const struct watch_target *watch_target_of(const struct watch *w);
/* The watch's decoder, or NULL (the chunk detail's tshark -V asks it how to call the
 * dissector); valid until watch_destroy. Main thread. */
struct decoder *watch_decoder(const struct watch *w);

struct session_ops;
extern const struct session_ops watch_session_ops;

#endif
