#!/bin/sh
# soak.sh: run the console for a while under traffic, connection churn, pair demos and resizes,
# printing its fd count and RSS over time (not part of make check).
#   usage: tests/soak.sh [MINUTES] [UDSCOPE-BINARY]
set -u
minutes=${1:-10}
U=${2:-${UDSCOPE:-src/udscope}}
U=$(cd "$(dirname "$U")" && pwd)/$(basename "$U")
command -v tmux >/dev/null || { echo "soak: needs tmux" >&2; exit 2; }
D=$(mktemp -d /tmp/udscope-soak-XXXXXX)
T="udscope-soak-$$"
cleanup() {
	[ -n "${churn_pid:-}" ] && kill "$churn_pid" 2>/dev/null
	[ -n "${flood_pid:-}" ] && kill "$flood_pid" 2>/dev/null
	tmux -L "$T" kill-server 2>/dev/null
	rm -rf "$D"
}
trap cleanup EXIT INT TERM
tmux -L "$T" -f /dev/null new-session -d -x 140 -y 40 \
	"cd '$D' && HOME='$D' XDG_STATE_HOME='$D/state' '$U'"
sleep 1
pid=$(tmux -L "$T" display -p '#{pane_pid}')
tmux -L "$T" send-keys "server start $D/s --chunk 16" Enter
i=0; while [ ! -S "$D/s" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ -S "$D/s" ] || { echo "soak: the server did not start" >&2; exit 1; }

# Churn: short-lived walkthrough clients, one after another.
( while :; do "$U" --batch -e "client $D/s" </dev/null >/dev/null 2>&1 || true; done ) &
churn_pid=$!
# Traffic: a steady stream through the 16-byte echo, restarted every 20 s.
if command -v socat >/dev/null; then
	( while :; do timeout 20 socat -u /dev/zero "UNIX-CONNECT:$D/s" >/dev/null 2>&1 || true; done ) &
	flood_pid=$!
fi

fds() { ls "/proc/$pid/fd" 2>/dev/null | wc -l; }
rss() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null; }
hwm() { awk '/^VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null; }
printf '%8s %6s %10s %10s %s\n' "seconds" "fds" "RSS KiB" "peak KiB" "server status"
start=$(date +%s)
end=$((start + minutes * 60))
sizes="140x40 60x16 200x60 50x12 100x30"
n=0
while [ "$(date +%s)" -lt "$end" ]; do
	kill -0 "$pid" 2>/dev/null || { echo "soak: udscope exited" >&2; exit 1; }
	n=$((n + 1))
	tmux -L "$T" send-keys "pair" Enter
	size=$(echo $sizes | cut -d' ' -f$(( (n % 5) + 1 )))
	tmux -L "$T" resize-window -x "${size%x*}" -y "${size#*x}" 2>/dev/null || true
	if [ $((n % 10)) -eq 0 ]; then
		status=$(tmux -L "$T" capture-pane -p | grep -o 'Server [^ ]* [a-z]* [^│]*' | head -n 1)
		printf '%8d %6s %10s %10s %s\n' $(( $(date +%s) - start )) "$(fds)" "$(rss)" "$(hwm)" "$status"
	fi
	sleep 3
done
tmux -L "$T" resize-window -x 140 -y 40
tmux -L "$T" send-keys "quit" Enter
sleep 1
if [ -e "$D/s" ]; then echo "soak: quit left the node behind" >&2; exit 1; fi
echo "soak: done after $minutes minutes; quit removed the node"
