/* test_wrap: rows break at word boundaries, long words are cut, the hanging indent; doc search. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ui/draw/doc.h"
#include "ui/draw/text.h"

/* Wrap S at COLS (rows after the first INDENT narrower) into "row|row|row". */
static const char *wrap_all(const char *s, int cols, int indent)
{
	static char out[512];
	size_t len = strlen(s), off = 0, o = 0;
	int row = 0;
	indent = text_wrap_indent(cols, indent);
	do {
		size_t next;
		size_t n = text_wrap(s + off, len - off, row ? cols - indent : cols, &next);
		if (row)
			out[o++] = '|';
		memcpy(out + o, s + off, n);
		o += n;
		off += next;
		row++;
	} while (off < len);
	out[o] = '\0';
	return out;
}

static void test_breaks_at_spaces(void **state)
{
	assert_string_equal(wrap_all("connect, send MESSAGE, receive the echo", 20, 0),
			    "connect, send|MESSAGE, receive the|echo");
	/* A space exactly where the row ends: the row is full, the next starts after it. */
	assert_string_equal(wrap_all("aaaa bbbb", 4, 0), "aaaa|bbbb");
	assert_string_equal(wrap_all("aaaa    bbbb", 6, 0), "aaaa|bbbb");
	/* Fits: one row, as it is (trailing spaces too). */
	assert_string_equal(wrap_all("short", 20, 0), "short");
	assert_int_equal(text_wrap_rows("short", 5, 20, 0), 1);
	assert_int_equal(text_wrap_rows("", 0, 20, 0), 1);
}

static void test_long_word_cut(void **state)
{
	assert_string_equal(wrap_all("abcdefghijkl", 5, 0), "abcde|fghij|kl");
	assert_string_equal(wrap_all("ab socketpair(AF_UNIX,SOCK_STREAM)", 10, 0),
			    "ab|socketpair|(AF_UNIX,S|OCK_STREAM|)");
}

static void test_no_row_ends_mid_word(void **state)
{
	const char *s = "received 16 bytes b'This is the mess' from the peer at the other end";
	for (int cols = 8; cols < 70; cols++) {
		size_t len = strlen(s), off = 0;
		while (off < len) {
			size_t next, n = text_wrap(s + off, len - off, cols, &next);
			assert_true(n > 0);
			/* Either the last row, or the row stops before a space. */
			if (off + next < len) {
				assert_true(s[off + n] == ' ' || n == (size_t)cols);
				assert_true(n <= (size_t)cols);
			}
			off += next;
		}
	}
}

static void test_hanging_indent(void **state)
{
	/* "   0.911 #1  <- " is 16 columns: the next rows start under the text column. */
	const char *s = "head: one two three four five six seven";
	assert_string_equal(wrap_all(s, 20, 6), "head: one two three|four five six|seven");
	assert_int_equal(text_wrap_rows(s, strlen(s), 20, 6), 3);
	/* An indent that leaves fewer than 8 columns is dropped. */
	assert_int_equal(text_wrap_indent(12, 6), 0);
	assert_int_equal(text_wrap_indent(20, 6), 6);
}

static void test_wide_char_alone(void **state)
{
	size_t next;
	/* A two-column character in a one-column row: a row of its own, never stuck. */
	assert_int_equal(text_wrap("\xe6\x97\xa5x", 4, 1, &next), 3);
	assert_int_equal(next, 3);
}

static void test_clip(void **state)
{
	(void)state;
	char out[64];
	/* Fits: whole, no ellipsis. */
	assert_int_equal(text_clip("short line", 10, 10, true, false, out, sizeof(out)), 10);
	assert_string_equal(out, "short line");
	/* Too long: cut at a word near the end, the ellipsis last, within the columns. */
	const char *m = "Tab completes it, or moves the focus on an empty line";
	text_clip(m, strlen(m), 30, false, false, out, sizeof(out));
	assert_string_equal(out, "Tab completes it, or moves...");
	assert_true(text_width(out, strlen(out)) <= 30);
	text_clip(m, strlen(m), 30, true, false, out, sizeof(out));
	assert_string_equal(out, "Tab completes it, or moves\u2026");
	/* A long word: cut inside it rather than leave a third of the row empty. */
	text_clip("bind /a/very/long/path/to/a/socket", 34, 20, false, false, out, sizeof(out));
	assert_string_equal(out, "bind /a/very/long...");
	/* KEEP_END (errors): the start, the ellipsis for the middle, the errno text. */
	const char *e = "bind /a/very/long/path/to/a/socket/node.sock: No such file (ENOENT)";
	text_clip(e, strlen(e), 40, false, true, out, sizeof(out));
	assert_string_equal(out, "bind /a/very...No such file (ENOENT)");
	assert_true(text_width(out, strlen(out)) <= 40);
	/* No room for an ellipsis: what fits. */
	text_clip("abcdef", 6, 2, false, false, out, sizeof(out));
	assert_string_equal(out, "ab");
}

static void test_doc_find(void **state)
{
	struct doc d;
	doc_init(&d, 0);
	assert_int_equal(doc_add(&d, "server start PATH", 17, true, DOC_PLAIN, 0, 0), 0);
	assert_non_null(doc_addf(&d, true, DOC_PLAIN, "client PATH [MESSAGE]"));
	assert_non_null(doc_addf(&d, true, DOC_PLAIN, "Server stop"));
	assert_int_equal(doc_find(&d, "server", 0, 1), 2);    /* ignoring case, after FROM */
	assert_int_equal(doc_find(&d, "server", 2, 1), 0);    /* wraps around */
	assert_int_equal(doc_find(&d, "server", 0, -1), 2);   /* upwards, wrapping */
	assert_int_equal(doc_find(&d, "nothing", 0, 1), -1);
	assert_int_equal(doc_match("abcABC", 6, "cab"), 2);
	/* Control bytes are escaped on the way in; a mark over changed bytes is dropped. */
	assert_int_equal(doc_add(&d, "\x1b[2J", 4, true, DOC_PLAIN, 0, 2), 0);
	assert_string_equal(d.line[3].text, "\\x1b[2J");
	assert_int_equal(d.line[3].mark_len, 0);
	assert_int_equal(doc_add(&d, "mode 0750", 9, true, DOC_PLAIN, 5, 4), 0);
	assert_int_equal(d.line[4].mark_off, 5);
	assert_int_equal(d.line[4].mark_len, 4);
	doc_free(&d);
}

static void test_doc_cap(void **state)
{
	struct doc d;
	doc_init(&d, 3);
	for (int i = 0; i < 5; i++)
		assert_non_null(doc_addf(&d, false, DOC_PLAIN, "line %d", i));
	assert_int_equal(d.n, 3);
	assert_int_equal(d.dropped, 2);
	assert_string_equal(d.line[0].text, "line 2");
	assert_string_equal(d.line[2].text, "line 4");
	doc_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_breaks_at_spaces),
		cmocka_unit_test(test_long_word_cut),
		cmocka_unit_test(test_no_row_ends_mid_word),
		cmocka_unit_test(test_hanging_indent),
		cmocka_unit_test(test_wide_char_alone),
		cmocka_unit_test(test_clip),
		cmocka_unit_test(test_doc_find),
		cmocka_unit_test(test_doc_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
