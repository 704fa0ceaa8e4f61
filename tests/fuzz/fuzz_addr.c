/* fuzz_addr: address parsing never overflows sun_path and never accepts what does not fit. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/addr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* True when every byte of TEXT is shown as itself or as \xNN. */
static int printable(const char *text)
{
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The bytes are one command word: it may hold NUL bytes, as a quoted "\x00" does. */
	const char *text = (const char *)data;
	size_t n = size;
	bool abstract = n > 0 && text[0] == '@';
	bool nul = n > 0 && memchr(text, '\0', n) != NULL;
	struct uds_addr a, b;
	char err[256], shown[ADDR_SHOW_SIZE];
	int r = addr_parse(text, n, &a, err, sizeof(err));
	if (r == 0) {
		if (a.name_len > ADDR_PATH_MAX || a.len > sizeof(struct sockaddr_un))
			abort();
		if (a.abstract != abstract || (!abstract && nul))
			abort();
		/* The name reaches the kernel whole, NUL bytes and all. */
		if (abstract ? a.name_len != n - 1 || memcmp(a.sun.sun_path + 1, text + 1, n - 1)
			     : a.name_len != n || memcmp(a.text, text, n) || a.text[n] != '\0')
			abort();
		if (abstract && !printable(a.text))
			abort();
		addr_from_sockaddr(&a.sun, a.len, &b);
		if (b.abstract != a.abstract || b.name_len != a.name_len || strcmp(b.text, a.text))
			abort();
	} else if (r == -ENAMETOOLONG) {
		if ((abstract ? n - 1 : n) <= ADDR_PATH_MAX)
			abort();
	} else if (r != -EINVAL || (n != 0 && !(n == 1 && abstract) && !(!abstract && nul))) {
		abort();
	}
	if (!printable(addr_show(text, n, shown, sizeof(shown))))
		abort();
	return 0;
}
