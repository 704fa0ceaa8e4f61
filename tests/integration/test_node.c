/* test_node: socket nodes are removed only while they are the node that was checked, and
 * never while a socket is bound to them. Real sockets and files in a private directory. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/io/node.h"
#include "harness.h"

static int bound_only(const char *path)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	return fd;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void assert_file_holds(const char *path, const char *text)
{
	char buf[64] = "";
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, text);
}

/* A process that bound the path and will listen in a moment keeps its node. */
static void test_bound_not_listening_is_left_alone(void **state)
{
	struct rec *r = *state;
	const char *path = rec_path(r, "bound");
	int fd = bound_only(path);
	struct stat before, after;
	assert_int_equal(lstat(path, &before), 0);
	assert_int_equal(rec_run(r, "server start %s", path), CMD_FAIL);
	long i = rec_find_text(r, "a socket is bound to this node but not listening yet");
	if (i < 0)
		rec_dump(r);
	assert_true(i >= 0);
	assert_int_equal(r->ev[i].err, EADDRINUSE);
	char holder[64];
	snprintf(holder, sizeof(holder), "(held by pid %ld (", (long)getpid());
	assert_non_null(strstr(r->ev[i].text, holder));
	assert_null(app_server(&r->app));
	assert_int_equal(lstat(path, &after), 0);
	assert_int_equal(after.st_ino, before.st_ino);
	/* And its owner can still serve on it. */
	assert_int_equal(listen(fd, 1), 0);
	int c = rec_connect(path);
	assert_true(c >= 0);
	close(c);
	close(fd);
}

/* The node is still the one checked: it goes, and nothing else in the directory does. */
static void test_remove_matching_node(void **state)
{
	struct rec *r = *state;
	const char *path = rec_path(r, "s");
	close(bound_only(path));
	struct stat st;
	assert_int_equal(lstat(path, &st), 0);
	char why[256];
	assert_int_equal(node_remove(path, &st, why, sizeof(why)), 0);
	assert_int_equal(lstat(path, &st), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(node_remove(path, &st, why, sizeof(why)), -ENOENT);
	/* No aside name is left behind. */
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "[ -z \"$(ls -A '%s')\" ]", r->dir);
	assert_int_equal(system(cmd), 0);
}

/* Swapped for a regular file after the check: the file stays where it was, whole. */
static void test_replaced_by_file_is_put_back(void **state)
{
	struct rec *r = *state;
	const char *path = rec_path(r, "s");
	close(bound_only(path));
	struct stat st;
	assert_int_equal(lstat(path, &st), 0);
	const char *file = rec_path(r, "file");
	write_file(file, "precious");
	assert_int_equal(rename(file, path), 0);
	char why[256];
	assert_int_equal(node_remove(path, &st, why, sizeof(why)), -ESTALE);
	assert_non_null(strstr(why, "it is now a regular file"));
	assert_file_holds(path, "precious");
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "[ \"$(ls -A '%s')\" = s ]", r->dir);
	assert_int_equal(system(cmd), 0);
}

/* Swapped for another socket (same type, other inode): not ours either. */
static void test_replaced_by_other_socket_is_put_back(void **state)
{
	struct rec *r = *state;
	const char *path = rec_path(r, "s");
	close(bound_only(path));
	struct stat st, now;
	assert_int_equal(lstat(path, &st), 0);
	const char *other = rec_path(r, "other");
	int lfd = rec_listen(other);
	assert_true(lfd >= 0);
	assert_int_equal(rename(other, path), 0);
	char why[256];
	assert_int_equal(node_remove(path, &st, why, sizeof(why)), -ESTALE);
	assert_int_equal(lstat(path, &now), 0);
	assert_true(S_ISSOCK(now.st_mode));
	assert_true(now.st_ino != st.st_ino);
	int c = rec_connect(path);   /* the other server is still reachable there */
	assert_true(c >= 0);
	close(c);
	close(lfd);
}

/* A relative path is removed from the current directory's point of view. */
static void test_remove_relative_path(void **state)
{
	struct rec *r = *state;
	char cwd[4096];
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(r->dir), 0);
	close(bound_only("rel"));
	struct stat st;
	assert_int_equal(lstat("rel", &st), 0);
	char why[256];
	int rc = node_remove("rel", &st, why, sizeof(why));
	int gone = lstat("rel", &st) < 0 && errno == ENOENT;
	assert_int_equal(chdir(cwd), 0);
	assert_int_equal(rc, 0);
	assert_true(gone);
}

/* At stop: the server's node was swapped for a file while it ran; the file stays. */
static void test_stop_leaves_a_swapped_in_file(void **state)
{
	struct rec *r = *state;
	const char *path = rec_path(r, "srv");
	assert_int_equal(rec_run(r, "server start %s", path), CMD_OK);
	const char *file = rec_path(r, "file");
	write_file(file, "precious");
	assert_int_equal(rename(file, path), 0);
	assert_int_equal(rec_run(r, "server stop"), CMD_OK);
	assert_true(rec_find_text(r, "it is no longer the node this server created") >= 0);
	assert_file_holds(path, "precious");
}

/* The probe names what it sees. */
static void test_probe_states(void **state)
{
	struct rec *r = *state;
	struct uds_addr a;
	char why[128];
	struct node_probe np;

	const char *missing = rec_path(r, "missing");
	assert_int_equal(addr_parse(missing, strlen(missing), &a, why, sizeof(why)), 0);
	assert_int_equal(node_probe(&a, &np), 0);
	assert_int_equal(np.state, NODE_ABSENT);

	const char *stale = rec_path(r, "stale");
	close(bound_only(stale));
	assert_int_equal(addr_parse(stale, strlen(stale), &a, why, sizeof(why)), 0);
	assert_int_equal(node_probe(&a, &np), 0);
	assert_int_equal(np.state, NODE_STALE);

	const char *live = rec_path(r, "live");
	int lfd = rec_listen(live);
	assert_int_equal(addr_parse(live, strlen(live), &a, why, sizeof(why)), 0);
	assert_int_equal(node_probe(&a, &np), 0);
	assert_int_equal(np.state, NODE_LISTENING);
	if (np.diag) {
		/* Known from sock_diag: this process holds it, and nothing was connected. */
		assert_int_equal(np.pid, getpid());
		assert_int_equal(np.fd, lfd);
	}
	close(lfd);

	const char *file = rec_path(r, "file");
	write_file(file, "x");
	assert_int_equal(addr_parse(file, strlen(file), &a, why, sizeof(why)), 0);
	assert_int_equal(node_probe(&a, &np), 0);
	assert_int_equal(np.state, NODE_NOT_SOCKET);
	assert_string_equal(node_kind_name(np.st.st_mode), "a regular file");
}

/* node_probe_at looks at what the directory holds under the name, through a descriptor of
 * it: a symlink there is reported as such and never followed, not even by its connect. */
static void test_probe_at_never_follows(void **state)
{
	struct rec *r = *state;
	struct node_probe np;
	int dfd = open(rec_path(r, ""), O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(dfd >= 0);

	const char *live = rec_path(r, "live");
	int lfd = rec_listen(live);
	assert_int_equal(symlink(live, rec_path(r, "link")), 0);
	assert_int_equal(node_probe_at(dfd, "link", &np), 0);
	assert_int_equal(np.state, NODE_NOT_SOCKET);
	assert_true(S_ISLNK(np.st.st_mode));
	/* Nothing reached the listener through the link. */
	assert_int_equal(fcntl(lfd, F_SETFL, O_NONBLOCK), 0);
	int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	assert_int_equal(c, -1);
	assert_int_equal(errno, EAGAIN);

	assert_int_equal(node_probe_at(dfd, "live", &np), 0);
	assert_int_equal(np.state, NODE_LISTENING);
	close(lfd);

	close(bound_only(rec_path(r, "stale")));
	assert_int_equal(node_probe_at(dfd, "stale", &np), 0);
	assert_int_equal(np.state, NODE_STALE);
	assert_int_equal(node_probe_at(dfd, "missing", &np), 0);
	assert_int_equal(np.state, NODE_ABSENT);
	close(dfd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bound_not_listening_is_left_alone, rec_setup, rec_teardown),
		cmocka_unit_test_setup_teardown(test_remove_matching_node, rec_setup, rec_teardown),
		cmocka_unit_test_setup_teardown(test_replaced_by_file_is_put_back, rec_setup, rec_teardown),
		cmocka_unit_test_setup_teardown(test_replaced_by_other_socket_is_put_back, rec_setup, rec_teardown),
		cmocka_unit_test_setup_teardown(test_remove_relative_path, rec_setup, rec_teardown),
		cmocka_unit_test_setup_teardown(test_stop_leaves_a_swapped_in_file, rec_setup, rec_teardown),
		cmocka_unit_test_setup_teardown(test_probe_states, rec_setup, rec_teardown),
		cmocka_unit_test_setup_teardown(test_probe_at_never_follows, rec_setup, rec_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
