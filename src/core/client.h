/* client: a client session in its own thread, one-shot (the walkthrough's) or interactive. */
#ifndef UDSCOPE_CLIENT_H
#define UDSCOPE_CLIENT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/addr.h"
#include "core/event.h"
#include "core/stats.h"

#define CLIENT_DEFAULT_MESSAGE "This is the message. It will be repeated."
#define CLIENT_RUNNING (-1)

struct client;

/* Connect to ADDR (lines to NOW). ONESHOT sends MSG, reads the whole echo back in CHUNK-sized
 * recvs, closes, and finishes; otherwise the session stays connected for client_send().
 * Returns 0 or -errno (after one EV_ERROR to NOW). */
int client_start(struct client **out, const struct uds_addr *addr, unsigned chunk, bool oneshot,
		 const void *msg, size_t msg_len,
		 const struct event_sink *now, const struct event_sink *later);
/* Queue bytes to send (interactive). Returns 0 or -errno (-ENOTCONN when finished). */
int client_send(struct client *c, const void *msg, size_t len);
void client_request_stop(struct client *c);
/* CLIENT_RUNNING, or the outcome: 0 or a positive errno (EPIPE, ECONNRESET, EPROTO for short echo). */
int client_status(const struct client *c);
bool client_finished(const struct client *c);
void client_destroy(struct client *c);

const struct uds_addr *client_addr(const struct client *c);
const struct stats *client_stats(const struct client *c);

#endif
