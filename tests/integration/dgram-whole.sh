#!/bin/sh
# dgram-whole.sh: a datagram server and client receive whole messages unless --chunk N asks
# for a cut: a syslog line from logger(1), python3 datagrams up to 200,000 bytes echoed byte
# for byte, the client's echo of a 22-byte message; and the cut (and the echo's length) when
# --chunk is given.
set -u
NAME=dgram-whole
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"
PY="$S/dgram_whole.py"

command -v python3 >/dev/null 2>&1 || skip_all 12 "python3 not installed (apt-get install python3)"
echo "1..12"

srv=""
serve() { # serve NAME [OPTS]: a udscope batch datagram server in the background
	"$U" -b -e "server start $D/$1 --type dgram ${2:-}" </dev/null >"$D/srv.out" 2>"$D/srv.err" &
	srv=$!
	peers="$peers $srv"
	wait_for test -S "$D/$1"
}
unserve() { kill -TERM "$srv" 2>/dev/null; wait "$srv" 2>/dev/null; srv=""; }
has() { grep -qF -- "$1" "$D/srv.out"; }
bounded() { timeout -k 5 "${UDSCOPE_TEST_WAIT:-20}" "$@"; }

# 1-2: logger(1) writes a syslog line to the socket; its text arrives whole.
serve d
if command -v logger >/dev/null 2>&1; then
	bounded logger -u "$D/d" "a syslog line from logger, longer than sixteen bytes" 2>"$D/err"
	wait_for has "a syslog line from logger"
	check "logger -u: the syslog line arrives whole" \
		grep -qE "server: received [0-9]+ bytes b'<[0-9]+>.*a syslog line from logger, longer than sixteen bytes'" "$D/srv.out"
	check "nothing was discarded" sh -c "! grep -qF 'message truncated' '$D/srv.out'"
else
	echo "ok 1 # SKIP logger not installed (apt-get install bsdutils)"
	echo "ok 2 # SKIP logger not installed (apt-get install bsdutils)"
	n=2
fi

# 3-5: python3 datagrams of 43 and 200,000 bytes: received whole, echoed byte for byte.
bounded python3 "$PY" send "$D/d" 43 "$D/p43" >"$D/out" 2>"$D/err"
check "43 bytes: the echo is the whole datagram" grep -qx "echo 43 same" "$D/out"
check "the server says 43 bytes received whole" has "server: received 43 bytes b'The whole datagram, every byte of it: The w' from $D/p43"
bounded python3 "$PY" send "$D/d" 200000 "$D/pbig" >"$D/out" 2>"$D/err"
check "200,000 bytes: received and echoed whole" sh -c "
	grep -qx 'echo 200000 same' '$D/out' && grep -qF 'server: received 200000 bytes' '$D/srv.out'"

# 6: the one-shot client's 22-byte message comes back whole: exit 0.
bounded "$U" -b -e "client $D/d 'twenty-two bytes long!' --type dgram" </dev/null >"$D/out" 2>"$D/err"
rc=$?
check "client: a 22-byte echo, exit 0 (was 'short echo')" sh -c "
	[ $rc -eq 0 ] && grep -qF \"client: received 22 bytes b'twenty-two bytes long!'\" '$D/out'"

# 7: the walkthrough's message (41 bytes) with the client's own default: whole, exit 0.
bounded "$U" -b -e "client $D/d --type dgram" </dev/null >"$D/out" 2>"$D/err"
rc=$?
check "client: the 41-byte message whole, exit 0" sh -c "
	[ $rc -eq 0 ] && grep -qF 'client: received 41 bytes' '$D/out'"

# 8: --chunk on the client still cuts the echo (the tour's lesson), and says so.
bounded "$U" -b -e "client $D/d --type dgram --chunk 16" </dev/null >"$D/out" 2>"$D/err"
rc=$?
check "client --chunk 16: 16 of 41 bytes, 25 discarded, exit 1" sh -c "[ $rc -eq 1 ] &&
	grep -qF \"client: received 16 of 41 bytes (message truncated: 25 bytes discarded) b'This is the mess'\" '$D/out'"
unserve

# 9-11: a server asked for --chunk 16 cuts, and echoes exactly what arrived (16 bytes).
serve c "--chunk 16"
bounded python3 "$PY" send "$D/c" 43 "$D/q43" >"$D/out" 2>"$D/err"
wait_for has "of 43 bytes"
check "server --chunk 16: 16 of 43 bytes, 27 discarded" \
	has "server: received 16 of 43 bytes (message truncated: 27 bytes discarded) b'The whole datagr'"
check "the echo is the 16 bytes that arrived, not 43" grep -qx "echo 16 same" "$D/out"
check "the server says it sent 16 bytes back" has "server: sent 16 bytes back to $D/q43"
unserve

# 12: server status says how the server receives (whole datagrams by default).
"$U" -b -e "server start $D/st --type dgram" -e "server status" -e quit </dev/null >"$D/out" 2>"$D/err"
check "server status: whole datagrams" grep -qF "(whole datagrams, dgram)" "$D/out"
