#!/bin/sh
# tap-evict.sh: the datagram tap's upstream sockets at their bound (--upstreams 2): senders A,
# B and C, in that order, each with its echo back; the third one's upstream socket evicts the
# one idle longest, A's, never B's (the newest); and A, coming again, gets a socket anew.
set -u
NAME=tap-evict
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"
. "$S/tapcmd-lib.sh"

command -v python3 >/dev/null 2>&1 || skip_all 4 "python3 not installed (apt-get install python3)"
echo "1..4"
W=${UDSCOPE_TEST_WAIT:-20}
send() { timeout -k 5 "$W" python3 "$S/dgram_whole.py" send "$D/a" 5 "$D/$1" >>"$D/py" 2>&1; }
opened() { # the tap's id of the upstream socket opened for sender NAME (the first one)
	sed -n "s|^tap #\([0-9]*\): upstream socket .* opened for sender $D/$1, to .*|\1|p" "$D/out" | head -n 1
}

python3 "$S/dgram_peer.py" echo-dgram "$D/s" &
peers="$peers $!"
wait_for test -S "$D/s"
start_udscope
say "tap $D/a $D/s --type dgram --upstreams 2"
wait_for test -S "$D/a"
send A
send B
send C
wait_for grep -q "evicted" "$D/out"
a=$(opened A) b=$(opened B)
check "three senders, three echoes" [ "$(grep -c '^echo 5 same$' "$D/py")" -eq 3 ]
check "C's socket evicts A's (#$a), the one idle longest" grep -q \
	"^tap #$a: upstream socket closed (.*): evicted: 2 upstream sockets open, this one idle longest\$" "$D/out"
check "B's (#$b), the newest, stays open" sh -c "! grep -q '^tap #$b: upstream socket closed' '$D/out'"
rm -f "$D/A"   # the first sender's node: the same address, bound again
send A
wait_for sh -c "[ \$(grep -c 'opened for sender $D/A,' '$D/out') -eq 2 ]"
finish
check "A again: a socket of its own anew, its echo back" sh -c "
	[ \$(grep -c 'opened for sender $D/A,' '$D/out') -eq 2 ] && [ \$(grep -c '^echo 5 same\$' '$D/py') -eq 4 ]"
