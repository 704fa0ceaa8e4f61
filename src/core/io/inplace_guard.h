/* inplace_guard: the process that puts an in-place tap's node back when udscope dies without
 * doing so (with inplace_back.c, as udscope does). Internal to inplace.c. */
#ifndef UDSCOPE_INPLACE_GUARD_H
#define UDSCOPE_INPLACE_GUARD_H

#include <stdbool.h>
#include <sys/stat.h>

#include "core/base/addr.h"
#include "core/io/inplace.h"

/* Start the guard in a session of its own (a kill of udscope's process group does not reach
 * it), holding IP's descriptors. Sets ip->guard and ip->guard_fd. Returns 0 or -errno. */
int inplace_guard_start(struct inplace *ip);
/* Tell the guard not to put back, and close this end. Waits for its answer a second at most;
 * returns whether it answered (false: stopped or slow; it ends when it reads the word). */
bool inplace_guard_dismiss(struct inplace *ip);

#endif
