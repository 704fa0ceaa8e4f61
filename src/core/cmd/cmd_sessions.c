/* cmd_sessions: the "sessions" command: every session with its id, kind, path and figures. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "core/cmd/app.h"
#include "core/cmd/cmd.h"

static int sessions_run(struct app *app, const struct cmd_args *a)
{
	app_reap(app);
	size_t n = app_sessions_kept(app, NULL, 0);
	struct session_info *rows = n ? calloc(n, sizeof(*rows)) : NULL;
	if (n && !rows) {
		app_error(app, ENOMEM, "sessions: out of memory");
		return CMD_FAIL;
	}
	n = app_sessions_kept(app, rows, n);
	struct sessions_report r = { .rows = rows, .n = n };
	app_report(app, &(struct report){ .kind = REPORT_SESSIONS, .sessions = &r });
	free(rows);
	return CMD_OK;
}

const struct cmd_entry cmd_sessions_entry = {
	.name = "sessions",
	.usage = "",
	.help = "list every server, client, connection and pair demo, with ids and figures",
	.run = sessions_run,
};
