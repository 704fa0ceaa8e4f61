/* fuzz_cmd: command parsing and completion context never crash; errors are one line naming a
 * usage or a reason. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "core/cmd/cmd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = fuzz_cstring(data, size);
	if (!line)
		return 0;
	struct cmd_args a;
	char err[512] = "";
	int r = cmd_parse(line, &a, err, sizeof(err));
	if (r == CMD_OK) {
		if (!a.entry || a.argc < a.entry->min_args || a.argc > a.entry->max_args)
			abort();
	} else if (r == CMD_FAIL) {
		if (!err[0] || strchr(err, '\n') || a.entry)
			abort();
	} else if (r != CMD_EMPTY) {
		abort();
	}
	cmd_args_free(&a);
	/* Completion at every cursor position: never crashes, and what it names is real. */
	size_t n = strlen(line);
	for (size_t point = 0; point <= n; point++) {
		struct cmd_context c;
		enum cmd_expect x = cmd_complete_context(line, point, &c);
		if (c.word_start > point || (x == CMD_EXPECT_VALUE && !c.opt) ||
		    ((x == CMD_EXPECT_OPTION || x == CMD_EXPECT_ARG) && !c.entry) ||
		    (x == CMD_EXPECT_ARG && c.argno >= c.entry->max_args))
			abort();
	}
	free(line);
	return 0;
}
