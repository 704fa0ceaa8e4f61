/* cmd_script: what scripts a conversation: "wait", "expect" and "source". */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cmd/app.h"
#include "core/base/bytes.h"
#include "core/session/client.h"
#include "core/cmd/cmd.h"
#include "core/cmd/cmd_start.h"

#define EXPECT_TIMEOUT_DEFAULT 10
/* What an expect failure shows of the bytes that did come. */
#define EXPECT_SHOW_TAIL 48

static bool timer_finished(const void *p)
{
	const struct app_timer *t = p;
	return t->stopped || event_now_ns() >= t->until_ns;
}

static int timer_status(const void *p)
{
	const struct app_timer *t = p;
	return t->stopped ? EINTR : 0;
}

static void timer_stop(void *p)
{
	struct app_timer *t = p;
	t->stopped = true;
}

static void timer_arm(struct app *app, double seconds)
{
	free(app->timer.text);
	app->timer = (struct app_timer){
		.until_ns = event_now_ns() + (uint64_t)(seconds * 1e9),
	};
}

static int wait_run(struct app *app, const struct cmd_args *a)
{
	timer_arm(app, a->secs[0]);
	app->wait = (struct app_wait){
		.finished = timer_finished, .status = timer_status, .session = &app->timer,
		.stop = timer_stop, .always = true,
	};
	return CMD_PENDING;
}

static bool expect_finished(const void *p)
{
	struct app_timer *t = (struct app_timer *)p;
	if (t->result != 0 || t->stopped)
		return true;
	t->result = client_expect(t->conn, t->text, t->len);
	if (t->result == 0 && event_now_ns() >= t->until_ns)
		t->result = -ETIMEDOUT;
	return t->result != 0;
}

static int expect_status(const void *p)
{
	const struct app_timer *t = p;
	if (t->stopped)
		return EINTR;
	return t->result == 1 ? 0 : -t->result;
}

static void expect_done(struct app *app, void *p, int status)
{
	struct app_timer *t = p;
	char want[256], got[4 * EXPECT_SHOW_TAIL + 8];
	bytes_repr(t->text, t->len, want, sizeof(want));
	if (status == 0) {
		app_info(app, SRC_CLIENT, "expect: found %s", want);
		return;
	}
	char tail[EXPECT_SHOW_TAIL];
	size_t tl;
	size_t pending = client_unmatched(t->conn, tail, sizeof(tail), &tl);
	bytes_repr(tail, tl, got, sizeof(got));
	const char *why = status == ETIMEDOUT ? "not seen in time"
		: status == EPIPE ? "the connection closed before it came" : "stopped";
	app_error(app, status, "expect %s on %s: %s; %zu bytes received since the last match%s%s",
		  want, client_addr(t->conn)->text, why, pending,
		  pending ? (pending > tl ? ", ending " : ": ") : "", pending ? got : "");
}

static int expect_run(struct app *app, const struct cmd_args *a)
{
	if (a->arglen[0] == 0) {
		app_error(app, 0, "expect: the text is empty");
		return CMD_FAIL;
	}
	char *text = malloc(a->arglen[0]);
	if (!text) {
		app_error(app, ENOMEM, "expect");
		return CMD_FAIL;
	}
	memcpy(text, a->argv[0], a->arglen[0]);
	timer_arm(app, (double)cmd_num(a, "timeout", EXPECT_TIMEOUT_DEFAULT));
	app->timer.conn = a->session->impl;
	app->timer.text = text;
	app->timer.len = a->arglen[0];
	app->wait = (struct app_wait){
		.finished = expect_finished, .status = expect_status, .session = &app->timer,
		.stop = timer_stop, .done = expect_done, .always = true,
	};
	return CMD_PENDING;
}

static int source_run(struct app *app, const struct cmd_args *a)
{
	if (memchr(a->argv[0], '\0', a->arglen[0])) {
		app_error(app, EINVAL, "source: the file name holds a NUL byte");
		return CMD_FAIL;
	}
	return script_insert_file(app, a->argv[0]) < 0 ? CMD_FAIL : CMD_OK;
}

const struct cmd_entry cmd_wait_entry = {
	.name = "wait",
	.usage = "SECONDS",
	.help = "pause the script (events keep arriving); 0.5 works",
	.min_args = 1, .max_args = 1,
	.args = { CMD_ARG_SECONDS },
	.range = { { 0, 86400, "a number of seconds", NULL } },
	.run = wait_run,
};

const struct cmd_entry cmd_expect_entry = {
	.name = "expect",
	.usage = "TEXT [--id N] [--timeout S]",
	.help = "wait until the connection has received TEXT (default 10 s); fail if not",
	.min_args = 1, .max_args = 1,
	.args = { CMD_ARG_WORD },
	.opts = {
		CMD_OPT_ID,
		{ "timeout", CMD_OPT_UINT, "S", 0, 86400, NULL },
	},
	/* A connection the peer closed is kept: what came before the close can be expected. */
	.target = { CMD_KIND(SESSION_CONN), CMD_TARGET_ID, .opt = "id",
		    .none = CMD_CONNECT_FIRST },
	.run = expect_run,
};

const struct cmd_entry cmd_source_entry = {
	.name = "source",
	.usage = "FILE",
	.help = "run the commands in FILE, in order (errors name the file and line)",
	.min_args = 1, .max_args = 1,
	.args = { CMD_ARG_PATH },
	.run = source_run,
};
