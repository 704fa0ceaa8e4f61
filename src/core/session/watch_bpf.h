/* watch_bpf: load the watch's BPF program (embedded, src/bpf), keep its set of watched
 * sockets, and read its records. Only the watch session uses it. */
#ifndef UDSCOPE_WATCH_BPF_H
#define UDSCOPE_WATCH_BPF_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf/watch_shared.h"

struct watch_bpf;

/* Called for each record: R and its R->cap bytes DATA. */
typedef void (*watch_rec_fn)(void *ctx, const struct watch_rec *r, const uint8_t *data);

/* How the program is attached, as the start line and watch status say it. */
#define WATCH_METHOD "the raw syscall tracepoint sys_exit"

/* Whether this process may load it here: root or CAP_BPF with CAP_PERFMON, and a kernel with
 * BTF. Returns 0, or -EPERM / -ENOENT with WHY saying what is missing. */
int watch_bpf_check(char *why, size_t len);
/* Load and attach it, keeping SNAP bytes per call (at most WATCH_SNAP_MAX) in a ring buffer
 * of RING_MB MiB; FN(CTX, ...) gets each record in watch_bpf_poll. Returns 0 or -errno with
 * WHY saying which step failed (and libbpf's last word). */
int watch_bpf_open(struct watch_bpf **out, unsigned snap, unsigned ring_mb, watch_rec_fn fn,
		   void *ctx, char *why, size_t len);
/* Add socket INO to the watched set (or change its value), or take it out. 0 or -errno. */
int watch_bpf_add(struct watch_bpf *w, uint64_t ino, const struct watch_sock *ws);
int watch_bpf_remove(struct watch_bpf *w, uint64_t ino);
/* Whether INO is in the set (the program adds what a watched listener accepts). */
bool watch_bpf_has(struct watch_bpf *w, uint64_t ino);
/* The next connection number (shared with the program). */
uint32_t watch_bpf_next_conn(struct watch_bpf *w);
/* Hand the records waiting to FN, waiting up to TIMEOUT_MS for one. Returns how many, or
 * -errno. */
int watch_bpf_poll(struct watch_bpf *w, int timeout_ms);
/* Calls not recorded (the ring buffer was full), and calls recorded, since the load. */
uint64_t watch_bpf_lost(const struct watch_bpf *w);
uint64_t watch_bpf_seen(const struct watch_bpf *w);
/* Messages of sendmmsg/recvmmsg vectors past the first WATCH_MMSG_MAX: not recorded. */
uint64_t watch_bpf_undecoded(const struct watch_bpf *w);
/* Detach, unload and free (the kernel also does it when the process ends). */
void watch_bpf_close(struct watch_bpf *w);

#endif
