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

/* A process holding the socket open, and on which descriptor. */
struct sockets_proc {
	pid_t pid;
	int fd;
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
};

/* Every Unix socket of this network namespace, with the processes holding each.
 * Tries sock_diag, then /proc/net/unix. Returns 0 or -errno (both failed). */
int sockets_collect(struct sockets_list *out);
void sockets_free(struct sockets_list *l);
/* The same without the holders (no /proc/PID/fd scan, the costly part): for a caller that
 * only asks which nodes are bound. sockets_attach_procs adds them later if needed. */
int sockets_collect_bare(struct sockets_list *out);
void sockets_attach_procs(struct sockets_list *l);

/* Listening sockets first, then named before unnamed, by name, then by inode. */
void sockets_sort(struct sockets_list *l);

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

/* The entry whose own inode is INO, or NULL. */
const struct sockets_entry *sockets_find_ino(const struct sockets_list *l, uint32_t ino);
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
/* E's holders with their names (reads /proc/PID/comm). */
void sockets_describe_holders(const struct sockets_entry *e, struct sockets_holders *out);

/* Parse one row of /proc/net/unix (not the header). Returns 0 or -EINVAL. */
int sockets_parse_proc_net(const char *line, struct sockets_entry *out);

#endif
