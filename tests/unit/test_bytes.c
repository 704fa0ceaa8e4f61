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

/* The text column of a hex line: where it starts, for any length of line. */
#define HEX_TEXT_COL (16 * 3 + 2)

/* One line of 16 bytes: byte i of the line in hex at column 3*i, its text at HEX_TEXT_COL+i. */
static void check_hexline(const unsigned char *p, size_t len)
{
	char out[128];
	size_t w = bytes_hexline(p, len, out, sizeof(out));
	assert_int_equal(w, strlen(out));
	/* Same width whatever LEN is up to the text: hex, two separators, text, closing bar. */
	assert_int_equal(w, HEX_TEXT_COL + len + 1);
	assert_int_equal(out[HEX_TEXT_COL - 2], ' ');
	assert_int_equal(out[HEX_TEXT_COL - 1], '|');
	assert_int_equal(out[HEX_TEXT_COL + len], '|');
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < 16; i++) {
		if (i < len) {
			assert_int_equal(out[3 * i], hex[p[i] >> 4]);
			assert_int_equal(out[3 * i + 1], hex[p[i] & 15]);
		} else {
			assert_int_equal(out[3 * i], ' ');
			assert_int_equal(out[3 * i + 1], ' ');
		}
		assert_int_equal(out[3 * i + 2], ' ');
	}
	for (size_t i = 0; i < len; i++) {
		char want = (p[i] >= 0x20 && p[i] <= 0x7e) ? (char)p[i] : '.';
		if (out[HEX_TEXT_COL + i] != want) {
			print_message("# hexline text column: byte 0x%02x shown as 0x%02x, want '%c'\n",
				      p[i], (unsigned char)out[HEX_TEXT_COL + i], want);
			fail_msg("hexline text column: byte 0x%02x shown as 0x%02x, want '%c'", p[i],
				 (unsigned char)out[HEX_TEXT_COL + i], want);
		}
	}
	for (size_t i = 0; i < w; i++)
		assert_true(out[i] >= 0x20 && out[i] <= 0x7e);
}

static void test_hexline_every_byte(void **state)
{
	unsigned char all[256];
	for (int i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	/* Sixteen full lines, every byte value once. */
	for (size_t k = 0; k < 256; k += 16)
		check_hexline(all + k, 16);
	/* Every byte value alone, and every short length: the text column does not move. */
	for (size_t i = 0; i < 256; i++)
		check_hexline(all + i, 1);
	for (size_t len = 0; len <= 16; len++)
		check_hexline(all + 0x70, len);
	/* The edges spelled out: 0x1f, 0x20, 0x7e, 0x7f, 0x80, 0xff. */
	const unsigned char edges[] = { 0x1f, 0x20, 0x7e, 0x7f, 0x80, 0xff };
	char out[128];
	bytes_hexline(edges, sizeof(edges), out, sizeof(out));
	assert_string_equal(out, "1f 20 7e 7f 80 ff                                |. ~...|");
	/* More than 16 bytes: only the first 16 are shown. */
	bytes_hexline(all + 0x41, 20, out, sizeof(out));
	assert_non_null(strstr(out, "|ABCDEFGHIJKLMNOP|"));
	assert_null(strstr(out, "QRST"));
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
		cmocka_unit_test(test_hexline_every_byte),
		cmocka_unit_test(test_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
