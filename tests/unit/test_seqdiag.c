/* test_seqdiag: two lifelines at fixed columns on every line, arrows both ways with their
 * labels, notes on either side wrapped at spaces, times since the first item, any width. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/render/render.h"
#include "core/teach/seqdiag.h"

struct lines {
	char text[64][600];
	size_t n;
};

static void collect(void *ctx, const struct render_line *l)
{
	struct lines *ls = ctx;
	if (ls->n < 64)
		snprintf(ls->text[ls->n++], sizeof(ls->text[0]), "%.*s", (int)l->len, l->text);
}

static void pair_demo(struct seqdiag *d)
{
	assert_int_equal(seqdiag_init(d, "parent 4242", "child 4243"), 0);
	uint64_t t = 5000000000u;
	assert_int_equal(seqdiag_add(d, SEQ_NOTE, SEQ_LEFT, t,
				     "socketpair(AF_UNIX, SOCK_STREAM): fd 3 and fd 4"), 0);
	assert_int_equal(seqdiag_add(d, SEQ_NOTE, SEQ_LEFT, t + 40000, "fork: child 4243"), 0);
	assert_int_equal(seqdiag_add(d, SEQ_NOTE, SEQ_RIGHT, t + 90000, "keeps fd 4"), 0);
	assert_int_equal(seqdiag_add(d, SEQ_ARROW, SEQ_LEFT, t + 120000, "4 B b'ping'"), 0);
	assert_int_equal(seqdiag_add(d, SEQ_ARROW, SEQ_RIGHT, t + 2500000, "4 B b'pong'"), 0);
	assert_int_equal(seqdiag_add(d, SEQ_NOTE, SEQ_RIGHT, t + 1500000000u, "exit 0"), 0);
}

/* Column C of LINE, or ' ' past its end. */
static char at(const char *line, size_t c)
{
	return c < strlen(line) ? line[c] : ' ';
}

static void test_pair_at_80(void **state)
{
	(void)state;
	struct seqdiag d;
	pair_demo(&d);
	struct lines ls = { 0 };
	render_diagram_lines(&d, 80, collect, &ls);
	for (size_t i = 0; i < ls.n; i++)
		print_message("# %s\n", ls.text[i]);
	/* Heading, then lifelines at 11 and 52 on every line. */
	assert_string_equal(ls.text[0], "           parent 4242                              child 4243");
	for (size_t i = 1; i < ls.n; i++) {
		assert_true(strlen(ls.text[i]) <= 80);
		assert_int_equal(at(ls.text[i], 11), '|');
		assert_int_equal(at(ls.text[i], 52), '|');
	}
	/* The note wraps at a space, and carries the time on its first line. */
	assert_string_equal(ls.text[2], "+0us       | socketpair(AF_UNIX, SOCK_STREAM): fd 3 |");
	assert_string_equal(ls.text[3], "           | and fd 4                               |");
	assert_string_equal(ls.text[5], "+90us      |                                        | keeps fd 4");
	/* ping: label over an arrow to the right; pong: the other way. */
	assert_non_null(strstr(ls.text[6], "4 B b'ping'"));
	assert_string_equal(ls.text[7], "+120us     |--------------------------------------->|");
	assert_non_null(strstr(ls.text[8], "4 B b'pong'"));
	assert_string_equal(ls.text[9], "+2.500ms   |<---------------------------------------|");
	assert_string_equal(ls.text[10], "+1.500s    |                                        | exit 0");
	assert_int_equal(ls.n, 11);
	seqdiag_free(&d);
}

static void test_narrow_and_wide(void **state)
{
	(void)state;
	struct seqdiag d;
	pair_demo(&d);
	/* Narrower than the minimum: laid out at the minimum. */
	struct lines ls = { 0 };
	render_diagram_lines(&d, 10, collect, &ls);
	for (size_t i = 0; i < ls.n; i++)
		assert_true(strlen(ls.text[i]) <= SEQDIAG_MIN_WIDTH);
	/* Every word of every label is there, whole, when the room between the lifelines can
	 * hold it (a longer word is cut into lines: test_word_longer_than_room). */
	const char *words[] = { "socketpair(AF_UNIX,", "SOCK_STREAM):", "b'ping'", "b'pong'",
				"4243", "exit" };
	for (int w = 80; w <= 200; w += 40) {
		memset(&ls, 0, sizeof(ls));
		render_diagram_lines(&d, w, collect, &ls);
		for (size_t k = 0; k < sizeof(words) / sizeof(*words); k++) {
			bool found = false;
			for (size_t i = 0; i < ls.n && !found; i++)
				found = strstr(ls.text[i], words[k]) != NULL;
			assert_true(found);
		}
	}
	seqdiag_free(&d);
}

static void test_word_longer_than_room(void **state)
{
	(void)state;
	struct seqdiag d;
	assert_int_equal(seqdiag_init(&d, "a", "b"), 0);
	char big[200];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(seqdiag_add(&d, SEQ_ARROW, SEQ_LEFT, 0, big), 0);
	struct lines ls = { 0 };
	render_diagram_lines(&d, 60, collect, &ls);
	size_t xs = 0;
	for (size_t i = 0; i < ls.n; i++)
		for (const char *p = ls.text[i]; *p; p++)
			xs += *p == 'x';
	assert_int_equal(xs, sizeof(big) - 1);   /* cut into lines, nothing lost */
	seqdiag_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pair_at_80),
		cmocka_unit_test(test_narrow_and_wide),
		cmocka_unit_test(test_word_longer_than_room),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
