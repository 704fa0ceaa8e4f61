/* render_line: one line of a report's text (its words, flags and a span to emphasize) and
 * the sink that takes it: what every renderer writes and every front end reads. */
#ifndef UDSCOPE_RENDER_LINE_H
#define UDSCOPE_RENDER_LINE_H

#include <stddef.h>

#define RENDER_HEADING 1u    /* a title line (a section's name) */
#define RENDER_ERROR 2u      /* a line that says something is wrong (a denied verdict) */

/* One line of text (not NUL-terminated) with an optional span to emphasize. */
struct render_line {
	const char *text;
	size_t len;
	size_t mark_off, mark_len;   /* mark_len 0: none */
	unsigned flags;              /* RENDER_* */
};

typedef void (*render_line_fn)(void *ctx, const struct render_line *l);

/* For the renderers: one printf-made line to FN (cut at 1 KiB). */
void render_linef(render_line_fn fn, void *ctx, unsigned flags, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
