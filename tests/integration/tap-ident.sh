#!/bin/sh
# tap-ident.sh: whose identity a tapped server sees. A root tap connects upstream as each
# client (SO_PEERCRED, SO_PEERGROUPS) and passes each chunk's own sender's SCM_CREDENTIALS,
# never udscope's instead (a sender that exited first: its bytes are not passed on, and the
# tap says so); a tap that may not switch refuses another user's client unless
# --lend-my-identity. Clients and the unprivileged tap run as nobody (setpriv).
set -u
NAME=tap-ident
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"

PLAN=15
command -v python3 >/dev/null 2>&1 || skip_all $PLAN "python3 not installed (apt-get install python3)"
[ "$(id -u)" = 0 ] || skip_all $PLAN "not root: only root may run the clients and the tap as nobody"
command -v setpriv >/dev/null 2>&1 || skip_all $PLAN "setpriv not installed (apt-get install util-linux)"
id nobody >/dev/null 2>&1 || skip_all $PLAN "no user nobody"
# The processes run as nobody need a python3 that nobody may execute (not one under /root).
PYN=/usr/bin/python3
[ -x $PYN ] || skip_all $PLAN "no /usr/bin/python3 for the clients run as nobody"
echo "1..$PLAN"

P="$S/tapident.py"
NU=$(id -u nobody)
NG=$(id -g nobody)
chmod 755 "$D"
mkdir "$D/n" && chown nobody "$D/n"   # where nobody binds
BOUND=${UDSCOPE_TEST_RUN:-120}        # no udscope run outlives this many seconds
as_nobody() { setpriv --reuid=nobody --regid="$NG" --clear-groups "$@"; }

# run_udscope [WRAPPER...]: udscope -b (under WRAPPER) reading commands from say(), its
# output in $D/out; finish quits it and waits.
run_udscope() {
	rm -f "$D/in"
	mkfifo -m 644 "$D/in"
	"$@" timeout "$BOUND" "$U" -n -b <"$D/in" >"$D/out" 2>"$D/err" &
	upid=$!
	exec 3>"$D/in"
}
say() { echo "$*" >&3; }
finish() { say quit; exec 3>&-; wait "$upid"; rc=$?; }
srv() { # srv ROLE NAME [GO]: tapident.py ROLE at $D/NAME noting into $D/NAME.facts
	rm -f "$D/$2" "$D/$2.facts"
	python3 "$P" "$1" "$D/$2" "$D/$2.facts" ${3:+"$3"} &
	peers="$peers $!"
	wait_for test -S "$D/$2"
}
ended() { grep -qx end "$D/$1.facts" 2>/dev/null; }
has() { cat "$D/out" "$D/err" | grep -qF "$1"; }

# ---- a root tap: the server sees the client ----
srv server s1
run_udscope
say "tap $D/a1 $D/s1 --mode 0777"
wait_for test -S "$D/a1"
answer=$(setpriv --reuid=nobody --regid="$NG" --groups=100 $PYN "$P" client "$D/a1")
wait_for ended s1
check "root tap, client as nobody: the server's SO_PEERCRED names uid $NU gid $NG, never 0" \
	grep -qE "^peer [0-9]+ $NU $NG\$" "$D/s1.facts"
check "SO_PEERGROUPS carries the client's groups (100)" grep -qx "groups 100" "$D/s1.facts"
check "every chunk's SCM_CREDENTIALS name uid $NU, and the client got the answer" sh -c "
	grep -q '^msg ' '$D/s1.facts' && ! grep '^msg ' '$D/s1.facts' | grep -qv '^msg $NU ' &&
	[ '$answer' = 'seen $NU' ]"
wait_for has "connection closed"
check "the server's line says it sees the client's uid and gid, and udscope's pid" \
	grep -qE "^tap #1: server pid [0-9]+ \(python3\) uid 0 gid 0 answered; its SO_PEERCRED names the client's uid and gid \(connected as the client\) and udscope's pid [0-9]+\$" "$D/out"

# Connect, fork, the parent exits, the child sends: its own credentials go with its bytes.
srv server s2
say "tap $D/a2 $D/s2 --mode 0777"
wait_for test -S "$D/a2"
child=$(as_nobody $PYN "$P" fork "$D/a2")
wait_for ended s2
cpid=$(echo "$child" | sed -n 's/^child \([0-9]*\) got .*/\1/p')
check "connect, fork, parent exits, child sends: SCM_CREDENTIALS name the child (pid $cpid, uid $NU), not uid 0" \
	sh -c "[ -n '$cpid' ] && grep -qE '^msg $NU $cpid [0-9]+\$' '$D/s2.facts' &&
	       ! grep '^msg ' '$D/s2.facts' | grep -qv '^msg $NU '"

# A sender that exits while its bytes still wait in the tap: they keep its uid and gid, with
# udscope's pid (never udscope's uid, never a pid that may be another process's by now).
srv server s3 "$D/go3"
say "tap $D/a3 $D/s3 --mode 0777"
wait_for test -S "$D/a3"
as_nobody $PYN "$P" fill "$D/a3" >"$D/fill3"
touch "$D/go3"
wait_for ended s3
me=$(sed -n "s/.*made with the client's uid, gid and groups: the server sees the client's user (and udscope's pid \([0-9]*\)).*/\1/p" "$D/out" | head -1)
total=$(awk '/^msg /{s += $4} END {print s + 0}' "$D/s3.facts")
check "a sender that exited before its bytes went on: all $(cat "$D/fill3") bytes arrive, none as uid 0" sh -c "
	[ '$total' = '$(cat "$D/fill3")' ] && ! grep '^msg ' '$D/s3.facts' | grep -qv '^msg $NU '"
last_own() { # the server saw the last bytes as uid nobody with udscope's pid, and the tap said so
	grep -q "^msg $NU $me " "$D/s3.facts" &&
	grep -qE "^tap(\[[0-9]+\])? #1: the client's process \(pid [0-9]+\) had exited before its bytes went on: they carry its uid $NU and gid $NG with udscope's pid $me \(SCM_CREDENTIALS\), never udscope's uid\$" "$D/out"
}
check "... the last ones with its uid and udscope's pid ($me), and the tap says so" last_own
say "tap status"
wait_for has "with udscope's pid (their sender had exited)"
check "tap status counts them" \
	grep -qE "; [0-9]+ chunks? with udscope's pid \(their sender had exited\)" "$D/out"
finish

# ---- datagrams: queued after their sender exited ----
srv dgram-server ds "$D/god"
run_udscope
say "tap $D/da $D/ds --type dgram --mode 0777"
wait_for test -S "$D/da"
sent=$(as_nobody $PYN "$P" dgram-fill "$D/da" "$D/n/sender")
touch "$D/god"
python3 "$P" dgram-end "$D/da" "$D/ender"
wait_for ended ds
got=$(grep -c '^msg ' "$D/ds.facts")
me=$(sed -n "s/.*the server sees the sender's user (and udscope's pid \([0-9]*\)).*/\1/p" "$D/out" | head -1)
check "datagrams: all $sent arrive ($got), as uid $NU, none as uid 0" sh -c "
	[ $got -eq $sent ] && ! grep '^msg ' '$D/ds.facts' | grep -qv '^msg $NU '"
check "datagrams: those still queued when their sender exited carry udscope's pid ($me), said" sh -c "
	grep -q '^msg $NU $me ' '$D/ds.facts' &&
	grep -qF \"had exited before its datagram went on: it carries uid $NU and gid $NG with udscope's pid $me (SCM_CREDENTIALS), never udscope's uid\" '$D/out'"
say "tap status"
wait_for has "with udscope's pid (their sender had exited)"
check "datagrams: tap status counts them" \
	grep -qE "; [0-9]+ datagrams with udscope's pid \(their sender had exited\)" "$D/out"
finish

# ---- a tap that may not switch (run as nobody) ----
srv server s4
run_udscope as_nobody
say "tap $D/n/a4 $D/s4 --mode 0777"
wait_for test -S "$D/n/a4"
python3 "$P" client "$D/n/a4" >/dev/null 2>&1
wait_for has "refused the client"
check "a tap run as nobody refuses a root client, saying why" \
	has "refused the client (uid 0 gid 0): udscope (uid $NU gid $NG) may not connect as another user (not root, no CAP_SETUID and CAP_SETGID), and the server would take it for uid $NU; --lend-my-identity lets every client through as uid $NU"
check "it let nothing through to the server" sh -c "[ ! -s '$D/s4.facts' ]"
as_nobody $PYN "$P" client "$D/n/a4" >"$D/own4"
wait_for ended s4
check "a client of its own user goes through without the option" sh -c "
	[ \"\$(cat '$D/own4')\" = 'seen $NU' ]"
say "tap stop"
finish

srv server s5
run_udscope as_nobody
say "tap $D/n/a5 $D/s5 --mode 0777 --lend-my-identity"
wait_for test -S "$D/n/a5"
answer=$(python3 "$P" client "$D/n/a5")
wait_for ended s5
finish
check "--lend-my-identity lets the root client through as uid $NU, and says so" sh -c "
	[ '$answer' = 'seen $NU' ] && grep -qE '^peer [0-9]+ $NU $NG\$' '$D/s5.facts' &&
	grep -qF 'made as udscope (--lend-my-identity): the server sees every client as uid $NU gid $NG' '$D/out'"
