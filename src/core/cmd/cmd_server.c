/* cmd_server: the "server start", "server stop" and "server status" commands. */
#include "config.h"

#include <stdio.h>
#include <sys/socket.h>

#include "core/cmd/app.h"
#include "core/cmd/cmd.h"
#include "core/cmd/cmd_start.h"
#include "core/session/server.h"
#include "core/base/socktype.h"
#include "core/base/words.h"

static int server_start_run(struct app *app, const struct cmd_args *a)
{
	struct uds_addr addr;
	if (!cmd_addr(app, a, 0, "server start", &addr))
		return CMD_FAIL;
	struct server_opts o = {
		.type = cmd_socktype(a),
		.chunk = cmd_chunk(app, a, cmd_socktype(a)),
		.backlog = (int)cmd_num(a, "backlog", SERVER_BACKLOG_DEFAULT),
		.mode = cmd_has(a, "mode") ? (int)cmd_num(a, "mode", 0) : -1,
		.capture = app->capture,
	};
	if (o.mode >= 0 && addr.abstract) {
		app_error(app, 0, "server start %s: --mode does not apply to an abstract name "
			  "(it has no file system node)", addr.text);
		return CMD_FAIL;
	}
	struct server *srv = NULL;
	struct session *s = app_prepare(app, &server_session_ops);
	if (!s)
		return CMD_FAIL;
	int r = server_start(&srv, &addr, &o, &s->now, &s->later);
	return cmd_started(app, s, srv, r, false);
}

static void status_line(struct app *app, const struct session *s)
{
	struct session_info in;
	session_info(s, &in);
	const struct server_opts *o = server_options(s->impl);
	char got[WORDS_AMOUNT_SIZE], sent[WORDS_AMOUNT_SIZE];
	if (o->type == SOCK_DGRAM) {
		char size[32] = "whole datagrams";
		if (session_chunk(s))
			snprintf(size, sizeof(size), "chunk %u", session_chunk(s));
		words_amount(in.st.bytes_in, in.st.chunks_in, "datagram", got, sizeof(got));
		words_amount(in.st.bytes_out, in.st.chunks_out, "datagram", sent, sizeof(sent));
		app_info(app, SRC_SERVER, "#%u %s on %s (%s, dgram): received %s, sent %s", in.id,
			 in.state, in.path, size, got, sent);
		return;
	}
	words_amount(in.st.bytes_in, in.st.chunks_in, "chunk", got, sizeof(got));
	words_amount(in.st.bytes_out, in.st.chunks_out, "chunk", sent, sizeof(sent));
	app_info(app, SRC_SERVER,
		 "#%u %s on %s (chunk %u, backlog %d, %s): %u client%s now, %llu accepted; "
		 "received %s, sent %s",
		 in.id, in.state, in.path, session_chunk(s), o->backlog, in.type, in.clients,
		 in.clients == 1 ? "" : "s", (unsigned long long)in.st.accepted, got, sent);
}

static int server_status_run(struct app *app, const struct cmd_args *a)
{
	return cmd_status_each(app, a, SESSION_SERVER, status_line, SRC_SERVER, "not running");
}

static int server_chunk_run(struct app *app, const struct cmd_args *a)
{
	unsigned n = (unsigned)a->num_arg[0];
	cmd_say_chunk(app, SRC_SERVER, a->session->id, n, session_set_chunk(a->session, n));
	return CMD_OK;
}

const struct cmd_entry cmd_server_start_entry = {
	.name = "server start",
	.usage = "PATH [--type stream|seqpacket|dgram] [--chunk N] [--backlog N] [--mode OCTAL]",
	.help = "start the echo server on PATH (or @name) in the background",
	.min_args = 1, .max_args = 1,
	.args = { CMD_ARG_PATH },
	.opts = {
		CMD_OPT_CHUNK,
		{ "backlog", CMD_OPT_UINT, "N", 0, 65535, NULL },
		{ "mode", CMD_OPT_OCTAL, "OCTAL", 0, 0777, NULL },
		CMD_OPT_TYPE,
	},
	.target = { CMD_KIND(SESSION_SERVER), .fresh = true },
	.run = server_start_run,
};

const struct cmd_entry cmd_server_stop_entry = {
	.name = "server stop",
	.usage = "[PATH|ID]",
	.help = "stop a server (the only one, or the one named) and remove its node",
	.max_args = 1,
	.args = { CMD_ARG_PATH },
	.target = { CMD_KIND(SESSION_SERVER), CMD_TARGET_ID_OR_PATH },
	.run = cmd_stop_target,
};

const struct cmd_entry cmd_server_status_entry = {
	.name = "server status",
	.usage = "[PATH|ID]",
	.help = "show each server's path, clients, and bytes and chunks each way",
	.max_args = 1,
	.args = { CMD_ARG_PATH },
	.target = { CMD_KIND(SESSION_SERVER), CMD_TARGET_ID_OR_PATH, .dflt = CMD_TARGET_EACH },
	.run = server_status_run,
};

const struct cmd_entry cmd_server_chunk_entry = {
	.name = "server chunk",
	.usage = "N [PATH|ID]",
	.help = "change a running server's receive size to N bytes, from its next recv on",
	.min_args = 1, .max_args = 2,
	.args = { CMD_ARG_COUNT, CMD_ARG_PATH },
	.range = { CMD_CHUNK_RANGE },
	.target = { CMD_KIND(SESSION_SERVER), CMD_TARGET_ID_OR_PATH, .arg = 1 },
	.run = server_chunk_run,
};
