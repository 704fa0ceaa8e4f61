#!/bin/sh
# chunk.sh: `server chunk N` and `chunk N` change the receive size of a running server and a
# connection from their next recv on, as the delivery map of the connection shows; bad sizes
# and a missing connection are refused with one line each.
set -u
NAME=chunk
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"
echo "1..5"
M='"This is the message. It will be repeated."'

# 16-byte recvs on both ends, then 4096 on both: the second message is one recv each way.
"$U" -b -e "server start $D/s" -e "connect $D/s" -e "send $M" -e 'expect "repeated."' \
	-e 'server chunk 4096' -e 'chunk 4096' -e "send $M" -e 'expect "repeated."' \
	-e disconnect -e 'map' -e quit </dev/null >"$D/out" 2>"$D/err"; rc=$?
check "exit 0" [ "$rc" -eq 0 ]
check "both say the new size and the old one" sh -c "
	grep -qx 'server: #1 now receives at most 4096 bytes a recv (was 16), from its next recv on' '$D/out' &&
	grep -qx 'client: #2 now receives at most 4096 bytes a recv (was 16), from its next recv on' '$D/out'"
check "the map: the second send read in one recv, both ways" sh -c "
	grep -qx 'client sent 41 + 41; server received 16 + 16 + 9 + 41' '$D/out' &&
	grep -qx 'server sent 16 + 16 + 9 + 41; client received 16 + 16 + 9 + 41' '$D/out'"

"$U" -b -e "server start $D/t" -e 'server chunk 0' -e "server chunk 2097152 $D/t" \
	-e 'server chunk 8 7' -e quit </dev/null >"$D/out" 2>"$D/err"; rc=$?
check "sizes out of range and a server not running are refused" sh -c "[ $rc -eq 1 ] &&
	grep -q 'server chunk 0: not a receive size (1 to 1048576 bytes)' '$D/out' '$D/err' &&
	grep -q 'server chunk 2097152: not a receive size' '$D/out' '$D/err' &&
	grep -q 'server chunk 7: no such server' '$D/out' '$D/err'"
"$U" -b -e 'chunk 8' </dev/null >"$D/out" 2>"$D/err"; rc=$?
check "chunk without a connection says so" sh -c "[ $rc -eq 1 ] &&
	grep -qx 'udscope: chunk: no connection is running (connect PATH first)' '$D/out' '$D/err'"
