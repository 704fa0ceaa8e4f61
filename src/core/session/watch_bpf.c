/* watch_bpf: the loader of the watch's BPF program, the one file that speaks libbpf. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "core/session/watch_bpf.h"
#include "src/bpf/watch.skel.h" /* generated in the build tree (src/bpf/local.am) */

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

struct watch_bpf {
	struct udw *skel; /* the skeleton (bpftool gen skeleton ... name udw) */
	struct ring_buffer *rb;
	watch_rec_fn fn;
	void *ctx;
};

/* libbpf's last message, for the refusal line (it prints nothing to the terminal). */
static char last_msg[256];

/* libbpf's printer: keep the last warning, print nothing. */
static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	char buf[sizeof(last_msg)];
	vsnprintf(buf, sizeof(buf), fmt, ap);
	buf[strcspn(buf, "\n")] = '\0';
	if (buf[0])
		memcpy(last_msg, buf, sizeof(buf));
	return 0;
}

/* Whether this process's effective capabilities hold CAP. */
static int has_cap(int cap)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d) != 0)
		return 0;
	return (d[cap / 32].effective >> (cap % 32)) & 1;
}

int watch_bpf_check(char *why, size_t len)
{
	bool bpf = has_cap(CAP_BPF) || has_cap(CAP_SYS_ADMIN);
	bool perf = has_cap(CAP_PERFMON) || has_cap(CAP_SYS_ADMIN);
	if (!bpf || !perf) {
		snprintf(why, len, "needs root or CAP_BPF and CAP_PERFMON (missing: %s%s%s)",
			 bpf ? "" : "CAP_BPF", !bpf && !perf ? ", " : "",
			 perf ? "" : "CAP_PERFMON");
		return -EPERM;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
		snprintf(why, len, "needs a kernel with BTF (/sys/kernel/btf/vmlinux: %s)",
			 strerror(errno));
		return -ENOENT;
	}
	return 0;
}

/* The ring buffer's callback: one record to the caller's function. */
static int on_record(void *ctx, void *data, size_t size)
{
	struct watch_bpf *w = ctx;
	const struct watch_rec *r = data;
	if (size < sizeof(*r) || size - sizeof(*r) < r->cap)
		return 0;
	w->fn(w->ctx, r, (const uint8_t *)data + sizeof(*r));
	return 0;
}

/* Say step WHAT failed with ERR (and libbpf's last word) in WHY; free W. */
static int failed(struct watch_bpf *w, const char *what, int err, char *why, size_t len)
{
	snprintf(why, len, "%s: %s%s%s", what, strerror(err), last_msg[0] ? " (libbpf: " : "",
		 last_msg[0] ? last_msg : "");
	if (last_msg[0])
		strncat(why, ")", len - strlen(why) - 1);
	watch_bpf_close(w);
	return -err;
}

int watch_bpf_open(struct watch_bpf **out, unsigned snap, unsigned ring_mb, watch_rec_fn fn,
		   void *ctx, char *why, size_t len)
{
	*out = NULL;
	last_msg[0] = '\0';
	libbpf_set_print(quiet_print);
	struct watch_bpf *w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->fn = fn;
	w->ctx = ctx;
	w->skel = udw__open();
	if (!w->skel)
		return failed(w, "open the BPF program", errno ? errno : EINVAL, why, len);
	w->skel->rodata->snap = snap > WATCH_SNAP_MAX ? WATCH_SNAP_MAX : snap;
	w->skel->rodata->wake_at = ((uint64_t)ring_mb << 20) / 8;
	int r = bpf_map__set_max_entries(w->skel->maps.events, ring_mb << 20);
	if (r < 0)
		return failed(w, "size the ring buffer", -r, why, len);
	r = udw__load(w->skel);
	if (r < 0)
		return failed(w, "load the BPF program", -r, why, len);
	r = udw__attach(w->skel);
	if (r < 0)
		return failed(w, "attach to the syscall tracepoints", -r, why, len);
	w->rb = ring_buffer__new(bpf_map__fd(w->skel->maps.events), on_record, w, NULL);
	if (!w->rb)
		return failed(w, "open the ring buffer", errno ? errno : ENOMEM, why, len);
	*out = w;
	return 0;
}

int watch_bpf_add(struct watch_bpf *w, uint64_t ino, const struct watch_sock *ws)
{
	int r = bpf_map__update_elem(w->skel->maps.watched, &ino, sizeof(ino), ws, sizeof(*ws),
				     BPF_ANY);
	return r < 0 ? r : 0;
}

int watch_bpf_remove(struct watch_bpf *w, uint64_t ino)
{
	int r = bpf_map__delete_elem(w->skel->maps.watched, &ino, sizeof(ino), 0);
	return r < 0 && r != -ENOENT ? r : 0;
}

bool watch_bpf_has(struct watch_bpf *w, uint64_t ino)
{
	struct watch_sock ws;
	return bpf_map__lookup_elem(w->skel->maps.watched, &ino, sizeof(ino), &ws, sizeof(ws),
				    0) == 0;
}

uint32_t watch_bpf_next_conn(struct watch_bpf *w)
{
	return __atomic_add_fetch(&w->skel->bss->next_conn, 1, __ATOMIC_SEQ_CST);
}

int watch_bpf_poll(struct watch_bpf *w, int timeout_ms)
{
	/* The program wakes us only when the buffer fills up: take what waits either way. */
	int r = ring_buffer__poll(w->rb, timeout_ms);
	if (r < 0 && r != -EINTR)
		return r;
	int c = ring_buffer__consume(w->rb);
	if (c < 0)
		return c;
	return (r > 0 ? r : 0) + c;
}

uint64_t watch_bpf_lost(const struct watch_bpf *w)
{
	return __atomic_load_n(&w->skel->bss->lost, __ATOMIC_RELAXED);
}

uint64_t watch_bpf_seen(const struct watch_bpf *w)
{
	return __atomic_load_n(&w->skel->bss->seen, __ATOMIC_RELAXED);
}

uint64_t watch_bpf_undecoded(const struct watch_bpf *w)
{
	return __atomic_load_n(&w->skel->bss->undecoded, __ATOMIC_RELAXED);
}

void watch_bpf_close(struct watch_bpf *w)
{
	if (!w)
		return;
	ring_buffer__free(w->rb);
	udw__destroy(w->skel);
	free(w);
}
