// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/mman.h>

#include <linux/bpf.h>
#include <bpf/bpf.h>

#include "ekf_ring.h"

int ekf_ring_open(struct ekf_ring *r, int map_fd, ekf_ring_fn fn, void *ctx)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	void *ro;
	int err;

	memset(r, 0, sizeof(*r));
	r->epoll_fd = -1;
	if (bpf_obj_get_info_by_fd(map_fd, &info, &len))
		return -errno;
	if (info.type != BPF_MAP_TYPE_RINGBUF || !info.max_entries ||
	    (info.max_entries & (info.max_entries - 1)))
		return -EINVAL;
	r->size = info.max_entries;
	r->page = sysconf(_SC_PAGESIZE);
	r->fn = fn;
	r->ctx = ctx;

	r->consumer_pos = mmap(NULL, r->page, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	if (r->consumer_pos == MAP_FAILED) {
		err = -errno;
		r->consumer_pos = NULL;
		return err;
	}
	/* the producer page, then the data once: no second copy of it */
	ro = mmap(NULL, r->page + r->size, PROT_READ, MAP_SHARED, map_fd, r->page);
	if (ro == MAP_FAILED) {
		err = -errno;
		goto fail;
	}
	r->producer_pos = ro;
	r->data = (unsigned char *)ro + r->page;

	r->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (r->epoll_fd < 0 || epoll_ctl(r->epoll_fd, EPOLL_CTL_ADD, map_fd, &ev)) {
		err = -errno;
		goto fail;
	}
	return 0;
fail:
	ekf_ring_close(r);
	return err;
}

/* Bytes a record takes in the ring: header and length, 8-byte aligned. */
static size_t record_span(__u32 len)
{
	len &= ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
	return ((size_t)len + BPF_RINGBUF_HDR_SZ + 7) & ~(size_t)7;
}

/* size bytes of data from offset off, in one piece (NULL: out of memory). */
static void *sample_at(struct ekf_ring *r, size_t off, size_t size)
{
	size_t first;
	void *p;

	off &= r->size - 1;
	if (off + size <= r->size)
		return r->data + off;
	if (size > r->bounce_size) {
		p = realloc(r->bounce, size);
		if (!p)
			return NULL;
		r->bounce = p;
		r->bounce_size = size;
	}
	first = r->size - off;
	memcpy(r->bounce, r->data + off, first);
	memcpy((char *)r->bounce + first, r->data, size - first);
	return r->bounce;
}

int ekf_ring_consume(struct ekf_ring *r)
{
	unsigned long cons = *r->consumer_pos, prod;
	size_t off, size;
	bool progress;
	__u32 len;
	void *sample;
	int n = 0, err;

	do {
		progress = false;
		prod = __atomic_load_n(r->producer_pos, __ATOMIC_ACQUIRE);
		while (cons < prod) {
			off = cons & (r->size - 1);
			/* an 8-aligned header never wraps: the size is a multiple of 8 */
			len = __atomic_load_n((__u32 *)(r->data + off), __ATOMIC_ACQUIRE);
			if (len & BPF_RINGBUF_BUSY_BIT)
				return n;	/* reserved, not committed yet */
			progress = true;
			cons += record_span(len);
			if (!(len & BPF_RINGBUF_DISCARD_BIT)) {
				size = len & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
				sample = sample_at(r, off + BPF_RINGBUF_HDR_SZ, size);
				err = sample ? r->fn(r->ctx, sample, size) : -ENOMEM;
				if (err < 0) {
					__atomic_store_n(r->consumer_pos, cons, __ATOMIC_RELEASE);
					return err;
				}
				n++;
			}
			/* the producer may reuse the space from now on */
			__atomic_store_n(r->consumer_pos, cons, __ATOMIC_RELEASE);
		}
	} while (progress);
	return n;
}

int ekf_ring_poll(struct ekf_ring *r, int timeout_ms)
{
	struct epoll_event ev;

	if (epoll_wait(r->epoll_fd, &ev, 1, timeout_ms) < 0)
		return -errno;
	return ekf_ring_consume(r);
}

void ekf_ring_close(struct ekf_ring *r)
{
	if (r->producer_pos)
		munmap(r->producer_pos, r->page + r->size);
	if (r->consumer_pos)
		munmap(r->consumer_pos, r->page);
	if (r->epoll_fd >= 0)
		close(r->epoll_fd);
	free(r->bounce);
	memset(r, 0, sizeof(*r));
	r->epoll_fd = -1;
}
