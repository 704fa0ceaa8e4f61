/* sysio: careful system-call helpers shared by every session. */
#ifndef UDSCOPE_SYSIO_H
#define UDSCOPE_SYSIO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* A transfer function for sysio_all: read, sysio_write or sysio_send. */
typedef ssize_t (*sysio_fn)(int fd, void *buf, size_t len);

/* Move all LEN bytes of BUF with F, looping on EINTR and partial transfers (the loop of
 * OpenSSH's atomicio). Blocking descriptors only. Returns 0, -EPIPE when a read met EOF
 * first, or -errno. Async-signal-safe: a forked child may use it. */
int sysio_all(sysio_fn f, int fd, void *buf, size_t len);
/* write(2) and send(2) with MSG_NOSIGNAL, in sysio_fn's shape. */
ssize_t sysio_write(int fd, void *buf, size_t len);
ssize_t sysio_send(int fd, void *buf, size_t len);
/* The usual cases. */
static inline int sysio_write_all(int fd, const void *buf, size_t len)
{
	return sysio_all(sysio_write, fd, (void *)buf, len);
}
static inline int sysio_send_all(int fd, const void *buf, size_t len)
{
	return sysio_all(sysio_send, fd, (void *)buf, len);
}

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

/* The front ends' signals: block SIGINT, SIGTERM, SIGHUP and, unless EXTRA is 0, signal
 * EXTRA in the calling thread, and return a non-blocking close-on-exec signalfd that reports
 * them, or -errno. Call before any thread starts: threads inherit the mask, so the signals
 * reach only the fd. They stay blocked after the fd is closed, so that one arriving then
 * cannot kill a clean exit. */
int sysio_signals_block(int extra);
/* The number of the next signal waiting on signalfd FD, or 0 when none is. */
int sysio_signal_next(int fd);

/* Parse a decimal number in [MIN, MAX]. Returns 0 or -EINVAL / -ERANGE. */
int sysio_parse_ulong(const char *s, int base, unsigned long min, unsigned long max,
		      unsigned long *out);

#endif
