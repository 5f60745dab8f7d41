/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few kernel-internal fields bpf/ebpf_sockmap.bpf.c reads, as CO-RE
 * definitions (no vmlinux.h): libbpf relocates each offset against the
 * running kernel's BTF. Field names unchanged from 5.10 to 7.2:
 *   struct sock.sk_user_data          include/net/sock.h (the psock, with
 *                                     flag bits, since 4.20 commit
 *                                     604326b41a6f "bpf, sockmap: convert
 *                                     to generic sk_msg interface")
 *   struct sk_psock.ingress_msg       include/linux/skmsg.h (same commit)
 *   struct sk_psock.refcnt            refcount_t since 5.x
 *   struct sk_psock.link              the maps it is in (sk_psock_link)
 *   struct sk_msg.list, .sg.size      a message queued on ingress_msg
 */
#ifndef EBPF_SOCKMAP_CORE_H
#define EBPF_SOCKMAP_CORE_H

struct list_head {
	struct list_head *next;
	struct list_head *prev;
};

typedef struct {
	int counter;
} atomic_t;

typedef struct refcount_struct {
	atomic_t refs;
} refcount_t;

struct sk_msg_sg {
	__u32 size;
} __attribute__((preserve_access_index));

struct sk_msg {
	struct sk_msg_sg sg;
	struct list_head list;
} __attribute__((preserve_access_index));

struct sock {
	void *sk_user_data;
} __attribute__((preserve_access_index));

struct sk_psock {
	struct list_head link;
	struct list_head ingress_msg;
	refcount_t refcnt;
} __attribute__((preserve_access_index));

#endif /* EBPF_SOCKMAP_CORE_H */
