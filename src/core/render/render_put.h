/* render_put: the bounded appender the event renderers write with (render_event.c,
 * render_fact.c): it keeps writing until full and the buffer always ends in a NUL. */
#ifndef UDSCOPE_RENDER_PUT_H
#define UDSCOPE_RENDER_PUT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct render_put {
	char *buf;
	size_t len, w; /* the buffer's size, and the bytes written so far */
};

/* printf onto the end of O (cut to fit). */
void render_putf(struct render_put *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same with a va_list. */
void render_vputf(struct render_put *o, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* N bytes of our own words, appended as they are and cut to fit as render_putf cuts (the hot
 * path of an event's line and JSON: no format string to parse). */
void render_put_cut(struct render_put *o, const char *s, size_t n);

/* The same, inlined: what fits whole (nearly always) is a copy of a length often known when
 * compiled, a few moves instead of a call. */
static inline void render_put_mem(struct render_put *o, const char *s, size_t n)
{
	if (o->w + n < o->len && n) {
		memcpy(o->buf + o->w, s, n);
		o->w += n;
		o->buf[o->w] = '\0';
		return;
	}
	render_put_cut(o, s, n);
}

/* A string literal, its length known when compiled. */
#define RENDER_PUT_LIT(o, lit) render_put_mem((o), "" lit, sizeof(lit) - 1)

/* A C string of our own. */
static inline void render_put_str(struct render_put *o, const char *s)
{
	render_put_mem(o, s, strlen(s));
}

/* V in decimal, at least WIDTH digits wide (padded with PAD). */
void render_put_u64(struct render_put *o, uint64_t v, int width, char pad);
/* V in decimal (what %llu prints). */
void render_put_num(struct render_put *o, uint64_t v);
/* V in decimal with its sign (what %ld prints). */
void render_put_int(struct render_put *o, int64_t v);

#endif
