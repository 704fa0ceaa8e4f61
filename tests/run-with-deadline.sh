#!/bin/sh
# run-with-deadline.sh [TOOL...] TEST: automake's LOG_COMPILER for every test in TESTS.
#
# Runs TEST in a process group of its own with an outer deadline: UDSCOPE_TEST_TIMEOUT
# seconds, 300 unless set (0: no deadline). A test still running then is killed with
# everything it started (its process group, and any process that left the group but still
# carries this run's UDSCOPE_TEST_NOW in its environment, such as the tmux server an e2e test
# starts), and the TAP stream gets
#     Bail out! TEST hung after N s (running STEP)
# so that the TAP driver counts an ERROR naming the test. STEP is what the test last wrote to
# the file named by UDSCOPE_TEST_NOW (the integration harness writes the cmocka test's name,
# the shell tests their current step). The deadline only turns a hang into a failure: it says
# nothing about speed, and the sanitizer, ThreadSanitizer and valgrind runs fit well inside it.
#
# TEST is the last argument (automake passes $(LOG_FLAGS) before it), so a tool can run each
# test under the same deadline, e.g. valgrind on the C tests:
#     make check LOG_FLAGS='valgrind -q --error-exitcode=99' UDSCOPE_TEST_TIMEOUT=900 \
#         TESTS='tests/unit/test_bytes tests/integration/test_engine'
set -u

limit=${UDSCOPE_TEST_TIMEOUT:-300}
grace=${UDSCOPE_TEST_GRACE:-10}
case $limit$grace in
'' | *[!0-9]*)
	echo "Bail out! $0: UDSCOPE_TEST_TIMEOUT and UDSCOPE_TEST_GRACE are whole seconds" \
		"(got '$limit' and '$grace')"
	exit 99
	;;
esac
if [ $# -eq 0 ]; then
	echo "Bail out! usage: $0 [TOOL...] TEST"
	exit 99
fi
for name; do :; done

now=$(mktemp "${TMPDIR:-/tmp}/udscope-test-now.XXXXXX") || {
	echo "Bail out! $name: $0 could not create its state file"
	exit 99
}
# Processes of this run that live outside its process group: found by the tag in their
# environment (each one inherited it; nothing else on the machine has this file name, and
# this shell's own helpers never carry it: only the test gets it).
strays() {
	grep -lzxF "UDSCOPE_TEST_NOW=$now" /proc/[0-9]*/environ 2>/dev/null |
		sed -n 's|^/proc/\([0-9]*\)/environ$|\1|p' | grep -vx "$$"
}

# kill_all SIGNAL: the test's process group and every stray.
kill_all() {
	kill -s "$1" -- "-$pid" 2>/dev/null
	for p in $(strays); do
		kill -s "$1" "$p" 2>/dev/null
	done
}

# The test's TAP stream passes through a filter on its way out: cmocka 1.1.5 writes a skipped
# test as "not ok N # SKIP NAME", which the TAP driver counts as a failure. The filter makes it
# "ok N # SKIP NAME: REASON", with the reason from the "# udscope-skip: REASON" line that
# tests/skip.h's UD_SKIP writes just before. Every other line passes as it is, at once.
out="$now.tap"
if ! mkfifo -m 600 "$out"; then
	rm -f "$now"
	echo "Bail out! $name: $0 could not create its pipe"
	exit 99
fi
(awk '
/^# udscope-skip: / { why = substr($0, 17); print; fflush(); next }
/^not ok [0-9]+.* # SKIP/ {
	sub(/^not ok/, "ok")
	if (why != "") $0 = $0 ": " why
	why = ""
}
{ print; fflush() }
'; : >"$out.done") <"$out" &
filter=$!
# end_filter: wait for the filter to pass the rest of the stream (it ends when the last writer
# has gone). A writer that escaped the process group and the tag (say, one that cleared its
# environment) could hold the pipe for ever: after 10 s the filter is stopped and that is said.
end_filter() {
	i=0
	while [ ! -e "$out.done" ] && [ "$i" -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if [ ! -e "$out.done" ]; then
		kill "$filter" 2>/dev/null
		echo "# $name: a process outside the test's group still held its output; stopped reading it"
	fi
	wait "$filter"
	rm -f "$out.done"
}

# The test in its own process group (setsid: a background job of a shell without job
# control is no group leader, so setsid makes its session in place and $! is the leader).
if command -v setsid >/dev/null 2>&1; then
	UDSCOPE_TEST_NOW=$now setsid "$@" >"$out" &
else
	UDSCOPE_TEST_NOW=$now "$@" >"$out" &
fi
pid=$!

# A Ctrl-C or a kill of make reaches this shell: take the test down with it.
trap 'kill_all TERM; [ -n "${dog:-}" ] && kill "$dog" 2>/dev/null; rm -f "$now" "$now.hung" "$out" "$out.done"; exit 130' INT
trap 'kill_all TERM; [ -n "${dog:-}" ] && kill "$dog" 2>/dev/null; rm -f "$now" "$now.hung" "$out" "$out.done"; exit 143' TERM HUP

dog=
if [ "$limit" -gt 0 ]; then
	# The watchdog: its output goes nowhere, or its sleep would hold the TAP pipe open.
	(
		s=
		trap '[ -n "$s" ] && kill "$s" 2>/dev/null && wait "$s"; exit 0' TERM
		sleep "$limit" &
		s=$!
		# Only a sleep that ran its full course means a hang (a TERM from the shell
		# below may end the wait before the trap runs).
		wait "$s" || exit 0
		: >"$now.hung"
		kill_all TERM
		sleep "$grace" &
		s=$!
		wait "$s"
		kill_all KILL
	) </dev/null >/dev/null 2>&1 &
	dog=$!
fi

wait "$pid"
rc=$?
if [ -n "$dog" ]; then
	kill "$dog" 2>/dev/null
	wait "$dog" 2>/dev/null
fi

if [ -e "$now.hung" ]; then
	step=$(tr -d '\n\r' <"$now" 2>/dev/null | cut -c1-200)
	kill_all KILL
	end_filter
	rm -f "$now" "$now.hung" "$out"
	echo "# $name: still running after $limit s (UDSCOPE_TEST_TIMEOUT), killed with its" \
		"process group; last step: ${step:-unknown}"
	echo "Bail out! $name hung after $limit s${step:+ (running $step)}"
	rc=124
else
	# A finished test leaves nothing behind (a forgotten tmux server, a forked child).
	# Kill first, speak after: a reader that went away (SIGPIPE) must not stop the cleanup.
	left=$(strays)
	kill_all KILL
	# Whatever still held the pipe is gone now: the filter ends with the stream.
	end_filter
	rm -f "$now" "$now.hung" "$out"
	[ -n "$left" ] && echo "# $name: left processes running:" $left "(killed)"
fi
rm -f "$now" "$now.hung" "$out"
exit "$rc"
