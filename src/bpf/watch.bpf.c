/* watch.bpf: the BPF program of udscope's watch. On the raw syscall tracepoint sys_exit (no
 * kprobes or BPF trampolines needed, no tracefs either) it keeps the calls that moved bytes
 * through a socket of the watched set (a hash of socket inodes udscope fills from sock_diag,
 * and that grows by itself when a watched listener accepts), and puts a record with each
 * call's first bytes into a ring buffer. Every other system call costs one register read and
 * a comparison. A record the ring buffer has no room for is counted in `lost`. */
#include "bpf/watch_kern.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

#include "bpf/watch_shared.h"

char LICENSE[] SEC("license") = "GPL";

/* x86_64 system call numbers. */
#define NR_READ 0
#define NR_WRITE 1
#define NR_READV 19
#define NR_WRITEV 20
#define NR_SENDTO 44
#define NR_RECVFROM 45
#define NR_SENDMSG 46
#define NR_RECVMSG 47
#define NR_ACCEPT 43
#define NR_SENDFILE 40
#define NR_SPLICE 275
#define NR_ACCEPT4 288
#define NR_RECVMMSG 299
#define NR_SENDMMSG 307

/* The mmsg forms, before each of their messages becomes a WATCH_SENDMSG or WATCH_RECVMSG. */
#define CALL_SENDMMSG 100
#define CALL_RECVMMSG 101
/* The size of struct mmsghdr (a msghdr, then the message's length) and where that is. */
#define MMSGHDR_SIZE 64
#define MMSGHDR_LEN 56

#define SOL_SOCKET 1
#define SCM_RIGHTS 1
#define SCM_CREDENTIALS 2

/* Set by udscope before load: the bytes kept per call (at most WATCH_SNAP_MAX). */
const volatile __u32 snap = 4096;
/* Set by udscope: the bytes waiting in the ring buffer that wake it (an eighth of it). */
const volatile __u64 wake_at = 1 << 20;

/* Calls not recorded because the ring buffer was full; records put. */
__u64 lost = 0;
__u64 seen = 0;
/* Messages of a sendmmsg or recvmmsg vector past the first WATCH_MMSG_MAX: not recorded. */
__u64 undecoded = 0;
/* Connection numbers: udscope and the program both take the next one from here. */
__u32 next_conn = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, struct watch_sock);
} watched SEC(".maps");

/* A call on a watched socket, as its arguments were. */
struct pending {
	__u64 ino;
	__u64 peer;         /* WATCH_ACCEPT: the client's end, watched too (0: not) */
	__u8 peer_skipped;  /* WATCH_ACCEPT: ... but left SKIPPED: its receiver records it */
	__u64 arg1, arg2;   /* the buffer (or iovec, or msghdr) and its length (or count) */
	struct watch_sock ws;
	__u8 call;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20); /* udscope sets --ring-mb before load */
} events SEC(".maps");

/* Where a record is put together: its header and twice the room of its bytes, so that the
 * verifier sees every copy's offset and length bounded. */
struct scratch {
	struct watch_rec rec;
	__u8 data[2 * WATCH_SNAP_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch_map SEC(".maps");

/* The file behind descriptor FD of the current process, or NULL. */
static __always_inline struct file *fd_file(__s64 fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	if (!fdt || fd < 0 || (__u64)fd >= BPF_CORE_READ(fdt, max_fds))
		return 0;
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *f = 0;
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return f;
}

/* The inode of the file behind descriptor FD of the current process (0: none), and its mode. */
static __always_inline __u64 fd_inode(__s64 fd, __u32 *mode)
{
	struct file *f = fd_file(fd);
	if (!f)
		return 0;
	struct inode *in = BPF_CORE_READ(f, f_inode);
	if (mode)
		*mode = BPF_CORE_READ(in, i_mode);
	return BPF_CORE_READ(in, i_ino);
}

/* The inode of the peer (unix_sock->peer) of socket file F, 0 when it has none or its file
 * is gone; *QUEUED: the messages waiting in F's receive queue. */
static __always_inline __u64 peer_inode(struct file *f, __u32 *queued)
{
	struct socket *so = (struct socket *)BPF_CORE_READ(f, private_data);
	struct sock *sk = BPF_CORE_READ(so, sk);
	if (!sk)
		return 0;
	*queued = BPF_CORE_READ(sk, sk_receive_queue.qlen);
	struct sock *peer = BPF_CORE_READ((struct unix_sock *)sk, peer);
	if (!peer)
		return 0;
	struct file *pf = BPF_CORE_READ(peer, sk_socket, file);
	return pf ? BPF_CORE_READ(pf, f_inode, i_ino) : 0;
}

/* Which watched call system call ID is, or 0. */
static __always_inline __u8 call_of(long id)
{
	switch (id) {
	case NR_READ:
		return WATCH_READ;
	case NR_WRITE:
		return WATCH_WRITE;
	case NR_READV:
		return WATCH_READV;
	case NR_WRITEV:
		return WATCH_WRITEV;
	case NR_SENDTO:
		return WATCH_SENDTO;
	case NR_RECVFROM:
		return WATCH_RECVFROM;
	case NR_SENDMSG:
		return WATCH_SENDMSG;
	case NR_RECVMSG:
		return WATCH_RECVMSG;
	case NR_ACCEPT:
	case NR_ACCEPT4:
		return WATCH_ACCEPT;
	case NR_SENDFILE:
		return WATCH_SENDFILE;
	case NR_SPLICE:
		return WATCH_SPLICE;
	case NR_SENDMMSG:
		return CALL_SENDMMSG;
	case NR_RECVMMSG:
		return CALL_RECVMMSG;
	default:
		return 0;
	}
}

/* Copy up to LEFT bytes of user buffer SRC (N long) to S at *CAP. */
static __always_inline __u64 copy_in(struct scratch *s, __u32 *cap, __u64 src, __u64 n, __u64 left)
{
	if (n > left)
		n = left;
	if (n > WATCH_SNAP_MAX)
		n = WATCH_SNAP_MAX;
	__u32 off = *cap & (WATCH_SNAP_MAX - 1);
	if (bpf_probe_read_user(&s->data[off], n, (const void *)src) == 0)
		*cap += n;
	return left - n;
}

/* Copy the first bytes of an iovec array (IOV, CNT long) holding LEN bytes. */
static __always_inline void copy_iov(struct scratch *s, __u64 iov, __u64 cnt, __u64 len)
{
	__u64 left = len < snap ? len : snap;
	for (int i = 0; i < WATCH_IOV_MAX; i++) {
		if (i >= cnt || !left)
			break;
		struct user_iovec v = {};
		if (bpf_probe_read_user(&v, sizeof(v), (const void *)(iov + i * sizeof(v))))
			break;
		left = copy_in(s, &s->rec.cap, v.base, v.len, left);
	}
}

/* The first control message of a sendmsg or recvmsg: descriptors and credentials. */
static __always_inline void read_control(struct watch_rec *r, const struct user_msghdr *m)
{
	struct user_cmsghdr c = {};
	if (!m->control || m->controllen < sizeof(c) ||
	    bpf_probe_read_user(&c, sizeof(c), (const void *)m->control) || c.level != SOL_SOCKET)
		return;
	if (c.type == SCM_RIGHTS && c.len >= sizeof(c)) {
		__u64 n = (c.len - sizeof(c)) / 4;
		r->nfds = n > 255 ? 255 : n;
		for (int i = 0; i < WATCH_FDS_MAX; i++) {
			__s32 fd = -1;
			if (i >= n)
				break;
			bpf_probe_read_user(&fd, sizeof(fd),
					    (const void *)(m->control + sizeof(c) + 4 * i));
			fd_inode(fd, &r->fd_mode[i]);
		}
	} else if (c.type == SCM_CREDENTIALS && c.len >= sizeof(c) + 12) {
		__u32 cr[3] = {};
		bpf_probe_read_user(cr, sizeof(cr), (const void *)(m->control + sizeof(c)));
		r->has_cred = 1;
		r->cred_pid = cr[0];
		r->cred_uid = cr[1];
		r->cred_gid = cr[2];
	}
}

/* The bytes (and control data) of the call P that returned RET. */
static __always_inline void fill(struct scratch *s, const struct pending *p, __s64 ret)
{
	struct watch_rec *r = &s->rec;
	__u64 left = (__u64)ret < snap ? (__u64)ret : snap;
	if (p->call == WATCH_WRITE || p->call == WATCH_READ || p->call == WATCH_SENDTO ||
	    p->call == WATCH_RECVFROM) {
		copy_in(s, &r->cap, p->arg1, (__u64)ret, left);
	} else if (p->call == WATCH_WRITEV || p->call == WATCH_READV) {
		copy_iov(s, p->arg1, p->arg2, (__u64)ret);
	} else {
		struct user_msghdr m = {};
		if (bpf_probe_read_user(&m, sizeof(m), (const void *)p->arg1))
			return;
		copy_iov(s, m.iov, m.iovlen, (__u64)ret);
		r->msg_flags = (__u32)m.flags;
		read_control(r, &m);
	}
}

/* Whether call P (on a socket with value WS) is one to record. */
static __always_inline int wanted(__u8 call, const struct watch_sock *ws)
{
	if ((call == WATCH_ACCEPT) != (ws->listener != 0))
		return 0;
	return call < WATCH_READ || call == WATCH_ACCEPT || ws->recvs;
}

/* A watched listener accepted descriptor FD: its socket joins the set (before the accept
 * returns to the server) as a new connection's server end, and the client's end (its peer)
 * with it, so that each side's sends are seen at the sender with its pid. The client's end
 * goes in TENTATIVE (watch_shared.h): when bytes already wait in the server's end (sent before
 * it was watched), or a send found it TENTATIVE meanwhile, it stays SKIPPED (its sends are not
 * records) and the server's receives are records instead (every byte still waits in the server's end: the
 * accept has not returned). Otherwise it is CONFIRMED and the client's sends are the records.
 * P then names both. */
static __always_inline int take_accepted(struct pending *p, __s64 fd)
{
	struct file *f = fd_file(fd);
	__u64 ino = f ? BPF_CORE_READ(f, f_inode, i_ino) : 0;
	if (!ino)
		return 0;
	__u32 queued = 0;
	__u64 peer = peer_inode(f, &queued);
	struct watch_sock ws = { .server = 1, .recvs = 1 };
	ws.conn = __sync_add_and_fetch(&next_conn, 1);
	struct watch_sock cs = { .conn = ws.conn, .state = WATCH_TENTATIVE };
	struct watch_sock *in = 0;
	if (peer && bpf_map_update_elem(&watched, &peer, &cs, BPF_NOEXIST) == 0)
		in = bpf_map_lookup_elem(&watched, &peer);
	if (in) {
		/* Read again now that the client's end is in: what waits was not seen. */
		peer_inode(f, &queued);
		if (!queued && __sync_val_compare_and_swap(&in->state, WATCH_TENTATIVE,
							   WATCH_CONFIRMED) == WATCH_TENTATIVE) {
			ws.recvs = 0;
		} else {
			/* Left in the set as SKIPPED, not deleted: a send on another CPU may
			 * hold a pointer to this entry (a deleted element of a preallocated
			 * hash is reused at once, by the next update, with other values), and
			 * udscope's rescans must find it in the set, not add it as new. udscope
			 * takes it out when the socket is gone. */
			in->state = WATCH_SKIPPED;
			p->peer_skipped = 1;
		}
	} else {
		peer = 0; /* not put in: the server's receives are the records */
	}
	bpf_map_update_elem(&watched, &ino, &ws, BPF_ANY);
	p->ws.conn = ws.conn;
	p->ino = ino;
	p->peer = peer;
	return 1;
}

/* Whether a send on socket WS (the map's own value) is a record: not while an accept is
 * deciding about it (the first such send makes the accept leave it to the receiver). */
static __always_inline int send_counts(struct watch_sock *ws)
{
	__u32 st = ws->state;
	if (st == WATCH_TENTATIVE)
		st = __sync_val_compare_and_swap(&ws->state, WATCH_TENTATIVE, WATCH_SKIPPED);
	return st == WATCH_CONFIRMED;
}

/* The header of the record of call P (which returned RET): who, when, which socket. */
static __always_inline void head(struct watch_rec *r, const struct pending *p, __s64 ret)
{
	__builtin_memset(r, 0, sizeof(*r));
	r->time_ns = bpf_ktime_get_ns();
	r->ino = p->ino;
	r->peer = p->peer;
	r->peer_skipped = p->peer_skipped;
	r->ret = ret;
	r->conn = p->ws.conn;
	r->server = p->ws.server;
	r->call = p->call;
	__u64 tid = bpf_get_current_pid_tgid();
	r->tgid = tid >> 32;
	r->tid = (__u32)tid;
	__u64 ug = bpf_get_current_uid_gid();
	r->uid = (__u32)ug;
	r->gid = (__u32)(ug >> 32);
	bpf_get_current_comm(r->comm, sizeof(r->comm));
}

/* The ring buffer bytes a record of SIZE bytes takes: its 8-byte header, rounded to 8. */
static __always_inline __u64 ring_bytes(__u64 size)
{
	return (size + 8 + 7) & ~7ULL;
}

/* Wake udscope once for each eighth of the buffer written: when the record of SIZE bytes
 * ending at producer position END (its 8-byte header and padding included) crosses a multiple
 * of wake_at. Each position belongs to one record, so one record crosses each mark and a
 * backlog costs no wakeups: waking whenever more than an eighth was waiting sent an interrupt
 * (a self-IPI through the APIC, 5% of a 64 KiB writer's time) with every record until udscope
 * had caught up. Two records reserved at once on two CPUs may both miss a mark; the next
 * mark, or udscope's own look every 50 ms, then wakes it (an epoll on the ring buffer returns
 * at once while it holds data). */
static __always_inline __u64 wake_flag(__u64 size, __u64 end)
{
	__u64 start = end - ring_bytes(size);
	return wake_at && start / wake_at != end / wake_at ? BPF_RB_FORCE_WAKEUP
							    : BPF_RB_NO_WAKEUP;
}

/* A one-buffer call (write, read, sendto, recvfrom) that moved at least --snap bytes: its
 * record is reserved in the ring buffer at its full size and the bytes are read from the
 * caller straight into it, once (emit's way copies them twice, through the scratch map). */
static __always_inline void emit_whole(const struct pending *p, __s64 ret)
{
	struct watch_rec *r = bpf_ringbuf_reserve(&events, sizeof(*r) + snap, 0);
	if (!r) {
		__sync_fetch_and_add(&lost, 1);
		return;
	}
	head(r, p, ret);
	if (bpf_probe_read_user(r + 1, snap, (const void *)p->arg1) == 0)
		r->cap = snap;
	bpf_ringbuf_submit(r, wake_flag(sizeof(*r) + snap,
					 bpf_ringbuf_query(&events, BPF_RB_PROD_POS)));
	__sync_fetch_and_add(&seen, 1);
}

/* Put the record of call P (which returned RET) into the ring buffer, or count it lost. */
static __always_inline void emit(const struct pending *p, __s64 ret)
{
	if ((__u64)ret >= snap && snap &&
	    (p->call == WATCH_WRITE || p->call == WATCH_READ || p->call == WATCH_SENDTO ||
	     p->call == WATCH_RECVFROM)) {
		emit_whole(p, ret);
		return;
	}
	__u32 zero = 0;
	struct scratch *s = bpf_map_lookup_elem(&scratch_map, &zero);
	if (!s)
		return;
	struct watch_rec *r = &s->rec;
	head(r, p, ret);
	if (p->call != WATCH_ACCEPT && p->call != WATCH_SENDFILE && p->call != WATCH_SPLICE)
		fill(s, p, ret);
	__u64 size = sizeof(*r) + (r->cap & (2 * WATCH_SNAP_MAX - 1));
	if (size > sizeof(*s))
		size = sizeof(*s);
	__u64 end = bpf_ringbuf_query(&events, BPF_RB_PROD_POS) + ring_bytes(size);
	if (bpf_ringbuf_output(&events, s, size, wake_flag(size, end)))
		__sync_fetch_and_add(&lost, 1);
	else
		__sync_fetch_and_add(&seen, 1);
}

/* What emit_one needs of a sendmmsg or recvmmsg: the call, and where its vector is. */
struct mmsg_ctx {
	struct pending p;
	__u64 vec;
};

/* Message I of a sendmmsg or recvmmsg vector: a record of its own, as a sendmsg or recvmsg
 * of its msghdr and length (bpf_loop's callback; 0: go on). */
static long emit_one(__u64 i, void *arg)
{
	struct mmsg_ctx *m = arg;
	__u32 len = 0;
	__u64 hdr = m->vec + i * MMSGHDR_SIZE;
	bpf_probe_read_user(&len, sizeof(len), (const void *)(hdr + MMSGHDR_LEN));
	m->p.arg1 = hdr;
	emit(&m->p, len);
	return 0;
}

/* A sendmmsg or recvmmsg P that moved N messages: a record for each (bpf_loop, so the
 * vector's length does not bound the program's size), any past WATCH_MMSG_MAX counted. */
static __always_inline void emit_mmsg(struct pending *p, __u64 n)
{
	struct mmsg_ctx m = { .p = *p, .vec = p->arg1 };
	__u32 k = n > WATCH_MMSG_MAX ? WATCH_MMSG_MAX : (__u32)n;
	bpf_loop(k, emit_one, &m, 0);
	if (n > WATCH_MMSG_MAX)
		__sync_fetch_and_add(&undecoded, n - WATCH_MMSG_MAX);
}

/* At each system call's return (x86_64 keeps the arguments in the registers saved at entry,
 * and the call's number in orig_ax): so a call that was already waiting when the watch
 * started is seen too. */
SEC("raw_tracepoint/sys_exit")
int udscope_w_exit(struct bpf_raw_tracepoint_args *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx->args[0];
	__u8 call = call_of((long)BPF_CORE_READ(regs, orig_ax));
	if (!call)
		return 0;
	int mmsg = call == CALL_SENDMMSG || call == CALL_RECVMMSG;
	if (mmsg)
		call = call == CALL_SENDMMSG ? WATCH_SENDMSG : WATCH_RECVMSG;
	/* What the result alone rules out goes first: a failed call (an event loop's EAGAIN
	 * reads, on any descriptor of any process) then costs no walk to its file and no lookup
	 * in the set. A zero counts only where it says something: an end of stream, an empty
	 * message or datagram. */
	__s64 ret = (__s64)ctx->args[1];
	if (ret < 0 || (ret == 0 && (mmsg || (call != WATCH_READ && call != WATCH_READV &&
					      call != WATCH_RECVFROM && call != WATCH_RECVMSG &&
					      call != WATCH_SENDMSG && call != WATCH_SENDTO))))
		return 0;
	struct pending p = { .call = call };
	/* splice(fd_in, off_in, fd_out, ...): the socket it writes to is the third argument. */
	p.ino = fd_inode((__s64)(call == WATCH_SPLICE ? BPF_CORE_READ(regs, dx)
						      : BPF_CORE_READ(regs, di)),
			 0);
	struct watch_sock *ws = p.ino ? bpf_map_lookup_elem(&watched, &p.ino) : 0;
	if (!ws || !wanted(call, ws) || (call < WATCH_READ && !send_counts(ws)))
		return 0;
	p.ws = *ws;
	p.arg1 = BPF_CORE_READ(regs, si);
	p.arg2 = BPF_CORE_READ(regs, dx);
	if (p.call == WATCH_ACCEPT && !take_accepted(&p, ret))
		return 0;
	if (mmsg)
		emit_mmsg(&p, (__u64)ret);
	else
		emit(&p, ret);
	return 0;
}
