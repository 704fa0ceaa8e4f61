#!/bin/sh
# after-check.sh TMPDIR LOG...: make check's last step, after every test of TESTS has run.
#
# 1. Leftovers: the tests ran with TMPDIR and TMUX_TMPDIR pointing at TMPDIR (a directory of
#    this build's own, tests/test-tmpdir.sh), so whatever is still in it (a temporary
#    directory, a socket node, a tmux server's socket) was left behind by a test; so is any
#    process still carrying a test's UDSCOPE_TEST_NOW, and any test whose log says the
#    deadline wrapper had to kill processes it left running. Each is named, then removed or
#    killed, and the step fails.
# 2. Skips: the tests skipped for lack of a program, counted by the package that brings it
#    (the "(apt-get install PKG...)" their reasons end with), and the one command that
#    installs them all.
set -u
tmp=${1:?usage: $0 TMPDIR LOG...}
shift
bad=0

left=""
if [ "$tmp" != /tmp ] && [ -d "$tmp" ]; then
	# An empty tmux socket directory is tmux's own; a socket in it is a server left running
	# or killed without its cleanup.
	rmdir "$tmp"/tmux-* 2>/dev/null
	left=$(find "$tmp" -mindepth 1 -maxdepth 2 -print 2>/dev/null | sort | head -n 20)
fi
if [ -n "$left" ]; then
	bad=1
	echo "make check: the tests left these behind in $tmp (now removed):"
	echo "$left" | sed 's/^/  /'
	find "$tmp" -mindepth 1 -maxdepth 1 -exec rm -rf {} + 2>/dev/null
fi

procs=$(grep -lzF "UDSCOPE_TEST_NOW=$tmp/" /proc/[0-9]*/environ 2>/dev/null |
	sed -n 's|^/proc/\([0-9]*\)/environ$|\1|p')
if [ -n "$procs" ]; then
	bad=1
	echo "make check: processes of the tests still running (now killed):"
	for p in $procs; do
		printf '  %s %s\n' "$p" "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -c1-100)"
		kill -9 "$p" 2>/dev/null
	done
fi

killed=$(grep -l "left processes running:" "$@" 2>/dev/null)
if [ -n "$killed" ]; then
	bad=1
	echo "make check: these tests left processes running (their deadline wrapper killed them):"
	echo "$killed" | sed 's/\.log$//; s/^/  /'
fi

# SKIP: lines as the TAP driver copied them into each test's log:
#   SKIP: tests/unit/test_pcap 4 # SKIP test_tshark_reads_http: tshark not installed (apt-get install tshark)
#   SKIP: tests/e2e/console-demo.sh - tmux not installed (apt-get install tmux)
cat "$@" 2>/dev/null | awk '
/^SKIP: / && /\(apt-get install [^)]*\)/ {
	test = $2
	s = $0
	sub(/.*\(apt-get install /, "", s)
	sub(/\).*/, "", s)
	n = split(s, pkgs, " ")
	for (i = 1; i <= n; i++) {
		p = pkgs[i]
		count[p]++
		if (!((p, test) in seen)) {
			seen[p, test] = 1
			files[p]++
			if (files[p] <= 3)
				names[p] = names[p] (files[p] > 1 ? ", " : "") test
		}
	}
	total++
}
END {
	if (!total)
		exit 0
	printf "make check: %d tests were skipped for lack of a program:\n", total
	for (p in count) {
		more = files[p] > 3 ? sprintf(" and %d more", files[p] - 3) : ""
		printf "  %-10s %3d %s in %s%s\n", p ":", count[p], count[p] == 1 ? "test" : "tests",
		       names[p], more
		all = all " " p
	}
	printf "To run them too: apt-get install%s, then make check again.\n", all
}'
exit "$bad"
