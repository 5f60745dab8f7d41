// SPDX-License-Identifier: GPL-2.0
/*
 * ELF helpers on libelf: open a file, find sections, find the .BTF of an
 * ELF image held in memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "ekf_btf.h"

int ekf_elf_open(const char *path, bool rdwr, struct ekf_elf *e)
{
	int err;

	e->elf = NULL;
	e->fd = open(path, (rdwr ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (e->fd < 0)
		return ekf_fail(-errno, "cannot open: %s", strerror(errno));
	e->elf = elf_begin(e->fd, rdwr ? ELF_C_RDWR_MMAP : ELF_C_READ_MMAP, NULL);
	if (!e->elf) {
		err = ekf_fail(-EINVAL, "cannot read as ELF: %s", elf_errmsg(-1));
		goto fail;
	}
	if (elf_kind(e->elf) != ELF_K_ELF) {
		err = ekf_fail(-ENOEXEC, "not an ELF file");
		goto fail;
	}
	if (elf_getshdrstrndx(e->elf, &e->shstrndx)) {
		err = ekf_fail(-EINVAL, "cannot read the section names: %s",
			       elf_errmsg(-1));
		goto fail;
	}
	return 0;
fail:
	ekf_elf_close(e);
	return err;
}

void ekf_elf_close(struct ekf_elf *e)
{
	if (e->elf)
		elf_end(e->elf);
	if (e->fd >= 0)
		close(e->fd);
	e->elf = NULL;
	e->fd = -1;
}

Elf_Scn *ekf_elf_find(Elf *elf, size_t shstrndx, const char *name,
		      GElf_Shdr *sh)
{
	Elf_Scn *scn = NULL;
	const char *n;

	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, sh))
			continue;
		n = elf_strptr(elf, shstrndx, sh->sh_name);
		if (n && !strcmp(n, name))
			return scn;
	}
	return NULL;
}

Elf_Scn *ekf_elf_symtab(Elf *elf, GElf_Shdr *sh)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, sh) && sh->sh_type == SHT_SYMTAB)
			return scn;
	return NULL;
}

/*
 * The .BTF of the ELF file in BUF.  A decompressed image that was cut off
 * loses its section headers (they come last), so check that they and the
 * section are all there, to say "truncated" rather than "no BTF".
 */
int ekf_elf_btf_in_memory(const unsigned char *buf, size_t len,
			  const void **btf, size_t *btf_len)
{
	GElf_Ehdr eh;
	GElf_Shdr sh;
	Elf_Scn *scn;
	size_t shstrndx, end;
	Elf *elf;
	int err;

	elf = elf_memory((char *)buf, len);
	if (!elf)
		return ekf_fail(-EINVAL, "cannot read as ELF: %s", elf_errmsg(-1));
	if (elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
		err = ekf_fail(-ENOEXEC, "not a complete ELF file");
		goto out;
	}
	end = eh.e_shoff + (size_t)eh.e_shnum * eh.e_shentsize;
	if (!eh.e_shoff || eh.e_shoff > len || end > len || end < eh.e_shoff) {
		err = ekf_fail(-EPIPE, "the ELF file is truncated: its section headers end at %zu, the data at %zu",
			       end, len);
		goto out;
	}
	if (elf_getshdrstrndx(elf, &shstrndx)) {
		err = ekf_fail(-EINVAL, "cannot read the section names: %s",
			       elf_errmsg(-1));
		goto out;
	}
	scn = ekf_elf_find(elf, shstrndx, ".BTF", &sh);
	if (!scn) {
		err = ekf_fail(-ENOENT, "the vmlinux has no .BTF section: the kernel was built without CONFIG_DEBUG_INFO_BTF");
		goto out;
	}
	if (sh.sh_type == SHT_NOBITS || !sh.sh_size) {
		err = ekf_fail(-ENOENT, "the vmlinux's .BTF section is empty");
		goto out;
	}
	if (sh.sh_offset > len || sh.sh_size > len - sh.sh_offset) {
		err = ekf_fail(-EPIPE, "the ELF file is truncated inside its .BTF section");
		goto out;
	}
	*btf = buf + sh.sh_offset;
	*btf_len = sh.sh_size;
	err = 0;
out:
	elf_end(elf);
	return err;
}
