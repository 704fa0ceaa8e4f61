#!/bin/sh
# console-session: server from the prompt, a real client, chunk lines, counters, histogram,
# history kept between runs, and quit giving back a working shell with the node removed.
. "${UDSCOPE_SRCDIR:-.}/tests/e2e/console-lib.sh"

start_shell 120 50
start_console
ok $? "the console starts with a prompt"

type_line "server start ./s"
wait_for "Server ./s listening"
ok $? "server started from the prompt: the title says listening"
[ -S "$DIR/s" ]
ok $? "the socket node exists"

(cd "$DIR" && timeout -k 5 60 "$UDSCOPE" --batch -e "client ./s" > client.out 2>&1)
ok $? "a real client (udscope --batch) talks to the console's server"

wait_for "received 9 bytes b'repeated.'"
r=$?
screen | grep -qF "received 16 bytes b'This is the mess'" || r=1
screen | grep -qF "sent 9 bytes back to the client" || r=1
ok $r "the chunk lines show (16, 16, 9 bytes, escaped b'...' text)"

wait_for "received 41 B in 3 chunks | sent 41 B in 3 chunks"
ok $? "the Server title counts 41 bytes in 3 chunks each way"

screen | grep -qF "chunk sizes received" && screen | grep -E -q " 16 B .* 2 " &&
	eventually 'screen | grep -E -q " 9 B .* 1 "'
ok $? "the chunk-size histogram shows the exact sizes: 2 chunks of 16 bytes, 1 of 9"

eventually 'screen | grep -E -q "#1 +(←|<-) received 16 bytes"'
ok $? "chunk lines carry the connection number and a direction arrow"

type_line "server status"
wait_for "clients now"
type_line "help"
# The top of the help (the list grew: its last commands are below the first screen).
wait_for "Help: Esc, q or F1 closes" && wait_for "Commands (PATH may be @name"
ok $? "help opens full screen"
keys q
wait_gone "Help: Esc, q or F1 closes"
ok $? "q closes it"
keys Up
wait_for "udscope> help"
ok $? "Up recalls the last command"
keys Up
wait_for "udscope> server status"
ok $? "Up again recalls the one before"
keys C-c
wait_gone "udscope> server status"
[ "$(prompt_line)" = "udscope>" ]
ok $? "Ctrl-C clears the line"

type_line "bogus command"
wait_for "unknown command 'bogus' (try: help)"
ok $? "a bad command shows an error and the console stays"

type_line "quit"
wait_for "EXITED-0"
ok $? "quit leaves with status 0"
[ ! -e "$DIR/s" ]
ok $? "quit removed the socket node"
cmp -s "$DIR/before.stty" "$DIR/after.stty"
ok $? "the terminal modes are what they were before"
type_line 'echo shell-says-$((6*7))'
wait_for "shell-says-42"
ok $? "the shell is usable afterwards"

hist="$DIR/state/udscope/history"
[ -f "$hist" ] && grep -qx "server status" "$hist" && grep -qx "help" "$hist"
ok $? "history was saved in \$XDG_STATE_HOME/udscope/history"
[ "$(stat -c %a "$DIR/state/udscope")" = 700 ]
ok $? "the history directory was created 0700"

start_console
keys Up
wait_for "udscope> quit"
ok $? "history comes back in the next run"
keys C-u
type_line "wait 60"
type_line "sessions"
wait_for "sessions: queued behind the command that waits"
ok $? "a line typed during a wait says it is queued"
keys C-c
wait_for "stopped the command that was waiting"
r=$?
screen | grep -q "no sessions" && r=1
ok $r "Ctrl-C on an empty line stops the wait and drops the queued line"
keys C-c
keys C-d
wait_for "EXITED-0"
ok $? "Ctrl-D on an empty line quits"

finish
