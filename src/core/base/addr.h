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
	/* What people are shown; never holds a NUL. A filesystem path as written (the bytes
	 * of sun_path, so lstat and unlink take it; renderers escape it on output). An
	 * abstract name as "@" and its bytes, those outside 0x20..0x7e as \xNN, ending in
	 * "..." when that does not fit: for display only, the name itself is the NAME_LEN
	 * bytes at sun.sun_path + 1. */
	char text[sizeof(((struct sockaddr_un *)0)->sun_path) + 2];
};

/* Parse the LEN bytes of TEXT (a command word: it may hold NUL bytes). "@name" is an
 * abstract name, which may hold any byte, NUL included; anything else is a filesystem path,
 * which cannot hold a NUL. Returns 0, or -EINVAL (empty, NUL in a path) / -ENAMETOOLONG
 * with a one-line reason in ERR. */
int addr_parse(const char *text, size_t len, struct uds_addr *out, char *err, size_t errlen);

/* Rebuild an address from what the kernel returned (getsockname, accept); unnamed gives "". */
void addr_from_sockaddr(const struct sockaddr_un *sun, socklen_t len, struct uds_addr *out);

/* The address's exact bytes into BUF (ADDR_BYTES_SIZE): "@" and an abstract name's bytes (NUL
 * bytes too), or the path. Returns their count. For event_text_name, never for a C string. */
#define ADDR_BYTES_SIZE (sizeof(((struct sockaddr_un *)0)->sun_path) + 1)
size_t addr_bytes(const struct uds_addr *a, char *buf, size_t size);

/* WORD (LEN bytes, NUL bytes included) for an error line about a word addr_parse refused:
 * bytes outside 0x20..0x7e as \xNN, cut with "..." after ADDR_SHOW_MAX bytes. Returns BUF. */
#define ADDR_SHOW_MAX 160
#define ADDR_SHOW_SIZE (4 * ADDR_SHOW_MAX + 4)
const char *addr_show(const char *word, size_t len, char *buf, size_t bufsz);

#endif
