/* render_event: an event's words, its batch line and its JSON object, made from its fields in
 * one pass. Bytes a peer or user chose are escaped here, once (bytes_escape, bytes_repr,
 * json_escape): what this file returns is printable ASCII, and a front end shows it as it is. */
#include "config.h"

#include "core/render/render_event.h"

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/base/bytes.h"
#include "core/base/capture.h"
#include "core/base/json.h"
#include "core/base/savefile.h"
#include "core/base/socktype.h"
#include "core/render/render_fact.h"
#include "core/render/render_put.h"

/* Our own words, appended as they are (the line's hot path: no format string to parse). */
static void put_str(struct render_put *o, const char *s)
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
static void put_u64(struct render_put *o, uint64_t v, int width, char pad)
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
static void put_safe_n(struct render_put *o, const char *text, size_t n)
{
	if (o->len == 0 || o->w >= o->len - 1)
		return;
	size_t need = bytes_escape(text, n, 0, o->buf + o->w, o->len - o->w);
	o->w += need < o->len - o->w ? need : strlen(o->buf + o->w);
}

static void put_safe(struct render_put *o, const char *text)
{
	put_safe_n(o, text, strlen(text));
}

/* The event's own text (a name in it may hold a NUL: text_len), escaped once. */
static void put_text(struct render_put *o, const struct event *ev)
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

static void put_bytes(struct render_put *o, const struct event *ev, const struct shown *full,
		      unsigned flags)
{
	struct shown b = shown_of(ev, full);
	if (flags & EVENT_FMT_HEX) {
		char hex[80];
		for (size_t off = 0; off < b.n; off += 16) {
			size_t n = b.n - off < 16 ? b.n - off : 16;
			bytes_hexline(b.p + off, n, hex, sizeof(hex));
			render_putf(o, "%s%s", off ? " " : "", hex);
		}
	} else if (o->w < o->len) {
		/* Straight into the line: a whole chunk can be far longer than a preview. */
		size_t need = bytes_repr(b.p, b.n, o->buf + o->w, o->len - o->w);
		o->w += need < o->len - o->w ? need : strlen(o->buf + o->w);
	}
	if (ev->nbytes > b.n)
		render_putf(o, "... (+%" PRIu64 " more)", ev->nbytes - b.n);
}

/* WHAT, then the errno's text (strerror: in a console's locale it may be UTF-8; printable
 * characters pass, anything else is escaped) and its name. */
static void put_error(struct render_put *o, const char *what, int err)
{
	put_safe(o, what);
	if (!err)
		return;
	put_str(o, ": ");
	if (o->len && o->w < o->len - 1) {
		const char *msg = strerror(err);
		bytes_escape(msg, strlen(msg), BYTES_ESC_UTF8, o->buf + o->w, o->len - o->w);
		o->w += strlen(o->buf + o->w);
	}
	render_putf(o, " (%s)", event_errno_name(err));
}

/* "client->server", "server->client": a tap chunk's way; the side a tap line is about. */
static const char *dir_name(unsigned dir)
{
	return dir == DIR_C2S ? "client->server" : dir == DIR_S2C ? "server->client" : "";
}

/* A tap's connection line: who the client is (SO_PEERCRED on accept) or who answered
 * upstream, which then sees udscope's credentials instead of the client's. */
static void put_tap_peer(struct render_put *o, const struct event *ev)
{
	bool server = ev->dir == DIR_S2C;
	render_putf(o, "%s pid %ld (", server ? "server" : "client", (long)ev->pid);
	put_safe(o, ev->text[0] ? ev->text : "?");
	render_putf(o, ") uid %lu gid %lu", (unsigned long)ev->uid, (unsigned long)ev->gid);
	if (server && ev->as_client)
		render_putf(o,
			    " answered; its SO_PEERCRED names the client's uid and gid (connected as "
			    "the client) and udscope's pid %ld",
			    (long)getpid());
	else if (server)
		render_putf(o, " answered; its SO_PEERCRED names udscope (pid %ld), not the client",
			    (long)getpid());
	else
		render_putf(o, " connected");
}

/* "byte" for one, "bytes" for any other count. */
static const char *bytes_word(uint64_t n)
{
	return n == 1 ? "byte" : "bytes";
}

/* "received 16 bytes ", or for a message cut by MSG_TRUNC "received 16 of 41 bytes (message
 * truncated: 25 bytes discarded) ". */
static void put_received(struct render_put *o, const struct event *ev)
{
	if (ev->dir)
		render_putf(o, "%s %" PRIu64 " %s ", dir_name(ev->dir), ev->nbytes,
			    bytes_word(ev->nbytes));
	else if (ev->message && ev->msg_len > ev->nbytes)
		render_putf(o,
			    "received %" PRIu64 " of %" PRIu64 " bytes (message truncated: %" PRIu64
			    " %s discarded) ",
			    ev->nbytes, ev->msg_len, ev->msg_len - ev->nbytes,
			    bytes_word(ev->msg_len - ev->nbytes));
	else if (ev->message && ev->nbytes == 0)
		render_putf(o, "received an empty message ");
	else {
		put_str(o, "received ");
		put_u64(o, ev->nbytes, 0, ' ');
		render_putf(o, " %s ", bytes_word(ev->nbytes));
	}
}

/* " (seqpacket)": the type, unless it is the walkthrough's stream (its lines stay as they were). */
static void put_socktype(struct render_put *o, const struct event *ev)
{
	const char *name = ev->socktype ? socktype_name(ev->socktype) : NULL;
	if (name && ev->socktype != SOCK_STREAM)
		render_putf(o, " (%s)", name);
}

static void put_fds(struct render_put *o, const struct event *ev)
{
	if (ev->nfds)
		render_putf(o, " with %u fd%s", (unsigned)ev->nfds, ev->nfds == 1 ? "" : "s");
	if (ev->ctrunc)
		render_putf(o, " (control data truncated: the kernel dropped what did not fit)");
}

/* What rode beside the bytes: the datagram's sender, its credentials, descriptors. */
static void put_beside(struct render_put *o, const struct event *ev)
{
	/* A tap's reply goes to the client whose address the line names. */
	const char *dir = ev->kind == EV_RECV && ev->dir != DIR_S2C ? "from" : "to";
	if (ev->sender == SENDER_UNBOUND) {
		render_putf(o, " %s an unbound sender", dir);
	} else if (ev->sender) {
		render_putf(o, " %s ", dir);
		put_text(o, ev);
	}
	if (ev->cred_msg) {
		render_putf(o, ev->by_receiver ? " (received by pid %ld (" : " (pid %ld (", (long)ev->pid);
		put_safe(o, ev->comm[0] ? ev->comm : "?");
		render_putf(o, ") uid %lu gid %lu)", (unsigned long)ev->uid,
			    (unsigned long)ev->gid);
	}
	put_fds(o, ev);
}

/* RECV and SEND: the bytes, and what rode beside them. */
static void put_transfer(struct render_put *o, const struct event *ev, const struct shown *full,
			 unsigned flags)
{
	if (ev->kind == EV_RECV) {
		put_received(o, ev);
	} else if (ev->source == SRC_SERVER) {
		put_str(o, "sent ");
		put_u64(o, ev->nbytes, 0, ' ');
		render_putf(o, " %s back to ", bytes_word(ev->nbytes));
		if (ev->sender)
			put_text(o, ev);
		else
			put_str(o, "the client");
		put_fds(o, ev);
		return;
	} else {
		render_putf(o, "%s %" PRIu64 " %s ", ev->source == SRC_CLIENT ? "sending" : "sent",
			    ev->nbytes, bytes_word(ev->nbytes));
	}
	put_bytes(o, ev, full, flags);
	put_beside(o, ev);
}

/* A decoded summary: "decoded chunk 3: HTTP GET /x HTTP/1.1". */
static void put_decoded(struct render_put *o, const struct event *ev)
{
	render_putf(o, "decoded chunk %" PRIu64 ": ", ev->chunk_no);
	put_safe(o, ev->proto);
	put_str(o, " ");
	put_text(o, ev);
}

/* ACCEPT: who connected (SO_PEERCRED), or for a tap the side that answered. */
static void put_accept(struct render_put *o, const struct event *ev)
{
	if (ev->source == SRC_TAP && ev->has_cred) {
		put_tap_peer(o, ev);
		return;
	}
	if (!ev->has_cred) {
		put_text(o, ev);
		return;
	}
	render_putf(o, "connection from pid %ld (", (long)ev->pid);
	put_safe(o, ev->text[0] ? ev->text : "?");
	render_putf(o, ") uid %lu gid %lu", (unsigned long)ev->uid, (unsigned long)ev->gid);
}

/* Words made since the start, all threads (render_event_made). */
static uint64_t made;

uint64_t render_event_made(void)
{
	return __atomic_load_n(&made, __ATOMIC_RELAXED);
}

static size_t format_words(const struct event *ev, const struct shown *full, unsigned flags,
			   char *buf, size_t len)
{
	struct render_put o = { buf, len, 0 };
	__atomic_fetch_add(&made, 1, __ATOMIC_RELAXED);
	if (len)
		buf[0] = '\0';
	if (ev->dropped)
		render_putf(&o, "[%" PRIu64 " events not shown] ", ev->dropped);
	if (ev->fact && o.w < len) {
		o.w += render_fact_words(ev, false, buf + o.w, len - o.w);
		return o.w;
	}
	switch (ev->kind) {
	case EV_INFO:
		if (ev->decoded)
			put_decoded(&o, ev);
		else
			put_text(&o, ev);
		put_socktype(&o, ev);
		break;
	case EV_ERROR:
		put_error(&o, ev->text, ev->err);
		break;
	case EV_LISTEN:
		render_putf(&o, "starting up on ");
		put_text(&o, ev);
		put_socktype(&o, ev);
		break;
	case EV_WAIT:
		put_safe(&o, ev->text[0] ? ev->text : "waiting for a connection");
		break;
	case EV_ACCEPT:
		put_accept(&o, ev);
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
		render_putf(&o, "(unknown event kind %u)", ev->kind);
		break;
	}
	return o.w;
}

size_t render_event_words(const struct event *ev, unsigned flags, char *buf, size_t len)
{
	return format_words(ev, NULL, flags, buf, len);
}

size_t render_event_label(const struct event *ev, char *buf, size_t len)
{
	struct render_put o = { buf, len, 0 };
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
		render_putf(&o, " %ld", (long)ev->actor);
	return o.w;
}

size_t render_event_time(uint64_t time_ns, uint64_t base_ns, char *buf, size_t len)
{
	struct render_put o = { buf, len, 0 };
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
	struct render_put o = { buf, len, 0 };
	if (len)
		buf[0] = '\0';
	if (flags & EVENT_FMT_TIME)
		o.w = render_event_time(ev->time_ns, base_ns, buf, len);
	char label[64];
	if (render_event_label(ev, label, sizeof(label))) {
		put_str(&o, label);
		put_str(&o, ": ");
	}
	if (o.w < len)
		o.w += format_words(ev, full, flags, buf + o.w, len - o.w);
	return o.w;
}

size_t render_event_line(const struct event *ev, unsigned flags, uint64_t base_ns,
			 char *buf, size_t len)
{
	return format_line(ev, NULL, flags, base_ns, buf, len);
}

size_t render_event_line_full(const struct event *ev, const void *data, size_t n,
			      unsigned flags, uint64_t base_ns, char *buf, size_t len)
{
	struct shown full = { data, n };
	return format_line(ev, &full, flags, base_ns, buf, len);
}

/* Append N bytes as they are (nothing if they do not all fit: no half escapes). */
static void put_raw(struct render_put *o, const char *p, size_t n)
{
	if (o->len == 0 || o->w + n > o->len - 1)
		return;
	memcpy(o->buf + o->w, p, n);
	o->w += n;
	o->buf[o->w] = '\0';
}

static const char hexdigits[] = "0123456789abcdef";

/* N bytes as lowercase hex, two digits a byte, as many whole bytes as fit. Written straight
 * into the buffer, room checked once: a watch's 4 KiB chunks made this the JSON line's cost. */
static void put_hex(struct render_put *o, const unsigned char *p, size_t n)
{
	if (o->len == 0 || o->w + 2 > o->len - 1)
		return;
	size_t room = (o->len - 1 - o->w) / 2;
	if (n > room)
		n = room;
	char *d = o->buf + o->w;
	for (size_t i = 0; i < n; i++) {
		d[2 * i] = hexdigits[p[i] >> 4];
		d[2 * i + 1] = hexdigits[p[i] & 15];
	}
	o->w += 2 * n;
	o->buf[o->w] = '\0';
}

static void put_raw_cb(void *ctx, const char *p, size_t n)
{
	put_raw(ctx, p, n);
}

/* ,"KEY":"..." for the N bytes at S (json_escape's rule). When some bytes were not UTF-8,
 * ,"KEY_hex":"..." follows with every byte of S, so nothing is lost. */
static void put_json_string(struct render_put *o, const char *key, const void *s, size_t n)
{
	render_putf(o, ",\"%s\":\"", key);
	bool valid = json_escape(s, n, put_raw_cb, o);
	put_raw(o, "\"", 1);
	if (!valid) {
		render_putf(o, ",\"%s_hex\":\"", key);
		put_hex(o, s, n);
		put_raw(o, "\"", 1);
	}
}

/* The fields of messages, datagrams and what rides beside them. */
static void put_json_ancil(struct render_put *o, const struct event *ev)
{
	static const char *const senders[] = { "", "path", "abstract", "unbound" };
	if (ev->message)
		render_putf(o, ",\"message\":true,\"msg_len\":%" PRIu64 ",\"discarded\":%" PRIu64,
			    ev->msg_len, ev->msg_len > ev->nbytes ? ev->msg_len - ev->nbytes : 0);
	if (ev->sender && ev->sender < 4)
		render_putf(o, ",\"peer_kind\":\"%s\"", senders[ev->sender]);
	if (ev->cred_msg) {
		render_putf(o, ",\"cred_source\":\"%s\"",
			    ev->by_receiver		      ? "receiver"
			    : ev->source == SRC_WATCH ? "sender"
						      : "SCM_CREDENTIALS");
		put_json_string(o, "comm", ev->comm, strnlen(ev->comm, sizeof(ev->comm)));
	}
	if (ev->socktype && socktype_name(ev->socktype))
		render_putf(o, ",\"socket_type\":\"%s\"", socktype_name(ev->socktype));
	if (ev->nfds)
		render_putf(o, ",\"fds\":%u", (unsigned)ev->nfds);
	if (ev->ctrunc)
		render_putf(o, ",\"ctrunc\":true");
	if (ev->has_fd)
		render_putf(o, ",\"fd\":%d,\"fd_type\":\"%s\",\"fd_mode\":\"%s\"", ev->fd,
			    ev->fd_type ? ev->fd_type : "unknown",
			    ev->fd_mode ? ev->fd_mode : "unknown");
}

/* A fact's members (render_fact.c), then its strings: path, detail, the peer's name. */
static void put_json_fact(struct render_put *o, const struct event *ev)
{
	if (!ev->fact)
		return;
	char m[512];
	render_fact_json(ev, m, sizeof(m));
	put_str(o, m);
	if (ev->path_len)
		put_json_string(o, "path", ev->text, ev->path_len);
	if (ev->detail_off) {
		const char *d = render_fact_detail(ev);
		put_json_string(o, "detail", d, strlen(d));
	}
	if (ev->target_off) {
		const char *t = render_fact_target(ev);
		put_json_string(o, "target", t, strlen(t));
	}
	if (ev->has_peer && ev->peer_comm[0])
		put_json_string(o, "peer_comm", ev->peer_comm,
				strnlen(ev->peer_comm, sizeof(ev->peer_comm)));
}

/* The schema is documented in doc/udscope.1 (JSON OUTPUT); keep the two in step. */
/* The chunk's number for decoding, and the event's words: a decoded summary, a fact's
 * words made from its fields, or the text as it is. */
static void put_json_text(struct render_put *o, const struct event *ev)
{
	if (ev->chunk_no && !ev->decoded)
		render_putf(o, ",\"chunk\":%" PRIu64, ev->chunk_no);
	if (ev->decoded) {
		render_putf(o, ",\"decoded\":{\"chunk\":%" PRIu64, ev->chunk_no);
		put_json_string(o, "protocol", ev->proto, strnlen(ev->proto, sizeof(ev->proto)));
		put_json_string(o, "info", ev->text, strnlen(ev->text, sizeof(ev->text)));
		render_putf(o, "}");
	} else if (ev->fact) {
		char words[EVENT_TEXT_MAX + 256];
		size_t n = render_fact_words(ev, true, words, sizeof(words));
		put_json_string(o, "text", words, n);
	} else if (ev->text[0] || ev->text_len) {
		put_json_string(o, "text", ev->text, event_text_len(ev));
	}
}

static size_t format_json(const struct event *ev, const struct shown *full, uint64_t base_ns,
			  char *buf, size_t len)
{
	struct render_put o = { buf, len, 0 };
	if (len)
		buf[0] = '\0';
	uint64_t t = ev->time_ns > base_ns ? ev->time_ns - base_ns : 0;
	render_putf(&o,
		    "{\"seq\":%" PRIu64 ",\"time\":%" PRIu64 ".%06" PRIu64
		    ",\"source\":\"%s\",\"kind\":\"%s\"",
		    ev->seq, t / 1000000000u, (t / 1000u) % 1000000u, event_source_name(ev->source),
		    event_kind_name(ev->kind));
	if (ev->session)
		render_putf(&o, ",\"session\":%" PRIu32, ev->session);
	if (ev->conn)
		render_putf(&o, ",\"connection\":%" PRIu32, ev->conn);
	if (ev->actor)
		render_putf(&o, ",\"actor_pid\":%ld", (long)ev->actor);
	if (ev->dir && ev->kind == EV_RECV)
		render_putf(&o, ",\"direction\":\"%s\"", dir_name(ev->dir));
	else if (ev->dir)
		render_putf(&o, ",\"side\":\"%s\"", ev->dir == DIR_C2S ? "client" : "server");
	if (ev->kind == EV_RECV || ev->kind == EV_SEND) {
		struct shown b = shown_of(ev, full);
		render_putf(&o, ",\"bytes\":%" PRIu64 ",\"data\":\"", ev->nbytes);
		put_hex(&o, b.p, b.n);
		render_putf(&o, "\",\"truncated\":%s", ev->nbytes > b.n ? "true" : "false");
	}
	put_json_text(&o, ev);
	if (ev->err) {
		render_putf(&o, ",\"errno\":\"%s\"", event_errno_name(ev->err));
		const char *msg = strerror(ev->err);
		put_json_string(&o, "error", msg, strlen(msg));
	}
	if (ev->has_cred)
		render_putf(&o, ",\"pid\":%ld,\"uid\":%lu,\"gid\":%lu", (long)ev->pid,
			    (unsigned long)ev->uid, (unsigned long)ev->gid);
	if (ev->as_client)
		render_putf(&o, ",\"as_client\":true");
	put_json_ancil(&o, ev);
	put_json_fact(&o, ev);
	if (ev->dropped)
		render_putf(&o, ",\"dropped\":%" PRIu64, ev->dropped);
	if (ev->mark_len)
		render_putf(&o, ",\"mark\":{\"offset\":%u,\"length\":%u}", (unsigned)ev->mark_off,
			    (unsigned)ev->mark_len);
	render_putf(&o, "}");
	return o.w;
}

size_t render_event_json(const struct event *ev, uint64_t base_ns, char *buf, size_t len)
{
	return format_json(ev, NULL, base_ns, buf, len);
}

size_t render_event_json_full(const struct event *ev, const void *data, size_t n,
			      uint64_t base_ns, char *buf, size_t len)
{
	struct shown full = { data, n };
	return format_json(ev, &full, base_ns, buf, len);
}

void render_event_save_json(struct savefile *f, const struct event *ev, struct capture *cap,
			    uint64_t base_ns)
{
	bool whole = cap && ev->capture && ev->nbytes > ev->preview_len &&
		     (ev->kind == EV_RECV || ev->kind == EV_SEND);
	/* What the store kept: the whole chunk, or a watch's first --snap bytes of a call. */
	ssize_t kept = whole ? capture_len(cap, ev->capture) : -1;
	size_t need = kept > (ssize_t)ev->capture_off ? (size_t)kept - ev->capture_off : 0;
	if (need > ev->nbytes)
		need = (size_t)ev->nbytes;
	whole = need > ev->preview_len;
	char *buf = malloc(EVENT_JSON_MAX + 2 * need + need);
	if (!buf) {
		if (!f->err)
			f->err = ENOMEM;
		return;
	}
	char *data = buf + EVENT_JSON_MAX + 2 * need;
	size_t len;
	if (whole && capture_read(cap, ev->capture, ev->capture_off, data, need) == (ssize_t)need)
		len = render_event_json_full(ev, data, need, base_ns, buf,
					     EVENT_JSON_MAX + 2 * need);
	else
		len = render_event_json(ev, base_ns, buf, EVENT_JSON_MAX);
	savefile_line(f, buf, len);
	free(buf);
}
