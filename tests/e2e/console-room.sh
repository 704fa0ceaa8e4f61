#!/bin/sh
# console-room: room follows attention (issue 26): a stale report gives its rows back to panes
# with news, a pane with new lines is not left one line tall, a table report gets a row of
# its own across a wide screen; checked on the screen at 80x24 and 120x40.
. "${UDSCOPE_SRCDIR:-.}/tests/e2e/console-lib.sh"

# wait_rows PATTERN MIN SECONDS: poll until at least MIN screen lines match PATTERN (grep -E).
wait_rows() {
	deadline=$(( $(date +%s) + $3 ))
	while :; do
		[ "$(screen | grep -cE -- "$1")" -ge "$2" ] && return 0
		[ "$(date +%s)" -ge "$deadline" ] && return 1
		sleep 0.05
	done
}

# restart COLS ROWS: a new console in a new window of that size.
restart() {
	new_server   # a server of its own: never the dying one
	start_shell "$1" "$2"
	start_console -n
}

# 1. `server start`, `sessions`, `client`: the stale two-row table gives its rows back; the
# server's and the client's chunk lines show together.
restart 80 24
type_line "server start ./a.sock"
wait_for "waiting for a connection"
type_line "sessions"
wait_for "Report: sessions"
type_line "client ./a.sock"
wait_all 15 "server #1 ← received 16 bytes" "client    ← received 9 bytes" "Report: sessions"
ok $? "80x24: after sessions and client, the server's and the client's chunks show at once"

# 2. `pair` after a report: the Pair pane shows the parent's and the child's lines.
type_line "inspect ./a.sock"
wait_for "Report: inspect"
type_line "pair"
wait_all 15 "ping" "pong" "exited"
ok $? "80x24: after a report, the Pair pane shows the run (ping, pong, the child's exit)"
# 3. A tap after a report and the pair: the Tap pane with news is not one line tall.
type_line "inspect ./a.sock"
wait_for "Report: inspect"
type_line "tap ./t.sock ./a.sock"
type_line "connect ./t.sock"
type_line 'send "one\n"'
wait_rows '(client->server|server->client) .*one' 2 15
ok $? "80x24: after a report, the Tap pane shows its lines (more than one row)"

type_line "quit"
wait_for "EXITED-0"

# 4. 120x40: a sockets table is a row of its own across the screen, under the logs.
restart 120 40
type_line "server start ./a.sock"
wait_for "waiting for a connection"
type_line "client ./a.sock"
wait_for "repeated."
type_line "sockets a.sock"
wait_for "Report: sockets a.sock"
eventually "screen | grep -q '^┌─ Report: sockets a.sock'"
ok $? "120x40: the sockets table takes the full width"
type_line "quit"
wait_for "EXITED-0"
finish
