/* cmd_connect: the interactive client: "connect", "send" and "disconnect". */
#include "config.h"

#include <errno.h>

#include "core/app.h"
#include "core/client.h"
#include "core/cmd.h"
#include "core/server.h"

static int connect_run(struct app *app, const struct cmd_args *a)
{
	struct uds_addr addr;
	char why[256], sh[ADDR_SHOW_SIZE];
	if (addr_parse(a->argv[0], a->arglen[0], &addr, why, sizeof(why)) < 0) {
		app_error(app, 0, "connect %s: %s",
			  addr_show(a->argv[0], a->arglen[0], sh, sizeof(sh)), why);
		return CMD_FAIL;
	}
	app_reap(app);
	if (app->conn) {
		app_error(app, EISCONN, "connect %s: already connected to %s (disconnect first)",
			  addr.text, client_addr(app->conn)->text);
		return CMD_FAIL;
	}
	unsigned chunk = (unsigned)cmd_num(a, "chunk", SERVER_CHUNK_DEFAULT);
	return client_start(&app->conn, &addr, chunk, false, NULL, 0, &app->out, &app->later) < 0
		? CMD_FAIL : CMD_OK;
}

static int send_run(struct app *app, const struct cmd_args *a)
{
	app_reap(app);
	if (!app->conn) {
		app_error(app, ENOTCONN, "send: no connection (connect PATH first)");
		return CMD_FAIL;
	}
	if (a->arglen[0] == 0) {
		app_error(app, 0, "send: the message is empty");
		return CMD_FAIL;
	}
	int r = client_send(app->conn, a->argv[0], a->arglen[0]);
	if (r < 0) {
		app_error(app, -r, "send %s", client_addr(app->conn)->text);
		return CMD_FAIL;
	}
	return CMD_OK;
}

static int disconnect_run(struct app *app, const struct cmd_args *a)
{
	app_reap(app);
	if (!app->conn) {
		app_error(app, ENOTCONN, "disconnect: no connection");
		return CMD_FAIL;
	}
	app_stop_conn(app);
	return CMD_OK;
}

const struct cmd_entry cmd_connect_entry = {
	.name = "connect",
	.usage = "PATH [--chunk N]",
	.help = "open an interactive connection; echoes arrive as they come",
	.min_args = 1, .max_args = 1,
	.args = { CMD_ARG_PATH },
	.opts = {
		{ "chunk", CMD_OPT_UINT, "N", 1, SERVER_CHUNK_MAX, NULL },
	},
	.run = connect_run,
};

const struct cmd_entry cmd_send_entry = {
	.name = "send",
	.usage = "MESSAGE",
	.help = "send MESSAGE on the interactive connection (quote it; \\n \\xNN work in \"...\")",
	.min_args = 1, .max_args = 1,
	.args = { CMD_ARG_WORD },
	.run = send_run,
};

const struct cmd_entry cmd_disconnect_entry = {
	.name = "disconnect",
	.usage = "",
	.help = "close the interactive connection",
	.run = disconnect_run,
};
