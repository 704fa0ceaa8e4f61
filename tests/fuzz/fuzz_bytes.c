/* fuzz_bytes: whatever the peer sends, the rendering holds only bytes 0x20..0x7e. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/bytes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void printable_or_die(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t cap = BYTES_REPR_SIZE(size);
	char *out = malloc(cap);
	if (!out)
		return 0;
	size_t need = bytes_repr(data, size, out, cap);
	if (need != strlen(out) || need + 1 > cap)
		abort();
	printable_or_die(out, need);
	/* Cut short, it still ends in a quote and stays printable. */
	char small[24];
	bytes_repr(data, size, small, sizeof(small));
	printable_or_die(small, strlen(small));
	if (size && small[strlen(small) - 1] != '\'' && small[strlen(small) - 1] != '"')
		abort();
	char hex[96];
	bytes_hexline(data, size, hex, sizeof(hex));
	printable_or_die(hex, strlen(hex));
	/* Every caller's flags (UTF-8 aside, which may pass raw characters by design). */
	static const unsigned flags[] = { 0, BYTES_ESC_MORE, BYTES_ESC_REPR_IF_NEEDED };
	for (size_t f = 0; f < sizeof(flags) / sizeof(flags[0]); f++) {
		size_t n = bytes_escape(data, size, flags[f], out, cap);
		if (n != strlen(out))
			abort();
		printable_or_die(out, n);
		bytes_escape(data, size, flags[f], small, sizeof(small));
		printable_or_die(small, strlen(small));
	}
	free(out);
	return 0;
}
