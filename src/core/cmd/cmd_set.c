/* cmd_set: the "set" command: list the settings, show one, or change one (settings.c). */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "core/cmd/app.h"
#include "core/cmd/cmd.h"
#include "core/cmd/settings.h"

/* One setting's line: its name, value and help. */
static void show_one(struct app *app, size_t i)
{
	char v[32];
	settings_show(app, i, v, sizeof(v));
	app_info(app, SRC_SYSTEM, "%-10s %-4s  %s", settings_name(i), v, settings_help(i));
}

static int set_run(struct app *app, const struct cmd_args *a)
{
	for (int i = 0; i < a->argc; i++)
		if (memchr(a->argv[i], '\0', a->arglen[i])) {
			app_error(app, EINVAL, "set: a word holds a NUL byte");
			return CMD_FAIL;
		}
	if (a->argc == 0) {
		for (size_t i = 0; i < settings_count(); i++)
			show_one(app, i);
		return CMD_OK;
	}
	if (a->argc == 1) {
		for (size_t i = 0; i < settings_count(); i++)
			if (strcmp(settings_name(i), a->argv[0]) == 0) {
				show_one(app, i);
				return CMD_OK;
			}
	}
	char err[256];
	int r = settings_set(app, a->argv[0], a->argc == 2 ? a->argv[1] : "", err, sizeof(err));
	if (r == 0)
		return CMD_OK;
	app_error(app, r == -ENOENT || r == -EINVAL ? 0 : -r, "%s", err);
	return CMD_FAIL;
}

const struct cmd_entry cmd_set_entry = {
	.name = "set",
	.usage = "[NAME [VALUE]]",
	.help = "list the settings, show one, or set it (colors, mouse, capture-mb, chunk)",
	.min_args = 0, .max_args = 2,
	.args = { CMD_ARG_WORD, CMD_ARG_WORD },
	.run = set_run,
};
