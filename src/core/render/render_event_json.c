/* render_event_json: an event's JSON object (the schema doc/udscope.1 documents, JSON OUTPUT),
 * made from its fields in one pass without printf, and an event as a line of a JSON save file.
 * Strings a peer or user chose are escaped here, once (json_escape). */
#include "config.h"

#include "core/render/render_event.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "core/base/capture.h"
#include "core/base/json.h"
#include "core/base/savefile.h"
#include "core/base/socktype.h"
#include "core/render/render_fact.h"
#include "core/render/render_put.h"

/* The bytes a JSON object shows: the event's preview, or the whole chunk from the capture
 * store. */
struct shown {
	const uint8_t *p;
	size_t n;
};

static struct shown shown_of(const struct event *ev, const struct shown *full)
{
	return full ? *full : (struct shown){ ev->preview, ev->preview_len };
}

/* "client->server", "server->client": a chunk's way. */
static const char *dir_name(unsigned dir)
{
	return dir == DIR_C2S ? "client->server" : dir == DIR_S2C ? "server->client" : "";
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
	RENDER_PUT_LIT(o, ",\"");
	render_put_str(o, key);
	RENDER_PUT_LIT(o, "\":\"");
	bool valid = json_escape(s, n, put_raw_cb, o);
	put_raw(o, "\"", 1);
	if (!valid) {
		RENDER_PUT_LIT(o, ",\"");
		render_put_str(o, key);
		RENDER_PUT_LIT(o, "_hex\":\"");
		put_hex(o, s, n);
		put_raw(o, "\"", 1);
	}
}

/* KEY (a literal: ,"name":) and V in decimal. */
#define PUT_KEY_NUM(o, key, v)            \
	do {                              \
		RENDER_PUT_LIT((o), key); \
		render_put_num((o), (v)); \
	} while (0)

/* KEY (a literal: ,"name":") and string S of our own, then the closing quote. */
static void put_key_str(struct render_put *o, const char *key, size_t keylen, const char *s)
{
	render_put_mem(o, key, keylen);
	render_put_str(o, s);
	RENDER_PUT_LIT(o, "\"");
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
		RENDER_PUT_LIT(o, ",\"ctrunc\":true");
	if (ev->has_fd) {
		RENDER_PUT_LIT(o, ",\"fd\":");
		render_put_int(o, ev->fd);
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
	render_put_str(o, m);
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
		RENDER_PUT_LIT(o, "}");
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
	RENDER_PUT_LIT(o, ",\"data\":\"");
	put_hex(o, b.p, b.n);
	if (ev->nbytes > b.n)
		RENDER_PUT_LIT(o, "\",\"truncated\":true");
	else
		RENDER_PUT_LIT(o, "\",\"truncated\":false");
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
	RENDER_PUT_LIT(&o, ".");
	render_put_u64(&o, (t / 1000u) % 1000000u, 6, '0');
	PUT_KEY_STR(&o, ",\"source\":\"", event_source_name(ev->source));
	PUT_KEY_STR(&o, ",\"kind\":\"", event_kind_name(ev->kind));
	if (ev->session)
		PUT_KEY_NUM(&o, ",\"session\":", ev->session);
	if (ev->conn)
		PUT_KEY_NUM(&o, ",\"connection\":", ev->conn);
	if (ev->actor) {
		RENDER_PUT_LIT(&o, ",\"actor_pid\":");
		render_put_int(&o, ev->actor);
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
		RENDER_PUT_LIT(&o, ",\"pid\":");
		render_put_int(&o, ev->pid);
		PUT_KEY_NUM(&o, ",\"uid\":", ev->uid);
		PUT_KEY_NUM(&o, ",\"gid\":", ev->gid);
	}
	if (ev->as_client)
		RENDER_PUT_LIT(&o, ",\"as_client\":true");
	put_json_ancil(&o, ev);
	put_json_fact(&o, ev);
	if (ev->dropped)
		PUT_KEY_NUM(&o, ",\"dropped\":", ev->dropped);
	if (ev->mark_len) {
		PUT_KEY_NUM(&o, ",\"mark\":{\"offset\":", ev->mark_off);
		PUT_KEY_NUM(&o, ",\"length\":", ev->mark_len);
		RENDER_PUT_LIT(&o, "}");
	}
	RENDER_PUT_LIT(&o, "}");
	return o.w;
}

size_t render_event_json(const struct event *ev, uint64_t base_ns, char *buf, size_t len)
{
	return format_json(ev, NULL, base_ns, buf, len);
}

size_t render_event_json_full(const struct event *ev, const void *data, size_t n, uint64_t base_ns,
			      char *buf, size_t len)
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
