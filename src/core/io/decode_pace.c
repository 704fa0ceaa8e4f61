/* decode_pace: how much CPU the decoding side may take. tshark and the thread feeding it run
 * at nice 10 while tshark keeps up, so that a machine busy with other work still leaves them
 * a share and summaries come. Once the relay skips chunks (a flood: sampled out above
 * DECODE_RATE, or left because tshark fell behind), both drop to SCHED_IDLE: they then get
 * only CPU time nothing else wants, and the relay keeps its pace. When nothing has been
 * skipped for a second, they are back at nice 10 and decode what waits. An unprivileged
 * process may enter SCHED_IDLE but not leave it, so only root paces; otherwise they stay at
 * nice 10. */
#include "config.h"

#include "core/io/decode_pace.h"

#include "core/io/decode_child.h"

#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* How often the pace is looked at, and how long without a skip ends a flood. */
#define PACE_TICK_MS 200
#define PACE_CALM_NS 1000000000ull

struct decode_pace {
	struct decode_child *tshark; /* changed only while not reaped (decode_child.h) */
	pthread_t feeder;
	const _Atomic uint64_t *skipped;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond; /* CLOCK_MONOTONIC */
	bool stopping;       /* under lock */
	bool idle;           /* the pacer's own */
	uint64_t seen, last_skip_ns;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Put tshark and the feeder under SCHED_IDLE (IDLE) or back to SCHED_OTHER; tshark keeps its
 * nice value of 10 across the change. */
static void set_idle(struct decode_pace *p, bool idle)
{
	int policy = idle ? SCHED_IDLE : SCHED_OTHER;
	decode_child_set_idle(p->tshark, idle);
	pthread_setschedparam(p->feeder, policy, &(struct sched_param){ 0 });
	p->idle = idle;
}

/* One look: skips since the last look start (or go on with) a flood; a calm second ends it. */
static void pace_tick(struct decode_pace *p)
{
	uint64_t skipped = atomic_load_explicit(p->skipped, memory_order_relaxed);
	uint64_t now = mono_ns();
	if (skipped != p->seen) {
		p->seen = skipped;
		p->last_skip_ns = now;
		if (!p->idle)
			set_idle(p, true);
	} else if (p->idle && now - p->last_skip_ns >= PACE_CALM_NS) {
		set_idle(p, false);
	}
}

static void *pace_main(void *arg)
{
	struct decode_pace *p = arg;
	pthread_mutex_lock(&p->lock);
	while (!p->stopping) {
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += PACE_TICK_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		while (!p->stopping && pthread_cond_timedwait(&p->cond, &p->lock, &until) == 0)
			;
		if (p->stopping)
			break;
		pthread_mutex_unlock(&p->lock);
		pace_tick(p);
		pthread_mutex_lock(&p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	/* The stop: what waits is decoded at nice 10, not whenever a busy machine allows. */
	if (p->idle)
		set_idle(p, false);
	return NULL;
}

int decode_pace_start(struct decode_pace **out, struct decode_child *tshark, pthread_t feeder,
		      const _Atomic uint64_t *skipped)
{
	*out = NULL;
	if (geteuid() != 0)
		return 0;
	struct decode_pace *p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	*p = (struct decode_pace){ .tshark = tshark, .feeder = feeder, .skipped = skipped };
	p->seen = atomic_load(skipped);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->cond, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&p->lock, NULL);
	int r = pthread_create(&p->thread, NULL, pace_main, p);
	if (r != 0) {
		pthread_cond_destroy(&p->cond);
		pthread_mutex_destroy(&p->lock);
		free(p);
		return -r;
	}
	pthread_setname_np(p->thread, "decode-pace");
	*out = p;
	return 0;
}

void decode_pace_stop(struct decode_pace *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->thread, NULL);
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
