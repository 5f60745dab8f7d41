/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by bpf/ebpf_sockmap.bpf.c and tools/ebpf-sockmap.c: the SOCKHASH
 * key, the configuration entry and the counters.
 */
#ifndef EBPF_SOCKMAP_H
#define EBPF_SOCKMAP_H

#include <linux/types.h>

/* Sockets the SOCKHASH can hold (both ends of 32768 connections). */
#define ESM_MAX_SOCKETS		65536

/*
 * A socket's connection as seen from that socket: family (AF_INET or
 * AF_INET6), addresses in network byte order (IPv4 in ip[0]), ports in
 * host byte order. The peer's key is the same with local and remote
 * swapped.
 */
struct esm_key {
	__u32 family;
	__u32 local_ip[4];
	__u32 remote_ip[4];
	__u32 local_port;
	__u32 remote_port;
};

/* The single entry of the "config" array. */
struct esm_config {
	__u32 ports_only;	/* 1: only ports marked in the "ports" array */
	__u32 draining;		/* 1: detached, every message takes the normal stack */
	__u32 queue_max;	/* flow control: bytes (see ESM_QUEUE_MAX) */
	__u32 queue_max_msgs;	/* ... and messages, at most ESM_QUEUE_MAX_MSGS */
};

/*
 * Per-socket state (BPF_MAP_TYPE_SK_STORAGE). A connection direction that
 * sent a message through the normal TCP stack never goes back to the
 * redirect: those bytes may still be unread in the peer's receive queue,
 * and the peer reads its redirect queue first.
 */
struct esm_sk_state {
	__u32 tcp_only;
};

/*
 * Value of the "sock_addr" hash, one per added socket (keyed by its own
 * key): its kernel address, and when the peer last redirected into it.
 */
struct esm_sock {
	__u64 addr;
	__u64 redirect_ns;	/* bpf_ktime_get_ns() of the peer's last redirect */
	__u64 redirects;
	__u64 redirected_cost;	/* by the peer, into this socket: bytes plus
				 * ESM_MSG_COST a message */
	__u64 next_check;	/* check the queue when redirected_cost gets here */
	__u64 peer_redirects_seen; /* our own entry's .redirects at the run's start */
	__u64 run_msgs;		/* messages of the current one-way run into it */
	__u64 run_bytes;	/* and their bytes */
	__u32 leaving;		/* 1: at its FIN; the peer must not redirect to it */
	__u32 peer_tcp_only;	/* 1: the peer's direction to it fell back (no
				 * socket storage could be had for the mark) */
};

/*
 * A socket gives up its psock at its FIN only if its peer has not started
 * a redirect into it for this long, or is in no sendmsg (see try_leave(),
 * step 3: what bounds a redirect on its way, and why this is enough).
 */
#define ESM_INFLIGHT_NS		(20ULL * 1000 * 1000)

/*
 * Flow control. A redirect into the peer's queue never blocks: the kernel
 * queues without limit until TCP memory runs out, and then fails the
 * sender's write with ENOMEM (bpf_tcp_ingress(): sk_wmem_schedule()). So
 * the sender looks at the peer's queue now and then and, once it costs
 * config.queue_max less ESM_QUEUE_CHECK_MIN, or holds
 * config.queue_max_msgs messages, falls back to the normal stack, which
 * has flow control. A queue costs its bytes plus ESM_MSG_COST a message,
 * the struct sk_msg the kernel allocates for each (about 700 bytes, a
 * kmalloc-1k object). A check that finds the queue at cost C schedules
 * the next one queue_max - C later (the reader only shrinks it), at least
 * ESM_QUEUE_CHECK_MIN, so a queue never costs more than queue_max plus
 * one message, and a queue that the reader keeps short is rarely walked.
 * `attach` sets queue_max to a 16th of the TCP memory the kernel allows
 * before it applies pressure (tcp_mem[0], which scales with the
 * machine's memory: 16 directions with lagging readers at once reach it),
 * between ESM_QUEUE_MIN and ESM_QUEUE_MAX; queue_max_msgs to queue_max /
 * 16 KiB, between 16 and ESM_QUEUE_MAX_MSGS (the longest walk). The
 * queue's length decides how long a stream whose reader is slower than
 * its writer stays on the bypass: with 64 MiB, about twice as long as
 * with 32 MiB.
 */
#define ESM_QUEUE_CHECK_MIN	(256U * 1024)
#define ESM_QUEUE_MIN		(1U * 1024 * 1024)
#define ESM_QUEUE_MAX		(64U * 1024 * 1024)
#define ESM_QUEUE_MAX_MSGS	1024
#define ESM_MSG_COST		1024U

/*
 * One-way runs of small writes. Each redirected message costs the
 * receiver a wake-up and a lock, where TCP coalesces small writes into
 * large segments: a one-way stream of 4 KiB writes runs at about half the
 * speed of plain TCP on the bypass (16 KiB writes break even, 32 KiB and
 * more gain). So a direction that sent ESM_SMALL_RUN_MSGS messages in a
 * row of ESM_SMALL_MSG bytes or less on average, without its peer
 * sending back, falls back. Request/reply traffic never gets there: each
 * reply starts a new run.
 */
#define ESM_SMALL_RUN_MSGS	256
#define ESM_SMALL_MSG		(16U * 1024)

/* Counters: a per-CPU array, one __u64 per index, summed by `stats`. */
enum esm_counter {
	ESM_SOCKETS_ADDED,	/* sockets put into the SOCKHASH */
	ESM_SOCKETS_CLOSED,	/* of those, reached TCP_CLOSE */
	ESM_ADD_FAILED,		/* sock_hash_update failed (map full, ...) */
	ESM_MSGS_REDIRECTED,	/* sk_msg: messages sent to the peer directly */
	ESM_BYTES_REDIRECTED,
	ESM_MSGS_PASSED,	/* sk_msg: messages that took the normal stack */
	ESM_BYTES_PASSED,
	ESM_FALLBACK_NO_PEER,	/* a direction fell back: peer not in the map */
	ESM_FALLBACK_STATE,	/*   sender not ESTABLISHED (half-close, ...) or peer leaving */
	ESM_FALLBACK_DRAINING,	/*   the tool was detached */
	ESM_FALLBACK_QUEUE_FULL,/*   the peer's queue was full (slow reader) */
	ESM_STORAGE_FAILED,	/* a fallback could not be made sticky (ENOMEM) */
	ESM_FIN_LEFT,		/* left the map at its own FIN (nothing queued) */
	ESM_FIN_KEPT,		/* stayed at its own FIN: bytes queued or busy */
	ESM_FIN_KEPT_RECENT,	/*   of those: the peer redirected to it just now */
	ESM_TCP_ONLY_LEFT,	/* left the map after its direction fell back */
	ESM_FALLBACK_SMALL_WRITES, /* a direction fell back: one-way small writes */
	ESM_COUNTER_NR,
};

#endif /* EBPF_SOCKMAP_H */
