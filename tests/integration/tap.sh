# tap.sh: what the shell tests share (sourced, not run): TAP lines, checks that show the last
# run's output on failure, polling with a deadline, and peer.py servers that always go away.
# The sourcing script sets NAME before; it gets U (the binary, bounded: bound.sh), S (this
# directory), D (a private temporary directory, removed at exit) and n (the test count).
U=${UDSCOPE:?UDSCOPE must name the built binary}
S=${UDSCOPE_SRCDIR:-.}/tests/integration
D=$(mktemp -d "${TMPDIR:-/tmp}/udscope-${NAME:-test}-XXXXXX")
. "$S/bound.sh"   # U: the binary with an alarm, so every run ends
peers=""
# At exit the peers are stopped and waited for: nothing of the test outlives it.
trap 'for p in $peers; do kill "$p" 2>/dev/null; done; for p in $peers; do wait "$p" 2>/dev/null; done
	rm -rf "$D"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }   # skip REASON: one test skipped
skip_all() { # skip_all COUNT REASON: the plan, every test skipped, exit
	echo "1..$1"
	i=1; while [ $i -le "$1" ]; do echo "ok $i # SKIP $2"; i=$((i + 1)); done
	exit 0
}
check() { # check NAME COMMAND...: on failure, the last run's stderr and stdout as comments
	name=$1; shift
	if "$@"; then ok "$name"; else
		notok "$name" "$(head -5 "$D/err" 2>/dev/null)" "$(head -12 "$D/out" 2>/dev/null)"
	fi
}
wait_for() { # wait_for COMMAND...: until it succeeds, UDSCOPE_TEST_WAIT s (20) at most
	end=$(($(date +%s) + ${UDSCOPE_TEST_WAIT:-20}))
	while :; do
		"$@" && return 0
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.05
	done
}
peer() { # peer NAME MODE [ARG]: peer.py serving on $D/NAME in the background
	python3 "$S/peer.py" "$D/$1" "$2" ${3:+"$3"} --life 60 &
	peers="$peers $!"
	wait_for test -S "$D/$1"
}
stop_peers() { for p in $peers; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; peers=""; }
