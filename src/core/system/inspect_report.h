/* inspect_report: everything one `inspect` found, as typed facts for a front end to lay out
 * (render_inspect.c makes its lines and JSON); the sockets report beside it.
 *
 * cmd_inspect.c fills one on the main thread and hands it to app_report; every pointer in it
 * lives only for that call. */
#ifndef UDSCOPE_INSPECT_REPORT_H
#define UDSCOPE_INSPECT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "core/base/addr.h"
#include "core/system/inspect.h"
#include "core/system/inspect_effect.h"
#include "core/system/sockets.h"

/* Permission checks kept for one verdict (a walk through many symlinks can need more). */
#define INSPECT_PERMS_MAX 256
/* Established connections a report describes (the count is exact). */
#define INSPECT_CONNS_MAX 32
/* User and group names a report keeps; an id past them shows as its number. */
#define INSPECT_NAMES_MAX 64

/* A user or group name the report mentions (looked up once; "" when none is known). */
struct inspect_name {
	bool group;
	unsigned long id;
	char name[INSPECT_NAME_MAX];
};

/* Why a verdict came out as it did. */
enum inspect_reason {
	INSPECT_R_ALLOWED,       /* the mode bits allow every check */
	INSPECT_R_ROOT,          /* root, and the mode bits allow it too */
	INSPECT_R_ROOT_OVERRIDE, /* root's DAC override: the mode bits alone would deny */
	INSPECT_R_DENIED,        /* the mode bits deny: see blockers */
	INSPECT_R_MISSING,       /* the walk stopped: ENOENT, ENOTDIR or ELOOP (err) */
	INSPECT_R_UNKNOWN,       /* the walk stopped for another reason (err), or an ACL on the
				  * way could not be read, before any step denied */
	INSPECT_R_NOT_SOCKET,    /* the path leads to something else */
	INSPECT_R_ABSTRACT,      /* an abstract name: no file system check (live decides) */
};

/* A verdict on connect (or, for create, on bind) for one identity. */
struct inspect_judgement {
	enum inspect_reason reason;
	bool can;                /* the user can connect (create) as far as the facts tell */
	bool unknown;            /* the facts cannot tell */
	int err;                 /* MISSING, UNKNOWN: why the walk stopped */
	const struct inspect_step *at;   /* MISSING, UNKNOWN, NOT_SOCKET: the last step */
	size_t nperms;
	struct inspect_perm perms[INSPECT_PERMS_MAX];
	struct inspect_decision dec[INSPECT_PERMS_MAX];  /* how each check was decided */
	struct inspect_verdict v;
	enum inspect_class last_cls;     /* ALLOWED: the user's class on the socket */
	/* This process could not see everything the verdict needs: the lookup was refused
	 * past blind_path, or the ACL of blind_path could not be read (blind_err). The
	 * verdict may be wrong beyond it and the fixes incomplete. */
	bool blind;
	const char *blind_path;
	int blind_err;
	bool blind_acl;                  /* the ACL, not the lookup */
	size_t nfixes;
	struct inspect_fix fixes[INSPECT_FIXES_MAX];
	struct inspect_fix_who who[INSPECT_FIXES_MAX];
};

/* One established connection to the listener: its server end and the client end's holders. */
struct inspect_conn {
	uint32_t ino;            /* the server end (accepted) */
	bool has_peer;
	uint32_t peer_ino;       /* the client end */
	bool peer_found;         /* the client end is in the list (holders valid) */
	struct sockets_holders client;
};

enum inspect_proof_state {
	INSPECT_PROOF_NONE,      /* no --as */
	INSPECT_PROOF_NOT_ROOT,  /* switching users needs root */
	INSPECT_PROOF_NO_GROUP,  /* the uid has no passwd entry */
	INSPECT_PROOF_ERROR,     /* the child could not be run: run_err */
	INSPECT_PROOF_RAN,       /* see proof */
};

/* The proof's outcome beside the verdict. */
enum inspect_agree {
	INSPECT_AGREES,
	INSPECT_NOT_REACHED,     /* connect failed before the permission checks */
	INSPECT_DISAGREES,       /* a security module or the mount decided */
};

struct inspect_report {
	/* What was asked. */
	const char *path;        /* as given (an abstract name's text may hold NUL bytes) */
	size_t path_len;
	bool abstract;
	const struct uds_addr *addr;     /* abstract: the parsed name */
	const struct inspect_identity *self, *id;   /* id: the user judged (self without --as) */
	bool as;                 /* --as was given */
	bool check;              /* --check: the exit status tells the verdict */
	/* The node (paths only). */
	const struct inspect_walk *walk;
	const struct inspect_node *node;
	bool fits;               /* the path fits sun_path */
	bool is_socket;          /* a socket is there (reached through symlinks or not) */
	/* Liveness (is_socket, or abstract). */
	bool has_live;           /* false: not probed (the path does not fit) */
	struct inspect_probe live;
	bool probed_too;         /* --probe: a connect was made besides the table's answer */
	struct inspect_probe probe;
	int list_err;            /* listing sockets failed (errno); 0: the list below */
	enum sockets_source list_source;
	int diag_err;
	size_t procs_unreadable;
	int procs_err;
	const struct sockets_entry *entry;   /* the socket bound there, NULL: none listed */
	struct sockets_holders holders;
	size_t nconns;           /* established connections (server ends), exact */
	struct inspect_conn conns[INSPECT_CONNS_MAX];
	bool literal_file;       /* abstract: a file named like the text exists here */
	mode_t literal_mode;
	/* Verdict, proof, and for a missing node whether it could be created. */
	struct inspect_judgement verdict;
	enum inspect_proof_state proof_state;
	int proof_err;           /* ERROR */
	struct inspect_proof proof;
	bool proof_permitted;    /* RAN: the child passed the permission checks */
	enum inspect_agree agree;
	bool has_create;
	struct inspect_judgement create;
	int umask_err;           /* 0: umask valid */
	mode_t umask;
	/* Whether the verdict's fixes on the socket node last. */
	struct inspect_lasting lasting;
	/* Names of the users and groups above. */
	size_t nnames;
	struct inspect_name names[INSPECT_NAMES_MAX];
};

/* The name of user (GROUP false) or group ID as recorded in R: "" when unknown. */
const char *inspect_report_name(const struct inspect_report *r, bool group, unsigned long id);

/* sockets [FILTER]: the rows shown, peers of the matched ones among them. */
struct sockets_row {
	const struct sockets_entry *e;
	bool peer;               /* shown as the peer of a matched socket, not matched itself */
	struct sockets_holders holders;
	const char *note;        /* an in-place tap's node or the server it hides, else NULL */
};

/* A matched listener and how many connections it has established. */
struct sockets_clients {
	const struct sockets_entry *e;
	size_t clients;
};

struct sockets_report {
	const struct sockets_list *list;
	const char *filter;      /* "" when none */
	size_t listening;        /* in the whole list */
	size_t matched;          /* rows that match the filter */
	size_t nrows;
	struct sockets_row *rows;
	size_t nlisteners;
	struct sockets_clients *listeners;
	/* The holders are still being read (app->sockets_async): done of total processes;
	 * or they could not be (holders_err, an errno; holders_op says what failed). */
	bool holders_pending;
	int holders_err;
	const char *holders_op;
	size_t procs_done, procs_total;
};

#endif
