/* watch_shared: what the watch's BPF program and udscope both read: the record each watched
 * call becomes, the value the watched set keeps per socket, and the counters. Plain types
 * only (__u32, ...): the BPF side defines them itself, udscope takes them from linux/types.h. */
#ifndef UDSCOPE_WATCH_SHARED_H
#define UDSCOPE_WATCH_SHARED_H

/* The most bytes a record keeps of one call (--snap at most this; a power of two). */
#define WATCH_SNAP_MAX 8192
/* Descriptors of one SCM_RIGHTS message described (the count is always whole). */
#define WATCH_FDS_MAX 4
/* Buffers of one readv/writev/sendmsg/recvmsg read (the length is always whole). */
#define WATCH_IOV_MAX 8
/* Messages of one sendmmsg/recvmmsg vector recorded (the rest are counted as not decoded):
 * the kernel's own limit (UIO_MAXIOV), so every message is a record. */
#define WATCH_MMSG_MAX 1024

/* Which call a record is about. */
enum watch_call {
	WATCH_WRITE = 1,
	WATCH_WRITEV,
	WATCH_SENDTO,
	WATCH_SENDMSG,
	WATCH_SENDFILE, /* sendfile to the socket: the length only, the bytes are not read */
	WATCH_SPLICE,   /* splice from a pipe to the socket: the same */
	WATCH_READ,     /* the receives from here on */
	WATCH_READV,
	WATCH_RECVFROM,
	WATCH_RECVMSG,
	/* A watched listener accepted: ino is the new socket, now watched, and peer the
	 * client's end when it is watched too. */
	WATCH_ACCEPT,
};

/* A watched socket: its connection's number and its side. */
struct watch_sock {
	__u32 conn;  /* udscope's number for the connection (both ends share it) */
	__u8 server; /* 1: the server's end (the listener's accepted socket) */
	__u8 recvs;  /* 1: its receive calls are records too (its peer is not watched) */
	__u8 listener; /* 1: a listener: what it accepts joins the set as a server's end
			* whose receives are records (its conn from next_conn) */
	__u8 pad;
	__u32 state; /* enum watch_state: a client's end while its accept is being decided */
};

/* A client's end put into the set by an accept. Its sends are records only once the accept
 * has CONFIRMED that nothing waited unseen; a send that finds it TENTATIVE makes it SKIPPED
 * (compare-and-swap, so exactly one of the two wins) and is not a record: the accept then
 * leaves the client's end SKIPPED (not deleted, see take_accepted) and the server's receives
 * are the records instead. So
 * every byte is one record, at the sender or at the receiver, never both and never none. */
enum watch_state {
	WATCH_CONFIRMED = 0, /* as udscope adds sockets: sends are records */
	WATCH_TENTATIVE,
	WATCH_SKIPPED,
};

/* One call on a watched socket, as the ring buffer carries it; data[cap] follows. */
struct watch_rec {
	__u64 time_ns; /* CLOCK_MONOTONIC at the call's return */
	__u64 ino;     /* the socket's inode */
	__s64 ret;     /* the call's result: bytes (a datagram's whole length with MSG_TRUNC) */
	__u64 peer;    /* WATCH_ACCEPT: the client's end (0: none), watched at the sender unless
			* peer_skipped */
	__u32 conn;
	__u32 tgid, tid, uid, gid;
	__u32 cap;       /* bytes of data[] */
	__u32 msg_flags; /* recvmsg: the flags the call returned (MSG_TRUNC, MSG_CTRUNC) */
	__u8 call;       /* enum watch_call */
	__u8 server;
	__u8 nfds;                    /* SCM_RIGHTS: descriptors passed */
	__u8 has_cred;                /* SCM_CREDENTIALS: cred_* hold them */
	__u8 peer_skipped;            /* WATCH_ACCEPT: peer is in the set, SKIPPED (not watched) */
	__u32 fd_mode[WATCH_FDS_MAX]; /* each passed descriptor's i_mode (0: not read) */
	__u32 cred_pid, cred_uid, cred_gid;
	char comm[16];
};

#endif
