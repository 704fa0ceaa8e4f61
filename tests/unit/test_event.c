/* test_event: the one formatter: the walkthrough's words, labels, errors and JSON. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/event.h"

static const char *line(const struct event *ev, unsigned flags)
{
	static char buf[EVENT_LINE_MAX];
	event_format_line(ev, flags, 0, buf, sizeof(buf));
	return buf;
}

static void test_server_words(void **state)
{
	struct event ev;
	event_init(&ev, SRC_SERVER, EV_LISTEN);
	event_textf(&ev, "./uds_socket");
	assert_string_equal(line(&ev, 0), "server: starting up on ./uds_socket");
	event_init(&ev, SRC_SERVER, EV_WAIT);
	assert_string_equal(line(&ev, 0), "server: waiting for a connection");
	event_init(&ev, SRC_SERVER, EV_ACCEPT);
	ev.conn = 1;
	ev.has_cred = true;
	ev.pid = 4242;
	ev.uid = 1000;
	ev.gid = 1000;
	event_textf(&ev, "python3");
	assert_string_equal(line(&ev, 0),
			    "server #1: connection from pid 4242 (python3) uid 1000 gid 1000");
	event_init(&ev, SRC_SERVER, EV_RECV);
	ev.conn = 1;
	event_set_bytes(&ev, "This is the mess", 16);
	assert_string_equal(line(&ev, 0), "server #1: received 16 bytes b'This is the mess'");
	event_init(&ev, SRC_SERVER, EV_SEND);
	ev.conn = 1;
	ev.nbytes = 16;
	assert_string_equal(line(&ev, 0), "server #1: sent 16 bytes back to the client");
	event_init(&ev, SRC_SERVER, EV_RECV);
	ev.conn = 3;
	event_set_bytes(&ev, "", 0);
	assert_string_equal(line(&ev, 0), "server #3: received 0 bytes b''");
}

static void test_long_chunk_preview(void **state)
{
	char big[1000];
	memset(big, 'z', sizeof(big));
	struct event ev;
	event_init(&ev, SRC_CLIENT, EV_RECV);
	event_set_bytes(&ev, big, sizeof(big));
	assert_int_equal(ev.nbytes, 1000);
	assert_int_equal(ev.preview_len, EVENT_PREVIEW_MAX);
	const char *l = line(&ev, 0);
	assert_true(strncmp(l, "client: received 1000 bytes b'zzz", 33) == 0);
	assert_non_null(strstr(l, "'... (+872 more)"));
}

static void test_error_words(void **state)
{
	struct event ev;
	event_init(&ev, SRC_CLIENT, EV_ERROR);
	ev.err = EACCES;
	event_textf(&ev, "connect ./x");
	char buf[256];
	event_format(&ev, 0, buf, sizeof(buf));
	assert_string_equal(buf, "connect ./x: Permission denied (EACCES)");
	assert_string_equal(event_errno_name(ECONNREFUSED), "ECONNREFUSED");
	/* A path the user typed with control bytes is shown escaped. */
	event_textf(&ev, "connect /tmp/\x1b]0;x\x07");
	event_format(&ev, 0, buf, sizeof(buf));
	assert_string_equal(buf, "connect /tmp/\\x1b]0;x\\x07: Permission denied (EACCES)");
}

static void test_dropped_and_time(void **state)
{
	struct event ev;
	event_init(&ev, SRC_SERVER, EV_WAIT);
	ev.dropped = 7;
	ev.time_ns = 2500000000u;
	assert_string_equal(line(&ev, EVENT_FMT_TIME),
			    "   2.500000 server: [7 events not shown] waiting for a connection");
}

static void test_pair_label(void **state)
{
	struct event ev;
	event_init(&ev, SRC_PAIR_CHILD, EV_INFO);
	ev.actor = 1235;
	event_textf(&ev, "in child, waiting for message");
	assert_string_equal(line(&ev, 0), "pair child 1235: in child, waiting for message");
	event_init(&ev, SRC_SYSTEM, EV_INFO);
	event_textf(&ev, "plain");
	assert_string_equal(line(&ev, 0), "plain");
}

static void test_json(void **state)
{
	struct event ev;
	event_init(&ev, SRC_SERVER, EV_RECV);
	ev.seq = 9;
	ev.time_ns = 1000;
	ev.conn = 2;
	event_set_bytes(&ev, "a\"\x1b", 3);
	char buf[1024];
	event_format_json(&ev, 0, buf, sizeof(buf));
	assert_string_equal(buf, "{\"seq\":9,\"time\":0.000001,\"source\":\"server\",\"kind\":\"recv\","
			    "\"connection\":2,\"bytes\":3,\"data\":\"a\\\"\\u001b\",\"truncated\":false}");
	event_init(&ev, SRC_CLIENT, EV_ERROR);
	ev.time_ns = 0;
	ev.err = ENOENT;
	event_textf(&ev, "connect /nope");
	event_format_json(&ev, 0, buf, sizeof(buf));
	assert_non_null(strstr(buf, "\"errno\":\"ENOENT\",\"error\":\"No such file or directory\""));
	assert_non_null(strstr(buf, "\"text\":\"connect /nope\""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_server_words),
		cmocka_unit_test(test_long_chunk_preview),
		cmocka_unit_test(test_error_words),
		cmocka_unit_test(test_dropped_and_time),
		cmocka_unit_test(test_pair_label),
		cmocka_unit_test(test_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
