/* test_layout: pane geometry: two columns when wide, stacked when narrow, the Conversation pane
 * when small, hidden panes giving their room away, room following attention (layout_plan: a
 * stale report gives its rows back, a table gets a row of its own), too small below 60x16. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ui/draw/layout.h"

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

/* Needs for layout_plan: every pane stale, asking for nothing in particular. */
static void needs_clear(struct layout_need *n)
{
	memset(n, 0, sizeof(struct layout_need) * LAYOUT_PANES);
}

#define TALK_REPORT (LAYOUT_BIT(LAYOUT_TALK) | LAYOUT_BIT(LAYOUT_REPORT))

/* Issue 26: at 80x24 `server start`, `sessions`, `client`: the two-row sessions table is
 * stale once the client runs, the Conversation has news: the table gives its rows back. */
static void test_stale_report_gives_rows_back(void **state)
{
	struct layout_need n[LAYOUT_PANES];
	struct layout l;
	needs_clear(n);
	n[LAYOUT_REPORT].want = 5; /* header, two rows, borders */
	n[LAYOUT_REPORT].wide = true;
	n[LAYOUT_REPORT].fresh = true;
	/* Just typed `sessions`: the table gets what it needs, not more. */
	layout_plan(&l, 80, 24, LAYOUT_REPORT, TALK_REPORT, n);
	assert_tiles(&l);
	assert_int_equal(l.pane[LAYOUT_REPORT].h, 5);
	assert_int_equal(l.pane[LAYOUT_TALK].h, 17);
	/* Then `client`: the table is stale, the Conversation's new lines take the room; the
	 * table keeps its heading and its first row (with one row inside its borders, it showed
	 * the heading alone, which answers nothing). */
	n[LAYOUT_REPORT].fresh = false;
	n[LAYOUT_TALK].fresh = true;
	layout_plan(&l, 80, 24, LAYOUT_REPORT, TALK_REPORT, n);
	assert_tiles(&l);
	assert_int_equal(l.pane[LAYOUT_REPORT].h, 4);
	assert_int_equal(l.pane[LAYOUT_TALK].h, 18);
}

/* A tall fresh report takes the stale Conversation's rows down to three; it takes only what
 * it wants; a Pair with news keeps its rows while a stale one gives. */
static void test_fresh_report_takes_what_it_needs(void **state)
{
	struct layout_need n[LAYOUT_PANES];
	struct layout l;
	needs_clear(n);
	n[LAYOUT_REPORT] = (struct layout_need){ .want = 30, .fresh = true };
	n[LAYOUT_TALK].want = 30;
	layout_plan(&l, 80, 24, LAYOUT_REPORT, TALK_REPORT, n);
	assert_tiles(&l);
	assert_int_equal(l.pane[LAYOUT_REPORT].h, 19);
	assert_int_equal(l.pane[LAYOUT_TALK].h, 3);
	n[LAYOUT_REPORT].want = 8;
	layout_plan(&l, 80, 24, LAYOUT_REPORT, TALK_REPORT, n);
	assert_int_equal(l.pane[LAYOUT_REPORT].h, 8);
	assert_int_equal(l.pane[LAYOUT_TALK].h, 14);
	assert_tiles(&l);
	/* `pair` after a report: the Pair pane has news, it is not left one line tall. */
	unsigned m = TALK_REPORT | LAYOUT_BIT(LAYOUT_PAIR);
	needs_clear(n);
	n[LAYOUT_REPORT].want = 20;
	n[LAYOUT_TALK].want = 20;
	n[LAYOUT_PAIR] = (struct layout_need){ .want = 12, .fresh = true };
	layout_plan(&l, 80, 24, LAYOUT_REPORT, m, n);
	assert_tiles(&l);
	assert_int_equal(l.pane[LAYOUT_PAIR].h, 12);
	assert_int_equal(l.pane[LAYOUT_TALK].h + l.pane[LAYOUT_REPORT].h, 10);
	/* `tap`: the Tap pane with news gets its room from the stale report. */
	m = TALK_REPORT | LAYOUT_BIT(LAYOUT_TAP);
	needs_clear(n);
	n[LAYOUT_REPORT] = (struct layout_need){ .want = 30 };
	n[LAYOUT_TALK] = (struct layout_need){ .want = 4 };
	n[LAYOUT_TAP] = (struct layout_need){ .want = 0, .fresh = true };
	layout_plan(&l, 80, 24, LAYOUT_REPORT, m, n);
	assert_tiles(&l);
	assert_int_equal(l.pane[LAYOUT_TAP].h, 16);
	assert_int_equal(l.pane[LAYOUT_REPORT].h, 3);
}

/* Two panes with news: the focused one (Tab) gets two thirds first, the other a share. */
static void test_fresh_focus_first(void **state)
{
	struct layout_need n[LAYOUT_PANES];
	struct layout l;
	unsigned m = TALK_REPORT | LAYOUT_BIT(LAYOUT_TAP);
	needs_clear(n);
	n[LAYOUT_TALK].fresh = true;
	n[LAYOUT_TAP].fresh = true;
	n[LAYOUT_REPORT].want = 3;
	layout_plan(&l, 80, 24, LAYOUT_TAP, m, n);
	assert_tiles(&l);
	assert_int_equal(l.pane[LAYOUT_TAP].h, 15);
	assert_int_equal(l.pane[LAYOUT_TALK].h, 4);
	assert_int_equal(l.pane[LAYOUT_REPORT].h, 3);
	/* The focus in the other column: the server and the client share theirs evenly. */
	m = LAYOUT_BIT(LAYOUT_SERVER) | LAYOUT_BIT(LAYOUT_CLIENT) | LAYOUT_BIT(LAYOUT_REPORT);
	needs_clear(n);
	n[LAYOUT_SERVER].fresh = true;
	n[LAYOUT_CLIENT].fresh = true;
	n[LAYOUT_REPORT] = (struct layout_need){ .want = 30, .fresh = true };
	layout_plan(&l, 120, 40, LAYOUT_REPORT, m, n);
	assert_tiles(&l);
	assert_int_equal(l.pane[LAYOUT_SERVER].h, l.pane[LAYOUT_CLIENT].h);
}

/* Nothing fresh: the rows go by want, and what nobody wants is shared; the focus first. */
static void test_all_stale_shares(void **state)
{
	struct layout_need n[LAYOUT_PANES];
	struct layout l;
	needs_clear(n);
	n[LAYOUT_REPORT].want = 6;
	n[LAYOUT_TALK].want = 6;
	layout_plan(&l, 80, 24, LAYOUT_TALK, TALK_REPORT, n);
	assert_tiles(&l);
	assert_true(l.pane[LAYOUT_REPORT].h >= 6);
	assert_true(l.pane[LAYOUT_TALK].h >= l.pane[LAYOUT_REPORT].h);
}

/* At 120x40 a table report is a row of its own across the screen, below the log panes (which
 * keep two columns when there are both); stacked at 80x24 it is full width anyway. */
static void test_wide_table_gets_a_row(void **state)
{
	struct layout_need n[LAYOUT_PANES];
	struct layout l;
	needs_clear(n);
	n[LAYOUT_REPORT] = (struct layout_need){ .want = 12, .fresh = true, .wide = true };
	unsigned sc = LAYOUT_BIT(LAYOUT_SERVER) | LAYOUT_BIT(LAYOUT_CLIENT);
	layout_plan(&l, 120, 40, LAYOUT_REPORT, sc | LAYOUT_BIT(LAYOUT_REPORT), n);
	assert_tiles(&l);
	assert_int_equal(l.pane[LAYOUT_REPORT].w, 120);
	assert_int_equal(l.pane[LAYOUT_REPORT].x, 0);
	assert_int_equal(l.pane[LAYOUT_REPORT].h, 12);
	assert_int_equal(l.pane[LAYOUT_REPORT].y + 12, 38);
	assert_int_equal(l.pane[LAYOUT_SERVER].w, 120);
	/* With the Pair the log panes sit in two columns above it. */
	layout_plan(&l, 120, 40, LAYOUT_REPORT,
		    sc | LAYOUT_BIT(LAYOUT_REPORT) | LAYOUT_BIT(LAYOUT_PAIR), n);
	assert_tiles(&l);
	assert_true(l.two_columns);
	assert_int_equal(l.pane[LAYOUT_REPORT].w, 120);
	assert_int_equal(l.pane[LAYOUT_PAIR].x, 60);
	assert_int_equal(l.pane[LAYOUT_PAIR].h, 26);
	/* A text report (not wide) stays in the right column. */
	n[LAYOUT_REPORT].wide = false;
	layout_plan(&l, 120, 40, LAYOUT_REPORT, sc | LAYOUT_BIT(LAYOUT_REPORT), n);
	assert_tiles(&l);
	assert_int_equal(l.pane[LAYOUT_REPORT].x, 60);
}

/* Every size and mix of needs tiles the screen, and a pane with news is never one line tall
 * while a stale one holds more than its floor (three rows; a table with rows four: its
 * heading and its first row). */
static void test_plan_tiles_and_favours_news(void **state)
{
	struct layout_need n[LAYOUT_PANES];
	for (int cols = LAYOUT_MIN_COLS; cols < 260; cols += 23)
		for (int rows = LAYOUT_MIN_ROWS; rows < 90; rows += 11)
			for (unsigned m = 1; m < (1u << LAYOUT_PANES); m += 5)
				for (unsigned f = 0; f < (1u << LAYOUT_PANES); f += 7) {
					struct layout l;
					for (int p = 0; p < LAYOUT_PANES; p++)
						n[p] = (struct layout_need){
							.want = (p * 7 + (int)f) % 4 ? p * 5 + 2
										     : 0,
							.fresh = f & LAYOUT_BIT(p),
							.wide = p == LAYOUT_REPORT && (f & 1),
						};
					layout_plan(&l, cols, rows, (enum layout_pane)(f % 6), m,
						    n);
					assert_tiles(&l);
					for (int p = 0; p < LAYOUT_PANES; p++) {
						if (!(l.shown & LAYOUT_BIT(p)) || !n[p].fresh ||
						    l.pane[p].h > 3 ||
						    (n[p].want && n[p].want <= 3))
							continue;
						for (int q = 0; q < LAYOUT_PANES; q++)
							if ((l.shown & LAYOUT_BIT(q)) &&
							    !n[q].fresh &&
							    l.pane[q].x == l.pane[p].x)
								assert_true(l.pane[q].h <=
									    (n[q].wide && n[q].want >= 4
										     ? 4
										     : 3));
					}
				}
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
		cmocka_unit_test(test_stale_report_gives_rows_back),
		cmocka_unit_test(test_fresh_report_takes_what_it_needs),
		cmocka_unit_test(test_fresh_focus_first),
		cmocka_unit_test(test_all_stale_shares),
		cmocka_unit_test(test_wide_table_gets_a_row),
		cmocka_unit_test(test_plan_tiles_and_favours_news),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
