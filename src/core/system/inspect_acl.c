/* inspect_acl: a node's POSIX access ACL read with libacl, and how the kernel decides one check
 * with it (owner; named users; owning group and named groups, masked; other). */
#include "config.h"

#include "core/system/inspect.h"

#include <acl/libacl.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/acl.h>

/* libacl's tag as ours; false for a tag this code does not know. */
static bool tag_of(acl_tag_t t, enum inspect_acl_tag *out)
{
	switch (t) {
	case ACL_USER_OBJ:
		*out = INSPECT_ACL_USER_OBJ;
		return true;
	case ACL_USER:
		*out = INSPECT_ACL_USER;
		return true;
	case ACL_GROUP_OBJ:
		*out = INSPECT_ACL_GROUP_OBJ;
		return true;
	case ACL_GROUP:
		*out = INSPECT_ACL_GROUP;
		return true;
	case ACL_MASK:
		*out = INSPECT_ACL_MASK;
		return true;
	case ACL_OTHER:
		*out = INSPECT_ACL_OTHER;
		return true;
	default:
		return false;
	}
}

/* One entry of libacl's into E. Returns 0 or an errno. */
static int entry_of(acl_entry_t ae, struct inspect_acl_entry *e)
{
	acl_tag_t t;
	acl_permset_t ps;
	if (acl_get_tag_type(ae, &t) < 0 || acl_get_permset(ae, &ps) < 0)
		return errno;
	if (!tag_of(t, &e->tag))
		return EINVAL;
	e->id = 0;
	if (t == ACL_USER || t == ACL_GROUP) {
		void *q = acl_get_qualifier(ae);
		if (!q)
			return errno;
		e->id = t == ACL_USER ? (unsigned long)*(uid_t *)q : (unsigned long)*(gid_t *)q;
		acl_free(q);
	}
	e->perm = (acl_get_perm(ps, ACL_READ) == 1 ? INSPECT_NEED_R : 0) |
		  (acl_get_perm(ps, ACL_WRITE) == 1 ? INSPECT_NEED_W : 0) |
		  (acl_get_perm(ps, ACL_EXECUTE) == 1 ? INSPECT_NEED_X : 0);
	return 0;
}

/* The entries of ACL into OUT. Returns 0 or an errno. */
static int entries_of(acl_t acl, struct inspect_acl *out)
{
	acl_entry_t ae;
	int r = acl_get_entry(acl, ACL_FIRST_ENTRY, &ae);
	while (r == 1) {
		if (out->n == INSPECT_ACL_MAX)
			return E2BIG;
		int e = entry_of(ae, &out->v[out->n]);
		if (e)
			return e;
		out->n++;
		r = acl_get_entry(acl, ACL_NEXT_ENTRY, &ae);
	}
	return r < 0 ? errno : 0;
}

void inspect_acl_read(int fd, const char *path, struct inspect_acl *out)
{
	memset(out, 0, sizeof(*out));
	out->supported = true;
	/* Through the descriptor's magic link: the very node that was looked at, even if the
	 * name has changed since. Without /proc, by name. */
	char self[64];
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	acl_t acl = fd >= 0 ? acl_get_file(self, ACL_TYPE_ACCESS) : NULL;
	if (fd < 0 || (!acl && errno == ENOENT))
		acl = acl_get_file(path, ACL_TYPE_ACCESS);
	if (!acl) {
		if (errno == ENOTSUP)
			out->supported = false;
		else
			out->err = errno;
		return;
	}
	int e = entries_of(acl, out);
	acl_free(acl);
	if (e) {
		out->err = e;
		out->n = 0;
		return;
	}
	out->extended = out->n > 3;
}

/* The index of A's entry tagged TAG (-1: none). */
static int find_tag(const struct inspect_acl *a, enum inspect_acl_tag tag)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].tag == tag)
			return (int)i;
	return -1;
}

/* Whether U is in group G, and whether through a supplementary group. */
static bool in_group(const struct inspect_user *u, unsigned long g, bool *supp)
{
	*supp = false;
	if (u->gid != (gid_t)-1 && u->gid == g)
		return true;
	for (size_t i = 0; i < u->ngroups; i++)
		if (u->groups[i] == g) {
			*supp = true;
			return true;
		}
	return false;
}

/* The ACL entry E decided, with the mask M applied (-1: none). */
static void decided(struct inspect_decision *d, const struct inspect_acl *a, int e, int m)
{
	d->cls = INSPECT_GROUP;
	d->entry = e;
	d->mask = m;
	d->have = a->v[e].perm & (m >= 0 ? a->v[m].perm : 7u);
}

/* The class of permission bits the kernel checks for U on a node of UID and GID. */
enum inspect_class inspect_class_of(const struct inspect_user *u, uid_t uid, gid_t gid,
				    bool *supplementary)
{
	if (supplementary)
		*supplementary = false;
	if (u->uid == uid)
		return INSPECT_OWNER;
	if (u->gid == gid)
		return INSPECT_GROUP;
	for (size_t i = 0; i < u->ngroups; i++)
		if (u->groups[i] == gid) {
			if (supplementary)
				*supplementary = true;
			return INSPECT_GROUP;
		}
	return INSPECT_OTHER;
}

void inspect_decide(const struct inspect_user *u, const struct inspect_perm *p,
		    struct inspect_decision *d)
{
	memset(d, 0, sizeof(*d));
	d->entry = d->mask = -1;
	d->cls = inspect_class_of(u, p->uid, p->gid, &d->supplementary);
	/* Only the user's own class counts, even when another class has more bits. */
	unsigned shift = d->cls == INSPECT_OWNER ? 6 : d->cls == INSPECT_GROUP ? 3 : 0;
	d->have = ((unsigned)p->mode >> shift) & 7u;
	const struct inspect_acl *a = p->acl;
	if (a && a->err)
		d->unknown = true;
	/* The owner's entry is the owner's mode bits; without more entries the mode decides. */
	if (!a || a->err || !a->extended || d->cls == INSPECT_OWNER)
		return;
	int mask = find_tag(a, INSPECT_ACL_MASK);
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].tag == INSPECT_ACL_USER && a->v[i].id == u->uid) {
			d->supplementary = false;
			decided(d, a, (int)i, mask);
			return;
		}
	/* The first matching group entry that has the bits unmasked decides (masked); when
	 * none has them, the user is still denied, as the kernel does, not judged as other. */
	int found = -1;
	bool supp = false;
	for (size_t i = 0; i < a->n; i++) {
		const struct inspect_acl_entry *e = &a->v[i];
		bool s;
		if (!(e->tag == INSPECT_ACL_GROUP_OBJ && in_group(u, p->gid, &s)) &&
		    !(e->tag == INSPECT_ACL_GROUP && in_group(u, e->id, &s)))
			continue;
		if (found < 0 || (e->perm & p->need) == p->need) {
			found = (int)i;
			supp = s;
		}
		if ((e->perm & p->need) == p->need)
			break;
	}
	if (found >= 0) {
		decided(d, a, found, mask);
		d->supplementary = supp;
		return;
	}
	d->cls = INSPECT_OTHER;
	d->supplementary = false;
	int o = find_tag(a, INSPECT_ACL_OTHER);
	d->have = o >= 0 ? a->v[o].perm : (unsigned)p->mode & 7u;
}
