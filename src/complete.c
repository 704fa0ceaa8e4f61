/* complete: `udscope --complete WORD...`: the candidates for the last word of a udscope
 * command line (options from main's getopt table, commands after -e from the command table
 * and cmd_complete_context), printed for the bash completion script. */
#include "config.h"

#include "complete.h"

#include <stdbool.h>
#include <string.h>

#include "core/cmd/cmd.h"
#include "core/cmd/settings.h"

/* The candidates, filtered by what is typed, each printed after the text before it. */
struct out {
	FILE *f;
	const char *before;    /* the text the candidate follows, printed first */
	size_t before_len;
	const char *typed;     /* what the word holds so far: candidates must start with it */
};

static void offer(const struct out *o, const char *cand, size_t len)
{
	size_t tl = strlen(o->typed);
	if (len < tl || strncmp(cand, o->typed, tl) != 0)
		return;
	fprintf(o->f, "%.*s%.*s\n", (int)o->before_len, o->before, (int)len, cand);
}

/* First words of the commands, once each ("server" for its three). */
static void offer_first_words(const struct out *o)
{
	size_t n;
	const struct cmd_entry *const *t = cmd_table(&n);
	for (size_t i = 0; i < n; i++) {
		size_t l = strcspn(t[i]->name, " ");
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = strncmp(t[j]->name, t[i]->name, l) == 0 &&
			       (t[j]->name[l] == ' ' || t[j]->name[l] == '\0');
		if (!seen)
			offer(o, t[i]->name, l);
	}
}

/* What the command line LINE (an -e argument, as typed so far) may go on with. */
static void complete_command(FILE *f, const char *line)
{
	struct cmd_context c;
	enum cmd_expect x = cmd_complete_context(line, strlen(line), &c);
	struct out o = { f, line, c.word_start, line + c.word_start };
	size_t n;
	const struct cmd_entry *const *t = cmd_table(&n);
	char buf[64];
	if (x == CMD_EXPECT_ARG && (c.arg == CMD_ARG_PATH || c.arg == CMD_ARG_USER)) {
		fprintf(f, "%s\n%.*s\n", c.arg == CMD_ARG_PATH ? "files" : "users",
			(int)c.word_start, line);
		return;
	}
	fputs("words\n", f);
	/* set's first argument: a setting's name. */
	bool setting = x == CMD_EXPECT_ARG && c.entry == cmd_find("set") && c.argno == 0;
	for (size_t i = 0; setting && i < settings_count(); i++)
		offer(&o, settings_name(i), strlen(settings_name(i)));
	if (x == CMD_EXPECT_COMMAND && !c.group[0])
		offer_first_words(&o);
	for (size_t i = 0; x == CMD_EXPECT_COMMAND && c.group[0] && i < n; i++) {
		size_t gl = strlen(c.group);
		if (strncmp(t[i]->name, c.group, gl) == 0 && t[i]->name[gl] == ' ')
			offer(&o, t[i]->name + gl + 1, strlen(t[i]->name + gl + 1));
	}
	for (int i = 0; x == CMD_EXPECT_OPTION && i < CMD_MAX_OPTS && c.entry->opts[i].name; i++)
		offer(&o, buf, (size_t)snprintf(buf, sizeof(buf), "--%s", c.entry->opts[i].name));
	if (x == CMD_EXPECT_VALUE && c.opt->type == CMD_OPT_CHOICE) {
		o.before_len += c.value_off;
		o.typed += c.value_off;
		for (const char *const *v = c.opt->choices; *v; v++)
			offer(&o, *v, strlen(*v));
	}
}

/* The option in WORD ("--exec", "-e"), when it takes the next word as its value. */
static const struct option *wants_value(const struct option *longopts, const char *word)
{
	for (const struct option *lo = longopts; lo->name; lo++) {
		if (lo->has_arg != required_argument)
			continue;
		if ((word[0] == '-' && word[1] == '-' && strcmp(word + 2, lo->name) == 0) ||
		    (word[0] == '-' && word[1] == lo->val && word[2] == '\0'))
			return lo;
	}
	return NULL;
}

int complete_print(FILE *f, const struct option *longopts, const struct complete_values *values,
		   int nwords, char **words)
{
	const char *cur = nwords > 0 ? words[nwords - 1] : "";
	const struct option *val = NULL;
	for (int i = 0; i + 1 < nwords; i++) {
		val = wants_value(longopts, words[i]);
		if (val && i + 2 < nwords) {
			i++;       /* the value is a word before the last: skip it */
			val = NULL;
		}
	}
	struct out o = { f, "", 0, cur };
	if (val && val->val == 'e') {
		complete_command(f, cur);
	} else if (val) {
		fputs("words\n", f);
		for (const struct complete_values *v = values; v->val; v++)
			for (const char *const *c = v->choices; v->val == val->val && *c; c++)
				offer(&o, *c, strlen(*c));
	} else {
		char buf[64];
		fputs("words\n", f);
		for (const struct option *lo = longopts; cur[0] == '-' && lo->name; lo++)
			offer(&o, buf, (size_t)snprintf(buf, sizeof(buf), "--%s", lo->name));
	}
	return fflush(f) == EOF || ferror(f) ? 1 : 0;
}
