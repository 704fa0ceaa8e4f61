#!/bin/sh
# console-demo: the guided tour in the console, one step per Enter: the delivery map shows
# 0-15, 16-31 and 32-40 at 80x24 and 120x40, the pair demo ends as a sequence diagram, and
# Esc in the middle leaves the tour and removes what it made.
. "${UDSCOPE_SRCDIR:-.}/tests/e2e/console-lib.sh"

tour() { # tour COLS ROWS: the tour to its map step, checked on the way
	start_shell "$1" "$2"
	start_console
	type_line "demo"
	wait_for "demo 1/9"
	ok $? "$1x$2: demo runs its first step"
	wait_for "Enter on an empty line runs step 2/9"
	ok $? "$1x$2: it says Enter runs the next step"
	[ -S "$DIR/uds_socket" ]
	ok $? "$1x$2: the tour's server listens at ./uds_socket"
	keys Enter
	wait_for "demo 2/9"
	ok $? "$1x$2: Enter runs step 2"
	keys Enter
	wait_for "demo 3/9"
	# At 80x24 the report takes the room of the Conversation, which has nothing new: the map
	# shows without F5.
	wait_for "[0-15----------][16-31---------][32-40--]"
	ok $? "$1x$2: step 3's delivery map shows 0-15, 16-31 and 32-40"
	eventually 'screen | grep -qF "[0-40-----------------------------------]"'
	ok $? "$1x$2: over the one send of bytes 0-40"
	# A step opens on what it says it shows; the line that says what Enter does next stays
	# at the pane's foot however long the step's report is.
	wait_all 5 "demo 3/9 (map):" "runs step 4/9"
	ok $? "$1x$2: step 3 opens on its narration, with Enter's next step in view"
}

tour 80 24
# At 80x24 the long steps too: the chunk step's two maps and the inspect step's verdict.
keys Enter
wait_all 20 "demo 4/9 (chunk):" "runs step 5/9"
ok $? "80x24: step 4 opens on its narration, with Enter's next step in view"
# PgDn: the next page starts right after the last line the page showed, none skipped (the
# narration wraps and the foot takes a row: a page is fewer lines than the pane has rows).
shown() { screen | sed -n "s/.* lines \([0-9]*\)-\([0-9]*\) of [0-9]* .*/\\$1/p" | head -1; }
last=$(shown 2)
keys NPage
eventually '[ "$(shown 1)" = $((last + 1)) ]' 5
ok $? "80x24: PgDn in step 4 goes on at line $((last + 1)), after the last shown ($(shown 1))"
keys PPage
eventually '[ "$(shown 1)" = 1 ]' 5
ok $? "80x24: PgUp goes back to line 1 ($(shown 1))"
for n in 5 6 7; do keys Enter; wait_for "runs step $((n + 1))/9" 20; done
keys Enter
wait_all 20 "verdict for nobody" "runs step 9/9"
ok $? "80x24: step 8 opens on inspect's verdict, with Enter's next step in view"
# Esc on the empty prompt leaves the tour before its last step; what it made is gone.
keys Escape
wait_for "demo: the tour"
ok $? "80x24: Esc leaves the tour"
wait_gone_file() { i=0; while [ -e "$1" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done; [ ! -e "$1" ]; }
wait_gone_file "$DIR/uds_socket"
ok $? "80x24: and its socket node is gone"
type_line "quit"
wait_for "EXITED-0"
ok $? "80x24: the console leaves cleanly after the tour"
new_server

tour 120 40
# The tour hands a step's lines on once the step is over, when its connection may be gone:
# the Client title still counts what it received (from the lines).
eventually 'screen | grep -q "Client #[0-9]* closed[,|] *\(got\|received\) 41 B in 3 chunks"'
ok $? "120x40: the Client title counts the tour's 41 bytes in 3 chunks"
# On to the end, each step's screen checked (its panes, or its report zoomed with F5), then
# the tour ends
# by itself.
step() { # step N TEXT: Enter runs step N; the screen (or its report zoomed) shows TEXT
	keys Enter
	wait_for "demo $1/9" 20
	if wait_for "$2" 5; then
		r=0
	else
		keys F5
		wait_for "$2" 10
		r=$?
		keys F5
	fi
	ok $r "120x40: step $1 shows $2"
}
step 4 "received 4 bytes b'This'"
step 5 "received 16 of 41 bytes"
step 6 "(dgram)"
step 7 "writer sent 4 + 4 + 5; reader received 13"
step 8 "mode: srwxr-xr-x (0755)"
step 9 "pong"
wait_for "the tour is over" 20
ok $? "120x40: the tour ends by itself and says so"
[ ! -e "$DIR/uds_socket" ]
ok $? "120x40: what it made is gone"
type_line "quit"
wait_for "EXITED-0"
ok $? "120x40: the console leaves cleanly"
finish
