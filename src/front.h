/* front: the console front end's entry point, as main sees it. */
#ifndef UDSCOPE_FRONT_H
#define UDSCOPE_FRONT_H

#include <stdbool.h>

/* Run the full-screen console; EXEC holds the -e commands. Returns the exit status. */
int front_console(char **exec, int nexec, bool no_color);

#endif
