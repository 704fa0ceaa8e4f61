/* sndbuf: a socket's send buffer sized to the message it must send whole (a datagram or a
 * seqpacket message larger than the default buffer fails with EMSGSIZE). */
#ifndef UDSCOPE_SNDBUF_H
#define UDSCOPE_SNDBUF_H

#include <stddef.h>

/* Give FD's send buffer room for one LEN-byte message: SO_SNDBUF (the kernel caps it at
 * net.core.wmem_max), then SO_SNDBUFFORCE (CAP_NET_ADMIN, not capped). Returns 0 when the
 * message now fits, else -EMSGSIZE with *HAVE the largest buffer obtained and *MAX the cap
 * (net.core.wmem_max, 0 when unknown). Thread-safe. */
int sndbuf_fit(int fd, size_t len, size_t *have, size_t *max);

#endif
