/* test_inplace: a live node moved aside for a tap, and only what is provably the tap's put
 * back: by restore, by the guard when the process that took it dies (SIGKILL), by hand
 * (repair); a node the service bound meanwhile stays; a stopped guard does not hold restore
 * up; refusals leave everything where it was. */
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

#include "core/io/inplace.h"
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

/* The process PID has ended (or waits, a zombie, for a parent that does not wait). */
static bool gone(pid_t pid)
{
	char p[64], st[256];
	snprintf(p, sizeof(p), "/proc/%ld/stat", (long)pid);
	FILE *f = fopen(p, "r");
	if (!f)
		return true;
	size_t n = fread(st, 1, sizeof(st) - 1, f);
	fclose(f);
	st[n] = '\0';
	const char *c = strrchr(st, ')');
	return !c || c[2] == 'Z';
}

static void wait_gone(pid_t pid)
{
	long long until = rec_now_ms() + rec_deadline_s() * 1000LL;
	while (!gone(pid) && rec_now_ms() < until)
		usleep(10000);
	assert_true(gone(pid));
}

/* Take PATH in place with a listening tap socket; returns the tap's socket. */
static int tap_in_place(struct inplace *ip, const char *path)
{
	char why[512];
	int r = inplace_take(ip, path, why, sizeof(why));
	if (r < 0)
		rec_fail("inplace_take %s: %s: %s", path, why, strerror(-r));
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || (r = inplace_make_node(ip, fd, why, sizeof(why))) < 0 || listen(fd, 8) < 0 ||
	    (r = inplace_swap(ip, why, sizeof(why))) < 0)
		rec_fail("in place %s: %s: %s", path, why, strerror(-r));
	return fd;
}

static void restore_ok(struct inplace *ip, struct inplace_result *res)
{
	assert_int_equal(inplace_restore(ip, res), 0);
	inplace_forget(ip);
}

static void test_take_make_swap_restore(void **state)
{
	struct rec *r = *state;
	const char *path = rec_path(r, "app.sock");
	int real = rec_listen(path);
	assert_true(real >= 0);
	assert_int_equal(chmod(path, 0640), 0);
	ino_t real_ino = ino_of(path);
	struct inplace ip;
	int tap = tap_in_place(&ip, path);
	/* The tap is at PATH with the real node's mode; the real node waits in the private
	 * directory, reached through its descriptor. */
	struct stat st;
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_true(st.st_ino != real_ino);
	expect_reaches(path, tap);
	assert_non_null(strstr(ip.hidden, "/.app.sock.udscope-tap"));
	assert_int_equal(lstat(ip.hidden, &st), 0);
	assert_true(S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0700);
	expect_reaches(ip.via.text, real);
	/* The guard holds its socket, the directory, the private directory and both nodes. */
	assert_true(ip.guard > 0);
	long long until = rec_now_ms() + rec_deadline_s() * 1000LL;
	while (count_fds(ip.guard) != 5 && rec_now_ms() < until)
		usleep(10000); /* it closes the rest right after it starts */
	assert_int_equal(count_fds(ip.guard), 5);
	pid_t guard = ip.guard;
	char *hidden = strdup(ip.hidden);
	struct inplace_result res;
	restore_ok(&ip, &res);
	assert_int_equal(res.path_was, INPLACE_OURS);
	assert_int_equal(ino_of(path), real_ino);
	expect_reaches(path, real);
	assert_int_equal(ino_of(hidden), 0);
	wait_gone(guard);
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
		tap_in_place(&ip, path);
		(void)!write(ready[1], "r", 1);
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

/* The service binds a new node while tapped: restore leaves it and removes the dead original. */
static void test_restart_keeps_new_node(void **state)
{
	struct rec *r = *state;
	const char *path = rec_path(r, "re.sock");
	int real = rec_listen(path);
	assert_true(real >= 0);
	struct inplace ip;
	int tap = tap_in_place(&ip, path);
	close(real); /* the old server ends */
	assert_int_equal(unlink(path), 0);
	int fresh = rec_listen(path);
	assert_true(fresh >= 0);
	ino_t fresh_ino = ino_of(path);
	char *hidden = strdup(ip.hidden);
	struct inplace_result res;
	restore_ok(&ip, &res);
	assert_int_equal(res.path_was, INPLACE_NEW_NODE);
	assert_int_equal(res.orig, INPLACE_REMOVED);
	assert_int_equal(ino_of(path), fresh_ino);
	expect_reaches(path, fresh);
	assert_int_equal(ino_of(hidden), 0);
	free(hidden);
	close(tap);
	close(fresh);
}

/* A stopped guard: restore still returns, and says so. */
static void test_stopped_guard(void **state)
{
	struct rec *r = *state;
	const char *path = rec_path(r, "st.sock");
	int real = rec_listen(path);
	assert_true(real >= 0);
	ino_t real_ino = ino_of(path);
	struct inplace ip;
	int tap = tap_in_place(&ip, path);
	pid_t guard = ip.guard;
	assert_int_equal(kill(guard, SIGSTOP), 0);
	struct inplace_result res;
	assert_int_equal(inplace_restore(&ip, &res), 0);
	inplace_forget(&ip);
	assert_int_equal(res.said, INPLACE_SAID_GUARD_SILENT);
	assert_int_equal(ino_of(path), real_ino);
	kill(guard, SIGCONT);
	wait_gone(guard);
	assert_int_equal(ino_of(path), real_ino); /* it read the dismissal: nothing moved */
	close(tap);
	close(real);
}

static void test_refusals_leave_things_alone(void **state)
{
	struct rec *r = *state;
	struct inplace ip;
	char why[512];
	/* Not a socket. */
	const char *file = rec_path(r, "plain");
	int fd = open(file, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(inplace_take(&ip, file, why, sizeof(why)), -ENOTSOCK);
	assert_true(ino_of(file) != 0);
	/* A private directory from an earlier tap. */
	const char *path = rec_path(r, "s");
	int real = rec_listen(path);
	assert_true(real >= 0);
	char *hidden = inplace_hidden_name(path);
	assert_int_equal(mkdir(hidden, 0700), 0);
	ino_t real_ino = ino_of(path);
	assert_int_equal(inplace_take(&ip, path, why, sizeof(why)), -EEXIST);
	assert_non_null(strstr(why, "--restore"));
	assert_int_equal(ino_of(path), real_ino);
	rmdir(hidden);
	/* Nothing there. */
	assert_int_equal(inplace_take(&ip, rec_path(r, "none"), why, sizeof(why)), -ENOENT);
	free(hidden);
	close(real);
}

/* udscope and its guard both died: --restore puts the real node back over the tap's dead
 * node (recorded as the tap's), and never touches what is not a private directory. */
static void test_repair(void **state)
{
	struct rec *r = *state;
	const char *path = rec_path(r, "lost.sock");
	struct inplace_result res;
	assert_int_equal(inplace_repair(path, &res), -ENOENT);
	int real = rec_listen(path);
	assert_true(real >= 0);
	ino_t real_ino = ino_of(path);
	int ready[2];
	assert_int_equal(pipe(ready), 0);
	pid_t taker = fork();
	assert_true(taker >= 0);
	if (taker == 0) {
		struct inplace ip;
		tap_in_place(&ip, path);
		(void)!write(ready[1], &ip.guard, sizeof(ip.guard));
		pause();
		_exit(0);
	}
	close(ready[1]);
	pid_t guard = 0;
	assert_int_equal(read(ready[0], &guard, sizeof(guard)), (ssize_t)sizeof(guard));
	close(ready[0]);
	kill(guard, SIGKILL);
	wait_gone(guard);
	kill(taker, SIGKILL);
	waitpid(taker, NULL, 0);
	assert_true(ino_of(path) != real_ino);
	assert_int_equal(inplace_repair(path, &res), 0);
	assert_int_equal(res.path_was, INPLACE_OURS);
	assert_int_equal(ino_of(path), real_ino);
	expect_reaches(path, real);
	char *hidden = inplace_hidden_name(path);
	assert_int_equal(ino_of(hidden), 0);
	/* A symbolic link at the hidden name is not a private directory. */
	assert_int_equal(symlink("/", hidden), 0);
	assert_int_equal(inplace_repair(path, &res), -EPERM);
	assert_int_equal(unlink(hidden), 0);
	free(hidden);
	close(real);
}

/* udscope and its guard died right after the exchange, before the real node got its own name
 * in the private directory: --restore still finds it and puts it back. */
static void test_repair_after_crash_mid_swap(void **state)
{
	struct rec *r = *state;
	const char *path = rec_path(r, "mid.sock");
	int real = rec_listen(path);
	assert_true(real >= 0);
	ino_t real_ino = ino_of(path);
	struct inplace ip;
	char why[512];
	assert_int_equal(inplace_take(&ip, path, why, sizeof(why)), 0);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_int_equal(inplace_make_node(&ip, fd, why, sizeof(why)), 0);
	assert_int_equal(renameat2(ip.dfd, ip.base, ip.pdfd, "tap", RENAME_EXCHANGE), 0);
	assert_true(ino_of(path) != real_ino);
	close(fd);            /* the tap is gone */
	inplace_forget(&ip);  /* and nothing of it put back */
	struct inplace_result res;
	assert_int_equal(inplace_repair(path, &res), 0);
	assert_int_equal(res.path_was, INPLACE_OURS);
	assert_int_equal(ino_of(path), real_ino);
	expect_reaches(path, real);
	char *hidden = inplace_hidden_name(path);
	assert_int_equal(ino_of(hidden), 0);
	free(hidden);
	close(real);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		rec_test(test_take_make_swap_restore),
		rec_test(test_guard_restores_after_sigkill),
		rec_test(test_restart_keeps_new_node),
		rec_test(test_stopped_guard),
		rec_test(test_refusals_leave_things_alone),
		rec_test(test_repair),
		rec_test(test_repair_after_crash_mid_swap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
