/* bench_capture: capture_put throughput for small and large chunks, one and two producers. */
#include "config.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "core/base/capture.h"

#define BUDGET (64u << 20)
#define CELL_SECONDS 0.4
#define BATCH 256            /* puts between clock reads */
#define MAX_PRODUCERS 2

enum kind { PUT, MEMCPY, DISABLED };
static const char *const kind_names[] = { "capture_put", "memcpy only", "capture off (0)" };

struct cell {
	enum kind kind;
	size_t chunk;
	int producers;
};

struct producer {
	struct capture *c;
	unsigned char *dst;                /* MEMCPY: a ring of BUDGET bytes of its own */
	const struct cell *cell;
	pthread_barrier_t *start;
	unsigned long long chunks;
	double seconds;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *produce(void *arg)
{
	struct producer *p = arg;
	size_t n = p->cell->chunk, pos = 0;
	unsigned char *src = malloc(n);
	memset(src, 0x5a, n);
	pthread_barrier_wait(p->start);
	double t0 = now_s(), t;
	do {
		for (int i = 0; i < BATCH; i++) {
			if (p->cell->kind == MEMCPY) {
				if (pos + n > BUDGET)
					pos = 0;
				memcpy(p->dst + pos, src, n);
				pos += n;
			} else {
				capture_put(p->c, src, n);
			}
		}
		p->chunks += BATCH;
		t = now_s();
	} while (t - t0 < CELL_SECONDS);
	p->seconds = t - t0;
	free(src);
	return NULL;
}

/* Chunks per second over all producers, for one run of CELL. */
static double run_cell(const struct cell *cell, struct capture *on, struct capture *off,
		       unsigned char **dst)
{
	pthread_t t[MAX_PRODUCERS];
	struct producer p[MAX_PRODUCERS];
	pthread_barrier_t start;
	pthread_barrier_init(&start, NULL, (unsigned)cell->producers);
	for (int i = 0; i < cell->producers; i++) {
		p[i] = (struct producer){ .c = cell->kind == DISABLED ? off : on, .dst = dst[i],
					  .cell = cell, .start = &start };
		pthread_create(&t[i], NULL, produce, &p[i]);
	}
	double rate = 0;
	for (int i = 0; i < cell->producers; i++) {
		pthread_join(t[i], NULL);
		rate += (double)p[i].chunks / p[i].seconds;
	}
	pthread_barrier_destroy(&start);
	return rate;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 5;
	if (rounds < 1)
		rounds = 1;
	struct capture *on = capture_new(BUDGET), *off = capture_new(0);
	static unsigned char warm[65536];
	for (unsigned i = 0; i < 2 * BUDGET / sizeof(warm); i++)   /* fault the ring in */
		capture_put(on, warm, sizeof(warm));
	for (unsigned i = 0; i < 2 * BUDGET / 16; i++)             /* ... and the index */
		capture_put(on, warm, 16);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	long store_rss = ru.ru_maxrss;   /* before the memcpy rings below */
	unsigned char *dst[MAX_PRODUCERS];
	for (int i = 0; i < MAX_PRODUCERS; i++) {
		dst[i] = malloc(BUDGET);
		memset(dst[i], 0, BUDGET);
	}

	static const struct cell cells[] = {
		{ PUT, 16, 1 }, { PUT, 16, 2 }, { MEMCPY, 16, 1 }, { DISABLED, 16, 1 },
		{ PUT, 65536, 1 }, { PUT, 65536, 2 }, { MEMCPY, 65536, 1 }, { MEMCPY, 65536, 2 },
	};
	enum { NCELLS = sizeof(cells) / sizeof(cells[0]) };
	double *rates = calloc((size_t)rounds * NCELLS, sizeof(double));
	for (int r = 0; r < rounds; r++)        /* cells alternate within each round */
		for (int i = 0; i < NCELLS; i++)
			rates[i * rounds + r] = run_cell(&cells[i], on, off, dst);

	printf("capture store, %u MiB budget, median of %d rounds of %.1f s\n",
	       BUDGET >> 20, rounds, CELL_SECONDS);
	printf("%-16s %6s %9s %9s %13s %9s\n", "", "chunk", "producers", "GB/s", "chunks/s",
	       "ns/chunk");
	for (int i = 0; i < NCELLS; i++) {
		qsort(rates + i * rounds, (size_t)rounds, sizeof(double), cmp_double);
		double rate = rates[i * rounds + rounds / 2];
		printf("%-16s %6zu %9d %9.2f %13.0f %9.1f\n", kind_names[cells[i].kind],
		       cells[i].chunk, cells[i].producers, rate * (double)cells[i].chunk / 1e9,
		       rate, 1e9 / rate * cells[i].producers);
	}
	struct capture_stats s;
	capture_stats(on, &s);
	printf("stored %llu chunks, evicted %llu; index %zu slots (%zu KiB); peak RSS with the "
	       "store full, before the memcpy rings: %ld KiB (budget %u KiB)\n",
	       (unsigned long long)s.stored, (unsigned long long)s.evicted, s.max_chunks,
	       s.max_chunks * 8 / 1024, store_rss, BUDGET >> 10);
	free(rates);
	for (int i = 0; i < MAX_PRODUCERS; i++)
		free(dst[i]);
	capture_free(on);
	capture_free(off);
	return 0;
}
