/* dmap: the delivery map of one direction of a byte stream: the calls a sender made and the
 * calls the receiver got, each as a range of the stream's bytes, laid out under one ruler so
 * that one 41-byte send read as 16 + 16 + 9 (or three sends read as one) can be seen.
 *
 * Pure data and layout: front ends feed it the sizes from events and show its lines. When
 * there are too many calls to draw each as a box, a row becomes a density bar: each column
 * says how many calls ended in the bytes it stands for. */
#ifndef UDSCOPE_DMAP_H
#define UDSCOPE_DMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


/* The calls of one side, in stream order: ends[i] is the offset just past call i. */
struct dmap_side {
	uint64_t *ends;
	size_t n, cap;
	bool known;            /* false: this side's calls are not seen (an outside peer) */
};

/* One direction: what was written and what was read. */
struct dmap {
	struct dmap_side sent, received;
};

/* A call of LEN bytes (0: nothing happens). Returns 0 or -ENOMEM. Marks the side known. */
int dmap_add(struct dmap_side *s, uint64_t len);
void dmap_free(struct dmap *m);
/* Bytes the side has seen. */
uint64_t dmap_total(const struct dmap_side *s);

/* How a row was drawn. */
enum dmap_style {
	DMAP_BOXES,            /* one [first-last] box a call */
	DMAP_DENSITY,          /* '=' bytes with no call ending, digits: calls ending there */
	DMAP_UNKNOWN,          /* the side is not seen: a row of '?' */
};

/* The most columns a row is drawn in. */
#define DMAP_COLS_MAX 1000

/* The columns a stream of TOTAL bytes takes at most WIDTH columns: a whole number of
 * columns a byte when it fits, else WIDTH. */
int dmap_columns(uint64_t total, int width);
/* The ruler: byte offsets at round steps, left-aligned at their columns. OUT holds COLS + 1
 * bytes (NUL-terminated). */
void dmap_ruler(uint64_t total, int cols, char *out);
/* One side's row of COLS columns for a stream of TOTAL bytes, into OUT (COLS + 1 bytes). */
enum dmap_style dmap_row(const struct dmap_side *s, uint64_t total, int cols, char *out);

#endif
