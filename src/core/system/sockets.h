/* sockets: the system's Unix domain sockets, from sock_diag netlink or /proc/net/unix. */
#ifndef UDSCOPE_SOCKETS_H
#define UDSCOPE_SOCKETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Bytes of sun_path, the most a name can hold. */
#define SOCKETS_NAME_MAX 108
/* Holders kept per socket; nprocs still counts them all. */
#define SOCKETS_PROCS_MAX 6

/* The kernel reports Unix socket states in TCP's numbering. */
enum sockets_state {
	SOCKETS_ESTABLISHED = 1,
	SOCKETS_SYN_SENT = 2,
	SOCKETS_CLOSE = 7,
	SOCKETS_LISTEN = 10,
};

/* The most of a process's name the kernel keeps (TASK_COMM_LEN), with its NUL. */
#define SOCKETS_PROC_COMM 16

/* A process holding the socket open, and on which descriptor; its name as read once per
 * process while its descriptors were (sockets_describe_holders reads it otherwise). */
struct sockets_proc {
	pid_t pid;
	int fd;
	bool has_comm;           /* comm and comm_err were read with the descriptors */
	bool self;               /* this process, as it was at the scan */
	int comm_err;            /* reading /proc/PID/comm failed (errno); comm is "" */
	char comm[SOCKETS_PROC_COMM];
};

struct sockets_entry {
	uint32_t ino;            /* the socket's own inode (socket:[ino] in /proc/PID/fd) */
	int type;                /* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	int state;               /* enum sockets_state (other values shown by number) */
	bool abstract;           /* name[] is an abstract name (without its leading NUL) */
	size_t name_len;         /* 0: unnamed */
	uint8_t name[SOCKETS_NAME_MAX];
	bool has_vfs;            /* the node it is bound to (path sockets, sock_diag only) */
	uint32_t vfs_ino;
	unsigned vfs_major, vfs_minor;
	bool has_peer;
	uint32_t peer_ino;
	bool has_queues;         /* listening: pending connections / backlog; else bytes */
	uint32_t rqueue, wqueue;
	bool has_uid;            /* the socket's owner (its creator's fsuid) */
	uid_t uid;
	uint32_t pending;        /* connections waiting in accept() (listening, sock_diag) */
	size_t nprocs;           /* holders found, may exceed SOCKETS_PROCS_MAX */
	struct sockets_proc procs[SOCKETS_PROCS_MAX];
};

enum sockets_source {
	SOCKETS_FROM_DIAG,       /* NETLINK_SOCK_DIAG */
	SOCKETS_FROM_PROC_NET,   /* /proc/net/unix: no node, peer or queue facts */
};

struct sockets_list {
	struct sockets_entry *v;
	size_t n;
	enum sockets_source source;
	int diag_err;            /* why sock_diag was not used (errno), with PROC_NET */
	size_t procs_scanned;    /* processes whose descriptors were read */
	size_t procs_unreadable; /* processes whose /proc/PID/fd could not be read */
	int procs_err;           /* the errno of the first such process */
	/* Lookup indexes (sockets_index), valid while indexed == n and v is not reordered:
	 * every entry by inode; the established ones by node, and by name. */
	const struct sockets_entry **by_ino, **by_vfs, **by_name;
	size_t indexed, nvfs, nname;
};

/* Every Unix socket of this network namespace, with the processes holding each.
 * Tries sock_diag, then /proc/net/unix. Returns 0 or -errno (both failed). */
int sockets_collect(struct sockets_list *out);
void sockets_free(struct sockets_list *l);
/* The same without the holders (no /proc/PID/fd scan, the costly part): for a caller that
 * only asks which nodes are bound. sockets_attach_procs adds them later if needed. */
int sockets_collect_bare(struct sockets_list *out);
void sockets_attach_procs(struct sockets_list *l);

/*
 * The holders in steps, for a front end that shows the sockets at once and their processes
 * as they come (the /proc scan is nearly all of a large listing's time: one readlink per
 * descriptor of every process). sockets_collect_bare gives the rows (milliseconds at 20,000
 * sockets); then, off the main thread:
 *   sockets_scan_new(&scan);                     reads which processes exist
 *   while (sockets_scan_step(scan, 64))          reads up to 64 processes' descriptors
 *           sockets_scan_progress(scan, &d, &t); d of t processes read: a progress line
 *   sockets_scan_attach(scan, list);             fills procs/nprocs and the procs_* counts
 *   sockets_scan_free(scan);
 * sockets_attach_procs is exactly this in one go. A scan belongs to one thread at a time and
 * touches no list until sockets_scan_attach (which must not race with readers of that list;
 * attach to a copy, or hand the list over after). sockets_scan_new returns 0 or -errno
 * (/proc unreadable, ENOMEM); step returns true while processes remain.
 */
struct sockets_scan;
int sockets_scan_new(struct sockets_scan **out);
bool sockets_scan_step(struct sockets_scan *scan, size_t max_procs);
void sockets_scan_progress(const struct sockets_scan *scan, size_t *done, size_t *total);
void sockets_scan_attach(struct sockets_scan *scan, struct sockets_list *l);
void sockets_scan_free(struct sockets_scan *scan);

/* Listening sockets first, then named before unnamed, by name, then by inode. An index the
 * list had (sockets_index) is built again. */
void sockets_sort(struct sockets_list *l);
/* Build the indexes sockets_find_ino and sockets_accepted use (O(log n) a lookup instead of
 * a pass over the list); call again after changing v. Without them (or on ENOMEM) those
 * functions walk the list. sockets_collect calls it; sockets_free frees it. */
void sockets_index(struct sockets_list *l);

/* The name as ss shows it: "/path", "@name", or nothing when unnamed. Raw bytes (an
 * abstract name may hold any byte): escape before showing. Returns the length. */
size_t sockets_name(const struct sockets_entry *e, char *buf, size_t len);
/* True when FILTER is empty or occurs in the shown name. */
bool sockets_matches(const struct sockets_entry *e, const char *filter);

/* True when PID is among E's holders (as far as they were recorded). */
bool sockets_held_by(const struct sockets_entry *e, pid_t pid);

const char *sockets_type_name(int type);
/* "listening", "connected", "unconnected", "connecting", or NULL for another state. */
const char *sockets_state_name(int state);

/* Whether E is bound to the node ST (sock_diag gives the node's inode in 32 bits). */
struct stat;
bool sockets_entry_is_node(const struct sockets_entry *e, const struct stat *st);
/* The entry whose own inode is INO, or NULL. */
const struct sockets_entry *sockets_find_ino(const struct sockets_list *l, uint32_t ino);
/* The inode of the other end of the connected socket INO (its own inode, as fstat gives it),
 * by one exact sock_diag request (no dump): 0 with *PEER set (0 when it has no peer), or
 * -errno: ENOENT when no such socket exists, and socket()'s errno when sock_diag is not
 * available. Any thread; blocks only for the one netlink round trip. */
int sockets_peer_ino(uint32_t ino, uint32_t *peer);
/* The connections LISTENER accepted that are still established (the server ends: same
 * node, or same name without one; their peer is the client end). Writes at most MAX and
 * returns how many there are. */
size_t sockets_accepted(const struct sockets_list *l, const struct sockets_entry *listener,
			const struct sockets_entry **out, size_t max);

#define SOCKETS_COMM_MAX 64

/* A holder as a report shows it: the process's name read from /proc. */
struct sockets_holder {
	pid_t pid;
	int fd;
	bool self;               /* this udscope process */
	int comm_err;            /* reading the name failed (errno); comm is "" */
	char comm[SOCKETS_COMM_MAX];
};

struct sockets_holders {
	size_t n;                /* every holder found (may exceed kept) */
	size_t kept;
	struct sockets_holder v[SOCKETS_PROCS_MAX];
};
/* E's holders with their names (the ones the scan read, else read from /proc/PID/comm). */
void sockets_describe_holders(const struct sockets_entry *e, struct sockets_holders *out);

/* Parse one row of /proc/net/unix (not the header). Returns 0 or -EINVAL. */
int sockets_parse_proc_net(const char *line, struct sockets_entry *out);

/* Free L's indexes (sockets_index); the entries stay. */
void sockets_unindex(struct sockets_list *l);

struct uds_addr;
/* Connect to A without blocking, as a stream, then seqpacket, then datagram socket until one
 * is not refused for its type, and close. Returns 0 or the errno; *TYPE is the type tried
 * last. Async-signal-safe: a forked child may use it. */
int sockets_connect(const struct uds_addr *a, int *type);

#endif
