/* titles: pane titles and the server header's figures, made from session snapshots. */
#ifndef UDSCOPE_UI_TITLES_H
#define UDSCOPE_UI_TITLES_H

#include <stdbool.h>
#include <stdint.h>

#include "core/cmd/app.h"
#include "core/base/event.h"
#include "core/base/stats.h"
#include "ui/views/view.h"

/* What a title's rate is computed from: the last sample a second or more ago. */
struct titles_rate {
	uint64_t t_ns, bytes, per_s;
};

/* What the titles remember between refreshes. Zeroed is the start state. Main thread. */
struct titles {
	struct titles_rate rate[2];   /* server, client */
	/* The last figures of sessions that ended, so titles keep their totals. */
	struct stats_snapshot srv_last, cli_last;
	/* The followed client's totals as its events told them: its figures when the session
	 * was freed before a snapshot (the tour hands a step's lines on after it ends). */
	struct stats_snapshot cli_ev;
	bool srv_seen, cli_seen, cli_was_conn;
	char srv_path[128], cli_path[128];
	long pair_pid[2];    /* the pair demo's parent and child, as their lines name them */
	uint32_t srv_id, cli_id;   /* the sessions the titles follow (the newest seen) */
	char srv_brief[VIEW_TITLE_MAX], cli_brief[VIEW_TITLE_MAX];   /* the Conversation's */
};

/* Note what an event says that titles show (the pair demo's pids). */
void titles_event(struct titles *t, const struct event *ev);
/* Keep the figures of the newest sessions, which app_reap may free next. */
void titles_keep(struct titles *t, const struct app *a);
/* Refresh every title and the server header in V from the sessions. Returns true when the
 * result differs from what V held. */
bool titles_refresh(struct titles *t, const struct app *a, struct view *v);

#endif
