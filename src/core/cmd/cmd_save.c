/* cmd_save: the "save" and "log" commands: what the front end holds, written to a file whole
 * (the focused view's text, or a session's events as JSON lines) or shown by session. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cmd/app.h"
#include "core/cmd/cmd.h"
#include "core/base/savefile.h"

static int save_run(struct app *app, const struct cmd_args *a)
{
	const char *path = a->argv[0];
	bool json = cmd_has(a, "json");
	if (strlen(path) != a->arglen[0]) {
		app_error(app, EINVAL, "save: a file name cannot hold a NUL byte");
		return CMD_FAIL;
	}
	if (!app->hooks.save) {
		app_error(app, 0, "save %s: this front end keeps nothing to save", path);
		return CMD_FAIL;
	}
	if (!json && app->hooks.save_no_text) {
		app_error(app, 0, "save %s: %s", path, app->hooks.save_no_text);
		return CMD_FAIL;
	}
	struct savefile f;
	int r = savefile_open(&f, path, cmd_has(a, "force"));
	if (r < 0) {
		/* Refused (EEXIST): the one line says so and how to replace it. */
		app_error(app, -r, "save %s%s", path,
			  r == -EEXIST ? " (--force replaces it)" : ": create");
		return CMD_FAIL;
	}
	char what[160] = "", why[160] = "";
	r = app->hooks.save(app->hooks.ctx, &f, json, what, sizeof(what), why, sizeof(why));
	if (r < 0) {
		savefile_abort(&f);
		app_error(app, -r, "save %s%s%s", path, why[0] ? ": " : "", why);
		return CMD_FAIL;
	}
	r = savefile_commit(&f);
	if (r < 0) {
		app_error(app, -r, "save %s: write", path);
		return CMD_FAIL;
	}
	app_info(app, SRC_SYSTEM, "save %s: wrote %s", path, what);
	return CMD_OK;
}

static int log_run(struct app *app, const struct cmd_args *a)
{
	uint32_t id = a->id[0];
	if (!app->hooks.log) {
		app_error(app, 0, "log #%u: this front end keeps no lines", id);
		return CMD_FAIL;
	}
	int r = app->hooks.log(app->hooks.ctx, id);
	if (r < 0) {
		/* A refusal of udscope's own, as cmd_resolve's: no errno text. */
		app_error(app, 0, "log #%u: no line of this session is held (sessions lists them)",
			  id);
		return CMD_FAIL;
	}
	return CMD_OK;
}

const struct cmd_entry cmd_save_entry = {
	.name = "save",
	.usage = "FILE [--json] [--force]",
	.help = "write the focused view as text, or (--json) every session's events as JSON lines; "
		"--force replaces FILE; in a full-screen view type : first",
	.min_args = 1, .max_args = 1,
	.args = { CMD_ARG_PATH },
	.opts = {
		{ .name = "json", .type = CMD_OPT_FLAG },
		{ .name = "force", .type = CMD_OPT_FLAG },
	},
	.run = save_run,
};

const struct cmd_entry cmd_log_entry = {
	.name = "log",
	.usage = "ID",
	.help = "show one session's lines (sessions lists the ids; Esc goes back)",
	.min_args = 1, .max_args = 1,
	.args = { CMD_ARG_ID },
	.run = log_run,
};
