#!/bin/sh
# console-listeners: who listens and how many clients (issue 26): the console's sockets table
# says each listener's established clients, and its title's "N listening" counts the rows it
# shows, the same after a refresh while another listener starts elsewhere; 80x24 and 120x40.
. "${UDSCOPE_SRCDIR:-.}/tests/e2e/console-lib.sh"

# listener_row N: the a.sock listener's row says N clients (state, path, clients, process).
listener_row() {
	screen | grep -qE "listening .*\\./a\\.sock +$1 +pid [0-9]+ \\(udscope\\)"
}

for size in "80 24" "120 40"; do
	new_server
	start_shell $size
	start_console -n
	type_line "server start ./a.sock"
	wait_for "waiting for a connection"
	type_line "connect ./a.sock"
	type_line "connect ./a.sock"
	wait_for "#2"
	type_line "sockets a.sock"
	wait_for "Report: sockets a.sock"
	eventually "screen | grep -qE '^│state .*path +clients +processes' && listener_row 2"
	ok $? "${size% *}x${size#* }: the listener's row says its 2 established clients"
	# Another listener elsewhere and a third client: the refreshed table counts its own rows.
	type_line "server start ./b.sock"
	type_line "connect ./a.sock"
	eventually "screen | grep -qF '(7 rows, 1 listening' && listener_row 3"
	ok $? "${size% *}x${size#* }: refreshed, 3 clients; the title counts the rows' 1 listener"
	type_line "quit"
	wait_for "EXITED-0"
done
finish
