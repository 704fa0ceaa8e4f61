#!/bin/sh
# console-save: `save FILE` writes the zoomed view exactly as the screen shows it (all of it)
# at 80x24, 120x40 and 200x60, refuses an existing file without --force, --json writes every
# session's events as JSON lines numbered from 1; `log ID` and Enter on a Sessions row open one
# session's lines; the tour's map shows at 80x24 without F5; the Server title is whole at
# 120x40; F3 on a tap draws its connection; NO_COLOR emits no colour, 256 colours a richer one.
. "${UDSCOPE_SRCDIR:-.}/tests/e2e/console-lib.sh"

# The rows inside the full-screen box (borders and trailing blanks off, leading empty rows
# dropped): what the zoomed view shows.
box_rows() {
	screen | sed '1d' | sed '/^└/,$d' | sed 's/^│//; s/│$//; s/ *$//' | sed '/./,$!d'
}

# wait_file FILE: until FILE exists (5 s at most).
wait_file() {
	i=0
	while [ ! -e "$1" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	[ -e "$1" ]
}

# The walkthrough, zoomed, saved and compared with the screen, at COLS x ROWS.
saved_is_shown() {
	start_shell "$1" "$2"
	start_console
	type_line "server start ./uds_socket"
	wait_for "waiting for a connection"
	type_line "client ./uds_socket"
	wait_for "closing socket"
	sleep 0.3   # the last lines land
	keys F5
	wait_for "zoomed:"
	keys ':'
	type_line "save view-$1.txt"
	wait_for "save view-$1.txt: wrote"
	ok $? "$1x$2: save from the zoomed view says what it wrote"
	box_rows >"$DIR/shown-$1.txt"
	n=$(wc -l <"$DIR/shown-$1.txt")
	[ "$n" -gt 5 ] && tail -n "$n" "$DIR/view-$1.txt" | cmp -s - "$DIR/shown-$1.txt"
	ok $? "$1x$2: the file holds exactly the rows the zoomed view shows ($n rows)"
	! grep -q "$(printf '\033')" "$DIR/view-$1.txt"
	ok $? "$1x$2: no escape sequence in the file"
}

saved_is_shown 80 24
keys ':'
type_line "save view-80.txt"
wait_for "save view-80.txt (--force replaces it): File exists (EEXIST)"
ok $? "80x24: an existing file is refused with one line naming it and EEXIST"
cp "$DIR/view-80.txt" "$DIR/copy.txt"
keys ':'
type_line "save view-80.txt --force"
wait_for "save view-80.txt --force"
wait_for "save view-80.txt: wrote"
ok $? "80x24: --force replaces it"
# No row wrapped mid-word: the same view saved at 200 columns, where no line wraps, has the
# same words.
$TMUX_CMD resize-window -x 200 -y 60
keys ':'
type_line "save wide.txt"
wait_for "save wide.txt: wrote"
tr -s ' ' '\n' <"$DIR/view-80.txt" | grep -v '^$' >"$DIR/narrow.words"
tr -s ' ' '\n' <"$DIR/wide.txt" | grep -v '^$' >"$DIR/wide.words"
[ "$(wc -l <"$DIR/view-80.txt")" -gt "$(wc -l <"$DIR/wide.txt")" ] &&
	cmp -s "$DIR/narrow.words" "$DIR/wide.words"
ok $? "80x24: lines wrapped at 80 columns keep every word whole (as saved at 200)"
diff "$DIR/narrow.words" "$DIR/wide.words" | head -n 5 | sed 's/^/# /'
$TMUX_CMD resize-window -x 80 -y 24
keys Escape
wait_gone "zoomed:"
type_line "save events.json --json"
wait_for "save events.json: wrote"
wait_file "$DIR/events.json"
python3 - "$DIR/events.json" <<'PY'
import json, sys
ids = set()
seqs = []
for line in open(sys.argv[1]):
    ev = json.loads(line)
    ids.add(ev.get("session", 0))
    seqs.append(ev["seq"])
sys.exit(0 if len(seqs) >= 5 and {1, 2} <= ids and seqs == list(range(1, len(seqs) + 1))
         else 1)
PY
ok $? "80x24: save --json writes every session's events (server and client), seq 1, 2, 3..."

# log ID: the server's lines alone; Esc goes back.
type_line "log 1"
wait_for "Log of session #1 (server ./uds_socket)"
ok $? "80x24: log 1 opens the server's lines full screen"
screen | grep -q "connection from pid" && ! screen | grep -q "connecting to ./uds_socket"
ok $? "80x24: they are the server's lines, not the client's"
keys Escape
wait_gone "Log of session #1"
ok $? "80x24: Esc closes it"
type_line "log 99"
wait_for "log #99: no line of this session is held"
ok $? "80x24: log of an unknown id says so"
# Enter on a row of the Sessions table opens that session's log (the finished client is
# freed: the server's is the one row).
type_line "sessions"
wait_for "Report: sessions"
keys F5
wait_for "zoomed:"
keys Down
keys Enter
wait_for "Log of session #1 (server ./uds_socket)"
ok $? "80x24: Enter on a Sessions row opens that session's log"
keys Escape
type_line "quit"
wait_for "EXITED-0"
ok $? "80x24: the console leaves cleanly"
new_server

saved_is_shown 120 40
keys Escape
wait_gone "zoomed:"
# With a report beside it, the Server pane is half as wide: its title still whole.
type_line "map"
wait_for "Report: map"
eventually 'screen | head -n 1 | grep -q "^┌─ Server ./uds_socket listening, 0 clients[^─]* ─"'
ok $? "120x40: the Server pane's title is whole beside a report"
type_line "quit"
wait_for "EXITED-0"
new_server

saved_is_shown 200 60
type_line "quit"
wait_for "EXITED-0"
new_server

# The tour's delivery map at 80x24, with no key but Enter: the quiet Conversation gives room.
start_shell 80 24
start_console
type_line "demo"
wait_for "demo 1/9"
keys Enter
wait_for "demo 2/9"
keys Enter
wait_for "demo 3/9"
wait_for "server received [0-15----------][16-31---------][32-40--]"
ok $? "80x24: the tour's map shows without F5"
eventually 'screen | grep -qF "client sent     [0-40-----------------------------------]"'
ok $? "80x24: both rows of the map"
keys Escape
wait_for "demo: the tour"
# A tap: F3 with the Tap pane focused draws its connection, an arrow per chunk.
type_line "server start ./srv"
wait_for "waiting for a connection"
type_line "tap ./front ./srv"
wait_for "Tap:"
type_line "client ./front"
wait_for "connection closed (client->server 41 bytes"
i=0
while ! screen | grep -qF "[Tap]" && [ $i -lt 6 ]; do keys Tab; sleep 0.2; i=$((i + 1)); done
eventually 'screen | grep -qF "→ client->server 41 bytes" && screen | grep -qF "← server->client "'
ok $? "80x24: the Tap pane's arrows point the way each chunk went"
keys F3
wait_for "Sequence: tap #"
ok $? "80x24: F3 on the Tap pane opens the tap's sequence diagram"
eventually 'screen | grep -q -- "|---*>|" && screen | grep -q -- "|<---*|"'
ok $? "80x24: an arrow each way, client to server and back"
wait_for "41 B b'This is the message. It will"
ok $? "80x24: each arrow says the chunk's size and bytes"
keys Escape
type_line "quit"
wait_for "EXITED-0"
new_server

# Colours: a 256-colour terminal gets the richer palette; NO_COLOR none at all.
colors_shown() { # colors_shown ENV: the client's lines, captured with their attributes
	CONSOLE_ENV="$1" start_shell 80 24
	start_console
	type_line "server start ./c.sock"
	wait_for "waiting for a connection"
	type_line "client ./c.sock"
	wait_for "closing socket"
	$TMUX_CMD capture-pane -e -p >"$DIR/colors.ans"
	type_line "quit"
	wait_for "EXITED-0"
	new_server
}
colors_shown "TERM=screen-256color"
grep -q "$(printf '\033')\[[0-9;]*38;5;" "$DIR/colors.ans"
ok $? "256 colours: the chunk lines use the richer palette"
colors_shown "TERM=screen-256color NO_COLOR=1"
# A colour is SGR 30-38, 40-48, 90-97 or 100-107 (39 and 49, the defaults, are not).
! grep -E -q "$(printf '\033')\[([0-9]*;)*(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;[0-9]*)*m" \
	"$DIR/colors.ans"
ok $? "NO_COLOR: no colour SGR at all"
grep -q "received 16 bytes" "$DIR/colors.ans"
ok $? "NO_COLOR: the lines are there"
finish
