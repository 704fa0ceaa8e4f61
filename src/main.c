/* main: parse the options and hand over to the console or the batch front end. */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "front.h"

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
		"      --no-color      console: monochrome (also when NO_COLOR is set)\n"
		"  -h, --help          show this help and exit\n"
		"  -V, --version       show the version and exit\n"
		"\n"
		"Commands (the same in the console, -e and batch input; 'help' lists them):\n"
		"  server start PATH [--chunk N] [--backlog N] [--mode OCTAL]\n"
		"  server stop | server status\n"
		"  client PATH [MESSAGE] [--chunk N]\n"
		"  connect PATH [--chunk N] | send MESSAGE | disconnect\n"
		"  inspect PATH [--as USER]\n"
		"  sockets [FILTER]\n"
		"  pair [MESSAGE [REPLY]] [--type stream|seqpacket|dgram]\n"
		"  help [COMMAND] | quit\n"
		"\n"
		"Exit status: 0 when every command succeeded, 1 when one failed, 2 for a usage error.\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "batch", no_argument, NULL, 'b' },
		{ "exec", required_argument, NULL, 'e' },
		{ "timestamps", no_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "no-color", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct batch_opts bo = { 0 };
	bool batch = false, no_color = false;
	bo.exec = calloc((size_t)argc + 1, sizeof(char *));
	if (!bo.exec) {
		fprintf(stderr, "udscope: out of memory\n");
		return 1;
	}
	int c;
	while ((c = getopt_long(argc, argv, "be:thV", longopts, NULL)) != -1) {
		switch (c) {
		case 'b': batch = true; break;
		case 'e': bo.exec[bo.nexec++] = optarg; break;
		case 't': bo.timestamps = true; break;
		case 'j': bo.json = true; break;
		case 'C': no_color = true; break;
		case 'h': usage(stdout); free(bo.exec); return 0;
		case 'V':
			printf("%s\n", PACKAGE_STRING);
			free(bo.exec);
			return 0;
		default:
			usage(stderr);
			free(bo.exec);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "udscope: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		free(bo.exec);
		return 2;
	}
	/* A peer that hangs up must be an event, never a fatal signal. */
	signal(SIGPIPE, SIG_IGN);
	int rc;
	if (batch) {
		rc = batch_run(&bo);
	} else {
		if (getenv("NO_COLOR") && *getenv("NO_COLOR"))
			no_color = true;
		rc = front_console(bo.exec, bo.nexec, no_color);
	}
	free(bo.exec);
	return rc;
}
