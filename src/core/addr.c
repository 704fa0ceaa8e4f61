/* addr: turn "PATH" or "@abstract" into a sockaddr_un, refusing what does not fit. */
#include "config.h"

#include "core/addr.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int addr_parse(const char *text, struct uds_addr *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	out->sun.sun_family = AF_UNIX;
	size_t n = strlen(text);
	if (n == 0 || (text[0] == '@' && n == 1)) {
		snprintf(err, errlen, "empty socket address");
		return -EINVAL;
	}
	bool abstract = text[0] == '@';
	size_t name_len = abstract ? n - 1 : n;
	if (name_len > ADDR_PATH_MAX) {
		if (abstract)
			snprintf(err, errlen,
				 "abstract name is %zu bytes, the limit is %zu: use a shorter name",
				 name_len, (size_t)ADDR_PATH_MAX);
		else
			snprintf(err, errlen,
				 "path is %zu bytes, sun_path holds at most %zu plus NUL: use a shorter "
				 "relative path or an @abstract name",
				 name_len, (size_t)ADDR_PATH_MAX);
		return -ENAMETOOLONG;
	}
	out->abstract = abstract;
	out->name_len = name_len;
	if (abstract) {
		/* sun_path[0] stays NUL; the length, not a terminator, ends the name. */
		memcpy(out->sun.sun_path + 1, text + 1, name_len);
		out->len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + name_len);
	} else {
		memcpy(out->sun.sun_path, text, name_len);
		out->len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + name_len + 1);
	}
	memcpy(out->text, text, n + 1);
	return 0;
}

void addr_from_sockaddr(const struct sockaddr_un *sun, socklen_t len, struct uds_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->sun.sun_family = AF_UNIX;
	size_t base = offsetof(struct sockaddr_un, sun_path);
	if (len <= base)
		return;
	size_t n = len - base;
	if (n > sizeof(out->sun.sun_path))
		n = sizeof(out->sun.sun_path);
	memcpy(out->sun.sun_path, sun->sun_path, n);
	out->len = (socklen_t)(base + n);
	if (sun->sun_path[0] == '\0') {
		out->abstract = true;
		out->name_len = n - 1;
		out->text[0] = '@';
		/* Abstract names may hold any byte; show them as they are up to a NUL. */
		memcpy(out->text + 1, sun->sun_path + 1, n - 1);
		out->text[n] = '\0';
	} else {
		out->name_len = strnlen(sun->sun_path, n);
		memcpy(out->text, sun->sun_path, out->name_len);
		out->text[out->name_len] = '\0';
	}
}
