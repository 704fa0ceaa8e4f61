/* event: the record every session publishes, its sink interface, and its one formatter. */
#include "config.h"

#include "core/base/event.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/base/bytes.h"
#include "core/base/json.h"
#include "core/base/socktype.h"

uint64_t event_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void event_init(struct event *ev, enum event_source source, enum event_kind kind)
{
	/* Only the header is cleared: text and preview are read up to their lengths. */
	memset(ev, 0, offsetof(struct event, text));
	ev->text[0] = '\0';
	ev->source = (uint8_t)source;
	ev->kind = (uint8_t)kind;
	ev->time_ns = event_now_ns();
}

void event_copy(struct event *dst, const struct event *src)
{
	memcpy(dst, src, offsetof(struct event, text));
	size_t tl = event_text_len(src);
	dst->text_len = (uint16_t)(src->text_len ? tl : 0);
	memcpy(dst->text, src->text, tl);
	dst->text[tl] = '\0';
	if (dst->preview_len > EVENT_PREVIEW_MAX)
		dst->preview_len = EVENT_PREVIEW_MAX;
	memcpy(dst->preview, src->preview, dst->preview_len);
}

void event_textf(struct event *ev, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ev->text, sizeof(ev->text), fmt, ap);
	va_end(ap);
}

void event_text_name(struct event *ev, const char *before, const void *name, size_t n,
		     const char *after)
{
	size_t room = sizeof(ev->text) - 1, w = strlen(before);
	w = w < room ? w : room;
	memcpy(ev->text, before, w);
	n = n < room - w ? n : room - w;
	memcpy(ev->text + w, name, n);
	w += n;
	size_t a = strlen(after);
	a = a < room - w ? a : room - w;
	memcpy(ev->text + w, after, a);
	w += a;
	ev->text[w] = '\0';
	ev->text_len = memchr(ev->text, '\0', w) ? (uint16_t)w : 0;
}

size_t event_text_len(const struct event *ev)
{
	if (ev->text_len)
		return ev->text_len < sizeof(ev->text) ? ev->text_len : sizeof(ev->text) - 1;
	return strnlen(ev->text, sizeof(ev->text) - 1);
}

void event_set_bytes(struct event *ev, const void *data, size_t len)
{
	size_t n = len < EVENT_PREVIEW_MAX ? len : EVENT_PREVIEW_MAX;
	ev->nbytes = len;
	ev->preview_len = (uint16_t)n;
	if (n)
		memcpy(ev->preview, data, n);
}

void event_emit_info(const struct event_sink *s, enum event_source source, uint32_t conn,
		     const char *fmt, ...)
{
	struct event ev;
	event_init(&ev, source, EV_INFO);
	ev.conn = conn;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ev.text, sizeof(ev.text), fmt, ap);
	va_end(ap);
	sink_emit(s, &ev);
}

void event_emit_error(const struct event_sink *s, enum event_source source, uint32_t conn,
		      int err, const char *fmt, ...)
{
	struct event ev;
	event_init(&ev, source, EV_ERROR);
	ev.conn = conn;
	ev.err = err < 0 ? -err : err;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ev.text, sizeof(ev.text), fmt, ap);
	va_end(ap);
	sink_emit(s, &ev);
}

static const char *const source_names[SRC__COUNT] = {
	[SRC_SYSTEM] = "udscope",
	[SRC_SERVER] = "server",
	[SRC_CLIENT] = "client",
	[SRC_PAIR_PARENT] = "pair parent",
	[SRC_PAIR_CHILD] = "pair child",
	[SRC_INSPECT] = "inspect",
	[SRC_TAP] = "tap",
};

static const char *const kind_names[EV__COUNT] = {
	[EV_INFO] = "info",
	[EV_ERROR] = "error",
	[EV_LISTEN] = "listen",
	[EV_WAIT] = "wait",
	[EV_ACCEPT] = "accept",
	[EV_RECV] = "recv",
	[EV_SEND] = "send",
	[EV_CLOSE] = "close",
	[EV_DONE] = "done",
};

const char *event_source_name(enum event_source source)
{
	return (unsigned)source < SRC__COUNT ? source_names[source] : "?";
}

const char *event_kind_name(enum event_kind kind)
{
	return (unsigned)kind < EV__COUNT ? kind_names[kind] : "?";
}

const char *event_errno_name(int err)
{
	static _Thread_local char unknown[16];
#ifdef HAVE_STRERRORNAME_NP
	const char *name = strerrorname_np(err);
	if (name)
		return name;
#endif
	snprintf(unknown, sizeof(unknown), "E%d", err);
	return unknown;
}

/* A bounded appender: keeps writing until full, always NUL-terminated. */
struct out {
	char *buf;
	size_t len, w;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	if (o->len == 0 || o->w >= o->len - 1)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(o->buf + o->w, o->len - o->w, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	o->w += (size_t)n;
	if (o->w > o->len - 1)
		o->w = o->len - 1;
}

/* Our own words, appended as they are (the line's hot path: no format string to parse). */
static void put_str(struct out *o, const char *s)
{
	if (o->len == 0 || o->w >= o->len - 1)
		return;
	size_t n = strlen(s), room = o->len - 1 - o->w;
	n = n < room ? n : room;
	memcpy(o->buf + o->w, s, n);
	o->w += n;
	o->buf[o->w] = '\0';
}

/* V in decimal, at least WIDTH digits wide (padded with PAD). */
static void put_u64(struct out *o, uint64_t v, int width, char pad)
{
	char d[24];
	int i = sizeof(d) - 1;
	d[i] = '\0';
	do
		d[--i] = (char)('0' + v % 10);
	while ((v /= 10) && i > 0);
	while ((int)sizeof(d) - 1 - i < width && i > 0)
		d[--i] = pad;
	put_str(o, d + i);
}

/* Text that may hold bytes a user typed (paths, messages): never let one reach a terminal
 * raw. Bytes outside 0x20..0x7e become \xNN. */
static void put_safe_n(struct out *o, const char *text, size_t n)
{
	if (o->len == 0 || o->w >= o->len - 1)
		return;
	size_t need = bytes_escape(text, n, 0, o->buf + o->w, o->len - o->w);
	o->w += need < o->len - o->w ? need : strlen(o->buf + o->w);
}

static void put_safe(struct out *o, const char *text)
{
	put_safe_n(o, text, strlen(text));
}

/* The event's own text (a name in it may hold a NUL: text_len), escaped once. */
static void put_text(struct out *o, const struct event *ev)
{
	put_safe_n(o, ev->text, event_text_len(ev));
}

/* The bytes an event line shows: its preview, or the whole chunk from the capture store. */
struct shown {
	const uint8_t *p;
	size_t n;
};

static struct shown shown_of(const struct event *ev, const struct shown *full)
{
	return full ? *full : (struct shown){ ev->preview, ev->preview_len };
}

static void put_bytes(struct out *o, const struct event *ev, const struct shown *full,
		      unsigned flags)
{
	struct shown b = shown_of(ev, full);
	if (flags & EVENT_FMT_HEX) {
		char hex[80];
		for (size_t off = 0; off < b.n; off += 16) {
			size_t n = b.n - off < 16 ? b.n - off : 16;
			bytes_hexline(b.p + off, n, hex, sizeof(hex));
			put(o, "%s%s", off ? " " : "", hex);
		}
	} else if (o->w < o->len) {
		/* Straight into the line: a whole chunk can be far longer than a preview. */
		size_t need = bytes_repr(b.p, b.n, o->buf + o->w, o->len - o->w);
		o->w += need < o->len - o->w ? need : strlen(o->buf + o->w);
	}
	if (ev->nbytes > b.n)
		put(o, "... (+%" PRIu64 " more)", ev->nbytes - b.n);
}

static void put_error(struct out *o, const char *what, int err)
{
	put_safe(o, what);
	if (err)
		put(o, ": %s (%s)", strerror(err), event_errno_name(err));
}

/* "client->server", "server->client": a tap chunk's way; the side a tap line is about. */
static const char *dir_name(unsigned dir)
{
	return dir == DIR_C2S ? "client->server" : dir == DIR_S2C ? "server->client" : "";
}

/* A tap's connection line: who the client is (SO_PEERCRED on accept) or who answered
 * upstream, which then sees udscope's credentials instead of the client's. */
static void put_tap_peer(struct out *o, const struct event *ev)
{
	bool server = ev->dir == DIR_S2C;
	put(o, "%s pid %ld (", server ? "server" : "client", (long)ev->pid);
	put_safe(o, ev->text[0] ? ev->text : "?");
	put(o, ") uid %lu gid %lu", (unsigned long)ev->uid, (unsigned long)ev->gid);
	if (server && ev->as_client)
		put(o,
		    " answered; its SO_PEERCRED names the client's uid and gid (connected as "
		    "the client) and udscope's pid %ld",
		    (long)getpid());
	else if (server)
		put(o, " answered; its SO_PEERCRED names udscope (pid %ld), not the client",
		    (long)getpid());
	else
		put(o, " connected");
}

/* "byte" for one, "bytes" for any other count. */
static const char *bytes_word(uint64_t n)
{
	return n == 1 ? "byte" : "bytes";
}

/* "received 16 bytes ", or for a message cut by MSG_TRUNC "received 16 of 41 bytes (message
 * truncated: 25 bytes discarded) ". */
static void put_received(struct out *o, const struct event *ev)
{
	if (ev->dir)
		put(o, "%s %" PRIu64 " %s ", dir_name(ev->dir), ev->nbytes, bytes_word(ev->nbytes));
	else if (ev->message && ev->msg_len > ev->nbytes)
		put(o, "received %" PRIu64 " of %" PRIu64 " bytes (message truncated: %" PRIu64
		    " %s discarded) ", ev->nbytes, ev->msg_len, ev->msg_len - ev->nbytes,
		    bytes_word(ev->msg_len - ev->nbytes));
	else if (ev->message && ev->nbytes == 0)
		put(o, "received an empty message ");
	else {
		put_str(o, "received ");
		put_u64(o, ev->nbytes, 0, ' ');
		put(o, " %s ", bytes_word(ev->nbytes));
	}
}

/* " (seqpacket)": the type, unless it is the walkthrough's stream (its lines stay as they were). */
static void put_socktype(struct out *o, const struct event *ev)
{
	const char *name = ev->socktype ? socktype_name(ev->socktype) : NULL;
	if (name && ev->socktype != SOCK_STREAM)
		put(o, " (%s)", name);
}

static void put_fds(struct out *o, const struct event *ev)
{
	if (ev->nfds)
		put(o, " with %u fd%s", (unsigned)ev->nfds, ev->nfds == 1 ? "" : "s");
	if (ev->ctrunc)
		put(o, " (control data truncated: the kernel dropped what did not fit)");
}

/* What rode beside the bytes: the datagram's sender, its credentials, descriptors. */
static void put_beside(struct out *o, const struct event *ev)
{
	/* A tap's reply goes to the client whose address the line names. */
	const char *dir = ev->kind == EV_RECV && ev->dir != DIR_S2C ? "from" : "to";
	if (ev->sender == SENDER_UNBOUND) {
		put(o, " %s an unbound sender", dir);
	} else if (ev->sender) {
		put(o, " %s ", dir);
		put_text(o, ev);
	}
	if (ev->cred_msg) {
		put(o, " (pid %ld (", (long)ev->pid);
		put_safe(o, ev->comm[0] ? ev->comm : "?");
		put(o, ") uid %lu gid %lu)", (unsigned long)ev->uid, (unsigned long)ev->gid);
	}
	put_fds(o, ev);
}

/* RECV and SEND: the bytes, and what rode beside them. */
static void put_transfer(struct out *o, const struct event *ev, const struct shown *full,
			 unsigned flags)
{
	if (ev->kind == EV_RECV) {
		put_received(o, ev);
	} else if (ev->source == SRC_SERVER) {
		put_str(o, "sent ");
		put_u64(o, ev->nbytes, 0, ' ');
		put(o, " %s back to ", bytes_word(ev->nbytes));
		if (ev->sender)
			put_text(o, ev);
		else
			put_str(o, "the client");
		put_fds(o, ev);
		return;
	} else {
		put(o, "%s %" PRIu64 " %s ", ev->source == SRC_CLIENT ? "sending" : "sent",
		    ev->nbytes, bytes_word(ev->nbytes));
	}
	put_bytes(o, ev, full, flags);
	put_beside(o, ev);
}

static size_t format_words(const struct event *ev, const struct shown *full, unsigned flags,
			   char *buf, size_t len)
{
	struct out o = { buf, len, 0 };
	if (len)
		buf[0] = '\0';
	if (ev->dropped)
		put(&o, "[%" PRIu64 " events not shown] ", ev->dropped);
	switch (ev->kind) {
	case EV_INFO:
		put_text(&o, ev);
		put_socktype(&o, ev);
		break;
	case EV_ERROR:
		put_error(&o, ev->text, ev->err);
		break;
	case EV_LISTEN:
		put(&o, "starting up on ");
		put_text(&o, ev);
		put_socktype(&o, ev);
		break;
	case EV_WAIT:
		put_safe(&o, ev->text[0] ? ev->text : "waiting for a connection");
		break;
	case EV_ACCEPT:
		if (ev->source == SRC_TAP && ev->has_cred) {
			put_tap_peer(&o, ev);
			break;
		}
		if (!ev->has_cred) {
			put_text(&o, ev);
			break;
		}
		put(&o, "connection from pid %ld (", (long)ev->pid);
		put_safe(&o, ev->text[0] ? ev->text : "?");
		put(&o, ") uid %lu gid %lu", (unsigned long)ev->uid, (unsigned long)ev->gid);
		break;
	case EV_RECV:
	case EV_SEND:
		put_transfer(&o, ev, full, flags);
		break;
	case EV_CLOSE:
		put_text(&o, ev);
		break;
	case EV_DONE:
		if (ev->text[0])
			put_error(&o, ev->text, ev->err);
		else
			put_error(&o, "finished", ev->err);
		break;
	default:
		put(&o, "(unknown event kind %u)", ev->kind);
		break;
	}
	return o.w;
}

size_t event_format(const struct event *ev, unsigned flags, char *buf, size_t len)
{
	return format_words(ev, NULL, flags, buf, len);
}

size_t event_label(const struct event *ev, char *buf, size_t len)
{
	struct out o = { buf, len, 0 };
	if (len)
		buf[0] = '\0';
	if (ev->source == SRC_SYSTEM)
		return 0;
	put_str(&o, event_source_name(ev->source));
	if (ev->show_session && ev->session) {
		put_str(&o, "[");
		put_u64(&o, ev->session, 0, ' ');
		put_str(&o, "]");
	}
	if (ev->conn) {
		put_str(&o, " #");
		put_u64(&o, ev->conn, 0, ' ');
	}
	if (ev->actor)
		put(&o, " %ld", (long)ev->actor);
	return o.w;
}

size_t event_format_time(uint64_t time_ns, uint64_t base_ns, char *buf, size_t len)
{
	struct out o = { buf, len, 0 };
	if (len)
		buf[0] = '\0';
	uint64_t t = time_ns > base_ns ? time_ns - base_ns : 0;
	put_u64(&o, t / 1000000000u, 4, ' ');
	put_str(&o, ".");
	put_u64(&o, (t / 1000u) % 1000000u, 6, '0');
	put_str(&o, " ");
	return o.w;
}

static size_t format_line(const struct event *ev, const struct shown *full, unsigned flags,
			  uint64_t base_ns, char *buf, size_t len)
{
	struct out o = { buf, len, 0 };
	if (len)
		buf[0] = '\0';
	if (flags & EVENT_FMT_TIME)
		o.w = event_format_time(ev->time_ns, base_ns, buf, len);
	char label[64];
	if (event_label(ev, label, sizeof(label))) {
		put_str(&o, label);
		put_str(&o, ": ");
	}
	if (o.w < len)
		o.w += format_words(ev, full, flags, buf + o.w, len - o.w);
	return o.w;
}

size_t event_format_line(const struct event *ev, unsigned flags, uint64_t base_ns,
			 char *buf, size_t len)
{
	return format_line(ev, NULL, flags, base_ns, buf, len);
}

size_t event_format_line_full(const struct event *ev, const void *data, size_t n,
			      unsigned flags, uint64_t base_ns, char *buf, size_t len)
{
	struct shown full = { data, n };
	return format_line(ev, &full, flags, base_ns, buf, len);
}

/* Append N bytes as they are (nothing if they do not all fit: no half escapes). */
static void put_raw(struct out *o, const char *p, size_t n)
{
	if (o->len == 0 || o->w + n > o->len - 1)
		return;
	memcpy(o->buf + o->w, p, n);
	o->w += n;
	o->buf[o->w] = '\0';
}

static const char hexdigits[] = "0123456789abcdef";

/* N bytes as lowercase hex, two digits a byte. */
static void put_hex(struct out *o, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char h[2] = { hexdigits[p[i] >> 4], hexdigits[p[i] & 15] };
		put_raw(o, h, 2);
	}
}

static void put_raw_cb(void *ctx, const char *p, size_t n)
{
	put_raw(ctx, p, n);
}

/* ,"KEY":"..." for the N bytes at S (json_escape's rule). When some bytes were not UTF-8,
 * ,"KEY_hex":"..." follows with every byte of S, so nothing is lost. */
static void put_json_string(struct out *o, const char *key, const void *s, size_t n)
{
	put(o, ",\"%s\":\"", key);
	bool valid = json_escape(s, n, put_raw_cb, o);
	put_raw(o, "\"", 1);
	if (!valid) {
		put(o, ",\"%s_hex\":\"", key);
		put_hex(o, s, n);
		put_raw(o, "\"", 1);
	}
}

/* The fields of messages, datagrams and what rides beside them. */
static void put_json_ancil(struct out *o, const struct event *ev)
{
	static const char *const senders[] = { "", "path", "abstract", "unbound" };
	if (ev->message)
		put(o, ",\"message\":true,\"msg_len\":%" PRIu64 ",\"discarded\":%" PRIu64,
		    ev->msg_len, ev->msg_len > ev->nbytes ? ev->msg_len - ev->nbytes : 0);
	if (ev->sender && ev->sender < 4)
		put(o, ",\"peer_kind\":\"%s\"", senders[ev->sender]);
	if (ev->cred_msg) {
		put(o, ",\"cred_source\":\"SCM_CREDENTIALS\"");
		put_json_string(o, "comm", ev->comm, strnlen(ev->comm, sizeof(ev->comm)));
	}
	if (ev->socktype && socktype_name(ev->socktype))
		put(o, ",\"socket_type\":\"%s\"", socktype_name(ev->socktype));
	if (ev->nfds)
		put(o, ",\"fds\":%u", (unsigned)ev->nfds);
	if (ev->ctrunc)
		put(o, ",\"ctrunc\":true");
	if (ev->has_fd)
		put(o, ",\"fd\":%d,\"fd_type\":\"%s\",\"fd_mode\":\"%s\"", ev->fd,
		    ev->fd_type ? ev->fd_type : "unknown", ev->fd_mode ? ev->fd_mode : "unknown");
}

/* The schema is documented in doc/udscope.1 (JSON OUTPUT); keep the two in step. */
static size_t format_json(const struct event *ev, const struct shown *full, uint64_t base_ns,
			  char *buf, size_t len)
{
	struct out o = { buf, len, 0 };
	if (len)
		buf[0] = '\0';
	uint64_t t = ev->time_ns > base_ns ? ev->time_ns - base_ns : 0;
	put(&o, "{\"seq\":%" PRIu64 ",\"time\":%" PRIu64 ".%06" PRIu64
	    ",\"source\":\"%s\",\"kind\":\"%s\"", ev->seq, t / 1000000000u,
	    (t / 1000u) % 1000000u, event_source_name(ev->source), event_kind_name(ev->kind));
	if (ev->session)
		put(&o, ",\"session\":%" PRIu32, ev->session);
	if (ev->conn)
		put(&o, ",\"connection\":%" PRIu32, ev->conn);
	if (ev->actor)
		put(&o, ",\"actor_pid\":%ld", (long)ev->actor);
	if (ev->dir && ev->kind == EV_RECV)
		put(&o, ",\"direction\":\"%s\"", dir_name(ev->dir));
	else if (ev->dir)
		put(&o, ",\"side\":\"%s\"", ev->dir == DIR_C2S ? "client" : "server");
	if (ev->kind == EV_RECV || ev->kind == EV_SEND) {
		struct shown b = shown_of(ev, full);
		put(&o, ",\"bytes\":%" PRIu64 ",\"data\":\"", ev->nbytes);
		put_hex(&o, b.p, b.n);
		put(&o, "\",\"truncated\":%s", ev->nbytes > b.n ? "true" : "false");
	}
	if (ev->text[0] || ev->text_len)
		put_json_string(&o, "text", ev->text, event_text_len(ev));
	if (ev->err) {
		put(&o, ",\"errno\":\"%s\"", event_errno_name(ev->err));
		const char *msg = strerror(ev->err);
		put_json_string(&o, "error", msg, strlen(msg));
	}
	if (ev->has_cred)
		put(&o, ",\"pid\":%ld,\"uid\":%lu,\"gid\":%lu", (long)ev->pid,
		    (unsigned long)ev->uid, (unsigned long)ev->gid);
	if (ev->as_client)
		put(&o, ",\"as_client\":true");
	put_json_ancil(&o, ev);
	if (ev->dropped)
		put(&o, ",\"dropped\":%" PRIu64, ev->dropped);
	if (ev->mark_len)
		put(&o, ",\"mark\":{\"offset\":%u,\"length\":%u}", (unsigned)ev->mark_off,
		    (unsigned)ev->mark_len);
	put(&o, "}");
	return o.w;
}

size_t event_format_json(const struct event *ev, uint64_t base_ns, char *buf, size_t len)
{
	return format_json(ev, NULL, base_ns, buf, len);
}

size_t event_format_json_full(const struct event *ev, const void *data, size_t n,
			      uint64_t base_ns, char *buf, size_t len)
{
	struct shown full = { data, n };
	return format_json(ev, &full, base_ns, buf, len);
}
