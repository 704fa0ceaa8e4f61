/* test_sessions: many sessions at once, each with its id, its own totals, and commands that
 * ask which one when there are several. Real servers and connections in a private dir. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/cmd/app.h"
#include "core/session/session.h"
#include "harness.h"

/* The session with id ID, as `sessions` would show it. */
static struct session_info info_of(struct rec *r, uint32_t id)
{
	struct session_info all[16], none = { 0 };
	size_t n = app_sessions(&r->app, all, 16);
	for (size_t i = 0; i < n && i < 16; i++)
		if (all[i].id == id)
			return all[i];
	fail_msg("no session #%u", id);
	return none;
}

/* Pump until session ID has received and sent BYTES each way, 5 s at most. (Figures are
 * read from other threads' counters: a server's may trail what its clients already saw.) */
static void wait_in(struct rec *r, uint32_t id, uint64_t bytes)
{
	for (int i = 0; i < 500; i++) {
		struct session_info in = info_of(r, id);
		if (in.st.bytes_in >= bytes && in.st.bytes_out >= bytes)
			return;
		app_pump(&r->app, 10);
	}
	fail_msg("session #%u: %llu of %llu bytes in after 5 s", id,
		 (unsigned long long)info_of(r, id).st.bytes_in, (unsigned long long)bytes);
}

static void test_two_servers_three_connections(void **state)
{
	struct rec *r = *state;
	const char *a = rec_path(r, "a"), *b = rec_path(r, "b");
	assert_int_equal(rec_run(r, "server start %s", a), CMD_OK);            /* #1 */
	assert_int_equal(rec_run(r, "server start %s --chunk 4", b), CMD_OK);  /* #2 */
	/* The same path twice is refused, naming the session that serves it. */
	assert_int_equal(rec_run(r, "server start %s", a), CMD_FAIL);
	assert_true(rec_find_text(r, ": #1 is a server there already (server stop 1 first)") >= 0);
	assert_int_equal(rec_run(r, "connect %s", a), CMD_OK);                 /* #3 */
	assert_int_equal(rec_run(r, "connect %s", b), CMD_OK);                 /* #4 */
	assert_int_equal(rec_run(r, "connect %s", b), CMD_OK);                 /* #5 */

	/* With several connections, send asks which. */
	assert_int_equal(rec_run(r, "send x"), CMD_FAIL);
	assert_true(rec_find_text(r, "send: 3 connections are running (#3 ") >= 0);
	assert_int_equal(rec_run(r, "send --id 3 0123456789"), CMD_OK);
	assert_int_equal(rec_run(r, "send --id 4 abcdefghijklmnopqrst"), CMD_OK);
	assert_int_equal(rec_run(r, "send --id 5 XYZ"), CMD_OK);
	assert_int_equal(rec_run(r, "send --id 1 nope"), CMD_FAIL);   /* #1 is a server */
	assert_true(rec_find_text(r, "send --id 1: #1 is a server, not a connection (#3 ") >= 0);
	wait_in(r, 3, 10);
	wait_in(r, 4, 20);
	wait_in(r, 5, 3);
	wait_in(r, 1, 10);
	wait_in(r, 2, 23);

	/* Exact totals, each session its own. */
	assert_int_equal(info_of(r, 3).st.bytes_out, 10);
	assert_int_equal(info_of(r, 4).st.bytes_out, 20);
	assert_int_equal(info_of(r, 5).st.bytes_out, 3);
	struct session_info s1 = info_of(r, 1), s2 = info_of(r, 2);
	assert_int_equal(s1.st.bytes_in, 10);
	assert_int_equal(s1.st.bytes_out, 10);
	assert_int_equal(s1.clients, 1);
	assert_int_equal(s2.st.bytes_in, 23);
	assert_int_equal(s2.st.bytes_out, 23);
	assert_int_equal(s2.st.chunks_in, 5 + 1);   /* 20 in 4-byte chunks, then 3 */
	assert_int_equal(s2.clients, 2);
	assert_string_equal(s2.kind_name, "server");
	assert_string_equal(s2.state, "listening");
	assert_string_equal(info_of(r, 4).state, "connected");

	/* Lines name a session when another of its kind ran beside it; events carry the id.
	 * (Waited for: the counters above can be ahead of the events still on the bus.) */
	assert_true(rec_wait_line(r, 0, "server[2] #1: received 4 bytes b'abcd'") >= 0);
	assert_true(rec_wait_line(r, 0, "server #1: received 10 bytes b'0123456789'") >= 0);
	assert_true(rec_wait_line(r, 0, "client: sending 10 bytes b'0123456789'") >= 0);
	assert_true(rec_wait_line(r, 0, "client[4]: sending 20 bytes") >= 0);
	long i = rec_wait_line(r, 0, "client[5]: sending 3 bytes b'XYZ'");
	assert_true(i >= 0);
	assert_int_equal(r->ev[i].session, 5);

	/* `sessions` lists all five. */
	size_t from = r->n;
	assert_int_equal(rec_run(r, "sessions"), CMD_OK);
	char want[256];
	snprintf(want, sizeof(want), "#2 server stream %s listening, 2 clients; in 23 bytes/6 "
		 "chunks, out 23 bytes/6 chunks", b);
	assert_true(rec_find_text(r, want) >= (long)from);
	snprintf(want, sizeof(want), "#4 connection stream %s connected; in 20 bytes/", b);
	assert_true(rec_find_text(r, want) >= (long)from);

	/* Stop by path and by id; without a name, several servers are refused. */
	assert_int_equal(rec_run(r, "server stop"), CMD_FAIL);
	assert_true(rec_find_text(r, "server stop: 2 servers are running (#1 ") >= 0);
	assert_int_equal(rec_run(r, "server stop %s", b), CMD_OK);
	assert_int_equal(rec_run(r, "server stop 7"), CMD_FAIL);
	assert_true(rec_find_text(r, "server stop 7: no such server (#1 ") >= 0);
	assert_int_equal(rec_run(r, "server status"), CMD_OK);
	snprintf(want, sizeof(want), "#1 listening on %s (chunk 16", a);
	assert_true(rec_find_text(r, want) >= 0);
	assert_int_equal(rec_run(r, "server stop #1"), CMD_OK);
	assert_null(app_server(&r->app));
	assert_int_equal(rec_run(r, "disconnect 3"), CMD_OK);
	assert_int_equal(rec_run(r, "disconnect 4"), CMD_OK);
	assert_int_equal(rec_run(r, "disconnect"), CMD_OK);   /* the only one left: #5 */
	size_t n = app_sessions(&r->app, NULL, 0);
	assert_int_equal(n, 0);
}

static const struct session_ops fake_ops;

static void test_list(void **state)
{
	struct session_list l = { 0 };
	int x, y, z;
	struct session *a = session_add(&l, &fake_ops, &x);
	struct session *b = session_add(&l, &fake_ops, &y);
	struct session *c = session_add(&l, &fake_ops, &z);
	assert_int_equal(a->id, 1);
	assert_int_equal(c->id, 3);
	assert_ptr_equal(session_by_id(&l, 2), b);
	assert_ptr_equal(session_by_impl(&l, &z), c);
	assert_null(session_by_id(&l, 4));
	session_unlink(&l, b);
	assert_null(session_by_id(&l, 2));
	assert_ptr_equal(l.head, a);
	assert_ptr_equal(a->next, c);
	struct session *d = session_add(&l, &fake_ops, &y);
	assert_int_equal(d->id, 4);   /* ids are never reused */
	session_unlink(&l, a);
	session_unlink(&l, c);
	session_unlink(&l, d);
	assert_null(l.head);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_two_servers_three_connections, rec_setup, rec_teardown),
		cmocka_unit_test(test_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
