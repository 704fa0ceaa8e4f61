/* json: a growable writer for one JSON value (reports, events), with one escaping rule. */
#include "config.h"

#include "core/base/json.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/bytes.h"

static const char hexdigits[] = "0123456789abcdef";

size_t json_escape_char(const unsigned char *p, size_t len, char out[6])
{
	/* The controls: C0 and DEL are one byte, C1 (U+0080..U+009F) is 0xc2 0x80..0x9f. */
	unsigned ctl = len == 1 && (p[0] < 0x20 || p[0] == 0x7f) ? p[0]
		: len == 2 && p[0] == 0xc2 && p[1] <= 0x9f ? p[1] : 0;
	if (len == 1 && (p[0] == '"' || p[0] == '\\')) {
		out[0] = '\\';
		out[1] = (char)p[0];
		return 2;
	}
	if (ctl == '\n' || ctl == '\t' || ctl == '\r') {
		out[0] = '\\';
		out[1] = ctl == '\n' ? 'n' : ctl == '\t' ? 't' : 'r';
		return 2;
	}
	if (ctl || (len == 1 && p[0] == 0)) {
		/* Terminal controls, C1 included, never leave as raw bytes. */
		memcpy(out, "\\u00", 4);
		out[4] = hexdigits[ctl >> 4];
		out[5] = hexdigits[ctl & 15];
		return 6;
	}
	memcpy(out, p, len);
	return len;
}

static void raw(struct json *j, const char *s, size_t n)
{
	if (j->oom)
		return;
	if (j->len + n + 1 > j->cap) {
		size_t cap = j->cap ? j->cap : 256;
		while (cap < j->len + n + 1)
			cap *= 2;
		char *nb = realloc(j->buf, cap);
		if (!nb) {
			j->oom = true;
			return;
		}
		j->buf = nb;
		j->cap = cap;
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = '\0';
}

bool json_escape(const void *s, size_t n, void (*put)(void *ctx, const char *p, size_t len),
		 void *ctx)
{
	const unsigned char *p = s;
	bool valid = true;
	for (size_t i = 0; i < n;) {
		/* A run of printable ASCII needing no escape goes out in one piece. */
		size_t run = 0;
		while (i + run < n && p[i + run] >= 0x20 && p[i + run] < 0x7f &&
		       p[i + run] != '"' && p[i + run] != '\\')
			run++;
		if (run) {
			put(ctx, (const char *)p + i, run);
			i += run;
			continue;
		}
		uint32_t cp;
		size_t len = bytes_utf8(p + i, n - i, &cp);
		if (len == 0) {
			valid = false;
			put(ctx, "\\ufffd", 6);
			i++;
			continue;
		}
		char e[6];
		put(ctx, e, json_escape_char(p + i, len, e));
		i += len;
	}
	return valid;
}

static void raw_cb(void *ctx, const char *p, size_t n)
{
	raw(ctx, p, n);
}

static bool chars(struct json *j, const unsigned char *p, size_t n)
{
	return json_escape(p, n, raw_cb, j);
}

/* The comma before a member or element, and "KEY": when there is a key. */
static void member(struct json *j, const char *key)
{
	if (!j->first && j->len)
		raw(j, ",", 1);
	j->first = false;
	if (key) {
		raw(j, "\"", 1);
		chars(j, (const unsigned char *)key, strlen(key));
		raw(j, "\":", 2);
	}
}

void json_open(struct json *j, const char *key)
{
	member(j, key);
	raw(j, "{", 1);
	j->first = true;
}

void json_close(struct json *j)
{
	raw(j, "}", 1);
	j->first = false;
}

void json_open_array(struct json *j, const char *key)
{
	member(j, key);
	raw(j, "[", 1);
	j->first = true;
}

void json_close_array(struct json *j)
{
	raw(j, "]", 1);
	j->first = false;
}

void json_str(struct json *j, const char *key, const void *s, size_t n)
{
	member(j, key);
	raw(j, "\"", 1);
	bool valid = chars(j, s, n);
	raw(j, "\"", 1);
	if (valid || !key)
		return;
	/* Every byte, so nothing is lost (an array element has no key to hang it on). */
	char hk[80];
	snprintf(hk, sizeof(hk), "%s_hex", key);
	member(j, hk);
	raw(j, "\"", 1);
	const unsigned char *p = s;
	for (size_t i = 0; i < n; i++) {
		char h[2] = { hexdigits[p[i] >> 4], hexdigits[p[i] & 15] };
		raw(j, h, 2);
	}
	raw(j, "\"", 1);
}

void json_cstr(struct json *j, const char *key, const char *s)
{
	if (!s)
		json_null(j, key);
	else
		json_str(j, key, s, strlen(s));
}

void json_int(struct json *j, const char *key, long long v)
{
	char n[24];
	member(j, key);
	raw(j, n, (size_t)snprintf(n, sizeof(n), "%lld", v));
}

void json_uint(struct json *j, const char *key, unsigned long long v)
{
	char n[24];
	member(j, key);
	raw(j, n, (size_t)snprintf(n, sizeof(n), "%llu", v));
}

void json_bool(struct json *j, const char *key, bool v)
{
	member(j, key);
	raw(j, v ? "true" : "false", v ? 4 : 5);
}

void json_null(struct json *j, const char *key)
{
	member(j, key);
	raw(j, "null", 4);
}

char *json_take(struct json *j, size_t *len)
{
	char *out;
	if (j->oom) {
		free(j->buf);
		out = NULL;
	} else {
		out = j->buf ? j->buf : strdup("");
	}
	if (len)
		*len = out ? j->len : 0;
	memset(j, 0, sizeof(*j));
	return out;
}

void json_free(struct json *j)
{
	free(j->buf);
	memset(j, 0, sizeof(*j));
}
