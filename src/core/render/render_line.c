/* render_line: one printf-made line handed to a line sink. */
#include "config.h"

#include "core/render/render_line.h"

#include <stdarg.h>

#include "core/base/fmt.h"

/* Format the line into 1 KiB (longer ones are cut) and hand it to FN. */
void render_linef(render_line_fn fn, void *ctx, unsigned flags, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	size_t n = fmt_vcut(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n != FMT_ERROR)
		fn(ctx, &(struct render_line){ .text = buf, .len = n, .flags = flags });
}
