// SPDX-License-Identifier: GPL-2.0
/*
 * Registers an io_uring zero-copy receive queue (IORING_REGISTER_ZCRX_IFQ)
 * on an rx queue of a device of the caller's network namespace, prints
 * "zcrx <id>" and holds it until its standard input is closed; closing the
 * ring then unregisters it. Raw system calls and the tree's UAPI headers:
 * Debian's liburing predates zcrx.
 *
 * usage: nk_zcrx IFINDEX QUEUE
 * exit status: 0, the errno of the call that failed, or 2 for bad usage
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/io_uring.h>

#define AREA_PAGES	16
#define RQ_ENTRIES	64

static int fail(const char *what)
{
	int err = errno;

	fprintf(stderr, "%s: %s\n", what, strerror(err));
	return err;
}

int main(int argc, char **argv)
{
	struct io_uring_params params = {
		.flags = IORING_SETUP_DEFER_TASKRUN |
			 IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_CQE32,
	};
	struct io_uring_zcrx_area_reg area = {};
	struct io_uring_region_desc region = {};
	struct io_uring_zcrx_ifq_reg reg = {};
	long page = sysconf(_SC_PAGESIZE);
	size_t rq_size;
	void *mem, *rq;
	char buf[64];
	int ring;

	if (argc != 3) {
		fprintf(stderr, "usage: %s IFINDEX QUEUE\n", argv[0]);
		return 2;
	}

	ring = syscall(__NR_io_uring_setup, 8, &params);
	if (ring < 0)
		return fail("io_uring_setup");

	mem = mmap(NULL, AREA_PAGES * page, PROT_READ | PROT_WRITE,
		   MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
	/* The refill ring's entries after a page of head and tail. */
	rq_size = (RQ_ENTRIES * sizeof(struct io_uring_zcrx_rqe) + 2 * page - 1) &
		  ~(page - 1);
	rq = mmap(NULL, rq_size, PROT_READ | PROT_WRITE,
		  MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
	if (mem == MAP_FAILED || rq == MAP_FAILED)
		return fail("mmap");

	area.addr = (unsigned long)mem;
	area.len = AREA_PAGES * page;
	region.user_addr = (unsigned long)rq;
	region.size = rq_size;
	region.flags = IORING_MEM_REGION_TYPE_USER;
	reg.if_idx = strtoul(argv[1], NULL, 0);
	reg.if_rxq = strtoul(argv[2], NULL, 0);
	reg.rq_entries = RQ_ENTRIES;
	reg.area_ptr = (unsigned long)&area;
	reg.region_ptr = (unsigned long)&region;
	if (syscall(__NR_io_uring_register, ring, IORING_REGISTER_ZCRX_IFQ,
		    &reg, 1))
		return fail("IORING_REGISTER_ZCRX_IFQ");

	printf("zcrx %u\n", reg.zcrx_id);
	fflush(stdout);
	while (read(STDIN_FILENO, buf, sizeof(buf)) > 0)
		;
	close(ring);
	return 0;
}
