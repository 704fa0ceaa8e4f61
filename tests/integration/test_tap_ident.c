/* test_tap_ident: connecting as another user from one thread (tap_ident.h) with real sockets
 * in a private directory: the server's SO_PEERCRED and SO_PEERGROUPS name that user, the
 * thread is itself again afterwards, the other threads never change, the node's mode is
 * checked for that user; and a pid watch that sees its process exit. Root only. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include "../skip.h"

#include "core/session/tap_ident.h"

#ifndef SO_PEERGROUPS
#define SO_PEERGROUPS 59
#endif

static char dir[64];

/* A listening socket at DIR/NAME with MODE (its path in SUN). */
static int listener(const char *name, mode_t mode, int backlog, struct sockaddr_un *sun)
{
	*sun = (struct sockaddr_un){ .sun_family = AF_UNIX };
	snprintf(sun->sun_path, sizeof(sun->sun_path), "%s/%s", dir, name);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)sun, sizeof(*sun)), 0);
	assert_int_equal(chmod(sun->sun_path, mode), 0);
	assert_int_equal(listen(fd, backlog), 0);
	return fd;
}

static const struct tap_ident nobody = { 65534, 65534, 2, { 100, 65534 } };

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/udscope-ident-XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chmod(dir, 0755), 0); /* nobody may reach the nodes */
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[96];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The server sees the uid, gid and groups connected with; the thread is root again. */
static void test_connect_as_nobody(void **state)
{
	(void)state;
	if (geteuid() != 0)
		UD_SKIP("not root: only root may connect as another user");
	struct tap_ident self;
	assert_int_equal(tap_ident_self(&self), 0);
	struct sockaddr_un sun;
	int l = listener("s", 0777, 4, &sun);
	int c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	const char *step = NULL;
	assert_int_equal(tap_ident_connect(c, (struct sockaddr *)&sun, sizeof(sun), &nobody, &self,
					   &step),
			 0);
	assert_string_equal(step, "connect");
	int a = accept(l, NULL, NULL);
	assert_true(a >= 0);
	struct ucred uc;
	socklen_t len = sizeof(uc);
	assert_int_equal(getsockopt(a, SOL_SOCKET, SO_PEERCRED, &uc, &len), 0);
	assert_int_equal(uc.uid, 65534);
	assert_int_equal(uc.gid, 65534);
	assert_int_equal(uc.pid, getpid());
	gid_t g[8];
	len = sizeof(g);
	assert_int_equal(getsockopt(a, SOL_SOCKET, SO_PEERGROUPS, g, &len), 0);
	assert_int_equal(len, 2 * sizeof(gid_t));
	assert_int_equal(g[0], 100);
	assert_int_equal(g[1], 65534);
	/* This thread is itself again. */
	struct tap_ident now;
	assert_int_equal(tap_ident_self(&now), 0);
	assert_int_equal(now.uid, self.uid);
	assert_int_equal(now.gid, self.gid);
	assert_int_equal(now.ngroups, self.ngroups);
	assert_memory_equal(now.groups, self.groups, self.ngroups * sizeof(gid_t));
	/* And tap_ident_of_peer reads what the server sees. */
	struct tap_ident peer;
	assert_int_equal(tap_ident_of_peer(a, &peer), 0);
	assert_int_equal(peer.uid, 65534);
	assert_int_equal(peer.ngroups, 2);
	close(a), close(c), close(l);
}

/* A node only root may use: connecting as nobody is refused, and the thread is root again. */
static void test_mode_checked_for_the_client(void **state)
{
	(void)state;
	if (geteuid() != 0)
		UD_SKIP("not root: only root may connect as another user");
	struct tap_ident self;
	assert_int_equal(tap_ident_self(&self), 0);
	struct sockaddr_un sun;
	int l = listener("private", 0700, 4, &sun);
	int c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	const char *step = NULL;
	assert_int_equal(tap_ident_connect(c, (struct sockaddr *)&sun, sizeof(sun), &nobody, &self,
					   &step),
			 -EACCES);
	assert_string_equal(step, "connect");
	assert_int_equal(geteuid(), 0);
	assert_int_equal(connect(c, (struct sockaddr *)&sun, sizeof(sun)), 0); /* as root */
	close(c), close(l);
}

struct blocked {
	struct sockaddr_un sun;
	const struct tap_ident *self;
	pid_t tid;
	int r;
	uid_t after;
};

static void *connect_blocked(void *arg)
{
	struct blocked *b = arg;
	__atomic_store_n(&b->tid, (pid_t)syscall(SYS_gettid), __ATOMIC_SEQ_CST);
	int c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	const char *step;
	b->r = tap_ident_connect(c, (struct sockaddr *)&b->sun, sizeof(b->sun), &nobody, b->self,
				 &step);
	b->after = geteuid();
	close(c);
	return NULL;
}

/* The effective uid of thread TID (from /proc), or -1. */
static long thread_euid(pid_t tid)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/self/task/%ld/status", (long)tid);
	FILE *f = fopen(path, "re");
	long euid = -1;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Uid: %*d %ld", &euid) == 1)
			break;
	if (f)
		fclose(f);
	return euid;
}

/* While one thread waits in connect as nobody, the others stay root. */
static void test_other_threads_untouched(void **state)
{
	(void)state;
	if (geteuid() != 0)
		UD_SKIP("not root: only root may connect as another user");
	struct tap_ident self;
	assert_int_equal(tap_ident_self(&self), 0);
	struct blocked b = { .self = &self };
	int l = listener("full", 0777, 0, &b.sun);
	/* Fill the backlog: the thread's (blocking) connect waits until one is accepted. */
	int first = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_int_equal(connect(first, (struct sockaddr *)&b.sun, sizeof(b.sun)), 0);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, connect_blocked, &b), 0);
	time_t end = time(NULL) + 20;
	pid_t tid;
	while (!(tid = __atomic_load_n(&b.tid, __ATOMIC_SEQ_CST)) || thread_euid(tid) != 65534) {
		assert_true(time(NULL) < end);
		usleep(10000);
	}
	assert_int_equal(geteuid(), 0); /* this thread */
	assert_int_equal(thread_euid((pid_t)syscall(SYS_gettid)), 0);
	int a = accept(l, NULL, NULL); /* room: the thread's connect goes */
	assert_true(a >= 0);
	pthread_join(t, NULL);
	assert_int_equal(b.r, 0);
	assert_int_equal(b.after, 0);
	close(a), close(first), close(l);
}

/* A watched pid is alive until its process exits, then never again. */
static void test_pidwatch(void **state)
{
	(void)state;
	int p[2];
	assert_int_equal(pipe(p), 0);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		char ch;
		close(p[1]);
		_exit(read(p[0], &ch, 1) < 0);
	}
	close(p[0]);
	struct tap_pidwatch w;
	tap_pidwatch_init(&w);
	assert_true(tap_pidwatch_alive(&w, child));
	assert_true(tap_pidwatch_alive(&w, child));
	close(p[1]); /* the child exits */
	int status;
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_false(tap_pidwatch_alive(&w, child));
	assert_false(tap_pidwatch_alive(&w, 0));
	assert_true(tap_pidwatch_alive(&w, getpid()));
	tap_pidwatch_close(&w);
}

/* A sender's groups come from /proc only while that pid has the uid and gid it claims. */
static void test_sender_groups(void **state)
{
	(void)state;
	struct tap_ident me, id;
	assert_int_equal(tap_ident_self(&me), 0);
	tap_ident_of_sender(getpid(), getuid(), getgid(), &id);
	assert_int_equal(id.ngroups, me.ngroups);
	tap_ident_of_sender(getpid(), getuid() + 1, getgid(), &id);
	assert_int_equal(id.uid, getuid() + 1);
	assert_int_equal(id.ngroups, 0); /* not what /proc says: no groups, never more */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_connect_as_nobody),
		cmocka_unit_test(test_mode_checked_for_the_client),
		cmocka_unit_test(test_other_threads_untouched),
		cmocka_unit_test(test_pidwatch),
		cmocka_unit_test(test_sender_groups),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
