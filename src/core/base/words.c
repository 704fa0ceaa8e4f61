/* words: split a command line into words with shell-like quotes and C-like escapes. */
#include "config.h"

#include "core/base/words.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/bytes.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode one escape after a backslash inside double quotes; returns bytes of input used
 * (after the backslash), or 0 when the escape is invalid. */
static size_t dq_escape(const char *s, char *outc, char *err, size_t errlen, size_t col)
{
	switch (s[0]) {
	case 'n': *outc = '\n'; return 1;
	case 't': *outc = '\t'; return 1;
	case 'r': *outc = '\r'; return 1;
	case '0': *outc = '\0'; return 1;
	case '\\': *outc = '\\'; return 1;
	case '"': *outc = '"'; return 1;
	case '\'': *outc = '\''; return 1;
	case 'x': {
		int hi = hexval(s[1]), lo = hi >= 0 ? hexval(s[2]) : -1;
		if (hi < 0 || lo < 0) {
			snprintf(err, errlen, "bad escape at column %zu: \\x needs two hex digits", col);
			return 0;
		}
		*outc = (char)(hi * 16 + lo);
		return 3;
	}
	case '\0':
		snprintf(err, errlen, "unterminated double quote");
		return 0;
	default:
		if ((unsigned char)s[0] >= 0x20 && (unsigned char)s[0] < 0x7f)
			snprintf(err, errlen, "unknown escape \\%c at column %zu (known: \\n \\t \\r "
				 "\\0 \\\\ \\\" \\' \\xNN)", s[0], col);
		else
			snprintf(err, errlen, "unknown escape \\\\x%02x at column %zu",
				 (unsigned char)s[0], col);
		return 0;
	}
}

static int push(struct words *w, size_t *cap, char *buf, size_t len)
{
	if (w->count == (int)*cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		char **nv = realloc(w->v, ncap * sizeof(*nv));
		if (!nv)
			return -1;
		w->v = nv;
		size_t *nl = realloc(w->len, ncap * sizeof(*nl));
		if (!nl)
			return -1;
		w->len = nl;
		*cap = ncap;
	}
	char *copy = malloc(len + 1);
	if (!copy)
		return -1;
	memcpy(copy, buf, len);
	copy[len] = '\0';
	w->v[w->count] = copy;
	w->len[w->count] = len;
	w->count++;
	return 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* A double-quoted part at *PP (on its opening quote) into BUF; *PP moves past it. With
 * OPEN_OK the line may end inside it, even inside an escape. Returns 0, or -1 with ERR. */
static int scan_double(const char *line, const char **pp, bool open_ok, char *buf,
		       size_t *blen, char *err, size_t errlen)
{
	const char *p = *pp;
	size_t col = (size_t)(p - line) + 1;
	for (p++;;) {
		if (*p == '\0') {
			if (open_ok)
				break;
			snprintf(err, errlen, "unterminated double quote at column %zu", col);
			return -1;
		}
		if (*p == '"') {
			p++;
			break;
		}
		if (*p == '\\') {
			if (open_ok && (p[1] == '\0' || (p[1] == 'x' && (p[2] == '\0' || p[3] == '\0')))) {
				p += strlen(p);   /* an escape still being typed */
				break;
			}
			size_t used = dq_escape(p + 1, &buf[*blen], err, errlen,
						(size_t)(p - line) + 1);
			if (used == 0)
				return -1;
			(*blen)++;
			p += 1 + used;
		} else {
			buf[(*blen)++] = *p++;
		}
	}
	*pp = p;
	return 0;
}

/* The word at *PP (on its first byte) into BUF, *BLEN bytes; *PP moves to the blank or the
 * end after it. With OPEN_OK a quote or escape the line ends inside closes the word. */
static int scan_word(const char *line, const char **pp, bool open_ok, char *buf, size_t *blen,
		     char *err, size_t errlen)
{
	const char *p = *pp;
	*blen = 0;
	while (*p && !is_blank(*p)) {
		if (*p == '\'') {
			const char *end = strchr(p + 1, '\'');
			if (!end && !open_ok) {
				snprintf(err, errlen, "unterminated single quote at column %zu",
					 (size_t)(p - line) + 1);
				return -1;
			}
			size_t n = end ? (size_t)(end - p - 1) : strlen(p + 1);
			memcpy(buf + *blen, p + 1, n);
			*blen += n;
			p = end ? end + 1 : p + 1 + n;
		} else if (*p == '"') {
			if (scan_double(line, &p, open_ok, buf, blen, err, errlen) < 0)
				return -1;
		} else if (*p == '\\') {
			if (p[1] == '\0') {
				if (open_ok)
					break;
				snprintf(err, errlen, "backslash at the end of the line");
				return -1;
			}
			buf[(*blen)++] = p[1];
			p += 2;
		} else {
			buf[(*blen)++] = *p++;
		}
	}
	if (*p == '\\')
		p++;   /* the lone backslash OPEN_OK let end the line */
	*pp = p;
	return 0;
}

static int split(const char *line, bool open_ok, struct words *out, size_t *last_start,
		 char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	size_t n = strlen(line), cap = 0, blen;
	if (last_start)
		*last_start = n;
	char *buf = malloc(n + 1);
	if (!buf) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (const char *p = line;;) {
		while (is_blank(*p))
			p++;
		if (*p == '\0')
			break;
		if (last_start)
			*last_start = (size_t)(p - line);
		if (scan_word(line, &p, open_ok, buf, &blen, err, errlen) < 0)
			goto fail;
		if (push(out, &cap, buf, blen) < 0) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
	}
	if (last_start && n > 0 && is_blank(line[n - 1]))
		*last_start = n;
	free(buf);
	return 0;
fail:
	free(buf);
	words_free(out);
	return -1;
}

int words_split(const char *line, struct words *out, char *err, size_t errlen)
{
	return split(line, false, out, NULL, err, errlen);
}

int words_split_open(const char *line, struct words *out, size_t *last_start, char *err,
		     size_t errlen)
{
	return split(line, true, out, last_start, err, errlen);
}

void words_free(struct words *w)
{
	for (int i = 0; i < w->count; i++)
		free(w->v[i]);
	free(w->v);
	free(w->len);
	memset(w, 0, sizeof(*w));
}

const char *words_show(const char *word, size_t len, size_t max, char *out, size_t outsz)
{
	bytes_escape(word, len < max ? len : max, len > max ? BYTES_ESC_MORE : 0, out, outsz);
	return out;
}

const char *words_amount(unsigned long long bytes, unsigned long long n, const char *unit,
			 char *out, size_t outsz)
{
	snprintf(out, outsz, "%llu byte%s in %llu %s%s", bytes, bytes == 1 ? "" : "s", n, unit,
		 n == 1 ? "" : "s");
	return out;
}
