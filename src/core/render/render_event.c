/* render_event: an event's words and its batch line, made from its fields in one pass (its JSON
 * object: render_event_json.c). Bytes a peer or user chose are escaped here, once (bytes_escape, bytes_repr,
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
#include "core/base/socktype.h"
#include "core/render/render_fact.h"
#include "core/render/render_put.h"

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
				RENDER_PUT_LIT(o, " ");
			render_put_str(o, hex);
		}
	} else if (o->w < o->len) {
		/* Straight into the line: a whole chunk can be far longer than a preview. */
		size_t need = bytes_repr(b.p, b.n, o->buf + o->w, o->len - o->w);
		o->w += need < o->len - o->w ? need : strlen(o->buf + o->w);
	}
	if (ev->nbytes > b.n) {
		RENDER_PUT_LIT(o, "... (+");
		render_put_num(o, ev->nbytes - b.n);
		RENDER_PUT_LIT(o, " more)");
	}
}

/* WHAT, then the errno's text (strerror: in a console's locale it may be UTF-8; printable
 * characters pass, anything else is escaped) and its name. */
static void put_error(struct render_put *o, const char *what, int err)
{
	put_safe(o, what);
	if (!err)
		return;
	render_put_str(o, ": ");
	if (o->len && o->w < o->len - 1) {
		const char *msg = strerror(err);
		bytes_escape(msg, strlen(msg), BYTES_ESC_UTF8, o->buf + o->w, o->len - o->w);
		o->w += strlen(o->buf + o->w);
	}
	RENDER_PUT_LIT(o, " (");
	render_put_str(o, event_errno_name(err));
	RENDER_PUT_LIT(o, ")");
}

/* "client->server", "server->client": a tap chunk's way; the side a tap line is about. */
static const char *dir_name(unsigned dir)
{
	return dir == DIR_C2S ? "client->server" : dir == DIR_S2C ? "server->client" : "";
}

/* ") uid 1000 gid 100": the end of "pid N (NAME" and the ids. */
static void put_ids(struct render_put *o, const struct event *ev)
{
	RENDER_PUT_LIT(o, ") uid ");
	render_put_num(o, ev->uid);
	RENDER_PUT_LIT(o, " gid ");
	render_put_num(o, ev->gid);
}

/* A tap's connection line: who the client is (SO_PEERCRED on accept) or who answered
 * upstream, which then sees udscope's credentials instead of the client's. */
static void put_tap_peer(struct render_put *o, const struct event *ev)
{
	bool server = ev->dir == DIR_S2C;
	render_put_str(o, server ? "server" : "client");
	RENDER_PUT_LIT(o, " pid ");
	render_put_int(o, ev->pid);
	RENDER_PUT_LIT(o, " (");
	put_safe(o, ev->text[0] ? ev->text : "?");
	put_ids(o, ev);
	if (server && ev->as_client) {
		RENDER_PUT_LIT(
			o,
			" answered; its SO_PEERCRED names the client's uid and gid (connected as "
			"the client) and udscope's pid ");
		render_put_int(o, getpid());
	} else if (server) {
		RENDER_PUT_LIT(o, " answered; its SO_PEERCRED names udscope (pid ");
		render_put_int(o, getpid());
		RENDER_PUT_LIT(o, "), not the client");
	} else {
		RENDER_PUT_LIT(o, " connected");
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
	render_put_num(o, n);
	RENDER_PUT_LIT(o, " ");
	render_put_str(o, bytes_word(n));
	RENDER_PUT_LIT(o, " ");
}

/* "received 16 bytes ", or for a message cut by MSG_TRUNC "received 16 of 41 bytes (message
 * truncated: 25 bytes discarded) ". */
static void put_received(struct render_put *o, const struct event *ev)
{
	if (ev->dir) {
		render_put_str(o, dir_name(ev->dir));
		RENDER_PUT_LIT(o, " ");
		put_count(o, ev->nbytes);
	} else if (ev->message && ev->msg_len > ev->nbytes) {
		RENDER_PUT_LIT(o, "received ");
		render_put_num(o, ev->nbytes);
		RENDER_PUT_LIT(o, " of ");
		render_put_num(o, ev->msg_len);
		RENDER_PUT_LIT(o, " bytes (message truncated: ");
		render_put_num(o, ev->msg_len - ev->nbytes);
		RENDER_PUT_LIT(o, " ");
		render_put_str(o, bytes_word(ev->msg_len - ev->nbytes));
		RENDER_PUT_LIT(o, " discarded) ");
	} else if (ev->message && ev->nbytes == 0) {
		RENDER_PUT_LIT(o, "received an empty message ");
	} else {
		RENDER_PUT_LIT(o, "received ");
		put_count(o, ev->nbytes);
	}
}

/* " (seqpacket)": the type, unless it is the walkthrough's stream (its lines stay as they were). */
static void put_socktype(struct render_put *o, const struct event *ev)
{
	const char *name = ev->socktype ? socktype_name(ev->socktype) : NULL;
	if (name && ev->socktype != SOCK_STREAM) {
		RENDER_PUT_LIT(o, " (");
		render_put_str(o, name);
		RENDER_PUT_LIT(o, ")");
	}
}

static void put_fds(struct render_put *o, const struct event *ev)
{
	if (ev->nfds) {
		RENDER_PUT_LIT(o, " with ");
		render_put_num(o, ev->nfds);
		if (ev->nfds == 1)
			RENDER_PUT_LIT(o, " fd");
		else
			RENDER_PUT_LIT(o, " fds");
	}
	if (ev->ctrunc)
		RENDER_PUT_LIT(o, " (control data truncated: the kernel dropped what did not fit)");
}

/* What rode beside the bytes: the datagram's sender, its credentials, descriptors. */
static void put_beside(struct render_put *o, const struct event *ev)
{
	/* A tap's reply goes to the client whose address the line names. */
	const char *dir = ev->kind == EV_RECV && ev->dir != DIR_S2C ? "from" : "to";
	if (ev->sender == SENDER_UNBOUND) {
		RENDER_PUT_LIT(o, " ");
		render_put_str(o, dir);
		RENDER_PUT_LIT(o, " an unbound sender");
	} else if (ev->sender) {
		RENDER_PUT_LIT(o, " ");
		render_put_str(o, dir);
		RENDER_PUT_LIT(o, " ");
		put_text(o, ev);
	}
	if (ev->cred_msg) {
		if (ev->by_receiver)
			RENDER_PUT_LIT(o, " (received by pid ");
		else
			RENDER_PUT_LIT(o, " (pid ");
		render_put_int(o, ev->pid);
		RENDER_PUT_LIT(o, " (");
		put_safe(o, ev->comm[0] ? ev->comm : "?");
		put_ids(o, ev);
		RENDER_PUT_LIT(o, ")");
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
		RENDER_PUT_LIT(o, "sent ");
		put_count(o, ev->nbytes);
		RENDER_PUT_LIT(o, "back to ");
		if (ev->sender)
			put_text(o, ev);
		else
			render_put_str(o, "the client");
		put_fds(o, ev);
		return;
	} else {
		if (ev->source == SRC_CLIENT)
			RENDER_PUT_LIT(o, "sending ");
		else
			RENDER_PUT_LIT(o, "sent ");
		put_count(o, ev->nbytes);
	}
	put_bytes(o, ev, full, flags);
	put_beside(o, ev);
}

/* A decoded summary: "decoded chunk 3: HTTP GET /x HTTP/1.1". */
static void put_decoded(struct render_put *o, const struct event *ev)
{
	RENDER_PUT_LIT(o, "decoded chunk ");
	render_put_num(o, ev->chunk_no);
	RENDER_PUT_LIT(o, ": ");
	put_safe(o, ev->proto);
	render_put_str(o, " ");
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
	RENDER_PUT_LIT(o, "connection from pid ");
	render_put_int(o, ev->pid);
	RENDER_PUT_LIT(o, " (");
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
		RENDER_PUT_LIT(&o, "[");
		render_put_num(&o, ev->dropped);
		RENDER_PUT_LIT(&o, " events not shown] ");
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
		RENDER_PUT_LIT(&o, "starting up on ");
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
	render_put_str(&o, event_source_name(ev->source));
	if (ev->show_session && ev->session) {
		render_put_str(&o, "[");
		render_put_u64(&o, ev->session, 0, ' ');
		render_put_str(&o, "]");
	}
	if (ev->conn) {
		render_put_str(&o, " #");
		render_put_u64(&o, ev->conn, 0, ' ');
	}
	if (ev->actor) {
		RENDER_PUT_LIT(&o, " ");
		render_put_int(&o, ev->actor);
	}
	return o.w;
}

size_t render_event_time(uint64_t time_ns, uint64_t base_ns, char *buf, size_t len)
{
	struct render_put o = { buf, len, 0 };
	if (len)
		buf[0] = '\0';
	uint64_t t = time_ns > base_ns ? time_ns - base_ns : 0;
	render_put_u64(&o, t / 1000000000u, 4, ' ');
	render_put_str(&o, ".");
	render_put_u64(&o, (t / 1000u) % 1000000u, 6, '0');
	render_put_str(&o, " ");
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
		render_put_str(&o, label);
		render_put_str(&o, ": ");
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
