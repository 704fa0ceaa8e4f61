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

#include "core/io/ancil.h"
#include "core/base/bytes.h"
#include "core/io/msgio.h"
#include "core/session/session.h"
#include "core/base/socktype.h"
#include "core/base/sysio.h"

enum pair_fail { FAIL_NONE, FAIL_EXIT3, FAIL_HANG };

/* The child speaks in records on the report pipe: a header (tag, two numbers, payload length)
 * then the payload. The parent thread turns them into words; the child formats nothing. */
enum { REC_WAITING = 'W', REC_RECEIVED = 'R', REC_EOF = 'C', REC_ERROR = 'E', REC_FD = 'F',
       REC_REPLYING = 'S' };
enum { OP_RECV = 1, OP_SEND = 2 };
#define REC_HDR 13
#define REC_MAX (REC_HDR + PAIR_RECV_SIZE)

/* say_bytes fits a label, a cut rendering and a note into an event's text. */
_Static_assert(EVENT_TEXT_MAX >= 200, "event text too short for the pair's lines");

/* The most bytes the child reads from a passed descriptor. */
#define PAIR_FD_READ 64

/* The child's exit statuses (3 belongs to the test knob). */
enum { CHILD_OK = 0, CHILD_RECV_FAILED = 1, CHILD_SEND_FAILED = 2, CHILD_FORCED = 3,
       CHILD_PEER_GONE = 4 };

/* The parent side: set up by pair_start, then the thread's alone. */
struct run {
	struct pair *p;
	pid_t self, child;
	int sock, report;
	bool stream;
	size_t sent;
	bool peer_gone;         /* the child's end closed while we were sending */
	int fatal;              /* a call failed (already told): give up and kill the child */
	size_t reply_got;
	bool reply_done, sock_eof, report_eof;
	size_t rhave;
	uint8_t rbuf[2 * REC_MAX];
	uint8_t in[PAIR_RECV_SIZE];
};

struct pair {
	int type;
	char *msg, *reply;
	size_t len, rlen;
	unsigned timeout_ms;
	enum pair_fail fail;
	int ctl[2];
	int pass_fd;              /* passed to the child with the message, then closed; -1: none */
	char pass_path[256];      /* what it was opened from (as given: lines escape it) */
	int child_fd;             /* the child's end of the pair (its number in both processes) */
	pthread_t thread;
	bool thread_started;
	atomic_int status;
	atomic_bool finished;
	atomic_int child;
	struct event_sink later;
	uint64_t t0;              /* just before the fork */
	struct run run;
	/* The child's record buffer: it exists before the fork, so the child allocates nothing. */
	uint8_t rec[REC_MAX];
};

static void *pair_main(void *arg);
static void child_main(const struct pair *p, int sock, int report, uint8_t *rec)
	__attribute__((noreturn));

/* waitpid on our own child only, through EINTR. Returns 0 or an errno (ECHILD when someone
 * set SIGCHLD to SIG_IGN and the kernel reaped it). */
static int wait_child(pid_t pid, int *wstatus)
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
		child_main(p, sv[1], rep[1], p->rec);
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
	err = -pthread_create(&p->thread, NULL, pair_main, p);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err < 0) {
		kill(pid, SIGKILL);
		int ws;
		wait_child(pid, &ws);
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

/* ---- the child: from fork to _exit only async-signal-safe calls ---- */

static void put32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
	b[2] = (uint8_t)(v >> 16);
	b[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* Write the record in REC (header filled here, N payload bytes already after it). */
static void child_record(int fd, uint8_t *rec, uint8_t tag, uint32_t a, uint32_t b, size_t n)
{
	rec[0] = tag;
	put32(rec + 1, a);
	put32(rec + 5, b);
	put32(rec + 9, (uint32_t)n);
	/* A failure means the parent is gone: nobody to tell. */
	(void)sysio_all(sysio_write, fd, rec, REC_HDR + n);
}

/* Take the descriptors of the control data in MSG (async-signal-safe: pointer arithmetic,
 * read, close, write): read up to PAIR_FD_READ bytes from each, report them, close it. */
static void child_fds(struct msghdr *msg, int report, uint8_t *rec)
{
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(msg); cm; cm = CMSG_NXTHDR(msg, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		size_t n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
			ssize_t got;
			do
				got = read(fd, rec + REC_HDR, PAIR_FD_READ);
			while (got < 0 && errno == EINTR);
			uint32_t err = got < 0 ? (uint32_t)errno : 0;
			child_record(report, rec, REC_FD, (uint32_t)fd, err, got > 0 ? (size_t)got : 0);
			close(fd);
		}
	}
}

/* One recv of the message (with room for passed descriptors); its length or -1. */
static ssize_t child_recv(int sock, bool stream, int report, uint8_t *rec)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * 4)];
	} cbuf;
	struct iovec iov = { rec + REC_HDR, PAIR_RECV_SIZE };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf.buf,
			      .msg_controllen = sizeof(cbuf.buf) };
	ssize_t n;
	do
		n = recvmsg(sock, &msg, stream ? 0 : MSG_TRUNC);
	while (n < 0 && errno == EINTR);
	if (n > 0) {
		size_t kept = (size_t)n < PAIR_RECV_SIZE ? (size_t)n : PAIR_RECV_SIZE;
		child_record(report, rec, REC_RECEIVED, (uint32_t)n, 0, kept);
		child_fds(&msg, report, rec);   /* after: the record above used REC */
	}
	return n;
}

/* REC is the pair's buffer of REC_MAX bytes, made before the fork: the child allocates nothing. */
static void child_main(const struct pair *p, int sock, int report, uint8_t *rec)
{
	child_record(report, rec, REC_WAITING, (uint32_t)sock, 0, 0);
	if (p->fail == FAIL_EXIT3)
		_exit(CHILD_FORCED);
	bool stream = p->type == SOCK_STREAM;
	size_t got = 0;
	/* A stream has no boundaries: read until the whole message is in. Seqpacket and dgram
	 * hand over one message per recv; MSG_TRUNC makes recv tell its real length. */
	while (got < p->len) {
		ssize_t n = child_recv(sock, stream, report, rec);
		if (n < 0) {
			child_record(report, rec, REC_ERROR, OP_RECV, (uint32_t)errno, 0);
			_exit(CHILD_RECV_FAILED);
		}
		if (n == 0) {
			child_record(report, rec, REC_EOF, (uint32_t)got, 0, 0);
			_exit(CHILD_RECV_FAILED);
		}
		got += (size_t)n;
		if (!stream)
			break;
	}
	if (p->fail == FAIL_HANG) {
		/* Never reply; leave only when the parent's end goes away or SIGKILL comes. */
		for (;;) {
			ssize_t n = read(sock, rec, 1);
			if (n == 0 || (n < 0 && errno != EINTR))
				_exit(CHILD_PEER_GONE);
		}
	}
	child_record(report, rec, REC_REPLYING, (uint32_t)p->rlen, (uint32_t)sock, 0);
	int r = sysio_all(sysio_send, sock, p->reply, p->rlen);
	if (r < 0) {
		child_record(report, rec, REC_ERROR, OP_SEND, (uint32_t)-r, 0);
		_exit(CHILD_SEND_FAILED);
	}
	close(sock);
	close(report);
	_exit(CHILD_OK);
}

/* ---- the parent thread ---- */

static void say(struct run *r, enum event_source src, enum event_kind kind, int err,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void say(struct run *r, enum event_source src, enum event_kind kind, int err,
		const char *fmt, ...)
{
	struct event ev;
	event_init(&ev, src, kind);
	ev.actor = src == SRC_PAIR_CHILD ? r->child : r->self;
	ev.err = err;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ev.text, sizeof(ev.text), fmt, ap);
	va_end(ap);
	sink_emit(&r->p->later, &ev);
}

/* "message from parent: b'ping'": the bytes rendered safely, cut with a count when long;
 * a datagram larger than the recv buffer says how much of it was lost. */
static void say_bytes(struct run *r, enum event_source src, const char *what,
		      const uint8_t *data, size_t kept, size_t real)
{
	struct event ev;
	event_init(&ev, src, EV_INFO);
	ev.actor = src == SRC_PAIR_CHILD ? r->child : r->self;
	event_set_bytes(&ev, data, kept);
	char lost[96] = "";
	if (real > kept)
		snprintf(lost, sizeof(lost), " (%zu of %zu bytes: one recv takes one message, "
			 "the rest is discarded)", kept, real);
	/* The line stays readable; the event's preview holds the bytes themselves. */
	char repr[160], more[32] = "";
	size_t room = sizeof(ev.text) - strlen(what) - 2 - strlen(lost) - sizeof(more);
	if (room > sizeof(repr))
		room = sizeof(repr);
	if (bytes_repr(data, kept, repr, room) >= room) {
		if (lost[0])
			snprintf(more, sizeof(more), "...");
		else
			snprintf(more, sizeof(more), "... (%zu bytes)", kept);
	}
	event_textf(&ev, "%s: %s%s%s", what, repr, more, lost);
	sink_emit(&r->p->later, &ev);
}

/* The child got descriptor FD with the message and read N bytes of it (or failed with ERR). */
static void say_fd(struct run *r, uint32_t fd, int err, const uint8_t *data, size_t n)
{
	if (err) {
		say(r, SRC_PAIR_CHILD, EV_INFO, 0, "received fd %" PRIu32 " with the message; "
		    "read: %s (%s); closed it", fd, strerror(err), event_errno_name(err));
		return;
	}
	if (n == 0) {
		say(r, SRC_PAIR_CHILD, EV_INFO, 0, "received fd %" PRIu32 " with the message; read "
		    "0 bytes (end of file, or a pipe with no writer); closed it", fd);
		return;
	}
	char what[64];
	snprintf(what, sizeof(what), "received fd %" PRIu32 " with the message; read", fd);
	say_bytes(r, SRC_PAIR_CHILD, what, data, n, n);
}

static void handle_record(struct run *r, const uint8_t *rec)
{
	uint32_t a = get32(rec + 1), b = get32(rec + 5), n = get32(rec + 9);
	switch (rec[0]) {
	case REC_WAITING:
		say(r, SRC_PAIR_CHILD, EV_INFO, 0, "in child, waiting for message on fd %" PRIu32,
		    a);
		break;
	case REC_FD:
		say_fd(r, a, (int)b, rec + REC_HDR, n);
		break;
	case REC_REPLYING:
		say(r, SRC_PAIR_CHILD, EV_INFO, 0, "in child, sending reply (%" PRIu32 " bytes) on "
		    "fd %" PRIu32, a, b);
		break;
	case REC_RECEIVED:
		say_bytes(r, SRC_PAIR_CHILD, "message from parent", rec + REC_HDR, n, a);
		break;
	case REC_EOF:
		say(r, SRC_PAIR_CHILD, EV_INFO, 0,
		    "the parent's end closed after %" PRIu32 " of %zu bytes", a, r->p->len);
		break;
	case REC_ERROR:
		say(r, SRC_PAIR_CHILD, EV_ERROR, (int)b, "pair: child %ld: %s", (long)r->child,
		    a == OP_RECV ? "recv" : "send");
		break;
	default:
		say(r, SRC_PAIR_PARENT, EV_ERROR, EPROTO, "pair: unknown record 0x%02x from child %ld",
		    rec[0], (long)r->child);
		break;
	}
}

/* Take what the child wrote to the report pipe and tell it, record by record. */
static void read_report(struct run *r)
{
	for (;;) {
		ssize_t n = read(r->report, r->rbuf + r->rhave, sizeof(r->rbuf) - r->rhave);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			if (n < 0)
				say(r, SRC_PAIR_PARENT, EV_ERROR, errno, "pair: read report pipe");
			r->report_eof = true;
			return;
		}
		r->rhave += (size_t)n;
		size_t off = 0;
		while (r->rhave - off >= REC_HDR) {
			uint32_t plen = get32(r->rbuf + off + 9);
			if (plen > PAIR_RECV_SIZE) {
				say(r, SRC_PAIR_PARENT, EV_ERROR, EPROTO,
				    "pair: garbled report from child %ld", (long)r->child);
				r->report_eof = true;
				return;
			}
			if (r->rhave - off < REC_HDR + plen)
				break;
			handle_record(r, r->rbuf + off);
			off += REC_HDR + plen;
		}
		memmove(r->rbuf, r->rbuf + off, r->rhave - off);
		r->rhave -= off;
	}
}

static void send_more(struct run *r)
{
	struct pair *p = r->p;
	while (r->sent < p->len && !r->peer_gone && !r->fatal) {
		struct ancil pass = { .nfds = p->pass_fd >= 0, .fds = { p->pass_fd } };
		ssize_t n = msgio_send(r->sock, p->msg + r->sent, p->len - r->sent,
				       pass.nfds ? &pass : NULL, NULL, 0);
		if (n < 0) {
			/* A child that died early is told by its exit status, not as a send error. */
			if (n == -EPIPE || n == -ECONNRESET || n == -ECONNREFUSED)
				r->peer_gone = true;
			else if (n != -EAGAIN)
				say(r, SRC_PAIR_PARENT, EV_ERROR, r->fatal = (int)-n, "pair: send");
			return;
		}
		if (p->pass_fd >= 0) {
			say(r, SRC_PAIR_PARENT, EV_INFO, 0, "passed fd %d (%s) with the message; "
			    "closed the parent's copy", p->pass_fd, p->pass_path);
			sysio_close(&p->pass_fd);
		}
		r->sent += (size_t)n;
	}
}

static void take_reply(struct run *r)
{
	while (!r->reply_done && !r->sock_eof) {
		ssize_t n = recv(r->sock, r->in, sizeof(r->in),
				 MSG_DONTWAIT | (r->stream ? 0 : MSG_TRUNC));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return;
			if (errno != ECONNRESET)
				say(r, SRC_PAIR_PARENT, EV_ERROR, r->fatal = errno, "pair: recv");
			r->sock_eof = true;
			return;
		}
		if (n == 0) {
			r->sock_eof = true;
			return;
		}
		size_t kept = (size_t)n < sizeof(r->in) ? (size_t)n : sizeof(r->in);
		say_bytes(r, SRC_PAIR_PARENT, "response from child", r->in, kept, (size_t)n);
		r->reply_got += (size_t)n;
		if (!r->stream || r->reply_got >= r->p->rlen)
			r->reply_done = true;
	}
}

/* Send the message and follow the child until it has replied and closed its report pipe
 * (or died). Returns 0, ETIMEDOUT, ECANCELED, or the errno of a call that failed. */
static int exchange(struct run *r, uint64_t deadline_ns)
{
	for (;;) {
		if (r->report_eof) {
			/* The child is gone or going: what it sent is already queued here. */
			take_reply(r);
			return r->fatal;
		}
		uint64_t now = event_now_ns();
		if (now >= deadline_ns)
			return ETIMEDOUT;
		int wait_ms = (int)((deadline_ns - now + 999999u) / 1000000u);
		short sev = 0;
		if (r->sent < r->p->len && !r->peer_gone)
			sev |= POLLOUT;
		if (!r->reply_done && !r->sock_eof)
			sev |= POLLIN;
		struct pollfd pf[3] = {
			{ .fd = r->p->ctl[0], .events = POLLIN },
			{ .fd = r->report, .events = POLLIN },
			{ .fd = sev ? r->sock : -1, .events = sev },
		};
		if (poll(pf, 3, wait_ms) < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			say(r, SRC_PAIR_PARENT, EV_ERROR, e, "pair: poll");
			return e;
		}
		if (pf[0].revents)
			return ECANCELED;
		/* The report first: the child writes what it got before it replies, so its lines
		 * come out ahead of the parent's "response from child". */
		if (pf[1].revents)
			read_report(r);
		if (pf[2].revents & (POLLOUT | POLLERR))
			send_more(r);
		if (pf[2].revents & (POLLIN | POLLHUP | POLLERR))
			take_reply(r);
		if (r->fatal)
			return r->fatal;
	}
}

static const char *signal_name(int sig)
{
	switch (sig) {
	case SIGKILL: return "SIGKILL";
	case SIGTERM: return "SIGTERM";
	case SIGINT: return "SIGINT";
	case SIGHUP: return "SIGHUP";
	case SIGSEGV: return "SIGSEGV";
	case SIGABRT: return "SIGABRT";
	case SIGBUS: return "SIGBUS";
	case SIGPIPE: return "SIGPIPE";
	case SIGFPE: return "SIGFPE";
	case SIGILL: return "SIGILL";
	default: return "?";
	}
}

static void duration(unsigned ms, char *buf, size_t len)
{
	if (ms % 1000 == 0)
		snprintf(buf, len, "%u s", ms / 1000);
	else
		snprintf(buf, len, "%u ms", ms);
}

/* Tell how the child ended and what that means for the exchange; returns the status. */
static int conclude(struct run *r, int outcome, int wait_err, int ws, uint64_t took_ns)
{
	char after[32];
	duration(r->p->timeout_ms, after, sizeof(after));
	if (wait_err)
		say(r, SRC_PAIR_CHILD, EV_ERROR, wait_err,
		    "pair: waitpid %ld (its exit status is lost)", (long)r->child);
	else if (WIFEXITED(ws))
		say(r, SRC_PAIR_CHILD, EV_INFO, 0, "exited with status %d", WEXITSTATUS(ws));
	else if (WIFSIGNALED(ws))
		say(r, SRC_PAIR_CHILD, EV_INFO, 0, "killed by signal %d (%s)", WTERMSIG(ws),
		    signal_name(WTERMSIG(ws)));

	if (outcome == ETIMEDOUT) {
		say(r, SRC_PAIR_PARENT, EV_ERROR, 0, r->reply_done ?
		    "pair: child %ld killed after %s: it replied but did not exit" :
		    "pair: child %ld killed after %s without replying", (long)r->child, after);
		return ETIMEDOUT;
	}
	if (outcome == ECANCELED) {
		say(r, SRC_PAIR_PARENT, EV_INFO, 0, "stopped: child %ld killed", (long)r->child);
		return ECANCELED;
	}
	if (outcome)
		return outcome;   /* already told where it failed */
	bool clean = !wait_err && WIFEXITED(ws) && WEXITSTATUS(ws) == 0;
	if (!r->reply_done) {
		if (!wait_err && WIFEXITED(ws))
			say(r, SRC_PAIR_PARENT, EV_ERROR, 0,
			    "pair: child %ld exited with status %d before replying", (long)r->child,
			    WEXITSTATUS(ws));
		else if (!wait_err && WIFSIGNALED(ws))
			say(r, SRC_PAIR_PARENT, EV_ERROR, 0,
			    "pair: child %ld killed by signal %d (%s) before replying",
			    (long)r->child, WTERMSIG(ws), signal_name(WTERMSIG(ws)));
		else
			say(r, SRC_PAIR_PARENT, EV_ERROR, 0, "pair: child %ld ended before replying",
			    (long)r->child);
		return EPROTO;
	}
	if (r->stream && r->reply_got < r->p->rlen) {
		say(r, SRC_PAIR_PARENT, EV_ERROR, 0, "pair: short reply, %zu of %zu bytes",
		    r->reply_got, r->p->rlen);
		return EPROTO;
	}
	if (!clean) {
		say(r, SRC_PAIR_PARENT, EV_ERROR, 0, "pair: child %ld replied but did not exit cleanly",
		    (long)r->child);
		return EPROTO;
	}
	say(r, SRC_PAIR_PARENT, EV_DONE, 0, "exchange took %.3f ms, fork to reap",
	    (double)took_ns / 1e6);
	return 0;
}

static void finish(struct pair *p, int status)
{
	atomic_store(&p->status, status);
	atomic_store(&p->finished, true);
}

static void *pair_main(void *arg)
{
	struct pair *p = arg;
	struct run *r = &p->run;
	/* Non-blocking, so one poll loop watches the clock, a stop request and both fds. */
	sysio_set_nonblock(r->sock, true);
	sysio_set_nonblock(r->report, true);
	say(r, SRC_PAIR_PARENT, EV_INFO, 0, "socketpair(AF_UNIX, %s) and fork: child %ld; %s",
	    socktype_macro(p->type), (long)r->child, r->stream ?
	    "a byte stream, a recv returns whatever is queued" :
	    "message boundaries kept, one recv returns one message");
	say(r, SRC_PAIR_PARENT, EV_INFO, 0, "the pair is fds %d and %d: the parent keeps fd %d "
	    "(closed %d), the child keeps fd %d (closed %d)", r->sock, p->child_fd, r->sock,
	    p->child_fd, p->child_fd, r->sock);
	say(r, SRC_PAIR_PARENT, EV_INFO, 0, "in parent, sending message");
	send_more(r);
	int outcome = r->fatal ? r->fatal :
		      exchange(r, p->t0 + (uint64_t)p->timeout_ms * 1000000u);
	if (outcome)
		kill(r->child, SIGKILL);   /* not reaped yet, so the pid is still ours */
	int ws = 0;
	int wait_err = wait_child(r->child, &ws);
	uint64_t took = event_now_ns() - p->t0;
	/* Lines the child wrote before it died still count. */
	if (!r->report_eof)
		read_report(r);
	int status = conclude(r, outcome, wait_err, ws, took);
	sysio_close(&r->sock);
	sysio_close(&r->report);
	finish(p, status);
	return NULL;
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
