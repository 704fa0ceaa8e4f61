/* test_bytes: b'...' rendering against Python's repr() for every byte, hex lines, and the one escaper under every flag. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/base/bytes.h"
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

/* The one escaper under each caller's flags: what put_safe, words_show, inspect_show and
 * text_sanitize rely on. */
static void test_escape_flags(void **state)
{
	static const struct {
		const char *in;
		size_t len;
		unsigned flags;
		size_t outsz;
		const char *want;
	} t[] = {
		/* plain: backslash and quotes pass, controls (\n too) are \xNN */
		{ "a\\'\"\n\x1b\x7f\xff", 8, 0, 64, "a\\'\"\\x0a\\x1b\\x7f\\xff" },
		{ "", 0, 0, 64, "" },
		/* cut at a whole escape, always a NUL */
		{ "ab\x01\x02", 4, 0, 7, "ab\\x01" },
		{ "ab\x01\x02", 4, 0, 6, "ab" },
		{ "abc", 3, 0, 1, "" },
		/* MORE: "..." when it fits, even after a cut escape */
		{ "abc", 3, BYTES_ESC_MORE, 64, "abc..." },
		{ "\x01\x01", 2, BYTES_ESC_MORE, 8, "\\x01..." },
		{ "abc", 3, BYTES_ESC_MORE, 6, "abc" },
		/* REPR_IF_NEEDED: as they are, or a b'...' literal */
		{ "./uds_socket", 12, BYTES_ESC_REPR_IF_NEEDED, 64, "./uds_socket" },
		{ "a\\b", 3, BYTES_ESC_REPR_IF_NEEDED, 64, "a\\b" },
		{ "it's\n", 5, BYTES_ESC_REPR_IF_NEEDED, 64, "b\"it's\\n\"" },
		{ "abcdef", 6, BYTES_ESC_REPR_IF_NEEDED, 4, "abc" },
		/* UTF8 off: every byte of a character escaped */
		{ "\xc3\xa9", 2, 0, 64, "\\xc3\\xa9" },
		/* UTF8 on, but never a C1 control, a stray or a truncated sequence */
		{ "\xc2\x9b", 2, BYTES_ESC_UTF8, 64, "\\xc2\\x9b" },
		{ "\xe6\x97", 2, BYTES_ESC_UTF8, 64, "\\xe6\\x97" },
		{ "\x80z", 2, BYTES_ESC_UTF8, 64, "\\x80z" },
	};
	char out[64];
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(out, 'X', sizeof(out));
		bytes_escape(t[i].in, t[i].len, t[i].flags, out, t[i].outsz);
		if (strcmp(out, t[i].want) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, out, t[i].want);
	}
	/* The return value is the whole rendering's length, as snprintf's. */
	assert_int_equal(bytes_escape("ab\x01", 3, 0, out, 3), 6);
	assert_int_equal(bytes_escape("abcd", 4, BYTES_ESC_MORE, out, sizeof(out)), 7);
	assert_int_equal(bytes_escape("x", 1, 0, NULL, 0), 1);
}

static void test_utf8_decode(void **state)
{
	uint32_t cp = 0;
	assert_int_equal(bytes_utf8("A", 1, &cp), 1);
	assert_int_equal(cp, 'A');
	assert_int_equal(bytes_utf8("\xc3\xa9", 2, &cp), 2);
	assert_int_equal(cp, 0xe9);
	assert_int_equal(bytes_utf8("\xf0\x9f\x98\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x1f600);
	assert_int_equal(bytes_utf8("\xc0\xaf", 2, &cp), 0);      /* overlong */
	assert_int_equal(bytes_utf8("\xed\xa0\x80", 3, &cp), 0);  /* surrogate */
	assert_int_equal(bytes_utf8("\xf4\x90\x80\x80", 4, &cp), 0); /* past U+10FFFF */
	assert_int_equal(bytes_utf8("\xe6\x97", 2, &cp), 0);      /* cut short */
	assert_int_equal(bytes_utf8("", 0, &cp), 0);
	assert_int_equal(bytes_cp_width(0x9b), 0);
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
		cmocka_unit_test(test_escape_flags),
		cmocka_unit_test(test_utf8_decode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
