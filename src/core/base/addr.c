/* addr: turn "PATH" or "@abstract" into a sockaddr_un, refusing what does not fit. */
#include "config.h"

#include "core/base/addr.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/base/words.h"

static size_t shown_width(unsigned char c)
{
	return c >= 0x20 && c <= 0x7e ? 1 : 4;
}

/* TEXT for an abstract NAME: "@" and the name with unprintable bytes as \xNN; a name that
 * does not fit that way ends in "..." (TEXT is for people; the name is in sun_path). */
static void abstract_text(const char *name, size_t n, char *text, size_t size)
{
	size_t room = size - 2, used = 0, k = 0;   /* less the "@" and the NUL */
	while (k < n && used + shown_width((unsigned char)name[k]) <= room)
		used += shown_width((unsigned char)name[k++]);
	while (k < n && k > 0 && used + 3 > room)
		used -= shown_width((unsigned char)name[--k]);
	text[0] = '@';
	words_show(name, n, k, text + 1, size - 1);
}

int addr_parse(const char *text, size_t n, struct uds_addr *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	out->sun.sun_family = AF_UNIX;
	if (n == 0 || (text[0] == '@' && n == 1)) {
		snprintf(err, errlen, "empty socket address");
		return -EINVAL;
	}
	bool abstract = text[0] == '@';
	/* The kernel ends a path at its first NUL: refuse rather than use a shorter path. */
	if (!abstract && memchr(text, '\0', n)) {
		snprintf(err, errlen, "a filesystem path cannot hold a NUL byte");
		return -EINVAL;
	}
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
		abstract_text(text + 1, name_len, out->text, sizeof(out->text));
	} else {
		memcpy(out->sun.sun_path, text, name_len);
		out->len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + name_len + 1);
		memcpy(out->text, text, n);
		out->text[n] = '\0';
	}
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
		/* Abstract names may hold any byte, NUL included. */
		abstract_text(sun->sun_path + 1, n - 1, out->text, sizeof(out->text));
	} else {
		out->name_len = strnlen(sun->sun_path, n);
		memcpy(out->text, sun->sun_path, out->name_len);
		out->text[out->name_len] = '\0';
	}
}

size_t addr_bytes(const struct uds_addr *a, char *buf, size_t size)
{
	if (!size)
		return 0;
	size_t n = 0;
	if (a->abstract) {
		buf[n++] = '@';
		size_t k = a->name_len < size - 1 - n ? a->name_len : size - 1 - n;
		memcpy(buf + n, a->sun.sun_path + 1, k);
		n += k;
	} else {
		size_t k = strnlen(a->text, sizeof(a->text));
		k = k < size - 1 ? k : size - 1;
		memcpy(buf, a->text, k);
		n = k;
	}
	buf[n] = '\0';
	return n;
}

const char *addr_show(const char *word, size_t len, char *buf, size_t bufsz)
{
	return words_show(word, len, ADDR_SHOW_MAX, buf, bufsz);
}
