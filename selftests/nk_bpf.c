// SPDX-License-Identifier: GPL-2.0
/*
 * Drive a netkit device's BPF_NETKIT_PRIMARY/PEER attach points with the raw
 * BPF syscall, one request per run (bpftool can show netkit attachments but
 * not make them).
 *
 * usage: nk_bpf [-e ERRNO] COMMAND ARGS...
 *   attach IF TYPE ACTION [before|after|replace ID [REVISION]]
 *                             prints the new program's id
 *   detach IF TYPE ID [REVISION]
 *   query IF TYPE             prints "revision R count N progs ID... links ID..."
 *   link IF TYPE ACTION PIN [before|after ID]
 *                             creates a link, pins it at PIN, prints its id
 *   link-update PIN ACTION [OLD_ID]
 *   link-detach PIN
 *   link-info PIN             prints "ifindex I attach_type T"
 *   link-churn IF TYPE N      creates and detaches N links of one pass
 *                             program, prints the links per second (make bench)
 *
 * TYPE is primary, peer or tcx; IF a device name, or "#N" for ifindex N; ID a
 * program id; TYPE tcx is the tcx ingress hook of any device. ACTION is pass,
 * drop, next, redirect:IFINDEX (bpf_redirect to the egress of IFINDEX) or
 * peer:IFINDEX (bpf_redirect_peer into the peer of IFINDEX, for tcx).
 * Relative ids name programs (BPF_F_ID).
 *
 * -e ERRNO: the request must fail with this errno (e.g. EACCES); the default
 * is that it succeeds; "any" takes every outcome. Exit status 0 when the
 * outcome is the expected one.
 *
 * -f N: the N-th fault-injectable call (failslab, fail_page_alloc) of the
 * request itself (not of the program load or pinning around it) fails, through
 * /proc/thread-self/fail-nth; "injected" or "not injected" and the outcome
 * are printed on stderr (selftests/faults.py).
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <linux/if_link.h>

#include "../../../kselftest.h"

static const struct { int err; const char *name; } errnames[] = {
	{ 0, "ok" }, { EINVAL, "EINVAL" }, { ENXIO, "ENXIO" },
	{ ENODEV, "ENODEV" }, { EACCES, "EACCES" }, { EOPNOTSUPP, "EOPNOTSUPP" },
	{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EEXIST, "EEXIST" },
	{ ERANGE, "ERANGE" }, { ESTALE, "ESTALE" }, { ENOLINK, "ENOLINK" },
	{ EBUSY, "EBUSY" }, { EBADF, "EBADF" }, { ENOMEM, "ENOMEM" },
	{ ENOBUFS, "ENOBUFS" }, { ENOSPC, "ENOSPC" }, { EFAULT, "EFAULT" },
	{ E2BIG, "E2BIG" }, { EAGAIN, "EAGAIN" },
};

static const char *errname(int err)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(errnames); i++)
		if (errnames[i].err == err)
			return errnames[i].name;
	return strerror(err);
}

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static int fail_nth = -1;	/* -f N: its fail-nth file, armed for the request */
static int injected = -1;	/* -1: not armed, 0: not injected, 1: injected */

/* The request the run is about: with -f, its N-th allocation fails. */
static int request(int cmd, union bpf_attr *attr, const char *nth)
{
	char buf[16] = "";
	int ret, err;

	if (fail_nth < 0)
		return sys_bpf(cmd, attr);
	if (write(fail_nth, nth, strlen(nth)) < 0)
		return -1;
	ret = sys_bpf(cmd, attr);
	err = errno;
	/* 0 once the fault was injected, the calls still to go otherwise. */
	if (pread(fail_nth, buf, sizeof(buf) - 1, 0) < 0)
		return -1;
	injected = atoi(buf) == 0;
	if (pwrite(fail_nth, "0", 1, 0) < 0)
		return -1;
	errno = err;
	return ret;
}

static void __noreturn usage(void)
{
	fprintf(stderr, "nk_bpf COMMAND ARGS...: the commands are described in nk_bpf.c\n");
	exit(2);
}

static void __noreturn fail(const char *what)
{
	fprintf(stderr, "%s: %s\n", what, strerror(errno));
	exit(1);
}

static __u32 ifindex_of(const char *name)
{
	__u32 ifindex = name[0] == '#' ? strtoul(name + 1, NULL, 0) :
					  if_nametoindex(name);

	if (!ifindex) {
		fprintf(stderr, "no device %s\n", name);
		exit(1);
	}
	return ifindex;
}

static __u32 attach_type_of(const char *s)
{
	if (!strcmp(s, "primary"))
		return BPF_NETKIT_PRIMARY;
	if (!strcmp(s, "peer"))
		return BPF_NETKIT_PEER;
	if (!strcmp(s, "tcx"))	/* not a netkit attach type */
		return BPF_TCX_INGRESS;
	usage();
}

#define INSN(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

/* Loads a SCHED_CLS program doing ACTION; returns its fd. */
static int prog_load(const char *action)
{
	struct bpf_insn insns[4];
	unsigned int n = 0;
	union bpf_attr attr = {};
	int fd;

	const char *to = strchr(action, ':');

	if (to && (!strncmp(action, "redirect:", 9) || !strncmp(action, "peer:", 5))) {
		/* return bpf_redirect(IFINDEX, 0) or bpf_redirect_peer(IFINDEX, 0); */
		insns[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_1, 0, 0,
				  atoi(to + 1));
		insns[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_2, 0, 0, 0);
		insns[n++] = INSN(BPF_JMP | BPF_CALL, 0, 0, 0,
				  action[0] == 'p' ? BPF_FUNC_redirect_peer :
						     BPF_FUNC_redirect);
	} else {
		int ret;

		if (!strcmp(action, "pass"))
			ret = NETKIT_PASS;
		else if (!strcmp(action, "drop"))
			ret = NETKIT_DROP;
		else if (!strcmp(action, "next"))
			ret = NETKIT_NEXT;
		else
			usage();
		insns[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, ret);
	}
	insns[n++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	attr.prog_type = BPF_PROG_TYPE_SCHED_CLS;
	attr.insns = (__u64)(unsigned long)insns;
	attr.insn_cnt = n;
	attr.license = (__u64)(unsigned long)"GPL";
	fd = sys_bpf(BPF_PROG_LOAD, &attr);
	if (fd < 0)
		fail("BPF_PROG_LOAD");
	return fd;
}

static __u32 prog_id(int fd)
{
	struct bpf_prog_info info = {};
	union bpf_attr attr = {
		.info.bpf_fd = fd,
		.info.info_len = sizeof(info),
		.info.info = (__u64)(unsigned long)&info,
	};

	if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr))
		fail("BPF_OBJ_GET_INFO_BY_FD");
	return info.id;
}

static int prog_fd(const char *id)
{
	union bpf_attr attr = { .prog_id = strtoul(id, NULL, 0) };
	int fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr);

	if (fd < 0)
		fail("BPF_PROG_GET_FD_BY_ID");
	return fd;
}

static int pinned(const char *path)
{
	union bpf_attr attr = { .pathname = (__u64)(unsigned long)path };
	int fd = sys_bpf(BPF_OBJ_GET, &attr);

	if (fd < 0)
		fail("BPF_OBJ_GET");
	return fd;
}

/* "before"/"after" ID: BPF_F_BEFORE/AFTER | BPF_F_ID. */
static __u32 position(const char *where)
{
	if (!strcmp(where, "before"))
		return BPF_F_BEFORE | BPF_F_ID;
	if (!strcmp(where, "after"))
		return BPF_F_AFTER | BPF_F_ID;
	usage();
}

static int query(__u32 ifindex, __u32 type)
{
	__u32 progs[64], links[64], i;
	union bpf_attr attr = {
		.query.target_ifindex = ifindex,
		.query.attach_type = type,
		.query.count = 64,
		.query.prog_ids = (__u64)(unsigned long)progs,
		.query.link_ids = (__u64)(unsigned long)links,
	};

	if (sys_bpf(BPF_PROG_QUERY, &attr))
		return errno;
	printf("revision %llu count %u progs", (unsigned long long)attr.query.revision,
	       attr.query.count);
	for (i = 0; i < attr.query.count; i++)
		printf(" %u", progs[i]);
	printf(" links");
	for (i = 0; i < attr.query.count; i++)
		if (links[i])
			printf(" %u", links[i]);
	printf("\n");
	return 0;
}

static int run(int argc, char **argv, const char *nth)
{
	union bpf_attr attr = {};
	const char *cmd = argv[0];

	if (!strcmp(cmd, "attach") && argc >= 4) {
		int fd = prog_load(argv[3]);

		attr.target_ifindex = ifindex_of(argv[1]);
		attr.attach_type = attach_type_of(argv[2]);
		attr.attach_bpf_fd = fd;
		if (argc >= 6 && !strcmp(argv[4], "replace")) {
			attr.attach_flags = BPF_F_REPLACE;
			attr.replace_bpf_fd = prog_fd(argv[5]);
		} else if (argc >= 6) {
			attr.attach_flags = position(argv[4]);
			attr.relative_id = strtoul(argv[5], NULL, 0);
		}
		if (argc >= 7)
			attr.expected_revision = strtoull(argv[6], NULL, 0);
		if (request(BPF_PROG_ATTACH, &attr, nth))
			return errno;
		printf("%u\n", prog_id(fd));
		return 0;
	}
	if (!strcmp(cmd, "detach") && argc >= 4) {
		attr.target_ifindex = ifindex_of(argv[1]);
		attr.attach_type = attach_type_of(argv[2]);
		attr.attach_bpf_fd = prog_fd(argv[3]);
		if (argc >= 5)
			attr.expected_revision = strtoull(argv[4], NULL, 0);
		return request(BPF_PROG_DETACH, &attr, nth) ? errno : 0;
	}
	if (!strcmp(cmd, "query") && argc == 3)
		return query(ifindex_of(argv[1]), attach_type_of(argv[2]));
	if (!strcmp(cmd, "link") && argc >= 5) {
		struct bpf_link_info info = {};
		int link;

		attr.link_create.prog_fd = prog_load(argv[3]);
		attr.link_create.target_ifindex = ifindex_of(argv[1]);
		attr.link_create.attach_type = attach_type_of(argv[2]);
		if (argc >= 7) {
			attr.link_create.flags = position(argv[5]);
			attr.link_create.netkit.relative_id = strtoul(argv[6], NULL, 0);
		}
		link = request(BPF_LINK_CREATE, &attr, nth);
		if (link < 0)
			return errno;
		memset(&attr, 0, sizeof(attr));
		attr.pathname = (__u64)(unsigned long)argv[4];
		attr.bpf_fd = link;
		if (sys_bpf(BPF_OBJ_PIN, &attr))
			fail("BPF_OBJ_PIN");
		memset(&attr, 0, sizeof(attr));
		attr.info.bpf_fd = link;
		attr.info.info_len = sizeof(info);
		attr.info.info = (__u64)(unsigned long)&info;
		if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr))
			fail("BPF_OBJ_GET_INFO_BY_FD");
		printf("%u\n", info.id);
		return 0;
	}
	if (!strcmp(cmd, "link-update") && argc >= 3) {
		attr.link_update.link_fd = pinned(argv[1]);
		attr.link_update.new_prog_fd = prog_load(argv[2]);
		if (argc >= 4) {
			attr.link_update.flags = BPF_F_REPLACE;
			attr.link_update.old_prog_fd = prog_fd(argv[3]);
		}
		return request(BPF_LINK_UPDATE, &attr, nth) ? errno : 0;
	}
	if (!strcmp(cmd, "link-detach") && argc == 2) {
		attr.link_detach.link_fd = pinned(argv[1]);
		return request(BPF_LINK_DETACH, &attr, nth) ? errno : 0;
	}
	if (!strcmp(cmd, "link-info") && argc == 2) {
		struct bpf_link_info info = {};

		attr.info.bpf_fd = pinned(argv[1]);
		attr.info.info_len = sizeof(info);
		attr.info.info = (__u64)(unsigned long)&info;
		if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr))
			return errno;
		printf("ifindex %u attach_type %u\n", info.netkit.ifindex,
		       info.netkit.attach_type);
		return 0;
	}
	if (!strcmp(cmd, "link-churn") && argc == 4) {
		long i, n = strtol(argv[3], NULL, 0);
		struct timespec t0, t1;
		double secs;
		int link;

		attr.link_create.prog_fd = prog_load("pass");
		attr.link_create.target_ifindex = ifindex_of(argv[1]);
		attr.link_create.attach_type = attach_type_of(argv[2]);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (i = 0; i < n; i++) {
			union bpf_attr detach = {};

			link = sys_bpf(BPF_LINK_CREATE, &attr);
			if (link < 0)
				return errno;
			detach.link_detach.link_fd = link;
			if (sys_bpf(BPF_LINK_DETACH, &detach))
				return errno;
			close(link);
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
		printf("%.0f\n", n / secs);
		return 0;
	}
	usage();
}

int main(int argc, char **argv)
{
	const char *expect = "ok", *nth = NULL;
	int err;

	while (argc >= 3 && argv[1][0] == '-') {
		if (!strcmp(argv[1], "-e"))
			expect = argv[2];
		else if (!strcmp(argv[1], "-f"))
			nth = argv[2];
		else
			usage();
		argc -= 2;
		argv += 2;
	}
	if (argc < 2)
		usage();
	if (nth) {
		fail_nth = open("/proc/thread-self/fail-nth", O_RDWR);
		if (fail_nth < 0)
			fail("/proc/thread-self/fail-nth");
	}
	err = run(argc - 1, argv + 1, nth);
	if (injected >= 0)
		fprintf(stderr, "%s\n", injected ? "injected" : "not injected");
	if (!strcmp(expect, "any")) {
		fprintf(stderr, "result %s\n", errname(err));
		return 0;
	}
	if (strcmp(errname(err), expect)) {
		fprintf(stderr, "%s: %s, expected %s\n", argv[1], errname(err), expect);
		return 1;
	}
	return 0;
}
