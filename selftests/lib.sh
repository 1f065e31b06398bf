# SPDX-License-Identifier: GPL-2.0
# Shared helpers of the netkit_rs selftests.

source "$(dirname "$(readlink -e "${BASH_SOURCE[0]}")")/../../../kselftest/ktap_helpers.sh"

# The kernel tree the selftests are installed in (drivers/net/netkit_rs is
# six levels below it), for the ynl command line tool and its specs.
NK_KSRC=$(readlink -e "$(dirname "$(readlink -e "${BASH_SOURCE[0]}")")/../../../../../..")

# nk_ynl ARGS...: the ynl cli with the rt-link family; nk_ynl info IFNAME
# prints the device's link attributes (see nk_ynl.py).
nk_ynl() {
	python3 "$(dirname "$(readlink -e "${BASH_SOURCE[0]}")")/nk_ynl.py" "$NK_KSRC" "$@"
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
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		ktap_test_pass "$name"
	else
		[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/# /'
		ktap_test_fail "$name"
	fi
}
