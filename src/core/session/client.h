/* client: a client session in its own thread, one-shot (the walkthrough's) or interactive. */
#ifndef UDSCOPE_CLIENT_H
#define UDSCOPE_CLIENT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/base/addr.h"
#include "core/io/ancil.h"
#include "core/base/event.h"
#include "core/base/stats.h"

#define CLIENT_DEFAULT_MESSAGE "This is the message. It will be repeated."
#define CLIENT_RUNNING (-1)
/* A one-shot datagram client waits this long for its echo unless --timeout says otherwise
 * (a datagram server may be unable to reply). */
#define CLIENT_DGRAM_TIMEOUT_MS 5000

/* How long a graceful stop waits for the peer to take queued bytes, unless told otherwise. */
#define CLIENT_FLUSH_TIMEOUT_MS 5000
/* A stop that sends nothing more: close at once (a signal, an aborted one-shot). */
#define CLIENT_STOP_NOW (-1)
/* After a graceful stop has sent everything: how long the peer's last bytes may take. */
#define CLIENT_LINGER_MS 1000
/* Received bytes not yet matched by client_expect: at least the newest this many are kept
 * (at most twice as many are held). */
#define CLIENT_RX_KEEP (1u << 20)

struct client;
struct capture;

struct client_opts {
	int type;            /* SOCK_STREAM (also 0), SOCK_SEQPACKET or SOCK_DGRAM */
	const struct uds_addr *bind;  /* dgram: bind here (else autobind, so replies can come) */
	unsigned chunk;      /* recv size: a longer message is cut (MSG_TRUNC, said); 0: each
			      * datagram whole (SOCK_DGRAM only, up to SERVER_CHUNK_MAX) */
	bool oneshot;        /* the walkthrough's client: send MSG, read the echo, close */
	int timeout_ms;      /* one-shot: give up when the whole echo is not back by then; 0: never */
	struct capture *capture;  /* keep every chunk whole here (NULL: not kept) */
};

/* Connect to ADDR (lines to NOW). A one-shot client sends MSG, reads the whole echo back in
 * chunk-sized recvs, checks every byte, closes, and finishes; otherwise the session stays
 * connected for client_send(). Returns 0 or -errno (after one EV_ERROR to NOW). */
int client_start(struct client **out, const struct uds_addr *addr, const struct client_opts *opts,
		 const void *msg, size_t msg_len,
		 const struct event_sink *now, const struct event_sink *later);
/* The one-shot client's message goes with ANC (taken as by client_send_ancil). */
int client_start_ancil(struct client **out, const struct uds_addr *addr,
		       const struct client_opts *opts, const void *msg, size_t msg_len,
		       struct ancil *anc, const struct event_sink *now,
		       const struct event_sink *later);
/* Queue bytes to send (interactive): one message on a seqpacket or datagram socket. Returns 0
 * or -errno (-ENOTCONN when finished). */
int client_send(struct client *c, const void *msg, size_t len);
/* The same with ANC's descriptors (taken: closed once sent, or at once on failure) and
 * credentials, passed with the message's first byte. */
int client_send_ancil(struct client *c, const void *msg, size_t len, struct ancil *anc);
/* Ask the session to end (non-blocking). With FLUSH_TIMEOUT_MS >= 0 every queued byte is sent
 * first, waiting at most that long for the peer to take them, then the sending side is shut
 * and what the peer still sends is read until it closes or LINGER_MS pass; bytes still unsent
 * are reported in one EV_ERROR and the status is ETIMEDOUT. CLIENT_STOP_NOW closes at once. */
void client_request_stop(struct client *c, int flush_timeout_ms, int linger_ms);
/* Bytes accepted by client_send so far, and bytes the socket has taken of them. */
uint64_t client_queued(struct client *c);
uint64_t client_sent(const struct client *c);
/* Look for TEXT in what the interactive connection received since the last match: 1 found
 * (everything up to its end is consumed), 0 not yet, -EPIPE the connection ended first.
 * Thread-safe. */
int client_expect(struct client *c, const void *text, size_t len);
/* How many received bytes wait unmatched, and a copy of the last up to MAX of them. */
size_t client_unmatched(struct client *c, void *tail, size_t max, size_t *tail_len);
/* CLIENT_RUNNING, or the outcome: 0 or a positive errno (EPIPE, ECONNRESET, ETIMEDOUT, EPROTO
 * for an echo that differs from what was sent). */
int client_status(const struct client *c);
bool client_finished(const struct client *c);
void client_destroy(struct client *c);

const struct uds_addr *client_addr(const struct client *c);

/* The one-shot client and the interactive connection as sessions (session.h). */
struct session_ops;
extern const struct session_ops client_session_ops, conn_session_ops;
const struct stats *client_stats(const struct client *c);

#endif
