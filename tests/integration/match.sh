#!/bin/sh
# match.sh: when udscope is both ends, every one-shot client's connection is joined with the
# server's end in the delivery map and the diagram, however quickly the client came and went
# (stream and seqpacket; a datagram server has no connection to join).
set -u
NAME=match
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"
echo "1..6"
N=30

run() { # run PATH TYPE COUNT SESSIONS...: a server, COUNT one-shot clients, the server
	# stopped, then the map and diagram of each of SESSIONS; the batch's lines in $D/out
	path=$1 type=$2 count=$3
	shift 3
	set -- "$@" END
	set -- "$@" -b -e "server start $path --type $type"
	i=1
	while [ "$i" -le "$count" ]; do
		set -- "$@" -e "client $path \"message $i\" --type $type"
		i=$((i + 1))
	done
	# Stopped first, so that its last lines (sent when its thread next polls) are all in.
	set -- "$@" -e "server stop"
	while [ "$1" != END ]; do
		set -- "$@" -e "map $1" -e "diagram $1"
		shift
	done
	shift
	"$U" "$@" -e quit </dev/null >"$D/out" 2>"$D/err"
}

# joined SESSIONS...: each client #K's map and diagram name server #1 connection K-1.
joined() {
	for k in "$@"; do
		grep -qx "connection: client #$k and server #1 connection $((k - 1)) ($how)" "$D/out" &&
			grep -qx "client #$k to server #1 connection $((k - 1))" "$D/out" &&
			grep -qx "server #1 connection $((k - 1)) to client #$k (the echo)" "$D/out" &&
			grep -q "client #$k and server #1 connection $((k - 1))\$" "$D/out" ||
			return 1
	done
	! grep -q 'not seen' "$D/out"
}

how='a byte stream'
run "$D/s" stream "$N" 2 3 9 16 24 30 31; rc=$?
check "stream: $N one-shot clients, exit 0" [ "$rc" -eq 0 ]
check "stream: each map and diagram joins the client with its server connection" \
	joined 2 3 9 16 24 30 31
# "message 1" to "message 9" (#2 to #10) are 9 bytes, the others 10.
check "stream: both sides' calls are known, both ways" sh -c "
	[ \$(grep -cx 'client sent 9; server received 9' '$D/out') -eq 3 ] &&
	[ \$(grep -cx 'server sent 9; client received 9' '$D/out') -eq 3 ] &&
	[ \$(grep -cx 'client sent 10; server received 10' '$D/out') -eq 4 ] &&
	[ \$(grep -cx 'server sent 10; client received 10' '$D/out') -eq 4 ]"

how='messages: each call is one message'
run "$D/q" seqpacket 12 2 7 13; rc=$?
check "seqpacket: 12 one-shot clients, exit 0" [ "$rc" -eq 0 ]
check "seqpacket: each map and diagram joins the client with its server connection" \
	joined 2 7 13

# An interactive connection, kept open while the map is drawn, then after it is closed.
"$U" -b -e "server start $D/c" -e "connect $D/c" -e 'send "ping"' -e 'expect "ping"' \
	-e 'map 2' -e disconnect -e 'map 2' -e quit </dev/null >"$D/out" 2>"$D/err"
check "connect: joined while open and after" sh -c "
	[ \$(grep -cx 'connection: client #2 and server #1 connection 1 (a byte stream)' \
		'$D/out') -eq 2 ] && ! grep -q 'not seen' '$D/out'"
