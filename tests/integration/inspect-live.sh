#!/bin/sh
# inspect-live.sh: who is connected (established connections and the processes holding the
# client ends), passive by default (no connect when sock_diag found the listener; --probe
# connects and says so), sockets FILTER with the peers of what it matches and clients per
# listener, --check's exit status, and the JSON reports.
set -u
NAME=inspect-live
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"

PLAN=12
command -v python3 >/dev/null 2>&1 || skip_all $PLAN "python3 not installed (apt-get install python3)"
echo "1..$PLAN"

peer live.sock mute
# Two client ends held by one process, which says when both are connected.
python3 -c '
import socket, sys, time
c = [socket.socket(socket.AF_UNIX) for _ in range(2)]
for s in c:
    s.connect(sys.argv[1])
open(sys.argv[2], "w").write(" ".join(str(s.fileno()) for s in c))
time.sleep(60)' "$D/live.sock" "$D/fds" &
CPID=$!
peers="$peers $CPID"
wait_for test -s "$D/fds"
FDS=$(sed 's/ /, /' "$D/fds")
run() { "$U" -b "$@" </dev/null >"$D/out" 2>"$D/err"; rc=$?; }
clients() { # clients N: sockets says the listener has N established connections
	run -e "sockets live.sock"
	grep -qxF "inspect: clients: $D/live.sock: $1 established" "$D/out"
}
wait_for clients 2
check "sockets FILTER ends with the clients per listener" clients 2
check "and shows the client ends (no name) as peers, with their process" \
	grep -q "(unnamed peer)  pid $CPID (python3) fd" "$D/out"

run -e "inspect $D/live.sock"
check "inspect names the established connections and the client process" grep -qxF \
	"inspect: connections: 2 established: pid $CPID (python3) fd $FDS" "$D/out"
check "sock_diag answered: no connection made" grep -qxF \
	"inspect: method: sock_diag (no connection made)" "$D/out"
check "passive: the listener still has exactly its 2 clients" clients 2

run -e "inspect $D/live.sock --probe"
check "--probe connects, and says it is inspect's own probe" grep -q \
	"^inspect: probe from inspect (this udscope), as asked (--probe): one connect, connected (stream)" "$D/out"
check "and the listener saw a third connection" wait_for clients 3

run -e "inspect $D/live.sock --check"
check "--check: exit 0 when this user can connect" [ $rc -eq 0 ]
run -e "inspect $D/nowhere.sock --check"
check "--check: exit 1 when the node does not exist" [ $rc -eq 1 ]
chmod 600 "$D/live.sock"
run -e "inspect $D/live.sock --as 4242 --check"
check "--check --as a uid that the mode bits deny: exit 1" [ $rc -eq 1 ]

run --json -e "inspect $D/live.sock" -e "sockets live.sock"
check "--json: one inspect object with the listener and its connections" python3 -c '
import json, sys
lines = open(sys.argv[1]).read().splitlines()
i = json.loads(lines[0])
assert i["seq"] == 1 and i["report"] == "inspect", i
assert i["liveness"]["state"] == "listening" and i["liveness"]["method"] == "sock_diag"
assert i["connections"]["established"] >= 2
assert int(sys.argv[2]) in [h["pid"] for c in i["connections"]["clients"] for h in c["holders"]]
assert i["verdict"]["can"] is True
' "$D/out" "$CPID"
check "--json: one sockets object with rows, peers and listeners" python3 -c '
import json, sys
s = json.loads(open(sys.argv[1]).read().splitlines()[1])
assert s["seq"] == 2 and s["report"] == "sockets", s
assert any(r["peer_of_match"] and r["path"] is None for r in s["rows"])
assert [l["clients"] for l in s["listeners"]] == [3]
' "$D/out"
stop_peers
