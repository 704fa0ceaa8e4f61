/* tap's inside, shared by its files: tap.c (start, stop, in place, as a session), tap_admit.c
 * (taking each client and connecting it through, as whom) and tap_stream.c (the stream
 * relay). Not for other modules: they use tap.h. */
#ifndef UDSCOPE_TAP_INT_H
#define UDSCOPE_TAP_INT_H

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "core/base/stats.h"
#include "core/io/ancil.h"
#include "core/session/listener.h"
#include "core/session/tap.h"
#include "core/session/tap_ident.h"

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
	struct peer_cred peer[2];   /* each side's SO_PEERCRED: the capture's record comments */
	char note[2][200];          /* pcapng: each way's record comment, made at its first chunk */
	struct tap_dir dir[2];
};

struct tap {
	struct listener ls; /* first: the session ops read it (listener.h) */
	struct uds_addr listen, target;
	struct tap_opts opts;
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
	int pcap_iface;            /* pcapng: the listening path's interface */
	char state[sizeof(((struct uds_addr *)0)->text) + 16];  /* "tapping to TARGET" */
	pid_t holder;         /* the live process holding the target's listening socket, */
	char holder_comm[32]; /* when the one that listened is gone (a forking daemon) */
};

/* ---- tap.c: the thread's events, gathered and sent to the bus under one lock ---- */

/* Send the gathered events on. */
void tap_flush_events(struct tap *t);
/* A cleared event in the queue, to fill in place (the queue is flushed when full). */
struct event *tap_next_event(struct tap *t, enum event_kind kind, uint32_t conn);

/* ---- tap_admit.c: clients taken and connected through ---- */

/* Room for one more connection (and its two pollfds). Returns 0 or -ENOMEM. */
int tap_admit_grow(struct tap *t);
/* Close connection I and free it, without a word. */
void tap_admit_drop(struct tap *t, size_t i);
/* Accept one client and connect it through. Returns false when accepting should pause
 * (nothing more waiting, or out of descriptors or memory). */
bool tap_admit_accept(struct tap *t);
/* Try again the connections waiting for room in the target's backlog; give up on those
 * that waited too long. Returns whether some still wait. */
bool tap_admit_retry(struct tap *t);

/* ---- tap_stream.c: the stream relay ---- */

/* The stream tap's thread. */
void *tap_stream_main(void *arg);

#endif
