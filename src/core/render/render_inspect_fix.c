/* render_inspect_fix: the suggested fixes of a denied verdict as shell command lines, with
 * who else gains and loses access, and whether a fix on the socket node lasts. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/base/event.h"
#include "core/system/inspect_report.h"
#include "core/render/render.h"
#include "core/render/render_inspect_words.h"

/* The groups a fix opens ("adm, nogroup"), and the group a chgrp takes nodes from
 * ((gid_t)-1: none). Returns whether a step joins a group. */
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
		if (s->op != INSPECT_FIX_CHGRP && !(s->op == INSPECT_FIX_CHMOD && s->who == 'g') &&
		    !(s->op == INSPECT_FIX_SETFACL && s->who == 'g'))
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

/* "(sync, _apt)", "(sync and 14 more)", "(no other users)". */
static const char *users_text(const struct inspect_users *l, char *buf, size_t len)
{
	size_t w = 0, kept = l->n < INSPECT_USERS_MAX ? l->n : INSPECT_USERS_MAX;
	if (l->n == 0) {
		snprintf(buf, len, "(no other users)");
		return buf;
	}
	for (size_t i = 0; i < kept && w < len; i++) {
		char sh[RENDER_SHOW_NAME];
		int n = snprintf(buf + w, len - w, "%s%s", i ? ", " : "(",
				 render_show(l->v[i], sh, sizeof(sh)));
		w += n > 0 ? (size_t)n : 0;
	}
	if (w < len)
		snprintf(buf + w, len - w, "%s)", l->n > kept ? " and more" : "");
	return buf;
}

/* The ACL mask a fix widens (setfacl recomputing it, or chmod g+): "; the ACL mask of PATH
 * grows by w: its other entries with w gain it". */
static void widens_text(const struct inspect_fix *f, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].widens) {
			char sh[RENDER_SHOW_PATH], b[4];
			render_bits(f->v[i].widens, b);
			snprintf(buf, len,
				 "; the ACL mask of %s grows by %s: its other entries with %s gain "
				 "it",
				 render_show(f->v[i].path, sh, sizeof(sh)), b, b);
			return;
		}
}

/* Who else gains access and who loses it: "only nobody gains access", "group nogroup gains
 * access (sync, _apt); group root loses it (root)", "widens access for everybody". */
static void scope_text(const struct render_out *o, const struct inspect_fix *f,
		       const struct inspect_fix_who *who, char *buf, size_t len)
{
	char groups[RENDER_SHOW_NAME * 2], lg[RENDER_SHOW_NAME], gu[RENDER_SHOW_NAME * 4],
		lu[RENDER_SHOW_NAME * 4], me[RENDER_SHOW_NAME + 16], wd[RENDER_SHOW_PATH + 96];
	gid_t lost;
	bool join = fix_groups(o, f, groups, sizeof(groups), &lost);
	const char *also = join ? "; joining a group grants all its access" : "";
	widens_text(f, wd, sizeof(wd));
	render_who_text(o->r->id, me, sizeof(me));
	if (who->everyone || f->scope == INSPECT_SCOPE_EVERYONE)
		snprintf(buf, len, "widens access for everybody%s%s", also, wd);
	else if (f->scope == INSPECT_SCOPE_USER)
		snprintf(buf, len, "only %s gains access%s%s",
			 o->r->id->name[0] ? render_show(o->r->id->name, me, sizeof(me)) : me, also,
			 wd);
	else if (lost != (gid_t)-1)
		snprintf(buf, len, "group %s gains access %s; group %s loses it %s%s%s", groups,
			 users_text(&who->gains, gu, sizeof(gu)),
			 render_owner_word(o->r, true, lost, lg, sizeof(lg)),
			 users_text(&who->loses, lu, sizeof(lu)), also, wd);
	else
		snprintf(buf, len, "group %s gains access %s%s%s", groups,
			 users_text(&who->gains, gu, sizeof(gu)), also, wd);
}

/* "fix 1 (not run; narrowest; only nobody gains access): setfacl ... && setfacl ...":
 * a suggestion, which udscope never runs itself. */
static void fix_text(const struct render_out *o, const struct inspect_judgement *j, size_t k)
{
	const struct inspect_fix *f = &j->fixes[k];
	char cmds[EVENT_TEXT_MAX], scope[RENDER_SHOW_NAME * 10 + RENDER_SHOW_PATH];
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
				     render_shell_word(s->path, p, sizeof(p)));
		} else {
			a = i ? snprintf(cmds + w, sizeof(cmds) - w, " && ") : 0;
			w += a > 0 ? (size_t)a : 0;
			a = w < sizeof(cmds)
				    ? render_fix_command(o->r, s, cmds + w, sizeof(cmds) - w)
				    : 0;
		}
		w += a > 0 ? (size_t)a : 0;
	}
	scope_text(o, f, &j->who[k], scope, sizeof(scope));
	say(o, "fix %zu (not run; %s%s%s%s): %s", k + 1,
	    k == 0 && j->nfixes > 1 ? "narrowest; " : "", scope,
	    f->cut ? "; more blockers than shown need the same" : "",
	    j->blind ? "; incomplete: past what could not be seen" : "",
	    cmds);
}

/* Whether the fixes on the socket node last, and where the lasting one belongs. */
static void lasting_text(const struct render_out *o)
{
	const struct inspect_lasting *l = &o->r->lasting;
	char sh[RENDER_SHOW_PATH], srv[RENDER_SHOW_NAME + 48] = "its server",
							  cmd[RENDER_SHOW_PATH * 2], um[256] = "";
	if (!l->node_fix)
		return;
	if (l->has_server) {
		char c[RENDER_SHOW_NAME];
		snprintf(srv, sizeof(srv), "its server (pid %ld %s)%s", (long)l->pid,
			 l->comm[0] ? render_show(l->comm, c, sizeof(c)) : "?",
			 l->activated && l->pid != 1 ? " got it from systemd" : "");
	}
	if (l->activated) {
		char unit[RENDER_SHOW_NAME], how[RENDER_SHOW_PATH + 96];
		if (l->unit[0])
			snprintf(how, sizeof(how), "%s: systemctl edit %s",
				 render_show(l->unit, unit, sizeof(unit)), unit);
		else
			snprintf(how, sizeof(how),
				 "find the unit: systemctl list-sockets --all | grep -F %s; then "
				 "systemctl edit UNIT",
				 render_show(l->node, sh, sizeof(sh)));
		say(o,
		    "fix on the socket node does not last: it is socket-activated (%s), so "
		    "systemd makes it anew from its .socket unit at every start; the lasting fix is "
		    "that unit's SocketMode=, SocketUser= and SocketGroup= (%s)",
		    l->pid == 1 ? "pid 1, systemd, holds it" : srv, how);
		return;
	}
	render_lasting_command(o->r, cmd, sizeof(cmd));
	if (l->has_server && !l->umask_err) {
		bool takes = ((unsigned)l->umask >> 3) & l->bits;
		snprintf(um, sizeof(um), "; the server's umask is %04o%s", (unsigned)l->umask,
			 takes ? ", and bind applies it before the default ACL, whose mask then "
				 "lacks those bits: the server needs a umask that leaves them (0002)"
			       : "");
	}
	say(o,
	    "fix on the socket node does not last: %s re-creates it at its next start, with a "
	    "new mode, owner and ACL; what lasts is the service's own setting for its socket's "
	    "mode and group, its umask, or a default ACL on the directory: %s%s",
	    srv, cmd, um);
}

void render_inspect_fixes(const struct render_out *o, const struct inspect_judgement *j)
{
	for (size_t i = 0; i < j->nfixes; i++)
		fix_text(o, j, i);
	if (j == &o->r->verdict)
		lasting_text(o);
}
