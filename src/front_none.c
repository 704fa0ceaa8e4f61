/* front_none: stands in for the console until src/ui is built, and says so plainly. */
#include "config.h"

#include <stdio.h>

#include "front.h"

int front_console(char **exec, int nexec, bool no_color)
{
	fprintf(stderr, "udscope: the console is not built yet; use udscope --batch "
		"(see udscope --help)\n");
	return 1;
}
