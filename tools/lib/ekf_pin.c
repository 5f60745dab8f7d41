// SPDX-License-Identifier: GPL-2.0
#include "ekf_pin.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <linux/membarrier.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif

bool ekf_is_bpffs(const char *path)
{
	struct statfs st;

	return statfs(path, &st) == 0 && (unsigned long)st.f_type == BPF_FS_MAGIC;
}

int ekf_bpffs_ensure(void)
{
	if (ekf_is_bpffs(EKF_BPFFS))
		return 0;
	if (mkdir(EKF_BPFFS, 0700) && errno != EEXIST)
		return -errno;
	if (mount("bpf", EKF_BPFFS, "bpf", 0, "mode=0700"))
		return -errno;
	return 0;
}

int ekf_mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);
	char *p;

	if (len == 0 || len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (p = buf + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(buf, mode) && errno != EEXIST)
			return -errno;
		*p = c;
		if (c == '\0')
			break;
	}
	return 0;
}

int ekf_lock_dir(const char *dir, int timeout_ms)
{
	struct timespec nap = { 0, 10 * 1000 * 1000 };
	int fd, err, waited = 0;

	err = ekf_mkdir_p(dir, 0700);
	if (err)
		return err;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (flock(fd, LOCK_EX | LOCK_NB)) {
		err = errno;
		if (err != EWOULDBLOCK || waited >= timeout_ms) {
			close(fd);
			return -err;
		}
		nanosleep(&nap, NULL);
		waited += 10;
	}
	return fd;
}

void ekf_unlock(int fd)
{
	if (fd >= 0)
		close(fd);	/* drops the flock */
}

static int remove_entry(const char *path, const struct stat *sb, int type,
			struct FTW *ftw)
{
	(void)sb; (void)type; (void)ftw;
	return remove(path) ? -errno : 0;
}

int ekf_remove_tree(const char *dir)
{
	int err = nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);

	if (err == -1)
		return errno == ENOENT ? 0 : -errno;
	return err;
}

void ekf_wait_bpf_readers(void)
{
	if (syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0))
		usleep(100 * 1000);
}
