#!/bin/sh
# tapcmd-flow.sh: flow control through `tap`: a server that stops reading one connection stops
# the tap reading that client (bytes bounded, memory flat) while another connection flows;
# and a client hanging up with bytes unread reaches the server as it would directly.
set -u
NAME=tapcmd-flow
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"
. "$S/tapcmd-lib.sh"

command -v python3 >/dev/null 2>&1 || skip_all 8 "python3 not installed (apt-get install python3)"
echo "1..8"

# Bytes that went WAY on connection CONN, by the chunk lines.
sum_conn() { sed -n "s/^tap #$1: $2 \([0-9]*\) bytes* .*/\1/p" "$D/out" | awk '{s += $1} END {print s + 0}'; }

tap_up --capture-mb 0
python3 "$S/tapcmd.py" stall "$D/a" "$D/s" "$D" >"$D/py" 2>&1 &
py=$!
peers="$peers $py"
wait_for test -f "$D/stalled"
rss=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$upid/status")
touch "$D/go"
wait "$py"
say "tap stop"
finish
stalled=$(fact stalled_sent)
check "a second client's 1 MiB comes back whole while the first one is stalled" grep -qx ok "$D/py"
check "the stalled client could not push its 64 MiB: the tap stopped reading it" \
	sh -c "[ -n '$stalled' ] && [ '$stalled' -lt 67108864 ]"
c1=$(sum_conn 1 "client->server")
check "the tap took at most what the client sent ($c1 of $stalled bytes), then waited" \
	sh -c "[ $c1 -gt 0 ] && [ $c1 -le $stalled ]"
check "udscope's memory stayed small while stalled (${rss} KiB resident)" \
	sh -c "[ -n '$rss' ] && [ '$rss' -lt 32768 ]"
check "connection 2's totals: 1 MiB each way" grep -qxF \
	"tap #2: connection closed (client->server 1048576 bytes, server->client 1048576 bytes): both sides closed" "$D/out"

# Either side hangs up while the other floods it: the flood ends as it ends without the tap.
tap_up
scenario reset
finish
check "a hang-up mid-flood reaches the sender as directly (server: $(fact server_saw), client: $(fact client_saw))" \
	grep -qx ok "$D/py"

# The target's backlog is full: the tap keeps trying without blocking its other connections,
# then closes the waiting client with one error line.
tap_up --json
scenario backlog
finish
check "a full backlog: the waiting client is closed cleanly, the first one still served" \
	grep -qx ok "$D/py"
check "... one error line, after the first connection's echo went through" python3 -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1] + "/out")]
err = [e for e in ev if e["kind"] == "error"]
assert len(err) == 1 and err[0]["connection"] == 3 and err[0]["errno"] == "EAGAIN", err
assert err[0]["text"].endswith("closed the client: connect %s/s (its backlog stayed full for 2 s)" % sys.argv[1]), err
echo = [e for e in ev if e.get("direction") == "server->client" and e["connection"] == 1]
assert echo and echo[0]["seq"] < err[0]["seq"], "the echo waited for the connect"
' "$D"
