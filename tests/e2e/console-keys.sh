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

# On an empty line Tab moves the focus; the status bar names the focused pane.
wait_for "[Server]"
keys Tab
wait_for "[Client]"
ok $? "Tab on an empty line focuses the next pane"
keys BTab
wait_for "[Server]"
ok $? "Shift-Tab focuses the previous pane"

keys F1
wait_for "[Inspector]" && wait_for "help [COMMAND]"
ok $? "F1 shows the keys and commands in the Inspector"

# 30 chunks of 4 bytes fill the Server pane; scrolling shows where the view is.
msg=0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789
msg=$(printf %.120s "$msg")
(cd "$DIR" && "$UDSCOPE" --batch -e "client ./sockdir/x $msg" >/dev/null 2>&1)
wait_for "in 120B/30ch"
ok $? "a 120-byte message arrives in 30 chunks of 4"
keys BTab BTab BTab
wait_for "[Server]"
keys PPage
wait_for "newer lines below (End follows)"
ok $? "PgUp scrolls the focused pane back and says so"
keys Home
wait_for "starting up on ./sockdir/x"
ok $? "Home shows the oldest line"
keys End
wait_gone "newer lines below"
ok $? "End follows new lines again"

keys F2
wait_for "received 4 bytes 36 37 38 39"
ok $? "F2 shows the chunks as hex"
keys F2
wait_for "received 4 bytes b'6789'"
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
