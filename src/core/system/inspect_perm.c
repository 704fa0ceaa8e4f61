/* inspect_perm: who may connect or create: the checks along a walk, the class the kernel
 * picks, the verdict, and the identities judged (pure but for the user database). */
#include "config.h"

#include "core/system/inspect.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/base/sysio.h"

static size_t put_perm(struct inspect_perm *out, size_t n, size_t max,
		       const struct inspect_step *s, unsigned need)
{
	if (n < max)
		out[n] = (struct inspect_perm){ s->path, s->mode, s->uid, s->gid, need, &s->acls };
	return n + 1;
}

size_t inspect_connect_perms(const struct inspect_walk *w, struct inspect_perm *out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < w->n; i++) {
		const struct inspect_step *s = &w->v[i];
		if (s->err)
			break;
		bool last = i + 1 == w->n;
		if (last && w->err == 0 && S_ISSOCK(s->mode))
			n = put_perm(out, n, max, s, INSPECT_NEED_W);
		else if (!last && S_ISDIR(s->mode))
			n = put_perm(out, n, max, s, INSPECT_NEED_X);
	}
	return n < max ? n : max;
}

size_t inspect_create_perms(const struct inspect_walk *w, struct inspect_perm *out, size_t max)
{
	if (!w->last_missing || w->n < 2)
		return 0;
	size_t parent = w->n;
	for (size_t i = w->n - 1; i-- > 0;)
		if (S_ISDIR(w->v[i].mode)) {
			parent = i;
			break;
		}
	size_t n = 0;
	for (size_t i = 0; i + 1 < w->n; i++)
		if (S_ISDIR(w->v[i].mode))
			n = put_perm(out, n, max, &w->v[i],
				     i == parent ? INSPECT_NEED_W | INSPECT_NEED_X : INSPECT_NEED_X);
	return n < max ? n : max;
}

const char *inspect_class_name(enum inspect_class c)
{
	switch (c) {
	case INSPECT_OWNER: return "owner";
	case INSPECT_GROUP: return "group";
	default: return "other";
	}
}

void inspect_verdict(const struct inspect_user *u, const struct inspect_perm *steps, size_t n,
		     struct inspect_verdict *v)
{
	memset(v, 0, sizeof(*v));
	v->root = u->uid == 0;
	v->by_mode = true;
	for (size_t i = 0; i < n; i++) {
		struct inspect_decision d;
		inspect_decide(u, &steps[i], &d);
		/* Past the first denial the kernel looks no further: an ACL there is moot. */
		if (d.unknown && !v->blind && v->by_mode) {
			v->blind = true;
			v->blind_step = i;
		}
		unsigned missing = steps[i].need & ~d.have;
		if (!missing)
			continue;
		if (v->by_mode) {
			v->by_mode = false;
			v->fail = i;
			v->missing = missing;
			v->cls = d.cls;
			v->supplementary = d.supplementary;
		}
		if (v->nblockers < INSPECT_BLOCKERS_MAX)
			v->blockers[v->nblockers] = (struct inspect_blocker){
				.step = i,
				.missing = missing,
				.cls = d.cls,
				.supplementary = d.supplementary,
				.entry = d.entry,
				.mask = d.mask,
				.have = d.have,
			};
		v->nblockers++;
	}
	v->allowed = v->by_mode || v->root;
}

/* --- identities --- */

void inspect_identity_self(struct inspect_identity *id)
{
	memset(id, 0, sizeof(*id));
	id->uid = geteuid();
	id->gid = getegid();
	id->has_gid = true;
	inspect_user_name(id->uid, id->name, sizeof(id->name));
	int n = getgroups(0, NULL);
	if (n > 0) {
		gid_t *g = calloc((size_t)n, sizeof(*g));
		if (g && (n = getgroups(n, g)) > 0) {
			size_t k = (size_t)n < INSPECT_GROUPS_MAX ? (size_t)n : INSPECT_GROUPS_MAX;
			memcpy(id->groups, g, k * sizeof(*g));
			id->ngroups = k;
			id->groups_cut = (size_t)n > k;
		}
		free(g);
	}
}

int inspect_identity_lookup(const char *who, struct inspect_identity *id)
{
	memset(id, 0, sizeof(*id));
	struct passwd pw, *res = NULL;
	char tmp[4096];
	unsigned long num;
	if (getpwnam_r(who, &pw, tmp, sizeof(tmp), &res) != 0 || !res) {
		if (sysio_parse_ulong(who, 10, 0, (uid_t)-2, &num) < 0)
			return -ENOENT;
		res = NULL;
		if (getpwuid_r((uid_t)num, &pw, tmp, sizeof(tmp), &res) != 0 || !res) {
			/* A uid with no passwd entry: no primary group, no groups to list. */
			id->uid = (uid_t)num;
			id->gid = (gid_t)-1;
			return 0;
		}
	}
	id->uid = res->pw_uid;
	id->gid = res->pw_gid;
	id->has_gid = true;
	snprintf(id->name, sizeof(id->name), "%s", res->pw_name);
	int ng = INSPECT_GROUPS_MAX;
	if (getgrouplist(res->pw_name, res->pw_gid, id->groups, &ng) < 0) {
		id->groups_cut = true;
		ng = INSPECT_GROUPS_MAX;
	}
	id->ngroups = (size_t)ng;
	return 0;
}

void inspect_identity_user(const struct inspect_identity *id, struct inspect_user *u)
{
	u->uid = id->uid;
	u->gid = id->has_gid ? id->gid : (gid_t)-1;
	u->groups = id->groups;
	u->ngroups = id->ngroups;
}
