/* test_dmap: delivery maps: the walkthrough's 41 bytes read as 16 + 16 + 9, coalescing,
 * density bars when calls are too many to draw, unknown sides, rulers, gigabyte streams. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/render/render.h"
#include "core/teach/dmap.h"

static void add_all(struct dmap_side *s, const uint64_t *lens, size_t n)
{
	for (size_t i = 0; i < n; i++)
		assert_int_equal(dmap_add(s, lens[i]), 0);
}

static void test_walkthrough_split(void **state)
{
	(void)state;
	struct dmap m = { 0 };
	add_all(&m.sent, (uint64_t[]){ 41 }, 1);
	add_all(&m.received, (uint64_t[]){ 16, 16, 9 }, 3);
	assert_int_equal(dmap_columns(41, 64), 41);
	char row[128];
	assert_int_equal(dmap_row(&m.sent, 41, 41, row), DMAP_BOXES);
	assert_string_equal(row, "[0-40-----------------------------------]");
	assert_int_equal(dmap_row(&m.received, 41, 41, row), DMAP_BOXES);
	assert_string_equal(row, "[0-15----------][16-31---------][32-40--]");
	/* Two columns a byte when there is room for it. */
	assert_int_equal(dmap_columns(41, 90), 82);
	assert_int_equal(dmap_row(&m.received, 41, 82, row), DMAP_BOXES);
	assert_int_equal(strlen(row), 82);
	assert_memory_equal(row + 32, "[16-31", 6);
	assert_memory_equal(row + 64, "[32-40", 6);
	dmap_free(&m);
}

static void test_coalesced(void **state)
{
	(void)state;
	struct dmap m = { 0 };
	add_all(&m.sent, (uint64_t[]){ 5, 5, 5 }, 3);
	add_all(&m.received, (uint64_t[]){ 15 }, 1);
	char row[64];
	assert_int_equal(dmap_row(&m.sent, 15, 15, row), DMAP_BOXES);
	/* A label that does not fit leaves the box plain. */
	assert_string_equal(row, "[0-4][5-9][---]");
	assert_int_equal(dmap_row(&m.received, 15, 15, row), DMAP_BOXES);
	assert_string_equal(row, "[0-14---------]");
	dmap_free(&m);
}

static void test_density(void **state)
{
	(void)state;
	struct dmap_side s = { 0 };
	for (int i = 0; i < 20; i++)
		assert_int_equal(dmap_add(&s, 1), 0);
	char row[64];
	assert_int_equal(dmap_row(&s, 20, 20, row), DMAP_DENSITY);
	assert_string_equal(row, "11111111111111111111");
	/* 10,000 reads of 16 bytes in 84 columns: every column holds 10 or more ends. */
	struct dmap_side big = { 0 };
	for (int i = 0; i < 10000; i++)
		assert_int_equal(dmap_add(&big, 16), 0);
	char wide[128];
	assert_int_equal(dmap_row(&big, 160000, 84, wide), DMAP_DENSITY);
	assert_int_equal(strspn(wide, "+"), 84);
	/* A side that has seen half the stream covers half the row. */
	struct dmap_side half = { 0 };
	add_all(&half, (uint64_t[]){ 3, 1, 6 }, 3);
	assert_int_equal(dmap_row(&half, 20, 20, row), DMAP_DENSITY);
	assert_string_equal(row, "==11=====1          ");
	free(s.ends);
	free(big.ends);
	free(half.ends);
}

static void test_ruler(void **state)
{
	(void)state;
	char r[128];
	dmap_ruler(41, 41, r);
	assert_int_equal(strlen(r), 41);
	assert_memory_equal(r, "0    5    10   15   20   25   30   35", 37);
	dmap_ruler((uint64_t)1 << 32, 64, r);
	assert_int_equal(r[0], '0');
	assert_int_equal(strlen(r), 64);
	/* Labels never touch: a space before every label but the first. */
	for (int c = 1; c < 64; c++)
		if (r[c] != ' ' && r[c - 1] == ' ')
			assert_true(c >= 2 && r[c - 2] == ' ');
}

static void test_gigabytes(void **state)
{
	(void)state;
	struct dmap m = { 0 };
	uint64_t g = (uint64_t)1 << 30;
	add_all(&m.sent, (uint64_t[]){ g, g, g, g }, 4);
	char row[128];
	assert_int_equal(dmap_row(&m.sent, 4 * g, 64, row), DMAP_BOXES);
	assert_memory_equal(row, "[0-1073741823--]", 16);
	/* "3221225472-4294967295" is wider than its box: the box stays plain. */
	assert_memory_equal(row + 48, "[--------------]", 16);
	dmap_free(&m);
}

struct lines {
	char text[16][256];
	unsigned flags[16];
	size_t n;
};

static void collect(void *ctx, const struct render_line *l)
{
	struct lines *ls = ctx;
	if (ls->n < 16) {
		snprintf(ls->text[ls->n], sizeof(ls->text[0]), "%.*s", (int)l->len, l->text);
		ls->flags[ls->n++] = l->flags;
	}
}

static void test_render_walkthrough_and_unknown(void **state)
{
	(void)state;
	struct dmap m = { 0 };
	add_all(&m.sent, (uint64_t[]){ 41 }, 1);
	add_all(&m.received, (uint64_t[]){ 16, 16, 9 }, 3);
	struct lines ls = { 0 };
	render_map_dmap(&m, "client sent", "server received", 80, collect, &ls);
	assert_int_equal(ls.n, 6);
	assert_true(ls.flags[0] & RENDER_HEADING);
	assert_string_equal(ls.text[0], "delivery map: 41 bytes");
	assert_string_equal(ls.text[3], "server received [0-15----------][16-31---------][32-40--]");
	assert_string_equal(ls.text[4], "client sent: 1 call of 41 bytes");
	assert_string_equal(ls.text[5], "server received: 3 calls, 9 to 16 bytes");
	/* An outside sender: its row is blank and the summary says why. */
	struct dmap o = { 0 };
	add_all(&o.received, (uint64_t[]){ 16, 16, 9 }, 3);
	memset(&ls, 0, sizeof(ls));
	render_map_dmap(&o, "peer sent", "server received", 80, collect, &ls);
	assert_int_equal(ls.n, 6);
	assert_int_equal(strspn(ls.text[2] + 16, " "), strlen(ls.text[2] + 16));
	assert_non_null(strstr(ls.text[4], "not seen"));
	dmap_free(&m);
	dmap_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walkthrough_split),
		cmocka_unit_test(test_coalesced),
		cmocka_unit_test(test_density),
		cmocka_unit_test(test_ruler),
		cmocka_unit_test(test_gigabytes),
		cmocka_unit_test(test_render_walkthrough_and_unknown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
