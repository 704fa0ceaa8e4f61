/* render_put: the bounded appender the event renderers write with. */
#include "config.h"

#include "core/render/render_put.h"

#include <stdio.h>

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
