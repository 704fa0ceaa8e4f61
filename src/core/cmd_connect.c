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
	if (app->conn && client_finished(app->conn)) {
		client_destroy(app->conn);   /* closed by the peer: its lines are all out */
		app->conn = NULL;
	}
	if (app->conn) {
		app_error(app, EISCONN, "connect %s: already connected to %s (disconnect first)",
			  addr.text, client_addr(app->conn)->text);
		return CMD_FAIL;
	}
	struct client_opts o = { .chunk = (unsigned)cmd_num(a, "chunk", SERVER_CHUNK_DEFAULT) };
	return client_start(&app->conn, &addr, &o, NULL, 0, &app->out, &app->later) < 0
		? CMD_FAIL : CMD_OK;
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
	/* A script's next line runs once these bytes are in the socket (or the send failed). */
	unsigned secs = (unsigned)cmd_num(a, "timeout", SEND_TIMEOUT_DEFAULT);
	send_waiting = (struct send_wait){
		.c = app->conn, .upto = client_queued(app->conn), .secs = secs,
		.until_ns = event_now_ns() + (uint64_t)secs * 1000000000u,
	};
	app->wait = (struct app_wait){
		.finished = send_finished, .status = send_status, .session = &send_waiting,
		.stop = send_stop, .done = send_done,
	};
	return CMD_PENDING;
}

static bool conn_finished(const void *c)
{
	return client_finished(c);
}

static int conn_status(const void *c)
{
	return client_status(c);
}

static void conn_stop_now(void *c)
{
	client_request_stop(c, CLIENT_STOP_NOW, 0);
}

static void conn_closed(struct app *app, void *c, int status)
{
	if (app->conn == c) {
		client_destroy(c);
		app->conn = NULL;
	}
}

static int disconnect_run(struct app *app, const struct cmd_args *a)
{
	app_reap(app);
	if (!app->conn) {
		app_error(app, ENOTCONN, "disconnect: no connection");
		return CMD_FAIL;
	}
	if (client_finished(app->conn)) {
		/* The peer closed it already; how it ended was said (and counted) then. */
		client_destroy(app->conn);
		app->conn = NULL;
		return CMD_OK;
	}
	int flush = (int)cmd_num(a, "timeout", CLIENT_FLUSH_TIMEOUT_MS / 1000) * 1000;
	int linger = (int)cmd_num(a, "linger", CLIENT_LINGER_MS / 1000) * 1000;
	client_request_stop(app->conn, flush, linger);
	/* Waited for everywhere, so the next line finds the connection closed; the console
	 * keeps drawing meanwhile. */
	app->wait = (struct app_wait){
		.finished = conn_finished, .status = conn_status, .session = app->conn,
		.stop = conn_stop_now, .done = conn_closed, .always = true,
	};
	return CMD_PENDING;
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
	.usage = "MESSAGE [--timeout S]",
	.help = "send MESSAGE on the connection (quote it; \\n \\xNN work in \"...\")",
	.min_args = 1, .max_args = 1,
	.args = { CMD_ARG_WORD },
	.opts = {
		{ "timeout", CMD_OPT_UINT, "S", 0, 86400, NULL },
	},
	.run = send_run,
};

const struct cmd_entry cmd_disconnect_entry = {
	.name = "disconnect",
	.usage = "[--timeout S] [--linger S]",
	.help = "send what is queued (up to S s, default 5), half-close, read the rest (default 1 s)",
	.opts = {
		{ "timeout", CMD_OPT_UINT, "S", 0, 86400, NULL },
		{ "linger", CMD_OPT_UINT, "S", 0, 86400, NULL },
	},
	.run = disconnect_run,
};
