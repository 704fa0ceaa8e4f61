/* inspect_fix: the changes that would let a denied user connect, narrowest first: an ACL entry
 * for the user, a group, the other class (pure). */
#include "config.h"

#include "core/system/inspect.h"

#include <string.h>

static void add(struct inspect_fix *f, struct inspect_fix_step s)
{
	if (f->n < INSPECT_FIX_STEPS)
		f->v[f->n++] = s;
	else
		f->cut = true;
}

/* The mask of P's ACL (7 when it has none). */
static unsigned acl_mask(const struct inspect_perm *p)
{
	for (size_t i = 0; p->acl && p->acl->extended && i < p->acl->n; i++)
		if (p->acl->v[i].tag == INSPECT_ACL_MASK)
			return p->acl->v[i].perm;
	return 7u;
}

/* chmod WHO+BITS P; on a node with an ACL, g+ sets the mask, which every named entry and
 * the owning group's entry share. */
static void add_chmod(struct inspect_fix *f, const struct inspect_perm *p, char who, unsigned bits)
{
	add(f, (struct inspect_fix_step){ .op = INSPECT_FIX_CHMOD,
					  .path = p->path,
					  .who = who,
					  .bits = bits,
					  .gid = p->gid,
					  .widens = who == 'g' ? bits & ~acl_mask(p) : 0 });
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

/* The ways a fix can take, narrowest first. */
enum way {
	WAY_ACL,
	WAY_GROUP,
	WAY_OTHER
};

/* The bits the mask of P's ACL would gain when the entry WHO:ID gets BITS (setfacl recomputes
 * the mask as the union of the group class entries). */
static unsigned mask_widens(const struct inspect_perm *p, char who, unsigned long id, unsigned bits)
{
	const struct inspect_acl *a = p->acl;
	if (!a || !a->extended)
		return 0;
	unsigned now = 7u, union_ = bits;
	for (size_t i = 0; i < a->n; i++) {
		const struct inspect_acl_entry *e = &a->v[i];
		bool ours = (e->tag == INSPECT_ACL_USER && who == 'u' && e->id == id) ||
			    (e->tag == INSPECT_ACL_GROUP && who == 'g' && e->id == id);
		if (e->tag == INSPECT_ACL_MASK)
			now = e->perm;
		else if (!ours && (e->tag == INSPECT_ACL_USER || e->tag == INSPECT_ACL_GROUP ||
				   e->tag == INSPECT_ACL_GROUP_OBJ))
			union_ |= e->perm;
	}
	return union_ & ~now;
}

/* setfacl -m WHO:ID:BITS on P, BITS joined to what that entry has already. */
static void add_setfacl(struct inspect_fix *f, const struct inspect_perm *p, char who,
			unsigned long id, unsigned bits)
{
	const struct inspect_acl *a = p->acl;
	enum inspect_acl_tag tag = who == 'u' ? INSPECT_ACL_USER : INSPECT_ACL_GROUP;
	for (size_t i = 0; a && a->extended && i < a->n; i++)
		if (a->v[i].tag == tag && a->v[i].id == id)
			bits |= a->v[i].perm;
	add(f, (struct inspect_fix_step){ .op = INSPECT_FIX_SETFACL,
					  .path = p->path,
					  .who = who,
					  .bits = bits,
					  .gid = (gid_t)id,
					  .uid = (uid_t)id,
					  .widens = mask_widens(p, who, id, bits) });
}

/* Blocker B decided by an ACL entry (group class): when only the mask takes the bits, g+
 * widens the mask; when the entry itself lacks them, only setfacl on that entry helps (a
 * named user's entry comes before every group, a named group's before other). */
static void by_entry(struct inspect_fix *f, const struct inspect_user *u,
		     const struct inspect_perm *p, const struct inspect_blocker *b)
{
	const struct inspect_acl_entry *e = &p->acl->v[b->entry];
	if ((e->perm & b->missing) == b->missing) {
		add_chmod(f, p, 'g', b->missing);
	} else if (e->tag == INSPECT_ACL_USER) {
		add_setfacl(f, p, 'u', e->id, b->missing);
		return;
	} else {
		add_setfacl(f, p, 'g', e->tag == INSPECT_ACL_GROUP ? e->id : p->gid, b->missing);
	}
	f->scope = f->scope > INSPECT_SCOPE_GROUP ? f->scope : INSPECT_SCOPE_GROUP;
}

/* Whether P keeps ACLs, so a setfacl there can work. */
static bool acl_ok(const struct inspect_perm *p)
{
	return p->acl && p->acl->supported && !p->acl->err;
}

/* Blocker B the WAY asks. Returns false when that way cannot be taken. */
static bool fix_blocker(struct inspect_fix *f, const struct inspect_user *u,
			const struct inspect_perm *p, const struct inspect_blocker *b, enum way way)
{
	if (b->cls == INSPECT_OWNER) {
		add_chmod(f, p, 'u', b->missing);
	} else if (way == WAY_ACL) {
		if (!acl_ok(p))
			return false;
		add_setfacl(f, p, 'u', u->uid, b->missing);
	} else if (b->entry >= 0) {
		by_entry(f, u, p, b);
	} else if (b->cls == INSPECT_GROUP) {
		add_chmod(f, p, 'g', b->missing);
		f->scope = f->scope > INSPECT_SCOPE_GROUP ? f->scope : INSPECT_SCOPE_GROUP;
	} else if (way == WAY_OTHER) {
		add_chmod(f, p, 'o', b->missing);
		f->scope = INSPECT_SCOPE_EVERYONE;
	} else if (!by_group(f, u, p, b)) {
		return false;
	}
	return true;
}

/* One fix the WAY asks: the owner's blockers get u+ bits in every way. Returns false when
 * that way cannot be taken. JOIN steps come last (usermod after the chmods). */
static bool make_fix(const struct inspect_user *u, const struct inspect_perm *steps,
		     const struct inspect_verdict *v, enum way way, struct inspect_fix *f)
{
	memset(f, 0, sizeof(*f));
	f->scope = INSPECT_SCOPE_USER;
	size_t nb = v->nblockers < INSPECT_BLOCKERS_MAX ? v->nblockers : INSPECT_BLOCKERS_MAX;
	f->cut = nb < v->nblockers;
	bool acl = false;
	for (size_t i = 0; i < nb; i++) {
		const struct inspect_blocker *b = &v->blockers[i];
		if (!fix_blocker(f, u, &steps[b->step], b, way))
			return false;
		acl |= b->cls != INSPECT_OWNER;
	}
	/* An ACL way with no ACL step is the group or the other way again. */
	if (way == WAY_ACL && !acl)
		return false;
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

/* Whether A and B are the same commands. */
static bool same_fix(const struct inspect_fix *a, const struct inspect_fix *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		const struct inspect_fix_step *x = &a->v[i], *y = &b->v[i];
		if (x->op != y->op || x->path != y->path || x->who != y->who ||
		    x->bits != y->bits || x->gid != y->gid || x->uid != y->uid)
			return false;
	}
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
	if (v->allowed || v->by_mode)
		return 0;
	size_t n = 0;
	for (enum way way = WAY_ACL; way <= WAY_OTHER && n < max; way++) {
		/* Without an other-class blocker the group way is the last one. */
		if (way == WAY_OTHER && n > 0 && !has_other(v))
			break;
		if (!make_fix(u, steps, v, way, &out[n]))
			continue;
		bool again = false;
		for (size_t i = 0; i < n; i++)
			again |= same_fix(&out[i], &out[n]);
		if (!again)
			n++;
	}
	return n;
}
