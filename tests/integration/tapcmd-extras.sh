#!/bin/sh
# tapcmd-extras: the tap's capture file (curl through the tap to a python3 HTTP server, then
# tshark reads the request and the response from the pcap with no plugin) and the tap in
# place (a live server's node moved aside and always put back: at stop, after SIGKILL of
# udscope by its guard, and by hand with --restore).
set -u
NAME=tapcmd-extras
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"

command -v python3 >/dev/null 2>&1 || skip_all 11 "python3 not installed (apt-get install python3)"
echo "1..11"
ino() { stat -c %i "$1" 2>/dev/null; }
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
stop() { # stop PID SIGNAL: signal it and wait for it to end (killed after the deadline)
	kill -"$2" "$1" 2>/dev/null
	wait_for sh -c "! kill -0 $1 2>/dev/null" || kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# 1-3: --pcap with the http dissector.
peer web http
"$U" -b -e "tap $D/front $D/web --pcap $D/cap.pcap --dissector http" </dev/null \
	>"$D/tout" 2>&1 &
tpid=$!
wait_for test -S "$D/front"
if command -v curl >/dev/null 2>&1; then
	curl -s --unix-socket "$D/front" http://uds/hello >"$D/body" 2>"$D/cerr"
	check "curl through the tap gets the page" grep -q "hello from uds" "$D/body"
else
	skip "curl not installed (apt-get install curl)"
fi
stop $tpid TERM
if command -v tshark >/dev/null 2>&1 && command -v curl >/dev/null 2>&1; then
	HOME=$D tshark -n -r "$D/cap.pcap" -T fields -e http.request.method -e http.request.uri \
		-e http.response.code 2>/dev/null >"$D/tshark"
	check "tshark reads the request from the pcap" grep -qP '^GET\t/hello\t$' "$D/tshark"
	check "tshark reads the response from the pcap" grep -qP '^\t\t200$' "$D/tshark"
else
	skip "tshark or curl not installed (apt-get install tshark curl)"
	skip "tshark or curl not installed (apt-get install tshark curl)"
fi

# 4: a capture is never written over.
echo keep >"$D/old.pcap"
"$U" -b -e "tap $D/f2 $D/web --pcap $D/old.pcap" </dev/null >"$D/out" 2>"$D/err"
check "--pcap refuses an existing file and keeps it" sh -c \
	"grep -q 'the file exists' '$D/err' && [ \"\$(cat '$D/old.pcap')\" = keep ] && [ ! -e '$D/f2' ]"
stop_peers

# 5-7: in place, stopped cleanly.
peer svc http
before=$(ino "$D/svc")
"$U" -b -e "tap $D/svc --in-place" </dev/null >"$D/tout" 2>&1 &
tpid=$!
wait_for sh -c "[ \"\$(stat -c %i '$D/svc')\" != '$before' ]"   # swapped in: the tap listens at svc
curl -s --unix-socket "$D/svc" http://uds/x >"$D/body" 2>/dev/null
check "in place: clients still reach the server, through the tap" sh -c \
	"grep -q 'hello from uds' '$D/body' && grep -q 'client->server' '$D/tout' && [ \"\$(stat -c %i '$D/svc')\" != '$before' ]"
stop $tpid TERM
check "in place: at stop the server's node is back" sh -c \
	"[ \"\$(stat -c %i '$D/svc')\" = '$before' ] && [ ! -e '$D/.svc.udscope-tap' ] && grep -q 'put the server.s node back' '$D/tout'"
curl -s --unix-socket "$D/svc" http://uds/y >"$D/body" 2>/dev/null
check "in place: afterwards clients reach the server directly" grep -q "hello from uds" "$D/body"

# 8-9: in place, udscope killed: the guard puts the node back.
"$U" -b -e "tap $D/svc --in-place" </dev/null >"$D/tout" 2>&1 &
tpid=$!
wait_for sh -c "[ \"\$(stat -c %i '$D/svc')\" != '$before' ]"   # swapped in: the tap listens at svc
kill -KILL $tpid
wait $tpid 2>/dev/null
# The guard puts the node back, then removes its private directory.
wait_for sh -c "[ \"\$(stat -c %i '$D/svc')\" = '$before' ] && [ ! -e '$D/.svc.udscope-tap' ]"
check "in place: after SIGKILL the guard puts the node back" sh -c \
	"[ \"\$(stat -c %i '$D/svc')\" = '$before' ] && [ ! -e '$D/.svc.udscope-tap' ]"
curl -s --unix-socket "$D/svc" http://uds/z >"$D/body" 2>/dev/null
check "in place: and clients reach the server directly" grep -q "hello from uds" "$D/body"
stop_peers

# 10: refused when nothing listens; 11: --restore puts a leftover back by hand.
: >"$D/plain"
"$U" -b -e "tap $D/plain --in-place" </dev/null >"$D/out" 2>"$D/err"
check "in place: a path with no server is refused, left as it was" sh -c \
	"grep -q 'no server listens there' '$D/err' && [ -f '$D/plain' ] && [ ! -e '$D/.plain.udscope-tap' ]"
peer .lost.udscope-tap http
"$U" -b -e "tap $D/lost --restore" </dev/null >"$D/out" 2>"$D/err"
curl -s --unix-socket "$D/lost" http://uds/r >"$D/body" 2>/dev/null
check "--restore puts the node back by hand" sh -c \
	"grep -q 'hello from uds' '$D/body' && [ ! -e '$D/.lost.udscope-tap' ]"
stop_peers
