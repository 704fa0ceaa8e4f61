/* bus: a bounded ring of events from session threads to the front end, with a wake fd. */
#ifndef UDSCOPE_BUS_H
#define UDSCOPE_BUS_H

#include <stddef.h>
#include <stdint.h>

#include "core/base/event.h"

enum bus_mode {
	BUS_LOSSY,      /* a full ring drops the event and counts it; producers never wait */
	BUS_LOSSLESS,   /* a full ring makes producers wait for the consumer */
};

struct bus;

struct bus *bus_new(size_t capacity, enum bus_mode mode);
void bus_free(struct bus *bus);

/* Readable while events wait; the consumer polls it. */
int bus_fd(const struct bus *bus);

/* Copy EV in (seq and dropped are filled in). Thread-safe. In LOSSLESS mode this may wait:
 * never call it from the thread that drains. */
void bus_publish(struct bus *bus, struct event *ev);

/* Publish N events in order under one lock (what a busy session does once per poll round). */
void bus_publish_many(struct bus *bus, struct event *ev, size_t n);

/* Take up to MAX events, oldest first, without waiting. */
size_t bus_drain(struct bus *bus, struct event *out, size_t max);

/* Lend up to MAX of the oldest events where they lie in the ring, without waiting or copying:
 * *OUT points at them (in order), and they are the caller's to read and change until
 * bus_release, no producer writing over them meanwhile. Returns how many (fewer than are
 * waiting when the ring wraps; 0 while an earlier loan is out). One consumer thread only. */
size_t bus_peek(struct bus *bus, struct event **out, size_t max);
/* Give back the N events bus_peek lent last (exactly what it returned): they leave the ring. */
void bus_release(struct bus *bus, size_t n);

uint64_t bus_dropped(const struct bus *bus);
uint64_t bus_published(const struct bus *bus);

/* A sink that publishes to BUS: what session threads are given. */
struct event_sink bus_sink(struct bus *bus);

#endif
