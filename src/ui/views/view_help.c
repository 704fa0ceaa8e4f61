/* view_help: the help kind: every command with its usage and help (from the command table),
 * every key (from the key table), a few examples; opened at one command by `help CMD`. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/cmd/cmd.h"
#include "ui/draw/sheet.h"

/* From this width a command's help goes on its usage line, in a column after the usages
 * (a wider one from HELP_WIDE_COLS); a longer usage keeps a line of its own. */
#define HELP_ONE_LINE_COLS 110
#define HELP_WIDE_COLS 160

static const char *const examples[][2] = {
	{ "server start ./uds_socket --chunk 16", "the walkthrough's echo server" },
	{ "client ./uds_socket", "its client: the message, back in 3 chunks" },
	{ "connect ./uds_socket", "stay connected; then: send \"hello\\n\", disconnect" },
	{ "inspect ./uds_socket --as nobody", "could user nobody connect? why not?" },
	{ "sockets uds", "the system's Unix sockets whose path holds uds" },
	{ "pair ping pong", "socketpair(), fork(), one message each way" },
};

static void commands(struct doc *d, bool utf8, int cols)
{
	size_t n;
	const struct cmd_entry *const *t = cmd_table(&n);
	doc_addf(d, utf8, DOC_HEADING, "Commands (PATH may be @name: the abstract namespace)");
	for (size_t i = 0; i < n; i++) {
		char syn[CMD_SYNOPSIS_MAX];
		cmd_synopsis(t[i], syn, sizeof(syn));
		struct doc_line *l;
		int col = cols >= HELP_WIDE_COLS ? 62 : 48;
		if (cols >= HELP_ONE_LINE_COLS && (int)strlen(syn) < col) {
			l = doc_addf(d, utf8, DOC_CODE, "  %-*s %s", col, syn, t[i]->help);
			if (l)
				l->indent = col + 3;
		} else {
			l = doc_addf(d, utf8, DOC_CODE, "  %s", syn);
			if (l) {
				l->indent = 6;
				l->tag = (int)i + 1;
			}
			l = doc_addf(d, utf8, DOC_PLAIN, "      %s", t[i]->help);
			if (l)
				l->indent = 6;
		}
		if (l)
			l->tag = (int)i + 1;
	}
}

static void keys(struct doc *d, bool utf8, const struct help_key *k, size_t n)
{
	doc_addf(d, utf8, DOC_PLAIN, "%s", "");
	doc_addf(d, utf8, DOC_HEADING, "Keys");
	for (size_t i = 0; i < n; i++) {
		struct doc_line *l = doc_addf(d, utf8, DOC_PLAIN, "  %-12s %s", k[i].name, k[i].help);
		if (l)
			l->indent = 15;
	}
}

static void show_examples(struct doc *d, bool utf8)
{
	doc_addf(d, utf8, DOC_PLAIN, "%s", "");
	doc_addf(d, utf8, DOC_HEADING, "Examples");
	for (size_t i = 0; i < sizeof(examples) / sizeof(examples[0]); i++) {
		doc_addf(d, utf8, DOC_CODE, "  %s", examples[i][0]);
		struct doc_line *l = doc_addf(d, utf8, DOC_QUIET, "      %s", examples[i][1]);
		if (l)
			l->indent = 6;
	}
}

int help_build(struct sheet *s, const char *topic, bool utf8, int cols,
	       const struct help_key *key, size_t nkeys)
{
	struct doc *d = &s->doc;
	doc_clear(d);
	snprintf(s->title, sizeof(s->title), "Help: Esc, q or F1 closes; / searches, n N next, "
		 "previous");
	commands(d, utf8, cols);
	keys(d, utf8, key, nkeys);
	show_examples(d, utf8);
	if (!topic)
		return 0;
	/* help CMD: open at the command's first line. */
	size_t n, tl = strlen(topic);
	const struct cmd_entry *const *t = cmd_table(&n);
	for (size_t i = 0; i < n; i++) {
		const char *name = t[i]->name;
		if (strncmp(name, topic, tl) != 0 || (name[tl] && name[tl] != ' '))
			continue;
		for (size_t k = 0; k < d->n; k++)
			if (d->line[k].tag == (int)i + 1) {
				doc_sheet_goto(s, (long)k);
				return 0;
			}
	}
	return -1;
}

const struct sheet_kind help_kind = {
	.name = "help",
	.draw = doc_sheet_draw,
	.step = doc_sheet_scroll,
	.page = doc_sheet_page,
	.find = doc_sheet_find,
};
