/* decode_pace: tshark's CPU share follows the relay's need (nice 10, SCHED_IDLE in a flood). */
#ifndef UDSCOPE_DECODE_PACE_H
#define UDSCOPE_DECODE_PACE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

struct decode_pace;
struct decode_child;

/* Watch *SKIPPED (the chunks the relay skipped for decoding) and move TSHARK and the FEEDER
 * thread between nice 10 and SCHED_IDLE as decode_pace.c says, in a thread of its own.
 * *OUT is NULL when pacing is not possible (not root): they then stay at nice 10. Returns 0
 * or -errno. */
int decode_pace_start(struct decode_pace **out, struct decode_child *tshark, pthread_t feeder,
		      const _Atomic uint64_t *skipped);

/* End the pacing (NULL: nothing), leaving both at nice 10 so that what waits is decoded. */
void decode_pace_stop(struct decode_pace *p);

#endif
