/* savefile: writing a file whole or not at all, for `save`: a temporary file beside the
 * target, flushed, then linked (no overwrite) or renamed (--force) into place. */
#include "config.h"

#include "core/base/savefile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/base/sysio.h"

/* The temporary file's name: ".NAME.XXXXXX" in PATH's directory, a mkstemp template (it
 * replaces the six X with a unique name; the file is linked or renamed into place). */
static char *tmp_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
	size_t n = strlen(path) + 16;
	char *t = malloc(n);
	if (t)
		snprintf(t, n, "%.*s.%s.XXXXXX", (int)dirlen, path, path + dirlen);
	return t;
}

int savefile_open(struct savefile *f, const char *path, bool force)
{
	memset(f, 0, sizeof(*f));
	f->fd = -1;
	f->force = force;
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!force && lstat(path, &st) == 0)
		return -EEXIST;
	if (path[0] == '\0' || path[strlen(path) - 1] == '/')
		return -EISDIR;
	f->path = strdup(path);
	f->tmp = tmp_name(path);
	if (!f->path || !f->tmp) {
		savefile_abort(f);
		return -ENOMEM;
	}
	/* mkstemp makes it 0600; a saved file is an ordinary one: the umask decides. */
	f->fd = mkostemp(f->tmp, O_CLOEXEC);
	if (f->fd < 0) {
		int err = errno;
		savefile_abort(f);
		return -err;
	}
	mode_t mask = umask(0);
	umask(mask);
	if (fchmod(f->fd, 0666 & ~mask) < 0) {
		int err = errno;
		savefile_abort(f);
		return -err;
	}
	return 0;
}

void savefile_write(struct savefile *f, const void *buf, size_t n)
{
	if (f->err || f->fd < 0 || n == 0)
		return;
	int r = sysio_write_all(f->fd, buf, n);
	if (r < 0)
		f->err = -r;
}

void savefile_line(struct savefile *f, const void *buf, size_t n)
{
	savefile_write(f, buf, n);
	savefile_write(f, "\n", 1);
	f->lines++;
}

/* Put the temporary file at its path. Without force, link() refuses an existing target
 * atomically; where hard links are not supported, check and rename (a small window). */
static int place(struct savefile *f)
{
	if (f->force)
		return rename(f->tmp, f->path) < 0 ? -errno : 0;
	if (link(f->tmp, f->path) == 0) {
		unlink(f->tmp);
		return 0;
	}
	int err = errno;
	if (err != EPERM && err != EOPNOTSUPP && err != EMLINK)
		return -err;
	struct stat st;
	if (lstat(f->path, &st) == 0)
		return -EEXIST;
	return rename(f->tmp, f->path) < 0 ? -errno : 0;
}

int savefile_commit(struct savefile *f)
{
	int r = f->err ? -f->err : 0;
	if (!r && fsync(f->fd) < 0)
		r = -errno;
	if (close(f->fd) < 0 && !r)
		r = -errno;
	f->fd = -1;
	if (!r)
		r = place(f);
	if (r)
		unlink(f->tmp);
	savefile_abort(f);
	return r;
}

void savefile_abort(struct savefile *f)
{
	if (f->fd >= 0) {
		close(f->fd);
		f->fd = -1;
		unlink(f->tmp);
	}
	free(f->path);
	free(f->tmp);
	f->path = f->tmp = NULL;
}
