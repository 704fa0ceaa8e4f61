/* test_words: splitting command lines: quotes, escapes, and the errors they can raise. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/base/words.h"

static void split_ok(const char *line, struct words *w)
{
	char err[256] = "";
	int r = words_split(line, w, err, sizeof(err));
	if (r != 0)
		fail_msg("'%s' failed: %s", line, err);
}

static void test_plain(void **state)
{
	struct words w;
	split_ok("  server   start\t./uds_socket  ", &w);
	assert_int_equal(w.count, 3);
	assert_string_equal(w.v[0], "server");
	assert_string_equal(w.v[1], "start");
	assert_string_equal(w.v[2], "./uds_socket");
	words_free(&w);
	split_ok("", &w);
	assert_int_equal(w.count, 0);
	words_free(&w);
}

static void test_quotes_group(void **state)
{
	struct words w;
	split_ok("send \"hello world\" 'a b' x\"y z\"w", &w);
	assert_int_equal(w.count, 4);
	assert_string_equal(w.v[1], "hello world");
	assert_string_equal(w.v[2], "a b");
	assert_string_equal(w.v[3], "xy zw");
	words_free(&w);
	split_ok("send \"\"", &w);
	assert_int_equal(w.count, 2);
	assert_int_equal(w.len[1], 0);
	words_free(&w);
}

static void test_double_quote_escapes(void **state)
{
	struct words w;
	split_ok("send \"a\\nb\\tc\\\\d\\\"e\\x41\\x00z\"", &w);
	assert_int_equal(w.count, 2);
	assert_int_equal(w.len[1], 12);
	assert_memory_equal(w.v[1], "a\nb\tc\\d\"eA\0z", 12);
	words_free(&w);
}

static void test_single_quotes_are_literal(void **state)
{
	struct words w;
	split_ok("send 'a\\nb'", &w);
	assert_string_equal(w.v[1], "a\\nb");
	words_free(&w);
}

static void test_backslash_outside_quotes(void **state)
{
	struct words w;
	split_ok("a\\ b c", &w);
	assert_int_equal(w.count, 2);
	assert_string_equal(w.v[0], "a b");
	words_free(&w);
}

static void expect_error(const char *line, const char *needle)
{
	struct words w;
	char err[256] = "";
	assert_int_equal(words_split(line, &w, err, sizeof(err)), -1);
	assert_int_equal(w.count, 0);
	assert_null(w.v);
	if (!strstr(err, needle))
		fail_msg("'%s': error '%s' lacks '%s'", line, err, needle);
}

static void test_errors(void **state)
{
	expect_error("send \"abc", "unterminated double quote");
	expect_error("send 'abc", "unterminated single quote");
	expect_error("send \"\\x\"", "\\x needs two hex digits");
	expect_error("send \"\\x4\"", "\\x needs two hex digits");
	expect_error("send \"\\q\"", "unknown escape \\q");
	expect_error("send abc\\", "backslash at the end");
	expect_error("send \"abc\\", "unterminated double quote");
}

/* For completion: the line may end inside the word being typed. */
static void test_split_open(void **state)
{
	static const struct {
		const char *line;
		int count;
		const char *last;     /* the last word, NULL when none */
		size_t last_start;
	} t[] = {
		{ "", 0, NULL, 0 },
		{ "   ", 0, NULL, 3 },
		{ "server st", 2, "st", 7 },
		{ "server ", 1, "server", 7 },
		{ "send \"a b", 2, "a b", 5 },
		{ "send 'a b", 2, "a b", 5 },
		{ "send \"a\\", 2, "a", 5 },
		{ "send \"a\\x4", 2, "a", 5 },
		{ "send \"a\\x", 2, "a", 5 },
		{ "send a\\", 2, "a", 5 },
		{ "send a\\ b", 2, "a b", 5 },
		{ "send \"x\\ty\" z", 3, "z", 12 },
		{ "send \"\"", 2, "", 5 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct words w;
		char err[256] = "";
		size_t start = 99;
		if (words_split_open(t[i].line, &w, &start, err, sizeof(err)) != 0)
			fail_msg("'%s' failed: %s", t[i].line, err);
		if (w.count != t[i].count || start != t[i].last_start ||
		    (t[i].last && strcmp(w.v[w.count - 1], t[i].last) != 0))
			fail_msg("'%s': %d words, last starts at %zu", t[i].line, w.count, start);
		words_free(&w);
	}
	/* What is wrong before the end is still wrong. */
	struct words w;
	char err[256] = "";
	assert_int_equal(words_split_open("send \"\\q\" x", &w, NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown escape"));
	/* And the strict split still refuses what the open one accepts. */
	expect_error("send \"a\\x4", "needs two hex digits");
}

static void test_show_escapes_and_cuts(void **state)
{
	char out[64];
	assert_string_equal(words_show("a\nb\x1b", 4, 32, out, sizeof(out)), "a\\x0ab\\x1b");
	assert_string_equal(words_show("abcdef", 6, 3, out, sizeof(out)), "abc...");
	assert_string_equal(words_show("plain", 5, 32, out, sizeof(out)), "plain");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_quotes_group),
		cmocka_unit_test(test_double_quote_escapes),
		cmocka_unit_test(test_single_quotes_are_literal),
		cmocka_unit_test(test_backslash_outside_quotes),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_show_escapes_and_cuts),
		cmocka_unit_test(test_split_open),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
