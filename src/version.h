/* version: what `udscope --version` says: this build's version, the curses and readline
 * libraries it runs with, and how it was configured. */
#ifndef UDSCOPE_VERSION_H
#define UDSCOPE_VERSION_H

#include <stdio.h>

/* The version alone: `git describe` at build time in a checkout, the release otherwise. */
const char *version_string(void);
/* The lines --version prints, to F. */
void version_print(FILE *f);

#endif
