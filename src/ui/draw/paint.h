/* paint: the looks (colour pairs and attributes) and the few ways text is put on the screen:
 * cut to a width, or wrapped at word boundaries with a hanging indent and emphasized spans. */
#ifndef UDSCOPE_UI_PAINT_H
#define UDSCOPE_UI_PAINT_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "ui/draw/palette.h"

enum look {
	LOOK_PLAIN,
	LOOK_RECV,
	LOOK_SEND,
	LOOK_ERROR,
	LOOK_QUIET,      /* waits, closes, ends: the frame around the bytes */
	LOOK_SKIP,
	LOOK_BAR,
	LOOK_WARN,       /* a queue filling up */
	LOOK_FOCUS,
	LOOK_HEADING,
	LOOK_FOUND,      /* a search hit */
	LOOK_SELECT,     /* the selected line */
	LOOK__COUNT
};

/* Set the looks for palette K (palette.h; after start_color unless PALETTE_MONO), and whether
 * the terminal shows UTF-8 (UTF8: the marker of a cut line is "\u2026", else "..."). */
void paint_init(enum palette_kind k, bool utf8);
attr_t paint_look(enum look l);

/* A span of a line to emphasize (bytes). */
struct paint_mark {
	size_t start, len;
};

/* Put sanitized S at (Y, X), at most COLS columns. */
void paint_put(int y, int x, const char *s, size_t len, int cols);
/* Sanitize (UTF8: let printable UTF-8 through) then put: for text no renderer of ours made. */
void paint_put_raw(int y, int x, const char *s, int cols, bool utf8);

/* One line of sanitized text wrapped at COLS (rows after the first INDENT columns in), in
 * look A, MARK emphasized and the first hit of FIND (ignoring case; NULL: none) shown as a
 * search hit. Its rows from SKIP on are painted from row Y down, at most MAX of them; when
 * rows after the last one painted are left out, that row ends with the cut marker (after its
 * text when there is room, else over its last characters), so no byte looks lost.
 * Returns the rows painted. */
int paint_wrapped(const char *s, size_t len, int y, int x, int cols, int indent, attr_t a,
		  struct paint_mark mark, const char *find, int skip, int max);

#endif
