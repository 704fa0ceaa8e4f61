/* seqdiag: two-party sequence diagrams as text lines. */
#include "config.h"

#include "core/teach/seqdiag.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/grow.h"


int seqdiag_init(struct seqdiag *d, const char *left, const char *right)
{
	memset(d, 0, sizeof(*d));
	d->names[0] = strdup(left);
	d->names[1] = strdup(right);
	if (!d->names[0] || !d->names[1]) {
		seqdiag_free(d);
		return -ENOMEM;
	}
	return 0;
}

int seqdiag_add(struct seqdiag *d, enum seq_kind kind, enum seq_side side, uint64_t t_ns,
		const char *label)
{
	struct seq_item *v = grow_room(d->v, &d->cap, d->n, sizeof(*v), 16);
	if (!v)
		return -ENOMEM;
	d->v = v;
	char *l = strdup(label);
	if (!l)
		return -ENOMEM;
	d->v[d->n++] = (struct seq_item){ kind, side, t_ns, l };
	return 0;
}

void seqdiag_free(struct seqdiag *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].label);
	free(d->v);
	free(d->names[0]);
	free(d->names[1]);
	memset(d, 0, sizeof(*d));
}
