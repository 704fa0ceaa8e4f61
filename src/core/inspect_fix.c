/* inspect_fix: the changes that would let a denied user connect, narrowest first (pure). */
#include "config.h"

#include "core/inspect.h"

#include <string.h>

static void add(struct inspect_fix *f, struct inspect_fix_step s)
{
	if (f->n < INSPECT_FIX_STEPS)
		f->v[f->n++] = s;
	else
		f->cut = true;
}

static void add_chmod(struct inspect_fix *f, const struct inspect_perm *p, char who, unsigned bits)
{
	add(f, (struct inspect_fix_step){ .op = INSPECT_FIX_CHMOD,
					  .path = p->path,
					  .who = who,
					  .bits = bits,
					  .gid = p->gid });
}

/* U joins GID, once per fix. */
static void add_join(struct inspect_fix *f, gid_t gid)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].op == INSPECT_FIX_JOIN && f->v[i].gid == gid)
			return;
	add(f, (struct inspect_fix_step){ .op = INSPECT_FIX_JOIN, .gid = gid });
}

/* The group class's bits of P. */
static unsigned group_bits(const struct inspect_perm *p)
{
	return ((unsigned)p->mode >> 3) & 7u;
}

/* Blocker B through a group: U joins the node's group, or (root's group, which nobody
 * should join) U's primary group takes the node. Returns false when neither can be. */
static bool by_group(struct inspect_fix *f, const struct inspect_user *u,
		     const struct inspect_perm *p, const struct inspect_blocker *b)
{
	gid_t g = p->gid;
	if (g == 0) {
		if (u->gid == (gid_t)-1 || u->gid == 0)
			return false;
		add(f, (struct inspect_fix_step){ .op = INSPECT_FIX_CHGRP,
						  .path = p->path,
						  .gid = u->gid,
						  .old_gid = p->gid });
		g = u->gid;
	}
	if (b->missing & ~group_bits(p)) {
		add_chmod(f, p, 'g', b->missing);
		if (!f->cut)
			f->v[f->n - 1].gid = g;
		f->scope = INSPECT_SCOPE_GROUP;
	}
	if (g != u->gid)
		add_join(f, g);
	if (p->gid == 0)
		f->scope = INSPECT_SCOPE_GROUP;
	return true;
}

/* One fix: the owner's and group's blockers get their class's bits; the other class's
 * blockers go through a group (GROUPS) or get the other class's bits. Returns false when
 * the group way cannot be taken. JOIN steps come last (usermod after the chmods). */
static bool make_fix(const struct inspect_user *u, const struct inspect_perm *steps,
		     const struct inspect_verdict *v, bool groups, struct inspect_fix *f)
{
	memset(f, 0, sizeof(*f));
	f->scope = INSPECT_SCOPE_USER;
	size_t nb = v->nblockers < INSPECT_BLOCKERS_MAX ? v->nblockers : INSPECT_BLOCKERS_MAX;
	f->cut = nb < v->nblockers;
	for (size_t i = 0; i < nb; i++) {
		const struct inspect_blocker *b = &v->blockers[i];
		const struct inspect_perm *p = &steps[b->step];
		if (b->cls == INSPECT_OWNER) {
			add_chmod(f, p, 'u', b->missing);
		} else if (b->cls == INSPECT_GROUP) {
			add_chmod(f, p, 'g', b->missing);
			f->scope = f->scope > INSPECT_SCOPE_GROUP ? f->scope : INSPECT_SCOPE_GROUP;
		} else if (!groups) {
			add_chmod(f, p, 'o', b->missing);
			f->scope = INSPECT_SCOPE_EVERYONE;
		} else if (!by_group(f, u, p, b)) {
			return false;
		}
	}
	/* Joins last: the chmods and chgrps name nodes, the joins the user. */
	struct inspect_fix_step joins[INSPECT_FIX_STEPS];
	size_t nj = 0, k = 0;
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].op == INSPECT_FIX_JOIN)
			joins[nj++] = f->v[i];
		else
			f->v[k++] = f->v[i];
	memcpy(f->v + k, joins, nj * sizeof(joins[0]));
	return true;
}

static bool has_other(const struct inspect_verdict *v)
{
	size_t nb = v->nblockers < INSPECT_BLOCKERS_MAX ? v->nblockers : INSPECT_BLOCKERS_MAX;
	for (size_t i = 0; i < nb; i++)
		if (v->blockers[i].cls == INSPECT_OTHER)
			return true;
	return false;
}

size_t inspect_fixes(const struct inspect_user *u, const struct inspect_perm *steps,
		     const struct inspect_verdict *v, struct inspect_fix *out, size_t max)
{
	if (v->allowed || v->by_mode || max == 0)
		return 0;
	size_t n = 0;
	if (make_fix(u, steps, v, true, &out[n]))
		n++;
	/* Without an other-class blocker the group way was the only one. */
	if (n < max && (n == 0 || has_other(v)) && make_fix(u, steps, v, false, &out[n]))
		n++;
	return n;
}
