/* skip.h: a C test's way to say SKIP with its reason.
 *
 * cmocka 1.1.5 prints a skipped test as "not ok N # SKIP name" in TAP mode, which automake's
 * TAP driver counts as a failure. UD_SKIP writes the reason on a line of its own
 * ("# udscope-skip: REASON") and then skips; tests/run-with-deadline.sh turns the next
 * "not ok N ... # SKIP" into "ok N ... # SKIP REASON". Say what is missing and, for a
 * missing program, which Debian package brings it: "tshark not installed (apt-get install
 * tshark)". Include after cmocka.h. */
#ifndef UDSCOPE_TESTS_SKIP_H
#define UDSCOPE_TESTS_SKIP_H

#include <stdio.h>

#define UD_SKIP(...)                                          \
	do {                                                  \
		fflush(stdout);                               \
		printf("# udscope-skip: " __VA_ARGS__);       \
		printf("\n");                                 \
		fflush(stdout);                               \
		skip();                                       \
	} while (0)

#endif
