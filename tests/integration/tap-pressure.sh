#!/bin/sh
# tap-pressure.sh: backpressure through `tap`: a server that reads 16 KiB at a time with short
# pauses makes the tap's sends to it block; 16 MiB sent through the tap must arrive whole and
# in order, every byte compared (a chunk held while the server's socket is full is sent once
# there is room, never dropped or overwritten by the next one).
set -u
NAME=tap-pressure
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"
. "$S/tapcmd-lib.sh"

command -v python3 >/dev/null 2>&1 || skip_all 3 "python3 not installed (apt-get install python3)"
echo "1..3"

tap_up --capture-mb 0
timeout -k 5 $((${UDSCOPE_TEST_WAIT:-20} * 10)) \
	python3 "$S/tap_pressure.py" slowread "$D/a" "$D/s" 16 >"$D/py" 2>&1
say "tap stop"
finish
check "16 MiB through the tap to a slow reader: every byte as sent ($(head -c 80 "$D/py"))" \
	grep -qx "ok 16777216" "$D/py"
check "the tap counted 16 MiB client->server" \
	grep -qF "(client->server 16777216 bytes, server->client 0 bytes)" "$D/out"
check "udscope exited 0 (rc $rc)" [ "$rc" -eq 0 ]
