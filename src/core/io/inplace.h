/* inplace: stepping in front of a live socket node (tap --in-place) and putting back only what
 * is provably ours.
 *
 * udscope often runs as root in front of a service whose user can write the directory, so no
 * path there is trusted: everything is done on descriptors. inplace_take opens the directory
 * and the live node (O_PATH, never following a link) and makes a private directory beside
 * the node, ".NAME.udscope-tap" (mode 0700, udscope's own). inplace_make_node binds the tap's
 * node inside it and gives it the real node's owner, group, mode and ACL there, where nobody
 * else can swap it. inplace_swap exchanges the two nodes atomically (renameat2
 * RENAME_EXCHANGE: no client ever sees the path missing) and keeps the real node in the
 * private directory as "node"; the tap reaches it through /proc/self/fd/N, whatever happens
 * to any name.
 *
 * Putting back (stop, signals, the guard, tap --restore) checks device and inode, race-free:
 * the real node goes back only while PATH still holds the tap's own node; a node the service
 * bound meanwhile is left alone, and the real node is then removed only if nothing is bound
 * to it. A guard process in a session of its own holds the descriptors and does the same
 * when udscope dies without putting back. Main thread only. */
#ifndef UDSCOPE_INPLACE_H
#define UDSCOPE_INPLACE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "core/base/addr.h"
#include "core/base/event.h"

#define INPLACE_SUFFIX ".udscope-tap"

/* What inplace_restore and inplace_repair found and did, for their one line. */
struct inplace_result {
	int path_was;     /* INPLACE_* below: what was at PATH */
	mode_t path_mode; /* its file type when INPLACE_OTHER */
	int orig;         /* INPLACE_PUT_BACK, _REMOVED, _KEPT: what became of the real node */
	int dir;          /* INPLACE_DIR_*: what became of the private directory */
	mode_t dir_mode;  /* INPLACE_DIR_REPLACED: the file type found at its name */
	int said;         /* INPLACE_SAID_*: what else inplace_restore has to say */
};
enum {
	INPLACE_SAID_NONE,
	INPLACE_SAID_GUARD_SILENT, /* put back, but the guard did not answer within a second:
				    * it ends when it runs again, putting back only the tap's */
	INPLACE_SAID_NOT_PUT_BACK, /* the real node could not be put back (the guard tries
				    * again when udscope ends) */
	INPLACE_SAID_OLD_LAYOUT,   /* repair: an older udscope's node at the hidden name goes
				    * back only to an empty PATH */
};
enum {
	INPLACE_OURS = 1, /* the tap's own node: replaced by the real one */
	INPLACE_ABSENT,   /* nothing */
	INPLACE_NEW_NODE, /* a socket node that is not the tap's: the service's new one */
	INPLACE_OTHER,    /* something else (a symbolic link...): left alone */
	INPLACE_PUT_BACK, /* the real node is at PATH again */
	INPLACE_REMOVED,  /* the real node was dead (nothing bound to it): removed */
	INPLACE_KEPT,     /* the real node is still live and PATH taken: kept where it waits */
};
enum {
	INPLACE_DIR_REMOVED,  /* gone, as it should be */
	INPLACE_DIR_KEPT,     /* still holds the real node (INPLACE_KEPT) */
	INPLACE_DIR_MOVED,    /* someone moved it away from its name: left wherever it is */
	INPLACE_DIR_REPLACED, /* something else is at its name now: left alone */
};

struct inplace {
	char *path;            /* the node the clients know */
	char *hidden;          /* the private directory, "DIR/.NAME.udscope-tap" (shown only) */
	char *base, *hbase;    /* PATH's and the private directory's last components */
	int dfd;               /* PATH's directory (O_PATH) */
	int pdfd;              /* the private directory */
	int orig_fd;           /* the real node (O_PATH): reached as /proc/self/fd/N */
	int tap_fd;            /* the tap's node (O_PATH): its inode number is never reused */
	struct stat orig;      /* the real node as found: owner, group, mode, device, inode */
	struct stat tapnode;   /* the tap's node as made (device, inode) */
	bool swapped;          /* the tap's node is at PATH, the real one in the private dir */
	struct uds_addr via;   /* "/proc/self/fd/N": the real node, for connect */
	char record[64];       /* "tap.DEV.INO" in the private dir: which node was the tap's */
	pid_t guard;           /* the guard process, 0 when none */
	int guard_fd;          /* this end of the guard's socket, -1 once dismissed */
};

/* The private directory's name for PATH: "DIR/.NAME.udscope-tap". A string to free, or NULL. */
char *inplace_hidden_name(const char *path);

/* Open PATH's directory and the live socket node at PATH, and make the private directory.
 * Nothing moves yet. -ENOTSOCK when PATH is not a socket node, -EEXIST when a private
 * directory (or anything) is already at the hidden name; WHY (WHYLEN bytes) then says what,
 * as words to put after "tap PATH --in-place: " and before the errno text. */
int inplace_take(struct inplace *ip, const char *path, char *why, size_t whylen);
/* Bind the socket FD in the private directory (permission bits of the real node from the
 * start) and give that node the real one's owner, group, mode and ACL, by descriptor. The
 * caller then listens, and calls inplace_swap. Returns 0 or -errno with WHY. */
int inplace_make_node(struct inplace *ip, int fd, char *why, size_t whylen);
/* Start the guard, then exchange the tap's node and the real one atomically. Returns 0, or
 * -errno with WHY (-ESTALE: PATH changed since it was checked; it was put back). */
int inplace_swap(struct inplace *ip, char *why, size_t whylen);
/* Put back what is ours (see above), remove the private directory, dismiss the guard (waiting
 * for its answer at most a second) and close every descriptor. Fills RES: what was found and
 * done, and in RES->said what else is worth saying (a guard that did not answer, a node not
 * put back); their words are render's. Returns 0, or -errno when the real node is left
 * waiting (the guard then stays). */
int inplace_restore(struct inplace *ip, struct inplace_result *res);
/* Free what inplace_take allocated (after a successful restore, or a failed take). */
void inplace_forget(struct inplace *ip);
/* tap PATH --restore: put back what an earlier tap left in the private directory, by the
 * same rules, using the tap node's identity it recorded there. -ENOENT when there is none;
 * -EPERM when what is there is not a private directory of this user (left untouched). */
int inplace_repair(const char *path, struct inplace_result *res);
/* EV: the tap's fact for RES at PATH with its private directory HIDDEN (its words, "put the
 * server's node back at PATH", ..., are made in core/render/render_fact.c). */
void inplace_event(struct event *ev, const struct inplace_result *res, const char *path,
		   const char *hidden);
/* For inspect and tap --in-place: whether an earlier tap's private directory waits beside
 * PATH; if so a hint naming it and `tap PATH --restore` in BUF. */
bool inplace_leftover_hint(const char *path, char *buf, size_t len);

#endif
