/* test_render: the JSON writer and the reports' text and JSON (every report kind). */
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

#include "core/cmd.h"
#include "core/json.h"
#include "core/render.h"
#include "core/session.h"

static void test_json_nesting_and_commas(void **state)
{
	(void)state;
	struct json j = { 0 };
	json_open(&j, NULL);
	json_int(&j, "a", -3);
	json_open_array(&j, "b");
	json_uint(&j, NULL, 1);
	json_open(&j, NULL);
	json_bool(&j, "t", true);
	json_null(&j, "n");
	json_close(&j);
	json_open_array(&j, NULL);
	json_close_array(&j);
	json_close_array(&j);
	json_cstr(&j, "s", NULL);
	json_close(&j);
	size_t len;
	char *s = json_take(&j, &len);
	assert_non_null(s);
	assert_string_equal(s, "{\"a\":-3,\"b\":[1,{\"t\":true,\"n\":null},[]],\"s\":null}");
	assert_int_equal(len, strlen(s));
	free(s);
}

static void test_json_strings_escaped(void **state)
{
	(void)state;
	struct json j = { 0 };
	json_open(&j, NULL);
	/* Quote, backslash, newline, ESC, C1 (U+009B as 0xc2 0x9b), DEL, and UTF-8 kept. */
	json_cstr(&j, "k", "q\"b\\n\n\x1b[2J\xc2\x9b\x7f\xc3\xa9");
	json_close(&j);
	char *s = json_take(&j, NULL);
	assert_string_equal(s, "{\"k\":\"q\\\"b\\\\n\\n\\u001b[2J\\u009b\\u007f\xc3\xa9\"}");
	free(s);
}

static void test_json_invalid_utf8_keeps_every_byte(void **state)
{
	(void)state;
	struct json j = { 0 };
	json_open(&j, NULL);
	json_str(&j, "data", "a\xff\0b", 4);
	json_close(&j);
	char *s = json_take(&j, NULL);
	assert_string_equal(s, "{\"data\":\"a\\ufffd\\u0000b\",\"data_hex\":\"61ff0062\"}");
	free(s);
}

static void test_json_take_empty(void **state)
{
	(void)state;
	struct json j = { 0 };
	size_t len = 9;
	char *s = json_take(&j, &len);
	assert_non_null(s);
	assert_string_equal(s, "");
	assert_int_equal(len, 0);
	free(s);
}

struct lines {
	char text[64][256];
	unsigned flags[64];
	size_t n;
};

static void collect(void *ctx, const struct render_line *l)
{
	struct lines *ls = ctx;
	if (ls->n == 64)
		return;
	snprintf(ls->text[ls->n], sizeof(ls->text[0]), "%.*s", (int)l->len, l->text);
	ls->flags[ls->n++] = l->flags;
}

static const struct cmd_entry fake_a = { .name = "alpha", .usage = "PATH", .help = "does a" };
static const struct cmd_entry fake_b = { .name = "beta go", .usage = "", .help = "does \"b\"" };

static void test_help_text(void **state)
{
	(void)state;
	const struct cmd_entry *const e[] = { &fake_a, &fake_b };
	struct help_report h = { .topic = NULL, .entries = e, .n = 2 };
	struct report r = { .kind = REPORT_HELP, .help = &h };
	struct lines ls = { 0 };
	render_text(&r, collect, &ls);
	assert_int_equal(ls.n, 3);
	assert_true(ls.flags[0] & RENDER_HEADING);
	assert_string_equal(ls.text[1], "  alpha PATH                                       does a");
	assert_string_equal(ls.text[2], "  beta go                                          does \"b\"");
	/* A topic: no heading, just its entries. */
	h.topic = "beta";
	h.entries = e + 1;
	h.n = 1;
	memset(&ls, 0, sizeof(ls));
	render_text(&r, collect, &ls);
	assert_int_equal(ls.n, 1);
	assert_int_equal(ls.flags[0], 0);
}

static void test_help_json(void **state)
{
	(void)state;
	const struct cmd_entry *const e[] = { &fake_b };
	struct help_report h = { .topic = "beta", .entries = e, .n = 1 };
	struct report r = { .kind = REPORT_HELP, .help = &h };
	char *s = render_json(&r, NULL);
	assert_string_equal(s, "{\"report\":\"help\",\"topic\":\"beta\",\"commands\":[{\"name\":"
			    "\"beta go\",\"usage\":\"beta go\",\"help\":\"does \\\"b\\\"\"}]}");
	free(s);
}

static void test_sessions_text_and_json(void **state)
{
	(void)state;
	struct session_info rows[2] = {
		{ .id = 1, .kind = SESSION_SERVER, .kind_name = "server", .path = "./s",
		  .state = "listening", .clients = 1, .has_stats = true,
		  .st = { .bytes_in = 41, .chunks_in = 3, .bytes_out = 41, .chunks_out = 3 } },
		{ .id = 4, .kind = SESSION_PAIR, .kind_name = "pair", .state = "finished",
		  .finished = true, .status = 32 },
	};
	struct sessions_report sr = { .rows = rows, .n = 2 };
	struct report r = { .kind = REPORT_SESSIONS, .sessions = &sr };
	struct lines ls = { 0 };
	render_text(&r, collect, &ls);
	assert_int_equal(ls.n, 2);
	assert_string_equal(ls.text[0], "#1 server stream ./s listening, 1 client; in 41 bytes/3 "
			    "chunks, out 41 bytes/3 chunks");
	assert_string_equal(ls.text[1], "#4 pair finished");
	char *s = render_json(&r, NULL);
	assert_string_equal(s, "{\"report\":\"sessions\",\"sessions\":[{\"id\":1,\"kind\":"
			    "\"server\",\"type\":\"stream\",\"path\":\"./s\",\"state\":"
			    "\"listening\",\"finished\":false,\"status\":0,\"clients\":1,"
			    "\"bytes_in\":41,\"chunks_in\":3,\"bytes_out\":41,\"chunks_out\":3},"
			    "{\"id\":4,\"kind\":\"pair\",\"type\":null,\"path\":null,"
			    "\"state\":\"finished\",\"finished\":true,\"status\":32}]}");
	free(s);
	/* None: one line that says what starts one. */
	sr.n = 0;
	memset(&ls, 0, sizeof(ls));
	render_text(&r, collect, &ls);
	assert_int_equal(ls.n, 1);
	assert_non_null(strstr(ls.text[0], "no sessions"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_nesting_and_commas),
		cmocka_unit_test(test_json_strings_escaped),
		cmocka_unit_test(test_json_invalid_utf8_keeps_every_byte),
		cmocka_unit_test(test_json_take_empty),
		cmocka_unit_test(test_help_text),
		cmocka_unit_test(test_help_json),
		cmocka_unit_test(test_sessions_text_and_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
