/* cmd_tap: the "tap", "tap stop" and "tap status" commands. */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "core/app.h"
#include "core/cmd.h"
#include "core/cmd_start.h"
#include "core/socktype.h"
#include "core/tap.h"

/* Datagram taps (one upstream socket per sender, so that replies route back) are not here. */
static const char *const tap_types[] = { "stream", "seqpacket", NULL };

static int tap_run(struct app *app, const struct cmd_args *a)
{
	struct uds_addr listen, target;
	if (!cmd_addr(app, a, 0, "tap", &listen) || !cmd_addr(app, a, 1, "tap", &target))
		return CMD_FAIL;
	app_reap(app);
	struct session *same;
	if (session_count(&app->sessions, SESSION_TAP, listen.text, &same)) {
		app_error(app, EADDRINUSE, "tap %s: already tapping there as #%u (tap stop %u "
			  "first)", listen.text, same->id, same->id);
		return CMD_FAIL;
	}
	struct tap_opts o = {
		.type = cmd_socktype(a),
		.mode = cmd_has(a, "mode") ? (int)cmd_num(a, "mode", 0) : -1,
		.backlog = (int)cmd_num(a, "backlog", 64),
		.capture = app->capture,
	};
	if (o.mode >= 0 && listen.abstract) {
		app_error(app, 0, "tap %s: --mode does not apply to an abstract name (it has no "
			  "file system node)", listen.text);
		return CMD_FAIL;
	}
	struct tap *t;
	struct session *s = app_prepare(app, &tap_session_ops);
	if (!s)
		return CMD_FAIL;
	int r = tap_start(&t, &listen, &target, &o, &s->now, &s->later);
	return cmd_started(app, s, t, r, false);
}

static int tap_stop_run(struct app *app, const struct cmd_args *a)
{
	app_reap(app);
	struct session *s = app_pick(app, SESSION_TAP, a->argc ? a->argv[0] : NULL, "tap stop");
	if (!s)
		return CMD_FAIL;
	app_end(app, s);
	return CMD_OK;
}

static void status_line(struct app *app, const struct session *s)
{
	struct session_info in;
	session_info(s, &in);
	app_info(app, SRC_TAP,
		 "#%u %s, %s: %u connections now, %llu accepted; client->server %llu bytes in "
		 "%llu chunks, server->client %llu bytes in %llu chunks",
		 in.id, in.path, in.state, in.clients, (unsigned long long)in.st.accepted,
		 (unsigned long long)in.st.bytes_in, (unsigned long long)in.st.chunks_in,
		 (unsigned long long)in.st.bytes_out, (unsigned long long)in.st.chunks_out);
}

static int tap_status_run(struct app *app, const struct cmd_args *a)
{
	app_reap(app);
	if (a->argc) {
		struct session *s = app_pick(app, SESSION_TAP, a->argv[0], "tap status");
		if (!s)
			return CMD_FAIL;
		status_line(app, s);
		return CMD_OK;
	}
	size_t n = 0;
	for (struct session *s = app->sessions.head; s; s = s->next)
		if (s->ops->kind == SESSION_TAP) {
			status_line(app, s);
			n++;
		}
	if (!n)
		app_info(app, SRC_TAP, "no tap is running");
	return CMD_OK;
}

const struct cmd_entry cmd_tap_entry = {
	.name = "tap",
	.usage = "LISTEN TARGET [--type stream|seqpacket] [--mode OCTAL] [--backlog N]",
	.help = "listen at LISTEN, connect each client to TARGET, and show both ways",
	.min_args = 2, .max_args = 2,
	.args = { CMD_ARG_PATH, CMD_ARG_PATH },
	.opts = {
		{ "type", CMD_OPT_CHOICE, "TYPE", 0, 0, tap_types },
		{ "mode", CMD_OPT_OCTAL, "OCTAL", 0, 0777, NULL },
		{ "backlog", CMD_OPT_UINT, "N", 0, 65535, NULL },
	},
	.run = tap_run,
};

const struct cmd_entry cmd_tap_stop_entry = {
	.name = "tap stop",
	.usage = "[LISTEN|ID]",
	.help = "stop a tap (the only one, or the one named) and remove its node",
	.max_args = 1,
	.args = { CMD_ARG_PATH },
	.run = tap_stop_run,
};

const struct cmd_entry cmd_tap_status_entry = {
	.name = "tap status",
	.usage = "[LISTEN|ID]",
	.help = "show each tap's paths, connections, and bytes and chunks each way",
	.max_args = 1,
	.args = { CMD_ARG_PATH },
	.run = tap_status_run,
};
