/* inspect_probe: whether anything listens (the socket list, or one connect), the proof as
 * another user in a forked child, and this process's umask. */
#include "config.h"

#include "core/system/inspect.h"

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/system/sockets.h"
#include "core/base/sysio.h"

void inspect_probe(const struct uds_addr *a, struct inspect_probe *out)
{
	memset(out, 0, sizeof(*out));
	int err = sockets_connect(a, &out->type);
	out->err = err;
	if (err == 0)
		out->live = out->type == SOCK_DGRAM ? INSPECT_DGRAM_BOUND : INSPECT_LISTENING;
	else if (err == EAGAIN)
		out->live = INSPECT_BACKLOG_FULL;
	else if (err == ECONNREFUSED)
		out->live = INSPECT_STALE;
	else
		out->live = INSPECT_UNKNOWN;
}

void inspect_liveness(const struct uds_addr *a, const struct sockets_entry *e, bool from_diag,
		      struct inspect_probe *out)
{
	memset(out, 0, sizeof(*out));
	bool own = e && sockets_held_by(e, getpid());
	if (e && (from_diag || own)) {
		out->method = from_diag ? INSPECT_BY_DIAG : INSPECT_BY_LIST;
		out->type = e->type;
		if (e->state == SOCKETS_LISTEN) {
			out->live = INSPECT_LISTENING;
			if (from_diag && e->has_queues) {
				out->has_queue = true;
				out->queued = e->rqueue;
				out->backlog = e->wqueue;
				/* The kernel refuses a connect once more than the backlog wait. */
				if (e->rqueue > e->wqueue)
					out->live = INSPECT_BACKLOG_FULL;
			}
		} else if (e->type == SOCK_DGRAM) {
			out->live = INSPECT_DGRAM_BOUND;
		} else {
			out->live = INSPECT_BOUND_IDLE;
			out->err = ECONNREFUSED;
		}
		return;
	}
	if (!e && from_diag && a && a->abstract) {
		out->method = INSPECT_BY_DIAG;
		out->live = INSPECT_STALE;
		out->err = ECONNREFUSED;
		return;
	}
	if (!a) {
		out->live = INSPECT_UNKNOWN;
		out->err = ENAMETOOLONG;
		return;
	}
	inspect_probe(a, out);
}

bool inspect_connect_permitted(int err)
{
	return err == 0 || err == EAGAIN || err == ECONNREFUSED || err == EPROTOTYPE;
}

enum { PROOF_CONNECT, PROOF_SETGROUPS, PROOF_SETRESGID, PROOF_SETRESUID };

struct proof_msg {
	int stage;
	int err;
	int type;
};

/* The child: switch to ID, connect once, report, _exit. Only async-signal-safe calls. */
static void __attribute__((noreturn)) prove_child(int wfd, const struct uds_addr *a,
						 const struct inspect_identity *id)
{
	struct proof_msg m = { PROOF_CONNECT, 0, SOCK_STREAM };
	/* Groups first: after setresuid the child may no longer change them. */
	if (setgroups(id->ngroups, id->groups) < 0)
		m = (struct proof_msg){ PROOF_SETGROUPS, errno, 0 };
	else if (setresgid(id->gid, id->gid, id->gid) < 0)
		m = (struct proof_msg){ PROOF_SETRESGID, errno, 0 };
	else if (setresuid(id->uid, id->uid, id->uid) < 0)
		m = (struct proof_msg){ PROOF_SETRESUID, errno, 0 };
	else
		m.err = sockets_connect(a, &m.type);
	ssize_t n;
	do
		n = write(wfd, &m, sizeof(m));
	while (n < 0 && errno == EINTR);
	_exit(n == (ssize_t)sizeof(m) ? 0 : 1);
}

int inspect_prove(const struct uds_addr *a, const struct inspect_identity *id,
		  struct inspect_proof *out)
{
	memset(out, 0, sizeof(*out));
	if (!id->has_gid)
		return -EINVAL;
	int p[2];
	int r = sysio_pipe(p, 0);
	if (r < 0)
		return r;
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(p[0]);
		close(p[1]);
		return -e;
	}
	if (pid == 0) {
		close(p[0]);
		prove_child(p[1], a, id);
	}
	close(p[1]);
	struct proof_msg m;
	ssize_t n;
	do
		n = read(p[0], &m, sizeof(m));
	while (n < 0 && errno == EINTR);
	int rerr = n < 0 ? errno : EPIPE;
	close(p[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(m))
		return -rerr;
	static const char *const stage_names[] = {
		[PROOF_CONNECT] = NULL,
		[PROOF_SETGROUPS] = "setgroups",
		[PROOF_SETRESGID] = "setresgid",
		[PROOF_SETRESUID] = "setresuid",
	};
	out->failed = (unsigned)m.stage < sizeof(stage_names) / sizeof(stage_names[0])
		? stage_names[m.stage] : "child";
	out->err = m.err;
	out->type = m.type;
	return 0;
}

int inspect_umask(mode_t *out)
{
	FILE *f = fopen("/proc/self/status", "re");
	if (!f)
		return -errno;
	char line[256];
	int r = -ENOENT;
	while (fgets(line, sizeof(line), f)) {
		unsigned m;
		if (sscanf(line, "Umask: %o", &m) == 1) {
			*out = (mode_t)(m & 0777);
			r = 0;
			break;
		}
	}
	fclose(f);
	return r;
}
