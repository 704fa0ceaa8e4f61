/* tap_ident: whose identity a tap's upstream connection carries. Connects a socket with a
 * client's uid, gid and supplementary groups by switching only the calling thread's
 * credentials for the connect, and tells whether a sender's pid still names the process that
 * sent (so that its credentials are never passed on for another process, or replaced by
 * udscope's).
 *
 * Threading: the switch changes the calling thread alone (raw system calls, not the libc
 * wrappers that change every thread); it is undone before tap_ident_connect returns. If it
 * cannot be undone the process aborts: a thread must never go on as the client. */
#ifndef UDSCOPE_TAP_IDENT_H
#define UDSCOPE_TAP_IDENT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

/* The most supplementary groups carried over; a client with more is refused (connecting with
 * some of them left out could lose a deny entry of an ACL). */
#define TAP_IDENT_GROUPS 256

struct tap_ident {
	uid_t uid;
	gid_t gid;
	size_t ngroups;
	gid_t groups[TAP_IDENT_GROUPS];
};

/* Whether this process may take another identity for a connect: euid 0, or CAP_SETUID and
 * CAP_SETGID in its effective set. */
bool tap_ident_can_switch(void);

/* The calling thread's own effective uid, gid and groups. Returns 0 or -errno. */
int tap_ident_self(struct tap_ident *out);

/* The peer of connected socket FD: SO_PEERCRED's uid and gid, SO_PEERGROUPS's groups.
 * Returns 0, -E2BIG (more than TAP_IDENT_GROUPS groups) or -errno. */
int tap_ident_of_peer(int fd, struct tap_ident *out);

/* A datagram sender from its SCM_CREDENTIALS (UID, GID) and, when /proc/PID/status still
 * shows that process with those ids, its groups (else none: fewer rights, never more).
 * Never fails. */
void tap_ident_of_sender(pid_t pid, uid_t uid, gid_t gid, struct tap_ident *out);

/* Whether A and B have the same uid and gid. */
bool tap_ident_same_user(const struct tap_ident *a, const struct tap_ident *b);

/* connect(FD, SA, LEN) with the calling thread switched to AS (groups, then gid, then uid)
 * and back to SELF afterwards (uid first). Returns 0 or -errno of the connect (-EAGAIN: the
 * backlog is full, try again with the same AS); when the switch itself fails, -errno and
 * *STEP names the call ("setgroups", "setresgid", "setresuid"); else *STEP is "connect". */
int tap_ident_connect(int fd, const struct sockaddr *sa, socklen_t len, const struct tap_ident *as,
		      const struct tap_ident *self, const char **step);

/* A pid whose process is watched (a pidfd), so that a sender's credentials go on only while
 * the process that sent is alive: a pid that exited may already name another process. */
struct tap_pidwatch {
	pid_t pid;
	int fd; /* pidfd of PID, or -1 */
};

/* Nothing watched yet. */
void tap_pidwatch_init(struct tap_pidwatch *w);
/* Whether PID's process is alive now (W follows PID from now on). */
bool tap_pidwatch_alive(struct tap_pidwatch *w, pid_t pid);
/* Close W's pidfd. */
void tap_pidwatch_close(struct tap_pidwatch *w);

#endif
