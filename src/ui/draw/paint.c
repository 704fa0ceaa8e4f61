/* paint: the looks (colour pairs and attributes) and the few ways text is put on the screen. */
#include "config.h"

#include "ui/draw/paint.h"

#include <string.h>

#include "ui/draw/doc.h"
#include "ui/draw/palette.h"
#include "ui/draw/text.h"

#define PAINT_RAW_MAX 512

static attr_t looks[LOOK__COUNT];
static bool utf8_ok; /* the terminal shows UTF-8: the cut marker is "\u2026", else "..." */

/* SLOT's colour as colour pair N (1 up) over ATTR; ATTR alone when the palette has none. */
static attr_t colored(enum palette_kind k, enum palette_slot slot, short n, attr_t attr)
{
	short fg = palette_color(k, slot);
	if (fg < 0)
		return attr;
	init_pair(n, fg, -1);
	return COLOR_PAIR(n) | attr;
}

void paint_init(enum palette_kind k, bool utf8)
{
	utf8_ok = utf8;
	/* Monochrome keeps every distinction the colours make: arrows tell the direction,
	 * bold marks errors, reverse marks focus and emphasis, underline a search hit. */
	looks[LOOK_PLAIN] = A_NORMAL;
	looks[LOOK_RECV] = A_NORMAL;
	looks[LOOK_SEND] = A_NORMAL;
	looks[LOOK_ERROR] = A_BOLD;
	looks[LOOK_QUIET] = A_DIM;
	looks[LOOK_SKIP] = A_BOLD;
	looks[LOOK_BAR] = A_NORMAL;
	looks[LOOK_WARN] = A_BOLD;
	looks[LOOK_FOCUS] = A_REVERSE | A_BOLD;
	looks[LOOK_HEADING] = A_BOLD;
	looks[LOOK_FOUND] = A_UNDERLINE | A_BOLD;
	looks[LOOK_SELECT] = A_REVERSE;
	if (k == PALETTE_MONO)
		return;
	looks[LOOK_RECV] = colored(k, PAL_RECV, 1, A_NORMAL);
	looks[LOOK_SEND] = colored(k, PAL_SEND, 2, A_NORMAL);
	looks[LOOK_ERROR] = colored(k, PAL_ERROR, 3, A_BOLD);
	looks[LOOK_WARN] = colored(k, PAL_WARN, 4, A_BOLD);
	looks[LOOK_SKIP] = looks[LOOK_WARN];
	looks[LOOK_FOUND] = looks[LOOK_WARN] | A_REVERSE;
	looks[LOOK_BAR] = colored(k, PAL_BAR, 5, A_NORMAL);
	looks[LOOK_QUIET] = colored(k, PAL_QUIET, 6, A_DIM);
	if (looks[LOOK_QUIET] != A_DIM)
		looks[LOOK_QUIET] &= ~A_DIM;   /* the grey says it; dim grey is too faint */
	looks[LOOK_HEADING] = colored(k, PAL_HEADING, 7, A_BOLD);
}

attr_t paint_look(enum look l)
{
	return (unsigned)l < LOOK__COUNT ? looks[l] : A_NORMAL;
}

void paint_put(int y, int x, const char *s, size_t len, int cols)
{
	if (cols <= 0)
		return;
	size_t n = text_fit(s, len, cols);
	mvaddnstr(y, x, s, (int)n);
}

void paint_put_raw(int y, int x, const char *s, int cols, bool utf8)
{
	char safe[TEXT_SANITIZE_SIZE(PAINT_RAW_MAX)];
	size_t n = text_sanitize(s, strnlen(s, PAINT_RAW_MAX), utf8, safe, sizeof(safe));
	paint_put(y, x, safe, n, cols);
}

/* Bytes OFF..END of S at the cursor, character by character, with the emphasis of each. */
static void row_out(const char *s, size_t off, size_t end, attr_t a, struct paint_mark m,
		    struct paint_mark hit)
{
	while (off < end) {
		int w;
		size_t n = text_char(s + off, end - off, &w);
		attr_t x = a;
		if (m.len && off >= m.start && off < m.start + m.len)
			x |= A_REVERSE | A_BOLD;
		if (hit.len && off >= hit.start && off < hit.start + hit.len)
			x = paint_look(LOOK_FOUND);
		attrset(x);
		addnstr(s + off, (int)n);
		off += n;
	}
	attrset(A_NORMAL);
}

/* The last row painted of a line whose later rows are cut off: bytes OFF..END of S at the
 * cursor in COLS columns, then the cut marker, which takes the place of the last characters
 * only when the row leaves no room for it. */
static void row_cut(const char *s, size_t off, size_t end, int cols, attr_t a, struct paint_mark m,
		    struct paint_mark hit)
{
	const char *mark = utf8_ok ? "\u2026" : "...";
	int mw = utf8_ok ? 1 : 3;
	if (text_width(s + off, end - off) + mw > cols)
		end = off + text_fit(s + off, end - off, cols > mw ? cols - mw : 0);
	row_out(s, off, end, a, m, hit);
	attrset(a);
	addnstr(mark, utf8_ok ? (int)strlen(mark) : (cols < mw ? cols : mw));
	attrset(A_NORMAL);
}

int paint_wrapped(const char *s, size_t len, int y, int x, int cols, int indent, attr_t a,
		  struct paint_mark mark, const char *find, int skip, int max)
{
	struct paint_mark hit = { 0, 0 };
	long at = find && find[0] ? doc_match(s, len, find) : -1;
	if (at >= 0)
		hit = (struct paint_mark){ (size_t)at, strlen(find) };
	struct text_rows r;
	size_t start, n, next_start, next_n;
	int col, next_col, painted = 0;
	text_rows_init(&r, s, len, cols, indent);
	bool have = text_rows_next(&r, &start, &n, &col);
	while (have && painted < max) {
		int row = r.row - 1;
		/* A row after this one: when it is not painted, this row says the line goes on. */
		bool more = text_rows_next(&r, &next_start, &next_n, &next_col);
		if (row >= skip) {
			move(y + painted, x + col);
			painted++;
			if (more && painted == max)
				row_cut(s, start, start + n, cols - col, a, mark, hit);
			else
				row_out(s, start, start + n, a, mark, hit);
		}
		have = more;
		start = next_start;
		n = next_n;
		col = next_col;
	}
	return painted;
}
