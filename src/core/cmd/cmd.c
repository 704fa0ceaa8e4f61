/* cmd: the command table (one entry a command) and parsing a line against it. */
#include "config.h"

#include "core/cmd/cmd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/addr.h"
#include "core/cmd/app.h"
#include "core/cmd/cmd_list.h"
#include "core/base/sysio.h"

static const struct cmd_entry *const table[] = {
#define CMD_ENTRY(sym) &sym,
	CMD_LIST
#undef CMD_ENTRY
};

const struct cmd_entry *const *cmd_table(size_t *count)
{
	*count = sizeof(table) / sizeof(table[0]);
	return table;
}

/* Words in an entry's name (1 or 2) and whether the line's words start with them. */
static int name_words(const struct cmd_entry *e)
{
	return strchr(e->name, ' ') ? 2 : 1;
}

static bool name_matches(const struct cmd_entry *e, const struct words *w)
{
	const char *sp = strchr(e->name, ' ');
	if (!sp)
		return w->count >= 1 && strcmp(w->v[0], e->name) == 0;
	size_t n1 = (size_t)(sp - e->name);
	return w->count >= 2 && strlen(w->v[0]) == n1 && memcmp(w->v[0], e->name, n1) == 0 &&
	       strcmp(w->v[1], sp + 1) == 0;
}

const struct cmd_entry *cmd_find(const char *name)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i]->name, name) == 0)
			return table[i];
	return NULL;
}

size_t cmd_synopsis(const struct cmd_entry *e, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s%s%s", e->name, e->usage[0] ? " " : "", e->usage);
	return n < 0 ? 0 : (size_t)n;
}

/* Subcommands of FIRST ("server" -> "start|stop|status"), for the error message. */
static void subcommands(const char *first, char *buf, size_t len)
{
	size_t w = 0, fl = strlen(first);
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		const char *n = table[i]->name;
		if (strncmp(n, first, fl) == 0 && n[fl] == ' ') {
			int r = snprintf(buf + w, len - w, "%s%s", w ? "|" : "", n + fl + 1);
			if (r < 0 || (size_t)r >= len - w)
				return;
			w += (size_t)r;
		}
	}
}

static const struct cmd_opt *find_opt(const struct cmd_entry *e, const char *name, int *idx)
{
	for (int i = 0; i < CMD_MAX_OPTS && e->opts[i].name; i++)
		if (strcmp(e->opts[i].name, name) == 0) {
			*idx = i;
			return &e->opts[i];
		}
	return NULL;
}

static int parse_opt_value(const struct cmd_opt *o, const char *raw, struct cmd_args *a, int idx,
			   char *err, size_t errlen)
{
	unsigned long num;
	int r;
	char v[160];
	words_show(raw, strlen(raw), 32, v, sizeof(v));
	switch (o->type) {
	case CMD_OPT_UINT:
	case CMD_OPT_OCTAL:
		r = sysio_parse_ulong(raw, o->type == CMD_OPT_OCTAL ? 8 : 10, o->min, o->max, &num);
		if (r == -EINVAL) {
			snprintf(err, errlen, "--%s wants %s number, not '%s'", o->name,
				 o->type == CMD_OPT_OCTAL ? "an octal" : "a", v);
			return -1;
		}
		if (r < 0) {
			snprintf(err, errlen, o->type == CMD_OPT_OCTAL
				 ? "--%s %s is out of range (%lo to %lo)"
				 : "--%s %s is out of range (%lu to %lu)", o->name, v, o->min, o->max);
			return -1;
		}
		a->num[idx] = num;
		break;
	case CMD_OPT_CHOICE:
		for (const char *const *c = o->choices; *c; c++)
			if (strcmp(*c, raw) == 0) {
				a->str[idx] = *c;
				return 0;
			}
		{
			char list[128] = "";
			size_t w = 0;
			for (const char *const *c = o->choices; *c && w < sizeof(list); c++) {
				int n = snprintf(list + w, sizeof(list) - w, "%s%s", w ? ", " : "", *c);
				if (n < 0)
					break;
				w += (size_t)n;
			}
			snprintf(err, errlen, "--%s wants one of %s, not '%s'", o->name, list, v);
		}
		return -1;
	case CMD_OPT_WORD:
		a->str[idx] = raw;
		if (o->repeat && a->nmany == CMD_MANY_MAX) {
			snprintf(err, errlen, "--%s given more than %d times", o->name, CMD_MANY_MAX);
			return -1;
		}
		if (o->repeat)
			a->many[a->nmany++] = raw;
		break;
	case CMD_OPT_FLAG:
		break;
	}
	return 0;
}

#define NTABLE (sizeof(table) / sizeof(table[0]))

/* The entry the first words of W name, looking at no more than NWORDS of them. */
static const struct cmd_entry *match_entry(const struct words *w, int nwords)
{
	for (size_t i = 0; i < NTABLE; i++)
		if (name_words(table[i]) <= nwords && name_matches(table[i], w))
			return table[i];
	return NULL;
}

/* Whether FIRST is the first word of two-word names ("server"). */
static bool is_group(const char *first)
{
	size_t fl = strlen(first);
	for (size_t i = 0; i < NTABLE; i++)
		if (strncmp(table[i]->name, first, fl) == 0 && table[i]->name[fl] == ' ')
			return true;
	return false;
}

/* Whether some two-word name starts with FIRST and then CUR ("tap" "st": "tap stop"). */
static bool subcommand_prefix(const char *first, const char *cur)
{
	size_t fl = strlen(first), cl = strlen(cur);
	for (size_t i = 0; i < NTABLE; i++)
		if (strncmp(table[i]->name, first, fl) == 0 && table[i]->name[fl] == ' ' &&
		    strncmp(table[i]->name + fl + 1, cur, cl) == 0)
			return true;
	return false;
}

/* Word I looks like an option ("--x", not "--" itself, which ends the options). */
static bool is_option_word(const struct words *w, int i)
{
	const char *v = w->v[i];
	return v[0] == '-' && v[1] == '-' && w->len[i] == strlen(v) && v[2] != '\0';
}

/* The option "--NAME" or "--NAME=VALUE" in V names: its entry (NULL when E has none such),
 * its name in ONAME, and the value after '=' in *VAL (NULL when none). */
static const struct cmd_opt *option_word(const struct cmd_entry *e, const char *v, int *idx,
					 const char **val, char oname[32])
{
	const char *name = v + 2;
	const char *eq = strchr(name, '=');
	size_t nl = eq ? (size_t)(eq - name) : strlen(name);
	if (nl >= 32)
		nl = 31;
	memcpy(oname, name, nl);
	oname[nl] = '\0';
	*val = eq ? eq + 1 : NULL;
	return find_opt(e, oname, idx);
}

static void unknown_command(const struct words *w, char *err, size_t errlen)
{
	char subs[128], shown[160];
	subcommands(w->v[0], subs, sizeof(subs));
	words_show(w->v[0], w->len[0], 32, shown, sizeof(shown));
	if (subs[0])
		snprintf(err, errlen, "%s: expected %s %s", shown, shown, subs);
	else
		snprintf(err, errlen, "unknown command '%s' (try: help)", shown);
}

/* The option at word *I of W, with its value (the next word unless given with '='). */
static int parse_option(const struct words *w, int *i, struct cmd_args *a, const char *syn,
			char *err, size_t errlen)
{
	const struct cmd_entry *e = a->entry;
	char oname[32], oshown[160], why[192];
	const char *val;
	int idx;
	const struct cmd_opt *o = option_word(e, w->v[*i], &idx, &val, oname);
	words_show(oname, strlen(oname), 24, oshown, sizeof(oshown));
	if (!o) {
		snprintf(err, errlen, "%s: unknown option --%s (usage: %s)", e->name, oshown, syn);
		return -1;
	}
	if (a->has[idx] && !o->repeat) {
		snprintf(err, errlen, "%s: --%s given twice (usage: %s)", e->name, oname, syn);
		return -1;
	}
	if (o->type == CMD_OPT_FLAG) {
		if (val) {
			snprintf(err, errlen, "%s: --%s takes no value (usage: %s)", e->name, oname,
				 syn);
			return -1;
		}
		a->has[idx] = true;
		return 0;
	}
	/* The value's bytes: after "--opt=" in this word, else the whole next word. */
	size_t vlen = val ? w->len[*i] - (size_t)(val - w->v[*i]) : 0;
	if (!val) {
		if (*i + 1 >= w->count) {
			snprintf(err, errlen, "%s: --%s needs a value %s (usage: %s)", e->name, oname,
				 o->metavar, syn);
			return -1;
		}
		val = w->v[++*i];
		vlen = w->len[*i];
	}
	/* Past here a value is a C string: a NUL would cut it silently (a user, a path). */
	if (memchr(val, '\0', vlen)) {
		char shown[160];
		words_show(val, vlen, 32, shown, sizeof(shown));
		snprintf(err, errlen, "%s: --%s '%s': a value cannot hold a NUL byte (usage: %s)",
			 e->name, oname, shown, syn);
		return -1;
	}
	if (parse_opt_value(o, val, a, idx, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "%s: %s (usage: %s)", e->name, why, syn);
		return -1;
	}
	a->has[idx] = true;
	return 0;
}

int cmd_parse(const char *line, struct cmd_args *a, char *err, size_t errlen)
{
	memset(a, 0, sizeof(*a));
	char why[256];
	if (words_split(line, &a->words, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "%s", why);
		return CMD_FAIL;
	}
	struct words *w = &a->words;
	if (w->count == 0 || w->v[0][0] == '#')
		return CMD_EMPTY;
	a->entry = match_entry(w, w->count);
	if (!a->entry) {
		unknown_command(w, err, errlen);
		cmd_args_free(a);
		return CMD_FAIL;
	}
	const struct cmd_entry *e = a->entry;
	char syn[CMD_SYNOPSIS_MAX];
	cmd_synopsis(e, syn, sizeof(syn));
	bool only_args = false;
	for (int i = name_words(e); i < w->count; i++) {
		const char *v = w->v[i];
		if (!only_args && strcmp(v, "--") == 0) {
			only_args = true;
		} else if (!only_args && is_option_word(w, i)) {
			if (parse_option(w, &i, a, syn, err, errlen) < 0)
				goto fail;
		} else if (a->argc >= e->max_args) {
			char shown[160];
			words_show(v, w->len[i], 32, shown, sizeof(shown));
			snprintf(err, errlen, "%s: unexpected argument '%s' (usage: %s)", e->name,
				 shown, syn);
			goto fail;
		} else {
			a->argv[a->argc] = v;
			a->arglen[a->argc] = w->len[i];
			a->argc++;
		}
	}
	if (a->argc < e->min_args) {
		snprintf(err, errlen, "%s: missing argument (usage: %s)", e->name, syn);
		goto fail;
	}
	return CMD_OK;
fail:
	cmd_args_free(a);
	return CMD_FAIL;
}

/* After the command name: the option value, option or argument expected at word DONE
 * (CUR, the word being typed) of W, as cmd_parse would read the words before it. */
static enum cmd_expect expect_after_name(const struct words *w, int done, const char *cur,
					 size_t curlen, struct cmd_context *out)
{
	const struct cmd_entry *e = out->entry;
	bool only_args = false;
	int pos = 0, last_arg = -1, idx;
	const char *val;
	char oname[32];
	for (int i = name_words(e); i < done; i++) {
		if (!only_args && strcmp(w->v[i], "--") == 0) {
			only_args = true;
		} else if (!only_args && is_option_word(w, i)) {
			const struct cmd_opt *o = option_word(e, w->v[i], &idx, &val, oname);
			bool takes = o && !val && o->type != CMD_OPT_FLAG;
			if (takes && i + 1 == done) {
				out->opt = o;
				return CMD_EXPECT_VALUE;
			}
			if (takes)
				i++;
		} else {
			last_arg = i;
			pos++;
		}
	}
	if (!only_args && cur[0] == '-') {
		if (cur[1] != '-' || !strchr(cur, '=') || curlen != strlen(cur))
			return CMD_EXPECT_OPTION;
		/* "--type=st": the value of a known option, else still an option name. */
		out->opt = option_word(e, cur, &idx, &val, oname);
		out->value_off = out->opt ? (size_t)(val - cur) : 0;
		return out->opt ? CMD_EXPECT_VALUE : CMD_EXPECT_OPTION;
	}
	out->argno = pos;
	if (pos >= e->max_args)
		return CMD_EXPECT_NOTHING;
	out->arg = e->args[pos];
	if (out->arg == CMD_ARG_COMMAND) {
		/* "help server st": the second word of the group named before it. */
		const char *g = pos > 0 ? w->v[last_arg] : "";
		if (pos > 0 && (!is_group(g) || strlen(g) >= sizeof(out->group)))
			return CMD_EXPECT_NOTHING;
		strcpy(out->group, g);
		return CMD_EXPECT_COMMAND;
	}
	return CMD_EXPECT_ARG;
}

/* The command name, or what follows it, at word DONE of W (CUR being typed). */
static enum cmd_expect expect_at(const struct words *w, int done, const char *cur,
				 size_t curlen, struct cmd_context *out)
{
	if (done == 0)
		return cur[0] == '#' ? CMD_EXPECT_NOTHING : CMD_EXPECT_COMMAND;
	if (w->v[0][0] == '#')
		return CMD_EXPECT_NOTHING;
	/* "tap" is a command and the first word of "tap stop": its subcommands are offered
	 * while the word typed is empty or starts one of them, its arguments otherwise. */
	if (done == 1 && is_group(w->v[0]) &&
	    (!cur[0] || !cmd_find(w->v[0]) || subcommand_prefix(w->v[0], cur))) {
		out->entry = cmd_find(w->v[0]);
		if (strlen(w->v[0]) >= sizeof(out->group))
			return CMD_EXPECT_NOTHING;
		strcpy(out->group, w->v[0]);
		return CMD_EXPECT_COMMAND;
	}
	out->entry = match_entry(w, done);
	if (!out->entry)
		return CMD_EXPECT_NOTHING;
	return expect_after_name(w, done, cur, curlen, out);
}

enum cmd_expect cmd_complete_context(const char *line, size_t point, struct cmd_context *out)
{
	memset(out, 0, sizeof(*out));
	size_t n = strnlen(line, point);
	char *head = strndup(line, n), err[256];
	struct words w;
	size_t start;
	enum cmd_expect r = CMD_EXPECT_NOTHING;
	if (!head)
		return r;
	if (words_split_open(head, &w, &start, err, sizeof(err)) == 0) {
		/* The words wholly before the cursor, then the one it is in (maybe empty). */
		int done = start < n ? w.count - 1 : w.count;
		out->word_start = start;
		r = expect_at(&w, done, done < w.count ? w.v[done] : "",
			      done < w.count ? w.len[done] : 0, out);
		words_free(&w);
	}
	free(head);
	return r;
}

void cmd_args_free(struct cmd_args *a)
{
	words_free(&a->words);
	a->entry = NULL;
	a->argc = 0;
}

static int opt_index(const struct cmd_args *a, const char *opt)
{
	int idx = -1;
	if (a->entry)
		find_opt(a->entry, opt, &idx);
	return idx;
}

bool cmd_has(const struct cmd_args *a, const char *opt)
{
	int i = opt_index(a, opt);
	return i >= 0 && a->has[i];
}

unsigned long cmd_num(const struct cmd_args *a, const char *opt, unsigned long dflt)
{
	int i = opt_index(a, opt);
	return i >= 0 && a->has[i] ? a->num[i] : dflt;
}

const char *cmd_str(const struct cmd_args *a, const char *opt, const char *dflt)
{
	int i = opt_index(a, opt);
	return i >= 0 && a->has[i] ? a->str[i] : dflt;
}

bool cmd_addr(struct app *app, const struct cmd_args *a, int i, const char *op,
	      struct uds_addr *out)
{
	char why[256], sh[ADDR_SHOW_SIZE];
	if (addr_parse(a->argv[i], a->arglen[i], out, why, sizeof(why)) == 0)
		return true;
	app_error(app, 0, "%s %s: %s", op, addr_show(a->argv[i], a->arglen[i], sh, sizeof(sh)),
		  why);
	return false;
}
