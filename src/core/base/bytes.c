/* bytes: the one escaper for every byte we show (peer bytes, user words, names), and hex lines. */
#include "config.h"

#include "core/base/bytes.h"

#include <stdbool.h>
#include <string.h>
#include <wchar.h>

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

size_t bytes_utf8(const void *s, size_t len, uint32_t *cp)
{
	const unsigned char *u = s;
	size_t n;
	uint32_t c, min;
	if (len == 0)
		return 0;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	} else if (u[0] >= 0xc2 && u[0] <= 0xdf) {
		n = 2; c = u[0] & 0x1f; min = 0x80;
	} else if (u[0] >= 0xe0 && u[0] <= 0xef) {
		n = 3; c = u[0] & 0x0f; min = 0x800;
	} else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
		n = 4; c = u[0] & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (u[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

int bytes_cp_width(uint32_t cp)
{
	if (cp < 0xa0)
		return 0;
	int w = wcwidth((wchar_t)cp);
	return w == 1 || w == 2 ? w : 0;
}

/* The output being written: pieces go in whole or not at all, and after the first piece
 * that does not fit none does. RESERVE keeps room for a closing quote. */
struct esc {
	char *out;
	size_t outsz, w, need, reserve;
	bool room;
};

static void esc_put(struct esc *e, const char *s, size_t n)
{
	if (e->room && e->w + n + e->reserve < e->outsz) {
		memcpy(e->out + e->w, s, n);
		e->w += n;
	} else {
		e->room = false;
	}
	e->need += n;
}

/* The piece for the bytes at P (LEFT of them) under FLAGS: its text in PIECE (1..4 bytes)
 * and its length in *N. Returns how many input bytes it stands for. */
static size_t esc_piece(const unsigned char *p, size_t left, unsigned flags, char q,
			char piece[4], size_t *n)
{
	uint32_t cp;
	size_t u;
	if (p[0] >= 0x20 && p[0] <= 0x7e && !(flags & BYTES_ESC_REPR)) {
		piece[0] = (char)p[0];
		*n = 1;
		return 1;
	}
	if ((flags & BYTES_ESC_UTF8) && p[0] >= 0x80 && (u = bytes_utf8(p, left, &cp)) > 1 &&
	    bytes_cp_width(cp)) {
		memcpy(piece, p, u);
		*n = u;
		return u;
	}
	if (flags & BYTES_ESC_REPR) {
		*n = repr_one(p[0], q, piece);
		return 1;
	}
	piece[0] = '\\';
	piece[1] = 'x';
	piece[2] = hexdig[p[0] >> 4];
	piece[3] = hexdig[p[0] & 15];
	*n = 4;
	return 1;
}

static bool all_printable(const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			return false;
	return true;
}

size_t bytes_escape(const void *data, size_t len, unsigned flags, char *out, size_t outsz)
{
	const unsigned char *p = data;
	struct esc e = { .out = out, .outsz = outsz, .room = outsz > 0 };
	char q = '\'';
	if (flags & BYTES_ESC_REPR_IF_NEEDED)
		flags = all_printable(p, len) ? flags & ~(unsigned)BYTES_ESC_REPR
					      : flags | BYTES_ESC_REPR;
	if (flags & BYTES_ESC_REPR) {
		/* Python prefers single quotes, and switches to double quotes only when the
		 * data has a single quote and no double quote. */
		if (memchr(p, '\'', len) && !memchr(p, '"', len))
			q = '"';
		e.reserve = 1;
		esc_put(&e, "b", 1);
		esc_put(&e, &q, 1);
	}
	char piece[4];
	size_t n;
	for (size_t i = 0; i < len;) {
		i += esc_piece(p + i, len - i, flags, q, piece, &n);
		esc_put(&e, piece, n);
	}
	if (flags & BYTES_ESC_REPR) {
		e.need++;
		if (e.w + 1 < e.outsz)
			out[e.w++] = q;
	}
	if (flags & BYTES_ESC_MORE) {
		/* Said even after a cut escape: the reader learns the word went on. */
		if (e.w + 3 < e.outsz) {
			memcpy(out + e.w, "...", 3);
			e.w += 3;
		}
		e.need += 3;
	}
	if (outsz > 0)
		out[e.w] = '\0';
	return e.need;
}

size_t bytes_repr(const void *data, size_t len, char *out, size_t outsz)
{
	return bytes_escape(data, len, BYTES_ESC_REPR, out, outsz);
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
