/* decode_child: the tshark process of a decoder: found in PATH, started with pipes on its
 * stdin and stdout, tied to udscope's life, waited for exactly once. */
#ifndef UDSCOPE_DECODE_CHILD_H
#define UDSCOPE_DECODE_CHILD_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct decode_child {
	pid_t pid;
	int in_fd;            /* tshark's stdin (we write) */
	int out_fd;           /* tshark's stdout (we read) */
	pthread_mutex_t lock; /* kill and the wait go one after the other: */
	bool waited;          /* a pid is never signalled once it was waited for */
	int status;           /* the wait status, once waited */
};

/* Start PATH with ARGV (NULL-terminated): stdin and stdout pipes, stderr /dev/null, no
 * other descriptor, signals default and unblocked, PR_SET_PDEATHSIG SIGKILL (for the
 * calling thread's end), SCHED_IDLE and nice 10 (the session's threads come first: nice
 * counts where SCHED_IDLE is refused), as nobody (uid and gid 65534, no groups) when
 * udscope is root: a dissector's bug reads peer bytes with no rights. Returns 0 or
 * -errno. */
int decode_child_start(struct decode_child *c, const char *path, char *const argv[]);
/* Send SIG unless the child was waited for already. */
void decode_child_kill(struct decode_child *c, int sig);
/* Put the child under SCHED_IDLE (IDLE) or back to SCHED_OTHER (its nice value stays),
 * unless it was waited for already: a reaped pid may be another process's by now. */
void decode_child_set_idle(struct decode_child *c, bool idle);
/* Wait for the child to end (blocking; call after its stdout ended or it was killed). */
void decode_child_wait(struct decode_child *c);
/* Close both pipes (if still open). */
void decode_child_close(struct decode_child *c);

#endif
