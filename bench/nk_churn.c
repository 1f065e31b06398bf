// SPDX-License-Identifier: GPL-2.0
/*
 * Control-plane churn over rtnetlink, one request at a time and no process
 * per request (ip -batch cannot: iproute2 6.15 keeps netkit's "peer" parsing
 * state across batch lines). Prints requests per second.
 *
 * usage: nk_churn add KIND N   creates pairs nkc1..nkcN of KIND (netkit or
 *                              veth), the peer of nkcI named eth0 in the
 *                              namespace /run/netns/nkcI
 *        nk_churn del N        deletes nkc1..nkcN
 *        nk_churn teardown N   deletes the namespaces /run/netns/nkc1..N
 *                              (as ip netns del does) and waits for the
 *                              RTM_DELLINK of every device nkcI, which goes
 *                              with its peer's namespace; prints pairs per
 *                              second from the release of the first
 *                              namespace to the last RTM_DELLINK, the
 *                              namespaces going in one cleanup batch
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static struct rtattr *put(struct nlmsghdr *nh, int type, const void *data, int len)
{
	struct rtattr *rta = (struct rtattr *)((char *)nh + NLMSG_ALIGN(nh->nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
	return rta;
}

static void end(struct nlmsghdr *nh, struct rtattr *nest)
{
	nest->rta_len = (char *)nh + nh->nlmsg_len - (char *)nest;
}

static int talk(int fd, struct nlmsghdr *nh)
{
	char buf[4096];
	struct nlmsgerr *err;
	int n;

	if (send(fd, nh, nh->nlmsg_len, 0) < 0)
		return -1;
	n = recv(fd, buf, sizeof(buf), 0);
	if (n < (int)NLMSG_LENGTH(sizeof(*err)))
		return -1;
	err = NLMSG_DATA((struct nlmsghdr *)buf);
	if (err->error) {
		fprintf(stderr, "nk_churn: %s\n", strerror(-err->error));
		return -1;
	}
	return 0;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* Whether @nh is the RTM_DELLINK of a device named nkcI. */
static int is_churn_dellink(struct nlmsghdr *nh)
{
	struct ifinfomsg *ifi = NLMSG_DATA(nh);
	int len = nh->nlmsg_len - NLMSG_LENGTH(sizeof(*ifi));
	struct rtattr *rta;

	if (nh->nlmsg_type != RTM_DELLINK)
		return 0;
	for (rta = IFLA_RTA(ifi); RTA_OK(rta, len); rta = RTA_NEXT(rta, len))
		if (rta->rta_type == IFLA_IFNAME)
			return !strncmp(RTA_DATA(rta), "nkc", 3);
	return 0;
}

/*
 * An empty namespace that only the returned descriptor holds, or -1. Its
 * release starts the netns workqueue's cleanup_net(), which takes the
 * namespaces released meanwhile in its next run, all together.
 */
static int blocker(void)
{
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), fd;

	if (self < 0 || unshare(CLONE_NEWNET))
		return -1;
	fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (setns(self, CLONE_NEWNET))
		return -1;
	close(self);
	return fd;
}

/*
 * The namespaces are opened first, so that none goes away before the clock
 * starts. They are released right after an empty one, while its cleanup runs,
 * so that they go in one cleanup_net() batch as in a node drain: released one
 * after another with nothing else going on, the first ones go in a batch of
 * their own or not, as the workqueue happens to run, and the figure takes one
 * of two values. The devices are counted from rtnetlink's notifications, so
 * that nothing polls beside the teardown.
 */
static int teardown(int n)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK };
	int fd, i, gone = 0, size = 16 << 20, *ns, blk;
	char buf[65536] __attribute__((aligned(NLMSG_ALIGNTO)));
	double t0;

	ns = calloc(n, sizeof(*ns));
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (!ns || fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		return 1;
	for (i = 0; i < n; i++) {
		char path[64];

		snprintf(path, sizeof(path), "/run/netns/nkc%d", i + 1);
		ns[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (ns[i] < 0 || umount2(path, MNT_DETACH) || unlink(path)) {
			perror(path);
			return 1;
		}
	}
	blk = blocker();
	if (blk < 0) {
		perror("nk_churn: empty namespace");
		return 1;
	}
	t0 = now();
	close(blk);
	for (i = 0; i < n; i++)
		close(ns[i]);
	while (gone < n) {
		int len = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *nh = (struct nlmsghdr *)buf;

		if (len < 0) {
			perror("nk_churn: notifications");
			return 1;
		}
		for (; NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len))
			gone += is_churn_dellink(nh);
	}
	printf("%.1f\n", n / (now() - t0));
	return 0;
}

int main(int argc, char **argv)
{
	int add = argc == 4 && !strcmp(argv[1], "add");
	int n = atoi(argv[argc - 1]), fd, i;
	double t0;

	if (argc == 3 && !strcmp(argv[1], "teardown"))
		return teardown(n);
	if (!add && !(argc == 3 && !strcmp(argv[1], "del"))) {
		fprintf(stderr, "usage: nk_churn add KIND N | del N | teardown N\n");
		return 2;
	}
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return 1;
	t0 = now();
	for (i = 1; i <= n; i++) {
		char msg[1024] __attribute__((aligned(NLMSG_ALIGNTO))) = {};
		struct nlmsghdr *nh = (struct nlmsghdr *)msg;
		struct rtattr *info, *data, *peer;
		char name[IFNAMSIZ], path[64];
		int ns = -1;

		snprintf(name, sizeof(name), "nkc%d", i);
		nh->nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
		nh->nlmsg_type = add ? RTM_NEWLINK : RTM_DELLINK;
		nh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK |
				   (add ? NLM_F_CREATE | NLM_F_EXCL : 0);
		put(nh, IFLA_IFNAME, name, strlen(name) + 1);
		if (add) {
			snprintf(path, sizeof(path), "/run/netns/%s", name);
			ns = open(path, O_RDONLY | O_CLOEXEC);
			if (ns < 0) {
				perror(path);
				return 1;
			}
			info = put(nh, IFLA_LINKINFO, NULL, 0);
			put(nh, IFLA_INFO_KIND, argv[2], strlen(argv[2]) + 1);
			data = put(nh, IFLA_INFO_DATA, NULL, 0);
			/* VETH_INFO_PEER and IFLA_NETKIT_PEER_INFO are both 1. */
			peer = put(nh, 1, &(struct ifinfomsg){}, sizeof(struct ifinfomsg));
			put(nh, IFLA_IFNAME, "eth0", 5);
			put(nh, IFLA_NET_NS_FD, &ns, sizeof(ns));
			end(nh, peer);
			end(nh, data);
			end(nh, info);
		}
		if (talk(fd, nh))
			return 1;
		if (ns >= 0)
			close(ns);
	}
	printf("%.1f\n", n / (now() - t0));
	return 0;
}
