/* test_savefile: save's file writing (refuses an existing file without force, replaces it
 * with force, leaves no temporary file, a directory refused) and evlog's bounded ring. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
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

/* Event I of the evlog test: a text of some length (a NUL inside now and then), a preview of
 * some length, and fields from every part of the header. */
static void evlog_event(struct event *ev, unsigned i, bool small)
{
	event_init(ev, (enum event_source)(i % SRC__COUNT), (enum event_kind)(i % EV__COUNT));
	ev->seq = i;
	ev->time_ns = 1000u * i;
	size_t tl = (i * 37) % (small ? 64 : EVENT_TEXT_MAX);
	for (size_t k = 0; k < tl; k++)
		ev->text[k] = (char)('a' + (i + k) % 26);
	ev->text[tl] = '\0';
	if (i % 7 == 0 && tl > 3) {
		ev->text[1] = '\0';
		ev->text_len = (uint16_t)tl;
	}
	unsigned char b[EVENT_PREVIEW_MAX];
	for (size_t k = 0; k < sizeof(b); k++)
		b[k] = (unsigned char)(i * 3 + k);
	event_set_bytes(ev, b, (i * 11) % (EVENT_PREVIEW_MAX + 1));
	if (i % 3 == 0)
		memcpy(ev->comm, "comm", 5);
	if (i % 5 == 0)
		ev->decoded = true, ev->proto[23] = 'x';
	if (i % 4 == 0)
		ev->chunk_no = i;
}

/* The check of test_evlog_sizes with a log of CAP events. */
static void evlog_sizes(size_t cap)
{
	enum {
		N = 3000
	};
	struct evlog l;
	evlog_init(&l, cap);
	struct event ev, want;
	for (unsigned i = 0; i < N; i++) {
		evlog_event(&ev, i, i < N / 2);
		evlog_push(&l, &ev);
		size_t held = i + 1 < cap ? i + 1 : cap;
		assert_int_equal(l.count, held);
		assert_int_equal(l.dropped, i + 1 - held);
		for (size_t k = 0; k < held; k += (i % 13) + 1) {
			unsigned n = i + 1 - (unsigned)held + (unsigned)k;
			evlog_event(&want, n, n < N / 2);
			const struct event *got = evlog_at(&l, k);
			assert_memory_equal(got, &want, offsetof(struct event, text));
			size_t tl = event_text_len(&want);
			assert_int_equal(event_text_len(got), tl);
			assert_memory_equal(got->text, want.text, tl);
			assert_int_equal(got->text[tl], '\0');
			assert_memory_equal(got->preview, want.preview, want.preview_len);
		}
	}
	evlog_free(&l);
	assert_int_equal(l.count, 0);
}

/* Events of every size through a small log, its ring growing, wrapping and letting the oldest
 * go, then growing again while wrapped when the events get longer: each held event comes back
 * as it went in (header, text, preview), the newest CAP kept. */
static void test_evlog_sizes(void **state)
{
	(void)state;
	static const size_t caps[] = { 1, 50, 300 };
	for (size_t c = 0; c < sizeof(caps) / sizeof(caps[0]); c++)
		evlog_sizes(caps[c]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_refuse_force),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_evlog_ring),
		cmocka_unit_test(test_evlog_sizes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
