/* cmd_resolve: a command line run (cmd_run_line): parsed, then what its entry declares
 * checked and resolved before it runs: the typed arguments (a session id, a count, seconds),
 * then the session it acts on (its target), each refusal in one form:
 * "NAME WORD: WHY (WHAT TO DO)". */
#include "config.h"

#include "core/cmd/cmd.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/addr.h"
#include "core/base/sysio.h"
#include "core/cmd/app.h"

/* A kind as the lines name it, one and several. */
static const char *const kind_one[SESSION__KINDS] = {
	[SESSION_SERVER] = "server",  [SESSION_CLIENT] = "client", [SESSION_CONN] = "connection",
	[SESSION_PAIR] = "pair demo", [SESSION_TAP] = "tap",       [SESSION_WATCH] = "watch",
};
static const char *const kind_many[SESSION__KINDS] = {
	[SESSION_SERVER] = "servers",  [SESSION_CLIENT] = "clients", [SESSION_CONN] = "connections",
	[SESSION_PAIR] = "pair demos", [SESSION_TAP] = "taps",       [SESSION_WATCH] = "watches",
};

/* Room for a word as an error line shows it (escaped, cut after 32 bytes). */
#define SHOWN_MAX 160

/* The one refusal line: "NAME WORD: WHY" (WORD "" when the argument was omitted). */
static bool refuse(struct app *app, const struct cmd_args *a, const char *word, const char *fmt,
		   ...) __attribute__((format(printf, 4, 5)));
static bool refuse(struct app *app, const struct cmd_args *a, const char *word, const char *fmt,
		   ...)
{
	char why[640];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	app_error(app, 0, "%s%s%s: %s", a->entry->name, word[0] ? " " : "", word, why);
	return false;
}

/* A session id as typed: "3" or "#3"; 0 when the word is not one. */
static uint32_t session_id(const char *w, size_t len)
{
	if (strlen(w) != len)
		return 0;
	if (*w == '#')
		w++;
	unsigned long v;
	if (*w < '0' || *w > '9' || sysio_parse_ulong(w, 10, 1, UINT32_MAX, &v) < 0)
		return 0;
	return (uint32_t)v;
}

/* Seconds as typed ("0.5"), within [MIN, MAX]; false when the word is not such. */
static bool seconds(const char *w, size_t len, const struct cmd_range *r, double *out)
{
	char *end;
	double s = strtod(w, &end);
	if (strlen(w) != len || end == w || *end || !isfinite(s) || s < (double)r->min ||
	    s > (double)r->max)
		return false;
	*out = s;
	return true;
}

/* Argument I of A, of a typed kind, into A's fields; false after the one line. */
static bool resolve_arg(struct app *app, struct cmd_args *a, int i)
{
	const struct cmd_entry *e = a->entry;
	const struct cmd_range *r = &e->range[i];
	const char *w = a->argv[i];
	char shown[SHOWN_MAX];
	words_show(w, a->arglen[i], 32, shown, sizeof(shown));
	switch (e->args[i]) {
	case CMD_ARG_ID:
		a->id[i] = session_id(w, a->arglen[i]);
		if (!a->id[i])
			return refuse(app, a, shown, "not a session id (sessions lists them)");
		return true;
	case CMD_ARG_COUNT:
		if (strlen(w) == a->arglen[i] && *w >= '0' && *w <= '9' &&
		    sysio_parse_ulong(w, 10, r->min, r->max, &a->num_arg[i]) == 0)
			return true;
		break;
	case CMD_ARG_SECONDS:
		if (seconds(w, a->arglen[i], r, &a->secs[i]))
			return true;
		break;
	default:
		return true;
	}
	return refuse(app, a, shown, "not %s (%lu to %lu%s%s)", r->what, r->min, r->max,
		      r->unit ? " " : "", r->unit ? r->unit : "");
}

/* "server or tap" (MANY: "servers or taps") for the kinds in MASK. */
static void kinds_name(unsigned mask, bool many, char *buf, size_t len)
{
	size_t at = 0;
	buf[0] = '\0';
	for (int k = 0; k < SESSION__KINDS && at < len; k++) {
		if (!(mask & CMD_KIND(k)))
			continue;
		int n = snprintf(buf + at, len - at, "%s%s", at ? " or " : "",
				 many ? kind_many[k] : kind_one[k]);
		if (n < 0)
			break;
		at += (size_t)n;
	}
}

/* Whether S may be T's target: of its kinds, running when T needs that, at PATH if set. */
static bool fits(const struct cmd_target *t, const struct session *s, const char *path)
{
	if (!(t->kinds & CMD_KIND(s->ops->kind)))
		return false;
	if (t->running && s->ops->finished(s->impl))
		return false;
	if (!path)
		return true;
	struct session_info in;
	session_info(s, &in);
	return strcmp(in.path, path) == 0;
}

/* The sessions that fit T (at PATH if set): how many, the newest in *ONE, and "#1 ./a, #3
 * ./b" in BUF, or "none is running" with T's hint when there is none. */
static size_t fitting(const struct app *app, const struct cmd_target *t, const char *path,
		      struct session **one, char *buf, size_t len)
{
	size_t n = 0, at = 0;
	buf[0] = '\0';
	*one = NULL;
	for (struct session *s = app->sessions.head; s; s = s->next) {
		if (!fits(t, s, path))
			continue;
		struct session_info in;
		session_info(s, &in);
		int w = snprintf(buf + at, len - at, "%s#%u %s", n ? ", " : "", in.id, in.path);
		if (w > 0)
			at = at + (size_t)w < len ? at + (size_t)w : len - 1;
		n++;
		*one = s;
	}
	if (!n)
		snprintf(buf, len, "none is running%s%s", t->none ? "; " : "",
			 t->none ? t->none : "");
	return n;
}

/* Session ID as T's target, named by WORD; NULL after the one line. */
static struct session *by_id(struct app *app, const struct cmd_args *a, const char *word,
			     uint32_t id)
{
	const struct cmd_target *t = &a->entry->target;
	struct session *s = session_by_id(&app->sessions, id), *any;
	char list[512], kinds[96];
	fitting(app, t, NULL, &any, list, sizeof(list));
	kinds_name(t->kinds, false, kinds, sizeof(kinds));
	if (!s)
		refuse(app, a, word, "no such %s (%s)", kinds, list);
	else if (!(t->kinds & CMD_KIND(s->ops->kind)))
		refuse(app, a, word, "#%u is a %s, not a %s (%s)", id, kind_one[s->ops->kind],
		       kinds, list);
	else if (t->running && s->ops->finished(s->impl))
		refuse(app, a, word, "#%u has ended (%s)", id, list);
	else
		return s;
	return NULL;
}

/* The session at PATH as T's target, named by WORD; NULL after the one line. */
static struct session *by_path(struct app *app, const struct cmd_args *a, const char *word,
			       const char *path)
{
	const struct cmd_target *t = &a->entry->target;
	struct session *s;
	char list[512], kinds[96];
	size_t n = fitting(app, t, path, &s, list, sizeof(list));
	if (n == 1)
		return s;
	kinds_name(t->kinds, n > 1, kinds, sizeof(kinds));
	if (n > 1) {
		refuse(app, a, word, "%zu %s there (%s): say which, by id", n, kinds, list);
		return NULL;
	}
	fitting(app, t, NULL, &s, list, sizeof(list));
	refuse(app, a, word, "no such %s (%s)", kinds, list);
	return NULL;
}

/* No session named: T's default into *OUT (NULL for EACH); false after the one line. */
static bool by_default(struct app *app, const struct cmd_args *a, struct session **out)
{
	const struct cmd_target *t = &a->entry->target;
	char list[512], kinds[96];
	*out = NULL;
	if (t->dflt == CMD_TARGET_EACH)
		return true;
	size_t n = fitting(app, t, NULL, out, list, sizeof(list));
	kinds_name(t->kinds, n > 1, kinds, sizeof(kinds));
	if (n == 1)
		return true;
	*out = NULL;
	if (n == 0)
		return refuse(app, a, "", "no %s is running%s%s%s", kinds, t->none ? " (" : "",
			      t->none ? t->none : "", t->none ? ")" : "");
	if (t->opt)
		return refuse(app, a, "", "%zu %s are running (%s): say which, with --%s N", n,
			      kinds, list, t->opt);
	return refuse(app, a, "", "%zu %s are running (%s): say which, by id%s", n, kinds, list,
		      t->how == CMD_TARGET_ID_OR_PATH ? " or path" : "");
}

/* A .fresh target: no session of its kinds at the address yet; false after the one line. */
static bool unclaimed(struct app *app, const struct cmd_args *a)
{
	const struct cmd_target *t = &a->entry->target;
	struct uds_addr addr;
	struct session *s;
	char why[256], list[512];
	if (t->arg >= a->argc ||
	    addr_parse(a->argv[t->arg], a->arglen[t->arg], &addr, why, sizeof(why)) < 0)
		return true; /* the command says what is wrong with the address */
	if (!fitting(app, t, addr.text, &s, list, sizeof(list)))
		return true;
	const char *kind = kind_one[s->ops->kind];
	return refuse(app, a, addr.text, "#%u is a %s there already (%s stop %u first)", s->id,
		      kind, kind, s->id);
}

/* The entry's target into A->session; false after the one line. */
static bool resolve_target(struct app *app, struct cmd_args *a)
{
	const struct cmd_target *t = &a->entry->target;
	char word[SHOWN_MAX + 48];
	app_reap(app); /* what ended on its own is no target */
	if (t->fresh)
		return unclaimed(app, a);
	if (t->opt) {
		if (!cmd_has(a, t->opt))
			return by_default(app, a, &a->session);
		unsigned long id = cmd_num(a, t->opt, 0);
		snprintf(word, sizeof(word), "--%s %lu", t->opt, id);
		a->session = by_id(app, a, word, (uint32_t)id);
		return a->session != NULL;
	}
	if (t->arg >= a->argc)
		return by_default(app, a, &a->session);
	const char *w = a->argv[t->arg];
	size_t len = a->arglen[t->arg];
	words_show(w, len, 32, word, sizeof(word));
	uint32_t id = session_id(w, len);
	if (id)
		a->session = by_id(app, a, word, id);
	else if (t->how == CMD_TARGET_ID)
		return refuse(app, a, word, "not a session id (sessions lists them)");
	else
		a->session = by_path(app, a, word, w);
	return a->session != NULL;
}

bool cmd_resolve(struct app *app, struct cmd_args *a)
{
	a->session = NULL;
	for (int i = 0; i < a->argc; i++)
		if (!resolve_arg(app, a, i))
			return false;
	return !a->entry->target.kinds || resolve_target(app, a);
}

/* Parse LINE, resolve its target and values (cmd_resolve), and run it: the one way in. */
int cmd_run_line(struct app *app, const char *line)
{
	struct cmd_args a;
	char err[512];
	int r = cmd_parse(line, &a, err, sizeof(err));
	if (r == CMD_EMPTY) {
		cmd_args_free(&a);
		return CMD_EMPTY;
	}
	if (r != CMD_OK) {
		app_error(app, 0, "%s", err);
		return CMD_FAIL;
	}
	app_release_wait(app);
	r = cmd_resolve(app, &a) ? a.entry->run(app, &a) : CMD_FAIL;
	cmd_args_free(&a);
	return r;
}
