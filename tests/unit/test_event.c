/* test_event: the one formatter (core/render/render_event.c): the walkthrough's words, labels,
 * errors and JSON, and its output safe to show as it is. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "core/base/event.h"
#include "core/render/render_event.h"

static const char *line(const struct event *ev, unsigned flags)
{
	static char buf[EVENT_LINE_MAX];
	render_event_line(ev, flags, 0, buf, sizeof(buf));
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

/* Issue 26: one byte is "1 byte", received, sent back, sending, and through a tap. */
static void test_one_byte(void **state)
{
	(void)state;
	struct event ev;
	event_init(&ev, SRC_SERVER, EV_RECV);
	ev.conn = 1;
	event_set_bytes(&ev, "3", 1);
	assert_string_equal(line(&ev, 0), "server #1: received 1 byte b'3'");
	event_init(&ev, SRC_SERVER, EV_SEND);
	ev.conn = 1;
	ev.nbytes = 1;
	assert_string_equal(line(&ev, 0), "server #1: sent 1 byte back to the client");
	event_init(&ev, SRC_CLIENT, EV_SEND);
	event_set_bytes(&ev, "x", 1);
	assert_string_equal(line(&ev, 0), "client: sending 1 byte b'x'");
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
	render_event_words(&ev, 0, buf, sizeof(buf));
	assert_string_equal(buf, "connect ./x: Permission denied (EACCES)");
	assert_string_equal(event_errno_name(ECONNREFUSED), "ECONNREFUSED");
	/* A path the user typed with control bytes is shown escaped. */
	event_textf(&ev, "connect /tmp/\x1b]0;x\x07");
	render_event_words(&ev, 0, buf, sizeof(buf));
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

static const char *json(const struct event *ev)
{
	static char buf[EVENT_JSON_MAX];
	render_event_json(ev, 0, buf, sizeof(buf));
	return buf;
}

static void test_json(void **state)
{
	struct event ev;
	event_init(&ev, SRC_SERVER, EV_RECV);
	ev.seq = 9;
	ev.time_ns = 1000;
	ev.conn = 2;
	event_set_bytes(&ev, "a\"\x1b", 3);
	/* data is lowercase hex, two digits a byte: no text decoding can mangle it. */
	assert_string_equal(json(&ev), "{\"seq\":9,\"time\":0.000001,\"source\":\"server\","
			    "\"kind\":\"recv\",\"connection\":2,\"bytes\":3,\"data\":\"61221b\","
			    "\"truncated\":false}");
	event_init(&ev, SRC_CLIENT, EV_ERROR);
	ev.time_ns = 0;
	ev.err = ENOENT;
	event_textf(&ev, "connect /nope");
	const char *j = json(&ev);
	assert_non_null(strstr(j, "\"errno\":\"ENOENT\",\"error\":\"No such file or directory\""));
	assert_non_null(strstr(j, "\"text\":\"connect /nope\""));
	assert_null(strstr(j, "text_hex"));
}

static void test_json_data_every_byte(void **state)
{
	uint8_t all[EVENT_PREVIEW_MAX];
	for (size_t i = 0; i < sizeof(all); i++)
		all[i] = (uint8_t)(i * 2 + 1);
	all[0] = 0x00;
	all[1] = 0xff;
	struct event ev;
	event_init(&ev, SRC_CLIENT, EV_SEND);
	ev.time_ns = 0;
	event_set_bytes(&ev, all, sizeof(all));
	ev.nbytes = 1000;
	const char *j = json(&ev);
	char want[2 * EVENT_PREVIEW_MAX + 1];
	for (size_t i = 0; i < sizeof(all); i++)
		snprintf(want + 2 * i, 3, "%02x", all[i]);
	assert_non_null(strstr(j, want));
	assert_true(strncmp(strstr(j, want) - 8, "\"data\":\"00ff", 12) == 0);
	assert_non_null(strstr(j, "\"bytes\":1000,"));
	assert_non_null(strstr(j, "\"truncated\":true}"));
}

/* Valid UTF-8 text comes out as the same characters; controls (C0, DEL, C1) as \u escapes. */
static void test_json_utf8_text(void **state)
{
	struct event ev;
	event_init(&ev, SRC_SERVER, EV_LISTEN);
	ev.time_ns = 0;
	event_textf(&ev, "./\xc3\xa9.sock \xe2\x82\xac \xf0\x9f\x98\x80");
	assert_non_null(strstr(json(&ev), "\"text\":\"./\xc3\xa9.sock \xe2\x82\xac \xf0\x9f\x98\x80\""));
	assert_null(strstr(json(&ev), "text_hex"));
	event_textf(&ev, "a\x1b[2J\x7f\xc2\x9b\xc2\xa0\"\\\n\t");
	assert_non_null(strstr(json(&ev),
			       "\"text\":\"a\\u001b[2J\\u007f\\u009b\xc2\xa0\\\"\\\\\\n\\t\""));
	assert_null(strstr(json(&ev), "text_hex"));
}

/* Bytes that are not UTF-8 become U+FFFD in text, and text_hex keeps the exact bytes. */
static void test_json_invalid_text(void **state)
{
	static const struct {
		const char *in, *text, *hex;
	} cases[] = {
		{ "a\xff" "b", "a\\ufffdb", "61ff62" },
		{ "\xc3", "\\ufffd", "c3" },                           /* cut short at the end */
		{ "\xc3(", "\\ufffd(", "c328" },                        /* bad continuation */
		{ "\xc0\xaf", "\\ufffd\\ufffd", "c0af" },               /* overlong '/' */
		{ "\xe0\x80\xaf", "\\ufffd\\ufffd\\ufffd", "e080af" },  /* overlong, 3 bytes */
		{ "\xed\xa0\x80", "\\ufffd\\ufffd\\ufffd", "eda080" },  /* a UTF-16 surrogate */
		{ "\xf4\x90\x80\x80", "\\ufffd\\ufffd\\ufffd\\ufffd", "f4908080" }, /* > U+10FFFF */
		{ "\x80\xc3\xa9", "\\ufffd\xc3\xa9", "80c3a9" },        /* stray continuation */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct event ev;
		event_init(&ev, SRC_SYSTEM, EV_INFO);
		ev.time_ns = 0;
		event_textf(&ev, "%s", cases[i].in);
		char want[128];
		snprintf(want, sizeof(want), "\"text\":\"%s\",\"text_hex\":\"%s\"", cases[i].text,
			 cases[i].hex);
		const char *j = json(&ev);
		if (!strstr(j, want))
			fail_msg("case %zu: %s lacks %s", i, j, want);
	}
}

/* The worst event still makes one whole object: EVENT_JSON_MAX is big enough. */
static void test_json_worst_case_fits(void **state)
{
	struct event ev;
	event_init(&ev, SRC_PAIR_CHILD, EV_RECV);
	ev.seq = UINT64_MAX;
	ev.time_ns = UINT64_MAX;
	ev.dropped = UINT64_MAX;
	ev.conn = UINT32_MAX;
	ev.actor = -2147483647 - 1;
	ev.err = EOWNERDEAD;
	ev.has_cred = true;
	ev.pid = -2147483647 - 1;
	ev.uid = (uid_t)-1;
	ev.gid = (gid_t)-1;
	ev.mark_off = 65535;
	ev.mark_len = 65535;
	uint8_t ff[EVENT_PREVIEW_MAX];
	memset(ff, 0xff, sizeof(ff));
	event_set_bytes(&ev, ff, sizeof(ff));
	ev.nbytes = UINT64_MAX;
	for (int fill = 0; fill < 3; fill++) {
		memset(ev.text, fill == 0 ? 0x01 : fill == 1 ? 0xff : '"', EVENT_TEXT_MAX - 1);
		ev.text[EVENT_TEXT_MAX - 1] = '\0';
		char buf[EVENT_JSON_MAX];
		size_t n = render_event_json(&ev, 0, buf, sizeof(buf));
		assert_true(n < sizeof(buf) - 1);
		assert_int_equal(buf[n - 1], '}');
		assert_int_equal(strlen(buf), n);
	}
}

/* Every byte of S (N of them) is printable ASCII. */
static void assert_printable(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			fail_msg("byte %zu is 0x%02x in \"%s\"", i, (unsigned char)s[i], s);
}

/* What a peer or user chose is escaped once, in render: every kind's line is printable ASCII
 * (the front end shows it as it is), and a chunk holding ESC and a literal backslash shows
 * the ESC as \x1b and the backslash doubled once, as Python's repr does: never \\x1b. */
static void test_escaped_once(void **state)
{
	static const char hostile[] = "\x1b]0;pwned\x07\x9b\r\n\xff\\x41";
	for (int kind = 0; kind < EV__COUNT; kind++) {
		struct event ev;
		event_init(&ev, SRC_TAP, (enum event_kind)kind);
		ev.conn = 3;
		ev.err = kind == EV_ERROR || kind == EV_DONE ? EACCES : 0;
		ev.has_cred = true;
		ev.cred_msg = kind == EV_RECV;
		ev.sender = kind == EV_SEND ? SENDER_PATH : SENDER_NONE;
		memcpy(ev.comm, "\x1b[2Jcomm", sizeof("\x1b[2Jcomm"));
		event_textf(&ev, "%s", hostile);
		event_set_bytes(&ev, hostile, sizeof(hostile) - 1);
		char buf[EVENT_LINE_MAX];
		size_t n = render_event_line(&ev, 0, 0, buf, sizeof(buf));
		assert_printable(buf, n);
		n = render_event_line(&ev, EVENT_FMT_HEX | EVENT_FMT_TIME, 0, buf, sizeof(buf));
		assert_printable(buf, n);
	}
	struct event ev;
	event_init(&ev, SRC_SERVER, EV_RECV);
	ev.conn = 1;
	event_set_bytes(&ev, "\x1b[1m\\x41", 8);
	assert_string_equal(line(&ev, 0),
			    "server #1: received 8 bytes b'\\x1b[1m\\\\x41'");
	assert_null(strstr(line(&ev, 0), "\\\\x1b"));
	(void)state;
}

/* A fact's words are made in render from its typed fields, the same words the sessions used to
 * print: a node, a closed connection (server and tap), a stop. */
/* The tap's message too big for its send buffer: the old words, the sizes typed; a datagram
 * tap's upstream socket names its sender, its own name and the target, and a copy keeps all. */
static void test_fact_flow_words(void **state)
{
	struct event ev;
	event_init(&ev, SRC_TAP, EV_ERROR);
	ev.conn = 3;
	ev.err = EMSGSIZE;
	ev.fact = FACT_TOO_BIG;
	ev.dir = DIR_S2C;
	ev.size = 9000000;
	ev.sndbuf = 425984;
	ev.wmem_max = 212992;
	assert_string_equal(line(&ev, 0),
			    "tap #3: tap: a 9000000-byte message from the server was dropped: the "
			    "kernel gives the tap's socket a send buffer of 425984 bytes at most "
			    "(net.core.wmem_max 212992; SO_SNDBUFFORCE, with CAP_NET_ADMIN, is not "
			    "capped by it): Message too long (EMSGSIZE)");
	assert_non_null(strstr(json(&ev), "\"fact\":\"too-big\",\"size\":9000000,"
					  "\"sndbuf\":425984,\"wmem_max\":212992"));
	assert_non_null(strstr(json(&ev), "\"errno\":\"EMSGSIZE\""));
	event_init(&ev, SRC_TAP, EV_ERROR);
	ev.err = EMSGSIZE;
	event_set_path(&ev, FACT_TOO_BIG, "./c", 3, NULL);
	ev.socktype = SOCK_DGRAM;
	ev.dir = DIR_C2S;
	ev.size = 10;
	assert_non_null(strstr(line(&ev, 0), "tap: tap: a 10-byte datagram for sender ./c was "
					     "dropped"));
	event_init(&ev, SRC_TAP, EV_INFO);
	event_set_path(&ev, FACT_UPSTREAM_OPENED, "@a\0b", 4, "@0001f");
	event_set_target(&ev, "./s");
	ev.sender = SENDER_ABSTRACT;
	struct event copy;
	event_copy(&copy, &ev);
	assert_string_equal(line(&copy, 0),
			    "tap: upstream socket @0001f opened for sender @a\\x00b, to ./s");
	assert_non_null(strstr(json(&copy), "\"path\":\"@a\\u0000b\",\"detail\":\"@0001f\","
					    "\"target\":\"./s\""));
	event_init(&ev, SRC_TAP, EV_ERROR);
	event_set_path(&ev, FACT_REFUSED, "./g", 3, "./c");
	ev.reason = REASON_OTHER_USER;
	ev.socktype = SOCK_DGRAM;
	ev.has_cred = true;
	ev.own_uid = ev.own_gid = 65534;
	assert_string_equal(
		line(&ev, 0),
		"tap: tap ./g: refused sender ./c (uid 0 gid 0): udscope (uid 65534 gid "
		"65534) may not connect as another user (not root, no CAP_SETUID and "
		"CAP_SETGID), and the server would take it for uid 65534; its datagrams "
		"are dropped (--lend-my-identity lets every sender through as uid 65534)");
	/* A datagram dropped: its sender's credentials may not be sent (no test can make it). */
	event_init(&ev, SRC_TAP, EV_ERROR);
	ev.conn = 2;
	event_set_path(&ev, FACT_DATAGRAM_DROPPED, "./c", 3, NULL);
	ev.reason = REASON_CREDS_UNSENDABLE;
	ev.dir = DIR_S2C;
	ev.has_peer = true;
	ev.peer_pid = 77;
	assert_string_equal(
		line(&ev, 0),
		"tap #2: tap: a server->client datagram for sender ./c was dropped: its "
		"sender's credentials (pid 77) may not be sent, and it is never sent with "
		"udscope's instead (more are only counted)");
	assert_non_null(strstr(json(&ev), "\"fact\":\"datagram-dropped\",\"reason\":"
					  "\"credentials-unsendable\",\"peer_pid\":77"));
	(void)state;
}

static void test_fact_words(void **state)
{
	struct event ev;
	event_init(&ev, SRC_SERVER, EV_INFO);
	event_set_path(&ev, FACT_NODE_LEFT, "./s\x1b", 4, "renamed aside");
	assert_string_equal(line(&ev, 0), "server: left ./s\\x1b alone: it is no longer the node "
					  "this server created (renamed aside)");
	struct event copy;
	event_copy(&copy, &ev);
	assert_string_equal(line(&copy, 0), line(&ev, 0));
	event_init(&ev, SRC_TAP, EV_INFO);
	event_set_path(&ev, FACT_NODE_STALE, "./t", 3, NULL);
	assert_string_equal(line(&ev, 0),
			    "tap: removed stale socket node ./t (no socket was bound to it)");
	event_init(&ev, SRC_SERVER, EV_CLOSE);
	ev.conn = 2;
	ev.fact = FACT_CONN_CLOSED;
	ev.reason = REASON_SEND_FAILED;
	ev.cause_err = EPIPE;
	ev.has_peer = true;
	ev.peer_pid = 42;
	memcpy(ev.peer_comm, "nc", 3);
	ev.unsent = 7;
	assert_string_equal(line(&ev, 0), "server #2: pid 42 (nc) went away with 7 bytes of echo "
					  "unsent: Broken pipe (EPIPE)");
	ev.has_peer = false;
	ev.reason = REASON_STOPPING;
	assert_string_equal(line(&ev, 0),
			    "server #2: closed connection with connection #2: server stopping");
	event_init(&ev, SRC_TAP, EV_CLOSE);
	ev.conn = 1;
	ev.fact = FACT_CONN_CLOSED;
	ev.reason = REASON_RECV_FAILED;
	ev.dir = DIR_S2C;
	ev.cause_err = ECONNRESET;
	ev.bytes_in = 5;
	ev.bytes_out = 3;
	assert_string_equal(line(&ev, 0),
			    "tap #1: connection closed (client->server 5 bytes, "
			    "server->client 3 bytes): the server's side failed: recv: Connection "
			    "reset by peer (ECONNRESET); closed the client's at once");
	event_init(&ev, SRC_SERVER, EV_INFO);
	ev.fact = FACT_STOPPED;
	ev.count = 1;
	ev.bytes_in = ev.bytes_out = 2;
	ev.chunks_in = ev.chunks_out = 1;
	assert_string_equal(line(&ev, 0),
			    "server: stopped after 1 connection: received 2 bytes in "
			    "1 chunk, sent 2 bytes in 1 chunk");
	event_init(&ev, SRC_TAP, EV_ERROR);
	event_set_path(&ev, FACT_REFUSED, "./a", 3, NULL);
	ev.reason = REASON_OTHER_USER;
	ev.has_cred = true;
	ev.own_uid = ev.own_gid = 65534;
	assert_string_equal(line(&ev, 0),
			    "tap: tap ./a: refused the client (uid 0 gid 0): udscope "
			    "(uid 65534 gid 65534) may not connect as another user (not root, no "
			    "CAP_SETUID and CAP_SETGID), and the server would take it for uid 65534; "
			    "--lend-my-identity lets every client through as uid 65534");
	event_init(&ev, SRC_TAP, EV_INFO);
	ev.conn = 1;
	ev.fact = FACT_OWN_PID;
	ev.dir = DIR_C2S;
	ev.peer_pid = 7;
	ev.pid = 9;
	ev.uid = ev.gid = 65534;
	assert_string_equal(line(&ev, 0),
			    "tap #1: the client's process (pid 7) had exited before "
			    "its bytes went on: they carry its uid 65534 and gid 65534 with "
			    "udscope's pid 9 (SCM_CREDENTIALS), never udscope's uid");
	(void)state;
}

/* A name holding a NUL (an abstract one) is its exact bytes: JSON keeps the NUL (\u0000), a
 * 0xff byte goes to text_hex, the line escapes each once, and a copy keeps every byte. */
static void test_text_name_nul(void **state)
{
	(void)state;
	struct event ev, copy;
	event_init(&ev, SRC_SERVER, EV_LISTEN);
	ev.time_ns = 0;
	event_text_name(&ev, "", "@a\0b", 4, "");
	assert_int_equal(event_text_len(&ev), 4);
	assert_non_null(strstr(json(&ev), "\"text\":\"@a\\u0000b\""));
	assert_null(strstr(json(&ev), "text_hex"));
	assert_string_equal(line(&ev, 0), "server: starting up on @a\\x00b");
	event_copy(&copy, &ev);
	assert_int_equal(event_text_len(&copy), 4);
	assert_memory_equal(copy.text, "@a\0b", 4);
	event_init(&ev, SRC_CLIENT, EV_INFO);
	ev.time_ns = 0;
	event_text_name(&ev, "connecting to ", "@\xff\0", 3, " now");
	assert_non_null(
		strstr(json(&ev), "\"text_hex\":\"636f6e6e656374696e6720746f2040ff00206e6f77\""));
	assert_string_equal(line(&ev, 0), "client: connecting to @\\xff\\x00 now");
	event_text_name(&ev, "bound to ", "./p", 3, "");
	assert_int_equal(ev.text_len, 0);
	assert_string_equal(ev.text, "bound to ./p");
}

/* EV (a fact of the in-place tap's stop at ./t, of KIND with ERR) is worded as the line the
 * session thread used to print as TEXT, and its JSON has NAME with the guard, path and target. */
static void assert_inplace_line(enum event_fact fact, enum event_kind kind, int err,
				const char *name, const char *text)
{
	struct event ev, was;
	char expect[EVENT_LINE_MAX], members[160];
	event_init(&was, SRC_TAP, kind);
	was.err = err;
	snprintf(was.text, sizeof(was.text), "%s", text);
	snprintf(expect, sizeof(expect), "%s", line(&was, 0));
	event_init(&ev, SRC_TAP, kind);
	ev.err = err;
	event_set_path(&ev, fact, "./t", 3, NULL);
	event_set_target(&ev, "./.t.udscope-tap");
	ev.child_pid = 99;
	assert_string_equal(line(&ev, 0), expect);
	snprintf(members, sizeof(members),
		 "\"fact\":\"%s\",\"guard_pid\":99,\"path\":\"./t\",\"target\":\"./.t.udscope-tap\"",
		 name);
	assert_non_null(strstr(json(&ev), members));
}

/* The in-place tap's lines at stop beside its inplace-restored fact: a guard that did not
 * answer, and a node that could not be put back (tried again when udscope ends). */
static void test_fact_inplace_lines(void **state)
{
	assert_inplace_line(FACT_GUARD_SILENT, EV_INFO, 0, "guard-silent",
			    "the guard process did not answer within a second (is it stopped?); "
			    "it ends when it runs again, and puts back only the tap's node");
	assert_inplace_line(FACT_INPLACE_NOT_RESTORED, EV_ERROR, EPERM, "inplace-not-restored",
			    "tap ./t: put the server's node back from ./.t.udscope-tap (it is "
			    "tried again when udscope ends; `tap ./t --restore` does it by hand)");
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_server_words),
		cmocka_unit_test(test_one_byte),
		cmocka_unit_test(test_long_chunk_preview),
		cmocka_unit_test(test_error_words),
		cmocka_unit_test(test_dropped_and_time),
		cmocka_unit_test(test_pair_label),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_data_every_byte),
		cmocka_unit_test(test_json_utf8_text),
		cmocka_unit_test(test_json_invalid_text),
		cmocka_unit_test(test_json_worst_case_fits),
		cmocka_unit_test(test_escaped_once),
		cmocka_unit_test(test_fact_words),
		cmocka_unit_test(test_fact_inplace_lines),
		cmocka_unit_test(test_fact_flow_words),
		cmocka_unit_test(test_text_name_nul),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
