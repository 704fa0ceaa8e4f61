/* fuzz_addr: address parsing never overflows sun_path and never accepts what does not fit. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "core/addr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstring(data, size);
	if (!text)
		return 0;
	size_t n = strlen(text);
	struct uds_addr a, b;
	char err[256];
	int r = addr_parse(text, &a, err, sizeof(err));
	if (r == 0) {
		if (a.name_len > ADDR_PATH_MAX || a.len > sizeof(struct sockaddr_un))
			abort();
		if (a.abstract != (text[0] == '@') || strcmp(a.text, text) != 0)
			abort();
		addr_from_sockaddr(&a.sun, a.len, &b);
		if (b.abstract != a.abstract)
			abort();
	} else if (r == -ENAMETOOLONG) {
		if ((text[0] == '@' ? n - 1 : n) <= ADDR_PATH_MAX)
			abort();
	} else if (r != -EINVAL || (n != 0 && strcmp(text, "@") != 0)) {
		abort();
	}
	free(text);
	return 0;
}
