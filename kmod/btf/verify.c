// SPDX-License-Identifier: GPL-2.0
/*
 * verify: is a module ready for kfuncs?  It must carry a non-empty .BTF
 * section and, unless --btf-only, a resolved .BTF_ids section: every
 * struct/union/typedef/func slot non-zero, every set's count written (as
 * its symbol size says) and its ids sorted, as the kernel's bsearch needs.
 * Each problem is named; --quiet only gives the exit status.
 */
#include <byteswap.h>
#include <endian.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ekf_btf.h"

#if __BYTE_ORDER == __LITTLE_ENDIAN
#define EKF_ELFDATA_NATIVE	ELFDATA2LSB
#else
#define EKF_ELFDATA_NATIVE	ELFDATA2MSB
#endif

struct checker {
	const char *path;
	bool quiet;
	bool swap;
	const unsigned char *data;
	size_t size;
	GElf_Addr addr;
	size_t problems;
};

static void problem(struct checker *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void problem(struct checker *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	c->problems++;
	if (c->quiet)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ekf_error("%s: %s", c->path, msg);
}

static uint32_t word(const struct checker *c, size_t off)
{
	uint32_t v;

	memcpy(&v, c->data + off, sizeof(v));
	return c->swap ? bswap_32(v) : v;
}

static void check_slot(struct checker *c, const struct ekf_id_sym *s)
{
	GElf_Addr off = s->addr - c->addr;

	if (off >= c->size) {
		problem(c, "symbol %s lies outside .BTF_ids", s->sym);
		return;
	}
	if (!word(c, off & ~(GElf_Addr)3))
		problem(c, "unresolved %s %s (symbol %s): its BTF id is 0",
			ekf_id_kind_name(s->kind), s->name, s->sym);
}

static void check_set(struct checker *c, const struct ekf_id_sym *s)
{
	bool set8 = s->kind == EKF_ID_SET8;
	size_t hdr = set8 ? 8 : 4, unit = set8 ? 8 : 4, i;
	GElf_Addr off = s->addr - c->addr;
	long want = ekf_set_count(s);
	uint32_t cnt;
	int32_t prev = 0, id;

	if (want < 0 || off > c->size || c->size - off < hdr) {
		problem(c, "malformed set %s (symbol %s)", s->name, s->sym);
		return;
	}
	cnt = word(c, off);
	if (cnt != (uint64_t)want) {
		if (!cnt)
			problem(c, "unresolved %s %s: its count is 0, not %ld",
				ekf_id_kind_name(s->kind), s->name, want);
		else
			problem(c, "%s %s: count %u, but its symbol holds %ld entries",
				ekf_id_kind_name(s->kind), s->name, cnt, want);
		return;
	}
	if ((uint64_t)cnt > (c->size - off - hdr) / unit) {
		problem(c, "set %s does not fit in .BTF_ids", s->name);
		return;
	}
	for (i = 0; i < cnt; i++) {
		id = word(c, off + hdr + i * unit);
		if (i && id < prev) {
			problem(c, "%s %s is not sorted by BTF id (entry %zu: %d after %d)",
				ekf_id_kind_name(s->kind), s->name, i, id, prev);
			return;
		}
		prev = id;
	}
}

static int check_ids(struct checker *c, struct ekf_elf *e)
{
	struct ekf_ids ids;
	GElf_Shdr sh;
	GElf_Ehdr eh;
	Elf_Scn *idlist, *symtab;
	Elf_Data *data;
	size_t i;
	int err;

	idlist = ekf_elf_find(e->elf, e->shstrndx, ".BTF_ids", &sh);
	if (!idlist) {
		ekf_info("%s: no .BTF_ids section: nothing to resolve", c->path);
		return 0;
	}
	c->addr = sh.sh_addr;
	data = elf_rawdata(idlist, NULL);
	if (!data || (sh.sh_size && !data->d_buf))
		return ekf_fail(-EINVAL, "cannot read .BTF_ids: %s", elf_errmsg(-1));
	c->data = data->d_buf;
	c->size = data->d_size;
	if (!gelf_getehdr(e->elf, &eh))
		return ekf_fail(-EINVAL, "cannot read the ELF header: %s",
				elf_errmsg(-1));
	c->swap = eh.e_ident[EI_DATA] != EKF_ELFDATA_NATIVE;
	symtab = ekf_elf_symtab(e->elf, &sh);
	if (!symtab)
		return ekf_fail(-ENOENT, "no symbol table (stripped with --strip-all?): the .BTF_ids entries cannot be found");
	err = ekf_ids_collect(e->elf, symtab, elf_ndxscn(idlist), &ids);
	if (err)
		return err;
	for (i = 0; i < ids.nr; i++) {
		if (ids.syms[i].kind == EKF_ID_SET || ids.syms[i].kind == EKF_ID_SET8)
			check_set(c, &ids.syms[i]);
		else
			check_slot(c, &ids.syms[i]);
	}
	ekf_info("%s: %zu .BTF_ids symbols checked", c->path, ids.nr);
	ekf_ids_free(&ids);
	return 0;
}

/* 0: ready; 1: not (problems named unless quiet); negative: cannot tell. */
int ekf_verify(const char *path, bool btf_only, bool quiet)
{
	struct checker c = { .path = path, .quiet = quiet };
	struct ekf_elf e;
	GElf_Shdr sh;
	int err;

	err = ekf_elf_open(path, false, &e);
	if (err)
		return err;
	if (!ekf_elf_find(e.elf, e.shstrndx, ".BTF", &sh) ||
	    sh.sh_type == SHT_NOBITS || !sh.sh_size) {
		problem(&c, "no BTF (.BTF section missing or empty): kfuncs in it would be invisible");
		goto out;
	}
	if (btf_only)
		goto out;
	err = check_ids(&c, &e);
out:
	ekf_elf_close(&e);
	if (err)
		return err;
	if (c.problems && !quiet)
		ekf_error("%s: %zu problem(s): its kfuncs would not be usable",
			  path, c.problems);
	return c.problems ? 1 : 0;
}
