/* text: make any text safe for the screen (escapes) and measure it in terminal columns. */
#include "config.h"

#include "ui/text.h"

#include <stdint.h>
#include <string.h>

#include "core/bytes.h"

size_t text_sanitize(const char *s, size_t len, bool utf8, char *out, size_t outsz)
{
	if (outsz == 0)
		return 0;
	bytes_escape(s, len, utf8 ? BYTES_ESC_UTF8 : 0, out, outsz);
	return strlen(out);
}

size_t text_char(const char *s, size_t len, int *width)
{
	uint32_t cp;
	size_t n;
	if (len == 0) {
		*width = 0;
		return 0;
	}
	if ((unsigned char)s[0] < 0x80) {
		*width = 1;
		return 1;
	}
	n = bytes_utf8(s, len, &cp);
	if (n == 0) {
		/* Not sanitized text after all: count the byte, the caller shows it escaped. */
		*width = 4;
		return 1;
	}
	*width = bytes_cp_width(cp);
	if (*width == 0)
		*width = 4;
	return n;
}

int text_width(const char *s, size_t len)
{
	int cols = 0, w;
	for (size_t i = 0; i < len;) {
		size_t n = text_char(s + i, len - i, &w);
		cols += w;
		i += n;
	}
	return cols;
}

size_t text_fit(const char *s, size_t len, int cols)
{
	size_t i = 0;
	int used = 0, w;
	while (i < len) {
		size_t n = text_char(s + i, len - i, &w);
		if (used + w > cols)
			break;
		used += w;
		i += n;
	}
	return i;
}
