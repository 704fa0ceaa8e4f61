/* render_sessions: the `sessions` report as lines ("#1 server stream PATH listening, ...")
 * and as JSON. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/base/json.h"
#include "core/render/render.h"
#include "core/session/session.h"

/* A datagram tap counts upstream sockets (one per sender address), not connections. */
static bool tap_dgram(const struct session_info *in)
{
	return in->type && strcmp(in->type, "dgram") == 0;
}

void render_sessions_text(const struct sessions_report *r, render_line_fn fn, void *ctx)
{
	if (!r->n) {
		render_linef(fn, ctx, 0, "no sessions (server start, client, connect or pair "
			     "start one)");
		return;
	}
	for (size_t i = 0; i < r->n; i++) {
		const struct session_info *in = &r->rows[i];
		char clients[32] = "", figs[160] = "";
		if (in->kind == SESSION_SERVER)
			snprintf(clients, sizeof(clients), ", %u client%s", in->clients,
				 in->clients == 1 ? "" : "s");
		else if (in->kind == SESSION_TAP && !in->finished)
			snprintf(clients, sizeof(clients), ", %u %s%s", in->clients,
				 tap_dgram(in) ? "upstream socket" : "connection",
				 in->clients == 1 ? "" : "s");
		if (in->has_stats)
			snprintf(figs, sizeof(figs),
				 "; in %llu byte%s/%llu chunk%s, out %llu "
				 "byte%s/%llu chunk%s",
				 (unsigned long long)in->st.bytes_in,
				 in->st.bytes_in == 1 ? "" : "s",
				 (unsigned long long)in->st.chunks_in,
				 in->st.chunks_in == 1 ? "" : "s",
				 (unsigned long long)in->st.bytes_out,
				 in->st.bytes_out == 1 ? "" : "s",
				 (unsigned long long)in->st.chunks_out,
				 in->st.chunks_out == 1 ? "" : "s");
		/* The pair demo has no type or path of its own. */
		char where[160] = "";
		if (in->kind != SESSION_PAIR)
			snprintf(where, sizeof(where), " %s %s", in->type ? in->type : "stream",
				 in->path);
		render_linef(fn, ctx, 0, "#%u %s%s %s%s%s", in->id, in->kind_name, where,
			     in->state, clients, figs);
	}
}

void render_sessions_json(const struct sessions_report *r, struct json *j)
{
	json_open_array(j, "sessions");
	for (size_t i = 0; i < r->n; i++) {
		const struct session_info *in = &r->rows[i];
		json_open(j, NULL);
		json_uint(j, "id", in->id);
		json_cstr(j, "kind", in->kind_name);
		json_cstr(j, "type", in->kind == SESSION_PAIR ? NULL : in->type ? in->type : "stream");
		json_cstr(j, "path", in->kind == SESSION_PAIR ? NULL : in->path);
		json_cstr(j, "state", in->state);
		json_bool(j, "finished", in->finished);
		json_int(j, "status", in->finished ? in->status : 0);
		if (in->kind == SESSION_SERVER)
			json_uint(j, "clients", in->clients);
		else if (in->kind == SESSION_TAP)
			json_uint(j, tap_dgram(in) ? "upstreams" : "connections", in->clients);
		if (in->has_stats) {
			json_uint(j, "bytes_in", in->st.bytes_in);
			json_uint(j, "chunks_in", in->st.chunks_in);
			json_uint(j, "bytes_out", in->st.bytes_out);
			json_uint(j, "chunks_out", in->st.chunks_out);
		}
		json_close(j);
	}
	json_close_array(j);
}
