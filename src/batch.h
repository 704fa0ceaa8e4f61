/* batch: the headless front end: commands from -e and stdin, one event a line on stdout. */
#ifndef UDSCOPE_BATCH_H
#define UDSCOPE_BATCH_H

#include <stdbool.h>

struct batch_opts {
	bool timestamps;      /* -t */
	bool json;            /* --json */
	bool full_bytes;      /* --bytes full: whole chunks from the capture store */
	char **exec;          /* -e commands, in order */
	int nexec;
};

/* Returns the exit status: 0 all commands succeeded, 1 some failed. */
int batch_run(const struct batch_opts *o);

#endif
