// SPDX-License-Identifier: GPL-2.0
/*
 * UDP traffic for the network tool tests (busybox nc cannot count):
 *
 *   ekf-udp send [-c COUNT] [-i USEC] [-p TEXT] [-s SRC] DST PORT
 *	COUNT datagrams, each [seq (4 bytes, network order)][32 pattern
 *	bytes derived from seq][TEXT]; prints "sent N".
 *   ekf-udp recv [-T MS] [-r READYFILE] PORT
 *	counts datagrams on [::]:PORT (IPv4 too) until SIGTERM or MS ms;
 *	prints "SRC COUNT" per source and "total N", "bad N" (damaged).
 *   ekf-udp capture [-T MS] [-r READYFILE] IFACE PORT
 *	counts UDP datagrams to PORT seen on IFACE (AF_PACKET, whatever
 *	their MAC or IP destination), prints "intact N" and "damaged N".
 *
 * READYFILE is created once the socket is bound.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/udp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PATTERN_LEN	32
#define MAX_SRC		64

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void die(const char *what)
{
	fprintf(stderr, "ekf-udp: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void usage(void)
{
	fprintf(stderr, "usage: ekf-udp send [-c N] [-i USEC] [-p TEXT] [-s SRC] DST PORT\n"
			"       ekf-udp recv [-T MS] [-r READYFILE] PORT\n"
			"       ekf-udp capture [-T MS] [-r READYFILE] IFACE PORT\n");
	exit(2);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void fill(unsigned char *p, unsigned int seq)
{
	uint32_t n = htonl(seq);

	memcpy(p, &n, 4);
	for (int i = 0; i < PATTERN_LEN; i++)
		p[4 + i] = (unsigned char)(seq * 7 + (unsigned int)i);
}

static int intact(const unsigned char *p, size_t len)
{
	uint32_t n;

	if (len < 4 + PATTERN_LEN)
		return 0;
	memcpy(&n, p, 4);
	n = ntohl(n);
	for (int i = 0; i < PATTERN_LEN; i++)
		if (p[4 + i] != (unsigned char)(n * 7 + (unsigned int)i))
			return 0;
	return 1;
}

/* sockaddr for ADDR:PORT, IPv4 or IPv6 */
static socklen_t addr_of(const char *s, unsigned int port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *in = (void *)ss;
	struct sockaddr_in6 *in6 = (void *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, s, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		return sizeof(*in);
	}
	if (inet_pton(AF_INET6, s, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		return sizeof(*in6);
	}
	fprintf(stderr, "ekf-udp: bad address '%s'\n", s);
	exit(2);
}

static int do_send(int argc, char **argv)
{
	unsigned long count = 1, interval = 0, i, sent = 0;
	const char *text = "", *src = NULL;
	struct sockaddr_storage dst, sa;
	unsigned char buf[2048];
	socklen_t dlen;
	size_t tlen;
	int c, fd;

	while ((c = getopt(argc, argv, "c:i:p:s:")) != -1) {
		switch (c) {
		case 'c': count = strtoul(optarg, NULL, 0); break;
		case 'i': interval = strtoul(optarg, NULL, 0); break;
		case 'p': text = optarg; break;
		case 's': src = optarg; break;
		default: usage();
		}
	}
	if (argc - optind != 2)
		usage();
	dlen = addr_of(argv[optind], (unsigned int)atoi(argv[optind + 1]), &dst);
	tlen = strlen(text);
	if (tlen > sizeof(buf) - 4 - PATTERN_LEN)
		usage();
	fd = socket(dst.ss_family, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	if (src) {
		socklen_t slen = addr_of(src, 0, &sa);

		if (sa.ss_family != dst.ss_family || bind(fd, (void *)&sa, slen))
			die("bind source");
	}
	for (i = 0; i < count; i++) {
		fill(buf, (unsigned int)i);
		memcpy(buf + 4 + PATTERN_LEN, text, tlen);
		if (sendto(fd, buf, 4 + PATTERN_LEN + tlen, 0, (void *)&dst, dlen) >= 0)
			sent++;
		else if (errno != ENOBUFS && errno != EAGAIN && errno != ECONNREFUSED)
			die("sendto");
		if (interval)
			usleep((useconds_t)interval);
	}
	printf("sent %lu\n", sent);
	return 0;
}

static void ready(const char *file)
{
	int fd;

	if (!file)
		return;
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0)
		close(fd);
}

static void setup_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

static int do_recv(int argc, char **argv)
{
	struct { char name[INET6_ADDRSTRLEN]; unsigned long n; } srcs[MAX_SRC];
	unsigned long total = 0, bad = 0;
	long limit = 10000, start;
	const char *readyfile = NULL;
	struct sockaddr_in6 a = { .sin6_family = AF_INET6 };
	unsigned char buf[4096];
	int c, fd, nsrc = 0, off = 0, rcvbuf = 4 << 20;

	while ((c = getopt(argc, argv, "T:r:")) != -1) {
		switch (c) {
		case 'T': limit = strtol(optarg, NULL, 0); break;
		case 'r': readyfile = optarg; break;
		default: usage();
		}
	}
	if (argc - optind != 1)
		usage();
	a.sin6_port = htons((unsigned short)atoi(argv[optind]));
	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	/* past rmem_max when root: a receiver descheduled a while loses nothing */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(fd, (void *)&a, sizeof(a)))
		die("bind");
	setup_signals();
	ready(readyfile);
	start = now_ms();
	while (!stop && now_ms() - start < limit) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		struct sockaddr_in6 from;
		socklen_t flen = sizeof(from);
		char name[INET6_ADDRSTRLEN];
		ssize_t n;
		int i;

		if (poll(&p, 1, 50) <= 0)
			continue;
		n = recvfrom(fd, buf, sizeof(buf), 0, (void *)&from, &flen);
		if (n < 0)
			continue;
		total++;
		if (!intact(buf, (size_t)n))
			bad++;
		if (IN6_IS_ADDR_V4MAPPED(&from.sin6_addr))
			inet_ntop(AF_INET, &from.sin6_addr.s6_addr[12], name, sizeof(name));
		else
			inet_ntop(AF_INET6, &from.sin6_addr, name, sizeof(name));
		for (i = 0; i < nsrc && strcmp(srcs[i].name, name); i++)
			;
		if (i == nsrc && nsrc < MAX_SRC) {
			strcpy(srcs[nsrc].name, name);
			srcs[nsrc++].n = 0;
		}
		if (i < nsrc)
			srcs[i].n++;
	}
	for (int i = 0; i < nsrc; i++)
		printf("%s %lu\n", srcs[i].name, srcs[i].n);
	printf("total %lu\nbad %lu\n", total, bad);
	return 0;
}

static int do_capture(int argc, char **argv)
{
	unsigned long good = 0, damaged = 0;
	long limit = 10000, start;
	const char *readyfile = NULL;
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	unsigned char buf[4096];
	unsigned int port;
	int c, fd;

	while ((c = getopt(argc, argv, "T:r:")) != -1) {
		switch (c) {
		case 'T': limit = strtol(optarg, NULL, 0); break;
		case 'r': readyfile = optarg; break;
		default: usage();
		}
	}
	if (argc - optind != 2)
		usage();
	ll.sll_ifindex = (int)if_nametoindex(argv[optind]);
	if (!ll.sll_ifindex)
		die(argv[optind]);
	port = (unsigned int)atoi(argv[optind + 1]);
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (fd < 0)
		die("socket(AF_PACKET)");
	if (bind(fd, (void *)&ll, sizeof(ll)))
		die("bind");
	setup_signals();
	ready(readyfile);
	start = now_ms();
	while (!stop && now_ms() - start < limit) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		struct sockaddr_ll from;
		socklen_t flen = sizeof(from);
		const unsigned char *l4 = NULL;
		struct udphdr *udp;
		ssize_t n;
		size_t ulen;
		__u16 proto;

		if (poll(&p, 1, 50) <= 0)
			continue;
		n = recvfrom(fd, buf, sizeof(buf), 0, (void *)&from, &flen);
		if (n < ETH_HLEN || from.sll_pkttype == PACKET_OUTGOING)
			continue;
		memcpy(&proto, buf + 12, 2);
		if (proto == htons(ETH_P_IP) && n >= ETH_HLEN + 20) {
			struct iphdr *ip = (void *)(buf + ETH_HLEN);

			if (ip->protocol == IPPROTO_UDP)
				l4 = buf + ETH_HLEN + ip->ihl * 4;
		} else if (proto == htons(ETH_P_IPV6) && n >= ETH_HLEN + 40) {
			struct ip6_hdr *ip6 = (void *)(buf + ETH_HLEN);

			if (ip6->ip6_nxt == IPPROTO_UDP)
				l4 = buf + ETH_HLEN + 40;
		}
		if (!l4 || l4 + sizeof(*udp) > buf + n)
			continue;
		udp = (void *)l4;
		if (ntohs(udp->uh_dport) != port)
			continue;
		ulen = ntohs(udp->uh_ulen);
		if (ulen < sizeof(*udp) || l4 + ulen > buf + n)
			damaged++;
		else if (intact(l4 + sizeof(*udp), ulen - sizeof(*udp)))
			good++;
		else
			damaged++;
	}
	printf("intact %lu\ndamaged %lu\n", good, damaged);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(argv[1], "send"))
		return do_send(argc - 1, argv + 1);
	if (!strcmp(argv[1], "recv"))
		return do_recv(argc - 1, argv + 1);
	if (!strcmp(argv[1], "capture"))
		return do_capture(argc - 1, argv + 1);
	usage();
}
