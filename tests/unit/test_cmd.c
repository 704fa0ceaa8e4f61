/* test_cmd: the command table: lookup, options, and one-line usage errors. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <sys/socket.h>

#include "core/cmd/cmd.h"
#include "core/base/socktype.h"

static void parse_ok(const char *line, struct cmd_args *a)
{
	char err[512] = "";
	int r = cmd_parse(line, a, err, sizeof(err));
	if (r != CMD_OK)
		fail_msg("'%s': %d %s", line, r, err);
}

static void parse_fails(const char *line, const char *needle)
{
	struct cmd_args a;
	char err[512] = "";
	assert_int_equal(cmd_parse(line, &a, err, sizeof(err)), CMD_FAIL);
	assert_null(a.entry);
	if (!strstr(err, needle))
		fail_msg("'%s': error '%s' lacks '%s'", line, err, needle);
	assert_null(strchr(err, '\n'));
}

static void test_server_start_options(void **state)
{
	struct cmd_args a;
	parse_ok("server start ./s --chunk 32 --backlog=4 --mode 0600", &a);
	assert_string_equal(a.entry->name, "server start");
	assert_int_equal(a.argc, 1);
	assert_string_equal(a.argv[0], "./s");
	assert_int_equal(cmd_num(&a, "chunk", 16), 32);
	assert_int_equal(cmd_num(&a, "backlog", 16), 4);
	assert_true(cmd_has(&a, "mode"));
	assert_int_equal(cmd_num(&a, "mode", 0), 0600);
	cmd_args_free(&a);
	parse_ok("server start @abs", &a);
	assert_false(cmd_has(&a, "chunk"));
	assert_int_equal(cmd_num(&a, "chunk", 16), 16);
	cmd_args_free(&a);
}

static void test_message_with_nul(void **state)
{
	struct cmd_args a;
	parse_ok("client ./s \"a\\x00b\"", &a);
	assert_int_equal(a.argc, 2);
	assert_int_equal(a.arglen[1], 3);
	assert_memory_equal(a.argv[1], "a\0b", 3);
	cmd_args_free(&a);
}

static void test_empty_and_comment(void **state)
{
	struct cmd_args a;
	char err[64];
	assert_int_equal(cmd_parse("   ", &a, err, sizeof(err)), CMD_EMPTY);
	cmd_args_free(&a);
	assert_int_equal(cmd_parse("# a comment", &a, err, sizeof(err)), CMD_EMPTY);
	cmd_args_free(&a);
}

static void test_usage_errors(void **state)
{
	parse_fails("server start", "server start: missing argument (usage: server start PATH");
	parse_fails("server start a b", "unexpected argument 'b'");
	parse_fails("server start a --chunk", "--chunk needs a value N");
	parse_fails("server start a --chunk x", "--chunk wants a number, not 'x'");
	parse_fails("server start a --chunk 0", "--chunk 0 is out of range (1 to 1048576)");
	parse_fails("server start a --chunk -5", "--chunk wants a number");
	parse_fails("server start a --mode 999", "--mode wants an octal number");
	parse_fails("server start a --mode 1777", "out of range");
	parse_fails("server start a --color", "unknown option --color");
	parse_fails("server start a --chunk 8 --chunk 9", "--chunk given twice");
	parse_fails("server", "server: expected server start|stop|status");
	parse_fails("server restart", "expected server start|stop|status");
	parse_fails("frobnicate", "unknown command 'frobnicate'");
	parse_fails("send \"abc", "unterminated double quote");
	parse_fails("send", "send: missing argument (usage: send MESSAGE [--id N] [--timeout S] "
		    "[--fd PATH]... [--creds])");
	parse_fails("send x --creds=1", "send: --creds takes no value");
	parse_fails("disconnect 1 2", "unexpected argument '2'");
	parse_fails("quit 1", "usage: quit");
	/* What the user typed is quoted back escaped, never raw. */
	parse_fails("'a\nb'", "unknown command 'a\\x0ab'");
	parse_fails("send x \"\\x1b[2J\"", "unexpected argument '\\x1b[2J'");
}

/* An option's value is a C string past parsing: a NUL in it is refused, as in a path, never
 * cut there ("nobody\0root" judged as "nobody"). */
static void test_option_value_nul(void **state)
{
	(void)state;
	struct cmd_args a;
	parse_fails("inspect /tmp --as \"nobody\\0root\"",
		    "inspect: --as 'nobody\\x00root': a value cannot hold a NUL byte");
	parse_fails("inspect /tmp --as=\"root\\x00\"", "'--as=root\\x00'");
	parse_fails("client ./s hi --type dgram --bind \"@a\\0b\"", "--bind '@a\\x00b'");
	parse_fails("server start ./s --chunk \"16\\0x\"", "--chunk '16\\x00x'");
	parse_ok("inspect /tmp --as \"nobody\"", &a);
	assert_string_equal(cmd_str(&a, "as", NULL), "nobody");
	cmd_args_free(&a);
}

static void test_dash_dash_ends_options(void **state)
{
	struct cmd_args a;
	parse_ok("send -- --chunk", &a);
	assert_string_equal(a.argv[0], "--chunk");
	cmd_args_free(&a);
}

static void test_table_complete(void **state)
{
	size_t n;
	const struct cmd_entry *const *t = cmd_table(&n);
	assert_true(n >= 9);
	for (size_t i = 0; i < n; i++) {
		assert_non_null(t[i]->name);
		assert_non_null(t[i]->usage);
		assert_non_null(t[i]->help);
		assert_non_null(t[i]->run);
		assert_true(t[i]->min_args <= t[i]->max_args);
		assert_ptr_equal(cmd_find(t[i]->name), t[i]);
	}
	const char *must[] = { "server start", "server stop", "server status", "client",
			       "connect", "send", "disconnect", "help", "quit" };
	for (size_t i = 0; i < sizeof(must) / sizeof(must[0]); i++)
		assert_non_null(cmd_find(must[i]));
	char syn[160];
	cmd_synopsis(cmd_find("server start"), syn, sizeof(syn));
	assert_string_equal(syn, "server start PATH [--type stream|seqpacket|dgram] [--chunk N] "
			    "[--backlog N] [--mode OCTAL]");
}

/* Every command in the table: too few, too many and wrong option values all give one line
 * that names the command and shows its usage. */
static void test_every_command_misused(void **state)
{
	size_t n;
	const struct cmd_entry *const *t = cmd_table(&n);
	for (size_t i = 0; i < n; i++) {
		const struct cmd_entry *e = t[i];
		char syn[CMD_SYNOPSIS_MAX], want[CMD_SYNOPSIS_MAX + 16], line[512];
		cmd_synopsis(e, syn, sizeof(syn));
		snprintf(want, sizeof(want), "(usage: %s)", syn);
		if (e->min_args > 0) {
			parse_fails(e->name, want);
			parse_fails(e->name, "missing argument");
		}
		int w = snprintf(line, sizeof(line), "%s", e->name);
		for (int a = 0; a <= e->max_args; a++)
			w += snprintf(line + w, sizeof(line) - (size_t)w, " extra%d", a);
		parse_fails(line, want);
		parse_fails(line, "unexpected argument");
		/* Arguments that satisfy min_args, then a bad value for each option. */
		w = snprintf(line, sizeof(line), "%s", e->name);
		for (int a = 0; a < e->min_args; a++)
			w += snprintf(line + w, sizeof(line) - (size_t)w, " arg%d", a);
		for (int o = 0; o < CMD_MAX_OPTS && e->opts[o].name; o++) {
			char bad[600];
			if (e->opts[o].type == CMD_OPT_FLAG) {
				snprintf(bad, sizeof(bad), "%s --%s=x", line, e->opts[o].name);
				parse_fails(bad, "takes no value");
				continue;
			}
			if (e->opts[o].type == CMD_OPT_WORD) {
				snprintf(bad, sizeof(bad), "%s --%s", line, e->opts[o].name);
				parse_fails(bad, "needs a value");
				continue;
			}
			snprintf(bad, sizeof(bad), "%s --%s 9x", line, e->opts[o].name);
			parse_fails(bad, want);
			snprintf(bad, sizeof(bad), "%s --%s", line, e->opts[o].name);
			parse_fails(bad, "needs a value");
		}
		char bad[600];
		snprintf(bad, sizeof(bad), "%s --no-such-option", line);
		parse_fails(bad, "unknown option --no-such-option");
	}
}

/* Control bytes and a huge word in a command: an error that stays one printable line. */
static void test_hostile_lines(void **state)
{
	static char big[300 * 1024];
	memset(big, 'A', sizeof(big) - 1);
	memcpy(big, "send ", 5);
	struct cmd_args a;
	char err[512];
	/* One 300 KiB word is a fine message for send. */
	assert_int_equal(cmd_parse(big, &a, err, sizeof(err)), CMD_OK);
	assert_int_equal(a.arglen[0], sizeof(big) - 1 - 5);
	cmd_args_free(&a);
	memcpy(big, "sendx", 5);
	assert_int_equal(cmd_parse(big, &a, err, sizeof(err)), CMD_FAIL);
	assert_true(strlen(err) < 200);
	assert_non_null(strstr(err, "..."));
	assert_int_equal(cmd_parse("\x01\x1b[2J\r", &a, err, sizeof(err)), CMD_FAIL);
	for (const char *p = err; *p; p++)
		assert_true(*p >= 0x20 && *p <= 0x7e);
}

/* One socket-type table: names, SOCK_* values and the --type choices agree. */
static void test_socktype_table(void **state)
{
	static const int types[] = { SOCK_STREAM, SOCK_SEQPACKET, SOCK_DGRAM };
	size_t i = 0;
	for (; socktype_names[i]; i++) {
		assert_true(i < 3);
		assert_int_equal(socktype_parse(socktype_names[i]), types[i]);
		assert_string_equal(socktype_name(types[i]), socktype_names[i]);
		assert_non_null(socktype_macro(types[i]));
	}
	assert_int_equal(i, 3);
	assert_string_equal(socktype_macro(SOCK_SEQPACKET), "SOCK_SEQPACKET");
	assert_null(socktype_name(SOCK_RAW));
	assert_null(socktype_macro(SOCK_RAW));
	assert_int_equal(socktype_parse("raw"), -1);
	assert_int_equal(socktype_parse("Stream"), -1);
	const struct cmd_entry *pair = cmd_find("pair");
	assert_non_null(pair);
	assert_ptr_equal(pair->opts[0].choices, socktype_names);
	struct cmd_args a;
	parse_ok("pair --type seqpacket", &a);
	assert_int_equal(socktype_parse(cmd_str(&a, "type", "stream")), SOCK_SEQPACKET);
	cmd_args_free(&a);
	parse_fails("pair --type raw", "one of stream, seqpacket, dgram");
}

/* What the parser expects at the cursor ('|' in the line; at the end when there is none). */
static void test_complete_context(void **state)
{
	enum { N = CMD_EXPECT_NOTHING, C = CMD_EXPECT_COMMAND, O = CMD_EXPECT_OPTION,
	       V = CMD_EXPECT_VALUE, A = CMD_EXPECT_ARG };
	static const struct {
		const char *line;
		int expect;
		const char *entry;   /* the command found, NULL for none */
		const char *detail;  /* C: group; V: option; A: "PATH", "WORD", "COMMAND", "USER" */
		int argno;
		size_t word_start, value_off;
	} t[] = {
		{ "", C, NULL, "", 0, 0, 0 },
		{ "  se", C, NULL, "", 0, 2, 0 },
		{ "server", C, NULL, "", 0, 0, 0 },
		{ "server ", C, NULL, "server", 0, 7, 0 },
		{ "server st", C, NULL, "server", 0, 7, 0 },
		{ "server start ", A, "server start", "PATH", 0, 13, 0 },
		{ "server start ./s", A, "server start", "PATH", 0, 13, 0 },
		{ "server start ./s ", N, "server start", NULL, 1, 17, 0 },
		{ "server start ./s --", O, "server start", NULL, 0, 17, 0 },
		{ "server start --chunk ", V, "server start", "chunk", 0, 21, 0 },
		{ "server start --chunk 3", V, "server start", "chunk", 0, 21, 0 },
		{ "server start --chunk 32 ", A, "server start", "PATH", 0, 24, 0 },
		{ "server start --chunk=32 ", A, "server start", "PATH", 0, 24, 0 },
		{ "server start --bogus ./s ", N, "server start", NULL, 1, 25, 0 },
		{ "server start -- --chunk", A, "server start", "PATH", 0, 16, 0 },
		{ "server start -- ./s --", N, "server start", NULL, 1, 20, 0 },
		{ "server nope ", N, NULL, NULL, 0, 12, 0 },
		{ "bogus ", N, NULL, NULL, 0, 6, 0 },
		{ "# server ", N, NULL, NULL, 0, 9, 0 },
		{ "pair --type ", V, "pair", "type", 0, 12, 0 },
		{ "pair --type s", V, "pair", "type", 0, 12, 0 },
		{ "pair --type=se", V, "pair", "type", 0, 5, 7 },
		{ "pair --nope=x", O, "pair", NULL, 0, 5, 0 },
		{ "pair ping ", A, "pair", "WORD", 1, 10, 0 },
		{ "pair --type dgram ping ", A, "pair", "WORD", 1, 23, 0 },
		{ "pair a b ", N, "pair", NULL, 2, 9, 0 },
		{ "client ./s \"hello wor", A, "client", "WORD", 1, 11, 0 },
		{ "client ./s 'it''s ", N, "client", NULL, 2, 18, 0 },
		{ "client \"./my s", A, "client", "PATH", 0, 7, 0 },
		{ "client ./s \"a\\x4", A, "client", "WORD", 1, 11, 0 },
		{ "client ./s \"a\\q\" ", N, NULL, NULL, 0, 0, 0 },
		{ "inspect --as ", V, "inspect", "as", 0, 13, 0 },
		{ "help ", C, "help", "", 0, 5, 0 },
		{ "help server ", C, "help", "server", 1, 12, 0 },
		{ "help server st", C, "help", "server", 1, 12, 0 },
		{ "help pair ", N, "help", NULL, 1, 10, 0 },
		{ "quit ", N, "quit", NULL, 0, 5, 0 },
		{ "quit -", O, "quit", NULL, 0, 5, 0 },
		/* The cursor in the middle: only what is before it counts. */
		{ "server st| ./s", C, NULL, "server", 0, 7, 0 },
		{ "pair --type |dgram", V, "pair", "type", 0, 12, 0 },
		{ "server start |--chunk 3", A, "server start", "PATH", 0, 13, 0 },
	};
	static const char *const kinds[] = { "PATH", "WORD", "COMMAND", "USER" };
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char line[128];
		snprintf(line, sizeof(line), "%s", t[i].line);
		char *bar = strchr(line, '|');
		size_t point = bar ? (size_t)(bar - line) : strlen(line);
		if (bar)
			memmove(bar, bar + 1, strlen(bar));
		struct cmd_context c;
		int x = (int)cmd_complete_context(line, point, &c);
		const char *detail = x == C ? c.group : x == V ? c.opt->name
				   : x == A ? kinds[c.arg] : NULL;
		bool ok = x == t[i].expect &&
			  (t[i].entry ? c.entry && strcmp(c.entry->name, t[i].entry) == 0 : !c.entry) &&
			  (t[i].detail ? detail && strcmp(detail, t[i].detail) == 0 : !detail) &&
			  c.argno == t[i].argno && c.word_start == t[i].word_start &&
			  c.value_off == t[i].value_off;
		if (!ok)
			fail_msg("'%s': expect %d entry %s detail %s argno %d start %zu off %zu",
				 t[i].line, x, c.entry ? c.entry->name : "-", detail ? detail : "-",
				 c.argno, c.word_start, c.value_off);
	}
}

/* Whether NAME is also the first word of longer names ("tap" and "tap stop"). */
static bool also_a_group(const struct cmd_entry *const *tab, size_t n, const char *name)
{
	size_t l = strlen(name);
	for (size_t i = 0; i < n; i++)
		if (strncmp(tab[i]->name, name, l) == 0 && tab[i]->name[l] == ' ')
			return true;
	return false;
}

/* The context and the parser agree: for every command and option in the table, a line
 * that ends where a value or argument goes expects the kind the table declares (a command
 * that is also a group offers its subcommands first). */
static void test_complete_context_follows_table(void **state)
{
	size_t n;
	const struct cmd_entry *const *tab = cmd_table(&n);
	for (size_t i = 0; i < n; i++) {
		const struct cmd_entry *e = tab[i];
		char line[160];
		struct cmd_context c;
		snprintf(line, sizeof(line), "%s ", e->name);
		int x = (int)cmd_complete_context(line, strlen(line), &c);
		if (e->max_args == 0) {
			assert_int_equal(x, CMD_EXPECT_NOTHING);
		} else if (e->args[0] == CMD_ARG_COMMAND || also_a_group(tab, n, e->name)) {
			assert_int_equal(x, CMD_EXPECT_COMMAND);
		} else {
			assert_int_equal(x, CMD_EXPECT_ARG);
			assert_int_equal(c.arg, e->args[0]);
		}
		assert_ptr_equal(c.entry, e);
		for (int k = 0; k < CMD_MAX_OPTS && e->opts[k].name; k++) {
			snprintf(line, sizeof(line), "%s --%s ", e->name, e->opts[k].name);
			if (e->opts[k].type == CMD_OPT_FLAG) {   /* no value: the next word */
				assert_int_not_equal(cmd_complete_context(line, strlen(line), &c),
						     CMD_EXPECT_VALUE);
				continue;
			}
			assert_int_equal(cmd_complete_context(line, strlen(line), &c),
					 CMD_EXPECT_VALUE);
			assert_ptr_equal(c.opt, &e->opts[k]);
		}
	}
	/* A cursor past the end of the line is the end of the line. */
	struct cmd_context c;
	assert_int_equal(cmd_complete_context("pair --type ", 1000, &c), CMD_EXPECT_VALUE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_server_start_options),
		cmocka_unit_test(test_message_with_nul),
		cmocka_unit_test(test_empty_and_comment),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_dash_dash_ends_options),
		cmocka_unit_test(test_option_value_nul),
		cmocka_unit_test(test_table_complete),
		cmocka_unit_test(test_every_command_misused),
		cmocka_unit_test(test_hostile_lines),
		cmocka_unit_test(test_socktype_table),
		cmocka_unit_test(test_complete_context),
		cmocka_unit_test(test_complete_context_follows_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
