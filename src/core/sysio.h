/* sysio: careful system-call helpers shared by every session. */
#ifndef UDSCOPE_SYSIO_H
#define UDSCOPE_SYSIO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Write all LEN bytes (MSG_NOSIGNAL for sockets), looping on EINTR and partial writes.
 * Blocking descriptors only. Returns 0 or -errno. */
int sysio_write_all(int fd, const void *buf, size_t len);
/* send() all LEN bytes with MSG_NOSIGNAL; same contract. */
int sysio_send_all(int fd, const void *buf, size_t len);

/* pipe2(O_CLOEXEC | extra). Returns 0 or -errno. */
int sysio_pipe(int fds[2], int extra_flags);
int sysio_set_nonblock(int fd, bool on);
void sysio_close(int *fd);   /* close and set to -1; no-op on -1 */
/* Wake a session thread: one byte into its non-blocking control pipe (FD may be -1). A full
 * pipe already holds a wake-up, so EAGAIN counts as done. Returns 0 or -errno. */
int sysio_poke(int fd);

struct peer_cred {
	bool ok;
	pid_t pid;
	uid_t uid;
	gid_t gid;
	char comm[32];           /* /proc/PID/comm, or "" when it could not be read */
	int comm_err;            /* errno when comm could not be read */
};
/* SO_PEERCRED of FD plus the process name. */
void sysio_peer_cred(int fd, struct peer_cred *out);
/* Read /proc/PID/comm into BUF (no newline). Returns 0 or -errno. */
int sysio_proc_comm(pid_t pid, char *buf, size_t len);

/* Parse a decimal number in [MIN, MAX]. Returns 0 or -EINVAL / -ERANGE. */
int sysio_parse_ulong(const char *s, int base, unsigned long min, unsigned long max,
		      unsigned long *out);

#endif
