/* test_tap: the tap engine in this process: what it refuses to listen on, the node's mode, and
 * the events of one tapped exchange (both sides' credentials, chunks with their direction and
 * whole copies, half-close, the end), and a datagram exchange. Real sockets in a private
 * directory. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/base/capture.h"
#include "harness.h"

/* Something at LISTEN that is not ours: the tap is refused with WORDS, the node untouched. */
static void refused(struct rec *r, const char *listen, const char *words, int err)
{
	struct stat before, after;
	assert_int_equal(lstat(listen, &before), 0);
	assert_int_equal(rec_run_marked(r, "tap %s %s", listen, rec_path(r, "target")), CMD_FAIL);
	long i = rec_find_err(r, 0, SRC_TAP, err);
	if (i < 0 || !strstr(r->ev[i].text, words))
		rec_dump_marked(r);
	assert_true(i >= 0);
	assert_non_null(strstr(r->ev[i].text, words));
	assert_int_equal(lstat(listen, &after), 0);
	assert_int_equal(after.st_ino, before.st_ino);
	assert_int_equal(session_count(&r->app.sessions, SESSION_TAP, NULL, NULL), 0);
}

static void test_refuses_what_is_not_stale(void **state)
{
	struct rec *r = *state;
	const char *file = rec_path(r, "file");
	FILE *f = fopen(file, "w");
	assert_non_null(f);
	fclose(f);
	refused(r, file, "exists and is a regular file, not a socket; left untouched", EEXIST);
	int live = rec_listen(rec_path(r, "live"));
	assert_true(live >= 0);
	refused(r, rec_path(r, "live"), "a server is already listening there", EADDRINUSE);
	close(live);
}

static void test_stale_node_and_mode(void **state)
{
	struct rec *r = *state;
	const char *a = rec_path(r, "a");
	int stale = rec_listen(a);
	close(stale);   /* the node stays, nothing holds it */
	assert_int_equal(rec_run_marked(r, "tap %s %s --mode 0640", a, rec_path(r, "s")), CMD_OK);
	rec_must_find_text(r, "removed stale socket node");
	struct stat st;
	assert_int_equal(lstat(a, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0640);
	assert_int_equal(rec_run(r, "tap stop"), CMD_OK);
	assert_int_equal(lstat(a, &st), -1);
}

/* The chunk going WAY on connection 1 that carries exactly TEXT, kept whole in the store. */
static void chunk_kept(struct rec *r, enum event_dir way, const char *text)
{
	long i = rec_find_bytes(r, 0, SRC_TAP, EV_RECV, 1, text, strlen(text));
	assert_true(i >= 0);
	assert_int_equal(r->ev[i].dir, way);
	char whole[64] = "";
	assert_true(r->ev[i].capture != 0);
	assert_int_equal(capture_read(r->app.capture, r->ev[i].capture, 0, whole, sizeof(whole)),
			 (ssize_t)strlen(text));
	assert_string_equal(whole, text);
}

static void test_one_exchange(void **state)
{
	struct rec *r = *state;
	const char *a = rec_path(r, "a"), *s = rec_path(r, "s");
	int srv = rec_listen(s);
	assert_true(srv >= 0);
	assert_int_equal(rec_run_marked(r, "tap %s %s", a, s), CMD_OK);
	int c = rec_connect(a);
	assert_true(c >= 0);
	int up = accept(srv, NULL, NULL);
	assert_true(up >= 0);
	assert_int_equal(send(c, "hello", 5, 0), 5);
	assert_int_equal(shutdown(c, SHUT_WR), 0);
	rec_expect_bytes(up, "hello", 5, "the server");
	char b;
	assert_int_equal(recv(up, &b, 1, 0), 0);   /* the client's EOF, passed on */
	assert_int_equal(send(up, "hi", 2, 0), 2);
	close(up);
	rec_expect_bytes(c, "hi", 2, "the client");
	assert_int_equal(recv(c, &b, 1, 0), 0);
	close(c);
	assert_true(rec_wait(r, 0, SRC_TAP, EV_CLOSE, NULL) >= 0);
	/* Both sides' credentials: here both are this process. */
	long i = rec_find(r, 0, SRC_TAP, EV_ACCEPT, NULL);
	assert_true(i >= 0 && r->ev[i].has_cred && r->ev[i].dir == DIR_C2S);
	assert_int_equal(r->ev[i].pid, getpid());
	i = rec_find(r, (size_t)i + 1, SRC_TAP, EV_ACCEPT, NULL);
	assert_true(i >= 0 && r->ev[i].has_cred && r->ev[i].dir == DIR_S2C);
	chunk_kept(r, DIR_C2S, "hello");
	chunk_kept(r, DIR_S2C, "hi");
	rec_must_find_text(r, "tap #1: the client finished sending (EOF): shut down writing to "
			   "the server; server->client still flows");
	rec_must_find_text(r, "tap #1: connection closed (client->server 5 bytes, server->client "
			   "2 bytes): both sides closed");
	rec_assert_printable(r);
	close(srv);
}

/* A datagram socket bound at PATH, receives time out after the tests' deadline. */
static int dgram_at(const char *path)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	struct timeval tv = { .tv_sec = rec_deadline_s() };
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		fail_msg("dgram_at %s: %s", path, strerror(errno));
	return fd;
}

static void send_to(int fd, const char *msg, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	assert_int_equal(sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&sa, sizeof(sa)),
			 (ssize_t)strlen(msg));
}

/* tap --type dgram: a stale datagram node goes; an empty datagram and a word go up as they
 * are, from the sender's own upstream socket; the reply comes back to the sender; each is an
 * event with its direction, sender and whole copy; stop closes the upstream socket. */
static void test_dgram_exchange(void **state)
{
	struct rec *r = *state;
	const char *a = rec_path(r, "a"), *s = rec_path(r, "s"), *cp = rec_path(r, "c");
	close(dgram_at(a)); /* a stale datagram node: nothing holds it now */
	size_t fds = rec_fd_count();
	int srv = dgram_at(s), c = dgram_at(cp);
	assert_int_equal(rec_run_marked(r, "tap %s %s --type dgram", a, s), CMD_OK);
	rec_must_find_text(r, "removed stale socket node");
	send_to(c, "", a);
	send_to(c, "ping", a);
	char buf[16];
	struct sockaddr_un from;
	socklen_t fl = sizeof(from);
	assert_int_equal(recvfrom(srv, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl), 0);
	assert_true(fl > offsetof(struct sockaddr_un, sun_path) + 1 && from.sun_path[0] == '\0');
	rec_expect_bytes(srv, "ping", 4, "the server");
	assert_int_equal(sendto(srv, "pong", 4, 0, (struct sockaddr *)&from, fl), 4);
	rec_expect_bytes(c, "pong", 4, "the sender");
	assert_true(rec_wait_line(r, 0, "tap #1: server->client 4 bytes b'pong' to ") >= 0);
	long i = rec_find_bytes(r, 0, SRC_TAP, EV_RECV, 1, "", 0);
	assert_true(i >= 0 && r->ev[i].dir == DIR_C2S && r->ev[i].message);
	assert_int_equal(r->ev[i].sender, SENDER_PATH);
	assert_string_equal(r->ev[i].text, cp);
	assert_true(r->ev[i].has_cred && r->ev[i].cred_msg && r->ev[i].pid == getpid());
	chunk_kept(r, DIR_C2S, "ping");
	chunk_kept(r, DIR_S2C, "pong");
	assert_int_equal(rec_run(r, "tap stop"), CMD_OK);
	rec_must_find_text(r, "tap #1: upstream socket closed (client->server 4 bytes in 2 "
			      "datagrams, server->client 4 bytes in 1 datagram): tap stopping");
	rec_assert_printable(r);
	close(srv);
	close(c);
	assert_int_equal(rec_fd_count(), fds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		rec_test(test_refuses_what_is_not_stale),
		rec_test(test_stale_node_and_mode),
		rec_test(test_one_exchange),
		rec_test(test_dgram_exchange),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
