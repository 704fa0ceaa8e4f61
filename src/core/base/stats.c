/* stats: exact byte and chunk counters and a chunk-size histogram, shared across threads. */
#include "config.h"

#include "core/base/stats.h"

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
	if (n <= 1)
		return 0;
	unsigned b = (unsigned)(sizeof(unsigned long) * 8 - 1 - (unsigned)__builtin_clzl(n));
	return b < STATS_BUCKETS - 1 ? b : STATS_BUCKETS - 1;
}

/* One thread writes a given stats struct (its session's), so a relaxed load and store is an
 * exact increment without a locked instruction; readers want totals, not ordering. */
static inline void bump(atomic_uint_fast64_t *c, uint64_t n)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n,
			      memory_order_relaxed);
}

void stats_add_in(struct stats *s, size_t n)
{
	bump(&s->bytes_in, n);
	bump(&s->chunks_in, 1);
	bump(&s->hist_in[stats_bucket(n)], 1);
}

void stats_add_out(struct stats *s, size_t n)
{
	bump(&s->bytes_out, n);
	bump(&s->chunks_out, 1);
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
