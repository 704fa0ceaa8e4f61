#!/bin/sh
# tapcmd-data.sh: the tap loses nothing and its captures decode: a server's early reply (an
# HTTP 413) reaches the client, 300 KB datagrams and 3 MB seqpacket messages pass, empty
# seqpacket messages just before the end arrive (tap and echo server), a forking daemon's
# server side is named by the live process, a PostgreSQL exchange
# captured with --dissector pgsql decodes both ways in tshark, capture files are 0600, and a
# tap that fails to start leaves no capture file behind; --dissector names tshark cannot call
# by name are called through its tables, or said with the nearest name that works.
set -u
NAME=tapcmd-data
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"

command -v python3 >/dev/null 2>&1 || skip_all 17 "python3 not installed (apt-get install python3)"
echo "1..17"
W=${UDSCOPE_TEST_WAIT:-20}
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }

# udscope -b ARGS under a deadline, reading commands from a fifo that say() writes.
start_udscope() {
	rm -f "$D/in"
	mkfifo "$D/in"
	timeout -k 5 $((W * 6)) "$U" -b "$@" <"$D/in" >"$D/out" 2>"$D/err" &
	upid=$!
	exec 3>"$D/in"
}
say() { echo "$*" >&3; }
finish() { say quit; exec 3>&-; wait "$upid"; rc=$?; }
data() { # data SCENARIO: tapdata.py SCENARIO through the tap at $D/a to $D/s; exit status in $prc
	python3 "$S/tapdata.py" "$1" "$D/a" "$D/s" "$D" >"$D/py" 2>&1
	prc=$?
}
fact() { sed -n "s/^$1 //p" "$D/facts"; }
# check_data NAME: ok when the scenario said ok, a SKIP when it said it cannot run here.
check_data() {
	if [ "$prc" = 77 ]; then skip "$(sed -n 's/^skip //p' "$D/py")"; else
		check "$1" grep -qx ok "$D/py"; fi
}
tap_up() { # tap_up [TAP OPTIONS...]: udscope tapping $D/a to $D/s with them, listening
	start_udscope
	say "tap $D/a $D/s $*"
	wait_for test -S "$D/a"
}

# 1-3: an early reply (HTTP 413): the server answers after the header and closes while the
# client still sends its body. Directly the client always gets it; through the tap too.
data direct
check "directly, the 413 reaches the client 3 times of 3" grep -qx ok "$D/py"
tap_up
data early
cp "$D/py" "$D/py.early"
finish
check "through the tap, the 413 reaches the client in 10 exchanges of 10 ($(fact early_ok))" \
	grep -qx ok "$D/py.early"
tap_up
data stopread
finish
check "a server that only stops reading: the client's send fails as directly ($(fact client_saw)), and every answer arrives" \
	grep -qx ok "$D/py"

# 4-5: large messages: what the target takes directly passes the tap whole, both ways.
tap_up --type dgram
data bigdgram
finish
check_data "300 KB datagrams to a datagram server and back, directly and through the tap"
tap_up --type seqpacket
data bigseq
finish
check_data "a 3 MB seqpacket message each way, directly and through the tap"

# 6-7: empty seqpacket messages sent just before the close are messages, not the end.
tap_up --type seqpacket
data emptyseq
finish
check "\"a\", \"\", \"\" then close, 5 times: the server gets all three each time" \
	grep -qx ok "$D/py"
start_udscope
say "server start $D/a --type seqpacket"
wait_for test -S "$D/a"
data echo
finish
check "udscope's echo server receives the empty messages sent before the end" sh -c "
	grep -qx ok '$D/py' && [ \$(grep -c '^server #1: received an empty message' '$D/out') -eq 2 ] &&
	grep -A1 '^server #1: received an empty message' '$D/out' | tail -1 | grep -q '^server #1: no data from'"

# 8: a forking daemon: the process that listened is gone; the line names the one that holds
# the listening socket now.
tap_up
data forking
finish
check "a forking daemon's server side names the live holder of its listening socket" sh -c "
	grep -qx ok '$D/py' && grep -qE '^tap #1: server pid $(fact listened) \(process gone; the listening socket is held by pid $(fact serves) \(python3\)\) uid ' '$D/out'"

# 9-11: capture files: 0600, and a tap that fails to start removes the one it created.
umask 022
tap_up --pcap "$D/c.pcap"
say "tap stop"
finish
check "a capture file is created with mode 600" \
	sh -c "[ \"\$(stat -c %a '$D/c.pcap' 2>/dev/null)\" = 600 ]"
: >"$D/a"   # a regular file where the tap would listen: the tap cannot start
start_udscope
say "tap $D/a $D/s --pcap $D/f.pcap"
finish
check "a tap that fails to start leaves no capture file" \
	sh -c "[ $rc -ne 0 ] && [ ! -e '$D/f.pcap' ] && [ -e '$D/a' ]"
rm -f "$D/a"
tap_up --pcap "$D/f.pcap"
say "tap stop"
finish
check "the retry starts and writes the capture file" \
	sh -c "[ $rc -eq 0 ] && [ \"\$(stat -c %s '$D/f.pcap')\" -ge 24 ]"

# 12-17: a PostgreSQL exchange captured with --dissector pgsql decodes both ways.
if ! command -v tshark >/dev/null 2>&1; then
	for t in 1 2 3 4 5 6; do skip "tshark not installed (apt-get install tshark)"; done
	exit 0
fi
tap_up --pcap "$D/pg.pcap" --dissector pgsql
data pgsql
say "tap stop"
finish
check "a PostgreSQL client and server talk through the tap" grep -qx ok "$D/py"
ts() { timeout -k 5 $((W * 3)) tshark -r "$D/pg.pcap" "$@" 2>"$D/err"; }
ts -Y pgsql.query -T fields -e pgsql.query >"$D/q"
check "tshark finds each query ($(tr '\n' ',' <"$D/q"))" sh -c \
	"printf '%s\n' 'SELECT 1' \"SELECT 'two'\" 'SELECT 3 + 3' | cmp -s - '$D/q'"
# Every record the server sent decodes as the server's messages, every client record as the
# client's (the port the dissector was called for tells which side is which).
ts -T fields -e exported_pdu.src_port -e pgsql.type >"$D/types"
check "the server's records are its messages (authentication, completion, ready)" sh -c "
	grep -q '^5432	' '$D/types' && ! grep '^5432	' '$D/types' | grep -qv 'Authentication request\|Command completion\|Ready for query'"
check "the client's records are its messages (startup, query, termination)" sh -c "
	grep -qv '^5432	' '$D/types' && ! grep -v '^5432	' '$D/types' | grep -qv 'Startup message\|Simple query\|Termination'"
# What tshark 4.0 cannot call by name is called through its table; a name it has nowhere is
# said, with the nearest one that works.
start_udscope
say "tap $D/a $D/s --pcap $D/d.pcap --dissector dbus"
wait_for test -S "$D/a"
say "tap stop"
say "tap $D/a $D/s --pcap $D/r.pcap --dissector redis"
wait_for test -S "$D/a"
say "tap stop"
finish
check "--dissector dbus: called through tshark's wtap_encap table" grep -qF \
	"tap: $D/a: --dissector dbus: the records call it through tshark's wtap_encap table (value 146)" "$D/out"
check "--dissector redis: tshark has none; the nearest that works is resp" grep -qF \
	"tap: $D/a: --dissector redis: the installed tshark has no dissector of that name (by name or in a table): it shows the records as bytes; the nearest that works is --dissector resp" "$D/out"
