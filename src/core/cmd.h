/* cmd: the command table (one entry a command) and parsing a line against it. */
#ifndef UDSCOPE_CMD_H
#define UDSCOPE_CMD_H

#include <stdbool.h>
#include <stddef.h>

#include "core/words.h"

struct app;

enum cmd_opt_type {
	CMD_OPT_UINT,      /* decimal, within [min, max] */
	CMD_OPT_OCTAL,     /* octal, within [min, max] */
	CMD_OPT_CHOICE,    /* one of choices[] */
	CMD_OPT_WORD,      /* any word */
};

enum cmd_arg_kind {
	CMD_ARG_PATH,      /* a socket path or @abstract name: completes file names */
	CMD_ARG_WORD,      /* free text */
	CMD_ARG_COMMAND,   /* a command name: completes from the table */
	CMD_ARG_USER,      /* a user name or uid */
};

#define CMD_MAX_OPTS 4
#define CMD_MAX_ARGS 4

struct cmd_opt {
	const char *name;          /* without dashes: "chunk" for --chunk */
	enum cmd_opt_type type;
	const char *metavar;       /* "N", "OCTAL" */
	unsigned long min, max;
	const char *const *choices; /* NULL-terminated, for CMD_OPT_CHOICE */
};

struct cmd_args;

struct cmd_entry {
	const char *name;          /* one or two words: "server start" */
	const char *usage;         /* the arguments: "PATH [--chunk N]" */
	const char *help;          /* one line */
	int min_args, max_args;    /* positional words after the name */
	enum cmd_arg_kind args[CMD_MAX_ARGS];
	struct cmd_opt opts[CMD_MAX_OPTS];   /* ends at the first name == NULL */
	int (*run)(struct app *app, const struct cmd_args *args);
};

struct cmd_args {
	const struct cmd_entry *entry;
	int argc;
	const char *argv[CMD_MAX_ARGS];
	size_t arglen[CMD_MAX_ARGS];   /* words may hold NUL bytes */
	bool has[CMD_MAX_OPTS];
	unsigned long num[CMD_MAX_OPTS];
	const char *str[CMD_MAX_OPTS];
	struct words words;            /* owns the storage */
};

/* What run() and cmd_run_line() return. */
enum { CMD_OK = 0, CMD_FAIL = 1, CMD_PENDING = 2, CMD_EMPTY = 3 };

/* The table, in help order. */
const struct cmd_entry *const *cmd_table(size_t *count);
const struct cmd_entry *cmd_find(const char *name);

/* Parse LINE. Returns CMD_OK, CMD_EMPTY (blank or comment), or CMD_FAIL with a one-line
 * reason in ERR that names the command and shows its usage. */
int cmd_parse(const char *line, struct cmd_args *out, char *err, size_t errlen);
void cmd_args_free(struct cmd_args *a);

/* Parse and run LINE; a parse error is emitted through app. Returns a CMD_* code. */
int cmd_run_line(struct app *app, const char *line);

/* Option lookup by name (the entry's). */
bool cmd_has(const struct cmd_args *a, const char *opt);
unsigned long cmd_num(const struct cmd_args *a, const char *opt, unsigned long dflt);
const char *cmd_str(const struct cmd_args *a, const char *opt, const char *dflt);

/* "server start PATH [--chunk N] ...": name and usage together. */
size_t cmd_synopsis(const struct cmd_entry *e, char *buf, size_t len);

#endif
