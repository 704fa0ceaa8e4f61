#!/bin/sh
# console-walk: the walkthrough as a person sees it at 80x24 (issue 26): the client's "sending
# 41 bytes" line, the server's six chunk lines and the client's replies on the screen at once,
# with or without the sessions table; the table's cells lose whole words, never half of one.
. "${UDSCOPE_SRCDIR:-.}/tests/e2e/console-lib.sh"

# walk_seen: the client's send, the server's six chunk lines and the client's three replies.
walk_seen() {
	shot=$(screen)
	printf '%s\n' "$shot" | grep -qF "client    → sending 41 bytes" || return 1
	[ "$(printf '%s\n' "$shot" | grep -cE 'server #1 (← received (16|9) bytes|→ sent (16|9) bytes)')" -eq 6 ] ||
		return 1
	[ "$(printf '%s\n' "$shot" | grep -cE 'client    ← received (16|9) bytes')" -eq 3 ]
}

# words_whole: every ellipsis in the sessions table's rows follows a whole word of its cell
# ("41 B, 3 chunks": 41, B), never a cut one ("chun…").
words_whole() {
	screen | grep -E '^│#[0-9]' | grep -oE '[[:alnum:]]+…' | grep -qvE '^(41|B)…$' && return 1
	screen | grep -qE '^│#1 server'
}

start_shell 80 24
start_console -n
type_line "server start ./a.sock"
wait_for "waiting for a connection"
type_line "client ./a.sock"
eventually walk_seen
ok $? "80x24: the client's send, the server's six chunk lines and the client's replies at once"
type_line "sessions"
wait_for "Report: sessions"
eventually walk_seen
ok $? "80x24: the same under the sessions table"
type_line "quit"
wait_for "EXITED-0"

# The table's cells at 80x24 with a path that leaves them short of room.
new_server
start_shell 80 24
start_console -n
type_line "server start ./walkthrough.sock"
wait_for "waiting for a connection"
type_line "client ./walkthrough.sock"
wait_for "repeated."
type_line "sessions"
wait_for "Report: sessions"
eventually words_whole
ok $? "80x24: the sessions table's cells lose whole words, never half of one"
type_line "quit"
wait_for "EXITED-0"
finish
