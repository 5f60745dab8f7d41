// SPDX-License-Identifier: GPL-2.0
/*
 * BTF files: load raw BTF or the .BTF of an ELF file; has-func.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "ekf_btf.h"

/* An errno or one of libbpf's own error codes, as text. */
const char *ekf_strerror(int err)
{
	static char buf[128];

	if (libbpf_strerror(err, buf, sizeof(buf)))
		snprintf(buf, sizeof(buf), "%s", strerror(err < 0 ? -err : err));
	return buf;
}

/* PATH is raw BTF or an ELF file with .BTF; split on BASE if not NULL. */
int ekf_btf_load(const char *path, struct btf *base, struct btf **btf)
{
	int err;

	if (access(path, R_OK))
		return ekf_fail(-errno, "cannot read: %s", strerror(errno));
	*btf = base ? btf__parse_split(path, base) : btf__parse(path, NULL);
	if (*btf)
		return 0;
	err = errno ? -errno : -EINVAL;
	*btf = NULL;
	if (err == -ENOENT)
		return ekf_fail(err, "an ELF file without a .BTF section");
	return ekf_fail(err, "neither raw BTF nor an ELF file with valid BTF%s (%s)",
			base ? " on top of the base BTF" : "", ekf_strerror(err));
}

/*
 * BTF from memory, split on BASE if not NULL.  libbpf before 1.3 has no
 * btf__new_split(), so split BTF goes through a memfd and
 * btf__parse_raw_split(), which every libbpf since 0.3 has.
 */
int ekf_btf_from_data(const void *data, size_t size, struct btf *base,
		      struct btf **btf)
{
	const unsigned char *p = data;
	char path[64];
	ssize_t n;
	int fd, err;

	*btf = NULL;
	if (!base) {
		*btf = btf__new(data, size);
		return *btf ? 0 : (errno ? -errno : -EINVAL);
	}
	fd = memfd_create("ekf-btf-split", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (size) {
		n = write(fd, p, size);
		if (n < 0) {
			err = -errno;
			goto out;
		}
		p += n;
		size -= n;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	*btf = btf__parse_raw_split(path, base);
	err = *btf ? 0 : (errno ? -errno : -EINVAL);
out:
	close(fd);
	return err;
}

/* 1 if PATH's BTF has a function NAME, 0 if not, or a negative errno. */
int ekf_has_func(const char *path, const char *name)
{
	struct btf *btf;
	int err, id;

	err = ekf_btf_load(path, NULL, &btf);
	if (err)
		return err;
	id = btf__find_by_name_kind(btf, name, BTF_KIND_FUNC);
	btf__free(btf);
	ekf_info("%s: function %s: %s", path, name,
		 id > 0 ? "found" : "not found");
	return id > 0;
}
