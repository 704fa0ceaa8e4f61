/* pair's inside, shared by its files: pair.c (start, fork, stop, as a session), pair_child.c
 * (the forked child: only async-signal-safe calls, records on the report pipe) and
 * pair_run.c (the parent's thread: the records turned into lines, the exchange, the end).
 * Not for other modules: they use pair.h. */
#ifndef UDSCOPE_PAIR_INT_H
#define UDSCOPE_PAIR_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/base/event.h"
#include "core/session/pair.h"

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

/* ---- record numbers: little-endian, the same in both processes ---- */

/* Put V at B (4 bytes). */
static inline void pair_put32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
	b[2] = (uint8_t)(v >> 16);
	b[3] = (uint8_t)(v >> 24);
}

/* The number at B (4 bytes). */
static inline uint32_t pair_get32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* ---- pair.c ---- */

/* waitpid on our own child only, through EINTR. Returns 0 or an errno (ECHILD when someone
 * set SIGCHLD to SIG_IGN and the kernel reaped it). */
int pair_wait_child(pid_t pid, int *wstatus);

/* ---- pair_child.c ---- */

/* The child, from fork to _exit: serve SOCK, report on REPORT through REC. */
void pair_child_main(const struct pair *p, int sock, int report, uint8_t *rec)
	__attribute__((noreturn));

/* ---- pair_run.c ---- */

/* The parent's thread: the exchange with the child, then its end. */
void *pair_run_main(void *arg);

#endif
