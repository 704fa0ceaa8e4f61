/* render_line: one printf-made line handed to a line sink. */
#include "config.h"

#include "core/render/render_line.h"

#include <stdarg.h>
#include <stdio.h>

/* Format the line into 1 KiB (longer ones are cut) and hand it to FN. */
void render_linef(render_line_fn fn, void *ctx, unsigned flags, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	struct render_line l = { .text = buf, .flags = flags,
				 .len = (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1 };
	fn(ctx, &l);
}
