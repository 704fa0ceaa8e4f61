/* cmd_help: the "help" and "quit" commands. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/cmd/app.h"
#include "core/cmd/cmd.h"
#include "core/cmd/cmd_decode.h"

static int help_run(struct app *app, const struct cmd_args *a)
{
	size_t n;
	const struct cmd_entry *const *t = cmd_table(&n);
	if (a->argc == 0) {
		struct help_report h = { .topic = NULL, .entries = t, .n = n };
		app_report(app, &(struct report){ .kind = REPORT_HELP, .help = &h });
		return CMD_OK;
	}
	char want[96];
	snprintf(want, sizeof(want), "%s%s%s", a->argv[0], a->argc > 1 ? " " : "",
		 a->argc > 1 ? a->argv[1] : "");
	if (strcmp(want, "decode") == 0)
		return cmd_decode_help(app); /* a topic, not a command */
	size_t wl = strlen(want);
	const struct cmd_entry *found[n ? n : 1];
	size_t nfound = 0;
	for (size_t i = 0; i < n; i++) {
		const char *name = t[i]->name;
		/* "help server" shows every server subcommand; "help server stop" just one. */
		if (strcmp(name, want) == 0 ||
		    (strncmp(name, want, wl) == 0 && name[wl] == ' '))
			found[nfound++] = t[i];
	}
	if (!nfound) {
		app_error(app, 0, "help: no command '%.64s' (help lists them)", want);
		return CMD_FAIL;
	}
	struct help_report h = { .topic = want, .entries = found, .n = nfound };
	app_report(app, &(struct report){ .kind = REPORT_HELP, .help = &h });
	return CMD_OK;
}

static int quit_run(struct app *app, const struct cmd_args *a)
{
	app->quit = true;
	return CMD_OK;
}

const struct cmd_entry cmd_help_entry = {
	.name = "help",
	.usage = "[COMMAND]",
	.help = "list the commands, or show one",
	.min_args = 0, .max_args = 2,
	.args = { CMD_ARG_COMMAND, CMD_ARG_COMMAND },
	.run = help_run,
};

const struct cmd_entry cmd_quit_entry = {
	.name = "quit",
	.usage = "",
	.help = "stop every session, remove the server's node, and leave",
	.run = quit_run,
};
