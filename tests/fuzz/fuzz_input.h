/* fuzz_input: the fuzzer's bytes as the NUL-terminated line a command parser is given. */
#ifndef UDSCOPE_FUZZ_INPUT_H
#define UDSCOPE_FUZZ_INPUT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A malloc'd copy of DATA with a NUL after it (an embedded NUL ends the line early, as it
 * would for a real caller), or NULL. */
static inline char *fuzz_cstring(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

#endif
