#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest: every suite of one `make test`, results as KTAP
# files in $OUT for scripts/report.py on the host.
#
# usage: guest-test.sh OUT IMPL KSELFTESTS UPSTREAM
#   OUT         writable results directory (shared with the host)
#   IMPL        rs | c: the netkit module the suites run against
#   KSELFTESTS  1 to run the project's kselftests, 0 not to, or the names of
#               the ones to run (e.g. "pair.sh lease.py")
#   UPSTREAM    space-separated upstream suites (see upstream_cmd)
set -u

OUT=$1 IMPL=$2 KSELFTESTS=$3 UPSTREAM=$4
export IMPL NK_PARITY_OUT=$OUT/parity
TREE=${TREE:?}
ST=$TREE/tools/testing/selftests
export PYTHONDONTWRITEBYTECODE=1

SCRIPTS=$(cd "$(dirname "$0")" && pwd)
. "$SCRIPTS/guest-lib.sh"
nk_select_impl "$IMPL" || exit 2

mkdir -p "$OUT/kunit" "$OUT/suites"
: > "$OUT/guest.ktap"
n=0
result() { # result ok|"not ok" name [diagnostic]
	n=$((n + 1))
	[ $# -lt 3 ] || printf '# %s\n' "$3" >> "$OUT/guest.ktap"
	printf '%s %d %s\n' "$1" "$n" "$2" >> "$OUT/guest.ktap"
}
check() { # check name command...
	local name=$1 out; shift
	if out=$("$@" 2>&1); then
		result ok "$name"
	else
		result "not ok" "$name" "$(echo "$out" | tail -n 3 | tr '\n' ' ')"
	fi
}

mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug

# No udevd: nothing here needs it once the guest has booted (devtmpfs makes
# the device nodes), and under emulation it costs minutes. It renamed every
# netdevsim port the suites make (eth0 to eniNnp1, a second uevent and a
# name change under the test), and its backlog after the suites that make
# thousands of devices kept the next suite waiting in `udevadm settle`
# (about 4 minutes before fuzz.py, after stress.sh). Without a daemon
# `udevadm settle` returns at once. If it is still there, the suites would
# wait for it and find renamed devices: a result says so.
udevadm control --exit 2>/dev/null
check no_udevd bash -c \
	'! pid=$(pidof systemd-udevd) || { echo "systemd-udevd $pid still runs"; exit 1; }'
uname -r > "$OUT/uname"

# KUnit: built-in suites ran at boot; netkit_rs's run when it loads, so load
# it first whatever IMPL is, and save every suite's results before unloading.
check "netkit_rs.load" modprobe netkit_rs
for r in /sys/kernel/debug/kunit/*/results; do
	[ -e "$r" ] || continue
	s=${r%/results}; s=${s##*/}
	cat "$r" > "$OUT/kunit/$s.ktap"
done
if [ "$IMPL" = c ]; then
	check "netkit_rs.unload" rmmod netkit_rs
	check "netkit.load" modprobe netkit
fi

stamp() { # stamp FILE: copy stdin to stdout, and time its KTAP lines into FILE
	perl -MTime::HiRes=time -e '
		open(my $t, ">", $ARGV[0]) or die "$ARGV[0]: $!";
		my $t0 = time;
		while (<STDIN>) {
			print;
			printf $t "%.2f %s", time - $t0, $_
				if /^(# )*((not )?ok \d|1\.\.\d|timeout set)/;
		}' "$1"
}

run_suite() { # run_suite name dir command...
	local name=$1 dir=$2 rc t limit; shift 2
	echo "guest: running $name" >&2
	# The limit ends the suite's whole process group, not only its first
	# process: a test program left running would race the next suite (same
	# device names, netdevsim, the module). Our eleven kselftests together
	# get more time than one upstream suite.
	limit=${SUITE_TIMEOUT:-1800}
	[ -n "${SUITE_TIMEOUT:-}" ] || [ "$name" != kselftest ] || limit=3000
	t=$(date +%s)
	# Every result and plan line also goes, with the seconds since the
	# suite started, into $name.times for scripts/times.py.
	(cd "$dir" && timeout -k 10 "$limit" "$@") < /dev/null \
		2> "$OUT/suites/$name.stderr" | stamp "$OUT/suites/$name.times" \
		> "$OUT/suites/$name.ktap"
	rc=${PIPESTATUS[0]}
	echo "$rc" > "$OUT/suites/$name.rc"
	echo "guest: $name took $(( $(date +%s) - t ))s" >&2
}

case $KSELFTESTS in
0) ;;
1)	run_suite kselftest "$ST" make -s --no-print-directory \
		TARGETS=drivers/net/netkit_rs run_tests ;;
*)	run_suite kselftest "$ST" make -s --no-print-directory \
		TARGETS=drivers/net/netkit_rs TEST_PROGS="$KSELFTESTS" run_tests ;;
esac

upstream_cmd() {
	case $1 in
	nk_qlease) echo "$ST/net ./nk_qlease.py" ;;
	link_netns) echo "$ST/net ./link_netns.py" ;;
	# netdevsim mode; its netkit cases need NetDrvContEnv's BPF objects
	# (built by scripts/build.sh).
	psp) echo "$ST/drivers/net ./psp.py" ;;
	ynl_rt_link) echo "$TREE/tools/net/ynl/tests ./rt-link" ;;
	# Upstream's BPF test_progs, built by scripts/test-progs.sh.
	tc_netkit | tc_redirect)
		echo "$ST/bpf/netkit_rs python3 $SCRIPTS/test_progs_ktap.py ./test_progs -t $1" ;;
	*) return 1 ;;
	esac
}
for u in $UPSTREAM; do
	if cmd=$(upstream_cmd "$u"); then
		# shellcheck disable=SC2086 # word splitting intended
		run_suite "upstream.$u" $cmd
	else
		result "not ok" "upstream.$u" "unknown upstream suite $u"
	fi
done

check "$MOD.unload" rmmod "$MOD"
if [ -e /sys/kernel/debug/kmemleak ]; then
	# Two scans: a fresh leak is reported only once it has been seen twice.
	echo scan > /sys/kernel/debug/kmemleak
	echo scan > /sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak > "$OUT/kmemleak.txt"
fi
cat /proc/sys/kernel/tainted > "$OUT/tainted"
dmesg > "$OUT/dmesg.txt"
echo done > "$OUT/done"
