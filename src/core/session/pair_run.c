/* pair_run: the pair demo's parent thread: it sends the message, turns the child's records
 * into lines, takes the reply, and says how the child ended. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/base/bytes.h"
#include "core/base/socktype.h"
#include "core/base/sysio.h"
#include "core/io/msgio.h"
#include "core/session/pair_int.h"

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

/* A fact of the pair, said by SRC: the child's pid in it, its fields the caller's. */
static void fact_init(struct run *r, struct event *ev, enum event_source src, enum event_kind kind,
		      enum event_fact fact)
{
	event_init(ev, src, kind);
	ev->actor = src == SRC_PAIR_CHILD ? r->child : r->self;
	ev->fact = fact;
	ev->child_pid = r->child;
}

/* The bytes of EV (a message, or what a passed descriptor held): kept whole in its preview,
 * their repr in its text, cut with a count when long. WHAT_LEN: the words before them;
 * REAL: the message's length when one recv could not take it all. */
static void set_bytes(struct event *ev, size_t what_len, const uint8_t *data, size_t kept,
		      size_t real)
{
	event_set_bytes(ev, data, kept);
	ev->got = kept;
	ev->expected = real;
	/* The line stays readable; the event's preview holds the bytes themselves. */
	int lost = real > kept ? snprintf(NULL, 0,
					  " (%zu of %zu bytes: one recv takes one "
					  "message, the rest is discarded)",
					  kept, real)
			       : 0;
	size_t more = 32; /* room kept for "... (N bytes)" */
	size_t room = sizeof(ev->text) - what_len - 2 - (size_t)lost - more;
	if (room > 160)
		room = 160;
	if (bytes_repr(data, kept, ev->text, room) >= room) {
		size_t w = strlen(ev->text);
		if (real > kept)
			snprintf(ev->text + w, sizeof(ev->text) - w, "...");
		else
			snprintf(ev->text + w, sizeof(ev->text) - w, "... (%zu bytes)", kept);
	}
}

/* "message from parent: b'ping'", "response from child: b'pong'": one side received KEPT
 * bytes of a REAL-byte message. */
static void say_message(struct run *r, enum event_source src, const uint8_t *data, size_t kept,
			size_t real)
{
	struct event ev;
	fact_init(r, &ev, src, EV_INFO, FACT_PAIR_MESSAGE);
	size_t what = strlen(src == SRC_PAIR_CHILD ? "message from parent" : "response from child");
	set_bytes(&ev, what, data, kept, real);
	sink_emit(&r->p->later, &ev);
}

/* The child got descriptor FD with the message and read N bytes of it (or failed with ERR). */
static void say_fd(struct run *r, uint32_t fd, int err, const uint8_t *data, size_t n)
{
	struct event ev;
	fact_init(r, &ev, SRC_PAIR_CHILD, EV_INFO, FACT_FD_RECEIVED);
	ev.fds[0] = (int32_t)fd;
	ev.cause_err = err;
	if (!err && n) {
		char what[64];
		snprintf(what, sizeof(what), "received fd %" PRIu32 " with the message; read", fd);
		set_bytes(&ev, strlen(what), data, n, n);
	}
	sink_emit(&r->p->later, &ev);
}

/* The child's step: waiting on FD, or replying with N bytes on it. */
static void say_step(struct run *r, enum event_fact fact, uint32_t fd, uint32_t n)
{
	struct event ev;
	fact_init(r, &ev, SRC_PAIR_CHILD, EV_INFO, fact);
	ev.fds[0] = (int32_t)fd;
	ev.got = n;
	sink_emit(&r->p->later, &ev);
}

static void handle_record(struct run *r, const uint8_t *rec)
{
	uint32_t a = pair_get32(rec + 1), b = pair_get32(rec + 5), n = pair_get32(rec + 9);
	switch (rec[0]) {
	case REC_WAITING:
		say_step(r, FACT_CHILD_WAITING, a, 0);
		break;
	case REC_FD:
		say_fd(r, a, (int)b, rec + REC_HDR, n);
		break;
	case REC_REPLYING:
		say_step(r, FACT_CHILD_REPLYING, b, a);
		break;
	case REC_RECEIVED:
		say_message(r, SRC_PAIR_CHILD, rec + REC_HDR, n, a);
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
			uint32_t plen = pair_get32(r->rbuf + off + 9);
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
		say_message(r, SRC_PAIR_PARENT, r->in, kept, (size_t)n);
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

/* The child's end as a fact: its exit status, or the signal that killed it. */
static void say_end(struct run *r, int ws)
{
	struct event ev;
	fact_init(r, &ev, SRC_PAIR_CHILD, EV_INFO, FACT_CHILD_EXITED);
	if (WIFEXITED(ws)) {
		ev.exit_status = WEXITSTATUS(ws);
	} else {
		ev.fact = FACT_CHILD_KILLED;
		ev.signo = WTERMSIG(ws);
	}
	sink_emit(&r->p->later, &ev);
}

/* The parent's last line when the exchange failed for REASON (WS: how the child ended). */
static void say_failed(struct run *r, enum event_reason reason, int ws)
{
	struct event ev;
	fact_init(r, &ev, SRC_PAIR_PARENT, EV_ERROR, FACT_PAIR_FAILED);
	ev.reason = (uint8_t)reason;
	ev.timeout_ms = r->p->timeout_ms;
	ev.got = r->reply_got;
	ev.expected = r->p->rlen;
	if (reason == REASON_EXITED_FIRST)
		ev.exit_status = WEXITSTATUS(ws);
	else if (reason == REASON_KILLED_FIRST)
		ev.signo = WTERMSIG(ws);
	sink_emit(&r->p->later, &ev);
}

/* Why a child that did not reply failed the exchange: how it ended, when that is known. */
static enum event_reason unreplied(int wait_err, int ws)
{
	if (!wait_err && WIFEXITED(ws))
		return REASON_EXITED_FIRST;
	if (!wait_err && WIFSIGNALED(ws))
		return REASON_KILLED_FIRST;
	return REASON_ENDED_FIRST;
}

/* Tell how the child ended and what that means for the exchange; returns the status. */
static int conclude(struct run *r, int outcome, int wait_err, int ws, uint64_t took_ns)
{
	if (wait_err)
		say(r, SRC_PAIR_CHILD, EV_ERROR, wait_err,
		    "pair: waitpid %ld (its exit status is lost)", (long)r->child);
	else if (WIFEXITED(ws) || WIFSIGNALED(ws))
		say_end(r, ws);

	if (outcome == ETIMEDOUT) {
		say_failed(r, r->reply_done ? REASON_NO_EXIT : REASON_NO_REPLY, ws);
		return ETIMEDOUT;
	}
	if (outcome == ECANCELED) {
		say(r, SRC_PAIR_PARENT, EV_INFO, 0, "stopped: child %ld killed", (long)r->child);
		return ECANCELED;
	}
	if (outcome)
		return outcome;   /* already told where it failed */
	bool clean = !wait_err && WIFEXITED(ws) && WEXITSTATUS(ws) == 0;
	enum event_reason why = !r->reply_done                           ? unreplied(wait_err, ws)
				: r->stream && r->reply_got < r->p->rlen ? REASON_SHORT_REPLY
				: !clean                                 ? REASON_UNCLEAN_EXIT
									 : REASON_NONE;
	if (why) {
		say_failed(r, why, ws);
		return EPROTO;
	}
	struct event ev;
	fact_init(r, &ev, SRC_PAIR_PARENT, EV_DONE, FACT_PAIR_EXCHANGED);
	ev.took_ns = took_ns;
	sink_emit(&r->p->later, &ev);
	return 0;
}

/* The fork (the type, the child's pid) and the descriptors, as the parent's first lines. */
static void say_start(struct run *r)
{
	struct event ev;
	fact_init(r, &ev, SRC_PAIR_PARENT, EV_INFO, FACT_PAIR_FORKED);
	ev.socktype = (uint8_t)r->p->type;
	sink_emit(&r->p->later, &ev);
	fact_init(r, &ev, SRC_PAIR_PARENT, EV_INFO, FACT_PAIR_FDS);
	ev.fds[0] = r->sock;
	ev.fds[1] = r->p->child_fd;
	sink_emit(&r->p->later, &ev);
}

static void finish(struct pair *p, int status)
{
	atomic_store(&p->status, status);
	atomic_store(&p->finished, true);
}

/* The parent's thread: the exchange with the child, then its end. */
void *pair_run_main(void *arg)
{
	struct pair *p = arg;
	struct run *r = &p->run;
	/* Non-blocking, so one poll loop watches the clock, a stop request and both fds. */
	sysio_set_nonblock(r->sock, true);
	sysio_set_nonblock(r->report, true);
	say_start(r);
	say(r, SRC_PAIR_PARENT, EV_INFO, 0, "in parent, sending message");
	send_more(r);
	int outcome = r->fatal ? r->fatal :
		      exchange(r, p->t0 + (uint64_t)p->timeout_ms * 1000000u);
	if (outcome)
		kill(r->child, SIGKILL);   /* not reaped yet, so the pid is still ours */
	int ws = 0;
	int wait_err = pair_wait_child(r->child, &ws);
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
