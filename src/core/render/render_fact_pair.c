/* render_fact_pair: the words and the JSON members of the pair demo's facts (the fork, the
 * descriptors, the child's steps, a message cut to one recv, how the exchange went and how
 * the child ended), made from the event's typed fields. */
#include "config.h"

#include "core/render/render_fact_pair.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "core/base/socktype.h"

/* "1500 ms", or "2 s" for whole seconds. */
static void put_duration(struct render_put *o, uint32_t ms)
{
	if (ms % 1000 == 0)
		render_putf(o, "%" PRIu32 " s", ms / 1000);
	else
		render_putf(o, "%" PRIu32 " ms", ms);
}

/* The text of a fact that carries bytes: their repr, made by bytes_repr (printable ASCII). */
static void put_repr(struct render_put *o, const struct event *ev)
{
	render_putf(o, "%.*s", (int)strnlen(ev->text, sizeof(ev->text)), ev->text);
}

/* How the exchange failed: the parent's last line. */
static void failed(struct render_put *o, const struct event *ev)
{
	long kid = (long)ev->child_pid;
	render_putf(o, "pair: ");
	switch (ev->reason) {
	case REASON_NO_REPLY:
	case REASON_NO_EXIT:
		render_putf(o, "child %ld killed after ", kid);
		put_duration(o, ev->timeout_ms);
		render_putf(o, "%s",
			    ev->reason == REASON_NO_EXIT ? ": it replied but did not exit"
							 : " without replying");
		break;
	case REASON_EXITED_FIRST:
		render_putf(o, "child %ld exited with status %d before replying", kid,
			    ev->exit_status);
		break;
	case REASON_KILLED_FIRST:
		render_putf(o, "child %ld killed by signal %d (%s) before replying", kid, ev->signo,
			    event_signal_name(ev->signo));
		break;
	case REASON_SHORT_REPLY:
		render_putf(o, "short reply, %" PRIu64 " of %" PRIu64 " bytes", ev->got,
			    ev->expected);
		break;
	case REASON_UNCLEAN_EXIT:
		render_putf(o, "child %ld replied but did not exit cleanly", kid);
		break;
	default: /* REASON_ENDED_FIRST */
		render_putf(o, "child %ld ended before replying", kid);
		break;
	}
}

/* What the child did with the descriptor that came with the message. */
static void fd_received(struct render_put *o, const struct event *ev)
{
	render_putf(o, "received fd %" PRId32 " with the message; read", ev->fds[0]);
	if (ev->cause_err)
		render_putf(o, ": %s (%s); closed it", strerror(ev->cause_err),
			    event_errno_name(ev->cause_err));
	else if (ev->got == 0)
		render_putf(o, " 0 bytes (end of file, or a pipe with no writer); closed it");
	else
		render_putf(o, ": "), put_repr(o, ev);
}

/* A message one side received, and what one recv could not take of it. */
static void message(struct render_put *o, const struct event *ev)
{
	render_putf(o, "%s: ",
		    ev->source == SRC_PAIR_CHILD ? "message from parent" : "response from child");
	put_repr(o, ev);
	if (ev->expected > ev->got)
		render_putf(o,
			    " (%" PRIu64 " of %" PRIu64 " bytes: one recv takes one message, "
			    "the rest is discarded)",
			    ev->got, ev->expected);
}

/* The fork and the descriptors, said by the parent first. */
static void started(struct render_put *o, const struct event *ev)
{
	int32_t mine = ev->fds[0], kid = ev->fds[1];
	if (ev->fact == FACT_PAIR_FDS) {
		render_putf(o,
			    "the pair is fds %" PRId32 " and %" PRId32
			    ": the parent keeps fd %" PRId32 " (closed %" PRId32
			    "), the child keeps fd %" PRId32 " (closed %" PRId32 ")",
			    mine, kid, mine, kid, kid, mine);
		return;
	}
	render_putf(o, "socketpair(AF_UNIX, %s) and fork: child %ld; %s",
		    socktype_macro(ev->socktype), (long)ev->child_pid,
		    ev->socktype == SOCK_STREAM
			    ? "a byte stream, a recv returns whatever is queued"
			    : "message boundaries kept, one recv returns one message");
}

bool render_fact_pair_words(struct render_put *o, const struct event *ev)
{
	switch (ev->fact) {
	case FACT_PAIR_FORKED:
	case FACT_PAIR_FDS:
		started(o, ev);
		return true;
	case FACT_CHILD_WAITING:
		render_putf(o, "in child, waiting for message on fd %" PRId32, ev->fds[0]);
		return true;
	case FACT_CHILD_REPLYING:
		render_putf(o, "in child, sending reply (%" PRIu64 " bytes) on fd %" PRId32,
			    ev->got, ev->fds[0]);
		return true;
	case FACT_PAIR_MESSAGE:
		message(o, ev);
		return true;
	case FACT_FD_RECEIVED:
		fd_received(o, ev);
		return true;
	case FACT_PAIR_EXCHANGED:
		render_putf(o, "exchange took %.3f ms, fork to reap", (double)ev->took_ns / 1e6);
		return true;
	case FACT_PAIR_FAILED:
		failed(o, ev);
		return true;
	case FACT_CHILD_EXITED:
		render_putf(o, "exited with status %d", ev->exit_status);
		return true;
	case FACT_CHILD_KILLED:
		render_putf(o, "killed by signal %d (%s)", ev->signo, event_signal_name(ev->signo));
		return true;
	default:
		return false;
	}
}

/* The child's end, in a failure too: its status or its signal. */
static void json_end(struct render_put *o, const struct event *ev)
{
	if (ev->fact == FACT_CHILD_EXITED || ev->reason == REASON_EXITED_FIRST)
		render_putf(o, ",\"exit_status\":%d", ev->exit_status);
	else if (ev->fact == FACT_CHILD_KILLED || ev->reason == REASON_KILLED_FIRST)
		render_putf(o, ",\"signal\":%d,\"signal_name\":\"%s\"", ev->signo,
			    event_signal_name(ev->signo));
}

void render_fact_pair_json(struct render_put *o, const struct event *ev)
{
	switch (ev->fact) {
	case FACT_PAIR_FORKED:
		/* its type is the event's socket_type */
		render_putf(o, ",\"child_pid\":%ld", (long)ev->child_pid);
		break;
	case FACT_PAIR_FDS:
		render_putf(o, ",\"parent_fd\":%" PRId32 ",\"child_fd\":%" PRId32, ev->fds[0],
			    ev->fds[1]);
		break;
	case FACT_CHILD_WAITING:
	case FACT_CHILD_REPLYING:
		render_putf(o, ",\"socket_fd\":%" PRId32, ev->fds[0]);
		if (ev->fact == FACT_CHILD_REPLYING)
			render_putf(o, ",\"bytes\":%" PRIu64, ev->got);
		break;
	case FACT_PAIR_MESSAGE:
		render_putf(o, ",\"kept\":%" PRIu64 ",\"real\":%" PRIu64, ev->got, ev->expected);
		break;
	case FACT_FD_RECEIVED:
		render_putf(o, ",\"passed_fd\":%" PRId32 ",\"read_bytes\":%" PRIu64, ev->fds[0],
			    ev->got);
		break;
	case FACT_PAIR_EXCHANGED:
		render_putf(o, ",\"took_ns\":%" PRIu64, ev->took_ns);
		break;
	case FACT_PAIR_FAILED:
		render_putf(o, ",\"child_pid\":%ld", (long)ev->child_pid);
		json_end(o, ev);
		if (ev->reason == REASON_SHORT_REPLY)
			render_putf(o, ",\"got\":%" PRIu64 ",\"expected\":%" PRIu64, ev->got,
				    ev->expected);
		if (ev->reason == REASON_NO_REPLY || ev->reason == REASON_NO_EXIT)
			render_putf(o, ",\"timeout_ms\":%" PRIu32, ev->timeout_ms);
		break;
	default:
		json_end(o, ev);
		break;
	}
}
