/* tap_dgram's inside, shared by its files: tap_dgram.c (the relay: datagrams each way,
 * whole, with descriptors and credentials) and tap_ups.c (the table of upstream sockets, one
 * per sender address: found, opened, connected, closed, swept when idle). Not for other
 * modules: they use tap_dgram.h. */
#ifndef UDSCOPE_TAP_DGRAM_INT_H
#define UDSCOPE_TAP_DGRAM_INT_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "core/base/event.h"
#include "core/io/ancil.h"
#include "core/session/tap_dgram.h"
#include "core/session/tap_ident.h"

#define HASH_SIZE 4096
/* Datagrams one socket gives per wake-up before the others get their turn. */
#define BUDGET 16
/* A reply the sender's full queue would not take is tried again this often (a socket that
 * sends to many addresses cannot poll for one receiver's room). */
#define RETRY_MS 10
/* Pids of unbound senders told that replies cannot route back (then told again). */
#define SAID_PIDS 32

enum {
	CLI,
	SRV
}; /* CLI: datagrams from the senders; SRV: replies from the target */

struct up {
	uint32_t id; /* the "conn" of its lines */
	int fd;
	size_t slot;             /* its index in relay.ups */
	struct up *hnext;        /* the next in its hash chain */
	struct sockaddr_un addr; /* the sender's address; unbound: addrlen 0 */
	socklen_t addrlen;
	enum event_sender kind;
	char name[EVENT_TEXT_MAX / 2]; /* the address escaped, for lines */
	uint64_t last_ns;
	int target_err;      /* the target refused (said once, until it answers) */
	uint64_t dropped[2]; /* datagrams not passed on, each way */
	uint64_t bytes[2], msgs[2];
	char *reply; /* a reply waiting for room at the sender (malloc'd) */
	size_t reply_len;
	struct ancil reply_anc;
	bool reply_held;
	pid_t said[SAID_PIDS]; /* unbound: pids told already */
	size_t nsaid;
	bool as_sender;       /* connected with WHO's identity */
	bool refused;         /* another user's, and udscope may not connect as it: dropped */
	bool said_other;      /* told that a datagram of another user came its way */
	bool said_own_pid;    /* told that its sender's pid was gone (udscope's went) */
	struct tap_ident who; /* the identity its connect carries */
};

struct relay {
	const struct tap_dgram_env *env;
	struct up **ups;
	size_t nups, capups;
	struct up *hash[HASH_SIZE];
	struct up *unbound; /* the one upstream socket all unbound senders share */
	struct pollfd *pfds;
	char *buf[2]; /* receive buffers, grown to the largest datagram */
	size_t cap[2];
	struct up *held; /* its datagram waits in buf[CLI] for room at the target */
	size_t held_len;
	struct ancil held_anc;
	size_t replies_held; /* upstreams with a reply waiting */
	uint32_t next_id;
	bool pcap_failed;
	/* The pid whose credentials go on next, each way: watched from its datagram's receipt
	 * (two descriptors for the relay, not two per upstream socket). */
	struct tap_pidwatch watch[2];
};

/* An event of KIND for upstream socket CONN (0: none), from the tap, in EV. Returns EV. */
static inline struct event *tap_dgram_line(struct event *ev, enum event_kind kind, uint32_t conn)
{
	event_init(ev, SRC_TAP, kind);
	ev->conn = conn;
	return ev;
}

/* ---- tap_ups.c ---- */

/* The upstream socket of the sender at A (LEN bytes; unbound: the shared one), or NULL. */
struct up *tap_ups_find(struct relay *r, const struct sockaddr_un *a, socklen_t len);
/* A new upstream socket for the sender at A, whose datagram came with IN; the longest idle
 * one is closed when the table is full. NULL (said) when it cannot be made. */
struct up *tap_ups_open(struct relay *r, const struct sockaddr_un *a, socklen_t len,
			const struct msgio_in *in);
/* Close U and free it, after one line saying its totals and WHY (COUNT, ERR: its figure). */
void tap_ups_close(struct relay *r, struct up *u, enum event_reason why, uint64_t count, int err);
/* The target could not take U's datagrams: CALL ("connect", "send" to it) failed with ERR. */
void tap_ups_target_down(struct relay *r, struct up *u, const char *call, int err);
/* Connect U to the target (as its sender when it is to be). 0 or -errno. */
int tap_ups_connect(struct relay *r, struct up *u);
/* Close the upstream sockets idle for longer than the bound, as of NOW. */
void tap_ups_sweep(struct relay *r, uint64_t now);

#endif
