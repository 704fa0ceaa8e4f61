/* cmd_help: the "help" and "quit" commands. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cmd/app.h"
#include "core/cmd/cmd.h"
#include "core/cmd/cmd_decode.h"

/* The help report of the N entries E: each one's row, its synopsis made here. */
static int report_rows(struct app *app, const char *topic, const struct cmd_entry *const *e,
		       size_t n)
{
	struct help_row *rows = calloc(n ? n : 1, sizeof(*rows));
	char *syn = malloc((n ? n : 1) * CMD_SYNOPSIS_MAX);
	if (!rows || !syn) {
		free(rows);
		free(syn);
		app_error(app, ENOMEM, "help");
		return CMD_FAIL;
	}
	for (size_t i = 0; i < n; i++) {
		cmd_synopsis(e[i], syn + i * CMD_SYNOPSIS_MAX, CMD_SYNOPSIS_MAX);
		rows[i] = (struct help_row){ e[i]->name, syn + i * CMD_SYNOPSIS_MAX, e[i]->help };
	}
	struct help_report h = { .topic = topic, .rows = rows, .n = n };
	app_report(app, &(struct report){ .kind = REPORT_HELP, .help = &h });
	free(rows);
	free(syn);
	return CMD_OK;
}

static int help_run(struct app *app, const struct cmd_args *a)
{
	size_t n;
	const struct cmd_entry *const *t = cmd_table(&n);
	if (a->argc == 0)
		return report_rows(app, NULL, t, n);
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
	return report_rows(app, want, found, nfound);
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
