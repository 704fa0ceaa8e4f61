/* test_inplace: a live node moved aside for a tap and always put back: by restore, by the
 * guard when the process that took it dies (SIGKILL), by hand (repair); refusals leave
 * everything where it was. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/inplace.h"
#include "harness.h"

/* A connection to PATH reaches listener L (accepted there at once), and not another. */
static void expect_reaches(const char *path, int l)
{
	int c = rec_connect(path);
	if (c < 0)
		rec_fail("connect %s: %s", path, strerror(errno));
	int a = accept4(l, NULL, NULL, SOCK_NONBLOCK);
	if (a < 0)
		rec_fail("%s does not lead to the expected listener (%s)", path, strerror(errno));
	close(a);
	close(c);
}

static ino_t ino_of(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0 ? st.st_ino : 0;
}

static int count_fds(pid_t pid)
{
	char d[64];
	snprintf(d, sizeof(d), "/proc/%ld/fd", (long)pid);
	DIR *dir = opendir(d);
	int n = 0;
	for (struct dirent *e; dir && (e = readdir(dir));)
		n += e->d_name[0] != '.';
	if (dir)
		closedir(dir);
	return n;
}

static void test_take_adopt_restore(void **state)
{
	struct rec *r = *state;
	const char *path = rec_path(r, "app.sock");
	int real = rec_listen(path);
	assert_true(real >= 0);
	assert_int_equal(chmod(path, 0640), 0);
	ino_t real_ino = ino_of(path);
	struct inplace ip;
	char why[256];
	assert_int_equal(inplace_take(&ip, path, why, sizeof(why)), 0);
	assert_int_equal(ino_of(path), 0);
	/* The real server waits at the hidden name, reachable. */
	assert_int_equal(ino_of(ip.hidden), real_ino);
	assert_non_null(strstr(ip.hidden, "/.app.sock.udscope-tap"));
	expect_reaches(ip.hidden, real);
	/* The guard holds only its pipe (not the real listener, not the test's other fds). */
	assert_true(ip.guard > 0);
	long long until = rec_now_ms() + rec_deadline_s() * 1000LL;
	while (count_fds(ip.guard) != 1 && rec_now_ms() < until)
		usleep(10000);     /* it closes them right after it starts */
	assert_int_equal(count_fds(ip.guard), 1);
	/* The tap listens at PATH, with the real node's mode. */
	int tap = rec_listen(path);
	assert_true(tap >= 0);
	assert_int_equal(inplace_adopt_owner(&ip), 0);
	struct stat st;
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	expect_reaches(path, tap);
	pid_t guard = ip.guard;
	assert_int_equal(inplace_restore(&ip), 0);
	assert_int_equal(ino_of(path), real_ino);
	expect_reaches(path, real);
	assert_int_equal(kill(guard, 0), -1);     /* dismissed and reaped */
	char *hidden = inplace_hidden_name(path);
	assert_int_equal(ino_of(hidden), 0);
	free(hidden);
	close(tap);
	close(real);
}

/* The process that took the node is killed: the guard puts the node back over the tap's. */
static void test_guard_restores_after_sigkill(void **state)
{
	struct rec *r = *state;
	const char *path = rec_path(r, "svc.sock");
	int real = rec_listen(path);
	assert_true(real >= 0);
	ino_t real_ino = ino_of(path);
	int ready[2];
	assert_int_equal(pipe(ready), 0);
	pid_t taker = fork();
	assert_true(taker >= 0);
	if (taker == 0) {
		struct inplace ip;
		char why[256];
		if (inplace_take(&ip, path, why, sizeof(why)) < 0 || rec_listen(path) < 0)
			_exit(1);
		(void)write(ready[1], "r", 1);
		pause();
		_exit(0);
	}
	close(ready[1]);
	char c;
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	assert_true(ino_of(path) != real_ino);   /* the tap's node */
	kill(taker, SIGKILL);
	waitpid(taker, NULL, 0);
	long long until = rec_now_ms() + rec_deadline_s() * 1000LL;
	while (ino_of(path) != real_ino && rec_now_ms() < until)
		usleep(10000);
	assert_int_equal(ino_of(path), real_ino);
	expect_reaches(path, real);
	close(real);
}

static void test_refusals_leave_things_alone(void **state)
{
	struct rec *r = *state;
	struct inplace ip;
	char why[256];
	/* Not a socket. */
	const char *file = rec_path(r, "plain");
	int fd = open(file, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(inplace_take(&ip, file, why, sizeof(why)), -ENOTSOCK);
	assert_true(ino_of(file) != 0);
	/* A hidden node from an earlier tap. */
	const char *path = rec_path(r, "s");
	int real = rec_listen(path);
	char *hidden = inplace_hidden_name(path);
	int h = rec_listen(hidden);
	assert_true(real >= 0 && h >= 0);
	ino_t real_ino = ino_of(path);
	assert_int_equal(inplace_take(&ip, path, why, sizeof(why)), -EEXIST);
	assert_non_null(strstr(why, "tap --restore"));
	assert_int_equal(ino_of(path), real_ino);
	/* Nothing there. */
	assert_int_equal(inplace_take(&ip, rec_path(r, "none"), why, sizeof(why)), -ENOENT);
	free(hidden);
	close(h);
	close(real);
}

static void test_repair(void **state)
{
	struct rec *r = *state;
	const char *path = rec_path(r, "lost.sock");
	char *hidden = inplace_hidden_name(path);
	assert_int_equal(inplace_repair(path), -ENOENT);
	int l = rec_listen(hidden);
	assert_true(l >= 0);
	ino_t ino = ino_of(hidden);
	/* Never over a regular file that appeared at PATH. */
	int fd = open(path, O_WRONLY | O_CREAT, 0600);
	close(fd);
	assert_int_equal(inplace_repair(path), -EEXIST);
	assert_int_equal(ino_of(hidden), ino);
	unlink(path);
	assert_int_equal(inplace_repair(path), 0);
	assert_int_equal(ino_of(path), ino);
	assert_int_equal(ino_of(hidden), 0);
	expect_reaches(path, l);
	free(hidden);
	close(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		rec_test(test_take_adopt_restore),
		rec_test(test_guard_restores_after_sigkill),
		rec_test(test_refusals_leave_things_alone),
		rec_test(test_repair),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
