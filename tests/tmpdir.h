/* tmpdir.h: where a C test makes its private directory.
 *
 * make check points TMPDIR at a directory of its own for the build (tests/test-tmpdir.sh) and
 * checks at the end that nothing was left in it. A TMPDIR too long for the socket paths the
 * tests build under it, or not absolute, gives way to /tmp. */
#ifndef UDSCOPE_TESTS_TMPDIR_H
#define UDSCOPE_TESTS_TMPDIR_H

#include <stdlib.h>
#include <string.h>

static inline const char *test_tmpdir(void)
{
	const char *t = getenv("TMPDIR");
	return t && t[0] == '/' && strlen(t) <= 40 ? t : "/tmp";
}

#endif
