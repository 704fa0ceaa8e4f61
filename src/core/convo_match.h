/* convo_match: which of udscope's client sessions holds the other end of a connection one of
 * udscope's servers accepted, told by the sockets themselves (never guessed). */
#ifndef UDSCOPE_CONVO_MATCH_H
#define UDSCOPE_CONVO_MATCH_H

#include <stdint.h>

/* A convo_match_fn over CTX, a struct app: the client or connection session whose socket's
 * inode is the peer sock_diag gives for server SERVER_SESSION's connection CONN. 0 when the
 * connection is closed already, sock_diag is not available, or no session holds the peer.
 * Main thread. */
uint32_t convo_match_accept(void *ctx, uint32_t server_session, uint32_t conn);

#endif
