#!/bin/sh
# autogen.sh: check the build dependencies (installing them with apt-get when we can), then
# generate ./configure.
set -eu
cd "$(dirname "$0")"

missing_pkgs=""
need() { # need DEBIAN-PACKAGE CHECK...
	pkg=$1; shift
	if ! "$@" >/dev/null 2>&1; then
		missing_pkgs="$missing_pkgs $pkg"
	fi
}
have_pc() { pkg-config --exists "$1"; }
have_header() { printf '#include <%s>\n' "$1" | ${CC:-cc} -E -x c - >/dev/null 2>&1; }

need autoconf command -v autoconf
need automake command -v automake
need pkg-config command -v pkg-config
need build-essential sh -c 'command -v "${CC:-cc}" && printf "#include <stdio.h>\n" | "${CC:-cc}" -E -x c - '
need make command -v make
if command -v pkg-config >/dev/null 2>&1; then
	need libncurses-dev have_pc ncursesw
	need libcmocka-dev have_pc cmocka
else
	missing_pkgs="$missing_pkgs libncurses-dev libcmocka-dev"
fi
need libreadline-dev have_header readline/readline.h
need libacl1-dev have_header acl/libacl.h
# watch (eBPF): the BPF program is compiled with clang, made a skeleton with bpftool, loaded
# with libbpf (./configure --disable-watch builds without them).
need clang command -v clang
need bpftool sh -c 'command -v bpftool || test -x /usr/sbin/bpftool'
need libbpf-dev have_header bpf/libbpf.h

if [ -n "$missing_pkgs" ]; then
	cmd="apt-get install -y$missing_pkgs"
	if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
		echo "autogen.sh: installing missing build dependencies:$missing_pkgs"
		apt-get update -qq || true
		DEBIAN_FRONTEND=noninteractive $cmd
	elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1 &&
	     sudo -n true 2>/dev/null; then
		echo "autogen.sh: installing missing build dependencies with sudo:$missing_pkgs"
		sudo -n apt-get update -qq || true
		sudo -n env DEBIAN_FRONTEND=noninteractive $cmd
	else
		echo "autogen.sh: missing build dependencies:$missing_pkgs" >&2
		echo "autogen.sh: install them, then run me again:  sudo $cmd" >&2
		exit 1
	fi
fi

mkdir -p m4 build-aux
autoreconf -fi
echo "autogen.sh: done; now run ./configure && make"
