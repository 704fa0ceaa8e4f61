/* test_bytes: b'...' rendering against Python's repr() for every byte, hex and JSON views. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/bytes.h"
#include "repr_table.h"

static void test_every_byte_matches_python(void **state)
{
	for (int i = 0; i < 256; i++) {
		unsigned char c = (unsigned char)i;
		char out[16];
		size_t need = bytes_repr(&c, 1, out, sizeof(out));
		assert_string_equal(out, repr_table[i]);
		assert_int_equal(need, strlen(repr_table[i]));
	}
}

static void test_all_output_printable(void **state)
{
	unsigned char all[256];
	for (int i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	char out[BYTES_REPR_SIZE(256)];
	size_t need = bytes_repr(all, sizeof(all), out, sizeof(out));
	assert_int_equal(need, strlen(out));
	for (size_t i = 0; out[i]; i++)
		assert_true(out[i] >= 0x20 && out[i] <= 0x7e);
}

static void test_walkthrough_chunk(void **state)
{
	char out[64];
	bytes_repr("This is the mess", 16, out, sizeof(out));
	assert_string_equal(out, "b'This is the mess'");
	bytes_repr("", 0, out, sizeof(out));
	assert_string_equal(out, "b''");
}

static void test_quote_choice(void **state)
{
	char out[64];
	/* Python: double quotes only when there is a ' and no ". */
	bytes_repr("it's", 4, out, sizeof(out));
	assert_string_equal(out, "b\"it's\"");
	bytes_repr("say \"hi\"", 8, out, sizeof(out));
	assert_string_equal(out, "b'say \"hi\"'");
	bytes_repr("'\"", 2, out, sizeof(out));
	assert_string_equal(out, "b'\\'\"'");
	bytes_repr("a\\b", 3, out, sizeof(out));
	assert_string_equal(out, "b'a\\\\b'");
}

static void test_terminal_escapes(void **state)
{
	const char osc[] = "\x1b]0;title\x07\x1b[2J\x9b\r";
	char out[128];
	bytes_repr(osc, sizeof(osc) - 1, out, sizeof(out));
	assert_string_equal(out, "b'\\x1b]0;title\\x07\\x1b[2J\\x9b\\r'");
}

static void test_truncation_keeps_escapes_whole(void **state)
{
	const unsigned char data[] = { 'a', 0x1b, 'b' };
	char out[8];
	size_t need = bytes_repr(data, sizeof(data), out, sizeof(out));
	assert_int_equal(need, strlen("b'a\\x1bb'"));
	/* "b'a" + "\x1b" would not leave room for the quote and NUL: it is left out whole. */
	assert_string_equal(out, "b'a'");
	assert_null(strchr(out, 0x1b));
}

static void test_hexline(void **state)
{
	char out[96];
	bytes_hexline("AB\n", 3, out, sizeof(out));
	assert_true(strncmp(out, "41 42 0a ", 9) == 0);
	assert_non_null(strstr(out, "|AB.|"));
}

static void test_json(void **state)
{
	const unsigned char data[] = { 'a', '"', '\\', '\n', 0x00, 0xff };
	char out[64];
	bytes_json(data, sizeof(data), out, sizeof(out));
	assert_string_equal(out, "a\\\"\\\\\\n\\u0000\\u00ff");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_byte_matches_python),
		cmocka_unit_test(test_all_output_printable),
		cmocka_unit_test(test_walkthrough_chunk),
		cmocka_unit_test(test_quote_choice),
		cmocka_unit_test(test_terminal_escapes),
		cmocka_unit_test(test_truncation_keeps_escapes_whole),
		cmocka_unit_test(test_hexline),
		cmocka_unit_test(test_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
