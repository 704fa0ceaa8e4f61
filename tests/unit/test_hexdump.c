/* test_hexdump: 16 bytes a row, offsets, two hex groups, the text column, short rows. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ui/draw/hexdump.h"

static const char msg[] = "This is the message. It will be repeated.";

static void test_rows(void **state)
{
	char row[HEXDUMP_ROW_MAX];
	size_t n = sizeof(msg) - 1;
	assert_int_equal(hexdump_rows(n), 3);
	assert_int_equal(hexdump_row((const uint8_t *)msg, n, 0, row, sizeof(row)), 78);
	assert_string_equal(row, "00000000  54 68 69 73 20 69 73 20  74 68 65 20 6d 65 73 73  "
				 "|This is the mess|");
	hexdump_row((const uint8_t *)msg, n, 1, row, sizeof(row));
	assert_string_equal(row, "00000010  61 67 65 2e 20 49 74 20  77 69 6c 6c 20 62 65 20  "
				 "|age. It will be |");
	/* The short last row keeps the text column where the full rows have it. */
	hexdump_row((const uint8_t *)msg, n, 2, row, sizeof(row));
	assert_string_equal(row, "00000020  72 65 70 65 61 74 65 64  2e                       "
				 "|repeated.|");
	assert_int_equal(hexdump_row((const uint8_t *)msg, n, 3, row, sizeof(row)), 0);
}

static void test_controls_as_dots(void **state)
{
	char row[HEXDUMP_ROW_MAX];
	const uint8_t b[] = { 0x1b, ']', '0', 0x07, 0x9b, 0xff, 0x00, '~', 0x7f };
	hexdump_row(b, sizeof(b), 0, row, sizeof(row));
	assert_string_equal(row, "00000000  1b 5d 30 07 9b ff 00 7e  7f                       "
				 "|.]0....~.|");
	for (size_t i = 0; row[i]; i++)
		assert_true(row[i] >= 0x20 && row[i] <= 0x7e);
}

static void test_empty_and_small_buffer(void **state)
{
	char row[HEXDUMP_ROW_MAX];
	assert_int_equal(hexdump_rows(0), 1);
	assert_true(hexdump_row((const uint8_t *)"", 0, 0, row, sizeof(row)) > 0);
	assert_int_equal(hexdump_row((const uint8_t *)msg, 4, 0, row, 10), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_controls_as_dots),
		cmocka_unit_test(test_empty_and_small_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
