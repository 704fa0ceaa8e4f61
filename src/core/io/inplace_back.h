/* inplace_back: putting an in-place tap's node back, shared by udscope (inplace.c) and the
 * guard (inplace_guard.c). Internal to the in-place tap. */
#ifndef UDSCOPE_INPLACE_BACK_H
#define UDSCOPE_INPLACE_BACK_H

#include <stdbool.h>
#include <sys/stat.h>

#include "core/base/addr.h"
#include "core/io/inplace.h"

/* Names in the private directory: the tap's node until the swap, the real node after it. */
#define INPLACE_TAP_NAME "tap"
#define INPLACE_ORIG_NAME "node"

/* A and B are the same node: device, inode and file type. */
bool inplace_same_node(const struct stat *a, const struct stat *b);

/* What putting back needs: descriptors and identities only, no name but PATH's last
 * component in its directory's descriptor. */
struct inplace_fds {
	int dfd;                    /* PATH's directory */
	const char *base;           /* PATH's last component */
	int pdfd;                   /* the private directory, holding the real node */
	const struct stat *orig;    /* the real node's identity */
	const struct stat *tapnode; /* the tap's node's identity */
	bool has_tap;               /* TAPNODE is known */
	bool tap_dead;              /* TAPNODE is only a record (udscope is gone, nothing holds
				     * the node, its inode number may be reused): a node at PATH
				     * is the tap's only while nothing is bound to it */
	const struct uds_addr *via; /* the real node through /proc/self/fd/N */
};

/* Put the real node back if PATH holds the tap's node; else leave PATH and settle the real
 * node (back to an empty PATH while live, removed when nothing is bound to it). Only system
 * calls, no allocation: the guard, forked from a threaded process, uses it. Returns 0 or
 * -errno; RES says what was found and done. */
int inplace_put_back(const struct inplace_fds *f, struct inplace_result *res);
/* Remove RECORD (if not "") and the private directory, when HBASE still names PDFD's
 * directory; RES->dir and dir_mode say what became of it. Async-signal-safe. */
void inplace_drop_dir(int dfd, const char *hbase, int pdfd, const char *record,
		      struct inplace_result *res);
/* F for IP. */
void inplace_fds_of(const struct inplace *ip, struct inplace_fds *f);

#endif
