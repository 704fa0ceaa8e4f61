/* test_columns: the pair view's rows: a run's parent and child side by side in time order,
 * never a later line above an earlier one, a second run below the first. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ui/draw/columns.h"

/* The demo's order: three parent lines, then the child's three, the parent's answer, the
 * child's exit and the parent's closing line; twice. */
static void test_two_runs(void **state)
{
	(void)state;
	static const uint8_t col[] = { 0, 0, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0, 1, 1, 1, 0, 1, 0 };
	static const uint32_t run[] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2 };
	static const size_t want[] = { 0, 1, 2, 2, 3, 4, 4, 5, 5, 6, 7, 8, 8, 9, 10, 10, 11, 11 };
	size_t row[18];
	assert_int_equal(columns_place(col, run, 18, row), 12);
	for (size_t i = 0; i < 18; i++)
		assert_int_equal(row[i], want[i]);
}

/* Reading down never goes back in time: each line's row is at least every earlier line's row,
 * and below every earlier line of its own column; one column alone is one line a row. */
static void test_monotone(void **state)
{
	(void)state;
	static const uint8_t col[] = { 1, 1, 0, 1, 0, 0, 1 };
	static const uint32_t run[] = { 3, 3, 3, 3, 3, 3, 3 };
	size_t row[7];
	size_t rows = columns_place(col, run, 7, row);
	for (size_t i = 1; i < 7; i++)
		for (size_t k = 0; k < i; k++)
			assert_true(col[i] == col[k] ? row[i] > row[k] : row[i] >= row[k]);
	assert_int_equal(rows, row[6] + 1);
	static const uint8_t left[] = { 0, 0, 0 };
	assert_int_equal(columns_place(left, run, 3, row), 3);
	assert_int_equal(row[2], 2);
	assert_int_equal(columns_place(left, run, 0, row), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_runs),
		cmocka_unit_test(test_monotone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
