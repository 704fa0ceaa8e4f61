/* table: rows of cells laid out in aligned columns for a width: widths, cells cut with an
 * ellipsis after a whole word (never wrapped), numbers right-aligned, sorting by any column
 * (pure). */
#ifndef UDSCOPE_UI_TABLE_H
#define UDSCOPE_UI_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#define TABLE_COLS_MAX 9
/* Narrowest a flexible column gets before the others are cut. */
#define TABLE_FLEX_MIN 12

struct table {
	int ncols;
	char head[TABLE_COLS_MAX][24];
	bool number[TABLE_COLS_MAX];   /* right-aligned, sorted by value */
	int flex;                      /* the column that takes the room left over (-1: none) */
	char **cell;                   /* n rows of ncols cells, sanitized */
	size_t n, alloc;
	int sort_col;                  /* -1: as added */
	bool sort_desc;
	int first;                     /* the columns before it are scrolled out to the left */
	/* How soon a column goes when the width is short (0: never; the highest first). */
	unsigned char drop[TABLE_COLS_MAX];
	bool tail[TABLE_COLS_MAX]; /* cut at its start, keeping the end (a path's tail);
					* a cell in parentheses, a note, is cut at its end */
};

/* NCOLS columns named HEADS (NUMBER marks the numeric ones; NULL: none). */
void table_init(struct table *t, int ncols, const char *const *heads, const bool *number,
		int flex);
void table_free(struct table *t);
/* Append a row of ncols cells (copied, sanitized for the screen). 0 or -ENOMEM. */
int table_add(struct table *t, const char *const *cells, bool utf8);
const char *table_cell(const struct table *t, size_t row, int col);

/* Columns by importance: DROP[c] as above, TAIL[c] for columns cut at their start. */
void table_rank(struct table *t, const unsigned char *drop, const bool *tail);

/* Sort the rows by COL (numbers by value, text by bytes), DESC for the other way; stable. */
void table_sort(struct table *t, int col, bool desc);

/* Column widths for WIDTH columns (one space between columns), from column FIRST on (the ones
 * before get 0): each column as wide as its widest cell or heading; when that is too wide,
 * the columns that may go (drop) are left out (width 0, no separator), the least important
 * first, then the flexible column gives way down to TABLE_FLEX_MIN, then the widest columns
 * are cut, never below 3. */
void table_widths(const struct table *t, int width, int *w);
/* Row ROW (-1: the headings) as one line for widths W: each cell padded to its width (numbers
 * on the right), a cell too long cut after its last whole word that fits (a single word
 * cut where it fills) with an ellipsis. Returns the length. */
size_t table_line(const struct table *t, long row, const int *w, bool utf8, char *out,
		  size_t outsz);

#endif
