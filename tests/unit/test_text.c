/* test_text: what reaches the screen: escapes for every control byte, widths of UTF-8. */
#include "config.h"

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../skip.h"

#include "ui/draw/text.h"

static char out[512];

static const char *san(const char *s, size_t len, bool utf8)
{
	text_sanitize(s, len, utf8, out, sizeof(out));
	return out;
}

static void test_controls_escaped(void **state)
{
	static const char hostile[] = "\x1b]0;pwned\x07\x1b[2J\x9b\r\x00\xff\n\t\x7f";
	assert_string_equal(san(hostile, sizeof(hostile) - 1, true),
			    "\\x1b]0;pwned\\x07\\x1b[2J\\x9b\\x0d\\x00\\xff\\x0a\\x09\\x7f");
	assert_string_equal(san(hostile, sizeof(hostile) - 1, false),
			    "\\x1b]0;pwned\\x07\\x1b[2J\\x9b\\x0d\\x00\\xff\\x0a\\x09\\x7f");
	/* Printable ASCII and backslashes pass: b'\x1b' from bytes_repr stays as it is. */
	assert_string_equal(san("b'\\x1b' ~", 9, true), "b'\\x1b' ~");
}

static void test_every_output_byte_is_safe(void **state)
{
	char in[256];
	for (int i = 0; i < 256; i++)
		in[i] = (char)i;
	size_t n = text_sanitize(in, sizeof(in), false, out, sizeof(out));
	assert_int_equal(n, strlen(out));
	for (size_t i = 0; i < n; i++)
		assert_true(out[i] >= 0x20 && out[i] <= 0x7e);
}

static void test_utf8(void **state)
{
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		UD_SKIP("the C.UTF-8 locale is not installed (apt-get install locales)");
	/* é (2 bytes, 1 column) and 日 (3 bytes, 2 columns) pass when UTF-8 is on. */
	assert_string_equal(san("caf\xc3\xa9 \xe6\x97\xa5", 9, true), "caf\xc3\xa9 \xe6\x97\xa5");
	assert_string_equal(san("caf\xc3\xa9", 5, false), "caf\\xc3\\xa9");
	assert_int_equal(text_width("caf\xc3\xa9 \xe6\x97\xa5", 9), 7);
	/* C1 controls encoded as UTF-8 (U+009B CSI), overlongs, surrogates, stray bytes. */
	assert_string_equal(san("\xc2\x9b", 2, true), "\\xc2\\x9b");
	assert_string_equal(san("\xc0\xaf", 2, true), "\\xc0\\xaf");
	assert_string_equal(san("\xed\xa0\x80", 3, true), "\\xed\\xa0\\x80");
	assert_string_equal(san("\xe6\x97", 2, true), "\\xe6\\x97");
	/* A combining mark alone could glue onto the quote before it: escaped. */
	assert_string_equal(san("\xcc\x81", 2, true), "\\xcc\\x81");
	/* Fitting counts columns, never splits a character. */
	assert_int_equal(text_fit("\xe6\x97\xa5\xe6\x97\xa5", 6, 3), 3);
	assert_int_equal(text_fit("\xe6\x97\xa5\xe6\x97\xa5", 6, 4), 6);
	assert_int_equal(text_fit("abc", 3, 10), 3);
	setlocale(LC_CTYPE, "C");
}

static void test_cut_at_whole_escape(void **state)
{
	char small[7];
	size_t n = text_sanitize("ab\x01\x02", 4, false, small, sizeof(small));
	assert_int_equal(n, 6);
	assert_string_equal(small, "ab\\x01");
	n = text_sanitize("ab\x01\x02", 4, false, small, 6);
	assert_string_equal(small, "ab");
	assert_int_equal(n, 2);
}

/* The words of S that fit in COLS, as a string. */
static const char *words(const char *s, int cols)
{
	static char got[256];
	size_t n = text_words(s, strlen(s), cols);
	snprintf(got, sizeof(got), "%.*s", (int)n, s);
	return got;
}

/* Issue 26: a title is cut between words, never inside one, and no separator dangles. */
static void test_words_never_cut(void **state)
{
	(void)state;
	assert_string_equal(words("Client closed", 20), "Client closed");
	assert_string_equal(words("Client closed", 9), "Client");
	assert_string_equal(words("Report: inspect ./a.sock --as nobody", 33), "Report: inspect ./a.sock --as");
	assert_string_equal(words("got 16 B in 1 chunk, sent", 16), "got 16 B in");
	assert_string_equal(words("got 16 B in 1 chunk, sent", 19), "got 16 B in 1 chunk");
	assert_string_equal(words("Server ./a listening, 0 clients | Client", 23), "Server ./a listening");
	assert_string_equal(words("Server ./a listening | 0 clients", 24), "Server ./a listening");
	assert_string_equal(words("Enter inspects", 8), "Enter");
	assert_string_equal(words("Verylongword", 5), "");
	assert_string_equal(words("", 5), "");
	assert_string_equal(words("a b", 0), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_controls_escaped),
		cmocka_unit_test(test_every_output_byte_is_safe),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_cut_at_whole_escape),
		cmocka_unit_test(test_words_never_cut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
