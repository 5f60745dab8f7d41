// SPDX-License-Identifier: GPL-2.0
/*
 * ekf-sockmap-echo: loopback TCP echo server and clients in one process
 * (so both ends are in the same cgroup), to prove that ebpf-sockmap loses,
 * duplicates and reorders nothing, and to measure it.
 *
 * Every byte a client sends is a function of (connection, offset), so the
 * receiver checks each byte where it lands, not just a checksum.
 *
 *   bulk       N bytes each way per connection, C connections at once,
 *              writes of W bytes; --mid-cmd runs a command half way
 *   halfclose  K request/reply exchanges ending in shutdown(SHUT_WR) or
 *              close() with the peer's data still unread
 *   rr         64-byte ping-pong round trips: p50 and p99 in microseconds
 *   stream     one-way throughput with W-byte writes, Gbit/s; with
 *              --read-delay the receiver starts late (a slow reader: the
 *              bypass must fall back) and checks every byte
 *   connrate   connect + 1-byte exchange + close, connections per second
 *
 * Prints "ok MODE ..." (or numbers "name value") and exits 0, or prints
 * "error: ..." and exits 1.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int opt_family = AF_INET;
static uint64_t opt_bytes = 16 << 20;
static size_t opt_write = 65536;
static int opt_conns = 1;
static int opt_count = 100;
static double opt_seconds = 2;
static size_t opt_size = 64;
static const char *opt_mid_cmd;
static int opt_read_delay_ms;	/* stream: the receiver starts this late */
static const char *opt_addr;	/* default: 127.0.0.1 or ::1 */
static int opt_port;		/* default: any */
static struct sockaddr_storage srv_addr;
static socklen_t srv_len;
static volatile int failed;

static void __attribute__((format(printf, 1, 2))) die(const char *fmt, ...)
{
	va_list ap;

	fputs("error: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	exit(1);
}

static void __attribute__((format(printf, 1, 2))) fail(const char *fmt, ...)
{
	va_list ap;

	flockfile(stdout);
	fputs("error: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	funlockfile(stdout);
	failed = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------------ */
/* The byte pattern                                                    */

static inline uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Bytes [off, off+len) of stream id. */
static void pattern(uint64_t id, uint64_t off, unsigned char *buf, size_t len)
{
	while (len) {
		uint64_t w = mix((id << 40) ^ (off >> 3));
		unsigned int b = off & 7;

		for (; b < 8 && len; b++, len--, off++)
			*buf++ = (unsigned char)(w >> (8 * b));
	}
}

/* First offset where buf differs from the pattern, or -1. */
static int64_t check_pattern(uint64_t id, uint64_t off, const unsigned char *buf, size_t len)
{
	unsigned char exp[65536];
	size_t done = 0, n, i;

	while (done < len) {
		n = len - done < sizeof(exp) ? len - done : sizeof(exp);
		pattern(id, off + done, exp, n);
		if (memcmp(exp, buf + done, n))
			for (i = 0; i < n; i++)
				if (exp[i] != buf[done + i])
					return (int64_t)(off + done + i);
		done += n;
	}
	return -1;
}

/* ------------------------------------------------------------------ */
/* Sockets                                                             */

static int listen_any(void)
{
	int fd = socket(opt_family, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		die("socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&srv_addr, 0, sizeof(srv_addr));
	if (opt_family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)&srv_addr;

		a->sin_family = AF_INET;
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		a->sin_port = htons(opt_port);
		if (opt_addr && inet_pton(AF_INET, opt_addr, &a->sin_addr) != 1)
			die("bad IPv4 address '%s'", opt_addr);
		srv_len = sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&srv_addr;

		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		a->sin6_port = htons(opt_port);
		if (opt_addr && inet_pton(AF_INET6, opt_addr, &a->sin6_addr) != 1)
			die("bad IPv6 address '%s'", opt_addr);
		srv_len = sizeof(*a);
	}
	if (bind(fd, (struct sockaddr *)&srv_addr, srv_len))
		die("bind: %s", strerror(errno));
	if (listen(fd, 1024))
		die("listen: %s", strerror(errno));
	if (getsockname(fd, (struct sockaddr *)&srv_addr, &srv_len))
		die("getsockname: %s", strerror(errno));
	return fd;
}

static int connect_srv(void)
{
	int fd = socket(opt_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&srv_addr, srv_len))
		die("connect: %s", strerror(errno));
	return fd;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

/* Reads exactly len bytes; 0 ok, 1 EOF first, -1 error. */
static int read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	ssize_t n;

	while (len) {
		n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 1;
		p += n;
		len -= n;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The echo server: each connection echoes until EOF, then closes.     */

static void *echo_conn(void *arg)
{
	int fd = (int)(intptr_t)arg;
	static __thread unsigned char buf[1 << 18];
	ssize_t n;

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fail("echo server: read: %s", strerror(errno));
			break;
		}
		if (n == 0)
			break;
		if (write_all(fd, buf, n)) {
			fail("echo server: write: %s", strerror(errno));
			break;
		}
	}
	close(fd);
	return NULL;
}

struct server {
	int lfd;
	void *(*handler)(void *);
};

static void *accept_loop(void *arg)
{
	struct server *s = arg;
	pthread_attr_t attr;
	pthread_t t;
	int fd;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 1 << 20);
	for (;;) {
		fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			break;
		}
		if (pthread_create(&t, &attr, s->handler, (void *)(intptr_t)fd))
			die("pthread_create failed");
	}
	return NULL;
}

static void start_server(void *(*handler)(void *))
{
	static struct server s;
	pthread_t t;

	s.lfd = listen_any();
	s.handler = handler;
	if (pthread_create(&t, NULL, accept_loop, &s))
		die("pthread_create failed");
	pthread_detach(t);
}

/* ------------------------------------------------------------------ */
/* bulk                                                                */

static bool mid_done;

static void run_mid_cmd(void)
{
	int rc;

	mid_done = true;
	fflush(stdout);
	rc = system(opt_mid_cmd);
	if (rc != 0)
		fail("--mid-cmd '%s' exited %d", opt_mid_cmd, rc);
	else
		printf("# ran --mid-cmd half way: %s\n", opt_mid_cmd);
}

/*
 * One thread drives every client connection with poll() and non-blocking
 * sockets: writes the pattern, reads the echo, checks each byte. (Blocking
 * reads are the halfclose mode's business: see ebpf-sockmap(8), LIMITS.)
 */
struct bulk_conn {
	int id, fd;
	uint64_t sent, got;
	int64_t bad;
	bool shut, eof;
};

static int mode_bulk(void)
{
	struct bulk_conn *c = calloc(opt_conns, sizeof(*c));
	struct pollfd *pfd = calloc(opt_conns, sizeof(*pfd));
	unsigned char *wbuf = malloc(opt_write), *rbuf = malloc(1 << 18);
	int i, bad = 0, open_conns = opt_conns, rc;
	double t0, dt;
	ssize_t n;

	if (!c || !pfd || !wbuf || !rbuf)
		die("out of memory");
	start_server(echo_conn);
	t0 = now();
	for (i = 0; i < opt_conns; i++) {
		c[i].id = i;
		c[i].bad = -1;
		c[i].fd = connect_srv();
		if (fcntl(c[i].fd, F_SETFL, O_NONBLOCK))
			die("fcntl: %s", strerror(errno));
	}
	while (open_conns) {
		for (i = 0; i < opt_conns; i++) {
			pfd[i].fd = c[i].eof ? -1 : c[i].fd;
			pfd[i].events = POLLIN | (c[i].shut ? 0 : POLLOUT);
			pfd[i].revents = 0;
		}
		rc = poll(pfd, opt_conns, 60000);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0)
			die("bulk: poll: %s", rc ? strerror(errno) : "no progress for 60 s");
		for (i = 0; i < opt_conns; i++) {
			struct bulk_conn *k = &c[i];

			if (!pfd[i].revents)
				continue;
			if (!k->shut && (pfd[i].revents & (POLLOUT | POLLERR | POLLHUP))) {
				size_t len = opt_bytes - k->sent < opt_write ? opt_bytes - k->sent : opt_write;

				pattern(k->id, k->sent, wbuf, len);
				n = write(k->fd, wbuf, len);
				if (n < 0 && errno != EAGAIN && errno != EINTR)
					die("conn %d: write at %llu: %s", k->id,
					    (unsigned long long)k->sent, strerror(errno));
				if (n > 0)
					k->sent += n;
				if (opt_mid_cmd && k->id == 0 && k->sent >= opt_bytes / 2 && !mid_done)
					run_mid_cmd();
				if (k->sent == opt_bytes) {
					shutdown(k->fd, SHUT_WR);
					k->shut = true;
				}
			}
			if (pfd[i].revents & (POLLIN | POLLERR | POLLHUP)) {
				n = read(k->fd, rbuf, 1 << 18);
				if (n < 0 && (errno == EAGAIN || errno == EINTR))
					continue;
				if (n < 0)
					die("conn %d: read at %llu: %s", k->id,
					    (unsigned long long)k->got, strerror(errno));
				if (n == 0) {
					k->eof = true;
					open_conns--;
					continue;
				}
				if (k->bad < 0 && k->got + n <= opt_bytes)
					k->bad = check_pattern(k->id, k->got, rbuf, n);
				else if (k->got + n > opt_bytes && k->bad < 0)
					k->bad = (int64_t)opt_bytes;
				k->got += n;
			}
		}
	}
	for (i = 0; i < opt_conns; i++) {
		close(c[i].fd);
		if (c[i].got != opt_bytes) {
			fail("conn %d: echoed %llu bytes, sent %llu", i,
			     (unsigned long long)c[i].got, (unsigned long long)opt_bytes);
			bad++;
		} else if (c[i].bad >= 0) {
			fail("conn %d: wrong byte at offset %lld (lost, duplicated or reordered)",
			     i, (long long)c[i].bad);
			bad++;
		}
	}
	dt = now() - t0;
	if (bad || failed)
		return 1;
	printf("ok bulk: %d connection(s), %llu bytes each way each, writes of %zu, "
	       "%.2f s, %.2f Gbit/s\n", opt_conns, (unsigned long long)opt_bytes, opt_write, dt,
	       2.0 * opt_bytes * opt_conns * 8 / dt / 1e9);
	return 0;
}

/* ------------------------------------------------------------------ */
/* halfclose                                                           */

/*
 * Exchange kinds, by iteration number:
 *  0 client: request, shutdown(SHUT_WR), read the reply to EOF;
 *    server: read to EOF, reply, close
 *  1 client: request, shutdown(SHUT_WR) at once, read the reply to EOF;
 *    server: read the length-prefixed request, reply, shutdown(SHUT_WR),
 *    read to EOF, close (the reply was sent before the client's FIN came)
 *  2 client: request, close() without reading anything;
 *    server: read to EOF (all of it must arrive), close
 *  3 server: reply first and close() at once (its reply still unread by
 *    the client); client: read it all, then send and close
 * Requests and replies are 1..256 KiB of pattern bytes (ids by iteration).
 */
struct hc_result {
	int kind;
	uint32_t req_len, rep_len;
	int64_t server_bad;	/* -1: server saw the request intact */
};

static struct hc_result *hc;
static int hc_next_srv;
static pthread_mutex_t hc_lock = PTHREAD_MUTEX_INITIALIZER;

static uint32_t hc_len(int i, int which)
{
	return 1 + (uint32_t)(mix(((uint64_t)i << 1) | which) % (256 * 1024));
}

/* Reads to EOF into buf (max cap); returns the byte count or -1. */
static int64_t read_to_eof(int fd, unsigned char *buf, size_t cap)
{
	size_t got = 0;
	ssize_t n;

	for (;;) {
		n = read(fd, buf + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return (int64_t)got;
		got += n;
		if (got == cap) {
			unsigned char extra;

			n = read(fd, &extra, 1);	/* must be EOF */
			return n == 0 ? (int64_t)got : (int64_t)cap + 1;
		}
	}
}

#define HC_MAX (256 * 1024 + 8)

static void *hc_server_conn(void *arg)
{
	int fd = (int)(intptr_t)arg, i;
	unsigned char *buf = malloc(HC_MAX + 1), *rep = malloc(HC_MAX);
	struct hc_result *r;
	uint32_t len;
	int64_t got;

	if (!buf || !rep)
		die("out of memory");
	pthread_mutex_lock(&hc_lock);
	i = hc_next_srv++;	/* the client connects one at a time */
	pthread_mutex_unlock(&hc_lock);
	r = &hc[i];
	r->server_bad = -1;
	switch (r->kind) {
	case 0:
	case 2:
		got = read_to_eof(fd, buf, HC_MAX);
		if (got != (int64_t)r->req_len)
			r->server_bad = got < 0 ? -2 : got;
		else if (check_pattern(2 * i, 0, buf, r->req_len) >= 0)
			r->server_bad = -3;
		if (r->kind == 0) {
			pattern(2 * i + 1, 0, rep, r->rep_len);
			if (write_all(fd, rep, r->rep_len))
				fail("halfclose %d: server write: %s", i, strerror(errno));
		}
		break;
	case 1:
		if (read_all(fd, &len, 4) || len != r->req_len || read_all(fd, buf, len)) {
			r->server_bad = -4;
			break;
		}
		if (check_pattern(2 * i, 0, buf, len) >= 0)
			r->server_bad = -3;
		pattern(2 * i + 1, 0, rep, r->rep_len);
		if (write_all(fd, rep, r->rep_len))
			fail("halfclose %d: server write: %s", i, strerror(errno));
		shutdown(fd, SHUT_WR);
		if (read_to_eof(fd, buf, HC_MAX) != 0)
			r->server_bad = -5;
		break;
	case 3:
		pattern(2 * i + 1, 0, rep, r->rep_len);
		if (write_all(fd, rep, r->rep_len))
			fail("halfclose %d: server write: %s", i, strerror(errno));
		break;
	}
	close(fd);
	free(buf);
	free(rep);
	return NULL;
}

static int mode_halfclose(void)
{
	unsigned char *req = malloc(HC_MAX), *buf = malloc(HC_MAX + 1);
	int i, lost = 0;

	hc = calloc(opt_count, sizeof(*hc));
	if (!req || !buf || !hc)
		die("out of memory");
	for (i = 0; i < opt_count; i++) {
		hc[i].kind = i % 4;
		hc[i].req_len = hc_len(i, 0);
		hc[i].rep_len = hc_len(i, 1);
	}
	start_server(hc_server_conn);
	for (i = 0; i < opt_count; i++) {
		struct hc_result *r = &hc[i];
		int fd = connect_srv();
		int64_t got = 0;
		uint32_t len = r->req_len;

		pattern(2 * i, 0, req, r->req_len);
		switch (r->kind) {
		case 0:
		case 1:
			if ((r->kind == 1 && write_all(fd, &len, 4)) || write_all(fd, req, len)) {
				fail("halfclose %d: client write: %s", i, strerror(errno));
				break;
			}
			shutdown(fd, SHUT_WR);
			got = read_to_eof(fd, buf, HC_MAX);
			if (got != (int64_t)r->rep_len) {
				fail("halfclose %d (kind %d): reply %lld bytes, sent %u%s%s",
				     i, r->kind, (long long)got, r->rep_len,
				     got < 0 ? ": " : "", got < 0 ? strerror(errno) : "");
				lost++;
			} else if (check_pattern(2 * i + 1, 0, buf, got) >= 0) {
				fail("halfclose %d (kind %d): reply corrupted", i, r->kind);
				lost++;
			}
			break;
		case 2:
			if (write_all(fd, req, len))
				fail("halfclose %d: client write: %s", i, strerror(errno));
			break;
		case 3:
			if (read_all(fd, buf, r->rep_len) ||
			    check_pattern(2 * i + 1, 0, buf, r->rep_len) >= 0) {
				fail("halfclose %d (kind 3): reply after the server's close lost or corrupted", i);
				lost++;
			}
			break;
		}
		close(fd);
		/* wait for the server side of this exchange */
		for (int w = 0; w < 5000; w++) {
			pthread_mutex_lock(&hc_lock);
			int done = hc_next_srv > i;
			pthread_mutex_unlock(&hc_lock);
			if (done)
				break;
			usleep(1000);
		}
	}
	/* the server threads of the last exchanges may still be reading */
	usleep(200 * 1000);
	for (i = 0; i < opt_count; i++) {
		if (hc[i].kind == 3)
			continue;
		if (hc[i].server_bad != -1) {
			fail("halfclose %d (kind %d): server got a bad request (%lld)", i, hc[i].kind,
			     (long long)hc[i].server_bad);
			lost++;
		}
	}
	if (lost || failed)
		return 1;
	printf("ok halfclose: %d exchanges, zero loss\n", opt_count);
	return 0;
}

/* ------------------------------------------------------------------ */
/* rr, stream, connrate                                                */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int mode_rr(void)
{
	double *lat = malloc(opt_count * sizeof(*lat)), t;
	unsigned char buf[65536] = { 1 };
	int fd, i, one = 1;

	if (!lat || opt_size > sizeof(buf))
		die("bad --size or out of memory");
	start_server(echo_conn);
	fd = connect_srv();
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	for (i = -opt_count / 10; i < opt_count; i++) {	/* warm-up first */
		t = now();
		if (write_all(fd, buf, opt_size) || read_all(fd, buf, opt_size))
			die("rr: %s", strerror(errno));
		if (i >= 0)
			lat[i] = (now() - t) * 1e6;
	}
	close(fd);
	qsort(lat, opt_count, sizeof(*lat), cmp_double);
	printf("rr_p50_us %.2f\nrr_p99_us %.2f\n", lat[opt_count / 2], lat[opt_count * 99 / 100]);
	return 0;
}

static size_t opt_read = 65536;	/* stream: the receiver's read size */
static uint64_t sink_bytes;
static double sink_end;
static pthread_mutex_t sink_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sink_done = PTHREAD_COND_INITIALIZER;

static int64_t sink_bad = -1;

/*
 * Reads to EOF, counting; the rate is what arrived, not what was written.
 * With --read-delay: starts late and checks each byte.
 */
static void *sink_conn(void *arg)
{
	int fd = (int)(intptr_t)arg;
	unsigned char *buf = malloc(opt_read);
	uint64_t got = 0;
	int64_t bad = -1;
	ssize_t n;

	if (!buf)
		die("out of memory");
	if (opt_read_delay_ms)
		usleep(opt_read_delay_ms * 1000);
	while ((n = read(fd, buf, opt_read)) > 0) {
		if (opt_read_delay_ms && bad < 0)
			bad = check_pattern(0, got, buf, n);
		got += n;
	}
	if (n < 0)
		fail("stream: read at %llu: %s", (unsigned long long)got, strerror(errno));
	free(buf);
	close(fd);
	pthread_mutex_lock(&sink_lock);
	sink_bytes = got;
	sink_bad = bad;
	sink_end = now();
	pthread_cond_signal(&sink_done);
	pthread_mutex_unlock(&sink_lock);
	return NULL;
}

static int mode_stream(void)
{
	unsigned char *buf = calloc(1, opt_write);
	uint64_t sent = 0;
	double t0, dt;
	int fd;

	if (!buf)
		die("out of memory");
	start_server(sink_conn);
	fd = connect_srv();
	t0 = now();
	do {
		for (int k = 0; k < 64; k++) {
			if (opt_read_delay_ms)
				pattern(0, sent, buf, opt_write);
			if (write_all(fd, buf, opt_write))
				die("stream: %s", strerror(errno));
			sent += opt_write;
		}
		dt = now() - t0;
	} while (dt < opt_seconds);
	shutdown(fd, SHUT_WR);
	pthread_mutex_lock(&sink_lock);
	while (sink_end == 0)
		pthread_cond_wait(&sink_done, &sink_lock);
	pthread_mutex_unlock(&sink_lock);
	close(fd);
	if (opt_read_delay_ms) {
		if (sink_bytes != sent)
			fail("stream: received %llu bytes, sent %llu",
			     (unsigned long long)sink_bytes, (unsigned long long)sent);
		else if (sink_bad >= 0)
			fail("stream: wrong byte at offset %lld (lost, duplicated or reordered)",
			     (long long)sink_bad);
		if (failed)
			return 1;
		printf("ok stream: %llu bytes, read from %d ms on, intact\n",
		       (unsigned long long)sent, opt_read_delay_ms);
	}
	printf("stream_gbit_s %.3f\n", sink_bytes * 8 / (sink_end - t0) / 1e9);
	return 0;
}

/* The connrate server: one connection at a time, inline (no thread per
 * connection, whose start-up would be most of what is measured). */
static void *one_byte_server(void *arg)
{
	int lfd = (int)(intptr_t)arg, fd;
	char c;

	for (;;) {
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			break;
		}
		if (read(fd, &c, 1) == 1)
			write_all(fd, &c, 1);
		close(fd);
	}
	return NULL;
}

static int mode_connrate(void)
{
	uint64_t n = 0;
	double t0, dt;
	pthread_t t;
	char c = 'x';
	int fd, lfd;

	lfd = listen_any();
	if (pthread_create(&t, NULL, one_byte_server, (void *)(intptr_t)lfd))
		die("pthread_create failed");
	t0 = now();
	do {
		fd = connect_srv();
		if (write_all(fd, &c, 1) || read_all(fd, &c, 1))
			die("connrate: %s", strerror(errno));
		close(fd);
		n++;
		dt = now() - t0;
	} while (dt < opt_seconds);
	printf("conn_per_s %.1f\n", n / dt);
	return 0;
}

/* ------------------------------------------------------------------ */

static void usage(int rc)
{
	printf("Usage: ekf-sockmap-echo bulk|halfclose|rr|stream|connrate [OPTIONS]\n"
	       "  -6              IPv6 (::1) instead of 127.0.0.1\n"
	       "  -a, --addr A    listen and connect to address A\n"
	       "  -p, --port N    the server's port (default: any free one)\n"
	       "  -b, --bytes N   bulk: bytes each way per connection (K, M, G suffixes)\n"
	       "  -w, --write N   bulk, stream: write size\n"
	       "  -r, --read N    stream: the receiver's read size (default 64K)\n"
	       "  -c, --conns N   bulk: concurrent connections\n"
	       "  -n, --count N   halfclose: exchanges; rr: round trips\n"
	       "  -s, --size N    rr: message size\n"
	       "  -t, --seconds S stream, connrate: duration\n"
	       "  -m, --mid-cmd CMD  bulk: run CMD (sh -c) when connection 0 sent half\n"
	       "  -D, --read-delay MS stream: the receiver starts MS ms late and checks each byte\n");
	exit(rc);
}

static uint64_t parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	if (*end == 'K' || *end == 'k')
		v <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		v <<= 20, end++;
	else if (*end == 'G' || *end == 'g')
		v <<= 30, end++;
	if (*end || !v) {
		fprintf(stderr, "bad size '%s'\n", s);
		usage(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "bytes", required_argument, NULL, 'b' },
		{ "write", required_argument, NULL, 'w' },
		{ "read", required_argument, NULL, 'r' },
		{ "conns", required_argument, NULL, 'c' },
		{ "count", required_argument, NULL, 'n' },
		{ "size", required_argument, NULL, 's' },
		{ "seconds", required_argument, NULL, 't' },
		{ "mid-cmd", required_argument, NULL, 'm' },
		{ "read-delay", required_argument, NULL, 'D' },
		{ "addr", required_argument, NULL, 'a' },
		{ "port", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *mode;
	int c;

	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((c = getopt_long(argc, argv, "6a:p:b:w:r:c:n:s:t:m:D:h", lo, NULL)) != -1) {
		switch (c) {
		case '6': opt_family = AF_INET6; break;
		case 'b': opt_bytes = parse_size(optarg); break;
		case 'w': opt_write = parse_size(optarg); break;
		case 'r': opt_read = parse_size(optarg); break;
		case 'c': opt_conns = (int)parse_size(optarg); break;
		case 'n': opt_count = (int)parse_size(optarg); break;
		case 's': opt_size = parse_size(optarg); break;
		case 't': opt_seconds = atof(optarg); break;
		case 'm': opt_mid_cmd = optarg; break;
		case 'D': opt_read_delay_ms = atoi(optarg); break;
		case 'a': opt_addr = optarg; break;
		case 'p': opt_port = atoi(optarg); break;
		case 'h': usage(0); break;
		default: usage(2);
		}
	}
	if (optind != argc - 1)
		usage(2);
	mode = argv[optind];
	if (!strcmp(mode, "bulk"))
		return mode_bulk();
	if (!strcmp(mode, "halfclose"))
		return mode_halfclose();
	if (!strcmp(mode, "rr"))
		return mode_rr();
	if (!strcmp(mode, "stream"))
		return mode_stream();
	if (!strcmp(mode, "connrate"))
		return mode_connrate();
	usage(2);
	return 2;
}
