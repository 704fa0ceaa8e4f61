/* test_engine: the echo server and clients over real sockets in a private temp directory. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/session/server.h"
#include "core/base/sysio.h"
#include "core/render/render_event.h"
#include "harness.h"

static int must_listen(const char *path)
{
	int fd = rec_listen(path);
	assert_true(fd >= 0);
	return fd;
}

/* Sizes of server (or client) RECV events for connection CONN, in order. */
static size_t recv_sizes(const struct rec *r, int source, unsigned conn, uint64_t *out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n && n < max; i++)
		if (r->ev[i].source == source && r->ev[i].kind == EV_RECV &&
		    (conn == 0 || r->ev[i].conn == conn))
			out[n++] = r->ev[i].nbytes;
	return n;
}

static void test_walkthrough_round_trip(void **state)
{
	struct rec *r = *state;
	const char *path = rec_path(r, "uds_socket");
	assert_int_equal(rec_run(r, "server start %s", path), CMD_OK);
	assert_int_equal(rec_run(r, "client %s", path), CMD_OK);
	long closed = rec_wait_for(r, 0, SRC_SERVER, EV_CLOSE, 1);
	assert_true(closed >= 0);
	/* Back to waiting once the only client has gone. */
	assert_true(rec_wait_for(r, (size_t)closed, SRC_SERVER, EV_WAIT, 0) > closed);

	uint64_t sz[8];
	/* The whole message is queued before the first recv: 16 + 16 + 9, then EOF. */
	assert_int_equal(recv_sizes(r, SRC_SERVER, 1, sz, 8), 4);
	assert_int_equal(sz[0], 16);
	assert_int_equal(sz[1], 16);
	assert_int_equal(sz[2], 9);
	assert_int_equal(sz[3], 0);
	assert_int_equal(recv_sizes(r, SRC_CLIENT, 0, sz, 8), 3);
	assert_int_equal(sz[0], 16);
	assert_int_equal(sz[1], 16);
	assert_int_equal(sz[2], 9);
	/* The chunks, by their bytes: what each side received, sent and echoed. */
	assert_true(rec_find_bytes(r, 0, SRC_SERVER, EV_RECV, 1, "This is the mess", 16) >= 0);
	assert_true(rec_find_bytes(r, 0, SRC_SERVER, EV_RECV, 1, "age. It will be ", 16) >= 0);
	assert_true(rec_find_bytes(r, 0, SRC_SERVER, EV_RECV, 1, "repeated.", 9) >= 0);
	assert_true(rec_find_bytes(r, 0, SRC_SERVER, EV_SEND, 1, NULL, 16) >= 0);
	assert_true(rec_find_bytes(r, 0, SRC_CLIENT, EV_RECV, 0, "repeated.", 9) >= 0);
	assert_true(rec_find_bytes(r, 0, SRC_CLIENT, EV_SEND, 0,
				   "This is the message. It will be repeated.", 41) >= 0);
	assert_true(rec_find_text(r, "server #1: no data from pid") >= 0);
	assert_true(rec_find_text(r, "(connection closed)") >= 0);
	assert_true(rec_find(r, 0, SRC_CLIENT, EV_CLOSE, NULL) >= 0);
	assert_true(rec_find(r, 0, SRC_SERVER, EV_LISTEN, path) >= 0);

	struct stats_snapshot sn;
	stats_snapshot(server_stats(app_server(&r->app)), &sn);
	assert_int_equal(sn.bytes_in, 41);
	assert_int_equal(sn.bytes_out, 41);
	assert_int_equal(sn.chunks_in, 3);
	assert_int_equal(sn.hist_in[stats_bucket(16)], 2);
	assert_int_equal(sn.hist_in[stats_bucket(9)], 1);
	assert_int_equal(rec_run(r, "server stop"), CMD_OK);
	struct stat st;
	assert_int_equal(lstat(path, &st), -1);
	assert_int_equal(errno, ENOENT);
}

static void test_peer_credentials(void **state)
{
	struct rec *r = *state;
	const char *path = rec_path(r, "s");
	assert_int_equal(rec_run(r, "server start %s", path), CMD_OK);
	int fd = rec_connect(path);
	assert_true(fd >= 0);
	long i = rec_wait_for(r, 0, SRC_SERVER, EV_ACCEPT, 0);
	assert_true(i >= 0);
	const struct event *ev = &r->ev[i];
	assert_true(ev->has_cred);
	assert_int_equal(ev->pid, getpid());
	assert_int_equal(ev->uid, getuid());
	assert_int_equal(ev->gid, getgid());
	char comm[32];
	assert_int_equal(sysio_proc_comm(getpid(), comm, sizeof(comm)), 0);
	assert_string_equal(ev->text, comm);
	close(fd);
}

#define NCLIENTS 40
#define ROUNDS 32
#define BLOCK 8192

struct many {
	const char *path;
	atomic_int done;
	atomic_int bad;
	pthread_mutex_t lock;
	char why[256];   /* the first client's failure, said by the test's thread */
};

static void many_failed(struct many *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void many_failed(struct many *m, const char *fmt, ...)
{
	pthread_mutex_lock(&m->lock);
	if (atomic_fetch_add(&m->bad, 1) == 0) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(m->why, sizeof(m->why), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&m->lock);
}

static void *many_client(void *arg)
{
	struct many *m = arg;
	int fd = rec_connect(m->path);
	if (fd < 0) {
		many_failed(m, "connect %s: %s", m->path, strerror(errno));
		goto out;
	}
	unsigned seed = (unsigned)(uintptr_t)&fd;
	static _Thread_local char out[BLOCK], in[BLOCK];
	for (int round = 0; round < ROUNDS; round++) {
		for (int i = 0; i < BLOCK; i++)
			out[i] = (char)rand_r(&seed);
		if (sysio_send_all(fd, out, BLOCK) < 0) {
			many_failed(m, "send, round %d: %s", round, strerror(errno));
			break;
		}
		char why[200], what[32];
		snprintf(what, sizeof(what), "echo of round %d", round);
		if (rec_recv_exact(fd, in, BLOCK, out, what, why, sizeof(why)) != BLOCK) {
			many_failed(m, "%s", why);
			break;
		}
	}
	close(fd);
out:
	atomic_fetch_add(&m->done, 1);
	return NULL;
}

struct closes {
	struct rec *r;
	size_t want;
};

static bool closes_seen(void *arg)
{
	struct closes *c = arg;
	return rec_count(c->r, SRC_SERVER, EV_CLOSE) >= c->want;
}

static void test_many_concurrent_clients(void **state)
{
	struct rec *r = *state;
	const char *path = rec_path(r, "many");
	assert_int_equal(rec_run(r, "server start %s --chunk 4096 --backlog 64", path), CMD_OK);
	struct many m = { .path = path };
	atomic_init(&m.done, 0);
	atomic_init(&m.bad, 0);
	pthread_mutex_init(&m.lock, NULL);
	pthread_t t[NCLIENTS];
	for (int i = 0; i < NCLIENTS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, many_client, &m), 0);
	/* The bus is lossless: keep consuming while the clients run (each read of theirs has a
	 * deadline, so they all end). */
	while (atomic_load(&m.done) < NCLIENTS)
		app_pump(&r->app, 20);
	for (int i = 0; i < NCLIENTS; i++)
		pthread_join(t[i], NULL);
	pthread_mutex_destroy(&m.lock);
	if (atomic_load(&m.bad))
		rec_fail("%d of %d clients failed; the first: %s", atomic_load(&m.bad), NCLIENTS, m.why);
	/* Wait for every connection's close to be seen, then check exact totals. */
	struct closes cl = { r, NCLIENTS };
	rec_pump_until(r, closes_seen, &cl, "the server's close events");
	assert_int_equal(rec_count(r, SRC_SERVER, EV_CLOSE), NCLIENTS);
	assert_int_equal(rec_count(r, SRC_SERVER, EV_ACCEPT), NCLIENTS);
	struct stats_snapshot sn;
	stats_snapshot(server_stats(app_server(&r->app)), &sn);
	uint64_t total = (uint64_t)NCLIENTS * ROUNDS * BLOCK;
	assert_int_equal(sn.bytes_in, total);
	assert_int_equal(sn.bytes_out, total);
	assert_int_equal(sn.accepted, NCLIENTS);
	assert_int_equal(sn.clients, 0);
	uint64_t seen = 0;
	for (size_t i = 0; i < r->n; i++)
		if (r->ev[i].source == SRC_SERVER && r->ev[i].kind == EV_RECV)
			seen += r->ev[i].nbytes;
	assert_int_equal(seen, total);
}

static void test_stale_node_removed(void **state)
{
	struct rec *r = *state;
	const char *path = rec_path(r, "stale");
	close(must_listen(path));   /* the node outlives its socket */
	struct stat st;
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(rec_run(r, "server start %s", path), CMD_OK);
	assert_true(rec_find_text(r, "removed stale socket node") >= 0);
	int fd = rec_connect(path);
	assert_true(fd >= 0);
	close(fd);
}

static void test_live_socket_refused(void **state)
{
	struct rec *r = *state;
	const char *path = rec_path(r, "live");
	int lfd = must_listen(path);
	assert_int_equal(rec_run(r, "server start %s", path), CMD_FAIL);
	long i = rec_find_text(r, "a server is already listening there; left untouched");
	assert_true(i >= 0);
	assert_int_equal(r->ev[i].err, EADDRINUSE);
	assert_null(app_server(&r->app));
	/* Still the other server's socket, still accepting. */
	int fd = rec_connect(path);
	assert_true(fd >= 0);
	close(fd);
	close(lfd);
}

static void test_regular_file_symlink_dir_untouched(void **state)
{
	struct rec *r = *state;
	const char *file = rec_path(r, "file");
	FILE *f = fopen(file, "w");
	fputs("precious", f);
	fclose(f);
	assert_int_equal(rec_run(r, "server start %s", file), CMD_FAIL);
	assert_true(rec_find_text(r, "exists and is a regular file, not a socket; left untouched") >= 0);
	char buf[16] = "";
	f = fopen(file, "r");
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "precious");

	const char *link = rec_path(r, "link");
	assert_int_equal(symlink(file, link), 0);
	assert_int_equal(rec_run(r, "server start %s", link), CMD_FAIL);
	assert_true(rec_find_text(r, "exists and is a symbolic link to") >= 0);
	struct stat st;
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));

	const char *dir = rec_path(r, "dir");
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(rec_run(r, "server start %s", dir), CMD_FAIL);
	assert_true(rec_find_text(r, "exists and is a directory, not a socket") >= 0);
	assert_int_equal(lstat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_null(app_server(&r->app));
}

static void test_too_long_path_creates_nothing(void **state)
{
	struct rec *r = *state;
	char name[200];
	memset(name, 'n', 120);
	name[120] = '\0';
	const char *path = rec_path(r, name);
	assert_int_equal(rec_run(r, "server start %s", path), CMD_FAIL);
	long i = rec_find_text(r, "sun_path holds at most 107");
	assert_true(i >= 0);
	assert_non_null(strstr(rec_line(r, (size_t)i), "@abstract"));
	/* Nothing at the full name, nor at the name cut to 107 bytes. */
	char cut[108];
	memcpy(cut, path, 107);
	cut[107] = '\0';
	struct stat st;
	assert_int_equal(lstat(cut, &st), -1);
	assert_int_equal(lstat(path, &st), -1);
	assert_int_equal(rec_run(r, "client %s", path), CMD_FAIL);
}

static void test_client_refused_and_missing(void **state)
{
	struct rec *r = *state;
	const char *path = rec_path(r, "refuses");
	close(must_listen(path));
	assert_int_equal(rec_run(r, "client %s", path), CMD_FAIL);
	long i = rec_find_err(r, 0, REC_ANY, ECONNREFUSED);
	assert_true(i >= 0);
	/* Every error names the operation, the path and the errno text. */
	char want[300], got[EVENT_LINE_MAX];
	snprintf(want, sizeof(want), "connect %s: Connection refused (ECONNREFUSED)", path);
	render_event_words(&r->ev[i], 0, got, sizeof(got));
	assert_string_equal(got, want);
	assert_int_equal(rec_run(r, "client %s", rec_path(r, "missing")), CMD_FAIL);
	assert_true(rec_find_err(r, 0, REC_ANY, ENOENT) >= 0);
}

static void test_mode_at_creation(void **state)
{
	struct rec *r = *state;
	mode_t old = umask(022);
	const char *a = rec_path(r, "m600");
	assert_int_equal(rec_run(r, "server start %s --mode 600", a), CMD_OK);
	struct stat st;
	assert_int_equal(lstat(a, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(rec_run(r, "server stop"), CMD_OK);
	/* 0777 is more than umask 022 allows: it can only come from the umask around bind. */
	const char *b = rec_path(r, "m777");
	assert_int_equal(rec_run(r, "server start %s --mode 0777", b), CMD_OK);
	assert_int_equal(lstat(b, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0777);
	assert_int_equal(rec_run(r, "server stop"), CMD_OK);
	/* And the process umask is back. */
	assert_int_equal(umask(old), 022);
}

static void test_stop_leaves_replaced_node(void **state)
{
	struct rec *r = *state;
	const char *path = rec_path(r, "replaced");
	assert_int_equal(rec_run(r, "server start %s", path), CMD_OK);
	assert_int_equal(unlink(path), 0);
	FILE *f = fopen(path, "w");
	fputs("someone else's", f);
	fclose(f);
	assert_int_equal(rec_run(r, "server stop"), CMD_OK);
	assert_true(rec_find_text(r, "it is no longer the node this server created") >= 0);
	struct stat st;
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
}

static void test_abstract_round_trip(void **state)
{
	struct rec *r = *state;
	char name[64];
	snprintf(name, sizeof(name), "@udscope-test-%ld", (long)getpid());
	assert_int_equal(rec_run(r, "server start %s", name), CMD_OK);
	assert_int_equal(rec_run(r, "client %s \"abstract hello\" --chunk 5", name), CMD_OK);
	uint64_t sz[8];
	assert_int_equal(recv_sizes(r, SRC_CLIENT, 0, sz, 8), 3);
	assert_int_equal(sz[0], 5);
	assert_int_equal(sz[2], 4);
	assert_int_equal(rec_run(r, "server start %s --mode 600", name), CMD_FAIL);
}

static uint64_t client_received(const struct rec *r)
{
	uint64_t got = 0;
	for (size_t i = 0; i < r->n; i++)
		if (r->ev[i].source == SRC_CLIENT && r->ev[i].kind == EV_RECV)
			got += r->ev[i].nbytes;
	return got;
}

struct client_bytes {
	struct rec *r;
	uint64_t want;
};

static bool client_bytes_in(void *arg)
{
	struct client_bytes *c = arg;
	return client_received(c->r) >= c->want;
}

static void test_interactive_session(void **state)
{
	struct rec *r = *state;
	const char *path = rec_path(r, "inter");
	assert_int_equal(rec_run(r, "server start %s", path), CMD_OK);
	assert_int_equal(rec_run(r, "send hi"), CMD_FAIL);
	assert_true(rec_find_text(r, "send: no connection") >= 0);
	assert_int_equal(rec_run(r, "connect %s --chunk 4", path), CMD_OK);
	assert_int_equal(rec_run(r, "send \"hello\\x00world\""), CMD_OK);
	/* 11 bytes back in 4-byte reads. */
	struct client_bytes cb = { r, 11 };
	rec_pump_until(r, client_bytes_in, &cb, "the client's 11 bytes of echo");
	assert_int_equal(client_received(r), 11);
	assert_true(rec_find_bytes(r, 0, SRC_CLIENT, EV_RECV, 0, "hell", 4) >= 0);
	assert_true(rec_find_bytes(r, 0, SRC_CLIENT, EV_RECV, 0, "o\0wo", 4) >= 0);
	/* A second connection: commands that need one now ask which. */
	assert_int_equal(rec_run(r, "connect %s", path), CMD_OK);
	assert_int_equal(rec_run(r, "disconnect"), CMD_FAIL);
	assert_true(rec_find_text(r, "disconnect: 2 connections are running (#2 ") >= 0);
	assert_int_equal(rec_run(r, "disconnect 3"), CMD_OK);
	assert_int_equal(rec_run(r, "disconnect"), CMD_OK);
	assert_true(rec_find(r, 0, SRC_CLIENT, EV_CLOSE, NULL) >= 0);
	assert_null(app_conn(&r->app));
	assert_true(rec_wait_for(r, 0, SRC_SERVER, EV_CLOSE, 0) >= 0);
}

static void test_non_reading_client_does_not_stall_others(void **state)
{
	struct rec *r = *state;
	const char *path = rec_path(r, "hog");
	assert_int_equal(rec_run(r, "server start %s --chunk 16", path), CMD_OK);
	int hog = rec_connect(path);
	assert_true(hog >= 0);
	sysio_set_nonblock(hog, true);
	/* Send until the kernel says no: the hog never reads its echo. */
	static char junk[65536];
	size_t sent = 0;
	for (int tries = 0; tries < 2000; tries++) {
		ssize_t n = send(hog, junk, sizeof(junk), MSG_NOSIGNAL);
		if (n > 0)
			sent += (size_t)n;
		else if (errno == EAGAIN)
			app_pump(&r->app, 5);   /* let the server move what it can */
		else
			break;
		if (tries > 100 && n < 0)
			break;
	}
	assert_true(sent > 0);
	/* A normal client still gets its whole echo. */
	assert_int_equal(rec_run(r, "client %s", path), CMD_OK);
	assert_true(rec_wait_for(r, 0, SRC_SERVER, EV_CLOSE, 2) >= 0);
	struct server_conn_info info[4];
	size_t n = server_conns(app_server(&r->app), info, 4);
	assert_int_equal(n, 1);
	/* The server holds at most one chunk for the hog; the rest waits in the kernel. */
	assert_true(info[0].pending <= 16);
	assert_true(info[0].outq > 0);
	assert_true(info[0].inq > 0);
	close(hog);
}

static void test_peer_hangs_up_mid_echo(void **state)
{
	struct rec *r = *state;
	const char *path = rec_path(r, "hangup");
	assert_int_equal(rec_run(r, "server start %s --chunk 65536", path), CMD_OK);
	int fd = rec_connect(path);
	static char junk[1 << 20];
	sysio_set_nonblock(fd, true);
	ssize_t n = send(fd, junk, sizeof(junk), MSG_NOSIGNAL);
	assert_true(n > 0);
	close(fd);   /* gone with echo in flight */
	assert_true(rec_wait_for(r, 0, SRC_SERVER, EV_CLOSE, 1) >= 0);
	/* The server is still there for the next client. */
	assert_int_equal(rec_run(r, "client %s", path), CMD_OK);
	assert_int_equal(rec_count(r, SRC_SERVER, EV_ACCEPT), 2);
}

/* ---- partial sends: a 1 MiB chunk echoed to a client that reads slowly ---- */

#define PARTIAL_TOTAL (3u << 20)
#define PARTIAL_READ 4096

/* Byte I of the message: no period a skipped or repeated range of the echo could hide in. */
static unsigned char partial_byte(size_t i)
{
	uint32_t x = (uint32_t)i * 2654435761u;
	x ^= x >> 15;
	x *= 2246822519u;
	x ^= x >> 13;
	return (unsigned char)(x >> 24);
}

struct partial {
	int fd;
	const unsigned char *msg;
	atomic_bool wrote, read;
	bool send_failed;
	size_t got;
	char why[256];
};

static void *partial_writer(void *arg)
{
	struct partial *p = arg;
	for (size_t off = 0; off < PARTIAL_TOTAL; off += 65536)
		if (sysio_send_all(p->fd, p->msg + off, 65536) < 0) {
			p->send_failed = true;
			break;
		}
	atomic_store(&p->wrote, true);
	return NULL;
}

/* Small reads with a pause now and then: the server's socket buffer fills, and its send of a
 * big chunk returns short. Every byte is compared with what was sent. */
static void *partial_reader(void *arg)
{
	struct partial *p = arg;
	unsigned char buf[PARTIAL_READ];
	size_t off = 0;
	for (unsigned k = 0; off < PARTIAL_TOTAL; k++) {
		size_t want = PARTIAL_TOTAL - off < PARTIAL_READ ? PARTIAL_TOTAL - off : PARTIAL_READ;
		char why[200], what[64];
		snprintf(what, sizeof(what), "the read at echo byte %zu", off);
		size_t n = rec_recv_exact(p->fd, buf, want, p->msg + off, what, why, sizeof(why));
		if (n != want) {
			snprintf(p->why, sizeof(p->why), "echo: %zu of %u bytes right, then %s",
				 off + n, PARTIAL_TOTAL, why);
			off += n;
			/* Unblock the writer: the server stops reading once its echo stalls. */
			shutdown(p->fd, SHUT_RDWR);
			break;
		}
		off += n;
		if (k % 8 == 7) {
			struct timespec pause = { 0, 1000000 };
			nanosleep(&pause, NULL);
		}
	}
	p->got = off;
	atomic_store(&p->read, true);
	return NULL;
}

static bool partial_done(void *arg)
{
	struct partial *p = arg;
	return atomic_load(&p->wrote) && atomic_load(&p->read);
}

static void test_partial_sends_echo_every_byte(void **state)
{
	struct rec *r = *state;
	const char *path = rec_path(r, "partial");
	assert_int_equal(rec_run(r, "server start %s --chunk 1048576", path), CMD_OK);
	static unsigned char msg[PARTIAL_TOTAL];
	for (size_t i = 0; i < PARTIAL_TOTAL; i++)
		msg[i] = partial_byte(i);
	struct partial p = { .fd = rec_connect(path), .msg = msg };
	assert_true(p.fd >= 0);
	atomic_init(&p.wrote, false);
	atomic_init(&p.read, false);
	pthread_t w, rd;
	assert_int_equal(pthread_create(&w, NULL, partial_writer, &p), 0);
	assert_int_equal(pthread_create(&rd, NULL, partial_reader, &p), 0);
	/* Pump the lossless bus meanwhile; both threads end by themselves (the reader's every
	 * read has a deadline, and it shuts the socket down when it gives up). Note how much
	 * echo the server held back waiting for the reader: that is the partial-send path. */
	size_t held = 0;
	while (!partial_done(&p)) {
		app_pump(&r->app, 5);
		struct server_conn_info info[2];
		if (server_conns(app_server(&r->app), info, 2) == 1 && info[0].pending > held)
			held = info[0].pending;
	}
	pthread_join(w, NULL);
	pthread_join(rd, NULL);
	close(p.fd);
	if (p.got != PARTIAL_TOTAL)
		rec_fail("%s", p.why);
	assert_false(p.send_failed);
	assert_true(rec_wait_for(r, 0, SRC_SERVER, EV_CLOSE, 1) >= 0);

	/* Each chunk went back whole: the sends add up to the receives, chunk by chunk. */
	uint64_t in = 0, out = 0, biggest = 0;
	size_t chunks = 0, sends = 0;
	for (size_t i = 0; i < r->n; i++) {
		const struct event *ev = &r->ev[i];
		if (ev->source != SRC_SERVER || ev->conn != 1)
			continue;
		if (ev->kind == EV_RECV && ev->nbytes) {
			assert_int_equal(in, out);   /* the previous chunk was all sent first */
			in += ev->nbytes;
			chunks++;
			if (ev->nbytes > biggest)
				biggest = ev->nbytes;
		} else if (ev->kind == EV_SEND) {
			out += ev->nbytes;
			sends++;
			assert_int_equal(out, in);
		}
	}
	assert_int_equal(in, PARTIAL_TOTAL);
	assert_int_equal(out, PARTIAL_TOTAL);
	assert_int_equal(sends, chunks);
	struct stats_snapshot sn;
	stats_snapshot(server_stats(app_server(&r->app)), &sn);
	assert_int_equal(sn.bytes_in, PARTIAL_TOTAL);
	assert_int_equal(sn.bytes_out, PARTIAL_TOTAL);
	print_message("# partial sends: %zu chunks, the biggest %llu bytes; up to %zu bytes of "
		      "echo held back for the slow reader\n", chunks, (unsigned long long)biggest,
		      held);
}

struct short_server {
	int lfd;
};

static void *short_echo(void *arg)
{
	struct short_server *s = arg;
	int c = accept(s->lfd, NULL, NULL);
	char buf[64];
	ssize_t n = recv(c, buf, sizeof(buf), 0);
	if (n > 10)
		sysio_send_all(c, buf, 10);   /* only part of it comes back */
	close(c);
	return NULL;
}

static void test_short_echo_fails(void **state)
{
	struct rec *r = *state;
	const char *path = rec_path(r, "short");
	struct short_server s = { must_listen(path) };
	pthread_t t;
	pthread_create(&t, NULL, short_echo, &s);
	assert_int_equal(rec_run(r, "client %s", path), CMD_FAIL);
	pthread_join(t, NULL);
	close(s.lfd);
	long i = rec_find_text(r, "short echo, received 10 of 41 bytes");
	assert_true(i >= 0);
	assert_int_equal(r->ev[i].kind, EV_ERROR);
	assert_int_equal(r->ev[i].err, EPROTO);
}

int main(void)
{
	/* Line by line, so that the log keeps the TAP lines and the failure messages (stderr) in
	 * order, and a test killed for hanging loses nothing it printed. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	const struct CMUnitTest tests[] = {
		rec_test(test_walkthrough_round_trip),
		rec_test(test_peer_credentials),
		rec_test(test_many_concurrent_clients),
		rec_test(test_stale_node_removed),
		rec_test(test_live_socket_refused),
		rec_test(test_regular_file_symlink_dir_untouched),
		rec_test(test_too_long_path_creates_nothing),
		rec_test(test_client_refused_and_missing),
		rec_test(test_mode_at_creation),
		rec_test(test_stop_leaves_replaced_node),
		rec_test(test_abstract_round_trip),
		rec_test(test_interactive_session),
		rec_test(test_non_reading_client_does_not_stall_others),
		rec_test(test_peer_hangs_up_mid_echo),
		rec_test(test_short_echo_fails),
		rec_test(test_partial_sends_echo_every_byte),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
