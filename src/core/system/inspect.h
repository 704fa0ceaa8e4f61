/* inspect: a socket node's facts, the path walk to it (inspect.c), who may connect
 * (inspect_perm.c) and the fixes that would let them (inspect_fix.c), liveness and the proof
 * as another user (inspect_probe.c). */
#ifndef UDSCOPE_INSPECT_H
#define UDSCOPE_INSPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "core/base/addr.h"
#include "core/base/bytes.h"

/* "srwxr-xr-x" and its NUL. */
#define INSPECT_MODE_STR 11
/* Symlinks a walk follows before it gives up with ELOOP, as the kernel does. */
#define INSPECT_MAX_LINKS 40
#define INSPECT_GROUPS_MAX 256
#define INSPECT_NAME_MAX 64

/* MODE as ls -l shows it: type letter, rwx triplets, s/S t/T for setuid, setgid, sticky. */
void inspect_mode_string(mode_t mode, char buf[INSPECT_MODE_STR]);
/* LEN bytes of S as they are when every byte is printable ASCII, else as a b'...' literal,
 * so no path or name reaches a terminal raw. Returns BUF. */
const char *inspect_show(const void *s, size_t len, char *buf, size_t bufsz);
#define INSPECT_SHOW_SIZE(len) BYTES_REPR_SIZE(len)

/* "root", or "" when no such user (group) is known. */
void inspect_user_name(uid_t uid, char *buf, size_t len);
void inspect_group_name(gid_t gid, char *buf, size_t len);

/* --- POSIX ACLs (inspect_acl.c) --- */

enum inspect_acl_tag {
	INSPECT_ACL_USER_OBJ,    /* user:: (the owner's mode bits) */
	INSPECT_ACL_USER,        /* user:NAME: */
	INSPECT_ACL_GROUP_OBJ,   /* group:: */
	INSPECT_ACL_GROUP,       /* group:NAME: */
	INSPECT_ACL_MASK,        /* mask:: (the group bits of the mode) */
	INSPECT_ACL_OTHER,       /* other:: */
};

struct inspect_acl_entry {
	enum inspect_acl_tag tag;
	unsigned long id;        /* USER, GROUP: the uid or gid */
	unsigned perm;           /* INSPECT_NEED_* bits */
};

/* Entries an ACL keeps; a longer one is unknown (err E2BIG). */
#define INSPECT_ACL_MAX 32

/* A node's access ACL as libacl reads it. */
struct inspect_acl {
	bool supported;          /* the file system keeps ACLs (reading did not say ENOTSUP) */
	int err;                 /* reading it failed otherwise (errno): what decides is unknown */
	bool extended;           /* more than the mode's three entries: the ACL decides */
	size_t n;
	struct inspect_acl_entry v[INSPECT_ACL_MAX];
};
/* Read the access ACL of the node open as FD (an O_PATH descriptor is fine), PATH its name
 * for a /proc-less fallback. Never fails: errors are facts inside OUT. */
void inspect_acl_read(int fd, const char *path, struct inspect_acl *out);

/* What lstat (and, for a symlink, stat) says about one path. */
struct inspect_node {
	int err;                 /* lstat errno; 0: st holds the node */
	struct stat st;
	char *link;              /* a symlink's target (malloc'd), NULL otherwise */
	int link_err;            /* readlink errno */
	int target_err;          /* a symlink: stat errno of its target; 0: target_st valid */
	struct stat target_st;
	bool acl;                /* a POSIX ACL (system.posix_acl_access) is present */
};
/* Fill OUT for PATH. Never fails: errors are facts inside OUT. */
void inspect_node(const char *path, struct inspect_node *out);
void inspect_node_free(struct inspect_node *n);

/* One component of a namei-style walk. */
struct inspect_step {
	char *path;              /* the absolute path looked up */
	char *name;              /* the component: "/", "tmp", "..", a symlink's name */
	char *link;              /* a symlink's target, NULL otherwise */
	unsigned depth;          /* symlinks being followed here (indentation) */
	int err;                 /* lstat errno; 0: mode, uid, gid are valid */
	mode_t mode;
	uid_t uid;
	gid_t gid;
	bool acl;                /* a POSIX ACL beyond the mode bits is set (acls.extended) */
	struct inspect_acl acls; /* directories and sockets: its access ACL */
};

struct inspect_walk {
	char *abs;               /* the path made absolute (the cwd joined in front) */
	char *cwd;               /* a relative path: the working directory, where the lookup
				  * starts (v[0]); its parents are not checked. NULL: from / */
	struct inspect_step *v;
	size_t n, cap;
	int err;                 /* 0: resolved to v[n-1]; else why the walk stopped there */
	bool last_missing;       /* err is ENOENT for the very last component */
};
/* Walk PATH like namei, following symlinks (and resolving ..) as path lookup does: from /
 * for an absolute path, from the working directory for a relative one (as the kernel does,
 * never looking at the working directory's parents; an absolute symlink restarts at /).
 * Returns 0 (a stopped walk is a fact: see err) or -errno (getcwd, out of memory). */
int inspect_walk(const char *path, struct inspect_walk *out);
void inspect_walk_free(struct inspect_walk *w);

/* Permission bits a step needs, in rwx order so they line up with the mode. */
#define INSPECT_NEED_R 4u
#define INSPECT_NEED_W 2u
#define INSPECT_NEED_X 1u

/* One permission check path lookup or connect makes. */
struct inspect_perm {
	const char *path;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	unsigned need;           /* INSPECT_NEED_* */
	const struct inspect_acl *acl;   /* the node's ACL; NULL: the mode bits alone */
};

/* The checks connect() makes along W: search (x) on every directory it looks in, write (w)
 * on the socket. Returns how many were written (at most MAX). */
size_t inspect_connect_perms(const struct inspect_walk *w, struct inspect_perm *out, size_t max);
/* The checks bind() makes to create W's missing last component: search on every directory,
 * write and search on the parent. Returns 0 unless W stopped with last_missing. */
size_t inspect_create_perms(const struct inspect_walk *w, struct inspect_perm *out, size_t max);

enum inspect_class { INSPECT_OWNER, INSPECT_GROUP, INSPECT_OTHER };

struct inspect_user {
	uid_t uid;
	gid_t gid;               /* primary group; (gid_t)-1 when none is known */
	const gid_t *groups;     /* supplementary groups */
	size_t ngroups;
};

/* How the kernel decides one check for one user (POSIX.1e order: owner; named users; owning
 * group and named groups, masked; other). */
struct inspect_decision {
	enum inspect_class cls;  /* owner, group (named entries too), other */
	bool supplementary;      /* a group matched through a supplementary group */
	int entry;               /* the ACL entry that decided (index into acl->v); -1: the
				  * mode bits (owner, other, or no ACL) */
	int mask;                /* the mask entry applied to it; -1: none */
	unsigned have;           /* the bits the user gets there */
	bool unknown;            /* the ACL could not be read: the mode bits are a guess */
};
/* Decide P for U (pure). */
void inspect_decide(const struct inspect_user *u, const struct inspect_perm *p,
		    struct inspect_decision *d);

/* Blockers a verdict keeps (nblockers still counts them all). */
#define INSPECT_BLOCKERS_MAX 16

/* One step whose mode bits deny the user a bit it needs. */
struct inspect_blocker {
	size_t step;             /* index into the checks */
	unsigned missing;        /* INSPECT_NEED_* bits missing there */
	enum inspect_class cls;  /* the user's class on that step */
	bool supplementary;      /* that class is group through a supplementary group */
	int entry, mask;         /* the ACL entry that decided and its mask (-1: none) */
	unsigned have;           /* what the user has there */
};

struct inspect_verdict {
	bool allowed;            /* root's DAC override included */
	bool by_mode;            /* the mode bits alone allow it */
	bool root;               /* uid 0: CAP_DAC_OVERRIDE skips the mode bits */
	size_t fail;             /* !by_mode: the first step the mode bits deny */
	unsigned missing;        /* !by_mode: INSPECT_NEED_* bits missing there */
	enum inspect_class cls;  /* !by_mode: the user's class on that step */
	bool supplementary;      /* that class is group through a supplementary group */
	bool blind;              /* a step's ACL could not be read: blind_step, unknown there */
	size_t blind_step;
	/* !by_mode: every step the mode bits deny, in path order (the first is fail's). */
	size_t nblockers;
	struct inspect_blocker blockers[INSPECT_BLOCKERS_MAX];
};

/* The class (owner, group, other) the kernel picks for U on a node owned by UID:GID.
 * SUPPLEMENTARY (may be NULL) says the group matched through a supplementary group. */
enum inspect_class inspect_class_of(const struct inspect_user *u, uid_t uid, gid_t gid,
				    bool *supplementary);
const char *inspect_class_name(enum inspect_class c);
/* Check U against STEPS in order, each as the kernel decides it (ACLs included); the first
 * step missing a needed bit decides, and every step missing one is listed (the kernel stops at
 * the first; a fix needs them all). */
void inspect_verdict(const struct inspect_user *u, const struct inspect_perm *steps, size_t n,
		     struct inspect_verdict *v);

/* --- fixes: what would make a denied verdict pass (suggested, never run) --- */

enum inspect_fix_op {
	INSPECT_FIX_CHMOD,       /* chmod WHO+BITS PATH */
	INSPECT_FIX_CHGRP,       /* chgrp GID PATH (the node's group was OLD_GID) */
	INSPECT_FIX_JOIN,        /* usermod -aG GID USER */
	INSPECT_FIX_SETFACL,     /* setfacl -m u:UID:BITS PATH (who 'u'), g:GID:BITS ('g') */
};

struct inspect_fix_step {
	enum inspect_fix_op op;
	const char *path;        /* CHMOD, CHGRP: one of the checks' paths */
	char who;                /* CHMOD: 'u', 'g' or 'o' */
	unsigned bits;           /* CHMOD: INSPECT_NEED_* */
	gid_t gid;               /* the group: CHGRP's, JOIN's, and for CHMOD the node's */
	gid_t old_gid;           /* CHGRP: the node's group before */
	uid_t uid;               /* SETFACL 'u': the user */
	unsigned widens;         /* SETFACL, CHMOD g+: bits the ACL mask gains (the other
				  * entries of the ACL gain them) */
};

/* Who gains access besides the user, narrowest first. */
enum inspect_fix_scope {
	INSPECT_SCOPE_USER,      /* only the user (owner bits, an ACL entry of the user's, or
				  * joining a group that has them) */
	INSPECT_SCOPE_GROUP,     /* the members of the groups it touches */
	INSPECT_SCOPE_EVERYONE,  /* every user: it sets bits for the other class */
};

#define INSPECT_FIX_STEPS 24
#define INSPECT_FIXES_MAX 3

struct inspect_fix {
	enum inspect_fix_scope scope;
	size_t n;
	struct inspect_fix_step v[INSPECT_FIX_STEPS];
	bool cut;                /* more steps were needed than fit: not a whole fix */
};

/* Candidate fixes for a denied verdict V of U over STEPS, narrowest first: an ACL entry for U
 * (when every node it needs keeps ACLs), then by groups (the node's own group when it is not
 * root's and U joins it, else U's primary group takes the node; none when U has no primary
 * group but root's), then by the other class. Owner and group class blockers get u+ and g+
 * bits; an ACL entry that lacks the bits itself is widened with setfacl. Returns how many (0
 * when V allows). Pure. */
size_t inspect_fixes(const struct inspect_user *u, const struct inspect_perm *steps,
		     const struct inspect_verdict *v, struct inspect_fix *out, size_t max);

/* A user to judge: name, ids and groups, ready to use in a forked child. */
struct inspect_identity {
	char name[INSPECT_NAME_MAX];   /* "" when the uid has no passwd entry */
	uid_t uid;
	gid_t gid;
	bool has_gid;
	gid_t groups[INSPECT_GROUPS_MAX];
	size_t ngroups;
	bool groups_cut;               /* more groups than INSPECT_GROUPS_MAX */
};
/* This process: effective uid and gid, and its supplementary groups. */
void inspect_identity_self(struct inspect_identity *id);
/* WHO is a user name or a uid; groups from getgrouplist. Returns 0 or -ENOENT / -EINVAL. */
int inspect_identity_lookup(const char *who, struct inspect_identity *id);
void inspect_identity_user(const struct inspect_identity *id, struct inspect_user *u);

enum inspect_liveness {
	INSPECT_LISTENING,       /* a listener (sock_diag's state, or a connect that succeeded) */
	INSPECT_BACKLOG_FULL,    /* a listener whose queue is full (a connect gets EAGAIN) */
	INSPECT_DGRAM_BOUND,     /* a datagram socket is bound there */
	INSPECT_BOUND_IDLE,      /* a stream or seqpacket socket is bound there, not listening */
	INSPECT_STALE,           /* nothing is bound: the node outlived its server */
	INSPECT_UNKNOWN,         /* err says why */
};

/* How the liveness was learnt. */
enum inspect_method {
	INSPECT_BY_CONNECT,      /* one connect: a listener sees a connection without data */
	INSPECT_BY_DIAG,         /* sock_diag's state and queue lengths: nothing connected */
	INSPECT_BY_LIST,         /* /proc/net/unix's state: the socket is this process's own,
				  * which is never connected to */
};

struct inspect_probe {
	enum inspect_liveness live;
	int type;                /* the socket type (that reached it, for a connect) */
	int err;                 /* connect errno behind STALE and UNKNOWN */
	enum inspect_method method;
	bool has_queue;          /* a listener's queue, from sock_diag */
	uint32_t queued;         /* connections waiting to be accepted */
	uint32_t backlog;        /* listen()'s backlog: more than this waiting means full */
};
/* One non-blocking connect (stream, then seqpacket, then dgram on EPROTOTYPE), closed at
 * once: a listener sees one connection that ends without data. */
void inspect_probe(const struct uds_addr *a, struct inspect_probe *out);

struct sockets_entry;
/* Liveness of the socket bound to A, answered without connecting when the system's list
 * can tell: E is the list's entry bound there (NULL: none), FROM_DIAG says the list came
 * from sock_diag (else /proc/net/unix). sock_diag's state and queue lengths answer for a
 * socket it lists, and for an abstract name it lists nothing for (abstract names live in
 * this network namespace); a socket this process holds is never connected to. Otherwise
 * one connect to A, as inspect_probe (A NULL: the path does not fit, UNKNOWN with
 * ENAMETOOLONG). */
void inspect_liveness(const struct uds_addr *a, const struct sockets_entry *e, bool from_diag,
		      struct inspect_probe *out);

/* The real outcome of connect for ID, from a forked child that switched to ID's uid and
 * groups (needs root). */
struct inspect_proof {
	const char *failed;      /* NULL, or the call that stopped the child ("setresuid") */
	int err;                 /* that call's errno, or connect's (0: connected) */
	int type;                /* the socket type connect used */
};
/* Returns 0 (see OUT), or -errno when the child could not be run. */
int inspect_prove(const struct uds_addr *a, const struct inspect_identity *id,
		  struct inspect_proof *out);
/* True when ERR from connect means the permission checks passed (connected, refused,
 * backlog full, wrong type). */
bool inspect_connect_permitted(int err);

/* This process's umask, from /proc/self/status (reading it with umask() would race other
 * threads). Returns 0 or -errno. */
int inspect_umask(mode_t *out);

#endif
