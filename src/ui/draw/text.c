/* text: make any text safe for the screen (escapes) and measure it in terminal columns. */
#include "config.h"

#include "ui/draw/text.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/base/bytes.h"

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

size_t text_words(const char *s, size_t len, int cols)
{
	size_t fit = text_fit(s, len, cols > 0 ? cols : 0);
	if (fit == len)
		return fit;
	if (!strchr(" ,;:|)", s[fit])) {
		/* The cut is inside a word: back to the space before it. */
		while (fit > 0 && s[fit - 1] != ' ')
			fit--;
	}
	while (fit > 0 && strchr(" ,;:|(-", s[fit - 1]))
		fit--;
	/* A figure whose unit was cut off says nothing: it goes too. */
	size_t w = fit;
	while (w > 0 && s[w - 1] >= '0' && s[w - 1] <= '9')
		w--;
	if (w < fit && (w == 0 || s[w - 1] == ' ')) {
		fit = w;
		while (fit > 0 && strchr(" ,;:|(-", s[fit - 1]))
			fit--;
	}
	return fit;
}

size_t text_wrap(const char *s, size_t len, int cols, size_t *next)
{
	size_t fit = text_fit(s, len, cols > 0 ? cols : 1);
	if (fit == 0 && len > 0) {
		int w;
		fit = text_char(s, len, &w);   /* wider than the row: alone, never stuck */
	}
	if (fit >= len) {
		*next = len;
		return len;
	}
	size_t brk = fit;
	if (s[fit] != ' ') {
		/* Back to the last space in the row; none: the word is longer than the row. */
		size_t i = fit;
		while (i > 0 && s[i - 1] != ' ')
			i--;
		if (i > 0)
			brk = i;
	}
	size_t end = brk;
	while (end > 0 && s[end - 1] == ' ')
		end--;
	if (end == 0)
		end = brk;   /* a row of spaces only: show them rather than nothing */
	size_t n = brk;
	while (n < len && s[n] == ' ')
		n++;
	*next = n;
	return end;
}

int text_wrap_indent(int cols, int indent)
{
	return indent > 0 && cols - indent >= 8 ? indent : 0;
}

void text_rows_init(struct text_rows *r, const char *s, size_t len, int cols, int indent)
{
	*r = (struct text_rows){ s, len, 0, cols, text_wrap_indent(cols, indent), 0 };
}

bool text_rows_next(struct text_rows *r, size_t *start, size_t *n, int *x)
{
	if (r->row > 0 && r->off >= r->len)
		return false;
	size_t next;
	*x = r->row ? r->indent : 0;
	*start = r->off;
	*n = text_wrap(r->s + r->off, r->len - r->off, r->cols - *x, &next);
	r->off += next;
	r->row++;
	return true;
}

int text_wrap_rows(const char *s, size_t len, int cols, int indent)
{
	struct text_rows r;
	size_t start, n;
	int x;
	text_rows_init(&r, s, len, cols, indent);
	while (text_rows_next(&r, &start, &n, &x))
		;
	return r.row;
}

/* Where the last COLS columns of S start: at a space if one is near (a word kept whole). */
static size_t tail_start(const char *s, size_t len, int cols)
{
	int total = text_width(s, len), acc = 0;
	size_t off = 0;
	while (off < len && total - acc > cols) {
		int w;
		off += text_char(s + off, len - off, &w);
		acc += w;
	}
	for (size_t i = off; i < len && (int)(i - off) < cols / 3; i++)
		if (s[i] == ' ')
			return i + 1;
	return off;
}

size_t text_clip(const char *s, size_t len, int cols, bool utf8, bool keep_end, char *out,
		 size_t outsz)
{
	const char *ell = utf8 ? "\u2026" : "...";
	int ellw = utf8 ? 1 : 3;
	if (cols <= ellw || text_width(s, len) <= cols) {
		size_t n = cols > 0 ? text_fit(s, len, cols) : 0;
		int w = snprintf(out, outsz, "%.*s", (int)n, s);
		return w < 0 ? 0 : (size_t)w < outsz ? (size_t)w : outsz ? outsz - 1 : 0;
	}
	/* The start, ending at a word when one ends near; with KEEP_END only a third of the
	 * row, then the end (an error's errno text): the ellipsis stands for the middle. */
	int room = cols - ellw, headw = keep_end ? room / 3 : room;
	size_t next, head = text_wrap(s, len, headw, &next);
	if (3 * text_width(s, head) < 2 * headw)
		head = text_fit(s, len, headw);
	int used = text_width(s, head);
	size_t tail = keep_end ? tail_start(s + head, len - head, room - used) + head : len;
	int w = snprintf(out, outsz, "%.*s%s%.*s", (int)head, s, ell, (int)(len - tail), s + tail);
	return w < 0 ? 0 : (size_t)w < outsz ? (size_t)w : outsz ? outsz - 1 : 0;
}
