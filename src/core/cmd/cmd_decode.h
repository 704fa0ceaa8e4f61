/* cmd_decode: --decode NAME for the commands that start chunk-making sessions (tap now, watch
 * later): the name (or a guess from the socket's name), checked with the installed tshark,
 * then the decoder started for the session. */
#ifndef UDSCOPE_CMD_DECODE_H
#define UDSCOPE_CMD_DECODE_H

#include "core/base/event.h"
#include "core/io/pcap_check.h"

struct app;
struct decoder;

/* --decode NAME|off, as the command tables declare it. */
/* clang-format off */
#define CMD_OPT_DECODE { "decode", CMD_OPT_WORD, "NAME", 0, 0, NULL }
/* clang-format on */

struct cmd_decode {
	char name[PCAP_DISSECTOR_MAX + 1]; /* "" : no decoding */
	struct pcap_plan plan;
	const char *guessed_from; /* the path whose name suggested it, or NULL */
};

/* NAME (--decode's word, NULL when not given: a guess from TARGET's name, then LISTEN's;
 * "off": none) checked with tshark into OUT. OP starts each line ("tap ./s"). Without
 * tshark one line says it is needed and decoding is off. Returns 0, or -1 after an error
 * line (a name tshark cannot call). */
int cmd_decode_plan(struct app *app, const char *op, const char *name, const char *listen,
		    const char *target, struct cmd_decode *out);
/* Start the decoder OUT planned, its summaries to SINK as SOURCE's events, and say so; on
 * failure one line, and *DEC stays NULL (the session runs without decoding). */
void cmd_decode_start(struct app *app, const char *op, const struct cmd_decode *plan,
		      enum event_source source, const struct event_sink *sink,
		      struct decoder **dec);

/* `help decode`: the protocols --decode knows and how the installed tshark calls each (a
 * port table, another table, by name), or that tshark is missing. Returns CMD_OK. */
int cmd_decode_help(struct app *app);

#endif
