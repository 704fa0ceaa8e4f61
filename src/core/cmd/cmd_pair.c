/* cmd_pair: the "pair" command, the walkthrough's socketpair + fork demo. */
#include "config.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/io/ancil.h"

#include "core/cmd/app.h"
#include "core/cmd/cmd.h"
#include "core/cmd/cmd_start.h"
#include "core/session/pair.h"
#include "core/base/socktype.h"

static int pair_run(struct app *app, const struct cmd_args *a)
{
	app_reap(app);
	if (app_pair(app)) {
		app_error(app, 0, "pair: the previous exchange is still running");
		return CMD_FAIL;
	}
	const char *msg = PAIR_DEFAULT_MESSAGE, *reply = PAIR_DEFAULT_REPLY;
	size_t len = sizeof(PAIR_DEFAULT_MESSAGE) - 1, rlen = sizeof(PAIR_DEFAULT_REPLY) - 1;
	if (a->argc > 0) {
		msg = a->argv[0];
		len = a->arglen[0];
	}
	if (a->argc > 1) {
		reply = a->argv[1];
		rlen = a->arglen[1];
	}
	int type = socktype_parse(cmd_str(a, "type", "stream"));
	const char *path = cmd_str(a, "fd", NULL);
	int fd = path ? ancil_open(path) : -1;
	if (path && fd < 0) {
		app_error(app, -fd, "pair: open %s (to pass with --fd)", path);
		return CMD_FAIL;
	}
	struct pair *p = NULL;
	struct session *s = app_prepare(app, &pair_session_ops);
	if (!s) {
		if (fd >= 0)
			close(fd);
		return CMD_FAIL;
	}
	int r = pair_start_fd(&p, msg, len, reply, rlen, type, fd, path, &s->now, &s->later);
	return cmd_started(app, s, p, r, true);
}

const struct cmd_entry cmd_pair_entry = {
	.name = "pair",
	.usage = "[MESSAGE [REPLY]] [--type stream|seqpacket|dgram] [--fd PATH]",
	.help = "socketpair + fork: the parent sends MESSAGE (ping), the child answers REPLY (pong)",
	.min_args = 0, .max_args = 2,
	.args = { CMD_ARG_WORD, CMD_ARG_WORD },
	.opts = {
		CMD_OPT_TYPE,
		{ "fd", CMD_OPT_WORD, "PATH", 0, 0, NULL },
	},
	.run = pair_run,
};
