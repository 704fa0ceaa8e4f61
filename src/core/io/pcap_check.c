/* pcap_check: how the installed tshark can decode a capture's records for a dissector name,
 * asked of tshark itself. */
#include "config.h"

#include "core/io/pcap_check.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/base/sysio.h"
#include "core/io/pcap.h"

extern char **environ;

/* tshark's output kept at most (`-G decodes` prints about 300 KB). */
#define OUT_MAX (4u << 20)

/* Milliseconds left until DEADLINE (CLOCK_MONOTONIC, ms), at least 0. */
static int left_ms(long long deadline)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	long long now = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	return now >= deadline ? 0 : (int)(deadline - now);
}

/* Start ARGV with IN_FD as stdin (or /dev/null), OUT_FD as stdout, no stderr, default
 * signals. Returns the pid or -errno. */
static pid_t spawn(char *const argv[], int in_fd, int out_fd)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	if (in_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
	else
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	/* The front end blocks its signals and may ignore SIGPIPE: tshark gets neither. */
	sigset_t none, dfl;
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	sigaddset(&dfl, SIGINT);
	sigaddset(&dfl, SIGTERM);
	sigaddset(&dfl, SIGHUP);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &dfl);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	pid_t pid;
	int r = posix_spawnp(&pid, argv[0], &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	return r ? -r : pid;
}

/* Read FD to its end into a NUL-terminated malloc'd *OUT, until DEADLINE. Returns 0, 1 (cut
 * at OUT_MAX: the writer is still writing) or -errno (-ETIMEDOUT). */
static int read_until(int fd, long long deadline, char **out)
{
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int r = poll(&p, 1, left_ms(deadline));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			free(buf);
			return r == 0 ? -ETIMEDOUT : -errno;
		}
		if (len + 1 == cap && cap < OUT_MAX) {
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t n = read(fd, buf + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			free(buf);
			return -e;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len + 1 == cap && cap >= OUT_MAX) {
			buf[len] = '\0';
			*out = buf;
			return 1; /* as much as is kept */
		}
	}
	buf[len] = '\0';
	*out = buf;
	return 0;
}

/* Run tshark with ARGS (after "tshark"), feeding it the LEN bytes of IN when IN is not NULL,
 * and return what it printed in *OUT (malloc'd). Killed when TIMEOUT_MS passes. Returns 0,
 * -ENOENT (no tshark), -ETIMEDOUT or another -errno. */
static int tshark(const char *const args[], const void *in, size_t len, int timeout_ms, char **out)
{
	char *argv[12] = { "tshark" };
	for (size_t i = 0; args[i] && i + 2 < sizeof(argv) / sizeof(argv[0]); i++)
		argv[i + 1] = (char *)args[i];
	int po[2] = { -1, -1 }, pi[2] = { -1, -1 };
	int r = sysio_pipe(po, 0);
	if (r == 0 && in)
		r = sysio_pipe(pi, 0);
	pid_t pid = r < 0 ? r : spawn(argv, pi[0], po[1]);
	sysio_close(&po[1]);
	sysio_close(&pi[0]);
	if (pid < 0) {
		sysio_close(&po[0]);
		sysio_close(&pi[1]);
		return (int)pid;
	}
	/* IN is one small record: it fits in the pipe, so this write does not wait. */
	if (in && sysio_write(pi[1], (void *)in, len) < 0)
		r = -EPIPE;
	sysio_close(&pi[1]);
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	long long deadline = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + timeout_ms;
	r = read_until(po[0], deadline, out);
	sysio_close(&po[0]);
	if (r != 0)
		kill(pid, SIGKILL); /* too slow, or more than is kept: it must not wait on us */
	r = r > 0 ? 0 : r;
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (r == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		free(*out);
		return -ENOENT; /* posix_spawnp's child could not exec it */
	}
	if (r < 0)
		return r;
	return 0;
}

/* Whether line L (up to its newline) has fields A\tB\tC; each copied out, NUL-terminated. */
static bool fields3(const char *l, char *a, char *b, char *c, size_t n)
{
	const char *t1 = strchr(l, '\t'), *e = strchr(l, '\n');
	if (!e)
		e = l + strlen(l);
	const char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
	if (!t1 || !t2 || t2 > e || (size_t)(t1 - l) >= n || (size_t)(t2 - t1 - 1) >= n ||
	    (size_t)(e - t2 - 1) >= n)
		return false;
	snprintf(a, n, "%.*s", (int)(t1 - l), l);
	snprintf(b, n, "%.*s", (int)(t2 - t1 - 1), t1 + 1);
	snprintf(c, n, "%.*s", (int)(e - t2 - 1), t2 + 1);
	return true;
}

static bool check_tables(const char *name, const char *decodes, int min, struct pcap_plan *plan);

/* How good a table is for calling a dissector: a port table tells the two sides apart. */
static int table_rank(const char *table)
{
	return strcmp(table, "tcp.port") == 0 ? 3 : strcmp(table, "udp.port") == 0 ? 2 : 1;
}

bool pcap_check_decodes(const char *name, const char *decodes, struct pcap_plan *plan)
{
	return check_tables(name, decodes, 1, plan);
}

/* Whether PROTOCOLS has a protocol whose filter name is NAME. */
static bool is_protocol(const char *name, const char *protocols)
{
	for (const char *l = protocols; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : "") {
		char full[256], shrt[256], filter[256];
		if (fields3(l, full, shrt, filter, sizeof(full)) && strcmp(filter, name) == 0)
			return true;
	}
	return false;
}

/* pcap_check_decodes, taking only tables ranked MIN or better (2: the port tables). */
static bool check_tables(const char *name, const char *decodes, int min, struct pcap_plan *plan)
{
	int best = min - 1;
	for (const char *l = decodes; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : "") {
		char table[128], value[128], dis[128];
		if (!fields3(l, table, value, dis, sizeof(table)) || strcmp(dis, name) != 0)
			continue;
		char *end;
		unsigned long v = strtoul(value, &end, 10);
		if (*end || end == value || v > UINT32_MAX || strlen(table) > PCAP_DISSECTOR_MAX)
			continue; /* a string table, or a range */
		int rank = table_rank(table);
		if (rank < min || rank < best || (rank == best && v >= plan->value))
			continue;
		best = rank;
		plan->how = PCAP_BY_TABLE;
		snprintf(plan->table, sizeof(plan->table), "%s", table);
		plan->value = (uint32_t)v;
	}
	return best >= min;
}

void pcap_check_nearest(const char *name, const char *decodes, const char *protocols,
			struct pcap_plan *plan)
{
	plan->nearest[0] = '\0';
	for (const char *l = protocols; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : "") {
		char full[256], shrt[256], filter[256];
		if (!fields3(l, full, shrt, filter, sizeof(full)) ||
		    strlen(filter) > PCAP_DISSECTOR_MAX)
			continue;
		if (!strcasestr(full, name) && !strcasestr(shrt, name))
			continue;
		struct pcap_plan p = { .how = PCAP_CANNOT };
		if (pcap_check_decodes(filter, decodes, &p)) {
			snprintf(plan->nearest, sizeof(plan->nearest), "%s", filter);
			if (table_rank(p.table) > 1)
				return; /* one that tells the sides apart: take it */
		}
	}
}

/* Whether tshark calls NAME by name: one record naming it, decoded; a name tshark does not
 * know leaves the frame at "exported_pdu". Returns 1, 0 or -errno. */
static int callable_by_name(const char *name, int timeout_ms)
{
	unsigned char rec[PCAP_ONE_RECORD_MAX(4)];
	size_t len = pcap_one_record(rec, sizeof(rec), name, "\r\n\r\n", 4);
	if (!len)
		return -EINVAL;
	const char *args[] = { "-r", "-", "-T", "fields", "-e", "frame.protocols", NULL };
	char *out = NULL;
	int r = tshark(args, rec, len, timeout_ms, &out);
	if (r < 0)
		return r;
	bool called = strchr(out, ':') != NULL;
	free(out);
	return called;
}

int pcap_check(const char *name, struct pcap_plan *plan, int timeout_ms)
{
	memset(plan, 0, sizeof(*plan));
	plan->how = PCAP_CANNOT;
	const char *g_decodes[] = { "-G", "decodes", NULL };
	char *decodes = NULL, *protocols = NULL;
	int r = tshark(g_decodes, NULL, 0, timeout_ms, &decodes);
	if (r < 0)
		return r;
	/* A port table first (the sides told apart), then by name, then any other table. */
	if (!check_tables(name, decodes, 2, plan)) {
		r = callable_by_name(name, timeout_ms);
		if (r > 0)
			plan->how = PCAP_BY_NAME;
		else if (r == 0 && !check_tables(name, decodes, 1, plan)) {
			const char *g_protocols[] = { "-G", "protocols", NULL };
			if ((r = tshark(g_protocols, NULL, 0, timeout_ms, &protocols)) == 0) {
				if (is_protocol(name, protocols))
					plan->how = PCAP_UNSURE;
				else
					pcap_check_nearest(name, decodes, protocols, plan);
			}
		}
	}
	free(protocols);
	free(decodes);
	return r < 0 ? r : 0;
}

int pcap_check_decodes_of_tshark(char **out, int timeout_ms)
{
	const char *g_decodes[] = { "-G", "decodes", NULL };
	*out = NULL;
	return tshark(g_decodes, NULL, 0, timeout_ms, out);
}

int pcap_check_run(const char *const args[], const void *in, size_t len, int timeout_ms,
		   char **out)
{
	*out = NULL;
	if (len > 60 * 1024)
		return -E2BIG;
	return tshark(args, in, len, timeout_ms, out);
}
