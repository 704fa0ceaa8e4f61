/* stats: exact byte and chunk counters and a chunk-size histogram, shared across threads. */
/* One writer thread per struct (the session's own); any thread may read. */
#ifndef UDSCOPE_STATS_H
#define UDSCOPE_STATS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* Bucket i counts chunks of size in [2^i, 2^(i+1)); bucket 0 also holds 1-byte chunks. */
#define STATS_BUCKETS 21

struct stats {
	atomic_uint_fast64_t bytes_in, bytes_out;
	atomic_uint_fast64_t chunks_in, chunks_out;
	atomic_uint_fast64_t hist_in[STATS_BUCKETS];
	atomic_uint_fast64_t accepted;   /* connections ever */
	atomic_uint_fast32_t clients;    /* connections now */
};

/* A plain copy, for display. */
struct stats_snapshot {
	uint64_t bytes_in, bytes_out, chunks_in, chunks_out, accepted;
	uint32_t clients;
	uint64_t hist_in[STATS_BUCKETS];
};

void stats_init(struct stats *s);
void stats_add_in(struct stats *s, size_t n);
void stats_add_out(struct stats *s, size_t n);
void stats_snapshot(const struct stats *s, struct stats_snapshot *out);
unsigned stats_bucket(size_t n);

#endif
