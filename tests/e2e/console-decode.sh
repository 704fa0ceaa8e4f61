#!/bin/sh
# console-decode: Enter on a chunk of a decoding tap opens its detail with tshark's full
# dissection of that record (tshark -V) below the hex dump, made off the main thread.
. "${UDSCOPE_SRCDIR:-.}/tests/e2e/console-lib.sh"

if ! command -v tshark >/dev/null 2>&1; then
	echo "1..0 # SKIP tshark not installed (apt-get install tshark)"
	exit 0
fi
start_shell 160 50
start_console
ok $? "the console starts"
# A one-shot HTTP server (python3) behind the tap; the client sends its request in one write.
python3 -c '
import socket, sys
l = socket.socket(socket.AF_UNIX); l.bind(sys.argv[1]); l.listen(1)
c, _ = l.accept(); c.recv(4096)
c.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nhi"); c.close()
' "$DIR/web" &
web=$!
eventually '[ -S "$DIR/web" ]'
ok $? "the HTTP server listens"
type_line "tap ./front ./web --decode http"
wait_for "decoding" 30
ok $? "the tap decodes http"
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(b"GET /x HTTP/1.1\r\nHost: a\r\n\r\n"); s.recv(4096)
' "$DIR/front"
wait "$web"
wait_for "HTTP GET /x" 30
ok $? "the chunk line carries tshark's summary"
# Focus the Tap pane (Tab), zoom it, find the chunk and open it.
for i in 1 2 3 4 5 6; do
	screen | grep -qF "[Tap]" && break
	keys Tab
	sleep 0.2   # paces the keys only; the loop's condition is what the screen says
done
keys F5
keys -l "/client->server 28 bytes"
keys Enter
wait_for "/client->server 28 bytes"
keys Enter
wait_for "Chunk: "
ok $? "Enter opens the chunk"
wait_for "Dissection (tshark -V)"
ok $? "below the hex dump, a dissection heading"
wait_for "Frame 1: " 60
ok $? "the detail shows tshark's full dissection (made off the main thread)"
keys -l "/Hypertext Transfer Protocol"
keys Enter
wait_for "Hypertext Transfer Protocol"
ok $? "the dissection names HTTP"
wait_for "Request Method: GET"
ok $? "with the request's fields"
keys Escape
keys Escape
# F3 with the Tap pane focused: the diagram's arrows carry the summaries.
keys F3
wait_for "Sequence: tap #1"
eventually 'screen | grep "28 B " | grep -qF "HTTP GET /x"'
ok $? "the diagram's client->server arrow carries the summary"
eventually 'screen | grep "40 B " | grep -qF "HTTP HTTP/1.0 200 OK"'
ok $? "and the server->client arrow its own"
keys Escape
type_line "quit"
wait_for "EXITED-0" 30
ok $? "quit"
finish
