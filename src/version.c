/* version: what `udscope --version` says: this build's version (src/build-version.h, made at
 * every build by src/git-version.sh) , the ncurses and readline it runs with (asked at run
 * time, not the headers it was built against), and its configure options. The library
 * versions are the only reason this file includes the curses and readline headers. */
#include "config.h"

#include "version.h"

#include <curses.h>
#include <readline/readline.h>

#include "src/build-version.h"

const char *version_string(void)
{
	return UD_BUILD_VERSION;
}

void version_print(FILE *f)
{
	fprintf(f, "udscope %s\n", version_string());
	fprintf(f, "%s\n", curses_version()); /* "ncurses 6.4.20221231" */
	fprintf(f, "readline %s\n", rl_library_version ? rl_library_version : "(unknown)");
	fprintf(f, "build: %s\n", UD_BUILD_OPTIONS);
}
