/* render_put: the bounded appender the event renderers write with. */
#include "config.h"

#include "core/render/render_put.h"

#include <stdio.h>
#include <string.h>

void render_vputf(struct render_put *o, const char *fmt, va_list ap)
{
	if (o->len == 0 || o->w >= o->len - 1)
		return;
	int n = vsnprintf(o->buf + o->w, o->len - o->w, fmt, ap);
	if (n < 0)
		return;
	o->w += (size_t)n;
	if (o->w > o->len - 1)
		o->w = o->len - 1;
}

void render_putf(struct render_put *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	render_vputf(o, fmt, ap);
	va_end(ap);
}

void render_put_cut(struct render_put *o, const char *s, size_t n)
{
	if (o->len == 0 || o->w >= o->len - 1)
		return;
	size_t room = o->len - 1 - o->w;
	n = n < room ? n : room;
	memcpy(o->buf + o->w, s, n);
	o->w += n;
	o->buf[o->w] = '\0';
}

/* Written in place when it fits (digits made in a buffer and copied over cost a stalled load
 * each: a tenth of a watch's line). */
void render_put_u64(struct render_put *o, uint64_t v, int width, char pad)
{
	size_t n = 1;
	for (uint64_t x = v; x >= 10; x /= 10)
		n++;
	size_t total = width > 0 && (size_t)width > n ? (size_t)width : n;
	if (o->w + total < o->len) {
		char *end = o->buf + o->w + total, *p = end;
		*end = '\0';
		do
			*--p = (char)('0' + v % 10);
		while (v /= 10);
		while (p > o->buf + o->w)
			*--p = pad;
		o->w += total;
		return;
	}
	char d[24];
	int i = sizeof(d);
	do
		d[--i] = (char)('0' + v % 10);
	while ((v /= 10) && i > 0);
	while ((int)sizeof(d) - i < width && i > 0)
		d[--i] = pad;
	render_put_mem(o, d + i, sizeof(d) - (size_t)i);
}

void render_put_num(struct render_put *o, uint64_t v)
{
	render_put_u64(o, v, 0, ' ');
}

void render_put_int(struct render_put *o, int64_t v)
{
	if (v < 0)
		RENDER_PUT_LIT(o, "-");
	render_put_num(o, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);
}
