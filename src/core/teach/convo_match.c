/* convo_match: a bounded ring of client socket inodes and their sessions, newest found first. */
#include "config.h"

#include "core/teach/convo_match.h"

void convo_match_note(struct convo_match *m, uint64_t ino, uint32_t session)
{
	if (!ino)
		return;
	m->v[m->next] = (struct convo_match_entry){ .ino = ino, .session = session };
	m->next = (m->next + 1) % CONVO_MATCH_MAX;
	if (m->n < CONVO_MATCH_MAX)
		m->n++;
}

uint32_t convo_match_find(const struct convo_match *m, uint64_t ino)
{
	if (!ino)
		return 0;
	/* Newest first: an inode number the kernel gave again belongs to the newer socket. */
	for (size_t k = 1; k <= m->n; k++) {
		const struct convo_match_entry *e =
			&m->v[(m->next + CONVO_MATCH_MAX - k) % CONVO_MATCH_MAX];
		if (e->ino == ino)
			return e->session;
	}
	return 0;
}
