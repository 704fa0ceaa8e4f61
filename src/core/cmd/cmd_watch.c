/* cmd_watch: the "watch", "watch stop" and "watch status" commands. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/base/socktype.h"
#include "core/cmd/app.h"
#include "core/cmd/cmd.h"
#include "core/cmd/cmd_start.h"
#include "core/cmd/cmd_decode.h"
#include "core/io/pcap.h"
#ifdef HAVE_WATCH
#include "core/session/watch.h"
#include "core/session/watch_bpf.h"
#endif

#define WATCH_USAGE "watch PATH|@NAME|pid N|inode N"

#ifdef HAVE_WATCH
/* A decimal number that fits in 32 bits and is not 0, or false. */
static bool number(const char *s, uint32_t *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (!*s || *end || errno || v == 0 || v > UINT32_MAX || s[0] == '-')
		return false;
	*out = (uint32_t)v;
	return true;
}

/* The target the arguments name, or false after one error line. */
static bool target_of(struct app *app, const struct cmd_args *a, struct watch_target *t)
{
	memset(t, 0, sizeof(*t));
	t->type = cmd_has(a, "type") ? cmd_socktype(a) : 0;
	const char *w = a->argv[0];
	bool pid = strcmp(w, "pid") == 0, ino = strcmp(w, "inode") == 0;
	if ((pid || ino) && a->argc == 2) {
		uint32_t n;
		if (!number(a->argv[1], &n)) {
			app_error(app, 0, "watch %s: '%.32s' is not a %s (usage: " WATCH_USAGE ")",
				  w, a->argv[1], pid ? "process id" : "socket inode number");
			return false;
		}
		t->kind = pid ? WATCH_TARGET_PID : WATCH_TARGET_INODE;
		t->pid = (pid_t)n;
		t->ino = n;
		snprintf(t->text, sizeof(t->text), "%s %u", w, n);
		return true;
	}
	if (a->argc != 1 || pid || ino) {
		app_error(app, 0, "watch: takes one target (usage: " WATCH_USAGE ")");
		return false;
	}
	if (!cmd_addr(app, a, 0, "watch", &t->addr))
		return false;
	t->kind = WATCH_TARGET_PATH;
	snprintf(t->text, sizeof(t->text), "%s", t->addr.text);
	return true;
}

static int watch_run(struct app *app, const struct cmd_args *a)
{
	struct watch_opts o = {
		.snap = (unsigned)cmd_num(a, "snap", 4096),
		.ring_mb = (unsigned)cmd_num(a, "ring-mb", 8),
		.capture = app->capture,
	};
	if (!target_of(app, a, &o.target))
		return CMD_FAIL;
	app_reap(app);
	struct cmd_decode dp;
	const char *decode = cmd_str(a, "decode", NULL);
	if (!decode && app->settings.decode[0])
		decode = app->settings.decode; /* set decode NAME */
	const char *op = o.target.text;
	if (cmd_decode_plan(app, op, decode, o.target.text, NULL, &dp) < 0)
		return CMD_FAIL;
	if (cmd_open_pcap(app, a, "watch", o.target.text, &o.pcap) < 0)
		return CMD_FAIL;
	struct session *s = app_prepare(app, &watch_session_ops);
	if (!s) {
		pcap_discard(o.pcap);
		return CMD_FAIL;
	}
	cmd_decode_start(app, op, &dp, SRC_WATCH, &s->later, &o.decode);
	struct watch *w;
	int r = watch_start(&w, &o, &s->now, &s->later);
	return cmd_started(app, s, w, r, false);
}

static void status_line(struct app *app, const struct session *s)
{
	struct session_info in;
	session_info(s, &in);
	const struct watch *w = s->impl;
	app_info(app, SRC_WATCH,
		 "#%u %s, %s through " WATCH_METHOD ": %u sockets watched; client->server %llu "
		 "bytes in %llu calls, server->client %llu bytes in %llu calls; %llu calls not "
		 "seen (ring buffer full); %llu sendmmsg/recvmmsg messages not decoded (past "
		 "the first 1024 of a vector)",
		 in.id, in.path, in.state, in.clients, (unsigned long long)in.st.bytes_in,
		 (unsigned long long)in.st.chunks_in, (unsigned long long)in.st.bytes_out,
		 (unsigned long long)in.st.chunks_out, (unsigned long long)watch_lost(w),
		 (unsigned long long)watch_undecoded(w));
}

static int watch_status_run(struct app *app, const struct cmd_args *a)
{
	return cmd_status_each(app, a, SESSION_WATCH, status_line, SRC_WATCH,
			       "no watch is running");
}
#else
/* This build has no watch: say so, and how to get one. */
static int no_watch(struct app *app, const struct cmd_args *a)
{
	(void)a;
	app_error(app, 0,
		  "watch: this build has no watch (it was configured without clang, "
		  "bpftool or libbpf); apt-get install clang bpftool libbpf-dev, then ./configure "
		  "--enable-watch && make; tap works without it");
	return CMD_FAIL;
}
#define watch_run no_watch
#define watch_stop_run no_watch
#define watch_status_run no_watch
#endif

#ifdef HAVE_WATCH
#define watch_stop_run cmd_stop_target
/* A watch named by its id or its target's text. */
#define WATCH_TARGET(d) { CMD_KIND(SESSION_WATCH), CMD_TARGET_ID_OR_PATH, .dflt = d }
#else
/* None to find: the command says this build has none. */
#define WATCH_TARGET(d) { 0 }
#endif

const struct cmd_entry cmd_watch_entry = {
	.name = "watch",
	.usage = "PATH|@NAME|pid N|inode N [--type stream|seqpacket|dgram] [--snap N] "
		 "[--pcap FILE] [--dissector NAME] [--decode NAME|off] [--ring-mb N]",
	.help = "see running programs' calls on a socket, its connections or a process's sockets "
		"(eBPF: root; connections open before it included)",
	.min_args = 1, .max_args = 2,
	.args = { CMD_ARG_PATH, CMD_ARG_WORD },
	.opts = {
		CMD_OPT_TYPE,
		{ "snap", CMD_OPT_UINT, "N", 0, 8192, NULL },
		{ "ring-mb", CMD_OPT_UINT, "N", 1, 1024, NULL },
		CMD_OPT_PCAP,
		CMD_OPT_DISSECTOR,
		CMD_OPT_DECODE,
	},
	.run = watch_run,
};

const struct cmd_entry cmd_watch_stop_entry = {
	.name = "watch stop",
	.usage = "[ID]",
	.help = "stop a watch (the only one, or the one named): its BPF program is detached",
	.max_args = 1,
	.args = { CMD_ARG_PATH },
	.target = WATCH_TARGET(CMD_TARGET_ONLY),
	.run = watch_stop_run,
};

const struct cmd_entry cmd_watch_status_entry = {
	.name = "watch status",
	.usage = "[ID]",
	.help = "show each watch's target, attach method, sockets, bytes each way, calls not seen "
		"and mmsg messages not decoded",
	.max_args = 1,
	.args = { CMD_ARG_PATH },
	.target = WATCH_TARGET(CMD_TARGET_EACH),
	.run = watch_status_run,
};
