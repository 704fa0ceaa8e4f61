#!/bin/sh
# decode-real: real servers' clients through a decoding tap: psql asking a real PostgreSQL
# (initdb and pg_ctl in this test's directory, its socket there) shows the query and the row
# it got back; redis-cli asking a real redis-server shows the command and its +OK. Each
# server is this test's own, started and stopped here; each part is skipped with the
# package that brings it when it is missing.
set -u
NAME=decode-real
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"
. "$S/tapcmd-lib.sh"

T=5
command -v tshark >/dev/null 2>&1 || skip_all $T "tshark not installed (apt-get install tshark)"
echo "1..$T"
decoded() { grep -q "decoded chunk [0-9]*: $1" "$D/out"; }

# PostgreSQL: its server programs are under /usr/lib/postgresql/VERSION/bin on Debian.
pgbin=""
for b in /usr/lib/postgresql/*/bin; do [ -x "$b/initdb" ] && pgbin=$b; done
pgskip=""
if [ -z "$pgbin" ] || ! command -v psql >/dev/null 2>&1; then
	pgskip="PostgreSQL not installed (apt-get install postgresql)"
elif [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
	pgskip="no postgres user to run the server as (apt-get install postgresql)"
fi
if [ -n "$pgskip" ]; then
	for i in 1 2 3 4; do skip "$pgskip"; done
else
	# The server refuses to run as root: as root it runs as postgres, in a directory of
	# ours that postgres owns (the test's directory lets it pass, nothing more).
	as=""
	mkdir "$D/pg"
	if [ "$(id -u)" = 0 ]; then
		as="setpriv --reuid=postgres --regid=postgres --clear-groups --"
		chmod 711 "$D"
		chown postgres:postgres "$D/pg"
	fi
	pgrun() { (cd "$D/pg" && $as "$@"); }
	# However the test ends, the server is stopped before the directory goes.
	trap 'pgrun "$pgbin/pg_ctl" -D "$D/pg/data" -m immediate -w -t 30 stop >/dev/null 2>&1
		for p in $peers; do kill "$p" 2>/dev/null; done
		for p in $peers; do wait "$p" 2>/dev/null; done
		rm -rf "$D"' EXIT
	pgrun "$pgbin/initdb" -D "$D/pg/data" -U postgres --auth=trust >"$D/pg/initdb.log" 2>&1
	pgrun "$pgbin/pg_ctl" -D "$D/pg/data" -l "$D/pg/server.log" -w -t 60 \
		-o "-c listen_addresses= -c unix_socket_directories=$D/pg" start >"$D/pg/ctl.log" 2>&1
	wait_for test -S "$D/pg/.s.PGSQL.5432"
	mkdir "$D/front"
	start_udscope
	say "tap $D/front/.s.PGSQL.5432 $D/pg/.s.PGSQL.5432"
	wait_for test -S "$D/front/.s.PGSQL.5432"
	timeout 60 psql -h "$D/front" -U postgres -d postgres -At -c 'SELECT 42' \
		>"$D/psql.out" 2>&1
	wait_for decoded "PGSQL >X"
	finish
	pgrun "$pgbin/pg_ctl" -D "$D/pg/data" -m fast -w -t 60 stop >>"$D/pg/ctl.log" 2>&1
	check "psql through the tap to a real PostgreSQL gets its answer" \
		grep -qx 42 "$D/psql.out"
	check "pgsql: guessed from .s.PGSQL.5432, and the simple query's text is shown" sh -c \
		"grep -q 'decoding pgsql with tshark.*guessed from the name' '$D/out' &&
		 grep -q 'decoded chunk [0-9]*: PGSQL >Q SELECT 42' '$D/out'"
	check "pgsql: the answer is decoded (row description, data row, command complete)" \
		decoded "PGSQL <T/D/C/Z"
	check "PostgreSQL stopped (pg_ctl stop): its pid file and socket are gone" sh -c \
		"[ ! -e '$D/pg/data/postmaster.pid' ] && [ ! -S '$D/pg/.s.PGSQL.5432' ]"
fi

# Redis: a real redis-server on a Unix socket only, redis-cli through the tap.
if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
	skip "redis-server or redis-cli not installed (apt-get install redis-server)"
else
	mkdir "$D/redis"
	redis-server --port 0 --unixsocket "$D/r.sock" --daemonize no --save '' \
		--appendonly no --dir "$D/redis" >"$D/redis/log" 2>&1 &
	rpid=$!
	peers="$peers $rpid"
	wait_for test -S "$D/r.sock"
	start_udscope
	say "tap $D/redis.sock $D/r.sock"
	wait_for test -S "$D/redis.sock"
	timeout 60 redis-cli -s "$D/redis.sock" SET k v >"$D/cli.out" 2>&1
	wait_for decoded "RESP Response: OK"
	finish
	check "redis-cli through the tap: SET k v decoded, and the +OK" sh -c \
		"grep -qx OK '$D/cli.out' && grep -q 'decoded chunk [0-9]*: RESP Request: SET k v' '$D/out' &&
		 grep -q 'decoded chunk [0-9]*: RESP Response: OK' '$D/out'"
	stop_peers
fi
