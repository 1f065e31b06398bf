// SPDX-License-Identifier: GPL-2.0
/*
 * Attach a pass-through program to a device's BPF_NETKIT_PRIMARY hook, as a
 * plain program or as a bpf_link, check that a query sees it, and detach it.
 *
 * usage: nk_bpf_hook prog|link IFNAME EXPECT
 *   EXPECT is "ok" or the errno name the attach must fail with.
 * Exit status 0 when the outcome is the expected one.
 */
#include <errno.h>
#include <stdbool.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <linux/if_link.h>

#include "../../../kselftest.h"

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static const char *errname(int err)
{
	switch (err) {
	case 0: return "ok";
	case EINVAL: return "EINVAL";
	case ENXIO: return "ENXIO";
	case ENODEV: return "ENODEV";
	case EACCES: return "EACCES";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EPERM: return "EPERM";
	default: return strerror(err);
	}
}

static int prog_load(void)
{
	struct bpf_insn insns[] = {
		/* r0 = NETKIT_NEXT; exit */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = NETKIT_NEXT },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr = {
		.prog_type = BPF_PROG_TYPE_SCHED_CLS,
		.insns = (__u64)(unsigned long)insns,
		.insn_cnt = ARRAY_SIZE(insns),
		.license = (__u64)(unsigned long)"GPL",
	};

	return sys_bpf(BPF_PROG_LOAD, &attr);
}

static int query_count(int ifindex, __u32 *count)
{
	union bpf_attr attr = {
		.query.target_ifindex = ifindex,
		.query.attach_type = BPF_NETKIT_PRIMARY,
	};

	if (sys_bpf(BPF_PROG_QUERY, &attr))
		return -errno;
	*count = attr.query.count;
	return 0;
}

int main(int argc, char **argv)
{
	union bpf_attr attr = {};
	int ifindex, prog, link = -1, err = 0;
	__u32 count;
	bool as_link;

	if (argc != 4) {
		fprintf(stderr, "usage: %s prog|link IFNAME EXPECT\n", argv[0]);
		return 2;
	}
	as_link = !strcmp(argv[1], "link");
	ifindex = if_nametoindex(argv[2]);
	if (!ifindex) {
		fprintf(stderr, "no device %s\n", argv[2]);
		return 1;
	}
	prog = prog_load();
	if (prog < 0) {
		fprintf(stderr, "BPF_PROG_LOAD: %s\n", strerror(errno));
		return 1;
	}
	if (as_link) {
		attr.link_create.prog_fd = prog;
		attr.link_create.target_ifindex = ifindex;
		attr.link_create.attach_type = BPF_NETKIT_PRIMARY;
		link = sys_bpf(BPF_LINK_CREATE, &attr);
		if (link < 0)
			err = errno;
	} else {
		attr.target_ifindex = ifindex;
		attr.attach_bpf_fd = prog;
		attr.attach_type = BPF_NETKIT_PRIMARY;
		if (sys_bpf(BPF_PROG_ATTACH, &attr))
			err = errno;
	}
	printf("%s attach to %s: %s\n", argv[1], argv[2], errname(err));
	if (strcmp(errname(err), argv[3])) {
		fprintf(stderr, "expected %s\n", argv[3]);
		return 1;
	}
	if (err)
		return 0;

	if (query_count(ifindex, &count) || count != 1) {
		fprintf(stderr, "query after attach: count %u, want 1\n", count);
		return 1;
	}
	if (as_link) {
		close(link);
	} else {
		memset(&attr, 0, sizeof(attr));
		attr.target_ifindex = ifindex;
		attr.attach_bpf_fd = prog;
		attr.attach_type = BPF_NETKIT_PRIMARY;
		if (sys_bpf(BPF_PROG_DETACH, &attr)) {
			fprintf(stderr, "BPF_PROG_DETACH: %s\n", strerror(errno));
			return 1;
		}
	}
	if (query_count(ifindex, &count) || count != 0) {
		fprintf(stderr, "query after detach: count %u, want 0\n", count);
		return 1;
	}
	return 0;
}
