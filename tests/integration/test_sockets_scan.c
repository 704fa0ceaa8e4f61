/* test_sockets_scan: the holders read in steps are the ones sockets_collect finds, with names. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
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

#include "core/system/sockets.h"

static uint32_t ino_of(int fd)
{
	struct stat st;
	assert_int_equal(fstat(fd, &st), 0);
	return (uint32_t)st.st_ino;
}

/* Our own socketpair, found in steps of one process, is held by us on its descriptors. */
static void test_steps_find_our_pair(void **state)
{
	prctl(PR_SET_NAME, "scan-test");
	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	struct sockets_list l;
	assert_int_equal(sockets_collect_bare(&l), 0);
	struct sockets_scan *scan;
	assert_int_equal(sockets_scan_new(&scan), 0);
	size_t done = 0, total = 0, before = 0, steps = 0;
	sockets_scan_progress(scan, &done, &total);
	assert_int_equal(done, 0);
	assert_true(total > 0);
	while (sockets_scan_step(scan, 1)) {
		sockets_scan_progress(scan, &done, &total);
		assert_int_equal(done, before + 1);   /* one process a step */
		before = done;
		steps++;
	}
	sockets_scan_progress(scan, &done, &total);
	assert_int_equal(done, total);
	assert_int_equal(steps + 1, total);
	sockets_scan_attach(scan, &l);
	sockets_scan_free(scan);
	sockets_index(&l);
	for (int k = 0; k < 2; k++) {
		const struct sockets_entry *e = sockets_find_ino(&l, ino_of(sv[k]));
		assert_non_null(e);
		assert_int_equal(e->nprocs, 1);
		assert_int_equal(e->procs[0].pid, getpid());
		assert_int_equal(e->procs[0].fd, sv[k]);
		struct sockets_holders h;
		sockets_describe_holders(e, &h);
		assert_int_equal(h.n, 1);
		assert_true(h.v[0].self);
		assert_string_equal(h.v[0].comm, "scan-test");
	}
	assert_true(l.procs_scanned > 0);
	sockets_free(&l);
	close(sv[0]);
	close(sv[1]);
}

/* The whole listing in one go finds the same holders for our sockets. */
static void test_collect_matches_steps(void **state)
{
	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	int dup_fd = dup(sv[0]);
	struct sockets_list l;
	assert_int_equal(sockets_collect(&l), 0);
	const struct sockets_entry *e = sockets_find_ino(&l, ino_of(sv[0]));
	assert_non_null(e);
	assert_int_equal(e->nprocs, 2);       /* two descriptors of ours, in fd order */
	assert_int_equal(e->procs[0].fd, sv[0]);
	assert_int_equal(e->procs[1].fd, dup_fd);
	sockets_sort(&l);                      /* the index follows the entries */
	e = sockets_find_ino(&l, ino_of(sv[1]));
	assert_non_null(e);
	assert_int_equal(e->ino, ino_of(sv[1]));
	sockets_free(&l);
	close(dup_fd);
	close(sv[0]);
	close(sv[1]);
}

#define HOLDERS 100

/* Enough processes that the listing splits the scan between two threads: every child's
 * socket, and ours, found with its holder (the children, the newest, fall in the second half;
 * we in either). */
static void test_many_holders_both_halves(void **state)
{
	int rep[2], go[2];
	assert_int_equal(pipe(rep), 0);
	assert_int_equal(pipe(go), 0);
	pid_t kids[HOLDERS];
	for (int k = 0; k < HOLDERS; k++) {
		kids[k] = fork();
		assert_true(kids[k] >= 0);
		if (kids[k] == 0) {
			int sv[2];
			close(go[1]);
			if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
				_exit(1);
			uint32_t ino = ino_of(sv[0]);
			char b;
			if (write(rep[1], &ino, sizeof(ino)) != sizeof(ino) || read(go[0], &b, 1) < 0)
				_exit(1);
			_exit(0);
		}
	}
	close(go[0]);
	close(rep[1]);
	uint32_t inos[HOLDERS];   /* in the order the children wrote: matched by holder below */
	for (int k = 0; k < HOLDERS; k++)
		assert_int_equal(read(rep[0], &inos[k], sizeof(inos[k])), sizeof(inos[k]));
	int mine[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, mine), 0);
	struct sockets_list l;
	assert_int_equal(sockets_collect(&l), 0);
	for (int k = 0; k < HOLDERS; k++) {
		const struct sockets_entry *e = sockets_find_ino(&l, inos[k]);
		assert_non_null(e);
		assert_int_equal(e->nprocs, 1);
		bool a_kid = false;
		for (int j = 0; j < HOLDERS; j++)
			a_kid |= e->procs[0].pid == kids[j];
		assert_true(a_kid);
	}
	const struct sockets_entry *e = sockets_find_ino(&l, ino_of(mine[1]));
	assert_non_null(e);
	assert_int_equal(e->procs[0].pid, getpid());
	assert_true(l.procs_scanned >= HOLDERS + 1);
	sockets_free(&l);
	close(go[1]);
	for (int k = 0; k < HOLDERS; k++) {
		int st;
		assert_int_equal(waitpid(kids[k], &st, 0), kids[k]);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	close(rep[0]);
	close(mine[0]);
	close(mine[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_steps_find_our_pair),
		cmocka_unit_test(test_collect_matches_steps),
		cmocka_unit_test(test_many_holders_both_halves),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
