// SPDX-License-Identifier: GPL-2.0
/*
 * TCP request/response: one outstanding 64-byte request at a time, like
 * netperf's TCP_RR. Prints transactions per second.
 *
 * usage: nk_rr server PORT
 *        nk_rr client ADDR PORT SECONDS
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MSG 64

static int full(int fd, char *buf, int len, int wr)
{
	int done = 0, n;

	while (done < len) {
		n = wr ? write(fd, buf + done, len - done) :
			 read(fd, buf + done, len - done);
		if (n <= 0)
			return -1;
		done += n;
	}
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	char buf[MSG] = { 0 };
	int one = 1, fd, c;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return perror("socket"), 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (argc == 3 && !strcmp(argv[1], "server")) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		sa.sin_port = htons(atoi(argv[2]));
		if (bind(fd, (void *)&sa, sizeof(sa)) || listen(fd, 1))
			return perror("bind/listen"), 1;
		for (;;) {
			c = accept(fd, NULL, NULL);
			if (c < 0)
				return perror("accept"), 1;
			setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
			while (!full(c, buf, MSG, 0) && !full(c, buf, MSG, 1))
				;
			close(c);
		}
	}
	if (argc == 5 && !strcmp(argv[1], "client")) {
		double end, start;
		long n = 0;

		sa.sin_port = htons(atoi(argv[3]));
		if (inet_pton(AF_INET, argv[2], &sa.sin_addr) != 1 ||
		    connect(fd, (void *)&sa, sizeof(sa)))
			return perror("connect"), 1;
		start = now();
		end = start + atof(argv[4]);
		while (now() < end) {
			if (full(fd, buf, MSG, 1) || full(fd, buf, MSG, 0))
				return perror("transaction"), 1;
			n++;
		}
		printf("%.0f\n", n / (now() - start));
		return 0;
	}
	fprintf(stderr, "usage: %s server PORT | client ADDR PORT SECONDS\n", argv[0]);
	return 2;
}
