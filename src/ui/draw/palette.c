/* palette: the colours of the console's looks for a terminal's colour count (pure). */
#include "config.h"

#include "ui/draw/palette.h"

/* The curses numbers of the basic colours (COLOR_GREEN ...), without including curses. */
enum { BLACK, RED, GREEN, YELLOW, BLUE, MAGENTA, CYAN, WHITE };

static const short basic[PAL__COUNT] = {
	[PAL_RECV] = GREEN, [PAL_SEND] = CYAN, [PAL_ERROR] = RED, [PAL_WARN] = YELLOW,
	[PAL_BAR] = MAGENTA, [PAL_QUIET] = -1, [PAL_HEADING] = -1,
};

/* xterm's 256-colour cube and grey ramp: readable on dark and light backgrounds alike. */
static const short rich[PAL__COUNT] = {
	[PAL_RECV] = 71,      /* sea green */
	[PAL_SEND] = 38,      /* deep sky blue */
	[PAL_ERROR] = 160,    /* red */
	[PAL_WARN] = 172,     /* orange */
	[PAL_BAR] = 97,       /* purple */
	[PAL_QUIET] = 244,    /* grey: quieter than the chunks, still legible */
	[PAL_HEADING] = 32,   /* blue */
};

enum palette_kind palette_choose(bool allowed, bool has_colors, int colors)
{
	if (!allowed || !has_colors || colors < 8)
		return PALETTE_MONO;
	return colors >= 256 ? PALETTE_256 : PALETTE_8;
}

short palette_color(enum palette_kind k, enum palette_slot slot)
{
	if ((unsigned)slot >= PAL__COUNT || k == PALETTE_MONO)
		return -1;
	return k == PALETTE_256 ? rich[slot] : basic[slot];
}
