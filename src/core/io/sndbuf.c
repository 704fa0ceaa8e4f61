/* sndbuf: a socket's send buffer sized to the message it must send whole. */
#include "config.h"

#include "core/io/sndbuf.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <sys/socket.h>

/* What a Unix datagram or seqpacket send keeps of the buffer for itself (af_unix.c refuses
 * a message longer than the buffer less this). */
#define SNDBUF_SLACK 32

/* FD's send buffer now, in bytes (0 when it cannot be read). */
static size_t sndbuf_now(int fd)
{
	int v = 0;
	socklen_t l = sizeof(v);
	return getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, &l) == 0 && v > 0 ? (size_t)v : 0;
}

/* net.core.wmem_max, or 0 when it cannot be read. */
static size_t wmem_max(void)
{
	FILE *f = fopen("/proc/sys/net/core/wmem_max", "re");
	unsigned long v = 0;
	if (f) {
		if (fscanf(f, "%lu", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v;
}

int sndbuf_fit(int fd, size_t len, size_t *have, size_t *max)
{
	size_t need = len + SNDBUF_SLACK + 1;
	*max = 0;
	if ((*have = sndbuf_now(fd)) >= need)
		return 0;
	/* The kernel doubles what it is asked for (the other half is its bookkeeping). */
	int ask = need / 2 + 1 > INT_MAX / 2 ? INT_MAX / 2 : (int)(need / 2 + 1);
	static const int opts[] = { SO_SNDBUF, SO_SNDBUFFORCE };
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		(void)setsockopt(fd, SOL_SOCKET, opts[i], &ask, sizeof(ask));
		if ((*have = sndbuf_now(fd)) >= need)
			return 0;
	}
	*max = wmem_max();
	return -EMSGSIZE;
}
