#!/bin/sh
# console-keys: Tab completion from the command table and of paths, focus, F1, F2, scrolling.
. "${UDSCOPE_SRCDIR:-.}/tests/e2e/console-lib.sh"

start_shell 100 40
mkdir -p "$DIR/sockdir"
start_console
ok $? "the console starts"

keys -l "ser"
keys Tab
wait_for "udscope> server"
ok $? "Tab completes a command name (ser -> server)"
keys -l "st"
keys Tab
wait_for "start  status  stop"
ok $? "Tab lists the subcommands inside the console (status bar)"
keys -l "art ./so"
keys Tab
wait_for "udscope> server start ./sockdir/"
ok $? "Tab completes a PATH argument from the file system"
keys -l "x --ch"
keys Tab
wait_for "udscope> server start ./sockdir/x --chunk"
ok $? "Tab completes an option from the command's table entry"
keys -l "4"
keys Enter
wait_for "Server ./sockdir/x listening"
ok $? "the completed line runs"

keys F1
wait_for "[help]" && wait_for "server start PATH"
ok $? "F1 shows the commands full screen"
keys -l "/shift-tab"
keys Enter
wait_for "Shift-Tab    focus the previous pane"
ok $? "/ searches the help (the keys' part, further down, comes into view)"
keys F1
wait_gone "help [COMMAND]" && wait_for "[Server]"
ok $? "F1 again closes the help"

# 60 chunks of 4 bytes fill the Server pane; scrolling shows where the view is. Each chunk
# is its own label, p000 to p059, so that a page of the pane says where it is in the log.
msg=$(i=0; while [ $i -lt 60 ]; do printf 'p%03d' $i; i=$((i + 1)); done)
(cd "$DIR" && timeout -k 5 60 "$UDSCOPE" --batch -e "client ./sockdir/x $msg" >/dev/null 2>&1)
wait_for "240 B in 60 chunks"
ok $? "a 240-byte message arrives in 60 chunks of 4"
# A connection of the console's own fills the Client pane: two panes to move the focus in.
type_line "client ./sockdir/x hi"
wait_for "Client ./sockdir/x closed"
# On an empty line Tab moves the focus; the status bar names the focused pane.
wait_for "[Server]"
keys Tab
wait_for "[Client]"
ok $? "Tab on an empty line focuses the next pane"
keys BTab
wait_for "[Server]"
ok $? "Shift-Tab focuses the previous pane"
keys PPage
wait_for "newer lines below (End follows)"
ok $? "PgUp scrolls the focused pane back and says so"
keys Home
wait_for "starting up on ./sockdir/x"
ok $? "Home shows the oldest line"
keys End
wait_gone "newer lines below"
ok $? "End follows new lines again"

# PgUp twice, then PgDn: the view moves forward again, to the page the first PgUp showed;
# PgDn once more is back at the newest line. Where a page is: the chunk labels it shows.
labels() {   # the labels of the chunks the Server pane shows, top to bottom (p007 -> 7)
	screen | sed -n "s/.*received 4 bytes b'p0*\([0-9][0-9]*\)'.*/\1/p"
}
last() { printf '%s\n' "$1" | tail -n 1; }
wait_labels_change() {   # wait_labels_change OLD: poll until the page shows other chunks
	deadline=$(( $(date +%s) + 15 ))
	while [ "$(labels)" = "$1" ]; do
		[ "$(date +%s)" -ge "$deadline" ] && return 1
		sleep 0.05
	done
}
wait_for "received 4 bytes b'p059'"
ok $? "the newest chunk (p059) shows while following"
page0=$(labels)
keys PPage
wait_for "newer lines below" && wait_labels_change "$page0"
page1=$(labels)
keys PPage
wait_labels_change "$page1"
page2=$(labels)
[ -n "$page2" ] && [ "$(last "$page2")" -lt "$(last "$page1")" ]
ok $? "a second PgUp pages further back (up to chunk $(last "$page1"), then up to chunk $(last "$page2"))"
keys NPage
wait_labels_change "$page2"
page3=$(labels)
[ -n "$page3" ] && [ "$(last "$page3")" -gt "$(last "$page2")" ]
ok $? "PgDn pages forward, not back (up to chunk $(last "$page2"), then up to chunk $(last "$page3"))"
[ "$page3" = "$page1" ]
ok $? "PgDn shows again the page the first PgUp showed"
keys NPage
wait_gone "newer lines below" && wait_for "received 4 bytes b'p059'"
ok $? "PgDn again is back at the newest line (p059), following new lines"

keys End   # the F2 checks below stand on their own, whatever paging did
wait_gone "newer lines below"
keys F2
wait_for "received 4 bytes 70 30 35 39"
ok $? "F2 shows the chunks as hex"
keys F2
wait_for "received 4 bytes b'p059'"
ok $? "F2 again shows b'...' text"

keys C-l
wait_for "udscope>"
ok $? "Ctrl-L redraws"

keys F10
wait_for "EXITED-0"
ok $? "F10 quits"
[ ! -e "$DIR/sockdir/x" ]
ok $? "the node is gone"

finish
