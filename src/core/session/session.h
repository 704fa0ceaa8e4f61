/* session: what a command starts that runs on its own (a server, a client, an interactive
 * connection, the pair demo), behind one interface, kept in one list with an id each. */
#ifndef UDSCOPE_SESSION_H
#define UDSCOPE_SESSION_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/event.h"
#include "core/base/stats.h"

enum session_kind {
	SESSION_SERVER,
	SESSION_CLIENT,       /* the one-shot client: send, check the echo, close */
	SESSION_CONN,         /* an interactive connection: connect, send, expect, disconnect */
	SESSION_PAIR,
	SESSION_TAP,          /* a tap: forwards each client to its own connection to a target */
	SESSION_WATCH,        /* a watch: running programs' calls on sockets, seen with eBPF */
	SESSION__KINDS
};

/* A copy of what a front end may show of a session; taken on the main thread. */
struct session_info {
	uint32_t id;
	enum session_kind kind;
	const char *kind_name;       /* "server", "client", "connection", "pair", "tap" */
	char path[128];              /* as the user wrote it (escaped); "" for the pair */
	const char *type;            /* "stream", "seqpacket", "dgram" (socktype_name) */
	const char *state;           /* "listening", "connected", "closed", "running", ... */
	bool finished;
	int status;                  /* once finished: 0 or a positive errno */
	bool has_stats;
	struct stats_snapshot st;
	uint32_t clients;            /* servers: connections now */
};

struct chunkreq;

struct session_ops {
	enum session_kind kind;
	const char *name;
	/* Once finished it stays until a command frees it (app_reap leaves it): what an
	 * interactive connection received can still be expected after the peer closed it. */
	bool kept_when_finished;
	bool (*finished)(const void *impl);
	int (*status)(const void *impl);
	/* Ask it to end (non-blocking): a server stops, a connection sends what is queued
	 * first, a client or the pair demo stops at once. */
	void (*stop)(void *impl);
	/* Join and free it once finished; its last lines go to NOW. */
	void (*destroy)(void *impl, const struct event_sink *now);
	void (*info)(const void *impl, struct session_info *out);
	/* Where its thread takes a new receive size from (chunkreq.h); NULL: it has none. */
	struct chunkreq *(*chunkreq)(void *impl);
};

/* A sink that marks each event with its session before passing it on. */
struct session_stamp {
	struct event_sink inner;
	uint32_t id;
	bool show;               /* name the session in text lines ("server[3]") */
};

struct session {
	uint32_t id;
	const struct session_ops *ops;
	void *impl;
	struct session_stamp now_stamp, later_stamp;
	struct event_sink now;       /* what the session says on the main thread */
	struct event_sink later;     /* what its thread says (through the bus) */
	struct session *next;
};

struct session_list {
	struct session *head;        /* oldest first */
	uint32_t next_id;
};

/* A session with the next id (1, 2, ...), not in the list yet; its sinks stamp events with
 * the id and pass them to NOW and LATER. SHOW: text lines name it. NULL on ENOMEM. */
struct session *session_new(struct session_list *l, const struct session_ops *ops,
			    const struct event_sink *now, const struct event_sink *later, bool show);
/* Put S, now running as IMPL, at the end of the list. */
void session_link(struct session_list *l, struct session *s, void *impl);
/* Add IMPL with the next id, with sinks that pass events on unstamped. NULL on ENOMEM. */
struct session *session_add(struct session_list *l, const struct session_ops *ops, void *impl);
/* Take S out of the list and free the node (not IMPL: ops->destroy is the caller's). */
void session_unlink(struct session_list *l, struct session *s);
struct session *session_by_id(const struct session_list *l, uint32_t id);
struct session *session_by_impl(const struct session_list *l, const void *impl);
/* The sessions of KIND (all kinds with SESSION__KINDS) whose path is PATH (any with NULL),
 * how many, and the newest of them in *NEWEST. */
size_t session_count(const struct session_list *l, enum session_kind kind, const char *path,
		     struct session **newest);
/* Fill OUT for S. */
void session_info(const struct session *s, struct session_info *out);
/* For a kind's ops->info: OUT's path (PATH), socket type (TYPE, a SOCK_ constant), state
 * (RUNNING while it runs, else STOPPED when not NULL) and statistics (from ST; CLIENTS: the
 * clients it has now, none once finished). */
void session_info_fill(struct session_info *out, const char *path, int type, const char *running,
		       const char *stopped, const struct stats *st, bool clients);
/* Have S (a server or a connection) receive N bytes a recv from its next recv on (a server's
 * buffers follow, echo bytes not yet sent are kept). Returns the size asked for before; 0
 * when S takes none. Main thread. */
unsigned session_set_chunk(struct session *s, unsigned n);
/* The receive size asked for of S (read this, not its options, while it runs); 0 when S
 * takes none. */
unsigned session_chunk(const struct session *s);
/* For a kind's ops->status when one that could not start never became a session: 0. */
int session_status_started(const void *impl);

/* Start a session's thread: FN(ARG) on *T, *STARTED set once it runs. On failure one line
 * "OP PATH: pthread_create" goes to NOW (from SRC). Returns 0 or -errno. */
int session_thread_start(pthread_t *t, bool *started, void *(*fn)(void *), void *arg,
			 const struct event_sink *now, enum event_source src, const char *op,
			 const char *path);

#endif
