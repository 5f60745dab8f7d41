// SPDX-License-Identifier: GPL-2.0
/*
 * ebpf-sockmap: local TCP bypass. A sock_ops program on a cgroup puts its
 * established loopback TCP sockets into a SOCKHASH; an sk_msg program on
 * that map hands each message a socket sends straight to the peer socket's
 * receive side (bpf_msg_redirect_hash with BPF_F_INGRESS), skipping the
 * TCP/IP stack and the loopback device.
 *
 * No byte may be lost, duplicated or reordered. The receiving socket
 * (tcp_bpf_recvmsg) reads its redirect queue (psock->ingress_msg) before
 * its TCP receive queue whenever the redirect queue is not empty. So:
 *
 *  - A direction (one sending socket) starts with the redirect or never
 *    uses it, and once one of its messages takes the normal stack it
 *    stays there (esm_sk_state.tcp_only, in socket storage made then).
 *    Bytes on the redirect path then always come before bytes on the TCP
 *    path, which is the order the receiver reads them in. Going back to
 *    the redirect could put new bytes ahead of TCP bytes the peer has not
 *    read yet.
 *  - A socket that already sent data through TCP when it became
 *    established (TCP Fast Open) is not added.
 *  - The redirect is used only while the sender is ESTABLISHED: after a
 *    FIN either way (shutdown(SHUT_WR), close) the rest of the connection
 *    takes the normal stack, FIN included, in order behind the redirected
 *    bytes.
 *  - A socket that sends its FIN gets the normal TCP receive path back
 *    when that is safe (try_leave(): a kernel bug makes blocking reads
 *    on sockmap sockets return EAGAIN after the FIN's ACK).
 *  - A direction also falls back when its peer's queue is full (flow
 *    control: ESM_QUEUE_MAX) and after a one-way run of small writes,
 *    which TCP carries faster (ESM_SMALL_RUN_MSGS).
 *  - A socket whose own direction fell back leaves the map as soon as
 *    that is safe, by the same rules (leave_if_tcp_only()): its writes
 *    and reads then skip the sockmap hooks, which cost more than they
 *    save once nothing is redirected.
 *  - A failed redirect (the peer left the map, it is a listener) is
 *    turned into a pass, never a drop: returning SK_DROP would fail the
 *    sender's write with EACCES.
 *  - Sockets are never taken out of the map with bytes queued on them:
 *    the kernel would free those (sk_psock_drop()). They leave it when they
 *    close (sock_map_close()), or at their FIN when nothing is queued.
 *  - `detach` sets config.draining: existing sockets keep this program
 *    (their psock holds it, and it holds the maps) but every message
 *    takes the normal stack, behind the bytes already redirected.
 */
#include <linux/bpf.h>
#include <linux/types.h>
#include <stdbool.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_core_read.h>
#include "ebpf_sockmap.h"
#include "ebpf_sockmap_core.h"

#ifndef AF_INET
#define AF_INET		2
#endif
#ifndef AF_INET6
#define AF_INET6	10
#endif

struct {
	__uint(type, BPF_MAP_TYPE_SOCKHASH);
	__uint(max_entries, ESM_MAX_SOCKETS);
	__type(key, struct esm_key);
	__type(value, __u64);
} sock_hash SEC(".maps");

/* Each added socket's kernel address and the peer's last redirect into it. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, ESM_MAX_SOCKETS);
	__type(key, struct esm_key);
	__type(value, struct esm_sock);
} sock_addr SEC(".maps");

/* A word to run a locked (fully ordered) add on: see try_leave(). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} fence SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct esm_sk_state);
} sk_state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct esm_config);
} config SEC(".maps");

/* --ports: one byte per port, 1 = selected */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, ESM_COUNTER_NR);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

static __always_inline void count(__u32 idx, __u64 n)
{
	__u64 *c = bpf_map_lookup_elem(&counters, &idx);

	if (c)
		*c += n;
}

static __always_inline bool port_selected(__u32 port)
{
	__u8 *sel = bpf_map_lookup_elem(&ports, &port);

	return sel && *sel;
}

/*
 * remote_port in bpf_sock_ops and sk_msg_md holds the port in network byte
 * order in its upper 16 bits on little-endian machines (the context rewrite
 * shifts it); bpf_ntohl() gives the port in host order either way.
 */
static __always_inline __u32 remote_port_host(__u32 remote_port)
{
	return bpf_ntohl(remote_port) & 0xffff;
}

static __always_inline bool ip6_is_loopback(const __u32 ip[4])
{
	return ip[0] == 0 && ip[1] == 0 && ip[2] == 0 && ip[3] == bpf_htonl(1);
}

static __always_inline bool ip4_is_loopback(__u32 ip)
{
	return (bpf_ntohl(ip) >> 24) == 127;
}

/* Both ends on loopback: 127.0.0.0/8 or ::1. */
static __always_inline bool key_is_loopback(const struct esm_key *k)
{
	if (k->family == AF_INET)
		return ip4_is_loopback(k->local_ip[0]) && ip4_is_loopback(k->remote_ip[0]);
	if (k->family == AF_INET6)
		return ip6_is_loopback(k->local_ip) && ip6_is_loopback(k->remote_ip);
	return false;
}

/* ------------------------------------------------------------------ */
/* sock_ops: add established loopback sockets                          */

/* The socket's own key (local, remote); false if not IPv4/IPv6. */
static __always_inline bool fill_key(struct bpf_sock_ops *ops, struct esm_key *key)
{
	key->family = ops->family;
	if (key->family == AF_INET) {
		key->local_ip[0] = ops->local_ip4;
		key->remote_ip[0] = ops->remote_ip4;
	} else if (key->family == AF_INET6) {
		key->local_ip[0] = ops->local_ip6[0];
		key->local_ip[1] = ops->local_ip6[1];
		key->local_ip[2] = ops->local_ip6[2];
		key->local_ip[3] = ops->local_ip6[3];
		key->remote_ip[0] = ops->remote_ip6[0];
		key->remote_ip[1] = ops->remote_ip6[1];
		key->remote_ip[2] = ops->remote_ip6[2];
		key->remote_ip[3] = ops->remote_ip6[3];
	} else {
		return false;
	}
	key->local_port = ops->local_port;
	key->remote_port = remote_port_host(ops->remote_port);
	return true;
}

static __always_inline void add_socket(struct bpf_sock_ops *ops,
				       const struct esm_config *cfg)
{
	struct esm_key key = {};
	struct esm_sock ent = {};
	struct tcp_sock *tp;
	struct bpf_sock *sk;

	if (!fill_key(ops, &key))
		return;
	if (!key_is_loopback(&key))
		return;
	if (cfg->ports_only && !port_selected(key.local_port) &&
	    !port_selected(key.remote_port))
		return;
	/* TCP Fast Open: data already went through TCP, in the peer's queue. */
	if (ops->data_segs_out)
		return;

	sk = ops->sk;
	if (!sk)
		return;
	tp = bpf_skc_to_tcp_sock(sk);
	if (!tp)
		return;
	ent.addr = (unsigned long)tp;
	if (bpf_map_update_elem(&sock_addr, &key, &ent, BPF_ANY)) {
		count(ESM_ADD_FAILED, 1);
		return;
	}
	if (bpf_sock_hash_update(ops, &sock_hash, &key, BPF_NOEXIST)) {
		bpf_map_delete_elem(&sock_addr, &key);
		count(ESM_ADD_FAILED, 1);
		return;
	}
	count(ESM_SOCKETS_ADDED, 1);
	/*
	 * STATE: to count the socket out when it closes, and its FIN;
	 * RTT: ACKs, to leave the map once its direction fell back
	 */
	bpf_sock_ops_cb_flags_set(ops, ops->bpf_sock_ops_cb_flags |
				       BPF_SOCK_OPS_STATE_CB_FLAG |
				       BPF_SOCK_OPS_RTT_CB_FLAG);
}

/* The psock of the socket at kernel address sk (flag bits cleared), or 0. */
static __always_inline unsigned long psock_of(unsigned long sk)
{
	void *user_data = NULL;

	if (bpf_probe_read_kernel(&user_data, sizeof(user_data),
				  (void *)(sk + bpf_core_field_offset(struct sock, sk_user_data))))
		return 0;
	/* low bits: SK_USER_DATA_NOCOPY, _BPF, _PSOCK (6.0+) */
	return (unsigned long)user_data & ~7UL;
}

/* psock->refcnt, or -1 if unreadable. */
static __always_inline int psock_refs(unsigned long psock)
{
	int refs;

	if (bpf_probe_read_kernel(&refs, sizeof(refs),
				  (void *)(psock + bpf_core_field_offset(struct sk_psock, refcnt))))
		return -1;
	return refs;
}

/* Maps the psock is in (0..3: 3 means 3 or more), or -1 if unreadable. */
static __always_inline int psock_links(unsigned long psock)
{
	unsigned long head = psock + bpf_core_field_offset(struct sk_psock, link);
	struct list_head *pos;
	int n;

	if (bpf_probe_read_kernel(&pos, sizeof(pos), (void *)head))
		return -1;
	for (n = 0; n < 3; n++) {
		if ((unsigned long)pos == head)
			return n;
		if (bpf_probe_read_kernel(&pos, sizeof(pos), pos))
			return -1;
	}
	return 3;
}

/* True if nothing is queued in the psock's ingress_msg. */
static __always_inline bool psock_ingress_empty(unsigned long psock)
{
	unsigned long head = psock + bpf_core_field_offset(struct sk_psock, ingress_msg);
	struct list_head *first;

	if (bpf_probe_read_kernel(&first, sizeof(first), (void *)head))
		return false;
	return (unsigned long)first == head;
}

/*
 * What the psock's ingress queue holds, in flow-control cost: its bytes
 * plus ESM_MSG_COST per message. Counting stops at max; a queue of
 * max_msgs messages or more, or one that cannot be read, costs max.
 */
static __always_inline __u32 psock_queue_cost(unsigned long psock, __u32 max, __u32 max_msgs)
{
	unsigned long head = psock + bpf_core_field_offset(struct sk_psock, ingress_msg);
	unsigned long list_off = bpf_core_field_offset(struct sk_msg, list);
	unsigned long size_off = bpf_core_field_offset(struct sk_msg, sg) +
				 bpf_core_field_offset(struct sk_msg_sg, size);
	struct list_head *pos;
	__u32 cost = 0, size;
	int n;

	if (bpf_probe_read_kernel(&pos, sizeof(pos), (void *)head))
		return max;
	for (n = 0; n < ESM_QUEUE_MAX_MSGS; n++) {
		if ((unsigned long)pos == head)
			return cost;
		if (n >= max_msgs)
			return max;
		if (bpf_probe_read_kernel(&size, sizeof(size),
					  (void *)((unsigned long)pos - list_off + size_off)) ||
		    bpf_probe_read_kernel(&pos, sizeof(pos), pos))
			return max;
		cost += size + ESM_MSG_COST;
		if (cost >= max)
			return max;
	}
	return max;
}

/*
 * The peer of the socket with key k holds more references on its psock
 * than its map links: one of its threads is inside sendmsg (or recvmsg).
 * Unknown counts as busy.
 */
static __always_inline bool peer_busy(const struct esm_key *k)
{
	struct esm_key peer = {};
	unsigned long psock;
	struct esm_sock *ent;
	int links;

	peer.family = k->family;
	peer.local_ip[0] = k->remote_ip[0];
	peer.local_ip[1] = k->remote_ip[1];
	peer.local_ip[2] = k->remote_ip[2];
	peer.local_ip[3] = k->remote_ip[3];
	peer.remote_ip[0] = k->local_ip[0];
	peer.remote_ip[1] = k->local_ip[1];
	peer.remote_ip[2] = k->local_ip[2];
	peer.remote_ip[3] = k->local_ip[3];
	peer.local_port = k->remote_port;
	peer.remote_port = k->local_port;
	ent = bpf_map_lookup_elem(&sock_addr, &peer);
	if (!ent)
		return true;
	psock = psock_of(ent->addr);
	if (!psock)
		return false;	/* in no map: it cannot redirect */
	links = psock_links(psock);
	return links < 0 || psock_refs(psock) != links;
}

/*
 * This socket sent its FIN: shutdown(SHUT_WR) or close(). Called from
 * tcp_set_state() under the socket lock of the caller's syscall (and from
 * leave_if_tcp_only(), below, under the socket lock too).
 *
 * A blocking read on a socket in a sockmap goes through tcp_bpf_recvmsg(),
 * which returns -EAGAIN when it is woken without data instead of waiting
 * again (net/ipv4/tcp_bpf.c, every kernel from 5.x to 7.2: "copied =
 * -EAGAIN" after tcp_msg_wait_data()). After our FIN the peer's ACK of it
 * is such a wake-up (FIN_WAIT1 -> FIN_WAIT2 wakes the socket's waiters):
 * a program that reads the reply after shutdown(SHUT_WR) would get EAGAIN
 * on a blocking socket and lose the reply. This was the loss seen with a
 * naive redirect.
 *
 * So the socket gets its plain TCP receive path back now, when that is
 * safe: leaving the map drops its psock, the kernel then frees whatever
 * is still queued on it (sk_psock_drop() -> sk_psock_stop() ->
 * __sk_psock_zap_ingress()), and a peer already redirecting into it gets
 * EPIPE (tcp_bpf_sendmsg_redir() finds no psock). In order:
 *  1. mark it leaving (esm_sock.leaving): the peer's next messages take
 *     the normal stack;
 *  2. a locked add (a full barrier on x86) orders 1 before the reads of 3;
 *     the peer's sk_msg program stamps esm_sock.redirect_ns, does a locked
 *     add, then reads .leaving: either it sees 1, or 3 sees its stamp;
 *  3. nothing on its way in, and nothing queued. A redirect from the
 *     peer P into us runs in P's tcp_bpf_send_verdict(), all inside one
 *     sendmsg that holds a reference on P's own psock (tcp_bpf_sendmsg()
 *     -> sk_psock_get()):
 *       a. P's verdict (this file's sk_msg program), under P's lock;
 *       b. release_sock(P), which runs P's socket backlog;
 *       c. tcp_bpf_sendmsg_redir() -> sk_psock_get() on our psock;
 *       d. bpf_tcp_ingress(): lock_sock() on us, which our caller holds,
 *          queue, unlock, put our psock.
 *     From c on, P holds a reference on our psock: "nobody else in our
 *     psock" below sees it. If P holds no reference on its own psock
 *     besides its map link, it is in no sendmsg, so in no a-d: nothing
 *     is on its way (peer_busy()). Neither is timing.
 *     But P is often busy for a harmless reason, blocked in a read of
 *     its own (waiting for our request in a half-close exchange), and
 *     between a and c nothing of the redirect can be read: the kernel
 *     clears psock->sk_redir and ->eval before b, the message is on P's
 *     stack, and the sock_hold() it keeps on us is one of many on
 *     sk_refcnt. So a busy P counts only if its last verdict into us
 *     (its stamp) is less than ESM_INFLIGHT_NS old. Why 20 ms is enough:
 *     a to c has no sleeping allocation and waits for no lock we hold;
 *     only b's backlog (bounded by P's receive buffer) and a preemption
 *     at its cond_resched() can stretch it, and 20 ms is several
 *     scheduler slices (3 ms) of a runnable task. A task starved longer
 *     than that exactly there makes c fail (our psock is gone): P's
 *     write reports those bytes as not sent (a short count, or EPIPE),
 *     so the application sees it, no byte is dropped silently. Only if
 *     c also lands between our reads below and 4 (a few instructions
 *     under our lock) would P queue on a psock that then goes with the
 *     queue: that needs both the 20 ms starvation and that window.
 *     Nothing queued: the ingress side takes our socket lock (d), which
 *     our caller holds; nobody else in our psock (a reader or writer of
 *     another thread, or P from c on, holds a reference);
 *  4. leave the map: the psock goes, reads use tcp_recvmsg().
 * When 3 fails the socket stays in the map until it is closed: queued
 * bytes are read first, then the normal stack's (esm_fin_kept counts it).
 */
/*
 * Steps 1-4 above; true if the socket left the map. fin: count the
 * outcome as a FIN's.
 */
static __always_inline bool try_leave(struct bpf_sock_ops *ops, bool fin)
{
	struct esm_key key = {};
	struct esm_sock *me;
	unsigned long psock;
	struct tcp_sock *tp;
	__u32 zero = 0;
	__u64 *f;

	if (!ops->sk || !fill_key(ops, &key))
		return false;
	tp = bpf_skc_to_tcp_sock(ops->sk);
	if (!tp)
		return false;
	psock = psock_of((unsigned long)tp);
	if (!psock)
		return false;	/* in no map (close(): sock_map_close() ran first) */

	me = bpf_map_lookup_elem(&sock_addr, &key);
	f = bpf_map_lookup_elem(&fence, &zero);
	if (!me || !f)
		goto keep;
	me->leaving = 1;		/* 1 */
	__sync_fetch_and_add(f, 1);	/* 2 */
	if (bpf_ktime_get_ns() - me->redirect_ns < ESM_INFLIGHT_NS &&
	    peer_busy(&key)) {
		if (fin)
			count(ESM_FIN_KEPT_RECENT, 1);
		goto keep;		/* 3 */
	}
	if (!psock_ingress_empty(psock) || psock_links(psock) != 1)
		goto keep;
	/*
	 * Others in our psock. At a FIN they must not be: a reader blocked
	 * in it would still get the EAGAIN. A socket leaving because its
	 * own direction fell back may leave under them if its peer never
	 * began a redirect into it (me->redirects, read after 2: the peer
	 * counts with a locked add before it reads .leaving, so it never
	 * will): nothing can reach its queue, and the psock goes with the
	 * last of them.
	 */
	if (psock_refs(psock) != 1 && (fin || me->redirects))
		goto keep;

	if (bpf_map_delete_elem(&sock_hash, &key) == 0) {	/* 4 */
		count(fin ? ESM_FIN_LEFT : ESM_TCP_ONLY_LEFT, 1);
		return true;
	}
keep:
	if (fin)
		count(ESM_FIN_KEPT, 1);
	return false;
}

/*
 * A socket whose own direction fell back to the normal stack (tcp_only)
 * sends through the sockmap hooks for nothing: each write is copied into
 * a struct sk_msg, runs the verdict and is pushed to TCP page by page,
 * slower than tcp_sendmsg(). So it leaves the map as at a FIN (steps 1-4
 * above), and sends and receives through plain TCP from then on. Called
 * on each of its ACKs with an RTT sample (BPF_SOCK_OPS_RTT_CB: the socket
 * lock is held, by softirq or by the process) until that succeeds; the
 * attempts fail while one of its threads is inside a read or a write (the
 * psock reference count), so the socket leaves between two system calls.
 * Its peer's direction falls back from then on (esm_sock.leaving, then
 * the peer is no longer in the map), behind the bytes already queued
 * here, which step 3 waits for.
 */
static __always_inline void leave_if_tcp_only(struct bpf_sock_ops *ops)
{
	struct esm_sk_state *st;

	if (!ops->sk)
		return;
	st = bpf_sk_storage_get(&sk_state, ops->sk, 0, 0);
	if (!st || !st->tcp_only)
		return;
	if (try_leave(ops, false))
		bpf_sock_ops_cb_flags_set(ops, ops->bpf_sock_ops_cb_flags &
					       ~BPF_SOCK_OPS_RTT_CB_FLAG);
}

static __always_inline void forget_socket(struct bpf_sock_ops *ops)
{
	struct esm_key key = {};

	if (fill_key(ops, &key))
		bpf_map_delete_elem(&sock_addr, &key);
	count(ESM_SOCKETS_CLOSED, 1);
}

SEC("sockops")
int esm_sockops(struct bpf_sock_ops *ops)
{
	__u32 zero = 0;
	struct esm_config *cfg;

	switch (ops->op) {
	case BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB:
	case BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB:
		cfg = bpf_map_lookup_elem(&config, &zero);
		if (cfg && !cfg->draining)
			add_socket(ops, cfg);
		break;
	case BPF_SOCK_OPS_STATE_CB:
		/* args[1]: the new state */
		if (ops->args[1] == BPF_TCP_FIN_WAIT1)
			try_leave(ops, true);
		else if (ops->args[1] == BPF_TCP_CLOSE)
			forget_socket(ops);
		break;
	case BPF_SOCK_OPS_RTT_CB:
		leave_if_tcp_only(ops);
		break;
	}
	return 1;
}

/* ------------------------------------------------------------------ */
/* sk_msg: redirect each message to the peer, or pass it               */

/*
 * A one-way run of small writes (see ESM_SMALL_RUN_MSGS): true once this
 * direction (into the peer's entry ent) sent ESM_SMALL_RUN_MSGS messages
 * or more, ESM_SMALL_MSG bytes or less on average, since its peer last
 * began a redirect the other way (me: our own entry; its .redirects moves
 * then).
 */
static __always_inline bool small_run(struct esm_sock *ent, const struct esm_key *own, __u32 size)
{
	struct esm_sock *me = bpf_map_lookup_elem(&sock_addr, own);

	if (!me)
		return false;
	if (me->redirects != ent->peer_redirects_seen) {
		ent->peer_redirects_seen = me->redirects;
		ent->run_msgs = 0;
		ent->run_bytes = 0;
	}
	ent->run_msgs++;
	ent->run_bytes += size;
	return ent->run_msgs >= ESM_SMALL_RUN_MSGS &&
	       ent->run_bytes <= (__u64)ent->run_msgs * ESM_SMALL_MSG;
}

SEC("sk_msg")
int esm_redirect(struct sk_msg_md *msg)
{
	struct esm_key peer = {}, own = {};
	struct esm_sk_state *st;
	struct esm_sock *ent = NULL;
	struct esm_config *cfg;
	struct bpf_sock *sk;
	__u32 zero = 0, size = msg->size;
	__u32 queued, why;

	sk = msg->sk;
	if (!sk)
		goto pass;
	/* created when the direction falls back: see fall_back */
	st = bpf_sk_storage_get(&sk_state, sk, 0, 0);
	if (st && st->tcp_only)
		goto pass;

	cfg = bpf_map_lookup_elem(&config, &zero);
	if (!cfg || cfg->draining) {
		why = ESM_FALLBACK_DRAINING;
		goto fall_back;
	}
	if (sk->state != BPF_TCP_ESTABLISHED) {
		why = ESM_FALLBACK_STATE;
		goto fall_back;
	}

	peer.family = msg->family;
	if (peer.family == AF_INET) {
		peer.local_ip[0] = msg->remote_ip4;
		peer.remote_ip[0] = msg->local_ip4;
	} else {
		peer.local_ip[0] = msg->remote_ip6[0];
		peer.local_ip[1] = msg->remote_ip6[1];
		peer.local_ip[2] = msg->remote_ip6[2];
		peer.local_ip[3] = msg->remote_ip6[3];
		peer.remote_ip[0] = msg->local_ip6[0];
		peer.remote_ip[1] = msg->local_ip6[1];
		peer.remote_ip[2] = msg->local_ip6[2];
		peer.remote_ip[3] = msg->local_ip6[3];
	}
	peer.local_port = remote_port_host(msg->remote_port);
	peer.remote_port = msg->local_port;
	own.family = peer.family;
	own.local_ip[0] = peer.remote_ip[0];
	own.local_ip[1] = peer.remote_ip[1];
	own.local_ip[2] = peer.remote_ip[2];
	own.local_ip[3] = peer.remote_ip[3];
	own.remote_ip[0] = peer.local_ip[0];
	own.remote_ip[1] = peer.local_ip[1];
	own.remote_ip[2] = peer.local_ip[2];
	own.remote_ip[3] = peer.local_ip[3];
	own.local_port = peer.remote_port;
	own.remote_port = peer.local_port;

	/* the stamp try_leave() looks at, then a full barrier (x86) */
	ent = bpf_map_lookup_elem(&sock_addr, &peer);
	if (!ent) {
		why = ESM_FALLBACK_NO_PEER;
		goto fall_back;
	}
	ent->redirect_ns = bpf_ktime_get_ns();
	__sync_fetch_and_add(&ent->redirects, 1);
	if (ent->leaving || ent->peer_tcp_only) {
		why = ESM_FALLBACK_STATE;
		goto fall_back;
	}
	/*
	 * Flow control (see ESM_QUEUE_MAX). The reader only ever shrinks the
	 * queue, so one that cost `queued` at a check cannot cost more than
	 * queue_max before another queue_max - queued has been redirected
	 * into it: the next check is due then, not sooner.
	 */
	if (ent->redirected_cost >= ent->next_check) {
		queued = psock_queue_cost(psock_of(ent->addr), cfg->queue_max,
					  cfg->queue_max_msgs);
		if (queued + ESM_QUEUE_CHECK_MIN > cfg->queue_max) {
			why = ESM_FALLBACK_QUEUE_FULL;
			goto fall_back;
		}
		ent->next_check = ent->redirected_cost + cfg->queue_max - queued;
	}
	if (small_run(ent, &own, size)) {
		why = ESM_FALLBACK_SMALL_WRITES;
		goto fall_back;
	}
	ent->redirected_cost += size + ESM_MSG_COST;
	if (bpf_msg_redirect_hash(msg, &sock_hash, &peer, BPF_F_INGRESS) == SK_PASS) {
		count(ESM_MSGS_REDIRECTED, 1);
		count(ESM_BYTES_REDIRECTED, size);
		return SK_PASS;
	}
	why = ESM_FALLBACK_NO_PEER;

fall_back:
	/* this direction stays on the normal stack from now on */
	if (!st)
		st = bpf_sk_storage_get(&sk_state, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	if (st)
		st->tcp_only = 1;
	else if (ent)
		ent->peer_tcp_only = 1;	/* the same mark, in the peer's entry */
	else
		count(ESM_STORAGE_FAILED, 1);
	count(why, 1);
pass:
	count(ESM_MSGS_PASSED, 1);
	count(ESM_BYTES_PASSED, size);
	return SK_PASS;
}

char LICENSE[] SEC("license") = "GPL";
