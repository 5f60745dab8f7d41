/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pinned state and locking for the tools that outlive their command
 * (xdp-tools style): objects pinned under EKF_PIN_ROOT/TOOL/..., bpffs
 * mounted on demand, and an exclusive lock so that two commands never
 * change the same state at once.
 *
 * bpffs is per mount: `ip netns exec` remounts /sys, so a tool run there
 * sees a different (empty) /sys/fs/bpf. Enter only the network namespace
 * (`nsenter --net=/run/netns/NAME`) to act on interfaces inside it.
 *
 * Every function returns 0 (or a file descriptor) on success and -errno
 * on failure; none prints.
 */
#ifndef EKF_PIN_H
#define EKF_PIN_H

#include <stdbool.h>
#include <sys/types.h>

#define EKF_BPFFS	"/sys/fs/bpf"
#define EKF_PIN_ROOT	EKF_BPFFS "/ebpf-tools"

/* True if path is on a bpf file system. */
bool ekf_is_bpffs(const char *path);

/* Mounts bpffs on /sys/fs/bpf unless one is there already. */
int ekf_bpffs_ensure(void);

/* mkdir -p path with mode for each directory it creates. */
int ekf_mkdir_p(const char *path, mode_t mode);

/*
 * Takes an exclusive flock(2) on the directory dir (created with its
 * parents if missing), waiting at most timeout_ms (0: don't wait; then
 * -EWOULDBLOCK if held). Returns the descriptor to pass to ekf_unlock().
 * Lock a directory your commands never remove (the tool's root), so a
 * waiter never ends up holding the lock of a deleted directory.
 */
int ekf_lock_dir(const char *dir, int timeout_ms);
void ekf_unlock(int fd);

/* Removes dir and everything under it (unpins pinned objects); -ENOENT is 0. */
int ekf_remove_tree(const char *dir);

/*
 * Waits until no BPF program that started before the call is still
 * running, so that what it read from a map that was just switched out can
 * be reused or freed. XDP and TC programs run inside RCU read-side
 * sections, and MEMBARRIER_CMD_GLOBAL is synchronize_rcu(); where it is
 * refused (nohz_full), a pause far longer than any program run.
 */
void ekf_wait_bpf_readers(void);

#endif /* EKF_PIN_H */
