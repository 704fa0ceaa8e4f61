/* report: what a command hands its front end whole (the help, an inspection, a socket list),
 * as typed data for the front end to lay out, instead of lines of finished text.
 *
 * A command builds a report on the main thread and calls app_report(); the report and
 * everything it points to belong to the command and live only for that call, so a front end
 * that keeps one copies what it needs. A front end without a report sink (the unit tests'
 * recorder) gets the report as text lines, the same ones batch prints (render.h). */
#ifndef UDSCOPE_REPORT_H
#define UDSCOPE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dmap;
struct seqdiag;
struct inspect_report;
struct session_info;
struct sockets_report;

enum report_kind {
	REPORT_HELP,          /* help: commands (and, for a front end that has them, keys) */
	REPORT_SESSIONS,      /* sessions: every session's snapshot, oldest first */
	REPORT_INSPECT,       /* inspect PATH: inspect_report.h */
	REPORT_SOCKETS,       /* sockets [FILTER]: inspect_report.h */
	REPORT_MAP,           /* map: one connection's delivery map, both directions */
	REPORT_DIAGRAM,       /* diagram: a conversation as a sequence diagram */
	/* More kinds join here (inspect, sockets, sessions): a struct below, a member of the
	 * union, and their rendering in render.c. */
	REPORT__COUNT
};

/* One command as help shows it: made by the command table (core/cmd), drawn by render. */
struct help_row {
	const char *name;                     /* "server start" */
	const char *usage;                    /* the whole synopsis: "server start PATH [--echo]..." */
	const char *help;                     /* one line: what it does */
};

/* help [COMMAND]: the rows of the commands asked for, in table order. */
struct help_report {
	const char *topic;                    /* "server" for `help server`; NULL: everything */
	const struct help_row *rows;
	size_t n;
};

/* sessions: snapshots (session_info) of every session, oldest first. */
struct sessions_report {
	const struct session_info *rows;
	size_t n;
};

/* map: the delivery map of one connection (convo.h): FWD the client's sends over the server's
 * recvs, BACK the server's sends (the echo) over the client's recvs. */
struct map_report {
	const char *client, *server;     /* the ends' names: "client #2", "server #1 connection 1" */
	const char *client_role, *server_role;  /* the rows' words (NULL: "client", "server") */
	const struct dmap *fwd, *back;   /* a side not seen has known == false */
	bool messages;                   /* seqpacket or dgram: each call is one message */
	const char *unknown;             /* why a side is not seen, one sentence; NULL: both are */
	uint64_t cut_msgs[2], cut_bytes[2];  /* [0] fwd, [1] back: recvs cut by the receive size */
	uint64_t more_calls;             /* calls past the bound: counted, not drawn */
	int width;                       /* text: columns for the map (0: 80) */
};

/* diagram: a conversation as a sequence diagram (seqdiag.h). */
struct diagram_report {
	const char *title;               /* "client #2 and server #1 connection 1" */
	const struct seqdiag *d;
	uint64_t more_items;             /* items past the bound: counted, not drawn */
	int width;                       /* text: columns (0: 80) */
};

struct report {
	enum report_kind kind;
	union {
		const struct help_report *help;
		const struct sessions_report *sessions;
		const struct inspect_report *inspect;
		const struct sockets_report *sockets;
		const struct map_report *map;
		const struct diagram_report *diagram;
	};
};

struct report_sink {
	void (*show)(void *ctx, const struct report *r);
	void *ctx;
};

#endif
