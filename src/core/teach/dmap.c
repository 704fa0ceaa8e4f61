/* dmap: delivery maps: the calls of a sender and a receiver as ranges of one byte stream. */
#include "config.h"

#include "core/teach/dmap.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/grow.h"


#define MIN_BOX 3              /* "[", something, "]": narrower calls make a density bar */

int dmap_add(struct dmap_side *s, uint64_t len)
{
	s->known = true;
	if (len == 0)
		return 0;
	uint64_t *e = grow_room(s->ends, &s->cap, s->n, sizeof(*e), 16);
	if (!e)
		return -ENOMEM;
	s->ends = e;
	s->ends[s->n] = dmap_total(s) + len;
	s->n++;
	return 0;
}

void dmap_free(struct dmap *m)
{
	free(m->sent.ends);
	free(m->received.ends);
	memset(m, 0, sizeof(*m));
}

uint64_t dmap_total(const struct dmap_side *s)
{
	return s->n ? s->ends[s->n - 1] : 0;
}

int dmap_columns(uint64_t total, int width)
{
	if (width <= 0 || total == 0)
		return 0;
	if (total <= (uint64_t)width)
		return (int)(total * ((uint64_t)width / total));
	return width;
}

/* The column byte OFF falls in. */
static int col_of(uint64_t off, uint64_t total, int cols)
{
	return (int)((unsigned __int128)off * (unsigned)cols / total);
}

/* The first byte column C stands for. */
static uint64_t first_byte(int c, uint64_t total, int cols)
{
	return (uint64_t)((unsigned __int128)(unsigned)c * total / (unsigned)cols);
}

static const uint64_t nice[] = { 1, 2, 5 };

void dmap_ruler(uint64_t total, int cols, char *out)
{
	memset(out, ' ', (size_t)cols);
	out[cols] = '\0';
	if (cols <= 0 || total == 0)
		return;
	char last[24];
	int wide = snprintf(last, sizeof(last), "%" PRIu64, total) + 1;
	/* The smallest round step whose labels keep a space between them. */
	uint64_t step = 1;
	for (uint64_t scale = 1; step < total; scale *= 10) {
		size_t k;
		for (k = 0; k < 3; k++) {
			step = nice[k] * scale;
			if (first_byte(wide, total, cols) <= step)
				break;
		}
		if (k < 3)
			break;
	}
	int free_from = 0;
	for (uint64_t off = 0; off < total; off += step) {
		int c = col_of(off, total, cols);
		char num[24];
		int len = snprintf(num, sizeof(num), "%" PRIu64, off);
		if (c < free_from || c + len > cols)
			continue;
		memcpy(out + c, num, (size_t)len);
		free_from = c + len + 1;
	}
}

/* The columns [*C0, *C1) of call I of S. */
static void call_cols(const struct dmap_side *s, size_t i, uint64_t total, int cols, int *c0,
		      int *c1)
{
	uint64_t start = i ? s->ends[i - 1] : 0, end = s->ends[i];
	*c0 = col_of(start, total, cols);
	*c1 = end >= total ? cols : col_of(end, total, cols);
}

static bool boxes_fit(const struct dmap_side *s, uint64_t total, int cols)
{
	for (size_t i = 0; i < s->n; i++) {
		int c0, c1;
		call_cols(s, i, total, cols, &c0, &c1);
		if (c1 - c0 < MIN_BOX)
			return false;
	}
	return true;
}

static void draw_box(const struct dmap_side *s, size_t i, uint64_t total, int cols, char *out)
{
	int c0, c1;
	call_cols(s, i, total, cols, &c0, &c1);
	uint64_t start = i ? s->ends[i - 1] : 0, last = s->ends[i] - 1;
	memset(out + c0, '-', (size_t)(c1 - c0));
	out[c0] = '[';
	out[c1 - 1] = ']';
	char label[48];
	int len = start == last ? snprintf(label, sizeof(label), "%" PRIu64, start)
		: snprintf(label, sizeof(label), "%" PRIu64 "-%" PRIu64, start, last);
	if (len <= c1 - c0 - 2)
		memcpy(out + c0 + 1, label, (size_t)len);
}

static void draw_density(const struct dmap_side *s, uint64_t total, int cols, char *out)
{
	int covered = col_of(dmap_total(s) - 1, total, cols) + 1;
	memset(out, '=', (size_t)covered);
	unsigned counts[DMAP_COLS_MAX] = { 0 };
	for (size_t i = 0; i < s->n; i++)
		counts[col_of(s->ends[i] - 1, total, cols)]++;
	for (int c = 0; c < covered; c++)
		if (counts[c])
			out[c] = counts[c] < 10 ? (char)('0' + counts[c]) : '+';
}

enum dmap_style dmap_row(const struct dmap_side *s, uint64_t total, int cols, char *out)
{
	if (cols > DMAP_COLS_MAX)
		cols = DMAP_COLS_MAX;
	memset(out, ' ', (size_t)(cols > 0 ? cols : 0));
	out[cols > 0 ? cols : 0] = '\0';
	if (!s->known)
		return DMAP_UNKNOWN;
	if (cols <= 0 || total == 0 || s->n == 0)
		return DMAP_BOXES;
	if (!boxes_fit(s, total, cols)) {
		draw_density(s, total, cols, out);
		return DMAP_DENSITY;
	}
	for (size_t i = 0; i < s->n; i++)
		draw_box(s, i, total, cols, out);
	return DMAP_BOXES;
}
