/* decode_child: start, signal and wait for a decoder's tshark child. */
#include "config.h"

#include "core/io/decode_child.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/base/sysio.h"
#include "core/io/decode.h"

extern char **environ;

/* tshark's nice value: below the relay, which must never wait for decoding. */
#define DECODE_CHILD_NICE 10
/* The user tshark runs as when udscope is root: nobody. */
#define NOBODY 65534

int decode_find_tshark(char *buf, size_t len)
{
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");
		int w = snprintf(buf, len, "%.*s/tshark", (int)n, n ? path : ".");
		if (w > 0 && (size_t)w < len && access(buf, X_OK) == 0)
			return 0;
		path += n + (path[n] == ':');
	}
	return -ENOENT;
}

/* In the child, before exec: only async-signal-safe calls. Never returns. */
static void child_exec(const char *path, char *const argv[], int in, int out, pid_t parent)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || null < 0 || dup2(null, 2) < 0)
		_exit(126);
	syscall(SYS_close_range, 3u, ~0u, 0u);
	/* The relay comes first: tshark runs at nice 10 (below the session's threads), and
	 * under SCHED_IDLE while the relay skips chunks for it (decode_pace.c). */
	setpriority(PRIO_PROCESS, 0, DECODE_CHILD_NICE);
	if (geteuid() == 0 && (setgroups(0, NULL) < 0 || setgid(NOBODY) < 0 || setuid(NOBODY) < 0))
		_exit(126);
	/* After the uid change, which clears it; then the parent may be gone already. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(126);
	execve(path, argv, environ);
	_exit(127);
}

int decode_child_start(struct decode_child *c, const char *path, char *const argv[])
{
	memset(c, 0, sizeof(*c));
	c->in_fd = c->out_fd = -1;
	int pin[2] = { -1, -1 }, pout[2] = { -1, -1 };
	int r = sysio_pipe(pin, 0);
	if (r == 0)
		r = sysio_pipe(pout, 0);
	if (r < 0) {
		sysio_close(&pin[0]);
		sysio_close(&pin[1]);
		return r;
	}
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0)
		child_exec(path, argv, pin[0], pout[1], parent);
	r = pid < 0 ? -errno : 0;
	sysio_close(&pin[0]);
	sysio_close(&pout[1]);
	if (r < 0) {
		sysio_close(&pin[1]);
		sysio_close(&pout[0]);
		return r;
	}
	c->pid = pid;
	c->in_fd = pin[1];
	c->out_fd = pout[0];
	pthread_mutex_init(&c->lock, NULL);
	return 0;
}

void decode_child_kill(struct decode_child *c, int sig)
{
	pthread_mutex_lock(&c->lock);
	if (!c->waited)
		kill(c->pid, sig);
	pthread_mutex_unlock(&c->lock);
}

void decode_child_set_idle(struct decode_child *c, bool idle)
{
	pthread_mutex_lock(&c->lock);
	if (!c->waited)
		sched_setscheduler(c->pid, idle ? SCHED_IDLE : SCHED_OTHER,
				   &(struct sched_param){ 0 });
	pthread_mutex_unlock(&c->lock);
}

void decode_child_wait(struct decode_child *c)
{
	/* Wait without reaping first: until it is reaped the pid cannot be reused, so a kill
	 * under the lock never reaches another process. */
	siginfo_t si;
	while (waitid(P_PID, (id_t)c->pid, &si, WEXITED | WNOWAIT) < 0 && errno == EINTR)
		;
	pthread_mutex_lock(&c->lock);
	int st = 0;
	while (waitpid(c->pid, &st, 0) < 0 && errno == EINTR)
		;
	c->status = st;
	c->waited = true;
	pthread_mutex_unlock(&c->lock);
}

void decode_child_close(struct decode_child *c)
{
	sysio_close(&c->in_fd);
	sysio_close(&c->out_fd);
}
