// SPDX-License-Identifier: GPL-2.0
/*
 * resolve: write BTF ids into an object's .BTF_ids section, as the
 * kernel's tools/bpf/resolve_btfids does, for modules built against
 * headers that do not ship that tool.
 *
 * The aim is the very same output file, byte for byte, so this follows
 * what resolve_btfids (6.1 to 6.12) does, not only what it means:
 *  - the object is opened ELF_C_RDWR_MMAP with ELF_F_LAYOUT, every
 *    section's data is read, SHF_COMPRESSED sections get sh_addralign 8
 *    (4 for ELF32), and the .BTF_ids data is written back through libelf
 *    as ELF_T_WORD (elf_update), nothing else changed;
 *  - the BTF is the object's .BTF split on the base (-b), or on the
 *    object's own .BTF.base if it has one (which then wins over -b, as in
 *    6.11+); without either it is read as complete BTF;
 *  - a struct/union/typedef/func name takes the lowest BTF id of that kind
 *    and name, base types first; an unresolved one is written as 0 with a
 *    warning, and is not an error;
 *  - a set's count is its symbol size / 4 - 1 (set8: / 8 - 1), written in
 *    its first word; then set ids, or set8 (id, flags) pairs by id, are
 *    sorted with a stable merge sort (sort.c); for an ELF of the other
 *    byte order the set8 flags are swapped so libelf's conversion keeps
 *    them right;
 *  - the slots are written kind by kind (struct, union, typedef, func,
 *    set), names in the order resolve_btfids' rbtree walks them
 *    (descending strcmp), which decides who wins if two symbols share an
 *    address.
 * Where resolve_btfids would crash or overrun (a slot or set outside the
 * section, a malformed name, a set smaller than its header) this fails
 * with a message instead, and it has no limit of 100 uses of a name.
 *
 * One deliberate difference: an object whose set8 counts are already
 * written has been resolved before, and resolving it again would write
 * each id back to its symbol's slot while the flags stay where the sort
 * put them -- kfunc flags (KF_ACQUIRE, KF_RET_NULL, ...) would move to
 * other kfuncs, and resolve_btfids does just that.  This refuses instead.
 */
#include <byteswap.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/btf.h>

#include "ekf_btf.h"

#ifndef SHF_COMPRESSED
#define SHF_COMPRESSED	(1 << 11)
#endif

#if __BYTE_ORDER == __LITTLE_ENDIAN
#define EKF_ELFDATA_NATIVE	ELFDATA2LSB
#else
#define EKF_ELFDATA_NATIVE	ELFDATA2MSB
#endif

/* One name to resolve: all the symbols of one kind that name it. */
struct group {
	const char *name;
	enum ekf_id_kind kind;
	int32_t id;		/* the BTF id, or a set's count */
	size_t *syms;		/* indexes into ids.syms, symbol table order */
	size_t nr_syms;
};

struct resolver {
	const char *path;
	struct ekf_elf e;
	int encoding;
	Elf_Scn *symtab;
	Elf_Data *idlist;
	size_t idlist_shndx;
	GElf_Addr idlist_addr;
	Elf_Data *btf_data;
	Elf_Data *btf_base_data;
	struct ekf_ids ids;
	/* per kind, sorted by name (ascending) */
	struct group *groups[EKF_ID_NR_KINDS];
	size_t nr_groups[EKF_ID_NR_KINDS];
	size_t nr_syms_of_kind[EKF_ID_NR_KINDS];
	size_t unresolved;
};

static int compressed_section_fix(struct resolver *r, Elf_Scn *scn,
				  GElf_Shdr *sh)
{
	GElf_Xword want = gelf_getclass(r->e.elf) == ELFCLASS32 ? 4 : 8;

	if (!(sh->sh_flags & SHF_COMPRESSED) || sh->sh_addralign == want)
		return 0;
	ekf_debug("fixing sh_addralign %llu of a compressed section to %llu",
		  (unsigned long long)sh->sh_addralign, (unsigned long long)want);
	sh->sh_addralign = want;
	if (!gelf_update_shdr(scn, sh))
		return ekf_fail(-EINVAL, "cannot update a section header: %s",
				elf_errmsg(-1));
	return 0;
}

/* Open for update and read every section, as resolve_btfids does. */
static int elf_collect(struct resolver *r)
{
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;
	GElf_Shdr sh;
	Elf_Data *data;
	const char *name;
	size_t idx = 0;
	int err;

	r->e.fd = open(r->path, O_RDWR | O_CLOEXEC);
	if (r->e.fd < 0)
		return ekf_fail(-errno, "cannot open for writing: %s",
				strerror(errno));
	r->e.elf = elf_begin(r->e.fd, ELF_C_RDWR_MMAP, NULL);
	if (!r->e.elf || elf_kind(r->e.elf) != ELF_K_ELF)
		return ekf_fail(-ENOEXEC, "not an ELF file (%s)", elf_errmsg(-1));
	elf_flagelf(r->e.elf, ELF_C_SET, ELF_F_LAYOUT);
	if (elf_getshdrstrndx(r->e.elf, &r->e.shstrndx))
		return ekf_fail(-EINVAL, "cannot read the section names: %s",
				elf_errmsg(-1));
	if (!gelf_getehdr(r->e.elf, &eh))
		return ekf_fail(-EINVAL, "cannot read the ELF header: %s",
				elf_errmsg(-1));
	r->encoding = eh.e_ident[EI_DATA];

	while ((scn = elf_nextscn(r->e.elf, scn))) {
		idx++;
		if (!gelf_getshdr(scn, &sh))
			return ekf_fail(-EINVAL, "cannot read section %zu's header: %s",
					idx, elf_errmsg(-1));
		name = elf_strptr(r->e.elf, r->e.shstrndx, sh.sh_name);
		if (!name)
			return ekf_fail(-EINVAL, "cannot read section %zu's name",
					idx);
		data = elf_getdata(scn, NULL);
		if (!data)
			return ekf_fail(-EINVAL, "cannot read section %zu (%s): %s",
					idx, name, elf_errmsg(-1));
		if (sh.sh_type == SHT_SYMTAB) {
			r->symtab = scn;
		} else if (!strcmp(name, ".BTF_ids")) {
			r->idlist = data;
			r->idlist_shndx = idx;
			r->idlist_addr = sh.sh_addr;
		} else if (!strcmp(name, ".BTF")) {
			r->btf_data = data;
		} else if (!strcmp(name, ".BTF.base")) {
			r->btf_base_data = data;
		}
		err = compressed_section_fix(r, scn, &sh);
		if (err)
			return err;
	}
	return 0;
}

static int cmp_group_name(const void *a, const void *b)
{
	return strcmp(((const struct group *)a)->name,
		      ((const struct group *)b)->name);
}

static struct group *find_group(struct resolver *r, enum ekf_id_kind kind,
				const char *name)
{
	struct group key = { .name = name };

	if (!r->nr_groups[kind])
		return NULL;
	return bsearch(&key, r->groups[kind], r->nr_groups[kind],
		       sizeof(key), cmp_group_name);
}

/* Sets and set8s share one name space, as in resolve_btfids. */
static enum ekf_id_kind group_kind(enum ekf_id_kind kind)
{
	return kind == EKF_ID_SET8 ? EKF_ID_SET : kind;
}

static int make_groups(struct resolver *r)
{
	struct ekf_id_sym *s;
	struct group *g;
	enum ekf_id_kind k;
	size_t i, *p;

	for (i = 0; i < r->ids.nr; i++) {
		s = &r->ids.syms[i];
		k = group_kind(s->kind);
		r->nr_syms_of_kind[k]++;
		g = find_group(r, k, s->name);
		if (g && k == EKF_ID_SET)
			return ekf_fail(-EINVAL, "set %s is defined twice", s->name);
		if (!g) {
			g = realloc(r->groups[k], (r->nr_groups[k] + 1) * sizeof(*g));
			if (!g)
				return -ENOMEM;
			r->groups[k] = g;
			g = &g[r->nr_groups[k]++];
			memset(g, 0, sizeof(*g));
			g->name = s->name;
			g->kind = s->kind;
			qsort(r->groups[k], r->nr_groups[k], sizeof(*g),
			      cmp_group_name);
			g = find_group(r, k, s->name);
		}
		p = realloc(g->syms, (g->nr_syms + 1) * sizeof(*p));
		if (!p)
			return -ENOMEM;
		g->syms = p;
		g->syms[g->nr_syms++] = i;
	}
	return 0;
}

static int load_btf(struct resolver *r, const char *base_path,
		    struct btf **base, struct btf **btf)
{
	int err;

	*base = *btf = NULL;
	if (!r->btf_data || !r->btf_data->d_size)
		return ekf_fail(-ENOENT, "no .BTF section: generate the BTF first (pahole -J)");
	if (r->btf_base_data) {
		ekf_info("%s: resolving against its own .BTF.base", r->path);
		err = ekf_btf_from_data(r->btf_base_data->d_buf,
					r->btf_base_data->d_size, NULL, base);
		if (err)
			return ekf_fail(err, "its .BTF.base does not parse: %s",
					ekf_strerror(err));
	} else if (base_path) {
		err = ekf_btf_load(base_path, NULL, base);
		if (err)
			return ekf_fail(err, "base BTF %s: %s", base_path,
					ekf_why(err));
	}
	err = ekf_btf_from_data(r->btf_data->d_buf, r->btf_data->d_size, *base,
				btf);
	if (err)
		return ekf_fail(err, "its .BTF does not parse%s: %s",
				*base ? " on top of the base BTF (built against another kernel?)"
				      : " as complete BTF (split BTF needs -b BASE)",
				ekf_strerror(err));
	return 0;
}

/* Lowest id of each wanted kind and name, base types included. */
static int resolve_ids(struct resolver *r, const char *base_path)
{
	size_t left[EKF_ID_NR_KINDS];
	const struct btf_type *t;
	struct btf *base, *btf;
	enum ekf_id_kind k;
	struct group *g;
	const char *name;
	__u32 id, nr;
	int err;

	err = load_btf(r, base_path, &base, &btf);
	if (err)
		goto out;
	/* resolve_btfids stops looking at a kind once each symbol had a match. */
	memcpy(left, r->nr_syms_of_kind, sizeof(left));
	nr = btf__type_cnt(btf);
	for (id = 1; id < nr; id++) {
		t = btf__type_by_id(btf, id);
		if (!t) {
			err = ekf_fail(-EINVAL, "malformed BTF: no type %u", id);
			goto out;
		}
		if (btf_is_func(t))
			k = EKF_ID_FUNC;
		else if (btf_is_struct(t))
			k = EKF_ID_STRUCT;
		else if (btf_is_union(t))
			k = EKF_ID_UNION;
		else if (btf_is_typedef(t))
			k = EKF_ID_TYPEDEF;
		else
			continue;
		if (!left[k])
			continue;
		name = btf__name_by_offset(btf, t->name_off);
		if (!name) {
			err = ekf_fail(-EINVAL, "malformed BTF: no name for type %u", id);
			goto out;
		}
		g = find_group(r, k, name);
		if (!g)
			continue;
		if (g->id) {
			ekf_warn("%s: several BTF ids for %s %s: %d, %u - using %d",
				 r->path, ekf_id_kind_name(k), name, g->id, id, g->id);
		} else {
			g->id = id;
			left[k]--;
		}
	}
	err = 0;
out:
	btf__free(btf);
	btf__free(base);
	return err;
}

/* Write the group's value into the slot of each of its symbols. */
static int patch_group(struct resolver *r, struct group *g)
{
	const struct ekf_id_sym *s;
	GElf_Addr off;
	size_t i;

	for (i = 0; i < g->nr_syms; i++) {
		s = &r->ids.syms[g->syms[i]];
		off = s->addr - r->idlist_addr;
		if (off >= r->idlist->d_size)
			return ekf_fail(-ERANGE, "symbol %s lies outside .BTF_ids (offset %llu, size %zu)",
					s->sym, (unsigned long long)off,
					r->idlist->d_size);
		ekf_debug("patching offset %5llu: %s %7d [%s]",
			  (unsigned long long)off,
			  g->kind == EKF_ID_SET || g->kind == EKF_ID_SET8 ? "count" : "id   ",
			  g->id, g->name);
		off &= ~(GElf_Addr)3;
		memcpy((unsigned char *)r->idlist->d_buf + off, &g->id, sizeof(g->id));
	}
	return 0;
}

static int patch_ids(struct resolver *r)
{
	static const enum ekf_id_kind order[] = {
		EKF_ID_STRUCT, EKF_ID_UNION, EKF_ID_TYPEDEF, EKF_ID_FUNC, EKF_ID_SET,
	};
	const struct ekf_id_sym *s;
	struct group *g;
	size_t i, j;
	long cnt;
	int err;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		for (j = r->nr_groups[order[i]]; j-- > 0;) {
			g = &r->groups[order[i]][j];
			if (order[i] == EKF_ID_SET) {
				s = &r->ids.syms[g->syms[0]];
				cnt = ekf_set_count(s);
				if (cnt < 0)
					return ekf_fail(-EINVAL, "set symbol %s is smaller than a set header (size %llu)",
							s->sym, (unsigned long long)s->size);
				g->id = cnt;
			} else if (!g->id) {
				ekf_warn("%s: unresolved symbol %s %s: no such type in the BTF, its id stays 0",
					 r->path, ekf_id_kind_name(order[i]), g->name);
				r->unresolved++;
			}
			err = patch_group(r, g);
			if (err)
				return err;
		}
	}
	return 0;
}

/* A set8 with its count written went through a resolver already. */
static int check_not_resolved(struct resolver *r)
{
	const struct ekf_id_sym *s;
	GElf_Addr off;
	uint32_t cnt;
	size_t j;

	for (j = 0; j < r->nr_groups[EKF_ID_SET]; j++) {
		s = &r->ids.syms[r->groups[EKF_ID_SET][j].syms[0]];
		off = s->addr - r->idlist_addr;
		if (s->kind != EKF_ID_SET8 || off > r->idlist->d_size ||
		    r->idlist->d_size - off < 4)
			continue;
		memcpy(&cnt, (unsigned char *)r->idlist->d_buf + off, sizeof(cnt));
		if (r->encoding != EKF_ELFDATA_NATIVE)
			cnt = bswap_32(cnt);
		if (cnt && cnt == ekf_set_count(s))
			return ekf_fail(-EALREADY, "its .BTF_ids were resolved already (set8 %s has its count), and resolving again would give kfunc flags to the wrong kfuncs; see `ekf-btf verify` for what is still unresolved, and rebuild the module",
					s->name);
	}
	return 0;
}

static int sort_set(struct resolver *r, struct group *g)
{
	const struct ekf_id_sym *s = &r->ids.syms[g->syms[0]];
	bool set8 = s->kind == EKF_ID_SET8;
	size_t hdr = set8 ? 8 : 4, unit = set8 ? 8 : 4, i;
	unsigned char *set;
	GElf_Addr off = s->addr - r->idlist_addr;
	uint32_t cnt, v;
	int err;

	if (off > r->idlist->d_size || r->idlist->d_size - off < hdr)
		return ekf_fail(-ERANGE, "set %s lies outside .BTF_ids", g->name);
	set = (unsigned char *)r->idlist->d_buf + off;
	memcpy(&cnt, set, sizeof(cnt));
	if (cnt > (r->idlist->d_size - off - hdr) / unit)
		return ekf_fail(-ERANGE, "set %s: %u entries do not fit in .BTF_ids",
				g->name, cnt);
	ekf_debug("sorting  offset %5llu: cnt %6u [%s]",
		  (unsigned long long)off, cnt, g->name);
	err = ekf_msort(set + hdr, cnt, unit, ekf_cmp_id);
	if (err)
		return err;
	if (!set8 || r->encoding == EKF_ELFDATA_NATIVE)
		return 0;
	/* libelf will swap every word; the flags are in file order already. */
	for (i = 0; i <= cnt; i++) {
		memcpy(&v, set + 4 + i * 8, sizeof(v));
		v = bswap_32(v);
		memcpy(set + 4 + i * 8, &v, sizeof(v));
	}
	return 0;
}

static int sort_sets(struct resolver *r)
{
	size_t j;
	int err;

	for (j = r->nr_groups[EKF_ID_SET]; j-- > 0;) {
		err = sort_set(r, &r->groups[EKF_ID_SET][j]);
		if (err)
			return err;
	}
	return 0;
}

static int write_back(struct resolver *r)
{
	/* Typed as words, so that libelf converts to the file's byte order. */
	r->idlist->d_type = ELF_T_WORD;
	elf_flagdata(r->idlist, ELF_C_SET, ELF_F_DIRTY);
	if (elf_update(r->e.elf, ELF_C_WRITE) < 0)
		return ekf_fail(-EIO, "cannot write the file: %s", elf_errmsg(-1));
	return 0;
}

int ekf_resolve(const char *path, const char *base_path)
{
	struct resolver r = { .path = path, .e = { .fd = -1 } };
	size_t k, i;
	int err;

	err = elf_collect(&r);
	if (err)
		goto out;
	if (!r.idlist || !r.symtab) {
		ekf_info("%s: no .BTF_ids section or no symbol table: nothing to resolve",
			 path);
		goto out;
	}
	err = ekf_ids_collect(r.e.elf, r.symtab, r.idlist_shndx, &r.ids);
	if (err)
		goto out;
	err = make_groups(&r);
	if (err)
		goto out;
	err = check_not_resolved(&r);
	if (err)
		goto out;
	err = resolve_ids(&r, base_path);
	if (err)
		goto out;
	err = patch_ids(&r);
	if (err)
		goto out;
	err = sort_sets(&r);
	if (err)
		goto out;
	err = write_back(&r);
	if (err)
		goto out;
	if (r.unresolved)
		ekf_warn("%s: %zu unresolved symbol(s) left as 0", path,
			 r.unresolved);
	ekf_info("%s: resolved %zu .BTF_ids symbols", path, r.ids.nr);
out:
	for (k = 0; k < EKF_ID_NR_KINDS; k++) {
		for (i = 0; i < r.nr_groups[k]; i++)
			free(r.groups[k][i].syms);
		free(r.groups[k]);
	}
	ekf_ids_free(&r.ids);
	ekf_elf_close(&r.e);
	return err;
}
