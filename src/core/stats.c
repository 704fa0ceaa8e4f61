/* stats: exact byte and chunk counters and a chunk-size histogram, shared across threads. */
#include "config.h"

#include "core/stats.h"

void stats_init(struct stats *s)
{
	atomic_init(&s->bytes_in, 0);
	atomic_init(&s->bytes_out, 0);
	atomic_init(&s->chunks_in, 0);
	atomic_init(&s->chunks_out, 0);
	atomic_init(&s->accepted, 0);
	atomic_init(&s->clients, 0);
	for (unsigned i = 0; i < STATS_BUCKETS; i++)
		atomic_init(&s->hist_in[i], 0);
}

unsigned stats_bucket(size_t n)
{
	unsigned b = 0;
	while (n > 1 && b < STATS_BUCKETS - 1) {
		n >>= 1;
		b++;
	}
	return b;
}

/* Relaxed: each counter is exact on its own; readers want totals, not ordering. */
void stats_add_in(struct stats *s, size_t n)
{
	atomic_fetch_add_explicit(&s->bytes_in, n, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->chunks_in, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->hist_in[stats_bucket(n)], 1, memory_order_relaxed);
}

void stats_add_out(struct stats *s, size_t n)
{
	atomic_fetch_add_explicit(&s->bytes_out, n, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->chunks_out, 1, memory_order_relaxed);
}

void stats_snapshot(const struct stats *s, struct stats_snapshot *out)
{
	out->bytes_in = atomic_load_explicit(&s->bytes_in, memory_order_relaxed);
	out->bytes_out = atomic_load_explicit(&s->bytes_out, memory_order_relaxed);
	out->chunks_in = atomic_load_explicit(&s->chunks_in, memory_order_relaxed);
	out->chunks_out = atomic_load_explicit(&s->chunks_out, memory_order_relaxed);
	out->accepted = atomic_load_explicit(&s->accepted, memory_order_relaxed);
	out->clients = (uint32_t)atomic_load_explicit(&s->clients, memory_order_relaxed);
	for (unsigned i = 0; i < STATS_BUCKETS; i++)
		out->hist_in[i] = atomic_load_explicit(&s->hist_in[i], memory_order_relaxed);
}
