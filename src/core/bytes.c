/* bytes: render peer bytes safely, as Python's repr() of bytes, as hex, or as a JSON string. */
#include "config.h"

#include "core/bytes.h"

#include <stdbool.h>
#include <string.h>

static const char hexdig[] = "0123456789abcdef";

/* The escape Python uses for byte C inside quote Q; returns its length (1..4). */
static size_t repr_one(unsigned char c, char q, char esc[4])
{
	switch (c) {
	case '\t': esc[0] = '\\'; esc[1] = 't'; return 2;
	case '\n': esc[0] = '\\'; esc[1] = 'n'; return 2;
	case '\r': esc[0] = '\\'; esc[1] = 'r'; return 2;
	case '\\': esc[0] = '\\'; esc[1] = '\\'; return 2;
	default: break;
	}
	if (c == (unsigned char)q) {
		esc[0] = '\\';
		esc[1] = q;
		return 2;
	}
	if (c < 0x20 || c >= 0x7f) {
		esc[0] = '\\';
		esc[1] = 'x';
		esc[2] = hexdig[c >> 4];
		esc[3] = hexdig[c & 15];
		return 4;
	}
	esc[0] = (char)c;
	return 1;
}

size_t bytes_repr(const void *data, size_t len, char *out, size_t outsz)
{
	const unsigned char *p = data;
	/* Python prefers single quotes, and switches to double quotes only when the data has a
	 * single quote and no double quote. */
	bool has_sq = memchr(p, '\'', len) != NULL;
	bool has_dq = memchr(p, '"', len) != NULL;
	char q = (has_sq && !has_dq) ? '"' : '\'';

	size_t need = 0, w = 0;
	bool room = outsz > 0;
	char esc[4];
	const char head[2] = { 'b', q };
	for (size_t i = 0; i < 2; i++, need++)
		if (room && w + 2 < outsz)
			out[w++] = head[i];
		else
			room = false;
	for (size_t i = 0; i < len; i++) {
		size_t n = repr_one(p[i], q, esc);
		/* Keep room for the closing quote and the NUL; never cut an escape in half. */
		if (room && w + n + 2 <= outsz) {
			memcpy(out + w, esc, n);
			w += n;
		} else {
			room = false;
		}
		need += n;
	}
	need++;
	if (outsz > 0) {
		if (w + 1 < outsz)
			out[w++] = q;
		out[w] = '\0';
	}
	return need;
}

size_t bytes_hexline(const void *data, size_t len, char *out, size_t outsz)
{
	const unsigned char *p = data;
	char line[16 * 3 + 2 + 16 + 3];
	size_t w = 0;
	if (len > 16)
		len = 16;
	for (size_t i = 0; i < 16; i++) {
		if (i < len) {
			line[w++] = hexdig[p[i] >> 4];
			line[w++] = hexdig[p[i] & 15];
		} else {
			line[w++] = ' ';
			line[w++] = ' ';
		}
		line[w++] = ' ';
	}
	line[w++] = ' ';
	line[w++] = '|';
	for (size_t i = 0; i < len; i++)
		line[w++] = (p[i] >= 0x20 && p[i] < 0x7f) ? (char)p[i] : '.';
	line[w++] = '|';
	if (outsz == 0)
		return 0;
	if (w >= outsz)
		w = outsz - 1;
	memcpy(out, line, w);
	out[w] = '\0';
	return w;
}

size_t bytes_json(const void *data, size_t len, char *out, size_t outsz)
{
	const unsigned char *p = data;
	size_t w = 0;
	for (size_t i = 0; i < len; i++) {
		char esc[6];
		size_t n;
		unsigned char c = p[i];
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			n = 2;
		} else if (c == '\n') {
			memcpy(esc, "\\n", 2);
			n = 2;
		} else if (c == '\t') {
			memcpy(esc, "\\t", 2);
			n = 2;
		} else if (c == '\r') {
			memcpy(esc, "\\r", 2);
			n = 2;
		} else if (c < 0x20 || c >= 0x7f) {
			memcpy(esc, "\\u00", 4);
			esc[4] = hexdig[c >> 4];
			esc[5] = hexdig[c & 15];
			n = 6;
		} else {
			esc[0] = (char)c;
			n = 1;
		}
		if (w + n + 1 > outsz)
			break;
		memcpy(out + w, esc, n);
		w += n;
	}
	if (outsz > 0)
		out[w] = '\0';
	return w;
}
