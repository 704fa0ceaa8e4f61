/* tap: a session that listens at one path and gives each client a connection of its own to a
 * target, forwarding both ways and showing every chunk. */
#ifndef UDSCOPE_TAP_H
#define UDSCOPE_TAP_H

#include <stdbool.h>
#include <stddef.h>

#include "core/base/addr.h"
#include "core/base/event.h"
#include "core/base/stats.h"

/* Bytes a direction of a connection holds at most: one buffer each way, so a side that stops
 * reading stops the tap reading the other (the kernel's queues carry the backpressure).
 * 128 KiB: half the syscalls and events of 64 KiB for a fast sender, and still within a core's
 * L2 cache between the read and the write (256 KiB cost more CPU per byte: doc/bench.md). */
#define TAP_BUF (128 * 1024)
/* The send buffer the tap asks for on both of a connection's sockets (the kernel caps it at
 * net.core.wmem_max): a deeper queue toward each receiver, so the tap waits for room less
 * often. Kernel memory, bounded per connection; backpressure works as before. */
#define TAP_SNDBUF (1024 * 1024)

struct capture;
struct inplace;
struct pcap_writer;
struct decoder;

struct tap_opts {
	int type;                 /* SOCK_SEQPACKET (each message goes on whole), SOCK_DGRAM
				   * (one upstream socket per sender address), else stream */
	int mode;                 /* permission bits for the listening node, or -1: the umask's */
	int backlog;
	size_t upstreams;         /* dgram: upstream sockets open at most (0: 1024) */
	unsigned idle_s;          /* dgram: an upstream socket idle this long closes (0: 60) */
	struct capture *capture;  /* keep every chunk whole here (NULL: not kept) */
	struct pcap_writer *pcap; /* write every chunk here too (NULL: none) */
	struct decoder *decode;   /* offer every chunk to it (core/io/decode.h; NULL: none) */
	struct inplace *inplace;  /* --in-place: the real node, moved aside (inplace.h), which
				   * TARGET names; put back at stop instead of removing LISTEN */
	bool lend_identity;       /* --lend-my-identity: every client reaches the target as
				   * udscope's user (else: as itself when udscope may switch,
				   * refused when it may not and is another user) */
};

struct tap;

/* Make room at LISTEN (a stale socket node goes, anything else is refused, as for a server),
 * bind with the mode (in place: the real node's owner, group and mode), listen, and start
 * the thread, which forwards each client accepted to a
 * connection of its own to TARGET. Setup lines go to NOW; the thread's to LATER: per
 * connection the client's and the server's credentials (EV_ACCEPT, dir DIR_C2S / DIR_S2C),
 * each chunk (EV_RECV with dir, capture id), half-closes, and how it ended. A datagram tap
 * (tap_dgram.h) binds without listening and says instead, per sender address, its upstream
 * socket's opening and closing, and each datagram (EV_RECV with dir, sender, and the
 * datagram's SCM_CREDENTIALS). Returns 0, or -errno after one EV_ERROR to NOW. */
int tap_start(struct tap **out, const struct uds_addr *listen, const struct uds_addr *target,
	      const struct tap_opts *opts, const struct event_sink *now,
	      const struct event_sink *later);
/* Ask the thread to stop (non-blocking); open connections are closed. */
void tap_request_stop(struct tap *t);
/* True once the thread has published its last event. */
bool tap_finished(const struct tap *t);
/* Join the thread, close everything, remove the listening node if it is still the one made
 * (in place: put the real node back over it). Lines go to NOW. Frees T.
 * The tap owns OPTS->pcap and OPTS->inplace from tap_start on, also when it fails: it
 * closes the one and puts the other back, then frees it; so with OPTS->decode (stopped). */
void tap_destroy(struct tap *t, const struct event_sink *now);

const struct uds_addr *tap_listen_addr(const struct tap *t);
/* The moved node of a tap --in-place (inplace.h), or NULL. Main thread. */
const struct inplace *tap_inplace(const struct tap *t);
/* The paths the running in-place taps of L stand in front of, ", " between them, in BUF
 * (cut to LEN). Returns how many. Main thread. */
struct session_list;
size_t tap_in_place_paths(const struct session_list *l, char *buf, size_t len);
const struct uds_addr *tap_target_addr(const struct tap *t);
/* The tap's decoder, or NULL. */
struct decoder *tap_decoder(const struct tap *t);
/* bytes_in/chunks_in: client->server; bytes_out/chunks_out: server->client; clients: the
 * connections open now; accepted: every client ever (dgram: upstream sockets open now and
 * ever opened). Safe from any thread. */
const struct stats *tap_stats(const struct tap *t);

/* The tap as a session (session.h). */
struct session_ops;
extern const struct session_ops tap_session_ops;

#endif
