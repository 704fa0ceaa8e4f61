/* view_welcome: the first screen: what udscope is and five first commands, until one is run. */
#include "config.h"

#include "ui/draw/sheet.h"

void welcome_build(struct sheet *s, bool utf8)
{
	static const char *const first[][2] = {
		{ "server start ./uds_socket", "an echo server that reads 16-byte chunks" },
		{ "client ./uds_socket", "send the walkthrough's message, read the echo" },
		{ "inspect ./uds_socket", "who owns the node, who listens, who may connect" },
		{ "pair", "socketpair() and fork(): parent and child talk" },
		{ "help", "every command and key (F1); Tab completes" },
	};
	struct doc *d = &s->doc;
	doc_clear(d);
	doc_addf(d, utf8, DOC_HEADING, "udscope: watch Unix domain sockets talk, chunk by chunk");
	doc_addf(d, utf8, DOC_PLAIN, "%s", "");
	doc_addf(d, utf8, DOC_PLAIN, "Type a command at the prompt below. To begin:");
	doc_addf(d, utf8, DOC_PLAIN, "%s", "");
	for (size_t i = 0; i < sizeof(first) / sizeof(first[0]); i++) {
		struct doc_line *l = doc_addf(d, utf8, DOC_CODE, "  %-27s %s", first[i][0],
					      first[i][1]);
		if (l)
			l->indent = 30;
	}
	doc_addf(d, utf8, DOC_PLAIN, "%s", "");
	doc_addf(d, utf8, DOC_QUIET, "F1 help  F4 messages  F5 zoom  F10 quit");
}

const struct sheet_kind welcome_kind = {
	.name = "welcome",
	.draw = doc_sheet_draw,
	.step = doc_sheet_scroll,
	.page = doc_sheet_page,
	.find = doc_sheet_find,
};
