# tapcmd-lib.sh: what the tapcmd-*.sh tests share (sourced after tap.sh): udscope in batch
# mode reading commands from a fifo that the test writes to as it goes, and tapcmd.py.
start_udscope() { # start_udscope ARGS...: udscope -b ARGS, commands from say(), output in $D/out
	rm -f "$D/in"
	mkfifo "$D/in"
	"$U" -b "$@" <"$D/in" >"$D/out" 2>"$D/err" &
	upid=$!
	exec 3>"$D/in"
}
say() { echo "$*" >&3; }
finish() { # end the input; udscope stops what runs and exits: its status in $rc
	exec 3>&-
	wait "$upid"
	rc=$?
}
scenario() { # scenario NAME: tapcmd.py NAME through the tap at $D/a to $D/s; its words in $D/py
	python3 "$S/tapcmd.py" "$1" "$D/a" "$D/s" "$D" >"$D/py" 2>&1
}
fact() { sed -n "s/^$1 //p" "$D/facts"; }
tap_up() { # tap_up [OPTIONS...]: udscope with OPTIONS tapping $D/a to $D/s, listening
	start_udscope "$@"
	say "tap $D/a $D/s"
	wait_for test -S "$D/a"
}
