/* sockets_index: a collected list put in order and looked up: the sort and the names as
 * shown, filters, and the indexes by inode, node and name with the lookups that use them
 * (a socket by inode, the connections a listener accepted). */
#include "config.h"

#include "core/system/sockets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "core/base/socktype.h"

/* Free the indexes; the list stays as it was. */
void sockets_unindex(struct sockets_list *l)
{
	free(l->by_ino);
	free(l->by_vfs);
	free(l->by_name);
	l->by_ino = l->by_vfs = l->by_name = NULL;
	l->indexed = l->nvfs = l->nname = 0;
}

/* The order of the names as sockets_name shows them ('@' before an abstract one), without
 * making them: the sort compares each pair many times. */
static int shown_name_cmp(const struct sockets_entry *x, const struct sockets_entry *y)
{
	const uint8_t *px = x->name, *py = y->name;
	size_t kx = x->name_len, ky = y->name_len;
	if (x->abstract != y->abstract) {
		/* '@' against the other's first byte (a path name has one: both are named). */
		uint8_t ox = x->abstract ? '@' : px[0], oy = y->abstract ? '@' : py[0];
		if (ox != oy)
			return ox < oy ? -1 : 1;
		/* Equal: the abstract name goes on from its first byte, the path from its
		 * second. */
		if (x->abstract)
			py++, ky--;
		else
			px++, kx--;
	}
	int c = memcmp(px, py, kx < ky ? kx : ky);
	if (c)
		return c;
	return (kx > ky) - (kx < ky);
}

static int entry_cmp(const void *a, const void *b)
{
	const struct sockets_entry *x = a, *y = b;
	bool lx = x->state == SOCKETS_LISTEN, ly = y->state == SOCKETS_LISTEN;
	if (lx != ly)
		return lx ? -1 : 1;
	bool nx = x->name_len > 0 || x->abstract, ny = y->name_len > 0 || y->abstract;
	if (nx != ny)
		return nx ? -1 : 1;
	if (nx) {
		int c = shown_name_cmp(x, y);
		if (c)
			return c;
	}
	return (x->ino > y->ino) - (x->ino < y->ino);
}

void sockets_sort(struct sockets_list *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), entry_cmp);
	if (l->by_ino)   /* the entries moved: an index there was is built again */
		sockets_index(l);
}

size_t sockets_name(const struct sockets_entry *e, char *buf, size_t len)
{
	size_t w = 0;
	if (len == 0)
		return 0;
	if (e->abstract && w < len - 1)
		buf[w++] = '@';
	size_t n = e->name_len < len - 1 - w ? e->name_len : len - 1 - w;
	memcpy(buf + w, e->name, n);
	w += n;
	buf[w] = '\0';
	return w;
}

bool sockets_matches(const struct sockets_entry *e, const char *filter)
{
	if (!filter || !*filter)
		return true;
	char name[SOCKETS_NAME_MAX + 2];
	size_t n = sockets_name(e, name, sizeof(name));
	return memmem(name, n, filter, strlen(filter)) != NULL;
}

bool sockets_held_by(const struct sockets_entry *e, pid_t pid)
{
	size_t n = e->nprocs < SOCKETS_PROCS_MAX ? e->nprocs : SOCKETS_PROCS_MAX;
	for (size_t i = 0; i < n; i++)
		if (e->procs[i].pid == pid)
			return true;
	return false;
}

const char *sockets_type_name(int type)
{
	const char *name = socktype_name(type);
	return name ? name : "?";
}

const char *sockets_state_name(int state)
{
	switch (state) {
	case SOCKETS_LISTEN: return "listening";
	case SOCKETS_ESTABLISHED: return "connected";
	case SOCKETS_SYN_SENT: return "connecting";
	case SOCKETS_CLOSE: return "unconnected";
	default: return NULL;
	}
}

/* ---- the indexes: pointers into v, each ordered by a key, ties in list order ---- */

static int ptr_order(const struct sockets_entry *x, const struct sockets_entry *y)
{
	return (x > y) - (x < y);
}

/* The node a listener and the connections it accepted share. */
static int vfs_key(const struct sockets_entry *x, const struct sockets_entry *y)
{
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if (x->vfs_major != y->vfs_major)
		return x->vfs_major < y->vfs_major ? -1 : 1;
	if (x->vfs_minor != y->vfs_minor)
		return x->vfs_minor < y->vfs_minor ? -1 : 1;
	return (x->vfs_ino > y->vfs_ino) - (x->vfs_ino < y->vfs_ino);
}

/* The name they share when there is no node (abstract names, /proc/net/unix). */
static int name_key(const struct sockets_entry *x, const struct sockets_entry *y)
{
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if (x->abstract != y->abstract)
		return x->abstract ? 1 : -1;
	if (x->name_len != y->name_len)
		return x->name_len < y->name_len ? -1 : 1;
	return memcmp(x->name, y->name, x->name_len);
}

/* by_ino is a hash table (open addressing, a power of two at least twice n): built in one
 * pass, where sorting 20,000 entries was a tenth of the listing. */
static size_t ino_slot(uint32_t ino, size_t mask)
{
	return (size_t)((ino * 2654435761u) ^ (ino >> 15)) & mask;
}

static size_t ino_slots(size_t n)
{
	size_t slots = 16;
	while (slots < 2 * n)
		slots <<= 1;
	return slots;
}

static int by_vfs_cmp(const void *a, const void *b)
{
	const struct sockets_entry *x = *(const struct sockets_entry *const *)a;
	const struct sockets_entry *y = *(const struct sockets_entry *const *)b;
	int c = vfs_key(x, y);
	return c ? c : ptr_order(x, y);
}

static int by_name_cmp(const void *a, const void *b)
{
	const struct sockets_entry *x = *(const struct sockets_entry *const *)a;
	const struct sockets_entry *y = *(const struct sockets_entry *const *)b;
	int c = name_key(x, y);
	return c ? c : ptr_order(x, y);
}

void sockets_index(struct sockets_list *l)
{
	sockets_unindex(l);
	if (l->n == 0)
		return;
	size_t slots = ino_slots(l->n);
	l->by_ino = calloc(slots, sizeof(*l->by_ino));
	l->by_vfs = malloc(l->n * sizeof(*l->by_vfs));
	l->by_name = malloc(l->n * sizeof(*l->by_name));
	if (!l->by_ino || !l->by_vfs || !l->by_name) {
		sockets_unindex(l);   /* the lookups walk the list instead */
		return;
	}
	for (size_t i = 0; i < l->n; i++) {
		const struct sockets_entry *e = &l->v[i];
		/* Probing from its slot: a repeated inode (never, from the kernel) lands after
		 * the first. */
		size_t k = ino_slot(e->ino, slots - 1);
		while (l->by_ino[k])
			k = (k + 1) & (slots - 1);
		l->by_ino[k] = e;
		if (e->state == SOCKETS_ESTABLISHED && e->has_vfs)
			l->by_vfs[l->nvfs++] = e;
		if (e->state == SOCKETS_ESTABLISHED && e->name_len)
			l->by_name[l->nname++] = e;
	}
	qsort(l->by_vfs, l->nvfs, sizeof(*l->by_vfs), by_vfs_cmp);
	qsort(l->by_name, l->nname, sizeof(*l->by_name), by_name_cmp);
	l->indexed = l->n;
}

/* The first of IX[0..N) whose KEY is not below K's. */
static size_t lower_bound(const struct sockets_entry *const *ix, size_t n,
			  const struct sockets_entry *k,
			  int (*key)(const struct sockets_entry *, const struct sockets_entry *))
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (key(ix[mid], k) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool is_indexed(const struct sockets_list *l)
{
	return l->by_ino && l->indexed == l->n;
}

bool sockets_entry_is_node(const struct sockets_entry *e, const struct stat *st)
{
	return e->has_vfs && e->vfs_ino == (uint32_t)st->st_ino &&
	       e->vfs_major == major(st->st_dev) && e->vfs_minor == minor(st->st_dev);
}

const struct sockets_entry *sockets_find_ino(const struct sockets_list *l, uint32_t ino)
{
	if (is_indexed(l)) {
		size_t mask = ino_slots(l->n) - 1;
		for (size_t k = ino_slot(ino, mask); l->by_ino[k]; k = (k + 1) & mask)
			if (l->by_ino[k]->ino == ino)
				return l->by_ino[k];
		return NULL;
	}
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].ino == ino)
			return &l->v[i];
	return NULL;
}

/* E was accepted by L: an established socket of L's type on L's node (or name). */
static bool accepted_by(const struct sockets_entry *e, const struct sockets_entry *l)
{
	if (e == l || e->state != SOCKETS_ESTABLISHED || e->type != l->type)
		return false;
	if (l->has_vfs)
		return e->has_vfs && e->vfs_ino == l->vfs_ino && e->vfs_major == l->vfs_major &&
		       e->vfs_minor == l->vfs_minor;
	return l->name_len && e->abstract == l->abstract && e->name_len == l->name_len &&
	       !memcmp(e->name, l->name, l->name_len);
}

/* sockets_accepted through an index: the run of entries sharing the listener's key. */
static size_t accepted_indexed(const struct sockets_list *l, const struct sockets_entry *listener,
			       const struct sockets_entry **out, size_t max)
{
	bool vfs = listener->has_vfs;
	const struct sockets_entry *const *ix = vfs ? l->by_vfs : l->by_name;
	size_t len = vfs ? l->nvfs : l->nname, n = 0;
	int (*key)(const struct sockets_entry *, const struct sockets_entry *) =
		vfs ? vfs_key : name_key;
	for (size_t i = lower_bound(ix, len, listener, key);
	     i < len && key(ix[i], listener) == 0; i++)
		if (accepted_by(ix[i], listener)) {
			if (n < max)
				out[n] = ix[i];
			n++;
		}
	return n;
}

size_t sockets_accepted(const struct sockets_list *l, const struct sockets_entry *listener,
			const struct sockets_entry **out, size_t max)
{
	if (is_indexed(l))   /* (accepted_by: a listener without node or name has none) */
		return listener->has_vfs || listener->name_len
		       ? accepted_indexed(l, listener, out, max) : 0;
	size_t n = 0;
	for (size_t i = 0; i < l->n; i++)
		if (accepted_by(&l->v[i], listener)) {
			if (n < max)
				out[n] = &l->v[i];
			n++;
		}
	return n;
}
