/* cmd_tap: the "tap", "tap stop" and "tap status" commands. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/words.h"
#include "core/cmd/app.h"
#include "core/cmd/cmd.h"
#include "core/cmd/cmd_decode.h"
#include "core/cmd/cmd_start.h"
#include "core/io/decode.h"
#include "core/io/inplace.h"
#include "core/io/node.h"
#include "core/io/pcap.h"
#include "core/io/pcap_check.h"
#include "core/base/socktype.h"
#include "core/session/tap.h"
#include "core/session/tap_dgram.h"

/* tap PATH --restore: put back what an earlier in-place tap left in its private directory. */
static int restore_run(struct app *app, const struct uds_addr *path)
{
	struct inplace_result res;
	int r = inplace_repair(path->text, &res);
	char *hidden = inplace_hidden_name(path->text);
	const char *h = hidden ? hidden : "?";
	if (r == 0) {
		struct event ev;
		inplace_event(&ev, &res, path->text, h);
		sink_emit(&app->out, &ev);
	} else if (r == -ENOENT) {
		app_error(app, 0, "tap %s --restore: no node from an earlier tap waits in %s",
			  path->text, h);
	} else if (r == -EPERM) {
		app_error(app, 0,
			  "tap %s --restore: %s is not a private directory of this user "
			  "(udscope makes it mode 0700, its own); left untouched",
			  path->text, h);
	} else {
		struct event ev;
		event_init(&ev, SRC_SYSTEM, EV_ERROR);
		ev.err = -r;
		event_set_path(&ev, FACT_RESTORE_FAILED, path->text, strlen(path->text), NULL);
		event_set_target(&ev, h);
		ev.reason = res.said == INPLACE_SAID_OLD_LAYOUT     ? REASON_OLD_LAYOUT
			    : res.said == INPLACE_SAID_NOT_PUT_BACK ? REASON_PUT_BACK
								    : REASON_NONE;
		sink_emit(&app->out, &ev);
	}
	free(hidden);
	return r == 0 ? CMD_OK : CMD_FAIL;
}

/* Whether the node NP found is a live server of TYPE; else one error line. */
static bool live_server_of(struct app *app, const char *path, const struct node_probe *np, int type)
{
	/* A datagram server is bound, never listening: sock_diag says so, or connect does. */
	bool live = np->state == NODE_LISTENING ||
		    (np->state == NODE_BOUND && np->type == SOCK_DGRAM);
	if (!live) {
		app_error(app, 0,
			  "tap %s --in-place: no server listens there (only a live socket "
			  "node can be tapped in place)",
			  path);
		return false;
	}
	if (np->type && np->type != type && socktype_name(np->type)) {
		app_error(app, 0,
			  "tap %s --in-place: the server there is a %s socket (add --type "
			  "%s)",
			  path, socktype_name(np->type), socktype_name(np->type));
		return false;
	}
	return true;
}

/* tap PATH --in-place: the live node at PATH moves aside and becomes the target. */
static int take_in_place(struct app *app, const struct uds_addr *path, int type,
			 struct inplace **out, struct uds_addr *target)
{
	struct node_probe np;
	if (path->abstract) {
		app_error(app, 0, "tap %s --in-place: an abstract name has no node to move aside",
			  path->text);
		return -1;
	}
	if (node_probe(path, &np) < 0 || !live_server_of(app, path->text, &np, type))
		return -1;
	struct inplace *ip = calloc(1, sizeof(*ip));
	char why[PATH_MAX + 200];
	int r = ip ? inplace_take(ip, path->text, why, sizeof(why)) : -ENOMEM;
	if (r < 0) {
		app_error(app, r == -EEXIST ? 0 : -r, "tap %s --in-place: %s", path->text,
			  ip ? why : "");
		free(ip);
		return -1;
	}
	/* The connect code reaches the real node by its descriptor; lines show where it waits. */
	*target = ip->via;
	snprintf(target->text, sizeof(target->text), "%s", ip->hidden);
	*out = ip;
	return 0;
}

/* How long each of pcap_check's tshark runs may take. */
#define TSHARK_WAIT_MS 15000

/* --dissector NAME: ask the installed tshark how it can call NAME, write the records so
 * (a port-deciding dissector through its port table), and say how, or that it cannot. */
static void plan_pcap(struct app *app, const char *listen, const char *dis, struct pcap_writer *w)
{
	struct pcap_plan p;
	int r = pcap_check(dis, &p, TSHARK_WAIT_MS);
	if (r < 0) {
		app_info(app, SRC_TAP,
			 "%s: --dissector %s: not checked (%s); the records call "
			 "it by name",
			 listen, dis, r == -ENOENT ? "tshark is not installed" : strerror(-r));
		return;
	}
	bool ports = strcmp(p.table, "tcp.port") == 0 || strcmp(p.table, "udp.port") == 0;
	if (p.how == PCAP_BY_TABLE && pcap_use_table(w, p.table, p.value) == 0)
		app_info(app, SRC_TAP,
			 ports ? "%s: --dissector %s: the records call tshark's "
				 "%s table with the server's port %u, as a capture of that port would, so "
				 "it tells the client's messages from the server's"
			       : "%s: --dissector %s: "
				 "the records call it through tshark's %s table (value %u), where tshark "
				 "has it",
			 listen, dis, p.table, p.value);
	else if (p.how == PCAP_BY_NAME)
		app_info(app, SRC_TAP, "%s: --dissector %s: tshark calls it by name", listen, dis);
	else if (p.how == PCAP_UNSURE)
		app_info(app, SRC_TAP,
			 "%s: --dissector %s: tshark knows the protocol, but a test "
			 "record that names it was not decoded (the dissector may want other "
			 "bytes): the records call it by name",
			 listen, dis);
	else if (p.how == PCAP_CANNOT && p.nearest[0])
		app_info(app, SRC_TAP,
			 "%s: --dissector %s: the installed tshark has no "
			 "dissector of that name (by name or in a table): it shows the records as "
			 "bytes; the nearest that works is --dissector %s",
			 listen, dis, p.nearest);
	else if (p.how == PCAP_CANNOT)
		app_info(app, SRC_TAP,
			 "%s: --dissector %s: the installed tshark has no "
			 "dissector of that name (by name or in a table): it shows the records as "
			 "bytes (tshark -G decodes lists the names it knows)",
			 listen, dis);
}

/* --pcap FILE [--dissector NAME] (cmd_open_pcap), and how the installed tshark will read the
 * records of a dissector other than data. 0, or -1 after an error line. */
static int open_pcap(struct app *app, const struct cmd_args *a, const char *listen,
		     struct pcap_writer **out)
{
	if (cmd_open_pcap(app, a, "tap", listen, out) < 0)
		return -1;
	const char *dis = cmd_str(a, "dissector", "data");
	if (*out && strcmp(dis, "data") != 0)
		plan_pcap(app, listen, dis, *out);
	return 0;
}

/* The arguments' shapes: PATH --restore, PATH --in-place, or LISTEN TARGET. */
static bool shape_ok(struct app *app, const struct cmd_args *a)
{
	bool restore = cmd_has(a, "restore"), inplace = cmd_has(a, "in-place");
	const char *path = a->argv[0];
	if (restore && (a->argc != 1 || inplace || cmd_has(a, "pcap")))
		app_error(app, 0, "tap %s --restore: takes the path alone (usage: tap PATH "
			  "--restore)", path);
	else if (inplace && a->argc != 1)
		app_error(app, 0, "tap %s --in-place: takes the path alone: the server behind it "
			  "is the node found there (usage: tap PATH --in-place)", path);
	else if (!restore && !inplace && a->argc != 2)
		app_error(app, 0, "tap %s: missing TARGET (usage: tap LISTEN TARGET, or tap PATH "
			  "--in-place)", path);
	else
		return true;
	return false;
}

static int tap_run(struct app *app, const struct cmd_args *a)
{
	struct uds_addr listen, target;
	if (!shape_ok(app, a) || !cmd_addr(app, a, 0, "tap", &listen))
		return CMD_FAIL;
	if (cmd_has(a, "restore"))
		return restore_run(app, &listen);
	if (a->argc == 2 && !cmd_addr(app, a, 1, "tap", &target))
		return CMD_FAIL;
	struct tap_opts o = {
		.type = cmd_socktype(a),
		.mode = cmd_has(a, "mode") ? (int)cmd_num(a, "mode", 0) : -1,
		.backlog = (int)cmd_num(a, "backlog", 64),
		.upstreams = (size_t)cmd_num(a, "upstreams", TAP_DGRAM_UPSTREAMS),
		.idle_s = (unsigned)cmd_num(a, "idle", TAP_DGRAM_IDLE_S),
		.capture = app->capture,
		.lend_identity = cmd_has(a, "lend-my-identity"),
	};
	if (o.mode >= 0 && listen.abstract) {
		app_error(app, 0, "tap %s: --mode does not apply to an abstract name (it has no "
			  "file system node)", listen.text);
		return CMD_FAIL;
	}
	struct cmd_decode dp;
	const char *op = listen.text;
	const char *decode = cmd_str(a, "decode", NULL);
	if (!decode && app->settings.decode[0])
		decode = app->settings.decode; /* set decode NAME */
	if (cmd_decode_plan(app, op, decode, listen.text, a->argc == 2 ? target.text : NULL, &dp) <
	    0)
		return CMD_FAIL;
	if (open_pcap(app, a, listen.text, &o.pcap) < 0)
		return CMD_FAIL;
	if (cmd_has(a, "in-place") &&
	    take_in_place(app, &listen, o.type, &o.inplace, &target) < 0) {
		pcap_discard(o.pcap);
		return CMD_FAIL;
	}
	if (o.inplace && o.mode < 0)
		o.mode = (int)(o.inplace->orig.st_mode & 0777);
	struct tap *t;
	struct session *s = app_prepare(app, &tap_session_ops);
	if (!s) {
		pcap_discard(o.pcap);
		struct inplace_result res;
		if (o.inplace && inplace_restore(o.inplace, &res) == 0) {
			inplace_forget(o.inplace);
			free(o.inplace);
		}
		return CMD_FAIL;
	}
	cmd_decode_start(app, op, &dp, SRC_TAP, &s->later, &o.decode);
	/* From here the tap owns the capture file, the decoder and the moved node, also when
	 * it fails. */
	int r = tap_start(&t, &listen, &target, &o, &s->now, &s->later);
	return cmd_started(app, s, t, r, false);
}

static void status_line(struct app *app, const struct session *s)
{
	struct session_info in;
	session_info(s, &in);
	/* The walkthrough's stream goes unnamed, as in every other line. */
	bool dg = in.type && strcmp(in.type, "dgram") == 0;
	char type[24] = "";
	if (in.type && strcmp(in.type, "stream") != 0)
		snprintf(type, sizeof(type), " (%s)", in.type);
	const char *unit = dg ? "datagram" : "chunk";
	char c2s[WORDS_AMOUNT_SIZE], s2c[WORDS_AMOUNT_SIZE];
	words_amount(in.st.bytes_in, in.st.chunks_in, unit, c2s, sizeof(c2s));
	words_amount(in.st.bytes_out, in.st.chunks_out, unit, s2c, sizeof(s2c));
	app_info(app, SRC_TAP, "#%u %s%s, %s: %u %s%s now, %llu %s; client->server %s, "
		 "server->client %s",
		 in.id, in.path, type, in.state, in.clients,
		 dg ? "upstream socket" : "connection", in.clients == 1 ? "" : "s",
		 (unsigned long long)in.st.accepted, dg ? "opened" : "accepted", c2s, s2c);
	char line[256];
	struct decoder *d = tap_decoder(s->impl);
	if (d && decode_describe(d, line, sizeof(line)))
		app_info(app, SRC_TAP, "#%u %s", in.id, line);
}

static int tap_status_run(struct app *app, const struct cmd_args *a)
{
	return cmd_status_each(app, a, SESSION_TAP, status_line, SRC_TAP, "no tap is running");
}

const struct cmd_entry cmd_tap_entry = {
	.name = "tap",
	.usage = "LISTEN [TARGET] [--in-place] [--restore] [--type stream|seqpacket|dgram] "
		 "[--mode OCTAL] [--backlog N] [--upstreams N] [--idle SECONDS] [--pcap FILE] "
		 "[--dissector NAME] [--decode NAME|off] [--lend-my-identity]",
	.help = "listen at LISTEN, connect each client to TARGET (--in-place: step in front "
		"of the server at LISTEN), and show both ways",
	.min_args = 1, .max_args = 2,
	.args = { CMD_ARG_PATH, CMD_ARG_PATH },
	.opts = {
		CMD_OPT_TYPE,
		{ "upstreams", CMD_OPT_UINT, "N", 1, 65536, NULL },
		{ "idle", CMD_OPT_UINT, "SECONDS", 1, 86400, NULL },
		{ "mode", CMD_OPT_OCTAL, "OCTAL", 0, 0777, NULL },
		{ "backlog", CMD_OPT_UINT, "N", 0, 65535, NULL },
		{ "in-place", CMD_OPT_FLAG, NULL, 0, 0, NULL },
		{ "restore", CMD_OPT_FLAG, NULL, 0, 0, NULL },
		CMD_OPT_PCAP,
		CMD_OPT_DISSECTOR,
		CMD_OPT_DECODE,
		{ "lend-my-identity", CMD_OPT_FLAG, NULL, 0, 0, NULL },
	},
	.target = { CMD_KIND(SESSION_TAP), .fresh = true },
	.run = tap_run,
};

const struct cmd_entry cmd_tap_stop_entry = {
	.name = "tap stop",
	.usage = "[LISTEN|ID]",
	.help = "stop a tap (the only one, or the one named) and remove its node",
	.max_args = 1,
	.args = { CMD_ARG_PATH },
	.target = { CMD_KIND(SESSION_TAP), CMD_TARGET_ID_OR_PATH },
	.run = cmd_stop_target,
};

const struct cmd_entry cmd_tap_status_entry = {
	.name = "tap status",
	.usage = "[LISTEN|ID]",
	.help = "show each tap's paths, connections, and bytes and chunks each way",
	.max_args = 1,
	.args = { CMD_ARG_PATH },
	.target = { CMD_KIND(SESSION_TAP), CMD_TARGET_ID_OR_PATH, .dflt = CMD_TARGET_EACH },
	.run = tap_status_run,
};
