/* convo_match: udscope's own client ends by socket inode, as their "connected" events said, so
 * that a server's accept event (which names its client end's inode) finds its session. */
#ifndef UDSCOPE_CONVO_MATCH_H
#define UDSCOPE_CONVO_MATCH_H

#include <stddef.h>
#include <stdint.h>

/* Client ends remembered: the newest ones; an older one is forgotten (its accept, seen that
 * late, is then not matched and the map says so). */
#define CONVO_MATCH_MAX 1024

struct convo_match_entry {
	uint64_t ino;
	uint32_t session;
};

/* A ring of the newest CONVO_MATCH_MAX client ends. Zero it to start (no allocation).
 * Not thread-safe: the main thread's convo owns it. */
struct convo_match {
	struct convo_match_entry v[CONVO_MATCH_MAX];
	size_t next, n;
};

/* Remember that SESSION's socket is inode INO (INO 0 is ignored). */
void convo_match_note(struct convo_match *m, uint64_t ino, uint32_t session);
/* The session whose socket is inode INO, the newest such first; 0 when none is remembered. */
uint32_t convo_match_find(const struct convo_match *m, uint64_t ino);

#endif
