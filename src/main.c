/* main: parse the options and hand over to the console or the batch front end. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "complete.h"
#include "initfile.h"
#include "version.h"
#include "core/cmd/app.h"
#include "core/cmd/cmd.h"
#include "core/base/event.h"
#include "core/base/sysio.h"
#include "ui/console/console.h"

/* The command names from the table (never a list kept by hand), wrapped at 78 columns. */
static void commands(FILE *f)
{
	fprintf(f, "Commands (the same in the console, -e and batch input; 'help COMMAND' shows\n"
		   "each one's usage):\n");
	size_t n, col = 0;
	const struct cmd_entry *const *t = cmd_table(&n);
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(t[i]->name) + (i + 1 < n ? 1 : 0);
		if (col && col + len + 1 > 78) {
			fputc('\n', f);
			col = 0;
		}
		col += (size_t)fprintf(f, "%s%s%s", col ? " " : "  ", t[i]->name,
				       i + 1 < n ? "," : "");
	}
	fputc('\n', f);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: udscope [OPTION]...\n"
		"An interactive diagnostic console for Unix domain sockets.\n"
		"\n"
		"  -b, --batch         run headless: events as lines on stdout, commands from\n"
		"                      -e and then standard input\n"
		"  -e, --exec CMD      run CMD at start (repeatable, in order)\n"
		"  -n, --no-init       do not run the init file ($XDG_CONFIG_HOME/udscope/init,\n"
		"                      by default ~/.config/udscope/init) before the -e commands\n"
		"  -t, --timestamps    batch: prefix each line with seconds since start\n"
		"      --json          batch: one JSON object per event\n"
		"      --bytes full    batch: show each chunk whole (from the capture store), not\n"
		"                      its first 128 bytes (--bytes preview, the default)\n"
		"      --capture-mb N  keep the last N MiB of chunks whole (default 64; 0: none)\n"
		"      --no-color      console: monochrome (also when NO_COLOR is set)\n"
		"      --no-mouse      console: no clicks or wheel; the mouse is the terminal's\n"
		"  -h, --help          show this help and exit\n"
		"  -V, --version       show the version and exit\n"
		"\n");
	commands(f);
	fprintf(f,
		"\n"
		"Exit status: 0 when every command succeeded, 1 when one failed (or writing the\n"
		"output failed), 2 for a usage error.\n");
}

/* A closed 0, 1 or 2 would be taken by the next descriptor we open (the signalfd, a socket),
 * and our input or output would go there. Hold each closed one with /dev/null opened
 * read-only: standard input then reads as empty, and writes to a closed standard output
 * fail with EBADF (gnulib's stdopen does the same), which batch reports. */
static int std_fds_open(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		int got = open("/dev/null", O_RDONLY);
		if (got != fd) {
			if (got >= 0)
				close(got);
			return -1;
		}
	}
	return 0;
}

/* --help and --version: their output is checked like batch's. */
static int stdout_done(void)
{
	errno = 0;
	if (fflush(stdout) == EOF || ferror(stdout)) {
		int e = errno ? errno : EIO;
		fprintf(stderr, "udscope: write standard output: %s (%s)\n", strerror(e),
			event_errno_name(e));
		return 1;
	}
	return 0;
}

/* The options: --help's, and what --complete offers. */
static const struct option longopts[] = {
	{ "batch", no_argument, NULL, 'b' },
	{ "exec", required_argument, NULL, 'e' },
	{ "no-init", no_argument, NULL, 'n' },
	{ "timestamps", no_argument, NULL, 't' },
	{ "json", no_argument, NULL, 'j' },
	{ "no-color", no_argument, NULL, 'C' },
	{ "no-mouse", no_argument, NULL, 'N' },
	{ "bytes", required_argument, NULL, 'B' },
	{ "capture-mb", required_argument, NULL, 'M' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* --bytes' values, for completion too. */
static const char *const bytes_choices[] = { "full", "preview", NULL };
static const struct complete_values value_choices[] = { { 'B', bytes_choices }, { 0, NULL } };

/* What the command line asks for. */
struct options {
	struct batch_opts bo;
	bool batch, no_color, no_init, no_mouse;
	const char *capture_mb;   /* --capture-mb, checked */
	char *init_line;          /* the init file's source line, before the -e lines */
	char set_line[64];        /* then --capture-mb again: the command line wins */
};

/* One option's value: --bytes, --capture-mb. Returns 0, or 2 after a one-line error. */
static int option_value(struct options *o, int c, const char *arg)
{
	unsigned long mb;
	switch (c) {
	case 'B':
		if (strcmp(arg, bytes_choices[0]) != 0 && strcmp(arg, bytes_choices[1]) != 0) {
			fprintf(stderr, "udscope: --bytes takes full or preview, not '%s'\n", arg);
			return 2;
		}
		o->bo.full_bytes = strcmp(arg, bytes_choices[0]) == 0;
		return 0;
	case 'M':
		if (sysio_parse_ulong(arg, 10, 0, 1u << 20, &mb) < 0) {
			fprintf(stderr, "udscope: --capture-mb takes a number of MiB from 0 to "
				"1048576, not '%s'\n", arg);
			return 2;
		}
		app_capture_budget((size_t)mb << 20);
		o->capture_mb = arg;
		return 0;
	default:
		return 2;
	}
}

/* Read the options into O. Returns -1 to go on, or the exit status to leave with now
 * (--help, --version, a usage error). */
static int parse_options(int argc, char **argv, struct options *o)
{
	int c;
	while ((c = getopt_long(argc, argv, "be:nthV", longopts, NULL)) != -1) {
		switch (c) {
		case 'b': o->batch = true; break;
		case 'e': o->bo.exec[o->bo.nexec++] = optarg; break;
		case 'n': o->no_init = true; break;
		case 't': o->bo.timestamps = true; break;
		case 'j': o->bo.json = true; break;
		case 'C': o->no_color = true; break;
		case 'N': o->no_mouse = true; break;
		case 'B':
		case 'M':
			if (option_value(o, c, optarg))
				return 2;
			break;
		case 'h': usage(stdout); return stdout_done();
		case 'V': version_print(stdout); return stdout_done();
		default: usage(stderr); return 2;
		}
	}
	if (o->bo.full_bytes && !o->batch) {
		fprintf(stderr, "udscope: --bytes is for batch mode (-b)\n");
		return 2;
	}
	if (optind < argc) {
		fprintf(stderr, "udscope: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	return -1;
}

/* Unless -n: the init file's `source` line first, then --capture-mb again as a `set` line
 * (the command line wins over the init file), then the -e lines. EXEC has room for two more.
 * Returns 0, or 1 after an error line. */
static int init_first(struct options *o)
{
	int err;
	if (o->no_init || !(o->init_line = initfile_source_line(&err))) {
		if (o->no_init || !err)
			return 0;
		fprintf(stderr, "udscope: init file: %s (%s)\n", strerror(err),
			event_errno_name(err));
		return 1;
	}
	int k = 0;
	char *first[2];
	first[k++] = o->init_line;
	if (o->capture_mb) {
		snprintf(o->set_line, sizeof(o->set_line), "set capture-mb %s", o->capture_mb);
		first[k++] = o->set_line;
	}
	memmove(o->bo.exec + k, o->bo.exec, (size_t)o->bo.nexec * sizeof(char *));
	memcpy(o->bo.exec, first, (size_t)k * sizeof(char *));
	o->bo.nexec += k;
	return 0;
}

int main(int argc, char **argv)
{
	/* Before anything opens a descriptor. */
	if (std_fds_open() < 0) {
		fprintf(stderr, "udscope: cannot hold a closed standard descriptor with /dev/null\n");
		return 1;
	}
	/* The bash completion script's question, before any option is parsed. */
	if (argc >= 2 && strcmp(argv[1], "--complete") == 0)
		return complete_print(stdout, longopts, value_choices, argc - 2, argv + 2);
	struct options o = { 0 };
	o.bo.exec = calloc((size_t)argc + 3, sizeof(char *));
	if (!o.bo.exec) {
		fprintf(stderr, "udscope: out of memory\n");
		return 1;
	}
	int rc = parse_options(argc, argv, &o);
	if (rc < 0 && init_first(&o))
		rc = 1;
	if (rc < 0) {
		/* A peer that hangs up must be an event, never a fatal signal. */
		signal(SIGPIPE, SIG_IGN);
		if (o.batch) {
			rc = batch_run(&o.bo);
		} else {
			if (getenv("NO_COLOR") && *getenv("NO_COLOR"))
				o.no_color = true;
			rc = console_run(o.bo.exec, o.bo.nexec, o.no_color, o.no_mouse);
		}
	}
	free(o.bo.exec);
	free(o.init_line);
	return rc;
}
