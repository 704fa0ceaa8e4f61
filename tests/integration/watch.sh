#!/bin/sh
# watch.sh: `watch` sees running programs talk without a proxy. python3 peers (watchpeers.py)
# connect first; the watch starts after; then they exchange known bytes, and the batch's
# --json events must hold every byte of both directions in order with the right pids (stream,
# seqpacket, datagram), the kinds of descriptors passed, and for a sender of many small writes
# every call or a "not seen" count that makes up the difference. After `watch stop` and after
# SIGKILL, none of the BPF programs udscope loaded remain. Root only (BPF).
set -u
NAME=watch
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"
. "$S/tapcmd-lib.sh"
PLAN=21

command -v python3 >/dev/null 2>&1 || skip_all $PLAN "python3 not installed (apt-get install python3)"
[ "$(id -u)" = 0 ] || skip_all $PLAN "not root: watch loads a BPF program"
probe=$(printf 'watch inode 1\nquit\n' | "$U" -b 2>&1)
case $probe in
*"this build has no watch"*)
	skip_all $PLAN "this build has no watch (apt-get install clang bpftool libbpf-dev)" ;;
*"no Unix socket has that inode"*) ;;   # loaded, attached, and found nothing
*) skip_all $PLAN "BPF cannot be loaded here: $(echo "$probe" | head -1)" ;;
esac
command -v bpftool >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
echo "1..$PLAN"

# scenario MODE: the peers of MODE connect, the watch starts, they talk, the watch stops.
watch_run() {
	dd="$D/$1"
	mkdir "$dd"
	python3 "$S/watchpeers.py" run "$1" "$dd/s" "$dd" >"$dd/py" 2>&1 &
	ppid=$!
	peers="$peers $ppid"
	wait_for test -e "$dd/ready"
	start_udscope --json ${WATCH_UD_ARGS:-}
	say "watch $dd/s ${2:-}"
	wait_for grep -q '"text":"watching ' "$D/out"
	[ -n "${WATCH_PAUSE:-}" ] && kill -STOP "$upid"   # nobody reads the ring buffer now
	touch "$dd/go"
	wait_for test -e "$dd/done"
	wait "$ppid"
	[ -n "${WATCH_PAUSE:-}" ] && kill -CONT "$upid"
	# The ring buffer is read on udscope's own time: status counts what has been read so far.
	[ -n "${WATCH_CALLS:-}" ] && wait_for sh -c \
		"[ \$(grep -c '\"kind\":\"recv\"' '$D/out') -ge $WATCH_CALLS ]"
	say "watch status"
	wait_for grep -q '"text":"#1 ' "$D/out"
	say "watch stop"
	wait_for grep -q 'stopped and detached' "$D/out"
	finish
}
verdict() { python3 "$S/watchpeers.py" check "$1" "$D/$1" "$D/out" >"$D/$1/verdict" 2>&1; }
saw() { watch_run "$@"; verdict "$1"; grep -q '^ok' "$D/$1/verdict"; }

WATCH_CALLS=10
saw stream
unset WATCH_CALLS
check "stream: every byte both ways, in order, with the sender's pid ($(cat "$D/stream/verdict"))" \
	grep -q '^ok' "$D/stream/verdict"
check "watch status names the method and counts the calls each way" \
	grep -qE '"text":"#1 .*, watching through the raw syscall tracepoint sys_exit: [0-9]+ sockets watched; client->server 130 bytes in 5 calls, server->client 120 bytes in 5 calls; 0 calls not seen' "$D/out"
check "seqpacket: every message both ways, in order, with the sender's pid" saw seqpacket
check "a client connecting after the watch started: its sends name its pid, both ways in order" \
	saw late
# Bytes sent before the accept were not seen at the sender: that connection is watched at the
# receiver instead, and nothing is lost or shown twice.
watch_run early
verdict early
check "a client sending before the server accepts: every byte once, in order, named by the receiver ($(cat "$D/early/verdict"))" \
	sh -c "grep -q '^ok' '$D/early/verdict' && grep -q 'watched from the server.s end' '$D/out'"
# Clients sending as soon as they connect, racing the accepts: each connection's bytes once.
watch_run race
verdict race
check "200 clients sending while accepted: every connection's bytes exactly once ($(cat "$D/race/verdict"))" \
	grep -q '^ok' "$D/race/verdict"
check "dgram: every datagram to the bound socket and every reply, with the pids" saw dgram
check "sendmmsg and recvmmsg: each message of the vector is a line, with the pids" saw mmsg
rm -rf "$D/mmsg"
export WATCH_MMSG_N=11
watch_run mmsg
verdict mmsg
unset WATCH_MMSG_N
check "vectors of 11 messages: every message of each is a line, in order, with the pids; none left undecoded ($(cat "$D/mmsg/verdict"))" \
	grep -q '^ok' "$D/mmsg/verdict"
watch_run big "--pcap $D/big.pcap"
verdict big
check "sends longer than --snap: each call's whole length, its first 4096 bytes kept (the pcap) ($(cat "$D/big/verdict"))" \
	grep -q '^ok' "$D/big/verdict"
# --bytes full shows what the watch kept of such a call: its --snap bytes, said as truncated.
rm -rf "$D/big" "$D/big.pcap"
WATCH_UD_ARGS="--bytes full" watch_run big "--pcap $D/big.pcap"
WATCH_BIG_FULL=1 verdict big
check "--bytes full: a send longer than --snap shows the 4096 bytes kept, truncated ($(cat "$D/big/verdict"))" \
	grep -q '^ok' "$D/big/verdict"
watch_run sendfile
verdict sendfile
check "sendfile and splice to the socket: their lengths, said as contents not seen, with the pid ($(cat "$D/sendfile/verdict"))" \
	grep -q '^ok' "$D/sendfile/verdict"
check "SCM_RIGHTS: the call counts two fds, a line says a regular file and a socket" saw fds
# A flood through a small ring buffer: what the program could not put in it is counted.
WATCH_MANY=200000
export WATCH_MANY
watch_run many "--ring-mb 1"
verdict many
check "200000 small writes: every call seen or counted as not seen ($(cat "$D/many/verdict"))" \
	grep -q '^ok' "$D/many/verdict"
# The same while udscope is stopped (SIGSTOP): the 1 MiB ring buffer fills, and what did not
# fit is counted, exactly.
rm -rf "$D/many"
WATCH_PAUSE=1 watch_run many "--ring-mb 1"
verdict many
check "the same with udscope stopped: calls seen + calls not seen = calls made ($(cat "$D/many/verdict"))" \
	sh -c "grep -q '^ok' '$D/many/verdict' && ! grep -q 'lost=0' '$D/many/verdict'"

# The BPF programs a udscope holds (their ids, from its descriptors' fdinfo).
prog_ids() { cat /proc/"$1"/fdinfo/* 2>/dev/null | sed -n 's/^prog_id:[[:space:]]*//p' | sort -u; }
# none_loaded IDS...: true when there are ids and bpftool knows none of them any more.
none_loaded() {
	[ $# -gt 0 ] || return 1
	for id in "$@"; do
		bpftool prog show id "$id" >/dev/null 2>&1 && return 1
	done
	return 0
}
start_udscope
say "server start $D/srv1"
wait_for test -S "$D/srv1"
say "watch $D/srv1"
wait_for grep -q '^watch: watching ' "$D/out"
ids=$(prog_ids "$upid")
say "watch stop"
wait_for grep -q 'stopped and detached' "$D/out"
left=$(prog_ids "$upid")
# (the kernel frees a program a moment after its last descriptor closes)
if [ -n "$ids" ] && [ -z "$left" ] && wait_for none_loaded $ids; then
	ok "after watch stop, its BPF programs ($(echo $ids)) are unloaded and udscope holds none"
else
	notok "after watch stop, BPF programs remain (held: '$(echo $left)'; loaded: $(echo $ids))"
fi
finish

start_udscope
say "server start $D/srv2"
wait_for test -S "$D/srv2"
say "watch $D/srv2"
wait_for grep -q '^watch: watching ' "$D/out"
ids=$(prog_ids "$upid")
kill -KILL "$upid"
wait "$upid" 2>/dev/null
exec 3>&-
if wait_for none_loaded $ids; then ok "after SIGKILL, its BPF programs ($(echo $ids)) are unloaded"; else
	notok "after SIGKILL, a BPF program remains: $(echo $ids)"; fi

# Without CAP_BPF and CAP_PERFMON (root's dropped): one line says which are missing and
# suggests tap; the next command works.
if ! command -v capsh >/dev/null 2>&1; then
	skip "capsh not installed (apt-get install libcap2-bin)"
else
	capsh --drop=cap_bpf,cap_perfmon,cap_sys_admin -- -c \
		"printf 'watch inode 1\nsessions\nquit\n' | '$U' -b" >"$D/out" 2>"$D/err"
	check "without CAP_BPF and CAP_PERFMON: one line names both and suggests tap; sessions runs" \
		sh -c "[ \$(wc -l <'$D/err') -eq 1 ] && grep -q 'watch inode 1: needs root or CAP_BPF and CAP_PERFMON (missing: CAP_BPF, CAP_PERFMON); tap ' '$D/err' &&
		grep -q 'no sessions' '$D/out'"
fi

# curl asks a python3 HTTP server on a Unix socket; the watch's pcap is read by tshark as HTTP.
if ! command -v curl >/dev/null 2>&1; then
	skip "curl not installed (apt-get install curl)"
	skip "curl not installed (apt-get install curl)"
	skip "curl not installed (apt-get install curl)"
elif ! command -v tshark >/dev/null 2>&1; then
	skip "tshark not installed (apt-get install tshark)"
	skip "tshark not installed (apt-get install tshark)"
	skip "tshark not installed (apt-get install tshark)"
else
	python3 "$S/watchpeers.py" run http "$D/h" "$D" >"$D/http.log" 2>&1 &
	peers="$peers $!"
	wait_for test -e "$D/ready"
	# The listener bound its absolute path; the watch is given a relative one: the node's
	# device and inode find it, not the name sock_diag reports.
	(cd "$D" && "$U" -b -e "watch h" -e "watch stop") >"$D/rel.out" 2>&1
	check "watch with a relative path finds the listener by its node" \
		grep -q 'watching h: 1 socket' "$D/rel.out"
	start_udscope
	say "watch $D/h --pcap $D/h.pcap --dissector http --decode http"
	wait_for grep -q 'watching ' "$D/out"
	curl -s --max-time 20 --unix-socket "$D/h" http://localhost/hello >"$D/curl.out" 2>&1
	wait_for grep -q 'hello from python3' "$D/out"
	wait_for grep -q 'decoded chunk [0-9]*: HTTP .*200 OK' "$D/out"
	say "watch stop"
	wait_for grep -q 'stopped and detached' "$D/out"
	finish
	tshark -r "$D/h.pcap" -Y http >"$D/tshark.out" 2>&1
	check "the pcap of curl asking python3 reads as HTTP in tshark (GET and 200 OK)" sh -c "
		grep -q 'GET /hello' '$D/tshark.out' && grep -q '200 OK' '$D/tshark.out'"
	check "watch --decode http: the request and the answer decoded live (GET /hello, 200 OK)" sh -c "
		grep -q 'decoded chunk [0-9]*: HTTP GET /hello' '$D/out' &&
		grep -q 'decoded chunk [0-9]*: HTTP .*200 OK' '$D/out'"
fi
