/* cmd_demo: the "demo" command: the guided tour whole, or one step at a time, or left. */
#include "config.h"

#include <string.h>

#include "core/cmd/app.h"
#include "core/cmd/cmd.h"
#include "core/cmd/demo.h"

static int demo_run(struct app *app, const struct cmd_args *a)
{
	const char *what = a->argc ? a->argv[0] : "";
	if (!strcmp(what, "stop")) {
		if (!demo_running(app)) {
			app_error(app, 0, "demo stop: no tour is running");
			return CMD_FAIL;
		}
		demo_leave(app);
		return CMD_OK;
	}
	if (*what && strcmp(what, "next")) {
		app_error(app, 0, "demo %s: say nothing (the whole tour), next or stop", what);
		return CMD_FAIL;
	}
	if (!demo_running(app) && demo_begin(app) < 0)
		return CMD_FAIL;
	bool whole = !*what && !app->tour_by_step;
	int r;
	do
		r = demo_step(app, NULL);
	while (r == 1 && whole);
	struct demo_step_info next;
	if (r == 1 && !demo_peek(app, &next))
		r = demo_step(app, NULL);   /* the last step ran: end the tour now */
	else if (r == 1 && app->tour_by_step)
		app_info(app, SRC_SYSTEM, "demo: Enter on an empty line runs step %u/%u (%s); "
			 "Esc leaves the tour", next.index, next.count, next.title);
	return r < 0 ? CMD_FAIL : CMD_OK;
}

const struct cmd_entry cmd_demo_entry = {
	.name = "demo",
	.usage = "[next|stop]",
	.help = "the guided tour of the walkthrough (next: one step at a time; stop: leave it)",
	.max_args = 1,
	.args = { CMD_ARG_WORD },
	.run = demo_run,
};
