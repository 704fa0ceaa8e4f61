/* render_event: an event's words, its batch line and its JSON object, made from its fields in
 * one pass. Bytes a peer or user chose are escaped here, once (bytes_escape, bytes_repr,
 * json_escape): what this file returns is printable ASCII, and a front end shows it as it is. */
#include "config.h"

#include "core/render/render_event.h"

#include <errno.h>
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

/* N bytes of our own words, appended as they are and cut to fit as render_putf cuts (the
 * line's hot path: no format string to parse). */
static void put_mem_cut(struct render_put *o, const char *s, size_t n)
{
	if (o->len == 0 || o->w >= o->len - 1)
		return;
	size_t room = o->len - 1 - o->w;
	n = n < room ? n : room;
	memcpy(o->buf + o->w, s, n);
	o->w += n;
	o->buf[o->w] = '\0';
}

/* The same, inlined: what fits whole (nearly always) is a copy of a length often known when
 * compiled, a few moves instead of a call. */
static inline void put_mem(struct render_put *o, const char *s, size_t n)
{
	if (o->w + n < o->len && n) {
		memcpy(o->buf + o->w, s, n);
		o->w += n;
		o->buf[o->w] = '\0';
		return;
	}
	put_mem_cut(o, s, n);
}

/* A string literal, its length known when compiled. */
#define PUT_LIT(o, lit) put_mem((o), "" lit, sizeof(lit) - 1)

static void put_str(struct render_put *o, const char *s)
{
	put_mem(o, s, strlen(s));
}

/* V in decimal, at least WIDTH digits wide (padded with PAD). Written in place when it fits
 * (digits made in a buffer and copied over cost a stalled load each: a tenth of a watch's line). */
static void put_u64(struct render_put *o, uint64_t v, int width, char pad)
{
	size_t n = 1;
	for (uint64_t x = v; x >= 10; x /= 10)
		n++;
	size_t total = width > 0 && (size_t)width > n ? (size_t)width : n;
	if (o->w + total < o->len) {
		char *end = o->buf + o->w + total, *p = end;
		*end = '\0';
		do
			*--p = (char)('0' + v % 10);
		while (v /= 10);
		while (p > o->buf + o->w)
			*--p = pad;
		o->w += total;
		return;
	}
	char d[24];
	int i = sizeof(d);
	do
		d[--i] = (char)('0' + v % 10);
	while ((v /= 10) && i > 0);
	while ((int)sizeof(d) - i < width && i > 0)
		d[--i] = pad;
	put_mem(o, d + i, sizeof(d) - (size_t)i);
}

/* V in decimal (what %llu prints). */
static void put_num(struct render_put *o, uint64_t v)
{
	put_u64(o, v, 0, ' ');
}

/* V in decimal with its sign (what %ld prints). */
static void put_int(struct render_put *o, int64_t v)
{
	if (v < 0)
		PUT_LIT(o, "-");
	put_num(o, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);
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
			if (off)
				PUT_LIT(o, " ");
			put_str(o, hex);
		}
	} else if (o->w < o->len) {
		/* Straight into the line: a whole chunk can be far longer than a preview. */
		size_t need = bytes_repr(b.p, b.n, o->buf + o->w, o->len - o->w);
		o->w += need < o->len - o->w ? need : strlen(o->buf + o->w);
	}
	if (ev->nbytes > b.n) {
		PUT_LIT(o, "... (+");
		put_num(o, ev->nbytes - b.n);
		PUT_LIT(o, " more)");
	}
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
	PUT_LIT(o, " (");
	put_str(o, event_errno_name(err));
	PUT_LIT(o, ")");
}

/* "client->server", "server->client": a tap chunk's way; the side a tap line is about. */
static const char *dir_name(unsigned dir)
{
	return dir == DIR_C2S ? "client->server" : dir == DIR_S2C ? "server->client" : "";
}

/* ") uid 1000 gid 100": the end of "pid N (NAME" and the ids. */
static void put_ids(struct render_put *o, const struct event *ev)
{
	PUT_LIT(o, ") uid ");
	put_num(o, ev->uid);
	PUT_LIT(o, " gid ");
	put_num(o, ev->gid);
}

/* A tap's connection line: who the client is (SO_PEERCRED on accept) or who answered
 * upstream, which then sees udscope's credentials instead of the client's. */
static void put_tap_peer(struct render_put *o, const struct event *ev)
{
	bool server = ev->dir == DIR_S2C;
	put_str(o, server ? "server" : "client");
	PUT_LIT(o, " pid ");
	put_int(o, ev->pid);
	PUT_LIT(o, " (");
	put_safe(o, ev->text[0] ? ev->text : "?");
	put_ids(o, ev);
	if (server && ev->as_client) {
		PUT_LIT(o,
			" answered; its SO_PEERCRED names the client's uid and gid (connected as "
			"the client) and udscope's pid ");
		put_int(o, getpid());
	} else if (server) {
		PUT_LIT(o, " answered; its SO_PEERCRED names udscope (pid ");
		put_int(o, getpid());
		PUT_LIT(o, "), not the client");
	} else {
		PUT_LIT(o, " connected");
	}
}

/* "byte" for one, "bytes" for any other count. */
static const char *bytes_word(uint64_t n)
{
	return n == 1 ? "byte" : "bytes";
}

/* "16 bytes ", "1 byte ". */
static void put_count(struct render_put *o, uint64_t n)
{
	put_num(o, n);
	if (n == 1)
		PUT_LIT(o, " byte ");
	else
		PUT_LIT(o, " bytes ");
}

/* "received 16 bytes ", or for a message cut by MSG_TRUNC "received 16 of 41 bytes (message
 * truncated: 25 bytes discarded) ". */
static void put_received(struct render_put *o, const struct event *ev)
{
	if (ev->dir) {
		put_str(o, dir_name(ev->dir));
		PUT_LIT(o, " ");
		put_count(o, ev->nbytes);
	} else if (ev->message && ev->msg_len > ev->nbytes) {
		PUT_LIT(o, "received ");
		put_num(o, ev->nbytes);
		PUT_LIT(o, " of ");
		put_num(o, ev->msg_len);
		PUT_LIT(o, " bytes (message truncated: ");
		put_num(o, ev->msg_len - ev->nbytes);
		PUT_LIT(o, " ");
		put_str(o, bytes_word(ev->msg_len - ev->nbytes));
		PUT_LIT(o, " discarded) ");
	} else if (ev->message && ev->nbytes == 0) {
		PUT_LIT(o, "received an empty message ");
	} else {
		PUT_LIT(o, "received ");
		put_count(o, ev->nbytes);
	}
}

/* " (seqpacket)": the type, unless it is the walkthrough's stream (its lines stay as they were). */
static void put_socktype(struct render_put *o, const struct event *ev)
{
	const char *name = ev->socktype ? socktype_name(ev->socktype) : NULL;
	if (name && ev->socktype != SOCK_STREAM) {
		PUT_LIT(o, " (");
		put_str(o, name);
		PUT_LIT(o, ")");
	}
}

static void put_fds(struct render_put *o, const struct event *ev)
{
	if (ev->nfds) {
		PUT_LIT(o, " with ");
		put_num(o, ev->nfds);
		if (ev->nfds == 1)
			PUT_LIT(o, " fd");
		else
			PUT_LIT(o, " fds");
	}
	if (ev->ctrunc)
		PUT_LIT(o, " (control data truncated: the kernel dropped what did not fit)");
}

/* What rode beside the bytes: the datagram's sender, its credentials, descriptors. */
static void put_beside(struct render_put *o, const struct event *ev)
{
	/* A tap's reply goes to the client whose address the line names. */
	const char *dir = ev->kind == EV_RECV && ev->dir != DIR_S2C ? "from" : "to";
	if (ev->sender == SENDER_UNBOUND) {
		PUT_LIT(o, " ");
		put_str(o, dir);
		PUT_LIT(o, " an unbound sender");
	} else if (ev->sender) {
		PUT_LIT(o, " ");
		put_str(o, dir);
		PUT_LIT(o, " ");
		put_text(o, ev);
	}
	if (ev->cred_msg) {
		if (ev->by_receiver)
			PUT_LIT(o, " (received by pid ");
		else
			PUT_LIT(o, " (pid ");
		put_int(o, ev->pid);
		PUT_LIT(o, " (");
		put_safe(o, ev->comm[0] ? ev->comm : "?");
		put_ids(o, ev);
		PUT_LIT(o, ")");
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
		PUT_LIT(o, "sent ");
		put_count(o, ev->nbytes);
		PUT_LIT(o, "back to ");
		if (ev->sender)
			put_text(o, ev);
		else
			put_str(o, "the client");
		put_fds(o, ev);
		return;
	} else {
		if (ev->source == SRC_CLIENT)
			PUT_LIT(o, "sending ");
		else
			PUT_LIT(o, "sent ");
		put_count(o, ev->nbytes);
	}
	put_bytes(o, ev, full, flags);
	put_beside(o, ev);
}

/* A decoded summary: "decoded chunk 3: HTTP GET /x HTTP/1.1". */
static void put_decoded(struct render_put *o, const struct event *ev)
{
	PUT_LIT(o, "decoded chunk ");
	put_num(o, ev->chunk_no);
	PUT_LIT(o, ": ");
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
	PUT_LIT(o, "connection from pid ");
	put_int(o, ev->pid);
	PUT_LIT(o, " (");
	put_safe(o, ev->text[0] ? ev->text : "?");
	put_ids(o, ev);
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
	if (ev->dropped) {
		PUT_LIT(&o, "[");
		put_num(&o, ev->dropped);
		PUT_LIT(&o, " events not shown] ");
	}
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
		PUT_LIT(&o, "starting up on ");
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
	if (ev->actor) {
		PUT_LIT(&o, " ");
		put_int(&o, ev->actor);
	}
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
	PUT_LIT(o, ",\"");
	put_str(o, key);
	PUT_LIT(o, "\":\"");
	bool valid = json_escape(s, n, put_raw_cb, o);
	put_raw(o, "\"", 1);
	if (!valid) {
		PUT_LIT(o, ",\"");
		put_str(o, key);
		PUT_LIT(o, "_hex\":\"");
		put_hex(o, s, n);
		put_raw(o, "\"", 1);
	}
}

/* KEY (a literal: ,"name":) and V in decimal. */
#define PUT_KEY_NUM(o, key, v)     \
	do {                       \
		PUT_LIT((o), key); \
		put_num((o), (v)); \
	} while (0)

/* KEY (a literal: ,"name":") and string S of our own, then the closing quote. */
static void put_key_str(struct render_put *o, const char *key, size_t keylen, const char *s)
{
	put_mem(o, key, keylen);
	put_str(o, s);
	PUT_LIT(o, "\"");
}
#define PUT_KEY_STR(o, key, s) put_key_str((o), "" key, sizeof(key) - 1, (s))

/* The fields of messages, datagrams and what rides beside them. */
static void put_json_ancil(struct render_put *o, const struct event *ev)
{
	static const char *const senders[] = { "", "path", "abstract", "unbound" };
	if (ev->message) {
		PUT_KEY_NUM(o, ",\"message\":true,\"msg_len\":", ev->msg_len);
		PUT_KEY_NUM(o, ",\"discarded\":",
			    ev->msg_len > ev->nbytes ? ev->msg_len - ev->nbytes : 0);
	}
	if (ev->sender && ev->sender < 4)
		PUT_KEY_STR(o, ",\"peer_kind\":\"", senders[ev->sender]);
	if (ev->cred_msg) {
		PUT_KEY_STR(o, ",\"cred_source\":\"",
			    ev->by_receiver           ? "receiver"
			    : ev->source == SRC_WATCH ? "sender"
						      : "SCM_CREDENTIALS");
		put_json_string(o, "comm", ev->comm, strnlen(ev->comm, sizeof(ev->comm)));
	}
	if (ev->socktype && socktype_name(ev->socktype))
		PUT_KEY_STR(o, ",\"socket_type\":\"", socktype_name(ev->socktype));
	if (ev->nfds)
		PUT_KEY_NUM(o, ",\"fds\":", ev->nfds);
	if (ev->ctrunc)
		PUT_LIT(o, ",\"ctrunc\":true");
	if (ev->has_fd) {
		PUT_LIT(o, ",\"fd\":");
		put_int(o, ev->fd);
		PUT_KEY_STR(o, ",\"fd_type\":\"", ev->fd_type ? ev->fd_type : "unknown");
		PUT_KEY_STR(o, ",\"fd_mode\":\"", ev->fd_mode ? ev->fd_mode : "unknown");
	}
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
		PUT_KEY_NUM(o, ",\"chunk\":", ev->chunk_no);
	if (ev->decoded) {
		PUT_KEY_NUM(o, ",\"decoded\":{\"chunk\":", ev->chunk_no);
		put_json_string(o, "protocol", ev->proto, strnlen(ev->proto, sizeof(ev->proto)));
		put_json_string(o, "info", ev->text, strnlen(ev->text, sizeof(ev->text)));
		PUT_LIT(o, "}");
	} else if (ev->fact) {
		char words[EVENT_TEXT_MAX + 256];
		size_t n = render_fact_words(ev, true, words, sizeof(words));
		put_json_string(o, "text", words, n);
	} else if (ev->text[0] || ev->text_len) {
		put_json_string(o, "text", ev->text, event_text_len(ev));
	}
}

/* A chunk's length and bytes: ,"bytes":N,"data":"HEX","truncated":BOOL. */
static void put_json_bytes(struct render_put *o, const struct event *ev, const struct shown *full)
{
	struct shown b = shown_of(ev, full);
	PUT_KEY_NUM(o, ",\"bytes\":", ev->nbytes);
	PUT_LIT(o, ",\"data\":\"");
	put_hex(o, b.p, b.n);
	if (ev->nbytes > b.n)
		PUT_LIT(o, "\",\"truncated\":true");
	else
		PUT_LIT(o, "\",\"truncated\":false");
}

static size_t format_json(const struct event *ev, const struct shown *full, uint64_t base_ns,
			  char *buf, size_t len)
{
	struct render_put o = { buf, len, 0 };
	if (len)
		buf[0] = '\0';
	uint64_t t = ev->time_ns > base_ns ? ev->time_ns - base_ns : 0;
	PUT_KEY_NUM(&o, "{\"seq\":", ev->seq);
	PUT_KEY_NUM(&o, ",\"time\":", t / 1000000000u);
	PUT_LIT(&o, ".");
	put_u64(&o, (t / 1000u) % 1000000u, 6, '0');
	PUT_KEY_STR(&o, ",\"source\":\"", event_source_name(ev->source));
	PUT_KEY_STR(&o, ",\"kind\":\"", event_kind_name(ev->kind));
	if (ev->session)
		PUT_KEY_NUM(&o, ",\"session\":", ev->session);
	if (ev->conn)
		PUT_KEY_NUM(&o, ",\"connection\":", ev->conn);
	if (ev->actor) {
		PUT_LIT(&o, ",\"actor_pid\":");
		put_int(&o, ev->actor);
	}
	if (ev->dir && ev->kind == EV_RECV)
		PUT_KEY_STR(&o, ",\"direction\":\"", dir_name(ev->dir));
	else if (ev->dir)
		PUT_KEY_STR(&o, ",\"side\":\"", ev->dir == DIR_C2S ? "client" : "server");
	if (ev->kind == EV_RECV || ev->kind == EV_SEND)
		put_json_bytes(&o, ev, full);
	put_json_text(&o, ev);
	if (ev->err) {
		PUT_KEY_STR(&o, ",\"errno\":\"", event_errno_name(ev->err));
		const char *msg = strerror(ev->err);
		put_json_string(&o, "error", msg, strlen(msg));
	}
	if (ev->has_cred) {
		PUT_LIT(&o, ",\"pid\":");
		put_int(&o, ev->pid);
		PUT_KEY_NUM(&o, ",\"uid\":", ev->uid);
		PUT_KEY_NUM(&o, ",\"gid\":", ev->gid);
	}
	if (ev->as_client)
		PUT_LIT(&o, ",\"as_client\":true");
	put_json_ancil(&o, ev);
	put_json_fact(&o, ev);
	if (ev->dropped)
		PUT_KEY_NUM(&o, ",\"dropped\":", ev->dropped);
	if (ev->mark_len) {
		PUT_KEY_NUM(&o, ",\"mark\":{\"offset\":", ev->mark_off);
		PUT_KEY_NUM(&o, ",\"length\":", ev->mark_len);
		PUT_LIT(&o, "}");
	}
	PUT_LIT(&o, "}");
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
