#!/bin/sh
# decode: tap --decode (and the guess from a socket's name) shows what tshark's dissectors
# make of each chunk: curl to a python3 HTTP server (GET /x, 200 OK, in lines and JSON), a
# PostgreSQL startup and simple query, a RESP command, a D-Bus call through a real
# dbus-daemon; a flood of 100,000 chunks counts what was skipped for decoding; no tshark
# outlives quit or SIGKILL of udscope; without tshark --decode says it is needed.
set -u
NAME=decode
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"
. "$S/tapcmd-lib.sh"

T=16
command -v python3 >/dev/null 2>&1 || skip_all $T "python3 not installed (apt-get install python3)"
echo "1..$T"
P="$S/decode_peers.py"
notsh="tshark not installed (apt-get install tshark)"
has_tshark() { command -v tshark >/dev/null 2>&1; }
bg_peer() { python3 "$P" "$@" & peers="$peers $!"; }
decoded() { grep -q "decoded chunk [0-9]*: $1" "$D/out"; }
# tshark_of PID: the tshark child of udscope PID
tshark_of() { pgrep -P "$1" -x tshark; }
gone() { # gone PID: a tshark was found, and it ended (or is a zombie waiting for init)
	[ -n "$1" ] || return 1
	! kill -0 "$1" 2>/dev/null || grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null
}

# without tshark, --decode says in one line what is needed, and the tap still runs.
mkdir "$D/bin"
for p in python3 perl; do ln -s "$(command -v $p)" "$D/bin/$p"; done
peer web http
PATH="$D/bin" "$U" -b -e "tap $D/front0 $D/web --decode http" -e "tap status" \
	-e "help decode" -e quit </dev/null >"$D/out" 2>"$D/err"
check "without tshark: --decode says tshark is needed and the tap runs" sh -c \
	"grep -q 'needs tshark, which is not installed (apt-get install tshark)' '$D/out' &&
	 grep -q 'starting up on $D/front0' '$D/out'"
check "without tshark: help decode lists the protocols and says tshark is missing" sh -c \
	"grep -q 'PostgreSQL .*--decode pgsql' '$D/out' &&
	 grep -q 'tshark is not installed (apt-get install tshark)' '$D/out'"

if ! has_tshark; then
	i=3; while [ $i -le $T ]; do skip "$notsh"; i=$((i + 1)); done
	exit 0
fi

"$U" -b -e "help decode" </dev/null >"$D/out" 2>"$D/err"
check "help decode: how the installed tshark calls each protocol" sh -c \
	"grep -q 'PostgreSQL .*--decode pgsql .*tcp.port table, value 5432' '$D/out' &&
	 grep -q 'D-Bus .*--decode dbus ' '$D/out'"

# HTTP, by --decode http: the request and the answer, as lines and as JSON.
if command -v curl >/dev/null 2>&1; then
	start_udscope
	say "tap $D/front $D/web --decode http"
	wait_for test -S "$D/front"
	curl -s --unix-socket "$D/front" http://uds/x >"$D/body" 2>"$D/cerr"
	wait_for decoded "HTTP HTTP/1.0 200 OK"
	check "http: the request is decoded (GET /x)" decoded "HTTP GET /x HTTP/1.1"
	check "http: the answer is decoded (200 OK)" decoded "HTTP HTTP/1.0 200 OK"
	finish
	cp "$D/out" "$D/out.http"
	"$U" -b --json -e "tap $D/front2 $D/web --decode http" -e "tap status" </dev/null \
		>"$D/out" 2>"$D/err" &
	jpid=$!
	wait_for test -S "$D/front2"
	curl -s --unix-socket "$D/front2" http://uds/x >"$D/body" 2>"$D/cerr"
	wait_for grep -q '"protocol":"HTTP","info":"HTTP/1.0 200 OK' "$D/out"
	kill -TERM $jpid; wait $jpid
	check "http --json: the chunk has its number, the summary names it" sh -c \
		"grep -q '\"direction\":\"client->server\".*\"chunk\":1' '$D/out' &&
		 grep -q '\"decoded\":{\"chunk\":1,\"protocol\":\"HTTP\",\"info\":\"GET /x HTTP/1.1\"}' '$D/out'"
else
	skip "curl not installed (apt-get install curl)"
	skip "curl not installed (apt-get install curl)"
	skip "curl not installed (apt-get install curl)"
fi
stop_peers

# PostgreSQL, guessed from the name .s.PGSQL.5432: the query's text.
bg_peer pg-server "$D/pgreal"
wait_for test -S "$D/pgreal"
start_udscope
say "tap $D/.s.PGSQL.5432 $D/pgreal"
wait_for test -S "$D/.s.PGSQL.5432"
python3 "$P" pg-client "$D/.s.PGSQL.5432" >"$D/py" 2>&1
wait_for decoded "PGSQL >X"
finish
check "pgsql: guessed from the socket's name, and said so" \
	grep -q "decoding pgsql with tshark.*guessed from the name $D/.s.PGSQL.5432" "$D/out"
check "pgsql: the simple query's text is shown" decoded "PGSQL >Q SELECT 42"

# RESP, guessed from redis.sock.
bg_peer resp-server "$D/rreal"
wait_for test -S "$D/rreal"
start_udscope
say "tap $D/redis.sock $D/rreal"
wait_for test -S "$D/redis.sock"
python3 "$P" resp-client "$D/redis.sock" >"$D/py" 2>&1
wait_for decoded "RESP Response: OK"
finish
check "resp: the command is shown" decoded "RESP Request: SET greeting hello"

# D-Bus through a real dbus-daemon: the Hello method call, guessed from the name bus.
if command -v dbus-daemon >/dev/null 2>&1 && command -v dbus-send >/dev/null 2>&1; then
	dbus-daemon --session --address="unix:path=$D/realbus" --nofork >/dev/null 2>&1 &
	peers="$peers $!"
	wait_for test -S "$D/realbus"
	start_udscope
	say "tap $D/bus $D/realbus"
	wait_for test -S "$D/bus"
	timeout 20 dbus-send --bus="unix:path=$D/bus" --print-reply --dest=org.freedesktop.DBus \
		/org/freedesktop/DBus org.freedesktop.DBus.GetId >"$D/py" 2>&1
	wait_for decoded "D-Bus GetId()"
	finish
	check "dbus: the Hello method call is shown" decoded "D-Bus Hello() @ /org/freedesktop/DBus"
else
	skip "dbus-daemon or dbus-send not installed (apt-get install dbus-daemon dbus-bin)"
fi
stop_peers

# syslog over a datagram tap, guessed from the name log.
bg_peer dgram-sink "$D/reallog"
wait_for test -S "$D/reallog"
start_udscope
say "tap $D/log $D/reallog --type dgram"
wait_for test -S "$D/log"
python3 "$P" syslog "$D/log" >"$D/py" 2>&1
wait_for decoded "Syslog"
finish
check "syslog (datagrams): the message is shown" decoded "Syslog USER.NOTICE: .* app: hello syslog"

# A flood of 100,000 chunks: every one forwarded, the skipped count shown, and no
# tshark left after quit.
N=${UDSCOPE_TEST_FLOOD_CHUNKS:-100000}
bg_peer sink "$D/fs"
wait_for test -S "$D/fs"
start_udscope
say "tap $D/fa $D/fs --type seqpacket --decode data"
wait_for test -S "$D/fa"
wait_for tshark_of $upid >"$D/tpid"
tpid=$(head -1 "$D/tpid")
python3 "$P" flood "$D/fa" "$N" >"$D/py" 2>&1
wait_for grep -q "connection closed (client->server $((N * 32)) bytes" "$D/out"
say "tap status"
wait_for grep -q "#1 decoding (tshark, data): [0-9]* of $N chunks decoded, [0-9]* skipped" "$D/out"
finish
check "flood: every chunk forwarded" grep -q "client->server $((N * 32)) bytes in $N chunks" "$D/out"
check "flood: tap status and the stop line count the chunks skipped for decoding" sh -c \
	"grep -q '#1 decoding (tshark, data): [0-9]* of $N chunks decoded, [0-9]* skipped' '$D/out' &&
	 grep -q '^tap: decoding (tshark, data): [0-9]* of $N chunks decoded, [0-9]* skipped' '$D/out'"
check "flood: no tshark after quit" wait_for gone "$tpid"
grep "^tap: decoding (tshark" "$D/out" | sed 's/^/# /'
stop_peers

# SIGKILL of udscope: its tshark ends too (PR_SET_PDEATHSIG), and SIGTERM ends it.
peer web2 http
start_udscope
say "tap $D/front3 $D/web2 --decode http"
wait_for test -S "$D/front3"
wait_for tshark_of $upid >"$D/tpid"
tpid=$(head -1 "$D/tpid")
kill -KILL $upid
wait $upid 2>/dev/null
exec 3>&-
check "SIGKILL of udscope: no tshark remains" wait_for gone "$tpid"
rm -f "$D/front3"
start_udscope
say "tap $D/front4 $D/web2 --decode http"
wait_for test -S "$D/front4"
wait_for tshark_of $upid >"$D/tpid"
tpid=$(head -1 "$D/tpid")
kill -TERM $upid
wait $upid
exec 3>&-
check "SIGTERM of udscope: its tshark is ended and waited for" sh -c \
	"[ -n '$tpid' ] && ! kill -0 '$tpid' 2>/dev/null && grep -q 'decoding (tshark, http)' '$D/out'"
