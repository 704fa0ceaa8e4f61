/* sheet: the table of view kinds, and a sheet's start and end. */
#include "config.h"

#include "ui/draw/sheet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/draw/table.h"

/* Each kind lives in its view_KIND.c. */
extern const struct sheet_kind log_kind, report_kind, help_kind, detail_kind, messages_kind,
	welcome_kind, seq_kind, table_kind;

const struct sheet_kind *const sheet_kinds[SHEET__COUNT] = {
	[SHEET_LOG] = &log_kind,
	[SHEET_REPORT] = &report_kind,
	[SHEET_HELP] = &help_kind,
	[SHEET_DETAIL] = &detail_kind,
	[SHEET_MESSAGES] = &messages_kind,
	[SHEET_WELCOME] = &welcome_kind,
	[SHEET_SEQ] = &seq_kind,
	[SHEET_TABLE] = &table_kind,
};

void sheet_init(struct sheet *s, enum sheet_type type, const char *title)
{
	memset(s, 0, sizeof(*s));
	s->type = type;
	s->kind = sheet_kinds[type];
	s->pos.follow = true;
	s->pos.sel = -1;
	s->sel = -1;
	snprintf(s->title, sizeof(s->title), "%s", title);
	doc_init(&s->doc, type == SHEET_MESSAGES ? SHEET_MESSAGES_MAX : 0);
}

void sheet_free(struct sheet *s)
{
	doc_free(&s->doc);
	if (s->table) {
		table_free(s->table);
		free(s->table);
		s->table = NULL;
	}
	if (s->own) {
		pane_free(s->own);
		free(s->own);
		s->own = NULL;
	}
}
