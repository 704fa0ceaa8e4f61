/* decode: a session's chunks through a bounded queue to a tshark child, and its summary
 * lines back as events. */
#include "config.h"

#include "core/io/decode.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/io/decode_child.h"
#include "core/io/decode_pace.h"

/* Records tshark may have been given and not yet answered at most (the writer waits
 * beyond it); frame numbers are looked up in a ring this long. */
#define DECODE_MAP 65536u
/* A summary line kept at most (longer ones are cut). */
#define LINE_MAX_BYTES 2048
/* Summaries handed to the bus at once (one lock for all of them). */
#define READ_BATCH 32
/* The time between two of the flood sampler's tokens. */
#define TOKEN_NS (1000000000ull / DECODE_RATE)
/* In a flood the writer and the reader are not woken for each chunk and each summary: they
 * look this often and take what gathered meanwhile. */
#define FLOOD_NAP_MS 10
/* A skip notice at most this often while tshark falls behind. */
#define NOTICE_NS 1000000000ull
/* How long decode_stop lets tshark finish before it is killed. */
#define STOP_WAIT_MS 1000
/* The threads' names (ps -L, perf report --comm, the tests). */
#define DECODE_WRITER_NAME "decode-feed"
#define DECODE_READER_NAME "decode-read"

struct slot {
	unsigned char *buf;
	size_t cap, n, len; /* bytes kept, and the chunk's whole length */
	uint64_t no, time_ns;
	uint32_t conn;
	enum pcap_dir dir;
};

struct sent {
	uint64_t no;
	uint32_t conn;
	enum pcap_dir dir;
};

struct decoder {
	char name[PCAP_DISSECTOR_MAX + 1];
	struct pcap_plan plan;       /* how the records call it (decode_dissect too) */
	enum event_source source;
	bool sasl; /* dbus: a chunk may start with SASL's "BEGIN\r\n" */
	struct event_sink sink;
	struct decode_child child;
	struct pcap_writer *pw; /* the stream into tshark's stdin (the writer's) */
	pthread_t writer, reader;
	struct decode_pace *pace; /* nice 10, or SCHED_IDLE while the relay skips (root) */
	/* The queue without a lock, so that the offering thread (the relay) never waits for
	 * the writer, which in a flood runs only on CPU time nobody else wants: head (next to fill) and
	 * released (published) are the offering thread's, tail (next to write) the writer's;
	 * next_no, skipped and sampled are counted by the offering thread alone. */
	_Atomic uint64_t head, released, tail, next_no, skipped, sampled, decoded;
	uint64_t full_ns; /* the offering thread's: when the flood sampler's bucket is full */
	atomic_bool writer_sleeps; /* the writer waits on wake_fd: whoever gives it work writes */
	int wake_fd;               /* an eventfd */
	/* A flood is being sampled: set by the offering thread at a chunk sampled out (it then
	 * wakes the writer, which from then on naps FLOOD_NAP_MS at a time instead of being
	 * woken for each chunk), cleared by the offering thread when the tokens are full again
	 * and by the writer when a nap found nothing to do. */
	atomic_bool flood;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	/* Under lock: the frames written and answered, and the ends. */
	uint64_t frames, answered;
	bool stopping, writer_done, reader_done;
	uint64_t told_skipped, told_ns; /* the reader's: the last skip notice */
	struct event batch[READ_BATCH]; /* the reader's: summaries not yet on the bus */
	size_t nbatch;
	struct slot q[DECODE_QUEUE];
	struct sent map[DECODE_MAP];
};

/* CLOCK_REALTIME in nanoseconds: the record's time stamp. */
static uint64_t real_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Add one to a counter only the calling thread writes (no read-modify-write needed). */
static void count_one(_Atomic uint64_t *c)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + 1,
			      memory_order_relaxed);
}

/* Wake the writer if it waits (for work, room or the stop). */
static void wake_writer(struct decoder *d)
{
	uint64_t one = 1;
	if (atomic_exchange(&d->writer_sleeps, false) && write(d->wake_fd, &one, sizeof(one)) < 0) {
		/* an eventfd's counter does not overflow from a few writes: nothing to do */
	}
}

/* Whether a chunk may go to tshark now: the flood sampler, a bucket of DECODE_BURST tokens
 * filled at DECODE_RATE a second, kept as the time it will be full again (FULL_NS: GCRA). */
static bool take_token(struct decoder *d)
{
	uint64_t now = event_now_ns(), full = d->full_ns > now ? d->full_ns : now;
	if (full - now > (uint64_t)(DECODE_BURST - 1) * TOKEN_NS)
		return false; /* no token left */
	/* The bucket was full: calm, no flood (any more). */
	if (full == now)
		atomic_store_explicit(&d->flood, false, memory_order_relaxed);
	d->full_ns = full + TOKEN_NS;
	return true;
}

uint64_t decode_offer(struct decoder *d, uint32_t conn, enum pcap_dir dir, const void *data,
		      size_t n)
{
	uint64_t no = atomic_load_explicit(&d->next_no, memory_order_relaxed) + 1;
	atomic_store_explicit(&d->next_no, no, memory_order_relaxed);
	uint64_t head = atomic_load_explicit(&d->head, memory_order_relaxed);
	/* A full queue: the chunk costs a counter, nothing else (no copy, no time stamp). */
	if (head - atomic_load_explicit(&d->tail, memory_order_acquire) == DECODE_QUEUE) {
		count_one(&d->skipped);
		return no;
	}
	/* A flood: a sample goes to tshark, the rest cost a counter too. */
	if (!take_token(d)) {
		count_one(&d->skipped);
		count_one(&d->sampled);
		if (!atomic_load_explicit(&d->flood, memory_order_relaxed)) {
			atomic_store(&d->flood, true);
			wake_writer(d); /* so that it naps from now on, not waits for a wake */
		}
		return no;
	}
	/* D-Bus: the client's first message comes in one chunk after the SASL handshake's last
	 * line, and the dissector wants the message alone. */
	if (d->sasl && n > 7 && memcmp(data, "BEGIN\r\n", 7) == 0) {
		data = (const char *)data + 7;
		n -= 7;
	}
	/* Slot head is nobody else's until head moves past it. */
	struct slot *s = &d->q[head % DECODE_QUEUE];
	size_t keep = n < DECODE_KEEP ? n : DECODE_KEEP;
	if (keep > s->cap) {
		unsigned char *nb = realloc(s->buf, keep);
		if (!nb) {
			count_one(&d->skipped);
			return no;
		}
		s->buf = nb;
		s->cap = keep;
	}
	if (keep)
		memcpy(s->buf, data, keep);
	*s = (struct slot){ s->buf, s->cap, keep, n, no, real_ns(), conn, dir };
	atomic_store_explicit(&d->head, head + 1, memory_order_release);
	return no;
}

void decode_release(struct decoder *d)
{
	uint64_t head = atomic_load_explicit(&d->head, memory_order_relaxed);
	if (atomic_load_explicit(&d->released, memory_order_relaxed) == head)
		return;
	atomic_store(&d->released, head); /* before the look at writer_sleeps: no lost wake */
	if (!atomic_load_explicit(&d->flood, memory_order_relaxed))
		wake_writer(d); /* in a flood it naps, and takes what was released then */
}

void decode_stats(struct decoder *d, struct decode_stats *out)
{
	out->offered = atomic_load(&d->next_no);
	out->skipped = atomic_load(&d->skipped);
	out->sampled = atomic_load(&d->sampled);
	out->decoded = atomic_load(&d->decoded);
	pthread_mutex_lock(&d->lock);
	out->exit_status = d->reader_done && d->child.waited ? d->child.status : -1;
	pthread_mutex_unlock(&d->lock);
}

const char *decode_name(const struct decoder *d)
{
	return d->name;
}

const struct pcap_plan *decode_plan(const struct decoder *d)
{
	return &d->plan;
}

/* Why chunks were skipped for decoding, from ST, into BUF: sampled out in a flood, or left
 * while tshark fell behind. */
static void skip_reasons(const struct decode_stats *st, char *buf, size_t len)
{
	uint64_t behind = st->skipped > st->sampled ? st->skipped - st->sampled : 0;
	if (!st->sampled) {
		snprintf(buf, len, "tshark fell behind");
		return;
	}
	int w = snprintf(buf, len,
			 "%" PRIu64 " sampled out: the traffic ran above %d chunks a second",
			 st->sampled, DECODE_RATE);
	if (behind && w > 0 && (size_t)w < len)
		snprintf(buf + w, len - (size_t)w, "; %" PRIu64 " while tshark fell behind",
			 behind);
}

/* Tell (at most once a second, and when tshark has caught up) how many chunks were
 * skipped. The reader's: it runs at the session's priority, the writer does not. */
static void tell_skipped(struct decoder *d, bool caught_up)
{
	struct decode_stats st = { .skipped = atomic_load(&d->skipped) };
	st.sampled = atomic_load(&d->sampled);
	uint64_t now = event_now_ns();
	if (st.skipped == d->told_skipped || (!caught_up && now - d->told_ns < NOTICE_NS))
		return;
	d->told_skipped = st.skipped;
	d->told_ns = now;
	char why[160];
	skip_reasons(&st, why, sizeof(why));
	struct event ev;
	event_init(&ev, d->source, EV_INFO);
	event_textf(&ev,
		    "decoding %s: %" PRIu64 " chunk%s skipped for decoding so far "
		    "(%s; forwarding and capture go on)",
		    st.sampled ? "samples a flood" : "falls behind", st.skipped,
		    st.skipped == 1 ? "" : "s", why);
	sink_emit(&d->sink, &ev);
}

/* Whether the writer has a released chunk to write and room for its frame; false too when
 * it is to stop (*STOP). */
static bool writer_can(struct decoder *d, bool *stop)
{
	pthread_mutex_lock(&d->lock);
	*stop = d->stopping;
	bool room = d->frames - d->answered < DECODE_MAP;
	pthread_mutex_unlock(&d->lock);
	return !*stop && room &&
	       atomic_load_explicit(&d->tail, memory_order_relaxed) != atomic_load(&d->released);
}

/* Wait until the writer has work (true) or is to stop (false): for a wake, or in a flood
 * for a nap's end. */
static bool writer_wait(struct decoder *d)
{
	bool stop;
	for (;;) {
		if (writer_can(d, &stop))
			return true;
		if (stop)
			return false;
		atomic_store(&d->writer_sleeps, true); /* then look again: no lost wake */
		if (writer_can(d, &stop) || stop) {
			atomic_store(&d->writer_sleeps, false);
			continue;
		}
		bool flood = atomic_load(&d->flood);
		struct pollfd p = { .fd = d->wake_fd, .events = POLLIN };
		int r = poll(&p, 1, flood ? FLOOD_NAP_MS : -1);
		uint64_t v;
		if (r > 0 && read(d->wake_fd, &v, sizeof(v)) < 0 && errno != EINTR)
			return false;
		if (r < 0 && errno != EINTR)
			return false;
		/* A nap that found nothing to do: the flood is over, wait for wakes again. */
		if (r == 0 && !writer_can(d, &stop))
			atomic_store(&d->flood, false);
	}
}

/* The writer: released chunks, oldest first, into tshark's stdin. */
static void *writer_main(void *arg)
{
	struct decoder *d = arg;
	while (writer_wait(d)) {
		uint64_t tail = atomic_load_explicit(&d->tail, memory_order_relaxed);
		struct slot *s = &d->q[tail % DECODE_QUEUE];
		pthread_mutex_lock(&d->lock);
		uint64_t frame = ++d->frames;
		d->map[frame % DECODE_MAP] = (struct sent){ s->no, s->conn, s->dir };
		pthread_mutex_unlock(&d->lock);
		int r = pcap_write_cut(d->pw, s->conn, s->dir, s->buf, s->n, s->len, s->time_ns);
		atomic_store_explicit(&d->tail, tail + 1, memory_order_release); /* slot's free */
		if (r < 0)
			break; /* tshark is gone: the reader says so */
	}
	pthread_mutex_lock(&d->lock);
	d->writer_done = true;
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
	pcap_close(d->pw); /* closes tshark's stdin: it prints what it has and ends */
	d->pw = NULL;
	return NULL;
}

/* Cut LINE at its first tab: the rest after it, or NULL. */
static char *field(char *line)
{
	char *t = strchr(line, '\t');
	if (!t)
		return NULL;
	*t = '\0';
	return t + 1;
}

/* Hand the summaries gathered to the bus, under one lock, and wake the writer (it may wait
 * for room in the map). */
static void flush_batch(struct decoder *d)
{
	if (!d->nbatch)
		return;
	sink_emit_many(&d->sink, d->batch, d->nbatch);
	d->nbatch = 0;
	wake_writer(d);
}

/* One line of tshark's: "FRAME\tPROTOCOL\tINFO[\tEXTRA]"; an event for the chunk it speaks
 * of, its text the Info column and the extra field (a query's text) after it, gathered for
 * flush_batch. */
static void handle_line(struct decoder *d, char *line)
{
	char *proto = field(line), *info = proto ? field(proto) : NULL, *end;
	char *extra = info ? field(info) : NULL;
	unsigned long long frame = strtoull(line, &end, 10);
	if (!info || *end || end == line)
		return;
	size_t il = strlen(info);
	while (il && (info[il - 1] == ' ' || info[il - 1] == '\r'))
		info[--il] = '\0';
	pthread_mutex_lock(&d->lock);
	bool known = frame > d->answered && frame <= d->frames;
	struct sent m = d->map[frame % DECODE_MAP];
	if (known)
		d->answered = frame;
	pthread_mutex_unlock(&d->lock);
	if (!known)
		return;
	struct event *ev = &d->batch[d->nbatch++];
	event_init(ev, d->source, EV_INFO);
	ev->conn = m.conn;
	ev->dir = m.dir == PCAP_TO_SERVER ? DIR_C2S : DIR_S2C;
	ev->decoded = true;
	ev->chunk_no = m.no;
	snprintf(ev->proto, sizeof(ev->proto), "%s", proto);
	event_textf(ev, "%s%s%s", info, extra && *extra ? " " : "", extra ? extra : "");
	count_one(&d->decoded);
	if (d->nbatch == READ_BATCH)
		flush_batch(d);
}

/* Say how tshark ended when nobody asked it to. */
static void say_ended(struct decoder *d, int st)
{
	struct event ev;
	event_init(&ev, d->source, EV_ERROR);
	ev.err = EPIPE;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		event_textf(&ev, "decode %s: tshark could not be started", d->name);
	else if (WIFEXITED(st))
		event_textf(&ev,
			    "decode %s: tshark ended with status %d; chunks are no longer "
			    "decoded",
			    d->name, WEXITSTATUS(st));
	else
		event_textf(&ev,
			    "decode %s: tshark was ended by signal %d; chunks are no longer "
			    "decoded",
			    d->name, WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	sink_emit(&d->sink, &ev);
}

/* Whether tshark has answered every chunk queued so far. */
static bool caught_up(struct decoder *d)
{
	pthread_mutex_lock(&d->lock);
	bool all = d->answered == d->frames;
	pthread_mutex_unlock(&d->lock);
	return all && atomic_load(&d->tail) == atomic_load(&d->head);
}

/* The reader: tshark's lines until its stdout ends; then it waits for tshark. */
static void *reader_main(void *arg)
{
	struct decoder *d = arg;
	char buf[LINE_MAX_BYTES + 1];
	size_t len = 0;
	bool cut = false;
	for (;;) {
		ssize_t n = read(d->child.out_fd, buf + len, LINE_MAX_BYTES - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		char *p = buf, *nl;
		while ((nl = memchr(p, '\n', len - (size_t)(p - buf)))) {
			*nl = '\0';
			if (!cut)
				handle_line(d, p);
			cut = false;
			p = nl + 1;
		}
		len -= (size_t)(p - buf);
		memmove(buf, p, len);
		if (len == LINE_MAX_BYTES) {
			buf[len] = '\0';
			handle_line(d, buf); /* a long line: its start, the rest dropped */
			cut = true;
			len = 0;
		}
		flush_batch(d); /* what this read brought, before any notice */
		tell_skipped(d, caught_up(d));
		if (atomic_load_explicit(&d->flood, memory_order_relaxed)) /* let lines gather */
			nanosleep(&(struct timespec){ 0, FLOOD_NAP_MS * 1000000L }, NULL);
	}
	flush_batch(d);
	pthread_mutex_lock(&d->lock);
	bool asked = d->stopping;
	pthread_mutex_unlock(&d->lock);
	if (!asked)
		decode_child_kill(&d->child, SIGKILL); /* its stdout is gone: it is of no use */
	decode_child_wait(&d->child);
	if (!asked)
		say_ended(d, d->child.status);
	pthread_mutex_lock(&d->lock);
	d->reader_done = true;
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

/* Start both threads with every signal blocked (the front end takes them; a write to a
 * tshark that died fails with EPIPE instead of raising SIGPIPE), and the pacer: the writer,
 * like tshark, drops to SCHED_IDLE while the relay skips chunks (decode_pace.c), so feeding
 * tshark never takes the relay's CPU in a flood. The reader keeps the session's priority: it
 * hands summaries to the bus, whose lock the relay shares, and an idle thread holding that
 * lock would stall the relay. */
static int start_threads(struct decoder *d)
{
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int r = pthread_create(&d->reader, NULL, reader_main, d);
	if (r == 0 && (r = pthread_create(&d->writer, NULL, writer_main, d)) != 0) {
		decode_child_kill(&d->child, SIGKILL);
		pthread_join(d->reader, NULL);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r == 0) {
		pthread_setname_np(d->reader, DECODE_READER_NAME);
		pthread_setname_np(d->writer, DECODE_WRITER_NAME);
		/* Without a pacer (not root, or no thread for it) both stay at nice 10. */
		decode_pace_start(&d->pace, &d->child, d->writer, &d->skipped);
	}
	return -r;
}

/* The stream into tshark's stdin, calling NAME as PLAN says. */
static int open_stream(struct decoder *d, const char *name, const struct pcap_plan *plan)
{
	int r = pcap_open_fd(&d->pw, d->child.in_fd, name);
	if (r < 0)
		return r;
	d->child.in_fd = -1; /* the writer's now */
	if (plan && plan->how == PCAP_BY_TABLE)
		r = pcap_use_table(d->pw, plan->table, plan->value);
	return r;
}

/* Free D's own parts (not the child or the threads). */
static void decoder_free(struct decoder *d)
{
	if (d->wake_fd >= 0)
		close(d->wake_fd);
	pthread_cond_destroy(&d->cond);
	pthread_mutex_destroy(&d->lock);
	for (size_t i = 0; i < DECODE_QUEUE; i++)
		free(d->q[i].buf);
	free(d);
}

/* A decoder for NAME called as PLAN says, its summaries to SINK as SOURCE's, not started,
 * into *OUT. Returns 0 or -errno. */
static int decoder_new(struct decoder **out, const char *name, const struct pcap_plan *plan,
		       enum event_source source, const struct event_sink *sink)
{
	struct decoder *d = *out = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	snprintf(d->name, sizeof(d->name), "%s", name);
	if (plan)
		d->plan = *plan;
	else
		d->plan.how = PCAP_BY_NAME;
	d->source = source;
	d->sasl = strcmp(name, "dbus") == 0;
	d->sink = *sink;
	pthread_mutex_init(&d->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&d->cond, &ca);
	pthread_condattr_destroy(&ca);
	d->wake_fd = eventfd(0, EFD_CLOEXEC);
	if (d->wake_fd < 0) {
		int err = errno;
		decoder_free(d);
		*out = NULL;
		return -err;
	}
	return 0;
}

int decode_start(struct decoder **out, const char *name, const struct pcap_plan *plan,
		 enum event_source source, const struct event_sink *sink)
{
	*out = NULL;
	char path[PATH_MAX];
	if (decode_find_tshark(path, sizeof(path)) < 0)
		return -ENOENT;
	if (strlen(name) > PCAP_DISSECTOR_MAX)
		return -EINVAL;
	struct decoder *d;
	int r = decoder_new(&d, name, plan, source, sink);
	if (r < 0)
		return r;
	/* Where the Info column leaves out what was said, a field of the protocol's follows. */
	const char *extra = strcmp(name, "pgsql") == 0   ? "pgsql.query"
			    : strcmp(name, "mysql") == 0 ? "mysql.query"
							 : NULL;
	char *argv[] = { "tshark",
			 "-l",
			 "-n",
			 "-r",
			 "-",
			 "-T",
			 "fields",
			 "-E",
			 "separator=/t",
			 "-e",
			 "frame.number",
			 "-e",
			 "_ws.col.Protocol",
			 "-e",
			 "_ws.col.Info",
			 extra ? "-e" : NULL,
			 (char *)extra,
			 NULL };
	r = decode_child_start(&d->child, path, argv);
	if (r < 0) {
		decoder_free(d);
		return r;
	}
	if ((r = open_stream(d, name, plan)) < 0 || (r = start_threads(d)) < 0) {
		pcap_close(d->pw);
		decode_child_close(&d->child);
		decode_child_kill(&d->child, SIGKILL);
		decode_child_wait(&d->child);
		pthread_mutex_destroy(&d->child.lock);
		decoder_free(d);
		return r;
	}
	*out = d;
	return 0;
}

/* Wait under D's lock until *FLAG or MS milliseconds pass; returns *FLAG. */
static bool wait_flag(struct decoder *d, const bool *flag, int ms)
{
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	while (!*flag && pthread_cond_timedwait(&d->cond, &d->lock, &until) != ETIMEDOUT)
		;
	return *flag;
}

void decode_stop(struct decoder *d)
{
	if (!d)
		return;
	/* tshark and the writer finish at nice 10, not whenever a busy machine leaves them a
	 * moment. */
	decode_pace_stop(d->pace);
	pthread_mutex_lock(&d->lock);
	d->stopping = true;
	pthread_cond_broadcast(&d->cond);
	wake_writer(d);
	/* A writer stuck in a full pipe, or a tshark that does not end on its stdin's end. */
	bool quiet = wait_flag(d, &d->writer_done, STOP_WAIT_MS) &&
		     wait_flag(d, &d->reader_done, STOP_WAIT_MS);
	pthread_mutex_unlock(&d->lock);
	if (!quiet)
		decode_child_kill(&d->child, SIGKILL);
	pthread_join(d->writer, NULL);
	pthread_join(d->reader, NULL);
	decode_child_close(&d->child);
	pthread_mutex_destroy(&d->child.lock);
	decoder_free(d);
}

size_t decode_describe(struct decoder *d, char *buf, size_t len)
{
	struct decode_stats st;
	decode_stats(d, &st);
	char why[160];
	skip_reasons(&st, why, sizeof(why));
	int w = snprintf(buf, len,
			 "decoding (tshark, %s): %" PRIu64 " of %" PRIu64 " chunk%s "
			 "decoded, %" PRIu64 " skipped for decoding (%s)",
			 d->name, st.decoded, st.offered, st.offered == 1 ? "" : "s", st.skipped,
			 why);
	return w < 0 ? 0 : (size_t)w < len ? (size_t)w : len - 1;
}
