#!/bin/sh
# hide-programs.sh PROGRAM... -- COMMAND [ARG...]: run COMMAND with a PATH on which the named
# programs cannot be found, as on a machine that lacks them.
#
# The new PATH is one private directory of symbolic links to every other program on today's
# PATH (first one wins, as the shell would find it). .ci/run uses it to prove that `make check`
# passes with the optional test peers missing (they say SKIP). Programs started by absolute
# path are not hidden: the tests find their peers through PATH.
set -eu
hide=" "
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
	hide="$hide$1 "
	shift
done
if [ $# -lt 2 ]; then
	echo "usage: $0 PROGRAM... -- COMMAND [ARG...]" >&2
	exit 2
fi
shift
bin=$(mktemp -d "${TMPDIR:-/tmp}/udscope-path-XXXXXX")
trap 'rm -rf "$bin"' EXIT
old_ifs=$IFS
IFS=:
for dir in $PATH; do
	IFS=$old_ifs
	[ -d "$dir" ] || continue
	for f in "$dir"/*; do
		name=${f##*/}
		case $hide in *" $name "*) continue ;; esac
		[ -x "$f" ] && [ ! -d "$f" ] && [ ! -e "$bin/$name" ] && ln -s "$f" "$bin/$name"
	done
done
IFS=$old_ifs
PATH=$bin "$@"
