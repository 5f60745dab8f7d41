// SPDX-License-Identifier: GPL-2.0
/*
 * Files: map one for reading, write one atomically (temporary + rename).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ekf_btf.h"

int ekf_map_file(const char *path, struct ekf_map *map)
{
	struct stat st;
	void *p;
	int fd, err;

	map->data = NULL;
	map->size = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ekf_fail(-errno, "cannot open: %s", strerror(errno));
	if (fstat(fd, &st) < 0) {
		err = ekf_fail(-errno, "cannot stat: %s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err = ekf_fail(-EINVAL, "not a regular file");
		goto out;
	}
	if (st.st_size == 0) {
		err = ekf_fail(-ENODATA, "the file is empty");
		goto out;
	}
	p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		err = ekf_fail(-errno, "cannot map: %s", strerror(errno));
		goto out;
	}
	map->data = p;
	map->size = st.st_size;
	err = 0;
out:
	close(fd);
	return err;
}

void ekf_unmap_file(struct ekf_map *map)
{
	if (map->data)
		munmap((void *)map->data, map->size);
	map->data = NULL;
	map->size = 0;
}

static int write_all(int fd, const void *data, size_t size)
{
	const unsigned char *p = data;
	ssize_t n;

	while (size) {
		n = write(fd, p, size);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		size -= n;
	}
	return 0;
}

/*
 * Write PATH so that readers see either the old file or the whole new one:
 * a temporary file beside it, fsync, rename.  Mode 0666 less the umask.
 */
int ekf_write_atomic(const char *path, const void *data, size_t size)
{
	char tmp[PATH_MAX];
	mode_t mask;
	int fd, err;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path) >= (int)sizeof(tmp))
		return ekf_fail(-ENAMETOOLONG, "file name too long");
	fd = mkstemp(tmp);
	if (fd < 0)
		return ekf_fail(-errno, "cannot create a temporary file beside it: %s",
				strerror(errno));
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) < 0) {
		err = ekf_fail(-errno, "cannot set the mode of %s: %s", tmp,
			       strerror(errno));
		goto fail;
	}
	err = write_all(fd, data, size);
	if (err) {
		ekf_fail(err, "cannot write %s: %s", tmp, strerror(-err));
		goto fail;
	}
	if (fsync(fd) < 0) {
		err = ekf_fail(-errno, "cannot write %s: %s", tmp, strerror(errno));
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		err = ekf_fail(-errno, "cannot write %s: %s", tmp, strerror(errno));
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		err = ekf_fail(-errno, "cannot rename %s into place: %s", tmp,
			       strerror(errno));
		goto fail;
	}
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return err;
}
