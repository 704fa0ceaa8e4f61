/* sysio: careful system-call helpers shared by every session. */
#include "config.h"

#include "core/base/sysio.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

ssize_t sysio_write(int fd, void *buf, size_t len)
{
	return write(fd, buf, len);
}

ssize_t sysio_send(int fd, void *buf, size_t len)
{
	return send(fd, buf, len, MSG_NOSIGNAL);
}

int sysio_all(sysio_fn f, int fd, void *buf, size_t len)
{
	char *p = buf;
	while (len) {
		ssize_t n = f(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EPIPE;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int sysio_pipe(int fds[2], int extra_flags)
{
	return pipe2(fds, O_CLOEXEC | extra_flags) < 0 ? -errno : 0;
}

int sysio_set_nonblock(int fd, bool on)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0)
		return -errno;
	fl = on ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK);
	return fcntl(fd, F_SETFL, fl) < 0 ? -errno : 0;
}

void sysio_close(int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	}
}

int sysio_poke(int fd)
{
	char b = '!';
	if (fd < 0)
		return 0;
	ssize_t n;
	do
		n = write(fd, &b, 1);
	while (n < 0 && errno == EINTR);
	return n < 0 && errno != EAGAIN ? -errno : 0;
}

int sysio_proc_comm(pid_t pid, char *buf, size_t len)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%ld/comm", (long)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n;
	do
		n = read(fd, buf, len ? len - 1 : 0);
	while (n < 0 && errno == EINTR);
	int err = n < 0 ? -errno : 0;
	close(fd);
	if (err)
		return err;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\0'))
		n--;
	buf[n] = '\0';
	return 0;
}

void sysio_peer_cred(int fd, struct peer_cred *out)
{
	memset(out, 0, sizeof(*out));
	struct ucred uc;
	socklen_t sl = sizeof(uc);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &sl) < 0)
		return;
	out->ok = true;
	out->pid = uc.pid;
	out->uid = uc.uid;
	out->gid = uc.gid;
	int r = uc.pid > 0 ? sysio_proc_comm(uc.pid, out->comm, sizeof(out->comm)) : -ESRCH;
	if (r < 0)
		out->comm_err = -r;
}

int sysio_signals_block(int extra)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (extra)
		sigaddset(&set, extra);
	int err = pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (err)
		return -err;
	int fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	return fd < 0 ? -errno : fd;
}

int sysio_signal_next(int fd)
{
	struct signalfd_siginfo si;
	ssize_t n;
	do
		n = read(fd, &si, sizeof(si));
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(si) ? (int)si.ssi_signo : 0;
}

int sysio_parse_ulong(const char *s, int base, unsigned long min, unsigned long max,
		      unsigned long *out)
{
	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, base);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}
