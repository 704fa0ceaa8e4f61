/* columns: the rows of a two-column log (the pair demo's parent and child), in time order. */
#ifndef UDSCOPE_UI_COLUMNS_H
#define UDSCOPE_UI_COLUMNS_H

#include <stddef.h>
#include <stdint.h>

/* The row of each of N lines, given oldest first with their column COL[i] (0: left, 1: right)
 * and their run RUN[i] (a `pair` command's session): a line goes below the last line of its
 * own column and no higher than the last line of the other (it may sit beside it), so that
 * reading down never goes back in time; a new run starts below every line of the runs before
 * it. Fills ROW[i]; returns the number of rows. Pure. */
size_t columns_place(const uint8_t *col, const uint32_t *run, size_t n, size_t *row);

#endif
