/* capture: a bounded store of whole chunks, oldest evicted first, each found by its id. */
#ifndef UDSCOPE_CAPTURE_H
#define UDSCOPE_CAPTURE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * The budget counts chunk bytes: the bytes of the live chunks never exceed it. Besides the
 * byte ring (budget bytes, allocated once by capture_new; its pages become resident as the
 * ring first fills), an index of chunk starts takes 8 bytes a slot, one slot per
 * CAPTURE_BYTES_PER_SLOT bytes of budget (at least CAPTURE_MIN_SLOTS, rounded up to a power
 * of two): 1/32 more for the default 64 MiB, at most 1/16 from 16 KiB up. When the slots
 * run out (many chunks smaller than that), the oldest chunk is evicted as when the bytes run
 * out: very small chunks are kept in fewer numbers (262144 of them with 64 MiB). The first
 * lap through the ring pays its page faults (the ring asks for transparent huge pages: one
 * fault per 2 MiB where the system allows them, about 35 ms for 64 MiB on 4 KiB pages); later
 * puts are a memcpy.
 *
 * A chunk is stored in one piece of the ring or, where it passes the end, in two; readers
 * always copy out, so nobody sees the seam.
 *
 * Threading: every function may be called from any thread, at once; each holds one mutex
 * for a copy in or out and a few index updates. capture_free only when nobody else uses it.
 * Errors: functions return -errno (-ENOENT, -EINVAL) and never print.
 */

#define CAPTURE_BYTES_PER_SLOT 256
#define CAPTURE_MIN_SLOTS 64

struct capture;

struct capture_stats {
	uint64_t stored, stored_bytes;     /* chunks (and their bytes) ever stored */
	uint64_t evicted, evicted_bytes;   /* ... and ever evicted to make room */
	uint64_t too_big;                  /* chunks refused: larger than the whole budget */
	uint64_t in_use_bytes;             /* bytes of the live chunks (<= budget) */
	uint64_t budget;
	uint64_t oldest_id, newest_id;     /* the live ids are oldest_id..newest_id; 0 if none */
	size_t live_chunks, max_chunks;    /* chunks held now; the most the index can hold */
};

/* A store of BUDGET bytes; 0 makes a disabled store (every put returns 0). NULL: ENOMEM. */
struct capture *capture_new(size_t budget_bytes);
void capture_free(struct capture *c);

/* Copy N bytes in (N may be 0), evicting the oldest chunks until they fit. Returns the
 * chunk's id: nonzero, one more than the previous stored chunk's. Returns 0 when nothing
 * was stored: the store is disabled, or N exceeds the budget (counted in too_big). */
uint64_t capture_put(struct capture *c, const void *bytes, size_t n);

/* Copy up to LEN bytes of chunk ID, from byte OFF on, into BUF. Returns the bytes copied
 * (0 at OFF == length), -ENOENT when ID was evicted or never stored, -EINVAL for OFF past
 * the end. */
ssize_t capture_read(struct capture *c, uint64_t id, size_t off, void *buf, size_t len);

/* The full length of chunk ID, or -ENOENT. */
ssize_t capture_len(struct capture *c, uint64_t id);

void capture_stats(struct capture *c, struct capture_stats *out);

#endif
