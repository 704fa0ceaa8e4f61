/* fmt: printf into a fixed buffer, cut to fit. */
#include "config.h"

#include "core/base/fmt.h"

#include <stdio.h>

/* vsnprintf, with what it would have written clamped to what BUF holds. */
size_t fmt_vcut(char *buf, size_t size, const char *fmt, va_list ap)
{
	int n = vsnprintf(buf, size, fmt, ap);
	if (n < 0)
		return FMT_ERROR;
	return (size_t)n < size ? (size_t)n : size - 1;
}
