/* watch_kern: the few kernel structures and fields the watch's BPF program reads, declared by
 * hand with preserve_access_index (CO-RE): libbpf fits each field's offset to the running
 * kernel's BTF at load time, so no vmlinux.h or kernel headers are needed to build. */
#ifndef UDSCOPE_WATCH_KERN_H
#define UDSCOPE_WATCH_KERN_H

typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef signed char __s8;
typedef short __s16;
typedef int __s32;
typedef long long __s64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;

#define PRESERVE __attribute__((preserve_access_index))

struct pt_regs {
	unsigned long di, si, dx, r10, r8, r9, orig_ax;
} PRESERVE;

struct inode {
	unsigned short i_mode;
	unsigned long i_ino;
} PRESERVE;

struct file {
	struct inode *f_inode;
	void *private_data; /* a socket's file: its struct socket */
} PRESERVE;

struct sk_buff_head {
	__u32 qlen;
} PRESERVE;

struct socket;

struct sock {
	struct socket *sk_socket;
	struct sk_buff_head sk_receive_queue;
} PRESERVE;

struct socket {
	struct file *file;
	struct sock *sk;
} PRESERVE;

struct unix_sock {
	struct sock *peer;
} PRESERVE;

struct fdtable {
	unsigned int max_fds;
	struct file **fd;
} PRESERVE;

struct files_struct {
	struct fdtable *fdt;
} PRESERVE;

struct task_struct {
	struct files_struct *files;
} PRESERVE;

/* A raw tracepoint's arguments: sys_enter (regs, id), sys_exit (regs, ret). */
struct bpf_raw_tracepoint_args {
	__u64 args[0];
};

/* User-space structures (the x86_64 ABI, not the kernel's). */
struct user_iovec {
	__u64 base;
	__u64 len;
};

struct user_msghdr {
	__u64 name;
	__u32 namelen, pad0;
	__u64 iov;
	__u64 iovlen;
	__u64 control;
	__u64 controllen;
	__s32 flags;
};

struct user_cmsghdr {
	__u64 len;
	__s32 level;
	__s32 type;
};

/* BPF map types and flags this program uses (linux/bpf.h). */
#define BPF_MAP_TYPE_HASH 1
#define BPF_MAP_TYPE_PERCPU_ARRAY 6
#define BPF_MAP_TYPE_RINGBUF 27
#define BPF_ANY 0
#define BPF_NOEXIST 1
#define BPF_RB_NO_WAKEUP 1
#define BPF_RB_FORCE_WAKEUP 2
#define BPF_RB_AVAIL_DATA 0
#define BPF_RB_PROD_POS 3

#endif
