/* render_put: the bounded appender the event renderers write with (render_event.c,
 * render_fact.c): it keeps writing until full and the buffer always ends in a NUL. */
#ifndef UDSCOPE_RENDER_PUT_H
#define UDSCOPE_RENDER_PUT_H

#include <stdarg.h>
#include <stddef.h>

struct render_put {
	char *buf;
	size_t len, w; /* the buffer's size, and the bytes written so far */
};

/* printf onto the end of O (cut to fit). */
void render_putf(struct render_put *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same with a va_list. */
void render_vputf(struct render_put *o, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

#endif
