/* tap_ident: connecting a tap's upstream socket as the client (its uid, gid and groups, on
 * the calling thread alone), and watching a sender's pid so its credentials never go on for
 * another process. */
#include "config.h"

#include "core/session/tap_ident.h"

#include <errno.h>
#include <linux/capability.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/base/sysio.h"

#ifndef SO_PEERGROUPS
#define SO_PEERGROUPS 59
#endif

bool tap_ident_can_switch(void)
{
	if (geteuid() == 0)
		return true;
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d) < 0)
		return false;
	__u32 need = (1u << CAP_SETUID) | (1u << CAP_SETGID);
	return (d[0].effective & need) == need;
}

int tap_ident_self(struct tap_ident *out)
{
	out->uid = geteuid();
	out->gid = getegid();
	int n = getgroups(TAP_IDENT_GROUPS, out->groups);
	if (n < 0)
		return errno == EINVAL ? -E2BIG : -errno;
	out->ngroups = (size_t)n;
	return 0;
}

int tap_ident_of_peer(int fd, struct tap_ident *out)
{
	struct ucred uc;
	socklen_t len = sizeof(uc);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) < 0)
		return -errno;
	out->uid = uc.uid;
	out->gid = uc.gid;
	len = sizeof(out->groups);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, out->groups, &len) < 0)
		return errno == ERANGE ? -E2BIG : -errno;
	out->ngroups = len / sizeof(gid_t);
	return 0;
}

/* The numbers after KEY in a /proc status line, into OUT (at most CAP). Returns how many,
 * or -1 when LINE is not KEY's. */
static int status_numbers(const char *line, const char *key, unsigned long *out, size_t cap)
{
	size_t k = strlen(key);
	if (strncmp(line, key, k) != 0)
		return -1;
	const char *p = line + k;
	int n = 0;
	for (;;) {
		char *end;
		errno = 0;
		unsigned long v = strtoul(p, &end, 10);
		if (end == p || errno)
			return n;
		if ((size_t)n == cap)
			return -1; /* more than fit: treated as unknown */
		out[n++] = v;
		p = end;
	}
}

void tap_ident_of_sender(pid_t pid, uid_t uid, gid_t gid, struct tap_ident *out)
{
	*out = (struct tap_ident){ .uid = uid, .gid = gid };
	char path[48], line[4096];
	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return;
	unsigned long ids[TAP_IDENT_GROUPS];
	bool uid_ok = false, gid_ok = false;
	int ng = -1;
	while (fgets(line, sizeof(line), f)) {
		int n;
		if ((n = status_numbers(line, "Uid:", ids, 4)) >= 1)
			uid_ok = ids[0] == uid;
		else if ((n = status_numbers(line, "Gid:", ids, 4)) >= 1)
			gid_ok = ids[0] == gid;
		else if ((n = status_numbers(line, "Groups:", ids, TAP_IDENT_GROUPS)) >= 0)
			ng = n;
		if (ng >= 0)
			break; /* Groups comes after Uid and Gid */
	}
	fclose(f);
	if (!uid_ok || !gid_ok || ng < 0)
		return;
	for (int i = 0; i < ng; i++)
		out->groups[i] = (gid_t)ids[i];
	out->ngroups = (size_t)ng;
}

bool tap_ident_same_user(const struct tap_ident *a, const struct tap_ident *b)
{
	return a->uid == b->uid && a->gid == b->gid;
}

/* The calling thread's groups, gid and uid become ID's (raw calls: this thread only).
 * Returns 0 or -errno with *STEP naming the call that failed. */
static int become(const struct tap_ident *id, const char **step)
{
	*step = "setgroups";
	if (syscall(SYS_setgroups, id->ngroups, id->groups) < 0)
		return -errno;
	*step = "setresgid";
	if (syscall(SYS_setresgid, -1, id->gid, -1) < 0)
		return -errno;
	*step = "setresuid";
	if (syscall(SYS_setresuid, -1, id->uid, -1) < 0)
		return -errno;
	return 0;
}

/* Back to SELF, uid first (it brings back the rights the rest needs). A thread that cannot
 * return must not go on as someone else: the process ends here, loudly. */
static void come_back(const struct tap_ident *self, int dumpable)
{
	const char *what = "setresuid";
	if (syscall(SYS_setresuid, -1, self->uid, -1) == 0) {
		what = "setresgid";
		if (syscall(SYS_setresgid, -1, self->gid, -1) == 0) {
			what = "setgroups";
			if (syscall(SYS_setgroups, self->ngroups, self->groups) == 0) {
				/* A change of euid made the process undumpable; undo that too. */
				if (dumpable > 0 && prctl(PR_GET_DUMPABLE) != dumpable)
					(void)prctl(PR_SET_DUMPABLE, dumpable);
				return;
			}
		}
	}
	char msg[160];
	int n = snprintf(msg, sizeof(msg),
			 "udscope: tap: %s back to uid %lu after connecting as "
			 "a client failed: %s; stopping at once\n",
			 what, (unsigned long)self->uid, strerror(errno));
	if (n > 0)
		(void)sysio_write_all(2, msg,
				      (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1);
	abort();
}

int tap_ident_connect(int fd, const struct sockaddr *sa, socklen_t len, const struct tap_ident *as,
		      const struct tap_ident *self, const char **step)
{
	int dumpable = prctl(PR_GET_DUMPABLE);
	int r = become(as, step);
	if (r == 0) {
		*step = "connect";
		do
			r = connect(fd, sa, len) < 0 ? -errno : 0;
		while (r == -EINTR);
	}
	int saved = errno;
	come_back(self, dumpable);
	errno = saved;
	return r;
}

void tap_pidwatch_init(struct tap_pidwatch *w)
{
	w->pid = 0;
	w->fd = -1;
}

bool tap_pidwatch_alive(struct tap_pidwatch *w, pid_t pid)
{
	if (pid <= 0)
		return false;
	if (w->pid != pid || w->fd < 0) {
		tap_pidwatch_close(w);
		w->pid = pid;
		int fd = (int)syscall(SYS_pidfd_open, pid, 0);
		if (fd < 0 && errno == ESRCH)
			return false; /* gone already */
		if (fd < 0)           /* out of descriptors, say: whether it exists, unguarded */
			return kill(pid, 0) == 0 || errno == EPERM;
		w->fd = fd;
	}
	/* A pidfd turns readable when its process exits: its pid may name another soon. */
	struct pollfd p = { .fd = w->fd, .events = POLLIN };
	return poll(&p, 1, 0) == 0;
}

void tap_pidwatch_close(struct tap_pidwatch *w)
{
	sysio_close(&w->fd);
	w->pid = 0;
}
