/* test_layout: pane geometry: two columns when wide, stacked when narrow, the Conversation pane
 * when small, hidden panes giving their room away, a tall report growing into quiet panes,
 * too small below 60x16. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ui/layout.h"

#define ALL4 (LAYOUT_BIT(LAYOUT_SERVER) | LAYOUT_BIT(LAYOUT_CLIENT) | LAYOUT_BIT(LAYOUT_PAIR) | \
	      LAYOUT_BIT(LAYOUT_REPORT))
#define ALL5 (ALL4 | LAYOUT_BIT(LAYOUT_TAP))
#define SMALL (LAYOUT_BIT(LAYOUT_TALK) | LAYOUT_BIT(LAYOUT_PAIR) | LAYOUT_BIT(LAYOUT_REPORT))

/* Every pane shown inside the screen above the message line, none overlapping another,
 * together covering all of it; hidden panes have no rows. */
static void assert_tiles(const struct layout *l)
{
	static char cell[400][400];
	memset(cell, 0, sizeof(cell));
	long area = 0;
	for (int p = 0; p < LAYOUT_PANES; p++) {
		struct layout_rect r = l->pane[p];
		if (!(l->shown & LAYOUT_BIT(p))) {
			assert_int_equal(r.h, 0);
			continue;
		}
		assert_true(r.h >= 3);
		assert_true(r.w >= 4);
		assert_true(r.y >= 0 && r.x >= 0);
		assert_true(r.y + r.h <= l->rows - 2);
		assert_true(r.x + r.w <= l->cols);
		for (int y = r.y; y < r.y + r.h; y++)
			for (int x = r.x; x < r.x + r.w; x++) {
				assert_int_equal(cell[y][x], 0);
				cell[y][x] = 1;
			}
		area += (long)r.h * r.w;
	}
	if (l->shown)
		assert_int_equal(area, (long)(l->rows - 2) * l->cols);
	assert_int_equal(l->area.h, l->rows - 2);
	assert_int_equal(l->status.y, l->rows - 2);
	assert_int_equal(l->prompt.y, l->rows - 1);
	assert_int_equal(l->status.w, l->cols);
	assert_int_equal(l->prompt.w, l->cols);
}

static void test_wide_is_two_columns(void **state)
{
	struct layout l;
	layout_compute(&l, 160, 48, LAYOUT_SERVER, ALL4);
	assert_false(l.too_small);
	assert_true(l.two_columns);
	assert_tiles(&l);
	/* Server over client on the left; pair over report on the right. */
	assert_int_equal(l.pane[LAYOUT_SERVER].x, 0);
	assert_int_equal(l.pane[LAYOUT_CLIENT].x, 0);
	assert_int_equal(l.pane[LAYOUT_PAIR].x, 80);
	assert_int_equal(l.pane[LAYOUT_REPORT].x, 80);
	assert_true(l.pane[LAYOUT_SERVER].y < l.pane[LAYOUT_CLIENT].y);
	assert_int_equal(l.pane[LAYOUT_SERVER].h, 23);
	assert_int_equal(l.pane[LAYOUT_CLIENT].h, 23);
}

static void test_empty_column_gives_room(void **state)
{
	struct layout l;
	unsigned sc = LAYOUT_BIT(LAYOUT_SERVER) | LAYOUT_BIT(LAYOUT_CLIENT);
	layout_compute(&l, 200, 60, LAYOUT_SERVER, sc);
	assert_tiles(&l);
	assert_false(l.two_columns);
	assert_int_equal(l.pane[LAYOUT_SERVER].w, 200);
	assert_int_equal(l.pane[LAYOUT_PAIR].h, 0);
	/* Nothing shown: the whole area is free (the welcome view's). */
	layout_compute(&l, 80, 24, LAYOUT_SERVER, 0);
	assert_tiles(&l);
	assert_int_equal(l.shown, 0);
}

static void test_odd_sizes_tile(void **state)
{
	for (int cols = LAYOUT_MIN_COLS; cols < 300; cols += 7)
		for (int rows = LAYOUT_MIN_ROWS; rows < 120; rows += 5)
			for (int f = 0; f < LAYOUT_PANES; f++)
				for (unsigned m = 0; m < (1u << LAYOUT_PANES); m += 3) {
					struct layout l;
					layout_compute(&l, cols, rows, (enum layout_pane)f, m);
					assert_false(l.too_small);
					assert_tiles(&l);
				}
}

static void test_tap_right_column(void **state)
{
	struct layout l;
	layout_compute(&l, 200, 60, LAYOUT_SERVER, ALL5);
	assert_tiles(&l);
	assert_int_equal(l.pane[LAYOUT_TAP].x, 100);
	assert_true(l.pane[LAYOUT_PAIR].y < l.pane[LAYOUT_TAP].y);
	assert_true(l.pane[LAYOUT_TAP].y < l.pane[LAYOUT_REPORT].y);
}

static void test_narrow_stacks_and_favours_focus(void **state)
{
	struct layout l;
	layout_compute(&l, 80, 40, LAYOUT_CLIENT, ALL4);
	assert_false(l.two_columns);
	assert_tiles(&l);
	for (int p = 0; p <= LAYOUT_REPORT; p++)
		if (ALL4 & LAYOUT_BIT(p))
			assert_int_equal(l.pane[p].w, 80);
	assert_true(l.pane[LAYOUT_SERVER].y < l.pane[LAYOUT_CLIENT].y);
	assert_true(l.pane[LAYOUT_CLIENT].y < l.pane[LAYOUT_PAIR].y);
	assert_true(l.pane[LAYOUT_PAIR].y < l.pane[LAYOUT_REPORT].y);
	for (int p = 0; p < LAYOUT_REPORT; p++)
		if ((ALL4 & LAYOUT_BIT(p)) && p != LAYOUT_CLIENT)
			assert_true(l.pane[LAYOUT_CLIENT].h > l.pane[p].h);
}

static void test_small_is_one_conversation(void **state)
{
	struct layout l;
	assert_true(layout_talk(80, 24));
	assert_false(layout_talk(120, 24));
	assert_false(layout_talk(80, 40));
	/* 80x24 with only the conversation: all 22 rows above the message line are its. */
	layout_compute(&l, 80, 24, LAYOUT_TALK, LAYOUT_BIT(LAYOUT_TALK));
	assert_tiles(&l);
	assert_int_equal(l.pane[LAYOUT_TALK].h, 22);
	layout_compute(&l, 80, 24, LAYOUT_REPORT, SMALL);
	assert_tiles(&l);
	assert_true(l.pane[LAYOUT_REPORT].h >= 11);
}

static void test_minimum_fits(void **state)
{
	struct layout l;
	layout_compute(&l, LAYOUT_MIN_COLS, LAYOUT_MIN_ROWS, LAYOUT_REPORT, ALL4);
	assert_false(l.too_small);
	assert_tiles(&l);
}

static void test_too_small(void **state)
{
	struct layout l;
	char buf[96];
	layout_compute(&l, 59, 40, LAYOUT_SERVER, ALL4);
	assert_true(l.too_small);
	layout_too_small_text(&l, buf, sizeof(buf));
	assert_string_equal(buf, "terminal too small (59x40, need 60x16)");
	layout_compute(&l, 200, 15, LAYOUT_SERVER, ALL4);
	assert_true(l.too_small);
	layout_too_small_text(&l, buf, sizeof(buf));
	assert_string_equal(buf, "terminal too small (200x15, need 60x16)");
	layout_compute(&l, 0, 0, LAYOUT_SERVER, ALL4);
	assert_true(l.too_small);
	layout_compute(&l, 60, 16, LAYOUT_SERVER, ALL4);
	assert_false(l.too_small);
}

/* A tall focused report at 80x24 takes the quiet Conversation's rows down to three; a pane
 * with news keeps its share; the panes still tile the screen. */
static void test_report_grows_into_quiet_panes(void **state)
{
	unsigned m = LAYOUT_BIT(LAYOUT_TALK) | LAYOUT_BIT(LAYOUT_REPORT);
	struct layout l;
	layout_compute(&l, 80, 24, LAYOUT_REPORT, m);
	int before = l.pane[LAYOUT_REPORT].h;
	layout_grow(&l, LAYOUT_REPORT, 22, 0);   /* nothing quiet: nothing moves */
	assert_int_equal(l.pane[LAYOUT_REPORT].h, before);
	layout_grow(&l, LAYOUT_REPORT, 22, LAYOUT_BIT(LAYOUT_TALK));
	assert_int_equal(l.pane[LAYOUT_TALK].h, 3);
	assert_int_equal(l.pane[LAYOUT_REPORT].h, 19);
	assert_int_equal(l.pane[LAYOUT_REPORT].y, 0);
	assert_int_equal(l.pane[LAYOUT_TALK].y, 19);
	assert_tiles(&l);
	/* It takes only what it wants. */
	layout_compute(&l, 80, 24, LAYOUT_REPORT, m);
	layout_grow(&l, LAYOUT_REPORT, before + 2, LAYOUT_BIT(LAYOUT_TALK));
	assert_int_equal(l.pane[LAYOUT_REPORT].h, before + 2);
	assert_tiles(&l);
	/* Three panes: the quiet Pair gives, the Conversation with news keeps its rows. */
	m |= LAYOUT_BIT(LAYOUT_PAIR);
	layout_compute(&l, 80, 30, LAYOUT_REPORT, m);
	int talk = l.pane[LAYOUT_TALK].h;
	layout_grow(&l, LAYOUT_REPORT, 28, LAYOUT_BIT(LAYOUT_PAIR));
	assert_int_equal(l.pane[LAYOUT_TALK].h, talk);
	assert_int_equal(l.pane[LAYOUT_PAIR].h, 3);
	assert_tiles(&l);
	/* Two columns: only the report's column gives. */
	layout_compute(&l, 200, 60, LAYOUT_REPORT,
		       LAYOUT_BIT(LAYOUT_SERVER) | LAYOUT_BIT(LAYOUT_PAIR) | LAYOUT_BIT(LAYOUT_REPORT));
	int server = l.pane[LAYOUT_SERVER].h;
	layout_grow(&l, LAYOUT_REPORT, 57, LAYOUT_BIT(LAYOUT_SERVER) | LAYOUT_BIT(LAYOUT_PAIR));
	assert_int_equal(l.pane[LAYOUT_SERVER].h, server);
	assert_int_equal(l.pane[LAYOUT_PAIR].h, 3);
	assert_int_equal(l.pane[LAYOUT_REPORT].h, 55);
	assert_tiles(&l);
}

static void test_names(void **state)
{
	assert_string_equal(layout_pane_name(LAYOUT_SERVER), "Server");
	assert_string_equal(layout_pane_name(LAYOUT_TALK), "Conversation");
	assert_string_equal(layout_pane_name(LAYOUT_PANES), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wide_is_two_columns),
		cmocka_unit_test(test_empty_column_gives_room),
		cmocka_unit_test(test_odd_sizes_tile),
		cmocka_unit_test(test_tap_right_column),
		cmocka_unit_test(test_narrow_stacks_and_favours_focus),
		cmocka_unit_test(test_small_is_one_conversation),
		cmocka_unit_test(test_minimum_fits),
		cmocka_unit_test(test_too_small),
		cmocka_unit_test(test_report_grows_into_quiet_panes),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
