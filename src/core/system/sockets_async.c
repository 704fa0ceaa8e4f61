/* sockets_async: a sockets listing whose holders scan runs in a worker thread. */
#include "config.h"

#include "core/system/sockets_async.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "core/base/event.h"

/* Processes read between two looks at the cancel flag (a few ms of readlinks). */
#define SOCKETS_ASYNC_STEP 64

struct sockets_async {
	int fd;                         /* eventfd: news from the worker */
	void (*hook)(void *ctx);
	void *ctx;
	/* The running scan: the worker's until it sets finished, then the owner's. */
	struct sockets_scan *scan;
	pthread_t thread;
	bool running;                   /* a worker was started and not yet joined */
	atomic_bool cancel, finished;
	atomic_size_t done, total;
	/* The owner's: the newest finished scan, attached to every collect. */
	struct sockets_scan *last;
	uint64_t last_end_ns;
	bool news;                      /* a scan finished since the last collect */
	int scan_err;
	const char *scan_op;
};

static void wake(struct sockets_async *a)
{
	uint64_t one = 1;
	/* EAGAIN: the counter is full, the owner is woken anyway. */
	while (write(a->fd, &one, sizeof(one)) < 0 && errno == EINTR)
		;
}

static void *work(void *arg)
{
	struct sockets_async *a = arg;
	uint64_t woke = event_now_ns();
	while (!atomic_load_explicit(&a->cancel, memory_order_relaxed)) {
		bool more = sockets_scan_step(a->scan, SOCKETS_ASYNC_STEP);
		size_t d, t;
		sockets_scan_progress(a->scan, &d, &t);
		atomic_store_explicit(&a->done, d, memory_order_relaxed);
		atomic_store_explicit(&a->total, t, memory_order_relaxed);
		if (!more)
			break;
		if (a->hook)
			a->hook(a->ctx);
		uint64_t t_ns = event_now_ns();
		if (t_ns - woke >= SOCKETS_ASYNC_WAKE_MS * 1000000ull) {
			woke = t_ns;
			wake(a);
		}
	}
	/* Release: the owner reads the scan only after it sees finished. */
	atomic_store_explicit(&a->finished, true, memory_order_release);
	if (a->hook)
		a->hook(a->ctx);
	wake(a);
	return NULL;
}

int sockets_async_new(struct sockets_async **out, void (*hook)(void *ctx), void *ctx)
{
	struct sockets_async *a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (a->fd < 0) {
		int e = errno;
		free(a);
		return -e;
	}
	a->hook = hook;
	a->ctx = ctx;
	*out = a;
	return 0;
}

/* Join a worker that has finished (or, with WAIT, any); keep its scan unless cancelled. */
static void reap(struct sockets_async *a, bool wait)
{
	if (!a->running)
		return;
	if (!wait && !atomic_load_explicit(&a->finished, memory_order_acquire))
		return;
	pthread_join(a->thread, NULL);
	a->running = false;
	if (atomic_load_explicit(&a->cancel, memory_order_relaxed)) {
		sockets_scan_free(a->scan);
	} else {
		sockets_scan_free(a->last);
		a->last = a->scan;
		a->last_end_ns = event_now_ns();
		a->news = true;
	}
	a->scan = NULL;
}

void sockets_async_cancel(struct sockets_async *a)
{
	if (a && a->running)
		atomic_store_explicit(&a->cancel, true, memory_order_relaxed);
}

void sockets_async_stop(struct sockets_async *a)
{
	if (!a || !a->running)
		return;
	sockets_async_cancel(a);
	reap(a, true);
}

void sockets_async_free(struct sockets_async *a)
{
	if (!a)
		return;
	sockets_async_stop(a);
	sockets_scan_free(a->last);
	close(a->fd);
	free(a);
}

int sockets_async_fd(const struct sockets_async *a)
{
	return a->fd;
}

bool sockets_async_ack(struct sockets_async *a)
{
	uint64_t v;
	while (read(a->fd, &v, sizeof(v)) < 0 && errno == EINTR)
		;
	reap(a, false);
	/* Progress on a listing still without holders is news too: its title counts. */
	return a->news || (a->running && !a->last);
}

static void start_scan(struct sockets_async *a)
{
	int r = sockets_scan_new(&a->scan);
	if (r < 0) {
		a->scan_err = -r;
		a->scan_op = "reading /proc";
		a->scan = NULL;
		return;
	}
	size_t d, t;
	sockets_scan_progress(a->scan, &d, &t);
	atomic_store_explicit(&a->done, d, memory_order_relaxed);
	atomic_store_explicit(&a->total, t, memory_order_relaxed);
	atomic_store_explicit(&a->cancel, false, memory_order_relaxed);
	atomic_store_explicit(&a->finished, false, memory_order_relaxed);
	r = pthread_create(&a->thread, NULL, work, a);
	if (r != 0) {
		a->scan_err = r;
		a->scan_op = "starting a thread";
		sockets_scan_free(a->scan);
		a->scan = NULL;
		return;
	}
	a->scan_err = 0;
	a->running = true;
}

int sockets_async_collect(struct sockets_async *a, struct sockets_list *out,
			  struct sockets_async_state *st)
{
	reap(a, false);
	int r = sockets_collect_bare(out);
	if (r < 0)
		return r;
	if (a->last)
		sockets_scan_attach(a->last, out);
	sockets_index(out);
	a->news = false;
	if (!a->running &&
	    (!a->last || event_now_ns() - a->last_end_ns >= SOCKETS_ASYNC_GAP_MS * 1000000ull))
		start_scan(a);
	*st = (struct sockets_async_state){
		.holders = a->last != NULL,
		.scanning = a->running,
		.done = atomic_load_explicit(&a->done, memory_order_relaxed),
		.total = atomic_load_explicit(&a->total, memory_order_relaxed),
		.scan_err = a->scan_err,
		.scan_op = a->scan_op,
	};
	return 0;
}
