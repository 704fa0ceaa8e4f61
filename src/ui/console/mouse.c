/* mouse: SGR mouse reports (ESC [ < b ; x ; y M) read from the key stream (pure). */
#include "config.h"

#include "ui/console/mouse.h"

/* A decimal number of at most 5 digits at S[*I], then SEP. */
static bool number(const char *s, size_t len, size_t *i, char sep, int *out)
{
	int v = 0, digits = 0;
	while (*i < len && s[*i] >= '0' && s[*i] <= '9' && digits < 5) {
		v = v * 10 + (s[*i] - '0');
		(*i)++;
		digits++;
	}
	if (!digits || *i >= len)
		return false;
	if (sep ? s[*i] != sep : s[*i] != 'M' && s[*i] != 'm')
		return false;
	*out = v;
	return true;
}

size_t mouse_parse(const char *s, size_t len, struct mouse_event *out)
{
	size_t i = 2;
	int b, x, y;
	if (len < 2 || s[0] != '[' || s[1] != '<')
		return 0;
	if (!number(s, len, &i, ';', &b))
		return 0;
	i++;
	if (!number(s, len, &i, ';', &x))
		return 0;
	i++;
	if (!number(s, len, &i, 0, &y))
		return 0;
	bool press = s[i] == 'M';
	out->x = x - 1;
	out->y = y - 1;
	if (b == 64 || b == 65)
		out->what = b == 64 ? MOUSE_WHEEL_UP : MOUSE_WHEEL_DOWN;
	else if (b == 0 && press)
		out->what = MOUSE_CLICK;
	else
		out->what = MOUSE_OTHER;
	return i + 1;
}
