/* decode_job: tshark -V of one chunk off the main thread; an eventfd says when it is done. */
#include "config.h"

#include "core/io/decode_job.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "core/io/pcap_check.h"

struct decode_job {
	pthread_mutex_t lock;
	char name[PCAP_DISSECTOR_MAX + 1];
	struct pcap_plan plan;
	bool has_plan;
	uint32_t conn;
	enum pcap_dir dir;
	uint8_t *data;
	size_t n;
	int timeout_ms;
	int efd;
	bool done, dropped; /* under lock: the worker finished; nobody wants the result */
	int r;
	char *text;
};

/* Free J and everything it holds. */
static void job_free(struct decode_job *j)
{
	pthread_mutex_destroy(&j->lock);
	close(j->efd);
	free(j->data);
	free(j->text);
	free(j);
}

/* The worker: run tshark, then hand the text over (or free it all when dropped). */
static void *job_run(void *arg)
{
	struct decode_job *j = arg;
	char *text = NULL;
	int r = decode_dissect_as(j->name, j->has_plan ? &j->plan : NULL, j->conn, j->dir, j->data,
				  j->n, j->timeout_ms, &text);
	/* Under the lock: once it is released the worker never touches J again. */
	pthread_mutex_lock(&j->lock);
	j->r = r;
	j->text = text;
	j->done = true;
	bool dropped = j->dropped;
	uint64_t one = 1;
	if (!dropped && write(j->efd, &one, sizeof(one)) < 0) {
		/* one write cannot overflow an eventfd's counter: nothing to do */
	}
	pthread_mutex_unlock(&j->lock);
	if (dropped)
		job_free(j);
	return NULL;
}

int decode_job_start(struct decode_job **out, const struct decoder *d, uint32_t conn,
		     enum pcap_dir dir, const void *data, size_t n, int timeout_ms)
{
	*out = NULL;
	struct decode_job *j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	snprintf(j->name, sizeof(j->name), "%s", decode_name(d));
	const struct pcap_plan *plan = decode_plan(d);
	if (plan) {
		j->plan = *plan;
		j->has_plan = true;
	}
	j->conn = conn;
	j->dir = dir;
	j->n = n;
	j->timeout_ms = timeout_ms;
	j->data = malloc(n ? n : 1);
	j->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (!j->data || j->efd < 0) {
		int err = j->efd < 0 ? -errno : -ENOMEM;
		free(j->data);
		if (j->efd >= 0)
			close(j->efd);
		free(j);
		return err;
	}
	memcpy(j->data, data, n);
	pthread_mutex_init(&j->lock, NULL);
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_t t;
	int e = pthread_create(&t, &attr, job_run, j);
	pthread_attr_destroy(&attr);
	if (e) {
		job_free(j);
		return -e;
	}
	*out = j;
	return 0;
}

int decode_job_fd(const struct decode_job *j)
{
	return j->efd;
}

bool decode_job_take(struct decode_job *j, int *r, char **text)
{
	pthread_mutex_lock(&j->lock);
	bool done = j->done;
	if (done) {
		*r = j->r;
		*text = j->text;
		j->text = NULL;
	}
	pthread_mutex_unlock(&j->lock);
	uint64_t v;
	if (done && read(j->efd, &v, sizeof(v)) < 0) {
		/* already read, or not written yet: the flag above is what counts */
	}
	return done;
}

void decode_job_drop(struct decode_job *j)
{
	if (!j)
		return;
	pthread_mutex_lock(&j->lock);
	bool done = j->done;
	j->dropped = true;
	pthread_mutex_unlock(&j->lock);
	if (done)
		job_free(j);
}
