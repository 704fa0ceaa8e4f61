#!/bin/sh
# pcapng: tap --pcap FILE.pcapng writes pcapng: the socket path as the interface's name, and
# on each record a comment naming the sending and the receiving process (pid, comm, uid), as
# tshark reads them; a FILE.pcap stays classic pcap.
set -u
NAME=pcapng
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"
. "$S/tapcmd-lib.sh"

command -v python3 >/dev/null 2>&1 || skip_all 4 "python3 not installed (apt-get install python3)"
command -v curl >/dev/null 2>&1 || skip_all 4 "curl not installed (apt-get install curl)"
echo "1..4"
peer web http
start_udscope
say "tap $D/front $D/web --pcap $D/c.pcapng --dissector http"
say "tap $D/front2 $D/web --pcap $D/c.pcap --dissector http"
wait_for test -S "$D/front"
wait_for test -S "$D/front2"
curl -s --unix-socket "$D/front" http://uds/x >"$D/body" 2>"$D/cerr"
cpid=$(sed -n 's/^tap\[*[0-9]*\]* #1: client pid \([0-9]*\) (curl).*/\1/p' "$D/out" | head -1)
curl -s --unix-socket "$D/front2" http://uds/x >"$D/body" 2>"$D/cerr"
wait_for grep -q "connection closed" "$D/out"
finish
first() { od -An -tx1 -N4 "$1" | tr -d ' '; }
check "FILE.pcapng starts with pcapng's section header" test "$(first "$D/c.pcapng")" = 0a0d0d0a
check "FILE.pcap stays classic pcap (nanosecond magic)" test "$(first "$D/c.pcap")" = 4d3cb2a1
if command -v tshark >/dev/null 2>&1; then
	HOME=$D tshark -n -r "$D/c.pcapng" -T fields -e frame.interface_name -e frame.comment \
		-e _ws.col.Info 2>/dev/null >"$D/tshark"
	cp "$D/tshark" "$D/out"
	check "tshark: the interface is the socket path" sh -c \
		"[ \$(grep -c '^$D/front	' '$D/tshark') -ge 2 ]"
	check "tshark: each record's comment names both processes" sh -c \
		"grep -q '^$D/front	from pid $cpid (curl) uid $(id -u) to pid [0-9]* (python3) uid $(id -u)	GET /x' '$D/tshark' &&
		 grep -q '	from pid [0-9]* (python3) uid $(id -u) to pid $cpid (curl) uid $(id -u)	HTTP/1.0 200 OK' '$D/tshark'"
else
	skip "tshark not installed (apt-get install tshark)"
	skip "tshark not installed (apt-get install tshark)"
fi
