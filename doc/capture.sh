#!/bin/sh
# capture.sh: the README's pictures of the console. Runs udscope (-n: no init file) in a
# private tmux server at 80x24 and at 120x40, types a short session at its prompt, captures
# the screen with its colours (tmux capture-pane -e), and draws it (doc/ansi2svg.py, then
# rsvg-convert) into doc/console-80x24.png and doc/console-120x40.png. Re-run it whenever
# the console changes. Needs tmux, python3 and rsvg-convert (apt-get install tmux python3
# librsvg2-bin) and the DejaVu fonts (fonts-dejavu-core).
# Usage: doc/capture.sh [UDSCOPE-BINARY [OUTPUT-DIRECTORY]]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=$(cd "$(dirname "${1:-$top/src/udscope}")" && pwd)/$(basename "${1:-$top/src/udscope}")
outdir=${2:-$top/doc}
for t in tmux python3 rsvg-convert; do
	command -v "$t" >/dev/null 2>&1 || { echo "capture.sh: $t is needed" >&2; exit 1; }
done
[ -x "$bin" ] || { echo "capture.sh: no udscope at $bin (build it first)" >&2; exit 1; }
work=$(mktemp -d /tmp/udscope-capture-XXXXXX)
sock="udscope-capture-$$"
tm() { tmux -L "$sock" -f /dev/null "$@"; }
trap 'tm kill-server >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

# wait_for TEXT: until the screen shows TEXT (10 s at most).
wait_for() {
	i=0
	while ! tm capture-pane -p | grep -qF -- "$1"; do
		i=$((i + 1))
		[ $i -lt 200 ] || { echo "capture.sh: '$1' never showed:" >&2; tm capture-pane -p >&2; exit 1; }
		sleep 0.05
	done
}
type_line() { tm send-keys -l "$1"; tm send-keys Enter; }

# shot COLS ROWS: one session at that size, drawn into console-COLSxROWS.png.
shot() {
	# A directory of its own: the last shot's console may still be leaving its node.
	mkdir -p "$work/$1x$2"
	tm new-session -d -x "$1" -y "$2" -c "$work/$1x$2" \
		"env TERM=tmux-256color LANG=C.UTF-8 '$bin' -n"
	tm set-option -g default-terminal tmux-256color >/dev/null
	wait_for 'udscope>'
	type_line 'server start ./uds_socket'
	wait_for 'waiting for a connection'
	type_line 'client ./uds_socket'
	wait_for 'repeated.'
	# At 80x24 the walkthrough alone: its six chunk lines, the client and the server at
	# once, with the sessions table under its two rows. Wider, a connection too.
	if [ "$1" -gt 80 ]; then
		type_line 'connect ./uds_socket'
		type_line 'send "GET /status\n"'
		wait_for 'GET /status'
	fi
	type_line 'sessions'
	wait_for 'Report: sessions'
	sleep 0.5
	tm capture-pane -e -p -N >"$work/screen.ans"
	python3 "$top/doc/ansi2svg.py" "$1" "$2" <"$work/screen.ans" >"$work/screen.svg"
	rsvg-convert -o "$outdir/console-$1x$2.png" "$work/screen.svg"
	echo "capture.sh: wrote $outdir/console-$1x$2.png"
	type_line 'quit'
	tm kill-server >/dev/null 2>&1 || true
	# The next shot starts a new tmux server: wait until this one is gone.
	i=0
	while tm ls >/dev/null 2>&1 && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
}

shot 80 24
shot 120 40
