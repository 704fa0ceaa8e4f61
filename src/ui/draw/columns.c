/* columns: the rows of a two-column log (the pair demo's parent and child), in time order. */
#include "config.h"

#include "ui/draw/columns.h"

size_t columns_place(const uint8_t *col, const uint32_t *run, size_t n, size_t *row)
{
	size_t next[2] = { 0, 0 }; /* each column's first free row */
	for (size_t i = 0; i < n; i++) {
		unsigned c = col[i] ? 1 : 0, o = 1 - c;
		if (i > 0 && run[i] != run[i - 1])
			next[c] = next[o] = next[c] > next[o] ? next[c] : next[o];
		/* Beside the other column's last line at the highest: never above it. */
		size_t r = next[c];
		if (next[o] > r + 1)
			r = next[o] - 1;
		row[i] = r;
		next[c] = r + 1;
	}
	return next[0] > next[1] ? next[0] : next[1];
}
