/* table: rows of cells laid out in aligned columns for a width: widths, cells cut with an
 * ellipsis after a whole word (never wrapped), numbers right-aligned, sorting by any column
 * (pure). */
#include "config.h"

#include "ui/draw/table.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/draw/text.h"

void table_init(struct table *t, int ncols, const char *const *heads, const bool *number,
		int flex)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols > TABLE_COLS_MAX ? TABLE_COLS_MAX : ncols;
	for (int c = 0; c < t->ncols; c++) {
		snprintf(t->head[c], sizeof(t->head[c]), "%s", heads[c]);
		t->number[c] = number && number[c];
	}
	t->flex = flex;
	t->sort_col = -1;
}

void table_rank(struct table *t, const unsigned char *drop, const bool *tail)
{
	for (int c = 0; c < t->ncols; c++) {
		t->drop[c] = drop ? drop[c] : 0;
		t->tail[c] = tail && tail[c];
	}
}

void table_free(struct table *t)
{
	for (size_t i = 0; i < t->n * (size_t)t->ncols; i++)
		free(t->cell[i]);
	free(t->cell);
	t->cell = NULL;
	t->n = t->alloc = 0;
}

int table_add(struct table *t, const char *const *cells, bool utf8)
{
	if (t->n == t->alloc) {
		size_t na = t->alloc ? t->alloc * 2 : 32;
		char **nc = realloc(t->cell, na * (size_t)t->ncols * sizeof(*nc));
		if (!nc)
			return -ENOMEM;
		t->cell = nc;
		t->alloc = na;
	}
	char **row = t->cell + t->n * (size_t)t->ncols;
	for (int c = 0; c < t->ncols; c++) {
		size_t len = strlen(cells[c]);
		row[c] = malloc(TEXT_SANITIZE_SIZE(len));
		if (!row[c]) {
			while (c-- > 0)
				free(row[c]);
			return -ENOMEM;
		}
		text_sanitize(cells[c], len, utf8, row[c], TEXT_SANITIZE_SIZE(len));
	}
	t->n++;
	return 0;
}

const char *table_cell(const struct table *t, size_t row, int col)
{
	return t->cell[row * (size_t)t->ncols + (size_t)col];
}

static int cmp_rows(const struct table *t, char *const *a, char *const *b, int col)
{
	if (t->number[col]) {
		double x = strtod(a[col], NULL), y = strtod(b[col], NULL);
		return x < y ? -1 : x > y;
	}
	return strcmp(a[col], b[col]);
}

void table_sort(struct table *t, int col, bool desc)
{
	if (col < 0 || col >= t->ncols)
		return;
	t->sort_col = col;
	t->sort_desc = desc;
	size_t nc = (size_t)t->ncols;
	char *row[TABLE_COLS_MAX];
	/* Insertion sort of whole rows: stable, and tables are a few hundred rows. */
	for (size_t i = 1; i < t->n; i++) {
		memcpy(row, t->cell + i * nc, nc * sizeof(char *));
		size_t j = i;
		while (j > 0) {
			int r = cmp_rows(t, row, t->cell + (j - 1) * nc, col);
			if (desc ? r <= 0 : r >= 0)
				break;
			memcpy(t->cell + j * nc, t->cell + (j - 1) * nc, nc * sizeof(char *));
			j--;
		}
		memcpy(t->cell + j * nc, row, nc * sizeof(char *));
	}
}

void table_widths(const struct table *t, int width, int *w)
{
	int total = t->ncols - 1 - t->first;
	for (int c = 0; c < t->first; c++)
		w[c] = 0;
	for (int c = t->first; c < t->ncols; c++) {
		w[c] = text_width(t->head[c], strlen(t->head[c]));
		for (size_t r = 0; r < t->n; r++) {
			const char *s = table_cell(t, r, c);
			int cw = text_width(s, strlen(s));
			if (cw > w[c])
				w[c] = cw;
		}
		total += w[c];
	}
	while (total > width) {
		/* Too wide: the least important column that may go goes (of equals, the
		 * rightmost), with its separator. */
		int out = -1;
		for (int c = t->first; c < t->ncols; c++)
			if (w[c] && t->drop[c] && (out < 0 || t->drop[c] >= t->drop[out]))
				out = c;
		if (out < 0)
			break;
		total -= w[out] + 1;
		w[out] = 0;
	}
	if (t->flex >= t->first && total > width && w[t->flex] > TABLE_FLEX_MIN) {
		int give = total - width, room = w[t->flex] - TABLE_FLEX_MIN;
		give = give < room ? give : room;
		w[t->flex] -= give;
		total -= give;
	}
	while (total > width) {
		/* The widest gives a column; of equals, the rightmost (the first columns name
		 * the row). */
		int widest = t->first;
		for (int c = t->first + 1; c < t->ncols; c++)
			if (w[c] >= w[widest])
				widest = c;
		if (w[widest] <= 3)
			break;
		w[widest]--;
		total--;
	}
}

/* S into exactly W columns at OUT: padded, or cut after its last whole word that fits with
 * an ellipsis (TAIL: its start cut, the ellipsis first). Returns bytes written. */
static size_t fit(const char *s, int w, bool right, bool tail, bool utf8, char *out,
		  size_t outsz)
{
	size_t len = strlen(s), o = 0;
	int sw = text_width(s, len);
	const char *ell = utf8 ? "\u2026" : "~";
	size_t el = strlen(ell);
	if (outsz < (size_t)w * 4 + 8)
		return 0;
	if (sw > w && tail) {
		/* Skip characters until the rest fits after the ellipsis. */
		size_t from = 0;
		int cw;
		while (from < len && text_width(s + from, len - from) > w - 1)
			from += text_char(s + from, len - from, &cw);
		memcpy(out, ell, el);
		o = el;
		memcpy(out + o, s + from, len - from);
		o += len - from;
		for (int used = 1 + text_width(s + from, len - from); used < w; used++)
			out[o++] = ' ';
		return o;
	}
	if (sw > w) {
		/* Whole words (a figure, a word) go; a single word too long is still cut. */
		size_t n = text_words(s, len, w - 1);
		if (!n)
			n = text_fit(s, len, w - 1);
		memcpy(out, s, n);
		o = n;
		int used = text_width(s, n);
		memcpy(out + o, ell, el);
		o += el;
		for (used++; used < w; used++)
			out[o++] = ' ';
		return o;
	}
	if (right)
		for (int k = sw; k < w; k++)
			out[o++] = ' ';
	memcpy(out + o, s, len);
	o += len;
	if (!right)
		for (int k = sw; k < w; k++)
			out[o++] = ' ';
	return o;
}

size_t table_line(const struct table *t, long row, const int *w, bool utf8, char *out,
		  size_t outsz)
{
	size_t o = 0;
	bool any = false;
	for (int c = t->first; c < t->ncols; c++) {
		if (!w[c])
			continue;   /* left out for the width (table_widths) */
		const char *s = row < 0 ? t->head[c] : table_cell(t, (size_t)row, c);
		if (any && o + 1 < outsz)
			out[o++] = ' ';
		any = true;
		/* A note in parentheses ("(unnamed peer)") is words, not a path: no tail cut. */
		bool tail = t->tail[c] && row >= 0 && s[0] != '(';
		o += fit(s, w[c], t->number[c], tail, utf8, out + o, outsz - o);
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o < outsz ? o : outsz - 1] = '\0';
	return o;
}
