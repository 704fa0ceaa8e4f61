/* mouse: SGR mouse reports (ESC [ < b ; x ; y M) read from the key stream (pure). */
#ifndef UDSCOPE_UI_MOUSE_H
#define UDSCOPE_UI_MOUSE_H

#include <stdbool.h>
#include <stddef.h>

enum mouse_what {
	MOUSE_CLICK,        /* the left button pressed */
	MOUSE_WHEEL_UP,
	MOUSE_WHEEL_DOWN,
	MOUSE_OTHER,        /* other buttons, releases, motion: nothing to do */
};

struct mouse_event {
	enum mouse_what what;
	int x, y;           /* 0-based screen cell */
};

/* The terminal modes: button reports in SGR encoding, on and off. */
#define MOUSE_ON "\033[?1000h\033[?1006h"
#define MOUSE_OFF "\033[?1006l\033[?1000l"
/* Longest report we read: ESC [ < 3 numbers of up to 5 digits, two ';' and M. */
#define MOUSE_REPORT_MAX 24

/* S (LEN bytes) after the ESC: "[<0;12;5M". Returns the bytes of the report (OUT filled),
 * 0 when S is not one (a key's escape sequence, or cut short). */
size_t mouse_parse(const char *s, size_t len, struct mouse_event *out);

#endif
