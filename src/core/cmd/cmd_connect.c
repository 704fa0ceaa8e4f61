/* cmd_connect: the interactive client: "connect", "send" and "disconnect". */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>

#include "core/cmd/app.h"
#include "core/session/client.h"
#include "core/cmd/cmd.h"
#include "core/cmd/cmd_start.h"
#include "core/base/socktype.h"
#include "core/session/server.h"

static int connect_run(struct app *app, const struct cmd_args *a)
{
	struct uds_addr addr;
	if (!cmd_addr(app, a, 0, "connect", &addr))
		return CMD_FAIL;
	app_reap(app);
	/* Connections the peer closed have said everything: they make room for this one. */
	struct session *old, *next;
	for (old = app->sessions.head; old; old = next) {
		next = old->next;
		if (old->ops->kind == SESSION_CONN && client_finished(old->impl))
			app_free_session(app, old);
	}
	struct uds_addr local;
	bool ok;
	struct client_opts o = {
		.type = cmd_socktype(a),
		.chunk = cmd_chunk(app, a, cmd_socktype(a)),
		.capture = app->capture,
	};
	o.bind = cmd_bind(app, a, "connect", o.type, &local, &ok);
	if (!ok)
		return CMD_FAIL;
	struct client *c = NULL;
	struct session *s = app_prepare(app, &conn_session_ops);
	if (!s)
		return CMD_FAIL;
	int r = client_start(&c, &addr, &o, NULL, 0, &s->now, &s->later);
	return cmd_started(app, s, c, r, false);
}

#define SEND_TIMEOUT_DEFAULT 5

/* send in a script: done once the socket has taken every byte queued so far. */
struct send_wait {
	struct client *c;
	uint64_t upto;
	uint64_t until_ns;
	unsigned secs;
	bool stopped;
};
static struct send_wait send_waiting;   /* one line runs at a time, on the main thread */

static bool send_finished(const void *p)
{
	const struct send_wait *w = p;
	return client_sent(w->c) >= w->upto || client_finished(w->c) || w->stopped ||
	       event_now_ns() >= w->until_ns;
}

static int send_status(const void *p)
{
	const struct send_wait *w = p;
	if (client_sent(w->c) >= w->upto)
		return 0;
	if (!client_finished(w->c))
		return w->stopped ? EINTR : ETIMEDOUT;
	int st = client_status(w->c);
	return st > 0 ? st : EPIPE;   /* the client said what was not sent */
}

static void send_done(struct app *app, void *p, int status)
{
	struct send_wait *w = p;
	if (status == ETIMEDOUT)
		app_error(app, ETIMEDOUT, "send %s: %llu bytes still queued after %u s (the peer "
			  "is not reading; disconnect tries again)", client_addr(w->c)->text,
			  (unsigned long long)(client_queued(w->c) - client_sent(w->c)), w->secs);
}

static void send_stop(void *p)
{
	struct send_wait *w = p;
	w->stopped = true;
}

static int send_run(struct app *app, const struct cmd_args *a)
{
	if (a->arglen[0] == 0) {
		app_error(app, 0, "send: the message is empty");
		return CMD_FAIL;
	}
	struct client *c = a->session->impl;
	struct ancil anc;
	if (!cmd_ancil(app, a, "send", &anc))
		return CMD_FAIL;
	int r = client_send_ancil(c, a->argv[0], a->arglen[0], &anc);
	if (r == -ENOTCONN) {
		app_error(app, 0, "send %s: the connection is closed", client_addr(c)->text);
		return CMD_FAIL;
	}
	if (r < 0) {
		app_error(app, -r, "send %s", client_addr(c)->text);
		return CMD_FAIL;
	}
	/* A script's next line runs once these bytes are in the socket (or the send failed). */
	unsigned secs = (unsigned)cmd_num(a, "timeout", SEND_TIMEOUT_DEFAULT);
	send_waiting = (struct send_wait){
		.c = c, .upto = client_queued(c), .secs = secs,
		.until_ns = event_now_ns() + (uint64_t)secs * 1000000000u,
	};
	app->wait = (struct app_wait){
		.finished = send_finished, .status = send_status, .session = &send_waiting,
		.stop = send_stop, .done = send_done,
	};
	return CMD_PENDING;
}

static void conn_closed(struct app *app, void *s, int status)
{
	app_free_session(app, s);
}

static int disconnect_run(struct app *app, const struct cmd_args *a)
{
	struct session *s = a->session;
	struct client *c = s->impl;
	if (client_finished(c)) {
		/* The peer closed it already; how it ended was said (and counted) then. */
		app_free_session(app, s);
		return CMD_OK;
	}
	int flush = (int)cmd_num(a, "timeout", CLIENT_FLUSH_TIMEOUT_MS / 1000) * 1000;
	int linger = (int)cmd_num(a, "linger", CLIENT_LINGER_MS / 1000) * 1000;
	client_request_stop(c, flush, linger);
	/* Waited for everywhere, so the next line finds the connection closed; the console
	 * keeps drawing meanwhile. */
	app_wait_session(app, s);
	app->wait.done = conn_closed;
	app->wait.always = true;
	return CMD_PENDING;
}

static int chunk_run(struct app *app, const struct cmd_args *a)
{
	unsigned n = (unsigned)a->num_arg[0];
	cmd_say_chunk(app, SRC_CLIENT, a->session->id, n, session_set_chunk(a->session, n));
	return CMD_OK;
}

const struct cmd_entry cmd_connect_entry = {
	.name = "connect",
	.usage = "PATH [--type T] [--chunk N] [--bind PATH]",
	.help = "open an interactive connection (several may be open); echoes arrive as they come",
	.min_args = 1, .max_args = 1,
	.args = { CMD_ARG_PATH },
	.opts = {
		CMD_OPT_CHUNK,
		CMD_OPT_TYPE,
		CMD_OPT_BIND,
	},
	.run = connect_run,
};

const struct cmd_entry cmd_send_entry = {
	.name = "send",
	.usage = "MESSAGE [--id N] [--timeout S] [--fd PATH]... [--creds]",
	.help = "send MESSAGE on the connection (quote it; \\n \\xNN work in \"...\")",
	.min_args = 1, .max_args = 1,
	.args = { CMD_ARG_WORD },
	.opts = {
		CMD_OPT_ID,
		{ "timeout", CMD_OPT_UINT, "S", 0, 86400, NULL },
		CMD_OPT_FD,
		CMD_OPT_CREDS,
	},
	.target = { CMD_KIND(SESSION_CONN), CMD_TARGET_ID, .opt = "id", .running = true,
		    .none = CMD_CONNECT_FIRST },
	.run = send_run,
};

const struct cmd_entry cmd_disconnect_entry = {
	.name = "disconnect",
	.usage = "[ID] [--timeout S] [--linger S]",
	.help = "send what is queued (up to S s, default 5), half-close, read the rest (default 1 s)",
	.max_args = 1,
	.args = { CMD_ARG_WORD },
	.opts = {
		{ "timeout", CMD_OPT_UINT, "S", 0, 86400, NULL },
		{ "linger", CMD_OPT_UINT, "S", 0, 86400, NULL },
	},
	.target = { CMD_KIND(SESSION_CONN), CMD_TARGET_ID_OR_PATH, .none = CMD_CONNECT_FIRST },
	.run = disconnect_run,
};

const struct cmd_entry cmd_chunk_entry = {
	.name = "chunk",
	.usage = "N [--id N]",
	.help = "change a connection's receive size to N bytes, from its next recv on",
	.min_args = 1, .max_args = 1,
	.args = { CMD_ARG_COUNT },
	.range = { CMD_CHUNK_RANGE },
	.opts = {
		CMD_OPT_ID,
	},
	.target = { CMD_KIND(SESSION_CONN), CMD_TARGET_ID, .opt = "id", .running = true,
		    .none = CMD_CONNECT_FIRST },
	.run = chunk_run,
};
