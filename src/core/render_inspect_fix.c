/* render_inspect_fix: the suggested fixes of a denied verdict as shell command lines, with
 * who else gains access. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/event.h"
#include "core/inspect_report.h"
#include "core/render.h"
#include "core/render_inspect.h"

/* A path as a shell word: as is when it is plain, else in single quotes (bytes outside
 * printable ASCII escaped, so such a word is shown, not runnable). */
static const char *shell_word(const char *s, char *buf, size_t len)
{
	if (s[0] && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			      "0123456789_./-+:,@%=") == strlen(s)) {
		render_show(s, buf, len);
		return buf;
	}
	size_t w = 0;
	char sh[RENDER_SHOW_PATH];
	render_show(s, sh, sizeof(sh));
	if (len < 3)
		return "";
	buf[w++] = '\'';
	for (const char *p = sh; *p && w + 5 < len; p++) {
		if (*p == '\'') {
			memcpy(buf + w, "'\\''", 4);
			w += 4;
		} else {
			buf[w++] = *p;
		}
	}
	buf[w++] = '\'';
	buf[w] = '\0';
	return buf;
}

const char *render_bits(unsigned bits, char buf[4])
{
	size_t w = 0;
	if (bits & INSPECT_NEED_R)
		buf[w++] = 'r';
	if (bits & INSPECT_NEED_W)
		buf[w++] = 'w';
	if (bits & INSPECT_NEED_X)
		buf[w++] = 'x';
	buf[w] = '\0';
	return buf;
}

int render_fix_command(const struct inspect_report *r, const struct inspect_fix_step *s, char *buf,
		       size_t len)
{
	char p[RENDER_SHOW_PATH + 64], g[RENDER_SHOW_NAME], u[RENDER_SHOW_NAME + 16], b[4];
	switch (s->op) {
	case INSPECT_FIX_CHMOD:
		return snprintf(buf, len, "chmod %c+%s %s", s->who, render_bits(s->bits, b),
				shell_word(s->path, p, sizeof(p)));
	case INSPECT_FIX_CHGRP:
		return snprintf(buf, len, "chgrp %s %s",
				render_owner_word(r, true, s->gid, g, sizeof(g)),
				shell_word(s->path, p, sizeof(p)));
	case INSPECT_FIX_JOIN:
		if (r->id->name[0])
			shell_word(r->id->name, u, sizeof(u));
		else
			snprintf(u, sizeof(u), "'#%lu'", (unsigned long)r->id->uid);
		return snprintf(buf, len, "usermod -aG %s %s",
				render_owner_word(r, true, s->gid, g, sizeof(g)), u);
	}
	return 0;
}

/* The groups a fix widens access to ("adm, nogroup"), and the group a chgrp takes nodes
 * from ((gid_t)-1: none). Returns whether a step joins a group. */
static bool fix_groups(const struct render_out *o, const struct inspect_fix *f, char *buf,
		       size_t len, gid_t *lost)
{
	size_t w = 0;
	bool join = false;
	buf[0] = '\0';
	*lost = (gid_t)-1;
	for (size_t i = 0; i < f->n && w < len; i++) {
		const struct inspect_fix_step *s = &f->v[i];
		join |= s->op == INSPECT_FIX_JOIN;
		if (s->op == INSPECT_FIX_CHGRP)
			*lost = s->old_gid;
		if (s->op != INSPECT_FIX_CHGRP && !(s->op == INSPECT_FIX_CHMOD && s->who == 'g'))
			continue;
		char g[RENDER_SHOW_NAME];
		render_owner_word(o->r, true, s->gid, g, sizeof(g));
		if (strstr(buf, g))
			continue;
		int n = snprintf(buf + w, len - w, "%s%s", w ? ", " : "", g);
		w += n > 0 ? (size_t)n : 0;
	}
	return join;
}

/* Who else gains access: "widens access for everybody" and the like. */
static void scope_text(const struct render_out *o, const struct inspect_fix *f, char *buf,
		       size_t len)
{
	char groups[RENDER_SHOW_NAME * 2], lg[RENDER_SHOW_NAME];
	gid_t lost;
	bool join = fix_groups(o, f, groups, sizeof(groups), &lost);
	const char *also = join ? "; joining a group grants all its access" : "";
	if (f->scope == INSPECT_SCOPE_EVERYONE)
		snprintf(buf, len, "widens access for everybody%s", also);
	else if (f->scope == INSPECT_SCOPE_USER)
		snprintf(buf, len, "no one else gains access%s", also);
	else if (lost != (gid_t)-1)
		snprintf(buf, len, "group %s gains access, group %s loses it%s", groups,
			 render_owner_word(o->r, true, lost, lg, sizeof(lg)), also);
	else
		snprintf(buf, len, "group %s gains access%s", groups, also);
}

/* "fix 1 (not run; narrowest; group nogroup gains access, ...): chgrp ... && chmod ...":
 * a suggestion, which udscope never runs itself. */
static void fix_text(const struct render_out *o, const struct inspect_fix *f, size_t k, size_t n)
{
	char cmds[EVENT_TEXT_MAX], scope[RENDER_SHOW_NAME * 2 + 96];
	size_t w = 0;
	cmds[0] = '\0';
	for (size_t i = 0; i < f->n && w < sizeof(cmds); i++) {
		const struct inspect_fix_step *s = &f->v[i], *prev = i ? &f->v[i - 1] : NULL;
		int a;
		if (prev && s->op == INSPECT_FIX_CHGRP && prev->op == INSPECT_FIX_CHGRP &&
		    s->gid == prev->gid) {
			/* One chgrp for every node that goes to the same group. */
			char p[RENDER_SHOW_PATH + 64];
			a = snprintf(cmds + w, sizeof(cmds) - w, " %s",
				     shell_word(s->path, p, sizeof(p)));
		} else {
			a = i ? snprintf(cmds + w, sizeof(cmds) - w, " && ") : 0;
			w += a > 0 ? (size_t)a : 0;
			a = w < sizeof(cmds)
				    ? render_fix_command(o->r, s, cmds + w, sizeof(cmds) - w)
				    : 0;
		}
		w += a > 0 ? (size_t)a : 0;
	}
	scope_text(o, f, scope, sizeof(scope));
	say(o, "fix %zu (not run; %s%s%s): %s", k + 1, k == 0 && n > 1 ? "narrowest; " : "", scope,
	    f->cut ? "; more blockers than shown need the same" : "", cmds);
}

void render_inspect_fixes(const struct render_out *o, const struct inspect_judgement *j)
{
	for (size_t i = 0; i < j->nfixes; i++)
		fix_text(o, &j->fixes[i], i, j->nfixes);
}
