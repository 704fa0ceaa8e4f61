/* test_json: the one escaping rule at its edges: each control range's first and last
 * character is escaped (C0 U+0000..U+001F, DEL, C1 U+0080..U+009F), and the characters just
 * outside them pass as they are. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/base/json.h"

/* The escaped form of the LEN bytes at P (one character), as a C string. */
static const char *escaped(const char *p, size_t len)
{
	static char out[8];
	size_t n = json_escape_char((const unsigned char *)p, len, out);
	assert_true(n <= 6);
	out[n] = '\0';
	return out;
}

static void test_c1_range_ends(void **state)
{
	(void)state;
	assert_string_equal(escaped("\xc2\x80", 2), "\\u0080");  /* its first */
	assert_string_equal(escaped("\xc2\x9f", 2), "\\u009f");  /* its last */
	assert_string_equal(escaped("\xc2\x9b", 2), "\\u009b");  /* CSI, inside */
	assert_string_equal(escaped("\xc2\xa0", 2), "\xc2\xa0"); /* U+00A0: a character */
}

static void test_c0_and_del_ends(void **state)
{
	(void)state;
	assert_string_equal(escaped("\x00", 1), "\\u0000");
	assert_string_equal(escaped("\x1f", 1), "\\u001f");
	assert_string_equal(escaped(" ", 1), " ");
	assert_string_equal(escaped("~", 1), "~");
	assert_string_equal(escaped("\x7f", 1), "\\u007f");
}

static void put(void *ctx, const char *p, size_t len)
{
	strncat(ctx, p, len);
}

/* Through json_escape, the whole string: no raw C1 byte pair is left in it. */
static void test_string_keeps_no_c1(void **state)
{
	(void)state;
	char out[128] = "";
	assert_true(json_escape("a\xc2\x80"
				"b\xc2\x9f"
				"c\xc2\xa0",
				9, put, out));
	assert_string_equal(out, "a\\u0080b\\u009fc\xc2\xa0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_c1_range_ends),
		cmocka_unit_test(test_c0_and_del_ends),
		cmocka_unit_test(test_string_keeps_no_c1),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
