/* render_inspect_words: the describing helpers the inspect, sockets and JSON renderers share:
 * errno text, escaped names, ids and owners, a socket's holders, an ACL entry that decided,
 * and a fix as a shell command. Pure functions of their arguments. */
#include "config.h"

#include "core/render/render_inspect_words.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/base/event.h"
#include "core/system/inspect_report.h"
#include "core/render/render.h"

const char *render_errtxt(int err, char *buf, size_t len)
{
	snprintf(buf, len, "%s (%s)", strerror(err), event_errno_name(err));
	return buf;
}

const char *render_show(const char *s, char *buf, size_t len)
{
	return inspect_show(s, strlen(s), buf, len);
}

const char *render_holders(const struct sockets_holders *h, char *buf, size_t len)
{
	size_t w = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < h->kept && w < len; i++) {
		const struct sockets_holder *p = &h->v[i];
		char sh[RENDER_SHOW_NAME], et[96];
		int n;
		if (!p->comm_err)
			n = snprintf(buf + w, len - w, "%spid %ld (%s) fd %d%s", i ? ", " : "",
				     (long)p->pid, render_show(p->comm, sh, sizeof(sh)), p->fd,
				     p->self ? ", this udscope process" : "");
		else
			n = snprintf(buf + w, len - w, "%spid %ld (name unreadable: %s) fd %d",
				     i ? ", " : "", (long)p->pid,
				     render_errtxt(p->comm_err, et, sizeof(et)), p->fd);
		if (n < 0)
			break;
		w += (size_t)n;
	}
	if (h->n > h->kept && w < len)
		snprintf(buf + w, len - w, " and %zu more", h->n - h->kept);
	return buf;
}

/* --- words --- */

const char *inspect_report_name(const struct inspect_report *r, bool group, unsigned long id)
{
	for (size_t i = 0; i < r->nnames; i++)
		if (r->names[i].group == group && r->names[i].id == id)
			return r->names[i].name;
	return "";
}

/* "root (0)", or just "1234" when the id has no name. */
const char *render_id_text(const struct render_out *o, bool group, unsigned long id, char *buf,
			   size_t len)
{
	char sh[RENDER_SHOW_NAME];
	const char *name = inspect_report_name(o->r, group, id);
	if (name[0])
		snprintf(buf, len, "%s (%lu)", render_show(name, sh, sizeof(sh)), id);
	else
		snprintf(buf, len, "%lu", id);
	return buf;
}

/* A bare name for columns: "root", or the number. */
const char *render_owner_word(const struct inspect_report *r, bool group, unsigned long id,
			      char *buf, size_t len)
{
	const char *name = inspect_report_name(r, group, id);
	if (name[0])
		render_show(name, buf, len);
	else
		snprintf(buf, len, "%lu", id);
	return buf;
}

/* "nobody (65534)" for the user a verdict is about; "uid N" without a name. */
const char *render_who_text(const struct inspect_identity *id, char *buf, size_t len)
{
	char sh[RENDER_SHOW_NAME];
	if (id->name[0])
		snprintf(buf, len, "%s (%lu)", render_show(id->name, sh, sizeof(sh)),
			 (unsigned long)id->uid);
	else
		snprintf(buf, len, "uid %lu", (unsigned long)id->uid);
	return buf;
}

/* ACL entry K of A as getfacl writes it: "user:nobody:rw-", "mask::r-x". Returns BUF. */
static const char *acl_entry_text(const struct inspect_report *r, const struct inspect_acl *a,
				  int k, char *buf, size_t len)
{
	static const char *const tags[] = {
		[INSPECT_ACL_USER_OBJ] = "user",   [INSPECT_ACL_USER] = "user",
		[INSPECT_ACL_GROUP_OBJ] = "group", [INSPECT_ACL_GROUP] = "group",
		[INSPECT_ACL_MASK] = "mask",       [INSPECT_ACL_OTHER] = "other",
	};
	const struct inspect_acl_entry *e = &a->v[k];
	char q[RENDER_SHOW_NAME] = "";
	if (e->tag == INSPECT_ACL_USER || e->tag == INSPECT_ACL_GROUP)
		render_owner_word(r, e->tag == INSPECT_ACL_GROUP, e->id, q, sizeof(q));
	snprintf(buf, len, "%s:%s:%c%c%c", tags[e->tag], q, e->perm & INSPECT_NEED_R ? 'r' : '-',
		 e->perm & INSPECT_NEED_W ? 'w' : '-', e->perm & INSPECT_NEED_X ? 'x' : '-');
	return buf;
}

const char *render_acl_decision(const struct inspect_report *r, const struct inspect_perm *p,
				int entry, int mask, char *buf, size_t len)
{
	char e[RENDER_SHOW_NAME + 16], m[32];
	acl_entry_text(r, p->acl, entry, e, sizeof(e));
	if (mask >= 0 && (p->acl->v[entry].perm & ~p->acl->v[mask].perm & p->need))
		snprintf(buf, len, "ACL %s masked by %s", e,
			 acl_entry_text(r, p->acl, mask, m, sizeof(m)));
	else
		snprintf(buf, len, "ACL %s", e);
	return buf;
}

/* A path as a shell word: as is when it is plain, else in single quotes (bytes outside
 * printable ASCII escaped, so such a word is shown, not runnable). */
const char *render_shell_word(const char *s, char *buf, size_t len)
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

/* The user judged as a shell word: the name, or '#UID'. */
static const char *judged_word(const struct inspect_report *r, char *buf, size_t len)
{
	if (r->id->name[0])
		return render_shell_word(r->id->name, buf, len);
	snprintf(buf, len, "'#%lu'", (unsigned long)r->id->uid);
	return buf;
}

/* "u:nobody:w" for a setfacl step (a user without a name by its uid). */
static const char *acl_spec(const struct inspect_report *r, const struct inspect_fix_step *s,
			    char *buf, size_t len)
{
	char q[RENDER_SHOW_NAME + 16], b[4];
	render_bits(s->bits, b);
	if (s->who == 'u' && s->uid == r->id->uid && r->id->name[0])
		render_show(r->id->name, q, sizeof(q));
	else
		render_owner_word(r, s->who == 'g', s->who == 'g' ? s->gid : s->uid, q, sizeof(q));
	snprintf(buf, len, "%c:%s:%s", s->who, q, b);
	return buf;
}

int render_fix_command(const struct inspect_report *r, const struct inspect_fix_step *s, char *buf,
		       size_t len)
{
	char p[RENDER_SHOW_PATH + 64], g[RENDER_SHOW_NAME], u[RENDER_SHOW_NAME + 16], b[4];
	switch (s->op) {
	case INSPECT_FIX_CHMOD:
		return snprintf(buf, len, "chmod %c+%s %s", s->who, render_bits(s->bits, b),
				render_shell_word(s->path, p, sizeof(p)));
	case INSPECT_FIX_CHGRP:
		return snprintf(buf, len, "chgrp %s %s",
				render_owner_word(r, true, s->gid, g, sizeof(g)),
				render_shell_word(s->path, p, sizeof(p)));
	case INSPECT_FIX_JOIN:
		return snprintf(buf, len, "usermod -aG %s %s",
				render_owner_word(r, true, s->gid, g, sizeof(g)),
				judged_word(r, u, sizeof(u)));
	case INSPECT_FIX_SETFACL: {
		char spec[RENDER_SHOW_NAME + 24], w[RENDER_SHOW_NAME + 32];
		return snprintf(buf, len, "setfacl -m %s %s",
				render_shell_word(acl_spec(r, s, spec, sizeof(spec)), w, sizeof(w)),
				render_shell_word(s->path, p, sizeof(p)));
	}
	}
	return 0;
}

int render_lasting_command(const struct inspect_report *r, char *buf, size_t len)
{
	char u[RENDER_SHOW_NAME + 16], d[RENDER_SHOW_PATH + 64], b[4], spec[RENDER_SHOW_NAME + 24];
	snprintf(spec, sizeof(spec), "u:%s:%s", judged_word(r, u, sizeof(u)),
		 render_bits(r->lasting.bits, b));
	return snprintf(buf, len, "setfacl -d -m %s %s", spec,
			render_shell_word(r->lasting.dir, d, sizeof(d)));
}
