/* test_sockets_async: rows before holders, one scan at a time, a cancelled scan joins. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/system/sockets_async.h"

/* More than one step of processes (64), so that a scan is caught between two steps. */
#define KIDS 80

/* The worker's hook: it says it came (entered) and, while gated, waits for a byte (go). */
struct gate {
	int entered[2], go[2];
	atomic_bool gated;
	atomic_int calls;
	pthread_t first;
	atomic_bool other_thread;   /* the hook ran on a second worker */
};

static void hook(void *ctx)
{
	struct gate *g = ctx;
	if (atomic_fetch_add(&g->calls, 1) == 0)
		g->first = pthread_self();
	else if (!pthread_equal(g->first, pthread_self()))
		atomic_store(&g->other_thread, true);
	if (!atomic_load(&g->gated))
		return;
	char b = 'e';
	assert_int_equal(write(g->entered[1], &b, 1), 1);
	while (read(g->go[0], &b, 1) < 0 && errno == EINTR)
		;
}

static int wait_s(void)
{
	const char *w = getenv("UDSCOPE_TEST_WAIT");
	return w && atoi(w) > 0 ? atoi(w) : 30;
}

/* Wait for a byte on FD; fail saying WHAT after the deadline. */
static void wait_readable(int fd, const char *what)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int r;
	while ((r = poll(&p, 1, wait_s() * 1000)) < 0 && errno == EINTR)
		;
	if (r != 1)
		fail_msg("%s: nothing for %d s", what, wait_s());
}

static void gate_open(struct gate *g)
{
	memset(g, 0, sizeof(*g));
	assert_int_equal(pipe(g->entered), 0);
	assert_int_equal(pipe(g->go), 0);
	atomic_store(&g->gated, true);
}

/* Let the worker go on, and every later call of the hook through. */
static void gate_release(struct gate *g)
{
	atomic_store(&g->gated, false);
	char b = 'g';
	assert_int_equal(write(g->go[1], &b, 1), 1);
}

static void gate_close(struct gate *g)
{
	close(g->entered[0]);
	close(g->entered[1]);
	close(g->go[0]);
	close(g->go[1]);
}

struct kids {
	pid_t pid[KIDS];
	uint32_t ino[KIDS];   /* the socket each holds (its end of a pair) */
};

static uint32_t ino_of(int fd)
{
	struct stat st;
	assert_int_equal(fstat(fd, &st), 0);
	return (uint32_t)st.st_ino;
}

/* KIDS processes named "async-kid", each holding one end of a socketpair on fd 3 or up; each
 * says so on a pipe once named, so that no scan reads the name before. */
static void kids_start(struct kids *k)
{
	int ready[2];
	assert_int_equal(pipe(ready), 0);
	for (int i = 0; i < KIDS; i++) {
		int sv[2];
		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
		k->ino[i] = ino_of(sv[1]);
		k->pid[i] = fork();
		assert_true(k->pid[i] >= 0);
		if (k->pid[i] == 0) {
			prctl(PR_SET_NAME, "async-kid");
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			close(sv[0]);
			close(ready[0]);
			if (write(ready[1], "r", 1) != 1)
				_exit(1);
			close(ready[1]);
			for (;;)
				pause();
		}
		close(sv[0]);
		close(sv[1]);
	}
	close(ready[1]);
	char b;
	for (int i = 0; i < KIDS; i++)
		assert_int_equal(read(ready[0], &b, 1), 1);
	close(ready[0]);
}

static void kids_stop(struct kids *k)
{
	for (int i = 0; i < KIDS; i++) {
		kill(k->pid[i], SIGKILL);
		waitpid(k->pid[i], NULL, 0);
	}
}

static const struct sockets_entry *find(const struct sockets_list *l, uint32_t ino)
{
	const struct sockets_entry *e = sockets_find_ino(l, ino);
	assert_non_null(e);
	return e;
}

/* Collect until a scan's holders come with the rows (woken through the fd). */
static void collect_full(struct sockets_async *a, struct sockets_list *l,
			 struct sockets_async_state *st)
{
	for (;;) {
		wait_readable(sockets_async_fd(a), "the worker's wake");
		bool news = sockets_async_ack(a);
		assert_int_equal(sockets_async_collect(a, l, st), 0);
		if (st->holders)
			return;
		assert_true(news);   /* a wake on the first scan is progress to show */
		sockets_free(l);
	}
}

/* The children and their sockets, a listing whose worker the gate holds, and its first
 * collect into L and ST (the rows at once). */
static struct sockets_async *held_listing(struct kids *k, struct gate *g, struct sockets_list *l,
					  struct sockets_async_state *st)
{
	kids_start(k);
	gate_open(g);
	struct sockets_async *a;
	assert_int_equal(sockets_async_new(&a, hook, g), 0);
	assert_int_equal(sockets_async_collect(a, l, st), 0);
	return a;
}

/* The rows come at once, without holders, while the worker is held; a second collect does
 * not start a second scan; once the worker goes on, the holders come, names and all. */
static void test_rows_before_holders(void **state)
{
	(void)state;
	struct kids k;
	struct gate g;
	struct sockets_list l;
	struct sockets_async_state st;
	struct sockets_async *a = held_listing(&k, &g, &l, &st);
	assert_false(st.holders);
	assert_true(st.scanning);
	assert_true(st.total >= KIDS);
	for (int i = 0; i < KIDS; i++)
		assert_int_equal(find(&l, k.ino[i])->nprocs, 0);
	sockets_free(&l);

	wait_readable(g.entered[0], "the worker's first step");
	assert_int_equal(sockets_async_collect(a, &l, &st), 0);   /* a refresh meanwhile */
	assert_false(st.holders);
	assert_true(st.scanning);
	assert_true(st.done < st.total);
	sockets_free(&l);

	gate_release(&g);
	collect_full(a, &l, &st);
	assert_false(atomic_load(&g.other_thread));
	assert_false(st.scanning);   /* the last scan ended just now: no new one yet */
	assert_true(l.procs_scanned >= KIDS);
	for (int i = 0; i < KIDS; i++) {
		const struct sockets_entry *e = find(&l, k.ino[i]);
		assert_int_equal(e->nprocs, 1);
		assert_int_equal(e->procs[0].pid, k.pid[i]);
		struct sockets_holders h;
		sockets_describe_holders(e, &h);
		assert_string_equal(h.v[0].comm, "async-kid");
	}
	sockets_free(&l);
	sockets_async_free(a);
	gate_close(&g);
	kids_stop(&k);
}

/* Cancelled between two steps, the worker ends at once and is joined; what it found is not
 * kept; a scan running when the listing is freed is joined too. */
static void test_cancel_mid_scan(void **state)
{
	(void)state;
	struct kids k;
	struct gate g;
	struct sockets_list l;
	struct sockets_async_state st;
	struct sockets_async *a = held_listing(&k, &g, &l, &st);
	sockets_free(&l);
	wait_readable(g.entered[0], "the worker's first step");
	sockets_async_cancel(a);
	gate_release(&g);
	sockets_async_stop(a);
	/* The held step, then the end: no step after the cancel. */
	assert_int_equal(atomic_load(&g.calls), 2);

	assert_int_equal(sockets_async_collect(a, &l, &st), 0);
	assert_false(st.holders);
	assert_true(st.scanning);   /* the table opened again: a new scan */
	for (int i = 0; i < KIDS; i++)
		assert_int_equal(find(&l, k.ino[i])->nprocs, 0);
	sockets_free(&l);
	sockets_async_free(a);   /* joins the running scan */
	gate_close(&g);
	kids_stop(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_before_holders),
		cmocka_unit_test(test_cancel_mid_scan),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
