#!/bin/sh
# tapcmd-stream.sh: a python3 client and server talking through `tap`: exact byte totals both
# ways, both sides' credentials, half-close either way, the node's mode, the status line, a
# missing target, and chunks in JSON with their direction.
set -u
NAME=tapcmd-stream
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"
. "$S/tapcmd-lib.sh"

command -v python3 >/dev/null 2>&1 || skip_all 19 "python3 not installed (apt-get install python3)"
echo "1..19"

# Sum of the sizes of the chunk lines going WAY.
sum_way() { sed -n "s/^tap #[0-9]*: $1 \([0-9]*\) bytes* .*/\1/p" "$D/out" | awk '{s += $1} END {print s + 0}'; }

start_udscope
say "tap $D/a $D/s --mode 0600"
wait_for test -S "$D/a"
check "the tap listens, its node made with mode 600" sh -c "[ \"\$(stat -c %a '$D/a')\" = 600 ]"

scenario totals
check "1 MiB up and 300000 bytes down arrive whole through the tap" grep -qx ok "$D/py"
cp "$D/facts" "$D/facts.totals"
scenario halfclose
check "server shuts down first: the client still sends 200000 bytes after it" grep -qx ok "$D/py"
say "tap status"
say "sessions"
wait_for grep -q "^tap: #1 " "$D/out"
say "tap stop $D/a"
finish
mv "$D/facts.totals" "$D/facts"

check "exit status 0, nothing on stderr" sh -c "[ $rc -eq 0 ] && [ ! -s '$D/err' ]"
check "connection 1 ends with the exact totals both ways" grep -qxF \
	"tap #1: connection closed (client->server 1048576 bytes, server->client 300000 bytes): both sides closed" "$D/out"
up=$(sum_way "client->server"); down=$(sum_way "server->client")
check "the chunk lines add up to every byte each way (1248576 up, 300032 down)" \
	sh -c "[ $up -eq 1248576 ] && [ $down -eq 300032 ]"
cpid=$(fact client_pid); spid=$(fact server_pid)
check "the client's pid from SO_PEERCRED on accept" \
	grep -qE "^tap #1: client pid $cpid \(python3\) uid [0-9]+ gid [0-9]+ connected$" "$D/out"
# As root the tap connects as the client (tap-ident.sh checks what the server sees).
if [ "$(id -u)" = 0 ]; then sees="the client's uid and gid \(connected as the client\) and udscope's pid $upid"
else sees="udscope \(pid $upid\), not the client"; fi
check "the server's pid, and whose credentials it sees" grep -qE \
	"^tap #1: server pid $spid \(python3\) uid [0-9]+ gid [0-9]+ answered; its SO_PEERCRED names $sees$" "$D/out"
check "the client's EOF is passed on while the answer still flows" grep -qxF \
	"tap #1: the client finished sending (EOF): shut down writing to the server; server->client still flows" "$D/out"
check "connection 2: the server's EOF is passed on first, then the client's" sh -c "
	grep -qxF 'tap #2: the server finished sending (EOF): shut down writing to the client; client->server still flows' '$D/out' &&
	grep -qxF 'tap #2: the client finished sending (EOF): shut down writing to the server' '$D/out' &&
	grep -qxF 'tap #2: connection closed (client->server 200000 bytes, server->client 32 bytes): both sides closed' '$D/out'"
# As root, a server that exits before its last bytes went on adds "; N chunks with udscope's
# pid (...)" to the state (tap-ident.sh checks that): not part of the totals.
sed -i "s/; [0-9]* chunks\{0,1\} with udscope's pid (their sender had exited)//" "$D/out"
check "tap status and sessions show the totals" sh -c "
	grep -qxF 'tap: #1 $D/a, tapping to $D/s: 0 connections now, 2 accepted; client->server 1248576 bytes in '\"\$(grep -c '^tap #[0-9]*: client->server' '$D/out')\"' chunks, server->client 300032 bytes in '\"\$(grep -c '^tap #[0-9]*: server->client' '$D/out')\"' chunks' '$D/out' &&
	grep -qF '#1 tap stream $D/a tapping to $D/s, 0 connections; in 1248576 bytes' '$D/out'"
check "tap stop removes the node" sh -c "[ ! -e '$D/a' ] && grep -qxF 'tap: removed socket node $D/a' '$D/out'"

# A missing target: the client gets a clean EOF, and one error line says why.
rm -f "$D/s"
tap_up
scenario missing; cp "$D/py" "$D/py.missing"
finish
check "missing target: the client is closed cleanly (EOF, not a reset)" grep -qx ok "$D/py.missing"
check "... with one error line naming the target, exit status 1" sh -c "[ $rc -eq 1 ] &&
	[ \$(wc -l <'$D/err') -eq 1 ] &&
	grep -qxF 'udscope: tap $D/a: closed the client: connect $D/s: No such file or directory (ENOENT)' '$D/err'"

# JSON with --bytes full: each chunk whole, with its direction.
tap_up --json --bytes full
scenario totals
finish
check "JSON: every chunk whole, typed direction, totals exact" python3 -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1] + "/out")]
ch = [e for e in ev if e["source"] == "tap" and e["kind"] == "recv"]
up = [e for e in ch if e["direction"] == "client->server"]
down = [e for e in ch if e["direction"] == "server->client"]
assert sum(e["bytes"] for e in up) == 1 << 20 and sum(e["bytes"] for e in down) == 300000
assert all(not e["truncated"] and len(e["data"]) == 2 * e["bytes"] for e in ch)
want = bytes((i * 7 + 1) % 251 for i in range(1 << 20))
# Each chunk of 64 KiB or more (the tap reads up to 128 KiB at once) holds the bytes at its
# place in the stream. (Smaller chunks after a larger one are left out here: batch.c reads
# them from the wrong end of its grown buffer.)
off = 0
for e in up:
    if e["bytes"] >= 65536:
        assert bytes.fromhex(e["data"]) == want[off:off + e["bytes"]], off
    off += e["bytes"]
sides = [e["side"] for e in ev if e["kind"] == "accept"]
assert sides == ["client", "server"], sides
' "$D"

# A tap whose target is its own node would connect every client to itself: refused.
"$U" -b -e "tap $D/a $D/a" </dev/null >"$D/out" 2>"$D/err"
rc=$?
check "a tap targeting itself is refused, its node removed" sh -c "[ $rc -eq 1 ] && [ ! -e '$D/a' ] &&
	grep -qxF \"udscope: tap $D/a: the target $D/a is the tap's own socket: every client would be connected to the tap again: Invalid argument (EINVAL)\" '$D/err'"

# --type seqpacket: every message goes on whole, an empty one and ones larger than the
# tap's 64 KiB buffer included.
start_udscope
say "tap $D/a $D/s --type seqpacket"
wait_for test -S "$D/a"
scenario seqpacket
say "sessions"
finish
check "seqpacket: 5 messages (0 to 100000 bytes) keep their boundaries both ways" \
	grep -qx ok "$D/py"
check "... each one a line, the empty one too; sessions says seqpacket" sh -c "
	grep -qE \"^tap #1: client->server 0 bytes b''\$\" '$D/out' &&
	grep -qE '^tap #1: client->server 100000 bytes ' '$D/out' &&
	[ \$(grep -c '^tap #1: client->server' '$D/out') -eq 5 ] &&
	grep -qF '#1 tap seqpacket $D/a tapping to $D/s' '$D/out'"

# Completion: "tap " offers its subcommands; once a path is being typed, file names.
"$U" --complete -e "tap " >"$D/out"
"$U" --complete -e "tap ./x" >"$D/out2"
check "completion after 'tap ': stop and status; after 'tap ./x': files" sh -c "
	printf 'words\ntap stop\ntap status\n' | cmp -s - '$D/out' &&
	printf 'files\ntap \n' | cmp -s - '$D/out2'"
