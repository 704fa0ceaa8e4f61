#!/bin/sh
# plurals.sh: one of a thing is said in the singular ("1 byte", "1 chunk", "1 connection",
# "1 datagram", "1 echo") wherever udscope counts: the sessions report, server status and the
# lines a stopped server and tap leave (issue 26).
set -u
NAME=plurals
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"
echo "1..5"
W=${UDSCOPE_TEST_WAIT:-20}
timeout -k 5 "$W" "$U" -b -e "server start $D/p.sock" -e "client $D/p.sock x" -e sessions \
	-e "server status" -e "server stop" -e "server start $D/d.sock --type dgram" \
	-e "client $D/d.sock x --type dgram" -e "server stop" \
	-e "tap $D/t.sock $D/q.sock" -e "tap stop" -e quit </dev/null >"$D/out" 2>"$D/err"
singular() { ! grep -E "(^|[^0-9])1 (bytes|chunks|connections|datagrams|echoes)\b" "$1"; }
check "sessions: in 1 byte/1 chunk" grep -qF "in 1 byte/1 chunk, out 1 byte/1 chunk" "$D/out"
check "server status: 1 byte in 1 chunk" grep -qF "received 1 byte in 1 chunk, sent 1 byte in 1 chunk" "$D/out"
check "a stopped stream server: after 1 connection" \
	grep -qF "stopped after 1 connection: received 1 byte in 1 chunk" "$D/out"
check "a stopped datagram server: 1 byte in 1 datagram" \
	grep -qF "stopped: received 1 byte in 1 datagram, sent 1 byte in 1 datagram" "$D/out"
check "no '1 bytes', '1 chunks', '1 connections', '1 datagrams' anywhere" singular "$D/out"
