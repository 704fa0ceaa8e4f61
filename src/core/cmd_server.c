/* cmd_server: the "server start", "server stop" and "server status" commands. */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "core/app.h"
#include "core/cmd.h"
#include "core/server.h"

static int server_start_run(struct app *app, const struct cmd_args *a)
{
	struct uds_addr addr;
	char why[256], sh[ADDR_SHOW_SIZE];
	if (addr_parse(a->argv[0], a->arglen[0], &addr, why, sizeof(why)) < 0) {
		app_error(app, 0, "server start %s: %s",
			  addr_show(a->argv[0], a->arglen[0], sh, sizeof(sh)), why);
		return CMD_FAIL;
	}
	if (app->server) {
		app_error(app, EBUSY, "server start %s: a server is already running on %s "
			  "(server stop first)", addr.text, server_addr(app->server)->text);
		return CMD_FAIL;
	}
	struct server_opts o = {
		.chunk = (unsigned)cmd_num(a, "chunk", SERVER_CHUNK_DEFAULT),
		.backlog = (int)cmd_num(a, "backlog", SERVER_BACKLOG_DEFAULT),
		.mode = cmd_has(a, "mode") ? (int)cmd_num(a, "mode", 0) : -1,
	};
	if (o.mode >= 0 && addr.abstract) {
		app_error(app, 0, "server start %s: --mode does not apply to an abstract name "
			  "(it has no file system node)", addr.text);
		return CMD_FAIL;
	}
	return server_start(&app->server, &addr, &o, &app->out, &app->later) < 0 ? CMD_FAIL : CMD_OK;
}

static int server_stop_run(struct app *app, const struct cmd_args *a)
{
	if (!app->server) {
		app_error(app, 0, "server stop: no server is running");
		return CMD_FAIL;
	}
	app_stop_server(app);
	return CMD_OK;
}

static int server_status_run(struct app *app, const struct cmd_args *a)
{
	if (!app->server) {
		app_info(app, SRC_SERVER, "not running");
		return CMD_OK;
	}
	struct stats_snapshot sn;
	stats_snapshot(server_stats(app->server), &sn);
	const struct server_opts *o = server_options(app->server);
	app_info(app, SRC_SERVER,
		 "listening on %s (chunk %u, backlog %d): %u clients now, %llu accepted; "
		 "received %llu bytes in %llu chunks, sent %llu bytes in %llu chunks",
		 server_addr(app->server)->text, o->chunk, o->backlog, sn.clients,
		 (unsigned long long)sn.accepted, (unsigned long long)sn.bytes_in,
		 (unsigned long long)sn.chunks_in, (unsigned long long)sn.bytes_out,
		 (unsigned long long)sn.chunks_out);
	return CMD_OK;
}

const struct cmd_entry cmd_server_start_entry = {
	.name = "server start",
	.usage = "PATH [--chunk N] [--backlog N] [--mode OCTAL]",
	.help = "start the echo server on PATH (or @name) in the background",
	.min_args = 1, .max_args = 1,
	.args = { CMD_ARG_PATH },
	.opts = {
		{ "chunk", CMD_OPT_UINT, "N", 1, SERVER_CHUNK_MAX, NULL },
		{ "backlog", CMD_OPT_UINT, "N", 0, 65535, NULL },
		{ "mode", CMD_OPT_OCTAL, "OCTAL", 0, 0777, NULL },
	},
	.run = server_start_run,
};

const struct cmd_entry cmd_server_stop_entry = {
	.name = "server stop",
	.usage = "",
	.help = "stop the echo server and remove the socket node it created",
	.run = server_stop_run,
};

const struct cmd_entry cmd_server_status_entry = {
	.name = "server status",
	.usage = "",
	.help = "show the server's path, clients, and bytes and chunks each way",
	.run = server_status_run,
};
