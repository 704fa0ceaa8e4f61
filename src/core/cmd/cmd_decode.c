/* cmd_decode: --decode NAME (or the socket name's guess) checked and started. */
#include "config.h"

#include "core/cmd/cmd_decode.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cmd/app.h"
#include "core/cmd/cmd.h"
#include "core/io/decode.h"
#include "core/io/decode_guess.h"

/* How long each of pcap_check's tshark runs may take. */
#define TSHARK_WAIT_MS 15000

/* The guess from TARGET's name, else LISTEN's: its dissector into OUT. */
static bool guess(const char *listen, const char *target, struct cmd_decode *out)
{
	const struct decode_proto *p = target ? decode_guess(target) : NULL;
	out->guessed_from = target;
	if (!p) {
		p = decode_guess(listen);
		out->guessed_from = listen;
	}
	if (!p)
		return false;
	snprintf(out->name, sizeof(out->name), "%s", p->dissector);
	return true;
}

/* pcap_check's answer for OUT->name: 0, or -1 after an error line. */
static int check(struct app *app, const char *op, struct cmd_decode *out)
{
	int r = pcap_check(out->name, &out->plan, TSHARK_WAIT_MS);
	if (r < 0) {
		app_info(app, SRC_TAP,
			 "%s: --decode %s: tshark did not answer (%s): decoding is off", op,
			 out->name, strerror(-r));
		out->name[0] = '\0';
		return 0;
	}
	if (out->plan.how != PCAP_CANNOT)
		return 0;
	if (out->plan.nearest[0])
		app_error(app, 0,
			  "%s: --decode %s: the installed tshark has no dissector of that "
			  "name; the nearest that works is --decode %s",
			  op, out->name, out->plan.nearest);
	else
		app_error(app, 0,
			  "%s: --decode %s: the installed tshark has no dissector of that "
			  "name (help decode lists the protocols; tshark -G decodes every name)",
			  op, out->name);
	return -1;
}

int cmd_decode_plan(struct app *app, const char *op, const char *name, const char *listen,
		    const char *target, struct cmd_decode *out)
{
	memset(out, 0, sizeof(*out));
	if (name && strcmp(name, "off") == 0)
		return 0;
	if (name && strlen(name) > PCAP_DISSECTOR_MAX) {
		app_error(app, 0,
			  "%s: --decode '%.64s': a Wireshark dissector name is at most %d "
			  "bytes",
			  op, name, PCAP_DISSECTOR_MAX);
		return -1;
	}
	if (name)
		snprintf(out->name, sizeof(out->name), "%s", name);
	else if (!guess(listen, target, out))
		return 0;
	char path[PATH_MAX];
	if (decode_find_tshark(path, sizeof(path)) < 0) {
		if (out->guessed_from)
			app_info(app, SRC_TAP,
				 "%s: the name %s suggests --decode %s, but decoding "
				 "needs tshark (apt-get install tshark)",
				 op, out->guessed_from, out->name);
		else
			app_info(app, SRC_TAP,
				 "%s: --decode %s needs tshark, which is not installed "
				 "(apt-get install tshark): the tap runs without decoding",
				 op, out->name);
		out->name[0] = '\0';
		return 0;
	}
	return check(app, op, out);
}

void cmd_decode_start(struct app *app, const char *op, const struct cmd_decode *plan,
		      enum event_source source, const struct event_sink *sink, struct decoder **dec)
{
	*dec = NULL;
	if (!plan->name[0])
		return;
	int r = decode_start(dec, plan->name, &plan->plan, source, sink);
	if (r < 0) {
		app_error(app, -r, "%s: --decode %s: start tshark", op, plan->name);
		return;
	}
	const struct pcap_plan *p = &plan->plan;
	char how[128] = "";
	if (p->how == PCAP_BY_TABLE)
		snprintf(how, sizeof(how), " through its %s table (value %u)", p->table, p->value);
	if (plan->guessed_from)
		app_info(app, source,
			 "%s: decoding %s with tshark%s, guessed from the name %s "
			 "(--decode NAME chooses another, --decode off none)",
			 op, plan->name, how, plan->guessed_from);
	else
		app_info(app, source, "%s: decoding %s with tshark%s", op, plan->name, how);
}

/* How the installed tshark calls DISSECTOR, from DECODES (`tshark -G decodes`), into BUF. */
static void how_called(const char *dissector, const char *decodes, char *buf, size_t len)
{
	struct pcap_plan p = { .how = PCAP_CANNOT };
	if (decodes && pcap_check_decodes(dissector, decodes, &p))
		snprintf(buf, len, "tshark's %s table, value %u", p.table, p.value);
	else if (decodes)
		snprintf(buf, len, "by name");
	else
		snprintf(buf, len, "not checked");
}

int cmd_decode_help(struct app *app)
{
	size_t n;
	const struct decode_proto *p = decode_protos(&n);
	char *decodes = NULL;
	int r = pcap_check_decodes_of_tshark(&decodes, TSHARK_WAIT_MS);
	app_info(app, SRC_SYSTEM, "decode: tap --decode NAME shows what tshark makes of each "
		 "chunk (without it, a guess from the socket's name; --decode off: none)");
	for (size_t i = 0; i < n; i++) {
		char how[128];
		how_called(p[i].dissector, r == 0 ? decodes : NULL, how, sizeof(how));
		app_info(app, SRC_SYSTEM, "  %-16s --decode %-9s %s%s%s", p[i].label, p[i].dissector,
			 how, p[i].note[0] ? "; " : "", p[i].note);
	}
	if (r == -ENOENT)
		app_info(app, SRC_SYSTEM, "tshark is not installed (apt-get install tshark): "
			 "nothing is decoded");
	else if (r < 0)
		app_info(app, SRC_SYSTEM, "tshark did not answer (%s)", strerror(-r));
	free(decodes);
	return CMD_OK;
}
