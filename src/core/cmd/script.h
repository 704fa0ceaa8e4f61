/* script: the queue of command lines a front end runs, keeping a script in order: a line that
 * starts something (a client, a send, a wait) finishes before the next line runs. */
#ifndef UDSCOPE_SCRIPT_H
#define UDSCOPE_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app;

/* The largest file `source` reads (and the init file): a command file is a few lines. */
#define SCRIPT_FILE_MAX (1 << 20)

/* How deep `source` may nest (a file that sources itself stops there). */
#define SCRIPT_DEPTH_MAX 16

struct script_line {
	char *text;
	char *origin;         /* the file it came from, NULL for -e, stdin or the prompt */
	unsigned lineno;
	unsigned depth;       /* source nesting */
};

struct script {
	struct script_line *v;   /* v[head] runs next; v[head..n) are queued */
	size_t head, n, cap;
	bool pending;            /* app->wait belongs to the line that ran last */
	bool aborting;           /* a signal or Ctrl-C: the pending line was asked to stop */
	unsigned depth;          /* depth of the line running now */
	unsigned failures;       /* lines that failed, now or when what they started ended */
};

/* Queue LINE after everything queued. ORIGIN (copied) and LINENO name a file's line. */
int script_push(struct app *app, const char *line, const char *origin, unsigned lineno);
/* Read FILE and queue its lines before everything else queued (what `source` does while
 * it runs). Returns 0 or -errno; errors have been emitted. */
int script_insert_file(struct app *app, const char *file);

/* Run queued lines until one is pending or none is left; a pending line whose wait has
 * finished is settled first. Never blocks. Returns true when nothing is queued or pending. */
bool script_step(struct app *app);
/* Nothing queued and nothing pending. */
bool script_idle(const struct app *app);
/* Lines queued behind the one running or pending. */
size_t script_queued(const struct app *app);
/* Ask the pending line to stop (a signal) and drop everything queued. */
void script_abort(struct app *app);
void script_free(struct app *app);

#endif
