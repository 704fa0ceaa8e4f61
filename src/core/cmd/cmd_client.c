/* cmd_client: the "client" command, the walkthrough's client from connect to close. */
#include "config.h"

#include <errno.h>

#include "core/cmd/app.h"
#include "core/session/client.h"
#include "core/cmd/cmd.h"
#include "core/cmd/cmd_start.h"
#include "core/base/socktype.h"
#include "core/session/server.h"

static int client_run(struct app *app, const struct cmd_args *a)
{
	struct uds_addr addr;
	if (!cmd_addr(app, a, 0, "client", &addr))
		return CMD_FAIL;
	app_reap(app);
	const char *msg = CLIENT_DEFAULT_MESSAGE;
	size_t len = sizeof(CLIENT_DEFAULT_MESSAGE) - 1;
	if (a->argc > 1) {
		msg = a->argv[1];
		len = a->arglen[1];
	}
	if (len == 0) {
		app_error(app, 0, "client %s: the message is empty (nothing would come back)",
			  addr.text);
		return CMD_FAIL;
	}
	struct uds_addr local;
	bool ok;
	struct client_opts o = {
		.type = cmd_socktype(a),
		.chunk = cmd_chunk(app, a, cmd_socktype(a)),
		.oneshot = true,
		.timeout_ms = (int)cmd_num(a, "timeout", 0) * 1000,
		.capture = app->capture,
	};
	o.bind = cmd_bind(app, a, "client", o.type, &local, &ok);
	struct ancil anc;
	if (!ok || !cmd_ancil(app, a, "client", &anc))
		return CMD_FAIL;
	struct client *c = NULL;
	struct session *s = app_prepare(app, &client_session_ops);
	if (!s) {
		ancil_close(&anc);
		return CMD_FAIL;
	}
	int r = client_start_ancil(&c, &addr, &o, msg, len, &anc, &s->now, &s->later);
	return cmd_started(app, s, c, r, true);
}

const struct cmd_entry cmd_client_entry = {
	.name = "client",
	.usage = "PATH [MESSAGE] [--type T] [--chunk N] [--timeout S] [--fd PATH]... [--creds] "
		 "[--bind PATH]",
	.help = "connect, send MESSAGE, check the echo received in N-byte chunks, close",
	.min_args = 1, .max_args = 2,
	.args = { CMD_ARG_PATH, CMD_ARG_WORD },
	.opts = {
		CMD_OPT_CHUNK,
		{ "timeout", CMD_OPT_UINT, "S", 1, 86400, NULL },
		CMD_OPT_TYPE,
		CMD_OPT_FD,
		CMD_OPT_CREDS,
		CMD_OPT_BIND,
	},
	.run = client_run,
};
