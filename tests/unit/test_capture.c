/* test_capture: the chunk store: exact bytes, budget and eviction counts, wrap-around, threads. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/base/capture.h"

/* Byte K of a chunk made from SEED: every test can rebuild what it stored. */
static unsigned char pattern(uint32_t seed, size_t k)
{
	return (unsigned char)((seed * 2654435761u + k * 131u + (k >> 8)) >> 3);
}

static void fill(unsigned char *buf, uint32_t seed, size_t n)
{
	for (size_t k = 0; k < n; k++)
		buf[k] = pattern(seed, k);
}

static void assert_chunk(struct capture *c, uint64_t id, uint32_t seed, size_t n)
{
	unsigned char *want = malloc(n + 1), *got = malloc(n + 1);
	fill(want, seed, n);
	assert_int_equal(capture_len(c, id), n);
	assert_int_equal(capture_read(c, id, 0, got, n + 1), n);
	assert_memory_equal(got, want, n);
	free(want);
	free(got);
}

static void test_round_trip(void **state)
{
	struct capture *c = capture_new(4096);
	unsigned char all[256], got[300];
	for (int i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	uint64_t id = capture_put(c, all, sizeof(all));
	assert_int_equal(id, 1);
	all[0] = 0xff;                     /* the store keeps its own copy */
	assert_int_equal(capture_read(c, id, 0, got, 1), 1);
	assert_int_equal(got[0], 0);
	all[0] = 0;
	assert_int_equal(capture_len(c, id), 256);
	memset(got, 0xaa, sizeof(got));
	assert_int_equal(capture_read(c, id, 0, got, sizeof(got)), 256);
	assert_memory_equal(got, all, 256);
	assert_int_equal(got[256], 0xaa);  /* nothing written past the chunk */

	/* Reads at offsets, partial reads, and the end. */
	assert_int_equal(capture_read(c, id, 100, got, 50), 50);
	assert_memory_equal(got, all + 100, 50);
	assert_int_equal(capture_read(c, id, 250, got, 50), 6);
	assert_memory_equal(got, all + 250, 6);
	assert_int_equal(capture_read(c, id, 255, got, 1), 1);
	assert_int_equal(got[0], 255);
	assert_int_equal(capture_read(c, id, 7, got, 0), 0);
	assert_int_equal(capture_read(c, id, 256, got, 10), 0);
	assert_int_equal(capture_read(c, id, 257, got, 10), -EINVAL);

	/* Ids never stored. */
	assert_int_equal(capture_read(c, 0, 0, got, 10), -ENOENT);
	assert_int_equal(capture_read(c, 2, 0, got, 10), -ENOENT);
	assert_int_equal(capture_len(c, 0), -ENOENT);
	assert_int_equal(capture_len(c, 2), -ENOENT);
	capture_free(c);
}

static void test_ids_and_empty_chunks(void **state)
{
	struct capture *c = capture_new(1024);
	unsigned char b[3] = { 'a', 'b', 'c' }, got[4];
	assert_int_equal(capture_put(c, b, 3), 1);
	assert_int_equal(capture_put(c, NULL, 0), 2);   /* an empty datagram is a chunk too */
	assert_int_equal(capture_put(c, b + 1, 2), 3);
	assert_int_equal(capture_len(c, 1), 3);
	assert_int_equal(capture_len(c, 2), 0);
	assert_int_equal(capture_read(c, 2, 0, got, 4), 0);
	assert_int_equal(capture_read(c, 2, 1, got, 4), -EINVAL);
	assert_int_equal(capture_read(c, 3, 0, got, 4), 2);
	assert_memory_equal(got, "bc", 2);
	struct capture_stats s;
	capture_stats(c, &s);
	assert_int_equal(s.stored, 3);
	assert_int_equal(s.stored_bytes, 5);
	assert_int_equal(s.in_use_bytes, 5);
	assert_int_equal(s.live_chunks, 3);
	assert_int_equal(s.oldest_id, 1);
	assert_int_equal(s.newest_id, 3);
	assert_int_equal(s.budget, 1024);
	capture_free(c);
}

static void test_large_at_every_alignment(void **state)
{
	/* Chunks from 1 KiB up take the streaming copy: start them at every offset mod 16, with
	 * tails of many lengths mod 64, and read them back whole. */
	struct capture *c = capture_new(1u << 20);
	static unsigned char buf[4096];
	for (uint32_t i = 0; i < 64; i++) {
		uint32_t pad = 1 + i % 15;
		size_t n = 1023 + i * 17;
		fill(buf, 1000 + i, pad);
		uint64_t pid = capture_put(c, buf, pad);
		fill(buf, i, n);
		uint64_t id = capture_put(c, buf, n);
		assert_int_equal(id, pid + 1);
		assert_chunk(c, pid, 1000 + i, pad);
		assert_chunk(c, id, i, n);
	}
	capture_free(c);
}

static void test_budget_evicts_oldest(void **state)
{
	struct capture *c = capture_new(1000);
	unsigned char buf[1001];
	struct capture_stats s;
	for (uint32_t i = 1; i <= 10; i++) {
		fill(buf, i, 100);
		assert_int_equal(capture_put(c, buf, 100), i);
	}
	capture_stats(c, &s);
	assert_int_equal(s.in_use_bytes, 1000);
	assert_int_equal(s.evicted, 0);

	/* 250 more bytes: the three oldest chunks go, and only they. */
	fill(buf, 11, 250);
	assert_int_equal(capture_put(c, buf, 250), 11);
	capture_stats(c, &s);
	assert_int_equal(s.evicted, 3);
	assert_int_equal(s.evicted_bytes, 300);
	assert_int_equal(s.in_use_bytes, 950);
	assert_int_equal(s.live_chunks, 8);
	assert_int_equal(s.oldest_id, 4);
	assert_int_equal(s.newest_id, 11);
	for (uint64_t id = 1; id <= 3; id++) {
		assert_int_equal(capture_read(c, id, 0, buf, 100), -ENOENT);
		assert_int_equal(capture_len(c, id), -ENOENT);
	}
	for (uint32_t id = 4; id <= 10; id++)
		assert_chunk(c, id, id, 100);
	assert_chunk(c, 11, 11, 250);

	/* Larger than the budget: refused and counted, and nothing is evicted for it. */
	assert_int_equal(capture_put(c, buf, 1001), 0);
	capture_stats(c, &s);
	assert_int_equal(s.too_big, 1);
	assert_int_equal(s.evicted, 3);
	assert_int_equal(s.stored, 11);
	assert_int_equal(s.live_chunks, 8);

	/* Exactly the budget: everything else goes; the next id follows on. */
	fill(buf, 12, 1000);
	assert_int_equal(capture_put(c, buf, 1000), 12);
	capture_stats(c, &s);
	assert_int_equal(s.evicted, 11);
	assert_int_equal(s.evicted_bytes, 1250);
	assert_int_equal(s.in_use_bytes, 1000);
	assert_int_equal(s.live_chunks, 1);
	assert_int_equal(s.stored_bytes, 2250);
	assert_chunk(c, 12, 12, 1000);
	assert_int_equal(capture_len(c, 11), -ENOENT);
	capture_free(c);
}

static void test_disabled(void **state)
{
	struct capture *c = capture_new(0);
	unsigned char b[16] = { 0 };
	assert_non_null(c);
	assert_int_equal(capture_put(c, b, sizeof(b)), 0);
	assert_int_equal(capture_put(c, b, 0), 0);
	assert_int_equal(capture_read(c, 1, 0, b, sizeof(b)), -ENOENT);
	assert_int_equal(capture_len(c, 1), -ENOENT);
	struct capture_stats s;
	capture_stats(c, &s);
	assert_int_equal(s.stored, 0);
	assert_int_equal(s.too_big, 0);
	assert_int_equal(s.in_use_bytes, 0);
	assert_int_equal(s.budget, 0);
	assert_int_equal(s.live_chunks, 0);
	assert_int_equal(s.newest_id, 0);
	capture_free(c);
}

static void test_slot_limit(void **state)
{
	/* 1000 bytes of budget get the minimum index: small chunks are limited by count. */
	struct capture *c = capture_new(1000);
	struct capture_stats s;
	capture_stats(c, &s);
	assert_int_equal(s.max_chunks, CAPTURE_MIN_SLOTS);
	for (uint32_t i = 1; i <= 100; i++) {
		unsigned char b = (unsigned char)i;
		assert_int_equal(capture_put(c, &b, 1), i);
	}
	capture_stats(c, &s);
	assert_int_equal(s.live_chunks, CAPTURE_MIN_SLOTS);
	assert_int_equal(s.evicted, 100 - CAPTURE_MIN_SLOTS);
	assert_int_equal(s.evicted_bytes, 100 - CAPTURE_MIN_SLOTS);
	assert_int_equal(s.in_use_bytes, CAPTURE_MIN_SLOTS);
	assert_int_equal(s.oldest_id, 100 - CAPTURE_MIN_SLOTS + 1);
	for (uint64_t id = s.oldest_id; id <= 100; id++) {
		unsigned char b;
		assert_int_equal(capture_read(c, id, 0, &b, 1), 1);
		assert_int_equal(b, id);
	}
	assert_int_equal(capture_len(c, s.oldest_id - 1), -ENOENT);

	/* A large budget gets one slot per CAPTURE_BYTES_PER_SLOT bytes. */
	struct capture *big = capture_new(64u << 20);
	capture_stats(big, &s);
	assert_int_equal(s.max_chunks, (64u << 20) / CAPTURE_BYTES_PER_SLOT);
	capture_free(big);
	capture_free(c);
}

/* ---- many laps of varied sizes against a model ---- */

#define LAP_BUDGET (64u * 1024)
#define LAP_CHUNKS 3000
#define LAP_MAX 5000

struct model {
	uint32_t len[LAP_CHUNKS + 1];    /* by id */
	uint64_t oldest, next, in_use, evicted, evicted_bytes, wrapped;
	uint64_t pos;                     /* logical write position, to see wraps happen */
};

static void model_put(struct model *m, uint32_t n)
{
	while (m->in_use + n > LAP_BUDGET) {
		m->in_use -= m->len[m->oldest];
		m->evicted++;
		m->evicted_bytes += m->len[m->oldest];
		m->oldest++;
	}
	if (m->pos % LAP_BUDGET + n > LAP_BUDGET)
		m->wrapped++;
	m->pos += n;
	m->len[m->next++] = n;
	m->in_use += n;
}

static void assert_model(struct capture *c, const struct model *m)
{
	struct capture_stats s;
	capture_stats(c, &s);
	assert_true(s.in_use_bytes <= LAP_BUDGET);
	assert_int_equal(s.in_use_bytes, m->in_use);
	assert_int_equal(s.evicted, m->evicted);
	assert_int_equal(s.evicted_bytes, m->evicted_bytes);
	assert_int_equal(s.oldest_id, m->oldest);
	assert_int_equal(s.newest_id, m->next - 1);
	for (uint64_t id = m->oldest; id < m->next; id++)
		assert_chunk(c, id, (uint32_t)id, m->len[id]);
	if (m->oldest > 1)
		assert_int_equal(capture_len(c, m->oldest - 1), -ENOENT);
}

static void test_wraparound_laps(void **state)
{
	struct capture *c = capture_new(LAP_BUDGET);
	static struct model m;
	static unsigned char buf[LAP_MAX];
	uint32_t rng = 12345;
	memset(&m, 0, sizeof(m));
	m.oldest = m.next = 1;
	for (uint32_t i = 1; i <= LAP_CHUNKS; i++) {
		rng = rng * 1103515245u + 12345u;
		uint32_t n = 1 + (rng >> 8) % LAP_MAX;
		fill(buf, i, n);
		assert_int_equal(capture_put(c, buf, n), i);
		model_put(&m, n);
		if (i % 7 == 0 || i > LAP_CHUNKS - 10)
			assert_model(c, &m);
	}
	assert_true(m.pos > 50 * (uint64_t)LAP_BUDGET);   /* many laps */
	assert_true(m.wrapped > 40);                      /* chunks split at the end of the ring */

	/* Reads at offsets across the seam of a chunk that wrapped. */
	for (uint64_t id = m.oldest; id < m.next; id++) {
		uint32_t n = m.len[id];
		unsigned char want[LAP_MAX], got[LAP_MAX];
		fill(want, (uint32_t)id, n);
		for (size_t off = 0; off < n; off += 997) {
			ssize_t r = capture_read(c, id, off, got, 333);
			assert_int_equal(r, n - off < 333 ? n - off : 333);
			assert_memory_equal(got, want + off, (size_t)r);
		}
	}
	capture_free(c);
}

/* ---- producers and a reader at once ---- */

#define PRODUCERS 4
#define PER_PRODUCER 20000
#define CONC_BUDGET (256u * 1024)
#define CONC_MAX 3000

static size_t conc_len(uint32_t t, uint32_t n)
{
	return 8 + (n * 37u + t * 101u) % (CONC_MAX - 8);
}

static void conc_fill(unsigned char *buf, uint32_t t, uint32_t n)
{
	size_t len = conc_len(t, n);
	memcpy(buf, &t, 4);
	memcpy(buf + 4, &n, 4);
	fill(buf + 8, t * PER_PRODUCER + n, len - 8);
}

struct conc {
	struct capture *c;
	uint32_t t;
	uint64_t *ids;             /* the ids this producer got, in order */
	atomic_int *running;
	uint64_t reads, mismatches;
};

static void *conc_produce(void *arg)
{
	struct conc *p = arg;
	unsigned char buf[CONC_MAX];
	for (uint32_t n = 0; n < PER_PRODUCER; n++) {
		conc_fill(buf, p->t, n);
		p->ids[n] = capture_put(p->c, buf, conc_len(p->t, n));
	}
	atomic_fetch_sub(p->running, 1);
	return NULL;
}

/* Check a whole chunk read back: its header names it, the rest must be its bytes. */
static bool conc_check(const unsigned char *got, ssize_t r)
{
	static __thread unsigned char want[CONC_MAX];
	uint32_t t, n;
	if (r < 8)
		return false;
	memcpy(&t, got, 4);
	memcpy(&n, got + 4, 4);
	if (t >= PRODUCERS || n >= PER_PRODUCER || (size_t)r != conc_len(t, n))
		return false;
	conc_fill(want, t, n);
	return memcmp(got, want, (size_t)r) == 0;
}

static void *conc_read(void *arg)
{
	struct conc *r = arg;
	unsigned char got[CONC_MAX];
	while (atomic_load(r->running) > 0) {
		struct capture_stats s;
		capture_stats(r->c, &s);
		for (uint64_t id = s.newest_id; id > 0 && id + 16 > s.newest_id; id--) {
			ssize_t k = capture_read(r->c, id, 0, got, sizeof(got));
			if (k == -ENOENT)
				continue;
			r->reads++;
			if (!conc_check(got, k))
				r->mismatches++;
		}
	}
	return NULL;
}

static void test_concurrent(void **state)
{
	struct capture *c = capture_new(CONC_BUDGET);
	atomic_int running = PRODUCERS;
	pthread_t t[PRODUCERS], rt;
	struct conc p[PRODUCERS], reader = { .c = c, .running = &running };
	for (uint32_t i = 0; i < PRODUCERS; i++) {
		p[i] = (struct conc){ .c = c, .t = i, .running = &running };
		p[i].ids = calloc(PER_PRODUCER, sizeof(uint64_t));
	}
	assert_int_equal(pthread_create(&rt, NULL, conc_read, &reader), 0);
	for (uint32_t i = 0; i < PRODUCERS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, conc_produce, &p[i]), 0);
	for (uint32_t i = 0; i < PRODUCERS; i++)
		pthread_join(t[i], NULL);
	pthread_join(rt, NULL);

	/* Every put was stored, ids rise within each producer and are unique overall. */
	uint64_t total = PRODUCERS * PER_PRODUCER, bytes = 0;
	unsigned char *seen = calloc(total + 1, 1);
	for (uint32_t i = 0; i < PRODUCERS; i++) {
		for (uint32_t n = 0; n < PER_PRODUCER; n++) {
			uint64_t id = p[i].ids[n];
			assert_true(id >= 1 && id <= total);
			assert_int_equal(seen[id], 0);
			seen[id] = 1;
			if (n > 0)
				assert_true(id > p[i].ids[n - 1]);
			bytes += conc_len(i, n);
		}
	}
	struct capture_stats s;
	capture_stats(c, &s);
	assert_int_equal(s.stored, total);
	assert_int_equal(s.stored_bytes, bytes);
	assert_int_equal(s.evicted + s.live_chunks, total);
	assert_int_equal(s.evicted_bytes + s.in_use_bytes, bytes);
	assert_true(s.in_use_bytes <= CONC_BUDGET);
	assert_int_equal(s.newest_id, total);

	/* What is left reads back as its producer wrote it, also from an offset. */
	unsigned char got[CONC_MAX];
	for (uint64_t id = s.oldest_id; id <= s.newest_id; id++) {
		ssize_t k = capture_read(c, id, 0, got, sizeof(got));
		assert_true(conc_check(got, k));
		memset(got + 5, 0, sizeof(got) - 5);
		assert_int_equal(capture_read(c, id, 5, got + 5, sizeof(got) - 5), k - 5);
		assert_true(conc_check(got, k));
	}
	assert_int_equal(reader.mismatches, 0);
	printf("# reader checked %llu chunks while producers ran\n",
	       (unsigned long long)reader.reads);
	free(seen);
	for (uint32_t i = 0; i < PRODUCERS; i++)
		free(p[i].ids);
	capture_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_ids_and_empty_chunks),
		cmocka_unit_test(test_large_at_every_alignment),
		cmocka_unit_test(test_budget_evicts_oldest),
		cmocka_unit_test(test_disabled),
		cmocka_unit_test(test_slot_limit),
		cmocka_unit_test(test_wraparound_laps),
		cmocka_unit_test(test_concurrent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
