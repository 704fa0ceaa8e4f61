#!/bin/sh
# console-views: the welcome, the 80x24 walkthrough in the Conversation pane (all six chunk
# lines at once), help full screen (opens, searches, closes, `help CMD`), no row of a view cut
# mid-word, the Messages view, the Report pane, a chunk opened in full (hex dump, joined text),
# and the same at 200x60, where Server and Client get panes of their own.
. "${UDSCOPE_SRCDIR:-.}/tests/e2e/console-lib.sh"

# The words of the screen's rows inside the boxes from the line holding FROM up to the line
# holding TO, one a line.
words_between() {
	screen | sed -n "/$1/,/$2/p" | sed 's/[│┌┐└┘─]//g' | tr -s ' ' '\n' | grep -v '^$'
}

start_shell 80 24
start_console
ok $? "the console starts at 80x24"
wait_for "server start ./uds_socket" && wait_for "inspect ./uds_socket" && wait_for "Welcome"
ok $? "the first screen is a welcome with first commands"

type_line "server start ./uds_socket"
wait_gone "Welcome"
ok $? "the welcome is gone after the first command"
type_line "client ./uds_socket"
wait_for "client      closing socket"
r=0
for side in "server #1" "client   "; do
	for chunk in "16 bytes b'This is the mess'" "16 bytes b'age. It will be '" \
		"9 bytes b'repeated.'"; do
		screen | grep -E -q "$side (←|<-) received $chunk" ||
			{ r=1; echo "# missing: $side $chunk"; }
	done
done
ok $r "80x24: the three chunks the server received and the three the client received, at once"
eventually 'screen | grep -qF "server got 16 B x2  9 B x1  |  client got 16 B x2  9 B x1"'
ok $? "80x24: both sides' exact chunk sizes folded into one line"
eventually "[ \"\$(screen | grep -c '^┌')\" -eq 1 ]"
ok $? "80x24: one pane (Conversation); the empty ones take no room"
wait_for "Server ./uds_socket listening, 0 clients"
ok $? "the title says \"0 clients\""

keys F1
wait_for "[help]" && wait_for "server start PATH"
ok $? "F1 opens the help full screen"
keys Escape
wait_gone "[help]"
ok $? "Esc closes it"
type_line "help disconnect"
wait_for "disconnect [ID]"
eventually 'screen | sed -n 2p | grep -qF "disconnect [ID]"'
ok $? "help disconnect opens at that command (its line at the top)"
keys -l "/linger"
keys Enter
wait_for "/linger  (n next, N previous)"
ok $? "/ searches the help"
keys n
wait_for "/linger  (n next"
ok $? "n finds the next one"
keys q
wait_gone "[help]"
ok $? "q closes it"

keys F4
wait_for "Messages" && wait_for "> server start ./uds_socket" && wait_for "> client ./uds_socket"
ok $? "F4: the Messages view keeps the command echoes"
keys F4
wait_gone "> server start ./uds_socket"
ok $? "F4 again closes it"

type_line "inspect ./uds_socket"
wait_for "Report: inspect ./uds_socket"
ok $? "inspect's lines open in the Report pane, titled with the command"
eventually 'screen | grep -qF "listening: yes"'
ok $? "the Report pane shows them"
type_line "nosuchthing 1"
wait_for "nosuchthing"
eventually '[ "$(screen | grep -c nosuchthing)" -eq 1 ] && screen | tail -n 2 | grep -q nosuchthing'
ok $? "a one-line result goes to the message line"

# Tables from the reports' rows: aligned columns, cut with an ellipsis, sorted, Enter inspects.
type_line "sessions"
wait_for "Report: sessions (2 sessions)"   # the finished client is listed too
ok $? "sessions: a table in the Report pane"
eventually 'screen | grep -E -q "#1 +server +stream +./uds_socket +listening +0"'
ok $? "one row a session, in columns"
type_line "sockets uds_socket"
wait_for "Report: sockets uds_socket ("
console=$(pgrep -P "$(cat "$DIR/shell.pid")" | head -n 1)
ok $? "sockets: a table in the Report pane"
# (A narrow table leaves out the columns that matter least: the heading is state ... path.)
head_col=$(screen | grep -m1 "^│state  .*path" | sed 's/path.*//' | wc -c)
row_col=$(screen | grep -m1 "^│listening .*uds_socket" | sed 's|\./uds_socket.*||' | wc -c)
[ "$head_col" -gt 10 ] && [ "$head_col" = "$row_col" ]
ok $? "the path column starts at the same offset in the heading and the row ($head_col, $row_col)"
# Live: a listener that appears after the command shows within a second or two, untyped. It
# lives until the filter test below is done with it (a deadline, not a duration: a busy
# machine may take long to get there), then it is stopped.
(cd "$DIR" && exec "$UDSCOPE" --batch -e "server start ./uds_socket_late" -e "wait 120" -e quit \
	</dev/null >/dev/null 2>&1) &
late=$!   # the subshell execs udscope: this is its pid
wait_for "pid $late (udscope)" 10
ok $? "the sockets table refreshes by itself (a listener started later shows)"
keys F5
wait_for "[table]"
keys s
wait_for "sorted by state"
ok $? "s sorts by the next column"
keys S
wait_for "sorted by state, descending"
ok $? "S sorts the other way"
keys Right
wait_gone "│state "
eventually 'screen | grep -qE "^│(type|inode|peer|recv-q|send-q|path) "'
ok $? "Right scrolls the first column out to the left"
keys Left
wait_for "│state "
ok $? "Left brings it back"
keys f
keys -l "_late"
wait_for "Report: sockets \"_late\"" && wait_for "pid $late (udscope)"
r=$?
screen | grep -q "pid $console (udscope)" && r=1
ok $r "f filters as you type: only the late listener is left"
kill "$late" 2>/dev/null
wait "$late" 2>/dev/null
keys Enter
keys f
keys -l "uds_socket"
wait_for "Report: sockets \"uds_socket\" ("
keys Enter
keys -l "/listening"
keys Enter
wait_for "/listening  (n next"
keys Enter
wait_for "Report: inspect \"./uds_socket\""
ok $? "Enter on the listener's row inspects it"

# Zoom the Conversation, pick the client's first chunk, open it in full.
keys Tab
keys F5
wait_for "[log]"
ok $? "F5 zooms the focused pane to the whole screen"
keys -l "/received 16 bytes b'age"
keys Enter
wait_for "/received 16 bytes b'age"
keys Enter
wait_for "Chunk: "
wait_for "00000000  61 67 65 2e 20 49 74 20  77 69 6c 6c 20 62 65 20  |age. It will be |"
ok $? "Enter on a chunk line: the hex dump, 16 bytes a row with its offset and text"
wait_for "This is the message. It will be repeated."
ok $? "and everything the connection received, joined as text"
keys Escape
wait_for "[log]"
ok $? "Esc goes back to the zoomed pane"
keys F5
wait_gone "[log]"
ok $? "F5 again unzooms"

# F3: the client and the server as a sequence diagram: two lifelines, an arrow each way.
keys F3
wait_for "[diagram]" && wait_for "client" && wait_for "server"
ok $? "F3 opens the sequence diagram"
keys Home
wait_for "|-------"
ok $? "the client's message is an arrow to the server"
wait_for "41 B b'This is the message. It will"
ok $? "labelled with its size and bytes"
keys End
wait_for "<-------"
ok $? "the echoes are arrows back to the client"
keys F3
wait_gone "[diagram]"
ok $? "F3 again closes it"

# No row cut mid-word: the help's commands, at the width of 80x24, read word for word as the
# batch help does. 80x100: the whole list in one screen.
timeout -k 5 60 "$UDSCOPE" --batch -e help | sed 1d | tr -s ' ' '\n' | grep -v '^$' >"$DIR/help.words"
$TMUX_CMD resize-window -x 80 -y 100
keys F1
wait_for "Keys"
words_between "Commands (PATH" "^│Keys" | sed '1,/namespace)/d' | grep -v '^Keys$' \
	>"$DIR/screen.words"
cmp -s "$DIR/help.words" "$DIR/screen.words"
ok $? "80 columns: every word of the help whole (no row wrapped mid-word)"
diff "$DIR/help.words" "$DIR/screen.words" | head -n 5 | sed 's/^/# /'
keys q

$TMUX_CMD resize-window -x 200 -y 60
type_line "client ./uds_socket"
wait_for "Client ./uds_socket closed | received 41 B in 3 chunks"
ok $? "200x60: the Client pane has its own long title"
# The server's title counts its echo a moment after the client's closes: both waited for.
eventually 'screen | grep -q "^┌─ Server ./uds_socket listening, 0 clients, got 82 B in 6 chunks"' &&
	eventually 'screen | grep -q "┐┌─ Report: inspect"'
ok $? "200x60: Server and Client panes on the left, the Report pane on the right"
eventually 'screen | grep -qF "chunk sizes received (bytes: chunks)"'
ok $? "200x60: the server's histogram has room for bars"
keys F1
wait_for "[help]"
eventually 'screen | grep -E -q "server stop \[PATH\|ID\] +stop a server"'
ok $? "200x60: the help puts a command's help on its usage line"
timeout -k 5 60 "$UDSCOPE" --batch -e help | sed 1d | tr -s ' ' '\n' | grep -v '^$' >"$DIR/help.words"
words_between "Commands (PATH" "^│Keys" | sed '1,/namespace)/d' | grep -v '^Keys$' \
	>"$DIR/screen.words"
cmp -s "$DIR/help.words" "$DIR/screen.words"
ok $? "200x60: every word of the help whole"
keys q

type_line "quit"
wait_for "EXITED-0"
ok $? "quit"
finish
