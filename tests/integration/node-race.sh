#!/bin/sh
# node-race.sh: a node swapped while server start checks it is never deleted. strace holds
# the liveness probe's connect() for 1.5 s (the window an unlucky scheduler could give), and
# meanwhile the stale socket is replaced by a regular file.
set -u
NAME=race
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"

if ! command -v strace >/dev/null 2>&1 || ! command -v python3 >/dev/null 2>&1 ||
	! strace -f -qq -o /dev/null -e 'trace=%%stat,connect' -e inject=connect:delay_exit=1 true 2>/dev/null; then
	skip_all 4 "strace with syscall injection, or python3, not available (apt-get install strace python3)"
fi
echo "1..4"

# A stale node: a socket that was bound, then its process went away.
python3 -c 'import socket, sys; s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$D/s"
printf 'precious\n' >"$D/file"
strace -f -qq -o "$D/trace" -e 'trace=%%stat,connect' -e inject=connect:delay_exit=1500000 \
	"$U" -b -e "server start $D/s" -e 'server stop' </dev/null >"$D/out" 2>"$D/err" &
pid=$!
# Once udscope has looked at the node (its lstat is in the trace), swap it for the file: the
# probe's connect comes next and is held for 1.5 s.
i=0
while [ $i -lt 200 ] && ! grep -qF "\"$D/s\"" "$D/trace" 2>/dev/null; do sleep 0.05; i=$((i + 1)); done
mv -f "$D/file" "$D/s"
wait $pid
rc=$?
check "the regular file put in place of the node is still there" \
	sh -c "[ -f '$D/s' ] && [ \"\$(cat '$D/s')\" = precious ]"
check "server start fails (exit 1)" [ $rc -eq 1 ]
check "and says the node changed while it was checked" \
	grep -qF "server start $D/s: the node changed while it was checked: it is now a regular file" "$D/err"
check "no line claims a stale node was removed" sh -c "! grep -q 'removed stale socket node' '$D/out'"
