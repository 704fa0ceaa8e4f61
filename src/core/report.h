/* report: what a command hands its front end whole (the help, an inspection, a socket list),
 * as typed data for the front end to lay out, instead of lines of finished text.
 *
 * A command builds a report on the main thread and calls app_report(); the report and
 * everything it points to belong to the command and live only for that call, so a front end
 * that keeps one copies what it needs. A front end without a report sink (the unit tests'
 * recorder) gets the report as text lines, the same ones batch prints (render.h). */
#ifndef UDSCOPE_REPORT_H
#define UDSCOPE_REPORT_H

#include <stddef.h>

struct cmd_entry;
struct inspect_report;
struct session_info;
struct sockets_report;

enum report_kind {
	REPORT_HELP,          /* help: commands (and, for a front end that has them, keys) */
	REPORT_SESSIONS,      /* sessions: every session's snapshot, oldest first */
	REPORT_INSPECT,       /* inspect PATH: inspect_report.h */
	REPORT_SOCKETS,       /* sockets [FILTER]: inspect_report.h */
	/* More kinds join here (inspect, sockets, sessions): a struct below, a member of the
	 * union, and their rendering in render.c. */
	REPORT__COUNT
};

/* help [COMMAND]: the entries asked for, in table order. */
struct help_report {
	const char *topic;                    /* "server" for `help server`; NULL: everything */
	const struct cmd_entry *const *entries;
	size_t n;
};

/* sessions: snapshots (session_info) of every session, oldest first. */
struct sessions_report {
	const struct session_info *rows;
	size_t n;
};

struct report {
	enum report_kind kind;
	union {
		const struct help_report *help;
		const struct sessions_report *sessions;
		const struct inspect_report *inspect;
		const struct sockets_report *sockets;
	};
};

struct report_sink {
	void (*show)(void *ctx, const struct report *r);
	void *ctx;
};

#endif
