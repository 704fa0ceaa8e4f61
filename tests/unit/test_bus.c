/* test_bus: the event ring: order, wrap-around, drop counting, waiting producers, wake fd. */
#include "config.h"

#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/base/bus.h"

static void publish_n(struct bus *b, uint32_t from, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		struct event ev;
		event_init(&ev, SRC_SERVER, EV_RECV);
		ev.conn = from + i;
		event_set_bytes(&ev, &ev.conn, sizeof(ev.conn));
		bus_publish(b, &ev);
	}
}

static bool readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	return poll(&p, 1, 0) == 1;
}

static void test_order_and_wraparound(void **state)
{
	struct bus *b = bus_new(8, BUS_LOSSY);
	struct event out[8];
	uint32_t next = 1;
	assert_false(readable(bus_fd(b)));
	/* 5 rounds of 6 through a ring of 8: head wraps several times. */
	for (int round = 0; round < 5; round++) {
		publish_n(b, next, 6);
		assert_true(readable(bus_fd(b)));
		size_t n = bus_drain(b, out, 8);
		assert_int_equal(n, 6);
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(out[i].conn, next);
			assert_int_equal(out[i].nbytes, 4);
			assert_memory_equal(out[i].preview, &out[i].conn, 4);
			assert_int_equal(out[i].dropped, 0);
			next++;
		}
		assert_false(readable(bus_fd(b)));
	}
	assert_int_equal(bus_published(b), 30);
	bus_free(b);
}

/* Emptied rings start again at their first slot: partial drains, refills and a full ring
 * after that still come out in order, numbered on, with their bytes. */
static void test_order_after_emptying(void **state)
{
	struct bus *b = bus_new(8, BUS_LOSSY);
	struct event out[8];
	uint32_t next = 1, want = 1;
	uint64_t seq = 0;
	static const uint32_t put[] = { 3, 5, 8, 1, 7, 8 }, take[] = { 2, 8, 3, 8, 8, 8 };
	for (size_t r = 0; r < sizeof(put) / sizeof(put[0]); r++) {
		publish_n(b, next, put[r]);
		next += put[r];
		size_t n = bus_drain(b, out, take[r]);
		for (size_t i = 0; i < n; i++, want++) {
			assert_int_equal(out[i].conn, want);
			assert_memory_equal(out[i].preview, &want, sizeof(want));
			assert_int_equal(out[i].seq, ++seq);
		}
	}
	assert_int_equal(bus_drain(b, out, 8), 0);
	assert_int_equal(want, next);
	assert_int_equal(bus_dropped(b), 0);
	bus_free(b);
}

static void test_lossy_counts_drops(void **state)
{
	struct bus *b = bus_new(4, BUS_LOSSY);
	struct event out[8];
	publish_n(b, 1, 10);           /* 4 kept, 6 dropped */
	assert_int_equal(bus_dropped(b), 6);
	assert_int_equal(bus_drain(b, out, 8), 4);
	assert_int_equal(out[0].conn, 1);
	assert_int_equal(out[3].conn, 4);
	publish_n(b, 100, 1);          /* the next event carries the count */
	assert_int_equal(bus_drain(b, out, 8), 1);
	assert_int_equal(out[0].conn, 100);
	assert_int_equal(out[0].dropped, 6);
	/* Sequence numbers show the gap. */
	assert_int_equal(out[0].seq, 11);
	publish_n(b, 200, 1);
	assert_int_equal(bus_drain(b, out, 8), 1);
	assert_int_equal(out[0].dropped, 0);
	bus_free(b);
}

static void test_partial_drain_keeps_wake(void **state)
{
	struct bus *b = bus_new(16, BUS_LOSSY);
	struct event out[16];
	publish_n(b, 1, 5);
	assert_int_equal(bus_drain(b, out, 2), 2);
	assert_true(readable(bus_fd(b)));
	assert_int_equal(bus_drain(b, out, 16), 3);
	assert_int_equal(out[0].conn, 3);
	assert_false(readable(bus_fd(b)));
	bus_free(b);
}

#define PRODUCERS 4
#define PER_PRODUCER 20000

struct producer {
	struct bus *b;
	uint32_t id;
};

static void *produce(void *arg)
{
	struct producer *p = arg;
	for (uint32_t i = 0; i < PER_PRODUCER; i++) {
		struct event ev;
		event_init(&ev, SRC_SERVER, EV_RECV);
		ev.conn = p->id;
		ev.nbytes = i;
		bus_publish(p->b, &ev);
	}
	return NULL;
}

static void test_lossless_many_producers(void **state)
{
	/* A small ring forces producers to wait for the consumer many times. */
	struct bus *b = bus_new(64, BUS_LOSSLESS);
	pthread_t t[PRODUCERS];
	struct producer p[PRODUCERS];
	for (uint32_t i = 0; i < PRODUCERS; i++) {
		p[i] = (struct producer){ b, i };
		assert_int_equal(pthread_create(&t[i], NULL, produce, &p[i]), 0);
	}
	uint64_t next[PRODUCERS] = { 0 }, last_seq = 0, total = 0;
	static struct event out[32];
	while (total < PRODUCERS * PER_PRODUCER) {
		struct pollfd pfd = { .fd = bus_fd(b), .events = POLLIN };
		poll(&pfd, 1, 1000);
		size_t n = bus_drain(b, out, 32);
		for (size_t i = 0; i < n; i++) {
			assert_true(out[i].seq > last_seq);
			last_seq = out[i].seq;
			assert_int_equal(out[i].dropped, 0);
			/* Each producer's events arrive in its own order. */
			assert_int_equal(out[i].nbytes, next[out[i].conn]);
			next[out[i].conn]++;
		}
		total += n;
	}
	for (int i = 0; i < PRODUCERS; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(bus_dropped(b), 0);
	assert_int_equal(bus_published(b), PRODUCERS * PER_PRODUCER);
	bus_free(b);
}

static void test_text_copied(void **state)
{
	struct bus *b = bus_new(2, BUS_LOSSY);
	struct event ev, out;
	event_init(&ev, SRC_SYSTEM, EV_INFO);
	event_textf(&ev, "hello %d", 42);
	bus_publish(b, &ev);
	memset(ev.text, 'x', sizeof(ev.text));   /* the ring keeps its own copy */
	assert_int_equal(bus_drain(b, &out, 1), 1);
	assert_string_equal(out.text, "hello 42");
	bus_free(b);
}

/* Events lent in place (bus_peek): in order, one run up to the ring's end, not written over
 * while lent (a full lossy ring drops instead), none lent twice; released, they are gone and
 * the rest follow. */
static void test_peek_lends_in_place(void **state)
{
	(void)state;
	struct bus *b = bus_new(4, BUS_LOSSY);
	struct event out[4], *lent;
	publish_n(b, 1, 3);
	assert_int_equal(bus_drain(b, out, 2), 2);
	publish_n(b, 4, 3); /* 3, 4 at the ring's end, 5, 6 at its start */
	assert_int_equal(bus_peek(b, &lent, 10), 2);
	assert_int_equal(lent[0].conn, 3);
	assert_int_equal(lent[1].conn, 4);
	struct event *again; /* a nested pump: nothing, and its release keeps the loan */
	assert_int_equal(bus_peek(b, &again, 10), 0);
	bus_release(b, 0);
	assert_int_equal(bus_peek(b, &again, 10), 0);
	assert_int_equal(bus_drain(b, out, 4), 0);
	publish_n(b, 7, 1); /* full: dropped, not written over the loan */
	assert_int_equal(bus_dropped(b), 1);
	assert_int_equal(lent[0].conn, 3);
	assert_int_equal(lent[1].conn, 4);
	assert_true(readable(bus_fd(b)));
	bus_release(b, 2);
	assert_true(readable(bus_fd(b)));
	assert_int_equal(bus_peek(b, &lent, 1), 1);
	assert_int_equal(lent[0].conn, 5);
	bus_release(b, 1);
	assert_int_equal(bus_peek(b, &lent, 10), 1);
	assert_int_equal(lent[0].conn, 6);
	assert_int_equal(lent[0].dropped, 0);
	bus_release(b, 1);
	assert_false(readable(bus_fd(b)));
	assert_int_equal(bus_peek(b, &lent, 10), 0);
	bus_release(b, 0);
	publish_n(b, 8, 1); /* the next one says what was dropped */
	assert_int_equal(bus_peek(b, &lent, 10), 1);
	assert_int_equal(lent[0].conn, 8);
	assert_int_equal(lent[0].dropped, 1);
	bus_release(b, 1);
	bus_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_wraparound),
		cmocka_unit_test(test_order_after_emptying),
		cmocka_unit_test(test_lossy_counts_drops),
		cmocka_unit_test(test_partial_drain_keeps_wake),
		cmocka_unit_test(test_lossless_many_producers),
		cmocka_unit_test(test_text_copied),
		cmocka_unit_test(test_peek_lends_in_place),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
