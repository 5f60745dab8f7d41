// SPDX-License-Identifier: GPL-2.0
/*
 * In-memory decompressors for the payloads of kernel images: gzip, xz,
 * zstd and lz4 in the legacy framing the kernel's bzImage uses.
 *
 * Each reads one stream from the start of IN, ignores whatever follows it
 * (the kernel appends the decompressed size; images carry padding), and
 * fails on corrupt or truncated data.  The output must be an ELF file: a
 * stream that does not start with the ELF magic is dropped early, so that
 * false matches of a magic number cost little.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <lz4.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "ekf_btf.h"

#define CHUNK		((size_t)1 << 20)

int ekf_buf_reserve(struct ekf_buf *buf, size_t more)
{
	size_t cap = buf->cap ? buf->cap : CHUNK;
	unsigned char *p;

	if (more > EKF_BUF_MAX - buf->len)
		return ekf_fail(-EFBIG, "decompressed data exceeds %zu MiB",
				EKF_BUF_MAX >> 20);
	if (buf->len + more <= buf->cap)
		return 0;
	while (cap < buf->len + more)
		cap = cap > EKF_BUF_MAX / 2 ? EKF_BUF_MAX : cap * 2;
	p = realloc(buf->data, cap);
	if (!p)
		return ekf_fail(-ENOMEM, "out of memory for %zu MiB of output",
				cap >> 20);
	buf->data = p;
	buf->cap = cap;
	return 0;
}

void ekf_buf_free(struct ekf_buf *buf)
{
	free(buf->data);
	buf->data = NULL;
	buf->len = buf->cap = 0;
}

/* Drop a stream as soon as its output cannot be an ELF file. */
static int check_elf_start(const struct ekf_buf *out)
{
	if (out->len >= SELFMAG && memcmp(out->data, ELFMAG, SELFMAG))
		return ekf_fail(-ENOEXEC, "decompresses to something that is not an ELF file");
	return 0;
}

static int gunzip(const unsigned char *in, size_t in_len, struct ekf_buf *out)
{
	z_stream zs = { 0 };
	int ret, err;

	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		return ekf_fail(-ENOMEM, "gzip: cannot initialise zlib");
	zs.next_in = (unsigned char *)in;
	for (;;) {
		if (zs.avail_in == 0) {
			size_t left = in_len - ((const unsigned char *)zs.next_in - in);

			zs.avail_in = left > UINT_MAX ? UINT_MAX : left;
		}
		err = ekf_buf_reserve(out, CHUNK);
		if (err)
			goto out;
		zs.next_out = out->data + out->len;
		zs.avail_out = out->cap - out->len > UINT_MAX ? UINT_MAX
							       : out->cap - out->len;
		ret = inflate(&zs, Z_NO_FLUSH);
		out->len = zs.next_out - out->data;
		if (ret == Z_STREAM_END)
			break;
		if (ret == Z_BUF_ERROR && zs.avail_in == 0) {
			err = ekf_fail(-EPIPE, "gzip: truncated compressed data");
			goto out;
		}
		if (ret != Z_OK && ret != Z_BUF_ERROR) {
			err = ekf_fail(-EINVAL, "gzip: corrupt data (%s)",
				       zs.msg ? zs.msg : "unknown error");
			goto out;
		}
		err = check_elf_start(out);
		if (err)
			goto out;
	}
	err = 0;
out:
	inflateEnd(&zs);
	return err;
}

static const char *lzma_why(lzma_ret ret)
{
	switch (ret) {
	case LZMA_MEM_ERROR:		return "out of memory";
	case LZMA_MEMLIMIT_ERROR:	return "memory limit reached";
	case LZMA_FORMAT_ERROR:		return "not in the xz format";
	case LZMA_OPTIONS_ERROR:	return "unsupported compression options";
	case LZMA_DATA_ERROR:		return "corrupt data";
	case LZMA_BUF_ERROR:		return "truncated compressed data";
	default:			return "internal error";
	}
}

static int unxz(const unsigned char *in, size_t in_len, struct ekf_buf *out)
{
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_ret ret;
	int err;

	ret = lzma_stream_decoder(&s, UINT64_MAX, 0);
	if (ret != LZMA_OK)
		return ekf_fail(-ENOMEM, "xz: %s", lzma_why(ret));
	s.next_in = in;
	s.avail_in = in_len;
	for (;;) {
		err = ekf_buf_reserve(out, CHUNK);
		if (err)
			goto out;
		s.next_out = out->data + out->len;
		s.avail_out = out->cap - out->len;
		/* All input is there: LZMA_FINISH makes a short stream an error. */
		ret = lzma_code(&s, LZMA_FINISH);
		out->len = s.next_out - out->data;
		if (ret == LZMA_STREAM_END)
			break;
		if (ret != LZMA_OK) {
			err = ekf_fail(ret == LZMA_BUF_ERROR ? -EPIPE : -EINVAL,
				       "xz: %s", lzma_why(ret));
			goto out;
		}
		err = check_elf_start(out);
		if (err)
			goto out;
	}
	err = 0;
out:
	lzma_end(&s);
	return err;
}

static int unzstd(const unsigned char *in, size_t in_len, struct ekf_buf *out)
{
	ZSTD_inBuffer ib = { in, in_len, 0 };
	ZSTD_DCtx *dctx;
	size_t ret;
	int err;

	dctx = ZSTD_createDCtx();
	if (!dctx)
		return ekf_fail(-ENOMEM, "zstd: out of memory");
	/* zstd -22 --ultra, what kernels use, may need a large window. */
	ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, 31);
	for (;;) {
		ZSTD_outBuffer ob;

		err = ekf_buf_reserve(out, CHUNK);
		if (err)
			goto out;
		ob.dst = out->data + out->len;
		ob.size = out->cap - out->len;
		ob.pos = 0;
		ret = ZSTD_decompressStream(dctx, &ob, &ib);
		out->len += ob.pos;
		if (ZSTD_isError(ret)) {
			err = ekf_fail(-EINVAL, "zstd: %s", ZSTD_getErrorName(ret));
			goto out;
		}
		if (ret == 0)	/* the frame is complete */
			break;
		if (ib.pos == ib.size && ob.pos < ob.size) {
			err = ekf_fail(-EPIPE, "zstd: truncated compressed data");
			goto out;
		}
		err = check_elf_start(out);
		if (err)
			goto out;
	}
	err = 0;
out:
	ZSTD_freeDCtx(dctx);
	return err;
}

/*
 * lz4 legacy framing (lz4 -l): magic 0x184c2102, then blocks, each a
 * little-endian 32-bit compressed size and the data; every block but the
 * last holds 8 MiB.  There is no end marker: the data ends after a short
 * block, at the end of the input, at a size that cannot be a block (the
 * kernel appends the decompressed size), or a magic number starts
 * another frame.  A cut-off stream shows as an incomplete ELF file, which
 * the caller rejects.
 */
#define LZ4_LEGACY_MAGIC	0x184c2102u
#define LZ4_LEGACY_BLOCK	(8 << 20)

static uint32_t get_le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static int unlz4(const unsigned char *in, size_t in_len, struct ekf_buf *out)
{
	size_t pos = 4, nr_blocks = 0;
	uint32_t bound = LZ4_compressBound(LZ4_LEGACY_BLOCK);
	uint32_t csize;
	int n, err;

	while (in_len - pos >= 4) {
		csize = get_le32(in + pos);
		if (csize == LZ4_LEGACY_MAGIC) {
			pos += 4;
			continue;
		}
		if (csize == 0 || csize > bound || csize > in_len - pos - 4) {
			if (nr_blocks)
				break;
			if (csize > bound || csize == 0)
				return ekf_fail(-EINVAL, "lz4: corrupt data (block size %u)",
						csize);
			return ekf_fail(-EPIPE, "lz4: truncated compressed data");
		}
		pos += 4;
		err = ekf_buf_reserve(out, LZ4_LEGACY_BLOCK);
		if (err)
			return err;
		n = LZ4_decompress_safe((const char *)in + pos,
					(char *)out->data + out->len, csize,
					LZ4_LEGACY_BLOCK);
		if (n < 0)
			return ekf_fail(-EINVAL, "lz4: corrupt data in block %zu",
					nr_blocks);
		out->len += n;
		pos += csize;
		nr_blocks++;
		err = check_elf_start(out);
		if (err)
			return err;
		if (n < LZ4_LEGACY_BLOCK)
			break;
	}
	if (!nr_blocks)
		return ekf_fail(-EPIPE, "lz4: truncated compressed data");
	return 0;
}

/* The magic numbers scripts/extract-vmlinux looks for. */
const struct ekf_format ekf_formats[] = {
	{ "gzip", (const unsigned char *)"\037\213\010", 3, gunzip },
	{ "xz",   (const unsigned char *)"\3757zXZ\000", 6, unxz },
	{ "zstd", (const unsigned char *)"(\265/\375", 4, unzstd },
	{ "lz4",  (const unsigned char *)"\002!L\030", 4, unlz4 },
};
const size_t ekf_nr_formats = sizeof(ekf_formats) / sizeof(ekf_formats[0]);

const struct ekf_format *ekf_format_at(const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < ekf_nr_formats; i++)
		if (len >= ekf_formats[i].magic_len &&
		    !memcmp(p, ekf_formats[i].magic, ekf_formats[i].magic_len))
			return &ekf_formats[i];
	return NULL;
}
