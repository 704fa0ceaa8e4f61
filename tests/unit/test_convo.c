/* test_convo: the conversation history from events: calls per end, udscope's two ends joined
 * only by the inodes their events carry (in either order, however late), what is not seen and
 * why, cut messages, the bounds, and the
 * items of a sequence diagram (client and server, the pair demo). Pure: events built here. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/teach/convo.h"

static uint64_t clock_ns;

static struct event ev(enum event_source src, enum event_kind kind, uint32_t session,
		       uint32_t conn, uint64_t nbytes)
{
	struct event e;
	memset(&e, 0, sizeof(e));
	e.source = (uint8_t)src;
	e.kind = (uint8_t)kind;
	e.session = session;
	e.conn = conn;
	e.nbytes = nbytes;
	e.time_ns = clock_ns += 1000;
	return e;
}

static void feed(struct convo *c, struct event e)
{
	convo_observe(c, &e);
}

/* Client SESSION's "connected" line, naming its socket's inode INO. */
static void connected_as(struct convo *c, uint32_t session, uint64_t ino)
{
	struct event e = ev(SRC_CLIENT, EV_INFO, session, 0, 0);
	e.sock_ino = ino;
	snprintf(e.text, sizeof(e.text), "connected to /tmp/s");
	feed(c, e);
}

/* Server #1 accepts connection CONN from PID, its client end being inode PEER (0: unknown). */
static void accept_conn(struct convo *c, uint32_t conn, pid_t pid, uint64_t peer)
{
	struct event e = ev(SRC_SERVER, EV_ACCEPT, 1, conn, 0);
	e.has_cred = true;
	e.pid = pid;
	e.peer_ino = peer;
	snprintf(e.text, sizeof(e.text), "python3");
	feed(c, e);
}

#define CLIENT_INO 7001

/* The walkthrough: client #2 (socket CLIENT_INO) sends 41, server #1 connection 1 (its client
 * end: PEER) reads 16 + 16 + 9 and echoes. */
static void walkthrough(struct convo *c, pid_t client_pid, uint64_t peer)
{
	static const uint64_t pieces[] = { 16, 16, 9 };
	connected_as(c, 2, CLIENT_INO);
	feed(c, ev(SRC_CLIENT, EV_SEND, 2, 0, 41));
	accept_conn(c, 1, client_pid, peer);
	for (int i = 0; i < 3; i++) {
		feed(c, ev(SRC_SERVER, EV_RECV, 1, 1, pieces[i]));
		feed(c, ev(SRC_SERVER, EV_SEND, 1, 1, pieces[i]));
		feed(c, ev(SRC_CLIENT, EV_RECV, 2, 0, pieces[i]));
	}
}

static void assert_ends(const struct dmap_side *s, const uint64_t *want, size_t n)
{
	assert_true(s->known);
	assert_int_equal(s->n, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(s->ends[i], want[i]);
}

static void test_matched_ends(void **state)
{
	(void)state;
	struct convo c;
	convo_init(&c);
	walkthrough(&c, c.self, CLIENT_INO);
	const struct convo_end *sv = convo_find(&c, 1, 1), *cl = convo_find(&c, 2, 0);
	assert_non_null(sv);
	assert_non_null(cl);
	assert_true(sv->matched && cl->matched);
	assert_ptr_equal(convo_peer(&c, sv), cl);
	assert_ptr_equal(convo_peer(&c, cl), sv);
	assert_int_equal(sv->unknown, CONVO_KNOWN);
	struct dmap fwd, back;
	convo_directions(&c, cl, &fwd, &back);
	static const uint64_t one[] = { 41 }, three[] = { 16, 32, 41 };
	assert_ends(&fwd.sent, one, 1);
	assert_ends(&fwd.received, three, 3);
	assert_ends(&back.sent, three, 3);
	assert_ends(&back.received, three, 3);
	/* Newest: the client's last recv came last. */
	assert_ptr_equal(convo_newest(&c, 0, 1u << CONVO_CLIENT | 1u << CONVO_SERVER), cl);
	convo_free(&c);
}

static void test_outside_and_unmatched(void **state)
{
	(void)state;
	struct convo c;
	convo_init(&c);
	walkthrough(&c, c.self + 1, CLIENT_INO);   /* another process: never joined */
	const struct convo_end *sv = convo_find(&c, 1, 1);
	assert_false(sv->matched);
	assert_int_equal(sv->unknown, CONVO_OUTSIDE);
	assert_int_equal(sv->peer_pid, c.self + 1);
	assert_string_equal(sv->peer_comm, "python3");
	struct dmap fwd, back;
	convo_directions(&c, sv, &fwd, &back);
	assert_false(fwd.sent.known);
	assert_false(back.received.known);
	assert_int_equal(fwd.received.n, 3);
	assert_int_equal(convo_find(&c, 2, 0)->unknown, CONVO_NOT_SEEN);
	convo_free(&c);
	/* Our own pid, but no client end is known by that inode: said so, never guessed. */
	convo_init(&c);
	walkthrough(&c, c.self, 0);
	assert_int_equal(convo_find(&c, 1, 1)->unknown, CONVO_UNMATCHED);
	assert_false(convo_find(&c, 2, 0)->matched);
	convo_free(&c);
	convo_init(&c);
	walkthrough(&c, c.self, CLIENT_INO + 1);
	assert_int_equal(convo_find(&c, 1, 1)->unknown, CONVO_UNMATCHED);
	assert_false(convo_find(&c, 2, 0)->matched);
	convo_free(&c);
}

/* The joined pair: server #1 connection CONN and client SESSION, each the other's peer. */
static void assert_joined(const struct convo *c, uint32_t conn, uint32_t session)
{
	const struct convo_end *sv = convo_find(c, 1, conn), *cl = convo_find(c, session, 0);
	assert_non_null(sv);
	assert_non_null(cl);
	assert_true(sv->matched && cl->matched);
	assert_int_equal(sv->unknown, CONVO_KNOWN);
	assert_int_equal(cl->unknown, CONVO_KNOWN);
	assert_ptr_equal(convo_peer(c, sv), cl);
	assert_ptr_equal(convo_peer(c, cl), sv);
}

static void test_match_orders(void **state)
{
	(void)state;
	struct convo c;
	convo_init(&c);
	/* The accept is seen before the client's "connected" line: joined when that comes. */
	accept_conn(&c, 1, c.self, 9001);
	assert_int_equal(convo_find(&c, 1, 1)->unknown, CONVO_UNMATCHED);
	feed(&c, ev(SRC_SERVER, EV_RECV, 1, 1, 5));
	connected_as(&c, 3, 9001);
	assert_joined(&c, 1, 3);
	/* A client that has sent, received and finished (its session reaped since) before its
	 * accept is seen: the events still join them. */
	connected_as(&c, 4, 9002);
	feed(&c, ev(SRC_CLIENT, EV_SEND, 4, 0, 5));
	feed(&c, ev(SRC_CLIENT, EV_RECV, 4, 0, 5));
	feed(&c, ev(SRC_CLIENT, EV_CLOSE, 4, 0, 0));
	feed(&c, ev(SRC_CLIENT, EV_DONE, 4, 0, 0));
	accept_conn(&c, 2, c.self, 9002);
	assert_joined(&c, 2, 4);
	struct dmap fwd, back;
	convo_directions(&c, convo_find(&c, 1, 2), &fwd, &back);
	static const uint64_t five[] = { 5 };
	assert_ends(&fwd.sent, five, 1);
	assert_ends(&back.received, five, 1);
	/* Two clients, their accepts crossed: each by its own inode, never by order. */
	connected_as(&c, 5, 100);
	connected_as(&c, 6, 200);
	accept_conn(&c, 3, c.self, 200);
	accept_conn(&c, 4, c.self, 100);
	assert_joined(&c, 3, 6);
	assert_joined(&c, 4, 5);
	/* An inode already joined is not joined again; another process's is never looked up. */
	accept_conn(&c, 5, c.self, 100);
	assert_int_equal(convo_find(&c, 1, 5)->unknown, CONVO_UNMATCHED);
	connected_as(&c, 7, 300);
	accept_conn(&c, 6, c.self + 1, 300);
	assert_int_equal(convo_find(&c, 1, 6)->unknown, CONVO_OUTSIDE);
	assert_false(convo_find(&c, 7, 0)->matched);
	/* A client connecting later with an inode no accept named joins nothing. */
	connected_as(&c, 8, 400);
	assert_false(convo_find(&c, 8, 0)->matched);
	assert_false(convo_find(&c, 1, 5)->matched);
	convo_free(&c);
}

static void test_match_ring(void **state)
{
	(void)state;
	struct convo_match m;
	memset(&m, 0, sizeof(m));
	convo_match_note(&m, 0, 9);   /* no inode: not kept */
	assert_int_equal(m.n, 0);
	assert_int_equal(convo_match_find(&m, 0), 0);
	for (uint32_t i = 1; i <= CONVO_MATCH_MAX; i++)
		convo_match_note(&m, 1000 + i, i);
	assert_int_equal(convo_match_find(&m, 1001), 1);
	assert_int_equal(convo_match_find(&m, 1000 + CONVO_MATCH_MAX), CONVO_MATCH_MAX);
	/* One more: the oldest is forgotten; an inode given again finds the newer session. */
	convo_match_note(&m, 1002, 5000);
	assert_int_equal(m.n, CONVO_MATCH_MAX);
	assert_int_equal(convo_match_find(&m, 1001), 0);
	assert_int_equal(convo_match_find(&m, 1002), 5000);
	assert_int_equal(convo_match_find(&m, 1003), 3);
	assert_int_equal(convo_match_find(&m, 99), 0);
}

static void test_cut_messages_and_ignored(void **state)
{
	(void)state;
	struct convo c;
	convo_init(&c);
	struct event e = ev(SRC_SERVER, EV_RECV, 5, 0, 16);   /* a datagram server */
	e.message = true;
	e.msg_len = 41;
	feed(&c, e);
	feed(&c, ev(SRC_SERVER, EV_WAIT, 5, 0, 0));        /* the listener's own line */
	feed(&c, ev(SRC_SYSTEM, EV_INFO, 0, 0, 0));
	assert_int_equal(c.n, 1);
	const struct convo_end *d = convo_find(&c, 5, 0);
	assert_int_equal(d->unknown, CONVO_DATAGRAMS);
	assert_true(d->messages);
	assert_int_equal(d->recvs.cut_msgs, 1);
	assert_int_equal(d->recvs.cut_bytes, 25);
	assert_string_equal(d->items[0].label, "recv 16 of 41 (cut)");
	convo_free(&c);
}

static void test_bounds(void **state)
{
	(void)state;
	struct convo c;
	convo_init(&c);
	for (unsigned i = 0; i < CONVO_CALLS_MAX + 10; i++)
		feed(&c, ev(SRC_CLIENT, EV_RECV, 2, 0, 2));
	const struct convo_end *cl = convo_find(&c, 2, 0);
	assert_int_equal(cl->recvs.calls.n, CONVO_CALLS_MAX);
	assert_int_equal(cl->recvs.more_calls, 10);
	assert_int_equal(cl->recvs.more_bytes, 20);
	assert_int_equal(cl->nitems, CONVO_ITEMS_MAX);
	assert_int_equal(cl->more_items, CONVO_CALLS_MAX + 10 - CONVO_ITEMS_MAX);
	/* Ends: the oldest ended one goes first, then the oldest. */
	feed(&c, ev(SRC_CLIENT, EV_CLOSE, 2, 0, 0));
	for (uint32_t s = 100; s < 100 + CONVO_ENDS_MAX; s++)
		feed(&c, ev(SRC_CLIENT, EV_SEND, s, 0, 1));
	assert_int_equal(c.n, CONVO_ENDS_MAX);
	assert_int_equal(c.forgotten, 1);
	assert_null(convo_find(&c, 2, 0));
	feed(&c, ev(SRC_CLIENT, EV_SEND, 999, 0, 1));
	assert_null(convo_find(&c, 100, 0));
	assert_non_null(convo_find(&c, 101, 0));
	convo_free(&c);
}

static void test_diagrams(void **state)
{
	(void)state;
	struct convo c;
	convo_init(&c);
	walkthrough(&c, c.self, CLIENT_INO);
	struct seqdiag d;
	assert_int_equal(convo_diagram(&c, convo_find(&c, 1, 1), &d), 0);
	assert_string_equal(d.names[0], "client #2");
	assert_string_equal(d.names[1], "server #1 connection 1");
	/* By time: the send from the left, then the server's recv and echo on the right. */
	assert_int_equal(d.n, 10);
	assert_int_equal(d.v[0].kind, SEQ_ARROW);
	assert_int_equal(d.v[0].side, SEQ_LEFT);
	assert_string_equal(d.v[0].label, "41 bytes");
	assert_string_equal(d.v[1].label, "recv 16");
	assert_int_equal(d.v[1].side, SEQ_RIGHT);
	assert_int_equal(d.v[2].kind, SEQ_ARROW);
	assert_int_equal(d.v[2].side, SEQ_RIGHT);
	assert_int_equal(d.v[3].side, SEQ_LEFT);
	seqdiag_free(&d);
	/* The pair demo: fork, ping (said by the child), pong (said by the parent), exit. */
	struct event e = ev(SRC_PAIR_PARENT, EV_INFO, 7, 0, 0);
	feed(&c, e);
	feed(&c, ev(SRC_PAIR_PARENT, EV_INFO, 7, 0, 0));   /* "in parent, sending": no item */
	e = ev(SRC_PAIR_CHILD, EV_INFO, 7, 0, 4);
	memcpy(e.preview, "ping", 4);
	e.preview_len = 4;
	feed(&c, e);
	e = ev(SRC_PAIR_PARENT, EV_INFO, 7, 0, 4);
	memcpy(e.preview, "p\x01ng", 4);
	e.preview_len = 4;
	feed(&c, e);
	e = ev(SRC_PAIR_CHILD, EV_INFO, 7, 0, 0);
	e.fact = FACT_CHILD_EXITED; /* the note is made from the status, not from text */
	e.exit_status = 0;
	feed(&c, e);
	e = ev(SRC_PAIR_CHILD, EV_INFO, 8, 0, 0);
	e.fact = FACT_CHILD_KILLED;
	e.signo = 9;
	feed(&c, e);
	assert_int_equal(convo_diagram(&c, convo_find(&c, 7, 0), &d), 0);
	assert_string_equal(d.names[0], "parent");
	assert_int_equal(d.n, 4);
	assert_string_equal(d.v[0].label, "socketpair and fork");
	assert_string_equal(d.v[1].label, "4 bytes b'ping'");
	assert_int_equal(d.v[1].side, SEQ_LEFT);
	assert_string_equal(d.v[2].label, "4 bytes b'p\\x01ng'");
	assert_int_equal(d.v[2].side, SEQ_RIGHT);
	assert_string_equal(d.v[3].label, "exited with status 0");
	assert_int_equal(d.v[3].side, SEQ_RIGHT);
	seqdiag_free(&d);
	assert_int_equal(convo_diagram(&c, convo_find(&c, 8, 0), &d), 0);
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].label, "killed by signal 9 (SIGKILL)");
	assert_int_equal(d.v[0].side, SEQ_RIGHT);
	seqdiag_free(&d);
	convo_free(&c);
}

/* The pair's failures: the parent's note is made from the fact's fields (its text is empty),
 * an error that is no fact from its errno, never from words. */
static void test_pair_failure_notes(void **state)
{
	(void)state;
	struct convo c;
	convo_init(&c);
	static const struct {
		uint8_t reason;
		int status;
		uint64_t got, expected;
		const char *note;
	} cases[] = {
		{ REASON_EXITED_FIRST, 3, 0, 4, "no reply: exited with status 3" },
		{ REASON_KILLED_FIRST, 0, 0, 4, "no reply: killed by signal 9 (SIGKILL)" },
		{ REASON_NO_REPLY, 0, 0, 4, "killed: no reply in 1500 ms" },
		{ REASON_NO_EXIT, 0, 4, 4, "killed: replied, no exit in 1500 ms" },
		{ REASON_ENDED_FIRST, 0, 0, 4, "no reply: the child ended" },
		{ REASON_SHORT_REPLY, 0, 3, 5, "short reply: 3 of 5 bytes" },
		{ REASON_UNCLEAN_EXIT, 0, 4, 4, "replied, did not exit cleanly" },
	};
	size_t n = sizeof(cases) / sizeof(cases[0]);
	for (size_t k = 0; k < n; k++) {
		struct event e = ev(SRC_PAIR_PARENT, EV_ERROR, (uint32_t)(20 + k), 0, 0);
		e.fact = FACT_PAIR_FAILED;
		e.reason = cases[k].reason;
		e.child_pid = 1234;
		e.exit_status = cases[k].status;
		e.signo = 9;
		e.timeout_ms = 1500;
		e.got = cases[k].got;
		e.expected = cases[k].expected;
		feed(&c, e);
	}
	struct event e = ev(SRC_PAIR_PARENT, EV_ERROR, (uint32_t)(20 + n), 0, 0);
	e.err = EPIPE;
	snprintf(e.text, sizeof(e.text), "pair: send");
	feed(&c, e);
	for (size_t k = 0; k <= n; k++) {
		struct seqdiag d;
		assert_int_equal(convo_diagram(&c, convo_find(&c, (uint32_t)(20 + k), 0), &d), 0);
		assert_int_equal(d.n, 1);
		assert_int_equal(d.v[0].kind, SEQ_NOTE);
		assert_int_equal(d.v[0].side, SEQ_LEFT);
		assert_string_equal(d.v[0].label, k < n ? cases[k].note : "failed: EPIPE");
		seqdiag_free(&d);
	}
	convo_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matched_ends),
		cmocka_unit_test(test_outside_and_unmatched),
		cmocka_unit_test(test_match_orders),
		cmocka_unit_test(test_match_ring),
		cmocka_unit_test(test_cut_messages_and_ignored),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_diagrams),
		cmocka_unit_test(test_pair_failure_notes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
