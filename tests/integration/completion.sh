#!/bin/sh
# completion.sh: `udscope --complete` offers every command of the table (as `help` lists
# them) after -e, every option --help names, and the choices of the options that have them;
# the bash completion script turns that into COMPREPLY, file names included.
set -u
NAME=completion
. "${UDSCOPE_SRCDIR:-.}/tests/integration/tap.sh"
SRC=${UDSCOPE_SRCDIR:-.}
echo "1..8"

# The command names, as help lists them: the lowercase words before the usage.
"$U" -b -e help </dev/null >"$D/help" 2>"$D/err"
sed -n 's/^  //p' "$D/help" | sed 's/  .*//' |
	awk '{ n = ""; for (i = 1; i <= NF && $i ~ /^[a-z]+$/; i++) n = n (n ? " " : "") $i; print n }' \
	>"$D/names"
missing=""
while read -r name; do
	case $name in
	*" "*) "$U" --complete -e "${name%% *} " >"$D/out" ;;
	*) "$U" --complete -e "" >"$D/out" ;;
	esac
	grep -qxF "$name" "$D/out" || missing="$missing [$name]"
done <"$D/names"
check "help lists 16 or more commands" [ "$(wc -l <"$D/names")" -ge 16 ]
check "completing after -e offers every command in the table${missing:+ (missing:$missing)}" \
	[ -z "$missing" ]

# Every option --help shows, and nothing else, is offered after --.
"$U" --help | sed -n 's/^  \(-[a-zA-Z], \|    \)\(--[a-z-]*\).*/\2/p' | sort -u >"$D/help-opts"
"$U" --complete -- | sed 1d | sort -u >"$D/out"
check "--complete offers exactly the options --help names" \
	sh -c "[ \$(wc -l <'$D/help-opts') -ge 9 ] && cmp -s '$D/help-opts' '$D/out'"

"$U" --complete --bytes "" >"$D/out"
check "--bytes: full and preview" sh -c "printf 'words\nfull\npreview\n' | cmp -s - '$D/out'"
"$U" --complete -b -e 'pair --type=s' >"$D/out"
check "an option's choices, typed with =" \
	sh -c "printf 'words\npair --type=stream\npair --type=seqpacket\n' | cmp -s - '$D/out'"
"$U" --complete -e "source $D/x" >"$D/out"
check "a FILE argument: the script completes file names after 'source '" \
	sh -c "printf 'files\nsource \n' | cmp -s - '$D/out'"

# The bash script, as bash calls it (complete -F): words, the index, and the word at point.
if ! command -v bash >/dev/null 2>&1; then
	for t in 7 8; do echo "ok $t # SKIP bash not installed (apt-get install bash)"; done
	exit 0
fi
: >"$D/script-one.ud"
cat >"$D/drive.bash" <<'BASH'
. "$1/contrib/bash-completion/udscope"
COMP_WORDS=(udscope "${@:3}") COMP_CWORD=$(($# - 2))
_udscope "$2" "${@: -1}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
BASH
bash "$D/drive.bash" "$SRC" "$U" -b -e "'server st" >"$D/out" 2>"$D/err"
check "bash: -e 'server st<Tab> offers start, stop, status" \
	sh -c "printf 'server start\nserver stop\nserver status\n' | cmp -s - '$D/out'"
bash "$D/drive.bash" "$SRC" "$U" -e "source $D/script-o" >"$D/out" 2>"$D/err"
check "bash: -e 'source DIR/script-o<Tab> completes the file name" \
	grep -qxF "source $D/script-one.ud" "$D/out"
