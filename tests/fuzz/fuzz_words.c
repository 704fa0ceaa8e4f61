/* fuzz_words: word splitting never crashes, and a success yields well-formed words. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "core/base/words.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = fuzz_cstring(data, size);
	if (!line)
		return 0;
	struct words w;
	char err[256];
	if (words_split(line, &w, err, sizeof(err)) == 0) {
		for (int i = 0; i < w.count; i++) {
			/* A word never outgrows its line, and is NUL-terminated at its length. */
			if (w.len[i] > size || w.v[i][w.len[i]] != '\0')
				abort();
		}
		words_free(&w);
	} else if (w.count != 0 || w.v != NULL || !err[0]) {
		abort();
	}
	/* The open split (completion) accepts whatever the strict one does, and more. */
	size_t start;
	int strict = words_split(line, &w, err, sizeof(err));
	if (strict == 0)
		words_free(&w);
	if (words_split_open(line, &w, &start, err, sizeof(err)) == 0) {
		if (start > strlen(line))
			abort();
		words_free(&w);
	} else if (strict == 0) {
		abort();
	}
	free(line);
	return 0;
}
