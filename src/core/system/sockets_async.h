/* sockets_async: a sockets listing whose holders scan runs in a worker thread. */
#ifndef UDSCOPE_SOCKETS_ASYNC_H
#define UDSCOPE_SOCKETS_ASYNC_H

#include <stdbool.h>
#include <stddef.h>

#include "core/system/sockets.h"

/*
 * For a front end that shows the rows at once and their processes as they come (the console's
 * sockets table). sockets_async_collect gives the rows now (sockets_collect_bare, on the
 * caller's thread: milliseconds at 20,000 sockets) with the holders the newest finished scan
 * found, and starts a scan in a worker when none runs and the last one ended at least
 * SOCKETS_ASYNC_GAP_MS ago. The worker makes the fd readable after each step (at most every
 * SOCKETS_ASYNC_WAKE_MS) and when it has finished; the caller then collects again.
 *
 * Threads: every function but the wake hook belongs to one thread (the owner's); the worker
 * touches no list. Errors: collect returns 0 or -errno (both sock_diag and /proc/net/unix
 * failed); a scan that cannot start (/proc unreadable, no thread) is said in the state's
 * scan_err and the rows come without holders.
 */
#define SOCKETS_ASYNC_GAP_MS 1000
#define SOCKETS_ASYNC_WAKE_MS 100

struct sockets_async;

/* What a collect saw of the holders. */
struct sockets_async_state {
	bool holders;      /* the rows carry a finished scan's holders */
	bool scanning;     /* a scan runs: done of total processes read */
	size_t done, total;
	int scan_err;      /* the last scan could not start (errno); 0: it did */
	const char *scan_op; /* then what failed: "reading /proc", "starting a thread" */
};

/* A new listing; HOOK (may be NULL) is called on the worker thread after each step and at
 * the end, before the fd is made readable: tests use it to hold the worker. Returns 0 or
 * -errno (ENOMEM, no eventfd). */
int sockets_async_new(struct sockets_async **out, void (*hook)(void *ctx), void *ctx);
/* Cancel and join the scan, free everything. NULL is fine. */
void sockets_async_free(struct sockets_async *a);

/* The rows now into OUT (sorted, indexed; free with sockets_free), holders as above. */
int sockets_async_collect(struct sockets_async *a, struct sockets_list *out,
			  struct sockets_async_state *st);
/* Readable when the worker has news (a step, or the end). Never blocks to read. */
int sockets_async_fd(const struct sockets_async *a);
/* Empty the fd; true when a scan has finished since the last collect (collect again). */
bool sockets_async_ack(struct sockets_async *a);
/* Ask a running scan to end after its current step, without waiting (stop or free joins). */
void sockets_async_cancel(struct sockets_async *a);
/* Cancel a running scan and wait for its worker (the table closed); the holders found by
 * earlier scans stay. */
void sockets_async_stop(struct sockets_async *a);

#endif
