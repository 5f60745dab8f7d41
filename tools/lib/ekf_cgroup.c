// SPDX-License-Identifier: GPL-2.0
#include "ekf_cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

/* Undoes the octal escapes of mountinfo fields ("\040" for a blank). */
static void unescape(char *s)
{
	char *d = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' &&
		    s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = '\0';
}

int ekf_cgroup2_mount(char *buf, size_t size)
{
	char *line = NULL;
	size_t cap = 0;
	int err = -ENOENT;
	FILE *f;

	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return -errno;
	/* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SRC SUPER */
	while (getline(&line, &cap, f) > 0) {
		char *sep = strstr(line, " - ");
		char mnt[PATH_MAX], fstype[64];

		if (!sep || sscanf(sep, " - %63s", fstype) != 1 || strcmp(fstype, "cgroup2"))
			continue;
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
			continue;
		unescape(mnt);
		if (strlen(mnt) >= size) {
			err = -ENAMETOOLONG;
			break;
		}
		strcpy(buf, mnt);
		err = 0;
		break;
	}
	free(line);
	fclose(f);
	return err;
}

bool ekf_is_cgroup2(const char *path)
{
	struct statfs sfs;
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
	       statfs(path, &sfs) == 0 && (unsigned long)sfs.f_type == CGROUP2_SUPER_MAGIC;
}

int ekf_cgroup_id(const char *path, uint64_t *id)
{
	struct stat st;

	if (stat(path, &st))
		return -errno;
	*id = st.st_ino;
	return 0;
}

int ekf_cgroup_self(char *buf, size_t size)
{
	char mnt[PATH_MAX], *line = NULL;
	size_t cap = 0;
	int err;
	FILE *f;

	err = ekf_cgroup2_mount(mnt, sizeof(mnt));
	if (err)
		return err;
	f = fopen("/proc/self/cgroup", "re");
	if (!f)
		return -errno;
	err = -ENOENT;
	while (getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "0::", 3))
			continue;
		/* "/" is the root: no trailing slash */
		if (snprintf(buf, size, "%s%s", mnt, strcmp(line + 3, "/") ? line + 3 : "") >= (int)size)
			err = -ENAMETOOLONG;
		else
			err = 0;
		break;
	}
	free(line);
	fclose(f);
	return err;
}

static int write_str(const char *path, const char *s)
{
	int fd, err = 0;
	size_t len = strlen(s);

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, s, len) != (ssize_t)len)
		err = -errno;
	close(fd);
	return err;
}

int ekf_cgroup_enter(const char *dir, pid_t pid)
{
	char path[PATH_MAX], num[32];

	if (snprintf(path, sizeof(path), "%s/cgroup.procs", dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	snprintf(num, sizeof(num), "%d", (int)pid);
	return write_str(path, num);
}

/* Moves every process of dir to parent; returns how many, or -errno. */
static int evacuate(const char *dir, const char *parent)
{
	char path[PATH_MAX];
	int n = 0, pid;
	FILE *f;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fscanf(f, "%d", &pid) == 1)
		if (ekf_cgroup_enter(parent, pid) == 0)
			n++;
	fclose(f);
	return n;
}

int ekf_cgroup_remove(const char *dir, const char *parent_dir, int *moved)
{
	struct timespec nap = { 0, 10 * 1000 * 1000 };
	int i, n;

	*moved = 0;
	for (i = 0; i < 300; i++) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return -errno;
		/* give exiting processes a moment before moving survivors */
		if (i >= 50 && parent_dir) {
			n = evacuate(dir, parent_dir);
			if (n > 0)
				*moved += n;
		}
		nanosleep(&nap, NULL);
	}
	return -EBUSY;
}

static uint64_t find_id;
static char *find_buf;
static size_t find_size;
static int find_err;

static int find_one(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)ftw;
	if (type != FTW_D || sb->st_ino != find_id)
		return 0;
	if (strlen(path) >= find_size) {
		find_err = -ENAMETOOLONG;
		return 1;
	}
	strcpy(find_buf, path);
	find_err = 0;
	return 1;
}

int ekf_cgroup_find(uint64_t id, char *buf, size_t size)
{
	char mnt[PATH_MAX];
	int err = ekf_cgroup2_mount(mnt, sizeof(mnt));

	if (err)
		return err;
	find_id = id;
	find_buf = buf;
	find_size = size;
	find_err = -ENOENT;
	nftw(mnt, find_one, 16, FTW_PHYS | FTW_MOUNT);
	return find_err;
}
