// SPDX-License-Identifier: GPL-2.0
/*
 * extract: the raw .BTF of a kernel image, what /sys/kernel/btf/vmlinux
 * holds once that kernel runs.
 *
 * The image is an ELF vmlinux, or a bzImage whose compressed payload is
 * found as the kernel's scripts/extract-vmlinux finds it: first where the
 * x86 boot header says it is, then at every offset where a supported
 * format's magic number occurs, until one decompresses to an ELF file
 * with a .BTF section.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>

#include "ekf_btf.h"

/*
 * Of the candidates that failed, remember the one that got furthest (the
 * most output): it is the likely payload, and its reason the useful one.
 */
struct attempts {
	const void *image;
	size_t tried;
	size_t best_len;
	char best[200];
};

static void note_failure(struct attempts *at, const char *fmt, size_t off,
			 size_t out_len, int err)
{
	if (!at->tried++ || out_len > at->best_len) {
		at->best_len = out_len;
		snprintf(at->best, sizeof(at->best), "%s data at offset %zu: %s",
			 fmt, off, ekf_why(err));
	}
}

/* Check that BTF parses before anyone relies on it. */
static int check_btf(const void *data, size_t size)
{
	struct btf *btf;
	int err;

	btf = btf__new(data, size);
	if (!btf) {
		err = -errno;
		err = err ? err : -EINVAL;
		return ekf_fail(err, "its .BTF section does not parse as BTF (%s)",
				ekf_strerror(err));
	}
	ekf_debug("BTF with %u types", btf__type_cnt(btf) - 1);
	btf__free(btf);
	return 0;
}

/* An ELF vmlinux (in memory): write its .BTF to OUT. */
static int from_elf(const unsigned char *elf, size_t len, const char *out)
{
	const void *btf;
	size_t btf_len;
	int err;

	err = ekf_elf_btf_in_memory(elf, len, &btf, &btf_len);
	if (err)
		return err;
	err = check_btf(btf, btf_len);
	if (err)
		return err;
	return ekf_write_atomic(out, btf, btf_len);
}

/* Decompress a candidate payload and take the BTF if it is a vmlinux. */
static int try_payload(const struct ekf_format *fmt, const unsigned char *p,
		       size_t len, const char *out, struct attempts *at)
{
	struct ekf_buf buf = { 0 };
	size_t off = p - (const unsigned char *)at->image;
	int err;

	ekf_clear_why();
	err = fmt->decompress(p, len, &buf);
	if (!err) {
		ekf_debug("%s: %zu bytes decompressed", fmt->name, buf.len);
		err = from_elf(buf.data, buf.len, out);
	}
	if (err) {
		ekf_info("%s data at offset %zu: %s", fmt->name, off, ekf_why(err));
		note_failure(at, fmt->name, off, buf.len, err);
	}
	ekf_buf_free(&buf);
	return err;
}

static uint32_t le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * The x86 boot protocol (2.08+) tells where the payload is:
 * payload_offset (0x248) from the start of the protected-mode code, which
 * follows the (setup_sects + 1) * 512 bytes of real-mode setup.
 */
static bool bzimage_payload(const unsigned char *p, size_t size,
			    size_t *off, size_t *len)
{
	size_t setup_sects, pm, o, l;

	if (size < 0x250 || memcmp(p + 0x202, "HdrS", 4))
		return false;
	if ((p[0x206] | p[0x207] << 8) < 0x208)
		return false;
	setup_sects = p[0x1f1] ? p[0x1f1] : 4;
	pm = (setup_sects + 1) * 512;
	o = le32(p + 0x248);
	l = le32(p + 0x24c);
	if (pm > size || o > size - pm || l > size - pm - o || !l)
		return false;
	*off = pm + o;
	*len = l;
	return true;
}

static int scan_payloads(const unsigned char *p, size_t size, const char *out,
			 struct attempts *at)
{
	const struct ekf_format *fmt, *boot_fmt = NULL;
	size_t off, len, i, boot_off = 0;
	const unsigned char *hit;

	if (bzimage_payload(p, size, &off, &len)) {
		fmt = ekf_format_at(p + off, len);
		if (fmt) {
			boot_fmt = fmt;
			boot_off = off;
			ekf_info("bzImage payload: %s, %zu bytes at offset %zu",
				 fmt->name, len, off);
			if (!try_payload(fmt, p + off, len, out, at))
				return 0;
		}
	}

	for (i = 0; i < ekf_nr_formats; i++) {
		fmt = &ekf_formats[i];
		off = 0;
		while (off < size &&
		       (hit = memmem(p + off, size - off, fmt->magic,
				     fmt->magic_len))) {
			off = hit - p;
			if (fmt == boot_fmt && off == boot_off) {
				off++;
				continue;	/* tried above */
			}
			ekf_debug("trying %s data at offset %zu", fmt->name, off);
			if (!try_payload(fmt, hit, size - off, out, at))
				return 0;
			off++;
		}
	}
	return -ENOENT;
}

int ekf_extract(const char *image, const char *out)
{
	struct attempts at = { 0 };
	struct ekf_map map;
	int err;

	err = ekf_map_file(image, &map);
	if (err)
		return err;
	at.image = map.data;

	if (map.size >= SELFMAG && !memcmp(map.data, ELFMAG, SELFMAG)) {
		err = from_elf(map.data, map.size, out);
		goto out;
	}

	err = scan_payloads(map.data, map.size, out, &at);
	if (err != -ENOENT)
		goto out;
	if (!at.tried)
		err = ekf_fail(-ENOENT, "not an ELF vmlinux, and no gzip, xz, zstd or lz4 compressed data in it: is it a kernel image?");
	else if (at.tried == 1)
		err = ekf_fail(-ENOENT, "no vmlinux with BTF in it: %s", at.best);
	else
		err = ekf_fail(-ENOENT, "no vmlinux with BTF in it: %s (and %zu other candidate%s failed)",
			       at.best, at.tried - 1, at.tried > 2 ? "s" : "");
out:
	ekf_unmap_file(&map);
	return err;
}
