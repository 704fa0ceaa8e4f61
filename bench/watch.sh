#!/bin/sh
# bench/watch.sh: `make bench-watch`: the watched program's write throughput (bench_watch_load,
# 64 KiB and 16 B writes) unwatched, under `udscope watch` (every call's --snap bytes kept and
# shown in --json), and under `strace -f`; and udscope's own CPU per GiB watched. Root only.
# Usage: bench/watch.sh LOAD UDSCOPE [ROUNDS]
# The load's client and server run on CPU 0 (taskset), watched, unwatched and under strace
# alike, and udscope where the scheduler puts it: unpinned, on a 2-core machine, where the
# scheduler placed the client, the server and udscope swung the unwatched run alone by up to
# 1.9x between rounds, and the ratio measured placement rather than the watch.
# BENCH_WATCH_PIN=no runs the load unpinned.
set -u
LOAD=$1 U=$2 ROUNDS=${3:-3}
[ "$(id -u)" = 0 ] || { echo "bench-watch: SKIP not root (watch loads a BPF program)"; exit 0; }
PIN=
if [ "${BENCH_WATCH_PIN:-yes}" != no ] && command -v taskset >/dev/null 2>&1 &&
	[ "$(nproc)" -ge 2 ]; then
	PIN="taskset -c 0"
	echo "bench-watch: the load (client and server) on CPU 0, udscope free (BENCH_WATCH_PIN=no: unpinned)"
else
	echo "bench-watch: the load unpinned"
fi
D=$(mktemp -d "${TMPDIR:-/tmp}/udscope-bench-watch-XXXXXX")
trap 'rm -rf "$D"' EXIT
# run MODE SIZE TOTAL: one run; prints the load's line (and udscope's CPU seconds when watched)
run() {
	mode=$1 size=$2 bytes=$3
	rm -f "$D/go" "$D/ld.out"
	mkfifo "$D/go"
	if [ "$mode" = strace ]; then
		strace -f -qq -s 65535 -o /dev/null $PIN "$LOAD" "$D/s" "$size" "$bytes" <"$D/go" \
			>"$D/ld.out" &
	else
		$PIN "$LOAD" "$D/s" "$size" "$bytes" <"$D/go" >"$D/ld.out" &
	fi
	lpid=$!
	exec 4>"$D/go"
	while ! grep -q ready "$D/ld.out" 2>/dev/null; do sleep 0.02; done
	if [ "$mode" = watch ]; then
		rm -f "$D/uin"; mkfifo "$D/uin"
		"$U" -b --json <"$D/uin" >"$D/u.out" 2>"$D/u.err" &
		upid=$!
		exec 5>"$D/uin"
		echo "watch $D/s" >&5
		while ! grep -q '"text":"watching' "$D/u.out" 2>/dev/null; do sleep 0.05; done
		t0=$(awk '{print $14 + $15}' /proc/$upid/stat)
	fi
	echo go >&4
	exec 4>&-
	wait "$lpid"
	line=$(grep -v ready "$D/ld.out")
	if [ "$mode" = watch ]; then
		# udscope's CPU until every record is read and shown: at the stop's last line
		echo "watch stop" >&5
		while ! grep -q 'stopped and detached' "$D/u.out"; do sleep 0.05; done
		t1=$(awk '{print $14 + $15}' /proc/$upid/stat)
		echo quit >&5
		exec 5>&-
		wait "$upid"
		rm -f "$D/u.out"
		tck=$(getconf CLK_TCK)
		echo "$line udscope-cpu $(echo "$t0 $t1 $tck $bytes" | awk '{printf "%.3f s/GiB", ($2-$1)/$3/($4/1073741824)}')"
	else
		echo "$line"
	fi
}
# 4 GiB in 64 KiB writes and 250,000 16-byte writes (strace: a quarter and a fifth of that,
# it is that much slower).
for size in 65536 16; do
	for r in $(seq "$ROUNDS"); do
		for mode in plain watch strace; do
			case $size.$mode in
			65536.strace) n=1073741824 ;;
			65536.*) n=4294967296 ;;
			16.strace) n=800000 ;;
			*) n=4000000 ;;
			esac
			printf '%-6s ' "$mode"
			run "$mode" "$size" "$n"
		done
	done
done
