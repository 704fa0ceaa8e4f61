/* fmt: printf into a fixed buffer, cut to fit, with the length that was kept. */
#ifndef UDSCOPE_FMT_H
#define UDSCOPE_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* What fmt_vcut returns for a format vsnprintf could not convert. */
#define FMT_ERROR ((size_t)-1)

/* FMT with AP into BUF (SIZE > 0 bytes, always NUL-terminated): the bytes kept, at most
 * SIZE - 1 (a longer text is cut), or FMT_ERROR. */
size_t fmt_vcut(char *buf, size_t size, const char *fmt, va_list ap);

#endif
