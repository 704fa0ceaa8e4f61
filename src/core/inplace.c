/* inplace: moving a live socket node aside for a tap, and the guard that puts it back. */
#include "config.h"

#include "core/inplace.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define HIDDEN_SUFFIX ".udscope-tap"
#define DISMISS 'x'            /* what the guard reads when it must not restore */

char *inplace_hidden_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dl = slash ? (size_t)(slash - path) + 1 : 0;
	const char *base = path + dl;
	size_t need = strlen(path) + 2 + sizeof(HIDDEN_SUFFIX);
	char *h = malloc(need);
	if (h)
		snprintf(h, need, "%.*s.%s%s", (int)dl, path, base, HIDDEN_SUFFIX);
	return h;
}

/* The guard: waits on FD; EOF (this process is gone) or an error means put the node back.
 * Only async-signal-safe calls: it is forked from a process with threads. */
static void guard_main(int fd, const char *hidden, const char *path)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	/* The terminal's signals reach the whole process group; the guard must outlive them. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sigaction(SIGTSTP, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	/* Hold nothing else: a listener it kept open would outlive its server. */
	if (fd > 0)
		close_range(0, (unsigned)fd - 1, 0);
	close_range((unsigned)fd + 1, ~0u, 0);
	for (;;) {
		char c;
		ssize_t r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 1 && c == DISMISS)
			_exit(0);
		if (r == 1)
			continue;
		break;
	}
	rename(hidden, path);
	_exit(0);
}

static int guard_start(struct inplace *ip)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid < 0) {
		int e = -errno;
		close(p[0]);
		close(p[1]);
		return e;
	}
	if (pid == 0)
		guard_main(p[0], ip->hidden, ip->path);
	close(p[0]);
	ip->guard = pid;
	ip->guard_fd = p[1];
	return 0;
}

static void guard_dismiss(struct inplace *ip)
{
	if (ip->guard_fd >= 0) {
		char c = DISMISS;
		ssize_t w;
		do
			w = write(ip->guard_fd, &c, 1);
		while (w < 0 && errno == EINTR);
		close(ip->guard_fd);
		ip->guard_fd = -1;
	}
	if (ip->guard > 0) {
		while (waitpid(ip->guard, NULL, 0) < 0 && errno == EINTR)
			;
		ip->guard = 0;
	}
}

static void forget(struct inplace *ip)
{
	free(ip->path);
	free(ip->hidden);
	ip->path = ip->hidden = NULL;
}

/* PATH's checks before anything moves: a socket node, no hidden node left over. */
static int check_nodes(struct inplace *ip, char *why, size_t whylen)
{
	struct stat st;
	if (strlen(ip->hidden) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		snprintf(why, whylen, "the hidden name %s is too long for a socket address",
			 ip->hidden);
		return -ENAMETOOLONG;
	}
	if (lstat(ip->path, &ip->orig) < 0) {
		int e = -errno;
		snprintf(why, whylen, "lstat: %s", strerror(-e));
		return e;
	}
	if (!S_ISSOCK(ip->orig.st_mode)) {
		snprintf(why, whylen, "not a socket node");
		return -ENOTSOCK;
	}
	if (lstat(ip->hidden, &st) == 0) {
		snprintf(why, whylen, "a node from an earlier tap is still at %s (tap --restore "
			 "PATH puts it back)", ip->hidden);
		return -EEXIST;
	}
	return 0;
}

int inplace_take(struct inplace *ip, const char *path, char *why, size_t whylen)
{
	memset(ip, 0, sizeof(*ip));
	ip->guard_fd = -1;
	why[0] = '\0';
	ip->path = strdup(path);
	ip->hidden = inplace_hidden_name(path);
	if (!ip->path || !ip->hidden) {
		forget(ip);
		return -ENOMEM;
	}
	int r = check_nodes(ip, why, whylen);
	if (r == 0)
		r = guard_start(ip);
	if (r == 0 && renameat2(AT_FDCWD, path, AT_FDCWD, ip->hidden, RENAME_NOREPLACE) < 0) {
		r = -errno;
		snprintf(why, whylen, "rename to %s: %s", ip->hidden, strerror(-r));
		guard_dismiss(ip);
	}
	if (r < 0)
		forget(ip);
	return r;
}

int inplace_adopt_owner(const struct inplace *ip)
{
	if (chown(ip->path, ip->orig.st_uid, ip->orig.st_gid) < 0 ||
	    chmod(ip->path, ip->orig.st_mode & 07777) < 0)
		return -errno;
	return 0;
}

int inplace_restore(struct inplace *ip)
{
	if (!ip->path)
		return 0;
	if (rename(ip->hidden, ip->path) < 0)
		return -errno;
	guard_dismiss(ip);
	forget(ip);
	return 0;
}

int inplace_repair(const char *path)
{
	char *hidden = inplace_hidden_name(path);
	if (!hidden)
		return -ENOMEM;
	struct stat hs, ps;
	int r = 0;
	if (lstat(hidden, &hs) < 0)
		r = -errno;
	else if (!S_ISSOCK(hs.st_mode))
		r = -ENOTSOCK;
	else if (lstat(path, &ps) == 0 && !S_ISSOCK(ps.st_mode))
		r = -EEXIST;      /* never over a file someone put there since */
	else if (rename(hidden, path) < 0)
		r = -errno;
	free(hidden);
	return r;
}
