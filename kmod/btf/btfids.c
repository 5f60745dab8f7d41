// SPDX-License-Identifier: GPL-2.0
/*
 * The symbols of a .BTF_ids section, named as the kernel's
 * include/linux/btf_ids.h names them:
 *
 *   __BTF_ID__<kind>__<name>__<unique>	a 4-byte id slot, <kind> one of
 *					struct, union, typedef, func
 *   __BTF_ID__set__<name>		u32 cnt, then cnt u32 ids
 *   __BTF_ID__set8__<name>		u32 cnt, u32 flags, then cnt
 *					{ u32 id; u32 flags; } pairs
 *
 * A set symbol's size covers its header and entries, which gives the
 * count.  The parsing follows the kernel's tools/bpf/resolve_btfids, so
 * that both resolvers read the same names from the same symbols: the kind
 * is matched as a prefix ("set8" before "set"), the two characters after
 * it are skipped, and the "__<unique>" suffix is cut at the last "__".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ekf_btf.h"

#define BTF_ID_PREFIX	"__BTF_ID__"

static const struct {
	const char *prefix;
	enum ekf_id_kind kind;
} kinds[] = {
	{ "struct",  EKF_ID_STRUCT },
	{ "union",   EKF_ID_UNION },
	{ "typedef", EKF_ID_TYPEDEF },
	{ "func",    EKF_ID_FUNC },
	{ "set8",    EKF_ID_SET8 },
	{ "set",     EKF_ID_SET },
};

const char *ekf_id_kind_name(enum ekf_id_kind kind)
{
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].kind == kind)
			return kinds[i].prefix;
	return "?";
}

/* "<name>__<unique>" (after the kind and two more characters) -> name */
static int parse_id_name(const char *sym, const char *after_kind, char **name)
{
	char *s, *p;

	if (strlen(after_kind) <= 2)
		return ekf_fail(-EINVAL, "cannot parse symbol name %s", sym);
	s = strdup(after_kind + 2);
	if (!s)
		return -ENOMEM;
	p = strrchr(s, '_');
	if (!p || p == s || p[-1] != '_') {
		free(s);
		return ekf_fail(-EINVAL, "cannot parse symbol name %s (no __<unique> suffix)",
				sym);
	}
	p[-1] = '\0';
	*name = s;
	return 0;
}

/* "<name>" (after the kind and two more characters) -> name */
static int parse_set_name(const char *sym, const char *after_kind, char **name)
{
	if (strlen(after_kind) <= 2)
		return ekf_fail(-EINVAL, "cannot parse set name %s", sym);
	*name = strdup(after_kind + 2);
	return *name ? 0 : -ENOMEM;
}

static int parse_symbol(const char *sym, struct ekf_id_sym *id)
{
	const char *prefix = sym + strlen(BTF_ID_PREFIX);
	size_t i, len;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		len = strlen(kinds[i].prefix);
		if (strncmp(prefix, kinds[i].prefix, len))
			continue;
		id->kind = kinds[i].kind;
		if (id->kind == EKF_ID_SET || id->kind == EKF_ID_SET8)
			return parse_set_name(sym, prefix + len, &id->name);
		return parse_id_name(sym, prefix + len, &id->name);
	}
	return ekf_fail(-EINVAL, "unsupported .BTF_ids symbol %s", sym);
}

/*
 * Every __BTF_ID__ symbol defined in section IDLIST_SHNDX, in symbol
 * table order.
 */
int ekf_ids_collect(Elf *elf, Elf_Scn *symtab, size_t idlist_shndx,
		    struct ekf_ids *ids)
{
	struct ekf_id_sym *id;
	Elf_Data *data;
	GElf_Shdr sh;
	GElf_Sym sym;
	const char *name;
	size_t i, n;
	int err;

	ids->syms = NULL;
	ids->nr = 0;
	if (!gelf_getshdr(symtab, &sh) || !sh.sh_entsize)
		return ekf_fail(-EINVAL, "bad symbol table header");
	data = elf_getdata(symtab, NULL);
	if (!data)
		return ekf_fail(-EINVAL, "cannot read the symbol table: %s",
				elf_errmsg(-1));
	n = sh.sh_size / sh.sh_entsize;
	for (i = 0; i < n; i++) {
		if (!gelf_getsym(data, i, &sym)) {
			err = ekf_fail(-EINVAL, "cannot read symbol %zu: %s", i,
				       elf_errmsg(-1));
			goto fail;
		}
		if (sym.st_shndx != idlist_shndx)
			continue;
		name = elf_strptr(elf, sh.sh_link, sym.st_name);
		if (!name || strncmp(name, BTF_ID_PREFIX, strlen(BTF_ID_PREFIX)))
			continue;
		if (!(ids->nr & (ids->nr + 1))) {	/* 0, 1, 3, 7, ... */
			id = realloc(ids->syms, (ids->nr * 2 + 1) * sizeof(*id));
			if (!id) {
				err = -ENOMEM;
				goto fail;
			}
			ids->syms = id;
		}
		id = &ids->syms[ids->nr];
		memset(id, 0, sizeof(*id));
		err = parse_symbol(name, id);
		if (err)
			goto fail;
		id->sym = name;
		id->addr = sym.st_value;
		id->size = sym.st_size;
		ids->nr++;
	}
	return 0;
fail:
	ekf_ids_free(ids);
	return err;
}

void ekf_ids_free(struct ekf_ids *ids)
{
	size_t i;

	for (i = 0; i < ids->nr; i++)
		free(ids->syms[i].name);
	free(ids->syms);
	ids->syms = NULL;
	ids->nr = 0;
}

/*
 * The entry count a set's symbol size implies; negative if the symbol is
 * smaller than the set's header.
 */
long ekf_set_count(const struct ekf_id_sym *sym)
{
	size_t unit = sym->kind == EKF_ID_SET8 ? 8 : 4;

	if (sym->size < unit)
		return -1;
	return sym->size / unit - 1;
}
