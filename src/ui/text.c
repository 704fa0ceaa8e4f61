/* text: make any text safe for the screen (escapes) and measure it in terminal columns. */
#include "config.h"

#include "ui/text.h"

#include <stdint.h>
#include <stdio.h>
#include <wchar.h>

/* Decode one strict UTF-8 sequence (no overlongs, surrogates or values past U+10FFFF).
 * Returns its length, or 0 when S does not start with one. */
static size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	size_t n;
	uint32_t c, min;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2; c = s[0] & 0x1f; min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3; c = s[0] & 0x0f; min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4; c = s[0] & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* Width of a code point for the screen: 1 or 2, or 0 when it must be escaped (controls,
 * C1 controls, combining marks and anything the locale cannot show). */
static int cp_width(uint32_t cp)
{
	if (cp < 0xa0)
		return 0;
	int w = wcwidth((wchar_t)cp);
	return w == 1 || w == 2 ? w : 0;
}

size_t text_sanitize(const char *s, size_t len, bool utf8, char *out, size_t outsz)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t w = 0;
	if (outsz == 0)
		return 0;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n;
		if (u[i] >= 0x20 && u[i] <= 0x7e) {
			if (w + 1 >= outsz)
				break;
			out[w++] = (char)u[i++];
		} else if (utf8 && (n = utf8_decode(u + i, len - i, &cp)) && cp_width(cp)) {
			if (w + n >= outsz)
				break;
			for (size_t k = 0; k < n; k++)
				out[w++] = (char)u[i + k];
			i += n;
		} else {
			if (w + 4 >= outsz)
				break;
			out[w++] = '\\';
			out[w++] = 'x';
			out[w++] = hex[u[i] >> 4];
			out[w++] = hex[u[i] & 15];
			i++;
		}
	}
	out[w] = '\0';
	return w;
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
	n = utf8_decode((const unsigned char *)s, len, &cp);
	if (n == 0) {
		/* Not sanitized text after all: count the byte, the caller shows it escaped. */
		*width = 4;
		return 1;
	}
	*width = cp_width(cp);
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
