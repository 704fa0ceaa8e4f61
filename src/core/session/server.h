/* server: the echo server session, a poll loop in its own thread serving many clients. */
#ifndef UDSCOPE_SERVER_H
#define UDSCOPE_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/base/addr.h"
#include "core/base/event.h"
#include "core/base/stats.h"

#define SERVER_CHUNK_DEFAULT 16
#define SERVER_CHUNK_MAX (1u << 20)
#define SERVER_BACKLOG_DEFAULT 16

struct capture;

struct server_opts {
	int type;            /* SOCK_STREAM (also 0), SOCK_SEQPACKET or SOCK_DGRAM */
	unsigned chunk;      /* recv size: a longer message is cut (MSG_TRUNC, said); 0: each
			      * datagram whole (SOCK_DGRAM only, up to SERVER_CHUNK_MAX) */
	int backlog;
	int mode;            /* permission bits for the node, or -1 for the umask's */
	struct capture *capture;  /* keep every chunk whole here (NULL: not kept) */
};

struct server;

/* Prepare the node (remove a stale socket, refuse anything else), bind, listen, and start
 * the thread. Setup lines go to NOW (the caller's thread); the thread's events go to LATER.
 * Returns 0, or -errno after emitting one EV_ERROR to NOW. */
int server_start(struct server **out, const struct uds_addr *addr, const struct server_opts *opts,
		 const struct event_sink *now, const struct event_sink *later);
/* Ask the thread to stop (non-blocking). */
void server_request_stop(struct server *srv);
/* True once the thread has published its last event. */
bool server_finished(const struct server *srv);
/* Join the thread, close everything, remove the node if it is still the one we made.
 * Lines go to NOW. Frees SRV. */
void server_destroy(struct server *srv, const struct event_sink *now);

/* One live connection as seen from outside the server thread. */
struct server_conn_info {
	uint32_t id;
	bool has_cred;
	pid_t pid;
	uid_t uid;
	gid_t gid;
	char comm[32];
	uint64_t bytes_in, bytes_out;
	int inq;           /* SIOCINQ: bytes the client sent that the server has not read */
	int outq;          /* SIOCOUTQ: echo bytes not yet taken by the client */
	int sndbuf;        /* SO_SNDBUF of the server side */
	size_t pending;    /* echo bytes the server holds because the client is not reading */
};
/* Copy up to MAX live connections, queue depths sampled now. Safe from any thread. */
size_t server_conns(struct server *srv, struct server_conn_info *out, size_t max);

const struct uds_addr *server_addr(const struct server *srv);

/* The server as a session (session.h). */
struct session_ops;
extern const struct session_ops server_session_ops;
const struct stats *server_stats(const struct server *srv);
const struct server_opts *server_options(const struct server *srv);

#endif
