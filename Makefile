# SPDX-License-Identifier: GPL-2.0
# netkit_rs: every entry point.  See README.md.
#
#   make deps     install the toolchain and tools (idempotent)
#   make tree     unpack linux-source-7.3, apply patches/, overlay the repo
#   make build    build the test kernel, netkit.ko, netkit_rs.ko, selftests
#   make run      boot the guest and show netkit_rs working (CMD='...' runs CMD)
#   make shell    boot the guest interactively
#   make test     KUnit + project kselftests + upstream suites in one boot
#   make test-quick  KUnit, parity and smoke runs of the pair and lease suites
#   make soak     long runs: 10000 create/delete cycles, the full fault sweep,
#                 10 min of stress, 20 fuzzer seeds x 200 requests
#   make test-sanitizers  make test on KASAN+UBSAN and KCSAN kernels (SANITIZERS=)
#   make test-bpf only KUnit and the BPF test_progs tc_netkit, tc_redirect
#   make check    rustfmtcheck, clippy, rustdoc, checkpatch
#   make check-configs  build the NETKIT=n, INET=n and BPF_SYSCALL=n kernels
#   make series   the series as mailed: patches/ with the files each adds
#   make check-series  build the kernel after each patch of the series
#   make bench    netkit.ko vs netkit_rs.ko vs veth (ratios), see benchmarks/
#
# Variables: IMPL=rs|c (module under test), UPSTREAM='nk_qlease ...',
# NETKIT_RS_CACHE (default ~/.cache/netkit_rs), NK_KVM=auto|0|1.

SHELL := /bin/bash
REPO := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
export NETKIT_RS_CACHE ?= $(HOME)/.cache/netkit_rs
IMPL ?= rs
export IMPL
# CMD reaches the guest unexpanded by make and unsplit by its shell.
export NK_CMD := $(value CMD)

# Upstream suites each implementation is held to; every issue that makes
# netkit_rs pass a suite adds it here.
# The BPF ones are test_progs tests (scripts/test-progs.sh builds them).
UPSTREAM_BPF := tc_netkit tc_redirect
UPSTREAM_rs := nk_qlease link_netns ynl_rt_link psp $(UPSTREAM_BPF)
UPSTREAM_c := nk_qlease link_netns ynl_rt_link psp $(UPSTREAM_BPF)
UPSTREAM ?= $(UPSTREAM_$(IMPL))
export UPSTREAM
# Cases an upstream suite must report (name, or prefix ending in "."):
# psp.py runs its netkit cases only if its netkit environment comes up, and
# says nothing when it does not.
EXPECT_CASES_psp := $(addprefix upstream.psp.psp.,_assoc_check_list \
	data_basic_send_netkit_psp_assoc. _key_rotation_notify_multi_ns_netkit \
	_dev_change_notify_multi_ns_netkit _psp_dev_get_check_netkit_psp_assoc \
	_dev_assoc_no_nsid _psp_dev_assoc_cleanup_on_netkit_del)
# pair.sh's create/delete cycles: 200 in make test, 50 in make test-quick,
# 10000 in make soak.
NK_CYCLES ?= 200
export NK_CYCLES
QUICK_CYCLES ?= 50
SOAK_CYCLES ?= 10000
# lease.py's rounds of removing the physical device under load (make test:
# 2) and module.sh's load/unload cycles (make test: 10) in make soak.
SOAK_LEASE_ROUNDS ?= 20
SOAK_MODULE_CYCLES ?= 200
SOAK_STRESS_SECONDS ?= 600
SOAK_FUZZ_SEEDS ?= $(shell seq 100 119)
SOAK_FUZZ_OPS ?= 200
# KUnit suites that must have run.
KUNIT_SUITES := netkit_rs

.PHONY: all deps tree build run shell test test-quick soak test-sanitizers test-bpf check \
	check-configs series check-series bench patchwork clean-cache

all: build

deps:
	@bash $(REPO)/scripts/deps.sh

tree:
	@python3 $(REPO)/scripts/tree.py >/dev/null

build: deps
	@bash $(REPO)/scripts/build.sh

run: build
	@bash $(REPO)/scripts/guest.sh run

shell: build
	@bash $(REPO)/scripts/guest.sh shell

test: build
	@bash $(REPO)/scripts/test.sh --expect-kunit $(KUNIT_SUITES) \
		$(if $(filter 0,$(KSELFTESTS)),,--expect-suite kselftest) \
		--expect-suite $(addprefix upstream.,$(UPSTREAM)) \
		$(addprefix --expect-case ,$(foreach u,$(UPSTREAM),$(EXPECT_CASES_$(u))))

# The edit-build-test loop: KUnit, the parity check and smoke runs of the
# pair and lease suites (50 create/delete cycles), no upstream suite.
test-quick:
	@$(MAKE) --no-print-directory test KSELFTESTS="parity.sh pair.sh lease.py misuse.py" \
		NK_CYCLES=$(QUICK_CYCLES) NK_LEASE_ROUNDS=1 NK_PARITY_REUSE=1 UPSTREAM=

# Not in make test: the long runs. The create/delete loop (SOAK_CYCLES pairs
# through both sides and namespaces), SOAK_MODULE_CYCLES module loads,
# SOAK_LEASE_ROUNDS physical device removals under load, the fault sweep at every allocation
# (make test: every 17th), SOAK_STRESS_SECONDS of stress (make test: 30) and
# SOAK_FUZZ_SEEDS x SOAK_FUZZ_OPS fuzzing (make test: 3 x 40); then no device,
# leak or splat left.
soak:
	@$(MAKE) --no-print-directory test UPSTREAM= \
		KSELFTESTS="module.sh pair.sh lease.py faults.py stress.sh fuzz.py" \
		NK_CYCLES=$(SOAK_CYCLES) NK_FAULT_STRIDE=1 \
		NK_MODULE_CYCLES=$(SOAK_MODULE_CYCLES) NK_LEASE_ROUNDS=$(SOAK_LEASE_ROUNDS) \
		NK_STRESS_SECONDS=$(SOAK_STRESS_SECONDS) \
		NK_FUZZ_SEEDS="$(SOAK_FUZZ_SEEDS)" NK_FUZZ_OPS=$(SOAK_FUZZ_OPS) \
		kselftest_override_timeout=14400 SUITE_TIMEOUT=14400 GUEST_TIMEOUT=18000

# Not in make test: make test on sanitizer kernels, each in its own work tree
# in the cache ($(NETKIT_RS_CACHE)/linux-<name>, incremental like the test
# kernel): kasan (KASAN, UBSAN, KFENCE, DEBUG_LIST, DEBUG_OBJECTS_RCU_HEAD)
# and kcsan. Any sanitizer report fails the run (scripts/report.py).
SANITIZERS ?= kasan kcsan
test-sanitizers: deps
	@for s in $(SANITIZERS); do \
		NETKIT_RS_TREE=$(NETKIT_RS_CACHE)/linux-$$s NK_CONFIGS="base test btf $$s" \
			$(MAKE) --no-print-directory test || exit 1; \
	done

# A quick subset of make test: KUnit and upstream's BPF selftests (for which
# the test kernel has BTF, configs/btf.config).
test-bpf:
	@$(MAKE) --no-print-directory test KSELFTESTS=0 UPSTREAM="$(UPSTREAM_BPF)"

check: build
	@bash $(REPO)/scripts/check.sh

# Not in make check (a kernel build each): the configurations the series must
# build in besides the test kernel's (scripts/configs.sh), in their own work
# tree ($(NETKIT_RS_CACHE)/linux-configs). CONFIGS= picks some.
check-configs: deps
	@bash $(REPO)/scripts/configs.sh $(CONFIGS)

# The series as it would be mailed, in $(NETKIT_RS_CACHE)/series: each patch of
# patches/ with the repository's files that patches/files says it adds.
series: deps
	@python3 $(REPO)/scripts/series.py

# Not in make check (a kernel build per patch): every patch of the series
# builds, with the files of the patches so far, in its own work tree
# ($(NETKIT_RS_CACHE)/linux-series). FROM=N starts at patch N.
check-series: deps
	@bash $(REPO)/scripts/check-series.sh $(FROM)

# Not a test: netkit.ko vs netkit_rs.ko vs veth on a kernel without debugging
# options (its own work tree), report in benchmarks/. BENCH_CLOCK=icount|real,
# ROUNDS, WORKLOADS: see scripts/bench.sh.
bench: deps
	@bash $(REPO)/scripts/bench.sh

# A git repository of the patched files, to edit the series with git and
# regenerate patches/ with 'git format-patch'.
patchwork: tree
	@bash $(REPO)/scripts/patchwork.sh

clean-cache:
	rm -rf $(NETKIT_RS_CACHE)
