/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A BPF ring buffer (BPF_MAP_TYPE_RINGBUF) consumer that maps the data
 * pages once. libbpf's ring_buffer maps them twice, back to back, so that
 * a record wrapping around the end reads as one piece; every page then
 * counts twice in the process's RSS (a 2 MiB ring: 4 MiB of RSS). Here a
 * wrapping record, rare, is copied into a buffer instead, and the same
 * RSS holds a ring twice as large: twice the burst a busy machine can
 * absorb while the consumer waits for a CPU.
 *
 * The protocol is the kernel's (kernel/bpf/ringbuf.c, uapi linux/bpf.h):
 * page 0 holds the consumer position (ours to write), page 1 the producer
 * position, then the data; each record has an 8-byte header whose length
 * word carries BPF_RINGBUF_BUSY_BIT until the producer commits it and
 * BPF_RINGBUF_DISCARD_BIT if it was discarded.
 */
#ifndef EKF_RING_H
#define EKF_RING_H

#include <stddef.h>

/* Called for each committed record; a negative return stops the pass and is returned. */
typedef int (*ekf_ring_fn)(void *ctx, void *data, size_t size);

struct ekf_ring {
	int epoll_fd;
	size_t size;			/* data bytes: a power of two */
	size_t page;
	unsigned long *consumer_pos;	/* mapped read-write */
	unsigned long *producer_pos;	/* mapped read-only, with the data */
	unsigned char *data;
	void *bounce;			/* a wrapping record, copied */
	size_t bounce_size;
	ekf_ring_fn fn;
	void *ctx;
};

/* Maps ring buffer map_fd; 0 or -errno (r is then unusable). */
int ekf_ring_open(struct ekf_ring *r, int map_fd, ekf_ring_fn fn, void *ctx);

/* Consumes every committed record; the count, or a negative error. */
int ekf_ring_consume(struct ekf_ring *r);

/*
 * Waits up to timeout_ms for the producer's wake-up, then consumes. The
 * count, or -errno (-EINTR on a signal).
 */
int ekf_ring_poll(struct ekf_ring *r, int timeout_ms);

void ekf_ring_close(struct ekf_ring *r);

#endif /* EKF_RING_H */
