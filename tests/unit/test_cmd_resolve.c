/* test_cmd_resolve: what a command declares (its target session, its typed arguments) is
 * resolved and checked by cmd_resolve before it runs: each form of naming a session, the
 * defaults, and the one error line of each refusal. The sessions are entries of the app's
 * real session list; their kind, path and state are set by the test. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/cmd/app.h"
#include "core/cmd/cmd.h"

/* A session as the list holds it: its path and whether it has finished. */
struct fixture {
	char path[64];
	bool finished;
};

static bool fx_finished(const void *impl)
{
	return ((const struct fixture *)impl)->finished;
}

static int fx_status(const void *impl)
{
	(void)impl;
	return 0;
}

static void fx_stop(void *impl)
{
	((struct fixture *)impl)->finished = true;
}

static void fx_destroy(void *impl, const struct event_sink *now)
{
	(void)impl;
	(void)now;
}

static void fx_info(const void *impl, struct session_info *out)
{
	snprintf(out->path, sizeof(out->path), "%s", ((const struct fixture *)impl)->path);
}

#define FX_OPS(sym, k, nm, kept)                \
	static const struct session_ops sym = { \
		.kind = k,                      \
		.name = nm,                     \
		.kept_when_finished = kept,     \
		.finished = fx_finished,        \
		.status = fx_status,            \
		.stop = fx_stop,                \
		.destroy = fx_destroy,          \
		.info = fx_info,                \
	}
FX_OPS(server_ops, SESSION_SERVER, "server", false);
FX_OPS(conn_ops, SESSION_CONN, "connection", true);
FX_OPS(tap_ops, SESSION_TAP, "tap", false);

/* The last error line said, and its errno. */
static char last_err[EVENT_TEXT_MAX];
static int last_errno;
static int nerrors;

static void keep_error(void *ctx, struct event *ev)
{
	(void)ctx;
	if (ev->kind != EV_ERROR)
		return;
	snprintf(last_err, sizeof(last_err), "%s", ev->text);
	last_errno = ev->err;
	nerrors++;
}

struct world {
	struct app app;
	struct fixture fx[8];
	int n;
};

static int setup(void **state)
{
	static struct world w;
	memset(&w, 0, sizeof(w));
	if (app_init(&w.app, BUS_LOSSLESS, 64, (struct event_sink){ keep_error, NULL }) < 0)
		return -1;
	*state = &w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;
	app_close(&w->app);
	return 0;
}

/* Add a session of OPS at PATH; its id is the list's next (1, 2, ...). */
static struct session *add(struct world *w, const struct session_ops *ops, const char *path,
			   bool finished)
{
	struct fixture *f = &w->fx[w->n++];
	snprintf(f->path, sizeof(f->path), "%s", path);
	f->finished = finished;
	struct session *s = session_add(&w->app.sessions, ops, f);
	assert_non_null(s);
	return s;
}

/* Parse LINE and resolve it: true when it may run; A holds the result (freed by done()). */
static bool resolve(struct world *w, const char *line, struct cmd_args *a)
{
	char err[512] = "";
	if (cmd_parse(line, a, err, sizeof(err)) != CMD_OK)
		fail_msg("'%s' does not parse: %s", line, err);
	last_err[0] = '\0';
	nerrors = 0;
	return cmd_resolve(&w->app, a);
}

/* LINE resolves to session S (NULL: none, as its default says). */
static void resolves_to(struct world *w, const char *line, const struct session *s)
{
	struct cmd_args a;
	if (!resolve(w, line, &a))
		fail_msg("'%s' was refused: %s", line, last_err);
	assert_int_equal(nerrors, 0);
	if (a.session != s)
		fail_msg("'%s' resolved to #%u, not #%u", line, a.session ? a.session->id : 0,
			 s ? s->id : 0);
	cmd_args_free(&a);
}

/* LINE is refused with the one line WANT, without errno text. */
static void refused(struct world *w, const char *line, const char *want)
{
	struct cmd_args a;
	if (resolve(w, line, &a))
		fail_msg("'%s' was not refused", line);
	assert_int_equal(nerrors, 1);
	assert_string_equal(last_err, want);
	assert_int_equal(last_errno, 0);
	cmd_args_free(&a);
}

/* N, #N, a path and an @name each name a server; omitted, the only one is it. */
static void test_forms(void **state)
{
	struct world *w = *state;
	refused(w, "server stop", "server stop: no server is running");
	struct session *a = add(w, &server_ops, "./a", false); /* #1 */
	resolves_to(w, "server stop", a);
	struct session *b = add(w, &server_ops, "./b", false);   /* #2 */
	struct session *c = add(w, &server_ops, "@name", false); /* #3 */
	resolves_to(w, "server stop 2", b);
	resolves_to(w, "server stop #2", b);
	resolves_to(w, "server stop ./a", a);
	resolves_to(w, "server stop @name", c);
	refused(w, "server stop",
		"server stop: 3 servers are running (#1 ./a, #2 ./b, #3 @name): say which, by id "
		"or path");
	refused(w, "server stop 9", "server stop 9: no such server (#1 ./a, #2 ./b, #3 @name)");
	refused(w, "server stop ./c", "server stop ./c: no such server (#1 ./a, #2 ./b, #3 @name)");
	refused(w, "server stop #0", "server stop #0: no such server (#1 ./a, #2 ./b, #3 @name)");
	/* Status goes over each when none is named. */
	resolves_to(w, "server status", NULL);
	resolves_to(w, "server status #3", c);
}

/* A session of another kind is named as such; none of the kind says what starts one. */
static void test_wrong_kind(void **state)
{
	struct world *w = *state;
	add(w, &server_ops, "./a", false);                  /* #1 */
	struct session *t = add(w, &tap_ops, "./t", false); /* #2 */
	refused(w, "server stop 2", "server stop 2: #2 is a tap, not a server (#1 ./a)");
	resolves_to(w, "tap stop 2", t);
	resolves_to(w, "tap status", NULL);
	refused(w, "send --id 1 x",
		"send --id 1: #1 is a server, not a connection (none is running; connect PATH "
		"first)");
	refused(w, "send x", "send: no connection is running (connect PATH first)");
#ifdef HAVE_WATCH
	refused(w, "watch stop", "watch stop: no watch is running");
	refused(w, "watch stop 2", "watch stop 2: #2 is a tap, not a watch (none is running)");
#endif
}

/* A command that needs a running session refuses a finished one, which is no default; one
 * that does not (expect reads what came before the close, disconnect frees it) takes it. */
static void test_finished(void **state)
{
	struct world *w = *state;
	struct session *old = add(w, &conn_ops, "./s", true); /* #1, the peer closed it */
	refused(w, "send x", "send: no connection is running (connect PATH first)");
	refused(w, "send --id 1 x",
		"send --id 1: #1 has ended (none is running; connect PATH "
		"first)");
	refused(w, "chunk 8", "chunk: no connection is running (connect PATH first)");
	resolves_to(w, "expect x", old);
	resolves_to(w, "disconnect", old);
	struct session *now = add(w, &conn_ops, "./s", false); /* #2 */
	resolves_to(w, "send x", now);
	resolves_to(w, "send --id 2 x", now);
	resolves_to(w, "chunk 8 --id 2", now);
	refused(w, "expect x",
		"expect: 2 connections are running (#1 ./s, #2 ./s): say which, "
		"with --id N");
	/* A path two sessions show names neither. */
	refused(w, "disconnect ./s",
		"disconnect ./s: 2 connections there (#1 ./s, #2 ./s): say "
		"which, by id");
	resolves_to(w, "disconnect #1", old);
}

/* The typed arguments are checked in order, before the target. */
static void test_values(void **state)
{
	struct world *w = *state;
	struct cmd_args a;
	refused(w, "server chunk 0", "server chunk 0: not a receive size (1 to 1048576 bytes)");
	refused(w, "server chunk 2097152 9",
		"server chunk 2097152: not a receive size (1 to 1048576 bytes)");
	refused(w, "server chunk 12x", "server chunk 12x: not a receive size (1 to 1048576 bytes)");
	refused(w, "server chunk 64", "server chunk: no server is running");
	struct session *s = add(w, &server_ops, "./a", false);
	assert_true(resolve(w, "server chunk 64", &a));
	assert_int_equal(a.num_arg[0], 64);
	assert_ptr_equal(a.session, s);
	cmd_args_free(&a);
	refused(w, "chunk 0", "chunk 0: not a receive size (1 to 1048576 bytes)");
	refused(w, "wait soon", "wait soon: not a number of seconds (0 to 86400)");
	refused(w, "wait -1", "wait -1: not a number of seconds (0 to 86400)");
	refused(w, "wait 86401", "wait 86401: not a number of seconds (0 to 86400)");
	assert_true(resolve(w, "wait 0.5", &a));
	assert_true(a.secs[0] == 0.5);
	cmd_args_free(&a);
	/* A session id alone (map, diagram, log): not looked up, a finished one is named too. */
	refused(w, "map x7", "map x7: not a session id (sessions lists them)");
	refused(w, "log #0", "log #0: not a session id (sessions lists them)");
	assert_true(resolve(w, "log #42", &a));
	assert_int_equal(a.id[0], 42);
	assert_null(a.session);
	cmd_args_free(&a);
}

/* A command that starts a session at a path refuses one of its kind already there. */
static void test_fresh(void **state)
{
	struct world *w = *state;
	add(w, &server_ops, "./a", false); /* #1 */
	add(w, &tap_ops, "./t", false);    /* #2 */
	add(w, &conn_ops, "./b", false);   /* #3 */
	refused(w, "server start ./a",
		"server start ./a: #1 is a server there already (server "
		"stop 1 first)");
	refused(w, "tap ./t ./a", "tap ./t: #2 is a tap there already (tap stop 2 first)");
	resolves_to(w, "server start ./t", NULL); /* a tap there is not a server */
	resolves_to(w, "server start ./b", NULL);
	resolves_to(w, "tap ./a ./b", NULL);
	resolves_to(w, "server start 1", NULL); /* a path, never an id */
}

/* An entry of the test's own: a target of two kinds, named by id only. */
static int never_run(struct app *app, const struct cmd_args *a)
{
	(void)app;
	(void)a;
	return CMD_FAIL;
}

static const struct cmd_entry two_kinds = {
	.name = "both stop",
	.usage = "[ID]",
	.max_args = 1,
	.args = { CMD_ARG_WORD },
	.target = { CMD_KIND(SESSION_SERVER) | CMD_KIND(SESSION_TAP), CMD_TARGET_ID },
	.run = never_run,
};

/* Resolve two_kinds with WORD (NULL: omitted). */
static bool resolve_two(struct world *w, const char *word, struct cmd_args *a)
{
	memset(a, 0, sizeof(*a));
	a->entry = &two_kinds;
	if (word) {
		a->argv[0] = word;
		a->arglen[0] = strlen(word);
		a->argc = 1;
	}
	last_err[0] = '\0';
	nerrors = 0;
	return cmd_resolve(&w->app, a);
}

static void test_two_kinds(void **state)
{
	struct world *w = *state;
	struct cmd_args a;
	assert_false(resolve_two(w, NULL, &a));
	assert_string_equal(last_err, "both stop: no server or tap is running");
	add(w, &conn_ops, "./c", false);                    /* #1 */
	struct session *t = add(w, &tap_ops, "./t", false); /* #2 */
	assert_true(resolve_two(w, NULL, &a));
	assert_ptr_equal(a.session, t);
	struct session *s = add(w, &server_ops, "./s", false); /* #3 */
	assert_true(resolve_two(w, "3", &a));
	assert_ptr_equal(a.session, s);
	assert_true(resolve_two(w, "#2", &a));
	assert_ptr_equal(a.session, t);
	assert_false(resolve_two(w, NULL, &a));
	assert_string_equal(last_err, "both stop: 2 servers or taps are running (#2 ./t, #3 ./s): "
				      "say which, by id");
	assert_false(resolve_two(w, "./t", &a));
	assert_string_equal(last_err, "both stop ./t: not a session id (sessions lists them)");
	assert_false(resolve_two(w, "1", &a));
	assert_string_equal(last_err, "both stop 1: #1 is a connection, not a server or tap (#2 "
				      "./t, #3 ./s)");
	assert_int_equal(nerrors, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_forms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_kind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_finished, setup, teardown),
		cmocka_unit_test_setup_teardown(test_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_kinds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fresh, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
