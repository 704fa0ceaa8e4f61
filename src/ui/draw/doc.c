/* doc: the lines a report, help, detail or messages view shows: text, emphasis, search (pure). */
#include "config.h"

#include "ui/draw/doc.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/fmt.h"
#include "core/base/grow.h"
#include "ui/draw/text.h"

void doc_init(struct doc *d, size_t cap)
{
	memset(d, 0, sizeof(*d));
	d->cap = cap;
}

void doc_clear(struct doc *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->line[i].text);
	d->n = 0;
}

void doc_free(struct doc *d)
{
	doc_clear(d);
	free(d->line);
	d->line = NULL;
	d->alloc = 0;
}

static struct doc_line *slot(struct doc *d)
{
	if (d->cap && d->n == d->cap) {
		free(d->line[0].text);
		memmove(d->line, d->line + 1, (d->n - 1) * sizeof(d->line[0]));
		d->n--;
		d->dropped++;
	}
	struct doc_line *nl = grow_room(d->line, &d->alloc, d->n, sizeof(*nl), 32);
	if (!nl)
		return NULL;
	d->line = nl;
	return &d->line[d->n];
}

int doc_add(struct doc *d, const char *s, size_t len, bool utf8, enum doc_look look,
	    size_t mark_off, size_t mark_len)
{
	char *text = malloc(TEXT_SANITIZE_SIZE(len));
	struct doc_line *l = text ? slot(d) : NULL;
	if (!l) {
		free(text);
		return -ENOMEM;
	}
	size_t n = text_sanitize(s, len, utf8, text, TEXT_SANITIZE_SIZE(len));
	size_t ind = 0;
	while (ind < n && text[ind] == ' ')
		ind++;
	*l = (struct doc_line){ .text = text, .len = n, .look = look, .indent = (int)ind + 2 };
	/* The mark counts bytes of S: it holds where the sanitizer changed nothing before it. */
	if (mark_len && mark_off + mark_len <= n && memcmp(text, s, mark_off + mark_len) == 0) {
		l->mark_off = mark_off;
		l->mark_len = mark_len;
	}
	d->n++;
	return 0;
}

struct doc_line *doc_addf(struct doc *d, bool utf8, enum doc_look look, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	size_t len = fmt_vcut(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (len == FMT_ERROR)
		return NULL;
	if (doc_add(d, buf, len, utf8, look, 0, 0) < 0)
		return NULL;
	return &d->line[d->n - 1];
}

long doc_match(const char *s, size_t len, const char *needle)
{
	size_t nl = strlen(needle);
	if (nl == 0 || nl > len)
		return -1;
	for (size_t i = 0; i + nl <= len; i++) {
		size_t k = 0;
		while (k < nl &&
		       tolower((unsigned char)s[i + k]) == tolower((unsigned char)needle[k]))
			k++;
		if (k == nl)
			return (long)i;
	}
	return -1;
}

long doc_find(const struct doc *d, const char *needle, long from, int dir)
{
	long n = (long)d->n;
	if (n == 0 || !needle[0])
		return -1;
	for (long k = 1; k <= n; k++) {
		long i = ((from + dir * k) % n + n) % n;
		if (doc_match(d->line[i].text, d->line[i].len, needle) >= 0)
			return i;
	}
	return -1;
}
