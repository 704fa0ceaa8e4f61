/* initfile: the init file (tmux's tmux.conf for udscope): where it is, and the `source` line
 * that runs it first in the console and in batch mode (main.c puts it before the -e lines). */
#include "config.h"

#include "initfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int initfile_path(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	int n;
	if (xdg && xdg[0] == '/')
		n = snprintf(buf, len, "%s/udscope/init", xdg);
	else if (home && home[0])
		n = snprintf(buf, len, "%s/.config/udscope/init", home);
	else
		return -ENOENT;
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* PATH in double quotes, with \\, \" and every byte outside 0x20..0x7e as \xNN (the escapes
 * the command line's words take), after PREFIX. */
static char *quoted(const char *prefix, const char *path)
{
	size_t pl = strlen(prefix), n = strlen(path);
	char *out = malloc(pl + 4 * n + 3);
	if (!out)
		return NULL;
	char *w = out + pl;
	memcpy(out, prefix, pl);
	*w++ = '"';
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (*p == '\\' || *p == '"')
			w += sprintf(w, "\\%c", *p);
		else if (*p < 0x20 || *p > 0x7e)
			w += sprintf(w, "\\x%02x", *p);
		else
			*w++ = (char)*p;
	}
	*w++ = '"';
	*w = '\0';
	return out;
}

char *initfile_source_line(int *err)
{
	char path[4096];
	struct stat st;
	*err = 0;
	if (initfile_path(path, sizeof(path)) < 0)
		return NULL;
	if (stat(path, &st) < 0 && (errno == ENOENT || errno == ENOTDIR))
		return NULL;
	char *line = quoted("source ", path);
	if (!line)
		*err = ENOMEM;
	return line;
}
