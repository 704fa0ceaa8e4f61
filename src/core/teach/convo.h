/* convo: the conversation history of every connection the front end has seen: per end of a
 * connection (a server's connection, a client, the pair demo), the sizes of its sends and
 * recvs in order and the items a sequence diagram needs, and which udscope client end
 * matches which udscope server end: told by the events alone (a client's "connected" line
 * names its socket's inode, a server's accept from this process names its client end's), in
 * whichever order they come, however late, and whether or not the sessions still exist.
 *
 * Fed every event the app hands its front end (main thread only, app.c); read by `map` and
 * `diagram`. Bounded: at most CONVO_ENDS_MAX ends (the oldest ended one, else the oldest, is
 * forgotten first), CONVO_CALLS_MAX calls of each kind per end (later calls are only counted:
 * the map draws the first ones and says how many more there were) and CONVO_ITEMS_MAX diagram
 * items per end (later ones counted). Not thread-safe. */
#ifndef UDSCOPE_CONVO_H
#define UDSCOPE_CONVO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/teach/convo_match.h"
#include "core/teach/dmap.h"
#include "core/base/event.h"
#include "core/teach/seqdiag.h"

#define CONVO_ENDS_MAX 64
#define CONVO_CALLS_MAX 4096
#define CONVO_ITEMS_MAX 64
#define CONVO_LABEL_MAX 96

enum convo_role {
	CONVO_SERVER,          /* one connection of a server (conn 0: a datagram server's) */
	CONVO_CLIENT,          /* a client or connection session */
	CONVO_PAIR,            /* the pair demo: parent (left) and child (right) */
};

/* Why the other end's calls are not known. */
enum convo_unknown {
	CONVO_KNOWN,           /* matched: both ends are udscope's */
	CONVO_OUTSIDE,         /* the peer is another process (peer_pid) */
	CONVO_NO_CRED,         /* the peer could not be identified (no credentials) */
	CONVO_UNMATCHED,       /* the peer is this udscope, but its end could not be matched */
	CONVO_DATAGRAMS,       /* a datagram server: messages from any sender */
	CONVO_NOT_SEEN,        /* a client whose server end was never matched */
};

struct convo_item {
	enum seq_kind kind;
	enum seq_side side;    /* as this end draws it: a client or parent on the left */
	uint64_t t_ns;
	char label[CONVO_LABEL_MAX];
};

/* The calls of one kind (sends or recvs) of one end. */
struct convo_calls {
	struct dmap_side calls;     /* the first CONVO_CALLS_MAX calls */
	uint64_t more_calls, more_bytes;   /* past the bound: counted only */
	uint64_t cut_msgs, cut_bytes;      /* recvs: messages cut by the receive size, bytes lost */
};

struct convo_end {
	enum convo_role role;
	uint32_t session, conn;
	bool messages;              /* seqpacket or dgram: each call is one message */
	bool ended;
	uint64_t last_ns;           /* its newest event */
	enum convo_unknown unknown;
	pid_t peer_pid;             /* CONVO_OUTSIDE */
	char peer_comm[16];
	bool matched;
	uint32_t peer_session, peer_conn;   /* matched: the other end */
	uint64_t peer_ino;          /* CONVO_UNMATCHED server end: its client end's inode, if
				     * known (matched when that client's "connected" comes) */
	struct convo_calls sends, recvs;
	struct convo_item items[CONVO_ITEMS_MAX];
	size_t nitems;
	uint64_t more_items;
};

struct convo {
	struct convo_end *ends[CONVO_ENDS_MAX];
	size_t n;
	uint64_t forgotten;         /* ends dropped to stay within the bound */
	pid_t self;                 /* this process: a peer with this pid may be matched */
	struct convo_match clients; /* client ends by socket inode, from "connected" events */
};

void convo_init(struct convo *c);
void convo_free(struct convo *c);
/* Take one event (any kind; those of no conversation are ignored). */
void convo_observe(struct convo *c, const struct event *ev);

/* The end of SESSION (a client or pair) or of server SESSION's connection CONN, or NULL. */
const struct convo_end *convo_find(const struct convo *c, uint32_t session, uint32_t conn);
/* The newest end of SESSION (0: of any session) whose role is in ROLES (1u << role). */
const struct convo_end *convo_newest(const struct convo *c, uint32_t session, unsigned roles);
/* A matched end's other end (NULL when not matched or forgotten). */
const struct convo_end *convo_peer(const struct convo *c, const struct convo_end *e);

/* The two directions of E's connection: FWD the client's sends over the server's recvs,
 * BACK the server's sends over the client's recvs; a side not known is marked so. The dmaps
 * point into the ends (no copy): valid until the next convo_observe. */
void convo_directions(const struct convo *c, const struct convo_end *e, struct dmap *fwd,
		      struct dmap *back);
/* E's conversation as a sequence diagram (both ends' items by time when matched), with the
 * lifelines' names. Returns 0 or -ENOMEM. */
int convo_diagram(const struct convo *c, const struct convo_end *e, struct seqdiag *out);
/* "client #2", "server #1 connection 3", "pair #4". */
void convo_name(const struct convo_end *e, char *buf, size_t len);
/* The name of E's other end when it is not matched: "server (not seen)", "client pid 7
 * (python3)", "client (not seen)", "senders (not seen)" (a datagram server's). */
void convo_other_name(const struct convo_end *e, char *buf, size_t len);

#endif
