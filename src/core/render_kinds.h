/* render_kinds: what render.c dispatches to, one pair of functions per report kind, and the
 * line helper they share. Only the render*.c files include this. */
#ifndef UDSCOPE_RENDER_KINDS_H
#define UDSCOPE_RENDER_KINDS_H

#include "core/render.h"

struct json;

/* One line from a printf format (cut at 1 KiB). */
void render_linef(render_line_fn fn, void *ctx, unsigned flags, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

void render_sessions_text(const struct sessions_report *r, render_line_fn fn, void *ctx);
void render_sessions_json(const struct sessions_report *r, struct json *j);

#endif
