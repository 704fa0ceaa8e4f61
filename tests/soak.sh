#!/bin/sh
# soak.sh: run the console for a while under traffic, connection churn, pair demos and resizes,
# printing its fd count and RSS over time (not part of make check).
#   usage: tests/soak.sh [MINUTES] [UDSCOPE-BINARY]
set -u
minutes=${1:-10}
U=${2:-${UDSCOPE:-src/udscope}}
U=$(cd "$(dirname "$U")" && pwd)/$(basename "$U")
command -v tmux >/dev/null || { echo "soak: needs tmux" >&2; exit 2; }
D=$(mktemp -d "${TMPDIR:-/tmp}/udscope-soak-XXXXXX")
T="udscope-soak-$$"
cleanup() {
	[ -n "${churn_pid:-}" ] && kill "$churn_pid" 2>/dev/null
	[ -n "${flood_pid:-}" ] && kill "$flood_pid" 2>/dev/null
	tmux -L "$T" kill-server 2>/dev/null
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$T"   # tmux 3.3 leaves it
	rm -rf "$D"
}
trap cleanup EXIT INT TERM
# The shell stays after the console ends, to say how it ended.
tmux -L "$T" -f /dev/null new-session -d -x 140 -y 40 \
	"cd '$D' && HOME='$D' XDG_STATE_HOME='$D/state' '$U'; echo \$? >'$D/exit'; sleep 3600"
sleep 1
pid=$(pgrep -P "$(tmux -L "$T" display -p '#{pane_pid}')" | head -n 1)
tmux -L "$T" send-keys "server start ./s --chunk 16" Enter
i=0; while [ ! -S "$D/s" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ -S "$D/s" ] || { echo "soak: the server did not start" >&2; exit 1; }

# Churn: short-lived walkthrough clients, one after another.
( while :; do "$U" --batch -e "client $D/s" </dev/null >/dev/null 2>&1 || true; done ) &
churn_pid=$!
# Traffic: a steady stream through the 16-byte echo (socat writes zeros and reads the echo
# back), restarted every 20 s.
if command -v socat >/dev/null; then
	( while :; do timeout 20 socat /dev/zero "UNIX-CONNECT:$D/s" >/dev/null 2>&1 || true; done ) &
	flood_pid=$!
fi

fds() { ls "/proc/$pid/fd" 2>/dev/null | wc -l; }
rss() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null; }
hwm() { awk '/^VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null; }
printf '%8s %6s %10s %10s %s\n' "seconds" "fds" "RSS KiB" "peak KiB" "server totals"
start=$(date +%s)
end=$((start + minutes * 60))
sizes="140x40 60x16 200x60 50x12 100x30"
n=0
while [ "$(date +%s)" -lt "$end" ]; do
	kill -0 "$pid" 2>/dev/null || { echo "soak: udscope exited with status $(cat "$D/exit")" >&2;
		tmux -L "$T" capture-pane -p | tail -n 5 >&2; exit 1; }
	n=$((n + 1))
	tmux -L "$T" send-keys "pair" Enter
	size=$(echo $sizes | cut -d' ' -f$(( (n % 5) + 1 )))
	tmux -L "$T" resize-window -x "${size%x*}" -y "${size#*x}" 2>/dev/null || true
	if [ $((n % 10)) -eq 0 ]; then
		tmux -L "$T" resize-window -x 200 -y 50
		sleep 0.2
		status=$(tmux -L "$T" capture-pane -p | grep -o 'listening [0-9]* *cl[a-z]* in [^│┐]*' | head -n 1)
		printf '%8d %6s %10s %10s %s\n' $(( $(date +%s) - start )) "$(fds)" "$(rss)" "$(hwm)" "$status"
	fi
	sleep 3
done
tmux -L "$T" resize-window -x 140 -y 40
tmux -L "$T" send-keys "quit" Enter
i=0; while [ ! -e "$D/exit" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ "$(cat "$D/exit" 2>/dev/null)" = 0 ] || { echo "soak: quit did not exit 0" >&2; exit 1; }
if [ -e "$D/s" ]; then echo "soak: quit left the node behind" >&2; exit 1; fi
echo "soak: done after $minutes minutes; quit removed the node"
