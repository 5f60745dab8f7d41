/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgroup v2 helpers: where cgroup2 is mounted (/sys/fs/cgroup, or
 * /sys/fs/cgroup/unified on hybrid systems: always read from
 * /proc/self/mountinfo, never assumed), is a path a cgroup v2 directory,
 * the calling process's own cgroup, and creating, entering and removing a
 * cgroup. Every function returns 0 on success and -errno on failure; none
 * prints.
 */
#ifndef EKF_CGROUP_H
#define EKF_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The first cgroup2 mount point of this mount namespace; -ENOENT if none. */
int ekf_cgroup2_mount(char *buf, size_t size);

/* True if path is a directory on a cgroup2 file system. */
bool ekf_is_cgroup2(const char *path);

/* The cgroup id of a cgroup v2 directory (its inode number). */
int ekf_cgroup_id(const char *path, uint64_t *id);

/*
 * The directory of the calling process's cgroup v2 ("0::/x" in
 * /proc/self/cgroup, under the cgroup2 mount).
 */
int ekf_cgroup_self(char *buf, size_t size);

/* Writes pid (0: the caller) into dir/cgroup.procs. */
int ekf_cgroup_enter(const char *dir, pid_t pid);

/*
 * Removes an empty cgroup directory. Processes still in it (daemons the
 * command left behind) are first moved to parent_dir; *moved gets their
 * number. rmdir is retried for a short while: an exiting process leaves
 * the cgroup a little after wait() returns.
 */
int ekf_cgroup_remove(const char *dir, const char *parent_dir, int *moved);

/* The path of the cgroup v2 directory whose id is id, under the mount. */
int ekf_cgroup_find(uint64_t id, char *buf, size_t size);

#endif /* EKF_CGROUP_H */
