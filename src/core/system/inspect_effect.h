/* inspect_effect: what a suggested fix does beyond the user judged: who else gains access and
 * who loses it (from the user and group databases), and whether a fix on the socket node lasts
 * (who creates the node, from the socket's holders and /proc). Main thread only (the user
 * database is walked with getpwent_r). */
#ifndef UDSCOPE_INSPECT_EFFECT_H
#define UDSCOPE_INSPECT_EFFECT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/system/inspect.h"
#include "core/system/sockets.h"

/* Users a list names (the count is exact). */
#define INSPECT_USERS_MAX 12

/* Users by name ("#1234" for a uid without one), in the order found, each once. */
struct inspect_users {
	size_t n;
	char v[INSPECT_USERS_MAX][INSPECT_NAME_MAX];
};

/* Who a fix gives access to and takes it from, besides the user judged. */
struct inspect_fix_who {
	bool everyone;           /* it sets bits for the other class */
	struct inspect_users gains;   /* members of the groups it opens, and users whose
				       * primary group that is */
	struct inspect_users loses;   /* the same of the groups a chgrp takes nodes from */
};
/* The effect of F for the user JUDGED. */
void inspect_fix_who(const struct inspect_fix *f, uid_t judged, struct inspect_fix_who *out);

/* Whether a fix on the socket node outlives the server's next start, and where the lasting
 * one belongs. */
struct inspect_lasting {
	bool node_fix;           /* a suggested fix changes the socket node itself */
	const char *node;        /* the socket's path (one of the checks') */
	const char *dir;         /* its directory's path (one of the checks') */
	unsigned bits;           /* what the user lacks on the node (INSPECT_NEED_*) */
	bool has_server;         /* a process holds the listener: pid, comm */
	pid_t pid;
	char comm[64];
	bool activated;          /* socket-activated: pid 1 holds it, or the holder got its
				  * descriptors from systemd (LISTEN_FDS in its environment) */
	int umask_err;           /* 0: umask is the server's */
	mode_t umask;
	char unit[128];          /* activated: the .socket unit systemctl names ("" unknown) */
};
/* Fill OUT for the connect checks PERMS (the socket last) and the fixes FIXES, with the
 * listener's holders H (NULL: none known). A socket-activated listener's unit is asked of
 * systemctl when systemd runs this system (a child, waited for 5 s at most). */
void inspect_lasting(const struct inspect_perm *perms, size_t nperms,
		     const struct inspect_fix *fixes, size_t nfixes,
		     const struct sockets_holders *h, struct inspect_lasting *out);

/* From systemctl list-sockets' lines (--full --no-legend) in TEXT, the unit listening on
 * PATH into UNIT. Returns whether one was found. Pure. */
bool inspect_unit_from_list(const char *text, const char *path, char *unit, size_t len);

#endif
