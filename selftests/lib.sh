# SPDX-License-Identifier: GPL-2.0
# Shared helpers of the netkit_rs selftests.

# This file's directory, found without starting a program: under emulation
# each costs a few hundred milliseconds, and parity.sh sources this file
# once per scenario.
NK_DIR=${BASH_SOURCE[0]}
[ ! -L "$NK_DIR" ] || NK_DIR=$(readlink -e "$NK_DIR")
case $NK_DIR in
*/*) NK_DIR=${NK_DIR%/*} ;;
*) NK_DIR=. ;;
esac
[[ $NK_DIR == /* ]] || NK_DIR=$PWD/$NK_DIR

source "$NK_DIR/../../../kselftest/ktap_helpers.sh"

# The kernel tree the selftests are installed in (drivers/net/netkit_rs is
# six levels below it), for the ynl command line tool and its specs.
NK_KSRC=$NK_DIR/../../../../../..

NK_YNL_PY=$NK_DIR/nk_ynl.py

# nk_link IFNAME DATA: the JSON of a newlink request for a netkit device
# IFNAME with the netkit attributes DATA (a JSON object), for nk_ynl --json.
nk_link() {
	printf '{"ifname": "%s", "linkinfo": {"kind": "netkit", "data": %s}}' "$1" "$2"
}

# nk_ynl ARGS...: the ynl cli with the rt-link family; nk_ynl info IFNAME
# prints the device's link attributes (see nk_ynl.py). With a server started
# by nk_ynl_server_start, requests run in namespace $NK_NETNS (default: the
# server's) without starting Python each time.
nk_ynl() {
	if [ -z "${NK_YNL_FIFO:-}" ]; then
		python3 "$NK_YNL_PY" "$NK_KSRC" "$@"
		return
	fi
	local resp rc IFS=$'\x1f'
	printf '%s\x1f%s\n' "${NK_NETNS:-}" "$*" > "$NK_YNL_FIFO.req"
	resp=$(cat "$NK_YNL_FIFO.resp")
	rc=${resp##*$'\n'}
	[ "$rc" = "$resp" ] || printf '%s\n' "${resp%$'\n'*}"
	return "$rc"
}

nk_ynl_server_start() { # nk_ynl_server_start DIR
	export NK_YNL_FIFO=$1/ynl
	mkfifo "$NK_YNL_FIFO.req" "$NK_YNL_FIFO.resp" || return 1
	python3 "$NK_YNL_PY" "$NK_KSRC" serve "$NK_YNL_FIFO" &
	NK_YNL_PID=$!
}

nk_ynl_server_stop() {
	[ -n "${NK_YNL_FIFO:-}" ] || return 0
	printf '\x1fquit\n' > "$NK_YNL_FIFO.req"
	wait "$NK_YNL_PID"
	unset NK_YNL_FIFO
}

# The implementation under test: IMPL=rs (default) or IMPL=c.
nk_module() {
	case ${IMPL:-rs} in
	c) echo netkit ;;
	*) echo netkit_rs ;;
	esac
}

nk_loaded() {
	[ -d "/sys/module/$1" ]
}

# Unload both netkit implementations; fails if one stays.
nk_unload_all() {
	local m
	for m in netkit netkit_rs; do
		if nk_loaded "$m"; then
			rmmod "$m" || return 1
		fi
	done
}

# Run "$@" as test case $1, counting and printing its KTAP line.
nk_case() {
	local name=$1 out rc t=$SECONDS
	shift
	out=$("$@" 2>&1)
	rc=$?
	# Where make test's time goes (see README, "Test times").
	printf '# time %s %ss\n' "$name" $((SECONDS - t))
	if [ "$rc" = 0 ]; then
		ktap_test_pass "$name"
	else
		[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/# /'
		ktap_test_fail "$name"
	fi
}
