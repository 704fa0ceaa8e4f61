/* pair: the socketpair + fork demo: a parent thread and a forked child trade one message each. */
#include "config.h"

#include "core/session/pair.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/session/pair_int.h"
#include "core/session/session.h"
#include "core/base/socktype.h"
#include "core/base/sysio.h"

/* waitpid on our own child only, through EINTR (see pair_int.h). */
int pair_wait_child(pid_t pid, int *wstatus)
{
	for (;;) {
		if (waitpid(pid, wstatus, 0) == pid)
			return 0;
		if (errno != EINTR)
			return errno;
	}
}

/* Read the test knobs here, on the caller's thread: getenv is not async-signal-safe. */
static void read_knobs(struct pair *p, const struct event_sink *now)
{
	p->timeout_ms = PAIR_TIMEOUT_MS_DEFAULT;
	const char *t = getenv(PAIR_ENV_TIMEOUT);
	unsigned long ms;
	if (t && *t) {
		if (sysio_parse_ulong(t, 10, 1, PAIR_TIMEOUT_MS_MAX, &ms) == 0)
			p->timeout_ms = (unsigned)ms;
		else
			event_emit_error(now, SRC_PAIR_PARENT, 0, 0,
					 "pair: %s=%.32s is not a number of milliseconds (1..%u); "
					 "using %u", PAIR_ENV_TIMEOUT, t, PAIR_TIMEOUT_MS_MAX,
					 PAIR_TIMEOUT_MS_DEFAULT);
	}
	const char *f = getenv(PAIR_ENV_CHILD_FAIL);
	p->fail = FAIL_NONE;
	if (f && strcmp(f, "exit3") == 0)
		p->fail = FAIL_EXIT3;
	else if (f && strcmp(f, "hang") == 0)
		p->fail = FAIL_HANG;
	else if (f && *f)
		event_emit_error(now, SRC_PAIR_PARENT, 0, 0,
				 "pair: %s=%.32s is not exit3 or hang; ignored", PAIR_ENV_CHILD_FAIL, f);
}

/* What the demo is asked to send, checked before anything is made. Returns 0 or -errno
 * after one error line. */
static int check_words(size_t len, size_t rlen, int type, const struct event_sink *now)
{
	if (!socktype_name(type)) {
		event_emit_error(now, SRC_PAIR_PARENT, 0, EINVAL, "pair: socket type %d", type);
		return -EINVAL;
	}
	/* An empty send puts nothing on a stream, and an empty seqpacket reads like EOF. */
	if (len == 0 || rlen == 0) {
		event_emit_error(now, SRC_PAIR_PARENT, 0, 0,
				 "pair: the %s is empty (nothing would travel)",
				 len == 0 ? "message" : "reply");
		return -EINVAL;
	}
	if (len > PAIR_MSG_MAX || rlen > PAIR_MSG_MAX) {
		event_emit_error(now, SRC_PAIR_PARENT, 0, 0, "pair: the %s is %zu bytes; at most %u",
				 len > PAIR_MSG_MAX ? "message" : "reply",
				 len > PAIR_MSG_MAX ? len : rlen, PAIR_MSG_MAX);
		return -EMSGSIZE;
	}
	return 0;
}

/* A demo holding copies of MSG and REPLY, nothing opened yet; NULL on ENOMEM. */
static struct pair *pair_new(const void *msg, size_t len, const void *reply, size_t rlen,
			     int type, const struct event_sink *now, const struct event_sink *later)
{
	struct pair *p = calloc(1, sizeof(*p));
	if (!p || !(p->msg = malloc(len)) || !(p->reply = malloc(rlen))) {
		if (p)
			free(p->msg);
		free(p);
		return NULL;
	}
	memcpy(p->msg, msg, len);
	memcpy(p->reply, reply, rlen);
	p->len = len;
	p->rlen = rlen;
	p->type = type;
	p->later = *later;
	p->ctl[0] = p->ctl[1] = -1;
	p->pass_fd = -1;
	atomic_init(&p->status, PAIR_RUNNING);
	atomic_init(&p->finished, false);
	atomic_init(&p->child, 0);
	read_knobs(p, now);
	struct run *r = &p->run;
	r->p = p;
	r->self = getpid();
	r->stream = type == SOCK_STREAM;
	r->sock = r->report = -1;
	return p;
}

int pair_start(struct pair **out, const void *msg, size_t len, const void *reply, size_t rlen,
	       int type, const struct event_sink *now, const struct event_sink *later)
{
	return pair_start_fd(out, msg, len, reply, rlen, type, -1, NULL, now, later);
}

/* The control pipe, the socketpair (sv[0] the parent's) and the report pipe (rep[0] the
 * parent's). Returns 0 or -errno after one error line; what was made is P's to close. */
static int open_pair(struct pair *p, int sv[2], int rep[2], const struct event_sink *now)
{
	struct run *r = &p->run;
	int err = sysio_pipe(p->ctl, O_NONBLOCK);
	if (err < 0) {
		event_emit_error(now, SRC_PAIR_PARENT, 0, -err, "pair: pipe");
		return err;
	}
	if (socketpair(AF_UNIX, p->type | SOCK_CLOEXEC, 0, sv) < 0) {
		err = -errno;
		event_emit_error(now, SRC_PAIR_PARENT, 0, -err, "pair: socketpair(AF_UNIX, %s)",
				 socktype_macro(p->type));
		return err;
	}
	r->sock = sv[0];
	p->child_fd = sv[1];
	if ((err = sysio_pipe(rep, 0)) < 0) {
		close(sv[1]);
		event_emit_error(now, SRC_PAIR_PARENT, 0, -err, "pair: pipe");
		return err;
	}
	r->report = rep[0];
	return 0;
}

/* Fork the child and start the thread, every signal blocked across both. Returns 0 or
 * -errno after one error line (a child already forked is killed and waited for). */
static int fork_and_run(struct pair *p, int sv[2], int rep[2], const struct event_sink *now)
{
	/* The child, and the thread after it, start with every signal blocked: a terminal's ^C
	 * is the main thread's business, and the child must never run an inherited handler.
	 * The fork happens here, before the session thread exists: a child forked from that
	 * thread would hold its TLS block with nothing pointing at it (valgrind calls it lost),
	 * and the child's rules are the same on any thread. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	p->t0 = event_now_ns();
	pid_t pid = fork();
	if (pid == 0) {
		close(sv[0]);
		close(rep[0]);
		if (p->pass_fd >= 0)
			close(p->pass_fd);   /* the child's copy comes over the socket */
		pair_child_main(p, sv[1], rep[1], p->rec);
	}
	int err = pid < 0 ? -errno : 0;
	close(sv[1]);
	close(rep[1]);
	if (pid < 0) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		event_emit_error(now, SRC_PAIR_PARENT, 0, -err, "pair: fork");
		return err;
	}
	p->run.child = pid;
	atomic_store(&p->child, (int)pid);
	err = -pthread_create(&p->thread, NULL, pair_run_main, p);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err < 0) {
		kill(pid, SIGKILL);
		int ws;
		pair_wait_child(pid, &ws);
		event_emit_error(now, SRC_PAIR_PARENT, 0, -err, "pair: pthread_create");
		return err;
	}
	p->thread_started = true;
	return 0;
}

int pair_start_fd(struct pair **out, const void *msg, size_t len, const void *reply, size_t rlen,
		  int type, int pass_fd, const char *pass_path, const struct event_sink *now,
		  const struct event_sink *later)
{
	*out = NULL;
	int err = check_words(len, rlen, type, now);
	struct pair *p = err < 0 ? NULL : pair_new(msg, len, reply, rlen, type, now, later);
	if (err < 0 || !p) {
		if (pass_fd >= 0)
			close(pass_fd);
		if (err < 0)
			return err;
		event_emit_error(now, SRC_PAIR_PARENT, 0, ENOMEM, "pair");
		return -ENOMEM;
	}
	p->pass_fd = pass_fd;
	if (pass_path)
		snprintf(p->pass_path, sizeof(p->pass_path), "%s", pass_path);
	int sv[2], rep[2];
	/* Published before the fork so the child's copy of the caller's memory points at P
	 * (a leak checker in the child then sees it reachable, not lost). */
	*out = p;
	err = open_pair(p, sv, rep, now);
	if (err == 0)
		err = fork_and_run(p, sv, rep, now);
	if (err < 0) {
		*out = NULL;
		atomic_store(&p->finished, true);
		pair_destroy(p);
	}
	return err;
}

void pair_request_stop(struct pair *p)
{
	sysio_poke(p->ctl[1]);
}

bool pair_finished(const struct pair *p)
{
	return atomic_load(&p->finished);
}

int pair_status(const struct pair *p)
{
	return atomic_load(&p->status);
}

pid_t pair_child(const struct pair *p)
{
	return (pid_t)atomic_load(&p->child);
}

void pair_destroy(struct pair *p)
{
	if (!p)
		return;
	if (p->thread_started) {
		if (!pair_finished(p))
			pair_request_stop(p);
		pthread_join(p->thread, NULL);
	}
	sysio_close(&p->ctl[0]);
	sysio_close(&p->ctl[1]);
	sysio_close(&p->run.sock);
	sysio_close(&p->run.report);
	sysio_close(&p->pass_fd);
	free(p->msg);
	free(p->reply);
	free(p);
}

/* ---- as a session ---- */

static bool ops_finished(const void *p)
{
	return pair_finished(p);
}

static int ops_status(const void *p)
{
	return pair_status(p);
}

static void ops_stop(void *p)
{
	pair_request_stop(p);
}

static void ops_destroy(void *p, const struct event_sink *now)
{
	pair_destroy(p);
}

static void ops_info(const void *p, struct session_info *out)
{
	const struct pair *pr = p;
	snprintf(out->path, sizeof(out->path), "socketpair(%s)",
		 socktype_name(pr->type) ? socktype_name(pr->type) : "?");
	out->type = socktype_name(pr->type);
}

const struct session_ops pair_session_ops = {
	.kind = SESSION_PAIR,
	.name = "pair",
	.finished = ops_finished,
	.status = ops_status,
	.stop = ops_stop,
	.destroy = ops_destroy,
	.info = ops_info,
};
