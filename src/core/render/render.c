/* render: reports as text lines and as JSON; the one place their words and layout live. */
#include "config.h"

#include "core/render/render.h"

#include <stdio.h>
#include <string.h>

#include "core/base/event.h"
#include "core/base/json.h"

static const char *const kind_names[REPORT__COUNT] = {
	[REPORT_HELP] = "help",
	[REPORT_SESSIONS] = "sessions",
	[REPORT_INSPECT] = "inspect",
	[REPORT_SOCKETS] = "sockets",
	[REPORT_MAP] = "map",
	[REPORT_DIAGRAM] = "diagram",
};

static const int kind_sources[REPORT__COUNT] = {
	[REPORT_HELP] = SRC_SYSTEM,
	[REPORT_SESSIONS] = SRC_SYSTEM,
	[REPORT_INSPECT] = SRC_INSPECT,
	[REPORT_SOCKETS] = SRC_INSPECT,
	[REPORT_MAP] = SRC_SYSTEM,
	[REPORT_DIAGRAM] = SRC_SYSTEM,
};

int render_kind_source(enum report_kind kind)
{
	return (unsigned)kind < REPORT__COUNT ? kind_sources[kind] : SRC_SYSTEM;
}

const char *render_kind_name(enum report_kind kind)
{
	return (unsigned)kind < REPORT__COUNT && kind_names[kind] ? kind_names[kind] : "report";
}


/* Help: a heading when it lists everything, then "  SYNOPSIS  HELP" with the help in a
 * column (the synopses longer than the column push their help along). */
static void help_text(const struct help_report *h, render_line_fn fn, void *ctx)
{
	if (!h->topic)
		render_linef(fn, ctx, RENDER_HEADING,
			     "commands (PATH may be @name for the abstract namespace):");
	for (size_t i = 0; i < h->n; i++)
		render_linef(fn, ctx, 0, "  %-48s %s", h->rows[i].usage, h->rows[i].help);
}

static void help_json(const struct help_report *h, struct json *j)
{
	json_cstr(j, "topic", h->topic);
	json_open_array(j, "commands");
	for (size_t i = 0; i < h->n; i++) {
		const struct help_row *e = &h->rows[i];
		json_open(j, NULL);
		json_cstr(j, "name", e->name);
		json_cstr(j, "usage", e->usage);
		json_cstr(j, "help", e->help);
		json_close(j);
	}
	json_close_array(j);
}

void render_text(const struct report *r, render_line_fn fn, void *ctx)
{
	switch (r->kind) {
	case REPORT_HELP:
		help_text(r->help, fn, ctx);
		break;
	case REPORT_SESSIONS:
		render_sessions_text(r->sessions, fn, ctx);
		break;
	case REPORT_INSPECT:
		render_inspect_text(r->inspect, fn, ctx);
		break;
	case REPORT_SOCKETS:
		render_sockets_text(r->sockets, fn, ctx);
		break;
	case REPORT_MAP:
		render_map_text(r->map, fn, ctx);
		break;
	case REPORT_DIAGRAM:
		render_diagram_text(r->diagram, fn, ctx);
		break;
	case REPORT__COUNT:
		break;
	}
}

char *render_json(const struct report *r, size_t *len)
{
	struct json j = { 0 };
	json_open(&j, NULL);
	json_cstr(&j, "report", render_kind_name(r->kind));
	switch (r->kind) {
	case REPORT_HELP:
		help_json(r->help, &j);
		break;
	case REPORT_SESSIONS:
		render_sessions_json(r->sessions, &j);
		break;
	case REPORT_INSPECT:
		render_inspect_json(r->inspect, &j);
		break;
	case REPORT_SOCKETS:
		render_sockets_json(r->sockets, &j);
		break;
	case REPORT_MAP:
		render_map_json(r->map, &j);
		break;
	case REPORT_DIAGRAM:
		render_diagram_json(r->diagram, &j);
		break;
	case REPORT__COUNT:
		break;
	}
	json_close(&j);
	return json_take(&j, len);
}
