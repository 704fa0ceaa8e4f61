#!/bin/sh
# console-watch-decode: Enter on a chunk a decoding watch saw (curl asking a python3 HTTP
# server, no proxy between them) opens its detail with tshark's full dissection of that
# record (tshark -V) below the hex dump, as a decoding tap's does. Root with BPF only.
. "${UDSCOPE_SRCDIR:-.}/tests/e2e/console-lib.sh"

skip_all() { echo "1..0 # SKIP $1"; exit 0; }
command -v tshark >/dev/null 2>&1 || skip_all "tshark not installed (apt-get install tshark)"
command -v curl >/dev/null 2>&1 || skip_all "curl not installed (apt-get install curl)"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not installed (apt-get install python3)"
[ "$(id -u)" = 0 ] || skip_all "not root: watch loads a BPF program"
probe=$(printf 'watch inode 1\nquit\n' | timeout 60 "$UDSCOPE" -b 2>&1)
case $probe in
*"this build has no watch"*)
	skip_all "this build has no watch (apt-get install clang bpftool libbpf-dev)" ;;
*"no Unix socket has that inode"*) ;;   # loaded, attached, and found nothing
*) skip_all "BPF cannot be loaded here: $(echo "$probe" | head -1)" ;;
esac

start_shell 160 50
start_console
ok $? "the console starts"
# A one-shot HTTP server (python3); curl asks it directly: the watch is no proxy.
python3 -c '
import socket, sys
l = socket.socket(socket.AF_UNIX); l.bind(sys.argv[1]); l.listen(1); l.settimeout(120)
c, _ = l.accept(); req = b""
while b"\r\n\r\n" not in req:
    b = c.recv(4096)
    if not b: break
    req += b
c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi"); c.close()
' "$DIR/web" &
web=$!
eventually '[ -S "$DIR/web" ]'
ok $? "the HTTP server listens"
type_line "watch $DIR/web --decode http"
wait_for "decoding http" 30
ok $? "the watch decodes http"
wait_for "watching " 30
timeout 60 curl -s --unix-socket "$DIR/web" http://localhost/wd >"$DIR/curl.out" 2>&1
wait "$web"
wait_for "HTTP GET /wd HTTP/1.1" 60
ok $? "the watch's chunk line carries tshark's summary"
# Focus the Tap pane (Tab; a watch's lines are there), zoom it, find the GET chunk, open it.
for i in 1 2 3 4 5 6; do
	screen | grep -qF "[Tap]" && break
	keys Tab
	sleep 0.2   # paces the keys only; the loop's condition is what the screen says
done
keys F5
keys -l '/GET /wd HTTP/1.1\r'
keys Enter
wait_for '/GET /wd HTTP/1.1\r'
keys Enter
wait_for "Chunk: "
ok $? "Enter opens the GET chunk"
wait_for "Dissection (tshark -V)"
ok $? "below the hex dump, a dissection heading"
wait_for "Frame 1: " 60
ok $? "the detail shows tshark's full dissection (made off the main thread)"
keys -l "/Hypertext Transfer Protocol"
keys Enter
# The search's own text is on screen too (typed, or "not found: ..."): the dissection's line
# is another.
eventually 'screen | grep -v -e "/Hypertext" -e "not found: " | grep -qF "Hypertext Transfer Protocol"'
ok $? "the dissection names HTTP"
wait_all 15 "Request Method: GET" "Request URI: /wd"
ok $? "with the request's fields (GET /wd), as tshark dissects them"
keys Escape
keys Escape
type_line "quit"
wait_for "EXITED-0" 30
ok $? "quit"
finish
