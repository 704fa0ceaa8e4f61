/* palette: which colours the console's looks get: none, the eight basic ones, or a richer set
 * on a 256-colour terminal (pure: no curses; paint.c applies it). */
#ifndef UDSCOPE_UI_PALETTE_H
#define UDSCOPE_UI_PALETTE_H

#include <stdbool.h>

enum palette_kind {
	PALETTE_MONO,    /* no colour: NO_COLOR, --no-color, set colors off, or none to have */
	PALETTE_8,       /* the eight basic colours */
	PALETTE_256,     /* COLORS >= 256: softer, more distinct colours */
};

/* The colours a look can have (foreground; the background stays the terminal's). */
enum palette_slot {
	PAL_RECV,
	PAL_SEND,
	PAL_ERROR,
	PAL_WARN,        /* skipped lines, a queue filling up, a search hit */
	PAL_BAR,
	PAL_QUIET,       /* waits and closes (-1: dim instead) */
	PAL_HEADING,     /* a section's name (-1: bold only) */
	PAL__COUNT
};

/* What to use: ALLOWED false (NO_COLOR, --no-color, colours set off) or a terminal without
 * colours gets MONO; COLORS (the terminal's count) picks between 8 and 256. */
enum palette_kind palette_choose(bool allowed, bool has_colors, int colors);
/* The foreground colour number of SLOT in palette K (-1: none, keep the attribute). */
short palette_color(enum palette_kind k, enum palette_slot slot);

#endif
