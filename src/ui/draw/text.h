/* text: make any text safe for the screen (escapes) and measure it in terminal columns. */
#ifndef UDSCOPE_UI_TEXT_H
#define UDSCOPE_UI_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Worst case output of text_sanitize for LEN input bytes, with the NUL. */
#define TEXT_SANITIZE_SIZE(len) (4 * (len) + 1)

/* bytes_escape (core/base/bytes.h) for the screen, without or with BYTES_ESC_UTF8:
 * copy LEN bytes of S into OUT with every byte outside 0x20..0x7e written as \xNN. With
 * UTF8, a well-formed UTF-8 sequence of a printable character of width 1 or 2 passes
 * through (the locale must be UTF-8 for the width test). Backslashes pass as they are:
 * b'\x1b' from bytes_repr must stay readable. The output is cut at a whole escape when
 * OUTSZ is short and always NUL-terminated. Returns its length. */
size_t text_sanitize(const char *s, size_t len, bool utf8, char *out, size_t outsz);

/* One character of sanitized text at S: its bytes and its width in columns. */
size_t text_char(const char *s, size_t len, int *width);
/* Columns sanitized text takes. */
int text_width(const char *s, size_t len);
/* Bytes of sanitized S that fit in COLS columns. */
size_t text_fit(const char *s, size_t len, int cols);

/* Bytes of sanitized S that fit in COLS columns ending at a whole word: all of it when it
 * fits, else up to the last space before the cut, without the separators (",;:|(-") left
 * at its end; 0 when not even the first word fits. For titles: never cut a word. */
size_t text_words(const char *s, size_t len, int cols);

/* One row of S wrapped at COLS columns, broken at a word boundary (a space) when the row has
 * one, else cut where it fills (a word longer than the row). Returns the bytes the row shows
 * (trailing spaces dropped); *NEXT gets where the next row starts (spaces skipped), LEN when
 * this was the last row. Always moves on: a character wider than COLS is a row of its own. */
size_t text_wrap(const char *s, size_t len, int cols, size_t *next);
/* Rows S takes wrapped at COLS columns, rows after the first INDENT columns narrower (a
 * hanging indent under the text column; ignored when it leaves less than 8 columns). */
int text_wrap_rows(const char *s, size_t len, int cols, int indent);
/* The indent text_wrap_rows really uses for COLS. */
int text_wrap_indent(int cols, int indent);
/* The rows of S wrapped at COLS with a hanging INDENT, one at a time (text_wrap_rows,
 * painting and saving walk them alike). Start with text_rows_init; text_rows_next gives the
 * next row's bytes (S + *START, *N of them) and its column (0, or the indent), false after
 * the last row. Always at least one row, empty for an empty S. */
struct text_rows {
	const char *s;
	size_t len, off;
	int cols, indent, row;
};
void text_rows_init(struct text_rows *r, const char *s, size_t len, int cols, int indent);
bool text_rows_next(struct text_rows *r, size_t *start, size_t *n, int *x);
/* Sanitized S as one row of at most COLS columns: whole when it fits, else its start (at a
 * word when one ends near) and an ellipsis ("\u2026" with UTF8, "..." without); with
 * KEEP_END the start takes a third of the row, the ellipsis stands for the middle and the
 * end follows (an error's errno text). Writes OUT (NUL-terminated, cut at OUTSZ) and returns
 * its length. */
size_t text_clip(const char *s, size_t len, int cols, bool utf8, bool keep_end, char *out,
		 size_t outsz);

#endif
