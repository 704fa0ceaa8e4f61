/* addr: turn "PATH" or "@abstract" into a sockaddr_un, refusing what does not fit. */
#ifndef UDSCOPE_ADDR_H
#define UDSCOPE_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

/* Usable bytes of sun_path on Linux: 108 minus the NUL we always keep. */
#define ADDR_PATH_MAX (sizeof(((struct sockaddr_un *)0)->sun_path) - 1)

struct uds_addr {
	struct sockaddr_un sun;
	socklen_t len;          /* what bind()/connect() take */
	bool abstract;          /* Linux abstract namespace (leading NUL) */
	size_t name_len;        /* bytes of the path, or of the abstract name */
	char text[sizeof(((struct sockaddr_un *)0)->sun_path) + 2]; /* as the user wrote it */
};

/* Parse TEXT; returns 0, or -EINVAL (empty) / -ENAMETOOLONG with a one-line reason in ERR. */
int addr_parse(const char *text, struct uds_addr *out, char *err, size_t errlen);

/* Rebuild an address from what the kernel returned (getsockname, accept); unnamed gives "". */
void addr_from_sockaddr(const struct sockaddr_un *sun, socklen_t len, struct uds_addr *out);

#endif
