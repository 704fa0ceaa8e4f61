/* capture: a bounded store of whole chunks, oldest evicted first, each found by its id. */
#include "config.h"

#include "core/base/capture.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* TSan does not see streaming stores: under it, every copy is a memcpy. */
#if defined(__SSE2__) && !defined(__SANITIZE_THREAD__)
#define CAPTURE_STREAM 1
#include <emmintrin.h>
#endif

/*
 * Positions in the ring are logical: they count every byte ever stored, so a chunk's bytes
 * are [start, start + len) and ring offsets are positions modulo the budget. The live bytes
 * are [tail, head). Live ids are consecutive, [oldest, next), so chunk ID's start sits in
 * starts[ID & mask] and its end is the next chunk's start (or head for the newest).
 * A chunk that passes the end of the ring is split rather than moved to the front: no bytes
 * are skipped, so the live bytes are exactly head - tail, and readers copy out anyway.
 */
struct capture {
	pthread_mutex_t lock;
	size_t cap;                 /* the budget: ring size in bytes; 0 = disabled */
	unsigned char *ring;
	uint64_t *starts;           /* logical start of chunk id, at [id & mask] */
	size_t mask;                /* index slots - 1 (slots: a power of two) */
	uint64_t head, tail;        /* next byte to write; first live byte */
	uint64_t oldest, next;      /* oldest live id; id the next chunk gets */
	uint64_t stored, stored_bytes, evicted, evicted_bytes, too_big;
};

static size_t slots_for(size_t budget)
{
	size_t want = budget / CAPTURE_BYTES_PER_SLOT, slots = CAPTURE_MIN_SLOTS;
	while (slots < want)
		slots <<= 1;
	return slots;
}

/* The ring on 2 MiB boundaries, asking for transparent huge pages: its first lap then takes
 * one fault per 2 MiB instead of one per 4 KiB. bench_echo, 64 KiB chunks, capture on: the
 * server's CPU time over 256 MiB fell from 2.4x a bare loop's to 1.96x (the faults and their
 * memory-cgroup charges were a third of its profile). NULL: ENOMEM. */
#define RING_ALIGN ((size_t)2 << 20)
static unsigned char *ring_alloc(size_t bytes)
{
	void *p = NULL;
	if (bytes < RING_ALIGN)
		return malloc(bytes);
	if (posix_memalign(&p, RING_ALIGN, bytes) != 0)
		return NULL;
#ifdef MADV_HUGEPAGE
	madvise(p, bytes & ~(RING_ALIGN - 1), MADV_HUGEPAGE);   /* a hint: failure is harmless */
#endif
	return p;
}

struct capture *capture_new(size_t budget_bytes)
{
	if (budget_bytes > SSIZE_MAX) {
		errno = EINVAL;
		return NULL;
	}
	struct capture *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->oldest = c->next = 1;
	if (budget_bytes > 0) {
		size_t slots = slots_for(budget_bytes);
		c->ring = ring_alloc(budget_bytes);
		c->starts = malloc(slots * sizeof(*c->starts));
		if (!c->ring || !c->starts) {
			free(c->ring);
			free(c->starts);
			free(c);
			errno = ENOMEM;
			return NULL;
		}
		c->cap = budget_bytes;
		c->mask = slots - 1;
	}
	pthread_mutex_init(&c->lock, NULL);
	return c;
}

void capture_free(struct capture *c)
{
	if (!c)
		return;
	pthread_mutex_destroy(&c->lock);
	free(c->ring);
	free(c->starts);
	free(c);
}

/* ---- under the lock ---- */

static bool is_live(const struct capture *c, uint64_t id)
{
	return id >= c->oldest && id < c->next;
}

static uint64_t chunk_end(const struct capture *c, uint64_t id)
{
	return id + 1 == c->next ? c->head : c->starts[(id + 1) & c->mask];
}

static void evict_oldest(struct capture *c)
{
	uint64_t end = chunk_end(c, c->oldest);
	c->evicted++;
	c->evicted_bytes += end - c->tail;
	c->tail = end;
	c->oldest++;
}

/* Copies of a KiB or more bypass the cache (streaming stores): the ring is written far more
 * often than read, and ordinary stores would first read every line of it and push the
 * socket's own data out of the cache. bench_capture: 64 KiB puts went from 15 to 24 GB/s. */
#define STREAM_MIN 1024
static void copy_in(unsigned char *dst, const unsigned char *src, size_t n)
{
#ifdef CAPTURE_STREAM
	if (n >= STREAM_MIN) {
		size_t head = (16 - ((uintptr_t)dst & 15)) & 15;
		memcpy(dst, src, head);
		dst += head, src += head, n -= head;
		for (; n >= 64; n -= 64, dst += 64, src += 64) {
			__m128i a = _mm_loadu_si128((const __m128i *)src);
			__m128i b = _mm_loadu_si128((const __m128i *)(src + 16));
			__m128i c = _mm_loadu_si128((const __m128i *)(src + 32));
			__m128i d = _mm_loadu_si128((const __m128i *)(src + 48));
			_mm_stream_si128((__m128i *)dst, a);
			_mm_stream_si128((__m128i *)(dst + 16), b);
			_mm_stream_si128((__m128i *)(dst + 32), c);
			_mm_stream_si128((__m128i *)(dst + 48), d);
		}
		memcpy(dst, src, n);
		_mm_sfence();   /* streaming stores are weakly ordered: finish before the unlock */
		return;
	}
#endif
	memcpy(dst, src, n);
}

/* A piece may pass the end of the ring: copy it in two. */
static void ring_write(struct capture *c, uint64_t pos, const unsigned char *src, size_t n)
{
	size_t off = (size_t)(pos % c->cap), first = c->cap - off < n ? c->cap - off : n;
	copy_in(c->ring + off, src, first);
	if (n > first)
		copy_in(c->ring, src + first, n - first);
}

static void ring_read(const struct capture *c, uint64_t pos, unsigned char *dst, size_t n)
{
	size_t off = (size_t)(pos % c->cap), first = c->cap - off < n ? c->cap - off : n;
	memcpy(dst, c->ring + off, first);
	if (n > first)
		memcpy(dst + first, c->ring, n - first);
}

/* ---- the interface ---- */

uint64_t capture_put(struct capture *c, const void *bytes, size_t n)
{
	if (c->cap == 0)        /* fixed at creation: no lock needed */
		return 0;
	pthread_mutex_lock(&c->lock);
	if (n > c->cap) {
		c->too_big++;
		pthread_mutex_unlock(&c->lock);
		return 0;
	}
	while (c->next - c->oldest > c->mask || c->head - c->tail + n > c->cap)
		evict_oldest(c);
	if (n > 0)
		ring_write(c, c->head, bytes, n);
	uint64_t id = c->next++;
	c->starts[id & c->mask] = c->head;
	c->head += n;
	c->stored++;
	c->stored_bytes += n;
	pthread_mutex_unlock(&c->lock);
	return id;
}

ssize_t capture_read(struct capture *c, uint64_t id, size_t off, void *buf, size_t len)
{
	ssize_t r;
	pthread_mutex_lock(&c->lock);
	if (!is_live(c, id)) {
		r = -ENOENT;
	} else {
		uint64_t start = c->starts[id & c->mask], clen = chunk_end(c, id) - start;
		if (off > clen) {
			r = -EINVAL;
		} else {
			size_t k = clen - off < len ? (size_t)(clen - off) : len;
			if (k > 0)
				ring_read(c, start + off, buf, k);
			r = (ssize_t)k;
		}
	}
	pthread_mutex_unlock(&c->lock);
	return r;
}

ssize_t capture_len(struct capture *c, uint64_t id)
{
	ssize_t r = -ENOENT;
	pthread_mutex_lock(&c->lock);
	if (is_live(c, id))
		r = (ssize_t)(chunk_end(c, id) - c->starts[id & c->mask]);
	pthread_mutex_unlock(&c->lock);
	return r;
}

void capture_stats(struct capture *c, struct capture_stats *out)
{
	pthread_mutex_lock(&c->lock);
	bool any = c->next > c->oldest;
	*out = (struct capture_stats){
		.stored = c->stored,
		.stored_bytes = c->stored_bytes,
		.evicted = c->evicted,
		.evicted_bytes = c->evicted_bytes,
		.too_big = c->too_big,
		.in_use_bytes = c->head - c->tail,
		.budget = c->cap,
		.oldest_id = any ? c->oldest : 0,
		.newest_id = any ? c->next - 1 : 0,
		.live_chunks = (size_t)(c->next - c->oldest),
		.max_chunks = c->cap ? c->mask + 1 : 0,
	};
	pthread_mutex_unlock(&c->lock);
}
