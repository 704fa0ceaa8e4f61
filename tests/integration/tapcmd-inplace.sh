#!/bin/sh
# tapcmd-inplace: the in-place tap does no harm. As root in front of a service whose user owns
# the directory: a node swapped for a symlink while the tap sets it up (the race made wide by
# strace's syscall delay injection) never passes root's chown/chmod to another file; a hidden
# node swapped for a symlink never leads a client elsewhere and is never put back at the path.
# A service that restarts during the tap keeps its new node on every restore path (tap stop,
# SIGTERM, the guard after SIGKILL, tap --restore); the guard outlives kill -9 of udscope's
# process group; a stopped guard does not hang tap stop; an ACL-admitted client gets in during
# the tap; a refused rename says its errno once; a leftover is pointed at by inspect; --json
# types what the stop found and did.
set -u
NAME=tapcmd-inplace
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"
. "$S/tapcmd-lib.sh"

command -v python3 >/dev/null 2>&1 || skip_all 27 "python3 not installed (apt-get install python3)"
echo "1..27"
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3   # one another user can run too
chmod 755 "$D"
cp "$S/peer.py" "$D/peer.py"
ino() { stat -c %i "$1" 2>/dev/null; }
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
root=false
[ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1 && root=true
asnobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
# speer WHO PATH MODE [ARG]: peer.py serving at PATH as WHO (me or nobody), in the background
speer() {
	who=$1; shift
	if [ "$who" = nobody ]; then
		# setpriv itself, not the asnobody function: a function in the background is a
		# subshell whose pid a kill would reach, not the peer's.
		setpriv --reuid=65534 --regid=65534 --clear-groups "$PY" "$D/peer.py" "$@" --life 60 &
	else
		"$PY" "$D/peer.py" "$@" --life 60 &
	fi
	peers="$peers $!"
	spid=$!
	wait_for test -S "$1"
}
hex() { printf %s "$1" | od -An -tx1 | tr -d ' \n'; }
ask() { # ask PATH [nobody]: send "hi", print the answer
	if [ "${2:-}" = nobody ]; then
		printf hi | asnobody timeout 20 socat -t 20 - "UNIX-CONNECT:$1" 2>&1
	else
		printf hi | timeout 20 socat -t 20 - "UNIX-CONNECT:$1" 2>&1
	fi
}
guard_of() { sed -n 's/.*guard process (pid \([0-9]*\).*/\1/p' "$1" | head -1; }
stopped() { # stopped PID: it has ended, or is a zombie
	s=$(ps -o stat= -p "$1" 2>/dev/null)
	[ -z "$s" ] || [ "${s#Z}" != "$s" ]
}
have_socat=true
command -v socat >/dev/null 2>&1 || have_socat=false

# 1-2: the race between bind and chown/chmod, made wide: the service user swaps the tap's new
# node for a symlink to a root-owned file.
if $root && command -v strace >/dev/null 2>&1; then
	mkdir "$D/w" && chown 65534:65534 "$D/w"
	speer nobody "$D/w/svc" http
	chmod 6777 "$D/w/svc" 2>/dev/null || asnobody chmod 777 "$D/w/svc"
	echo keep >"$D/victim" && chmod 600 "$D/victim"
	asnobody timeout 60 "$PY" - "$D/w/svc" "$D/victim" >"$D/racer" 2>&1 <<'EOF' &
import os, stat, sys, time
path, victim = sys.argv[1], sys.argv[2]
orig = os.lstat(path).st_ino
print("ready", flush=True)
end = time.monotonic() + 50
while time.monotonic() < end:
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        continue
    if stat.S_ISSOCK(st.st_mode) and st.st_ino != orig:
        tmp = os.path.join(os.path.dirname(path), ".racer")
        os.symlink(victim, tmp)
        os.rename(tmp, path)
        print("swapped")
        break
EOF
	racer=$!
	wait_for grep -q ready "$D/racer"   # it knows the server's node before the tap starts
	rm -f "$D/in" && mkfifo "$D/in"
	strace -f -qq -o /dev/null -e trace=bind -e inject=bind:delay_exit=300000 \
		"$U" -b <"$D/in" >"$D/out" 2>"$D/err" &
	upid=$!
	exec 3>"$D/in"
	say "tap $D/w/svc --in-place"
	wait_for grep -q "in place" "$D/out"
	wait_for grep -q swapped "$D/racer"
	finish
	kill "$racer" 2>/dev/null; wait "$racer" 2>/dev/null
	check "race: the racer swapped the tap's node for a symlink" grep -q swapped "$D/racer"
	check "race: root's chown/chmod never reached the file the symlink names" sh -c \
		"[ \"\$(stat -c '%a %u %g' '$D/victim')\" = '600 0 0' ]"
	stop_peers
else
	skip "needs root, setpriv and strace (apt-get install strace util-linux)"
	skip "needs root, setpriv and strace (apt-get install strace util-linux)"
fi

# 3-5: the hidden node swapped for a symlink to a root-only socket.
if $root && $have_socat; then
	mkdir -p "$D/h" "$D/r" && chown 65534:65534 "$D/h" && chmod 700 "$D/r"
	speer me "$D/r/secret" answer "$(hex SECRET)"
	speer nobody "$D/h/svc" answer "$(hex SERVICE)"
	start_udscope
	say "tap $D/h/svc --in-place"
	wait_for test -S "$D/h/.svc.udscope-tap"
	wait_for grep -q "in place" "$D/out"
	# A directory is not renamed over by a file: the attacker moves it away first.
	asnobody sh -c "mv -T '$D/h/.svc.udscope-tap' '$D/h/.moved'; ln -s '$D/r/secret' '$D/h/.x' && mv -T '$D/h/.x' '$D/h/.svc.udscope-tap'"
	ask "$D/h/svc" nobody >"$D/got"
	check "hidden symlink: the symlink is in place" test -L "$D/h/.svc.udscope-tap"
	check "hidden symlink: a client through the tap never reaches the root-only socket" sh -c \
		"! grep -q SECRET '$D/got'"
	finish
	check "hidden symlink: at stop the symlink is not put at the path" sh -c \
		"[ ! -L '$D/h/svc' ] && grep -q 'symbolic link' '$D/out'"
	stop_peers
else
	skip "needs root, setpriv and socat (apt-get install socat)"; skip "needs root, setpriv and socat (apt-get install socat)"
	skip "needs root, setpriv and socat (apt-get install socat)"
fi

# 6-13: the service restarts during the tap (unlinks the path, binds a new node); each way the
# tap ends leaves the new node, which still accepts, and removes the dead original.
restart() { # restart P: the service at $D/P restarts; the new node's inode in $new
	kill "$spid"; wait "$spid" 2>/dev/null
	rm -f "$D/$1"
	speer me "$D/$1" http
	new=$(ino "$D/$1")
}
accepts() { # accepts P: $D/P is the new node and a client gets its answer
	[ "$(stat -c %i "$D/$1")" = "$new" ] &&
		curl -s --max-time 20 --unix-socket "$D/$1" http://uds/ | grep -q 'hello from uds'
}
survives() { # survives P WHAT LOG: checks 2 tests
	[ "$3" = "$D/out" ] || cp "$3" "$D/out"   # what a failure shows
	check "restart, $2: the new node stays and accepts" accepts "$1"
	check "restart, $2: the dead original is gone, and it says so" sh -c \
		"[ ! -e '$D/.$1.udscope-tap' ] && grep -q 'new node' '$3'"
}
if command -v curl >/dev/null 2>&1; then
	speer me "$D/r1" http
	start_udscope
	say "tap $D/r1 --in-place"
	wait_for grep -q "in place" "$D/out"
	restart r1
	say "tap stop"
	wait_for grep -q "stopped after" "$D/out"
	finish
	survives r1 "tap stop" "$D/out"

	speer me "$D/r2" http
	"$U" -b -e "tap $D/r2 --in-place" </dev/null >"$D/tout" 2>&1 &
	tpid=$!
	wait_for grep -q "in place" "$D/tout"
	restart r2
	kill -TERM $tpid
	wait_for stopped $tpid
	survives r2 "SIGTERM" "$D/tout"

	speer me "$D/r3" http
	"$U" -b -e "tap $D/r3 --in-place" </dev/null >"$D/tout" 2>&1 &
	tpid=$!
	wait_for grep -q "in place" "$D/tout"
	restart r3
	kill -KILL $tpid
	wait $tpid 2>/dev/null
	wait_for sh -c "[ ! -e '$D/.r3.udscope-tap' ]"
	check "restart, SIGKILL and the guard: the new node stays and accepts" accepts r3

	speer me "$D/r4" http
	"$U" -b -e "tap $D/r4 --in-place" </dev/null >"$D/tout" 2>&1 &
	tpid=$!
	wait_for grep -q "in place" "$D/tout"
	g=$(guard_of "$D/tout")
	kill -KILL ${g:+"$g"} $tpid
	wait $tpid 2>/dev/null
	restart r4
	timeout 20 "$U" -b -e "inspect $D/r4" </dev/null >"$D/insp" 2>&1
	check "a leftover: inspect points at it and at --restore" sh -c \
		"grep -q '.r4.udscope-tap' '$D/insp' && grep -q 'tap $D/r4 --restore' '$D/insp'"
	timeout 20 "$U" -b -e "tap $D/r4 --restore" </dev/null >"$D/tout" 2>&1
	survives r4 "tap --restore" "$D/tout"
	stop_peers
else
	for i in 1 2 3 4 5 6 7 8; do skip "curl not installed (apt-get install curl)"; done
fi

# 14: kill -9 of udscope's whole process group: the guard, in a session of its own, survives
# and puts the node back.
if command -v setsid >/dev/null 2>&1; then
	speer me "$D/pg" http
	before=$(ino "$D/pg")
	setsid -w "$U" -b -e "tap $D/pg --in-place" </dev/null >"$D/tout" 2>&1 &
	tpid=$!
	wait_for grep -q "in place" "$D/tout"
	upid=$(sed -n "s/.*udscope's pid \([0-9]*\)).*/\1/p; s/.*udscope's credentials (pid \([0-9]*\)).*/\1/p" \
		"$D/tout" | head -1)
	pg=$(ps -o pgid= -p "${upid:-0}" | tr -d ' ')
	# Never this script's own group: only once udscope leads a group of its own.
	killed=no
	if [ -n "$pg" ] && [ "$pg" = "$upid" ] && [ "$pg" != "$(ps -o pgid= -p $$ | tr -d ' ')" ]
	then
		kill -KILL "-$pg" && killed=yes
	else
		kill -TERM "${upid:-$tpid}"   # not a test of anything: the check below fails
	fi
	wait $tpid 2>/dev/null
	wait_for sh -c "[ \"\$(stat -c %i '$D/pg')\" = '$before' ] && [ ! -e '$D/.pg.udscope-tap' ]"
	check "kill -9 -PGID: the guard puts the node back" sh -c \
		"[ $killed = yes ] && [ \"\$(stat -c %i '$D/pg')\" = '$before' ] && [ ! -e '$D/.pg.udscope-tap' ]"
	stop_peers
else
	skip "setsid not installed"
fi

# 15-17: a stopped guard: tap stop still returns, and says so (in --json, typed).
speer me "$D/st" http
start_udscope --json
say "tap $D/st --in-place"
wait_for grep -q "in place" "$D/out"
g=$(guard_of "$D/out")
[ -n "$g" ] && kill -STOP "$g"
say "tap stop"
wait_for grep -q "stopped after" "$D/out"
check "a stopped guard: tap stop returns" grep -q "stopped after" "$D/out"
check "a stopped guard: tap stop says the guard did not answer" grep -q "guard.*did not" "$D/out"
check "a stopped guard: fact guard-silent, its pid, the tap's path" grep -qF \
	"\"fact\":\"guard-silent\",\"guard_pid\":$g,\"path\":\"$D/st\"" "$D/out"
[ -n "$g" ] && kill -CONT "$g" && wait_for sh -c "! kill -0 $g 2>/dev/null"   # it ends, once running
finish
stop_peers

# 18-19: a client the socket's ACL admits (and its mode does not) gets in during the tap.
if $root && command -v setfacl >/dev/null 2>&1 && command -v curl >/dev/null 2>&1; then
	mkdir "$D/acl"
	speer me "$D/acl/svc" http
	chmod 700 "$D/acl/svc"
	setfacl -m u:nobody:rwx "$D/acl/svc"
	if asnobody curl -s --max-time 20 --unix-socket "$D/acl/svc" http://uds/ | grep -q hello
	then
		start_udscope
		say "tap $D/acl/svc --in-place"
		wait_for grep -q "in place" "$D/out"
		asnobody curl -s --max-time 20 --unix-socket "$D/acl/svc" http://uds/ >"$D/body" 2>&1
		check "ACL: the tap's node keeps the ACL entry" sh -c \
			"getfacl -p '$D/acl/svc' 2>/dev/null | grep -q '^user:nobody:rwx'"
		check "ACL: the admitted client gets in through the tap" grep -q hello "$D/body"
		finish
	else
		skip "the file system ignores ACLs here"; skip "the file system ignores ACLs here"
	fi
	stop_peers
else
	skip "needs root, setpriv, setfacl and curl (apt-get install acl curl)"; skip "needs root, setpriv, setfacl and curl (apt-get install acl curl)"
fi

# 20: a rename refused with EACCES says so once.
if $root; then
	mkdir "$D/ro"
	speer me "$D/ro/svc" http
	chmod 777 "$D/ro/svc"
	asnobody timeout 20 "$U" -b -e "tap $D/ro/svc --in-place" </dev/null >"$D/out" 2>"$D/err"
	grep "tap $D/ro/svc" "$D/err" >"$D/line"
	check "EACCES: one clear line, the errno said once" sh -c \
		"[ \"\$(wc -l <'$D/line')\" = 1 ] && [ \"\$(grep -o 'Permission denied' '$D/line' | wc -l)\" = 1 ] && grep -q '(EACCES)' '$D/line'"
	stop_peers
else
	skip "needs root and setpriv"
fi

# 21-23: sockets during an in-place tap marks which listener is the tap's and which the
# hidden server's; after stop the path is the server's again.
speer me "$D/mk" http
before=$(ino "$D/mk")
start_udscope
say "tap $D/mk --in-place"
wait_for grep -q "in place" "$D/out"
say "sockets $D"
wait_for grep -q "hidden by" "$D/out"
check "sockets: the tap's listener is marked" grep -q "udscope's in-place tap" "$D/out"
check "sockets: the hidden server is marked" grep -q "hidden by" "$D/out"
finish
check "sockets: after stop the server is back" sh -c "[ \"\$(stat -c %i '$D/mk')\" = '$before' ]"
stop_peers

# 24-25: --json: what the stop found and did is typed: the tap's own node put back; a service
# that restarted keeps its new node and the dead original is removed.
has() { grep -F -- "$2" "$1" | grep -qF -- "$3"; }   # has FILE MEMBER MEMBER: on one line
inplace_json() { # inplace_json P [restart]: an in-place tap on $D/P stopped, --json in $D/out
	speer me "$D/$1" http
	start_udscope --json
	say "tap $D/$1 --in-place"
	wait_for grep -q "in place" "$D/out"
	[ $# -lt 2 ] || restart "$1"
	finish
	stop_peers
}
inplace_json mj
check "json: the tap's node at stop: fact inplace-restored, found ours, the original put back" \
	has "$D/out" '"fact":"inplace-restored"' "\"found\":\"ours\",\"original\":\"put-back\",\"private_dir\":\"removed\",\"path\":\"$D/mj\""
if command -v curl >/dev/null 2>&1; then
	inplace_json mr restart
	check "json: a restarted service: found new-node, the dead original removed" \
		has "$D/out" '"fact":"inplace-restored"' '"found":"new-node","original":"removed"'
else
	skip "curl not installed (apt-get install curl)"
fi

# 26-27: tap --restore where an older udscope left the node itself at the hidden name and
# something now holds PATH: refused, typed (restore-failed, old-layout), the words as before.
python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$D/.ol.udscope-tap"
echo keep >"$D/ol"
timeout 20 "$U" -b --json -e "tap $D/ol --restore" </dev/null >"$D/ol.out" 2>&1
check "restore over a taken path: fact restore-failed, reason old-layout, the path and the node" \
	has "$D/ol.out" '"fact":"restore-failed","reason":"old-layout"' \
	"\"path\":\"$D/ol\",\"target\":\"$D/.ol.udscope-tap\""
check "restore over a taken path: the words as before, the file kept" sh -c "grep -qF \
	'\"text\":\"tap $D/ol --restore: rename from $D/.ol.udscope-tap (only to an empty path)' \
	'$D/ol.out' && [ \"\$(cat '$D/ol')\" = keep ]"
