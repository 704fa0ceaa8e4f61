/* inplace_guard: a process in its own session that holds an in-place tap's descriptors and
 * puts back what is provably the tap's when udscope ends without doing it. */
#include "config.h"

#include "core/io/inplace_guard.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/base/event.h"
#include "core/io/inplace_back.h"

#define DISMISS 'x'        /* what the guard reads when it must not put back */
#define ANSWER 'k'         /* what it answers before it ends */
#define GUARD_WAIT_MS 1000 /* how long udscope waits for the guard at start and dismissal */

/* Close every descriptor but the N in KEEP (ascending after sorting). */
static void keep_only(int *keep, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && keep[j] < keep[j - 1]; j--) {
			int t = keep[j];
			keep[j] = keep[j - 1];
			keep[j - 1] = t;
		}
	unsigned from = 0;
	for (int i = 0; i < n; i++) {
		if (keep[i] < 0)
			continue;
		if ((unsigned)keep[i] > from)
			close_range(from, (unsigned)keep[i] - 1, 0);
		from = (unsigned)keep[i] + 1;
	}
	close_range(from, ~0u, 0);
}

/* The guard: waits on FD; the word DISMISS means end; EOF (udscope is gone) or an error
 * means put back. Only async-signal-safe calls: it is forked from a process with threads. */
static void guard_main(int fd, const struct inplace *ip)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	/* A terminal's signals and a service manager's SIGTERM: udscope puts back itself then. */
	int ignored[] = { SIGINT, SIGHUP, SIGTERM, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGPIPE };
	for (size_t i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++)
		sigaction(ignored[i], &sa, NULL);
	/* Hold nothing else: a listener it kept open would outlive its server. */
	int keep[] = { fd, ip->dfd, ip->pdfd, ip->orig_fd, ip->tap_fd };
	keep_only(keep, 5);
	pid_t self = getpid();
	(void)!write(fd, &self, sizeof(self));
	for (;;) {
		char c;
		ssize_t r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 1 && c == DISMISS) {
			(void)!write(fd, &(char){ ANSWER }, 1);
			_exit(0);
		}
		if (r == 1)
			continue;
		break;
	}
	struct inplace_fds f;
	inplace_fds_of(ip, &f);
	struct inplace_result res;
	if (inplace_put_back(&f, &res) == 0)
		inplace_drop_dir(ip->dfd, ip->hbase, ip->pdfd, ip->record, &res);
	_exit(0);
}

/* Wait until FD is readable, MS milliseconds at most. Returns whether it is. */
static bool readable_within(int fd, int ms)
{
	uint64_t until = event_now_ns() + (uint64_t)ms * 1000000u;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		uint64_t now = event_now_ns();
		if (now >= until)
			return false;
		int r = poll(&p, 1, (int)((until - now) / 1000000u) + 1);
		if (r > 0)
			return true;
		if (r < 0 && errno != EINTR)
			return false;
	}
}

/* Wait for the short-lived middle child, a bounded time (it only forks and exits). */
static void wait_middle(pid_t pid)
{
	uint64_t until = event_now_ns() + (uint64_t)GUARD_WAIT_MS * 1000000u;
	while (waitpid(pid, NULL, WNOHANG) == 0 && event_now_ns() < until) {
		struct timespec ts = { 0, 1000000 };
		nanosleep(&ts, NULL);
	}
}

int inplace_guard_start(struct inplace *ip)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid < 0) {
		int e = -errno;
		close(sv[0]);
		close(sv[1]);
		return e;
	}
	if (pid == 0) {
		/* A session of its own, then a child of init: udscope's process group, job
		 * control and its waits never reach the guard. */
		setsid();
		pid_t g = fork();
		if (g == 0)
			guard_main(sv[1], ip);
		_exit(g < 0 ? 1 : 0);
	}
	close(sv[1]);
	wait_middle(pid);
	pid_t g = 0;
	if (!readable_within(sv[0], GUARD_WAIT_MS) ||
	    recv(sv[0], &g, sizeof(g), MSG_DONTWAIT) != (ssize_t)sizeof(g) || g <= 0) {
		close(sv[0]);
		return -ECHILD;
	}
	ip->guard = g;
	ip->guard_fd = sv[0];
	return 0;
}

bool inplace_guard_dismiss(struct inplace *ip)
{
	if (ip->guard_fd < 0)
		return true;
	char c = DISMISS;
	bool answered = send(ip->guard_fd, &c, 1, MSG_NOSIGNAL) == 1 &&
			readable_within(ip->guard_fd, GUARD_WAIT_MS);
	close(ip->guard_fd);
	ip->guard_fd = -1;
	ip->guard = 0;
	return answered;
}
