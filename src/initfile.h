/* initfile: the init file (tmux's tmux.conf for udscope): where it is, and the `source` line
 * that runs it first in the console and in batch mode. */
#ifndef UDSCOPE_INITFILE_H
#define UDSCOPE_INITFILE_H

#include <stddef.h>

/* $XDG_CONFIG_HOME/udscope/init, or $HOME/.config/udscope/init when XDG_CONFIG_HOME is unset,
 * empty or relative (as the XDG base directory rules say), into BUF. Returns 0, or -ENOENT
 * when neither variable says where, -ENAMETOOLONG. */
int initfile_path(char *buf, size_t len);

/* The command line that runs the init file: `source "PATH"`, quoted so that any byte of
 * PATH survives (malloc'd; the caller frees it). Returns NULL with *ERR 0 when there is no
 * init file (nothing there: not an error), or with *ERR a positive errno (ENOMEM). A file
 * that is there but cannot be read is left to source, which names it and the errno. */
char *initfile_source_line(int *err);

#endif
