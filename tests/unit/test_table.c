/* test_table: column widths for a width, alignment (the same offset on every row), cells cut
 * with an ellipsis and never wrapped, numbers on the right, sorting by any column. */
#include "config.h"

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../skip.h"

#include "ui/draw/table.h"
#include "ui/draw/text.h"

static const char *const heads[] = { "state", "inode", "path" };
static const bool number[] = { false, true, false };

static void fill(struct table *t)
{
	table_init(t, 3, heads, number, 2);
	const char *r1[] = { "listening", "8505037", "./uds_socket" };
	const char *r2[] = { "connected", "12", "/run/systemd/journal/very/long/path/stdout" };
	const char *r3[] = { "unconnected", "900", "@abstract" };
	assert_int_equal(table_add(t, r1, false), 0);
	assert_int_equal(table_add(t, r2, false), 0);
	assert_int_equal(table_add(t, r3, false), 0);
}

static void test_widths_fit(void **state)
{
	struct table t;
	int w[TABLE_COLS_MAX];
	fill(&t);
	table_widths(&t, 200, w);
	assert_int_equal(w[0], 11);   /* "unconnected" */
	assert_int_equal(w[1], 7);
	assert_int_equal(w[2], 42);
	/* Narrow: the path gives way first, down to TABLE_FLEX_MIN... */
	table_widths(&t, 40, w);
	assert_int_equal(w[0] + w[1] + w[2] + 2, 40);
	assert_int_equal(w[0], 11);
	assert_int_equal(w[2], 40 - 2 - 11 - 7);
	/* ...then the widest others are cut too. */
	table_widths(&t, 25, w);
	assert_true(w[0] + w[1] + w[2] + 2 <= 25);
	table_free(&t);
}

static void test_lines_aligned_and_cut(void **state)
{
	struct table t;
	int w[TABLE_COLS_MAX];
	char line[256];
	fill(&t);
	table_widths(&t, 40, w);
	table_line(&t, -1, w, false, line, sizeof(line));
	assert_string_equal(line, "state         inode path");
	table_line(&t, 0, w, false, line, sizeof(line));
	assert_string_equal(line, "listening   8505037 ./uds_socket");
	/* A number on the right, a path too long cut with the ellipsis in its last column. */
	table_line(&t, 1, w, false, line, sizeof(line));
	assert_string_equal(line, "connected        12 /run/systemd/journa~");
	assert_int_equal(strlen(line), 40);
	/* The path column starts at the same offset on every row. */
	for (long r = -1; r < 3; r++) {
		table_line(&t, r, w, false, line, sizeof(line));
		assert_true(line[20] != ' ' && line[19] == ' ');
	}
	table_free(&t);
}

static void test_scrolled_left(void **state)
{
	struct table t;
	int w[TABLE_COLS_MAX];
	char line[256];
	fill(&t);
	/* The state column scrolled out: the path gets its room back. */
	t.first = 1;
	table_widths(&t, 40, w);
	assert_int_equal(w[0], 0);
	assert_int_equal(w[1] + w[2] + 1, 40);
	table_line(&t, 1, w, false, line, sizeof(line));
	assert_string_equal(line, "     12 /run/systemd/journal/very/long/~");
	table_line(&t, -1, w, false, line, sizeof(line));
	assert_string_equal(line, "  inode path");
	table_free(&t);
}

static void test_ellipsis_utf8(void **state)
{
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		UD_SKIP("the C.UTF-8 locale is not installed (apt-get install locales)");
	struct table t;
	int w[TABLE_COLS_MAX] = { 11, 7, 8 };
	char line[256];
	fill(&t);
	table_line(&t, 0, w, true, line, sizeof(line));
	assert_string_equal(line, "listening   8505037 ./uds_s\u2026");
	assert_int_equal(text_width(line, strlen(line)), 11 + 1 + 7 + 1 + 8);
	setlocale(LC_CTYPE, "C");
	table_free(&t);
}

/* A cell too long loses whole words (a figure, a word), never half of one: "41 B in 3
 * chunks" in 12 columns reads "41 B in~" (the 3 without its unit says nothing), not
 * "41 B in 3 c~"; a single word is still cut where it fills. */
static void test_cells_cut_at_words(void **state)
{
	static const char *const h[] = { "id", "received" };
	struct table t;
	int w[TABLE_COLS_MAX] = { 2, 12 };
	char line[256];
	table_init(&t, 2, h, NULL, -1);
	const char *r1[] = { "#1", "41 B in 3 chunks" };
	const char *r2[] = { "#2", "listeningstate" };
	assert_int_equal(table_add(&t, r1, false), 0);
	assert_int_equal(table_add(&t, r2, false), 0);
	table_line(&t, 0, w, false, line, sizeof(line));
	assert_string_equal(line, "#1 41 B in~");
	w[1] = 8;
	table_line(&t, 0, w, false, line, sizeof(line));
	assert_string_equal(line, "#1 41 B in~");
	w[1] = 7;
	table_line(&t, 0, w, false, line, sizeof(line));
	assert_string_equal(line, "#1 41 B~");
	table_line(&t, 1, w, false, line, sizeof(line));
	assert_string_equal(line, "#2 listen~");
	table_free(&t);
	/* A column cut at its start (a path's tail) cuts a note in words at its end instead. */
	static const bool tail[] = { false, true };
	table_init(&t, 2, h, NULL, -1);
	table_rank(&t, NULL, tail);
	const char *r3[] = { "#3", "(unnamed peer)" };
	const char *r4[] = { "#4", "./dir/a.sock" };
	assert_int_equal(table_add(&t, r3, false), 0);
	assert_int_equal(table_add(&t, r4, false), 0);
	w[1] = 10;
	table_line(&t, 0, w, false, line, sizeof(line));
	assert_string_equal(line, "#3 (unnamed~");
	table_line(&t, 1, w, false, line, sizeof(line));
	assert_string_equal(line, "#4 ~ir/a.sock");
	table_free(&t);
}

static void test_sort(void **state)
{
	struct table t;
	fill(&t);
	table_sort(&t, 1, false);   /* numbers by value: 12 < 900 < 8505037 */
	assert_string_equal(table_cell(&t, 0, 1), "12");
	assert_string_equal(table_cell(&t, 1, 1), "900");
	assert_string_equal(table_cell(&t, 2, 1), "8505037");
	assert_string_equal(table_cell(&t, 0, 2), "/run/systemd/journal/very/long/path/stdout");
	table_sort(&t, 0, true);    /* text, the other way */
	assert_string_equal(table_cell(&t, 0, 0), "unconnected");
	assert_string_equal(table_cell(&t, 2, 0), "connected");
	assert_string_equal(table_cell(&t, 2, 1), "12");   /* whole rows move */
	table_free(&t);
}

static void test_cells_sanitized(void **state)
{
	struct table t;
	table_init(&t, 3, heads, number, 2);
	const char *r[] = { "x", "1", "evil\x1b[2Jpath" };
	assert_int_equal(table_add(&t, r, false), 0);
	assert_string_equal(table_cell(&t, 0, 2), "evil\\x1b[2Jpath");
	table_free(&t);
}

/* Issue 26: a sockets row at 78 columns keeps state, the path's tail and the process before
 * inode, peer and the queues, which go (the least important first). */
static void test_columns_by_importance(void **state)
{
	static const char *const h[] = { "state", "type", "inode", "peer", "recv-q", "send-q",
					 "path", "processes" };
	static const bool num[] = { false, false, true, true, true, true, false, false };
	static const unsigned char drop[] = { 0, 1, 4, 5, 2, 3, 0, 0 };
	static const bool tail[] = { false, false, false, false, false, false, true, false };
	struct table t;
	int w[TABLE_COLS_MAX];
	char line[512];
	table_init(&t, 8, h, num, 6);
	table_rank(&t, drop, tail);
	const char *r[] = { "listening", "stream", "1365488", "-", "0", "128",
			    "./a-rather-long-directory-name-for-a-test/and-one-more-level-of-it/a.sock",
			    "pid 18342 (sockkid)" };
	assert_int_equal(table_add(&t, r, false), 0);
	table_widths(&t, 78, w);
	table_line(&t, 0, w, false, line, sizeof(line));
	assert_true(strlen(line) <= 78);
	assert_non_null(strstr(line, "listening "));
	assert_non_null(strstr(line, "/a.sock "));
	assert_non_null(strstr(line, "pid 18342 (sockkid)"));
	assert_null(strstr(line, "1365488"));
	assert_int_equal(w[2], 0);
	assert_int_equal(w[3], 0);
	/* The heading leaves out the same columns. */
	table_line(&t, -1, w, false, line, sizeof(line));
	assert_null(strstr(line, "inode"));
	assert_non_null(strstr(line, "processes"));
	/* Wide enough: every column. */
	table_widths(&t, 200, w);
	table_line(&t, 0, w, false, line, sizeof(line));
	assert_non_null(strstr(line, "1365488"));
	table_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_widths_fit),
		cmocka_unit_test(test_lines_aligned_and_cut),
		cmocka_unit_test(test_scrolled_left),
		cmocka_unit_test(test_ellipsis_utf8),
		cmocka_unit_test(test_cells_cut_at_words),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_cells_sanitized),
		cmocka_unit_test(test_columns_by_importance),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
