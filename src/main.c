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
#include "core/app.h"
#include "core/event.h"
#include "core/sysio.h"
#include "ui/console.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: udscope [OPTION]...\n"
		"An interactive diagnostic console for Unix domain sockets.\n"
		"\n"
		"  -b, --batch         run headless: events as lines on stdout, commands from\n"
		"                      -e and then standard input\n"
		"  -e, --exec CMD      run CMD at start (repeatable, in order)\n"
		"  -t, --timestamps    batch: prefix each line with seconds since start\n"
		"      --json          batch: one JSON object per event\n"
		"      --bytes full    batch: show each chunk whole (from the capture store), not\n"
		"                      its first 128 bytes (--bytes preview, the default)\n"
		"      --capture-mb N  keep the last N MiB of chunks whole (default 64; 0: none)\n"
		"      --no-color      console: monochrome (also when NO_COLOR is set)\n"
		"      --no-mouse      console: no clicks or wheel; the mouse is the terminal's\n"
		"  -h, --help          show this help and exit\n"
		"  -V, --version       show the version and exit\n"
		"\n"
		"Commands (the same in the console, -e and batch input; 'help' lists them):\n"
		"  server start PATH [--chunk N] [--backlog N] [--mode OCTAL]\n"
		"  server stop [PATH|ID] | server status [PATH|ID] | sessions\n"
		"  client PATH [MESSAGE] [--chunk N] [--timeout S]\n"
		"  connect PATH [--chunk N] | send MESSAGE [--id N] [--timeout S]\n"
		"  disconnect [ID] [--timeout S] [--linger S]\n"
		"  expect TEXT [--id N] [--timeout S] | wait SECONDS | source FILE\n"
		"  inspect PATH [--as USER]\n"
		"  sockets [FILTER]\n"
		"  pair [MESSAGE [REPLY]] [--type stream|seqpacket|dgram]\n"
		"  help [COMMAND] | quit\n"
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

/* What the command line asks for. */
struct options {
	struct batch_opts bo;
	bool batch, no_color, no_mouse;
};

/* One option's value: --bytes, --capture-mb. Returns 0, or 2 after a one-line error. */
static int option_value(struct options *o, int c, const char *arg)
{
	unsigned long mb;
	switch (c) {
	case 'B':
		if (strcmp(arg, "full") != 0 && strcmp(arg, "preview") != 0) {
			fprintf(stderr, "udscope: --bytes takes full or preview, not '%s'\n", arg);
			return 2;
		}
		o->bo.full_bytes = strcmp(arg, "full") == 0;
		return 0;
	case 'M':
		if (sysio_parse_ulong(arg, 10, 0, 1u << 20, &mb) < 0) {
			fprintf(stderr, "udscope: --capture-mb takes a number of MiB from 0 to "
				"1048576, not '%s'\n", arg);
			return 2;
		}
		app_capture_budget((size_t)mb << 20);
		return 0;
	default:
		return 2;
	}
}

/* Read the options into O. Returns -1 to go on, or the exit status to leave with now
 * (--help, --version, a usage error). */
static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "batch", no_argument, NULL, 'b' },
		{ "exec", required_argument, NULL, 'e' },
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
	int c;
	while ((c = getopt_long(argc, argv, "be:thV", longopts, NULL)) != -1) {
		switch (c) {
		case 'b': o->batch = true; break;
		case 'e': o->bo.exec[o->bo.nexec++] = optarg; break;
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
		case 'V': printf("%s\n", PACKAGE_STRING); return stdout_done();
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

int main(int argc, char **argv)
{
	/* Before anything opens a descriptor. */
	if (std_fds_open() < 0) {
		fprintf(stderr, "udscope: cannot hold a closed standard descriptor with /dev/null\n");
		return 1;
	}
	struct options o = { 0 };
	o.bo.exec = calloc((size_t)argc + 1, sizeof(char *));
	if (!o.bo.exec) {
		fprintf(stderr, "udscope: out of memory\n");
		return 1;
	}
	int rc = parse_options(argc, argv, &o);
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
	return rc;
}
