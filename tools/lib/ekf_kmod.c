// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include <bpf/btf.h>

#include "ekf_kmod.h"

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* First line of a small sysfs file, without the newline; false if unreadable. */
static bool read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");
	bool ok;

	buf[0] = '\0';
	if (!f)
		return false;
	ok = fgets(buf, (int)size, f) != NULL;
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

/*
 * CONFIG_MODULES: /proc/modules and /proc/sys/kernel/modprobe exist only
 * with it (both need /proc mounted, checked through /proc/self). Without
 * /proc, a loaded module's /sys/module/NAME/initstate also proves it.
 */
static enum ekf_tristate modules_supported(void)
{
	DIR *d;
	struct dirent *de;
	char path[PATH_MAX];
	enum ekf_tristate ret = EKF_UNKNOWN;

	if (exists("/proc/self")) {
		if (exists("/proc/modules") || exists("/proc/sys/kernel/modprobe"))
			return EKF_YES;
		return EKF_NO;
	}
	d = opendir("/sys/module");
	if (!d)
		return EKF_UNKNOWN;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/module/%s/initstate", de->d_name);
		if (exists(path)) {
			ret = EKF_YES;
			break;
		}
	}
	closedir(d);
	return ret;
}

/* NAME.ko, NAME.ko.xz, .zst, .gz anywhere below dir (depth-limited). */
static bool find_ko(const char *dir, const char *name, int depth, char *out, size_t size)
{
	size_t nlen = strlen(name);
	struct dirent *de;
	bool found = false;
	char path[PATH_MAX];
	DIR *d;

	if (depth > 6 || !(d = opendir(dir)))
		return false;
	while (!found && (de = readdir(d))) {
		const char *n = de->d_name;

		if (n[0] == '.')
			continue;
		/* modules.* indexes, build/source symlinks: not module dirs */
		if (depth == 0 && (!strcmp(n, "build") || !strcmp(n, "source")))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, n);
		if (!strncmp(n, name, nlen) && !strncmp(n + nlen, ".ko", 3) &&
		    (!n[nlen + 3] || !strcmp(n + nlen + 3, ".xz") ||
		     !strcmp(n + nlen + 3, ".zst") || !strcmp(n + nlen + 3, ".gz"))) {
			snprintf(out, size, "%s", path);
			found = true;
		} else if (de->d_type == DT_DIR ||
			   (de->d_type == DT_UNKNOWN && !strchr(n, '.'))) {
			found = find_ko(path, name, depth + 1, out, size);
		}
	}
	closedir(d);
	return found;
}

/* `modinfo -F ekf_unsupported PATH`: the placeholder module's reason. */
static void stub_reason(const char *ko, char *buf, size_t size)
{
	static const char *const modinfo[] = { "/usr/sbin/modinfo", "/sbin/modinfo", NULL };
	const char *const *m;
	int pfd[2], status;
	ssize_t n;
	pid_t pid;

	buf[0] = '\0';
	for (m = modinfo; *m && !exists(*m); m++)
		;
	if (!*m || pipe(pfd))
		return;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return;
	}
	if (pid == 0) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		int devnull = open("/dev/null", O_WRONLY);

		if (devnull >= 0)
			dup2(devnull, 2);
		execl(*m, "modinfo", "-F", "ekf_unsupported", ko, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	n = read(pfd[0], buf, size - 1);
	close(pfd[0]);
	waitpid(pid, &status, 0);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

void ekf_kmod_probe(const char *name, struct ekf_kmod *st)
{
	char path[PATH_MAX];
	struct utsname u;

	memset(st, 0, sizeof(*st));
	snprintf(st->name, sizeof(st->name), "%s", name);
	if (uname(&u) == 0)
		snprintf(st->release, sizeof(st->release), "%s", u.release);
	st->modules = modules_supported();

	snprintf(path, sizeof(path), "/sys/module/%s/initstate", name);
	if (read_line(path, st->initstate, sizeof(st->initstate))) {
		st->loaded = true;
	} else {
		/* built in, or sysfs without initstate: the directory says it */
		snprintf(path, sizeof(path), "/sys/module/%s", name);
		st->loaded = exists(path);
	}
	if (st->loaded) {
		snprintf(path, sizeof(path), "/sys/module/%s/version", name);
		read_line(path, st->version, sizeof(st->version));
		snprintf(path, sizeof(path), "/sys/module/%s/parameters/registered", name);
		st->have_registered = read_line(path, st->registered, sizeof(st->registered));
	}
	st->vmlinux_btf = exists("/sys/kernel/btf/vmlinux");
	snprintf(path, sizeof(path), "/sys/kernel/btf/%s", name);
	st->module_btf = exists(path);

	if (st->release[0]) {
		snprintf(path, sizeof(path), "/lib/modules/%s", st->release);
		st->installed = find_ko(path, name, 0, st->ko_path, sizeof(st->ko_path));
		if (st->installed && !st->loaded)
			stub_reason(st->ko_path, st->stub_reason, sizeof(st->stub_reason));
	}
}

bool ekf_kmod_problem(const struct ekf_kmod *st, const char *dkms,
		      char *cause, size_t csz, char *fix, size_t fsz)
{
	const char *rel = st->release;

	if (st->modules == EKF_NO) {
		snprintf(cause, csz, "this kernel cannot load modules (CONFIG_MODULES is not set)");
		snprintf(fix, fsz, "boot a kernel built with CONFIG_MODULES=y and CONFIG_DEBUG_INFO_BTF=y, such as Debian's linux-image-amd64");
		return true;
	}
	if (!st->vmlinux_btf) {
		snprintf(cause, csz, "this kernel has no BTF (/sys/kernel/btf/vmlinux is missing: CONFIG_DEBUG_INFO_BTF is not set), and kfuncs need it");
		snprintf(fix, fsz, "boot a kernel built with CONFIG_DEBUG_INFO_BTF=y and CONFIG_DEBUG_INFO_BTF_MODULES=y, such as Debian's linux-image-amd64");
		return true;
	}
	if (!st->loaded && !st->installed) {
		snprintf(cause, csz, "the %s module is not loaded, and no module is built for %s (no %s.ko under /lib/modules/%s)",
			 st->name, rel, st->name, rel);
		snprintf(fix, fsz, "install linux-headers-%s so that DKMS builds it, or run: dkms autoinstall -k %s; then: modprobe %s",
			 rel, rel, st->name);
		return true;
	}
	if (!st->loaded && st->stub_reason[0]) {
		snprintf(cause, csz, "the %s module installed for %s is a placeholder that refuses to load: %s",
			 st->name, rel, st->stub_reason);
		snprintf(fix, fsz, "fix the cause above, then rebuild it: dkms build %s -k %s --force && dkms install %s -k %s --force",
			 dkms, rel, dkms, rel);
		return true;
	}
	if (!st->loaded) {
		snprintf(cause, csz, "the %s module is not loaded (it is installed: %s)", st->name, st->ko_path);
		snprintf(fix, fsz, "run: modprobe %s (if that fails, the kernel log says why: dmesg | grep %s)",
			 st->name, st->name);
		return true;
	}
	if (st->initstate[0] && strcmp(st->initstate, "live") != 0) {
		snprintf(cause, csz, "the %s module is %s (initstate '%s'), not live", st->name,
			 strcmp(st->initstate, "going") ? "still loading" : "unloading", st->initstate);
		snprintf(fix, fsz, "wait for modprobe/rmmod to finish, then run this again");
		return true;
	}
	if (!st->module_btf) {
		snprintf(cause, csz, "the kernel did not accept the %s module's BTF (/sys/kernel/btf/%s is missing), so no BPF program can see its kfuncs",
			 st->name, st->name);
		snprintf(fix, fsz, "rebuild it against this kernel's BTF: dkms build %s -k %s --force && dkms install %s -k %s --force; then: rmmod %s; modprobe %s",
			 dkms, rel, dkms, rel, st->name, st->name);
		return true;
	}
	return false;
}

struct btf *ekf_kmod_btf_load(const char *name)
{
	struct btf *base, *btf;
	char path[PATH_MAX];
	int err;

	/* libbpf 1.x: NULL and errno on error */
	base = btf__load_vmlinux_btf();
	if (!base)
		return NULL;
	snprintf(path, sizeof(path), "/sys/kernel/btf/%s", name);
	btf = btf__parse_split(path, base);
	if (!btf) {
		err = errno;
		btf__free(base);
		errno = err;
		return NULL;
	}
	return btf;
}

void ekf_kmod_btf_free(struct btf *btf)
{
	struct btf *base;

	if (!btf)
		return;
	base = (struct btf *)btf__base_btf(btf);
	btf__free(btf);
	btf__free(base);
}

/* Appends to buf at *len, never past size. */
static void add(char *buf, size_t size, size_t *len, const char *s)
{
	int n = snprintf(buf + *len, *len < size ? size - *len : 0, "%s", s);

	if (n > 0)
		*len += (size_t)n;
	if (*len >= size)
		*len = size - 1;
}

/*
 * The type as written before a declarator: "const char *", "u32",
 * "struct foo *". Enough for kfunc parameters; function pointers and
 * arrays come out as "<kind>" placeholders.
 */
static void type_str(const struct btf *btf, __u32 id, char *buf, size_t size, size_t *len)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const char *name;

	if (!id || !t) {
		add(buf, size, len, "void ");
		return;
	}
	name = btf__name_by_offset(btf, t->name_off);
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPEDEF:
		add(buf, size, len, name);
		add(buf, size, len, " ");
		break;
	case BTF_KIND_STRUCT:
		add(buf, size, len, "struct ");
		add(buf, size, len, name);
		add(buf, size, len, " ");
		break;
	case BTF_KIND_UNION:
		add(buf, size, len, "union ");
		add(buf, size, len, name);
		add(buf, size, len, " ");
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		add(buf, size, len, "enum ");
		add(buf, size, len, name);
		add(buf, size, len, " ");
		break;
	case BTF_KIND_FWD:
		add(buf, size, len, btf_kflag(t) ? "union " : "struct ");
		add(buf, size, len, name);
		add(buf, size, len, " ");
		break;
	case BTF_KIND_CONST:
		add(buf, size, len, "const ");
		type_str(btf, t->type, buf, size, len);
		break;
	case BTF_KIND_VOLATILE:
		add(buf, size, len, "volatile ");
		type_str(btf, t->type, buf, size, len);
		break;
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		type_str(btf, t->type, buf, size, len);
		break;
	case BTF_KIND_PTR:
		type_str(btf, t->type, buf, size, len);
		/* "char *" then "char **": no blank between stars */
		if (*len && buf[*len - 1] == ' ')
			(*len)--, buf[*len] = '\0';
		add(buf, size, len, " *");
		break;
	default:
		add(buf, size, len, "<?> ");
	}
}

/*
 * The FUNC called name among btf's own types: not its base's, which
 * btf__find_by_name_kind() searches too (7.2's vmlinux has a bpf_strstr).
 */
static __s32 own_func(const struct btf *btf, const char *name)
{
	const struct btf *base = btf__base_btf(btf);
	__u32 id, n = btf__type_cnt(btf);
	const struct btf_type *t;

	for (id = base ? btf__type_cnt(base) : 1; id < n; id++) {
		t = btf__type_by_id(btf, id);
		if (btf_is_func(t) && !strcmp(btf__name_by_offset(btf, t->name_off), name))
			return (__s32)id;
	}
	return -ENOENT;
}

bool ekf_btf_func_decl(const struct btf *btf, const char *name, char *buf, size_t size)
{
	const struct btf_type *func, *proto;
	const struct btf_param *p;
	size_t len = 0;
	__s32 id;
	int i, n;

	buf[0] = '\0';
	id = own_func(btf, name);
	if (id <= 0)
		return false;
	func = btf__type_by_id(btf, id);
	proto = btf__type_by_id(btf, func->type);
	if (!proto || !btf_is_func_proto(proto))
		return false;
	type_str(btf, proto->type, buf, size, &len);
	add(buf, size, &len, name);
	add(buf, size, &len, "(");
	n = btf_vlen(proto);
	p = btf_params(proto);
	for (i = 0; i < n; i++, p++) {
		if (i)
			add(buf, size, &len, ", ");
		if (i == n - 1 && !p->type) {
			add(buf, size, &len, "...");
			break;
		}
		type_str(btf, p->type, buf, size, &len);
		/* "const char *" + "hay": no blank after a star */
		if (len && buf[len - 1] == ' ' && len >= 2 && buf[len - 2] == '*')
			len--, buf[len] = '\0';
		add(buf, size, &len, btf__name_by_offset(btf, p->name_off));
	}
	if (!n)
		add(buf, size, &len, "void");
	add(buf, size, &len, ")");
	return true;
}
