/* settings: the table of what `set` changes (colours, mouse, capture budget, default chunk
 * size): each setting's name, help, how it is shown and how a value is taken. */
#include "config.h"

#include "core/cmd/settings.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/cmd/app.h"
#include "core/base/capture.h"
#include "core/session/server.h"
#include "core/base/sysio.h"

#define CAPTURE_MB_MAX (1ul << 20)

bool settings_colors(const struct settings *s)
{
	return !s->colors_off;
}

bool settings_mouse(const struct settings *s)
{
	return !s->mouse_off;
}

unsigned settings_chunk(const struct settings *s)
{
	return s->chunk ? s->chunk : SERVER_CHUNK_DEFAULT;
}

unsigned settings_generation(const struct settings *s)
{
	return s->generation;
}

/* "on" or "off" into *OFF (inverted: the settings hold what is off). */
static int take_switch(const char *name, const char *v, bool *off, char *err, size_t errlen)
{
	if (strcmp(v, "on") != 0 && strcmp(v, "off") != 0) {
		snprintf(err, errlen, "set %s: takes on or off, not '%.32s'", name, v);
		return -EINVAL;
	}
	*off = strcmp(v, "off") == 0;
	return 0;
}

static int set_colors(struct app *app, const char *v, char *err, size_t errlen)
{
	return take_switch("colors", v, &app->settings.colors_off, err, errlen);
}

static int set_mouse(struct app *app, const char *v, char *err, size_t errlen)
{
	return take_switch("mouse", v, &app->settings.mouse_off, err, errlen);
}

static int set_chunk(struct app *app, const char *v, char *err, size_t errlen)
{
	unsigned long n;
	if (sysio_parse_ulong(v, 10, 1, SERVER_CHUNK_MAX, &n) < 0) {
		snprintf(err, errlen, "set chunk: takes a number of bytes from 1 to %u, not '%.32s'",
			 SERVER_CHUNK_MAX, v);
		return -EINVAL;
	}
	app->settings.chunk = (unsigned)n;
	return 0;
}

/* A new store replaces the old one only while nothing can hold or show its chunk ids: no
 * session runs and none was ever kept (the init file, or a prompt before anything ran). */
static int set_capture(struct app *app, const char *v, char *err, size_t errlen)
{
	unsigned long mb;
	if (sysio_parse_ulong(v, 10, 0, CAPTURE_MB_MAX, &mb) < 0) {
		snprintf(err, errlen, "set capture-mb: takes a number of MiB from 0 to %lu, "
			 "not '%.32s'", CAPTURE_MB_MAX, v);
		return -EINVAL;
	}
	struct capture_stats st = { 0 };
	if (app->capture)
		capture_stats(app->capture, &st);
	if (app->sessions.head || st.stored) {
		snprintf(err, errlen, "set capture-mb: a session ran or chunks are kept already "
			 "(set it in the init file or with --capture-mb)");
		return -EBUSY;
	}
	struct capture *c = NULL;
	if (mb && !(c = capture_new((size_t)mb << 20))) {
		snprintf(err, errlen, "set capture-mb %lu", mb);
		return -ENOMEM;
	}
	capture_free(app->capture);
	app->capture = c;
	app_capture_budget((size_t)mb << 20);
	return 0;
}

/* A dissector name: letters, digits, '.', '_' and '-' (what tshark -G decodes lists). */
static int set_decode(struct app *app, const char *v, char *err, size_t errlen)
{
	size_t n = strlen(v);
	bool ok = n > 0 && n < sizeof(app->settings.decode);
	for (size_t i = 0; ok && i < n; i++)
		ok = isalnum((unsigned char)v[i]) || strchr("._-", v[i]);
	if (!ok) {
		snprintf(err, errlen,
			 "set decode: takes a dissector name (letters, digits, '.', "
			 "'_', '-'; help decode lists them) or off");
		return -EINVAL;
	}
	snprintf(app->settings.decode, sizeof(app->settings.decode), "%s",
		 strcmp(v, "off") == 0 ? "" : v);
	return 0;
}

static void show_decode(const struct app *app, char *buf, size_t len)
{
	snprintf(buf, len, "%s", app->settings.decode[0] ? app->settings.decode : "off");
}

static void show_colors(const struct app *app, char *buf, size_t len)
{
	snprintf(buf, len, "%s", app->settings.colors_off ? "off" : "on");
}

static void show_mouse(const struct app *app, char *buf, size_t len)
{
	snprintf(buf, len, "%s", app->settings.mouse_off ? "off" : "on");
}

static void show_capture(const struct app *app, char *buf, size_t len)
{
	struct capture_stats st = { 0 };
	if (app->capture)
		capture_stats(app->capture, &st);
	snprintf(buf, len, "%llu", (unsigned long long)(st.budget >> 20));
}

static void show_chunk(const struct app *app, char *buf, size_t len)
{
	snprintf(buf, len, "%u", settings_chunk(&app->settings));
}

static const struct {
	const char *name, *help;
	int (*set)(struct app *app, const char *v, char *err, size_t errlen);
	void (*show)(const struct app *app, char *buf, size_t len);
} table[] = {
	{ "colors", "on|off: colour in the console (off: monochrome, as --no-color)", set_colors,
	  show_colors },
	{ "mouse", "on|off: the console takes mouse clicks and the wheel", set_mouse, show_mouse },
	{ "capture-mb", "MiB of recent chunks kept whole (0: none), as --capture-mb", set_capture,
	  show_capture },
	{ "chunk", "the --chunk of server start, client and connect when none is given", set_chunk,
	  show_chunk },
	{ "decode", "NAME|off: the --decode of taps started without one (help decode)", set_decode,
	  show_decode },
};

#define NSETTINGS (sizeof(table) / sizeof(table[0]))

size_t settings_count(void)
{
	return NSETTINGS;
}

const char *settings_name(size_t i)
{
	return i < NSETTINGS ? table[i].name : NULL;
}

const char *settings_help(size_t i)
{
	return i < NSETTINGS ? table[i].help : NULL;
}

void settings_show(const struct app *app, size_t i, char *buf, size_t len)
{
	if (i < NSETTINGS)
		table[i].show(app, buf, len);
	else if (len)
		buf[0] = '\0';
}

int settings_set(struct app *app, const char *name, const char *value, char *err, size_t errlen)
{
	for (size_t i = 0; i < NSETTINGS; i++) {
		if (strcmp(table[i].name, name) != 0)
			continue;
		int r = table[i].set(app, value, err, errlen);
		if (r == 0)
			app->settings.generation++;
		return r;
	}
	snprintf(err, errlen, "set: no setting '%.32s' (colors, mouse, capture-mb, chunk, decode)",
		 name);
	return -ENOENT;
}
