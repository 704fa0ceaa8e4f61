/* savefile: writing a file whole or not at all (a temporary file in the same directory,
 * renamed into place), for `save`. Main thread only; no global state. */
#ifndef UDSCOPE_SAVEFILE_H
#define UDSCOPE_SAVEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/event.h"

struct capture;

struct savefile {
	int fd;                   /* the temporary file; -1: none */
	bool force;               /* replace an existing file */
	int err;                  /* the first write's failure (positive errno); 0: none */
	uint64_t lines;           /* lines written (savefile_line) */
	char *path;               /* where it goes (owned) */
	char *tmp;                /* the temporary file's path (owned) */
};

/* Start writing PATH: refuses an existing PATH (-EEXIST) unless FORCE, and a directory
 * (-EISDIR) always. Returns 0 or -errno (F is then empty: nothing to abort). */
int savefile_open(struct savefile *f, const char *path, bool force);
/* Append N bytes (then a newline: savefile_line). A failure is kept in f->err and the
 * writes after it do nothing; savefile_commit reports it. */
void savefile_write(struct savefile *f, const void *buf, size_t n);
void savefile_line(struct savefile *f, const void *buf, size_t n);
/* Flush to disk and put the file at its path: without force, atomically only when nothing is
 * there (-EEXIST when something came meanwhile). Returns 0 or -errno; either way F is done
 * (the temporary file is gone on failure). */
int savefile_commit(struct savefile *f);
/* Give up: remove the temporary file. */
void savefile_abort(struct savefile *f);

#endif
