#!/bin/sh
# demo.sh: the guided tour in batch, checked line by line against demo.expected (pids, times,
# fd numbers, autobound names and the environment's own facts masked), the 16 + 16 + 9 map,
# nothing left behind (at the end, when left after a step, and when ./uds_socket is taken),
# and the map's JSON.
set -u
NAME=demo
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"
echo "1..10"

# The lines that differ from one machine or run to the next: masked, or (the inspector's
# facts about this machine: inode, times, the walk, holders, fixes, the proof) left out. A
# seqpacket message's sender name is sometimes "?" (read from /proc after the fact): masked.
mask() {
	sed -E -e "s#$1#CWD#g" \
		-e 's/pid [0-9]+/pid N/g; s/(pair (parent|child)) [0-9]+/\1 N/; s/child [0-9]+/child N/g' \
		-e 's/fds? [0-9]+/fd N/g; s/@[0-9a-f]{5}/@ADDR/g; s/took [0-9.]+ ms/took T ms/' \
		-e 's/^\+[0-9.]+(us|ms|s) +\|/+T         |/' \
		-e 's/uid [0-9]+ gid [0-9]+/uid U gid G/g; s/uid [0-9]+\)/uid U)/' \
		-e 's/(fd N and|closed) [0-9]+/\1 N/g; s/(srwxr-xr-x) [^ ]+ [^ ]+\)/\1 OWNER GROUP)/' \
		-e 's/pid N \(\?\) uid/pid N (udscope) uid/' |
	grep -vE '^inspect: (owner|inode|changed|listening|socket|walk| |fix|proof)'
}

mkdir "$D/cwd" && chmod 755 "$D/cwd"
(cd "$D/cwd" && "$U" -b -e demo </dev/null >"$D/raw" 2>"$D/err"); rc=$?
check "demo exits 0" [ "$rc" -eq 0 ]
mask "$D/cwd" <"$D/raw" >"$D/out"
if diff -u "$S/demo.expected" "$D/out" >"$D/diff"; then ok "demo output, line by line"; else
	notok "demo output, line by line"
	sed 's/^/# /' "$D/diff" | head -40
fi
check "the map shows one send 0-40 read as 0-15, 16-31, 32-40" \
	grep -qx 'server received \[0-15----------\]\[16-31---------\]\[32-40--\]' "$D/out"
check "the tour leaves the directory as it found it" [ -z "$(ls -A "$D/cwd")" ]

# ./uds_socket is taken (a regular file): the tour goes to a private directory, removed after.
mkdir "$D/taken" "$D/tmp"
echo keep >"$D/taken/uds_socket"
(cd "$D/taken" && TMPDIR="$D/tmp" "$U" -b -e demo </dev/null >"$D/out" 2>"$D/err"); rc=$?
check "a taken ./uds_socket: the tour runs in a private directory and removes it" \
	sh -c "[ $rc -eq 0 ] && grep -q 'exists already, so the tour' '$D/out' &&
		[ \"\$(cat '$D/taken/uds_socket')\" = keep ] && [ -z \"\$(ls -A '$D/tmp')\" ]"

# The private directory is no lesson: the inspect step never blames the tour's own directory
# (0711), and names the socket's missing write bit.
check "in a private directory, the inspect step does not blame udscope-demo-..." sh -c "
	! grep -E 'permission missing on $D/tmp/udscope-demo-[^/ ]* ' '$D/out' &&
	grep -qE 'write \(w\) permission missing on $D/tmp/udscope-demo-[^/ ]*/uds_socket' '$D/out'"

# Left after two steps (quit): the server is stopped and its node removed.
mkdir "$D/left"
(cd "$D/left" && "$U" -b -e 'demo next' -e 'demo next' -e quit </dev/null >"$D/out" 2>"$D/err")
rc=$?
check "demo next twice, then quit: stopped and removed" sh -c "[ $rc -eq 0 ] &&
	grep -q '^demo 2/9 (message)' '$D/out' && ! grep -q '^demo 3/9' '$D/out' &&
	grep -q 'the tour is over' '$D/out' && [ -z \"\$(ls -A '$D/left')\" ]"

# demo stop leaves at once; a second stop says no tour runs (and fails the script).
mkdir "$D/stop"
(cd "$D/stop" && "$U" -b -e 'demo next' -e 'demo stop' -e 'demo stop' </dev/null >"$D/out" \
	2>"$D/err"); rc=$?
check "demo stop leaves; a second one says no tour is running" sh -c "[ $rc -eq 1 ] &&
	grep -q 'demo stop: no tour is running' '$D/out' '$D/err' && [ -z \"\$(ls -A '$D/stop')\" ]"

# The map as JSON: the calls of both sides of both directions.
mkdir "$D/json"
(cd "$D/json" && "$U" -b --json -e 'demo next' -e 'demo next' -e map -e quit </dev/null >"$D/out" \
	2>"$D/err")
check "map --json: client sent [41], server received [16,16,9], echo back the same" \
	grep -qF '"report":"map","client":"client #2","server":"server #1 connection 1","messages":false,"unknown":null,"more_calls":0,"directions":[{"from":"client","to":"server","sent":{"known":true,"calls":[41]},"received":{"known":true,"calls":[16,16,9]},"cut_messages":0,"cut_bytes":0},{"from":"server","to":"client","sent":{"known":true,"calls":[16,16,9]},"received":{"known":true,"calls":[16,16,9]}' "$D/out"

# A server of the user's own runs beside the tour: the tour names its sessions by id, and
# leaves the user's server running.
mkdir "$D/beside"
(cd "$D/beside" && "$U" -b -e "server start $D/mine" -e demo -e 'server status' -e quit \
	</dev/null >"$D/out" 2>"$D/err"); rc=$?
check "beside a server of the user's: the tour runs whole, that server stays" sh -c "
	[ $rc -eq 0 ] && grep -q '^demo 9/9 (pair)' '$D/out' && grep -q 'the tour is over' '$D/out' &&
	grep -q '^server: #1 listening on $D/mine' '$D/out' && [ -z \"\$(ls -A '$D/beside')\" ]"
