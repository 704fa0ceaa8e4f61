#!/bin/sh
# deps.sh: the tree's shape, checked: every #include in src/core and src/ui points to its own
# folder or one its line in doc/HACKING.md ("Folders and the direction of their includes")
# allows, every folder there has such a line, and no source file in src/ is over 700 lines.
# The checker is also run on a made-up tree with one upward include, which it must refuse.
set -u
TOP=${UDSCOPE_SRCDIR:-.}
DOC=$TOP/doc/HACKING.md
MAX=700
# Files over MAX that another branch is cutting now (issue 30, item 3); each line says
# "ok ... # pending" until it fits, then an ok of its own. Empty it when those cuts land.
PENDING=""
W=$(mktemp -d "${TMPDIR:-/tmp}/udscope-deps-XXXXXX")
trap 'rm -rf "$W"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; sed 's/^/# /' "$2"; }

# rules DOC: "FOLDER ALLOWED..." per layer line of DOC (a line may wrap before its ")")
rules() {
	awk '
	/^- `(core|ui)\/[a-z_]+` \(may include:/ { buf = $0; open = 1 }
	open && buf != $0 { buf = buf " " $0 }
	open && buf ~ /\)/ {
		sub(/\).*/, "", buf); sub(/^- `/, "", buf); sub(/` \(may include:/, "", buf)
		gsub(/[ \t]+/, " ", buf); sub(/ nothing$/, "", buf); print buf; open = 0
	}' "$1"
}

# violations TREE RULES: one line per include that is not allowed, and per folder with no rule
violations() {
	for dir in "$1"/src/core/* "$1"/src/ui/*; do
		[ -d "$dir" ] || continue
		folder=${dir#"$1"/src/}
		allowed=$(awk -v f="$folder" '$1 == f { $1 = ""; print; found = 1 }
			END { if (!found) print "MISSING" }' "$2")
		allowed=${allowed# }
		if [ "$allowed" = MISSING ]; then
			echo "src/$folder/: no line for this folder in doc/HACKING.md"
			continue
		fi
		for file in "$dir"/*.[ch]; do
			[ -f "$file" ] || continue
			grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"\(core\|ui\)/' "$file" |
			while IFS= read -r line; do
				to=$(echo "$line" | sed 's/.*"\(\(core\|ui\)\/[^/"]*\)\/.*/\1/')
				case " $folder $allowed " in
				*" $to "*) continue ;;
				esac
				case "$to $allowed" in
				core/*" core/*"*) continue ;;
				esac
				echo "${file#"$1"/}:${line%%:*}: $folder includes $to (allowed: ${allowed:-nothing})"
			done
		done
	done
}

# long TREE: "PATH LINES" for each source file in src/ over MAX lines
long() {
	# Generated files (the BPF skeleton bpftool writes) are not sources.
	find "$1/src" -name '*.[ch]' ! -name '*.skel.h' -type f -exec wc -l {} + |
		awk -v max=$MAX -v top="$1/" '$2 != "total" && $1 > max { sub(top, "", $2); print $2, $1 }'
}

echo "1..5"
rules "$DOC" >"$W/rules"
if [ -s "$W/rules" ] && grep -q '^core/base$' "$W/rules"; then
	ok "doc/HACKING.md names $(wc -l <"$W/rules") folders and what each may include"
else
	echo "core/base has no line saying it includes nothing" >"$W/why"
	notok "doc/HACKING.md has the layer lines" "$W/why"
fi

violations "$TOP" "$W/rules" >"$W/bad"
if [ -s "$W/bad" ]; then
	notok "every #include in src/core and src/ui points down ($(wc -l <"$W/bad") do not)" "$W/bad"
else
	ok "every #include in src/core and src/ui points down"
fi

# The checker itself: a tree whose core/base includes core/cmd must be refused, by name.
mkdir -p "$W/t/src/core/base" "$W/t/src/core/cmd"
printf '#include "core/base/words.h"\n#include "core/cmd/app.h"\n' >"$W/t/src/core/base/x.c"
printf '#include "core/base/x.h"\n' >"$W/t/src/core/cmd/app.c"
violations "$W/t" "$W/rules" >"$W/fake"
if [ "$(cat "$W/fake")" = "src/core/base/x.c:2: core/base includes core/cmd (allowed: nothing)" ]; then
	ok "an upward include (core/base -> core/cmd) is refused, naming file and line"
else
	notok "an upward include (core/base -> core/cmd) is refused, naming file and line" "$W/fake"
fi

long "$TOP" >"$W/long"
: >"$W/over"
while read -r path lines; do
	case " $(echo $PENDING) " in
	*" $path "*) echo "# pending: $path has $lines lines (being cut on another branch)" ;;
	*) echo "$path: $lines lines" >>"$W/over" ;;
	esac
done <"$W/long"
if [ -s "$W/over" ]; then
	notok "no source file in src/ is over $MAX lines" "$W/over"
else
	ok "no source file in src/ is over $MAX lines (but the pending ones)"
fi

# A file the check would miss: a project include not written "core/FOLDER/" or "ui/FOLDER/"
# (or "bpf/x.h", "src/bpf/x.skel.h": the kernel program's shared definitions and skeleton,
# below every folder).
grep -rn '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$TOP/src/core" "$TOP/src/ui" |
	grep -v '"config.h"\|"core/[a-z_]*/[^/"]*"\|"ui/[a-z_]*/[^/"]*"\|"\(src/\)\{0,1\}bpf/[^/"]*"' |
	sed "s|^$TOP/||" >"$W/odd"
if [ -s "$W/odd" ]; then
	notok "src/core and src/ui include project headers as \"core/FOLDER/x.h\" or \"ui/FOLDER/x.h\"" "$W/odd"
else
	ok "src/core and src/ui include project headers as \"core/FOLDER/x.h\" or \"ui/FOLDER/x.h\""
fi
