/* cmd_map: the "map" and "diagram" commands: a connection's delivery map and a conversation's
 * sequence diagram, from the history convo keeps. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/cmd/app.h"
#include "core/cmd/cmd.h"
#include "core/teach/convo.h"

#define ROLE(r) (1u << (r))

/* The end the arguments name: ID (a session; a server's newest connection, or --conn N),
 * else the newest end of ROLES (with --conn N: a server's connection N). NULL: said why. */
static const struct convo_end *pick_end(struct app *app, const struct cmd_args *a,
					unsigned roles, const char *op)
{
	const struct convo *c = &app->convo;
	uint32_t conn = (uint32_t)cmd_num(a, "conn", 0);
	uint32_t id = a->argc ? a->id[0] : 0;   /* checked by cmd_resolve */
	const struct convo_end *e;
	if (cmd_has(a, "conn")) {
		e = NULL;
		for (size_t i = 0; i < c->n; i++)
			if (c->ends[i]->role == CONVO_SERVER && c->ends[i]->conn == conn &&
			    (!id || c->ends[i]->session == id) &&
			    (!e || c->ends[i]->last_ns >= e->last_ns))
				e = c->ends[i];
	} else {
		e = convo_newest(c, id, roles);
	}
	/* Refusals of udscope's own, as cmd_resolve's: one line, no errno text. */
	if (!e && id)
		app_error(app, 0, "%s #%u%s: no such conversation seen (sessions lists them)", op,
			  id, cmd_has(a, "conn") ? " --conn" : "");
	else if (!e)
		app_error(app, 0, "%s: no connection seen yet (client, connect or pair first)", op);
	return e;
}

static const char *unknown_why(const struct convo_end *e)
{
	switch (e->unknown) {
	case CONVO_KNOWN:
		return NULL;
	case CONVO_OUTSIDE:
		return "the client is another process: its sends and recvs are not seen, only the "
		       "server's";
	case CONVO_NO_CRED:
		return "the client could not be identified (SO_PEERCRED failed): only the "
		       "server's calls are seen";
	case CONVO_UNMATCHED:
		return "the client is this udscope, but its end could not be matched to this "
		       "connection (it had closed before the server accepted it, or sock_diag is "
		       "not available): only the server's calls are shown";
	case CONVO_DATAGRAMS:
		return "a datagram server's messages come from any sender: only the server's "
		       "calls are seen";
	case CONVO_NOT_SEEN:
		return "the server end was not matched (another process serves it, or udscope "
		       "could not tell its connection): only the client's calls are seen";
	}
	return NULL;
}

static uint64_t more_calls(const struct convo_end *e)
{
	return e ? e->sends.more_calls + e->recvs.more_calls : 0;
}

static int map_run(struct app *app, const struct cmd_args *a)
{
	const struct convo_end *e = pick_end(app, a, ROLE(CONVO_CLIENT) | ROLE(CONVO_SERVER), "map");
	if (!e)
		return CMD_FAIL;
	if (e->role == CONVO_PAIR) {
		app_error(app, 0, "map #%u: the pair demo has no delivery map (diagram %u draws it)",
			  e->session, e->session);
		return CMD_FAIL;
	}
	const struct convo_end *p = convo_peer(&app->convo, e);
	const struct convo_end *cl = e->role == CONVO_CLIENT ? e : p;
	const struct convo_end *sv = e->role == CONVO_SERVER ? e : p;
	char cname[64], sname[64];
	if (cl)
		convo_name(cl, cname, sizeof(cname));
	else
		convo_other_name(e, cname, sizeof(cname));
	if (sv)
		convo_name(sv, sname, sizeof(sname));
	else
		convo_other_name(e, sname, sizeof(sname));
	struct dmap fwd, back;
	convo_directions(&app->convo, e, &fwd, &back);
	struct map_report r = {
		.client = cname, .server = sname, .fwd = &fwd, .back = &back,
		.messages = e->messages || (p && p->messages),
		.unknown = p ? NULL : unknown_why(e),
		.cut_msgs = { sv ? sv->recvs.cut_msgs : 0, cl ? cl->recvs.cut_msgs : 0 },
		.cut_bytes = { sv ? sv->recvs.cut_bytes : 0, cl ? cl->recvs.cut_bytes : 0 },
		.more_calls = more_calls(e) + more_calls(p),
	};
	app_report(app, &(struct report){ .kind = REPORT_MAP, .map = &r });
	return CMD_OK;
}

static int diagram_run(struct app *app, const struct cmd_args *a)
{
	const struct convo_end *e = pick_end(app, a, ROLE(CONVO_CLIENT) | ROLE(CONVO_SERVER) |
					     ROLE(CONVO_PAIR), "diagram");
	if (!e)
		return CMD_FAIL;
	struct seqdiag d;
	if (convo_diagram(&app->convo, e, &d) < 0) {
		app_error(app, ENOMEM, "diagram: out of memory");
		return CMD_FAIL;
	}
	char title[160], name[64];
	const struct convo_end *p = convo_peer(&app->convo, e);
	convo_name(e, name, sizeof(name));
	if (e->role == CONVO_PAIR)
		snprintf(title, sizeof(title), "%s: parent and child over a socketpair", name);
	else
		snprintf(title, sizeof(title), "%s and %s", d.names[0], d.names[1]);
	struct diagram_report r = {
		.title = title, .d = &d,
		.more_items = e->more_items + (p ? p->more_items : 0),
	};
	app_report(app, &(struct report){ .kind = REPORT_DIAGRAM, .diagram = &r });
	seqdiag_free(&d);
	return CMD_OK;
}

const struct cmd_entry cmd_map_entry = {
	.name = "map",
	.usage = "[ID] [--conn N]",
	.help = "the delivery map of a connection: each send and recv as a range of bytes, both ways",
	.max_args = 1,
	.args = { CMD_ARG_ID },
	.opts = {
		{ "conn", CMD_OPT_UINT, "N", 0, UINT32_MAX, NULL },
	},
	.run = map_run,
};

const struct cmd_entry cmd_diagram_entry = {
	.name = "diagram",
	.usage = "[ID] [--conn N]",
	.help = "a conversation (client and server, or the pair demo) as a sequence diagram",
	.max_args = 1,
	.args = { CMD_ARG_ID },
	.opts = {
		{ "conn", CMD_OPT_UINT, "N", 0, UINT32_MAX, NULL },
	},
	.run = diagram_run,
};
