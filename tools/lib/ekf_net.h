/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the network tools (ebpf-xdp-blocklist, ebpf-tc-redirect):
 * parsing of addresses, prefixes, ports and interface names, rule files,
 * and the per-interface state directory under EKF_PIN_ROOT.
 */
#ifndef EKF_NET_H
#define EKF_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An IPv4 or IPv6 prefix in the 16-byte form (IPv4 mapped to ::ffff:0:0/96). */
struct ekf_cidr {
	uint8_t addr[16];
	uint32_t plen;		/* 0..128 over the 16 bytes */
	bool v4;
};

/*
 * "10.0.0.0/8", "192.0.2.1", "2001:db8::/32", "::1". A missing prefix is
 * the full length. Host bits set past the prefix are an error (a typo is
 * more likely than a wish to list the whole network). On error returns
 * false and *why says what is wrong.
 */
bool ekf_parse_cidr(const char *s, struct ekf_cidr *out, const char **why);

/* The usual text form: "10.0.0.0/8", "192.0.2.1/32", "2001:db8::/32". */
void ekf_cidr_str(const uint8_t addr[16], uint32_t plen, char *buf, size_t size);

/* "80" or "8000-8080" (1..65535, lo <= hi). */
bool ekf_parse_port_range(const char *s, uint16_t *lo, uint16_t *hi);

/*
 * The interface's index, 0 if there is no such interface (in this network
 * namespace). A name that cannot be an interface name (empty, longer than
 * 15 bytes, '/', blanks) gives 0 too: check ekf_ifname_valid() first for
 * the better message.
 */
unsigned int ekf_ifindex(const char *name);
bool ekf_ifname_valid(const char *name);

/* EKF_PIN_ROOT/tool and EKF_PIN_ROOT/tool/iface. */
void ekf_tool_dir(const char *tool, char *buf, size_t size);
void ekf_iface_dir(const char *tool, const char *iface, char *buf, size_t size);

/*
 * Calls fn(line, lineno, arg) for each line of path that is not blank or
 * a comment ('#' to the end of a line is dropped; blanks trimmed). Stops at
 * the first nonzero return and returns it; -errno if the file cannot be
 * read.
 */
int ekf_for_each_line(const char *path, int (*fn)(char *line, unsigned int lineno, void *arg),
		      void *arg);

/*
 * Number of tc filters (any kind, anyone's) under parent of ifindex, from
 * an RTM_GETTFILTER dump; -errno on failure. parent: e.g.
 * TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS).
 */
int ekf_tc_filter_count(unsigned int ifindex, uint32_t parent);

#endif /* EKF_NET_H */
