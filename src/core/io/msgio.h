/* msgio: one recvmsg or sendmsg with what rides beside the bytes (message length, sender,
 * credentials, descriptors), and the events that say so. Used by every session kind. */
#ifndef UDSCOPE_MSGIO_H
#define UDSCOPE_MSGIO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#include "core/io/ancil.h"
#include "core/base/event.h"

/* What one receive brought. */
struct msgio_in {
	size_t n;                 /* bytes placed in the buffer */
	size_t msg_len;           /* a message's whole length (MSG_TRUNC), else n */
	struct ancil anc;         /* descriptors (owned: ancil_close them) and credentials */
	struct sockaddr_un from;  /* the sender, for a datagram */
	socklen_t fromlen;
};

/* One non-blocking recvmsg of up to LEN bytes into BUF, with room for ANCIL_SPACE of control
 * data (or CONTROL bytes when smaller and non-zero). MESSAGE: the socket keeps boundaries, ask
 * for the message's real length. Received descriptors are close-on-exec. Returns the bytes
 * placed (0: end of stream, or an empty message) or -errno (-EAGAIN: nothing waiting). */
ssize_t msgio_recv(int fd, void *buf, size_t len, bool message, size_t control,
		   struct msgio_in *in);

/* Make *BUF (*CAP bytes, malloc'd) hold the next datagram waiting on FD whole: its length
 * is read with MSG_PEEK | MSG_TRUNC (the datagram stays queued), bounded by MAX. Returns the
 * receive size to pass to msgio_recv, or -errno (-EAGAIN: nothing waiting; -ENOMEM: *BUF
 * unchanged). Only for a socket that one thread reads: the next recv must get that one. */
ssize_t msgio_whole(int fd, char **buf, size_t *cap, size_t max);

/* One non-blocking sendmsg of LEN bytes with ANC's descriptors and credentials (ANC may be
 * NULL), to TO when not NULL (a datagram). Returns the bytes sent or -errno. */
ssize_t msgio_send(int fd, const void *buf, size_t len, const struct ancil *anc,
		   const struct sockaddr_un *to, socklen_t tolen);

/* After a 0-byte recv on a seqpacket socket: true when the peer closed (an empty message
 * reads the same; the peer's end is told apart by POLLRDHUP). An empty message the peer sent
 * just before closing is taken for the end too: where that matters, use
 * msgio_seqpacket_end. */
bool msgio_peer_closed(int fd);

/* Have every message on seqpacket socket FD bring its sender's credentials (SO_PASSCRED), so
 * that msgio_seqpacket_end can tell an empty message from the end. Also for messages queued
 * already. Returns 0 or -errno. */
int msgio_mark_messages(int fd);
/* Whether msgio_recv's N and IN on a seqpacket socket marked with msgio_mark_messages were
 * the peer's end rather than a message: a message, an empty one too, comes with
 * SCM_CREDENTIALS, the end with nothing (SIOCINQ cannot tell: it counts bytes). */
bool msgio_seqpacket_end(ssize_t n, const struct msgio_in *in);

/* Fill EV (a RECV) with what IN says beside the bytes: message length, descriptors,
 * credentials (the sender's name read from /proc), and for a datagram its sender. */
void msgio_describe(struct event *ev, const struct msgio_in *in, bool message, bool datagram);
/* The sender of a datagram as an event_sender, and its address in BUF ("@0001f", a path): its
 * bytes as they are, for a front end to escape (an abstract name holding a NUL: escaped). */
enum event_sender msgio_sender(const struct sockaddr_un *from, socklen_t fromlen, char *buf,
			       size_t len);
/* The same into EV's text with the address's exact bytes, an abstract name's NUL bytes too
 * (text_len): what event lines escape once and JSON keeps exact. */
enum event_sender msgio_sender_text(struct event *ev, const struct sockaddr_un *from,
				    socklen_t fromlen);
/* One INFO line per descriptor in ANC ("fd 7 came with it: /tmp/f (regular file,
 * read-only)"), each with its typed fields; VERB ends the line (", closed"). */
void msgio_say_fds(const struct event_sink *s, enum event_source src, uint32_t conn,
		   const struct ancil *anc, const char *verb);

#endif
