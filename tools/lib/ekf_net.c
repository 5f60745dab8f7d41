// SPDX-License-Identifier: GPL-2.0
#include "ekf_net.h"
#include "ekf_pin.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

bool ekf_parse_cidr(const char *s, struct ekf_cidr *out, const char **why)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	unsigned long plen;
	uint32_t max, i;

	memset(out, 0, sizeof(*out));
	if (!s || !*s || strlen(s) >= sizeof(buf)) {
		*why = "not an IPv4 or IPv6 address or prefix";
		return false;
	}
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, &out->addr[12]) == 1) {
		out->v4 = true;
		out->addr[10] = out->addr[11] = 0xff;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, out->addr) == 1) {
		max = 128;
	} else {
		*why = "not an IPv4 or IPv6 address";
		return false;
	}
	plen = max;
	if (slash) {
		if (!isdigit((unsigned char)*slash)) {
			*why = "the prefix length is not a number";
			return false;
		}
		errno = 0;
		plen = strtoul(slash, &end, 10);
		if (errno || *end || plen > max) {
			*why = max == 32 ? "the prefix length is not 0..32" :
					   "the prefix length is not 0..128";
			return false;
		}
	}
	out->plen = (uint32_t)plen + (out->v4 ? 96 : 0);
	for (i = out->plen; i < 128; i++) {
		if (out->addr[i / 8] & (0x80 >> (i % 8))) {
			*why = "host bits are set past the prefix length";
			return false;
		}
	}
	return true;
}

void ekf_cidr_str(const uint8_t addr[16], uint32_t plen, char *buf, size_t size)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	char a[INET6_ADDRSTRLEN];

	if (plen >= 96 && !memcmp(addr, mapped, 12)) {
		inet_ntop(AF_INET, addr + 12, a, sizeof(a));
		snprintf(buf, size, "%s/%u", a, plen - 96);
	} else {
		inet_ntop(AF_INET6, addr, a, sizeof(a));
		snprintf(buf, size, "%s/%u", a, plen);
	}
}

static bool parse_port(const char *s, const char *end, uint16_t *out)
{
	unsigned long v = 0;
	const char *p;

	if (s == end || end - s > 5)
		return false;
	for (p = s; p < end; p++) {
		if (!isdigit((unsigned char)*p))
			return false;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v < 1 || v > 65535)
		return false;
	*out = (uint16_t)v;
	return true;
}

bool ekf_parse_port_range(const char *s, uint16_t *lo, uint16_t *hi)
{
	const char *dash = strchr(s, '-');

	if (!dash)
		return parse_port(s, s + strlen(s), lo) && (*hi = *lo, true);
	return parse_port(s, dash, lo) && parse_port(dash + 1, dash + strlen(dash), hi) &&
	       *lo <= *hi;
}

bool ekf_ifname_valid(const char *name)
{
	const char *p;

	if (!name || !*name || strlen(name) >= IFNAMSIZ || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (p = name; *p; p++)
		if (*p == '/' || *p == ':' || isspace((unsigned char)*p))
			return false;
	return true;
}

unsigned int ekf_ifindex(const char *name)
{
	return ekf_ifname_valid(name) ? if_nametoindex(name) : 0;
}

void ekf_tool_dir(const char *tool, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", EKF_PIN_ROOT, tool);
}

void ekf_iface_dir(const char *tool, const char *iface, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s/%s", EKF_PIN_ROOT, tool, iface);
}

int ekf_for_each_line(const char *path, int (*fn)(char *line, unsigned int lineno, void *arg),
		      void *arg)
{
	unsigned int lineno = 0;
	char *line = NULL, *p, *e;
	size_t cap = 0;
	int ret = 0;
	FILE *f;

	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		p = strchr(line, '#');
		if (p)
			*p = '\0';
		for (p = line; isspace((unsigned char)*p); p++)
			;
		for (e = p + strlen(p); e > p && isspace((unsigned char)e[-1]); e--)
			;
		*e = '\0';
		if (!*p)
			continue;
		ret = fn(p, lineno, arg);
		if (ret)
			break;
	}
	if (!ret && ferror(f))
		ret = -EIO;
	free(line);
	fclose(f);
	return ret;
}

int ekf_tc_filter_count(unsigned int ifindex, uint32_t parent)
{
	struct {
		struct nlmsghdr n;
		struct tcmsg t;
	} req = {
		.n = {
			.nlmsg_len = NLMSG_LENGTH(sizeof(struct tcmsg)),
			.nlmsg_type = RTM_GETTFILTER,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
			.nlmsg_seq = 1,
		},
		.t = {
			.tcm_family = AF_UNSPEC,
			.tcm_ifindex = (int)ifindex,
			.tcm_parent = parent,
		},
	};
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	char buf[16384] __attribute__((aligned(4)));
	int fd, count = 0, err = 0;
	bool done = false;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	if (sendto(fd, &req, req.n.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		goto out;
	}
	while (!done) {
		ssize_t len = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h;

		if (len < 0) {
			err = -errno;
			break;
		}
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type == NLMSG_DONE) {
				done = true;
				break;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				err = e->error;
				done = true;
				break;
			}
			if (h->nlmsg_type == RTM_NEWTFILTER)
				count++;
		}
	}
out:
	close(fd);
	return err ? err : count;
}
