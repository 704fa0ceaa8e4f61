/* json: a growable writer for one JSON value (reports, events), with one escaping rule.
 *
 * Strings are written as well-formed UTF-8 with controls (C0, DEL, C1) as escapes; a byte that
 * is not part of well-formed UTF-8 becomes U+FFFD and the member KEY_hex follows with every
 * byte, so nothing is lost. Out of memory is remembered and reported by json_take. */
#ifndef UDSCOPE_JSON_H
#define UDSCOPE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json {
	char *buf;
	size_t len, cap;
	bool first;      /* nothing written yet in the open object or array: no comma */
	bool oom;
};

/* The escaped form of one character (LEN bytes at P, well-formed UTF-8) inside a JSON
 * string, in OUT (room for 6 bytes). Returns its length. */
size_t json_escape_char(const unsigned char *p, size_t len, char out[6]);

/* The inside of a JSON string for the N bytes at S, handed piece by piece to PUT. Returns
 * false when some bytes were not well-formed UTF-8 (each of them became \ufffd). */
bool json_escape(const void *s, size_t n, void (*put)(void *ctx, const char *p, size_t len),
		 void *ctx);

/* KEY is NULL for a value inside an array. */
void json_open(struct json *j, const char *key);              /* { */
void json_close(struct json *j);                              /* } */
void json_open_array(struct json *j, const char *key);        /* [ */
void json_close_array(struct json *j);                        /* ] */
void json_str(struct json *j, const char *key, const void *s, size_t n);
void json_cstr(struct json *j, const char *key, const char *s);   /* NULL: null */
void json_int(struct json *j, const char *key, long long v);
void json_uint(struct json *j, const char *key, unsigned long long v);
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);
/* The text written (NUL-terminated, LEN without it), now the caller's; NULL when memory ran
 * out. The writer is empty again afterwards. */
char *json_take(struct json *j, size_t *len);
void json_free(struct json *j);

#endif
