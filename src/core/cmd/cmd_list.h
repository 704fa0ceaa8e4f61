/* cmd_list: every command entry, in the order help shows them. Add a line to add a command. */
#ifndef UDSCOPE_CMD_LIST_H
#define UDSCOPE_CMD_LIST_H

#include "core/cmd/cmd.h"

extern const struct cmd_entry cmd_server_start_entry, cmd_server_stop_entry,
	cmd_server_status_entry, cmd_client_entry, cmd_connect_entry, cmd_send_entry,
	cmd_disconnect_entry, cmd_help_entry, cmd_quit_entry;

extern const struct cmd_entry cmd_inspect_entry, cmd_sockets_entry;

extern const struct cmd_entry cmd_pair_entry;

extern const struct cmd_entry cmd_server_chunk_entry, cmd_chunk_entry, cmd_map_entry,
	cmd_diagram_entry, cmd_demo_entry;

extern const struct cmd_entry cmd_tap_entry, cmd_tap_stop_entry, cmd_tap_status_entry;

extern const struct cmd_entry cmd_watch_entry, cmd_watch_stop_entry, cmd_watch_status_entry;

extern const struct cmd_entry cmd_wait_entry, cmd_expect_entry, cmd_source_entry,
	cmd_sessions_entry, cmd_set_entry;

extern const struct cmd_entry cmd_save_entry, cmd_log_entry;

#define CMD_LIST \
	CMD_ENTRY(cmd_server_start_entry) \
	CMD_ENTRY(cmd_server_stop_entry) \
	CMD_ENTRY(cmd_server_status_entry) \
	CMD_ENTRY(cmd_server_chunk_entry) \
	CMD_ENTRY(cmd_client_entry) \
	CMD_ENTRY(cmd_connect_entry) \
	CMD_ENTRY(cmd_send_entry) \
	CMD_ENTRY(cmd_disconnect_entry) \
	CMD_ENTRY(cmd_chunk_entry) \
	CMD_ENTRY(cmd_expect_entry) \
	CMD_ENTRY(cmd_wait_entry) \
	CMD_ENTRY(cmd_source_entry) \
	CMD_ENTRY(cmd_inspect_entry) \
	CMD_ENTRY(cmd_sockets_entry) \
	CMD_ENTRY(cmd_pair_entry) \
	CMD_ENTRY(cmd_map_entry) \
	CMD_ENTRY(cmd_diagram_entry) \
	CMD_ENTRY(cmd_demo_entry) \
	CMD_ENTRY(cmd_tap_stop_entry) /* before "tap": the longer names match first */ \
	CMD_ENTRY(cmd_tap_status_entry) \
	CMD_ENTRY(cmd_tap_entry) \
	CMD_ENTRY(cmd_watch_stop_entry) /* before "watch" */ \
	CMD_ENTRY(cmd_watch_status_entry) \
	CMD_ENTRY(cmd_watch_entry) \
	CMD_ENTRY(cmd_sessions_entry) \
	CMD_ENTRY(cmd_log_entry) \
	CMD_ENTRY(cmd_save_entry) \
	CMD_ENTRY(cmd_set_entry) \
	CMD_ENTRY(cmd_help_entry) \
	CMD_ENTRY(cmd_quit_entry)

#endif
