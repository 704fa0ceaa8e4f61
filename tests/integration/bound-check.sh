#!/bin/sh
# bound-check.sh: every udscope run in a shell test ends (tests/integration/bound.sh): a batch
# run that would wait for ever, like a `server start` that wrongly succeeds with no quit after
# it, is ended by the alarm and fails its check; the wrapper keeps the binary's own process.
set -u
NAME=bound-check
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"
echo "1..3"

# 1: a server start that succeeds, no quit: ended by the bound (SIGALRM, 142), not a hang.
# The outer timeout only keeps this check from hanging where the bound is missing.
UDSCOPE_TEST_RUN=2 timeout -k 5 30 "$U" -b -e "server start $D/s" </dev/null >"$D/out" 2>"$D/err"
rc=$?
check "a batch run with no end is ended by the bound: SIGALRM, status 142 (got $rc)" [ $rc -eq 142 ]
# 2: a run that ends by itself is not touched by it.
"$U" -b -e "server start $D/t" -e "client $D/t" -e quit </dev/null >"$D/out" 2>"$D/err"
rc=$?
check "a run that ends says its own status (0, got $rc)" [ $rc -eq 0 ]
# 3: the wrapper is the binary's own process: its pid is udscope's (signals, /proc).
"$U" -b -e "server start $D/p" </dev/null >"$D/out" 2>"$D/err" &
pid=$!
peers="$peers $pid"
wait_for test -S "$D/p"
check "\$! is udscope itself (comm $(cat /proc/$pid/comm 2>/dev/null))" \
	[ "$(cat /proc/$pid/comm 2>/dev/null)" = udscope ]
