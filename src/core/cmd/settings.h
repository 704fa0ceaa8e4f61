/* settings: what `set NAME VALUE` changes, at the prompt or in the init file: colours, the
 * mouse, the capture budget and the default chunk size. */
#ifndef UDSCOPE_SETTINGS_H
#define UDSCOPE_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

struct app;

/*
 * Held in struct app (app->settings); all zero is every default, so app_init's memset sets
 * them. Main thread only, like the app. The capture budget is not held here: it is the
 * budget of app->capture, which `set capture-mb` replaces.
 */
struct settings {
	bool colors_off;     /* "colors off": the console paints monochrome */
	bool mouse_off;      /* "mouse off": the console leaves the mouse to the terminal */
	unsigned chunk;      /* "chunk N": the default --chunk; 0 means SERVER_CHUNK_DEFAULT */
	char decode[64];     /* "decode NAME": the --decode of new taps; "": none (off) */
	unsigned generation; /* one more after every successful set */
};

/* What the front ends ask. */
bool settings_colors(const struct settings *s);
bool settings_mouse(const struct settings *s);
unsigned settings_chunk(const struct settings *s);
/* Changes since the settings were made: a front end compares it with the value it last saw
 * and, when it moved, reads the settings again. */
unsigned settings_generation(const struct settings *s);

/* How many settings there are, and setting I's name ("colors") and one-line help. */
size_t settings_count(void);
const char *settings_name(size_t i);
const char *settings_help(size_t i);
/* Setting I's value as `set` takes it ("on", "64"), into BUF. */
void settings_show(const struct app *app, size_t i, char *buf, size_t len);
/* Set NAME to VALUE. Returns 0, or -errno with one line in ERR naming the setting and what
 * it takes (-ENOENT: no such setting, -EINVAL: a bad value, -EBUSY: the capture budget once
 * chunks are kept, -ENOMEM). */
int settings_set(struct app *app, const char *name, const char *value, char *err, size_t errlen);

#endif
