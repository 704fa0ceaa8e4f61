/* doc: the lines a report, help, detail or messages view shows: text, emphasis, search (pure). */
#ifndef UDSCOPE_UI_DOC_H
#define UDSCOPE_UI_DOC_H

#include <stdbool.h>
#include <stddef.h>

enum doc_look {
	DOC_PLAIN,
	DOC_HEADING,   /* a section's name */
	DOC_ERROR,     /* something is wrong */
	DOC_QUIET,     /* dim: asides, examples' comments */
	DOC_CODE,      /* what to type */
};

/* One line, already safe for the screen (sanitized by doc_add). */
struct doc_line {
	char *text;
	size_t len;
	size_t mark_off, mark_len;   /* a span to emphasize; mark_len 0: none */
	int indent;                  /* columns of the hanging indent when it wraps */
	enum doc_look look;
	int tag;                     /* what the line stands for (help: a command's index + 1) */
};

/* A growing list of lines, at most CAP (older lines go first when it is full). */
struct doc {
	struct doc_line *line;
	size_t n, alloc, cap;
	size_t dropped;              /* lines let go at the front, for callers keeping indices */
};

/* CAP 0: no limit. */
void doc_init(struct doc *d, size_t cap);
void doc_free(struct doc *d);
void doc_clear(struct doc *d);
/* Append LEN bytes of S, sanitized (UTF8: well-formed printable UTF-8 passes); the mark
 * (bytes of S) is kept only where S came through unchanged up to its end. Returns 0 or
 * -ENOMEM (the line is lost, the doc stays as it was). */
int doc_add(struct doc *d, const char *s, size_t len, bool utf8, enum doc_look look,
	    size_t mark_off, size_t mark_len);
/* printf then doc_add, without a mark; returns the new line or NULL on ENOMEM. */
struct doc_line *doc_addf(struct doc *d, bool utf8, enum doc_look look, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The next line from FROM (FROM itself excluded) in direction DIR (+1 down, -1 up) holding
 * NEEDLE, ignoring case, wrapping around; -1 when no line holds it. */
long doc_find(const struct doc *d, const char *needle, long from, int dir);
/* Where NEEDLE (ignoring case) starts in LEN bytes of S, or -1. */
long doc_match(const char *s, size_t len, const char *needle);

#endif
