/* test_tapwords: the words and JSON of a tap's events: direction, both sides' credentials, and
 * a datagram tap's sender. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/base/event.h"
#include "core/render/render_event.h"

static const char *line(const struct event *ev)
{
	static char buf[EVENT_LINE_MAX];
	render_event_line(ev, 0, 0, buf, sizeof(buf));
	return buf;
}

static const char *json(const struct event *ev)
{
	static char buf[EVENT_JSON_MAX];
	render_event_json(ev, ev->time_ns, buf, sizeof(buf));
	return buf;
}

static void chunk(struct event *ev, enum event_dir dir, const char *bytes)
{
	event_init(ev, SRC_TAP, EV_RECV);
	ev->conn = 2;
	ev->dir = (uint8_t)dir;
	event_set_bytes(ev, bytes, strlen(bytes));
}

static void test_chunk_words(void **state)
{
	(void)state;
	struct event ev;
	chunk(&ev, DIR_C2S, "GET / HTTP/1.0\r\n\r\n");
	assert_string_equal(line(&ev), "tap #2: client->server 18 bytes b'GET / HTTP/1.0\\r\\n\\r\\n'");
	chunk(&ev, DIR_S2C, "\x1b[2J");
	assert_string_equal(line(&ev), "tap #2: server->client 4 bytes b'\\x1b[2J'");
	/* The fds passed with a chunk follow its bytes. */
	chunk(&ev, DIR_C2S, "F");
	ev.nfds = 2;
	assert_string_equal(line(&ev), "tap #2: client->server 1 byte b'F' with 2 fds");
	ev.session = 4;
	ev.show_session = true;
	assert_string_equal(line(&ev), "tap[4] #2: client->server 1 byte b'F' with 2 fds");
}

static void test_peer_words(void **state)
{
	(void)state;
	struct event ev;
	event_init(&ev, SRC_TAP, EV_ACCEPT);
	ev.conn = 1;
	ev.dir = DIR_C2S;
	ev.has_cred = true;
	ev.pid = 4242;
	ev.uid = 1000;
	ev.gid = 100;
	event_textf(&ev, "curl");
	assert_string_equal(line(&ev), "tap #1: client pid 4242 (curl) uid 1000 gid 100 connected");
	ev.dir = DIR_S2C;
	ev.pid = 77;
	event_textf(&ev, "python3");
	char want[200];
	snprintf(want, sizeof(want), "tap #1: server pid 77 (python3) uid 1000 gid 100 answered; its "
		 "SO_PEERCRED names udscope (pid %ld), not the client", (long)getpid());
	assert_string_equal(line(&ev), want);
}

static void test_json_direction_and_side(void **state)
{
	(void)state;
	struct event ev;
	chunk(&ev, DIR_S2C, "ok");
	assert_non_null(strstr(json(&ev), "\"source\":\"tap\",\"kind\":\"recv\",\"connection\":2,"
				"\"direction\":\"server->client\",\"bytes\":2,\"data\":\"6f6b\""));
	event_init(&ev, SRC_TAP, EV_ACCEPT);
	ev.dir = DIR_C2S;
	assert_non_null(strstr(json(&ev), "\"side\":\"client\""));
	assert_null(strstr(json(&ev), "direction"));
	/* Other sources' events carry neither. */
	event_init(&ev, SRC_SERVER, EV_RECV);
	event_set_bytes(&ev, "x", 1);
	assert_null(strstr(json(&ev), "direction"));
	assert_null(strstr(json(&ev), "side"));
}

/* A datagram tap's datagram: the client's address (from it on the way up, to it on the way
 * back, or an unbound sender) and the datagram's own credentials. */
static void test_datagram_words(void **state)
{
	(void)state;
	struct event ev;
	chunk(&ev, DIR_C2S, "ping");
	ev.message = true;
	ev.msg_len = 4;
	ev.sender = SENDER_PATH;
	snprintf(ev.text, sizeof(ev.text), "/run/c1");
	ev.has_cred = ev.cred_msg = true;
	ev.pid = 812;
	ev.uid = 1000;
	ev.gid = 100;
	snprintf(ev.comm, sizeof(ev.comm), "app");
	assert_string_equal(line(&ev), "tap #2: client->server 4 bytes b'ping' from /run/c1 "
				       "(pid 812 (app) uid 1000 gid 100)");
	assert_non_null(strstr(json(&ev), "\"direction\":\"client->server\",\"bytes\":4,"));
	assert_non_null(strstr(json(&ev),
			       "\"text\":\"/run/c1\",\"pid\":812,\"uid\":1000,"
			       "\"gid\":100,\"message\":true,\"msg_len\":4,\"discarded\":0,"
			       "\"peer_kind\":\"path\",\"cred_source\":\"SCM_CREDENTIALS\","
			       "\"comm\":\"app\""));
	ev.dir = DIR_S2C;
	ev.pid = 77;
	snprintf(ev.comm, sizeof(ev.comm), "srv");
	assert_string_equal(line(&ev), "tap #2: server->client 4 bytes b'ping' to /run/c1 "
				       "(pid 77 (srv) uid 1000 gid 100)");
	ev.dir = DIR_C2S;
	ev.sender = SENDER_UNBOUND;
	ev.text[0] = '\0';
	assert_string_equal(line(&ev), "tap #2: client->server 4 bytes b'ping' from an unbound "
				       "sender (pid 77 (srv) uid 1000 gid 100)");
	assert_non_null(strstr(json(&ev), "\"peer_kind\":\"unbound\""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chunk_words),
		cmocka_unit_test(test_peer_words),
		cmocka_unit_test(test_json_direction_and_side),
		cmocka_unit_test(test_datagram_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
