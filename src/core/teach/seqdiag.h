/* seqdiag: a sequence diagram of two parties (parent and child, client and server): two
 * lifelines, each message an arrow with its label above it, notes beside a lifeline, and the
 * time since the first item in a column of its own. Laid out as text lines for any width
 * from 40 columns; labels wrap at spaces, nothing is cut.
 *
 * Pure data and layout: labels are given already escaped (bytes_escape); a front end adds
 * items as events arrive and shows the lines. Not thread-safe. */
#ifndef UDSCOPE_SEQDIAG_H
#define UDSCOPE_SEQDIAG_H

#include <stddef.h>
#include <stdint.h>


enum seq_side { SEQ_LEFT, SEQ_RIGHT };

enum seq_kind {
	SEQ_ARROW,             /* a message from SIDE to the other */
	SEQ_NOTE,              /* something that happened at SIDE (a fork, an exit, a close) */
};

struct seq_item {
	enum seq_kind kind;
	enum seq_side side;
	uint64_t t_ns;         /* CLOCK_MONOTONIC */
	char *label;
};

struct seqdiag {
	char *names[2];
	struct seq_item *v;
	size_t n, cap;
};

/* The narrowest layout. */
#define SEQDIAG_MIN_WIDTH 40

int seqdiag_init(struct seqdiag *d, const char *left, const char *right);
/* Add an item. 0 or -ENOMEM. */
int seqdiag_add(struct seqdiag *d, enum seq_kind kind, enum seq_side side, uint64_t t_ns,
		const char *label);
void seqdiag_free(struct seqdiag *d);

#endif
