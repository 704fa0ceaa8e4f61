/* cmd_sessions: the "sessions" command: every session with its id, kind, path and figures. */
#include "config.h"

#include <stdio.h>

#include "core/app.h"
#include "core/cmd.h"

static int sessions_run(struct app *app, const struct cmd_args *a)
{
	app_reap(app);
	size_t n = 0;
	for (struct session *s = app->sessions.head; s; s = s->next, n++) {
		struct session_info in;
		session_info(s, &in);
		char clients[32] = "", figs[160] = "";
		if (in.kind == SESSION_SERVER)
			snprintf(clients, sizeof(clients), ", %u client%s", in.clients,
				 in.clients == 1 ? "" : "s");
		if (in.has_stats)
			snprintf(figs, sizeof(figs), "; in %llu bytes/%llu chunks, out %llu "
				 "bytes/%llu chunks", (unsigned long long)in.st.bytes_in,
				 (unsigned long long)in.st.chunks_in,
				 (unsigned long long)in.st.bytes_out,
				 (unsigned long long)in.st.chunks_out);
		app_info(app, SRC_SYSTEM, "#%u %s %s %s %s%s%s", in.id, in.kind_name,
			 in.kind == SESSION_PAIR ? "" : in.type ? in.type : "stream", in.path, in.state, clients, figs);
	}
	if (!n)
		app_info(app, SRC_SYSTEM, "no sessions (server start, client, connect or pair "
			 "start one)");
	return CMD_OK;
}

const struct cmd_entry cmd_sessions_entry = {
	.name = "sessions",
	.usage = "",
	.help = "list every server, client, connection and pair demo, with ids and figures",
	.run = sessions_run,
};
