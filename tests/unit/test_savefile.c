/* test_savefile: save's file writing (refuses an existing file without force, replaces it
 * with force, leaves no temporary file, a directory refused) and evlog's bounded ring. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../tmpdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/base/evlog.h"
#include "core/base/savefile.h"

static char dir[64];

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "%s/udscope-savefile.XXXXXX", test_tmpdir());
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static size_t entries(void)
{
	DIR *d = opendir(dir);
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.' || (e->d_name[1] && strcmp(e->d_name, "..") != 0);
	closedir(d);
	return n;
}

static void slurp(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	ssize_t n = read(fd, buf, len - 1);
	assert_true(n >= 0);
	buf[n] = '\0';
	close(fd);
}

static void test_write_refuse_force(void **state)
{
	char path[128], buf[256];
	snprintf(path, sizeof(path), "%s/out.txt", dir);
	struct savefile f;
	assert_int_equal(savefile_open(&f, path, false), 0);
	savefile_line(&f, "one", 3);
	savefile_line(&f, "two", 3);
	assert_int_equal(f.lines, 2);
	assert_int_equal(savefile_commit(&f), 0);
	slurp(path, buf, sizeof(buf));
	assert_string_equal(buf, "one\ntwo\n");
	assert_int_equal(entries(), 1);   /* no temporary file left */
	/* There now: refused without force, the file untouched. */
	assert_int_equal(savefile_open(&f, path, false), -EEXIST);
	slurp(path, buf, sizeof(buf));
	assert_string_equal(buf, "one\ntwo\n");
	/* With force: replaced whole. */
	assert_int_equal(savefile_open(&f, path, true), 0);
	savefile_line(&f, "three", 5);
	assert_int_equal(savefile_commit(&f), 0);
	slurp(path, buf, sizeof(buf));
	assert_string_equal(buf, "three\n");
	assert_int_equal(entries(), 1);
	/* Abandoned: nothing written, no temporary file. */
	assert_int_equal(savefile_open(&f, path, true), 0);
	savefile_line(&f, "lost", 4);
	savefile_abort(&f);
	slurp(path, buf, sizeof(buf));
	assert_string_equal(buf, "three\n");
	assert_int_equal(entries(), 1);
}

static void test_refusals(void **state)
{
	char path[128];
	struct savefile f;
	assert_int_equal(savefile_open(&f, dir, true), -EISDIR);
	snprintf(path, sizeof(path), "%s/no/such/dir/x", dir);
	assert_int_equal(savefile_open(&f, path, false), -ENOENT);
	/* Something appears at the path while writing: still refused, atomically. */
	snprintf(path, sizeof(path), "%s/race.txt", dir);
	assert_int_equal(savefile_open(&f, path, false), 0);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	close(fd);
	savefile_line(&f, "x", 1);
	assert_int_equal(savefile_commit(&f), -EEXIST);
	unlink(path);
}

static void test_evlog_ring(void **state)
{
	struct evlog l;
	evlog_init(&l, 100);
	struct event ev;
	for (int i = 0; i < 250; i++) {
		event_init(&ev, SRC_SERVER, EV_INFO);
		ev.seq = (uint64_t)i;
		evlog_push(&l, &ev);
		assert_int_equal(evlog_at(&l, 0)->seq, i < 100 ? 0 : i - 99);
	}
	assert_int_equal(l.count, 100);
	assert_int_equal(l.dropped, 150);
	for (size_t i = 0; i < l.count; i++)
		assert_int_equal(evlog_at(&l, i)->seq, 150 + i);
	evlog_free(&l);
	assert_int_equal(l.count, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_refuse_force),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_evlog_ring),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
