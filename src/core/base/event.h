/* event: the record every session publishes and its sink interface. Its words and JSON are
 * made in core/render/render_event.h. */
#ifndef UDSCOPE_EVENT_H
#define UDSCOPE_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum event_source {
	SRC_SYSTEM,       /* udscope itself: help, status, command errors */
	SRC_SERVER,
	SRC_CLIENT,
	SRC_PAIR_PARENT,
	SRC_PAIR_CHILD,
	SRC_INSPECT,
	SRC_TAP,          /* a tap: what passed between a client and the server it taps */
	SRC_WATCH,        /* a watch: calls of running programs on watched sockets (eBPF) */
	SRC__COUNT
};

enum event_kind {
	EV_INFO,          /* a line of text */
	EV_ERROR,         /* text names the operation and path; err holds the errno */
	EV_LISTEN,        /* server: starting up on PATH (text) */
	EV_WAIT,          /* server: waiting for a connection */
	EV_ACCEPT,        /* server: a connection, with peer credentials; client: connected */
	EV_RECV,          /* bytes received (nbytes exact, preview bounded) */
	EV_SEND,          /* bytes sent */
	EV_CLOSE,         /* a connection ended (text says how) */
	EV_DONE,          /* a session finished; err = 0 on success or a positive errno */
	EV__COUNT
};

/* Which way a tap's chunk went (struct event dir). */
enum event_dir {
	DIR_NONE,
	DIR_C2S,          /* client -> server */
	DIR_S2C,          /* server -> client */
};

/* Who sent a datagram (or where one went), by the address it carried. */
enum event_sender {
	SENDER_NONE,      /* not a datagram */
	SENDER_PATH,      /* a filesystem path (text) */
	SENDER_ABSTRACT,  /* an abstract name, autobound ones included ("@0001f", text) */
	SENDER_UNBOUND,   /* no address: no reply can reach it */
};

/* What a line states that a script may act on. Its words are made from the fields below in
 * core/render/render_fact.c, and --json names each field (doc/udscope.1, JSON OUTPUT). */
enum event_fact {
	FACT_NONE,             /* the line is its text */
	FACT_NODE_STALE,       /* removed a stale node at PATH (nothing bound to it) before bind */
	FACT_NODE_REPLACED,    /* the node at PATH is not the one just bound: not removed at stop */
	FACT_NODE_REMOVED,     /* removed the node this session made at PATH */
	FACT_NODE_GONE,        /* the node at PATH was already removed */
	FACT_NODE_LEFT,        /* left PATH alone: no longer this session's node (detail: why) */
	FACT_CONN_CLOSED,      /* a connection ended: reason, peer, totals */
	FACT_SENDER_UNBOUND,   /* a datagram's sender has no address: no reply can reach it */
	FACT_STOPPED,          /* a session stopped: its totals */
	FACT_REFUSED,          /* a tap refused a client (reason; PATH: the tap's; cred: the
				* client's uid and gid; own_uid, own_gid: udscope's) */
	FACT_OWN_PID,          /* a sender had exited before its bytes went on: they carry its
				* uid and gid (cred) with udscope's pid; peer_pid: the sender */
	FACT_HALF_CLOSED,      /* a tap: side dir finished sending (EOF), its way shut down;
				* still_open: the other way still flows */
	FACT_STOPPED_READING,  /* a tap: the side dir sends to stopped reading (cause_err); unsent:
				* bytes dropped; dir's next send fails */
	FACT_TOO_BIG,          /* a tap: a SIZE-byte message going dir dropped, the send buffer
				* is SNDBUF at most (WMEM_MAX); a datagram tap's PATH: its sender */
	FACT_UPSTREAM_OPENED,  /* a datagram tap: upstream socket (detail: its name) opened for
				* the sender at PATH (none: every unbound one), to TARGET */
	FACT_UPSTREAM_CLOSED,  /* a datagram tap: an upstream socket closed: reason, totals,
				* unsent: datagrams not passed on; count: the bound or idle s */
	FACT_TARGET_DOWN,      /* a datagram tap: the call in detail (connect, send) to TARGET
				* failed (err) for sender PATH: its datagrams are dropped */
	FACT_TARGET_BACK,      /* a datagram tap: the target (TARGET) answers again for sender
				* PATH; count: datagrams dropped meanwhile */
	FACT_REPLY_DROPPED,    /* a datagram tap: a reply to an unbound sender dropped; count:
				* so far */
	FACT_ECHO_LOST,        /* a datagram server: the echo to PATH not delivered (cause_err;
				* reason: queue-full or sender-gone) */
	FACT_CONNECTING,       /* a client: connecting to PATH (socktype) */
	FACT_CONNECTED,        /* a client: connected to PATH; cred and peer: the server's */
	FACT_BOUND,            /* a datagram client: bound to PATH, where replies come back */
	FACT_DATAGRAM_DROPPED, /* a datagram tap: a datagram of sender PATH going dir dropped
				* (said once per upstream socket): reason other-user (cred: its
				* uid and gid; own_uid, own_gid: the upstream socket's) or
				* credentials-unsendable (peer_pid: its sender) */
	FACT_CHILD_EXITED,     /* the pair demo's child exited with exit_status */
	FACT_CHILD_KILLED,     /* the pair demo's child was killed by signal signo */
	FACT_INPLACE_RESTORED, /* an in-place tap ended at PATH: what it found there (found,
				* found_mode), what became of the real node (original) and of
				* the private directory TARGET (private_dir, dir_mode) */
	FACT_PAIR_FORKED,      /* the pair demo: socketpair of socktype, then fork: child_pid */
	FACT_PAIR_FDS,         /* the pair demo: the parent keeps fds[0], the child fds[1] */
	FACT_CHILD_WAITING,    /* the pair's child waits for the message on fds[0] */
	FACT_CHILD_REPLYING,   /* the pair's child sends its reply, got bytes, on fds[0] */
	FACT_PAIR_MESSAGE,     /* a side of the pair received got of expected bytes (more were
				* discarded); text: the bytes' repr (bytes_repr) */
	FACT_FD_RECEIVED,      /* the pair's child got fd fds[0] with the message and read got
				* bytes of it (text: their repr), or failed (cause_err) */
	FACT_PAIR_EXCHANGED,   /* the pair's exchange took took_ns, fork to reap */
	FACT_PAIR_FAILED,      /* the pair's exchange failed: reason; child_pid, exit_status or
				* signo, got of expected, timeout_ms */
	FACT_GUARD_SILENT,     /* an in-place tap's stop at PATH: the guard (child_pid) did not
				* answer; the node was put back, TARGET the private directory */
	FACT_INPLACE_NOT_RESTORED, /* an in-place tap's stop: the real node could not be put
				* back at PATH from TARGET (err); the guard (child_pid) tries
				* again when udscope ends */
	FACT_RESTORE_FAILED,   /* tap PATH --restore failed (err): reason old-layout (the node
				* an older udscope left at TARGET goes back only to an empty
				* PATH), put-back, or none (it could not be opened) */
	FACT__COUNT
};

/* Why a connection closed (FACT_CONN_CLOSED). */
enum event_reason {
	REASON_NONE,
	REASON_PEER_CLOSED,    /* the peer closed its end (no data) */
	REASON_BOTH_CLOSED,    /* a tap: both sides closed */
	REASON_RECV_FAILED,    /* recv failed (cause_err); a tap: on side dir */
	REASON_SEND_FAILED,    /* the peer went away with UNSENT bytes not taken (cause_err) */
	REASON_EPOLL_FAILED,   /* epoll_ctl failed (cause_err) */
	REASON_STOPPING,       /* the session was stopping */
	REASON_CREDS_UNSENDABLE, /* a tap: a chunk's sender's credentials may not be sent */
	REASON_IDENTITY_UNKNOWN, /* a refusal: the client's identity could not be read */
	REASON_OTHER_USER,     /* a refusal: another user's, and udscope may not connect as it */
	REASON_EVICTED,        /* an upstream socket: count are open, this one idle longest */
	REASON_OUT_OF_FDS,     /* an upstream socket: descriptors ran out (cause_err) */
	REASON_IDLE,           /* an upstream socket: idle for count seconds */
	REASON_QUEUE_FULL,     /* an echo: the sender's receive queue is full */
	REASON_SENDER_GONE,    /* an echo: the sender is gone */
	REASON_FINISHED,       /* a client: closed its socket, done (not the server's doing) */
	REASON_NO_REPLY,       /* the pair: the child was killed after timeout_ms without replying */
	REASON_NO_EXIT,        /* the pair: it replied but was killed after timeout_ms, not exited */
	REASON_EXITED_FIRST,   /* the pair: the child exited (exit_status) before replying */
	REASON_KILLED_FIRST,   /* the pair: the child was killed (signo) before replying */
	REASON_ENDED_FIRST,    /* the pair: the child ended before replying (its status lost) */
	REASON_SHORT_REPLY,    /* the pair: got of expected bytes came back */
	REASON_UNCLEAN_EXIT,   /* the pair: it replied but did not exit with status 0 */
	REASON_OLD_LAYOUT,     /* restore: an older udscope's node goes back only to an empty path */
	REASON_PUT_BACK,       /* restore: the node could not be put back from the private dir */
	REASON__COUNT
};

#define EVENT_PREVIEW_MAX 128
#define EVENT_TEXT_MAX 512

struct event {
	uint64_t seq;          /* set by the bus */
	uint64_t time_ns;      /* CLOCK_MONOTONIC */
	uint64_t dropped;      /* events dropped (bus full) just before this one */
	uint64_t nbytes;       /* exact byte count of RECV/SEND */
	uint32_t conn;         /* server connection number, 0 when none */
	uint32_t session;      /* the session's id (sessions, #N), 0 for udscope itself */
	uint64_t capture;      /* RECV/SEND: the whole chunk's id in the capture store, 0: none */
	uint32_t capture_off;  /* where this event's bytes start in that chunk */
	bool show_session;     /* text names the session: another of its kind ran beside it */
	uint8_t source;        /* enum event_source */
	uint8_t kind;          /* enum event_kind */
	uint8_t dir;           /* enum event_dir: a tap's chunk, or which side a tap line is about */
	uint16_t preview_len;  /* bytes of preview[] used (<= nbytes) */
	uint16_t mark_off;     /* a span of text a front end may emphasize (the mode bits that */
	uint16_t mark_len;     /* decide a verdict); mark_len 0: none */
	uint16_t text_len;     /* bytes of text[] when it holds a NUL (an abstract name's exact
				* bytes, event_text_name); 0: text ends at its first NUL */
	int err;               /* errno (ERROR, DONE) */
	pid_t actor;           /* pid of the process this line speaks for (pair demo), 0 if none */
	bool has_cred;         /* pid/uid/gid below are the peer's SO_PEERCRED (or, with
				* cred_msg, a message's SCM_CREDENTIALS) */
	pid_t pid;
	uid_t uid;
	gid_t gid;
	/* Seqpacket and datagram sockets: each RECV or SEND is one whole message. */
	bool message;
	bool cred_msg;         /* pid/uid/gid are this message's SCM_CREDENTIALS (comm: its name) */
	bool by_receiver;      /* a watch's chunk seen at the receiving end: pid/uid/gid/comm are
				* the receiver's (else, for a watch, the sender's) */
	bool ctrunc;           /* RECV: MSG_CTRUNC, the control data was cut (descriptors lost) */
	uint8_t nfds;          /* RECV/SEND: descriptors passed with it (SCM_RIGHTS) */
	uint8_t sender;        /* RECV/SEND of a datagram: enum event_sender; text: the address */
	uint8_t socktype;      /* LISTEN, and a client's connecting line: SOCK_* (0: not said) */
	bool as_client;        /* a tap's server line (ACCEPT, DIR_S2C): connected upstream with
				* the client's uid, gid and groups (tap_ident.h), not udscope's */
	uint64_t msg_len;      /* RECV of a message: its whole length (MSG_TRUNC), >= nbytes */
	/* Sockets by inode, so that udscope's own two ends of a connection can be joined from the
	 * events alone: a client's "connected" line carries its socket's inode (sock_ino); a
	 * server's ACCEPT from this very process carries the client end's inode (peer_ino, from
	 * sock_diag at accept). 0: not known. */
	uint64_t sock_ino;
	uint64_t peer_ino;
	char comm[16];         /* cred_msg: the sending process's name, "" when not known */
	/* INFO about a descriptor passed with a message: its number here and what it is (text:
	 * the /proc/self/fd link). */
	bool has_fd;
	int fd;
	const char *fd_type;   /* static strings: "regular file", "read-only" */
	const char *fd_mode;
	/* A fact (enum event_fact; FACT_NONE: none) and its fields. PATH is the first path_len
	 * bytes of text (any bytes); a detail may follow it after one NUL (detail_off: where). */
	uint8_t fact;
	uint8_t reason;        /* enum event_reason */
	uint16_t path_len;
	uint16_t detail_off;   /* 0: no detail */
	uint16_t target_off;   /* where TARGET starts in text (event_set_target); 0: none */
	bool still_open;       /* HALF_CLOSED: the other way still flows */
	int cause_err;         /* the errno that caused it (a positive errno; 0: none) */
	bool has_peer;         /* peer_pid and peer_comm name the connection's peer */
	pid_t peer_pid;
	char peer_comm[16];
	uint64_t count;        /* STOPPED: connections (upstream sockets for a datagram tap) */
	uint64_t bytes_in, chunks_in;    /* received (a tap's: client->server) */
	uint64_t bytes_out, chunks_out;  /* sent back (a tap's: server->client) */
	uint64_t unsent;       /* SEND_FAILED: bytes the peer did not take; STOPPED: echoes lost */
	uint64_t size, sndbuf, wmem_max; /* TOO_BIG: the message, the send buffer at most,
					  * net.core.wmem_max */
	uid_t own_uid;         /* REFUSED: udscope's own uid and gid; DATAGRAM_DROPPED: the
				* upstream socket's */
	gid_t own_gid;
	int exit_status;       /* CHILD_EXITED: the child's exit status */
	int signo;             /* CHILD_KILLED: the signal that killed it */
	int32_t child_pid;     /* the pair's facts: the child; GUARD_SILENT,
				* INPLACE_NOT_RESTORED: the in-place guard */
	int32_t fds[2];        /* PAIR_FDS: the parent's, the child's; CHILD_WAITING, _REPLYING,
				* FD_RECEIVED: fds[0] */
	uint64_t got, expected; /* PAIR_MESSAGE: kept, real; SHORT_REPLY: got, expected;
				 * CHILD_REPLYING, FD_RECEIVED: got */
	uint64_t took_ns;      /* PAIR_EXCHANGED */
	uint32_t timeout_ms;   /* PAIR_FAILED: NO_REPLY, NO_EXIT */
	uint8_t found, original, private_dir; /* INPLACE_RESTORED: INPLACE_* (core/io/inplace.h) */
	mode_t found_mode, dir_mode;          /* their file types (INPLACE_OTHER, _DIR_REPLACED) */
	/* Decoding (core/io/decode.h): a RECV's number among its session's chunks offered to
	 * the decoder (0: not decoding); a decoded summary (EV_INFO with decoded set) names that
	 * chunk here, tshark's Protocol column in proto and its Info column in text. */
	uint64_t chunk_no;
	bool decoded;
	char proto[24];
	char text[EVENT_TEXT_MAX];
	uint8_t preview[EVENT_PREVIEW_MAX];
};

/* Where events go: the bus (from threads) or a front end (on the main thread). */
struct event_sink {
	void (*emit)(void *ctx, struct event *ev);
	void *ctx;
	/* Optional: take N events at once (the bus takes its lock once for all of them). */
	void (*emit_many)(void *ctx, struct event *ev, size_t n);
};

static inline void sink_emit(const struct event_sink *s, struct event *ev)
{
	s->emit(s->ctx, ev);
}

static inline void sink_emit_many(const struct event_sink *s, struct event *ev, size_t n)
{
	if (s->emit_many) {
		s->emit_many(s->ctx, ev, n);
		return;
	}
	for (size_t i = 0; i < n; i++)
		s->emit(s->ctx, &ev[i]);
}

uint64_t event_now_ns(void);

/* Zero EV and stamp it with SOURCE, KIND and the time. */
void event_init(struct event *ev, enum event_source source, enum event_kind kind);
/* The same stamped with TIME_NS (CLOCK_MONOTONIC) already known: a clock read costs 65 ns on a
 * virtual machine, more than the rest of a watch's record. */
void event_init_at(struct event *ev, enum event_source source, enum event_kind kind,
		   uint64_t time_ns);
/* Copy SRC into DST: the header, and of text and preview only the parts in use (an event is
 * mostly unused buffer; the bus, the panes and batch's kept events copy every one). */
void event_copy(struct event *dst, const struct event *src);
/* printf into ev->text (cut to fit). */
void event_textf(struct event *ev, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Make EV state FACT about PATH (LEN bytes, cut to fit), with DETAIL after it (NULL: none). */
void event_set_path(struct event *ev, enum event_fact fact, const char *path, size_t len,
		    const char *detail);
/* Put TARGET (a path, a C string) after the path and detail of a fact (target_off). */
void event_set_target(struct event *ev, const char *target);
/* ev->text = BEFORE, the N bytes of NAME as they are (NUL bytes too), AFTER; text_len set when
 * NAME holds a NUL. A name is never escaped here: lines escape it once, JSON keeps it exact. */
void event_text_name(struct event *ev, const char *before, const void *name, size_t n,
		     const char *after);
/* Bytes of ev->text: text_len, or up to its first NUL. */
size_t event_text_len(const struct event *ev);
/* Record LEN bytes: nbytes = LEN, preview = the first bytes that fit. */
void event_set_bytes(struct event *ev, const void *data, size_t len);

/* Shorthands that build and emit in one call. */
void event_emit_info(const struct event_sink *s, enum event_source source, uint32_t conn,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void event_emit_error(const struct event_sink *s, enum event_source source, uint32_t conn,
		      int err, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* An INFO line stating FACT about PATH (with DETAIL, NULL: none), emitted to S. */
void event_emit_path(const struct event_sink *s, enum event_source source, enum event_fact fact,
		     const char *path, const char *detail);

const char *event_source_name(enum event_source source);
const char *event_kind_name(enum event_kind kind);
/* "SIGKILL" for the signals a child commonly dies of, "?" for others. */
const char *event_signal_name(int sig);
/* "EACCES", or "E123" when the C library has no name. */
const char *event_errno_name(int err);

#endif
