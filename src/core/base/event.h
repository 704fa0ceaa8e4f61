/* event: the record every session publishes, its sink interface, and its one formatter. */
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
/* Copy SRC into DST: the header, and of text and preview only the parts in use (an event is
 * mostly unused buffer; the bus, the panes and batch's kept events copy every one). */
void event_copy(struct event *dst, const struct event *src);
/* printf into ev->text (cut to fit). */
void event_textf(struct event *ev, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
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

const char *event_source_name(enum event_source source);
const char *event_kind_name(enum event_kind kind);
/* "EACCES", or "E123" when the C library has no name. */
const char *event_errno_name(int err);

#define EVENT_FMT_HEX 1u    /* bytes as hex + ASCII instead of b'...' */
#define EVENT_FMT_TIME 2u   /* line: a leading seconds.millis column (since BASE_NS) */

/* The words of an event, without the source: "received 16 bytes b'This is the mess'".
 * The panes and the batch lines both use this. Returns the length (output cut to fit). */
size_t event_format(const struct event *ev, unsigned flags, char *buf, size_t len);
/* The source label: "server #3", "client", "pair parent 1234". Empty for SRC_SYSTEM. */
size_t event_label(const struct event *ev, char *buf, size_t len);
/* The time column of EVENT_FMT_TIME: "   1.234567 " (seconds since BASE_NS). */
size_t event_format_time(uint64_t time_ns, uint64_t base_ns, char *buf, size_t len);
/* A whole batch line: [time ]label: words (no newline). */
size_t event_format_line(const struct event *ev, unsigned flags, uint64_t base_ns,
			 char *buf, size_t len);
/* One JSON object (no newline), the schema doc/udscope.1 documents: text as UTF-8 (with
 * text_hex holding the exact bytes when they are not UTF-8), data as hex. */
size_t event_format_json(const struct event *ev, uint64_t base_ns, char *buf, size_t len);
/* The same two with the chunk's bytes given whole (DATA, N: from the capture store) instead of
 * the preview. BUF needs EVENT_LINE_MAX + 4 * N (lines) or EVENT_JSON_MAX + 2 * N (JSON). */
size_t event_format_line_full(const struct event *ev, const void *data, size_t n,
			      unsigned flags, uint64_t base_ns, char *buf, size_t len);
size_t event_format_json_full(const struct event *ev, const void *data, size_t n,
			      uint64_t base_ns, char *buf, size_t len);

/* Big enough for any line event_format* produces. */
#define EVENT_LINE_MAX (BYTES_REPR_SIZE_EV + EVENT_TEXT_MAX * 2 + 256)
#define BYTES_REPR_SIZE_EV (4 * EVENT_PREVIEW_MAX + 4)
/* Big enough for any object event_format_json produces: text at worst 6 bytes a byte plus
 * 2 for text_hex, data 2 a byte, and the fixed fields. */
#define EVENT_JSON_MAX (8 * EVENT_TEXT_MAX + 2 * EVENT_PREVIEW_MAX + 1024)

#endif
