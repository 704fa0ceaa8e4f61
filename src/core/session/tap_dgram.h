/* tap_dgram: the datagram relay of a tap (internal to tap.c): one upstream socket per sender
 * address, so that the target's replies route back to the sender that asked.
 *
 * Threading: tap_dgram_run runs on the tap's thread and touches nothing of the environment
 * but what it is given; STATS may be read from any thread meanwhile. Errors never end the
 * relay: each becomes a line, and only the control descriptor stops it. */
#ifndef UDSCOPE_TAP_DGRAM_H
#define UDSCOPE_TAP_DGRAM_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/addr.h"
#include "core/base/event.h"
#include "core/base/stats.h"

struct capture;
struct pcap_writer;
struct decoder;
struct tap_ident;

/* Defaults of tap --upstreams and --idle. */
#define TAP_DGRAM_UPSTREAMS 1024
#define TAP_DGRAM_IDLE_S 60

struct tap_dgram_env {
	int lfd; /* the bound SOCK_DGRAM listening socket, SO_PASSCRED on */
	int ctl; /* readable: stop */
	const struct uds_addr *listen, *target;
	struct capture *capture;  /* keep every datagram whole here (NULL: not kept) */
	struct pcap_writer *pcap; /* and write it here (NULL: none) */
	struct decoder *decode;   /* and offer it here (core/io/decode.h; NULL: none) */
	/* bytes_in/chunks_in: client->server; bytes_out/chunks_out: server->client;
	 * clients: upstream sockets open now; accepted: every upstream socket opened. */
	struct stats *stats;
	const struct event_sink *out; /* the thread's lines */
	void (*flush)(void *ctx);     /* called before each wait, so lines go out in time */
	void *flush_ctx;
	bool pass_creds;              /* root: forward each datagram's SCM_CREDENTIALS (never resent
			       * without them: dropped, counted in UNSENT) */
	bool can_switch;              /* connect each upstream socket as its sender (tap_ident.h) */
	bool lend_identity;           /* connect every upstream socket as udscope */
	const struct tap_ident *self; /* udscope's own identity */
	atomic_uint_fast64_t *unsent; /* datagrams whose sender's credentials may not go */
	atomic_uint_fast64_t *own_pid; /* datagrams sent with udscope's pid: sender exited */
	size_t max_upstreams; /* the oldest idle one is closed to open another */
	uint64_t idle_ns;     /* an upstream socket unused this long is closed */
};

/* Relay until ENV->ctl is readable, then close every upstream socket (a line each). */
void tap_dgram_run(const struct tap_dgram_env *env);

#endif
