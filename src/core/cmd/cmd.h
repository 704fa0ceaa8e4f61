/* cmd: the command table (one entry a command) and parsing a line against it. */
#ifndef UDSCOPE_CMD_H
#define UDSCOPE_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/words.h"
#include "core/session/session.h"

struct app;

enum cmd_opt_type {
	CMD_OPT_UINT,      /* decimal, within [min, max] */
	CMD_OPT_OCTAL,     /* octal, within [min, max] */
	CMD_OPT_CHOICE,    /* one of choices[] */
	CMD_OPT_WORD,      /* any word */
	CMD_OPT_FLAG,      /* no value: given or not (cmd_has) */
};

enum cmd_arg_kind {
	CMD_ARG_PATH,      /* a socket path or @abstract name: completes file names */
	CMD_ARG_WORD,      /* free text */
	CMD_ARG_COMMAND,   /* a command name: completes from the table */
	CMD_ARG_USER,      /* a user name or uid */
	CMD_ARG_ID,        /* a session id, N or #N: checked before run, in cmd_args.id[] */
	CMD_ARG_COUNT,     /* a whole number within the entry's .range[i]: in cmd_args.num_arg[i] */
	CMD_ARG_SECONDS,   /* seconds, a fraction too, within .range[i]: in cmd_args.secs[i] */
};

/* The bounds of a CMD_ARG_COUNT or CMD_ARG_SECONDS argument, and what it is called in the
 * one error line "NAME WORD: not WHAT (MIN to MAX UNIT)". */
struct cmd_range {
	unsigned long min, max;
	const char *what;          /* "a receive size" */
	const char *unit;          /* "bytes", or NULL */
};

/* The session kinds a command may act on, as a mask (CMD_KIND(SESSION_SERVER) | ...). */
#define CMD_KIND(k) (1u << (k))

/* How the target is named. */
enum cmd_target_how {
	CMD_TARGET_ID = 1,         /* N or #N */
	CMD_TARGET_ID_OR_PATH,     /* N, #N, or the path (or @name) the session shows */
};

/* What an omitted target means. */
enum cmd_target_default {
	CMD_TARGET_ONLY,           /* the only session of the kinds; none or several: refused */
	CMD_TARGET_EACH,           /* none: run gets NULL and goes over each (status) */
};

/* The session a command acts on (tmux's target): cmd_resolve finds it before run, checks it
 * and puts it in cmd_args.session. Named by positional argument .arg, or by option .opt
 * ("id": --id N) when set; omitted, .dflt says what it is. */
struct cmd_target {
	unsigned kinds;            /* CMD_KIND bits; 0: the command has no target */
	enum cmd_target_how how;
	int arg;                   /* the argument that names it (when .opt is NULL) */
	const char *opt;           /* or the option that does */
	enum cmd_target_default dflt;
	bool running;              /* a finished session is refused (and is no default) */
	const char *none;          /* what starts one, said when none runs: "connect PATH first" */
	bool fresh;                /* the command starts one at address .arg: a session of the
				    * kinds already there is refused (KIND stop N first), and
				    * cmd_args.session stays NULL */
};

#define CMD_MAX_OPTS 12
#define CMD_MAX_ARGS 4
#define CMD_MANY_MAX 16

struct cmd_opt {
	const char *name;          /* without dashes: "chunk" for --chunk */
	enum cmd_opt_type type;
	const char *metavar;       /* "N", "OCTAL" */
	unsigned long min, max;
	const char *const *choices; /* NULL-terminated, for CMD_OPT_CHOICE */
	bool repeat;               /* a CMD_OPT_WORD that may be given again (one per command);
				    * every value is in cmd_args.many */
};

/* --id N: the session a command acts on, for a .target whose .opt is "id". */
/* clang-format off */
#define CMD_OPT_ID { "id", CMD_OPT_UINT, "N", 1, UINT32_MAX, NULL }
/* clang-format on */

struct cmd_args;

struct cmd_entry {
	const char *name;          /* one or two words: "server start" */
	const char *usage;         /* the arguments: "PATH [--chunk N]" */
	const char *help;          /* one line */
	int min_args, max_args;    /* positional words after the name */
	enum cmd_arg_kind args[CMD_MAX_ARGS];
	struct cmd_range range[CMD_MAX_ARGS]; /* of each CMD_ARG_COUNT and CMD_ARG_SECONDS */
	struct cmd_target target;  /* the session it acts on, if any */
	struct cmd_opt opts[CMD_MAX_OPTS];   /* ends at the first name == NULL */
	int (*run)(struct app *app, const struct cmd_args *args);
};

struct cmd_args {
	const struct cmd_entry *entry;
	int argc;
	const char *argv[CMD_MAX_ARGS];
	size_t arglen[CMD_MAX_ARGS];   /* words may hold NUL bytes */
	uint32_t id[CMD_MAX_ARGS];     /* a CMD_ARG_ID argument as a number (cmd_resolve) */
	unsigned long num_arg[CMD_MAX_ARGS]; /* a CMD_ARG_COUNT argument (cmd_resolve) */
	double secs[CMD_MAX_ARGS];     /* a CMD_ARG_SECONDS argument (cmd_resolve) */
	struct session *session;       /* the entry's target (cmd_resolve); NULL: none named and
					* its default is CMD_TARGET_EACH, or it has no target */
	bool has[CMD_MAX_OPTS];
	unsigned long num[CMD_MAX_OPTS];
	const char *str[CMD_MAX_OPTS];
	const char *many[CMD_MANY_MAX];  /* the values of the repeatable option, in order */
	int nmany;
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

struct uds_addr;
/* Argument I as a socket address; when it is not one, one error line starting with OP and
 * the word (escaped) is said and false returned. */
bool cmd_addr(struct app *app, const struct cmd_args *a, int i, const char *op,
	      struct uds_addr *out);

/* Check and resolve what A's entry declares before it runs, in order: each positional
 * argument (a session id N or #N, not 0; a count; seconds), then the target (the session
 * named by its argument or option, else its default; for a .fresh one, that none is at
 * the address yet). On the first that fails, one line
 * "NAME WORD: WHY (WHAT TO DO)" is said, with no errno text (the refusal is udscope's own),
 * and false returned. cmd_run_line calls it (cmd_resolve.c). */
bool cmd_resolve(struct app *app, struct cmd_args *a);

/* Parse and run LINE; a parse error is emitted through app. Returns a CMD_* code. */
int cmd_run_line(struct app *app, const char *line);

/* Option lookup by name (the entry's). */
bool cmd_has(const struct cmd_args *a, const char *opt);
unsigned long cmd_num(const struct cmd_args *a, const char *opt, unsigned long dflt);
const char *cmd_str(const struct cmd_args *a, const char *opt, const char *dflt);

/* What a line expects at the cursor, for completion (cmd_complete_context). */
enum cmd_expect {
	CMD_EXPECT_NOTHING,   /* nothing to offer: no more arguments, an unknown command, a comment,
			       * or a line cmd_parse would refuse before the cursor */
	CMD_EXPECT_COMMAND,   /* a command name, or its second word when .group is set; also
			       * for an argument of kind CMD_ARG_COMMAND ("help server st") */
	CMD_EXPECT_OPTION,    /* an option name of .entry ("--chunk") */
	CMD_EXPECT_VALUE,     /* the value of .opt (CMD_OPT_CHOICE: one of its choices) */
	CMD_EXPECT_ARG,       /* positional argument .argno of .entry, of kind .arg */
};

#define CMD_GROUP_MAX 32

struct cmd_context {
	const struct cmd_entry *entry;  /* the command, once its whole name is before the cursor */
	/* COMMAND, and ARG of kind CMD_ARG_COMMAND: the first word of a two-word name whose
	 * second word is expected ("server" for "server st"), else "". */
	char group[CMD_GROUP_MAX];
	const struct cmd_opt *opt;      /* VALUE: the option */
	enum cmd_arg_kind arg;          /* ARG: its kind */
	/* ARG, COMMAND and NOTHING once .entry is known: which positional argument the word at
	 * the cursor would be, from 0 (NOTHING with argno >= max_args: no more arguments). */
	int argno;
	size_t word_start;              /* where the word at the cursor starts in the line */
	size_t value_off;               /* VALUE: bytes of that word before the value: 7 in
					 * "--type=st", 0 when the value is a word of its own */
};

/* What is expected at byte POINT of LINE: the words before POINT are split and matched as
 * cmd_parse does (quotes, escapes, "--" ending options, "--opt VALUE" and "--opt=VALUE"),
 * and the word the cursor is in (possibly empty, possibly inside an open quote) is the one
 * to complete. Fills OUT; returns what is expected there. */
enum cmd_expect cmd_complete_context(const char *line, size_t point, struct cmd_context *out);

/* Room for any command's synopsis (a unit test checks every entry fits). */
#define CMD_SYNOPSIS_MAX 512
/* "server start PATH [--chunk N] ...": name and usage together. */
size_t cmd_synopsis(const struct cmd_entry *e, char *buf, size_t len);

#endif
