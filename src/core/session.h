/* session: what a command starts that runs on its own (a server, a client, an interactive
 * connection, the pair demo), behind one interface, kept in one list with an id each. */
#ifndef UDSCOPE_SESSION_H
#define UDSCOPE_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "core/stats.h"

enum session_kind {
	SESSION_SERVER,
	SESSION_CLIENT,       /* the one-shot client: send, check the echo, close */
	SESSION_CONN,         /* an interactive connection: connect, send, expect, disconnect */
	SESSION_PAIR,
	SESSION__KINDS
};

/* A copy of what a front end may show of a session; taken on the main thread. */
struct session_info {
	uint32_t id;
	enum session_kind kind;
	const char *kind_name;       /* "server", "client", "connection", "pair" */
	char path[128];              /* as the user wrote it (escaped); "" for the pair */
	const char *state;           /* "listening", "connected", "closed", "running", ... */
	bool finished;
	int status;                  /* once finished: 0 or a positive errno */
	bool has_stats;
	struct stats_snapshot st;
	uint32_t clients;            /* servers: connections now */
};

struct session_ops {
	enum session_kind kind;
	const char *name;
	bool (*finished)(const void *impl);
	int (*status)(const void *impl);
	/* Ask it to end (non-blocking): a server stops, a connection sends what is queued
	 * first, a client or the pair demo stops at once. */
	void (*stop)(void *impl);
	/* Join and free it once finished; its last lines go to NOW. */
	void (*destroy)(void *impl, const struct event_sink *now);
	void (*info)(const void *impl, struct session_info *out);
};

struct session {
	uint32_t id;
	const struct session_ops *ops;
	void *impl;
	struct session *next;
};

struct session_list {
	struct session *head;        /* oldest first */
	uint32_t next_id;
};

/* Add IMPL with the next id (1, 2, ...). Returns the session, or NULL (ENOMEM). */
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

#endif
